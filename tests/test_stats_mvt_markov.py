"""Exact curve for correlations of a Gaussian Markov chain (stats._mvt_markov)."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from scipy import stats

from markov_reference import autoregression, backward_inside, t_exceedance
from yieldtrial.stats import _mvt_markov, distributions
from yieldtrial.stats.distributions import dunnett_pvalues


def chain_t_exceedance(c: float, coef: np.ndarray, df: float, two_sided: bool) -> float:
    """``1 - G`` of the backward recursion averaged over ``s = chi_df / sqrt(df)``."""
    return t_exceedance(partial(backward_inside, coef=coef, two_sided=two_sided), c, df)


@pytest.fixture
def fresh_cache():
    distributions._dunnett_curve_cached.cache_clear()
    yield
    distributions._dunnett_curve_cached.cache_clear()


def test_fit_recovers_the_autoregression():
    """AR(1) 0.9: every ``b_j`` is 0.9 and the chain reproduces the correlation."""
    fit = _mvt_markov.markov_fit(autoregression(0.9))
    assert fit is not None
    np.testing.assert_allclose(fit.coef, 0.9, atol=1e-12)
    assert fit.residual < 1e-12


def test_fit_refuses_a_random_correlation():
    """A random correlation (Wishart, 20 x 20): its inverse is dense, so None."""
    a = np.random.default_rng(3).normal(size=(20, 40))
    c = a @ a.T
    sd = np.sqrt(np.diag(c))
    assert _mvt_markov.markov_fit(c / np.outer(sd, sd)) is None


def test_fit_finds_the_order_of_a_permuted_chain():
    """AR(1) 0.7, 12 variables in a shuffled order: the chain is found, 0.7 at every step."""
    order = np.random.default_rng(5).permutation(12)
    fit = _mvt_markov.markov_fit(autoregression(0.7, 12)[np.ix_(order, order)])
    assert fit is not None
    np.testing.assert_allclose(fit.coef, 0.7, atol=1e-12)
    assert fit.residual < 1e-12


def test_fit_refuses_an_inverse_whose_graph_is_no_path():
    """A star (variable 0 joined to 1, 2, 3 in the inverse, degree 3): None.

    The precision matrix is built with those four non-zero off-diagonal elements only, so
    its graph is the star and no order makes it tridiagonal.
    """
    prec = np.eye(6) * 2.0
    prec[0, 1:4] = prec[1:4, 0] = -0.6
    prec[4, 5] = prec[5, 4] = -0.5
    cov = np.linalg.inv(prec)
    sd = np.sqrt(np.diag(cov))
    assert _mvt_markov.chain_order(prec) is None
    assert _mvt_markov.markov_fit(cov / np.outer(sd, sd)) is None


def test_fit_refuses_a_cycle():
    """A cycle of 6 variables in the inverse (every degree 2, no end): None."""
    prec = np.eye(6) * 2.0
    for i in range(6):
        j = (i + 1) % 6
        prec[i, j] = prec[j, i] = -0.5
    assert _mvt_markov.chain_order(prec) is None


def test_permuted_chain_gives_the_same_pvalues(fresh_cache):
    """AR(1) 0.8, 20 comparisons, shuffled: the p-values of the given order to 1e-12.

    The maximum of the statistics does not depend on their order, and the fit recovers the
    same chain, so the curve and the p-values are the same.
    """
    r = autoregression(0.8)
    order = np.random.default_rng(11).permutation(20)
    t = np.linspace(0.5, 4.0, 20)
    p, acc = dunnett_pvalues(t, r, 30.0)
    p_perm, acc_perm = dunnett_pvalues(t, r[np.ix_(order, order)], 30.0)
    curve = distributions._dunnett_curve(r[np.ix_(order, order)], 30.0, two_sided=True)
    assert curve.method == "exact-markov"
    np.testing.assert_allclose(p_perm, p, rtol=0.0, atol=1e-12)
    assert acc_perm.abs_error == acc.abs_error


def test_recursion_matches_scipy_multivariate_normal():
    """Five variables, AR(1) 0.6: the two-sided box probability against scipy's (Genz)."""
    r = autoregression(0.6, 5)
    fit = _mvt_markov.markov_fit(r)
    got = _mvt_markov.markov_inside_outside(np.array([1.5]), fit, True, 48)[0][0]
    want = stats.multivariate_normal.cdf(
        np.full(5, 1.5), np.zeros(5), r, maxpts=2_000_000, abseps=1e-10, releps=0,
        lower_limit=np.full(5, -1.5),
    )  # fmt: skip
    assert abs(got - want) < 1e-6


@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
def test_small_case_matches_scipy_multivariate_t(fresh_cache, alternative):
    """Six comparisons, AR(1) 0.6, 30 df: p-values against scipy's multivariate t (QMC).

    scipy's randomised quasi-Monte Carlo with 200,000 points (seeded): its own error is
    about 1e-5; the tolerance is the curve's stated error plus 5e-5.
    """
    r = autoregression(0.6, 6)
    t = np.array([1.0, 2.0, 2.8])
    p, acc = dunnett_pvalues(t, r, 30.0, alternative=alternative)
    curve = distributions._dunnett_curve(r, 30.0, two_sided=alternative == "two-sided")
    assert curve.method == "exact-markov"
    dist = stats.multivariate_t(np.zeros(6), r, df=30, seed=11)
    for ti, pi in zip(t, p, strict=True):
        lower = np.full(6, -ti) if alternative == "two-sided" else None
        want = 1.0 - dist.cdf(np.full(6, ti), lower_limit=lower, maxpts=200_000)
        assert abs(pi - want) <= acc.abs_error + 5e-5


@pytest.mark.parametrize("rho", [0.5, 0.9])
@pytest.mark.parametrize("df", [30.0, np.inf])
@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
def test_twenty_comparisons_match_the_backward_recursion(fresh_cache, rho, df, alternative):
    """AR(1), 20 comparisons: every p-value within the stated error (<= 1e-4) of the reference."""
    r = autoregression(rho)
    t = np.linspace(0.5, 4.0, 20)
    p, acc = dunnett_pvalues(t, r, df, alternative=alternative)
    two = alternative == "two-sided"
    assert distributions._dunnett_curve(r, df, two_sided=two).method == "exact-markov"
    want = np.array([chain_t_exceedance(ti, np.full(19, rho), df, two) for ti in t[::6]])
    assert acc.abs_error <= 1e-4
    assert np.max(np.abs(p[::6] - want)) <= acc.abs_error


def test_non_stationary_chain_matches_the_backward_recursion():
    """A chain with ``b_j`` from -0.6 to 0.85 (15 comparisons): the curve within its error."""
    coef = np.linspace(-0.6, 0.85, 14)
    fit = _mvt_markov.markov_fit(_mvt_markov.chain_correlation(coef))
    assert fit is not None
    curve = _mvt_markov.markov_curve(fit, two_sided=True)
    assert curve is not None and curve.error <= 1e-4
    thresholds = np.array([1.2, 2.0, 2.7, 3.5])
    got = curve._normal_exceedance(thresholds)
    want = np.array([1.0 - backward_inside(c, coef, True) for c in thresholds])
    assert np.max(np.abs(got - want)) <= curve.error


def test_pvalues_agree_with_the_general_engine(fresh_cache, monkeypatch):
    """AR(1) 0.5, 30 df: the exact path agrees with the general engine within their errors."""
    r = autoregression(0.5)
    t = np.linspace(0.5, 4.0, 20)
    p, acc = dunnett_pvalues(t, r, 30.0)
    monkeypatch.setattr(_mvt_markov, "markov_fit", lambda *args: None)
    distributions._dunnett_curve_cached.cache_clear()
    p_sov, acc_sov = dunnett_pvalues(t, r, 30.0)
    curve = distributions._dunnett_curve(r, 30.0, two_sided=True)
    assert getattr(curve, "method", None) != "exact-markov"  # the engine's curve: no method
    assert np.max(np.abs(p - p_sov)) <= acc.abs_error + acc_sov.abs_error


def test_dunnett_leaves_a_random_correlation_to_the_general_engine(fresh_cache):
    """A random (Wishart) correlation of 8 comparisons does not take the Markov path."""
    a = np.random.default_rng(3).normal(size=(8, 16))
    c = a @ a.T
    sd = np.sqrt(np.diag(c))
    r = c / np.outer(sd, sd)
    dunnett_pvalues(np.array([2.0]), r, 30.0)
    curve = distributions._dunnett_curve(r, 30.0, two_sided=True)
    assert getattr(curve, "method", None) != "exact-markov"  # the engine's curve: no method


def test_strong_one_sided_chain_is_tabulated_at_128_nodes():
    """AR(1) 0.95, one-sided, 20 comparisons: the 128-node curve, within its stated error.

    At 64 nodes the curve states more than 1e-4 (the table's end spoilt); the reference is
    the backward recursion.
    """
    coef = np.full(19, 0.95)
    curve = _mvt_markov.markov_curve(_mvt_markov.markov_fit(autoregression(0.95)), two_sided=False)
    assert curve is not None and curve.error <= 1e-4
    thresholds = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    got = curve._normal_exceedance(thresholds)
    want = np.array([1.0 - backward_inside(c, coef, False) for c in thresholds])
    assert np.max(np.abs(got - want)) <= curve.error


@pytest.mark.parametrize("rho", [0.95, 0.97, 0.99])
def test_strong_two_sided_chain_matches_the_backward_recursion(fresh_cache, rho):
    """AR(1) 0.95-0.99, two-sided, 20 comparisons, 30 df: exact path, within its error.

    The knots 0.2 apart missed the bend of the normal score near ``r = 0.5`` (stated 1e-4
    to 2e-3); halved there the curve states at most 1e-4.  The reference is the backward
    recursion (Simpson, 601 nodes) averaged over the chi scale.
    """
    r = autoregression(rho)
    t = np.linspace(0.5, 4.0, 20)
    p, acc = dunnett_pvalues(t, r, 30.0)
    assert distributions._dunnett_curve(r, 30.0, two_sided=True).method == "exact-markov"
    want = np.array([chain_t_exceedance(ti, np.full(19, rho), 30.0, True) for ti in t[::6]])
    assert acc.abs_error <= 1e-4
    assert np.max(np.abs(p[::6] - want)) <= acc.abs_error


def test_chain_order_refuses_an_inverse_holding_nan():
    """A NaN inverse has no edges above the tolerance: refused, not read as isolated vertices."""
    assert _mvt_markov.chain_order(np.full((4, 4), np.nan)) is None


def test_two_chains_shuffled_together_match_the_backward_recursion(fresh_cache):
    """AR(1) 0.8 (6) and 0.5 (5) independent, shuffled: one chain with a 0 step, within error.

    The inverse's graph is two paths; walked one after the other they make a chain whose
    step between them is 0 (the two are independent), so the reference is the backward
    recursion of ``b = (0.8 x 5, 0, 0.5 x 4)``.
    """
    from scipy.linalg import block_diag

    order = np.random.default_rng(2).permutation(11)
    r = block_diag(autoregression(0.8, 6), autoregression(0.5, 5))[np.ix_(order, order)]
    coef = np.r_[np.full(5, 0.8), 0.0, np.full(4, 0.5)]
    np.testing.assert_allclose(_mvt_markov.markov_fit(r).coef, coef, atol=1e-12)
    t = np.array([1.0, 2.0, 3.0])
    p, acc = dunnett_pvalues(t, r, 30.0)
    assert distributions._dunnett_curve(r, 30.0, two_sided=True).method == "exact-markov"
    want = np.array([chain_t_exceedance(ti, coef, 30.0, True) for ti in t])
    assert np.max(np.abs(p - want)) <= acc.abs_error


def test_chain_up_to_noise_1e8_is_left_to_the_general_engine(fresh_cache):
    """AR(1) 0.8 (12) plus symmetric noise of sd 1e-8: the inverse is dense, so refused.

    The general engine's p-values stay within its stated error of the chain's (the noise
    moves them by about 1e-8).
    """
    noise = np.random.default_rng(7).normal(0.0, 1e-8, (12, 12))
    noise = (noise + noise.T) / 2.0
    np.fill_diagonal(noise, 0.0)
    r = autoregression(0.8, 12) + noise
    assert _mvt_markov.markov_fit(r) is None
    t = np.array([1.0, 2.0, 3.0])
    p, acc = dunnett_pvalues(t, r, 30.0)
    want = np.array([chain_t_exceedance(ti, np.full(11, 0.8), 30.0, True) for ti in t])
    assert np.max(np.abs(p - want)) <= acc.abs_error + 1e-7
