"""The conclusions and data-quality sections read table rows as records (stop 39).

Under the oldest pins (pandas 2.0.0, NumPy 1.25) a row of a mixed table read as a Series
(``means.iloc[i]``, ``iterrows``) raised pandas' "np.find_common_type is deprecated"
DeprecationWarning: the unreplicated example's report stopped there under ``-W
error::DeprecationWarning``.  These tests turn the warning into an error.
"""

from __future__ import annotations

import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.datasets import example_path

pytestmark = pytest.mark.filterwarnings(
    "error::DeprecationWarning", "error::FutureWarning", "ignore::yieldtrial.YieldTrialWarning"
)


def test_the_unreplicated_example_names_its_highest_treatment() -> None:
    """jinzhong-2024 (one plot each): the conclusion names the best treatment, no warning."""
    report, _ = yt.report_from_files(
        example_path("jinzhong-2024"), example_path("jinzhong-2024", "trial.toml"), figures=False
    )
    text = " ".join(str(b) for b in report.section("conclusions").blocks)
    assert "T" in text


def test_a_missing_plot_is_listed_with_its_treatment() -> None:
    """The quality section's list of missing plots (a mixed table, read row by row)."""
    plots = pd.read_csv(example_path("replicated-rcbd"))
    plots.loc[plots["plot_id"] == 202, "fresh_mass_kg"] = None
    trial = yt.FieldTrial.from_dataframe(plots, crop="wheat", control="CK1")
    text = " ".join(str(b) for b in trial.report(figures=False).section("quality").blocks)
    treatment = plots.loc[plots["plot_id"] == 202, "treatment"].item()
    assert f"202 ({treatment})" in text
