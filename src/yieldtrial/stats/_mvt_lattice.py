r"""Deterministic multivariate t probabilities for any correlation: Genz's lattice method.

The probability that correlated t statistics (one shared variance estimate) all fall in a
box, :math:`P(a_i \le T_i \le b_i,\ i = 1..k)`, is computed by Genz's separation of
variables [1]_ [2]_ with the variables reordered (smallest conditional probability first),
then integrated over the unit cube by a *fixed* randomized lattice rule: a rank-1 lattice
with a prime number of points whose generating vector is found by the fast
component-by-component construction [3]_, the baker's (tent) periodizing transform, and
:data:`LATTICE_SHIFTS` random shifts drawn once from a generator seeded with
:data:`LATTICE_SEED`.  The points are therefore the
same on every call: results are repeatable bit for bit.  The stated error is three
standard errors over the shifted replicates; the number of points doubles until that
error is below the requested tolerance (or the largest of :data:`LATTICE_SIZES` is reached,
and the larger error is then stated).

With :math:`T = X / s`, :math:`X \sim N(0, R)`, :math:`s = \sqrt{\chi^2_\nu / \nu}`, the
first coordinate of the cube gives ``s`` by inversion, the Cholesky factor ``L`` of the
reordered ``R`` turns the box into nested conditional intervals

.. math:: f(w) = \prod_{i} \left[\Phi\!\left(\frac{b_i s - \sum_{j<i} L_{ij} y_j}{L_{ii}}
          \right) - \Phi\!\left(\frac{a_i s - \sum_{j<i} L_{ij} y_j}{L_{ii}}\right)\right],

with :math:`y_j = \Phi^{-1}(\cdot)` placed by the other coordinates, and the probability is
the mean of ``f`` over the lattice ([2]_, sect. 4.1.1 and 4.2.2).

References
----------
.. [1] Genz, A. (1992). Numerical computation of multivariate normal probabilities.
   *J. Comput. Graph. Stat.* 1, 141-149. :doi:`10.1080/10618600.1992.10477010`
.. [2] Genz, A., Bretz, F. (2009). *Computation of Multivariate Normal and t
   Probabilities*. Lecture Notes in Statistics 195, Springer.
   :doi:`10.1007/978-3-642-01689-9`
.. [3] Nuyens, D., Cools, R. (2006). Fast algorithms for component-by-component
   construction of rank-1 lattice rules in shift-invariant reproducing kernel Hilbert
   spaces. *Math. Comp.* 75, 903-920. :doi:`10.1090/S0025-5718-06-01785-6`
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__ = [
    "LATTICE_SEED",
    "LATTICE_SHIFTS",
    "LATTICE_SIZES",
    "LatticeResult",
    "box_probability",
    "nearest_product_form",
]

#: Seed of the fixed random shifts of the lattice (never changes: results are repeatable).
LATTICE_SEED = 20240601

#: Number of shifted copies of the lattice (the error estimate has LATTICE_SHIFTS - 1 df).
LATTICE_SHIFTS = 10


#: Default target for the stated error (three standard errors) of a probability.
DEFAULT_ABS_TOL = 5e-5


@dataclass(frozen=True)
class LatticeResult:
    """Box probabilities with their stated accuracy.

    Attributes
    ----------
    inside : ndarray
        ``P(all T_i in their interval)``, one per threshold (the difference from the
        control-variate probability when one was given).
    abs_error : ndarray
        Three standard errors over the shifted lattice copies, one per threshold.
    points : int
        Lattice points per shift used for the largest-error threshold.
    """

    inside: np.ndarray
    abs_error: np.ndarray
    points: int


#: Prime lattice sizes (each about twice the previous): points per shifted copy.
LATTICE_SIZES: tuple[int, ...] = (251, 503, 1009, 2003, 4001, 8009, 16001, 32003)


def _primitive_root(n: int) -> int:
    """Smallest primitive root of the prime ``n``."""
    phi = n - 1
    factors = [p for p in range(2, phi + 1) if phi % p == 0 and all(p % q for q in range(2, p))]
    for g in range(2, n):
        if all(pow(g, phi // p, n) != 1 for p in factors):
            return g
    raise ValueError(n)  # pragma: no cover - n is prime


@lru_cache(maxsize=64)
def _generating_vector(n: int, dim: int) -> np.ndarray:
    r"""Rank-1 lattice generator for ``n`` (prime) points by fast component-by-component search.

    Minimizes the worst-case error in the weighted Korobov space of smoothness 2
    (:math:`\omega(x) = 2\pi^2 (x^2 - x + 1/6)`, product weights :math:`\gamma_j = 0.9^j`:
    the reordered variables that come first matter most), one component at a time, each
    choice by an FFT over the cyclic group of ``n`` (Nuyens & Cools 2006).  Deterministic:
    the same ``(n, dim)`` always gives the same vector.
    """
    g = _primitive_root(n)
    perm = np.empty(n - 1, dtype=np.int64)
    value = 1
    for i in range(n - 1):
        perm[i] = value
        value = value * g % n
    x = perm / n
    omega = 2.0 * np.pi**2 * (x * x - x + 1.0 / 6.0)  # omega(g^i / n)
    omega_fft = np.fft.fft(omega)
    prod = np.ones(n - 1)  # product over the chosen components, at n_index = g^-b
    z = np.zeros(dim, dtype=np.int64)
    for j in range(dim):
        gamma = 0.9 ** (j + 1)
        # criterion of candidate g^a: sum_b prod[b] omega(g^(a - b)), a cyclic convolution
        conv = np.real(np.fft.ifft(omega_fft * np.fft.fft(prod)))
        best = int(np.argmin(conv))
        z[j] = perm[best]
        prod = prod * (1.0 + gamma * omega[(best - np.arange(n - 1)) % (n - 1)])
    return z


@lru_cache(maxsize=32)
def _lattice(dim: int, points: int) -> np.ndarray:
    """Shifted, periodized rank-1 lattice: shape (LATTICE_SHIFTS, points, dim).

    ``points`` is one of :data:`LATTICE_SIZES`; the shifts come from a generator seeded
    with :data:`LATTICE_SEED`, so a given ``(dim, points)`` always gets the same points.
    """
    z = _generating_vector(points, max(dim, 1))
    base = (np.outer(np.arange(points, dtype=np.int64), z) % points) / points
    shifts = np.random.default_rng(LATTICE_SEED).random((LATTICE_SHIFTS, max(dim, 1)))
    cube = (base[None, :, :] + shifts[:, None, :]) % 1.0
    cube = np.abs(2.0 * cube - 1.0)  # baker's transform: periodizes the integrand
    cube.setflags(write=False)
    return cube


@lru_cache(maxsize=32)
def _chi_scale(df: float, dim: int, points: int) -> np.ndarray:
    """``s = sqrt(chi2_df / df)`` by inversion of the lattice's first coordinate (cached)."""
    from scipy.special import gammaincinv

    cube = _lattice(dim, points).reshape(-1, dim)
    if not np.isfinite(df):
        s = np.ones(cube.shape[0])
    else:
        s = np.sqrt(2.0 * gammaincinv(df / 2.0, cube[:, 0]) / df)
    s.setflags(write=False)
    return s


def _reordered_cholesky(
    corr: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cholesky factor with Genz-Bretz variable reordering (2009, sect. 4.1.3).

    At each step the remaining variable with the smallest conditional probability of its
    interval (given the expected values of the variables already placed) goes next.

    Returns
    -------
    chol : ndarray, shape (k, k)
        Lower-triangular factor of ``corr[order][:, order]``.
    order : ndarray of int
        The variable order.
    """
    from scipy.special import ndtr

    r = np.array(corr, dtype=float)
    k = r.shape[0]
    a = np.array(lower, dtype=float)
    b = np.array(upper, dtype=float)
    order = np.arange(k)
    chol = np.zeros((k, k))
    y = np.zeros(k)
    for i in range(k):
        rest = np.arange(i, k)
        shift = chol[rest, :i] @ y[:i]
        var = np.diag(r)[rest] - np.sum(chol[rest, :i] ** 2, axis=1)
        sd = np.sqrt(np.clip(var, 1e-300, None))
        prob = ndtr((b[rest] - shift) / sd) - ndtr((a[rest] - shift) / sd)
        j = int(rest[int(np.argmin(prob))])
        if j != i:  # swap variables i and j everywhere
            for arr in (a, b, order):
                arr[[i, j]] = arr[[j, i]]
            r[[i, j], :] = r[[j, i], :]
            r[:, [i, j]] = r[:, [j, i]]
            chol[[i, j], :i] = chol[[j, i], :i]
        pivot = float(r[i, i] - chol[i, :i] @ chol[i, :i])
        chol[i, i] = np.sqrt(max(pivot, 0.0))
        if chol[i, i] <= 1e-12:  # (numerically) singular: a deterministic combination
            chol[i, i] = 1e-12
        if i + 1 < k:
            chol[i + 1 :, i] = (r[i + 1 :, i] - chol[i + 1 :, :i] @ chol[i, :i]) / chol[i, i]
        lo = (a[i] - chol[i, :i] @ y[:i]) / chol[i, i]
        hi = (b[i] - chol[i, :i] @ y[:i]) / chol[i, i]
        mass = max(float(ndtr(hi) - ndtr(lo)), 1e-300)
        density = (np.exp(-0.5 * lo**2) if np.isfinite(lo) else 0.0) - (
            np.exp(-0.5 * hi**2) if np.isfinite(hi) else 0.0
        )
        y[i] = density / np.sqrt(2.0 * np.pi) / mass  # mean of the truncated normal
    return chol, order


def _inside_estimates(
    cs: np.ndarray,
    chol: np.ndarray,
    lower_unit: np.ndarray,
    upper_unit: np.ndarray,
    df: float,
    points: int,
    control: np.ndarray | None = None,
) -> np.ndarray:
    """Per-shift mean of the integrand for each threshold: shape (len(cs), LATTICE_SHIFTS).

    The interval of variable ``i`` is ``[lower_unit[i] c, upper_unit[i] c]`` (units of the
    threshold ``c``; ``-inf``/``inf`` for one-sided limits).  With ``control`` (the Cholesky
    factor of a control-variate correlation, same variable order) the integrand is the
    difference of the two separated integrands on the same points.
    """
    base = _integrand_means(cs, chol, lower_unit, upper_unit, df, points)
    if control is None:
        return base
    return base - _integrand_means(cs, control, lower_unit, upper_unit, df, points)


def _integrand_means(
    cs: np.ndarray,
    chol: np.ndarray,
    lower_unit: np.ndarray,
    upper_unit: np.ndarray,
    df: float,
    points: int,
) -> np.ndarray:
    """Per-shift mean of Genz's separated integrand (see :func:`_inside_estimates`)."""
    from scipy.special import ndtr, ndtri

    k = chol.shape[0]
    finite_df = bool(np.isfinite(df))
    dim = k - 1 + (1 if finite_df else 0)
    cube = _lattice(max(dim, 1), points).reshape(-1, max(dim, 1))  # (shifts * points, dim)
    n = cube.shape[0]
    s = _chi_scale(float(df), max(dim, 1), points)
    w_cols = cube[:, 1:] if finite_df else cube
    out = np.empty((cs.size, LATTICE_SHIFTS))
    budget = max(1, 4_000_000 // max(n * k, 1))
    for start in range(0, cs.size, budget):
        c = cs[start : start + budget]
        scale = c[:, None] * s[None, :]  # (nc, n)
        y = np.empty((k, c.size, n))
        f = np.ones((c.size, n))
        for i in range(k):
            shift = np.tensordot(chol[i, :i], y[:i], axes=(0, 0)) if i else 0.0
            d = chol[i, i]
            lo = ndtr((lower_unit[i] * scale - shift) / d) if np.isfinite(lower_unit[i]) else 0.0
            hi = ndtr((upper_unit[i] * scale - shift) / d) if np.isfinite(upper_unit[i]) else 1.0
            width = np.clip(hi - lo, 0.0, 1.0)
            f = f * width
            if i < k - 1:
                u = lo + w_cols[None, :, i] * width
                y[i] = ndtri(np.clip(u, 1e-300, 1.0 - 1e-16))
        out[start : start + budget] = f.reshape(c.size, LATTICE_SHIFTS, points).mean(axis=2)
    return out


def box_probability(
    cs: np.ndarray,
    corr: np.ndarray,
    df: float,
    *,
    two_sided: bool,
    abs_tol: float = DEFAULT_ABS_TOL,
    points: int | None = None,
    order_at: float | None = None,
    control: np.ndarray | None = None,
) -> LatticeResult:
    """``P(-c <= T_i <= c for all i)`` (two-sided) or ``P(T_i <= c for all i)``, per ``c``.

    Parameters
    ----------
    cs : ndarray
        Thresholds ``c`` (>= 0 for two-sided).
    corr : ndarray, shape (k, k)
        Correlation matrix of the statistics (any positive semi-definite correlation).
    df : float
        Degrees of freedom of the shared variance estimate (``inf``: normal).
    two_sided : bool
        Box ``[-c, c]`` (True) or half-line ``(-inf, c]`` (False).
    abs_tol : float
        Target for the stated error; points per shift go through
        :data:`LATTICE_SIZES` (about doubling) until every threshold meets it.
    points : int, optional
        Use exactly this many points per shift (one of :data:`LATTICE_SIZES`; no
        doubling): the probability is then a
        fixed, smooth function of ``c``, as a root search needs.
    order_at : float, optional
        Threshold at which the variables are reordered (default: the median of ``cs``);
        fix it, with ``points``, for a function of ``c`` that a root search can use.
    control : ndarray, shape (k, k), optional
        A control-variate correlation whose box probability is known exactly (Dunnett's
        product form, integrated in one dimension).  The result is then the *difference*
        ``P_corr - P_control``, integrated on the same points with the same variable order;
        near the control (missing plots) its variance is tens of times smaller.

    Returns
    -------
    LatticeResult
        Inside probabilities, stated errors (three standard errors over the shifts) and
        the points per shift used.
    """
    cs = np.atleast_1d(np.asarray(cs, dtype=float))
    r = np.atleast_2d(np.asarray(corr, dtype=float))
    k = r.shape[0]
    lower_unit = np.full(k, -1.0 if two_sided else -np.inf)
    upper_unit = np.ones(k)
    c_ref = float(order_at) if order_at is not None else float(np.median(cs)) if cs.size else 1.0
    chol, order = _reordered_cholesky(r, lower_unit * c_ref, upper_unit * c_ref)
    control_chol = None
    if control is not None:
        ctrl = np.asarray(control, dtype=float)[np.ix_(order, order)]
        control_chol = np.linalg.cholesky(ctrl + 1e-14 * np.eye(k))
    inside = np.zeros(cs.size)
    error = np.zeros(cs.size)
    used = np.zeros(cs.size, dtype=int)
    todo = np.arange(cs.size)
    sizes = list(LATTICE_SIZES) if points is None else [int(points)]
    n_points = sizes.pop(0)
    while todo.size:
        est = _inside_estimates(
            cs[todo], chol, lower_unit, upper_unit, float(df), n_points, control_chol
        )
        inside[todo] = est.mean(axis=1)
        error[todo] = 3.0 * est.std(axis=1, ddof=1) / np.sqrt(LATTICE_SHIFTS)
        used[todo] = n_points
        if not sizes:
            break
        todo = todo[error[todo] > abs_tol]
        n_points = sizes.pop(0)
    worst = int(np.argmax(error)) if error.size else 0
    return LatticeResult(
        inside=inside if control is not None else np.clip(inside, 0.0, 1.0),
        abs_error=np.maximum(error, 1e-15),
        points=int(used[worst]) if used.size else 0,
    )


def nearest_product_form(corr: np.ndarray, *, iterations: int = 100) -> np.ndarray:
    """Factors ``lam`` whose product form ``lam lam'`` best fits the off-diagonal ``corr``.

    Principal-factor iteration (the diagonal replaced by ``lam**2``, then the leading
    eigenvector), clipped to ``|lam| <= 0.999`` so the product form is a valid correlation.
    Used as the control variate of :func:`box_probability`.
    """
    r = np.asarray(corr, dtype=float)
    k = r.shape[0]
    a = r.copy()
    off = r - np.diag(np.diag(r))
    lam = np.sqrt(np.clip(np.abs(off).sum(axis=1) / max(k - 1, 1), 0.0, 0.999))
    for _ in range(iterations):
        np.fill_diagonal(a, lam**2)
        values, vectors = np.linalg.eigh(a)
        new = vectors[:, -1] * np.sqrt(max(float(values[-1]), 0.0))
        if new.sum() < 0:
            new = -new
        if np.max(np.abs(new - lam)) < 1e-10:
            lam = new
            break
        lam = new
    return np.asarray(np.clip(lam, -0.999, 0.999))
