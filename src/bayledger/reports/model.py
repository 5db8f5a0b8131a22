"""Reports as plain data — :class:`Report` of :class:`Section` tables of text cells — and their JSON and
CSV renderings. A PDF renderer draws the same structure."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from fractions import Fraction

from bayledger.core.finance import round_half_even
from bayledger.reports.csvsafe import csv_cell


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


def section_table(section: Section) -> list[list[str]]:
    """A section as text rows: the header of labels, the rows, then its ``total`` row if it has totals."""
    table = [[c.label for c in section.columns]]
    table += [[row.get(c.key, "") for c in section.columns] for row in section.rows]
    if section.totals:
        first = section.columns[0].key
        table.append([section.totals.get(c.key, "total" if c.key == first else "") for c in section.columns])
    return table


def to_csv(report: Report) -> str:
    """The report as CSV: per section a title line, the header, the rows, then a ``total`` row if any,
    sections separated by an empty line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(report.title)])
    for key, value in report.subject.items():
        writer.writerow([csv_cell(key), csv_cell(value)])
    for section in report.sections:
        writer.writerow([])
        writer.writerow([csv_cell(section.title)])
        writer.writerows([csv_cell(cell) for cell in row] for row in section_table(section))
    return out.getvalue()


def to_pdf(report: Report, *, footer: str = "") -> bytes:
    """The report as a PDF a person can hand to an investor: the subject as a key/value table, each section
    as a table with its totals row (figures with thousands separators; landscape when a table is wide), the
    notes as paragraphs. Reproducible bytes (see ``reports.pdf``)."""
    from bayledger.reports.pdf import PdfReport, render_pdf
    from bayledger.reports.pdf import Section as PdfSection

    sections = [PdfSection("About", rows=list(report.subject.items()))] if report.subject else []
    for section in report.sections:
        header, *rows = section_table(section)
        figures = {i for i, c in enumerate(section.columns) if c.kind in ("money", "indicator")}
        rows = [[_grouped(cell) if i in figures else cell for i, cell in enumerate(row)] for row in rows]
        sections.append(PdfSection(section.title, table=[header, *rows], table_totals=bool(section.totals)))
    if report.notes:
        sections.append(PdfSection("Notes", paragraphs=list(report.notes)))
    wide = any(len(section.columns) > 6 for section in report.sections)
    pdf = PdfReport(
        title=report.title, sections=sections, footer=footer, subject=report.title, landscape=wide
    )
    return render_pdf(pdf)


def _grouped(cell: str) -> str:
    """Decimal text with thousands separators for people (``"300000000.00"`` → ``"300,000,000.00"``)."""
    sign, digits = ("-", cell[1:]) if cell.startswith("-") else ("", cell)
    whole, dot, frac = digits.partition(".")
    if not whole.isdigit():
        return cell
    return f"{sign}{int(whole):,}{dot}{frac}"
