"""The boolean-matrix insert-absorb and sweep (stats.letters) equal the set-based originals.

The set-based functions below are the implementation the letters were validated with
(tests/test_stats_letters.py: published letter displays); the matrix versions must give the
same columns in the same order, so the same letters, on random and structured matrices.
"""

from __future__ import annotations

import numpy as np
import pytest

from yieldtrial.stats import letters as L


def _absorb_sets(columns):
    unique = list(dict.fromkeys(columns))
    return [c for c in unique if not any(c < other for other in unique)]


def _insert_absorb_sets(k, sig):
    columns = [frozenset(range(k))]
    for i in range(k):
        for j in range(i + 1, k):
            if sig[i, j] != 1.0:
                continue
            new = []
            for col in columns:
                if i in col and j in col:
                    new.append(col - {j})
                    new.append(col - {i})
                else:
                    new.append(col)
            columns = _absorb_sets(new)
    return columns


def _sweep_sets(columns):
    cols = [set(c) for c in columns]
    for c_index, col in enumerate(cols):
        for member in sorted(col):
            others = col - {member}
            if sum(member in c for c in cols) <= 1:
                continue
            redundant = all(
                any(member in c and other in c for ci, c in enumerate(cols) if ci != c_index)
                for other in others
            )
            if redundant:
                col.discard(member)
    return _absorb_sets([frozenset(c) for c in cols if c])


def _random_sig(k, density, rng):
    upper = np.triu(rng.random((k, k)) < density, 1)
    sig = (upper | upper.T).astype(float)
    np.fill_diagonal(sig, 0.0)
    return sig


def _means_sig(k, rng):
    """Significance of unequal-SE means (non-consecutive patterns, as with missing plots)."""
    mu = np.sort(rng.normal(0, 1, k))
    se = rng.uniform(0.1, 0.6, k)
    z = np.abs(mu[:, None] - mu[None, :]) / np.sqrt(se[:, None] ** 2 + se[None, :] ** 2)
    sig = (z > 2.5).astype(float)
    np.fill_diagonal(sig, 0.0)
    return sig


@pytest.mark.parametrize("seed", range(40))
def test_matrix_version_equals_the_set_version(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 26))
    sig = _random_sig(k, rng.uniform(0.05, 0.9), rng) if seed % 2 else _means_sig(k, rng)
    columns = L._insert_absorb(k, sig)
    assert columns == _insert_absorb_sets(k, sig)
    assert L._sweep(columns, k) == _sweep_sets(columns)


def test_matrix_version_on_a_larger_family():
    rng = np.random.default_rng(7)
    sig = _means_sig(60, rng)
    columns = L._insert_absorb(60, sig)
    assert columns == _insert_absorb_sets(60, sig)
    assert L._sweep(columns, 60) == _sweep_sets(columns)


@pytest.mark.parametrize("seed", range(6))
def test_absorbing_only_the_split_copies_keeps_the_columns_of_the_full_absorb(seed, monkeypatch):
    # after each split only the copies can repeat or lie inside another column: the same
    # columns, in the same order, as absorbing every column against every other
    rng = np.random.default_rng(100 + seed)
    k = 40
    sig = _random_sig(k, rng.uniform(0.2, 0.6), rng) if seed % 2 else _means_sig(k, rng)
    incremental = L._insert_absorb(k, sig)
    monkeypatch.setattr(L, "_absorb_split", lambda rows, new: L._absorb_rows(rows))
    assert incremental == L._insert_absorb(k, sig)


@pytest.mark.parametrize("seed", range(4))
def test_float32_shared_counts_give_the_columns_of_float64(seed, monkeypatch):
    # the float32 product is exact below 2**24 levels; forcing float64 must not change a column
    rng = np.random.default_rng(200 + seed)
    k = 40
    sig = _random_sig(k, rng.uniform(0.2, 0.6), rng) if seed % 2 else _means_sig(k, rng)
    single = L._insert_absorb(k, sig)
    monkeypatch.setattr(L, "_FLOAT32_EXACT", 0)
    assert single == L._insert_absorb(k, sig)
