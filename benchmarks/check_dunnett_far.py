"""Dunnett far from every product form: yieldtrial's p-values against independent references.

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/check_dunnett_far.py``
(``--quick`` skips the scipy references, about 2 minutes of the 3).  For each case prints the
CPU time of the p-values (curve caches cleared), the stated absolute error, the largest
difference from the reference and whether the stated error covers it:

* AR(1) correlations ``rho^|i-j|``, k = 4, 8, 12, 16, 20 comparisons, rho 0.5, 0.7, 0.9,
  df 30, thresholds 1.0-4.0: the reference is the Markov recursion of the AR(1) (the
  density on [-r, r] carried by the transition kernel on 200 Gauss-Legendre nodes)
  averaged over the chi scale (64 Gauss-Legendre nodes): ``tests/markov_reference.py``,
  the reference of ``tests/test_stats_mvt_pilot.py``; also rho 0.95 and 0.99 with 20
  comparisons (the reference on 400 nodes) and AR(1) 0.9 with its 20 variables shuffled
  (``default_rng(5)``: the same reference, the maximum does not depend on the order);
* the random 3-factor correlation of ``bench_dunnett_general.far_cases`` (df 30): given
  the three factors the 20 statistics are independent, so the reference is a 3-dimensional
  Gauss-Legendre rule (64 nodes each way on [-7.5, 7.5], equal to 96 to 2e-9) of the
  product of the conditional probabilities, averaged over the chi scale (32 nodes);
* the three resolvable random layouts of ``far_cases`` (normal, df = inf, so one
  multivariate normal probability per threshold): scipy.stats.multivariate_normal.cdf with
  4,000,000 points (``abseps`` 1e-7; two seeds differ by about 3e-6) at three thresholds.
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.special import ndtr

from yieldtrial.stats import distributions
from yieldtrial.stats.distributions import dunnett_pvalues


def factor_inside(a: np.ndarray, nodes: int = 64):
    """``r -> P(max |X_i| <= r)`` for ``X`` with correlation of ``A A' + I`` (a 3-D rule).

    Given the factors the statistics are independent: the product of their interval
    probabilities, integrated over the three standard normal factors by a Gauss-Legendre
    rule on [-7.5, 7.5] each way (64 nodes agree with 80 and 96 to 2e-9).
    """
    x, w = np.polynomial.legendre.leggauss(nodes)
    x, w = 7.5 * x, 7.5 * w * np.exp(-0.5 * (7.5 * x) ** 2) / np.sqrt(2.0 * np.pi)
    grid = np.stack(np.meshgrid(x, x, x, indexing="ij"), -1).reshape(-1, 3)
    weight = (w[:, None, None] * w[None, :, None] * w[None, None, :]).ravel()
    keep = weight > 1e-18  # the corners of the cube (below 1e-18 in all) dropped
    grid, weight = grid[keep], weight[keep]
    mean = grid @ a.T  # (nodes^3, k): the common part of each statistic
    sd = np.sqrt(np.sum(a**2, axis=1) + 1.0)

    def inside(r: float) -> float:
        p = ndtr(r * sd - mean) - ndtr(-r * sd - mean)
        return float(weight @ np.prod(p, axis=1))

    return inside


def run(corr: np.ndarray, thresholds: np.ndarray, df: float) -> tuple[float, np.ndarray, float]:
    """CPU time, p-values and stated error of yieldtrial (curve caches cleared)."""
    distributions._dunnett_curve_cached.cache_clear()
    distributions._exact_exceedances_cached.cache_clear()
    start = time.process_time()
    p, accuracy = dunnett_pvalues(thresholds, corr, df)
    return time.process_time() - start, p, accuracy.abs_error


def line(name: str, cpu: float, stated: float, err: float) -> None:
    covered = "yes" if err <= stated else "NO"
    print(f"{name:>28} {cpu:7.3f} {stated:9.1e} {err:9.1e} {covered:>8}", flush=True)


def main(quick: bool) -> None:
    here = Path(__file__).resolve().parent
    # bench_dunnett_general (far_cases) beside this file; markov_reference (the independent
    # AR(1) reference and chi-scale rule the tests use too) in tests/.
    sys.path[:0] = [str(here), str(here.parent / "tests")]
    from bench_dunnett_general import far_cases

    from markov_reference import ar1_inside, t_exceedance

    dunnett_pvalues(np.array([2.0]), 0.5 ** np.abs(np.subtract.outer(range(4), range(4))), 30.0)
    print("{:>28} {:>7} {:>9} {:>9} {:>8}".format("case", "cpu_s", "stated", "|err|", "covered"))
    c = np.linspace(1.0, 4.0, 7)
    for rho in (0.5, 0.7, 0.9):
        for k in (4, 8, 12, 16, 20):
            corr = rho ** np.abs(np.subtract.outer(np.arange(k), np.arange(k)))
            cpu, p, stated = run(corr, c, 30.0)
            ref = np.array([t_exceedance(partial(ar1_inside, rho=rho, k=k), ci, 30.0) for ci in c])
            line(f"AR(1) {rho:g}, k = {k}", cpu, stated, float(np.max(np.abs(p - ref))))
    for rho in (0.95, 0.99):  # strong chains: the reference on 400 nodes
        corr = rho ** np.abs(np.subtract.outer(np.arange(20), np.arange(20)))
        cpu, p, stated = run(corr, c, 30.0)
        inside = partial(ar1_inside, rho=rho, k=20, nodes=400)
        ref = np.array([t_exceedance(inside, ci, 30.0) for ci in c])
        line(f"AR(1) {rho:g}, k = 20", cpu, stated, float(np.max(np.abs(p - ref))))
    order = np.random.default_rng(5).permutation(20)
    corr = (0.9 ** np.abs(np.subtract.outer(np.arange(20), np.arange(20))))[np.ix_(order, order)]
    cpu, p, stated = run(corr, c, 30.0)
    ref = np.array([t_exceedance(partial(ar1_inside, rho=0.9, k=20), ci, 30.0) for ci in c])
    line("AR(1) 0.9 shuffled, k = 20", cpu, stated, float(np.max(np.abs(p - ref))))
    cases = far_cases()
    a = np.random.default_rng(0).normal(size=(20, 3))
    inside = factor_inside(a)
    cpu, p, stated = run(cases["random 3-factor"], c, 30.0)
    ref = np.array([t_exceedance(inside, ci, 30.0, 32) for ci in c])
    line("random 3-factor", cpu, stated, float(np.max(np.abs(p - ref))))
    if quick:
        return
    pick = np.array([1.8, 2.4, 3.0])
    for seed in (7, 0, 1):
        corr = cases[f"random layout, seed {seed}"]
        cpu, p, stated = run(corr, pick, np.inf)
        ref = np.array([
            1.0 - stats.multivariate_normal.cdf(
                np.full(20, ci), cov=corr, lower_limit=np.full(20, -ci), maxpts=4_000_000,
                abseps=1e-7, releps=0.0, rng=np.random.default_rng(1),
            )
            for ci in pick
        ])  # fmt: skip
        line(f"random layout {seed}, normal", cpu, stated, float(np.max(np.abs(p - ref))))


if __name__ == "__main__":
    main("--quick" in sys.argv)
