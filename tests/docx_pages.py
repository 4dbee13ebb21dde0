"""Helpers of the Word page-layout tests (``test_report_pages_stop32.py`` and ``_stop33.py``).

A DOCX writer on an empty report, a long two-column table, and the body's paragraphs and
tables read back from the document's XML.
"""

from __future__ import annotations

from typing import Any

from yieldtrial.report.model import Column, Report, Section, Table

#: The WordprocessingML namespace, as lxml spells a tag (``f"{W}p"``).
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def means_table(rows: int = 200, *, caption: str = "Means") -> Table:
    """Return a table ``means`` of ``rows`` rows: plot ``P000``, ``P001``, ... and its yield."""
    columns = [Column("plot", "Plot", kind="text"), Column("y", "Yield", digits=1)]
    body = [{"plot": f"P{i:03d}", "y": float(i)} for i in range(rows)]
    return Table("means", columns, body, caption=caption)


def docx_writer(lang: str = "en") -> Any:
    """Return the Word renderer's writer on an empty report in ``lang``."""
    from yieldtrial.report.render_docx import _Writer

    return _Writer(Report("T", lang, [Section("s", "S", [])]))


def body_elements(writer: Any) -> list[Any]:
    """Return the paragraphs and tables of the document's body, in order."""
    return [e for e in writer.document.element.body if e.tag in (f"{W}p", f"{W}tbl")]


def element_text(element: Any) -> str:
    """Return the text of a paragraph or table element."""
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def breaks_page(element: Any) -> bool:
    """Return whether the paragraph starts a new page (``pageBreakBefore``)."""
    return element.find(f"{W}pPr/{W}pageBreakBefore") is not None
