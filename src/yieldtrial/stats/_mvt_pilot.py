"""Dunnett's curve for correlations far from any product form: a pilot score, no control.

The Taylor-controlled curve (:mod:`yieldtrial.stats._mvt_taylor`) interpolates the
difference from the nearest product form along that product form's normal score.  When
the correlation is far from every product form (a first-order autoregressive 0.9
correlation, a random correlation matrix, a several-factor structure) that difference is
not small in the tails: in the lower tail the product form's ``G_0(r)`` can be orders of
magnitude below ``G(r)``, the difference divided by the normal density grows without
bound, and no polynomial interpolates it.  Here the score comes from the target itself:

1. **Pilot.**  The plain separated-variables integrand of the target (no control) on
   every second threshold of the table, with the first :data:`PILOT_POINTS` points of
   every scramble: a smooth estimate of ``G`` (the same points at every threshold),
   accurate in relative terms where ``G`` is small.  The variables are in the order of the
   conditional variance each explains
   (:func:`yieldtrial.stats._mvt_sov.variance_ordered_cholesky`: 1.45-2.8 times less
   spread over the scrambles than Genz-Bretz's order on such correlations), and thresholds
   whose marginal exceedances sum below :data:`_SKIP_BELOW` take no points (the blend
   below takes the product form's value there).  Where the exceedance ``1 - G`` falls
   below 1e-3 the pilot's relative accuracy fades, and the score blends (smoothly, in the
   log of the exceedance, down to 1e-4) into the product form's exact exceedance, which
   shares ``G``'s leading upper-tail term (the sum of the marginal exceedances).  (Blending
   from 1e-2 to 1e-3 instead, or with 128 pilot points, left the interpolation bound of
   a 0.9 autoregression 3 to 4 times larger.)
2. **Curve.**  ``G = Phi(u) + phi(u) h(u)`` with ``u`` that score: ``Phi(u(r))`` is the
   control (exactly known), ``h`` interpolates ``(mean f - Phi(u)) / phi(u)`` at the
   Gauss-Hermite nodes (:func:`yieldtrial.stats._mvt_sov.max_t_curve`, ``regions[1] is
   None``), with the same stated error: three standard errors over the scrambles plus the
   interpolation bound.
3. **Steep integrands.**  Where the smallest Cholesky pivot is below
   :data:`MIDPOINT_PIVOT` (nearly singular correlations) the pilot takes
   :data:`RETRY_PILOT_POINTS` points and the curve is checked against the target
   integrand midway between its nodes (:func:`midpoint_checked`): a noisy score wiggles
   between the nodes where the interpolation bound does not see it.  Elsewhere a second
   pilot of that size is taken when the curve misses the target and its interpolation
   bound takes over half of it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "MIDPOINT_PIVOT",
    "PILOT_POINTS",
    "PILOT_POINT_COUNTS",
    "RETRY_PILOT_POINTS",
    "dunnett_pilot_curve",
    "midpoint_checked",
    "pilot_score",
]

#: Points per scramble of the pilot.
PILOT_POINTS = 512

#: Points per scramble of a second pilot, when the curve along the first misses the target
#: and its interpolation bound takes over half of it: a smoother score (the only pilot
#: where the conditional probabilities are steep, see :data:`MIDPOINT_PIVOT`).  On
#: ``corr(A A')``, ``A`` a 20 x 20 uniform matrix, the curve's largest error (against
#: scipy's multivariate_normal.cdf, 4,000,000 points) was 3.5e-4 along a 512-point pilot,
#: 1.5e-4 along 2,048 and 9.7e-5 along 8,192 (stop 37).
RETRY_PILOT_POINTS = 8192

#: Points per scramble tried in turn by the curve itself (plain integrand, no control).
#: (past 16,384 only while the stated error misses the target: see
#: :data:`yieldtrial.stats._mvt_taylor.FAR_POINT_COUNTS`).
PILOT_POINT_COUNTS: tuple[int, ...] = (256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536)

#: Exceedances between which the score passes from the pilot to the product form.
_BLEND_FROM, _BLEND_TO = 1e-3, 1e-4


def blended_exceedance(pilot: np.ndarray, product: np.ndarray) -> np.ndarray:
    """Return the pilot's exceedance, passing smoothly into the product form's below 1e-3.

    Examples
    --------
    >>> blended_exceedance(np.array([0.5, 1e-5]), np.array([0.4, 2e-5])).tolist()
    [0.5, 2e-05]
    """
    tiny = 1e-300
    lp = np.log(np.maximum(pilot, tiny))
    l0 = np.log(np.maximum(product, tiny))
    x = (np.log(_BLEND_FROM) - lp) / (np.log(_BLEND_FROM) - np.log(_BLEND_TO))
    x = np.clip(x, 0.0, 1.0)
    w = x * x * (3.0 - 2.0 * x)  # smoothstep
    out = np.exp((1.0 - w) * lp + w * l0)
    out = np.where(pilot <= 0.0, product, out)
    return np.asarray(np.minimum.accumulate(np.clip(out, 0.0, 1.0)))


#: Thresholds whose marginal exceedances sum to at most this (a tenth of ``_BLEND_TO``) take
#: no pilot points (:func:`pilot_score`): the blend is the product form's value there.
_SKIP_BELOW = 1e-5


def _marginal_sum(region: Any, r: np.ndarray) -> np.ndarray:
    """Sum over the variables of ``P(X_i outside its interval)`` at thresholds ``r`` (Boole).

    An upper bound of ``1 - G(r)`` for the region's box (the variables of a correlation,
    unit variances: ``chol`` has unit row norms).

    Examples
    --------
    >>> from yieldtrial.stats._mvt_sov import Region
    >>> region = Region(np.eye(2), -np.ones(2), np.ones(2))
    >>> _marginal_sum(region, np.array([0.0, 1.959964])).round(4).tolist()
    [2.0, 0.1]
    """
    from scipy.special import ndtr

    sd = np.sqrt(np.sum(np.asarray(region.chol) ** 2, axis=1))
    rr = np.asarray(r, dtype=float)[:, None]
    lo = np.where(np.isfinite(region.box_lo), ndtr(region.box_lo * rr / sd), 0.0)
    hi = np.where(np.isfinite(region.box_hi), ndtr(-region.box_hi * rr / sd), 0.0)
    return np.asarray(np.sum(lo + hi, axis=1))


def pilot_score(exact_exceedances: Any, points: int = PILOT_POINTS) -> Any:
    """Return ``(region, r_grid[, control]) -> (r, exceedance)``: the blended pilot score.

    ``region`` is the target's (variables in separation order); the pilot runs on every
    second threshold of ``r_grid``; ``exact_exceedances`` gives the product form's
    exceedance for the upper tail (:func:`blended_exceedance`).  With ``control`` (a
    region in the same order and its exact exceedance ``r -> 1 - G_0(r)``) the pilot is
    ``G_0 + mean(f - f_0)`` on the same points: the control's small variance, so the score
    is as close to the target as the control's estimate is.
    """
    from yieldtrial.stats._mvt_sov import _replicate_sums

    def score(
        region: Any, r_grid: np.ndarray, control: tuple[Any, Any] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        r = np.asarray(r_grid, dtype=float)[::2]
        base = None if control is None else control[0]
        # where the sum of the marginal exceedances (an upper bound of the exceedance) is
        # below _SKIP_BELOW, the blend takes the product form's value whatever the pilot
        # (at most the bound, below _BLEND_TO): it stands in for the pilot there
        bound = _marginal_sum(region, r)
        need = np.flatnonzero(bound > _SKIP_BELOW)
        pilot = bound.copy()
        if need.size:
            sums = _replicate_sums(r[need], (region, base), points)
            inside = sums.mean(axis=0) / points
            if control is not None:
                inside = inside + 1.0 - np.asarray(control[1](r[need]))
            pilot[need] = np.clip(1.0 - inside, 0.0, 1.0)
        pilot = np.minimum.accumulate(pilot)
        return r, blended_exceedance(pilot, np.asarray(exact_exceedances(r)))

    return score


def dunnett_pilot_curve(
    corr: np.ndarray,
    exact_exceedances: Any,
    *,
    two_sided: bool,
    df: float = np.inf,
    chi_rule: tuple[np.ndarray, np.ndarray] | None = None,
) -> Any:
    """Build the normal curve of ``max X_i`` (or ``|X_i|``), X ~ N(0, corr), with a pilot score.

    Parameters
    ----------
    corr : ndarray, shape (k, k)
        The correlation of the statistics.
    exact_exceedances : callable
        ``r -> 1 - G_1(r)`` of the nearest product form (the upper tail of the score).
    two_sided : bool
        ``max |X_i|`` (True) or ``max X_i``.
    df, chi_rule : float, (ndarray, ndarray), optional
        The df at which the stated error is brought within the target, and its chi rule
        (:func:`yieldtrial.stats._mvt_sov.max_t_curve`; default: a known variance).

    Returns
    -------
    yieldtrial.stats._mvt_sov.MaxTCurve
        Carrying ``chi_rule``; attach another chi rule for other df.
    """
    from yieldtrial.stats._mvt_sov import (
        DEFAULT_ABS_TOL,
        Region,
        _probe_thresholds,
        dunnett_box,
        max_t_curve,
    )
    from yieldtrial.stats._mvt_taylor import far_max_points

    k = np.shape(corr)[0]
    # no control to keep in step with: the order quasi-random points integrate best
    chol, _, box_lo, box_hi, table = dunnett_box(corr, two_sided, by_variance=True)
    # single precision: twice as fast, its bias (below 1e-7 measured) stated with the bound
    target = Region(chol, box_lo, box_hi, single=True)
    rule = chi_rule or (np.ones(1), np.ones(1))
    probe = None
    best: tuple[float, Any] = (np.inf, None)
    # steep conditional probabilities: the smoother pilot at once, and the midpoint check
    steep = float(np.min(np.diag(chol))) < MIDPOINT_PIVOT
    for pilot_points in (RETRY_PILOT_POINTS,) if steep else (PILOT_POINTS, RETRY_PILOT_POINTS):
        r_grid, exceed = pilot_score(exact_exceedances, pilot_points)(target, table)
        curve = max_t_curve(
            (target, None), r_grid, exceed, df, rule, two_sided=two_sided,
            point_counts=PILOT_POINT_COUNTS, max_points=far_max_points(k),
        )  # fmt: skip
        if steep:
            curve = midpoint_checked(curve, target)
        if probe is None:
            probe = _probe_thresholds(curve.r_high, df, two_sided)
        stated = float(np.max(curve.exceedance(probe)[1]))
        if stated < best[0]:
            best = (stated, curve)
        # a smoother score only helps where the interpolation is what misses the target
        if stated <= DEFAULT_ABS_TOL or curve.truncation <= DEFAULT_ABS_TOL / 2.0:
            break
    return best[1]


#: :func:`midpoint_checked` runs when the smallest Cholesky pivot (conditional standard
#: deviation, variables in separation order) is below this: the conditional probabilities
#: are then steep and a 512-point pilot wiggles.  The uniform ``A A'`` case below has
#: 0.025; the sample correlation of 20 variables from 22 observations 0.21 (its midpoints
#: moved nothing), the random layouts and factors of ``benchmarks/bench_dunnett_general.py
#: --far`` 0.40 to 0.56 (the check cost them 1.6 times the CPU and raised their bounds by
#: its own noise alone, 6.7e-5 -> 7.0e-5 and 8.7e-5 -> 1.0e-4).
MIDPOINT_PIVOT = 0.1

#: Midpoints (in the normal score) between the nodes checked by :func:`midpoint_checked`:
#: those with ``|u|`` at most this (beyond, ``phi(u)`` keeps the curve's error small).
MIDPOINT_REACH = 4.0


def midpoint_checked(curve: Any, target: Any) -> Any:
    """Return ``curve`` with its interpolation bound raised to what its midpoints show.

    The pilot score is splined from a noisy pilot, so on nearly singular correlations
    (steep conditional probabilities: a Cholesky pivot of 0.025) ``G - Phi(u)`` can wiggle
    between the nodes where the bound from the interpolant's highest Hermite terms does
    not see it: on ``corr(A A')``, ``A`` a 20 x 20 uniform matrix, the curve was off by
    3.5e-4 at ``r = 2.4`` with a stated error of 2.8e-4 (stop 37; scipy's
    multivariate_normal.cdf with 4,000,000 points as the reference).  Here the target
    integrand itself is evaluated midway between the nodes (``|u| <=``
    :data:`MIDPOINT_REACH`) on the curve's points, per scramble, and compared with the
    interpolated curve there (the same points: their difference varies little); the
    largest ``|mean difference| + 3 SE`` becomes the interpolation bound when it is the
    larger.  Costs up to 0.7 times the curve's own work; only a stated error changes.
    """
    from dataclasses import replace

    from yieldtrial.stats._mvt_sov import REPLICATES, _replicate_sums, _spline_variable

    nodes = curve.coef.shape[1]
    u_nodes = np.polynomial.hermite_e.hermegauss(nodes)[0] * curve.stretch
    u_mid = 0.5 * (u_nodes[:-1] + u_nodes[1:])
    u_mid = u_mid[np.abs(u_mid) <= MIDPOINT_REACH]
    if u_mid.size == 0:
        return curve
    ends = _spline_variable(np.array([curve.r_low, curve.r_high]), curve.two_sided)
    table_v = np.linspace(float(ends[0]), float(ends[1]), 4001)
    table_u = np.maximum.accumulate(np.asarray(curve.score(table_v)))
    v_mid = np.interp(u_mid, table_u, table_v)
    r_mid = np.exp(v_mid) if curve.two_sided else v_mid
    direct = _replicate_sums(r_mid, (target, None), curve.points) / curve.points
    interpolated = 1.0 - curve._normal_exceedance(r_mid)
    diff = direct - interpolated  # (REPLICATES, midpoints)
    check = np.abs(diff.mean(axis=0)) + 3.0 * diff.std(axis=0, ddof=1) / np.sqrt(REPLICATES)
    found = float(np.max(check))
    if found <= curve.truncation:
        return curve
    return replace(curve, truncation=found)
