"""Compact letter display of all-pairwise comparisons (insert-absorb, Piepho 2004).

Two means share a letter when their difference was *not* declared significant.  The letters
are built by Piepho's insert-and-absorb algorithm followed by his sweep step, which removes
redundant letters; the result is correct when non-significance is not transitive
(A = B, B = C, A != C gives ``a``, ``ab``, ``b``).  Letters are ordered by the means: the
letter group holding the highest mean is ``a`` (``descending=False``: the lowest).

A comparison that was not estimated (NaN/NA in the matrix or a pair absent from a pairwise
table) is never read as "not different": in that case, and when every comparison is missing
(no error variance), every level gets ``"na"``.

After ``z`` the letters continue ``a1`` .. ``z1``, ``a2`` .. ``z2``, ... (lowercase only, so
they never collide with the uppercase 1 % letters ``A`` .. ``Z``, ``A1`` .. of a two-level
table); each letter is one character optionally followed by digits, so a concatenated display
such as ``"aba1"`` is never ambiguous.

References
----------
.. [1] Piepho, H.-P. (2004). An algorithm for a letter-based representation of
   all-pairwise comparisons. *Journal of Computational and Graphical Statistics* 13(2),
   456-466. :doi:`10.1198/1061860043515`
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import message_number

__all__ = ["NA_LETTER", "compact_letters", "letter_name"]

#: Display used when the comparisons are missing or undefined.
NA_LETTER = "na"

#: Above this many levels, a consecutive non-significance pattern (the usual one: each mean
#: not different from a run of its neighbours in mean order) is displayed by its maximal
#: runs directly -- the classic underlining display, one letter per run -- instead of
#: insert-absorb and the sweep, whose cost grows with the number of significant pairs
#: times the number of letters (hours for 1,000 entries).  Each pair still shares a letter
#: exactly when it is not significantly different; only the sweep's removal of redundant
#: memberships is skipped.
LARGE_FAMILY = 100


def letter_name(index: int) -> str:
    """Name of the ``index``-th letter: ``a``..``z``, then ``a1``..``z1``, ``a2``, ...

    Lowercase only: uppercase letters are reserved for the 1 % column of two-level tables.

    Examples
    --------
    >>> [letter_name(i) for i in (0, 25, 26, 51, 52, 78)]
    ['a', 'z', 'a1', 'z1', 'a2', 'a3']
    """
    suffix = str(index // 26) if index >= 26 else ""
    return f"{string.ascii_lowercase[index % 26]}{suffix}"


def _aligned_matrix(levels: tuple[str, ...], table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` as a square matrix on ``levels`` (labels compared as text).

    A table that is no such matrix was aligned into one of NaN, and every level's letters
    came out ``"na"`` without a word: a pairwise table without its ``reject`` column (the
    p-values only), or a matrix missing a level or labelled with other names.
    """
    if {"group1", "group2"} <= set(map(str, table.columns)):
        raise DataValidationError(
            "the pairwise table has no reject column (True where the two levels differ); "
            "add it, e.g. table.assign(reject=table['p_value_adjusted'] < 0.05), or pass "
            "the table of yieldtrial.stats.pairwise, which has it"
        )
    table = table.rename(index=str, columns=str)
    absent = [lv for lv in levels if lv not in table.index or lv not in table.columns]
    if absent:
        shown = ", ".join(map(repr, absent[:5])) + (
            f" and {len(absent) - 5} more" if len(absent) > 5 else ""
        )
        raise DataValidationError(
            f"significant has no row or column for level(s) {shown}: give a square table "
            "with one row and one column per level (index and columns the level labels), "
            "or a pairwise table with group1, group2 and reject columns"
        )
    return table.reindex(index=list(levels), columns=list(levels))


def _significance_matrix(levels: tuple[str, ...], significant: Any) -> np.ndarray:
    """Symmetric float matrix: 1 significant, 0 not, NaN missing."""
    k = len(levels)
    if isinstance(significant, pd.DataFrame) and {"group1", "group2", "reject"} <= set(
        significant.columns
    ):
        out = np.full((k, k), np.nan)
        pos = {lv: i for i, lv in enumerate(levels)}
        for g1, g2, rej in zip(
            significant["group1"], significant["group2"], significant["reject"], strict=True
        ):
            if str(g1) not in pos or str(g2) not in pos:
                raise DataValidationError(
                    f"pairwise table compares {g1!r} and {g2!r}, but the levels are "
                    f"{', '.join(levels)}"
                )
            value = np.nan if pd.isna(rej) else float(bool(rej))
            out[pos[str(g1)], pos[str(g2)]] = value
            out[pos[str(g2)], pos[str(g1)]] = value
        return out
    if isinstance(significant, pd.DataFrame):
        significant = _aligned_matrix(levels, significant)
    try:
        if isinstance(significant, pd.DataFrame):
            raw = significant.astype("float64").to_numpy(dtype=float, na_value=np.nan)
        else:
            raw = np.asarray(significant, dtype=float)
    except (TypeError, ValueError):
        raise DataValidationError(
            f"significant must be a {k} x {k} matrix of booleans (True = the two levels "
            "differ) or a pairwise table with group1, group2 and reject columns (as "
            f"yieldtrial.stats.pairwise returns); got {type(significant).__name__}"
        ) from None
    if raw.shape != (k, k):
        raise DataValidationError(
            f"significant must be a {k} x {k} matrix (one row and column per level); "
            f"got shape {raw.shape}"
        )
    odd = ~(np.isnan(raw) | (raw == 0.0) | (raw == 1.0))
    if odd.any():  # p-values (0.03) or counts read as "differ" without a word
        i, j = (int(v) for v in np.argwhere(odd)[0])
        raise DataValidationError(
            f"significant[{levels[i]!r}, {levels[j]!r}] = {message_number(raw[i, j])} is not a "
            "boolean; "
            "give True (the two levels differ), False or NaN (not estimated); for p-values "
            "pass significant = p < alpha"
        )
    missing = np.isnan(raw) | np.isnan(raw.T)
    full = np.where(missing, np.nan, np.maximum(np.nan_to_num(raw), np.nan_to_num(raw.T)))
    full = np.where(missing, np.nan, (full != 0).astype(float))
    np.fill_diagonal(full, 0.0)
    return np.asarray(full)


def _absorb_rows(rows: np.ndarray) -> np.ndarray:
    """Drop repeated letter columns and those contained in another (boolean rows).

    Rows are letter columns (True = the level has the letter).  The first of equal rows is
    kept, in order; a row that is a strict subset of another row is dropped.
    """
    if len(rows) <= 1:
        return rows
    _, first = np.unique(np.packbits(rows, axis=1), axis=0, return_index=True)
    unique = rows[np.sort(first)]
    counts = unique.astype(np.float64)
    inter = counts @ counts.T  # levels two columns share (exact integers)
    size = counts.sum(axis=1)
    inside = (inter == size[:, None]) & (size[:, None] < size[None, :])
    return unique[~inside.any(axis=1)]


#: Below this many levels every shared count (at most the number of levels) and every
#: partial sum of the float32 matrix product is an integer float32 represents exactly.
_FLOAT32_EXACT = 2**24


def _absorb_split(rows: np.ndarray, new: np.ndarray) -> np.ndarray:
    """:func:`_absorb_rows` of an absorbed set of columns after some were split in two.

    The rows not flagged ``new`` are pairwise distinct and none lies inside another (the
    columns before the split, absorbed); a split copy is a column minus one level, so no
    unchanged row can lie inside a copy (it would lie inside the column it came from).
    Only pairs with a ``new`` row can then be equal or nested: their shared counts are
    ``rows x new`` instead of ``rows x rows``, and the rows kept are the same, in the same
    order (the first of equal rows; a row strictly inside another dropped).
    """
    idx = np.flatnonzero(new)
    if idx.size == 0:
        return rows
    # float32 holds every count up to 2**24 exactly (sums of 0/1 products), and its matrix
    # product is about twice as fast as float64's: the product is most of the letters' time
    exact: type[np.floating[Any]] = np.float32 if rows.shape[1] < _FLOAT32_EXACT else np.float64
    counts: np.ndarray = rows.astype(exact)
    size = counts.sum(axis=1)
    inter = counts @ counts[idx].T  # levels row a shares with new row b (exact integers)
    size_new = size[idx]
    pos = np.arange(len(rows))
    equal = (inter == size[:, None]) & (inter == size_new[None, :])
    before = pos[:, None] < idx[None, :]  # row a comes before new row b
    after = pos[:, None] > idx[None, :]
    drop = (equal & after).any(axis=1)  # a row equal to an earlier new row
    drop[idx] |= (equal & before).any(axis=0)  # a new row equal to an earlier row
    drop[idx] |= ((inter == size_new[None, :]) & (size_new[None, :] < size[:, None])).any(axis=0)
    return rows[~drop]


def _as_sets(rows: np.ndarray) -> list[frozenset[int]]:
    return [frozenset(np.flatnonzero(row).tolist()) for row in rows]


def _insert_absorb(k: int, sig: np.ndarray) -> list[frozenset[int]]:
    """Insert-absorb on boolean letter columns (Piepho 2004): columns in the usual order.

    For each significant pair (i < j, row by row) every column holding both levels is
    replaced, in place, by a copy without ``j`` and a copy without ``i``; then repeated
    and contained columns are absorbed (:func:`_absorb_split`: only the copies can be).
    """
    columns = np.ones((1, k), dtype=bool)
    rows_i, rows_j = np.nonzero(np.triu(sig == 1.0, 1))
    for i, j in zip(rows_i.tolist(), rows_j.tolist(), strict=True):
        both = columns[:, i] & columns[:, j]
        if not both.any():
            continue
        copies = np.where(both, 2, 1)
        split = np.repeat(columns, copies, axis=0)
        first = (np.cumsum(copies) - copies)[both]
        split[first, j] = False
        split[first + 1, i] = False
        new = np.zeros(len(split), dtype=bool)
        new[first] = True
        new[first + 1] = True
        columns = _absorb_split(split, new)
    return _as_sets(columns)


def _sweep(columns: list[frozenset[int]], k: int) -> list[frozenset[int]]:
    """Drop a level from a column when every level it shares it with shares another with it.

    Columns and their members in order; ``shared[a, b]`` counts the columns holding both
    levels (kept up to date as members are dropped).
    """
    letters = np.zeros((len(columns), k), dtype=bool)
    for index, column in enumerate(columns):
        letters[index, list(column)] = True
    counts = letters.astype(np.int64)
    shared = counts.T @ counts
    for index in range(len(letters)):
        for member in np.flatnonzero(letters[index]).tolist():
            if shared[member, member] <= 1:
                continue
            others = np.flatnonzero(letters[index])
            others = others[others != member]
            if np.all(shared[member, others] >= 2):  # another column holds each pair
                letters[index, member] = False
                rest = np.flatnonzero(letters[index])
                shared[member, rest] -= 1
                shared[rest, member] -= 1
                shared[member, member] -= 1
    return _as_sets(_absorb_rows(letters[letters.any(axis=1)]))


def _consecutive_ranges(sig: np.ndarray, order: np.ndarray) -> list[frozenset[int]] | None:
    """Maximal non-significant ranges when non-significance is consecutive in mean order.

    With the levels sorted by their means, the usual pattern (Tukey or LSD with equal
    standard errors, Duncan and SNK by their protection rule) is that each level is not
    different from a contiguous run of neighbours.  The non-significance graph is then an
    interval graph and its maximal cliques -- exactly the columns insert-absorb ends with
    -- are the maximal runs, found in O(k^2) array operations instead of one set operation
    per significant pair.  Returns None when the pattern is not consecutive.
    """
    k = order.size
    ns = sig[np.ix_(order, order)] == 0.0  # in mean order
    pos = np.arange(k)
    # reach[a]: last b >= a such that a is not different from any of a..b
    right = ns & (pos[None, :] >= pos[:, None])
    masked = right | (pos[None, :] < pos[:, None])
    first_false = np.argmin(masked, axis=1)
    reach = np.where(masked.all(axis=1), k - 1, first_false - 1)
    # consecutive iff the non-significant set right of a is exactly a..reach[a]
    if not np.array_equal(right.sum(axis=1) - 1, reach - pos):
        return None
    if np.any(np.diff(reach) < 0):
        return None
    starts = [0] + [a for a in range(1, k) if reach[a] > reach[a - 1]]
    return [frozenset(int(i) for i in order[a : reach[a] + 1]) for a in starts]


def compact_letters(
    levels: Sequence[str],
    means: Sequence[float] | np.ndarray,
    significant: Any,
    *,
    descending: bool = True,
) -> pd.Series:
    """Compact letter display: levels sharing a letter are not significantly different.

    Parameters
    ----------
    levels : sequence of str
        Level labels.
    means : array_like
        The levels' means (LS-means), used to order the letters, in the order of
        ``levels``; a Series whose index holds exactly the levels (labels compared as
        text) is aligned on them instead.
    significant : array_like, DataFrame
        Either a square matrix (``True``/1 = significantly different, ``False``/0 = not,
        NaN = not estimated; other numbers, such as p-values, are refused; a pair is
        significant when either of its two
        entries says so and missing when either is NaN) in the order of ``levels`` (a
        DataFrame is aligned on its index and columns), or a pairwise table with columns
        ``group1``, ``group2`` and ``reject`` (as returned by
        :func:`yieldtrial.stats.compare.pairwise_means`).
    descending : bool
        True: the highest mean gets ``a``; False: the lowest.

    Returns
    -------
    Series
        Letters per level (index = ``levels``, name ``"letters"``); every level is
        ``"na"`` when any comparison is missing.  When ``significant`` is a pairwise table
        with ``attrs["provenance"]`` (test, alpha, error term, df, ...), the Series carries a
        copy in ``attrs["provenance"]``.

    Raises
    ------
    DataValidationError
        Matrix of the wrong shape or holding a value other than a boolean (0/1) or NaN,
        means of the wrong length, a level given twice, unknown levels in the table.

    Notes
    -----
    Insert-absorb [1]_: start with one letter shared by all levels; for each significant
    pair (i, j), every letter column holding both is split into a copy without i and a copy
    without j, and columns contained in another column are absorbed.  The sweep step then
    drops a level from a column when every level it shares that column with also shares
    another column with it.  With more than :data:`LARGE_FAMILY` levels and a consecutive
    pattern (each level not different from a run of neighbours in mean order) the columns
    are the maximal runs themselves (the same maximal cliques insert-absorb finds), without
    the sweep.  Columns are named in the order of their best-ranked member
    (then the next best, ...).

    Examples
    --------
    A = B, B = C, but A != C:

    >>> sig = [[0, 0, 1], [0, 0, 0], [1, 0, 0]]
    >>> compact_letters(["A", "B", "C"], [30.0, 20.0, 10.0], sig).tolist()
    ['a', 'ab', 'b']
    """
    labels = tuple(str(lv) for lv in levels)
    k = len(labels)
    repeated = sorted({lv for lv in labels if labels.count(lv) > 1}) if len(set(labels)) < k else []
    if repeated:  # the second one's letters silently overwrote the first's
        raise DataValidationError(
            f"levels lists {', '.join(map(repr, repeated))} more than once; give each level "
            "once, in the order of the means and of the rows of significant"
        )
    mu = np.asarray(_aligned_means(labels, means), dtype=float)
    if mu.shape != (k,):
        raise DataValidationError(
            f"means must have one value per level ({k}); got shape {mu.shape}"
        )
    sig = _significance_matrix(labels, significant)
    provenance = getattr(significant, "attrs", {}).get("provenance")
    out = _letters_series(labels, mu, sig, descending)
    if provenance is not None:
        out.attrs["provenance"] = dict(provenance)
    return out


def _aligned_means(labels: tuple[str, ...], means: Any) -> Any:
    """Return ``means`` in the order of ``labels`` when it is a Series indexed by them.

    ``means.set_index("treatment")["yield_kg_ha"]`` of a means table is in rank order;
    taken by position against ``levels`` in another order, it gave the letters of one
    treatment to another without a word.  Other arrays (and a Series on a range index or on
    other labels) are taken in the order of ``levels``, as before.
    """
    if not isinstance(means, pd.Series) or isinstance(means.index, pd.RangeIndex):
        return means
    keys = [str(key) for key in means.index]
    if len(set(keys)) != len(keys) or set(keys) != set(labels):
        return means
    return means.set_axis(keys).reindex(list(labels))


def _letters_series(
    labels: tuple[str, ...], mu: np.ndarray, sig: np.ndarray, descending: bool
) -> pd.Series:
    k = len(labels)
    off_diagonal = ~np.eye(k, dtype=bool)
    if k == 0:
        return pd.Series([], index=pd.Index([], dtype=object), name="letters", dtype=object)
    if np.any(np.isnan(sig[off_diagonal])):
        return pd.Series([NA_LETTER] * k, index=list(labels), name="letters", dtype=object)
    key = -mu if descending else mu
    key = np.where(np.isnan(key), np.inf, key)
    rank = np.empty(k, dtype=int)
    rank[np.argsort(key, kind="stable")] = np.arange(k)
    ranges = None
    if k > LARGE_FAMILY:
        ranges = _consecutive_ranges(sig, np.argsort(key, kind="stable"))
    columns = _sweep(_insert_absorb(k, sig), k) if ranges is None else ranges
    ordered = sorted(columns, key=lambda c: sorted(int(rank[i]) for i in c))
    letters = ["" for _ in range(k)]
    for n, col in enumerate(ordered):
        name = letter_name(n)
        for i in col:
            letters[i] += name
    return pd.Series(letters, index=list(labels), name="letters", dtype=object)
