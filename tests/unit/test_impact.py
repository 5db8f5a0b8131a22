"""The impact module's messages: projects, the use-of-proceeds ledger, impact reports and their review.
Every refused message has its typed code and changes nothing but the signer's nonce."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest

from bayledger.core import smt
from bayledger.core.context import Context
from bayledger.core.finance import compute_date_of_day, compute_day_of_date
from bayledger.core.light import verify_state
from bayledger.core.modules.accounts.state import account_key
from bayledger.core.modules.bonds.terms import compute_bond_id
from bayledger.core.modules.cash.keeper import compute_day
from bayledger.core.modules.claims.keeper import register_project_period_claim
from bayledger.core.modules.claims.state import get_claim
from bayledger.core.modules.impact import MODULE as IMPACT
from bayledger.core.modules.impact.errors import InvalidImpactMsgError
from bayledger.core.modules.impact.msgs import (
    validate_allocate_proceeds,
    validate_register_project,
    validate_submit_impact_report,
)
from bayledger.core.modules.impact.state import (
    Allocation,
    BondAllocations,
    Financing,
    ImpactReport,
    IndicatorValue,
    Project,
    TaxonomyCode,
    get_bond_allocations,
    get_financing,
    get_project,
    get_report,
    list_allocations,
    list_financed_projects,
    list_financing_bonds,
)
from bayledger.core.msg import Module, Msg, Route
from bayledger.keys import SigningKey
from bondseed import green_terms
from corechain import Chain, content_hash, ed_key, sign_header
from impactkit import (
    ACCREDITOR,
    ALICE,
    BOB,
    BOND,
    CASH_TOKEN,
    CGT_SOLAR,
    HK_BUILDING,
    HK_SOLAR,
    ISSUER,
    OTHER,
    REVIEWER,
    allocate,
    hold,
    impact_invariants,
    isin,
    ok,
    prepared_chain,
    project,
    report,
    reviewer_credential,
    run,
    seed_bond,
    verify,
)


@pytest.fixture
def chain() -> Chain:
    return prepared_chain()


def refused(chain: Chain, key: SigningKey, msgs: list[Any], code: int, codespace: str = "impact") -> Any:
    """Run a tx whose message fails: its code, no events, and only the signer's nonce changed."""
    before = dict(chain.state.data)
    result = run(chain, key, msgs)
    assert (result.codespace, result.code, result.events) == (codespace, code, []), result.log
    after = dict(chain.state.data)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {account_key(key.did())}
    assert impact_invariants(chain) == []
    return result


def two_projects(chain: Chain) -> None:
    """C01-001 solar (HK$600m in total) and C01-002 building (HK$2,000m)."""
    building = project(
        "C01-002", category="green-buildings", total_financing=200_000_000_000, taxonomy=[HK_BUILDING]
    )
    ok(chain, ISSUER, [project(carbon_project_ref="VCS-1234"), building])


def today(chain: Chain) -> str:
    return compute_date_of_day(compute_day(chain.time)).isoformat()


# --- projects -----------------------------------------------------------------------------------------------


def test_register_project_records_it_with_given_or_generated_id(chain: Chain) -> None:
    result = ok(
        chain, ISSUER, [project(carbon_project_ref="VCS-1234"), project("", category="green-buildings")]
    )
    assert result.events[0] == {
        "type": "impact/EventRegisterProject",
        "project_id": "C01-001",
        "owner": ISSUER.did(),
        "category": "renewable-energy",
        "jurisdiction": "HK",
        "currency": "HKD",
        "total_financing": 60_000_000_000,
        "carbon_project_ref": "VCS-1234",
    }
    assert result.events[1]["project_id"] == "PRJ-000001"
    solar = get_project(chain.state, "C01-001")
    assert solar == Project(
        project_id="C01-001",
        owner=ISSUER.did(),
        name_en="Tuen Mun solar farm",
        name_zh="屯門太陽能發電場",
        category="renewable-energy",
        jurisdiction="HK",
        location="Tuen Mun, New Territories",
        currency="HKD",
        total_financing=60_000_000_000,
        taxonomy=[HK_SOLAR],
        document_hash=content_hash(400),
        registered_height=chain.height,
        carbon_project_ref="VCS-1234",
    )
    ok(chain, OTHER, [project("", owner=OTHER, jurisdiction="CN-GD")])
    assert get_project(chain.state, "PRJ-000002").owner == OTHER.did()  # type: ignore[union-attr]


def test_register_project_twice_or_same_carbon_project_is_refused(chain: Chain) -> None:
    ok(chain, ISSUER, [project(carbon_project_ref="VCS-1234")])
    refused(chain, ISSUER, [project()], 3)
    refused(chain, OTHER, [project("C02-001", owner=OTHER, carbon_project_ref="VCS-1234")], 20)


@pytest.mark.parametrize(
    "changes",
    [
        {"project_id": "PRJ-000009"},  # the generated ids' prefix
        {"project_id": "c01/001"},
        {"category": "nuclear"},
        {"jurisdiction": "Hong Kong"},
        {"currency": "XAU"},
        {"total_financing": 0},
        {"total_financing": -5},
        {"name_en": " "},
        {"location": ""},
        {"document_hash": "AB" * 32},
        {"taxonomy": [TaxonomyCode("MADE-UP", "1", "1.1")]},
        {"taxonomy": [TaxonomyCode("HK-TAXONOMY", "", "1.1")]},
        {"taxonomy": [HK_SOLAR, HK_SOLAR]},
        {"carbon_project_ref": "has space"},
    ],
)
def test_register_project_bad_fields_are_impact_2(chain: Chain, changes: dict[str, Any]) -> None:
    refused(chain, ISSUER, [msgspec.structs.replace(project(), **changes)], 2)


# --- use-of-proceeds ledger ---------------------------------------------------------------------------------


def test_allocations_build_the_ledger_totals_and_financing(chain: Chain) -> None:
    two_projects(chain)
    first = ok(chain, ISSUER, [allocate(10_000_000_000)])
    assert first.events == [
        {
            "type": "impact/EventAllocateProceeds",
            "allocation_id": f"{BOND}/A0001",
            "bond_id": BOND,
            "project_id": "C01-001",
            "amount": 10_000_000_000,
            "date": "2023-01-15",
            "refinancing": False,
            "allocated": 10_000_000_000,
            "unallocated": 70_000_000_000,
        }
    ]
    ok(
        chain,
        ISSUER,
        [
            allocate(20_000_000_000, date="2023-02-01", refinancing=True),
            allocate(50_000_000_000, "C01-002", taxonomy=[HK_BUILDING]),
        ],
    )
    assert [
        (a.allocation_id, a.project_id, a.amount, a.refinancing) for a in list_allocations(chain.state, BOND)
    ] == [
        (f"{BOND}/A0001", "C01-001", 10_000_000_000, False),
        (f"{BOND}/A0002", "C01-001", 20_000_000_000, True),
        (f"{BOND}/A0003", "C01-002", 50_000_000_000, False),
    ]
    assert list_allocations(chain.state, BOND)[0].taxonomy == [HK_SOLAR, CGT_SOLAR]
    assert get_bond_allocations(chain.state, BOND) == BondAllocations(BOND, 80_000_000_000, 3)
    assert list_financed_projects(chain.state, BOND) == [
        Financing(BOND, "C01-001", 30_000_000_000),
        Financing(BOND, "C01-002", 50_000_000_000),
    ]
    assert get_financing(chain.state, BOND, "C01-001") == 30_000_000_000
    assert list_financing_bonds(chain.state, "C01-002") == [BOND]
    assert get_project(chain.state, "C01-001").allocated == 30_000_000_000  # type: ignore[union-attr]
    # the proceeds are fully allocated: one more unit is refused
    result = refused(chain, ISSUER, [allocate(1)], 7)
    assert "raised 80000000000, 80000000000 is allocated; 1 more exceeds the proceeds by 1" in result.log


def test_allocation_above_proceeds_is_impact_7(chain: Chain) -> None:
    ok(chain, ISSUER, [project(total_financing=200_000_000_000)])
    refused(chain, ISSUER, [allocate(80_000_000_001)], 7)
    ok(chain, ISSUER, [allocate(80_000_000_000)])


def test_allocation_to_an_unregistered_project_is_impact_4(chain: Chain) -> None:
    refused(chain, ISSUER, [allocate(1, "C09-999")], 4)


def test_allocation_by_another_than_the_issuer_is_impact_6(chain: Chain) -> None:
    two_projects(chain)
    ok(chain, OTHER, [project("C02-001", owner=OTHER)])
    refused(chain, OTHER, [allocate(1, "C02-001", issuer=OTHER)], 6)


def test_allocation_to_a_project_of_another_owner_is_impact_5(chain: Chain) -> None:
    ok(chain, OTHER, [project("C02-001", owner=OTHER)])
    refused(chain, ISSUER, [allocate(1, "C02-001")], 5)


def test_allocation_of_an_unknown_bond_is_impact_15(chain: Chain) -> None:
    two_projects(chain)
    refused(chain, ISSUER, [allocate(1, bond_id=compute_bond_id(isin("000000099")))], 15)


@pytest.mark.parametrize("status", ["book-open", "allocated"])
def test_allocation_of_an_unsettled_bond_is_impact_14(chain: Chain, status: str) -> None:
    code = isin("000000002")
    ok(chain, ISSUER, [seed_bond(terms=green_terms(code, CASH_TOKEN), status=status, proceeds=0)])
    two_projects(chain)
    refused(chain, ISSUER, [allocate(1, bond_id=compute_bond_id(code))], 14)


def test_a_redeemed_bond_can_still_report_its_allocations(chain: Chain) -> None:
    code = isin("000000003")
    ok(chain, ISSUER, [seed_bond(terms=green_terms(code, CASH_TOKEN), status="redeemed", proceeds=100)])
    two_projects(chain)
    ok(chain, ISSUER, [allocate(100, bond_id=compute_bond_id(code))])


def test_allocation_to_a_category_outside_the_framework_is_impact_16(chain: Chain) -> None:
    ok(chain, ISSUER, [project("C01-003", category="clean-transportation")])
    result = refused(chain, ISSUER, [allocate(1, "C01-003")], 16)
    assert "clean-transportation, not an eligible category of framework GBF-000001" in result.log


def test_a_bond_that_is_not_green_has_no_category_rule(chain: Chain) -> None:
    code = isin("000000004")
    plain = green_terms(code, CASH_TOKEN, framework_id="")
    ok(
        chain,
        ISSUER,
        [seed_bond(terms=plain, proceeds=1_000), project("C01-003", category="clean-transportation")],
    )
    ok(chain, ISSUER, [allocate(1_000, "C01-003", bond_id=compute_bond_id(code))])


def test_allocation_in_another_currency_is_impact_8(chain: Chain) -> None:
    ok(chain, ISSUER, [project("C01-004", currency="CNY")])
    result = refused(chain, ISSUER, [allocate(1, "C01-004")], 8)
    assert "project C01-004 is in CNY" in result.log and "settles in HKD" in result.log


def test_allocation_dated_in_the_future_is_impact_9_today_is_fine(chain: Chain) -> None:
    two_projects(chain)
    now = today(chain)
    assert now == "2023-11-15"  # genesis time 2023-11-14T22:13:20Z is already the 15th in Hong Kong
    result = refused(chain, ISSUER, [allocate(1, date="2023-11-16")], 9)
    assert "date 2023-11-16 is after the chain's date 2023-11-15" in result.log
    ok(chain, ISSUER, [allocate(1, date=now)])


def test_allocation_dated_before_settlement_is_impact_18(chain: Chain) -> None:
    two_projects(chain)
    refused(chain, ISSUER, [allocate(1, date="2022-11-30")], 18)
    ok(chain, ISSUER, [allocate(1, date="2022-12-01")])


def test_allocation_above_the_project_total_is_impact_17(chain: Chain) -> None:
    two_projects(chain)  # the solar project costs HK$600m in total
    refused(chain, ISSUER, [allocate(60_000_000_001)], 17)
    ok(chain, ISSUER, [allocate(60_000_000_000)])


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": 0},
        {"amount": -1},
        {"date": "2023-02-30"},
        {"date": "15/01/2023"},
        {"bond_id": "BOND/X"},
        {"project_id": ""},
        {"taxonomy": [TaxonomyCode("CGT", "2022", "")]},
    ],
)
def test_allocation_bad_fields_are_impact_2(chain: Chain, changes: dict[str, Any]) -> None:
    two_projects(chain)
    refused(chain, ISSUER, [msgspec.structs.replace(allocate(1), **changes)], 2)


def test_a_failed_allocation_in_a_tx_rolls_back_the_whole_tx(chain: Chain) -> None:
    two_projects(chain)
    refused(chain, ISSUER, [allocate(1), allocate(80_000_000_000, "C01-002")], 7)
    assert list_allocations(chain.state, BOND) == []


def test_amounts_and_values_above_2_53_are_refused_by_the_stateless_checks() -> None:
    big = 2**53
    with pytest.raises(InvalidImpactMsgError, match=r"total_financing must be 1\.\.9007199254740991"):
        validate_register_project(msgspec.structs.replace(project(), total_financing=big))
    with pytest.raises(InvalidImpactMsgError, match=r"amount must be 1\.\.9007199254740991"):
        validate_allocate_proceeds(allocate(big))
    with pytest.raises(InvalidImpactMsgError, match=r"value must be 0\.\.9007199254740991"):
        validate_submit_impact_report(report({"energy-saved": big}))
    assert InvalidImpactMsgError.codespace == "impact" and InvalidImpactMsgError.code == 2


# --- impact reports and review ------------------------------------------------------------------------------


def test_submit_and_verify_a_report(chain: Chain) -> None:
    two_projects(chain)
    submitted = ok(chain, ISSUER, [report({"ghg-emissions-avoided": 12_345_678})])
    assert submitted.events == [
        {
            "type": "impact/EventSubmitImpactReport",
            "report_id": "C01-001/R0001",
            "project_id": "C01-001",
            "basis": "ex-post",
            "period_start": "2023-01-01",
            "period_end": "2023-06-30",
        }
    ]
    assert get_project(chain.state, "C01-001").report_count == 1  # type: ignore[union-attr]
    reviewed = ok(chain, REVIEWER, [verify("C01-001/R0001")])
    claimed, verified = reviewed.events
    assert (verified["type"], verified["verdict"], verified["reviewer"]) == (
        "impact/EventVerifyImpactReport",
        "verified",
        REVIEWER.did(),
    )
    # the verified ex-post tonnes are one claim of the shared registry, over the carbon project and period
    assert (claimed["type"], verified["claim_id"]) == ("claims/EventRegisterClaim", claimed["claim_id"])
    claim = get_claim(chain.state, claimed["claim_id"])
    assert claim is not None and (claim.project_ref, claim.quantity, claim.unit, claim.source) == (
        "VCS-1234",  # the carbon registry project it names
        12_345_678,
        "tCO2e/1000",
        "impact/C01-001/R0001",
    )
    found = get_report(chain.state, "C01-001/R0001")
    assert found == ImpactReport(
        report_id="C01-001/R0001",
        project_id="C01-001",
        period_start="2023-01-01",
        period_end="2023-06-30",
        basis="ex-post",
        method="metered generation x HK grid emission factor 0.61 kgCO2e/kWh",
        document_hash=content_hash(500),
        indicators=[IndicatorValue("ghg-emissions-avoided", 12_345_678)],
        reported_height=chain.height - 1,
        status="verified",
        reviewer=REVIEWER.did(),
        review_hash=content_hash(600),
        reviewed_height=chain.height,
        claim_id=claimed["claim_id"],
    )


class MsgPriorClaim(Msg, frozen=True, tag="priorclaim/MsgPriorClaim"):
    """Stands in for another instrument (a carbon retirement of a vintage) claiming a project's tonnes."""

    project_ref: str
    period_start: int
    period_end: int


def _process_prior_claim(ctx: Context, msg: MsgPriorClaim) -> None:
    register_project_period_claim(
        ctx,
        claimant=ctx.signer,
        project_ref=msg.project_ref,
        period_start=msg.period_start,
        period_end=msg.period_end,
        quantity=1_000,
        unit="tCO2e/1000",
        source="carbon/retirement",
    )


PRIOR_CLAIM = Module(
    name="priorclaim", routes=(Route(MsgPriorClaim, _process_prior_claim, lambda msg: None),)
)


def test_verified_tonnes_already_claimed_elsewhere_are_refused_claims_3() -> None:
    """A project that is carbon project C05-001 claims its verified ex-post tonnes under that carbon
    project; when another instrument already claimed an overlapping period the verification fails
    claims/3 and nothing changes; an ex-ante report claims nothing."""
    chain = prepared_chain((PRIOR_CLAIM,))
    day = compute_day_of_date(date(2023, 3, 1))
    ok(chain, OTHER, [MsgPriorClaim(project_ref="C05-001", period_start=day, period_end=day + 30)])
    ok(chain, ISSUER, [project("C05-001", carbon_project_ref="C05-001")])
    ok(chain, ISSUER, [report({"ghg-emissions-avoided": 1_000_000}, "C05-001")])
    before = dict(chain.state.data)
    result = run(chain, REVIEWER, [verify("C05-001/R0001")])
    assert (result.codespace, result.code) == ("claims", 3), result.log
    changed = {k for k in set(before) | set(chain.state.data) if before.get(k) != chain.state.data.get(k)}
    assert changed == {account_key(REVIEWER.did())}
    ok(chain, ISSUER, [report({"ghg-emissions-avoided": 5}, "C05-001", basis="ex-ante")])
    verified = ok(chain, REVIEWER, [verify("C05-001/R0002")]).events
    assert [(e["type"], e["claim_id"]) for e in verified] == [("impact/EventVerifyImpactReport", "")]


def test_report_by_another_than_the_owner_is_impact_5_unknown_project_4(chain: Chain) -> None:
    two_projects(chain)
    refused(chain, OTHER, [report({"ghg-emissions-avoided": 1}, owner=OTHER)], 5)
    refused(chain, ISSUER, [report({"ghg-emissions-avoided": 1}, "C09-001")], 4)


def test_an_ex_post_report_of_a_future_period_is_impact_9_ex_ante_may_look_ahead(chain: Chain) -> None:
    two_projects(chain)
    refused(chain, ISSUER, [report({"energy-saved": 1}, end="2023-12-31")], 9)
    ok(chain, ISSUER, [report({"energy-saved": 1}, end="2023-12-31", basis="ex-ante")])


def test_overlapping_reports_of_one_basis_are_impact_19_rejected_ones_free_the_period(chain: Chain) -> None:
    two_projects(chain)
    ok(chain, ISSUER, [report({"energy-saved": 1})])
    refused(chain, ISSUER, [report({"energy-saved": 1}, start="2023-06-30", end="2023-07-31")], 19)
    ok(chain, ISSUER, [report({"energy-saved": 1}, basis="ex-ante")])  # another basis: allowed
    ok(chain, ISSUER, [report({"energy-saved": 1}, start="2023-07-01", end="2023-07-31")])  # adjacent
    ok(chain, REVIEWER, [verify("C01-001/R0001", "rejected")])
    ok(chain, ISSUER, [report({"energy-saved": 2})])
    assert get_report(chain.state, "C01-001/R0004").indicators[0].value == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "indicators",
    [
        [],
        [IndicatorValue("co2-saved", 1)],
        [IndicatorValue("ghg-emissions-avoided", -1)],
        [IndicatorValue("water-saved", 1), IndicatorValue("energy-saved", 1)],  # not in name order
        [IndicatorValue("water-saved", 1), IndicatorValue("water-saved", 2)],
    ],
)
def test_bad_indicators_are_impact_2(chain: Chain, indicators: list[IndicatorValue]) -> None:
    two_projects(chain)
    msg = msgspec.structs.replace(report({}), indicators=indicators)
    refused(chain, ISSUER, [msg], 2)


@pytest.mark.parametrize(
    "changes",
    [
        {"period_start": "2023-07-01"},  # after the end
        {"period_end": "2023-13-01"},
        {"basis": "estimated"},
        {"method": ""},
        {"document_hash": "zz" * 32},
    ],
)
def test_bad_report_fields_are_impact_2(chain: Chain, changes: dict[str, Any]) -> None:
    two_projects(chain)
    refused(chain, ISSUER, [msgspec.structs.replace(report({"energy-saved": 1}), **changes)], 2)


def test_verify_needs_an_external_reviewer_credential_identity_10(chain: Chain) -> None:
    two_projects(chain)
    ok(chain, ISSUER, [report({"energy-saved": 1})])
    result = refused(chain, OTHER, [verify("C01-001/R0001", reviewer=OTHER)], 10, "identity")
    assert "ExternalReviewerCredential" in result.log


def test_self_review_is_impact_12(chain: Chain) -> None:
    two_projects(chain)
    ok(chain, ISSUER, [report({"energy-saved": 1})])
    ok(chain, ACCREDITOR, [reviewer_credential(ISSUER, 2)])  # even an accredited owner cannot review itself
    refused(chain, ISSUER, [verify("C01-001/R0001", reviewer=ISSUER)], 12)


def test_verifying_twice_is_impact_11_unknown_report_10(chain: Chain) -> None:
    two_projects(chain)
    ok(chain, ISSUER, [report({"energy-saved": 1})])
    ok(chain, REVIEWER, [verify("C01-001/R0001")])
    result = refused(chain, REVIEWER, [verify("C01-001/R0001", "rejected")], 11)
    assert "already verified by" in result.log
    refused(chain, REVIEWER, [verify("C01-001/R0009")], 10)


@pytest.mark.parametrize(
    "changes", [{"verdict": "approved"}, {"report_id": "C01-001"}, {"review_hash": "ab"}]
)
def test_bad_verify_fields_are_impact_2(chain: Chain, changes: dict[str, Any]) -> None:
    two_projects(chain)
    ok(chain, ISSUER, [report({"energy-saved": 1})])
    refused(chain, REVIEWER, [msgspec.structs.replace(verify("C01-001/R0001"), **changes)], 2)


# --- proofs -------------------------------------------------------------------------------------------------


def test_impact_records_are_provable(chain: Chain) -> None:
    two_projects(chain)
    ok(chain, ISSUER, [allocate(30_000_000_000), report({"energy-saved": 7})])
    signed = sign_header(chain.hash_fn, chain.headers[-1], [ed_key(900)])
    cases = [
        ("project", "C01-001", Project),
        ("totals", BOND, BondAllocations),
        ("allocation", f"{BOND}/A0001", Allocation),
        ("financing", f"{BOND}/C01-001", Financing),
        ("report", "C01-001/R0001", ImpactReport),
    ]
    for kind, ident, record_type in cases:
        record = IMPACT.provable[kind]
        key = record.key(ident)
        value = chain.state.get(key)
        assert value is not None, kind
        verify_state(chain.genesis, signed, key, value, smt.prove(chain.tree, chain.hash_fn, key))
        assert isinstance(msgspec.json.decode(value, type=record.record_type), record_type)
    absent = IMPACT.provable["financing"].key(f"{BOND}/C01-002")
    assert chain.state.get(absent) is None
    verify_state(chain.genesis, signed, absent, None, smt.prove(chain.tree, chain.hash_fn, absent))


def test_holdings_seeded_for_the_tests_record_outstanding(chain: Chain) -> None:
    from bayledger.core.modules.bonds.state import get_outstanding_history

    ok(chain, ISSUER, [hold(ALICE, "2023-04-01", 25_000_000_000), hold(BOB, "2023-04-01", 55_000_000_000)])
    assert [(e.day, e.amount) for e in get_outstanding_history(chain.state, BOND)] == [
        (19327, 80_000_000_000),
        (19448, 80_000_000_000),
    ]


# --- invariants ---------------------------------------------------------------------------------------------


def test_invariants_catch_a_broken_ledger(chain: Chain) -> None:
    from bayledger.core.modules.impact import state as st
    from bayledger.core.modules.impact.invariants import check_indexes, check_proceeds
    from bayledger.core.store import BlockState

    two_projects(chain)
    ok(chain, ISSUER, [allocate(30_000_000_000), report({"energy-saved": 1})])
    assert check_proceeds(chain.state) == [] and check_indexes(chain.state) == []
    broken = BlockState(chain.state)
    broken.set(st.bond_allocations_key(BOND), msgspec.json.encode(BondAllocations(BOND, 90_000_000_000, 1)))
    problems = check_proceeds(broken)
    assert f"{BOND}: 90000000000 allocated, proceeds 80000000000" in problems
    assert any("entries 30000000000 in 1" in p for p in problems)
    assert any("financing adds up to 30000000000" in p for p in problems)
    solar = get_project(chain.state, "C01-001")
    assert solar is not None
    broken = BlockState(chain.state)
    st.set_project(
        broken, msgspec.structs.replace(solar, allocated=1, report_count=2, carbon_project_ref="X-1")
    )
    assert check_proceeds(broken) == ["C01-001: allocated 1 differs from its financing"]
    assert sorted(check_indexes(broken)) == [
        "C01-001: 1 reports, report_count 2",
        "carbon ref VCS-1234: points at C01-001, which does not claim it",
    ]
    broken = BlockState(chain.state)
    broken.delete(st.FINANCED_BY_PREFIX + f"C01-001/{BOND}".encode())
    assert check_indexes(broken) == [f"C01-001/{BOND}: financing missing from the index"]
