"""Genz's lattice method for multivariate t probabilities with any correlation."""

from __future__ import annotations

import numpy as np
from scipy import stats

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
    assert acc.method == "qmc" and acc.abs_error <= 5e-5 + 1e-9
    c, acc_c = dunnett_critical_value(r, 15)
    assert abs(acc_c.value - 0.05) < 1e-6  # the root of the frozen deterministic function
    p_at_c, _ = dunnett_pvalues(np.array([c, 0.0, 0.0, 0.0, 0.0]), r, 15)
    assert abs(p_at_c[0] - 0.05) < 1e-4  # adaptive lattice vs frozen one: within accuracy
