"""The network's pooled-error note shows MS_e as the report's tables show a mean square (stop 45).

The note printed ``MS_e = 31020.6`` under an ANOVA table showing ``31,020.6``, and a mean
square of a million or more in scientific notation (``1.70946e+06``).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.datasets import example_path
from yieldtrial.network.stability import network_stability
from yieldtrial.report._network_zh import network_note


@pytest.fixture(scope="module")
def pooled_note() -> tuple[str, float]:
    """Return the note and MS_e of the site network x 10 (MS_e x 100: above a million)."""
    plots = pd.read_csv(example_path("site-network"))
    plots["yield_kg_ha"] *= 10
    net = yt.analyze_many(
        plots, by="site", response="yield_kg_ha", treatment="treatment", block="block", control="CK"
    )
    res, _ = network_stability(net, blup=None)
    own = [n for n in res.notes if n.startswith("pooled error of the")]
    assert len(own) == 1, res.notes
    return own[0], res.error_mean_square


def test_pooled_error_note_groups_thousands_with_one_decimal(pooled_note):
    note, mse = pooled_note
    assert mse > 1e6  # 100 x the shipped network's 31,020.6 (its report's ANOVA table)
    assert f"MS_e = {mse:,.1f} on 16 df" in note
    assert re.search(r"MS_e = \d{1,3}(,\d{3})+\.\d on", note) and "e+" not in note


def test_pooled_error_note_is_chinese_with_the_grouped_number(pooled_note):
    note, mse = pooled_note
    chinese = network_note(note, "zh")
    assert chinese.startswith("合并误差来自 4 个有重复试点的单点分析：")
    assert f"误差均方 {mse:,.1f}，自由度 16，" in chinese
