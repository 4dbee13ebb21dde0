r"""REML engine for linear mixed models with independent variance components.

The model is

.. math::

    y = X\beta + \sum_{k=1}^{K} Z_k u_k + e,\qquad
    u_k \sim N(0, \theta_k I),\quad e \sim N(0, \theta_0 I),

where every :math:`Z_k` is the 0/1 incidence matrix of one grouping factor (block,
block x whole plot, incomplete block within replicate, row within replicate, ...).  The
variance parameters :math:`\theta = (\theta_1, \dots, \theta_K, \theta_0)` are
estimated by residual (restricted) maximum likelihood (Patterson & Thompson 1971).

Numerical method
----------------
Nothing of size n x n is ever formed.  With :math:`H = V / \theta_0 = I + W W'`,
:math:`W = [Z_k \sqrt{\theta_k / \theta_0}]_k`, Woodbury's identity gives
:math:`H^{-1} a = a - W M^{-1} W' a` with :math:`M = I + W'W` (q x q, Cholesky), and
:math:`\log|H| = \log|M|`.  The fixed effects are re-expressed on an orthonormal basis
of the column space of :math:`X` (pivoted QR; aliased columns are dropped), so
:math:`X'H^{-1}X` is well conditioned; its Cholesky factor gives :math:`\hat\beta`,
:math:`\log|X'H^{-1}X|` and the projection :math:`P = V^{-1} - V^{-1}X(X'V^{-1}X)^{-1}
X'V^{-1}` applied to any n x m matrix in O(n m (q + p)) operations.

The REML log-likelihood is maximised by Fisher scoring (expected information
:math:`\tfrac12 \mathrm{tr}(P V_k P V_l)`) for the first steps and then Newton-Raphson
with the observed information
:math:`-\tfrac12 \mathrm{tr}(P V_k P V_l) + y'P V_k P V_l P y` (exact, since :math:`V`
is linear in :math:`\theta`), with step halving so that every step increases the
likelihood, and an active set for components on the boundary :math:`\theta_k = 0`
(a component stays at zero while the likelihood decreases in it: the Karush-Kuhn-Tucker
condition).  The response is centred and scaled to unit variance first.  Convergence is
declared when the Newton step changes no variance by more than ``1e-11`` of the response
variance; for the designs here this takes 3 to 8 iterations.

Satterthwaite degrees of freedom (Satterthwaite 1946; Giesbrecht & Burns 1985; Fai &
Cornelius 1996; Kuznetsova, Brockhoff & Christensen 2017, lmerTest) need the gradient of
the covariance of the estimates with respect to :math:`\theta`,
:math:`\partial \Phi / \partial\theta_k = \Phi X'V^{-1} V_k V^{-1} X \Phi` with
:math:`\Phi = (X'V^{-1}X)^{-1}`, and the asymptotic covariance of :math:`\hat\theta`,
the inverse of the observed REML information at the estimate (what lmerTest and SAS
``DDFM=SATTERTHWAITE`` use).  lmerTest takes ``2 H^{-1}``, ``H`` the numerical Hessian of
the REML deviance in lme4's :math:`(\theta_{sd}/\sigma, \sigma)`; here the analytic observed
information on the variance scale.  At the exact optimum the df are the same (the deviance's
gradient vanishes, so its Hessian transforms as :math:`J'HJ` and a contrast's gradient as
:math:`J'g`); tests/test_stats_mixed_ddf_independent.py checks it.  Components estimated at
zero are held fixed (their gradient is zero on the standard-deviation scale lmerTest works
on).

References
----------
.. [1] Patterson, H. D. and Thompson, R. (1971). Recovery of inter-block information when
   block sizes are unequal. Biometrika 58(3), 545-554.
.. [2] Harville, D. A. (1977). Maximum likelihood approaches to variance component
   estimation and to related problems. JASA 72(358), 320-338.
.. [3] Searle, S. R., Casella, G. and McCulloch, C. E. (1992). Variance Components.
   Wiley. Ch. 6 (REML), 8 (computing).
.. [4] Fai, A. H.-T. and Cornelius, P. L. (1996). Approximate F-tests of multiple degree
   of freedom hypotheses in generalized least squares analyses of unbalanced split-plot
   experiments. J. Statist. Comput. Simul. 54, 363-378.
.. [5] Kuznetsova, A., Brockhoff, P. B. and Christensen, R. H. B. (2017). lmerTest
   package: tests in linear mixed effects models. J. Statist. Software 82(13).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from yieldtrial.errors import DataValidationError
from yieldtrial.stats._common import exact_fit_limit

__all__: list[str] = []

#: Convergence: largest change of a variance parameter, relative to the response variance.
_STEP_TOL = 1e-11
_MAX_ITER = 200
_FISHER_STEPS = 3


class RemlError(DataValidationError):
    """The REML problem cannot be solved (the public layer adds which trial and why)."""


def _cho(a: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor (raises RemlError when not positive definite)."""
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        raise RemlError("matrix not positive definite") from None


def _spd_inv(a: np.ndarray) -> tuple[np.ndarray, float]:
    """Inverse and log-determinant of a symmetric positive definite matrix."""
    if a.size == 0:
        return np.zeros((0, 0)), 0.0
    c = _cho(a)
    c_inv = np.linalg.inv(c)  # triangular; numpy's LU is faster than scipy here for small q
    inv = c_inv.T @ c_inv
    return (inv + inv.T) / 2.0, 2.0 * float(np.sum(np.log(np.diag(c))))


@dataclass(frozen=True, eq=False)
class FixedBasis:
    """Orthonormal basis of the fixed-effect column space and the map from full coefficients.

    ``x @ beta`` for any solution ``beta`` of the full (possibly rank-deficient) model
    matrix equals ``q @ gamma`` with ``gamma = r @ beta[keep]`` after dropping aliased
    columns (set to zero); an estimable row ``l`` (of the full coefficients) becomes
    ``l[keep] @ r_inv`` on ``gamma``.
    """

    q: np.ndarray
    keep: np.ndarray
    r_inv: np.ndarray
    null: np.ndarray
    log_abs_det_r: float

    @property
    def rank(self) -> int:
        """Number of estimable fixed-effect directions."""
        return int(self.keep.size)

    def rows(self, l_full: np.ndarray) -> np.ndarray:
        """Contrast rows on ``gamma`` (the orthonormal coordinates)."""
        return np.asarray(np.atleast_2d(l_full)[:, self.keep] @ self.r_inv)

    def estimable(self, l_full: np.ndarray, *, rtol: float = 1e-8) -> np.ndarray:
        """Whether each row of ``l_full`` is estimable (orthogonal to the null space of X)."""
        rows = np.atleast_2d(l_full)
        if self.null.shape[1] == 0:
            return np.ones(rows.shape[0], dtype=bool)
        resid = rows @ self.null
        scale = np.maximum(np.linalg.norm(rows, axis=1), 1.0)
        return np.asarray(np.linalg.norm(resid, axis=1) <= rtol * scale)


def fixed_basis(x: np.ndarray) -> FixedBasis:
    """Orthonormal basis of the fixed-effect model matrix (QR; aliased columns dropped).

    One unpivoted Householder QR when ``x`` has full column rank (the usual case); a
    column-pivoted (rank-revealing) QR otherwise, to find the aliased columns and the
    null space that decides estimability.
    """
    x = np.asarray(x, dtype=float)
    n, p = x.shape
    eps_tol = max(n, p) * np.finfo(float).eps * 10
    qk, rk = np.linalg.qr(x)
    diag = np.abs(np.diag(rk))
    if diag.size and np.all(diag > (diag.max() * eps_tol)):
        keep = np.arange(p)
        null = np.zeros((p, 0))
    else:
        from scipy.linalg import qr, solve_triangular

        _, r, piv = qr(x, mode="economic", pivoting=True)
        d = np.abs(np.diag(r))
        rank = int(np.sum(d > (d[0] if d.size else 0.0) * eps_tol))
        order = np.asarray(piv)
        kept = order[:rank]
        # null space: X P = Q [R11 R12]; vectors P [-R11^-1 R12; I]
        null = np.zeros((p, p - rank))
        null[kept, :] = -solve_triangular(r[:rank, :rank], r[:rank, rank:], lower=False)
        null[order[rank:], np.arange(p - rank)] = 1.0
        null /= np.linalg.norm(null, axis=0)
        keep = np.sort(kept)  # columns in their original order
        qk, rk = np.linalg.qr(x[:, keep])
    signs = np.where(np.diag(rk) < 0, -1.0, 1.0)
    qk, rk = qk * signs, rk * signs[:, None]
    return FixedBasis(
        q=qk,
        keep=keep,
        r_inv=np.linalg.inv(rk),
        null=null,
        log_abs_det_r=float(np.sum(np.log(np.abs(np.diag(rk))))),
    )


@dataclass(eq=False)
class _State:
    """Everything the likelihood and its derivatives need at one value of theta."""

    theta: np.ndarray
    loglik: float
    w: np.ndarray
    m_inv: np.ndarray
    hx: np.ndarray
    s_inv: np.ndarray  # (X'H^-1 X)^-1
    gamma: np.ndarray
    phy: np.ndarray  # P_H y (= theta0 * P y)

    def hinv(self, a: np.ndarray) -> np.ndarray:
        """``H^{-1} a``."""
        if self.w.shape[1] == 0:
            return a
        return a - self.w @ (self.m_inv @ (self.w.T @ a))

    def p_h(self, a: np.ndarray) -> np.ndarray:
        """``P_H a = theta0 * P a``."""
        return self.hinv(a) - self.hx @ (self.s_inv @ (self.hx.T @ a))


class _Problem:
    """The data of one REML problem (scaled response, fixed basis, incidence matrices)."""

    def __init__(self, y: np.ndarray, q: np.ndarray, codes: Sequence[np.ndarray]) -> None:
        self.y = y
        self.x = q
        self.n, self.p = q.shape
        self.k = len(codes)
        sizes = [int(c.max()) + 1 if c.size else 0 for c in codes]
        self.sizes = sizes
        self.starts = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        qtot = int(self.starts[-1])
        z = np.zeros((self.n, qtot))
        for j, c in enumerate(codes):
            z[np.arange(self.n), self.starts[j] + c] = 1.0
        self.z = z
        self.col_comp = np.repeat(np.arange(self.k), sizes)

    def block(self, j: int) -> slice:
        return slice(int(self.starts[j]), int(self.starts[j + 1]))

    def state(self, theta: np.ndarray) -> _State:
        s2 = float(theta[-1])
        if not s2 > 0:
            raise RemlError("residual variance must be positive")
        n, p = self.n, self.p
        ratios = np.asarray(theta[:-1], dtype=float) / s2
        lam = np.sqrt(np.clip(ratios, 0.0, None))[self.col_comp]
        w = self.z * lam
        m = w.T @ w
        m[np.diag_indices_from(m)] += 1.0
        m_inv, logdet_h = _spd_inv(m)
        st = _State(
            theta=np.asarray(theta, dtype=float).copy(),
            loglik=0.0,
            w=w,
            m_inv=m_inv,
            hx=np.zeros((n, p)),
            s_inv=np.zeros((p, p)),
            gamma=np.zeros(p),
            phy=np.zeros(n),
        )
        hx = st.hinv(self.x)
        s_inv, logdet_x = _spd_inv(self.x.T @ hx)
        hy = st.hinv(self.y)
        gamma = s_inv @ (self.x.T @ hy)
        phy = hy - hx @ gamma
        prss = float(self.y @ phy)
        dof = n - p
        st.hx, st.s_inv, st.gamma, st.phy = hx, s_inv, gamma, phy
        st.loglik = -0.5 * (dof * np.log(2.0 * np.pi * s2) + logdet_h + logdet_x + prss / s2)
        return st

    def derivatives(
        self, st: _State, free: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Score, expected and observed information over all parameters (K components + residual).

        ``free`` marks the parameters whose derivatives are needed (others are returned as 0).
        """
        k, n, p = self.k, self.n, self.p
        s2 = float(st.theta[-1])
        m = k + 1
        score = np.zeros(m)
        expected = np.zeros((m, m))
        observed = np.zeros((m, m))
        py = st.phy / s2
        ppy = st.p_h(py) / s2
        z = self.z
        if k:
            pz = st.p_h(z) / s2  # n x q
            zpz = z.T @ pz
            u = z.T @ py
            zppy = pz.T @ py  # Z' P P y  (P symmetric)
        # trace of P_H and of P_H^2 (see module notes)
        qtot = z.shape[1]
        s_inv = st.s_inv
        a1 = st.hx.T @ st.hx
        tr_hinv = n - qtot + float(np.trace(st.m_inv))
        tr_ph = tr_hinv - float(np.sum(s_inv * a1))
        a2 = st.hx.T @ st.hinv(st.hx)
        sa1 = s_inv @ a1
        tr_h2 = n - qtot + float(np.sum(st.m_inv * st.m_inv))
        tr_ph2 = tr_h2 - 2.0 * float(np.sum(s_inv * a2)) + float(np.sum(sa1 * sa1.T))
        del p
        res = k
        if free[res]:
            score[res] = -0.5 * tr_ph / s2 + 0.5 * float(py @ py)
            expected[res, res] = 0.5 * tr_ph2 / s2**2
            observed[res, res] = -expected[res, res] + float(py @ ppy)
        for a in range(k):
            if not free[a]:
                continue
            sa = self.block(a)
            score[a] = -0.5 * float(np.trace(zpz[sa, sa])) + 0.5 * float(u[sa] @ u[sa])
            for b in range(a, k):
                if not free[b]:
                    continue
                sb = self.block(b)
                blk = zpz[sa, sb]
                e = 0.5 * float(np.sum(blk * blk))
                o = -e + float(u[sa] @ blk @ u[sb])
                expected[a, b] = expected[b, a] = e
                observed[a, b] = observed[b, a] = o
            if free[res]:
                e = 0.5 * float(np.sum(pz[:, sa] * pz[:, sa]))
                o = -e + float(u[sa] @ zppy[sa])
                expected[a, res] = expected[res, a] = e
                observed[a, res] = observed[res, a] = o
        return score, expected, observed


@dataclass(frozen=True, eq=False)
class RemlFit:
    r"""Solution of a REML problem, on the response's own scale.

    Attributes
    ----------
    theta : ndarray, shape (K + 1,)
        Variance components, residual last. [response unit squared]
    theta_cov : ndarray, shape (K + 1, K + 1)
        Asymptotic covariance of ``theta`` (inverse observed REML information over the
        components not on the boundary; NaN rows/columns for components at zero).
    free : ndarray of bool
        Components estimated inside the parameter space (``theta > 0``).
    loglik : float
        Maximised REML log-likelihood (lme4's ``-REMLcrit/2`` for the same treatment-coded
        fixed-effect model matrix).
    iterations : int
        Newton / Fisher scoring iterations used.
    basis : FixedBasis
        Fixed-effect basis (rank, estimability, coordinates of contrasts).
    gamma : ndarray
        GLS estimates on the orthonormal basis. [response unit]
    gamma_centred : ndarray
        The same for the response minus ``centre`` (contrasts keep full precision when the
        response carries a large offset). [response unit]
    phi : ndarray
        Covariance of ``gamma``. [response unit squared]
    dphi : ndarray, shape (n_free, p, p)
        Derivative of ``phi`` with respect to each free variance parameter.
    blups : list of ndarray
        Predicted random effects of each component (BLUPs). [response unit]
    dphi_all : ndarray, shape (K + 1, p, p), optional
        Derivative of ``phi`` with respect to every variance parameter, components on the
        boundary included (Kenward-Roger).
    expected_cov : ndarray, shape (K + 1, K + 1), optional
        Inverse of the expected REML information over every variance parameter (the
        ``W`` of Kenward & Roger 1997, as pbkrtest computes it).
    phi_adjusted : ndarray, shape (p, p), optional
        Kenward-Roger adjusted covariance of ``gamma``,
        :math:`\Phi_A = \Phi + 2\Phi\{\sum_{ij} W_{ij}(Q_{ij} - P_i\Phi P_j)\}\Phi`.
        [response unit squared]
    fitted_marginal, fitted_conditional : ndarray
        ``X beta`` and ``X beta + Z u`` on the response scale. [response unit]
    """

    theta: np.ndarray
    theta_cov: np.ndarray
    free: np.ndarray
    loglik: float
    iterations: int
    basis: FixedBasis
    gamma: np.ndarray
    phi: np.ndarray
    dphi: np.ndarray
    blups: list[np.ndarray]
    fitted_marginal: np.ndarray
    fitted_conditional: np.ndarray
    n_obs: int
    centre: float = 0.0
    gamma_centred: np.ndarray | None = None
    dphi_all: np.ndarray | None = None
    expected_cov: np.ndarray | None = None
    phi_adjusted: np.ndarray | None = None

    @property
    def free_cov(self) -> np.ndarray:
        """Covariance of the free variance parameters (the A matrix of Satterthwaite)."""
        idx = np.flatnonzero(self.free)
        return np.asarray(self.theta_cov[np.ix_(idx, idx)])

    def estimate(
        self, l_full: np.ndarray, *, centred: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Estimates, covariance and covariance gradients of the estimable rows ``l_full``.

        With ``centred=True`` the estimates are for the response minus :attr:`centre`.

        Returns
        -------
        tuple
            ``(est (m,), cov (m, m), grad (n_free, m, m))``.
        """
        rows = self.basis.rows(l_full)
        gamma = self.gamma_centred if centred and self.gamma_centred is not None else self.gamma
        est = rows @ gamma
        cov = rows @ self.phi @ rows.T
        grad = np.array([rows @ d @ rows.T for d in self.dphi]).reshape(-1, *cov.shape)
        return est, cov, grad

    def estimate_kr(self, l_full: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Kenward-Roger ingredients of the estimable rows ``l_full``.

        Returns
        -------
        tuple
            ``(adjusted cov (m, m), unadjusted cov (m, m), grad (K + 1, m, m))``: the
            covariance from :attr:`phi_adjusted`, the REML one, and the gradient of the
            latter with respect to every variance parameter (:attr:`dphi_all`).
        """
        if self.phi_adjusted is None or self.dphi_all is None:  # pragma: no cover - internal
            raise RemlError("Kenward-Roger quantities were not computed")
        rows = self.basis.rows(l_full)
        cov = rows @ self.phi @ rows.T
        adj = rows @ self.phi_adjusted @ rows.T
        grad = np.array([rows @ d @ rows.T for d in self.dphi_all]).reshape(-1, *cov.shape)
        return adj, cov, grad


def satterthwaite(var: np.ndarray, grad: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Satterthwaite df ``2 var^2 / (g' A g)`` of one or more variances.

    Parameters
    ----------
    var : ndarray, shape (m,)
        Variances of the contrasts.
    grad : ndarray, shape (n_free, m)
        Their gradients with respect to the free variance parameters.
    a : ndarray, shape (n_free, n_free)
        Asymptotic covariance of the free variance parameters.

    Returns
    -------
    ndarray, shape (m,)
        Degrees of freedom (inf when the variance does not depend on estimated parameters).
    """
    var = np.asarray(var, dtype=float)
    grad = np.asarray(grad, dtype=float).reshape(a.shape[0], -1)
    denom = np.einsum("fm,fg,gm->m", grad, a, grad)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(denom > 0, 2.0 * var**2 / np.where(denom > 0, denom, 1.0), np.inf)
    return np.asarray(df, dtype=float)


def versus_first(k: int) -> np.ndarray:
    """Hypothesis basis of a k-level factor: every level against the first, ``e_j - e_1``.

    The rows of lmerTest's type III hypotheses under R's default ``contr.treatment``
    coding (``lmerTest:::get_contrasts_type3``), written on the LS-means: level ``j``
    minus level 1 (j = 2..k); an interaction uses the Kronecker product of two of them.
    The F statistic and the Kenward-Roger ddf do not depend on the basis of the
    hypothesis, but the Fai-Cornelius (Satterthwaite) ddf of a multi-df test does (its
    eigen-contrasts are those of ``L Phi L'``), so this basis makes the ddf equal lmerTest's
    with the factor levels in the same order.

    Examples
    --------
    >>> versus_first(3)
    array([[-1.,  1.,  0.],
           [-1.,  0.,  1.]])
    """
    c = np.zeros((max(k - 1, 0), k))
    c[:, 0] = -1.0
    c[np.arange(k - 1), np.arange(1, k)] = 1.0
    return c


def doolittle_basis(counts: np.ndarray) -> np.ndarray:
    """Hypothesis basis of lmerTest's F test of a one-term model, written on the LS-means.

    When the fixed part is the treatment factor alone (RCBD, Latin square, augmented,
    alpha and row-column designs with random blocks), lmerTest's ``anova()`` (type III by
    default) tests it with its type 1 hypothesis (``lmerTest:::get_contrasts_type1``): the
    rows of the Doolittle factor U of X'X, X = [1 | contr.treatment dummies], each divided
    by its diagonal element.  For that X, X'X = [[n, c'], [c, diag(c)]] with ``c`` the
    plot counts of levels 2..k and n the number of plots; U's rows divided by their
    diagonal are those of L' in X'X = L D L', and the rows of levels 2..k (the
    LDL' factor of the Schur complement diag(c) - cc'/n) are, on the coefficients
    beta_j = mu_j - mu_1,

        e_j - sum_{i > j} c_i e_i / (n - c_2 - ... - c_j).

    With equal counts the Fai-Cornelius ddf equals that of :func:`versus_first`; with
    unequal counts (an augmented design) it does not (augmentedRCBD vignette: 6.34
    against 6.10).  lmerTest also zeroes entries of U below 1e-6, which changes nothing for
    plot counts below about a million.

    Parameters
    ----------
    counts : ndarray, shape (k,)
        Observed plots of each level, in the model's level order.

    Returns
    -------
    ndarray, shape (k - 1, k)
        The hypothesis rows on the k LS-means (each row sums to zero).

    Examples
    --------
    >>> doolittle_basis(np.array([2, 2, 1]))
    array([[-0.66666667,  1.        , -0.33333333],
           [-1.        ,  0.        ,  1.        ]])
    """
    counts = np.asarray(counts, dtype=float)
    k = counts.size
    others = counts[1:]
    scale = -1.0 / (counts.sum() - np.cumsum(others))
    upper = np.eye(k - 1) + np.triu(np.outer(scale, others), 1)
    return upper @ versus_first(k)


def f_test(
    estimate: np.ndarray, cov: np.ndarray, grad: np.ndarray, a: np.ndarray
) -> tuple[float, int, float]:
    r"""Wald F statistic of ``H0: L beta = 0`` with its Satterthwaite denominator df.

    Multi-df hypotheses follow Fai & Cornelius (1996) as implemented in lmerTest
    (``contestMD``): ``L Phi L'`` is diagonalised, each eigen-contrast gets its
    Satterthwaite df :math:`\nu_m`, and with :math:`E = \sum \nu_m / (\nu_m - 2)` the
    denominator df is :math:`2E / (E - q)` (the mean when all :math:`\nu_m` are equal,
    2 when any :math:`\nu_m \le 2`).
    The eigen-contrasts, hence the df, depend on the basis of the rows of ``L`` (not on
    the hypothesis alone); the callers use :func:`versus_first`, lmerTest's basis.

    Returns
    -------
    tuple
        ``(F, numerator df q, denominator df)``.
    """
    d, u = np.linalg.eigh(cov)
    order = np.argsort(d)[::-1]
    d, u = d[order], u[:, order]
    tol = max(np.finfo(float).eps ** 0.5 * (d[0] if d.size else 0.0), 0.0)
    pos = d > tol
    q = int(np.sum(pos))
    if q == 0:
        return float("nan"), 0, float("nan")
    d, u = d[pos], u[:, pos]
    t2 = (u.T @ estimate) ** 2 / d
    f = float(np.sum(t2) / q)
    g = np.einsum("im,fij,jm->fm", u, grad, u)
    nu = satterthwaite(d, g, a)
    return f, q, _fstat_ddf(nu)


def _fstat_ddf(nu: np.ndarray, tol: float = 1e-8) -> float:
    """Combine eigen-contrast df into one F denominator df (lmerTest ``get_Fstat_ddf``)."""
    nu = np.asarray(nu, dtype=float)
    if nu.size == 1:
        return float(nu[0])
    if np.all(np.abs(np.diff(nu)) < tol):
        return float(np.mean(nu))
    if np.any(nu <= 2):
        return 2.0
    e = float(np.sum(nu / (nu - 2.0)))
    return 2.0 * e / (e - nu.size)


def _start(problem: _Problem) -> np.ndarray:
    """Return starting values: the fixed-model residual variance shared equally."""
    y, k = problem.y, problem.k
    resid_fixed = y - problem.x @ (problem.x.T @ y)
    total = max(float(resid_fixed @ resid_fixed) / max(problem.n - problem.p, 1), 1e-8)
    return np.full(k + 1, total / (k + 1))


def reml(
    y: np.ndarray,
    x: np.ndarray,
    codes: Sequence[np.ndarray],
    *,
    max_iter: int = _MAX_ITER,
) -> RemlFit:
    """Fit the variance-component model by REML.

    Parameters
    ----------
    y : ndarray, shape (n,)
        Response (finite). [response unit]
    x : ndarray, shape (n, p)
        Fixed-effect model matrix (intercept included; aliased columns allowed).
    codes : sequence of ndarray of int
        One array per random component: level codes 0..q_k-1 of its grouping factor.
    max_iter : int
        Iteration limit.

    Returns
    -------
    RemlFit

    Raises
    ------
    RemlError
        No residual degrees of freedom, or no convergence.
    """
    y = np.asarray(y, dtype=float)
    basis = fixed_basis(x)
    n, p = basis.q.shape
    if n - p < 1:
        raise RemlError(f"no residual degrees of freedom ({n} observations, rank {p})")
    centre = float(np.mean(y))
    resid0 = (y - centre) - basis.q @ (basis.q.T @ (y - centre))
    scale = float(np.sqrt(resid0 @ resid0 / (n - p)))
    if not scale > 0:
        scale = float(np.std(y)) or 1.0
    ys = (y - centre) / scale
    codes = [np.asarray(c, dtype=int) for c in codes]
    problem = _Problem(ys, basis.q, codes)
    k = problem.k
    theta = _start(problem)
    # an exact fit: the fixed fits' rule (stats._common.exact_fit_limit), on this scale
    exact = (exact_fit_limit(y) / scale) ** 2
    st = problem.state(theta)
    iterations = 0
    converged = False
    for it in range(max_iter):
        iterations = it + 1
        probe = np.ones(k + 1, dtype=bool)
        score, expected, observed = problem.derivatives(st, probe)
        free = np.ones(k + 1, dtype=bool)
        free[:k] = (theta[:k] > 0) | (score[:k] > 0)
        idx = np.flatnonzero(free)
        use_newton = it >= _FISHER_STEPS
        direction = None
        if use_newton:
            try:
                inv, _ = _spd_inv(observed[np.ix_(idx, idx)])
                direction = inv @ score[idx]
            except RemlError:
                direction = None
        if direction is None:
            direction = np.linalg.lstsq(expected[np.ix_(idx, idx)], score[idx], rcond=None)[0]
        step = 1.0
        accepted = False
        for _ in range(60):
            cand = theta.copy()
            cand[idx] = theta[idx] + step * direction
            cand[:k] = np.clip(cand[:k], 0.0, None)
            if cand[-1] <= 0:
                step *= 0.5
                continue
            try:
                cst = problem.state(cand)
            except RemlError:
                step *= 0.5
                continue
            if cst.loglik >= st.loglik - 1e-12 * max(1.0, abs(st.loglik)):
                accepted = True
                break
            step *= 0.5
        if not accepted:
            converged = True  # no ascent direction left: a (boundary) maximum
            break
        change = float(np.max(np.abs(cand - theta)))
        theta, st = cand, cst
        if theta[-1] <= exact:
            raise RemlError(
                "the fixed and random effects reproduce every observation exactly, so the "
                "residual variance is zero"
            )
        if change < _STEP_TOL and it >= _FISHER_STEPS:
            converged = True
            break
    if not converged:
        raise RemlError(f"REML did not converge in {max_iter} iterations")
    # tiny components are on the boundary
    theta[:k] = np.where(theta[:k] < 1e-12 * theta[-1], 0.0, theta[:k])
    st = problem.state(theta)
    free = theta > 0
    free[-1] = True
    score, expected, observed = problem.derivatives(st, free)
    idx = np.flatnonzero(free)
    theta_cov = np.full((k + 1, k + 1), np.nan)
    try:
        theta_cov[np.ix_(idx, idx)] = _spd_inv(observed[np.ix_(idx, idx)])[0]
    except RemlError:
        theta_cov[np.ix_(idx, idx)] = np.linalg.pinv(observed[np.ix_(idx, idx)])

    # fixed effects and the derivative of their covariance (scaled problem)
    s2 = float(theta[-1])
    phi = st.s_inv * s2  # (X'V^-1 X)^-1
    vix = st.hx / s2  # V^-1 X
    dphi = []
    for j in idx.tolist():
        if j == k:
            g = vix @ phi
        else:
            g = problem.z[:, problem.block(int(j))].T @ vix @ phi
        dphi.append(g.T @ g)
    dphi_all, expected_cov, phi_adj = _kenward_roger_parts(problem, st, phi)
    py = st.phy / s2
    blups = [theta[j] * (problem.z[:, problem.block(j)].T @ py) for j in range(k)]
    fitted_m = basis.q @ st.gamma
    fitted_c = fitted_m + (problem.z @ np.concatenate(blups) if k else 0.0)

    s = scale
    loglik = st.loglik - (n - p) * np.log(s) - basis.log_abs_det_r
    return RemlFit(
        theta=theta * s**2,
        theta_cov=theta_cov * s**4,
        free=free,
        loglik=float(loglik),
        iterations=iterations,
        basis=basis,
        gamma=_shift(basis, st.gamma * s, centre),
        phi=phi * s**2,
        dphi=np.array(dphi) if dphi else np.zeros((0, p, p)),  # dimensionless
        blups=[b * s for b in blups],
        fitted_marginal=fitted_m * s + centre,
        fitted_conditional=fitted_c * s + centre,
        n_obs=n,
        centre=centre,
        gamma_centred=st.gamma * s,
        dphi_all=dphi_all,  # dimensionless
        expected_cov=expected_cov * s**4,
        phi_adjusted=phi_adj * s**2,
    )


def _kenward_roger_parts(
    problem: _Problem, st: _State, phi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Kenward-Roger (1997) ingredients on the scaled problem.

    With :math:`V_i = \partial V/\partial\theta_i` (:math:`Z_i Z_i'`, the identity for the
    residual), :math:`B_i = V_i V^{-1} X`, :math:`G_i = X'V^{-1}V_iV^{-1}X = -P_i` and
    :math:`Q_{ij} = X'V^{-1}V_iV^{-1}V_jV^{-1}X = B_i' V^{-1} B_j`:
    :math:`\partial\Phi/\partial\theta_i = \Phi G_i \Phi`, :math:`W` = inverse expected
    information (pbkrtest's ``2 IE2^{-1}``), and
    :math:`\Phi_A = \Phi + 2\Phi\{\sum_{ij} W_{ij}(Q_{ij} - G_i\Phi G_j)\}\Phi` (the
    second-derivative term :math:`R_{ij}` is zero: :math:`V` is linear in :math:`\theta`).
    Every variance parameter enters, components estimated at zero included (as pbkrtest).

    Returns
    -------
    tuple
        ``(dphi_all (K + 1, p, p), W (K + 1, K + 1), Phi_A (p, p))``.
    """
    k = problem.k
    s2 = float(st.theta[-1])
    vix = st.hx / s2  # V^-1 X
    b_mats = []
    for j in range(k + 1):
        if j == k:
            b_mats.append(vix)
        else:
            zj = problem.z[:, problem.block(j)]
            b_mats.append(zj @ (zj.T @ vix))
    c_mats = [st.hinv(b) / s2 for b in b_mats]  # V^-1 B_j
    g_mats = [vix.T @ b for b in b_mats]
    g_mats = [(g + g.T) / 2.0 for g in g_mats]
    dphi_all = np.array([phi @ g @ phi for g in g_mats])
    _, expected, _ = problem.derivatives(st, np.ones(k + 1, dtype=bool))
    try:
        w = _spd_inv(expected)[0]
    except RemlError:
        w = np.linalg.pinv(expected)
    u = np.zeros_like(phi)
    for i in range(k + 1):
        for j in range(k + 1):
            if w[i, j] == 0.0:
                continue
            q_ij = b_mats[i].T @ c_mats[j]
            u += w[i, j] * (q_ij - g_mats[i] @ phi @ g_mats[j])
    u = (u + u.T) / 2.0
    phi_adj = phi + 2.0 * phi @ u @ phi
    return dphi_all, w, (phi_adj + phi_adj.T) / 2.0


def kenward_roger_scale(cov: np.ndarray, grad: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    r"""Kenward-Roger denominator df and F scaling of ``H0: L beta = 0`` (q = rank of L).

    Parameters
    ----------
    cov : ndarray, shape (q, q)
        Unadjusted covariance :math:`L\Phi L'` (full rank).
    grad : ndarray, shape (m, q, q)
        Its derivative with respect to each of the ``m`` variance parameters.
    w : ndarray, shape (m, m)
        Inverse expected REML information of the variance parameters.

    Returns
    -------
    tuple of float
        ``(m, lambda)``: the denominator df and the scale of the Wald F statistic
        computed with the adjusted covariance (Kenward & Roger 1997, eqs. 3.7-3.13;
        :math:`\Theta = L'(L\Phi L')^{-1}L`, :math:`A_1 = \sum W_{ij}
        \mathrm{tr}(\Theta\Phi P_i\Phi)\,\mathrm{tr}(\Theta\Phi P_j\Phi)`,
        :math:`A_2 = \sum W_{ij}\mathrm{tr}(\Theta\Phi P_i\Phi\Theta\Phi P_j\Phi)`).
        For one contrast :math:`m = 2 v^2 / (g'Wg)` and :math:`\lambda = 1`.
    """
    q = cov.shape[0]
    c_inv = np.linalg.inv(cov)
    mats = np.einsum("ab,fbc->fac", c_inv, grad)
    tr = np.einsum("faa->f", mats)
    a1 = float(tr @ w @ tr)
    a2 = float(np.einsum("fg,fab,gba->", w, mats, mats))
    if not a2 > 1e-300:
        return float("inf"), 1.0
    # IEEE division, as pbkrtest's R code divides: a zero denominator gives an infinite
    # V* and rho and the limit m = 4 (two contrasts on 4 residual df with a variance at
    # zero: 1 - c3 B = 0 exactly, which raised ZeroDivisionError); NaN or a negative m
    # is "no F approximation" to the caller
    a1_, a2_, q_ = np.float64(a1), np.float64(a2), np.float64(q)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        b = (a1_ + 6.0 * a2_) / (2.0 * q_)
        g = ((q_ + 1.0) * a1_ - (q_ + 4.0) * a2_) / ((q_ + 2.0) * a2_)
        d = 3.0 * q_ + 2.0 * (1.0 - g)
        c1, c2, c3 = g / d, (q_ - g) / d, (q_ + 2.0 - g) / d
        e_star = 1.0 / (1.0 - a2_ / q_)
        v_star = (2.0 / q_) * (1.0 + c1 * b) / ((1.0 - c2 * b) ** 2 * (1.0 - c3 * b))
        rho = v_star / (2.0 * e_star**2)
        m = 4.0 + (q_ + 2.0) / (q_ * rho - 1.0)
        lam = m / (e_star * (m - 2.0))
    return float(m), float(lam)


def kenward_roger_f_test(
    estimate: np.ndarray,
    cov_adjusted: np.ndarray,
    cov: np.ndarray,
    grad: np.ndarray,
    w: np.ndarray,
) -> tuple[float, int, float]:
    """Kenward-Roger F test of ``H0: L beta = 0``: scaled F, numerator df, denominator df.

    ``F = lambda (L b)' (L Phi_A L')^{-1} (L b) / q`` on ``(q, m)`` df
    (:func:`kenward_roger_scale`); linearly dependent rows of ``L`` are reduced first.
    """
    d, u = np.linalg.eigh(cov)
    order = np.argsort(d)[::-1]
    d, u = d[order], u[:, order]
    tol = max(np.finfo(float).eps ** 0.5 * (d[0] if d.size else 0.0), 0.0)
    pos = d > tol
    q = int(np.sum(pos))
    if q == 0:
        return float("nan"), 0, float("nan")
    u = u[:, pos]
    est = u.T @ estimate
    adj = u.T @ cov_adjusted @ u
    c0 = u.T @ cov @ u
    g = np.einsum("ia,fij,jb->fab", u, grad, u)
    f = float(est @ np.linalg.solve(adj, est)) / q
    m, lam = kenward_roger_scale(c0, g, w)
    return lam * f, q, m


def _shift(basis: FixedBasis, gamma: np.ndarray, centre: float) -> np.ndarray:
    """Add the centring constant back to the coefficients (the intercept direction)."""
    # q @ gamma' = q @ gamma + centre * 1  <=>  gamma' = gamma + centre * q' 1  (1 in span(q))
    ones = np.ones(basis.q.shape[0])
    coef = basis.q.T @ ones
    if not np.allclose(basis.q @ coef, ones, atol=1e-8):
        raise RemlError("the fixed-effect model must contain an intercept")
    return np.asarray(gamma + centre * coef)
