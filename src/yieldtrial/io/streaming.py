"""Standardize a large CSV plot table block by block, with the in-memory path's exact result.

``yieldtrial standardize TABLE --crop wheat -o OUT.csv`` on a table of millions of plots
need not hold the table, its yields and its CSV text in memory at once: this module reads
the file with pyarrow's streaming CSV reader, at most a few blocks ahead (:class:`_PacedFile`;
without pyarrow: ``pandas.read_csv`` in blocks of rows, after the in-memory reader's byte
scan), validates each block with the same code as
:func:`yieldtrial.read_plots` (``plots.build_plot_table``), computes its yields with the same
functions as :class:`yieldtrial.FieldTrial` and writes its CSV lines with the same
formatter (:func:`yieldtrial.io.csv_out.csv_rows`) into the temporary file of the atomic
writer, which is renamed only when the whole table has passed.

The checks that need the whole table are accumulated across blocks:

* duplicate plot ids (after label normalisation) across blocks: the ids of every block
  (integers, or 64-bit hashes of the label text) are kept and compared at the end;
* labels that differ only in case, spaces or look-alike letters: the distinct treatment and
  block labels are kept and checked at the end;
* impurity or empty-grain columns that look like fractions: count, range and maximum;
* moisture outside the crop's plausible range and yields above 40 t/ha: the first plots
  and the count, so the warnings read exactly as the in-memory ones;
* every yield below 100 kg/ha (harvest records) or 1 kg/ha: the largest yield and its first
  plot, for :func:`yieldtrial.io.yields.warn_tiny_yields` at the end;
* missing plots: the count and the first ids, for the command's note.

Whatever cannot be settled that way raises :class:`StreamFallback` and leaves no file: an
error or a problem found in any block, a label normalised with a warning, a label variant,
a repeated id (or a hash collision), a block the reader cannot parse as typed.  The caller
then runs the in-memory path, which gives the exact message (one table-wide listing, the
file's row numbers) or, after a false alarm, the output.  Failing tables therefore cost a
second read; tables that pass are read once, in bounded memory.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import YieldTrialWarning
from yieldtrial.io import validation as _validation
from yieldtrial.io import yields as _yields
from yieldtrial.io._guard import held_warnings
from yieldtrial.io.csv_out import csv_header, rows_buffer
from yieldtrial.io.output import write_output

__all__ = [
    "STREAM_BLOCK_BYTES",
    "STREAM_MIN_BYTES",
    "StreamFallback",
    "StreamedTable",
    "arrow_reader",
    "standardize_csv_stream",
    "stream_candidate",
    "streaming_supported",
]

#: Smallest CSV file that ``standardize`` streams (smaller ones are read whole). [bytes]
STREAM_MIN_BYTES = 32 << 20
#: Bytes of the file parsed per block (pyarrow's ``block_size``); the peak memory grows
#: with it (200 MB table, pyarrow's reader paced by :data:`READ_AHEAD_BLOCKS`: 2.0-2.1x the
#: file at 4 MiB, 2.3x at 6 MiB, 2.7-2.9x at 8 MiB). [bytes]
STREAM_BLOCK_BYTES = 4 << 20
#: Distinct integer plot ids kept in a bitmap at most (beyond: sorted at the end).
_BITMAP_SPAN = 1 << 26
#: Layout columns that make :class:`~yieldtrial.FieldTrial` detect a design from the whole table.
_LAYOUT_COLUMNS = frozenset({"row", "column", "main_plot", "incomplete_block", "entry_type"})
_FRACTION_COLUMNS = ("impurity_pct", "empty_grain_pct")


class StreamFallback(Exception):  # noqa: N818 - a signal to the caller, not a failure
    """The streamed run cannot promise the in-memory result: nothing was written."""


@dataclass
class StreamedTable:
    """What a streamed ``standardize`` wrote (for the command's messages)."""

    #: Plots written.
    n_plots: int = 0
    #: Plots without a yield.
    n_missing: int = 0
    #: Ids of the first missing plots (at most five).
    missing_ids: list[str] = field(default_factory=list)
    #: Canonical display unit of the yields (``"kg/ha"``).
    unit: str = "kg/ha"
    #: Standard moisture used. [%]
    standard_moisture_pct: float = 0.0


def streaming_supported() -> bool:
    """Whether this installation can stream: always (pyarrow's reader, or pandas' C engine).

    Returns
    -------
    bool
        True: :func:`standardize_csv_stream` reads with pyarrow's streaming CSV reader when
        pyarrow is installed (:func:`arrow_reader`), else with ``pandas.read_csv`` in
        blocks of rows, with the options of the in-memory reader's fast path
        (:func:`yieldtrial.io.table_files.fast_read_options`) after the same byte scan.
    """
    return True


def arrow_reader() -> bool:
    """Whether pyarrow's streaming reader is available (pyarrow, pandas' NaN-valued strings).

    Returns
    -------
    bool
        True with pyarrow and pandas >= 2.3; else :func:`standardize_csv_stream` reads with
        ``pandas.read_csv`` in blocks.
    """
    from yieldtrial.io._arrow import pyarrow_usable

    if not pyarrow_usable():  # absent, or installed but failing (said once)
        return False
    try:
        pd.StringDtype("pyarrow", na_value=np.nan)
    except (ImportError, TypeError):
        return False
    return True


def stream_candidate(path: str | os.PathLike[str], *, min_bytes: int = STREAM_MIN_BYTES) -> bool:
    """Whether a plot table may be streamed: a CSV/TSV text file of at least ``min_bytes``.

    Parameters
    ----------
    path : path
        The plot table.
    min_bytes : int, default STREAM_MIN_BYTES
        Size threshold. [bytes]

    Returns
    -------
    bool
        False for workbooks, small files and anything that is not a regular file.
    """
    target = Path(path)
    if target.suffix.lower() in (".xls", ".xlsx", ".xlsm"):
        return False
    try:
        info = target.stat()
    except (OSError, ValueError):
        return False
    import stat

    return stat.S_ISREG(info.st_mode) and info.st_size >= min_bytes and streaming_supported()


# ----------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class _Settings:
    crop: str
    standard_moisture_pct: float
    moisture_method: str
    shrink_pct_per_point: float | None
    unit: str
    low: float
    high: float
    #: The crop's yield bounds (protocols.plausible_yield_kg_ha): a yield below the low
    #: one, or above the high one and at most 40 t/ha, falls back to the in-memory path,
    #: which words io.yields.warn_crop_implausible_yields over the treatment means. [kg/ha]
    yield_low: float = -np.inf
    yield_high: float = np.inf


def _settings(
    crop: str,
    protocol: str,
    standard_moisture_pct: float | None,
    moisture_method: str,
    shrink_pct_per_point: float | None,
    unit: str,
) -> _Settings:
    """Resolve the trial settings as :class:`~yieldtrial.FieldTrial` does."""
    from yieldtrial.io.checks import check_option, check_range
    from yieldtrial.moisture import METHODS
    from yieldtrial.protocols import (
        PROTOCOLS,
        canonical_crop,
        plausible_harvest_moisture_pct,
        plausible_yield_kg_ha,
    )
    from yieldtrial.protocols import standard_moisture_pct as protocol_moisture_pct
    from yieldtrial.units import yield_unit

    canonical = canonical_crop(crop)
    protocol = check_option("protocol", protocol, PROTOCOLS, fold=True)
    if standard_moisture_pct is None:
        standard = protocol_moisture_pct(canonical, protocol=protocol)
    else:
        standard = float(standard_moisture_pct)
        check_range("standard_moisture_pct", standard, low=0, high=100)
    method = check_option("moisture_method", moisture_method, METHODS, fold=True)
    low, high = plausible_harvest_moisture_pct(canonical)
    yield_low, yield_high, _, _ = plausible_yield_kg_ha(canonical)
    return _Settings(
        canonical,
        float(standard),
        method,
        shrink_pct_per_point,
        yield_unit(unit),
        low,
        high,
        -np.inf if yield_low is None else yield_low,
        np.inf if yield_high is None else yield_high,
    )


# ----------------------------------------------------------------------------- reading
@dataclass
class _Source:
    path: Path
    sep: str
    header: list[str]
    text_columns: set[int]
    estimated_rows: int
    #: Records after the header, from the byte scan (pandas' reader only; None with pyarrow).
    rows: int | None = None
    #: Mean bytes per line of the file's head (the rows of a block of pandas' reader). [bytes]
    line_bytes: float = 64.0


def _open(path: Path, columns: Mapping[str, str] | None) -> _Source:
    """Run the in-memory reader's checks up to pyarrow (``_read_csv``, ``_read_optimistic``)."""
    from yieldtrial.io import table_files as tf
    from yieldtrial.io.plots import map_columns, numeric_headers

    name = path.name
    tf.check_input_file(path)
    head = tf.read_head(path)
    if head.startswith((b"\xd0\xcf\x11\xe0", b"PK\x03\x04")):
        raise StreamFallback("a workbook given as CSV")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise StreamFallback("UTF-16 or binary")
    raw_text = head.removeprefix(codecs.BOM_UTF8).decode("latin-1")
    if not raw_text.strip():
        raise StreamFallback("empty file")
    sep = tf.table_separator(path, raw_text)
    if sep == ";":  # its decimal mark ('12,5' or '12.5') is read from the whole table
        raise StreamFallback("a semicolon-separated file")
    raw_first = tf.first_records(raw_text, sep)
    if not raw_first or (len(head) == tf.HEAD_BYTES and len(raw_first) < 2):
        raise StreamFallback("a header longer than the head of the file")
    width = len(raw_first[0])
    body = head.removeprefix(codecs.BOM_UTF8)
    cut = body.rfind(b"\n")
    try:
        head_text = (body if len(head) < tf.HEAD_BYTES else body[: cut + 1]).decode("utf-8")
    except UnicodeDecodeError:
        raise StreamFallback("not UTF-8") from None
    first = tf.first_records(head_text, sep)
    if not first or len(first[0]) != width:
        raise StreamFallback("a ragged head")
    tf.check_title_rows(first, name)
    header = [cell.strip() for cell in first[0]]
    tf.check_header_names(header, name, allow_blank=True)
    if _gbk_read_as_utf8(path, sep):
        raise StreamFallback("GBK text read as UTF-8: the in-memory reader words it")
    mapping, _ = map_columns(
        [_validation.clean_text(h).strip() for h in header if not tf.is_blank_header(h)],
        columns,
        name,
    )
    if _LAYOUT_COLUMNS & set(mapping.values()):
        raise StreamFallback("layout columns: the design is detected from the whole table")
    wanted = set(numeric_headers(columns)(header))
    text = {i for i, label in enumerate(header) if label not in wanted}
    rows = None
    if not arrow_reader():  # what the in-memory reader's byte scan refuses, it words
        shape = tf.scan_structure(path, sep.encode("ascii"), width, check_utf8=True)
        if (
            shape.nul
            or shape.malformed_quotes
            or shape.long_rows
            or shape.header_records != 1
            or not shape.utf8
            or shape.unclosed_quote_row is not None
            or shape.short_rows
        ):
            raise StreamFallback("the byte scan found a problem")
        rows = shape.records - 1
    lines = max(head_text.count("\n"), 1)
    line_bytes = max(len(head_text.encode("utf-8")) / lines, 1.0)
    return _Source(
        path, sep, header, text, tf.estimated_row_count(path, head_text), rows, line_bytes
    )


def _gbk_read_as_utf8(path: Path, sep: str) -> bool:
    """Whether the in-memory reader refuses the file as GBK text read as UTF-8.

    The same check on the same rows (the header and the first
    ``table_files.GBK_AS_UTF8_ROWS``); stop 50 left the streamed path without it, which
    wrote the GBK labels 品系1, 品系2 as 'Ʒε1', 'Ʒε2' (tidy56).  First rows that do not
    parse are left to the stream (which falls back on them).
    """
    from yieldtrial.errors import DataValidationError
    from yieldtrial.io import table_files as tf

    try:
        first = pd.read_csv(
            path, sep=sep, nrows=tf.GBK_AS_UTF8_ROWS, dtype=str, encoding="utf-8-sig"
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return False
    try:
        tf.refuse_gbk_read_as_utf8(first, path.name)
    except DataValidationError:
        return True
    return False


def _odd_quotes(path: Path) -> bool:
    """Whether the file holds an odd number of ``"`` (an unclosed quote).

    The in-memory reader's pre-check counts the same bytes; NumPy's loops let the other
    threads run meanwhile.
    """
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == 0x22))
    return count % 2 == 1


class _QuoteCheck:
    """The in-memory reader's unclosed-quote pre-check, on a thread beside the stream."""

    def __init__(self, path: Path) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.future = self.pool.submit(_odd_quotes, path)

    def raise_if_odd(self, *, wait: bool) -> None:
        """Fall back once the count is known to be odd (``wait``: wait for the count)."""
        if (wait or self.future.done()) and self.future.result():
            raise StreamFallback("an unclosed quote")

    def close(self) -> None:
        self.future.cancel()
        self.pool.shutdown(wait=True)


#: Blocks of the file that pyarrow's reader may hold beyond those it has parsed and handed
#: over.  Its background reader otherwise reads up to 32 blocks ahead (128 MiB at 4 MiB
#: blocks: a 200 MB table read almost whole into memory at the start).
READ_AHEAD_BLOCKS = 3
#: Longest a read waits for the consumer before the pacing is given up (the read-ahead is
#: then pyarrow's own: more memory, never a hang). [s]
_PACE_PATIENCE_S = 30.0
#: Longest a read waits while pyarrow's reader is still being opened (it parses the first
#: block; when that fails, ``open_csv`` waits for the read in flight before it raises, and
#: no block is ever taken): the read then goes through, the pacing stays. [s]
_OPEN_PATIENCE_S = 0.1
#: After the stream, how long no read of pyarrow's thread must have begun or ended for it
#: to count as done (:meth:`_PacedFile.settle`), and the longest wait for that. [s]
_SETTLE_QUIET_S = 0.02
_SETTLE_LIMIT_S = 2.0


class _PacedFile(io.RawIOBase):
    """The table's bytes for pyarrow's streaming reader, read at most a few blocks ahead.

    pyarrow's reader reads the file on a background thread up to 32 blocks ahead of the
    batches taken; this file object makes a read wait while ``ahead`` bytes or more have
    been read beyond the blocks taken (:meth:`took_block`, one per batch: each batch holds
    the lines that end in one block of ``block_bytes``, so the reader never needs more than
    two blocks beyond those taken to give the next batch).  :meth:`close` (the stream's end,
    an error, a fallback) lets every waiting read through.  Until :meth:`opened` a read
    waits at most :data:`_OPEN_PATIENCE_S`: pyarrow's ``open_csv`` waits for its read in
    flight when the first block fails to parse, and it would otherwise wait the whole
    patience for a block that is never taken.  After :meth:`close` a read gives the end
    of the file, and :meth:`settle` waits for the reads under way (Ctrl-C aborted Python
    while pyarrow's thread was in one).
    """

    def __init__(self, path: Path, ahead: int, block_bytes: int) -> None:
        super().__init__()
        self._file = path.open("rb")
        self._ahead = ahead
        self._block = block_bytes
        self._read = 0
        self._taken = 0
        self._paced = True
        self._opening = True
        self._ended = False  # closed: a read gives the end of the file
        self._inside = 0  # reads of pyarrow's thread under way
        self._last = time.monotonic()  # when a read last began or ended
        self._moved = threading.Condition()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        """Return up to ``size`` bytes once the reader is less than ``ahead`` bytes ahead."""
        with self._reading() as open_:
            data = self._file.read(size) if open_ else b""
            with self._moved:
                self._read += len(data)
            return data

    def readinto(self, buffer: Any) -> int:
        with self._reading() as open_:
            count = (self._file.readinto(buffer) or 0) if open_ else 0
            with self._moved:
                self._read += count
            return count

    @contextlib.contextmanager
    def _reading(self) -> Iterator[bool]:
        """Count a read under way (:meth:`settle`), paced; give whether the file is open."""
        with self._moved:
            self._inside += 1
            self._last = time.monotonic()
        try:
            self._wait()
            with self._moved:
                ended = self._ended
            yield not ended
        finally:
            with self._moved:
                self._inside -= 1
                self._last = time.monotonic()
                if self._ended and not self._inside:
                    self._file.close()  # the last read under way after close()
                self._moved.notify_all()

    def _wait(self) -> None:
        with self._moved:
            while self._paced and self._read - self._taken >= self._ahead:
                if self._opening:
                    if not self._moved.wait(timeout=_OPEN_PATIENCE_S):
                        return  # open_csv may be waiting for this read: let it through
                elif not self._moved.wait(timeout=_PACE_PATIENCE_S):
                    self._paced = False  # the consumer stopped taking: never hang on it

    def opened(self) -> None:
        """Count pyarrow's reader as open: from now on a read waits for blocks taken."""
        with self._moved:
            self._opening = False
            self._moved.notify_all()

    def took_block(self) -> None:
        """Count one batch as taken: the reader may read one block further."""
        with self._moved:
            self._taken += self._block
            self._moved.notify_all()

    def close(self) -> None:
        """Let every waiting read through; a read from now on gives the end of the file."""
        with self._moved:
            self._paced = False
            self._ended = True
            if not self._inside:
                self._file.close()  # else the last read under way closes it
            self._moved.notify_all()
        super().close()

    def settle(self, *, quiet: float = _SETTLE_QUIET_S, limit: float = _SETTLE_LIMIT_S) -> None:
        """After :meth:`close`: wait until pyarrow's thread has left its reads.

        Its read-ahead goes on after the batches stop being taken (an error, a fallback,
        Ctrl-C); a read of its thread still under way when Python exits aborts the process
        ("Fatal Python error: PyGILState_Release"): wait until no read is under way and
        none began for ``quiet`` seconds, ``limit`` seconds at most.
        """
        deadline = time.monotonic() + limit
        with self._moved:
            while True:
                now = time.monotonic()
                idle = now - self._last
                if (self._inside == 0 and idle >= quiet) or now >= deadline:
                    break
                self._moved.wait(timeout=max(min(quiet - idle, deadline - now), 0.001))


def _raw_blocks(source: _Source, block_bytes: int) -> Iterator[pd.DataFrame]:
    """Yield the raw table of ``_read_arrow`` one parsed block at a time (file row index)."""
    if source.rows is not None:
        yield from _pandas_blocks(source, block_bytes)
        return
    import pyarrow as pa

    width = len(source.header)
    names = [f"c{i}" for i in range(width)]
    types = {
        names[i]: (pa.string() if i in source.text_columns else pa.float64()) for i in range(width)
    }
    strings = pd.StringDtype("pyarrow", na_value=np.nan)
    paced = _PacedFile(source.path, READ_AHEAD_BLOCKS * block_bytes, block_bytes)
    try:
        yield from _arrow_frames(source, paced, block_bytes, names, types, strings)
    finally:
        paced.close()
        paced.settle()


def _arrow_frames(
    source: _Source,
    paced: _PacedFile,
    block_bytes: int,
    names: list[str],
    types: dict[str, Any],
    strings: Any,
) -> Iterator[pd.DataFrame]:
    """:func:`_raw_blocks` with pyarrow's reader on ``paced`` (each batch taken is counted)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    from yieldtrial.io.table_files import NA_VALUES, tidy_headers

    width = len(source.header)
    reader = pcsv.open_csv(
        paced,
        read_options=pcsv.ReadOptions(
            skip_rows=1, column_names=names, block_size=block_bytes, use_threads=True
        ),
        parse_options=pcsv.ParseOptions(delimiter=source.sep, ignore_empty_lines=False),
        convert_options=pcsv.ConvertOptions(
            column_types=types,
            null_values=list(NA_VALUES),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    paced.opened()
    done = 0
    try:
        for batch in reader:
            paced.took_block()
            size = batch.num_rows
            if not size:
                continue
            columns: dict[int, Any] = {}
            for i in range(width):
                column = batch.column(i)
                if i in source.text_columns:
                    chunked = pa.chunked_array([column], type=pa.string())
                    columns[i] = pd.Series(
                        chunked.to_pandas(types_mapper={pa.string(): strings}.get)
                    )
                else:
                    columns[i] = column.to_numpy(zero_copy_only=False)
            frame = pd.DataFrame({i: columns[i] for i in range(width)}, copy=False)
            frame.index = pd.RangeIndex(done, done + size)
            frame.columns = source.header
            done += size
            yield tidy_headers(frame, source.path.name)
    finally:
        # Let the waiting read-ahead through before ``reader`` is dropped: dropping it waits
        # for the read in flight, which (one thread in pyarrow's CPU pool: OMP_NUM_THREADS=1
        # or one CPU) waited for a block never taken, _PACE_PATIENCE_S per stopped stream.
        paced.close()


def _pandas_blocks(source: _Source, block_bytes: int) -> Iterator[pd.DataFrame]:
    """Yield the raw table of ``_read_fast`` (pandas' C engine) one block of rows at a time.

    The options are the in-memory reader's (:func:`~yieldtrial.io.table_files.
    fast_read_options`), so each block holds the rows that reader gives; a numeric column
    holding text in some block (the in-memory reader keeps those cells to parse or report
    them) and a row count other than the byte scan's fall back.
    """
    from yieldtrial.io.table_files import (
        fast_read_options,
        plain_numbers,
        tidy_headers,
    )

    width = len(source.header)
    assert source.rows is not None  # noqa: S101
    per_block = int(block_bytes / source.line_bytes)
    options = fast_read_options(source.sep, width, dict.fromkeys(source.text_columns, str), "utf-8")
    options["chunksize"] = max(16, per_block)
    done = 0
    with pd.read_csv(source.path, **options) as reader:
        for chunk in reader:
            rows = len(chunk)
            if done + rows > source.rows:
                raise StreamFallback("more rows than the byte scan counted")
            columns: dict[int, Any] = {}
            for i in range(width):
                column = chunk[i]
                if i in source.text_columns:
                    columns[i] = column.reset_index(drop=True)
                elif plain_numbers(column):
                    columns[i] = column.to_numpy(dtype=float, na_value=np.nan)
                else:
                    raise StreamFallback("text in a numeric column")
            frame = pd.DataFrame({i: columns[i] for i in range(width)}, copy=False)
            frame.index = pd.RangeIndex(done, done + rows)
            frame.columns = source.header
            done += rows
            yield tidy_headers(frame, source.path.name)
    if done != source.rows:
        raise StreamFallback("fewer rows than the byte scan counted")


# ----------------------------------------------------------------------------- across blocks
class _PlotIds:
    """The plot ids seen so far, to find an id repeated in two blocks."""

    def __init__(self) -> None:
        self.low: int | None = None
        self.seen = np.zeros(0, dtype=bool)
        self.ints: list[np.ndarray] = []  # plain integer ids beyond the bitmap
        self.hashes: list[np.ndarray] = []  # 64-bit hashes of other ids
        self.repeated = False

    def add(self, plots: pd.DataFrame, parsed: list[np.ndarray | None] | None = None) -> None:
        """Add a block's ids; ``parsed``: its ids as the duplicate-id check parsed them."""
        if "site" in plots:
            self.hashes.append(
                pd.util.hash_pandas_object(plots[["site", "plot_id"]], index=False).to_numpy()
            )
            return
        ints = parsed[0] if parsed else _plain_integers(plots["plot_id"])
        if ints is None:
            self.hashes.append(_text_hashes(plots["plot_id"]))
        elif len(ints):
            self._mark(ints)

    def _mark(self, ints: np.ndarray) -> None:
        low, high = int(ints.min()), int(ints.max())
        if self.low is None:
            start, end = low, high + 1
        else:
            start, end = min(self.low, low), max(self.low + len(self.seen), high + 1)
        if end - start > _BITMAP_SPAN:
            self.ints.append(ints)
            return
        if self.low is None or start < self.low or end > self.low + len(self.seen):
            size = max(end - start, min(2 * len(self.seen), _BITMAP_SPAN))
            grown = np.zeros(size, dtype=bool)
            if self.low is not None:
                offset = self.low - start
                grown[offset : offset + len(self.seen)] = self.seen
            self.seen, self.low = grown, start
        slots = ints - self.low
        if self.seen[slots].any():
            self.repeated = True
        self.seen[slots] = True

    def any_repeated(self) -> bool:
        """Whether an id (or a hash of one) occurs twice over all blocks."""
        if self.repeated:
            return True
        ints = np.concatenate(self.ints) if self.ints else np.zeros(0, dtype=np.int64)
        if self.low is not None and len(ints):
            inside = (ints >= self.low) & (ints < self.low + len(self.seen))
            if self.seen[ints[inside] - self.low].any():
                return True
        if self.hashes:
            spelled = [np.flatnonzero(self.seen) + self.low] if self.low is not None else []
            texts = pd.Series(np.concatenate([ints, *spelled]).astype(str), dtype=object)
            hashes = np.concatenate([*self.hashes, _text_hashes(texts)])
            return _has_repeats(hashes)
        return _has_repeats(ints)


def _has_repeats(values: np.ndarray) -> bool:
    ordered = np.sort(values)
    return bool((ordered[1:] == ordered[:-1]).any())


def _text_hashes(labels: pd.Series) -> np.ndarray:
    return np.asarray(pd.util.hash_array(labels.to_numpy(dtype=object)), dtype=np.uint64)


def _plain_integers(labels: pd.Series) -> np.ndarray | None:
    """Return the ids as integers when each is a canonical decimal (``7``, not ``07``)."""
    return _validation.digit_ids(labels, canonical=True)


@dataclass
class _Listing:
    """The first few items of a message listing, and how many there are in all."""

    items: list[str] = field(default_factory=list)
    count: int = 0

    @property
    def room(self) -> int:
        return max(_validation.MAX_LISTED - len(self.items), 0)

    def add(self, found: tuple[list[str], int]) -> None:
        items, count = found
        self.items += items[: self.room]
        self.count += count

    def text(self) -> str:
        return _validation.list_items(self.items, total=self.count)


@dataclass
class _Totals:
    """What the whole-table checks and the command's messages need, block after block."""

    ids: _PlotIds = field(default_factory=_PlotIds)
    labels: dict[str, dict[str, None]] = field(default_factory=dict)
    fractions: dict[str, tuple[bool, float]] = field(default_factory=dict)
    moisture: _Listing = field(default_factory=_Listing)
    high_yields: _Listing = field(default_factory=_Listing)
    methods: dict[str, None] = field(default_factory=dict)  # a yields table's moisture_method
    #: The largest yield so far [kg/ha] and the first plot holding it (NaN: none yet), for
    #: io.yields.warn_tiny_yields over the whole table; ``harvest``: computed from masses.
    top_yield: float = np.nan
    top_plot: object = None
    harvest: bool = True
    result: StreamedTable = field(default_factory=StreamedTable)

    def add(
        self,
        plots: pd.DataFrame,
        yield_kg_ha: pd.Series,
        settings: _Settings,
        parsed_ids: list[np.ndarray | None] | None = None,
    ) -> None:
        self.ids.add(plots, parsed_ids)
        for column in ("treatment", "block"):
            if column in plots:
                seen = self.labels.setdefault(column, {})
                seen.update(dict.fromkeys(plots[column].dropna().unique().tolist()))  # str labels
        for column in _FRACTION_COLUMNS:
            if column in plots:
                values = plots[column].to_numpy(dtype=float, na_value=np.nan)
                values = values[~np.isnan(values)]
                if values.size:
                    inside, largest = self.fractions.get(column, (True, -np.inf))
                    inside = inside and bool(((values >= 0) & (values < 1)).all())
                    self.fractions[column] = (inside, max(largest, float(values.max())))
        self.moisture.add(
            _validation.implausible_moisture_items(
                plots, low=settings.low, high=settings.high, limit=self.moisture.room
            )
        )
        self.high_yields.add(
            _yields.implausible_yield_items(plots, yield_kg_ha, limit=self.high_yields.room)
        )
        values = yield_kg_ha.to_numpy(dtype=float, na_value=np.nan)
        if ((values > 0) & (values < settings.yield_low)).any() or (
            (values > settings.yield_high) & (values <= _yields.IMPLAUSIBLE_YIELD_KG_HA)
        ).any():  # a treatment mean may be below the crop's bound; a failed plot's 0 stays
            # streamed (a large table with one failed plot read again in memory paid twice)
            raise StreamFallback("a yield outside the crop's bounds: worded over the means")
        self._add_top(plots, values)
        missing = yield_kg_ha.isna().to_numpy()
        if missing.any():
            room = 5 - len(self.result.missing_ids)
            self.result.missing_ids += plots.loc[missing, "plot_id"].tolist()[:room]
            self.result.n_missing += int(missing.sum())
        self.result.n_plots += len(plots)

    def _add_top(self, plots: pd.DataFrame, values: np.ndarray) -> None:
        """Keep the largest yield and its first plot, as warn_tiny_yields finds them in memory."""
        self.harvest = "fresh_mass_kg" in plots.columns  # every block has the same columns
        observed = ~np.isnan(values)
        if not observed.any():
            return
        first = int(np.flatnonzero(observed)[values[observed].argmax()])  # first of the largest
        if np.isnan(self.top_yield) or values[first] > self.top_yield:  # an earlier tie stays
            self.top_yield = float(values[first])
            self.top_plot = plots["plot_id"].iloc[first]

    def add_methods(self, texts: list[str]) -> None:
        """Fall back when a yields table's moisture_method column holds two texts.

        Each block of a table naming two methods took its own (one block ``dry_matter``,
        the next ``percentage_point``, a third ``given``) where the whole table read in
        memory is refused: the in-memory path gives the table its one answer (loose57).
        """
        self.methods.update(dict.fromkeys(texts))
        if len(self.methods) > 1:
            raise StreamFallback("moisture methods differ")

    def check(self) -> None:
        """Fall back when the whole table has what no single block showed."""
        if not self.result.n_plots:
            raise StreamFallback("no plot rows")
        if self.ids.any_repeated():
            raise StreamFallback("a plot id in two blocks")
        for column, seen in self.labels.items():
            with held_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame = pd.DataFrame({column: pd.Series(list(seen), dtype="str")})
                _validation.warn_label_variants(frame, (column,))
            if caught:
                raise StreamFallback(f"{column} label variants")

    def warn(self, crop: str, settings: _Settings) -> None:
        """Issue the warnings of the in-memory path, in its order."""
        from yieldtrial.io.plots import warn_fractions

        flagged = {c: [largest] for c, (inside, largest) in self.fractions.items() if inside}
        if flagged:
            warn_fractions(pd.DataFrame(flagged))
        if self.moisture.count:
            warnings.warn(
                _validation.implausible_moisture_message(
                    self.moisture.text(), crop=crop, low=settings.low, high=settings.high
                ),
                YieldTrialWarning,
                stacklevel=3,
            )
        if self.high_yields.count:
            warnings.warn(
                _yields.implausible_yield_message(self.high_yields.text()),
                YieldTrialWarning,
                stacklevel=3,
            )
        if not np.isnan(self.top_yield):  # every yield below 100 (or 1) kg/ha: its one text
            _yields.warn_tiny_yields(
                pd.DataFrame({"plot_id": [self.top_plot]}),
                pd.Series([self.top_yield]),
                stacklevel=3,
                harvest=self.harvest,
            )


def _block_plots(
    raw: pd.DataFrame,
    name: str,
    columns: Mapping[str, str] | None,
    separator: str = ",",
    parsed_ids: list[np.ndarray | None] | None = None,
) -> pd.DataFrame:
    """Validate one block as :func:`yieldtrial.read_plots` validates a table.

    ``parsed_ids`` receives the block's plot ids as integers (or None) from the
    duplicate-id check, so :class:`_PlotIds` does not parse them again.  Label variants
    are not looked for here: :meth:`_Totals.check` looks for them once among the distinct
    labels of every block, which finds whatever one block holds.
    """
    from yieldtrial.io.plots import build_plot_table

    with held_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plots, _ = build_plot_table(
            raw,
            name=name,
            columns=columns,
            row_label=lambda position: f"row {int(position) + 2}",
            file_rows=True,
            separator=separator,
            parsed_ids=parsed_ids,
            label_variants=False,  # _Totals.check: the same check on every block's labels
        )
    for item in caught:
        text = str(item.message)
        if issubclass(item.category, YieldTrialWarning) and any(
            text.startswith(f"every {column} value lies in [0, 1)") for column in _FRACTION_COLUMNS
        ):
            continue  # decided over the whole table
        raise StreamFallback(f"a warning the whole table words differently: {text[:60]}")
    return plots


# ----------------------------------------------------------------------------- threads
_END = object()


def _read_ahead(blocks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Parse the next block on another thread while this one is checked (pyarrow frees the GIL)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(next, blocks, _END)
        while True:
            block: Any = future.result()
            if block is _END:
                return
            future = pool.submit(next, blocks, _END)
            yield block


class _Pipeline:
    """Spell blocks as CSV on worker threads and write them in order (a few ahead).

    The writes (and the output's hash, :class:`~yieldtrial.io.output.write_output`'s
    writer) run on a thread of their own, in submission order, so the thread that checks
    the blocks never waits for the disk; at most :attr:`ahead` blocks are spelled or
    waiting to be written.
    """

    #: Blocks being spelled or written while the next is checked (each holds its CSV text).
    ahead = 2

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.pool = ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1))
        self.writer = ThreadPoolExecutor(max_workers=1)  # one thread: the file's order
        self.pending: deque[Future[None]] = deque()
        self.started = False

    def submit(self, table: pd.DataFrame) -> None:
        self.started = True
        spelled = self.pool.submit(rows_buffer, table)
        self.pending.append(self.writer.submit(self._write, spelled))
        while len(self.pending) > self.ahead:
            self.pending.popleft().result()

    def _write(self, spelled: Future[bytes | memoryview]) -> None:
        self.handle.write(spelled.result())

    def __enter__(self) -> _Pipeline:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            while kind is None and self.pending:
                self.pending.popleft().result()
        finally:
            for future in self.pending:
                future.cancel()
            self.writer.shutdown(wait=True, cancel_futures=True)
            self.pool.shutdown(wait=True, cancel_futures=True)


# ----------------------------------------------------------------------------- the command
def standardize_csv_stream(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    crop: str,
    protocol: str = "cn-yield-test",
    standard_moisture_pct: float | None = None,
    moisture_method: str = "dry_matter",
    shrink_pct_per_point: float | None = None,
    unit: str = "kg/ha",
    columns: Mapping[str, str] | None = None,
    force: bool = False,
    block_bytes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StreamedTable:
    """Write the standardized plot table of a CSV file block by block.

    The result is the file ``yieldtrial standardize PATH --crop CROP -o OUTPUT`` writes
    through :class:`~yieldtrial.FieldTrial` (UTF-8 with a BOM, byte for byte the same),
    and the warnings are the same, issued in the same order once the file is in place.

    Parameters
    ----------
    path : path
        The plot table (UTF-8 CSV or TSV).
    output : path
        The CSV file to write (atomically: a temporary file renamed at the end).
    crop, protocol, standard_moisture_pct, moisture_method, shrink_pct_per_point, unit
        As for :meth:`FieldTrial.from_csv <yieldtrial.FieldTrial.from_csv>`.
    columns : mapping, optional
        Header renames, as for :func:`yieldtrial.read_plots`.
    force : bool, default False
        Replace an output that is not one of yieldtrial's own (see
        :func:`yieldtrial.io.output.check_output`).
    block_bytes : int, optional
        Bytes of the file parsed per block; :data:`STREAM_BLOCK_BYTES` by default. [bytes]
    progress : callable, optional
        Called with (rows done, estimated rows) after each block.

    Returns
    -------
    StreamedTable
        Plot count, missing plots, unit and standard moisture, for the messages.

    Raises
    ------
    StreamFallback
        Whenever only the in-memory path can give the exact result (any data problem,
        a warning worded over the whole table, a file pyarrow cannot read as typed);
        no output file is left behind.
    """
    source = Path(path)
    try:
        settings = _settings(
            crop, protocol, standard_moisture_pct, moisture_method, shrink_pct_per_point, unit
        )
        opened = _open(source, columns)
    except StreamFallback:
        raise
    except Exception as exc:  # the in-memory path words every problem
        raise StreamFallback(str(exc)) from exc
    totals = _Totals()
    quotes = _QuoteCheck(source)

    def write(handle: Any) -> None:
        handle.write(b"\xef\xbb\xbf")
        with _Pipeline(handle) as pipeline:
            blocks = _raw_blocks(opened, block_bytes or STREAM_BLOCK_BYTES)
            for raw in _read_ahead(blocks):
                quotes.raise_if_odd(wait=False)
                table = block_table(raw)
                if not pipeline.started:
                    handle.write(csv_header(table))
                pipeline.submit(table)
                if progress is not None:
                    done = totals.result.n_plots
                    progress(done, max(done, opened.estimated_rows))
        quotes.raise_if_odd(wait=True)
        totals.check()

    def block_table(raw: pd.DataFrame) -> pd.DataFrame:
        from yieldtrial.io.plots import has_harvest_columns

        parsed_ids: list[np.ndarray | None] = []  # the plot ids, parsed once per block
        plots = _block_plots(raw, source.name, columns, opened.sep, parsed_ids)
        mass = None
        if has_harvest_columns(plots):  # computed once, for the yield and the table
            mass = _yields.standardized_plot_mass_kg(
                plots,
                standard_moisture_pct=settings.standard_moisture_pct,
                moisture_method=settings.moisture_method,
                shrink_pct_per_point=settings.shrink_pct_per_point,
            )
        yield_kg_ha = _yields.plot_yield_kg_ha(
            plots,
            crop=settings.crop,
            standard_moisture_pct=settings.standard_moisture_pct,
            moisture_method=settings.moisture_method,
            shrink_pct_per_point=settings.shrink_pct_per_point,
            standardized_mass_kg=mass,
        )
        totals.add(plots, yield_kg_ha, settings, parsed_ids)
        totals.add_methods(_yields.given_method_texts(plots))
        table = _yields.yields_table(
            plots,
            yield_kg_ha,
            unit=settings.unit,
            crop=settings.crop,
            standard_moisture_pct=settings.standard_moisture_pct,
            moisture_method=settings.moisture_method,
            shrink_pct_per_point=settings.shrink_pct_per_point,
            standardized_mass_kg=mass,
        )
        return table

    try:
        write_output(output, write, force=force, inputs=[source], encoding="utf-8-sig")
    except StreamFallback:
        raise
    except Exception as exc:
        raise StreamFallback(str(exc)) from exc
    finally:
        quotes.close()
    totals.warn(settings.crop, settings)
    totals.result.unit = settings.unit
    totals.result.standard_moisture_pct = settings.standard_moisture_pct
    return totals.result
