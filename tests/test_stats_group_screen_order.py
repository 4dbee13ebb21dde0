"""``_group_screen.value_order``: numpy's stable sort, by ranks when values repeat (stop 33)."""

from __future__ import annotations

import numpy as np
import pytest

from yieldtrial.stats import _group_screen
from yieldtrial.stats._group_screen import _stable_argsort, value_order

N = 200_000  # above the sample of 65,536 values, so the rank route is taken


def _reference(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    idx = np.flatnonzero(pool)
    return idx[np.argsort(values[idx], kind="stable")]


@pytest.mark.parametrize("seed", range(6))
def test_typed_readings_sort_as_numpy_stable_sort(seed):
    # moistures to 0.1 % and masses to 0.01 kg: few distinct values, many ties
    rng = np.random.default_rng(seed)
    values = np.round(rng.normal(13.0, 2.0, N), 1 + seed % 2)
    pool = rng.random(N) < 0.9 if seed % 3 else np.ones(N, dtype=bool)
    assert np.array_equal(value_order(values, pool), _reference(values, pool))


def test_nan_signed_zeros_and_infinities_sort_as_numpy_does():
    # numpy: NaN after +inf (all NaNs tied, in plot order), -0.0 tied with 0.0
    rng = np.random.default_rng(7)
    cells = np.array([0.0, -0.0, np.nan, -np.nan, np.inf, -np.inf, 1.5, 2.0])
    values = rng.choice(cells, N)
    assert np.array_equal(_stable_argsort(values), np.argsort(values, kind="stable"))


def test_many_distinct_values_take_numpys_sort(monkeypatch):
    # a computed yield: no rank table; the result is numpy's own
    values = np.random.default_rng(8).normal(5000.0, 500.0, N)
    monkeypatch.setattr(_group_screen, "_FEW_DISTINCT", -1)  # the rank route would refuse
    assert np.array_equal(_stable_argsort(values), np.argsort(values, kind="stable"))


def test_distinct_values_beyond_sixteen_bits_take_numpys_sort():
    # 70,000 distinct values repeated: the sample passes, the count does not
    base = np.arange(70_000, dtype=float)
    values = np.concatenate([np.repeat(base[:8000], 8), base])
    assert np.array_equal(_stable_argsort(values), np.argsort(values, kind="stable"))
