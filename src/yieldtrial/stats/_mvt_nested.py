r"""Exact Dunnett curve for a correlation of exact bifactor form (augmented designs).

In an augmented RCBD with blocks fixed the comparison of entry ``i`` (block ``b``) with the
control check is ``D_i = e_i - U_b + W``: ``U_b`` the mean of the check plots of block
``b``, ``W`` the grand mean of the checks minus the control's mean.  With every check once
in every block ``Cov(U_b, W) = 0`` and the ``U_b`` are independent, and a check's comparison
with the control, ``ybar_c - ybar_1``, is correlated with the entries only through ``W``.
So the correlation of the family is **exactly**

.. math:: C_{ij} = \lambda_i \lambda_j + [g_i = g_j]\, \mu_i \mu_j \quad (i \ne j),
          \qquad \lambda_i^2 + \mu_i^2 \le 1,

with one group per block (the entries, ``mu`` from ``U_b``) and one group holding the
other checks' comparisons (three checks: ``mu = (a, -a)`` with no unique part left,
since ``W`` is the mean of those two comparisons; two checks: a single comparison that
*is* the general factor).  Random blocks keep the form (GLS; the checks' group then keeps
a unique part).  :func:`exact_bifactor` finds the form numerically, for any correlation
(it does not need to know the design): first groups from the large residuals of the
nearest product form; the general loadings from the mean correlations between the three
largest groups (``m_P^2 = R_PQ R_PS / R_QS``); members whose correlations still differ from
``lam lam'`` are joined into groups; each group's loadings from its largest pair.  The form
is accepted only when it reproduces **every** off-diagonal correlation to
:data:`EXACT_TOL` (a few hundred thousand rounding units; the correlation reaches the
engine rounded to 1e-12; the augmented families fit to 1e-15).  A check other than the
control missing in a block makes the block's check mean correlate with ``W`` differently
from the others, four or more checks leave the other checks' comparisons a group of rank
two: the form then fails the test and the general engine
(:mod:`yieldtrial.stats._mvt_sov`) is used (a dense correlation carries no sign of which
members have no own variance, so the plane group below is not looked for there).

A family fitted with the entries absorbed (thousands of entries, covariance
``diag(d) + h h'`` with one row of ``h`` per block and per other check) is never made dense:
:func:`exact_bifactor_low_rank` finds the form on two representatives of each distinct row
(at most ``2 (b + c - 1)`` members, every pair of the family is one of their pairs) and
gives each member its row's loadings (stop 43).  There the members without own variance
(the other checks' comparisons, ``d = 0``) are known, so four checks are taken too: beside
the general factor their three comparisons span a plane (``W`` is their mean), one group
with two loadings each (``ExactBifactor.plane``), integrated given ``Z_0`` as a polygon's
normal probability (:func:`_log_plane`: Gauss-Legendre in one coordinate with panel edges
at every crossing of two of the lines, a closed form in the other; the ``Z_0`` rule gets
panel edges where three lines meet).  Five or more checks (a group of rank three) and a
check missing from a block keep the near product form with the Li-Shao bound
(:class:`yieldtrial.stats._covariance.NearProductFormCorrelation`); so does the
non-inferiority family ``e_i - (1 - m) e_c``, whose block check means correlate with the
general part by ``m / (c b)``.

Given the general factor ``Z_0`` the groups are independent, and given also the group's
factor ``Z_g`` its members are, so ``G(r) = P(|X_i| <= r for all i)`` is a nested
one-dimensional quadrature (:func:`nested_exceedance`): a composite Gauss-Legendre rule in
``Z_0``, a Gauss-Hermite rule in each ``Z_g`` whose members keep a unique spread at least
half their group loading, and a closed form for a group without unique spread (its
members constrain ``Z_g`` to an interval: ``P = Phi(hi) - Phi(lo)``).  The kinks of such
an interval in ``Z_0`` (where two of its bounds cross) and the ends of a member that is
the general factor itself are panel edges of the ``Z_0`` rule, so the integrand is smooth
on every panel.  The cost is linear in the number of comparisons (members with equal
loadings and groups with equal members are evaluated once).

The curve is tabulated on a grid of thresholds (step 0.05; log of the exceedance, cubic
spline) and averaged over the chi rule of the t statistics.  Its stated error is measured,
not assumed: the spline against the quadrature at every midpoint of the grid, plus twice
the largest difference of the quadrature from a rule twice as fine (panels halved, more
nodes) at every second midpoint (the quadrature's error varies slowly in the threshold; for
the augmented families it is 1e-3 to 0.3 of the spline's), plus the fit's residual times
the number of pairs (each correlation off the form by at most the residual; Plackett's
``dG/drho_ij`` is a bivariate density times a probability, of order one away from
``|rho| = 1``), with a floor of 1e-9.  The table ends before the first threshold whose
exceedance underflows to 0 (beyond it the curve is 0 and the Bonferroni bound there joins
the stated error).  The Gauss-Hermite rule in a group factor loses accuracy as a group grows
(the product of its members' probabilities sharpens): the finer rule's check states it
(stop 43: 3e-6 with three checks and 1.6e-5 with two for the 50-entry blocks of a
10,000-entry trial; 2.6e-4 for a made-up family of blocks of 100 with a general loading 0.05).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "EXACT_TOL",
    "ExactBifactor",
    "NestedCurve",
    "exact_bifactor",
    "exact_bifactor_low_rank",
    "nested_curve",
]

#: Largest off-diagonal difference between the correlation and its bifactor form for the
#: exact path (the correlation is rounded to 1e-12 before it gets here).
EXACT_TOL = 1e-10

#: A unique variance below this counts as none (the member lies in its factors' span).
_ZERO_VAR = 1e-10

#: Unique spread of a grouped member, relative to its group loading, for the
#: Gauss-Hermite rule in the group factor (as :data:`._mvt_factor.BIFACTOR_MIN_SPREAD_RATIO`).
_MIN_SPREAD_RATIO = 0.5

#: Largest number of members without unique spread (each adds panel edges to the rule).
_MAX_DEGENERATE = 8

#: Threshold grid step of the tabulated curve (stop 32: 0.025 -> 0.05, the spline's measured
#: error at the midpoints 1e-8 -> 2e-7 for the augmented families, a quarter of the cost with
#: the smaller rule below).
_GRID_STEP = 0.05

#: Gauss-Legendre points per panel of ``z0`` and Gauss-Hermite nodes of a group factor
#: (stop 32: 8 and 24 -> 6 and 16; the check against the finer rule below measures 5e-10 to
#: 1.4e-7 for the augmented families, under the spline's error).
_ORDER, _INNER = 6, 16

#: The finer rule of the error check (panels halved, more nodes), and the share of the
#: midpoints it is run at (every second one: the quadrature error varies slowly in ``r``).
_CHECK_ORDER, _CHECK_INNER, _CHECK_EVERY = 9, 26, 2

#: Thresholds per block of the quadrature, at most (bounds the temporaries).
_CHUNK = 128

#: Elements of the largest temporary of one block of thresholds.
_BUDGET = 2_000_000


@dataclass(frozen=True)
class ExactBifactor:
    """Exact bifactor form ``lam lam' + [g_i = g_j] mu mu' + diag(sd^2)`` of a correlation.

    Attributes
    ----------
    general : ndarray, shape (k,)
        Loadings on the general factor.
    group : ndarray, shape (k,)
        Loading on the member's group factor (0 for a group of one).
    label : ndarray of int, shape (k,)
        Group of each member.
    sd : ndarray, shape (k,)
        Unique spread ``sqrt(1 - lam^2 - mu^2)`` (0 for a member in its factors' span).
    residual : float
        Largest off-diagonal difference from the correlation.
    plane : ndarray, shape (k, 2), optional
        Loadings on a two-dimensional group factor of the members without unique spread
        that form one group of rank two (four checks: the three other checks'
        comparisons beside the general factor; stop 43), zero rows elsewhere; None when
        there is no such group.
    """

    general: np.ndarray
    group: np.ndarray
    label: np.ndarray
    sd: np.ndarray
    residual: float
    plane: np.ndarray | None = None


def _components(adjacent: np.ndarray) -> np.ndarray:
    from yieldtrial.stats._mvt_factor import _components as components

    return components(adjacent)


def _general(r: np.ndarray, label: np.ndarray) -> np.ndarray | None:
    """General loadings from the correlations between groups (exact for the exact form).

    With ``P, Q, S`` the three largest groups and ``m_X`` the mean general loading of group
    ``X``, the block means are ``R_XY = m_X m_Y``, so ``m_P^2 = R_PQ R_PS / R_QS``; then
    ``lam_i = mean_{j in P} r_ij / m_P`` outside ``P`` and ``mean_{j in Q} r_ij / m_Q`` in it.
    """
    sizes = np.bincount(label)
    big = np.argsort(-sizes, kind="stable")[:3]
    if big.size < 3 or sizes[big[2]] < 1:
        return None
    members = [np.flatnonzero(label == g) for g in big]
    means = np.array([[float(np.mean(r[np.ix_(x, y)])) for y in members] for x in members])
    ratio = means[0, 1] * means[0, 2] / means[1, 2] if means[1, 2] != 0.0 else -1.0
    if not ratio > 1e-12:
        return None
    m_p = float(np.sqrt(ratio))
    m_q = means[0, 1] / m_p
    lam = np.mean(r[:, members[0]], axis=1) / m_p
    in_p = label == big[0]
    lam[in_p] = np.mean(r[np.ix_(np.flatnonzero(in_p), members[1])], axis=1) / m_q
    return np.asarray(lam)


def _group_loadings(b: np.ndarray) -> np.ndarray:
    """Return loadings ``m`` with ``m_i m_j = b_ij`` (i != j) of a group of three or more."""
    n = b.shape[0]
    a = np.abs(b.copy())
    np.fill_diagonal(a, -1.0)
    j, k = np.unravel_index(int(np.argmax(a)), a.shape)
    score = a[j] * a[k]
    score[[j, k]] = -1.0
    third = int(np.argmax(score))
    if b[k, third] == 0.0 or b[j, k] == 0.0:
        return np.zeros(n)
    m_j = float(np.sqrt(max(b[j, k] * b[j, third] / b[k, third], 0.0)))
    if m_j == 0.0:
        return np.zeros(n)
    m = b[:, j] / m_j
    m[j] = m_j
    return np.asarray(m)


def _fit(r: np.ndarray, label: np.ndarray) -> ExactBifactor | None:
    """Exact bifactor form with the groups ``label`` (None when it does not reproduce ``r``)."""
    k = r.shape[0]
    same = label[:, None] == label[None, :]
    lam = _general(r, label)
    if lam is None:
        return None
    rest = r - np.outer(lam, lam)
    mu = np.zeros(k)
    for g in np.unique(label):
        idx = np.flatnonzero(label == g)
        if idx.size < 2:
            continue
        b = rest[np.ix_(idx, idx)]
        if idx.size == 2:  # one equation: equal shares of each member's remaining variance
            room = np.clip(1.0 - lam[idx] ** 2, 1e-300, None)
            # product of the roots: room[0] * room[1] underflows to 0 when both are
            # clipped (general loadings of 1 or more: no exact form, rejected below)
            share = abs(float(b[0, 1])) / (float(np.sqrt(room[0])) * float(np.sqrt(room[1])))
            m = np.sqrt(share * room)
            mu[idx] = m * np.array([1.0, np.sign(b[0, 1]) or 1.0])
            continue
        mu[idx] = _group_loadings(b)
    fitted = np.outer(lam, lam) + np.where(same, np.outer(mu, mu), 0.0)
    diff = r - fitted
    np.fill_diagonal(diff, 0.0)
    residual = float(np.max(np.abs(diff)))
    var = 1.0 - lam**2 - mu**2
    if not (residual <= EXACT_TOL and float(np.min(var)) >= -_ZERO_VAR):  # also NaN
        return None
    sd = np.where(var < _ZERO_VAR, 0.0, np.sqrt(np.clip(var, 0.0, None)))
    return ExactBifactor(lam, mu, label, sd, residual)


def exact_bifactor(corr: np.ndarray, lam: np.ndarray | None = None) -> ExactBifactor | None:
    """Exact bifactor form of a correlation, or None (module notes).

    None also when the nested rule would not be exact for the form found: a group mixing
    members with and without unique spread, a grouped member whose unique spread is below
    half its group loading, more than :data:`_MAX_DEGENERATE` members without unique spread,
    or no group at all (a product form has its own exact integral).  ``lam`` is the nearest
    product form when already known.

    Examples
    --------
    Three groups of two around a general factor 0.6, group loadings 0.5 (with only two
    groups the general factor is not identified: one between-group correlation for two
    group means):

    >>> lam, mu = np.full(6, 0.6), np.full(6, 0.5)
    >>> label = np.array([0, 0, 1, 1, 2, 2])
    >>> r = np.outer(lam, lam) + (label[:, None] == label) * np.outer(mu, mu)
    >>> np.fill_diagonal(r, 1.0)
    >>> fit = exact_bifactor(r)
    >>> np.abs(fit.general).round(6).tolist(), np.abs(fit.group).round(6).tolist()
    ([0.6, 0.6, 0.6, 0.6, 0.6, 0.6], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    >>> r[0, 2] = r[2, 0] = 0.37  # one correlation off the form
    >>> exact_bifactor(r) is None
    True
    """
    from yieldtrial.stats._mvt_sov import nearest_product_form

    r = np.asarray(corr, dtype=float)
    k = r.shape[0]
    if k < 4 or not np.all(np.isfinite(r)):
        return None
    lam0 = nearest_product_form(r) if lam is None else np.asarray(lam, dtype=float)
    resid = r - np.outer(lam0, lam0)
    np.fill_diagonal(resid, 0.0)
    top = float(np.max(np.abs(resid)))
    if top <= EXACT_TOL:
        return None
    for cut in (0.5, 0.25, 0.1):
        label = _refine(r, _components(np.abs(resid) > cut * top))
        if label is None:
            continue
        fit = _fit(r, label)
        if fit is not None:
            return fit if _rule_applies(fit) else None
    return None


#: Most distinct members (distinct ``(d_i, h_i)``) of :func:`exact_bifactor_low_rank`: its
#: dense correlation of representatives has at most twice as many rows, and
#: :func:`exact_bifactor` on it costs (stop 43, blocks of 3 entries) 1.4 s and 62 MiB at 502
#: types, 9.6 s and 247 MiB at 999; above it the near product form (Li-Shao) is used.
LOW_RANK_TYPES_MAX = 600


def exact_bifactor_low_rank(
    d: np.ndarray, h: np.ndarray, type_of: np.ndarray | None = None
) -> ExactBifactor | None:
    r"""Exact bifactor form of the correlation of ``diag(d) + h h'``, without the m x m matrix.

    An augmented design's vs-control family fitted with the entries absorbed has this
    covariance (``h_i = F_i - s F_c``: one row per block for its entries, one per other
    check), with only ``b + c - 1`` distinct members ``(d_i, h_i)``: members of a type have
    identical rows, so every pair of the family has the correlation of a pair of
    representatives (two of each type that has two or more members, else its one).  The
    form is found on the representatives' correlation (:func:`exact_bifactor`: the groups,
    loadings and the check of every off-diagonal correlation against :data:`EXACT_TOL`),
    then each member takes its type's loadings.  Since every pair of the family is one of
    the pairs checked, the residual is the family's; the rule's conditions are checked on
    the whole family (the number of members without unique spread counts them all).

    Parameters
    ----------
    d : ndarray, shape (m,)
        Diagonal part (the entry's own plot variance, 0 for a check).
    h : ndarray, shape (m, q)
        Low-rank part of each member.
    type_of : ndarray of int, shape (m,), optional
        Type of each member (members of a type must share ``d_i`` and ``h_i``); found with
        ``numpy.unique`` when not given.

    Returns
    -------
    ExactBifactor or None
        None when the correlation is not of exact bifactor form, not even with the
        members without own variance (``d = 0``) as one group of rank two (five or more
        checks, a check missing from a block), when there are more than
        :data:`LOW_RANK_TYPES_MAX` types, or when the nested rule would not be exact for it.

    Examples
    --------
    Three blocks of three entries (own variance 1, block factor 0.5) around a common part
    0.8 (the general factor), and one more comparison that is the common part itself:

    >>> h = np.zeros((10, 4))
    >>> h[:, 0] = 0.8
    >>> for b in range(3):
    ...     h[3 * b : 3 * b + 3, 1 + b] = 0.5
    >>> d = np.r_[np.ones(9), 0.0]
    >>> fit = exact_bifactor_low_rank(d, h)
    >>> v = h @ h.T + np.diag(d)
    >>> r = v / np.sqrt(np.outer(np.diag(v), np.diag(v)))
    >>> form = np.outer(fit.general, fit.general) + (
    ...     fit.label[:, None] == fit.label) * np.outer(fit.group, fit.group)
    >>> bool(np.allclose((r - form)[~np.eye(10, dtype=bool)], 0.0, atol=1e-12))
    True
    """
    d = np.asarray(d, dtype=float)
    h = np.asarray(h, dtype=float).reshape(d.size, -1)
    if type_of is None:
        keys = np.column_stack([d, h])
        _, type_of = np.unique(keys, axis=0, return_inverse=True)
    type_of = np.asarray(type_of, dtype=int).ravel()
    n_types = int(type_of.max()) + 1 if type_of.size else 0
    if n_types > LOW_RANK_TYPES_MAX or d.size < 4:
        return None
    order = np.argsort(type_of, kind="stable")
    count = np.bincount(type_of, minlength=n_types)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    first = order[start]
    second = order[start[count >= 2] + 1]
    reps = np.concatenate([first, second])  # the first n_types are one per type
    cov = h[reps] @ h[reps].T
    cov[np.diag_indices_from(cov)] += d[reps]
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    if np.any(sd == 0.0):
        return None
    # not rounded (the dense path rounds to 1e-12 for its cache key): the stated error
    # counts the residual once per pair of the family, 5e7 pairs at 10,000 entries
    r = cov / np.outer(sd, sd)
    np.fill_diagonal(r, 1.0)
    fit = exact_bifactor(r)
    if fit is None:
        fit = _with_plane(r, d[reps] == 0.0)
        if fit is None:
            return None
    # the second member of a type must share its type's loadings and group
    twin = np.flatnonzero(count >= 2)
    rows = np.column_stack([fit.general, fit.group, fit.sd, fit.label])
    if not np.allclose(rows[n_types:], rows[twin], rtol=0.0, atol=1e-9):
        return None
    # relabel the groups so that equal labels mean one group in the family
    _, label = np.unique(fit.label[:n_types], return_inverse=True)
    full = ExactBifactor(
        fit.general[:n_types][type_of],
        fit.group[:n_types][type_of],
        np.asarray(label, dtype=int).ravel()[type_of],
        fit.sd[:n_types][type_of],
        fit.residual,
        None if fit.plane is None else fit.plane[:n_types][type_of],
    )
    return full if _rule_applies(full) else None


def _with_plane(r: np.ndarray, flat: np.ndarray) -> ExactBifactor | None:
    """Bifactor form whose members without own variance are one group of rank two.

    Four checks: the three other checks' comparisons correlate with the entries only
    through the general factor ``W`` and, beside it, span two dimensions (``W`` is their
    mean).  The form of the other members (the entries: general factor and one group per
    block) comes from :func:`exact_bifactor`; a flat member's general loading is the least
    squares of its correlations with them (``r_ki = lam_k lam_i``), and what is left of the
    flat members' correlation, ``r_FF - lam_F lam_F'`` (unit diagonal included), must be of
    rank two: its two loadings per member come from that 3 x 3 (or so) matrix.  Accepted only
    when every off-diagonal correlation is reproduced to :data:`EXACT_TOL`.
    """
    fl, rest = np.flatnonzero(flat), np.flatnonzero(~flat)
    if fl.size < 3 or rest.size < 4:
        return None
    base = exact_bifactor(r[np.ix_(rest, rest)])
    if base is None or base.plane is not None:
        return None
    lam_r = base.general
    lam_f = r[np.ix_(fl, rest)] @ lam_r / float(lam_r @ lam_r)
    left = r[np.ix_(fl, fl)] - np.outer(lam_f, lam_f)
    w, u = np.linalg.eigh(left)  # |F| x |F|: the flat members only
    if w[0] < -1e-9 or (w.size > 2 and w[-3] > 1e-9) or w[-2] <= 1e-9:
        return None
    plane_f = u[:, -2:] * np.sqrt(w[-2:])
    k = r.shape[0]
    general = np.zeros(k)
    general[rest], general[fl] = lam_r, lam_f
    group = np.zeros(k)
    group[rest] = base.group
    label = np.zeros(k, dtype=int)
    label[rest] = base.label
    label[fl] = int(base.label.max()) + 1
    sd = np.zeros(k)
    sd[rest] = base.sd
    plane = np.zeros((k, 2))
    plane[fl] = plane_f
    same = label[:, None] == label[None, :]
    fitted = np.outer(general, general) + np.where(same, np.outer(group, group), 0.0)
    fitted += plane @ plane.T
    diff = r - fitted
    if float(np.max(np.abs(np.diag(diff)[fl]))) > 1e-9:  # flat: no variance left over
        return None
    np.fill_diagonal(diff, 0.0)
    residual = float(np.max(np.abs(diff)))
    if not residual <= EXACT_TOL:
        return None
    return ExactBifactor(general, group, label, sd, residual, plane)


def _refine(r: np.ndarray, label: np.ndarray) -> np.ndarray | None:
    """Regroup from a first guess whose groups of two or more fix the general factor.

    The general loadings are the rank-one fit of the correlations between those groups
    (at least three), a member outside them gets its loading from its correlations with
    them, and the members whose correlations then still differ from ``lam lam'`` (by more
    than 1e-6) are joined.  None when fewer than three groups of two or more show.
    """
    sizes = np.bincount(label)
    core = sizes[label] >= 2
    if int(np.sum(sizes >= 2)) < 3 or np.all(core):
        return label if int(np.sum(sizes >= 2)) >= 3 else None
    lam = _general(r, label)
    if lam is None:
        return None
    diff = np.abs(r - np.outer(lam, lam)) > 1e-6
    same = label[:, None] == label[None, :]
    linked = np.where(core[:, None] & core[None, :], same, diff)
    np.fill_diagonal(linked, False)
    return _components(linked)


def _rule_applies(fit: ExactBifactor) -> bool:
    """Whether the nested rule integrates ``fit`` exactly (see :func:`exact_bifactor`)."""
    flat = fit.sd == 0.0
    if int(np.sum(flat)) > _MAX_DEGENERATE:
        return False
    in_plane = _plane_members(fit)
    for g in np.unique(fit.label):
        idx = np.flatnonzero(fit.label == g)
        if np.any(in_plane[idx]):  # the polygon rule (four checks)
            if not np.all(in_plane[idx] & flat[idx]):
                return False
            continue
        if idx.size == 1:
            if flat[idx[0]] and abs(float(fit.general[idx[0]])) < 1e-6:
                return False  # a constant comparison
            continue
        if np.all(flat[idx]):
            if np.any(np.abs(fit.group[idx]) < 1e-6):
                return False
            continue
        if np.any(flat[idx]):
            return False
        if np.any(fit.sd[idx] < _MIN_SPREAD_RATIO * np.abs(fit.group[idx])):
            return False
    return True


# ------------------------------------------------------------------ the nested quadrature


def _lines(fit: ExactBifactor, two_sided: bool) -> tuple[list[Any], np.ndarray]:
    """Degenerate groups (members' loadings) and the panel edges' slopes in ``r``.

    A flat member ``l z0 + m zg`` bounds ``zg`` by ``(s r - l z0) / m``, ``s = +-1``: two
    such lines cross at ``z0 = r (t / m_j - s / m_i) / (l_j / m_j - l_i / m_i)``; a flat
    member of its own (``m = 0``) bounds ``z0`` at ``s r / l``.
    """
    signs = (1.0, -1.0) if two_sided else (1.0,)
    flat_groups: list[Any] = []
    slopes: list[float] = list(_plane_slopes(fit, signs))
    in_plane = _plane_members(fit)
    for g in np.unique(fit.label):
        idx = np.flatnonzero(fit.label == g)
        if not np.all(fit.sd[idx] == 0.0) or np.any(in_plane[idx]):
            continue
        lam, mu = fit.general[idx], fit.group[idx]
        flat_groups.append((lam, mu))
        if idx.size == 1:
            slopes.extend(s / float(lam[0]) for s in signs)
            continue
        lines = [
            (s / m, -g / m) for g, m in zip(lam, mu, strict=True) for s in signs
        ]  # zg = a r + b z0
        for i in range(len(lines)):
            for j in range(i + 1, len(lines)):
                (a1, b1), (a2, b2) = lines[i], lines[j]
                if abs(b1 - b2) > 1e-12:
                    slopes.append((a2 - a1) / (b1 - b2))
    return flat_groups, np.array(slopes)


def _outer_rule(
    r: np.ndarray, width: float, slopes: np.ndarray, order: int
) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre rule in ``z0`` on [-9, 9] with edges at ``r * slopes``.

    Returns nodes and weights (density included), each of shape ``(M, n)``.
    """
    panels = int(np.ceil(18.0 / width))
    base = np.linspace(-9.0, 9.0, panels + 1)
    edges = np.broadcast_to(base, (r.size, base.size))
    if slopes.size:
        extra = np.clip(r[:, None] * slopes[None, :], -9.0, 9.0)
        edges = np.sort(np.concatenate([edges, extra], axis=1), axis=1)
    x, w = np.polynomial.legendre.leggauss(order)
    half = np.diff(edges, axis=1) / 2.0
    mid = (edges[:, :-1] + edges[:, 1:]) / 2.0
    nodes = (mid[:, :, None] + half[:, :, None] * x).reshape(r.size, -1)
    weights = (half[:, :, None] * w).reshape(r.size, -1)
    weights = weights * np.exp(-0.5 * nodes**2) / np.sqrt(2.0 * np.pi)
    return nodes, weights


def _log_between(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``log(Phi(hi) - Phi(lo))``, accurate where it is near 0 (-inf when ``lo >= hi``)."""
    from scipy.special import ndtr

    outside = ndtr(lo) + ndtr(-hi)
    with np.errstate(divide="ignore"):
        inside = np.log1p(-np.clip(outside, 0.0, 1.0))
    return np.asarray(np.where(lo < hi, inside, -np.inf))


def _bounds(r: np.ndarray, shift: np.ndarray, scale: Any, two_sided: bool) -> tuple[Any, Any]:
    """Standardised bounds of ``shift + scale e`` inside ``[-r, r]`` (or ``<= r``)."""
    hi = (r - shift) / scale
    lo = (-r - shift) / scale if two_sided else np.full(np.shape(hi), -np.inf)
    return lo, hi


def nested_exceedance(
    r: np.ndarray,
    fit: ExactBifactor,
    two_sided: bool,
    *,
    order: int = _ORDER,
    inner_nodes: int = _INNER,
    refine: int = 1,
) -> np.ndarray:
    """``1 - G(r)`` of an exact bifactor form by the nested quadrature (module notes).

    Parameters
    ----------
    r : ndarray, shape (M,)
        Thresholds (normal scale).
    fit : ExactBifactor
        The correlation's form.
    two_sided : bool
        ``|X_i| <= r`` (True) or ``X_i <= r``.
    order, inner_nodes : int
        Gauss-Legendre points per panel of ``z0``; Gauss-Hermite nodes of each group factor.
    refine : int
        Panels of ``z0`` are this many times narrower (the error check uses 2).

    Returns
    -------
    ndarray, shape (M,)
    """
    rr = np.atleast_1d(np.asarray(r, dtype=float))
    out = np.empty(rr.size)
    # thresholds per block so that the (r, z0, zg, members) temporaries stay near 2e6 elements
    _, slopes = _lines(fit, two_sided)
    nodes = (int(np.ceil(18.0 / _panel_width(fit, refine))) + slopes.size) * order
    widest = max([t.shape[0] for t, _ in _smooth_groups(fit)] + [1])
    chunk = int(np.clip(_BUDGET // (nodes * inner_nodes * widest), 1, _CHUNK))
    for start in range(0, rr.size, chunk):
        part = rr[start : start + chunk]
        out[start : start + chunk] = _nested_chunk(part, fit, two_sided, order, inner_nodes, refine)
    return out


def _panel_width(fit: ExactBifactor, refine: int) -> float:
    """Panel width of the ``z0`` rule: twice the narrowest ``sqrt(1 - lam^2) / lam``.

    Members that are the general factor itself (indicators, panel edges) do not count.
    """
    steep = (fit.sd > 0.0) | (fit.group != 0.0)  # members that vary smoothly with z0
    lam = np.abs(fit.general[steep])
    widths = np.sqrt(np.clip(1.0 - lam**2, 0.0, None)) / np.maximum(lam, 1e-12)
    return min(2.0, max(2.0 * float(np.min(widths)) if widths.size else 2.0, 0.02)) / refine


def _smooth_groups(fit: ExactBifactor) -> list[tuple[np.ndarray, float]]:
    """List the groups with unique spread, each distinct one once: ``(rows, times)``.

    ``rows`` holds ``(lam, mu, sd, count)`` of the group's distinct members.
    """
    found: dict[bytes, list[Any]] = {}
    for g in np.unique(fit.label):
        idx = np.flatnonzero(fit.label == g)
        if np.all(fit.sd[idx] == 0.0):
            continue
        rows = np.round(np.column_stack([fit.general[idx], fit.group[idx], fit.sd[idx]]), 13)
        rows, counts = np.unique(rows, axis=0, return_counts=True)
        table = np.column_stack([rows, counts])
        key = table.tobytes()
        if key in found:
            found[key][1] += 1.0
        else:
            found[key] = [table, 1.0]
    return [(t, n) for t, n in found.values()]


def _nested_chunk(
    r: np.ndarray, fit: ExactBifactor, two_sided: bool, order: int, inner_nodes: int, refine: int
) -> np.ndarray:
    flat_groups, slopes = _lines(fit, two_sided)
    single_flat = np.array([flat_g[0].size == 1 for flat_g in flat_groups], dtype=bool)
    width = _panel_width(fit, refine)
    z0, w0 = _outer_rule(r, width, slopes, order)
    rr = r[:, None]
    total = np.zeros(z0.shape)
    zg, wg = np.polynomial.hermite_e.hermegauss(inner_nodes)
    wg = wg / np.sqrt(2.0 * np.pi)
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        for table, times in _smooth_groups(fit):
            gl, gm, gs, counts = table.T
            if np.all(gm == 0.0):  # members of their own
                for l_i, s_i, n_i in zip(gl, gs, counts, strict=True):
                    lo, hi = _bounds(rr, l_i * z0, s_i, two_sided)
                    total += times * n_i * _log_between(lo, hi)
                continue
            shift = gl * z0[:, :, None, None] + gm * zg[None, None, :, None]  # (M, n0, ng, p)
            lo, hi = _bounds(rr[:, :, None, None], shift, gs, two_sided)
            log_in = _log_between(lo, hi) @ counts
            inner = np.exp(log_in) @ wg
            total += times * np.log(np.maximum(inner, 1e-300))
        for (gl, gm), alone in zip(flat_groups, single_flat, strict=True):
            if alone:  # the member is a multiple of z0: an indicator
                x = gl[0] * z0
                ok = (x <= rr) & ((x >= -rr) if two_sided else True)
                total = np.where(ok, total, -np.inf)
                continue
            lo = np.full(z0.shape, -np.inf)
            hi = np.full(z0.shape, np.inf)
            for l_i, m_i in zip(gl, gm, strict=True):
                # l z0 + m zg inside the box: zg' = sign(m) zg lies in [a, b]
                a, b = _bounds(rr, l_i * z0, abs(m_i), two_sided)
                if m_i < 0.0:
                    a, b = -b, -a
                lo, hi = np.maximum(lo, a), np.minimum(hi, b)
            total += _log_between(lo, hi)
        if fit.plane is not None:
            total += _log_plane(r, z0, fit, two_sided, order, refine)
        ex = -np.expm1(total)
    return np.asarray(np.clip(np.sum(ex * w0, axis=1) / np.sum(w0, axis=1), 0.0, 1.0))


#: Panels of the plane's Gauss-Legendre rule on [-9, 9] before the crossings are added, and
#: the elements of one block of its (thresholds, z0, g1) temporaries (about 2 MB each).
_PLANE_PANELS, _PLANE_BUDGET = 9, 250_000


def _plane_members(fit: ExactBifactor) -> np.ndarray:
    """Mask of the members on the two-dimensional group factor (none without one)."""
    if fit.plane is None:
        return np.zeros(fit.general.size, dtype=bool)
    return np.asarray(np.any(fit.plane != 0.0, axis=1))


def _plane_loadings(fit: ExactBifactor) -> tuple[np.ndarray, np.ndarray]:
    """Return the plane members' general and plane loadings (each distinct member once).

    The plane is rotated so that no member is near parallel to the first axis: every
    ``|m_k2|`` (the member's bound on the second coordinate) as large as it gets.
    """
    members = _plane_members(fit)
    plane = np.zeros((fit.general.size, 2)) if fit.plane is None else fit.plane
    lam, m = fit.general[members], plane[members]
    angles = np.linspace(0.0, np.pi, 181)[:-1]
    second = np.abs(m @ np.vstack([-np.sin(angles), np.cos(angles)]))  # (p, angles)
    a = float(angles[int(np.argmax(np.min(second, axis=0)))])
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    rows = np.unique(np.column_stack([lam, m @ rot]), axis=0)  # equal members: one bound
    return rows[:, 0], rows[:, 1:]


def _plane_slopes(fit: ExactBifactor, signs: tuple[float, ...]) -> list[float]:
    """Panel edges of the ``z0`` rule where three of the plane's lines meet (``z0 / r``).

    Lines ``m_j . g = s_j r - l_j z0`` of three members meet where
    ``sum_j C_j (s_j r - l_j z0) = 0`` (``C_j`` the cofactors of the ``m`` rows): there the
    polygon's probability has a kink in ``z0``.
    """
    if fit.plane is None:
        return []
    lam, m = _plane_loadings(fit)
    out: list[float] = []
    p = lam.size
    for i in range(p):
        for j in range(i + 1, p):
            for k in range(j + 1, p):
                rows = m[[i, j, k]]
                cof = np.array(
                    [
                        np.linalg.det(rows[[1, 2]]),
                        -np.linalg.det(rows[[0, 2]]),
                        np.linalg.det(rows[[0, 1]]),
                    ]
                )
                den = float(cof @ lam[[i, j, k]])
                if abs(den) < 1e-12:
                    continue
                for si in signs:
                    for sj in signs:
                        for sk in signs:
                            out.append(float(cof @ np.array([si, sj, sk])) / den)
    return out


def _log_plane(
    r: np.ndarray, z0: np.ndarray, fit: ExactBifactor, two_sided: bool, order: int, refine: int
) -> np.ndarray:
    """``log P(every plane member inside | z0)``: a polygon's normal probability.

    The members ``l_k z0 + m_k . g`` (``g`` standard normal in two dimensions, rotated so
    that every ``m_k2`` bounds ``g2``) lie in the box when ``g2`` lies in an interval for
    each ``g1`` (a closed form, ``Phi(hi) - Phi(lo)``); ``g1`` is integrated by a composite
    Gauss-Legendre rule on [-9, 9] whose panel edges include every crossing of two of the
    lines (the interval's bounds are piecewise linear in ``g1``, smooth between them).
    """
    from scipy.special import ndtr

    lam, m = _plane_loadings(fit)
    signs = (1.0, -1.0) if two_sided else (1.0,)
    x, w = np.polynomial.legendre.leggauss(order)
    base = np.linspace(-9.0, 9.0, _PLANE_PANELS * refine + 1)
    out = np.empty(z0.shape)
    crossings = lam.size * (lam.size - 1) // 2 * len(signs) ** 2
    nodes = (base.size - 1 + crossings) * order
    step = max(1, _PLANE_BUDGET // (z0.shape[1] * nodes))
    for start in range(0, r.size, step):
        rr = r[start : start + step, None, None]
        zz = z0[start : start + step, :, None]
        # the g1 coordinates where two lines cross (shape (M, n0, E))
        cuts = []
        for i in range(lam.size):
            for j in range(i + 1, lam.size):
                det = m[i, 0] * m[j, 1] - m[i, 1] * m[j, 0]
                if abs(det) < 1e-12:
                    continue
                for si in signs:
                    for sj in signs:
                        bi, bj = si * rr - lam[i] * zz, sj * rr - lam[j] * zz
                        cuts.append((m[j, 1] * bi - m[i, 1] * bj) / det)
        shape = np.broadcast(rr, zz).shape
        edges = np.broadcast_to(base, (*shape[:2], base.size))
        if cuts:
            extra = np.clip(np.concatenate([np.broadcast_to(c, shape) for c in cuts], 2), -9, 9)
            edges = np.sort(np.concatenate([edges, extra], axis=2), axis=2)
        half = np.diff(edges, axis=2) / 2.0
        mid = (edges[:, :, :-1] + edges[:, :, 1:]) / 2.0
        g1 = (mid[..., None] + half[..., None] * x).reshape(*shape[:2], -1)
        wg = (half[..., None] * w).reshape(*shape[:2], -1) * np.exp(-0.5 * g1**2)
        wg /= np.sqrt(2.0 * np.pi)
        lo = np.full(g1.shape, -np.inf)
        hi = np.full(g1.shape, np.inf)
        rr4, zz4 = rr, zz
        for l_k, (m1, m2) in zip(lam, m, strict=True):
            a, b = _bounds(rr4, l_k * zz4 + m1 * g1, abs(m2), two_sided)
            if m2 < 0.0:
                a, b = -b, -a
            lo, hi = np.maximum(lo, a), np.minimum(hi, b)
        outside = np.where(lo < hi, ndtr(lo) + ndtr(-hi), 1.0)
        missed = np.clip(np.sum(outside * wg, axis=2), 0.0, 1.0)
        with np.errstate(divide="ignore"):
            out[start : start + step] = np.log1p(-missed)
    return out


# ----------------------------------------------------------------------- the curve


@dataclass(frozen=True)
class NestedCurve:
    """``P(max T_i > c)`` (or ``max |T_i|``) from the tabulated exact normal curve.

    Attributes
    ----------
    r_grid : ndarray
        Thresholds of the table (normal scale).
    log_exceed : ndarray
        ``log(1 - G)`` on the grid (spline knots).
    error : float
        Stated absolute error (module notes).
    two_sided : bool
        ``max |T_i|`` (True) or ``max T_i``.
    chi_rule : (ndarray, ndarray)
        Nodes and weights of the average over ``s = sqrt(chi2_df / df)``.
    method : str
        ``"exact-nested"``.
    """

    r_grid: np.ndarray
    log_exceed: np.ndarray
    error: float
    two_sided: bool
    chi_rule: tuple[np.ndarray, np.ndarray] = field(default=(np.ones(1), np.ones(1)))
    method: str = "exact-nested"

    def _normal_exceedance(self, r: np.ndarray) -> np.ndarray:
        from yieldtrial.stats._spline import CubicSpline  # scipy.interpolate's, bit for bit

        spline = CubicSpline(self.r_grid, self.log_exceed)
        lo, hi = float(self.r_grid[0]), float(self.r_grid[-1])
        out = np.exp(spline(np.clip(r, lo, hi)))
        out[r < lo] = 1.0
        out[r > hi] = 0.0  # beyond the Bonferroni 1e-17 point
        return np.asarray(np.clip(out, 0.0, 1.0))

    def exceedance(self, cs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``P(max T_i > c)`` and its stated absolute error at every ``c``."""
        c = np.atleast_1d(np.asarray(cs, dtype=float))
        s_nodes, s_weights = self.chi_rule
        out = np.clip(self._normal_exceedance(c[:, None] * s_nodes[None, :]) @ s_weights, 0.0, 1.0)
        if self.two_sided:
            out[c <= 0.0] = 1.0
        return out, np.full(c.shape, self.error)


def nested_curve(fit: ExactBifactor, *, two_sided: bool) -> NestedCurve:
    """Tabulate the exact normal curve of ``fit`` and state its error (module notes)."""
    from scipy.special import ndtr, ndtri

    from yieldtrial.stats._spline import CubicSpline  # scipy.interpolate's, bit for bit

    k = fit.general.size
    sides = 2.0 if two_sided else 1.0
    r_top = float(-ndtri(1e-17 / (sides * k)))
    r_low = 0.0 if two_sided else -8.0
    n = int(np.ceil((r_top - r_low) / _GRID_STEP))
    grid = np.linspace(r_low, r_top, n + 1)
    mids = (grid[:-1] + grid[1:]) / 2.0
    both = nested_exceedance(np.concatenate([grid, mids]), fit, two_sided)
    at_grid, at_mid = both[: grid.size], both[grid.size :]
    at_grid = np.minimum.accumulate(at_grid)  # a curve: non-increasing in r
    # the table ends before the first threshold whose exceedance underflows to 0 (a member
    # that is the general factor itself bounds z0 inside [-9, 9], and the groups' products
    # round to 1 near 1e-16): log(0) next to log(1e-19) made the spline overshoot by 1e9
    # (stop 43, two checks, 10,000 entries).  Beyond its end the curve is 0, off by at most
    # the Bonferroni bound there, which the stated error includes.
    tail = 0.0
    zero = np.flatnonzero(at_grid <= 0.0)
    if zero.size and zero[0] >= 4:
        keep = int(zero[0])
        grid, at_grid = grid[:keep], at_grid[:keep]
        mids, at_mid = mids[: keep - 1], at_mid[: keep - 1]
        tail = float(min(1.0, sides * k * ndtr(-grid[-1])))
    with np.errstate(divide="ignore"):
        log_ex = np.log(np.maximum(at_grid, 1e-300))
    spline = CubicSpline(grid, log_ex)
    interp = float(np.max(np.abs(np.exp(spline(mids)) - at_mid)))
    finer = nested_exceedance(
        mids[::_CHECK_EVERY],
        fit,
        two_sided,
        order=_CHECK_ORDER,
        inner_nodes=_CHECK_INNER,
        refine=2,
    )
    quad = float(np.max(np.abs(finer - at_mid[::_CHECK_EVERY])))
    error = max(interp + 2.0 * quad + fit.residual * k * (k - 1) / 2.0 + tail, 1e-9)
    return NestedCurve(grid, log_ex, error, two_sided)
