"""Exact nested quadrature for exactly bifactor correlations (stats._mvt_nested)."""

from __future__ import annotations

import numpy as np
import pytest

from mvt_cases import alpha_lattice_corr, augmented_family
from yieldtrial.stats import _mvt_nested, distributions
from yieldtrial.stats.distributions import dunnett_critical_value, dunnett_pvalues


def _general_engine(monkeypatch, t, r, df, alternative):
    """P-values and critical value of the general engine (the nested path switched off)."""
    monkeypatch.setattr(_mvt_nested, "exact_bifactor", lambda corr, lam=None: None)
    distributions._dunnett_curve_cached.cache_clear()
    distributions._dunnett_critical_qmc_cached.cache_clear()
    p, acc = dunnett_pvalues(t, r, df, alternative=alternative)
    crit, acc_c = dunnett_critical_value(r, df, alternative=alternative)
    monkeypatch.undo()
    distributions._dunnett_curve_cached.cache_clear()
    distributions._dunnett_critical_qmc_cached.cache_clear()
    return p, acc, crit, acc_c


@pytest.mark.parametrize("checks", [2, 3])
def test_augmented_family_is_exactly_bifactor(checks):
    """Entries and checks vs check 0: one general factor, one group per block (+ the checks)."""
    r = augmented_family(checks, 5, 3)
    fit = _mvt_nested.exact_bifactor(r)
    assert fit is not None and fit.residual < 1e-12
    same = fit.label[:, None] == fit.label[None, :]
    rebuilt = np.outer(fit.general, fit.general) + np.where(same, np.outer(fit.group, fit.group), 0)
    rebuilt += np.diag(fit.sd**2)
    np.testing.assert_allclose(rebuilt, r, atol=1e-12)
    # the other checks' comparisons lie in the span of the factors (no unique part)
    assert np.all(fit.sd[: checks - 1] == 0.0) and np.all(fit.sd[checks - 1 :] > 0.3)
    assert sorted(np.bincount(fit.label).tolist()) == [checks - 1, 3, 3, 3, 3, 3]


def test_missing_check_plot_falls_back_to_the_general_engine():
    """A check (not the control) lost in one block: no longer bifactor, so None."""
    assert _mvt_nested.exact_bifactor(augmented_family(3, 5, 3, drop=(1, 2))) is None


def test_four_checks_fall_back():
    """Three other checks' comparisons given the general factor have rank 2: not one group."""
    assert _mvt_nested.exact_bifactor(augmented_family(4, 5, 3)) is None


def test_non_bifactor_correlation_is_not_taken():
    """An alpha-lattice (REML-like GLS) and an augmented family off the form by 1e-7."""
    assert _mvt_nested.exact_bifactor(alpha_lattice_corr()) is None
    r = augmented_family(3, 5, 3)
    r[4, 9] += 1e-7
    r[9, 4] += 1e-7
    assert _mvt_nested.exact_bifactor(r) is None
    distributions._dunnett_curve_cached.cache_clear()
    _, acc = dunnett_pvalues(np.linspace(1.0, 3.0, 20), alpha_lattice_corr(), 30)
    assert acc.method == "qmc"


@pytest.mark.parametrize("checks", [2, 3])
@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
def test_nested_matches_general_engine(monkeypatch, checks, alternative):
    """4 blocks x 4 entries (16-17 comparisons), df 18: within the two stated errors."""
    r = augmented_family(checks, 4, 4)
    t = np.linspace(0.5, 4.0, 15)
    distributions._dunnett_curve_cached.cache_clear()
    distributions._dunnett_critical_qmc_cached.cache_clear()
    p, acc = dunnett_pvalues(t, r, 18, alternative=alternative)
    crit, acc_c = dunnett_critical_value(r, 18, alternative=alternative)
    # stated error: the spline at step 0.05 (stop 32), measured 1.7e-7 to 1.8e-7 here
    assert acc.method == acc_c.method == "exact-nested" and acc.abs_error < 1e-6
    p_gen, acc_gen, crit_gen, acc_c_gen = _general_engine(monkeypatch, t, r, 18, alternative)
    assert acc_gen.method == "qmc"
    assert np.max(np.abs(p - p_gen)) <= acc.abs_error + acc_gen.abs_error
    # the critical value: the general curve's error over its slope there (t scale, loose)
    assert abs(crit - crit_gen) <= 50.0 * (acc_c.abs_error + acc_c_gen.abs_error)


# P(max |T_i| >= c) (two-sided; "greater": max T_i), df = 30, from scipy.stats.multivariate_t
# (Genz-Bretz randomized QMC, independent code), 4,000,000 points, seeds 1 and 2:
#   1 - multivariate_t(shape=r, df=30, seed=s).cdf(np.full(d, c),
#       lower_limit=np.full(d, -c) (two-sided) or -inf, maxpts=4_000_000)
# with r = augmented_family(checks, 3, 2) (3 blocks x 2 entries; scipy 1.17.1).  The seeds
# agree to 2.4e-7; the values are their means.
SCIPY_REFERENCES = {
    (3, "two-sided"): {1.8: (0.4289021191596868, 0.4289021052676696),
                       2.4: (0.14624745225624125, 0.14624758555276451),
                       3.0: (0.03819762384071779, 0.03819753615173482)},
    (2, "two-sided"): {1.8: (0.4011576064947534, 0.401157561390704),
                       2.4: (0.133827176839877, 0.13382718737280874),
                       3.0: (0.034420325988501976, 0.03442039675910913)},
    (3, "greater"): {1.8: (0.22720917285157194, 0.22720941123533656),
                     2.4: (0.07424895112717544, 0.07424880243111653),
                     3.0: (0.019180947498994905, 0.019180713838823804)},
}  # fmt: skip


@pytest.mark.parametrize(("checks", "alternative"), sorted(SCIPY_REFERENCES))
def test_nested_matches_scipy_multivariate_t(checks, alternative):
    """7-8 comparisons: within 1e-6 of scipy (the references' own spread: 2.4e-7)."""
    ref = SCIPY_REFERENCES[(checks, alternative)]
    r = augmented_family(checks, 3, 2)
    c = np.array(sorted(ref))
    expected = np.array([np.mean(ref[x]) for x in c])
    distributions._dunnett_curve_cached.cache_clear()
    p, acc = dunnett_pvalues(c, r, 30, alternative=alternative)
    assert acc.method == "exact-nested" and acc.abs_error < 2e-7  # measured 1.4e-7 (stop 32)
    np.testing.assert_allclose(p, expected, atol=1e-6)


def test_nested_quadrature_matches_a_finer_rule():
    """The normal curve against panels a third as wide and 3x the nodes: 1e-9 at 12 points.

    The rule of stop 32 (6 Gauss-Legendre points per panel, 16 Gauss-Hermite nodes)
    measures 3.2e-10 (two-sided) and 2.7e-10 (one-sided) here.
    """
    fit = _mvt_nested.exact_bifactor(augmented_family(3, 4, 4))
    r = np.linspace(0.5, 5.0, 12)
    for two_sided in (True, False):
        base = _mvt_nested.nested_exceedance(r, fit, two_sided)
        fine = _mvt_nested.nested_exceedance(r, fit, two_sided, order=16, inner_nodes=48, refine=3)
        np.testing.assert_allclose(base, fine, atol=1e-9)


def test_large_family_costs_little():
    """400 entries in 10 blocks + 2 other checks (the report of stop 31): one exact pass."""
    checks, blocks, per_block = 3, 10, 40
    r = augmented_family(checks, blocks, per_block)
    fit = _mvt_nested.exact_bifactor(r)
    assert fit is not None
    curve = _mvt_nested.nested_curve(fit, two_sided=True)
    assert curve.error < 1e-6  # measured 8.1e-7 (stop 32: the spline at step 0.05)


@pytest.mark.parametrize("two_sided", [True, False])
@pytest.mark.parametrize("shape", [(3, 3, 6), (3, 10, 40)])
def test_stated_error_covers_a_much_finer_rule(shape, two_sided):
    """20 and 402 comparisons: the tabulated curve within its stated error everywhere.

    The reference is the quadrature itself with panels a third as wide, 16 Gauss-Legendre
    points per panel and 48 Gauss-Hermite nodes (3.2e-10 from the curve's rule, test
    above), at 301 thresholds across the table (grid points and between them).  Measured
    at stop 32: differences 1.6e-8 to 4.3e-7 against stated errors 2.0e-8 to 8.1e-7.
    """
    fit = _mvt_nested.exact_bifactor(augmented_family(*shape))
    curve = _mvt_nested.nested_curve(fit, two_sided=two_sided)
    r = np.linspace(curve.r_grid[0], curve.r_grid[-1], 301)
    fine = _mvt_nested.nested_exceedance(r, fit, two_sided, order=16, inner_nodes=48, refine=3)
    assert curve.error < 1e-6
    assert np.max(np.abs(curve._normal_exceedance(r) - fine)) <= curve.error


def test_general_loading_above_one_in_a_pair_is_no_form_not_a_crash():
    """A pair whose general loading exceeds 1: no exact form (was ZeroDivisionError).

    Groups {0, 1}, {2, 3}, {4, 5}: between-group correlations 0.5, 0.5 and 0.2 give
    m_P^2 = 0.5 * 0.5 / 0.2 = 1.25, so the first pair's general loadings are 1.118 and
    1 - lam^2 < 0 for both; clipped to 1e-300 each, their product underflowed to 0.
    (diff43: the Kenward-Roger Dunnett family of an augmented RCBD with random blocks,
    3 checks x 4 blocks + 17 entries, stopped the report with an internal error.)
    """
    r = np.full((6, 6), 0.2)
    r[:2, :] = r[:, :2] = 0.5
    r[0, 1] = r[1, 0] = 0.9
    r[2, 3] = r[3, 2] = r[4, 5] = r[5, 4] = 0.6
    np.fill_diagonal(r, 1.0)
    label = np.array([0, 0, 1, 1, 2, 2])
    assert _mvt_nested._general(r, label)[0] == pytest.approx(np.sqrt(1.25))
    assert _mvt_nested._fit(r, label) is None


def _low_rank_augmented(blocks: int, per_block: int) -> tuple[np.ndarray, np.ndarray]:
    """``(d, h)`` of a three-check augmented family in its factors (hand-built).

    Columns of ``h``: the general part ``W`` (0.3), one column per block (0.5, the block's
    check mean) and one for the two other checks' difference; the two other checks'
    comparisons are ``W``-multiples plus or minus that column, with no own variance.
    """
    m = blocks * per_block + 2
    h = np.zeros((m, blocks + 2))
    h[:, 0] = 0.3
    for b in range(blocks):
        h[b * per_block : (b + 1) * per_block, 1 + b] = 0.5
    h[-2:, 0] = 0.6
    h[-2, -1], h[-1, -1] = 0.4, -0.4
    d = np.r_[np.ones(blocks * per_block), 0.0, 0.0]
    return d, h


def test_low_rank_form_equals_the_dense_form():
    """From the distinct rows: the loadings ``exact_bifactor`` finds on the dense matrix.

    Expected: ``exact_bifactor`` of the dense correlation of ``diag(d) + h h'`` (the same
    groups, loadings up to the sign of a group, unique spreads).
    """
    d, h = _low_rank_augmented(5, 4)
    v = h @ h.T + np.diag(d)
    sd = np.sqrt(np.diag(v))
    dense = _mvt_nested.exact_bifactor(v / np.outer(sd, sd))
    fit = _mvt_nested.exact_bifactor_low_rank(d, h)
    assert dense is not None and fit is not None and fit.residual < 1e-13
    np.testing.assert_allclose(np.abs(fit.general), np.abs(dense.general), atol=1e-12)
    np.testing.assert_allclose(np.abs(fit.group), np.abs(dense.group), atol=1e-12)
    np.testing.assert_allclose(fit.sd, dense.sd, atol=1e-12)
    same = fit.label[:, None] == fit.label[None, :]
    np.testing.assert_array_equal(same, dense.label[:, None] == dense.label[None, :])


def _with_other_checks(d, h, rank):
    """Add flat members so that the other checks' group has ``rank`` (W-part 0.6)."""
    p = rank + 1
    extra = np.zeros((p, h.shape[1] + rank))
    extra[:, 0] = 0.6
    extra[:, h.shape[1] :] = np.linalg.qr(np.random.default_rng(1).normal(size=(p, p)))[0][
        :, :rank
    ] * np.sqrt(1.0 - 0.36)
    h = np.column_stack([h[:-2], np.zeros((h.shape[0] - 2, rank))])
    return np.r_[d[:-2], np.zeros(p)], np.vstack([h, extra])


def test_low_rank_form_takes_three_other_checks_as_a_plane():
    """Three flat members spanning two dimensions beside W (four checks): plane loadings.

    Expected: the dense correlation of ``diag(d) + h h'``, reproduced to 1e-12.
    """
    d, h = _with_other_checks(*_low_rank_augmented(5, 4), rank=2)
    fit = _mvt_nested.exact_bifactor_low_rank(d, h)
    assert fit is not None and fit.plane is not None
    v = h @ h.T + np.diag(d)
    sd = np.sqrt(np.diag(v))
    same = fit.label[:, None] == fit.label[None, :]
    form = np.outer(fit.general, fit.general) + np.where(same, np.outer(fit.group, fit.group), 0)
    form += fit.plane @ fit.plane.T + np.diag(fit.sd**2)
    np.testing.assert_allclose(form, v / np.outer(sd, sd), atol=1e-12)


def test_low_rank_form_refuses_four_other_checks():
    """Four flat members spanning three dimensions beside W (five checks): None."""
    d, h = _with_other_checks(*_low_rank_augmented(5, 4), rank=3)
    assert _mvt_nested.exact_bifactor_low_rank(d, h) is None


def test_curve_ends_before_its_exceedance_underflows():
    """Two checks, 200 blocks of 50 entries: the other check's comparison is ``W`` itself.

    The loadings are those of a 10,000-entry augmented trial (stop 43).  From r = 9 the
    quadrature's exceedance rounds to 0; before, log(0) next to log(1e-19) made the spline
    overshoot and the stated error was 1.5e9.  Now the table ends there (measured: stated
    error 1.6e-5, the finer rule's check) and the curve is 0 beyond it.
    """
    blocks, per = 200, 50
    lam, mu = 0.04079085, 0.57686974
    fit = _mvt_nested.ExactBifactor(
        np.r_[1.0, np.full(blocks * per, lam)],
        np.r_[0.0, np.full(blocks * per, mu)],
        np.r_[0, 1 + np.repeat(np.arange(blocks), per)],
        np.r_[0.0, np.full(blocks * per, np.sqrt(1.0 - lam**2 - mu**2))],
        0.0,
    )
    curve = _mvt_nested.nested_curve(fit, two_sided=True)
    assert curve.error < 1e-4
    values, _ = curve.exceedance(np.linspace(0.5, 12.0, 200))
    assert np.all(np.isfinite(values)) and np.all((values >= 0.0) & (values <= 1.0))
    assert np.all(np.diff(values) <= 0.0)
