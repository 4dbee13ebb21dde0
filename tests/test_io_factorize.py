"""``io._factorize.label_texts``: the distinct labels of a factorization as text (stop 33)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.io._factorize import factorize_labels, label_texts


def _arrow_text(values: list[object]) -> pd.Series:
    try:
        dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3
        pytest.skip("needs pandas' NaN-valued arrow strings")
    return pd.Series(pd.array(values, dtype=dtype))


def test_arrow_labels_are_the_texts_of_each_unique():
    series = _arrow_text(["b2", "a1", "b2", "区组3", None, "a1", ""])
    _, uniques = factorize_labels(series)
    assert label_texts(uniques) == [str(u) for u in uniques] == ["b2", "a1", "区组3", ""]


def test_integer_labels_are_spelled_as_str_does():
    _, uniques = factorize_labels(pd.Series([10, 3, 10, -7]))
    texts = label_texts(uniques)
    assert texts == ["10", "3", "-7"]
    assert all(type(text) is str for text in texts)


def test_object_labels_are_spelled_as_str_does():
    _, uniques = factorize_labels(pd.Series(["x", "y", "x"], dtype=object))
    assert label_texts(uniques) == ["x", "y"]
