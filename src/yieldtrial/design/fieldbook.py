"""Field-book building blocks shared by the layouts of :mod:`yieldtrial.design`.

Column tuples of a field book, validation of treatment labels and counts, the
seeded random generator, plot numbering (serpentine or not) and the final
assembly of the field-book table. Private: the public names are re-exported by
:mod:`yieldtrial.design`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import (
    is_real_number,
    message_number,
    real_float,
    shown,
    shown_count,
    whole_number,
)

__all__ = [
    "FIELDBOOK_COLUMNS",
    "HARVEST_COLUMNS",
]

#: Empty harvest columns of a field book, in the names :func:`yieldtrial.io.read_plots` reads.
HARVEST_COLUMNS: tuple[str, ...] = (
    "harvested_area_m2",
    "fresh_mass_kg",
    "moisture_pct",
    "impurity_pct",
)

#: Columns of an RCBD field book, in order (CRD and Latin square omit ``block``;
#: split-plot adds the factor and ``main_plot`` columns before the harvest columns).
FIELDBOOK_COLUMNS: tuple[str, ...] = (
    "plot_id",
    "treatment",
    "block",
    "row",
    "column",
    *HARVEST_COLUMNS,
)


# ----------------------------------------------------------------------------- helpers
#: Range of a net plot area [m2] a field book accepts: from a 10 cm x 10 cm micro-plot to
#: 100 ha (an on-farm strip); outside it the number is a typing error (1e-320, 5e9).
PLOT_AREA_RANGE_M2: tuple[float, float] = (0.01, 1_000_000.0)

#: Largest field book a layout function writes (plots), and largest count it accepts.
MAX_PLOTS = 100_000


def check_total(plots: int, design: str) -> None:
    """Refuse a layout with more plots than any field trial has (before allocating it)."""
    if plots > MAX_PLOTS:
        raise DataValidationError(
            f"this {design} layout would have {plots:,} plots; yieldtrial lays out at most "
            f"{MAX_PLOTS:,} plots in one field book. Check the number of treatments and "
            "blocks or replicates"
        )


def _is_na(value: Any) -> bool:
    """Tell whether a scalar is a missing value (NaN, ``pd.NA``, ``NaT``)."""
    return bool(pd.isna(value))


def checked_labels(values: Sequence[object], name: str, *, minimum: int = 2) -> list[str]:
    """Return treatment (or check) labels as distinct texts, refused when fewer than ``minimum``."""
    from collections import Counter

    from yieldtrial.io.validation import normalise_label

    if isinstance(values, str):
        raise DataValidationError(
            f"{name} must be a list of labels, e.g. ['CK1', 'CK2', 'T']; got the text {values!r}."
        )
    zero_d = getattr(values, "ndim", None) == 0  # np.array("CK"): iteration over a 0-d array
    if values is None or isinstance(values, Mapping) or not isinstance(values, Iterable) or zero_d:
        raise DataValidationError(  # None raised TypeError: 'NoneType' object is not iterable
            f"{name} must be a list of labels, e.g. ['CK1', 'CK2', 'T']; got {values!r}."
        )
    values = list(values)
    missing = [v for v in values if v is None or (pd.api.types.is_scalar(v) and _is_na(v))]
    if missing:  # written as "None" / "nan" cells, read back as an empty treatment (stop 39)
        raise DataValidationError(
            f"{name} contains a missing label ({missing[0]!r}); every level needs a name."
        )
    labels = [normalise_label(v) for v in values]
    if len(labels) > MAX_PLOTS:
        raise DataValidationError(f"{name} lists {len(labels):,} levels; at most {MAX_PLOTS:,}.")
    if any(not label for label in labels):
        raise DataValidationError(f"{name} contains an empty label; every level needs a name.")
    from yieldtrial.io.plots import MAX_LABEL_CHARS

    long = [label for label in labels if len(label) > MAX_LABEL_CHARS]
    if long:  # the plot table reader refuses them: the field book could never be analysed
        raise DataValidationError(
            f"{name} holds a label of {len(long[0]):,} characters ({long[0][:40]!r}...); a label "
            f"is a short name of at most {MAX_LABEL_CHARS} characters (put descriptions in "
            "trial.toml [[treatments]])."
        )
    counts = Counter(labels)
    duplicates = sorted(label for label, count in counts.items() if count > 1)
    if duplicates:
        raise DataValidationError(
            f"{name} lists {', '.join(map(repr, duplicates))} more than once; each level once "
            "(the number of replicates is given separately)."
        )
    if len(labels) < minimum:
        raise DataValidationError(
            f"{name} needs at least {minimum} levels; got {len(labels)} ({', '.join(labels)})."
        )
    return labels


def checked_count(value: object, name: str, *, minimum: int = 1) -> int:
    """Return a count argument (blocks, plots per row ...) as an int, refused when not whole."""
    # the rule of planning (power) and settings: 4.0 and np.int64(4) are 4; 4.5 and True no
    count = whole_number(value)
    if count is None or count < minimum:
        raise DataValidationError(f"{name} must be an integer >= {minimum}; got {shown(value)}.")
    if count > MAX_PLOTS:
        raise DataValidationError(
            f"{name} = {shown_count(count)} is more than any field trial has (at most "
            f"{MAX_PLOTS:,})."
        )
    return count


def seeded_rng(seed: object) -> tuple[np.random.Generator, int]:
    """Return the random generator of a layout and its seed (a new seed when ``seed`` is None)."""
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    number = whole_number(seed)  # 42.0 is seed 42, as blocks=4.0 is 4 blocks
    if number is None or number < 0:
        raise DataValidationError(f"seed must be a non-negative integer; got {shown(seed)}.")
    return np.random.default_rng(number), number


def series_base(plots_per_row: int) -> int:
    """Multiplier of the row/block number in plot ids: 100, or 1000 for >= 100 plots."""
    return 10 ** max(2, len(str(plots_per_row)))


def plot_positions(n_in_row: int, row: int, serpentine: bool) -> list[int]:
    """Field column of the 1st, 2nd, ... numbered plot of a field row."""
    forward = list(range(1, n_in_row + 1))
    return forward[::-1] if serpentine and row % 2 == 0 else forward


def checked_plot_area_m2(plot_area_m2: Any, name: str = "plot_area_m2") -> float:
    """Return a field book's net plot area [m2] as a float, or refuse it.

    Parameters
    ----------
    plot_area_m2 : real number
        The net harvested area of one plot [m2].
    name : str, default "plot_area_m2"
        What the message calls it (``--plot-area`` on the command line).

    Returns
    -------
    float
        The area [m2], within ``PLOT_AREA_RANGE_M2``.

    Raises
    ------
    DataValidationError
        If it is not a positive finite number, or not a field plot's area.

    Examples
    --------
    >>> checked_plot_area_m2(20)
    20.0
    """
    area = real_float(plot_area_m2) if is_real_number(plot_area_m2) else float("nan")
    if not 0 < area < float("inf"):  # NaN fails too; 10**400 and Fraction(1, 3) are numbers
        raise DataValidationError(
            f"{name} must be a positive area in m2; got {shown(plot_area_m2)}."
        )
    low, high = PLOT_AREA_RANGE_M2
    if not low <= area <= high:
        raise DataValidationError(
            f"{name} = {message_number(area)} m2 is not a field plot's net area (from "
            f"{message_number(low)} m2 to {high:,.0f} m2); check the number and the unit (m2, "
            "e.g. 20)."
        )
    return area


def finish_field_book(
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    design: dict[str, Any],
    plot_area_m2: float | None,
) -> pd.DataFrame:
    """Return the field book of a layout's plot rows: harvest columns, sorted, design attrs."""
    book = pd.DataFrame(rows)
    for col in HARVEST_COLUMNS:
        book[col] = np.nan
    if plot_area_m2 is not None:
        plot_area_m2 = checked_plot_area_m2(plot_area_m2)  # numpy.float32(20) -> 20.0, attrs too
        if "plot_area_m2" in design:
            design["plot_area_m2"] = plot_area_m2
        book["harvested_area_m2"] = plot_area_m2
    book = book[list(columns)]
    book = book.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    for col in ("row", "column"):
        book[col] = book[col].astype("int64")
    for col in HARVEST_COLUMNS:
        book[col] = book[col].astype("float64")
    design["plot_area_m2"] = plot_area_m2
    book.attrs["design"] = design
    return book
