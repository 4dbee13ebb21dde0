"""The arrow reader's numeric buffers are cut to the rows read without unsafe resizing.

``_fitted`` used ``ndarray.resize(refcheck=False)``: with a view of the buffer alive (a
slice, a memoryview), the view pointed into freed memory (a 10-million-value buffer
resized to 10 values with a view of its second half: the view's sum crashed Python with
a segmentation fault).  The buffers are now resized with NumPy's reference check, after
being taken out of their dict, and sliced when anything else still refers to them.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from yieldtrial.io.table_files import _fitted


def test_sole_buffer_is_shrunk_in_place_to_the_rows():
    """An array nothing else refers to is resized (it owns a buffer of exactly the rows)."""
    columns = {0: np.arange(100.0), 2: np.arange(100.0) * 2}
    fitted = _fitted(columns, 10)
    assert columns == {}
    for i, factor in ((0, 1.0), (2, 2.0)):
        assert fitted[i].flags.owndata and fitted[i].base is None
        np.testing.assert_array_equal(fitted[i], np.arange(10.0) * factor)


def test_buffer_with_a_live_view_is_sliced_not_resized():
    """A view of the buffer keeps its values: the column is a slice of the kept buffer."""
    buffer = np.arange(1_000_000.0)
    tail = buffer[500_000:]  # a view: resizing under it would free its memory
    fitted = _fitted({0: buffer}, 10)
    assert fitted[0].base is buffer
    np.testing.assert_array_equal(fitted[0], np.arange(10.0))
    assert float(tail.sum()) == float(np.arange(500_000.0, 1_000_000.0).sum())


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="needs pyarrow")
def test_arrow_reader_columns_hold_exactly_the_rows(tmp_path):
    """A table read by pyarrow (row estimate above the rows) has numeric columns of its rows."""
    from yieldtrial.io._arrow import pyarrow_usable
    from yieldtrial.io.table_files import _read_arrow

    if not pyarrow_usable():
        pytest.skip("pyarrow not usable here")
    try:
        pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3: the reader leaves such tables to pandas' C engine
        pytest.skip("pandas < 2.3: the arrow reader does not apply")
    path = tmp_path / "plots.csv"
    path.write_text("a,b\n" + "".join(f"{i},x{i}\n" for i in range(50)), encoding="utf-8")
    frame = _read_arrow(path, ",", 2, {1: str}, "utf-8", rows=None, blank=None, estimate=1024)
    assert frame is not None
    values = frame.iloc[:, 0].to_numpy()
    np.testing.assert_array_equal(values, np.arange(50.0))
