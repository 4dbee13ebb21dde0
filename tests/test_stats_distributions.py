"""Tests of the Dunnett / Tukey distributions (yieldtrial.stats.distributions)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special, stats

from yieldtrial.errors import DataValidationError
from yieldtrial.stats.distributions import (
    dunnett_critical_value,
    dunnett_pvalues,
    max_t_exceedance,
    product_form_lambdas,
    studentized_range_sf,
    tukey_critical_value,
    tukey_pvalues,
)


def dunnett_corr(n_control: int, n_treatments: list[int]) -> np.ndarray:
    """Correlation of (mean_i - mean_0) contrasts for independent means (Dunnett 1955, eq. 2)."""
    lam = np.sqrt(np.array([n / (n + n_control) for n in n_treatments], dtype=float))
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    return r


def nested_quad_inside(c: float, lam: np.ndarray, df: float, two_sided: bool) -> float:
    """Independent check: P(max T_i <= c) by nested scipy.integrate.quad (no shared code).

    Dunnett (1955) eq. 3: condition on Y ~ N(0,1) and s/sigma ~ chi_df / sqrt(df).
    """
    root = np.sqrt(1.0 - lam**2)
    chi = stats.chi(df, scale=1.0 / np.sqrt(df))

    def inner(s: float) -> float:
        def f(y: float) -> float:
            up = special.ndtr((c * s - lam * y) / root)
            if two_sided:
                up = up - special.ndtr((-c * s - lam * y) / root)
            return float(np.prod(up)) * math.exp(-0.5 * y * y) / math.sqrt(2 * math.pi)

        return integrate.quad(f, -10, 10, epsabs=1e-11, limit=100)[0]

    return integrate.quad(lambda s: inner(s) * chi.pdf(s), 0, np.inf, epsabs=1e-10)[0]


def test_product_form_lambdas_recovers_dunnett_factors():
    """lam_i = sqrt(n_i / (n_i + n_0)) is recovered from an unequal-n Dunnett correlation."""
    r = dunnett_corr(6, [4, 5, 9])
    lam = product_form_lambdas(r)
    # hand derivation: sqrt(4/10), sqrt(5/11), sqrt(9/15)
    np.testing.assert_allclose(lam, np.sqrt([0.4, 5 / 11, 0.6]), atol=1e-12)


def test_product_form_lambdas_rejects_general_correlation():
    """A correlation with rho13 != rho12 rho23 / lam2^2 structure is not product form."""
    r = np.array([[1.0, 0.5, 0.1], [0.5, 1.0, 0.5], [0.1, 0.5, 1.0]])
    assert product_form_lambdas(r) is None


@pytest.mark.parametrize("two_sided", [True, False], ids=["two-sided", "one-sided"])
def test_exact_matches_independent_nested_quadrature(two_sided):
    """Exceedance agrees with a nested-quad evaluation of Dunnett's integral to 1e-8."""
    r = dunnett_corr(6, [4, 5, 9])
    lam = np.sqrt([0.4, 5 / 11, 0.6])
    alt = "two-sided" if two_sided else "greater"
    got = max_t_exceedance(2.4, r, 7, alternative=alt)
    expected = 1.0 - nested_quad_inside(2.4, lam, 7, two_sided)
    assert got.method == "exact-product-form"
    assert abs(got.value - expected) < 1e-8


def test_exact_matches_scipy_multivariate_t_monte_carlo():
    """Exact value agrees with scipy.stats.multivariate_t.cdf (seeded QMC) within its noise."""
    r = dunnett_corr(5, [5, 5, 5, 5])
    got = max_t_exceedance(2.5, r, 10).value
    inside = stats.multivariate_t.cdf(
        np.full(4, 2.5), shape=r, df=10, lower_limit=np.full(4, -2.5),
        maxpts=400_000, random_state=np.random.default_rng(1),
    )  # fmt: skip
    assert abs(got - (1.0 - inside)) < 5e-4


@pytest.mark.parametrize("df", [1, 3, 12, 1000, np.inf])
def test_one_comparison_reduces_to_student_t(df):
    """With k = 1 the two-sided and one-sided p-values are Student's t tail areas."""
    p2 = max_t_exceedance(2.1, np.eye(1), df).value
    p1 = max_t_exceedance(2.1, np.eye(1), df, alternative="greater").value
    # independent: scipy.stats.t (norm for df = inf)
    assert abs(p2 - 2 * stats.t.sf(2.1, df)) < 1e-9
    assert abs(p1 - stats.t.sf(2.1, df)) < 1e-9


def test_independent_normal_closed_form():
    """Zero correlation, infinite df: P(max|Z| > c) = 1 - (2 Phi(c) - 1)^3."""
    got = max_t_exceedance(2.0, np.eye(3), np.inf).value
    # hand derivation: independence
    assert abs(got - (1 - (2 * stats.norm.cdf(2.0) - 1) ** 3)) < 1e-10


def test_critical_value_round_trip():
    """At the critical value the exceedance probability is alpha (1e-9)."""
    r = dunnett_corr(4, [3, 4, 6])
    c, acc = dunnett_critical_value(r, 9, confidence=0.99)
    assert abs(max_t_exceedance(c, r, 9).value - 0.01) < 1e-9
    assert acc.method == "exact-product-form"


def test_general_correlation_uses_seeded_qmc_deterministically():
    """Non-product correlation: QMC, stated accuracy, identical on repeated calls."""
    r = np.array([[1.0, 0.5, 0.1], [0.5, 1.0, 0.5], [0.1, 0.5, 1.0]])
    a = max_t_exceedance(2.3, r, 15)
    b = max_t_exceedance(2.3, r, 15)
    assert a.method == "qmc" and a.value == b.value
    assert 0 < a.abs_error < 1e-3
    # independent: scipy.stats.multivariate_t with another seed
    inside = stats.multivariate_t.cdf(
        np.full(3, 2.3), shape=r, df=15, lower_limit=np.full(3, -2.3),
        maxpts=400_000, random_state=np.random.default_rng(99),
    )  # fmt: skip
    assert abs(a.value - (1 - inside)) < 5e-4


def test_dunnett_pvalues_less_mirrors_greater():
    """alternative='less' on t equals 'greater' on -t."""
    r = dunnett_corr(6, [4, 5])
    t = np.array([-1.2, 2.0])
    less, _ = dunnett_pvalues(t, r, 12, alternative="less")
    greater, _ = dunnett_pvalues(-t, r, 12, alternative="greater")
    np.testing.assert_allclose(less, greater, atol=1e-12)


def test_bad_alternative_raises():
    """An unknown alternative is a DataValidationError naming the choices."""
    with pytest.raises(DataValidationError, match="alternative"):
        max_t_exceedance(2.0, np.eye(2), 10, alternative="both")


def test_tukey_quantile_and_pvalue():
    """q(0.95; 4, 8) = 4.52881 (agricolae sweetpotato notes) and its tail area is 0.05."""
    q = tukey_critical_value(4, 8)
    assert abs(q - 4.52881) < 5e-6
    assert abs(tukey_pvalues(np.array([q]), 4, 8)[0] - 0.05) < 1e-9


@pytest.mark.parametrize("k", [2, 3, 5, 10, 30])
@pytest.mark.parametrize("df", [1, 4, 12, 60, np.inf])
def test_studentized_range_matches_scipy(k, df):
    """The quadrature studentized range tail equals scipy.stats.studentized_range to 1e-8."""
    q = np.array([0.5, 1.5, 3.0, 4.5, 6.0, 9.0])
    got = studentized_range_sf(q, k, df)
    np.testing.assert_allclose(got, stats.studentized_range.sf(q, k, df), rtol=0, atol=1e-8)


def test_tukey_critical_value_matches_scipy_quantile():
    """q(0.99; 6, 20) and q(0.95; 10, 45) equal scipy's studentized_range.isf to 1e-7."""
    for k, df, alpha in ((6, 20.0, 0.01), (10, 45.0, 0.05)):
        expected = stats.studentized_range.isf(alpha, k, df)
        assert abs(tukey_critical_value(k, df, alpha=alpha) - expected) < 1e-7


def test_dunnett_vectorised_pvalues_equal_one_at_a_time():
    """Vectorised p-values (grouped equal lambdas) equal separate single evaluations."""
    r = dunnett_corr(5, [5, 5, 4, 5])
    t = np.array([0.3, -2.2, 2.9, 4.4])
    p, acc = dunnett_pvalues(t, r, 11)
    assert acc.method == "exact-product-form"
    single = [max_t_exceedance(abs(v), r, 11).value for v in t]
    np.testing.assert_allclose(p, single, atol=1e-14)


@pytest.mark.parametrize("k", [2, 8])
def test_dunnett_pvalues_refuse_a_correlation_holding_nan(k):
    """A NaN in the correlation: one clear error (2 x 2 gave NaN p-values, 8 x 8 LinAlgError)."""
    r = 0.5 ** np.abs(np.subtract.outer(np.arange(k), np.arange(k)))
    r[0, 1] = r[1, 0] = np.nan
    with pytest.raises(DataValidationError) as info:
        dunnett_pvalues(np.full(k, 2.0), r, 30.0)
    assert str(info.value) == (
        "the correlation of the comparisons holds nan at (0, 1): every element must be a "
        "finite number (check the covariance of the estimates)"
    )


@pytest.mark.parametrize("missing", [False, True], ids=["complete", "missing-plots"])
def test_tukey_hsd_check_of_a_low_rank_covariance_is_not_made_dense(
    monkeypatch: pytest.MonkeyPatch, missing: bool
) -> None:
    """The structured LS-mean covariance (blocks absorbed) answers as its dense matrix does.

    Stop 39's methods check densified it: 10,000 entries x 3 blocks made an 800 MB array
    (``test_stats_absorb``).  Independent path: the same check on ``np.asarray(cov)``.
    """
    from yieldtrial.stats._covariance import LowRankUpdateCovariance
    from yieldtrial.stats.distributions import pairwise_is_tukey_hsd

    factor = np.zeros((6, 2))
    if missing:
        factor[2] = [0.3, -0.1]  # one entry with a missing plot
    cov = LowRankUpdateCovariance(np.full(6, 2.0), factor)
    dense = np.asarray(cov)
    expected = pairwise_is_tukey_hsd(dense)
    assert expected is (not missing)

    def refuse(self: object, dtype: object = None, copy: object = None) -> None:
        raise AssertionError("made dense")

    monkeypatch.setattr(LowRankUpdateCovariance, "__array__", refuse)
    assert pairwise_is_tukey_hsd(cov) is expected


def test_product_form_integral_in_small_blocks_matches_one_block(monkeypatch) -> None:
    """Stop 41: the product-form integral runs in blocks of 16,384 elements (in cache).

    20 thresholds x 192 normal nodes x 208 chi nodes (one factor 0.777, 39 df: an RCBD 21 x 3
    that lost one control plot) are 40 blocks instead of one; the sum over the chi nodes is
    split, so the values agree to rounding, not bit for bit.  One of them against an
    independent double integral (scipy.integrate.dblquad over y ~ N(0, 1) and
    s = sqrt(chi2_39 / 39), Dunnett 1955 eq. 3).
    """
    from yieldtrial.stats import distributions

    lam = np.full(20, 0.7771488892352632)
    t = np.linspace(0.5, 4.0, 20)
    blocks = distributions._exact_exceedances(t, lam, 39.0, True)
    monkeypatch.setattr(distributions, "_EXACT_BLOCK_ELEMENTS", 1_500_000)
    whole = distributions._exact_exceedances(t, lam, 39.0, True)
    np.testing.assert_allclose(blocks, whole, rtol=0.0, atol=1e-14)

    c, a, root = t[14], lam[0], math.sqrt(1.0 - lam[0] ** 2)
    chi = stats.chi(39, scale=1.0 / math.sqrt(39.0))

    def inside(y: float, s: float) -> float:
        box = special.ndtr((c * s - a * y) / root) - special.ndtr((-c * s - a * y) / root)
        return float(box**20 * math.exp(-0.5 * y * y) / math.sqrt(2 * math.pi) * chi.pdf(s))

    reference, _ = integrate.dblquad(inside, 0.2, 2.2, -9.0, 9.0, epsabs=1e-11)
    assert abs(blocks[14] - (1.0 - reference)) < 1e-8


def _near_product_form_corr(k, seed):
    """Build a correlation near (not of) product form: lam lam' plus small symmetric noise."""
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.3, 0.6, k)
    noise = rng.normal(0.0, 0.01, (k, k))
    corr = np.outer(lam, lam) + (noise + noise.T) / 2.0
    np.fill_diagonal(corr, 1.0)
    return corr


def test_dunnett_on_the_same_matrix_per_df_gives_the_floats_of_fresh_calls():
    # one df per comparison (Satterthwaite): the p-values and critical value of each df on
    # the same correlation reuse its product-form test and curve key; against a cleared memo
    from yieldtrial.stats import distributions as D

    corr = _near_product_form_corr(6, seed=1)
    t = np.array([0.5, 1.5, 2.5, 3.0, -2.0, 1.0])
    kept = [(dunnett_pvalues(t, corr, df)[0], dunnett_critical_value(corr, df)[0])
            for df in (12.0, 15.5, 30.0)]  # fmt: skip
    fresh = []
    for df in (12.0, 15.5, 30.0):
        D._SAME_MATRIX.clear()
        p = dunnett_pvalues(t, corr, df)[0]
        D._SAME_MATRIX.clear()
        fresh.append((p, dunnett_critical_value(corr, df)[0]))
    for (p1, c1), (p2, c2) in zip(kept, fresh, strict=True):
        np.testing.assert_array_equal(p1, p2)
        assert c1 == c2


def test_dunnett_on_a_matrix_changed_in_place_is_not_served_the_last_result():
    corr = np.full((4, 4), 0.5)
    np.fill_diagonal(corr, 1.0)
    t = np.array([1.0, 2.0, 2.5, 0.5])
    dunnett_pvalues(t, corr, 20.0)  # product form
    corr[:] = _near_product_form_corr(4, seed=2)  # same object, no longer product form
    p, acc = dunnett_pvalues(t, corr, 20.0)
    assert acc.method != "exact-product-form"
    np.testing.assert_array_equal(p, dunnett_pvalues(t, corr.copy(), 20.0)[0])


def test_studentized_range_under_numpy_raise_is_the_default_value() -> None:
    """A caller's ``np.seterr(all="raise")`` does not reach the studentized range.

    At q = 40 the integrand underflows to zero (harmless; NumPy ignores underflows by
    default): it raised FloatingPointError "underflow encountered in exp" (stop 48, the
    chain pass's note).  Expected: the same call under NumPy's default error state.
    """
    q = np.array([0.5, 3.0, 40.0, 200.0])
    want = studentized_range_sf(q, 5, 12.0)
    with np.errstate(all="raise"):
        got = studentized_range_sf(q, 5, 12.0)
    np.testing.assert_array_equal(got, want)
