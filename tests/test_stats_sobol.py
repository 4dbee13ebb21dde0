"""Scrambled Sobol' points of :mod:`yieldtrial.stats._sobol` against scipy.stats.qmc.Sobol.

The expected points are scipy's own (``qmc.Sobol(d, scramble=True, seed=s).random_base2(m)``),
compared bit for bit: the generator must reproduce them exactly, so that every
quasi-Monte Carlo p-value stays what it was when scipy generated the points.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import qmc

from yieldtrial.stats import _mvt_sov, _sobol


@pytest.fixture
def fresh_cache():
    """Clear the direction-number and scramble caches around a test that fakes the data file."""
    for f in (_sobol._raw_direction_numbers, _sobol.direction_numbers, _sobol._scrambled):
        f.cache_clear()
    yield
    for f in (_sobol._raw_direction_numbers, _sobol.direction_numbers, _sobol._scrambled):
        f.cache_clear()


@pytest.mark.parametrize("dim", [1, 2, 19, 40])
@pytest.mark.parametrize("level", [0, 1, 4, 9])
def test_points_equal_scipy_bit_for_bit(dim: int, level: int) -> None:
    """Same points as scipy's scrambled Sobol' engine, for the seeds the integrations use."""
    for seed in (_mvt_sov.SOBOL_SEED, _mvt_sov.SOBOL_SEED + 7, 0):
        expected = qmc.Sobol(dim, scramble=True, seed=seed).random_base2(level)
        got = _sobol.sobol_points(dim, level, seed)
        assert got.dtype == expected.dtype and np.array_equal(got, expected), (dim, level, seed)


def test_large_level_equals_scipy() -> None:
    """2**14 points (the largest count the integrations draw) in 19 dimensions."""
    seed = _mvt_sov.SOBOL_SEED + 3
    expected = qmc.Sobol(19, scramble=True, seed=seed).random_base2(14)
    assert np.array_equal(_sobol.sobol_points(19, 14, seed), expected)


def test_every_level_from_the_cached_scrambles_equals_scipy() -> None:
    # stop 42: the scrambles are cached (a curve asks for levels 6 to 10 with the same
    # seeds); each level's points stay scipy's, and the cached arrays are read-only
    _sobol._scrambled.cache_clear()
    for level in (6, 7, 8):
        expected = qmc.Sobol(19, scramble=True, seed=3).random_base2(level)
        assert np.array_equal(_sobol.sobol_points(19, level, 3), expected)
    assert _sobol._scrambled.cache_info().hits == 2
    shift, scrambled = _sobol._scrambled(19, 3)
    assert not shift.flags.writeable and not scrambled.flags.writeable


def test_direction_numbers_come_from_scipy_data_file() -> None:
    """The generator reads scipy's direction numbers itself (not the scipy.stats fallback).

    Unscrambled, the second point of the sequence is the first direction number of every
    dimension (Gray code of 1 is 1), times ``2**-30``.
    """
    v = _sobol.direction_numbers(40)
    assert v is not None and v.shape == (40, _sobol.BITS) and v.dtype == np.uint32
    plain = qmc.Sobol(40, scramble=False).random_base2(1)
    assert np.array_equal(plain[1], v[:, 0] / 2.0**_sobol.BITS)


def test_mvt_sov_points_are_scipy_points() -> None:
    """The integrations' cached point sets are scipy's points, clipped into (0, 1)."""
    pts = _mvt_sov._sobol(5, 6)
    for j in range(_mvt_sov.REPLICATES):
        engine = qmc.Sobol(5, scramble=True, seed=_mvt_sov.SOBOL_SEED + j)
        expected = np.clip(engine.random_base2(6), 1e-15, 1.0 - 1e-15)
        assert np.array_equal(pts[j], expected)


def test_missing_data_file_falls_back_to_scipy(monkeypatch, fresh_cache) -> None:
    """Without scipy's data file the points come from scipy.stats.qmc (still the same)."""
    monkeypatch.setattr(_sobol, "_data_path", lambda: None)
    assert _sobol.direction_numbers(3) is None
    expected = qmc.Sobol(3, scramble=True, seed=11).random_base2(5)
    assert np.array_equal(_sobol.sobol_points(3, 5, 11), expected)


def test_other_file_layout_falls_back_to_scipy(monkeypatch, fresh_cache, tmp_path: Path) -> None:
    """A data file with another layout (here ``vinit`` 10 columns wide) is not used."""
    path = tmp_path / "numbers.npz"
    np.savez_compressed(path, vinit=np.ones((50, 10), dtype=np.int64), poly=np.arange(50) * 2 + 1)
    monkeypatch.setattr(_sobol, "_data_path", lambda: path)
    assert _sobol.direction_numbers(3) is None
    expected = qmc.Sobol(3, scramble=True, seed=4).random_base2(3)
    assert np.array_equal(_sobol.sobol_points(3, 3, 4), expected)


def test_unreadable_data_file_falls_back_to_scipy(monkeypatch, fresh_cache, tmp_path) -> None:
    """A data file that is not a zip archive is not used."""
    path = tmp_path / "numbers.npz"
    path.write_bytes(b"not a zip file")
    monkeypatch.setattr(_sobol, "_data_path", lambda: path)
    assert _sobol.direction_numbers(2) is None
    assert not zipfile.is_zipfile(path)
    expected = qmc.Sobol(2, scramble=True, seed=4).random_base2(2)
    assert np.array_equal(_sobol.sobol_points(2, 2, 4), expected)
