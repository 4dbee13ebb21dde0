"""Word page sections (stop 39): no near-empty portrait page before a landscape section.

A section of the report that holds a wide table is a landscape page section, and a
section break starts a new page.  The Chinese augmented report printed (LibreOffice) a
portrait page holding only its 4-row SED table, then the landscape means table.  A
landscape section now takes along the blocks of a portrait page that began with a whole
block and holds at most a third of a landscape page.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

docx = pytest.importorskip("docx")

from docx_pages import (  # noqa: E402
    W,
    body_elements,
    breaks_page,
    docx_writer,
    element_text,
    means_table,
)
from yieldtrial.cli import main  # noqa: E402

CSV = Path(__file__).parent / "data" / "r_reference_surface" / "augmented_4x5_30.csv"


def _holds_section(element: Any) -> bool:
    """Return whether a paragraph ends a page section (its ``w:pPr/w:sectPr``)."""
    return element.tag == f"{W}p" and element.find(f"{W}pPr/{W}sectPr") is not None


def _fill_and_move_short_table(writer: Any) -> None:
    """Fill the portrait page nearly, then add a 4-row table that moves to the next page."""
    writer.y_mm = writer.text_height_mm() - 10.0
    block = means_table(4, caption="SED")
    writer.table(block, writer.plan(block))


def test_a_landscape_section_takes_along_a_short_table_alone_on_a_portrait_page() -> None:
    """The portrait section ends before the moved table's caption, not after the table."""
    writer = docx_writer("en")
    writer.paragraph("Before.")
    _fill_and_move_short_table(writer)
    writer.orient(True)
    blocks = body_elements(writer)
    caption = next(i for i, e in enumerate(blocks) if element_text(e).startswith("Table 1"))
    assert _holds_section(blocks[caption - 1])
    assert not any(_holds_section(e) for e in blocks[caption:])
    assert writer.section_start == caption


def test_a_carried_table_starts_the_landscape_page_without_a_page_break_of_its_own() -> None:
    """The section break starts the page: no ``pageBreakBefore`` on the carried caption."""
    writer = docx_writer("en")
    writer.paragraph("Before.")
    writer.y_mm = writer.text_height_mm() - 10.0
    writer.paragraph("Moved.", page_break=True)
    writer.orient(True)
    blocks = body_elements(writer)
    moved = next(e for e in blocks if element_text(e) == "Moved.")
    assert not breaks_page(moved)
    assert _holds_section(blocks[blocks.index(moved) - 1])


def test_the_carried_blocks_keep_their_height_on_the_landscape_page() -> None:
    """The page position goes on under the carried table (it is not reset to the top)."""
    writer = docx_writer("en")
    _fill_and_move_short_table(writer)
    height = writer.y_mm
    writer.orient(True)
    assert writer.landscape and 0.0 < height == writer.y_mm


def test_a_portrait_page_fuller_than_a_third_of_a_landscape_page_stays_portrait() -> None:
    """Content over a third of a landscape page (170 mm / 3) stays in the portrait flow."""
    writer = docx_writer("en")
    _fill_and_move_short_table(writer)
    writer.y_mm = 60.0  # as if more followed the table on its page
    writer.orient(True)
    blocks = body_elements(writer)
    assert _holds_section(blocks[-1]) and writer.y_mm == 0.0


def test_a_page_begun_inside_running_text_stays_portrait() -> None:
    """A page that began mid-paragraph has no whole first block to carry along."""
    writer = docx_writer("en")
    writer.y_mm = writer.text_height_mm() - 2.0
    writer.paragraph("A paragraph that runs over the page foot. " * 8)
    assert writer.page_start is None
    writer.orient(True)
    assert _holds_section(body_elements(writer)[-1])


def test_a_portrait_section_after_a_landscape_one_takes_nothing_along() -> None:
    """Only a landscape section carries blocks (a portrait page does not hold wide ones)."""
    writer = docx_writer("en")
    writer.orient(True)
    _fill_and_move_short_table(writer)
    writer.orient(False)
    assert _holds_section(body_elements(writer)[-1]) and writer.y_mm == 0.0


def _augmented_zh_docx(tmp_path: Path) -> bytes:
    out = tmp_path / "r.docx"
    argv = ["report", str(CSV), "--crop", "wheat", "--control", "CK1", "--design", "augmented",
            "--lang", "zh", "-o", str(out)]  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(argv) == 0
    return out.read_bytes()


def test_the_augmented_sed_table_opens_the_landscape_section(tmp_path: Path) -> None:
    """Chinese augmented report: the SED table (表 5) begins the landscape section.

    LibreOffice printed it alone on page 5 of 10 (portrait), the means table on page 6
    (landscape); now SED and means share page 5 of 9.
    """
    data = _augmented_zh_docx(tmp_path)
    body = docx.Document(io.BytesIO(data)).element.body
    blocks = [e for e in body if e.tag in (f"{W}p", f"{W}tbl")]
    sed = next(i for i, e in enumerate(blocks) if element_text(e).startswith("表 5"))
    means = next(i for i, e in enumerate(blocks) if element_text(e).startswith("表 6"))
    ends = [i for i, e in enumerate(blocks) if _holds_section(e)]
    # the portrait section ends right before the SED caption; the next break after the
    # means table (the portrait figures), none between
    assert sed - 1 in ends
    assert not [i for i in ends if sed <= i < means]


def test_the_report_sections_alternate_in_orientation_with_a_page_size_each(
    tmp_path: Path,
) -> None:
    """Every section's page size matches its orientation; no two adjacent sections alike."""
    data = _augmented_zh_docx(tmp_path)
    sizes = docx.Document(io.BytesIO(data)).element.body.iter(f"{W}pgSz")
    orientations = []
    for size in sizes:
        wide = int(size.get(f"{W}w")) > int(size.get(f"{W}h"))
        assert (size.get(f"{W}orient") == "landscape") == wide
        orientations.append(wide)
    assert orientations == [False, True, False]


def test_the_augmented_docx_is_deterministic(tmp_path: Path) -> None:
    """Same inputs, same bytes (the carried section break included)."""
    first = _augmented_zh_docx(tmp_path)
    assert _augmented_zh_docx(tmp_path) == first
