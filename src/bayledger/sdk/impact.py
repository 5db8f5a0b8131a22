"""Message builders of the impact module, indicator conversion for people, and the light-client check of a
holder's attributed impact.

>>> issuer.send(allocate_proceeds(issuer.did, bond_id, "C01-001", 30_000_000_000, "2023-01-15",
...                               taxonomy=[taxonomy_code("HK-TAXONOMY", "2024", "1.1")]))
>>> verified = verified_holder_impact(client, genesis, alice_did, bond_id)
>>> verified.impact.totals   # recomputed from proven records only

:func:`verified_holder_impact` fetches every record the attribution reads with its state proof, checks
each proof against the trusted genesis and that it is for the key it should be, checks that no record
was left out (the proven financings add up to the proven allocation totals; every report a proven
project counts is fetched), and recomputes the attribution with the core's own pure function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from bayledger.core.genesis import Genesis
from bayledger.core.modules.bonds.state import History
from bayledger.core.modules.impact.attribution import (
    AttributionRecords,
    HolderImpact,
    compute_holder_impact_from_records,
)
from bayledger.core.modules.impact.indicators import INDICATORS
from bayledger.core.modules.impact.msgs import (
    MsgAllocateProceeds,
    MsgRegisterProject,
    MsgSubmitImpactReport,
    MsgVerifyImpactReport,
)
from bayledger.core.modules.impact.state import (
    BondAllocations,
    Financing,
    ImpactReport,
    IndicatorValue,
    Project,
    TaxonomyCode,
    compute_report_id,
)
from bayledger.sdk.builders import msg_to_dict
from bayledger.sdk.cash import format_amount, parse_amount
from bayledger.sdk.client import Client
from bayledger.sdk.verify import verify_record_answer

MAX_ATTEMPTS = 3


class ImpactProofError(Exception):
    """The node's records do not make a complete, consistent, proven set (or its figures differ)."""


def taxonomy_code(taxonomy: str, version: str, code: str) -> dict[str, str]:
    """A taxonomy activity, e.g. ``taxonomy_code("HK-TAXONOMY", "2024", "1.1")``."""
    return {"taxonomy": taxonomy, "version": version, "code": code}


def parse_indicator(name: str, text: str) -> int:
    """Decimal text in the indicator's unit (``"12,345.678"`` tCO2e) as its integer sub-unit (12345678)."""
    return parse_amount(text, INDICATORS[name].scale)


def format_indicator(name: str, value: int) -> str:
    """An indicator's sub-unit value as text with its unit: ``12345678`` → ``"12,345.678 tCO2e"``."""
    return f"{format_amount(value, INDICATORS[name].scale)} {INDICATORS[name].unit}"


def _taxonomy(codes: list[dict[str, str]] | None) -> list[TaxonomyCode]:
    return [msgspec.convert(c, type=TaxonomyCode) for c in codes or []]


def register_project(
    owner: str,
    *,
    project_id: str = "",
    name_en: str,
    name_zh: str = "",
    category: str,
    jurisdiction: str,
    location: str,
    currency: str,
    total_financing: int,
    document_hash: str,
    taxonomy: list[dict[str, str]] | None = None,
    carbon_project_ref: str = "",
) -> dict[str, Any]:
    """``impact/MsgRegisterProject``: ``project_id`` "" takes the next ``PRJ-000001``."""
    return msg_to_dict(
        MsgRegisterProject(
            owner=owner,
            project_id=project_id,
            name_en=name_en,
            name_zh=name_zh,
            category=category,
            jurisdiction=jurisdiction,
            location=location,
            currency=currency,
            total_financing=total_financing,
            taxonomy=_taxonomy(taxonomy),
            document_hash=document_hash,
            carbon_project_ref=carbon_project_ref,
        )
    )


def allocate_proceeds(
    issuer: str,
    bond_id: str,
    project_id: str,
    amount: int,
    date: str,
    *,
    refinancing: bool = False,
    taxonomy: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """``impact/MsgAllocateProceeds``: ``amount`` minor units of the bond's proceeds to a project."""
    return msg_to_dict(
        MsgAllocateProceeds(
            issuer=issuer,
            bond_id=bond_id,
            project_id=project_id,
            amount=amount,
            date=date,
            refinancing=refinancing,
            taxonomy=_taxonomy(taxonomy),
        )
    )


def submit_impact_report(
    owner: str,
    project_id: str,
    period_start: str,
    period_end: str,
    indicators: dict[str, int],
    *,
    basis: str = "ex-post",
    method: str,
    document_hash: str,
) -> dict[str, Any]:
    """``impact/MsgSubmitImpactReport``: ``indicators`` maps core indicator names to sub-unit values."""
    return msg_to_dict(
        MsgSubmitImpactReport(
            owner=owner,
            project_id=project_id,
            period_start=period_start,
            period_end=period_end,
            basis=basis,
            method=method,
            indicators=[IndicatorValue(k, v) for k, v in sorted(indicators.items())],
            document_hash=document_hash,
        )
    )


def verify_impact_report(reviewer: str, report_id: str, verdict: str, review_hash: str) -> dict[str, Any]:
    """``impact/MsgVerifyImpactReport``: ``verdict`` is ``verified`` or ``rejected``."""
    return msg_to_dict(
        MsgVerifyImpactReport(
            reviewer=reviewer, report_id=report_id, verdict=verdict, review_hash=review_hash
        )
    )


# --- light-client check of a holder's attribution -------------------------------------------------------


@dataclass(frozen=True)
class VerifiedImpact:
    """A holder's attribution recomputed from proven records, the height they were proven at, and how many
    records were proven."""

    impact: HolderImpact
    height: int
    proven: int


class _Prover:
    """Fetches proven records, each checked against the genesis and its expected key, at one height."""

    def __init__(self, client: Client, genesis: Genesis) -> None:
        self.client, self.genesis = client, genesis
        self.heights: set[int] = set()
        self.count = 0

    def get(self, module: str, kind: str, ident: str) -> Any:
        answer = self.client.get_proof(module, kind, ident)
        value = verify_record_answer(self.genesis, answer, module, kind, ident)  # the key asked for, too
        self.heights.add(int(answer["height"]))
        self.count += 1
        return value


def _required(value: Any, what: str, record_type: type[Any]) -> Any:
    if value is None:
        raise ImpactProofError(f"{what} is absent from the proven state")
    return msgspec.convert(value, record_type)


def _prove_records(prover: _Prover, holder: str, bond_id: str, listed: list[dict[str, Any]]) -> Any:
    raw_totals = prover.get("impact", "totals", bond_id)
    totals = (
        BondAllocations(bond_id, 0, 0) if raw_totals is None else msgspec.convert(raw_totals, BondAllocations)
    )
    project_ids = sorted({r["ident"] for r in listed if (r["module"], r["kind"]) == ("impact", "project")})
    financings, projects, reports = [], {}, []
    for project_id in project_ids:
        ident = f"{bond_id}/{project_id}"
        financing = _required(prover.get("impact", "financing", ident), f"financing {ident}", Financing)
        project = _required(prover.get("impact", "project", project_id), f"project {project_id}", Project)
        financings.append(financing)
        projects[project_id] = project
        for number in range(1, project.report_count + 1):
            report_id = compute_report_id(project_id, number)
            reports.append(_required(prover.get("impact", "report", report_id), report_id, ImpactReport))
    if sum(f.amount for f in financings) != totals.allocated:
        raise ImpactProofError(f"the financings listed do not add up to {bond_id}'s proven allocated total")
    outstanding = prover.get("bonds", "outstanding", bond_id)
    history = prover.get("bonds", "history", f"{bond_id}/{holder}")
    entries = [] if history is None else msgspec.convert(history, History).entries
    records = AttributionRecords(
        bond_id=bond_id,
        totals=totals,
        financings=financings,
        projects=projects,
        reports=reports,
        outstanding=[] if outstanding is None else msgspec.convert(outstanding, History).entries,
    )
    return compute_holder_impact_from_records(holder, records, entries)


def verified_holder_impact(client: Client, genesis: Genesis, holder: str, bond_id: str) -> VerifiedImpact:
    """``holder``'s attributed impact from ``bond_id``, recomputed from records proven against ``genesis``.

    Raises LightClientError when a proof does not verify or proves another key than the one asked for;
    ImpactProofError when a record is missing, the records were proven at different heights in every one
    of ``MAX_ATTEMPTS`` tries (blocks kept coming), or the node's own figures differ from the recomputed
    ones.
    """
    for _ in range(MAX_ATTEMPTS):
        answer = client.get_holder_impact(holder, bond_id=bond_id)
        (node_bond,) = answer["bonds"]
        prover = _Prover(client, genesis)
        impact = _prove_records(prover, holder, bond_id, node_bond["proofs"])
        if len(prover.heights) != 1:
            continue
        (height,) = prover.heights
        if height == answer["height"] and msgspec.to_builtins(impact.totals) != node_bond["totals"]:
            raise ImpactProofError("the node's totals differ from the ones recomputed from proven records")
        return VerifiedImpact(impact=impact, height=height, proven=prover.count)
    raise ImpactProofError(f"records kept changing while being proven ({MAX_ATTEMPTS} tries)")
