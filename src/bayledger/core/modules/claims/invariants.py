"""Invariants of the claims registry."""

from __future__ import annotations

from bayledger.core.modules.claims.keeper import compute_periods_intersect, compute_ranges_intersect
from bayledger.core.modules.claims.state import (
    BATCH_INDEX_PREFIX,
    CLAIM_KINDS,
    KIND_SERIAL_RANGE,
    PROJECT_INDEX_PREFIX,
    list_claims,
    list_index_entries,
)
from bayledger.core.store import StateReader


def check_no_overlap(store: StateReader) -> list[str]:
    """No two claims overlap under the README rules; every claim is well formed."""
    broken = []
    claims = list_claims(store)
    for claim in claims:
        if claim.kind not in CLAIM_KINDS:
            broken.append(f"{claim.claim_id}: unknown kind {claim.kind!r}")
        if claim.kind == KIND_SERIAL_RANGE and not claim.ranges:
            broken.append(f"{claim.claim_id}: serial-range claim without ranges")
    by_project: dict[str, list[int]] = {}
    for index, claim in enumerate(claims):
        by_project.setdefault(claim.project_ref, []).append(index)
    for members in by_project.values():
        for i, a_index in enumerate(members):
            for b_index in members[i + 1 :]:
                a, b = claims[a_index], claims[b_index]
                both_serial = a.kind == b.kind == KIND_SERIAL_RANGE
                if both_serial:
                    clash = a.batch_ref == b.batch_ref and compute_ranges_intersect(a.ranges, b.ranges)
                else:
                    clash = compute_periods_intersect(
                        a.period_start, a.period_end, b.period_start, b.period_end
                    )
                if clash:
                    broken.append(f"{a.claim_id} and {b.claim_id} overlap")
    return broken


def check_indexes(store: StateReader) -> list[str]:
    """The project index lists exactly every claim; the batch index exactly the serial-range claims."""
    broken = []
    claims = list_claims(store)
    want_projects = {(c.project_ref, c.claim_id) for c in claims}
    want_batches = {(c.batch_ref, c.claim_id) for c in claims if c.kind == KIND_SERIAL_RANGE}
    have_projects = set(list_index_entries(store, PROJECT_INDEX_PREFIX))
    have_batches = set(list_index_entries(store, BATCH_INDEX_PREFIX))
    broken += [f"{c}: missing from the project index" for _, c in sorted(want_projects - have_projects)]
    broken += [f"{c}: stale project index entry" for _, c in sorted(have_projects - want_projects)]
    broken += [f"{c}: missing from the batch index" for _, c in sorted(want_batches - have_batches)]
    broken += [f"{c}: stale batch index entry" for _, c in sorted(have_batches - want_batches)]
    return broken
