"""Word reports read on rendered pages (stop 32 review).

A row of a table stands as high as its tallest cell; an empty cell holds only its
paragraph mark, which must be of the table's font size for a page-sized chunk to fit.
"""

from __future__ import annotations

import io

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
