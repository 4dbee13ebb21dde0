r"""Exact Dunnett curve for a correlation whose inverse is tridiagonal (a Gaussian Markov chain).

When the precision matrix (the inverse of the correlation) is tridiagonal in the given
order, ``Z_{j+1}`` given ``Z_1, ..., Z_j`` depends on ``Z_j`` alone:
``Z_{j+1} | Z_j ~ N(b_j Z_j, c_j^2)`` with ``b_j = R_{j,j+1}`` and
``c_j^2 = 1 - b_j^2``.  The box probability is then a chain of one-dimensional integrals,

.. math:: f_1(z) = \phi(z), \qquad
          f_{j+1}(z') = \int_{B} f_j(z)\, \phi\big((z' - b_j z)/c_j\big)/c_j \, dz, \qquad
          G(r) = \int_B f_p(z)\, dz,

with ``B = [-r, r]`` (two-sided) or ``[-8.5, r]`` (one-sided: below ``-8.5`` every
variable's mass is under ``1e-16``), whatever the number of comparisons.  AR(1) is the
classic case (``b_j = rho``); any non-stationary chain is one too.  Its correlations
were the slowest of ``benchmarks/bench_dunnett_general.py --far`` through the
separated-variables engine (0.33 s at rho 0.5, 1.6 s at 0.9; stop 34).

:func:`markov_fit` accepts the form when every element of the inverse beyond the first
off-diagonal is within :data:`BAND_TOL` of the inverse's largest element, every
conditional spread ``c_j`` is at least :data:`MIN_SPREAD` (sharper kernels need more
nodes) and the correlation is not within
:data:`~yieldtrial.stats._mvt_lowrank.NEAR_PRODUCT` of a product form (those keep the
Taylor control).  The order is found from the inverse's graph (:func:`chain_order`: a
path walked from one end); as the curve of ``max_i |T_i|`` does not depend on the order
of the variables, a chain given in any order takes this path.
:func:`markov_inside_outside` carries the density on Gauss-Legendre nodes of ``B``,
vectorised over the thresholds (two-sided, folded onto the positive nodes: every ``f_j``
is even).  The curve (:func:`markov_curve`) is tabulated, checked and stated as the
low-rank curve (:func:`~yieldtrial.stats._mvt_lowrank.tabulate_curve`): the rule of
:data:`_RULES` (its nodes chosen by the smallest spread, :data:`NODES_SPREAD`) checked
against twice its nodes where its error peaks, the spline of the normal score against the
rule at every midpoint (:data:`_INTERP_FACTOR` times; knots halved where it misses,
:data:`_REFINE`), the form's residual times the number of pairs, the two ends; a curve
stating more than the target is not used.  Two-sided AR(1) 0.95-0.99 (stop 35) needed
the halved knots: its normal score bends sharply near ``r = 0.5``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from yieldtrial.stats._mvt_lowrank import NEAR_PRODUCT, LowRankCurve, tabulate_curve

__all__ = [
    "BAND_TOL",
    "MIN_SPREAD",
    "Markov",
    "chain_order",
    "markov_curve",
    "markov_fit",
    "markov_inside_outside",
]

#: Largest element of the inverse beyond the first off-diagonal, relative to its largest
#: element (AR(1)'s inverse is tridiagonal to 1e-15 of it).
BAND_TOL = 1e-9

#: Smallest conditional spread ``c_j`` (``rho`` 0.99 has 0.141): at 0.24 (``rho`` 0.97)
#: 96 nodes are within 1e-9 of 256, 64 nodes 5e-4 off one-sided; sharper kernels take
#: more nodes (:data:`NODES_SPREAD`).
MIN_SPREAD = 0.14

#: The rule's nodes are the first of :data:`_RULES` at or above this over the smallest
#: spread.  AR(1) with 20 comparisons against 512 nodes, thresholds 0 to 6: one-sided,
#: 64 nodes 2e-7 off at rho 0.95 (spread 0.31), 3e-5 at 0.97 (0.24); 128 nodes 2e-10 at
#: 0.98 (0.20), 2e-6 at 0.99 (0.14), where 256 are 7e-14 off.  The check of the rule at
#: 7 thresholds in the bulk missed the 64-node rule's error near the table's end at 0.97
#: one-sided (3e-5 stated, 6e-5 off), hence the rule is chosen by the spread.
NODES_SPREAD = 25.0

#: Lower end of the one-sided box (the mass below, ``Phi(-8.5)``, is 1e-17 a variable).
_LOWER = 8.5

#: Rules tried in turn: Gauss-Legendre nodes on the box and those of the check.  AR(1)
#: with 20 comparisons, against 256 nodes, thresholds -3 to 5.2: 64 nodes 3e-14 off at
#: rho 0.5 and 0.9, 5e-4 at 0.97 one-sided (3e-7 two-sided); 96 nodes 1e-9 at 0.97.  48
#: nodes are 4e-8 off at 0.9 one-sided, but 1.5e-7 above 1 at the table's end (r = 6):
#: the normal score of such a ``G`` is no curve.
_RULES = ((64, 128), (128, 256), (256, 512))

#: Times the knots are halved where the spline misses (``tabulate_curve(refine=...)``):
#: two-sided AR(1) 0.95 to 0.99 has a normal score that bends sharply near ``r = 0.5``,
#: where the knots 0.2 apart missed by 1e-4 (0.95) to 2e-3 (0.99).
_REFINE = 4

#: Factor on the spline's largest miss at the midpoints in the stated error: on 1,200
#: thresholds the miss was up to 1.03 times that (AR(1) 0.5-0.99, two-sided, against 512
#: nodes; 1.01 at 0.5 and 0.9).
_INTERP_FACTOR = 1.25

#: Most nodes of the coarse rule that places the table and the checks (AR(1) 0.99: 128
#: nodes 1e-8 off two-sided, 2e-6 one-sided; 24 are 0.06 off at 0.9 one-sided, r = 3.6).
_ROUGH_NODES = 128

#: Threshold elements (thresholds times nodes squared) of one kernel block.
_BLOCK = 1 << 21


@dataclass(frozen=True)
class Markov:
    """A correlation of a Gaussian Markov chain of order 1 (tridiagonal inverse).

    Attributes
    ----------
    coef : ndarray, shape (p - 1,)
        ``b_j``: the regression of ``Z_{j+1}`` on ``Z_j`` (their correlation).
    spread : ndarray, shape (p - 1,)
        ``c_j = sqrt(1 - b_j^2)``: the conditional standard deviation.
    residual : float
        Largest off-diagonal difference between the correlation and the chain's.
    """

    coef: np.ndarray
    spread: np.ndarray
    residual: float


def chain_correlation(coef: np.ndarray) -> np.ndarray:
    """Return the correlation of the chain: ``R_ij = b_i b_{i+1} ... b_{j-1}``.

    Examples
    --------
    >>> chain_correlation(np.array([0.5, 0.5]))
    array([[1.  , 0.5 , 0.25],
           [0.5 , 1.  , 0.5 ],
           [0.25, 0.5 , 1.  ]])
    """
    p = coef.size + 1
    r = np.eye(p)
    for i in range(p):
        for j in range(i + 1, p):
            r[i, j] = r[j, i] = r[i, j - 1] * coef[j - 1]
    return r


def chain_order(prec: np.ndarray) -> np.ndarray | None:
    """Return the order in which ``prec`` is tridiagonal (or ``None``: its graph is no path).

    The graph joins ``i`` and ``j`` when ``|prec_ij|`` is above :data:`BAND_TOL` times the
    largest element.  A Gaussian Markov chain's graph is a path (or, when some ``b_j`` are
    0, paths: a linear forest, whose pieces are independent and chain with ``b = 0``); the
    order walks each path from its end of lower index, the paths by their lowest index.
    Any vertex of degree above 2, or a cycle, refuses; so does a ``prec`` with an element
    that is not finite (its graph would read as isolated vertices).

    Examples
    --------
    >>> lags = np.abs(np.subtract.outer(np.arange(5), np.arange(5)))
    >>> order = np.array([2, 0, 4, 1, 3])
    >>> chain_order(np.linalg.inv((0.6**lags)[np.ix_(order, order)])).tolist()
    [1, 3, 0, 4, 2]
    >>> chain_order(np.linalg.inv(np.full((4, 4), 0.3) + 0.7 * np.eye(4))) is None
    True
    """
    p = prec.shape[0]
    if p == 0 or not np.all(np.isfinite(prec)):
        return None
    edge = np.abs(prec) > BAND_TOL * float(np.max(np.abs(prec)))
    np.fill_diagonal(edge, False)
    degree = edge.sum(axis=1)
    if np.any(degree > 2):
        return None
    order: list[int] = []
    seen = np.zeros(p, dtype=bool)
    for start in range(p):  # every path starts at a vertex of degree 0 or 1
        if seen[start] or degree[start] > 1:
            continue
        prev, node = -1, start
        while node >= 0:
            order.append(node)
            seen[node] = True
            nxt = [j for j in np.flatnonzero(edge[node]) if j != prev]
            prev, node = node, (int(nxt[0]) if nxt else -1)
    if len(order) < p:  # the rest are cycles
        return None
    return np.array(order)


def markov_fit(corr: np.ndarray, lam: np.ndarray | None = None) -> Markov | None:
    """Return the Markov chain of ``corr`` in the order of :func:`chain_order` (or ``None``).

    Examples
    --------
    >>> lags = np.abs(np.subtract.outer(np.arange(6), np.arange(6)))
    >>> fit = markov_fit(0.7**lags)
    >>> fit.coef.round(12).tolist(), fit.residual < 1e-12
    ([0.7, 0.7, 0.7, 0.7, 0.7], True)
    """
    from yieldtrial.stats._mvt_sov import nearest_product_form

    r = np.asarray(corr, dtype=float)
    p = r.shape[0]
    if p < 3:
        return None
    lam = nearest_product_form(r) if lam is None else np.asarray(lam, dtype=float)
    off = ~np.eye(p, dtype=bool)
    if float(np.max(np.abs(r - np.outer(lam, lam))[off])) <= NEAR_PRODUCT:
        return None
    try:
        prec = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        return None
    order = chain_order(prec)
    if order is None:
        return None
    r = r[np.ix_(order, order)]
    coef = np.diag(r, 1).copy()
    if np.any(np.abs(coef) >= 1.0):
        return None
    spread = np.sqrt(1.0 - coef**2)
    if np.any(spread < MIN_SPREAD):
        return None
    residual = float(np.max(np.abs(r - chain_correlation(coef))))
    return Markov(coef, spread, residual)


def markov_inside_outside(
    r: np.ndarray, fit: Markov, two_sided: bool, nodes: int
) -> tuple[np.ndarray, np.ndarray]:
    """``G(r)`` and ``1 - G(r)`` by the forward recursion on ``nodes`` Gauss-Legendre nodes.

    Examples
    --------
    Six variables, AR(1) 0.6, two-sided box at 2 (scipy's multivariate normal, Genz's
    rule to 1e-12: 0.7977792):

    >>> lags = np.abs(np.subtract.outer(np.arange(6), np.arange(6)))
    >>> fit = markov_fit(0.6**lags)
    >>> round(float(markov_inside_outside(np.array([2.0]), fit, True, 64)[0][0]), 7)
    0.7977792
    """
    rr = np.atleast_1d(np.asarray(r, dtype=float))
    step = max(_BLOCK // nodes**2, 1)
    if rr.size > step:  # in blocks of thresholds: the kernel is thresholds x nodes^2
        parts = [markov_inside_outside(rr[i : i + step], fit, two_sided, nodes)
                 for i in range(0, rr.size, step)]  # fmt: skip
        return np.concatenate([a for a, _ in parts]), np.concatenate([b for _, b in parts])
    t, w = np.polynomial.legendre.leggauss(nodes)
    # two-sided (an even number of nodes): every f_j is even on the symmetric box, so the
    # rule folds onto its positive nodes, the kernel from z and from -z added (the same
    # sums, a quarter of the products)
    fold = two_sided and nodes % 2 == 0
    if fold:
        t, w = t[nodes // 2 :], w[nodes // 2 :]
    lo = -rr if two_sided else np.minimum(np.full(rr.shape, -_LOWER), rr)
    half = (rr - lo) / 2.0
    x = ((rr + lo) / 2.0)[:, None] + half[:, None] * t[None, :]  # (thresholds, nodes)
    wx = half[:, None] * w[None, :]
    norm = 1.0 / np.sqrt(2.0 * np.pi)
    f = np.exp(-0.5 * x**2) * norm
    kernel, last = np.empty(0), (np.nan, np.nan)
    for b, c in zip(fit.coef, fit.spread, strict=True):
        if (b, c) != last:  # a stationary chain: one kernel for every step
            z = (x[:, None, :] - b * x[:, :, None]) / c  # (thresholds, from, to)
            kernel = np.exp(-0.5 * z * z)
            if fold:
                z = (x[:, None, :] + b * x[:, :, None]) / c  # from -z
                kernel += np.exp(-0.5 * z * z)
            kernel *= norm / c
            last = (b, c)
        f = np.matmul((f * wx)[:, None, :], kernel)[:, 0, :]
    inside = np.sum(f * wx, axis=1) * (2.0 if fold else 1.0)
    inside = np.clip(inside, 0.0, 1.0)
    return inside, 1.0 - inside


def markov_curve(fit: Markov, *, two_sided: bool) -> LowRankCurve | None:
    """Tabulate the exact normal curve of the chain with its stated error (module notes).

    The rule starts at the first of :data:`_RULES` with :data:`NODES_SPREAD` over the
    smallest spread nodes (64 to rho 0.92, 128 to 0.98, 256 beyond) and moves to the
    next when the curve states more than the target: near ``G = 1`` a strong chain's
    exceedance is far below Boole's bound at the table's end, and a coarse rule's 1e-8
    there spoils the normal score (AR(1) 0.95 to 0.97 one-sided: stated 0.1 at 64 nodes,
    1.3e-8 at 128).  Knots are halved where the spline misses (:data:`_REFINE`).

    Returns
    -------
    LowRankCurve or None
        ``None`` when the stated error is above the target.
    """
    need = NODES_SPREAD / float(np.min(fit.spread))
    first = next((i for i, (n, _) in enumerate(_RULES) if n >= need), len(_RULES) - 1)
    for start in range(first, len(_RULES)):
        rules = _RULES[start:]
        curve = tabulate_curve(
            lambda r, nodes: markov_inside_outside(r, fit, two_sided, nodes),
            fit.coef.size + 1,
            two_sided=two_sided,
            rules=rules,
            rough_nodes=min(rules[0][0], _ROUGH_NODES),
            residual=fit.residual,
            method="exact-markov",
            refine=_REFINE,
            interp_factor=_INTERP_FACTOR,
        )
        if curve is not None:
            return curve
    return None
