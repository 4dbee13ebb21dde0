"""A comparison label "CK2 − CK1" fits its column in a Chinese Word report (stop 45).

The minus sign U+2212 is East Asian ambiguous: a zh-CN document sets it in its CJK font,
1 em wide.  Counted 0.55 em, the column of Table 6 (main contrasts) was too narrow and
Word (LibreOffice too) broke the label into "CK2 − CK" / "1".
"""

from __future__ import annotations

import pytest

from yieldtrial.report._widths import glue_difference, text_em

#: Advance widths in Times New Roman (Liberation Serif) [em]: C 0.667, K 0.722, 2 and 1
#: 0.5, no-break space 0.25; the minus in the CJK font 1.0.
CK2_MINUS_CK1_EM = 0.667 + 0.722 + 0.5 + 0.25 + 1.0 + 0.25 + 0.667 + 0.722 + 0.5


def test_minus_sign_counts_as_full_width():
    assert text_em("\u2212") == 1.0


def test_comparison_label_estimate_covers_its_rendered_width():
    label = glue_difference("CK2 \u2212 CK1")  # the cell's text: "CK2\xa0−\xa0CK1"
    # 0.72 + 0.72 + 0.55 + 0.3 + 1.0 + 0.3 + 0.72 + 0.72 + 0.55 (the estimate's own counts)
    assert text_em(label) == pytest.approx(5.58)
    assert text_em(label) >= CK2_MINUS_CK1_EM
