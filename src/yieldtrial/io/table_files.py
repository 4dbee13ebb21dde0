"""Reading CSV, TSV and Excel files into raw tables for :func:`yieldtrial.io.read_plots`.

Text encoding detection (UTF-8 with or without BOM, then GB18030; UTF-16 by its
BOM), separator sniffing (comma, tab, semicolon), missing-value cell texts, and
header checks (blank, duplicate, unnamed columns with values).  Cells are kept
as text (object dtype); :mod:`yieldtrial.io` maps the headers and parses numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, MissingExtraError
from yieldtrial.io import validation as _validation

__all__ = ["ENCODINGS", "NA_VALUES", "read_table_file", "tidy_headers"]

#: Encodings tried, in order, when ``encoding`` is not given.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")
#: Cell texts read as a missing value (in addition to an empty cell).
NA_VALUES: tuple[str, ...] = ("", "NA", "N/A", "n/a", "na", "NaN", "nan", "-", "--", "—", "–", "/")


def read_table_file(
    path: Path, *, sheet: str | int | None, encoding: str | None
) -> tuple[pd.DataFrame, str | None]:
    """Read a plot table file: ``.xlsx``/``.xlsm`` workbook, else delimited text.

    Returns the raw table (object cells, tidy headers) and the text encoding used
    (None for a workbook).
    """
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise DataValidationError(
            f"{path.name}: old .xls workbooks are not supported; save it as .xlsx or CSV"
        )
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet), None
    return _read_csv(path, encoding)


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise DataValidationError(
                f"{name}: cannot decode the file as {encoding!r} ({exc}); pass the file's "
                "encoding, e.g. encoding='gb18030' for CSV saved by Chinese Excel"
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    for candidate in ENCODINGS:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise DataValidationError(
        f"{name}: the file is neither UTF-8 nor GB18030/GBK text; save it as 'CSV UTF-8' "
        "or pass encoding= (e.g. encoding='big5')"
    )


def _sniff_separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, encoding: str | None) -> tuple[pd.DataFrame, str]:
    text, used = _decode(path.read_bytes(), encoding, path.name)
    if not text.strip():
        raise DataValidationError(
            f"{path.name}: the file is empty; expected a header row (plot_id, treatment, ...) "
            "and one row per plot"
        )
    sep = "\t" if path.suffix.lower() == ".tsv" else _sniff_separator(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    header = rows[0]
    width = len(header)
    long_rows = [
        f"row {number} ({len(row)} fields)"
        for number, row in enumerate(rows[1:], start=2)
        if len(row) > width and any(cell.strip() for cell in row[width:])
    ]
    if long_rows:
        raise DataValidationError(
            f"{path.name}: {_validation.list_items(long_rows)} "
            f"{'has' if len(long_rows) == 1 else 'have'} more values than the {width} columns "
            f"of the header row; every row must have the {width} fields of the header (check for "
            "a decimal comma or a missing header)"
        )
    missing = set(NA_VALUES)
    body = [
        [np.nan if cell.strip() in missing else cell for cell in (row + [""] * width)[:width]]
        for row in rows[1:]
    ]
    frame = pd.DataFrame(body, columns=list(range(width)), dtype=object)
    frame.columns = [str(c).strip() for c in header]
    return tidy_headers(frame, path.name), used


def _read_xlsx(path: Path, sheet: str | int | None) -> pd.DataFrame:
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingExtraError("openpyxl", "xlsx", "Reading .xlsx files") from exc
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif isinstance(sheet, int):
            worksheet = workbook.worksheets[sheet]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise DataValidationError(
                f"{path.name}: no sheet named {sheet!r}; sheets: "
                f"{', '.join(repr(s) for s in workbook.sheetnames)}"
            )
        rows = [list(r) for r in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not rows or all(v is None for v in rows[0]):
        raise DataValidationError(
            f"{path.name}: the first row of the sheet is empty; expected the header row there"
        )
    width = max(len(r) for r in rows)
    header = [("" if v is None else str(v).strip()) for v in rows[0]] + [""] * (
        width - len(rows[0])
    )
    body = [r + [None] * (width - len(r)) for r in rows[1:]]
    frame = pd.DataFrame(body, columns=list(range(width)), dtype=object)
    # DataFrame.map is pandas >= 2.1; pandas 2.0 names it applymap
    elementwise = getattr(frame, "map" if hasattr(frame, "map") else "applymap")
    frame = elementwise(
        lambda v: np.nan if v is None or (isinstance(v, str) and not v.strip()) else v
    )
    frame.columns = header
    return tidy_headers(frame, path.name)


def _is_blank_header(label: object) -> bool:
    text = "" if label is None else str(label).strip()
    return not text or text.lower() == "nan" or re.fullmatch(r"Unnamed: \d+", text) is not None


def tidy_headers(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Drop empty columns without a header (Excel's trailing commas); check the rest."""
    keep: list[int] = []
    for position, label in enumerate(frame.columns):
        if _is_blank_header(label):
            column = frame.iloc[:, position]
            if column.isna().all() or column.astype(str).str.strip().eq("").all():
                continue
            raise DataValidationError(
                f"{name}: column {position + 1} holds values but has no header; name it (e.g. "
                "notes) or delete the column"
            )
        keep.append(position)
    tidy = frame.iloc[:, keep].copy()
    tidy.columns = [str(c).strip() for c in tidy.columns]
    _check_header_names(tidy.columns, name)
    return tidy


def _check_header_names(header: Iterable[object], name: str) -> None:
    seen: dict[str, int] = {}
    duplicated: list[str] = []
    blank: list[str] = []
    for position, label in enumerate(header, start=1):
        text = str(label).strip()
        if not text:
            blank.append(str(position))
            continue
        if text in seen and text not in duplicated:
            duplicated.append(text)
        seen[text] = position
    if duplicated:
        raise DataValidationError(
            f"{name}: column header {_validation.list_items(repr(d) for d in duplicated)} appears "
            "more than once; give every column its own name"
        )
    if blank:
        raise DataValidationError(
            f"{name}: column {_validation.list_items(blank)} has an empty header; name it or "
            "delete the column"
        )
