"""Dunnett with SciPy's compiled Genz kernel: does it reach issue 15's 0.2 s? (stop 46).

Run: ``cd benchmarks && OPENBLAS_NUM_THREADS=1 PYTHONPATH=../src python
explore_dunnett_scipy_kernel.py`` (about 6 minutes; ``--part NAME`` runs one part,
``--cases a,b`` some of the six cases).  Needs SciPy >= 1.16 (``scipy.stats._qmvnt_cy``).

The kernel is ``scipy.stats._qmvnt_cy._qmvt_inner(q, rndm, n, batches, cho, lo, hi, nu)``
(Cython, added in SciPy 1.16.0 by scipy/scipy#22298, unchanged up to 1.18.1; SciPy
1.11-1.15 have no ``_qmvt_inner`` at all, the loop is numpy code inside
``_qmvnt._qmvt``): Genz's separation of variables on the rank-1 lattice ``q``
(``_qmvnt._cbc_lattice``, ``n`` points, a prime) shifted by each row of ``rndm``, with the
tent transform; ``cho`` is a lower Cholesky factor with unit diagonal (rows divided by
their pivot, the bounds too), lattice coordinate 0 gives the chi variable (``nu = 0``: a
known variance).  Here it is called with our own factor, bounds and shifts
(``default_rng(SEED)``, :data:`SHIFTS` rows), one shift per call, so the target and the
control variate see the same points and every shift's mean is known.

The six cases are the reviewer alpha-lattices of ``bench_dunnett_reviewer.py`` (21 entries,
blocks of 3, 2 replicates, lost plots) that took 0.32-0.54 s at stop 44; their Dunnett
families (correlation, Satterthwaite df, critical values) are captured from
``FieldTrial.compare_to_control()``.  Every probability is checked at the critical value of
the family's largest df (exceedance 0.05).

* ``single``: one kernel call per threshold at the df itself (the kernel's own chi
  transform), the target alone and with the control variate ``exact(base) + mean(target -
  base)`` (base: the nearest product form, ``_mvt_sov.nearest_product_form``, its exact
  exceedance by the 1-D integral), variables in Genz-Bretz order at the threshold.  Points
  per shift 1,021 to 65,521 until three standard errors over the shifts are <= 1e-4: CPU s
  of one threshold, the stated error, the real error (see ``ref``) and the implied CPU of
  the family (20 p-values and 19 roots of about 12.6 evaluations each, stop 44's count).
* ``curve``: one curve per family, as the current engine builds it
  (``_mvt_sov.max_t_curve``: Gauss-Hermite nodes in the product form's normal score, the
  chi rule of the family's df class, node sets 8-24, points per shift doubled until the
  stated error at 81+20 probe thresholds is <= 1e-4), with its replicate sums from the
  kernel (normal, ``nu = 0``; the lattice is not extensible, so each point count is a new
  lattice) and the plain control variate: CPU s, points / nodes, stated and real error.
* ``generic``: the same curve for the hand-built correlations of
  ``check_dunnett_generic.py`` (a known variance, as its ``--quick`` first table; up to
  65,536 points per shift; the engine switches to the target alone where the product form
  does not pay, as it does today): CPU s, points / nodes, stated error; then one kernel
  call per threshold (the target alone, c = 2.4, 30 df), points per shift doubled from
  8,192 until three standard errors are <= 1e-4: CPU s.
* ``ref``: scipy.stats.multivariate_t.cdf with 1,000,000 points, the mean of
  ``random_state`` 1 and 2 (as stop 44), at the same threshold and df.
* ``cost``: CPU per point and integrand of the kernel (normal and 8 df) against the
  engine's own numpy integrand (``_mvt_sov._replicate_sums``, double and single precision,
  Sobol' points), the first case's target in Genz-Bretz order at 8 thresholds 2-4, 8 shifts
  or scrambles of about 4,096 points, best of 3.
* ``determinism``: the ``single`` estimate of the first case in two child processes:
  the same bits?
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from functools import lru_cache
from typing import Any

import numpy as np
from bench_dunnett_reviewer import CASES

SLOW = (
    "alpha_k3_r2_lost3",
    "alpha_k3_r2_lost1_s2",
    "alpha_k3_r2_lost3_s1",
    "alpha_k3_r2_lost3_s2",
    "alpha_k3_r2_lost5",
    "alpha_k3_r2_lost7_s2",
)

#: Seed of our own shifts (never changes) and their number (the stated error has SHIFTS - 1 df).
SEED = 20261207
SHIFTS = 8

#: Target of the stated error (three standard errors over the shifts).
TARGET = 1e-4

#: Evaluations of a family on the per-threshold path: 20 p-values and 19 roots of ~12.6.
FAMILY_EVALUATIONS = 20 + 240


def family(name: str) -> tuple[np.ndarray, list[float], list[float]]:
    """Correlation, df and critical values of a case's Dunnett family (one per df group)."""
    import yieldtrial.stats.compare as compare

    dfs: list[float] = []
    crits: list[float] = []
    seen: list[np.ndarray] = []
    pvalues, critical = compare.dunnett_pvalues, compare.dunnett_critical_value

    def capture_p(t: Any, corr: Any, df: float, **kw: Any) -> Any:
        seen.append(np.array(corr, dtype=float))
        dfs.append(float(df))
        return pvalues(t, corr, df, **kw)

    def capture_c(corr: Any, df: float, **kw: Any) -> Any:
        out = critical(corr, df, **kw)
        crits.append(float(out[0]))
        return out

    compare.dunnett_pvalues = capture_p  # type: ignore[assignment]
    compare.dunnett_critical_value = capture_c  # type: ignore[assignment]
    try:
        CASES[name]().compare_to_control()
    finally:
        compare.dunnett_pvalues = pvalues  # type: ignore[assignment]
        compare.dunnett_critical_value = critical  # type: ignore[assignment]
    return seen[0], dfs, crits


def kernel() -> Any:
    """SciPy's compiled ``_qmvt_inner`` (ImportError below SciPy 1.16)."""
    from scipy.stats._qmvnt_cy import _qmvt_inner

    return _qmvt_inner


@lru_cache(maxsize=64)
def lattice(dim: int, points: int) -> tuple[np.ndarray, int]:
    """SciPy's fast-CBC rank-1 lattice generator (deterministic) and its prime size."""
    from scipy.stats._qmvnt import _cbc_lattice

    q, n = _cbc_lattice(dim, points)
    return np.ascontiguousarray(q, dtype=float), int(n)


def shifts(dim: int) -> np.ndarray:
    """Our own fixed shifts: SHIFTS rows of ``default_rng(SEED)``."""
    return np.random.default_rng(SEED).random((SHIFTS, dim))


def unit_factor(chol: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the kernel's factor (rows over their pivot) and the bounds' scale (1 / pivot)."""
    pivots = np.diag(chol).copy()
    return np.ascontiguousarray(chol / pivots[:, None]), 1.0 / pivots


def ordered_pair(r: np.ndarray, lam: np.ndarray, c: float) -> tuple[Any, Any]:
    """Target and product-form base factors, both in the target's Genz-Bretz order at ``c``."""
    from yieldtrial.stats._mvt_sov import reordered_cholesky

    k = r.shape[0]
    chol, order = reordered_cholesky(r, np.full(k, -c), np.full(k, c))
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    chol0 = np.linalg.cholesky(base[np.ix_(order, order)])
    return unit_factor(chol), unit_factor(chol0)


def shift_means(factor: Any, c: float, nu: float, points: int) -> np.ndarray:
    """P(all |X_i| < c) (t with ``nu`` df, 0: normal) of each shift: shape (SHIFTS,)."""
    inner = kernel()
    cho, scale = factor
    q, n = lattice(scale.size, points)
    rows = shifts(scale.size)
    hi = np.ascontiguousarray(c * scale / (np.sqrt(nu) if nu > 0 else 1.0))
    lo = -hi
    return np.array(
        [inner(q, np.ascontiguousarray(rows[j : j + 1]), n, 1, cho, lo, hi, float(nu))[0]
         for j in range(SHIFTS)]
    )  # fmt: skip


def single(r: np.ndarray, lam: np.ndarray, c: float, df: float, points: int) -> dict[str, Any]:
    """One threshold: the target alone and with the control variate (two-sided)."""
    from yieldtrial.stats.distributions import _exact_exceedances

    t0 = time.process_time()
    target, base = ordered_pair(r, lam, c)
    alone = 1.0 - shift_means(target, c, df, points)
    cpu_alone = time.process_time() - t0
    control = 1.0 - shift_means(base, c, df, points)
    exact = float(_exact_exceedances(np.array([c]), lam, df, True)[0])
    cv = exact + (alone - control)
    cpu = time.process_time() - t0

    def stated(v: np.ndarray) -> float:
        return float(3.0 * np.std(v, ddof=1) / np.sqrt(v.size))

    return {"n": lattice(r.shape[0], points)[1], "alone": float(alone.mean()),
            "alone_err": stated(alone), "alone_cpu": cpu_alone, "cv": float(cv.mean()),
            "cv_err": stated(cv), "cv_cpu": cpu, "bits": cv}  # fmt: skip


def reference(r: np.ndarray, c: float, df: float) -> tuple[float, float]:
    """scipy.stats.multivariate_t.cdf, 1,000,000 points: mean of seeds 1 and 2, half-spread."""
    from scipy import stats

    k = r.shape[0]
    refs = [
        1.0 - float(stats.multivariate_t(shape=r, df=df).cdf(
            np.full(k, c), lower_limit=np.full(k, -c), maxpts=1_000_000, random_state=seed))
        for seed in (1, 2)
    ]  # fmt: skip
    return float(np.mean(refs)), abs(refs[0] - refs[1]) / 2.0


def kernel_curve(
    r: np.ndarray, lam: np.ndarray, build_df: float, most: int = 32768
) -> tuple[Any, float]:
    """Build the engine's ``max_t_curve`` on replicate sums from the kernel: curve, CPU s."""
    from scipy.special import ndtri

    import yieldtrial.stats._mvt_sov as sov
    from yieldtrial.stats.distributions import _exact_exceedances, chi_nodes

    k = r.shape[0]
    means: dict[tuple[int, float, int], np.ndarray] = {}

    def region_means(region: Any, thresholds: np.ndarray, points: int) -> np.ndarray:
        factor = unit_factor(region.chol)
        out = np.empty((SHIFTS, thresholds.size))
        for i, c in enumerate(thresholds):
            key = (id(region), float(c), points)
            if key not in means:
                means[key] = shift_means(factor, float(c), 0.0, points)
            out[:, i] = means[key]
        return out

    def sums(thresholds: Any, regions: Any, points: int, first: int = 0) -> np.ndarray:
        thresholds = np.atleast_1d(np.asarray(thresholds, dtype=float))

        def total(n: int) -> np.ndarray:
            if n == 0:
                return np.zeros((SHIFTS, thresholds.size))
            v = region_means(regions[0], thresholds, n)
            if regions[1] is not None:
                v = v - region_means(regions[1], thresholds, n)
            return v * n

        return total(points) - total(first)

    t0 = time.process_time()
    c_ref = float(-ndtri(0.025 / k))
    chol, order = sov.reordered_cholesky(r, np.full(k, -c_ref), np.full(k, c_ref))
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    chol0 = np.linalg.cholesky(base[np.ix_(order, order)])
    ones = np.ones(k)
    regions = (sov.Region(chol, -ones, ones), sov.Region(chol0, -ones, ones))
    r_grid = sov._grid(float(-ndtri(1e-17 / (2.0 * k))), True)

    def exact(g: Any) -> np.ndarray:
        return np.asarray(_exact_exceedances(np.asarray(g, dtype=float), lam, np.inf, True))

    original = sov._replicate_sums
    sov._replicate_sums = sums  # type: ignore[assignment]
    try:
        counts = tuple(n for n in (512, 1024, 2048, 4096, 8192, 16384, 32768, 65536) if n <= most)
        curve = sov.max_t_curve(
            regions, r_grid, exact(r_grid), build_df, chi_nodes(build_df, 4), two_sided=True,
            point_counts=counts, max_points=counts[-1], control_exceedance=exact,
        )  # fmt: skip
    finally:
        sov._replicate_sums = original  # type: ignore[assignment]
    return curve, time.process_time() - t0


def part_single(names: list[str], refs: dict[str, tuple[float, float]]) -> None:
    from yieldtrial.stats._mvt_sov import nearest_product_form

    print("single: one kernel call per threshold (kernel's t), c = critical value at the "
          "largest df; CPU s per threshold")  # fmt: skip
    print("case | df | c | n per shift | alone: 3 SE, CPU | CV: 3 SE, CPU | CV value | real "
          "| ref sd | covered | family CPU (260 evaluations)")  # fmt: skip
    for name in names:
        r, dfs, crits = family(name)
        top = int(np.argmax(dfs))
        df, c = dfs[top], crits[top]
        lam = nearest_product_form(r)
        ref, sd = refs[name] if name in refs else reference(r, c, df)
        refs[name] = (ref, sd)
        for points in (1024, 2048, 4096, 8192, 16384, 32768, 65536):
            out = single(r, lam, c, df, points)
            real = abs(out["cv"] - ref)
            covered = "yes" if real <= out["cv_err"] else "NO"
            print(f"{name} | {df:.1f} | {c:.4f} | {out['n']} | {out['alone_err']:.1e}, "
                  f"{out['alone_cpu']:.3f} | {out['cv_err']:.1e}, {out['cv_cpu']:.3f} | "
                  f"{out['cv']:.6f} | {real:.1e} | {sd:.1e} | {covered} | "
                  f"{out['cv_cpu'] * FAMILY_EVALUATIONS:.1f}", flush=True)  # fmt: skip
            if out["cv_err"] <= TARGET:
                break


def part_curve(names: list[str], refs: dict[str, tuple[float, float]]) -> None:
    from yieldtrial.stats._mvt_sov import _probe_thresholds, nearest_product_form
    from yieldtrial.stats.distributions import _build_df, _with_chi_rule

    print("curve: the engine's max_t_curve on kernel sums (normal kernel, plain control "
          "variate), built for the family's df class")  # fmt: skip
    print("case | build df | CPU s | points/nodes | stated (probes) | value at c | stated at c "
          "| real | covered")  # fmt: skip
    for name in names:
        r, dfs, crits = family(name)
        top = int(np.argmax(dfs))
        df, c = dfs[top], crits[top]
        lam = nearest_product_form(r)
        build = _build_df(max(dfs))
        curve, cpu = kernel_curve(r, lam, build)
        values, errors = _with_chi_rule(curve, df).exceedance(np.array([c]))
        probe = _probe_thresholds(curve.r_high, build, True)
        stated = float(np.max(_with_chi_rule(curve, build).exceedance(probe)[1]))
        ref, _ = refs[name] if name in refs else reference(r, c, df)
        refs[name] = (ref, _)
        real = abs(float(values[0]) - ref)
        print(f"{name} | {build:.2f} | {cpu:.2f} | {curve.points}/{curve.coef.shape[1]} | "
              f"{stated:.1e} | {float(values[0]):.6f} | {float(errors[0]):.1e} | {real:.1e} | "
              f"{'yes' if real <= errors[0] else 'NO'}", flush=True)  # fmt: skip


def part_generic() -> None:
    from check_dunnett_generic import generic_cases

    from yieldtrial.stats._mvt_sov import (
        _probe_thresholds,
        nearest_product_form,
        reordered_cholesky,
    )

    print("generic: the kernel-sums curve, df = inf")
    print("case | CPU s | points/nodes | stated (probes)")
    for name, r in generic_cases().items():
        curve, cpu = kernel_curve(r, nearest_product_form(r), np.inf, most=65536)
        stated = float(np.max(curve.exceedance(_probe_thresholds(curve.r_high, np.inf, True))[1]))
        print(f"{name} | {cpu:.2f} | {curve.points}/{curve.coef.shape[1]} | {stated:.1e}",
              flush=True)  # fmt: skip
    print("generic, one kernel call per threshold (target alone, c = 2.4, 30 df): points per "
          "shift until 3 SE <= 1e-4")  # fmt: skip
    print("case | n per shift | stated | CPU s")
    for name, r in generic_cases().items():
        k = r.shape[0]
        for points in (8192, 16384, 32768, 65536, 131072):
            t0 = time.process_time()
            chol, _ = reordered_cholesky(r, np.full(k, -2.4), np.full(k, 2.4))
            values = 1.0 - shift_means(unit_factor(chol), 2.4, 30.0, points)
            cpu = time.process_time() - t0
            stated = float(3.0 * np.std(values, ddof=1) / np.sqrt(SHIFTS))
            print(f"{name} | {lattice(k, points)[1]} | {stated:.1e} | {cpu:.3f}", flush=True)
            if stated <= TARGET:
                break


def part_cost(name: str) -> None:
    import yieldtrial.stats._mvt_sov as sov

    r, _, _ = family(name)
    k = r.shape[0]
    chol, _ = sov.reordered_cholesky(r, np.full(k, -3.0), np.full(k, 3.0))
    ones = np.ones(k)
    thresholds = np.linspace(2.0, 4.0, 8)

    def best(run: Any) -> float:
        run()  # warm: Sobol' rows, lattice
        times = []
        for _ in range(3):
            t0 = time.process_time()
            run()
            times.append(time.process_time() - t0)
        return min(times)

    print(f"cost ({name}, 8 thresholds x 8 shifts/scrambles): CPU us per point and integrand")
    for single in (False, True):
        region = sov.Region(chol, -ones, ones, single=single)
        cpu = best(lambda region=region: sov._replicate_sums(thresholds, (region, None), 4096))
        kind = "single" if single else "double"
        print(f"  engine numpy integrand ({kind}): {cpu * 1e6 / (8 * SHIFTS * 4096):.2f}")
    factor = unit_factor(chol)
    n = lattice(k, 4096)[1]
    for nu in (0.0, 8.0):
        cpu = best(lambda nu=nu: [shift_means(factor, float(c), nu, 4096) for c in thresholds])
        print(f"  scipy compiled kernel (nu = {nu:g}): {cpu * 1e6 / (8 * SHIFTS * n):.2f}")


def child_digest(name: str) -> str:
    from yieldtrial.stats._mvt_sov import nearest_product_form

    r, dfs, crits = family(name)
    top = int(np.argmax(dfs))
    out = single(r, nearest_product_form(r), crits[top], dfs[top], 8192)
    return hashlib.sha256(np.asarray(out["bits"]).tobytes()).hexdigest()[:16]


def part_determinism(name: str) -> None:
    digests = [
        subprocess.run([sys.executable, __file__, "--child", name], capture_output=True,
                       text=True, check=True).stdout.strip()
        for _ in range(2)
    ]  # fmt: skip
    print(f"determinism ({name}, 8,192 points x {SHIFTS} shifts, two processes): "
          f"{digests[0]} {digests[1]} same: {digests[0] == digests[1]}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("cost", "single", "curve", "generic", "determinism"))
    parser.add_argument("--cases", default=",".join(SLOW))
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(child_digest(args.child))
        return
    import os

    import scipy

    try:
        kernel()
        have = "yes"
    except ImportError:
        have = "no (SciPy < 1.16): nothing to measure"
    print(f"scipy {scipy.__version__}, compiled _qmvt_inner: {have}; load "
          f"{os.getloadavg()[0]:.1f}, {time.strftime('%H:%M UTC', time.gmtime())}")  # fmt: skip
    if have != "yes":
        return
    names = args.cases.split(",")
    refs: dict[str, tuple[float, float]] = {}
    if args.part in (None, "cost"):
        part_cost(names[0])
    if args.part in (None, "determinism"):
        part_determinism(names[0])
    if args.part in (None, "single"):
        part_single(names, refs)
    if args.part in (None, "curve"):
        part_curve(names, refs)
    if args.part in (None, "generic"):
        part_generic()
    print(f"load {os.getloadavg()[0]:.1f}, {time.strftime('%H:%M UTC', time.gmtime())}")


if __name__ == "__main__":
    main()
