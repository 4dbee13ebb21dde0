"""Correlations and references shared by the Dunnett engine tests (``test_stats_mvt_*.py``).

Structured correlations of real designs (alpha lattices, a row-column design, an augmented
RCBD) built from their GLS LS-means by independent code, a 3-variable normal probability by
quadrature, and the bit-for-bit repeatability check of the p-values.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import special, stats

from yieldtrial.stats import _mvt_sov, _mvt_taylor, distributions
from yieldtrial.stats.distributions import dunnett_critical_value, dunnett_pvalues

# ----------------------------------------------------------------- structured correlations
# The permutations of the 21 entries in each replicate are written out (no RNG stream).
PERMUTATIONS = (
    (3, 17, 9, 0, 12, 20, 6, 14, 1, 8, 19, 11, 4, 15, 7, 2, 16, 10, 13, 5, 18),
    (11, 0, 19, 5, 13, 8, 16, 2, 10, 18, 7, 15, 3, 20, 6, 14, 1, 12, 9, 17, 4),
    (8, 5, 14, 20, 2, 11, 17, 12, 0, 9, 3, 16, 19, 6, 15, 1, 18, 7, 4, 13, 10),
)


def gls_means_cov(treatment, fixed, random, ratios, k):
    """Covariance (sigma^2 = 1) of treatment LS-means by GLS with known variance ratios.

    Fixed factors: first level dropped, LS-means average over their levels; random
    factors add ``ratio * Z Z'`` to the plot covariance (what REML gives at its estimates).
    """
    n = treatment.size
    x_cols, l_cols = [np.eye(k)[treatment]], [np.eye(k)]
    for f in fixed:
        levels = f.max() + 1
        x_cols.append(np.eye(levels)[f][:, 1:])
        l_cols.append(np.full((k, levels - 1), 1.0 / levels))
    x, lmat = np.hstack(x_cols), np.hstack(l_cols)
    v = np.eye(n)
    for g, ratio in zip(random, ratios, strict=True):
        z = np.eye(g.max() + 1)[g]
        v += ratio * z @ z.T
    return lmat @ np.linalg.inv(x.T @ np.linalg.solve(v, x)) @ lmat.T


def contrast_corr(v, control=0):
    """Correlation of the contrasts of every mean with mean ``control``."""
    m = v.shape[0]
    rest = [i for i in range(m) if i != control]
    w = np.zeros((m - 1, m))
    w[np.arange(m - 1), rest] = 1.0
    w[:, control] = -1.0
    c = w @ v @ w.T
    sd = np.sqrt(np.diag(c))
    return c / np.outer(sd, sd)


def alpha_lattice_corr():
    """21 entries, 3 replicates of 3 incomplete blocks of 7; blocks random (ratio 1.5)."""
    trt, rep, blk = [], [], []
    for r, perm in enumerate(PERMUTATIONS):
        for pos, e in enumerate(perm):
            trt.append(e)
            rep.append(r)
            blk.append(3 * r + pos // 7)
    trt, rep, blk = map(np.array, (trt, rep, blk))
    return contrast_corr(gls_means_cov(trt, [rep], [blk], [1.5], 21))


def alpha_lattice_b3_corr():
    """21 entries, 3 replicates of 7 incomplete blocks of 3; blocks random (ratio 2.0)."""
    trt, rep, blk = [], [], []
    for r, perm in enumerate(PERMUTATIONS):
        for pos, e in enumerate(perm):
            trt.append(e)
            rep.append(r)
            blk.append(7 * r + pos // 3)
    trt, rep, blk = map(np.array, (trt, rep, blk))
    return contrast_corr(gls_means_cov(trt, [rep], [blk], [2.0], 21))


def row_column_corr():
    """21 entries, 3 replicates of 3 rows x 7 columns; rows (1.0) and columns (0.7) random."""
    trt, rep, row, col = [], [], [], []
    for r, perm in enumerate(PERMUTATIONS[::-1]):
        for pos, e in enumerate(perm):
            trt.append(e)
            rep.append(r)
            row.append(3 * r + pos // 7)
            col.append(7 * r + pos % 7)
    trt, rep, row, col = map(np.array, (trt, rep, row, col))
    return contrast_corr(gls_means_cov(trt, [rep], [row, col], [1.0, 0.7], 21))


def augmented_corr():
    """Augmented RCBD: 4 checks in 5 fixed blocks, 20 entries once; entries vs check 0."""
    trt, blk = [], []
    for b in range(5):
        for t in [*range(4), *(4 + 4 * b + j for j in range(4))]:
            trt.append(t)
            blk.append(b)
    trt, blk = np.array(trt), np.array(blk)
    return contrast_corr(gls_means_cov(trt, [blk], [], [], 24))[3:, 3:]


def augmented_family(checks, blocks, per_block, drop=None):
    """Correlation of every other mean against check 0 in an augmented RCBD (blocks fixed).

    ``checks`` checks in each of ``blocks`` blocks, ``per_block`` entries once each per
    block; ``drop = (treatment, block)`` removes that plot.  OLS covariance of the
    LS-means (``gls_means_cov`` without random terms), as the model computes it.
    """
    trt, blk = [], []
    for b in range(blocks):
        for t in [*range(checks), *(checks + per_block * b + j for j in range(per_block))]:
            if drop != (t, b):
                trt.append(t)
                blk.append(b)
    k = checks + blocks * per_block
    return contrast_corr(gls_means_cov(np.array(trt), [np.array(blk)], [], [], k))


@functools.cache
def gauss_legendre(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on ``[-1, 1]`` (read-only; computed once per count).

    ``leggauss`` finds the nodes as eigenvalues each call, which the references below
    repeated for every threshold and chi node; the rule is the same every time.
    """
    x, w = np.polynomial.legendre.leggauss(nodes)
    x.flags.writeable = False
    w.flags.writeable = False
    return x, w


def mvn3(r: float, corr: np.ndarray, two_sided: bool) -> float:
    """P(X_i in box, i = 1..3), X ~ N(0, corr): 2-D Gauss-Legendre (96 x 96) over (X1, X2).

    The box is [-r, r]^3 or (-inf, r]^3 (the lower end at -9); given X1 and X2, X3 is
    normal, so the innermost probability is a difference of normal cdfs.  No code shared
    with yieldtrial.
    """
    nodes, weights = gauss_legendre(96)
    lo = -r if two_sided else -9.0
    z = (r - lo) / 2.0 * nodes + (r + lo) / 2.0
    wz = (r - lo) / 2.0 * weights
    s12 = corr[1:, :1]
    cond = corr[1:, 1:] - s12 @ s12.T
    b = s12.ravel()
    v2, v3, c23 = cond[0, 0], cond[1, 1], cond[0, 1]
    sd3 = np.sqrt(v3 - c23**2 / v2)
    x, y = z[:, None], z[None, :]
    m2 = b[0] * x
    m3 = b[1] * x + c23 / v2 * (y - m2)
    p3 = special.ndtr((r - m3) / sd3)
    if two_sided:
        p3 = p3 - special.ndtr((-r - m3) / sd3)
    dens = stats.norm.pdf(x) * stats.norm.pdf(y, m2, np.sqrt(v2))
    return float(wz @ (p3 * dens) @ wz)


def third_order_box(r):
    """Taylor box of ``r`` around its nearest product form (box [-1, 1]); and that form."""
    lam = _mvt_sov.nearest_product_form(r)
    base = np.outer(lam, lam)
    np.fill_diagonal(base, 1.0)
    k = r.shape[0]
    d1, d2, d3 = _mvt_taylor.cholesky_path(base, r, third=True)
    chol0 = np.linalg.cholesky(base)
    box = _mvt_taylor.TaylorBox(chol0, chol0, lam, d1, d2, np.full(k, -1.0), np.ones(k), lam,
                                r, np.zeros(1), np.ones(1), True, None, d3)  # fmt: skip
    return box, base


def assert_repeatable(corr: np.ndarray, thresholds: np.ndarray, df: float) -> None:
    """Assert that p-values and critical value come out bit for bit the same twice.

    The curve cache and the Sobol caches are cleared between the two computations.
    """
    p1, _ = dunnett_pvalues(thresholds, corr, df)
    c1, _ = dunnett_critical_value(corr, df)
    distributions._dunnett_curve_cached.cache_clear()
    _mvt_sov._sobol.cache_clear()
    _mvt_sov._sobol_rows.cache_clear()
    _mvt_sov._sobol_rows_single.cache_clear()
    p2, _ = dunnett_pvalues(thresholds, corr, df)
    c2, _ = dunnett_critical_value(corr, df)
    np.testing.assert_array_equal(p1, p2)
    assert c1 == c2
