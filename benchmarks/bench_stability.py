"""Benchmark of the across-site analyses: pooled unreplicated farms and stability statistics.

Prints, from one process:

1. **10,000 unreplicated farms x 3 treatments** (30,000 strips): ``yt.analyze_many(...,
   design="crd", control="CK1")`` (per-farm tables, then the RCBD with farms as blocks,
   exact Dunnett, CIs, win rate) against the statsmodels formula paths a user would write:
   ``smf.mixedlm("y ~ C(treatment)", groups="site")`` (farms as random blocks) on all
   farms, and ``smf.ols("y ~ C(treatment) + C(site)")`` (farms as fixed blocks: a dense
   30,000 x 10,002 design, about 2.4 GB) on a subset, scaled by the number of farms cubed
   (the cost of its least-squares solve);
2. **a 200-variety x 50-site regional trial** (RCBD, 2 replicates: 20,000 plots):
   ``yt.stability(...)`` (per-site fits, pooled error, FW/ER, Shukla, Wricke, AMMI with
   Gollob tests, GGE, HSC, Annicchiarico, BLUPs in closed form) against the path a user
   would write with pandas + statsmodels + numpy: cell means by ``groupby``, the additive
   ``smf.ols("y ~ C(variety) + C(site)")`` on the means, the SVD of its residuals,
   one ``np.polyfit`` per variety, and ``smf.mixedlm`` with crossed variance components
   for the BLUPs.

Time is wall-clock (best of ``--repeat``); memory is the peak traced by ``tracemalloc``
(numpy and pandas allocations included) during the call, in MB.

Usage::

    python benchmarks/bench_stability.py            # full sizes (several minutes)
    python benchmarks/bench_stability.py --small    # smoke run (seconds)

No timing is asserted anywhere; the figures go to ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

TREATMENTS = ("CK1", "CK2", "T")


def farms_frame(n_farms: int, seed: int = 1) -> pd.DataFrame:
    """``n_farms`` unreplicated farms x 3 strips, text labels as read from a CSV."""
    rng = np.random.default_rng(seed)
    site = np.repeat(np.arange(n_farms), 3)
    trt = np.tile(np.arange(3), n_farms)
    y = 450.0 + rng.normal(0, 50, n_farms)[site] + np.array([0.0, -14.0, 6.0])[trt]
    y = y + rng.normal(0, 12, site.size)
    labels = np.array([f"farm{i:05d}" for i in range(n_farms)], dtype=object)
    return pd.DataFrame(
        {
            "site": pd.array(labels[site], dtype="str"),
            "treatment": pd.array(np.array(TREATMENTS, dtype=object)[trt], dtype="str"),
            "yield_kg_mu": y,
        }
    )


def regional_frame(g: int, e: int, reps: int, seed: int = 2) -> pd.DataFrame:
    """Simulate a ``g``-variety x ``e``-site RCBD regional trial, ``reps`` blocks per site."""
    rng = np.random.default_rng(seed)
    gen, env = rng.normal(0, 300, g), rng.normal(0, 900, e)
    slope = rng.normal(1.0, 0.15, g)
    ge = rng.normal(0, 200, (g, e))
    blk = rng.normal(0, 100, (e, reps))
    i = np.tile(np.arange(g), e * reps)
    j = np.repeat(np.arange(e), g * reps)
    b = np.tile(np.repeat(np.arange(reps), g), e)
    y = 7000 + gen[i] + slope[i] * env[j] + ge[i, j] + blk[j, b] + rng.normal(0, 250, i.size)
    return pd.DataFrame(
        {
            "site": pd.array(np.array([f"L{k:02d}" for k in range(e)], dtype=object)[j], "str"),
            "rep": pd.array(np.array([f"R{k}" for k in range(reps)], dtype=object)[b], "str"),
            "variety": pd.array(np.array([f"V{k:03d}" for k in range(g)], dtype=object)[i], "str"),
            "yield_kg_ha": y,
        }
    )


def measure(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs [s] and the traced peak memory of one run [MB]."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 1e6


def _quiet(fn: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn()

    return run


def section_farms(n_farms: int, ols_farms: int, mixedlm: bool = True, repeat: int = 1) -> None:
    """Pooled unreplicated farms: yieldtrial vs statsmodels MixedLM and OLS."""
    import statsmodels.formula.api as smf

    import yieldtrial as yt

    frame = farms_frame(n_farms)
    print(f"\n== {n_farms:,} unreplicated farms x 3 treatments ({len(frame):,} strips)")
    yt_time, yt_mem = measure(
        _quiet(
            lambda: yt.analyze_many(
                frame,
                by="site",
                response="yield_kg_mu",
                treatment="treatment",
                control="CK1",
                design="crd",
            )  # fmt: skip
        ),
        repeat,
    )
    print(
        f"yieldtrial analyze_many (pooled RCBD, Dunnett, CIs):  {yt_time:8.2f} s  {yt_mem:8.1f} MB"
    )
    if mixedlm:
        sm_time, sm_mem = measure(
            _quiet(lambda: smf.mixedlm("yield_kg_mu ~ C(treatment)", frame, groups="site").fit())
        )
        print(
            f"statsmodels mixedlm (farms random):                   {sm_time:8.2f} s  "
            f"{sm_mem:8.1f} MB   speed-up {sm_time / yt_time:6.1f}x"
        )
    sub = frame[frame["site"].isin(frame["site"].unique()[:ols_farms])]
    ols_time, ols_mem = measure(
        _quiet(lambda: smf.ols("yield_kg_mu ~ C(treatment) + C(site)", sub).fit())
    )
    scale = (n_farms / ols_farms) ** 3
    print(
        f"statsmodels ols (farms fixed), {ols_farms:,} farms measured:  {ols_time:8.2f} s  "
        f"{ols_mem:8.1f} MB"
    )
    dense_gb = 3 * n_farms * (n_farms + 2) * 8 / 1e9
    print(
        f"  scaled to {n_farms:,} farms (x (n/m)^3): ~{ols_time * scale:,.0f} s; dense design "
        f"{dense_gb:.1f} GB   speed-up ~{ols_time * scale / yt_time:,.0f}x"
    )


def _user_regional_path(frame: pd.DataFrame, mixedlm: bool) -> None:
    """Run what a statsmodels user would write for FW, Wricke/Shukla, AMMI, GGE and BLUPs."""
    import statsmodels.formula.api as smf

    cell = frame.groupby(["variety", "site"], as_index=False)["yield_kg_ha"].mean()
    additive = smf.ols("yield_kg_ha ~ C(variety) + C(site)", cell).fit()
    resid = cell.assign(r=additive.resid).pivot(index="variety", columns="site", values="r")
    np.linalg.svd(resid.to_numpy(), full_matrices=False)  # AMMI
    wide = cell.pivot(index="variety", columns="site", values="yield_kg_ha").to_numpy()
    np.linalg.svd(wide - wide.mean(axis=0), full_matrices=False)  # GGE
    index = wide.mean(axis=0) - wide.mean()
    for row in wide:  # Finlay-Wilkinson per variety
        np.polyfit(index, row, 1)
    w = (resid.to_numpy() ** 2).sum(axis=1)  # Wricke
    g, e = wide.shape
    _ = (g * (g - 1) * w - w.sum()) / ((g - 1) * (g - 2) * (e - 1))  # Shukla
    for _, one in frame.groupby("site"):  # pooled error: per-site RCBD
        smf.ols("yield_kg_ha ~ C(variety) + C(rep)", one).fit()
    if mixedlm:
        smf.mixedlm(
            "yield_kg_ha ~ 1",
            cell.assign(one=1),
            groups="one",
            vc_formula={"v": "0 + C(variety)", "s": "0 + C(site)"},
            re_formula="0",
        ).fit(reml=True)


def section_regional(g: int, e: int, reps: int, mixedlm: bool = True, repeat: int = 1) -> None:
    """Regional trial: yt.stability vs the pandas + statsmodels + numpy path."""
    import yieldtrial as yt

    frame = regional_frame(g, e, reps)
    print(f"\n== regional trial: {g} varieties x {e} sites x {reps} reps ({len(frame):,} plots)")
    yt_time, yt_mem = measure(
        _quiet(
            lambda: yt.stability(
                frame,
                env="site",
                treatment="variety",
                response="yield_kg_ha",
                block="rep",
                control="V000",
            )  # fmt: skip
        ),
        repeat,
    )
    print(
        f"yieldtrial stability (all statistics, BLUPs):         {yt_time:8.2f} s  {yt_mem:8.1f} MB"
    )
    sm_time, sm_mem = measure(_quiet(lambda: _user_regional_path(frame, mixedlm)))
    label = "with mixedlm BLUPs" if mixedlm else "without BLUPs"
    print(
        f"pandas + statsmodels + numpy ({label}):     {sm_time:8.2f} s  {sm_mem:8.1f} MB   "
        f"speed-up {sm_time / yt_time:6.1f}x"
    )


def main() -> int:
    """Run the sections (``--small`` for a smoke run)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="tiny sizes (seconds)")
    parser.add_argument("--repeat", type=int, default=1, help="timing repeats (best of)")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"numpy {np.__version__}, pandas {pd.__version__}")
    if args.small:
        section_farms(300, 100, repeat=args.repeat)
        section_regional(20, 8, 2, repeat=args.repeat)
    else:
        section_farms(10_000, 500, repeat=args.repeat)
        section_regional(200, 50, 2, repeat=args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
