"""Dunnett for a non-product correlation: time and error vs scipy's multivariate_t.

Run: ``python benchmarks/bench_dunnett_general.py``.  For 3, 11 and 20 comparisons with a
correlation that is not of product form (LS-means with a random covariance, as with
missing plots), prints the time of yieldtrial's deterministic lattice p-values and
critical value, the stated error, and the error against scipy.stats.multivariate_t.cdf
with 2,000,000 points (randomized QMC) computed in the same process, with scipy's time.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import stats

from yieldtrial.stats.distributions import dunnett_critical_value, dunnett_pvalues


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


def main() -> None:
    rng = np.random.default_rng(2024)
    df = 12.0
    print(f"{'k':>3} {'ours_s':>8} {'stated':>9} {'|err|':>9} {'scipy_s':>8} {'ratio':>7}")
    for k in (3, 11, 20):
        corr = dunnett_correlation(k, rng)
        t = np.linspace(0.5, 4.0, k)
        start = time.perf_counter()
        p, acc = dunnett_pvalues(t, corr, df)
        crit, acc_c = dunnett_critical_value(corr, df)
        ours = time.perf_counter() - start
        pick = [0, k // 2, k - 1]
        start = time.perf_counter()
        ref = [
            1.0
            - stats.multivariate_t.cdf(
                np.full(k, t[i]), shape=corr, df=df, lower_limit=np.full(k, -t[i]),
                maxpts=2_000_000, random_state=np.random.default_rng(1),
            )
            for i in pick
        ]  # fmt: skip
        theirs = (time.perf_counter() - start) / len(pick) * (k + 8)  # same work: k p + ~8 roots
        err = float(np.max(np.abs(p[pick] - np.asarray(ref))))
        stated = max(acc.abs_error, acc_c.abs_error)
        print(f"{k:>3} {ours:8.3f} {stated:9.1e} {err:9.1e} {theirs:8.1f} {theirs / ours:7.1f}")


if __name__ == "__main__":
    main()
