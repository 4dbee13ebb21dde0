"""Private helpers shared by the statistics modules (argument checks, column checks).

Only numpy, pandas, :mod:`yieldtrial.errors` and :mod:`yieldtrial.io._factorize` are imported
at load time, so every statistics module can use these without slowing ``import yieldtrial``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io._factorize import factorize_labels, label_texts, text_categories

__all__: list[str] = []


def default_design(
    design: str | None,
    block: str | None = None,
    row: str | None = None,
    column: str | None = None,
) -> str:
    """Return the design the arguments imply when ``design`` is None.

    A block column -> ``"rcbd"``; row and column columns (no block) -> ``"latin"``;
    neither -> ``"crd"``.  A given design is returned as is; the two-factor designs are
    always named.

    Examples
    --------
    >>> default_design(None, block="block"), default_design(None), default_design("latin")
    ('rcbd', 'crd', 'latin')
    """
    if design is not None:
        return design
    if block is not None:
        return "rcbd"
    if row is not None and column is not None:
        return "latin"
    return "crd"


def warn_at_caller(message: str) -> None:
    """Issue a YieldTrialWarning attributed to the first caller outside yieldtrial.

    The same check may run from a public function or from the functions that delegate to
    it; the warning then points at the user's line either way.
    """
    import sys
    import warnings
    from pathlib import Path

    from yieldtrial.errors import YieldTrialWarning

    package = str(Path(__file__).resolve().parents[1])
    frame = sys._getframe(0)
    level = 1
    while frame.f_back is not None and (
        str(Path(frame.f_code.co_filename).resolve()).startswith(package)
        # the __init__ dataclasses wrote (file "<string>") for a yieldtrial class whose
        # __post_init__ warns (TrialConfig(...)): the line that called it is the user's
        or (frame.f_code.co_name == "__init__" and frame.f_code.co_filename.startswith("<"))
    ):
        frame = frame.f_back
        level += 1
    warnings.warn(message, YieldTrialWarning, stacklevel=level)


def warn_fraction_pct(name: str, value: float | None, *, example: str = "5") -> None:
    """Warn when a percent argument looks like a fraction (0 < value < 1)."""
    number = None if value is None else float(value)  # a Fraction has no format 'g'
    if number is not None and 0.0 < number < 1.0:
        from yieldtrial.io.checks import message_number

        typed, meant = message_number(number), message_number(number, scale=100)
        warn_at_caller(
            f"{name}={typed} is read as {typed} %; if you meant {meant} %, "
            f"pass {name}={meant} (percent, e.g. {example} for {example} %)"
        )


def check_alpha(alpha: float, name: str = "alpha") -> float:
    """Return ``alpha`` as a float, or raise when it is no significance level (0.0001 to 0.5).

    The one rule of :func:`yieldtrial.io.checks.check_alpha` (commands, trial.toml, API).
    """
    from yieldtrial.io.checks import check_alpha as _check

    return _check(alpha, name)


def reject_reserved_names(columns: Iterable[str | None], reserved: Iterable[str]) -> None:
    """Raise when a factor column is named like a row of the ANOVA table."""
    clash = set(reserved) & set(columns)
    if clash:
        raise DataValidationError(
            f"column name(s) {', '.join(sorted(map(str, clash)))} clash with the ANOVA table's "
            "row names; rename the column(s) first"
        )


def frame_place(data: pd.DataFrame, label: Any, *, id_column: str = "plot_id") -> str:
    """Name a row of a plot table as the readers of a DataFrame do: index label and plot id.

    ``index 0 (plot '101')``, or ``index 0`` without a ``plot_id`` column (or with a blank
    one): the label ``data.loc`` takes, not numpy's repr (``np.int64(0)``), and the plot a
    user finds in the field book.

    Examples
    --------
    >>> frame_place(pd.DataFrame({"plot_id": [101, 102]}), 1)
    "index 1 (plot '102')"
    """
    shown = label.item() if isinstance(label, np.generic) else label
    place = f"index {shown!r}"
    if id_column in data.columns:
        plot = data[id_column].loc[label]
        if not isinstance(plot, pd.Series) and not pd.isna(plot):
            place += f" (plot {str(plot)!r})"
    return place


def numeric_column(data: pd.DataFrame, column: str, *, fix: str) -> np.ndarray:
    """Values of ``column`` as floats (blank -> NaN); raise on text that is not a number.

    ``fix`` ends the error message (how to repair the value).
    """
    series = data[column]
    if pd.api.types.is_bool_dtype(series.dtype) or (
        series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) == "boolean"
    ):  # read as 1.0 / 0.0 by to_numeric: an ANOVA of True/False (stop 39)
        raise DataValidationError(
            f"column {column!r} must be numeric; it holds True/False values, which are not "
            "measurements. Pass the column of the measured values. " + fix
        )
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(values) & ~data[column].isna().to_numpy()
    if bad.any():
        row = data.index[np.flatnonzero(bad)[0]]
        label = row.item() if isinstance(row, np.generic) else row  # 2, not np.int64(2)
        # "row": `yieldtrial network` passes its sites with the file's row numbers as index
        raise DataValidationError(
            f"column {column!r} must be numeric; row {label!r} holds {data[column].loc[row]!r}. "
            + fix
        )
    return values


def two_factor_columns(
    design: str,
    names: tuple[str, str],
    first: str | None,
    second: str | None,
    *,
    treatment: str | None,
) -> tuple[str, str]:
    """Return the two factor columns of a split/strip-plot or factorial call.

    For ``design="split_plot"`` ``treatment=`` stands for the sub-plot factor; ``names`` are
    the argument names of the two factors (``("whole_plot", "sub_plot")``, ...).
    """
    if design == "split_plot" and treatment is not None:
        if second is None:
            second = treatment
        elif second != treatment:
            raise DataValidationError(
                f"design='split_plot': treatment={treatment!r} and sub_plot={second!r} differ; "
                "treatment= stands for the sub-plot factor. Pass one of them, or the same column."
            )
    if first is None or second is None:
        missing = [n for n, v in zip(names, (first, second), strict=True) if v is None]
        alias = " (or treatment=)" if design == "split_plot" and second is None else ""
        raise DataValidationError(
            f"design={design!r} needs {names[0]}=<column> and {names[1]}=<column>; "
            f"missing: {', '.join(f'{m}=' for m in missing)}{alias}."
        )
    return first, second


def text_objects(series: pd.Series, *, map_str: bool = False) -> np.ndarray:
    """Return ``series.astype(str)`` as an object array, one ``str`` object per distinct label.

    A text or integer label column without missing values is coded by hash
    factorization and each distinct label turned into text once, so a 5.9-million-plot
    column of 40 treatments holds 40 string objects (8 bytes per plot, not about 60), and
    no Python string is built per cell.  Equal, element by element, to
    ``series.astype(str).to_numpy(dtype=object)``, which other columns take.

    Parameters
    ----------
    series : Series
        A label column (treatment, block, ...).
    map_str : bool
        Other columns: ``series.astype(object).map(str)`` instead (missing values
        spelled ``"nan"``, not kept missing).

    Returns
    -------
    ndarray of object
        The labels as ``str``.
    """
    if len(series) and factorizes_like_text(series) and not series.isna().any():
        codes, uniques = factorize_labels(series)
        labels = np.empty(len(uniques), dtype=object)
        labels[:] = label_texts(uniques)
        return labels[codes]
    if map_str:
        return series.astype(object).map(str).to_numpy(dtype=object)
    return series.astype(str).to_numpy(dtype=object)


def copy_on_write() -> bool:
    """Whether pandas copies on write (pandas 3, or the option set on pandas 2).

    Then a shallow copy (``DataFrame.copy(deep=False)``) is as independent of its
    source as a deep copy: a change to either copies the changed column first.
    """
    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    return pd.options.mode.copy_on_write is True


def private_rows(data: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """Return ``data.loc[keep].copy()``, without copying the columns when nothing is dropped.

    Parameters
    ----------
    data : DataFrame
        A table.
    keep : ndarray of bool
        Rows to keep.

    Returns
    -------
    DataFrame
        The kept rows; a shallow copy of ``data`` when every row is kept and pandas
        copies on write (:func:`copy_on_write`), so a 5.9-million-plot table is not
        duplicated for every model fitted to it.
    """
    if keep.all() and copy_on_write():
        return data.copy(deep=False)
    return data.loc[keep].copy()


def factorizes_like_text(series: pd.Series) -> bool:
    """Whether grouping ``series`` by value groups it exactly as by ``str(value)``.

    True for string columns and object columns holding only ``str`` values, and for
    integer columns (``str`` of an integer is injective); floats (``-0.0`` and ``0.0``)
    and mixed object columns (``1`` and ``"1"``) take the text route.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype) or pd.api.types.is_integer_dtype(dtype):
        return not pd.api.types.is_bool_dtype(dtype)
    if text_categories(series):  # a large table's blocks and treatments (stop 52)
        return True
    if pd.api.types.is_object_dtype(dtype):
        return bool(pd.api.types.infer_dtype(series, skipna=False) == "string")
    return False


#: Residuals whose root mean square is at most this many times ``eps x max |y|`` are
#: rounding noise of an exact fit (1.4e-14 of the largest yield).  Exact fits of 120 RCBDs
#: and CRDs (2 to 400 treatments, yields 0.01 to 3e6, plots missing) left at most 3.1;
#: NIST StRD SmLs09 (residual SD 0.1 on yields of 1e12) has about 450 and is analysed.
ROUNDING_ULPS = 64


def rounding_limit(scale: Any) -> Any:
    """Largest root mean square residual that is rounding noise at ``scale = max |y|``.

    Parameters
    ----------
    scale : float or ndarray
        The largest magnitude of the response (per trial when an array).

    Returns
    -------
    float or ndarray
        :data:`ROUNDING_ULPS` units in the last place of ``scale``.

    Examples
    --------
    >>> float(rounding_limit(1.0)) == ROUNDING_ULPS * float(np.finfo(float).eps)
    True
    """
    return ROUNDING_ULPS * np.finfo(float).eps * scale


#: A fit is exact when its root mean square residual is at most this fraction of the
#: standard deviation of the response (or rounding noise, :func:`rounding_limit`).  The
#: one rule of the fixed-effects fits and of REML (stop 40): an exactly additive RCBD plus
#: 1e-9 kg/ha of noise got p-values from the fixed fit while REML called it exact (its own
#: stop at 1e-10 of the variance).  REML is accurate only above about this ratio (an
#: RCBD of yields of SD 450: residual SD 1e-3, a ratio of 2.2e-6, gave the fixed fit's
#: p-values to 0.2 %; 2.2e-7 to 10 %; 2.2e-8 NaN), so both paths call a fit below it
#: exact.  Yields typed to 0.001 kg/ha on an SD of 82 (a ratio of 6e-6, stop 33) are kept.
EXACT_FIT_RATIO = 1e-6


def exact_fit_limit(y: np.ndarray) -> float:
    """Largest root mean square residual of a fit of ``y`` that counts as an exact fit.

    The larger of the rounding noise at ``max |y|`` (:func:`rounding_limit`) and
    :data:`EXACT_FIT_RATIO` of the standard deviation of ``y``: residuals below it are no
    plot-to-plot variation, and F tests and standard errors on them are meaningless.

    Parameters
    ----------
    y : ndarray, shape (n,)
        The response as fitted.

    Returns
    -------
    float
        The limit, in the units of ``y``; 0 for an empty ``y``.

    Examples
    --------
    >>> y = np.array([1.0, 2.0, 3.0, 4.0])
    >>> float(exact_fit_limit(y)) == EXACT_FIT_RATIO * float(np.std(y))
    True
    """
    if not y.size:
        return 0.0
    scale = max(float(np.max(y)), -float(np.min(y)))  # max |y| without an n-sized copy
    mean = float(np.mean(y))
    centred = 0.0
    for start in range(0, y.size, 1 << 20):  # centred sum of squares in slices, no copy of y
        part = y[start : start + (1 << 20)] - mean
        centred += float(part @ part)
    spread = (centred / y.size) ** 0.5
    return float(exact_fit_bound(scale, spread))


def exact_fit_bound(scale: Any, spread: Any) -> Any:
    """Return the exact-fit limit from ``max |y|`` and the SD of ``y`` (arrays: per trial).

    The one rule behind :func:`exact_fit_limit`, for callers that hold the two summaries
    already (the network engine, one value per trial).

    Parameters
    ----------
    scale : float or ndarray
        The largest magnitude of the response.
    spread : float or ndarray
        The standard deviation of the response (divisor n).

    Returns
    -------
    float or ndarray
        The larger of :func:`rounding_limit` of ``scale`` and :data:`EXACT_FIT_RATIO` x
        ``spread``.

    Examples
    --------
    >>> float(exact_fit_bound(1.0, 1.0)) == EXACT_FIT_RATIO
    True
    """
    return np.maximum(rounding_limit(scale), EXACT_FIT_RATIO * np.asarray(spread))


def rounding_noise(residuals: np.ndarray, y: np.ndarray) -> bool:
    """Tell whether ``residuals`` are those of an exact fit of ``y`` (:func:`exact_fit_limit`).

    Yields copied within each treatment (or exactly additive) are fitted exactly, but in
    floating point the residuals come out around 1e-13 rather than 0, and F tests and
    standard errors on them are meaningless (issue 13, stop 33); so are residuals below
    :data:`EXACT_FIT_RATIO` of the yields' SD, which REML cannot fit (stop 40).

    Parameters
    ----------
    residuals : ndarray, shape (n,)
        Residuals of the fit.
    y : ndarray, shape (n,)
        The response as fitted.

    Returns
    -------
    bool
        True when the root mean square residual is at most :func:`exact_fit_limit` of ``y``.
    """
    if not y.size:
        return False
    rms = float(np.sqrt(float(residuals @ residuals) / residuals.size))
    return bool(rms <= exact_fit_limit(y))
