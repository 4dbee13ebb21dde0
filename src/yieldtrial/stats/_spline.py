"""Not-a-knot cubic spline, the same numbers as :class:`scipy.interpolate.CubicSpline`.

The integrations spline smooth tabulated curves (normal scores, log tail areas) and
evaluate them; that is all they need from :mod:`scipy.interpolate`, whose import (with
:mod:`scipy.optimize` and :mod:`scipy.linalg`, which it pulls in) costs about 0.13 s of
CPU in a fresh process.  :class:`CubicSpline` here repeats scipy's computation step by
step for one-dimensional data with the default not-a-knot ends and extrapolation:

1. the end slopes' system, assembled as scipy assembles it (``CubicSpline.__init__``);
2. solved as LAPACK's ``dgtsv`` (what ``scipy.linalg.solve_banded`` calls for a
   tridiagonal band) solves it: Gaussian elimination with partial pivoting by rows, one
   right-hand side, then back substitution, in the same order of operations;
3. the coefficients of ``CubicHermiteSpline`` and the evaluation of ``PPoly`` (interval
   by binary search, closed on the right at the last knot; the local polynomial summed
   in ascending powers of ``x - x_i``).

Each step performs the same IEEE operations in the same order, so the values are
bit-identical to scipy's (the tests compare them on random and on the integrations' own
data, in the newest and the oldest supported scipy).  Fewer than four knots fall back to
scipy (the integrations always have more).

May import: numpy (scipy.interpolate only for fewer than four knots).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["CubicSpline"]


def _tridiagonal_solve(
    dl: list[float], d: list[float], du: list[float], b: list[float]
) -> list[float]:
    """Solve a tridiagonal system as LAPACK ``dgtsv`` does for one right-hand side.

    ``dl``, ``d``, ``du`` are the sub-, main and super-diagonals (lengths ``n - 1``, ``n``,
    ``n - 1``; overwritten), ``b`` the right-hand side (overwritten by the solution).
    Raises ``numpy.linalg.LinAlgError`` for a singular matrix (as solve_banded does).
    """
    n = len(d)
    for i in range(n - 1):
        if abs(d[i]) >= abs(dl[i]):  # no row interchange
            if d[i] == 0.0:
                raise np.linalg.LinAlgError("singular matrix")
            fact = dl[i] / d[i]
            d[i + 1] = d[i + 1] - fact * du[i]
            b[i + 1] = b[i + 1] - fact * b[i]
            if i < n - 2:
                dl[i] = 0.0
        else:  # interchange rows i and i + 1
            fact = d[i] / dl[i]
            d[i] = dl[i]
            temp = d[i + 1]
            d[i + 1] = du[i] - fact * temp
            if i < n - 2:
                dl[i] = du[i + 1]
                du[i + 1] = -fact * dl[i]
            du[i] = temp
            temp = b[i]
            b[i] = b[i + 1]
            b[i + 1] = temp - fact * b[i + 1]
    if d[n - 1] == 0.0:
        raise np.linalg.LinAlgError("singular matrix")
    b[n - 1] = b[n - 1] / d[n - 1]
    if n > 1:
        b[n - 2] = (b[n - 2] - du[n - 2] * b[n - 1]) / d[n - 2]
    for i in range(n - 3, -1, -1):
        b[i] = (b[i] - du[i] * b[i + 1] - dl[i] * b[i + 2]) / d[i]
    return b


def _end_slopes(x: np.ndarray, dx: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Knot slopes of the not-a-knot spline (scipy's system, ``n >= 4`` knots)."""
    n = x.size
    diag = [0.0] * n
    upper = [0.0] * (n - 1)  # band row 0 without its unused first entry
    lower = [0.0] * (n - 1)  # band row 2 without its unused last entry
    rhs = [0.0] * n
    inner_diag = 2 * (dx[:-1] + dx[1:])
    inner_rhs = 3 * (dx[1:] * slope[:-1] + dx[:-1] * slope[1:])
    diag[1:-1] = inner_diag.tolist()
    upper[1:] = dx[:-1].tolist()
    lower[:-1] = dx[1:].tolist()
    rhs[1:-1] = inner_rhs.tolist()
    # not-a-knot start
    d = x[2] - x[0]
    diag[0] = float(dx[1])
    upper[0] = float(d)
    rhs[0] = float(((dx[0] + 2 * d) * dx[1] * slope[0] + dx[0] ** 2 * slope[1]) / d)
    # not-a-knot end
    d = x[-1] - x[-3]
    diag[-1] = float(dx[-2])
    lower[-1] = float(d)
    rhs[-1] = float((dx[-1] ** 2 * slope[-2] + (2 * d + dx[-1]) * dx[-2] * slope[-1]) / d)
    return np.array(_tridiagonal_solve(lower, diag, upper, rhs))


class CubicSpline:
    """Cubic spline with not-a-knot ends through ``(x, y)`` (scipy's values, bit for bit).

    Parameters
    ----------
    x : array_like, shape (n,)
        Strictly increasing, finite knots.
    y : array_like, shape (n,)
        Finite values at the knots.

    Notes
    -----
    Only what the integrations use: one-dimensional ``y``, ``bc_type="not-a-knot"``,
    extrapolation by the end polynomials, evaluation (no derivatives).  Invalid knots
    raise scipy's ``ValueError`` messages.
    """

    def __init__(self, x: Any, y: Any) -> None:
        x = np.asarray(x).astype(float)
        y = np.asarray(y).astype(float, copy=False)
        if x.ndim != 1 or y.ndim != 1:
            raise ValueError("`x` and `y` must be 1-dimensional.")
        if x.shape[0] < 2:
            raise ValueError("`x` must contain at least 2 elements.")
        if x.shape[0] != y.shape[0]:
            raise ValueError("The length of `y` along `axis`=0 doesn't match the length of `x`")
        if not np.all(np.isfinite(x)):
            raise ValueError("`x` must contain only finite values.")
        if not np.all(np.isfinite(y)):
            raise ValueError("`y` must contain only finite values.")
        dx = np.diff(x)
        if np.any(dx <= 0):
            raise ValueError("`x` must be strictly increasing sequence.")
        self._scipy: Any = None
        if x.size < 4:  # scipy's special cases (a line, a parabola)
            from scipy.interpolate import CubicSpline as ScipyCubicSpline

            self._scipy = ScipyCubicSpline(x, y)
            self.x, self.c = self._scipy.x, self._scipy.c
            return
        slope = np.diff(y) / dx
        s = _end_slopes(x, dx, slope)
        # CubicHermiteSpline's coefficients, highest power first
        t = (s[:-1] + s[1:] - 2 * slope) / dx
        c = np.empty((4, x.size - 1))
        c[0] = t / dx
        c[1] = (slope - s[:-1]) / dx - t
        c[2] = s[:-1]
        c[3] = y[:-1]
        self.x = x
        self.c = c

    def __call__(self, values: Any) -> np.ndarray:
        """Evaluate the spline (``PPoly``'s order of operations); NaN gives NaN.

        Parameters
        ----------
        values : float or array_like
            Points (outside the knots: the end polynomials). [unit of ``x``]

        Returns
        -------
        ndarray
            Spline values, the shape of ``values``. [unit of ``y``]
        """
        if self._scipy is not None:
            return np.asarray(self._scipy(values))
        v = np.asarray(values, dtype=float)
        flat = v.ravel()
        x, c = self.x, self.c
        # the interval with x[i] <= v < x[i + 1]; the last one is closed on the right,
        # the end intervals extend beyond the knots
        i = np.clip(np.searchsorted(x, flat, side="right") - 1, 0, x.size - 2)
        s = flat - x[i]
        out = np.zeros(flat.shape)
        z = np.ones(flat.shape)
        for power in range(4):  # ascending powers, as PPoly sums them
            out = out + c[3 - power, i] * z * 1.0
            if power < 3:
                z = z * s
        out[np.isnan(flat)] = np.nan
        return out.reshape(v.shape)
