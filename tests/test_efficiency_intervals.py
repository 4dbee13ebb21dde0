"""yield_difference_ci of the efficiency and economics tables (yieldtrial.efficiency.intervals).

Stop 39: the table compare_to_control returns was "The truth value of a DataFrame is
ambiguous" (efficiency_table) and a three-number interval "too many values to unpack"
(economics_table); a reversed interval was taken as given.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.datasets import example_path
from yieldtrial.errors import DataValidationError, YieldTrialWarning

FERTILIZER = {  # the shipped example's rates (its trial.toml), 15-15-15 compound
    "CK1": {"product": "compound", "grade": "15-15-15", "rate": 40, "rate_unit": "kg/mu"},
    "CK2": {"product": "compound", "grade": "15-15-15", "rate": 32, "rate_unit": "kg/mu"},
    "T": {"product": "compound", "grade": "15-15-15", "rate": 32, "rate_unit": "kg/mu"},
}
MONEY = {"grain_price_per_kg": 2.4, "currency": "CNY", "prices": {"compound": 3.2}}


@pytest.fixture(scope="module")
def trial() -> yt.FieldTrial:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        return yt.FieldTrial.from_csv(example_path("replicated-rcbd"), crop="wheat")


def _yields(trial: yt.FieldTrial) -> pd.Series:
    return trial.means(letters=None).set_index("treatment")["yield_kg_ha"]


def test_economics_table_takes_the_dunnett_table_as_it_is(trial) -> None:
    """The compare_to_control table gives the limits the hand-built mapping gives."""
    dunnett = trial.compare_to_control(control="CK1")
    by_hand = {
        t: (lo, hi)
        for t, lo, hi in zip(
            dunnett["treatment"], dunnett["ci_low_kg_ha"], dunnett["ci_high_kg_ha"], strict=True
        )
    }
    kw = {"control": "CK1", "confidence": 0.95, **MONEY}
    table = yt.economics_table(_yields(trial), FERTILIZER, yield_difference_ci=dunnett, **kw)
    expected = yt.economics_table(_yields(trial), FERTILIZER, yield_difference_ci=by_hand, **kw)
    pd.testing.assert_frame_equal(table, expected)
    assert table["yield_difference_ci_low_kg_ha"].notna().all()


def test_efficiency_table_takes_the_dunnett_table_as_it_is(trial) -> None:
    """efficiency_table read the table's truth value (pandas' ValueError)."""
    dunnett = trial.compare_to_control(control="CK1")
    table = yt.efficiency_table(_yields(trial), FERTILIZER, yield_difference_ci=dunnett)
    assert set(table["treatment"]) == {"CK1", "CK2", "T"}


def test_a_table_of_two_controls_is_refused(trial) -> None:
    """Each treatment has two intervals then: the message says to keep one control's rows."""
    both = trial.compare_to_control(control=["CK1", "CK2"])
    with pytest.raises(DataValidationError, match=r"compares with 'CK1', 'CK2'; pass the rows"):
        yt.economics_table(_yields(trial), FERTILIZER, control="CK1", yield_difference_ci=both,
                           **MONEY)  # fmt: skip


def test_a_table_in_kg_per_mu_is_converted_to_kg_per_ha(trial) -> None:
    """Stop 41: limits in kg/mu (the unit their column names state) are converted.

    Stop 39 refused them (read as kg/ha they were 15 times too narrow), but a network's
    ``summary.comparisons`` has no ``unit=`` to ask for kg/ha.  1 kg/mu = 15 kg/ha (a mu is
    10000/15 m2), so the converted table equals the one compared in kg/ha.
    """
    per_mu = trial.compare_to_control(control="CK1", unit="kg/mu")
    per_ha = trial.compare_to_control(control="CK1")
    kw = {"control": "CK1", "confidence": 0.95, **MONEY}
    table = yt.economics_table(_yields(trial), FERTILIZER, yield_difference_ci=per_mu, **kw)
    expected = yt.economics_table(_yields(trial), FERTILIZER, yield_difference_ci=per_ha, **kw)
    pd.testing.assert_frame_equal(table, expected, rtol=1e-12)


def test_a_network_comparisons_table_in_kg_per_mu_is_taken(trial) -> None:
    """summary.comparisons of the farm network (kg/mu): each limit x 15 in kg/ha."""
    plots = pd.read_csv(example_path("farm-network"))
    res = yt.analyze_many(plots, by="site", response="yield_kg_mu", treatment="treatment",
                          control=["CK1", "CK2"], design="crd")  # fmt: skip
    vs_ck1 = res.summary.comparisons[res.summary.comparisons["control"] == "CK1"]
    yields = res.summary.treatments.set_index("treatment")["across_site_mean"] * 15.0
    table = yt.economics_table(yields, FERTILIZER, control="CK1", yield_difference_ci=vs_ck1,
                               **MONEY)  # fmt: skip
    row = table.set_index("treatment").loc["T"]
    source = vs_ck1.set_index("treatment").loc["T"]
    assert row["yield_difference_ci_low_kg_ha"] == pytest.approx(15.0 * source["ci_low_kg_mu"])
    assert row["yield_difference_ci_high_kg_ha"] == pytest.approx(15.0 * source["ci_high_kg_mu"])


def test_a_table_in_bushels_is_refused_naming_the_unit(trial) -> None:
    """bu/ac needs the crop's bushel weight, which the tables do not know."""
    per_bu = trial.compare_to_control(control="CK1", unit="bu/ac")
    with pytest.raises(DataValidationError, match=r"'ci_low_bu_ac'.*bu/ac, which needs the crop"):
        yt.efficiency_table(_yields(trial), FERTILIZER, yield_difference_ci=per_bu)


@pytest.mark.parametrize("function", ["efficiency_table", "economics_table"])
def test_yields_named_yield_kg_mu_are_converted(trial, function) -> None:
    """Stop 41: trial.means()'s yield_kg_mu Series was read as kg/ha (PFP 15 times too low).

    The column name states the unit; the table equals the one of the kg/ha column.
    """
    per_mu = trial.means(letters=None, unit="kg/mu").set_index("treatment")["yield_kg_mu"]
    kw = {"control": "CK1", **MONEY} if function == "economics_table" else {}
    table = getattr(yt, function)(per_mu, FERTILIZER, **kw)
    expected = getattr(yt, function)(_yields(trial), FERTILIZER, **kw)
    pd.testing.assert_frame_equal(table, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("interval", "message"),
    [
        ((500.0, 1000.0, 1500.0), "expected the two confidence limits"),
        ((1500.0, 500.0), "the lower limit is above the upper"),
        ((-np.inf, 500.0), "the limits must be finite"),
        ("500-1500", "expected the two confidence limits"),
    ],
)
def test_a_malformed_interval_is_refused(trial, interval, message) -> None:
    """Three numbers, a reversed pair, an infinite limit or text: a named error."""
    with pytest.raises(DataValidationError, match=rf"yield_difference_ci\['T'\].*{message}"):
        yt.economics_table(_yields(trial), FERTILIZER, control="CK1",
                           yield_difference_ci={"T": interval}, **MONEY)  # fmt: skip


def test_nan_limits_stand_for_no_interval(trial) -> None:
    """(nan, nan): an unreplicated comparison's interval, kept as missing."""
    table = yt.economics_table(_yields(trial), FERTILIZER, control="CK1",
                               yield_difference_ci={"T": (np.nan, np.nan)}, **MONEY)  # fmt: skip
    assert table["yield_difference_ci_low_kg_ha"].isna().all()
