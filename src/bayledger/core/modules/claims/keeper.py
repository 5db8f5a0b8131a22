"""The claims registry's API for other modules: record a claim of tonnes, refusing any double count.

Modules call these inside their own handlers (carbon retirements and bridge-ins, bond impact reports);
a raised :class:`OverlappingClaimError` fails the calling message and the router rolls its transaction
back, so a refused claim leaves nothing behind. The overlap rules are in README.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from msgspec.structs import replace

from bayledger.core.context import Context
from bayledger.core.encoding import MAX_SAFE_INTEGER
from bayledger.core.modules.claims.errors import InvalidClaimError, OverlappingClaimError
from bayledger.core.modules.claims.events import EventRegisterClaim
from bayledger.core.modules.claims.state import (
    KIND_PROJECT_PERIOD,
    KIND_SERIAL_RANGE,
    Claim,
    list_batch_claims,
    list_project_claims,
    next_claim_id,
    set_claim,
)
from bayledger.core.store import StateReader

MAX_DAY = 2_932_896  # 9999-12-31
MAX_RANGES = 1024
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}")

__all__ = [
    "find_overlap",
    "is_ref",
    "register_project_period_claim",
    "register_serial_range_claim",
]


def is_ref(text: str) -> bool:
    """True for a project or batch reference: 1-128 of ``A-Za-z0-9._:-``, starting alphanumeric."""
    return _REF.fullmatch(text) is not None


def compute_periods_intersect(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """True when the inclusive day periods ``[a_start, a_end]`` and ``[b_start, b_end]`` share a day."""
    return a_start <= b_end and b_start <= a_end


def compute_ranges_intersect(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> bool:
    """True when some inclusive serial range of ``a`` shares a serial with one of ``b``."""
    return any(x_first <= y_last and y_first <= x_last for x_first, x_last in a for y_first, y_last in b)


def _check_common(
    claimant: str, project_ref: str, start: int, end: int, quantity: int, unit: str, source: str
) -> None:
    if not claimant or len(claimant) > 256:
        raise InvalidClaimError("claimant must be 1-256 characters")
    if not is_ref(project_ref):
        raise InvalidClaimError(f"project_ref {project_ref!r} must be 1-128 of A-Za-z0-9._:-")
    if not 0 <= start <= end <= MAX_DAY:
        raise InvalidClaimError(f"period [{start}, {end}] must be days 0..{MAX_DAY} with start <= end")
    if not 0 < quantity <= MAX_SAFE_INTEGER:
        raise InvalidClaimError(f"quantity must be 1..{MAX_SAFE_INTEGER}, got {quantity}")
    if _WORD.fullmatch(unit) is None or _WORD.fullmatch(source) is None:
        raise InvalidClaimError("unit and source must be 1-64 of A-Za-z0-9._:/-")


def _check_ranges(ranges: Sequence[tuple[int, int]]) -> None:
    if not 1 <= len(ranges) <= MAX_RANGES:
        raise InvalidClaimError(f"a serial-range claim has 1-{MAX_RANGES} ranges")
    ordered = sorted(ranges)
    for first, last in ordered:
        if not 1 <= first <= last <= MAX_SAFE_INTEGER:
            raise InvalidClaimError(f"serial range [{first}, {last}] must have 1 <= first <= last")
    for (_, last), (first, _) in pairwise(ordered):
        if first <= last:
            raise InvalidClaimError("the serial ranges of a claim overlap each other")


def find_overlap(store: StateReader, claim: Claim) -> tuple[Claim, str] | None:
    """The first existing claim that ``claim`` would overlap, with the rule it breaks, or None.

    Rules: serial range vs serial range of the same batch: the ranges intersect; project-period vs
    project-period of the same project: the periods intersect; serial range vs project-period: the batch's
    project is the period's project and the batch's vintage intersects the period.
    """
    candidates = list_project_claims(store, claim.project_ref)
    if claim.kind == KIND_SERIAL_RANGE:
        candidates += [
            c for c in list_batch_claims(store, claim.batch_ref) if c.project_ref != claim.project_ref
        ]
    for other in candidates:
        if claim.kind == KIND_SERIAL_RANGE and other.kind == KIND_SERIAL_RANGE:
            if other.batch_ref == claim.batch_ref and compute_ranges_intersect(claim.ranges, other.ranges):
                return other, f"serial ranges of batch {claim.batch_ref} intersect"
            continue
        if compute_periods_intersect(
            claim.period_start, claim.period_end, other.period_start, other.period_end
        ):
            if claim.kind == other.kind:
                rule = f"periods of project {claim.project_ref} intersect"
            else:
                rule = f"a vintage of project {claim.project_ref} intersects a claimed project period"
            return other, rule
    return None


def _register(ctx: Context, claim: Claim) -> str:
    overlap = find_overlap(ctx.store, claim)
    if overlap is not None:
        raise OverlappingClaimError(overlap[0].claim_id, overlap[1])
    claim_id = next_claim_id(ctx.store)
    claim = replace(claim, claim_id=claim_id)
    set_claim(ctx.store, claim)
    ctx.emit(
        EventRegisterClaim(
            claim_id=claim_id,
            kind=claim.kind,
            claimant=claim.claimant,
            source=claim.source,
            project_ref=claim.project_ref,
            batch_ref=claim.batch_ref,
            period_start=claim.period_start,
            period_end=claim.period_end,
            quantity=claim.quantity,
            unit=claim.unit,
        )
    )
    return claim_id


def register_project_period_claim(
    ctx: Context,
    *,
    claimant: str,
    project_ref: str,
    period_start: int,
    period_end: int,
    quantity: int,
    unit: str,
    source: str,
) -> str:
    """Record a claim of `quantity` over project `project_ref` for days [period_start, period_end]
    (days since 1970-01-01, as core/finance dates use), raise OverlappingClaimError if it overlaps
    an existing claim; return the deterministic claim id.

    Also raises InvalidClaimError (``claims/2``) for malformed fields. Emits ``claims/EventRegisterClaim``.
    """
    _check_common(claimant, project_ref, period_start, period_end, quantity, unit, source)
    claim = Claim(
        claim_id="",
        kind=KIND_PROJECT_PERIOD,
        claimant=claimant,
        source=source,
        project_ref=project_ref,
        period_start=period_start,
        period_end=period_end,
        batch_ref="",
        ranges=[],
        quantity=quantity,
        unit=unit,
        height=ctx.height,
        tx_hash=ctx.tx_hash,
    )
    return _register(ctx, claim)


def register_serial_range_claim(
    ctx: Context,
    *,
    claimant: str,
    batch_ref: str,
    ranges: Sequence[tuple[int, int]],
    project_ref: str,
    vintage_start: int,
    vintage_end: int,
    quantity: int,
    unit: str,
    source: str,
) -> str:
    """Record a claim of `quantity` over the inclusive serial `ranges` of batch `batch_ref` (of project
    `project_ref`, vintage days [vintage_start, vintage_end]); raise OverlappingClaimError if it overlaps
    an existing claim (README rules), InvalidClaimError for malformed fields; return the claim id.

    Used by carbon retirements (the local batch id) and bridge-ins (``<origin registry>:<origin batch>``).
    """
    _check_common(claimant, project_ref, vintage_start, vintage_end, quantity, unit, source)
    if not is_ref(batch_ref):
        raise InvalidClaimError(f"batch_ref {batch_ref!r} must be 1-128 of A-Za-z0-9._:-")
    _check_ranges(ranges)
    claim = Claim(
        claim_id="",
        kind=KIND_SERIAL_RANGE,
        claimant=claimant,
        source=source,
        project_ref=project_ref,
        period_start=vintage_start,
        period_end=vintage_end,
        batch_ref=batch_ref,
        ranges=sorted((first, last) for first, last in ranges),
        quantity=quantity,
        unit=unit,
        height=ctx.height,
        tx_hash=ctx.tx_hash,
    )
    return _register(ctx, claim)
