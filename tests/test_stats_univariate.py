"""t, normal, F and chi-square functions of :mod:`yieldtrial.stats._univariate` vs scipy.stats.

Expected values: the scipy.stats method of the same name on the same arguments; the two
must agree bit for bit (same value, same sign of zero, NaN where scipy gives NaN, same
type), over grids that include the support edges, invalid degrees of freedom and
probabilities outside ``[0, 1]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from yieldtrial.stats import _univariate as uni

X = np.array([-np.inf, -40.0, -5.3, -1.0, -0.0, 0.0, 1e-300, 0.3, 2.1, 7.7, 39.0, np.inf, np.nan])
Q = np.array([-0.1, 0.0, 1e-300, 1e-15, 1e-6, 0.025, 0.5, 0.975, 1 - 1e-12, 1.0, 1.1, np.nan])
DF = np.array([-1.0, 0.0, 0.5, 1.0, 2.5, 7.0, 30.0, 1e4, 1e12, np.inf, np.nan])


def _same(got: Any, expected: Any) -> bool:
    a, b = np.asarray(got), np.asarray(expected)
    return (
        type(got) is type(expected)
        and a.shape == b.shape
        and a.dtype == b.dtype
        and np.array_equal(a, b, equal_nan=True)
        and np.array_equal(np.signbit(a), np.signbit(b))
    )


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [(uni.t_sf, stats.t.sf), (uni.t_cdf, stats.t.cdf), (uni.chi2_sf, stats.chi2.sf)],
)
def test_one_parameter_probabilities_match_scipy(mine: Any, theirs: Any) -> None:
    """Student t sf/cdf and chi-square sf on a threshold x df grid (edges and bad df included)."""
    x, df = np.meshgrid(X, DF)
    with np.errstate(all="ignore"):
        assert _same(mine(x, df), theirs(x, df))
        for xx, dd in [(1.3, 5.0), (np.float64(-2.0), 12), (X, 9.0), (2.0, DF)]:
            assert _same(mine(xx, dd), theirs(xx, dd)), (xx, dd)


@pytest.mark.parametrize(("mine", "theirs"), [(uni.t_ppf, stats.t.ppf), (uni.t_isf, stats.t.isf)])
def test_t_quantiles_match_scipy(mine: Any, theirs: Any) -> None:
    """Student t ppf/isf on a probability x df grid (0, 1, outside [0, 1], bad df included)."""
    q, df = np.meshgrid(Q, DF)
    with np.errstate(all="ignore"):
        assert _same(mine(q, df), theirs(q, df))
        for qq, dd in [(0.025, 5.0), (0.05 / 40, 17.0), (Q, 9.0), (0.01, DF)]:
            assert _same(mine(qq, dd), theirs(qq, dd)), (qq, dd)


@pytest.mark.parametrize(
    ("mine", "theirs", "grid"),
    [
        (uni.norm_cdf, stats.norm.cdf, X),
        (uni.norm_sf, stats.norm.sf, X),
        (uni.norm_ppf, stats.norm.ppf, Q),
        (uni.norm_isf, stats.norm.isf, Q),
    ],
)
def test_normal_functions_match_scipy(mine: Any, theirs: Any, grid: np.ndarray) -> None:
    """Standard normal cdf/sf/ppf/isf on the grids and at a scalar."""
    with np.errstate(all="ignore"):
        assert _same(mine(grid), theirs(grid))
        assert _same(mine(0.01), theirs(0.01))


@pytest.mark.parametrize("dfd", list(DF))
def test_f_functions_match_scipy(dfd: float) -> None:
    """F sf and ppf on a grid of thresholds/probabilities x numerator df, per denominator df."""
    x, dfn = np.meshgrid(X, DF)
    q, dfn_q = np.meshgrid(Q, DF)
    with np.errstate(all="ignore"):
        assert _same(uni.f_sf(x, dfn, dfd), stats.f.sf(x, dfn, dfd))
        assert _same(uni.f_ppf(q, dfn_q, dfd), stats.f.ppf(q, dfn_q, dfd))
        assert _same(uni.f_sf(3.2, 4, dfd), stats.f.sf(3.2, 4, dfd))
