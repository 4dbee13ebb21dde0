"""Word reports read on rendered pages (stop 33).

A table that fits a page but not the rest of the current one moved whole to the next page
(its rows ``keepNext``), leaving up to half a page empty before it: the network report's
page 1 held only its facts, an augmented trial's analysis page half its height.  A table of
more than ``KEEP_ROWS`` rows now starts where it is and goes on under "(continued)".
"""

from __future__ import annotations

from typing import Any

import pytest

from docx_pages import W, body_elements, breaks_page, docx_writer, element_text, means_table
from yieldtrial.report.model import Column, Report, Section, Table

docx = pytest.importorskip("docx")


def _body_rows(table: Any) -> int:
    return len(table.findall(f"{W}tr")) - 1  # one header row


def _write(rows: int, free_mm: float) -> tuple[Any, Table]:
    writer = docx_writer()
    writer.y_mm = writer.text_height_mm() - free_mm
    block = means_table(rows)
    writer.table(block, writer.plan(block))
    return writer, block


def test_docx_long_table_that_fits_a_page_starts_where_it_is() -> None:
    # 40 rows (about 170 mm) fit a page; 100 mm are left on this one
    from yieldtrial.report.render_docx import FIRST_ROWS

    writer, block = _write(40, 100.0)
    body = body_elements(writer)
    caption = next(e for e in body if element_text(e).startswith("Table 1. Means"))
    assert not breaks_page(caption)
    tables = [e for e in body if e.tag == f"{W}tbl"]
    assert len(tables) == 2
    assert _body_rows(tables[0]) >= FIRST_ROWS
    assert _body_rows(tables[0]) + _body_rows(tables[1]) == len(block.rows)
    continued = [e for e in body if element_text(e).startswith("Table 1 (continued).")]
    assert len(continued) == 1 and breaks_page(continued[0])


def test_docx_short_table_that_does_not_fit_here_moves_whole() -> None:
    # KEEP_ROWS rows (about 70 mm) and 40 mm left: the table goes on the next page whole
    from yieldtrial.report.render_docx import KEEP_ROWS

    writer, _ = _write(KEEP_ROWS, 40.0)
    body = body_elements(writer)
    tables = [e for e in body if e.tag == f"{W}tbl"]
    assert len(tables) == 1 and _body_rows(tables[0]) == KEEP_ROWS
    assert not any("continued" in element_text(e) for e in body)


def test_docx_split_table_continues_with_at_least_first_rows() -> None:
    # 20 rows with room for about 18 here: the split leaves FIRST_ROWS rows to go on,
    # never a row or two alone under "(continued)"
    from yieldtrial.report.render_docx import FIRST_ROWS

    writer = docx_writer()
    block = means_table(20)
    cells = block.formatted(writer.report.number_style)
    widths = writer.plan(block).widths_mm[0]
    header, heights = writer.row_heights(block, cells, [0, 1], widths, 9.0)
    free = writer.caption_mm("Table 1. Means.") + header + sum(heights[:18]) + 6.0
    writer.y_mm = writer.text_height_mm() - free
    writer.table(block, writer.plan(block))
    tables = [e for e in body_elements(writer) if e.tag == f"{W}tbl"]
    assert len(tables) == 2
    assert _body_rows(tables[1]) == FIRST_ROWS


def test_docx_page_position_counts_a_line_of_prose_as_one_line() -> None:
    # LibreOffice set this sentence (augmented report, methods) on one line of 170 mm; the
    # table column width estimates counted two, and a page of prose ran 30 mm ahead
    writer = docx_writer()
    text = (
        "Design: augmented RCBD (checks in every block, entries unreplicated); "
        "42 treatments, 48 harvested plots."
    )
    one_line = writer.text_mm("x", 10.5)
    assert writer.text_mm(text, 10.5) == pytest.approx(one_line)


def test_docx_page_position_of_a_list_has_no_space_between_items() -> None:
    # List Bullet sets its items without space between them (contextual spacing)
    writer = docx_writer()
    writer.bullets(["one", "two", "three"])
    line = writer.text_mm("one", 10.5, width_mm=writer.text_width_mm() - 10)
    assert writer.y_mm == pytest.approx(3 * line + 4 * 0.352778, abs=0.01)


# ------------------------------------------------- a list's lead-in stays with the list
def _warnings_report() -> Report:
    from yieldtrial.report.model import Bullets, Paragraph

    blocks = [
        Paragraph("Plots expected / observed: 48 / 46."),
        Paragraph("Warnings:", "warning"),
        Bullets(["Not checked: the whole plots."], "warning"),
    ]
    return Report("T", "en", [Section("quality", "Data quality", blocks)])


def test_docx_paragraph_before_a_list_keeps_with_it() -> None:
    # "警告：" stood alone at the foot of the split-plot report's page 2 (zh), its
    # warning on page 3
    import io

    from yieldtrial.report.render_docx import render_docx

    document = docx.Document(io.BytesIO(render_docx(_warnings_report())))
    keeps = {p.text: p.paragraph_format.keep_with_next for p in document.paragraphs}
    assert keeps["Warnings:"] is True
    assert not keeps["Plots expected / observed: 48 / 46."]


def test_html_print_keeps_a_paragraph_with_the_list_after_it() -> None:
    from yieldtrial.report.render_html import render_html

    html = render_html(_warnings_report())
    assert "p:has(+ ul) { break-after: avoid; }" in html


# ------------------------------------------------------------ a figure fits where it is
def _tall_figure() -> Any:
    from yieldtrial.report.model import Figure

    def draw() -> Any:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(4.0, 5.4))  # a field layout of 4 rows x 3 columns
        ax.plot([0, 1], [0, 1])
        return ax

    return Figure("field_layout", "Field layout", draw)


def _picture_mm(writer: Any) -> tuple[float, float]:
    extent = writer.document.inline_shapes[0]
    return extent.width.mm, extent.height.mm


def test_docx_figure_a_little_too_tall_for_the_rest_of_the_page_is_set_smaller() -> None:
    # the rcbd demo's field layout (180 mm high) went on page 3 and left 70 % of page 2
    # empty; at three quarters of its size it fits under the table before it
    pytest.importorskip("matplotlib")
    writer = docx_writer()
    full = docx_writer()
    full.figure(_tall_figure())
    width, height = _picture_mm(full)
    writer.y_mm = before = writer.text_height_mm() - 0.75 * height - 30.0
    writer.figure(_tall_figure())
    small_width, small_height = _picture_mm(writer)
    assert 0.6 * height <= small_height < height
    assert before + small_height + 10.0 <= writer.text_height_mm()  # with its caption


def test_docx_figure_far_too_tall_for_the_rest_of_the_page_keeps_its_size() -> None:
    pytest.importorskip("matplotlib")
    writer = docx_writer()
    full = docx_writer()
    full.figure(_tall_figure())
    writer.y_mm = writer.text_height_mm() - 0.4 * _picture_mm(full)[1]
    writer.figure(_tall_figure())
    assert _picture_mm(writer) == pytest.approx(_picture_mm(full))


def test_docx_narrow_figure_is_not_blown_up_past_its_drawn_size() -> None:
    # the rcbd demo's field layout, drawn 83 mm wide, was set 149 mm wide and 200 mm high
    pytest.importorskip("matplotlib")
    from yieldtrial.report.model import Figure

    def draw() -> Any:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(83 / 25.4, 112 / 25.4))
        ax.plot([0, 1], [0, 1])
        return ax

    writer = docx_writer()
    writer.figure(Figure("field_layout", "Field layout", draw))
    assert _picture_mm(writer)[0] <= 1.1 * 83 + 0.5


def test_docx_note_mark_never_starts_a_line() -> None:
    # the zh expert panel's narrow name column broke "专家甲 †" as "专家甲" / "†"
    import io

    from yieldtrial.report.render_docx import render_docx

    columns = [Column("name", "姓名", kind="text"), Column("unit", "单位", kind="text")]
    table = Table("panel", columns, [{"name": "专家甲 †", "unit": "示例省农业科学院 †"}])
    report = Report("T", "zh", [Section("panel", "验收专家组", [table])])
    document = docx.Document(io.BytesIO(render_docx(report)))
    cells = [c.text for c in document.tables[0].rows[1].cells]
    assert cells == ["专家甲\u00a0†", "示例省农业科学院\u00a0†"]


# --------------------------------------------------------------------- Excel headers
def test_xlsx_zh_header_unit_is_never_broken_inside_its_brackets() -> None:
    # LibreOffice printed "1（kg/亩" / "）" in the split plot's zh block sheet: the column
    # was 6 digits wide, as wide as its numbers; a closing bracket never starts a line
    import io

    openpyxl = pytest.importorskip("openpyxl")
    from yieldtrial.report._widths import text_em
    from yieldtrial.report.render_xlsx import render_xlsx

    columns = [
        Column("treatment", "处理", kind="text"),
        Column("b1", "1", unit="kg/mu", digits=2),
    ]
    table = Table("blocks", columns, [{"treatment": "N0:V1", "b1": 513.68}], caption="区组")
    report = Report("T", "zh", [Section("s", "区组产量", [table])])
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))["区组产量"]
    unit = "（kg/亩）"
    assert any(c.value == "1" + unit for c in sheet["B"])
    assert sheet.column_dimensions["B"].width >= text_em(unit, bold=True) * 2 + 2


# ------------------------------------------------------------- long notes under a table
def _noted_table(notes: int) -> Table:
    columns = [Column("t", "Treatment", kind="text"), Column("y", "Yield", digits=1)]
    note = "PFP is the yield per unit of nutrient applied; " * 4
    rows = [{"t": "CK1", "y": 476.1}, {"t": "T", "y": 482.6}]
    return Table("efficiency", columns, rows, caption="Efficiency", notes=[note] * notes)


def _note_keeps(writer: Any) -> list[bool]:
    notes = [e for e in body_elements(writer) if element_text(e).startswith("PFP is")]
    return [e.find(f"{W}pPr/{W}keepNext") is not None for e in notes]


def test_docx_long_notes_keep_only_their_first_with_the_table() -> None:
    # the jinzhong demo's fertilizer efficiency table (3 rows, 25 lines of notes) moved
    # whole to the next page with its notes and left 40 % of page 3 empty
    from yieldtrial.report.render_docx import HELD_NOTES

    writer = docx_writer()
    block = _noted_table(12)
    writer.table(block, writer.plan(block))
    keeps = _note_keeps(writer)
    assert keeps[: HELD_NOTES - 1] == [True] * (HELD_NOTES - 1)
    assert not any(keeps[HELD_NOTES - 1 :])


def test_docx_short_notes_stay_together_with_the_table() -> None:
    writer = docx_writer()
    block = _noted_table(3)
    writer.table(block, writer.plan(block))
    assert _note_keeps(writer) == [True, True, False]


def test_docx_page_position_moves_a_lists_lead_in_with_its_first_item() -> None:
    # "警告：" keeps with its first warning: when both do not fit the rest of the page,
    # LibreOffice moves it to the next page, and the page position follows
    writer = docx_writer()
    writer.y_mm = writer.text_height_mm() - 8.0
    writer.paragraph("Warnings:", keep_next=True, with_next_mm=10.0)
    assert writer.y_mm == pytest.approx(writer.text_mm("Warnings:", 10.5) + 4 * 0.352778)


def test_docx_page_position_counts_chinese_lines_as_libreoffice_sets_them() -> None:
    # LibreOffice set 10.5 pt Chinese lines 18.1 pt apart (Noto CJK for SimSun); at 17.0
    # a page of text ran 12 mm behind and a long table's first chunk did not fit
    writer = docx_writer()
    assert writer.text_mm("试验设计：裂区设计。", 10.5) >= 18.1 * 0.352778
