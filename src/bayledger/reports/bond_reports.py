"""Investor reports of a green bond, shaped as plain data: the allocation report, the impact report and a
holder statement, each a :class:`Report` (title, subject, sections of columns, rows and totals, notes).

Built from the node's answers (``Client.get_bond_allocations``, ``get_impact_project``,
``get_impact_report``, ``get_bond_impact``, ``get_holder_impact``; see :mod:`bayledger.reports.fetch`).
The data model and the JSON/CSV renderings are in :mod:`bayledger.reports.model`, so any renderer (a PDF
one later) draws the same figures. Cells are text: money and indicator values are exact decimal text in
major units / reporting units (``300000000.00``, ``2888.190``), never floats; percentages are rounded
half-even to two decimals for display only.
"""

from __future__ import annotations

from typing import Any

from bayledger.core.modules.cash.msgs import CURRENCY_DECIMALS
from bayledger.core.modules.impact.indicators import INDICATORS
from bayledger.reports.model import (
    Column,
    Report,
    Section,
    format_decimal,
    format_percent,
    to_csv,
    to_json,
)

__all__ = [
    "Column",
    "Report",
    "Section",
    "build_allocation_report",
    "build_holder_statement",
    "build_impact_report",
    "format_decimal",
    "format_percent",
    "to_csv",
    "to_json",
]


def _money(value: int, currency: str) -> str:
    return format_decimal(value, CURRENCY_DECIMALS.get(currency, 2))


def _indicator(name: str, value: int) -> str:
    return format_decimal(value, INDICATORS[name].scale)


def _taxonomy(codes: list[dict[str, str]]) -> str:
    return "; ".join(f"{c['taxonomy']} {c['version']} {c['code']}" for c in codes)


def build_allocation_report(ledger: dict[str, Any], projects: dict[str, dict[str, Any]]) -> Report:
    """The use-of-proceeds report of a bond from its ledger answer and its projects' answers (by id)."""
    currency = ledger["currency"]
    allocations = [
        {
            "allocation_id": a["allocation_id"],
            "date": a["date"],
            "project_id": a["project_id"],
            "project": projects.get(a["project_id"], {}).get("name_en", ""),
            "category": projects.get(a["project_id"], {}).get("category", ""),
            "taxonomy": _taxonomy(a["taxonomy"]),
            "refinancing": "yes" if a["refinancing"] else "no",
            "amount": _money(a["amount"], currency),
        }
        for a in ledger["allocations"]
    ]
    by_project = [
        {
            "project_id": p["project_id"],
            "project": projects.get(p["project_id"], {}).get("name_en", ""),
            "category": p["category"],
            "jurisdiction": projects.get(p["project_id"], {}).get("jurisdiction", ""),
            "total_financing": _money(p["total_financing"], currency),
            "amount": _money(p["amount"], currency),
            "share_of_project": format_percent(p["amount"], p["total_financing"]),
            "share_of_proceeds": format_percent(p["amount"], ledger["proceeds"]),
        }
        for p in ledger["by_project"]
    ]
    refinanced = sum(a["amount"] for a in ledger["allocations"] if a["refinancing"])
    summary = [
        {"item": "proceeds", "amount": _money(ledger["proceeds"], currency), "share": "100.00%"},
        {
            "item": "allocated",
            "amount": _money(ledger["allocated"], currency),
            "share": format_percent(ledger["allocated"], ledger["proceeds"]),
        },
        {
            "item": "of which refinancing",
            "amount": _money(refinanced, currency),
            "share": format_percent(refinanced, ledger["proceeds"]),
        },
        {
            "item": "unallocated",
            "amount": _money(ledger["unallocated"], currency),
            "share": format_percent(ledger["unallocated"], ledger["proceeds"]),
        },
    ]
    money = f"amount ({currency})"
    return Report(
        title=f"Allocation report — {ledger['bond_id']}",
        subject=_subject(ledger, currency),
        sections=[
            Section(
                "Allocations",
                [
                    Column("allocation_id", "allocation"),
                    Column("date", "date"),
                    Column("project_id", "project id"),
                    Column("project", "project"),
                    Column("category", "ICMA category"),
                    Column("taxonomy", "taxonomy codes"),
                    Column("refinancing", "refinancing"),
                    Column("amount", money, "money"),
                ],
                allocations,
                {"amount": _money(ledger["allocated"], currency)},
            ),
            Section(
                "By project",
                [
                    Column("project_id", "project id"),
                    Column("project", "project"),
                    Column("category", "ICMA category"),
                    Column("jurisdiction", "jurisdiction"),
                    Column("total_financing", f"project cost ({currency})", "money"),
                    Column("amount", f"financed by the bond ({currency})", "money"),
                    Column("share_of_project", "share of project", "percent"),
                    Column("share_of_proceeds", "share of proceeds", "percent"),
                ],
                by_project,
            ),
            Section(
                "Summary",
                [
                    Column("item", "item"),
                    Column("amount", money, "money"),
                    Column("share", "share of proceeds", "percent"),
                ],
                summary,
            ),
        ],
        notes=[
            "Allocation dates are Hong Kong / Beijing dates (UTC+8). Amounts are exact; percentages "
            "are rounded half-even to two decimals.",
            f"Each figure is a ledger record at height {ledger['height']}; prove the totals with "
            f"/v1/proofs/impact/totals/{ledger['bond_id']} and each entry with "
            "/v1/proofs/impact/allocation/<id>.",
        ],
    )


def _subject(answer: dict[str, Any], currency: str) -> dict[str, str]:
    subject = {"bond": answer["bond_id"], "currency": currency, "height": str(answer["height"])}
    for key in ("issuer", "status"):
        if key in answer:
            subject[key] = str(answer[key])
    return subject


def build_impact_report(
    bond_impact: dict[str, Any], reports: dict[str, dict[str, Any]], projects: dict[str, dict[str, Any]]
) -> Report:
    """The impact report of a bond: per verified report and indicator, what the project reported, the
    bond's share of the project and the impact attributed to the bond; totals per indicator and basis; and
    the split over holders with the rounding remainder."""
    rows: list[dict[str, str]] = []
    holder_rows: list[dict[str, str]] = []
    totals: dict[tuple[str, str], int] = {}
    for split in bond_impact["reports"]:
        record = reports.get(split["report_id"], {})
        reported = {i["indicator"]: i["value"] for i in record.get("indicators", [])}
        for item in split["bond"]:
            name = item["indicator"]
            rows.append(
                {
                    "report_id": split["report_id"],
                    "project": projects.get(split["project_id"], {}).get("name_en", split["project_id"]),
                    "period": f"{record.get('period_start', '')}..{record.get('period_end', '')}",
                    "basis": split["basis"],
                    "indicator": name,
                    "unit": INDICATORS[name].unit,
                    "reported": _indicator(name, reported.get(name, 0)),
                    "share_of_project": format_percent(split["financing"], split["total_financing"]),
                    "attributed": _indicator(name, item["value"]),
                }
            )
            totals[(name, split["basis"])] = totals.get((name, split["basis"]), 0) + item["value"]
        remainder = {r["indicator"]: r["value"] for r in split["remainder"]}
        for holder in split["holders"]:
            holder_rows += [
                {
                    "report_id": split["report_id"],
                    "holder": holder["holder"],
                    "indicator": v["indicator"],
                    "value": _indicator(v["indicator"], v["value"]),
                }
                for v in holder["values"]
            ]
        holder_rows += [
            {
                "report_id": split["report_id"],
                "holder": "(rounding remainder)",
                "indicator": name,
                "value": _indicator(name, value),
            }
            for name, value in remainder.items()
        ]
    total_rows = [
        {"indicator": name, "basis": basis, "unit": INDICATORS[name].unit, "value": _indicator(name, value)}
        for (name, basis), value in sorted(totals.items())
    ]
    return Report(
        title=f"Impact report — {bond_impact['bond_id']}",
        subject=_subject(bond_impact, bond_impact["currency"]),
        sections=[
            Section(
                "Verified impact by report",
                [
                    Column("report_id", "report"),
                    Column("project", "project"),
                    Column("period", "period"),
                    Column("basis", "basis"),
                    Column("indicator", "indicator"),
                    Column("unit", "unit"),
                    Column("reported", "project total", "indicator"),
                    Column("share_of_project", "bond's share of project", "percent"),
                    Column("attributed", "attributed to the bond", "indicator"),
                ],
                rows,
            ),
            Section(
                "Totals",
                [
                    Column("indicator", "indicator"),
                    Column("basis", "basis"),
                    Column("unit", "unit"),
                    Column("value", "attributed to the bond", "indicator"),
                ],
                total_rows,
            ),
            Section(
                "Attribution to holders",
                [
                    Column("report_id", "report"),
                    Column("holder", "holder"),
                    Column("indicator", "indicator"),
                    Column("value", "attributed", "indicator"),
                ],
                holder_rows,
            ),
        ],
        notes=[
            "Only reports verified by an accredited external reviewer count. Attributed = reported value x "
            "(bond's financing / project's total financing) x holder's time-weighted share of the bond over "
            "the report period, rounded once half-even to the indicator's unit; the rounding remainder "
            "is shown.",
            "Ex-ante (estimated) and ex-post (measured) figures are never added together.",
        ],
    )


def build_holder_statement(answer: dict[str, Any]) -> Report:
    """A holder's statement: per bond and verified report, its share of the bond over the period and the
    impact attributed to it; totals per bond, indicator and basis; and the records to prove."""
    rows, total_rows, financed_rows, proofs = [], [], [], []
    for bond in answer["bonds"]:
        financed_rows += [
            {
                "bond_id": bond["bond_id"],
                "project_id": f["project_id"],
                "category": f["category"],
                "amount": _money(f["amount"], bond.get("currency", "")),
                "share_of_project": format_percent(f["amount"], f["total_financing"]),
            }
            for f in bond.get("financed", [])
        ]
        for item in bond["reports"]:
            share = format_percent(item["holding_days"], item["outstanding_days"])
            rows += [
                {
                    "bond_id": bond["bond_id"],
                    "report_id": item["report_id"],
                    "basis": item["basis"],
                    "period": f"{item['period_start']}..{item['period_end']}",
                    "holder_share": share,
                    "indicator": s["indicator"],
                    "unit": s["unit"],
                    "attributed": _indicator(s["indicator"], s["holder"]),
                }
                for s in item["indicators"]
            ]
        total_rows += [
            {
                "bond_id": bond["bond_id"],
                "indicator": t["indicator"],
                "basis": t["basis"],
                "unit": t["unit"],
                "value": _indicator(t["indicator"], t["value"]),
            }
            for t in bond["totals"]
        ]
        proofs += [f"/v1/proofs/{p['module']}/{p['kind']}/{p['ident']}" for p in bond["proofs"]]
    return Report(
        title="Holder impact statement",
        subject={"holder": answer["holder"], "height": str(answer["height"])},
        sections=[
            Section(
                "Financed by your current position",
                [
                    Column("bond_id", "bond"),
                    Column("project_id", "project"),
                    Column("category", "ICMA category"),
                    Column("amount", "financed (bond currency)", "money"),
                    Column("share_of_project", "share of project", "percent"),
                ],
                financed_rows,
            ),
            Section(
                "Attributed impact by report",
                [
                    Column("bond_id", "bond"),
                    Column("report_id", "report"),
                    Column("basis", "basis"),
                    Column("period", "period"),
                    Column("holder_share", "your share of the bond", "percent"),
                    Column("indicator", "indicator"),
                    Column("unit", "unit"),
                    Column("attributed", "attributed to you", "indicator"),
                ],
                rows,
            ),
            Section(
                "Totals",
                [
                    Column("bond_id", "bond"),
                    Column("indicator", "indicator"),
                    Column("basis", "basis"),
                    Column("unit", "unit"),
                    Column("value", "attributed to you", "indicator"),
                ],
                total_rows,
            ),
        ],
        notes=[
            "Your share of a bond over a period is the sum over its days of your holding at the end of "
            "each day over the same sum of the bond's outstanding amount (UTC+8 days).",
            *proofs,
        ],
    )
