"""Tables of two-factor reports: harvest moisture by level, dashes where nothing is tested.

In a two-factor design the rows are levels of one factor (a split plot's sub-plot factor),
not values of the ``treatment`` column, so grouping by ``treatment`` left every cell empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fieldbook_data import with_harvest
from yieldtrial import design
from yieldtrial.report.files import report_from_files
from yieldtrial.report.model import Report

#: ``[analysis]`` of a split plot as ``yieldtrial design split_plot`` lays it out.
SPLIT_PLOT = 'design = "split_plot"\nfactors = ["main", "sub"]\n'


pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture
def split_book() -> pd.DataFrame:
    """Split plot of ``yieldtrial.design`` (columns main I0/I1, sub N0-N2; 3 blocks), harvested."""
    return with_harvest(design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5))


@pytest.fixture
def trial_report(tmp_path: Path) -> Callable[..., Report]:
    """Write a plot table and its trial.toml (wheat, ``[analysis]`` if given); build the report."""

    def build(book: pd.DataFrame, analysis: str | None = None, *, lang: str = "en") -> Report:
        book.to_csv(tmp_path / "plots.csv", index=False)
        toml = '[trial]\ncrop = "wheat"\n' + (f"\n[analysis]\n{analysis}" if analysis else "")
        (tmp_path / "trial.toml").write_text(toml, encoding="utf-8")
        report, _ = report_from_files(
            tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False, lang=lang
        )
        return report

    return build


def test_split_plot_means_show_moisture_of_sub_plot_level(
    split_book: pd.DataFrame, trial_report: Callable[..., Report]
) -> None:
    # moisture by sub-plot level: N0 14 %, N1 15 %, N2 16 % (so each level's mean is exact)
    split_book["moisture_pct"] = split_book["sub"].map({"N0": 14.0, "N1": 15.0, "N2": 16.0})
    report = trial_report(split_book, SPLIT_PLOT + 'control = "N0"\n')
    shown = {row["treatment"]: row["moisture_pct"] for row in report.results["means_display"]}
    assert shown == {"N0": 14.0, "N1": 15.0, "N2": 16.0}


def test_anova_rows_not_tested_show_a_dash(
    split_book: pd.DataFrame, trial_report: Callable[..., Report]
) -> None:
    """The error and total rows of a stratum ANOVA have a dash under "Tested against"."""
    md = trial_report(split_book, SPLIT_PLOT).to_markdown()
    # complete split plot, stratum ANOVA: Error b on 2 x 2 x 2 = 8 df, F and P dashed
    assert "| Sub-plots | Error b | 8 |" in md
    error_b = next(line for line in md.splitlines() if line.startswith("| Sub-plots | Error b"))
    assert error_b.rstrip().endswith("| – | – | – |")


def test_markdown_footer_uses_full_width_colon_in_chinese(
    split_book: pd.DataFrame, trial_report: Callable[..., Report]
) -> None:
    """Table footers of a Chinese Markdown report read "总平均：..." like every other label."""
    md = trial_report(split_book, SPLIT_PLOT, lang="zh").to_markdown()
    assert "- 总平均：" in md
    assert "- 总平均: " not in md


def test_unbalanced_rcbd_footer_says_sed_is_a_mean(trial_report: Callable[..., Report]) -> None:
    """With a missing plot the SED differs between pairs: the footer says it is their mean."""
    book = with_harvest(design.rcbd(["A", "B", "C"], blocks=4, seed=1))
    book.loc[0, "fresh_mass_kg"] = np.nan
    md = trial_report(book).to_markdown()
    assert "- SED (mean over the pairs: missing plots make them differ): " in md
    assert "- LSD (0.05) from the mean SED: " in md


def test_factorial_conclusions_leave_out_the_blocks(trial_report: Callable[..., Report]) -> None:
    """A factorial RCBD's verdicts are about its factors; the block F test is no conclusion."""
    book = design.rcbd(["P1-0", "P1-60", "P2-0", "P2-60"], blocks=3, seed=1)
    book["product"] = book["treatment"].str.split("-").str[0]
    book["rate"] = book["treatment"].str.split("-").str[1]
    book = with_harvest(book)
    # strong block effect (+1 kg per block) so that its F test is significant
    book["fresh_mass_kg"] = 8.0 + book["block"].astype(int) + (np.arange(len(book)) % 3) / 10
    md = trial_report(book, 'design = "factorial"\nfactors = ["product", "rate"]\n').to_markdown()
    assert "- product: " in md and "- rate: " in md
    assert "Blocks: significant" not in md and "Blocks: not significant" not in md


@pytest.fixture
def irrigation_report(
    split_book: pd.DataFrame, trial_report: Callable[..., Report]
) -> Callable[[str], Report]:
    """Report, in a language, of a split plot: whole plot ``irrigation``, sub-plot ``treatment``.

    Levels I0, I1 and N0-N2, as the Yates oats layout of tests/data/e2e2/oats_split.toml;
    plot 101 is I1, N0.
    """
    book = split_book.drop(columns=["treatment", "main_plot"]).rename(
        columns={"main": "irrigation", "sub": "treatment"}
    )
    analysis = 'design = "split_plot"\nwhole_plot = "irrigation"\ncontrol = "N0"\n'
    return lambda lang: trial_report(book, analysis, lang=lang)


def test_split_plot_plot_table_shows_the_whole_plot_factor(
    irrigation_report: Callable[[str], Report],
) -> None:
    """The plot listing of a split plot names each plot's whole-plot level (was left out)."""
    report = irrigation_report("en")
    table = next(b for b in report.section("plots").blocks if getattr(b, "key", "") == "plots")
    keys = [c.key for c in table.columns]
    assert keys[:4] == ["plot_id", "block", "irrigation", "treatment"]
    first = table.rows[0]
    assert (first["plot_id"], first["irrigation"], first["treatment"]) == ("101", "I1", "N0")


def test_chinese_split_plot_names_the_treatment_factor_in_chinese(
    irrigation_report: Callable[[str], Report],
) -> None:
    """zh: the canonical ``treatment`` factor reads 处理 in the ANOVA, summary and factor tables.

    The user's own column name (irrigation) is data and stays as given.
    """
    md = irrigation_report("zh").to_markdown()
    assert "| irrigation × 处理 |" in md  # ANOVA row of the interaction
    assert "irrigation × 处理：差异" in md  # its verdict in the summary
    assert "| irrigation \\\\ 处理 |" in md  # header of the two-way table of means
    assert "处理各水平均值" in md and "irrigation 各水平均值" in md
    assert "irrigation:treatment" not in md and "treatment 各水平" not in md


def test_chinese_split_plot_names_the_default_factors_in_chinese(
    split_book: pd.DataFrame, trial_report: Callable[..., Report]
) -> None:
    """zh: the default factor columns main / sub read 主区因素 / 副区因素 in tables and text."""
    md = trial_report(split_book, SPLIT_PLOT, lang="zh").to_markdown()
    assert "| 小区 | 区组 | 主区因素 | 副区因素 | 处理 |" in md  # plot listing
    assert "| 主区 | 主区因素 | 1 |" in md  # ANOVA row (2 levels: 1 df)
    assert "| 副区 | 主区因素 × 副区因素 | 2 |" in md  # interaction (1 x 2 df)
    assert "主区因素：差异" in md  # verdict in the summary
    assert "| 主区因素 \\\\ 副区因素 |" in md  # two-way table of means
    assert "主区因素各水平均值" in md
    assert "产量 \\~ 主区因素 \\* 副区因素 + 误差(区组/主区因素)" in md  # model formula
    assert "区组 × 主区因素" in md  # the whole-plot error's checks
    assert not re.search(r"\b(main|sub)\b", md)
