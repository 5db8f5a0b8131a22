"""Shared set-up of the impact module tests: an issuer, an external reviewer, holders, seeded bonds.

A zone where ACCREDITOR is trusted for ``ExternalReviewerCredential`` (HK). :func:`prepared_chain`
registers REVIEWER's credential, seeds framework GBF-000001 of ISSUER (renewable energy, green buildings),
and the green bond BOND (HK$800m, settled 2022-12-01, proceeds HK$800m, status active) with ALICE holding
HK$500m and BOB HK$300m from the settlement day. Blocks run at the corechain genesis time, which is
2023-11-15 in Hong Kong (UTC+8).
"""

from __future__ import annotations

from typing import Any

import msgspec

from bayledger.core.app import DEFAULT_MODULES
from bayledger.core.modules.bonds.terms import BondTerms, compute_bond_id
from bayledger.core.modules.identity.msgs import MsgRegisterCredential
from bayledger.core.modules.impact.msgs import (
    MsgAllocateProceeds,
    MsgRegisterProject,
    MsgSubmitImpactReport,
    MsgVerifyImpactReport,
)
from bayledger.core.modules.impact.state import IndicatorValue, TaxonomyCode
from bayledger.core.msg import Module
from bayledger.core.state_transition import check_invariants
from bayledger.keys import SigningKey
from bondseed import MsgSeedBond, MsgSeedFramework, MsgSeedHolding, green_terms, isin, seed_module
from corechain import Chain, content_hash, ed_key, make_genesis, sm2_key

ISSUER, OTHER, REVIEWER, ACCREDITOR = ed_key(70), ed_key(71), sm2_key(72), ed_key(73)
ALICE, BOB, CAROL = ed_key(74), ed_key(75), ed_key(76)
CASH_TOKEN = "HKD-" + "x" * 33
BOND_ISIN = isin("000000001")
BOND = compute_bond_id(BOND_ISIN)
HK_SOLAR = TaxonomyCode("HK-TAXONOMY", "2024", "1.1")
HK_BUILDING = TaxonomyCode("HK-TAXONOMY", "2024", "7.1")
CGT_SOLAR = TaxonomyCode("CGT", "2022", "D.1.1")
MODULES = (*DEFAULT_MODULES, seed_module())
SEEDED_ONLY = not any(module.name == "bonds" for module in DEFAULT_MODULES)  # no real bonds module yet


def impact_genesis() -> Any:
    genesis = make_genesis([ISSUER, OTHER, REVIEWER, ACCREDITOR, ALICE, BOB, CAROL])
    trusted = [
        {"issuer": ACCREDITOR.did(), "credential_type": "ExternalReviewerCredential", "jurisdictions": ["HK"]}
    ]
    return msgspec.structs.replace(
        genesis, app_state=dict(genesis.app_state, identity={"trusted_issuers": trusted})
    )


def reviewer_credential(subject: SigningKey, n: int) -> MsgRegisterCredential:
    return MsgRegisterCredential(
        issuer=ACCREDITOR.did(),
        credential_id=f"reviewer-{n}",
        credential_type="ExternalReviewerCredential",
        subject=subject.did(),
        jurisdiction="HK",
        valid_from=0,
        valid_until=0,
        status_list_id="",
        status_index=0,
        credential_hash=content_hash(300 + n),
    )


def seed_bond(
    issuer: SigningKey = ISSUER,
    terms: BondTerms | None = None,
    *,
    status: str = "active",
    proceeds: int = 80_000_000_000,
    settlement_date: str = "2022-12-01",
) -> MsgSeedBond:
    return MsgSeedBond(
        issuer=issuer.did(),
        terms=terms or green_terms(BOND_ISIN, CASH_TOKEN),
        status=status,
        proceeds=proceeds,
        settlement_date=settlement_date,
    )


def hold(holder: SigningKey, date: str, amount: int, bond_id: str = BOND) -> MsgSeedHolding:
    return MsgSeedHolding(issuer=ISSUER.did(), bond_id=bond_id, holder=holder.did(), date=date, amount=amount)


def project(
    project_id: str = "C01-001",
    *,
    owner: SigningKey = ISSUER,
    category: str = "renewable-energy",
    currency: str = "HKD",
    total_financing: int = 60_000_000_000,
    taxonomy: list[TaxonomyCode] | None = None,
    carbon_project_ref: str = "",
    jurisdiction: str = "HK",
) -> MsgRegisterProject:
    return MsgRegisterProject(
        owner=owner.did(),
        project_id=project_id,
        name_en="Tuen Mun solar farm",
        name_zh="屯門太陽能發電場",
        category=category,
        jurisdiction=jurisdiction,
        location="Tuen Mun, New Territories",
        currency=currency,
        total_financing=total_financing,
        taxonomy=[HK_SOLAR] if taxonomy is None else taxonomy,
        document_hash=content_hash(400),
        carbon_project_ref=carbon_project_ref,
    )


def allocate(
    amount: int,
    project_id: str = "C01-001",
    *,
    issuer: SigningKey = ISSUER,
    bond_id: str = BOND,
    date: str = "2023-01-15",
    refinancing: bool = False,
    taxonomy: list[TaxonomyCode] | None = None,
) -> MsgAllocateProceeds:
    return MsgAllocateProceeds(
        issuer=issuer.did(),
        bond_id=bond_id,
        project_id=project_id,
        amount=amount,
        date=date,
        refinancing=refinancing,
        taxonomy=[HK_SOLAR, CGT_SOLAR] if taxonomy is None else taxonomy,
    )


def report(
    indicators: dict[str, int],
    project_id: str = "C01-001",
    *,
    owner: SigningKey = ISSUER,
    start: str = "2023-01-01",
    end: str = "2023-06-30",
    basis: str = "ex-post",
) -> MsgSubmitImpactReport:
    return MsgSubmitImpactReport(
        owner=owner.did(),
        project_id=project_id,
        period_start=start,
        period_end=end,
        basis=basis,
        method="metered generation x HK grid emission factor 0.61 kgCO2e/kWh",
        indicators=[IndicatorValue(name, value) for name, value in sorted(indicators.items())],
        document_hash=content_hash(500),
    )


def verify(
    report_id: str, verdict: str = "verified", reviewer: SigningKey = REVIEWER
) -> MsgVerifyImpactReport:
    return MsgVerifyImpactReport(
        reviewer=reviewer.did(), report_id=report_id, verdict=verdict, review_hash=content_hash(600)
    )


def outside_seeded_bonds(broken: list[str]) -> list[str]:
    """Invariant violations, leaving out the real bonds module's (when registered): its records here are
    seeded directly (no book, allotments or settlement), so its own invariants may not hold on them."""
    return [line for line in broken if not line.startswith("bonds/") or SEEDED_ONLY]


def impact_invariants(chain: Chain) -> list[str]:
    """Every module's invariant violations but the real bonds module's (see outside_seeded_bonds)."""
    return outside_seeded_bonds(check_invariants(chain.app, chain.state))


def run(chain: Chain, key: SigningKey, msgs: list[Any]) -> Any:
    """Apply one tx in its own block and return its result."""
    return chain.apply([chain.tx(key, msgs)]).results[0]


def ok(chain: Chain, key: SigningKey, msgs: list[Any]) -> Any:
    result = run(chain, key, msgs)
    assert (result.code, result.log) == (0, ""), result.log
    assert impact_invariants(chain) == []
    return result


def prepared_chain(extra_modules: tuple[Module, ...] = ()) -> Chain:
    """The zone with REVIEWER accredited, framework GBF-000001 and BOND held by ALICE and BOB."""
    chain = Chain(impact_genesis(), modules=(*MODULES, *extra_modules))
    ok(chain, ACCREDITOR, [reviewer_credential(REVIEWER, 1)])
    categories = ["renewable-energy", "green-buildings"]
    ok(chain, ISSUER, [MsgSeedFramework(ISSUER.did(), "GBF-000001", categories), seed_bond()])
    ok(chain, ISSUER, [hold(ALICE, "2022-12-01", 50_000_000_000), hold(BOB, "2022-12-01", 30_000_000_000)])
    return chain
