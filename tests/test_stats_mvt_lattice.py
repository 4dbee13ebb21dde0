"""Genz's lattice method for multivariate t probabilities with any correlation."""

from __future__ import annotations

import numpy as np
from scipy import stats

from yieldtrial.stats._mvt_curve import CURVE_ABS_TOL, exceedance_curve
from yieldtrial.stats._mvt_lattice import _generating_vector, box_probability
from yieldtrial.stats.distributions import (
    _exact_exceedances,
    _lattice_exceedances,
    dunnett_critical_value,
    dunnett_pvalues,
)


def non_product_corr(k: int, seed: int = 7) -> np.ndarray:
    """Correlation of k contrasts with one control for LS-means with a random covariance."""
    rng = np.random.default_rng(seed)
    m = k + 1
    a = rng.normal(0.0, 0.3, (m, m))
    v = np.diag(rng.uniform(0.5, 1.5, m)) + a @ a.T / m
    w = np.zeros((k, m))
    w[np.arange(k), np.arange(1, m)] = 1.0
    w[:, 0] = -1.0
    c = w @ v @ w.T
    sd = np.sqrt(np.diag(c))
    return np.asarray(c / np.outer(sd, sd))


def test_generating_vector_is_deterministic():
    """The CBC generator depends only on (n, dim)."""
    a = _generating_vector.__wrapped__(251, 6)
    b = _generating_vector.__wrapped__(251, 6)
    np.testing.assert_array_equal(a, b)


def test_product_form_agrees_with_exact_quadrature():
    """On a product-form correlation the lattice equals the exact 1-D integral to 1e-5."""
    lam = np.array([0.5, 0.6, 0.7, 0.55, 0.65])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    cs = np.array([1.5, 2.5, 3.0])
    res = box_probability(cs, r, 10.0, two_sided=True, abs_tol=2e-6)
    exact = 1.0 - _exact_exceedances(cs, lam, 10.0, True)
    np.testing.assert_allclose(res.inside, exact, atol=1e-5)
    assert np.all(res.abs_error < 1e-5)


def test_general_correlation_matches_scipy_multivariate_t():
    """Non-product correlation, 6 comparisons: within 1e-4 of scipy with 10^6 points."""
    r = non_product_corr(6)
    cs = np.array([2.0, 2.8])
    ours, err, _ = _lattice_exceedances(cs, r, 12.0, True)
    ref = [
        1.0 - stats.multivariate_t.cdf(np.full(6, c), shape=r, df=12, lower_limit=np.full(6, -c),
                                       maxpts=1_000_000, random_state=np.random.default_rng(3))
        for c in cs
    ]  # fmt: skip
    np.testing.assert_allclose(ours, ref, atol=1e-4)
    assert np.all(err <= 5e-5 + 1e-9)


def test_pvalues_and_critical_value_are_repeatable_and_consistent():
    """Two calls give identical results; the p-value at the critical value is alpha."""
    r = non_product_corr(5, seed=11)
    t = np.array([0.4, 1.9, 2.6, 3.3, -2.9])
    p1, acc = dunnett_pvalues(t, r, 15)
    p2, _ = dunnett_pvalues(t, r, 15)
    np.testing.assert_array_equal(p1, p2)
    assert acc.method == "qmc" and acc.abs_error <= CURVE_ABS_TOL + 1e-9
    c, acc_c = dunnett_critical_value(r, 15)
    assert abs(acc_c.value - 0.05) < 1e-6  # the root of the frozen deterministic function
    p_at_c, _ = dunnett_pvalues(np.array([c, 0.0, 0.0, 0.0, 0.0]), r, 15)
    assert abs(p_at_c[0] - 0.05) < 1e-4  # adaptive lattice vs frozen one: within accuracy


def test_curve_pvalues_match_scipy_multivariate_t():
    """Curve p-values (8 comparisons, non-product) are within 1e-4 of scipy's multivariate_t.

    The tolerance adds scipy's own error (about 1e-5 with 10^6 points).
    """
    k = 8
    r = non_product_corr(k, seed=5)
    t = np.array([1.0, 2.2, 2.9])
    p, acc = dunnett_pvalues(np.concatenate([t, np.zeros(k - t.size)]), r, 20)
    ref = [
        1.0 - stats.multivariate_t.cdf(np.full(k, c), shape=r, df=20, lower_limit=np.full(k, -c),
                                       maxpts=1_000_000, random_state=np.random.default_rng(4))
        for c in t
    ]  # fmt: skip
    np.testing.assert_allclose(p[: t.size], ref, atol=1e-4 + 2e-5)
    assert acc.abs_error <= CURVE_ABS_TOL + 1e-9


def test_curve_interpolation_equals_direct_lattice():
    """Between its nodes the curve equals the lattice integral on the same points (to 1e-5)."""
    from yieldtrial.stats._mvt_lattice import nearest_product_form

    k = 6
    r = non_product_corr(k, seed=9)
    curve = exceedance_curve(r, 12.0, two_sided=True)
    lam = nearest_product_form(r)
    control = np.outer(lam, lam)
    np.fill_diagonal(control, 1.0)
    cs = np.array([1.7, 2.45, 3.1])
    # the direct lattice value with the same points and variable order: the curve's own
    # node order is at the Bonferroni 5 % threshold
    c_ref = float(stats.t.isf(0.05 / (2.0 * k), 12.0))
    direct = box_probability(
        cs, r, 12.0, two_sided=True, points=curve.points, order_at=c_ref, control=control
    )
    diff, _ = curve.difference(cs)
    np.testing.assert_allclose(diff, direct.inside, atol=1e-5)
