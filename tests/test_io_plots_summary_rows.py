"""The summary-row check of the plot reader (:func:`yieldtrial.io.plots._summary_rows_problem`).

Its vectorized search must name the same rows, in the same order, as judging every cell in
Python (the code before stop 32, kept below as the reference).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.io import plots
from yieldtrial.io.plots import SUMMARY_LABELS, _summary_positions, _summary_rows_problem


def _is_summary(value: object) -> bool:
    if not isinstance(value, str):
        return False
    return value.strip().rstrip(":：").strip().casefold() in SUMMARY_LABELS


def _reference(frame: pd.DataFrame) -> str | None:
    """Judge every cell of the three label columns in Python (the check of stop 31).

    With stop 32's rule: a treatment or block label on a row with its own plot id is a plot.
    """
    found: dict[object, str] = {}
    ids = frame["plot_id"] if "plot_id" in frame else None
    for column in ("plot_id", "treatment", "block"):
        if column not in frame or pd.api.types.is_numeric_dtype(frame[column]):
            continue
        for label, value in frame[column].items():
            if not _is_summary(value) or label in found:
                continue
            if column != "plot_id" and ids is not None:
                plot_id = ids.at[label]
                if not pd.isna(plot_id) and str(plot_id).strip() and not _is_summary(plot_id):
                    continue
            found[label] = f"row {label} ({column} {value!r})"
    return ", ".join(found.values()) or None


_WORDS = ["T1", "N0", "Control", "Mean", " mean: ", "TOTAL", "合计", "平均：", "ſum", "Sum 2",
          "avg", " Grand Total ", "x", "", "1", "mean1", "Means\t", "Overall mean:", "１２",
          "٣", "12", "Mean\u3000"]  # fmt: skip


def test_no_summary_label_holds_a_digit():
    """The digit prefilter is exact only while no label spells an ASCII digit."""
    assert not any(ch.isascii() and ch.isdigit() for label in SUMMARY_LABELS for ch in label)


@pytest.mark.parametrize("sample", [1 << 16, 64])  # 64: every column counts as many texts
@pytest.mark.parametrize("dtype", ["str", "object", "category"])
def test_same_cells_as_judging_every_cell(dtype, sample, monkeypatch):
    """60 random columns per dtype: the positions found equal the cell-by-cell search."""
    monkeypatch.setattr(plots, "_SUMMARY_SAMPLE", sample)
    rng = np.random.default_rng(32)
    for _ in range(60):
        n = int(rng.integers(0, 40))
        values: list[object] = [_WORDS[k] for k in rng.integers(0, len(_WORDS), n)]
        for k in np.flatnonzero(rng.random(n) < 0.1):
            values[int(k)] = None  # blank cells
        cells = pd.Series(values, dtype=dtype if dtype != "str" else "string")
        if dtype == "str":
            cells = cells.astype("str") if pd.__version__ >= "3" else cells
        expected = [
            k
            for k, v in enumerate(cells.to_numpy(dtype=object))
            if isinstance(v, str) and v.strip().rstrip(":：").strip().casefold() in SUMMARY_LABELS
        ]
        assert _summary_positions(cells).tolist() == expected


def test_same_message_as_judging_every_cell():
    """Summary labels in two columns, rows without a plot id: the same rows, first column first."""
    frame = pd.DataFrame(
        {
            "plot_id": pd.array(["1", None, "Total", "4", ""], dtype="string"),
            "treatment": pd.array(["A", "Mean", "Mean", "B", "合计"], dtype="string"),
            "block": pd.array(["1", "1", "2", "2", "2"], dtype="string"),
        },
        index=[10, 11, 12, 13, 14],
    )
    text = _summary_rows_problem(frame, lambda c: c, lambda label: f"row {label}")
    # the reference names rows 12 (plot_id 'Total'), 11 and 14 (treatment), in this order
    named = _reference(frame)
    assert named == "row 12 (plot_id 'Total'), row 11 (treatment 'Mean'), row 14 (treatment '合计')"
    assert text is not None and text.startswith(named + " look like summary rows")


try:  # pandas' "str" dtype (NaN for missing cells); pandas < 2.3: the pd.NA one
    _ARROW_STR = pd.StringDtype("pyarrow", na_value=np.nan)
except TypeError:  # pragma: no cover - pandas < 2.3
    _ARROW_STR = pd.StringDtype("pyarrow")


@pytest.mark.parametrize("sample", [1 << 16, 64])  # 64: the digit filter runs too
def test_arrow_path_same_cells_as_pandas_path(sample, monkeypatch):
    """Pyarrow's kernels called directly (stop 35) find the cells pandas' methods find.

    40 random pyarrow-backed columns of three chunks, the first one sliced.
    """
    pa = pytest.importorskip("pyarrow")
    monkeypatch.setattr(plots, "_SUMMARY_SAMPLE", sample)
    rng = np.random.default_rng(35)
    for _ in range(40):
        n = int(rng.integers(1, 400))
        values: list[str | None] = [_WORDS[k] for k in rng.integers(0, len(_WORDS), n)]
        for k in np.flatnonzero(rng.random(n) < 0.1):
            values[int(k)] = None
        cut = sorted(rng.integers(0, n + 1, 2).tolist())
        cells = None
        for kind in (pa.large_string(), pa.string()):  # pandas 3, pandas 2.0
            chunks = [
                pa.array(["pad", *values[: cut[0]]], type=kind).slice(1),
                pa.array(values[cut[0] : cut[1]], type=kind),
                pa.array(values[cut[1] :], type=kind),
            ]
            try:
                array = pd.arrays.ArrowStringArray(pa.chunked_array(chunks))
            except ValueError:  # pandas 2.0 takes pyarrow's string type only
                continue
            cells = pd.Series(array, dtype=_ARROW_STR)
            break
        assert cells is not None
        found = plots._arrow_summary_positions(cells)
        if found is None:  # pandas 2.0 keeps its array as ``_data``: the pandas path serves
            pytest.skip("no pyarrow array behind the column (pandas < 2.1)")
        with monkeypatch.context() as patch:
            patch.setattr(plots, "_arrow_summary_positions", lambda _: None)
            expected = _summary_positions(cells)
        assert found.tolist() == expected.tolist()
        assert found.tolist() == [k for k, v in enumerate(values) if _is_summary(v)]
