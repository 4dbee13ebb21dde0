"""Reading CSV, TSV and Excel files into raw tables for :func:`yieldtrial.io.read_plots`.

What is refused before anything is parsed: a path that is not a regular file (a
folder, a pipe, a device such as ``/dev/zero``), a ZIP workbook or a binary file
given as CSV, text given as ``.xlsx``.

Text encoding: UTF-8 (with or without BOM) is checked over the whole file; a file
that is not UTF-8 is read as GB18030 (a superset of GBK) only when none of its rows
is UTF-8 text: a UTF-8 file with a few rows saved in another encoding is an error
naming those rows, never decoded as GB18030 wholesale, and only when GBK is its
likeliest reading among the East Asian encodings it decodes in (Big5, EUC-KR and
Shift-JIS; see :func:`_ambiguous_encoding_problem`).  UTF-16 is recognised by its
BOM.  Separators (comma, tab, semicolon) are sniffed from the header line.

Structure: every row must have the fields of the header row (a short row is an
error naming it; a longer row may only add empty fields); an opening quote that is
never closed, a title row above the header and empty or duplicate headers are
errors that say so.  Cells are kept as text, except the columns the caller names as
numeric, which the fast path parses straight to numbers.

The fast path (plain UTF-8 or GB18030 CSV with well-formed quoting, the usual
case) checks the structure with a vectorized byte scan and parses with
``pandas.read_csv``'s C engine; anything unusual goes through Python's ``csv``
module with the same checks and messages.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, FileAccessError, MissingExtraError
from yieldtrial.io import validation as _validation
from yieldtrial.io.oserrors import file_error

__all__ = [
    "ENCODINGS",
    "NA_VALUES",
    "WORKBOOK_SUFFIXES",
    "check_input_file",
    "check_other_sheets",
    "harvest_columns_filled",
    "is_workbook",
    "missing_cell_texts",
    "read_table_file",
    "refuse_document",
    "tidy_headers",
]

#: Suffixes of the workbooks read (the files ``sheet=`` applies to; ``encoding=`` does not).
WORKBOOK_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm")


def is_workbook(path: str | os.PathLike[str]) -> bool:
    """Tell whether a plot-table file is read as a workbook (by its suffix), not as text."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


#: Encodings tried, in order, when ``encoding`` is not given.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")
#: Cell texts read as a missing value (in addition to an empty cell).
NA_VALUES: tuple[str, ...] = ("", "NA", "N/A", "n/a", "na", "NaN", "nan", "-", "--", "—", "–", "/")
#: Largest cell the ``csv`` module path accepts. [characters]
MAX_CELL_CHARS = 1_000_000
#: Rows above the header searched for the real header when the first row looks like a title.
_TITLE_SEARCH_ROWS = 12
#: Largest worksheet read (rows x columns from A1 to the last cell holding a value): a value
#: typed far from the table (cell XFD1048576) would otherwise make billions of empty cells.
MAX_SHEET_CELLS = 50_000_000
_CHUNK = 8 << 20
#: Bytes of a file's head read to find its separator, header and title rows (64 KiB).
HEAD_BYTES = 1 << 16
_QUOTE, _NL, _CR = ord('"'), ord("\n"), ord("\r")

NumericHeaders = Callable[[list[str]], Collection[str]]


# ----------------------------------------------------------------------------- the file
def check_input_file(path: str | os.PathLike[str], what: str = "plot table") -> os.stat_result:
    """Refuse a path that is not an existing regular file, before it is opened.

    A pipe (FIFO) would block, a device such as ``/dev/zero`` never ends, and a
    folder is not a table; each is refused with a message naming the path.

    Parameters
    ----------
    path : path
        The input file.
    what : str
        What the file should be, for the message.

    Returns
    -------
    os.stat_result
        The file's status.

    Raises
    ------
    FileAccessError
        Missing, unreadable, a folder, or not a regular file.
    """
    target = Path(path)
    try:
        info = target.stat()
    except OSError as exc:
        raise file_error(exc, target, "read") from None
    except ValueError:  # embedded NUL in the path
        raise FileAccessError(f"cannot read {str(target)!r}: the path is not valid") from None
    if stat.S_ISDIR(info.st_mode):
        raise FileAccessError(
            f"cannot read {str(target)!r}: it is a folder; give the {what} file inside it"
        )
    if not stat.S_ISREG(info.st_mode):
        raise FileAccessError(
            f"cannot read {str(target)!r}: it is not a regular file (a pipe, device or socket); "
            f"save the {what} to a file and give its name"
        )
    return info


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """Return the first bytes of a file.

    Parameters
    ----------
    path : Path
        The file.
    size : int, default :data:`HEAD_BYTES`
        Bytes to read at most. [bytes]

    Returns
    -------
    bytes
        The head of the file (all of it when shorter).

    Raises
    ------
    FileAccessError
        The file cannot be read (:func:`~yieldtrial.io.oserrors.file_error` names it).
    """
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise file_error(exc, path, "read") from None


def _read_all(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise file_error(exc, path, "read") from None


def read_table_file(
    path: Path,
    *,
    sheet: str | int | None,
    encoding: str | None,
    numeric: NumericHeaders | None = None,
) -> tuple[pd.DataFrame, str | None]:
    """Read a plot table file: ``.xlsx``/``.xlsm`` workbook, else delimited text.

    Parameters
    ----------
    path : Path
        The file.
    sheet : str or int, optional
        Worksheet of a workbook.
    encoding : str, optional
        Text encoding of a CSV file (detected when omitted).
    numeric : callable, optional
        Given the header names, returns those whose cells may be parsed as numbers
        straight away (the others stay text).

    Returns
    -------
    frame : DataFrame
        The raw table (tidy headers; text cells, NaN for empty ones).
    encoding : str or None
        The text encoding used (None for a workbook).
    """
    path = Path(path)
    check_input_file(path)
    suffix = path.suffix.lower()
    head = read_head(path, 8)
    if head.startswith(b"\xd0\xcf\x11\xe0") and _is_encrypted(path):
        raise DataValidationError(
            f"{path.name}: the workbook is password-protected (encrypted), so its cells cannot "
            "be read; open it in Excel, remove the password (File > Info > Protect Workbook > "
            "Encrypt with Password, clear it) and save it, or export the sheet as CSV"
        )
    if suffix == ".xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataValidationError(
            f"{path.name}: old .xls workbooks (Excel 97-2003) are not supported; open it in "
            "Excel and save it as .xlsx or CSV"
        )
    _refuse_document(path, head, suffix)
    _refuse_compressed(path, head)
    if suffix in WORKBOOK_SUFFIXES:
        return _read_xlsx(path, sheet), None
    if head.startswith(b"PK\x03\x04"):
        raise DataValidationError(
            f"{path.name}: this is a ZIP file (an Excel .xlsx workbook?), not CSV text; give it "
            "the .xlsx suffix, or save the sheet as CSV"
        )
    frame, used = _read_csv(path, encoding, numeric)
    if encoding is None and used == "utf-8-sig":
        refuse_gbk_read_as_utf8(frame, path.name)
    return frame, used


#: Rows of a table whose text cells are looked at for GBK read as UTF-8.
GBK_AS_UTF8_ROWS = 2000


def refuse_gbk_read_as_utf8(frame: pd.DataFrame, name: str) -> None:
    """Refuse a GBK file that decodes as UTF-8 without error into labels such as 'Ʒϵ1'.

    Stop 50: a GBK table whose only Chinese text is 品系1, 品系2 (C6 B7 CF B5: valid UTF-8)
    was read as UTF-8 and reported with the treatments 'Ʒε1', 'Ʒε2', without a word.  A
    text cell (header or one of the first rows) holding a character labels hardly hold
    (:data:`_RARE_TWO_BYTE`) and none from U+0800 up, whose bytes read as GBK hanzi, is
    an error naming both readings; ``--encoding`` decides.

    Parameters
    ----------
    frame : DataFrame
        The table as read (headers and cells as text), before any column is renamed.
    name : str
        The file's name, to start the message with.

    Raises
    ------
    DataValidationError
        Naming a cell's text, its GBK reading and the ``--encoding`` that reads it.
    """
    cells: list[str] = [str(c) for c in frame.columns]
    for position in range(frame.shape[1]):  # by position: a header may be repeated
        values = frame.iloc[:GBK_AS_UTF8_ROWS, position]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            cells.extend(str(v) for v in values.dropna().unique())
    for text in cells:
        if text.isascii() or not _RARE_TWO_BYTE.search(text):
            continue
        raw = text.encode("utf-8")
        if not _gbk_read_as_utf8(raw, text):
            continue
        chinese = raw.decode("gb18030")
        if not any("\u4e00" <= ch <= "\u9fff" for ch in chinese):
            continue
        raise DataValidationError(
            f"{name}: the file reads as UTF-8 with text such as {text!r}, which is Chinese GBK "
            f"text read as UTF-8 ({chinese!r} as GBK); pass --encoding gb18030 (encoding="
            "'gb18030' in Python) if it is GBK, or --encoding utf-8 if the text is right, or "
            "save the file as 'CSV UTF-8'"
        )


#: Largest part of an OLE2 file searched for the streams of an encrypted workbook. [bytes]
_ENCRYPTION_SEARCH = 1 << 22


def _is_encrypted(path: Path) -> bool:
    """Tell whether an OLE2 (Office 97) file is a password-protected .xlsx workbook.

    Excel saves an encrypted workbook as an OLE2 container holding the streams
    ``EncryptionInfo`` and ``EncryptedPackage`` (names in UTF-16), whatever its suffix.
    """
    with open(path, "rb") as handle:
        data = handle.read(_ENCRYPTION_SEARCH)
    return "EncryptedPackage".encode("utf-16-le") in data


def refuse_document(path: str | os.PathLike[str], *, sheet: str | int | None = None) -> None:
    """Refuse a file that is no plot table (a report given back, a Word file), before reading.

    A command calls this before it asks for settings the table itself cannot give (the crop),
    so ``yieldtrial report report.json`` says that the file is a report, not that the crop is
    missing.  :func:`read_table_file` makes the same checks as it reads.

    Parameters
    ----------
    path : path-like
        The file named as the plot table.
    sheet : str or int, optional
        The worksheet asked for (a sheet of plots pasted into a yieldtrial workbook is read).

    Raises
    ------
    DataValidationError
        The file does not exist or is an HTML, JSON, Markdown, Word, OpenDocument or
        yieldtrial Excel report.
    """
    path = Path(path)
    check_input_file(path)
    suffix = path.suffix.lower()
    head = read_head(path, 8)
    _refuse_document(path, head, suffix)
    _refuse_compressed(path, head)
    if suffix in WORKBOOK_SUFFIXES and sheet is None and head.startswith(b"PK\x03\x04"):
        if _yieldtrial_workbook(path):
            raise _report_workbook_error(path)


def _refuse_document(path: Path, head: bytes, suffix: str) -> None:
    """Raise when ``path`` is a ZIP or text document that is no table (see refuse_document)."""
    other = _other_zip_document(path) if head.startswith(b"PK\x03\x04") else None
    if other == _WORD_REPORT:  # `report -o r.docx` given back (stop 50: "save the sheet")
        raise DataValidationError(
            f"{path.name}: this is {other}, not a plot table; give the plot table the report "
            "was made from"
        )
    if other is not None and "ZIP archive" in other:
        raise DataValidationError(
            f"{path.name}: this is {other}, not an Excel workbook or CSV text; extract the "
            "plot table from it (unzip) and give that file"
        )
    if other is not None:
        raise DataValidationError(
            f"{path.name}: this is {other}, not an Excel workbook or CSV text; open it and save "
            "the sheet as .xlsx (Excel workbook) or CSV"
        )
    if suffix in WORKBOOK_SUFFIXES:
        return
    document = _other_text_document(read_head(path, 64), suffix)
    if document is not None:
        raise DataValidationError(
            f"{path.name}: this is {document}, not a plot table; give the plot table (CSV "
            "text or an .xlsx workbook) the analysis starts from"
        )


#: Leading bytes of compressed files, and the compression's name.
_COMPRESSED = (
    (b"\x1f\x8b", "a gzip-compressed (.gz) file"),
    (b"BZh", "a bzip2-compressed (.bz2) file"),
    (b"\xfd7zXZ\x00", "an xz-compressed (.xz) file"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed (.zst) file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (.7z)"),
    (b"Rar!\x1a\x07", "a RAR archive (.rar)"),
)


def _refuse_compressed(path: Path, head: bytes) -> None:
    """Refuse a compressed file (``plots.csv.gz``, or gzip bytes named ``.csv``) by name.

    Decided (stop 48): yieldtrial does not decompress a table (pandas would, by suffix
    only); the file was called "binary (it holds NUL bytes)", which did not say what to do.
    ``BZh`` alone could start a CSV header, so bzip2 also needs its block marker.
    """
    for magic, kind in _COMPRESSED:
        if head.startswith(magic) and (magic != b"BZh" or read_head(path, 10)[4:10] == (b"1AY&SY")):
            raise DataValidationError(
                f"{path.name}: this is {kind}, not CSV text or an Excel workbook; "
                "decompress it first (e.g. gunzip, bunzip2, unxz or 7-Zip) and give the table "
                "inside"
            )


def _report_workbook_error(path: Path) -> DataValidationError:
    return DataValidationError(
        f"{path.name}: this is a yieldtrial report (Excel), not a plot table; give the plot "
        "table the report was made from (for a sheet of plots added to it, name that sheet "
        "with --sheet, sheet=)"
    )


#: What a Word report yieldtrial wrote is called when it is given as a plot table.
_WORD_REPORT = "a yieldtrial report (Word)"


def _other_zip_document(path: Path) -> str | None:
    """Name the kind of a ZIP-based document that is no Excel workbook (None otherwise)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                kind = archive.read("mimetype").decode("ascii", "replace").strip()
                if kind.startswith("application/vnd.oasis.opendocument.spreadsheet"):
                    return "an OpenDocument spreadsheet (.ods, as LibreOffice or WPS saves it)"
                if kind.startswith("application/vnd.oasis.opendocument"):
                    return "an OpenDocument file (LibreOffice)"
    except Exception:  # noqa: BLE001 - a damaged archive is reported by the workbook reader
        return None
    if any(name.startswith("xl/") for name in names):
        return None
    if any(name.startswith("word/") for name in names):
        return _WORD_REPORT if _yieldtrial_workbook(path) else "a Word document (.docx)"
    if any(name.startswith("ppt/") for name in names):
        return "a PowerPoint presentation (.pptx)"
    if names and "[Content_Types].xml" not in names:  # no Office file: an archive of files
        shown = ", ".join(repr(name) for name in names[:3])
        more = f" and {len(names) - 3} more" if len(names) > 3 else ""
        return f"a ZIP archive (holding {shown}{more})"
    return None


def _other_text_document(head: bytes, suffix: str) -> str | None:
    """Name a text document that is no table: HTML, JSON or Markdown (a report given back).

    HTML and JSON are told by their first character (no CSV header starts with ``<`` or
    ``{``), Markdown only by its suffix.
    """
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if start.startswith(b"<"):
        return "an HTML or XML document (a yieldtrial report?)"
    if start.startswith(b"{") or (suffix == ".json" and start.startswith(b"[")):
        return "JSON text (a yieldtrial JSON report?)"
    if suffix in (".md", ".markdown"):
        return "a Markdown document (a yieldtrial report?)"
    return None


#: The document category of a table workbook yieldtrial writes (``standardize -o yields.xlsx``):
#: a plot table to read again, unlike a report workbook (same creator and last editor).
TABLE_WORKBOOK_CATEGORY = "yieldtrial plot table"


def _yieldtrial_workbook(path: Path) -> bool:
    """Tell whether an .xlsx is a yieldtrial report as written (not saved again since).

    A report's creator and last editor are 'yieldtrial'; Excel, saving a workbook, writes
    its user as the last editor, so plots pasted into a report and saved are read.  A table
    workbook yieldtrial writes (``standardize -o yields.xlsx``) carries the category
    :data:`TABLE_WORKBOOK_CATEGORY` and is a plot table.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > 1 << 16:
                return False
            core = archive.read(info)
    except Exception:  # noqa: BLE001 - no properties, or a damaged archive reported later
        return False
    table = re.escape(TABLE_WORKBOOK_CATEGORY.encode())
    if re.search(rb"<(?:\w+:)?category\b[^>]*>\s*" + table + rb"\s*</", core):
        return False
    return all(
        re.search(rb"<(?:\w+:)?" + tag + rb"\b[^>]*>\s*yieldtrial\s*</", core)
        for tag in (b"creator", b"lastModifiedBy")
    )


# ----------------------------------------------------------------------------- encodings
def _check_binary(head: bytes, name: str) -> None:
    if b"\x00" in head:
        if (
            head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE))
            or _unicode_text(head, "utf-32-le")
            or _unicode_text(head, "utf-32-be")
        ):
            order = "be" if head.startswith(b"\x00\x00") else "le"
            raise DataValidationError(
                f"{name}: the file looks like UTF-32 text (four bytes per character); pass "
                f"--encoding utf-32-{order} (encoding='utf-32-{order}' in Python), or save it "
                "as 'CSV UTF-8'"
            )
        for order, text, nul in (("le", head[0::2], head[1::2]), ("be", head[1::2], head[0::2])):
            if (
                len(head) >= 8
                and not nul.replace(b"\x00", b"")
                and text.isascii()
                and b"\x00" not in text
            ) or _unicode_text(head, f"utf-16-{order}"):
                # named, with the fix a spreadsheet user can take first (stop 49: it said
                # "every other byte is NUL", untrue of Chinese labels, and no program's name)
                raise DataValidationError(
                    f"{name}: the file looks like UTF-16-{order.upper()} text without a "
                    "byte-order mark (as Excel's 'Unicode text' can save it), which yieldtrial "
                    "does not guess; save it as 'CSV UTF-8' (in Excel: File > Save As > CSV "
                    f"UTF-8), or pass --encoding utf-16-{order} (encoding='utf-16-{order}' in "
                    "Python)"
                )
        raise DataValidationError(
            f"{name}: the file is binary (it holds NUL bytes), not a text table; give a CSV "
            "file (UTF-8 or GBK text), or an .xlsx workbook with the .xlsx suffix"
        )


def _unicode_text(head: bytes, codec: str) -> bool:
    """Whether ``head`` reads as ``codec`` text with line breaks and separators, no NUL.

    Tells UTF-16 or UTF-32 without a byte-order mark holding non-ASCII labels (对照), where
    not every other byte is NUL; the other byte order reads without line breaks.
    """
    width = 4 if "32" in codec else 2
    try:
        text = head[: len(head) - len(head) % width].decode(codec)
    except UnicodeDecodeError:
        return False
    return "\x00" not in text and "\n" in text[:-1] and any(sep in text for sep in ",;\t")


#: Codecs Python reads text with that no program saves a table in, and what they are: they
#: turn a UTF-8 table into garbled labels without an error (``unicode_escape`` reads each
#: byte as a Latin-1 character), or fail on any table.
NOT_FILE_ENCODINGS: dict[str, str] = {
    "unicode-escape": "it reads Python escape sequences such as \\u5bf9",
    "raw-unicode-escape": "it reads Python escape sequences such as \\u5bf9",
    "idna": "it encodes internet domain names",
    "punycode": "it encodes internet domain names",
    "undefined": "it refuses every text",
}

#: The encodings a message about a wrong ``--encoding`` suggests.
ENCODING_EXAMPLES = "utf-8, gbk, gb18030, big5, latin-1 or cp1252"


def _codec(encoding: str, name: str) -> str:
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):  # a NUL in the name; not text (a number)
        raise DataValidationError(
            f"{name}: unknown text encoding {encoding!r}; use e.g. 'utf-8', 'gb18030' or 'big5'"
        ) from None
    why = NOT_FILE_ENCODINGS.get(info.name)
    if why is None and not getattr(info, "_is_text_encoding", True):
        why = "base64, zlib, rot13 and the like transform data"
    if why is None:
        try:  # a codec that fails on any table (UnicodeError, not a decode error)
            info.decode(b"plot_id,treatment_1;block\t1.5\r\n")
        except UnicodeDecodeError:
            pass  # the sample is not in this encoding (UTF-16, UTF-32): the file may be
        except (UnicodeError, ValueError, TypeError):
            why = "it fails on any table"
    if why is not None:
        raise DataValidationError(
            f"{name}: --encoding {encoding!r} (encoding= in Python) is not an encoding text "
            f"files are saved in ({why}); give the encoding the file was saved in, e.g. "
            f"{ENCODING_EXAMPLES}"
        )
    return info.name


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _explain_decode_error(data: bytes, exc: UnicodeDecodeError, encoding: str, name: str) -> str:
    line = _line_of(data, exc.start)
    return (
        f"{name}: cannot decode row {line} as {encoding!r} ({exc.reason} at byte {exc.start}); "
        "pass the file's encoding (e.g. --encoding gb18030 for CSV saved by Chinese Excel), or "
        "save the file as 'CSV UTF-8'"
    )


#: How to name another encoding, in the messages of a file neither UTF-8 nor GBK.
_ENCODING_HINT = (
    "pass its encoding (encoding=, command line --encoding): e.g. cp1252 for a Western "
    "European Excel file (é, ô, ü), big5 for Traditional Chinese"
)

#: A Latin letter followed by a non-ASCII character: where Western European text read as
#: GBK shows (``Contrôle`` -> ``Contr鬺e``: ô and l form one GBK character).
_LATIN_THEN_WIDE = re.compile(r"[A-Za-z]([^\x00-\x7f])")


def _western_text_problem(data: bytes, name: str) -> str | None:
    """Describe a Windows-1252/Latin-1 file that GB18030 would decode into wrong characters.

    An accented letter (bytes 0xC0-0xFF in Windows-1252) followed by an ASCII letter forms
    one GBK character outside GB2312 (``ô`` + ``l`` -> ``鬺``); right after a Latin letter
    such a character is Western text, not Chinese.  Files where an accent is followed by a
    comma or a space do not decode as GBK at all and are refused anyway.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None  # refused with its own message
    for match in _LATIN_THEN_WIDE.finditer(text):
        char = match.group(1)
        raw = char.encode("gb18030")
        if len(raw) != 2 or raw[0] < 0xC0:
            continue
        # the second byte an ASCII letter (ô + l) or a Windows-1252 sign (é + €, ü + ")
        if not (chr(raw[1]).isascii() and chr(raw[1]).isalpha()) and not 0x80 <= raw[1] <= 0xA0:
            continue
        try:
            char.encode("gb2312")
            continue  # a common Chinese character
        except UnicodeEncodeError:
            pass
        row = text.count("\n", 0, match.start()) + 1
        line = data.split(b"\n")[row - 1].strip()
        as_gbk = line.decode("gb18030", errors="replace")[:60]
        as_western = line.decode("cp1252", errors="replace")[:60]
        return (
            f"{name}: the file is not UTF-8, and read as Chinese GBK row {row} says "
            f"{as_gbk!r}, which looks like Western European text ({as_western!r} in "
            "Windows-1252/Latin-1). Pass its encoding (--encoding cp1252, or encoding='cp1252'), "
            "or save the file as 'CSV UTF-8'"
        )
    return None


#: Non-ASCII characters of a GB18030 reading that are looked at (a large file: its start).
_SAMPLE_CHARS = 20_000
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _other_encoding_problem(data: bytes, name: str) -> str | None:
    """Describe a Big5, Shift-JIS or other file that GB18030 would decode into wrong characters.

    Chinese text saved as GBK keeps to GB2312 (the 6,763 common characters) almost
    entirely and never holds private-use characters; Big5 or Shift-JIS bytes read as GBK
    give private-use characters and many outside GB2312 (``對照組處理`` in Big5 reads as
    ``癸酚舱矪瞶``). Such a file is refused rather than analysed with scrambled labels;
    ``--encoding gb18030`` reads it as GBK anyway.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None  # refused with its own message
    seen: dict[str, bool] = {}
    wide = odd = 0
    first_odd = -1
    for count, match in enumerate(_NON_ASCII.finditer(text)):
        if count >= _SAMPLE_CHARS:
            break
        char = match.group(0)
        if char not in seen:
            try:
                char.encode("gb2312")
                seen[char] = False
            except UnicodeEncodeError:
                seen[char] = True
        wide += 1
        if seen[char]:
            odd += 1
            if first_odd < 0:
                first_odd = match.start()
    private = any(0xE000 <= ord(char) <= 0xF8FF for char, rare in seen.items() if rare)
    if not (private or (odd >= 3 and odd >= 0.3 * wide)):
        return None
    row = text.count("\n", 0, first_odd) + 1
    line = data.split(b"\n")[row - 1].strip()
    as_gbk = line.decode("gb18030", errors="replace")[:60]
    others = [_reading(line, line, codec, label) for codec, label in _RIVAL_CODECS]
    likely = sorted(
        (other for other in others if other is not None and other.share > 0),
        key=lambda other: -other.share,
    )
    readings = [f"{other.label} {line.decode(other.codec)[:60]!r}" for other in likely]
    shown = f" (as {', as '.join(readings)})" if readings else ""
    return (
        f"{name}: the file is not UTF-8, and read as Chinese GBK row {row} says {as_gbk!r}, "
        f"with characters Chinese GBK text hardly uses{shown}: it looks saved in another "
        "encoding. Pass its encoding (e.g. --encoding big5 for Traditional Chinese, cp932 "
        "for Japanese, cp949 for Korean; --encoding gb18030 if it really is GBK), or save the "
        "file as 'CSV UTF-8'"
    )


#: East Asian encodings a non-UTF-8 file may also read in, with their names in messages
#: (Korean and Japanese as Windows' code pages, the supersets Excel writes: CP949 holds
#: EUC-KR and every Hangul syllable, CP932 Shift-JIS and NEC's circled digits).
_RIVAL_CODECS: tuple[tuple[str, str], ...] = (
    ("big5", "Big5"),
    ("cp949", "EUC-KR"),
    ("cp932", "Shift-JIS"),
)
#: The common part of each standard, as (first, last) two-byte codes, both bytes checked:
#: GB 2312 symbols (rows 1-3) and level-1 hanzi (3,755 common characters, B0A1-D7F9);
#: Big5 symbols (A140-A3BF) and frequently used hanzi (5,401, A440-C67E); KS X 1001
#: symbols (rows 1-3) and its 2,350 Hangul syllables (B0A1-C8FE; the ones CP949 adds
#: are not counted: Shift-JIS kanji read as CP949 are such syllables); JIS X 0208 symbols,
#: full-width letters and kana (8140-8396) and level-1 kanji (2,965, 889F-9872).
_COMMON_CODES: dict[str, tuple[tuple[int, int], ...]] = {
    "gb18030": ((0xA1A1, 0xA3FE), (0xB0A1, 0xD7F9)),
    "big5": ((0xA140, 0xA3BF), (0xA440, 0xC67E)),
    "cp949": ((0xA1A1, 0xA3FE), (0xB0A1, 0xC8FE)),
    "cp932": ((0x8140, 0x8396), (0x889F, 0x9872)),
}
#: Bytes of non-ASCII rows that the readings are compared on (a large file: its first ones).
_SAMPLE_BYTES = 1 << 16
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")


@dataclass(frozen=True)
class _Reading:
    """A file's non-ASCII rows read in one encoding, and how common its characters are."""

    codec: str
    label: str
    text: str
    row_text: str
    distinct: int
    common: int

    @property
    def share(self) -> float:
        return self.common / self.distinct if self.distinct else 0.0


def _is_common(char: str, codec: str) -> bool:
    """Whether ``char`` is in the common part of ``codec``'s standard (:data:`_COMMON_CODES`)."""
    raw = char.encode(codec)
    if len(raw) != 2:
        return False
    code = int.from_bytes(raw, "big")
    trail_ok = raw[1] >= 0xA1 if codec in ("gb18030", "cp949") else True
    return trail_ok and any(low <= code <= high for low, high in _COMMON_CODES[codec])


def _reading(sample: bytes, first_row: bytes, codec: str, label: str) -> _Reading | None:
    try:
        text = sample.decode(codec)
    except UnicodeDecodeError:
        return None
    chars = {char for char in text if not char.isascii()}
    row_text = first_row.decode(codec, errors="replace").strip()
    wide = _NON_ASCII.search(row_text)
    start = max(0, wide.start() - 15) if wide else 0  # the row's text around its first word
    shown = ("..." if start else "") + row_text[start : start + 40]
    common = sum(_is_common(char, codec) for char in chars)
    return _Reading(codec, label, text, shown, len(chars), common)


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _names_chinese_header(header: bytes) -> bool:
    """Whether the header row, read as GBK, names a column in Chinese (``小区号``, ``产量``)."""
    from yieldtrial.io.headers import recognise_header

    try:
        text = header.decode("gb18030").strip()
    except UnicodeDecodeError:
        return False
    cells = text.split(_sniff_separator(text))
    return any(
        not cell.isascii() and recognise_header(cell.strip().strip('"'))[0] is not None
        for cell in cells
    )


def _ambiguous_encoding_problem(data: bytes, name: str) -> str | None:
    """Describe a file that reads as plausible text in GBK and in another East Asian encoding.

    Short text often decodes without error in several legacy encodings: EUC-KR ``대조``
    is valid GBK ``措炼`` (every Hangul syllable of KS X 1001 is a GB 2312 hanzi), Big5
    ``對照`` is ``癸酚``.  Each encoding the file decodes in is scored by the share of its
    distinct non-ASCII characters that are in the common part of its standard
    (:data:`_COMMON_CODES`).  The file is read as GBK when GBK's share is higher than
    every other reading's, or when its header row names a column in Chinese that
    yieldtrial recognises; otherwise it is refused with the readings shown, rather than
    analysed with scrambled labels.
    """
    header = data.split(b"\n", 1)[0]
    sample = bytearray()
    row, first_row = 0, b""
    for match in _NON_ASCII_LINE.finditer(data):
        if not sample:
            row, first_row = _line_of(data, match.start()), match.group(0)
        sample += match.group(0) + b"\n"
        if len(sample) >= _SAMPLE_BYTES:
            break
    if not sample:
        return None
    gbk = _reading(bytes(sample), first_row, "gb18030", "Chinese GBK")
    if gbk is None:
        return None  # refused with its own message
    rivals = [
        rival
        for codec, label in _RIVAL_CODECS
        if (rival := _reading(bytes(sample), first_row, codec, label)) is not None
        and rival.share >= gbk.share
        and rival.text != gbk.text
    ]
    best = max((rival.share for rival in rivals), default=0.0)
    rivals = [rival for rival in rivals if rival.share > 0 or best == 0]
    if not rivals or _names_chinese_header(header):
        return None
    rivals = [rival for rival in rivals if _decodes(data, rival.codec)]  # the whole file
    if not rivals:
        return None
    readings = sorted([gbk, *rivals], key=lambda reading: -reading.share)
    shown = ", ".join(f"as {reading.label} {reading.row_text!r}" for reading in readings)
    codecs_named = [f"--encoding {reading.codec}" for reading in readings]
    options = ", ".join(codecs_named[:-1]) + f" or {codecs_named[-1]}"
    if readings[0] is gbk or readings[0].share == gbk.share:
        count = f"{gbk.distinct} distinct non-ASCII character{'s' if gbk.distinct != 1 else ''}"
        why = f"nothing in its text ({count}) tells which one the file was saved in"
    else:
        why = f"it reads likelier as {readings[0].label} than as Chinese GBK"
    return (
        f"{name}: the file is not UTF-8, and row {row} reads as text in more than one East "
        f"Asian encoding ({shown}); {why}. Pass its encoding ({options}), or save the file "
        "as 'CSV UTF-8'"
    )


#: Two-byte UTF-8 characters that labels and headers hardly hold: Latin Extended-B, IPA,
#: spacing modifiers, combining marks, Greek symbols, Cyrillic extensions and supplements,
#: Syriac, Thaana and N'Ko.  GBK hanzi read as UTF-8 land there: '品系' (breeding line,
#: C6 B7 CF B5) reads 'Ʒϵ' (U+01B7, U+03F5).  Armenian, Hebrew and Arabic (U+0530-U+06FF)
#: are left out: labels in those scripts (Arabic-Indic digits '١٣') are real text.
_RARE_TWO_BYTE = re.compile("[\u0180-\u036f\u03f0-\u03ff\u0460-\u052f\u0700-\u07ff]")


def _gb2312_pair(ch: str) -> bool:
    """Whether a character's two UTF-8 bytes are also one GB2312 double byte (a hanzi).

    GB2312 (the common hanzi of GBK) takes second bytes A1-FE; a two-byte UTF-8 character's
    second byte is 80-BF, so only those with A1-BF can be GBK Chinese read as UTF-8.  This
    keeps pinyin tone marks (ǎ ǐ ǒ ǔ: C7 8E-94), Romanian ș ț and Azerbaijani ə, whose
    second bytes are below A1, out of the check.
    """
    code = ord(ch)
    return 0x80 <= code < 0x800 and (code & 0x3F) >= 0x21


def _gbk_read_as_utf8(line: bytes, text: str) -> bool:
    """Tell whether a row that decodes as UTF-8 is GBK Chinese text that happens to.

    Stop 50: a GBK field book whose entries are 品系1, 品系2, ... beside 对照1 rows was "a file
    that mixes text encodings" (the 品系 rows decode as UTF-8 ``Ʒϵ1``).  Such a row has no
    character from U+0800 up (no CJK) in its UTF-8 reading, every other non-ASCII character
    one GB2312 double byte (:func:`_gb2312_pair`), one character labels hardly hold
    (:data:`_RARE_TWO_BYTE`), and reads as GBK without error.
    """
    if not _RARE_TWO_BYTE.search(text):
        return False
    if not all(ch.isascii() or _gb2312_pair(ch) for ch in text):
        return False  # a character from U+0800 up (CJK) or one GBK would not have written
    try:
        line.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _mixed_encoding_problem(data: bytes, name: str) -> str | None:
    """Describe rows that are not UTF-8 in a file whose other rows are UTF-8 text."""
    lines = data.split(b"\n")
    utf8_lines = 0
    strong = False
    bad: list[int] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[3:]
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
            continue
        if _gbk_read_as_utf8(line, text):
            continue  # GBK bytes that happen to be UTF-8 ('品系' is 'Ʒϵ'): no evidence
        utf8_lines += 1
        strong = strong or any(ord(ch) >= 0x800 for ch in text)
    if not bad or not (strong or utf8_lines >= len(bad)):
        return None
    sample = lines[bad[0] - 1].decode("gb18030", errors="replace").strip()
    if len(sample) > 60:
        sample = sample[:57] + "..."
    rows = _validation.list_items(str(n) for n in bad)
    return (
        f"{name}: the file mixes text encodings: row{'s' if len(bad) > 1 else ''} {rows} "
        f"{'are' if len(bad) > 1 else 'is'} not UTF-8 (read as GBK, row {bad[0]} says "
        f"{sample!r}) while the other rows with non-ASCII text are UTF-8. "
        "Save the whole file in one encoding (Excel: Save As 'CSV UTF-8'), or pass --encoding "
        "if every row really uses one"
    )


#: The fix when a file decoded with a given encoding is UTF-8 text.
_READS_AS_UTF8 = (
    "it is UTF-8 text, which is detected without it: drop --encoding (encoding=), or give "
    "--encoding utf-8"
)


def _garbled_message(data: bytes, text: str, encoding: str, name: str) -> str:
    """Describe a file the given encoding decodes into one line (not the file's encoding).

    A UTF-8 table read as UTF-16 decodes without error (two bytes per character) into one
    line of CJK characters, which was then reported as "no plot rows".
    """
    header = text.split("\r", 1)[0][:16]
    fix = (
        _READS_AS_UTF8
        if _decodes(data, "utf-8-sig")
        else "drop --encoding (encoding=) to have the encoding detected, or give the one the "
        "file was saved in (e.g. gb18030, cp1252)"
    )
    return (
        f"{name}: the file does not read as {encoding!r}: decoded so, its line breaks "
        f"disappear and the header looks garbled ({header!r}); {fix}"
    )


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    """Decode a whole file (the ``csv``-module path)."""
    if encoding is not None:
        codec = _codec(encoding, name)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            message = _explain_decode_error(data, exc, encoding, name)
            if _decodes(data, "utf-8-sig"):
                message = (
                    f"{name}: the file does not decode as {encoding!r} (row "
                    f"{_line_of(data, exc.start)}: {exc.reason}); {_READS_AS_UTF8}"
                )
            raise DataValidationError(message) from None
        if b"\n" in data and "\n" not in text:
            raise DataValidationError(_garbled_message(data, text, encoding, name))
        return text.removeprefix("\ufeff"), encoding
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16's FF FE
        try:
            return data.decode("utf-32"), "utf-32"
        except UnicodeDecodeError as exc:
            raise DataValidationError(_explain_decode_error(data, exc, "utf-32", name)) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DataValidationError(_explain_decode_error(data, exc, "utf-16", name)) from None
    _check_binary(data[:HEAD_BYTES], name)
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    mixed = (
        _mixed_encoding_problem(data, name)
        or _western_text_problem(data, name)
        or _other_encoding_problem(data, name)
        or _ambiguous_encoding_problem(data, name)
    )
    if mixed:
        raise DataValidationError(mixed)
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise DataValidationError(
            f"{name}: the file is neither UTF-8 nor GB18030/GBK text; save it as 'CSV UTF-8' "
            f"or {_ENCODING_HINT}"
        ) from None


# ----------------------------------------------------------------------------- CSV rows
def table_separator(path: Path, text: str) -> str:
    """Return the separator of a table: tab for a ``.tsv`` whose header has one, else sniffed.

    A comma-separated file named ``.tsv`` was read as one column, and refused for
    "missing required columns" (every column was there).

    Parameters
    ----------
    path : Path
        The file (its suffix).
    text : str
        The head of the file, decoded.

    Returns
    -------
    str
        A comma, a tab or a semicolon.
    """
    if path.suffix.lower() == ".tsv" and "\t" in text.split("\n", 1)[0]:
        return "\t"
    return _sniff_separator(text)


def _sniff_separator(text: str) -> str:
    lines = text.split("\n", 2)
    header = lines[0]
    if len(lines) > 1 and re.fullmatch(r"\ufeff?sep=.?\r?", header, re.IGNORECASE):
        header = lines[1]  # Excel's separator line, refused by name (check_title_rows)
    counts = {sep: header.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _csv_reader(text: str, sep: str) -> Any:
    return csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)


def _csv_rows(text: str, sep: str, name: str) -> list[list[str]]:
    """All rows of a CSV text, with clean errors for malformed quoting and huge cells."""
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = _csv_reader(text, sep)
    rows: list[list[str]] = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise DataValidationError(_csv_error_message(str(exc), start, name)) from None
            rows.append(row)
    finally:
        csv.field_size_limit(old_limit)
    return rows


def _csv_error_message(error: str, row: int, name: str) -> str:
    if "end of data" in error or "EOF" in error:
        return (
            f'{name}: row {row} opens a quoted cell (") that is never closed, so the rest of the '
            "file would be read into one cell; remove the stray quote or close it"
        )
    if "field larger than field limit" in error:
        return (
            f"{name}: row {row} holds a cell longer than {MAX_CELL_CHARS:,} characters; a plot "
            "table has short cells (this is often a stray quote that swallows the rest of the "
            "file): check the row"
        )
    if "expected after" in error:
        return (
            f"{name}: row {row} has text right after the closing quote of a quoted cell (e.g. "
            '"ab"c); quote the whole cell and double the quotes inside it ("ab""c")'
        )
    if "NUL" in error or "null byte" in error:
        return f"{name}: row {row} holds a NUL byte; the file is not a text table"
    return f"{name}: row {row} cannot be read as CSV ({error}); check the quotes of that row"


def _fields_problem(short: Sequence[tuple[int, int]], width: int, name: str) -> str:
    items = [f"row {row} ({count} field{'s' if count != 1 else ''})" for row, count in short]
    verb = "has" if len(items) == 1 else "have"
    return (
        f"{name}: {_validation.list_items(items)} {verb} fewer fields than the {width} columns "
        "of the header row; every row must have a field for every column (keep the separators "
        "and leave a cell empty for a missing value)"
    )


def _long_rows_problem(rows: list[str], width: int, name: str) -> str:
    return (
        f"{name}: {_validation.list_items(rows)} "
        f"{'has' if len(rows) == 1 else 'have'} more values than the {width} columns "
        f"of the header row; every row must have the {width} fields of the header (check for "
        "a decimal comma or a missing header)"
    )


#: Byte-order marks of the UTF-16 and UTF-32 files read without --encoding.
_UNICODE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)


def _decoded_head(head: bytes, codec: str, name: str) -> str:
    """Decode the file's first bytes strictly; a character cut at their end is left out.

    Decoded with ``errors="replace"``, a GB18030 header read as UTF-8 became ``'����'``
    and the user was told of a missing column or a repeated header (stop 50): a byte the
    codec does not read is the decode error that names the row, the encoding and the fix.
    """
    bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    try:
        return str(decoder.decode(head[bom:], final=False))
    except UnicodeDecodeError as exc:
        exc.start += bom  # the byte's offset in the file
        raise DataValidationError(_explain_decode_error(head, exc, codec, name)) from None


def _read_csv(
    path: Path, encoding: str | None, numeric: NumericHeaders | None
) -> tuple[pd.DataFrame, str]:
    name = path.name
    head = read_head(path)
    fast_codecs = {"utf-8", "gb18030", "gbk"}
    if encoding is None and head.startswith(_UNICODE_BOMS):
        return _read_csv_slow(path, encoding, name)
    if encoding is not None and _codec(encoding, name) not in fast_codecs:
        return _read_csv_slow(path, encoding, name)
    _check_binary(head, name)
    used = "utf-8-sig" if encoding is None else encoding
    raw_text = head.removeprefix(codecs.BOM_UTF8).decode("latin-1")  # bytes kept, for counting
    if not raw_text.strip():
        _raise_empty(name, path)
    sep = table_separator(path, raw_text)
    if sep == ";":  # cells as text: the decimal mark is read from all of them (plots.py)
        numeric = None
    raw_first = first_records(raw_text, sep)
    if not raw_first or (len(head) == HEAD_BYTES and len(raw_first) < 2):
        return _read_csv_slow(path, encoding, name)  # a header longer than the head: unusual
    width = len(raw_first[0])
    quick = _read_optimistic(path, head, sep, width, encoding, numeric)
    if quick is not None:
        quick[0].attrs["separator"] = sep
        return quick
    shape = scan_structure(path, sep.encode("ascii"), width, check_utf8=encoding is None)
    if shape.nul:
        _check_binary(b"\x00", name)
    if shape.malformed_quotes or shape.long_rows or shape.header_records != 1:
        return _read_csv_slow(path, encoding, name)
    if encoding is None and not shape.utf8:
        data = _read_all(path)
        mixed = (
            _mixed_encoding_problem(data, name)
            or _western_text_problem(data, name)
            or _other_encoding_problem(data, name)
            or _ambiguous_encoding_problem(data, name)
        )
        if mixed:
            raise DataValidationError(mixed)
        used = "gb18030"
        try:
            codecs.decode(data, "gb18030")
        except UnicodeDecodeError:
            raise DataValidationError(
                f"{name}: the file is neither UTF-8 nor GB18030/GBK text; save it as 'CSV "
                f"UTF-8' or {_ENCODING_HINT}"
            ) from None
        del data
    head_codec = "utf-8" if used == "utf-8-sig" else used
    head_text = _decoded_head(head, head_codec, name)
    first = first_records(head_text, sep)
    check_title_rows(first, name)
    if shape.unclosed_quote_row is not None:
        raise DataValidationError(_csv_error_message("EOF", shape.unclosed_quote_row, name))
    if shape.short_rows:
        raise DataValidationError(_fields_problem(shape.short_rows, width, name))
    header = [cell.strip() for cell in first[0]]
    check_header_names(header, name, allow_blank=True)
    wanted = set(numeric(header)) if numeric is not None else set()
    dtypes: dict[int, Any] = {i: str for i, label in enumerate(header) if label not in wanted}
    try:
        frame = _read_arrow(
            path, sep, width, dtypes, used, rows=shape.records - 1, blank=shape.blank_records
        )
        if frame is None:
            frame = _read_fast(path, sep, width, dtypes, used, shape.records - 1)
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            f"{name}: cannot decode the file as {used!r} ({exc.reason}); pass the file's "
            "encoding (e.g. --encoding gb18030), or save it as 'CSV UTF-8'"
        ) from None
    except (pd.errors.ParserError, ValueError, OverflowError):
        return _read_csv_slow(path, encoding, name)
    except OSError as exc:
        raise file_error(exc, path, "read") from None
    if frame is None:
        return _read_csv_slow(path, encoding, name)
    frame.columns = header
    frame = tidy_headers(frame, name)
    frame.attrs["separator"] = sep
    return frame, used


_PANDAS_MAJOR = int(pd.__version__.split(".")[0])
#: Rows parsed at once by the fast path (bounds the parser's working memory).
READ_CHUNK_ROWS = 500_000


def fast_read_options(sep: str, width: int, text: dict[int, Any], encoding: str) -> dict[str, Any]:
    """Options of ``pandas.read_csv`` for the fast path (:func:`_read_fast`), in blocks of rows.

    Shared with the streamed ``standardize`` (:mod:`yieldtrial.io.streaming`) when pyarrow
    is not installed, so both parse a file alike.

    Parameters
    ----------
    sep : str
        The separator found in the file's head.
    width : int
        Columns of the header.
    text : dict
        Column position -> ``str`` for the columns kept as text (the others are numbers).
    encoding : str
        The file's encoding (UTF-8 is read as ``utf-8-sig``: a BOM is dropped).

    Returns
    -------
    dict
        Keyword arguments of ``pandas.read_csv`` (``chunksize`` :data:`READ_CHUNK_ROWS`).
    """
    options: dict[str, Any] = {
        "sep": sep,
        "header": None,
        "skiprows": 1,
        "names": list(range(width)),
        "dtype": text,
        "na_values": list(NA_VALUES),
        "keep_default_na": False,
        "skip_blank_lines": False,
        "quotechar": '"',
        "doublequote": True,
        "encoding": "utf-8-sig"
        if encoding.replace("_", "-").lower() in ("utf-8", "utf8")
        else encoding,
        "encoding_errors": "strict",
        "chunksize": READ_CHUNK_ROWS,
    }
    if _PANDAS_MAJOR < 3:  # pandas 2's default parser can be one ulp off; pandas 3's is exact
        options["float_precision"] = "round_trip"
    return options


def _read_fast(
    path: Path, sep: str, width: int, text: dict[int, Any], encoding: str, rows: int
) -> pd.DataFrame | None:
    """Parse with pandas' C engine in blocks of rows; None when the row count disagrees.

    Numeric columns are gathered into one float array each as the blocks arrive (no
    second copy); a numeric column that turns out to hold text in some block is kept
    as cells for the caller to parse and report.  Text columns keep pandas' string
    storage (pyarrow when installed), which concatenates without copying.
    """
    from yieldtrial.io.progress import terminal_progress

    reader = pd.read_csv(path, **fast_read_options(sep, width, text, encoding))
    numbers = {i: np.empty(rows, dtype=float) for i in range(width) if i not in text}
    pieces: dict[int, list[pd.Series]] = {i: [] for i in text}
    done = 0
    with reader, terminal_progress(f"reading {path.name}", rows) as progress:
        for chunk in reader:
            size = len(chunk)
            if done + size > rows:
                return None
            for i in range(width):
                column = chunk[i]
                if i in numbers and plain_numbers(column):
                    numbers[i][done : done + size] = column.to_numpy(dtype=float, na_value=np.nan)
                    continue
                if i in numbers:  # text in a numeric column: keep the cells from here on
                    pieces[i] = [pd.Series(numbers.pop(i)[:done], dtype=object)]
                pieces[i].append(column)
            done += size
            progress(done)
    if done != rows:
        return None
    columns: dict[int, Any] = {i: values for i, values in numbers.items()}
    for i, parts in pieces.items():
        columns[i] = pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype=object)
    frame = pd.DataFrame({i: columns[i] for i in range(width)}, copy=False)
    return frame


def _read_optimistic(
    path: Path,
    head: bytes,
    sep: str,
    width: int,
    encoding: str | None,
    numeric: NumericHeaders | None,
) -> tuple[pd.DataFrame, str] | None:
    """Read a clean UTF-8 file with pyarrow straight away (no byte scan first).

    pyarrow refuses short and long rows and text that is not UTF-8, and the file's
    quotes are counted (an odd count is an unclosed quote, which pyarrow would accept
    at the end of the file); any of these returns None, and the caller scans the file to
    say exactly what is wrong.
    """
    if encoding not in (None, "utf-8", "utf8", "utf-8-sig", "UTF-8"):
        return None
    body = head.removeprefix(codecs.BOM_UTF8)
    cut = body.rfind(b"\n")
    try:
        head_text = (body if len(head) < HEAD_BYTES else body[: cut + 1]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    first = first_records(head_text, sep)
    if not first or len(first[0]) != width:
        return None
    check_title_rows(first, path.name)
    header = [cell.strip() for cell in first[0]]
    check_header_names(header, path.name, allow_blank=True)
    if _odd_quote_count(path):
        return None
    wanted = set(numeric(header)) if numeric is not None else set()
    text = {i: str for i, label in enumerate(header) if label not in wanted}
    rows = estimated_row_count(path, head_text)
    frame = _read_arrow(path, sep, width, text, "utf-8", rows=None, blank=None, estimate=rows)
    if frame is None:
        return None
    frame.columns = header
    return tidy_headers(frame, path.name), "utf-8-sig"


def _odd_quote_count(path: Path) -> bool:
    count = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                count += chunk.count(b'"')
    except OSError as exc:
        raise file_error(exc, path, "read") from None
    return count % 2 == 1


def estimated_row_count(path: Path, head_text: str) -> int:
    """Estimate the rows of a file from its size and the mean line length of its head.

    Parameters
    ----------
    path : Path
        The file.
    head_text : str
        Its head, cut at the last line break.

    Returns
    -------
    int
        110 % of size / mean line length, plus 1024 (1024 for a head of fewer than two
        lines): a progress bar's total, not a count.
    """
    lines = head_text.count("\n")
    if lines < 2:
        return 1024
    size = path.stat().st_size
    return int(size / (len(head_text.encode("utf-8")) / lines) * 1.1) + 1024


def _read_arrow(
    path: Path,
    sep: str,
    width: int,
    text: dict[int, Any],
    encoding: str,
    *,
    rows: int | None,
    blank: list[int] | None,
    estimate: int | None = None,
) -> pd.DataFrame | None:
    """Parse with pyarrow's streaming CSV reader; None when it does not apply.

    pyarrow parses numbers and keeps text without making a Python object per cell,
    block by block, so the table is built in about the time and memory
    ``pandas.read_csv`` needs.  It applies to UTF-8 files whose numeric columns hold
    only numbers and missing-value marks; anything else (a ``13%`` cell, a line of
    spaces, no pyarrow) returns None and the caller uses pandas' C engine.

    pyarrow opens a path by its UTF-8 bytes, not the file system's: in a GB18030 locale
    (``LC_ALL=zh_CN.GB18030``) a table named ``小区.csv`` was "no such file" (stop 51).  A
    name whose bytes on disk are not its UTF-8 bytes is left to pandas, which opens it
    through Python.
    """
    known = rows is not None
    if (known and blank is None) or encoding not in ("utf-8-sig", "utf-8", "utf8"):
        return None
    if os.fsencode(path) != str(path).encode("utf-8", "surrogateescape"):
        return None
    from yieldtrial.io._arrow import pyarrow_usable

    if not pyarrow_usable():  # absent, or installed but failing (said once)
        return None
    import pyarrow as pa
    import pyarrow.csv as pcsv

    from yieldtrial.io.progress import terminal_progress

    capacity = rows if rows is not None else (estimate or 1024)
    names = [f"c{i}" for i in range(width)]
    types = {names[i]: (pa.string() if i in text else pa.float64()) for i in range(width)}
    try:
        strings = pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3: no NaN-valued string dtype; pandas' C engine reads it
        return None
    try:
        reader = pcsv.open_csv(
            path,
            read_options=pcsv.ReadOptions(
                skip_rows=1, column_names=names, block_size=8 << 20, use_threads=True
            ),
            parse_options=pcsv.ParseOptions(delimiter=sep, ignore_empty_lines=known),
            convert_options=pcsv.ConvertOptions(
                column_types=types,
                null_values=list(NA_VALUES),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
        numbers = {i: np.empty(capacity, dtype=float) for i in range(width) if i not in text}
        pieces: dict[int, list[Any]] = {i: [] for i in text}
        skipped = len(blank) if blank is not None else 0
        done = 0
        with terminal_progress(f"reading {path.name}", capacity) as progress:
            for batch in reader:
                size = batch.num_rows
                if done + size > capacity:
                    if known:
                        return None
                    capacity = max(2 * capacity, done + size)  # the estimate was short
                    numbers = {i: _grown(values, capacity) for i, values in numbers.items()}
                for i in range(width):
                    column = batch.column(i)
                    if i in numbers:
                        numbers[i][done : done + size] = column.to_numpy(zero_copy_only=False)
                    else:
                        pieces[i].append(column)
                done += size
                progress(min(done + skipped, capacity))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return None  # e.g. text in a numeric column: pandas' path keeps the cells
    if known and done + skipped != rows:
        return None
    rows = done + skipped
    numbers = _fitted(numbers, done)
    columns: dict[int, Any] = dict(numbers)
    for i in list(pieces):
        joined = _joined_text(pieces.pop(i))
        columns[i] = pd.Series(pd.array(joined, dtype=strings), copy=False)
        del joined
    frame = pd.DataFrame({i: columns[i] for i in range(width)}, copy=False)
    del columns, numbers
    if done >= RELEASE_ROWS:
        # the parsed blocks are freed, but pyarrow's allocator (mimalloc, jemalloc) keeps
        # their pages for arrow's next allocations, which a report hardly makes: give them
        # back (5.9 million plots: about 65 MiB held through the report otherwise)
        pa.default_memory_pool().release_unused()
    if blank:  # the file's row numbers: empty lines skipped by pyarrow count in messages
        kept = np.ones(rows, dtype=bool)
        kept[[record - 1 for record in blank if 0 < record <= rows]] = False
        frame.index = np.flatnonzero(kept)
    return frame


#: Rows read by pyarrow from which its allocator's freed pages are given back at the end.
RELEASE_ROWS = 1 << 20


def release_arrow_pages(rows: int) -> None:
    """Give pyarrow's freed pages back to the system after work on ``rows`` plots.

    pyarrow's allocator (mimalloc, jemalloc) keeps the pages of freed arrow arrays for its
    next allocations; the checks of a table's label columns free 60-75 MiB of them on 5.9
    million plots, which numpy's arrays (the yields computed next) cannot use. Nothing is
    done below :data:`RELEASE_ROWS` rows or when pyarrow was never imported.

    Parameters
    ----------
    rows : int
        Plots in the table just checked.
    """
    if rows < RELEASE_ROWS or "pyarrow" not in sys.modules:
        return
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _joined_text(chunks: list[Any]) -> Any:
    """Join arrow ``string`` blocks into one ``large_string`` column, freeing each when copied.

    pandas keeps arrow text as ``large_string`` (8-byte offsets) in one chunk
    (:func:`_one_chunk`). Casting the blocks and then joining them held the blocks, their
    cast offsets and the joined copy at once (for 5.9 million plot ids about 2.5 times the
    column). Here the joined column's text and offsets are allocated once, at their final
    size, and each block is copied in and released (``chunks`` is emptied), so the blocks
    and the copy overlap by one block's worth at the end: the same strings, the same
    missing cells.

    Parameters
    ----------
    chunks : list of pyarrow.StringArray
        The column's blocks in file order (emptied).

    Returns
    -------
    pyarrow.ChunkedArray
        One ``large_string`` chunk.
    """
    import pyarrow as pa

    rows = sum(len(chunk) for chunk in chunks)
    size = 0
    nulls = 0
    for chunk in chunks:
        offsets = np.frombuffer(
            chunk.buffers()[1], dtype=np.int32, count=len(chunk) + 1, offset=4 * chunk.offset
        )
        size += int(offsets[-1]) - int(offsets[0])
        nulls += chunk.null_count
    # in pyarrow's pool, as the cast and joined text were (numpy's heap is left to the checks)
    data_buffer_out = pa.allocate_buffer(max(size, 1))
    ends_buffer = pa.allocate_buffer(8 * (rows + 1))
    data = np.frombuffer(data_buffer_out, dtype=np.uint8, count=size)
    ends = np.frombuffer(ends_buffer, dtype=np.int64)
    ends[0] = 0
    valid = np.empty(rows, dtype=bool) if nulls else None
    row = 0
    at = 0
    chunks.reverse()  # popped from the end: file order
    while chunks:
        chunk = chunks.pop()
        count = len(chunk)
        _, offset_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(
            offset_buffer, dtype=np.int32, count=count + 1, offset=4 * chunk.offset
        )
        first, last = int(offsets[0]), int(offsets[-1])
        if last > first:
            data[at : at + last - first] = np.frombuffer(
                data_buffer, dtype=np.uint8, count=last - first, offset=first
            )
        np.add(offsets[1:], np.int64(at - first), out=ends[row + 1 : row + count + 1])
        if valid is not None:
            valid[row : row + count] = chunk.is_valid().to_numpy(zero_copy_only=False)
        row += count
        at += last - first
        del chunk, offsets, offset_buffer, data_buffer
    bitmap = None
    if valid is not None:
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
        del valid
    joined = pa.Array.from_buffers(
        pa.large_string(), rows, [bitmap, ends_buffer, data_buffer_out], nulls
    )
    del data, ends
    return pa.chunked_array([joined], type=pa.large_string())


def _one_chunk(text: pd.Series, dtype: Any) -> pd.Series:
    """Return an arrow text column as one chunk (the same values).

    pyarrow's ``take`` on a column of several chunks (one per block read) first joins
    them into one new array, so every row selection of a large table's label columns
    (the report's plot lists, outlier and screening rows) made a transient copy of the
    whole column (5.9 million plot ids: about 85 MiB and 0.3 s each); one chunk is taken
    from directly.
    """
    chunked = text.array.__arrow_array__()
    if chunked.num_chunks <= 1:
        return text
    import pyarrow as pa

    one = pa.chunked_array([chunked.combine_chunks()], type=chunked.type)
    return pd.Series(pd.array(one, dtype=dtype), index=text.index, name=text.name, copy=False)


def _fitted(columns: dict[int, np.ndarray], rows: int) -> dict[int, np.ndarray]:
    """Return each column cut to its first ``rows`` values, giving the rest of its buffer back.

    The buffers are sized on an estimate of the rows (10 % over, and more when the first
    lines are longer than the rest); a slice would keep the whole buffer alive as long as
    the column (5.9 million plots: about 11 MiB a numeric column). Each buffer is shrunk
    in place (``realloc``), without a copy, and only when nothing else refers to the array:
    it is taken out of ``columns`` first, so its one reference is ours, and ``resize``
    keeps NumPy's reference check (``refcheck=False`` would let a view or an exported
    buffer of the array point into freed memory: a crash or silently wrong values).  An
    array that is referenced elsewhere (a debugger holding it, say) is sliced instead: the
    same values, the whole buffer kept.  ``columns`` is emptied.
    """
    fitted: dict[int, np.ndarray] = {}
    for i in list(columns):
        values = columns.pop(i)
        if len(values) != rows:
            try:
                values.resize(rows)  # refcheck: refused while another reference exists
            except ValueError:
                values = values[:rows]
        fitted[i] = values
    return fitted


def _grown(values: np.ndarray, capacity: int) -> np.ndarray:
    grown = np.empty(capacity, dtype=values.dtype)
    grown[: len(values)] = values
    return grown


def plain_numbers(column: pd.Series) -> bool:
    """Whether a column already holds numbers (not booleans): nothing to parse."""
    return bool(pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column))


def _raise_empty(name: str, path: Path) -> None:
    raise DataValidationError(
        f"{name}: the file is empty; expected a header row (plot_id, treatment, ...) and one "
        "row per plot"
    )


def first_records(text: str, sep: str) -> list[list[str]]:
    """Parse the first complete records of a head of the file (leniently, for headers).

    Parameters
    ----------
    text : str
        The head of the file; a last, incomplete line is left out.
    sep : str
        The separator (:func:`table_separator`).

    Returns
    -------
    list of list of str
        Up to 13 records (enough to find a header below a title); those before a
        ``csv.Error`` when the head is malformed.
    """
    cut = text.rfind("\n")
    sample = text if cut < 0 else text[: cut + 1]
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=sep)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > _TITLE_SEARCH_ROWS:
                break
    except csv.Error:
        return rows
    return rows


def _read_csv_slow(path: Path, encoding: str | None, name: str) -> tuple[pd.DataFrame, str]:
    """Read with the ``csv`` module: any encoding or quoting; the same checks and messages."""
    text, used = _decode(_read_all(path), encoding, name)
    if not text.strip():
        _raise_empty(name, path)
    if "\x00" in text:
        _check_binary(b"\x00", name)
    sep = table_separator(path, text)
    rows = _csv_rows(text, sep, name)
    del text
    check_title_rows(rows[: _TITLE_SEARCH_ROWS + 1], name)
    header = rows[0]
    width = len(header)
    long_rows: list[str] = []
    short: list[tuple[int, int]] = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            long_rows.append(f"row {number} ({len(row)} fields)")
        elif 1 < len(row) < width or (len(row) == 1 and width > 1 and row[0].strip()):
            short.append((number, len(row)))
    if long_rows:
        raise DataValidationError(_long_rows_problem(long_rows, width, name))
    if short:
        raise DataValidationError(_fields_problem(short, width, name))
    missing = set(NA_VALUES)
    body = [
        [np.nan if cell.strip() in missing else cell for cell in (row + [""] * width)[:width]]
        for row in rows[1:]
    ]
    del rows
    frame = pd.DataFrame(body, columns=list(range(width)), dtype=object)
    frame.columns = [str(c).strip() for c in header]
    frame = tidy_headers(frame, name)
    frame.attrs["separator"] = sep
    return frame, used


def missing_cell_texts(
    path: Path, *, encoding: str, separator: str, cells: Collection[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """Re-read the texts typed in cells the readers read as missing ('n/a', '-', '—').

    The readers turn every :data:`NA_VALUES` text into an empty cell, so a message about
    a required cell could only say it is empty.  Only on that error path, this reads the
    file again with the ``csv`` module up to the last cell asked for (loose58).

    Parameters
    ----------
    path : Path
        The delimited text file read by :func:`read_table_file`.
    encoding : str
        The encoding it was read with (``utf-8-sig``, ``gb18030``, ...).
    separator : str
        Its field separator.
    cells : collection of tuple of int
        (data row position, column position) pairs; position 0 is the row below the header.

    Returns
    -------
    dict
        (position, column) -> the stripped text of each cell asked for that holds one;
        empty cells and unreadable files are left out.
    """
    wanted: dict[int, list[int]] = {}
    for row, column in cells:
        wanted.setdefault(row, []).append(column)
    if not wanted:
        return {}
    last = max(wanted)
    found: dict[tuple[int, int], str] = {}
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            for record, fields in enumerate(csv.reader(handle, delimiter=separator)):
                position = record - 1
                for column in wanted.get(position, ()):
                    text = fields[column].strip() if column < len(fields) else ""
                    if text:
                        found[(position, column)] = text
                if position >= last:
                    break
    except (OSError, LookupError, csv.Error):
        return found
    return found


# ----------------------------------------------------------------------------- byte scan
@dataclass
class ByteScan:
    """What the byte scan found (see :func:`scan_structure`)."""

    records: int = 0
    header_records: int = 1
    short_rows: list[tuple[int, int]] = field(default_factory=list)
    long_rows: bool = False
    malformed_quotes: bool = False
    unclosed_quote_row: int | None = None
    utf8: bool = True
    nul: bool = False
    #: Records (0 = header) that are empty lines, when all of them are known.
    blank_records: list[int] | None = field(default_factory=list)


def scan_structure(path: Path, sep: bytes, width: int, *, check_utf8: bool) -> ByteScan:
    """Count the fields of every record of a CSV file without decoding it into cells.

    Quotes follow RFC 4180: a quoted cell starts right after a separator or a line
    break and ends right before one; a quote inside it is doubled.  A quote anywhere
    else sets ``malformed_quotes`` (the caller then uses the ``csv`` module).  Works
    on the bytes of UTF-8 and GB18030 files alike (their multi-byte characters never
    contain the separator, quote or line-break bytes).

    Parameters
    ----------
    path : Path
        The CSV file.
    sep : bytes
        The separator, one byte.
    width : int
        Fields of the header record.
    check_utf8 : bool
        Also tell whether the bytes are valid UTF-8 (``utf8``).

    Returns
    -------
    ByteScan
        Records, short and long rows, quoting, NUL bytes, UTF-8 validity.
    """
    shape = ByteScan()
    sep_byte = sep[0]
    decoder = codecs.getincrementaldecoder("utf-8")() if check_utf8 else None
    quotes = 0  # quotes seen so far (parity: inside a quoted cell when odd)
    record = 0  # index of the current record (0 = header)
    seps_in_record = 0  # separators of the current record seen in earlier chunks
    record_start = 0  # absolute offset of the current record
    last_open_record = 0
    prev_byte = _NL
    offset = 0  # absolute offset of the chunk
    candidates: list[tuple[int, int, int]] = []  # (record, start, end) one-field records
    short: list[tuple[int, int]] = []
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise file_error(exc, path, "read") from None
    with handle:
        chunk = handle.read(_CHUNK)
        if chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[3:]
            offset = record_start = 3
        while chunk:
            following = handle.read(_CHUNK)
            if decoder is not None:
                try:
                    decoder.decode(chunk, final=not following)
                except UnicodeDecodeError:
                    decoder = None
                    shape.utf8 = False
            if b"\x00" in chunk:
                shape.nul = True
                return shape
            arr = np.frombuffer(chunk, dtype=np.uint8)
            size = arr.size
            lookahead = following[0] if following else -1
            qpos = np.flatnonzero(arr == _QUOTE)
            nl = np.flatnonzero(arr == _NL)
            sp = np.flatnonzero(arr == sep_byte)
            if qpos.size:
                before = quotes + np.arange(qpos.size)
                opening = before % 2 == 0
                prev = np.where(qpos > 0, arr[np.maximum(qpos - 1, 0)], prev_byte)
                nxt = np.where(
                    qpos + 1 < size, arr[np.minimum(qpos + 1, size - 1)].astype(int), lookahead
                )
                ok_open = (prev == sep_byte) | (prev == _NL) | (prev == _QUOTE)
                ok_close = (
                    (nxt == sep_byte) | (nxt == _NL) | (nxt == _CR) | (nxt == _QUOTE) | (nxt == -1)
                )
                if np.any(opening & ~ok_open) or np.any(~opening & ~ok_close):
                    shape.malformed_quotes = True
                    return shape
                nl = nl[(quotes + np.searchsorted(qpos, nl)) % 2 == 0]
                sp = sp[(quotes + np.searchsorted(qpos, sp)) % 2 == 0]
                opens = qpos[opening]
                if opens.size:
                    last_open_record = record + int(np.searchsorted(nl, opens[-1]))
                quotes += int(qpos.size)
            elif quotes % 2 == 1:
                nl = nl[:0]
                sp = sp[:0]
            if nl.size:
                seps_before = np.searchsorted(sp, nl)
                per = np.diff(seps_before, prepend=0)
                per[0] += seps_in_record
                fields = per + 1
                starts = np.concatenate(([record_start], offset + nl[:-1] + 1))
                ends = offset + nl
                numbers = record + np.arange(nl.size)
                shape.long_rows = shape.long_rows or bool(np.any(fields[numbers > 0] > width))
                if record == 0:
                    shape.header_records = 1 if fields[0] == width else 0
                few = np.flatnonzero((fields < width) & (numbers > 0))
                for i in few[:1000].tolist():
                    if fields[i] == 1:
                        candidates.append((int(numbers[i]), int(starts[i]), int(ends[i])))
                    else:
                        short.append((int(numbers[i]) + 1, int(fields[i])))
                record += int(nl.size)
                seps_in_record = int(sp.size - seps_before[-1])
                record_start = offset + int(nl[-1]) + 1
            else:
                seps_in_record += int(sp.size)
            prev_byte = int(arr[-1])
            offset += size
            chunk = following
        if offset > record_start:  # a last record without a line break
            fields_last = seps_in_record + 1
            if record > 0 and fields_last > width:
                shape.long_rows = True
            elif record > 0 and fields_last < width:
                if fields_last == 1:
                    candidates.append((record, record_start, offset))
                else:
                    short.append((record + 1, fields_last))
            elif record == 0 and fields_last != width:
                shape.header_records = 0
            record += 1
        if quotes % 2 == 1:
            shape.unclosed_quote_row = last_open_record + 1
        if width > 1:
            blank: list[int] | None = [] if len(candidates) < 1000 else None
            for number, start, end in candidates[:1000]:
                if end - start <= 1:
                    if blank is not None:
                        blank.append(number)
                    continue
                handle.seek(start)
                if handle.read(min(end - start, 4096)).strip():
                    short.append((number + 1, 1))
                else:
                    blank = None  # spaces only: not an empty line to pyarrow
            shape.blank_records = blank
        else:
            shape.blank_records = None
    shape.records = record
    shape.short_rows = sorted(short)
    return shape


# ----------------------------------------------------------------------------- header checks
def check_title_rows(rows: Sequence[Sequence[object]], name: str) -> None:
    """Refuse a title (or notes) row above the header, saying where the header is.

    Parameters
    ----------
    rows : sequence of sequence
        The first rows of the table (:func:`first_records`, or a sheet's first rows).
    name : str
        The file's name, for the message.

    Raises
    ------
    DataValidationError
        Row 1 is a title or Excel's ``sep=`` line and a later row holds the header.
    """
    from yieldtrial.io.headers import recognise_header

    if len(rows) < 2:
        return
    first = [("" if v is None else str(v)).strip() for v in rows[0]]
    filled = [cell for cell in first if cell and cell.lower() != "nan"]
    if any(recognise_header(cell)[0] for cell in filled):
        return
    if len(filled) > 1 and len(filled) == len(first):
        return  # a full row of names that are simply not aliases: columns= may map them
    for number, row in enumerate(rows[1:], start=2):
        cells = [("" if v is None else str(v)).strip() for v in row]
        found = {recognise_header(cell)[0] for cell in cells if cell}
        found.discard(None)
        if len(found) >= 2 and found & {"plot_id", "treatment"}:
            if len(filled) == 1 and re.fullmatch(r"sep=.?", filled[0], re.IGNORECASE):
                raise DataValidationError(
                    f"{name}: row 1 is Excel's separator line ('sep=...'), not the header; "
                    f"delete it (the header is row {number}): yieldtrial recognises comma, "
                    "semicolon and tab separators from the header row"
                )
            title = " ".join(filled)[:60] or "(empty)"
            raise DataValidationError(
                f"{name}: the header row is row {number}, not row 1: row 1 ({title!r}) looks like "
                "a title above the table. Delete the rows above the header (yieldtrial reads "
                "the first row as the column headers)"
            )


def is_blank_header(label: object) -> bool:
    """Tell whether a column header is empty: blank, ``nan`` or pandas' ``Unnamed: 3``.

    Parameters
    ----------
    label : object
        A header cell (None for an empty one).

    Returns
    -------
    bool
        True for a header that names no column.
    """
    text = "" if label is None else str(label).strip()
    return not text or text.lower() == "nan" or re.fullmatch(r"Unnamed: \d+", text) is not None


def tidy_headers(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Drop empty columns without a header (Excel's trailing commas); check the rest.

    Parameters
    ----------
    frame : DataFrame
        Raw table with the header texts as column names.
    name : str
        File name for messages.

    Returns
    -------
    DataFrame
        The table without header-less empty columns, headers stripped of spaces,
        zero-width and control characters.
    """
    keep: list[int] = []
    for position, label in enumerate(frame.columns):
        if is_blank_header(label):
            column = frame.iloc[:, position]
            if column.isna().all() or column.astype(str).str.strip().eq("").all():
                continue
            raise DataValidationError(
                f"{name}: column {position + 1} holds values but has no header; name it (e.g. "
                "notes) or delete the column"
            )
        keep.append(position)
    tidy = frame.iloc[:, keep].copy() if len(keep) < frame.shape[1] else frame
    # a zero-width space or a BOM pasted into a header ('\ufefftreatment') is invisible in
    # every editor: the column was not found and the message showed the escape
    tidy.columns = [_clean_header(str(c)) for c in tidy.columns]
    check_header_names(tidy.columns, name)
    return tidy


def check_header_names(header: Iterable[object], name: str, *, allow_blank: bool = False) -> None:
    """Refuse a header that names a column twice, or (unless allowed) leaves one empty.

    Parameters
    ----------
    header : iterable
        The header cells.
    name : str
        The file's name, for the message.
    allow_blank : bool, default False
        Let empty headers pass (:func:`is_blank_header`: Excel's trailing commas).

    Raises
    ------
    DataValidationError
        A repeated header (named), or an empty one (its column numbers).
    """
    seen: dict[str, int] = {}
    duplicated: list[str] = []
    blank: list[str] = []
    for position, label in enumerate(header, start=1):
        text = _validation.clean_text(str(label)).strip()
        if not text or (allow_blank and is_blank_header(text)):
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
    if blank and not allow_blank:
        raise DataValidationError(
            f"{name}: column {_validation.list_items(blank)} has an empty header; name it or "
            "delete the column"
        )


# ----------------------------------------------------------------------------- Excel
def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _open_workbook(path: Path, *, data_only: bool) -> Any:
    """Open a workbook read-only with ``openpyxl.load_workbook``; retry without its charts.

    A chart sheet holds no plot table. openpyxl 3.1 fails on a chart sheet without a
    drawing (``AttributeError: 'list' object has no attribute 'find'``), and a chart it
    cannot parse makes the whole workbook unreadable; only when the public loader fails is
    the workbook read again with chart sheets kept by name alone (an empty chart sheet in
    their place, through openpyxl's reader). If that fails too, the file is reported as
    damaged from the first failure.
    """
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except (MemoryError, RecursionError):
        raise
    except OSError as exc:
        raise file_error(exc, path, "read") from None
    except Exception as exc:  # corrupt zip, missing parts, bad XML, or a chart it cannot read
        first = exc
    try:
        return _open_workbook_without_charts(path, data_only=data_only)
    except (MemoryError, RecursionError):
        raise
    except Exception:  # not only a chart: the first failure says what is wrong
        raise _corrupt_workbook(path, first) from None


def _open_workbook_without_charts(path: Path, *, data_only: bool) -> Any:
    """Read a workbook as ``load_workbook`` does, each chart sheet kept by its name only."""
    from openpyxl.chartsheet import Chartsheet
    from openpyxl.reader.excel import ExcelReader

    reader = ExcelReader(path, read_only=True, data_only=data_only)

    def chart_sheet(sheet: Any, rel: Any) -> None:
        reader.wb._add_sheet(Chartsheet(parent=reader.wb, title=sheet.name))

    reader.read_chartsheet = chart_sheet
    reader.read()
    return reader.wb


def _corrupt_workbook(path: Path, exc: BaseException) -> DataValidationError:
    head = read_head(path, 8)
    if not head.startswith(b"PK"):
        kind = "it is not a ZIP archive"
        try:
            head.decode("utf-8")
            kind += " (it looks like text: a CSV file named .xlsx? rename it .csv)"
        except UnicodeDecodeError:
            pass
    else:
        kind = _workbook_damage(exc)
    return DataValidationError(
        f"{path.name}: not a readable .xlsx workbook ({kind}); open it in Excel and save it "
        "again as .xlsx, or export the sheet as CSV"
    )


def _workbook_damage(exc: BaseException) -> str:
    """Say in words what is wrong inside a ZIP-based workbook (no exception class names)."""
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "its ZIP archive is damaged or cut short, e.g. by an interrupted download or copy"
    if isinstance(exc, zlib.error):
        return "a compressed part of it is damaged"
    if isinstance(exc, KeyError):
        part = re.search(r"named '([^']{1,120})'", str(exc))
        where = f" ({part.group(1)})" if part else ""
        return f"a part of the workbook is missing{where}"
    if isinstance(exc, ParseError) or type(exc).__name__ == "XMLSyntaxError":  # lxml's
        return "a part of the workbook is not valid XML"
    return "its parts are not those of an Excel workbook, or are damaged"


def _sheet_named(names: list[str], sheet: str) -> str | None:
    """Return the worksheet ``sheet`` names: exactly, else the one equal ignoring case.

    ``--sheet plots`` finds ``Plots`` (Excel keeps sheet names unique ignoring case;
    a file written otherwise needs the exact name).
    """
    if sheet in names:
        return sheet
    key = sheet.strip().casefold()
    found = [n for n in names if n.strip().casefold() == key]
    return found[0] if len(found) == 1 else None


def _sheet_rows(
    workbook: Any, sheet: str | int | None, path: Path, last_value_row: int | None = None
) -> list[list[Any]]:
    try:
        if not workbook.worksheets:
            raise DataValidationError(
                f"{path.name}: the workbook has no worksheet (only chart sheets, or its sheets "
                "are missing from the file); open it in Excel and save it again, or export the "
                "sheet as CSV"
            )
        if sheet is None:
            worksheet = _default_worksheet(workbook)
        elif isinstance(sheet, int):
            worksheet = workbook.worksheets[sheet]
        elif (name := _sheet_named(workbook.sheetnames, sheet)) is not None:
            worksheet = workbook[name]
        else:
            raise DataValidationError(
                f"{path.name}: no sheet named {sheet!r}; sheets: "
                f"{', '.join(repr(s) for s in workbook.sheetnames)}"
            )
        return _trimmed_rows(worksheet, path, last_value_row)
    except (DataValidationError, MemoryError, RecursionError):
        raise
    except IndexError as exc:
        if not isinstance(sheet, int):
            raise _corrupt_workbook(path, exc) from None
        raise DataValidationError(
            f"{path.name}: there is no sheet number {sheet} (the workbook has "
            f"{len(workbook.worksheets)} worksheet{'s' if len(workbook.worksheets) != 1 else ''})"
        ) from None
    except Exception as exc:  # a part of the zip that is broken
        raise _corrupt_workbook(path, exc) from None
    finally:
        workbook.close()


def _trimmed_rows(worksheet: Any, path: Path, last_value_row: int | None = None) -> list[list[Any]]:
    """Rows of a read-only worksheet, each without its trailing empty cells.

    The declared dimension of the sheet (``<dimension ref="A1:XFD1048576"/>``, written
    by some programs after a whole-sheet format) is ignored, so openpyxl does not pad
    every row to it; trailing empty rows are dropped. A sheet whose values still span
    more than :data:`MAX_SHEET_CELLS` cells (a stray value far from the table) is refused
    naming its last cell, instead of building billions of empty cells.

    ``last_value_row`` is the sheet row of the last cell with a value or formula, found
    in the sheet's XML by :func:`_last_value_row` (None when unknown: every row is
    read). The reading stops after :data:`_EMPTY_ROWS_READ` empty rows past it, so a
    column formatted down to row 1,048,576 is not parsed row by row (minutes).
    """
    reset = getattr(worksheet, "reset_dimensions", None)
    if reset is not None:
        reset()
    empty: list[Any] = []
    rows: list[list[Any]] = []
    last = 0  # rows up to the last one holding a value
    width = 0
    stop = None if last_value_row is None else last_value_row + _EMPTY_ROWS_READ
    for values in worksheet.iter_rows(values_only=True):
        if stop is not None and len(rows) >= stop and len(rows) - last >= _EMPTY_ROWS_READ:
            break  # only empty (formatted) rows follow
        end = len(values)
        while end and values[end - 1] is None:
            end -= 1
        if len(rows) >= _EXCEL_ROWS:
            raise DataValidationError(
                f"{path.name}: the sheet holds more than {_EXCEL_ROWS:,} rows, the most an "
                "Excel sheet can hold; it was not saved by a spreadsheet program: open it in "
                "Excel or LibreOffice and save it again, or export the table as CSV"
            )
        if end:
            rows.append(list(values[:end]))
            last = len(rows)
            width = max(width, end)
            if last * width > MAX_SHEET_CELLS:
                raise DataValidationError(
                    f"{path.name}: the sheet's values reach cell "
                    f"{_column_letter(width - 1)}{last} ({last:,} rows x {width:,} columns): "
                    "far more than a plot table; delete the stray values (or rows and columns) "
                    "beyond the table, or export the table as CSV"
                )
        else:
            rows.append(empty)
    del rows[last:]
    return rows


def _read_xlsx(path: Path, sheet: str | int | None) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("openpyxl", "xlsx", "reading an Excel (.xlsx) file") from exc
    head = read_head(path, 8)
    if not head.startswith(b"PK\x03\x04"):
        raise _corrupt_workbook(path, ValueError("not a zip file"))
    if sheet is None and _yieldtrial_workbook(path):
        raise _report_workbook_error(path)
    _check_packed_sizes(path)
    _check_shared_text_sizes(path)
    xml = _sheet_xml(path, sheet)
    _check_row_numbers(path, xml)
    _check_shared_strings(path, xml)
    last_value_row = _last_value_row(xml)
    rows = _sheet_rows(_open_workbook(path, data_only=True), sheet, path, last_value_row)
    if sheet is None and sum(any(v is not None for v in row) for row in rows) < 2:
        check_other_sheets(path)
    if (
        _FORMULA_TAG.search(xml)
        or len({len(row) for row in rows}) > 1
        or any(value is None for row in rows for value in row)
    ):
        _check_formulas(path, sheet, rows, last_value_row)
    merged = _merged_ranges(xml) if b"mergeCell" in xml else []
    hidden = [r for r in _hidden_rows(xml) if 2 <= r <= len(rows)] if b"hidden" in xml else []
    if not rows or all(v is None for v in rows[0]):
        raise DataValidationError(
            f"{path.name}: the first row of the sheet is empty; expected the header row there"
        )
    check_title_rows(rows[: _TITLE_SEARCH_ROWS + 1], path.name)
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
    frame = tidy_headers(frame, path.name)
    hidden = [r for r in hidden if any(v is not None for v in rows[r - 1])]
    if hidden:
        frame.attrs["hidden_rows"] = hidden  # warned about by read_plots
    if sheet is None:  # a first sheet that is no plot table names the others (stop 50)
        frame.attrs["default_sheet_of"] = str(path)
    percent = _percent_cells(path, xml)
    if percent:
        # (frame index, header) of each number shown as a percentage: 13.5 % is stored 0.135
        frame.attrs["percent_cells"] = [
            (row - 2, _clean_header(header[column]))
            for row, column in percent
            if 2 <= row <= len(rows)
            and column < width
            and _number_at(rows, row, column) is not None  # any number: 1 is 100 %
        ]
    if merged:
        # (range, header) of each column a merged range covers, checked once headers are mapped
        frame.attrs["merged_cells"] = [
            (ref, header[column].strip())
            for ref, first, last in merged
            for column in range(first, min(last, width - 1) + 1)
        ]
    return frame


_SHARED_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*\bt="s"[^>]*)>\s*<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')
_SHARED_ITEM = re.compile(rb"<(?:\w+:)?si\b")


#: Largest XML of one shared text [bytes]: an Excel cell holds at most 32,767 characters
#: (4 bytes each in UTF-8), and rich text adds its formatting runs; beyond this the text
#: was not written by a spreadsheet program, and reading it would take a minute.
_LONGEST_SHARED_TEXT = 8 * 1024**2

#: Bytes of the shared texts scanned at once for their longest item.
_SCAN_PIECE = 1 << 24


#: A workbook part unpacking to more than this many bytes and :data:`_PACKED_RATIO` times
#: its packed size is refused (a zip bomb): spreadsheet XML packs 5-20 times, a 1.5 MB
#: sheet of 1.5 GB blanks took 35 s and 3.3 GB of memory before the table was read.
_PACKED_LARGE = 64 << 20
#: See :data:`_PACKED_LARGE`.
_PACKED_RATIO = 200


def _check_packed_sizes(path: Path) -> None:
    """Refuse a workbook whose parts unpack far beyond any spreadsheet's (a zip bomb).

    The sizes are those the archive declares; ``zipfile`` reads no more than them.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except Exception:  # noqa: BLE001 - a damaged archive is reported by the workbook reader
        return
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > _PACKED_LARGE and size > _PACKED_RATIO * packed:
            raise DataValidationError(
                f"{path.name}: its part '{info.filename}' unpacks from {packed:,} bytes to "
                f"{size:,} ({size // packed:,} times): no spreadsheet program packs a sheet "
                "so tightly (a zip bomb?); open the workbook in Excel or LibreOffice and save "
                "it again, or export the table as CSV"
            )


def _check_shared_text_sizes(path: Path) -> None:
    """Refuse a shared text longer than any spreadsheet cell, before openpyxl reads it.

    openpyxl reads every shared text when it opens a workbook: a 300 MB text took 30-80 s
    and 1.2 GB before the label checks refused it.  The texts' part is scanned in pieces
    for the starts of its items (``<si>``); the longest item is the largest gap.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            part = next(
                (n for n in archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None
            )
            if part is None or archive.getinfo(part).file_size <= _LONGEST_SHARED_TEXT:
                return
            index, size = _longest_item(archive, part)
    except Exception:  # noqa: BLE001 - a damaged archive is reported by the workbook reader
        return
    if size > _LONGEST_SHARED_TEXT:
        _refuse_long_text(path, index, size)


def _longest_item(archive: Any, part: str) -> tuple[int, int]:
    """Return ``(number, bytes)`` of the longest ``<si>`` item of the shared texts (in pieces)."""
    best, count, previous, total, seen = (0, 0), 0, -1, 0, -1
    carry = b""
    with archive.open(part) as stream:
        for chunk in iter(lambda: stream.read(_SCAN_PIECE), b""):
            data, base = carry + chunk, total - len(carry)
            for match in _SHARED_ITEM.finditer(data):
                start = base + match.start()
                if start <= seen:
                    continue  # found in the overlap already
                if previous >= 0 and start - previous > best[1]:
                    best = (count - 1, start - previous)
                previous, seen, count = start, start, count + 1
            total += len(chunk)
            carry = data[-32:]
    if previous >= 0 and total - previous > best[1]:
        best = (count - 1, total - previous)
    return best


def _refuse_long_text(path: Path, index: int, size: int) -> None:
    """Refuse a workbook whose shared text ``index`` is ``size`` bytes of XML, naming its cell."""
    import zipfile

    cell, wanted = None, str(index).encode()
    with contextlib.suppress(Exception), zipfile.ZipFile(path) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/")):
            for match in _SHARED_CELL.finditer(archive.read(name)):
                if match.group(2).strip() == wanted:
                    cell = dict(_ATTRIBUTE.findall(match.group(1))).get(b"r", b"?")
                    break
            if cell is not None:
                break
    where = (
        f"cell {cell.decode('ascii', 'replace')} holds"
        if cell is not None
        else f"the workbook's text number {index} is"
    )
    raise DataValidationError(
        f"{path.name}: {where} a text of about {size / 1024**2:,.0f} MB, while an Excel cell "
        "holds at most 32,767 characters (the file is damaged or was not written by a "
        "spreadsheet program); open it in Excel and save it again as .xlsx, or export the "
        "sheet as CSV"
    )


def _check_shared_strings(path: Path, xml: bytes) -> None:
    """Refuse text cells that point outside the workbook's shared strings.

    A text cell of an .xlsx holds the index of its text in ``xl/sharedStrings.xml``; an
    index past the end would fail deep in the reader, and a negative one (``-1``) would
    silently read the last text of the workbook.
    """
    import zipfile

    if b't="s"' not in xml:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            part = next(
                (n for n in archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None
            )
            texts = archive.read(part) if part else b""
    except Exception:  # noqa: BLE001 - a damaged archive is reported by the workbook reader
        return
    count = len(_SHARED_ITEM.findall(texts))
    del texts
    for match in _SHARED_CELL.finditer(xml):
        index = match.group(2).strip()
        if index.isdigit() and int(index) < count:
            continue
        ref = dict(_ATTRIBUTE.findall(match.group(1))).get(b"r", b"?").decode("ascii", "replace")
        raise DataValidationError(
            f"{path.name}: cell {ref} refers to text number {index.decode('ascii', 'replace')!r} "
            f"of the workbook, which holds {count} text{'s' if count != 1 else ''} (the file is "
            "damaged or was written by a faulty program); open it in Excel and save it again "
            "as .xlsx, or export the sheet as CSV"
        )


def _clean_header(label: str) -> str:
    """Return the header text as :func:`tidy_headers` leaves it."""
    return _validation.INVISIBLE.sub("", _validation.clean_text(label)).strip()


def _number_at(rows: list[list[Any]], row: int, column: int) -> float | None:
    """Return the number in a sheet cell (1-based row, 0-based column); None for text."""
    values = rows[row - 1]
    value = values[column] if column < len(values) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


_XF = re.compile(rb"<(?:\w+:)?xf\b[^>]*>")
_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\b[^>]*>")
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.DOTALL)
_CELL_REF = re.compile(rb"([A-Z]{1,3})(\d+)")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")
_ATTRIBUTE = re.compile(rb'\b(r|s|t|numFmtId|formatCode)="([^"]*)"')
#: Excel's built-in number formats that show a percentage (0% and 0.00%).
_PERCENT_FORMATS = frozenset({9, 10})


def _shows_percent(code: str) -> bool:
    """Tell whether an Excel number format code shows its number as a percentage."""
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)  # quoted text, escapes, [colours]
    return "%" in code.split(";")[0]


def _percent_cells(path: Path, xml: bytes) -> list[tuple[int, int]]:
    """Cells of the sheet XML formatted as a percentage: (1-based row, 0-based column).

    Excel stores 13.5 % as 0.135 and shows it with a percent format; a plot table's
    percent columns mean the number shown. Anything unexpected gives no cells.
    """
    import html
    import zipfile

    if not xml or b' s="' not in xml:
        return []
    try:
        with zipfile.ZipFile(path) as archive:
            styles = archive.read("xl/styles.xml")
    except Exception:  # noqa: BLE001 - a workbook without styles shows no percentages
        return []
    custom = set()
    for tag in _NUMFMT.finditer(styles):
        attrs = dict(_ATTRIBUTE.findall(tag.group(0)))
        code = html.unescape(attrs.get(b"formatCode", b"").decode("utf-8", "replace"))
        if attrs.get(b"numFmtId", b"").isdigit() and _shows_percent(code):
            custom.add(int(attrs[b"numFmtId"]))
    block = _CELL_XFS.search(styles)
    if block is None:
        return []
    styled = set()
    for index, tag in enumerate(_XF.finditer(block.group(0))):
        number_format = dict(_ATTRIBUTE.findall(tag.group(0))).get(b"numFmtId", b"")
        if number_format.isdigit() and int(number_format) in (_PERCENT_FORMATS | custom):
            styled.add(str(index).encode("ascii"))
    if not styled:
        return []
    cells = []
    for tag in _CELL_TAG.finditer(xml):
        attrs = dict(_ATTRIBUTE.findall(tag.group(1)))
        if attrs.get(b"s") not in styled or attrs.get(b"t", b"n") != b"n":
            continue
        match = _CELL_REF.fullmatch(attrs.get(b"r", b""))
        if match is not None:
            cells.append((int(match.group(2)), _column_index(match.group(1).decode("ascii"))))
    return cells


def _default_worksheet(workbook: Any) -> Any:
    """Return the sheet read without ``sheet=``: the first one Excel shows (not hidden).

    A hidden first sheet (an old version of the table, a lookup list) is not what the
    user sees on opening the file; reading it silently would analyse other numbers.
    """
    visible = [w for w in workbook.worksheets if getattr(w, "sheet_state", "visible") == "visible"]
    return visible[0] if visible else workbook.worksheets[0]


def check_other_sheets(path: Path) -> None:
    """Refuse a first sheet without a table when the workbook has other sheets.

    A first sheet of one row or none, and (stop 50) a first sheet of notes (``说明``) whose
    header holds none of a plot table's columns (:mod:`yieldtrial.io.plots` calls it then):
    "missing required columns" did not say that the plots were on another sheet.
    """
    workbook = _open_workbook(path, data_only=True)
    try:
        names = list(workbook.sheetnames)
        first = _default_worksheet(workbook).title if workbook.worksheets else names[0]
    finally:
        workbook.close()
    if len(names) > 1:
        raise DataValidationError(
            f"{path.name}: the first sheet, {first!r}, holds no plot table (a header row and "
            "one row per plot); the workbook's sheets are "
            f"{_validation.list_items(repr(n) for n in names)}: choose the sheet with the plot "
            "table with sheet= (command line: --sheet NAME)"
        )


#: A cell formula in worksheet XML (``<f>``, ``<x:f t="shared" .../>``).
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _sheet_xml(path: Path, sheet: str | int | None) -> bytes:
    """Return the XML of the worksheet that was read (b"" when it cannot be found).

    openpyxl's read-only sheets report neither merged cells nor hidden rows, so the
    sheet's XML is searched for them; anything unexpected gives no XML (both are hints).
    """
    import zipfile

    workbook = _open_workbook(path, data_only=True)
    try:
        if sheet is None:
            worksheet = _default_worksheet(workbook)
        elif isinstance(sheet, int):
            worksheet = workbook.worksheets[sheet]
        else:
            worksheet = workbook[_sheet_named(workbook.sheetnames, sheet) or sheet]
        part = str(getattr(worksheet, "_worksheet_path", "")).lstrip("/")
    except Exception:  # noqa: BLE001 - the rows were read; the XML only adds hints
        return b""
    finally:
        workbook.close()
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read(part)
    except Exception:  # noqa: BLE001 - as above
        return b""


#: Rows of an Excel worksheet at most.
_EXCEL_ROWS = 1_048_576
#: The number of a ``<row r="...">`` tag of a sheet's XML.
_ROW_TAG_NUMBER = re.compile(rb"""<(?:\w+:)?row\b[^>]*?\sr\s*=\s*["']([^"']*)["']""")


def _check_row_numbers(path: Path, xml: bytes) -> None:
    """Refuse a sheet whose rows are not numbered 1 to 1,048,576, each after the one before.

    openpyxl drops a row numbered -3 and pads the rows up to one numbered 99,999,999,999
    (the reading then stops at the padding): plots were lost with no word. No spreadsheet
    program writes such numbers.
    """
    previous = 0
    for match in _ROW_TAG_NUMBER.finditer(xml):
        text = match.group(1)
        number = int(text) if text.isdigit() and len(text) < 12 else -1
        if not previous < number <= _EXCEL_ROWS:
            shown = text.decode("ascii", "replace")[:20]
            raise DataValidationError(
                f"{path.name}: the sheet's rows are not numbered as a spreadsheet numbers them: "
                f"row '{shown}' follows row {previous} (Excel's rows are 1 to "
                f"{_EXCEL_ROWS:,}, each after the one before); open the workbook in Excel or "
                "LibreOffice and save it again, or export the table as CSV"
            )
        previous = number


#: Empty rows read past the last value of a sheet before the reading stops.
_EMPTY_ROWS_READ = 1000
#: The start of a cell's value (``<v>``), inline string (``<is>``) or formula (``<f>``).
_VALUE_TAG = re.compile(rb"<(?:\w+:)?(?:v|is|f)[\s>/]")
_ROW_START = re.compile(rb"<(?:\w+:)?\Z")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")


def _last_value_row(xml: bytes) -> int | None:
    """Sheet row (1-based) of the last cell of ``xml`` with a value or formula.

    0 when no cell holds one; None when it is unknown (no XML, or the row of that
    cell has no ``r`` number): the sheet is then read to its end.
    """
    end = xml.rfind(b"sheetData>")
    if end < 0:
        return None
    at = -1
    for match in _VALUE_TAG.finditer(xml, 0, end):
        at = match.start()
    if at < 0:
        return 0
    while True:  # the <row ...> tag that holds the cell
        at = xml.rfind(b"row", 0, at)
        if at < 0:
            return None
        if xml[at + 3 : at + 4] in (b" ", b"\t", b"\n", b"\r", b">") and _ROW_START.search(
            xml[max(0, at - 40) : at]
        ):
            break
    number = _ROW_NUMBER.search(xml, at, xml.find(b">", at))
    return int(number.group(1)) if number else None


def _merged_ranges(xml: bytes) -> list[tuple[str, int, int]]:
    """Find the merged ranges below the header row: (reference, first and last column).

    Columns are 0-based; the ranges come in the sheet's row order.
    """
    found = []
    for match in _MERGE_REF.finditer(xml):
        if match.group(3) is None:
            continue  # a single cell
        first_col, first_row, last_col, last_row = (g.decode("ascii") for g in match.groups())
        if int(first_row) < 2:
            continue  # a title or the header merged across columns
        ref = f"{first_col}{first_row}:{last_col}{last_row}"
        found.append((int(first_row), ref, _column_index(first_col), _column_index(last_col)))
    return [(ref, first, last) for _, ref, first, last in sorted(found)]


_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"')


def _hidden_rows(xml: bytes) -> list[int]:
    """Sheet rows (1-based) hidden or filtered out in Excel."""
    return [int(m.group(1)) for m in _HIDDEN_ROW.finditer(xml)]


def _check_formulas(
    path: Path,
    sheet: str | int | None,
    values: list[list[Any]],
    last_value_row: int | None = None,
) -> None:
    """Refuse formulas whose result was never saved (read as empty cells otherwise)."""
    formulas = _sheet_rows(_open_workbook(path, data_only=False), sheet, path, last_value_row)
    cells: list[str] = []
    # rows and cells past the last value are trimmed from ``values``: a formula there is empty
    none: list[Any] = []
    pairs: Iterable[tuple[list[Any], list[Any]]] = zip_longest(values, formulas, fillvalue=none)
    for r, (row, formula_row) in enumerate(pairs, start=1):
        for c, (value, formula) in enumerate(zip_longest(row, formula_row)):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                shown = formula if len(formula) <= 30 else formula[:27] + "..."
                cells.append(f"{_column_letter(c)}{r} ({shown})")
    if cells:
        raise DataValidationError(
            f"{path.name}: cell{'s' if len(cells) > 1 else ''} {_validation.list_items(cells)} "
            f"hold{'' if len(cells) > 1 else 's'} a formula whose result was never saved (the "
            "file was written by a program that does not calculate), so the value is unknown. "
            "Open the workbook in Excel or LibreOffice and save it, or replace the formulas by "
            "their values"
        )


# ----------------------------------------------------------------------------- field books
_HARVEST_PREFIXES = (
    "fresh_mass_",
    "moisture_",
    "impurity_",
    "empty_grain_",
    "shelling_",
    "yield_",
)


#: Words of a header yieldtrial does not read that still name a harvest ('yield', 'Netto kg',
#: 'grain_kg': kg between non-letters, so an underscore does not hide it).
_HARVEST_WORDS = re.compile(
    r"yield|mass|weight|(?<![a-z])kg(?![a-z])|产量|单产|重量|鲜重", re.IGNORECASE
)
#: Columns of the field books ``yieldtrial design`` writes that it fills itself (the layout and
#: the pre-filled plot area), as the reader names them or as they are written.
_LAYOUT_CANONICAL = frozenset(
    {"plot_id", "treatment", "block", "row", "column", "harvested_area_m2"}
)
_LAYOUT_WRITTEN = frozenset({"incomplete_block", "entry_type", "main_plot", "main", "sub"})


def harvest_columns_filled(path: Path) -> list[tuple[str, int]]:
    """Harvest columns of a plot table file that hold values, with their counts.

    Every worksheet of a workbook is looked at (harvest data on a second sheet, after a
    cover sheet, is harvest data too); a sheet that is not a plot table is skipped.

    Parameters
    ----------
    path : Path
        A CSV, TSV or ``.xlsx`` file.

    Returns
    -------
    list of (str, int)
        Canonical column name and number of non-empty cells, for the fresh mass,
        moisture, impurity, empty grain, shelling and yield columns, a column whose header
        names a harvest in other words ('yield', 'Netto kg', 'grain_kg', '产量') and
        every other column the layout is not written with (notes, plant counts, a column
        of a table whose headers yieldtrial does not read) under its header.

    Raises
    ------
    ValueError
        When no column header is a plot table column and no column holds values (one line
        of text reads as a header without rows): what the file holds is unknown.
    """
    from yieldtrial.io.headers import recognise_header

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        workbook = _open_workbook(path, data_only=True)
        try:
            count = len(workbook.worksheets)
        finally:
            workbook.close()
        frames = []
        for number in range(count):
            # a sheet that is no table (notes, a chart) holds no harvest data
            with contextlib.suppress(ValueError, TypeError, KeyError, IndexError):
                frames.append(read_table_file(path, sheet=number, encoding=None)[0])
    else:
        frames = [read_table_file(path, sheet=None, encoding=None)[0]]
    counts: dict[str, int] = {}
    recognised = False
    for frame in frames:
        roles = {column: recognise_header(column)[0] for column in frame.columns}
        recognised = recognised or any(role is not None for role in roles.values())
        # any column the layout is not written with that holds values was filled in (notes,
        # plant counts, a grain weight), also in a table whose plot id or treatment header
        # yieldtrial does not read ('Parcelle', 'Sorte'): field data of unknown shape
        for column in frame.columns:
            canonical = roles[column]
            if canonical is None and _HARVEST_WORDS.search(str(column)):
                canonical = str(column)  # 'yield', 'Netto kg', '产量': a harvest in other words
            elif canonical is not None and canonical.startswith(_HARVEST_PREFIXES):
                pass
            elif (
                canonical not in _LAYOUT_CANONICAL
                and str(column).strip().lower() not in _LAYOUT_WRITTEN
            ):
                canonical = str(column)
            else:
                continue
            cells = frame[column]
            count = int((cells.notna() & cells.astype(str).str.strip().ne("")).sum())
            if count:
                counts[canonical] = counts.get(canonical, 0) + count
    if not counts and not recognised and any(len(frame.columns) for frame in frames):
        # one line of text ('harvest numbers: 12 14 15') reads as a header without rows
        raise ValueError("none of its column headers is a plot table column")
    return list(counts.items())


def _stderr_note(message: str) -> None:  # pragma: no cover - used by progress reporting
    sys.stderr.write(message)


def _nfkc(text: str) -> str:  # pragma: no cover - kept for symmetry with headers
    return unicodedata.normalize("NFKC", text)
