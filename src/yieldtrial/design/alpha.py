r"""Resolvable alpha-lattice (alpha) designs: generator, efficiency factor and field book.

An alpha design (Patterson & Williams 1976) places ``v = s k`` treatments in ``r``
replicates, each replicate split into ``s`` incomplete blocks of ``k`` plots.  It is built
from a ``k x r`` generating array :math:`\alpha` of integers modulo ``s``: in replicate
``j``, block ``l`` holds the treatments

.. math::

    t = i\,s + (\alpha_{ij} + l) \bmod s, \qquad i = 0, \dots, k - 1

(the treatments are numbered ``0 .. v-1`` in ``k`` groups of ``s``).  Two treatments meet in
a block at most once (an alpha(0, 1) design) when, for every pair of rows of
:math:`\alpha`, the differences :math:`\alpha_{ij} - \alpha_{i'j}` are distinct modulo
``s`` over the replicates.  With ``s`` prime and ``k, r <= s`` the array
:math:`\alpha_{ij} = i j \bmod s` has that property (Patterson & Williams 1976, sec. 3;
the square and rectangular lattices are special cases).  Otherwise :func:`alpha_design`
searches (seeded, reproducible) for the array that minimises the sum of squared pairwise
concurrences, the criterion behind alpha(0, 1) designs, starting from ``i j mod s``.

Different alpha(0, 1) arrays can differ widely in efficiency (with two replicates the
design is a bipartite graph of the blocks, and a ring-like graph is poorly connected: 30
entries in blocks of 3 have 0.378 from ``i j mod s`` and 0.464 from the best cyclic array),
so except for square lattices (``k = s`` prime, already at the upper bound) the best of that
array and three random ones (with many blocks per replicate ``i j mod s`` links the blocks
like a ring, and random arrays are far better connected) is improved by coordinate ascent
of the efficiency factor itself (Patterson & Williams chose their tabulated arrays by
efficiency; John & Williams 1995, sec. 4.4), each cell of the array tried at every value in
a seeded order, within a budget of evaluations fixed by the design's size.

The **efficiency factor** is the harmonic mean of the canonical efficiency factors, the
non-trivial eigenvalues of :math:`I - N N' / (r k)` (``N`` the treatment x block incidence
matrix; John & Williams 1995, ch. 2), i.e. the average variance of a treatment difference in
an RCBD divided by that in the incomplete-block design (intra-block analysis).  It is
reported with the upper bound for resolvable designs,
:math:`E_U = (v - 1)(r - 1) / [(v - 1)(r - 1) + r (s - 1)]` (Patterson & Williams 1976).

Randomization: the treatment labels are allotted at random to the design's numbers, the
blocks are randomized within each replicate and the plots within each block.

References
----------
.. [1] Patterson, H. D. and Williams, E. R. (1976). A new class of resolvable incomplete
   block designs. Biometrika 63(1), 83-92.
.. [2] John, J. A. and Williams, E. R. (1995). Cyclic and Computer Generated Designs, 2nd
   ed. Chapman & Hall. Ch. 2 (efficiency factors), ch. 4 (alpha designs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, product

import numpy as np
import pandas as pd

from yieldtrial.design.fieldbook import (
    HARVEST_COLUMNS,
    check_total,
    checked_count,
    checked_labels,
    finish_field_book,
    seeded_rng,
)
from yieldtrial.errors import DataValidationError

__all__ = ["ALPHA_COLUMNS", "AlphaDesign", "alpha_design", "alpha_efficiency", "alpha_generator"]

#: Columns of an alpha-design field book: ``block`` is the replicate.
ALPHA_COLUMNS: tuple[str, ...] = (
    "plot_id",
    "treatment",
    "block",
    "incomplete_block",
    "row",
    "column",
    *HARVEST_COLUMNS,
)


@dataclass(frozen=True)
class AlphaDesign:
    """An alpha design before randomization: generator and efficiency.

    Attributes
    ----------
    generator : ndarray of int, shape (k, r)
        The alpha array (entries modulo ``s``).
    blocks : ndarray of int, shape (r, s, k)
        Treatment numbers ``0 .. v-1`` of each replicate, block and plot.
    efficiency : float
        Efficiency factor (harmonic mean of the canonical efficiency factors). [-]
    upper_bound : float
        Upper bound of the efficiency factor of a resolvable design with these
        parameters. [-]
    max_concurrence : int
        Largest number of blocks any two treatments share (1 for an alpha(0, 1) design).
    construction : str
        ``"ij mod s"`` (the prime construction), ``"search"`` (fewest repeated
        concurrences), either followed by ``", efficiency search"`` when the coordinate
        ascent of the efficiency factor changed it.
    """

    generator: np.ndarray
    blocks: np.ndarray
    efficiency: float
    upper_bound: float
    max_concurrence: int
    construction: str


def _blocks(alpha: np.ndarray, s: int) -> np.ndarray:
    k, r = alpha.shape
    out = np.empty((r, s, k), dtype=int)
    i = np.arange(k)
    for j in range(r):
        for block in range(s):
            out[j, block] = i * s + (alpha[:, j] + block) % s
    return out


def alpha_efficiency(blocks: np.ndarray) -> float:
    """Efficiency factor of an equireplicate, proper block design.

    Parameters
    ----------
    blocks : ndarray of int, shape (r, s, k)
        Treatment numbers ``0 .. v-1`` of each replicate, block and plot.

    Returns
    -------
    float
        Harmonic mean of the canonical efficiency factors (the ``v - 1`` non-trivial
        eigenvalues of ``I - N N' / (r k)``). [-]

    Raises
    ------
    DataValidationError
        ``blocks`` is not three-dimensional.

    Examples
    --------
    A 3 x 3 simple lattice in 2 replicates (rows, then columns of the square):

    >>> rep1 = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    >>> rep2 = [[0, 3, 6], [1, 4, 7], [2, 5, 8]]
    >>> round(alpha_efficiency(np.array([rep1, rep2])), 4)  # (k + 1) / (k + 3) = 4 / 6
    0.6667
    """
    blocks = np.asarray(blocks)
    if blocks.ndim != 3:
        raise DataValidationError(
            "blocks must be an array of shape (replicates, blocks per replicate, block size) "
            f"holding treatment numbers; got shape {blocks.shape} (one replicate is "
            "blocks[np.newaxis])"
        )
    r, s, k = blocks.shape
    v = s * k
    incidence = np.zeros((v, r * s))
    for j in range(r):
        for block in range(s):
            incidence[blocks[j, block], j * s + block] = 1.0
    a = np.eye(v) - incidence @ incidence.T / (r * k)
    values = np.sort(np.linalg.eigvalsh(a))[1:]  # drop the zero of the grand mean
    if np.any(values <= 1e-10):
        return 0.0  # disconnected
    return float((v - 1) / np.sum(1.0 / values))


def _concurrence_cost(alpha: np.ndarray, s: int) -> int:
    """Sum over row pairs and differences of the squared number of replicates sharing it."""
    total = 0
    for a, b in combinations(range(alpha.shape[0]), 2):
        counts = np.bincount((alpha[a] - alpha[b]) % s, minlength=s)
        total += int(np.sum(counts * counts))
    return total


def _cell_costs(alpha: np.ndarray, s: int, i: int, j: int) -> np.ndarray:
    """:func:`_concurrence_cost` of ``alpha`` with ``alpha[i, j]`` at each value ``0..s-1``.

    Returned up to a constant (the pairs without row ``i`` and the squares of the other
    replicates' counts), which is all a comparison between the values needs: for each other
    row ``a``, the count of the difference ``(value - alpha[a, j]) mod s`` among the other
    replicates rises by one, adding ``2 count + 1`` to the pair's sum of squares.  This costs
    ``O(k (r + s))`` instead of the ``O(k^2 r)`` of the whole cost (a 200-entry design in
    blocks of 100 took minutes per sweep).
    """
    k, r = alpha.shape
    others = np.delete(np.arange(k), i)
    diffs = (alpha[i] - alpha[others]) % s  # (k - 1) x r
    diffs = np.delete(diffs, j, axis=1)
    offsets = np.arange(len(others))[:, None] * s
    hist = np.bincount((diffs + offsets).ravel(), minlength=len(others) * s)
    hist = hist.reshape(len(others), s)
    values = np.arange(s)
    shifted = (values[None, :] - alpha[others, j][:, None]) % s  # (k - 1) x s
    return 2 * np.take_along_axis(hist, shifted, axis=1).sum(axis=0)


def _search(
    k: int,
    r: int,
    s: int,
    rng: np.random.Generator,
    sweeps: int = 60,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Coordinate search for an alpha array with few repeated concurrences.

    From ``start`` (by default ``i j mod s``), at most ``sweeps`` sweeps over the cells.
    Each cell's values are compared by :func:`_cell_costs` (the change of
    :func:`_concurrence_cost`, the same decisions at a fraction of the work).
    """
    alpha = (np.outer(np.arange(k), np.arange(r)) % s) if start is None else start.copy()
    for _ in range(sweeps):
        improved = False
        cells = [(i, j) for i in range(1, k) for j in range(1, r)]
        for idx in rng.permutation(len(cells)):
            i, j = cells[int(idx)]
            current = alpha[i, j]
            costs = _cell_costs(alpha, s, i, j)
            for value in rng.permutation(s):
                if value == current:
                    continue
                if costs[value] < costs[current]:
                    current, improved = value, True
            alpha[i, j] = current
        if not improved:
            break
    return alpha


def _connected(alpha: np.ndarray, s: int) -> bool:
    """Tell whether every pair of treatments of the design of ``alpha`` can be compared.

    The design is connected when the graph of treatments and blocks (a treatment joined to
    each block it lies in) is one component; otherwise the treatment differences between
    the components are not estimable (efficiency factor 0).  With ``s`` not prime a random
    array can be disconnected: 3000 entries in blocks of 3 (``s = 1000``) whose differences
    are all even split into the even and the odd treatments.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    k, r = alpha.shape
    v = s * k
    rows = np.arange(k)[:, None, None]
    reps = np.arange(r)[None, :, None]
    plots = np.arange(s)[None, None, :]
    trt = (rows * s + (alpha[:, :, None] + plots) % s).ravel()
    blk = v + np.broadcast_to(reps * s + plots, (k, r, s)).ravel()
    graph = coo_matrix((np.ones(trt.size), (trt, blk)), shape=(v + r * s, v + r * s))
    n_components, _ = connected_components(graph, directed=False)
    return bool(n_components == 1)


def _array_efficiency(alpha: np.ndarray, s: int) -> float:
    """:func:`alpha_efficiency` of the design of ``alpha``, from the smaller dual matrix.

    The non-zero eigenvalues of ``N N'`` (v x v) are those of ``N' N`` (b x b, blocks
    sharing treatments); the canonical efficiency factors are ``1 - mu / (r k)`` for them
    (the trivial ``mu = r k`` dropped) and 1 for the remaining ``v - rank`` directions.
    """
    k, r = alpha.shape
    v, b = s * k, r * s
    rows = np.arange(k)[:, None, None]
    reps = np.arange(r)[None, :, None]
    plots = np.arange(s)[None, None, :]
    trt = (rows * s + (alpha[:, :, None] + plots) % s).ravel()
    blk = np.broadcast_to(reps * s + plots, (k, r, s)).ravel()
    if b < v:
        in_block = np.empty((v, r), dtype=int)  # each treatment's block in each replicate
        in_block[trt, np.broadcast_to(reps, (k, r, s)).ravel()] = blk
        pairs = (in_block[:, :, None] * b + in_block[:, None, :]).ravel()
        gram = np.bincount(pairs, minlength=b * b).reshape(b, b).astype(float)
    else:
        incidence = np.zeros((v, b))
        incidence[trt, blk] = 1.0
        gram = incidence @ incidence.T
    mu = np.sort(np.linalg.eigvalsh(gram / (r * k)))[::-1][1:]
    values = np.concatenate([1.0 - mu, np.ones(v - gram.shape[0])])
    if np.any(values <= 1e-10):
        return 0.0  # disconnected
    return float((v - 1) / np.sum(1.0 / values))


#: Efficiency evaluations allowed per start of :func:`_improve` (each an eigendecomposition
#: of a matrix of order min(v, b)); also bounded by :data:`_EFFICIENCY_SECONDS`.
_EFFICIENCY_EVALUATIONS = 800

#: Seconds the efficiency search may take by the cost model of :func:`_evaluations` (a
#: fixed model, not a clock, so that a seed always gives the same design).
_EFFICIENCY_SECONDS = 0.6


#: Random arrays compared with the ``i j mod s`` or searched array (then improved by the
#: efficiency search): with many blocks per replicate ``i j mod s`` links the blocks like a
#: ring (600 entries in blocks of 6, 2 replicates: 0.33 against 0.67 from a random array).
_RANDOM_STARTS = 3

#: Further random arrays drawn when every random start is disconnected (see
#: :func:`_connected`); the first connected one is used, else ``i j mod s``.
_EXTRA_STARTS = 20

#: Largest matrix order (min(v, b)) of a design yieldtrial lays out: its efficiency factor
#: takes an eigendecomposition of that order (6000: about 40 s and 0.5 GB on the
#: development machine, growing as the cube; 20,000 would take hours).
_LARGEST_ASSESSED = 6000

#: Largest matrix order (min(v, b)) at which the starts' efficiencies are compared.
_LARGEST_COMPARED = 1500

#: Arrays (``s`` to the power of the free cells) at or below which every one is evaluated.
_EXHAUSTIVE_ARRAYS = 2000


def _evaluations(k: int, r: int, s: int) -> int:
    """Return the evaluations :func:`_improve` may spend on a design of these parameters.

    One evaluation costs about ``1e-3 + 3e-10 n^3`` seconds (``n = min(v, b)``, the order of
    the eigenproblem; measured on the development machine: 1.4 ms at n = 90, 60 ms at 600),
    so large designs get fewer (n = 300: 65; n = 600: 9), the largest none.
    """
    order = min(s * k, s * r)
    return int(min(_EFFICIENCY_EVALUATIONS, _EFFICIENCY_SECONDS / (1e-3 + 3e-10 * order**3)))


def _improve(alpha: np.ndarray, s: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Coordinate ascent of the efficiency factor from ``alpha`` (first row and column fixed).

    Every cell ``alpha[i, j]`` (``i, j >= 1``) is tried at every value modulo ``s`` in a
    seeded order; a change is kept when it raises the efficiency factor.  Sweeps repeat
    until none helps or the evaluations of :func:`_evaluations` are spent.  When there are at most
    :data:`_EXHAUSTIVE_ARRAYS` arrays, all of them are evaluated instead (the best cyclic
    array of these parameters).
    """
    k, r = alpha.shape
    alpha = alpha.copy()
    best = _array_efficiency(alpha, s)
    cells = [(i, j) for i in range(1, k) for j in range(1, r)]
    if s ** len(cells) <= _EXHAUSTIVE_ARRAYS:  # small: every array, the first best kept
        for values in product(range(s), repeat=len(cells)):
            trial_alpha = alpha.copy()
            for (i, j), value in zip(cells, values, strict=True):
                trial_alpha[i, j] = value
            trial = _array_efficiency(trial_alpha, s)
            if trial > best + 1e-12:
                best, alpha = trial, trial_alpha
        return alpha, best
    spent, improved = 0, True
    budget = _evaluations(k, r, s)
    while improved and spent < budget:
        improved = False
        for idx in rng.permutation(len(cells)):
            i, j = cells[int(idx)]
            current = alpha[i, j]
            for value in rng.permutation(s):
                if value == current or spent >= budget:
                    continue
                alpha[i, j] = value
                trial = _array_efficiency(alpha, s)
                spent += 1
                if trial > best + 1e-12:
                    best, current, improved = trial, value, True
                else:
                    alpha[i, j] = current
    return alpha, best


def _is_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))


def alpha_generator(
    n_treatments: int, *, block_size: int, replicates: int, seed: int | None = None
) -> AlphaDesign:
    """Build the generating array of an alpha design and its efficiency factor.

    Parameters
    ----------
    n_treatments : int
        Number of treatments ``v``; a multiple of ``block_size``.
    block_size : int
        Plots per incomplete block ``k`` (2 <= k < v).
    replicates : int
        Replicates ``r`` (>= 2).
    seed : int, optional
        Seed of the search (non-prime ``s``); the result is reproducible.

    Returns
    -------
    AlphaDesign

    Raises
    ------
    DataValidationError
        ``v`` not a multiple of ``k``, or ``k`` out of range.

    Examples
    --------
    >>> d = alpha_generator(20, block_size=4, replicates=3)
    >>> d.generator.tolist(), d.max_concurrence, round(d.efficiency, 4)
    ([[0, 0, 0], [0, 1, 2], [0, 2, 4], [0, 3, 1]], 1, 0.7447)
    """
    v = checked_count(n_treatments, "treatments", minimum=4)
    k = checked_count(block_size, "block_size", minimum=2)
    r = checked_count(replicates, "replicates", minimum=2)
    check_total(v * r, "alpha")  # before the search: 100,000 replicates ran for hours
    if k >= v or v % k:
        divisors = [str(d) for d in range(2, v) if v % d == 0]
        choice = (
            f"choose a block size that divides {v} (e.g. {', '.join(divisors)}), or add entries "
            "(extra checks) to reach a multiple"
            if divisors
            else f"{v} is prime, so no block size divides it: add entries (extra checks) to "
            f"reach a multiple of {k} ({max(v + (-v) % k, 2 * k)} entries)"
        )
        raise DataValidationError(
            f"an alpha design needs the number of treatments ({v}) to be a multiple of the "
            f"block size ({k}), with more than one block per replicate; {choice}."
        )
    s = v // k
    order = min(v, r * s)
    if order > _LARGEST_ASSESSED:
        smallest = -(-r * v // _LARGEST_ASSESSED)  # blocks of at least this many plots fit
        fitting = [d for d in range(max(smallest, 2), v) if v % d == 0]
        hint = (
            f"use blocks of {fitting[0]} plots or more (a divisor of {v}), or split the "
            "entries into sets"
            if fitting
            else "split the entries into sets"
        )
        raise DataValidationError(
            f"an alpha design of {v} entries in blocks of {k} with {r} replicates has "
            f"{r * s:,} incomplete blocks; its efficiency factor is an eigenvalue problem of "
            f"order {order:,} (at most {_LARGEST_ASSESSED:,}, about a minute), which would "
            f"take hours: {hint}."
        )
    if _is_prime(s) and k == s and r <= s:  # a square lattice: at the upper bound
        alpha = np.outer(np.arange(k), np.arange(r)) % s
        construction = "ij mod s"
    else:
        rng, _ = seeded_rng(seed)
        if _is_prime(s) and k <= s and r <= s:  # alpha(0, 1); its efficiency varies
            starts = [(np.outer(np.arange(k), np.arange(r)) % s, "ij mod s")]
        else:
            starts = [(_search(k, r, s, rng), "search")]
        for _ in range(_RANDOM_STARTS):  # for many blocks, i j mod s is a poorly linked ring
            random = np.zeros((k, r), dtype=int)
            random[1:, 1:] = rng.integers(0, s, (k - 1, r - 1))
            starts.append((random, "random start"))
        # A random (or searched) array can be disconnected, efficiency 0: never start from
        # one.  Too large to compare, a random start is used (near the bound for many blocks).
        compared = min(s * k, s * r) <= _LARGEST_COMPARED
        candidates = [c for c in (starts if compared else starts[1:]) if _connected(c[0], s)]
        for _ in range(0 if candidates else _EXTRA_STARTS):
            random = np.zeros((k, r), dtype=int)
            random[1:, 1:] = rng.integers(0, s, (k - 1, r - 1))
            if _connected(random, s):
                candidates.append((random, "random start"))
                break
        if not candidates:  # i j mod s is connected (rows 0 and 1 differ by 1 in rep 1)
            candidates = [(np.outer(np.arange(k), np.arange(r)) % s, "ij mod s")]
        if compared:
            start, construction = max(candidates, key=lambda c: _array_efficiency(c[0], s))
        else:
            start, construction = candidates[0]
        alpha, _ = _improve(start, s, rng)
        if not np.array_equal(alpha, start):
            construction = f"{construction}, efficiency search"
    blocks = _blocks(alpha, s)
    concurrence = 0
    for a, b in combinations(range(k), 2):
        concurrence = max(concurrence, int(np.bincount((alpha[a] - alpha[b]) % s).max()))
    upper = (v - 1) * (r - 1) / ((v - 1) * (r - 1) + r * (s - 1))
    return AlphaDesign(
        generator=alpha,
        blocks=blocks,
        efficiency=_array_efficiency(alpha, s),
        upper_bound=float(upper),
        max_concurrence=max(concurrence, 1 if k > 1 else 0),
        construction=construction,
    )


def alpha_design(
    treatments: Sequence[str],
    *,
    block_size: int,
    replicates: int,
    seed: int | None = None,
    plot_area_m2: float | None = None,
) -> pd.DataFrame:
    """Randomized field book of a resolvable alpha-lattice design.

    Parameters
    ----------
    treatments : sequence of str
        Treatment (entry) labels; their number must be a multiple of ``block_size``.
    block_size : int
        Plots per incomplete block.
    replicates : int
        Number of replicates (complete blocks), >= 2.
    seed : int, optional
        Random seed (generator search and randomization); the same seed gives the same
        field book.
    plot_area_m2 : float, optional
        Net harvested area of each plot, pre-filled in ``harvested_area_m2``. [m2]

    Returns
    -------
    DataFrame
        Field book with columns :data:`ALPHA_COLUMNS`: ``block`` is the replicate
        (``"1"``, ``"2"``, ...), ``incomplete_block`` the block within it; each incomplete
        block is one field row (``row``), its plots in ``column`` 1..k; ``plot_id`` runs
        ``101..`` in replicate 1, ``201..`` in replicate 2 (``1001..`` with 100 plots or more
        per replicate).  ``attrs["design"]`` records the design (``"alpha"``), seed,
        generator, efficiency factor and its upper bound.  ``yieldtrial report`` reads it
        back as an alpha design (REML, incomplete blocks random).

    Raises
    ------
    DataValidationError
        Fewer than 4 treatments, duplicated labels, a block size that does not divide the
        number of treatments, fewer than 2 replicates.

    References
    ----------
    Patterson & Williams (1976); John & Williams (1995), ch. 4.

    Examples
    --------
    >>> book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=3, replicates=2,
    ...                     seed=1)
    >>> book.groupby("block")["treatment"].nunique().tolist()
    [12, 12]
    >>> book.groupby(["block", "incomplete_block"]).size().unique().tolist()
    [3]
    >>> round(book.attrs["design"]["efficiency"], 4)
    0.5946
    """
    labels = checked_labels(treatments, "treatments", minimum=4)
    rng, used_seed = seeded_rng(seed)
    design = alpha_generator(
        len(labels), block_size=block_size, replicates=replicates, seed=used_seed
    )
    r, s, k = design.blocks.shape
    v = s * k
    allot = rng.permutation(v)  # design number -> label index
    base = 10 ** max(2, len(str(v)))
    rows = []
    for j in range(r):
        block_order = rng.permutation(s)
        number = 0
        for position, block in enumerate(block_order):
            plots = rng.permutation(design.blocks[j, block])
            for col, t in enumerate(plots, start=1):
                number += 1
                rows.append(
                    {
                        "plot_id": str((j + 1) * base + number),
                        "treatment": labels[int(allot[t])],
                        "block": str(j + 1),
                        "incomplete_block": str(position + 1),
                        "row": j * s + position + 1,
                        "column": col,
                    }
                )
    info = {
        "design": "alpha",
        "treatments": labels,
        "replicates": r,
        "block_size": k,
        "blocks_per_replicate": s,
        "seed": used_seed,
        "generator": design.generator.tolist(),
        "construction": design.construction,
        "efficiency": design.efficiency,
        "efficiency_upper_bound": design.upper_bound,
        "max_concurrence": design.max_concurrence,
        "serpentine": False,
    }
    return finish_field_book(rows, ALPHA_COLUMNS, info, plot_area_m2)
