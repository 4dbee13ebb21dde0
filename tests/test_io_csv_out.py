"""CSV writing in blocks: the same bytes as ``DataFrame.to_csv``, formulas neutralised."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yieldtrial.io import csv_out
from yieldtrial.io.csv_out import csv_chunks, write_csv
from yieldtrial.io.output import csv_safe_frame


@pytest.fixture(autouse=True, params=["arrow", "arrow-join", "python"])
def writer(request, monkeypatch):
    """Run every test with pyarrow's CSV writer, its string kernels and Python's spelling.

    ``arrow-join``: pyarrow's string kernels (the join that quotes text, used where the
    CSV writer is not); ``python``: no pyarrow.
    """
    if request.param.startswith("arrow"):
        pytest.importorskip("pyarrow")
        if request.param == "arrow-join":
            monkeypatch.setattr(csv_out, "_written_block", lambda part, arrow: None)
    else:
        monkeypatch.setattr(csv_out, "_arrow", lambda: None)
    return request.param


def _reference(frame: pd.DataFrame) -> bytes:
    """Return what pandas writes for the neutralised table (the independent computation)."""
    return csv_safe_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")


def _fast(frame: pd.DataFrame, **options) -> bytes:
    return b"".join(csv_chunks(frame, **options))


SPECIAL_FLOATS = [
    0.0,
    -0.0,
    20.0,
    15.41,
    0.1 + 0.2,
    7516.234234234234,
    1e-4,
    5e-5,
    1e14,
    123456789012345.6,
    1e16,
    1e20,
    1.2345678901234568e17,
    float("nan"),
    float("inf"),
    -float("inf"),
    -1.5,
    2.5e-300,
]


def test_special_floats_match_to_csv():
    """Integral, tiny, huge, negative zero, NaN and inf are spelled as pandas spells them."""
    frame = pd.DataFrame({"x": SPECIAL_FLOATS, "y": list(range(len(SPECIAL_FLOATS)))})
    assert _fast(frame) == _reference(frame)


def test_text_quoting_matches_to_csv():
    """Separators, quotes and line breaks are quoted (QUOTE_MINIMAL); NaN text is empty."""
    frame = pd.DataFrame(
        {
            "label": pd.array(
                ["CK", "a,b", 'say "hi"', "two\nlines", "cr\rx", None, "对照", ""], dtype="str"
            ),  # fmt: skip
            "value": np.arange(8.0),
            "n": pd.array([1, None, 3, 4, 5, 6, 7, 8], dtype="Int64"),
        }
    )
    assert _fast(frame) == _reference(frame)


def test_constant_columns_are_written_like_the_others():
    """A column holding one value (standard_moisture_pct) is formatted once, same bytes."""
    frame = pd.DataFrame(
        {
            "c": [13.0] * 5,
            "z": [0.0, -0.0, 0.0, 0.0, 0.0],
            "m": pd.array(["dry_matter"] * 5, dtype="str"),
            "n": [1.5, float("nan"), 2.5, 3.5, 4.5],
        }
    )
    assert _fast(frame) == _reference(frame)


def test_formulas_are_neutralised():
    """A cell starting with = is written with a leading quote, header included."""
    frame = pd.DataFrame({"=h": ["=1+2", "x"], "v": [1.0, 2.0]})
    assert _fast(frame).decode("utf-8").splitlines() == ["'=h,v", "'=1+2,1.0", "x,2.0"]


def test_blocks_join_to_the_whole_table():
    """Writing in blocks of 3 rows gives the same bytes as one block."""
    frame = pd.DataFrame({"a": np.linspace(0, 1, 10), "b": [f"t{i}" for i in range(10)]})
    assert _fast(frame, chunk_rows=3) == _reference(frame)


def test_without_pyarrow_kernels_the_same_bytes():
    """fast=False (pandas' to_csv per block) gives the same bytes."""
    frame = pd.DataFrame({"x": SPECIAL_FLOATS, "t": ["a"] * len(SPECIAL_FLOATS)})
    assert _fast(frame, fast=False) == _fast(frame)


def test_write_csv_with_bom():
    """bom=True starts the file with the UTF-8 byte-order mark."""
    import io

    buffer = io.BytesIO()
    write_csv(buffer, pd.DataFrame({"a": [1.0], "b": ["x"]}), bom=True)
    assert buffer.getvalue() == b"\xef\xbb\xbfa,b\n1.0,x\n"


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=30
    ),  # fmt: skip
    labels=st.lists(st.one_of(st.none(), st.text(max_size=6)), min_size=1, max_size=30),
)
def test_random_tables_match_to_csv(values, labels):
    """For any floats and texts the block writer gives pandas' bytes."""
    n = min(len(values), len(labels))
    frame = pd.DataFrame(
        {"v": np.array(values[:n], dtype=float), "t": pd.array(labels[:n], dtype="str")}
    )
    assert _fast(frame) == _reference(frame)


def test_repeated_floats_spelled_once_match_to_csv():
    """A measured column (few distinct values, spelled once each) gives pandas' bytes."""
    values = np.tile(np.array(SPECIAL_FLOATS * 3 + [15.1, 15.0, 13.2]), 800)  # 48,000 cells
    frame = pd.DataFrame({"x": values, "y": np.arange(len(values), dtype=float)})
    assert _fast(frame) == _reference(frame)


def test_large_text_column_prechecks_match_to_csv():
    """The buffer pre-checks still quote and neutralise the one cell that needs it."""
    labels = ["T1", "CK"] * 10_000
    for special in ("a,b", "=1+2", "-N", "plain"):
        frame = pd.DataFrame({"label": pd.array([*labels, special], dtype="str"), "y": 1.5})
        assert _fast(frame) == _reference(frame)


def test_neighbouring_constant_columns_match_to_csv():
    """Constant columns side by side (joined as one constant), also first and last."""
    n = 50
    frame = pd.DataFrame(
        {
            "site": pd.array(["A, north"] * n, dtype="str"),
            "y": np.linspace(1.0, 2.0, n),
            "standard_moisture_pct": np.full(n, 13.0),
            "method": pd.array(["dry_matter"] * n, dtype="str"),
            "zero": np.full(n, -0.0),
            "count": np.full(n, 3, dtype=np.int64),
            "z": np.linspace(-1.0, 1.0, n),
            "tail_a": np.full(n, 20.0),
            "tail_b": pd.array(["=1"] * n, dtype="str"),
        }
    )
    assert _fast(frame) == _reference(frame)


def test_python_spelling_does_not_call_to_csv(writer, monkeypatch):
    """Without pyarrow, float, integer and text columns are spelled without ``to_csv``."""
    if writer != "python":
        pytest.skip("the Python spelling only")
    frame = pd.DataFrame(
        {
            "x": SPECIAL_FLOATS,
            "n": np.arange(len(SPECIAL_FLOATS), dtype=np.int64),
            "t": pd.array(["a,b", None, "c", 'q"'] * 4 + ["d", "e"], dtype="str"),
        }
    )
    expected = _reference(frame)

    def refuse(*args, **kwargs):
        raise AssertionError("to_csv called")

    monkeypatch.setattr(pd.DataFrame, "to_csv", refuse)
    assert _fast(frame) == expected


def test_python_spelling_spells_each_measured_value_once(writer, monkeypatch):
    """Without pyarrow, a measured column's distinct values are spelled once each."""
    if writer != "python":
        pytest.skip("the Python spelling only")
    measured = np.tile(np.array([15.41, 13.2, -0.0, 0.0, float("nan"), 20.0]), 2_000)
    frame = pd.DataFrame({"x": measured, "y": measured * 2})
    expected = _reference(frame)
    spelled = []

    def counting_repr(value):
        spelled.append(value)
        return repr(value)

    monkeypatch.setattr(csv_out, "repr", counting_repr, raising=False)
    assert _fast(frame) == expected
    # two columns of six distinct values (bit for bit: -0.0 apart from 0.0) each, in
    # 12,000 cells: 12 spellings, not 24,000
    assert len(spelled) == 12


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(
        st.one_of(st.none(), st.text(alphabet=st.sampled_from('ab,"\n\r =-'), max_size=5)),
        min_size=1,
        max_size=20,
    ),
)
def test_random_object_text_matches_to_csv(labels):
    """Object-dtype text with separators, quotes, CR/LF and formula starts: pandas' bytes."""
    frame = pd.DataFrame(
        {"t": pd.Series(labels, dtype=object), "v": np.arange(len(labels), dtype=float)}
    )
    assert _fast(frame) == _reference(frame)


#: Values pyarrow's CSV writer spells differently from pandas (``20``, ``-0``, ``0.00005``,
#: ``1.0000000000000005e+15``, ``1e+10``, ...), with the magnitudes around its limits.
WRITER_EDGES = [
    20.0,
    0.0,
    -0.0,
    6765.0,
    -3.0,
    5e-05,
    9.999999999999999e-05,
    1e-4,
    1e15 + 0.5,
    1e16,
    1e10,
    9999999999.5,
    10000000000.5,
    123456789012345.6,
    1e22,
    2.5e-300,
    float("inf"),
    -float("inf"),
]


def _computed_column(n: int) -> np.ndarray:
    """Full-precision values (all different), as ``yield_kg_ha`` holds them."""
    return np.random.default_rng(7).normal(7000.0, 600.0, n) / 3.0


@pytest.mark.parametrize("edge", WRITER_EDGES)
def test_writer_edge_value_among_plain_floats_matches_to_csv(edge):
    """One value pyarrow spells differently, among thousands it spells as pandas does."""
    values = _computed_column(4_000)
    values[[5, 1_999, 3_999]] = [edge, float("nan"), edge]
    frame = pd.DataFrame({"y": values, "n": np.arange(len(values))})
    assert _fast(frame) == _reference(frame)


def test_writer_edge_values_as_a_measured_column_match_to_csv():
    """The edges as repeated (measured) values: spelled once each, pandas' bytes."""
    values = np.tile(np.array([*WRITER_EDGES, float("nan"), 15.41, 13.2]), 600)
    frame = pd.DataFrame({"x": values, "t": pd.array(["T1", None] * (len(values) // 2))})
    assert _fast(frame) == _reference(frame)


def test_writer_many_whole_numbers_match_to_csv():
    """A column of mostly whole numbers (pyarrow: ``20``) and NaN, pandas' ``20.0``."""
    values = np.arange(10_000, dtype=float)
    values[::7] = float("nan")
    values[::11] = 0.5
    frame = pd.DataFrame({"a": values, "b": -values, "c": np.full(len(values), 20.0)})
    assert _fast(frame) == _reference(frame)


def test_writer_text_quoting_and_formulas_match_to_csv():
    """Text needing quotes (in any block), formula starts, empty and missing cells."""
    n = 3_000
    for special in ("a,b", 'say "hi"', "two\nlines", "cr\rx", "=SUM(A1)", "+1", "", None):
        labels = ["T1", "CK", "-"] * (n // 3)
        labels[n // 2] = special
        frame = pd.DataFrame(
            {
                "plot_id": pd.array([str(i) for i in range(n)], dtype="str"),
                "treatment": pd.array(labels, dtype="str"),
                "note": pd.Series(labels, dtype=object),
                "y": _computed_column(n),
            }
        )
        assert _fast(frame, chunk_rows=1_000) == _reference(frame)


def test_writer_integer_and_constant_columns_match_to_csv():
    """Integers (with pandas' missing values) and constant columns, side by side."""
    n = 2_000
    frame = pd.DataFrame(
        {
            "i": np.arange(n, dtype=np.int64) - 1_000,
            "n": pd.array([None if i % 5 == 0 else i for i in range(n)], dtype="Int64"),
            "moisture": np.full(n, 13.0),
            "method": pd.array(["dry_matter"] * n, dtype="str"),
            "site": pd.array(["A, north"] * n, dtype="str"),
            "y": _computed_column(n),
        }
    )
    assert _fast(frame) == _reference(frame)


def test_writer_spells_a_plain_table_without_the_join(writer, monkeypatch):
    """With pyarrow, a table without text to quote never goes through the string join."""
    if writer != "arrow":
        pytest.skip("pyarrow's CSV writer only")

    def refuse(*args, **kwargs):
        raise AssertionError("the string join was used")

    n = 20_000
    frame = pd.DataFrame(
        {
            "plot_id": pd.array([str(100_001 + i) for i in range(n)], dtype="str"),
            "area": np.full(n, 20.0),
            "mass": np.round(np.random.default_rng(3).normal(15.0, 1.2, n), 2),
            "y": _computed_column(n),
            "method": pd.array(["dry_matter"] * n, dtype="str"),
        }
    )
    frame.loc[[3, 99], "y"] = [6765.0, float("nan")]
    expected = _reference(frame)
    monkeypatch.setattr(csv_out, "_arrow_block", refuse)
    assert _fast(frame, chunk_rows=7_000) == expected


@pytest.mark.parametrize(
    "dtype", ["string", "string[pyarrow]", "str", "Int64", "float64", "object"]
)
def test_a_column_with_one_value_and_missing_cells_is_not_constant(dtype):
    """Missing cells of nullable columns compare as NA: they stay empty, not the value.

    (The constant check once let ``all()`` skip them and wrote the value in every row.)
    """
    if dtype == "string[pyarrow]":
        pytest.importorskip("pyarrow")
    if dtype == "str" and not isinstance(pd.Series(["a"], dtype="str").dtype, pd.StringDtype):
        pytest.skip("pandas < 3: 'str' is NumPy's text, without missing cells")
    cells = [7, None] * 4_100
    values = [
        None if v is None else (v if dtype in ("Int64", "float64") else str(v)) for v in cells
    ]
    frame = pd.DataFrame({"a": pd.array(values, dtype=dtype), "b": np.arange(len(cells))})
    assert _fast(frame) == _reference(frame)
    assert _fast(frame).splitlines()[2] == b",1"


@pytest.mark.parametrize("where", ["first", "last", "middle", "missing"])
def test_spliced_cells_equal_pyarrow_replace_with_mask(writer, where):
    """The odd cells spliced into pyarrow's spelling: the array ``replace_with_mask`` gives."""
    if writer != "arrow":
        pytest.skip("pyarrow only")
    import pyarrow as pa
    import pyarrow.compute as pc

    values = _computed_column(5_000)
    positions = {"first": [0, 7], "last": [3, 4_999], "middle": [2_500], "missing": [9, 11]}
    chosen = np.array(positions[where])
    values[chosen] = [6765.0, 0.0] if len(chosen) == 2 else [1e-7]
    missing = np.zeros(len(values), dtype=bool)
    if where == "missing":
        missing[[10, 4_000]] = True
    text = pc.cast(pa.array(values, mask=missing), pa.string())
    cells = [repr(v) for v in values[chosen].tolist()]
    odd = np.zeros(len(values), dtype=bool)
    odd[chosen] = True
    expected = pc.replace_with_mask(text, pa.array(odd), pa.array(cells, type=pa.string()))
    spliced = csv_out._replaced_cells(text, chosen, cells, pa)
    spliced.validate(full=True)
    assert spliced.equals(expected)


@pytest.mark.parametrize("rows", [1, 5_000, 5_400, 4_000, 6_000])
def test_repeated_cells_kept_between_blocks_equal_a_fresh_array(writer, rows):
    """A constant column's array, kept and sliced for the next blocks: a fresh array's cells.

    (Streamed blocks differ a little in length: 5,000 rows first keeps room for 5,625.)
    """
    if writer != "arrow":
        pytest.skip("pyarrow only")
    import pyarrow as pa

    first = csv_out._repeated_text(b"dry_matter", 5_000, pa)
    again = csv_out._repeated_text(b"dry_matter", rows, pa)
    fresh = csv_out._repeated_array(b"dry_matter", rows, pa)
    for array, length in ((first, 5_000), (again, rows)):
        array.validate(full=True)
        assert len(array) == length
    assert again.equals(fresh)
    assert csv_out._REPEATED_CELLS >= len(csv_out._REPEATED) >= 1


def test_many_constant_cells_keep_only_a_few_arrays(writer):
    """The kept arrays are bounded: the least recently used cell is dropped."""
    if writer != "arrow":
        pytest.skip("pyarrow only")
    import pyarrow as pa

    for number in range(3 * csv_out._REPEATED_CELLS):
        cell = f"{number}.0".encode()
        assert csv_out._repeated_text(cell, 100, pa).to_pylist() == [cell.decode()] * 100
    assert len(csv_out._REPEATED) == csv_out._REPEATED_CELLS
    assert b"0.0" not in csv_out._REPEATED
