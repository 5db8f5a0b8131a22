"""The report builders on hand-made node answers: exact decimal text, percentages, empty ledgers, a negative
rounding remainder, and the CSV layout."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from bayledger.reports.bond_reports import (
    build_allocation_report,
    build_holder_statement,
    build_impact_report,
    format_decimal,
    format_percent,
    to_csv,
    to_json,
)


def test_format_decimal_and_percent() -> None:
    assert format_decimal(123450, 2) == "1234.50"
    assert format_decimal(-1, 3) == "-0.001"
    assert format_decimal(7, 0) == "7"
    assert format_percent(1, 3) == "33.33%"
    assert format_percent(1, 8) == "12.50%"
    assert format_percent(1, 20_000) == "0.00%"  # exactly 0.005 %: the tie goes to the even 0.00
    assert format_percent(3, 20_000) == "0.02%"  # exactly 0.015 %: to the even 0.02
    assert format_percent(5, 0) == "-"


def _ledger(**changes: Any) -> dict[str, Any]:
    ledger = {
        "bond_id": "BOND-X",
        "issuer": "did:bid:issuer",
        "currency": "JPY",
        "status": "active",
        "proceeds": 0,
        "allocated": 0,
        "unallocated": 0,
        "allocation_count": 0,
        "allocations": [],
        "by_project": [],
        "height": 7,
    }
    return {**ledger, **changes}


def test_an_empty_ledger_still_reports_its_summary() -> None:
    report = build_allocation_report(_ledger(), {})
    entries, by_project, summary = report.sections
    assert (
        entries.rows == [] and by_project.rows == [] and entries.totals == {"amount": "0"}
    )  # JPY: 0 decimals
    assert summary.rows[1] == {"item": "allocated", "amount": "0", "share": "-"}
    assert report.subject == {
        "bond": "BOND-X",
        "currency": "JPY",
        "height": "7",
        "issuer": "did:bid:issuer",
        "status": "active",
    }


def test_refinancing_share_and_csv_layout() -> None:
    allocation = {
        "allocation_id": "BOND-X/A0001",
        "date": "2026-01-02",
        "project_id": "P-1",
        "amount": 250,
        "refinancing": True,
        "taxonomy": [],
    }
    ledger = _ledger(
        currency="HKD",
        proceeds=1_000,
        allocated=250,
        unallocated=750,
        allocations=[allocation],
        by_project=[
            {"project_id": "P-1", "amount": 250, "category": "circular-economy", "total_financing": 1_000}
        ],
    )
    report = build_allocation_report(
        ledger, {"P-1": {"name_en": "Recycling, Tsing Yi", "jurisdiction": "HK"}}
    )
    assert report.sections[2].rows[2] == {"item": "of which refinancing", "amount": "2.50", "share": "25.00%"}
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert rows[0] == ["Allocation report — BOND-X"]
    at = rows.index(["Allocations"])
    assert rows[at + 1][-1] == "amount (HKD)"
    assert rows[at + 2] == ["BOND-X/A0001", "2026-01-02", "P-1", "Recycling, Tsing Yi", "", "", "yes", "2.50"]
    assert rows[at + 3] == ["total", "", "", "", "", "", "", "2.50"]
    assert json.loads(to_json(report))["sections"][1]["rows"][0]["share_of_project"] == "25.00%"


def test_impact_report_shows_a_negative_remainder_and_keeps_bases_apart() -> None:
    holders = [
        {"holder": h, "holding_days": 1, "values": [{"indicator": "water-saved", "value": 2}]} for h in "ab"
    ]
    split = {
        "report_id": "P-1/R0001",
        "project_id": "P-1",
        "basis": "ex-post",
        "financing": 1,
        "total_financing": 1,
        "outstanding_days": 2,
        "bond": [{"indicator": "water-saved", "value": 3}],
        "holders": holders,
        "remainder": [{"indicator": "water-saved", "value": -1}],
    }
    ante = {**split, "report_id": "P-1/R0002", "basis": "ex-ante", "holders": [], "remainder": []}
    answer = {"bond_id": "BOND-X", "currency": "HKD", "height": 3, "reports": [split, ante]}
    record = {
        "period_start": "2026-01-01",
        "period_end": "2026-01-02",
        "indicators": [{"indicator": "water-saved", "value": 3}],
    }
    report = build_impact_report(answer, {"P-1/R0001": record, "P-1/R0002": record}, {})
    by_report, totals, split_rows = report.sections
    assert [r["project"] for r in by_report.rows] == ["P-1", "P-1"]  # no project answer: its id
    assert totals.rows == [
        {"indicator": "water-saved", "basis": "ex-ante", "unit": "m3", "value": "3"},
        {"indicator": "water-saved", "basis": "ex-post", "unit": "m3", "value": "3"},
    ]
    assert split_rows.rows[-1] == {
        "report_id": "P-1/R0001",
        "holder": "(rounding remainder)",
        "indicator": "water-saved",
        "value": "-1",
    }


def test_holder_statement_of_a_holder_of_nothing() -> None:
    report = build_holder_statement({"holder": "did:bid:nobody", "height": 4, "bonds": []})
    assert [s.rows for s in report.sections] == [[], [], []]
    assert report.subject == {"holder": "did:bid:nobody", "height": "4"}
