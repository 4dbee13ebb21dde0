"""Second-order Taylor control of the SOV integrand around the product form (stats._mvt_taylor)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mvt_cases import (
    alpha_lattice_b3_corr,
    alpha_lattice_corr,
    assert_repeatable,
    augmented_corr,
    contrast_corr,
    gls_means_cov,
    mvn3,
    row_column_corr,
    third_order_box,
)
from yieldtrial.stats import _mvt_nested, _mvt_sov, _mvt_taylor, distributions
from yieldtrial.stats.distributions import dunnett_pvalues

# Two-sided Dunnett p-values P(max |T_i| >= c), df = 30, from scipy.stats.multivariate_t
# (Genz-Bretz randomized QMC, independent code) with 4,000,000 points and two seeds:
#   1 - multivariate_t(shape=corr, df=30, seed=s).cdf(np.full(20, c),
#       lower_limit=np.full(20, -c), maxpts=4_000_000)   for s in (1, 2)
# (the case functions of tests/mvt_cases.py; scipy 1.17.1).  The two seeds agree to 3e-6;
# the values are their means.
REFERENCES = {
    "alpha_lattice": (
        alpha_lattice_corr,
        {1.8: (0.5542859000420203, 0.5542882106079727),
         2.4: (0.21476840978846912, 0.21477125626368754),
         3.0: (0.06323084132354795, 0.06323426392693643)},
    ),
    "row_column": (
        row_column_corr,
        {1.8: (0.552449438312587, 0.5524521894648207),
         2.4: (0.2140032197941839, 0.21400467772895349),
         3.0: (0.06299965899363436, 0.06299802054597681)},
    ),
    # blocks of 3 (seeds agree to 1e-6): far from product form and not nested (12-16 nodes)
    "alpha_lattice_b3": (
        alpha_lattice_b3_corr,
        {1.8: (0.5516179768578038, 0.5516172486081573),
         2.4: (0.21363019734783184, 0.21362991745412818),
         3.0: (0.06281548515457314, 0.06281650042201137)},
    ),
    "augmented": (
        augmented_corr,
        {1.8: (0.7316584558104879, 0.7316585159839828),
         2.4: (0.314646174299546, 0.31464576293447255),
         3.0: (0.0906164371323741, 0.09061687558323495)},
    ),
}  # fmt: skip


def test_structured_correlations_are_far_from_product_form():
    """The cases deviate from their nearest product form by 0.09-0.25 (incomplete blocks)."""
    for make, _ in REFERENCES.values():
        r = make()
        lam = _mvt_sov.nearest_product_form(r)
        off = ~np.eye(20, dtype=bool)
        assert np.max(np.abs(r - np.outer(lam, lam))[off]) > 0.09
        assert distributions.product_form_lambdas(r) is None


@pytest.mark.parametrize("case", sorted(REFERENCES))
def test_dunnett_matches_scipy_multivariate_t(case, monkeypatch):
    """20 comparisons, structured correlation: within 1e-4 of scipy (4e6 points, 2 seeds).

    The general engine itself: the exact nested path (which takes the augmented family,
    exactly bifactor) is switched off; tests/test_stats_mvt_nested.py checks that path.
    """
    monkeypatch.setattr(_mvt_nested, "exact_bifactor", lambda r, lam=None: None)
    make, ref = REFERENCES[case]
    r = make()
    c = np.array(sorted(ref))
    expected = np.array([np.mean(ref[x]) for x in c])
    distributions._dunnett_curve_cached.cache_clear()
    p, acc = dunnett_pvalues(np.concatenate([c, np.zeros(17)]), r, 30)
    assert acc.method == "qmc" and acc.abs_error <= 1e-4
    np.testing.assert_allclose(p[:3], expected, atol=1e-4)
    # and the stated error covers the actual one (reference uncertainty: 3e-6)
    assert np.max(np.abs(p[:3] - expected)) <= acc.abs_error + 5e-6
    distributions._dunnett_curve_cached.cache_clear()  # not the general curve for later tests


def test_structured_pvalues_are_repeatable_bit_for_bit():
    assert_repeatable(alpha_lattice_corr(), np.linspace(0.5, 4.0, 20), 30)


# ---------------------------------------------------------------- the pieces, independently
@pytest.mark.parametrize("two_sided", [True, False])
def test_expansion_terms_are_the_derivatives_of_an_independent_quadrature(two_sided):
    # G(C_1 + t D) at 13 values of t in [-0.3, 0.3] by mvn3, fitted by a degree-8
    # polynomial: its coefficients of t, t^2, t^3 are T_1, T_2, T_3
    lam = np.array([0.5, 0.6, 0.7])
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    target = np.array([[1.0, 0.45, 0.2], [0.45, 1.0, 0.5], [0.2, 0.5, 1.0]])
    ts = np.linspace(-0.3, 0.3, 13)
    nodes, weights = _mvt_taylor._factor_rule(0.7)
    for r in (0.8, 1.6, 2.4):
        g = [mvn3(r, base + t * (target - base), two_sided) for t in ts]
        coef = np.polynomial.polynomial.polyfit(ts, g, 8)
        terms = _mvt_taylor.product_form_expansion(
            np.array([r]), lam, target, nodes, weights, two_sided=two_sided, third=True
        )
        np.testing.assert_allclose(np.ravel(terms), coef[1:4], rtol=1e-6, atol=1e-10)


def test_cholesky_path_matches_finite_differences():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(6, 6))
    target = np.corrcoef(a @ a.T + 6 * np.eye(6))
    lam = _mvt_sov.nearest_product_form(target)
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    d1, d2 = _mvt_taylor.cholesky_path(base, target)
    h = 1e-4
    chol = [np.linalg.cholesky(base + t * (target - base)) for t in (-h, 0.0, h)]
    np.testing.assert_allclose((chol[2] - chol[0]) / (2 * h), d1, atol=1e-7)
    np.testing.assert_allclose((chol[2] - 2 * chol[1] + chol[0]) / h**2, d2, atol=1e-4)


def test_integrand_derivatives_match_finite_differences():
    # c1, c2 of taylor_sums are the first and half the second t-derivative of the
    # product-form integrand along chol(C_1 + t D): compare with the plain integrand at
    # t = +-h (same points)
    r = alpha_lattice_corr()[:6, :6]
    lam = _mvt_sov.nearest_product_form(r)
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    lo, hi = np.full(6, -1.0), np.ones(6)
    d1, d2 = _mvt_taylor.cholesky_path(base, r)
    chol0 = np.linalg.cholesky(base)
    box = _mvt_taylor.TaylorBox(chol0, chol0, lam, d1, d2, lo, hi, lam, r, np.zeros(1),
                                np.ones(1), True, None)  # fmt: skip
    thresholds = np.array([1.0, 2.2])
    h = 1e-4
    for j in range(8):  # one point at a time
        wj = _mvt_sov._sobol_rows(5, 4)[0][:, j : j + 1]
        sums = _mvt_taylor.taylor_sums(thresholds, box, wj)[0]
        f = [
            _mvt_sov._sov_integrand(
                thresholds, _mvt_sov.Region(np.linalg.cholesky(base + t * (r - base)), lo, hi), wj
            )[:, 0]
            for t in (-h, 0.0, h)
        ]
        np.testing.assert_allclose(sums[1], (f[2] - f[0]) / (2 * h), rtol=1e-5, atol=1e-9)
        np.testing.assert_allclose(sums[2], (f[2] - 2 * f[1] + f[0]) / (2 * h**2), rtol=1e-3,
                                   atol=1e-6)  # fmt: skip
        np.testing.assert_allclose(sums[0], 0.0, atol=1e-15)  # target = base here: y = 0


def test_taylor_control_cuts_the_spread_on_an_alpha_lattice():
    # same points, same nodes: the fitted second-order control has at most a third of the
    # spread over the scrambles of the plain difference from the product form
    r = alpha_lattice_corr()
    lam = _mvt_sov.nearest_product_form(r)
    curve = _mvt_taylor.dunnett_taylor_curve(
        r, lam, lambda g: distributions._exact_exceedances(g, lam, np.inf, True),
        two_sided=True,
    )  # fmt: skip
    assert curve.points <= 1024
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    chol, order = _mvt_sov.reordered_cholesky(r, -2.8 * np.ones(20), 2.8 * np.ones(20))
    ctrl = base[np.ix_(order, order)]
    d1, d2 = _mvt_taylor.cholesky_path(ctrl, r[np.ix_(order, order)])
    lo, hi = np.full(20, -1.0), np.ones(20)
    box = _mvt_taylor.TaylorBox(chol, np.linalg.cholesky(ctrl), lam[order], d1, d2, lo, hi,
                                lam, r, *_mvt_taylor._factor_rule(float(lam.max())), True,
                                None)  # fmt: skip
    thresholds = np.array([1.6, 2.2, 2.9])
    stats_ = box.replicate_sums(thresholds, 256)
    t1, t2, _ = box.expansion(thresholds)
    controlled = _mvt_taylor.taylor_estimates(stats_, 256, t1, t2)
    plain = stats_[:, 0, :] / 256
    assert np.max(np.std(controlled, axis=0)) < np.max(np.std(plain, axis=0)) / 3.0


# ------------------------------------------------------------------------- third order
def test_cholesky_path_third_derivative_matches_finite_differences():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(6, 6))
    target = np.corrcoef(a @ a.T + 6 * np.eye(6))
    lam = _mvt_sov.nearest_product_form(target)
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    d1, d2, d3 = _mvt_taylor.cholesky_path(base, target, third=True)
    np.testing.assert_array_equal(d1, _mvt_taylor.cholesky_path(base, target)[0])
    h = 1e-3
    chol = [np.linalg.cholesky(base + t * (target - base)) for t in (-2 * h, -h, h, 2 * h)]
    # central difference of the third derivative: (f(2h) - 2f(h) + 2f(-h) - f(-2h)) / 2h^3
    fd3 = (chol[3] - 2 * chol[2] + 2 * chol[1] - chol[0]) / (2 * h**3)
    np.testing.assert_allclose(fd3, d3, atol=1e-5)


def test_third_order_controls_are_the_taylor_coefficients_of_the_integrand():
    # c1, c2, c3 of taylor_sums3 are the coefficients of t, t^2, t^3 of the product-form
    # integrand along chol(C_1 + t D): the plain integrand (_sov_integrand, independent
    # code) at 7 values of t in [-0.006, 0.006], same point, fitted by a degree-6 polynomial
    r = alpha_lattice_b3_corr()[:8, :8]
    box, base = third_order_box(r)
    thresholds = np.array([1.0, 2.2])
    ts = np.arange(-3, 4) * 2e-3
    for j in range(4):
        wj = _mvt_sov._sobol_rows(7, 4)[0][:, j : j + 1]
        sums = _mvt_taylor.taylor_sums3(thresholds, box, wj)[0]
        f = [
            _mvt_sov._sov_integrand(
                thresholds,
                _mvt_sov.Region(np.linalg.cholesky(base + t * (r - base)), box.box_lo, box.box_hi),
                wj,
            )[:, 0]
            for t in ts
        ]
        coef = np.polynomial.polynomial.polyfit(ts, np.array(f), 6)
        np.testing.assert_allclose(sums[1:4], coef[1:4], rtol=1e-4, atol=1e-8)
        np.testing.assert_allclose(sums[0], 0.0, atol=1e-15)  # target = base here: y = 0
        # the second-order sums agree with the older integrand on c1, c2 to rounding
        second = _mvt_taylor.taylor_sums(thresholds, box, wj)[0]
        np.testing.assert_allclose(sums[1:3], second[1:3], rtol=1e-12, atol=1e-16)


def test_third_order_control_cuts_the_spread_on_small_blocks():
    # alpha-lattice with blocks of 3 (far from product form): at the same points, the three
    # fitted controls leave at most 60 % of the spread over the scrambles of two
    r = alpha_lattice_b3_corr()
    lam = _mvt_sov.nearest_product_form(r)
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    chol, order = _mvt_sov.reordered_cholesky(r, -2.8 * np.ones(20), 2.8 * np.ones(20))
    ctrl = base[np.ix_(order, order)]
    d1, d2, d3 = _mvt_taylor.cholesky_path(ctrl, r[np.ix_(order, order)], third=True)
    lo, hi = np.full(20, -1.0), np.ones(20)
    box = _mvt_taylor.TaylorBox(chol, np.linalg.cholesky(ctrl), lam[order], d1, d2, lo, hi,
                                lam, r, *_mvt_taylor._factor_rule(float(lam.max())), True,
                                None, d3)  # fmt: skip
    thresholds = np.array([1.6, 2.2, 2.9])
    sums = box.replicate_sums(thresholds, 256)
    t1, t2, t3 = box.expansion(thresholds, third=True)
    three = box.estimates(sums, 256, t1, t2, t3)
    two = _mvt_taylor.taylor_estimates(
        sums[:, list(_mvt_taylor.TaylorBox.SECOND_OF_THIRD), :], 256, t1, t2
    )
    assert np.max(np.std(three, axis=0)) < 0.6 * np.max(np.std(two, axis=0))


def test_the_control_is_chosen_by_cost_times_variance():
    # a correlation far from every product form (random, 12 x 12): the derivatives do not
    # pay for themselves and the plain difference is kept; a near product form keeps a
    # Taylor control
    rng = np.random.default_rng(5)
    a = rng.normal(size=(12, 12))
    s = a @ a.T
    far = s / np.sqrt(np.outer(np.diag(s), np.diag(s)))
    near = alpha_lattice_corr()
    modes = {}
    for name, r in (("far", far), ("near", near)):
        lam = _mvt_sov.nearest_product_form(r)
        k = r.shape[0]
        base = np.outer(lam, lam)
        np.fill_diagonal(base, 1.0)
        d1, d2, d3 = _mvt_taylor.cholesky_path(base, r, third=True)
        box = _mvt_taylor.TaylorBox(np.linalg.cholesky(r), np.linalg.cholesky(base), lam, d1,
                                    d2, np.full(k, -1.0), np.ones(k), lam, r,
                                    *_mvt_taylor._factor_rule(float(lam.max())), True, None,
                                    d3)  # fmt: skip
        thresholds = np.array([1.6, 2.2, 2.9])
        sums = box.replicate_sums(thresholds, 128)
        t1, t2, t3 = box.expansion(thresholds, third=True)
        modes[name] = box.choose_control(sums, 128, t1, t2, t3, 0.0, "third")
    assert modes["far"] == "plain"
    assert modes["near"] in ("second", "third")


def test_large_families_use_the_second_order_control():
    """Above THIRD_ORDER_MAX_K comparisons T_3 (k^3 per node, k^2 memory) is not computed.

    An equicorrelation 0.5, perturbed (61 comparisons): the box handed to the curve carries
    no third Cholesky coefficient and its expansion's third term is zero even when asked.
    """
    k = _mvt_taylor.THIRD_ORDER_MAX_K + 1
    rng = np.random.default_rng(9)
    noise = rng.normal(0, 0.03, (k, k))
    r = np.full((k, k), 0.5) + (noise + noise.T) / 2
    np.fill_diagonal(r, 1.0)
    lam = _mvt_sov.nearest_product_form(r)
    boxes = []

    class Built(Exception):
        pass

    def capture(box, *args, **kwargs):
        boxes.append(box)
        raise Built

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_mvt_sov, "max_t_curve", capture)
        with pytest.raises(Built):
            _mvt_taylor.dunnett_taylor_curve(
                r, lam, lambda g: distributions._exact_exceedances(g, lam, np.inf, True),
                two_sided=True,
            )  # fmt: skip
    (box,) = boxes
    assert box.d3 is None and box.n_stats == 8
    t3 = box.expansion(np.array([2.0, 3.0]), third=True)[2]
    np.testing.assert_array_equal(t3, 0.0)


def test_large_families_cap_the_points_by_their_cost() -> None:
    # the integrand costs about k^2 per point: 60 comparisons may use the largest count,
    # 242 (a 240-entry augmented family) at most 1,007 (so 512 of the counts), never < 256
    from yieldtrial.stats._mvt_taylor import (
        TAYLOR_MIN_POINTS,
        TAYLOR_POINT_COUNTS,
        taylor_max_points,
    )

    assert taylor_max_points(20) == taylor_max_points(60) == TAYLOR_POINT_COUNTS[-1]
    assert taylor_max_points(242) == 60**2 * 16384 // 242**2
    assert taylor_max_points(5000) == TAYLOR_MIN_POINTS


def alpha_design_b3_two_reps_corr():
    """21 entries of ``yieldtrial design alpha`` (blocks of 3, 2 reps, seed 3); ratio 5."""
    from yieldtrial.design.alpha import alpha_design

    book = alpha_design([f"G{i:02d}" for i in range(21)], block_size=3, replicates=2, seed=3)
    trt = book["treatment"].str[1:].astype(int).to_numpy()
    rep = book["block"].astype(int).to_numpy() - 1
    blocks = rep * 1000 + book["incomplete_block"].astype(int).to_numpy()
    unit = np.unique(blocks, return_inverse=True)[1]
    return contrast_corr(gls_means_cov(trt, [rep], [unit], [5.0], 21))


# 1 - multivariate_t(shape=corr, df=30, seed=s).cdf(np.full(20, c), lower_limit=np.full(20, -c),
#     maxpts=4_000_000) for s in (1, 2) (scipy 1.17.1, Genz-Bretz randomized QMC); the seeds
# agree to 2.5e-6
TWO_REP_B3_REFERENCE = {
    1.8: (0.5470205278934043, 0.547023009530548),
    2.4: (0.21155154440187252, 0.21155162641073633),
    3.0: (0.06215914381955889, 0.06216010074293088),
}


def test_fourth_order_control_matches_scipy_on_small_blocks_and_two_replicates(monkeypatch):
    # the hardest field design measured (block variance 5 times the plot variance): the
    # fourth-order control is used (T_4 computed) and every p-value is within the stated
    # error (plus the two seeds' spread) of scipy's
    calls = []
    original = _mvt_taylor.TaylorBox.term4

    def spy(self, r):
        calls.append(np.size(r))
        return original(self, r)

    monkeypatch.setattr(_mvt_taylor.TaylorBox, "term4", spy)
    distributions._dunnett_curve_cached.cache_clear()
    corr = alpha_design_b3_two_reps_corr()
    thresholds = np.array(list(TWO_REP_B3_REFERENCE))
    p, accuracy = dunnett_pvalues(thresholds, corr, 30.0)
    assert calls
    assert accuracy.abs_error <= 1e-4
    for got, (a, b) in zip(p, TWO_REP_B3_REFERENCE.values(), strict=True):
        assert abs(got - (a + b) / 2) <= accuracy.abs_error + abs(a - b)


def test_taylor_replicate_sums_stop_at_the_point_count(monkeypatch):
    # 10 thresholds make blocks of 204 points per scramble, which do not divide 384: the
    # summed statistics equal the fourth-order integrand run once over exactly the first
    # 384 points of every scramble (before, the last block ran on to point 408); every
    # block in double precision here (single precision has its own test)
    from yieldtrial.stats._mvt_series import cholesky_path_series, taylor_sums4

    monkeypatch.setattr(_mvt_taylor, "SINGLE_FROM_POINTS", 4096)

    r = alpha_design_b3_two_reps_corr()[:8, :8]
    box, base = third_order_box(r)
    path = tuple(cholesky_path_series(base, r, 4))
    box = replace(box, path4=path)
    thresholds = np.linspace(1.0, 3.5, 10)
    got = box.replicate_sums(thresholds, 384)
    block = _mvt_sov._sobol_rows(7, 9)[:, :, :384]  # (scrambles, 7, 384)
    w = np.ascontiguousarray(np.moveaxis(block, 0, 1)).reshape(7, -1)
    direct = taylor_sums4(thresholds, box, w, list(path), groups=_mvt_sov.REPLICATES)
    np.testing.assert_allclose(got, direct, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("order", [3, 4])
def test_taylor_replicate_sums_are_the_same_bit_for_bit_at_one_and_two_threads(monkeypatch, order):
    # every block in its own job (threads from any size on), 936 points from the 65th (the
    # blocks do not divide the range; order 4 runs those from 512 on in single precision):
    # the sums at two threads equal those in the calling thread bit for bit (the same
    # blocks, added in the same order)
    from yieldtrial.stats._mvt_series import cholesky_path_series

    r = alpha_design_b3_two_reps_corr()[:8, :8]
    box, base = third_order_box(r)
    if order == 4:
        box = replace(box, path4=tuple(cholesky_path_series(base, r, 4)))
    thresholds = np.linspace(1.0, 3.5, 10)
    monkeypatch.setattr(_mvt_sov, "THREAD_MIN_WORK", 0)
    sums = {}
    for threads in ("1", "2"):
        monkeypatch.setenv(_mvt_sov.THREADS_VARIABLE, threads)
        sums[threads] = box.replicate_sums(thresholds, 1000, 64)  # single from 512 on
    np.testing.assert_array_equal(sums["1"], sums["2"])


def test_far_nodes_take_fewer_points_and_the_pvalues_stay_within_the_stated_error(monkeypatch):
    # the two-replicate design with blocks of 3 (ratio 5) needs 12 nodes and 512 points per
    # scramble (16 and 384 before stop 32's interpolation bound); the far nodes stop at
    # fewer (the integrand is called on fewer thresholds than the node set), and every
    # p-value is still within the stated error (plus the two seeds' spread) of scipy's
    # (TWO_REP_B3_REFERENCE)
    sizes = []
    original = _mvt_taylor.TaylorBox.replicate_sums

    def spy(self, r, points, first=0):
        sizes.append((np.size(r), points))
        return original(self, r, points, first)

    monkeypatch.setattr(_mvt_taylor.TaylorBox, "replicate_sums", spy)
    distributions._dunnett_curve_cached.cache_clear()
    corr = alpha_design_b3_two_reps_corr()
    thresholds = np.array(list(TWO_REP_B3_REFERENCE))
    p, accuracy = dunnett_pvalues(thresholds, corr, 30.0)
    assert (12, 64) in sizes
    assert any(size < 12 and points > 64 for size, points in sizes)
    assert accuracy.abs_error <= 1e-4
    for got, (a, b) in zip(p, TWO_REP_B3_REFERENCE.values(), strict=True):
        assert abs(got - (a + b) / 2) <= accuracy.abs_error + abs(a - b)


def test_the_two_replicate_design_stops_at_12_nodes_within_the_stated_error():
    # the same design: twice the 12-node interpolant's two highest Hermite terms (the bound
    # since stop 32) leave room for the spread, so the curve stops at 12 nodes (before: the
    # unweighted fit two degrees lower forced 16 nodes, 384 points) and, since stop 34 (the
    # spread brought within the target at the df class, 32, where the chi average smooths
    # the scrambles' curves), 384 points per scramble instead of 512; p-values against
    # scipy's as above
    distributions._dunnett_curve_cached.cache_clear()
    corr = alpha_design_b3_two_reps_corr()
    curve = distributions._dunnett_curve(corr, 30.0, two_sided=True)
    assert (curve.points, curve.coef.shape[1]) == (384, 12)
    p, errors = curve.exceedance(np.array(list(TWO_REP_B3_REFERENCE)))
    for got, err, (a, b) in zip(p, errors, TWO_REP_B3_REFERENCE.values(), strict=True):
        assert err <= 1e-4
        assert abs(got - (a + b) / 2) <= err + abs(a - b)


# A resolvable design with random layouts: the 21 entries permuted by
# numpy.random.default_rng(7) in each of 2 replicates (written out), cut into blocks of 3
# (pairs of entries can meet twice, unlike an alpha design); block/plot variance ratio 5.7
RANDOM_LAYOUT = (
    (3, 8, 13, 10, 15, 17, 16, 12, 1, 14, 6, 0, 7, 4, 19, 5, 20, 18, 2, 9, 11),
    (14, 0, 10, 20, 4, 6, 12, 17, 5, 19, 15, 9, 16, 2, 7, 18, 3, 8, 11, 1, 13),
)


def random_layout_corr():
    """Dunnett correlation of :data:`RANDOM_LAYOUT` (0.38 from the nearest product form)."""
    trt = np.concatenate(RANDOM_LAYOUT)
    rep = np.repeat(np.arange(2), 21)
    blk = 7 * rep + np.tile(np.arange(21), 2) // 3
    return contrast_corr(gls_means_cov(trt, [rep], [blk], [5.7], 21))


# scipy as in TWO_REP_B3_REFERENCE (4,000,000 points, seeds 1 and 2; they agree to 4.9e-6)
RANDOM_LAYOUT_REFERENCE = {
    1.8: (0.5012201099286986, 0.501217918283272),
    2.4: (0.1897188779936374, 0.18971940179275304),
    3.0: (0.05545609699395471, 0.05546096039781179),
}


def test_the_random_layout_needs_no_second_node_set_and_stays_within_the_stated_error(
    monkeypatch,
):
    # the random layout stops at 16 nodes (fourth-order control, 4,096 points per scramble;
    # 24 nodes and 3,072 points before stop 32's bound); its own interpolation bound (twice
    # the two highest Hermite terms) is about 2e-5, so the 8-node set is not carried along
    # to compare with (stop 30: an ill-conditioned fit had put the bound near 3e-3 and
    # every new point ran at two sets); every p-value within the stated error (plus the
    # seeds' spread) of scipy's
    calls = []
    original = _mvt_taylor.TaylorBox.replicate_sums

    def spy(self, r, points, first=0):
        calls.append((first, points))
        return original(self, r, points, first)

    monkeypatch.setattr(_mvt_taylor.TaylorBox, "replicate_sums", spy)
    distributions._dunnett_curve_cached.cache_clear()
    corr = random_layout_corr()
    curve = distributions._dunnett_curve(corr, 30.0, two_sided=True)
    assert curve.coef.shape[1] == 16
    later = [call for call in calls if call[0] > 0]  # the points added after the first 64
    assert later and len(later) == len(set(later))  # each range of points run once
    p, errors = curve.exceedance(np.array(list(RANDOM_LAYOUT_REFERENCE)))
    for got, err, (a, b) in zip(p, errors, RANDOM_LAYOUT_REFERENCE.values(), strict=True):
        assert err <= 1e-4
        assert abs(got - (a + b) / 2) <= err + abs(a - b)


def test_taylor_curves_far_from_the_product_form_start_at_16_nodes(monkeypatch):
    # stop 53: a distance above MANY_NODES_FROM_DISTANCE (the random layout: 2.80) skips
    # the 8-node set its bound never met (the first sums run at all 16 nodes); nearer the
    # product form (the two-replicate design: 1.87) the curve still starts at 8 nodes
    first_sizes = []
    original = _mvt_taylor.TaylorBox.replicate_sums

    def spy(self, r, points, first=0):
        if not first_sizes or first_sizes[-1] is None:
            first_sizes[-1:] = [np.size(r)]
        return original(self, r, points, first)

    monkeypatch.setattr(_mvt_taylor.TaylorBox, "replicate_sums", spy)
    for corr in (random_layout_corr(), alpha_design_b3_two_reps_corr()):
        distributions._dunnett_curve_cached.cache_clear()
        first_sizes.append(None)
        distributions._dunnett_curve(corr, 30.0, two_sided=True)
    assert first_sizes == [16, 8]


def test_fourth_order_sums_run_in_single_precision_from_their_point_count(monkeypatch):
    # the blocks from SINGLE_FROM_POINTS on go through taylor_sums4 in single precision
    # (float32 points), the earlier ones in double; uses_single says so for the curve
    from yieldtrial.stats import _mvt_series
    from yieldtrial.stats._mvt_series import cholesky_path_series

    r = alpha_design_b3_two_reps_corr()[:8, :8]
    box, base = third_order_box(r)
    box = replace(box, path4=tuple(cholesky_path_series(base, r, 4)))
    seen = []
    original = _mvt_series.taylor_sums4

    def spy(r, box, w, path, groups=1, single=False):
        seen.append((single, w.dtype))
        return original(r, box, w, path, groups, single)

    monkeypatch.setattr(_mvt_series, "taylor_sums4", spy)
    box.replicate_sums(np.linspace(1.0, 3.5, 4), 1024, 0)
    assert (False, np.dtype(float)) in seen and (True, np.dtype(np.float32)) in seen
    assert not box.uses_single(_mvt_taylor.SINGLE_FROM_POINTS)
    assert box.uses_single(_mvt_taylor.SINGLE_FROM_POINTS + 1)
    assert not replace(box, path4=None).uses_single(4096)


def test_the_coarse_factor_rule_is_the_fine_one_up_to_a_loading_of_0_989():
    # panels 2 sqrt(1 - lam^2) / lam wide reach COARSE_WIDTH = 0.3 at lam = 0.98893
    # (hand: 1 / sqrt(1 + 0.15^2)); below it the score table's rule is the fine rule itself,
    # so every structured design (largest loading 0.85 in the benchmarks) is unchanged
    for lam_max in (0.37, 0.75, 0.9633, 0.988):
        fine = _mvt_taylor._factor_rule(lam_max)
        coarse = _mvt_taylor._factor_rule(lam_max, _mvt_taylor.COARSE_WIDTH)
        np.testing.assert_array_equal(coarse[0], fine[0])
        np.testing.assert_array_equal(coarse[1], fine[1])


def test_the_coarse_factor_rule_integrates_the_normal_moments():
    # the clipped loading 0.999: the fine rule has 202 panels x 8 nodes, the coarse one 60 x 8;
    # E[F^2] = 1 and E[F^4] = 3 for F ~ N(0, 1) (the tails beyond +-9 hold below 1e-17)
    fine = _mvt_taylor._factor_rule(0.999)
    nodes, weights = _mvt_taylor._factor_rule(0.999, _mvt_taylor.COARSE_WIDTH)
    assert (fine[0].size, nodes.size) == (1616, 480)
    assert weights @ nodes**2 == pytest.approx(1.0, abs=1e-12)
    assert weights @ nodes**4 == pytest.approx(3.0, abs=1e-11)


def test_a_steep_product_form_keeps_its_stated_error_with_the_coarse_score_table():
    # loadings 0.990-0.997 (panels of the fine rule 0.18 wide): the Taylor curve's score
    # table comes from the coarse rule.  Reference: 1 - scipy.stats.multivariate_normal.cdf(
    # np.full(10, c), cov=corr, lower_limit=np.full(10, -c), maxpts=4_000_000, abseps=1e-8,
    # releps=0.0, rng=np.random.default_rng(s)) for s in (1, 2) (Genz's randomized lattice,
    # independent code; scipy 1.17.1); the two seeds agree to 7.1e-7, the values are their means
    references = {
        1.8: (0.10452137845539178, 0.10452163480973597),
        2.4: (0.026000176925785712, 0.026000885121017947),
        3.0: (0.004668600694383018, 0.004668808960980542),
    }
    rng = np.random.default_rng(2)
    lam = rng.uniform(0.990, 0.997, 10)
    corr = np.outer(lam, lam)
    np.fill_diagonal(corr, 1.0)
    noise = rng.normal(size=(10, 10))
    noise = (noise + noise.T) / 2.0
    np.fill_diagonal(noise, 0.0)
    corr = corr + 0.0015 * noise
    base = _mvt_sov.nearest_product_form(corr)
    coarse = _mvt_taylor._factor_rule(float(np.max(np.abs(base))), _mvt_taylor.COARSE_WIDTH)
    assert coarse[0].size < _mvt_taylor._factor_rule(float(np.max(np.abs(base))))[0].size
    curve = _mvt_taylor.dunnett_taylor_curve(
        corr, base, lambda g: distributions._exact_exceedances(g, base, np.inf, True),
        two_sided=True,
    )  # fmt: skip
    c = np.array(sorted(references))
    p, stated = curve.exceedance(c)
    expected = np.array([np.mean(references[x]) for x in c])
    assert np.all(np.abs(p - expected) <= stated)


def _random_family_box(k, seed):
    """Build a TaylorBox of a dense k-comparison family near a product form (rows in blocks)."""
    rng = np.random.default_rng(seed)
    lam0 = rng.uniform(0.3, 0.6, k)
    noise = rng.normal(0.0, 0.01, (k, k))
    # off-diagonal noise of spectral norm about 2 * 0.01 * sqrt(2 k) < 0.64 <= 1 - lam0^2
    target = np.outer(lam0, lam0) + (noise + noise.T) / 2.0
    np.fill_diagonal(target, 1.0)
    lam = _mvt_sov.nearest_product_form(target)
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    d1, d2 = _mvt_taylor.cholesky_path(base, target)
    chol0 = np.linalg.cholesky(base)
    lo, hi = np.full(k, -2.5), np.full(k, 2.5)
    return _mvt_taylor.TaylorBox(np.linalg.cholesky(target), chol0, lam, d1, d2, lo, hi, lam,
                                 target, np.zeros(1), np.ones(1), True, None)  # fmt: skip


def test_taylor_sums_in_row_blocks_match_the_row_by_row_recursion(monkeypatch):
    # 150 comparisons: 3 blocks of 64 rows (products of the earlier blocks at once) against
    # one block of all rows (each row's products from every earlier row, the plain recursion)
    box = _random_family_box(150, seed=4)
    thresholds = np.array([1.5, 2.5, 3.5])
    w = _mvt_sov._sobol_rows(149, 5)[0][:, :24]
    blocked = _mvt_taylor.taylor_sums(thresholds, box, w, groups=2)
    monkeypatch.setattr(_mvt_taylor, "TAYLOR_ROW_BLOCK", 10_000)
    by_row = _mvt_taylor.taylor_sums(thresholds, box, w, groups=2)
    np.testing.assert_allclose(blocked, by_row, rtol=1e-11, atol=1e-14)


def test_taylor_sums_up_to_one_row_block_are_the_row_by_row_recursion_bit_for_bit(monkeypatch):
    # a family within the first block never takes the block products: the same floats
    box = _random_family_box(40, seed=5)
    thresholds = np.array([1.5, 2.5])
    w = _mvt_sov._sobol_rows(39, 4)[0][:, :16]
    first = _mvt_taylor.taylor_sums(thresholds, box, w)
    monkeypatch.setattr(_mvt_taylor, "TAYLOR_ROW_BLOCK", 10_000)
    np.testing.assert_array_equal(_mvt_taylor.taylor_sums(thresholds, box, w), first)
