"""Exploration (stop 35): an exact shortest-digits float speller in NumPy, against pyarrow's.

``yieldtrial standardize`` spends about 1 s CPU of a 200 MB table on spelling the two
computed columns (``standardized_mass_kg``, ``yield_kg_ha``: 11.8 million doubles, most of
16-17 significant digits) with pyarrow's ``cast`` to string (double-conversion's shortest
digits, about 82 ns a value).  This script tries the same digits with NumPy's vectorized
integer arithmetic and compares it with Python's ``repr`` and with pyarrow's cast:

    python benchmarks/explore_float_speller.py            # check against repr, then time

Result (2026-12-05, see docs/performance.md, "stop 35"): exact (no difference from
``repr`` on 2.3 million values: the plot yields, log-uniform doubles, short decimals and
their neighbours, powers of ten and their neighbours), but about 41 ms against pyarrow's
10-11 ms for a block of 126,000 values: the integer part alone (about 60 passes over the
block) costs more than pyarrow's per-value loop.  Not used by yieldtrial.

The method, for ``x = m * 2**-s`` (``m`` the 53-bit significand, 19 <= s <= 60) and its
decimal exponent ``E`` (``10**E <= x < 10**(E + 1)``):

* 17 digits: ``x * 10**q`` with ``q = 16 - E`` is ``m * 10**q / 2**s`` exactly (a 117-bit
  product in two 64-bit halves), rounded to the nearest integer ``D17``; its remainder
  ``r`` (signed, ``|r| <= 2**(s-1)``) is kept.  A 17-digit decimal always reads back.
* 16 digits: ``D16`` is ``D17 / 10`` rounded with the remainder (exactly the nearest
  16-digit decimal), and it reads back exactly when ``2 |10 D16 2**s - m 10**q| < 10**q``
  (within half a unit in the last place of ``x``), an integer comparison.
* 15 digits: at most one 15-digit decimal lies within half a unit of ``x`` (they are at
  least 4.5 units apart), so ``rint(x * 10**(q-2))`` in floating point finds it, and
  ``D15 / 10**(q-2)`` (two exact doubles, one correctly rounded division) is the double
  it reads as: it reads back when that equals ``x``.  When it does, the shortest spelling
  has at most 15 digits and is ``D15`` without its trailing zeros.

The shortest of the three that reads back is written (16 or 17 digits are the nearest of
their length, as ``repr`` chooses).  Cells where any step meets a tie (a remainder of
exactly one half), a power of two (its lower neighbour is nearer: the interval is not
symmetric), a negative value or an exponent outside the range are left to the caller.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

#: Smallest magnitude spelled here (2**-8: the remainders stay below 2**60).
LOW = 2.0**-8
#: Magnitudes from here on are left to the caller (pyarrow writes an exponent at 1e10).
HIGH = 1e10
#: Widest cell: "0." and two zeros (E = -3), then 17 digits.
WIDTH = 21

_POW10_U64 = np.array([10**k for k in range(20)], dtype=np.uint64)
_POW10_F64 = np.array([10.0**k for k in range(23)], dtype=np.float64)
_M32 = np.uint64(0xFFFFFFFF)


def plain_digits(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spell floats as ``repr`` does, where this method can; say which cells it spelled.

    Parameters
    ----------
    values : ndarray of float64
        The column.

    Returns
    -------
    data : ndarray of uint8
        The spelled cells' ASCII bytes, one after the other in row order (no separators).
    lengths : ndarray of int64
        Bytes of each cell in ``data``; 0 for a cell not spelled here (NaN, infinities,
        integral, negative, outside [2**-8, 1e10), or a tie or power of two).

    Examples
    --------
    >>> data, lengths = plain_digits(np.array([15.41, 0.1 + 0.2, 20.0, 7593.968293103448]))
    >>> bytes(data).decode(), lengths.tolist()
    ('15.410.300000000000000047593.968293103448', [5, 19, 0, 17])
    """
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    lengths = np.zeros(n, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        ok = (x >= LOW) & (x < HIGH)
    ok &= x != np.floor(np.where(ok, x, 0.0))
    rows = np.flatnonzero(ok)
    if not len(rows):
        return np.zeros(0, dtype=np.uint8), lengths
    a = x[rows] if len(rows) < n else x
    bits = a.view(np.uint64)
    m = (bits & np.uint64((1 << 52) - 1)) | np.uint64(1 << 52)
    s = np.uint64(1075) - (bits >> np.uint64(52))  # a = m * 2**-s, 19 <= s <= 60
    exponent = np.clip(np.floor(np.log10(a)).astype(np.int64), -3, 9)
    q = 16 - exponent  # 7 <= q <= 19: 10**q fits in 64 bits
    power = _POW10_U64[q]

    # m * 10**q as (hi, lo), from 32-bit halves (every partial product fits in 64 bits)
    m0, m1 = m & _M32, m >> np.uint64(32)
    p0, p1 = power & _M32, power >> np.uint64(32)
    ll, lh, hl, hh = m0 * p0, m0 * p1, m1 * p0, m1 * p1
    mid = (ll >> np.uint64(32)) + (lh & _M32) + (hl & _M32)
    lo = (ll & _M32) | (mid << np.uint64(32))
    hi = hh + (lh >> np.uint64(32)) + (hl >> np.uint64(32)) + (mid >> np.uint64(32))
    del m0, m1, p0, p1, ll, lh, hl, hh, mid

    # D17 = round(m * 10**q / 2**s), its remainder r (signed)
    d17 = (lo >> s) | (hi << (np.uint64(64) - s))
    r = lo & ((np.uint64(1) << s) - np.uint64(1))
    half = np.uint64(1) << (s - np.uint64(1))
    up = (r > half).astype(np.uint64)
    d17 += up
    remainder = r.astype(np.int64) - (up << s).astype(np.int64)
    good = (r != half) & (m != np.uint64(1 << 52))  # no tie, not a power of two
    good &= (d17 >= _POW10_U64[16]) & (d17 < np.uint64(10**17))  # the exponent was right
    del lo, hi, r, half, up

    # D16 from D17 and the remainder; it reads back within half a unit of x
    tens = d17 // np.uint64(10)
    last = (d17 - tens * np.uint64(10)).astype(np.int64)
    carry = (last > 5) | ((last == 5) & (remainder > 0))
    good &= ~((last == 5) & (remainder == 0))
    d16 = tens + carry.astype(np.uint64)
    step = 10 * carry.astype(np.int64) - last  # 10 D16 - D17, within [-5, 5]
    gap = np.abs(step * (np.int64(1) << s.astype(np.int64)) - remainder)
    bound = (_POW10_U64[q - 1] * np.uint64(5)).astype(np.int64)  # 10**q / 2
    good &= gap != bound
    reads16 = (gap < bound) & (d16 < _POW10_U64[16])
    del tens, last, carry, step, gap, bound, remainder

    # D15 in floating point, exact where it matters (see the module's notes)
    scale = _POW10_F64[q - 2]
    d15 = np.rint(a * scale)
    reads15 = (d15 / scale == a) & (d15 >= 1e14) & (d15 < 1e15)
    del scale

    with np.errstate(invalid="ignore"):  # d15 of a row with a wrong exponent: not used
        d15_int = d15.astype(np.uint64)
    digits = np.where(
        reads15,
        d15_int * np.uint64(100),
        np.where(reads16, d16 * np.uint64(10), d17),
    )
    del d15, d15_int, d16, d17
    # the 17 digits as ASCII, one row each, then the significant ones
    chars = np.empty((len(a), 17), dtype=np.uint8)
    rest = digits
    for column in range(16, -1, -1):
        quotient = rest // np.uint64(10)
        chars[:, column] = (rest - quotient * np.uint64(10)).astype(np.uint8)
        rest = quotient
    chars += np.uint8(48)
    significant = 17 - np.argmax(chars[:, ::-1] != 48, axis=1)
    good &= significant > exponent + 1  # a fraction (always: a non-integral double)

    cells = np.zeros((len(a), WIDTH), dtype=np.uint8)
    width = np.zeros(len(a), dtype=np.int64)
    for e in np.unique(exponent).tolist():
        group = exponent == e
        take = slice(None) if group.all() else group
        block = chars[take]
        if e >= 0:  # ddd.ddd
            cells[take, : e + 1] = block[:, : e + 1]
            cells[take, e + 1] = 46
            cells[take, e + 2 : 18] = block[:, e + 1 :]
            width[take] = significant[take] + 1
        else:  # 0.00ddd
            zeros = -e - 1
            cells[take, : 2 + zeros] = 48
            cells[take, 1] = 46
            cells[take, 2 + zeros : 19 + zeros] = block
            width[take] = significant[take] + 2 + zeros
    width[~good] = 0
    data = cells[np.arange(WIDTH) < width[:, None]]
    if len(rows) < n:
        lengths[rows] = width
    else:
        lengths = width
    return data, lengths


def _check(values: np.ndarray, label: str) -> int:
    """Compare every spelled cell with ``repr``; print and return the mismatches."""
    data, lengths = plain_digits(values)
    ends = np.cumsum(lengths)
    text = bytes(data)
    bad = 0
    for i in np.flatnonzero(lengths).tolist():
        cell = text[ends[i] - lengths[i] : ends[i]].decode()
        if cell != repr(float(values[i])):
            bad += 1
    print(f"  {label:22s} {int(np.count_nonzero(lengths)):8,d} of {len(values):8,d} spelled, "
          f"{bad} differ from repr")  # fmt: skip
    return bad


def _best(func: Callable[[], object], repeat: int = 20) -> float:
    """Return the best of five CPU timings of ``repeat`` calls, per call (seconds)."""
    best = float("inf")
    for _ in range(5):
        start = time.thread_time()
        for _ in range(repeat):
            func()
        best = min(best, (time.thread_time() - start) / repeat)
    return best


def main() -> None:
    """Check the speller against ``repr``, then time it against pyarrow's cast."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n = 126_000  # the rows of one 4 MiB block of the benchmark's table
    mass = (
        np.round(rng.normal(15.0, 1.2, n), 2)
        * (100 - np.round(rng.normal(13.0, 1.0, n), 1))
        / 87
        * (100 - np.round(rng.uniform(0.0, 2.0, n), 1))
        / 100
    )
    spread = np.exp(rng.uniform(np.log(LOW), np.log(HIGH), 400_000))
    digits = rng.integers(1, 16, len(spread)).tolist()
    short = np.array([float(f"{v:.{k}g}") for v, k in zip(spread.tolist(), digits, strict=True)])
    powers = 10.0 ** rng.integers(-3, 10, 200_000)
    print("against repr:")
    bad = 0
    for values, label in [
        (mass, "standardized mass"),
        (mass * 500, "yield (kg/ha)"),
        (spread, "log-uniform"),
        (short, "short decimals"),
        (np.nextafter(short, np.inf), "next above"),
        (np.nextafter(short, -np.inf), "next below"),
        (np.concatenate([np.nextafter(powers, 0), np.nextafter(powers, np.inf)]), "powers of ten"),
    ]:
        bad += _check(values, label)
    print("CPU per block of 126,000 values (best of 5):")
    import pyarrow as pa
    import pyarrow.compute as pc

    for values, label in [(mass, "standardized mass"), (mass * 500, "yield (kg/ha)")]:
        ours = _best(lambda v=values: plain_digits(v))
        theirs = _best(lambda v=values: pc.cast(pa.array(v), pa.string()))
        print(f"  {label:22s} NumPy {ours * 1e3:6.2f} ms, pyarrow cast {theirs * 1e3:6.2f} ms")
    if bad:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
