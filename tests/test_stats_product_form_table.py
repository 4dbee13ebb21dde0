"""Tabulated normal curve of a product-form maximum (families with many distinct factors)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special, stats

from yieldtrial.stats import distributions as D


def _closed_form_independent(c: float, k: int, df: float) -> float:
    """P(max |T_i| > c) for k independent normals over one chi: 1 - E_s[(2 Phi(c s) - 1)^k].

    Independent path: the normal probability in closed form, the chi average by
    ``scipy.integrate.quad`` on the density of ``s = sqrt(chi2_df / df)``.
    """

    def integrand(s: float) -> float:
        inside = (2.0 * special.ndtr(c * s) - 1.0) ** k
        return float((1.0 - inside) * stats.chi.pdf(s * np.sqrt(df), df) * np.sqrt(df))

    value, _ = integrate.quad(integrand, 0.0, np.inf, epsabs=1e-13, epsrel=1e-11, limit=200)
    return float(value)


@pytest.mark.parametrize("df", [2.0, 12.0, 60.0])
def test_table_equals_closed_form_for_independent_comparisons(df: float) -> None:
    # lam = 0: the comparisons are independent and the exceedance has a closed form
    lam = np.zeros(100)
    cs = np.array([1.0, 2.5, 3.3, 4.0, 6.0])
    got = D._tabulated_exceedances(cs, lam, df, True)
    want = np.array([_closed_form_independent(c, 100, df) for c in cs])
    np.testing.assert_allclose(got, want, atol=D.TABLE_ABS_ERROR, rtol=1e-6)


@pytest.mark.parametrize("two_sided", [True, False])
def test_table_equals_direct_integral_for_distinct_factors(two_sided: bool) -> None:
    # 100 distinct factors between -0.3 and 0.9: the direct product-form integral (checked
    # against Dunnett's published tables in test_stats_distributions) at every threshold
    lam = np.random.default_rng(7).uniform(-0.3, 0.9, 100)
    cs = np.array([0.5, 2.0, 3.0, 3.6, 4.5, 6.0]) if two_sided else np.array([-1.0, 2.0, 3.5, 5.0])
    for df in (3.5, 30.0):
        got = D._tabulated_exceedances(cs, lam, df, two_sided)
        want = D._exact_exceedances(cs, lam, df, two_sided)
        np.testing.assert_allclose(got, want, atol=D.TABLE_ABS_ERROR, rtol=1e-6)


def test_many_distinct_factors_use_the_table() -> None:
    lam = np.linspace(0.4, 0.6, D.TABLE_MIN_FACTORS)
    assert D._tabulate(lam)
    assert not D._tabulate(lam[:-1])
    assert not D._tabulate(np.full(5000, 0.5))  # equal factors: one group, direct is cheap


def test_dunnett_pvalues_of_a_large_family_match_the_direct_integral() -> None:
    from yieldtrial.stats._covariance import ProductFormCorrelation

    lam = np.random.default_rng(11).uniform(0.45, 0.6, 300)
    t = np.random.default_rng(12).normal(0.0, 2.0, 300)
    p, acc = D.dunnett_pvalues(t, ProductFormCorrelation(lam), 24.0)
    some = np.argsort(np.abs(t))[[0, 150, 290, 299]]
    want = D._exact_exceedances(np.abs(t[some]), lam, 24.0, True)
    np.testing.assert_allclose(p[some], want, atol=D.TABLE_ABS_ERROR, rtol=1e-6)
    assert acc.abs_error >= D.TABLE_ABS_ERROR


def test_critical_value_from_the_table_solves_the_direct_integral() -> None:
    from yieldtrial.stats._covariance import ProductFormCorrelation

    lam = np.random.default_rng(13).uniform(0.45, 0.6, 200)
    crit, _ = D.dunnett_critical_value(ProductFormCorrelation(lam), 30.0)
    # the direct integral at the root is alpha to within the table's error
    assert D._exact_exceedances(np.array([crit]), lam, 30.0, True)[0] == pytest.approx(
        0.05, abs=10 * D.TABLE_ABS_ERROR
    )
