r"""Across-site models that treat sites as blocks: the sites-as-blocks RCBD and its weighted form.

An on-farm demonstration network lays the same few strips (one plot per treatment)
on many farms.  No farm alone supports a test, but the farms together are the
replicates of a randomized complete block design with **sites as blocks**:

.. math:: y_{ij} = \mu + \tau_i + \beta_j + e_{ij},

where the treatment x site interaction is the error.  :func:`absorbed_fit` solves
this model exactly as :func:`yieldtrial.stats.model.fit` does on the stacked table
(``response ~ treatment + site``: least-squares means weighting every site
equally, their covariance ``MSE L (X'X)^- L'``, type II sums of squares), but
without building the ``n x (k + s)`` model matrix: the site effects are absorbed
(the intra-block analysis of incomplete block designs; Searle 1971, ch. 7), so a
network of 10,000 farms costs a ``k x k`` solve.  Missing cells (a treatment
absent at a farm) are handled by the model.

With weights :math:`w_{ij}` (inverse variances) the same absorption gives the
weighted least-squares fit used by the two-stage analysis of networks that mix
replicated and unreplicated sites (:func:`weighted_two_stage`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["AbsorbedFit", "absorbed_fit", "weighted_two_stage"]


@dataclass(frozen=True)
class AbsorbedFit:
    """Least-squares fit of ``y ~ treatment + site`` on a treatment x site table.

    Attributes
    ----------
    lsmeans : ndarray, shape (k,)
        Treatment LS-means, every site weighted equally. [response unit]
    lsmeans_centred : ndarray, shape (k,)
        ``lsmeans`` minus :attr:`centre` (differences are taken from these).
    centre : float
        Mean of the observed cells (the response is centred on it before solving).
    cov_unit : ndarray, shape (k, k)
        ``L (X'WX)^- L'``: the covariance of the LS-means per unit of error variance.
    sse : float
        (Weighted) residual sum of squares.
    df_error : int
        ``n - s - rank(C)`` residual degrees of freedom.
    n : ndarray of int, shape (k,)
        Observed cells per treatment.
    n_obs : int
        Observed cells.
    n_sites : int
        Sites with at least one observed cell.
    connected : bool
        Whether every treatment difference is estimable (rank of C = k - 1).
    ss_site : float
        Type II sum of squares of sites (adjusted for treatments).
    ss_treatment : float
        Type II sum of squares of treatments (adjusted for sites).
    """

    lsmeans: np.ndarray
    lsmeans_centred: np.ndarray
    centre: float
    cov_unit: np.ndarray
    sse: float
    df_error: int
    n: np.ndarray
    n_obs: int
    n_sites: int
    connected: bool
    ss_site: float
    ss_treatment: float


def absorbed_fit(table: np.ndarray, weights: np.ndarray | None = None) -> AbsorbedFit:
    r"""Fit ``y ~ treatment + site`` to a treatment x site table by absorbing the sites.

    Parameters
    ----------
    table : ndarray, shape (k, s)
        One value per treatment (row) and site (column); NaN where the treatment is
        absent at that site.  Sites without any value are dropped.
    weights : ndarray, shape (k, s), optional
        Positive weights (inverse relative variances) of the cells; None for ordinary
        least squares.

    Returns
    -------
    AbsorbedFit
        LS-means, their unit covariance, residual SS and df, type II sums of squares.

    Notes
    -----
    With :math:`N` the 0/1 incidence (or weight) matrix, :math:`r = N 1`,
    :math:`k_j = 1' N_{\cdot j}`, the reduced normal equations for the treatment
    effects are :math:`C \hat\tau = Q` with
    :math:`C = \mathrm{diag}(r) - N \mathrm{diag}(1/k) N'` and
    :math:`Q = T - N (B / k)` (:math:`T`, :math:`B`: weighted treatment and site
    totals of the centred response).  The site effects are
    :math:`\hat\beta_j = (B_j - \sum_i N_{ij} \hat\tau_i)/k_j`, so the LS-mean
    :math:`\hat\tau_i + \bar{\hat\beta}` is
    :math:`(I - 1 w')\hat\tau + 1 \bar b` with
    :math:`w = N (1/k) / s` and :math:`\bar b = \frac1s \sum_j B_j/k_j`.
    :math:`\hat\tau` depends on the within-site contrasts only and :math:`\bar b`
    on the site means only, which are uncorrelated, so
    :math:`\mathrm{Var} = \sigma^2[(I - 1w') C^- (I - w1') + 11'\sum_j k_j^{-1}/s^2]`.
    The residual sum of squares is
    :math:`\sum_{ij} N_{ij}(y_{ij} - B_j/k_j)^2 - \hat\tau' Q`.

    Examples
    --------
    >>> y = np.array([[10.0, 12.0, 11.0], [13.0, 15.0, 15.0]])
    >>> fit = absorbed_fit(y)
    >>> fit.lsmeans.round(6).tolist(), fit.df_error, round(fit.sse / fit.df_error, 6)
    ([11.0, 14.333333], 2, 0.166667)
    """
    y = np.asarray(table, dtype=float)
    observed = np.isfinite(y)
    keep = observed.any(axis=0)
    if not keep.all():
        y, observed = y[:, keep], observed[:, keep]
        if weights is not None:
            weights = np.asarray(weights, dtype=float)[:, keep]
    k, s = y.shape
    w = observed.astype(float)
    if weights is not None:
        w = np.where(observed, np.asarray(weights, dtype=float), 0.0)
    centre = float(np.mean(y[observed]))
    yc = np.where(observed, y - centre, 0.0)
    wy = w * yc
    r = w.sum(axis=1)
    kj = w.sum(axis=0)
    site_mean = wy.sum(axis=0) / kj  # B_j / k_j
    c = np.diag(r) - (w / kj) @ w.T
    q = wy.sum(axis=1) - w @ site_mean
    eig, vec = np.linalg.eigh(c)
    tol = max(float(eig.max(initial=0.0)), 1.0) * k * np.finfo(float).eps * 16
    nonzero = eig > tol
    rank = int(nonzero.sum())
    c_pinv = (vec[:, nonzero] / eig[nonzero]) @ vec[:, nonzero].T
    tau = c_pinv @ q
    wbar = (w / kj).sum(axis=1) / s
    a = np.eye(k) - np.outer(np.ones(k), wbar)
    lsm_c = a @ tau + float(site_mean.mean())
    cov_unit = a @ c_pinv @ a.T + float(np.sum(1.0 / kj)) / s**2
    dev = np.where(observed, yc - site_mean[None, :], 0.0)
    ss_within = float(np.sum(w * dev * dev))
    ss_trt_adj = float(tau @ q)
    sse = max(ss_within - ss_trt_adj, 0.0)
    n_obs = int(observed.sum())
    # unadjusted sums of squares about the (weighted) grand mean, for type II site SS
    grand = float(wy.sum() / w.sum())
    trt_mean = wy.sum(axis=1) / np.where(r > 0, r, 1.0)
    ss_trt_unadj = float(np.sum(r * (trt_mean - grand) ** 2))
    ss_site_unadj = float(np.sum(kj * (site_mean - grand) ** 2))
    ss_site_adj = ss_site_unadj + ss_trt_adj - ss_trt_unadj
    return AbsorbedFit(
        lsmeans=lsm_c + centre,
        lsmeans_centred=lsm_c,
        centre=centre,
        cov_unit=cov_unit,
        sse=sse,
        df_error=int(n_obs - s - rank),
        n=observed.sum(axis=1).astype(np.int64),
        n_obs=n_obs,
        n_sites=int(s),
        connected=rank == k - 1,
        ss_site=float(ss_site_adj),
        ss_treatment=ss_trt_adj,
    )


def weighted_two_stage(
    table: np.ndarray, variance: np.ndarray
) -> tuple[AbsorbedFit, float, float, float]:
    r"""Stage 2 of a two-stage network analysis weighted by the site means' variances.

    Parameters
    ----------
    table : ndarray, shape (k, s)
        Site LS-means (NaN where absent). [response unit]
    variance : ndarray, shape (k, s)
        Within-site error variance of each site LS-mean (its squared standard error;
        for an unreplicated site, the pooled plot error variance of the replicated
        sites). [response unit squared]

    Returns
    -------
    fit : AbsorbedFit
        Weighted fit with weights :math:`1 / (\hat\sigma^2_{GE} + v_{ij})`.
    sigma2_ge : float
        Moment estimate of the treatment x site interaction variance,
        ``max(0, MS_res - mean(v))`` from the unweighted stage-2 fit.
    scale : float
        Weighted residual mean square :math:`\phi` (1 when the weights are exact);
        the covariance of the LS-means is ``scale * fit.cov_unit``.
    ms_res_unweighted : float
        Residual mean square of the unweighted additive fit.
    """
    plain = absorbed_fit(table)
    ms_res = plain.sse / plain.df_error if plain.df_error > 0 else float("nan")
    v = np.asarray(variance, dtype=float)
    mean_v = float(np.nanmean(np.where(np.isfinite(table), v, np.nan)))
    sigma2_ge = max(0.0, ms_res - mean_v) if np.isfinite(ms_res) else 0.0
    weights = 1.0 / (sigma2_ge + v)
    fit = absorbed_fit(table, weights)
    scale = fit.sse / fit.df_error if fit.df_error > 0 else float("nan")
    return fit, sigma2_ge, scale, ms_res
