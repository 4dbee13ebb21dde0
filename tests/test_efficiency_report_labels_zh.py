"""The efficiency table's Chinese headers bracket their units in full width (stop 45).

Every other table of a Chinese report writes "产量（kg/亩）"; the efficiency table wrote
"产量 (kg/亩)", "N用量 (kg N/亩)" and "PFP (kg/kg N)".
"""

from __future__ import annotations

import pytest

from yieldtrial.efficiency.trial_tables import _REPORT_LABELS


@pytest.mark.parametrize("key", sorted(_REPORT_LABELS))
def test_chinese_header_has_no_half_width_bracket(key):
    chinese = _REPORT_LABELS[key]["zh"]
    assert "(" not in chinese and ")" not in chinese


def test_chinese_yield_and_rate_headers_read_as_the_other_tables():
    assert _REPORT_LABELS["yield"]["zh"].format(u="kg/亩") == "产量（kg/亩）"
    rate = _REPORT_LABELS["nutrient_rate"]["zh"].format(n="N", u="kg N/亩")
    assert rate == "N用量（kg N/亩）"
