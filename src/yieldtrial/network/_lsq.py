"""Least-squares path of the network engine: trials with missing plots or duplicated cells.

Trials of one ``(n plots, k treatments, b blocks)`` shape are solved as a batch: the
design matrices (intercept, treatment and block dummies) are built by indexing, the
centred response is fitted by the normal equations of the small, well-conditioned
dummy design (pseudo-inverse for rank-deficient members), type II sums of squares come
from the fits without each factor, and the LS-means (blocks weighted equally) carry the
covariance ``MSE L (X'X)^- L'`` -- as :func:`yieldtrial.stats.model.fit` for one trial.
"""

from __future__ import annotations

import numpy as np

from yieldtrial.network._batch import Output, Settings, _per_treatment, _set

__all__ = ["_least_squares"]


def _least_squares(
    out: Output,
    idx: np.ndarray,
    y: np.ndarray,
    tl: np.ndarray,
    bl: np.ndarray,
    tcode: np.ndarray,
    k: int,
    b: int,
    s: Settings,
    ctrl: int,
) -> None:
    """Trials of one ``(n, k, b)`` shape solved as a batch of least-squares problems."""
    from scipy.special import fdtrc

    t, n = y.shape
    p = k + b - 1
    x = np.zeros((t, n, p))
    x[:, :, 0] = 1.0
    ti, ri = np.nonzero(tl > 0)
    x[ti, ri, tl[ti, ri]] = 1.0
    bi, rj = np.nonzero(bl > 0)
    x[bi, rj, k - 1 + bl[bi, rj]] = 1.0
    centre = y.mean(axis=1)
    yc = y - centre[:, None]

    xt = x.transpose(0, 2, 1)
    xtx = xt @ x
    xty = (xt @ yc[:, :, None])[:, :, 0]

    def fit(cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Coefficients, fitted values, (X'X)^-1 and rank on a column subset (batched)."""
        sub = xtx[:, cols[:, None], cols[None, :]]
        try:
            inv = np.linalg.inv(sub)
            check = sub @ inv - np.eye(cols.size)
            full = np.max(np.abs(check), axis=(1, 2)) < 1e-8
        except np.linalg.LinAlgError:
            full = np.zeros(t, dtype=bool)
            inv = np.zeros_like(sub)
        if not full.all():  # rank-deficient designs: pseudo-inverse for those trials
            inv[~full] = np.linalg.pinv(sub[~full], hermitian=True)
        coef = (inv @ xty[:, cols, None])[:, :, 0]
        fitted = (x[:, :, cols] @ coef[:, :, None])[:, :, 0]
        rank = np.where(full, cols.size, np.linalg.matrix_rank(sub) if not full.all() else 0)
        return coef, fitted, inv, rank

    all_cols = np.arange(p)
    coef, fitted, inv, rank = fit(all_cols)
    resid = yc - fitted
    ss_e = np.einsum("tn,tn->t", resid, resid)
    df_e = n - rank
    # type II: each factor against the model without it
    no_trt = np.r_[0, np.arange(k, p)]
    _, fit_nt, _, rank_nt = fit(no_trt)
    d = fitted - fit_nt
    ss_trt = np.einsum("tn,tn->t", d, d)
    df_t = rank - rank_nt
    if s.design == "rcbd" and b > 1:
        _, fit_nb, _, rank_nb = fit(np.arange(k))
        d = fitted - fit_nb
        ss_blk = np.einsum("tn,tn->t", d, d)
        df_b = rank - rank_nb
    else:
        ss_blk = np.full(t, np.nan)
        df_b = np.zeros(t)
    # LS-means: average prediction over the blocks (equal weights)
    lmat = np.zeros((k, p))
    lmat[:, 0] = 1.0
    lmat[np.arange(1, k), np.arange(1, k)] = 1.0
    if b > 1:
        lmat[:, k:] = 1.0 / b
    # estimability: L must lie in the row space of X (always true at full rank)
    proj = inv @ xtx
    resid_l = lmat[None, :, :] - lmat @ proj
    estimable = np.max(np.abs(resid_l), axis=(1, 2)) <= 1e-8 * np.max(np.abs(lmat))
    lsmean = coef @ lmat.T + centre[:, None]
    xtx_l = lmat @ inv @ lmat.T  # L (X'X)^- L'
    scale = np.einsum("tn,tn->t", y, y) / n
    n_rep = np.zeros((t, k))
    np.add.at(n_rep, (np.repeat(np.arange(t), n), tl.ravel()), 1.0)
    from yieldtrial.network._shared import t_quantile, tukey_critical

    out.path[idx] = "least_squares"
    _set(
        out,
        idx,
        grand_mean=centre,
        sum_sq_treatment=ss_trt,
        df_treatment=df_t,
        sum_sq_error=ss_e,
        df_error=df_e,
    )
    if s.design == "rcbd":
        _set(out, idx, sum_sq_block=ss_blk, df_block=df_b)
    bad = ~estimable
    if bad.any():
        for name in (
            "grand_mean",
            "sum_sq_treatment",
            "df_treatment",
            "sum_sq_error",
            "df_error",
            "sum_sq_block",
            "df_block",
        ):
            out.cols[name][idx[bad]] = np.nan
        out.path[idx[bad]] = "none"
        out.status[idx[bad]] = "failed"
        out.reason[idx[bad]] = (
            "some treatment means are not estimable: the design is "
            "disconnected (treatments and blocks do not overlap enough)"
        )
    good = ~bad
    unrep = good & (df_e == 0)
    if unrep.any():
        j = idx[unrep]
        out.status[j] = "unreplicated"
        out.reason[j] = "one plot per treatment: no error degrees of freedom, means only"
        _per_treatment(
            out, j, tcode[unrep], n_rep[unrep], lsmean[unrep], None, None, s, ctrl, 0, None
        )
    rep = good & (df_e > 0)
    if not rep.any():
        return
    j = idx[rep]
    dfe = df_e[rep].astype(float)
    mse = ss_e[rep] / dfe
    zero = ~(ss_e[rep] > 1e-24 * scale[rep] * dfe)
    cov = mse[:, None, None] * xtx_l[rep]
    diag = np.einsum("tkk->tk", cov)
    var_diff = diag[:, :, None] + diag[:, None, :] - 2.0 * cov
    iu = np.triu_indices(k, 1)
    pair_sed = np.sqrt(np.clip(var_diff[:, iu[0], iu[1]], 0.0, None))
    sed = pair_sed.mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dft = df_t[rep].astype(float)
        f_trt = np.where(zero | (dft <= 0), np.nan, (ss_trt[rep] / dft) / mse)
        p_trt = fdtrc(dft, dfe, f_trt)
        if s.design == "rcbd" and b > 1:
            dfb = df_b[rep].astype(float)
            f_blk = np.where(zero | (dfb <= 0), np.nan, (ss_blk[rep] / dfb) / mse)
            _set(out, j, f_block=f_blk, p_block=fdtrc(dfb, dfe, f_blk))
        gm = centre[rep]
        cv = np.where(gm != 0, 100.0 * np.sqrt(mse) / gm, np.nan)
    tq = t_quantile(1.0 - s.alpha / 2.0, dfe)
    q = np.array([tukey_critical(k, float(v), s.alpha) for v in dfe])
    _set(
        out,
        j,
        mse=mse,
        cv_pct=cv,
        f_treatment=f_trt,
        p_treatment=p_trt,
        sed=sed,
        lsd=tq * sed,
        hsd=q / np.sqrt(2.0) * sed,
    )
    out.status[j] = "ok"
    se = np.sqrt(np.clip(diag, 0.0, None))
    # Dunnett needs the full covariance of the differences with the control
    _per_treatment(
        out, j, tcode[rep], n_rep[rep], lsmean[rep], se, var_diff, s, ctrl, dfe, zero, cov=cov
    )
