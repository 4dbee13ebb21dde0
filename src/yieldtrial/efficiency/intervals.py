"""The confidence intervals of yield differences that the efficiency and economics tables carry.

``efficiency_table`` and ``economics_table`` take ``yield_difference_ci``: treatment ->
(low, high) [kg/ha], or the table :meth:`FieldTrial.compare_to_control` (and
:func:`yieldtrial.stats.compare_to_control`, ``NetworkResult.summary.comparisons``) returns,
as it is: its limits are converted to kg/ha from the unit their column names state
(``ci_low_kg_mu``).  Their ``yields`` may likewise be a Series named for a yield column
(``yield_kg_mu`` of ``trial.means()``): :func:`yields_to_kg_ha`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import is_real_number
from yieldtrial.units import convert_yield, unit_from_yield_column

__all__ = ["yield_difference_intervals", "yields_to_kg_ha"]

_LOW, _HIGH = "ci_low_kg_ha", "ci_high_kg_ha"


def _kg_ha_factor(unit: str, what: str, where: str) -> float:
    """Factor from a yield ``unit`` named by a column (``kg/mu``) to kg/ha."""
    if unit.startswith("bu/"):  # a bushel's mass depends on the crop, which is not known here
        raise DataValidationError(
            f"{where}: {what} is in {unit}, which needs the crop to convert; give it in kg/ha "
            f"(yieldtrial.convert_yield(values, {unit!r}, 'kg/ha', crop=...))"
        )
    return float(np.asarray(convert_yield(1.0, unit, "kg/ha")))


def yields_to_kg_ha(values: Any, where: str) -> Any:
    """Return ``values`` in kg/ha when it is a Series named for a yield column.

    Parameters
    ----------
    values : mapping, Series or other
        The ``yields`` given to ``efficiency_table`` / ``economics_table``.
    where : str
        The function named in the messages.

    Returns
    -------
    same as ``values``
        A Series named ``yield_<mass>_<area>`` (the yield column of ``trial.means()`` or
        ``FieldTrial.yields()`` in the trial's display unit, e.g. ``yield_kg_mu``) converted
        to kg/ha and renamed ``yield_kg_ha``; anything else unchanged (taken as kg/ha).

    Raises
    ------
    DataValidationError
        For a Series in bushels (``yield_bu_ac``): the conversion needs the crop.

    Examples
    --------
    >>> import pandas as pd
    >>> yields_to_kg_ha(pd.Series({"CK": 442.0}, name="yield_kg_mu"), "efficiency_table")
    CK    6630.0
    Name: yield_kg_ha, dtype: float64
    """
    if not isinstance(values, pd.Series):
        return values
    unit = unit_from_yield_column(str(values.name)) if values.name is not None else None
    if unit is None or unit == "kg/ha":
        return values
    factor = _kg_ha_factor(unit, f"yields (Series {values.name!r})", where)
    return (values.astype("float64") * factor).rename("yield_kg_ha")


def _limit_columns(columns: list[str]) -> tuple[str, str, str] | None:
    """Return the low and high limit columns of a comparisons table and their yield unit.

    ``ci_low_kg_ha`` first, else the first ``ci_low_<mass>_<area>`` with its ``ci_high_``.
    """
    if _LOW in columns and _HIGH in columns:
        return _LOW, _HIGH, "kg/ha"
    for column in columns:
        suffix = column.removeprefix("ci_low_")
        unit = unit_from_yield_column(f"yield_{suffix}") if column != suffix else None
        if unit is not None and f"ci_high_{suffix}" in columns:
            return column, f"ci_high_{suffix}", unit
    return None


def _from_comparisons(table: pd.DataFrame, where: str) -> dict[str, tuple[float, float]]:
    """Treatment -> (low, high) of a ``compare_to_control`` table (one control, kg/ha)."""
    columns = [str(c) for c in table.columns]
    limits = _limit_columns(columns)
    if "treatment" not in columns or limits is None:
        raise DataValidationError(
            f"{where}: yield_difference_ci as a DataFrame must be the table of "
            f"compare_to_control, with columns treatment, {_LOW} and {_HIGH} (or the limits "
            f"in another yield unit, e.g. ci_low_kg_mu); columns present: {', '.join(columns)}"
        )
    low_column, high_column, unit = limits
    factor = _kg_ha_factor(unit, f"yield_difference_ci ({low_column!r})", where)
    if "control" in columns and table["control"].astype(str).nunique() > 1:
        controls = ", ".join(map(repr, dict.fromkeys(table["control"].astype(str))))
        raise DataValidationError(
            f"{where}: the yield_difference_ci table compares with {controls}; pass the rows of "
            "one control, e.g. table[table['control'] == 'CK1']"
        )
    lows = table[low_column].astype("float64") * factor
    highs = table[high_column].astype("float64") * factor
    return {
        str(t): (low, high) for t, low, high in zip(table["treatment"], lows, highs, strict=True)
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
