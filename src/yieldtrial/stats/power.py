"""Power of a field trial: replicates needed and the smallest detectable difference.

The comparison of one treatment with the control (or of two treatments) in a balanced CRD or
RCBD with ``r`` replicates has standard error ``CV x sqrt(2 / r)`` in % of the mean, and its t
statistic follows a noncentral t distribution on the error df the design implies
(RCBD: ``(t - 1)(r - 1)``; CRD: ``t (r - 1)``) with noncentrality
``difference_pct / (cv_pct sqrt(2 / r))``.  The critical value is Student's t (``"t"``,
unadjusted LSD-type test), Dunnett's (``"dunnett"``: balanced, ``t - 1`` treatments against
one control, correlation 1/2) or Tukey's (``"tukey"``: ``q / sqrt(2)``), so the power is the
probability that this particular difference is declared significant by that procedure.

How the power is computed
-------------------------
``scipy.stats.nct`` is not used: its cdf returns NaN in parts of the range a plan needs
(SciPy 1.15+: ``nct.cdf(-3, 3, 40)``) and its accuracy differs between SciPy versions.  With
``T = (Z + delta) / S``, ``Z`` standard normal and ``S = sqrt(chi2_df / df)`` independent, the
power ``P(T > c) + P(T < -c)`` is integrated directly, with normal and chi functions only:

* ``E_S[Phi(delta - c S) + Phi(-delta - c S)]`` over the chi distribution of ``S`` (composite
  Gauss-Legendre panels between its quantiles, the rule of the Dunnett integral in
  :mod:`yieldtrial.stats.distributions`) when ``c`` times the spread of ``S`` is at most 1;
* otherwise ``int_0^inf [phi(u - delta) + phi(u + delta)] F_S(u / c) du`` over the normal
  variable (``F_S`` the chi cdf, a regularized incomplete gamma function; 18 unit panels of 16
  Gauss-Legendre nodes around ``delta``),

so that the integrand is smooth on the panels in both regimes.  The result is a probability
in [0, 1] for every argument (never NaN), increasing in the difference and the replicates,
and agrees with an independent adaptive quadrature to 1e-10 (tests).  The search for the
replicates starts at the normal approximation and brackets the answer by galloping and
bisection over whole numbers; the detectable difference is Brent's root of a power curve
that is negative at 0 and positive at the doubled upper end, so no search ever leaves the
range where the power is defined.

Arguments are checked before anything is computed: CV in (0, 100] %, at most
:data:`MAX_TREATMENTS` treatments and :data:`MAX_REPLICATES` replicates, alpha in
[1e-4, 0.5], power between alpha and 0.9999.

References
----------
.. [1] Gomez, K. A., Gomez, A. A. (1984). *Statistical Procedures for Agricultural Research*,
   2nd ed. Wiley, ch. 2 and 5.
.. [2] Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed.
   Erlbaum (noncentral t power; Table 2.4.1, sample size per group).
.. [3] Owen, D. B. (1965). A special case of a bivariate non-central t-distribution.
   *Biometrika* 52, 437-446 (the noncentral t cdf as an integral over the chi distribution).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import ALPHA_RANGE as _ALPHA_RANGE
from yieldtrial.io.checks import (
    check_alpha,
    message_number,
    overflows,
    real_float,
    shown,
    whole_number,
)
from yieldtrial.stats._common import warn_fraction_pct

__all__ = [
    "COMPARISONS",
    "DESIGNS",
    "MAX_CV_PCT",
    "MAX_DIFFERENCE_PCT",
    "MIN_PCT",
    "MAX_REPLICATES",
    "MAX_TREATMENTS",
    "comparison_power",
    "detectable_difference_pct",
    "replicates_needed",
    "validate_plan_arguments",
]

#: Valid ``comparison`` strings.
COMPARISONS: tuple[str, ...] = ("dunnett", "t", "tukey")

#: Valid ``design`` strings.
DESIGNS: tuple[str, ...] = ("rcbd", "crd")

#: Valid ``alternative`` strings.
POWER_ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater")

#: Largest accepted CV of plot yields [%] (above it plots vary more than their mean yield).
MAX_CV_PCT = 100.0

#: Smallest accepted CV or difference [%]: 0.01 % of a 10 kg plot is 1 g, the resolution of a
#: field scale, and the plan prints percentages to one decimal (1e-300 % planned nothing).
MIN_PCT = 0.01

#: Largest accepted difference to detect [%] (tenfold the control's yield).
MAX_DIFFERENCE_PCT = 1000.0

#: Largest number of treatments a plan accepts (breeding trials have thousands of entries).
MAX_TREATMENTS = 10_000

#: Largest number of replicates searched or accepted.
MAX_REPLICATES = 1_000_000

#: Range of the accepted significance level (the one rule of every entry point).
ALPHA_RANGE: tuple[float, float] = _ALPHA_RANGE

#: Largest accepted power.
MAX_POWER = 0.9999


# ----------------------------------------------------------------------------- validation
def _real(value: Any, what: str, allowed: str) -> float:
    """``value`` as a finite float, or a DataValidationError naming ``what`` and ``allowed``.

    ``allowed``: the values it takes (``from 0.0001 to 0.5``), said by every message.
    """
    if isinstance(value, bool | str | bytes) or not isinstance(value, numbers.Real):
        raise DataValidationError(f"{what} must be a number {allowed}; got {shown(value)}")
    out = real_float(value)  # 10**400 is inf: finite, but out of range
    if not np.isfinite(out):
        kind = "a number" if overflows(value) else "a finite number"
        raise DataValidationError(f"{what} must be {kind} {allowed}; got {shown(value)}")
    return out


def _whole(value: Any, what: str, minimum: int, maximum: int) -> int:
    """``value`` as an int in [minimum, maximum] (whole floats such as 4.0 accepted)."""
    if isinstance(value, bool | str | bytes) or not isinstance(value, numbers.Real):
        raise DataValidationError(
            f"{what} must be a whole number from {minimum} to {maximum:,}; got {shown(value)}"
        )
    number = whole_number(value)  # the layouts' rule too (io.checks): 4.0 is 4, 4.5 no
    if number is None or not minimum <= number <= maximum:
        raise DataValidationError(
            f"{what} must be a whole number from {minimum} to {maximum:,}; got {shown(value)}"
        )
    return number


def _percentages(value: Any, what: str, *, maximum: float, minimum: float = MIN_PCT) -> np.ndarray:
    """``value`` (number or array-like) as a float array of percentages in [minimum, maximum]."""
    if isinstance(value, bool | np.bool_ | str | bytes):
        raise DataValidationError(
            f"{what} must be a percentage from {minimum:g} to {maximum:,g} (a number); "
            f"got {shown(value)}"
        )
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int such as 10**400
        raise DataValidationError(
            f"{what} must be a percentage from {minimum:g} to {maximum:,g} (a number); "
            f"got {shown(value)}"
        ) from None
    bad = ~(np.isfinite(arr) & (arr >= minimum) & (arr <= maximum))
    if np.any(bad):
        first = arr[bad].ravel()[0] if arr.ndim else arr
        raise DataValidationError(
            f"{what} must be a percentage from {minimum:g} to {maximum:,g} (8 for 8 %); "
            f"got {shown(value) if arr.ndim == 0 else repr(float(first))}"  # as given (stop 49)
        )
    return arr


def _check_choices(design: str, comparison: str, alternative: str) -> None:
    if design not in DESIGNS:
        raise DataValidationError(f"design must be one of {', '.join(DESIGNS)}; got {design!r}")
    if comparison not in COMPARISONS:
        raise DataValidationError(
            f"comparison must be one of {', '.join(COMPARISONS)}; got {comparison!r}"
        )
    if alternative not in POWER_ALTERNATIVES:
        raise DataValidationError(
            f"alternative must be one of {', '.join(POWER_ALTERNATIVES)}; got {alternative!r}"
        )
    if comparison == "tukey" and alternative != "two-sided":
        raise DataValidationError("comparison='tukey' is two-sided; use alternative='two-sided'")


#: How the messages name each planning argument (the CLI passes its option names instead).
_NAMES: dict[str, str] = {
    "cv_pct": "cv_pct",
    "difference_pct": "difference_pct",
    "n_treatments": "n_treatments",
    "replicates": "replicates",
    "alpha": "alpha",
    "power": "power",
}


def _check_alpha(alpha: Any, names: Mapping[str, str] = _NAMES) -> float:
    low, high = ALPHA_RANGE
    number = _real(alpha, names["alpha"], f"from {low:g} to {high:g}")
    # an int or float is echoed as given (--alpha 5: 5, not 5.0; stop 49)
    return check_alpha(alpha if isinstance(alpha, int | float) else number, names["alpha"])


def _check_power(power: Any, alpha: float, names: Mapping[str, str] = _NAMES) -> float:
    allowed = (
        f"above {names['alpha']} ({message_number(alpha)}) and at most {message_number(MAX_POWER)}"
    )
    p = _real(power, names["power"], allowed)
    if not alpha < p <= MAX_POWER:
        hint = ""
        if 1.0 < p < 100.0:  # 80 for 80 %?
            hint = (
                f"; power is a probability: write {message_number(p, scale=0.01)} for "
                f"{message_number(p)} %"
            )
        raise DataValidationError(f"{names['power']} must be {allowed}; got {shown(power)}{hint}")
    return p


def _check_cv(cv_pct: Any, names: Mapping[str, str] = _NAMES) -> np.ndarray:
    what = f"{names['cv_pct']} (CV of plot yields)"
    return _percentages(cv_pct, what, maximum=MAX_CV_PCT)


def _check_difference(difference_pct: Any, names: Mapping[str, str] = _NAMES) -> np.ndarray:
    what = f"{names['difference_pct']} (difference to detect)"
    return _percentages(difference_pct, what, maximum=MAX_DIFFERENCE_PCT)


def _check_treatments(n_treatments: Any, names: Mapping[str, str] = _NAMES) -> int:
    what = f"{names['n_treatments']} (treatments, control included)"
    return _whole(n_treatments, what, 2, MAX_TREATMENTS)


def _check_replicates(replicates: Any, names: Mapping[str, str] = _NAMES) -> int:
    return _whole(replicates, names["replicates"], 2, MAX_REPLICATES)


def validate_plan_arguments(
    *,
    cv_pct: Any,
    n_treatments: Any,
    alpha: Any = 0.05,
    power: Any = 0.8,
    design: str = "rcbd",
    comparison: str = "dunnett",
    alternative: str = "two-sided",
    difference_pct: Any = None,
    replicates: Any = None,
    names: Mapping[str, str] | None = None,
) -> None:
    """Check every planning argument (the same messages for the CLI, trial.toml and the API).

    Parameters
    ----------
    cv_pct, n_treatments, alpha, power, design, comparison, alternative
        See :func:`replicates_needed`.
    difference_pct : float, optional
        Checked when given: a percentage from :data:`MIN_PCT` to
        :data:`MAX_DIFFERENCE_PCT`. [%]
    replicates : int, optional
        Checked when given: a whole number from 2 to :data:`MAX_REPLICATES`.
    names : mapping, optional
        Argument name (``"cv_pct"``, ``"difference_pct"``, ``"n_treatments"``,
        ``"replicates"``, ``"alpha"``, ``"power"``) -> the name the messages use (the CLI
        passes its options, ``"--cv"``, ...); default: the argument names.

    Raises
    ------
    DataValidationError
        The first argument that is of the wrong type, not finite or out of range.

    Examples
    --------
    >>> validate_plan_arguments(cv_pct=8, n_treatments=3, replicates=4)
    >>> validate_plan_arguments(cv_pct=8e5, n_treatments=3)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: cv_pct (CV of plot yields) must be a percentage from ...
    """
    names = {**_NAMES, **(names or {})}
    _check_choices(design, comparison, alternative)
    cv = _check_cv(cv_pct, names)
    if cv.ndim:  # a list or Series: one trial is planned from one CV
        raise DataValidationError(
            f"{names['cv_pct']} (CV of plot yields) must be one number; got {shown(cv_pct)}"
        )
    warn_fraction_pct(names["cv_pct"], float(cv), example="8")  # 0.08?
    _check_treatments(n_treatments, names)
    _check_power(power, _check_alpha(alpha, names), names)
    if difference_pct is not None:
        difference = _check_difference(difference_pct, names)
        if not difference.ndim:  # 0.05 for 5 %?
            warn_fraction_pct(names["difference_pct"], float(difference), example="5")
    if replicates is not None:
        _check_replicates(replicates, names)


# ----------------------------------------------------------------------------- computation
def _error_df(design: str, n_treatments: int, replicates: int) -> float:
    if design == "rcbd":
        return float((n_treatments - 1) * (replicates - 1))
    return float(n_treatments * (replicates - 1))


@lru_cache(maxsize=4096)
def _critical(
    comparison: str, n_treatments: int, df: float, alpha: float, alternative: str
) -> float:
    """Critical value of the comparison's t statistic (cached)."""
    from yieldtrial.stats._univariate import t_isf  # scipy.stats.t.isf, bit for bit

    two = alternative == "two-sided"
    if comparison == "t" or n_treatments == 2:
        return float(t_isf(alpha / (2.0 if two else 1.0), df))
    if comparison == "tukey":
        from yieldtrial.stats.distributions import tukey_critical_value

        return tukey_critical_value(n_treatments, df, alpha=alpha) / np.sqrt(2.0)
    from yieldtrial.stats.distributions import dunnett_critical_cached

    # t - 1 equally replicated treatments against one control: product form, factors
    # sqrt(1/2) (the key dunnett_critical_value uses for this correlation matrix)
    lam = round(float(np.sqrt(0.5)), 13)
    sided = "two-sided" if two else "greater"
    crit, _ = dunnett_critical_cached((lam,) * (n_treatments - 1), df, sided, 1.0 - alpha)
    return crit


def _spread_of_s(df: float) -> float:
    """Approximate standard deviation of ``S = sqrt(chi2_df / df)`` (choice of the rule)."""
    return 1.0 / np.sqrt(2.0 * df + 1.0)


#: Panels (of unit width at most) and Gauss-Legendre nodes per panel of the normal rule.
_NORMAL_PANELS, _NODES_PER_PANEL = 18, 16


def _normal_rule(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre nodes and weights on [a_i, b_i] for every i."""
    x, w = np.polynomial.legendre.leggauss(_NODES_PER_PANEL)
    edges = a[:, None] + (b - a)[:, None] * np.linspace(0.0, 1.0, _NORMAL_PANELS + 1)[None, :]
    half = np.diff(edges, axis=1) / 2.0
    mid = (edges[:, :-1] + edges[:, 1:]) / 2.0
    nodes = (mid[:, :, None] + half[:, :, None] * x[None, None, :]).reshape(a.size, -1)
    weights = (half[:, :, None] * w[None, None, :]).reshape(a.size, -1)
    return nodes, weights


def _power(crit: float, df: float, ncp: np.ndarray, two_sided: bool) -> np.ndarray:
    """``P(T > c)`` (+ ``P(T < -c)`` when two-sided) for ``T`` noncentral t(df, ncp >= 0).

    See the module notes: an integral over the chi distribution of ``S`` when ``c`` times its
    spread is at most 1, else over the normal variable with the chi cdf inside.
    """
    from scipy import special

    # the power is 1 to double precision long before 1e12 (keeps the rules finite)
    delta = np.minimum(np.atleast_1d(np.asarray(ncp, dtype=float)), 1e12)
    if crit * _spread_of_s(df) <= 1.0:
        from yieldtrial.stats.distributions import chi_nodes

        s, w = chi_nodes(float(df))
        cs = crit * s[None, :]
        out = special.ndtr(delta[:, None] - cs) @ w
        if two_sided:
            out = out + special.ndtr(-delta[:, None] - cs) @ w
        return np.clip(out, 0.0, 1.0)

    def chi_cdf(x: np.ndarray) -> np.ndarray:
        return special.gammainc(df / 2.0, df * x**2 / 2.0)

    span = 9.0  # phi beyond 9 standard deviations is below 1e-18
    # upper tail: u = delta + x with x ~ N(0, 1), nodes in x (no cancellation for a huge delta)
    x, wx = _normal_rule(np.maximum(-delta, -span), np.full(delta.shape, span))
    out = np.sum(wx * np.exp(-0.5 * x**2) * chi_cdf((delta[:, None] + x) / crit), axis=1)
    if two_sided:
        # P(Z + delta < -c S) = int_delta^inf phi(v) F_S((v - delta) / c) dv, negligible past 9
        near = delta < span
        if np.any(near):
            dn = delta[near]
            v, wv = _normal_rule(dn, np.full(dn.shape, span))
            out[near] += np.sum(
                wv * np.exp(-0.5 * v**2) * chi_cdf((v - dn[:, None]) / crit), axis=1
            )
    return np.clip(out / np.sqrt(2.0 * np.pi), 0.0, 1.0)


def comparison_power(
    *,
    cv_pct: Any,
    difference_pct: Any,
    replicates: int,
    n_treatments: int,
    alpha: float = 0.05,
    design: str = "rcbd",
    comparison: str = "dunnett",
    alternative: str = "two-sided",
) -> Any:
    """Power to declare a given difference significant in a balanced trial.

    Parameters
    ----------
    cv_pct : float or array_like
        Coefficient of variation of plot yields, ``100 sqrt(MSE) / mean``, in (0, 100]. [%]
    difference_pct : float or array_like
        True difference between treatment and control, in % of the mean (> 0; broadcast
        against ``cv_pct``). [%]
    replicates : int
        Replicates (blocks) per treatment, 2 to :data:`MAX_REPLICATES`.
    n_treatments : int
        Number of treatments including the control(s), 2 to :data:`MAX_TREATMENTS`.
    alpha : float
        Family-wise significance level, 1e-4 to 0.5.
    design : {"rcbd", "crd"}
        Sets the error df.
    comparison : {"dunnett", "t", "tukey"}
        Procedure whose critical value is used.
    alternative : {"two-sided", "greater"}
        Two-sided test, or one-sided (treatment better than control).

    Returns
    -------
    float or ndarray
        Probability of rejecting the null hypothesis for this comparison (a float for
        scalar arguments, else an array of the broadcast shape).

    Raises
    ------
    DataValidationError
        An argument of the wrong type, not finite or out of range.

    Notes
    -----
    The noncentral t probability is integrated as the module notes describe, never taken
    from ``scipy.stats.nct``.

    Examples
    --------
    >>> round(comparison_power(cv_pct=8, difference_pct=10, replicates=4, n_treatments=5,
    ...                        comparison="t"), 4)
    0.3697
    >>> comparison_power(cv_pct=[6, 8, 10], difference_pct=10, replicates=4, n_treatments=5,
    ...                  comparison="t").round(3)
    array([0.582, 0.37 , 0.256])
    """
    _check_choices(design, comparison, alternative)
    alpha_f = _check_alpha(alpha)
    t = _check_treatments(n_treatments)
    r = _check_replicates(replicates)
    cv = _check_cv(cv_pct)
    diff = _check_difference(difference_pct)
    df = _error_df(design, t, r)
    crit = _critical(comparison, t, df, alpha_f, alternative)
    cv_b, diff_b = np.broadcast_arrays(cv, diff)
    with np.errstate(over="ignore"):  # a huge ratio is a power of 1 (see _power)
        ncp = diff_b / (cv_b * np.sqrt(2.0 / r))
    out = _power(crit, df, ncp.ravel(), alternative == "two-sided").reshape(ncp.shape)
    return float(out) if out.ndim == 0 else out


def _power_in_replicates(
    cv_pct: float, difference_pct: float, n_treatments: int, alpha: float, design: str,
    comparison: str, alternative: str,
) -> Any:  # fmt: skip
    """Power as a function of the number of replicates, everything else fixed."""

    def power_at(r: int) -> float:
        df = _error_df(design, n_treatments, r)
        crit = _critical(comparison, n_treatments, df, alpha, alternative)
        with np.errstate(over="ignore"):  # a huge ratio is a power of 1 (see _power)
            ncp = difference_pct / (cv_pct * np.sqrt(2.0 / r))
        return float(_power(crit, df, np.array([ncp]), alternative == "two-sided")[0])

    return power_at


def _smallest(enough: Any, guess: int, maximum: int) -> int | None:
    """Smallest whole ``r`` in [2, maximum] with ``enough(r)`` (monotone), None if none.

    Starts at ``guess``, gallops away from it (steps 1, 2, 4, ...) until the answer is
    bracketed, then bisects; ``enough`` is never called outside [2, maximum].
    """
    r = min(max(2, guess), maximum)
    if enough(r):
        lo, hi, step = 1, r, 1  # lo = 1 stands for "not enough" below 2
        while hi - step >= 2:
            if not enough(hi - step):
                lo = hi - step
                break
            hi, step = hi - step, 2 * step
    else:
        lo, step = r, 1
        while True:
            if lo >= maximum:
                return None
            probe = min(lo + step, maximum)
            if enough(probe):
                hi = probe
                break
            lo, step = probe, 2 * step
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if enough(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _normal_guess(
    cv_pct: float, difference_pct: float, n_treatments: int, alpha: float, power: float,
    design: str, comparison: str, alternative: str,
) -> int:  # fmt: skip
    """Replicates by the normal approximation ``r = 2 ((c + z_power) CV / difference)^2``.

    A start for the search only: ``c`` is the Bonferroni bound first, then the procedure's
    critical value at the error df that bound implies (the answer for large ``r``).
    """
    from scipy import special

    family = {"t": 1.0, "dunnett": n_treatments - 1.0}.get(
        comparison, n_treatments * (n_treatments - 1) / 2.0
    )
    sides = 2.0 if alternative == "two-sided" else 1.0
    z_power = float(special.ndtri(power))
    ratio = min(cv_pct / difference_pct, 1e6)  # beyond it the answer exceeds MAX_REPLICATES
    c = float(special.ndtri(1.0 - alpha / (sides * family)))
    first = int(min(np.ceil(2.0 * ((c + z_power) * ratio) ** 2), float(MAX_REPLICATES)))
    df = _error_df(design, n_treatments, max(first, 2))
    c = _critical(comparison, n_treatments, df, alpha, alternative)
    return int(min(np.ceil(2.0 * ((c + z_power) * ratio) ** 2), float(MAX_REPLICATES)))


def replicates_needed(
    *,
    cv_pct: float,
    difference_pct: float,
    n_treatments: int,
    alpha: float = 0.05,
    power: float = 0.8,
    design: str = "rcbd",
    comparison: str = "dunnett",
    alternative: str = "two-sided",
    max_replicates: int = 100,
) -> int:
    """Smallest number of replicates giving the requested power.

    Parameters
    ----------
    cv_pct : float
        Expected coefficient of variation of plot yields, in (0, 100]. [%]
    difference_pct : float
        Difference to detect, in % of the mean (control), > 0 (for a yield loss, its
        size). [%]
    n_treatments : int
        Number of treatments including the control(s), 2 to :data:`MAX_TREATMENTS`.
    alpha : float
        Family-wise significance level, 1e-4 to 0.5.
    power : float
        Required power, above ``alpha`` and at most 0.9999.
    design : {"rcbd", "crd"}
        Sets the error df: RCBD ``(t - 1)(r - 1)``, CRD ``t (r - 1)``.
    comparison : {"dunnett", "t", "tukey"}
        Procedure whose critical value is used (see :func:`comparison_power`).
    alternative : {"two-sided", "greater"}
        Two-sided or one-sided test.
    max_replicates : int
        Largest replicate count searched (at most :data:`MAX_REPLICATES`).

    Returns
    -------
    int
        Replicates per treatment (>= 2).

    Raises
    ------
    DataValidationError
        Invalid arguments, or the power is not reached within ``max_replicates``.

    Notes
    -----
    Power increases with ``r``; the search starts at the normal approximation and brackets
    the smallest sufficient ``r`` by galloping and bisection over whole numbers.

    Examples
    --------
    Detecting a 10 % yield gain at a CV of 8 % with Dunnett's test among 5 treatments:

    >>> replicates_needed(cv_pct=8, difference_pct=10, n_treatments=5)
    15
    """
    validate_plan_arguments(
        cv_pct=cv_pct, n_treatments=n_treatments, alpha=alpha, power=power, design=design,
        comparison=comparison, alternative=alternative, difference_pct=difference_pct,
    )  # fmt: skip
    diff = _real(
        difference_pct,
        "difference_pct (difference to detect)",
        f"from {MIN_PCT:g} to {MAX_DIFFERENCE_PCT:,g}",
    )  # already checked by validate_plan_arguments
    cv = float(cv_pct)
    t, a, p = int(n_treatments), float(alpha), float(power)
    limit = _whole(max_replicates, "max_replicates", 2, MAX_REPLICATES)
    power_at = _power_in_replicates(cv, diff, t, a, design, comparison, alternative)
    guess = _normal_guess(cv, diff, t, a, p, design, comparison, alternative)
    r = _smallest(lambda n: power_at(n) >= p, guess, limit)
    if r is None:
        remedy = (
            "raise max_replicates, or reduce the CV (better blocking, larger plots)"
            if limit < MAX_REPLICATES
            else "no field trial can detect so small a difference at this CV; plan for a "
            "larger difference or reduce the CV (better blocking, larger plots)"
        )
        raise DataValidationError(
            f"{message_number(p, scale=100)} % power is not reached with {limit:,} replicates "
            f"(CV {message_number(cv)} %, difference {message_number(diff)} %); {remedy}"
        )
    return r


def detectable_difference_pct(
    *,
    cv_pct: float,
    replicates: int,
    n_treatments: int,
    alpha: float = 0.05,
    power: float = 0.8,
    design: str = "rcbd",
    comparison: str = "dunnett",
    alternative: str = "two-sided",
) -> float:
    """Smallest true difference (in % of the mean) detected with the requested power.

    Parameters
    ----------
    cv_pct : float
        Coefficient of variation of plot yields, in (0, 100]. [%]
    replicates : int
        Replicates per treatment, 2 to :data:`MAX_REPLICATES`.
    n_treatments : int
        Number of treatments including the control(s).
    alpha, power, design, comparison, alternative
        See :func:`replicates_needed`.

    Returns
    -------
    float
        Detectable difference. [%]

    Notes
    -----
    The noncentrality is Brent's root of ``power(ncp) - power`` on ``[0, hi]``: the power at
    0 is at most ``alpha`` (below the target) and ``hi`` is doubled from
    ``c + z_power + 1`` until the power exceeds the target, so the root is always bracketed.

    Examples
    --------
    >>> round(detectable_difference_pct(cv_pct=8, replicates=4, n_treatments=5,
    ...                                 comparison="t"), 2)
    17.27
    """
    from scipy import special

    from yieldtrial.stats._roots import brentq  # scipy.optimize.brentq's iterates

    validate_plan_arguments(
        cv_pct=cv_pct, n_treatments=n_treatments, alpha=alpha, power=power, design=design,
        comparison=comparison, alternative=alternative, replicates=replicates,
    )  # fmt: skip
    r = _check_replicates(replicates)  # required here (None is not skipped)
    cv, t, p = float(cv_pct), int(n_treatments), float(power)
    df = _error_df(design, t, r)
    crit = _critical(comparison, t, df, float(alpha), alternative)
    two = alternative == "two-sided"

    def gap(ncp: float) -> float:
        return float(_power(crit, df, np.array([ncp]), two)[0]) - p

    if gap(0.0) >= 0.0:  # pragma: no cover - power <= alpha is rejected above
        return 0.0
    hi = crit + float(special.ndtri(p)) + 1.0
    for _ in range(200):
        if gap(hi) >= 0.0:
            break
        hi *= 2.0
    else:  # pragma: no cover - the power tends to 1, so doubling always ends
        raise DataValidationError(f"power {p:g} cannot be reached (critical value {crit:g})")
    ncp = float(brentq(gap, 0.0, hi, xtol=1e-12, rtol=1e-13))
    return ncp * cv * float(np.sqrt(2.0 / r))
