"""``audit --lang zh`` (stop 39; before, audit took no --lang): the text table in Chinese.

442 kg at 5 % moisture reported as 477.36 at 13 %: dry matter gives 442 x 95 / 87 =
482.64, the percentage-point shortcut 442 x 1.08 = 477.36 (it reproduces the figure), the
shrink method leaves a mass below the standard as it is (442.00), and the grain-trade rule
adds 0.75 % per 0.5-point step (16 steps, the gain capped at 5: 442 x 1.0375 = 458.58).
"""

from __future__ import annotations

import pytest

from yieldtrial.cli import main

SINGLE = ["audit", "442", "477.36", "--moisture", "5", "--standard-moisture-pct", "13"]


def test_single_mass_audit_in_chinese(capsys):
    assert main([*SINGLE, "--lang", "zh"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:6] == [
        "含水量 5% 时的 442，报告值 477.36（标准含水量 13%）",
        "                方法 推算值   差值 差值% 是否重现",
        "        干物质守恒法 482.64  +5.28 +1.1%       否",
        "    百分点直接加减法 477.36  +0.00 +0.0%       是",
        "          缩水系数法 442.00 -35.36 -7.4%       否",
        "粮食收购水分增量规则 458.58 -18.78 -3.9%       否",
    ]
    assert out[6] == "计算式："
    assert out[7] == "  干物质守恒法：标准水分产量 = 实测产量 × (100 − 5) ÷ (100 − 13) = 482.6437"
    assert out[-1] == "报告值 477.36 可由以下方法重现：百分点直接加减法"


def test_single_mass_audit_stays_english_by_default(capsys):
    assert main(SINGLE) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "442 at 5 % moisture, reported 477.36 at 13 %"
    assert out[1].split() == ["method", "predicted", "difference", "difference_pct", "reproduces"]
    assert out[-1] == "reported 477.36 is reproduced by: percentage_point"


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "en",
            [
                "3 plots, published yields in kg/mu at 13 % moisture (wheat):",
                "  dry_matter        reproduces 1 of 3",
                "  percentage_point  reproduces 1 of 3",
                "  shrink            reproduces 0 of 3",
                "  cn_grain_trade    reproduces 0 of 3",
                "no method reproduces plot(s) '3'",
            ],
        ),
        (
            "zh",
            [
                "3 个小区，公布的产量单位 kg/mu，标准含水量 13%（小麦）：",
                "  干物质守恒法          重现 1/3 个",
                "  百分点直接加减法      重现 1/3 个",
                "  缩水系数法            重现 0/3 个",
                "  粮食收购水分增量规则  重现 0/3 个",
                "没有任何方法能重现小区 '3'",
            ],
        ),
    ],
)
def test_plot_table_audit_summary(lang, lines, tmp_path, capsys):
    """Count the plots each method reproduces, and name those none does.

    Plot 1: 436 x 95/87 = 476.09 (dry matter); plot 2: 418 x 1.08 = 451.44, printed 451.4
    (the shortcut, at one decimal); plot 3's 123 no method gives.
    """
    plots = tmp_path / "小区.csv"
    plots.write_text(
        "plot_id,treatment,harvested_area_mu,fresh_mass_kg,moisture_pct,yield_kg_mu\n"
        "1,CK,1,436,5,476.09\n2,T,1,418,5,451.4\n3,T,1,400,5,123\n",
        encoding="utf-8",
    )
    assert main(["audit", str(plots), "--crop", "wheat", "--lang", lang]) == 0
    assert capsys.readouterr().out.splitlines() == lines
