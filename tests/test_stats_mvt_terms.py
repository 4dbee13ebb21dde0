"""Exact Taylor terms T_n of the box probability around a product form (any order)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from mvt_cases import alpha_lattice_b3_corr, mvn3
from yieldtrial.stats import _mvt_sov, _mvt_taylor, _mvt_terms


def _small_case():
    lam = np.array([0.5, 0.6, 0.7])
    target = np.array([[1.0, 0.45, 0.2], [0.45, 1.0, 0.5], [0.2, 0.5, 1.0]])
    return lam, target


def test_written_out_classes_equal_the_enumeration():
    assert _mvt_terms.CLASSES_4 == _mvt_terms.enumerate_classes(4)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_classes_count_every_partition_without_a_loop(n):
    # the set partitions of 2n factors with no block holding both factors of one D,
    # counted directly from the Bell-number recursion over all partitions (no grouping)
    items = list(range(2 * n))

    def partitions(rest):
        if not rest:
            yield []
            return
        first, tail = rest[0], rest[1:]
        for part in partitions(tail):
            yield [[first], *part]
            for b in range(len(part)):
                yield [*part[:b], [first, *part[b]], *part[b + 1 :]]

    valid = sum(
        1
        for part in partitions(items)
        if not any(2 * a in block and 2 * a + 1 in block for block in part for a in range(n))
    )
    assert sum(count for count, _ in _mvt_terms.term_classes(n)) == valid


@pytest.mark.parametrize("two_sided", [True, False])
def test_first_three_orders_equal_the_written_out_terms(two_sided):
    # T_1..T_3 of product_form_expansion are derived by hand (and checked against an
    # independent quadrature in test_stats_mvt_taylor); the general identity gives the same
    r = alpha_lattice_b3_corr()
    lam = _mvt_sov.nearest_product_form(r)
    nodes, weights = _mvt_taylor._factor_rule(float(np.max(lam)))
    thresholds = np.array([1.2, 2.0, 2.6, 3.2, 4.0])
    hand = _mvt_taylor.product_form_expansion(
        thresholds, lam, r, nodes, weights, two_sided=two_sided, third=True
    )
    for n in (1, 2, 3):
        general = _mvt_terms.taylor_term(n, thresholds, lam, r, nodes, weights,
                                         two_sided=two_sided)  # fmt: skip
        np.testing.assert_allclose(general, hand[n - 1], rtol=1e-11, atol=1e-17)


def _raw_moments(r, shift, sd, two_sided, order):
    """F^(m) / F for m = 0..order by direct differentiation of the normal cdf (no Mills ratios).

    F(delta) = Phi((r + delta - mu) / sd) - Phi((-r + delta - mu) / sd) (limits shifted by
    delta); d^m/d delta^m Phi(x / sd) = sd^-m (-1)^(m-1) He_{m-1}(x) phi(x).
    """
    b = (r - shift) / sd
    a = (-r - shift) / sd
    big_f = stats.norm.cdf(b) - (stats.norm.cdf(a) if two_sided else 0.0)
    out = [np.ones_like(b)]
    for m in range(1, order + 1):
        he = np.polynomial.hermite_e.HermiteE.basis(m - 1)
        upper = he(b) * stats.norm.pdf(b)
        lower = he(a) * stats.norm.pdf(a) if two_sided else 0.0
        out.append((-1.0) ** (m - 1) * (upper - lower) / sd**m / big_f)
    return big_f, out


@pytest.mark.parametrize("two_sided", [True, False])
def test_fourth_order_term_equals_the_sum_over_every_index_tuple(two_sided):
    # 4! T_4 = E_Z[prod F * E[Q^4]], Q = xi' D xi / 2: E[Q^4] summed over all 4^8 index
    # tuples with the raw moments E[xi_v^m] = F_v^(m) / F_v of each variable (no partitions,
    # no cumulants, no grouping), for 4 variables
    rng = np.random.default_rng(11)
    lam = np.array([0.4, 0.55, 0.6, 0.7])
    target = np.outer(lam, lam)
    noise = rng.normal(scale=0.08, size=(4, 4))
    target = target + (noise + noise.T) / 2
    np.fill_diagonal(target, 1.0)
    delta = target - np.outer(lam, lam)
    np.fill_diagonal(delta, 0.0)
    nodes, weights = _mvt_taylor._factor_rule(0.7)
    sd = np.sqrt(1.0 - lam**2)
    tuples = np.array(list(itertools.product(range(4), repeat=8)))  # (65536, 8)
    dprod = np.prod([delta[tuples[:, 2 * a], tuples[:, 2 * a + 1]] for a in range(4)], axis=0)
    counts = np.stack([(tuples == v).sum(axis=1) for v in range(4)], axis=1)  # (T, 4)
    keep = dprod != 0.0
    dprod, counts = dprod[keep], counts[keep]
    for thr in (1.4, 2.3):
        total = 0.0
        for z, wz in zip(nodes, weights, strict=True):
            big_f, moments = _raw_moments(thr, lam * z, sd, two_sided, 8)
            table = np.stack(moments, axis=1)  # (4 variables, 9 orders)
            per = np.prod(table[np.arange(4)[None, :], counts], axis=1)
            total += wz * np.prod(big_f) * float(dprod @ per) / 2.0**4
        expected = total / math.factorial(4)
        got = _mvt_terms.taylor_term(4, np.array([thr]), lam, target, nodes, weights,
                                     two_sided=two_sided)  # fmt: skip
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("two_sided", [True, False])
def test_fourth_order_term_is_the_fourth_coefficient_of_an_independent_quadrature(two_sided):
    # G(C_1 + t D) at 13 values of t in [-0.3, 0.3] by mvn3 (2-D Gauss-Legendre, no code
    # shared with yieldtrial), fitted by a degree-8 polynomial: its t^4 coefficient is T_4
    lam, target = _small_case()
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    ts = np.linspace(-0.3, 0.3, 13)
    nodes, weights = _mvt_taylor._factor_rule(0.7)
    for thr in (0.8, 1.6, 2.4):
        g = [mvn3(thr, base + t * (target - base), two_sided) for t in ts]
        coef = np.polynomial.polynomial.polyfit(ts, g, 8)
        t4 = _mvt_terms.taylor_term(4, np.array([thr]), lam, target, nodes, weights,
                                    two_sided=two_sided)  # fmt: skip
        np.testing.assert_allclose(t4, coef[4:5], rtol=1e-4, atol=1e-9)


@pytest.mark.slow
def test_fifth_order_term_is_the_fifth_coefficient_of_an_independent_quadrature():
    # the identity holds at every order: at order 5 (43,833 partitions in 66 classes, about
    # 17 s to enumerate; cores that are not one cycle, such as the theta graph, go through
    # einsum) T_5 is the t^5 coefficient of a degree-10 fit of mvn3 at 15 values of t
    lam, target = _small_case()
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    ts = np.linspace(-0.3, 0.3, 15)
    nodes, weights = _mvt_taylor._factor_rule(0.7)
    for thr in (0.8, 1.6):
        g = [mvn3(thr, base + t * (target - base), True) for t in ts]
        coef = np.polynomial.polynomial.polyfit(ts, g, 10)
        t5 = _mvt_terms.taylor_term(5, np.array([thr]), lam, target, nodes, weights,
                                    two_sided=True)  # fmt: skip
        np.testing.assert_allclose(t5, coef[5:6], rtol=1e-4, atol=1e-10)
