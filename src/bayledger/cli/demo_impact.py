"""Demo step (HK zone, after the green bond settled): use of proceeds and verified impact per investor.

The issuer registers a solar farm and a low-carbon building with Hong Kong Taxonomy codes and allocates
the bond's proceeds to them (an allocation above the proceeds is refused); it reports the solar farm's
impact; the external reviewer verifies it (the issuer cannot verify its own report); each investor's
attributed tCO2e is recomputed from state proofs checked by the light client, and printed.

Called by the demo with the wallets it already has; see :func:`use_of_proceeds_and_impact`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from bayledger.cli import demo
from bayledger.cli.demo import DemoFailure, console
from bayledger.sdk import cash as cb
from bayledger.sdk import impact as ib
from bayledger.sdk.verify import genesis_from_json
from bayledger.sdk.wallet import Wallet

SOLAR, BUILDING = "C01-001", "C01-002"
GHG = "ghg-emissions-avoided"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _register_projects(issuer: Wallet, currency: str, proceeds: int) -> None:
    solar = ib.register_project(
        issuer.did, project_id=SOLAR, name_en="Tuen Mun solar farm", name_zh="屯門太陽能發電場",
        category="renewable-energy", jurisdiction="HK", location="Tuen Mun, New Territories",
        currency=currency, total_financing=proceeds * 3 // 4, document_hash=_hash("solar farm design"),
        taxonomy=[ib.taxonomy_code("HK-TAXONOMY", "2024", "1.1"), ib.taxonomy_code("CGT", "2022", "D.1.1")],
    )  # fmt: skip
    building = ib.register_project(
        issuer.did, project_id=BUILDING, name_en="Kai Tak low-carbon office", name_zh="啟德低碳辦公大樓",
        category="green-buildings", jurisdiction="HK", location="Kai Tak, Kowloon", currency=currency,
        total_financing=proceeds * 5 // 4, document_hash=_hash("BEAM Plus platinum pre-certification"),
        taxonomy=[ib.taxonomy_code("HK-TAXONOMY", "2024", "7.1")],
    )  # fmt: skip
    issuer.send(solar, building)


def use_of_proceeds_and_impact(
    issuer: Wallet,
    reviewer: Wallet,
    investors: Mapping[str, Wallet],
    bond_id: str,
    *,
    allocation_date: str,
    period: tuple[str, str],
) -> dict[str, int]:
    """Allocate the settled bond's proceeds, verify an impact report and print each investor's verified
    attributed GHG emissions avoided; returns them in kg CO2e by investor name.

    ``allocation_date`` must not be after today (UTC+8) nor before settlement; ``period`` (first and last
    day, ex-post, ended by today) should cover days the bond was outstanding, or nothing is attributed.
    """
    ledger = issuer.client.get_bond_allocations(bond_id)
    currency, proceeds = ledger["currency"], ledger["proceeds"]
    decimals = cb.decimals_of(currency)
    demo._step("16. use of proceeds: two green projects with HK Taxonomy codes, allocations, verified impact")
    _register_projects(issuer, currency, proceeds)
    solar_amount, building_amount = proceeds * 3 // 8, proceeds // 2
    demo._expect_refused(
        "allocating more than the bond raised",
        lambda: issuer.send(ib.allocate_proceeds(issuer.did, bond_id, SOLAR, proceeds + 1, allocation_date)),
        "impact",
        7,
    )
    solar_codes = [ib.taxonomy_code("HK-TAXONOMY", "2024", "1.1")]
    building_codes = [ib.taxonomy_code("HK-TAXONOMY", "2024", "7.1")]
    issuer.send(
        ib.allocate_proceeds(issuer.did, bond_id, SOLAR, solar_amount, allocation_date, taxonomy=solar_codes),
        ib.allocate_proceeds(
            issuer.did, bond_id, BUILDING, building_amount, allocation_date, refinancing=True,
            taxonomy=building_codes,
        ),
    )  # fmt: skip
    ledger = issuer.client.get_bond_allocations(bond_id)
    allocated, unallocated, raised = (
        cb.format_amount(ledger[k], decimals) for k in ("allocated", "unallocated", "proceeds")
    )
    console.print(f"  allocated {currency} {allocated} of {raised}; unallocated {unallocated}")
    indicators = {GHG: ib.parse_indicator(GHG, "12,345.678"), "renewable-energy-generated": 20_000_000}
    method = "metered generation x HK grid emission factor"
    result = issuer.send(
        ib.submit_impact_report(
            issuer.did, SOLAR, period[0], period[1], indicators, method=method, document_hash=_hash("report")
        )
    )
    report_id = result["events"][0]["report_id"]
    demo._expect_refused(
        "the issuer verifying its own impact report",
        lambda: issuer.send(ib.verify_impact_report(issuer.did, report_id, "verified", _hash("self"))),
        "identity",
        10,
    )
    reviewer.send(ib.verify_impact_report(reviewer.did, report_id, "verified", _hash("limited assurance")))
    genesis = genesis_from_json(issuer.client.genesis())
    attributed = {}
    for name, wallet in investors.items():
        checked = ib.verified_holder_impact(issuer.client, genesis, wallet.did, bond_id)
        ghg = sum(t.value for t in checked.impact.totals if t.indicator == GHG and t.basis == "ex-post")
        attributed[name] = ghg
        console.print(
            f"  {name}: {ib.format_indicator(GHG, ghg)} avoided, attributed to its holding "
            f"({checked.proven} records proven at height {checked.height})"
        )
    if sum(attributed.values()) > indicators[GHG]:
        raise DemoFailure("the investors were attributed more than the project avoided")
    return attributed
