r"""Least squares of an unbalanced RCBD (or CRD) with the blocks absorbed (many blocks).

An RCBD of 40 treatments in 147,686 blocks with one missing plot has a model matrix of
5.9 million x 147,726; its SVD is out of reach.  Absorbing the blocks [1]_ leaves the
``k x k`` reduced normal equations of the treatments:

* ``T`` (n x k) and ``B`` (n x q) are the treatment and block indicators, ``r = T'1`` the
  replications, ``k_b`` the block sizes, ``N = T'B`` the incidence (k x q) and
  ``Z = T - B diag(1/k_b) N'`` the treatment indicators centred within blocks (row
  ``z_p = t_p - tbar_b``, ``tbar_b = N e_b / k_b`` the treatment shares of block ``b``);
* ``C = Z'Z = diag(r) - N diag(1/k_b) N'`` and the adjusted treatment totals
  ``Q = Z'y = T'y - N ybar_blocks``, accumulated block by block (``N`` is never held);
* treatment effects ``tau = C^+ Q`` (eigendecomposition of ``C``: rank-revealing; a
  disconnected design has more than one zero eigenvalue), block effects
  ``beta_b = ybar_b - tbar_b' tau``, fitted values ``tau_t + beta_b``, rank
  ``q + rank(C)``;
* leverages ``h_p = 1/k_b + z_p' C^+ z_p`` (``P_B`` plus the projection on ``Z``);
* the LS-mean of treatment ``i`` (blocks weighted equally, as in
  :func:`~yieldtrial.stats.model.reference_grid_means`) is
  ``tau_i + mean_b(beta_b) = g_i' tau + mean_b(ybar_b)`` with ``g_i = e_i - w/q`` and
  ``w = N (1/k_b)``; by the partitioned inverse of the normal equations its covariance is
  ``MSE (A C^+ A' + sum_b(1/k_b)/q^2 11')`` with ``A`` the rows ``g_i'``, exact and dense
  (``k`` is small);
* the LS-mean of ``i`` is estimable when ``g_i`` is orthogonal to the null space of ``C``;
* type II sums of squares: treatments ``|fitted - P_B y|^2`` (df ``rank(C)``), blocks
  ``|fitted - P_T y|^2`` (df ``q + rank(C) - k``).

A CRD is the case of a single block (``q = 1``).  Memory is ``O(n + q + k^2)``: the plots
are visited in chunks of whole blocks, nothing ``n x k``, ``n x q`` or ``k x q`` is held.

References
----------
.. [1] Searle, S.R. (1987). Linear Models for Unbalanced Data. Wiley. Sec. 4.9 (absorbing
   a factor) and 7.2 (the reduced normal equations of the two-way classification).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from yieldtrial.errors import DataValidationError

__all__ = [
    "ABSORB_BLOCKS_MAX_BYTES",
    "BlockAbsorbedFit",
    "block_absorbed_fit",
]

#: Largest working memory of the fit with the blocks absorbed [bytes]: at most 14 arrays of
#: ``n`` values, 4 of ``q``, a few ``k x k`` and a few chunks of :data:`_CHUNK` values.
ABSORB_BLOCKS_MAX_BYTES = 4 * 1024**3

#: Plots and ``blocks x treatments`` cells visited at once.
_CHUNK = 1 << 16


@dataclass(frozen=True, eq=False)
class BlockAbsorbedFit:
    """Least squares of ``y ~ treatment + block`` with the blocks absorbed.

    Attributes
    ----------
    fitted, residuals : ndarray, shape (n,)
        Fitted values and residuals of the response as given (centred by the caller).
    rank : int
        Rank of the model matrix, ``q + rank(C)``.
    leverage : ndarray, shape (n,)
        Hat diagonal.
    lsmeans : ndarray, shape (k,)
        LS-means, blocks weighted equally (same centring as the response).
    cov : ndarray, shape (k, k)
        LS-mean covariance (NaN when there is no error df).
    mse : float
        Error mean square (NaN without error df).
    df_error : int
        ``n - rank``.
    estimable : ndarray of bool, shape (k,)
        Whether each LS-mean is estimable.
    sum_sq : dict of str to (int, float)
        Type II ``(df, sum of squares)`` of ``"treatment"`` and (with more than one block)
        ``"block"``.
    """

    fitted: np.ndarray
    residuals: np.ndarray
    rank: int
    leverage: np.ndarray
    lsmeans: np.ndarray
    cov: np.ndarray
    mse: float
    df_error: int
    estimable: np.ndarray
    sum_sq: dict[str, tuple[int, float]]


@dataclass(frozen=True, eq=False)
class _Blocks:
    """The plots ordered by block, and the block sizes."""

    order: np.ndarray | None  # plot order by block (None: already ordered)
    t: np.ndarray  # treatment codes in block order
    b: np.ndarray  # block codes in block order
    starts: np.ndarray  # (q + 1,) first plot of each block in block order
    size: np.ndarray  # k_b (q,) as float


def _by_block(t: np.ndarray, b: np.ndarray, q: int) -> _Blocks:
    size = np.bincount(b, minlength=q)
    order = None if b.size < 2 or bool(np.all(b[1:] >= b[:-1])) else np.argsort(b, kind="stable")
    ts, bs = (t, b) if order is None else (t[order], b[order])
    starts = np.concatenate([[0], np.cumsum(size)])
    return _Blocks(order, ts, bs, starts, size.astype(float))


def _chunks(blocks: _Blocks, k: int) -> Iterator[tuple[int, int, np.ndarray]]:
    """Yield ``(first block, last block + 1, incidence counts of those blocks (m x k))``."""
    q = blocks.size.size
    step = max(1, _CHUNK // max(k, 1))
    for b0 in range(0, q, step):
        b1 = min(q, b0 + step)
        lo, hi = int(blocks.starts[b0]), int(blocks.starts[b1])
        cells = (blocks.b[lo:hi] - b0) * k + blocks.t[lo:hi]
        counts = np.bincount(cells, minlength=(b1 - b0) * k).reshape(b1 - b0, k)
        yield b0, b1, counts.astype(float)


def _reduced_matrix(blocks: _Blocks, k: int) -> np.ndarray:
    """``C = diag(r) - N diag(1/k_b) N'`` (k x k), block chunk by block chunk."""
    inner = np.zeros((k, k))
    for b0, b1, counts in _chunks(blocks, k):
        inner += counts.T @ (counts / blocks.size[b0:b1, None])
    r = np.bincount(blocks.t, minlength=k).astype(float)
    c = np.diag(r) - inner
    return (c + c.T) / 2.0


def _leverage(blocks: _Blocks, k: int, root: np.ndarray) -> np.ndarray:
    """``1/k_b + |root' z_p|^2`` per plot in block order (``root root' = C^+``)."""
    out = np.empty(blocks.t.size)
    step = max(1, _CHUNK // max(k, 1))  # plots at once: z is step x rank
    for b0, b1, counts in _chunks(blocks, k):
        shares = (counts / blocks.size[b0:b1, None]) @ root  # tbar_b' root, (m, rank)
        lo, hi = int(blocks.starts[b0]), int(blocks.starts[b1])
        for s in range(lo, hi, step):
            e = min(hi, s + step)
            z = root[blocks.t[s:e]] - shares[blocks.b[s:e] - b0]
            out[s:e] = 1.0 / blocks.size[blocks.b[s:e]] + np.einsum("ij,ij->i", z, z)
    return out


def _check_memory(n: int, q: int, k: int) -> None:
    need = 8 * (14 * n + 4 * q + 6 * k * k + 8 * _CHUNK)
    if need > ABSORB_BLOCKS_MAX_BYTES:
        raise DataValidationError(
            f"the unbalanced fit of {n:,} plots with the {q:,} blocks absorbed needs about "
            f"{need / 1024**3:.0f} GiB of memory; analyse the trial in parts (e.g. by group of "
            "blocks) or supply the missing plots."
        )


def block_absorbed_fit(
    treatment: np.ndarray,
    block: np.ndarray | None,
    n_treatments: int,
    n_blocks: int,
    y: np.ndarray,
) -> BlockAbsorbedFit:
    """Fit ``y ~ treatment + block`` (or ``y ~ treatment``) with the blocks absorbed.

    Parameters
    ----------
    treatment : ndarray of int, shape (n,)
        Treatment codes ``0 .. n_treatments-1`` (every level present).
    block : ndarray of int, shape (n,), or None
        Block codes ``0 .. n_blocks-1`` (every level present); None for a CRD (one block).
    n_treatments, n_blocks : int
        Numbers of levels (``n_blocks`` is 1 for a CRD).
    y : ndarray, shape (n,)
        Response, centred for accuracy.

    Returns
    -------
    BlockAbsorbedFit
        The same fitted values, residuals, rank, leverages, LS-means, LS-mean covariance and
        type II sums of squares as the SVD of the full model matrix (see the module notes).

    Examples
    --------
    An RCBD of 3 treatments x 2 blocks with one missing plot (treatment 2 in block 1):

    >>> sol = block_absorbed_fit(np.array([0, 1, 2, 0, 1]), np.array([0, 0, 0, 1, 1]), 3, 2,
    ...                          np.array([1., 2., 4., 3., 6.]))
    >>> sol.df_error, np.round(sol.lsmeans, 6).tolist()
    (1, [2.0, 4.0, 5.5])
    """
    y = np.asarray(y, dtype=float)
    t = np.asarray(treatment, dtype=np.int64)
    k, n = int(n_treatments), y.size
    single = block is None
    b = np.zeros(n, dtype=np.int64) if block is None else np.asarray(block, dtype=np.int64)
    q = 1 if single else int(n_blocks)
    _check_memory(n, q, k)
    blocks = _by_block(t, b, q)
    ybar_b = np.bincount(b, weights=y, minlength=q) / blocks.size
    c = _reduced_matrix(blocks, k)
    adjusted = np.bincount(t, weights=y - ybar_b[b], minlength=k)  # Q
    eig, vec = np.linalg.eigh(c)
    top = float(eig[-1]) if eig.size else 0.0
    keep = eig > max(top, 0.0) * max(k, 16) * 1e3 * np.finfo(float).eps
    rank_c = int(np.sum(keep))
    root = vec[:, keep] / np.sqrt(eig[keep])  # C^+ = root root'
    pinv = root @ root.T
    tau = pinv @ adjusted
    beta = ybar_b - np.bincount(b, weights=tau[t], minlength=q) / blocks.size
    fitted = tau[t] + beta[b]
    residuals = y - fitted
    rank = q + rank_c
    df_error = n - rank
    mse = float(residuals @ residuals) / df_error if df_error > 0 else float("nan")
    w = np.bincount(t, weights=1.0 / blocks.size[b], minlength=k)
    a = np.eye(k) - w[None, :] / q  # rows g_i' = (e_i - w/q)'
    lsmeans = a @ tau + float(np.mean(ybar_b))
    null = vec[:, ~keep]
    rows_null = np.linalg.norm(a @ null, axis=1) if null.size else np.zeros(k)
    estimable = rows_null <= 1e-8 * np.maximum(np.linalg.norm(a, axis=1), 1.0)
    if df_error > 0:
        g = a @ root
        cov = mse * (g @ g.T + float(np.sum(1.0 / blocks.size)) / q**2)
    else:
        cov = np.full((k, k), np.nan)
    lev_sorted = _leverage(blocks, k, root)
    if blocks.order is None:
        leverage = lev_sorted
    else:
        leverage = np.empty(n)
        leverage[blocks.order] = lev_sorted
    ybar_t = np.bincount(t, weights=y, minlength=k) / np.bincount(t, minlength=k)
    treat = fitted - ybar_b[b]
    sum_sq = {"treatment": (rank_c, float(treat @ treat))}
    if not single:
        blk = fitted - ybar_t[t]
        sum_sq["block"] = (rank - k, float(blk @ blk))
    return BlockAbsorbedFit(fitted, residuals, int(rank), leverage, lsmeans, cov, mse,
                            int(df_error), np.asarray(estimable), sum_sq)  # fmt: skip
