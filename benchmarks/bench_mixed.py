"""Benchmark of the REML engine (``yieldtrial.stats.mixed.mixed_model``).

Prints, for a simulated alpha-lattice (resolvable incomplete blocks) with ``--entries``
entries, 3 replicates and incomplete blocks of 10 plots:

1. the wall-clock time of ``mixed_model(design="alpha")`` (REML fit, F test with
   Satterthwaite df, entry LS-means with the per-pair df of all pairs);
2. the time of statsmodels ``MixedLM`` on the same model (BFGS, gradient tolerance 1e-10)
   and the ratio;
3. the largest relative difference of the two variance-component estimates.

Usage::

    python benchmarks/bench_mixed.py               # 200 entries (600 plots)
    python benchmarks/bench_mixed.py --entries 50  # smaller

Timings are medians of ``--repeat`` runs; the BLAS thread count is printed because
a shared machine slows multi-threaded BLAS down (set ``OPENBLAS_NUM_THREADS=1`` there).
No timing is asserted: the figures go to ``docs/mixed-models.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings

import numpy as np
import pandas as pd


def alpha_lattice(entries: int, *, reps: int = 3, block_size: int = 10, seed: int = 1):
    """Simulate an alpha-lattice: each replicate a random partition into incomplete blocks."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(reps):
        order = rng.permutation(entries)
        for b in range(entries // block_size):
            for e in order[b * block_size : (b + 1) * block_size]:
                rows.append((f"R{r + 1}", f"B{b + 1}", f"G{e + 1:03d}"))
    df = pd.DataFrame(rows, columns=["rep", "block", "entry"])
    genetic = rng.normal(0, 300, entries)
    block_effect = rng.normal(0, 250, (reps, entries // block_size))
    r_idx = df["rep"].str[1:].astype(int) - 1
    b_idx = df["block"].str[1:].astype(int) - 1
    df["yield_kg_ha"] = (
        6000
        + genetic[df["entry"].str[1:].astype(int) - 1]
        + block_effect[r_idx, b_idx]
        + 100 * r_idx
        + rng.normal(0, 200, len(df))
    )
    return df


def time_it(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from yieldtrial.stats.mixed import mixed_model

    df = alpha_lattice(args.entries)
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cpus")
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}")
    print(f"alpha-lattice: {args.entries} entries x 3 replicates = {len(df)} plots")

    def ours():
        fit = mixed_model(
            df, response="yield_kg_ha", design="alpha", treatment="entry", block="rep",
            incomplete_block="block",
        )  # fmt: skip
        fit.means_model().pairwise_df()
        return fit

    ours()  # warm-up: imports
    t_ours = time_it(ours, args.repeat)
    fit = ours()
    print(f"yieldtrial mixed_model (REML + F + LS-means + all pairwise df): {t_ours:.3f} s")
    print(f"  iterations {fit.iterations}, F df {fit.table['df_denominator'].iloc[0]:.2f}")

    import statsmodels.formula.api as smf

    df["rb"] = df["rep"] + df["block"]

    def theirs():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = smf.mixedlm("yield_kg_ha ~ C(entry) + C(rep)", df, groups="rb")
            return model.fit(reml=True, method=["bfgs"], gtol=1e-10, maxiter=5000)

    t_sm = time_it(theirs, max(1, args.repeat // 2))
    res = theirs()
    print(f"statsmodels MixedLM (REML, BFGS gtol 1e-10), fit only: {t_sm:.3f} s")
    print(f"ratio statsmodels / yieldtrial: {t_sm / t_ours:.1f}")
    ours_vc = np.array([fit.variance("rep:block"), fit.residual_variance])
    sm_vc = np.array([float(res.cov_re.iloc[0, 0]), float(res.scale)])
    print(f"max relative difference of the variance components: "
          f"{np.max(np.abs(ours_vc - sm_vc) / sm_vc):.2e}")  # fmt: skip


if __name__ == "__main__":
    main()
