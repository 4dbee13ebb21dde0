"""t, normal, F and chi-square distribution functions from :mod:`scipy.special`.

``import scipy.stats`` costs about 0.3-0.45 s of CPU in a fresh process (it loads every
distribution, :mod:`scipy.optimize`, :mod:`scipy.spatial`, ...), while the comparisons, the
ANOVA tables, mean separation (Duncan, SNK, Scheffe, LSD), the replicate plans and the
network summaries need only a handful of t, normal and F tail probabilities and quantiles
(the residual diagnostics still import scipy.stats for Shapiro-Wilk and Levene, which have
no :mod:`scipy.special` form).  Each function here is what the ``scipy.stats`` method of
the same name computes for these distributions,
``stats.t.sf(x, df) = special.stdtr(df, -x)`` and so on, with the same handling of the
argument checks and support edges as ``rv_continuous``: a df that is not positive (or
NaN) gives NaN, a probability outside ``[0, 1]`` gives NaN, a quantile at probability
0 or 1 is the edge of the support.  The values are bit-identical to scipy.stats' (the
same special function on the same arguments; tests compare them over grids that include
the edge cases, in the newest and the oldest supported scipy).

May import: numpy and :mod:`scipy.special` only (never :mod:`scipy.stats`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "chi2_sf",
    "f_ppf",
    "f_sf",
    "norm_cdf",
    "norm_isf",
    "norm_ppf",
    "norm_sf",
    "t_cdf",
    "t_isf",
    "t_ppf",
    "t_sf",
]

_INF = float("inf")


def _finish(out: np.ndarray) -> Any:
    """Return a 0-d result as a numpy scalar (as ``rv_continuous`` does), else the array."""
    return out[()] if out.ndim == 0 else out


def _positive(args: list[np.ndarray]) -> Any:
    """Every parameter positive (``rv_continuous``'s default argument check; NaN fails)."""
    valid: Any = np.True_
    for a in args:
        valid = valid & (a > 0)
    return valid


def _probability(
    kernel: Callable[..., Any],
    x: Any,
    params: tuple[Any, ...],
    support: tuple[float, float],
    *,
    upper_tail: bool,
) -> Any:
    """``cdf`` (``upper_tail`` False) or ``sf`` at ``x`` as ``rv_continuous`` computes it.

    ``kernel(x, *params)`` is the special function on the open support; at or beyond an
    edge the result is 0 or 1; NaN where a parameter is not positive or ``x`` is NaN.
    """
    x = np.asarray(x)
    x = np.asarray(x, dtype=np.promote_types(x.dtype, np.float64))
    args = [np.asarray(p) for p in params]
    lower, upper = support
    with np.errstate(invalid="ignore"):
        valid = _positive(args)
        inside = (lower < x) & (x < upper)
        beyond = valid & ((x <= lower) if upper_tail else (x >= upper))
    good = valid & inside
    out = np.zeros(np.shape(good), dtype=x.dtype)
    out[~valid | np.isnan(x)] = np.nan
    out[beyond] = 1.0
    if np.any(good):
        reduced = [np.broadcast_to(a, good.shape)[good] for a in (x, *args)]
        out[good] = kernel(*reduced)
    return _finish(out)


def _quantile(
    kernel: Callable[..., Any],
    q: Any,
    params: tuple[Any, ...],
    support: tuple[float, float],
    *,
    upper_tail: bool,
) -> Any:
    """``ppf`` (``upper_tail`` False) or ``isf`` at ``q`` as ``rv_continuous`` computes it."""
    q = np.asarray(q)
    args = [np.asarray(p) for p in params]
    lower, upper = support
    with np.errstate(invalid="ignore"):
        valid = _positive(args)
        good = valid & (0 < q) & (q < 1)
        at_one = valid & (q == 1)
        at_zero = valid & (q == 0)
    out = np.full(np.shape(good), np.nan)
    out[at_one] = lower if upper_tail else upper
    out[at_zero] = upper if upper_tail else lower
    if np.any(good):
        reduced = [np.broadcast_to(a, good.shape)[good] for a in (q, *args)]
        # rv_continuous adds loc = 0 to the kernel's value (a -0.0 becomes 0.0)
        out[good] = kernel(*reduced) + 0
    return _finish(out)


def _t_cdf_kernel(x: np.ndarray, df: np.ndarray) -> np.ndarray:
    from scipy.special import stdtr

    return np.asarray(stdtr(df, x))


def _t_sf_kernel(x: np.ndarray, df: np.ndarray) -> np.ndarray:
    from scipy.special import stdtr

    return np.asarray(stdtr(df, -x))


def _t_ppf_kernel(q: np.ndarray, df: np.ndarray) -> np.ndarray:
    from scipy.special import stdtrit

    return np.asarray(stdtrit(df, q))


def _t_isf_kernel(q: np.ndarray, df: np.ndarray) -> np.ndarray:
    from scipy.special import stdtrit

    return np.asarray(-stdtrit(df, q))


def _norm_cdf_kernel(x: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return np.asarray(ndtr(x))


def _norm_sf_kernel(x: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return np.asarray(ndtr(-x))


def _norm_ppf_kernel(q: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri

    return np.asarray(ndtri(q))


def _norm_isf_kernel(q: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri

    return np.asarray(-ndtri(q))


def _f_sf_kernel(x: np.ndarray, dfn: np.ndarray, dfd: np.ndarray) -> np.ndarray:
    from scipy.special import fdtrc

    return np.asarray(fdtrc(dfn, dfd, x))


def _f_ppf_kernel(q: np.ndarray, dfn: np.ndarray, dfd: np.ndarray) -> np.ndarray:
    from scipy.special import fdtri

    return np.asarray(fdtri(dfn, dfd, q))


def _chi2_sf_kernel(x: np.ndarray, df: np.ndarray) -> np.ndarray:
    from scipy.special import chdtrc

    return np.asarray(chdtrc(df, x))


_REAL_LINE = (-_INF, _INF)
_HALF_LINE = (0.0, _INF)


def t_cdf(x: Any, df: Any) -> Any:
    """Student t cumulative distribution function ``P(T <= x)`` (``scipy.stats.t.cdf``).

    Parameters
    ----------
    x : float or array_like
        Threshold(s) on the t scale. [unitless]
    df : float or array_like
        Degrees of freedom (positive; ``inf`` allowed). [unitless]

    Returns
    -------
    numpy.float64 or ndarray
        Probability. [unitless]
    """
    return _probability(_t_cdf_kernel, x, (df,), _REAL_LINE, upper_tail=False)


def t_sf(x: Any, df: Any) -> Any:
    """Student t survival function ``P(T > x)`` (``scipy.stats.t.sf``); see :func:`t_cdf`."""
    return _probability(_t_sf_kernel, x, (df,), _REAL_LINE, upper_tail=True)


def t_ppf(q: Any, df: Any) -> Any:
    """Student t quantile ``x`` with ``P(T <= x) = q`` (``scipy.stats.t.ppf``).

    Parameters
    ----------
    q : float or array_like
        Lower-tail probability. [unitless]
    df : float or array_like
        Degrees of freedom (positive). [unitless]

    Returns
    -------
    numpy.float64 or ndarray
        Quantile on the t scale. [unitless]
    """
    return _quantile(_t_ppf_kernel, q, (df,), _REAL_LINE, upper_tail=False)


def t_isf(q: Any, df: Any) -> Any:
    """Student t upper quantile ``x`` with ``P(T > x) = q`` (``scipy.stats.t.isf``)."""
    return _quantile(_t_isf_kernel, q, (df,), _REAL_LINE, upper_tail=True)


def norm_cdf(x: Any) -> Any:
    """Compute the standard normal cumulative distribution function (``scipy.stats.norm.cdf``)."""
    return _probability(_norm_cdf_kernel, x, (), _REAL_LINE, upper_tail=False)


def norm_sf(x: Any) -> Any:
    """Compute the standard normal survival function (``scipy.stats.norm.sf``)."""
    return _probability(_norm_sf_kernel, x, (), _REAL_LINE, upper_tail=True)


def norm_ppf(q: Any) -> Any:
    """Compute the standard normal quantile (``scipy.stats.norm.ppf``)."""
    return _quantile(_norm_ppf_kernel, q, (), _REAL_LINE, upper_tail=False)


def norm_isf(q: Any) -> Any:
    """Compute the standard normal upper quantile (``scipy.stats.norm.isf``)."""
    return _quantile(_norm_isf_kernel, q, (), _REAL_LINE, upper_tail=True)


def f_sf(x: Any, dfn: Any, dfd: Any) -> Any:
    """F survival function ``P(F > x)`` (``scipy.stats.f.sf``).

    Parameters
    ----------
    x : float or array_like
        F ratio. [unitless]
    dfn, dfd : float or array_like
        Numerator and denominator degrees of freedom (positive). [unitless]

    Returns
    -------
    numpy.float64 or ndarray
        Probability. [unitless]
    """
    return _probability(_f_sf_kernel, x, (dfn, dfd), _HALF_LINE, upper_tail=True)


def f_ppf(q: Any, dfn: Any, dfd: Any) -> Any:
    """F quantile ``x`` with ``P(F <= x) = q`` (``scipy.stats.f.ppf``); see :func:`f_sf`."""
    return _quantile(_f_ppf_kernel, q, (dfn, dfd), _HALF_LINE, upper_tail=False)


def chi2_sf(x: Any, df: Any) -> Any:
    """Chi-square survival function ``P(X > x)`` (``scipy.stats.chi2.sf``).

    Parameters
    ----------
    x : float or array_like
        Statistic. [unitless]
    df : float or array_like
        Degrees of freedom (positive). [unitless]

    Returns
    -------
    numpy.float64 or ndarray
        Probability. [unitless]
    """
    return _probability(_chi2_sf_kernel, x, (df,), _HALF_LINE, upper_tail=True)
