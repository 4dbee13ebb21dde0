"""Dunnett for generic correlation matrices: yieldtrial's p-values against scipy.

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/check_dunnett_generic.py``
(about 15 minutes: the references; ``--quick`` prints yieldtrial's side only).  Correlations
a reviewer might build by hand, none of field-design structure (20 comparisons):

* sample correlations ``np.corrcoef`` of a 20 x n standard normal matrix
  (``default_rng(seed)``): n = 22 (seed 0; eigenvalues 0.008 to 3.0, off-diagonals -0.63
  to 0.52) and n = 30 (seeds 0 and 1);
* the correlation of ``A A'`` for a 20 x 20 uniform ``A`` (seed 0; all off-diagonals 0.54 to
  0.92, smallest eigenvalue 2.8e-5: nearly singular);
* five random factors: the correlation of ``A A' + I``, ``A`` 20 x 5 standard normal
  (seed 1; off-diagonals -0.83 to 0.74).

For a known variance (df = inf: the multivariate normal curve that every df averages) at
thresholds 1.8, 2.4 and 3.0, the reference is scipy.stats.multivariate_normal.cdf with
4,000,000 points (``abseps`` 1e-7), the mean of two seeds (``rng`` 1 and 2: they differ
by up to 3.4e-5, printed as ``ref_sd``).  Prints the CPU time of yieldtrial's p-values
(curve caches cleared), the stated error, the largest difference and whether the stated
error covers it; then the CPU time and stated error at df = 30 for the 20 thresholds
``linspace(0.5, 4, 20)`` (the lead's probe of issue 15).
"""

from __future__ import annotations

import sys

import numpy as np
from check_dunnett_far import run  # the same timed call (curve caches cleared)
from scipy import stats

from yieldtrial.stats.distributions import dunnett_pvalues


def _correlation(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(cov))
    return np.asarray(cov / np.outer(sd, sd))


def generic_cases() -> dict[str, np.ndarray]:
    """Return the generic correlations (20 comparisons) of this check."""
    cases = {
        "corrcoef n=22, seed 0": np.corrcoef(np.random.default_rng(0).normal(size=(20, 22))),
        "corrcoef n=30, seed 0": np.corrcoef(np.random.default_rng(0).normal(size=(20, 30))),
        "corrcoef n=30, seed 1": np.corrcoef(np.random.default_rng(1).normal(size=(20, 30))),
    }
    a = np.random.default_rng(0).uniform(size=(20, 20))
    cases["uniform A A', seed 0"] = _correlation(a @ a.T)
    a = np.random.default_rng(1).normal(size=(20, 5))
    cases["5 factors, seed 1"] = _correlation(a @ a.T + np.eye(20))
    return cases


def reference(corr: np.ndarray, c: float, seed: int) -> float:
    """``P(max |X_i| > c)`` by scipy's multivariate normal cdf (4,000,000 points)."""
    k = corr.shape[0]
    inside = stats.multivariate_normal.cdf(
        np.full(k, c), cov=corr, lower_limit=np.full(k, -c), maxpts=4_000_000,
        abseps=1e-7, releps=0.0, rng=np.random.default_rng(seed),
    )  # fmt: skip
    return 1.0 - float(inside)


def main(quick: bool) -> None:
    dunnett_pvalues(np.array([2.0]), 0.5 ** np.abs(np.subtract.outer(range(4), range(4))), 30.0)
    pick = np.array([1.8, 2.4, 3.0])
    print("df = inf at 1.8, 2.4, 3.0 (reference: scipy multivariate_normal.cdf, 4e6 points)")
    head = ("case", "cpu_s", "stated", "|err|", "ref_sd", "covered")
    print("{:>24} {:>7} {:>9} {:>9} {:>9} {:>8}".format(*head))
    cases = generic_cases()
    for name, corr in cases.items():
        cpu, p, stated = run(corr, pick, np.inf)
        if quick:
            print(f"{name:>24} {cpu:7.3f} {stated:9.1e}", flush=True)
            continue
        one = np.array([reference(corr, c, 1) for c in pick])
        two = np.array([reference(corr, c, 2) for c in pick])
        ref = 0.5 * (one + two)
        err = float(np.max(np.abs(p - ref)))
        spread = float(np.max(np.abs(one - two)))
        covered = "yes" if err <= stated else "NO"
        row = f"{name:>24} {cpu:7.3f} {stated:9.1e} {err:9.1e} {spread:9.1e} {covered:>8}"
        print(row, flush=True)
    print("df = 30 at linspace(0.5, 4, 20)")
    for name, corr in cases.items():
        cpu, p, stated = run(corr, np.linspace(0.5, 4.0, 20), 30.0)
        print(f"{name:>24} {cpu:7.3f} {stated:9.1e}", flush=True)


if __name__ == "__main__":
    main("--quick" in sys.argv)
