"""Not-a-knot cubic spline of :mod:`yieldtrial.stats._spline` against scipy.interpolate.

Expected values: ``scipy.interpolate.CubicSpline(x, y)`` on the same data; the two must
agree bit for bit (coefficients and values, inside, at and beyond the knots), as must
the tridiagonal solver against ``scipy.linalg.solve_banded`` (LAPACK ``dgtsv``).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import interpolate
from scipy.linalg import solve_banded

from yieldtrial.stats._spline import CubicSpline, _tridiagonal_solve


def _data(seed: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.uniform(0.001, 1.0, n) ** rng.uniform(0.5, 3.0)) + rng.normal()
    y = [rng.normal(size=n), np.sin(x) * 1e3, np.log1p(np.abs(x)) - 5.0][seed % 3]
    at = np.concatenate([rng.uniform(x[0] - 1, x[-1] + 1, 300), x, [x[0] - 5, x[-1] + 5, np.nan]])
    return x, y, at


@pytest.mark.parametrize("n", [2, 3, 4, 5, 17, 81, 400])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_values_and_coefficients_equal_scipy(n: int, seed: int) -> None:
    """Same coefficients and values as scipy (n < 4: scipy's own special cases)."""
    x, y, at = _data(seed, n)
    expected = interpolate.CubicSpline(x, y)
    mine = CubicSpline(x, y)
    assert np.array_equal(mine.c, expected.c)
    assert np.array_equal(mine(at), expected(at), equal_nan=True)


def test_shape_of_values_is_kept() -> None:
    """A 2-D array of points gives a 2-D array of values; a scalar a 0-d array."""
    x, y, _ = _data(4, 12)
    at = np.linspace(x[0], x[-1], 6).reshape(2, 3)
    assert np.array_equal(CubicSpline(x, y)(at), interpolate.CubicSpline(x, y)(at))
    assert CubicSpline(x, y)(float(x[3])).shape == ()


def test_integration_score_spline_equals_scipy() -> None:
    """The normal-score spline of a Dunnett curve (data of the integrations) equals scipy's."""
    from scipy.special import ndtr, ndtri

    r = np.linspace(0.05, 6.0, 120)
    exceed = 1.0 - ndtr(r) ** 7
    u = -ndtri(np.clip(exceed, 0.0, 1.0))
    v = np.log(r)
    at = np.linspace(v[0] - 0.1, v[-1] + 0.1, 500)
    assert np.array_equal(CubicSpline(v, u)(at), interpolate.CubicSpline(v, u)(at))


@pytest.mark.parametrize("seed", range(6))
def test_tridiagonal_solve_equals_lapack(seed: int) -> None:
    """Random tridiagonal systems (most need row interchanges) solved as dgtsv solves them."""
    rng = np.random.default_rng(seed)
    for n in (2, 3, 7, 40):
        ab = rng.normal(size=(3, n)) * rng.uniform(0.01, 100.0, size=(3, 1))
        b = rng.normal(size=n)
        expected = solve_banded((1, 1), ab.copy(), b.copy(), check_finite=False)
        got = _tridiagonal_solve(
            ab[2, :-1].tolist(), ab[1].tolist(), ab[0, 1:].tolist(), b.tolist()
        )
        assert np.array_equal(np.array(got), expected)


def test_singular_system_raises() -> None:
    """A zero pivot is a LinAlgError, as in scipy.linalg."""
    with pytest.raises(np.linalg.LinAlgError):
        _tridiagonal_solve([0.0], [0.0, 1.0], [1.0], [1.0, 1.0])


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([0.0, 1.0, 1.0, 2.0], [1.0, 2.0, 3.0, 4.0], "strictly increasing"),
        ([0.0, 1.0, np.nan, 2.0], [1.0, 2.0, 3.0, 4.0], "finite"),
        ([0.0, 1.0, 2.0, 3.0], [1.0, np.inf, 3.0, 4.0], "finite"),
        ([0.0], [1.0], "at least 2"),
        ([0.0, 1.0, 2.0], [1.0, 2.0], "length"),
    ],
)
def test_invalid_knots_raise_like_scipy(x: list[float], y: list[float], message: str) -> None:
    """Invalid knots or values raise ValueError (scipy's wording)."""
    with pytest.raises(ValueError, match=message):
        interpolate.CubicSpline(x, y)
    with pytest.raises(ValueError, match=message):
        CubicSpline(x, y)
