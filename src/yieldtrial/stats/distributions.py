"""Distributions behind the multiple comparisons: Dunnett's multivariate t, Tukey's range.

Dunnett's procedure needs the distribution of the maximum (or maximum absolute value) of
``k`` correlated t statistics sharing one variance estimate with ``df`` degrees of freedom.

* When the correlation matrix has Dunnett's *product form* ``R[i, j] = lam[i] * lam[j]``
  (always the case for comparisons of independent means with one control), the probability
  is a two-dimensional integral, computed deterministically (Dunnett 1955, eq. 3; Hsu 1996,
  sect. 3.1): an inner composite Gauss-Legendre rule over the standard normal variable and an
  adaptive quadrature over the chi distribution of ``s / sigma``.  Absolute error is below
  1e-9 (the tests check 1e-6 against published tables and an independent nested quadrature).
* Otherwise (correlated LS-means: an RCBD with missing plots, REML models) the probability
  comes from Genz's separation-of-variables algorithm with variable reordering
  (:mod:`yieldtrial.stats._mvt_sov`): the multivariate normal curve
  ``G(r) = P(max |X_i| <= r)`` is integrated once, as its difference from the nearest
  product-form correlation (exact, above: a control variate), on eight scrambled Sobol'
  sequences with fixed seeds, at ten Gauss-Hermite nodes of its normal score, and
  every threshold ``c`` is then the average of ``G(c s)`` over the chi rule below.  The
  result is repeatable bit for bit; the stated accuracy is three standard errors over the
  scrambles plus an interpolation bound, and the points double until it is below 1e-4
  (20 comparisons: about 0.1 s; see ``benchmarks/bench_dunnett_general.py``).  Critical
  values are the root of that deterministic, smooth function (Brent's method).
* Tukey's single-step p-values for all pairwise differences of correlated LS-means (not
  independent, :func:`pairwise_is_studentized_range`) use the same engine over the
  ``k - 1`` dimensional space of the differences, with the studentized range of
  equal-variance means as the control variate (:func:`tukey_general_pvalues`).
* The studentized range (Tukey-Kramer) is integrated the same way (Hartley 1942): a composite
  Gauss-Legendre rule over the largest normal and the chi panels over ``s``; it agrees with
  :obj:`scipy.stats.studentized_range` to 1e-8 and is about ten times faster.

Only public scipy distributions and special functions are used.

References
----------
.. [1] Dunnett, C. W. (1955). A multiple comparison procedure for comparing several
   treatments with a control. *JASA* 50, 1096-1121. :doi:`10.1080/01621459.1955.10501294`
.. [2] Hsu, J. C. (1996). *Multiple Comparisons: Theory and Methods*. Chapman & Hall.
.. [3] Genz, A., Bretz, F. (2009). *Computation of Multivariate Normal and t Probabilities*.
   Springer.
.. [4] Hartley, H. O. (1942). The range in random samples. *Biometrika* 32, 334-348
   (studentized range integral, :func:`studentized_range_sf`).
.. [5] Tukey, J. W. (1953). The problem of multiple comparisons (unpublished); Kramer, C. Y.
   (1956). Extension of multiple range tests to group means with unequal numbers of
   replications. *Biometrics* 12, 307-310.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from yieldtrial.stats._covariance import (
    BifactorFamilyCorrelation,
    DiagonalCovariance,
    LowRankUpdateCovariance,
    ProductFormCorrelation,
)

__all__ = [
    "ALTERNATIVES",
    "MvtProbability",
    "dunnett_critical_value",
    "dunnett_critical_values",
    "dunnett_pvalues",
    "max_t_exceedance",
    "product_form_lambdas",
    "studentized_range_cdf",
    "studentized_range_isf",
    "studentized_range_sf",
    "tukey_adjusted",
    "tukey_critical_value",
    "tukey_general_critical_value",
    "tukey_general_pvalues",
    "tukey_pvalues",
    "pairwise_is_studentized_range",
    "pairwise_is_tukey_hsd",
]

#: Valid ``alternative`` strings.
ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")

_PRODUCT_FORM_TOL = 1e-9

#: Largest correlation (elements) whose last product-form factors and curve key are kept
#: (:func:`_on_same_matrix`): a family of up to 1,000 comparisons (8 MB per copy).
_SAME_MATRIX_MAX_ELEMENTS = 1_000_000

#: The last matrix (a copy) and value of each :func:`_on_same_matrix` computation.
_SAME_MATRIX: dict[str, tuple[np.ndarray, Any]] = {}


def _on_same_matrix(name: str, r: np.ndarray, compute: Any) -> Any:
    """Return ``compute(r)``, reused when the last call of ``name`` had an equal matrix.

    A Dunnett family with one df per comparison (Satterthwaite) asks for its p-values and
    critical value once per distinct df, each time on the same correlation: its
    product-form test (``product_form_lambdas``, several passes over ``k x k``) and its
    curve's cache key (the rounded matrix) then cost one comparison of the matrices
    instead (950 df groups of a 500-entry alpha-lattice).  The value is the one computed
    from an equal matrix: the same numbers, bit for bit.
    """
    if r.size > _SAME_MATRIX_MAX_ELEMENTS:
        return compute(r)
    last = _SAME_MATRIX.get(name)
    if last is not None and last[0].shape == r.shape and np.array_equal(last[0], r):
        return last[1]
    value = compute(r)
    _SAME_MATRIX[name] = (r.copy(), value)
    return value


@dataclass(frozen=True)
class MvtProbability:
    """An exceedance probability of the maximum of correlated t statistics.

    Attributes
    ----------
    value : float
        The probability.
    method : str
        ``"exact-product-form"`` (deterministic quadrature), ``"exact-nested"`` (nested
        quadrature of an exact bifactor correlation, :mod:`yieldtrial.stats._mvt_nested`) or
        ``"qmc"`` (Genz's method on
        a fixed lattice rule, a deterministic quasi-Monte Carlo rule).
    abs_error : float
        Stated absolute accuracy (1e-9 for the quadrature; three standard errors over the
        seeded replicates for QMC).
    """

    value: float
    method: str
    abs_error: float


def product_form_lambdas(corr: np.ndarray, *, tol: float = _PRODUCT_FORM_TOL) -> np.ndarray | None:
    """Return ``lam`` with ``corr[i, j] = lam[i] * lam[j]`` (i != j), or None if there is none.

    Parameters
    ----------
    corr : ndarray, shape (k, k)
        A correlation matrix.
    tol : float
        Largest accepted absolute deviation of ``lam[i] * lam[j]`` from ``corr[i, j]``.

    Returns
    -------
    ndarray or None
        The factors (each ``|lam| < 1``), or None when the matrix is not of product form.

    Examples
    --------
    >>> r = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, 0.5], [0.5, 0.5, 1.0]])
    >>> product_form_lambdas(r).round(6).tolist()
    [0.707107, 0.707107, 0.707107]
    """
    r = np.asarray(corr, dtype=float)
    k = r.shape[0]
    off = r - np.diag(np.diag(r))
    if k == 1 or np.max(np.abs(off)) <= tol:
        return np.zeros(k)
    lam = np.zeros(k)
    if k == 2:
        rho = r[0, 1]
        lam[:] = np.sqrt(abs(rho))
        lam[1] *= np.sign(rho)
    else:
        # lam_i^2 = r[i, j] r[i, m] / r[j, m] for any j, m != i: take (j, m) the pair with
        # the largest |r| (the best-conditioned ratio) and, for i in that pair, the pair of
        # the other two largest; O(k^2), then the fit is verified below
        a = np.abs(off)
        j0, m0 = np.unravel_index(int(np.argmax(a)), a.shape)
        if abs(r[j0, m0]) <= tol:
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            square = r[:, j0] * r[:, m0] / r[j0, m0]
        for i in (j0, m0):
            row = a[i].copy()
            row[[j0, m0]] = -1.0
            x = int(np.argmax(row))
            other = m0 if i == j0 else j0
            if abs(r[other, x]) <= tol:
                square[i] = 0.0 if abs(r[i, x]) <= tol else np.nan
            else:
                square[i] = r[i, other] * r[i, x] / r[other, x]
        if np.any(~np.isfinite(square)) or np.any(square < -tol):
            return None
        lam = np.sqrt(np.clip(square, 0.0, None))
        ref = int(np.argmax(np.abs(lam)))
        signs = np.sign(r[ref])
        signs[ref] = 1.0
        signs[signs == 0] = 1.0
        lam = lam * signs
    if np.any(np.abs(lam) >= 1.0 - 1e-12):
        return None
    fitted = np.outer(lam, lam)
    np.fill_diagonal(fitted, 0.0)
    if np.max(np.abs(fitted - off)) > tol:
        return None
    return lam


@lru_cache(maxsize=8)
def _leggauss(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [-1, 1] (cached)."""
    return np.polynomial.legendre.leggauss(n)


@lru_cache(maxsize=64)
def _normal_nodes(lam_max: float) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre nodes and weights for E over y ~ N(0, 1) on [-9, 9].

    Panels are narrow enough for the steepest conditional probability (largest ``lam``).
    """
    scale = np.sqrt(max(1.0 - lam_max**2, 1e-12)) / max(lam_max, 1e-12)
    width = min(2.0, max(2.0 * scale, 0.02))
    panels = int(np.ceil(18.0 / width))
    x, w = _leggauss(16)
    edges = np.linspace(-9.0, 9.0, panels + 1)
    half = np.diff(edges) / 2.0
    mid = (edges[:-1] + edges[1:]) / 2.0
    nodes = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    weights = (half[:, None] * w[None, :]).ravel()
    weights = weights * np.exp(-0.5 * nodes**2) / np.sqrt(2.0 * np.pi)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


def _gauss_legendre_nodes(lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre nodes and weights for E over y ~ N(0, 1) on [-9, 9]."""
    lam_max = float(np.max(np.abs(lam))) if lam.size else 0.0
    return _normal_nodes(round(lam_max, 15))


#: Error df above which s = sqrt(chi2_df / df) is taken as exactly 1 (the normal limit).
#: Its standard deviation is 1 / sqrt(2 df), 7e-11 at 1e20: the quantiles at 1e15 to 1e30
#: equal the limit's to 3e-15 (Duncan p = 3: 2.9184223478263 at both), while from about
#: 1e40 the panels between the chi quantiles collapsed and gave 2.92546 silently (1e308 also
#: overflowed with a RuntimeWarning).
CHI_DF_LIMIT = 1e20


@lru_cache(maxsize=64)
def chi_nodes(df: float, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre nodes/weights (pdf included) for s = sqrt(chi2_df / df).

    Panels are bounded by quantiles from 1e-15 to 1 - 1e-15 so that both tails (which
    carry the small exceedance probabilities) get their own panels.
    """
    from scipy import special

    if not np.isfinite(df) or df > CHI_DF_LIMIT:
        return np.ones(1), np.ones(1)
    tail = np.array([1e-15, 1e-10, 1e-6, 1e-3, 0.02, 0.15])
    # quantiles of s = sqrt(chi2_df / df) from the inverse regularized incomplete gamma
    # functions (what scipy.stats.chi's ppf/isf compute, without the per-call overhead)
    lower = np.sqrt(2.0 * special.gammaincinv(df / 2.0, np.append(tail, 0.5)) / df)
    upper = np.sqrt(2.0 * special.gammainccinv(df / 2.0, tail) / df)
    edges = np.unique(np.concatenate([[0.0], lower, upper]))
    x, w = _leggauss(order)
    half = np.diff(edges) / 2.0
    centre = (edges[:-1] + edges[1:]) / 2.0
    nodes = (centre[:, None] + half[:, None] * x[None, :]).ravel()
    weights = (half[:, None] * w[None, :]).ravel()
    # log density up to a constant, written around s = 1 so that a large df loses no digits:
    # (df - 1) log s - df s^2 / 2 = df (log s - e - e^2 / 2) - log s - df / 2 with e = s - 1
    # (the normalising constant cancels in large terms, so the rule is normalised instead;
    # it holds all but 2e-15 of the mass, between the 1e-15 quantiles)
    log_s, e = np.log(nodes), nodes - 1.0
    log_density = df * (log_s - e - 0.5 * e**2) - log_s
    weights = weights * np.exp(log_density - log_density.max())
    weights = weights / weights.sum()
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


def _lambda_groups(lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``lam`` (to 1e-13) and how often each occurs.

    Equal factors give identical conditional probabilities, so the product over the
    comparisons is a power of one factor: a balanced family costs one evaluation.
    """
    keys = np.round(np.asarray(lam, dtype=float), 13)
    values, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    means = np.bincount(inverse, weights=np.asarray(lam, dtype=float)) / counts
    return means, counts.astype(float)


@lru_cache(maxsize=8)
def _exact_exceedances_cached(
    cs_bytes: bytes, lam_bytes: bytes, df: float, two_sided: bool
) -> np.ndarray:
    """:func:`_exact_exceedances` of arrays given as bytes, cached (a report asks twice)."""
    cs = np.frombuffer(cs_bytes, dtype=float)
    lam = np.frombuffer(lam_bytes, dtype=float)
    if _tabulate(lam):
        out = _tabulated_exceedances(cs, lam, df, two_sided)
    else:
        out = _exact_exceedances(cs, lam, df, two_sided)
    out.setflags(write=False)
    return out


#: Families with more thresholds than this skip the integral where the p-value is 1.
_SATURATION_MIN = 256

#: A p-value within this of 1 is reported as 1 (far inside the stated 1e-9 accuracy).
_SATURATION_TOL = 1e-10


def _exceedances_many(cs: np.ndarray, lam: np.ndarray, df: float, two_sided: bool) -> np.ndarray:
    """:func:`_exact_exceedances` for a large family, skipping the thresholds where p = 1.

    With thousands of comparisons most statistics lie where the exceedance is 1 to within
    1e-10 (10,000 comparisons: ``|t|`` below about 4).  The exceedance is monotone in the
    threshold, so it is evaluated on a grid of 32 thresholds first; every threshold at or
    below the largest grid point with exceedance ``>= 1 - 1e-10`` gets exactly 1 (error
    below 1e-10), and only the others are integrated.
    """
    if cs.size <= _SATURATION_MIN or _tabulate(lam):
        return np.array(_exact_exceedances_cached(cs.tobytes(), lam.tobytes(), df, two_sided))
    return np.array(_exceedances_many_cached(cs.tobytes(), lam.tobytes(), df, two_sided))


@lru_cache(maxsize=8)
def _exceedances_many_cached(
    cs_bytes: bytes, lam_bytes: bytes, df: float, two_sided: bool
) -> np.ndarray:
    """:func:`_exceedances_many` of arrays given as bytes, cached; progress on a terminal."""
    from yieldtrial.io.progress import terminal_progress

    cs = np.frombuffer(cs_bytes, dtype=float)
    lam = np.frombuffer(lam_bytes, dtype=float)
    grid = np.linspace(float(np.min(cs)), float(np.max(cs)), 33)[1:]
    at_grid = _exact_exceedances(grid, lam, df, two_sided)
    saturated = grid[at_grid >= 1.0 - _SATURATION_TOL]
    cut = float(saturated.max()) if saturated.size else -np.inf
    out = np.ones(cs.size)
    rest = np.flatnonzero(cs > cut)
    step = 250
    with terminal_progress("Dunnett p-values", rest.size, unit="comparisons", minimum=2000) as done:
        for start in range(0, rest.size, step):
            part = rest[start : start + step]
            out[part] = _exact_exceedances(cs[part], lam, df, two_sided)
            done(min(start + step, rest.size))
    out.setflags(write=False)
    return out


#: Array elements per block of :func:`_exact_exceedances`: 16,384 (128 kB per temporary, in
#: cache) instead of 1,500,000 (12 MB, fresh pages on a first call) makes a family of 20
#: thresholds 1.3-1.6 times faster (stop 41, ``benchmarks/bench_dunnett_reviewer.py``); the
#: sums over the chi nodes split into blocks, so the values move at rounding level (5e-15).
_EXACT_BLOCK_ELEMENTS = 16_384


def _exact_exceedances(cs: np.ndarray, lam: np.ndarray, df: float, two_sided: bool) -> np.ndarray:
    """P(max_i T_i > c) (or max |T_i|) for every ``c`` in ``cs`` (Dunnett 1955, eq. 3).

    ``T_i = Z_i / s`` with ``Z_i = sqrt(1 - lam_i^2) X_i + lam_i Y``; conditional on ``Y = y``
    and ``s`` the ``Z_i`` are independent normals.  The complement of the product is
    accumulated in logs so that small p-values keep their relative accuracy.  Equal
    ``lam_i`` are evaluated once (see :func:`_lambda_groups`); the thresholds are evaluated
    together on one grid.
    """
    from scipy.special import log_ndtr, ndtr

    c_all = np.atleast_1d(np.asarray(cs, dtype=float))
    out = np.ones(c_all.shape)
    todo = np.flatnonzero(~(two_sided & (c_all <= 0.0)))
    if todo.size == 0:
        return out
    y_nodes, y_weights = _gauss_legendre_nodes(lam)
    s_nodes, s_weights = chi_nodes(df)
    values, counts = _lambda_groups(lam)
    budget = _EXACT_BLOCK_ELEMENTS
    s_step = max(1, min(s_nodes.size, budget // max(y_nodes.size, 1)))
    c_step = max(1, budget // (y_nodes.size * s_step))
    for start in range(0, todo.size, c_step):
        idx = todo[start : start + c_step]
        total = np.zeros(idx.size)
        for s_start in range(0, s_nodes.size, s_step):
            s_part = s_nodes[s_start : s_start + s_step]
            cs_s = c_all[idx][:, None, None] * s_part[None, None, :]  # (nc, 1, ns)
            log_inside = np.zeros((idx.size, y_nodes.size, s_part.size))
            for lam_i, count in zip(values, counts, strict=True):
                root = np.sqrt(1.0 - lam_i**2)
                shift = (lam_i * y_nodes)[None, :, None]
                upper = (cs_s - shift) / root
                if two_sided:
                    lower = (-cs_s - shift) / root
                    q = np.clip(ndtr(-upper) + ndtr(lower), 0.0, 1.0)
                    with np.errstate(divide="ignore"):
                        log_inside += count * np.log1p(-q)
                else:
                    log_inside += count * log_ndtr(upper)
            complement = -np.expm1(log_inside)
            total += np.einsum(
                "y,cys,s->c", y_weights, complement, s_weights[s_start : s_start + s_step]
            )
        out[idx] = np.clip(total, 0.0, 1.0)
    return out


def _exact_exceedance(c: float, lam: np.ndarray, df: float, two_sided: bool) -> float:
    """P(max_i T_i > c) (or max |T_i|) by the product-form integral (Dunnett 1955, eq. 3)."""
    if _tabulate(lam):
        return float(_tabulated_exceedances(np.array([c]), lam, df, two_sided)[0])
    return float(_exact_exceedances(np.array([c]), lam, df, two_sided)[0])


#: Product-form families with at least this many distinct factors use the tabulated normal
#: curve (:func:`_normal_curve_table`): the direct integral costs ``factors x y nodes x chi
#: nodes`` per threshold (999 distinct factors: about 1 s per threshold and df).
TABLE_MIN_FACTORS = 64

#: Spacing of the tabulated normal curve's grid of thresholds.
_TABLE_STEP = 0.05

#: Stated absolute error of a tabulated product-form probability (interpolation: at most
#: 4e-8 against the direct integral for 100 to 1,000 factors between -0.3 and 0.95,
#: ``tests/test_stats_product_form_table.py``).
TABLE_ABS_ERROR = 1e-7


def _tabulate(lam: np.ndarray) -> bool:
    """Whether a product form has enough distinct factors for the tabulated curve."""
    return bool(lam.size >= TABLE_MIN_FACTORS and _lambda_groups(lam)[0].size >= TABLE_MIN_FACTORS)


@lru_cache(maxsize=8)
def _normal_curve_table(lam_bytes: bytes, two_sided: bool) -> tuple[Any, float, float]:
    r"""Spline of the normal product-form curve in the Gumbel scale, for many distinct factors.

    The exceedance of the t maximum averages the normal one, ``H(r) = P(max |Z_i| > r)``
    (or ``max Z_i``), over ``r = c s`` with ``s = sqrt(chi2_df / df)``:
    :math:`P(\max |T_i| > c) = E_s[H(c s)]`.  ``H`` does not depend on the df, so it is
    computed once, by the same product-form integral, on a grid of spacing
    :data:`_TABLE_STEP` (``0 <= r <= 40``; one-sided from ``-8``), and interpolated by a
    cubic spline of :math:`w(r) = \log(-\log(1 - H(r)))`: the maximum of many normals is
    close to a Gumbel law, for which ``w`` is nearly quadratic in ``r``, and
    ``H = -expm1(-exp(w))`` keeps the relative accuracy of small exceedances.  Every
    threshold and every df of the family then costs a spline evaluation per chi node.

    Returns
    -------
    spline : scipy.interpolate.CubicSpline
        ``r -> w(r)`` on ``[lo, hi]``.
    lo, hi : float
        Below ``lo`` the exceedance is 1 (to within 1e-10), above ``hi`` 0 (below 1e-300).
    """
    from yieldtrial.stats._spline import CubicSpline  # scipy.interpolate's, bit for bit

    lam = np.frombuffer(lam_bytes, dtype=float)
    grid = np.arange(0.0 if two_sided else -8.0, 40.0 + 1e-9, _TABLE_STEP)
    h = _exact_exceedances(grid, lam, np.inf, two_sided)
    keep = np.flatnonzero((h > 1e-300) & (h < 1.0 - 1e-10))
    w = np.log(-np.log1p(-h[keep]))
    return CubicSpline(grid[keep], w), float(grid[keep[0]]), float(grid[keep[-1]])


def _tabulated_exceedances(
    cs: np.ndarray, lam: np.ndarray, df: float, two_sided: bool
) -> np.ndarray:
    """:func:`_exact_exceedances` from the tabulated normal curve (many distinct factors)."""
    # the curve depends on the factors as a set: the key is sorted and rounded to 1e-9 (the
    # same family in another level order shares one table; a factor moved by 1e-9 moves
    # the probabilities by about as much)
    key = np.sort(np.round(np.asarray(lam, dtype=float), 9))
    spline, lo, hi = _normal_curve_table(np.ascontiguousarray(key).tobytes(), two_sided)
    c_all = np.atleast_1d(np.asarray(cs, dtype=float))
    s_nodes, s_weights = chi_nodes(df)
    r = c_all[:, None] * s_nodes[None, :]
    h = np.zeros(r.shape)
    h[r < lo] = 1.0
    inside = (r >= lo) & (r <= hi)
    h[inside] = -np.expm1(-np.exp(spline(r[inside])))
    out = np.clip(h @ s_weights, 0.0, 1.0)
    if two_sided:
        out[c_all <= 0.0] = 1.0
    return np.asarray(out)


def _qmc_exceedance(c: float, corr: np.ndarray, df: float, two_sided: bool) -> MvtProbability:
    """P(max_i T_i > c) (or max |T_i|) for a general correlation (deterministic SOV curve)."""
    curve = _dunnett_curve(corr, df, two_sided=two_sided)
    values, errors = curve.exceedance(np.array([c]))
    method = getattr(curve, "method", "qmc")
    return MvtProbability(value=float(values[0]), method=method, abs_error=float(errors[0]))


def max_t_exceedance(
    c: float, corr: np.ndarray, df: float, *, alternative: str = "two-sided"
) -> MvtProbability:
    """Probability that the maximum of correlated t statistics exceeds ``c``.

    Parameters
    ----------
    c : float
        Threshold.
    corr : ndarray, shape (k, k)
        Correlation matrix of the statistics' numerators.
    df : float
        Degrees of freedom of the shared variance estimate (``inf`` for a known variance).
    alternative : {"two-sided", "greater", "less"}
        ``"two-sided"``: P(max |T_i| >= c); ``"greater"``: P(max T_i >= c);
        ``"less"``: P(min T_i <= -c), which equals the ``"greater"`` value.

    Returns
    -------
    MvtProbability
        Value, method and stated absolute accuracy.

    Examples
    --------
    One comparison reduces to Student's t:

    >>> round(max_t_exceedance(2.228139, np.eye(1), 10).value, 6)
    0.05
    """
    _check_alternative(alternative)
    r = np.atleast_2d(np.asarray(corr, dtype=float))
    two_sided = alternative == "two-sided"
    lam = product_form_lambdas(r)
    if lam is not None:
        value = _exact_exceedance(float(c), lam, float(df), two_sided)
        error = TABLE_ABS_ERROR if _tabulate(lam) else 1e-9
        return MvtProbability(value=value, method="exact-product-form", abs_error=error)
    return _qmc_exceedance(float(c), r, float(df), two_sided)


def _correlation_and_lambdas(corr: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the dense correlation (empty for a structured one) and its product-form factors.

    A :class:`~yieldtrial.stats._covariance.ProductFormCorrelation` (the family of a
    balanced design) gives its factors directly, without an ``m x m`` matrix.
    """
    from yieldtrial.errors import DataValidationError

    if isinstance(corr, ProductFormCorrelation):
        return np.zeros((0, 0)), np.array(corr.lam)
    r = np.atleast_2d(np.asarray(corr, dtype=float))
    if not np.all(np.isfinite(r)):  # NaN p-values (2 x 2) or LinAlgError (larger) otherwise
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(r))[0])
        raise DataValidationError(
            f"the correlation of the comparisons holds {r[bad]} at {bad}: every element must "
            "be a finite number (check the covariance of the estimates)"
        )
    lam = _on_same_matrix("lambdas", r, product_form_lambdas)
    return r, None if lam is None else lam.copy()


def dunnett_pvalues(
    statistics: np.ndarray,
    corr: np.ndarray | ProductFormCorrelation | BifactorFamilyCorrelation,
    df: float,
    *,
    alternative: str = "two-sided",
    curve_df: float | None = None,
) -> tuple[np.ndarray, MvtProbability]:
    """Single-step (Dunnett) adjusted p-values of correlated t statistics.

    Parameters
    ----------
    statistics : ndarray, shape (k,)
        Observed t statistics (estimate / standard error).
    corr : ndarray, shape (k, k), ProductFormCorrelation or BifactorFamilyCorrelation
        Correlation matrix of the contrasts (a product-form one may be given by its
        factors, :class:`~yieldtrial.stats._covariance.ProductFormCorrelation`, one of
        exact bifactor form by its loadings,
        :class:`~yieldtrial.stats._covariance.BifactorFamilyCorrelation`).
    df : float
        Error degrees of freedom.
    alternative : {"two-sided", "greater", "less"}
        Direction of the alternative hypotheses.
    curve_df : float, optional
        A general correlation's curve is built until its stated error meets the target at
        the power of two at or above ``df``; a family whose comparisons have several df
        (mixed models) passes its largest, so that one curve serves every df of the family
        (a smaller df's stated error is at most about the larger one's).  Default ``df``.

    Returns
    -------
    p_values : ndarray, shape (k,)
        ``P(max_j T_j >= t_i)`` under the global null (with ``|.|`` when two-sided).
    accuracy : MvtProbability
        Method and the worst stated absolute accuracy (``value`` is the smallest p-value).

    Examples
    --------
    Dunnett (1955, Table 1) blood counts, drug B against the control (R multcomp: 0.0058254):

    >>> rho = 1 / np.sqrt((1 + 6 / 4) * (1 + 6 / 5))  # n = 6 (control), 4 (A), 5 (B)
    >>> p, _ = dunnett_pvalues(np.array([0.85703, 3.69375]),
    ...                        np.array([[1.0, rho], [rho, 1.0]]), 12)
    >>> round(float(p[1]), 5)
    0.00583
    """
    _check_alternative(alternative)
    t = np.asarray(statistics, dtype=float)
    if alternative == "two-sided":
        thresholds = np.abs(t)
    elif alternative == "greater":
        thresholds = t
    else:
        thresholds = -t
    out = np.full(t.shape, np.nan)
    ok = ~np.isnan(thresholds)
    if alternative != "two-sided":  # one-sided far below zero: certainly exceeded
        out[ok & (thresholds <= -40.0)] = 1.0
        ok &= thresholds > -40.0
    if not np.any(ok):
        return out, MvtProbability(np.nan, "none", np.nan)
    if isinstance(corr, BifactorFamilyCorrelation):
        curve = _bifactor_family_curve(corr, float(df), two_sided=alternative == "two-sided")
        values, errors = curve.exceedance(thresholds[ok])
        out[ok] = values
        return out, MvtProbability(float(np.nanmin(out)), curve.method, float(np.max(errors)))
    r, lam = _correlation_and_lambdas(corr)
    if lam is not None:
        out[ok] = _exceedances_many(thresholds[ok], lam, float(df), alternative == "two-sided")
        error = TABLE_ABS_ERROR if _tabulate(lam) else 1e-9
        return out, MvtProbability(float(np.nanmin(out)), "exact-product-form", error)
    # every statistic from one pass of the separated integrand (the exceedance curve)
    curve = _dunnett_curve(r, float(df), two_sided=alternative == "two-sided", curve_df=curve_df)
    values, errors = curve.exceedance(thresholds[ok])
    out[ok] = values
    method = getattr(curve, "method", "qmc")
    return out, MvtProbability(float(np.nanmin(out)), method, float(np.max(errors)))


def dunnett_critical_value(
    corr: np.ndarray | ProductFormCorrelation | BifactorFamilyCorrelation,
    df: float,
    *,
    alternative: str = "two-sided",
    confidence: float = 0.95,
    curve_df: float | None = None,
) -> tuple[float, MvtProbability]:
    """Critical value ``c`` with ``P(max T_i <= c) = confidence`` (``|T_i|`` when two-sided).

    Parameters
    ----------
    corr : ndarray, shape (k, k), ProductFormCorrelation or BifactorFamilyCorrelation
        Correlation matrix of the contrasts (or the factors of a product-form one, or the
        loadings of one of exact bifactor form).
    df : float
        Error degrees of freedom.
    alternative : {"two-sided", "greater", "less"}
        ``"greater"`` and ``"less"`` give the same one-sided value.
    confidence : float
        Simultaneous coverage, in (0, 1).
    curve_df : float, optional
        The df a general correlation's curve is built for, as in :func:`dunnett_pvalues`.

    Returns
    -------
    critical_value : float
        The quantile, found by Brent's method to 1e-10 (1e-6 when the probability comes
        from quasi-Monte Carlo).
    accuracy : MvtProbability
        Method and stated absolute accuracy of the probability at the root.

    Examples
    --------
    Dunnett (1955, Table 2a): two-sided 95 %, 2 treatments vs control, 30 df gives 2.32:

    >>> c, _ = dunnett_critical_value(np.array([[1.0, 0.5], [0.5, 1.0]]), 30)
    >>> round(c, 2)
    2.32
    """
    _check_alternative(alternative)
    if isinstance(corr, BifactorFamilyCorrelation):
        return _bifactor_family_critical(corr, float(df), alternative, float(confidence))
    r, lam = _correlation_and_lambdas(corr)
    sided = "two-sided" if alternative == "two-sided" else "greater"
    if lam is not None:
        # the value depends on corr only through the product-form factors: cache on them
        key = tuple(np.round(np.sort(lam), 13).tolist())
        return dunnett_critical_cached(key, float(df), sided, float(confidence))
    # general correlation (seeded QMC, deterministic): cache on the rounded matrix
    build = _build_df(float(df if curve_df is None else max(df, curve_df)))
    key = _on_same_matrix("curve_key", r, lambda m: np.round(m, 12).tobytes())
    return _dunnett_critical_qmc_cached(key, r.shape[0], float(df), sided, float(confidence), build)


@lru_cache(maxsize=64)
def _dunnett_critical_qmc_cached(
    corr_bytes: bytes,
    k: int,
    df: float,
    alternative: str,
    confidence: float,
    build_df: float | None = None,
) -> tuple[float, MvtProbability]:
    """Critical value for a general correlation given as bytes (cached)."""
    r = np.frombuffer(corr_bytes, dtype=float).reshape(k, k).copy()
    return _dunnett_critical(r, df, alternative, confidence, build_df)


def dunnett_critical_values(
    corr: np.ndarray | ProductFormCorrelation | BifactorFamilyCorrelation,
    dfs: Sequence[float],
    *,
    alternative: str = "two-sided",
    confidence: float = 0.95,
    curve_df: float | None = None,
) -> list[tuple[float, MvtProbability]]:
    """:func:`dunnett_critical_value` at each df of ``dfs``: the same floats, found together.

    A family whose comparisons have several df (mixed models: Satterthwaite df per row)
    has a critical value per df, each a root of the family's one general curve with that
    df's chi rule.  Here the root searches go in step, the curve evaluated once per step
    at every search's next threshold (:func:`_curve_roots`): the same iterates, so the
    same roots, values and stated errors as one call per df (tests), in a fraction of the
    time (an alpha-lattice with blocks of 3, 2 replicates and 3 lost plots, 19 df: the
    roots 0.048 s -> 0.016 s CPU; stop 51).  Other correlations: one call per df.

    Parameters
    ----------
    corr : ndarray, shape (k, k), ProductFormCorrelation or BifactorFamilyCorrelation
        Correlation matrix of the contrasts, as for :func:`dunnett_critical_value`.
    dfs : sequence of float
        The error df, one critical value each.
    alternative : {"two-sided", "greater", "less"}
        As for :func:`dunnett_critical_value`.
    confidence : float
        Simultaneous coverage, in (0, 1).
    curve_df : float, optional
        The df a general correlation's curve is built for (the family's largest df).

    Returns
    -------
    list of (float, MvtProbability)
        The critical value and its accuracy at each df, in the order of ``dfs``.

    Examples
    --------
    >>> r = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> [round(c, 2) for c, _ in dunnett_critical_values(r, [30.0, 10.0])]
    [2.32, 2.57]
    """
    _check_alternative(alternative)
    values = [float(df) for df in dfs]
    one_by_one = [
        lambda df=df: dunnett_critical_value(
            corr, df, alternative=alternative, confidence=confidence, curve_df=curve_df
        )
        for df in values
    ]
    if len(values) < 2 or isinstance(corr, BifactorFamilyCorrelation):
        return [call() for call in one_by_one]
    r, lam = _correlation_and_lambdas(corr)
    builds = {_build_df(df if curve_df is None else max(df, curve_df)) for df in values}
    if lam is not None or r.shape[0] == 1 or len(builds) > 1:
        return [call() for call in one_by_one]
    sided = "two-sided" if alternative == "two-sided" else "greater"
    key = _on_same_matrix("curve_key", r, lambda m: np.round(m, 12).tobytes())
    return list(
        _dunnett_critical_many_cached(
            key, r.shape[0], tuple(values), sided, float(confidence), builds.pop()
        )
    )


@lru_cache(maxsize=16)
def _dunnett_critical_many_cached(
    corr_bytes: bytes,
    k: int,
    dfs: tuple[float, ...],
    alternative: str,
    confidence: float,
    build_df: float,
) -> tuple[tuple[float, MvtProbability], ...]:
    """:func:`_dunnett_critical_qmc_cached` at each df, the general curve's roots in step."""
    from yieldtrial.stats._univariate import t_isf

    r = np.frombuffer(corr_bytes, dtype=float).reshape(k, k).copy()
    # r is the rounded matrix of the cache key (as in _dunnett_critical)
    if _on_same_matrix("lambdas_rounded", r, product_form_lambdas) is not None:
        return tuple(_dunnett_critical(r, df, alternative, confidence, build_df) for df in dfs)
    alpha = 1.0 - confidence
    sides = 2.0 if alternative == "two-sided" else 1.0
    los = [float(t_isf(alpha / sides, df)) - 1e-9 for df in dfs]
    his = [float(t_isf(alpha / (sides * k), df)) + 1e-9 for df in dfs]
    two_sided = alternative == "two-sided"
    curves = [_dunnett_curve(r, df, two_sided=two_sided, curve_df=build_df) for df in dfs]
    found = _curve_roots(curves, alpha, los, his)
    return tuple(
        (root, MvtProbability(value, getattr(curve, "method", "qmc"), error))
        for (root, value, error), curve in zip(found, curves, strict=True)
    )


@lru_cache(maxsize=256)
def dunnett_critical_cached(
    lam: tuple[float, ...], df: float, alternative: str, confidence: float
) -> tuple[float, MvtProbability]:
    """Product-form critical value for sorted factors ``lam`` (cached).

    The root is found on the factors themselves (no ``k x k`` matrix), so a family of
    thousands of comparisons costs what a small one does (equal factors are grouped).
    """
    from yieldtrial.stats._roots import brentq
    from yieldtrial.stats._univariate import t_isf

    factors = np.asarray(lam, dtype=float)
    k = factors.size
    alpha = 1.0 - confidence
    sides = 2.0 if alternative == "two-sided" else 1.0
    if k == 1:
        return float(t_isf(alpha / sides, df)), MvtProbability(alpha, "t", 1e-12)
    two_sided = alternative == "two-sided"
    lo = float(t_isf(alpha / sides, df)) - 1e-9
    hi = float(t_isf(alpha / (sides * k), df)) + 1e-9

    def f(c: float) -> float:
        return _exact_exceedance(c, factors, df, two_sided) - alpha

    root = float(brentq(f, lo, hi, xtol=1e-10, rtol=1e-12))
    value = _exact_exceedance(root, factors, df, two_sided)
    error = TABLE_ABS_ERROR if _tabulate(factors) else 1e-9
    return root, MvtProbability(value=value, method="exact-product-form", abs_error=error)


def _dunnett_critical(
    r: np.ndarray, df: float, alternative: str, confidence: float, build_df: float | None = None
) -> tuple[float, MvtProbability]:
    """Root of ``P(max T > c) = 1 - confidence`` by Brent's method."""
    from yieldtrial.stats._roots import brentq
    from yieldtrial.stats._univariate import t_isf

    k = r.shape[0]
    alpha = 1.0 - confidence
    sides = 2.0 if alternative == "two-sided" else 1.0
    lo = float(t_isf(alpha / sides, df)) - 1e-9
    hi = float(t_isf(alpha / (sides * k), df)) + 1e-9
    if k == 1:
        return float(t_isf(alpha / sides, df)), MvtProbability(alpha, "t", 1e-12)

    def f(c: float) -> float:
        return max_t_exceedance(c, r, df, alternative=alternative).value - alpha

    # r is the rounded matrix of the cache key: its own last value (not the unrounded one's)
    if _on_same_matrix("lambdas_rounded", r, product_form_lambdas) is None:
        return _dunnett_critical_lattice(r, df, alternative, confidence, lo, hi, build_df)
    root = float(brentq(f, lo, hi, xtol=1e-10, rtol=1e-12))
    return root, max_t_exceedance(root, r, df, alternative=alternative)


def _dunnett_critical_lattice(
    r: np.ndarray,
    df: float,
    alternative: str,
    confidence: float,
    lo: float,
    hi: float,
    build_df: float | None = None,
) -> tuple[float, MvtProbability]:
    """Critical value for a general correlation: a bracketed root of a fixed function.

    The exceedance is the curve of one pass of Genz's separated integrand
    (:func:`_dunnett_curve`, shared with the p-values): one
    deterministic, smooth function of ``c``, so Brent's method finds its root to 1e-10
    between the single-test and Bonferroni bounds.
    """
    curve = _dunnett_curve(r, float(df), two_sided=alternative == "two-sided", curve_df=build_df)
    root, value, error = _curve_root(curve, 1.0 - confidence, lo, hi)
    return root, MvtProbability(value, getattr(curve, "method", "qmc"), error)


def _bifactor_family_curve(corr: BifactorFamilyCorrelation, df: float, *, two_sided: bool) -> Any:
    """Exact curve of a family of exact bifactor form: the normal curve with ``df``'s chi rule.

    The normal curve (nested quadrature, :mod:`yieldtrial.stats._mvt_nested`) is built once
    per side on the family object; the t probability only changes the average over the chi
    scale, as for a dense correlation of this form (:func:`_dunnett_curve`).
    """
    return _with_chi_rule(corr.normal_curve(two_sided=two_sided), df)


def _bifactor_family_critical(
    corr: BifactorFamilyCorrelation, df: float, alternative: str, confidence: float
) -> tuple[float, MvtProbability]:
    """Critical value of a family of exact bifactor form (root of its exact curve)."""
    from yieldtrial.stats._univariate import t_isf

    alpha = 1.0 - confidence
    sides = 2.0 if alternative == "two-sided" else 1.0
    lo = float(t_isf(alpha / sides, df)) - 1e-9
    hi = float(t_isf(alpha / (sides * len(corr)), df)) + 1e-9
    curve = _bifactor_family_curve(corr, df, two_sided=alternative == "two-sided")
    root, value, error = _curve_root(curve, alpha, lo, hi)
    return root, MvtProbability(value, curve.method, error)


def _curve_root(curve: Any, alpha: float, lo: float, hi: float) -> tuple[float, float, float]:
    """``c`` in ``[lo, hi]`` with ``curve.exceedance(c) = alpha`` (Brent), value and error."""
    steps = _curve_root_steps(alpha, lo, hi)
    try:
        c = next(steps)
        while True:
            c = steps.send(float(curve.exceedance(np.array([c]))[0][0]))
    except StopIteration as done:
        root = float(done.value)
    values, errors = curve.exceedance(np.array([root]))
    return root, float(values[0]), float(errors[0])


def _curve_root_steps(alpha: float, lo: float, hi: float) -> Generator[float, float, float]:
    """:func:`_curve_root`'s search as a coroutine: yields ``c``, is sent the exceedance at ``c``.

    Returns the root (``StopIteration.value``); one search, or several in step
    (:func:`_curve_roots`), make the same evaluations.
    """
    from yieldtrial.stats._roots import brent_steps

    f_lo = (yield lo) - alpha
    f_hi = (yield hi) - alpha
    while f_lo < 0.0 and lo > 1e-6:  # the curve's own root may sit just outside the bounds
        lo, f_lo = lo / 1.1, (yield lo / 1.1) - alpha
    while f_hi > 0.0:
        hi, f_hi = hi * 1.1, (yield hi * 1.1) - alpha
    if f_lo == 0.0:
        return lo
    brent = brent_steps(lo, hi, xtol=1e-10, rtol=1e-12)
    try:
        c = next(brent)
        while True:
            c = brent.send((yield c) - alpha)
    except StopIteration as done:
        return float(done.value)


def _curve_roots(
    curves: list[Any], alpha: float, los: list[float], his: list[float]
) -> list[tuple[float, float, float]]:
    """:func:`_curve_root` of each curve, the searches in step: the same roots, values, errors.

    The curves are one normal curve with several chi rules (a family's df): each step
    evaluates it once at every search's next ``c`` (:meth:`~yieldtrial.stats._mvt_sov.
    MaxTCurve.exceedance_values`, the same floats as one at a time).
    """
    base = curves[0]
    rules = [curve.chi_rule for curve in curves]
    together = hasattr(base, "exceedance_values") and all(
        curve.coef is base.coef and curve.score is base.score for curve in curves
    )
    searches = [_curve_root_steps(alpha, lo, hi) for lo, hi in zip(los, his, strict=True)]
    wanted = {j: next(search) for j, search in enumerate(searches)}
    roots: dict[int, float] = {}
    while wanted:
        lanes = sorted(wanted)
        if together:
            values = base.exceedance_values(
                np.array([wanted[j] for j in lanes]), [rules[j] for j in lanes]
            )
        else:  # curves of other kinds: one at a time
            values = np.array([curves[j].exceedance(np.array([wanted[j]]))[0][0] for j in lanes])
        for j, value in zip(lanes, values, strict=True):
            try:
                wanted[j] = searches[j].send(float(value))
            except StopIteration as done:
                roots[j] = float(done.value)
                del wanted[j]
    out = []
    for j, curve in enumerate(curves):
        values, errors = curve.exceedance(np.array([roots[j]]))
        out.append((roots[j], float(values[0]), float(errors[0])))
    return out


#: Studentized range: Gauss-Legendre panels and nodes per panel over the largest normal.
_RANGE_Z_PANELS, _RANGE_Z_ORDER = 16, 12

#: Gauss-Legendre nodes per chi panel for the studentized range (finer than Dunnett's 16: the
#: range of thousands of means with few df needs it for 1e-12).
_RANGE_CHI_ORDER = 24

#: Above this many distinct ``q`` the upper tail is interpolated on grids
#: (:func:`_range_sf_many`, error below 1e-10) instead of integrated value by value.
_RANGE_DIRECT_LIMIT = 96


@lru_cache(maxsize=256)
def _range_z_nodes(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Nodes ``z``, weights times the density of the largest of ``k`` normals, and log Phi(z).

    The density :math:`k\phi(z)\Phi(z)^{k-1}` is negligible (below ``e^-60`` of its peak)
    outside an interval that narrows as ``k`` grows; the panels cover only that interval,
    so a family of 10,000 means is integrated as accurately as one of 3.
    """
    from scipy.special import log_ndtr

    def log_density(z: np.ndarray) -> np.ndarray:
        return np.asarray(
            np.log(k) - 0.5 * z**2 - 0.5 * np.log(2.0 * np.pi) + (k - 1) * log_ndtr(z)
        )

    probe = np.linspace(-9.0, 9.0, 3601)
    logd = log_density(probe)
    keep = np.flatnonzero(logd > logd.max() - 60.0)
    lo = max(-9.0, float(probe[keep[0]]) - 0.005)
    hi = min(9.0, float(probe[keep[-1]]) + 0.005)
    x, w = _leggauss(_RANGE_Z_ORDER)
    edges = np.linspace(lo, hi, _RANGE_Z_PANELS + 1)
    half = np.diff(edges) / 2.0
    mid = (edges[:-1] + edges[1:]) / 2.0
    z = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    weights = (half[:, None] * w[None, :]).ravel() * np.exp(log_density(z))
    log_phi = log_ndtr(z)
    for arr in (z, weights, log_phi):
        arr.setflags(write=False)
    return z, weights, log_phi


def _range_tail_direct(q: np.ndarray, k: int, df: float, *, upper: bool) -> np.ndarray:
    """Upper (``upper=True``) or lower tail of the studentized range at finite ``q > 0``.

    Hartley's integral (see :func:`studentized_range_sf`): conditional on the largest normal
    ``z`` and on ``s``, the other ``k - 1`` lie within ``w = q s`` of it with probability
    ``(1 - Phi(z - w)/Phi(z))^(k-1)``, accumulated as ``exp((k-1) log1p(-ratio))`` so both
    tails keep their relative accuracy.
    """
    from scipy.special import log_ndtr

    z, dens, log_phi = _range_z_nodes(int(k))
    s_nodes, s_weights = chi_nodes(float(df), _RANGE_CHI_ORDER)
    out = np.empty(q.size)
    step = max(1, 1_000_000 // (z.size * s_nodes.size))
    for start in range(0, q.size, step):
        part = q[start : start + step]
        w = part[:, None, None] * s_nodes[None, None, :]  # (nq, 1, ns)
        with np.errstate(divide="ignore", under="ignore"):  # whatever the caller's np.seterr
            ratio = np.exp(log_ndtr(z[None, :, None] - w) - log_phi[None, :, None])
            log_inside = (k - 1) * np.log1p(-np.clip(ratio, 0.0, 1.0))
            inner = -np.expm1(log_inside) if upper else np.exp(log_inside)
        out[start : start + step] = np.einsum("z,qzs,s->q", dens, inner, s_weights)
    return np.clip(out, 0.0, 1.0)


def _normal_range_log_sf(w: np.ndarray, k: int) -> np.ndarray:
    """``log P(W > w)`` for the range ``W`` of ``k`` standard normals (known variance)."""
    from scipy.special import log_ndtr

    z, dens, log_phi = _range_z_nodes(int(k))
    out = np.empty(w.size)
    step = max(1, 2_000_000 // z.size)
    for start in range(0, w.size, step):
        part = w[start : start + step]
        with np.errstate(divide="ignore", under="ignore"):  # whatever the caller's np.seterr
            ratio = np.exp(log_ndtr(z[None, :] - part[:, None]) - log_phi[None, :])
            log_inside = (k - 1) * np.log1p(-np.clip(ratio, 0.0, 1.0))
            out[start : start + step] = (-np.expm1(log_inside)) @ dens
    with np.errstate(divide="ignore"):
        return np.log(np.clip(out, 0.0, 1.0))


def _range_sf_many(values: np.ndarray, k: int, df: float) -> np.ndarray:
    """Upper tail at many sorted ``q > 0``: two nested cubic-spline interpolations.

    The known-variance tail ``log P(W > w)`` is computed on a grid of ``w`` (step 0.004)
    and interpolated at every ``w = q s`` of the chi nodes; the resulting ``log sf(q)`` is
    computed on a grid of ``q`` (step 0.005) and interpolated at the values.  Both steps are
    far finer than the curvature of the (log) tails, so the error is below 1e-10 absolute
    (tested against direct quadrature), at one grid instead of one integral per pair.
    """
    from yieldtrial.stats._spline import CubicSpline  # scipy.interpolate's, bit for bit

    s_nodes, s_weights = chi_nodes(float(df), _RANGE_CHI_ORDER)
    floor = np.log(np.finfo(float).tiny)
    q_grid = np.arange(0.0, float(values[-1]) + 0.01, 0.005)
    w_top = float(q_grid[-1] * s_nodes.max())
    w_grid = np.arange(0.0, w_top + 0.008, 0.004)
    log_g = _normal_range_log_sf(w_grid, k)
    under = np.flatnonzero(~(log_g > floor))
    if under.size:  # beyond the first underflow the tail is 0 (log floor), cut the grid there
        w_grid, log_g = (
            w_grid[: max(under[0], 4) + 1],
            np.maximum(log_g, floor)[: max(under[0], 4) + 1],
        )
    spline_w = CubicSpline(w_grid, log_g)
    sf_grid = np.empty(q_grid.size)
    step = max(1, 1_000_000 // s_nodes.size)
    for start in range(0, q_grid.size, step):
        w = q_grid[start : start + step, None] * s_nodes[None, :]
        inside = w <= w_grid[-1]
        g = np.where(inside, np.exp(spline_w(np.minimum(w, w_grid[-1]))), 0.0)
        sf_grid[start : start + step] = g @ s_weights
    with np.errstate(divide="ignore"):
        log_sf = np.maximum(np.log(np.clip(sf_grid, 0.0, 1.0)), floor)
    out = np.exp(CubicSpline(q_grid, log_sf)(values))
    out[out <= np.finfo(float).tiny] = 0.0
    return np.asarray(np.clip(out, 0.0, 1.0))


def _range_tail(q: np.ndarray, k: int, df: float, *, upper: bool = True) -> np.ndarray:
    """Tail of the studentized range for any array ``q`` (1/0 at ``q <= 0``, NaN kept).

    Up to :data:`_RANGE_DIRECT_LIMIT` distinct values are integrated one by one; more (a
    pairwise table of hundreds of means) go through :func:`_range_sf_many`.
    """
    flat = np.atleast_1d(np.asarray(q, dtype=float)).ravel()
    out = np.full(flat.shape, np.nan)
    out[flat <= 0.0] = 1.0 if upper else 0.0
    out[np.isposinf(flat)] = 0.0 if upper else 1.0
    todo = np.flatnonzero(np.isfinite(flat) & (flat > 0.0))
    if todo.size == 0:
        return out
    values, inverse = np.unique(flat[todo], return_inverse=True)
    if values.size <= _RANGE_DIRECT_LIMIT or not upper:
        out[todo] = _range_tail_direct(values, k, df, upper=upper)[np.ravel(inverse)]
        return out
    out[todo] = _range_sf_many(values, k, df)[np.ravel(inverse)]
    return out


def studentized_range_sf(q: np.ndarray, k: int, df: float) -> np.ndarray:
    r"""Upper tail ``P(Q_{k, df} >= q)`` of the studentized range, by deterministic quadrature.

    This is the one implementation of the studentized range in yieldtrial: Tukey-Kramer
    p-values and critical values, Duncan's and Student-Newman-Keuls' ranges
    (:mod:`yieldtrial.stats.multiple_range`), the power of Tukey comparisons and the
    network's letters all call it (or :func:`studentized_range_cdf`,
    :func:`studentized_range_isf`).

    Parameters
    ----------
    q : array_like
        Studentized range values.
    k : int
        Number of means (>= 2).
    df : float
        Degrees of freedom of the variance estimate (``inf``: known variance).

    Returns
    -------
    ndarray
        Tail probabilities, same shape as ``q`` (1 for ``q <= 0``, NaN for NaN).

    Notes
    -----
    With ``M`` the largest of ``k`` standard normals at ``z`` (density
    :math:`k\phi(z)\Phi(z)^{k-1}`), the range exceeds ``w`` unless every other normal lies
    in :math:`[z - w, z]`, so

    .. math:: P(W > w) = \int k\phi(z)\Phi(z)^{k-1}
              \left[1 - \left(1 - \Phi(z - w)/\Phi(z)\right)^{k-1}\right] dz

    (Hartley 1942; Hsu 1996, sect. 5.1), then ``w = q s`` is averaged over
    :math:`s \sim \chi_{df}/\sqrt{df}`.  The bracket is evaluated as
    ``-expm1((k-1) log1p(-ratio))`` so small tail areas keep their relative accuracy.
    Composite Gauss-Legendre rules: 16 panels x 12 nodes in ``z`` over the interval where
    the density of the largest normal exceeds ``e^-60`` of its peak, and 24 nodes per chi
    panel in ``s``.  Agreement with :obj:`scipy.stats.studentized_range` is better than
    1e-9 in absolute terms for k <= 10,000 (tested to 1e-8 for k <= 30, df 1 to inf), at a
    few milliseconds per value; more than 96 distinct values are interpolated on grids
    (error below 1e-10, tested).

    Examples
    --------
    >>> round(float(studentized_range_sf(np.array([4.52881]), 4, 8)[0]), 6)
    0.05
    """
    qv = np.asarray(q, dtype=float)
    out = _range_tail(qv, int(k), float(df), upper=True)
    return out.reshape(qv.shape) if qv.ndim else out


def studentized_range_cdf(q: np.ndarray, k: int, df: float) -> np.ndarray:
    """Lower tail ``P(Q_{k, df} < q)`` of the studentized range (see :func:`studentized_range_sf`).

    Computed directly (not as ``1 - sf``), so small values keep their relative accuracy.

    Examples
    --------
    >>> round(float(studentized_range_cdf(np.array([4.52881]), 4, 8)[0]), 6)
    0.95
    """
    qv = np.asarray(q, dtype=float)
    out = _range_tail(qv, int(k), float(df), upper=False)
    return out.reshape(qv.shape) if qv.ndim else out


def studentized_range_isf(alpha: float, k: int, df: float) -> float:
    """``q`` with ``P(Q_{k, df} >= q) = alpha`` (the upper ``alpha`` point).

    Parameters
    ----------
    alpha : float
        Upper tail area, in (0, 1).  Below 0.5 the root is found on the upper tail, above
        it on the lower tail ``1 - alpha``, so levels close to 0 or to 1 (Duncan's
        protection levels for many means) keep their accuracy.
    k : int
        Number of means (>= 2).
    df : float
        Error degrees of freedom (``inf`` for a known variance).

    Returns
    -------
    float
        Brent's method to 1e-11 (relative 1e-13) on the tail, bracketed below by 0 and
        above by a doubling search.

    Examples
    --------
    >>> round(studentized_range_isf(0.05, 4, 8), 5)  # agricolae sweetpotato vignette
    4.52881
    """
    alpha = float(alpha)
    if alpha <= 0.5:
        return range_quantile(alpha, int(k), float(df), upper=True)
    return range_quantile(1.0 - alpha, int(k), float(df), upper=False)


@lru_cache(maxsize=4096)
def range_quantile(level: float, k: int, df: float, *, upper: bool) -> float:
    """``q`` whose upper (``upper=True``) or lower tail area is ``level`` (cached).

    Taking the tail area itself keeps levels near 0 exact (Duncan's protection level
    ``(1 - alpha)^(p - 1)`` for hundreds of means is the *lower* tail, e.g. 5e-23).
    """
    from yieldtrial.stats._roots import brentq
    from yieldtrial.stats._univariate import t_isf

    alpha = level if upper else 0.5  # bracket only

    def gap(q: float) -> float:
        tail = float(_range_tail_direct(np.array([q]), k, df, upper=upper)[0])
        return tail - level if upper else level - tail

    # the two-sample value sqrt(2) t and the Bonferroni value bracket the upper points
    pairs = k * (k - 1) / 2.0
    lo = 0.0
    hi = float(np.sqrt(2.0) * t_isf(min(alpha / (2.0 * pairs), 0.25), df)) + 1.0
    if upper:
        lo = max(0.0, float(np.sqrt(2.0) * t_isf(alpha / 2.0, df)) - 1e-6)
        if gap(lo) < 0.0:  # pragma: no cover - the two-sample value is a lower bound
            lo = 0.0
    while gap(hi) > 0.0:
        lo, hi = hi, 2.0 * hi
        if hi > 1e12:  # pragma: no cover - alpha too small for the df
            return float("inf")
    if lo == 0.0 and gap(1e-300) <= 0.0:
        return 0.0
    return float(brentq(gap, max(lo, 1e-300), hi, xtol=1e-11, rtol=1e-13))


def tukey_pvalues(q: np.ndarray, k: int, df: float) -> np.ndarray:
    """Upper-tail probabilities of the studentized range (Tukey-Kramer p-values).

    Parameters
    ----------
    q : ndarray
        Studentized range statistics ``|difference| / sqrt(var(difference) / 2)``.
    k : int
        Number of means in the family.
    df : float
        Error degrees of freedom.

    Returns
    -------
    ndarray
        ``P(Q_{k, df} >= q)`` (see :func:`studentized_range_sf`); a whole pairwise table is
        evaluated at once (one integral per grid point, not per pair).

    Examples
    --------
    >>> round(float(tukey_pvalues(np.array([4.52881]), 4, 8)[0]), 5)
    0.05
    """
    qv = np.asarray(q, dtype=float)
    return np.asarray(studentized_range_sf(np.atleast_1d(qv), int(k), float(df))).reshape(qv.shape)


@lru_cache(maxsize=256)
def tukey_critical_value(k: int, df: float, *, alpha: float = 0.05) -> float:
    """Upper ``alpha`` quantile of the studentized range with ``k`` means and ``df`` df.

    Parameters
    ----------
    k : int
        Number of means in the family (>= 2).
    df : float
        Error degrees of freedom (``inf`` for a known variance).
    alpha : float
        Upper tail area.

    Returns
    -------
    float
        ``q`` with ``P(Q_{k, df} >= q) = alpha`` (:func:`studentized_range_isf`).

    Examples
    --------
    >>> round(tukey_critical_value(4, 8), 5)  # agricolae sweetpotato vignette: 4.52881
    4.52881
    """
    return studentized_range_isf(float(alpha), int(k), float(df))


def _check_alternative(alternative: str) -> None:
    from yieldtrial.errors import DataValidationError

    if alternative not in ALTERNATIVES:
        raise DataValidationError(
            f"alternative must be one of {', '.join(ALTERNATIVES)}; got {alternative!r}"
        )


#: Relative tolerance (of the mean variance) under which LS-means count as independent.
PAIRWISE_INDEPENDENCE_TOL = 1e-6

#: Largest family (means) for which Tukey with correlated LS-means uses the general engine
#: (its cost grows with the k(k-1)/2 pairwise constraints); larger ones keep Tukey-Kramer.
TUKEY_GENERAL_MAX_MEANS = 50


def pairwise_is_studentized_range(
    cov: np.ndarray, *, tol: float = PAIRWISE_INDEPENDENCE_TOL
) -> bool:
    """Whether pairwise differences of means with covariance ``cov`` are those of independent means.

    True when ``cov[i, j] = u[i] + u[j]`` off the diagonal for some ``u`` (terms that cancel
    in every difference ``m_i - m_j``: balanced designs, blocks random or fixed), to ``tol``
    times the mean variance.  Then the differences are those of independent means with
    variances ``cov[i, i] - 2 u[i]``, so the studentized range gives Tukey's exact
    probability (equal variances) or Tukey-Kramer's conservative one (Hayter 1984);
    otherwise :func:`tukey_general_pvalues` is needed.

    Examples
    --------
    >>> v = np.full((4, 4), 0.5) + np.eye(4)  # compound symmetry: blocks random
    >>> pairwise_is_studentized_range(v)
    True
    >>> v[0, 1] = v[1, 0] = 0.7
    >>> pairwise_is_studentized_range(v)
    False
    """
    v = np.atleast_2d(np.asarray(cov, dtype=float))
    k = v.shape[0]
    if k <= 2:
        return True
    off = v - np.diag(np.diag(v))
    total = off.sum() / (2.0 * (k - 1))  # sum of u
    u = (off.sum(axis=1) - total) / (k - 2)
    fitted = u[:, None] + u[None, :]
    np.fill_diagonal(fitted, 0.0)
    scale = max(float(np.mean(np.diag(v))), 1e-300)
    return bool(np.max(np.abs(off - fitted)) <= tol * scale)


def pairwise_is_tukey_hsd(cov: Any, *, tol: float = PAIRWISE_INDEPENDENCE_TOL) -> bool:
    """Whether the pairs of means with covariance ``cov`` are exactly Tukey's HSD case.

    True when the pairwise differences are those of independent means with *equal*
    variances (:func:`pairwise_is_studentized_range` with equal ``cov[i, i] - 2 u[i]``):
    equal replication, blocks fixed or random, no plot missing.  Then every pair has the
    same standard error and the studentized range is exact (Tukey's honestly significant
    difference); unequal variances make it Tukey-Kramer (each pair's own standard error).

    Examples
    --------
    >>> v = np.full((4, 4), 0.5) + np.eye(4)  # compound symmetry: blocks random
    >>> pairwise_is_tukey_hsd(v)
    True
    >>> v[0, 0] = 2.0  # one mean less precise (a missing plot)
    >>> pairwise_is_tukey_hsd(v)
    False
    """
    if isinstance(cov, DiagonalCovariance):
        d = np.asarray(cov.diag, dtype=float)
        scale = max(float(np.mean(np.abs(d))), 1e-300)
        return bool(np.isfinite(cov.off) and np.max(np.abs(d - d.mean())) <= tol * scale)
    if isinstance(cov, LowRankUpdateCovariance):  # never made dense (10,000 entries: 800 MB)
        if cov.touched.size:  # entries with missing plots: less precise means
            return False
        d = np.asarray(cov.diag_part, dtype=float)
        scale = max(float(np.mean(np.abs(d))), 1e-300)
        return bool(np.max(np.abs(d - d.mean())) <= tol * scale)
    v = np.atleast_2d(np.asarray(cov, dtype=float))
    k = v.shape[0]
    if k < 2 or not np.all(np.isfinite(v)):
        return False
    if k == 2:
        return True
    if not pairwise_is_studentized_range(v, tol=tol):
        return False
    off = v - np.diag(np.diag(v))
    total = off.sum() / (2.0 * (k - 1))
    u = (off.sum(axis=1) - total) / (k - 2)
    own = np.diag(v) - 2.0 * u  # variances of the equivalent independent means
    scale = max(float(np.mean(np.diag(v))), 1e-300)
    return bool(np.max(np.abs(own - own.mean())) <= tol * scale)


def tukey_general_pvalues(
    statistics: np.ndarray, cov: np.ndarray, df: float
) -> tuple[np.ndarray, MvtProbability]:
    """Single-step Tukey p-values ``P(max_{i<j} |t_ij| >= |t|)`` for means with any covariance.

    Parameters
    ----------
    statistics : ndarray
        Pairwise t statistics ``(m_i - m_j) / se_ij`` (any shape; NaN kept).
    cov : ndarray, shape (k, k)
        Covariance of the ``k`` means (any positive definite matrix; units cancel).
    df : float
        Error degrees of freedom of the t statistics.

    Returns
    -------
    p_values : ndarray
        Same shape as ``statistics``.
    accuracy : MvtProbability
        ``method="qmc"`` and the worst stated absolute error (three standard errors over
        the scrambles plus the interpolation bound; at most 1e-4 unless the largest
        point set was reached).

    Notes
    -----
    This is what multcomp's ``glht(..., mcp(trt = "Tukey"))`` and emmeans'
    ``adjust = "mvt"`` compute with mvtnorm: the distribution of the largest of the
    ``k(k-1)/2`` correlated pairwise t statistics.  The pairwise differences span only
    ``k - 1`` dimensions, so the integral is ``k - 1`` dimensional with every pair a
    constraint on the conditional interval (:func:`_pairwise_curve`);
    one pass gives every p-value.  Cost: about ``k^2`` times that of one Dunnett comparison
    per point (20 means, 190 pairs: a few tenths of a second).

    Examples
    --------
    Independent equal-variance means reduce to the studentized range (here q = sqrt(2) t):

    >>> v = np.eye(4) + 0.01 * np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    >>> p, acc = tukey_general_pvalues(np.array([3.2]), v, 8)
    >>> bool(abs(p[0] - tukey_pvalues(np.array([3.2 * np.sqrt(2.0)]), 4, 8)[0]) < 0.01)
    True
    """
    t = np.abs(np.asarray(statistics, dtype=float))
    out = np.full(t.shape, np.nan)
    ok = ~np.isnan(t)
    if not np.any(ok):
        return out, MvtProbability(np.nan, "none", np.nan)
    values, errors = _pairwise_curve(cov, float(df)).exceedance(t[ok])
    out[ok] = values
    return out, MvtProbability(float(np.nanmin(out)), "qmc", float(np.max(errors)))


def tukey_general_critical_value(
    cov: np.ndarray, df: float, *, alpha: float = 0.05
) -> tuple[float, MvtProbability]:
    """Critical ``c`` (t scale) with ``P(max_{i<j} |t_ij| >= c) = alpha`` for any covariance.

    The root of the deterministic curve of :func:`tukey_general_pvalues` (Brent's method,
    between the single-test and Bonferroni bounds); ``c * se_ij`` is the half-width of the
    simultaneous intervals.  For independent equal-variance means it equals
    ``tukey_critical_value(k, df, alpha=alpha) / sqrt(2)``.
    """
    from yieldtrial.stats._univariate import t_isf

    v = np.atleast_2d(np.asarray(cov, dtype=float))
    k = v.shape[0]
    pairs = k * (k - 1) / 2.0
    lo = float(t_isf(alpha / 2.0, df))
    hi = float(t_isf(alpha / (2.0 * pairs), df))
    root, value, error = _curve_root(_pairwise_curve(v, float(df)), float(alpha), lo, hi)
    return root, MvtProbability(value, "qmc", error)


def tukey_adjusted(
    statistics: np.ndarray, cov: Any, df: float, *, alpha: float = 0.05
) -> tuple[np.ndarray, float, str | None]:
    """Tukey p-values and critical value (t scale) for pairwise t statistics of means.

    The studentized range (Tukey-Kramer) when the means' differences are those of
    independent means (:func:`pairwise_is_studentized_range`) or the family has more than
    :data:`TUKEY_GENERAL_MAX_MEANS` means; otherwise the single-step multivariate t of the
    correlated pairwise statistics (:func:`tukey_general_pvalues`).

    Returns
    -------
    p_adjusted : ndarray
        Adjusted p-values, same shape as ``statistics``.
    critical_value : float
        Multiplier of the standard errors for simultaneous intervals.
    note : str or None
        None for the studentized range; else the method and its stated accuracy.
    """
    p_adj, crit, note, _ = tukey_adjusted_with_error(statistics, cov, df, alpha=alpha)
    return p_adj, crit, note


def tukey_adjusted_with_error(
    statistics: np.ndarray,
    cov: Any,
    df: float,
    *,
    alpha: float = 0.05,
    need_critical: bool = True,
) -> tuple[np.ndarray, float, str | None, float]:
    """:func:`tukey_adjusted` and the stated absolute error (NaN for the studentized range).

    ``need_critical=False`` (callers that use only the p-values, e.g. the letters):
    the general case skips the root search of the critical value (NaN) and states the
    p-values' own error; the p-values are the same floats.
    """
    t = np.asarray(statistics, dtype=float)
    # a diagonal covariance (balanced designs, possibly 10,000 means) is never made dense
    k = int(np.shape(cov)[0]) if np.ndim(cov) else 1
    independent = isinstance(cov, DiagonalCovariance) or k > TUKEY_GENERAL_MAX_MEANS
    v = np.empty((0, 0)) if independent else np.atleast_2d(np.asarray(cov, dtype=float))
    if independent or pairwise_is_studentized_range(v):
        p_adj = tukey_pvalues(np.sqrt(2.0) * np.abs(t), k, df)
        return p_adj, tukey_critical_value(k, df, alpha=alpha) / np.sqrt(2.0), None, np.nan
    p_adj, acc = tukey_general_pvalues(t, v, df)
    if not need_critical:
        err = acc.abs_error
        return p_adj, float("nan"), tukey_general_note(err), err
    crit, acc_c = tukey_general_critical_value(v, df, alpha=alpha)
    err = max(acc.abs_error, acc_c.abs_error)
    return p_adj, crit, tukey_general_note(err), err


def tukey_general_note(abs_error: float) -> str:
    """Return the adjustment note of Tukey on correlated LS-means with its stated error.

    Examples
    --------
    >>> tukey_general_note(3.4e-5)
    'multivariate t (correlated LS-means), abs. error <= 3.4e-05'
    """
    return f"multivariate t (correlated LS-means), abs. error <= {abs_error:.1e}"


# ---------------------------------------------------- general covariance (stats._mvt_sov)


def _with_chi_rule(curve: Any, df: float) -> Any:
    """Attach the chi rule of ``df`` to the normal curve ``G`` (which does not depend on df).

    One separated-variables pass serves every df of its class (:func:`_build_df`): the t
    probability only changes the average over ``s``, and the stated error (three
    standard errors of the scrambles' averaged curves plus the interpolation bound) is
    computed at ``df`` itself.
    """
    from dataclasses import replace

    return replace(curve, chi_rule=chi_nodes(df) if np.isfinite(df) else (np.ones(1), np.ones(1)))


#: Above this df the general curve is built for a known variance (:func:`_build_df`).
_BUILD_DF_MAX = 256.0

#: df classes per doubling of the df (:func:`_build_df`): a curve is built for at most
#: ``2 ** (1 / 4)`` = 1.19 times the family's largest df.  Stop 42: with whole powers of
#: two (1 class per doubling) an alpha-lattice with blocks of 3, 2 replicates and 3 lost
#: plots whose Satterthwaite df ran to 8.3 was built for 16 df, 6,144 points x 16 nodes,
#: 0.92 s CPU; for 9.5 df (this rule) 2,048 x 16, 0.44 s (7 lost plots, df to 12.6:
#: 12,288 x 24 -> 6,144 x 24, 0.76 -> 0.47 s).  Eight classes per doubling gave the same
#: points and nodes on the nine alpha-lattices measured.
_BUILD_DF_STEPS = 4


def _build_df(df: float) -> float:
    """Return the df a general curve is built for: the df class at or above ``df``.

    The classes are ``2 ** (j / 4)`` (:data:`_BUILD_DF_STEPS` per doubling).  The curve's
    points and nodes are chosen until its stated error *at that df* meets the target.  The
    average over the chi scale ``s`` smooths the scrambles' curves: at 30 df the spread of
    the AR(1) 0.9 curve of ``benchmarks/bench_dunnett_general.py --far`` was 1.4 to 1.6
    times below the normal curve's at the same points from 1,024 points on (8.8e-4 ->
    6.0e-4 at 1,024, 1.23e-4 -> 7.5e-5 at 16,384; stop 34), so a curve for the df needs
    fewer points than one for a known variance; at few df the more so (an alpha-lattice
    with blocks of 3 and 3 lost plots: 768 points per scramble at 8 df, 4,096 at 16, 6,144
    for a known variance).  Rounding up to a class keeps one build per class (a smaller df
    smooths more: its stated error is at most about the build df's) and keeps every
    p-value a function of the correlation and its own df (or its family's largest df)
    alone, whatever was computed before.  Above :data:`_BUILD_DF_MAX`, and for ``inf``,
    the normal curve.

    Examples
    --------
    >>> _build_df(30.0), _build_df(32.0), _build_df(8.0), _build_df(1000.0)
    (32.0, 32.0, 8.0, inf)
    >>> round(_build_df(4.5), 4), round(_build_df(8.3), 4), round(_build_df(7.3), 4)
    (4.7568, 9.5137, 8.0)
    """
    if not np.isfinite(df) or df > _BUILD_DF_MAX:
        return float(np.inf)
    # (the class of a df on a class boundary is that class itself: 1e-9 of rounding allowed)
    step = np.ceil(np.log2(max(df, 0.5)) * _BUILD_DF_STEPS - 1e-9)
    return float(2.0 ** (step / _BUILD_DF_STEPS))


def _dunnett_curve(
    corr: np.ndarray, df: float, *, two_sided: bool, curve_df: float | None = None
) -> Any:
    """Curve of ``max_i T_i`` (or ``|T_i|``) for t statistics with correlation ``corr``.

    The control variate is the nearest product-form correlation (Dunnett 1955), whose normal
    curve is the exact one-dimensional integral, with the Taylor terms (to fourth order) of the
    separated-variables integrand around it (:mod:`yieldtrial.stats._mvt_taylor`); cached
    on the rounded matrix.  It is built for the class (:func:`_build_df`) of ``df``, or of
    ``curve_df`` when that is larger (a family's largest df: one curve for the family).
    """
    r = np.atleast_2d(np.asarray(corr, dtype=float))
    key = _on_same_matrix("curve_key", r, lambda m: np.round(m, 12).tobytes())
    build = float(df) if curve_df is None else max(float(df), float(curve_df))
    curve = _dunnett_curve_cached(key, r.shape[0], two_sided, _build_df(build))
    return _with_chi_rule(curve, float(df))


@lru_cache(maxsize=32)
def _dunnett_curve_cached(
    corr_bytes: bytes, k: int, two_sided: bool, build_df: float = np.inf
) -> Any:
    from yieldtrial.stats._mvt_factor import (
        BIFACTOR_MAX_RESIDUAL,
        bifactor_fit,
        dunnett_bifactor_curve,
    )
    from yieldtrial.stats._mvt_lowrank import lowrank_curve, lowrank_fit
    from yieldtrial.stats._mvt_markov import markov_curve, markov_fit
    from yieldtrial.stats._mvt_nested import exact_bifactor, nested_curve
    from yieldtrial.stats._mvt_pilot import dunnett_pilot_curve, pilot_score
    from yieldtrial.stats._mvt_sov import (
        FAR_FROM_PRODUCT_FORM,
        GIVE_UP_ALONE,
        nearest_product_form,
        product_form_distance,
    )
    from yieldtrial.stats._mvt_taylor import dunnett_taylor_curve

    r = np.frombuffer(corr_bytes, dtype=float).reshape(k, k).copy()
    # exactly bifactor (augmented designs, every check in every block): nested quadrature
    lam = nearest_product_form(r)
    exact_form = exact_bifactor(r, lam)
    if exact_form is not None:
        return nested_curve(exact_form, two_sided=two_sided)
    # exactly 2 or 3 common factors: a 2- or 3-dimensional quadrature over the factors
    low_rank = lowrank_fit(r, lam)
    if low_rank is not None:
        curve = lowrank_curve(low_rank, two_sided=two_sided)
        if curve is not None:
            return curve
    # a Gaussian Markov chain in any order (AR(1), shuffled or not): a chain of 1-D integrals
    chain = markov_fit(r, lam)
    if chain is not None:
        curve = markov_curve(chain, two_sided=two_sided)
        if curve is not None:
            return curve
    # nested designs (split-plot cell means, augmented entries): a bifactor base
    fit = bifactor_fit(r, lam)
    exact = lambda g: _exact_exceedances(g, lam, np.inf, two_sided)  # noqa: E731
    # the stated error is brought within the target at build_df (see _build_df), checked
    # with 4 nodes per panel of the chi rule instead of 16: the same largest spread to 5
    # digits on the far correlations, at a quarter of the cost of each check (5 ms with 16,
    # a tenth of a structured design's curve); every call states its error with its own
    # df's full rule (_with_chi_rule)
    scale: dict[str, Any] = {"df": build_df, "chi_rule": chi_nodes(build_df, 4)}

    bifactor_base = (
        fit is not None and fit.residual <= BIFACTOR_MAX_RESIDUAL and fit.rule_is_accurate()
    )

    def build(**options: Any) -> Any:
        if fit is not None and bifactor_base:
            return dunnett_bifactor_curve(r, fit, two_sided=two_sided, **scale, **options)
        return dunnett_taylor_curve(r, lam, exact, two_sided=two_sided, **scale, **options)

    if not bifactor_base and product_form_distance(r, lam) > FAR_FROM_PRODUCT_FORM:
        # far from the product form: its Taylor pass would give up (stop 51: 0.04-0.2 s
        # wasted), the target alone at once
        return dunnett_pilot_curve(r, exact, two_sided=two_sided, **scale)
    try:
        return build(give_up=_NoGuide)
    except _NoGuide as why:  # the base's curve is no guide: a pilot score of the target
        if why.args[0] == GIVE_UP_ALONE:  # ... and no control pays: the integrand alone
            return dunnett_pilot_curve(r, exact, two_sided=two_sided, **scale)
        return build(pilot=pilot_score(exact))


class _NoGuide(Exception):
    """The product form neither guides the curve nor controls the integrand."""


def _pairwise_curve(cov: np.ndarray, df: float) -> Any:
    """Curve of ``max_{i<j} |t_ij|`` for all pairwise differences of means with covariance ``cov``.

    ``t_ij = (m_i - m_j) / se_ij`` with ``se_ij`` from ``cov``.  The control variate is
    equal-variance independent means, whose maximum is the studentized range; cached on
    the rounded matrix.
    """
    v = np.atleast_2d(np.asarray(cov, dtype=float))
    scale = float(np.mean(np.diag(v)))
    curve = _pairwise_curve_cached(np.round(v / scale, 12).tobytes(), v.shape[0])
    return _with_chi_rule(curve, float(df))


@lru_cache(maxsize=32)
def _pairwise_curve_cached(cov_bytes: bytes, k: int) -> Any:
    from scipy.special import ndtri

    from yieldtrial.stats._mvt_sov import (
        PAIRWISE_MAX_POINTS,
        Region,
        _grid,
        max_t_curve,
        reordered_cholesky,
    )

    v = np.frombuffer(cov_bytes, dtype=float).reshape(k, k).copy()
    var = np.diag(v)
    se = np.sqrt(np.clip(var[:, None] + var[None, :] - 2.0 * v, 1e-300, None))
    unit = float(np.sqrt(np.mean(se[np.triu_indices(k, 1)] ** 2) / 2.0))
    se = se / unit
    v = v / unit**2
    # differences from the most precise mean: x_i = m_i - m_ref (k - 1 variables)
    ref = int(np.argmin(var))
    rest = np.array([i for i in range(k) if i != ref])
    w = np.zeros((k - 1, k))
    w[np.arange(k - 1), rest] = 1.0
    w[:, ref] = -1.0
    s_cov = w @ v @ w.T
    half = se[rest, ref]
    pairs = k * (k - 1) / 2.0
    r_ref = float(-ndtri(0.025 / pairs))
    chol, order = reordered_cholesky(s_cov, -half * r_ref, half * r_ref)
    names = rest[order]
    pair = se[np.ix_(names, names)]
    np.fill_diagonal(pair, np.inf)
    target = Region(chol, -half[order], half[order], pair)
    # control: independent means of unit variance, same order (pairwise se sqrt(2))
    s0 = np.eye(k - 1) + 1.0
    control_chol = np.linalg.cholesky(s0)
    root2 = np.sqrt(2.0)
    pair0 = np.full((k - 1, k - 1), root2)
    np.fill_diagonal(pair0, np.inf)
    control = Region(control_chol, np.full(k - 1, -root2), np.full(k - 1, root2), pair0)
    r_top = float(-ndtri(1e-17 / (2.0 * pairs)))
    r_grid = _grid(r_top, True)
    with np.errstate(divide="ignore"):
        exceed0 = np.exp(_normal_range_log_sf(r_grid * root2, k))
    exceed0[0] = 1.0
    return max_t_curve(
        (target, control),
        r_grid,
        exceed0,
        np.inf,
        chi_nodes(np.inf),
        two_sided=True,
        max_points=PAIRWISE_MAX_POINTS,
    )
