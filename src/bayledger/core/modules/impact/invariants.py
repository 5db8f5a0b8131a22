"""Invariants of the impact module: the use-of-proceeds ledger adds up and never exceeds what was raised."""

from __future__ import annotations

from collections import defaultdict

from bayledger.core.modules.bonds.state import get_bond
from bayledger.core.modules.impact.state import (
    list_all_allocations,
    list_all_bond_allocations,
    list_all_financing,
    list_all_reports,
    list_carbon_refs,
    list_financed_by_index,
    list_projects,
)
from bayledger.core.store import StateReader


def check_proceeds(store: StateReader) -> list[str]:
    """Per bond, the ledger entries add up to its totals, the totals never exceed the bond's proceeds, and
    the per-project financing adds up to the same total; per project, what bonds allocated adds up to its
    ``allocated`` and never exceeds its total financing."""
    broken = []
    entries: dict[str, list[int]] = defaultdict(list)
    for allocation in list_all_allocations(store):
        entries[allocation.bond_id].append(allocation.amount)
        if allocation.amount <= 0:
            broken.append(f"{allocation.allocation_id}: amount {allocation.amount}")
    financed: dict[str, int] = defaultdict(int)
    per_project: dict[str, int] = defaultdict(int)
    for financing in list_all_financing(store):
        financed[financing.bond_id] += financing.amount
        per_project[financing.project_id] += financing.amount
    for totals in list_all_bond_allocations(store):
        amounts = entries.pop(totals.bond_id, [])
        if (sum(amounts), len(amounts)) != (totals.allocated, totals.allocation_count):
            broken.append(f"{totals.bond_id}: entries {sum(amounts)} in {len(amounts)}, totals {totals}")
        if financed.get(totals.bond_id, 0) != totals.allocated:
            broken.append(f"{totals.bond_id}: financing adds up to {financed.get(totals.bond_id, 0)}")
        bond = get_bond(store, totals.bond_id)
        if bond is None or totals.allocated > bond.proceeds:
            raised = "no bond" if bond is None else f"proceeds {bond.proceeds}"
            broken.append(f"{totals.bond_id}: {totals.allocated} allocated, {raised}")
    broken += [f"{bond_id}: allocations without totals" for bond_id in sorted(entries)]
    for project in list_projects(store):
        if per_project.pop(project.project_id, 0) != project.allocated:
            broken.append(f"{project.project_id}: allocated {project.allocated} differs from its financing")
        if project.allocated > project.total_financing:
            broken.append(f"{project.project_id}: allocated {project.allocated} > {project.total_financing}")
    broken += [f"{project_id}: financing of an unknown project" for project_id in sorted(per_project)]
    return broken


def check_indexes(store: StateReader) -> list[str]:
    """The financed-by index mirrors the financing records; carbon references point at their project;
    every report belongs to a known project and is numbered within its ``report_count``."""
    broken = []
    pairs = {(f.project_id, f.bond_id) for f in list_all_financing(store)}
    index = set(list_financed_by_index(store))
    broken += [f"{p}/{b}: financing missing from the index" for p, b in sorted(pairs - index)]
    broken += [f"{p}/{b}: index entry without financing" for p, b in sorted(index - pairs)]
    projects = {project.project_id: project for project in list_projects(store)}
    for ref, project_id in list_carbon_refs(store).items():
        found = projects.get(project_id)
        if found is None or found.carbon_project_ref != ref:
            broken.append(f"carbon ref {ref}: points at {project_id}, which does not claim it")
    counts: dict[str, int] = defaultdict(int)
    for report in list_all_reports(store):
        counts[report.project_id] += 1
        if report.project_id not in projects:
            broken.append(f"{report.report_id}: report of an unknown project")
    for project_id, project in projects.items():
        if counts.get(project_id, 0) != project.report_count:
            broken.append(
                f"{project_id}: {counts.get(project_id, 0)} reports, report_count {project.report_count}"
            )
    return broken
