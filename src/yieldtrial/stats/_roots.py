"""Brent's bracketing root finder, the same iterates as :func:`scipy.optimize.brentq`.

The critical values (Dunnett, Tukey, the studentized range) are roots of smooth
monotone curves between two bounds; :func:`scipy.optimize.brentq` finds them, but
importing :mod:`scipy.optimize` costs about 0.04-0.09 s of CPU in a fresh process, more
than the root itself.  :func:`brentq` here is scipy's C routine (``Zeros/brentq.c``,
Brent's method as in Brent 1973, ch. 4, with inverse quadratic extrapolation) written
out in Python floats: the same operations in the same order, so it returns the same
float for the same function, tolerances and bracket (the tests compare the two on a set
of functions, in the newest and the oldest supported scipy).  :func:`brent_steps` gives
the same iterates one at a time, so that several roots can be searched together with
their function values computed in one batch (the critical values of a family at each of
its df, :func:`yieldtrial.stats.distributions.dunnett_critical_values`).

May import: the standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator

__all__ = ["brent_steps", "brentq"]

#: scipy's smallest allowed relative tolerance (four machine epsilons).
_RTOL_MIN = 4 * 2.220446049250313e-16


def brentq(
    f: Callable[[float], float],
    a: float,
    b: float,
    *,
    xtol: float = 2e-12,
    rtol: float = 8.881784197001252e-16,
    maxiter: int = 100,
) -> float:
    """Root of ``f`` in ``[a, b]`` (``f(a)`` and ``f(b)`` of opposite signs), as scipy finds it.

    Parameters
    ----------
    f : callable
        Continuous function of one float returning a float.
    a, b : float
        Bracket ends. [unit of the root]
    xtol, rtol : float
        The root is accurate to ``xtol + rtol * |root|`` (as in scipy). [unit of the root,
        unitless]
    maxiter : int
        Largest number of iterations.

    Returns
    -------
    float
        The root. [unit of the root]

    Raises
    ------
    ValueError
        Invalid tolerances, ``f`` NaN, or ``f(a)`` and ``f(b)`` of the same sign
        (scipy's messages).
    RuntimeError
        No convergence within ``maxiter`` iterations.
    """
    steps = brent_steps(a, b, xtol=xtol, rtol=rtol, maxiter=maxiter)
    try:
        x = next(steps)
        while True:
            x = steps.send(float(f(x)))
    except StopIteration as done:
        return float(done.value)


def brent_steps(
    a: float,
    b: float,
    *,
    xtol: float = 2e-12,
    rtol: float = 8.881784197001252e-16,
    maxiter: int = 100,
) -> Generator[float, float, float]:
    """:func:`brentq` as a coroutine: yields each ``x`` to evaluate, is sent ``f(x)``.

    The same operations in the same order as :func:`brentq` (which drives it), so the
    root, returned by the generator (``StopIteration.value``), is the same float.

    Parameters
    ----------
    a, b : float
        Bracket ends. [unit of the root]
    xtol, rtol : float
        The root is accurate to ``xtol + rtol * |root|`` (as in scipy). [unit of the root,
        unitless]
    maxiter : int
        Largest number of iterations.

    Yields
    ------
    float
        The next point at which the function is wanted. [unit of the root]

    Raises
    ------
    ValueError
        Invalid tolerances (when started), a NaN sent, or ``f(a)`` and ``f(b)`` of the same
        sign (scipy's messages).
    RuntimeError
        No convergence within ``maxiter`` iterations.

    Examples
    --------
    >>> steps = brent_steps(0.0, 2.0, xtol=1e-12)
    >>> x = next(steps)
    >>> try:
    ...     while True:
    ...         x = steps.send(x * x - 2.0)
    ... except StopIteration as done:
    ...     root = done.value
    >>> round(root, 12)
    1.414213562373
    """
    if xtol <= 0:
        raise ValueError(f"xtol too small ({xtol:g} <= 0)")
    if rtol < _RTOL_MIN:
        raise ValueError(f"rtol too small ({rtol:g} < {_RTOL_MIN:g})")

    def checked(x: float, value: float) -> float:
        if math.isnan(value):
            raise ValueError(f"The function value at x={x:f} is NaN; solver cannot continue.")
        return value

    xpre, xcur = float(a), float(b)
    xblk = fblk = spre = scur = 0.0
    fpre = checked(xpre, (yield xpre))
    fcur = checked(xcur, (yield xcur))
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    if math.copysign(1.0, fpre) == math.copysign(1.0, fcur):
        raise ValueError("f(a) and f(b) must have different signs")
    for _ in range(maxiter):
        if fpre != 0 and fcur != 0 and math.copysign(1.0, fpre) != math.copysign(1.0, fcur):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # interpolate
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # extrapolate
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):  # good short step
                spre, scur = scur, stry
            else:  # bisect
                spre = scur = sbis
        else:  # bisect
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        if abs(scur) > delta:
            xcur += scur
        else:
            xcur += delta if sbis > 0 else -delta
        fcur = checked(xcur, (yield xcur))
    raise RuntimeError(f"Failed to converge after {maxiter} iterations, value is {xcur}.")
