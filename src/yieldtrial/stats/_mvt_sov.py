r"""Deterministic maximum-|t| probabilities for any covariance: Genz's separation of variables.

Dunnett's and Tukey's single-step p-values and critical values need
:math:`P(\max_i |T_i| \le c)` (or :math:`\max_i T_i`) for t statistics that share one
variance estimate with :math:`\nu` df.  With :math:`T_i = X_i / s`, :math:`X \sim N(0, S)`
and :math:`s \sim \chi_\nu / \sqrt\nu` independent,

.. math:: P(\max_i |T_i| \le c) = \int_0^\infty G(c s)\, f_\nu(s)\, ds, \qquad
          G(r) = P(\max_i |X_i| \le r),

so the multivariate t probability at *every* threshold is a one-dimensional average of one
multivariate normal curve ``G``.  This module computes that curve:

1. **Control variate.**  ``G`` is written as ``G_0 + D`` where ``G_0`` belongs to a nearby
   covariance whose probability is known exactly (Dunnett's product form, integrated in one
   dimension; or equal-variance independent means, whose pairwise maximum is the studentized
   range); only the small, smooth difference ``D`` is integrated numerically, with both
   integrands evaluated on the same points (common random numbers).  Dunnett's box
   integrand adds the first two derivatives of the product-form integrand towards the
   target as fitted control variates, with exact one-dimensional means
   (:mod:`yieldtrial.stats._mvt_taylor`).
2. **Separation of variables** (Genz 1992; Genz & Bretz 2009, sect. 4.1.1 and 4.1.3): the
   variables are reordered (smallest expected interval probability first; the target
   integrand alone, on correlations far from every product form: the variable that
   explains the most of the others' conditional variance first,
   :func:`variance_ordered_cholesky`, 1.45-2.8 times less spread), the Cholesky
   factor turns the region into nested conditional intervals, and the integrand is the
   product of the conditional interval probabilities on the unit cube of dimension
   ``d - 1``.  Pairwise constraints :math:`|X_i - X_j| \le r e_{ij}` (all pairwise
   differences, Tukey) are intersected into the conditional interval of the later variable,
   so the ``k(k-1)/2`` pairs cost a ``k - 1`` dimensional integral (the pairwise contrasts
   have rank ``k - 1``), exactly the singular-covariance reduction of mvtnorm.
3. **Fixed randomized quasi-Monte Carlo**: :data:`REPLICATES` scrambled Sobol' sequences
   (:class:`scipy.stats.qmc.Sobol`: linear matrix scrambling plus a digital shift [4]_)
   with the fixed seeds ``SOBOL_SEED + j``: the points are the same on every call, so
   results are repeatable bit for bit.  The stated error is three standard errors over the
   independent scrambles plus the interpolation bound, checked over the whole range of
   thresholds; the points per scramble double (512 to 16384; at most 4096 for Tukey;
   up to 65,536 along a pilot score, :mod:`yieldtrial.stats._mvt_pilot`)
   until it is at most :data:`DEFAULT_ABS_TOL`, with a step of 1.5 instead when the spread
   is predicted to meet it there (:func:`_next_points`).  Nodes whose spreads together
   move the curve by at most :data:`FREEZE_SHARE` of the target stop taking points (the
   far nodes of the normal score); their estimates and spreads stay in the curve.
4. **One curve, every threshold.**  ``D`` is evaluated at the :data:`NODE_COUNTS`
   Gauss-Hermite nodes of the normal score :math:`u = \Phi^{-1}(G_0(r))` of the control
   (tabulated exactly and splined), where it behaves like :math:`\phi(u)` times a
   low-degree polynomial, and interpolated so (each scramble separately, so the error
   estimate covers the interpolated curve); the chi average is a fixed composite
   Gauss-Legendre rule.  All p-values of a family and every step of the critical-value
   root search then cost a polynomial evaluation: the exceedance is a deterministic,
   smooth function of ``c``.

References
----------
.. [1] Genz, A. (1992). Numerical computation of multivariate normal probabilities.
   *J. Comput. Graph. Stat.* 1, 141-149. :doi:`10.1080/10618600.1992.10477010`
.. [2] Genz, A., Bretz, F. (2002). Comparison of methods for the computation of
   multivariate t probabilities. *J. Comput. Graph. Stat.* 11, 950-971.
   :doi:`10.1198/106186002394`
.. [3] Genz, A., Bretz, F. (2009). *Computation of Multivariate Normal and t
   Probabilities*. Lecture Notes in Statistics 195, Springer.
   :doi:`10.1007/978-3-642-01689-9`
.. [4] Matoušek, J. (1998). On the L2-discrepancy for anchored boxes. *J. Complexity* 14,
   527-556 (linear matrix scrambling). :doi:`10.1006/jcom.1998.0489`
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = [
    "NODE_COUNTS",
    "DEFAULT_ABS_TOL",
    "PAIRWISE_MAX_POINTS",
    "POINT_COUNTS",
    "REPLICATES",
    "SINGLE_PRECISION_BIAS",
    "SOBOL_SEED",
    "THREADS_VARIABLE",
    "MaxTCurve",
    "Region",
    "block_map",
    "dunnett_box",
    "max_t_curve",
    "nearest_product_form",
    "reordered_cholesky",
    "thread_count",
    "variance_ordered_cholesky",
]

#: Seed of the first scramble (scramble ``j`` uses ``SOBOL_SEED + j``; never changes).
SOBOL_SEED = 20261203

#: Independent scrambles (the stated error has ``REPLICATES - 1`` df).
REPLICATES = 8

#: Points per scramble tried in turn until the stated error meets the target.
POINT_COUNTS: tuple[int, ...] = (512, 1024, 2048, 4096, 8192, 16384)

#: Gauss-Hermite nodes of the difference curve (in the normal score of the control): the
#: first count, then the next ones when the points suffice, or the interpolation bound
#: alone takes half the target (correlations far from any product form).  Eight nodes
#: (bound: twice the interpolant's degree-6 and -7 Hermite terms) suffice for the smooth
#: differences of typical missing-plot correlations; each next count is at least 1.5 times
#: the last, so the bound from comparing two node sets (at the same points) compares
#: clearly different rules.
NODE_COUNTS: tuple[int, ...] = (8, 12, 16, 24)

#: Largest points per scramble for all-pairwise (Tukey) families: their integrand costs
#: about ``k / 2`` times Dunnett's per point (20 means: a few seconds at this count).
PAIRWISE_MAX_POINTS = 4096

#: Target of the stated error (three standard errors plus the interpolation bound).
DEFAULT_ABS_TOL = 1e-4

#: The interpolation bound of a node set is this many times the largest contribution of
#: the interpolant's two highest Hermite terms to the curve (the interpolant against the
#: Gauss-Hermite-weighted fit two degrees lower on the same nodes, whose coefficients are
#: the interpolant's own up to that degree).  Noise-free check on exact AR(1) curves along
#: a nearby exact score (``benchmarks/check_interpolation_bound.py``, two curves in
#: ``tests/test_stats_mvt_sov.py``; 7 curves x 8 to 24 nodes): the two terms were 0.46 to
#: 30 times the interpolation error (0.92 or more wherever that was above 1e-7), so twice
#: them bounded it wherever it was above 1e-7 (at least 1.84 times); the unweighted
#: least-squares fit two degrees lower used before stated 5 to 15 times more.
TOP_TERMS_FACTOR = 2.0

#: A first interpolation bound above this (8 nodes along the control's score) says the
#: control's curve is no guide to the target's: 1e-4 to 1e-3 on field designs, 1.5 to 10
#: on correlations far from any product form (a 0.9 autoregression, three random factors).
HOPELESS_BOUND = 1e-2

#: Cost of the plain difference ``f - f_0`` per point over the target integrand's alone (two
#: integrands of the same kind against one): without a Taylor control the difference is kept
#: only while its spread is below the integrand's own by more than the square root of this.
ALONE_COST_RATIO = 2.0

#: Nodes whose spreads over the scrambles (three standard errors, times each node's largest
#: weight in the interpolated curve) add up to at most this share of the target take no
#: more points, the least moving first: the far nodes (``|u|`` of 4 to 6, where the
#: difference from the control is far below ``phi(u)``) need far fewer points than the
#: middle ones.  Their estimates and spreads stay in the curve and in its stated error, so
#: this only saves work; the share caps what the others must make up for.
FREEZE_SHARE = 0.1

#: Why :func:`max_t_curve` gave up (its ``give_up`` exception's argument): the control's
#: curve is no guide to the target's (build the score from a pilot, keep the control) ...
GIVE_UP_SCORE = "score"
#: ... or the target integrand by itself varies least for its cost (no control at all).
GIVE_UP_ALONE = "alone"


def _sobol_raw(dim: int, level: int) -> np.ndarray:
    """Scrambled Sobol' points, shape ``(REPLICATES, 2**level, dim)`` (not cached)."""
    from yieldtrial.stats._sobol import sobol_points  # scipy.stats.qmc's points, bit for bit

    out = np.empty((REPLICATES, 2**level, max(dim, 1)))
    for j in range(REPLICATES):
        out[j] = sobol_points(max(dim, 1), level, SOBOL_SEED + j)
    np.clip(out, 1e-15, 1.0 - 1e-15, out=out)
    return out


@lru_cache(maxsize=32)
def _sobol(dim: int, level: int) -> np.ndarray:
    """:func:`_sobol_raw`, cached and read-only."""
    out = _sobol_raw(dim, level)
    out.setflags(write=False)
    return out


def reordered_cholesky(
    cov: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cholesky factor with Genz-Bretz variable reordering (2009, sect. 4.1.3).

    At each step the remaining variable with the smallest conditional probability of its
    interval ``[lower, upper]`` (given the expected values of the variables already placed)
    goes next.

    Returns
    -------
    chol : ndarray, shape (k, k)
        Lower-triangular factor of ``cov[order][:, order]``.
    order : ndarray of int
        The variable order.
    """
    from scipy.special import ndtr

    r = np.array(cov, dtype=float)
    k = r.shape[0]
    a = np.array(lower, dtype=float)
    b = np.array(upper, dtype=float)
    order = np.arange(k)
    chol = np.zeros((k, k))
    y = np.zeros(k)
    floor = 1e-12 * max(float(np.max(np.diag(r))), 1e-300)
    for i in range(k):
        rest = np.arange(i, k)
        shift = chol[rest, :i] @ y[:i]
        var = np.diag(r)[rest] - np.sum(chol[rest, :i] ** 2, axis=1)
        sd = np.sqrt(np.clip(var, 1e-300, None))
        prob = ndtr((b[rest] - shift) / sd) - ndtr((a[rest] - shift) / sd)
        j = int(rest[int(np.argmin(prob))])
        if j != i:  # swap variables i and j everywhere
            for arr in (a, b, order):
                arr[[i, j]] = arr[[j, i]]
            r[[i, j], :] = r[[j, i], :]
            r[:, [i, j]] = r[:, [j, i]]
            chol[[i, j], :i] = chol[[j, i], :i]
        pivot = float(r[i, i] - chol[i, :i] @ chol[i, :i])
        chol[i, i] = np.sqrt(max(pivot, floor))
        if i + 1 < k:
            chol[i + 1 :, i] = (r[i + 1 :, i] - chol[i + 1 :, :i] @ chol[i, :i]) / chol[i, i]
        lo = (a[i] - chol[i, :i] @ y[:i]) / chol[i, i]
        hi = (b[i] - chol[i, :i] @ y[:i]) / chol[i, i]
        mass = max(float(ndtr(hi) - ndtr(lo)), 1e-300)
        density = (np.exp(-0.5 * lo**2) if np.isfinite(lo) else 0.0) - (
            np.exp(-0.5 * hi**2) if np.isfinite(hi) else 0.0
        )
        y[i] = density / np.sqrt(2.0 * np.pi) / mass  # mean of the truncated normal
    return chol, order


def variance_ordered_cholesky(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cholesky factor with the variables in greedy order of the variance they explain.

    At each step the remaining variable whose conditioning removes the most of the
    remaining variables' total conditional variance goes next: ``argmax_j ||S_j||^2 /
    S_jj`` over the columns of the current Schur complement ``S`` (the trace reduction of
    a pivoted Cholesky step).  The first cube coordinates then carry the common part of
    the variables and the later ones little conditional variance, which is what
    quasi-random points integrate best: on correlations far from every product form
    (random layouts, AR(1) 0.5 and 0.9, a random 3-factor model; 20 comparisons) the
    spread of the plain separated-variables integrand over 24 scrambles of 16,384 points
    was 1.45 to 2.8 times smaller than in Genz-Bretz's order (``benchmarks/
    explore_dunnett_far_qmc.py``).  The interval bounds play no part: for Dunnett's box
    they are the same for every variable.  Among gains within ``1e-9`` (relative) of the
    largest the first variable is taken, so rounding does not choose among symmetric ones.

    Parameters
    ----------
    cov : ndarray, shape (k, k)
        Covariance (or correlation) of the variables; positive semidefinite (pivots below
        ``1e-12`` times the largest variance are raised to that floor).

    Returns
    -------
    chol : ndarray, shape (k, k)
        Lower-triangular factor of ``cov[order][:, order]``.
    order : ndarray of int
        The variable order.

    Examples
    --------
    >>> cov = np.array([[1.0, 0.1, 0.1], [0.1, 1.0, 0.8], [0.1, 0.8, 1.0]])
    >>> chol, order = variance_ordered_cholesky(cov)
    >>> order.tolist(), bool(np.allclose(chol @ chol.T, cov[np.ix_(order, order)]))
    ([1, 0, 2], True)
    """
    r = np.array(cov, dtype=float)
    k = r.shape[0]
    floor = 1e-12 * max(float(np.max(np.diag(r))), 1e-300)
    rest = r.copy()  # Schur complement given the variables placed (original indices)
    order = np.zeros(k, dtype=int)
    left = np.ones(k, dtype=bool)
    for i in range(k):
        cand = np.flatnonzero(left)
        sub = rest[np.ix_(cand, cand)]
        gain = np.sum(sub**2, axis=0) / np.maximum(np.diag(sub), floor)
        # the first of the (near-)ties, so rounding does not pick among symmetric variables
        j = int(cand[int(np.flatnonzero(gain >= np.max(gain) * (1.0 - 1e-9))[0])])
        order[i] = j
        left[j] = False
        column = rest[:, j] / np.sqrt(max(float(rest[j, j]), floor))
        rest -= np.outer(column, column)
    r = r[np.ix_(order, order)]
    chol = np.zeros((k, k))
    for i in range(k):
        pivot = float(r[i, i] - chol[i, :i] @ chol[i, :i])
        chol[i, i] = np.sqrt(max(pivot, floor))
        if i + 1 < k:
            chol[i + 1 :, i] = (r[i + 1 :, i] - chol[i + 1 :, :i] @ chol[i, :i]) / chol[i, i]
    return chol, order


def dunnett_box(
    corr: np.ndarray, two_sided: bool, *, by_variance: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the separated form of Dunnett's box ``|X_i| <= r`` (or ``X_i <= r``).

    The variables are ordered once, at the Bonferroni 5 % point (near where p-values
    matter; Genz-Bretz, :func:`reordered_cholesky`), or with ``by_variance`` by the
    variance each explains (:func:`variance_ordered_cholesky`: 1.45 to 2.8 times less
    spread of the plain integrand on correlations far from every product form; the pilot
    path's order.  For the Taylor-controlled curves of field designs it was measured
    both ways in stop 33: fewer points for a row-column design and an alpha-lattice with
    blocks of 3, twice the work for a 24-entry alpha design with blocks of 4, so they keep
    Genz-Bretz's).  The thresholds of the score table reach the Bonferroni 1e-17 point.
    Shared by the Taylor, bifactor and pilot curves.

    Returns
    -------
    chol, order : ndarray
        Reordered Cholesky factor of ``corr`` and the order.
    box_lo, box_hi : ndarray, shape (k,)
        The box in units of ``r`` (the same for every variable, so in any order).
    r_grid : ndarray
        Thresholds of the score table (:func:`_grid`).

    Examples
    --------
    >>> chol, order, lo, hi, grid = dunnett_box(np.array([[1.0, 0.5], [0.5, 1.0]]), True)
    >>> lo.tolist(), hi.tolist(), bool(np.allclose(chol @ chol.T, [[1, 0.5], [0.5, 1]]))
    ([-1.0, -1.0], [1.0, 1.0], True)
    """
    from scipy.special import ndtri

    r = np.asarray(corr, dtype=float)
    k = r.shape[0]
    sides = 2.0 if two_sided else 1.0
    box_lo = np.full(k, -1.0 if two_sided else -np.inf)
    box_hi = np.ones(k)
    if by_variance:
        chol, order = variance_ordered_cholesky(r)
    else:
        r_ref = float(-ndtri(0.05 / (sides * k)))
        chol, order = reordered_cholesky(r, box_lo * r_ref, box_hi * r_ref)
    r_grid = _grid(float(-ndtri(1e-17 / (sides * k))), two_sided)
    return chol, order, box_lo, box_hi, r_grid


def nearest_product_form(corr: np.ndarray, *, iterations: int = 100) -> np.ndarray:
    """Factors ``lam`` whose product form ``lam lam'`` best fits the off-diagonal ``corr``.

    Principal-factor iteration (the diagonal replaced by ``lam**2``, then the leading
    eigenvector), clipped to ``|lam| <= 0.999`` so the product form is a valid correlation.
    Used as the control variate of Dunnett's probabilities.

    Examples
    --------
    >>> r = np.array([[1.0, 0.25, 0.25], [0.25, 1.0, 0.25], [0.25, 0.25, 1.0]])
    >>> nearest_product_form(r).round(6).tolist()
    [0.5, 0.5, 0.5]
    """
    r = np.asarray(corr, dtype=float)
    k = r.shape[0]
    a = r.copy()
    off = r - np.diag(np.diag(r))
    lam = np.sqrt(np.clip(np.abs(off).sum(axis=1) / max(k - 1, 1), 0.0, 0.999))
    for _ in range(iterations):
        np.fill_diagonal(a, lam**2)
        values, vectors = np.linalg.eigh(a)
        new = vectors[:, -1] * np.sqrt(max(float(values[-1]), 0.0))
        if new.sum() < 0:
            new = -new
        if np.max(np.abs(new - lam)) < 1e-10:
            lam = new
            break
        lam = new
    return np.asarray(np.clip(lam, -0.999, 0.999))


#: Above this :func:`product_form_distance` the product form is no control of the
#: integrand: the Taylor-controlled curve is not tried, the pilot of the target alone is
#: built at once (stop 51).  On the 28 reviewer families of
#: ``benchmarks/bench_dunnett_reviewer.py`` and the 5 generic correlations of
#: ``benchmarks/check_dunnett_generic.py`` (at df inf and 30), every Taylor curve that
#: succeeded had a distance of at most 2.88 (the alpha-lattice with blocks of 3, 2
#: replicates and 3 lost plots, seed 2), every first pass that gave up at least 3.36
#: (the sample correlation of 20 variables from 30 observations, seed 1); the threshold
#: is set nearer the second because a Taylor pass wasted costs 0.04-0.2 s and a curve
#: sent to the pilot wrongly far more.
FAR_FROM_PRODUCT_FORM = 3.2

#: Above this :func:`product_form_distance` (and up to :data:`FAR_FROM_PRODUCT_FORM`) a
#: Taylor-controlled curve starts at 16 nodes instead of 8 (stop 53).  On the reviewer
#: families every Taylor curve with a distance of 2.10-2.88 (the alpha-lattices with
#: blocks of 3, 2 replicates and lost plots) had an 8-node bound of 2.4e-4 to 4.5e-4 and
#: went on to 16 nodes, so its 8-node set (the expansion, ``T_4``, the score check and the
#: first sums at 8 nodes: 0.02-0.05 s) was spent for nothing; every curve that ended at 8
#: or 12 nodes had at most 1.78.  Only the schedule depends on it: each curve states its
#: own spread and bound.
MANY_NODES_FROM_DISTANCE = 2.0


def product_form_distance(corr: np.ndarray, lam: np.ndarray) -> float:
    """Largest row sum of the residual correlations given the product form's common factor.

    With ``corr = lam lam' + D^(1/2) (I + P) D^(1/2)``, ``D = diag(1 - lam**2)``, the
    statistics given the common factor have correlation ``I + P``; the Taylor expansion
    of the integrand (:mod:`yieldtrial.stats._mvt_taylor`) runs from ``I`` to ``I + P``.
    Returns ``max_i sum_j |P_ij|`` (an upper bound of ``P``'s spectral radius): 0 for a
    product form.

    Parameters
    ----------
    corr : ndarray, shape (k, k)
        Correlation of the statistics.
    lam : ndarray, shape (k,)
        Its nearest product form (:func:`nearest_product_form`), ``|lam| <= 0.999``.

    Returns
    -------
    float
        The distance (dimensionless).

    Examples
    --------
    >>> r = np.array([[1.0, 0.5, 0.25], [0.5, 1.0, 0.25], [0.25, 0.25, 1.0]])
    >>> round(product_form_distance(r, np.array([0.5, 0.5, 0.5])), 6)
    0.333333
    """
    r = np.asarray(corr, dtype=float)
    lam = np.asarray(lam, dtype=float)
    scale = np.sqrt(1.0 - lam**2)
    partial = (r - np.outer(lam, lam)) / np.outer(scale, scale)
    np.fill_diagonal(partial, 0.0)
    return float(np.max(np.sum(np.abs(partial), axis=1)))


@dataclass(frozen=True)
class Region:
    """A region ``{x : box_lo r <= x_i <= box_hi r, |x_i - x_j| <= pair_ij r}`` in SOV order.

    Attributes
    ----------
    chol : ndarray, shape (d, d)
        Lower Cholesky factor of the covariance of ``x`` (variables already reordered).
    box_lo, box_hi : ndarray, shape (d,)
        Interval of each variable in units of the threshold ``r`` (``-inf``/``inf``: none).
    pair : ndarray, shape (d, d) or None
        Half-widths of the pairwise constraints in units of ``r`` (``inf``: none); only
        the strictly lower triangle is used.
    factor : ndarray, shape (d,) or None
        For a one-factor (product-form) covariance ``diag + lam lam'`` in SOV order: ``lam``.
        Its Cholesky factor is semiseparable below the diagonal, ``chol[i, j] = lam_i g_j``
        with ``g = chol^-1 lam`` (the covariances of the common factor with the
        innovations), so every conditional mean is ``lam_i`` times one running sum: O(d)
        per point instead of O(d^2).
    single : bool
        Evaluate the box integrand in single precision with rational approximations of
        ``Phi`` and ``Phi^-1`` (:func:`_box_integrand_single`: about twice as fast, within
        :data:`SINGLE_PRECISION_BIAS` of the double-precision integrand's mean, which a
        curve built on it adds to its stated error).  Only for a box without pairwise
        constraints or factor.
    """

    chol: np.ndarray
    box_lo: np.ndarray
    box_hi: np.ndarray
    pair: np.ndarray | None = None
    factor: np.ndarray | None = None
    single: bool = False


def _box_integrand(r: np.ndarray, region: Region, w: np.ndarray) -> np.ndarray:
    """:func:`_sov_integrand` for a region without pairwise constraints, computed in place.

    The same arithmetic as the general loop (so the same values up to rounding), with the
    temporaries of one step reused, the first variable evaluated on the ``M`` thresholds
    only, and the conditional means of a one-factor region (:attr:`Region.factor`) from one
    running sum.
    """
    from scipy.special import ndtr, ndtri

    chol = region.chol
    d = chol.shape[0]
    m, n = r.size, w.shape[1]
    rr = r[:, None]
    finite_lo = np.isfinite(region.box_lo)
    finite_hi = np.isfinite(region.box_hi)
    y = np.empty((d, m, n))
    flat_y = y.reshape(d, m * n)
    shift = np.empty((m, n))
    lo = np.empty((m, n))
    hi = np.empty((m, n))
    running = np.zeros((m, n)) if region.factor is not None else None
    g = np.linalg.solve(np.tril(chol), region.factor) if region.factor is not None else None
    # first variable: no conditional mean, its interval depends on the threshold only
    scale = 1.0 / chol[0, 0]
    p_lo0 = ndtr(region.box_lo[0] * rr * scale) if finite_lo[0] else np.zeros((m, 1))
    p_hi0 = ndtr(region.box_hi[0] * rr * scale) if finite_hi[0] else np.ones((m, 1))
    width0 = np.clip(p_hi0 - p_lo0, 0.0, 1.0)
    f = np.repeat(width0, n, axis=1)
    if d == 1:
        return f
    np.multiply(width0, w[0], out=lo)
    lo += p_lo0
    np.clip(lo, 1e-300, 1.0 - 1e-16, out=lo)
    ndtri(lo, out=y[0])
    for i in range(1, d):
        if g is not None and running is not None and region.factor is not None:
            running += g[i - 1] * y[i - 1]
            np.multiply(running, region.factor[i], out=shift)
        else:
            np.dot(chol[i, :i], flat_y[:i], out=shift.reshape(m * n))
        scale = 1.0 / chol[i, i]
        if finite_lo[i]:
            np.subtract(region.box_lo[i] * rr, shift, out=lo)
            lo *= scale
            ndtr(lo, out=lo)
        else:
            lo.fill(0.0)
        if finite_hi[i]:
            np.subtract(region.box_hi[i] * rr, shift, out=hi)
            hi *= scale
            ndtr(hi, out=hi)
        else:
            hi.fill(1.0)
        hi -= lo  # the conditional interval's probability
        np.clip(hi, 0.0, 1.0, out=hi)
        f *= hi
        if i < d - 1:
            hi *= w[i]
            hi += lo
            np.clip(hi, 1e-300, 1.0 - 1e-16, out=hi)
            ndtri(hi, out=y[i])
    return f


#: Numerical Recipes' ``erfcc`` (Press et al. 1992, sect. 6.2; fractional error below
#: 1.2e-7 everywhere): ``erfc(z) = t exp(-z^2 - 1.26551223 + t P(t))``, ``t = 1 / (1 + z/2)``;
#: the coefficients of ``P`` from the highest power down.
_ERFC_COEF = (
    0.17087277,
    -0.82215223,
    1.48851587,
    -1.13520398,
    0.27886807,
    -0.18628806,
    0.09678418,
    0.37409196,
    1.00002368,
)

#: Giles (2010), "Approximating the erfinv function" (GPU Computing Gems), single
#: precision: ``erfinv(x) = x P(w)`` with ``w = -log(1 - x^2)``, ``P`` in ``w - 2.5`` for
#: ``w < 5`` and in ``sqrt(w) - 3`` above (highest power first).
_ERFINV_CENTRAL = (
    2.81022636e-08,
    3.43273939e-07,
    -3.5233877e-06,
    -4.39150654e-06,
    0.00021858087,
    -0.00125372503,
    -0.00417768164,
    0.246640727,
    1.50140941,
)
_ERFINV_TAIL = (
    -0.000200214257,
    0.000100950558,
    0.00134934322,
    -0.00367342844,
    0.00573950773,
    -0.0076224613,
    0.00943887047,
    1.00167406,
    2.83297682,
)

#: The single-precision quantile's argument is kept within one float32 step of 0 and 1
#: (``|Phi^-1| <= 5.29``: the tail beyond it holds 6e-8 of each conditional normal).
_SINGLE_P_MIN = float(np.finfo(np.float32).epsneg)

#: Added to the stated error of a curve built on the single-precision box integrand
#: (:func:`_box_integrand_single`): the means of the two integrands over the same 8 x 4,096
#: points differed by at most 6.2e-8 (random layouts, AR(1) 0.9, a random 3-factor model;
#: 20 comparisons, one- and two-sided, 17 thresholds each: ``tests/test_stats_mvt_sov.py``),
#: so this is 16 times the largest difference seen.
SINGLE_PRECISION_BIAS = 1e-6


#: The sign bit of a float32 (as an int32), and ``log(1/2)`` folded into erfcc's constant.
_SIGN_BIT = np.int32(np.iinfo(np.int32).min)
_ERFC_HALF_CONSTANT = np.float32(-1.26551223 + np.log(0.5))


def _ndtr_single(x: np.ndarray, out: np.ndarray, z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``Phi(x)`` in float32 from :data:`_ERFC_COEF` (absolute error below 3e-7), into ``out``.

    ``z`` and ``t`` are scratch arrays of ``x``'s shape (float32, contiguous).  No masked
    operations (slow on mixed signs): ``Phi(x) = 1/2 + sign(x) (1/2 - Phi(-|x|))`` with
    ``Phi(-|x|) = erfc(|x| / sqrt 2) / 2`` (the half folded into the exponent), the sign
    moved over as a bit (``copysign`` took a fifth of the function's time; stop 37).
    """
    f32 = np.float32
    np.abs(x, out=z)
    z *= f32(1.0 / np.sqrt(2.0))
    np.multiply(z, f32(0.5), out=t)
    t += f32(1.0)
    np.divide(f32(1.0), t, out=t)
    np.multiply(t, f32(_ERFC_COEF[0]), out=out)
    for c in _ERFC_COEF[1:]:
        out += f32(c)
        out *= t
    out += _ERFC_HALF_CONSTANT
    z *= z
    out -= z
    np.exp(out, out=out)
    out *= t  # Phi(-|x|)
    np.subtract(f32(0.5), out, out=out)  # 1/2 - Phi(-|x|), at least 0
    sign = z.view(np.int32)
    np.bitwise_and(x.view(np.int32), _SIGN_BIT, out=sign)
    flipped = out.view(np.int32)
    np.bitwise_xor(flipped, sign, out=flipped)  # times sign(x)
    out += f32(0.5)
    return out


def _ndtri_single(
    p: np.ndarray, out: np.ndarray, w: np.ndarray, q: np.ndarray, tail: np.ndarray
) -> np.ndarray:
    """``Phi^-1(p)`` in float32 from Giles's ``erfinv`` (:data:`_ERFINV_CENTRAL`), into ``out``.

    ``p`` within ``[_SINGLE_P_MIN, 1 - _SINGLE_P_MIN]``; ``w``, ``q`` (float32) and ``tail``
    (bool) are scratch arrays.  The central branch on every element, the tail branch on
    the few beyond it (gathered by index: a masked operation on mixed masks is slow, and
    the blend of both branches cost 15 % more of the whole integrand):
    ``Phi^-1(p) = sqrt 2 erfinv(2p - 1)``, ``1 - x^2 = 4 p (1 - p)``.
    """
    f32 = np.float32
    np.subtract(f32(1.0), p, out=q)
    np.multiply(p, q, out=w)
    w *= f32(4.0)
    np.log(w, out=w)
    np.negative(w, out=w)
    np.greater_equal(w, f32(5.0), out=tail)
    np.subtract(w, f32(2.5), out=q)
    np.multiply(q, f32(_ERFINV_CENTRAL[0]), out=out)
    for c in _ERFINV_CENTRAL[1:-1]:
        out += f32(c)
        out *= q
    out += f32(_ERFINV_CENTRAL[-1])
    # the tail branch (w >= 5: p below 0.0017 or above 0.9983) on those elements only
    where = np.flatnonzero(tail)
    if where.size:
        wt = np.sqrt(w.take(where))
        wt -= f32(3.0)
        value = wt * f32(_ERFINV_TAIL[0])
        for c in _ERFINV_TAIL[1:-1]:
            value += f32(c)
            value *= wt
        value += f32(_ERFINV_TAIL[-1])
        np.put(out, where, value)  # in place, whatever the layout of out
    np.multiply(p, f32(2.0 * np.sqrt(2.0)), out=q)
    q -= f32(np.sqrt(2.0))
    out *= q
    return out


def _box_integrand_single(r: np.ndarray, region: Region, w: np.ndarray) -> np.ndarray:
    """:func:`_box_integrand` in single precision: float32 arrays, approximate ``Phi``.

    The same recursion with :func:`_ndtr_single` and :func:`_ndtri_single` (about 4 and 6
    ns per element against scipy's 10 and 11 on the development machine), the Cholesky
    factor, thresholds and points rounded to float32; the first variable's interval
    probabilities in double precision.  Returns float32 values of shape ``(M, n)`` (sum
    them in double precision).
    """
    from scipy.special import ndtr

    f32 = np.float32
    chol = np.asarray(region.chol, dtype=f32)
    d = chol.shape[0]
    m, n = r.size, w.shape[1]
    rr = np.asarray(r, dtype=f32)[:, None]
    finite_lo = np.isfinite(region.box_lo)
    finite_hi = np.isfinite(region.box_hi)
    shape = (m, n)
    y = np.empty((d, m, n), dtype=f32)
    flat_y = y.reshape(d, m * n)
    shift, lo, hi, z, t = (np.empty(shape, dtype=f32) for _ in range(5))
    tail = np.empty(shape, dtype=bool)
    scale0 = 1.0 / float(region.chol[0, 0])
    r64 = np.asarray(r, dtype=float)[:, None]
    p_lo0 = ndtr(region.box_lo[0] * r64 * scale0) if finite_lo[0] else np.zeros((m, 1))
    p_hi0 = ndtr(region.box_hi[0] * r64 * scale0) if finite_hi[0] else np.ones((m, 1))
    width0 = np.clip(p_hi0 - p_lo0, 0.0, 1.0)
    f = np.repeat(width0.astype(f32), n, axis=1)
    if d == 1:
        return f
    p_min, p_max = f32(_SINGLE_P_MIN), f32(1.0 - _SINGLE_P_MIN)
    np.multiply(width0.astype(f32), w[0], out=lo)
    lo += p_lo0.astype(f32)
    np.clip(lo, p_min, p_max, out=lo)
    _ndtri_single(lo, y[0], z, t, tail)
    for i in range(1, d):
        np.dot(chol[i, :i], flat_y[:i], out=shift.reshape(m * n))
        scale = f32(1.0 / chol[i, i])
        if finite_lo[i]:
            np.subtract(rr * f32(region.box_lo[i]), shift, out=hi)
            hi *= scale
            _ndtr_single(hi, lo, z, t)
        else:
            lo.fill(0.0)
        if finite_hi[i]:
            np.subtract(rr * f32(region.box_hi[i]), shift, out=shift)
            shift *= scale
            _ndtr_single(shift, hi, z, t)
        else:
            hi.fill(1.0)
        hi -= lo  # the conditional interval's probability
        np.clip(hi, f32(0.0), f32(1.0), out=hi)
        f *= hi
        if i < d - 1:
            hi *= w[i]
            hi += lo
            np.clip(hi, p_min, p_max, out=hi)
            _ndtri_single(hi, y[i], z, t, tail)
    return f


def _sov_integrand(r: np.ndarray, region: Region, w: np.ndarray) -> np.ndarray:
    """Genz's separated integrand at thresholds ``r`` (M,) and points ``w`` (d - 1, n): (M, n).

    ``w`` holds one row per cube coordinate (contiguous rows, so every step reads one).
    """
    from scipy.special import ndtr, ndtri

    if region.pair is None:
        if region.single and region.factor is None:
            return _box_integrand_single(r, region, w)
        return _box_integrand(r, region, w)
    chol = region.chol
    d = chol.shape[0]
    n = w.shape[1]
    rr = r[:, None]
    f = np.ones((r.size, n))
    y = np.empty((d, r.size, n))
    x = np.empty((d, r.size, n)) if region.pair is not None else None
    zero = np.zeros((1, 1))
    for i in range(d):
        shift = np.tensordot(chol[i, :i], y[:i], axes=(0, 0)) if i else zero
        lo = region.box_lo[i] * rr if np.isfinite(region.box_lo[i]) else None
        hi = region.box_hi[i] * rr if np.isfinite(region.box_hi[i]) else None
        if x is not None and region.pair is not None and i:
            e = region.pair[i, :i]
            use = np.flatnonzero(np.isfinite(e))
            if use.size:  # intersect with |x_i - x_j| <= e_ij r, in place (cache-sized)
                lo = np.full((r.size, n), -np.inf) if lo is None else lo + np.zeros((1, n))
                hi = np.full((r.size, n), np.inf) if hi is None else hi + np.zeros((1, n))
                tmp = np.empty((r.size, n))
                for j in use:
                    reach = e[j] * rr
                    np.subtract(x[j], reach, out=tmp)
                    np.maximum(lo, tmp, out=lo)
                    np.add(x[j], reach, out=tmp)
                    np.minimum(hi, tmp, out=hi)
        scale = 1.0 / chol[i, i]
        p_lo = ndtr((lo - shift) * scale) if lo is not None else zero
        p_hi = ndtr((hi - shift) * scale) if hi is not None else np.ones((1, 1))
        width = p_hi - p_lo
        np.clip(width, 0.0, 1.0, out=width)
        f *= width
        if i < d - 1:
            u = width * w[i]
            u += p_lo
            np.clip(u, 1e-300, 1.0 - 1e-16, out=u)
            ndtri(u, out=y[i])
            if x is not None:
                np.multiply(y[i], chol[i, i], out=x[i])
                x[i] += shift
    return f


#: Elements per block of the integrand (thresholds x scrambles x points of each scramble:
#: the block's arrays stay in the CPU cache).
_CACHE_ELEMENTS = 16_384

#: The same for the single-precision integrand (half the bytes, and numpy's per-call cost
#: weighs more on its cheaper operations: 65,536 elements per block took 0.105 s where
#: 16,384 took 0.121 s, seed-0 random layout, 9 thresholds x 4,096 points x 8 scrambles;
#: with the scrambles side by side, stop 37: 32,768 / 65,536 / 131,072 / 262,144 elements
#: 0.221 / 0.202 / 0.198 / 0.200 s for that curve's integrations).
_CACHE_ELEMENTS_SINGLE = 65_536

#: Environment variable that sets the worker threads of the integrand's blocks
#: (:func:`block_map`; unset or ``1``: none, the default: :func:`thread_count`).
THREADS_VARIABLE = "YIELDTRIAL_THREADS"

#: Integrations of fewer element-steps than this (blocks x elements per block x
#: variables; about 40 ms of one core) run in the calling thread: the threads only pay
#: for the large curves, and small families (reports, networks of many trials) never
#: start them.
THREAD_MIN_WORK = 1 << 21

_pool: Any = None
_pool_key: tuple[int, int] = (0, 0)  # (process id, threads) the pool was made for
_pool_lock = threading.Lock()


def thread_count() -> int:
    """Worker threads for the integrand's blocks: :data:`THREADS_VARIABLE` (1 to 64), else 1.

    Off unless asked for: measured on the 2-core development machine (stop 36), two
    threads made the far Dunnett curves slower in wall time, quiet (load 1.1: seed-0 random
    layout 0.47 s against 0.36 s with one thread, seed 7 0.72 s against 0.58 s, and about
    50 % more CPU) and busy (load 3.8: 0.84 s against 0.59 s).  Their single-precision
    integrands make many short numpy calls (a few microseconds each, the GIL held between
    them); scipy's double-precision ``ndtr``/``ndtri`` take longer per call, and there two
    threads ran the box integrand 1.4-1.6 times faster in wall time on a quiet machine
    (0.14-0.16 s against 0.23 s), so the variable is kept for such uses.  Only the time
    depends on it.

    Examples
    --------
    >>> import os
    >>> thread_count() == int(os.environ.get(THREADS_VARIABLE, "1") or 1)
    True
    """
    import os

    text = os.environ.get(THREADS_VARIABLE, "").strip()
    if not text:
        return 1
    try:
        return max(1, min(int(text), 64))
    except ValueError:
        return 1


def block_map(function: Any, jobs: list[Any], work: float) -> list[Any]:
    """Return ``[function(job) for job in jobs]``, in threads when ``work`` is large.

    The integrand's blocks are independent, and numpy's and scipy.special's ufuncs release
    the GIL, so the blocks of one integration can run on two cores.  The results come back
    in the order of ``jobs`` whichever thread computed them, and the caller adds them up in
    that order: the sums are the same bit for bit at any number of threads (the partition
    into blocks does not depend on it).  Work below :data:`THREAD_MIN_WORK`, a single
    job, or one thread (:func:`thread_count`) runs in the calling thread.

    Examples
    --------
    >>> block_map(lambda x: x * x, [1, 2, 3], work=1e12)
    [1, 4, 9]
    """
    import os

    global _pool, _pool_key
    if work < THREAD_MIN_WORK or len(jobs) < 2:
        return [function(job) for job in jobs]
    threads = min(thread_count(), len(jobs))
    if threads < 2:
        return [function(job) for job in jobs]
    from concurrent.futures import ThreadPoolExecutor

    key = (os.getpid(), threads)
    with _pool_lock:
        if _pool is None or _pool_key != key:
            # a forked child inherits the pool but not its threads: a new one there
            if _pool is not None and _pool_key[0] == key[0]:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="yieldtrial")
            _pool_key = key
        pool = _pool
    return list(pool.map(function, jobs))


def _replicate_sums(
    r: np.ndarray, regions: tuple[Region, Region | None], points: int, first: int = 0
) -> np.ndarray:
    """Sum over points ``first..points - 1`` of each scramble of (integrand - control).

    Without a control region (``regions[1] is None``): of the integrand itself.

    Points are the leading part of one Sobol' sequence per scramble, so more points only
    evaluate the new ones.  All scrambles go through the recursion together (one run of
    points of each side by side, as the Taylor sums do), in equal blocks of at most about
    :data:`_CACHE_ELEMENTS` (single precision: :data:`_CACHE_ELEMENTS_SINGLE`) elements:
    each numpy call then works on eight times the elements of one scramble's run.  The
    small steps of a curve (64 to 1,024 new points per scramble at 8 to 16 thresholds)
    spent most of their time on the calls' own cost (stop 37, single precision: 37-44 ns
    per element and variable at 256 points against 17 at 4,096; now 15-20).

    Returns
    -------
    ndarray, shape (REPLICATES, M)
    """
    d = regions[0].chol.shape[0]
    level = max(int(np.ceil(np.log2(points))), 1)
    single = regions[0].single and (regions[1] is None or regions[1].single)
    # (REPLICATES, d - 1, 2**level)
    pts = (_sobol_rows_single if single else _sobol_rows)(max(d - 1, 1), level)
    n = min(points, pts.shape[2])
    out = np.zeros((REPLICATES, r.size))
    if n <= first:
        return out
    cache = _CACHE_ELEMENTS_SINGLE if single else _CACHE_ELEMENTS
    # points of every scramble per block: equal blocks, each at most about the cache size
    most = max(16, cache // max(r.size * REPLICATES, 1))
    blocks = -(-(n - first) // most)
    size = -(-(n - first) // blocks)
    starts = list(range(first, n, size))

    def block(start: int) -> np.ndarray:
        stop = min(start + size, n)  # never past the count
        run = pts[:, :, start:stop]  # (REPLICATES, d - 1, b)
        w = np.ascontiguousarray(np.moveaxis(run, 0, 1)).reshape(run.shape[1], -1)
        diff = _sov_integrand(r, regions[0], w)
        if regions[1] is not None:
            diff -= _sov_integrand(r, regions[1], w)
        # float32 values: summed in double; (M, REPLICATES * b) -> (REPLICATES, M)
        parts = diff.reshape(r.size, REPLICATES, stop - start).sum(axis=2, dtype=float)
        return np.asarray(parts.T)

    work = float(REPLICATES * (n - first) * r.size * d * (1 + (regions[1] is not None)))
    # the blocks' sums are added in the serial order whatever thread computed them
    for part in block_map(block, starts, work):
        out += part
    return out


def _replicate_means(r: np.ndarray, regions: tuple[Region, Region], points: int) -> np.ndarray:
    """Mean over each scramble of (integrand - control integrand): shape (REPLICATES, M)."""
    return _replicate_sums(r, regions, points) / points


@lru_cache(maxsize=32)
def _sobol_rows(dim: int, level: int) -> np.ndarray:
    """:func:`_sobol` with the coordinates as contiguous rows: (REPLICATES, dim, 2**level)."""
    # from the uncached points: the 65,536 points of a curve along a pilot score would
    # otherwise be held twice (80 MB each at 20 comparisons)
    out = np.ascontiguousarray(np.swapaxes(_sobol_raw(dim, level), 1, 2))
    out.setflags(write=False)
    return out


@lru_cache(maxsize=8)
def _sobol_rows_single(dim: int, level: int) -> np.ndarray:
    """:func:`_sobol_rows` rounded to float32 (for :func:`_box_integrand_single`)."""
    # the double rows are not kept (single-precision curves never use them)
    out = np.ascontiguousarray(np.swapaxes(_sobol_raw(dim, level), 1, 2), dtype=np.float32)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class MaxTCurve:
    r"""Exceedance ``P(max T_i > c)`` (or ``max |T_i|``) at any ``c``, from one SOV pass.

    The multivariate normal curve is :math:`G(r) = \Phi(u) + \phi(u) h(u)` with
    :math:`u = \Phi^{-1}(G_0(r))` the normal score of the control variate's exact curve
    (tabulated and splined), and :math:`h` the polynomial through the separated-variables
    differences ``(G - G_0) / phi(u)`` at the Gauss-Hermite nodes in ``u`` (one polynomial
    per scramble); the t probability averages ``G(c s)`` over a fixed chi rule.

    Attributes
    ----------
    score : scipy.interpolate.CubicSpline
        ``r -> u`` (normal score of the control's ``G_0``).
    r_low, r_high : float
        Range of the spline (``u`` is clipped to its end values outside it).
    coef : ndarray, shape (REPLICATES, nodes)
        Hermite (probabilists') coefficients of ``h``, one row per scramble.
    stretch : float
        Scale of the nodes: ``h(u)`` is a Hermite series in ``u / stretch``.
    truncation : float
        Interpolation error bound (difference from the two-lower-degree fit on the nodes).
    points : int
        Points per scramble.
    two_sided : bool
        ``max |T_i|`` (True) or ``max T_i``.
    chi_rule : (ndarray, ndarray)
        Nodes and weights of the average over ``s = sqrt(chi2_df / df)`` (``([1], [1])``
        for a known variance).
    """

    score: Any
    r_low: float
    r_high: float
    coef: np.ndarray
    stretch: float
    truncation: float
    points: int
    two_sided: bool
    chi_rule: tuple[np.ndarray, np.ndarray]

    def _normal_exceedance(self, r: np.ndarray) -> np.ndarray:
        """Per-scramble ``1 - G(r)``: shape ``(REPLICATES,) + r.shape``."""
        from scipy.special import ndtr

        v = _spline_variable(np.clip(r, self.r_low, self.r_high), self.two_sided)
        u = np.asarray(self.score(v))
        # beyond the table G_0 is below 1e-16 or above 1 - 1e-16
        u = np.where(r < self.r_low, -np.inf, np.where(r > self.r_high, np.inf, u))
        near = np.abs(u) <= _H_CUT
        u_near = np.where(near, u, 0.0)
        density = np.where(near, np.exp(-0.5 * u_near**2) / np.sqrt(2.0 * np.pi), 0.0)
        h = np.polynomial.hermite_e.hermeval(u_near / self.stretch, self.coef.T)
        return np.asarray(ndtr(-u)[None] - density[None] * h)

    def exceedance(self, cs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``P(max T_i > c)`` and its stated absolute error at every ``c``.

        The error is three standard errors over the scrambles plus :attr:`truncation`.
        """
        c = np.atleast_1d(np.asarray(cs, dtype=float))
        s_nodes, s_weights = self.chi_rule
        per = self._normal_exceedance(c[:, None] * s_nodes[None, :]) @ s_weights
        mean = np.clip(per.mean(axis=0), 0.0, 1.0)
        error = 3.0 * per.std(axis=0, ddof=1) / np.sqrt(per.shape[0]) + self.truncation + 1e-9
        if self.two_sided:
            mean[c <= 0.0] = 1.0
        return mean, error

    def exceedance_values(
        self, cs: np.ndarray, rules: Sequence[tuple[np.ndarray, np.ndarray]]
    ) -> np.ndarray:
        """``P(max T_i > c_j)`` at each ``c_j`` averaged with its own chi rule ``rules[j]``.

        The same floats as ``replace(self, chi_rule=rules[j]).exceedance([c_j])[0][0]``
        (tests), from one evaluation of the normal curve at every ``c_j s`` together: the
        critical values of a family at each of its df step together
        (:func:`yieldtrial.stats.distributions.dunnett_critical_values`; 19 df of an
        alpha-lattice with lost plots, 208 chi nodes each: one call of 0.6-1.3 ms per step
        instead of 19 of 0.2 ms).
        """
        c = np.asarray(cs, dtype=float)
        parts = [c[j : j + 1, None] * nodes[None, :] for j, (nodes, _) in enumerate(rules)]
        every = self._normal_exceedance(np.concatenate([p.ravel() for p in parts]))
        out = np.empty(c.size)
        start = 0
        for j, (nodes, weights) in enumerate(rules):
            # each rule's average on an array of the shape and layout exceedance() has
            part = np.ascontiguousarray(every[:, start : start + nodes.size])[:, None, :]
            start += nodes.size
            mean = np.clip((part @ weights).mean(axis=0), 0.0, 1.0)
            if self.two_sided and c[j] <= 0.0:
                mean[0] = 1.0
            out[j] = mean[0]
        return out


#: The chi rule of a known variance (``s = 1``).
_KNOWN_VARIANCE = (np.ones(1), np.ones(1))

#: Largest normal score of a node (``phi(6) = 6e-9``: beyond it ``G - G_0`` is negligible).
_NODE_REACH = 6.0

#: Beyond this normal score the correction term is dropped (|G - G_0| < 1e-8 there).
_H_CUT = 6.0

#: Points of the control variate's tabulated curve.
_GRID_POINTS = 97


def _grid(r_top: float, two_sided: bool) -> np.ndarray:
    """Thresholds of the control's table (two-sided: a geometric run towards 0 as well)."""
    if not two_sided:
        return np.linspace(-8.5, r_top, _GRID_POINTS + 16)
    return np.unique(
        np.concatenate([np.geomspace(1e-3, 0.1, 12), np.linspace(0.1, r_top, _GRID_POINTS)])
    )


def _spline_variable(r: np.ndarray, two_sided: bool) -> np.ndarray:
    """``log r`` for a two-sided box (``G_0 ~ r^k`` near 0 is smooth in it), else ``r``."""
    if not two_sided:
        return np.asarray(r, dtype=float)
    with np.errstate(divide="ignore"):
        return np.log(np.maximum(np.asarray(r, dtype=float), 1e-300))


def _score_spline(
    r_grid: np.ndarray, exceed0: np.ndarray, two_sided: bool
) -> tuple[Any, float, float]:
    """Cubic spline ``v(r) -> u = -Phi^-1(1 - G_0(r))`` over the grid where ``|u| < 8.2``.

    Returns the spline and the range of ``r`` it covers.
    """
    from scipy.special import ndtri

    from yieldtrial.stats._spline import CubicSpline  # scipy.interpolate's, bit for bit

    with np.errstate(divide="ignore"):
        u = -ndtri(np.clip(exceed0, 0.0, 1.0))
    keep = np.isfinite(u) & (np.abs(u) < 8.2)
    r_k, u_k = r_grid[keep], u[keep]
    ok = np.concatenate([[True], np.diff(u_k) > 0.0])  # strictly increasing
    r_k, u_k = r_k[ok], u_k[ok]
    return CubicSpline(_spline_variable(r_k, two_sided), u_k), float(r_k[0]), float(r_k[-1])


def _probe_thresholds(r_high: float, df: float, two_sided: bool) -> np.ndarray:
    """Thresholds ``c`` at which the stated error of a curve is checked (the whole range).

    81 evenly spaced from 0 (two-sided) or -4 to the end of the normal curve's table, then
    for finite df 20 more, geometrically spaced, to the t-scale point beyond which every
    exceedance is below about 1e-12.  (Stop 34: one even grid to that point left the
    middle unchecked at small df, e.g. steps of 20 at 4 df, where it reaches 1,580, and a
    curve built for 4 df stated 4.4e-4 at thresholds 0.5-5.)

    Examples
    --------
    >>> probe = _probe_thresholds(8.5, 4.0, True)
    >>> probe.size, float(probe[80]), bool(probe[-1] > 1000.0)
    (101, 8.5, True)
    """
    from yieldtrial.stats._univariate import norm_isf, t_isf

    probe = np.linspace(0.05 if two_sided else -4.0, r_high, 81)
    if np.isfinite(df):
        top = r_high * float(t_isf(1e-12, df) / norm_isf(1e-12))
        if top > r_high:
            probe = np.concatenate([probe, np.geomspace(r_high, top, 21)[1:]])
    return probe


def _score_check(
    taylor: Any,
    control_exceedance: Any,
    spline: Any,
    table_u: np.ndarray,
    table_v: np.ndarray,
    u_nodes: np.ndarray,
    known: Any,
    vander: np.ndarray,
    density: np.ndarray,
    stretch: float,
    two_sided: bool,
) -> float:
    """Largest interpolation error of the exactly known part ``G_0 - Phi(u)`` between nodes.

    ``known`` holds it at the nodes (fitted there exactly); at the midpoints (in ``u``)
    the exact value (``taylor``: a TaylorBox's ``G_s``; else ``control_exceedance``) is
    compared with the interpolant.  0 when the control's curve is tabulated exactly.
    """
    from scipy.special import ndtr

    if taylor is None and control_exceedance is None:
        return 0.0
    u_mid = 0.5 * (u_nodes[:-1] + u_nodes[1:])
    v_mid = np.interp(u_mid, table_u, table_v)
    r_mid = np.exp(v_mid) if two_sided else v_mid
    u_act = np.asarray(spline(v_mid))
    if taylor is not None:
        t1, t2, _ = taylor.expansion(r_mid)
        exact = 1.0 - taylor.exceedance(r_mid) + t1 + t2 - ndtr(u_act)
    else:
        exact = 1.0 - np.asarray(control_exceedance(r_mid)) - ndtr(u_act)
    coef = np.linalg.solve(vander, np.asarray(known) / density)
    dens_mid = np.exp(-0.5 * u_act**2) / np.sqrt(2.0 * np.pi)
    approx = np.polynomial.hermite_e.hermeval(u_act / stretch, coef) * dens_mid
    return float(np.max(np.abs(approx - exact)))


#: Rate at which the spread over the scrambles falls with the points per scramble,
#: ``N^-SPREAD_RATE`` (0.77 measured on the field designs' Taylor-controlled integrand; a
#: step predicted with it that falls short costs one more look, not more points).
SPREAD_RATE = 0.77

#: Rate used by :func:`_cap_cannot_suffice` (more nodes at once when even the largest
#: count of points is predicted to miss the target): an optimistic one, so only a node set
#: that clearly cannot meet it is left early.  On the far correlations of
#: ``benchmarks/bench_dunnett_general.py --far`` the spread fell as ``N^-0.8`` to
#: ``N^-1.06`` from 256 to 8,192 points, and at 256 points it is too noisy to leave a set
#: on: with :data:`SPREAD_RATE` there the seed-0 random layout took 24 nodes where 16
#: met the target (stop 34).
CAP_RATE = 1.0


def _next_points(points: int, counts: list[int], spread: float, allowed: float) -> int | None:
    """Return the next points per scramble, or None when ``counts`` holds no more.

    The next count of ``counts`` (a doubling), unless the spread, falling as
    ``N^-SPREAD_RATE``, is predicted to meet ``allowed`` (the target less the interpolation
    bound) at 1.5 times ``points`` or fewer: then 1.5 times (``2^m + 2^(m-1)`` points, two
    whole scrambled Sobol' nets; the estimate is unbiased at any count and its spread is
    measured anew).  Steps of a quarter (``2^m + 2^(m-2)``) were tried: at 320 points the
    spread of the 21-entry alpha design was above that at 256.

    Examples
    --------
    >>> _next_points(256, [64, 128, 256, 512], 7.8e-5, 7.4e-5)
    384
    >>> _next_points(256, [64, 128, 256, 512], 2e-4, 7.4e-5), _next_points(512, [512], 1.0, 1.0)
    (512, None)
    """
    later = [n for n in counts if n > points]
    if not later:
        return None
    following = later[0]
    half = (1 << (points.bit_length() - 1)) // 2
    if allowed <= 0.0 or spread <= 0.0 or half < 1 or points + half >= following:
        return following
    need = points * (spread / allowed) ** (1.0 / SPREAD_RATE)
    return points + half if need <= points + half else following


def _next_node_index(index: int, truncation: float, abs_tol: float) -> int:
    """Return the next node set: skip one whose bound would still exceed half the target.

    The bound falls about fourfold per four more nodes on the correlations of field designs
    (8 -> 12 -> 16 nodes: 3.7e-4, 1.0e-4, 2.3e-5 on an alpha-lattice with blocks of 3), so
    a set is skipped when that rate leaves it above ``abs_tol / 2``; at most one is skipped.

    Examples
    --------
    >>> _next_node_index(0, 4e-4, 1e-4), _next_node_index(0, 1.5e-4, 1e-4)
    (2, 1)
    """
    step = index + 1
    if step + 1 < len(NODE_COUNTS):
        fewer = NODE_COUNTS[step] - NODE_COUNTS[index]
        if truncation * 4.0 ** (-fewer / 4.0) > abs_tol / 2.0:
            step += 1
    return step


def _cap_cannot_suffice(
    points: int, cap: int, spread: float, truncation: float, abs_tol: float
) -> bool:
    """Whether even ``cap`` points per scramble are predicted to miss the target at this bound.

    The spread falling as ``N^-CAP_RATE`` from ``points`` to ``cap`` would still exceed
    the target less the interpolation bound: more points at this node set are then spent
    on a curve that cannot meet it, and the next set (smaller bound) is taken at once.
    Only the schedule depends on it: every curve states its own spread and bound.

    Examples
    --------
    >>> _cap_cannot_suffice(1024, 16384, 6.0e-4, 6.0e-5, 1e-4)  # predicted 3.75e-5 at 16,384
    False
    >>> _cap_cannot_suffice(1024, 16384, 7.0e-4, 6.0e-5, 1e-4)
    True
    """
    allowed = abs_tol - truncation
    return allowed <= 0.0 or spread * (cap / points) ** (-CAP_RATE) > allowed


def _second_order(box: Any) -> Any:
    """Return the same TaylorBox without the third- and fourth-order controls."""
    from dataclasses import replace

    return replace(box, d3=None, path4=None) if box.d3 is not None or box.path4 is not None else box


def _third_order(box: Any) -> Any:
    """Return the same TaylorBox without the fourth-order control."""
    from dataclasses import replace

    return replace(box, path4=None) if box.path4 is not None else box


def max_t_curve(
    regions: Any,
    r_grid: np.ndarray,
    exceed0: np.ndarray,
    df: float,
    chi_rule: tuple[np.ndarray, np.ndarray],
    *,
    two_sided: bool,
    abs_tol: float = DEFAULT_ABS_TOL,
    max_points: int = POINT_COUNTS[-1],
    point_counts: tuple[int, ...] = POINT_COUNTS,
    control_exceedance: Any = None,
    give_up: type[Exception] | None = None,
    score_is_control: bool = True,
    first_nodes: int = NODE_COUNTS[0],
) -> MaxTCurve:
    """Build the exceedance curve of ``regions[0]`` with ``regions[1]`` as control variate.

    Parameters
    ----------
    regions : (Region, Region) or TaylorBox
        The region of the statistics and that of the control variate, same variable order;
        or a :class:`~yieldtrial.stats._mvt_taylor.TaylorBox` (box region with the
        Taylor controls around a product form: third order when it carries ``d3``; the
        first pass keeps the third- or second-order control or the plain difference,
        whichever has the least cost x variance, ``TaylorBox.choose_control``).
    r_grid, exceed0 : ndarray
        The control's exact normal exceedance ``1 - G_0(r)`` on an increasing grid of ``r``
        (for a TaylorBox: ``1 - G_s`` of the second-order expansion).
    df : float
        Error df (``inf``: normal); sets the probe thresholds of the stated error.
    chi_rule : (ndarray, ndarray)
        Nodes and weights of the average over the chi scale (see :class:`MaxTCurve`): the
        spread is brought within the target for the scrambles' curves averaged so (the
        average only where the normal curve's spread misses the target, since it spreads
        about no more than its parts; stop 34: a third fewer points at 30 df).
    two_sided : bool
        Recorded on the curve (``c <= 0`` then has exceedance 1).
    abs_tol : float
        Target of the stated error of the t exceedances (checked at 81 thresholds over the
        whole range, as :meth:`MaxTCurve.exceedance` states it for p-values: three
        standard errors over the scrambles plus the interpolation bound,
        :data:`TOP_TERMS_FACTOR` times the interpolant's two highest Hermite terms, or
        where that is above half the target, the smaller of it and the difference from the
        previous node set at the same points); the points per scramble double through
        :data:`POINT_COUNTS` until it is met (or the largest count's error is stated).
    max_points : int
        Largest points per scramble to try (caps the cost).
    point_counts : tuple of int
        The points per scramble tried in turn (default :data:`POINT_COUNTS`).
    control_exceedance : callable, optional
        ``r -> 1 - G_0(r)`` exactly, for a pair of regions whose ``exceed0`` on the grid is
        only a smooth approximation: the exact ``G_0`` at the nodes then corrects the
        score there (as for a TaylorBox).
    give_up : exception class, optional
        Raised when the control's curve is no guide: after the first pass when the
        interpolation bound is above :data:`HOPELESS_BOUND` (the target is far from the
        control in the tails), or on the last node set when the points already meet half
        the target but the bound stays above it (more points cannot cut it); and, for a
        TaylorBox, after the first pass when the target integrand by itself varies less
        for its cost than every control.  The caller then builds the curve along another
        score (:mod:`yieldtrial.stats._mvt_pilot`).
    score_is_control : bool
        ``exceed0`` is (a smooth approximation of) the control's own curve, so the known
        part ``G_0 - Phi(u)`` is small and its interpolation is checked between the nodes.
        False for a score from elsewhere (a pilot of the target): the known part is then
        not small, and only the interpolated sum (``G - Phi(u)``, small) is bounded.
    first_nodes : int
        The node set of the first pass (one of :data:`NODE_COUNTS`; default the first):
        a larger one skips the smaller sets when they are known to fall short (see
        :data:`MANY_NODES_FROM_DISTANCE`).
    """
    from dataclasses import replace

    from scipy.special import ndtr

    # a stats._mvt_taylor.TaylorBox (duck-typed: that module imports this one)
    taylor = hasattr(regions, "replicate_sums")
    # no control region: the score curve Phi(u(r)) is the control, exactly known
    self_score = not taylor and regions[1] is None
    if taylor:
        plain_regions = (
            Region(regions.chol, regions.box_lo, regions.box_hi),
            Region(regions.base_chol, regions.box_lo, regions.box_hi, factor=regions.factor),
        )
    # single-precision integrands (Region.single): their bias is stated with the bound
    single_bias = (
        SINGLE_PRECISION_BIAS
        if not taylor and any(reg is not None and reg.single for reg in regions)
        else 0.0
    )
    spline, r_low, r_high = _score_spline(r_grid, exceed0, two_sided)
    # the node thresholds: invert the spline on a dense table (exactness is not needed:
    # each node's own score is recomputed from the spline)
    v_ends = _spline_variable(np.array([r_low, r_high]), two_sided)
    table_v = np.linspace(float(v_ends[0]), float(v_ends[1]), 4001)
    table_u = np.maximum.accumulate(np.asarray(spline(table_v)))
    counts = [n for n in point_counts if n <= max_points] or [point_counts[0]]
    c_probe = _probe_thresholds(r_high, df, two_sided)
    grid = np.linspace(-_NODE_REACH, _NODE_REACH, 241)
    grid_density = np.exp(-0.5 * grid**2) / np.sqrt(2.0 * np.pi)
    # the control in use: "third" or "second" order Taylor, or the "plain" difference
    # (chosen on the first pass, see TaylorBox.choose_control)
    if taylor:
        top = (
            "fourth"
            if regions.path4 is not None
            else "third"
            if regions.d3 is not None
            else "second"
        )
    state: dict[str, Any] = {"mode": top if taylor else "plain"}
    box_in_use = (
        {"fourth": regions, "third": _third_order(regions), "second": _second_order(regions)}
        if taylor
        else {}
    )

    def node_set(nodes: int) -> dict[str, Any]:
        """Set up the thresholds, exactly known parts and running sums of ``nodes`` nodes."""
        u_nodes, _ = np.polynomial.hermite_e.hermegauss(nodes)
        stretch = min(1.0, _NODE_REACH / float(u_nodes[-1]))  # outermost node at |u| <= 6
        u_nodes = u_nodes * stretch
        v_nodes = np.interp(u_nodes, table_u, table_v)
        r_nodes = np.exp(v_nodes) if two_sided else v_nodes
        u_actual = np.asarray(spline(v_nodes))
        ns: dict[str, Any] = {
            "nodes": nodes, "stretch": stretch, "r_nodes": r_nodes, "done": 0,
            "density": np.exp(-0.5 * u_actual**2) / np.sqrt(2.0 * np.pi),
            "vander": np.polynomial.hermite_e.hermevander(u_actual / stretch, nodes - 1),
            "sums": np.zeros((REPLICATES, nodes)), "known": 0.0,
            "count": np.zeros(nodes, dtype=int), "active": np.ones(nodes, dtype=bool),
        }  # fmt: skip
        # each node's share of the curve on the grid: the interpolant of a unit value there
        basis = np.polynomial.hermite_e.hermevander(grid / stretch, nodes - 1)
        share = np.abs(basis @ np.linalg.inv(ns["vander"])) * grid_density[:, None]
        ns["influence"] = np.max(share, axis=0) / ns["density"]
        if self_score:  # no control integrand: its place is taken by Phi(u) itself
            ns["known"] = -ndtr(u_actual)
        elif control_exceedance is not None and not taylor:  # G_0 - Phi(u) at the nodes
            ns["known"] = 1.0 - np.asarray(control_exceedance(r_nodes)) - ndtr(u_actual)
        if taylor:  # G - G_s at the nodes, G_s = G_1 + T_1 + T_2 (the control's curve)
            ns["t1"], ns["t2"], ns["t3"] = regions.expansion(
                r_nodes, third=state["mode"] in ("third", "fourth")
            )
            ns["t4"] = None  # T_4: computed when the fourth-order control is in use
            ns["stats"] = np.zeros(
                (REPLICATES, box_in_use.get(state["mode"], regions).n_stats, nodes)
            )
            # the score spline only approximates G_s: add G_s - Phi(u) at the nodes (exact)
            ns["known"] = 1.0 - regions.exceedance(r_nodes) + ns["t1"] + ns["t2"] - ndtr(u_actual)
        # the score spline comes from approximate values (a coarse rule, splined terms):
        # check the interpolated exact part midway between the nodes (added to the bound)
        ns["phi_u"] = ndtr(u_actual)
        ns["score_check"] = (
            _score_check(
                regions if taylor else None, control_exceedance, spline, table_u, table_v,
                u_nodes, ns["known"], ns["vander"], ns["density"], stretch, two_sided,
            )
            if score_is_control and state["mode"] != "alone"
            else 0.0  # the known part is not small, or not used: only the sum is interpolated
        )  # fmt: skip
        return ns

    def advance(ns: dict[str, Any], points: int, first_set: bool) -> None:
        """Take the set's sums to ``points`` per scramble; its estimates and grid curve."""
        if ns["done"] >= points:
            return
        r_nodes, done, known = ns["r_nodes"], ns["done"], ns["known"]
        # the nodes still taking points (the others keep theirs: see FREEZE_SHARE)
        take = np.flatnonzero(ns["active"])
        r_take, count = r_nodes[take], ns["count"]
        count[take] = points
        if taylor and state["mode"] != "plain":
            box = box_in_use[state["mode"]]
            ns["stats"][:, :, take] += box.replicate_sums(r_take, points, done)
            if box.uses_single(points):  # its bias is stated with the bound from now on
                state["single"] = True
            t1, t2, t3 = ns["t1"], ns["t2"], ns["t3"]
            if done == 0 and first_set:
                # the spreads over the scrambles do not depend on the exact means, so the
                # control is chosen before T_4 (its cost) is computed
                before = state["mode"]
                enough = abs_tol / 12.0 * np.sqrt(REPLICATES)  # 3 SE <= a quarter
                spreads: dict[str, float] = {}
                state["mode"] = regions.choose_control(
                    ns["stats"], points, t1, t2, t3, known, before, np.zeros_like(t1),
                    enough=enough, spreads_out=spreads,
                )  # fmt: skip
                if give_up is not None and spreads[state["mode"]] > enough:
                    # more points needed: would the target integrand by itself do better?
                    alone = _replicate_sums(r_nodes, (plain_regions[0], None), points) / points
                    if regions.choose_control(
                        ns["stats"], points, t1, t2, t3, known, before, np.zeros_like(t1),
                        enough=enough, alone=alone,
                    ) == "alone":  # fmt: skip
                        raise give_up(GIVE_UP_ALONE)
                if state["mode"] not in ("plain", before):
                    ns["stats"] = regions.stats_subset(ns["stats"], before, state["mode"])
            if state["mode"] == "plain":
                ns["sums"] = ns["stats"][:, 0, :].copy()
                est = ns["sums"] / count - t1 - t2 + known
            else:
                if state["mode"] == "fourth" and ns["t4"] is None:
                    ns["t4"] = regions.term4(r_nodes)
                chosen = box_in_use[state["mode"]]
                est = chosen.estimates(ns["stats"], count, t1, t2, t3, ns["t4"]) + known
        elif taylor:  # the plain difference f - f_0 of the same two integrands
            ns["sums"][:, take] += _replicate_sums(r_take, plain_regions, points, done)
            est = ns["sums"] / count - ns["t1"] - ns["t2"] + known
        elif state["mode"] == "alone":  # the target integrand by itself (chosen below)
            ns["sums"][:, take] += _replicate_sums(r_take, (regions[0], None), points, done)
            est = ns["sums"] / count - ns["phi_u"]  # G - Phi(u) at the nodes
        else:
            ns["sums"][:, take] += _replicate_sums(r_take, regions, points, done)
            est = ns["sums"] / count + known  # G - G_0 at the nodes (+ G_0 - Phi(u))
            if done == 0 and first_set and not self_score and regions[1] is not None:
                # the difference costs two integrands: keep it only when it varies less than
                # the target integrand by itself by more than sqrt(2) (a control far from
                # the target, e.g. equal-variance means for a general covariance, does not)
                alone = _replicate_sums(r_nodes, (regions[0], None), points)
                spread_alone = float(np.max(np.std(alone / points, axis=0)))
                spread_diff = float(np.max(np.std(ns["sums"] / points, axis=0)))
                if spread_alone**2 < ALONE_COST_RATIO * spread_diff**2:
                    state["mode"] = "alone"
                    ns["sums"] = alone
                    ns["score_check"] = 0.0
                    est = ns["sums"] / points - ns["phi_u"]
        ns["done"] = points
        # the nodes whose spreads together move the curve by at most FREEZE_SHARE of the
        # target take no more points, the least moving first (their estimates and spreads
        # stay in the curve and its stated error)
        moved = ns["influence"] * 3.0 * np.std(est, axis=0, ddof=1) / np.sqrt(REPLICATES)
        order = np.argsort(np.where(ns["active"], moved, -1.0), kind="stable")
        ns["active"][order[np.cumsum(moved[order]) <= FREEZE_SHARE * abs_tol]] = False
        ns["coef"] = np.linalg.solve(ns["vander"], (est / ns["density"]).T).T
        ns["fine"], ns["low_fine"] = _interpolants(ns, est)

    def _interpolants(ns: dict[str, Any], est: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the interpolant on the grid and the lower fit the bound compares it with.

        The lower fit is the interpolant less :data:`TOP_TERMS_FACTOR` times its two
        highest Hermite terms.
        """
        density, stretch = ns["density"], ns["stretch"]
        coef = np.linalg.solve(ns["vander"], (est / density).T).T.mean(axis=0)
        top = np.zeros_like(coef)
        top[-2:] = coef[-2:]
        fine = np.polynomial.hermite_e.hermeval(grid / stretch, coef)
        tail = np.polynomial.hermite_e.hermeval(grid / stretch, top)
        return fine, fine - TOP_TERMS_FACTOR * tail

    previous: dict[str, Any] | None = None
    index = NODE_COUNTS.index(first_nodes)
    while True:  # more nodes when the interpolation bound dominates
        nodes = NODE_COUNTS[index]
        last = index == len(NODE_COUNTS) - 1
        current = node_set(nodes)
        points = counts[0]
        while True:
            advance(current, points, previous is None)
            # the stated error of the t exceedances themselves (what every p-value reports):
            # three standard errors over the scrambles, then the interpolation bound
            curve = MaxTCurve(spline, r_low, r_high, current["coef"], current["stretch"],
                              0.0, points, bool(two_sided), chi_rule)  # fmt: skip
            # the bound: TOP_TERMS_FACTOR times the interpolant's two highest Hermite terms
            # (against the weighted fit two degrees lower on the same nodes); where that is
            # not small and the points could suffice, also against the previous, smaller set
            # of nodes at the same points (the smaller of the two: both compare the
            # interpolant with a cruder one)
            truncation = float(np.max(np.abs(current["fine"] - current["low_fine"]) * grid_density))
            # the spread at df is that of the scrambles' curves averaged over the chi scale,
            # at most about the normal curve's (an average spreads no more than its parts):
            # the average (about 1 ms) only where the normal curve's misses the target
            spread = float(np.max(replace(curve, chi_rule=_KNOWN_VARIANCE).exceedance(c_probe)[1]))
            if chi_rule[0].size > 1 and spread + truncation + current["score_check"] > abs_tol:
                spread = min(spread, float(np.max(curve.exceedance(c_probe)[1])))
            if previous is not None and truncation > abs_tol / 2.0 and (spread < abs_tol or last):
                advance(previous, points, False)
                truncation = min(
                    truncation,
                    float(np.max(np.abs(current["fine"] - previous["fine"]) * grid_density)),
                )
            truncation += current["score_check"]
            truncation += SINGLE_PRECISION_BIAS if state.get("single") else single_bias
            if give_up is not None and (
                (previous is None and truncation > HOPELESS_BOUND)
                or (last and spread <= abs_tol / 2.0 and truncation > abs_tol)
            ):  # the control's score leaves an interpolation bound more points cannot cut
                raise give_up(GIVE_UP_SCORE)
            curve = replace(curve, truncation=truncation)
            if spread + truncation <= abs_tol:
                return curve
            if last and spread <= abs_tol / 4.0 and truncation >= 0.9 * state.get("bound", 0.0):
                return curve  # the bound stalls and the points already suffice: stated
            state["bound"] = truncation if last else np.inf
            if not last and (spread <= abs_tol / 2.0 or truncation > abs_tol / 2.0):
                # the interpolation bound is the problem (the points suffice, or it alone
                # takes half the target): more nodes, from the points reached
                break
            if not last and _cap_cannot_suffice(points, counts[-1], spread, truncation, abs_tol):
                break  # no count of points meets the target with this bound: more nodes now
            following = _next_points(points, counts, spread, abs_tol - truncation)
            if following is None:
                break
            points = following
        if last:
            break
        index = _next_node_index(index, truncation, abs_tol)
        counts = [points] + [n for n in counts if n > points]  # keep the points already needed
        previous = current
    return curve
