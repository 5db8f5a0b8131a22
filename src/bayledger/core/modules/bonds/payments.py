"""Paying holders: a coupon or redemption leg goes to the holder through ``cash.transfer_cash`` when the
holder can be paid, and is **withheld** (owed, recorded, announced) when it cannot — its deposit account
or its bond holding frozen, or its KYC no longer valid — so one holder never blocks everyone's payment
and nothing owed is lost. ``MsgPayWithheld`` pays it later."""

from __future__ import annotations

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.modules.bonds.errors import HoldingFrozenError, NothingWithheldError
from bayledger.core.modules.bonds.events import EventPaymentWithheld, EventPayWithheld
from bayledger.core.modules.bonds.keeper import check_issuer, require_bond
from bayledger.core.modules.bonds.msgs import MsgPayWithheld
from bayledger.core.modules.bonds.records import Bond, Withheld
from bayledger.core.modules.bonds.state import get_freeze, get_withheld, set_withheld
from bayledger.core.modules.cash import get_token, transfer_cash
from bayledger.core.modules.cash.keeper import is_compliant_party
from bayledger.core.modules.cash.state import is_frozen
from bayledger.core.types import Did

COUPON, REDEMPTION = "coupon", "redemption"


def get_withholding_reason(ctx: Context, bond: Bond, holder: Did) -> str:
    """Why ``holder`` cannot be paid now ("" when it can)."""
    token_id = bond.terms.cash_token_id
    token = get_token(ctx.store, token_id)
    if get_freeze(ctx.store, bond.bond_id, holder) is not None:
        return "bond holding frozen"
    if is_frozen(ctx.store, token_id, holder):
        return "deposit account frozen"
    if token is None or not is_compliant_party(ctx.store, token, holder, ctx.time):
        return "no valid KycCredential"
    return ""


def pay_holder(ctx: Context, bond: Bond, holder: Did, amount: int, kind: str, index: int) -> bool:
    """Pay ``amount`` to ``holder`` from the issuer, or withhold it (record and emit) when the holder
    cannot be paid; True when paid. The issuer's own cash checks (balance, limits) still fail the message."""
    reason = get_withholding_reason(ctx, bond, holder)
    if not reason:
        transfer_cash(ctx, bond.terms.cash_token_id, bond.issuer, holder, amount)
        return True
    before = get_withheld(ctx.store, bond.bond_id, holder)
    if kind == REDEMPTION:
        owed = replace(before, redemption=before.redemption + amount)
    else:
        owed = replace(before, coupons=before.coupons + amount)
    set_withheld(ctx.store, owed)
    ctx.emit(
        EventPaymentWithheld(
            bond_id=bond.bond_id,
            holder=holder,
            amount=amount,
            kind=kind,
            index=index,
            reason=reason,
            owed=owed.amount,
        )
    )
    return False


def process_pay_withheld(ctx: Context, msg: MsgPayWithheld) -> None:
    """Pay a holder everything withheld from it (the cash checks apply: it must be payable now)."""
    bond = require_bond(ctx, msg.bond_id)
    check_issuer(bond, msg.issuer)
    owed = get_withheld(ctx.store, bond.bond_id, msg.holder).amount
    if owed == 0:
        raise NothingWithheldError(bond.bond_id, msg.holder)
    freeze = get_freeze(ctx.store, bond.bond_id, msg.holder)
    if freeze is not None:
        raise HoldingFrozenError(bond.bond_id, msg.holder, freeze.reason)

    transfer_cash(ctx, bond.terms.cash_token_id, bond.issuer, msg.holder, owed)
    set_withheld(ctx.store, Withheld(bond.bond_id, msg.holder, 0, 0))

    ctx.emit(EventPayWithheld(bond_id=bond.bond_id, holder=msg.holder, amount=owed))
