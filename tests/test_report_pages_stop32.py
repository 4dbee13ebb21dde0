"""Word reports read on rendered pages (stop 32 review).

A row of a table stands as high as its tallest cell; an empty cell holds only its
paragraph mark, which must be of the table's font size for a page-sized chunk to fit.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from yieldtrial.report.model import Column, Report, Section, Table

docx = pytest.importorskip("docx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_docx_empty_table_cell_has_a_paragraph_mark_of_the_table_font() -> None:
    # the network's site table has an empty "CV flag" and "Reason" cell in most rows:
    # their marks were 10.5 pt (Normal), each row 12.1 pt instead of 10.4 pt in LibreOffice
    columns = [Column("site", "Site", kind="text"), Column("reason", "Reason", kind="text")]
    rows = [{"site": f"farm{i:02d}", "reason": ""} for i in range(3)]
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
    assert cell.number_format.startswith("[>=1000]#,##0.0;")


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
