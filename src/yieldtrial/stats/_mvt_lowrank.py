r"""Exact Dunnett curve for a correlation of low-rank factor form (2 or 3 common factors).

A correlation of the form ``C = D + A A'`` (``A`` of rank ``k``, ``D`` diagonal and
positive; unit diagonal) makes the statistics independent given the ``k`` common factors
``F ~ N(0, I_k)``:

.. math:: G(r) = P(|X_i| \le r\ \forall i) = E_F\Big[\prod_i
          \big(\Phi((r - a_i F)/d_i) - \Phi((-r - a_i F)/d_i)\big)\Big],
          \qquad d_i^2 = 1 - |a_i|^2,

(``X_i <= r``: ``Phi((r - a_i F)/d_i)``), a ``k``-dimensional integral whatever the number
of comparisons.  Dunnett's product form is ``k = 1`` (handled by the one-dimensional
integral); the random 3-factor correlation of ``benchmarks/bench_dunnett_general.py
--far`` is ``k = 3`` exactly, and took 16,384 quasi-random points per scramble at 16
nodes through the separated-variables engine (1.1 s; stop 34).

:func:`lowrank_fit` finds the form numerically (iterated principal factors from the
squared multiple correlations, ``k = 2, 3``) and accepts it only when it reproduces every
off-diagonal correlation to :data:`LOWRANK_TOL`, every unique spread is at least
:data:`MIN_SPREAD_RATIO` of its loading's length (a sharper conditional probability needs
a finer rule than the one below) and the correlation is not within :data:`NEAR_PRODUCT`
of a product form (those go to the Taylor control, which is cheap there, and whose boxes
meet the leading factor at nearly one point: too sharp for the rule).
:func:`lowrank_exceedance` integrates over ``F`` with a product Gauss-Hermite rule in the
principal axes of ``A`` (weights below ``1e-15`` dropped; for a two-sided box the
integrand is even in ``F``, so each pair ``+-F`` is evaluated once), in logs (sums of
``log P_i``).  It is used only where it is exact, never as a control variate: fitted to
correlations that are *not* of the form (AR(1), random layouts; off by 0.07-0.3 at rank
4) the separated-variables difference from it spreads 0.47-1.15 times as much as the
plain difference from the product form (1,024 points), and its own curve at the nodes
would need a 4-dimensional rule (docs/performance.md, stop 34).

:func:`lowrank_curve` first checks the rule: at :data:`_CHECKS` thresholds where its
error peaks (``G`` from 2e-4 to 0.7: the kinks of the box in the bulk of the factors'
density) against a rule with more nodes per axis (:data:`_RULES`: 28 nodes, then 40); the
largest difference times :data:`_CHECK_FACTOR` is stated (the error oscillates with the
threshold).  Then it tabulates the normal score ``Phi^-1(G)`` on knots of step
:data:`_STEP` in ``r`` (twice that beyond the score :data:`_WIDE_SCORE`) from where
``G`` is about 1e-9 (below: the exceedance is 1) to
where the sum of the marginal exceedances is :data:`_TAIL` (beyond: that sum, Boole's
bound), a cubic spline (:class:`LowRankCurve`, averaged over the chi rule of the t
statistics as the exact bifactor curve is).  The stated error is measured, not assumed:
the spline against the rule at every midpoint, plus the rule's check, plus the fit's
residual times the number of pairs (as for the exact bifactor form), plus the two ends.
A curve whose stated error is above :data:`MAX_ERROR` (or a rule that fails its check
at 40 nodes) is not used: the separated-variables engine then builds the curve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from yieldtrial.stats._mvt_nested import NestedCurve

__all__ = [
    "LOWRANK_TOL",
    "MAX_ERROR",
    "MIN_SPREAD_RATIO",
    "NEAR_PRODUCT",
    "LowRank",
    "LowRankCurve",
    "lowrank_curve",
    "lowrank_exceedance",
    "lowrank_fit",
    "tabulate_curve",
]

#: Largest off-diagonal difference between the correlation and its factor form (the
#: correlation reaches the engine rounded to 1e-12; the random 3-factor model fits to 3e-13).
LOWRANK_TOL = 1e-9

#: Smallest unique spread ``d_i`` relative to the length of the loadings ``|a_i|``: the
#: random 3-factor model's is 0.38 (its rule meets the target with 24 nodes per axis).
MIN_SPREAD_RATIO = 0.25

#: A correlation this near its nearest product form is left to the Taylor control
#: (:func:`lowrank_fit`; the field designs' are 0.002-0.25 off it, the random 3-factor
#: model 0.67).
NEAR_PRODUCT = 0.05

#: Largest stated error of a low-rank curve used (else the general engine builds it): the
#: engine's target (``stats._mvt_sov.DEFAULT_ABS_TOL``).
MAX_ERROR = 1e-4

#: Ranks tried in turn (1 is Dunnett's product form, handled before; 4 would take about
#: 24**4 / 2 nodes per threshold, more than the separated-variables engine).
_RANKS = (2, 3)

#: Iterations of the principal-factor fit (linear convergence: the random 3-factor model
#: converges in 40, another of 12 comparisons in 300).
_FIT_ITERATIONS = 500

#: Steps at which the fit's residual is checked: above :data:`_FAR` at the first, the
#: form is not near (the field designs' correlations are 0.03-0.2 off every 2- and
#: 3-factor form, AR(1) 0.9 0.15); at the second the residual's rate of fall since the
#: first must reach :data:`LOWRANK_TOL` within the iterations left.
_CHECKS_AT, _FAR = (10, 40), 1e-2

#: Gauss-Hermite nodes per axis of the rule (for :func:`lowrank_exceedance`).  Every axis
#: alike: with fewer nodes on the shorter principal axes, in proportion to their singular
#: values, the random 3-factor model's rule was 40 times further off at 24 nodes.
_NODES = 28

#: Rules tried in turn by :func:`lowrank_curve`: nodes per axis and those of its check.
#: The random 3-factor model of 20 comparisons is 2e-5 off at 28 nodes, 4e-6 at 36, 2e-7
#: at 48 (against 90; the error is not monotone in the nodes).
_RULES = ((28, 36), (40, 56))

#: Share of :data:`MAX_ERROR` a rule's stated error may take (the table's spline takes
#: 1e-5 to 3e-5 more with :data:`_STEP`).
_RULE_SHARE = 0.7

#: Knot step of the tabulated curve (evenly in ``r``, from the score ``-_TAIL_SCORE`` to
#: the table's end): the random 3-factor model's spline of the normal score is within
#: 1.4e-5 of the rule at every midpoint (a spline of the log of the exceedance, as for the
#: exact bifactor curve, 1e-3 near ``r = 0.5`` with this step).
_STEP = 0.2

#: The table starts where the score is ``-_TAIL_SCORE`` (``G`` about 1e-9); beyond the
#: score :data:`_WIDE_SCORE` (exceedance 2e-4) its knots are twice :data:`_STEP` apart.
_TAIL_SCORE, _WIDE_SCORE = 6.0, 3.5

#: Thresholds at which the rule is checked against the finer one, evenly in the normal
#: score between these: the rule's error oscillates with the threshold and peaks where
#: ``G`` is 2e-4 to 0.7 (the random 3-factor models of 12 and 20 comparisons, against 72
#: nodes per axis); the largest difference at 7 checks there times
#: :data:`_CHECK_FACTOR` is stated.
_CHECKS = 7
_CHECK_SCORES = (-3.5, 0.5)
_CHECK_FACTOR = 3.0

#: Intervals whose midpoint misses by more than this share of the room left are halved
#: (``tabulate_curve(refine=...)``).
_REFINE_SHARE = 0.25

#: The table ends where the sum of the marginal exceedances falls to this (beyond, that sum).
_TAIL = 1e-8


@dataclass(frozen=True)
class LowRank:
    """A correlation ``diag(d**2) + A A'`` with unit diagonal.

    Attributes
    ----------
    loadings : ndarray, shape (p, k)
        ``A``, in its principal axes (orthogonal columns, decreasing length).
    unique : ndarray, shape (p,)
        ``d = sqrt(1 - |a_i|^2)``.
    residual : float
        Largest absolute off-diagonal difference from the correlation.
    """

    loadings: np.ndarray
    unique: np.ndarray
    residual: float


def _principal_factors(r: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    """Return iterated principal factors of rank ``k`` and the largest off-diagonal residual."""
    p = r.shape[0]
    off = ~np.eye(p, dtype=bool)
    try:
        h = np.clip(1.0 - 1.0 / np.diag(np.linalg.inv(r)), 0.0, 0.999)
    except np.linalg.LinAlgError:
        h = np.full(p, 0.5)
    a = r.copy()
    loadings = np.zeros((p, k))
    checked = np.inf
    for step in range(_FIT_ITERATIONS):
        np.fill_diagonal(a, h)
        values, vectors = np.linalg.eigh(a)
        loadings = vectors[:, -k:] * np.sqrt(np.maximum(values[-k:], 0.0))
        new = np.sum(loadings**2, axis=1)
        change = float(np.max(np.abs(new - h)))
        h = new
        if change < 1e-14:
            break
        if step in _CHECKS_AT:  # far from the form, or converging too slowly to reach it
            fitted = loadings @ loadings.T
            now = float(np.max(np.abs(r - fitted)[off]))
            if step == _CHECKS_AT[0] and now > _FAR:
                break
            if step > _CHECKS_AT[0]:
                rate = now / checked  # over the steps since the last check
                left = (_FIT_ITERATIONS - step) / (_CHECKS_AT[1] - _CHECKS_AT[0])
                if rate >= 0.5 or now * rate**left > LOWRANK_TOL:
                    break
            checked = now
    fitted = loadings @ loadings.T
    return loadings, float(np.max(np.abs(r - fitted)[off]))


def lowrank_fit(corr: np.ndarray, lam: np.ndarray | None = None) -> LowRank | None:
    """Return the factor form of rank 2 or 3 that reproduces ``corr`` (or ``None``).

    ``None`` also when the nearest product form ``lam lam'`` (computed when not given) is
    within :data:`NEAR_PRODUCT` of every correlation: the Taylor control around it is
    cheap and accurate there, and the product rule is not (the variables' boxes meet the
    leading factor at nearly one point, a transition too sharp for its nodes: an RCBD with
    three missing plots, two factors, 0.002 from the product form, was 3.5e-4 off at
    28 nodes per axis).

    Examples
    --------
    >>> a = np.array([[0.6, 0.3], [0.5, -0.4], [0.7, 0.1], [0.2, 0.6], [0.4, 0.4],
    ...               [0.5, 0.0], [0.3, -0.5]])
    >>> r = a @ a.T
    >>> np.fill_diagonal(r, 1.0)
    >>> fit = lowrank_fit(r)
    >>> fit.loadings.shape, fit.residual < 1e-9
    ((7, 2), True)
    """
    from yieldtrial.stats._mvt_sov import nearest_product_form

    r = np.asarray(corr, dtype=float)
    p = r.shape[0]
    lam = nearest_product_form(r) if lam is None else np.asarray(lam, dtype=float)
    off = ~np.eye(p, dtype=bool)
    if float(np.max(np.abs(r - np.outer(lam, lam))[off])) <= NEAR_PRODUCT:
        return None
    for k in _RANKS:
        if p < 2 * k + 1:  # fewer variables: the form does not pin the loadings down
            return None
        loadings, residual = _principal_factors(r, k)
        if residual > LOWRANK_TOL:
            continue
        comm = np.sum(loadings**2, axis=1)
        if np.any(comm >= 1.0):
            return None
        unique = np.sqrt(1.0 - comm)
        if np.any(unique < MIN_SPREAD_RATIO * np.sqrt(comm)):
            return None
        _, _, vt = np.linalg.svd(loadings, full_matrices=False)
        return LowRank(loadings @ vt.T, unique, residual)
    return None


def _rule(fit: LowRank, nodes: int, two_sided: bool) -> tuple[np.ndarray, np.ndarray]:
    """Product Gauss-Hermite rule over the factors: points ``(n, k)`` and weights."""
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    axes = [(x, w / np.sqrt(2.0 * np.pi))] * fit.loadings.shape[1]
    points = np.stack(np.meshgrid(*[x for x, _ in axes], indexing="ij"), -1)
    points = points.reshape(-1, len(axes))
    weights = np.prod(np.stack(np.meshgrid(*[w for _, w in axes], indexing="ij"), -1), -1)
    weights = weights.ravel()
    keep = weights > 1e-15
    points, weights = points[keep], weights[keep]
    if two_sided:  # even integrand: one of each pair +-F (the rule is symmetric)
        first = np.zeros(points.shape[0], dtype=bool)
        for j in range(points.shape[1] - 1, -1, -1):  # lexicographically positive half
            undecided = ~first & np.all(points[:, j + 1 :] == 0.0, axis=1)
            first |= undecided & (points[:, j] > 0.0)
        centre = np.all(points == 0.0, axis=1)
        weights = np.where(first, 2.0 * weights, weights)
        points, weights = points[first | centre], weights[first | centre]
    return points, weights / weights.sum()


def _inside_outside(
    r: np.ndarray, fit: LowRank, two_sided: bool, nodes: int
) -> tuple[np.ndarray, np.ndarray]:
    """``G(r)`` and ``1 - G(r)``, each summed from its own side (both accurate when tiny)."""
    from scipy.special import log_ndtr, ndtr

    points, weights = _rule(fit, nodes, two_sided)
    shift = points @ fit.loadings.T  # (n, p)
    scale = 1.0 / fit.unique
    rr = np.atleast_1d(np.asarray(r, dtype=float))
    inside, outside = np.empty(rr.size), np.empty(rr.size)
    with np.errstate(divide="ignore"):
        for i, ri in enumerate(rr):
            if two_sided:
                out_i = ndtr((shift - ri) * scale) + ndtr((-ri - shift) * scale)
                log_in = np.log1p(-np.minimum(out_i, 1.0)).sum(axis=1)
            else:
                log_in = log_ndtr((ri - shift) * scale).sum(axis=1)
            inside[i] = np.exp(log_in) @ weights
            outside[i] = -np.expm1(log_in) @ weights
    return np.clip(inside, 0.0, 1.0), np.clip(outside, 0.0, 1.0)


def lowrank_exceedance(
    r: np.ndarray, fit: LowRank, two_sided: bool, *, nodes: int = _NODES
) -> np.ndarray:
    """``1 - G(r)`` of the factor form by the product rule (module notes).

    Examples
    --------
    Two factors, 1 - G at r = 2 (scipy's multivariate normal: 0.25572):

    >>> a = np.array([[0.6, 0.3], [0.5, -0.4], [0.7, 0.1], [0.2, 0.6], [0.4, 0.4],
    ...               [0.5, 0.0], [0.3, -0.5]])
    >>> r = a @ a.T
    >>> np.fill_diagonal(r, 1.0)
    >>> round(float(lowrank_exceedance(np.array([2.0]), lowrank_fit(r), True)[0]), 4)
    0.2557
    """
    return _inside_outside(r, fit, two_sided, nodes)[1]


@dataclass(frozen=True)
class LowRankCurve(NestedCurve):
    """The tabulated exact curve of a factor form: a spline of the normal score.

    As :class:`~yieldtrial.stats._mvt_nested.NestedCurve`, but ``log_exceed`` holds the
    normal score ``u = Phi^-1(G)`` at the knots ``r_grid`` (smooth where ``G`` leaves 0,
    where the log of the exceedance bends sharply).  Below the first knot the exceedance
    is 1, beyond the last the sum of the ``variables``' marginal exceedances (Boole; both
    within the stated error).
    """

    method: str = "exact-factor"
    variables: int = 1

    def _normal_exceedance(self, r: np.ndarray) -> np.ndarray:
        from scipy.special import ndtr

        from yieldtrial.stats._spline import CubicSpline  # scipy.interpolate's, bit for bit

        spline = CubicSpline(self.r_grid, self.log_exceed)
        lo, hi = float(self.r_grid[0]), float(self.r_grid[-1])
        out = np.asarray(ndtr(-spline(np.clip(r, lo, hi))))
        out[r < lo] = 1.0
        beyond = r > hi
        sides = 2.0 if self.two_sided else 1.0
        out[beyond] = self.variables * sides * ndtr(-r[beyond])
        return np.asarray(np.clip(out, 0.0, 1.0))


def _score(inside: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """Return the normal score ``Phi^-1(G)`` from both sides (each where it is the smaller)."""
    from scipy.special import ndtri

    tiny = 1e-300
    return np.where(
        inside < 0.5, ndtri(np.maximum(inside, tiny)), -ndtri(np.maximum(outside, tiny))
    )


def lowrank_curve(fit: LowRank, *, two_sided: bool) -> LowRankCurve | None:
    """Tabulate the exact normal curve of ``fit`` with its stated error (module notes).

    Returns
    -------
    LowRankCurve or None
        ``None`` when the stated error is above :data:`MAX_ERROR`.
    """
    return tabulate_curve(
        lambda r, nodes: _inside_outside(r, fit, two_sided, nodes),
        fit.unique.size,
        two_sided=two_sided,
        rules=_RULES,
        rough_nodes=8,
        residual=fit.residual,
    )


def tabulate_curve(
    evaluate: Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]],
    p: int,
    *,
    two_sided: bool,
    rules: tuple[tuple[int, int], ...],
    rough_nodes: int,
    residual: float,
    method: str = "exact-factor",
    refine: int = 0,
    interp_factor: float = 1.0,
) -> LowRankCurve | None:
    """Tabulate an exact normal curve of ``p`` variables with its stated error (module notes).

    Parameters
    ----------
    evaluate : callable
        ``evaluate(r, nodes)`` returns ``G(r)`` and ``1 - G(r)`` by a rule of ``nodes``.
    p : int
        Number of variables (Boole's bound beyond the table).
    two_sided : bool
        ``max |X_i|`` (True) or ``max X_i``.
    rules : tuple of (int, int)
        Rules tried in turn: nodes and those of the rule's check.
    rough_nodes : int
        Nodes of the coarse rule that places the table and the checks.
    residual : float
        Largest off-diagonal difference of the form from the correlation.
    method : str
        The curve's ``method``.
    refine : int
        Times the intervals whose midpoint misses by more than :data:`_REFINE_SHARE` of
        the room left are halved while the stated error is above :data:`MAX_ERROR` (0:
        the even knots alone).  The halved intervals' midpoints, already evaluated,
        become knots; their quarter points are the new midpoints, where the spline is
        checked as at the others.
    interp_factor : float
        Factor on the spline's largest miss at the midpoints in the stated error (the miss
        between them can be a little larger: up to 1.03 times on AR(1) curves).

    Returns
    -------
    LowRankCurve or None
        ``None`` when the stated error is above :data:`MAX_ERROR`.
    """
    from dataclasses import replace

    from scipy.special import ndtri

    sides = 2.0 if two_sided else 1.0
    r_top = float(-ndtri(_TAIL / (sides * p)))
    # where the table starts (the score -_TAIL_SCORE, G about 1e-9) and the thresholds
    # where the rule is checked, by a coarse rule
    rough = np.linspace(0.0 if two_sided else -_TAIL_SCORE, r_top, 33)
    if refine:  # the first step split in 16: a strong chain's G is 2e-4 at r = 0.19
        rough = np.concatenate([np.linspace(rough[0], rough[1], 17)[:-1], rough[1:]])
    u_rough = np.maximum.accumulate(_score(*evaluate(rough, rough_nodes)))
    r_low = float(np.interp(-_TAIL_SCORE, u_rough, rough))
    # knots _STEP apart to the score _WIDE_SCORE, twice that beyond (the exceedance below
    # 2e-4 there: the score's spline error counts for little)
    r_wide = min(float(np.interp(_WIDE_SCORE, u_rough, rough)), r_top)
    n_fine = max(int(np.ceil((r_wide - r_low) / _STEP)), 1)
    n_wide = int(np.ceil((r_top - r_wide) / (2.0 * _STEP)))
    grid = np.concatenate(
        [
            np.linspace(r_low, r_wide, n_fine + 1),
            np.linspace(r_wide, r_top, n_wide + 1)[1:],
        ]
    )
    n = grid.size - 1
    mids = (grid[:-1] + grid[1:]) / 2.0
    table = np.concatenate([grid, mids])
    # the rule checked first (a rule off by more than the target is not used), where its
    # error is largest (the kinks of the box in the bulk of the factors' density): at the
    # midpoints nearest to the check scores, whose values the table then keeps
    r_checks = np.interp(np.linspace(*_CHECK_SCORES, _CHECKS), u_rough, rough)
    picked = np.unique(n + 1 + np.abs(mids[None, :] - r_checks[:, None]).argmin(axis=1))
    inside, outside = np.empty(table.size), np.empty(table.size)
    for nodes, check_nodes in rules:  # the first rule whose check leaves room for the table
        inside[picked], outside[picked] = evaluate(table[picked], nodes)
        finer = evaluate(table[picked], check_nodes)[1]
        quad = float(np.max(np.abs(finer - outside[picked])))
        if _CHECK_FACTOR * quad <= _RULE_SHARE * MAX_ERROR:
            break
    else:
        return None
    rest = np.setdiff1d(np.arange(table.size), picked)
    inside[rest], outside[rest] = evaluate(table[rest], nodes)
    # below the first knot the curve is 1 (off by at most G there), beyond the last Boole's
    # bound (off by at most the bound, _TAIL at the last knot)
    ends = _TAIL + float(inside[0])
    fixed = _CHECK_FACTOR * quad + residual * p * (p - 1) / 2.0 + ends
    knots, k_in, k_out = grid, inside[: n + 1], outside[: n + 1]
    mids, m_in, m_out = mids, inside[n + 1 :], outside[n + 1 :]
    for halving in range(refine + 1):
        score = np.maximum.accumulate(_score(k_in, k_out))  # G rises
        curve = LowRankCurve(knots, score, 0.0, two_sided, method=method, variables=p)
        miss = np.abs(curve._normal_exceedance(mids) - m_out)
        interp = interp_factor * float(np.max(miss))
        if halving == refine or interp + fixed <= MAX_ERROR:
            break
        # the intervals whose midpoint misses most are halved: their midpoints (already
        # evaluated) become knots, the new midpoints are the quarter points
        bad = miss > _REFINE_SHARE * (MAX_ERROR - fixed)
        lo, hi = knots[:-1][bad], knots[1:][bad]
        quarter = np.concatenate([(lo + mids[bad]) / 2.0, (mids[bad] + hi) / 2.0])
        q_in, q_out = evaluate(quarter, nodes)
        knots_all = np.concatenate([knots, mids[bad]])
        at = np.argsort(knots_all, kind="stable")
        knots = knots_all[at]
        k_in = np.concatenate([k_in, m_in[bad]])[at]
        k_out = np.concatenate([k_out, m_out[bad]])[at]
        mid_all = np.concatenate([mids[~bad], quarter])
        at = np.argsort(mid_all, kind="stable")
        mids = mid_all[at]
        m_in = np.concatenate([m_in[~bad], q_in])[at]
        m_out = np.concatenate([m_out[~bad], q_out])[at]
    error = interp + fixed
    if error > MAX_ERROR:
        return None
    return replace(curve, error=error)
