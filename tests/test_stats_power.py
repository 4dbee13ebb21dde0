"""Tests of replicate planning (yieldtrial.stats.power)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from scipy import integrate, special, stats

from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.stats.power import (
    MAX_REPLICATES,
    _critical,
    _power,
    comparison_power,
    detectable_difference_pct,
    replicates_needed,
)

CV_GRID = np.arange(1.0, 31.0)  # 1-30 %
DIFF_GRID = np.arange(1.0, 51.0)  # 1-50 %
REPS_GRID = range(2, 13)  # 2-12
TREAT_GRID = range(2, 21)  # 2-20


def _nct_reference(fn):
    """Run a scipy.stats.nct-based reference quietly (old SciPy warns in far tails)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn()


def _quad_power(crit: float, df: float, ncp: float, two_sided: bool = True) -> float:
    """Independent reference: adaptive quadrature of E_S[Phi(ncp - c S) (+ Phi(-ncp - c S))].

    ``S = chi_df / sqrt(df)`` with scipy.stats.chi's own density, split where the integrand is
    steepest (s = ncp / c) and at the median; no code shared with yieldtrial.
    """
    dist = stats.chi(df, scale=1.0 / np.sqrt(df))

    def integrand(s: float) -> float:
        upper = special.ndtr(ncp - crit * s)
        lower = special.ndtr(-ncp - crit * s) if two_sided else 0.0
        return float(dist.pdf(s) * (upper + lower))

    lo, hi = float(dist.ppf(1e-16)), float(dist.isf(1e-16))
    points = sorted({p for p in (ncp / crit, float(dist.median())) if lo < p < hi})
    value, _ = integrate.quad(integrand, lo, hi, points=points, epsabs=1e-13, epsrel=1e-12,
                              limit=400)  # fmt: skip
    return value


# ----------------------------------------------------------------------------- correctness
def test_t_power_matches_statsmodels_two_sample():
    """CRD with 2 treatments: power equals statsmodels TTestIndPower (df = 2(r - 1)).

    statsmodels uses scipy.stats.nct, accurate to about 1e-9 in SciPy 1.11 (1e-11 later).
    """
    from statsmodels.stats.power import TTestIndPower

    got = comparison_power(cv_pct=8.0, difference_pct=10.0, replicates=5, n_treatments=2,
                           design="crd", comparison="t")  # fmt: skip
    expected = _nct_reference(
        lambda: TTestIndPower().power(effect_size=10.0 / 8.0, nobs1=5, alpha=0.05)
    )
    assert got == pytest.approx(expected, abs=1e-8)


def test_rcbd_power_uses_rcbd_error_df():
    """RCBD, 5 treatments, 4 reps: df = 12, noncentral t by hand with scipy.stats.nct."""
    got = comparison_power(cv_pct=8.0, difference_pct=10.0, replicates=4, n_treatments=5,
                           comparison="t")  # fmt: skip
    ncp = 10.0 / (8.0 * np.sqrt(2 / 4))
    crit = stats.t.isf(0.025, 12)
    expected = _nct_reference(lambda: stats.nct.sf(crit, 12, ncp) + stats.nct.cdf(-crit, 12, ncp))
    assert got == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("effect_size", "cohen_n"),
    [(0.5, 64), (0.8, 26)],
)
def test_replicates_match_cohen_table(effect_size, cohen_n):
    """Cohen (1988), Table 2.4.1: n per group, two-sided alpha 0.05, power 0.80.

    d = 0.5 -> 64 and d = 0.8 -> 26 (d = difference / sd = difference_pct / cv_pct; two
    treatments in a CRD are Cohen's two-sample t test).  Cohen's d = 0.2 entry (393) comes from
    his approximation; the exact noncentral t gives 393.4 -> 394 (statsmodels solve_power).
    """
    got = replicates_needed(cv_pct=10.0, difference_pct=10.0 * effect_size, n_treatments=2,
                            design="crd", comparison="t")  # fmt: skip
    assert got == cohen_n


@pytest.mark.parametrize(
    ("crit", "df", "ncp"),
    [
        (3.0, 3.0, 40.0),  # scipy.stats.nct.cdf(-3, 3, 40) is NaN in SciPy >= 1.15
        (4.303, 2.0, 5.0),  # df 2: the rule over the normal variable
        (12.706, 1.0, 20.0),  # df 1, t critical value: steep in s
        (2.0, 1.0, 1.0),
        (2.5, 12.0, 2.0),
        (2.9, 400.0, 2.9),
        (4.0, 5.0, 0.0),  # no difference: the size of the test
    ],
)
def test_power_matches_adaptive_quadrature(crit, df, ncp):
    """The fixed rules agree with an independent adaptive quadrature to 1e-10."""
    got = float(_power(crit, df, np.array([ncp]), True)[0])
    assert got == pytest.approx(_quad_power(crit, df, ncp), abs=1e-10)
    one = float(_power(crit, df, np.array([ncp]), False)[0])
    assert one == pytest.approx(_quad_power(crit, df, ncp, two_sided=False), abs=1e-10)


def test_power_matches_scipy_nct_where_it_is_finite():
    """Against scipy.stats.nct on a grid of df, critical values and ncp (where not NaN)."""
    dfs = [1.0, 2.0, 4.0, 9.0, 30.0, 200.0]
    crits = [1.5, 2.0, 2.8, 4.3, 12.7]
    ncps = np.array([0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0])
    for df in dfs:
        for crit in crits:
            got = _power(crit, df, ncps, True)
            expected = _nct_reference(
                lambda c=crit, d=df: stats.nct.sf(c, d, ncps) + stats.nct.cdf(-c, d, ncps)
            )
            ok = np.isfinite(expected)
            np.testing.assert_allclose(got[ok], expected[ok], atol=1e-8)


@pytest.mark.parametrize("df", [476_729.0, 1e9])
def test_power_at_huge_df_matches_scipy_nct_and_the_normal_limit(df):
    """Error df of plans with thousands of replicates: scipy.stats.nct (finite there) to 1e-8.

    As df grows the power tends to Phi(ncp - c) + Phi(-ncp - c) (known variance), within
    about 1e-6 at 476 729 df (the chi spread is 1e-3).
    """
    for crit, ncp in [(2.9, 2.9), (1.96, 0.5), (2.9, 0.0)]:
        got = float(_power(crit, df, np.array([ncp]), True)[0])
        expected = _nct_reference(
            lambda c=crit, d=ncp: stats.nct.sf(c, df, d) + stats.nct.cdf(-c, df, d)
        )
        assert got == pytest.approx(expected, abs=1e-8)
        normal = stats.norm.sf(crit - ncp) + stats.norm.cdf(-crit - ncp)
        assert got == pytest.approx(normal, abs=1e-5)


@pytest.mark.parametrize(("comparison", "n_treatments"), [("t", 5), ("dunnett", 4)])
def test_power_matches_monte_carlo_rcbd(comparison, n_treatments):
    """Simulated RCBD trials (seed 20240601, 40 000 trials) reject as often as predicted.

    Each trial: yields 100 + block + treatment + N(0, CV^2); the error mean square of the
    two-way ANOVA on (t - 1)(r - 1) df; T1 vs the control declared significant when
    |t| > the procedure's critical value.  The rejection rate lies within 4 standard errors
    of comparison_power.
    """
    rng = np.random.default_rng(20240601)
    n_sim, reps, cv, diff = 40_000, 4, 8.0, 12.0
    effects = np.zeros(n_treatments)
    effects[1] = diff
    y = (
        100.0
        + rng.normal(0.0, 5.0, (n_sim, 1, reps))
        + effects[None, :, None]
        + rng.normal(0.0, cv, (n_sim, n_treatments, reps))
    )
    resid = (
        y
        - y.mean(axis=2, keepdims=True)
        - y.mean(axis=1, keepdims=True)
        + y.mean(axis=(1, 2), keepdims=True)
    )
    df = (n_treatments - 1) * (reps - 1)
    mse = (resid**2).sum(axis=(1, 2)) / df
    tstat = (y[:, 1].mean(axis=1) - y[:, 0].mean(axis=1)) / np.sqrt(2.0 * mse / reps)
    crit = (
        stats.t.isf(0.025, df)
        if comparison == "t"
        else _critical("dunnett", n_treatments, float(df), 0.05, "two-sided")
    )
    rate = float(np.mean(np.abs(tstat) > crit))
    predicted = comparison_power(cv_pct=cv, difference_pct=diff, replicates=reps,
                                 n_treatments=n_treatments, comparison=comparison)  # fmt: skip
    se = np.sqrt(predicted * (1 - predicted) / n_sim)
    assert abs(rate - predicted) < 4 * se


def test_dunnett_critical_value_for_many_treatments_matches_dunnett_integral():
    """999 treatments vs a control, known variance: Dunnett (1955) eq. 3 by adaptive quadrature.

    P(max |Z_i| <= c) = int phi(x) [Phi(sqrt(2) c - x) - Phi(-sqrt(2) c - x)]^k dx for k
    comparisons with correlation 1/2; no k x k matrix is built by the planner.
    """
    k = 999

    def coverage(c: float) -> float:
        def f(x: float) -> float:
            width = special.ndtr(np.sqrt(2) * c - x) - special.ndtr(-np.sqrt(2) * c - x)
            return float(np.exp(-0.5 * x * x + k * np.log(width)) / np.sqrt(2 * np.pi))

        return integrate.quad(f, -12, 12, epsabs=1e-13, limit=200)[0]

    from scipy.optimize import brentq

    expected = brentq(lambda c: 1 - coverage(c) - 0.05, 3.0, 5.0, xtol=1e-12)
    got = _critical("dunnett", k + 1, float("inf"), 0.05, "two-sided")
    assert got == pytest.approx(expected, abs=1e-7)


# ----------------------------------------------------------------------------- search
def test_replicates_needed_is_smallest_sufficient():
    """The returned r reaches the power and r - 1 does not."""
    r = replicates_needed(cv_pct=8.0, difference_pct=10.0, n_treatments=5)
    power = {n: comparison_power(cv_pct=8.0, difference_pct=10.0, replicates=n,
                                 n_treatments=5) for n in (r - 1, r)}  # fmt: skip
    assert power[r] >= 0.8 > power[r - 1]


def test_replicates_needed_large_is_smallest_sufficient():
    """A 1 % difference at a CV of 30 % among 20 treatments: thousands of replicates, exact."""
    kw = {"cv_pct": 30.0, "difference_pct": 1.0, "n_treatments": 20}
    r = replicates_needed(**kw, max_replicates=MAX_REPLICATES)
    assert r > 20_000
    assert comparison_power(**kw, replicates=r) >= 0.8 > comparison_power(**kw, replicates=r - 1)


def test_dunnett_needs_at_least_as_many_replicates_as_t():
    """Dunnett's larger critical value never needs fewer replicates than the t test."""
    kw = {"cv_pct": 10.0, "difference_pct": 12.0, "n_treatments": 6}
    assert replicates_needed(**kw, comparison="dunnett") >= replicates_needed(**kw, comparison="t")


def test_detectable_difference_round_trip():
    """Power at the detectable difference equals the requested power."""
    d = detectable_difference_pct(cv_pct=8.0, replicates=4, n_treatments=5)
    p = comparison_power(cv_pct=8.0, difference_pct=d, replicates=4, n_treatments=5)
    assert p == pytest.approx(0.8, abs=1e-8)


def test_detectable_difference_where_scipy_nct_is_nan():
    """Issue 16: cv 3 %, 2 replicates, 4 treatments crashed on a NaN from scipy.stats.nct."""
    d = detectable_difference_pct(cv_pct=3.0, replicates=2, n_treatments=4)
    assert np.isfinite(d)
    assert comparison_power(cv_pct=3.0, difference_pct=d, replicates=2,
                            n_treatments=4) == pytest.approx(0.8, abs=1e-8)  # fmt: skip


def test_replicates_needed_unreachable_raises():
    """Power not reached within max_replicates is a DataValidationError."""
    with pytest.raises(DataValidationError, match="max_replicates"):
        replicates_needed(cv_pct=30.0, difference_pct=1.0, n_treatments=3, max_replicates=10)


def test_bad_comparison_raises():
    """An unknown comparison is a DataValidationError naming the choices."""
    with pytest.raises(DataValidationError, match="comparison"):
        replicates_needed(cv_pct=8.0, difference_pct=10.0, n_treatments=3, comparison="scheffe")


# ----------------------------------------------------------------------------- the grid
@pytest.mark.slow
@pytest.mark.parametrize(("comparison", "design"), [("dunnett", "rcbd"), ("t", "crd")])
def test_power_on_grid_is_finite_and_monotone(comparison, design):
    """CV 1-30 %, replicates 2-12, treatments 2-20, differences 1-50 %: never NaN.

    Power rises with the difference and falls with the CV everywhere.  It rises with the
    replicates wherever the difference is detectable at all (power >= alpha); below that the
    power is about the per-comparison size of Dunnett's test, which shrinks as the error df
    grow (2 vs control at 4 df: 0.0297, at infinite df: 0.0270), so it may fall slightly.
    """
    power = np.array(
        [
            [
                comparison_power(
                    cv_pct=CV_GRID[:, None],
                    difference_pct=DIFF_GRID[None, :],
                    replicates=r,
                    n_treatments=t,
                    comparison=comparison,
                    design=design,
                )  # fmt: skip
                for r in REPS_GRID
            ]
            for t in TREAT_GRID
        ]
    )  # axes: treatments, replicates, cv, difference
    assert np.all(np.isfinite(power)) and np.all((power >= 0) & (power <= 1))
    tol = 1e-12
    assert np.all(np.diff(power, axis=3) >= -tol)  # more difference, more power
    assert np.all(np.diff(power, axis=2) <= tol)  # more CV, less power
    gain = np.diff(power, axis=1)
    detectable = power[:, :-1] >= 0.05
    assert np.all(gain[detectable] >= -tol)
    if comparison == "t":
        assert np.all(gain >= -tol)


@pytest.mark.slow
def test_replicates_needed_on_grid_falls_with_difference():
    """Replicates needed never rise with the difference (differences 1-50 %)."""
    for comparison, cvs, treatments in [
        ("t", (1.0, 8.0, 30.0), (2, 5, 20)),
        ("dunnett", (8.0,), (3, 20)),
    ]:
        for cv in cvs:
            for t in treatments:
                r = [replicates_needed(cv_pct=cv, difference_pct=d, n_treatments=t,
                                       comparison=comparison, max_replicates=MAX_REPLICATES)
                     for d in DIFF_GRID]  # fmt: skip
                assert all(isinstance(x, int) and x >= 2 for x in r)
                assert np.all(np.diff(r) <= 0), (comparison, cv, t)


def test_detectable_difference_on_grid_is_finite_and_falls_with_replicates():
    """Detectable difference (cv 8 %): finite, and smaller with every replicate added."""
    for t in TREAT_GRID:
        d = [detectable_difference_pct(cv_pct=8.0, replicates=r, n_treatments=t)
             for r in REPS_GRID]  # fmt: skip
        assert np.all(np.isfinite(d))
        assert np.all(np.diff(d) < 0), t


def test_detectable_difference_is_proportional_to_cv():
    """The noncentrality at the target power does not depend on the CV: d(cv) = cv d(1)."""
    one = detectable_difference_pct(cv_pct=1.0, replicates=3, n_treatments=6)
    for cv in (2.0, 8.0, 30.0):
        got = detectable_difference_pct(cv_pct=cv, replicates=3, n_treatments=6)
        assert got == pytest.approx(cv * one, rel=1e-9)


def test_power_accepts_arrays_and_returns_floats_for_scalars():
    """Scalars give a float; arrays broadcast (cv down, difference across)."""
    one = comparison_power(cv_pct=8, difference_pct=10, replicates=4, n_treatments=3)
    assert isinstance(one, float)
    grid = comparison_power(cv_pct=[6, 8], difference_pct=[[5], [10], [15]], replicates=4,
                            n_treatments=3)  # fmt: skip
    assert grid.shape == (3, 2)
    assert grid[1, 1] == pytest.approx(one, abs=1e-15)


# ----------------------------------------------------------------------------- bad input
BAD_ARGUMENTS = [
    ({"cv_pct": 1e6}, "cv_pct"),
    ({"cv_pct": float("nan")}, "cv_pct"),
    ({"cv_pct": float("inf")}, "cv_pct"),
    ({"cv_pct": -8.0}, "cv_pct"),
    ({"cv_pct": "8"}, "cv_pct"),
    ({"n_treatments": 1_000_000}, "n_treatments"),
    ({"n_treatments": -3}, "n_treatments"),
    ({"n_treatments": float("nan")}, "n_treatments"),
    ({"n_treatments": 3.5}, "n_treatments"),
    ({"n_treatments": True}, "n_treatments"),
    ({"difference_pct": float("nan")}, "difference_pct"),
    ({"difference_pct": float("inf")}, "difference_pct"),
    ({"difference_pct": -5.0}, "difference_pct"),
    ({"difference_pct": 0.0}, "difference_pct"),
    ({"alpha": float("nan")}, "alpha"),
    ({"alpha": 0.0}, "alpha"),
    ({"alpha": "0.05"}, "alpha"),
    ({"power": 1.0}, "power"),
    ({"power": 0.01}, "power"),
    ({"power": float("inf")}, "power"),
    ({"max_replicates": 10**9}, "max_replicates"),
]


@pytest.mark.parametrize(("bad", "name"), BAD_ARGUMENTS)
def test_replicates_needed_rejects_bad_arguments(bad, name):
    """Each extreme or ill-typed argument is one DataValidationError naming it."""
    kw = {"cv_pct": 8.0, "difference_pct": 10.0, "n_treatments": 3} | bad
    with pytest.raises(DataValidationError, match=name):
        replicates_needed(**kw)


@pytest.mark.parametrize("replicates", [10**9, 1, -3, 2.5, float("nan"), float("inf"), "4"])
def test_detectable_difference_rejects_bad_replicates(replicates):
    """Replicates outside 2..MAX_REPLICATES or not whole: DataValidationError."""
    with pytest.raises(DataValidationError, match="replicates"):
        detectable_difference_pct(cv_pct=8.0, replicates=replicates, n_treatments=3)


def test_tiny_difference_is_out_of_reach_not_a_long_search():
    """The smallest ratio in range (0.01 % at a CV of 100 %) needs ~1.6e9 replicates.

    (z_0.975 + z_0.8 = 2.80 = 0.01 / (100 x sqrt(2 / r)) -> r = 2 x 28,000^2): refused at
    MAX_REPLICATES, no long search.
    """
    with (
        pytest.warns(YieldTrialWarning, match="difference_pct=0.01 is read as 0.01 %"),
        pytest.raises(DataValidationError, match="not reached with 1,000,000 replicates"),
    ):
        replicates_needed(cv_pct=100.0, difference_pct=0.01, n_treatments=3,
                          max_replicates=MAX_REPLICATES)  # fmt: skip


@pytest.mark.parametrize(
    ("cv_pct", "difference_pct", "message"),
    [
        (1e-300, 10.0, "cv_pct (CV of plot yields) must be a percentage from 0.01 to 100"),
        (8.0, 1e-300, "difference_pct (difference to detect) must be a percentage from 0.01"),
        (8.0, 1e300, "difference_pct (difference to detect) must be a percentage from 0.01 to "
                     "1,000"),
    ],
)  # fmt: skip
def test_extreme_percentages_are_refused_with_the_range(cv_pct, difference_pct, message):
    """Below 0.01 % (1 g of a 10 kg plot) or above the maximum: the range is named."""
    with pytest.raises(DataValidationError, match=re.escape(message)):
        replicates_needed(cv_pct=cv_pct, difference_pct=difference_pct, n_treatments=3)


def test_extreme_but_valid_ratio_gives_power_one_without_warnings():
    """The largest ratio in range (CV 0.01 %, difference 1,000 %) overflows nothing: power 1."""
    got = comparison_power(cv_pct=0.01, difference_pct=1000, replicates=2, n_treatments=3)
    assert got == pytest.approx(1.0, abs=1e-15)


def test_replicates_needed_warns_on_a_fractional_cv():
    """cv_pct=0.08 is read as 0.08 % but warned about (8 % written as a fraction?)."""
    with pytest.warns(YieldTrialWarning, match=r"cv_pct=0.08 is read as 0.08 %.*cv_pct=8"):
        replicates_needed(cv_pct=0.08, difference_pct=10, n_treatments=3)
