"""Benchmark of the network engine (``yieldtrial.analyze_many``).

Prints, from one process:

1. 10,000 balanced RCBD trials (4 treatments x 4 blocks): analyze_many vs a
   statsmodels formula loop (``ols`` + ``anova_lm`` per trial, run on a subset and
   scaled) vs a bare numpy ANOVA floor;
2. 2,000 unbalanced trials (one missing plot each): analyze_many vs the
   statsmodels loop;
3. peak memory of analyze_many on 1,000,000 balanced trials (in a subprocess,
   ``resource.getrusage`` max RSS);
4. ``import yieldtrial`` vs ``import pandas`` (fresh interpreters, median of repeats).

Usage::

    python benchmarks/bench_network.py            # full sizes (several minutes)
    python benchmarks/bench_network.py --small    # CI-sized smoke run (seconds)

Timings are wall-clock medians; the machine is described at the top of the output.
No timing is asserted: the figures go to ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

TREATMENTS = ("CK", "T1", "T2", "T3")


def balanced_frame(
    n_trials: int, *, k: int = 4, b: int = 4, seed: int = 1, coded: bool = False
) -> pd.DataFrame:
    """Long table of ``n_trials`` RCBD trials, built with numpy (no Python loop over trials).

    ``coded=True`` keeps site, block and treatment as small integers (memory-lean, for the
    1,000,000-trial run); otherwise they are strings as in a real file.
    """
    rng = np.random.default_rng(seed)
    site = np.repeat(np.arange(n_trials, dtype=np.int32), k * b)
    trt = np.tile(np.repeat(np.arange(k, dtype=np.int8), b), n_trials)
    blk = np.tile(np.arange(b, dtype=np.int8), n_trials * k)
    y = (
        6000.0
        + rng.normal(0, 500, n_trials)[site]
        + 300.0 * (trt == 1)
        + 50.0 * blk
        + rng.normal(0, 250, site.size)
    )
    if coded:
        return pd.DataFrame({"site": site, "block": blk, "treatment": trt, "y": y})
    # text columns, as pandas reads them from a CSV file
    sites = np.array([f"S{i:07d}" for i in range(n_trials)], dtype=object)
    blocks = np.array([f"B{i + 1}" for i in range(b)], dtype=object)
    treatments = np.array(TREATMENTS[:k], dtype=object)
    return pd.DataFrame(
        {
            "site": pd.array(sites[site], dtype="str"),
            "block": pd.array(blocks[blk], dtype="str"),
            "treatment": pd.array(treatments[trt], dtype="str"),
            "y": y,
        }
    )


def one_missing_plot(frame: pd.DataFrame, *, seed: int = 2) -> pd.DataFrame:
    """Drop one random plot from every trial (16 -> 15 plots)."""
    rng = np.random.default_rng(seed)
    n_trials = int(frame["site"].nunique())
    per = len(frame) // n_trials
    drop = np.arange(n_trials) * per + rng.integers(0, per, n_trials)
    return frame.drop(index=frame.index[drop]).reset_index(drop=True)


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls [s]."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def statsmodels_loop(frame: pd.DataFrame, n_trials: int) -> float:
    """Seconds per trial of the usual loop: formula OLS + type II ANOVA per trial."""
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    sites = pd.unique(frame["site"])[:n_trials]
    sub = frame[frame["site"].isin(sites)]
    # plain text columns, as read from a CSV file
    sub = sub.assign(
        site=sub["site"].astype(str),
        treatment=sub["treatment"].astype(str),
        block=sub["block"].astype(str),
    )
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _, part in sub.groupby("site", observed=True):
            model = smf.ols("y ~ C(treatment) + C(block)", data=part).fit()
            anova_lm(model, typ=2)
    return (time.perf_counter() - t0) / n_trials


def numpy_floor_array(y3: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bare RCBD ANOVA on a ready (trials, k, b) array: F and p of treatments per trial.

    Centred sums of squares (treatments, residual), F, and p by ``scipy.special.fdtrc``;
    nothing else (no blocks' F, no means table, no screening, no DataFrame).
    """
    from scipy.special import fdtrc

    _, k, b = y3.shape
    grand = y3.mean(axis=(1, 2))
    yc = y3 - grand[:, None, None]
    tm = yc.mean(axis=2)
    bm = yc.mean(axis=1)
    resid = yc - tm[:, :, None] - bm[:, None, :]
    ss_t = b * np.einsum("ij,ij->i", tm, tm)
    ss_e = np.einsum("ijk,ijk->i", resid, resid)
    df_e = (k - 1) * (b - 1)
    f = (ss_t / (k - 1)) / (ss_e / df_e)
    return f, fdtrc(k - 1, df_e, f)


def numpy_floor_frame(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Compute the same floor from the long table a user has: code, sort, reshape, ANOVA.

    ``pandas.factorize`` of the site, treatment and block columns (no sorting of the
    labels), one stable argsort of the combined code, reshape to (trials, 4, 4), then
    :func:`numpy_floor_array`.
    """
    site = pd.factorize(frame["site"])[0]  # any order identifies the trials
    trt = pd.factorize(frame["treatment"])[0]
    blk = pd.factorize(frame["block"])[0]
    order = np.argsort((site * 4 + trt) * 4 + blk, kind="stable")
    y3 = frame["y"].to_numpy()[order].reshape(-1, 4, 4)
    return numpy_floor_array(y3)


def run_analyze(frame: pd.DataFrame, **kwargs: Any) -> Any:
    from yieldtrial import analyze_many

    return analyze_many(
        frame,
        by="site",
        response="y",
        treatment="treatment",
        block="block",
        control="CK" if not kwargs.pop("coded", False) else "0",
        **kwargs,
    )


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Wall times [s] of each callable, called in turn once per round (same machine load)."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def ratio(times: dict[str, list[float]], a: str, b: str) -> float:
    """Median over rounds of ``a / b`` timed back to back in the same round."""
    return statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))


def section_balanced(n: int, loop_n: int, repeat: int) -> None:
    frame = balanced_frame(n)
    y3 = balanced_frame(n)["y"].to_numpy().reshape(n, 4, 4)
    run_analyze(balanced_frame(20))  # warm: imports and (k, df) quantile caches
    run_analyze(frame)
    fns: dict[str, Callable[[], object]] = {
        "default": lambda: run_analyze(frame),
        "tables": lambda: run_analyze(frame, summary=False),
        "floor_frame": lambda: numpy_floor_frame(frame),
        "floor_array": lambda: numpy_floor_array(y3),
    }
    times = interleaved(fns, repeat * 3)
    med = {name: statistics.median(v) for name, v in times.items()}
    t_loop = statsmodels_loop(frame, loop_n) * n
    print(f"\n[1] {n:,} balanced RCBD trials (4 treatments x 4 blocks, {len(frame):,} plots)")
    print(
        "  analyze_many(frame, by=..., control='CK') as called by default: per_trial + "
        f"per_treatment + across-site summary: {med['default']:.3f} s"
    )
    print(
        "    (per trial: type II ANOVA with F and p of treatments and blocks, CV, MSE, SED, "
        "LSD, HSD, LS-means and SEs, differences vs CK, Dunnett verdicts at alpha (auto: no "
        "p-values above 2,000 comparisons), Tukey letters; summary: site x treatment tables, "
        "win rates, combined ANOVA, across-site Dunnett p-values)"
    )
    print(f"  analyze_many, per-trial tables only (summary=False): {med['tables']:.3f} s")
    print(
        f"  statsmodels ols+anova_lm loop: {t_loop:.1f} s (measured on {loop_n:,} trials, "
        f"scaled x{n / loop_n:,.0f}; {t_loop / n * 1000:.1f} ms per trial)"
    )
    print(
        "  numpy floor from the same long DataFrame (factorize site/treatment/block, argsort, "
        f"reshape, ANOVA F and p of treatments for every trial): {med['floor_frame']:.4f} s"
    )
    print(
        f"  numpy floor on a ready (trials, 4, 4) array (ANOVA F and p only): "
        f"{med['floor_array']:.4f} s"
    )
    print(
        f"  speed-up vs statsmodels loop: {t_loop / med['default']:,.0f}x default call, "
        f"{t_loop / med['tables']:,.0f}x per-trial tables   (target >= 1000x)"
    )
    rounds = len(times["default"])
    print(
        "  ratio to the numpy floor from the long DataFrame (median of per-round ratios, "
        f"{rounds} interleaved rounds): {ratio(times, 'default', 'floor_frame'):.2f}x "
        f"default call, {ratio(times, 'tables', 'floor_frame'):.2f}x per-trial tables   "
        "(target <= 3x)"
    )
    print(
        "  ratio to the ready-array floor: "
        f"{ratio(times, 'default', 'floor_array'):.1f}x default call, "
        f"{ratio(times, 'tables', 'floor_array'):.1f}x per-trial tables"
    )
    sub = frame.iloc[: 16 * 50]
    t_exact = best_of(lambda: run_analyze(sub, dunnett_pvalues="exact", summary=False), 1)
    print(
        f"  with exact within-trial Dunnett p-values: {t_exact / 50 * 1000:.0f} ms per trial "
        "(measured on 50 trials)"
    )


def section_unbalanced(n: int, loop_n: int, repeat: int) -> None:
    frame = one_missing_plot(balanced_frame(n, seed=3))
    # warm: Dunnett critical values of the few missing-plot correlation structures (cached)
    run_analyze(frame.iloc[: 15 * min(n, 50)], dunnett_pvalues="none")
    t_engine = best_of(lambda: run_analyze(frame, dunnett_pvalues="none", summary=False), repeat)
    t_many = best_of(lambda: run_analyze(frame, dunnett_pvalues="none"), repeat)
    t_loop = statsmodels_loop(frame, loop_n) * n
    print(f"\n[2] {n:,} unbalanced RCBD trials (one missing plot each, {len(frame):,} plots)")
    print(
        f"  analyze_many (least-squares path), per-trial tables only: {t_engine:.3f} s; "
        f"with the across-site summary: {t_many:.3f} s"
    )
    print(
        f"  statsmodels ols+anova_lm loop: {t_loop:.1f} s (measured on {loop_n:,} trials, "
        f"scaled x{n / loop_n:,.0f}; {t_loop / n * 1000:.1f} ms per trial)"
    )
    print(
        f"  speed-up vs statsmodels loop: {t_loop / t_engine:,.0f}x per-trial tables, "
        f"{t_loop / t_many:,.0f}x with summary   (target >= 50x)"
    )


_MEMORY_CHILD = """
import resource, sys, time
sys.path.insert(0, {here!r})
from bench_network import balanced_frame
from yieldtrial import analyze_many
n = {n}
analyze_many(balanced_frame(20, coded=True), by="site", response="y", treatment="treatment",
             block="block", control="0", dunnett_pvalues="none")  # imports, quantile caches
frame = balanced_frame(n, coded=True)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
res = analyze_many(frame, by="site", response="y", treatment="treatment", block="block",
                   control="0", dunnett_pvalues="none")
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(base / 1024**2, peak / 1024**2, elapsed, int((res.per_trial.status == "ok").sum()))
"""


def section_memory(n: int) -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    code = _MEMORY_CHILD.format(here=here, n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    base, peak, elapsed, ok = out.stdout.split()
    print(f"\n[3] {n:,} balanced trials ({16 * n:,} plots, numeric-coded columns)")
    print(
        f"  peak RSS of the process: {float(peak):,.2f} GiB (after building the data: "
        f"{float(base):,.2f} GiB)   (target <= 8 GiB)"
    )
    print(f"  analyze_many time: {float(elapsed):.1f} s; trials ok: {int(ok):,}")


def _import_time(module: str) -> float:
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def section_import(repeat: int) -> None:
    yt, pdt = [], []
    for _ in range(repeat):  # interleaved so both see the same machine load
        yt.append(_import_time("yieldtrial"))
        pdt.append(_import_time("pandas"))
    y_med, p_med = statistics.median(yt), statistics.median(pdt)
    print(f"\n[4] import time, median of {repeat} fresh interpreters")
    print(
        f"  import yieldtrial: {y_med * 1000:.0f} ms;  import pandas: {p_med * 1000:.0f} ms;  "
        f"ratio {y_med / p_med:.2f}   (target <= 1.2)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI-sized run (seconds)")
    parser.add_argument(
        "--only", choices=("balanced", "unbalanced", "memory", "import"), help="run one section"
    )
    args = parser.parse_args()
    sizes: dict[str, Any]
    if args.small:
        sizes = {
            "balanced": (1_000, 50),
            "unbalanced": (200, 50),
            "memory": 20_000,
            "repeat": 3,
            "imports": 5,
        }
    else:
        sizes = {
            "balanced": (10_000, 300),
            "unbalanced": (2_000, 300),
            "memory": 1_000_000,
            "repeat": 5,
            "imports": 15,
        }
    import numpy
    import scipy

    import yieldtrial

    print(
        f"yieldtrial {yieldtrial.__version__}; Python {platform.python_version()}; "
        f"numpy {numpy.__version__}; scipy {scipy.__version__}; pandas {pd.__version__}"
    )
    print(f"machine: {platform.machine()}, {os.cpu_count()} logical CPUs, {platform.platform()}")
    print(
        f"started {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC"
        f"{' (--small)' if args.small else ''}"
    )
    if args.only in (None, "balanced"):
        section_balanced(sizes["balanced"][0], sizes["balanced"][1], sizes["repeat"])
    if args.only in (None, "unbalanced"):
        section_unbalanced(sizes["unbalanced"][0], sizes["unbalanced"][1], sizes["repeat"])
    if args.only in (None, "memory"):
        section_memory(sizes["memory"])
    if args.only in (None, "import"):
        section_import(sizes["imports"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
