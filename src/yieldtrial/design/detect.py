"""Design detection: which design a plot table was laid out in, and the design names.

A field book written by :mod:`yieldtrial.design.layouts` carries its layout in its columns
(``main_plot`` and ``A:B`` labels for a split plot; ``row`` and ``column`` forming a t x t
square for a Latin square).  :func:`detect_design` reads it back so that a field book fed to
``yieldtrial report`` is analysed in the design it was laid out in.

The design names live here, below :mod:`yieldtrial.trial` and :mod:`yieldtrial.config`, which
both use them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io._compat import isin
from yieldtrial.io.entry_types import entry_kinds

__all__ = [
    "BLOCK_EFFECTS",
    "DESIGNS",
    "MIXED_MODEL_DESIGNS",
    "TWO_FACTOR_DESIGNS",
    "detect_design",
    "detect_split_plot",
    "is_latin_square",
]

#: Designs a trial can declare.  ``None`` at construction means "rcbd" when the plot
#: table has a ``block`` column and "crd" otherwise.  "latin" needs ``row`` and
#: ``column`` columns; the two-factor designs name their factor columns in ``factors``;
#: "alpha" (resolvable incomplete blocks) needs ``block`` (replicate) and
#: ``incomplete_block``, "row_column" ``block``, ``row`` and ``column`` (within replicate),
#: "augmented" (repeated checks, unreplicated entries) ``block``.
DESIGNS: tuple[str, ...] = (
    "crd",
    "rcbd",
    "latin",
    "split_plot",
    "strip_plot",
    "factorial",
    "alpha",
    "row_column",
    "augmented",
)

#: Designs always analysed as mixed models by REML (incomplete blocks random).
MIXED_MODEL_DESIGNS: tuple[str, ...] = ("alpha", "row_column")

#: How complete blocks (replicates) enter the model: ``FieldTrial.block_effects``,
#: ``block_effects`` in trial.toml.
BLOCK_EFFECTS: tuple[str, ...] = ("fixed", "random")

#: Designs whose treatments are two crossed factors, named by ``FieldTrial.factors``.
TWO_FACTOR_DESIGNS: tuple[str, ...] = ("split_plot", "strip_plot", "factorial")


def _text_labels(plots: pd.DataFrame, column: str) -> pd.Series | None:
    values = plots[column]
    if values.isna().any() or pd.api.types.is_float_dtype(values):
        return None
    return values.astype(str)


def detect_split_plot(plots: pd.DataFrame) -> tuple[str, str] | None:
    """Factor columns of a :func:`yieldtrial.design.split_plot` field book, or None.

    Such a book has ``block`` and ``main_plot`` columns and two factor columns whose levels
    make the treatment label ``"<whole-plot level>:<sub-plot level>"``; the whole-plot
    factor is constant within each main plot.
    """
    if "block" not in plots or "main_plot" not in plots:
        return None
    reserved = {"plot_id", "treatment", "block", "row", "column", "main_plot"}
    candidates = {}
    for name in plots.columns:
        if str(name) in reserved:
            continue
        labels = _text_labels(plots, str(name))
        if labels is not None:
            candidates[str(name)] = labels
    treatment = plots["treatment"].astype(str)
    main_plot = plots["block"].astype(str) + "\x00" + plots["main_plot"].astype(str)
    for whole, whole_labels in candidates.items():
        if whole_labels.groupby(main_plot).nunique().max() != 1:
            continue
        for sub, sub_labels in candidates.items():
            if sub != whole and (whole_labels + ":" + sub_labels).equals(treatment):
                return whole, sub
    return None


def is_latin_square(plots: pd.DataFrame) -> bool:
    """Tell whether row x column is a t x t square with each treatment once per row and column."""
    if "block" in plots or "row" not in plots or "column" not in plots:
        return False
    if plots[["treatment", "row", "column"]].isna().any().any():
        return False
    t = plots["treatment"].nunique()
    if t < 2 or len(plots) != t * t:
        return False
    if plots["row"].nunique() != t or plots["column"].nunique() != t:
        return False
    if plots.duplicated(["row", "column"]).any():
        return False
    return all(
        (plots.groupby(axis)["treatment"].nunique() == t).all() for axis in ("row", "column")
    )


def check_entry_type_values(plots: pd.DataFrame) -> None:
    """Refuse an ``entry_type`` that is neither ``check`` nor ``entry`` (case and blanks aside).

    Checked before a control is matched to the checks: a misspelt column (``chek``) marks
    no check, and the control was blamed ("'CK1' is an entry ..., the checks are :").

    Parameters
    ----------
    plots : DataFrame
        Plot table, optionally with ``treatment`` and ``entry_type`` columns.

    Raises
    ------
    DataValidationError
        Naming the first odd value, its treatment and plot.
    """
    if "treatment" not in plots or "entry_type" not in plots:
        return
    kind = entry_kinds(plots)
    odd = kind.notna() & ~isin(kind, ["check", "entry"])
    if odd.any():
        first = int(np.flatnonzero(odd.to_numpy())[0])
        value = plots["entry_type"].iloc[first]
        label = str(plots["treatment"].iloc[first])
        plot = f" (plot {str(plots['plot_id'].iloc[first])!r})" if "plot_id" in plots else ""
        raise DataValidationError(
            f"entry_type of treatment {label!r}{plot} is {value!r}; an "
            "augmented field book marks each plot 'check' or 'entry': correct it (or remove "
            "the entry_type column)."
        )


def check_entry_types(plots: pd.DataFrame, *, named_checks: Sequence[str] = ()) -> None:
    """Check an augmented field book's ``entry_type`` column against its treatments.

    The analysis takes the checks to be the treatments marked ``check``.  A field book
    edited after ``yieldtrial design augmented`` can contradict its ``entry_type`` column: a
    typing error (``chek``) made the layout an RCBD without a word.  An entry may have one
    plot, or two in different blocks: a partially replicated (p-rep) augmented trial
    (Cullis et al. 2006) repeats the checks in every block and plants a share of the entries
    twice; the replicated entries are analysed as entries (stop 44).  An entry on three or
    more plots, or twice in one block, is taken for a labelling error.

    Parameters
    ----------
    plots : DataFrame
        Plot table with ``treatment`` and ``entry_type`` columns.
    named_checks : sequence of str, optional
        The checks the user named (``--checks``, ``[analysis] checks``) when the
        ``entry_type`` column was made from them: the messages then say "named in checks"
        and "not named in checks", not "marked ... in entry_type" (a table without that
        column was blamed for it).

    Raises
    ------
    DataValidationError
        If an ``entry_type`` is neither ``check`` nor ``entry``, or a treatment is marked
        both ways, or one marked ``check`` has one plot, or one marked ``entry`` more than
        two, or two in the same block.
    """
    if "treatment" not in plots or "entry_type" not in plots:
        return
    check_entry_type_values(plots)
    kind = entry_kinds(plots)
    where = plots["treatment"].astype(str)
    counts = where.value_counts()
    # the first treatment (in order of appearance) that breaks a rule, found vectorised (the
    # per-treatment loop cost 0.9 s on 10,000 entries); its message from the same rules
    grouped = kind.groupby(where, sort=False)
    n_marks = grouped.nunique()
    first_mark = grouped.first()
    n_plots = counts.reindex(n_marks.index)
    single = n_marks == 1
    same_block = pd.Series(False, index=n_marks.index)
    if "block" in plots:  # an entry's two plots (p-rep) lie in two different blocks
        blocks = plots["block"].astype(str).groupby(where, sort=False).nunique()
        same_block = (n_plots == 2) & (blocks.reindex(n_marks.index) < 2)
    bad = (
        (n_marks > 1)
        | (single & (first_mark == "check") & (n_plots < 2))
        | (single & (first_mark == "entry") & ((n_plots > 2) | same_block))
    ).fillna(False)
    if not bad.any():
        return
    label = n_marks.index[int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])]
    n = int(counts[label])
    rows = np.flatnonzero((where == label).to_numpy())
    ids = plots["plot_id"].iloc[rows] if "plot_id" in plots else pd.Series(rows + 1)
    shown = repr if "plot_id" in plots else str
    plots_named = ", ".join(shown(str(v)) for v in ids.tolist()[:5])
    plots_named += ", ..." if n > 5 else ""
    kind_of = "plots" if "plot_id" in plots else "rows"
    if n_marks[label] > 1:
        raise DataValidationError(
            f"treatment {label!r} is marked both 'check' and 'entry' in entry_type; mark "
            "every plot of a treatment the same way."
        )
    if named_checks:
        block = str(plots["block"].iloc[rows[0]]) if "block" in plots else ""
        _refuse_named_checks(label, first_mark[label] == "check", n, block, named_checks)
    if first_mark[label] == "check":
        raise DataValidationError(
            f"treatment {label!r} is marked 'check' in entry_type but has 1 plot; a check "
            "is repeated in every block: mark it 'entry', or add its plots."
        )
    if n == 2:
        block = str(plots["block"].iloc[rows[0]])
        raise DataValidationError(
            f"treatment {label!r} is marked 'entry' in entry_type but has both its plots "
            f"({kind_of} {plots_named}) in block {block!r}; a replicated entry of a p-rep "
            "trial has its two plots in different blocks: correct the block or the "
            "treatment label of one of them."
        )
    raise DataValidationError(
        f"treatment {label!r} is marked 'entry' in entry_type but has {n} plots "
        f"({kind_of} {plots_named}); an entry has one plot, or two in different blocks "
        "(a p-rep trial): mark it 'check' if it is repeated on purpose, or correct the "
        "treatment labels."
    )


def _refuse_named_checks(
    label: str, is_check: bool, n: int, block: str, checks: Sequence[str]
) -> None:
    """Raise the error of :func:`check_entry_types` for checks the user named."""
    named = ", ".join(map(repr, checks[:5])) + (
        f" and {len(checks) - 5} more" if len(checks) > 5 else ""
    )
    if is_check:
        raise DataValidationError(
            f"treatment {label!r} is named in checks ({named}) but has {n} plot"
            f"{'s' if n != 1 else ''}; a check is repeated in every block: name only the "
            "treatments repeated in every block as checks."
        )
    where = f"both its plots in block {block!r}" if n == 2 else f"{n} plots"
    raise DataValidationError(
        f"treatment {label!r} is not named in checks ({named}) but has {where}, so it is "
        "no entry (an entry has one plot, or two in different blocks: a p-rep trial); add it "
        "to the checks if it is repeated in every block, or correct the treatment labels."
    )


def detect_design(plots: pd.DataFrame) -> tuple[str, tuple[str, ...], str] | None:
    """Design implied by a field book's layout columns, or None.

    Split plot (``main_plot`` and ``A:B`` treatment labels), alpha design (``block`` and
    ``incomplete_block`` columns), augmented design (an ``entry_type`` column of ``check``
    and ``entry``, and a ``block`` column) or Latin square (see :func:`is_latin_square`).
    """
    if "block" in plots and "incomplete_block" in plots:
        return "alpha", (), "alpha design: incomplete_block column within block (replicate)"
    if "block" in plots and "entry_type" in plots:
        kinds = set(entry_kinds(plots).dropna())
        if {"check", "entry"} <= kinds:
            check_entry_types(plots)
            return "augmented", (), "augmented design: entry_type column (check / entry)"
    factors = detect_split_plot(plots)
    if factors is not None:
        return (
            "split_plot",
            factors,
            f"split-plot: main_plot column, whole-plot factor {factors[0]}, "
            f"sub-plot factor {factors[1]}",
        )
    if is_latin_square(plots):
        t = plots["treatment"].nunique()
        return "latin", (), f"Latin square: {t} rows x {t} columns, no block"
    return None
