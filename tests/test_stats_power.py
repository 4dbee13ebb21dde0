"""Tests of replicate planning (yieldtrial.stats.power)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from yieldtrial.errors import DataValidationError
from yieldtrial.stats.power import comparison_power, detectable_difference_pct, replicates_needed


def test_t_power_matches_statsmodels_two_sample():
    """CRD with 2 treatments: power equals statsmodels TTestIndPower (df = 2(r - 1))."""
    from statsmodels.stats.power import TTestIndPower

    got = comparison_power(cv_pct=8.0, difference_pct=10.0, replicates=5, n_treatments=2,
                           design="crd", comparison="t")  # fmt: skip
    expected = TTestIndPower().power(effect_size=10.0 / 8.0, nobs1=5, alpha=0.05)
    assert got == pytest.approx(expected, abs=1e-10)


def test_rcbd_power_uses_rcbd_error_df():
    """RCBD, 5 treatments, 4 reps: df = 12, noncentral t by hand with scipy.stats.nct."""
    got = comparison_power(cv_pct=8.0, difference_pct=10.0, replicates=4, n_treatments=5,
                           comparison="t")  # fmt: skip
    ncp = 10.0 / (8.0 * np.sqrt(2 / 4))
    crit = stats.t.isf(0.025, 12)
    expected = stats.nct.sf(crit, 12, ncp) + stats.nct.cdf(-crit, 12, ncp)
    assert got == pytest.approx(expected, abs=1e-12)


def test_replicates_needed_is_smallest_sufficient():
    """The returned r reaches the power and r - 1 does not."""
    r = replicates_needed(cv_pct=8.0, difference_pct=10.0, n_treatments=5)
    power = {n: comparison_power(cv_pct=8.0, difference_pct=10.0, replicates=n,
                                 n_treatments=5) for n in (r - 1, r)}  # fmt: skip
    assert power[r] >= 0.8 > power[r - 1]


def test_dunnett_needs_at_least_as_many_replicates_as_t():
    """Dunnett's larger critical value never needs fewer replicates than the t test."""
    kw = {"cv_pct": 10.0, "difference_pct": 12.0, "n_treatments": 6}
    assert replicates_needed(**kw, comparison="dunnett") >= replicates_needed(**kw, comparison="t")


def test_detectable_difference_round_trip():
    """Power at the detectable difference equals the requested power."""
    d = detectable_difference_pct(cv_pct=8.0, replicates=4, n_treatments=5)
    p = comparison_power(cv_pct=8.0, difference_pct=d, replicates=4, n_treatments=5)
    assert p == pytest.approx(0.8, abs=1e-8)


def test_replicates_needed_unreachable_raises():
    """Power not reached within max_replicates is a DataValidationError."""
    with pytest.raises(DataValidationError, match="max_replicates"):
        replicates_needed(cv_pct=30.0, difference_pct=1.0, n_treatments=3, max_replicates=10)


def test_bad_comparison_raises():
    """An unknown comparison is a DataValidationError naming the choices."""
    with pytest.raises(DataValidationError, match="comparison"):
        replicates_needed(cv_pct=8.0, difference_pct=10.0, n_treatments=3, comparison="scheffe")
