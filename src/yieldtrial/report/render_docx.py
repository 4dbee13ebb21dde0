"""Word renderer (python-docx, from the ``docx`` extra); figures as PNG."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from yieldtrial.errors import MissingExtraError
from yieldtrial.report.model import Bullets, Figure, KeyValues, Paragraph, Table

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.report.model import Report

__all__ = ["render_docx"]


def _import_docx() -> Any:
    try:
        import docx
    except ImportError:
        raise MissingExtraError("python-docx", "docx", "the Word (.docx) report") from None
    return docx


def render_docx(report: Report) -> bytes:
    """Render ``report`` as a .docx document.

    Parameters
    ----------
    report : Report
        The report model.

    Returns
    -------
    bytes
        The document.

    Raises
    ------
    MissingExtraError
        If python-docx is not installed (``pip install 'yieldtrial[docx]'``).
    """
    docx = _import_docx()
    from docx.enum.section import WD_ORIENT  # noqa: F401 - checks the package is complete
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from yieldtrial.report.i18n import t

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin = section.bottom_margin = Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), "SimSun")
    document.core_properties.title = report.title
    document.core_properties.author = "yieldtrial"
    document.add_heading(report.title, level=0)
    figure_no = 0
    for part in report.sections:
        document.add_heading(part.title, level=1)
        for block in part.blocks:
            if isinstance(block, Paragraph):
                paragraph = document.add_paragraph()
                run = paragraph.add_run(block.text)
                run.bold = block.style == "claim"
                run.italic = block.style in ("note", "warning")
            elif isinstance(block, Bullets):
                for item in block.items:
                    document.add_paragraph(item, style="List Bullet")
            elif isinstance(block, KeyValues):
                table = document.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                for key, value in block.items:
                    cells = table.add_row().cells
                    cells[0].text, cells[1].text = key, value
            elif isinstance(block, Table):
                if block.caption:
                    document.add_paragraph().add_run(block.caption).italic = True
                table = document.add_table(rows=1, cols=len(block.columns))
                table.style = "Table Grid"
                for cell, col in zip(table.rows[0].cells, block.columns, strict=True):
                    cell.text = col.label
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
                for row in block.formatted(report.number_style):
                    for cell, text in zip(table.add_row().cells, row, strict=True):
                        cell.text = text
                for label, value in block.footer:
                    document.add_paragraph(f"{label}: {value}")
                for note in block.notes:
                    document.add_paragraph().add_run(note).italic = True
            elif isinstance(block, Figure):
                figure_no += 1
                document.add_picture(io.BytesIO(block.png(dpi=150)), width=Mm(150))
                label = f"Figure {figure_no}. " if report.lang == "en" else f"图 {figure_no}　"
                document.add_paragraph().add_run(label + block.caption).italic = True
    meta = report.metadata
    document.add_paragraph(
        t(
            "footer.generated",
            report.lang,
            version=meta.get("yieldtrial_version", ""),
            date=meta.get("report_date", ""),
        )
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
