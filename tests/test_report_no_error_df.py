"""A replicated design whose missing plots use up the error df is not "one plot per treatment"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fieldbook_data import with_harvest
from yieldtrial import design
from yieldtrial.report.files import report_from_files

pytestmark = pytest.mark.usefixtures("close_figures")


def _report(tmp_path: Path, *, blocks: int, lost: list[int], lang: str = "en") -> str:
    book = design.rcbd(["A", "B"], blocks=blocks, seed=1)
    book = with_harvest(book)
    book.loc[lost, "fresh_mass_kg"] = np.nan
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text('[trial]\ncrop = "wheat"\n', encoding="utf-8")
    report, _ = report_from_files(
        tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False, lang=lang
    )
    return str(report.to_markdown())


def test_rcbd_whose_missing_plot_uses_up_the_df(tmp_path: Path) -> None:
    # 2 treatments x 2 blocks, one plot lost: 3 plots - (1 + 1 treatment + 1 block) = 0 df,
    # but one treatment still has 2 plots
    md = _report(tmp_path, blocks=2, lost=[0])
    assert "randomized complete block design (RCBD), with no error degrees of freedom left" in md
    assert "The design model uses up every observed plot" in md
    assert "one plot per treatment" not in md


def test_rcbd_without_df_in_chinese(tmp_path: Path) -> None:
    md = _report(tmp_path, blocks=2, lost=[0], lang="zh")
    assert "（无剩余误差自由度）" in md
    assert "每处理仅一个小区" not in md


def test_one_block_is_still_an_unreplicated_demonstration(tmp_path: Path) -> None:
    # 2 treatments in 1 block: one plot each, the usual demonstration wording
    md = _report(tmp_path, blocks=1, lost=[])
    assert "unreplicated demonstration (one plot per treatment)" in md


def test_no_error_df_captions_do_not_say_one_plot_each(tmp_path: Path) -> None:
    md = _report(tmp_path, blocks=2, lost=[0])
    assert "Treatment means (LS-means) of yield in kg/ha at 13 % moisture." in md
    assert "one plot each" not in md


def test_no_error_df_figure_caption(tmp_path: Path) -> None:
    book = design.rcbd(["A", "B"], blocks=2, seed=1)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = [9.0, 9.4, 9.8, np.nan]
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text('[trial]\ncrop = "wheat"\n', encoding="utf-8")
    report, _ = report_from_files(tmp_path / "plots.csv", tmp_path / "trial.toml")
    md = report.to_markdown()
    assert "Treatment means (LS-means; no error degrees of freedom, so no intervals)" in md
