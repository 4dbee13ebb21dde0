"""Dunnett far from every product form: which point set or variable order cuts the QMC spread.

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/explore_dunnett_far_qmc.py``
(about a minute).  The curve of such a correlation integrates the plain separated-variables
integrand of the target (``stats._mvt_pilot``); its cost is the points needed for a spread
over the 8 scrambles small enough for a stated error of 1e-4.  For the 20-comparison cases
of ``bench_dunnett_general.far_cases`` this prints the largest standard deviation over 8
randomizations of the mean at thresholds 1.6-3.2 (``G`` about 0.1 to 0.95) for

* ``sobol``: the engine's scrambled Sobol' points (``stats._mvt_sov._sobol_rows``), the
  variables in Genz-Bretz's order at the Bonferroni 5 % point (:func:`genz_bretz`, the
  engine's order before stop 33; every column but ``variance`` uses it);
* ``lattice``: a rank-1 lattice rule with the baker's (tent) transform and 8 random
  shifts (``default_rng(1)``), its generating vector by fast component-by-component
  construction for product weights ``0.8^j`` (Nuyens & Cools 2006, the construction
  scipy.stats uses for its multivariate normal), at the largest prime below the count;
* ``mc``: plain Monte Carlo (the gain of the quasi-random points);
* ``reverse``, ``random``: the Sobol' spread with the variables in the reverse of
  Genz-Bretz's order and in 3 random orders (``default_rng(3)``), the best of them;
* ``variance``: the Sobol' spread in the order of the variance each variable explains
  (``stats._mvt_sov.variance_ordered_cholesky``, the pilot path's order since stop 33).

``--scrambles N --level L`` instead compares Genz-Bretz's order with ``variance`` on ``N``
scrambles (seeds 777, 778, ...) of ``2^L`` points: the spread estimates of 8 scrambles
vary by about a quarter, too much to rank orders within a factor of 1.5.

(Antithetic points ``1 - w`` are not listed: the two-sided box is symmetric, so the
integrand takes the same value at ``w`` and ``1 - w`` and the pair adds nothing.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from numpy.fft import fft, ifft
from scipy.special import ndtri

from yieldtrial.stats._mvt_sov import (
    Region,
    _sobol_rows,
    _sov_integrand,
    dunnett_box,
    reordered_cholesky,
    variance_ordered_cholesky,
)

THRESHOLDS = np.array([1.6, 2.0, 2.4, 2.8, 3.2])


def _primes_to(n: int) -> np.ndarray:
    sieve = np.ones(n + 1, dtype=bool)
    sieve[:2] = False
    for i in range(2, int(n**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = False
    return np.flatnonzero(sieve)


def _primitive_root(p: int) -> int:
    factors, m = [], p - 1
    for q in _primes_to(int(p**0.5) + 1).tolist():
        if m % q == 0:
            factors.append(q)
            while m % q == 0:
                m //= q
    if m > 1:
        factors.append(m)
    return next(g for g in range(2, p) if all(pow(g, (p - 1) // q, p) != 1 for q in factors))


def cbc_vector(dim: int, n: int, decay: float = 0.8) -> np.ndarray:
    """Fast CBC generating vector of a rank-1 lattice with ``n`` (prime) points."""
    m = (n - 1) // 2
    g = _primitive_root(n)
    perm = np.ones(m, dtype=np.int64)
    for j in range(m - 1):
        perm[j + 1] = (g * perm[j]) % n
    perm = np.minimum(n - perm, perm)
    pn = perm / n
    c = pn * pn - pn + 1.0 / 6.0
    fc = fft(c)
    z = np.ones(dim, dtype=np.int64)
    q: np.ndarray | float = 1.0
    w = 0
    for s in range(1, dim):
        reordered = np.concatenate([c[: w + 1][::-1], c[w + 1 : m][::-1]])
        q = q * (1.0 + decay ** (s - 1) * reordered)
        w = int(ifft(fc * fft(q)).real.argmin())
        z[s] = perm[w]
    return z


def lattice_points(dim: int, count: int, replicates: int = 8) -> np.ndarray:
    """Shifted lattice points with the tent transform: (replicates, dim, n)."""
    n = int(_primes_to(count)[-1])
    base = (np.outer(cbc_vector(dim, n), np.arange(n)) % n) / n
    rng = np.random.default_rng(1)
    out = np.empty((replicates, dim, n))
    for j in range(replicates):
        x = (base + rng.random(dim)[:, None]) % 1.0
        out[j] = 1.0 - np.abs(2.0 * x - 1.0)
    return np.clip(out, 1e-15, 1.0 - 1e-15)


def genz_bretz(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cholesky factor and order of Genz-Bretz's interval ordering at the Bonferroni 5 % point.

    The order ``stats._mvt_sov.dunnett_box`` used before stop 33.
    """
    k = corr.shape[0]
    r_ref = float(-ndtri(0.05 / (2.0 * k)))
    return reordered_cholesky(corr, np.full(k, -r_ref), np.full(k, r_ref))


def spread(region: Region, points: np.ndarray) -> float:
    """Largest sd over the randomizations of the mean at :data:`THRESHOLDS`."""
    means = np.array([_sov_integrand(THRESHOLDS, region, w).mean(axis=1) for w in points])
    return float(np.max(np.std(means, axis=0, ddof=1)))


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_dunnett_general import far_cases

    head = ("case", "points", "sobol", "lattice", "mc", "reverse", "random", "variance")
    print("{:>24} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}".format(*head))
    for name, corr in far_cases().items():
        _, _, lo, hi, _ = dunnett_box(corr, True)
        chol, order = genz_bretz(corr)
        region = Region(chol, lo, hi)
        dim = chol.shape[0] - 1
        orders = [order[::-1], *(np.random.default_rng(3).permutation(20) for _ in range(3))]
        regions = [Region(np.linalg.cholesky(corr[np.ix_(o, o)]), lo, hi) for o in orders]
        by_variance = Region(variance_ordered_cholesky(corr)[0], lo, hi)
        for level in (10, 12, 14):
            sobol = _sobol_rows(dim, level)
            mc = np.clip(np.random.default_rng(5).random(sobol.shape), 1e-15, 1.0 - 1e-15)
            others = [spread(reg, sobol) for reg in regions]
            print(
                f"{name:>24} {2**level:>7} {spread(region, sobol):8.1e} "
                f"{spread(region, lattice_points(dim, 2**level)):8.1e} {spread(region, mc):8.1e} "
                f"{others[0]:8.1e} {min(others[1:]):8.1e} {spread(by_variance, sobol):8.1e}",
                flush=True,
            )


def many_scrambles(count: int, level: int) -> None:
    """Genz-Bretz's order against the variance order on ``count`` scrambles of ``2^level``."""
    from yieldtrial.stats._sobol import sobol_points

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_dunnett_general import far_cases

    print(f"largest sd of the mean, {count} scrambles of {2**level} points (1e-5)")
    print("{:>24} {:>10} {:>10} {:>6}".format("case", "genz", "variance", "ratio"))
    for name, corr in far_cases().items():
        _, _, lo, hi, _ = dunnett_box(corr, True)
        chol, _ = genz_bretz(corr)
        dim = chol.shape[0] - 1
        points = [
            np.ascontiguousarray(np.clip(sobol_points(dim, level, 777 + j), 1e-15, 1 - 1e-15).T)
            for j in range(count)
        ]
        genz = spread(Region(chol, lo, hi), points)
        variance = spread(Region(variance_ordered_cholesky(corr)[0], lo, hi), points)
        print(f"{name:>24} {genz * 1e5:10.1f} {variance * 1e5:10.1f} {genz / variance:6.2f}")


if __name__ == "__main__":
    if "--scrambles" in sys.argv:
        many_scrambles(
            int(sys.argv[sys.argv.index("--scrambles") + 1]),
            int(sys.argv[sys.argv.index("--level") + 1]) if "--level" in sys.argv else 14,
        )
    else:
        main()
