"""Note marks fit their columns in a Chinese Word report (stop 45).

The marks "†", "‡" are East Asian ambiguous: next to Chinese text a zh-CN document sets
them in its CJK font, 1 em wide.  Counted 0.55 em, the expert panel's name column broke
"专家甲 †" into "专家甲" / "†" (LibreOffice with Liberation Serif and Noto CJK, rendered
with tools/render_report.py).
"""

from __future__ import annotations

import pytest

from yieldtrial.report._widths import column_extent_mm, document_em, text_em


@pytest.mark.parametrize("mark", ["†", "‡"])
def test_note_mark_is_full_width_in_a_document(mark):
    assert document_em(mark) == 1.0
    assert document_em(mark, bold=True) == 1.0


def test_other_text_is_counted_as_before():
    assert document_em("CK2\u00a0\u2212\u00a0CK1") == text_em("CK2\u00a0\u2212\u00a0CK1")


def test_column_width_holds_a_marked_name_on_one_line():
    """The panel's name column holds "专家甲 †": 3 + 0.3 (no-break space) + 1 em, plus padding."""
    font_pt = 9.0
    low, _ = column_extent_mm("姓名", ["专家甲\u00a0†"], numeric=False, font_pt=font_pt)
    assert low == pytest.approx((3 + 0.3 + 1.0) * font_pt * 25.4 / 72 + 3.2)


def test_html_estimate_is_unchanged():
    """text_em (the HTML report's thresholds) keeps its counts: only Word widths change."""
    assert text_em("†") == 0.55
