"""Level coding of factor columns (``stats.model.levels_of``): fast paths match the text route.

Expected values: the text route (``str`` of each value, levels in order of first
appearance; categoricals in category order) written out by hand in each test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.errors import DataValidationError
from yieldtrial.stats.model import levels_of


def test_text_labels_in_order_of_first_appearance() -> None:
    codes, labels = levels_of(pd.Series(["b", "a", "b", "c10", "c2"]), column="t")
    assert labels == ("b", "a", "c10", "c2")
    assert codes.tolist() == [0, 1, 0, 2, 3]


def test_integer_labels_become_text_in_order_of_first_appearance() -> None:
    codes, labels = levels_of(pd.Series([3, -1, 3, 10]), column="block")
    assert labels == ("3", "-1", "10")
    assert codes.tolist() == [0, 1, 0, 2]


def test_pandas_string_dtype_codes_like_object_text() -> None:
    values = ["y", "x", "y", "z"]
    fast = levels_of(pd.Series(values, dtype="string"), column="t")
    text = levels_of(pd.Series(values, dtype=object), column="t")
    assert fast[1] == text[1] == ("y", "x", "z")
    assert fast[0].tolist() == text[0].tolist() == [0, 1, 0, 2]


def test_categorical_keeps_category_order_of_present_levels() -> None:
    series = pd.Series(["x", "y", "x"]).astype(pd.CategoricalDtype(["z", "y", "x"]))
    codes, labels = levels_of(series, column="t")
    assert labels == ("y", "x")  # "z" is absent; category order, not appearance order
    assert codes.tolist() == [1, 0, 1]


def test_mixed_object_labels_take_the_text_route() -> None:
    # 1 and "1" are one level as text; equal text must not become two levels
    codes, labels = levels_of(pd.Series([1, "1", 2], dtype=object), column="t")
    assert labels == ("1", "2")
    assert codes.tolist() == [0, 0, 1]


def test_float_labels_take_the_text_route() -> None:
    codes, labels = levels_of(pd.Series([1.0, 2.5, 1.0]), column="t")
    assert labels == ("1.0", "2.5")
    assert codes.tolist() == [0, 1, 0]


def test_missing_label_still_rejected() -> None:
    with pytest.raises(DataValidationError, match="missing label"):
        levels_of(pd.Series(["a", None, "b"], dtype=object), column="t")


def test_codes_are_integer_array() -> None:
    codes, _ = levels_of(pd.Series(np.array(["a", "b"], dtype=object)), column="t")
    assert codes.dtype.kind == "i"


def test_categorical_small_codes_renumbered_as_int64() -> None:
    # pandas keeps 3 categories' codes as int8; the renumbered codes are the platform int
    series = pd.Series(["x", "y", "x"]).astype(pd.CategoricalDtype(["z", "y", "x"]))
    assert series.cat.codes.dtype == np.int8
    codes, _ = levels_of(series, column="t")
    assert codes.dtype == np.dtype(int)
    assert codes.tolist() == [1, 0, 1]
