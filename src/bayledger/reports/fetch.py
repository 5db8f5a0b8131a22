"""Fetch what a bond report needs from a node and build it (see :mod:`bayledger.reports.bond_reports`)."""

from __future__ import annotations

from typing import Any

from bayledger.reports.bond_reports import (
    Report,
    build_allocation_report,
    build_holder_statement,
    build_impact_report,
)
from bayledger.sdk.client import Client


def _projects(client: Client, project_ids: list[str]) -> dict[str, dict[str, Any]]:
    return {project_id: client.get_impact_project(project_id) for project_id in sorted(set(project_ids))}


def fetch_allocation_report(client: Client, bond_id: str) -> Report:
    """The allocation report of ``bond_id`` at the node's latest height."""
    ledger = client.get_bond_allocations(bond_id)
    return build_allocation_report(ledger, _projects(client, [p["project_id"] for p in ledger["by_project"]]))


def fetch_impact_report(client: Client, bond_id: str) -> Report:
    """The impact report of ``bond_id`` at the node's latest height."""
    impact = client.get_bond_impact(bond_id)
    reports = {s["report_id"]: client.get_impact_report(s["report_id"]) for s in impact["reports"]}
    return build_impact_report(
        impact, reports, _projects(client, [s["project_id"] for s in impact["reports"]])
    )


def fetch_holder_statement(client: Client, did: str, bond_id: str | None = None) -> Report:
    """The impact statement of holder ``did`` (every bond it held, or one)."""
    return build_holder_statement(client.get_holder_impact(did, bond_id=bond_id))
