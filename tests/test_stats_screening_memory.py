"""The screening's memory pass (stop 32, second pass) gives the previous results exactly.

The moisture check, the copied-row cell counts and the within-treatment screens now work in
smaller integer types, in chunks of plots and without copies of the columns they read; the
references below are the functions as they were before (the starting commit, 1cb167c),
kept verbatim, and every result is compared exactly, with the chunks made small enough that
the random trials span several of them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from screening_cases import random_trial, screen
from yieldtrial.stats import _group_screen, screening
from yieldtrial.stats._group_screen import median_of_others, value_order

# ---------------------------------------------------------------- reference (1cb167c)


def previous_moisture_outliers(m, groups, blocks, *, limit=screening.MOISTURE_Z_LIMIT):
    """``screening._moisture_outliers`` at 1cb167c, verbatim (int64 orders, whole arrays)."""
    sorted_groups = _group_screen._sorted_groups
    finite = np.isfinite(m)
    overall = float(np.median(m[finite]))
    mad = float(np.median(np.abs(m[finite] - overall)))
    scale = max(1.4826 * mad, screening.MOISTURE_POINTS / screening.MOISTURE_Z_LIMIT)
    has_blocks = bool(blocks.size and blocks[0] is not None)
    by_rank = value_order(m, finite)
    ordered = sorted_groups(m, groups, finite, by_rank=by_rank)
    typical, count = median_of_others(m, groups, finite, ordered=ordered)
    del ordered
    have = count > 0
    if has_blocks:
        block_codes = screening._codes_of(blocks)[0]
        ordered = sorted_groups(m, block_codes, finite, by_rank=by_rank)
        by_block, block_count = median_of_others(m, block_codes, finite, ordered=ordered)
        del ordered, by_rank
        block_nearer = block_count > 0
        block_nearer &= ~have | (np.abs(m - by_block) < np.abs(m - typical))
        typical = np.where(block_nearer, by_block, typical)
        have = have | (block_count > 0)
    typical = np.where(have, typical, overall)
    deviation = m - typical
    with np.errstate(invalid="ignore"):
        hit = finite & (np.abs(deviation) > screening.MOISTURE_POINTS)
        hit &= np.abs(deviation) / scale > limit
    return [(int(i), float(typical[i]), float(deviation[i] / scale)) for i in np.flatnonzero(hit)]


def previous_spread_check(values, *, log, floor, limit):
    """``screening._spread_check`` at 1cb167c, verbatim."""
    finite = values[np.isfinite(values)]
    centre = float(np.median(finite)) if finite.size else float("nan")
    x = np.log(values) if log else values
    c = math.log(centre) if log and centre > 0 else centre
    dev = x - c
    mad = float(np.median(np.abs(dev[np.isfinite(dev)]))) if finite.size else float("nan")
    scale = max(1.4826 * mad, floor / limit)
    return centre, dev, dev / scale


def _random_moisture(seed: int):
    """Moisture readings with ties, NaN, wet blocks and planted wrong readings."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 400))
    groups = rng.integers(0, int(rng.integers(1, 12)), n)
    block_codes = rng.integers(0, int(rng.integers(1, 40)), n)
    m = np.round(rng.normal(14, rng.uniform(0.2, 3), n), int(rng.choice([0, 1])))
    m += (block_codes % 3 == 0) * rng.uniform(0, 4)  # wetter blocks
    m[rng.random(n) < 0.05] = np.nan
    for k in rng.integers(0, n, int(rng.integers(0, 6))):
        m[k] = float(rng.choice([51.2, 1.4, 45.0, 30.0, 2.0]))
    with_blocks = seed % 4 != 0
    labels = np.array([str(b) for b in range(int(block_codes.max()) + 1)], dtype=object)
    blocks = (
        screening._Labels(block_codes, labels)
        if with_blocks
        else screening._Labels(np.zeros(n, dtype=np.int64), np.array([None], dtype=object))
    )
    return m, groups, blocks


@pytest.mark.parametrize("chunk", [1, 7, 1 << 20])
def test_moisture_outliers_identical_to_the_previous_on_random_readings(chunk, monkeypatch):
    """60 random tables per chunk size: the same plots, typicals and z (bits), in order."""
    monkeypatch.setattr(screening, "_CHUNK", chunk)
    found = 0
    for seed in range(60):
        m, groups, blocks = _random_moisture(seed)
        if np.isfinite(m).sum() < 3:
            continue
        for limit in (screening.MOISTURE_Z_LIMIT, 2.0):
            expected = previous_moisture_outliers(m, groups, blocks, limit=limit)
            got = screening._moisture_outliers(m, groups, blocks, limit=limit)
            assert got == expected, f"seed {seed}"
            found += len(expected)
    assert found > 0  # the tables exercise the check


@pytest.mark.parametrize("log", [True, False])
def test_spread_check_identical_to_the_previous(log):
    """Median, deviations and z of random areas (ties, NaN, none finite): the same bits."""
    rng = np.random.default_rng(11)
    for k in range(40):
        n = int(rng.integers(0, 300))
        values = np.round(rng.uniform(15, 25, n), int(rng.choice([0, 1, 3])))
        values[rng.random(n) < 0.1] = np.nan
        if k == 0:
            values[:] = np.nan
        before = values.copy()
        got = screening._spread_check(values, log=log, floor=0.2, limit=5.0)
        expected = previous_spread_check(values, log=log, floor=0.2, limit=5.0)
        np.testing.assert_array_equal(values, before)  # the input is not changed
        assert (got[0] == expected[0]) or (math.isnan(got[0]) and math.isnan(expected[0]))
        for a, b in zip(got[1:], expected[1:], strict=True):
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype


@pytest.mark.parametrize("chunk", [1, 5, 1 << 20])
def test_repeated_cells_identical_to_the_whole_count_lookup(chunk, monkeypatch):
    """The chunked look-up of the cell counts is ``bincount(cell)[cell] > 1`` (1cb167c)."""
    monkeypatch.setattr(screening, "_CHUNK", chunk)
    rng = np.random.default_rng(3)
    for _ in range(30):
        n = int(rng.integers(1, 200))
        first = rng.integers(0, 6, n).astype(np.int32)
        second = rng.integers(0, 30, n)
        n_second = int(second.max()) + 1
        cell = first.astype(np.int64) * n_second + second
        expected = np.bincount(cell)[cell] > 1
        np.testing.assert_array_equal(screening._repeated_cells(first, second), expected)


@pytest.mark.parametrize("chunk", [3, 64])
def test_suspect_plots_identical_with_small_chunks(chunk, monkeypatch):
    """80 random small trials: the screening in chunks of a few plots gives the same table.

    The within-treatment screens judge, pool and rebuild their candidates a span of plots
    at a time and the moisture check and cell counts work in chunks; with chunks smaller
    than the trials every boundary case is crossed.
    """
    tables = []
    seeds = range(80)
    for seed in seeds:
        book, kwargs = random_trial(seed)
        tables.append((book, kwargs, screen(book, kwargs)))
    monkeypatch.setattr(screening, "_CHUNK", chunk)
    monkeypatch.setattr(_group_screen, "_CHUNK", chunk)
    flagged = 0
    for seed, (book, kwargs, expected) in zip(seeds, tables, strict=True):
        got = screen(book, kwargs)
        pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=f"seed {seed}")
        assert got.attrs["notes"] == expected.attrs["notes"]
        flagged += len(expected)
    assert flagged > 0


def test_float_values_is_to_numeric_and_shares_a_float_column():
    """A float64 column is read as its own values; other columns as ``to_numeric`` gives."""
    floats = pd.Series([1.5, np.nan, -0.0, np.inf])
    got = screening._float_values(floats)
    np.testing.assert_array_equal(got, floats.to_numpy())
    assert got.dtype == np.float64
    assert np.shares_memory(got, floats.to_numpy())  # no copy
    for series in (
        pd.Series([1, 2, 3]),
        pd.Series(["1.5", "x", None], dtype=object),
        pd.Series([1.5, 2.0], dtype="Float64"),
        pd.Series([1.5, 2.0], dtype="float32"),
    ):
        expected = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        got = screening._float_values(series)
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == expected.dtype == np.float64


def test_labels_keep_int32_codes_with_the_same_values():
    """Label codes below 2**31 are int32 (half the memory), the values unchanged."""
    series = pd.Series(["B", "A", "B", "C"] * 3)
    labels = screening._Labels.of(series)
    assert labels.codes.dtype == np.int32
    assert labels.codes.tolist() == [0, 1, 0, 2] * 3  # order of first appearance
    assert list(labels) == series.tolist()


def test_median_of_others_count_is_int32_with_the_same_values():
    """The count of the other plots: int32 (n < 2**31), the numbers as before."""
    rng = np.random.default_rng(7)
    values = rng.normal(size=300)
    codes = rng.integers(0, 9, 300)
    pool = rng.random(300) < 0.8
    _, count = median_of_others(values, codes, pool)
    sizes = np.bincount(codes[pool], minlength=9)
    assert count.dtype == np.int32
    np.testing.assert_array_equal(count, sizes[codes] - pool)
