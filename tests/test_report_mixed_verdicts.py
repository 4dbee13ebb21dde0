"""F-test verdicts of a mixed model (REML) name the df method, not a raw error-term key."""

from __future__ import annotations

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


def _split_plot_with_missing_plot(tmp_path: Path, ddf: str = "satterthwaite") -> Path:
    """Write a 3-block split plot (I0/I1 x N0-N2) with plot 4's mass empty, and its toml."""
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    n = len(book)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 9.0 + (np.arange(n) * 7 % 16) / 10
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    book.loc[4, "fresh_mass_kg"] = np.nan  # a missing sub-plot: the report fits REML
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\n'
        f'factors = ["main", "sub"]\nddf = "{ddf}"\n',
        encoding="utf-8",
    )
    return tmp_path


def _markdown(folder: Path, lang: str) -> str:
    report, _ = report_from_files(
        folder / "plots.csv", folder / "trial.toml", figures=False, lang=lang
    )
    return str(report.to_markdown())


def test_reml_verdict_names_satterthwaite(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path), "en")
    assert "main: " in md and "(mixed-model F test, Satterthwaite df, P = " in md
    assert "satterthwaite df" not in md  # the library's error-term key, lowercase
    assert "F test against REML" not in md


def test_reml_verdict_names_kenward_roger(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path, "kenward-roger"), "en")
    assert "(mixed-model F test, Kenward-Roger df, P = " in md
    assert "kenward-roger df" not in md


def test_reml_verdict_in_chinese(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path), "zh")
    assert "（混合模型 F 检验，Satterthwaite 自由度，P = " in md
    assert "satterthwaite df" not in md
