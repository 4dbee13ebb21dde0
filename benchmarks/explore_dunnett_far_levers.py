"""Dunnett far from every product form: five more levers measured (stop 40), none taken.

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/explore_dunnett_far_levers.py``
(about a minute; ``--part NAME`` runs one part).  The 20-comparison random layouts of
``bench_dunnett_general.far_cases`` and the five-factor correlation of
``check_dunnett_generic.generic_cases`` (df 30 where p-values are timed; process CPU s).

* ``split``: where a curve's time goes (the Taylor first pass that gives its control up,
  the pilot score, the rest: the curve's integrations), per random layout, best of 2.
* ``twolevel``: a two-level estimate ``mean_N(f_c) + mean_n(f - f_c)`` with a cheap
  integrand ``f_c`` (the same recursion with the logistic ``Phi(x) ~ 1 / (1 + exp(-x
  (1.5976 + 0.070566 x^2)))`` and the logit quantile ``log(p / (1 - p)) / 1.702``): it pays
  only when ``f_c`` is much cheaper and ``f - f_c`` spreads much less than ``f``.  Prints
  3 SE over the 8 scrambles (x 1e-5) of ``f`` (the pilot path's single-precision
  integrand), ``f_c`` and ``f - f_c`` at the middle node thresholds of the seed-0 curve,
  their mean difference (x 1e-3) and both integrands' CPU time on 7 thresholds x 8,192
  points.
* ``factors``: the five-factor correlation is exactly ``D + A A'`` of rank 5 (the
  principal-factor fit of ``stats._mvt_lowrank`` reproduces it to 3e-15), so ``G(r)`` is a
  5-dimensional integral over the factors; prints 3 SE over the 8 scrambles of a
  scrambled-Sobol' rule over the factors (``F = Phi^-1(u)``) at r = 1.8, 2.4, 3.0.
* ``score``: the target integrand alone (variance order, single precision: the pilot
  path's) along the Taylor path's own score (the second-order expansion ``G_s``) instead of
  a pilot's; CPU, points/nodes and stated error against the current dispatch.
* ``means``: the seed-0 layout integrated over the 21 treatment means instead of the 20
  contrasts (``|m_i - m_0| <= r se_i`` as pairwise constraints of ``stats._mvt_sov.Region``,
  double precision): the control's mean first, then the others in the variance order of
  their covariance given it; or all 21 in the variance order of their covariance.  Prints
  3 SE over the 8 scrambles (x 1e-5) against the contrasts' integrand (variance order).
* ``scrambles``: the current dispatch with four sets of 8 scrambles (``SOBOL_SEED`` + 0,
  1000, 2000, 3000): how much of the points a layout needs is the luck of the scrambles.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_dunnett_general import far_cases, points_nodes  # noqa: E402
from check_dunnett_generic import generic_cases  # noqa: E402

from yieldtrial.stats import _mvt_pilot, _mvt_sov, _mvt_taylor, distributions  # noqa: E402
from yieldtrial.stats._mvt_lowrank import _principal_factors  # noqa: E402

F32 = np.float32
LAYOUTS = ("random layout, seed 7", "random layout, seed 0", "random layout, seed 1")
T20 = np.linspace(0.5, 4.0, 20)


def _clear() -> None:
    distributions._dunnett_curve_cached.cache_clear()
    distributions._exact_exceedances_cached.cache_clear()


def _warm() -> None:
    """Import the lazily loaded modules (a 5-comparison curve)."""
    distributions.dunnett_pvalues(T20, far_cases()["random layout, seed 1"][:5, :5], 30.0)


def split() -> None:
    """Time of the Taylor first pass, the pilot score and the rest, per layout."""
    spent: dict[str, float] = {}

    def timed(function: Any, label: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - start

        return call

    taylor, score = _mvt_taylor.dunnett_taylor_curve, _mvt_pilot.pilot_score
    _mvt_taylor.dunnett_taylor_curve = timed(taylor, "taylor")

    def pilot_score(*args: Any, **kwargs: Any) -> Any:
        return timed(score(*args, **kwargs), "pilot")

    _mvt_pilot.pilot_score = pilot_score
    try:
        _warm()
        print("\nsplit: CPU s of the 20 p-values (best of 2), the Taylor path, the pilot score")
        for name in LAYOUTS:
            rows = []
            for _ in range(2):
                spent.clear()
                _clear()
                start = time.process_time()
                distributions.dunnett_pvalues(T20, far_cases()[name], 30.0)
                rows.append((time.process_time() - start, dict(spent)))
            total, parts = min(rows, key=lambda row: row[0])
            curve = distributions._dunnett_curve(far_cases()[name], 30.0, two_sided=True)
            print(
                f"{name:>22} {total:.3f}  taylor {parts.get('taylor', 0.0):.3f}  "
                f"pilot {parts.get('pilot', 0.0):.3f}  {points_nodes(curve)}"
            )
    finally:
        _mvt_taylor.dunnett_taylor_curve, _mvt_pilot.pilot_score = taylor, score


def _logistic(x: np.ndarray, out: np.ndarray, z: np.ndarray) -> np.ndarray:
    np.multiply(x, x, out=z)
    z *= F32(-0.070566)
    z -= F32(1.5976)
    z *= x
    np.exp(z, out=z)
    z += F32(1.0)
    return np.divide(F32(1.0), z, out=out)


def _logit(p: np.ndarray, out: np.ndarray, z: np.ndarray) -> np.ndarray:
    np.subtract(F32(1.0), p, out=z)
    np.divide(p, z, out=z)
    np.log(z, out=out)
    out *= F32(1.0 / 1.702)
    return out


def cheap_integrand(r: np.ndarray, region: Any, w: np.ndarray) -> np.ndarray:
    """``stats._mvt_sov._box_integrand_single`` with the logistic ``Phi`` and logit quantile."""
    chol = np.asarray(region.chol, dtype=F32)
    d, m, n = chol.shape[0], r.size, w.shape[1]
    rr = np.asarray(r, dtype=F32)[:, None]
    y = np.empty((d, m, n), dtype=F32)
    flat_y = y.reshape(d, m * n)
    shift, lo, hi, z = (np.empty((m, n), dtype=F32) for _ in range(4))
    r64 = np.asarray(r, dtype=float)[:, None] / float(region.chol[0, 0])
    p_lo0, p_hi0 = ndtr(region.box_lo[0] * r64), ndtr(region.box_hi[0] * r64)
    width0 = np.clip(p_hi0 - p_lo0, 0.0, 1.0)
    f = np.repeat(width0.astype(F32), n, axis=1)
    p_min, p_max = F32(_mvt_sov._SINGLE_P_MIN), F32(1.0 - _mvt_sov._SINGLE_P_MIN)
    np.multiply(width0.astype(F32), w[0], out=lo)
    lo += p_lo0.astype(F32)
    np.clip(lo, p_min, p_max, out=lo)
    _logit(lo, y[0], z)
    with np.errstate(over="ignore"):
        for i in range(1, d):
            np.dot(chol[i, :i], flat_y[:i], out=shift.reshape(m * n))
            scale = F32(1.0 / chol[i, i])
            np.subtract(rr * F32(region.box_lo[i]), shift, out=hi)
            hi *= scale
            _logistic(hi, lo, z)
            np.subtract(rr * F32(region.box_hi[i]), shift, out=shift)
            shift *= scale
            _logistic(shift, hi, z)
            hi -= lo
            np.clip(hi, F32(0.0), F32(1.0), out=hi)
            f *= hi
            if i < d - 1:
                hi *= w[i]
                hi += lo
                np.clip(hi, p_min, p_max, out=hi)
                _logit(hi, y[i], z)
    return f


def twolevel() -> None:
    """Spreads of ``f``, ``f_c`` and ``f - f_c`` on the seed-0 layout's middle nodes."""
    corr = far_cases()["random layout, seed 0"]
    chol, _, lo, hi, _ = _mvt_sov.dunnett_box(corr, True, by_variance=True)
    region = _mvt_sov.Region(chol, lo, hi, single=True)
    r = np.array([1.36, 1.66, 2.04, 2.48, 2.98, 3.54, 4.13])
    rows = _mvt_sov._sobol_rows_single(chol.shape[0] - 1, 13)
    se = lambda a: 3.0 * a.std(axis=0, ddof=1) / np.sqrt(a.shape[0])  # noqa: E731
    print(f"\ntwolevel: seed-0 layout, r = {r.tolist()}; 3 SE over 8 scrambles x 1e-5")
    for n in (1024, 2048, 4096, 8192):
        exact = np.array(
            [_mvt_sov._box_integrand_single(r, region, rows[j][:, :n]).mean(axis=1, dtype=float)
             for j in range(rows.shape[0])]
        )  # fmt: skip
        cheap = np.array(
            [cheap_integrand(r, region, rows[j][:, :n]).mean(axis=1, dtype=float)
             for j in range(rows.shape[0])]
        )  # fmt: skip
        print(
            f"{n:>5} f {np.round(se(exact) * 1e5, 1)}\n      f_c {np.round(se(cheap) * 1e5, 1)}\n"
            f"      f - f_c {np.round(se(exact - cheap) * 1e5, 1)}"
            f"  mean (f - f_c) x 1e3 {np.round((exact - cheap).mean(axis=0) * 1e3, 1)}"
        )
    w = rows[0][:, :8192]
    for label, function in (("f", _mvt_sov._box_integrand_single), ("f_c", cheap_integrand)):
        function(r, region, w)
        start = time.process_time()
        for _ in range(5):
            function(r, region, w)
        cpu = (time.process_time() - start) / 5
        print(f"CPU of {label} (7 thresholds x 8,192 points): {cpu:.4f} s")


def factors() -> None:
    """Scrambled Sobol' over the 5 factors of the five-factor correlation: 3 SE of G(r)."""
    corr = generic_cases()["5 factors, seed 1"]
    loadings, residual = _principal_factors(corr, 5)
    unique = np.sqrt(1.0 - np.sum(loadings**2, axis=1))
    print(f"\nfactors: rank-5 fit residual {residual:.1e}; 3 SE of G(r) over 8 scrambles")
    for level in (10, 12, 14):
        shift = ndtri(_mvt_sov._sobol(5, level)) @ loadings.T  # (8, N, 20)
        line = []
        for r in (1.8, 2.4, 3.0):
            out = ndtr((shift - r) / unique) + ndtr((-r - shift) / unique)
            with np.errstate(divide="ignore"):
                g = np.exp(np.log1p(-np.minimum(out, 1.0)).sum(axis=-1)).mean(axis=1)
            line.append(f"r {r}: G {g.mean():.6f} 3 SE {3.0 * g.std(ddof=1) / np.sqrt(8):.1e}")
        print(f"{2**level:>6} points  " + "; ".join(line))


def _taylor_score(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the Taylor path's score table ``(r_grid, 1 - G_s)`` (as its curve builds it)."""
    from yieldtrial.stats._mvt_series import cholesky_path_series

    k = corr.shape[0]
    lam = _mvt_sov.nearest_product_form(corr)
    chol, order, box_lo, box_hi, r_grid = _mvt_sov.dunnett_box(corr, True)
    control = np.outer(lam, lam)
    np.fill_diagonal(control, 1.0)
    ctrl = control[np.ix_(order, order)] + 1e-14 * np.eye(k)
    target = corr[np.ix_(order, order)] + 1e-14 * np.eye(k)
    path = _mvt_taylor.cholesky_path(ctrl, target, third=True)
    path4 = tuple(cholesky_path_series(ctrl, target, 4))
    nodes, weights = _mvt_taylor._factor_rule(float(np.max(np.abs(lam))))
    exact = lambda g: distributions._exact_exceedances(g, lam, np.inf, True)  # noqa: E731
    box = _mvt_taylor.TaylorBox(
        chol, np.linalg.cholesky(ctrl), lam[order], path[0], path[1], box_lo, box_hi, lam, corr,
        nodes, weights, True, exact, path[2], path4,
    )  # fmt: skip
    exceed1 = _mvt_taylor._product_form_exceedance(r_grid, lam, nodes, weights, True)
    mid = np.flatnonzero((exceed1 > 1e-13) & (exceed1 < 1.0 - 1e-13))
    terms = np.zeros(r_grid.size)
    terms[mid] = _mvt_taylor._smooth_terms(box, r_grid[mid], exceed1[mid])
    return r_grid, np.minimum.accumulate(np.clip(exceed1 - terms, 0.0, 1.0))


def score() -> None:
    """Time the target integrand alone along the Taylor score, and the current dispatch."""
    _warm()
    print("\nscore: target alone along the Taylor score | current dispatch (CPU s, df 30)")
    for name in LAYOUTS:
        corr = far_cases()[name]
        runs = []
        for _ in range(2):
            _clear()
            start = time.process_time()
            r_grid, exceed = _taylor_score(corr)
            chol, _, lo, hi, _ = _mvt_sov.dunnett_box(corr, True, by_variance=True)
            curve = _mvt_sov.max_t_curve(
                (_mvt_sov.Region(chol, lo, hi, single=True), None), r_grid, exceed, 32.0,
                distributions.chi_nodes(32.0, 4), two_sided=True,
                point_counts=_mvt_pilot.PILOT_POINT_COUNTS,
                max_points=_mvt_taylor.far_max_points(20), score_is_control=False,
            )  # fmt: skip
            runs.append(time.process_time() - start)
        p, err = distributions._with_chi_rule(curve, 30.0).exceedance(T20)
        now = []
        for _ in range(2):
            _clear()
            start = time.process_time()
            p_now, acc = distributions.dunnett_pvalues(T20, corr, 30.0)
            now.append(time.process_time() - start)
        print(
            f"{name:>22} {min(runs):.3f} {points_nodes(curve)} stated {err.max():.1e} | "
            f"{min(now):.3f} {acc.abs_error:.1e} | max|diff| {np.max(np.abs(p - p_now)):.1e}"
        )


def means() -> None:
    """Spread of the integrand over the treatment means against that over the contrasts."""
    from bench_dunnett_general import contrast_corr, gls_means_cov

    rng = np.random.default_rng(0)
    trt = np.concatenate([rng.permutation(21) for _ in range(2)])
    rep, pos = np.repeat(np.arange(2), 21), np.tile(np.arange(21), 2)
    v = gls_means_cov(trt, [rep], [7 * rep + pos // 3], [5.7], 21)
    v = v / v[0, 0]
    corr = contrast_corr(v)
    se = np.sqrt(np.diag(v)[1:] + v[0, 0] - 2.0 * v[0, 1:])
    d = v.shape[0]
    free = np.full(d, np.inf)

    def region(order: np.ndarray) -> Any:
        pair = np.full((d, d), np.inf)
        at0 = int(np.flatnonzero(order == 0)[0])
        for i in range(d):
            if i != at0:
                pair[max(i, at0), min(i, at0)] = se[order[i] - 1]
        chol = np.linalg.cholesky(v[np.ix_(order, order)])
        return _mvt_sov.Region(chol, -free, free, pair=pair)

    given = v[1:, 1:] - np.outer(v[1:, 0], v[0, 1:]) / v[0, 0]
    first = np.concatenate([[0], 1 + _mvt_sov.variance_ordered_cholesky(given)[1]])
    regions = {
        "contrasts": None,
        "means, control first": region(first),
        "means, variance order": region(_mvt_sov.variance_ordered_cholesky(v)[1]),
    }
    chol, _, lo, hi, _ = _mvt_sov.dunnett_box(corr, True, by_variance=True)
    contrasts = _mvt_sov.Region(chol, lo, hi)
    r = np.array([1.36, 1.66, 2.04, 2.48, 2.98, 3.54, 4.13])
    print(f"\nmeans: seed-0 layout, r = {r.tolist()}; 3 SE over 8 scrambles x 1e-5")
    for n in (1024, 4096, 8192):
        for label, reg in regions.items():
            reg = contrasts if reg is None else reg
            rows = _mvt_sov._sobol_rows(reg.chol.shape[0] - 1, 13)
            sums = np.array(
                [_mvt_sov._sov_integrand(r, reg, rows[j][:, :n]).mean(axis=1)
                 for j in range(rows.shape[0])]
            )  # fmt: skip
            spread = 3.0 * sums.std(axis=0, ddof=1) / np.sqrt(rows.shape[0])
            print(f"{n:>5} {label:>22} {np.round(spread * 1e5, 1)}")


def scrambles() -> None:
    """Time the current dispatch with four sets of 8 scrambles."""
    base = _mvt_sov.SOBOL_SEED
    print("\nscrambles: SOBOL_SEED offset, CPU s (incl. generating the points), points/nodes")
    try:
        for offset in (0, 1000, 2000, 3000):
            _mvt_sov.SOBOL_SEED = base + offset
            for cached in (_mvt_sov._sobol, _mvt_sov._sobol_rows, _mvt_sov._sobol_rows_single):
                cached.cache_clear()
            _warm()
            for name in LAYOUTS:
                _clear()
                start = time.process_time()
                _, acc = distributions.dunnett_pvalues(T20, far_cases()[name], 30.0)
                cpu = time.process_time() - start
                curve = distributions._dunnett_curve(far_cases()[name], 30.0, two_sided=True)
                print(f"{offset:>5} {name:>22} {cpu:.3f} {points_nodes(curve)} {acc.abs_error:.1e}")
    finally:
        _mvt_sov.SOBOL_SEED = base
        for cached in (_mvt_sov._sobol, _mvt_sov._sobol_rows, _mvt_sov._sobol_rows_single):
            cached.cache_clear()


PARTS = {"split": split, "twolevel": twolevel, "factors": factors, "score": score,
         "means": means, "scrambles": scrambles}  # fmt: skip

if __name__ == "__main__":
    chosen = [sys.argv[sys.argv.index("--part") + 1]] if "--part" in sys.argv else list(PARTS)
    for part in chosen:
        PARTS[part]()
