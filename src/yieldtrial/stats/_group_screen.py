r"""Vectorized core of the within-treatment screening (:mod:`yieldtrial.stats.screening`).

Three pieces, each O(n log n) in the number of plots:

:func:`median_of_others`
    For every plot, the median of the *other* plots of its group, from one sort of the
    plots by (group, value): with the group's values sorted, :math:`s_0 \le \dots \le
    s_{M-1}`, and plot *i* at position *r*, the remaining :math:`m = M - 1` values are
    :math:`s_q` for :math:`q < r` and :math:`s_{q+1}` for :math:`q \ge r`, so their
    median is the order statistic :math:`(m - 1)/2` (odd *m*) or the mean of the order
    statistics :math:`m/2 - 1` and :math:`m/2` (even *m*), read off the sorted group
    without forming the set.  The same floating-point operations as ``numpy.median``
    of the other plots, so the values are identical.
:class:`PairScale`
    The pooled median of the absolute differences of all pairs of plots of one group,
    kept up to date as plots leave.  Exact (every pair enumerated once, sorted) when
    the groups hold at most :data:`EXACT_PAIR_LIMIT` pairs; above that the median of
    :data:`SAMPLE_PAIRS` pairs drawn uniformly (with replacement, fixed seed
    :data:`SAMPLE_SEED`) from all within-group pairs, whose relative standard error is
    about 0.17 % of the scale for normal plot errors (see :class:`PairScale`).
:func:`sequential_screen`
    The remove-the-worst loop: after the first pass only the plots of the group that
    lost a plot are judged again, and only plots that can be findings at the current
    scale (a small candidate pool) are looked at in each pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "EXACT_PAIR_LIMIT",
    "LARGE_GROUP",
    "SAMPLE_PAIRS",
    "SAMPLE_SEED",
    "SEQUENTIAL_LIMIT",
    "PairScale",
    "median_of_others",
    "median_variance",
    "sequential_screen",
]

#: Up to this many within-group pairs the pooled pair-difference median is exact.
EXACT_PAIR_LIMIT = 1_000_000
#: Above :data:`EXACT_PAIR_LIMIT`, the number of pairs sampled for the pooled median.
SAMPLE_PAIRS = 500_000
#: Seed of the pair sample (the result is repeatable for a given table).
SAMPLE_SEED = 20121203
#: Findings taken strictly one at a time before the loop takes them in batches.
SEQUENTIAL_LIMIT = 200
#: In batch mode a group with at least this many plots gives up all its findings of a
#: pass at once (one plot moves the median of the others by one order statistic at most);
#: a smaller group gives up only its worst.
LARGE_GROUP = 20

_Z_MAD = 0.6744897501960817  # standard normal quantile 0.75
# variance of the median of m independent N(0, 1) values (m = 1..7; pi / (2 m) beyond)
_MEDIAN_VARIANCE = np.array([np.nan, 1.0, 0.5, 0.4487, 0.2982, 0.2868, 0.2147, 0.2104])
_BLOCK = 1024  # block size of the pair-order counts
_CHUNK = 1 << 20  # plots per vectorized step where temporaries would be n-sized
_LIMIT_CHUNK = 1 << 18  # plots per step of sequential_screen's limit() and pooled() (arrays each)


def median_variance(m: np.ndarray) -> np.ndarray:
    """Variance of the median of ``m`` standard normal values (table to 7, pi/(2m) beyond)."""
    m = np.asarray(m)
    safe = np.maximum(m, 1)
    return np.where(m <= 7, _MEDIAN_VARIANCE[np.minimum(safe, 7)], math.pi / (2.0 * safe))


Sorted = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def value_order(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Return the pool plots in value order: ``idx[numpy.argsort(values[idx], kind="stable")]``.

    (``idx = numpy.flatnonzero(pool)``).  Stable, so tied values keep plot order on every
    numpy version: above :data:`EXACT_PAIR_LIMIT` pairs the sampled pairs take plot
    identities from this order, and numpy's default sort orders ties differently from one
    version to the next (1.25 and 2.4 differ), which made the screening's scale after a
    removal depend on the installed numpy.  A pool of every plot (the usual case: every
    value finite, none left out) sorts
    ``values`` itself, the same sort of the same numbers, so the same order, without the
    index of the pool, the copy of its values and the look-up (three arrays of n).
    """
    if pool.all():
        return _stable_argsort(values)
    idx = np.flatnonzero(pool)
    return idx[_stable_argsort(values[idx])]


#: Distinct values at most for the counting route of :func:`_stable_argsort` (ranks in uint16,
#: one more for NaN).
_FEW_DISTINCT = 65_534
#: Values looked at first: more distinct values than this among them means the sort route.
_SAMPLE = 1 << 16
_SAMPLE_DISTINCT = 8_192


def _stable_argsort(values: np.ndarray) -> np.ndarray:
    """``numpy.argsort(values, kind="stable")``, by ranks when the values repeat.

    Typed readings take few distinct values (a moisture to 0.1 %, a mass to 0.01 kg: 102
    and 1,093 among 5.9 million plots of the benchmark table), so each value is replaced
    by its rank among the distinct values (``pandas.factorize``, a hash, then a sort of the
    distinct values) and the ranks, 16-bit integers, are sorted stably by numpy's radix
    sort: the same permutation (equal values are equal ranks, kept in plot order; NaN
    ranks last, as numpy sorts it; ``-0.0`` and ``0.0`` are one value to both), in a
    fraction of the time of a merge sort of the floats (moisture: 0.13 s against 0.53 s).
    Values with many distinct numbers (a computed yield) take numpy's sort itself.
    """
    import pandas as pd

    n = values.size
    if n <= _SAMPLE or values.dtype != np.float64:
        return np.argsort(values, kind="stable")
    if pd.unique(values[:_SAMPLE]).size > _SAMPLE_DISTINCT:
        return np.argsort(values, kind="stable")
    codes, distinct = pd.factorize(values)  # NaN: code -1
    count = distinct.size
    if count > _FEW_DISTINCT:
        return np.argsort(values, kind="stable")
    rank = np.empty(count + 1, dtype=np.uint16)
    rank[np.argsort(distinct)] = np.arange(count, dtype=np.uint16)  # distinct: no ties
    rank[count] = count  # code -1 (NaN) reads the last entry: after every number
    ranks = rank[codes]
    del codes
    return np.argsort(ranks, kind="stable")


def _sorted_groups(
    values: np.ndarray, codes: np.ndarray, pool: np.ndarray, *, by_rank: np.ndarray | None = None
) -> Sorted:
    """Pool plots sorted by (group, value): plot indices, values, group starts and sizes.

    Ties of value keep plot order, so the order is that of the triple (group, value, plot).
    Without ``by_rank`` (what the screening calls) the groups are sorted a run of
    consecutive groups at a time (:func:`_sorted_in_runs`): no array of every pool plot is
    made but the plot order (int32 below 2**31 plots) and the sorted values.  ``by_rank``,
    when given, is :func:`value_order` of ``values`` and ``pool`` (it is not changed), and
    the plots are sorted as before stop 53: two integer-friendly sorts, the values first,
    then one sort of ``code * p + value rank`` (p the pool size); the same order, with
    ``by_rank``'s integer type.
    """
    if by_rank is None:
        return _sorted_in_runs(values, codes, pool)
    p = by_rank.size
    ngroups = int(codes.max()) + 1 if codes.size else 0
    # the pool plots in value order, each keyed by code * p + its value rank, sorted in
    # place (few arrays of n: each fresh one costs its page faults at millions of plots)
    key = codes[by_rank].astype(np.int64, copy=False)
    size = np.bincount(key, minlength=ngroups)
    key *= max(p, 1)
    key += np.arange(p, dtype=np.int64)
    key.sort()
    np.remainder(key, max(p, 1), out=key)
    order = by_rank[key]
    del key
    start = np.zeros(ngroups, dtype=np.int64)
    np.cumsum(size[:-1], out=start[1:])
    return order, values[order], start, size


#: Pool plots at most in one run of consecutive groups sorted together by
#: :func:`_sorted_in_runs` (a larger group is a run of its own), and plots per step of its
#: bucketing pass: the sorts' temporaries are arrays of a run (2**18 plots: 2 MiB each).
SORT_RUN = 1 << 18


def _sorted_in_runs(values: np.ndarray, codes: np.ndarray, pool: np.ndarray) -> Sorted:
    """:func:`_sorted_groups` a run of consecutive groups at a time (stop 53, issue 13).

    The group sizes give each run of groups its place in the plot order; one pass over
    the plots, :data:`SORT_RUN` at a time, writes each pool plot's index into its run's
    place (plot order within a run); then each run is sorted stably by value
    (:func:`_stable_argsort`, numpy's stable sort) and stably by group, which orders it
    by (group, value, plot): the order of the sorts of every plot at once, without their
    arrays of every plot (5.9 million plots: the value order, 45 MiB in int64, its int32
    copy and the int64 sort key, 45 MiB, at the data checks' peak).
    """
    n = values.size
    ngroups = int(codes.max()) + 1 if codes.size else 0
    index_type = np.int32 if n < 2**31 else np.int64
    every = bool(pool.all())
    size = np.zeros(ngroups, dtype=np.int64)
    for s in range(0, n, SORT_RUN):
        part = codes[s : s + SORT_RUN]
        size += np.bincount(part if every else part[pool[s : s + SORT_RUN]], minlength=ngroups)
    start = np.zeros(ngroups, dtype=np.int64)
    np.cumsum(size[:-1], out=start[1:])
    p = int(size.sum())
    order = np.empty(p, dtype=index_type)
    sv = np.empty(p, dtype=values.dtype)
    if p == 0:
        return order, sv, start, size
    # runs of consecutive groups of at most SORT_RUN pool plots (a larger group alone)
    end = start + size
    first: list[int] = []
    g = 0
    while g < ngroups:
        first.append(g)
        g = max(g + 1, int(np.searchsorted(end, start[g] + SORT_RUN, side="right")))
    first_of_run = np.array(first, dtype=np.int64)
    run_start = start[first_of_run]
    run_of = np.repeat(np.arange(first_of_run.size), np.diff(np.append(first_of_run, ngroups)))
    run_of = run_of.astype(np.int32)
    # bucketing pass: each run's pool plots in plot order at its place in ``order``
    fill = run_start.copy()
    runs = first_of_run.size
    for s in range(0, n, SORT_RUN):
        span = slice(s, s + SORT_RUN)
        plots = np.arange(s, min(s + SORT_RUN, n), dtype=index_type)
        if not every:
            plots = plots[pool[span]]
        if runs == 1:
            order[fill[0] : fill[0] + plots.size] = plots
            fill[0] += plots.size
            continue
        run = run_of[codes[span] if every else codes[plots]]
        by_run = np.argsort(run, kind="stable")
        count = np.bincount(run, minlength=runs)
        offset = 0
        for r in np.flatnonzero(count).tolist():
            k = int(count[r])
            order[fill[r] : fill[r] + k] = plots[by_run[offset : offset + k]]
            fill[r] += k
            offset += k
    # each run sorted by (group, value, plot): stably by value, then stably by group
    bounds = np.append(run_start, p)
    for r in range(runs):
        a, b = int(bounds[r]), int(bounds[r + 1])
        if b == a:
            continue
        run_plots = order[a:b]
        plots = run_plots[_stable_argsort(values[run_plots])]
        lo, hi = int(first_of_run[r]), int(first[r + 1]) if r + 1 < runs else ngroups
        if hi - lo > 1:
            group: np.ndarray = codes[plots] - lo
            group = group.astype(np.uint16 if hi - lo <= 1 << 16 else np.int64, copy=False)
            plots = plots[np.argsort(group, kind="stable")]  # radix sort of 16-bit codes
        order[a:b] = plots
        np.take(values, plots, out=sv[a:b])
    return order, sv, start, size


def _order_median(sv: np.ndarray, start: np.ndarray, m: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Median of ``m`` values: a sorted run at ``start`` without its element ``r``."""
    ok = m >= 1
    mm = np.where(ok, m, 1)
    q1 = np.where(mm % 2 == 1, (mm - 1) // 2, mm // 2 - 1)
    q2 = mm // 2
    k1 = start + q1 + (q1 >= r)
    k2 = start + q2 + (q2 >= r)
    k1 = np.where(ok, k1, 0)
    k2 = np.where(ok, k2, 0)
    if sv.size == 0:
        return np.full(m.shape, np.nan)
    a = sv[k1]
    b = sv[k2]
    # numpy.median: the middle value (odd m) or the mean of the two middle values
    out = np.where(mm % 2 == 1, a, (a + b) / 2.0)
    return np.where(ok, out, np.nan)


def median_of_others(
    values: np.ndarray,
    codes: np.ndarray,
    pool: np.ndarray,
    *,
    ordered: Sorted | list[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Median of the other pool plots of each plot's group, and how many there are.

    Parameters
    ----------
    values : ndarray of float, shape (n,)
        The plots' values (only pool plots are used).
    codes : ndarray of int, shape (n,)
        Group code of every plot (0 .. G - 1).
    pool : ndarray of bool, shape (n,)
        The plots that make up the comparison sets.
    ordered : tuple or list, optional
        :func:`_sorted_groups` of the same arguments, when already computed.  Given as a
        list it is handed over: emptied, so its plot order and sorted values are freed as
        soon as they are read (millions of plots: about 1.5 x 8 bytes a plot less at the
        peak); a tuple is only read.

    Returns
    -------
    centre, count : ndarray
        For every plot *i*: the median of the pool plots of its group other than *i*
        itself (``numpy.median`` of that set, identical to the last bit) and their
        number; NaN and 0 when there are none.
    """
    n = values.size
    if n == 0:
        return np.full(0, np.nan), np.zeros(0, dtype=np.int64)
    if isinstance(ordered, list):  # the caller's sort handed over: freed here once read
        order, sv, start, size = ordered
        ordered.clear()
    else:
        order, sv, start, size = ordered or _sorted_groups(values, codes, pool)
    del ordered
    ngroups = size.size
    # Within a group of M pool plots the median of the other m = M - 1 takes at most three
    # values, by the plot's rank r against the middle order statistics q1 <= q2 of m:
    # case 0 (r <= q1: both shifted up), case 1 (q1 < r <= q2, even m only), case 2
    # (r > q2: neither shifted); a plot outside the pool sees all M (case 3).  Each case is
    # computed once per group by _order_median (the same operations as per plot) and each
    # plot looks its value up.
    m = np.maximum(size - 1, 0)
    q1 = np.where(m % 2 == 1, (m - 1) // 2, np.maximum(m // 2 - 1, 0))
    q2 = m // 2
    beyond = np.full(ngroups, np.iinfo(np.int64).max, dtype=np.int64)
    table = np.empty((ngroups, 4))
    for case, r in enumerate((np.zeros(ngroups, dtype=np.int64), q2, np.maximum(size - 1, 0))):
        table[:, case] = _order_median(sv, start, m, r)
    table[:, 3] = _order_median(sv, start, size, beyond)
    del sv  # (n floats: freed here unless the caller keeps its sort)
    # each pool plot's case, in sorted order: +1 past q1, +1 past q2 (group by group)
    step = np.zeros(order.size + 1, dtype=np.int8)
    inside = size > 0
    for q in (q1, q2):
        np.add.at(step, (start + q + 1)[inside], 1)
        np.add.at(step, (start + size)[inside], -1)
    case_of = np.full(n, 3, dtype=np.int8)  # not in pool: the whole group
    case_of[order] = np.cumsum(step[:-1], dtype=np.int8)
    del step, order
    flat = table.ravel()
    count = size.astype(np.int32 if n < 2**31 else np.int64)[codes]  # (memory: n < 2**31)
    count -= pool
    centre = np.empty(n)
    for s in range(0, n, _CHUNK):  # bounded temporaries
        part = slice(s, s + _CHUNK)
        key = codes[part] * 4
        key += case_of[part]
        np.take(flat, key, out=centre[part])
    return centre, count


class PairScale:
    r"""Pooled median of within-group absolute pair differences, with plots leaving.

    The pairs are those of the ``pool`` plots of one group.  With at most
    ``exact_limit`` pairs all are enumerated and the median is exact (``numpy.median`` of
    the same differences).  Above it, ``sample`` pairs are drawn uniformly from all
    within-group pairs (a group with probability proportional to its number of pairs,
    then two different plots of it; numpy's PCG64 with seed ``seed``), and the median
    is that of the sampled pairs.  For normal plot errors the absolute difference of a
    pair is half-normal with density :math:`0.4495/\sigma` at its median
    :math:`0.954\,\sigma`, so the sample median of *R* pairs has relative standard error
    :math:`0.5/(0.4495 \cdot 0.954\sqrt{R}) = 1.17/\sqrt{R}`: 0.17 % for the default
    :math:`R = 500{,}000` (the pairs share plots, which changes this little when the groups
    hold many more plots than a pair sample draws from each).  A plot that leaves takes
    its pairs (enumerated or sampled) with it; the total number of pairs is tracked
    exactly.
    """

    def __init__(
        self,
        values: np.ndarray,
        codes: np.ndarray,
        pool: np.ndarray,
        *,
        exact_limit: int = EXACT_PAIR_LIMIT,
        sample: int = SAMPLE_PAIRS,
        seed: int = SAMPLE_SEED,
        ordered: Sorted | None = None,
    ) -> None:
        order, _sv, start, size = ordered or _sorted_groups(values, codes, pool)
        self._codes = codes
        self._size = size.copy()
        pairs = size * (size - 1) // 2
        self.n_pairs = int(pairs.sum())
        self.exact = self.n_pairs <= exact_limit
        if self.exact:
            # every pair (p, q), p < q, of positions in the same group
            pos = np.arange(order.size, dtype=np.int64)
            end = np.repeat(start + size, size)
            length = end - pos - 1
            total = int(length.sum())
            first = np.repeat(pos, length)
            offset = np.arange(total, dtype=np.int64) - np.repeat(
                np.cumsum(length) - length, length
            )
            a = order[first]
            b = order[first + 1 + offset]
        else:
            rng = np.random.default_rng(seed)
            weights = np.cumsum(pairs.astype(float))
            g = np.searchsorted(weights, rng.random(sample) * weights[-1], side="right")
            g = np.minimum(g, size.size - 1)
            m = size[g]
            # two different plots of the group, uniform: floor(u m) and floor(u (m - 1)),
            # the second moved past the first
            first = np.minimum((rng.random(sample) * m).astype(np.int64), m - 1)
            second = np.minimum((rng.random(sample) * (m - 1)).astype(np.int64), m - 2)
            second = second + (second >= first)
            a = order[start[g] + first]
            b = order[start[g] + second]
        d = np.abs(values[a] - values[b])
        sort = np.argsort(d)  # ties in any order: only the values matter
        self._d = d[sort]
        self._a = a[sort]
        self._b = b[sort]
        self._n = values.size
        self._alive = np.ones(self._d.size, dtype=bool)
        self._count = np.bincount(np.arange(self._d.size) // _BLOCK).astype(np.int64)
        self._n_alive = int(self._d.size)
        self._pair_pos: np.ndarray | None = None
        self._pair_ptr: np.ndarray | None = None

    def _index_plots(self) -> tuple[np.ndarray, np.ndarray]:
        """Pair positions of each plot (CSR), built at the first removal."""
        if self._pair_pos is None or self._pair_ptr is None:
            ends = np.concatenate([self._a, self._b]).astype(np.int64)
            where = np.tile(np.arange(self._d.size, dtype=np.int64), 2)
            shift = max(int(self._d.size).bit_length(), 1)
            key = np.sort((ends << shift) | where)  # one integer sort, faster than argsort
            self._pair_pos = key & ((1 << shift) - 1)
            # int32 below 2**31 pair ends (an index of n + 1: half the memory)
            ptr = np.zeros(self._n + 1, dtype=np.int32 if ends.size < 2**31 else np.int64)
            np.cumsum(np.bincount(ends, minlength=self._n), out=ptr[1:])
            self._pair_ptr = ptr
        return self._pair_pos, self._pair_ptr

    def remove(self, plots: np.ndarray) -> None:
        """Take the pairs of ``plots`` (pool plots, each removed once) out of the median."""
        plots = np.asarray(plots, dtype=np.int64)
        if plots.size == 0:
            return
        g = self._codes[plots]
        for code in g:  # exact pair count: a plot leaves with its group mates' pairs
            self._size[code] -= 1
            self.n_pairs -= int(self._size[code])
        pair_pos, pair_ptr = self._index_plots()
        lo = pair_ptr[plots]
        hi = pair_ptr[plots + 1]
        if int((hi - lo).sum()) == 0:
            return
        pos = np.concatenate([pair_pos[s:e] for s, e in zip(lo, hi, strict=True)])
        pos = pos[self._alive[pos]]
        if pos.size == 0:
            return
        pos = np.unique(pos)
        self._alive[pos] = False
        np.subtract.at(self._count, pos // _BLOCK, 1)
        self._n_alive -= int(pos.size)

    def group_size(self, code: int) -> int:
        """Count the plots of group ``code`` still in the comparison sets."""
        return int(self._size[code])

    def _kth(self, k: int, cum: np.ndarray) -> float:
        blk = int(np.searchsorted(cum, k + 1, side="left"))
        before = int(cum[blk - 1]) if blk else 0
        part = np.flatnonzero(self._alive[blk * _BLOCK : (blk + 1) * _BLOCK])
        return float(self._d[blk * _BLOCK + int(part[k - before])])

    def median(self) -> float:
        """Median of the remaining pair differences (NaN when none remain)."""
        n = self._n_alive
        if n == 0:
            return float("nan")
        cum = np.cumsum(self._count)
        if n % 2 == 1:
            return self._kth(n // 2, cum)
        return (self._kth(n // 2 - 1, cum) + self._kth(n // 2, cum)) / 2.0

    def scale(self) -> float:
        """Robust plot standard deviation: median / (sqrt(2) z_0.75)."""
        return self.median() / (math.sqrt(2.0) * _Z_MAD)


def _first_by_abs(cand: np.ndarray, z: np.ndarray) -> Any:
    """Yield positions in order of decreasing ``|z|``, ties by plot; cheap for the first few."""
    absz = np.abs(z)
    left = np.ones(absz.size, dtype=bool)
    for _ in range(8):  # the first few by repeated maxima, O(k) each
        if not left.any():
            return
        top = np.flatnonzero(left & (absz == absz[left].max()))
        j = int(top[np.argmin(cand[top])])
        left[j] = False
        yield j
    rest = np.flatnonzero(left)
    yield from rest[np.lexsort((cand[rest], -absz[rest]))].tolist()


Decide = Callable[[int, float, float, float, int], "dict[str, Any] | None"]
Limit = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]

_ALWAYS = -1.0  # threshold of a plot that is a finding whatever its z


def sequential_screen(
    values: np.ndarray,
    groups: np.ndarray,
    *,
    known: np.ndarray,
    decide: Decide,
    limit: Limit,
    sequential_limit: int = SEQUENTIAL_LIMIT,
    large_group: int = LARGE_GROUP,
    exact_limit: int = EXACT_PAIR_LIMIT,
) -> list[dict[str, Any]]:
    r"""Sequential robust comparison of each plot with the rest of its group.

    Same result as judging every plot in every pass (the reference algorithm of
    ``tests/test_stats_screening_fast.py``), while each pass after the first costs
    O(size of the group that changed + candidate pool).

    Parameters
    ----------
    values : ndarray of float, shape (n,)
        Values compared (only finite, positive values take part).
    groups : ndarray of int, shape (n,)
        Group codes.
    known : ndarray of bool, shape (n,)
        Plots left out of the comparison sets from the start (judged once, in the
        first pass).
    decide : callable
        ``decide(i, ratio, z, typical, m)`` returns a finding (a dict with ``"_index"``)
        or None; it must be monotone in ``|z|`` (a finding at ``|z|`` stays one at any
        larger ``|z|`` with the other arguments unchanged).
    limit : callable
        ``limit(indices, ratios, typicals, m)`` returns, per plot, a threshold ``T``
        with ``decide(...) is None`` whenever ``|z| <= T`` (a lower bound is enough;
        ``-1`` for "always a finding", ``inf`` for "never").
    sequential_limit : int
        Findings taken one at a time; beyond that each pass takes the worst finding of
        every group with fewer than ``large_group`` plots and all findings of the larger
        groups.

    Returns
    -------
    list of dict
        The findings: the known plots' first (plot order), then in the order taken.
    """
    n = values.size
    positive = np.isfinite(values) & (values > 0)
    alive = positive & ~known
    extra = known & positive
    del positive
    findings: list[dict[str, Any]] = []
    if n == 0 or not alive.any():
        return findings
    # plot positions as int32 below 2**31 plots (held through the loop: half the memory),
    # sorted a run of groups at a time (no sort of every plot at once; stop 53)
    ordered = _sorted_groups(values, groups, alive)
    pairs = PairScale(values, groups, alive, exact_limit=exact_limit, ordered=ordered)
    if pairs.n_pairs < 3:
        return findings
    scale = pairs.scale()
    if not scale > 0:
        return findings

    # the sorted values are not held through the loop: a changed group reads its values
    # again (values[order], the same numbers; memory: n floats); handed over in a list,
    # they are freed inside median_of_others before its own arrays of n are made
    order, gstart, gsize = ordered[0], ordered[2], ordered[3]
    handed = list(ordered)
    del ordered
    centre, m = median_of_others(values, groups, alive, ordered=handed)
    del handed
    valid = (m >= 1) & (centre > 0)
    m = m.astype(np.int32, copy=False)  # int32 already below 2**31 plots: no copy of n

    # per-plot quantities from (values, centre, m), computed where needed (memory: n floats)
    def dev(idx: Any) -> Any:
        return values[idx] - centre[idx]

    # sqrt(1 + v_m) looked up by m (m never grows: plots only leave); the same
    # elementwise operations as on each plot's m, so the same bits
    cfac_of = np.sqrt(1.0 + median_variance(np.arange(int(m.max()) + 1)))

    def cfac(idx: Any) -> Any:
        return cfac_of[m[idx]]

    def ratio(idx: Any) -> Any:
        return values[idx] / centre[idx]

    # Each plot's threshold is limit() of its (ratio, centre, m), computed for the plots
    # asked about (limit is elementwise: the same numbers as for every plot at once), not
    # held for every plot (5.9 million plots: 45 MiB, at the screening's peak; stop 43).
    # ``raised`` holds the thresholds raised by a decide() that found nothing (a plot's
    # entry is dropped when its group changes and its threshold is computed afresh); the
    # candidate pool keeps its plots' thresholds beside it (``pool_t``).
    raised: dict[int, float] = {}

    def threshold(idx: np.ndarray) -> np.ndarray:
        t = np.full(idx.size, np.inf)
        ok = valid[idx]
        if ok.any():
            sel = idx[ok]
            t[ok] = limit(sel, ratio(sel), centre[sel], m[sel])
        if raised:
            keys = np.fromiter(raised, dtype=np.int64, count=len(raised))
            for j in np.flatnonzero(np.isin(idx, keys)):
                t[j] = raised[int(idx[j])]
        return t

    def call(i: int, z: float) -> dict[str, Any] | None:
        return decide(i, float(ratio(i)), z, float(centre[i]), int(m[i]))

    # first pass: the known plots, once, in plot order
    first = np.flatnonzero(extra & valid)
    first_t = threshold(first)
    del extra
    for k, t in zip(first.tolist(), first_t.tolist(), strict=True):
        i = int(k)
        z = float(dev(i)) / (scale * float(cfac(i)))
        if abs(z) > t:
            found = call(i, z)
            if found is not None:
                findings.append(found)
    del first, first_t

    # sorted alive values of each group (modified groups get their own arrays)
    current: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def members(g: int) -> tuple[np.ndarray, np.ndarray]:
        if g not in current:
            s, e = int(gstart[g]), int(gstart[g] + gsize[g])
            plots = order[s:e].copy()
            current[g] = (plots, values[plots])
        return current[g]

    floor = 0.0

    def pooled(idx: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.isfinite(t) & (
            (t < 0) | (np.abs(dev(idx)) > t * floor * cfac(idx) * (1.0 - 1e-9))
        )

    def rebuild() -> tuple[np.ndarray, np.ndarray]:
        # the candidates in plot order, a span of plots at a time (no index of all of them)
        parts, tparts = [], []
        for s in range(0, n, _LIMIT_CHUNK):  # (limit() and pooled() make arrays of a span)
            span = slice(s, s + _LIMIT_CHUNK)
            cand = np.flatnonzero(alive[span] & valid[span]) + s
            t = threshold(cand)
            keep = pooled(cand, t)
            parts.append(cand[keep])
            tparts.append(t[keep])
        return np.concatenate(parts), np.concatenate(tparts)

    floor = 0.9 * scale
    pool, pool_t = rebuild()
    taken = 0
    while True:
        if scale < floor:
            floor = 0.9 * scale
            pool, pool_t = rebuild()
        z = dev(pool) / (scale * cfac(pool))
        absz = np.abs(z)
        hit = absz > pool_t
        at = np.flatnonzero(hit)
        cand = pool[hit]
        cz = z[hit]
        picked: list[int] = []
        seen: set[int] = set()
        batch = taken >= sequential_limit
        rank: Any
        if batch:
            rank = np.lexsort((cand, -np.abs(cz)))
        else:  # only the worst is needed: the largest |z|, the first plot on a tie
            rank = _first_by_abs(cand, cz)
        for j in rank:
            i = int(cand[j])
            zi = float(cz[j])
            g = int(groups[i])
            if batch and g in seen and pairs.group_size(g) < large_group:
                continue
            found = call(i, zi)
            if found is None:
                pool_t[at[j]] = raised[i] = max(float(pool_t[at[j]]), abs(zi))
                continue
            findings.append(found)
            picked.append(i)
            seen.add(g)
            if not batch:
                break
        if not picked:
            break
        taken += len(picked)
        out = np.array(picked, dtype=np.int64)
        alive[out] = False
        pairs.remove(out)
        if len(findings) >= n:  # pragma: no cover - defensive
            break
        if pairs.n_pairs < 3:
            break
        scale = pairs.scale()
        if not scale > 0:
            break
        changed = sorted({int(groups[i]) for i in picked})
        if raised:  # the changed groups' thresholds are computed afresh
            for i in [i for i in raised if int(groups[i]) in changed]:
                del raised[i]
        fresh, fresh_t = [], []
        for g in changed:
            plots, vals = members(g)
            keep = alive[plots]
            plots, vals = plots[keep], vals[keep]
            current[g] = (plots, vals)
            size = plots.size
            mg = np.full(size, size - 1, dtype=np.int64)
            cg = _order_median(vals, np.zeros(size, dtype=np.int64), mg, np.arange(size))
            centre[plots] = cg
            m[plots] = mg
            valid[plots] = (mg >= 1) & (cg > 0)
            ok = plots[valid[plots]]
            if ok.size:
                t = threshold(ok)
                keep = pooled(ok, t)
                fresh.append(ok[keep])
                fresh_t.append(t[keep])
        keep = alive[pool] & ~np.isin(groups[pool], changed)
        pool = np.concatenate([pool[keep], *fresh])
        pool_t = np.concatenate([pool_t[keep], *fresh_t])
    return findings
