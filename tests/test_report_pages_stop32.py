"""Word reports read on rendered pages (stop 32 review).

A row of a table stands as high as its tallest cell; an empty cell holds only its
paragraph mark, which must be of the table's font size for a page-sized chunk to fit.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from docx_pages import W, body_elements, breaks_page, docx_writer, element_text, means_table
from yieldtrial.report.model import Column, Report, Section, Table

docx = pytest.importorskip("docx")


def test_docx_empty_table_cell_has_a_paragraph_mark_of_the_table_font() -> None:
    # the network's site table has an empty "CV flag" and "Reason" cell in most rows:
    # their marks were 10.5 pt (Normal), each row 12.1 pt instead of 10.4 pt in LibreOffice
    columns = [Column("site", "Site", kind="text"), Column("reason", "Reason", kind="text")]
    rows = [{"site": f"farm{i:02d}", "reason": ""} for i in range(3)]
    rows[2]["reason"] = "no yield of CK2"  # a column empty in every row is left out (stop 33)
    report = Report("T", "en", [Section("s", "S", [Table("sites", columns, rows)])])
    document = docx.Document(io.BytesIO(report.to_docx()))
    table = document.element.body.find(f"{W}tbl")
    body_row = table.findall(f"{W}tr")[1]
    empty = [p for p in body_row.iter(f"{W}p") if p.find(f"{W}r") is None]
    assert len(empty) == 1
    size = empty[0].find(f"{W}pPr/{W}rPr/{W}sz")
    assert size is not None and size.get(f"{W}val") == "18"  # 9 pt (TABLE_PT), in half-points


# ---------------------------------------------------------------- Excel: grouped numbers
openpyxl = pytest.importorskip("openpyxl")


def _yield_sheet() -> Any:
    columns = [Column("plot", "Plot", kind="text"), Column("y", "Yield", digits=1)]
    rows = [{"plot": "101", "y": 9793.1}, {"plot": "102", "y": 10227.7}]
    table = Table("plots", columns, rows, caption="Plot yields")
    report = Report("T", "en", [Section("s", "Plot yields", [table])])
    from yieldtrial.report.render_xlsx import render_xlsx

    return openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))["Plot yields"]


def test_xlsx_number_column_is_wide_enough_for_its_grouped_values() -> None:
    # "10,227.7" has 8 characters; Excel's width unit is a digit's width, and a number
    # wider than its column prints as "###" (the column was 6.9 wide)
    assert _yield_sheet().column_dimensions["B"].width >= len("10,227.7") + 1


def test_xlsx_groups_the_thousands_of_a_table_as_its_text_does() -> None:
    # one value from 10,000 on: Excel groups every value from 1,000 on, as the HTML,
    # Markdown and Word tables do ("9,793.1" over "10,227.7", not "9793.1")
    sheet = _yield_sheet()
    cell = next(c for c in sheet["B"] if c.value == 9793.1)
    assert cell.number_format == "#,##0.0"  # "[>=1000]#,##0.0;..." until stop 37


def test_xlsx_note_under_a_table_wraps_on_the_tables_width() -> None:
    # a 250-character note in one cell ran on to the right of the table, and the sheet,
    # fitted to the page's width, printed at a third of its size (the network's site table)
    from yieldtrial.report.render_xlsx import render_xlsx

    columns = [Column("site", "Site", kind="text"), Column("y", "Yield", digits=1)]
    note = "Missing plots: " + "the plots the design expects at the site that have no yield " * 4
    table = Table("sites", columns, [{"site": "farm01", "y": 360.2}], caption="Sites", notes=[note])
    report = Report("T", "en", [Section("s", "Sites", [table])])
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))["Sites"]
    row = next(c.row for c in sheet["A"] if c.value == note)
    assert f"A{row}:B{row}" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.cell(row, 1).alignment.wrap_text
    assert sheet.row_dimensions[row].height > 15.0  # more than one line


# ---------------------------------------------------------------- second pass: page layout
def test_docx_long_table_starts_where_it_is_when_a_few_rows_fit() -> None:
    # the network's "Sites" table started a new page after 6 rows of site means on an
    # otherwise empty page: half a page is room enough for its first rows
    writer = docx_writer()
    writer.y_mm = writer.text_height_mm() / 2
    block = means_table()
    writer.table(block, writer.plan(block))
    body = body_elements(writer)
    caption = next(e for e in body if element_text(e).startswith("Table 1. Means"))
    assert not breaks_page(caption)
    first = body[body.index(caption) + 1]
    from yieldtrial.report.render_docx import FIRST_ROWS

    assert len(first.findall(f"{W}tr")) - 1 >= FIRST_ROWS
    continued = [e for e in body if element_text(e).startswith("Table 1 (continued).")]
    assert continued and all(breaks_page(e) for e in continued)


def test_docx_long_table_at_a_page_foot_starts_the_next_page() -> None:
    # fewer than FIRST_ROWS rows fit: no caption alone with a row or two at the page foot
    writer = docx_writer()
    writer.y_mm = writer.text_height_mm() - 20
    block = means_table()
    writer.table(block, writer.plan(block))
    caption = next(e for e in body_elements(writer) if element_text(e).startswith("Table 1. Means"))
    assert breaks_page(caption)


def test_docx_break_before_a_long_table_goes_before_its_heading_and_paragraph() -> None:
    # the network's "Treatments across sites" heading and its paragraph stayed on page 1,
    # the table started page 2: heading, paragraph and first rows now start a page together
    writer = docx_writer()
    writer.y_mm = writer.text_height_mm() - 25
    writer.heading("Treatments across sites", 1)
    writer.paragraph("One row per treatment.")
    block = means_table()
    writer.table(block, writer.plan(block))
    body = body_elements(writer)
    at = next(i for i, e in enumerate(body) if element_text(e) == "Treatments across sites")
    heading, intro, caption = body[at : at + 3]
    assert breaks_page(heading)
    assert intro.find(f"{W}pPr/{W}keepNext") is not None and not breaks_page(intro)
    assert element_text(caption).startswith("Table 1. Means") and not breaks_page(caption)


def test_docx_column_parts_on_one_page_share_one_caption() -> None:
    # a means table split into two column parts on one page labelled its second part
    # "Table 4 (continued).": parts on one page stand under the one caption, kept together
    columns = [Column("entry", "Entry", kind="text")] + [
        Column(f"s{i}", f"Site number {i} yield", digits=1) for i in range(30)
    ]
    rows = [{"entry": f"E{r}", **{f"s{i}": 100.0 + i for i in range(30)}} for r in range(5)]
    block = Table("wide", columns, rows, caption="Wide")
    writer = docx_writer()
    plan = writer.plan(block)
    assert len(plan.parts) > 1
    writer.table(block, plan)
    body = body_elements(writer)
    texts = [element_text(e) for e in body]
    assert sum(text.startswith("Table") for text in texts) == 1
    assert not any("continued" in text for text in texts)
    tables = [e for e in body if e.tag == f"{W}tbl"]
    assert len(tables) == len(plan.parts)
    for table in tables[:-1]:  # each part's last row keeps with the next part
        last = table.findall(f"{W}tr")[-1]
        assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in last.iter(f"{W}p"))


@pytest.mark.parametrize(
    ("lang", "caption", "expected"),
    [
        ("en", "Named contrasts (trial.toml), each a planned comparison", "comparison."),
        ("en", "Fertilization schedule\u00a0\u2020", "\u2020."),
        ("en", "Plot yields.", "yields."),
        ("zh", "施肥方案\u00a0\u2020", "\u2020。"),
        ("zh", "小区产量。", "产量。"),
    ],
)
def test_every_caption_ends_in_one_full_stop(lang: str, caption: str, expected: str) -> None:
    columns = [Column("plot", "Plot", kind="text")]
    table = Table("t", columns, [{"plot": "101"}], caption=caption)
    report = Report("T", lang, [Section("s", "S", [table])])
    document = docx.Document(io.BytesIO(report.to_docx()))
    word = next(p.text for p in document.paragraphs if caption.rstrip("。.") in p.text)
    assert word.endswith(expected) and not word.endswith(("..", "。。"))
    assert report.to_markdown().count(expected) == 1
    assert expected in report.to_html().replace("&#8224;", "\u2020")


def test_xlsx_wrapped_header_row_is_as_high_as_its_lines() -> None:
    # LibreOffice printed a wrapped header cell one line high: its text was cut
    from yieldtrial.report.render_xlsx import render_xlsx

    label = "Difference from the check entry, least-squares mean"
    columns = [Column("plot", "Plot", kind="text"), Column("d", label, digits=1)]
    table = Table("t", columns, [{"plot": "101", "d": 1.5}], caption="Differences")
    report = Report("T", "en", [Section("s", "Differences", [table])])
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))["Differences"]
    row = next(c.row for c in sheet["B"] if c.value == label)
    width = sheet.column_dimensions["B"].width
    assert width < len(label)  # the label wraps in its column
    assert sheet.row_dimensions[row].height >= 2 * 15.0
