"""Memory of the report on large tables (issue 13, stop 34): the same results, less held.

Expected values come from the code each change replaces: ``abs(r) > t`` on the whole
column with a boolean ``.loc``, the residual table's columns as ``diagnostics`` builds
them, the arrow text column as read in several chunks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.stats import residual_checks


@pytest.mark.parametrize("span", [1, 4, 1 << 20])
def test_beyond_equals_whole_column_abs(span: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(residual_checks, "_SPAN", span)
    values = np.array([0.5, -3.2, np.nan, 3.0, 3.0001, -np.inf, np.inf, -0.0, -3.0, 7.0])
    expected = np.flatnonzero(np.abs(values) > 3.0)
    np.testing.assert_array_equal(residual_checks._beyond(values, 3.0), expected)
    assert residual_checks._beyond(np.zeros(0), 3.0).size == 0


def test_report_keeps_diagnostics_without_studentized_columns() -> None:
    """The report's diagnostics drop the studentized and fitted columns; the rest is equal.

    (The fitted values too since stop 53: no report section reads them.)
    """
    from yieldtrial.report.context import _without_studentized
    from yieldtrial.stats._common import copy_on_write
    from yieldtrial.stats.residual_checks import diagnostics

    rng = np.random.default_rng(4)
    data = pd.DataFrame(
        {
            "treatment": np.tile(["A", "B", "C", "D"], 5),
            "block": np.repeat([f"B{j}" for j in range(5)], 4),
            "y": 50 + rng.normal(0, 2, 20),
        }
    )
    full = diagnostics(data, response="y", treatment="treatment", block="block", design="rcbd")
    slim = _without_studentized(full)
    if not copy_on_write():
        assert slim is full
        return
    unread = ["studentized_residual", "externally_studentized_residual", "fitted"]
    pd.testing.assert_frame_equal(slim.residuals, full.residuals.drop(columns=unread))
    assert slim.shapiro == full.shapiro and slim.levene == full.levene
    pd.testing.assert_frame_equal(slim.outliers, full.outliers)
    assert _without_studentized(None) is None


def test_report_diagnostics_of_more_plots_than_the_field_map_drop_the_residuals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above MAX_PLOT_MARKERS plots the field map is not drawn: its residuals not kept (stop 53).

    The rest of the table and the tests are those of the library's diagnostics.
    """
    from yieldtrial.report import context
    from yieldtrial.stats._common import copy_on_write
    from yieldtrial.stats.residual_checks import diagnostics

    if not copy_on_write():
        pytest.skip("without copy on write the table is kept as it is")
    monkeypatch.setattr(context, "MAX_PLOT_MARKERS", 19)
    rng = np.random.default_rng(5)
    data = pd.DataFrame(
        {
            "treatment": np.tile(["A", "B", "C", "D"], 5),
            "block": np.repeat([f"B{j}" for j in range(5)], 4),
            "y": 50 + rng.normal(0, 2, 20),
        }
    )
    full = diagnostics(data, response="y", treatment="treatment", block="block", design="rcbd")
    slim = context._without_studentized(full)
    unread = ["studentized_residual", "externally_studentized_residual", "fitted", "residual"]
    pd.testing.assert_frame_equal(slim.residuals, full.residuals.drop(columns=unread))
    assert slim.shapiro == full.shapiro and slim.levene == full.levene


def test_arrow_text_read_as_one_chunk_keeps_the_values() -> None:
    pa = pytest.importorskip("pyarrow")
    from yieldtrial.io.table_files import _one_chunk

    try:
        strings = pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3: the arrow reader is not used (pandas' C engine reads)
        pytest.skip("no NaN-valued arrow string dtype in this pandas")
    chunked = pa.chunked_array([pa.array(["a", None, "b"]), pa.array(["c", "a"])])
    text = pd.Series(chunked.to_pandas(types_mapper={pa.string(): strings}.get), name="t")
    one = _one_chunk(text, strings)
    assert one.array.__arrow_array__().num_chunks == 1
    pd.testing.assert_series_equal(one, text)
    assert _one_chunk(one, strings) is one


def test_read_csv_gives_one_chunk_label_columns(tmp_path: object) -> None:
    pytest.importorskip("pyarrow")
    from pathlib import Path

    from yieldtrial.io import table_files

    path = Path(str(tmp_path)) / "plots.csv"
    rows = "".join(f"{i},B{i % 7},T{i % 3},20,{10 + i % 5}\n" for i in range(5000))
    path.write_text("plot_id,block,treatment,area,mass\n" + rows, encoding="utf-8")
    frame = table_files._read_arrow(
        path, ",", 5, {0: str, 1: str, 2: str}, "utf-8", rows=None, blank=None, estimate=10
    )
    if frame is None:  # pandas < 2.3 (no NaN-valued arrow text): pandas' C engine reads
        pytest.skip("the arrow reader does not apply with this pandas")
    for i in (0, 1, 2):
        column = frame[i]
        if isinstance(column.dtype, pd.StringDtype):
            assert column.array.__arrow_array__().num_chunks == 1
    assert frame[1].tolist()[:3] == ["B0", "B1", "B2"]


def test_outlier_labels_of_a_few_rows_equal_the_full_columns_taken() -> None:
    """``label_columns(rows=...)`` reads only the label columns: the same labels."""
    from yieldtrial.stats.model import fit
    from yieldtrial.stats.residual_checks import label_columns

    rng = np.random.default_rng(8)
    data = pd.DataFrame(
        {
            "plot_id": [f"P{i}" for i in range(24)],
            "treatment": np.tile(["A", "B", "C", "D"], 6),
            "block": np.repeat([f"B{j}" for j in range(6)], 4),
            "note": "wet_basis",
            "y": 40 + rng.normal(0, 2, 24),
        }
    )
    model = fit(data, response="y", treatment="treatment", block="block", design="rcbd")
    rows = np.array([17, 3, 3, 0])
    full = label_columns(model, treatment="treatment", plot_id="plot_id")
    some = label_columns(model, treatment="treatment", plot_id="plot_id", rows=rows)
    for name in ("plot_id", "treatment", "block"):
        assert list(np.asarray(some[name], dtype=object)) == [
            np.asarray(full[name], dtype=object)[i] for i in rows
        ]
