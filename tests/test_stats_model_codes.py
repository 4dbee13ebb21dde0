"""The design fit's int32 codes, the spanned two-way counts and the ANOVA's sums of squares.

Expected values: the int64 computations they replace (``np.bincount`` of
``codes_a * n_b + codes_b`` numbered in int64, ``np.add.at`` on the two-way table,
``orthogonal_fit(...).sum_sq``), so each check is against the previous code's numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.stats import model as model_module
from yieldtrial.stats.anova_tables import is_balanced
from yieldtrial.stats.model import (
    _closed_form,
    _levels_of,
    cell_counts,
    fit,
    orthogonal_fit,
    orthogonal_sums_of_squares,
)


@pytest.mark.parametrize("span", [1, 3, 1 << 20])
def test_cell_counts_equal_int64_bincount(span: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_module, "_SPAN", span)
    rng = np.random.default_rng(5)
    a = rng.integers(0, 7, 101).astype(np.int32)
    b = rng.integers(0, 11, 101).astype(np.int32)
    where = rng.random(101) < 0.6
    expected = np.bincount(a.astype(np.int64) * 11 + b, minlength=77)
    masked = np.bincount((a.astype(np.int64) * 11 + b)[where], minlength=77)
    np.testing.assert_array_equal(cell_counts(a, b, 11, 77), expected)
    np.testing.assert_array_equal(cell_counts(a, b, 11, 77, where=where), masked)


def test_cell_numbers_do_not_overflow_int32() -> None:
    # code 50,000 x 50,000 levels = 2.5e9 > 2^31: numbered in int64, the cell stays right
    a = np.array([50_000], dtype=np.int32)
    b = np.array([7], dtype=np.int32)
    size = 50_001 * 50_000
    cell = int(a[0]) * 50_000 + 7
    assert cell > 2**31
    # count only that cell's neighbourhood: bincount of the int64 number, shifted
    assert int(np.int64(a[0]) * 50_000 + b[0]) == cell
    with pytest.MonkeyPatch.context() as mp:
        captured: list[np.ndarray] = []
        real = np.bincount

        def spy(x: np.ndarray, *args: object, **kwargs: object) -> np.ndarray:
            captured.append(np.array(x))
            return np.zeros(1, dtype=np.intp)

        mp.setattr(model_module.np, "bincount", spy)
        cell_counts(a, b, 50_000, size)
        mp.setattr(model_module.np, "bincount", real)
    assert captured[0].dtype == np.int64 and int(captured[0][0]) == cell


def _rcbd(text: bool) -> pd.DataFrame:
    rng = np.random.default_rng(9)
    t = np.tile([f"T{i}" for i in range(6)], 5)
    b = np.repeat([f"B{j}" for j in range(5)], 6)
    frame = pd.DataFrame({"treatment": t, "block": b, "y": 50 + rng.normal(0, 3, t.size)})
    if text:
        pytest.importorskip("pyarrow")
        frame = frame.astype({"treatment": "string[pyarrow]", "block": "string[pyarrow]"})
    return frame


@pytest.mark.parametrize("kind", ["object", "arrow", "categorical"])
def test_fit_codes_are_int32_with_the_same_values(kind: str) -> None:
    data = _rcbd(text=kind == "arrow")
    if kind == "categorical":
        data["treatment"] = pd.Categorical(data["treatment"], categories=["T5", "T0", "T1",
                                           "T2", "T3", "T4"])  # fmt: skip
    model_module._fit_cache.clear()
    fitted = fit(data, response="y", treatment="treatment", block="block", design="rcbd")
    for f in ("treatment", "block"):
        wide, labels = _levels_of(data[f], column=f)
        assert fitted.codes[f].dtype == np.int32
        assert wide.dtype == np.intp
        np.testing.assert_array_equal(fitted.codes[f], wide)
        assert fitted.factor_levels[f] == labels
    assert _closed_form(fitted) and is_balanced(fitted)


def test_is_balanced_equals_add_at_table() -> None:
    data = _rcbd(text=False).drop(index=[3, 4]).reset_index(drop=True)
    model_module._fit_cache.clear()
    fitted = fit(data, response="y", treatment="treatment", block="block", design="rcbd")
    table = np.zeros((6, 5), dtype=int)
    np.add.at(table, (fitted.codes["treatment"], fitted.codes["block"]), 1)
    assert is_balanced(fitted) is bool(np.all(table == table.flat[0])) is False


def test_orthogonal_sums_of_squares_equal_the_fit_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    codes = {"t": np.tile(np.arange(8), 6), "b": np.repeat(np.arange(6), 8)}
    y = 1e6 + rng.normal(0, 250, 48)
    y -= y.mean()
    n_levels = {"t": 8, "b": 6}
    solved = orthogonal_fit(codes, n_levels, y)
    assert solved is not None
    assert orthogonal_sums_of_squares(codes, n_levels, y) == solved.sum_sq
    codes["t"] = codes["t"].copy()
    codes["t"][0] = 1  # unbalanced: neither solves it
    assert orthogonal_fit(codes, n_levels, y) is None
    assert orthogonal_sums_of_squares(codes, n_levels, y) is None
