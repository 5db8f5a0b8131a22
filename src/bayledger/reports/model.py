"""Reports as plain data — :class:`Report` of :class:`Section` tables of text cells — and their JSON and
CSV renderings. A PDF renderer draws the same structure."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from fractions import Fraction

from bayledger.core.finance import round_half_even


@dataclass(frozen=True)
class Column:
    """A column: its key in each row, its printed label and its kind (text, money, indicator, percent)."""

    key: str
    label: str
    kind: str = "text"


@dataclass(frozen=True)
class Section:
    """One table of a report; ``totals`` holds the totals row (same keys, only those that add up)."""

    title: str
    columns: list[Column]
    rows: list[dict[str, str]]
    totals: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    """A report as plain data: what it is about (``subject``), its sections and its notes."""

    title: str
    subject: dict[str, str]
    sections: list[Section]
    notes: list[str]


def format_decimal(value: int, scale: int) -> str:
    """An integer of ``scale`` decimal places as exact decimal text: ``(123450, 2)`` → ``"1234.50"``."""
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**scale)
    return f"{sign}{whole}" + (f".{frac:0{scale}d}" if scale else "")


def format_percent(part: int, whole: int) -> str:
    """``part / whole`` as a percentage with two decimals, rounded half-even (``"-"`` when whole is 0)."""
    if whole == 0:
        return "-"
    return format_decimal(round_half_even(Fraction(part * 10_000, whole)), 2) + "%"


def to_json(report: Report) -> str:
    """The report as JSON (UTF-8 text, keys in declaration order)."""
    return json.dumps(asdict(report), ensure_ascii=False, indent=2)


def to_csv(report: Report) -> str:
    """The report as CSV: per section a title line, the header, the rows, then a ``total`` row if any,
    sections separated by an empty line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([report.title])
    for key, value in report.subject.items():
        writer.writerow([key, value])
    for section in report.sections:
        writer.writerow([])
        writer.writerow([section.title])
        writer.writerow([c.label for c in section.columns])
        for row in section.rows:
            writer.writerow([row.get(c.key, "") for c in section.columns])
        if section.totals:
            first = section.columns[0].key
            writer.writerow(
                [section.totals.get(c.key, "total" if c.key == first else "") for c in section.columns]
            )
    return out.getvalue()
