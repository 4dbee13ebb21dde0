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
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from yieldtrial.io.output import csv_safe_frame

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow

__all__ = ["CHUNK_ROWS", "csv_chunks", "write_csv"]

#: Rows per block written at once.
CHUNK_ROWS = 250_000


def _arrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is optional
        return None
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
        Use pyarrow's kernels when available (same text as ``to_csv``).

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
    safe = csv_safe_frame(frame)
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([str(c) for c in safe.columns])
    yield header.getvalue().encode("utf-8")
    total = len(safe)
    arrow = _arrow() if fast else None

    def block(start: int) -> bytes:
        part = safe.iloc[start : start + chunk_rows]
        text = _arrow_block(part, arrow) if arrow is not None else None
        if text is None:
            text = part.to_csv(index=False, header=False, lineterminator="\n").encode("utf-8")
        return text

    starts = range(0, total, chunk_rows)
    workers = min(4, os.cpu_count() or 1) if arrow is not None and len(starts) > 1 else 1
    if workers == 1:
        blocks: Iterator[bytes] = map(block, starts)
    else:  # pyarrow's kernels release the GIL: blocks are formatted in parallel, kept in order
        pool = ThreadPoolExecutor(max_workers=workers)
        blocks = _ordered(pool, block, starts, ahead=workers)
    for start, text in zip(starts, blocks, strict=True):
        yield text
        if progress is not None:
            progress(min(start + chunk_rows, total), total)


def _ordered(
    pool: ThreadPoolExecutor, func: Callable[[int], bytes], items: range, *, ahead: int
) -> Iterator[bytes]:
    """``map(func, items)`` on a thread pool, in order, with at most ``ahead`` blocks queued."""
    pending: deque[Future[bytes]] = deque()
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
        Has ``write(bytes)``.
    frame : DataFrame
        The table.
    bom : bool, default False
        Start with a UTF-8 byte-order mark (so Excel reads Chinese text).
    **options
        Passed to :func:`csv_chunks`.
    """
    if bom:
        handle.write(b"\xef\xbb\xbf")
    for chunk in csv_chunks(frame, **options):
        handle.write(chunk)


# ----------------------------------------------------------------------------- pyarrow
def _arrow_block(part: pd.DataFrame, arrow: Any) -> bytes | None:
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
    comma = pa.scalar(",", pa.large_string())
    line = pc.binary_join_element_wise(
        *columns, comma, null_handling="replace", null_replacement=""
    )
    return _lines_bytes(line, pa)


def _constant(series: pd.Series) -> bool:
    """Whether every cell holds the same non-missing value (a scalar can stand for it)."""
    if len(series) < 2 or series.dtype == object:
        return False
    if series.dtype == np.float64:  # bit for bit: -0.0 is written differently from 0.0
        bits = series.to_numpy().view(np.int64)
        return bool(np.isfinite(series.iloc[0]) and (bits == bits[0]).all())
    first = series.iloc[0]
    if first is None or (isinstance(first, float) and first != first):
        return False
    try:
        return bool((series == first).all())
    except (TypeError, ValueError):  # pragma: no cover - incomparable cells
        return False


def _lines_bytes(array: pyarrow.Array, pa: Any) -> bytes:
    """Return the strings of a string array as lines: each followed by a line break."""
    chunk = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    chunk = chunk.cast(pa.large_string())
    _, offsets_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)
    offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
    if len(offsets) < 2:
        return b""
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]
        if data_buffer is not None
        else np.zeros(0, dtype=np.uint8)
    )
    ends = offsets[1:] - offsets[0]
    return np.insert(data, ends, np.uint8(10)).tobytes()


def _arrow_text(series: pd.Series, pa: Any, pc: Any) -> Any:
    """Spell one column for CSV as a pyarrow string array (null = empty cell)."""
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


def _string_text(values: Any, pa: Any, pc: Any) -> Any:
    """Quote the cells that hold a separator, a quote or a line break (csv.QUOTE_MINIMAL)."""
    needs = pc.fill_null(pc.match_substring_regex(values, _NEEDS_QUOTES), False)
    if not pc.any(needs).as_py():
        return values
    quote, empty = pa.scalar('"', pa.large_string()), pa.scalar("", pa.large_string())
    quoted = pc.binary_join_element_wise(
        quote, pc.replace_substring(values, '"', '""'), quote, empty
    )
    return pc.if_else(needs, quoted, values)


def _float_text(values: np.ndarray, pa: Any, pc: Any) -> Any:
    """Floats spelled as NumPy spells them (what ``to_csv`` writes); NaN as an empty cell."""
    text = pc.cast(pa.array(values, from_pandas=True), pa.large_string())
    finite = np.isfinite(values)
    magnitude = np.abs(np.where(finite, values, 0.0))
    # pyarrow's and NumPy's shortest round-trip digits agree; the notation differs for
    # very small or large values (and pyarrow writes 20 for 20.0): NumPy does those
    exponent = np.asarray(
        pc.fill_null(pc.match_substring(text, "e"), False).to_numpy(zero_copy_only=False)
    )
    odd = (
        (~finite & ~np.isnan(values))
        | exponent
        | (finite & (values != 0) & ((magnitude < 1e-4) | (magnitude >= 1e14)))
    )
    integral = finite & ~odd & (values == np.floor(np.where(finite, values, 0.0)))
    if integral.any():
        zero, empty = pa.scalar(".0", pa.large_string()), pa.scalar("", pa.large_string())
        text = pc.if_else(pa.array(integral), pc.binary_join_element_wise(text, zero, empty), text)
    if odd.any():
        positions = np.flatnonzero(odd)
        replacement = pa.array([str(v) for v in values[positions]], type=pa.large_string())
        mask = pa.array(odd)
        text = pc.replace_with_mask(text, mask, replacement)
    return text
