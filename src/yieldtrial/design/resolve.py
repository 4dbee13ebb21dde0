"""Resolve a trial's design settings against its plot table: design, factors, display order.

:class:`~yieldtrial.trial.FieldTrial` calls these once, at construction, with the settings
it was given; each function checks them against the plot table's columns and returns the
canonical value, or raises a :class:`~yieldtrial.errors.DataValidationError` that names
the missing column and the fix.  :func:`design_columns` reads back which columns carry a
resolved design, for the statistics.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.design.detect import BLOCK_EFFECTS, DESIGNS, TWO_FACTOR_DESIGNS
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io._compat import isin
from yieldtrial.io.checks import check_option
from yieldtrial.io.entry_types import is_check_plot, repeated_treatments
from yieldtrial.io.levels import natural_key
from yieldtrial.io.levels import randomized as _randomized
from yieldtrial.io.validation import as_labels, list_items, not_treatments
from yieldtrial.io.validation import check_shared_positions as _check_positions

__all__ = [
    "CONTROLS_FIRST",
    "augmented_design_of_checks",
    "mark_checks",
    "FACTOR_KEYS",
    "check_design_labels",
    "check_shared_positions",
    "FACTOR_ROLES",
    "design_columns",
    "factor_level_order",
    "resolve_block_effects",
    "resolve_control",
    "resolve_ddf",
    "resolve_design",
    "resolve_factors",
    "site_plots",
    "natural_key",
    "treatment_order",
    "warn_ignored_layout",
    "warn_repeated_entries",
    "warn_single_block",
    "warn_sparse_repeats",
]

#: Whether a trial without a given order moves its control(s) to the front.  False: the
#: display order is the order given (trial.toml), else that of the file, else natural sort
#: for a randomized layout -- the order users expect (issue 16); the control keeps its place.
CONTROLS_FIRST = False

#: The two factors' roles in each two-factor design, in design order (for messages).
FACTOR_ROLES: dict[str, tuple[str, str]] = {
    "split_plot": ("whole-plot", "sub-plot"),
    "strip_plot": ("horizontal", "vertical"),
    "factorial": ("factor A", "factor B"),
}


def resolve_control(
    plots: pd.DataFrame,
    control: Sequence[str],
    present: Sequence[str],
    design: str,
    factors: Sequence[str],
) -> tuple[str, ...]:
    """Check the control(s): treatments, or in a two-factor design the levels of one factor.

    Parameters
    ----------
    plots : DataFrame
        The validated plot table.
    control : sequence of str
        The control label(s) given (empty for none).
    present : sequence of str
        The labels of the ``treatment`` column.
    design : str
        The resolved design.
    factors : sequence of str
        The resolved factor columns (:func:`resolve_factors`).

    Returns
    -------
    tuple of str
        The control labels.

    Raises
    ------
    DataValidationError
        A label that is neither a treatment nor (two-factor designs) a level of a factor;
        the message lists both.  In an augmented design a label that is not a check
        (:func:`yieldtrial.io.validation.check_augmented_control`).

    Examples
    --------
    >>> book = pd.DataFrame({"treatment": ["N0:CK", "N0:V1", "N1:CK", "N1:V1"],
    ...                      "main": ["N0", "N0", "N1", "N1"], "sub": ["CK", "V1", "CK", "V1"]})
    >>> resolve_control(book, ("CK",), list(book["treatment"]), "split_plot", ("main", "sub"))
    ('CK',)
    """
    from yieldtrial.io.entry_types import augmented_checks
    from yieldtrial.io.validation import check_augmented_control, check_control

    labels = tuple(control)
    if labels and design == "augmented":  # a check, never an entry (planted once)
        from yieldtrial.design.detect import check_entry_type_values

        check_entry_type_values(plots)  # "chek" marked no check: the control was blamed
        return check_augmented_control(labels, *augmented_checks(plots))
    if not labels or design not in TWO_FACTOR_DESIGNS or set(labels) <= set(present):
        return check_control(labels, present)
    columns = tuple(factors) if len(factors) == 2 else (*factors, "treatment")
    by_factor = {
        name: [str(v) for v in pd.unique(plots[name].dropna().astype(str))]
        for name in columns
        if name in plots
    }
    for levels in by_factor.values():
        if set(labels) <= set(levels):
            return check_control(labels, levels)
    listing = "; ".join(
        f"{name}: {list_items((repr(v) for v in levels), limit=20)}"
        for name, levels in by_factor.items()
    )
    raise DataValidationError(
        f"control {list_items(repr(c) for c in labels)} {not_treatments(len(labels))} of this "
        f"{design!r} "
        f"trial nor the level(s) of one of its factors ({listing}). Labels are case-sensitive: "
        "pass control= levels of one factor (the means of that factor are compared with it)"
    )


def layout_blocks(plots: pd.DataFrame, design: str) -> pd.DataFrame:
    """Return the plot table whose ``block`` column tells a randomized layout.

    A Latin square has no block column; its rows list the treatments in randomized orders,
    so they stand in for the blocks of :func:`treatment_order`'s rule (the model's level
    order, hence lmerTest's Satterthwaite F ddf, then does not depend on the row order of
    the plot table).  Other designs: the table itself.

    Parameters
    ----------
    plots : DataFrame
        The plot table.
    design : str
        The resolved design.

    Returns
    -------
    DataFrame
        ``plots``, or its ``treatment`` and ``row`` columns with ``row`` named ``block``.
    """
    if design != "latin" or "block" in plots or "row" not in plots:
        return plots
    return pd.DataFrame({"treatment": plots["treatment"], "block": plots["row"]})


def treatment_order(
    present: Sequence[str],
    control: Sequence[str] = (),
    given: Sequence[str] | None = None,
    *,
    plots: pd.DataFrame | None = None,
    controls_first: bool = CONTROLS_FIRST,
) -> tuple[str, ...]:
    """Display order of the treatments.

    The order given (a trial.toml's ``[[treatments]]``), else the order of first
    appearance in the plot table, else natural sort (``T2`` before ``T10``) when that
    order is only the randomization: the blocks list the treatments in different orders.
    The control(s) keep their place in that order unless ``controls_first`` moves them to
    the front.

    Parameters
    ----------
    present : sequence of str
        Treatment labels in order of first appearance in the plot table.
    control : sequence of str
        The control label(s), already checked to be among ``present``.
    given : sequence of str, optional
        An explicit order; it must list each treatment of ``present`` exactly once.
    plots : DataFrame, optional
        The plot table (``treatment`` and ``block`` columns), to tell a randomized layout.
    controls_first : bool, default :data:`CONTROLS_FIRST`
        Put the control(s) first (when no order is given).

    Returns
    -------
    tuple of str
        The display order.

    Raises
    ------
    DataValidationError
        ``given`` misses a treatment, repeats one or names one that is not present.

    Examples
    --------
    >>> treatment_order(["T1", "CK", "T2"], ("CK",))
    ('T1', 'CK', 'T2')
    >>> treatment_order(["T1", "CK", "T2"], ("CK",), controls_first=True)
    ('CK', 'T1', 'T2')
    >>> book = pd.DataFrame({"block": ["1"] * 3 + ["2"] * 3,
    ...                      "treatment": ["T10", "T2", "N0", "T2", "T10", "N0"]})
    >>> treatment_order(["T10", "T2", "N0"], ("N0",), plots=book)
    ('N0', 'T2', 'T10')
    """
    if given:
        order = as_labels(given)
        if sorted(order) != sorted(present):
            raise DataValidationError(
                f"treatment_order must list each treatment exactly once; got {order!r}, "
                f"treatments present: {tuple(present)!r}"
            )
        return order
    order = tuple(present)
    if plots is not None and _randomized(plots):
        order = tuple(sorted(present, key=natural_key))
    if controls_first:
        controls = tuple(control)
        order = controls + tuple(t for t in order if t not in controls)
    return order


def factor_level_order(
    data: pd.DataFrame, column: str, block: str | None = None
) -> tuple[str, ...]:
    """Display order of the levels of a factor column (two-factor designs).

    The rule of :func:`treatment_order` without a given order: first appearance, or
    natural sort (``N60`` before ``N150``) when the blocks list the levels in different
    orders (a randomized layout).

    Examples
    --------
    >>> book = pd.DataFrame({"block": ["1"] * 3 + ["2"] * 3,
    ...                      "n_rate": ["150", "0", "60", "60", "150", "0"]})
    >>> factor_level_order(book, "n_rate", block="block")
    ('0', '60', '150')
    """
    labels = data[column].astype(str)
    present = [str(v) for v in pd.unique(labels)]
    plots = None
    if block is not None and block in data:
        plots = pd.DataFrame({"block": data[block].astype(str), "treatment": labels})
    return treatment_order(present, (), None, plots=plots)


def resolve_design(plots: pd.DataFrame, design: str | None) -> str:
    """Check a declared design against the plot table's columns.

    Parameters
    ----------
    plots : DataFrame
        The validated plot table.
    design : str or None
        One of :data:`~yieldtrial.design.detect.DESIGNS`; None gives "rcbd" when the table
        has a ``block`` column, else "crd".

    Returns
    -------
    str
        The canonical (lower-case) design name.

    Raises
    ------
    DataValidationError
        An unknown design, or one whose columns (block; row and column) are missing.
    """
    if design is None:
        return "rcbd" if "block" in plots else "crd"
    name = check_option("design", str(design).lower(), DESIGNS)
    if name in _BLOCKED and "block" not in plots:
        alternative = ", or use design='crd'" if name == "rcbd" else ""
        renamed = _renamed_away(plots, "block")
        if renamed:
            raise DataValidationError(
                f"design {name!r} needs a block column; the plot table has none because "
                f"{renamed}{alternative}"
            )
        raise DataValidationError(
            f"design {name!r} needs a block column (block, rep, 重复, 区组); the plot table "
            f"has none. Add the block of each plot{alternative}"
        )
    needs = {"alpha": ("incomplete_block",), "row_column": ("row", "column")}.get(name, ())
    absent = [c for c in needs if c not in plots]
    if absent:
        renamed = _renamed_away(plots, absent[0])
        if renamed:
            raise DataValidationError(
                f"design {name!r} needs the column(s) {', '.join(absent)}; the plot table has "
                f"no {absent[0]} column because {renamed}"
            )
        raise DataValidationError(
            f"design {name!r} needs the column(s) {', '.join(absent)} (the position of each "
            "plot within its replicate); the plot table has none. Add them (in Python, rename "
            f"yours: plots.rename(columns={{'<your column>': {absent[0]!r}}})), or name them in "
            "trial.toml ([analysis] incomplete_block / row / column = '<column>')"
        )
    if name == "latin":
        absent = [c for c in ("row", "column") if c not in plots]
        if absent:
            raise DataValidationError(
                f"design 'latin' needs row and column columns (the field position of each "
                f"plot: row/行, column/col/列); the plot table has no {' or '.join(absent)} "
                "column. Add them, or use design='rcbd'"
            )
        _check_latin_layout(plots)
    return name


def _renamed_away(plots: pd.DataFrame, role: str) -> str:
    """Say which header mapping renamed the table's ``role`` column away, and the fix.

    "" when no mapping did.

    ``read_plots`` records each header's new name in ``attrs["column_map"]``; a header
    that reads as ``role`` (``block``, ``rep``, 区组) mapped to another name was renamed
    by the user's ``--column`` / ``[columns]`` / ``columns=`` (header recognition never
    maps a block header elsewhere).  A design that then needs the column names that
    mapping, not only the missing column.
    """
    from yieldtrial.io.headers import recognise_header

    mapping = {str(k): str(v) for k, v in dict(plots.attrs.get("column_map") or {}).items()}
    for header, new in mapping.items():
        if header == new or new == role:
            continue
        if header == role or recognise_header(header)[0] == role:
            return (
                f"a column mapping (--column, [columns] of trial.toml or columns=) renamed "
                f"its column {header!r} to {new!r} ('{header}={new}'). Remove that mapping, "
                f"or map the column to {role} instead (--column '{header}={role}')"
            )
    return ""


def _check_latin_layout(plots: pd.DataFrame) -> None:
    """Refuse ``design='latin'`` for a table that is no t x t Latin square.

    An alpha-lattice field book (12 entries in 6 rows x 4 columns) was analysed and reported
    as a "Latin square"; rows and columns numbered within replicates were taken for the
    rows and columns of one square.  Missing plots may be absent from the table, so the
    rule is: as many rows and columns as treatments, each treatment at most once in each.
    """
    check_shared_positions(plots, "latin")
    used = plots.dropna(subset=["treatment", "row", "column"])
    t = int(used["treatment"].nunique())
    rows, cols = int(used["row"].nunique()), int(used["column"].nunique())
    twice = [axis for axis in ("row", "column") if used.duplicated([axis, "treatment"]).any()]
    if rows == cols == t and not twice:
        return
    why = (
        f"a treatment appears twice in one {' and one '.join(twice)}"
        if twice
        else f"the table has {rows} rows x {cols} columns"
    )
    raise DataValidationError(
        f"design 'latin' needs a Latin square: {t} rows x {t} columns with each of the {t} "
        f"treatments once in every row and column; {why}. Use design 'row_column' (rows and "
        "columns within replicates), 'alpha' or 'rcbd' for this layout"
    )


#: Columns a design's model uses besides block and treatment: every plot needs a label.
_POSITION_COLUMNS: dict[str, tuple[str, ...]] = {
    "alpha": ("incomplete_block",),
    "row_column": ("row", "column"),
    "latin": ("row", "column"),
}


def check_shared_positions(plots: pd.DataFrame, design: str) -> None:
    """Refuse two plots at one row and column of a Latin square or row-column design.

    :func:`yieldtrial.io.validation.check_shared_positions` with the design's columns
    (``row_column``: rows and columns within each ``block``); other designs pass.

    Parameters
    ----------
    plots : DataFrame
        The validated plot table.
    design : str
        The resolved design.

    Raises
    ------
    DataValidationError
        Naming the plots, their position and the fix.
    """
    if design in ("latin", "row_column"):
        block = "block" if design == "row_column" else None
        _check_positions(plots, row="row", column="column", block=block, design=design)


def check_design_labels(plots: pd.DataFrame, design: str) -> None:
    """Refuse a plot without a label in a column its design's model uses.

    Parameters
    ----------
    plots : DataFrame
        The validated plot table (``plot_id`` and the design's columns).
    design : str
        The resolved design.

    Raises
    ------
    DataValidationError
        An empty ``incomplete_block`` (alpha), ``row`` or ``column`` (row-column design,
        Latin square), naming the plots; two plots at one position
        (:func:`check_shared_positions`).
    """
    for column in _POSITION_COLUMNS.get(design, ()):
        if column not in plots:
            continue
        empty = plots[column].isna().to_numpy()
        if empty.any():
            ids = list_items(f"plot {str(i)!r}" for i in plots.loc[empty, "plot_id"])
            raise DataValidationError(
                f"{column} is empty for {ids}; the {design} design's model uses it, so every "
                "plot needs one: fill it in (or delete rows that are not plots)"
            )
    check_shared_positions(plots, design)


def warn_single_block(plots: pd.DataFrame, design: str, *, stacklevel: int = 2) -> None:
    """Warn when an RCBD's block column holds one level while treatments repeat in it.

    Every plot in block '1' with three plots per treatment is most likely a replicate
    column that was never filled in (or copied down): the block effect then has 0 df and
    the analysis is that of a completely randomized design.  One plot per treatment in a
    single block (a one-replicate demonstration) does not warn.

    Parameters
    ----------
    plots : DataFrame
        The validated plot table.
    design : str
        The resolved design.
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`, counted from this function.
    """
    if design != "rcbd" or "block" not in plots:
        return
    blocks = plots["block"].dropna().unique()
    counts = plots["treatment"].value_counts()
    if len(blocks) != 1 or not len(counts) or counts.max() < 2:
        return
    warnings.warn(
        f"block has one level ({str(blocks[0])!r}) for all {len(plots)} plots, while treatments "
        f"have up to {int(counts.max())} plots each: was the block (replicate) of each plot "
        "filled in? With one block the RCBD has no block effect (0 df) and is analysed as a "
        "completely randomized design; fill in the blocks, or give the design as crd",
        YieldTrialWarning,
        stacklevel=stacklevel + 1,
    )


#: Layout columns a declared design leaves out of its model, and the design that uses them:
#: (design, column, what its levels are, the design to name).
_IGNORED_LAYOUT: tuple[tuple[str, str, str, str], ...] = (
    ("crd", "block", "blocks", "rcbd"),
    ("rcbd", "incomplete_block", "incomplete blocks", "alpha"),
)


def warn_ignored_layout(plots: pd.DataFrame, design: str, *, stacklevel: int = 2) -> None:
    """Warn when the declared design leaves a layout column of the table out of its model.

    ``design='crd'`` on a table whose ``block`` column has two or more blocks, or
    ``design='rcbd'`` on an alpha-lattice field book (replicates split into incomplete
    blocks), is analysed as declared; the variation between those blocks then goes into
    the error, so the error is larger and the tests less sensitive than with the design
    that uses them.  Not refused: the simpler analysis may be intended.

    Parameters
    ----------
    plots : DataFrame
        The validated plot table.
    design : str
        The resolved design.
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`, counted from this function.
    """
    for declared, column, what, better in _IGNORED_LAYOUT:
        if design != declared or column not in plots:
            continue
        keys = [c for c in ("block", column) if c in plots]
        n = len(plots[keys].dropna().drop_duplicates())
        within = int(plots["block"].nunique()) if column != "block" else 1
        if n < 2 or n <= within:  # one block; incomplete blocks that are the replicates
            continue
        warnings.warn(
            f"design {design!r} ignores the {column} column ({n} {what}): the variation "
            f"between the {what} goes into the error, so the error is larger and the tests "
            f"less sensitive; design {better!r} would use the {what}",
            YieldTrialWarning,
            stacklevel=stacklevel + 1,
        )


def warn_repeated_entries(
    plots: pd.DataFrame, design: str, controls: Sequence[str], *, stacklevel: int = 2
) -> None:
    """Warn when an entry of a resolvable design appears more than once in one replicate.

    A resolvable design (alpha lattice, resolvable row-column) plants each entry once in
    every replicate; an entry twice in one replicate is most often a mistyped label (the
    entry it replaced is then missing there).  Declared controls (``controls``) and plots
    whose ``entry_type`` says ``check`` may repeat: a check in every incomplete block is
    usual.

    Parameters
    ----------
    plots : DataFrame
        The validated plot table.
    design : str
        The resolved design; other designs than ``"alpha"`` and ``"row_column"`` pass.
    controls : sequence of str
        The trial's controls (checks).
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`, counted from this function.
    """
    names = {"alpha": "alpha", "row_column": "row-column"}
    if design == "augmented":
        warn_sparse_repeats(plots, stacklevel=stacklevel + 1)
        return
    if design not in names or "block" not in plots:
        return
    used = plots.dropna(subset=["block", "treatment"])
    used = used[~isin(used["treatment"].astype(str), [str(c) for c in controls])]
    used = used[~is_check_plot(used)]
    # a table of several sites (analysed site by site) repeats its entries across them
    keys = ["site", "block", "treatment"] if "site" in used else ["block", "treatment"]
    twice = used[used.duplicated(keys, keep=False)]
    if twice.empty:
        return
    found = []
    for key, group in twice.groupby(keys, sort=False):
        block, entry = key[-2], key[-1]
        times = "twice" if len(group) == 2 else f"{len(group)} times"
        ids = ", ".join(repr(str(i)) for i in group["plot_id"])
        found.append(f"{str(entry)!r} {times} in replicate {str(block)!r} (plots {ids})")
    more = f"; and {len(found) - 3} more" if len(found) > 3 else ""
    warnings.warn(
        f"an entry appears more than once in one replicate of the {names[design]} design: "
        f"{'; '.join(found[:3])}{more}. A resolvable design plants each entry once per "
        "replicate: check the treatment labels of these plots against the field book, or "
        "name the entry as a control (--control, [analysis] control) if it is a check "
        "meant to repeat",
        YieldTrialWarning,
        stacklevel=stacklevel + 1,
    )


def warn_sparse_repeats(plots: pd.DataFrame, *, stacklevel: int = 2) -> None:
    """Warn when an augmented trial's rule takes a treatment in few blocks for a check.

    Without an ``entry_type`` column or named checks, the checks of an augmented trial are
    the treatments on more than one plot (:func:`yieldtrial.io.entry_types.augmented_checks`,
    whose rule :func:`~yieldtrial.io.entry_types.repeated_treatments` is the one used here).
    A check is planted in every block; a treatment on more than one plot but in fewer
    blocks than the checks that reach the most blocks is more often an entry label typed
    twice (the entry it replaced then lost), or a replicated (p-rep) entry that the rule
    turns into a check, than a check: say which, and how to say what it is.  Blank yields
    count (the plot is in the field book).  With two blocks an entry typed twice in both
    looks like a check and cannot be told apart.

    Parameters
    ----------
    plots : DataFrame
        The validated plot table of an augmented trial.
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`, counted from this function.
    """
    if "entry_type" in plots or "block" not in plots or "site" in plots:
        return
    used = plots.dropna(subset=["block", "treatment"])
    labels, blocks = used["treatment"].astype(str), used["block"].astype(str)
    n_plots = labels.value_counts(sort=False)
    checks = repeated_treatments(n_plots.index.tolist(), n_plots.to_numpy())
    if not checks:
        return
    repeated = blocks.groupby(labels, sort=False).nunique().reindex(list(checks))
    most = int(repeated.max())
    sparse = repeated[repeated < most]
    if sparse.empty:
        return
    full = list_items([repr(str(t)) for t in repeated[repeated == most].index])
    found = []
    for label in sparse.index[:3]:
        where = list(dict.fromkeys(blocks[labels == label]))
        found.append(f"{label!r} (blocks {', '.join(map(repr, where))})")
    more = f" and {len(sparse) - 3} more" if len(sparse) > 3 else ""
    warnings.warn(
        f"augmented design without an entry_type column: {', '.join(found)}{more} "
        f"{'is' if len(sparse) == 1 else 'are'} on more than one plot but not in all the "
        f"blocks of the checks ({full}: {most} blocks), and analysed as check(s) (the "
        "treatments on more than one plot). If an entry label was typed twice, correct it; "
        "if it is a check or a replicated (p-rep) entry, mark every plot check or entry in "
        "an entry_type column, or name the checks (--checks, [analysis] checks)",
        YieldTrialWarning,
        stacklevel=stacklevel + 1,
    )


def augmented_design_of_checks(design: str | None) -> str:
    """Return the design of a trial whose checks are named: augmented (the default).

    Parameters
    ----------
    design : str or None
        The design given (None: not given).

    Returns
    -------
    str
        ``"augmented"``.

    Raises
    ------
    DataValidationError
        Another design: checks belong to an augmented design.
    """
    if design is None or str(design).strip().lower() == "augmented":
        return "augmented"
    raise DataValidationError(
        f"checks are named, which makes the design augmented, but the design given is "
        f'{design!r}: set design = "augmented" (command line: --design augmented), or '
        "leave the checks out."
    )


def mark_checks(plots: pd.DataFrame, checks: Sequence[str], present: Sequence[str]) -> pd.DataFrame:
    """Return the plots with an ``entry_type`` column marking the named checks (stop 44).

    The checks of an augmented trial named by the user (``FieldTrial(checks=...)``,
    ``--checks``, ``[analysis] checks``) instead of an ``entry_type`` column: the plots of
    the checks are marked ``check``, all others ``entry``, so that every later step reads
    one rule (:func:`yieldtrial.design.detect.check_entry_types`,
    :func:`yieldtrial.io.validation.augmented_checks`).  A table that already has an
    ``entry_type`` column is returned as it is when its checks are the named ones.

    Parameters
    ----------
    plots : DataFrame
        The validated plot table (not modified).
    checks : sequence of str
        The check labels.
    present : sequence of str
        The treatments of the table.

    Returns
    -------
    DataFrame

    Raises
    ------
    DataValidationError
        A check that is not a treatment of the table, or an ``entry_type`` column that
        marks other checks.
    """
    known = set(present)
    unknown = [c for c in checks if c not in known]
    if unknown:
        shown = list_items(repr(t) for t in present)
        raise DataValidationError(
            f"check(s) {list_items(map(repr, unknown), limit=20)} named in checks are not "
            "treatments of "
            f"the plot table (column 'treatment' holds {shown}); name the checks by their "
            "labels in that column."
        )
    named = set(checks)
    labels = plots["treatment"].astype(str)
    if "entry_type" in plots:
        marked = set(labels[is_check_plot(plots)])
        if marked != named:
            raise DataValidationError(
                "the entry_type column marks "
                f"{list_items(map(repr, sorted(marked)), limit=20) or 'no treatment'} as "
                f"check(s), but checks names {list_items(map(repr, checks), limit=20)}; "
                "correct the entry_type "
                "column, or leave the checks out (the column then says which are checks)."
            )
        return plots
    from yieldtrial.design.detect import check_entry_types

    is_check = isin(labels, list(named)).to_numpy()
    book = plots.assign(entry_type=np.where(is_check, "check", "entry"))
    check_entry_types(book, named_checks=checks)  # its messages name checks, not a column
    return book


#: Designs whose plot table needs a ``block`` (replicate) column.
_BLOCKED: tuple[str, ...] = (
    "rcbd",
    "split_plot",
    "strip_plot",
    "alpha",
    "row_column",
    "augmented",
)


def resolve_block_effects(design: str, block_effects: str | None) -> str | None:
    """Check ``block_effects`` (fixed or random blocks) against the design.

    Parameters
    ----------
    design : str
        The resolved design.
    block_effects : str or None
        ``"fixed"``, ``"random"`` or None (the design's default analysis).

    Returns
    -------
    str or None
        The lower-case value.

    Raises
    ------
    DataValidationError
        An unknown value, or one given for a design without blocks (CRD, factorial).

    Examples
    --------
    >>> resolve_block_effects("rcbd", "Random")
    'random'
    """
    if block_effects is None:
        return None
    value = check_option("block_effects", str(block_effects).lower(), BLOCK_EFFECTS)
    if design in ("crd", "factorial"):
        raise DataValidationError(
            "block_effects applies to designs with blocks (rcbd, latin, split_plot, "
            f"strip_plot, alpha, row_column, augmented); this trial's design is {design!r}. "
            "Drop block_effects"
        )
    return value


def resolve_ddf(ddf: str | None) -> str | None:
    """Check the denominator-df method of mixed models (``ddf`` of trial.toml).

    Parameters
    ----------
    ddf : str or None
        ``"satterthwaite"``, ``"kenward-roger"`` or None (the default, Satterthwaite).

    Returns
    -------
    str or None
        The lower-case value.

    Raises
    ------
    DataValidationError
        An unknown value.

    Examples
    --------
    >>> resolve_ddf("Kenward-Roger")
    'kenward-roger'
    """
    if ddf is None:
        return None
    from yieldtrial.stats.mixed import DF_METHODS

    return check_option("ddf", str(ddf).strip().lower(), DF_METHODS)


def resolve_factors(
    plots: pd.DataFrame,
    design: str,
    factors: str | Sequence[str] | None,
    *,
    default: tuple[str, ...] = (),
) -> tuple[str, ...]:
    """Check the factor columns of a two-factor design.

    Parameters
    ----------
    plots : DataFrame
        The validated plot table.
    design : str
        The resolved design.
    factors : str or sequence of str or None
        One or two factor columns in design order; empty for one-factor designs.
    default : tuple of str
        Factor columns found by design detection, used when ``factors`` is empty.

    Returns
    -------
    tuple of str
        The factor column names (empty for one-factor designs).

    Raises
    ------
    DataValidationError
        Factors given for a one-factor design, none or more than two for a two-factor
        design, a column that is not in the plot table, or the same column twice.
    """
    names = _as_read(plots, as_labels(factors) or default)
    if design not in TWO_FACTOR_DESIGNS:
        if names:
            raise DataValidationError(
                f"factors={names!r} applies to the two-factor designs "
                f"({', '.join(TWO_FACTOR_DESIGNS)}); this trial's design is {design!r}. Pass "
                "design='split_plot', 'strip_plot' or 'factorial', or drop factors"
            )
        return ()
    roles = FACTOR_ROLES[design]
    if not 1 <= len(names) <= 2:
        raise DataValidationError(
            f"design {design!r} needs factors=(<{roles[0]} column>, <{roles[1]} column>), or "
            f"factors=(<{roles[0]} column>,) with the treatment column as the {roles[1]} "
            f"factor; got factors={names!r}"
        )
    columns = names if len(names) == 2 else (names[0], "treatment")
    absent = [(role, c) for role, c in zip(roles, columns, strict=True) if c not in plots]
    if absent:
        raise DataValidationError(_absent_factor_message(plots, design, absent))
    if columns[0] == columns[1] or "block" in columns:
        raise DataValidationError(
            f"the two factors of a {design!r} must be two different columns other than "
            f"block; got {columns!r}"
        )
    nested = _nested_factor_message(plots, design, columns)
    if nested:
        raise DataValidationError(nested)
    if design == "split_plot":
        split = _whole_plot_factor_message(plots, columns)
        if split:
            raise DataValidationError(split)
    if design == "strip_plot":
        crossed = _strip_layout_message(plots, columns)
        if crossed:
            raise DataValidationError(crossed)
    return names


def _as_read(plots: pd.DataFrame, names: tuple[str, ...]) -> tuple[str, ...]:
    """Name each factor as the plot table was read: a header renamed on reading by its new name.

    A ``variety`` header is read as the ``treatment`` column when the table has no
    ``treatment`` header (``attrs["column_map"]`` of :func:`yieldtrial.io.read_plots`), so
    ``--factors nitrogen,variety`` means ``nitrogen,treatment``.
    """
    renamed = plots.attrs.get("column_map", {}) if isinstance(plots, pd.DataFrame) else {}
    if not isinstance(renamed, dict):
        return names
    out = []
    for name in names:
        new = renamed.get(name) if name not in plots else None
        out.append(new if isinstance(new, str) and new in plots else name)
    return tuple(out)


def _strip_layout_message(plots: pd.DataFrame, columns: Sequence[str]) -> str:
    """Describe a strip-plot analysis asked of plots not laid out in crossing strips.

    In a strip plot each level of one factor fills one row of its block and each level of
    the other one column (or the other way round), the strips crossing.  The positions
    (``row``, ``column``) of a split-plot field book show the sub-plot levels randomized
    within each main plot instead: a level in several columns and several rows of a
    block.  Without complete positions nothing can be told and nothing is said.
    """
    needed = ["block", "row", "column", *columns]
    if not set(needed) <= set(plots.columns):
        return ""
    frame = plots[list(dict.fromkeys(needed))]
    if frame.isna().to_numpy().any():
        return ""
    frame = frame.astype(str)

    def one_strip(factor: str, axis: str) -> bool:
        return bool(frame.groupby(["block", factor], sort=False)[axis].nunique().max() <= 1)

    first, second = columns
    if (one_strip(first, "row") and one_strip(second, "column")) or (
        one_strip(first, "column") and one_strip(second, "row")
    ):
        return ""
    spread = frame.groupby(["block", second], sort=False)[["row", "column"]].nunique()
    many = spread[(spread["row"] > 1) & (spread["column"] > 1)]
    if many.empty:
        many = spread[(spread["row"] > 1) | (spread["column"] > 1)]
    block, level = many.index[0]
    inside = frame.loc[(frame["block"] == block) & (frame[second] == level)]
    cols = sorted(set(inside["column"]), key=natural_key)
    rows = sorted(set(inside["row"]), key=natural_key)
    return (
        f"design 'strip_plot' needs each level of {first!r} in one strip (row) of its block "
        f"and each level of {second!r} in one strip (column) crossing them, or the other way "
        f"round; but in block {block!r} {second!r} = {level!r} lies in rows "
        f"{', '.join(rows)} and columns {', '.join(cols)}: the plots are not laid out in "
        f"strips (a split-plot field book randomizes the sub-plot levels within each main "
        f'plot). Analyse it as a split plot: design = "split_plot" (--design split_plot) with '
        f"the whole-plot factor first in "
        f"{_where_to_name('split_plot', ('<whole-plot column>', '<sub-plot column>'))}"
    )


def _whole_plot_factor_message(plots: pd.DataFrame, columns: Sequence[str]) -> str:
    """Describe a whole-plot factor that changes within a main plot (``main_plot`` column).

    The field book of ``yieldtrial design split_plot`` names each plot's main plot; the
    whole-plot factor is one level on all of it.  Factors given the wrong way round
    (``--factors sub,main``) would otherwise be analysed with the wrong error terms.
    """
    if "main_plot" not in plots or "block" not in plots:
        return ""
    frame = plots[list(dict.fromkeys(["block", "main_plot", *columns]))].dropna()
    if frame.empty:
        return ""
    frame = frame.astype(str)
    if "main_plot" in columns and frame.groupby("main_plot")["block"].nunique().max() <= 1:
        # the field book's main-plot ids ('1-1' in block 1 only): an identifier, no factor
        first = frame.iloc[0]
        return (
            f"the factor column 'main_plot' names the main plots (each label in one block "
            f"only, e.g. {first['main_plot']!r} in block {first['block']!r}), not a whole-plot "
            f"treatment; name the column of the whole-plot levels instead, whole plot first "
            f"in {_where_to_name('split_plot', ('<whole-plot column>', '<sub-plot column>'))}"
        )
    keys = [frame["block"], frame["main_plot"]]
    levels = frame.groupby(keys, sort=False)[columns[0]].nunique()
    if levels.max() <= 1:
        return ""
    block, main_plot = levels.index[levels.to_numpy() > 1][0]
    inside = frame.loc[(frame["block"] == block) & (frame["main_plot"] == main_plot)]
    shown = ", ".join(repr(v) for v in sorted(set(inside[columns[0]]), key=natural_key)[:3])
    where = (
        f"the whole-plot factor column {columns[0]!r} changes within main plot "
        f"{main_plot!r} of block {block!r} ({shown}), but a whole-plot level covers its "
        "whole main plot"
    )
    if frame.groupby(keys, sort=False)[columns[1]].nunique().max() <= 1:
        return (
            f"{where}; {columns[1]!r} is the one constant on every main plot: the factors "
            f"are given the wrong way round, name them whole plot first in "
            f"{_where_to_name('split_plot', (columns[1], columns[0]))}"
        )
    return (
        f"{where}; check the main_plot column and the factor columns (whole plot first in "
        f"{_where_to_name('split_plot', columns)})"
    )


#: The trial.toml [analysis] keys naming the factor columns by role (as in
#: :data:`yieldtrial.config.FACTOR_ROLES`, which this stage cannot import).
FACTOR_KEYS: dict[str, tuple[str, str]] = {
    "split_plot": ("whole_plot", "sub_plot"),
    "strip_plot": ("horizontal", "vertical"),
    "factorial": ("factor_a", "factor_b"),
}
#: Separators of treatment labels that hold both factors of a two-factor design (N1-V2).
_COMBINED_LABEL = re.compile(r"^(.+?)\s*([-:_/×*+ ])\s*(.+)$")


def _where_to_name(design: str, columns: Sequence[str]) -> str:
    """Where the factor columns are named: trial.toml role keys, --factors, factors=."""
    keys = FACTOR_KEYS[design]
    toml = ", ".join(f'{key} = "{column}"' for key, column in zip(keys, columns, strict=True))
    return (
        f"trial.toml [analysis] ({toml}), --factors {','.join(columns)} or "
        f"factors={tuple(columns)!r}"
    )


def _combined_labels(labels: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """Split labels that each join two factor levels with one separator (``N1-V2``), else None."""
    parts = [_COMBINED_LABEL.match(label) for label in labels]
    if not parts or any(part is None for part in parts):
        return None
    separators = {part.group(2) for part in parts if part is not None}
    if len(separators) != 1:
        return None
    first = [part.group(1) for part in parts if part is not None]
    second = [part.group(3) for part in parts if part is not None]
    if len(set(first)) < 2 or len(set(second)) < 2:
        return None
    return first, second


def _absent_factor_message(
    plots: pd.DataFrame, design: str, absent: Sequence[tuple[str, str]]
) -> str:
    """Name the factor columns missing from the table, and combined treatment labels."""
    roles = FACTOR_ROLES[design]
    keys = FACTOR_KEYS[design]
    named = "; ".join(
        f"the {role} factor column {column!r} ({keys[roles.index(role)]} in trial.toml) is not "
        "in the plot table"
        for role, column in absent
    )
    message = f"{named} (columns: {', '.join(map(str, plots.columns))})"
    labels = []
    if "treatment" in plots:
        labels = sorted({str(label) for label in plots["treatment"].dropna()}, key=natural_key)
    combined = _combined_labels(labels)
    if combined:
        first, second = combined
        shown = list_items([repr(label) for label in labels], limit=3, total=len(labels))
        return (
            f"{message}. The treatment labels ({shown}) hold both factors in one column: add "
            f"a column with each plot's {roles[0]} level ({first[0]} of "
            f"{labels[0]!r}) and one with its {roles[1]} level ({second[0]}), and name "
            f"them in trial.toml [analysis] ({keys[0]} = ..., {keys[1]} = ...), --factors or "
            "factors="
        )
    return (
        f"{message}. Name the columns holding the {roles[0]} and {roles[1]} levels in "
        f"trial.toml [analysis] ({keys[0]} = ..., {keys[1]} = ...; or factors = [...]), "
        "--factors or factors="
    )


def _nested_factor_message(plots: pd.DataFrame, design: str, columns: Sequence[str]) -> str:
    """Describe a factor whose every level occurs under one level of the other factor.

    A treatment column whose labels hold both factors (``N1:V2``) named as the sub-plot
    factor next to a whole-plot column (``N1``) is nested in it: no sub-plot level is
    shared by two whole-plot levels, and the statistics could only say that the
    factor's means are not estimable.
    """
    roles = FACTOR_ROLES[design]
    frame = plots[list(columns)].dropna().astype(str)
    for inner, outer in ((1, 0), (0, 1)):
        inner_col, outer_col = columns[inner], columns[outer]
        under = frame.groupby(inner_col, sort=False)[outer_col].nunique()
        outer_levels = frame[outer_col].nunique()
        if outer_levels < 2 or frame[inner_col].nunique() <= outer_levels or (under > 1).any():
            continue
        label = str(under.index[0])
        level = frame.loc[frame[inner_col] == label, outer_col].iloc[0]
        fix = [*columns]
        candidates = [
            str(column)
            for column in plots.columns
            if column not in (*columns, "block", "plot_id")
            and _splits(frame, plots[column], inner_col, outer_col)
        ]
        fix[inner] = candidates[0] if candidates else "<column>"
        found = (
            f"the column {candidates[0]!r} holds the {roles[inner]} levels alone"
            if candidates
            else f"add a column with each plot's {roles[inner]} level alone"
        )
        return (
            f"the {roles[inner]} factor column {inner_col!r} has each of its labels under one "
            f"{roles[outer]} level of {outer_col!r} only ({label!r} only with {level!r}): "
            f"its labels combine both factors, so the {roles[inner]} means cannot be "
            f"estimated. {found[0].upper()}{found[1:]}: name it in "
            f"{_where_to_name(design, fix)}"
        )
    return ""


def _splits(frame: pd.DataFrame, candidate: pd.Series, inner: str, outer: str) -> bool:
    """Whether ``candidate`` with ``outer`` tells ``inner`` apart, crossed with ``outer``."""
    values = candidate.reindex(frame.index)
    if values.isna().any():
        return False
    pairs = pd.DataFrame(
        {"outer": frame[outer], "other": values.astype(str), "inner": frame[inner]}
    )
    if pairs["other"].nunique() < 2:
        return False
    one_each = pairs.groupby(["outer", "other"])["inner"].nunique().max() == 1
    crossed = pairs.groupby("other")["outer"].nunique().min() > 1
    return bool(one_each and crossed)


def design_columns(
    design: str,
    factors: Sequence[str],
    *,
    has_blocks: bool,
    block_effects: str | None = None,
    ddf: str | None = None,
) -> dict[str, Any]:
    """Columns of the plot table that carry a resolved design.

    Parameters
    ----------
    design : str
        The resolved design.
    factors : sequence of str
        The resolved factor columns (see :func:`resolve_factors`).
    has_blocks : bool
        Whether the plot table has a ``block`` column (a factorial uses it when present).
    block_effects : str or None
        ``"fixed"``, ``"random"`` or None (see :func:`resolve_block_effects`).
    ddf : str or None
        Denominator df method of a mixed model (see :func:`resolve_ddf`).

    Returns
    -------
    dict
        ``design``; ``block`` (column name or None); ``row`` and ``column`` (Latin
        square and row-column design, else None); ``incomplete_block`` (alpha design,
        else None); ``factors`` (the two treatment-factor columns of a two-factor
        design in design order, ``treatment`` filling in when one name was given; else
        ``("treatment",)``); ``block_effects``; ``ddf``.

    Examples
    --------
    >>> design_columns("split_plot", ("tillage",), has_blocks=True)["factors"]
    ('tillage', 'treatment')
    """
    if design in TWO_FACTOR_DESIGNS:
        names = tuple(factors)
        columns: tuple[str, ...] = names if len(names) == 2 else (names[0], "treatment")
    else:
        columns = ("treatment",)
    uses_block = design in _BLOCKED or (design == "factorial" and has_blocks)
    rows = design in ("latin", "row_column")
    return {
        "design": design,
        "block": "block" if uses_block else None,
        "row": "row" if rows else None,
        "column": "column" if rows else None,
        "incomplete_block": "incomplete_block" if design == "alpha" else None,
        "factors": columns,
        "block_effects": block_effects,
        "ddf": ddf,
    }


def site_plots(
    plots: pd.DataFrame, name: Any, *, control: Sequence[str] = ()
) -> tuple[str, pd.DataFrame]:
    """Select the plots of one site of a multi-site plot table.

    Parameters
    ----------
    plots : DataFrame
        Validated plot table with a ``site`` column.
    name : str or number
        A site label (numbers are compared as text).
    control : sequence of str
        The control(s), which must have a plot at that site.

    Returns
    -------
    (str, DataFrame)
        The site label as text, and a copy of its rows.

    Raises
    ------
    DataValidationError
        No ``site`` column, an unknown site, or a control with no plot at that site.
    """
    if "site" not in plots:
        raise DataValidationError(
            "the plot table has no site column; site() selects one site of a multi-site table"
        )
    sites = tuple(dict.fromkeys(str(v) for v in plots["site"]))
    labels = as_labels(name)
    if len(labels) != 1:  # None, [] or two sites: labels[0] was an IndexError
        raise DataValidationError(
            f"site() selects one site by its label, e.g. site({sites[0]!r}); got {name!r}"
        )
    label = labels[0]
    if label not in sites:
        raise DataValidationError(
            f"site {label!r} is not in the plot table; sites present: "
            f"{list_items((repr(s) for s in sites), limit=20)}"
        )
    rows = plots.loc[plots["site"].astype(str) == label].copy()
    present = {str(t) for t in rows["treatment"]}
    absent = [c for c in control if c not in present]
    if absent:
        raise DataValidationError(
            f"control {', '.join(map(repr, absent))} has no plot at site {label!r} "
            f"(treatments there: {', '.join(sorted(present))}); pick another site or set "
            "another control with trial.replace(control=...) first"
        )
    return label, rows
