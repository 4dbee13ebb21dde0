"""Implicit (structured) covariance matrices, so that large trials never hold a ``k x k`` array.

A complete, balanced CRD, RCBD or Latin square has LS-means that are plain treatment means
over disjoint sets of ``r`` plots, so with fixed block (row, column) effects their covariance
is exactly ``MSE / r * I`` (Gomez and Gomez 1984, ch. 2): no off-diagonal term, in particular
no rank-one block term (that would only appear with random blocks).  :class:`DiagonalCovariance`
stores that diagonal; 10,000 treatments need 80 kB instead of 800 MB.

The contrasts of every treatment with one control then have the covariance
``diag(d_i) + d_c 1 1'``, whose correlation is of product form
``rho_ij = lam_i lam_j`` with ``lam_i = sqrt(d_c / (d_i + d_c))`` (Dunnett 1955);
:class:`ProductFormCorrelation` carries ``lam`` so Dunnett's p-values and critical value
(:mod:`yieldtrial.stats.distributions`) need no matrix either.

Both classes convert to a dense array on request (``numpy.asarray``), so code that has no
structured path still works for moderate ``k``; the helpers below (:func:`diagonal`,
:func:`pair_variances`, :func:`quadratic_forms`, :func:`mean_pair_sed`) work on either a
dense array or a structured matrix, in memory linear in ``k`` (or in bounded chunks).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = [
    "PAIR_CHUNK",
    "DiagonalCovariance",
    "ProductFormCorrelation",
    "all_finite",
    "diagonal",
    "is_diagonal",
    "mean_pair_sed",
    "pair_chunks",
    "pair_variances",
    "quadratic_forms",
]

#: Pairs handled per chunk by the chunked pairwise helpers (about 8 MB per float array).
PAIR_CHUNK = 1_000_000


class DiagonalCovariance:
    """A diagonal covariance matrix stored as its diagonal.

    Parameters
    ----------
    diag : array_like, shape (k,)
        The variances.
    off : float, default 0.0
        Every off-diagonal entry: 0, or NaN for an undefined covariance (no error df).

    Examples
    --------
    >>> v = DiagonalCovariance([2.0, 2.0, 3.0])
    >>> v.shape, float(v[2, 2]), float(v[0, 1])
    ((3, 3), 3.0, 0.0)
    >>> np.asarray(v).tolist()
    [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]
    """

    __array_priority__ = 20.0

    def __init__(self, diag: Any, off: float = 0.0) -> None:
        values = np.array(diag, dtype=float).ravel()
        values.setflags(write=False)
        self.diag = values
        self.off = 0.0 if off == 0.0 else float("nan")

    @property
    def shape(self) -> tuple[int, int]:
        """``(k, k)``."""
        return (self.diag.size, self.diag.size)

    @property
    def ndim(self) -> int:
        """Always 2."""
        return 2

    @property
    def dtype(self) -> np.dtype[Any]:
        """float64."""
        return self.diag.dtype

    def __len__(self) -> int:
        return self.diag.size

    def __repr__(self) -> str:
        return f"DiagonalCovariance(k={self.diag.size})"

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Return the dense ``k x k`` matrix (only for code without a structured path)."""
        out = np.full(self.shape, self.off)
        np.fill_diagonal(out, self.diag)
        return out if dtype is None else out.astype(dtype)

    def copy(self) -> DiagonalCovariance:
        """Return the same matrix (immutable, so the copy may share the diagonal)."""
        return self

    def __getitem__(self, key: Any) -> Any:
        """Entries ``v[i, j]`` (scalars or broadcast index arrays) and ``v[np.ix_(a, b)]``."""
        if not (isinstance(key, tuple) and len(key) == 2):
            return np.asarray(self)[key]
        i, j = key
        if isinstance(i, slice) or isinstance(j, slice):
            return np.asarray(self)[key]
        i_arr, j_arr = np.asarray(i), np.asarray(j)
        if i_arr.dtype == bool or j_arr.dtype == bool:
            return np.asarray(self)[key]
        return np.where(i_arr == j_arr, self.diag[i_arr], self.off)

    def take(self, index: Any) -> DiagonalCovariance:
        """Return the covariance of a subset of the means (``v[np.ix_(index, index)]``)."""
        return DiagonalCovariance(self.diag[np.asarray(index, dtype=int)], self.off)

    def __mul__(self, other: Any) -> DiagonalCovariance:
        if np.ndim(other) == 0:
            return DiagonalCovariance(self.diag * float(other), self.off)
        return NotImplemented

    __rmul__ = __mul__


class ProductFormCorrelation:
    """A correlation matrix ``R`` with ``R_ij = lam_i lam_j`` off the diagonal, stored as ``lam``.

    Parameters
    ----------
    lam : array_like, shape (m,)
        The factors, each ``|lam_i| < 1``.

    Examples
    --------
    >>> r = ProductFormCorrelation.versus_control(np.array([1.0, 1.0]), 1.0)
    >>> np.asarray(r).round(6).tolist()
    [[1.0, 0.5], [0.5, 1.0]]
    """

    __array_priority__ = 20.0

    def __init__(self, lam: Any) -> None:
        values = np.array(lam, dtype=float).ravel()
        values.setflags(write=False)
        self.lam = values

    @classmethod
    def versus_control(
        cls, variances: np.ndarray, control_variance: float
    ) -> ProductFormCorrelation:
        """Correlation of ``b_i - b_c`` for independent means with these variances.

        ``Cov(b_i - b_c, b_j - b_c) = d_c``, so ``rho_ij = lam_i lam_j`` with
        ``lam_i = sqrt(d_c / (d_i + d_c))`` (Dunnett 1955, eq. 2).
        """
        d = np.asarray(variances, dtype=float)
        return cls(np.sqrt(control_variance / (d + control_variance)))

    @property
    def shape(self) -> tuple[int, int]:
        """``(m, m)``."""
        return (self.lam.size, self.lam.size)

    @property
    def ndim(self) -> int:
        """Always 2."""
        return 2

    def __len__(self) -> int:
        return self.lam.size

    def __repr__(self) -> str:
        return f"ProductFormCorrelation(m={self.lam.size})"

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Return the dense ``m x m`` matrix (only for code without a structured path)."""
        out = np.outer(self.lam, self.lam)
        np.fill_diagonal(out, 1.0)
        return out if dtype is None else out.astype(dtype)


def diagonal(cov: Any) -> np.ndarray:
    """Diagonal of a dense or structured covariance (no dense copy of a structured one)."""
    if isinstance(cov, DiagonalCovariance):
        return np.array(cov.diag)
    return np.diag(np.asarray(cov, dtype=float)).copy()


def all_finite(cov: Any) -> bool:
    """Whether every entry of a dense or structured covariance is finite."""
    if isinstance(cov, DiagonalCovariance):
        return bool(np.isfinite(cov.off) and np.all(np.isfinite(cov.diag)))
    return bool(np.all(np.isfinite(np.asarray(cov, dtype=float))))


def is_diagonal(cov: Any) -> bool:
    """Whether ``cov`` is (exactly) diagonal, without densifying a structured matrix."""
    if isinstance(cov, DiagonalCovariance):
        return cov.off == 0.0
    dense = np.asarray(cov, dtype=float)
    return bool(np.count_nonzero(dense) == np.count_nonzero(np.diag(dense)))


def pair_variances(cov: Any, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``V_ii + V_jj - 2 V_ij`` for index arrays ``i``, ``j`` (clipped at 0)."""
    i, j = np.asarray(i, dtype=int), np.asarray(j, dtype=int)
    if isinstance(cov, DiagonalCovariance):
        d = cov.diag
        out = d[i] + d[j] - 2.0 * np.where(i == j, d[i], cov.off)
    else:
        dense = np.asarray(cov, dtype=float)
        d = np.diag(dense)
        out = d[i] + d[j] - 2.0 * dense[i, j]
    return np.clip(out, 0.0, None)


def quadratic_forms(cov: Any, weights: np.ndarray) -> np.ndarray:
    """``w V w'`` for every row ``w`` of ``weights`` (shape (c, k) or (k,))."""
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    if isinstance(cov, DiagonalCovariance):
        out = np.asarray((w * w) @ cov.diag, dtype=float)
        if cov.off != 0.0:  # undefined off-diagonal (NaN): only single-mean forms are known
            out[np.count_nonzero(w, axis=1) > 1] = np.nan
        return out
    dense = np.asarray(cov, dtype=float)
    return np.asarray(np.einsum("ci,ij,cj->c", w, dense, w), dtype=float)


def pair_chunks(k: int, *, chunk: int = PAIR_CHUNK) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """All pairs ``i < j`` of ``k`` items in row-major order, in chunks of about ``chunk``.

    Yields index arrays ``(i, j)``; memory is bounded by the chunk whatever ``k``.

    Examples
    --------
    >>> [(i.tolist(), j.tolist()) for i, j in pair_chunks(3, chunk=2)]
    [([0, 0], [1, 2]), ([1], [2])]
    """
    rows_start = 0
    while rows_start < k - 1:
        # rows a .. b-1 hold sum (k - 1 - a) pairs; take rows while under the chunk
        count = 0
        rows_end = rows_start
        while rows_end < k - 1 and (count == 0 or count + (k - 1 - rows_end) <= chunk):
            count += k - 1 - rows_end
            rows_end += 1
        rows = np.arange(rows_start, rows_end)
        lengths = k - 1 - rows
        i = np.repeat(rows, lengths)
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        j = np.arange(i.size) - starts + np.repeat(rows + 1, lengths)
        yield i, j
        rows_start = rows_end


def mean_pair_sed(cov: Any) -> float:
    """Mean over all pairs ``i < j`` of ``sqrt(V_ii + V_jj - 2 V_ij)`` (chunked, any ``k``)."""
    k = int(np.shape(cov)[0])
    if k < 2:
        return float("nan")
    total = 0.0
    for i, j in pair_chunks(k):
        total += float(np.sqrt(pair_variances(cov, i, j)).sum())
    return total / (k * (k - 1) / 2)
