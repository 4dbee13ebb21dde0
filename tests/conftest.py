"""Shared fixtures."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """Folder of the reference cases and sample files used by the tests."""
    return DATA_DIR


@pytest.fixture
def close_figures() -> Iterator[None]:
    """Close every matplotlib figure a test drew.

    The modules that draw use it for all their tests:
    ``pytestmark = pytest.mark.usefixtures("close_figures")``.
    """
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")  # no pyplot imported: no figure open
    if pyplot is not None:
        pyplot.close("all")


@pytest.fixture(params=["float", "ndarray", "series"])
def numeric_kind(request: pytest.FixtureRequest) -> Callable[[object], object]:
    """Convert a scalar or list to one of the three numeric kinds the formulas accept."""
    kind = request.param

    def convert(values: object) -> object:
        if kind == "float":
            return float(np.asarray(values, dtype=float).reshape(-1)[0])
        if kind == "ndarray":
            return np.atleast_1d(np.asarray(values, dtype=float))
        array = np.atleast_1d(np.asarray(values, dtype=float))
        return pd.Series(array, index=[f"p{i}" for i in range(array.size)])

    convert.kind = kind  # type: ignore[attr-defined]
    return convert
