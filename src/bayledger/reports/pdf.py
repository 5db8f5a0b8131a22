"""A small shared PDF helper on ReportLab: a titled, sectioned A4 document of key/value tables and
paragraphs, with Chinese text supported and byte-for-byte reproducible output.

Chinese (and any non-Latin-1) text is set in Adobe's ``STSong-Light`` CID font, which PDF readers supply
(nothing is embedded, so the file stays small and needs no font on the producing machine); other text is
set in Helvetica. ``invariant`` output means the same content always gives the same bytes (no creation
time or random document id), so a PDF's hash can be anchored on chain.

>>> pdf = render_pdf(PdfReport(title="Impact report", sections=[Section("Bond", rows=[("ISIN", "HK0000…")])]))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

LATIN_FONT = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
CJK_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


@dataclass(frozen=True)
class Section:
    """A heading followed by key/value ``rows``, a multi-column ``table`` (its first row is the header, a
    last row is bold when ``table_totals``) and then ``paragraphs``."""

    heading: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    table_totals: bool = False


@dataclass(frozen=True)
class PdfReport:
    """What a report shows: title, optional subtitle, sections, a footer and an optional QR payload."""

    title: str
    sections: list[Section]
    subtitle: str = ""
    footer: str = ""
    qr_payload: str = ""
    author: str = "bayledger"
    subject: str = ""
    landscape: bool = False  # A4 landscape, for wide tables


def needs_cjk_font(text: str) -> bool:
    """True when ``text`` has a character Helvetica (Latin-1) cannot show."""
    return any(ord(char) > 0xFF for char in text)


def _style(name: str, size: float, bold: bool, text: str, leading: float | None = None) -> ParagraphStyle:
    font = CJK_FONT if needs_cjk_font(text) else (LATIN_BOLD if bold else LATIN_FONT)
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.3)


def _para(text: str, size: float = 9.5, bold: bool = False) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), _style("cell", size, bold, text))


def _qr(payload: str, size: float = 32 * mm) -> Drawing:
    widget = QrCodeWidget(payload)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _table(rows: list[tuple[str, str]], width: float) -> Table:
    data = [[_para(key, bold=True), _para(value)] for key, value in rows]
    table = Table(data, colWidths=[width * 0.32, width * 0.68])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f6f3")),
            ]
        )
    )
    return table


def _grid(rows: list[list[str]], width: float, totals: bool) -> Table:
    """A multi-column table: bold header repeated on every page, figures right-aligned."""
    columns = max(len(row) for row in rows)
    data = [
        [_para(cell, 7.5, bold=(r == 0 or (totals and r == len(rows) - 1))) for cell in row]
        for r, row in enumerate(rows)
    ]
    # each column as wide as its longest cell (header words may wrap), within sensible bounds
    longest = [
        max([len(row[c]) for row in rows[1:] if c < len(row)] + [max(map(len, rows[0][c].split() or [""]))])
        for c in range(columns)
    ]
    weights = [min(max(n, 5), 42) + 2 for n in longest]  # + padding: cells are set in a proportional font
    table = Table(data, colWidths=[width * w / sum(weights) for w in weights], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfeee4")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    return table


def render_pdf(report: PdfReport) -> bytes:
    """The report as PDF bytes (A4, reproducible: the same report always gives the same bytes)."""
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4) if report.landscape else A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=report.title,
        author=report.author,
        subject=report.subject,
        creator="bayledger",
        invariant=1,
    )
    width = doc.width
    story: list[Flowable] = [_para(report.title, 18, bold=True), Spacer(1, 2 * mm)]
    if report.subtitle:
        story += [_para(report.subtitle, 11), Spacer(1, 3 * mm)]
    if report.qr_payload:
        story += [_qr(report.qr_payload), Spacer(1, 3 * mm)]
    for section in report.sections:
        story += [_para(section.heading, 12, bold=True), Spacer(1, 1.5 * mm)]
        if section.rows:
            story.append(_table(section.rows, width))
        if section.table:
            story.append(_grid(section.table, width, section.table_totals))
        story += [_para(text) for text in section.paragraphs]
        story.append(Spacer(1, 4 * mm))
    if report.footer:
        story.append(_para(report.footer, 7.5))
    doc.build(story)
    return out.getvalue()
