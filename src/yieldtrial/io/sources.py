"""Plot tables from several files: a list of files, a folder or a glob, one trial per file.

A network of trials often arrives as one file per site.  :func:`expand_sources` turns what the
user typed (files, folders, glob patterns) into the list of plot-table files;
:func:`read_plot_sources` reads each one with :func:`yieldtrial.read_plots` (same header
aliases, ``columns=``, ``sheet=`` and ``encoding=``) and stacks them, adding a ``site``
column from the file name when the files have none.  With ``validate=False`` the headers are
mapped but the cells are left as text, for the network engine, which reports a bad trial
instead of refusing the whole network.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from yieldtrial.errors import DataValidationError, WrongTypeError
from yieldtrial.io.plots import map_plot_headers, read_plots
from yieldtrial.io.table_files import is_workbook, read_table_file
from yieldtrial.io.validation import list_items

__all__ = ["TABLE_SUFFIXES", "expand_sources", "read_plot_sources"]

#: File suffixes taken from a folder (other files in it are ignored).
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")

_GLOB_CHARACTERS = frozenset("*?[")

PathLike = str | os.PathLike[str]


def expand_sources(sources: PathLike | Sequence[PathLike]) -> list[Path]:
    """List the plot-table files named by files, folders and glob patterns.

    Parameters
    ----------
    sources : path or sequence of paths
        Files (kept in the given order), folders (their ``.csv``, ``.tsv``, ``.txt``,
        ``.xlsx`` and ``.xlsm`` files, sorted by name) and glob patterns
        (``"sites/*.csv"``, sorted).

    Returns
    -------
    list of Path
        Each file once, in order.

    Raises
    ------
    DataValidationError
        A name that is neither a file, a folder nor a pattern matching a file; a folder
        or pattern without plot tables.

    Examples
    --------
    >>> expand_sources([])
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: no plot table given; name one or more files, a folder or a glob pattern such as 'sites/*.csv'
    """  # noqa: E501
    items = [sources] if isinstance(sources, str | os.PathLike) else None
    if items is None and isinstance(sources, Iterable) and not isinstance(sources, bytes | Mapping):
        items = list(sources)
    bad = [s for s in items or [] if not isinstance(s, str | os.PathLike)]
    if items is None or bad:  # None, a number: 'not iterable'; [1]: pathlib's TypeError
        shown = sources if items is None else bad[0]
        raise WrongTypeError(
            "the plot tables are named by a path (text or pathlib.Path), a folder, a glob "
            f"pattern such as 'sites/*.csv', or a list of them; got {shown!r} "
            f"({type(shown).__name__})"
        )
    if not items:
        raise DataValidationError(
            "no plot table given; name one or more files, a folder or a glob pattern such as "
            "'sites/*.csv'"
        )
    found: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if _is_table(p))
            if not files:
                raise DataValidationError(
                    f"folder {str(path)!r} holds no plot table (files ending in "
                    f"{', '.join(TABLE_SUFFIXES)})"
                )
        elif path.exists() or not _GLOB_CHARACTERS & set(str(item)):
            files = [path]  # a missing file is reported by the reader (FileNotFoundError)
        else:
            files = sorted(Path(p) for p in glob.glob(str(item)) if _is_table(Path(p)))
            if not files:
                raise DataValidationError(
                    f"the pattern {str(item)!r} matches no plot table (files ending in "
                    f"{', '.join(TABLE_SUFFIXES)})"
                )
        found.extend(f for f in files if f not in found)
    return found


def _is_table(path: Path) -> bool:
    """Tell whether a folder's or a pattern's entry is one of the plot tables to read.

    A sub-folder is not; any other entry named as a table is, also when it is no regular
    file (a FIFO, a device, a symbolic link to nothing or looping): reading it refuses it
    naming the path, where it was left out silently (a site missing from the network).
    """
    return (
        path.suffix.lower() in TABLE_SUFFIXES
        and not path.name.startswith((".", "~$"))
        and not path.is_dir()
    )


def _refuse_identical_files(files: Sequence[Path]) -> None:
    """Refuse two files with the same bytes that name their sites inside (a site column).

    Their plots would be pooled twice (a copy given with its original).  Files without a
    site column name their site after the file, so two identical ones are two sites.
    """
    import hashlib

    by_size: dict[int, list[Path]] = {}
    for path in files:
        try:
            by_size.setdefault(path.stat().st_size, []).append(path)
        except OSError:
            continue  # reading it names the problem
    seen: dict[str, Path] = {}
    for group in (g for g in by_size.values() if len(g) > 1):
        for path in group:
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                continue
            if digest in seen:
                raise DataValidationError(
                    f"{str(seen[digest])!r} and {str(path)!r} hold the same bytes, sites "
                    "included: the same plot table given twice (a copy?) would count every "
                    "plot twice; give each table once"
                )
            seen[digest] = path


def _refuse_repeated_header(table: pd.DataFrame, headers: list[str], name: str) -> None:
    """Refuse a row that repeats the header, as :func:`yieldtrial.read_plots` does.

    Two exports joined into one file made the header row a trial of ``network``
    (site 'site', failed) beside the real ones, exit 0.
    """
    from yieldtrial.io.plots import repeated_header_rows

    if len(headers) != table.shape[1]:
        return
    rows = [f"row {label}" for label in repeated_header_rows(table, headers)]
    if rows:
        raise DataValidationError(
            f"{name}: {list_items(rows)} repeat{'s' if len(rows) == 1 else ''} the header row "
            "(were several exports joined into one file?); delete "
            f"{'that row' if len(rows) == 1 else 'those rows'}, keeping the header at the top"
        )


def read_plot_sources(
    sources: PathLike | Sequence[PathLike],
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    site_column: str = "site",
    validate: bool = True,
) -> pd.DataFrame:
    r"""Read one or many plot-table files into one table.

    Parameters
    ----------
    sources : path or sequence of paths
        Files, folders or glob patterns (see :func:`expand_sources`).
    columns : mapping, optional
        Header renames, as :func:`yieldtrial.read_plots`.
    sheet : str or int, optional
        Worksheet of the ``.xlsx`` files; CSV files among them are read as they are.  An
        error when no file is a workbook (it would be ignored).
    encoding : str, optional
        Encoding of the CSV files (UTF-8 or GB18030 detected by default); workbooks among
        them are read as they are.  An error when every file is a workbook (it would be
        ignored).
    site_column : str, default "site"
        When several files are read and a file has no such column, it is added with the
        file's name without its suffix (``sites/Jinzhong.csv`` -> ``"Jinzhong"``).
    validate : bool, default True
        Read each file with :func:`yieldtrial.read_plots` (every cell checked).  False:
        map the headers only and keep the cells as text, indexed by their row in the file
        (the header is row 1), for an analysis that reports bad trials one by one.

    Returns
    -------
    DataFrame
        The files' rows, stacked in file order; ``attrs["sources"]`` lists the files.

    Raises
    ------
    DataValidationError
        As :func:`yieldtrial.read_plots` for each file (the message names the file);
        ``sheet=`` when no file is a workbook; ``encoding=`` when every file is one.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for site in ("Jinzhong", "Taigu"):
    ...     _ = (folder / f"{site}.csv").write_text(
    ...         "小区号,处理,产量(kg/亩)\n1,CK,480\n2,T1,512\n", encoding="utf-8")
    >>> table = read_plot_sources(folder)
    >>> table[["site", "treatment", "yield_kg_mu"]].to_numpy(dtype=object).tolist()
    [['Jinzhong', 'CK', 480.0], ['Jinzhong', 'T1', 512.0], ['Taigu', 'CK', 480.0], ['Taigu', 'T1', 512.0]]
    """  # noqa: E501
    files = expand_sources(sources)
    several = len(files) > 1
    if sheet is not None and files and not any(is_workbook(path) for path in files):
        shown = repr(files[0].name) + (f" and {len(files) - 1} more" if several else "")
        raise DataValidationError(
            f"sheet={sheet!r} applies to an .xlsx workbook, but {shown} "
            f"{'are CSV files' if several else 'is a CSV file'} (no worksheets); leave sheet= out"
        )
    if encoding is not None and files and all(is_workbook(path) for path in files):
        shown = repr(files[0].name) + (f" and {len(files) - 1} more" if several else "")
        kind = (
            "are .xlsx workbooks, which carry" if several else "is an .xlsx workbook, which carries"
        )
        raise DataValidationError(
            f"encoding={encoding!r} applies to CSV files, but {shown} {kind} their own encoding "
            "(text in Unicode); leave encoding= out"
        )
    tables = []
    with_site: list[bool] = []
    for path in files:
        book = is_workbook(path)
        book_sheet = sheet if book else None  # a mix: the sheet of each workbook
        text_encoding = None if book else encoding  # and the encoding of each CSV
        if validate:
            table = read_plots(path, columns=columns, sheet=book_sheet, encoding=text_encoding)
        else:
            raw, _ = read_table_file(path, sheet=book_sheet, encoding=text_encoding)
            table = map_plot_headers(raw, columns=columns, name=path.name)
            table.index = table.index + 2  # the file's row numbers (the header is row 1)
            if table.empty:  # one file of a folder vanished from the network without a word
                raise DataValidationError(
                    f"{path.name}: the table has no plot rows (only a header); expected one "
                    "row per plot"
                )
            _refuse_repeated_header(table, [str(c) for c in raw.columns], path.name)
        with_site.append(site_column in table)
        if several and site_column not in table:
            table.insert(0, site_column, path.stem)
        tables.append(table)
    if several:
        _refuse_identical_files([p for p, has in zip(files, with_site, strict=True) if has])
        sites = [str(t[site_column].iloc[0]) for t in tables if site_column in t and len(t)]
        repeated = sorted({s for s in sites if sites.count(s) > 1})
        stems = [p.stem for p in files]
        if len(set(stems)) < len(stems) and repeated:
            raise DataValidationError(
                f"several files are named {list_items(repr(s) for s in repeated)} (the site "
                "name is the file name without its suffix); rename them or add a site column"
            )
    combined = tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=validate)
    combined.attrs = {**tables[0].attrs, "sources": [str(p) for p in files]}
    combined.attrs["source_lengths"] = [len(t) for t in tables]  # rows of each file, in order
    if any(t.attrs.get("separator") == ";" for t in tables):
        combined.attrs["separator"] = ";"  # '15,110' may be 15.11 in one of the files
    return combined
