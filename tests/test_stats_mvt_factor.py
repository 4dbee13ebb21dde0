"""Bifactor base of Dunnett's curve for nested designs (stats._mvt_factor)."""

from __future__ import annotations

import numpy as np
import pytest

from mvt_cases import (
    alpha_lattice_corr,
    assert_repeatable,
    augmented_corr,
    contrast_corr,
    gls_means_cov,
)
from yieldtrial.stats import _mvt_factor, _mvt_taylor, distributions
from yieldtrial.stats.distributions import dunnett_pvalues


def split_plot_corr():
    """Split-plot, 3 whole-plot x 7 sub-plot treatments in 4 blocks, 3 sub-plots missing.

    The 21 cell means (whole plots random, variance ratio 0.8), every cell against cell
    (0, 0): the cells at the control's whole-plot level share its whole-plot error.
    """
    cells = [(b, i, j) for b in range(4) for i in range(3) for j in range(7)]
    cells = [c for c in cells if c not in {(0, 0, 1), (1, 2, 3), (3, 1, 5)}]
    trt = np.array([i * 7 + j for _, i, j in cells])
    blk = np.array([b for b, _, _ in cells])
    whole_plot = np.array([3 * b + i for b, i, _ in cells])
    return contrast_corr(gls_means_cov(trt, [blk], [whole_plot], [0.8], 21))


def small_bifactor():
    """Five variables: two groups of two and one alone (loadings chosen by hand)."""
    lam = np.array([0.6, 0.5, 0.7, 0.55, 0.65])
    mu = np.array([0.5, 0.45, 0.4, 0.5, 0.0])
    return _mvt_factor.Bifactor(lam, mu, np.array([0, 0, 1, 1, 2]), 0.0)


# 1 - P(X in box), X ~ N(0, small_bifactor().matrix()), from
# scipy.stats.multivariate_normal(np.zeros(5), m, seed=s, maxpts=2_000_000, abseps=1e-9,
# releps=0).cdf(np.full(5, c), lower_limit=-c or -inf) for s in (1, 2) (Genz's randomized
# lattice, independent code; scipy 1.17.1): the seeds agree to 5e-8.
SMALL_REFERENCE = {
    True: {
        0.8: (0.9041535077351351, 0.9041535074158595),
        1.6: (0.3798704255958415, 0.37987041142783273),
        2.4: (0.07027758135962092, 0.0702775286386772),
    },
    False: {
        0.8: (0.540872739515118, 0.5408726971278278),
        1.6: (0.19264619132825678, 0.19264616964677006),
        2.4: (0.03515135185029217, 0.035151347833030644),
    },
}


def test_fit_recovers_a_bifactor_correlation():
    """Groups of three and four: the loadings are identified (a pair only their product)."""
    lam = np.array([0.6, 0.5, 0.7, 0.55, 0.65, 0.6, 0.5, 0.45])
    mu = np.array([0.5, 0.45, 0.4, 0.3, 0.35, 0.4, 0.45, 0.0])
    fit = _mvt_factor.Bifactor(lam, mu, np.array([0, 0, 0, 1, 1, 1, 1, 2]), 0.0)
    found = _mvt_factor.bifactor_fit(fit.matrix())
    assert found is not None and found.residual < 1e-7
    np.testing.assert_allclose(found.general, lam, atol=1e-6)
    np.testing.assert_allclose(np.abs(found.group), mu, atol=1e-6)


def test_fit_declines_a_product_form():
    lam = np.linspace(0.4, 0.8, 6)
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    assert _mvt_factor.bifactor_fit(r) is None


def test_incomplete_blocks_are_not_bifactor():
    """An alpha-lattice's concurrences do not nest: the fit stays far off (not used)."""
    fit = _mvt_factor.bifactor_fit(alpha_lattice_corr())
    assert fit is None or fit.residual > _mvt_factor.BIFACTOR_MAX_RESIDUAL


def test_nested_designs_are_bifactor():
    """Split-plot cell means fit to 3e-4, augmented entries (blocks fixed) exactly."""
    split = _mvt_factor.bifactor_fit(split_plot_corr())
    augmented = _mvt_factor.bifactor_fit(augmented_corr())
    assert split is not None and split.residual < 1e-3
    assert np.bincount(split.label).tolist() == [6, 7, 7]  # whole-plot levels
    assert augmented is not None and augmented.residual < 1e-9
    assert np.bincount(augmented.label).tolist() == [4, 4, 4, 4, 4]  # blocks


@pytest.mark.parametrize("two_sided", [True, False])
def test_exceedance_matches_scipy_multivariate_normal(two_sided):
    ref = SMALL_REFERENCE[two_sided]
    c = np.array(sorted(ref))
    got = _mvt_factor.bifactor_exceedance(c, small_bifactor(), two_sided)
    np.testing.assert_allclose(got, [np.mean(ref[x]) for x in c], atol=2e-7)


@pytest.mark.parametrize("two_sided", [True, False])
def test_exceedance_rule_is_converged(two_sided):
    """The default rule against one twice as fine in both factors (split-plot base)."""
    fit = _mvt_factor.bifactor_fit(split_plot_corr())
    r = np.linspace(-1.0 if not two_sided else 0.3, 5.5, 40)
    coarse = _mvt_factor.bifactor_exceedance(r, fit, two_sided)
    fine = _mvt_factor.bifactor_exceedance(r, fit, two_sided, order=16, inner_nodes=48)
    np.testing.assert_allclose(coarse, fine, atol=1e-8)


def test_tiny_probabilities_keep_the_low_end():
    """Where ``G`` is below 1e-16 the exceedance is 1 to rounding (the weights normalised)."""
    fit = _mvt_factor.bifactor_fit(augmented_corr())
    assert _mvt_factor.bifactor_exceedance(np.array([1e-3]), fit, True)[0] >= 1.0 - 1e-15


# Two-sided Dunnett p-values P(max |T_i| >= c), df = 30, of split_plot_corr() from
# scipy.stats.multivariate_t (Genz-Bretz randomized QMC, independent code), 4,000,000
# points, seeds 1 and 2:
#   1 - multivariate_t(shape=corr, df=30, seed=s).cdf(np.full(20, c),
#       lower_limit=np.full(20, -c), maxpts=4_000_000)
# (scipy 1.17.1); the seeds agree to 5e-6, the values are their means.
SPLIT_PLOT_REFERENCE = {
    1.8: (0.5402383432737086, 0.5402399603868853),
    2.4: (0.20804932162684875, 0.20804937041880112),
    3.0: (0.060676514163860884, 0.060681383385342014),
}


def test_split_plot_matches_scipy_multivariate_t():
    r = split_plot_corr()
    c = np.array(sorted(SPLIT_PLOT_REFERENCE))
    expected = np.array([np.mean(SPLIT_PLOT_REFERENCE[x]) for x in c])
    distributions._dunnett_curve_cached.cache_clear()
    p, acc = dunnett_pvalues(np.concatenate([c, np.zeros(17)]), r, 30)
    assert acc.method == "qmc" and acc.abs_error <= 1e-4
    np.testing.assert_allclose(p[:3], expected, atol=1e-4)
    # the stated error covers the actual one (reference uncertainty: see the seeds)
    spread = max(abs(a - b) for a, b in SPLIT_PLOT_REFERENCE.values())
    assert np.max(np.abs(p[:3] - expected)) <= acc.abs_error + spread + 3e-6


def test_split_plot_curve_is_built_around_the_bifactor_base():
    """The first point count (64) and 8 nodes (around the product form: 16,384 and 24)."""
    distributions._dunnett_curve_cached.cache_clear()
    curve = distributions._dunnett_curve(split_plot_corr(), 30.0, two_sided=True)
    assert curve.points == _mvt_taylor.TAYLOR_POINT_COUNTS[0] == 64
    assert curve.coef.shape[1] == 8


def test_bifactor_pvalues_are_repeatable_bit_for_bit():
    distributions._dunnett_curve_cached.cache_clear()
    assert_repeatable(split_plot_corr(), np.linspace(0.5, 4.0, 20), 30)


@pytest.mark.parametrize("alternative", ["greater", "two-sided"])
def test_exact_bifactor_correlation_gives_the_base_curve(alternative):
    """Augmented entries are exactly bifactor: the p-values (known variance) are ``1 - G_B``.

    ``G_B`` itself is checked against scipy above; the QMC rest is zero here, so the
    curve must reproduce the quadrature to its stated error.
    """
    r = augmented_corr()
    c = np.linspace(0.2, 4.5, 20)
    distributions._dunnett_curve_cached.cache_clear()
    p, acc = dunnett_pvalues(c, r, np.inf, alternative=alternative)
    fit = _mvt_factor.bifactor_fit(r)
    expected = _mvt_factor.bifactor_exceedance(c, fit, alternative == "two-sided")
    assert acc.abs_error < 1e-6
    np.testing.assert_allclose(p, expected, atol=acc.abs_error)
