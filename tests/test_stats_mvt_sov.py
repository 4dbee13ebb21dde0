"""Genz's separation of variables for Dunnett and Tukey with any covariance (stats._mvt_sov)."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from mvt_cases import assert_repeatable, gauss_legendre, mvn3
from yieldtrial.stats import _mvt_sov, distributions
from yieldtrial.stats.distributions import (
    _exact_exceedances,
    dunnett_critical_value,
    dunnett_pvalues,
    pairwise_is_studentized_range,
    product_form_lambdas,
    tukey_critical_value,
    tukey_general_critical_value,
    tukey_general_pvalues,
    tukey_pvalues,
)


def non_product_corr(k: int, seed: int = 7, spread: float = 0.3) -> np.ndarray:
    """Correlation of k contrasts with one control for LS-means with a random covariance."""
    rng = np.random.default_rng(seed)
    m = k + 1
    a = rng.normal(0.0, spread, (m, m))
    v = np.diag(rng.uniform(0.5, 1.5, m)) + a @ a.T / m
    w = np.zeros((k, m))
    w[np.arange(k), np.arange(1, m)] = 1.0
    w[:, 0] = -1.0
    c = w @ v @ w.T
    sd = np.sqrt(np.diag(c))
    return np.asarray(c / np.outer(sd, sd))


def rcbd_ls_means_cov(k: int, blocks: int, missing: list[tuple[int, int]]) -> np.ndarray:
    """Covariance (sigma^2 = 1) of treatment LS-means of an RCBD with missing plots (OLS)."""
    rows = [(t, b) for t in range(k) for b in range(blocks) if (t, b) not in missing]
    x = np.zeros((len(rows), k + blocks - 1))
    for n, (t, b) in enumerate(rows):
        x[n, t] = 1.0
        if b:
            x[n, k + b - 1] = 1.0
    lmat = np.zeros((k, k + blocks - 1))
    lmat[:, :k] = np.eye(k)
    lmat[:, k:] = 1.0 / blocks
    return np.asarray(lmat @ np.linalg.inv(x.T @ x) @ lmat.T)


def chi_average(inside_normal, c: float, df: float) -> float:
    """E_s[inside_normal(c s)] over s = sqrt(chi2_df / df), by scipy.integrate.quad."""
    chi = stats.chi(df, scale=1.0 / np.sqrt(df))
    lo, hi = chi.ppf(1e-13), chi.isf(1e-13)
    value, _ = integrate.quad(lambda s: inside_normal(c * s) * chi.pdf(s), lo, hi, epsabs=1e-11,
                              limit=200)  # fmt: skip
    return float(value)


def mvn3_box(r: float, corr: np.ndarray) -> float:
    """P(|X_i| <= r, i = 1..3) for X ~ N(0, corr): ``mvt_cases.mvn3`` two-sided.

    A 2-D Gauss-Legendre rule (96 x 96) over (X1, X2) with X3 normal given both; the
    integrand is analytic on the square (96 nodes: below 1e-10).  No code shared with
    yieldtrial.
    """
    return mvn3(r, corr, two_sided=True)


def test_non_product_example_is_not_product_form():
    """The correlations used below are not of Dunnett's product form (the general path runs)."""
    assert product_form_lambdas(non_product_corr(20, seed=2024)) is None
    r3 = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, -0.3], [0.5, -0.3, 1.0]])
    assert product_form_lambdas(r3) is None


def test_product_form_curve_equals_exact_integral():
    """On a product-form correlation the curve equals Dunnett's 1-D integral (D = 0) to 1e-6.

    This checks the control's splined normal score and the chi average on their own.
    """
    lam = np.array([0.5, 0.6, 0.7, 0.55, 0.65])
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    t = np.array([0.3, 1.5, 2.5, 3.0, 4.5])
    for df, two_sided in ((10.0, True), (10.0, False), (np.inf, True)):
        got, err = distributions._dunnett_curve(r, df, two_sided=two_sided).exceedance(t)
        exact = _exact_exceedances(t, lam, df, two_sided)
        np.testing.assert_allclose(got, exact, atol=1e-6)
        assert np.all(err < 1e-6)


def test_three_dimensions_match_nested_quadrature():
    """Three comparisons, non-product correlation: within 1e-4 of an independent quadrature.

    No product form comes near this sign pattern, so the control variate is poor and the
    engine needs its larger node and point sets (a few seconds): the hard case.
    """
    r3 = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, -0.3], [0.5, -0.3, 1.0]])
    t = np.array([1.2, 2.4])
    p_normal, _ = dunnett_pvalues(t, r3, np.inf)
    p_t, acc = dunnett_pvalues(t, r3, 9.0)
    for i, c in enumerate(t):
        assert abs(p_normal[i] - (1.0 - mvn3_box(float(c), r3))) < 1e-4
        ref_t = 1.0 - chi_average(lambda x: mvn3_box(x, r3), float(c), 9.0)
        assert abs(p_t[i] - ref_t) < 1e-4
    assert acc.method == "qmc" and acc.abs_error <= 1e-4


def test_twenty_comparisons_match_scipy_multivariate_t():
    """20 comparisons, non-product correlation: within 1e-4 of scipy's multivariate_t.

    scipy.stats.multivariate_t.cdf is itself randomized QMC (Genz & Bretz); with 500,000
    points and a fixed random_state its own error here is a few 1e-6 (two seeds agree).
    """
    k = 20
    r = non_product_corr(k, seed=2024)
    t = np.array([1.8, 2.6, 3.3])
    p, acc = dunnett_pvalues(np.concatenate([t, np.zeros(k - t.size)]), r, 12)
    ref = [
        1.0 - stats.multivariate_t.cdf(np.full(k, c), shape=r, df=12, lower_limit=np.full(k, -c),
                                       maxpts=500_000, random_state=np.random.default_rng(4))
        for c in t
    ]  # fmt: skip
    np.testing.assert_allclose(p[: t.size], ref, atol=1e-4)
    assert acc.abs_error <= 1e-4


def test_one_sided_matches_scipy_multivariate_t():
    """One-sided ("greater") p-values, 8 comparisons: within 1e-4 of scipy's multivariate_t."""
    k = 8
    r = non_product_corr(k, seed=5, spread=0.6)
    t = np.array([-0.5, 1.4, 2.7])
    p, acc = dunnett_pvalues(np.concatenate([t, np.zeros(k - t.size)]), r, 20,
                             alternative="greater")  # fmt: skip
    ref = [
        1.0 - stats.multivariate_t.cdf(np.full(k, c), shape=r, df=20, maxpts=500_000,
                                       random_state=np.random.default_rng(6))
        for c in t
    ]  # fmt: skip
    np.testing.assert_allclose(p[: t.size], ref, atol=1e-4)
    assert acc.abs_error <= 1e-4


def test_pvalues_are_repeatable_bit_for_bit():
    """Two computations (caches cleared in between) give identical p-values and critical values."""
    assert_repeatable(non_product_corr(12, seed=11), np.linspace(-3.0, 3.5, 12), 15)


def test_critical_value_is_the_root_of_the_pvalue_curve():
    """The p-value at the critical value is alpha (same deterministic function)."""
    r = non_product_corr(6, seed=3)
    for alternative, conf in (("two-sided", 0.95), ("greater", 0.99)):
        c, acc = dunnett_critical_value(r, 14, alternative=alternative, confidence=conf)
        p, _ = dunnett_pvalues(np.array([c, 0, 0, 0, 0, 0.0]), r, 14, alternative=alternative)
        assert abs(p[0] - (1.0 - conf)) < 1e-9
        assert acc.method == "qmc" and acc.abs_error <= 1e-4


def test_independent_means_are_studentized_range():
    """D + u 1' + 1 u' (terms cancelling in differences) is detected; a correlated cov is not."""
    rng = np.random.default_rng(1)
    u = rng.normal(0, 0.2, 6)
    v = np.diag(rng.uniform(1.0, 2.0, 6)) + u[:, None] + u[None, :]
    assert pairwise_is_studentized_range(v)
    # one missing plot leaves the LS-means uncorrelated; two in different blocks do not
    assert pairwise_is_studentized_range(rcbd_ls_means_cov(6, 4, [(0, 0)]))
    assert not pairwise_is_studentized_range(rcbd_ls_means_cov(6, 4, [(0, 0), (2, 3)]))


def test_tukey_general_reduces_to_studentized_range():
    """Equal-variance independent means: the general engine gives the studentized range.

    A perturbation of 1e-9 keeps the general path (not detected as independent at 1e-12).
    """
    k = 6
    v = np.eye(k) + 0.5  # compound symmetry: differences as for independent means
    v[0, 1] = v[1, 0] = 0.5 + 1e-9
    t = np.array([1.0, 2.0, 3.2, 4.0])
    p, acc = tukey_general_pvalues(t, v, 8)
    np.testing.assert_allclose(p, tukey_pvalues(np.sqrt(2.0) * t, k, 8), atol=1e-6)
    c, _ = tukey_general_critical_value(v, 8)
    assert abs(c - tukey_critical_value(k, 8) / np.sqrt(2.0)) < 1e-5


def tukey3_inside(r: float, v: np.ndarray) -> float:
    """P(|m_i - m_j| <= r se_ij for the 3 pairs), m ~ N(0, v): piecewise Gauss-Legendre.

    With d1 = m2 - m1 and d2 = m3 - m1, the region is |d1| <= r s12, |d2| <= r s13,
    |d2 - d1| <= r s23; given d1 the constraint on d2 is one interval (a difference of
    normal cdfs), and the outer integrand is analytic between its kinks, where it is
    split (64 Gauss-Legendre nodes per piece).  No code shared with yieldtrial.
    """
    se = np.sqrt(np.diag(v)[:, None] + np.diag(v)[None, :] - 2 * v)
    w = np.array([[-1.0, 1.0, 0.0], [-1.0, 0.0, 1.0]])
    s = w @ v @ w.T
    sd1 = np.sqrt(s[0, 0])
    slope = s[0, 1] / s[0, 0]
    sd2 = np.sqrt(s[1, 1] - s[0, 1] ** 2 / s[0, 0])
    a, b, e = r * se[0, 1], r * se[0, 2], r * se[1, 2]
    kinks = sorted({-a, a, *(x for x in (b - e, e - b, -b - e, b + e) if -a < x < a)})
    nodes, weights = gauss_legendre(64)
    total = 0.0
    for left, right in zip(kinks[:-1], kinks[1:], strict=True):
        half = (right - left) / 2.0
        d1 = left + half * (nodes + 1.0)
        lo, hi = np.maximum(-b, d1 - e), np.minimum(b, d1 + e)
        m = slope * d1
        p = np.where(hi > lo, special.ndtr((hi - m) / sd2) - special.ndtr((lo - m) / sd2), 0.0)
        total += half * float(weights @ (p * stats.norm.pdf(d1, 0.0, sd1)))
    return total


def test_tukey_three_correlated_means_match_nested_quadrature():
    """3 correlated means, unequal variances: within 1e-4 of an independent quadrature.

    (Three means are always "independent with unequal variances" in their differences, so
    pairwise_means would use Tukey-Kramer; the general engine is exact for them too.)
    """
    v = np.array([[1.0, 0.3, 0.1], [0.3, 1.6, 0.5], [0.1, 0.5, 0.8]])
    t = np.array([1.5, 2.9])
    p, acc = tukey_general_pvalues(t, v, 10.0)
    for i, c in enumerate(t):
        ref = 1.0 - chi_average(lambda x: tukey3_inside(x, v), float(c), 10.0)
        assert abs(p[i] - ref) < 1e-4
    assert acc.abs_error <= 1e-4


def test_pairwise_means_use_the_general_engine_for_correlated_means():
    """An RCBD with missing plots (correlated LS-means): Tukey from the multivariate t, labelled."""
    from yieldtrial.stats.results import MeansModel

    k = 5
    cov = rcbd_ls_means_cov(k, 4, [(0, 0), (2, 3)])
    est = np.array([10.0, 12.0, 15.0, 11.0, 13.0])
    n = np.array([3, 4, 3, 4, 4])
    mm = MeansModel("t", tuple("abcde"), est, cov, 10.0, n, 1.0, "residual", "rcbd", "y ~ t", "y")
    from yieldtrial.stats.compare import pairwise_means

    out = pairwise_means(mm, method="tukey")
    i, j = np.triu_indices(k, 1)
    se = np.sqrt(cov[i, i] + cov[j, j] - 2 * cov[i, j])
    t = (mm.estimates[i] - mm.estimates[j]) / se
    expected, _ = tukey_general_pvalues(t, cov, 10.0)
    np.testing.assert_allclose(out["p_value_adjusted"], expected, atol=1e-12)
    assert "multivariate t" in out.attrs["provenance"]["adjustment"]
    assert isinstance(out, pd.DataFrame)


def test_sobol_levels_are_nested():
    """Doubling the points reuses the previous ones (the curve only evaluates the new half)."""
    small = _mvt_sov._sobol(7, 9)
    large = _mvt_sov._sobol(7, 10)
    np.testing.assert_array_equal(small, large[:, :512])


def _general_loop_region(region: _mvt_sov.Region) -> _mvt_sov.Region:
    """Return the same box as a region with (inactive, infinite) pairwise constraints.

    Such a region takes the general per-variable loop with a dense ``tensordot`` for every
    conditional mean, the reference for the in-place box loop.
    """
    d = region.chol.shape[0]
    return _mvt_sov.Region(region.chol, region.box_lo, region.box_hi, np.full((d, d), np.inf))


def test_box_integrand_equals_the_general_loop():
    # a one-sided and a two-sided box in Genz's reordered Cholesky of a non-product corr
    r = non_product_corr(6)
    w = _mvt_sov._sobol_rows(5, 6)[0]
    thresholds = np.array([0.5, 1.5, 2.5])
    for lo in (np.full(6, -1.0), np.full(6, -np.inf)):
        chol, _ = _mvt_sov.reordered_cholesky(r, 2.0 * lo, np.full(6, 2.0))
        box = _mvt_sov.Region(chol, lo, np.ones(6))
        fast = _mvt_sov._sov_integrand(thresholds, box, w)
        general = _mvt_sov._sov_integrand(thresholds, _general_loop_region(box), w)
        np.testing.assert_allclose(fast, general, rtol=1e-13, atol=1e-15)


def test_one_factor_running_sum_equals_the_dense_conditional_means():
    # product form diag(1 - lam^2) + lam lam': chol[i, j] = lam_i g_j below the diagonal,
    # g = chol^-1 lam, so the running sum gives the same integrand as the dense loop
    lam = np.array([0.3, -0.5, 0.7, 0.2, 0.6, -0.1])
    corr = np.outer(lam, lam)
    np.fill_diagonal(corr, 1.0)
    chol = np.linalg.cholesky(corr)
    lo, hi = np.full(6, -1.0), np.ones(6)
    g = np.linalg.solve(chol, lam)
    below = np.tril(np.outer(lam, g), -1)
    np.testing.assert_allclose(np.tril(chol, -1), below, atol=1e-14)
    w = _mvt_sov._sobol_rows(5, 6)[1]
    thresholds = np.array([0.8, 2.0])
    factor = _mvt_sov._sov_integrand(thresholds, _mvt_sov.Region(chol, lo, hi, factor=lam), w)
    dense = _mvt_sov._sov_integrand(
        thresholds, _general_loop_region(_mvt_sov.Region(chol, lo, hi)), w
    )
    np.testing.assert_allclose(factor, dense, rtol=1e-12, atol=1e-15)


def test_tukey_far_from_equal_variances_uses_the_integrand_alone(monkeypatch):
    """7 means with an AR(1) 0.9 covariance: no control (half the cost), within the error.

    Equal-variance independent means are no control for these differences (the difference
    from them varies as much as the integrand itself at 512 points), so the curve goes on
    with the target integrand alone (`ALONE_COST_RATIO`): 0.66 s -> 0.37 s.  Reference: a
    plain Monte Carlo of max |m_i - m_j| / (s se_ij) with 4,000,000 draws (seeded; its
    standard error, at most 1.1e-4 here, is added to the tolerance five times over).
    """
    calls = []
    original = _mvt_sov._replicate_sums

    def spy(r, regions, points, first=0):
        calls.append((regions[1] is None, first))
        return original(r, regions, points, first)

    monkeypatch.setattr(_mvt_sov, "_replicate_sums", spy)
    k, df = 7, 30.0
    v = 0.9 ** np.abs(np.subtract.outer(np.arange(k), np.arange(k)))
    t = np.array([2.0, 3.0, 3.8])
    distributions._pairwise_curve_cached.cache_clear()
    p, acc = tukey_general_pvalues(t, v, df)
    assert any(alone and first > 0 for alone, first in calls)  # went on without the control
    assert acc.abs_error <= 2e-4
    rng = np.random.default_rng(20261204)
    se = np.sqrt(np.diag(v)[:, None] + np.diag(v)[None, :] - 2.0 * v)
    iu = np.triu_indices(k, 1)
    chol = np.linalg.cholesky(v)
    exceed = np.zeros(t.size)
    draws = 4_000_000
    for _ in range(draws // 200_000):
        m = rng.standard_normal((200_000, k)) @ chol.T
        s = np.sqrt(rng.chisquare(df, 200_000) / df)
        q = np.max(np.abs(m[:, iu[0]] - m[:, iu[1]]) / se[iu], axis=1) / s
        exceed += (q[:, None] > t[None, :]).sum(axis=0)
    mc = exceed / draws
    mc_se = np.sqrt(mc * (1.0 - mc) / draws)
    assert np.all(np.abs(p - mc) <= acc.abs_error + 5.0 * mc_se)


def test_next_points_take_half_a_step_when_the_spread_is_predicted_to_meet_the_target():
    # hand derivation with the spread falling as N^-0.77: from 256 points a spread of 7.8e-5
    # against 7.4e-5 allowed needs 256 (7.8 / 7.4)^(1 / 0.77) = 274 points <= 384 (two
    # whole Sobol' nets, 256 + 128); 2e-4 needs 256 (2e-4 / 7.4e-5)^(1 / 0.77) = 931 > 384,
    # so the next doubling; with nothing allowed (the bound takes the target) the doubling
    counts = [64, 128, 256, 512, 1024]
    assert _mvt_sov._next_points(256, counts, 7.8e-5, 7.4e-5) == 384
    assert _mvt_sov._next_points(256, counts, 2e-4, 7.4e-5) == 512
    assert _mvt_sov._next_points(256, counts, 7.8e-5, -1e-5) == 512
    assert _mvt_sov._next_points(384, counts, 7.8e-5, 7.4e-5) == 512  # 384 + 128 is 512
    assert _mvt_sov._next_points(1024, counts, 7.8e-5, 7.4e-5) is None


def test_replicate_sums_stop_at_the_point_count():
    # 10 thresholds make blocks of 1,638 points per scramble, which do not divide 384: the
    # sums over the first 384 points equal the integrand summed directly over exactly
    # those points (before, the last block ran on to the 512 generated points)
    r = non_product_corr(6)
    chol, _ = _mvt_sov.reordered_cholesky(r, -2.5 * np.ones(6), 2.5 * np.ones(6))
    region = _mvt_sov.Region(chol, -np.ones(6), np.ones(6))
    thresholds = np.linspace(1.0, 3.5, 10)
    got = _mvt_sov._replicate_sums(thresholds, (region, None), 384)
    pts = _mvt_sov._sobol_rows(5, 9)  # (scrambles, 5, 512)
    direct = np.array([
        _mvt_sov._sov_integrand(thresholds, region, pts[j, :, :384]).sum(axis=1)
        for j in range(_mvt_sov.REPLICATES)
    ])  # fmt: skip
    np.testing.assert_allclose(got, direct, rtol=1e-12)


def ar1_score_difference(u: np.ndarray, rho: float, rho_score: float, k: int) -> np.ndarray:
    """``(G(r(u)) - Phi(u)) / phi(u)``: an exact AR(1) curve along another AR(1)'s exact score.

    ``G`` and the score's curve come from the Markov recursion of
    ``tests/markov_reference.py`` (independent of separation of variables), ``r(u)``
    by root-finding ``G_score(r) = Phi(u)``: the kind of smooth difference the engine
    interpolates, without the scrambles' noise.
    """
    from scipy.optimize import brentq
    from scipy.special import ndtr

    from markov_reference import ar1_inside

    out = []
    for ui in np.atleast_1d(u):
        level = float(ndtr(ui))
        r = brentq(lambda x, q=level: ar1_inside(x, rho_score, k, 120) - q, 1e-6, 12.0, xtol=1e-13)
        density = np.exp(-0.5 * ui * ui) / np.sqrt(2.0 * np.pi)
        out.append((ar1_inside(r, rho, k, 120) - ndtr(ui)) / density)
    return np.asarray(out)


@pytest.mark.parametrize("rho, rho_score, k", [(0.7, 0.6, 10), (0.9, 0.7, 20)])
def test_interpolation_bound_covers_the_error_on_exact_curves(rho, rho_score, k):
    # the bound of a node set (TOP_TERMS_FACTOR times the interpolant's two highest Hermite
    # terms, times phi(u)) against the actual interpolation error of exact values at the
    # nodes, on the engine's grid |u| <= 6 (nodes stretched into it as in max_t_curve); the
    # two terms alone were below the error on these curves (0.94 at 12 nodes on the first,
    # 0.98 at 16 on the second; docs/performance.md, stop 32)
    grid = np.linspace(-6.0, 6.0, 81)
    density = np.exp(-0.5 * grid**2) / np.sqrt(2.0 * np.pi)
    truth = ar1_score_difference(grid, rho, rho_score, k)
    for nodes in (8, 12, 16):
        x, _ = np.polynomial.hermite_e.hermegauss(nodes)
        stretch = min(1.0, 6.0 / float(x[-1]))
        values = ar1_score_difference(x * stretch, rho, rho_score, k)
        coef = np.linalg.solve(np.polynomial.hermite_e.hermevander(x, nodes - 1), values)
        fine = np.polynomial.hermite_e.hermeval(grid / stretch, coef)
        top = np.zeros_like(coef)
        top[-2:] = coef[-2:]
        tail = np.polynomial.hermite_e.hermeval(grid / stretch, top)
        actual = float(np.max(np.abs(fine - truth) * density))
        bound = _mvt_sov.TOP_TERMS_FACTOR * float(np.max(np.abs(tail) * density))
        assert actual > 1e-7  # the check is not below rounding
        assert bound >= actual


def test_variance_order_conditions_on_the_most_explaining_variable_first():
    # variables 1 and 2 correlate 0.8, variable 0 with both 0.1: conditioning on 1 (or 2)
    # removes 1 + 0.64 + 0.01 of the total variance, on 0 only 1.02; then 0 (its own 0.99
    # left) before 2 (0.36 left); the factor reproduces the covariance in that order
    cov = np.array([[1.0, 0.1, 0.1], [0.1, 1.0, 0.8], [0.1, 0.8, 1.0]])
    chol, order = _mvt_sov.variance_ordered_cholesky(cov)
    assert order.tolist() == [1, 0, 2]
    assert np.allclose(chol @ chol.T, cov[np.ix_(order, order)], atol=1e-14)
    assert np.allclose(chol, np.tril(chol))


def test_variance_order_takes_the_first_of_symmetric_variables():
    # AR(1) 0.6 with 4 variables: 1 and 2 explain the same variance (mirror images); the
    # first is taken whatever the rounding, then the order follows from the symmetry
    cov = 0.6 ** np.abs(np.subtract.outer(np.arange(4), np.arange(4)))
    _, order = _mvt_sov.variance_ordered_cholesky(cov)
    _, mirrored = _mvt_sov.variance_ordered_cholesky(cov[::-1, ::-1])
    assert order[0] == 1
    assert mirrored[0] == 1  # in the mirrored numbering the same tie, the same first pick


def test_block_map_returns_the_results_in_job_order_whatever_thread_ends_first(monkeypatch):
    # the first job sleeps longest, so with two threads a later one ends first; the results
    # still come back in the order of the jobs (the callers add them up in that order)
    import threading
    import time

    monkeypatch.setenv(_mvt_sov.THREADS_VARIABLE, "2")
    names = []

    def job(x: int) -> int:
        time.sleep(0.02 * (3 - x))
        names.append(threading.current_thread().name)
        return x * x

    work = float(_mvt_sov.THREAD_MIN_WORK)
    assert _mvt_sov.block_map(job, [0, 1, 2, 3], work) == [0, 1, 4, 9]
    assert all(name.startswith("yieldtrial") for name in names)


@pytest.mark.parametrize(("threads", "work"), [("1", 1e12), ("2", 1.0)])
def test_one_thread_or_small_work_runs_in_the_calling_thread(monkeypatch, threads, work):
    import threading

    monkeypatch.setenv(_mvt_sov.THREADS_VARIABLE, threads)
    names = _mvt_sov.block_map(lambda _: threading.current_thread().name, [0, 1, 2], work)
    assert names == [threading.current_thread().name] * 3


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("3", 3), ("0", 1), ("two", 1)])
def test_thread_count_reads_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv(_mvt_sov.THREADS_VARIABLE, value)
    assert _mvt_sov.thread_count() == expected


def test_thread_count_defaults_to_one(monkeypatch):
    # off unless asked for: two threads were slower on the far curves (stop 36)
    monkeypatch.delenv(_mvt_sov.THREADS_VARIABLE, raising=False)
    assert _mvt_sov.thread_count() == 1


@pytest.mark.parametrize(("with_control", "single"), [(False, False), (True, False), (False, True)])
def test_replicate_sums_are_the_same_bit_for_bit_at_one_and_two_threads(
    monkeypatch, with_control, single
):
    # every block in its own job (threads from any size on); 1,000 points from the 65th, so
    # the blocks do not divide the range: the sums at two threads equal those computed in
    # the calling thread bit for bit (the same blocks, added in the same order)
    corr = non_product_corr(12)
    chol, order, lo, hi, _ = _mvt_sov.dunnett_box(corr, True, by_variance=True)
    target = _mvt_sov.Region(chol, lo, hi, single=single)
    control = None
    if with_control:  # the plain difference from a product form in the same order
        lam = _mvt_sov.nearest_product_form(corr)[order]
        base = np.outer(lam, lam) + np.diag(1.0 - lam**2)
        control = _mvt_sov.Region(np.linalg.cholesky(base), lo, hi, factor=lam)
    thresholds = np.linspace(1.0, 3.5, 9)
    monkeypatch.setattr(_mvt_sov, "THREAD_MIN_WORK", 0)
    sums = {}
    for threads in ("1", "2"):
        monkeypatch.setenv(_mvt_sov.THREADS_VARIABLE, threads)
        sums[threads] = _mvt_sov._replicate_sums(thresholds, (target, control), 1000, 64)
    np.testing.assert_array_equal(sums["1"], sums["2"])


def test_far_dunnett_pvalues_are_the_same_bit_for_bit_at_one_and_two_threads(monkeypatch):
    # a random LS-means covariance (the Taylor-controlled curve; every integration in
    # threads): the p-values and critical value at two threads equal those at one
    corr = non_product_corr(10, spread=0.6)
    thresholds = np.linspace(0.5, 4.0, 10)
    monkeypatch.setattr(_mvt_sov, "THREAD_MIN_WORK", 0)
    results = {}
    for threads in ("1", "2"):
        monkeypatch.setenv(_mvt_sov.THREADS_VARIABLE, threads)
        distributions._dunnett_curve_cached.cache_clear()
        p, _ = dunnett_pvalues(thresholds, corr, 30.0)
        c, _ = dunnett_critical_value(corr, 30.0)
        results[threads] = (p, c)
    np.testing.assert_array_equal(results["1"][0], results["2"][0])
    assert results["1"][1] == results["2"][1]


def test_single_precision_normal_cdf_matches_scipy():
    # reference: scipy.special.ndtr in double precision; Numerical Recipes' erfcc has a
    # fractional error below 1.2e-7, float32 rounding adds about 6e-8
    x = np.linspace(-9.0, 9.0, 20001).astype(np.float32)
    out, z, t = (np.empty_like(x) for _ in range(3))
    got = _mvt_sov._ndtr_single(x, out, z, t)
    assert got.dtype == np.float32
    assert np.max(np.abs(got - special.ndtr(x.astype(float)))) <= 3e-7


def test_single_precision_normal_quantile_matches_scipy():
    # reference: scipy.special.ndtri in double precision, over the whole range the
    # single-precision integrand uses (one float32 step from 0 and 1; Giles's erfinv)
    tiny = _mvt_sov._SINGLE_P_MIN
    side = np.geomspace(tiny, 0.5, 5000)
    p = np.concatenate([side, 1.0 - side]).astype(np.float32)
    out, w, q = (np.empty_like(p) for _ in range(3))
    got = _mvt_sov._ndtri_single(p, out, w, q, np.empty(p.shape, dtype=bool))
    error = np.abs(got - special.ndtri(p.astype(float)))
    assert np.max(error) <= 3e-6
    assert np.max(error[(p > 1e-4) & (p < 1.0 - 1e-4)]) <= 1.2e-6


@pytest.mark.parametrize("two_sided", [True, False])
def test_single_precision_integrand_mean_is_far_within_its_stated_bias(two_sided):
    # the mean of the single-precision box integrand over the same 8 x 1,024 points is
    # within a tenth of SINGLE_PRECISION_BIAS of the double-precision one's (reference: the
    # double-precision integrand, scipy's ndtr/ndtri) at 17 thresholds; 20 comparisons with
    # a random LS-means covariance, in variance order (the pilot path's)
    from dataclasses import replace

    corr = non_product_corr(20, spread=0.6)
    chol, _, lo, hi, _ = _mvt_sov.dunnett_box(corr, two_sided, by_variance=True)
    region = _mvt_sov.Region(chol, lo, hi)
    thresholds = np.linspace(0.5, 4.5, 17) if two_sided else np.linspace(-1.0, 4.5, 17)
    double = _mvt_sov._replicate_sums(thresholds, (region, None), 1024) / 1024
    single_region = replace(region, single=True)
    single = _mvt_sov._replicate_sums(thresholds, (single_region, None), 1024) / 1024
    assert np.max(np.abs(single.mean(axis=0) - double.mean(axis=0))) <= (
        _mvt_sov.SINGLE_PRECISION_BIAS / 10.0
    )
    # and so is every scramble's mean (the spread over them is what the stated error takes)
    assert np.max(np.abs(single - double)) <= _mvt_sov.SINGLE_PRECISION_BIAS / 5.0


def test_a_forked_child_gets_its_own_thread_pool(monkeypatch):
    # a forked child inherits the parent's pool object but none of its threads: block_map
    # there makes a pool of its own (keyed on the process id) and runs the jobs
    import os

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    monkeypatch.setenv(_mvt_sov.THREADS_VARIABLE, "2")
    work = float(_mvt_sov.THREAD_MIN_WORK)
    assert _mvt_sov.block_map(lambda x: x + 1, [1, 2], work) == [2, 3]  # the parent's pool
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer through the pipe, then leave at once
        try:
            ok = _mvt_sov.block_map(lambda x: x * 2, [1, 2, 3], work) == [2, 4, 6]
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.waitpid(pid, 0)
    assert answer == b"1"


def test_generic_sample_correlation_states_an_error_covering_scipy():
    """A generic (sample) correlation of 8 comparisons: the stated error covers the truth.

    ``np.corrcoef`` of an 8 x 10 standard normal matrix (``default_rng(0)``; smallest
    eigenvalue 0.02, off-diagonals of both signs) is of no field-design structure, so the
    curve runs along a pilot score of the target (``stats._mvt_pilot``).  The reference is
    scipy.stats.multivariate_normal.cdf (df = inf: the normal curve every df averages) with
    1,000,000 points, the mean of two seeds (they differ by up to 6e-5 here, which the
    comparison allows for; stop 37 readings: error 3.8e-5, stated 9.6e-5).
    """
    k = 8
    corr = np.corrcoef(np.random.default_rng(0).normal(size=(k, 10)))
    c = np.array([1.8, 2.4])
    p, acc = dunnett_pvalues(c, corr, np.inf)
    # scipy 1.15 added ``rng``; before, the Fortran routine keeps its own generator
    # (two calls still differ, as two seeds do)
    seeded = "rng" in inspect.signature(stats.multivariate_normal.cdf).parameters
    refs = np.array([
        [
            1.0 - stats.multivariate_normal.cdf(
                np.full(k, ci), cov=corr, lower_limit=np.full(k, -ci), maxpts=1_000_000,
                abseps=1e-7, releps=0.0,
                **({"rng": np.random.default_rng(seed)} if seeded else {}),
            )
            for ci in c
        ]
        for seed in (1, 2)
    ])  # fmt: skip
    ref_error = float(np.max(np.abs(refs[0] - refs[1])))
    assert np.max(np.abs(p - refs.mean(axis=0))) <= acc.abs_error + ref_error
    assert acc.abs_error <= 1e-4


def test_product_form_distance_is_the_largest_row_sum_of_partial_residuals():
    # hand derivation: factors 0.6, 0.8 and 0 (1 - lam^2 = 0.64, 0.36, 1); the
    # correlations 0.6 (1, 2), 0.3 (1, 3), -0.2 (2, 3) less lam_i lam_j (0.48, 0, 0) are
    # 0.12, 0.3, -0.2; over sqrt((1 - lam_i^2)(1 - lam_j^2)) (0.48, 0.8, 0.6): 0.25,
    # 0.375, -1/3; row sums 0.625, 0.5833, 0.7083
    corr = np.array([[1.0, 0.6, 0.3], [0.6, 1.0, -0.2], [0.3, -0.2, 1.0]])
    distance = _mvt_sov.product_form_distance(corr, np.array([0.6, 0.8, 0.0]))
    assert distance == pytest.approx(0.375 + 1.0 / 3.0, rel=1e-12)
