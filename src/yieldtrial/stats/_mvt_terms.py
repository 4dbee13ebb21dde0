r"""Exact Taylor terms ``T_n`` of ``G`` around a product form, for any order ``n``.

:func:`yieldtrial.stats._mvt_taylor.product_form_expansion` writes ``T_1..T_3`` by hand.
This module computes ``T_n`` for any ``n`` from one identity.  Given the common factor(s)
``Z`` the product form's variables are independent, ``F_i`` their conditional interval
probabilities, and ``n! T_n = E_Z[L^n prod_i F_i]`` with Plackett's operator
``L = sum_{i<j} D_ij d_i d_j`` (``D = C - C_1``, zero diagonal).  Write
``F_i^{(m)} / F_i = E[xi_i^m]`` for formal independent variables ``xi_i``: their moment
generating function is ``F_i(b + s) / F_i(b)``, so their cumulants are the logarithmic
derivatives ``kappa_i^{(m)} = (log F_i)^{(m)}``, and

.. math:: \frac{L^n \prod_i F_i}{\prod_i F_i} = E\big[Q^n\big], \qquad
          Q = \tfrac12 \xi' D \xi .

``E[Q^n]`` is a sum over the ``2n`` factors ``xi`` of ``Q^n`` (two per ``D``): by the
moment-cumulant formula for independent variables, ``E[prod xi] = sum_pi prod_B
kappa^{(|B|)}`` over the set partitions ``pi`` of the factors whose blocks hold one
variable each.  Every partition is a multigraph (a vertex per block, an edge per ``D``);
its value is the contraction of the ``D`` along the edges with ``kappa^{(deg)}`` at each
vertex, a product over its connected components.  The partitions are grouped once into
isomorphism classes of multigraphs with their counts (:func:`term_classes`), so that
``T_n = E_Z[prod F * 2^-n sum_classes count * prod_components value] / n!``.

The first three orders equal the hand-written ``T_1, T_2, T_3`` to rounding (tests).

References
----------
.. [1] Plackett, R. L. (1954). A reduction formula for normal multivariate integrals.
   *Biometrika* 41, 351-360. :doi:`10.1093/biomet/41.3-4.351`
.. [2] McCullagh, P. (1987). *Tensor Methods in Statistics*, ch. 2-3 (moments and
   cumulants of independent variables through set partitions). Chapman and Hall.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from functools import cache, lru_cache

import numpy as np

__all__ = [
    "CLASSES_4",
    "cumulant_derivatives",
    "enumerate_classes",
    "limit_ratios",
    "taylor_term",
    "term_classes",
]

_SQRT_2PI = math.sqrt(2.0 * math.pi)

Component = tuple[tuple[int, int], ...]  # canonical edge list on vertices 0..v-1


def _set_partitions(items: list[int]) -> list[list[list[int]]]:
    """All set partitions of ``items`` (restricted growth order)."""
    if not items:
        return [[]]
    first, rest = items[0], items[1:]
    out = []
    for part in _set_partitions(rest):
        out.append([[first], *part])
        for b in range(len(part)):
            out.append([*part[:b], [first, *part[b]], *part[b + 1 :]])
    return out


def _canonical(edges: list[tuple[int, int]], vertices: list[int]) -> Component:
    """Smallest sorted edge list over the relabellings of a connected multigraph."""
    first: dict[int, int] = {}
    for u, v in edges:  # label by first appearance: equal structures share one search
        first.setdefault(u, len(first))
        first.setdefault(v, len(first))
    return _canonical_labelled(tuple((first[u], first[v]) for u, v in edges), len(vertices))


@cache
def _canonical_labelled(edges: tuple[tuple[int, int], ...], count: int) -> Component:
    keys = []
    for perm in itertools.permutations(range(count)):
        keys.append(tuple(sorted(_edge(perm[u], perm[v]) for u, v in edges)))
    return min(keys)


def _components(count: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    """Vertices of each connected component (union-find over ``count`` vertices)."""
    parent = list(range(count))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in edges:
        parent[find(u)] = find(v)
    groups: dict[int, list[int]] = {}
    for b in range(count):
        groups.setdefault(find(b), []).append(b)
    return list(groups.values())


def _edge(u: int, v: int) -> tuple[int, int]:
    return (u, v) if u <= v else (v, u)


Classes = tuple[tuple[int, tuple[Component, ...]], ...]

#: :func:`enumerate_classes` of order 4 (1,657 partitions in 23 classes), written out so that
#: no call enumerates the 4,140 set partitions of eight factors (0.15 s); the tests check it
#: against the enumeration.
CLASSES_4: Classes = (
    (1, (((0, 1),), ((0, 1),), ((0, 1),), ((0, 1),))),
    (8, (((0, 1), (0, 1), (0, 1), (0, 1)),)),
    (12, (((0, 1),), ((0, 1),), ((0, 1), (0, 1)))),
    (12, (((0, 1), (0, 1)), ((0, 1), (0, 1)))),
    (16, (((0, 1),), ((0, 1), (0, 1), (0, 1)))),
    (16, (((0, 1), (0, 2), (0, 3), (0, 4)),)),
    (24, (((0, 1),), ((0, 1),), ((0, 1), (0, 2)))),
    (32, (((0, 1),), ((0, 1), (0, 2), (0, 3)))),
    (32, (((0, 1),), ((0, 1), (0, 2), (1, 2)))),
    (48, (((0, 1), (0, 1)), ((0, 1), (0, 2)))),
    (48, (((0, 1), (0, 1), (0, 2), (0, 2)),)),
    (48, (((0, 1), (0, 2)), ((0, 1), (0, 2)))),
    (48, (((0, 1), (0, 2), (1, 3), (2, 3)),)),
    (64, (((0, 1), (0, 1), (0, 1), (0, 2)),)),
    (96, (((0, 1),), ((0, 1), (0, 1), (0, 2)))),
    (96, (((0, 1),), ((0, 1), (0, 2), (1, 3)))),
    (96, (((0, 1), (0, 1), (0, 2), (0, 3)),)),
    (96, (((0, 1), (0, 1), (0, 2), (1, 2)),)),
    (96, (((0, 1), (0, 1), (0, 2), (1, 3)),)),
    (192, (((0, 1), (0, 1), (0, 2), (2, 3)),)),
    (192, (((0, 1), (0, 2), (0, 3), (1, 2)),)),
    (192, (((0, 1), (0, 2), (0, 3), (1, 4)),)),
    (192, (((0, 1), (0, 2), (1, 3), (2, 4)),)),
)


def term_classes(n: int) -> Classes:
    """:func:`enumerate_classes`, from :data:`CLASSES_4` at order 4."""
    return CLASSES_4 if n == 4 else enumerate_classes(n)


@lru_cache(maxsize=8)
def enumerate_classes(n: int) -> Classes:
    """Isomorphism classes of the partitions of ``E[Q^n]`` with their counts.

    Returns
    -------
    tuple of (count, components)
        ``components`` are the canonical edge lists of the connected components (sorted);
        partitions with a block holding both factors of one ``D`` are left out (``D`` has
        a zero diagonal).
    """
    positions = list(range(2 * n))
    counts: Counter[tuple[Component, ...]] = Counter()
    for part in _set_partitions(positions):
        block_of = {p: b for b, block in enumerate(part) for p in block}
        edges = [(block_of[2 * a], block_of[2 * a + 1]) for a in range(n)]
        if any(u == v for u, v in edges):
            continue
        comps = [
            _canonical([e for e in edges if e[0] in members], members)
            for members in _components(len(part), edges)
        ]
        counts[tuple(sorted(comps))] += 1
    return tuple(sorted((c, k) for k, c in counts.items()))


def limit_ratios(
    r: np.ndarray, shift: np.ndarray, sd: np.ndarray, two_sided: bool
) -> tuple[np.ndarray, ...]:
    """Standardized limits of ``F = P(|Y| <= r)`` (or ``Y <= r``), ``log F`` and ``phi(b) / F``.

    ``Y ~ N(shift, sd^2)``; two-sided ``F`` is even in the shift, so it is evaluated at
    ``|shift|`` and ``sign`` (of the shift) restores the odd derivatives.  Written with
    ``log_ndtr`` and Mills ratios so that intervals far in a tail keep their relative
    accuracy.

    Returns
    -------
    sign, b, a, log_f, ratio, dens_ratio : ndarray
        ``b = (r - mu) / sd``, ``a = (-r - mu) / sd`` (two-sided; else unused), ``log F``,
        ``phi(b) / F`` and ``phi(a) / phi(b)`` (two-sided; else 0).
    """
    from scipy.special import log_ndtr

    if two_sided:
        sign = np.where(shift < 0.0, -1.0, 1.0)
        mu = np.abs(shift)
    else:
        sign = np.ones_like(shift)
        mu = shift
    b = (r - mu) / sd
    log_b = log_ndtr(b)
    mills_b = np.exp(-0.5 * b * b - math.log(_SQRT_2PI) - log_b)  # phi(b) / Phi(b)
    if not two_sided:
        return sign, b, b, log_b, mills_b, np.zeros_like(b)
    a = (-r - mu) / sd
    keep = -np.expm1(log_ndtr(a) - log_b)  # 1 - Phi(a) / Phi(b)
    dens_ratio = np.exp(0.5 * (b * b - a * a))  # phi(a) / phi(b) <= 1
    log_f = log_b + np.log(np.maximum(keep, 1e-300))
    return sign, b, a, log_f, mills_b / np.maximum(keep, 1e-300), dens_ratio


def cumulant_derivatives(
    r: np.ndarray, shift: np.ndarray, sd: np.ndarray, two_sided: bool, order: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """``log F`` and its derivatives of orders ``1..order`` in a common shift of the limits.

    ``F = P(|Y| <= r)`` (or ``Y <= r``), ``Y ~ N(shift, sd^2)``.  The ratios
    ``F^{(m)} / F = sd^-m (-1)^(m-1) (He_{m-1}(b) phi(b) - He_{m-1}(a) phi(a)) / F`` (``b``,
    ``a`` the standardized upper and lower limits) are written with the Mills ratios of
    :func:`limit_ratios`, and turned into cumulants by
    ``kappa_m = mu_m - sum_{j<m} C(m-1, j-1) kappa_j mu_{m-j}``.
    """
    sign, b, a, log_f, ratio, dens_ratio = limit_ratios(r, shift, sd, two_sided)
    # Hermite polynomials He_0..He_{order-1} at b (and a): He_{m+1} = x He_m - m He_{m-1}
    he_b = [np.ones_like(b), b]
    he_a = [np.ones_like(b), a] if two_sided else []
    for m in range(1, order - 1):
        he_b.append(b * he_b[m] - m * he_b[m - 1])
        if two_sided:
            he_a.append(a * he_a[m] - m * he_a[m - 1])
    moments = []
    for m in range(1, order + 1):
        inner = he_b[m - 1] - he_a[m - 1] * dens_ratio if two_sided else he_b[m - 1]
        moments.append((-1.0) ** (m - 1) * ratio * inner / sd**m)
    kappas: list[np.ndarray] = []
    for m in range(1, order + 1):
        k = moments[m - 1].copy()
        for j in range(1, m):
            k -= math.comb(m - 1, j - 1) * kappas[j - 1] * moments[m - j - 1]
        kappas.append(k)
    kappas = [kappa * sign if m % 2 == 1 else kappa for m, kappa in enumerate(kappas, start=1)]
    return log_f, kappas


def _component_value(
    component: Component, kappas: list[np.ndarray], delta: np.ndarray
) -> np.ndarray:
    """Contract one connected component: ``kappa^{(deg)}`` at its vertices, ``D`` on its edges.

    Leaves are absorbed into their neighbour first (a matrix product per leaf; an edge of
    multiplicity ``m`` carries ``D`` to the elementwise power ``m``); what remains is one
    vertex (a sum) or one cycle (components of at most four edges have no other core),
    the trace of a product of ``diag(w) D`` around it, batched over the rows.
    """
    multiplicity = Counter(component)
    degree = Counter(v for e in component for v in e)
    weight = {v: kappas[degree[v] - 1] for v in degree}  # (P, k) each
    neighbours: dict[int, dict[int, int]] = {v: {} for v in degree}
    for (u, v), m in multiplicity.items():
        neighbours[u][v] = m
        neighbours[v][u] = m
    while len(weight) > 1:
        leaves = [v for v in weight if len(neighbours[v]) == 1]
        if not leaves:
            break
        leaf = leaves[0]
        ((other, m),) = neighbours[leaf].items()
        weight[other] = weight[other] * (weight[leaf] @ delta**m)
        del weight[leaf], neighbours[leaf], neighbours[other][leaf]
    if len(weight) == 1:
        return np.asarray(next(iter(weight.values())).sum(axis=1))
    if any(len(neighbours[v]) != 2 for v in weight):  # not a cycle (five or more edges)
        return _core_einsum(weight, neighbours, delta)
    # a cycle: walk it from its smallest vertex
    start = min(weight)
    order = [start]
    previous, current = None, start
    while True:
        nxt = [v for v in neighbours[current] if v != previous and v != order[0]]
        if not nxt:
            break
        previous, current = current, nxt[0]
        order.append(current)
    # tr(prod_v diag(w_v) D^m): each step scales the columns of the running product by the
    # next vertex's weights and multiplies by the fixed D^m (one matrix product for all
    # rows); the last step needs only the diagonal of the product
    rows, size = weight[start].shape
    powers = [delta ** neighbours[v][order[(i + 1) % len(order)]] for i, v in enumerate(order)]
    product = weight[start][:, :, None] * powers[0][None, :, :]
    for i in range(1, len(order) - 1):
        product *= weight[order[i]][:, None, :]
        product = (product.reshape(rows * size, size) @ powers[i]).reshape(rows, size, size)
    closing = np.einsum("rab,ba->rb", product, powers[-1])
    return np.asarray(np.einsum("rb,rb->r", closing, weight[order[-1]]))


def _core_einsum(
    weight: dict[int, np.ndarray], neighbours: dict[int, dict[int, int]], delta: np.ndarray
) -> np.ndarray:
    """Contract a core that is not one cycle (a theta graph at order 5) with ``einsum``."""
    letters = "abcdefghijklmnopqrstuvwxy"
    name = {v: letters[i] for i, v in enumerate(sorted(weight))}
    operands: list[np.ndarray] = []
    subscripts = []
    for v in sorted(weight):
        operands.append(weight[v])
        subscripts.append("z" + name[v])
        for u, m in neighbours[v].items():
            if u > v:
                operands.append(delta**m)
                subscripts.append(name[v] + name[u])
    spec = ",".join(subscripts) + "->z"
    return np.asarray(np.einsum(spec, *operands, optimize="greedy"))


def taylor_term(
    n: int,
    r: np.ndarray,
    lam: np.ndarray,
    corr: np.ndarray,
    nodes: np.ndarray,
    weights: np.ndarray,
    *,
    two_sided: bool,
) -> np.ndarray:
    """``T_n`` of ``G(C_1 + t D)`` at thresholds ``r`` (see the module notes).

    Parameters
    ----------
    n : int
        The order (1 or more).
    r : ndarray, shape (M,)
        Thresholds (normal scale).
    lam : ndarray, shape (k,)
        Product-form factors.
    corr : ndarray, shape (k, k)
        The target correlation.
    nodes, weights : ndarray, shape (nz,)
        Rule for ``E`` over the common factor (weights include the density).
    two_sided : bool
        ``|X_i| <= r`` (True) or ``X_i <= r``.

    Returns
    -------
    ndarray, shape (M,)
    """
    r = np.atleast_1d(np.asarray(r, dtype=float))
    lam = np.asarray(lam, dtype=float)
    k = lam.size
    sd = np.sqrt(1.0 - lam**2)
    delta = np.asarray(corr, dtype=float) - np.outer(lam, lam)
    np.fill_diagonal(delta, 0.0)
    z = np.asarray(nodes, dtype=float)
    shift = (z[:, None] * lam[None, :])[None, :, :]  # (1, nz, k)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        log_f, kappas = cumulant_derivatives(r[:, None, None], shift, sd, two_sided, 2 * n)
        prod = np.exp(np.sum(log_f, axis=2))  # (M, nz)
        use = prod > 1e-300
        flat = [np.broadcast_to(kappa, (r.size, z.size, k)).reshape(-1, k) for kappa in kappas]
        values: dict[Component, np.ndarray] = {}
        total = np.zeros(r.size * z.size)
        for count, components in term_classes(n):
            term = np.full(r.size * z.size, float(count))
            for comp in components:
                if comp not in values:
                    values[comp] = _component_value(comp, flat, delta)
                term = term * values[comp]
            total += term
        moment = total.reshape(r.size, z.size) / 2.0**n
        return np.asarray((np.where(use, prod * moment, 0.0) @ weights) / math.factorial(n))
