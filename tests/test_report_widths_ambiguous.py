"""Comparison labels and note marks fit their columns in a Chinese Word report (stop 45).

The minus sign U+2212 and the marks "†", "‡" are East Asian ambiguous: a zh-CN document
sets them in its CJK font, 1 em wide.  Counted 0.55 em, the Word report's columns were too
narrow: Table 6 (main contrasts) broke "CK2 − CK1" into "CK2 − CK" / "1", the expert panel
"专家甲 †" into "专家甲" / "†" (LibreOffice, rendered with tools/render_report.py).
"""

from __future__ import annotations

import pytest

from yieldtrial.report._widths import column_extent_mm, document_em, glue_difference, text_em

#: Advance widths in Times New Roman (Liberation Serif) [em]: C 0.667, K 0.722, 2 and 1
#: 0.5, no-break space 0.25; the minus in the CJK font 1.0.
CK2_MINUS_CK1_EM = 0.667 + 0.722 + 0.5 + 0.25 + 1.0 + 0.25 + 0.667 + 0.722 + 0.5


@pytest.mark.parametrize("char", ["\u2212", "†", "‡"])
def test_ambiguous_mark_is_full_width_in_a_document(char):
    assert document_em(char) == 1.0
    assert document_em(char, bold=True) == 1.0


def test_comparison_label_estimate_covers_its_rendered_width():
    label = glue_difference("CK2 \u2212 CK1")  # the cell's text: "CK2\xa0−\xa0CK1"
    # 0.72 + 0.72 + 0.55 + 0.3 + 1.0 + 0.3 + 0.72 + 0.72 + 0.55 (the estimate's own counts)
    assert document_em(label) == pytest.approx(5.58)
    assert document_em(label) >= CK2_MINUS_CK1_EM


def test_column_width_counts_the_mark_full_width():
    """The panel's name column holds "专家甲 †" on one line: 3 + 0.3 + 1 em, plus padding."""
    font_pt = 9.0
    low, _ = column_extent_mm("姓名", ["专家甲\u00a0†"], numeric=False, font_pt=font_pt)
    assert low == pytest.approx((3 + 0.3 + 1.0) * font_pt * 25.4 / 72 + 3.2)


def test_html_estimate_is_unchanged():
    """text_em (the HTML report's thresholds) keeps its counts: only Word widths change."""
    assert text_em("\u2212") == 0.55 and text_em("†") == 0.55
