"""Property tests of the impact module.

1. Random sequences of allocations (amounts around the limits, two projects, a few dated in the future)
   on a settled bond: each result is what a small model predicts, Σ allocations never exceeds the
   proceeds, no project is allocated above its total financing, and the module invariants hold.
2. Random sequences of impact reports (random periods and bases) and reviews: each result is what a model
   of the rules predicts (future ex-post 9, overlap of one basis unless rejected 19, unknown report 10,
   reviewed twice 11), and every report ends with the status the model gives it.
3. Random holding histories (transfers, issues and redemptions on random days) and a random report:
   the holders' exact shares add up to the bond's exact share, and the rounded figures differ from the
   bond's rounded figure by at most half a sub-unit per holder (so within the number of holders).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bayledger.core.finance import compute_date_of_day
from bayledger.core.modules.bonds.state import HistoryEntry
from bayledger.core.modules.impact.attribution import (
    AttributionRecords,
    compute_bond_split,
    compute_day_integral,
    compute_share,
)
from bayledger.core.modules.impact.state import (
    BondAllocations,
    Financing,
    ImpactReport,
    IndicatorValue,
    Project,
    get_bond_allocations,
    get_project,
    get_report,
    list_allocations,
)
from impactkit import (
    BOND,
    HK_BUILDING,
    ISSUER,
    REVIEWER,
    allocate,
    impact_invariants,
    prepared_chain,
    project,
    report,
    run,
    verify,
)

PROCEEDS = 80_000_000_000
TOTALS = {"C01-001": 60_000_000_000, "C01-002": 50_000_000_000}

allocation = st.tuples(
    st.sampled_from(sorted(TOTALS)),
    st.one_of(st.integers(1, 30_000_000_000), st.sampled_from([0, 60_000_000_000, 80_000_000_000, 1])),
    st.sampled_from(["2023-01-15"] * 5 + ["2099-01-01"]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(allocation, min_size=1, max_size=10))
def test_allocations_never_exceed_proceeds(ops: list[tuple[str, int, str]]) -> None:
    chain = prepared_chain()
    building = project("C01-002", category="green-buildings", total_financing=TOTALS["C01-002"])
    assert run(chain, ISSUER, [project(), building]).code == 0
    allocated, per_project = 0, dict.fromkeys(TOTALS, 0)
    for project_id, amount, date in ops:
        taxonomy = [HK_BUILDING] if project_id == "C01-002" else None
        result = run(chain, ISSUER, [allocate(amount, project_id, date=date, taxonomy=taxonomy)])
        if amount <= 0:
            expected = 2
        elif date > "2023-11-15":
            expected = 9
        elif allocated + amount > PROCEEDS:
            expected = 7
        elif per_project[project_id] + amount > TOTALS[project_id]:
            expected = 17
        else:
            expected = 0
            allocated += amount
            per_project[project_id] += amount
        assert result.code == expected, result.log
        totals = get_bond_allocations(chain.state, BOND)
        assert totals.allocated == allocated <= PROCEEDS
        for project_id, amount in per_project.items():
            found = get_project(chain.state, project_id)
            assert found is not None and found.allocated == amount <= TOTALS[project_id]
        assert impact_invariants(chain) == []
    assert sum(a.amount for a in list_allocations(chain.state, BOND)) == allocated


HOLDERS = [f"did:bid:holder{n}" for n in range(5)]
START = 19_358  # 2023-01-01
event = st.tuples(
    st.integers(0, 60),  # day offset
    st.sampled_from(["transfer", "transfer", "issue", "redeem"]),
    st.integers(0, len(HOLDERS) - 1),
    st.integers(0, len(HOLDERS) - 1),
    st.integers(1, 10**9),
)


def _histories(
    initial: list[int], events: list[tuple[int, str, int, int, int]]
) -> tuple[dict[str, list[HistoryEntry]], list[HistoryEntry]]:
    amounts = list(initial)
    histories: dict[str, list[HistoryEntry]] = {h: [] for h in HOLDERS}
    outstanding: list[HistoryEntry] = []

    def note(entries: list[HistoryEntry], day: int, amount: int) -> None:
        if entries and entries[-1].day == day:
            entries[-1] = HistoryEntry(day, amount)
        else:
            entries.append(HistoryEntry(day, amount))

    for n, holder in enumerate(HOLDERS):
        note(histories[holder], START - 5, amounts[n])
    note(outstanding, START - 5, sum(amounts))
    for offset, kind, a, b, size in sorted(events, key=lambda e: e[0]):
        day = START + offset
        if kind == "transfer":
            moved = min(size, amounts[a])
            amounts[a] -= moved
            amounts[b] += moved
        elif kind == "issue":
            amounts[a] += size
        else:
            amounts[a] -= min(size, amounts[a])
        for n in {a, b}:
            note(histories[HOLDERS[n]], day, amounts[n])
        note(outstanding, day, sum(amounts))
    return histories, outstanding


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 10**10), min_size=len(HOLDERS), max_size=len(HOLDERS)),
    st.lists(event, max_size=25),
    st.integers(0, 10**12),
    st.integers(1, 10**11),
    st.integers(0, 10**11),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_holder_shares_add_up_to_the_bond_share(
    initial: list[int],
    events: list[tuple[int, str, int, int, int]],
    value: int,
    total: int,
    financed: int,
    start_offset: int,
    length: int,
) -> None:
    financing = min(financed, total)
    histories, outstanding = _histories(initial, events)
    first, last = START + start_offset, START + start_offset + length
    start, end = (f"2023-{m:02d}-{d:02d}" for m, d in (_md(first), _md(last)))
    proj = Project("P-1", "did:bid:x", "P", "", "renewable-energy", "HK", "HK", "HKD", total, [], "0" * 64, 1,
                   report_count=1, allocated=financing)  # fmt: skip
    rep = ImpactReport("P-1/R0001", "P-1", start, end, "ex-post", "m", "0" * 64,
                       [IndicatorValue("ghg-emissions-avoided", value)], 2, status="verified")  # fmt: skip
    records = AttributionRecords("B", BondAllocations("B", financing, 1), [Financing("B", "P-1", financing)],
                                 {"P-1": proj}, [rep], outstanding)  # fmt: skip
    (split,) = compute_bond_split(records, histories)
    held_total = compute_day_integral(outstanding, first, last)
    exact = [
        compute_share(value, financing, total, compute_day_integral(h, first, last), held_total)
        for h in histories.values()
    ]
    bond_exact = compute_share(value, financing, total, 1, 1) if held_total else Fraction(0)
    assert sum(exact) == bond_exact  # the time-weighted shares of all holders add up to one
    rounded = sum(h.values[0].value for h in split.holders)
    assert split.bond[0].value - rounded == split.remainder[0].value
    assert abs(split.remainder[0].value) * 2 <= len(split.holders) + 1
    assert abs(split.remainder[0].value) <= len(HOLDERS)


def _md(day: int) -> tuple[int, int]:
    found = compute_date_of_day(day)
    assert found.year == 2023
    return found.month, found.day


report_op = st.one_of(
    st.tuples(
        st.just("submit"),
        st.integers(0, 300),  # start offset in days from 2022-12-01
        st.integers(0, 120),  # length
        st.sampled_from(["ex-post", "ex-post", "ex-ante"]),
    ),
    st.tuples(st.just("review"), st.integers(1, 8), st.sampled_from(["verified", "rejected"]), st.just("")),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(report_op, min_size=1, max_size=10))
def test_reports_follow_the_overlap_and_single_review_rules(ops: list[tuple[Any, ...]]) -> None:
    chain = prepared_chain()
    assert run(chain, ISSUER, [project()]).code == 0
    first = START - 31  # 2022-12-01
    model: dict[str, tuple[int, int, str, str]] = {}  # report id -> (first, last, basis, status)
    for op in ops:
        if op[0] == "submit":
            _, offset, length, basis = op
            lo, hi = first + offset, first + offset + length
            start, end = (compute_date_of_day(d).isoformat() for d in (lo, hi))
            result = run(chain, ISSUER, [report({"energy-saved": 1}, start=start, end=end, basis=basis)])
            clash = any(
                b == basis and s != "rejected" and a <= hi and lo <= z for a, z, b, s in model.values()
            )
            if basis == "ex-post" and end > "2023-11-15":
                assert result.code == 9, result.log
            elif clash:
                assert result.code == 19, result.log
            else:
                assert result.code == 0, result.log
                model[f"C01-001/R{len(model) + 1:04d}"] = (lo, hi, basis, "reported")
        else:
            _, number, verdict, _ = op
            report_id = f"C01-001/R{number:04d}"
            result = run(chain, REVIEWER, [verify(report_id, verdict)])
            if report_id not in model:
                assert result.code == 10, result.log
            elif model[report_id][3] != "reported":
                assert result.code == 11, result.log
            else:
                assert result.code == 0, result.log
                model[report_id] = (*model[report_id][:3], verdict)
        assert impact_invariants(chain) == []
    for report_id, (_, _, _, status) in model.items():
        found = get_report(chain.state, report_id)
        assert found is not None and found.status == status
