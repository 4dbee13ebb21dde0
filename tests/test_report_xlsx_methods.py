"""The Excel report has a methods sheet: the methods text, data-quality notes and warnings.

A reader of the workbook alone saw the tables but not the design, model, error term, df,
test, alpha, adjustment or moisture method that the HTML, DOCX and Markdown reports print.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import pytest

from fieldbook_data import with_harvest

openpyxl = pytest.importorskip("openpyxl")

from shipped import example_report  # noqa: E402
from yieldtrial import design  # noqa: E402
from yieldtrial.report._widths import glue_values  # noqa: E402
from yieldtrial.report.files import report_from_files  # noqa: E402
from yieldtrial.report.i18n import t  # noqa: E402
from yieldtrial.report.model import Bullets, Paragraph, Report, Section  # noqa: E402
from yieldtrial.report.render_xlsx import METHODS_WIDTH  # noqa: E402


def _rcbd(lang: str) -> Report:
    return example_report(report_date="2024-06-01", figures=False, lang=lang)


def _split_plot(tmp_path: Path, lang: str) -> Report:
    """Report of a complete 2 x 3 split plot in 3 blocks (the generated field book)."""
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book = with_harvest(book)
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\n'
        'factors = ["main", "sub"]\ncontrol = "N0"\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(
        tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False, lang=lang
    )
    return report


def _methods_sheet(report: Report) -> Any:
    workbook = openpyxl.load_workbook(io.BytesIO(report.render("xlsx")))
    return workbook[t("section.methods", report.lang)]


def _texts(sheet: Any) -> list[str]:
    return [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def _html_text(report: Report) -> str:
    """Return the HTML report's text without tags (its nowrap spans split no sentence)."""
    return html.unescape(re.sub(r"<[^>]+>", "", report.to_html()))


def _sentences(report: Report, key: str) -> list[str]:
    """Return the paragraphs and list items of section ``key`` (the model all renderers share)."""
    out: list[str] = []
    for block in report.section(key).blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Bullets):
            out += block.items
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rcbd_methods_sheet_holds_the_methods_the_html_prints(lang: str) -> None:
    report = _rcbd(lang)
    texts = _texts(_methods_sheet(report))
    shown = _html_text(report)
    methods = _sentences(report, "methods")
    assert len(methods) >= 4  # moisture, yield, design, statistics (from build_report)
    for sentence in methods:
        # the HTML prints it (a number glued to its unit, "13\u00a0%": stop 39) ...
        assert glue_values(sentence) in shown
        assert sentence in texts  # ... and so does the workbook
    assert texts[0] == t("section.methods", lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rcbd_methods_sheet_holds_the_quality_notes_and_warnings(lang: str) -> None:
    report = _rcbd(lang)
    texts = _texts(_methods_sheet(report))
    assert t("section.quality", lang) in texts
    quality = report.section("quality")
    warnings = [b.text for b in quality.blocks if isinstance(b, Paragraph) and b.style == "warning"]
    assert warnings  # the example's data are synthetic: the report warns so
    for sentence in warnings:
        assert sentence in texts
    for sentence in _sentences(report, "quality"):  # paragraphs as they are, items with a •
        assert sentence in texts or f"• {sentence}" in texts


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_split_plot_methods_sheet_names_the_whole_plot_error(tmp_path: Path, lang: str) -> None:
    report = _split_plot(tmp_path, lang)
    texts = _texts(_methods_sheet(report))
    shown = _html_text(report)
    for sentence in _sentences(report, "methods"):
        assert glue_values(sentence) in shown and sentence in texts
    # the split plot's model formula with its whole-plot error stratum, as the HTML says it
    stratum = {"en": "Error(block/main)", "zh": "误差(区组/主区因素)"}[lang]
    assert stratum in shown
    assert any(stratum in text for text in texts)


def test_methods_sheet_follows_the_header_sheets() -> None:
    report = _rcbd("en")
    names = openpyxl.load_workbook(io.BytesIO(report.render("xlsx"))).sheetnames
    assert names.index("Methods") < names.index("Analysis of variance")
    assert names[0].startswith("Trial and provenance")


def test_methods_sheet_text_is_wrapped_in_a_wide_column() -> None:
    sheet = _methods_sheet(_rcbd("zh"))
    assert sheet.column_dimensions["A"].width == METHODS_WIDTH
    long_row = next(
        row for row in sheet.iter_rows() if isinstance(row[0].value, str) and len(row[0].value) > 80
    )
    assert long_row[0].alignment.wrap_text
    # 80+ Chinese characters need 3 lines of about 40 in the 80-character column
    assert sheet.row_dimensions[long_row[0].row].height >= 3 * 15


def test_formula_like_methods_text_stays_text() -> None:
    """An injected ``=cmd|...`` title or sentence is written as text (OWASP apostrophe)."""
    attack = "=cmd|' /C calc'!A0"
    report = Report(
        attack,
        "en",
        [Section("methods", attack, [Paragraph(attack), Bullets(["@SUM(A1)"])])],
        {"report_date": "2024-06-01"},
    )
    workbook = openpyxl.load_workbook(io.BytesIO(report.render("xlsx")))
    sheet = workbook.worksheets[0]
    texts = _texts(sheet)
    assert texts == ["'" + attack, "'" + attack, "• @SUM(A1)"]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value)
