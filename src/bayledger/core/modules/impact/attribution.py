"""Impact attributed to each holder of a bond: pure, exact, rounded once.

For a verified impact report ``r`` of a project ``p`` that bond ``b`` financed, and a holder ``h``::

    attributed(h, r, i) = value(r, i) × F(b, p) / T(p) × H(h, b, r) / O(b, r)

* ``value(r, i)``: the report's value of indicator ``i``, in the indicator's integer sub-unit;
* ``F(b, p)``: what ``b`` allocated to ``p`` in total (its financing record); ``T(p)``: the project's
  total financing from every source (so ``F / T`` is the bond's share of the project, at most 1);
* ``H = Σ_d holding(h, d)`` and ``O = Σ_d outstanding(b, d)`` over the UTC+8 days ``d`` of the report
  period, both ends included, where ``holding(h, d)`` is the holder's face amount at the end of day ``d``
  (the last history entry on or before ``d``; 0 before the first) and likewise for the outstanding amount.
  ``H / O`` is the holder's time-weighted share of the bond over the period; when ``O = 0`` (nothing was
  outstanding) the share is 0 and nothing is attributed.

The product is an exact ``Fraction``, rounded once, half-even, to the indicator's sub-unit. The bond's own
figure is ``value × F / T`` rounded the same way (0 when ``O = 0``). Because every holder is rounded on its
own, the holders' figures may differ from the bond's by up to half a sub-unit each: the difference is
reported as ``remainder`` (bond − Σ holders), never spread silently. Totals per indicator are sums of the
rounded per-report figures, kept apart by basis (ex-ante estimates are never added to ex-post results).
"""

from __future__ import annotations

from fractions import Fraction

import msgspec

from bayledger.core.finance import compute_day_of_date, round_half_even
from bayledger.core.modules.bonds.state import (
    HistoryEntry,
    get_history,
    get_outstanding_history,
    list_histories,
    list_holder_bond_ids,
)
from bayledger.core.modules.impact.indicators import INDICATORS
from bayledger.core.modules.impact.msgs import parse_wire_date
from bayledger.core.modules.impact.state import (
    STATUS_VERIFIED,
    BondAllocations,
    Financing,
    ImpactReport,
    IndicatorValue,
    Project,
    get_bond_allocations,
    get_project,
    list_financed_projects,
    list_reports,
)
from bayledger.core.store import StateReader
from bayledger.core.types import Did


class IndicatorShare(msgspec.Struct, frozen=True):
    """One indicator of one report: the reported value, the bond's part and the holder's part."""

    indicator: str
    unit: str
    scale: int
    reported: int
    bond: int
    holder: int


class ReportAttribution(msgspec.Struct, frozen=True):
    """What one verified report attributes to one holder of one bond, with every factor of the formula."""

    report_id: str
    project_id: str
    basis: str
    period_start: str
    period_end: str
    financing: int  # F: what the bond allocated to the project
    total_financing: int  # T: the project's total financing
    holding_days: int  # H: Σ over the period's days of the holder's face amount
    outstanding_days: int  # O: Σ over the period's days of the bond's outstanding amount
    indicators: list[IndicatorShare]


class IndicatorTotal(msgspec.Struct, frozen=True):
    """A sum of rounded per-report figures of one indicator and one basis."""

    indicator: str
    basis: str
    unit: str
    scale: int
    value: int


class ProjectFinanced(msgspec.Struct, frozen=True):
    """The part of a project's financing by the bond that the holder's current position stands for:
    ``round_half_even(financing × held / outstanding)`` at the latest recorded day (0 when nothing is held
    or outstanding), in minor units of the bond's currency."""

    project_id: str
    category: str
    financing: int
    total_financing: int
    amount: int


class HolderImpact(msgspec.Struct, frozen=True):
    """Everything a holder's holding of one bond financed and its impact, per report and in total."""

    holder: Did
    bond_id: str
    reports: list[ReportAttribution]
    totals: list[IndicatorTotal]
    financed: list[ProjectFinanced] = []


class HolderValues(msgspec.Struct, frozen=True):
    """One holder's rounded figures for one report."""

    holder: Did
    holding_days: int
    values: list[IndicatorValue]


class BondReportSplit(msgspec.Struct, frozen=True):
    """How one verified report's impact splits over every holder of a bond, with the rounding remainder."""

    report_id: str
    project_id: str
    basis: str
    financing: int
    total_financing: int
    outstanding_days: int
    bond: list[IndicatorValue]
    holders: list[HolderValues]
    remainder: list[IndicatorValue]  # bond − Σ holders, per indicator


class AttributionRecords(msgspec.Struct, frozen=True):
    """The records attribution reads for one bond (all of them provable): the allocation totals, each
    financing, each financed project, every report of those projects and the outstanding history."""

    bond_id: str
    totals: BondAllocations
    financings: list[Financing]
    projects: dict[str, Project]
    reports: list[ImpactReport]
    outstanding: list[HistoryEntry]


def compute_day_integral(entries: list[HistoryEntry], first_day: int, last_day: int) -> int:
    """Σ over days ``first_day..last_day`` (inclusive) of the amount at the end of each day, where the
    amount on a day is that of the last entry on or before it (0 before the first entry)."""
    total = 0
    for index, entry in enumerate(entries):
        end = entries[index + 1].day - 1 if index + 1 < len(entries) else last_day
        start, stop = max(entry.day, first_day), min(end, last_day)
        if start <= stop:
            total += entry.amount * (stop - start + 1)
    return total


def compute_period_days(report: ImpactReport) -> tuple[int, int]:
    """The first and last day numbers of a report's period (both included)."""
    first = compute_day_of_date(parse_wire_date("period_start", report.period_start))
    last = compute_day_of_date(parse_wire_date("period_end", report.period_end))
    return first, last


def compute_share(value: int, financing: int, total_financing: int, held: int, outstanding: int) -> Fraction:
    """The exact ``value × financing / total_financing × held / outstanding`` (0 when outstanding is 0)."""
    if outstanding == 0 or total_financing == 0:
        return Fraction(0)
    return Fraction(value * financing * held, total_financing * outstanding)


def _bond_value(value: int, financing: int, total_financing: int, outstanding: int) -> int:
    return round_half_even(compute_share(value, financing, total_financing, 1, 1)) if outstanding else 0


def attribute_report(
    report: ImpactReport,
    financing: int,
    total_financing: int,
    holder_history: list[HistoryEntry],
    outstanding_history: list[HistoryEntry],
) -> ReportAttribution:
    """What ``report`` attributes to a holder with ``holder_history`` of a bond that financed
    ``financing`` of the project's ``total_financing`` (see the module docstring)."""
    first, last = compute_period_days(report)
    held = compute_day_integral(holder_history, first, last)
    outstanding = compute_day_integral(outstanding_history, first, last)
    shares = []
    for item in report.indicators:
        meta = INDICATORS[item.indicator]
        exact = compute_share(item.value, financing, total_financing, held, outstanding)
        bond = _bond_value(item.value, financing, total_financing, outstanding)
        shares.append(
            IndicatorShare(meta.name, meta.unit, meta.scale, item.value, bond, round_half_even(exact))
        )
    return ReportAttribution(
        report_id=report.report_id,
        project_id=report.project_id,
        basis=report.basis,
        period_start=report.period_start,
        period_end=report.period_end,
        financing=financing,
        total_financing=total_financing,
        holding_days=held,
        outstanding_days=outstanding,
        indicators=shares,
    )


def compute_totals(reports: list[ReportAttribution]) -> list[IndicatorTotal]:
    """Per (indicator, basis), the sum of the holder's rounded figures, in (indicator, basis) order."""
    sums: dict[tuple[str, str], int] = {}
    for report in reports:
        for share in report.indicators:
            key = (share.indicator, report.basis)
            sums[key] = sums.get(key, 0) + share.holder
    return [
        IndicatorTotal(name, basis, INDICATORS[name].unit, INDICATORS[name].scale, value)
        for (name, basis), value in sorted(sums.items())
    ]


def _verified_pairs(records: AttributionRecords) -> list[tuple[ImpactReport, Financing, Project]]:
    financing = {f.project_id: f for f in records.financings}
    return [
        (report, financing[report.project_id], records.projects[report.project_id])
        for report in records.reports
        if report.status == STATUS_VERIFIED and report.project_id in financing
    ]


def compute_financed(
    records: AttributionRecords, holder_history: list[HistoryEntry]
) -> list[ProjectFinanced]:
    """Per project the bond financed, the part the holder's current position stands for (see
    ``ProjectFinanced``), in project id order."""
    held = holder_history[-1].amount if holder_history else 0
    outstanding = records.outstanding[-1].amount if records.outstanding else 0
    financed = []
    for financing in sorted(records.financings, key=lambda f: f.project_id):
        project = records.projects[financing.project_id]
        share = Fraction(financing.amount * held, outstanding) if outstanding else Fraction(0)
        financed.append(
            ProjectFinanced(
                project_id=financing.project_id,
                category=project.category,
                financing=financing.amount,
                total_financing=project.total_financing,
                amount=round_half_even(share),
            )
        )
    return financed


def compute_holder_impact_from_records(
    holder: Did, records: AttributionRecords, holder_history: list[HistoryEntry]
) -> HolderImpact:
    """A holder's attribution from the records alone (what a light client recomputes from proofs)."""
    reports = [
        attribute_report(report, f.amount, project.total_financing, holder_history, records.outstanding)
        for report, f, project in _verified_pairs(records)
    ]
    return HolderImpact(
        holder=holder,
        bond_id=records.bond_id,
        reports=reports,
        totals=compute_totals(reports),
        financed=compute_financed(records, holder_history),
    )


def gather_attribution_records(store: StateReader, bond_id: str) -> AttributionRecords:
    """The records attribution of ``bond_id`` reads, from state."""
    financings = list_financed_projects(store, bond_id)
    projects = {f.project_id: p for f in financings if (p := get_project(store, f.project_id)) is not None}
    reports = [report for project_id in projects for report in list_reports(store, project_id)]
    return AttributionRecords(
        bond_id=bond_id,
        totals=get_bond_allocations(store, bond_id),
        financings=financings,
        projects=projects,
        reports=reports,
        outstanding=get_outstanding_history(store, bond_id),
    )


def compute_holder_impact(store: StateReader, holder: Did, bond_id: str) -> HolderImpact:
    """What ``holder``'s holding of ``bond_id`` financed and its impact, over every verified report of
    every project the bond financed."""
    records = gather_attribution_records(store, bond_id)
    return compute_holder_impact_from_records(holder, records, get_history(store, bond_id, holder))


def compute_holder_impacts(store: StateReader, holder: Did) -> list[HolderImpact]:
    """:func:`compute_holder_impact` for every bond ``holder`` ever held, by bond id."""
    return [compute_holder_impact(store, holder, bond_id) for bond_id in list_holder_bond_ids(store, holder)]


def compute_bond_split(
    records: AttributionRecords, histories: dict[Did, list[HistoryEntry]]
) -> list[BondReportSplit]:
    """For every verified report the bond's figures, each holder's, and the rounding remainder."""
    splits = []
    for report, financing, project in _verified_pairs(records):
        per_holder = {
            holder: attribute_report(
                report, financing.amount, project.total_financing, entries, records.outstanding
            )
            for holder, entries in sorted(histories.items())
        }
        first, last = compute_period_days(report)
        outstanding = compute_day_integral(records.outstanding, first, last)
        bond = [
            IndicatorValue(
                i.indicator, _bond_value(i.value, financing.amount, project.total_financing, outstanding)
            )
            for i in report.indicators
        ]
        holders = [
            HolderValues(h, a.holding_days, [IndicatorValue(s.indicator, s.holder) for s in a.indicators])
            for h, a in per_holder.items()
            if a.holding_days
        ]
        remainder = [
            IndicatorValue(b.indicator, b.value - sum(h.values[n].value for h in holders))
            for n, b in enumerate(bond)
        ]
        splits.append(
            BondReportSplit(
                report_id=report.report_id,
                project_id=report.project_id,
                basis=report.basis,
                financing=financing.amount,
                total_financing=project.total_financing,
                outstanding_days=outstanding,
                bond=bond,
                holders=holders,
                remainder=remainder,
            )
        )
    return splits


def compute_bond_impact(store: StateReader, bond_id: str) -> list[BondReportSplit]:
    """:func:`compute_bond_split` of ``bond_id`` from state (every holder that ever held it)."""
    return compute_bond_split(gather_attribution_records(store, bond_id), list_histories(store, bond_id))


class ProofRef(msgspec.Struct, frozen=True):
    """A provable record attribution read: ``GET /v1/proofs/{module}/{kind}/{ident}``."""

    module: str
    kind: str
    ident: str


def list_attribution_proofs(records: AttributionRecords, holder: Did) -> list[ProofRef]:
    """The provable records a holder's attribution of ``records.bond_id`` reads. Complete by construction:
    the financings add up to the proven allocation totals, and each project's ``report_count`` says how many
    reports exist, so a light client can tell when a node leaves one out."""
    bond_id = records.bond_id
    refs = [
        ProofRef("impact", "totals", bond_id),
        ProofRef("bonds", "outstanding", bond_id),
        ProofRef("bonds", "history", f"{bond_id}/{holder}"),
    ]
    for financing in records.financings:
        refs.append(ProofRef("impact", "financing", f"{bond_id}/{financing.project_id}"))
        refs.append(ProofRef("impact", "project", financing.project_id))
    refs += [ProofRef("impact", "report", report.report_id) for report in records.reports]
    return refs
