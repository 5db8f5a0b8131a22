"""Property test of the claims registry: random serial-range and project-period claims over a few
projects and batches. An independent oracle of the README's overlap rules predicts which claims are
accepted; every accepted claim gets the next id, every refusal names an existing claim it overlaps, and
the invariants (no two stored claims overlap, indexes) hold throughout."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from bayledger.core.context import Context
from bayledger.core.modules.claims import register_project_period_claim, register_serial_range_claim
from bayledger.core.modules.claims.errors import OverlappingClaimError
from bayledger.core.modules.claims.invariants import check_indexes, check_no_overlap
from bayledger.core.store import BlockState, DictState
from corechain import Chain, ed_key, make_genesis

# batch -> (project, vintage days)
BATCHES = {"P1-B1": ("P1", (100, 199)), "P1-B2": ("P1", (200, 299)), "P2-B1": ("P2", (100, 199))}
span = st.tuples(st.integers(1, 40), st.integers(0, 8)).map(lambda s: (s[0], s[0] + s[1]))
serial_claim = st.tuples(
    st.just("serial"), st.sampled_from(sorted(BATCHES)), st.lists(span, min_size=1, max_size=2, unique=True)
)
period = st.tuples(st.integers(80, 320), st.integers(0, 60)).map(lambda p: (p[0], p[0] + p[1]))
period_claim = st.tuples(st.just("period"), st.sampled_from(["P1", "P2", "P3"]), period)
claims = st.lists(st.one_of(serial_claim, period_claim), min_size=1, max_size=25)
APP = Chain(make_genesis([ed_key(1)])).app


def _ranges_disjoint(ranges: list[tuple[int, int]]) -> bool:
    ordered = sorted(ranges)
    return all(b[0] > a[1] for a, b in itertools.pairwise(ordered))


def _shape(claim: tuple[Any, ...]) -> tuple[str, str, tuple[int, int], list[tuple[int, int]]]:
    """(project, batch, period, ranges) of a drawn claim."""
    if claim[0] == "serial":
        project, vintage = BATCHES[claim[1]]
        return project, claim[1], vintage, list(claim[2])
    return claim[1], "", claim[2], []


def oracle_overlaps(new: tuple[Any, ...], old: tuple[Any, ...]) -> bool:
    """The README's rules, written independently of the keeper."""
    (p1, b1, (s1, e1), r1), (p2, b2, (s2, e2), r2) = _shape(new), _shape(old)
    if p1 != p2:
        return False
    if b1 and b2:  # serial vs serial: same batch and intersecting ranges
        return b1 == b2 and any(f <= y and g <= x for f, x in r1 for g, y in r2)
    return s1 <= e2 and s2 <= e1  # any rule involving a project period: the periods intersect


@settings(max_examples=200, deadline=None)
@given(claims)
def test_claims_are_accepted_exactly_when_nothing_overlaps(drawn: list[tuple[Any, ...]]) -> None:
    ctx = Context(chain=APP.chain, height=1, time=0, store=BlockState(DictState()))
    accepted: list[tuple[Any, ...]] = []
    for claim in drawn:
        if claim[0] == "serial" and not _ranges_disjoint(list(claim[2])):
            continue  # malformed: refused as InvalidClaimError, tested in the unit tests
        expected_ok = not any(oracle_overlaps(claim, old) for old in accepted)
        project, batch, (start, end), ranges = _shape(claim)
        try:
            if batch:
                claim_id = register_serial_range_claim(
                    ctx,
                    claimant="did:bid:efX",
                    batch_ref=batch,
                    ranges=ranges,
                    project_ref=project,
                    vintage_start=start,
                    vintage_end=end,
                    quantity=1,
                    unit="t",
                    source="test",
                )
            else:
                claim_id = register_project_period_claim(
                    ctx,
                    claimant="did:bid:efX",
                    project_ref=project,
                    period_start=start,
                    period_end=end,
                    quantity=1,
                    unit="t",
                    source="test",
                )
        except OverlappingClaimError as exc:
            event(f"{claim[0]} refused")
            assert not expected_ok, (claim, accepted)
            number = int(exc.existing_claim_id.removeprefix("CLM-"))
            assert oracle_overlaps(claim, accepted[number - 1])
        else:
            event(f"{claim[0]} accepted")
            assert expected_ok, (claim, accepted)
            accepted.append(claim)
            assert claim_id == f"CLM-{len(accepted):08d}"
        assert check_no_overlap(ctx.store) == [] and check_indexes(ctx.store) == []
