"""Genz's box integrand with Taylor controls of any order (the power-series recursion)."""

from __future__ import annotations

import numpy as np

from mvt_cases import alpha_lattice_b3_corr, third_order_box
from yieldtrial.stats import _mvt_series, _mvt_sov, _mvt_taylor, _mvt_terms


def _base_and_target(k=8):
    r = alpha_lattice_b3_corr()[:k, :k]
    lam = _mvt_sov.nearest_product_form(r)
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    return base, r


def test_path_coefficients_equal_the_written_out_ones():
    base, r = _base_and_target()
    d1, d2, d3 = _mvt_taylor.cholesky_path(base, r, third=True)
    b1, b2, b3 = _mvt_series.cholesky_path_series(base, r, 3)
    np.testing.assert_allclose(b1, d1, atol=1e-15)
    np.testing.assert_allclose(b2, d2 / 2.0, atol=1e-15)
    np.testing.assert_allclose(b3, d3 / 6.0, atol=1e-15)


def test_fourth_path_coefficient_matches_a_polynomial_fit():
    # chol(C_1 + t D) at 11 values of t in [-0.05, 0.05] (numpy's Cholesky), degree-8 fit
    base, r = _base_and_target()
    ts = np.linspace(-0.05, 0.05, 11)
    chols = np.array([np.linalg.cholesky(base + t * (r - base)).ravel() for t in ts])
    coef = np.polynomial.polynomial.polyfit(ts, chols, 8)
    b4 = _mvt_series.cholesky_path_series(base, r, 4)[3]
    np.testing.assert_allclose(b4.ravel(), coef[4], rtol=1e-5, atol=1e-8)


def _box_and_points(k=8, count=64):
    r = alpha_lattice_b3_corr()[:k, :k]
    box, base = third_order_box(r)
    w = _mvt_sov._sobol_rows(k - 1, 7)[0][:, :count]
    return box, base, r, w


def test_order_three_equals_the_written_out_recursion():
    box, base, r, w = _box_and_points()
    thresholds = np.array([1.0, 2.2, 3.1])
    path = _mvt_series.cholesky_path_series(base, r, 3)
    general = _mvt_series.taylor_sums_n(thresholds, box, w, path)
    np.testing.assert_allclose(general, _mvt_taylor.taylor_sums3(thresholds, box, w),
                               rtol=1e-10, atol=1e-14)  # fmt: skip


def test_written_out_order_four_equals_the_general_recursion():
    box, base, r, w = _box_and_points()
    thresholds = np.array([1.0, 2.2, 3.1])
    path = _mvt_series.cholesky_path_series(base, r, 4)
    general = _mvt_series.taylor_sums_n(thresholds, box, w, path)
    np.testing.assert_allclose(_mvt_series.taylor_sums4(thresholds, box, w, path), general,
                               rtol=1e-10, atol=1e-14)  # fmt: skip


def test_fourth_control_is_the_fourth_taylor_coefficient_of_the_integrand():
    # c4 of taylor_sums4 is the t^4 coefficient of the product-form integrand along
    # chol(C_1 + t D): the plain integrand (_sov_integrand, independent code) at 11 values
    # of t in [-0.03, 0.03], same point, fitted by a degree-8 polynomial
    box, base, r, _ = _box_and_points()
    path = _mvt_series.cholesky_path_series(base, r, 4)
    thresholds = np.array([1.0, 2.2])
    ts = np.linspace(-0.03, 0.03, 11)
    for j in range(4):
        wj = _mvt_sov._sobol_rows(7, 4)[0][:, j : j + 1]
        sums = _mvt_series.taylor_sums4(thresholds, box, wj, path)[0]
        f = [
            _mvt_sov._sov_integrand(
                thresholds,
                _mvt_sov.Region(np.linalg.cholesky(base + t * (r - base)), box.box_lo, box.box_hi),
                wj,
            )[:, 0]
            for t in ts
        ]
        coef = np.polynomial.polynomial.polyfit(ts, np.array(f), 8)
        np.testing.assert_allclose(sums[1:5], coef[1:5], rtol=1e-3, atol=1e-7)


def test_fourth_order_control_cuts_the_spread_on_small_blocks():
    # alpha-lattice with blocks of 3: at the same points the four fitted controls leave at
    # most 60 % of the spread over the scrambles of three (measured: 37 %)
    r = alpha_lattice_b3_corr()
    lam = _mvt_sov.nearest_product_form(r)
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    chol, order = _mvt_sov.reordered_cholesky(r, -2.8 * np.ones(20), 2.8 * np.ones(20))
    ctrl = base[np.ix_(order, order)]
    target = r[np.ix_(order, order)]
    d1, d2, d3 = _mvt_taylor.cholesky_path(ctrl, target, third=True)
    path4 = tuple(_mvt_series.cholesky_path_series(ctrl, target, 4))
    lo, hi = np.full(20, -1.0), np.ones(20)
    box = _mvt_taylor.TaylorBox(chol, np.linalg.cholesky(ctrl), lam[order], d1, d2, lo, hi,
                                lam, r, *_mvt_taylor._factor_rule(float(lam.max())), True,
                                None, d3, path4)  # fmt: skip
    thresholds = np.array([1.6, 2.2, 2.9])
    sums = box.replicate_sums(thresholds, 256)
    t1, t2, t3 = box.expansion(thresholds, third=True)
    t4 = box.term4(thresholds)
    four = box.estimates(sums, 256, t1, t2, t3, t4)
    three = _mvt_taylor.taylor_estimates3(
        box.stats_subset(sums, "fourth", "third"), 256, (t1, t2, t3)
    )
    assert np.max(np.std(four, axis=0)) < 0.6 * np.max(np.std(three, axis=0))


def test_term4_of_a_box_is_the_general_term():
    r = alpha_lattice_b3_corr()
    lam = _mvt_sov.nearest_product_form(r)
    nodes, weights = _mvt_taylor._factor_rule(float(lam.max()))
    eye = np.eye(20)
    box = _mvt_taylor.TaylorBox(eye, eye, lam, eye, eye, -np.ones(20), np.ones(20), lam, r,
                                nodes, weights, True, None)  # fmt: skip
    thresholds = np.array([2.0, 3.0])
    np.testing.assert_array_equal(
        box.term4(thresholds),
        _mvt_terms.taylor_term(4, thresholds, lam, r, nodes, weights, two_sided=True),
    )


def test_single_precision_order_four_sums_are_within_a_tenth_of_the_stated_bias():
    # the same 1,024 points of one scramble, 20 comparisons of the alpha lattice with
    # blocks of 3: the means of f - f_0 and of the four controls from the single-precision
    # recursion are within a tenth of SINGLE_PRECISION_BIAS of the double-precision ones
    # (reference: the double-precision recursion, scipy's ndtr/ndtri), and the products'
    # means (which only fit the control coefficients) within 1 % of the largest
    k = 20
    r = alpha_lattice_b3_corr()[:k, :k]
    box, base = third_order_box(r)
    path = _mvt_series.cholesky_path_series(base, r, 4)
    w = _mvt_sov._sobol_rows(k - 1, 10)[0]
    thresholds = np.linspace(1.0, 4.0, 7)
    double = _mvt_series.taylor_sums4(thresholds, box, w, path)[0] / w.shape[1]
    single = (
        _mvt_series.taylor_sums4(thresholds, box, w.astype(np.float32), path, single=True)[0]
        / w.shape[1]
    )
    assert single.dtype == np.float64  # summed in double precision
    assert np.max(np.abs(single[:5] - double[:5])) <= _mvt_sov.SINGLE_PRECISION_BIAS / 10.0
    assert np.max(np.abs(single[5:] - double[5:])) <= 0.01 * np.max(np.abs(double[5:]))
