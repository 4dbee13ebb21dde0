"""Read plot records from CSV, Excel or a DataFrame into yieldtrial's canonical table.

:func:`read_plots` recognises column headers in English and Chinese (小区号, 处理,
重复/区组, 收获面积(m2), 面积(亩), 鲜重(kg), 含水量, 杂质率, ...), converts units
written in the header (``面积(亩)`` -> ``harvested_area_mu`` -> ``harvested_area_m2``;
``鲜重(斤)`` -> ``fresh_mass_jin`` -> ``fresh_mass_kg``), parses the numbers and
validates the whole table, reporting every problem of a kind at once.

Canonical columns
-----------------
``plot_id``, ``treatment`` (required); ``block``, ``site``, ``row``, ``column``
(optional); then either the harvest columns ``harvested_area_m2`` (or ``_mu``,
``_ha``, ``_acre``), ``fresh_mass_kg`` (or ``_jin``, ``_g``, ``_t``, ``_lb``) and
``moisture_pct`` (with the optional ``impurity_pct``, ``empty_grain_pct`` and
``shelling_pct``), or one standardized yield column such as ``yield_kg_ha`` or
``yield_kg_mu``.  Other columns are kept unchanged.  See ``docs/data-format.md``.

Header aliases and their recognition live in :mod:`yieldtrial.io.headers`, file
reading (encodings, separators, Excel) in :mod:`yieldtrial.io.table_files`; this
module maps the headers, parses the cells and validates the table.
"""

from __future__ import annotations

import datetime
import decimal
import numbers
import os
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, WrongTypeError, YieldTrialWarning
from yieldtrial.io import validation as _validation
from yieldtrial.io._compat import isin
from yieldtrial.io.checks import message_number, number_text, plain_number
from yieldtrial.io.headers import (
    accepted_aliases,
    label_pair,
    normalise_header,
    recognise_header,
    recognised_headers,
)
from yieldtrial.io.table_files import (
    ENCODINGS,
    NA_VALUES,
    check_other_sheets,
    is_workbook,
    missing_cell_texts,
    read_table_file,
    release_arrow_pages,
    tidy_headers,
)
from yieldtrial.units import (
    AREA_UNITS,
    MASS_UNITS,
    YIELD_UNITS,
    convert_area,
    convert_mass,
    unit_from_yield_column,
    yield_column,
)

__all__ = [
    "CANONICAL_COLUMNS",
    "ENCODINGS",
    "HARVEST_COLUMNS",
    "LABEL_COLUMNS",
    "NA_VALUES",
    "PERCENT_COLUMNS",
    "has_harvest_columns",
    "input_yield_column",
    "map_plot_headers",
    "read_plots",
    "recognised_headers",
]

#: Columns that label plots (kept as text).
LABEL_COLUMNS: tuple[str, ...] = ("site", "plot_id", "block", "treatment")
#: The harvest columns needed to compute a yield (when no yield column is given).
HARVEST_COLUMNS: tuple[str, ...] = ("harvested_area_m2", "fresh_mass_kg", "moisture_pct")
#: Percent columns (0-100) and their allowed interval
#: ``(low, high, low_inclusive, high_inclusive)``.
PERCENT_COLUMNS: dict[str, tuple[float, float, bool, bool]] = {
    "moisture_pct": (0.0, 100.0, True, False),
    "impurity_pct": (0.0, 100.0, True, False),
    "empty_grain_pct": (0.0, 100.0, True, False),
    "shelling_pct": (0.0, 100.0, False, True),
}
#: Canonical columns in the order :func:`read_plots` returns them (other columns follow).
CANONICAL_COLUMNS: tuple[str, ...] = (
    *LABEL_COLUMNS,
    "row",
    "column",
    "harvested_area_m2",
    *(f"harvested_area_{u}" for u in AREA_UNITS if u != "m2"),
    "fresh_mass_kg",
    *(f"fresh_mass_{u}" for u in MASS_UNITS if u != "kg"),
    *PERCENT_COLUMNS,
    *(f"{name.removesuffix('_pct')}_fraction" for name in PERCENT_COLUMNS),
)

# --- public API -----------------------------------------------------------------------


def read_plots(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read and validate a table of plot harvest records.

    Parameters
    ----------
    source : path or DataFrame
        A CSV file (UTF-8, UTF-8 with BOM, or GBK/GB18030 as saved by Chinese
        Excel; comma, tab or semicolon separated), an ``.xlsx`` workbook (needs the
        ``xlsx`` extra), or a DataFrame (never modified).
    columns : mapping, optional
        Your header -> canonical name, e.g. ``{"Netto kg": "fresh_mass_kg"}``.
        Applied before the built-in aliases and wins over them.
    sheet : str or int, optional
        Worksheet name or position in an ``.xlsx`` file; by default the first sheet that
        is not hidden (the one Excel shows first).  Given with a CSV file or a DataFrame
        (no worksheets) it is an error, not ignored.
    encoding : str, optional
        Text encoding of a CSV file; by default UTF-8 (with or without BOM) is
        tried, then GB18030 (a superset of GBK and GB2312).  Given with an ``.xlsx``
        workbook (which carries its own encoding) or a DataFrame it is an error, not
        ignored.

    Returns
    -------
    DataFrame
        One row per plot.  Canonical columns first (:data:`CANONICAL_COLUMNS`, then
        a yield column when given), other columns after them unchanged.  Labels
        (``plot_id``, ``treatment``, ``block``, ``site``) are text; measurements
        are float.  Areas in other units are converted into an added
        ``harvested_area_m2`` [m2] and masses into ``fresh_mass_kg`` [kg] (the
        given columns are kept); ``*_fraction`` columns into ``*_pct`` [%].  A
        yield column given alongside complete harvest columns is renamed
        ``reported_<name>`` so it is not confused with the computed yield.
        ``attrs["column_map"]`` maps each header to its canonical name.

    Raises
    ------
    DataValidationError
        ``sheet=`` with a CSV file or a DataFrame; ``encoding=`` with an ``.xlsx``
        workbook or a DataFrame; empty table; missing required
        columns (all listed at once, with the accepted alternatives); non-numeric
        cells (row number as in the file: the header is row 1, the first plot row 2);
        area <= 0; mass < 0;
        moisture, impurity or empty grain outside [0, 100); shelling outside
        (0, 100]; moisture or shelling recorded as fractions; empty or duplicate
        plot ids (per site when a ``site`` column exists); a plot with a mass but
        no area or moisture.
    MissingExtraError
        For an ``.xlsx`` file when openpyxl is not installed.

    Warns
    -----
    YieldTrialWarning
        When every impurity or empty-grain value lies in [0, 1) and one is non-zero: they
        may be fractions, but values below 1 % are possible, so this is only a warning
        (``1.0`` is a plausible percent and does not warn).

    Notes
    -----
    A plot whose fresh mass (or yield) cell is empty is a *missing plot*: it is
    kept with a missing yield and reported, never dropped or imputed silently.
    Completely empty rows are ignored.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "小区号": ["1", "2"], "处理": ["CK", "T"], "收获面积(m2)": [20.0, 20.0],
    ...     "鲜重(kg)": [12.1, 13.0], "含水量(%)": [14.2, 14.0]})
    >>> list(read_plots(frame).columns)
    ['plot_id', 'treatment', 'harvested_area_m2', 'fresh_mass_kg', 'moisture_pct']
    """
    if columns is not None and not isinstance(columns, Mapping):
        raise DataValidationError(
            "columns= maps your headers to yieldtrial's names, e.g. columns={'Netto kg': "
            f"'fresh_mass_kg'}}; got {type(columns).__name__}"
            + ("" if "\n" in repr(columns) else f" {columns!r}")
        )
    if sheet is not None:
        _check_sheet_applies(source, sheet)
    if encoding is not None:
        _check_encoding_applies(source, encoding)
    if isinstance(source, pd.DataFrame):
        _check_frame_shape(source, columns)
        frame = source.copy()
        name = "plot table"
        used_encoding = None
        labels = list(frame.index)

        def row_label(position: Any) -> str:
            return f"index {labels[position]!r}"

        frame = tidy_headers(frame.reset_index(drop=True), name)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = path.name
        frame, used_encoding = read_table_file(
            path, sheet=sheet, encoding=encoding, numeric=numeric_headers(columns)
        )

        def row_label(position: Any) -> str:
            return f"row {int(position) + 2}"

        labels = []
        hidden = frame.attrs.get("hidden_rows")
        if hidden:
            rows = _validation.list_items(str(r) for r in hidden)
            warnings.warn(
                f"{name}: row{'s' if len(hidden) > 1 else ''} {rows} "
                f"{'are' if len(hidden) > 1 else 'is'} hidden in the sheet (hidden or filtered "
                "out in Excel) and read like the others; if they should not count, delete them, "
                "or exclude their plots ([[exclude]] in trial.toml)",
                YieldTrialWarning,
                stacklevel=2,
            )
    else:
        raise WrongTypeError(
            f"read_plots() takes a file path or a pandas DataFrame; got {type(source).__name__}"
        )
    plots, column_map = build_plot_table(
        frame,
        name=name,
        columns=columns,
        row_label=row_label,
        file_rows=not isinstance(source, pd.DataFrame),
        separator=frame.attrs.get("separator"),
        cell_texts=_file_cell_texts(source, frame, used_encoding),
    )
    if isinstance(source, pd.DataFrame):
        plots.index = pd.Index([labels[i] for i in plots.index], name=source.index.name)
    else:
        plots = plots.reset_index(drop=True)
    plots.attrs = {"column_map": column_map, "source": name, "encoding": used_encoding}
    shared_constant_columns(plots)  # e.g. one plot area for millions of plots: 45 MiB
    coded_label_columns(plots)  # blocks and treatments: codes, not one string a plot
    release_arrow_pages(len(plots))  # the label checks' freed arrow memory, before the yields
    return plots


def _file_cell_texts(
    source: str | os.PathLike[str] | pd.DataFrame, frame: pd.DataFrame, encoding: str | None
) -> CellTexts | None:
    """Return the look-up of typed missing texts for a delimited text file, else None.

    A workbook's 'n/a' stays text and a DataFrame's cells are seen as they are: both are
    shown by the number parser without reading anything again.
    """
    separator = frame.attrs.get("separator")
    if isinstance(source, pd.DataFrame) or encoding is None or not separator:
        return None
    path = Path(source)

    def look_up(cells: list[tuple[int, int]]) -> Mapping[tuple[int, int], str]:
        return missing_cell_texts(path, encoding=encoding, separator=separator, cells=cells)

    return look_up


#: Plots from which :func:`shared_constant_columns` holds a constant float column as one
#: value (as :data:`yieldtrial.io.yields.CONSTANT_NUMBER_PLOTS` for the yields table).
CONSTANT_COLUMN_PLOTS = 1 << 20

#: Plots a span of :func:`shared_constant_columns`' comparison covers (an unequal column
#: is recognised in its first span).
CONSTANT_CHECK_SPAN = 1 << 16

#: pandas 3 always copies on write: a read-only repeated value is then safe in a table.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


def shared_constant_columns(plots: pd.DataFrame) -> list[str]:
    """Hold each float column whose plots all have the same value as that value repeated.

    From :data:`CONSTANT_COLUMN_PLOTS` plots, where pandas keeps a Series' numpy array as
    given (pandas 3, copy on write), a float column whose values are all the same bits
    (one plot area for every plot, a fixed impurity) becomes a read-only view of its first
    value repeated (:func:`numpy.broadcast_to`, as
    :func:`yieldtrial.io.yields.constant_number` holds the yields table's standard
    moisture): the same values, dtype and bits, without 8 bytes a plot (5.9 million plots:
    45 MiB a column, held by the trial, its yields tables and the report from reading to
    the end; issue 13).  Smaller tables and pandas 2 are left as they are.

    Parameters
    ----------
    plots : DataFrame
        The plot table; changed in place.

    Returns
    -------
    list of str
        The columns now held as one repeated value.
    """
    shared: list[str] = []
    n = len(plots)
    if n < CONSTANT_COLUMN_PLOTS or not _COPY_ON_WRITE:
        return shared
    for name in list(plots.columns):
        column = plots[name]
        if column.dtype != np.float64:
            continue
        values = column.to_numpy()
        if values.ndim != 1 or values.strides[0] == 0:
            continue
        if _same_bits(values):
            one = np.broadcast_to(np.float64(values[0]), (n,))
            plots[name] = pd.Series(one, index=plots.index, copy=False)
            shared.append(name)
    return shared


#: Plots from which :func:`coded_label_columns` holds the blocks and treatments as codes
#: (the rule of :data:`CONSTANT_COLUMN_PLOTS`).
CODED_LABEL_PLOTS = 1 << 20

#: Label columns :func:`coded_label_columns` holds as codes (plot ids are all different:
#: codes would add to their text, not replace it).
CODED_LABEL_COLUMNS = ("block", "treatment")


def coded_label_columns(plots: pd.DataFrame) -> list[str]:
    """Hold the block and treatment labels of a large table as codes with one copy of each label.

    From :data:`CODED_LABEL_PLOTS` plots under pandas 3 (as :func:`shared_constant_columns`),
    a text ``block`` or ``treatment`` column becomes a
    pandas categorical: the same labels, with each label's text held once and a small
    integer code per plot (5.9 million plots: blocks 75 -> 23 MiB, treatments 61 -> 6 MiB;
    issue 13). The categories are the labels in their order of first appearance, the
    order in which every factorization of the text numbered them (design fit, screening,
    display order), so the categorical's codes are those codes and the statistics take
    the same steps in the same order. Smaller tables and pandas 2 keep text columns.

    Parameters
    ----------
    plots : DataFrame
        The plot table; changed in place.

    Returns
    -------
    list of str
        The columns now held as categoricals.
    """
    coded: list[str] = []
    if len(plots) < CODED_LABEL_PLOTS or not _COPY_ON_WRITE:
        return coded
    for name in CODED_LABEL_COLUMNS:
        if name not in plots.columns:
            continue
        column = plots[name]
        if not pd.api.types.is_string_dtype(column.dtype) or column.hasnans:
            continue
        codes, labels = pd.factorize(column, sort=False)
        plots[name] = pd.Categorical.from_codes(
            codes, categories=pd.Index(labels, dtype=column.dtype)
        )
        coded.append(name)
    return coded


def _same_bits(values: np.ndarray) -> bool:
    """Tell whether every float of ``values`` has the bits of the first (NaN, -0.0 told apart)."""
    if not values.flags.c_contiguous:
        return False
    bits = values.view(np.int64)
    first = bits[0]
    for lo in range(0, bits.size, CONSTANT_CHECK_SPAN):
        if not bool((bits[lo : lo + CONSTANT_CHECK_SPAN] == first).all()):
            return False
    return True


def _check_sheet_applies(source: Any, sheet: str | int) -> None:
    """Refuse ``sheet=`` for a source without worksheets (a CSV file, a DataFrame).

    It would be ignored: a user who asked for the sheet ``"2024"`` would get the CSV's
    table without being told (the command line refuses ``--sheet`` with a CSV the same way).
    """
    if isinstance(source, pd.DataFrame):
        raise DataValidationError(
            f"sheet={sheet!r} applies to an .xlsx workbook, but the plot table is a DataFrame "
            "(no worksheets); leave sheet= out"
        )
    if isinstance(source, (str, os.PathLike)) and not is_workbook(source):
        name = Path(source).name
        raise DataValidationError(
            f"{name}: sheet={sheet!r} applies to an .xlsx workbook, but {name!r} is read as a "
            "CSV file (no worksheets); leave sheet= out, or read the .xlsx workbook instead"
        )


def _check_encoding_applies(source: Any, encoding: str) -> None:
    """Refuse ``encoding=`` for a source that is not text (an .xlsx workbook, a DataFrame).

    It would be ignored: a workbook stores its text as Unicode itself, so the encoding a
    user names cannot change how it reads (the command line refuses ``--encoding`` with a
    workbook the same way).
    """
    if isinstance(source, pd.DataFrame):
        raise DataValidationError(
            f"encoding={encoding!r} applies to a CSV file, but the plot table is a DataFrame "
            "(already decoded); leave encoding= out"
        )
    if isinstance(source, (str, os.PathLike)) and is_workbook(source):
        name = Path(source).name
        raise DataValidationError(
            f"{name}: encoding={encoding!r} applies to a CSV file, but {name!r} is an .xlsx "
            "workbook, which carries its own encoding (its text is Unicode); leave encoding= out"
        )


#: The attrs of a raw table that :func:`build_plot_table` reads.
_BUILD_ATTRS = ("separator", "percent_cells", "merged_cells")


def read_file_rows(frame: pd.DataFrame, *, name: str) -> pd.DataFrame:
    """Validate as :func:`read_plots` a table whose index holds its file's row numbers.

    For tables read raw and split (the network command's trials): messages name the file
    and its rows ("row 14", the header being row 1) instead of "plot table" and "index 14".
    """
    labels = list(frame.index)
    raw = tidy_headers(frame.reset_index(drop=True), name)
    # only what build_plot_table reads: pandas deep-copies attrs at every column access, and a
    # network's attrs (a column_map of every header) made 2,000 columns take 80 s
    raw.attrs = {k: v for k, v in raw.attrs.items() if k in _BUILD_ATTRS}
    plots, column_map = build_plot_table(
        raw,
        name=name,
        columns=None,
        row_label=lambda position: f"row {labels[position]}",
        file_rows=True,
        separator=frame.attrs.get("separator"),
    )
    plots.index = pd.Index([labels[i] for i in plots.index])
    plots.attrs = {"column_map": column_map, "source": name, "encoding": None}
    return plots


def map_plot_headers(
    raw: pd.DataFrame, *, columns: Mapping[str, str] | None = None, name: str = "plot table"
) -> pd.DataFrame:
    """Rename a raw table's headers to the canonical names, leaving the cells as read.

    The first step of :func:`read_plots` (the same aliases in English and Chinese, and
    ``columns=`` winning over them), for readers that validate the cells themselves, such
    as the network engine, which reports a bad trial instead of refusing the table. As
    in :func:`read_plots`, a number an ``.xlsx`` shows as a percentage in a ``*_pct``
    column is the number shown (0.127 shown as 12.7 % is 12.7).

    Parameters
    ----------
    raw : DataFrame
        A table as read from the file (never modified).
    columns : mapping, optional
        Your header -> canonical name, as :func:`read_plots`.
    name : str
        File name for messages.

    Returns
    -------
    DataFrame
        A copy with renamed columns; ``attrs["column_map"]`` maps each header to its name.

    Raises
    ------
    DataValidationError
        A ``columns`` entry that is not a header, or two headers read as the same column.

    Examples
    --------
    >>> raw = pd.DataFrame({"地点": ["A"], "处理": ["CK"], "产量(kg/亩)": ["512"]})
    >>> list(map_plot_headers(raw).columns)
    ['site', 'treatment', 'yield_kg_mu']
    """
    headers = [str(c) for c in raw.columns]
    mapping, _ = map_columns(headers, columns, name)
    _warn_lost_design_roles(mapping, name)  # --column block=foo: the network's CRD, said
    frame = raw.copy()
    frame.columns = [mapping[h] for h in headers]
    # a cell Excel shows as 12.7 % means 12.7 here too (the network reads through here)
    frame = _percent_shown(frame, raw.attrs.get("percent_cells") or [], mapping, name)
    frame.attrs = {"column_map": mapping, "source": name}
    if "separator" in raw.attrs:  # how read_plots reads '3,392' (see _parse_numbers)
        frame.attrs["separator"] = raw.attrs["separator"]
    if raw.attrs.get("separator") == ";":  # '12,5' (European Excel) for every reader after
        frame = _decimal_commas(
            frame,
            _numeric_columns(frame),
            name=name,
            row_label=lambda position: f"row {int(position) + 2}",
        )
    return frame


def has_harvest_columns(plots: pd.DataFrame) -> bool:
    """Whether a canonical plot table has every harvest column needed to compute yields.

    Parameters
    ----------
    plots : DataFrame
        Output of :func:`read_plots`.

    Returns
    -------
    bool
        True when ``harvested_area_m2``, ``fresh_mass_kg`` and ``moisture_pct`` exist.

    Examples
    --------
    >>> import pandas as pd
    >>> plots = read_plots(pd.DataFrame({"小区号": [1, 2], "处理": ["CK", "T"],
    ...                                  "yield_kg_mu": [476.1, 482.6]}))
    >>> has_harvest_columns(plots)
    False
    """
    return all(column in plots for column in HARVEST_COLUMNS)


def input_yield_column(plots: pd.DataFrame) -> str | None:
    """Return the given (already standardized) yield column, if the table uses one.

    Parameters
    ----------
    plots : DataFrame
        Output of :func:`read_plots`.

    Returns
    -------
    str or None
        The first ``yield_<mass>_<area>`` column, or None when yields are computed
        from the harvest columns (or no yield column exists).

    Examples
    --------
    >>> import pandas as pd
    >>> plots = read_plots(pd.DataFrame({"小区号": [1, 2], "处理": ["CK", "T"],
    ...                                  "yield_kg_mu": [476.1, 482.6]}))
    >>> input_yield_column(plots)
    'yield_kg_mu'
    """
    if has_harvest_columns(plots):
        return None
    for column in plots.columns:
        if unit_from_yield_column(str(column)) is not None:
            return str(column)
    return None


# --- building the canonical table ------------------------------------------------------


def map_columns(
    headers: list[str], columns: Mapping[str, str] | None, name: str
) -> tuple[dict[str, str], list[str]]:
    """Return {header: new name} and hints about recognised-but-unusable headers."""
    explicit: dict[str, str] = {}
    if columns:
        by_normalised = {normalise_header(h): h for h in headers}
        for given, target in columns.items():
            if not str(target).strip():
                raise DataValidationError(
                    f"{name}: columns= renames {given!r} to an empty name; give the yieldtrial "
                    "column it holds, e.g. columns={'Netto kg': 'fresh_mass_kg'}"
                )
            header = given if given in headers else by_normalised.get(normalise_header(given))
            if header is None:
                origin = (
                    f"[analysis] {target} = {given!r} of trial.toml"
                    if str(target) in ("block", "incomplete_block", "row", "column")
                    else "[columns] of trial.toml or --column"
                )
                raise DataValidationError(
                    f"{name}: columns= renames {given!r} to {str(target)!r} ({origin}), which is "
                    "not a column of the table; columns present: "
                    f"{_validation.list_items((repr(h) for h in headers), limit=30)}"
                )
            explicit[header] = str(target)
    candidates: dict[str, list[tuple[int, str]]] = {}
    hints: list[str] = []
    for header, target in list(explicit.items()):
        # a target written as a recognised alias ("fresh_mass", "moisture") means its
        # canonical column; any other name is kept as an extra column (a factor, a note)
        canonical, tier, _ = recognise_header(target)
        if canonical is not None and tier == 1:
            explicit[header] = canonical
        elif canonical is None:
            hints.append(
                f"columns= maps {header!r} to {target!r}, which is not one of yieldtrial's "
                "column names, so it is kept as an extra column"
            )
    for header in headers:
        if header in explicit:
            candidates.setdefault(explicit[header], []).append((0, header))
            continue
        canonical, tier, problem = recognise_header(header)
        if canonical is None:
            if problem:
                hints.append(problem)
            continue
        candidates.setdefault(canonical, []).append((tier, header))
    mapping: dict[str, str] = {}
    for canonical, found in candidates.items():
        best = min(tier for tier, _ in found)
        winners = [header for tier, header in found if tier == best]
        if len(winners) > 1:
            raise DataValidationError(_read_twice_message(name, canonical, winners))
        mapping[winners[0]] = canonical
    final = {h: mapping.get(h, h) for h in headers}
    taken: dict[str, str] = {}
    for header, new in final.items():
        if new in taken:
            other = taken[new]
            raise DataValidationError(
                f"{name}: columns {other!r} and {header!r} would both be named {new!r}; rename "
                f"one with columns=, e.g. columns={{{(header if header == new else other)!r}: "
                f"'{new}_original'}}"
            )
        taken[new] = header
    return final, hints


#: A number written with a decimal comma ("14,9"), as European spreadsheets save it.
_DECIMAL_COMMA = re.compile(r"[-+]?\d*,\d+%?")


#: A number followed by a unit ("14.3 kg", "20 m2", "13 pct", "476 公斤").
_NUMBER_WITH_UNIT = re.compile(
    r"[-+]?\d[\d.,]*\s*(?:kg|g|t|lbs?|jin|m2|m²|mu|ha|ac|%|pct|percent|公斤|千克|克|斤|亩|公顷|平方米)"
    r"(?:/(?:ha|mu|ac|亩|公顷))?",
    re.IGNORECASE,
)

#: A number with commas between groups of three digits ("3,392"): thousands in a comma- or
#: tab-separated file; in a semicolon-separated file (European Excel) it may be 3.392.
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?")


#: A number with a decimal comma, optionally with dots between groups of three digits
#: before it ("12,5", "-0,127", "1.234,5"); the trailing % of a percent cell is removed first.
_COMMA_NUMBER = re.compile(r"[-+]?(?:\d*|\d{1,3}(?:\.\d{3})+),\d+")
#: A comma that may group thousands ("15,110", "3,392"; never "0,127" or "12,5").
_COMMA_GROUPS = re.compile(r"[-+]?[1-9]\d{0,2}(?:,\d{3})+")
#: A number written with a dot somewhere ("12.5", "1.234", "1.234,5", "1.2e3").
_DOTTED_NUMBER = re.compile(r"[-+]?[\d.,]*\d[\d.,]*(?:[eE][-+]?\d+)?")


def _decimal_commas(
    frame: pd.DataFrame,
    numeric: Sequence[str],
    *,
    name: str,
    display: Callable[[str], str] = str,
    row_label: Callable[[Any], str] = str,
) -> pd.DataFrame:
    """Read the decimal commas of a semicolon-separated table (European Excel: ``12,5``).

    The comma is the decimal mark when a cell of a numeric column proves it (``12,5``,
    ``0,127``: not a comma between groups of three digits, which could be thousands) and
    no numeric cell holds a dot; those cells are then rewritten with a decimal point
    (``15,110`` too: 15.11), so every reader downstream (the validation, the network
    engine) reads them as written.  A dot beside proven decimal commas (``1.234,5``,
    ``12.5``) is refused: it may be a thousands separator or a decimal point.  Tables
    without such proof are returned unchanged (a lone ``15,110`` stays an error).

    Parameters
    ----------
    frame : DataFrame
        The table with canonical headers, cells as read (text), from a semicolon-separated
        file.
    numeric : sequence of str
        Its numeric columns.
    name : str
        File name for messages.
    display, row_label : callable
        Name a column (with its header) and a row for messages.

    Returns
    -------
    DataFrame
        ``frame``, or a copy with the decimal commas read.

    Raises
    ------
    DataValidationError
        A numeric cell holding a dot in a table with decimal commas.
    """
    found: dict[str, pd.Series] = {}  # column -> its decimal-comma cells
    proof = ""
    dotted: list[str] = []  # the first cells with a dot, and their count
    n_dotted = 0
    ids = frame["plot_id"] if "plot_id" in frame else None
    for column in numeric:
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_string_dtype(series) and series.dtype != object:
            text = series.dropna().str.strip()  # every cell text (read as text)
        else:
            text = series[series.map(lambda cell: isinstance(cell, str))].astype(str).str.strip()
        if text.empty:
            continue
        core = text.str.removesuffix("%").str.strip() if column.endswith("_pct") else text
        comma = core.str.fullmatch(_COMMA_NUMBER.pattern).fillna(False).astype(bool)
        dots = core.str.contains(".", regex=False) & core.str.fullmatch(
            _DOTTED_NUMBER.pattern
        ).fillna(False).astype(bool)
        strong = comma & ~core.str.fullmatch(_COMMA_GROUPS.pattern).fillna(False).astype(bool)
        plain = strong & ~dots  # the example shown: '12,5' rather than '1.234,5'
        if strong.any() and (not proof or (plain.any() and "." in proof)):
            proof = str(text[plain].iloc[0] if plain.any() else text[strong].iloc[0])
        n_dotted += int(dots.sum())
        for label, cell in text[dots].iloc[: max(_validation.MAX_LISTED - len(dotted), 0)].items():
            pid = None if ids is None else ids.get(label)
            plot = f" (plot {pid!r})" if isinstance(pid, str) else ""
            dotted.append(f"{display(column)} {row_label(label)}{plot}: {cell!r}")
        if comma.any():
            found[column] = comma & ~dots
    if not proof:
        return frame
    if n_dotted:
        many = n_dotted > 1
        raise DataValidationError(
            f"{name}: the file is separated by semicolons and writes decimals with a comma "
            f"({proof!r}, as a European Excel saves it), but {n_dotted:,} number"
            f"{'s' if many else ''} in numeric columns hold{'' if many else 's'} a dot: "
            f"{_validation.list_items(dotted, total=n_dotted)}. Beside decimal commas a dot "
            "may be a thousands separator ('1.234,5' is 1234.5) or a decimal point ('12.5'), "
            f"so yieldtrial does not guess: write {'these numbers' if many else 'the number'} "
            "without a thousands separator and with a decimal comma ('1234,5'), or save the "
            "whole file with dot decimals"
        )
    out = frame.copy(deep=False)
    for column, comma in found.items():
        series = out[column]
        numbers = pd.Series(False, index=series.index)
        numbers[comma[comma].index] = True
        # the cells' own dtype kept (text read as text stays so: no object column to scan)
        out[column] = series.where(~numbers, series.str.replace(",", ".", regex=False))
    out.attrs = {**frame.attrs, "decimal_comma": True}
    return out


def _parse_cell(value: Any, *, percent: bool, thousands: bool = True) -> float | None:
    """Float value of one cell, NaN for missing, None when not a number.

    ``thousands=False`` refuses commas between digit groups (a semicolon-separated file).
    """
    if value is None or value is pd.NA:  # pd.NA in an object column is an empty cell too
        return np.nan
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Real | decimal.Decimal):
        # int, float and NumPy scalars, and a notebook's Fraction (exact arithmetic) or
        # Decimal: a number, whatever its type; 10**400 or Decimal('sNaN') is not a measurement
        try:
            number = float(value)
        except (OverflowError, ValueError):
            return None
        return number if not np.isinf(number) else None
    text = number_text(str(value))  # full-width '１３' is '13', as on the command line
    if text in NA_VALUES:
        return np.nan
    if percent and text.endswith("%"):
        text = text[:-1].strip()
    if thousands and _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    # float() alone reads '1_3.25' (a typing error) as 13.25 and Arabic-Indic '١٣' as 13;
    # full-width '１３' is already '13' (number_text above)
    read = plain_number(text)
    return read if read is not None and np.isfinite(read) else None


def numeric_headers(columns: Mapping[str, str] | None) -> Callable[[list[str]], set[str]]:
    """Headers of a file whose cells the reader may parse straight to numbers."""

    def pick(headers: list[str]) -> set[str]:
        try:
            mapping, _ = map_columns(headers, columns, "")
        except DataValidationError:
            return set()  # reported properly once the table is built
        numeric = set(_numeric_columns(pd.DataFrame(columns=list(mapping.values()))))
        return {header for header, name in mapping.items() if name in numeric}

    return pick


def _numeric_columns(frame: pd.DataFrame) -> list[str]:
    names = [c for c in CANONICAL_COLUMNS if c in frame and c not in LABEL_COLUMNS]
    names += [c for c in frame.columns if unit_from_yield_column(str(c)) is not None]
    return names


def _exact_floats(series: pd.Series) -> np.ndarray | None:
    """Correctly rounded floats of a text column under pandas < 3, else None.

    pandas 2 parses text with a fast strtod that can be one ulp off (``2.9750411052698626e-133``
    is not read back as written); Python's ``float()``, which numpy uses for object arrays, is
    exact.  None when a cell is not a plain number (the caller parses those one by one) or
    when pandas' own parser is already exact (pandas >= 3, faster).
    """
    if int(pd.__version__.split(".")[0]) >= 3:
        return None
    cells = series.to_numpy(dtype=object)
    if any(isinstance(cell, str) and ("_" in cell or not cell.isascii()) for cell in cells):
        # float() reads '1_3.25' as 13.25 and Arabic-Indic '١٣' as 13: parsed one by one
        # (the first refused, as on the command line; a full-width '１３' NFKC'd to 13)
        return None
    try:
        return np.asarray(cells, dtype=float)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a Fraction(10**400) cell
        return None


def _parse_numbers(
    frame: pd.DataFrame,
    columns: list[str],
    display: Callable[[str], str],
    row_label: Callable[[Any], str],
    problems: _validation.Problems,
    file_rows: bool,
    separator: str | None = None,
    missing_texts: dict[tuple[str, Any], str] | None = None,
) -> pd.DataFrame:
    """Parse the numeric columns; ``missing_texts`` gets each missing-value text ('n/a', '-').

    Keyed by (column, row label): :func:`_check_complete` shows what was typed (tidy57).
    Only a DataFrame's cells get there: a file's reader already read them as empty cells.
    """
    bad_cells: list[str] = []
    decimal_comma = False
    grouped = False  # '3,392' in a semicolon-separated file: 3.392 or 3392?
    with_unit = False  # '14.3 kg', '13.5 %' in a mass column, '20 m2'...
    thousands = separator != ";"
    parsed: dict[str, pd.Series] = {}
    ids = frame["plot_id"] if "plot_id" in frame else None
    typed_cells = False
    for column in columns:
        series = frame[column]
        percent = column.endswith(("_pct", "_fraction"))
        if series.dtype == np.float64:
            values = series.to_numpy()  # no copy: the column is used as read
            bad = np.isinf(values)
        elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            values = series.to_numpy(dtype=float, na_value=np.nan)
            bad = np.isinf(values)
        elif _is_typed_column(series):
            # booleans, dates and durations are not measurements (Excel TRUE, a date cell)
            values = np.full(len(series), np.nan)
            bad = series.notna().to_numpy()
            typed_cells = typed_cells or bool(bad.any())
        else:
            quick = _exact_floats(series)
            if quick is None:
                quick = pd.to_numeric(series, errors="coerce").to_numpy(
                    dtype=float, na_value=np.nan
                )
            quick = np.array(quick)  # writable
            values = quick.copy()
            bad = np.zeros(len(series), dtype=bool)
            raw = series.tolist()
            if series.dtype == object:
                # to_numeric reads True as 1 and a date as nanoseconds: never measurements
                typed = np.fromiter((_is_typed_cell(v) for v in raw), bool, len(raw))
                quick[typed] = np.nan
                typed_cells = typed_cells or bool(typed.any())
            # only cells the fast path could not read (or read as inf) are parsed one by one
            for slot in np.flatnonzero(~np.isfinite(quick)):
                cell = _parse_cell(raw[slot], percent=percent, thousands=thousands)
                if cell is None:
                    bad[slot] = True
                    values[slot] = np.nan
                else:
                    values[slot] = cell
                    typed = raw[slot]
                    if (
                        missing_texts is not None
                        and np.isnan(cell)
                        and isinstance(typed, str)
                        and typed.strip()
                    ):
                        missing_texts[(column, frame.index[int(slot)])] = typed.strip()
        for position in (int(p) for p in np.flatnonzero(bad)):
            label = frame.index[position]
            plot = ""
            if ids is not None and isinstance(ids.iloc[position], str):
                plot = f" (plot {ids.iloc[position]!r})"
            shown: object = series.iloc[position]
            if isinstance(shown, float | np.floating):
                shown = float(shown)  # 'inf' (a cell '1e400' read as a number), not np.float64(inf)
            elif isinstance(
                shown, datetime.date | datetime.time | datetime.timedelta | np.datetime64
            ):
                # a workbook's date cell as the label messages show one ('2024-05-01 00:00:00'),
                # not Python's datetime.datetime(2024, 5, 1, 0, 0)
                shown = str(shown)
            bad_cells.append(f"{display(column)} {row_label(label)}{plot}: {shown!r}")
            text = str(series.iloc[position]).strip()
            if _DECIMAL_COMMA.fullmatch(text):
                decimal_comma = True
            if not thousands and _THOUSANDS.fullmatch(text.removesuffix("%").strip()):
                grouped = True
            if _NUMBER_WITH_UNIT.fullmatch(text):
                with_unit = True
        if np.signbit(values[values == 0]).any():
            values = np.where(values == 0, 0.0, values)  # '-0' is 0: never '-0.0' in an output
        parsed[column] = pd.Series(values, index=frame.index, name=column, copy=False)
    if bad_cells:
        where = " (row numbers as in the file: the header is row 1)" if file_rows else ""
        comma = (
            ". The numbers use a comma as the decimal separator (e.g. '14,9'): use a dot as the "
            "decimal separator (or save the CSV with a dot decimal separator)"
            if decimal_comma
            else ""
        )
        if with_unit:
            comma += (
                ". Units belong in the header, not in the cells: write '14.3' under a header "
                "such as fresh_mass_kg or 鲜重(kg)"
            )
        if grouped:
            comma += (
                "; the file is separated by semicolons, as a European Excel saves it, so a "
                "comma between digits is not read as a thousands separator ('15,110' could be "
                "15.11 or 15110): write the number without it"
            )
        problems.add(
            f"{len(bad_cells)} non-numeric value{'s' if len(bad_cells) > 1 else ''} in numeric "
            f"columns{where}: {_validation.list_items(bad_cells)}; expected plain numbers such as "
            "12.5 (a trailing % is allowed in percent columns; leave the cell empty for a "
            f"missing value){comma}. Correct these cells"
            + (
                " (TRUE/FALSE and dates are not measurements: check that the column holds the "
                "numbers and is not formatted as a date or a checkbox)"
                if typed_cells
                else ""
            )
        )
    out = frame.copy(deep=False)  # copy-on-write: the columns are replaced, never edited
    for column, series in parsed.items():
        out[column] = series
    return out


def _is_typed_cell(value: Any) -> bool:
    """Tell whether pandas would turn a cell into a number that is none (bool, date, ...)."""
    return isinstance(
        value, bool | np.bool_ | datetime.date | datetime.time | datetime.timedelta | np.datetime64
    ) or isinstance(value, np.timedelta64)


def _warn_date_labels(frame: pd.DataFrame, row_label: Callable[[Any], str]) -> None:
    """Warn about label cells that are dates (Excel turns '1-2' into 2 January)."""
    for column in LABEL_COLUMNS:
        if column not in frame:
            continue
        cells = frame[column]
        if pd.api.types.is_datetime64_any_dtype(cells):
            dated = cells.notna().to_numpy(dtype=bool)
        elif pd.api.types.infer_dtype(cells, skipna=True) in (
            "date",
            "datetime",
            "mixed",
            "mixed-integer",  # a date among plot numbers: Excel read '1-2' as 2 January
            "mixed-integer-float",
        ):
            dated = np.fromiter(
                (isinstance(v, datetime.date | datetime.time | np.datetime64) for v in cells),
                bool,
                len(cells),
            )
        else:
            continue
        if not dated.any():
            continue
        where = [row_label(label) for label in frame.index[dated]]
        example = str(cells[dated].iloc[0])  # as the label is read
        warnings.warn(
            f"{column} holds dates in {_validation.list_items(where)} (e.g. {example!r}): a "
            "spreadsheet turns labels such as '1-2' into dates. Format the column as text and "
            "retype the labels; they are read as shown",
            YieldTrialWarning,
            stacklevel=4,
        )


def _is_typed_column(series: pd.Series) -> bool:
    return bool(
        pd.api.types.is_bool_dtype(series)
        or pd.api.types.is_datetime64_any_dtype(series)
        or pd.api.types.is_timedelta64_dtype(series)
        or isinstance(series.dtype, pd.PeriodDtype)
    )


#: Longest label accepted: a plot id, treatment, block or site is a short name. [characters]
MAX_LABEL_CHARS = 200


#: Cell types that are no label: a list, dict or set in a DataFrame built in Python.
_CONTAINER_TYPES = (list, tuple, dict, set, frozenset, np.ndarray, pd.Series, pd.DataFrame)
#: Kinds of ``pandas.api.types.infer_dtype`` that hold no container cell.
_PLAIN_KINDS = frozenset(
    {"string", "empty", "integer", "floating", "mixed-integer-float", "decimal", "boolean"}
)


def _container_cell_problem(
    frame: pd.DataFrame,
    column: str,
    display: Callable[[str], str],
    row_label: Callable[[Any], str],
) -> str | None:
    """Name the first cell of a label column that holds a list, dict, set, ... (not a label).

    pandas cannot group such cells (``TypeError: unhashable type: 'list'``), and a
    tuple would become the label ``"(1, 2)"``; a label is one text or number per cell.
    """
    cells = frame[column]
    if cells.dtype != object or pd.api.types.infer_dtype(cells, skipna=True) in _PLAIN_KINDS:
        return None  # one pass in C; a container makes the kind "mixed" or "mixed-integer"
    bad = cells.map(lambda cell: isinstance(cell, _CONTAINER_TYPES)).to_numpy(dtype=bool)
    if not bad.any():
        return None
    first = int(np.flatnonzero(bad)[0])
    where = row_label(frame.index[first])
    if column != "plot_id" and "plot_id" in frame:
        plot = frame["plot_id"].iloc[first]
        if isinstance(plot, str | int | np.integer) and not isinstance(plot, bool):
            where += f" (plot {str(plot)!r})"
    value = cells.iloc[first]
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    count = int(bad.sum())
    more = f" (and {count - 1} more cell{'s' if count > 2 else ''})" if count > 1 else ""
    return (
        f"{display(column)} {where} holds a Python {type(value).__name__}: {shown}{more}; "
        "cells must be text or numbers: put one label per cell (e.g. join a list into one "
        "text, or pick its element) before reading the table"
    )


#: The error values a spreadsheet shows (and exports) for a formula that failed.
SPREADSHEET_ERRORS: frozenset[str] = frozenset(
    {
        "#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
        "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
        "#GETTING_DATA", "#ERROR!",
    }
)  # fmt: skip


def _error_value_label_problem(
    frame: pd.DataFrame,
    column: str,
    display: Callable[[str], str],
    row_label: Callable[[Any], str],
) -> str | None:
    """Name the label cells that hold a spreadsheet error value (``#N/A``, ``#DIV/0!``).

    A failed lookup or formula in a label column (a treatment looked up with VLOOKUP)
    is exported as its error text; read as a label it would be one more treatment,
    block or plot named '#N/A'.
    """
    cells = frame[column]
    if _validation.arrow_chunks(cells) is not None and not _holds_hash(cells):
        return None  # every error value starts with '#': no cell can be one (stop 53)
    hit = isin(cells, SPREADSHEET_ERRORS).to_numpy(dtype=bool, na_value=False)
    if not hit.any():
        return None
    rows = [
        f"{row_label(label)} = {value!r}"
        for label, value in zip(frame.index[hit], cells[hit], strict=True)
    ]
    return (
        f"{display(column)} holds a spreadsheet error value in "
        f"{_validation.list_items(rows, total=int(hit.sum()))}, not a label: a formula "
        "failed there; fix it or type the label in the sheet, then save the table again"
    )


def _holds_hash(cells: pd.Series) -> bool:
    """Whether a pyarrow-backed text column holds a ``#`` byte (True when unsure).

    One NumPy scan of the column's bytes (:func:`yieldtrial.io.validation.text_buffers`,
    views of pyarrow's buffers) instead of a hash lookup of every cell: 0.03-0.04 ms
    against 0.9-1.2 ms per label column of a streamed 4 MiB block (stop 53).
    """
    pieces = _validation.text_buffers(cells)
    if pieces is None:
        return True
    for data, offsets, _ in pieces:
        if len(offsets) and (data[int(offsets[0]) : int(offsets[-1])] == ord("#")).any():
            return True
    return False


def _long_label_problem(
    frame: pd.DataFrame,
    column: str,
    display: Callable[[str], str],
    row_label: Callable[[Any], str],
) -> str | None:
    if _validation.short_single_line_text(frame[column], MAX_LABEL_CHARS):
        return None  # checked on pyarrow's buffers, without a Python object per cell
    labels = frame[column].astype("str")
    broken = labels.str.contains("\n", regex=False, na=False).to_numpy(dtype=bool)
    if broken.any():
        rows = [row_label(label) for label in frame.index[broken]]
        return (
            f"{display(column)} holds a label that spans several lines in "
            f'{_validation.list_items(rows)}; a quote (") in the file probably joins several '
            "cells or rows: remove the stray quote or close it where the cell ends"
        )
    lengths = labels.str.len().to_numpy(dtype=float, na_value=0.0)
    long = lengths > MAX_LABEL_CHARS
    if not long.any():
        return None
    rows = [
        f"{row_label(label)} ({int(n):,} characters)"
        for label, n in zip(frame.index[long], lengths[long], strict=True)
    ]
    return (
        f"{display(column)} holds labels longer than {MAX_LABEL_CHARS} characters in "
        f"{_validation.list_items(rows)}; a label is a short name. Check those rows for a stray "
        "quote that joins several cells, or a note typed into the wrong column"
    )


def _clean_text_columns(frame: pd.DataFrame, skip: set[str]) -> pd.DataFrame:
    """Strip control characters from the other text columns (notes, ...)."""
    for column in frame.columns:
        if column in skip:
            continue
        series = frame[column]
        if pd.api.types.is_numeric_dtype(series) or not (
            series.dtype == object or pd.api.types.is_string_dtype(series)
        ):
            continue
        text = series.astype(object)
        dirty = text.map(lambda v: isinstance(v, str) and _validation.clean_text(v) != v)
        if bool(dirty.any()):
            frame[column] = text.where(~dirty, text[dirty].map(_validation.clean_text))
    return frame


def _check_frame_shape(source: pd.DataFrame, columns: Mapping[str, str] | None) -> None:
    """Refuse a DataFrame whose headers are not one row of column names.

    Two header levels (``read_excel(header=[0, 1])``, a pivot table) would be read as
    tuples, and a required column moved into the index (``set_index("plot_id")``) would
    be reported as missing without saying where it went.
    """
    if isinstance(source.columns, pd.MultiIndex):
        raise DataValidationError(
            f"plot table: the DataFrame's columns have {source.columns.nlevels} header levels "
            f"(a MultiIndex, e.g. {source.columns[0]!r}), as read_excel(header=[0, 1]) or a pivot "
            "table gives; give one name per column, e.g. frame.columns = "
            "frame.columns.get_level_values(0), or read the file with one header row"
        )
    taken = {str(c) for c in source.columns}
    named = {str(key): value for key, value in (columns or {}).items()}
    mapped = {named.get(c) or recognise_header(c)[0] for c in taken}
    for level in (n for n in source.index.names if n is not None):
        canonical = named.get(str(level)) or recognise_header(str(level))[0]
        if canonical in ("plot_id", "treatment", "block", "site") and canonical not in mapped:
            raise DataValidationError(
                f"plot table: {canonical} is in the DataFrame's index ({str(level)!r}), not in "
                "a column; pass frame.reset_index() so it becomes a column"
            )


#: Columns that carry the trial's design, and what the analysis does without them.
_DESIGN_ROLES: dict[str, tuple[str, str]] = {
    "block": (
        "the blocks",
        "the plots have no blocks (replicates) and the trial is analysed as a completely "
        "randomized design (CRD)",
    ),
    "incomplete_block": (
        "the incomplete blocks",
        "the incomplete blocks are ignored and an alpha design is analysed as an RCBD",
    ),
    "entry_type": (
        "the checks and entries",
        "checks and entries are not told apart and an augmented design is analysed as an RCBD",
    ),
    "main_plot": (
        "the whole plots",
        "the whole plots are ignored and a split-plot design is not recognised",
    ),
    "row": (
        "the field rows",
        "the field rows are ignored (no Latin square or row-column design)",
    ),
    "column": (
        "the field columns",
        "the field columns are ignored (no Latin square or row-column design)",
    ),
}


def _warn_lost_design_roles(mapping: Mapping[str, str], name: str) -> None:
    """Warn when columns= renames a design column to a name without a role.

    ``--column block=foo`` keeps the blocks as an extra column ``foo``: legitimate for a
    factor, but the design then falls back to a simpler one (an RCBD analysed as a CRD)
    without a word.  Warned only when no other column takes the role.  The warning carries
    ``lost_design_role = (name, header, new, role)``, so a caller that knows the declared
    design rewords it with :func:`declared_design_rename` (the fallback said here is what
    happens when the design is detected from the layout).
    """
    present = set(mapping.values())
    for header, new in mapping.items():
        if header == new:
            continue
        role = header if header in _DESIGN_ROLES else recognise_header(header)[0]
        if role not in _DESIGN_ROLES or role in present or recognise_header(new)[0] is not None:
            continue
        warning = YieldTrialWarning(_lost_role_message(name, header, new, role))
        warning.lost_design_role = (name, header, new, role)  # type: ignore[attr-defined]
        warnings.warn(warning, stacklevel=4)


#: Optional percentage columns whose absence changes the yields without an error (the
#: impurity deduction left out): a header one typo away from one of them is warned of
#: (:func:`_warn_near_miss_headers`).
_OPTIONAL_COLUMNS = ("impurity_pct", "empty_grain_pct", "shelling_pct")
#: Optional label columns of the design, whose absence simplifies the analysis silently
#: (an RCBD analysed as a CRD): a header naming one of them beside another label
#: (``plot_block``, read as neither) is warned of when the table lacks it.
_OPTIONAL_LABELS = ("block", "row", "column", "site")


def _warn_near_miss_headers(mapping: Mapping[str, str], name: str) -> None:
    """Warn of a header kept as an extra column that is a near miss of an optional column.

    ``impurty_pct`` (for ``impurity_pct``) is no name yieldtrial knows, so it was kept as
    an extra column without a word: the yields were computed without their impurity
    deduction.  Warned when the optional column is absent from the table and the header's
    normalised spelling is close to its name (:func:`difflib.get_close_matches`, cutoff 0.8);
    for ``block`` (a typo such as ``blcok``: an RCBD analysed as a CRD) when it is one typo
    from the word (:func:`_near_miss_of_block`), or when it names the block beside
    another label column (``plot_block``, read as neither: :func:`_maybe_block`; loose58).

    Parameters
    ----------
    mapping : mapping
        {header in the file: column name} of :func:`map_columns`.
    name : str
        The table's name (file name, or "plot table"), for the message.
    """
    import difflib

    present = set(mapping.values())
    absent = [c for c in (*_OPTIONAL_COLUMNS, *_OPTIONAL_LABELS) if c not in present]
    if not absent:
        return
    for header, new in mapping.items():
        if header != new or recognise_header(header)[0] is not None:
            continue
        percentages = [c for c in absent if c in _OPTIONAL_COLUMNS]  # iblock, p_block: no typos
        close = difflib.get_close_matches(normalise_header(header), percentages, n=1, cutoff=0.8)
        if not close and "block" in absent and _maybe_block(header):
            close = ["block"]
        pair = label_pair(header)  # plot_row: the plot id or the field row? (loose58)
        if not close and pair is not None:
            close = [c for c in pair if c in absent][:1]
        if not close:
            continue
        warnings.warn(
            YieldTrialWarning(
                f"{name}: column {header!r} is not one of yieldtrial's column names and is "
                f"kept as an extra column, not read as {close[0]!r}; if it holds "
                f"{close[0]}, rename the column, or map it with --column '{header}="
                f"{close[0]}' ([columns] of trial.toml, columns= in Python)"
            ),
            stacklevel=4,
        )
        absent.remove(close[0])


def _maybe_block(header: str) -> bool:
    """Whether a header kept as an extra column may hold the blocks (warned of, reported).

    One typo from ``block`` (:func:`_near_miss_of_block`), or naming a block beside
    another label column (``plot_block``, ``rep_plot``: :func:`~yieldtrial.io.headers.label_pair`).
    """
    return _near_miss_of_block(header) or "block" in (label_pair(header) or ())


def unread_block_headers(column_map: Mapping[str, str]) -> list[str]:
    """Headers kept as extra columns that may hold the blocks of a table read without any.

    The headers :func:`_warn_near_miss_headers` warns of as "not read as 'block'"; the
    report's methods name them beside a completely randomized design (loose58), so the
    report says what the warning said.

    Parameters
    ----------
    column_map : mapping
        {header in the file: column name} (``attrs["column_map"]`` of :func:`read_plots`).

    Returns
    -------
    list of str
        The headers, in table order; empty when a column is read as the block.

    Examples
    --------
    >>> unread_block_headers({"plot": "plot_id", "blcok": "blcok", "notes": "notes"})
    ['blcok']
    """
    if "block" in column_map.values():
        return []
    return [
        str(header)
        for header, new in column_map.items()
        if header == new and recognise_header(header)[0] is None and _maybe_block(str(header))
    ]


def _near_miss_of_block(header: str) -> bool:
    """Return whether ``header`` is one typo from ``block``.

    One letter added, left out, changed or two neighbours swapped, the first letter kept
    (``blcok``, ``blck``, ``bock``, ``blokc``).  A header holding the whole word
    (``iblock``, ``sub_block``, ``p_block``) is another name, not a typo, nor is the word
    ``black``; ``blocks``, ``blok`` and ``bloc`` are read as the block column.  Without
    its block column an RCBD is analysed as a CRD, silently (stop 52), so such a header
    is warned of (:func:`_warn_near_miss_headers`).

    Parameters
    ----------
    header : str
        A header kept as an extra column.

    Returns
    -------
    bool
        True for a typo of ``block``.

    Examples
    --------
    >>> _near_miss_of_block("blcok"), _near_miss_of_block("iblock")
    (True, False)
    """
    text = normalise_header(header)
    if "block" in text or text == "black" or not text.startswith("b") or abs(len(text) - 5) > 1:
        return False
    return _one_edit_apart(text, "block")


def _one_edit_apart(text: str, word: str) -> bool:
    """Return whether ``text`` is ``word`` with one insertion, deletion, substitution or swap.

    Parameters
    ----------
    text, word : str
        The text read and the word it may be a typo of.

    Returns
    -------
    bool
        True when one edit (two neighbours swapped counting as one) turns ``word`` into
        ``text``; False when they are equal.
    """
    if text == word:
        return False
    if len(text) == len(word):
        differ = [i for i, (a, b) in enumerate(zip(text, word, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        first, second = (differ + [0, 0])[:2]
        return (
            len(differ) == 2
            and second == first + 1
            and (text[first], text[second]) == (word[second], word[first])
        )
    short, long = sorted((text, word), key=len)
    if len(long) - len(short) != 1:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _lost_role_message(
    name: str, header: str, new: str, role: str, design: str | None = None
) -> str:
    what, consequence = _DESIGN_ROLES[role]
    if design is not None:  # the declared design runs without the column (else it refused)
        consequence = f"the declared design {design!r} is analysed without {what}"
    return (
        f"{name}: column {header!r} is renamed to {new!r} (columns=, --column or "
        f"[columns] of trial.toml), a name yieldtrial gives no role, so {consequence}; "
        f"to keep {what}, map it to {role} instead (--column '{header}={role}')"
    )


def _read_twice_message(name: str, canonical: str, winners: list[str]) -> str:
    """Say that several headers would be read as one column, and how to tell them apart.

    A replicate and a block column (``rep``, ``block``) are the layout of an alpha lattice
    or another resolvable incomplete-block design (agridat's ``john.alpha``): the message
    names the mapping that reads them as such.
    """
    listed = _validation.list_items(repr(w) for w in winners)
    if canonical == "block" and len(winners) == 2 and "block" in winners:
        rep = next(w for w in winners if w != "block")
        return (
            f"{name}: columns {listed} are both read as block. In an alpha lattice or "
            f"another resolvable incomplete-block design {rep!r} holds the replicates and "
            f"'block' the incomplete blocks within them: map them with columns={{{rep!r}: "
            f"'block', 'block': 'incomplete_block'}} (command line: --column '{rep}=block' "
            f"--column 'block=incomplete_block'); otherwise keep one of them"
        )
    return (
        f"{name}: columns {listed} are all read as {canonical}; keep one, or rename the "
        f"others with columns=, e.g. columns={{{winners[1]!r}: '{canonical}_2'}} (command "
        f"line: --column '{winners[1]}={canonical}_2')"
    )


def declared_design_rename(message: Warning, design: str) -> Warning:
    """Reword a design-column rename warning for the design the trial declared.

    The warning :func:`read_plots` raises says what happens when the design is detected
    from the layout ("the trial is analysed as a completely randomized design"); a trial
    with a declared design either refuses the missing column (an error, shown alone) or
    analyses the declared design without it, which this message says.

    Parameters
    ----------
    message : Warning
        A warning caught while reading the plot table; any other than the rename warning
        is returned unchanged.
    design : str
        The trial's declared design (``rcbd``, ``split_plot``, ...).

    Returns
    -------
    Warning
        The reworded warning, or ``message``.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _warn_lost_design_roles({"row": "r1"}, "plots.csv")
    >>> reworded = str(declared_design_rename(caught[0].message, "rcbd"))
    >>> "so the declared design 'rcbd' is analysed without the field rows;" in reworded
    True
    """
    lost = getattr(message, "lost_design_role", None)
    if lost is None:
        return message
    name, header, new, role = lost
    reworded = YieldTrialWarning(_lost_role_message(name, header, new, role, design=design))
    reworded.lost_design_role = lost  # type: ignore[attr-defined]
    return reworded


#: Columns a missing-column message lists before "and N more" (a wide field book fits).
_MISSING_LISTED_COLUMNS = 60


def _unit_of_cell(column: str, value: object) -> str | None:
    """Return the unit a measurement column's text cell names (``亩``, ``kg``, ``%``), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = normalise_header(value).strip("()[] ")
    from yieldtrial.units import area_unit, mass_unit, yield_unit

    if column.startswith("harvested_area_"):
        parsers: tuple[Callable[[str], object], ...] = (area_unit,)
    elif column.startswith("fresh_mass_"):
        parsers = (mass_unit,)
    elif unit_from_yield_column(column) is not None:
        parsers = (yield_unit, mass_unit)  # 亩产 over 'kg': a mass per mu
    else:  # a percent column
        return value.strip() if text in ("%", "pct", "percent") else None
    for parse in parsers:
        try:
            parse(text)
        except (DataValidationError, ValueError, KeyError):
            continue
        return value.strip()
    return None


def _refuse_unit_row(
    frame: pd.DataFrame,
    raw: pd.DataFrame,
    original: Mapping[str, str],
    name: str,
    row_label: Callable[[Any], str],
) -> None:
    """Refuse a row of units under the header (``亩``, ``kg``, ``%``), as stations type it.

    Every cell was "non-numeric" and the plot columns "empty" (stop 50), which did not say
    what the row is; and deleting the row would read a ``亩`` area as m2.  The message
    names the headers with their units in brackets, which the reader takes.
    """
    if frame.empty or raw.empty or frame.index[0] != raw.index[0]:
        return
    units: dict[str, str] = {}
    for column in frame.columns:
        column = str(column)
        measured = column.startswith(("harvested_area_", "fresh_mass_")) or column in (
            "moisture_pct",
            "moisture_fraction",
            "impurity_pct",
        )
        if not measured and unit_from_yield_column(column) is None:
            continue
        cells = frame[column]
        if pd.api.types.is_numeric_dtype(cells):
            continue  # numbers only: no unit text
        value = cells.iloc[0]  # one column at a time: frame.iloc[0] mixes every dtype
        if isinstance(value, str) and value.strip():
            unit = _unit_of_cell(column, value)
            if unit is None:
                return  # a value, not a unit: the cell's own error follows
            units[column] = unit
    if not units:
        return
    renamed = []
    for column, unit in units.items():
        header = str(original.get(column, column)).strip()
        if recognise_header(f"{header}({unit})")[0] is None:
            continue  # the header states its unit already (面积(m2), harvested_area_m2)
        renamed.append(f"{header!r} -> {header + '(' + unit + ')'!r}")
    shown = _validation.list_items(repr(u) for u in units.values())
    fix = (
        "write each unit into its header in brackets "
        f"({_validation.list_items(renamed, limit=8)}) and delete the row"
        if renamed
        else "the headers state the units already: delete the row"
    )
    raise DataValidationError(
        f"{name}: {row_label(frame.index[0])} holds units ({shown}), not a plot: a row of "
        f"units under the header is not read; {fix}"
    )


def _no_plot_table_column(frame: pd.DataFrame) -> bool:
    """Tell whether ``frame`` (columns mapped) has no plot ids and no measurement column.

    A sheet of notes, or a summary by treatment (``处理, 平均产量``): not the plot table.
    """
    own = ("plot_id", "moisture_pct", "moisture_fraction")
    return not any(
        str(c) in own
        or str(c).startswith(("harvested_area_", "fresh_mass_"))
        or unit_from_yield_column(str(c)) is not None
        for c in frame.columns
    )


def _missing_columns_message(frame: pd.DataFrame, hints: list[str]) -> str | None:
    missing = []
    for column in ("plot_id", "treatment"):
        if column not in frame:
            missing.append(f"{column} (also accepted: {accepted_aliases(column)})")
    has_yield = any(unit_from_yield_column(str(c)) is not None for c in frame.columns)
    harvest_missing = []
    if not has_yield:
        if not any(str(c).startswith("harvested_area_") for c in frame.columns):
            harvest_missing.append(
                "harvested_area_m2 (or harvested_area_mu / harvested_area_ha; also accepted: "
                f"{accepted_aliases('harvested_area')}, '面积(亩)')"
            )
        if not any(str(c).startswith("fresh_mass_") for c in frame.columns):
            harvest_missing.append(
                "fresh_mass_kg (or fresh_mass_jin; also accepted: "
                f"{accepted_aliases('fresh_mass')})"
            )
        if "moisture_pct" not in frame and "moisture_fraction" not in frame:
            harvest_missing.append(f"moisture_pct (also accepted: {accepted_aliases('moisture')})")
    if not missing and not harvest_missing:
        return None
    parts = missing + harvest_missing
    message = f"missing required column{'s' if len(parts) > 1 else ''}: {'; '.join(parts)}"
    if harvest_missing:
        units = ", ".join(yield_column(u) for u in YIELD_UNITS)
        message += (
            f". Instead of the harvest columns you may give one standardized yield column ({units})"
        )
    if hints:
        message += f". Note: {'; '.join(hints)}"
    # a table of 200,000 columns (a row of numbers read as the header) made a 2 MB line
    present = _validation.list_items(
        (repr(str(c)) for c in frame.columns), limit=_MISSING_LISTED_COLUMNS
    )
    return (
        f"{message}. Columns found: {present}. Rename columns in the file, or map them with "
        "columns={'your header': 'canonical_name'} (command line: --column 'your "
        "header=canonical_name')"
    )


def _check_merged_cells(
    merged: list[tuple[str, str]], mapping: Mapping[str, str], name: str
) -> None:
    """Refuse merged cells (Excel's Merge & Center) in a column yieldtrial reads."""
    hits: dict[str, list[str]] = {}
    for ref, header in merged:
        canonical = mapping.get(header, header)
        if canonical in CANONICAL_COLUMNS or unit_from_yield_column(canonical) is not None:
            hits.setdefault(ref, []).append(canonical)
    if not hits:
        return
    refs = [f"{ref} ({', '.join(dict.fromkeys(names))})" for ref, names in hits.items()]
    raise DataValidationError(
        f"{name}: merged cells (Merge & Center) in {_validation.list_items(refs)}: only the "
        "first cell of a merged range holds its value, so the other plots would read as "
        "empty. Unmerge the cells and fill the value into every row"
    )


#: Labels of a spreadsheet's total and mean rows (compared ignoring case and a final colon).
SUMMARY_LABELS: frozenset[str] = frozenset(
    {
        "total", "totals", "grand total", "subtotal", "sum", "mean", "means", "average",
        "avg", "overall", "overall mean", "合计", "总计", "小计", "总和", "平均", "平均值",
        "均值", "平均数", "总平均",
    }
)  # fmt: skip


def _is_summary_label(value: Any) -> bool:
    """Whether ``value`` is a text cell spelling a summary label (case, spaces, final colon)."""
    return isinstance(value, str) and _summary_key(value) in SUMMARY_LABELS


def _summary_positions(cells: pd.Series) -> np.ndarray:
    """Positions (in order) of the cells of ``cells`` that spell a summary label.

    A text column is narrowed by vectorized tests before any cell is judged in Python:
    a cell of decimal digits only, or holding an ASCII digit, cannot be a label
    (stripping spaces and colons and case folding keep digits; no label has one), and
    the rest are judged once per distinct text.  Few distinct texts (a treatment or block
    column) are found by hashing at once; many (plot ids) are first narrowed by the
    search for a digit.  Other columns are judged cell by cell.
    """
    if not isinstance(cells.dtype, pd.StringDtype):
        flags = [_is_summary_label(value) for value in cells.to_numpy(dtype=object)]
        return np.flatnonzero(np.array(flags, dtype=bool))
    found = _arrow_summary_positions(cells)
    if found is not None:
        return found
    decimal = cells.str.isdecimal().fillna(True).to_numpy(dtype=bool)
    positions = np.flatnonzero(cells.notna().to_numpy(dtype=bool) & ~decimal)
    del decimal
    rest = cells.iloc[positions]
    if rest.iloc[:_SUMMARY_SAMPLE].nunique() > _SUMMARY_SAMPLE // 64:  # many texts
        digit = rest.str.contains("[0-9]", regex=True).fillna(True).to_numpy(dtype=bool)
        positions = positions[~digit]
        rest = cells.iloc[positions]
    hits = [value for value in rest.unique() if _is_summary_label(value)]
    return positions[isin(rest, hits).to_numpy(dtype=bool)] if hits else positions[:0]


def _arrow_summary_positions(cells: pd.Series) -> np.ndarray | None:
    """:func:`_summary_positions` on the pyarrow array behind a string column (None: no array).

    The same narrowing with pyarrow's kernels called directly (pandas' ``str`` methods call
    the same kernels, with a boolean Series, a copy of the rows and a hash of them around
    each): a column of decimal digits only (plot ids, block numbers) costs one kernel, and
    a column of all-text labels (treatments) is not copied before its distinct texts are
    taken (a 4 MiB block of a streamed table: 5.8 ms -> about 2 ms for its three label
    columns).
    """
    chunks = _validation.arrow_chunks(cells)
    if chunks is None or not chunks:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.chunked_array(chunks, type=chunks[0].type)
    none = np.zeros(0, dtype=np.intp)
    # a cell of decimal digits only cannot be a label; missing cells are none either
    candidate = pc.invert(pc.fill_null(pc.utf8_is_decimal(values), True))
    if not len(values) or not pc.any(candidate).as_py():
        return none
    positions = np.flatnonzero(candidate.to_numpy(zero_copy_only=False))
    rest = values if len(positions) == len(values) else values.take(pa.array(positions))
    if pc.count_distinct(rest.slice(0, _SUMMARY_SAMPLE)).as_py() > _SUMMARY_SAMPLE // 64:
        digit = pc.fill_null(pc.match_substring_regex(rest, "[0-9]"), True)
        positions = positions[~digit.to_numpy(zero_copy_only=False)]
        rest = values.take(pa.array(positions))
    hits = [value for value in pc.unique(rest).to_pylist() if _is_summary_label(value)]
    if not hits:
        return none
    found = pc.is_in(rest, value_set=pa.array(hits, type=rest.type))
    return positions[found.to_numpy(zero_copy_only=False)]


#: Cells sampled by :func:`_summary_positions` to tell a column of few distinct texts.
_SUMMARY_SAMPLE = 1 << 16


def _summary_rows_problem(
    frame: pd.DataFrame, display: Callable[[str], str], row_label: Callable[[Any], str]
) -> str | None:
    """Name the rows whose plot, treatment or block label is 'Total', '合计', '平均', ...

    A total or mean row typed under the plots would otherwise be read as one more plot
    (of a treatment named 'Mean') or give "block is empty" errors that do not say why.
    A row with its own plot id (not itself a summary word) is a plot: a treatment or block
    really named 'Mean' or '平均' is read as such; a summary row leaves the plot id blank
    or writes the summary word there.
    """
    ids = frame["plot_id"] if "plot_id" in frame else None
    found: dict[Any, str] = {}
    for column in ("plot_id", "treatment", "block"):
        if column not in frame or pd.api.types.is_numeric_dtype(frame[column]):
            continue
        cells = frame[column]
        for position in _summary_positions(cells):
            label, value = cells.index[position], cells.iloc[position]
            if label in found:
                continue
            if column != "plot_id" and ids is not None:
                plot_id = ids.iloc[position]
                if not _blank(plot_id) and not _is_summary_label(plot_id):
                    continue  # a plot of a treatment (or block) named 'Mean'
            found[label] = f"{row_label(label)} ({display(column)} {value!r})"
    if not found:
        return None
    return (
        f"{_validation.list_items(list(found.values()))} "
        + (
            "look like summary rows (totals or means), not plots; delete them"
            if len(found) > 1
            else "looks like a summary row (a total or a mean), not a plot; delete it"
        )
        + " from the plot table (yieldtrial computes the means itself), or keep such rows on "
        "another sheet"
    )


def _blank(value: Any) -> bool:
    """Whether a label cell is empty (NaN, None or only spaces)."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or bool(pd.isna(value))


def _summary_key(value: str) -> str:
    """Return the label as compared with :data:`SUMMARY_LABELS` ('Total:' -> 'total')."""
    return value.strip().rstrip(":：").strip().casefold()


#: The numbers a sheet cell may hold (Python's and numpy's; a bool is none of them here).
_REAL = (int, float, np.integer, np.floating)


#: Measured columns in units that are no percentage (prefixes of their canonical names).
_NOT_PERCENT = ("harvested_area_", "fresh_mass_", "yield_", "reported_yield_")


def _percent_shown(
    frame: pd.DataFrame,
    cells: list[tuple[int, str]],
    mapping: Mapping[str, str],
    name: str = "plot table",
) -> pd.DataFrame:
    """Read the percentage-formatted numbers of percent columns as shown (0.135 as 13.5).

    Excel stores a cell shown as 13.5 % as 0.135; in a ``*_pct`` column the number meant
    is the one shown, so it is multiplied by 100 (a ``*_fraction`` column keeps 0.135).
    Every number is: a whole one too (1 shown as 100 % is 100, then out of range), and
    in both readers (:func:`read_plots` and :func:`map_plot_headers`, the network's).
    A percentage-formatted number in a mass, area or yield column is refused: 14.1 %
    typed in a mass cell is stored as 0.141 and a mass of 14.1 is shown as 1410 %, so
    the number meant is unknown.
    """
    by_column: dict[str, list[int]] = {}
    for index, header in cells:
        canonical = mapping.get(header)
        if canonical is not None and canonical.startswith(_NOT_PERCENT):
            value = frame[canonical].at[index] if index in frame.index else None
            if isinstance(value, _REAL) and not isinstance(value, bool):
                shown_name = _validation.column_in_message(canonical)
                raise DataValidationError(
                    f"{name}: {shown_name} (header {header!r}) row {index + 2} "
                    "is formatted as a percentage in Excel (it holds "
                    f"{message_number(value)}, shown as {message_number(value, scale=100)} "
                    "%), which a mass, area or yield is not; remove the percent "
                    "format of the column (Format Cells > Number) and type the value meant"
                )
        if canonical is not None and canonical.endswith("_pct"):
            by_column.setdefault(canonical, []).append(index)
    if not by_column:
        return frame
    frame = frame.copy(deep=False)
    for column, rows in by_column.items():
        values = frame[column].astype(object)  # a new Series: the caller's table is kept
        for index in rows:
            value = values.at[index]
            if isinstance(value, _REAL) and not isinstance(value, bool):
                # the decimal point moved two places: 0.137 is 13.7, not 13.700000000000001
                values.at[index] = float(decimal.Decimal(repr(float(value))).scaleb(2))
        frame[column] = values
    return frame


def repeated_header_rows(frame: pd.DataFrame, headers: list[str]) -> list[Any]:
    """Index labels of the rows whose text cells repeat their headers (two files joined).

    A row counts when the first measurement column and at least one other column (all of
    them in a one-column table) hold their own column's header, ignoring case and
    surrounding spaces.  Only the rows that pass the first column are compared further.
    """
    numeric = set(_numeric_columns(frame))
    if any(pd.api.types.is_numeric_dtype(frame[c]) for c in numeric):
        return []  # a header row in the middle would have kept that column text

    def same(position: int, rows: np.ndarray | None) -> np.ndarray:
        cells = frame.iloc[:, position] if rows is None else frame.iloc[rows, position]
        if pd.api.types.is_numeric_dtype(cells) or not headers[position].strip():
            return np.zeros(len(cells), dtype=bool)  # numbers never spell a header
        text = cells.astype(str).str.strip().str.casefold()
        return text.eq(headers[position].strip().casefold()).to_numpy(dtype=bool)

    names = list(frame.columns)
    first = next((i for i, c in enumerate(names) if c in numeric), None)
    if first is None:
        return []
    rows = np.flatnonzero(same(first, None))
    if len(headers) > 1 and len(rows):
        others = [same(i, rows) for i in range(len(headers)) if i != first]
        rows = rows[np.any(others, axis=0)]
    return [frame.index[int(i)] for i in rows]


#: pandas 3 copies on write always: a shallow copy of a table can be changed without
#: changing the table it was copied from.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


def build_plot_table(
    raw: pd.DataFrame,
    *,
    name: str,
    columns: Mapping[str, str] | None,
    row_label: Callable[[Any], str],
    file_rows: bool,
    separator: str | None = None,
    parsed_ids: list[np.ndarray | None] | None = None,
    label_variants: bool = True,
    cell_texts: CellTexts | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Validate a raw table read from ``name`` into the plot table :func:`read_plots` returns.

    Returns the table and its header mapping {header in the file: standard column}.
    ``cell_texts`` looks up what was typed in cells the file's reader read as missing
    ('n/a', '-'), by (row position, column position), for the messages of
    :func:`_check_complete`.
    """
    headers = [str(c) for c in raw.columns]
    if not headers:
        raise DataValidationError(f"{name}: the table has no columns; expected a header row")
    mapping, hints = map_columns(headers, columns, name)
    _check_merged_cells(raw.attrs.get("merged_cells") or [], mapping, name)
    frame = raw.copy(deep=False)  # copy-on-write: no need to duplicate the data
    frame.columns = [mapping[h] for h in headers]
    frame = _percent_shown(frame, raw.attrs.get("percent_cells") or [], mapping, name)
    original = {new: old for old, new in mapping.items()}

    def display(column: str) -> str:
        return _validation.column_in_message(column, original.get(column, column))

    # drop completely empty rows (keeping the file's row numbers in the index)
    empty = np.ones(len(frame), dtype=bool)
    numeric_first = sorted(
        range(frame.shape[1]), key=lambda i: not pd.api.types.is_numeric_dtype(frame.iloc[:, i])
    )
    for position in numeric_first:
        if not empty.any():
            break
        candidates = np.flatnonzero(empty)
        cells = frame.iloc[:, position]
        if len(candidates) < len(frame):
            cells = cells.iloc[candidates]
        blank = np.array(cells.isna().to_numpy(), dtype=bool)
        if not pd.api.types.is_numeric_dtype(cells):
            blank |= cells.astype(str).str.strip().eq("").to_numpy(dtype=bool)
        empty[candidates] = blank
    if empty.any() or not _COPY_ON_WRITE:
        frame = frame.loc[~empty]
    # else no row is empty: selecting every row would copy the whole table (5.9 million
    # plots: 180 MiB of numbers and 222 MiB of label text) to the same values; under
    # copy-on-write the shallow copy above is as safe to change
    if frame.empty:
        raise DataValidationError(
            f"{name}: the table has no plot rows (only a header); expected one row per plot"
        )
    message = _missing_columns_message(frame, hints)
    if message:
        if raw.attrs.get("default_sheet_of") and _no_plot_table_column(frame):
            check_other_sheets(Path(raw.attrs["default_sheet_of"]))  # names the other sheets
        raise DataValidationError(f"{name}: {message}")
    if file_rows:
        _refuse_unit_row(frame, raw, original, name, row_label)
    _warn_lost_design_roles(mapping, name)
    _warn_near_miss_headers(mapping, name)
    repeated = repeated_header_rows(frame, headers)
    if repeated:
        rows = [row_label(label) for label in repeated]
        raise DataValidationError(
            f"{name}: {_validation.list_items(rows)} repeat{'s' if len(rows) == 1 else ''} the "
            "header row (were several exports joined into one file?); delete "
            f"{'that row' if len(rows) == 1 else 'those rows'}, keeping the header at the top"
        )

    frame = _strip_byte_order_marks(frame, name, display, row_label)
    problems = _validation.Problems(name)
    if not file_rows:  # a DataFrame built in Python may hold lists, dicts or sets in a cell
        for column in LABEL_COLUMNS:
            if column in frame:
                problems.add(_container_cell_problem(frame, column, display, row_label))
        problems.raise_if_any()
    for column in LABEL_COLUMNS:  # before normalising: a stray quote shows as a line break
        if column in frame and not pd.api.types.is_numeric_dtype(frame[column]):
            problems.add(_long_label_problem(frame, column, display, row_label))
            problems.add(_error_value_label_problem(frame, column, display, row_label))
    problems.raise_if_any()
    _warn_date_labels(frame, row_label)
    merges: list[str] = []
    for column in LABEL_COLUMNS:
        if column in frame:
            frame[column], merged = _validation.normalise_labels(
                frame[column], missing=NA_VALUES if file_rows else ()
            )
            merges += _validation.merged_label_items(column, merged)
    summary = _summary_rows_problem(frame, display, row_label)
    if summary:
        raise DataValidationError(f"{name}: {summary}")
    numeric = _numeric_columns(frame)
    frame = _clean_text_columns(frame, set(LABEL_COLUMNS) | set(numeric))
    if separator == ";":
        frame = _decimal_commas(frame, numeric, name=name, display=display, row_label=row_label)
    _validation.warn_half_precision(frame, numeric, display, stacklevel=4)
    missing_texts: dict[tuple[str, Any], str] = {}  # 'n/a' typed in a cell (tidy57)
    frame = _parse_numbers(
        frame, numeric, display, row_label, problems, file_rows, separator, missing_texts
    )
    for column in LABEL_COLUMNS:
        if column in frame:
            missing = frame[column].isna()
            if missing.any():
                rows = [row_label(label) for label in frame.index[missing]]
                problems.add(
                    f"{display(column)} is empty in {_validation.list_items(rows)}; every plot "
                    f"needs a {column} (delete rows that are not plots)"
                )
    _check_values(frame, display, row_label, problems)
    # parsed_ids: the plot ids as integers, kept by the streamed reader (parsed once)
    problems.add(
        _validation.duplicate_id_problem(frame, ["site", "plot_id"], parsed_ids=parsed_ids)
    )
    problems.raise_if_any()
    frame = _convert_units(frame)
    if cell_texts is not None:
        missing_texts.update(_typed_in_file(frame, headers, mapping, cell_texts))
    _check_complete(frame, display, row_label, problems, missing_texts)
    problems.raise_if_any()
    warn_fractions(frame)
    _validation.warn_merged_labels(merges, stacklevel=4)
    if label_variants:  # the streamed reader checks the distinct labels of all blocks at the end
        _validation.warn_label_variants(frame, ("treatment", "block"), stacklevel=4)
    frame = _order(frame)
    column_map = {old: new for old, new in mapping.items()}
    return frame, column_map


_BOM = "\ufeff"


def _holds_byte_order_mark(series: pd.Series) -> bool:
    """Whether a text column holds U+FEFF anywhere, read from its bytes when it can be.

    A pyarrow-backed column is searched in its UTF-8 buffers and a column of ASCII text
    (:func:`~yieldtrial.io.validation.text_buffers` gives one only then) holds none, so
    the common tables cost a byte search, not a Python object per cell.
    """
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return False
    pieces = _validation.text_buffers(series)
    if pieces is not None:
        if _validation.arrow_chunks(series) is None:
            return False  # the joined buffer of an object column is ASCII
        return any(_BOM.encode() in data.tobytes() for data, _, _ in pieces)
    try:  # non-ASCII text (Chinese labels) without pyarrow: one join, not a call per cell
        return _BOM in "".join(series.dropna().to_numpy(dtype=object))
    except TypeError:  # a cell that is not text (a number in a DataFrame's column)
        return bool(
            series.map(lambda v: isinstance(v, str) and _BOM in v).to_numpy(dtype=bool).any()
        )


def _strip_byte_order_marks(
    frame: pd.DataFrame,
    name: str,
    display: Callable[[str], str],
    row_label: Callable[[Any], str],
) -> pd.DataFrame:
    """Remove a byte-order mark (U+FEFF) inside the table's cells, warning with the rows.

    A UTF-8 file may start with the mark (the readers drop it); inside the table it comes
    from two files joined into one (``cat a.csv b.csv``).  Stop 52 removed it from a plot
    id silently (:func:`~yieldtrial.io.validation.normalise_label`), warned of it on a
    site or treatment only when the same label was also written without it, kept it in a
    note and refused a number holding it ('\ufeff10.14').  One rule now for every column
    (loose58): the mark is removed and one warning names the columns and rows.
    """
    found: list[str] = []
    for column in frame.columns:
        series = frame[column]
        if not _holds_byte_order_mark(series):
            continue
        marked = series.map(lambda v: isinstance(v, str) and _BOM in v).to_numpy(dtype=bool)
        rows = [row_label(label) for label in frame.index[marked]]
        found.append(f"{display(str(column))} {_validation.list_items(rows)}")
        if series.dtype == object:
            text = series.copy()
            text[marked] = [v.replace(_BOM, "") for v in series[marked]]
        else:
            text = series.str.replace(_BOM, "", regex=False)
        frame[column] = text
    if found:
        warnings.warn(
            YieldTrialWarning(
                f"{name}: a byte-order mark (U+FEFF, the invisible character a UTF-8 file "
                "starts with) is inside the table (were several files joined into one?): "
                f"{'; '.join(found)}. It was removed and the cells read without it; check "
                "those rows, and save the joined table once as 'CSV UTF-8'"
            ),
            stacklevel=4,
        )
    return frame


#: Looks up the texts of a file's cells read as missing: (row position, column position)
#: pairs -> the text typed in each (:func:`yieldtrial.io.table_files.missing_cell_texts`).
CellTexts = Callable[[list[tuple[int, int]]], Mapping[tuple[int, int], str]]


def _typed_in_file(
    frame: pd.DataFrame,
    headers: list[str],
    mapping: Mapping[str, str],
    cell_texts: CellTexts,
) -> dict[tuple[str, Any], str]:
    """Texts typed in the file's cells that :func:`_check_complete` will name (loose58).

    A CSV reader reads 'n/a' or '—' as an empty cell; only the cells of weighed plots
    with a gap are looked up again, so a table without such gaps costs nothing.  A column
    converted to its standard unit (``area_mu`` -> ``harvested_area_m2``) is found by its
    quantity.
    """
    if not has_harvest_columns(frame):
        return {}
    weighed = frame["fresh_mass_kg"].notna().to_numpy()
    asked: dict[tuple[int, int], tuple[str, Any]] = {}
    for column in ("harvested_area_m2", "moisture_pct", *_OPTIONAL_COLUMNS):
        if column not in frame:
            continue
        quantity = column.rsplit("_", 1)[0]
        positions = [i for i, h in enumerate(headers) if mapping[h].rsplit("_", 1)[0] == quantity]
        if len(positions) != 1:
            continue
        gaps = frame.index[weighed & frame[column].isna().to_numpy()]
        for label in gaps[:_TYPED_CELLS_SHOWN]:
            asked[(int(label), positions[0])] = (column, label)
    if not asked:
        return {}
    found = cell_texts(list(asked))
    return {asked[cell]: text for cell, text in found.items() if cell in asked}


#: Cells of one column whose typed text :func:`_typed_in_file` looks up.
_TYPED_CELLS_SHOWN = 50


def _check_values(
    frame: pd.DataFrame,
    display: Callable[[str], str],
    row_label: Callable[[Any], str],
    problems: _validation.Problems,
) -> None:
    def check(column: str, low: float, high: float | None, **options: Any) -> None:
        problems.add(
            _validation.range_problem(
                frame, column, low=low, high=high, row_label=row_label, **options
            )
        )

    for column in frame.columns:
        column = str(column)
        if column.startswith("harvested_area_"):
            check(
                column,
                0,
                None,
                low_inclusive=False,
                meaning=f"harvested area, {column.rsplit('_', 1)[1]}",
                fix="Enter the net harvested area of each plot (leave the mass empty for a "
                "missing plot)",
            )
        elif column.startswith("fresh_mass_") or unit_from_yield_column(column) is not None:
            check(
                column,
                0,
                None,
                meaning="mass" if column.startswith("fresh") else "yield",
                fix="Masses and yields cannot be negative",
            )
    for column, (low, high, low_inc, high_inc) in PERCENT_COLUMNS.items():
        interval = {"low_inclusive": low_inc, "high_inclusive": high_inc}
        fraction = column.removesuffix("_pct") + "_fraction"
        if fraction in frame:
            check(fraction, low / 100, high / 100, **interval, meaning="fraction 0-1")
        if column not in frame:
            continue
        if column in ("moisture_pct", "shelling_pct"):
            found = _validation.fraction_problem(frame, column)
            if found:
                problems.add(found)
                continue
            found = _validation.mixed_fraction_problem(frame, column, row_label=row_label)
            if found:  # 0.127 among 13.7, 12.9: a fraction typed by mistake
                problems.add(found)
                continue
        check(
            column,
            low,
            high,
            **interval,
            meaning="percent",
            fix="Percentages are 0-100 (13 for 13 %)",
        )
    for column in ("row", "column"):
        if column in frame:
            values = frame[column].to_numpy(dtype=float, na_value=np.nan)
            bad = ~np.isnan(values) & (values != np.round(values))
            if bad.any():
                rows = [
                    f"{row_label(i)}: {message_number(v)}"
                    for i, v in zip(frame.index[bad], values[bad], strict=True)
                ]
                problems.add(
                    f"{display(column)} must hold whole field positions (1, 2, ...); got "
                    f"{_validation.list_items(rows)}"
                )


#: Columns :func:`yieldtrial.io.yields.plot_yields` writes (with the yield column); a plot
#: table's own column of that name is read as ``reported_<name>``.
COMPUTED_COLUMNS: tuple[str, ...] = (
    "standardized_mass_kg",
    "standard_moisture_pct",
    "moisture_method",
)


def _convert_units(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy(deep=False)
    if "harvested_area_m2" not in out:
        for unit in AREA_UNITS:
            if f"harvested_area_{unit}" in out:
                out["harvested_area_m2"] = convert_area(out[f"harvested_area_{unit}"], unit, "m2")
                break
    if "fresh_mass_kg" not in out:
        for unit in MASS_UNITS:
            if f"fresh_mass_{unit}" in out:
                out["fresh_mass_kg"] = convert_mass(out[f"fresh_mass_{unit}"], unit, "kg")
                break
    for column in PERCENT_COLUMNS:
        fraction = column.removesuffix("_pct") + "_fraction"
        if column not in out and fraction in out:
            out[column] = out[fraction] * 100.0
    yield_columns = [c for c in out.columns if unit_from_yield_column(str(c)) is not None]
    if (
        has_harvest_columns(out)
        and yield_columns
        and out["fresh_mass_kg"].isna().all()
        and any(out[c].notna().any() for c in yield_columns)
    ):
        # a field book of `yieldtrial design` keeps its blank harvest columns when the
        # yields are typed into a yield column: no plot was weighed, so the yield column
        # is the harvest (it used to be renamed reported_<name> and every plot "missing")
        out = out.drop(columns="fresh_mass_kg")
    if has_harvest_columns(out):
        renames = {
            c: f"reported_{c}" for c in out.columns if unit_from_yield_column(str(c)) is not None
        }
        out = out.rename(columns=renames)
    # columns yieldtrial computes itself: a table's own (an earlier run's output, a per-plot
    # standard it does not read) is kept beside them, never silently overwritten
    out = out.rename(columns={c: f"reported_{c}" for c in COMPUTED_COLUMNS if c in out})
    for column in ("row", "column"):
        if column in out:
            out[column] = out[column].astype("Int64")
    return out


def _check_complete(
    frame: pd.DataFrame,
    display: Callable[[str], str],
    row_label: Callable[[Any], str],
    problems: _validation.Problems,
    missing_texts: Mapping[tuple[str, Any], str] | None = None,
) -> None:
    """Refuse a weighed plot whose area, moisture or deduction cell is empty.

    Each plot is named by its row, and a text read as missing ('n/a', '-') is shown as
    typed (tidy57: "moisture_pct is empty for plot '101'" named neither).
    """
    if not has_harvest_columns(frame):
        return
    typed = missing_texts or {}
    weighed = frame["fresh_mass_kg"].notna()
    needed = ["harvested_area_m2", "moisture_pct"] + [
        c for c in ("impurity_pct", "empty_grain_pct", "shelling_pct") if c in frame
    ]
    for column in needed:
        gap = weighed & frame[column].isna()
        if gap.any():
            items = []
            for label, pid in zip(frame.index[gap], frame.loc[gap, "plot_id"], strict=True):
                text = typed.get((column, label))
                shown = "" if text is None else f": {text!r}"
                items.append(f"{row_label(label)} (plot {pid!r}){shown}")
            zero = (
                " (enter 0 if nothing was deducted)"
                if column in ("impurity_pct", "empty_grain_pct")
                else ""
            )
            verb = "have" if len(items) > 1 else "has"
            problems.add(
                f"{display(column)} is empty for {_validation.list_items(items)}, which {verb} a "
                f"fresh mass; fill it in{zero}, or leave the mass empty too if the plot is missing"
            )


def warn_fractions(frame: pd.DataFrame) -> None:
    """Warn when impurity or empty-grain percents look like fractions (0.02 for 2 %)."""
    # impurity and empty grain below 1 % are real, and 1.0 is a plausible percent: warn only
    # when every value is a fraction-like number below 1 and at least one is non-zero
    for column in ("impurity_pct", "empty_grain_pct"):
        if column not in frame:
            continue
        values = frame[column].to_numpy(dtype=float, na_value=np.nan)
        values = values[~np.isnan(values)]
        if values.size == 0 or not ((values >= 0) & (values < 1)).all() or values.max() <= 0:
            continue
        warnings.warn(
            f"every {column} value lies in [0, 1) (largest {message_number(values.max())}); if "
            "they are fractions, multiply by 100. Values below 1 % are possible, so they are "
            "used as given",
            YieldTrialWarning,
            stacklevel=4,
        )


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    first = [c for c in CANONICAL_COLUMNS if c in frame]
    yields = [c for c in frame.columns if unit_from_yield_column(str(c)) is not None]
    rest = [c for c in frame.columns if c not in first and c not in yields]
    return frame[first + yields + rest]
