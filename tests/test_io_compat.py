"""pandas calls kept quiet under the oldest pins (yieldtrial.io._compat).

pandas 2.0 with NumPy 1.25 (the oldest pins) warned "np.find_common_type is deprecated" from
inside every ``Series.isin``; these tests turn that DeprecationWarning into an error, so they
fail under the oldest pins if a path calls pandas' ``isin`` directly again (stop 39).
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from yieldtrial import FieldTrial
from yieldtrial.datasets import example_path
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.io._compat import isin

pytestmark = pytest.mark.filterwarnings(
    "error::DeprecationWarning", "error::FutureWarning", "ignore::yieldtrial.YieldTrialWarning"
)


def test_isin_is_series_isin() -> None:
    """The booleans pandas' own isin gives, on the same index."""
    values = pd.Series(["101", "102", "103"], index=[5, 6, 7])
    expected = pd.Series([False, True, False], index=[5, 6, 7])
    pd.testing.assert_series_equal(isin(values, {"102", "9"}), expected)


def test_isin_of_numbers_and_nothing_wanted() -> None:
    """Numbers and an empty list: no warning, the answer pandas gives."""
    assert isin(pd.Series([1, 2]), [2]).tolist() == [False, True]
    assert isin(pd.Series([1, 2]), []).tolist() == [False, False]


def test_an_excluded_plot_is_listed_without_a_pandas_warning() -> None:
    """exclude() and excluded_plots went through Series.isin (pandas 2.0 warned at each)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        trial = FieldTrial.from_csv(example_path("replicated-rcbd"), crop="wheat")
    excluded = trial.exclude("101", reason="hail")
    assert excluded.excluded_plots["plot_id"].tolist() == ["101"]
    assert excluded.yields()["yield_kg_ha"].isna().sum() == 1


def test_suspect_plots_of_a_doubled_weight_without_a_pandas_warning() -> None:
    """The screening's lookup of the flagged plots went through Series.isin."""
    plots = pd.read_csv(example_path("replicated-rcbd"))
    plots.loc[plots["plot_id"] == 201, "fresh_mass_kg"] *= 2  # a weight typed twice
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK1")
    assert "201" in set(trial.suspect_plots()["plot_id"].astype(str))
