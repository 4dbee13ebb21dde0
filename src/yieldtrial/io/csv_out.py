"""Writing tables as CSV in pieces: the text of ``DataFrame.to_csv``, without its cost.

:func:`csv_chunks` yields the CSV text of a table as bytes, a block of rows at a time,
so a table of millions of plots is never one string in memory.  Every text cell and
header is first neutralised against spreadsheet formulas
(:func:`yieldtrial.io.output.csv_safe_frame`).

When pyarrow is installed (pandas' optional dependency, which pandas 3 uses for its
string dtype), numbers and text are formatted by pyarrow's vectorized kernels and
then brought to exactly pandas' spelling (``20.0``, ``5e-05``, empty for NaN, quotes
only where needed); values whose spelling could differ are formatted by NumPy, as
pandas does.  Without pyarrow, or for a column of another type, each block goes
through ``DataFrame.to_csv``.  ``tests/test_io_csv_out.py`` checks that both give the
same bytes.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from yieldtrial.io.output import csv_safe_frame

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow

__all__ = ["CHUNK_ROWS", "csv_chunks", "csv_header", "csv_rows", "rows_buffer", "write_csv"]

#: Rows per block written at once.
CHUNK_ROWS = 250_000


def _arrow() -> Any:
    from yieldtrial.io._arrow import pyarrow_usable

    if not pyarrow_usable():  # absent, or installed but failing (said once)
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    return pa, pc


def csv_chunks(
    frame: pd.DataFrame,
    *,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int, int], None] | None = None,
    fast: bool = True,
) -> Iterator[bytes]:
    r"""Yield the UTF-8 CSV text of ``frame`` (header, then blocks of rows).

    Parameters
    ----------
    frame : DataFrame
        The table; its index is not written.
    chunk_rows : int, default CHUNK_ROWS
        Rows per block.
    progress : callable, optional
        Called with (rows written, total rows) after each block.
    fast : bool, default True
        Spell the cells with pyarrow's kernels when installed, else with Python's string
        functions where the column types allow (the same text as ``to_csv``, which
        ``fast=False`` uses).

    Yields
    ------
    bytes
        The header line, then blocks of lines, each ending in ``"\\n"``.

    Examples
    --------
    >>> import pandas as pd
    >>> print(b"".join(csv_chunks(pd.DataFrame({"a": [1.0, None], "b": ["x,y", "=1"]}))).decode())
    a,b
    1.0,"x,y"
    ,'=1
    <BLANKLINE>
    """
    for chunk in _chunk_buffers(frame, chunk_rows=chunk_rows, progress=progress, fast=fast):
        yield chunk if isinstance(chunk, bytes) else bytes(chunk)


def _chunk_buffers(
    frame: pd.DataFrame,
    *,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int, int], None] | None = None,
    fast: bool = True,
) -> Iterator[bytes | memoryview]:
    """:func:`csv_chunks` as bytes-like blocks (pyarrow's buffers, not copied into bytes)."""
    if frame.attrs:  # pandas deep-copies attrs at every column access: quadratic on wide tables
        frame = frame.copy(deep=False)
        frame.attrs = {}
    safe = csv_safe_frame(frame)
    yield _header_line(safe)
    total = len(safe)
    arrow = _arrow() if fast else None

    def block(start: int) -> bytes | memoryview:
        return _rows_text(safe.iloc[start : start + chunk_rows], arrow, python=fast)

    starts = range(0, total, chunk_rows)
    workers = min(4, os.cpu_count() or 1) if arrow is not None and len(starts) > 1 else 1
    if workers == 1:
        blocks: Iterator[bytes | memoryview] = map(block, starts)
    else:  # pyarrow's kernels release the GIL: blocks are formatted in parallel, kept in order
        pool = ThreadPoolExecutor(max_workers=workers)
        blocks = _ordered(pool, block, starts, ahead=workers)
    for start, text in zip(starts, blocks, strict=True):
        yield text
        if progress is not None:
            progress(min(start + chunk_rows, total), total)


def csv_header(frame: pd.DataFrame) -> bytes:
    r"""Return the header line :func:`csv_chunks` writes for ``frame`` (UTF-8, ending in ``\n``).

    Parameters
    ----------
    frame : DataFrame
        The table (only its column names are used).

    Returns
    -------
    bytes
        The header line.
    """
    return _header_line(csv_safe_frame(frame.iloc[:0]))


def csv_rows(frame: pd.DataFrame, *, fast: bool = True) -> bytes:
    """Return the CSV lines of ``frame``'s rows, exactly as :func:`csv_chunks` writes them.

    For a table produced block by block: the lines of each block, joined, are the
    lines of the whole table (every cell is spelled on its own).

    Parameters
    ----------
    frame : DataFrame
        A block of rows; its index is not written.
    fast : bool, default True
        Spell the cells with pyarrow's kernels when installed, else with Python's string
        functions where the column types allow (the same text as ``to_csv``, which
        ``fast=False`` uses).

    Returns
    -------
    bytes
        One line per row, each ending in a line break.
    """
    text = rows_buffer(frame, fast=fast)
    return text if isinstance(text, bytes) else bytes(text)


def rows_buffer(frame: pd.DataFrame, *, fast: bool = True) -> bytes | memoryview:
    """:func:`csv_rows` as a bytes-like object (pyarrow's buffer, for a file's ``write``).

    Parameters
    ----------
    frame : DataFrame
        A block of rows; its index is not written.
    fast : bool, default True
        Use pyarrow's kernels when available.

    Returns
    -------
    bytes or memoryview
        The lines, as :func:`csv_rows` returns them, without a copy into ``bytes``.
    """
    return _rows_text(csv_safe_frame(frame), _arrow() if fast else None, python=fast)


def _header_line(safe: pd.DataFrame) -> bytes:
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([str(c) for c in safe.columns])
    return header.getvalue().encode("utf-8")


def _rows_text(part: pd.DataFrame, arrow: Any, *, python: bool = True) -> bytes | memoryview:
    """Spell the rows with pyarrow's kernels, else Python's ``repr``, else ``to_csv``.

    ``arrow`` is ``(pyarrow, pyarrow.compute)`` or None; ``python``: without pyarrow, spell
    the cells with Python's string functions (:func:`_python_block`, about five times
    faster than ``to_csv`` and the same bytes) where the column types allow.
    """
    text: bytes | memoryview | None = None
    if arrow is not None and len(part):
        text = _written_block(part, arrow)
        if text is None:  # text to quote, one column, or a type the writer does not cover
            text = _arrow_block(part, arrow)
    elif python and len(part):
        text = _python_block(part)
    if text is None:
        text = part.to_csv(index=False, header=False, lineterminator="\n").encode("utf-8")
    return text


def _python_block(part: pd.DataFrame) -> bytes | None:
    """CSV lines of ``part`` spelled with Python's ``repr``/``str``, or None (``to_csv`` then).

    The same bytes as ``to_csv``: NumPy spells a float64 with the shortest round-trip
    digits in the notation Python's ``repr`` uses, NaN as an empty cell, infinities as
    ``inf``; text cells holding a separator, quote or line break are quoted by Python's
    ``csv`` writer itself (QUOTE_MINIMAL, what ``to_csv`` uses).
    """
    if part.shape[1] < 2:
        return None  # one column: csv quotes an empty cell there; pandas does it
    pieces = []
    for start in range(0, len(part), _PYTHON_ROWS):  # a few MB of str objects at a time
        rows = part.iloc[start : start + _PYTHON_ROWS]
        columns = []
        for position in range(rows.shape[1]):
            cells = _python_cells(rows.iloc[:, position])
            if cells is None:
                return None
            columns.append(cells)
        lines = "\n".join(map(",".join, zip(*columns, strict=True)))
        pieces.append((lines + "\n").encode("utf-8"))
    return b"".join(pieces)


#: Rows spelled at once by :func:`_python_block` (its Python strings: about 60 bytes a cell).
_PYTHON_ROWS = 16_384


def _python_cells(series: pd.Series) -> list[str] | None:
    """Spell one column's cells as ``to_csv`` does (None for a type left to pandas)."""
    series = _as_label_text(series)
    dtype = series.dtype
    if dtype == np.float64:
        return _python_floats(series.to_numpy())
    if dtype == np.int64:
        return list(map(str, series.to_numpy().tolist()))
    if not (pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype)):
        return None
    values = series.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = np.where(missing, "", values)
    try:
        joined = "\x00".join(values)  # every cell text (a number in an object column: pandas)
    except TypeError:
        return None
    cells = values.tolist()
    if any(mark in joined for mark in (",", '"', "\n", "\r")):
        import re

        quote = re.compile('[,"\n\r]')
        cells = [_csv_cell(cell) if quote.search(cell) else cell for cell in cells]
    return cells


def _python_floats(values: np.ndarray) -> list[str]:
    """Spell floats as ``to_csv`` does; a measured column's distinct values once each.

    Measured and constant columns (15.41 kg, 13.2 %, 20.0 m2) repeat a few values: each
    distinct value (bit for bit: -0.0 is not 0.0) is spelled once and the spellings
    repeated, as pyarrow's path does (:func:`_repeated_values`); computed columns (all
    different, as a sample shows) are spelled value by value.
    """
    if len(values) >= 8 * _SAMPLE:
        bits = np.ascontiguousarray(values).view(np.int64)
        if len(np.unique(bits[:_SAMPLE])) < 0.9 * _SAMPLE:
            codes, distinct = pd.factorize(bits)
            if len(distinct) <= len(values) * _DISTINCT_SHARE:
                spelled = np.array(_python_floats(distinct.view(np.float64)), dtype=object)
                return spelled[codes].tolist()  # type: ignore[no-any-return]
    cells = list(map(repr, values.tolist()))
    odd = ~np.isfinite(values)
    if odd.any():
        for position in np.flatnonzero(odd).tolist():
            value = float(values[position])
            cells[position] = "" if value != value else ("inf" if value > 0 else "-inf")
    return cells


def _as_label_text(series: pd.Series) -> pd.Series:
    """Return a text categorical as its text (a part of a large table's coded labels, stop 52).

    The CSV paths spell text columns from their text; a categorical of labels is written
    as the text column it stands for, not through the slow path of other columns.
    """
    from yieldtrial.io._factorize import text_categories

    if text_categories(series):
        return series.astype(series.cat.categories.dtype)
    return series


def _csv_cell(cell: str) -> str:
    """Spell one text cell as Python's ``csv`` writer does in a row of several cells."""
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow([cell, ""])
    return line.getvalue()[: -len(",\n")]


def _ordered(
    pool: ThreadPoolExecutor,
    func: Callable[[int], bytes | memoryview],
    items: range,
    *,
    ahead: int,
) -> Iterator[bytes | memoryview]:
    """``map(func, items)`` on a thread pool, in order, with at most ``ahead`` blocks queued."""
    pending: deque[Future[bytes | memoryview]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) > ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)


def write_csv(handle: Any, frame: pd.DataFrame, *, bom: bool = False, **options: Any) -> None:
    """Write ``frame`` as CSV into a binary file object (see :func:`csv_chunks`).

    Parameters
    ----------
    handle : binary file object
        Has ``write(data)`` taking bytes-like objects (``bytes`` or a ``memoryview`` of
        pyarrow's buffer, as binary files do).
    frame : DataFrame
        The table.
    bom : bool, default False
        Start with a UTF-8 byte-order mark (so Excel reads Chinese text).
    **options
        Passed to :func:`csv_chunks`.
    """
    if bom:
        handle.write(b"\xef\xbb\xbf")
    for chunk in _chunk_buffers(frame, **options):
        handle.write(chunk)


# ----------------------------------------------------------------------------- pyarrow
def _arrow_block(part: pd.DataFrame, arrow: Any) -> bytes | memoryview | None:
    """CSV lines of ``part`` built with pyarrow, or None for a column type it does not cover."""
    pa, pc = arrow
    columns = []
    constants = [_constant(part.iloc[:, i]) for i in range(part.shape[1])]
    if all(constants):
        constants[0] = False  # one array column keeps the join row-wise
    for position in range(part.shape[1]):
        series = part.iloc[:, position]
        constant = constants[position]
        text = _arrow_text(series.iloc[:1] if constant else series, pa, pc)
        if text is None:
            return None
        if constant and len(series) > 1:  # e.g. standard_moisture_pct: format once, repeat
            value = text[0]
            text = value if value.is_valid else pa.scalar(None, pa.large_string())
            text = text.cast(pa.large_string())
        columns.append(text)
    if len(columns) < 2:
        return None  # one column: csv quotes an empty cell there; pandas does it
    merged: list[Any] = []
    for text in columns:  # neighbouring constant cells become one constant: a shorter join
        if merged and isinstance(text, pa.Scalar) and isinstance(merged[-1], pa.Scalar):
            text = pa.scalar(f"{merged.pop().as_py()},{text.as_py()}", pa.large_string())
        merged.append(text)
    columns = merged
    comma, newline = pa.scalar(",", pa.large_string()), pa.scalar("\n", pa.large_string())
    empty = pa.scalar("", pa.large_string())
    # the line break goes onto the last cell (an empty cell becomes just the break), so the
    # joined lines are one contiguous buffer of finished text
    columns[-1] = pc.binary_join_element_wise(
        columns[-1].cast(pa.large_string()), newline, empty, null_handling="replace",
        null_replacement="",
    )  # fmt: skip
    line = pc.binary_join_element_wise(
        *columns, comma, null_handling="replace", null_replacement=""
    )
    return _buffer_bytes(line, pa)


def _constant(series: pd.Series) -> bool:
    """Whether every cell holds the same non-missing value (a scalar can stand for it)."""
    if len(series) < 2 or series.dtype == object:
        return False
    if series.dtype == np.float64:  # bit for bit: -0.0 is written differently from 0.0
        bits = series.to_numpy().view(np.int64)
        return bool(np.isfinite(series.iloc[0]) and (bits == bits[0]).all())
    first = series.iloc[0]
    if first is None or first is pd.NA or (isinstance(first, float) and first != first):
        return False
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        arrow = _arrow()  # pyarrow's own comparison, without pandas' boolean Series
        if arrow is not None:
            pa, pc = arrow
            values = pa.array(series)
            if not values.null_count and values[len(values) - 1].as_py() == first:
                return bool(pc.all(pc.equal(values, pa.scalar(first, values.type))).as_py())
            return False
    try:
        # the last and middle cells first: a label column (plot ids) is refused without a
        # comparison of every cell; a missing cell compares as NA in nullable columns
        # ("string", "Int64"), which the comparison's all() would skip
        probe = series.iloc[[len(series) // 2, -1]]
        if not probe.eq(first).to_numpy(dtype=bool, na_value=False).all():
            return False
        return bool(series.eq(first).to_numpy(dtype=bool, na_value=False).all())
    except (TypeError, ValueError):  # pragma: no cover - incomparable cells
        return False


def _buffer_bytes(array: pyarrow.Array, pa: Any) -> bytes | memoryview:
    """Return the strings of a string array concatenated (a view of its data buffer, no copy)."""
    chunk = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    if not len(chunk):
        return b""
    chunk = chunk.cast(pa.large_string())
    _, offsets_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)
    offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    return memoryview(data_buffer.slice(start, end - start)) if end > start else b""


def _arrow_text(series: pd.Series, pa: Any, pc: Any) -> Any:
    """Spell one column for CSV as a pyarrow string array (null = empty cell)."""
    series = _as_label_text(series)
    dtype = series.dtype
    if dtype == np.float64:
        return _float_text(series.to_numpy(), pa, pc)
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        values = pa.array(series, from_pandas=True)
        return pc.cast(values, pa.large_string())
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return _string_text(pa.array(series, type=pa.large_string(), from_pandas=True), pa, pc)
    if pd.api.types.is_object_dtype(dtype):
        cells = series.tolist()
        if not all(isinstance(v, str) or v is None or v != v for v in cells):
            return None  # numbers or other objects inside: pandas formats those
        values = pa.array(
            [None if not isinstance(v, str) else v for v in cells], type=pa.large_string()
        )
        return _string_text(values, pa, pc)
    return None


_NEEDS_QUOTES = '[,"\\n]'  # what csv.QUOTE_MINIMAL quotes with lineterminator="\\n"


def _holds_byte(values: Any, pa: Any, targets: bytes) -> bool:
    """Whether any string of a pyarrow string array holds one of the ``targets`` bytes.

    A scan of the data buffer with NumPy, much cheaper than a per-string kernel; it may
    say True for bytes outside the array's slice (the caller then checks per string).
    """
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        buffers = chunk.buffers()
        if len(buffers) < 3 or buffers[2] is None or not len(chunk):
            continue
        data = np.frombuffer(buffers[2], dtype=np.uint8)
        if buffers[1] is not None:  # only the slice's bytes (a block of a larger table)
            width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
            offsets = np.frombuffer(buffers[1], dtype=width)
            data = data[int(offsets[chunk.offset]) : int(offsets[chunk.offset + len(chunk)])]
        if any(bool((data == byte).any()) for byte in targets):
            return True
    return False


def _string_text(values: Any, pa: Any, pc: Any) -> Any:
    """Quote the cells that hold a separator, a quote or a line break (csv.QUOTE_MINIMAL)."""
    if not _holds_byte(values, pa, b',"\n'):
        return values
    needs = pc.fill_null(pc.match_substring_regex(values, _NEEDS_QUOTES), False)
    if not pc.any(needs).as_py():
        return values
    quote, empty = pa.scalar('"', pa.large_string()), pa.scalar("", pa.large_string())
    quoted = pc.binary_join_element_wise(
        quote, pc.replace_substring(values, '"', '""'), quote, empty
    )
    return pc.if_else(needs, quoted, values)


#: A float column with at most this share of distinct values is spelled once per value.
_DISTINCT_SHARE = 0.125
#: Values sampled to tell a measured column (repeated values) from a computed one.
_SAMPLE = 1024


def _float_text(values: np.ndarray, pa: Any, pc: Any) -> Any:
    """Floats spelled as NumPy spells them (what ``to_csv`` writes); NaN as an empty cell."""
    encoded = _repeated_values(values, pa, pc)
    if encoded is not None:
        distinct = encoded.dictionary.to_numpy().view(np.float64)
        return pc.take(_float_text(distinct, pa, pc), encoded.indices)
    return _spelled_floats(values, pa, pc)


def _repeated_values(values: np.ndarray, pa: Any, pc: Any) -> Any:
    """Return the dictionary encoding of a measured column (few distinct values), or None.

    Measured columns repeat their values (13.2 % moisture, 15.41 kg): each distinct value
    (bit for bit: -0.0 is not 0.0) is spelled once and the spellings repeated; computed
    columns (all different, as a sample shows) are spelled value by value.  The
    dictionary holds the values' bits as int64.
    """
    if len(values) < 8 * _SAMPLE:
        return None
    sample = pc.count_distinct(pa.array(values[:_SAMPLE].view(np.int64))).as_py()
    if sample >= 0.9 * _SAMPLE:
        return None
    encoded = pc.dictionary_encode(pa.array(values.view(np.int64)))
    if len(encoded.dictionary) > len(values) * _DISTINCT_SHARE:
        return None
    return encoded


def _spelled_floats(values: np.ndarray, pa: Any, pc: Any) -> Any:
    text = pc.cast(pa.array(values, from_pandas=True), pa.large_string())
    finite = np.isfinite(values)
    magnitude = np.abs(np.where(finite, values, 0.0))
    # pyarrow's and NumPy's shortest round-trip digits agree; the notation differs for
    # very small or large values (and pyarrow writes 20 for 20.0): NumPy does those
    if _holds_byte(text, pa, b"e"):
        exponent = np.asarray(
            pc.fill_null(pc.match_substring(text, "e"), False).to_numpy(zero_copy_only=False)
        )
    else:
        exponent = np.zeros(len(values), dtype=bool)
    odd = (
        (~finite & ~np.isnan(values))
        | exponent
        | (finite & (values != 0) & ((magnitude < 1e-4) | (magnitude >= 1e14)))
    )
    integral = finite & ~odd & (values == np.floor(np.where(finite, values, 0.0)))
    wholes = int(np.count_nonzero(integral))
    if wholes and wholes <= len(values) // 16:  # a few (computed columns): spelled below
        odd |= integral
    elif wholes:
        zero, empty = pa.scalar(".0", pa.large_string()), pa.scalar("", pa.large_string())
        text = pc.if_else(pa.array(integral), pc.binary_join_element_wise(text, zero, empty), text)
    if odd.any():
        positions = np.flatnonzero(odd)
        replacement = pa.array([str(v) for v in values[positions]], type=pa.large_string())
        mask = pa.array(odd)
        text = pc.replace_with_mask(text, mask, replacement)
    return text


# ----------------------------------------------------------------------------- pyarrow's CSV writer
#: Bytes that make a cell need quotes: pyarrow's writer refuses them unquoted (the cells
#: holding one go through :func:`_arrow_block`, which quotes them as Python's csv does).
_STRUCTURAL = b',"\n\r'
#: Floats whose shortest round-trip digits pyarrow's writer spells in Python's notation:
#: not integral (pyarrow writes ``20``, pandas ``20.0``) and between these magnitudes
#: (pyarrow switches to an exponent at 1e10 and writes ``0.00005`` for ``5e-05``).
_PLAIN_FLOATS = (1e-4, 1e10)


def _written_block(part: pd.DataFrame, arrow: Any) -> memoryview | None:
    """CSV lines of ``part`` from pyarrow's CSV writer, or None (:func:`_arrow_block` then).

    Every column is handed to the writer as an array it spells exactly as ``to_csv``
    does: floats in :data:`_PLAIN_FLOATS` as float64 (NaN as a null: an empty cell),
    other floats, repeated ones and constant columns as their pandas spelling (a
    dictionary of the distinct spellings for measured and constant columns), integers as
    integers, text as text.  The writer joins the cells without Python objects and
    without quotes (``quoting_style="none"``); a table with text that needs quotes, a
    single column (pandas quotes an empty cell there) or another column type is left to
    :func:`_arrow_block`.
    """
    pa, pc = arrow
    if part.shape[1] < 2:
        return None
    try:
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - part of every pyarrow wheel
        return None
    rows = len(part)
    columns = []
    for position in range(part.shape[1]):
        column = _writer_column(part.iloc[:, position], rows, pa, pc)
        if column is None:
            return None
        columns.append(column)
    table = pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(len(columns))])
    sink = pa.BufferOutputStream()
    # the whole block as one batch (a 4 MiB block: 12 ms against 19-21 ms in batches of
    # 32,768 rows, best of 4 runs; the same peak memory);
    # lines end in "\n" (the default; pyarrow 25 has no ``eol`` option)
    options = pcsv.WriteOptions(include_header=False, batch_size=max(rows, 1), quoting_style="none")
    pcsv.write_csv(table, sink, options)
    return memoryview(sink.getvalue())


def _writer_column(series: pd.Series, rows: int, pa: Any, pc: Any) -> Any:
    """One column as an array pyarrow's CSV writer spells as ``to_csv`` does, or None."""
    series = _as_label_text(series)
    dtype = series.dtype
    if _constant(series):  # e.g. standard_moisture_pct: spelled once, the bytes repeated
        text = _arrow_text(series.iloc[:1], pa, pc)
        if text is None or _holds_byte(text, pa, _STRUCTURAL):
            return None
        return _repeated_text(text[0].as_py().encode("utf-8"), rows, pa)
    if dtype == np.float64:
        return _writer_floats(series.to_numpy(), pa, pc)
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        return pa.array(series, from_pandas=True)  # pandas' missing integers: empty cells
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        values = pa.array(series, type=pa.string(), from_pandas=True)
    elif pd.api.types.is_object_dtype(dtype):
        cells = series.tolist()
        if not all(isinstance(v, str) or v is None or v != v for v in cells):
            return None  # numbers or other objects inside: pandas formats those
        values = pa.array([v if isinstance(v, str) else None for v in cells], type=pa.string())
    else:
        return None
    if (
        _holds_byte(values, pa, _STRUCTURAL)
        and pc.any(pc.fill_null(pc.match_substring_regex(values, '[,"\n\r]'), False)).as_py()
    ):
        return None
    return values


def _repeated_text(cell: bytes, rows: int, pa: Any) -> Any:
    """Return a string array of ``rows`` copies of ``cell`` (one repeated byte string).

    The writer copies plain strings faster than it decodes a dictionary (a 4 MiB block:
    about 1 ms against 2 ms per column).  The array of the last few cells is kept and a
    shorter one is a slice of it (zero-copy): a streamed table's blocks repeat the same
    constant cells (``13.0``, ``dry_matter``) block after block, with row counts that
    differ a little, and building the offsets and bytes again cost about 0.7 ms a column
    and block, in fresh memory.
    """
    with _REPEATED_LOCK:
        kept = _REPEATED.get(cell)
        if kept is not None and len(kept) >= rows:
            _REPEATED.move_to_end(cell)
            return kept.slice(0, rows)
    room = rows + rows // 8  # the next blocks may hold a few more rows
    if room * (len(cell) + 8) > _REPEATED_BYTES:  # a bounded cache: a few MB at most
        return _repeated_array(cell, rows, pa)
    array = _repeated_array(cell, room, pa)
    with _REPEATED_LOCK:
        _REPEATED[cell] = array
        _REPEATED.move_to_end(cell)
        while len(_REPEATED) > _REPEATED_CELLS:
            _REPEATED.popitem(last=False)
    return array.slice(0, rows)


#: Constant cells whose repeated arrays :func:`_repeated_text` keeps (least recently used out).
_REPEATED_CELLS = 4
#: Largest repeated array kept (offsets and bytes). [bytes]
_REPEATED_BYTES = 8 << 20
_REPEATED: OrderedDict[bytes, Any] = OrderedDict()
_REPEATED_LOCK = threading.Lock()


def _repeated_array(cell: bytes, rows: int, pa: Any) -> Any:
    """Build the string array of ``rows`` copies of ``cell`` (see :func:`_repeated_text`)."""
    total = len(cell) * rows
    large = total >= 1 << 31
    offsets = np.arange(rows + 1, dtype=np.int64) * len(cell)
    if not large:
        offsets = offsets.astype(np.int32)
    kind = pa.large_string() if large else pa.string()
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(cell * rows)]
    return pa.Array.from_buffers(kind, rows, buffers)


def _writer_floats(values: np.ndarray, pa: Any, pc: Any) -> Any:
    """Return a float column for pyarrow's CSV writer (see :func:`_written_block`)."""
    encoded = _repeated_values(values, pa, pc)
    if encoded is not None:
        distinct = encoded.dictionary.to_numpy().view(np.float64)
        spelled = pc.fill_null(_float_text(distinct, pa, pc), "").cast(pa.string())
        return pa.DictionaryArray.from_arrays(encoded.indices, spelled)
    missing = np.isnan(values)
    magnitude = np.abs(values)
    low, high = _PLAIN_FLOATS
    odd = ~((magnitude >= low) & (magnitude < high) & (values != np.floor(values)))
    odd &= ~missing
    count = int(np.count_nonzero(odd))
    floats = pa.array(values, mask=missing if missing.any() else None)
    if not count:
        return floats
    if count > len(values) // 16:  # e.g. a column of whole numbers
        return _spelled_floats(values, pa, pc)
    # a few whole numbers (6765.0 kg/ha), zeros, tiny or huge values: Python's spelling
    # (NumPy's, what to_csv writes) replaces pyarrow's for those cells only
    positions = np.flatnonzero(odd)
    cells = list(map(repr, values[positions].tolist()))
    text = pc.cast(floats, pa.string())
    replaced = _replaced_cells(text, positions, cells, pa)
    if replaced is None:
        spelled = pa.array(cells, type=pa.string())
        replaced = pc.replace_with_mask(text, pa.array(odd), spelled)
    return replaced


def _replaced_cells(text: Any, positions: np.ndarray, cells: list[str], pa: Any) -> Any:
    """``text`` with its cells at ``positions`` (ascending, not missing) replaced by ``cells``.

    The array ``pyarrow.compute.replace_with_mask`` gives, built from the unchanged
    stretches of the data buffer and the few new cells (a 4 MiB block: about 200 whole
    yields per column) instead of cell by cell; None when the array is a slice or would
    outgrow 32-bit offsets (the caller then uses ``replace_with_mask``).
    """
    validity, offsets_buffer, data_buffer = text.buffers()
    if text.offset or data_buffer is None or offsets_buffer is None:
        return None
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[: len(text) + 1]
    spelled = [cell.encode("utf-8") for cell in cells]
    lengths = np.diff(offsets)
    old = int(lengths[positions].sum())
    lengths[positions] = [len(cell) for cell in spelled]
    if int(offsets[-1] - offsets[0]) - old + sum(map(len, spelled)) >= 1 << 31:
        return None
    ends = np.zeros(len(text) + 1, dtype=np.int32)
    np.cumsum(lengths, out=ends[1:])
    data = memoryview(data_buffer)
    pieces: list[Any] = []
    start = int(offsets[0])
    for first, last, cell in zip(
        offsets[positions].tolist(), offsets[positions + 1].tolist(), spelled, strict=True
    ):
        pieces += (data[start:first], cell)
        start = last
    pieces.append(data[start : int(offsets[-1])])
    buffers = [validity, pa.py_buffer(ends), pa.py_buffer(b"".join(pieces))]
    return pa.Array.from_buffers(pa.string(), len(text), buffers, null_count=text.null_count)
