"""All-pairs verdicts of many means in bounded memory, and letters for a readable subset.

A trial with 10,000 entries has 49,995,000 pairs: storing one float per pair takes 400 MB,
and their compact letter display (hundreds of letters per mean) cannot be read.  Above
:data:`LETTERS_ALL_MAX` levels, letters are therefore *summarised*:

* every pair is still tested, in chunks of :data:`~yieldtrial.stats._covariance.PAIR_CHUNK`
  pairs (memory bounded whatever ``k``), with the critical values of the whole family
  (``k`` means: the same test as for a small trial), and the number of significant pairs is
  reported;
* letters are shown for the :data:`LETTERS_TOP` highest means plus the levels asked for
  (the controls), computed from the verdicts of the pairs among them (a compact letter
  display of the restricted relation; a range test's spans and protection rule use the
  ranks in the whole family); the other levels get no letters (an empty string).

The same verdicts are used for small and large families, so a level's letters in a
summarised display agree with the verdicts of the full test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import message_number
from yieldtrial.io.progress import terminal_progress
from yieldtrial.stats._covariance import (
    PAIR_CHUNK,
    DiagonalCovariance,
    LowRankUpdateCovariance,
    pair_chunks,
    pair_variances,
)
from yieldtrial.stats.results import MeansModel

__all__ = ["LETTERS_ALL_MAX", "LETTERS_TOP", "PairScan", "scan_pairs", "shown_levels"]

#: Up to this many levels every level gets letters; above, letters are summarised.
LETTERS_ALL_MAX = 500

#: Families with at least this many pairs show progress on a terminal (a few seconds).
PROGRESS_PAIRS = 5_000_000

#: Highest means that keep their letters in a summarised display (plus the controls).
LETTERS_TOP = 50

#: Added to the zero-standard-error message when the model fits every yield exactly.
_ZERO_ERROR_HINT = (
    ": the model fits every yield exactly (no plot-to-plot variation), as when the yields "
    "are identical within each treatment or were copied; check the yield values"
)


@dataclass(frozen=True)
class PairScan:
    """Verdicts of all pairs of a family, kept only among the shown levels.

    Attributes
    ----------
    order : ndarray of int
        Level indices by descending mean (rank order; ties by level order).
    shown : ndarray of int
        Level indices that get letters, in rank order.
    significant : ndarray of bool, shape (s, s)
        Verdicts among :attr:`shown` (symmetric, False diagonal).
    n_pairs : int
        Pairs in the family, ``k (k - 1) / 2``.
    n_significant : int
        Pairs declared significantly different.
    """

    order: np.ndarray
    shown: np.ndarray
    significant: np.ndarray
    n_pairs: int
    n_significant: int


def shown_levels(mm: MeansModel, always: Sequence[str] = (), top: int = LETTERS_TOP) -> np.ndarray:
    """Return the indices of the ``top`` highest means and of ``always``, in rank order."""
    basis = mm.contrast_basis
    order = np.lexsort((np.arange(basis.size), -basis))
    keep = set(order[:top].tolist()) | {mm.index(lv) for lv in always if str(lv) in mm.levels}
    rank = np.empty(basis.size, dtype=int)
    rank[order] = np.arange(basis.size)
    return np.array(sorted(keep, key=lambda i: rank[i]), dtype=int)


def scan_pairs(
    mm: MeansModel,
    *,
    critical_by_span: np.ndarray,
    studentized: bool,
    protection: bool,
    shown: np.ndarray,
    gate: bool = True,
) -> PairScan:
    """Test every pair of LS-means in chunks; keep the verdicts among ``shown``.

    Parameters
    ----------
    mm : MeansModel
        LS-means, covariance (dense or implicit) and error df.
    critical_by_span : ndarray, shape (k + 1,)
        Critical value for a pair whose range spans ``p`` ranked means (both included),
        at index ``p``; a single-step test repeats one value.
    studentized : bool
        True: the statistic is ``|diff| / (SED / sqrt 2)`` (studentized range: Tukey,
        Duncan, SNK); False: ``|diff| / SED`` (t, Scheffe).
    protection : bool
        Apply the step-down rule of range tests (Duncan 1955): a pair inside a range of
        means already found not significant is not significant.
    shown : ndarray of int
        Level indices whose mutual verdicts are kept.
    gate : bool
        False declares no pair significant (e.g. a protected LSD whose F test failed).

    Returns
    -------
    PairScan
        Counts over all pairs and the verdicts among ``shown``.

    Raises
    ------
    DataValidationError
        A difference with zero standard error.
    """
    basis = mm.contrast_basis
    k = basis.size
    cov = mm.cov
    order = np.lexsort((np.arange(k), -basis))
    rank = np.empty(k, dtype=int)
    rank[order] = np.arange(k)
    crit_table = np.asarray(critical_by_span, dtype=float)
    scale = np.sqrt(2.0) if studentized else 1.0

    def verdict_parts(r_a: np.ndarray, r_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        i, j = order[r_a], order[r_b]
        sed = np.sqrt(pair_variances(cov, i, j))
        if np.any(sed <= 0):
            raise DataValidationError(
                f"a difference between means of {mm.factor!r} has zero standard error "
                f"(error mean square {message_number(mm.mse, 1)}); mean separation is undefined"
                + _ZERO_ERROR_HINT
                * (mm.mse == 0)
            )
        stat = np.abs(basis[i] - basis[j]) / (sed / scale)
        return stat, crit_table[r_b - r_a + 1]

    n_pairs = k * (k - 1) // 2
    widest = np.full(k, -1)  # widest raw non-significant end b' per start a' (range tests)
    if protection:
        with terminal_progress(
            "ranges of means", n_pairs, unit="pairs", minimum=PROGRESS_PAIRS
        ) as shown_done:
            done = 0
            for r_a, r_b in pair_chunks(k):
                stat, crit = verdict_parts(r_a, r_b)
                ns = stat <= crit
                np.maximum.at(widest, r_a[ns], r_b[ns])
                done += r_a.size
                shown_done(done)
    before = np.concatenate([[-1], np.maximum.accumulate(widest)[:-1]])

    def significant(r_a: np.ndarray, r_b: np.ndarray) -> np.ndarray:
        stat, crit = verdict_parts(r_a, r_b)
        tested = ~((before[r_a] >= r_b) | (widest[r_a] > r_b)) if protection else True
        return np.asarray(tested & (stat > crit) & gate, dtype=bool)

    n_significant = 0
    equal_sed = (
        float(np.sqrt(2.0 * cov.diag[0]))
        if isinstance(cov, DiagonalCovariance) and cov.off == 0.0 and np.ptp(cov.diag) == 0
        else None
    )
    single = not protection and np.ptp(crit_table[2:]) == 0
    low = _few_touched(cov, k) if single else None
    if low is not None:
        # diag + low rank (a few entries with missing plots): the pairs of complete entries
        # share one SED and are counted on their sorted means; the pairs touching an entry
        # with a missing plot (|T| x k of them) are tested one by one
        reached = np.zeros(k, dtype=bool)
        reached[low.touched] = True
        sed = float(np.sqrt(2.0 * low.diag_part[~reached][0]))
        bound = float(crit_table[2]) * sed / scale
        ranked = np.sort(basis[~reached])
        below = np.searchsorted(ranked, ranked - bound, side="left")
        n_significant = int(below.sum()) if gate else 0
        i = np.repeat(low.touched, k)
        j = np.tile(np.arange(k), low.touched.size)
        keep = (i != j) & (~reached[j] | (j > i))  # each pair once
        ri, rj = rank[i[keep]], rank[j[keep]]
        n_significant += int(np.count_nonzero(significant(np.minimum(ri, rj), np.maximum(ri, rj))))
    elif equal_sed is not None and single:
        # one SED and one critical value (balanced, single-step): a pair differs when its
        # means are more than D apart; count those pairs on the sorted means, O(k log k)
        sed = equal_sed
        if not sed > 0:
            verdict_parts(np.array([0]), np.array([1]))  # raises the zero-SED error
        bound = float(crit_table[2]) * sed / scale
        ranked = np.sort(basis)
        below = np.searchsorted(ranked, ranked - bound, side="left")
        # the statistic must exceed the critical value strictly: |diff| > bound
        n_significant = int(below.sum()) if gate else 0
    else:
        with terminal_progress(
            "pairs of means", n_pairs, unit="pairs", minimum=PROGRESS_PAIRS
        ) as shown_done:
            done = 0
            for r_a, r_b in pair_chunks(k):
                n_significant += int(np.count_nonzero(significant(r_a, r_b)))
                done += r_a.size
                shown_done(done)
    s = shown.size
    sig = np.zeros((s, s), dtype=bool)
    if s >= 2:
        a, b = np.triu_indices(s, 1)
        ra, rb = rank[shown[a]], rank[shown[b]]
        low, high = np.minimum(ra, rb), np.maximum(ra, rb)
        verdict = significant(low, high)
        sig[a, b] = verdict
        sig[b, a] = verdict
    return PairScan(order, shown, sig, n_pairs, n_significant)


def _few_touched(cov: object, k: int) -> LowRankUpdateCovariance | None:
    """``cov`` if it is diag + low rank with equal variances off its few touched rows."""
    if not isinstance(cov, LowRankUpdateCovariance):
        return None
    touched = cov.touched.size
    if touched == 0 or touched >= k - 1 or touched * k > 4 * PAIR_CHUNK:
        return None
    reached = np.zeros(k, dtype=bool)
    reached[cov.touched] = True
    rest = cov.diag_part[~reached]
    return cov if np.ptp(rest) == 0 and rest[0] > 0 else None
