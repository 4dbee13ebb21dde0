"""Dunnett for the slowest reviewer alpha-lattice: where its time goes, levers (stop 44).

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/explore_dunnett_stop44.py``
(about 20 s; ``--part NAME`` runs one part).  The family is ``alpha_k3_r2_lost3`` of
``bench_dunnett_reviewer.py`` (alpha-lattice, 21 entries in blocks of 3, 2 replicates, 3
lost plots; 19 Satterthwaite df 4.8-7.3, one curve built for the df class 8), its Dunnett
calls captured from ``FieldTrial.compare_to_control()`` as the reviewer makes them.

* ``split``: process CPU s of the curve build, the 19 p-value calls and the 19 critical
  values (the engine's modules and scipy.special imported beforehand, caches cleared),
  best of 3.
* ``phases``: the curve build's CPU split (one build, caches cleared, best of 3): the
  Taylor-controlled sums over the points (``TaylorBox.replicate_sums``), the exact Taylor
  terms ``T_1..T_3`` (``TaylorBox.expansion``) and ``T_4`` (``TaylorBox.term4``), the rest.
* ``nodes16``: the curve with the node sets ``(16, 24)`` instead of ``(8, 12, 16, 24)`` (by
  hand: the first pass at 16 nodes), against the current sets, alternated, best of 3: CPU
  s, the points/nodes reached and the largest p-value difference at 20 thresholds.
* ``factors``: how close the family's correlation is to ``K`` common factors plus a
  diagonal (principal-factor fit, 500 iterations, ``K = 1..6``): the largest and the rms
  off-diagonal residual, against the product form the engine uses as its base
  (``stats._mvt_sov.nearest_product_form``).  A base of ``K`` factors is worth building only
  if it leaves a much smaller ``D = C - C_base`` than the product form.  The same for the
  generic correlations of ``check_dunnett_generic.py`` (``generic``).
* ``roots``: the critical values' Brent search (``distributions._curve_root``) against the
  same search after one vectorized evaluation of the curve at ``m`` interior thresholds
  (the bracket narrowed to the sign change): evaluations, CPU s and the largest root
  difference.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
from bench_dunnett_reviewer import CASES

CASE = "alpha_k3_r2_lost3"


def _family() -> tuple[np.ndarray, list[float]]:
    """Return the correlation and the 19 df of the case's Dunnett family."""
    import yieldtrial.stats.compare as compare

    seen: list[tuple[np.ndarray, float]] = []
    original = compare.dunnett_pvalues

    def capture(t: Any, corr: Any, df: float, **kw: Any) -> Any:
        seen.append((np.array(corr, dtype=float), float(df)))
        return original(t, corr, df, **kw)

    compare.dunnett_pvalues = capture  # type: ignore[assignment]
    try:
        CASES[CASE]().compare_to_control()
    finally:
        compare.dunnett_pvalues = original  # type: ignore[assignment]
    return seen[0][0], [df for _, df in seen]


def _clear() -> None:
    from yieldtrial.stats import distributions

    distributions._dunnett_curve_cached.cache_clear()
    distributions._dunnett_critical_qmc_cached.cache_clear()


def part_split(corr: np.ndarray, dfs: list[float]) -> None:
    from yieldtrial.stats import distributions as dist

    top = max(dfs)
    best = [np.inf, np.inf, np.inf]
    for _ in range(3):
        _clear()
        c0 = time.process_time()
        dist._dunnett_curve(corr, top, two_sided=True, curve_df=top)
        c1 = time.process_time()
        for df in dfs:
            dist.dunnett_pvalues(np.array([2.5]), corr, df, curve_df=top)
        c2 = time.process_time()
        for df in dfs:
            dist.dunnett_critical_value(corr, df, curve_df=top)
        c3 = time.process_time()
        best = [min(b, x) for b, x in zip(best, (c1 - c0, c2 - c1, c3 - c2), strict=True)]
    print(f"split: curve {best[0]:.3f} s, 19 p-values {best[1]:.3f} s, 19 roots {best[2]:.3f} s")


def part_phases(corr: np.ndarray, dfs: list[float]) -> None:
    from yieldtrial.stats import distributions as dist
    from yieldtrial.stats._mvt_taylor import TaylorBox

    spent: dict[str, float] = {}
    originals = {
        name: getattr(TaylorBox, name) for name in ("replicate_sums", "expansion", "term4")
    }

    def timed(name: str) -> Any:
        def run(*args: Any, **kw: Any) -> Any:
            c0 = time.process_time()
            try:
                return originals[name](*args, **kw)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - c0

        return run

    best: dict[str, float] = {}
    try:
        for name in originals:
            setattr(TaylorBox, name, timed(name))
        for _ in range(3):
            _clear()
            spent.clear()
            c0 = time.process_time()
            dist._dunnett_curve(corr, max(dfs), two_sided=True, curve_df=max(dfs))
            spent["total"] = time.process_time() - c0
            if spent["total"] < best.get("total", np.inf):
                best = dict(spent)
    finally:
        for name, method in originals.items():
            setattr(TaylorBox, name, method)
    rest = best["total"] - sum(v for k, v in best.items() if k != "total")
    print(
        "phases: " + ", ".join(f"{k} {v:.3f} s" for k, v in best.items()) + f", rest {rest:.3f} s"
    )


def part_nodes16(corr: np.ndarray, dfs: list[float]) -> None:
    from yieldtrial.stats import _mvt_sov
    from yieldtrial.stats import distributions as dist

    sets = {"current": _mvt_sov.NODE_COUNTS, "16 first": (16, 24)}
    thresholds = np.linspace(0.5, 5.0, 20)
    best = dict.fromkeys(sets, np.inf)
    shape: dict[str, str] = {}
    values: dict[str, np.ndarray] = {}
    try:
        for _ in range(3):
            for name, counts in sets.items():
                _mvt_sov.NODE_COUNTS = counts
                _clear()
                c0 = time.process_time()
                curve = dist._dunnett_curve(corr, max(dfs), two_sided=True, curve_df=max(dfs))
                best[name] = min(best[name], time.process_time() - c0)
                shape[name] = f"{curve.points}/{curve.coef.shape[1]}"
                values[name] = curve.exceedance(thresholds)[0]
    finally:
        _mvt_sov.NODE_COUNTS = sets["current"]
    diff = float(np.max(np.abs(values["current"] - values["16 first"])))
    print("nodes16: " + ", ".join(f"{k} {best[k]:.3f} s ({shape[k]})" for k in sets)
          + f"; largest difference {diff:.1e}")  # fmt: skip


def _principal_factors(corr: np.ndarray, k: int) -> np.ndarray:
    psi = 1.0 - 1.0 / np.diag(np.linalg.inv(corr))
    loadings = np.zeros((corr.shape[0], k))
    for _ in range(500):
        reduced = corr.copy()
        np.fill_diagonal(reduced, psi)
        w, v = np.linalg.eigh(reduced)
        loadings = v[:, -k:] * np.sqrt(np.maximum(w[-k:], 0.0))
        psi = np.minimum(np.sum(loadings**2, axis=1), 0.9999)
    return loadings


def part_factors(corr: np.ndarray, name: str = CASE) -> None:
    from yieldtrial.stats._mvt_sov import nearest_product_form

    n = corr.shape[0]
    off = ~np.eye(n, dtype=bool)
    lam = nearest_product_form(corr)
    rest = (corr - np.outer(lam, lam))[off]
    row = [f"product form max {np.max(np.abs(rest)):.3f} rms {np.sqrt(np.mean(rest**2)):.4f}"]
    for k in (1, 2, 3, 4, 5, 6):
        loadings = _principal_factors(corr, k)
        rest = (corr - loadings @ loadings.T)[off]
        row.append(f"K={k} {np.max(np.abs(rest)):.3f}/{np.sqrt(np.mean(rest**2)):.4f}")
    print(f"factors: {name}: " + "; ".join(row) + " (max/rms)")


def part_generic() -> None:
    from check_dunnett_generic import generic_cases

    for name, corr in generic_cases().items():
        part_factors(corr, name)


def _root(curve: Any, alpha: float, lo: float, hi: float, m: int) -> tuple[float, int]:
    from yieldtrial.stats._roots import brentq

    calls = [0]

    def f(c: float) -> float:
        calls[0] += 1
        return float(curve.exceedance(np.array([c]))[0][0]) - alpha

    f_lo, f_hi = f(lo), f(hi)
    while f_lo < 0.0 and lo > 1e-6:
        lo, f_lo = lo / 1.1, f(lo / 1.1)
    while f_hi > 0.0:
        hi, f_hi = hi * 1.1, f(hi * 1.1)
    if m and f_lo != 0.0:
        grid = np.linspace(lo, hi, m + 2)[1:-1]
        values = curve.exceedance(grid)[0] - alpha
        calls[0] += 1
        above, below = np.flatnonzero(values > 0.0), np.flatnonzero(values <= 0.0)
        lo = float(grid[above[-1]]) if above.size else lo
        hi = float(grid[below[0]]) if below.size else hi
    root = lo if f_lo == 0.0 else float(brentq(f, lo, hi, xtol=1e-10, rtol=1e-12))
    return root, calls[0]


def part_roots(corr: np.ndarray, dfs: list[float]) -> None:
    from yieldtrial.stats import distributions as dist
    from yieldtrial.stats._univariate import t_isf

    top, alpha = max(dfs), 0.05
    curves = [dist._dunnett_curve(corr, df, two_sided=True, curve_df=top) for df in dfs]
    brackets = [
        (float(t_isf(alpha / 2, df)) - 1e-9, float(t_isf(alpha / 40, df)) + 1e-9) for df in dfs
    ]
    plain = [_root(c, alpha, lo, hi, 0) for c, (lo, hi) in zip(curves, brackets, strict=True)]
    for m in (0, 8, 32):
        best = np.inf
        for _ in range(3):
            c0 = time.process_time()
            out = [_root(c, alpha, lo, hi, m) for c, (lo, hi) in zip(curves, brackets, strict=True)]
            best = min(best, time.process_time() - c0)
        diff = max(abs(a[0] - b[0]) for a, b in zip(out, plain, strict=True))
        print(f"roots: m = {m:2d}: {sum(n for _, n in out)} evaluations, {best:.4f} s, "
              f"largest root difference {diff:.1e}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--part", choices=("split", "phases", "nodes16", "factors", "generic", "roots")
    )
    args = parser.parse_args()
    import scipy.special  # noqa: F401  (imported before any timing)

    corr, dfs = _family()
    if args.part in (None, "split"):
        part_split(corr, dfs)
    if args.part in (None, "phases"):
        part_phases(corr, dfs)
    if args.part in (None, "nodes16"):
        part_nodes16(corr, dfs)
    if args.part in (None, "factors"):
        part_factors(corr)
    if args.part in (None, "generic"):
        part_generic()
    if args.part in (None, "roots"):
        part_roots(corr, dfs)


if __name__ == "__main__":
    main()
