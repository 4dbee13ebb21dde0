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

An unbalanced one-way-blocked trial (an RCBD with missing plots or unequal replication)
fitted with the blocks absorbed has LS-mean covariance ``diag(d) + F F'`` with ``F`` of
``k x q`` (``q`` = blocks - 1; rows of zeros for entries with a complete set of plots):
:class:`LowRankUpdateCovariance`.  Its vs-control family is a product form except between
the comparisons whose rows of ``F`` are not zero: :class:`NearProductFormCorrelation`
carries the product-form factors plus what a normal comparison bound on that difference
needs.  An augmented design's family (every entry adjusted by its block's check mean) is of
exact bifactor form when every check is in every block and there are at most four checks:
:class:`BifactorFamilyCorrelation` carries that form, built from the distinct rows of
``F`` (stop 43), so Dunnett's probabilities are integrated exactly for it.

All classes convert to a dense array on request (``numpy.asarray``), so code that has no
structured path still works for moderate ``k``; the helpers below (:func:`diagonal`,
:func:`pair_variances`, :func:`quadratic_forms`, :func:`mean_pair_sed`) work on either a
dense array or a structured matrix, in memory linear in ``k`` (or in bounded chunks).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Self

import numpy as np

__all__ = [
    "PAIR_CHUNK",
    "ROW_GROUPS_MAX",
    "ROW_GROUPS_MIN_TOUCHED",
    "BifactorFamilyCorrelation",
    "DiagonalCovariance",
    "LowRankUpdateCovariance",
    "NearProductFormCorrelation",
    "RHO_BINS",
    "rho_histogram",
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

#: Most distinct rows of a low-rank factor for the pairwise lookup table
#: (:meth:`LowRankUpdateCovariance.row_groups`: up to 128 MiB of ``|F_g - F_h|^2``).  Was
#: 1,000 (8 MB): a p-rep augmented trial's replicated entries have rows of their own (the
#: mean of their two blocks' rows), 2,204 distinct rows for 10,004 treatments, and its
#: letters then took a product of length ``q`` per pair (255 s; stop 44).
ROW_GROUPS_MAX = 4_096

#: Rows of a low-rank factor above which the pairwise variances look for equal rows.
ROW_GROUPS_MIN_TOUCHED = 1_000


class _StructuredMatrix:
    """What a structured ``k x k`` matrix shares: the array protocol around its entries.

    Subclasses give ``__len__``, ``__array__`` (the dense matrix) and ``_pick(i_arr, j_arr)`` (the
    entries at broadcast integer index arrays); ``v[i, j]`` with slices or boolean masks
    goes through the dense matrix.
    """

    __array_priority__ = 20.0

    def __len__(self) -> int:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _pick(self, i_arr: np.ndarray, j_arr: np.ndarray) -> Any:  # pragma: no cover
        raise NotImplementedError

    @property
    def shape(self) -> tuple[int, int]:
        """``(k, k)``."""
        return (len(self), len(self))

    @property
    def ndim(self) -> int:
        """Always 2."""
        return 2

    @property
    def dtype(self) -> np.dtype[Any]:
        """float64."""
        return np.dtype(float)

    def copy(self) -> Self:
        """Return the same matrix (immutable, so the copy may share its arrays)."""
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
        return self._pick(i_arr, j_arr)


class DiagonalCovariance(_StructuredMatrix):
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

    def __init__(self, diag: Any, off: float = 0.0) -> None:
        values = np.array(diag, dtype=float).ravel()
        values.setflags(write=False)
        self.diag = values
        self.off = 0.0 if off == 0.0 else float("nan")

    def __len__(self) -> int:
        return self.diag.size

    def __repr__(self) -> str:
        return f"DiagonalCovariance(k={self.diag.size})"

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Return the dense ``k x k`` matrix (only for code without a structured path)."""
        out = np.full(self.shape, self.off)
        np.fill_diagonal(out, self.diag)
        return out if dtype is None else out.astype(dtype)

    def _pick(self, i_arr: np.ndarray, j_arr: np.ndarray) -> Any:
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


class LowRankUpdateCovariance(_StructuredMatrix):
    """A covariance ``diag(d) + F F'`` stored as ``d`` (k) and the factor ``F`` (k x q).

    The LS-mean covariance of a one-way-blocked design fitted with the blocks absorbed
    (:mod:`yieldtrial.stats._absorb`); ``q`` is small (blocks - 1) and ``F`` has rows of
    zeros for the entries with a complete set of plots, so every operation below costs
    O(k q) or O(pairs x q), never ``k x k``.

    Parameters
    ----------
    diag : array_like, shape (k,)
        The diagonal part ``d`` (positive, or 0 for a mean that is a combination of the
        low-rank part only: an augmented design's checks; ``V`` must stay nonsingular).
    factor : array_like, shape (k, q)
        The low-rank factor ``F``.
    origin : {"missing_plots", "augmented", "augmented_prep"}, default "missing_plots"
        What the low-rank part is: the block adjustment of entries with missing plots, or
        of every entry of an augmented design (its checks' means have ``d = 0``), p-rep
        (entries on more than one plot) or not; it names
        the source of a vs-control family's near product form
        (:class:`NearProductFormCorrelation`).

    Examples
    --------
    >>> v = LowRankUpdateCovariance([1.0, 1.0, 2.0], [[0.0], [1.0], [1.0]])
    >>> np.asarray(v).tolist()
    [[1.0, 0.0, 0.0], [0.0, 2.0, 1.0], [0.0, 1.0, 3.0]]
    >>> v.touched.tolist(), float(v[1, 2])
    ([1, 2], 1.0)
    """

    def __init__(self, diag: Any, factor: Any, origin: str = "missing_plots") -> None:
        self.origin = origin
        d = np.array(diag, dtype=float).ravel()
        f = np.array(factor, dtype=float).reshape(d.size, -1)
        d.setflags(write=False)
        f.setflags(write=False)
        self.diag_part = d
        self.factor = f
        touched = np.flatnonzero(np.any(f != 0.0, axis=1))
        touched.setflags(write=False)
        #: Rows of ``F`` that are not zero (the entries the low-rank part reaches).
        self.touched = touched

    def row_groups(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Equal rows of ``F``: ``(label, dist2)``, or None above :data:`ROW_GROUPS_MAX`.

        ``label[i]`` numbers the distinct rows of ``F``; ``dist2[g, h]`` is
        ``|F_g - F_h|^2`` between two of them.  An augmented design's entries share the
        row of their block (about checks + blocks distinct rows for thousands of means),
        so a pair's variance is ``d_i + d_j + dist2[label_i, label_j]``: no ``q`` factor
        per pair.  Computed once, on first use.
        """
        if not hasattr(self, "_row_groups"):
            unique, label = np.unique(self.factor, axis=0, return_inverse=True)
            groups = None
            if unique.shape[0] <= ROW_GROUPS_MAX:
                dist2 = np.empty((unique.shape[0], unique.shape[0]))
                for g in range(unique.shape[0]):  # differences summed (no cancellation)
                    diff = unique - unique[g]
                    dist2[g] = np.einsum("hq,hq->h", diff, diff)
                groups = (np.asarray(label, dtype=int).ravel(), dist2)
            self._row_groups = groups
        return self._row_groups

    @property
    def rank(self) -> int:
        """Number of columns of ``F``."""
        return int(self.factor.shape[1])

    def __len__(self) -> int:
        return self.diag_part.size

    def __repr__(self) -> str:
        return (
            f"LowRankUpdateCovariance(k={self.diag_part.size}, rank={self.rank}, "
            f"touched={self.touched.size})"
        )

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Return the dense ``k x k`` matrix (only for code without a structured path)."""
        out = self.factor @ self.factor.T
        out[np.diag_indices_from(out)] += self.diag_part
        return out if dtype is None else out.astype(dtype)

    def entries(self, i: Any, j: Any) -> np.ndarray:
        """``V[i, j]`` for broadcast index arrays (memory of the broadcast shape x q)."""
        i_arr, j_arr = np.broadcast_arrays(np.asarray(i, dtype=int), np.asarray(j, dtype=int))
        out = np.einsum("...q,...q->...", self.factor[i_arr], self.factor[j_arr])
        return np.asarray(out + np.where(i_arr == j_arr, self.diag_part[i_arr], 0.0))

    def _pick(self, i_arr: np.ndarray, j_arr: np.ndarray) -> Any:
        if i_arr.ndim == 2 and j_arr.ndim == 2 and i_arr.shape[1] == 1 and j_arr.shape[0] == 1:
            a, b = i_arr.ravel(), j_arr.ravel()  # np.ix_(a, b): one product, no 3-D array
            out = self.factor[a] @ self.factor[b].T
            out += np.where(a[:, None] == b[None, :], self.diag_part[a][:, None], 0.0)
            return out
        out = self.entries(i_arr, j_arr)
        return float(out) if out.ndim == 0 else out

    def take(self, index: Any) -> LowRankUpdateCovariance:
        """Return the covariance of a subset of the means (``v[np.ix_(index, index)]``)."""
        idx = np.asarray(index, dtype=int)
        return LowRankUpdateCovariance(self.diag_part[idx], self.factor[idx], self.origin)

    def __mul__(self, other: Any) -> LowRankUpdateCovariance:
        if np.ndim(other) == 0 and float(other) >= 0.0:
            return LowRankUpdateCovariance(
                self.diag_part * float(other), self.factor * np.sqrt(float(other)), self.origin
            )
        return NotImplemented

    __rmul__ = __mul__

    def solve(self, rhs: Any) -> np.ndarray:
        """``V^-1 rhs`` by the Woodbury identity (``rhs`` of shape (k,) or (k, c)).

        ``(D + F F')^-1 = D^-1 - D^-1 F (I + F' D^-1 F)^-1 F' D^-1`` (Golub and Van Loan
        2013, sec. 2.1.4); the inner matrix is ``q x q``.
        """
        b = np.asarray(rhs, dtype=float)
        if np.any(self.diag_part == 0.0):
            return self._solve_with_zeros(b)
        inv_d = 1.0 / self.diag_part
        scaled = b * (inv_d if b.ndim == 1 else inv_d[:, None])
        g = self.factor * inv_d[:, None]
        inner = np.eye(self.rank) + self.factor.T @ g
        return np.asarray(scaled - g @ np.linalg.solve(inner, self.factor.T @ scaled))

    def _solve_with_zeros(self, b: np.ndarray) -> np.ndarray:
        """``V^-1 b`` when some ``d_i`` are 0 (an augmented design's checks: ``Z``).

        With ``u = F' x``, ``V x = b`` reads ``F_Z u = b_Z`` and
        ``x_P = D_P^-1 (b_P - F_P u)`` on the rest; so ``(I + F_P' D_P^-1 F_P) u - F_Z' x_Z =
        F_P' D_P^-1 b_P``: a bordered system of ``q + |Z|`` unknowns ``(u, x_Z)``.
        """
        zero = self.diag_part == 0.0
        pos = ~zero
        f_z, f_p = self.factor[zero], self.factor[pos]
        inv_d = 1.0 / self.diag_part[pos]
        q, nz = self.rank, int(zero.sum())
        col = b.reshape(b.shape[0], -1)
        b_p = col[pos] * inv_d[:, None]
        system = np.zeros((q + nz, q + nz))
        system[:q, :q] = np.eye(q) + f_p.T @ (f_p * inv_d[:, None])
        system[:q, q:] = -f_z.T
        system[q:, :q] = f_z
        rhs = np.vstack([f_p.T @ b_p, col[zero]])
        sol = np.linalg.solve(system, rhs)
        out = np.empty_like(col)
        out[zero] = sol[q:]
        out[pos] = b_p - (f_p @ sol[:q]) * inv_d[:, None]
        return out.reshape(b.shape)


class NearProductFormCorrelation(ProductFormCorrelation):
    r"""A vs-control correlation that is of product form except among a few comparisons.

    The contrasts ``e_i - s e_c`` of LS-means with covariance ``diag(d) + F F'``
    (:class:`LowRankUpdateCovariance`) have correlation ``lam_i lam_j`` for every pair in
    which one of the two rows of ``F`` is zero, with

    .. math:: \lambda_i = \frac{s \sqrt{V_{cc}} - V_{ic} / \sqrt{V_{cc}}}{se_i},

    and a different correlation ``r_ij`` only between comparisons ``i, j`` whose rows of
    ``F`` are both non-zero (entries with missing plots).  Dunnett's probabilities are then
    computed on the product form ``lam`` (Dunnett's exact 1-D integral); the normal
    comparison inequality of Li and Shao (2002, Theorem 2.1) bounds the change of
    :math:`P(\max_j |T_j| \le c)` by

    .. math:: \frac{2}{\pi} \sum_{i<j} |\arcsin r_{ij} - \arcsin \lambda_i\lambda_j|
       \; E\left[e^{-c^2 S^2/(1+\rho)}\right],
       \quad E\left[e^{-c^2 S^2/(1+\rho)}\right] = \left(1 + \frac{2c^2}{\nu(1+\rho)}
       \right)^{-\nu/2}

    (one-sided: :math:`1/(2\pi)` instead of :math:`2/\pi`), with
    :math:`\rho = \max(|r_{ij}|, |\lambda_i\lambda_j|)` over the differing pairs and
    :math:`S^2 = \chi^2_\nu/\nu` the common denominator of the t statistics (the bound holds
    for every value of ``S`` and is averaged over it).  :meth:`error_bound` evaluates it.
    The theorem takes :math:`\rho` pair by pair (:math:`\rho_{ij}`); with
    ``deviation_by_rho`` the sum is kept in :data:`RHO_BINS` bins of :math:`\rho_{ij}` and
    each bin is bounded at its upper edge, which is tighter when a few pairs are much more
    correlated than most (a dense family of many entries, ``source="dense_family"``: the
    nearest product form of a general correlation, Hsu's 1992 factor-analytic
    approximation).

    Parameters
    ----------
    lam : array_like, shape (m,)
        Product-form factors.
    arcsin_deviation : float
        :math:`\sum_{i<j} |\arcsin r_{ij} - \arcsin \lambda_i\lambda_j|` over the pairs whose
        correlation is not ``lam_i lam_j``.
    rho_max : float
        The largest :math:`\max(|r_{ij}|, |\lambda_i\lambda_j|)` over those pairs.
    pairs : int
        Number of those pairs.
    deviation_by_rho : array_like, shape (RHO_BINS,), optional
        The same sum split by :math:`\rho_{ij}` (:func:`rho_histogram`).
    source : {"missing_plots", "augmented", "augmented_prep", "dense_family"}
        Why the correlation differs from the product form: entries with missing plots, an
        augmented design's entries (each adjusted by its block's effect from the checks;
        a p-rep trial's from the checks and the replicated entries), or a general
        correlation replaced by its nearest product form.

    References
    ----------
    Li, W. V. and Shao, Q.-M. (2002). A normal comparison inequality and its applications.
    Probability Theory and Related Fields 122, 494-508.

    Hsu, J. C. (1992). The factor analytic approach to simultaneous inference in the
    general linear model. *J. Comput. Graph. Stat.* 1, 151-168.
    """

    def __init__(
        self,
        lam: Any,
        arcsin_deviation: float,
        rho_max: float,
        pairs: int,
        deviation_by_rho: Any = None,
        source: str = "missing_plots",
    ) -> None:
        super().__init__(lam)
        self.arcsin_deviation = float(arcsin_deviation)
        self.rho_max = float(rho_max)
        self.pairs = int(pairs)
        self.deviation_by_rho = (
            None if deviation_by_rho is None else np.asarray(deviation_by_rho, dtype=float)
        )
        self.source = source

    def __repr__(self) -> str:
        return f"NearProductFormCorrelation(m={self.lam.size}, pairs={self.pairs})"

    def error_bound(self, threshold: float, df: float, *, two_sided: bool) -> float:
        """Bound on ``|P(max T <= threshold) - P_product(max T <= threshold)|``.

        Parameters
        ----------
        threshold : float
            The threshold ``c`` on the t scale (the smallest one of the family gives the
            bound of every p-value).
        df : float
            Error degrees of freedom (``inf`` for normal statistics).
        two_sided : bool
            ``|T_j|`` (factor ``2/pi``) or ``T_j`` (``1/(2 pi)``).
        """
        if self.arcsin_deviation == 0.0:
            return 0.0
        c2 = float(threshold) ** 2 if np.isfinite(threshold) else np.inf
        if self.deviation_by_rho is None:
            sums, rho = np.array([self.arcsin_deviation]), np.array([self.rho_max])
        else:
            sums, rho = self.deviation_by_rho, np.arange(1, RHO_BINS + 1) / RHO_BINS
        a = c2 / (1.0 + rho)
        decay = np.exp(-a) if not np.isfinite(df) else (1.0 + 2.0 * a / df) ** (-df / 2.0)
        factor = 2.0 / np.pi if two_sided else 1.0 / (2.0 * np.pi)
        return float(min(1.0, factor * float(np.dot(sums, decay))))


#: Bins of the pair correlation for the Li-Shao bound (bin ``b`` holds ``b/RHO_BINS <
#: rho <= (b + 1)/RHO_BINS``).
RHO_BINS = 100


def rho_histogram(deviation: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Sum ``deviation`` by bins of ``rho`` in ``[0, 1]`` (:data:`RHO_BINS`, upper edges).

    Examples
    --------
    >>> rho_histogram(np.array([0.1, 0.2, 0.3]), np.array([0.0, 0.005, 1.0]))[[0, -1]].tolist()
    [0.30000000000000004, 0.3]
    """
    bins = np.clip(np.ceil(np.asarray(rho) * RHO_BINS).astype(int) - 1, 0, RHO_BINS - 1)
    return np.bincount(bins, weights=np.asarray(deviation, dtype=float), minlength=RHO_BINS)


def diagonal(cov: Any) -> np.ndarray:
    """Diagonal of a dense or structured covariance (no dense copy of a structured one)."""
    if isinstance(cov, DiagonalCovariance):
        return np.array(cov.diag)
    if isinstance(cov, LowRankUpdateCovariance):
        return cov.diag_part + np.einsum("iq,iq->i", cov.factor, cov.factor)
    return np.diag(np.asarray(cov, dtype=float)).copy()


def all_finite(cov: Any) -> bool:
    """Whether every entry of a dense or structured covariance is finite."""
    if isinstance(cov, DiagonalCovariance):
        return bool(np.isfinite(cov.off) and np.all(np.isfinite(cov.diag)))
    if isinstance(cov, LowRankUpdateCovariance):
        return bool(np.all(np.isfinite(cov.diag_part)) and np.all(np.isfinite(cov.factor)))
    return bool(np.all(np.isfinite(np.asarray(cov, dtype=float))))


def is_diagonal(cov: Any) -> bool:
    """Whether ``cov`` is (exactly) diagonal, without densifying a structured matrix."""
    if isinstance(cov, DiagonalCovariance):
        return cov.off == 0.0
    if isinstance(cov, LowRankUpdateCovariance):
        return cov.touched.size == 0
    dense = np.asarray(cov, dtype=float)
    return bool(np.count_nonzero(dense) == np.count_nonzero(np.diag(dense)))


def pair_variances(cov: Any, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``V_ii + V_jj - 2 V_ij`` for index arrays ``i``, ``j`` (clipped at 0)."""
    i, j = np.asarray(i, dtype=int), np.asarray(j, dtype=int)
    if isinstance(cov, DiagonalCovariance):
        d = cov.diag
        out = d[i] + d[j] - 2.0 * np.where(i == j, d[i], cov.off)
    elif isinstance(cov, LowRankUpdateCovariance):
        out = _low_rank_pair_variances(cov, i, j)
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
    if isinstance(cov, LowRankUpdateCovariance):
        projected = w @ cov.factor
        return np.asarray((w * w) @ cov.diag_part + np.einsum("cq,cq->c", projected, projected))
    dense = np.asarray(cov, dtype=float)
    return np.asarray(np.einsum("ci,ij,cj->c", w, dense, w), dtype=float)


def _low_rank_pair_variances(
    cov: LowRankUpdateCovariance, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """``d_i + d_j + |F_i - F_j|^2`` (0 when ``i == j``), reading ``F`` only where needed."""
    d = cov.diag_part
    out = np.where(i == j, 0.0, d[i] + d[j])
    if cov.touched.size == 0 or out.size == 0:
        return out
    groups = cov.row_groups() if cov.touched.size > ROW_GROUPS_MIN_TOUCHED else None
    if groups is not None:  # few distinct rows (augmented entries absorbed): a lookup
        label, dist2 = groups
        out += np.where(i == j, 0.0, dist2[label[i], label[j]])
        return out
    reached = np.zeros(d.size, dtype=bool)
    reached[cov.touched] = True
    rows = np.flatnonzero((reached[i] | reached[j]) & (i != j))
    step = max(1, PAIR_CHUNK // max(cov.rank, 1))  # bounded (rows x q) temporaries
    for start in range(0, rows.size, step):
        part = rows[start : start + step]
        diff = cov.factor[i[part]] - cov.factor[j[part]]
        out[part] += np.einsum("pq,pq->p", diff, diff)
    return out


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


class BifactorFamilyCorrelation:
    r"""A vs-control correlation of exact bifactor form, given by its loadings (no matrix).

    .. math:: C_{ij} = \lambda_i \lambda_j + [g_i = g_j]\, \mu_i \mu_j \quad (i \ne j)

    (:mod:`yieldtrial.stats._mvt_nested`): the family of an augmented design fitted with
    the entries absorbed, built from the design's low-rank covariance
    (``compare._exact_bifactor_family``).  Dunnett's probabilities are the nested
    quadrature's curve of ``fit`` (:func:`yieldtrial.stats._mvt_nested.nested_curve`),
    built once per side and kept here.

    Parameters
    ----------
    fit : yieldtrial.stats._mvt_nested.ExactBifactor
        Loadings of every comparison (general, group, label, unique spread) and the largest
        difference of the form from the correlation.

    Examples
    --------
    >>> from yieldtrial.stats._mvt_nested import ExactBifactor
    >>> lam, mu = np.full(4, 0.6), np.full(4, 0.5)
    >>> fit = ExactBifactor(lam, mu, np.array([0, 0, 1, 1]), np.sqrt(1 - 0.61) * np.ones(4), 0.0)
    >>> corr = BifactorFamilyCorrelation(fit)
    >>> len(corr), round(float(np.asarray(corr)[0, 1]), 2), round(float(np.asarray(corr)[0, 2]), 2)
    (4, 0.61, 0.36)
    """

    def __init__(self, fit: Any) -> None:
        self.fit = fit
        self._curves: dict[bool, Any] = {}

    def __len__(self) -> int:
        return int(self.fit.general.size)

    def __repr__(self) -> str:
        groups = int(np.unique(self.fit.label).size)
        return f"BifactorFamilyCorrelation(m={len(self)}, groups={groups})"

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Return the dense ``m x m`` matrix (only for tests and small families)."""
        fit = self.fit
        same = fit.label[:, None] == fit.label[None, :]
        out = np.outer(fit.general, fit.general)
        out += np.where(same, np.outer(fit.group, fit.group), 0.0)
        if fit.plane is not None:
            out += fit.plane @ fit.plane.T
        np.fill_diagonal(out, 1.0)
        return out if dtype is None else out.astype(dtype)

    def normal_curve(self, *, two_sided: bool) -> Any:
        """Return the exact normal curve of the family (built on first use, then kept).

        Kept on the object and, for a family with the same loadings built again (a
        report compares with the control twice), in a small cache of the last curves.
        """
        if two_sided not in self._curves:
            from yieldtrial.stats._mvt_nested import nested_curve

            fit = self.fit
            parts = [fit.general, fit.group, fit.sd, fit.label.astype(float), [fit.residual]]
            if fit.plane is not None:
                parts.append(fit.plane.ravel())
            key = (np.round(np.concatenate(parts), 13).tobytes(), two_sided)
            curve = _BIFACTOR_CURVES.pop(key, None)
            if curve is None:
                curve = nested_curve(fit, two_sided=two_sided)
            _BIFACTOR_CURVES[key] = curve
            while len(_BIFACTOR_CURVES) > _BIFACTOR_CURVES_MAX:
                del _BIFACTOR_CURVES[next(iter(_BIFACTOR_CURVES))]
            self._curves[two_sided] = curve
        return self._curves[two_sided]


#: The last exact curves of :class:`BifactorFamilyCorrelation` by their loadings (oldest
#: first, at most :data:`_BIFACTOR_CURVES_MAX`).
_BIFACTOR_CURVES: dict[tuple[bytes, bool], Any] = {}
_BIFACTOR_CURVES_MAX = 8
