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
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io.checks import outside_interval

__all__ = [
    "MAX_LISTED",
    "Problems",
    "as_labels",
    "check_control",
    "duplicate_id_problem",
    "fraction_problem",
    "list_items",
    "range_problem",
    "warn_implausible_moisture",
    "warn_label_variants",
]

MAX_LISTED = 5
"""How many offending values a message quotes before "and N more"."""


def list_items(items: Iterable[str], *, limit: int = MAX_LISTED) -> str:
    """Join items for a message, quoting at most ``limit`` of them.

    Parameters
    ----------
    items : iterable of str
        Already formatted items.
    limit : int, default 5
        How many to show.

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
    shown = ", ".join(values[:limit])
    if len(values) > limit:
        shown += f" and {len(values) - limit} more"
    return shown


def _fmt(value: Any) -> str:
    """Format a number for a message without spurious digits."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number) and number == int(number):
            return f"{int(number)}"
        return f"{number:g}"
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


def duplicate_id_problem(data: pd.DataFrame, keys: Sequence[str]) -> str | None:
    """Describe plot ids that occur more than once.

    Parameters
    ----------
    data : DataFrame
        Plot table.
    keys : sequence of str
        Columns that together identify a plot, e.g. ``["plot_id"]`` or ``["site", "plot_id"]``.

    Returns
    -------
    str or None
        The message, or None when every plot is unique.
    """
    keys = [key for key in keys if key in data]
    if not keys:
        return None
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


def _label_text(value: Any) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


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
    return tuple(_label_text(v) for v in value)


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
            raise DataValidationError(
                f"control {label!r} is not a treatment of this trial; treatments present: "
                f"{list_items((repr(t) for t in present), limit=20)}. Labels are case-sensitive: "
                "pass control= one of them"
            )
    if len(set(labels)) != len(labels):
        raise DataValidationError(f"control lists a label twice: {labels!r}; give each once")
    return labels


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
    if column not in data:
        return
    values = data[column].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ((values < low) | (values > high)) & ~np.isnan(values)
    if not bad.any():
        return
    ids = data[id_column] if id_column in data else None
    items = [
        f"{_plot_label(ids, label, f'index {label}')} = {_fmt(value)} %"
        for label, value in zip(data.index[bad], values[bad], strict=True)
    ]
    warnings.warn(
        f"{column} outside the plausible harvest range for {crop} ({_fmt(low)}-{_fmt(high)} %): "
        f"{list_items(items)}. Check for a typing error (e.g. 5 for 15) or a moisture measured "
        "after drying; the yields are computed as given",
        YieldTrialWarning,
        stacklevel=4,
    )


def label_key(label: str) -> str:
    """Key under which two labels count as the same spelling (NFKC, case, spaces ignored).

    Examples
    --------
    >>> label_key("ＣＫ") == label_key("ck") == label_key(" C K")
    True
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(label))).casefold()


def warn_label_variants(
    data: pd.DataFrame,
    columns: Sequence[str] = ("treatment", "block"),
    *,
    id_column: str = "plot_id",
    stacklevel: int = 4,
) -> None:
    """Warn about labels that differ only in case, character width or spaces.

    ``ck`` next to ``CK`` or a full-width ``ＣＫ`` is most likely one treatment
    typed two ways; yieldtrial keeps them apart (it never merges labels
    silently) and names both spellings and their plots.

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
        labels = data[column].astype(object)
        groups: dict[str, list[str]] = {}
        for value in dict.fromkeys(str(v) for v in labels.dropna()):
            groups.setdefault(label_key(value), []).append(value)
        clashes = [spellings for spellings in groups.values() if len(spellings) > 1]
        if not clashes:
            continue
        ids = data[id_column].astype(str) if id_column in data else None
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
        warnings.warn(
            f"{column} labels that differ only in upper/lower case, character width or spaces: "
            f"{'; '.join(items)}. They are analysed as different {column}s; if they are the "
            f"same, write them one way in the file (e.g. all {clashes[0][0]!r})",
            YieldTrialWarning,
            stacklevel=stacklevel,
        )
