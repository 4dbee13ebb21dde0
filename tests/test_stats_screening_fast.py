"""O(n log n) suspect-plot screening (stats._group_screen) against the original algorithm.

The reference functions below are the O(n^2) implementations of ``stats.screening`` as
they were before the vectorized core (main at a3b65a6), kept verbatim as the
definition of the result: on small trials the new code must give the identical table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from screening_cases import random_trial, screen
from yieldtrial.stats import _group_screen, screening
from yieldtrial.stats._group_screen import PairScale, median_of_others, sequential_screen

# ---------------------------------------------------------------- reference (a3b65a6)


def reference_within_treatment(
    values: np.ndarray, groups: np.ndarray, *, known: np.ndarray, decide: Any, limit: Any = None
) -> list[dict[str, Any]]:
    """Run the original sequential loop: every plot judged again in every pass (O(n^2))."""
    n = values.size
    alive = np.isfinite(values) & (values > 0) & ~known
    findings: list[dict[str, Any]] = []
    taken: set[int] = set()
    judge_known = True
    while True:
        adjusted = values
        diffs: list[float] = []
        for g in np.unique(groups[alive]):
            v = adjusted[alive & (groups == g)]
            if v.size >= 2:
                first, second = np.triu_indices(v.size, k=1)
                diffs.extend(np.abs(v[first] - v[second]).tolist())
        if len(diffs) < 3:
            break
        scale = float(np.median(diffs)) / (math.sqrt(2.0) * screening._Z_MAD)
        if not scale > 0:
            break
        candidates: list[tuple[float, dict[str, Any]]] = []
        extra = known & np.isfinite(values) & (values > 0) if judge_known else np.zeros(n, bool)
        for k in np.flatnonzero(alive | extra):
            i = int(k)
            others = alive & (groups == groups[i])
            others[i] = False
            m = int(others.sum())
            if m == 0:
                continue
            centre = float(np.median(adjusted[others]))
            if not centre > 0:
                continue
            z = float(adjusted[i] - centre) / (
                scale * math.sqrt(1.0 + screening._median_variance(m))
            )
            ratio = float(adjusted[i] / centre)
            found = decide(i, ratio, z, centre, m)
            if found is not None:
                candidates.append((abs(z), found))
        if judge_known:
            for _, found in candidates:
                if known[found["_index"]]:
                    findings.append(found)
                    taken.add(found["_index"])
            judge_known = False
        fresh = [c for c in candidates if c[1]["_index"] not in taken]
        if not fresh:
            break
        _, worst = max(fresh, key=lambda c: c[0])
        findings.append(worst)
        taken.add(worst["_index"])
        alive[worst["_index"]] = False
    return findings


def reference_moisture_outliers(
    m: np.ndarray, groups: np.ndarray, blocks: np.ndarray
) -> list[tuple[int, float, float]]:
    """Run the original per-plot moisture check (a mask over all plots per plot)."""
    finite = np.isfinite(m)
    overall = float(np.median(m[finite]))
    mad = float(np.median(np.abs(m[finite] - overall)))
    scale = max(1.4826 * mad, screening.MOISTURE_POINTS / screening.MOISTURE_Z_LIMIT)
    has_blocks = blocks.size and blocks[0] is not None
    out = []
    for i in np.flatnonzero(finite):
        typicals = []
        for same in (groups == groups[i], blocks == blocks[i] if has_blocks else None):
            if same is None:
                continue
            others = finite & same
            others[i] = False
            if others.any():
                typicals.append(float(np.median(m[others])))
        if not typicals:
            typicals = [overall]
        typical = min(typicals, key=lambda v: abs(m[i] - v))
        deviation = float(m[i] - typical)
        if (
            abs(deviation) > screening.MOISTURE_POINTS
            and abs(deviation) / scale > screening.MOISTURE_Z_LIMIT
        ):
            out.append((int(i), typical, deviation / scale))
    return out


def reference_groups(
    data: pd.DataFrame,
    *,
    design: str,
    treatment: str | None,
    factors: tuple[str | None, str | None],
) -> tuple[np.ndarray, np.ndarray]:
    """Integer group codes and labels of the plots compared with each other."""
    if design in ("split_plot", "strip_plot"):
        first, second = factors
        if first is None or second is None:
            from yieldtrial.stats._common import two_factor_columns

            names = ("whole_plot", "sub_plot") if design == "split_plot" else (
                "horizontal", "vertical")  # fmt: skip
            first, second = two_factor_columns(design, names, first, second, treatment=treatment)
        labels = data[first].astype(str) + ":" + data[second].astype(str)
    elif treatment is not None and treatment in data.columns:
        labels = data[treatment].astype(str)
    else:
        raise ValueError(f"design={design!r} needs treatment=<column of the treatment labels>.")
    text = labels.to_numpy(dtype=object)
    _, codes = np.unique(text.astype(str), return_inverse=True)
    return np.ravel(codes), text


def reference_duplicates(
    data: pd.DataFrame,
    ids: np.ndarray,
    groups: np.ndarray,
    blocks: np.ndarray,
    observed: np.ndarray,
    base: Any,
    *,
    plot_id: str,
    measured: Sequence[str],
    design: str,
) -> list[dict[str, Any]]:
    """Find copied records, and a treatment twice in a block that lacks another."""
    rows: list[dict[str, Any]] = []

    def row(i: int, variable: str, rule: str, pattern: str, message: str) -> dict[str, Any]:
        return {
            **base(i),
            "check": "duplicate",
            "variable": variable,
            "value": np.nan,
            "typical": np.nan,
            "ratio": np.nan,
            "statistic": np.nan,
            "p_value": np.nan,
            "p_value_adjusted": np.nan,
            "rule": rule,
            "pattern": pattern,
            "message": message,
        }

    columns = [c for c in dict.fromkeys(measured) if c in data.columns and c != plot_id]
    if columns:
        values = np.column_stack(
            [pd.to_numeric(data[c], errors="coerce").to_numpy(dtype=float) for c in columns]
        )
        seen: dict[tuple[Any, ...], list[int]] = {}
        for k in np.flatnonzero(observed & np.isfinite(values).all(axis=1)):
            key = (str(groups[k]), str(blocks[k]), *values[k].tolist())
            seen.setdefault(key, []).append(int(k))
        for members in (m for m in seen.values() if len(m) > 1):
            shown = ", ".join(f"{c} = {values[members[0], n]:.6g}" for n, c in enumerate(columns))
            for i in members:
                others = ", ".join(str(ids[n]) for n in members if n != i)
                rows.append(
                    row(
                        i,
                        ", ".join(columns),
                        "identical record (treatment, block and every measurement)",
                        "copied row",
                        f"plot {ids[i]} repeats the record of plot(s) {others} (treatment "
                        f"{groups[i]}"
                        + (f", block {blocks[i]}" if blocks[i] is not None else "")
                        + f", {shown}): a copied row?",
                    )
                )
    if design == "rcbd" and len(blocks) and blocks[0] is not None:
        cells: dict[tuple[str, str], list[int]] = {}
        for n in range(len(blocks)):
            cells.setdefault((str(blocks[n]), str(groups[n])), []).append(n)
        labels = sorted({str(g) for g in groups})
        for b in sorted({str(v) for v in blocks}):
            counts = {g: len(cells.get((b, g), [])) for g in labels}
            typical = float(np.median(list(counts.values())))
            extra = [g for g, c in counts.items() if c > typical and c >= 2]
            short = [g for g, c in counts.items() if c < typical]
            if not (extra and short):
                continue
            for g in extra:
                for member in cells[(b, g)]:
                    rows.append(
                        row(
                            member,
                            "treatment",
                            "treatment recorded more often in a block than the others",
                            "treatment label",
                            f"plot {ids[member]}: treatment {g} appears {counts[g]} times in block "
                            f"{b}, which has no plot of {', '.join(short)}: a mistyped treatment "
                            "label?",
                        )
                    )
    return rows


# ---------------------------------------------------------------- random small trials


@pytest.mark.parametrize("chunk", range(6))
def test_suspect_plots_identical_to_reference_on_random_small_trials(chunk, monkeypatch):
    """300 random small trials: the vectorized screening gives the reference table exactly."""
    fast = []
    for seed in range(50 * chunk, 50 * chunk + 50):
        book, kwargs = random_trial(seed)
        fast.append(screen(book, kwargs))
    monkeypatch.setattr(screening, "_within_treatment", reference_within_treatment)
    monkeypatch.setattr(screening, "_moisture_outliers", reference_moisture_outliers)
    monkeypatch.setattr(screening, "_duplicates", reference_duplicates)
    monkeypatch.setattr(screening, "_groups", reference_groups)
    flagged = 0
    for k, seed in enumerate(range(50 * chunk, 50 * chunk + 50)):
        book, kwargs = random_trial(seed)
        expected = screen(book, kwargs)
        pd.testing.assert_frame_equal(fast[k], expected, check_exact=True, obj=f"seed {seed}")
        assert fast[k].attrs["notes"] == expected.attrs["notes"]
        flagged += len(expected)
    assert flagged > 0  # the trials exercise the checks


def _all_decide(limit_z: float):
    """Build a decide() that flags every |z| > limit_z (many sequential findings)."""

    def decide(i, ratio, z, typical, m):
        if abs(z) <= limit_z:
            return None
        return {"_index": i, "ratio": ratio, "z": z, "typical": typical, "m": m}

    def limit(idx, ratio, typical, m):
        return np.full(idx.size, limit_z)

    return decide, limit


@pytest.mark.parametrize("seed", range(40))
def test_sequential_screen_identical_to_reference_with_many_findings(seed):
    """Low limits (many passes), ties, NaN, zeros and known plots: same findings, same order."""
    rng = np.random.default_rng(1000 + seed)
    n = int(rng.integers(4, 80))
    groups = rng.integers(0, int(rng.integers(1, 8)), n)
    values = np.round(rng.lognormal(2, 0.3, n), int(rng.choice([0, 1, 2])))
    values[rng.random(n) < 0.05] = np.nan
    values[rng.random(n) < 0.05] = 0.0
    known = rng.random(n) < 0.1
    decide, limit = _all_decide(float(rng.choice([0.5, 1.0, 2.0])))
    got = sequential_screen(values, groups, known=known, decide=decide, limit=limit)
    want = reference_within_treatment(values, groups, known=known, decide=decide)
    assert got == want


def _assert_numpy_median_of_others(values, codes, pool):
    """``median_of_others`` = numpy.median of each plot's other pooled plots, bit for bit."""
    centre, count = median_of_others(values, codes, pool)
    for i in range(values.size):
        others = pool & (codes == codes[i])
        others[i] = False
        assert count[i] == others.sum()
        if others.any():
            assert centre[i] == np.median(values[others])
        else:
            assert np.isnan(centre[i])


def test_median_of_others_matches_numpy_median():
    """Closed form from the sorted group = numpy.median of the other plots, bit for bit."""
    rng = np.random.default_rng(5)
    values = np.round(rng.normal(10, 2, 300), 1)
    codes = rng.integers(0, 12, 300)
    pool = rng.random(300) < 0.85
    _assert_numpy_median_of_others(values, codes, pool)


@pytest.mark.parametrize("seed", range(40))
def test_median_of_others_matches_numpy_median_on_random_groupings(seed):
    """Per-group lookup (stop 32) = numpy.median of the other plots: sizes 0-9, ties, no pool."""
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 120))
    values = np.round(rng.normal(10, 2, n), int(rng.integers(0, 2)))  # many ties
    codes = rng.integers(0, int(rng.integers(1, 30)), n)  # some codes unused, groups of 1
    pool = rng.random(n) < rng.choice([0.0, 0.5, 0.9, 1.0])
    _assert_numpy_median_of_others(values, codes, pool)


def test_pair_scale_exact_below_the_limit_and_after_removals():
    """Exact regime: numpy.median of every within-group pair, also after plots leave."""
    rng = np.random.default_rng(6)
    values = np.round(rng.normal(10, 2, 200), 2)
    codes = rng.integers(0, 7, 200)
    pool = np.ones(200, bool)
    scale = PairScale(values, codes, pool)
    assert scale.exact
    for step in range(5):
        diffs = []
        for g in np.unique(codes[pool]):
            v = values[pool & (codes == g)]
            a, b = np.triu_indices(v.size, k=1)
            diffs.extend(np.abs(v[a] - v[b]).tolist())
        assert scale.n_pairs == len(diffs)
        assert scale.median() == np.median(diffs)
        out = rng.choice(np.flatnonzero(pool), size=3 + step, replace=False)
        pool[out] = False
        scale.remove(out)


def test_pair_scale_sample_above_the_limit_is_within_its_stated_error():
    """Sampled regime (limit forced low): within 4 stated standard errors of the exact median."""
    rng = np.random.default_rng(7)
    values = rng.normal(50, 3, 6000)
    codes = rng.integers(0, 5, 6000)
    pool = np.ones(6000, bool)
    exact = PairScale(values, codes, pool)  # 3.6 million pairs > limit: sampled by default
    assert not exact.exact
    forced = PairScale(values, codes, pool, exact_limit=10**9)
    assert forced.exact
    relative_se = 1.17 / math.sqrt(_group_screen.SAMPLE_PAIRS)
    assert abs(exact.median() / forced.median() - 1) < 4 * relative_se
    again = PairScale(values, codes, pool)
    assert again.median() == exact.median()  # fixed seed: repeatable


def test_batches_after_the_sequential_limit_find_the_same_plots_in_large_groups():
    """Past the sequential limit, large groups give up all findings of a pass at once."""
    rng = np.random.default_rng(8)
    groups = np.repeat(np.arange(4), 200)
    values = rng.normal(100, 5, 800)
    bad = rng.choice(800, size=40, replace=False)
    values[bad] *= 3
    decide, limit = _all_decide(6.0)
    one = sequential_screen(values, groups, known=np.zeros(800, bool), decide=decide, limit=limit)
    batched = sequential_screen(
        values, groups, known=np.zeros(800, bool), decide=decide, limit=limit, sequential_limit=5
    )
    assert {f["_index"] for f in one} == {f["_index"] for f in batched} == set(bad.tolist())


@pytest.mark.parametrize("chunk", range(2))
def test_cell_counts_without_the_cell_table_give_the_same_findings(chunk, monkeypatch):
    """Copied rows and twice-recorded labels: counted without the cell table, the same rows.

    The hashed and sorted route (the one a sparse layout of millions of cells takes) gives
    the table route's rows exactly, on 100 random small trials with copied rows and doubled
    labels planted.
    """
    tables = []
    for seed in range(50 * chunk, 50 * chunk + 50):
        book, kwargs = random_trial(seed)
        if len(book) > 3:
            book.iloc[3, 1] = book.iloc[2, 1]  # a treatment twice in a block
        tables.append((book, kwargs, screen(book, kwargs)))
    monkeypatch.setattr(screening, "_TABLE_PER_PLOT", 0)
    monkeypatch.setattr(screening, "_TABLE_MIN", 0)
    duplicates = 0
    seeds = range(50 * chunk, 50 * chunk + 50)
    for seed, (book, kwargs, expected) in zip(seeds, tables, strict=True):
        got = screen(book, kwargs)
        pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=f"seed {seed}")
        duplicates += int((expected["check"] == "duplicate").sum())
    assert duplicates > 0  # both kinds of duplicate finding are exercised


def test_labels_index_compare_and_iterate_as_their_object_array():
    """The coded label column answers as ``series.astype(str).to_numpy(dtype=object)``."""
    series = pd.Series(["B", "A", "B", "C"], dtype="str")
    labels = screening._Labels.of(series)
    text = series.astype(str).to_numpy(dtype=object)
    assert labels.codes.tolist() == [0, 1, 0, 2]  # order of first appearance
    assert [labels[i] for i in range(4)] == text.tolist() == list(labels)
    assert (labels == "B").tolist() == (text == "B").tolist()
    assert len(labels) == labels.size == 4
    numbers = screening._Labels.of(pd.Series([2.0, 10.0, 2.0]))  # floats: the text route
    assert list(numbers) == ["2.0", "10.0", "2.0"]


def _previous_sorted_groups(values, codes, pool, by_value=None):
    """``_group_screen._sorted_groups`` before the shared value order (stop 32), verbatim.

    Except its value sort, stable since stop 32 (tied values in plot order on every numpy).
    """
    idx = np.flatnonzero(pool)
    p = idx.size
    if by_value is None:
        by_value = np.argsort(values[idx], kind="stable")
    ngroups = int(codes.max()) + 1 if codes.size else 0
    by_rank = idx[by_value]
    key = codes[by_rank].astype(np.int64, copy=False)
    size = np.bincount(key, minlength=ngroups)
    key *= max(p, 1)
    key += np.arange(p, dtype=np.int64)
    key.sort()
    np.remainder(key, max(p, 1), out=key)
    order = by_rank[key] if p else idx
    start = np.zeros(ngroups, dtype=np.int64)
    np.cumsum(size[:-1], out=start[1:])
    return order, values[order], start, size


@pytest.mark.parametrize("seed", range(40))
def test_sorted_groups_match_the_previous_sorts(seed):
    """Same order (ties included), values, starts and sizes; a shared value order too."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 300))
    values = rng.integers(0, 12, n).astype(float)  # many ties: their order is compared
    values[rng.random(n) < 0.05] = np.nan
    codes = rng.integers(0, int(rng.integers(1, 30)), n)
    kind = seed % 3  # every plot, the finite ones, a random part
    pool = np.ones(n, bool) if kind == 0 else np.isfinite(values)
    if kind == 2:
        pool &= rng.random(n) < 0.7
    if kind == 0:
        values = np.nan_to_num(values, nan=3.0)
    expected = _previous_sorted_groups(values, codes, pool)
    by_rank = _group_screen.value_order(values, pool)
    in_runs = _group_screen._sorted_groups(values, codes, pool)
    shared = _group_screen._sorted_groups(values, codes, pool, by_rank=by_rank)
    for got, order_type in ((in_runs, np.int32), (shared, np.int64)):
        for a, b in zip(got, expected, strict=True):
            np.testing.assert_array_equal(a, b)
        assert got[0].dtype == order_type  # sorted in runs: int32 plot positions (stop 53)
        for a, b in zip(got[1:], expected[1:], strict=True):
            assert a.dtype == b.dtype
    np.testing.assert_array_equal(
        _group_screen.value_order(values, pool),
        np.flatnonzero(pool)[np.argsort(values[pool], kind="stable")],
    )


@pytest.mark.parametrize("seed", range(12))
def test_sorted_groups_in_runs_match_the_previous_sorts(seed, monkeypatch):
    """Runs of a few plots (stop 53): many runs, groups larger than a run, empty groups.

    The expected order is ``_previous_sorted_groups`` (one sort of every plot), so the
    run-by-run sorts give it exactly, ties in plot order included.
    """
    monkeypatch.setattr(_group_screen, "SORT_RUN", int(1 + seed % 4 * 7))
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(1, 400))
    values = rng.integers(0, 9, n).astype(float)
    codes = rng.integers(0, int(rng.integers(1, 60)), n) * int(1 + seed % 2)  # gaps: empty
    pool = rng.random(n) < (1.0 if seed % 3 == 0 else 0.8)
    expected = _previous_sorted_groups(values, codes, pool)
    got = _group_screen._sorted_groups(values, codes, pool)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)


def test_value_order_keeps_tied_values_in_plot_order():
    """Ties in plot order (numpy's default sort orders them differently across versions).

    3,000 values of 4 distinct levels: within each level the plot indices must rise.
    """
    rng = np.random.default_rng(7)
    values = rng.integers(0, 4, 3000).astype(float)
    order = _group_screen.value_order(values, np.ones(values.size, bool))
    assert np.all(np.diff(values[order]) >= 0)
    same = np.diff(values[order]) == 0
    assert np.all(np.diff(order)[same] > 0)
