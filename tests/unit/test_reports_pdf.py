"""The shared PDF helper: reproducible bytes, Chinese text in the CJK CID font, readable text."""

from __future__ import annotations

import io

from pypdf import PdfReader

from bayledger.reports.pdf import CJK_FONT, PdfReport, Section, needs_cjk_font, render_pdf


def _report(title: str = "Impact report 2025") -> PdfReport:
    rows = [("ISIN", "HK0000123456"), ("項目", "太陽能發電"), ("Avoided", "1,234.500 tCO2e")]
    return PdfReport(
        title=title,
        sections=[Section("Bond", rows=rows, paragraphs=["Verified by Green Review HK."])],
        subtitle="綠色債券影響報告",
        qr_payload="BOND-HKGB-2025-001",
    )


def test_the_same_report_gives_the_same_bytes_and_another_differs() -> None:
    first, again = render_pdf(_report()), render_pdf(_report())
    assert first == again and first.startswith(b"%PDF-") and first.rstrip().endswith(b"%%EOF")
    assert render_pdf(_report("Impact report 2026")) != first


def test_text_is_readable_and_chinese_uses_the_cid_font() -> None:
    pdf = render_pdf(_report())
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Impact report 2025" in text and "HK0000123456" in text and "1,234.500 tCO2e" in text
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert f"/{CJK_FONT}" in fonts and "/Helvetica" in fonts
    assert needs_cjk_font("港灣") and not needs_cjk_font("Café")
