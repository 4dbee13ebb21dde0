r"""Taylor control variates (orders 1-3) for Genz's box integrand around the product form.

:mod:`yieldtrial.stats._mvt_sov` integrates ``G(r) = P(|X_i| <= r)`` (or ``X_i <= r``) for
``X ~ N(0, C)`` as the difference from a product-form correlation ``C_1`` (whose curve
``G_1`` is Dunnett's exact one-dimensional integral), with both separated-variables
integrands on the same points.  When ``C`` is far from every product form (incomplete
blocks: entries sharing a block are more correlated) that difference is noisy.  This module
removes most of the noise with the derivatives of the product-form integrand along the
straight path ``C_t = C_1 + t (C - C_1)``:

1. **The control.**  Along the path the Cholesky factor is ``L(t) = chol(C_t)`` (same
   variable order), and Genz's integrand ``f_t(w)`` has ``E f_t = G(C_t)`` for every ``t``.
   Its first two ``t``-derivatives at ``t = 0``, ``f'_0`` and ``f''_0``, are propagated
   through the separated-variables recursion in forward mode (each conditional limit,
   probability and quantile carries its first and second derivative), so that
   ``y = f_1 - f_0`` is paired with ``c_1 = f'_0`` and ``c_2 = f''_0 / 2``.
2. **Their exact means.**  ``E f'_0 = dG/dt`` and ``E f''_0 = d^2G/dt^2`` at the product
   form.  By Plackett's identity (1954) ``dG/d rho_ij = d^2 G / db_i db_j`` for unit
   variances, and given the common factor ``Z`` the product form's variables are
   independent, so with ``F_i`` the conditional interval probability, ``q_i`` its
   logarithmic derivative in the limits and ``v_i`` the second one, and ``D = C - C_1``
   (zero diagonal),

   .. math:: T_1 = E_Z\Big[\prod_i F_i \; Q\Big],\quad Q = \tfrac12 q' D q, \qquad
             T_2 = \tfrac12 E_Z\Big[\prod_i F_i\,\big(Q^2 + \textstyle\sum_j v_j (Dq)_j^2
             + \tfrac12 v' (D \circ D) v\big)\Big],

   one-dimensional integrals like Dunnett's (``T_2`` is half the second derivative; the
   fourth derivatives of the product with repeated indices give the ``v`` terms).
   ``G_s = G_1 + T_1 + T_2`` is the second-order expansion of ``G`` around the product
   form: it is both the control's exact curve and the normal score along which the small
   rest ``G - G_s`` is interpolated.
3. **Coefficients.**  The estimate at each threshold is
   ``mean(y) - T_1 - T_2 - beta_1 (mean(c_1) - T_1) - beta_2 (mean(c_2) - T_2)`` with the
   ``beta`` fitted by least squares over all points (Glynn & Szechtman 2002; Owen 2013,
   ch. 8): ``beta = 1`` when ``C`` is near the product form (the rest is third order),
   smaller when the expansion is poor, so the estimate is never noisier than the plain
   difference.  The bias of the fitted coefficients is of order ``1 / N`` (N = all points).

For the REML alpha-lattice correlation of ``benchmarks/bench_dunnett_general.py`` the
spread of the estimate drops about tenfold at the same points (second order; the first
order alone halves it), so 128 points per scramble and 8 nodes reach the 1e-4 target
(4,096 and 16 before).

4. **Third order** (:func:`taylor_sums3`).  Where the base is far from ``C`` (small
   incomplete blocks, row-column designs) the second-order remainder is still large; the
   third Taylor coefficient ``c_3`` (a sixth of the third derivative, carried through the
   recursion as a truncated power series) is a third control, with exact mean ``T_3``
   (the third-order term of :func:`product_form_expansion`).  Its standard deviation per
   point on the alpha-lattice with blocks of 3 (20 comparisons): 9.0e-3 with two
   controls, 3.6e-3 with three; on the 3 x 7 row-column design 3.0e-3 and 1.0e-3.  It
   costs about 1.3 times the second-order integrand (2.1 times the plain difference).  On
   the first pass :func:`yieldtrial.stats._mvt_sov.max_t_curve` keeps the control (third
   or second order, or the plain difference, all from the same sums) with the least
   cost x variance.

5. **Fourth order** (for at most :data:`FOURTH_ORDER_MAX_K` comparisons).  The fourth
   coefficient ``c_4`` is carried by :func:`yieldtrial.stats._mvt_series.taylor_sums4` and
   its exact mean ``T_4`` comes from :func:`yieldtrial.stats._mvt_terms.taylor_term`
   (Plackett's identity summed over the set partitions of ``E[Q^4]``, which gives the
   ``T_1..T_3`` above to rounding).  Each order divides the spread per point by about 2.5 on
   the small-block designs (measured to order 5, docs/performance.md); at order 4 the
   integrand costs about 1.2 times the third order's.  ``T_4`` is computed only when the
   fourth-order control is kept; the first pass keeps the third order instead when it
   already meets the target on those points.

References
----------
.. [1] Plackett, R. L. (1954). A reduction formula for normal multivariate integrals.
   *Biometrika* 41, 351-360. :doi:`10.1093/biomet/41.3-4.351`
.. [2] Glynn, P. W., Szechtman, R. (2002). Some new perspectives on the method of control
   variates. In *Monte Carlo and Quasi-Monte Carlo Methods 2000*, Springer, 27-49.
   :doi:`10.1007/978-3-642-56046-0_3`
.. [3] Owen, A. B. (2013). *Monte Carlo theory, methods and examples*, ch. 8 (control
   variates with estimated coefficients). https://artowen.su.domains/mc/
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np

from yieldtrial.stats._mvt_series import lower_half, sum_statistics, taylor_estimates_n
from yieldtrial.stats._mvt_terms import limit_ratios

__all__ = [
    "FAR_POINT_COUNTS",
    "TAYLOR_POINT_COUNTS",
    "TaylorBox",
    "cholesky_path",
    "dunnett_taylor_curve",
    "far_max_points",
    "product_form_expansion",
]

_SQRT_2PI = float(np.sqrt(2.0 * np.pi))


def cholesky_path(
    base: np.ndarray, target: np.ndarray, *, third: bool = False
) -> tuple[np.ndarray, ...]:
    """First, second (and third) ``t``-derivatives at 0 of ``chol(base + t (target - base))``.

    With ``L = chol(base)`` and ``E = L^-1 (target - base) L^-T``, ``chol(I + t E) =
    I + t M_1 + t^2 M_2 + t^3 M_3 + ...`` with ``M_1 = lower_half(E)``,
    ``M_2 = lower_half(-M_1 M_1')`` and ``M_3 = lower_half(-(M_1 M_2' + M_2 M_1'))`` (from
    ``M M' = I + t E`` order by order).

    Returns
    -------
    d1, d2 : ndarray, shape (k, k)
        ``L M_1`` and ``2 L M_2`` (lower triangular).
    d3 : ndarray, shape (k, k)
        ``6 L M_3``, only when ``third``.

    Examples
    --------
    >>> base = np.array([[1.0, 0.3], [0.3, 1.0]])
    >>> target = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> d1, d2 = cholesky_path(base, target)
    >>> h = 1e-4
    >>> fd = (np.linalg.cholesky(base + h * (target - base)) - np.linalg.cholesky(base)) / h
    >>> bool(np.allclose(fd, d1 + h / 2 * d2, atol=1e-8))
    True
    """
    chol = np.linalg.cholesky(base)
    inv = np.linalg.inv(chol)
    e = inv @ (target - base) @ inv.T
    m1 = lower_half(e)
    m2 = lower_half(-m1 @ m1.T)
    if third:  # order 3 of M M' = I + t E: M_3 = lower_half(-(M_1 M_2' + M_2 M_1'))
        m3 = lower_half(-(m1 @ m2.T + m2 @ m1.T))
        return chol @ m1, 2.0 * chol @ m2, 6.0 * chol @ m3
    return chol @ m1, 2.0 * chol @ m2


def _conditional_terms(
    r: np.ndarray, shift: np.ndarray, sd: np.ndarray, two_sided: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``log F`` and its derivatives ``q, v, w`` (orders 1-3) for ``F = P(|Y| <= r)`` or ``Y <= r``.

    ``Y ~ N(shift, sd^2)``; derivatives with respect to a common shift of both limits (the
    sum over the limits in Plackett's identity).  Written with ``log_ndtr`` and Mills
    ratios, so that intervals far in a tail keep their relative accuracy.
    """
    sign, b, a, log_f, ratio, dens_ratio = limit_ratios(r, shift, sd, two_sided)
    if two_sided:  # P is even in the shift: evaluated at |shift|, q is odd
        q = ratio * (1.0 - dens_ratio) / sd
        h = ratio * (-b + a * dens_ratio) / sd**2  # F'' / F
        k3 = ratio * ((b * b - 1.0) - (a * a - 1.0) * dens_ratio) / sd**3  # third / F
    else:
        q = ratio / sd
        h = -b * ratio / sd**2
        k3 = (b * b - 1.0) * ratio / sd**3
    third = k3 - 3.0 * h * q + 2.0 * q**3
    return log_f, sign * q, h - q * q, sign * third


def product_form_expansion(
    r: np.ndarray,
    lam: np.ndarray,
    corr: np.ndarray,
    nodes: np.ndarray,
    weights: np.ndarray,
    *,
    two_sided: bool,
    third: bool | float = False,
    base: bool = False,
) -> tuple[np.ndarray, ...]:
    r"""Terms ``T_1, T_2, T_3`` of ``G`` around the product form ``lam``.

    ``G(C_1 + t D) = G_1 + t T_1 + t^2 T_2 + t^3 T_3 + O(t^4)`` with ``D = corr - C_1`` (see
    the module notes); evaluated as one-dimensional integrals over the common factor.
    ``T_n = E_Z[L^n prod_i F_i] / n!`` with the operator ``L = sum_{i<j} D_ij d_i d_j``
    (Plackett) applied to ``exp(sum_i log F_i)``: with ``p = D q``, ``Q = q'p / 2`` and
    ``S_2 = Q^2 + sum_j v_j p_j^2 + v' (D o D) v / 2``, ``L^2 prod F = S_2 prod F`` and

    .. math:: L^3 \prod F = \prod F \big(Q S_2 + 2Q \textstyle\sum_j v_j p_j^2
              + \sum_j w_j p_j^3 + 3 (v \circ p)' D (v \circ p)
              + 3 \sum_j w_j p_j (D^{\circ 2} v)_j + Q v' D^{\circ 2} v
              + \operatorname{tr}((VD)^3) + \tfrac12 w' D^{\circ 3} w\big),

    ``V = diag(v)``, ``w`` the third logarithmic derivatives (the product rule on
    ``L (S_2 prod F)``; checked against finite differences in the tests).  ``T_3`` (only
    when ``third``) refines the normal score of the curve; the control variates use
    ``T_1, T_2``.  All terms come from one evaluation of the conditional probabilities.

    The same formulas hold for a ``K``-factor base ``diag(1 - |L_i|^2) + L L'`` (``lam`` of
    shape ``(k, K)``, ``nodes`` of shape ``(n, K)``): given the ``K`` factors the variables
    are independent, which is all the derivation uses.

    Parameters
    ----------
    r : ndarray, shape (M,)
        Thresholds (the normal scale).
    lam : ndarray, shape (k,) or (k, K)
        Product-form factors (``|lam| < 1``), or the loadings of a ``K``-factor base.
    corr : ndarray, shape (k, k)
        The target correlation.
    nodes, weights : ndarray
        Quadrature rule for ``E`` over the standard normal common factor(s) (weights
        include the density; nodes of shape ``(n,)`` or ``(n, K)``).
    two_sided : bool
        ``|X_i| <= r`` (True) or ``X_i <= r``.
    third : bool or float
        Also compute ``T_3`` (else zeros); a float: only when some ``|T_2|`` exceeds it.
    base : bool
        Also return ``G_1`` (the base's own probability, ``E_Z prod_i F_i``) first.

    Returns
    -------
    t1, t2, t3 : ndarray, shape (M,)
        Preceded by ``G_1`` when ``base``.
    """
    r = np.atleast_1d(np.asarray(r, dtype=float))
    lam = np.asarray(lam, dtype=float)
    loadings = lam if lam.ndim == 2 else lam[:, None]
    z = np.asarray(nodes, dtype=float)
    z = z if z.ndim == 2 else z[:, None]
    sd = np.sqrt(1.0 - np.sum(loadings**2, axis=1))
    delta = np.asarray(corr, dtype=float) - loadings @ loadings.T
    np.fill_diagonal(delta, 0.0)
    delta_sq = delta**2
    shift = (z @ loadings.T)[None, :, :]  # (1, nz, k)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        log_f, q, v, w = _conditional_terms(r[:, None, None], shift, sd, two_sided)
        prod = np.exp(np.sum(log_f, axis=2))  # (M, nz)
        use = prod > 1e-300
        prod = np.where(use, prod, 0.0)
        p = q @ delta
        quad = 0.5 * np.sum(q * p, axis=2)
        d2v = v @ delta_sq
        vp2 = np.sum(v * p**2, axis=2)
        vd2v = np.sum(d2v * v, axis=2)
        second = quad**2 + vp2 + 0.5 * vd2v
        t1 = np.where(use, prod * quad, 0.0) @ weights
        t2 = 0.5 * (np.where(use, prod * second, 0.0) @ weights)
        t3 = np.zeros(r.size)
        if third is True or (
            third is not False and t2.size and float(np.max(np.abs(t2))) > float(third)
        ):
            vp = v * p
            # tr((VD)^3) = sum_ija v_i v_j v_a D_ij D_ja D_ai: one product with the fixed
            # tensor, then two contractions (no k x k matrix per point and threshold)
            k = delta.shape[0]
            tensor = (delta[:, :, None] * delta[None, :, :] * delta.T[:, None, :]).reshape(k, -1)
            flat_v = v.reshape(-1, k)
            cubic_v = (flat_v @ tensor).reshape(-1, k, k)  # [., i, a] sum_j
            trace3 = np.sum(np.matmul(cubic_v, flat_v[:, :, None])[:, :, 0] * flat_v, axis=1)
            trace3 = trace3.reshape(v.shape[:-1])
            cubic = (
                quad * second
                + 2.0 * quad * vp2
                + np.sum(w * p**3, axis=2)
                + 3.0 * np.sum((vp @ delta) * vp, axis=2)
                + 3.0 * np.sum(w * p * d2v, axis=2)
                + quad * vd2v
                + trace3
                + 0.5 * np.sum((w @ (delta_sq * delta)) * w, axis=2)
            )
            t3 = (np.where(use, prod * cubic, 0.0) @ weights) / 6.0
    if base:
        return prod @ weights, t1, t2, t3
    return t1, t2, t3


@dataclass(frozen=True)
class TaylorBox:
    """A box region in SOV order with its product-form base and the Cholesky path.

    Attributes
    ----------
    chol : ndarray, shape (d, d)
        Cholesky factor of the target correlation (reordered).
    base_chol : ndarray, shape (d, d)
        Cholesky factor of the product form (same order).
    factor : ndarray, shape (d,)
        Product-form factors in SOV order (``base_chol[i, j] = factor_i g_j`` below the
        diagonal; see :class:`yieldtrial.stats._mvt_sov.Region`).
    d1, d2 : ndarray, shape (d, d)
        :func:`cholesky_path` of the base towards the target.
    box_lo, box_hi : ndarray, shape (d,)
        Interval of each variable in units of the threshold.
    lam, corr : ndarray
        Product-form factors and target correlation in the original order (for
        :func:`product_form_expansion`).
    nodes, weights : ndarray
        Quadrature rule over the common factor.
    two_sided : bool
        Two-sided box.
    exact : callable
        ``r -> 1 - G_1(r)``: the product form's exact normal exceedances.
    """

    chol: np.ndarray
    base_chol: np.ndarray
    factor: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    box_lo: np.ndarray
    box_hi: np.ndarray
    lam: np.ndarray
    corr: np.ndarray
    nodes: np.ndarray
    weights: np.ndarray
    two_sided: bool
    exact: Any
    d3: np.ndarray | None = None
    path4: tuple[np.ndarray, ...] | None = None

    def exceedance(self, r: np.ndarray) -> np.ndarray:
        """Return the product form's exact normal exceedance ``1 - G_1(r)``."""
        return np.asarray(self.exact(np.asarray(r, dtype=float)))

    def replicate_sums(self, r: np.ndarray, points: int, first: int = 0) -> np.ndarray:
        """Sum :func:`taylor_sums` over points ``first..points - 1`` of each scramble.

        All scrambles go through the recursion together (consecutive runs of points), in
        cache-sized blocks.  With the fourth-order control, blocks from point
        :data:`SINGLE_FROM_POINTS` on run in single precision (:func:`taylor_sums4`'s
        ``single``; :meth:`uses_single` says whether a count of points reaches them).

        Returns
        -------
        ndarray, shape (REPLICATES, 8, M)
        """
        from yieldtrial.stats._mvt_sov import (
            _CACHE_ELEMENTS,
            REPLICATES,
            _sobol_rows,
            _sobol_rows_single,
            block_map,
        )

        d = self.chol.shape[0]
        level = max(int(np.ceil(np.log2(points))), 1)
        pts = _sobol_rows(max(d - 1, 1), level)
        n = min(points, pts.shape[2])
        out = np.zeros((REPLICATES, self.n_stats, r.size))
        sums: Callable[..., np.ndarray] = taylor_sums3 if self.d3 is not None else taylor_sums
        if self.path4 is not None:
            from yieldtrial.stats._mvt_series import taylor_sums4

            sums = partial(taylor_sums4, path=list(self.path4))
        step = max(16, _CACHE_ELEMENTS // max(r.size * REPLICATES, 1))

        def block_sums(start: int) -> np.ndarray:
            single = self.path4 is not None and start >= SINGLE_FROM_POINTS
            rows = _sobol_rows_single(max(d - 1, 1), level) if single else pts
            block = rows[:, :, start : min(start + step, n)]  # (REPLICATES, d - 1, b)
            w = np.ascontiguousarray(np.moveaxis(block, 0, 1)).reshape(block.shape[1], -1)
            if single:
                return np.asarray(sums(r, self, w, groups=REPLICATES, single=True))
            return np.asarray(sums(r, self, w, groups=REPLICATES))

        # the statistics cost several integrands per point: weighted by their count
        work = float(REPLICATES * max(n - first, 0) * r.size * d * self.n_stats / 4)
        # the blocks' sums are added in the serial order whatever thread computed them
        for part in block_map(block_sums, list(range(first, n, step)), work):
            out += part
        return out

    def uses_single(self, points: int) -> bool:
        """Whether :meth:`replicate_sums` to ``points`` runs blocks in single precision."""
        return self.path4 is not None and points > SINGLE_FROM_POINTS

    #: The second-order statistics (:data:`_N_STATS`) within the third-order ones
    #: (:data:`_N_STATS_3`): y, c1, c2, c1^2, c2^2, c1 c2, y c1, y c2.
    SECOND_OF_THIRD = (0, 1, 2, 8, 11, 9, 5, 6)

    def choose_control(
        self,
        stats: np.ndarray,
        points: int,
        t1: np.ndarray,
        t2: np.ndarray,
        t3: np.ndarray | None,
        known: Any,
        mode: str,
        t4: np.ndarray | None = None,
        enough: float = 0.0,
        alone: np.ndarray | None = None,
        spreads_out: dict[str, float] | None = None,
    ) -> str:
        """Choose the control with the least cost x variance on the first node set's points.

        ``stats`` are the summed statistics of ``mode`` ("third": 14 per threshold, else
        8); the lower-order estimates come from subsets of them (the same points), so the
        choice costs no integrand evaluation.  The spread over the scrambles stands for
        the standard error; the costs are :data:`CONTROL_COST`.

        ``enough`` is a spread at which the first points already meet the target: when the
        fourth order wins but the third order's spread is at most that, the third order is
        kept (``T_4`` is then never computed).

        ``alone`` (per-scramble means of the target integrand by itself at the same
        thresholds and points, shape (REPLICATES, M)) adds the choice "alone": no control
        at all (correlations far from any product form, where every expansion around one
        varies more than the integrand itself).  ``spreads_out`` receives the spread of
        every candidate.

        Returns
        -------
        str
            "fourth", "third", "second", "plain" (the difference from the base without
            control) or "alone".
        """
        spreads = {"plain": np.max(np.std(stats[:, 0, :] / points - t1 - t2 + known, axis=0))}
        if mode == "fourth" and t3 is not None and t4 is not None:
            fourth = taylor_estimates_n(stats, points, [t1, t2, t3, t4])
            spreads["fourth"] = np.max(np.std(fourth, axis=0))
        second = self.stats_subset(stats, mode, "second")
        spreads["second"] = np.max(np.std(taylor_estimates(second, points, t1, t2), axis=0))
        if mode in ("third", "fourth") and t3 is not None:
            third = taylor_estimates3(self.stats_subset(stats, mode, "third"), points, (t1, t2, t3))
            spreads["third"] = np.max(np.std(third, axis=0))
        if alone is not None:
            spreads["alone"] = np.max(np.std(alone, axis=0))
        if spreads_out is not None:
            spreads_out.update({m: float(v) for m, v in spreads.items()})
        best = min(spreads, key=lambda m: float(spreads[m]) ** 2 * CONTROL_COST[m])
        if best == "fourth" and float(spreads.get("third", np.inf)) <= enough:
            return "third"  # these points already suffice without T_4 (its cost)
        return best

    #: The third-order statistics (:data:`_N_STATS_3`) within the fourth-order ones (20:
    #: ``z_0..z_4``, then ``z_p z_q`` for ``p <= q`` row by row).
    THIRD_OF_FOURTH = (0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 14, 15, 17)

    @classmethod
    def stats_subset(cls, stats: np.ndarray, mode: str, to: str) -> np.ndarray:
        """Return the statistics of control ``to`` within those of ``mode`` (same points)."""
        if to == mode:
            return stats
        if mode == "fourth":
            stats = stats[:, list(cls.THIRD_OF_FOURTH), :]
            mode = "third"
        if to == "third" or mode == to:
            return stats
        return stats[:, list(cls.SECOND_OF_THIRD), :]

    @property
    def n_stats(self) -> int:
        """Statistics per threshold summed by :meth:`replicate_sums` (8, or 14 with ``d3``)."""
        if self.path4 is not None:
            return _N_STATS_4
        return _N_STATS if self.d3 is None else _N_STATS_3

    def estimates(
        self,
        stats: np.ndarray,
        points: int | np.ndarray,
        t1: np.ndarray,
        t2: np.ndarray,
        t3: np.ndarray | None = None,
        t4: np.ndarray | None = None,
    ) -> np.ndarray:
        """Per-scramble estimates of ``G - G_s`` (:func:`taylor_estimates` or its third order)."""
        if self.path4 is not None:
            if t3 is None or t4 is None:
                raise ValueError("the fourth-order control needs T_3 and T_4")
            return taylor_estimates_n(stats, points, [t1, t2, t3, t4])
        if self.d3 is None:
            return taylor_estimates(stats, points, t1, t2)
        if t3 is None:
            raise ValueError("the third-order control needs T_3")
        return taylor_estimates3(stats, points, (t1, t2, t3))

    def term4(self, r: np.ndarray) -> np.ndarray:
        """``T_4`` at thresholds ``r`` (:func:`yieldtrial.stats._mvt_terms.taylor_term`)."""
        from yieldtrial.stats._mvt_terms import taylor_term

        return taylor_term(
            4, np.asarray(r, dtype=float), self.lam, self.corr, self.nodes, self.weights,
            two_sided=self.two_sided,
        )  # fmt: skip

    def expansion(self, r: np.ndarray, third: bool | float = False) -> tuple[np.ndarray, ...]:
        """:func:`product_form_expansion` at thresholds ``r``.

        ``T_3`` is left at zero for more than :data:`THIRD_ORDER_MAX_K` statistics (its cost
        grows as ``k^3`` per node and threshold, its memory as ``k^2``).
        """
        if self.corr.shape[0] > THIRD_ORDER_MAX_K:
            third = False
        return product_form_expansion(
            r, self.lam, self.corr, self.nodes, self.weights, two_sided=self.two_sided,
            third=third,
        )  # fmt: skip


#: Points per scramble from which the fourth-order control's sums run in single precision
#: (:func:`yieldtrial.stats._mvt_series.taylor_sums4` with ``single``; the curve then adds
#: :data:`yieldtrial.stats._mvt_sov.SINGLE_PRECISION_BIAS` to its stated error).  Most
#: structured designs' curves stop at 64 or 96 points and keep double precision bit for bit;
#: those that take 384 or 512 (an alpha design with blocks of 3 and a strong block effect, a
#: 2-replicate row-column design) and correlations far from the product form (the seed-7
#: random layout: 3,072) take the rest of their points at about half the cost.  Stop 37,
#: from 128 instead of 512 points: those three designs 0.148 / 0.154 / 0.181 -> 0.131 /
#: 0.136 / 0.149 s, seed 7 0.512 -> 0.460 s (CPU, the same points and nodes; stated errors
#: 1e-6 larger, p-values within 1.6e-8).
SINGLE_FROM_POINTS = 128

#: Most statistics (comparisons) for which the third-order term ``T_3`` is computed: its
#: ``tr((VD)^3)`` costs ``k^3`` per quadrature node and threshold and ``k^2`` memory (199
#: comparisons: 10 s and 1.5 GB; 999 comparisons did not fit in 24 GB).  Larger families
#: use the second-order control and score.
THIRD_ORDER_MAX_K = 60

#: Most statistics for which the fourth-order control is offered (``T_4`` costs ``k^3``
#: per quadrature node and threshold for its cyclic terms).
FOURTH_ORDER_MAX_K = 30

#: Statistics summed over points: y, c1, c2, c1^2, c2^2, c1 c2, y c1, y c2.
_N_STATS = 8

#: With the third-order control: the sums of (y, c1, c2, c3) and of their 10 products.
_N_STATS_3 = 14

#: With the fourth-order control: the sums of (y, c1..c4) and of their 15 products.
_N_STATS_4 = 20

#: Relative cost per point of the integrands: the plain difference, the second-, third- and
#: fourth-order Taylor controls (61, 100, 122 and about 150 ns per point, threshold and
#: dimension on 20 comparisons, one core; the fourth order measured as 1.2 times the third).
CONTROL_COST = {"alone": 0.04, "plain": 1.0, "second": 1.6, "third": 2.0, "fourth": 2.4}


#: Rows of the Cholesky recursion per block in :func:`taylor_sums`: the conditional means of
#: a block's rows take the rows before the block in one matrix product each (read once per
#: block, not once per row: 499 comparisons, 8 thresholds, 2,048 points: 5.9 s -> 2.3 s CPU,
#: 32 rows 2.2 s, 128 rows 3.1 s); the first block (families of up to this many
#: comparisons) is summed row by row as before, bit for bit.
TAYLOR_ROW_BLOCK = 64


def _rows_ahead(
    chol: np.ndarray,
    d1: np.ndarray,
    d2: np.ndarray,
    j0: int,
    yt_f: np.ndarray,
    yb_f: np.ndarray,
    y1_f: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Return the products of :func:`taylor_sums` of a block's rows with the rows before it.

    For rows ``j0..j0 + TAYLOR_ROW_BLOCK``: ``chol @ yt``, ``d1 @ yb``, ``d2 @ yb`` and
    ``d1 @ y1`` over rows ``:j0`` (each of shape (B, m n)).
    """
    hi = min(j0 + TAYLOR_ROW_BLOCK, chol.shape[0])
    both = np.vstack((d1[j0:hi, :j0], d2[j0:hi, :j0])) @ yb_f[:j0]
    b = hi - j0
    return (chol[j0:hi, :j0] @ yt_f[:j0], both[:b], both[b:], d1[j0:hi, :j0] @ y1_f[:j0])


def taylor_sums(r: np.ndarray, box: TaylorBox, w: np.ndarray, groups: int = 1) -> np.ndarray:
    """Sum the control statistics over the points ``w`` (d - 1, n): shape (groups, 8, M).

    ``y = f(target) - f(base)``, ``c1 = f'``, ``c2 = f'' / 2`` (derivatives of the base
    integrand along the Cholesky path), then their squares and cross products; summed
    over each of ``groups`` equal consecutive runs of points (the scrambles).

    Each step of the recursion carries, for the base, the conditional mean ``s`` and its
    derivatives (``s = lam_i * running sum``: the product form's factor is semiseparable;
    the tangents ``d1, d2`` are dense), the standardized limits ``a = (b r - s) / L_ii``
    with ``a' = -(s' + a L'_ii) / L_ii`` and ``a'' = -(s'' + 2 a' L'_ii + a L''_ii) /
    L_ii``, the probabilities ``Phi(a)`` with ``phi(a) a'`` and ``phi(a) (a'' - a a'^2)``,
    and the quantile ``y = Phi^-1(v)`` with ``y' = v' / phi(y)`` and
    ``y'' = v'' / phi(y) + y y'^2``.
    """
    from scipy.special import ndtr, ndtri

    chol, base = box.chol, box.base_chol
    d1, d2 = box.d1, box.d2
    lam = box.factor
    d = chol.shape[0]
    m, n = r.size, w.shape[1]
    shape = (m, n)
    rr = np.broadcast_to(r[:, None], shape)
    g = np.linalg.solve(np.tril(base), lam)
    limits = [(k, bound) for k, bound in ((0, box.box_lo), (1, box.box_hi))]
    yt = np.empty((d, m, n))  # target quantiles
    yb = np.empty((d, m, n))  # base quantiles and their t-derivatives
    y1 = np.empty((d, m, n))
    y2 = np.empty((d, m, n))
    flat = (d, m * n)
    yt_f, yb_f, y1_f, y2_f = (a.reshape(flat) for a in (yt, yb, y1, y2))
    ft = np.ones(shape)
    f0 = np.ones(shape)
    f1 = np.zeros(shape)
    f2 = np.zeros(shape)
    run0, run1, run2 = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    s0, s1, s2 = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    st = np.zeros(shape)
    # per limit (lower, upper): probability and its two derivatives; scratch arrays
    p0 = [np.empty(shape), np.empty(shape)]
    p1 = [np.empty(shape), np.empty(shape)]
    p2 = [np.empty(shape), np.empty(shape)]
    pt = [np.empty(shape), np.empty(shape)]
    a, a1, a2, dens, tmp = (np.empty(shape) for _ in range(5))
    st_f, s1_f, s2_f, tmp_f = (x.reshape(m * n) for x in (st, s1, s2, tmp))
    for i in range(d):
        if i:
            j0 = i - i % TAYLOR_ROW_BLOCK  # first row of i's block
            if i == j0:  # the rows before the block, for all its rows: one product each
                ahead = _rows_ahead(chol, d1, d2, j0, yt_f, yb_f, y1_f)
            np.dot(chol[i, j0:i], yt_f[j0:i], out=st_f)
            run0 += g[i - 1] * yb[i - 1]
            run1 += g[i - 1] * y1[i - 1]
            run2 += g[i - 1] * y2[i - 1]
            np.multiply(run0, lam[i], out=s0)
            np.dot(d1[i, j0:i], yb_f[j0:i], out=s1_f)
            np.dot(d2[i, j0:i], yb_f[j0:i], out=s2_f)
            np.dot(d1[i, j0:i], y1_f[j0:i], out=tmp_f)
            if j0:
                st_f += ahead[0][i - j0]
                s1_f += ahead[1][i - j0]
                s2_f += ahead[2][i - j0]
                tmp_f += ahead[3][i - j0]
            s1 += lam[i] * run1
            tmp *= 2.0
            s2 += tmp
            s2 += lam[i] * run2
        c, c1, c2, ct = base[i, i], d1[i, i], d2[i, i], chol[i, i]
        for k, bound in limits:
            if not np.isfinite(bound[i]):
                pt[k].fill(float(k))  # lower: 0, upper: 1
                p0[k].fill(float(k))
                p1[k].fill(0.0)
                p2[k].fill(0.0)
                continue
            # target
            np.multiply(rr, bound[i], out=a)
            np.subtract(a, st, out=pt[k])
            pt[k] *= 1.0 / ct
            ndtr(pt[k], out=pt[k])
            # base and its derivatives
            a -= s0
            a *= 1.0 / c
            np.multiply(a, c1, out=a1)
            a1 += s1
            a1 *= -1.0 / c
            np.multiply(a1, 2.0 * c1, out=a2)
            a2 += s2
            np.multiply(a, c2, out=tmp)
            a2 += tmp
            a2 *= -1.0 / c
            np.multiply(a, a, out=dens)
            dens *= -0.5
            np.exp(dens, out=dens)
            dens *= 1.0 / _SQRT_2PI
            ndtr(a, out=p0[k])
            np.multiply(dens, a1, out=p1[k])
            np.multiply(a1, a1, out=tmp)
            tmp *= a
            np.subtract(a2, tmp, out=p2[k])
            p2[k] *= dens
        # target width (into pt[1]) and product
        np.subtract(pt[1], pt[0], out=pt[1])
        np.clip(pt[1], 0.0, 1.0, out=pt[1])
        ft *= pt[1]
        # base widths e0, e1, e2 (into the upper-limit arrays)
        np.subtract(p0[1], p0[0], out=p0[1])
        np.clip(p0[1], 0.0, 1.0, out=p0[1])
        p1[1] -= p1[0]
        p2[1] -= p2[0]
        e0, e1, e2 = p0[1], p1[1], p2[1]
        # (f e)'' = f'' e + 2 f' e' + f e'';  (f e)' = f' e + f e'
        f2 *= e0
        np.multiply(f1, e1, out=tmp)
        tmp *= 2.0
        f2 += tmp
        np.multiply(f0, e2, out=tmp)
        f2 += tmp
        f1 *= e0
        np.multiply(f0, e1, out=tmp)
        f1 += tmp
        f0 *= e0
        if i < d - 1:
            wi = w[i]
            # target quantile
            pt[1] *= wi
            pt[1] += pt[0]
            np.clip(pt[1], 1e-300, 1.0 - 1e-16, out=pt[1])
            ndtri(pt[1], out=yt[i])
            # base quantile and derivatives: v = a0 + w e0 (etc.)
            e0 *= wi
            e0 += p0[0]
            np.clip(e0, 1e-300, 1.0 - 1e-16, out=e0)
            q = yb[i]
            ndtri(e0, out=q)
            np.multiply(q, q, out=dens)
            dens *= -0.5
            np.exp(dens, out=dens)
            dens *= 1.0 / _SQRT_2PI
            np.maximum(dens, 1e-300, out=dens)
            e1 *= wi
            e1 += p1[0]
            np.divide(e1, dens, out=y1[i])
            e2 *= wi
            e2 += p2[0]
            np.divide(e2, dens, out=y2[i])
            np.multiply(y1[i], y1[i], out=tmp)
            tmp *= q
            y2[i] += tmp
    y = ft - f0
    c1v = f1
    c2v = 0.5 * f2
    bad = ~(np.isfinite(c1v) & np.isfinite(c2v))
    if np.any(bad):  # a quantile at the clip (probability ~1e-300): no control there
        c1v = np.where(bad, 0.0, c1v)
        c2v = np.where(bad, 0.0, c2v)
    out = np.empty((groups, _N_STATS, m))
    for j, arr in enumerate((y, c1v, c2v, c1v * c1v, c2v * c2v, c1v * c2v, y * c1v, y * c2v)):
        out[:, j, :] = arr.reshape(m, groups, n // groups).sum(axis=2).T
    return out


def taylor_estimates(
    sums: np.ndarray, points: int | np.ndarray, t1: np.ndarray, t2: np.ndarray
) -> np.ndarray:
    """Per-scramble estimates of ``G - G_s`` at the nodes from the summed statistics.

    Parameters
    ----------
    sums : ndarray, shape (R, 8, M)
        :func:`taylor_sums` of each scramble's points.
    points : int or ndarray, shape (M,)
        Points per scramble (at every threshold, or at each).
    t1, t2 : ndarray, shape (M,)
        Exact means of the two controls (:func:`product_form_expansion`).

    Returns
    -------
    ndarray, shape (R, M)
    """
    total = sums.sum(axis=0)
    count = np.asarray(points, dtype=float) * sums.shape[0]  # points: one count or per node
    mean = total[:3] / count
    s11 = total[3] / count - mean[1] ** 2
    s22 = total[4] / count - mean[2] ** 2
    s12 = total[5] / count - mean[1] * mean[2]
    sy1 = total[6] / count - mean[0] * mean[1]
    sy2 = total[7] / count - mean[0] * mean[2]
    beta = np.zeros((2, t1.size))
    for j in range(t1.size):
        a = np.array([[s11[j], s12[j]], [s12[j], s22[j]]])
        rhs = np.array([sy1[j], sy2[j]])
        scale = max(float(np.trace(a)), 1e-300)
        if scale > 1e-280:
            beta[:, j] = np.linalg.lstsq(a / scale, rhs / scale, rcond=1e-10)[0]
    per = sums[:, :3, :] / points  # (R, 3, M)
    return per[:, 0] - t1 - t2 - beta[0] * (per[:, 1] - t1) - beta[1] * (per[:, 2] - t2)


#: ``T_3`` enters the normal score only when some ``|T_2|`` exceeds this (else it is far
#: below the interpolation bound).
_THIRD_ORDER_FROM = 1e-5

#: Points per scramble tried in turn with the Taylor control (it needs far fewer).
TAYLOR_POINT_COUNTS: tuple[int, ...] = (64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384)

#: Work cap of a large family: points per scramble times ``k^2`` (the integrand's cost per
#: point) at most what 60 comparisons pay at the largest count.  A 242-comparison augmented
#: family (entries and checks against one check: not of product or bifactor form) took 6
#: minutes to reach 1e-4; capped at 512 points it states its error (1.5e-3 at 256 points,
#: 6.8e-4 at 1,024) in seconds.  Families up to 60 comparisons are not capped.
TAYLOR_POINT_BUDGET = 60**2 * 16384

#: The cap never goes below this many points per scramble.
TAYLOR_MIN_POINTS = 256


def taylor_max_points(k: int) -> int:
    """Largest points per scramble for a family of ``k`` comparisons (:data:`TAYLOR_POINT_BUDGET`).

    Examples
    --------
    >>> taylor_max_points(20), taylor_max_points(60), taylor_max_points(242)
    (16384, 16384, 1007)
    """
    return int(max(TAYLOR_MIN_POINTS, min(TAYLOR_POINT_COUNTS[-1], TAYLOR_POINT_BUDGET // k**2)))


#: Points per scramble tried in turn along a pilot score of the target (correlations far
#: from every product form: generic sample correlations, several random factors): twice
#: and four times the Taylor cap, since there the spread falls slowly (``N^-0.3`` to
#: ``N^-0.8`` from 16,384 points on sample correlations of 20 variables from 22 to 30
#: observations, stop 37) and 16,384 left stated errors of 1.1e-4 to 5.2e-4.  A curve only
#: goes on past 16,384 while its stated error misses the target.
FAR_POINT_COUNTS: tuple[int, ...] = TAYLOR_POINT_COUNTS + (32768, 65536)

#: Work cap of those curves: points per scramble times ``k^2`` at most what 20
#: comparisons pay at the largest count (never below :func:`taylor_max_points`).
FAR_POINT_BUDGET = 20**2 * 65536


def far_max_points(k: int) -> int:
    """Largest points per scramble along a pilot score for ``k`` comparisons.

    Examples
    --------
    >>> far_max_points(20), far_max_points(30), far_max_points(60), far_max_points(242)
    (65536, 29127, 16384, 1007)
    """
    return int(max(taylor_max_points(k), min(FAR_POINT_COUNTS[-1], FAR_POINT_BUDGET // k**2)))


def _factor_rule(lam_max: float, min_width: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    """Composite 8-point Gauss-Legendre rule for ``E`` over the common factor on [-9, 9].

    Panels as narrow as the steepest conditional probability (``sqrt(1 - lam^2) / lam``,
    as for the exact product-form integral), but at least ``min_width`` wide; the expansion
    terms are smooth in the factor, so 8 points per panel give them to about 1e-10
    relative.  :data:`COARSE_WIDTH` for the score table only (see
    :func:`dunnett_taylor_curve`).
    """
    scale = np.sqrt(max(1.0 - lam_max**2, 1e-12)) / max(lam_max, 1e-12)
    width = min(2.0, max(2.0 * scale, min_width))
    panels = int(np.ceil(18.0 / width))
    x, w = np.polynomial.legendre.leggauss(8)
    edges = np.linspace(-9.0, 9.0, panels + 1)
    half = np.diff(edges) / 2.0
    mid = (edges[:-1] + edges[1:]) / 2.0
    nodes = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    weights = (half[:, None] * w[None, :]).ravel() * np.exp(-0.5 * nodes**2) / _SQRT_2PI
    return nodes, weights


def _product_form_exceedance(
    r: np.ndarray, lam: np.ndarray, nodes: np.ndarray, weights: np.ndarray, two_sided: bool
) -> np.ndarray:
    """``1 - G_1(r)`` of the product form ``lam`` by the rule ``nodes, weights`` (Dunnett 1955)."""
    from scipy.special import log_ndtr, ndtr

    sd = np.sqrt(1.0 - lam**2)
    shift = np.outer(nodes, lam)[None, :, :]
    rr = np.asarray(r, dtype=float)[:, None, None]
    with np.errstate(divide="ignore"):
        if two_sided:
            outside = ndtr((shift - rr) / sd) + ndtr((-rr - shift) / sd)
            log_inside = np.sum(np.log1p(-np.clip(outside, 0.0, 1.0)), axis=2)
        else:
            log_inside = np.sum(log_ndtr((rr - shift) / sd), axis=2)
    # normalised (the weights sum to 1 only to rounding: see _mvt_factor)
    return np.asarray(np.clip(-np.expm1(log_inside) @ weights / weights.sum(), 0.0, 1.0))


#: Thresholds at which the terms of the score curve are computed (then splined in ``log r``).
_TERM_POINTS = 33

#: Narrowest panel of the factor rule that tabulates the score curve (``1 - G_1`` and the
#: terms on the table of thresholds; as ``stats._mvt_factor.COARSE_WIDTH`` for the bifactor
#: base).  The fine rule still gives the exact terms at the nodes and at the score check
#: midway between them, which adds what the coarse table leaves to the stated error.  Only
#: a product form with a loading above 0.989 has narrower panels: a sample correlation of
#: 20 variables from 30 observations has 0.999 (the clipped value), and its fine rule's
#: 1,616 nodes made the table cost about 0.8 s.
COARSE_WIDTH = 0.3


def _smooth_terms(box: TaylorBox, r: np.ndarray, exceed1: np.ndarray) -> np.ndarray:
    """``T_1 + T_2 (+ T_3)`` at the increasing thresholds ``r``, from at most 33 of them.

    The terms only shape the normal score along which the rest is interpolated (the exact
    ``G_s`` at the nodes corrects the score there, :func:`~yieldtrial.stats._mvt_sov.
    max_t_curve`), so a cubic spline through a subset serves: of the terms relative to
    ``G_1 (1 - G_1)`` (``exceed1 = 1 - G_1``; both vanish together at either end), in
    ``log r`` when two-sided.  ``T_3`` is added when some ``|T_2|`` exceeds
    :data:`_THIRD_ORDER_FROM`.
    """
    from scipy.special import ndtri

    from yieldtrial.stats._mvt_sov import _spline_variable
    from yieldtrial.stats._spline import CubicSpline  # scipy.interpolate's, bit for bit

    if r.size <= _TERM_POINTS:
        return np.asarray(np.sum(box.expansion(r, third=_THIRD_ORDER_FROM), axis=0))
    # the subset evenly spaced in the normal score of G_1 (dense where the curve turns)
    score = -ndtri(np.clip(exceed1, 1e-300, 1.0 - 1e-16))
    targets = np.linspace(score[0], score[-1], _TERM_POINTS)
    pick = np.unique(np.concatenate([[0, r.size - 1], np.searchsorted(score, targets)]))
    pick = pick[pick < r.size]
    scale = exceed1 * (1.0 - exceed1)
    sub = np.sum(box.expansion(r[pick], third=_THIRD_ORDER_FROM), axis=0) / scale[pick]
    v = _spline_variable(r, box.two_sided)
    return np.asarray(CubicSpline(v[pick], sub)(v)) * scale


def dunnett_taylor_curve(
    corr: np.ndarray,
    lam: np.ndarray,
    exact_exceedances: Any,
    *,
    two_sided: bool,
    give_up: type[Exception] | None = None,
    pilot: Any = None,
    df: float = np.inf,
    chi_rule: tuple[np.ndarray, np.ndarray] | None = None,
) -> Any:
    """Build the normal curve of ``max X_i`` (or ``|X_i|``), X ~ N(0, corr), Taylor-controlled.

    Parameters
    ----------
    corr : ndarray, shape (k, k)
        The correlation of the statistics (not of product form).
    lam : ndarray, shape (k,)
        The product form to expand around (``nearest_product_form(corr)``).
    exact_exceedances : callable
        ``r -> 1 - G_1(r)``, the product form's exact normal exceedances.
    two_sided : bool
        ``max |X_i|`` (True) or ``max X_i``.
    give_up : exception class, optional
        Raised when the product form is no guide (see
        :func:`~yieldtrial.stats._mvt_sov.max_t_curve`).
    pilot : callable, optional
        ``(Region, r_grid) -> (r, exceedance)``: the normal score from a pilot of the
        target (:func:`yieldtrial.stats._mvt_pilot.pilot_score`) instead of the
        expansion's own curve; the Taylor control still carries the variance.
    df, chi_rule : float, (ndarray, ndarray), optional
        The df at which the stated error is brought within the target, and its chi rule
        (:func:`~yieldtrial.stats._mvt_sov.max_t_curve`; default: a known variance).

    Returns
    -------
    yieldtrial.stats._mvt_sov.MaxTCurve
        Carrying ``chi_rule``; attach another chi rule for other df.
    """
    from yieldtrial.stats._mvt_sov import (
        MANY_NODES_FROM_DISTANCE,
        NODE_COUNTS,
        Region,
        dunnett_box,
        max_t_curve,
        product_form_distance,
    )

    r = np.asarray(corr, dtype=float)
    k = r.shape[0]
    rule = chi_rule or (np.ones(1), np.ones(1))
    control = np.outer(lam, lam)
    np.fill_diagonal(control, 1.0)
    chol, order, box_lo, box_hi, r_grid = dunnett_box(r, two_sided)
    ctrl = control[np.ix_(order, order)] + 1e-14 * np.eye(k)
    third = k <= THIRD_ORDER_MAX_K  # beyond, T_3 costs too much: second order
    path = cholesky_path(ctrl, r[np.ix_(order, order)] + 1e-14 * np.eye(k), third=third)
    d1, d2 = path[0], path[1]
    d3 = path[2] if third else None
    path4 = None
    if k <= FOURTH_ORDER_MAX_K:
        from yieldtrial.stats._mvt_series import cholesky_path_series

        target = r[np.ix_(order, order)] + 1e-14 * np.eye(k)
        path4 = tuple(cholesky_path_series(ctrl, target, 4))
    lam_max = float(np.max(np.abs(lam)))
    nodes, weights = _factor_rule(lam_max)
    box = TaylorBox(
        chol, np.linalg.cholesky(ctrl), lam[order], d1, d2, box_lo, box_hi,
        np.asarray(lam, dtype=float), r, nodes, weights, bool(two_sided), exact_exceedances,
        d3, path4,
    )  # fmt: skip
    if pilot is not None:  # the score from a pilot of the target (the terms not needed)
        r_grid, exceed_s = pilot(Region(chol, box_lo, box_hi), r_grid)
        return max_t_curve(
            box, r_grid, exceed_s, df, rule, two_sided=two_sided,
            point_counts=FAR_POINT_COUNTS, max_points=far_max_points(k), give_up=give_up,
            score_is_control=False,
        )  # fmt: skip
    # the score curve G_s = G_1 + T_1 + T_2, the terms where G_1 is not within 1e-13 of 0
    # or 1 (beyond, they are smaller still; the spline's own error is corrected at the
    # nodes, see max_t_curve)
    # (on the grid the factor rule's G_1 serves: its error, about 1e-7, is smooth and the
    # exact value enters at the nodes)
    # (the table by the coarse rule, the same as the fine one unless a loading is above
    # 0.989: with the clipped loading 0.999 of a sample correlation of 20 variables from 30
    # observations its 1 - G_1 is within 4.8e-8 of the fine rule's on the 108 thresholds)
    coarse_nodes, coarse_weights = _factor_rule(lam_max, COARSE_WIDTH)
    table_box = box
    if coarse_nodes.size < nodes.size:
        table_box = replace(box, nodes=coarse_nodes, weights=coarse_weights)
    exceed1 = _product_form_exceedance(r_grid, lam, table_box.nodes, table_box.weights, two_sided)
    mid = np.flatnonzero((exceed1 > 1e-13) & (exceed1 < 1.0 - 1e-13))
    terms = np.zeros(r_grid.size)
    if mid.size:  # T_3 only when T_2 is not negligible
        terms[mid] = _smooth_terms(table_box, r_grid[mid], exceed1[mid])
    exceed_s = np.clip(exceed1 - terms, 0.0, 1.0)
    exceed_s = np.minimum.accumulate(exceed_s)  # a curve: non-increasing in r
    # far enough from the product form that 8 nodes fall short: 16 at once (stop 53)
    far = product_form_distance(r, lam) > MANY_NODES_FROM_DISTANCE
    return max_t_curve(
        box, r_grid, exceed_s, df, rule, two_sided=two_sided,
        point_counts=TAYLOR_POINT_COUNTS, max_points=taylor_max_points(k), give_up=give_up,
        first_nodes=16 if far else NODE_COUNTS[0],
    )  # fmt: skip


def taylor_sums3(r: np.ndarray, box: TaylorBox, w: np.ndarray, groups: int = 1) -> np.ndarray:
    """Third-order :func:`taylor_sums`: shape (groups, 14, M).

    The controls are the Taylor coefficients ``c_n = f^(n) / n!`` (n = 1, 2, 3) of the
    base integrand along the Cholesky path, carried through the recursion as truncated
    power series in ``t`` (coefficients, not derivatives): the conditional means
    ``s_n = sum_{a+b=n} B_a y_b`` (``B_0`` the base factor, semiseparable; ``B_a`` the
    path's coefficients, :attr:`TaylorBox.d1` etc.), the standardized limits by series
    division, ``Phi`` of a series
    (``P_1 = phi a_1``, ``P_2 = phi (a_2 - a_0 a_1^2 / 2)``,
    ``P_3 = phi (a_3 - a_0 a_1 a_2 + (a_0^2 - 1) a_1^3 / 6)``), the product by Cauchy
    products, and the quantile ``y = Phi^-1(v)`` with ``psi = 1 / phi(y_0)``:
    ``y_1 = psi v_1``, ``y_2 = psi v_2 + y_0 y_1^2 / 2``,
    ``y_3 = psi v_3 + y_0 y_1 psi v_2 + (1 + 2 y_0^2) y_1^3 / 6``.

    The statistics are the sums of ``z = (y, c_1, c_2, c_3)`` (4) and of the products
    ``z_i z_j``, ``i <= j`` (10, row by row).
    """
    from scipy.special import ndtr, ndtri

    if box.d3 is None:
        raise ValueError("taylor_sums3 needs the third coefficient of the Cholesky path")
    chol, base = box.chol, box.base_chol
    path = (box.d1, 0.5 * box.d2, box.d3 / 6.0)  # Taylor coefficients B_1, B_2, B_3
    stacked = np.stack(path)  # (3, d, d)
    lam = box.factor
    d = chol.shape[0]
    m, n = r.size, w.shape[1]
    shape = (m, n)
    rr = np.broadcast_to(r[:, None], shape)
    g = np.linalg.solve(np.tril(base), lam)
    yt = np.empty((d, m, n))
    yb = np.empty((4, d, m, n))
    flat_t = yt.reshape(d, m * n)
    flat_b = yb.reshape(4, d, m * n)
    ft = np.ones(shape)
    f = [np.ones(shape), np.zeros(shape), np.zeros(shape), np.zeros(shape)]
    run = [np.zeros(shape) for _ in range(4)]
    s = [np.zeros(shape) for _ in range(4)]
    st = np.zeros(shape)
    prob = [[np.empty(shape) for _ in range(4)] for _ in range(2)]  # [limit][order]
    pt = [np.empty(shape), np.empty(shape)]
    a = [np.empty(shape) for _ in range(4)]
    dens, tmp, tmp2 = (np.empty(shape) for _ in range(3))
    prods = np.empty((3, m * n))
    limits = ((0, box.box_lo), (1, box.box_hi))
    for i in range(d):
        if i:
            np.dot(chol[i, :i], flat_t[:i], out=st.reshape(m * n))
            for q in range(4):
                run[q] += g[i - 1] * yb[q, i - 1]
                np.multiply(run[q], lam[i], out=s[q])
            # s_n += sum_{a=1..n} B_a y_{n-a}: one product per y order (rows B_1..B_{3-q})
            for q in range(3):
                np.dot(stacked[: 3 - q, i, :i], flat_b[q, :i], out=prods[: 3 - q])
                for a_ in range(3 - q):
                    s[q + a_ + 1] += prods[a_].reshape(shape)
        c0 = base[i, i]
        c1, c2, c3 = path[0][i, i], path[1][i, i], path[2][i, i]
        ct = chol[i, i]
        for k, bound in limits:
            p = prob[k]
            if not np.isfinite(bound[i]):
                pt[k].fill(float(k))
                p[0].fill(float(k))
                for q in (1, 2, 3):
                    p[q].fill(0.0)
                continue
            np.multiply(rr, bound[i], out=a[0])
            np.subtract(a[0], st, out=pt[k])
            pt[k] *= 1.0 / ct
            ndtr(pt[k], out=pt[k])
            # limit series a = (bound r - s) / c by series division
            a[0] -= s[0]
            a[0] *= 1.0 / c0
            np.multiply(a[0], c1, out=a[1])
            a[1] += s[1]
            a[1] *= -1.0 / c0
            np.multiply(a[0], c2, out=a[2])
            a[2] += s[2]
            np.multiply(a[1], c1, out=tmp)
            a[2] += tmp
            a[2] *= -1.0 / c0
            np.multiply(a[0], c3, out=a[3])
            a[3] += s[3]
            np.multiply(a[1], c2, out=tmp)
            a[3] += tmp
            np.multiply(a[2], c1, out=tmp)
            a[3] += tmp
            a[3] *= -1.0 / c0
            # Phi of the series
            np.multiply(a[0], a[0], out=dens)
            dens *= -0.5
            np.exp(dens, out=dens)
            dens *= 1.0 / _SQRT_2PI
            ndtr(a[0], out=p[0])
            np.multiply(dens, a[1], out=p[1])
            np.multiply(a[1], a[1], out=tmp)  # a1^2
            np.multiply(tmp, a[0], out=tmp2)
            tmp2 *= -0.5
            tmp2 += a[2]
            np.multiply(tmp2, dens, out=p[2])
            # P3 = phi (a3 - a0 a1 a2 + (a0^2 - 1) a1^3 / 6)
            tmp *= a[1]  # a1^3
            np.multiply(a[0], a[0], out=tmp2)
            tmp2 -= 1.0
            tmp *= tmp2
            tmp *= 1.0 / 6.0
            tmp += a[3]
            np.multiply(a[0], a[1], out=tmp2)
            tmp2 *= a[2]
            tmp -= tmp2
            np.multiply(tmp, dens, out=p[3])
        np.subtract(pt[1], pt[0], out=pt[1])
        np.clip(pt[1], 0.0, 1.0, out=pt[1])
        ft *= pt[1]
        lo, e = prob[0], prob[1]
        np.subtract(e[0], lo[0], out=e[0])
        np.clip(e[0], 0.0, 1.0, out=e[0])
        for q in (1, 2, 3):
            e[q] -= lo[q]
        # Cauchy product f <- f e, highest order first
        for order in (3, 2, 1):
            f[order] *= e[0]
            for step in range(1, order + 1):
                np.multiply(f[order - step], e[step], out=tmp)
                f[order] += tmp
        f[0] *= e[0]
        if i < d - 1:
            wi = w[i]
            pt[1] *= wi
            pt[1] += pt[0]
            np.clip(pt[1], 1e-300, 1.0 - 1e-16, out=pt[1])
            ndtri(pt[1], out=yt[i])
            # v = lo + w e (each order); y = Phi^-1(v) as a series
            e[0] *= wi
            e[0] += lo[0]
            np.clip(e[0], 1e-300, 1.0 - 1e-16, out=e[0])
            y0, y1, y2, y3 = yb[0, i], yb[1, i], yb[2, i], yb[3, i]
            ndtri(e[0], out=y0)
            np.multiply(y0, y0, out=dens)
            dens *= -0.5
            np.exp(dens, out=dens)
            dens *= 1.0 / _SQRT_2PI
            np.maximum(dens, 1e-300, out=dens)
            np.divide(1.0, dens, out=dens)  # psi
            for q in (1, 2, 3):
                e[q] *= wi
                e[q] += lo[q]
                e[q] *= dens  # psi v_q
            np.copyto(y1, e[1])
            np.multiply(y1, y1, out=tmp)
            tmp *= y0
            tmp *= 0.5
            np.add(e[2], tmp, out=y2)
            # y3 = psi v3 + y0 y1 psi v2 + (1 + 2 y0^2) y1^3 / 6
            np.multiply(y0, y0, out=tmp)
            tmp *= 2.0
            tmp += 1.0
            np.multiply(y1, y1, out=tmp2)
            tmp2 *= y1
            tmp *= tmp2
            tmp *= 1.0 / 6.0
            tmp += e[3]
            np.multiply(y0, y1, out=tmp2)
            tmp2 *= e[2]
            np.add(tmp, tmp2, out=y3)
    return sum_statistics([ft - f[0], f[1], f[2], f[3]], groups)


def taylor_estimates3(
    sums: np.ndarray, points: int | np.ndarray, terms: tuple[np.ndarray, ...]
) -> np.ndarray:
    """Per-scramble estimates of ``G - G_s`` from :func:`taylor_sums3` (three controls).

    ``terms`` are the exact means ``T_1, T_2, T_3`` of the controls; the coefficients are
    fitted by least squares over all points (as :func:`taylor_estimates`).
    """
    total = sums.sum(axis=0)
    count = np.asarray(points, dtype=float) * sums.shape[0]  # points: one count or per node
    mean = total[:4] / count
    pairs = [(p, q) for p in range(4) for q in range(p, 4)]
    second = {pq: total[4 + j] / count for j, pq in enumerate(pairs)}
    m = mean.shape[1]
    beta = np.zeros((3, m))
    for j in range(m):
        a = np.array([[second[(min(p, q), max(p, q))][j] - mean[p, j] * mean[q, j]
                       for q in (1, 2, 3)] for p in (1, 2, 3)])  # fmt: skip
        rhs = np.array([second[(0, p)][j] - mean[0, j] * mean[p, j] for p in (1, 2, 3)])
        scale = max(float(np.trace(a)), 1e-300)
        if scale > 1e-280:
            beta[:, j] = np.linalg.lstsq(a / scale, rhs / scale, rcond=1e-10)[0]
    per = sums[:, :4, :] / points
    est = per[:, 0] - terms[0] - terms[1]
    for q in range(3):
        est = est - beta[q] * (per[:, q + 1] - terms[q])
    return est
