"""Serial ranges in motion: choosing the credits an operation moves, splitting ranges, and the records
every operation leaves (balances, batch totals, movements, retirements with their claim).

Handlers (and other modules, e.g. a marketplace settling against an escrow) use these; nothing here
writes before every check of the operation has passed, so a raised error leaves no partial write.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.modules.carbon.checks import compute_vintage_days
from bayledger.core.modules.carbon.errors import (
    BatchNotFoundError,
    ClassNotFoundError,
    CreditsCancelledError,
    CreditsEscrowedError,
    CreditsRetiredError,
    CreditTypeNotFoundError,
    InsufficientCreditsError,
    InvalidCarbonMessageError,
    NotClassIssuerError,
    ProjectNotFoundError,
    SerialsNotHeldError,
)
from bayledger.core.modules.carbon.events import EventRetireCredits
from bayledger.core.modules.carbon.ledger import (
    Balance,
    Movement,
    Retirement,
    SerialRange,
    delete_range,
    get_balance,
    list_batch_ranges,
    list_holder_ranges,
    next_record_number,
    set_balance,
    set_movement,
    set_range,
    set_retirement,
)
from bayledger.core.modules.carbon.rules import STATUS_RETIRED, STATUS_TRADABLE
from bayledger.core.modules.carbon.state import (
    Batch,
    CreditClass,
    CreditType,
    Project,
    get_batch,
    get_class,
    get_credit_type,
    get_project,
    set_batch,
)
from bayledger.core.modules.claims.keeper import MAX_RANGES, register_serial_range_claim
from bayledger.core.store import StateReader, WritableState
from bayledger.core.types import Did

Ranges = list[tuple[int, int]]


@dataclass(frozen=True)
class Piece:
    """Serials ``first..last`` cut from the stored range ``source``."""

    source: SerialRange
    first: int
    last: int


def require_credit_type(store: StateReader, abbreviation: str) -> CreditType:
    """The credit type, or CreditTypeNotFoundError."""
    found = get_credit_type(store, abbreviation)
    if found is None:
        raise CreditTypeNotFoundError(abbreviation)
    return found


def require_class(store: StateReader, class_id: str) -> CreditClass:
    """The class, or ClassNotFoundError."""
    found = get_class(store, class_id)
    if found is None:
        raise ClassNotFoundError(class_id)
    return found


def require_project(store: StateReader, project_id: str) -> Project:
    """The project, or ProjectNotFoundError."""
    found = get_project(store, project_id)
    if found is None:
        raise ProjectNotFoundError(project_id)
    return found


def require_batch(store: StateReader, batch_id: str) -> Batch:
    """The batch, or BatchNotFoundError."""
    found = get_batch(store, batch_id)
    if found is None:
        raise BatchNotFoundError(batch_id)
    return found


def check_class_issuer(credit_class: CreditClass, signer: Did) -> None:
    """Raise NotClassIssuerError unless ``signer`` is an allowed issuer of the class."""
    if signer not in credit_class.issuers:
        raise NotClassIssuerError(credit_class.class_id, signer)


def compute_claim_unit(unit: str, precision: int) -> str:
    """The claims-registry unit of a type's smallest unit: ``tCO2e/1000`` at precision 3, ``tCO2e`` at 0."""
    return unit if precision == 0 else f"{unit}/{10**precision}"


def compute_ranges(pieces: list[Piece]) -> Ranges:
    """The inclusive ranges of ``pieces``, ascending."""
    return sorted((piece.first, piece.last) for piece in pieces)


def _refuse(r: SerialRange, first: int, last: int, holder: Did) -> None:
    if r.status == STATUS_RETIRED:
        raise CreditsRetiredError(r.batch_id, first, last, r.ref)
    if r.status == "escrowed":
        raise CreditsEscrowedError(r.batch_id, first, last, r.ref)
    if r.status == "cancelled":
        raise CreditsCancelledError(r.batch_id, first, last, r.ref)
    if r.holder != holder:
        raise SerialsNotHeldError(r.batch_id, first, last, holder)


def _select_named(store: StateReader, batch_id: str, holder: Did, serials: Ranges) -> list[Piece]:
    stored = list_batch_ranges(store, batch_id)
    starts = [r.first for r in stored]
    pieces = []
    for first, last in sorted(serials):
        at = first
        index = bisect_right(starts, first) - 1
        while at <= last:
            if index < 0 or index >= len(stored) or stored[index].last < at:
                raise SerialsNotHeldError(batch_id, at, last, holder)  # beyond the issued serials
            r = stored[index]
            end = min(last, r.last)
            _refuse(r, at, end, holder)
            pieces.append(Piece(r, at, end))
            at, index = end + 1, index + 1
    return pieces


def select_tradable(
    store: StateReader, batch_id: str, holder: Did, amount: int, serials: Ranges
) -> list[Piece]:
    """The tradable credits of ``holder`` an operation moves: the named ``serials`` (each must be the
    holder's and tradable) or else the lowest ``amount`` serials the holder has tradable.

    Raises CreditsRetiredError, CreditsEscrowedError, CreditsCancelledError, SerialsNotHeldError for named
    serials, InsufficientCreditsError when the tradable balance is below ``amount``.
    """
    if serials:
        return _select_named(store, batch_id, holder, serials)
    balance = get_balance(store, batch_id, holder)
    if balance.tradable < amount:
        raise InsufficientCreditsError(
            batch_id, holder, balance.tradable, amount, balance.retired, balance.escrowed
        )
    pieces, left = [], amount
    for r in list_holder_ranges(store, holder, batch_id, STATUS_TRADABLE):
        take = min(left, r.last - r.first + 1)
        pieces.append(Piece(r, r.first, r.first + take - 1))
        left -= take
        if left == 0:
            break
    return pieces


def reassign(store: WritableState, pieces: list[Piece], holder: Did, status: str, ref: str) -> Ranges:
    """Give ``pieces`` to ``holder`` in ``status`` (with ``ref``), splitting their source ranges; the rest
    of each source range stays as it was. Returns the moved ranges."""
    by_source: dict[int, list[Piece]] = defaultdict(list)
    sources: dict[int, SerialRange] = {}
    for piece in pieces:
        by_source[piece.source.first].append(piece)
        sources[piece.source.first] = piece.source
    for start, cut in by_source.items():
        source = sources[start]
        delete_range(store, source)
        at = source.first
        for piece in sorted(cut, key=lambda p: p.first):
            if piece.first > at:
                set_range(store, replace(source, first=at, last=piece.first - 1))
            set_range(store, SerialRange(source.batch_id, piece.first, piece.last, holder, status, ref))
            at = piece.last + 1
        if at <= source.last:
            set_range(store, replace(source, first=at, last=source.last))
    return compute_ranges(pieces)


def change_balance(store: WritableState, batch_id: str, holder: Did, **deltas: int) -> Balance:
    """Add ``deltas`` (tradable=, retired=, cancelled=, escrowed=) to a balance and write it."""
    balance = get_balance(store, batch_id, holder)
    changed = replace(balance, **{name: getattr(balance, name) + delta for name, delta in deltas.items()})
    set_balance(store, changed)
    return changed


def change_totals(store: WritableState, batch_id: str, **deltas: int) -> Batch:
    """Add ``deltas`` to the batch's totals (re-read, so several changes in one message compose)."""
    batch = require_batch(store, batch_id)
    changed = replace(batch, **{name: getattr(batch, name) + delta for name, delta in deltas.items()})
    set_batch(store, changed)
    return changed


def record_movement(
    ctx: Context, batch_id: str, kind: str, sender: str, recipient: str, amount: int, ranges: Ranges, ref: str
) -> None:
    """Append one movement to the batch's provenance log."""
    seq = next_record_number(ctx.store, "m", batch_id)
    movement = Movement(
        batch_id, seq, kind, sender, recipient, amount, ranges, ref, ctx.height, ctx.time, ctx.tx_hash
    )
    set_movement(ctx.store, movement)


def retire_pieces(
    ctx: Context,
    batch: Batch,
    owner: Did,
    pieces: list[Piece],
    beneficiary: str,
    reason: str,
    jurisdiction: str,
) -> Retirement:
    """Retire ``pieces`` (tradable serials now held by ``owner``) for ``beneficiary``: claim them in the
    claims registry (OverlappingClaimError if anything claimed them already), mark them retired, move the
    owner's balance and the batch's totals, log the movement and the retirement, emit the event."""
    amount = sum(piece.last - piece.first + 1 for piece in pieces)
    if len(pieces) > MAX_RANGES:
        raise InvalidCarbonMessageError(
            f"the credits span {len(pieces)} serial ranges; retire at most {MAX_RANGES} ranges at a time"
        )
    credit_type = require_credit_type(ctx.store, batch.credit_type)
    start, end = compute_vintage_days(batch.vintage_start, batch.vintage_end)
    claim_id = register_serial_range_claim(
        ctx,
        claimant=owner,
        batch_ref=batch.batch_id,
        ranges=compute_ranges(pieces),
        project_ref=batch.project_id,
        vintage_start=start,
        vintage_end=end,
        quantity=amount,
        unit=compute_claim_unit(credit_type.unit, credit_type.precision),
        source="carbon/retirement",
    )
    number = next_record_number(ctx.store, "ret", batch.batch_id)
    retirement_id = f"RET-{batch.batch_id}-{number:04d}"
    ranges = reassign(ctx.store, pieces, owner, STATUS_RETIRED, retirement_id)
    change_balance(ctx.store, batch.batch_id, owner, tradable=-amount, retired=amount)
    change_totals(ctx.store, batch.batch_id, tradable=-amount, retired=amount)
    record_movement(ctx, batch.batch_id, "retire", owner, owner, amount, ranges, retirement_id)
    retirement = Retirement(
        retirement_id, batch.batch_id, batch.project_id, owner, beneficiary, reason, jurisdiction,
        amount, ranges, claim_id, ctx.height, ctx.time, ctx.tx_hash,
    )  # fmt: skip
    set_retirement(ctx.store, retirement)
    ctx.emit(
        EventRetireCredits(
            retirement_id=retirement_id,
            batch_id=batch.batch_id,
            owner=owner,
            amount=amount,
            ranges=ranges,
            beneficiary=beneficiary,
            reason=reason,
            jurisdiction=jurisdiction,
            claim_id=claim_id,
        )
    )
    return retirement
