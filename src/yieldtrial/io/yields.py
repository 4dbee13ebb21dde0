"""Yields of a validated plot table: harvest records or given yields -> kg/ha at standard moisture.

The step between reading (:func:`yieldtrial.read_plots`) and the design model: each plot's
harvest (fresh mass, moisture, impurity, ... on a harvested area) becomes clean grain at
the standard moisture (:func:`yieldtrial.harvest.standardized_mass_kg`) and a yield per
hectare; a table that already holds yields is converted to kg/ha
(:func:`yieldtrial.convert_yield`).  :class:`~yieldtrial.trial.FieldTrial` computes its
yields here once and reads them back with :func:`yields_table`.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io import validation as _validation
from yieldtrial.io.checks import message_number
from yieldtrial.io.plots import has_harvest_columns, input_yield_column
from yieldtrial.io.validation import list_items
from yieldtrial.units import convert_yield, unit_from_yield_column, yield_column, yield_unit

__all__ = [
    "IMPLAUSIBLE_YIELD_KG_HA",
    "LOW_YIELD_KG_HA",
    "TINY_YIELD_KG_HA",
    "given_method_texts",
    "plot_yield_kg_ha",
    "refuse_mixed_moisture_methods",
    "refuse_yields_at_other_standard",
    "refuse_yields_of_other_method",
    "standardized_plot_mass_kg",
    "table_moisture_method",
    "crop_implausible_yield_messages",
    "warn_crop_implausible_yields",
    "warn_implausible_yields",
    "warn_edited_yields",
    "warn_emptied_yields",
    "warn_other_moisture_method",
    "warn_other_standard_moisture",
    "warn_tiny_yields",
    "yields_moisture_method",
    "yields_table",
]

#: Above this standardized yield a plot is almost certainly a unit slip (area in
#: mu read as m2, mass in g read as kg): no grain crop yields 40 t/ha. [kg/ha]
IMPLAUSIBLE_YIELD_KG_HA = 40_000.0

#: A trial whose every standardized yield is below this is a unit slip too (a mass in mg
#: read as kg, an area in cm2 read as m2): 1 kg/ha is 2 g from a 20 m2 plot, and the
#: report, which shows yields to 0.1 kg/ha, printed such a trial as "0.0 to 0.0 kg/ha"
#: (stop 40). [kg/ha]
TINY_YIELD_KG_HA = 1.0

#: A trial whose every standardized yield is below this (but not below
#: :data:`TINY_YIELD_KG_HA`) most likely has its areas in m2 under a mu, ha or acre
#: header (yields 667, 10,000 or 4,047 times too low) or its masses in kg under a g
#: header: 100 kg/ha is 6.7 kg/mu, a failed crop on every plot (stop 53). [kg/ha]
LOW_YIELD_KG_HA = 100.0


def standardized_plot_mass_kg(
    plots: pd.DataFrame,
    *,
    standard_moisture_pct: float,
    moisture_method: str,
    shrink_pct_per_point: float | None = None,
) -> pd.Series:
    """Clean grain of each plot at the standard moisture, from its harvest columns.

    Parameters
    ----------
    plots : DataFrame
        Validated plot table with ``fresh_mass_kg`` and ``moisture_pct`` (and optionally
        ``impurity_pct``, ``empty_grain_pct``, ``shelling_pct``).
    standard_moisture_pct : float
        Standard moisture. [%]
    moisture_method : str
        See :data:`yieldtrial.moisture.METHODS`.
    shrink_pct_per_point : float, optional
        Needed for ``moisture_method="shrink"``. [%/point]

    Returns
    -------
    Series
        ``standardized_mass_kg`` on the plot table's index. [kg]
    """
    from yieldtrial.harvest import standardized_mass_kg

    def column(name: str, default: float) -> pd.Series | float:
        return plots[name].astype(float) if name in plots else default

    _check_shrink_per_plot(plots, standard_moisture_pct, moisture_method, shrink_pct_per_point)
    mass = standardized_mass_kg(
        plots["fresh_mass_kg"].astype(float),
        moisture_pct=plots["moisture_pct"].astype(float),
        standard_moisture_pct=float(standard_moisture_pct),
        impurity_pct=column("impurity_pct", 0.0),
        empty_grain_pct=column("empty_grain_pct", 0.0),
        shelling_pct=column("shelling_pct", 100.0),
        method=moisture_method,
        shrink_pct_per_point=shrink_pct_per_point,
    )
    return pd.Series(mass, index=plots.index, name="standardized_mass_kg", dtype=float)


def _check_shrink_per_plot(
    plots: pd.DataFrame,
    standard_moisture_pct: float,
    moisture_method: str,
    shrink_pct_per_point: float | None,
) -> None:
    """Name the plots whose shrink factor is negative (the API says 'at index 3')."""
    from yieldtrial.io.checks import match_option
    from yieldtrial.moisture import METHODS

    if match_option(moisture_method, METHODS) != "shrink" or shrink_pct_per_point is None:
        return
    try:
        shrink, standard = float(shrink_pct_per_point), float(standard_moisture_pct)
    except (TypeError, ValueError, OverflowError):
        return  # the moisture functions give their own message
    moisture = plots["moisture_pct"].astype(float)
    with np.errstate(invalid="ignore"):
        bad = (1.0 - shrink * (moisture - standard).clip(lower=0.0) / 100.0) < 0
    if not bad.any():
        return
    ids = plots["plot_id"] if "plot_id" in plots else pd.Series(plots.index, index=plots.index)
    items = [
        f"plot {str(ids[i])!r} ({message_number(moisture[i])} %)"
        for i in plots.index[bad.to_numpy()]
    ]
    typed_shrink, typed_standard = message_number(shrink), message_number(standard)
    raise DataValidationError(
        f"the shrink method with shrink_pct_per_point = {typed_shrink} % per point takes more "
        f"than the whole mass of {list_items(items)}: 1 - {typed_shrink} x (moisture - "
        f"{typed_standard}) / 100 "
        "is below 0. The shrink per point is too large for this moisture gap (typical values "
        "are 1.2-1.5 % per point)"
    )


def plot_yield_kg_ha(
    plots: pd.DataFrame,
    *,
    crop: str,
    standard_moisture_pct: float,
    moisture_method: str,
    shrink_pct_per_point: float | None = None,
    standardized_mass_kg: pd.Series | None = None,
) -> pd.Series:
    """Yield of each plot at the standard moisture.

    Parameters
    ----------
    plots : DataFrame
        Validated plot table: harvest columns (see :func:`standardized_plot_mass_kg`) and
        ``harvested_area_m2``, or a yield column (``yield_kg_ha``, ``yield_kg_mu``, ...).
    crop : str
        Canonical crop (for bushel conversions).
    standard_moisture_pct, moisture_method, shrink_pct_per_point
        See :func:`standardized_plot_mass_kg`; unused for given yields.
    standardized_mass_kg : Series, optional
        The plots' :func:`standardized_plot_mass_kg` when already computed (with the
        same settings), so it is not computed again. [kg]

    Returns
    -------
    Series
        ``yield_kg_ha`` on the plot table's index; NaN for missing plots. [kg/ha]
    """
    if has_harvest_columns(plots):
        mass = standardized_mass_kg
        if mass is None:
            mass = standardized_plot_mass_kg(
                plots,
                standard_moisture_pct=standard_moisture_pct,
                moisture_method=moisture_method,
                shrink_pct_per_point=shrink_pct_per_point,
            )
        with np.errstate(over="ignore"):  # an infinite yield is refused below instead
            computed = (mass / plots["harvested_area_m2"] * 10_000.0).rename("yield_kg_ha")
        _validation.check_computed_finite(computed, plots, "yield_kg_ha")
        return computed
    column = input_yield_column(plots)
    if column is None:  # pragma: no cover - read_plots guarantees one or the other
        raise DataValidationError("the plot table has neither harvest columns nor a yield")
    given = unit_from_yield_column(column) or "kg/ha"
    values = convert_yield(plots[column].astype(float), given, "kg/ha", crop=crop)
    return pd.Series(values, index=plots.index, name="yield_kg_ha", dtype=float)


def warn_other_standard_moisture(
    plots: pd.DataFrame, standard_moisture_pct: float, *, stacklevel: int = 2
) -> None:
    """Warn when the table's own yields are at another standard moisture than the report's.

    ``yieldtrial standardize --standard 14`` writes yields at 14 % with a
    ``standard_moisture_pct`` column; read back with the harvest columns, the reader keeps
    them as ``reported_*`` columns and the yields are recomputed from the raw columns at
    ``standard_moisture_pct`` (stop 34).

    Parameters
    ----------
    plots : DataFrame
        Plot table as read (``reported_standard_moisture_pct`` when the file had the column).
    standard_moisture_pct : float
        Standard moisture the yields are computed at. [%]
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`.

    Warns
    -----
    YieldTrialWarning
        Naming the file's standard(s) and the one used.
    """
    cells = _reported_setting(plots, "standard_moisture_pct")
    if cells is None:
        return
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
    given = sorted({float(v) for v in values[np.isfinite(values)]})
    if not given or all(abs(v - standard_moisture_pct) < 1e-9 for v in given):
        return
    _warn_recomputed(
        f"are at {', '.join(message_number(v) for v in given)} % moisture",
        "standard_moisture_pct",
        f"at {message_number(standard_moisture_pct)} %",
        f"set the standard moisture to {message_number(given[0])} (--standard-moisture-pct "
        f"{message_number(given[0])}) to "
        "report at the table's standard",
        stacklevel,
    )


def refuse_yields_at_other_standard(plots: pd.DataFrame, standard_moisture_pct: float) -> None:
    """Refuse a yields table at another standard moisture that cannot be recomputed.

    ``yieldtrial standardize --standard-moisture-pct 14`` writes yields at 14 % with a
    ``standard_moisture_pct`` column; a table trimmed to its yield column (no fresh mass,
    moisture or area left) and reported at 13 % had its 14 % yields analysed as if at 13 %,
    1.2 % too high and without a word (stop 50).  With the harvest columns the yields are
    recomputed (:func:`warn_other_standard_moisture`); without them this is an error.

    Parameters
    ----------
    plots : DataFrame
        Plot table as read (``reported_standard_moisture_pct`` when the file had the column).
    standard_moisture_pct : float
        Standard moisture of the analysis. [%]

    Raises
    ------
    DataValidationError
        Naming the table's standard(s), the analysis's and the two fixes.

    Examples
    --------
    >>> table = pd.DataFrame({"plot_id": ["1"], "yield_kg_ha": [7000.0],
    ...                       "reported_standard_moisture_pct": [13.0]})
    >>> refuse_yields_at_other_standard(table, 13.0)  # the same standard: read as given
    """
    cells = _given_setting(plots, "standard_moisture_pct")
    if cells is None:
        return
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
    given = sorted({float(v) for v in values[np.isfinite(values)]})
    if not given or all(abs(v - standard_moisture_pct) < 1e-9 for v in given):
        return
    first = message_number(given[0])
    raise DataValidationError(
        f"the table's yields are at {', '.join(message_number(v) for v in given)} % moisture "
        f"(its standard_moisture_pct column), not at the {message_number(standard_moisture_pct)}"
        " % of this analysis, and it has no harvest columns (fresh mass, moisture, area) to "
        f"recompute them from; set the standard moisture to {first} (--standard-moisture-pct "
        f"{first}) to report at the table's standard, or give the table with its harvest columns"
    )


def warn_other_moisture_method(
    plots: pd.DataFrame, moisture_method: str, *, stacklevel: int = 2
) -> None:
    """Warn when the table's own yields were computed with another moisture method.

    A notebook feeds ``trial.yields()`` of a ``percentage_point`` trial to
    ``FieldTrial.from_dataframe`` (default ``dry_matter``): the reader keeps the table's
    yields as ``reported_*`` columns and recomputes them from the raw columns with the new
    method, a few kg/ha apart and silent (stop 46), as :func:`warn_other_standard_moisture`
    says for the standard moisture.

    Parameters
    ----------
    plots : DataFrame
        Plot table as read (``reported_moisture_method`` when it had the column).
    moisture_method : str
        Method the yields are computed with.
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`.

    Warns
    -----
    YieldTrialWarning
        Naming the table's method(s) and the one used.
    """
    cells = _reported_setting(plots, "moisture_method")
    if cells is None:
        return
    given = sorted(m for m in _method_names(cells) if m != moisture_method)
    if not given:
        return
    _warn_recomputed(
        f"were computed with moisture_method {', '.join(given)}",
        "moisture_method",
        f"with {moisture_method}",
        f"set the moisture method to {given[0]} (--moisture-method {given[0]}) to keep the "
        "table's yields",
        stacklevel,
    )


def refuse_yields_of_other_method(plots: pd.DataFrame, moisture_method: str) -> None:
    """Refuse a yields table computed with another moisture method that cannot be recomputed.

    The twin of :func:`refuse_yields_at_other_standard` for the ``moisture_method`` column
    ``yieldtrial standardize`` writes: ``network --moisture-method percentage_point`` over
    yields computed with ``dry_matter`` (no harvest columns left) analysed them as given
    without a word (tidy56).  Called when the method was given (a default is no choice).

    Parameters
    ----------
    plots : DataFrame
        Plot table as read (``reported_moisture_method`` when the file had the column).
    moisture_method : str
        Moisture method of the analysis, as given.

    Raises
    ------
    DataValidationError
        Naming the table's method(s), the analysis's and the two fixes.

    Examples
    --------
    >>> table = pd.DataFrame({"yield_kg_ha": [7000.0], "reported_moisture_method": ["dry_matter"]})
    >>> refuse_yields_of_other_method(table, "dry_matter")  # the same method: read as given
    """
    cells = _given_setting(plots, "moisture_method")
    if cells is None:
        return
    given = sorted(m for m in _method_names(cells) if m != moisture_method)
    if not given:
        return
    raise DataValidationError(
        f"the table's yields were computed with moisture_method {', '.join(given)} (its "
        f"moisture_method column), not with the {moisture_method} of this analysis, and it has "
        "no harvest columns (fresh mass, moisture, area) to recompute them from; set the "
        f"moisture method to {given[0]} (--moisture-method {given[0]}) to report with the "
        "table's method, or give the table with its harvest columns"
    )


def given_method_texts(plots: pd.DataFrame) -> list[str]:
    """Return the distinct texts of a yields table's ``moisture_method`` column.

    Empty for a table with harvest columns (its yields are recomputed) or without the
    column.  A table read in blocks (:mod:`yieldtrial.io.streaming`) compares them across
    blocks, so that the whole table gets :func:`table_moisture_method`'s one answer.

    Parameters
    ----------
    plots : DataFrame
        Plot table as read (``reported_moisture_method`` when it had the column).

    Returns
    -------
    list of str
        Stripped, in order of appearance, missing cells left out.

    Examples
    --------
    >>> table = pd.DataFrame({"yield_kg_ha": [7000.0, 7100.0],
    ...                       "reported_moisture_method": ["dry_matter", " dry_matter"]})
    >>> given_method_texts(table)
    ['dry_matter']
    """
    cells = _given_setting(plots, "moisture_method")
    return [] if cells is None else _cell_texts(cells)


def refuse_mixed_moisture_methods(plots: pd.DataFrame, *, limit: int = 3) -> None:
    """Refuse a yields table whose ``moisture_method`` column names more than one method.

    Its yields are read as given (no harvest columns to recompute them from), so they
    cannot be stated with one method: in memory they were all ``"given"``, streamed in
    blocks each block got its own method (loose57).

    Parameters
    ----------
    plots : DataFrame
        Plot table as read (``reported_moisture_method`` when it had the column).
    limit : int, default 3
        Plots named per method.

    Raises
    ------
    DataValidationError
        Naming each method's plots and the two fixes.

    Examples
    --------
    >>> table = pd.DataFrame({"plot_id": ["1", "2"], "yield_kg_ha": [7000.0, 7100.0],
    ...                       "reported_moisture_method": ["dry_matter", "dry_matter"]})
    >>> refuse_mixed_moisture_methods(table)  # one method: read as given
    """
    cells = _given_setting(plots, "moisture_method")
    if cells is None:
        return
    methods = _method_names(cells)
    if len(methods) < 2:
        return
    texts = cells.astype("string").str.strip()
    ids = plots["plot_id"].astype(str) if "plot_id" in plots.columns else plots.index.astype(str)
    parts = []
    for method in methods:
        named = ids[(texts == method).fillna(False).to_numpy(dtype=bool)]
        word = "plot" if len(named) == 1 else "plots"
        listed = list_items((repr(str(p)) for p in named[:limit]), limit=limit, total=len(named))
        parts.append(f"{method}: {word} {listed}")
    raise DataValidationError(
        "the table's yields were computed with different moisture methods (its "
        f"moisture_method column): {'; '.join(parts)}; it has no harvest columns (fresh mass, "
        "moisture, area) to recompute them from, so its yields cannot be stated with one "
        "method: give the plots of each method as a table of their own, or give the table "
        "with its harvest columns"
    )


def table_moisture_method(plots: pd.DataFrame) -> str | None:
    """Return the moisture method a yields table without harvest columns names for its yields.

    ``yieldtrial standardize`` writes a ``moisture_method`` column; a table trimmed to its
    yields keeps it (read as ``reported_moisture_method``) and its yields are read as
    given: the report states this method, not the analysis's default (tidy56b).

    Parameters
    ----------
    plots : DataFrame
        Plot table as read.

    Returns
    -------
    str or None
        The one known method of the column; None when the table has harvest columns (its
        yields are recomputed), no such column, or not exactly one known method.

    Examples
    --------
    >>> table = pd.DataFrame({"yield_kg_ha": [7000.0],
    ...                       "reported_moisture_method": ["percentage_point"]})
    >>> table_moisture_method(table)
    'percentage_point'
    """
    from yieldtrial.moisture import METHODS

    cells = _given_setting(plots, "moisture_method")
    if cells is None:
        return None
    methods = _cell_texts(cells)
    return str(methods[0]) if len(methods) == 1 and methods[0] in METHODS else None


def yields_moisture_method(plots: pd.DataFrame, moisture_method: str) -> str:
    """Return the moisture method a plot table's yields carry: the one to state for them.

    Recomputed from harvest columns: ``moisture_method``.  Read as given (a yields table):
    the method the table names (:func:`table_moisture_method`), else ``"given"``, which
    ``trial.yields()`` writes in its ``moisture_method`` column; the report's metadata and
    the provenance said the analysis's default ``dry_matter`` for such yields (loose57).

    Parameters
    ----------
    plots : DataFrame
        Plot table as read.
    moisture_method : str
        The analysis's moisture method.

    Returns
    -------
    str
        ``moisture_method``, the table's method, or ``"given"``.

    Examples
    --------
    >>> yields_moisture_method(pd.DataFrame({"yield_kg_ha": [7000.0]}), "dry_matter")
    'given'
    """
    if has_harvest_columns(plots):
        return moisture_method
    return table_moisture_method(plots) or "given"


def _reported_setting(plots: pd.DataFrame, column: str) -> pd.Series | None:
    """Return the table's own ``column`` (``reported_<column>``) when its yields are recomputed.

    None when the table has no such column or no harvest columns (its yields are then
    the table's, not recomputed).
    """
    kept = f"reported_{column}"
    if kept not in plots.columns or not has_harvest_columns(plots):
        return None
    return plots[kept]


def _given_setting(plots: pd.DataFrame, column: str) -> pd.Series | None:
    """Return the table's own ``column`` (``reported_<column>``) when its yields are as given.

    The counterpart of :func:`_reported_setting`: None when the table has no such column or
    has harvest columns (its yields are then recomputed).
    """
    kept = f"reported_{column}"
    if kept not in plots.columns or has_harvest_columns(plots):
        return None
    return plots[kept]


def _cell_texts(cells: pd.Series) -> list[str]:
    """Return the distinct non-missing cells as stripped text, in order of appearance."""
    return [str(m) for m in cells.dropna().astype(str).str.strip().unique().tolist()]


def _method_names(cells: pd.Series) -> list[str]:
    """Return the distinct known moisture methods the cells name (others left out)."""
    from yieldtrial.moisture import METHODS

    return [m for m in _cell_texts(cells) if m in METHODS]


def _warn_recomputed(given: str, column: str, used: str, fix: str, stacklevel: int) -> None:
    """Warn that the table's own yields (made as ``given`` says) were recomputed ``used``.

    The one message of :func:`warn_other_standard_moisture` and
    :func:`warn_other_moisture_method`; ``stacklevel`` is theirs (one frame up here).
    """
    warnings.warn(
        f"the table's yields {given} (its {column} column); they were recomputed {used} from "
        "the raw columns (fresh mass, moisture, area) and the table's own yields kept as "
        f"reported_* columns; {fix}",
        YieldTrialWarning,
        stacklevel=stacklevel + 1,
    )


def emptied_yield_plots(plots: pd.DataFrame, yield_kg_ha: pd.Series) -> tuple[str, list[str]]:
    """Find the plots of a yieldtrial yields table whose yield is empty but computable.

    ``trial.yields()`` leaves an excluded plot's yield empty and keeps its harvest records;
    read again, the yields are recomputed from those records, so the plot came back into
    the analysis without a word (stop 47).  Only a table yieldtrial wrote (its
    ``standard_moisture_pct`` column, read as ``reported_standard_moisture_pct``) is looked
    at: a plot table of the user's may hold published yields for some plots only.

    Parameters
    ----------
    plots : DataFrame
        Plot table as read.
    yield_kg_ha : Series
        The yields computed from the harvest records (excluded plots already empty). [kg/ha]

    Returns
    -------
    column : str
        The table's yield column as headed (``yield_kg_ha``), or "" when nothing is found.
    plot_ids : list of str
        The plots.

    Examples
    --------
    >>> table = pd.DataFrame({"plot_id": ["1", "2"], "reported_yield_kg_ha": [6000.0, None],
    ...                       "reported_standard_moisture_pct": [13.0, 13.0]})
    >>> emptied_yield_plots(table, pd.Series([6000.0, 6100.0]))
    ('yield_kg_ha', ['2'])
    """
    reported = [
        c
        for c in plots.columns
        if str(c).startswith("reported_yield_")
        and unit_from_yield_column(str(c).removeprefix("reported_")) is not None
    ]
    if not reported or "reported_standard_moisture_pct" not in plots.columns:
        return "", []
    empty = plots[reported].isna().all(axis=1).to_numpy()
    computed = np.isfinite(pd.to_numeric(yield_kg_ha, errors="coerce").to_numpy(dtype=float))
    emptied = empty & computed
    if not emptied.any():
        return "", []
    ids = plots["plot_id"].to_numpy()[emptied]
    return str(reported[0]).removeprefix("reported_"), [str(v) for v in ids]


def warn_emptied_yields(
    plots: pd.DataFrame, yield_kg_ha: pd.Series, *, stacklevel: int = 2
) -> None:
    """Warn that plots with an empty yield in a yields table are analysed again.

    See :func:`emptied_yield_plots`.

    Parameters
    ----------
    plots : DataFrame
        Plot table as read.
    yield_kg_ha : Series
        The computed yields (excluded plots empty). [kg/ha]
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`, counted from this function.
    """
    column, ids = emptied_yield_plots(plots, yield_kg_ha)
    if not ids:
        return
    named = list_items((repr(i) for i in ids), limit=10)
    warnings.warn(
        f"{'plots' if len(ids) > 1 else 'plot'} {named}: {column} is empty in the table but "
        "the harvest records give a yield, which is analysed (the table's yields are kept as "
        "reported_* columns). A table of trial.yields() leaves an excluded plot's yield empty "
        "without its reason: exclude the plot again (trial.exclude(plot, reason=...), or "
        "[[exclude]] in trial.toml), or leave its fresh mass empty too",
        YieldTrialWarning,
        stacklevel=stacklevel + 1,
    )


#: A yield of a yieldtrial yields table differing from its records' by more than this
#: share (and :data:`_EDITED_ABSOLUTE` in the table's unit) was changed by hand: a table
#: saved from a spreadsheet keeps 11 or more significant digits, or 0.1 shown.
_EDITED_RELATIVE = 1e-3
#: See :data:`_EDITED_RELATIVE`.
_EDITED_ABSOLUTE = 0.05


def edited_yield_plots(
    plots: pd.DataFrame,
    yield_kg_ha: pd.Series,
    *,
    standard_moisture_pct: float,
    moisture_method: str = "dry_matter",
    crop: str,
) -> tuple[str, list[str]]:
    """Find the plots of a yieldtrial yields table whose yield cell was changed by hand.

    ``standardize`` writes each plot's harvest records and its yield; a user who corrects
    the yield cell (not the fresh mass) and reports the table again had the records' yield
    analysed, the correction ignored without a word (stop 50).  Only a table yieldtrial
    wrote at the same standard moisture and method is looked at (at another the yields are
    recomputed on purpose, :func:`warn_other_standard_moisture`).

    Parameters
    ----------
    plots : DataFrame
        Plot table as read (its yields as ``reported_yield_*`` columns).
    yield_kg_ha : Series
        The yields computed from the harvest records (excluded plots empty). [kg/ha]
    standard_moisture_pct : float
        Standard moisture of the computed yields. [%]
    moisture_method : str, default "dry_matter"
        Method of the computed yields.
    crop : str
        The crop (for bushels).

    Returns
    -------
    items : str
        The plots, each with both yields in the table's unit, or "" when none differs.
    column : list of str
        The table's yield column as headed (``yield_kg_ha``) and the plot ids.

    Examples
    --------
    >>> table = pd.DataFrame({"plot_id": ["1", "2"], "harvested_area_m2": [20.0, 20.0],
    ...                       "fresh_mass_kg": [12.0, 13.2], "moisture_pct": [13.0, 13.0],
    ...                       "reported_yield_kg_ha": [6000.0, 5000.0],
    ...                       "reported_standard_moisture_pct": [13.0, 13.0]})
    >>> edited_yield_plots(table, pd.Series([6000.0, 6615.5]), standard_moisture_pct=13.0,
    ...                    crop="wheat")
    ("'2' = 5,000.0 / 6,615.5", ['yield_kg_ha', '2'])
    """
    kept = "reported_standard_moisture_pct"
    if kept not in plots.columns or not has_harvest_columns(plots):
        return "", []
    given = pd.to_numeric(plots[kept], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(given).any() or np.any(np.abs(given - standard_moisture_pct) > 1e-9):
        return "", []
    if "reported_moisture_method" in plots.columns:
        methods = plots["reported_moisture_method"].dropna().astype(str).str.strip()
        if (methods != moisture_method).any():
            return "", []
    computed = pd.to_numeric(yield_kg_ha, errors="coerce").to_numpy(dtype=float)
    for name in plots.columns:
        column = str(name).removeprefix("reported_")
        unit = unit_from_yield_column(column) if str(name).startswith("reported_") else None
        if unit is None:
            continue
        table = pd.to_numeric(plots[name], errors="coerce").to_numpy(dtype=float)
        records = np.asarray(convert_yield(computed, "kg/ha", unit, crop=crop), dtype=float)
        with np.errstate(invalid="ignore"):
            changed = (
                np.abs(table - records) > _EDITED_RELATIVE * np.abs(records) + _EDITED_ABSOLUTE
            )
        changed &= np.isfinite(table) & np.isfinite(records)
        if changed.any():
            ids = [str(v) for v in plots["plot_id"].to_numpy()[changed]]
            items = list_items(
                (
                    f"{pid!r} = {message_number(a, 1)} / {message_number(b, 1)}"
                    for pid, a, b in zip(ids, table[changed], records[changed], strict=True)
                ),
                limit=5,
            )
            return items, [column, *ids]
    return "", []


def warn_edited_yields(
    plots: pd.DataFrame,
    yield_kg_ha: pd.Series,
    *,
    standard_moisture_pct: float,
    moisture_method: str = "dry_matter",
    crop: str,
    stacklevel: int = 2,
) -> None:
    """Warn that yields changed by hand in a yields table are not analysed.

    See :func:`edited_yield_plots`.

    Parameters
    ----------
    plots : DataFrame
        Plot table as read.
    yield_kg_ha : Series
        The computed yields (excluded plots empty). [kg/ha]
    standard_moisture_pct : float
        Standard moisture of the computed yields. [%]
    moisture_method : str, default "dry_matter"
        Method of the computed yields.
    crop : str
        The crop.
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`, counted from this function.
    """
    items, found = edited_yield_plots(
        plots,
        yield_kg_ha,
        standard_moisture_pct=standard_moisture_pct,
        moisture_method=moisture_method,
        crop=crop,
    )
    if not items:
        return
    column, ids = found[0], found[1:]
    warnings.warn(
        f"{column} was changed in the table for {'plots' if len(ids) > 1 else 'plot'} {items} "
        "(the table's value / the yield its harvest records give), but a table with harvest "
        "columns is analysed from them (the table's yields are kept as reported_* columns); "
        "correct the fresh mass, moisture or area instead, or delete those columns to analyse "
        "the table's yields",
        YieldTrialWarning,
        stacklevel=stacklevel + 1,
    )


def warn_implausible_yields(
    plots: pd.DataFrame, yield_kg_ha: pd.Series, *, stacklevel: int = 2
) -> None:
    """Warn about plots whose yield exceeds :data:`IMPLAUSIBLE_YIELD_KG_HA` (a unit slip).

    Parameters
    ----------
    plots : DataFrame
        The plot table (for ``plot_id``).
    yield_kg_ha : Series
        Its yields. [kg/ha]
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`, counted from this function.
    """
    items, count = implausible_yield_items(plots, yield_kg_ha)
    if count:
        warnings.warn(
            implausible_yield_message(list_items(items)),
            YieldTrialWarning,
            stacklevel=stacklevel + 1,
        )


def warn_tiny_yields(
    plots: pd.DataFrame, yield_kg_ha: pd.Series, *, stacklevel: int = 2, harvest: bool = True
) -> None:
    """Warn when every observed yield is above 0 and below :data:`LOW_YIELD_KG_HA`.

    Below :data:`TINY_YIELD_KG_HA` the message names the slips that small (mg, cm2);
    between the two, those of a unit header over values of another unit (m2 under mu, ha
    or acres; kg under g), only for yields computed from harvest records (``harvest``): a
    table of given yields may be a textbook's data in other units (Montgomery's propellant
    at 20-40), analysed as yields on purpose.

    Parameters
    ----------
    plots : DataFrame
        The plot table (for ``plot_id``).
    yield_kg_ha : Series
        Its yields (missing plots NaN). [kg/ha]
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`, counted from this function.
    harvest : bool, default True
        The yields were computed from harvest records (mass, area): warn below
        :data:`LOW_YIELD_KG_HA` too, not only below :data:`TINY_YIELD_KG_HA`.
    """
    values = pd.to_numeric(yield_kg_ha, errors="coerce").to_numpy(dtype=float)
    observed = np.isfinite(values)
    if not observed.any():
        return
    if np.isinf(values).any():
        largest = int(np.flatnonzero(observed)[values[observed].argmax()])
    else:  # the first plot holding the largest yield, without plot-sized copies
        largest = int(np.argmax(values == np.fmax.reduce(values)))
    top = float(values[largest])
    if not 0 < top < (LOW_YIELD_KG_HA if harvest else TINY_YIELD_KG_HA):
        return
    if top >= TINY_YIELD_KG_HA:
        warnings.warn(
            f"every standardized yield is below {message_number(LOW_YIELD_KG_HA)} kg/ha (the "
            f"largest: plot {str(plots['plot_id'].iloc[largest])!r} = "
            f"{message_number(top, 1)} kg/ha), a failed crop on every plot: check the units: "
            "are the areas in m2 but read as mu, ha or acres (a header such as 面积(亩) or "
            "harvested_area_mu over square metres), or the masses in kg but read as g?",
            YieldTrialWarning,
            stacklevel=stacklevel + 1,
        )
        return
    warnings.warn(
        f"every standardized yield is below {message_number(TINY_YIELD_KG_HA)} kg/ha (the "
        f"largest: plot {str(plots['plot_id'].iloc[largest])!r} = {message_number(top, 1)} "
        "kg/ha), far below any harvested "
        "crop, and the report rounds such yields to 0.0: check the units: is the mass in mg "
        "but read as kg, or the area in cm2 or mm2 but read as m2?",
        YieldTrialWarning,
        stacklevel=stacklevel + 1,
    )


def crop_implausible_yield_messages(
    plots: pd.DataFrame, yield_kg_ha: pd.Series, *, crop: str, harvest: bool = True
) -> list[str]:
    """Return the texts of :func:`warn_crop_implausible_yields`: none, one or two.

    Two checks against the crop's sourced bounds
    (:func:`yieldtrial.protocols.plausible_yield_kg_ha`):

    * plots above ``high`` (1.5 x the crop's world-record yield) and at most
      :data:`IMPLAUSIBLE_YIELD_KG_HA` (above it :func:`warn_implausible_yields` names
      them already);
    * treatments whose mean yield is above 0 and below ``low`` (a quarter of the lowest
      national average found), unless :func:`warn_tiny_yields` speaks for the whole table
      (every yield below :data:`LOW_YIELD_KG_HA` for yields computed from harvest records,
      below :data:`TINY_YIELD_KG_HA` for given yields): one slip, one warning.  A mean of 0
      is a failed crop, not a unit slip.  Only yields computed from harvest records are
      checked low: a table of given yields may be a textbook's data in other units
      (Montgomery's propellant at 20-40), analysed as yields on purpose, as
      :func:`warn_tiny_yields` decides.

    Parameters
    ----------
    plots : DataFrame
        The plot table (``plot_id``; ``treatment`` for the means, else one mean of all
        plots).
    yield_kg_ha : Series
        Its yields (missing plots NaN). [kg/ha]
    crop : str
        Crop name or alias; crops without a sourced bound get no check on that side.
    harvest : bool, default True
        The yields were computed from harvest records (as for :func:`warn_tiny_yields`);
        given yields get the high check only.

    Returns
    -------
    list of str
        The warning texts, the high one first.
    """
    from yieldtrial.protocols import canonical_crop, plausible_yield_kg_ha

    key = canonical_crop(crop)
    low, high, record, lowest = plausible_yield_kg_ha(key)
    values = pd.to_numeric(yield_kg_ha, errors="coerce").to_numpy(dtype=float)
    texts: list[str] = []
    if high is not None and record is not None and high < IMPLAUSIBLE_YIELD_KG_HA:
        above = (values > high) & (values <= IMPLAUSIBLE_YIELD_KG_HA)
        if above.any():
            ids = plots["plot_id"].to_numpy()[above]
            items = list_items(
                f"plot {str(pid)!r} = {value:,.0f} kg/ha"
                for pid, value in zip(ids, values[above], strict=True)
            )
            texts.append(
                f"standardized yield above {high:,.0f} kg/ha, 1.5 times the world-record {key} "
                f"yield ({record:,.0f} kg/ha): {items}. Check the units: are they kg/ha "
                "yields in a kg/mu column (15 times too high: name the column yield_kg_ha / "
                "公顷产量), the mass in g or jin but read as kg, or the area in mu but read as "
                "m2?"
            )
    finite = np.isfinite(values)
    whole_table = LOW_YIELD_KG_HA if harvest else TINY_YIELD_KG_HA
    tiny = bool(finite.any()) and 0 < np.max(values[finite]) < whole_table
    if harvest and low is not None and lowest is not None and finite.any() and not tiny:
        # the treatments' codes (a categorical's own), not a text copy of 5.9 million labels
        labels: list[object]
        if "treatment" in plots:
            codes, uniques = pd.factorize(plots["treatment"], sort=False)
            labels = list(uniques)
        else:
            codes, labels = np.zeros(len(values), dtype=np.intp), ["all plots"]
        kept = (codes >= 0) & ~np.isnan(values)  # missing plots left out, as a mean skips them
        counts = np.bincount(codes[kept], minlength=len(labels))
        sums = np.bincount(codes[kept], weights=values[kept], minlength=len(labels))
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_of = sums / counts
        low_ones = np.flatnonzero((counts > 0) & (mean_of > 0) & (mean_of < low))
        if low_ones.size:
            items = list_items(
                f"{str(labels[int(i)])!r} = {message_number(float(mean_of[i]), 1)} kg/ha"
                for i in low_ones
            )
            texts.append(
                f"treatment mean standardized yield below {low:,.0f} kg/ha, a quarter of the "
                f"lowest national {key} average found ({lowest:,.0f} kg/ha, FAO data): {items}. "
                "Unless the crop failed, check the units: is the mass in kg but read as g "
                "(or in t), or the area in m2 but read as mu or ha?"
            )
    return texts


def warn_crop_implausible_yields(
    plots: pd.DataFrame,
    yield_kg_ha: pd.Series,
    *,
    crop: str,
    stacklevel: int = 2,
    harvest: bool = True,
) -> None:
    """Warn about yields far outside what the crop can yield (a unit slip).

    See :func:`crop_implausible_yield_messages`; bounds and sources in
    :func:`yieldtrial.protocols.plausible_yield_kg_ha`.

    Parameters
    ----------
    plots : DataFrame
        The plot table (``plot_id``, ``treatment``).
    yield_kg_ha : Series
        Its yields (missing plots NaN). [kg/ha]
    crop : str
        Crop name or alias.
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`, counted from this function.
    harvest : bool, default True
        The yields were computed from harvest records (as for :func:`warn_tiny_yields`).
    """
    for text in crop_implausible_yield_messages(plots, yield_kg_ha, crop=crop, harvest=harvest):
        warnings.warn(text, YieldTrialWarning, stacklevel=stacklevel + 1)


def implausible_yield_items(
    plots: pd.DataFrame, yield_kg_ha: pd.Series, *, limit: int | None = None
) -> tuple[list[str], int]:
    """List the plots :func:`warn_implausible_yields` names, and count them.

    Parameters
    ----------
    plots : DataFrame
        The plot table (for ``plot_id``).
    yield_kg_ha : Series
        Its yields. [kg/ha]
    limit : int, optional
        Format only the first ``limit`` items (all by default).

    Returns
    -------
    items : list of str
        ``"plot 'A1' = 52,000 kg/ha"`` for the first ``limit`` such plots.
    count : int
        Number of such plots.
    """
    high = yield_kg_ha > IMPLAUSIBLE_YIELD_KG_HA
    count = int(high.sum())
    if not count:
        return [], 0
    pids, values = plots.loc[high, "plot_id"], yield_kg_ha[high]
    if limit is not None:
        pids, values = pids.iloc[:limit], values.iloc[:limit]
    items = [
        f"plot {pid!r} = {value:,.0f} kg/ha"
        if value < 1e12
        else f"plot {pid!r} = {value:.3g} kg/ha"
        for pid, value in zip(pids, values, strict=True)
    ]  # 1.32e+305, not a line of 300 digits
    return items, count


def implausible_yield_message(listing: str) -> str:
    """Return the text of :func:`warn_implausible_yields` around a listing of plots."""
    return (
        f"standardized yield above {IMPLAUSIBLE_YIELD_KG_HA:,.0f} kg/ha: "
        f"{listing}. Check the units: is the area in mu or ha but "
        "read as m2 (name the column harvested_area_mu / 面积(亩)), the mass in g or "
        "jin but read as kg, or a decimal comma read as a thousands separator ('15,110' kg "
        "is read as 15110 kg; write 15.11)?"
    )


def yields_table(
    plots: pd.DataFrame,
    yield_kg_ha: pd.Series,
    *,
    unit: str,
    crop: str,
    standard_moisture_pct: float,
    moisture_method: str,
    shrink_pct_per_point: float | None = None,
    provenance: Mapping[str, Any] | None = None,
    standardized_mass_kg: pd.Series | None = None,
) -> pd.DataFrame:
    """Return the plot table with its yields at standard moisture (a new table).

    Parameters
    ----------
    plots : DataFrame
        Validated plot table.
    yield_kg_ha : Series
        Its yields from :func:`plot_yield_kg_ha`. [kg/ha]
    unit : str
        Extra yield unit to add (``"kg/mu"`` adds ``yield_kg_mu``).
    crop, standard_moisture_pct, moisture_method, shrink_pct_per_point
        As for :func:`plot_yield_kg_ha`.
    provenance : mapping, optional
        Stored as ``attrs["provenance"]``.
    standardized_mass_kg : Series, optional
        The plots' :func:`standardized_plot_mass_kg` when already computed (with the
        same settings), so it is not computed again. [kg]

    Returns
    -------
    DataFrame
        The plot columns, then ``standardized_mass_kg`` (clean grain at standard moisture
        [kg]; only when computed from harvest columns), ``standard_moisture_pct`` [%],
        ``moisture_method`` (of yields read as given, the method the table names,
        :func:`table_moisture_method`, else ``"given"``), ``yield_kg_ha`` [kg/ha] and
        ``yield_<unit>``.
    """
    target = yield_unit(unit)
    table = plots.copy(deep=not _COPY_ON_WRITE)  # new columns only
    harvest = has_harvest_columns(plots)
    if harvest:
        if standardized_mass_kg is None:
            standardized_mass_kg = standardized_plot_mass_kg(
                plots,
                standard_moisture_pct=standard_moisture_pct,
                moisture_method=moisture_method,
                shrink_pct_per_point=shrink_pct_per_point,
            )
        table["standardized_mass_kg"] = standardized_mass_kg
    table["standard_moisture_pct"] = constant_number(float(standard_moisture_pct), table.index)
    # yields read as given: the method the table names for them (its moisture_method
    # column, loose56), else "given"
    method = yields_moisture_method(plots, moisture_method)
    table["moisture_method"] = constant_text(method, table.index)
    table["yield_kg_ha"] = yield_kg_ha
    column = yield_column(target)
    if column not in table:
        table[column] = convert_yield(yield_kg_ha, "kg/ha", target, crop=crop)
    table.attrs = {**plots.attrs, "provenance": dict(provenance or {})}
    return table


#: pandas 3 always copies on write: a shallow copy is then as safe as a deep one.
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


#: Plots from which :func:`constant_number` repeats one value instead of a float per plot.
CONSTANT_NUMBER_PLOTS = 1 << 20


def constant_number(value: float, index: pd.Index) -> Any:
    """Return a float column holding ``value`` on every row of ``index``.

    From :data:`CONSTANT_NUMBER_PLOTS` rows, where pandas keeps a Series' numpy array as
    given (pandas 3), a read-only view of the one value repeated
    (:func:`numpy.broadcast_to`): the same values and dtype without 8 bytes a plot (5.9
    million plots: 45 MiB).  Elsewhere ``value`` itself, for pandas to broadcast.

    Parameters
    ----------
    value : float
        The value of every row.
    index : Index
        The rows.

    Returns
    -------
    Series or float
        A float64 Series on ``index``, or ``value``.
    """
    n = len(index)
    if n < CONSTANT_NUMBER_PLOTS or not _COPY_ON_WRITE:
        return value
    return pd.Series(np.broadcast_to(np.float64(value), (n,)), index=index, copy=False)


#: Plots in one piece of a :func:`constant_text` column.
CONSTANT_TEXT_CHUNK = 1 << 16


def constant_text(value: str, index: pd.Index) -> Any:
    """Return a column holding ``value`` on every row of ``index``, as a scalar assigned would.

    Where pandas keeps text in pyarrow (its ``str`` dtype, pandas 3) the column is one
    piece of :data:`CONSTANT_TEXT_CHUNK` copies of ``value`` repeated: the same values and
    dtype without a copy of the text for every plot (5.9 million plots of "wet_basis":
    96 MiB -> 1.5 MiB).  Elsewhere ``value`` itself, for pandas to broadcast.

    Parameters
    ----------
    value : str
        The text of every row.
    index : Index
        The rows.

    Returns
    -------
    ExtensionArray or str
        A ``str`` array of ``len(index)`` rows, or ``value``.
    """
    n = len(index)
    dtype = pd.Series([value]).dtype  # what assigning the scalar would give
    if n <= CONSTANT_TEXT_CHUNK or not (
        isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"
    ):
        return value
    import pyarrow as pa

    piece = _constant_piece(value, CONSTANT_TEXT_CHUNK)
    whole, rest = divmod(n, CONSTANT_TEXT_CHUNK)
    chunks = [piece] * whole + ([piece.slice(0, rest)] if rest else [])
    text_array: Any = dtype.construct_array_type()  # ArrowStringArray
    try:
        array = text_array(pa.chunked_array(chunks), dtype=dtype)
    except (TypeError, ValueError):  # pragma: no cover - another pandas' text array
        return value
    if array.dtype != dtype:  # pragma: no cover - likewise
        return value
    return array


@functools.lru_cache(maxsize=8)
def _constant_piece(value: str, rows: int) -> Any:
    """Return ``rows`` copies of ``value`` as a pyarrow array, built once per value.

    pyarrow arrays are immutable, so every :func:`constant_text` column of the same text
    shares the piece: a streamed table asks for one column per block of about 120,000
    plots, and building the piece from a list of 65,536 strings took about 2 ms each time
    (0.09-0.13 s of CPU over the 5.9 million plots of a 200 MB table).
    """
    import pyarrow as pa

    return pa.array([value] * rows, type=pa.large_string())
