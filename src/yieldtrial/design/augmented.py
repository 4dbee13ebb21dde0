"""Augmented randomized complete block designs: checks in every block, entries once.

Federer's augmented design (1956, 1961) screens many unreplicated entries (new lines,
accessions) against a few checks: every block holds every check once and a share of the
entries, each entry appearing in one block only.  The entries are spread over the blocks as
evenly as possible (block sizes differ by at most one), allotted to blocks at random, and the
plots randomized within each block.  The field book marks each plot ``check`` or ``entry``
in ``entry_type``, which is how ``yieldtrial report`` recognises the design and analyses it
with :func:`yieldtrial.stats.augmented.augmented_anova`.

The residual df of the analysis are ``(b - 1)(c - 1)`` (``b`` blocks, ``c`` checks), so a
useful design has enough of both; Federer's rule of thumb asks for ``(b - 1)(c - 1) >= 12``.

References
----------
.. [1] Federer, W. T. (1956). Augmented (or hoonuiaku) designs. Hawaiian Planters' Record
   55, 191-208.
.. [2] Federer, W. T. (1961). Augmented designs with one-way elimination of heterogeneity.
   Biometrics 17(3), 447-473.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from yieldtrial.design.fieldbook import (
    HARVEST_COLUMNS,
    checked_count,
    checked_labels,
    finish_field_book,
    seeded_rng,
)
from yieldtrial.errors import DataValidationError

__all__ = ["AUGMENTED_COLUMNS", "augmented_design"]

#: Columns of an augmented-design field book.
AUGMENTED_COLUMNS: tuple[str, ...] = (
    "plot_id",
    "treatment",
    "entry_type",
    "block",
    "row",
    "column",
    *HARVEST_COLUMNS,
)


def augmented_design(
    checks: Sequence[str],
    entries: Sequence[str],
    *,
    blocks: int,
    seed: int | None = None,
    serpentine: bool = False,
    plot_area_m2: float | None = None,
) -> pd.DataFrame:
    """Randomized field book of an augmented RCBD.

    Parameters
    ----------
    checks : sequence of str
        Check labels (at least 2), repeated in every block.
    entries : sequence of str
        Entry labels (at least 1), each planted once.
    blocks : int
        Number of blocks (>= 2).
    seed : int, optional
        Random seed; the same seed gives the same field book.
    serpentine : bool, default False
        Snake the plot numbering (even blocks numbered right to left).
    plot_area_m2 : float, optional
        Net harvested area of each plot, pre-filled in ``harvested_area_m2``. [m2]

    Returns
    -------
    DataFrame
        Field book with columns :data:`AUGMENTED_COLUMNS`; each block is one field row,
        ``plot_id`` ``101..`` in block 1, ``201..`` in block 2; ``entry_type`` is
        ``"check"`` or ``"entry"``; ``attrs["design"]`` records design (``"augmented"``),
        seed, checks, entries, the entries per block and the residual df
        ``(b - 1)(c - 1)``.

    Raises
    ------
    DataValidationError
        Fewer than 2 checks or 2 blocks, no entries, a label used twice (also across
        checks and entries), or more blocks than entries.

    Examples
    --------
    >>> book = augmented_design(["CK1", "CK2", "CK3"], [f"E{i}" for i in range(1, 8)],
    ...                         blocks=3, seed=4)
    >>> book.groupby("block").size().tolist()
    [6, 5, 5]
    >>> book[book["entry_type"] == "check"].groupby("treatment")["block"].nunique().tolist()
    [3, 3, 3]
    >>> book.attrs["design"]["df_error"]
    4
    """
    check_labels = checked_labels(checks, "checks", minimum=2)
    entry_labels = checked_labels(entries, "entries", minimum=1)
    both = sorted(set(check_labels) & set(entry_labels))
    if both:
        raise DataValidationError(
            f"{', '.join(map(repr, both))} is both a check and an entry; give each label once."
        )
    b = checked_count(blocks, "blocks", minimum=2)
    if b > len(entry_labels):
        raise DataValidationError(
            f"{b} blocks for {len(entry_labels)} entries would leave a block without entries; "
            "use fewer blocks."
        )
    rng, used_seed = seeded_rng(seed)
    shuffled = [entry_labels[int(i)] for i in rng.permutation(len(entry_labels))]
    sizes = [len(entry_labels) // b + (1 if j < len(entry_labels) % b else 0) for j in range(b)]
    rows = []
    start = 0
    widest = max(sizes) + len(check_labels)
    base = 10 ** max(2, len(str(widest)))
    for block in range(1, b + 1):
        share = shuffled[start : start + sizes[block - 1]]
        start += sizes[block - 1]
        plots = [(c, "check") for c in check_labels] + [(e, "entry") for e in share]
        order = rng.permutation(len(plots))
        n = len(plots)
        for position, idx in enumerate(order):
            label, kind = plots[int(idx)]
            column = n - position if serpentine and block % 2 == 0 else position + 1
            rows.append(
                {
                    "plot_id": str(block * base + position + 1),
                    "treatment": label,
                    "entry_type": kind,
                    "block": str(block),
                    "row": block,
                    "column": column,
                }
            )
    design = {
        "design": "augmented",
        "checks": check_labels,
        "entries": entry_labels,
        "blocks": b,
        "entries_per_block": sizes,
        "df_error": (b - 1) * (len(check_labels) - 1),
        "seed": used_seed,
        "serpentine": bool(serpentine),
    }
    return finish_field_book(rows, AUGMENTED_COLUMNS, design, plot_area_m2)
