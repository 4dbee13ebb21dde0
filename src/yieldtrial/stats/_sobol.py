"""Scrambled Sobol' points, bit-identical to :class:`scipy.stats.qmc.Sobol`, without scipy.stats.

``qmc.Sobol(d, scramble=True, seed=s).random_base2(m)`` is the only thing the
quasi-Monte Carlo integrations need from :mod:`scipy.stats`, whose import costs about
0.3-0.45 s of CPU in a fresh process (more than a whole Dunnett family).  This module
computes the same points with numpy alone:

1. direction numbers: Joe and Kuo's D(6) set [1]_ read from scipy's own data file
   ``scipy/stats/_sobol_direction_numbers.npz`` (found without importing
   :mod:`scipy.stats`; only the rows needed are decompressed), extended to 30 bits by the
   Bratley-Fox recurrence [2]_ and scaled to the 30-bit integer grid;
2. scrambling: a random digital shift, then a left linear matrix scramble of every
   dimension's direction numbers by a random unit lower-triangular bit matrix [3]_, with
   the same ``numpy.random.default_rng(seed)`` draws in the same order as scipy (the
   shift's ``d x 30`` bits first, then the ``d x 30 x 30`` matrix bits, both drawn as
   ``uint32``);
3. points in Gray-code order: point ``i`` is the shift XOR the direction numbers of the
   set bits of ``gray(i) = i ^ (i >> 1)`` (built by reflection, ``2**m`` points at once),
   times ``2**-30``.

Every step is exact integer arithmetic, so the points equal scipy's bit for bit (the
tests compare them with ``np.array_equal`` for several dimensions and sizes, in the newest
and the oldest supported scipy).  When the data file is missing or its layout differs
from the one described here, :func:`sobol_points` falls back to ``scipy.stats.qmc``.

May import: numpy and the standard library (``scipy.stats.qmc`` only as the fallback).

References
----------
.. [1] S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better two-dimensional
   projections," SIAM J. Sci. Comput. 30 (2008) 2635-2654, :doi:`10.1137/070709359`.
.. [2] P. Bratley and B. L. Fox, "Algorithm 659: Implementing Sobol's quasirandom sequence
   generator," ACM Trans. Math. Softw. 14 (1988) 88-100, :doi:`10.1145/42288.214372`.
.. [3] J. Matousek, "On the L2-discrepancy for anchored boxes," J. Complexity 14 (1998)
   527-556, :doi:`10.1006/jcom.1998.0489`.
"""

from __future__ import annotations

import importlib.util
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["BITS", "direction_numbers", "sobol_points"]

#: Bits of every point (scipy's default ``bits``): points are multiples of ``2**-30``.
BITS = 30

#: Degree bound of the primitive polynomials in the data file (columns of ``vinit``).
_MAX_DEGREE = 18

_DATA_FILE = ("stats", "_sobol_direction_numbers.npz")


def _data_path() -> Path | None:
    """Path of scipy's direction-number file, found without importing scipy.stats."""
    spec = importlib.util.find_spec("scipy")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location).joinpath(*_DATA_FILE)
        if path.is_file():
            return path
    return None


def _read_rows(
    archive: zipfile.ZipFile, name: str, rows: int, columns: int | None, used: int = 0
) -> np.ndarray:
    """Read the first ``rows`` rows of an integer ``.npy`` member of an ``.npz`` archive.

    Only the prefix that holds them is decompressed: in C order the first rows, in
    Fortran order (scipy's ``vinit``) the first ``used`` columns; the other columns are
    returned as zeros.  Raises ``ValueError`` when the member is not an integer array of
    the expected width with enough rows.
    """
    with archive.open(name) as stream:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
        else:
            raise ValueError(f"unknown .npy version {version}")
        if (
            dtype.kind not in "iu"
            or len(shape) != (1 if columns is None else 2)
            or (columns is not None and shape[1] != columns)
            or shape[0] < rows
        ):
            raise ValueError(f"{name}: unexpected layout {shape}, {dtype}")
        if columns is None:
            count, first = rows, rows
        elif fortran:
            count, first = shape[0] * min(used, columns), shape[0]
        else:
            count, first = rows * columns, rows
        data = stream.read(count * dtype.itemsize)
        if len(data) != count * dtype.itemsize:
            raise ValueError(f"{name}: truncated")
    values = np.frombuffer(data, dtype=dtype).astype(np.int64)
    if columns is None:
        return values
    if not fortran:
        return values.reshape(rows, columns)
    out = np.zeros((rows, columns), dtype=np.int64)
    out[:, : min(used, columns)] = values.reshape(-1, first).T[:rows]
    return out


@lru_cache(maxsize=8)
def _raw_direction_numbers(dim: int) -> tuple[np.ndarray, np.ndarray] | None:
    """``(poly, vinit)`` of the first ``dim`` dimensions from scipy's file (None if unusable)."""
    path = _data_path()
    if path is None:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            poly = _read_rows(archive, "poly.npy", dim, None)
            # the layout scipy's generator assumes: the degenerate first dimension
            # (polynomial 1), odd polynomials of degree <= 18 ...
            degree = np.array([int(p).bit_length() - 1 for p in poly])
            if poly[0] != 1 or np.any(poly[1:] % 2 == 0) or np.any(degree > _MAX_DEGREE):
                return None
            used = int(degree.max())
            vinit = _read_rows(archive, "vinit.npy", dim, _MAX_DEGREE, used)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    # ... and odd initial numbers m_j < 2**(j + 1) (j from 0)
    j = np.arange(_MAX_DEGREE)
    initial = j[None, :] < degree[:, None]
    if np.any(initial[1:] & ((vinit[1:] % 2 == 0) | (vinit[1:] >= 2 ** (j + 1)))):
        return None
    return poly, vinit


@lru_cache(maxsize=8)
def direction_numbers(dim: int) -> np.ndarray | None:
    """Unscrambled direction numbers, shape ``(dim, BITS)``, as ``uint32`` (cached, read-only).

    Entry ``[d, j]`` is ``m_j 2**(BITS - 1 - j)`` for dimension ``d`` (scipy's ``_sv`` before
    scrambling).  None when scipy's data file is missing or has another layout.
    """
    raw = _raw_direction_numbers(dim)
    if raw is None:
        return None
    poly, vinit = raw
    degree = np.array([int(p).bit_length() - 1 for p in poly])
    v = np.zeros((dim, BITS), dtype=np.int64)
    v[0] = 1  # the first dimension: van der Corput (all m_j = 1)
    rows = np.arange(1, dim)
    m = degree[1:]
    p = poly[1:]
    for j in range(BITS):
        initial = j < m
        if j < _MAX_DEGREE:
            v[rows[initial], j] = vinit[rows[initial], j]
        active = ~initial
        if not np.any(active):
            continue
        r, mm, pp = rows[active], m[active], p[active]
        # Bratley-Fox: m_j = m_{j-s} ^ (2 a_1 m_{j-1}) ^ ... ^ (2^s m_{j-s}), the a's
        # being the polynomial's inner coefficients (bit s - 1 - k of poly for 2^(k+1))
        new = v[r, j - mm]
        for k in range(int(mm.max())):
            take = (k < mm) & (((pp >> np.maximum(mm - 1 - k, 0)) & 1) == 1)
            new = np.where(take, new ^ ((v[r, j - k - 1] if k < j else 0) << (k + 1)), new)
        v[r, j] = new
    v <<= BITS - 1 - np.arange(BITS)
    out = v.astype(np.uint32)
    out.setflags(write=False)
    return out


#: Scrambles kept (:func:`_scrambled`): the 8 of a curve's scrambled replicates
#: (``_mvt_sov.REPLICATES``) for two dimensions.
_SCRAMBLES_KEPT = 16


@lru_cache(maxsize=_SCRAMBLES_KEPT)
def _scrambled(dim: int, seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Digital shift and linearly scrambled direction numbers for one seed (scipy's draws).

    Cached (read-only arrays): a curve asks for its points once per level of points it
    reaches (64 to 768 points: levels 6 to 10, in double and single precision), each time
    for the same 8 seeds, and the scramble (a bit-matrix product per dimension, 0.4 ms at
    19 dimensions) was most of each call (stop 42: 0.015 of 0.018 s for levels 6-10).
    """
    v = direction_numbers(dim)
    if v is None:
        return None
    rng = np.random.default_rng(seed)
    shift_bits = rng.integers(2, size=(dim, BITS), dtype=np.uint32)
    shift = (shift_bits.astype(np.int64) << np.arange(BITS)).sum(axis=1)
    ltm = np.tril(rng.integers(2, size=(dim, BITS, BITS), dtype=np.uint32)).astype(np.int64)
    ltm[:, np.arange(BITS), np.arange(BITS)] = 1
    # bit matrix times bit vector over GF(2), most significant bit first on both sides
    msb_first = BITS - 1 - np.arange(BITS)
    bits = (v.astype(np.int64)[:, :, None] >> msb_first) & 1  # (dim, column j, bit i)
    product = np.matmul(bits, ltm.transpose(0, 2, 1)) & 1  # (dim, column j, bit p)
    scrambled = (product << msb_first).sum(axis=2)
    out = shift.astype(np.uint32), scrambled.astype(np.uint32)
    for part in out:
        part.setflags(write=False)
    return out


def sobol_points(dim: int, level: int, seed: int) -> np.ndarray:
    """``2**level`` scrambled Sobol' points in ``[0, 1)**dim``, shape ``(2**level, dim)``.

    Equal bit for bit to ``scipy.stats.qmc.Sobol(dim, scramble=True,
    seed=seed).random_base2(level)``.

    Parameters
    ----------
    dim : int
        Dimension (1 to 21201). [unitless]
    level : int
        Base-2 logarithm of the number of points (0 to 30). [unitless]
    seed : int
        Seed of ``numpy.random.default_rng`` for the scrambling. [unitless]

    Returns
    -------
    ndarray, shape (2**level, dim)
        The points (multiples of ``2**-30``). [unitless]
    """
    scrambled = _scrambled(dim, seed)
    if scrambled is None:  # scipy without the data file (or another layout of it)
        from scipy.stats import qmc

        engine = qmc.Sobol(dim, scramble=True, seed=seed)
        return np.asarray(engine.random_base2(level), dtype=float)
    shift, v = scrambled
    points = np.zeros((2**level, dim), dtype=np.uint32)
    for c in range(level):  # Gray-code order by reflection: gray(2^c + i) = 2^c + gray(2^c - 1 - i)
        half = 1 << c
        np.bitwise_xor(points[half - 1 :: -1], v[:, c], out=points[half : 2 * half])
    points ^= shift
    return points * (1.0 / 2**BITS)
