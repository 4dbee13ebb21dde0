r"""Least squares of an additive design with one factor absorbed (unbalanced, many treatments).

An RCBD with missing plots (or unequal replication) and 10,000 entries has a model matrix
of 30,000 x 10,002 and an LS-mean covariance that the SVD path would hold as a dense
``k x k`` array.  Absorbing the treatment factor [1]_ leaves only the nuisance factors
(blocks; rows and columns of a Latin square) in a small least-squares problem:

* ``T`` (n x k) are the treatment indicators, ``r = T'1`` the replications, ``B`` (n x q)
  the treatment-coded nuisance dummies and ``G = diag(1/r) T'B`` their mean per treatment;
* ``Z = B - T G`` (the dummies centred within treatments) and ``y_w = y - T ybar`` give the
  nuisance effects ``gamma`` by the SVD of ``Z`` (rank-revealing; ``Z'Z`` is the reduced
  normal-equation matrix ``C = B'B - B'T diag(1/r) T'B`` of the blocks);
* fitted values ``T ybar + Z gamma``, residuals ``y_w - Z gamma``, rank ``k + rank(Z)``,
  leverages ``1/r_t + |P_p|^2`` (``P`` the left singular vectors of ``Z``);
* the LS-mean of treatment ``i`` (blocks, or rows and columns, weighted equally as in
  :func:`~yieldtrial.stats.model.reference_grid_means`) is ``ybar_i - U_i gamma`` with
  ``U = G - 1 w'`` and ``w`` the grid average of the dummies (``1 / levels`` each);
* by the partitioned inverse of the normal equations its covariance is
  ``MSE (diag(1/r) + U C^+ U')``, i.e. ``diag(d) + F F'`` with ``F = sqrt(MSE) U Q S^-1``
  (``Z = P S Q'``): :class:`~yieldtrial.stats._covariance.LowRankUpdateCovariance`.
  ``U_i = 0`` exactly for a treatment observed in every block (row, column) in the same
  proportion, so with a few missing plots only their entries' rows are non-zero;
* the LS-mean of ``i`` is estimable when ``U_i`` is orthogonal to the null space of ``C``
  (a disconnected design has a singular ``C``).

Memory is ``O(n q + k q)``; nothing is ``k x k`` or ``n x k``.

References
----------
.. [1] Searle, S.R. (1987). Linear Models for Unbalanced Data. Wiley. Sec. 4.9 (absorbing
   a factor) and 7.2 (the reduced normal equations of the two-way classification).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from yieldtrial.errors import DataValidationError
from yieldtrial.stats._covariance import DiagonalCovariance, LowRankUpdateCovariance

__all__ = [
    "ABSORB_MIN_LEVELS",
    "AbsorbedFit",
    "absorbed_fit",
    "absorbed_projection",
    "absorbed_sums_of_squares",
    "use_absorption",
]

#: Unbalanced designs with more treatments than this are fitted with the treatments absorbed
#: (smaller ones keep the SVD of the full model matrix and a dense covariance, whose Dunnett
#: and Tukey families the general multivariate-t engine handles exactly).
ABSORB_MIN_LEVELS = 50

#: Largest working memory of the nuisance part (``Z``, its SVD and ``F``) [bytes].
ABSORB_MAX_BYTES = 2 * 1024**3


def use_absorption(n_levels: Mapping[str, int], treatment: str) -> bool:
    """Whether an unbalanced additive model is fitted with the treatments absorbed."""
    return int(n_levels[treatment]) > ABSORB_MIN_LEVELS


@dataclass(frozen=True, eq=False)
class AbsorbedFit:
    """Least squares with the treatment factor absorbed.

    Attributes
    ----------
    fitted, residuals : ndarray, shape (n,)
        Fitted values and residuals of the response as given (centred by the caller).
    rank : int
        Rank of the model matrix, ``k + rank(Z)``.
    leverage : ndarray, shape (n,)
        Hat diagonal.
    lsmeans : ndarray, shape (k,)
        LS-means (same centring as the response).
    cov : LowRankUpdateCovariance or DiagonalCovariance
        LS-mean covariance (NaN when there is no error df).
    mse : float
        Error mean square (NaN without error df).
    df_error : int
        ``n - rank``.
    estimable : ndarray of bool, shape (k,)
        Whether each LS-mean is estimable.
    nuisance_effects : ndarray, shape (q,) or None
        Effects of the nuisance dummies (treatment coding, first level of each nuisance
        factor the reference; the minimum-norm solution when ``Z`` is rank deficient).
    """

    fitted: np.ndarray
    residuals: np.ndarray
    rank: int
    leverage: np.ndarray
    lsmeans: np.ndarray
    cov: LowRankUpdateCovariance | DiagonalCovariance
    mse: float
    df_error: int
    estimable: np.ndarray
    nuisance_effects: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class _Core:
    counts: np.ndarray  # r (k,)
    means: np.ndarray  # ybar (k,)
    centred_dummies: np.ndarray  # Z (n, q)
    dummy_means: np.ndarray  # G (k, q)
    left: np.ndarray  # P (n, rank_z)
    singular_values: np.ndarray  # (rank_z,)
    right: np.ndarray  # Q' (rank_z, q)
    gamma: np.ndarray  # (q,)
    fitted: np.ndarray
    residuals: np.ndarray


def _core(
    codes: Mapping[str, np.ndarray],
    n_levels: Mapping[str, int],
    absorb: str,
    others: Sequence[str],
    y: np.ndarray,
) -> _Core:
    a = np.asarray(codes[absorb], dtype=np.int64)
    k = int(n_levels[absorb])
    n = y.size
    q = sum(int(n_levels[f]) - 1 for f in others)
    need = 8 * (3 * n * q + 3 * k * q + q * q)
    if need > ABSORB_MAX_BYTES:
        raise DataValidationError(
            f"the unbalanced fit of {n:,} plots with {q:,} block/row/column parameters needs "
            f"about {need / 1024**3:.0f} GiB of memory; analyse the trial in parts (e.g. by "
            "group of blocks) or supply the missing plots."
        )
    counts = np.bincount(a, minlength=k).astype(float)
    means = np.bincount(a, weights=y, minlength=k) / counts
    dummies = np.zeros((n, q))
    dummy_means = np.zeros((k, q))
    col = 0
    for f in others:
        levels = int(n_levels[f])
        c = np.asarray(codes[f], dtype=np.int64)
        rows = np.flatnonzero(c > 0)
        dummies[rows, col + c[rows] - 1] = 1.0
        table = np.bincount(a * levels + c, minlength=k * levels).reshape(k, levels)
        dummy_means[:, col : col + levels - 1] = table[:, 1:] / counts[:, None]
        col += levels - 1
    centred = dummies - dummy_means[a]
    del dummies
    y_within = y - means[a]
    if q == 0:
        empty = np.zeros((n, 0))
        return _Core(counts, means, centred, dummy_means, empty, np.zeros(0), np.zeros((0, 0)),
                     np.zeros(0), means[a], y_within)  # fmt: skip
    u, s, vt = np.linalg.svd(centred, full_matrices=False)
    tol = (s[0] if s.size else 0.0) * max(n, k + q) * np.finfo(float).eps
    rank = int(np.sum(s > tol))
    left, sv, right = u[:, :rank], s[:rank], vt[:rank]
    scores = left.T @ y_within
    gamma = right.T @ (scores / sv)
    explained = left @ scores
    return _Core(counts, means, centred, dummy_means, left, sv, right, gamma,
                 means[a] + explained, y_within - explained)  # fmt: skip


def absorbed_fit(
    codes: Mapping[str, np.ndarray],
    n_levels: Mapping[str, int],
    treatment: str,
    y: np.ndarray,
) -> AbsorbedFit:
    """Fit ``y ~ treatment + others`` (all other factors in ``n_levels``) with treatments absorbed.

    Parameters
    ----------
    codes : mapping of str to ndarray of int
        Level codes ``0 .. levels-1`` of each factor (every level present).
    n_levels : mapping of str to int
        Number of levels of each factor (the treatment and its nuisance factors).
    treatment : str
        The factor whose LS-means are wanted (absorbed).
    y : ndarray, shape (n,)
        Response, centred for accuracy.

    Returns
    -------
    AbsorbedFit
        The same fitted values, residuals, rank, leverages, LS-means and LS-mean
        covariance as the SVD of the full model matrix (see the module notes).

    Examples
    --------
    An RCBD of 3 treatments x 2 blocks with one missing plot (treatment 2 in block 1):

    >>> codes = {"t": np.array([0, 1, 2, 0, 1]), "b": np.array([0, 0, 0, 1, 1])}
    >>> sol = absorbed_fit(codes, {"t": 3, "b": 2}, "t", np.array([1., 2., 4., 3., 6.]))
    >>> sol.df_error, np.round(sol.lsmeans, 6).tolist()
    (1, [2.0, 4.0, 5.5])
    """
    others = [f for f in n_levels if f != treatment]
    y = np.asarray(y, dtype=float)
    core = _core(codes, n_levels, treatment, others, y)
    k = int(n_levels[treatment])
    n = y.size
    rank_z = core.singular_values.size
    rank = k + rank_z
    df_error = n - rank
    rss = float(core.residuals @ core.residuals)
    mse = rss / df_error if df_error > 0 else float("nan")
    grid = np.concatenate(
        [np.full(int(n_levels[f]) - 1, 1.0 / int(n_levels[f])) for f in others] + [np.zeros(0)]
    )
    u = core.dummy_means - grid[None, :]
    lsmeans = core.means - u @ core.gamma
    in_span = (u @ core.right.T) @ core.right
    scale = np.maximum(np.linalg.norm(u, axis=1), 1.0)
    estimable = np.linalg.norm(u - in_span, axis=1) <= 1e-8 * scale
    leverage = 1.0 / core.counts[np.asarray(codes[treatment])] + np.einsum(
        "ij,ij->i", core.left, core.left
    )
    cov: LowRankUpdateCovariance | DiagonalCovariance
    if df_error <= 0:
        cov = DiagonalCovariance(np.full(k, np.nan), off=np.nan)
    else:
        factor = (u @ core.right.T) / core.singular_values * np.sqrt(mse)
        d = mse / core.counts
        cov = LowRankUpdateCovariance(d, factor) if np.any(factor) else DiagonalCovariance(d)
    return AbsorbedFit(core.fitted, core.residuals, int(rank), leverage, lsmeans, cov,
                       float(mse), int(df_error), np.asarray(estimable),
                       core.gamma)  # fmt: skip


def absorbed_projection(
    codes: Mapping[str, np.ndarray], n_levels: Mapping[str, int], factors: Sequence[str],
    y: np.ndarray,
) -> tuple[np.ndarray, int]:  # fmt: skip
    """Fitted values and rank of ``y ~ 1 + factors`` (additive), absorbing the largest factor.

    With no factor, the fit of the intercept alone (the mean; rank 1).
    """
    y = np.asarray(y, dtype=float)
    if not factors:
        return np.full(y.size, float(np.mean(y)) if y.size else 0.0), 1
    absorb = max(factors, key=lambda f: int(n_levels[f]))
    others = [f for f in factors if f != absorb]
    core = _core(codes, n_levels, absorb, others, y)
    return core.fitted, int(n_levels[absorb]) + core.singular_values.size


def absorbed_sums_of_squares(
    codes: Mapping[str, np.ndarray], n_levels: Mapping[str, int], factors: Sequence[str],
    y: np.ndarray,
) -> dict[tuple[str, ...], tuple[int, float]]:  # fmt: skip
    """Type II sums of squares of an additive model from absorbed fits (no ``n x p`` matrix).

    ``SS(f) = |fitted(all) - fitted(all but f)|^2`` with df the rank difference, the
    definition :func:`~yieldtrial.stats.anova_tables.term_sums_of_squares` uses.
    """
    full, rank_full = absorbed_projection(codes, n_levels, factors, y)
    out: dict[tuple[str, ...], tuple[int, float]] = {}
    for f in factors:
        reduced, rank_red = absorbed_projection(codes, n_levels, [g for g in factors if g != f], y)
        diff = full - reduced
        out[(f,)] = (rank_full - rank_red, float(diff @ diff))
    return out
