"""Private checks that build yieldtrial's error and warning messages.

Every message follows one pattern: what is wrong, where (column, row or plot),
what was expected, what was given, and how to fix it.  At most
:data:`MAX_LISTED` offending cells are quoted, followed by "and N more".

Row numbers in messages about files are the spreadsheet row numbers: the
header is row 1, so the first data row is row 2.
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io.checks import (
    MAX_ANALYSED_YIELD,
    MIN_ANALYSED_YIELD,
    message_number,
    outside_interval,
)

__all__ = [
    "MAX_LISTED",
    "Problems",
    "not_treatments",
    "as_labels",
    "check_augmented_control",
    "check_shared_positions",
    "check_computed_finite",
    "check_control",
    "check_exclusions",
    "clean_text",
    "column_in_message",
    "digit_ids",
    "digit_text_integers",
    "duplicate_id_problem",
    "fraction_problem",
    "leading_byte_count",
    "list_items",
    "lookalike_letters",
    "mixed_fraction_problem",
    "normalise_label",
    "normalise_labels",
    "range_problem",
    "short_single_line_text",
    "text_buffers",
    "warn_half_precision",
    "warn_implausible_moisture",
    "warn_label_variants",
]

MAX_LISTED = 5
"""How many offending values a message quotes before "and N more"."""


#: Words the messages set beside a column's name ("moisture_pct row 3 (plot '7')", "in
#: the treatment column"): a column named one of them is quoted ("'row' row 3").
_MESSAGE_WORDS = frozenset({"row", "rows", "column", "columns", "plot", "plots", "header", "index"})


def column_in_message(column: str, header: str | None = None) -> str:
    """Return a column's name as the reading messages show it (and its header if other).

    The name stands bare where it reads as a name (``moisture_pct``); a name that is
    not a plain identifier or that is a word the messages use beside it (``row``,
    ``column``, ``plot``, ...) is quoted, so that "'row' row 2" does not read as a typo
    and "'my notes' row 2" not as two words of the sentence.

    Parameters
    ----------
    column : str
        The column's name in the table (canonical once mapped).
    header : str, optional
        The file's header of the column; shown when it differs from ``column``.

    Returns
    -------
    str
        ``moisture_pct``, ``'row'``, or ``moisture_pct (header 'Moisture %')``.
    """
    plain = column.isidentifier() and column.casefold() not in _MESSAGE_WORDS
    shown = column if plain else repr(column)
    return shown if header is None or header == column else f"{shown} (header {header!r})"


def not_treatments(count: int) -> str:
    """Return "is not a treatment" for one label, "are not treatments" for several.

    The messages naming labels missing from the plot table said "'1', '2', which are not a
    treatment" (stop 50): one rule for the verb and the noun.

    Examples
    --------
    >>> not_treatments(1), not_treatments(2)
    ('is not a treatment', 'are not treatments')
    """
    return "is not a treatment" if count == 1 else "are not treatments"


def list_items(items: Iterable[str], *, limit: int = MAX_LISTED, total: int | None = None) -> str:
    """Join items for a message, quoting at most ``limit`` of them.

    Parameters
    ----------
    items : iterable of str
        Already formatted items.
    limit : int, default 5
        How many to show.
    total : int, optional
        How many items there are when ``items`` holds only the first of them (a table
        read in blocks keeps the first few and a count); default ``len(items)``.

    Returns
    -------
    str
        ``"a, b, c"`` or ``"a, b, c, d, e and 3 more"``.

    Examples
    --------
    >>> list_items(["a", "b"])
    'a, b'
    >>> list_items([str(i) for i in range(8)])
    '0, 1, 2, 3, 4 and 3 more'
    """
    values = list(items)
    count = len(values) if total is None else total
    shown = ", ".join(values[:limit])
    if count > limit:
        shown += f" and {count - limit} more"
    return shown


def _fmt(value: Any) -> str:
    """Format a number for a message without spurious digits."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and number == int(number):
            return f"{int(number)}"
        return f"{message_number(number)}"
    return repr(value)


def _interval(
    low: float | None, high: float | None, low_inclusive: bool, high_inclusive: bool
) -> str:
    left = ("[" if low_inclusive else "(") + ("-inf" if low is None else _fmt(low))
    right = ("inf" if high is None else _fmt(high)) + ("]" if high_inclusive else ")")
    return f"{left}, {right}"


def _outside(
    values: np.ndarray,
    low: float | None,
    high: float | None,
    low_inclusive: bool,
    high_inclusive: bool,
) -> np.ndarray:
    """Boolean mask of finite-or-infinite values outside the interval (NaN is never outside)."""
    with np.errstate(invalid="ignore"):
        bad = outside_interval(values, low, high, low_inclusive, high_inclusive)
    return np.zeros(values.shape, dtype=bool) | bad


class Problems:
    """Collect data problems and raise them together as one error.

    Examples
    --------
    >>> problems = Problems("plots.csv")
    >>> problems.raise_if_any()
    >>> problems.add("plot_id 'A1' appears twice")
    >>> problems.raise_if_any()
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: plots.csv: plot_id 'A1' appears twice
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.messages: list[str] = []

    def add(self, message: str | None) -> None:
        """Record a problem (``None`` is ignored, so checks can return optional messages)."""
        if message:
            self.messages.append(message)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def raise_if_any(self) -> None:
        """Raise one :class:`DataValidationError` listing every recorded problem."""
        if not self.messages:
            return
        if len(self.messages) == 1:
            raise DataValidationError(f"{self.source}: {self.messages[0]}")
        numbered = "; ".join(f"({i}) {m}" for i, m in enumerate(self.messages, start=1))
        raise DataValidationError(f"{self.source}: {len(self.messages)} problems: {numbered}")


def _plot_label(ids: pd.Series | None, index_label: Any, fallback: str) -> str:
    if ids is not None:
        value = ids.get(index_label)
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            return f"plot {str(value)!r}"
    return fallback


def range_problem(
    data: pd.DataFrame,
    column: str,
    *,
    low: float | None,
    high: float | None,
    low_inclusive: bool = True,
    high_inclusive: bool = False,
    meaning: str = "",
    fix: str = "",
    row_label: Callable[[Any], str] = str,
    id_column: str = "plot_id",
) -> str | None:
    """Describe the values of a numeric column that lie outside an interval.

    Parameters
    ----------
    data : DataFrame
        Plot table with a numeric ``column``.
    column : str
        Column to check; absent columns pass.
    low, high : float or None
        Interval bounds.
    low_inclusive, high_inclusive : bool
        Whether the bounds are allowed.
    meaning : str, optional
        What the column holds, e.g. ``"wet-basis grain moisture, percent"``.
    fix : str, optional
        How to fix the input.
    row_label : callable, optional
        Maps an index label to "row 5" (used when the plot has no id).
    id_column : str, default "plot_id"
        Column used to name the plot.

    Returns
    -------
    str or None
        The message, or None when every value is inside the interval or missing.
    """
    if column not in data:
        return None
    values = data[column].to_numpy(dtype=float, na_value=np.nan)
    bad = _outside(values, low, high, low_inclusive, high_inclusive)
    if not bad.any():
        return None
    ids = data[id_column] if id_column in data else None
    labels = data.index[bad]
    items = [
        f"{_plot_label(ids, label, row_label(label))} = {_fmt(value)}"
        for label, value in zip(labels, values[bad], strict=True)
    ]
    what = f" ({meaning})" if meaning else ""
    message = (
        f"{column}{what} must be in {_interval(low, high, low_inclusive, high_inclusive)}; "
        f"{len(items)} value{'s' if len(items) > 1 else ''} out of range: {list_items(items)}"
    )
    return f"{message}. {fix}" if fix else message


def fraction_problem(data: pd.DataFrame, column: str) -> str | None:
    """Detect a percent column recorded as fractions (every non-missing value in (0, 1]).

    Parameters
    ----------
    data : DataFrame
        Plot table.
    column : str
        A ``*_pct`` column.

    Returns
    -------
    str or None
        A message suggesting to multiply by 100, or None.

    Examples
    --------
    >>> frame = pd.DataFrame({"moisture_pct": [0.13, 0.125]})
    >>> fraction_problem(frame, "moisture_pct")[:57]
    'moisture_pct looks like fractions, not percent: all 2 val'
    """
    if column not in data:
        return None
    values = data[column].to_numpy(dtype=float, na_value=np.nan)
    values = values[~np.isnan(values)]
    if values.size == 0 or not ((values > 0) & (values <= 1)).all():
        return None
    shown = list_items(_fmt(v) for v in values)
    return (
        f"{column} looks like fractions, not percent: all {values.size} values lie in (0, 1] "
        f"({shown}); yieldtrial expects percent (13 for 13 %). Multiply the column by 100, or "
        f"name it {column.removesuffix('_pct')}_fraction so it is converted"
    )


#: A grain moisture or shelling percentage below this is a fraction typed by mistake when
#: the same column holds percentages: no grain is harvested below 1 % moisture (the lowest
#: plausible harvest moisture of any crop yieldtrial knows is 8 %,
#: :func:`yieldtrial.protocols.plausible_harvest_moisture_pct`), and no crop shells out
#: below 1 %. [%]
FRACTION_BELOW_PCT = 1.0


def mixed_fraction_problem(
    data: pd.DataFrame,
    column: str,
    *,
    row_label: Callable[[Any], str] = str,
    id_column: str = "plot_id",
) -> str | None:
    """Describe fraction-looking cells among the percentages of a moisture or shelling column.

    A cell in (0, :data:`FRACTION_BELOW_PCT`) is refused when another cell of the column is
    :data:`FRACTION_BELOW_PCT` or more (a percentage): 0.127 among 13.7 and 12.9 is 12.7 %
    typed as a fraction, never a grain moisture of 0.127 %.  The rule is cell by cell, so a
    table read in blocks finds it in the block that holds the cell (a block of fractions
    only is :func:`fraction_problem`).  Low but possible values (wheat at 5 %) are not
    refused; :func:`warn_implausible_moisture` warns about them for the crop.

    Parameters
    ----------
    data : DataFrame
        Plot table.
    column : str
        ``moisture_pct`` or ``shelling_pct``; absent columns pass.
    row_label : callable, optional
        Maps an index label to "row 5" (used when the plot has no id).
    id_column : str, default "plot_id"
        Column used to name the plot.

    Returns
    -------
    str or None
        The message naming the plots, their values and the fix, or None.

    Examples
    --------
    >>> frame = pd.DataFrame({"plot_id": ["1", "2", "3"], "moisture_pct": [13.7, 0.127, 12.9]})
    >>> mixed_fraction_problem(frame, "moisture_pct")[:64]
    "moisture_pct of plot '2' = 0.127 looks like a fraction among per"
    """
    if column not in data:
        return None
    values = data[column].to_numpy(dtype=float, na_value=np.nan)
    small = (values > 0) & (values < FRACTION_BELOW_PCT)
    if not small.any() or not (values >= FRACTION_BELOW_PCT).any():
        return None
    ids = data[id_column] if id_column in data else None
    items = [
        f"{_plot_label(ids, label, row_label(label))} = {_fmt(value)}"
        for label, value in zip(data.index[small], values[small], strict=True)
    ]
    first = float(values[small][0])
    percent = float(values[values >= FRACTION_BELOW_PCT][0])
    many = len(items) > 1
    never = {
        "moisture_pct": f"no grain is harvested below {FRACTION_BELOW_PCT:g} % moisture",
        "shelling_pct": f"no crop shells out below {FRACTION_BELOW_PCT:g} %",
    }.get(column, f"values below {FRACTION_BELOW_PCT:g} % do not occur")
    return (
        f"{column} of {list_items(items)} look{'' if many else 's'} like "
        f"{'fractions' if many else 'a fraction'} among percentages (other plots have "
        f"{_fmt(percent)}; yieldtrial expects percent, 0-100, and {never}): enter "
        f"{'each' if many else 'it'} in percent ({message_number(first, scale=100)} for "
        f"{_fmt(first)}), or correct the value"
    )


def check_computed_finite(values: pd.Series, data: pd.DataFrame, name: str) -> None:
    """Refuse a computed column that overflowed to infinity (e.g. a mass of 1e308 kg).

    Parameters
    ----------
    values : Series
        The computed values, indexed like ``data``.
    data : DataFrame
        The plot table they were computed from (names the plots).
    name : str
        The computed column.

    Raises
    ------
    DataValidationError
        Naming the plots whose value is infinite.
    """
    array = values.to_numpy(dtype=float, na_value=np.nan)
    bad = np.isinf(array)
    if not bad.any():
        return
    ids = data["plot_id"] if "plot_id" in data else None
    items = [_plot_label(ids, label, f"index {label!r}") for label in values.index[bad]]
    raise DataValidationError(
        f"{name} of {list_items(items)} is too large to compute (it overflows to infinity); a "
        "mass or area of the plot is far out of scale (e.g. 1e308): correct the value"
    )


def out_of_scale(values: np.ndarray) -> np.ndarray:
    """Tell which yields no analysis can use: above 1e100 or non-zero below 1e-100 in size.

    Parameters
    ----------
    values : ndarray
        Yields (NaN, a missing plot, is not out of scale).

    Returns
    -------
    ndarray of bool
    """
    size = np.abs(np.asarray(values, dtype=float))
    with np.errstate(invalid="ignore"):
        return (size > MAX_ANALYSED_YIELD) | ((size > 0) & (size < MIN_ANALYSED_YIELD))


def check_analysable_scale(values: pd.Series, data: pd.DataFrame, name: str, unit: str) -> None:
    """Refuse yields so large or small that the statistics would overflow or underflow.

    The standardized table still holds them (``standardize`` writes any finite number);
    an analysis of 1e200 kg/ha would print NaN and infinite sums of squares, one of 1e-300
    kg/ha sums of squares of 0 ("identical yields").

    Parameters
    ----------
    values : Series
        The yields, indexed like ``data``. [unit]
    data : DataFrame
        The plot table (names the plots).
    name : str
        The yield column.
    unit : str
        Its unit, for the message.

    Raises
    ------
    DataValidationError
        Naming the plots whose yield is above :data:`MAX_ANALYSED_YIELD`, or not zero and
        below :data:`MIN_ANALYSED_YIELD`, in size.
    """
    array = np.abs(values.to_numpy(dtype=float, na_value=np.nan))
    bad = out_of_scale(array)
    if not bad.any():
        return
    ids = data["plot_id"] if "plot_id" in data else None
    items = [
        f"{_plot_label(ids, label, f'index {label!r}')} = {value:.3g} {unit}"
        for label, value in zip(values.index[bad], array[bad], strict=True)
    ]
    if (array[bad] > MAX_ANALYSED_YIELD).any():
        raise DataValidationError(
            f"{name} of {list_items(items)} is far out of scale: no analysis can use it (its "
            "square overflows the sums of squares to infinity). A mass, area or yield is "
            "mistyped (e.g. 1e200): correct the value"
        )
    raise DataValidationError(
        f"{name} of {list_items(items)} is far out of scale: no real yield is this small "
        f"(below {MIN_ANALYSED_YIELD:.0e} {unit}), and the squares of such values underflow "
        "toward 0, so the sums of squares would be 0 or imprecise. A mass, area or yield is "
        "mistyped (e.g. 1e-300): correct the value (a crop failure is 0)"
    )


def duplicate_id_problem(
    data: pd.DataFrame,
    keys: Sequence[str],
    *,
    parsed_ids: list[np.ndarray | None] | None = None,
) -> str | None:
    """Describe plot ids that occur more than once.

    Parameters
    ----------
    data : DataFrame
        Plot table.
    keys : sequence of str
        Columns that together identify a plot, e.g. ``["plot_id"]`` or ``["site", "plot_id"]``.
    parsed_ids : list, optional
        When the ids are one column, receives them as :func:`digit_ids` with
        ``canonical=True`` returns them (integers, or None), parsed once for both (the
        streamed reader keeps them to compare ids across its blocks).

    Returns
    -------
    str or None
        The message, or None when every plot is unique.
    """
    keys = [key for key in keys if key in data]
    if not keys:
        return None
    if len(keys) == 1 and _unique_plain_integers(data[keys[0]], parsed_ids):
        return None  # the usual numeric plot ids, checked without hashing text
    labelled = data.dropna(subset=keys)  # empty ids are reported on their own
    duplicated = labelled.duplicated(subset=keys, keep=False)
    if not duplicated.any():
        return None
    counts = labelled.loc[duplicated].groupby(keys, sort=False).size()
    items = []
    for key, count in counts.items():
        parts = key if isinstance(key, tuple) else (key,)
        label = "/".join(str(part) for part in parts)
        items.append(f"{label!r} ({count} times)")
    where = " within a site" if "site" in keys else ""
    return (
        f"duplicate plot ids{where}: {list_items(items)}; each plot must appear on one row. "
        "Give every plot its own plot_id (e.g. add the block: '101', '201', ...)"
    )


# --------------------------------------------------------------------------- text hygiene
#: Control characters (C0 except tab, line feed, carriage return; DEL; C1), lone
#: surrogates and the non-characters U+FFFE/U+FFFF: never valid in XML, JSON or a report;
#: and the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
#: which reorder how the text around them is shown ("Trojan Source" spoofing of a label).
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
#: Invisible characters that split a label without showing: zero-width space, (non-)joiner,
#: word joiner, BOM / zero-width no-break space, soft hyphen (removed from labels and headers).
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_INVISIBLE = INVISIBLE
#: A label in need of more than the fast path: anything but printable ASCII, surrounding
#: spaces, a CSV-neutralising quote, or a number written with a zero fraction ("101.0").
_SPECIAL_LABEL = re.compile(r"[^\x20-\x7e]|^\s|\s$|^'[=+\-@0-9]|^[+-]?\d+\.0+$")
#: Integral number written with a zero fraction, as spreadsheets export integer ids.
_ZERO_FRACTION = re.compile(r"([+-]?\d+)\.0+")


def clean_text(text: str) -> str:
    r"""Remove control characters, lone surrogates and non-characters from free text.

    Tabs and line breaks are kept (renderers decide how to show them); everything
    else below U+0020, DEL and the C1 controls go, so any text can be written to XML
    (DOCX, XLSX, SVG), JSON and HTML; so do the bidirectional overrides and isolates,
    which would show a label or title reordered (``\u202eKC`` displayed as ``CK``).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The text without those characters.

    Examples
    --------
    >>> clean_text("CK\x01 plot\x7f"), clean_text("\u202eevil")
    ('CK plot', 'evil')
    """
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def normalise_label(value: Any) -> str:
    r"""Return the label text yieldtrial uses for a cell, an argument or a trial.toml value.

    Unicode NFKC (full-width ``ＣＫ`` -> ``CK``, ``①`` -> ``1``), zero-width characters
    and control characters removed, tabs and line breaks read as spaces, surrounding
    spaces removed, an integral number written with a zero fraction shortened
    (``101.0`` -> ``101``, as spreadsheets export integer ids), the quote that a
    CSV writer puts before ``=``, ``+``, ``-`` or ``@`` removed (``'-N`` -> ``-N``), and
    so the quote Excel users type before a number to keep it text (``'0101`` -> ``0101``;
    a quote before a letter stays: ``'s-Hertogenbosch``).

    Parameters
    ----------
    value : str or number
        A label.

    Returns
    -------
    str
        The normalised label ('' when nothing is left).

    Examples
    --------
    >>> normalise_label("ＣＫ"), normalise_label(101.0), normalise_label("101.0")
    ('CK', '101', '101')
    >>> normalise_label("C\u200bK "), normalise_label("'-N"), normalise_label("0101")
    ('CK', '-N', '0101')
    >>> normalise_label("'101"), normalise_label("'0101"), normalise_label("'s-Gravenzande")
    ('101', '0101', "'s-Gravenzande")
    """
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    text = str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    text = clean_text(text)
    if "\t" in text or "\n" in text or "\r" in text:
        text = re.sub(r"[\t\r\n]+", " ", text)
    text = text.strip()
    if text[:1] == "'" and (text[1:2] in ("=", "+", "-", "@") or text[1:2].isdigit()):
        # a CSV writer's neutralising quote, or Excel's text marker before a number typed
        # as a label ('101, '0101 to keep its zero): one quote (stop 48)
        text = text[1:]
    zero = _ZERO_FRACTION.fullmatch(text)
    return zero.group(1) if zero else text


def _label_text(value: Any) -> str:
    return normalise_label(value)


def normalise_labels(
    values: pd.Series, *, missing: Iterable[str] = ()
) -> tuple[pd.Series, list[tuple[str, list[str]]]]:
    """Normalise a label column with :func:`normalise_label`; fast for plain ASCII labels.

    Parameters
    ----------
    values : Series
        The raw label cells (text, numbers or missing).
    missing : iterable of str, optional
        Texts that mean a missing value once stripped (``NA``, ``-``, ...).

    Returns
    -------
    labels : Series
        Text labels (``str`` dtype), NaN where the cell is empty or missing.
    merged : list of (str, list of str)
        Labels that several different spellings became (e.g. ``("CK", ["ＣＫ", "CK"])``),
        beyond spaces and a zero fraction: worth a warning.
    """
    na_texts = set(missing)
    if values.dtype == object or pd.api.types.is_float_dtype(values):
        special = pd.Series(True, index=values.index)
    else:
        # a missing cell of a category or Int64 column: astype("str") gives 'nan' / '<NA>'
        # under pandas < 3, read as a label (a treatment 'nan'); the slow path keeps it missing
        special = _special_mask(values) | values.isna()
    out = values.astype("str") if not special.all() else None
    merged: dict[str, list[str]] = {}
    as_written: set[str] = set()  # labels some cell holds already in their normal form
    if special.any():
        raw = values[special] if out is not None else values
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        converted: list[Any] = []
        for item in uniques.tolist():
            if item is None or (isinstance(item, float) and np.isnan(item)):
                converted.append(np.nan)
                continue
            label = normalise_label(item)
            converted.append(label if label and label not in na_texts else np.nan)
            if isinstance(item, str) and label and label != item.strip():
                if _ZERO_FRACTION.fullmatch(item.strip()) is None and label != item.strip("'"):
                    merged.setdefault(label, []).append(item)
                    continue
            as_written.add(label)
        table = np.array(converted + [np.nan], dtype=object)
        fixed = pd.Series(table[codes], index=raw.index, dtype="str")
        if out is None:
            out = fixed
        else:
            out = out.astype(object)
            out[special] = fixed
    labels = pd.Series(
        values.astype("str") if out is None else out,
        index=values.index,
        name=values.name,
        dtype="str",
    )
    if out is not None:  # pandas < 2.1 turns NaN into "nan" when re-casting to str
        empty = pd.isna(out).to_numpy()
        if empty.any():
            labels = labels.mask(empty)
    notes = []
    if merged:
        # the label itself among the cells: those left as they were (no normalisation) and
        # those already in normal form; the normalised labels always hold it (stop 33: a
        # lone '表 2（续）' was reported as "'表 2（续）' and '表 2(续)' are read as '表 2(续)'")
        if out is not None and not special.all():
            as_written |= set(out[~special].dropna().unique().tolist())
        for label, spellings in merged.items():
            others = [label] if label in as_written and label not in spellings else []
            if len(set(spellings)) + len(others) > 1:
                notes.append((label, sorted(set(spellings)) + others))
    return labels, notes


def arrow_chunks(values: pd.Series) -> list[Any] | None:
    """Return the pyarrow string arrays behind a pandas string Series (None if none).

    Parameters
    ----------
    values : Series
        A column.

    Returns
    -------
    list of pyarrow.Array or None
        The string chunks of a pyarrow-backed column, not copied; None for any other
        column (object, numeric, or a pyarrow column of another type).
    """
    array = getattr(values, "array", None)
    chunked = getattr(array, "_pa_array", None)  # pandas' ArrowStringArray storage
    if chunked is None or not hasattr(chunked, "chunks"):
        return None
    import pyarrow as pa

    if not all(
        pa.types.is_string(c.type) or pa.types.is_large_string(c.type) for c in chunked.chunks
    ):
        return None
    return list(chunked.chunks)


def text_buffers(values: pd.Series) -> list[tuple[np.ndarray, np.ndarray, int]] | None:
    """Return the bytes and cell offsets of a text column, without a Python object per cell.

    Parameters
    ----------
    values : Series
        A text column.

    Returns
    -------
    list of (ndarray, ndarray, int) or None
        ``(data, offsets, nulls)`` per piece: ``data[offsets[i]:offsets[i + 1]]`` are the
        UTF-8 bytes of cell ``i`` (empty when missing), ``nulls`` the missing cells.  A
        pyarrow-backed column gives views of each chunk's buffers; any other column of
        ASCII text (and missing cells) one buffer joined from its cells (what an
        installation without pyarrow holds).  None otherwise (the caller checks the cells).
    """
    chunks = arrow_chunks(values)
    if chunks is not None:
        pieces = []
        for chunk in chunks:
            _, offsets_buffer, data_buffer = chunk.buffers()
            if offsets_buffer is None:
                offsets = np.zeros(len(chunk) + 1, dtype=np.int64)
            else:
                large = str(chunk.type) == "large_string"
                offsets = np.frombuffer(offsets_buffer, dtype=np.int64 if large else np.int32)
                offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
            data = (
                np.zeros(0, dtype=np.uint8)
                if data_buffer is None
                else np.frombuffer(data_buffer, dtype=np.uint8)
            )
            pieces.append((data, offsets, int(chunk.null_count)))
        return pieces
    kind = values.dtype
    if not (pd.api.types.is_string_dtype(kind) or pd.api.types.is_object_dtype(kind)):
        return None
    cells = values.to_numpy(dtype=object)
    missing = pd.isna(cells)
    nulls = int(missing.sum())
    if nulls:
        cells = np.where(missing, "", cells)
    try:
        joined = "".join(cells)
    except TypeError:  # a cell that is not text
        return None
    if not joined.isascii():
        return None
    lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    offsets = np.zeros(len(cells) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return [(np.frombuffer(joined.encode("ascii"), dtype=np.uint8), offsets, nulls)]


def _cell_bytes(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Return the bytes of the cells a piece of :func:`text_buffers` covers."""
    return data[int(offsets[0]) : int(offsets[-1])] if len(offsets) else data[:0]


def plain_digit_text(values: pd.Series) -> bool:
    """Whether every cell is a non-empty run of ASCII digits (no sign, space, dot or gap).

    Checked on the bytes of the column (:func:`text_buffers`), without a Python object per
    cell, so a table of millions of numeric plot ids is checked in milliseconds.

    Parameters
    ----------
    values : Series
        A text column of numbers written as text (plot ids, block numbers).

    Returns
    -------
    bool
        False also for an empty column, a missing cell, or one whose bytes cannot be read
        that way.
    """
    pieces = text_buffers(values)
    return pieces is not None and bool(len(values)) and _digits_only(pieces)


Pieces = list[tuple[np.ndarray, np.ndarray, int]]


def _digits_only(pieces: Pieces) -> bool:
    """:func:`plain_digit_text` on the pieces of :func:`text_buffers`."""
    for data, offsets, nulls in pieces:
        if nulls:
            return False
        if len(offsets) > 1 and (np.diff(offsets) <= 0).any():
            return False
        cells = _cell_bytes(data, offsets)
        if cells.size and ((cells < 48) | (cells > 57)).any():
            return False
    return True


def short_single_line_text(values: pd.Series, max_chars: int) -> bool:
    """Whether no cell holds a line break or more than ``max_chars`` bytes.

    False when the column's bytes cannot be read without a Python object per cell
    (:func:`text_buffers`; the caller then checks the cells).

    Parameters
    ----------
    values : Series
        A text column.
    max_chars : int
        Longest cell allowed. [bytes]

    Returns
    -------
    bool
        True when the column certainly passes.
    """
    pieces = text_buffers(values)
    if pieces is None:
        return False
    for data, offsets, _ in pieces:
        if len(offsets) > 1 and int(np.diff(offsets).max()) > max_chars:
            return False
        cells = _cell_bytes(data, offsets)
        if (cells == 10).any() or (cells == 13).any():
            return False
    return True


def plain_ascii_words(values: pd.Series) -> bool:
    """Tell whether every byte of a text column is printable ASCII but space, ``.``, ``'``.

    Such labels (``T1``, ``CK``) match none of ``_SPECIAL_LABEL``'s cases: no character
    outside printable ASCII, no surrounding space, no leading quote, no ``.0``.  Checked on
    the column's bytes (:func:`text_buffers`); False when that is not possible.

    Parameters
    ----------
    values : Series
        A text column of labels (treatments, blocks, sites).

    Returns
    -------
    bool
        True when every byte is such (a missing cell holds none).
    """
    pieces = text_buffers(values)
    return pieces is not None and _ascii_words(pieces)


def _ascii_words(pieces: Pieces) -> bool:
    """:func:`plain_ascii_words` on the pieces of :func:`text_buffers`."""
    for data, offsets, _ in pieces:
        cells = _cell_bytes(data, offsets)
        if ((cells <= 32) | (cells >= 127) | (cells == 46) | (cells == 39)).any():
            return False
    return True


def digit_text_integers(values: pd.Series) -> np.ndarray:
    """Return the integers of a column that passed :func:`plain_digit_text` (<= 18 digits).

    Parameters
    ----------
    values : Series
        Digit-only text cells.

    Returns
    -------
    ndarray of int64
    """
    chunks = arrow_chunks(values)
    if chunks is None:
        return np.asarray(values.to_numpy(dtype=object).astype(np.int64), dtype=np.int64)
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [pc.cast(chunk, pa.int64()).to_numpy(zero_copy_only=False) for chunk in chunks]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def leading_byte_count(values: pd.Series, byte: bytes, *, min_length: int = 1) -> int:
    """Cells of at least ``min_length`` bytes whose first byte is ``byte`` (text columns).

    Parameters
    ----------
    values : Series
        A text column.
    byte : bytes
        One ASCII byte, e.g. ``b"0"``.
    min_length : int, default 1
        Shortest cell counted. [bytes]

    Returns
    -------
    int
        The count (from the column's bytes, or cell by cell when they cannot be read).
    """
    pieces = text_buffers(values)
    if pieces is None:
        text = values.dropna().astype(str)
        return int(
            (text.str.startswith(byte.decode("ascii")) & (text.str.len() >= min_length)).sum()
        )
    return _leading_count(pieces, byte, min_length)


def _leading_count(pieces: Pieces, byte: bytes, min_length: int) -> int:
    """:func:`leading_byte_count` on the pieces of :func:`text_buffers`."""
    count = 0
    for data, offsets, _ in pieces:
        starts, ends = offsets[:-1], offsets[1:]
        filled = starts[(ends - starts) >= max(min_length, 1)]
        count += int(np.count_nonzero(data[filled] == byte[0]))
    return count


def digit_ids(values: pd.Series, *, canonical: bool = False) -> np.ndarray | None:
    """Return the cells as integers when each is a run of 1 to 18 ASCII digits, else None.

    The column's bytes are read once (:func:`text_buffers`).

    Parameters
    ----------
    values : Series
        A text column (plot ids).
    canonical : bool, default False
        Also None when a cell of two or more digits starts with ``0`` (``07`` is not
        ``7`` as text).

    Returns
    -------
    ndarray of int64 or None
    """
    return _digit_ids_and_zeros(values, canonical=canonical)[0]


def _digit_ids_and_zeros(
    values: pd.Series, *, canonical: bool = False
) -> tuple[np.ndarray | None, bool]:
    """:func:`digit_ids`, and whether a cell of two or more digits starts with ``0``."""
    pieces = text_buffers(values)
    if pieces is None or not len(values) or not _digits_only(pieces):
        return None, False
    if max((int(np.diff(o).max()) for _, o, _ in pieces if len(o) > 1), default=0) > 18:
        return None, False
    zeros = bool(_leading_count(pieces, b"0", 2))
    if canonical and zeros:
        return None, True
    return digit_text_integers(values), zeros


def _unique_plain_integers(
    values: pd.Series, parsed_ids: list[np.ndarray | None] | None = None
) -> bool:
    """Tell whether the cells are digit-only ids of up to 18 digits, all different.

    ``parsed_ids`` (a list) receives the ids as :func:`digit_ids` with ``canonical=True``
    gives them, from the same parse.
    """
    numbers, zeros = _digit_ids_and_zeros(values)
    if parsed_ids is not None:
        parsed_ids.append(None if zeros else numbers)
    if numbers is None:
        return False
    # different numbers are different texts; equal numbers ("007", "7") may not be, and
    # go to the general check, which compares the text
    return _all_different(numbers)


def _all_different(numbers: np.ndarray) -> bool:
    """Whether no integer occurs twice: a bitmap over a narrow span, else a sort.

    Plot ids of a block are nearly consecutive: marking them in a boolean array of their
    span (0.17 ms for a streamed 4 MiB block) replaces a sort (0.63 ms, stop 53).
    """
    if not len(numbers):
        return True
    low, high = int(numbers.min()), int(numbers.max())
    if high - low < 8 * len(numbers) + 1024:
        seen = np.zeros(high - low + 1, dtype=bool)
        seen[numbers - low] = True
        return int(np.count_nonzero(seen)) == len(numbers)
    ordered = np.sort(numbers)
    return not bool((ordered[1:] == ordered[:-1]).any())


def _special_mask(values: pd.Series) -> pd.Series:
    """Cells of a text column that need :func:`normalise_label` (see ``_SPECIAL_LABEL``).

    Built from checks that pandas runs with pyarrow's vectorized kernels (a regular
    expression ending in ``$`` would make pandas fall back to Python for every cell).
    """
    pieces = text_buffers(values)  # read once for both checks
    if pieces is not None and ((len(values) and _digits_only(pieces)) or _ascii_words(pieces)):
        return pd.Series(False, index=values.index)  # nothing to normalise
    text = values.astype("str")
    special = text.str.contains(r"[^\x20-\x7e]", regex=True, na=False)
    special |= text.str.startswith((" ", "'"), na=False) | text.str.endswith(" ", na=False)
    special |= text.str.contains(".0", regex=False, na=False)
    return special


# --------------------------------------------------------------------------- look-alikes
#: Cyrillic and Greek letters that look like Latin ones (upper and lower case).
_LOOKALIKE = str.maketrans(
    {
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        "ј": "j", "ѕ": "s", "к": "k",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        "ο": "o", "ν": "v", "κ": "k", "ι": "i", "α": "a",
    }
)  # fmt: skip


def lookalike_letters(label: str) -> list[str]:
    """Cyrillic or Greek letters in ``label`` that look like Latin letters.

    Parameters
    ----------
    label : str
        A label.

    Returns
    -------
    list of str
        E.g. ``["Cyrillic С (U+0421)"]`` for ``"СK"`` typed with a Cyrillic С.

    Examples
    --------
    >>> lookalike_letters("\u0421K")
    ['Cyrillic С (U+0421)']
    >>> lookalike_letters("CK")
    []
    """
    found: list[str] = []
    if label.isascii():
        return found
    for char in dict.fromkeys(label):
        if char.translate(_LOOKALIKE) != char:
            script = "Cyrillic" if "\u0400" <= char <= "\u04ff" else "Greek"
            found.append(f"{script} {char} (U+{ord(char):04X})")
    return found


def as_labels(value: Any) -> tuple[str, ...]:
    """Return one label or a sequence of labels as a tuple of text labels.

    Parameters
    ----------
    value : str, number, sequence or None
        ``"CK"``, ``1``, ``["CK1", "CK2"]`` or None.

    Returns
    -------
    tuple of str
        Labels as :func:`yieldtrial.read_plots` writes them (``1.0`` -> ``"1"``).

    Examples
    --------
    >>> as_labels("CK"), as_labels(1.0), as_labels(["CK1", 2]), as_labels(None)
    (('CK',), ('1',), ('CK1', '2'), ())
    """
    if value is None:
        return ()
    if isinstance(value, str | int | float | np.integer | np.floating):
        return (_label_text(value),)
    try:
        items = iter(value)
    except TypeError:  # control=object() reached "'object' object is not iterable"
        raise DataValidationError(
            "expected a label such as 'CK' or a list of labels such as ['CK1', 'CK2']; got "
            f"{value!r} ({type(value).__name__})"
        ) from None
    return tuple(_label_text(v) for v in items)


def check_control(
    control: str | Sequence[str] | None, treatments: Sequence[str]
) -> tuple[str, ...]:
    """Normalise the control label(s) and check they are treatments of the trial.

    Parameters
    ----------
    control : str, sequence of str or None
        One control label, several (e.g. a full-rate and a reduced-rate control), or None.
    treatments : sequence of str
        The treatment labels present in the plot table.

    Returns
    -------
    tuple of str
        The control labels (empty when ``control`` is None).

    Raises
    ------
    DataValidationError
        If a label is not among ``treatments``.

    Examples
    --------
    >>> check_control("CK", ["CK", "T1"])
    ('CK',)
    >>> check_control("ck", ["CK", "T1"])
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: control 'ck' is not a treatment of this trial; \
treatments present: 'CK', 'T1'. Labels are case-sensitive: pass control= one of them
    """
    labels = as_labels(control)
    if not labels:
        return ()
    present = [str(t) for t in treatments]
    for label in labels:
        if label not in present:
            similar = [t for t in present if label_key(t) == label_key(label)]
            odd = (lookalike_letters(similar[0]) or lookalike_letters(label)) if similar else []
            hint = f" (the table has {similar[0]!r}, written with {', '.join(odd)})" if odd else ""
            raise DataValidationError(
                f"control {label!r} is not a treatment of this trial{hint}; treatments present: "
                f"{list_items((repr(t) for t in present), limit=20)}. Labels are case-sensitive: "
                "pass control= one of them"
            )
    if len(set(labels)) != len(labels):
        raise DataValidationError(f"control lists a label twice: {labels!r}; give each once")
    return labels


def check_augmented_control(
    control: str | Sequence[str] | None, checks: Sequence[str], entries: Sequence[str]
) -> tuple[str, ...]:
    """Check that the control(s) of an augmented design are among its checks.

    The control of an augmented design is a check (in every block): an entry is planted
    once, so a comparison with it would rest on one plot (Federer's entries vs checks).

    Parameters
    ----------
    control : str, sequence of str or None
        The control label(s) given.
    checks, entries : sequence of str
        The checks and the entries of the design.

    Returns
    -------
    tuple of str
        The control labels (empty when ``control`` is None).

    Raises
    ------
    DataValidationError
        A label that is an entry, or neither a check nor an entry; the message lists the
        checks.

    Examples
    --------
    >>> check_augmented_control("CK", ["CK", "CK2"], ["E1"])
    ('CK',)
    >>> check_augmented_control("E1", ["CK", "CK2"], ["E1"])
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: control 'E1' is an entry of this augmented \
design (planted once), not a check; the checks are 'CK', 'CK2': pass control= one of them
    """
    names = [str(c) for c in checks]
    planted_once = {str(e) for e in entries}
    labels = as_labels(control)
    if labels and not names:  # "the checks are : pass control= one of them" (stop 46)
        raise DataValidationError(
            f"control {labels[0]!r} cannot be a check: this augmented design has no checks "
            "(no treatment is marked 'check' in the entry_type column, or, without that "
            "column, planted in more than one plot); mark the checks 'check' in entry_type"
        )
    for label in labels:
        if label not in names:
            what = (
                "is an entry of this augmented design (planted once), not a check"
                if label in planted_once
                else "is not a check of this augmented design (labels are case-sensitive)"
            )
            raise DataValidationError(
                f"control {label!r} {what}; the checks are "
                f"{list_items((repr(c) for c in names), limit=20)}: pass control= one of them"
            )
    return check_control(control, names)


def check_exclusions(
    exclusions: Sequence[Sequence[str]] | None, plots: pd.DataFrame
) -> tuple[tuple[str, str], ...]:
    """Check plot exclusions ``(plot_id, reason)`` against the plot table.

    Parameters
    ----------
    exclusions : sequence of (str, str) or None
        Plots to leave out of the analysis, each with the user's reason.
    plots : DataFrame
        The validated plot table (column ``plot_id``; ``site`` when pooled).

    Returns
    -------
    tuple of (str, str)
        The exclusions, ids normalised as the plot table's (:func:`normalise_label`) and
        reasons cleaned (:func:`clean_text`); a plot given twice keeps its last reason.

    Raises
    ------
    DataValidationError
        An item that is not a pair, an empty reason, an unknown plot id (the message lists
        the ids present) or a plot id used at several sites.

    Examples
    --------
    >>> plots = pd.DataFrame({"plot_id": ["101", "102"]})
    >>> check_exclusions([("102", " weight typed twice ")], plots)
    (('102', 'weight typed twice'),)
    """
    out: dict[str, str] = {}
    ids = plots["plot_id"].astype(str)
    if isinstance(exclusions, pd.DataFrame):
        # another trial's excluded_plots table: its plot_id and reason columns are the pairs
        if not {"plot_id", "reason"} <= set(exclusions.columns):
            raise DataValidationError(
                "exclusions as a table needs plot_id and reason columns (as "
                f"trial.excluded_plots has); got columns {', '.join(map(str, exclusions.columns))}"
            )
        exclusions = list(zip(exclusions["plot_id"], exclusions["reason"], strict=True))
    if exclusions is not None and (
        isinstance(exclusions, str) or not isinstance(exclusions, Iterable)
    ):
        raise DataValidationError(
            f"exclusions must be a list of (plot_id, reason) pairs; got {exclusions!r}. Use "
            "trial.exclude('201', reason='...')"
        )
    for item in exclusions or ():
        if isinstance(item, str) or not isinstance(item, Sized) or len(item) != 2:
            raise DataValidationError(
                f"each exclusion is (plot_id, reason); got {item!r}. Use "
                "trial.exclude('201', reason='...')"
            )
        if isinstance(item[0], Mapping | list | tuple) or isinstance(item[1], Mapping | list):
            raise DataValidationError(
                f"each exclusion is (plot_id, reason) as text; got {item!r}. Use "
                "trial.exclude('201', reason='...')"
            )
        pid = normalise_label(item[0])
        # None, NaN or pd.NA (an empty cell of a reasons column) is no reason, not 'nan'
        missing = item[1] is None or (pd.api.types.is_scalar(item[1]) and bool(pd.isna(item[1])))
        reason = "" if missing else clean_text(str(item[1])).strip()
        if not reason:
            raise DataValidationError(
                f"excluding plot {pid!r} needs a reason (e.g. reason='weight typed twice: "
                "29.68 for 14.84 kg'); the report lists it"
            )
        found = plots.loc[ids == pid]
        if found.empty:
            raise DataValidationError(
                f"cannot exclude plot {pid!r}: no such plot_id in the plot table (plots: "
                f"{list_items((repr(str(v)) for v in ids), limit=12)})"
            )
        if "site" in plots and found["site"].astype(str).nunique() > 1:
            raise DataValidationError(
                f"plot id {pid!r} occurs at several sites; exclude it on one site's trial: "
                "trial.site('<site>').exclude(...)"
            )
        out[pid] = reason
    return tuple(out.items())


def warn_implausible_moisture(
    data: pd.DataFrame,
    *,
    crop: str,
    low: float,
    high: float,
    column: str = "moisture_pct",
    id_column: str = "plot_id",
) -> None:
    """Warn when harvest moisture lies outside the crop's plausible range.

    Parameters
    ----------
    data : DataFrame
        Plot table.
    crop : str
        Canonical crop name (for the message).
    low, high : float
        Plausible harvest moisture range for the crop. [%]
    column, id_column : str
        Moisture column and plot-id column.

    Warns
    -----
    YieldTrialWarning
        Naming up to five plots and their moisture.
    """
    items, count = implausible_moisture_items(
        data, low=low, high=high, column=column, id_column=id_column
    )
    if count:
        warnings.warn(
            implausible_moisture_message(
                list_items(items), crop=crop, low=low, high=high, column=column
            ),
            YieldTrialWarning,
            stacklevel=4,
        )


def implausible_moisture_items(
    data: pd.DataFrame,
    *,
    low: float,
    high: float,
    column: str = "moisture_pct",
    id_column: str = "plot_id",
    limit: int | None = None,
) -> tuple[list[str], int]:
    """List the plots :func:`warn_implausible_moisture` names, and count them.

    Parameters
    ----------
    data : DataFrame
        Plot table.
    low, high : float
        Plausible harvest moisture range for the crop. [%]
    column, id_column : str
        Moisture column and plot-id column.
    limit : int, optional
        Format only the first ``limit`` items (all by default).

    Returns
    -------
    items : list of str
        ``"plot 'A1' = 5 %"`` for the first ``limit`` such plots.
    count : int
        Number of such plots.
    """
    if column not in data:
        return [], 0
    values = data[column].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ((values < low) | (values > high)) & ~np.isnan(values)
    count = int(bad.sum())
    if not count:
        return [], 0
    ids = data[id_column] if id_column in data else None
    labels, bad_values = data.index[bad], values[bad]
    if limit is not None:
        labels, bad_values = labels[:limit], bad_values[:limit]
    items = [
        f"{_plot_label(ids, label, f'index {label}')} = {_fmt(value)} %"
        + (
            f" ({_fmt(value * 100)} % written as a fraction?)"
            if 0 < value <= 1 < low  # a lone fraction among percent values
            else ""
        )
        for label, value in zip(labels, bad_values, strict=True)
    ]
    return items, count


def implausible_moisture_message(
    listing: str, *, crop: str, low: float, high: float, column: str = "moisture_pct"
) -> str:
    """Return the text of :func:`warn_implausible_moisture` around a listing of plots."""
    return (
        f"{column} outside the plausible harvest range for {crop} ({_fmt(low)}-{_fmt(high)} %): "
        f"{listing}. Check for a typing error (e.g. 5 for 15) or a moisture measured "
        "after drying; the yields are computed as given"
    )


def label_key(label: str) -> str:
    """Key under which two labels count as the same spelling.

    NFKC, case, spaces, zero-width characters and look-alike Cyrillic or Greek
    letters are ignored.

    Examples
    --------
    >>> label_key("ＣＫ") == label_key("ck") == label_key(" C K") == label_key("\u0421K")
    True
    """
    text = str(label)
    if text.isascii():
        return "".join(text.split()).lower()
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).translate(_LOOKALIKE)
    return re.sub(r"\s+", "", text).casefold()


def _spellings_with_plots(labels: pd.Series, spellings: list[str], ids: pd.Series | None) -> str:
    """``'01' (plot '202') and '1' (plots '102', '302')``."""
    parts = []
    for spelling in spellings:
        rows = labels.astype(str) == spelling
        where = (
            f" (plot{'s' if rows.sum() > 1 else ''} {list_items(repr(i) for i in ids[rows])})"
            if ids is not None
            else ""
        )
        parts.append(f"{spelling!r}{where}")
    return " and ".join(parts)


def _warn_leading_zeros(
    labels: pd.Series,
    column: str,
    ids: pd.Series | None,
    stacklevel: int,
    uniques: list[str] | None = None,
) -> None:
    """Warn about digit-only labels that differ only in leading zeros (``01`` and ``1``)."""
    if uniques is None:
        uniques = [str(v) for v in labels.dropna().unique()]
    groups: dict[str, list[str]] = {}
    for value in uniques:
        if value.isascii() and value.isdigit():
            groups.setdefault(value.lstrip("0") or "0", []).append(value)
    clashes = [sorted(spellings) for spellings in groups.values() if len(spellings) > 1]
    if not clashes:
        return
    items = "; ".join(_spellings_with_plots(labels, spellings, ids) for spellings in clashes)
    warnings.warn(
        f"{column} labels that differ only in leading zeros: {items}. They are analysed as "
        f"different {column}s; if they are the same, write them one way in the file (e.g. "
        f"all {clashes[0][-1]!r})",
        YieldTrialWarning,
        stacklevel=stacklevel,
    )


def merged_label_items(column: str, merged: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """Describe the spellings :func:`normalise_labels` read as one label, one item each.

    >>> merged_label_items("site", [("A", ["A", "Ａ"])])
    ["site 'A' and 'Ａ' are read as 'A'"]
    """
    return [
        f"{column} {' and '.join(repr(s) for s in spellings)} are read as {label!r}"
        for label, spellings in merged
    ]


def warn_merged_labels(items: Sequence[str], *, stacklevel: int = 2) -> None:
    """Warn that labels written with compatibility characters are read as one label.

    ``items`` come from :func:`merged_label_items`; nothing is said when there are none.
    ``stacklevel`` counts from the caller of this function, as for :func:`warnings.warn`.
    """
    if items:
        warnings.warn(
            f"labels written with full-width, zero-width or other compatibility characters: "
            f"{list_items(items)}. They are treated as one label; write them one "
            "way in the file to silence this warning",
            YieldTrialWarning,
            stacklevel=stacklevel + 1,
        )


def warn_label_variants(
    data: pd.DataFrame,
    columns: Sequence[str] = ("treatment", "block"),
    *,
    id_column: str = "plot_id",
    stacklevel: int = 4,
) -> None:
    """Warn about labels that differ only in case, spaces or look-alike letters.

    ``ck`` next to ``CK``, or ``СК`` typed with Cyrillic letters, is most likely one
    treatment typed two ways; yieldtrial keeps them apart (it never merges such
    labels silently) and names both spellings and their plots.  (Full-width and
    zero-width variants are merged when the table is read, see
    :func:`normalise_labels`.)

    Parameters
    ----------
    data : DataFrame
        Plot table with text label columns.
    columns : sequence of str
        Label columns to check; absent ones are skipped.
    id_column : str, default "plot_id"
        Column that names the plots in the message.
    stacklevel : int, default 4
        Passed to :func:`warnings.warn`.

    Warns
    -----
    YieldTrialWarning
        One warning per column with such labels.
    """
    for column in columns:
        if column not in data:
            continue
        labels = data[column]
        ids = data[id_column].astype(str) if id_column in data else None
        if plain_digit_text(labels):
            # digit-only labels cannot differ by case, spaces or look-alikes; only by zeros
            if leading_byte_count(labels, b"0"):
                _warn_leading_zeros(labels, column, ids, stacklevel + 1)
            continue
        groups: dict[str, list[str]] = {}
        uniques = [str(v) for v in labels.dropna().unique()]
        _warn_leading_zeros(labels, column, ids, stacklevel + 1, uniques)
        for value in uniques:
            groups.setdefault(label_key(value), []).append(value)
        clashes = [spellings for spellings in groups.values() if len(spellings) > 1]
        mixed = [
            value
            for value in uniques
            if len(groups[label_key(value)]) == 1
            and lookalike_letters(value)
            and re.search("[A-Za-z]", value)
        ]
        if mixed:
            shown = "; ".join(f"{v!r} has {', '.join(lookalike_letters(v))}" for v in mixed[:5])
            warnings.warn(
                f"{column} label{'s' if len(mixed) > 1 else ''} mixing Latin letters with "
                f"look-alike Cyrillic or Greek letters: {shown}. A control or treatment typed "
                "with Latin letters will not match; retype the label in the file",
                YieldTrialWarning,
                stacklevel=stacklevel,
            )
        if not clashes:
            continue
        items = []
        for spellings in clashes:
            parts = []
            for spelling in spellings:
                rows = labels.astype(str) == spelling
                where = (
                    f" (plot{'s' if rows.sum() > 1 else ''} "
                    f"{list_items(repr(i) for i in ids[rows])})"
                    if ids is not None
                    else ""
                )
                parts.append(f"{spelling!r}{where}")
            items.append(" and ".join(parts))
        odd = [
            f"{spelling!r} has {', '.join(lookalike_letters(spelling))}"
            for spellings in clashes
            for spelling in spellings
            if lookalike_letters(spelling)
        ]
        lookalikes = f" ({'; '.join(odd)}, which look like Latin letters)" if odd else ""
        warnings.warn(
            f"{column} labels that differ only in upper/lower case, spaces or look-alike "
            f"letters: {'; '.join(items)}{lookalikes}. They are analysed as different "
            f"{column}s; if they are the same, write them one way in the file (e.g. all "
            f"{clashes[0][0]!r})",
            YieldTrialWarning,
            stacklevel=stacklevel,
        )


def check_shared_positions(
    plots: pd.DataFrame,
    *,
    row: str,
    column: str,
    block: str | None = None,
    design: str = "latin",
) -> None:
    """Refuse two plots at one row and column position (of one replicate, with ``block``).

    A Latin square or row-column model takes each plot's row and column as its position:
    two plots at one position were analysed as if they shared a row and a column effect (a
    plot typed twice, or a row or column typo; stop 40: exit 0 for a row-column grid with a
    duplicated plot).  Positions repeat from site to site (a ``site`` column).

    Parameters
    ----------
    plots : DataFrame
        The plots (named by ``plot_id`` when there is one, else by their index).
    row, column : str
        Row and column columns.
    block : str, optional
        Replicate column of a row-column design (rows and columns numbered within it).
    design : str, default "latin"
        Named in the message: ``"latin"`` or ``"row_column"``.

    Raises
    ------
    DataValidationError
        Naming the plots, their position and the fix.
    """
    keys = [k for k in (block, row, column) if k is not None]
    if "site" in plots and "site" not in keys:  # positions repeat from site to site
        keys.insert(0, "site")
    if any(k not in plots for k in keys):
        return  # a missing column is the caller's error
    used = plots.dropna(subset=keys)
    shared = used[used.duplicated(keys, keep=False)]
    if shared.empty:
        return
    ids = shared["plot_id"] if "plot_id" in shared else pd.Series(shared.index, shared.index)
    where = []
    for position, names in ids.groupby([shared[k] for k in keys], sort=False):
        values = dict(zip(keys, position, strict=True))
        place = f"{row} {values[row]}, {column} {values[column]}"
        if block is not None:
            place += f" of replicate {str(values[block])!r}"
        if "site" in values:
            place += f" at site {str(values['site'])!r}"
        kind = "plots" if "plot_id" in shared else "rows"
        where.append(f"{kind} {' and '.join(repr(str(i)) for i in names)} ({place})")
    raise DataValidationError(
        f"plots share a row and column position: {list_items(where, limit=3)}; in a "
        f"{'Latin square' if design == 'latin' else 'row-column design'} each plot has a "
        "position of its own. Correct the row or column of one of them (or delete a plot "
        "typed twice)"
    )


def warn_half_precision(
    frame: pd.DataFrame,
    columns: Iterable[str],
    display: Callable[[str], str] = str,
    *,
    stacklevel: int = 3,
) -> None:
    """Warn about float16 measurement columns (a notebook's ``astype("float16")``).

    Half precision keeps about 3 significant digits (14.35 kg is held as 14.3515625, a
    yield near 6000 kg/ha moves in steps of 4): the digits are gone before the table is
    read, so the yields are computed from the values as held, and the user is told.
    The one rule and message of :func:`yieldtrial.io.plots.read_plots` (the mass and
    moisture columns) and :func:`yieldtrial.network.analyze_many` (the response).

    Parameters
    ----------
    frame : DataFrame
        The table as given.
    columns : iterable of str
        The measurement columns to look at.
    display : callable, default str
        How a message names a column (its header as typed).
    stacklevel : int, default 3
        ``warnings.warn``'s stack level, counted from this function (3: the caller of
        the function that calls it).
    """
    half = [column for column in columns if frame[column].dtype == np.float16]
    if not half:
        return
    example = ""
    for column in half:
        # the first cell whose float16 is not the number it shows: '14.35' held as 14.3515625
        shown = next(
            (v for v in frame[column].dropna().to_numpy() if str(v) != repr(float(v))), None
        )
        if shown is not None:
            example = f" ({display(column)} {str(shown)} is held as {float(shown)!r})"
            break
    warnings.warn(
        f"{', '.join(display(column) for column in half)} "
        f"{'are' if len(half) > 1 else 'is'} float16{example}, which keeps about 3 "
        "significant digits: the yields and statistics carry that rounding. Read the values "
        "again as float64 from their source (astype('float64') cannot restore the lost digits)",
        YieldTrialWarning,
        stacklevel=stacklevel,
    )
