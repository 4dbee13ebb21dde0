"""Notebook chains: each public function fed the output of the one before it.

A field book from :mod:`yieldtrial.design`, filled in, read back as a trial, analysed,
plotted and reported, with no warning from NumPy, pandas or statsmodels (pytest turns
them into errors) and the documented columns at each step.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial import design, plotting
from yieldtrial.errors import YieldTrialWarning

pytestmark = pytest.mark.usefixtures("close_figures")


def filled(book: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    """Fill a field book's harvest columns with plausible synthetic wheat records."""
    rng = np.random.default_rng(seed)
    out = book.copy()
    out["harvested_area_m2"] = 20.0
    out["fresh_mass_kg"] = rng.normal(14.0, 0.8, len(out)).round(2)
    out["moisture_pct"] = rng.normal(14.0, 0.5, len(out)).round(1)
    out["impurity_pct"] = 1.0
    return out


def trial_of(book: pd.DataFrame, **settings: object) -> yt.FieldTrial:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # few error df in small layouts
        return yt.FieldTrial.from_dataframe(filled(book), crop="wheat", **settings)


def test_split_plot_field_book_to_report_with_the_sub_plot_check() -> None:
    """split_plot book -> trial(control='CK', a sub-plot level) -> comparisons -> report."""
    book = design.split_plot(["N0", "N1"], ["CK", "V1", "V2"], blocks=3, seed=1)
    trial = trial_of(book, control="CK")
    assert trial.design == "split_plot" and trial.factors == ("main", "sub")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        dunnett = trial.compare_to_control()
        means = trial.means()
        report = trial.report(figures=False)
    assert sorted(dunnett["treatment"]) == ["V1", "V2"] and set(dunnett["control"]) == {"CK"}
    assert dunnett.attrs["provenance"]["error_term"].startswith("error_b")
    assert set(means["treatment"]) == {"CK", "V1", "V2"}
    assert report.section("means").blocks


@pytest.mark.parametrize(
    "book",
    [
        design.crd(["CK", "A", "B"], replicates=4, seed=1),
        design.rcbd(["CK", "A", "B"], blocks=4, seed=1),
        design.latin_square(["CK", "A", "B", "C"], seed=1),
        design.alpha_design(
            [f"G{i}" for i in range(11)] + ["CK"], block_size=4, replicates=3, seed=1
        ),
        design.augmented_design(["CK", "C2"], [f"E{i}" for i in range(10)], blocks=3, seed=1),
    ],
    ids=["crd", "rcbd", "latin", "alpha", "augmented"],
)
def test_field_book_to_means_plots_and_report(book: pd.DataFrame) -> None:
    """Every one-factor layout: book -> trial -> means -> both means plots -> report."""
    trial = trial_of(book, control="CK")
    assert trial.design == book.attrs["design"]["design"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        means = trial.means()
        report = trial.report(figures=False)
    assert means.attrs["provenance"]["design"] == trial.design
    assert plotting.plot_means(means, control="CK").get_ylabel() == "Yield (kg/ha)"
    assert plotting.plot_mean_histogram(means, control="CK").get_xlabel() == "Yield (kg/ha)"
    assert plotting.plot_yields(trial.yields()).get_ylabel() == "Yield (kg/ha)"
    assert report.section("means").blocks
