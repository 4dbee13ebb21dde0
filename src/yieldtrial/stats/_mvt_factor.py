r"""Bifactor base for Dunnett's maximum-|t| curve: nested designs (split-plots, augmented).

:mod:`yieldtrial.stats._mvt_sov` integrates ``G(r) = P(|X_i| <= r)`` (or ``X_i <= r``),
``X ~ N(0, C)``, as the difference from a control correlation whose curve is known
exactly.  Dunnett's product form ``lam lam'`` (one common factor: the control's mean) is far
from ``C`` when the compared means share a second source of error in groups: the
whole-plot error of a split-plot's cell means at one whole-plot level, the block effect
estimated from the checks of an augmented design's entries in one block.  Their
correlation is close to a **bifactor** form (Holzinger & Swineford 1937)

.. math:: C_{ij} \approx \lambda_i \lambda_j + [g_i = g_j]\, \mu_i \mu_j
          \quad (i \ne j),

a general factor ``lam`` plus one factor ``mu`` per group ``g`` of disjoint support
(:func:`bifactor_fit`: the groups are the connected components of the large positive
residuals of the nearest product form; then alternating principal-factor steps).  Given
the general factor ``Z_0`` the groups are independent, and given ``Z_0`` and the group's
own factor ``Z_g`` so are its members, so the control's probability is the nested
one-dimensional integral

.. math:: G_B(r) = E_{Z_0}\Big[\prod_{g} E_{Z_g}\Big[\prod_{i \in g}
          P\big(|\lambda_i Z_0 + \mu_i Z_g + s_i e_i| \le r\big)\Big]\Big],
          \qquad s_i^2 = 1 - \lambda_i^2 - \mu_i^2,

(:func:`bifactor_exceedance`): a composite Gauss-Legendre rule in ``Z_0`` (panels as
narrow as the steepest conditional probability, as for Dunnett's integral) and a
Gauss-Hermite rule in each ``Z_g`` (the group loadings are moderate, so the inner integrand
is smooth); about 1e-9 absolute against rules twice as fine (checked in the tests against
an independent dense-rule integration and against scipy's multivariate normal for small
cases).  The remaining difference ``G - G_B`` is integrated by
:func:`~yieldtrial.stats._mvt_sov.max_t_curve` exactly as the difference from a product
form (the same randomized QMC with fixed scrambles, the same stated error: three
standard errors over the scrambles plus the interpolation bound); when the bifactor form
fits ``C`` closely (split-plots, augmented designs: residual below 1e-3) the difference
is tiny and the first point count (64 per scramble) and 8 nodes suffice.

Accuracy argument: ``G = G_B + (G - G_B)``; the first term is a deterministic quadrature
(error ~1e-9, far below the target), the second an unbiased randomized-QMC estimate whose
spread over independent scrambles is stated (as for every other curve), so the stated
error still bounds the true one at the usual three-standard-error level.

References
----------
.. [1] Holzinger, K. J., Swineford, F. (1937). The bi-factor method. *Psychometrika* 2,
   41-54. :doi:`10.1007/BF02287965`
.. [2] Dunnett, C. W. (1955). A multiple comparison procedure for comparing several
   treatments with a control. *JASA* 50, 1096-1121 (the one-factor integral).
   :doi:`10.1080/01621459.1955.10501294`
.. [3] Genz, A., Bretz, F. (2009). *Computation of Multivariate Normal and t
   Probabilities*. Lecture Notes in Statistics 195, Springer (separation of variables).
   :doi:`10.1007/978-3-642-01689-9`
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "BIFACTOR_MAX_RESIDUAL",
    "BIFACTOR_MIN_SPREAD_RATIO",
    "Bifactor",
    "bifactor_exceedance",
    "bifactor_fit",
    "dunnett_bifactor_curve",
]

#: A bifactor base is used when it fits every off-diagonal correlation to this (and far
#: better than the product form): then the rest ``G - G_B`` is small and smooth.
BIFACTOR_MAX_RESIDUAL = 0.01

#: The group factors' rule (:data:`_INNER_NODES` Gauss-Hermite nodes) is used only when
#: every member's own spread ``sqrt(1 - lam^2 - mu^2)`` is at least this fraction of its
#: group loading ``mu``: against a rule of 96 nodes, six members with equal loadings are
#: off by 7e-4 at a ratio of 0.2, 1e-4 at 0.3, 7e-6 at 0.4 and 3e-8 at 0.6 (split-plot cell
#: means: 1.1; augmented entries: 2.0; a 6-variable AR(1) 0.9: 0.09, off by 1.6e-4).
BIFACTOR_MIN_SPREAD_RATIO = 0.5

#: Iterations of the alternating fit (20-300 where the form fits; linear convergence).
_FIT_ITERATIONS = 300

#: Links (residuals of the product form above this fraction of the largest) that define
#: the groups, tried in turn until the fit meets :data:`BIFACTOR_MAX_RESIDUAL`.
_GROUP_CUTS = (0.5, 0.25)

#: Iteration after which a fit still far from the form stops.
_EARLY_CHECK = 15

#: Gauss-Hermite nodes of each group factor (exact values at the curve's nodes).
_INNER_NODES = 24


@dataclass(frozen=True)
class Bifactor:
    """A bifactor correlation ``lam lam' + [g_i = g_j] mu mu'`` (unit diagonal).

    Attributes
    ----------
    general : ndarray, shape (k,)
        Loadings on the general factor.
    group : ndarray, shape (k,)
        Loading of each variable on its group's factor (0 for a group of one).
    label : ndarray of int, shape (k,)
        Group of each variable.
    residual : float
        Largest absolute off-diagonal difference from the fitted correlation.
    """

    general: np.ndarray
    group: np.ndarray
    label: np.ndarray
    residual: float

    def rule_is_accurate(self) -> bool:
        """Whether the nested rule integrates this form (:data:`BIFACTOR_MIN_SPREAD_RATIO`).

        Examples
        --------
        >>> label = np.array([0, 0, 1])
        >>> Bifactor(np.full(3, 0.6), np.array([0.5, 0.5, 0.0]), label, 0.0).rule_is_accurate()
        True
        >>> Bifactor(np.full(3, 0.6), np.array([0.79, 0.79, 0.0]), label, 0.0).rule_is_accurate()
        False
        """
        sd = np.sqrt(np.clip(1.0 - self.general**2 - self.group**2, 0.0, None))
        grouped = self.group != 0.0
        return bool(np.all(sd[grouped] >= BIFACTOR_MIN_SPREAD_RATIO * np.abs(self.group[grouped])))

    def matrix(self) -> np.ndarray:
        """Return the bifactor correlation matrix (unit diagonal)."""
        same = self.label[:, None] == self.label[None, :]
        out = np.outer(self.general, self.general) + np.where(
            same, np.outer(self.group, self.group), 0.0
        )
        np.fill_diagonal(out, 1.0)
        return out


def _components(adjacent: np.ndarray) -> np.ndarray:
    """Label the connected components of a boolean adjacency matrix (one per vertex)."""
    k = adjacent.shape[0]
    label = np.full(k, -1)
    count = 0
    for start in range(k):
        if label[start] >= 0:
            continue
        label[start] = count
        stack = [start]
        while stack:
            i = stack.pop()
            new = np.flatnonzero(adjacent[i] & (label < 0))
            label[new] = count
            stack.extend(new.tolist())
        count += 1
    return label


def _leading_factor(a: np.ndarray) -> np.ndarray:
    """Leading eigenvector times the root of its eigenvalue, signed to a positive sum."""
    values, vectors = np.linalg.eigh(a)
    out = vectors[:, -1] * np.sqrt(max(float(values[-1]), 0.0))
    return np.asarray(-out if out.sum() < 0 else out)


def bifactor_fit(corr: np.ndarray, lam: np.ndarray | None = None) -> Bifactor | None:
    """Nearest bifactor form of a correlation (``None`` when no group structure shows).

    The groups are the connected components of the off-diagonal residuals of the
    nearest product form above half their largest value (then a quarter, if that fit
    fails); the general loadings are then
    the principal factor of ``corr`` minus the group part, and each group's loadings the
    principal factor of its block of ``corr - lam lam'`` (communalities on the diagonal),
    alternately.  Loadings are clipped so that every communality stays below 0.998.
    ``lam`` is the nearest product form when already known.  A fit still more than
    half as far off as the product form after 15 steps stops there (it will not be used).

    Examples
    --------
    Two groups of two around a general factor 0.6, group loadings 0.5:

    >>> lam, mu = np.full(4, 0.6), np.full(4, 0.5)
    >>> label = np.array([0, 0, 1, 1])
    >>> r = np.outer(lam, lam) + (label[:, None] == label) * np.outer(mu, mu)
    >>> np.fill_diagonal(r, 1.0)
    >>> fit = bifactor_fit(r)
    >>> fit.general.round(6).tolist(), fit.group.round(6).tolist(), fit.residual < 1e-9
    ([0.6, 0.6, 0.6, 0.6], [0.5, 0.5, 0.5, 0.5], True)
    """
    from yieldtrial.stats._mvt_sov import nearest_product_form

    r = np.asarray(corr, dtype=float)
    k = r.shape[0]
    if k < 3:
        return None
    lam = nearest_product_form(r) if lam is None else np.asarray(lam, dtype=float)
    resid = r - np.outer(lam, lam)
    np.fill_diagonal(resid, 0.0)
    one_factor = float(np.max(np.abs(resid)))
    top = float(np.max(resid))
    if top <= 1e-12:
        return None
    best: Bifactor | None = None
    for fraction in _GROUP_CUTS:  # stronger links first; weaker ones when that fails
        label = _components(resid > fraction * top)
        fit = _fit_groups(r, lam, label, one_factor)
        if fit is not None and (best is None or fit.residual < best.residual):
            best = fit
        if best is not None and best.residual <= BIFACTOR_MAX_RESIDUAL:
            break
    return best


def _fit_groups(
    r: np.ndarray, lam: np.ndarray, label: np.ndarray, one_factor: float
) -> Bifactor | None:
    """Alternating principal-factor fit of the bifactor form with the groups ``label``."""
    k = r.shape[0]
    groups = [np.flatnonzero(label == g) for g in range(int(label.max()) + 1)]
    groups = [idx for idx in groups if idx.size >= 2]
    if not groups or (len(groups) == 1 and groups[0].size == k):
        return None
    same = label[:, None] == label[None, :]
    off = ~np.eye(k, dtype=bool)
    mu = np.zeros(k)
    for step in range(_FIT_ITERATIONS):
        a = r - np.where(same, np.outer(mu, mu), 0.0)
        np.fill_diagonal(a, lam**2)
        new_lam = _leading_factor(a)
        b = r - np.outer(new_lam, new_lam)
        new_mu = np.zeros(k)
        for idx in groups:
            block = b[np.ix_(idx, idx)]
            np.fill_diagonal(block, mu[idx] ** 2)
            new_mu[idx] = _leading_factor(block)
        change = max(float(np.max(np.abs(new_lam - lam))), float(np.max(np.abs(new_mu - mu))))
        lam, mu = new_lam, new_mu
        if change < 1e-11:
            break
        if step == _EARLY_CHECK:  # far from a bifactor form: stop early (not used then)
            fitted = np.outer(lam, lam) + np.where(same, np.outer(mu, mu), 0.0)
            now = float(np.max(np.abs(r - fitted)[off]))
            if now > 3.0 * BIFACTOR_MAX_RESIDUAL or now > 0.5 * one_factor:
                break
    comm = lam**2 + mu**2
    shrink = np.sqrt(np.minimum(1.0, 0.998 / np.maximum(comm, 1e-300)))
    lam, mu = lam * shrink, mu * shrink
    fitted = np.outer(lam, lam) + np.where(same, np.outer(mu, mu), 0.0)
    residual = float(np.max(np.abs(r - fitted)[off]))
    return Bifactor(lam, mu, label, residual)


def _composite_rule(
    lam_max: float, order: int, min_width: float = 0.02
) -> tuple[np.ndarray, np.ndarray]:
    """Composite ``order``-point Gauss-Legendre rule for ``E`` over N(0, 1) on [-9, 9].

    Panels as narrow as the steepest conditional probability (``sqrt(1 - lam^2) / lam``,
    but at least ``min_width``), as for Dunnett's product-form integral; weights include
    the density.
    """
    scale = np.sqrt(max(1.0 - lam_max**2, 1e-12)) / max(lam_max, 1e-12)
    width = min(2.0, max(2.0 * scale, min_width))
    panels = int(np.ceil(18.0 / width))
    x, w = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(-9.0, 9.0, panels + 1)
    half = np.diff(edges) / 2.0
    mid = (edges[:-1] + edges[1:]) / 2.0
    nodes = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    weights = (half[:, None] * w[None, :]).ravel() * np.exp(-0.5 * nodes**2)
    return nodes, weights / np.sqrt(2.0 * np.pi)


def _log_inside(r: np.ndarray, shift: np.ndarray, sd: np.ndarray, two_sided: bool) -> np.ndarray:
    """``log P(|shift + sd e| <= r)`` (or ``shift + sd e <= r``), broadcast."""
    from scipy.special import log_ndtr, ndtr

    if two_sided:
        outside = ndtr((shift - r) / sd) + ndtr((-r - shift) / sd)
        with np.errstate(divide="ignore"):
            return np.asarray(np.log1p(-np.clip(outside, 0.0, 1.0)))
    return np.asarray(log_ndtr((r - shift) / sd))


def bifactor_exceedance(
    r: np.ndarray,
    fit: Bifactor,
    two_sided: bool,
    *,
    order: int = 8,
    inner_nodes: int = _INNER_NODES,
    min_width: float = 0.02,
) -> np.ndarray:
    """``1 - G_B(r)`` of the bifactor form by the nested quadrature (module notes).

    Parameters
    ----------
    r : ndarray, shape (M,)
        Thresholds (the normal scale).
    fit : Bifactor
        The base correlation.
    two_sided : bool
        ``|X_i| <= r`` (True) or ``X_i <= r``.
    order : int
        Gauss-Legendre points per panel of the general factor's rule.
    inner_nodes : int
        Gauss-Hermite nodes of each group factor.
    min_width : float
        Narrowest panel of the general factor's rule (the default resolves a member with
        the clipped loading 0.999; :data:`COARSE_WIDTH` for the score table only).

    Returns
    -------
    ndarray, shape (M,)
    """
    rr = np.atleast_1d(np.asarray(r, dtype=float))[:, None]
    lam, mu, label = fit.general, fit.group, fit.label
    z0, w0 = _composite_rule(float(np.max(np.abs(lam))), order, min_width)
    keep = w0 > 1e-300
    z0, w0 = z0[keep], w0[keep]
    zg, wg = np.polynomial.hermite_e.hermegauss(inner_nodes)
    wg = wg / np.sqrt(2.0 * np.pi)
    total = np.zeros((rr.shape[0], z0.size))
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        for g in np.unique(label):
            idx = np.flatnonzero(label == g)
            if idx.size == 1 or not np.any(mu[idx]):
                for i in idx:
                    sd_i = np.sqrt(1.0 - lam[i] ** 2)
                    total += _log_inside(rr, lam[i] * z0[None, :], sd_i, two_sided)
                continue
            # members with equal loadings give equal factors: each distinct pair once
            pairs = np.round(np.column_stack([lam[idx], mu[idx]]), 13)
            pairs, counts = np.unique(pairs, axis=0, return_counts=True)
            gl, gm = pairs[:, 0], pairs[:, 1]
            sd = np.sqrt(1.0 - gl**2 - gm**2)
            shift = gl * z0[:, None, None] + gm * zg[None, :, None]  # (n0, ng, m)
            log_in = _log_inside(rr[:, :, None, None], shift[None], sd, two_sided) @ counts
            inner = np.exp(log_in) @ wg  # (M, n0)
            total += np.log(np.maximum(inner, 1e-300))
    # normalised: the rule's weights sum to 1 only to rounding, which would show as a
    # probability of 1e-13 where the true one is 1e-50 (the normal score's low end)
    return np.asarray(np.clip(-np.expm1(total) @ w0 / w0.sum(), 0.0, 1.0))


#: Narrowest panel of the coarse rule that tabulates the base's curve for the normal score
#: only (the fine rule gives the exact values at the nodes, and the score check midway
#: between them adds what the coarse table leaves to the stated error).
COARSE_WIDTH = 0.3


def dunnett_bifactor_curve(
    corr: np.ndarray,
    fit: Bifactor,
    *,
    two_sided: bool,
    give_up: type[Exception] | None = None,
    pilot: Any = None,
    df: float = np.inf,
    chi_rule: tuple[np.ndarray, np.ndarray] | None = None,
) -> Any:
    """Build the normal curve of ``max X_i`` (or ``|X_i|``), X ~ N(0, corr), bifactor-based.

    The variables are reordered once (Genz-Bretz, at the Bonferroni 5 % point); the base
    correlation takes the same order, so both separated integrands share every point.
    The control's curve on the threshold grid (for the normal score only) comes from a
    coarse rule; at the curve's nodes the fine rule (:func:`bifactor_exceedance`) gives
    the exact value.  ``df`` and ``chi_rule``: the df at which the stated error is brought
    within the target (:func:`yieldtrial.stats._mvt_sov.max_t_curve`; default: a known
    variance).

    Returns
    -------
    yieldtrial.stats._mvt_sov.MaxTCurve
        Carrying ``chi_rule``; attach another chi rule for other df.
    """
    from yieldtrial.stats._mvt_sov import Region, dunnett_box, max_t_curve
    from yieldtrial.stats._mvt_taylor import TAYLOR_POINT_COUNTS

    k = np.shape(corr)[0]
    chol, order, box_lo, box_hi, r_grid = dunnett_box(corr, two_sided)
    base = fit.matrix()[np.ix_(order, order)]
    regions = (
        Region(chol, box_lo, box_hi),
        Region(np.linalg.cholesky(base + 1e-14 * np.eye(k)), box_lo, box_hi),
    )
    if pilot is not None:  # the score from a pilot of the target, the base as its control
        coarse = lambda x: bifactor_exceedance(  # noqa: E731
            x, fit, two_sided, order=6, inner_nodes=16, min_width=COARSE_WIDTH
        )
        r_grid, exceed0 = pilot(regions[0], r_grid, (regions[1], coarse))
    else:
        exceed0 = bifactor_exceedance(
            r_grid, fit, two_sided, order=6, inner_nodes=16, min_width=COARSE_WIDTH
        )
        exceed0 = np.minimum.accumulate(exceed0)  # a curve: non-increasing in r
    return max_t_curve(
        regions, r_grid, exceed0, df, chi_rule or (np.ones(1), np.ones(1)), two_sided=two_sided,
        point_counts=TAYLOR_POINT_COUNTS,
        control_exceedance=lambda x: bifactor_exceedance(x, fit, two_sided), give_up=give_up,
        score_is_control=pilot is None,
    )  # fmt: skip
