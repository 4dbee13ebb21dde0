"""Dunnett (and Tukey) for a non-product correlation: time and error vs scipy's multivariate_t.

Run: ``python benchmarks/bench_dunnett_general.py``.  For 5, 11 and 20 comparisons with a
correlation that is not of product form (treatment-vs-control contrasts of LS-means with a
random covariance, as with missing plots or REML), prints

* ``pv_s``: wall time of yieldtrial's p-values of all comparisons (cold: the curve cache
  cleared; the first family of a size also generates its Sobol' points), and ``pv_cpu``
  its process CPU time (the machine may be shared: CPU time is the steadier figure);
* ``crit_s``: the critical value afterwards (the same curve: a root search only);
* ``stated``: the stated absolute error; ``|err|``: the largest absolute difference from
  scipy.stats.multivariate_t.cdf with 2,000,000 points at three of the thresholds;
* ``scipy_s``: scipy's time for the same p-values (one call per comparison, scaled from
  the three computed) and ``ratio`` = scipy_s / pv_s.

Then Tukey with correlated LS-means (RCBD with missing plots): time of all pairwise
p-values and the critical value, and the stated error (no independent reference: scipy
has no singular multivariate t; see the tests for exact 3-mean checks).

Last, Dunnett with 20 comparisons for two realistic correlations (contrasts with one
control of 21 LS-means: an RCBD with 4 blocks and 3 missing plots, and a REML alpha-lattice
from ``bench_mixed.alpha_lattice(21, block_size=7)``): CPU time of the p-values (curve
cache cleared, Sobol' points cached, best of 5), the points per scramble and nodes used,
and the stated error.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import stats

from yieldtrial.stats import distributions
from yieldtrial.stats.distributions import (
    dunnett_critical_value,
    dunnett_pvalues,
    tukey_general_critical_value,
    tukey_general_pvalues,
)


def dunnett_correlation(k: int, rng: np.random.Generator) -> np.ndarray:
    """Correlation of k treatment-vs-control contrasts of LS-means with a random covariance."""
    m = k + 1
    a = rng.normal(0.0, 0.3, (m, m))
    v = np.diag(rng.uniform(0.5, 1.5, m)) + a @ a.T / m
    w = np.zeros((k, m))
    w[np.arange(k), np.arange(1, m)] = 1.0
    w[:, 0] = -1.0
    c = w @ v @ w.T
    sd = np.sqrt(np.diag(c))
    return np.asarray(c / np.outer(sd, sd))


def rcbd_cov(k: int, blocks: int, missing: list[tuple[int, int]]) -> np.ndarray:
    """Covariance of treatment LS-means of an RCBD with missing plots (sigma^2 = 1)."""
    rows = [(t, b) for t in range(k) for b in range(blocks) if (t, b) not in missing]
    x = np.zeros((len(rows), k + blocks - 1))
    for n, (t, b) in enumerate(rows):
        x[n, t] = 1.0
        if b:
            x[n, k + b - 1] = 1.0
    lmat = np.zeros((k, k + blocks - 1))
    lmat[:, :k] = np.eye(k)
    lmat[:, k:] = 1.0 / blocks
    return np.asarray(lmat @ np.linalg.inv(x.T @ x) @ lmat.T)


def main() -> None:
    rng = np.random.default_rng(2024)
    df = 12.0
    print("Dunnett, two-sided, df = 12, non-product correlation")
    head = ("k", "pv_s", "pv_cpu", "crit_s", "stated", "|err|", "scipy_s", "ratio")
    print("{:>3} {:>7} {:>7} {:>7} {:>9} {:>9} {:>8} {:>7}".format(*head))
    for k in (5, 11, 20):
        corr = dunnett_correlation(k, rng)
        t = np.linspace(0.5, 4.0, k)
        distributions._dunnett_curve_cached.cache_clear()
        start, cpu = time.perf_counter(), time.process_time()
        p, acc = dunnett_pvalues(t, corr, df)
        pv_s, pv_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        _, acc_c = dunnett_critical_value(corr, df)
        crit_s = time.perf_counter() - start
        pick = [k // 3, k // 2, k - 1]
        start = time.perf_counter()
        ref = [
            1.0
            - stats.multivariate_t.cdf(
                np.full(k, t[i]), shape=corr, df=df, lower_limit=np.full(k, -t[i]),
                maxpts=2_000_000, random_state=np.random.default_rng(1),
            )
            for i in pick
        ]  # fmt: skip
        scipy_s = (time.perf_counter() - start) / len(pick) * k  # one call per comparison
        err = float(np.max(np.abs(p[pick] - np.asarray(ref))))
        stated = max(acc.abs_error, acc_c.abs_error)
        print(
            f"{k:>3} {pv_s:7.3f} {pv_cpu:7.3f} {crit_s:7.3f} {stated:9.1e} {err:9.1e} "
            f"{scipy_s:8.1f} {scipy_s / pv_s:7.0f}"
        )
    print("\nTukey, correlated LS-means (RCBD, 4 blocks, 3 missing plots), df = 12")
    print("{:>3} {:>6} {:>7} {:>7} {:>9}".format("k", "pairs", "pv_s", "crit_s", "stated"))
    for k in (6, 10, 20):
        cov = rcbd_cov(k, 4, [(0, 0), (1, 1), (2, 3)])
        i, j = np.triu_indices(k, 1)
        t = np.linspace(0.2, 5.0, i.size)
        start = time.perf_counter()
        _, acc = tukey_general_pvalues(t, cov, df)
        pv_s = time.perf_counter() - start
        start = time.perf_counter()
        _, acc_c = tukey_general_critical_value(cov, df)
        crit_s = time.perf_counter() - start
        stated = max(acc.abs_error, acc_c.abs_error)
        print(f"{k:>3} {i.size:>6} {pv_s:7.3f} {crit_s:7.3f} {stated:9.1e}")


def contrast_corr(v: np.ndarray) -> np.ndarray:
    """Correlation of the contrasts of means 1..m-1 with mean 0, for covariance ``v``."""
    m = v.shape[0]
    w = np.zeros((m - 1, m))
    w[np.arange(m - 1), np.arange(1, m)] = 1.0
    w[:, 0] = -1.0
    c = w @ v @ w.T
    sd = np.sqrt(np.diag(c))
    return np.asarray(c / np.outer(sd, sd))


def realistic() -> None:
    """Dunnett, 20 comparisons: RCBD with missing plots and a REML alpha-lattice."""
    from bench_mixed import alpha_lattice

    from yieldtrial.stats.mixed import mixed_model

    fit = mixed_model(
        alpha_lattice(21, block_size=7), response="yield_kg_ha", design="alpha",
        treatment="entry", block="rep", incomplete_block="block",
    )  # fmt: skip
    cases = {
        "RCBD, 3 missing plots": contrast_corr(rcbd_cov(21, 4, [(0, 0), (1, 1), (2, 3)])),
        "REML alpha-lattice": contrast_corr(np.asarray(fit.means_model().cov)),
    }
    t = np.linspace(0.5, 4.0, 20)
    print("\nDunnett, 20 comparisons, realistic correlations, df = 30")
    print("{:>22} {:>7} {:>7} {:>6} {:>9}".format("case", "pv_cpu", "points", "nodes", "stated"))
    for name, corr in cases.items():
        cpu = []
        for _ in range(5):
            distributions._dunnett_curve_cached.cache_clear()
            distributions._exact_exceedances_cached.cache_clear()
            start = time.process_time()
            _, acc = dunnett_pvalues(t, corr, 30.0)
            cpu.append(time.process_time() - start)
        curve = distributions._dunnett_curve(corr, 30.0, two_sided=True)
        print(
            f"{name:>22} {min(cpu):7.3f} {curve.points:>7} {curve.coef.shape[1]:>6} "
            f"{acc.abs_error:9.1e}"
        )


if __name__ == "__main__":
    main()
    realistic()
