"""Every file of a report prints a number alike: the Excel display's rounding (stop 37).

A mean of 13.95 (the double just below it, as the average of two-decimal data is) printed
13.9 in HTML, Markdown and Word (Python's ".1f" rounds the binary value) and 14.0 in the
Excel report (Excel rounds the stored double as its 15-digit decimal, half away from zero).
The expected text is computed as Excel shows it: ``Decimal(f"{x:.15g}")`` quantized with
``ROUND_HALF_UP`` (half away from zero), with the cell's number format's decimals.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal

import pytest

from yieldtrial.report._format import fmt_number, fmt_p, fmt_signed
from yieldtrial.report.companions import companion_frame
from yieldtrial.report.model import Column, Report, Section, Table

MEAN = (13.9 + 14.0) / 2  # 13.949999999999999289...: ".1f" gave "13.9"
PLOT_MEAN = (13.87 + 14.03) / 2  # two two-decimal plot values: the same double


def excel_shows(value: float, number_format: str) -> str:
    """Excel's display of a stored double in an ungrouped format ``0.0``/``+0.0;-0.0;0.0``."""
    decimals = number_format.split(";")[0].lstrip("+")
    digits = len(decimals.split(".")[1]) if "." in decimals else 0
    shown = Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = format(abs(shown), f".{digits}f")
    if shown < 0:
        return "-" + text
    return ("+" if number_format.startswith("+") else "") + text


def _report() -> Report:
    table = Table(
        "means",
        [
            Column("entry", "Entry", "text"),
            Column("moisture_pct", "Moisture (%)", digits=1),
            Column("diff", "Difference", "signed", 1),
        ],  # fmt: skip
        [
            {"entry": "CK1", "moisture_pct": MEAN, "diff": -MEAN},
            {"entry": "G1", "moisture_pct": PLOT_MEAN, "diff": 0.125},
        ],  # fmt: skip
    )
    return Report("T", "en", [Section("s", "S", [table])], {"report_date": "2024-06-01"})


def test_the_binary_value_is_below_the_tie() -> None:
    """The case is real: both means are the double below 13.95, which ".1f" printed 13.9."""
    assert Decimal(MEAN) < Decimal("13.95") and Decimal(PLOT_MEAN) < Decimal("13.95")
    assert f"{MEAN:.1f}" == "13.9" and f"{PLOT_MEAN:.1f}" == "13.9"


def test_html_prints_14_0() -> None:
    html = _report().to_html()
    assert re.findall(r">(-?[0-9.+]+)</td>", html) == ["14.0", "-14.0", "14.0", "+0.1"]


def test_markdown_prints_14_0() -> None:
    markdown = _report().to_markdown()
    assert "| CK1 | 14.0 | -14.0 |" in markdown and "| G1 | 14.0 | +0.1 |" in markdown


def test_docx_text_prints_14_0() -> None:
    pytest.importorskip("docx")
    with zipfile.ZipFile(io.BytesIO(_report().to_docx())) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    cells = [
        "".join(
            re.findall(
                r"<w:t(?: [^>]*)?>([^<]*)</w:t>", cell.replace("<w:noBreakHyphen/>", "<w:t>-</w:t>")
            )
        )
        for cell in re.findall(r"<w:tc>.*?</w:tc>", xml)
    ]  # fmt: skip  (the renderer writes a minus as a non-breaking hyphen)
    assert cells[3:] == ["CK1", "14.0", "-14.0", "G1", "14.0", "+0.1"]


def test_xlsx_cells_show_what_the_other_files_print() -> None:
    """The XLSX stores the doubles; its cell formats show (as Excel does) the text above."""
    openpyxl = pytest.importorskip("openpyxl")
    report = _report()
    sheet = openpyxl.load_workbook(io.BytesIO(report.render("xlsx"))).active
    printed = report.section("s").blocks[0].formatted(report.number_style)  # HTML/MD/DOCX text
    shown = []
    for row in sheet.iter_rows():
        numbers = [c for c in row if isinstance(c.value, float)]
        if numbers:
            shown.append([excel_shows(c.value, c.number_format) for c in numbers])
    assert shown == [cells[1:] for cells in printed] == [["14.0", "-14.0"], ["14.0", "+0.1"]]


def test_companion_csv_rounds_alike() -> None:
    frame = companion_frame(_report().section("s").blocks[0])
    assert frame["Moisture (%)"].tolist() == [14.0, 14.0]
    assert frame["Difference"].tolist() == [-14.0, 0.1]


def test_the_sentence_helpers_round_alike() -> None:
    assert fmt_number(MEAN, 1) == "14.0" and fmt_signed(-MEAN, 1) == "-14.0"
    assert fmt_number(0.125, 2) == "0.13" and fmt_number(40149.94, 1) == "40,149.9"
    assert fmt_p(0.0495) == "0.050"  # 0.0495 -> 15 digits 0.0495, a tie: 0.050 (".3f": 0.049)


def test_p_values_below_0_001_and_missing_values_are_unchanged() -> None:
    assert fmt_p(0.0004) == "<0.001" and fmt_p(float("nan")) == "–" and fmt_p(None) == "–"
    assert fmt_number(float("nan")) == "–" and fmt_number(None) == "None"
    assert fmt_signed(float("inf")) == "–"


def test_signed_numbers_group_as_the_numbers_beside_them() -> None:
    """Stop 41: a network table printed "+1225.8" beside the grouped "1,125.4" (HTML and Excel).

    Signed differences are grouped when the table's number style groups from 1,000; the
    Excel cell's format groups alike (Excel shows +1,225.8 for the stored 1225.8).
    """
    from yieldtrial.report.model import NumberStyle, format_value
    from yieldtrial.report.render_xlsx import _number_format

    grouped = NumberStyle(group_from=1000.0)
    diff = Column("d", "Difference", "signed", 1)
    assert format_value(1225.8, diff, grouped) == "+1,225.8"
    assert format_value(-1225.8, diff, grouped) == "-1,225.8"
    assert format_value(1225.8, diff) == "+1225.8"  # the single-trial default: ungrouped
    assert _number_format(diff, grouped) == "+#,##0.0;-#,##0.0;0.0"
    assert _number_format(diff, NumberStyle()) == "+0.0;-0.0;0.0"
