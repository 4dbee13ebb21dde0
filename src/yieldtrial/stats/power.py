"""Power of a field trial: replicates needed and the smallest detectable difference.

The comparison of one treatment with the control (or of two treatments) in a balanced CRD or
RCBD with ``r`` replicates has standard error ``CV x sqrt(2 / r)`` in % of the mean, and its t
statistic follows a noncentral t distribution on the error df the design implies
(RCBD: ``(t - 1)(r - 1)``; CRD: ``t (r - 1)``) with noncentrality
``difference_pct / (cv_pct sqrt(2 / r))``.  The critical value is Student's t (``"t"``,
unadjusted LSD-type test), Dunnett's (``"dunnett"``: balanced, ``t - 1`` treatments against
one control, correlation 1/2) or Tukey's (``"tukey"``: ``q / sqrt(2)``), so the power is the
probability that this particular difference is declared significant by that procedure.

References
----------
.. [1] Gomez, K. A., Gomez, A. A. (1984). *Statistical Procedures for Agricultural Research*,
   2nd ed. Wiley, ch. 2 and 5.
.. [2] Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed.
   Erlbaum (noncentral t power).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial

import numpy as np

from yieldtrial.errors import DataValidationError

__all__ = ["COMPARISONS", "DESIGNS", "comparison_power", "detectable_difference_pct",
           "replicates_needed"]  # fmt: skip

#: Valid ``comparison`` strings.
COMPARISONS: tuple[str, ...] = ("dunnett", "t", "tukey")

#: Valid ``design`` strings.
DESIGNS: tuple[str, ...] = ("rcbd", "crd")

#: Valid ``alternative`` strings.
POWER_ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater")


def _error_df(design: str, n_treatments: int, replicates: int) -> float:
    if design == "rcbd":
        return float((n_treatments - 1) * (replicates - 1))
    return float(n_treatments * (replicates - 1))


@lru_cache(maxsize=512)
def _critical(
    comparison: str, n_treatments: int, df: float, alpha: float, alternative: str
) -> float:
    from scipy import stats

    two = alternative == "two-sided"
    if comparison == "t" or (comparison == "dunnett" and n_treatments == 2):
        return float(stats.t.isf(alpha / (2.0 if two else 1.0), df))
    if comparison == "tukey":
        if not two:
            raise DataValidationError(
                "comparison='tukey' is two-sided; use alternative='two-sided'"
            )
        from yieldtrial.stats.distributions import tukey_critical_value

        return tukey_critical_value(n_treatments, df, alpha=alpha) / np.sqrt(2.0)
    from yieldtrial.stats.distributions import dunnett_critical_value

    k = n_treatments - 1
    corr = np.full((k, k), 0.5)
    np.fill_diagonal(corr, 1.0)
    crit, _ = dunnett_critical_value(corr, df, alternative=alternative, confidence=1.0 - alpha)
    return crit


def _validate(
    cv_pct: float, n_treatments: int, alpha: float, power: float, design: str, comparison: str,
    alternative: str,
) -> None:  # fmt: skip
    if not (np.isfinite(cv_pct) and cv_pct > 0):
        raise DataValidationError(f"cv_pct must be a positive percentage; got {cv_pct!r}")
    if int(n_treatments) != n_treatments or n_treatments < 2:
        raise DataValidationError(
            f"n_treatments must be an integer >= 2 (control included); got {n_treatments!r}"
        )
    if not 0.0 < alpha < 1.0:
        raise DataValidationError(f"alpha must be in (0, 1); got {alpha!r}")
    if not 0.0 < power < 1.0:
        raise DataValidationError(f"power must be in (0, 1); got {power!r}")
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


def comparison_power(
    *,
    cv_pct: float,
    difference_pct: float,
    replicates: int,
    n_treatments: int,
    alpha: float = 0.05,
    design: str = "rcbd",
    comparison: str = "dunnett",
    alternative: str = "two-sided",
) -> float:
    """Power to declare a given difference significant in a balanced trial.

    Parameters
    ----------
    cv_pct : float
        Coefficient of variation of plot yields, ``100 sqrt(MSE) / mean``. [%]
    difference_pct : float
        True difference between treatment and control, in % of the mean. [%]
    replicates : int
        Replicates (blocks) per treatment, >= 2.
    n_treatments : int
        Number of treatments including the control(s).
    alpha : float
        Family-wise significance level.
    design : {"rcbd", "crd"}
        Sets the error df.
    comparison : {"dunnett", "t", "tukey"}
        Procedure whose critical value is used.
    alternative : {"two-sided", "greater"}
        Two-sided test, or one-sided (treatment better than control).

    Returns
    -------
    float
        Probability of rejecting the null hypothesis for this comparison.

    Examples
    --------
    >>> round(comparison_power(cv_pct=8, difference_pct=10, replicates=4, n_treatments=5,
    ...                        comparison="t"), 4)
    0.3697
    """
    from scipy import stats

    _validate(cv_pct, n_treatments, alpha, 0.5, design, comparison, alternative)
    if int(replicates) != replicates or replicates < 2:
        raise DataValidationError(f"replicates must be an integer >= 2; got {replicates!r}")
    df = _error_df(design, int(n_treatments), int(replicates))
    crit = _critical(comparison, int(n_treatments), df, float(alpha), alternative)
    ncp = abs(difference_pct) / (cv_pct * np.sqrt(2.0 / replicates))
    upper = float(stats.nct.sf(crit, df, ncp))
    if alternative == "greater":
        return upper
    return upper + float(stats.nct.cdf(-crit, df, ncp))


def _power_function(
    cv_pct: float,
    n_treatments: int,
    alpha: float,
    design: str,
    comparison: str,
    alternative: str,
) -> Callable[..., float]:
    """:func:`comparison_power` with everything but the difference and replicates fixed."""
    return partial(
        comparison_power,
        cv_pct=cv_pct,
        n_treatments=n_treatments,
        alpha=alpha,
        design=design,
        comparison=comparison,
        alternative=alternative,
    )


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
        Expected coefficient of variation of plot yields. [%]
    difference_pct : float
        Difference to detect, in % of the mean (control). [%]
    n_treatments : int
        Number of treatments including the control(s).
    alpha : float
        Family-wise significance level.
    power : float
        Required power, in (0, 1).
    design : {"rcbd", "crd"}
        Sets the error df: RCBD ``(t - 1)(r - 1)``, CRD ``t (r - 1)``.
    comparison : {"dunnett", "t", "tukey"}
        Procedure whose critical value is used (see :func:`comparison_power`).
    alternative : {"two-sided", "greater"}
        Two-sided or one-sided test.
    max_replicates : int
        Largest replicate count searched.

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
    Power increases with ``r``; the smallest ``r`` is found by doubling and bisection.

    Examples
    --------
    Detecting a 10 % yield gain at a CV of 8 % with Dunnett's test among 5 treatments:

    >>> replicates_needed(cv_pct=8, difference_pct=10, n_treatments=5)
    15
    """
    _validate(cv_pct, n_treatments, alpha, power, design, comparison, alternative)
    if not (np.isfinite(difference_pct) and difference_pct != 0):
        raise DataValidationError(
            f"difference_pct must be a non-zero percentage; got {difference_pct!r}"
        )

    power_at = _power_function(cv_pct, n_treatments, alpha, design, comparison, alternative)

    def enough(r: int) -> bool:
        return power_at(difference_pct=difference_pct, replicates=r) >= power

    if enough(2):
        return 2
    lo, hi = 2, 4
    while not enough(min(hi, max_replicates)):
        if hi >= max_replicates:
            raise DataValidationError(
                f"{power:.0%} power is not reached with {max_replicates} replicates "
                f"(cv_pct={cv_pct}, difference_pct={difference_pct}); raise max_replicates, "
                "or reduce the CV (better blocking, larger plots)"
            )
        lo, hi = hi, 2 * hi
    hi = min(hi, max_replicates)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if enough(mid):
            hi = mid
        else:
            lo = mid
    return hi


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
        Coefficient of variation of plot yields. [%]
    replicates : int
        Replicates per treatment (>= 2).
    n_treatments : int
        Number of treatments including the control(s).
    alpha, power, design, comparison, alternative
        See :func:`replicates_needed`.

    Returns
    -------
    float
        Detectable difference. [%]

    Examples
    --------
    >>> round(detectable_difference_pct(cv_pct=8, replicates=4, n_treatments=5,
    ...                                 comparison="t"), 2)
    17.27
    """
    from scipy import optimize

    _validate(cv_pct, n_treatments, alpha, power, design, comparison, alternative)

    power_at = _power_function(cv_pct, n_treatments, alpha, design, comparison, alternative)

    def gap(diff: float) -> float:
        return power_at(difference_pct=diff, replicates=replicates) - power

    hi = cv_pct
    while gap(hi) < 0:
        hi *= 2.0
    return float(optimize.brentq(gap, 1e-9, hi, xtol=1e-10, rtol=1e-12))
