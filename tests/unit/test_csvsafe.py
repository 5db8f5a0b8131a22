"""CSV exports never hand a spreadsheet a formula: text cells starting like one are prefixed with '."""

from __future__ import annotations

import csv
import io

import pytest

from bayledger.reports.csvsafe import csv_cell
from bayledger.reports.model import Column, Report, Section, to_csv


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","Harbour")', '\'=HYPERLINK("http://x","Harbour")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\tx", "'\tx"),
        ("-1", "-1"),  # a number stays a number
        ("-1,250.50", "-1,250.50"),
        ("Harbour Airlines Ltd 港灣航空", "Harbour Airlines Ltd 港灣航空"),
        (1000, "1000"),
    ],
)
def test_formula_like_cells_are_neutralised(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_report_csv_neutralises_every_cell() -> None:
    report = Report(
        title="Retirements",
        subject={"beneficiary": "=1+1"},
        sections=[Section("rows", [Column("who", "who"), Column("t", "tonnes")], [{"who": "@x", "t": "-5"}])],
        notes=[],
    )
    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert ["beneficiary", "'=1+1"] in rows and ["'@x", "-5"] in rows
