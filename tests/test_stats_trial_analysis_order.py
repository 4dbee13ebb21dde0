"""in_display_order: pandas' categorical of the labels as text, without a str per plot."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.stats.trial_analysis import in_display_order


@pytest.mark.parametrize("dtype", ["str", "object", "int", "string[pyarrow]"])
def test_equal_to_the_categorical_of_the_text_labels(dtype: str) -> None:
    # 100 random label columns and display orders (every label listed), against pandas
    rng = np.random.default_rng(5)
    for _ in range(100):
        k = int(rng.integers(1, 9))
        labels: list[object] = list(range(k)) if dtype == "int" else [f"T{i}" for i in range(k)]
        column = [labels[v] for v in rng.choice(k, int(rng.integers(1, 40)))]
        order = [str(v) for v in labels]
        rng.shuffle(order)
        series = pd.Series(column, dtype=None if dtype in ("str", "int") else dtype)
        expected = pd.Categorical(series.astype(str), categories=order)
        got = in_display_order(pd.DataFrame({"treatment": series}), order)["treatment"].array
        assert got.equals(expected)
        assert list(got.categories) == list(expected.categories)


def test_a_label_outside_the_order_takes_pandas_route() -> None:
    data = pd.DataFrame({"treatment": ["A", "B", "C"]})
    with pytest.warns(Warning) if pd.__version__ >= "3" else _nothing():
        got = in_display_order(data, ["B", "A"])["treatment"]
    assert got.isna().tolist() == [False, False, True]


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None
