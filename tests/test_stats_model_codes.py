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
    cell_counts,
    fit,
    levels_of,
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
    # code 50,000 of 50,000 levels: 50,000 * 50,000 + 7 = 2,500,000,007 > 2^31 - 1
    from yieldtrial.stats.model import _cell_numbers

    cell = _cell_numbers(np.array([50_000], dtype=np.int32), np.array([7], dtype=np.int32), 50_000)
    assert cell.dtype == np.int64 and cell.tolist() == [2_500_000_007]


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
        order = ["T5", "T0", "T1", "T2", "T3", "T4"]
        data["treatment"] = pd.Categorical(data["treatment"], categories=order)
    model_module._fit_cache.clear()
    fitted = fit(data, response="y", treatment="treatment", block="block", design="rcbd")
    for f in ("treatment", "block"):
        wide, labels = levels_of(data[f], column=f)
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


def test_shared_factorization_is_the_kept_read_only_array() -> None:
    pytest.importorskip("pyarrow")
    from yieldtrial.io._factorize import factorize_labels

    labels = pd.Series([f"B{i % 300}" for i in range(1200)], dtype="string[pyarrow]")
    fresh, uniques = factorize_labels(labels)
    shared, again = factorize_labels(labels, dtype=np.int16, shared=True)
    assert shared.dtype == np.int16 and not shared.flags.writeable
    np.testing.assert_array_equal(shared, fresh)
    assert list(again) == list(uniques)
    assert factorize_labels(labels, dtype=np.int16, shared=True)[0] is shared
    copied = factorize_labels(labels)[0]  # not shared: a fresh, writable intp array
    assert copied.dtype == np.intp and copied.flags.writeable


def test_reordered_fit_in_the_same_order_shares_the_treatment_codes() -> None:
    pytest.importorskip("pyarrow")
    from yieldtrial.stats.model import _in_treatment_order

    data = _rcbd(text=True)
    model_module._fit_cache.clear()
    fitted = fit(data, response="y", treatment="treatment", block="block", design="rcbd")
    in_order = [f"T{i}" for i in range(6)]
    same = data.assign(treatment=pd.Categorical(data["treatment"], categories=in_order))
    again = _in_treatment_order(fitted, same, "treatment")
    assert again is not None and again.codes["treatment"] is fitted.codes["treatment"]
    order = [f"T{i}" for i in (5, 0, 1, 2, 3, 4)]
    other = data.assign(treatment=pd.Categorical(data["treatment"], categories=order))
    moved = _in_treatment_order(fitted, other, "treatment")
    assert moved is not None and moved.levels == tuple(order)
    expected, _ = levels_of(other["treatment"], column="treatment")
    np.testing.assert_array_equal(moved.codes["treatment"], expected)
    np.testing.assert_array_equal(moved.lsmeans, fitted.lsmeans[[5, 0, 1, 2, 3, 4]])
