"""Impact attributed to each holder: the formula with hand-computed numbers, rounding and its remainder,
which reports count, and the provable records an attribution reads."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bayledger.core.modules.bonds.state import HistoryEntry
from bayledger.core.modules.impact.attribution import (
    AttributionRecords,
    IndicatorTotal,
    ProofRef,
    compute_bond_impact,
    compute_bond_split,
    compute_day_integral,
    compute_holder_impact,
    compute_holder_impacts,
    compute_share,
    gather_attribution_records,
    list_attribution_proofs,
)
from bayledger.core.modules.impact.state import (
    BondAllocations,
    Financing,
    ImpactReport,
    IndicatorValue,
    Project,
)
from corechain import Chain
from impactkit import (
    ALICE,
    BOB,
    BOND,
    CAROL,
    HK_BUILDING,
    ISSUER,
    REVIEWER,
    allocate,
    hold,
    ok,
    prepared_chain,
    project,
    report,
    verify,
)

SOLAR = {"ghg-emissions-avoided": 12_345_678, "renewable-energy-generated": 20_000_000}
BUILDING = {"energy-saved": 3_000_000, "ghg-emissions-avoided": 1_830_000, "green-floor-area": 50_000}


@pytest.fixture
def chain() -> Chain:
    """The worked example of the README.

    BOND (HK$800m) financed HK$300m of the solar farm C01-001 (HK$600m in total: F/T = 1/2) and HK$500m of
    the building C01-002 (HK$2,000m: F/T = 1/4). ALICE held HK$500m and BOB HK$300m from settlement; on
    2023-04-01 ALICE sold HK$250m to BOB. Both projects report 2023-01-01..2023-06-30 (181 days: 90 in Q1,
    91 in Q2), verified.
    """
    chain = prepared_chain()
    building = project(
        "C01-002", category="green-buildings", total_financing=200_000_000_000, taxonomy=[HK_BUILDING]
    )
    ok(chain, ISSUER, [project(), building])
    ok(chain, ISSUER, [allocate(30_000_000_000), allocate(50_000_000_000, "C01-002", taxonomy=[HK_BUILDING])])
    ok(chain, ISSUER, [hold(ALICE, "2023-04-01", 25_000_000_000), hold(BOB, "2023-04-01", 55_000_000_000)])
    ok(chain, ISSUER, [report(SOLAR), report(BUILDING, "C01-002")])
    ok(chain, REVIEWER, [verify("C01-001/R0001"), verify("C01-002/R0001")])
    return chain


# H(ALICE) = 500m x 90 + 250m x 91 = 67,750m face-days; H(BOB) = 300m x 90 + 550m x 91 = 77,050m;
# O = 800m x 181 = 144,800m. ALICE's share 67,750 / 144,800 = 1355/2896, BOB's 1541/2896 (sum 1).
M = 100_000_000  # HK$1m in cents
H_ALICE, H_BOB, OUTSTANDING = 67_750 * M, 77_050 * M, 144_800 * M


def test_day_integral_counts_each_day_at_its_end_of_day_amount() -> None:
    entries = [HistoryEntry(10, 5), HistoryEntry(13, 2), HistoryEntry(20, 0)]
    assert compute_day_integral(entries, 10, 12) == 15  # days 10, 11, 12 at 5
    assert compute_day_integral(entries, 12, 14) == 5 + 2 + 2
    assert compute_day_integral(entries, 0, 9) == 0  # before the first entry
    assert compute_day_integral(entries, 19, 30) == 2  # day 19 at 2, then 0
    assert compute_day_integral([HistoryEntry(10, 7)], 15, 16) == 14  # the last amount carries on
    assert compute_day_integral([], 0, 100) == 0


def test_share_is_exact_and_zero_without_outstanding() -> None:
    assert compute_share(12_345_678, 30, 60, H_ALICE, OUTSTANDING) == Fraction(8_364_196_845, 2896)
    assert compute_share(5, 1, 2, 3, 0) == 0


def test_worked_example_alice(chain: Chain) -> None:
    impact = compute_holder_impact(chain.state, ALICE.did(), BOND)
    solar, building = impact.reports
    assert (solar.report_id, solar.financing, solar.total_financing) == ("C01-001/R0001", 300 * M, 600 * M)
    assert (solar.holding_days, solar.outstanding_days) == (H_ALICE, OUTSTANDING)
    # ghg: 12,345,678 kg x 1/2 x 1355/2896 = 8,364,196,845 / 2896 = 2,888,189.518 -> 2,888,190 kg
    # MWh: 20,000,000 x 1/2 x 1355/2896 = 4,678,867.403 -> 4,678,867 (1/1000 MWh)
    assert [(s.indicator, s.reported, s.bond, s.holder) for s in solar.indicators] == [
        ("ghg-emissions-avoided", 12_345_678, 6_172_839, 2_888_190),
        ("renewable-energy-generated", 20_000_000, 10_000_000, 4_678_867),
    ]
    assert (solar.indicators[0].unit, solar.indicators[0].scale) == ("tCO2e", 3)
    # building, F/T = 1/4: energy 750,000 x 1355/2896 = 350,915.055 -> 350,915; ghg 457,500 x ... =
    # 214,058.184 -> 214,058; floor area 12,500 x ... = 5,848.584 -> 5,849 m2
    assert [(s.indicator, s.holder) for s in building.indicators] == [
        ("energy-saved", 350_915),
        ("ghg-emissions-avoided", 214_058),
        ("green-floor-area", 5_849),
    ]
    assert impact.totals == [
        IndicatorTotal("energy-saved", "ex-post", "MWh", 3, 350_915),
        IndicatorTotal("ghg-emissions-avoided", "ex-post", "tCO2e", 3, 2_888_190 + 214_058),
        IndicatorTotal("green-floor-area", "ex-post", "m2", 0, 5_849),
        IndicatorTotal("renewable-energy-generated", "ex-post", "MWh", 3, 4_678_867),
    ]


def test_what_the_current_position_financed(chain: Chain) -> None:
    # ALICE now holds HK$250m of HK$800m: 5/16 of the bond's HK$300m and HK$500m
    alice = compute_holder_impact(chain.state, ALICE.did(), BOND).financed
    assert [(f.project_id, f.category, f.financing, f.amount) for f in alice] == [
        ("C01-001", "renewable-energy", 300 * M, 9_375_000_000),
        ("C01-002", "green-buildings", 500 * M, 15_625_000_000),
    ]
    bob = compute_holder_impact(chain.state, BOB.did(), BOND).financed
    assert [f.amount for f in bob] == [55 * 300 * M // 80, 55 * 500 * M // 80]
    assert [f.amount for f in compute_holder_impact(chain.state, CAROL.did(), BOND).financed] == [0, 0]


def test_worked_example_bob_and_the_split_adds_up(chain: Chain) -> None:
    bob = compute_holder_impact(chain.state, BOB.did(), BOND)
    assert bob.reports[0].holding_days == H_BOB
    # ghg 6,172,839 x 1541/2896 = 3,284,649.48 -> 3,284,649; building ghg 457,500 x 1541/2896 -> 243,442
    assert {t.indicator: t.value for t in bob.totals}["ghg-emissions-avoided"] == 3_284_649 + 243_442
    splits = compute_bond_impact(chain.state, BOND)
    assert [s.report_id for s in splits] == ["C01-001/R0001", "C01-002/R0001"]
    solar = splits[0]
    assert solar.bond == [IndicatorValue("ghg-emissions-avoided", 6_172_839),
                          IndicatorValue("renewable-energy-generated", 10_000_000)]  # fmt: skip
    assert [(h.holder, h.values[0].value) for h in solar.holders] == sorted(
        [(ALICE.did(), 2_888_190), (BOB.did(), 3_284_649)]
    )
    assert solar.remainder == [IndicatorValue("ghg-emissions-avoided", 0),
                               IndicatorValue("renewable-energy-generated", 0)]  # fmt: skip


def test_only_verified_reports_count_and_bases_stay_apart(chain: Chain) -> None:
    ok(chain, ISSUER, [report({"ghg-emissions-avoided": 1_000_000}, start="2023-07-01", end="2023-09-30")])
    unreviewed = compute_holder_impact(chain.state, ALICE.did(), BOND)
    assert [r.report_id for r in unreviewed.reports] == ["C01-001/R0001", "C01-002/R0001"]
    ok(chain, REVIEWER, [verify("C01-001/R0002", "rejected")])
    assert len(compute_holder_impact(chain.state, ALICE.did(), BOND).reports) == 2
    ex_ante = report(
        {"ghg-emissions-avoided": 24_000_000}, start="2024-01-01", end="2024-12-31", basis="ex-ante"
    )
    ok(chain, ISSUER, [ex_ante])
    ok(chain, REVIEWER, [verify("C01-001/R0003")])
    impact = compute_holder_impact(chain.state, ALICE.did(), BOND)
    # 2024 lies after the last history entry: ALICE's HK$250m of HK$800m carries on, 5/16 of 1/2
    assert [r.report_id for r in impact.reports] == ["C01-001/R0001", "C01-001/R0003", "C01-002/R0001"]
    assert impact.reports[1].indicators[0].holder == 24_000_000 // 2 * 5 // 16
    ghg = [(t.basis, t.value) for t in impact.totals if t.indicator == "ghg-emissions-avoided"]
    assert ghg == [("ex-ante", 3_750_000), ("ex-post", 2_888_190 + 214_058)]


def test_a_holder_that_never_held_gets_zero_and_a_bond_with_nothing_outstanding_attributes_nothing(
    chain: Chain,
) -> None:
    carol = compute_holder_impact(chain.state, CAROL.did(), BOND)
    assert all(s.holder == 0 for r in carol.reports for s in r.indicators) and len(carol.reports) == 2
    assert all(t.value == 0 for t in carol.totals)
    ok(chain, ISSUER, [report({"energy-saved": 9_000}, "C01-002", start="2022-01-01", end="2022-11-30")])
    ok(chain, REVIEWER, [verify("C01-002/R0002")])  # a period before the bond existed
    before = compute_holder_impact(chain.state, ALICE.did(), BOND).reports[-1]
    assert (before.outstanding_days, before.indicators[0].bond, before.indicators[0].holder) == (0, 0, 0)


def test_compute_holder_impacts_covers_every_bond_held(chain: Chain) -> None:
    assert compute_holder_impacts(chain.state, ALICE.did()) == [
        compute_holder_impact(chain.state, ALICE.did(), BOND)
    ]
    assert compute_holder_impacts(chain.state, CAROL.did()) == []


def _records(value: int, holders: int) -> tuple[AttributionRecords, dict[str, list[HistoryEntry]]]:
    """A bond fully financing one project, ``holders`` equal holders over a 3-day period."""
    proj = Project("P-1", "did:bid:x", "P", "", "renewable-energy", "HK", "HK", "HKD", 100, [], "0" * 64, 1,
                   report_count=1, allocated=100)  # fmt: skip
    rep = ImpactReport("P-1/R0001", "P-1", "2023-01-01", "2023-01-03", "ex-post", "m", "0" * 64,
                       [IndicatorValue("water-saved", value)], 2, status="verified")  # fmt: skip
    day = 19358  # 2023-01-01
    records = AttributionRecords(
        bond_id="B",
        totals=BondAllocations("B", 100, 1),
        financings=[Financing("B", "P-1", 100)],
        projects={"P-1": proj},
        reports=[rep],
        outstanding=[HistoryEntry(day, 10 * holders)],
    )
    return records, {f"did:bid:h{n}": [HistoryEntry(day, 10)] for n in range(holders)}


@pytest.mark.parametrize(
    ("value", "holders", "each", "remainder"),
    [(1, 3, 0, 1), (3, 2, 2, -1), (5, 2, 2, 1), (7, 2, 4, -1), (10, 4, 2, 2), (9, 3, 3, 0)],
)
def test_rounding_remainder_is_reported_not_spread(
    value: int, holders: int, each: int, remainder: int
) -> None:
    records, histories = _records(value, holders)
    (split,) = compute_bond_split(records, histories)
    assert [h.values[0].value for h in split.holders] == [each] * holders  # each value/holders, half-even
    assert split.bond[0].value == value
    assert split.remainder == [IndicatorValue("water-saved", remainder)]


def test_attribution_proofs_list_every_record_read(chain: Chain) -> None:
    records = gather_attribution_records(chain.state, BOND)
    assert list_attribution_proofs(records, ALICE.did()) == [
        ProofRef("impact", "totals", BOND),
        ProofRef("bonds", "outstanding", BOND),
        ProofRef("bonds", "history", f"{BOND}/{ALICE.did()}"),
        ProofRef("impact", "financing", f"{BOND}/C01-001"),
        ProofRef("impact", "project", "C01-001"),
        ProofRef("impact", "financing", f"{BOND}/C01-002"),
        ProofRef("impact", "project", "C01-002"),
        ProofRef("impact", "report", "C01-001/R0001"),
        ProofRef("impact", "report", "C01-002/R0001"),
    ]
