"""Handlers of the secondary market: transfers free of payment, DvP offers between two parties, pledges
(repo collateral) and freezes."""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.modules.bonds.errors import (
    InsufficientPledgeError,
    NotFrozenError,
    NotOfferPartyError,
    OfferNotFoundError,
)
from bayledger.core.modules.bonds.events import (
    EventAcceptOffer,
    EventCancelOffer,
    EventFreezeHolding,
    EventOfferBond,
    EventPledgeBond,
    EventReleasePledge,
    EventTransferBond,
    EventUnfreezeHolding,
)
from bayledger.core.modules.bonds.keeper import (
    check_authority,
    check_available,
    check_denomination,
    check_eligible,
    check_not_frozen,
    check_status,
    move_bonds,
    require_bond,
    write_holding,
)
from bayledger.core.modules.bonds.msgs import (
    MsgAcceptOffer,
    MsgCancelOffer,
    MsgFreezeHolding,
    MsgOfferBond,
    MsgPledgeBond,
    MsgReleasePledge,
    MsgTransferBond,
    MsgUnfreezeHolding,
)
from bayledger.core.modules.bonds.state import (
    ACTIVE,
    Bond,
    HoldingFreeze,
    Offer,
    Pledge,
    delete_freeze,
    delete_offer,
    get_freeze,
    get_holding,
    get_offer,
    get_pledge,
    set_freeze,
    set_offer,
    set_pledge,
    take_offer_id,
)
from bayledger.core.modules.cash import transfer_cash
from bayledger.core.types import Did

_TRADE = (ACTIVE,)


def _check_parties(ctx: Context, bond: Bond, sender: Did, recipient: Did) -> None:
    """Both sides eligible for the bond and neither frozen."""
    check_eligible(ctx, bond, "sender", sender)
    check_eligible(ctx, bond, "recipient", recipient)
    check_not_frozen(ctx, bond, sender)
    check_not_frozen(ctx, bond, recipient)


def process_transfer_bond(ctx: Context, msg: MsgTransferBond) -> None:
    """Move free (not pledged, not escrowed) bonds between two eligible, unfrozen holders."""
    bond = require_bond(ctx, msg.bond_id)
    check_status(bond, _TRADE, "transfer")
    check_denomination(bond, msg.amount)
    _check_parties(ctx, bond, msg.sender, msg.recipient)
    holding = get_holding(ctx.store, bond.bond_id, msg.sender)
    check_available(bond, holding, msg.amount)

    move_bonds(ctx, bond, holding, msg.recipient, msg.amount)

    ctx.emit(
        EventTransferBond(bond_id=bond.bond_id, sender=msg.sender, recipient=msg.recipient, amount=msg.amount)
    )


def process_offer_bond(ctx: Context, msg: MsgOfferBond) -> None:
    """Escrow the seller's bonds in a DvP offer to one buyer (id ``OFR-<n>``)."""
    bond = require_bond(ctx, msg.bond_id)
    check_status(bond, _TRADE, "offer")
    check_denomination(bond, msg.amount)
    _check_parties(ctx, bond, msg.seller, msg.buyer)
    holding = get_holding(ctx.store, bond.bond_id, msg.seller)
    check_available(bond, holding, msg.amount)

    offer_id = take_offer_id(ctx.store)
    write_holding(ctx, replace(holding, escrowed=holding.escrowed + msg.amount), amount_changed=False)
    offer = Offer(offer_id, bond.bond_id, msg.seller, msg.buyer, msg.amount, msg.cash, ctx.height)
    set_offer(ctx.store, offer)

    ctx.emit(
        EventOfferBond(
            offer_id=offer_id,
            bond_id=bond.bond_id,
            seller=msg.seller,
            buyer=msg.buyer,
            amount=msg.amount,
            cash=msg.cash,
        )
    )


def _require_offer(ctx: Context, offer_id: str) -> Offer:
    offer = get_offer(ctx.store, offer_id)
    if offer is None:
        raise OfferNotFoundError(offer_id)
    return offer


def _release_escrow(ctx: Context, offer: Offer) -> None:
    holding = get_holding(ctx.store, offer.bond_id, offer.seller)
    write_holding(ctx, replace(holding, escrowed=holding.escrowed - offer.amount), amount_changed=False)
    delete_offer(ctx.store, offer.offer_id)


def process_accept_offer(ctx: Context, msg: MsgAcceptOffer) -> None:
    """Settle an offer DvP: the buyer's cash to the seller and the escrowed bonds to the buyer, or nothing."""
    offer = _require_offer(ctx, msg.offer_id)
    if msg.buyer != offer.buyer:
        raise NotOfferPartyError(offer.offer_id, msg.buyer, (offer.buyer,))
    bond = require_bond(ctx, offer.bond_id)
    check_status(bond, _TRADE, "settle an offer of")
    _check_parties(ctx, bond, offer.seller, offer.buyer)

    _release_escrow(ctx, offer)
    transfer_cash(ctx, bond.terms.cash_token_id, offer.buyer, offer.seller, offer.cash)
    move_bonds(ctx, bond, get_holding(ctx.store, bond.bond_id, offer.seller), offer.buyer, offer.amount)

    ctx.emit(
        EventAcceptOffer(
            offer_id=offer.offer_id,
            bond_id=bond.bond_id,
            seller=offer.seller,
            buyer=offer.buyer,
            amount=offer.amount,
            cash=offer.cash,
        )
    )


def process_cancel_offer(ctx: Context, msg: MsgCancelOffer) -> None:
    """Cancel an open offer (its seller or buyer); the bonds are free again."""
    offer = _require_offer(ctx, msg.offer_id)
    if msg.signer not in (offer.seller, offer.buyer):
        raise NotOfferPartyError(offer.offer_id, msg.signer, (offer.seller, offer.buyer))

    _release_escrow(ctx, offer)

    ctx.emit(EventCancelOffer(offer_id=offer.offer_id, bond_id=offer.bond_id, cancelled_by=msg.signer))


def process_pledge_bond(ctx: Context, msg: MsgPledgeBond) -> None:
    """Pledge free bonds to a pledgee: they stay the holder's (coupons too) but cannot move."""
    bond = require_bond(ctx, msg.bond_id)
    check_status(bond, _TRADE, "pledge")
    check_denomination(bond, msg.amount)
    check_not_frozen(ctx, bond, msg.holder)
    holding = get_holding(ctx.store, bond.bond_id, msg.holder)
    check_available(bond, holding, msg.amount)

    total = get_pledge(ctx.store, bond.bond_id, msg.holder, msg.pledgee) + msg.amount
    write_holding(ctx, replace(holding, pledged=holding.pledged + msg.amount), amount_changed=False)
    set_pledge(ctx.store, Pledge(bond.bond_id, msg.holder, msg.pledgee, total, ctx.height))

    ctx.emit(
        EventPledgeBond(
            bond_id=bond.bond_id,
            holder=msg.holder,
            pledgee=msg.pledgee,
            amount=msg.amount,
            pledged_total=total,
        )
    )


def process_release_pledge(ctx: Context, msg: MsgReleasePledge) -> None:
    """The pledgee releases (part of) a pledge."""
    bond = require_bond(ctx, msg.bond_id)
    pledged = get_pledge(ctx.store, bond.bond_id, msg.holder, msg.pledgee)
    if pledged < msg.amount:
        raise InsufficientPledgeError(bond.bond_id, msg.holder, msg.pledgee, pledged, msg.amount)

    holding = get_holding(ctx.store, bond.bond_id, msg.holder)
    write_holding(ctx, replace(holding, pledged=holding.pledged - msg.amount), amount_changed=False)
    set_pledge(ctx.store, Pledge(bond.bond_id, msg.holder, msg.pledgee, pledged - msg.amount, ctx.height))

    ctx.emit(
        EventReleasePledge(
            bond_id=bond.bond_id,
            holder=msg.holder,
            pledgee=msg.pledgee,
            amount=msg.amount,
            pledged_total=pledged - msg.amount,
        )
    )


def process_freeze_holding(ctx: Context, msg: MsgFreezeHolding) -> None:
    """Freeze a holder's bonds (the issuer or a regulator); a second freeze replaces the reason."""
    bond = require_bond(ctx, msg.bond_id)
    check_authority(ctx, bond, msg.authority)

    set_freeze(ctx.store, HoldingFreeze(bond.bond_id, msg.holder, msg.authority, msg.reason, ctx.height))

    ctx.emit(
        EventFreezeHolding(
            bond_id=bond.bond_id, holder=msg.holder, authority=msg.authority, reason=msg.reason
        )
    )


def process_unfreeze_holding(ctx: Context, msg: MsgUnfreezeHolding) -> None:
    """Lift a freeze (the issuer or a regulator)."""
    bond = require_bond(ctx, msg.bond_id)
    check_authority(ctx, bond, msg.authority)
    if get_freeze(ctx.store, bond.bond_id, msg.holder) is None:
        raise NotFrozenError(bond.bond_id, msg.holder)

    delete_freeze(ctx.store, bond.bond_id, msg.holder)

    ctx.emit(
        EventUnfreezeHolding(
            bond_id=bond.bond_id, holder=msg.holder, authority=msg.authority, reason=msg.reason
        )
    )
