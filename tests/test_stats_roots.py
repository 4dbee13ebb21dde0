"""Brent's root finder of :mod:`yieldtrial.stats._roots` against scipy.optimize.brentq.

Expected values: ``scipy.optimize.brentq`` with the same function, bracket and
tolerances; the roots must be the same float (the same iterates).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import optimize

from yieldtrial.stats._roots import brent_steps, brentq


def _functions() -> list[tuple[Callable[[float], float], float, float]]:
    rng = np.random.default_rng(0)
    out: list[tuple[Callable[[float], float], float, float]] = []
    for _ in range(40):
        c, s = float(rng.normal()), float(rng.uniform(0.1, 5.0))
        out.append((lambda x, c=c, s=s: (s * (x - c)) ** 3 - 1e-3 * (x - c), c - 3.0, c + 2.5))
        out.append((lambda x, c=c, s=s: math.exp(s * x) - math.exp(s * c), c - 7.0, c + 0.3))
        out.append((lambda x, c=c: math.erfc(x) - math.erfc(c), c - 4.0, c + 1.0))
    return out


@pytest.mark.parametrize(("xtol", "rtol"), [(1e-10, 1e-12), (1e-11, 1e-13), (2e-12, 8.9e-16)])
def test_roots_equal_scipy(xtol: float, rtol: float) -> None:
    """Same root, bit for bit, on smooth functions with roots at random places."""
    for f, lo, hi in _functions():
        expected = optimize.brentq(f, lo, hi, xtol=xtol, rtol=rtol)
        assert brentq(f, lo, hi, xtol=xtol, rtol=rtol) == expected


def test_root_at_a_bracket_end_is_returned() -> None:
    """A zero at an end is returned as it is."""
    assert brentq(lambda x: x - 1.0, 1.0, 3.0) == 1.0
    assert brentq(lambda x: x - 3.0, 1.0, 3.0) == 3.0


def test_same_signs_raise() -> None:
    """No sign change in the bracket: ValueError, as in scipy."""
    with pytest.raises(ValueError, match="different signs"):
        brentq(lambda x: x * x + 1.0, -1.0, 1.0)


def test_nan_raises() -> None:
    """A NaN function value stops the search (ValueError, as in scipy)."""
    with pytest.raises(ValueError, match="NaN"):
        brentq(lambda x: math.nan if x > 0.5 else x - 0.7, 0.0, 1.0)


def test_no_convergence_raises() -> None:
    """Too few iterations: RuntimeError, as in scipy."""
    with pytest.raises(RuntimeError, match="converge"):
        brentq(lambda x: x**3 - 0.3, 0.0, 1.0, maxiter=2)


@pytest.mark.parametrize(("xtol", "rtol"), [(0.0, 1e-12), (1e-10, 1e-17)])
def test_invalid_tolerances_raise(xtol: float, rtol: float) -> None:
    """Non-positive xtol or rtol below four machine epsilons is a ValueError (scipy's rule)."""
    with pytest.raises(ValueError, match="too small"):
        brentq(lambda x: x, -1.0, 1.0, xtol=xtol, rtol=rtol)


def test_searches_in_step_give_scipy_s_roots() -> None:
    """:func:`brent_steps` driven for many functions at once: each root is scipy's float."""
    cases = _functions()
    searches = [brent_steps(lo, hi, xtol=1e-10, rtol=1e-12) for _, lo, hi in cases]
    wanted = {j: next(search) for j, search in enumerate(searches)}
    roots: dict[int, float] = {}
    while wanted:  # one value per unfinished search per round, as a batch would give them
        for j in sorted(wanted):
            try:
                wanted[j] = searches[j].send(cases[j][0](wanted[j]))
            except StopIteration as done:
                roots[j] = done.value
                del wanted[j]
    expected = [optimize.brentq(f, lo, hi, xtol=1e-10, rtol=1e-12) for f, lo, hi in cases]
    assert [roots[j] for j in range(len(cases))] == expected
