"""Tables of two-factor reports: harvest moisture by level, dashes where nothing is tested.

In a two-factor design the rows are levels of one factor (a split plot's sub-plot factor),
not values of the ``treatment`` column, so grouping by ``treatment`` left every cell empty.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest

from yieldtrial import design
from yieldtrial.report.files import report_from_files


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


def test_split_plot_means_show_moisture_of_sub_plot_level(tmp_path: Path) -> None:
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 9.0 + (np.arange(len(book)) * 7 % 16) / 10
    # moisture by sub-plot level: N0 14 %, N1 15 %, N2 16 % (so each level's mean is exact)
    book["moisture_pct"] = book["sub"].map({"N0": 14.0, "N1": 15.0, "N2": 16.0})
    book["impurity_pct"] = 0.5
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\n'
        'factors = ["main", "sub"]\ncontrol = "N0"\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False)
    shown = {row["treatment"]: row["moisture_pct"] for row in report.results["means_display"]}
    assert shown == {"N0": 14.0, "N1": 15.0, "N2": 16.0}


def test_anova_rows_not_tested_show_a_dash(tmp_path: Path) -> None:
    """The error and total rows of a stratum ANOVA have a dash under "Tested against"."""
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 9.0 + (np.arange(len(book)) * 7 % 16) / 10
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\nfactors = ["main", "sub"]\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False)
    md = report.to_markdown()
    # complete split plot, stratum ANOVA: Error b on 2 x 2 x 2 = 8 df, F and P dashed
    assert "| Sub-plots | Error b | 8 |" in md
    error_b = next(line for line in md.splitlines() if line.startswith("| Sub-plots | Error b"))
    assert error_b.rstrip().endswith("| – | – | – |")


def test_markdown_footer_uses_full_width_colon_in_chinese(tmp_path: Path) -> None:
    """Table footers of a Chinese Markdown report read "总平均：..." like every other label."""
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 9.0 + (np.arange(len(book)) * 7 % 16) / 10
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\nfactors = ["main", "sub"]\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(
        tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False, lang="zh"
    )
    md = report.to_markdown()
    assert "- 总平均：" in md
    assert "- 总平均: " not in md


def test_unbalanced_rcbd_footer_says_sed_is_a_mean(tmp_path: Path) -> None:
    """With a missing plot the SED differs between pairs: the footer says it is their mean."""
    book = design.rcbd(["A", "B", "C"], blocks=4, seed=1)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 9.0 + (np.arange(len(book)) * 7 % 16) / 10
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    book.loc[0, "fresh_mass_kg"] = np.nan
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text('[trial]\ncrop = "wheat"\n', encoding="utf-8")
    report, _ = report_from_files(tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False)
    md = report.to_markdown()
    assert "- SED (mean over the pairs: missing plots make them differ): " in md
    assert "- LSD (0.05) from the mean SED: " in md


def test_factorial_conclusions_leave_out_the_blocks(tmp_path: Path) -> None:
    """A factorial RCBD's verdicts are about its factors; the block F test is no conclusion."""
    book = design.rcbd(["P1-0", "P1-60", "P2-0", "P2-60"], blocks=3, seed=1)
    book["product"] = book["treatment"].str.split("-").str[0]
    book["rate"] = book["treatment"].str.split("-").str[1]
    book["harvested_area_m2"] = 20.0
    # strong block effect (+1 kg per block) so that its F test is significant
    book["fresh_mass_kg"] = 8.0 + book["block"].astype(int) + (np.arange(len(book)) % 3) / 10
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "factorial"\n'
        'factors = ["product", "rate"]\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False)
    md = report.to_markdown()
    assert "- product: " in md and "- rate: " in md
    assert "Blocks: significant" not in md and "Blocks: not significant" not in md


def _irrigation_split_plot(tmp_path: Path) -> tuple[Path, Path]:
    """Split plot: whole plot ``irrigation`` (I0, I1), sub-plot factor in ``treatment``.

    As the Yates oats layout of tests/data/e2e2/oats_split.toml; plot 101 is I1, N0.
    """
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book = book.drop(columns=["treatment", "main_plot"]).rename(
        columns={"main": "irrigation", "sub": "treatment"}
    )
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 9.0 + (np.arange(len(book)) * 7 % 16) / 10
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\n'
        'whole_plot = "irrigation"\ncontrol = "N0"\n',
        encoding="utf-8",
    )
    return tmp_path / "plots.csv", tmp_path / "trial.toml"


def test_split_plot_plot_table_shows_the_whole_plot_factor(tmp_path: Path) -> None:
    """The plot listing of a split plot names each plot's whole-plot level (was left out)."""
    report, _ = report_from_files(*_irrigation_split_plot(tmp_path), figures=False)
    table = next(b for b in report.section("plots").blocks if getattr(b, "key", "") == "plots")
    keys = [c.key for c in table.columns]
    assert keys[:4] == ["plot_id", "block", "irrigation", "treatment"]
    first = table.rows[0]
    assert (first["plot_id"], first["irrigation"], first["treatment"]) == ("101", "I1", "N0")


def test_chinese_split_plot_names_the_treatment_factor_in_chinese(tmp_path: Path) -> None:
    """zh: the canonical ``treatment`` factor reads 处理 in the ANOVA, summary and factor tables.

    The user's own column name (irrigation) is data and stays as given.
    """
    report, _ = report_from_files(*_irrigation_split_plot(tmp_path), lang="zh", figures=False)
    md = report.to_markdown()
    assert "| irrigation × 处理 |" in md  # ANOVA row of the interaction
    assert "irrigation × 处理：差异" in md  # its verdict in the summary
    assert "| irrigation \\\\ 处理 |" in md  # header of the two-way table of means
    assert "处理各水平均值" in md and "irrigation 各水平均值" in md
    assert "irrigation:treatment" not in md and "treatment 各水平" not in md


def _default_split_plot(tmp_path: Path) -> tuple[Path, Path]:
    """Write a split plot as ``yieldtrial design split_plot`` lays it out (columns main, sub)."""
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 9.0 + (np.arange(len(book)) * 7 % 16) / 10
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\nfactors = ["main", "sub"]\n',
        encoding="utf-8",
    )
    return tmp_path / "plots.csv", tmp_path / "trial.toml"


def test_chinese_split_plot_names_the_default_factors_in_chinese(tmp_path: Path) -> None:
    """zh: the default factor columns main / sub read 主区因素 / 副区因素 in tables and text."""
    report, _ = report_from_files(*_default_split_plot(tmp_path), lang="zh", figures=False)
    md = report.to_markdown()
    assert "| 小区 | 区组 | 主区因素 | 副区因素 | 处理 |" in md  # plot listing
    assert "| 主区 | 主区因素 | 1 |" in md  # ANOVA row (2 levels: 1 df)
    assert "| 副区 | 主区因素 × 副区因素 | 2 |" in md  # interaction (1 x 2 df)
    assert "主区因素：差异" in md  # verdict in the summary
    assert "| 主区因素 \\\\ 副区因素 |" in md  # two-way table of means
    assert "主区因素各水平均值" in md
    assert "产量 \\~ 主区因素 \\* 副区因素 + 误差(区组/主区因素)" in md  # model formula
    assert "区组 × 主区因素" in md  # the whole-plot error's checks
    assert not re.search(r"\b(main|sub)\b", md)
