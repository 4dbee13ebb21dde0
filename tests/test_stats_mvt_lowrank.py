"""Exact curve for correlations of low-rank factor form (stats._mvt_lowrank)."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from yieldtrial.stats import _mvt_lowrank, distributions
from yieldtrial.stats.distributions import dunnett_pvalues


def three_factor(seed: int = 0, k: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Return ``A A' + I`` (a k x 3 standard normal ``A``) scaled to a correlation, and ``A``."""
    a = np.random.default_rng(seed).normal(size=(k, 3))
    c = a @ a.T + np.eye(k)
    sd = np.sqrt(np.diag(c))
    return c / np.outer(sd, sd), a


def dense_inside(a: np.ndarray, r: float, nodes: int = 64) -> float:
    """``P(max |X_i| <= r)`` for the correlation of ``A A' + I``: a dense 3-D rule.

    Independent of the module: Gauss-Legendre on [-7.5, 7.5] each way in the original
    factors of ``A`` (as ``benchmarks/check_dunnett_far.py``; 64 nodes agree with 96 to 2e-9).
    """
    x, w = np.polynomial.legendre.leggauss(nodes)
    x, w = 7.5 * x, 7.5 * w * np.exp(-0.5 * (7.5 * x) ** 2) / np.sqrt(2.0 * np.pi)
    grid = np.stack(np.meshgrid(x, x, x, indexing="ij"), -1).reshape(-1, 3)
    weight = (w[:, None, None] * w[None, :, None] * w[None, None, :]).ravel()
    keep = weight > 1e-18
    mean = grid[keep] @ a.T
    sd = np.sqrt(np.sum(a**2, axis=1) + 1.0)
    p = ndtr(r * sd - mean) - ndtr(-r * sd - mean)
    return float(weight[keep] @ np.prod(p, axis=1))


def test_fit_recovers_a_three_factor_correlation():
    """The fitted form reproduces every correlation of an exact 3-factor model."""
    r, _ = three_factor()
    fit = _mvt_lowrank.lowrank_fit(r)
    assert fit is not None and fit.loadings.shape == (20, 3)
    rebuilt = fit.loadings @ fit.loadings.T + np.diag(fit.unique**2)
    np.testing.assert_allclose(rebuilt, r, atol=1e-10)


def test_fit_refuses_a_correlation_of_no_low_rank_form():
    """AR(1) 0.9 is far from every 2- or 3-factor form: None (the general engine)."""
    lags = np.abs(np.subtract.outer(np.arange(20), np.arange(20)))
    assert _mvt_lowrank.lowrank_fit(0.9**lags) is None


def test_exceedance_matches_an_independent_dense_rule():
    """The product Gauss-Hermite rule is within 5e-5 of the dense 3-D rule (the curve's target).

    Measured: 3e-6 to 2e-5 at these thresholds (the rule's error is largest near r = 1).
    """
    r, a = three_factor()
    fit = _mvt_lowrank.lowrank_fit(r)
    thresholds = np.array([1.2, 2.0, 2.6, 3.2])
    got = _mvt_lowrank.lowrank_exceedance(thresholds, fit, True)
    want = np.array([1.0 - dense_inside(a, t) for t in thresholds])
    np.testing.assert_allclose(got, want, atol=5e-5)


def test_curve_states_an_error_covering_the_dense_rule():
    """The tabulated curve's stated error covers its difference from the dense rule."""
    r, a = three_factor()
    curve = _mvt_lowrank.lowrank_curve(_mvt_lowrank.lowrank_fit(r), two_sided=True)
    assert curve is not None and curve.error <= 1e-4
    thresholds = np.array([1.1, 1.6, 2.3, 2.9, 3.6])
    got = curve._normal_exceedance(thresholds)
    want = np.array([1.0 - dense_inside(a, t) for t in thresholds])
    assert np.max(np.abs(got - want)) <= curve.error


def test_dunnett_uses_the_factor_curve_for_a_three_factor_correlation():
    """Dunnett's p-values of a 3-factor correlation come from the exact factor curve."""
    r, a = three_factor()
    distributions._dunnett_curve_cached.cache_clear()
    p, acc = dunnett_pvalues(np.array([2.0, 3.0]), r, np.inf)
    curve = distributions._dunnett_curve(r, np.inf, two_sided=True)
    assert curve.method == "exact-factor"
    want = np.array([1.0 - dense_inside(a, 2.0), 1.0 - dense_inside(a, 3.0)])
    assert np.max(np.abs(p - want)) <= acc.abs_error <= 1e-4


def test_one_sided_curve_matches_the_dense_rule():
    """One-sided (``X_i <= r``): the curve against the dense rule's one-sided product."""
    r, a = three_factor(seed=1, k=12)
    curve = _mvt_lowrank.lowrank_curve(_mvt_lowrank.lowrank_fit(r), two_sided=False)
    assert curve is not None
    x, w = np.polynomial.legendre.leggauss(64)
    x, w = 7.5 * x, 7.5 * w * np.exp(-0.5 * (7.5 * x) ** 2) / np.sqrt(2.0 * np.pi)
    grid = np.stack(np.meshgrid(x, x, x, indexing="ij"), -1).reshape(-1, 3)
    weight = (w[:, None, None] * w[None, :, None] * w[None, None, :]).ravel()
    mean = grid @ a.T
    sd = np.sqrt(np.sum(a**2, axis=1) + 1.0)
    for t in (0.5, 1.5, 2.5):
        want = 1.0 - float(weight @ np.prod(ndtr(t * sd - mean), axis=1))
        assert abs(curve._normal_exceedance(np.array([t]))[0] - want) <= curve.error


def test_near_product_form_is_left_to_the_taylor_control():
    """Two factors, the second small (0.002 off the product form): no low-rank path."""
    lam = np.linspace(0.5, 0.8, 12)
    mu = np.where(np.arange(12) < 6, 0.04, -0.04)
    r = np.outer(lam, lam) + np.outer(mu, mu)
    np.fill_diagonal(r, 1.0)
    assert _mvt_lowrank.lowrank_fit(r) is None
