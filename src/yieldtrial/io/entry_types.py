"""Which treatments of an augmented trial are checks: the one rule every stage uses.

An ``entry_type`` column names them (``check`` / ``entry``, case and surrounding blanks
ignored); without one, the checks are the treatments with more than one plot, which is how
:func:`yieldtrial.stats.augmented.augmented_anova` infers them (``checks=None``).  The
validation of a control (:mod:`yieldtrial.io.validation`), the analysis
(:mod:`yieldtrial.stats`), the field maps (:mod:`yieldtrial.design.maps`) and the report
all ask this module, so a field book is never read one way by the analysis and another way
by its map or its data section.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "CHECK",
    "augmented_checks",
    "entry_kinds",
    "is_check_plot",
    "marked_checks",
    "repeated_treatments",
]

#: The ``entry_type`` value of a check (compared after ``strip().lower()``).
CHECK = "check"


def entry_kinds(plots: pd.DataFrame) -> pd.Series:
    """Return each plot's ``entry_type`` as compared: stripped, lower case, blanks ``<NA>``.

    Parameters
    ----------
    plots : DataFrame
        Plot table with an ``entry_type`` column.

    Returns
    -------
    Series of string dtype
        Same index as ``plots``.

    Examples
    --------
    >>> entry_kinds(pd.DataFrame({"entry_type": [" Check", "ENTRY", None]})).tolist()
    ['check', 'entry', <NA>]
    """
    return plots["entry_type"].astype("string").str.strip().str.lower()


def is_check_plot(plots: pd.DataFrame) -> np.ndarray:
    """Return whether each plot's ``entry_type`` marks it a check (all False without one).

    Parameters
    ----------
    plots : DataFrame
        Plot table, optionally with an ``entry_type`` column.

    Returns
    -------
    ndarray of bool
        One value per row of ``plots``.

    Examples
    --------
    >>> is_check_plot(pd.DataFrame({"entry_type": [" Check", "entry", None]})).tolist()
    [True, False, False]
    """
    if "entry_type" not in plots.columns:
        return np.zeros(len(plots), dtype=bool)
    return (entry_kinds(plots) == CHECK).fillna(False).to_numpy(dtype=bool)


def marked_checks(plots: pd.DataFrame) -> list[str] | None:
    """Return the treatments an ``entry_type`` column marks ``check``, else ``None``.

    Parameters
    ----------
    plots : DataFrame
        Plot table with a ``treatment`` column and optionally ``entry_type``.

    Returns
    -------
    list of str or None
        The marked treatments in order of first appearance; ``None`` when the table has no
        ``entry_type`` (or no ``treatment``) column.

    Examples
    --------
    >>> book = pd.DataFrame({"treatment": ["CK", "E1"], "entry_type": [" Check", "entry"]})
    >>> marked_checks(book)
    ['CK']
    """
    if "entry_type" not in plots.columns or "treatment" not in plots.columns:
        return None
    labels = plots["treatment"].astype(str).to_numpy()
    return list(dict.fromkeys(labels[is_check_plot(plots)]))


def repeated_treatments(
    treatments: Sequence[Any], n_plots: Sequence[float] | np.ndarray
) -> tuple[str, ...]:
    """Return the treatments with more than one plot: the checks when none are named.

    :func:`yieldtrial.stats.augmented.default_checks` is this function (the rule of
    :func:`~yieldtrial.stats.augmented.augmented_anova` with ``checks=None``).

    Parameters
    ----------
    treatments : sequence
        Treatment labels, each once.
    n_plots : sequence of float
        Number of observed plots of each treatment (same order). [-]

    Returns
    -------
    tuple of str
        The labels with more than one plot, in the order given.

    Examples
    --------
    >>> repeated_treatments(["CK", "E1", "E2"], [3, 1, 1])
    ('CK',)
    """
    counts = np.asarray(n_plots, dtype=float)
    return tuple(str(t) for t, k in zip(treatments, counts, strict=True) if k > 1)


def augmented_checks(plots: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Return the checks and entries of an augmented trial's plot table.

    The checks are the treatments marked ``check`` in an ``entry_type`` column
    (:func:`marked_checks`), else (no such column) the treatments with more than one plot
    (:func:`repeated_treatments`); the entries are the other treatments.  Both in order of
    first appearance.

    Parameters
    ----------
    plots : DataFrame
        Plot table with a ``treatment`` column (and optionally ``entry_type``).

    Returns
    -------
    checks, entries : list of str

    Examples
    --------
    >>> book = pd.DataFrame({"treatment": ["CK", "E1", "CK", "E2"]})
    >>> augmented_checks(book)
    (['CK'], ['E1', 'E2'])
    """
    labels = plots["treatment"].astype(str)
    checks = marked_checks(plots)
    if checks is None:
        counts = labels.value_counts(sort=False)
        repeated = set(repeated_treatments(counts.index.tolist(), counts.to_numpy()))
        checks = [label for label in dict.fromkeys(labels) if label in repeated]
    known = set(checks)
    entries = [label for label in dict.fromkeys(labels) if label not in known]
    return checks, entries
