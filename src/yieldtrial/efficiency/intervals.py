"""The confidence intervals of yield differences that the efficiency and economics tables carry.

``efficiency_table`` and ``economics_table`` take ``yield_difference_ci``: treatment ->
(low, high) [kg/ha], or the table :meth:`FieldTrial.compare_to_control` (and
:func:`yieldtrial.stats.compare_to_control`) returns, as it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import is_real_number

__all__ = ["yield_difference_intervals"]

_LOW, _HIGH = "ci_low_kg_ha", "ci_high_kg_ha"


def _from_comparisons(table: pd.DataFrame, where: str) -> dict[str, tuple[float, float]]:
    """Treatment -> (low, high) of a ``compare_to_control`` table (one control, kg/ha)."""
    columns = [str(c) for c in table.columns]
    if "treatment" not in columns or _LOW not in columns or _HIGH not in columns:
        other = [c for c in columns if c.startswith("ci_low_") and not c.endswith("_pct")]
        hint = (
            f"; its limits are {other[0]!r}: compare in kg/ha (compare_to_control(unit='kg/ha'))"
            if other
            else ""
        )
        raise DataValidationError(
            f"{where}: yield_difference_ci as a DataFrame must be the table of "
            f"compare_to_control, with columns treatment, {_LOW} and {_HIGH}{hint}; columns "
            f"present: {', '.join(columns)}"
        )
    if "control" in columns and table["control"].astype(str).nunique() > 1:
        controls = ", ".join(map(repr, dict.fromkeys(table["control"].astype(str))))
        raise DataValidationError(
            f"{where}: the yield_difference_ci table compares with {controls}; pass the rows of "
            "one control, e.g. table[table['control'] == 'CK1']"
        )
    return {
        str(t): (low, high)
        for t, low, high in zip(table["treatment"], table[_LOW], table[_HIGH], strict=True)
    }


def _pair(treatment: str, value: Any, where: str) -> tuple[float, float]:
    shown = f"{where}: yield_difference_ci[{treatment!r}] = {value!r}"
    try:
        items = list(value)
    except TypeError:
        items = []
    if len(items) != 2 or not all(is_real_number(v) for v in items):
        raise DataValidationError(
            f"{shown}; expected the two confidence limits (low, high) of the yield difference "
            "[kg/ha], e.g. (-120.0, 480.0)"
        )
    low, high = float(items[0]), float(items[1])
    if math.isinf(low) or math.isinf(high):
        raise DataValidationError(f"{shown}; the limits must be finite (NaN: no interval)")
    if low > high:
        raise DataValidationError(f"{shown}; the lower limit is above the upper: swap them")
    return low, high


def yield_difference_intervals(
    value: Mapping[str, Any] | pd.Series | pd.DataFrame | None, where: str
) -> dict[str, tuple[float, float]]:
    """Return treatment -> (low, high) [kg/ha], checked.

    Parameters
    ----------
    value : mapping, Series, DataFrame or None
        Treatment -> (low, high), or the table of ``compare_to_control`` (columns
        ``treatment``, ``ci_low_kg_ha``, ``ci_high_kg_ha``; one control).
    where : str
        The function named in the messages.

    Returns
    -------
    dict
        Treatment -> (low, high); NaN limits stand for no interval.

    Raises
    ------
    DataValidationError
        A pair that is not two numbers, an infinite limit, low above high, or a table
        that is not one control's comparisons in kg/ha.  (An interval of a treatment
        without a yield is not used: a comparisons table names every treatment compared.)

    Examples
    --------
    >>> yield_difference_intervals({"N1": (500, 1500)}, "economics_table")
    {'N1': (500.0, 1500.0)}
    """
    if value is None:
        return {}
    if isinstance(value, pd.DataFrame):
        raw: Mapping[Any, Any] = _from_comparisons(value, where)
    elif isinstance(value, Mapping | pd.Series):
        raw = dict(value.items())
    else:
        raise DataValidationError(
            f"{where}: yield_difference_ci must map treatment -> (low, high) [kg/ha], or be "
            f"the table of compare_to_control; got {type(value).__name__}"
        )
    return {str(t): _pair(str(t), v, where) for t, v in raw.items()}
