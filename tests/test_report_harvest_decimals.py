"""``report._harvest.decimals`` judged piece by piece (stop 32).

The expected counts come from the definition the function had before stop 32: the fewest
decimals in ``[low, high]`` whose ``numpy.round`` moves no value by more than 1e-9
relative, judged on all values at once (the reference below).
"""

from __future__ import annotations

import numpy as np
import pytest

from yieldtrial.report._harvest import decimals


def _reference(values: np.ndarray, low: int, high: int) -> int:
    """Judge all values at once, as before stop 32."""
    found = values[np.isfinite(values)]
    for digits in range(low, high + 1):
        if np.all(np.abs(np.round(found, digits) - found) <= 1e-9 * np.maximum(1.0, np.abs(found))):
            return digits
    return high


@pytest.mark.parametrize("seed", range(30))
def test_same_decimals_as_judging_all_values_at_once(seed):
    """Random columns of up to 300,000 values (several pieces), the odd value deep inside."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300_000))
    recorded = int(rng.integers(0, 4))
    values = np.round(rng.normal(15, 4, n), recorded)
    if rng.random() < 0.5:  # one value with more decimals, far from the first piece
        values[int(rng.integers(0, n))] += 10.0 ** -int(rng.integers(1, 7))
    values[rng.random(n) < 0.01] = np.nan
    low, high = int(rng.integers(0, 2)), int(rng.integers(2, 5))
    assert decimals(values, low, high) == _reference(values, low, high)


def test_no_finite_value_keeps_low():
    """Nothing to print: ``low``, as judging an empty set passes at once."""
    assert decimals(np.array([np.nan]), 1, 4) == 1


@pytest.mark.parametrize("seed", range(20))
def test_finite_values_equal_the_masked_column(seed):
    """Same finite floats, in order, as the mask gives, whether or not a value is missing."""
    import pandas as pd

    from yieldtrial.report._harvest import finite

    rng = np.random.default_rng(seed)
    values = rng.normal(20, 5, int(rng.integers(0, 50))).round(int(rng.integers(0, 4)))
    if seed % 2 and values.size:
        values[rng.random(values.size) < 0.2] = rng.choice([np.nan, np.inf, -np.inf])
    for given in (values, pd.Series(values), pd.Series(values.astype(object)), list(values)):
        got = finite(given)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, values[np.isfinite(values)])
