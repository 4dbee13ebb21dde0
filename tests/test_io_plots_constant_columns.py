"""Constant float columns of a large plot table held as one value (issue 13, stop 51).

Expected values come from the table as read without the change: the same frame compared
with :func:`pandas.testing.assert_frame_equal` (exact), so only the storage may differ.
The threshold (:data:`yieldtrial.io.plots.CONSTANT_COLUMN_PLOTS`, 2^20 plots) is lowered
so that small tables take the large tables' route.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldtrial.io import plots as plots_module

EXAMPLE = Path(__file__).parents[1] / "src" / "yieldtrial" / "datasets" / "replicated-rcbd"


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "plot_id": ["1", "2", "3", "4"],
            "harvested_area_m2": [20.0, 20.0, 20.0, 20.0],  # constant: shared
            "fresh_mass_kg": [12.1, 13.0, 12.7, 12.9],  # varies
            "impurity_pct": [0.0, -0.0, 0.0, 0.0],  # equal, not the same bits
            "moisture_pct": [np.nan] * 4,  # every cell missing: one value, NaN
        }
    )


def test_constant_columns_are_shared_with_the_same_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plots_module, "CONSTANT_COLUMN_PLOTS", 1)
    monkeypatch.setattr(plots_module, "CONSTANT_CHECK_SPAN", 3)  # a span and a part
    table = _frame()
    shared = plots_module.shared_constant_columns(table)
    pd.testing.assert_frame_equal(table, _frame(), check_exact=True)
    if not plots_module._COPY_ON_WRITE:  # pandas 2: a table's arrays may be written into
        assert shared == []
        return
    # -0.0 and 0.0 compare equal but print differently: that column stays as read
    assert shared == ["harvested_area_m2", "moisture_pct"]
    assert table["harvested_area_m2"].to_numpy().strides == (0,)
    assert table["fresh_mass_kg"].to_numpy().strides == (8,)
    assert np.signbit(table["impurity_pct"].to_numpy()).tolist() == [False, True, False, False]


def test_below_the_threshold_nothing_changes() -> None:
    table = _frame()
    assert plots_module.shared_constant_columns(table) == []  # 4 plots < 2^20
    assert table["harvested_area_m2"].to_numpy().strides == (8,)


def test_read_plots_with_a_shared_area_equals_the_table_as_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shipped example (every plot 20 m2): the same table, the area held once."""
    expected = plots_module.read_plots(EXAMPLE / "plots.csv")
    monkeypatch.setattr(plots_module, "CONSTANT_COLUMN_PLOTS", 1)
    got = plots_module.read_plots(EXAMPLE / "plots.csv")
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.attrs == expected.attrs
    if plots_module._COPY_ON_WRITE:
        assert got["harvested_area_m2"].to_numpy().strides == (0,)
