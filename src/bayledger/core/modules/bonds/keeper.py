"""Checks the bonds handlers share, and the only code that changes holdings (so every change of a holder's
amount or of the outstanding amount is also written to its per-day history).

Other modules read bonds through ``state.py`` (``get_bond``, ``get_history``, ``get_outstanding_history``).
"""

from __future__ import annotations

from datetime import date  # core-ok: calendar values only; the day comes from the block time

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.finance import compute_date_of_day, format_date
from bayledger.core.modules.bonds.errors import (
    BondNotFoundError,
    DenominationError,
    HolderNotEligibleError,
    HoldingFrozenError,
    InsufficientHoldingError,
    NotBondIssuerError,
    NotYetDueError,
    WrongBondStatusError,
)
from bayledger.core.modules.bonds.msgs import (
    KYC_CREDENTIAL,
    PROFESSIONAL_INVESTOR_CREDENTIAL,
    REGULATOR_ROLE,
)
from bayledger.core.modules.bonds.state import (
    Bond,
    Holding,
    get_bond,
    get_freeze,
    get_holding,
    record_history,
    record_outstanding,
    set_bond,
    set_holding,
)
from bayledger.core.modules.cash.keeper import compute_day
from bayledger.core.modules.governance.admission import has_role
from bayledger.core.modules.identity.state import has_valid_credential
from bayledger.core.types import Did


def get_today(ctx: Context) -> int:
    """The block's UTC+8 calendar day (days since 1970-01-01)."""
    return compute_day(ctx.time)


def get_today_date(ctx: Context) -> date:
    """The block's UTC+8 calendar date."""
    return compute_date_of_day(get_today(ctx))


def require_bond(ctx: Context, bond_id: str) -> Bond:
    """The bond, or BondNotFoundError."""
    bond = get_bond(ctx.store, bond_id)
    if bond is None:
        raise BondNotFoundError(bond_id)
    return bond


def check_issuer(bond: Bond, signer: Did) -> None:
    """NotBondIssuerError unless ``signer`` issued the bond."""
    if signer != bond.issuer:
        raise NotBondIssuerError(bond.bond_id, bond.issuer, signer)


def check_status(bond: Bond, allowed: tuple[str, ...], action: str) -> None:
    """WrongBondStatusError unless the bond's status is one of ``allowed``."""
    if bond.status not in allowed:
        raise WrongBondStatusError(bond.bond_id, bond.status, allowed, action)


def check_due(ctx: Context, bond: Bond, action: str, due: date) -> None:
    """NotYetDueError when the block's UTC+8 date is before ``due``."""
    today = get_today_date(ctx)
    if today < due:
        raise NotYetDueError(bond.bond_id, action, format_date(due), format_date(today))


def check_denomination(bond: Bond, amount: int) -> None:
    """DenominationError unless ``amount`` is a positive multiple of the denomination within the face."""
    unit, face = bond.terms.specified_denomination, bond.terms.aggregate_nominal_amount
    if amount <= 0 or amount % unit or amount > face:
        raise DenominationError(bond.bond_id, amount, unit, face)


def get_eligibility_credentials(bond: Bond) -> tuple[str, ...]:
    """The credential types a holder of ``bond`` needs (all of them)."""
    if bond.terms.professional_only:
        return (KYC_CREDENTIAL, PROFESSIONAL_INVESTOR_CREDENTIAL)
    return (KYC_CREDENTIAL,)


def check_eligible(ctx: Context, bond: Bond, party: str, did: Did) -> None:
    """HolderNotEligibleError unless ``did`` holds every credential the bond's holders need, valid now."""
    needed = get_eligibility_credentials(bond)
    if not all(has_valid_credential(ctx.store, did, kind, ctx.time) for kind in needed):
        raise HolderNotEligibleError(bond.bond_id, party, did, needed)


def check_not_frozen(ctx: Context, bond: Bond, did: Did) -> None:
    """HoldingFrozenError when ``did``'s holding of the bond is frozen."""
    freeze = get_freeze(ctx.store, bond.bond_id, did)
    if freeze is not None:
        raise HoldingFrozenError(bond.bond_id, did, freeze.reason)


def check_authority(ctx: Context, bond: Bond, signer: Did) -> None:
    """NotBondIssuerError unless ``signer`` is the issuer or a consortium member with role regulator."""
    if signer != bond.issuer and not has_role(ctx, signer, REGULATOR_ROLE):
        raise NotBondIssuerError(bond.bond_id, bond.issuer, signer)


def check_available(bond: Bond, holding: Holding, amount: int) -> None:
    """InsufficientHoldingError when the holding's free amount is below ``amount``."""
    if holding.available < amount:
        raise InsufficientHoldingError(bond.bond_id, holding.holder, holding.available, amount)


def write_holding(ctx: Context, holding: Holding, *, amount_changed: bool) -> None:
    """Write a holding, and its history entry for today when its amount changed."""
    set_holding(ctx.store, holding)
    if amount_changed:
        record_history(ctx.store, holding.bond_id, holding.holder, get_today(ctx), holding.amount)


def move_bonds(ctx: Context, bond: Bond, sender: Holding, recipient: Did, amount: int) -> None:
    """Move ``amount`` face from ``sender`` (its free amount, already checked) to ``recipient``."""
    write_holding(ctx, replace(sender, amount=sender.amount - amount), amount_changed=True)
    receiving = get_holding(ctx.store, bond.bond_id, recipient)
    write_holding(ctx, replace(receiving, amount=receiving.amount + amount), amount_changed=True)


def set_outstanding(ctx: Context, bond: Bond, outstanding: int, **changes: object) -> Bond:
    """Write the bond with a new outstanding amount (and other ``changes``), recording today's figure."""
    updated = replace(bond, outstanding=outstanding, **changes)
    set_bond(ctx.store, updated)
    record_outstanding(ctx.store, bond.bond_id, get_today(ctx), outstanding)
    return updated
