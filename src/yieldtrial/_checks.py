"""Private argument checks shared by the formula modules (units, moisture, harvest).

The formula functions accept a float, a NumPy array or a pandas Series and give
back the same kind.  The helpers here turn an argument into one of those kinds
(:func:`as_numeric`), check value ranges with messages that say what, where,
what was expected, what was given and how to fix it (:func:`check_range`,
:func:`check_not_fraction`), and turn a NumPy scalar result back into a Python
float (:func:`as_output`).  NaN always passes the checks, so a missing plot
stays missing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

import numpy as np

from yieldtrial.errors import DataValidationError

if TYPE_CHECKING:  # pragma: no cover - pandas is imported lazily (fast CLI start)
    import pandas as pd

    from yieldtrial._typing import Numeric

__all__ = [
    "as_numeric",
    "as_output",
    "check_not_fraction",
    "check_option",
    "check_range",
    "is_series",
]


def is_series(value: object) -> TypeGuard[pd.Series]:
    """Tell whether ``value`` is a pandas Series, without importing pandas.

    A Series can only exist once pandas has been imported, so the formula
    modules need not import pandas themselves (the command line stays fast).

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    bool
        True for a ``pandas.Series``.

    Examples
    --------
    >>> is_series(1.0)
    False
    >>> import pandas as pd
    >>> is_series(pd.Series([1.0]))
    True
    """
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.Series)


def as_numeric(value: Any, name: str) -> Numeric:
    """Return ``value`` as a float, a float ndarray or a float64 Series.

    Parameters
    ----------
    value : float, int, sequence, ndarray or Series
        The argument.
    name : str
        The argument's name, used in the error message.

    Returns
    -------
    float, ndarray or Series
        A Series keeps its index and name; lists become arrays.

    Raises
    ------
    DataValidationError
        If the value is not numeric.

    Examples
    --------
    >>> as_numeric(3, "mass")
    3.0
    >>> as_numeric([1, 2], "mass")
    array([1., 2.])
    """
    try:
        if is_series(value):
            return value.astype("float64")
        if isinstance(value, bool):
            raise TypeError("bool")
        if isinstance(value, (int, float, np.integer, np.floating)):
            return float(value)
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        shown = _first_non_numeric(value)
        raise DataValidationError(
            f"{name} must be a number, a NumPy array or a pandas Series of numbers; "
            f"got {shown} ({type(value).__name__}). Convert text cells to numbers first."
        ) from exc
    return float(array) if array.ndim == 0 else array


def _first_non_numeric(value: Any) -> str:
    """Describe the first element that is not a number (or the value itself)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return repr(value)
    labels = list(value.index) if is_series(value) else None
    for position, item in enumerate(np.asarray(value, dtype=object).reshape(-1)):
        try:
            float(item)
        except (TypeError, ValueError):
            where = f"index {labels[position]!r}" if labels else f"position {position}"
            return f"{item!r} at {where}"
    return type(value).__name__


def as_output(result: Any) -> Numeric:
    """Return a NumPy scalar or 0-d array as a Python float, other kinds unchanged.

    Parameters
    ----------
    result : float, ndarray or Series
        A computed value.

    Returns
    -------
    float, ndarray or Series
        ``float`` for scalars; arrays and Series as given.

    Examples
    --------
    >>> type(as_output(np.float64(1.5))).__name__
    'float'
    """
    if is_series(result):
        return result
    if isinstance(result, np.ndarray) and result.ndim > 0:
        return result
    return float(result)


def _values(value: Numeric) -> np.ndarray:
    return np.atleast_1d(np.asarray(value, dtype=float))


def _where(value: Numeric, mask: np.ndarray) -> str:
    """Describe where the first flagged value sits (index label or position)."""
    positions = np.flatnonzero(mask)
    count = positions.size
    first = int(positions[0])
    given = float(_values(value)[first])
    if is_series(value):
        place = f"at index {value.index[first]!r}"
    elif isinstance(value, np.ndarray) and value.ndim > 0:
        place = f"at position {first}"
    else:
        return f"got {given:g}"
    more = f"; {count} values out of range" if count > 1 else ""
    return f"got {given:g} {place}{more}"


def check_range(
    name: str,
    value: Numeric,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = False,
    fix: str = "",
) -> None:
    """Raise if a non-NaN value lies outside the interval given by ``low`` and ``high``.

    Parameters
    ----------
    name : str
        The argument's name, used in the message.
    value : float, ndarray or Series
        The values to check.  NaN passes.
    low, high : float, optional
        Interval bounds; ``None`` means unbounded.
    low_inclusive, high_inclusive : bool
        Whether each bound itself is allowed.
    fix : str
        A hint on how to fix the input, appended to the message.

    Raises
    ------
    DataValidationError
        Naming the argument, the interval, the first offending value and where it is.

    Examples
    --------
    >>> check_range("moisture_pct", 13.0, low=0, high=100)
    >>> check_range("moisture_pct", 100.0, low=0, high=100)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: moisture_pct must be in [0, 100); got 100
    """
    values = _values(value)
    bad = np.zeros(values.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        if low is not None:
            bad |= values < low if low_inclusive else values <= low
        if high is not None:
            bad |= values > high if high_inclusive else values >= high
    if not bad.any():
        return
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    message = f"{name} must be in {left}{lo}, {hi}{right}; {_where(value, bad)}"
    if fix:
        message += f". {fix}"
    raise DataValidationError(message)


def check_not_fraction(name: str, value: Numeric) -> None:
    """Raise if a percent argument looks like it was given as a fraction.

    A value (scalar) or every non-NaN value (array, Series) lying in [0, 1] with at
    least one above 0 is taken as a fraction: grain moisture of 1 % or less does
    not occur, so 0.13 almost certainly means 13 %.

    Parameters
    ----------
    name : str
        The argument's name, used in the message.
    value : float, ndarray or Series
        The values to check.

    Raises
    ------
    DataValidationError
        Suggesting to multiply by 100.

    Examples
    --------
    >>> check_not_fraction("moisture_pct", 13.0)
    >>> check_not_fraction("moisture_pct", 0.0)
    >>> check_not_fraction("moisture_pct", 0.13)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: moisture_pct is a percentage (0-100) but got 0.13, ...
    """
    values = _values(value)
    finite = values[~np.isnan(values)]
    if finite.size == 0 or not ((finite >= 0) & (finite <= 1)).all() or not (finite > 0).any():
        return
    shown = f"{finite[0]:g}" if values.size == 1 else f"values all in [0, 1] (first {finite[0]:g})"
    raise DataValidationError(
        f"{name} is a percentage (0-100) but got {shown}, which looks like a fraction. "
        f"Multiply by 100 (0.13 -> 13)."
    )


def check_option(name: str, value: object, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``options``, else raise listing them.

    Parameters
    ----------
    name : str
        The argument's name.
    value : object
        The given option.
    options : sequence of str
        The valid options.

    Returns
    -------
    str
        ``value``.

    Raises
    ------
    DataValidationError
        If ``value`` is not among ``options``.

    Examples
    --------
    >>> check_option("method", "dry_matter", ("dry_matter", "shrink"))
    'dry_matter'
    """
    if not isinstance(value, str) or value not in options:
        raise DataValidationError(
            f"unknown {name} {value!r}; expected one of: {', '.join(options)}"
        )
    return value
