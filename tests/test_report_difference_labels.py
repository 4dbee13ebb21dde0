"""A difference of two labels ("T − CK1") stays on one line in HTML and DOCX table cells.

At a 600 px wide window the Chinese contrasts table broke "CK2 − CK1" as "CK2 −" / "CK1".
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest

from shipped import example_report
from yieldtrial.report._widths import column_extent_mm, glue_difference
from yieldtrial.report.render_html import cell_html


def _report(lang: str) -> Any:
    return example_report(report_date="2024-06-01", figures=False, lang=lang)


def test_cell_html_puts_a_difference_in_one_nowrap_span() -> None:
    assert cell_html("T − CK1") == '<span class="w">T − CK1</span>'
    # only the two labels around the minus: the words before still wrap
    assert cell_html("Line 25 − CK1") == 'Line <span class="w">25 − CK1</span>'


def test_cell_html_escapes_the_glued_labels() -> None:
    assert cell_html("<b> − CK&1") == '<span class="w">&lt;b&gt; − CK&amp;1</span>'


def test_a_leading_minus_is_no_difference() -> None:
    assert cell_html("− 4 kg") == "− 4 kg"
    assert glue_difference("− 4 kg") == "− 4 kg"


def test_glued_difference_is_one_piece_for_the_column_width() -> None:
    """The DOCX column of a long difference is as wide as the difference on one line."""
    label = "Synergist treatment − Farmer practice"
    low, _ = column_extent_mm("Compared", [label], numeric=False, font_pt=9)
    glued, _ = column_extent_mm("Compared", [glue_difference(label)], numeric=False, font_pt=9)
    assert glued > low


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_contrasts_table_keeps_the_difference_whole(lang: str) -> None:
    html = _report(lang).to_html()
    section = html[html.index('<section id="contrasts">') :]
    section = section[: section.index("</section>")]
    assert '<td class="text"><span class="w">CK2 − CK1</span></td>' in section
    assert '<td class="text"><span class="w">T − CK2</span></td>' in section


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_docx_table_cells_glue_the_difference_with_no_break_spaces(lang: str) -> None:
    pytest.importorskip("docx")
    data = _report(lang).render("docx")
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    texts = re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml)
    assert "CK2\u00a0−\u00a0CK1" in texts and "T\u00a0−\u00a0CK2" in texts
    assert "CK2 − CK1" not in texts  # no table cell left with breakable spaces
