"""Default order of factor levels: first appearance, or natural sort for a randomized layout.

One rule for every path that orders treatment or factor levels without an explicit order
(:class:`~yieldtrial.trial.FieldTrial`'s display order and
:func:`yieldtrial.stats.mixed.mixed_model`'s level order), so the two give the same model
(the reference level of the type III hypotheses, hence the Satterthwaite ddf of a multi-df
F test, depends on it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["default_order", "natural_key", "randomized"]

# the dense route of randomized() when blocks x treatments <= 4 n + this many cells
_DENSE_EXTRA = 1 << 16


def natural_key(label: str) -> tuple[tuple[int, float, str], ...]:
    """Sort key that orders the numbers inside labels by value (``T2`` < ``T10``).

    Examples
    --------
    >>> sorted(["T10", "CK", "T2", "N150", "N60"], key=natural_key)
    ['CK', 'N60', 'N150', 'T2', 'T10']
    """
    parts = re.split(r"(\d+(?:\.\d+)?)", str(label))
    return tuple(
        (1, float(part), "") if i % 2 else (0, 0.0, part.casefold())
        for i, part in enumerate(parts)
        if part
    )


def randomized(plots: pd.DataFrame) -> bool:
    """Whether the blocks list the treatments in different orders (a randomized layout).

    Each block's treatments, in order of first appearance, are compared with the first
    block's order on the treatments they share; vectorized (a 200 MB table has 150,000
    blocks), equal to comparing the per-block lists.
    """
    if "block" not in plots or "treatment" not in plots:
        return False
    from yieldtrial.io._factorize import as_text, factorize_labels

    # factorize_labels: pd.factorize, kept for an arrow text column (the design fit and the
    # screening factorize the same columns)
    # int32 codes when every code, row and dense-table cell fits (5.9 million plots: the
    # dense table's working arrays 118 MB instead of 236 MB, and the codes half as large)
    width = np.int32 if 4 * len(plots) + _DENSE_EXTRA < 2**31 else np.int64
    blocks, _ = factorize_labels(as_text(plots["block"]), dtype=width)  # NaN: -1, left out
    treatments, labels = factorize_labels(as_text(plots["treatment"]), dtype=width)
    ntreat = len(labels)
    missing = treatments < 0
    if missing.any():  # a missing treatment is a treatment of its own here
        treatments[missing] = ntreat
        ntreat += 1
    keep = blocks >= 0
    if not keep.all():
        blocks, treatments = blocks[keep], treatments[keep]
    if blocks.size == 0 or blocks.max() < 1:
        return False
    nblocks = int(blocks.max()) + 1
    if nblocks * ntreat <= 4 * blocks.size + _DENSE_EXTRA:  # every cell below 2**31
        return _randomized_dense(blocks, treatments, nblocks, ntreat)
    blocks = blocks.astype(np.int64, copy=False)  # the pair keys below may pass 2**31
    treatments = treatments.astype(np.int64, copy=False)
    # the (block, treatment) pairs in order of first appearance in the file (hash
    # factorization: no sort of every plot), grouped by block
    pairs = pd.unique(blocks * ntreat + treatments)
    pair_block, pair_treatment = np.divmod(pairs, ntreat)
    by_block = np.argsort(pair_block, kind="stable")
    b, t = pair_block[by_block], pair_treatment[by_block]
    position = np.full(ntreat, -1)
    in_first = t[b == 0]
    position[in_first] = np.arange(in_first.size)
    shared = position[t] >= 0
    b, p = b[shared], position[t][shared]
    return bool(np.any((b[1:] == b[:-1]) & (np.diff(p) < 0)))


def _randomized_dense(
    blocks: np.ndarray, treatments: np.ndarray, nblocks: int, ntreat: int
) -> bool:
    """:func:`randomized` on a dense block x treatment table of first appearances.

    ``first[b, t]`` is the row of the first plot of treatment *t* in block *b* (``n`` when
    there is none).  The first block's treatments, in its order, are the columns; a block
    lists them in the same order exactly when its first appearances increase along those
    columns (absent ones skipped): the same answer as comparing the orders of first
    appearance, without hashing and sorting the (block, treatment) pairs.
    """
    n = blocks.size
    # in the codes' integer type (int32 when the caller found every cell and row to fit)
    first = np.full(nblocks * ntreat, n, dtype=blocks.dtype)
    key = blocks * blocks.dtype.type(ntreat)
    key += treatments
    np.minimum.at(first, key, np.arange(n, dtype=blocks.dtype))
    del key
    table = first.reshape(nblocks, ntreat)
    in_first = np.flatnonzero(table[0] < n)
    columns = table[:, in_first[np.argsort(table[0, in_first])]]
    present = columns < n
    if present.all():  # every block holds the first block's treatments: adjacent pairs
        return bool(np.any(columns[:, 1:] < columns[:, :-1]))
    # the latest first appearance among the earlier columns of each block (-1: none)
    latest = np.maximum.accumulate(np.where(present, columns, -1), axis=1)
    return bool(np.any(present[:, 1:] & (columns[:, 1:] < latest[:, :-1])))


def default_order(labels: pd.Series, blocks: pd.Series | None = None) -> tuple[str, ...]:
    """Default level order of a factor column: first appearance, natural sort if randomized.

    The order of first appearance, else natural sort (``T2`` before ``T10``) when that
    order is only the randomization: the blocks list the levels in different orders
    (:func:`randomized`).

    Parameters
    ----------
    labels : Series
        The factor's labels, one per plot, as text.
    blocks : Series, optional
        The block (replicate) of each plot, aligned with ``labels``.

    Returns
    -------
    tuple of str
        The levels in their default order.

    Examples
    --------
    >>> default_order(pd.Series(["T10", "T2", "N0", "T2", "T10", "N0"]),
    ...               pd.Series(["1", "1", "1", "2", "2", "2"]))
    ('N0', 'T2', 'T10')
    >>> default_order(pd.Series(["T10", "T2", "T10", "T2"]), pd.Series(["1", "1", "2", "2"]))
    ('T10', 'T2')
    """
    text = labels.astype(str)
    present: Sequence[str] = [str(v) for v in pd.unique(text)]
    if blocks is not None:
        plots = pd.DataFrame({"block": blocks.astype(str).to_numpy(), "treatment": text.to_numpy()})
        if randomized(plots):
            return tuple(sorted(present, key=natural_key))
    return tuple(present)
