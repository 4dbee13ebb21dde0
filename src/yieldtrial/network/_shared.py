"""Bridges between the network engine and the shared statistics layer.

The engine never reimplements a distribution: Tukey and Dunnett critical values,
Dunnett adjusted p-values and the compact letter display come from
:mod:`yieldtrial.stats.distributions` and :mod:`yieldtrial.stats.letters`, so the
per-trial numbers are those of :func:`yieldtrial.stats.compare.compare_to_control`
and :func:`yieldtrial.stats.compare.pairwise` (Tukey-Kramer) run on one trial.

What depends only on ``(k, df)`` (critical values) is computed once and cached;
letters are computed once per distinct significance pattern.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = [
    "dunnett_batch",
    "dunnett_critical_balanced",
    "letters_batch",
    "t_quantile",
    "tukey_critical",
]


@functools.lru_cache(maxsize=4096)
def tukey_critical(k: int, df: float, alpha: float) -> float:
    """Studentized range critical value ``q(1 - alpha; k, df)``, cached per ``(k, df)``.

    Parameters
    ----------
    k : int
        Number of means.
    df : float
        Error degrees of freedom.
    alpha : float
        Significance level.

    Returns
    -------
    float
        The critical value.
    """
    from yieldtrial.stats.distributions import tukey_critical_value

    return tukey_critical_value(int(k), float(df), alpha=float(alpha))


@functools.lru_cache(maxsize=4096)
def dunnett_critical_balanced(m: int, df: float, alpha: float) -> float:
    """Two-sided Dunnett critical value for ``m`` equally replicated comparisons.

    Parameters
    ----------
    m : int
        Number of treatments compared with the control.
    df : float
        Error degrees of freedom.
    alpha : float
        Family-wise significance level.

    Returns
    -------
    float
        ``c`` with ``P(max |T_i| <= c) = 1 - alpha`` for correlation 1/2.
    """
    from yieldtrial.stats.distributions import dunnett_critical_value

    corr = np.full((m, m), 0.5)
    np.fill_diagonal(corr, 1.0)
    value, _ = dunnett_critical_value(corr, float(df), confidence=1.0 - float(alpha))
    return float(value)


@functools.lru_cache(maxsize=4096)
def _t_ppf(probability: float, df: float) -> float:
    """Student t quantile for one ``df`` (cached: the same few values recur)."""
    from yieldtrial.stats._univariate import t_ppf  # scipy.stats.t.ppf, bit for bit

    return float(t_ppf(probability, df))


def t_quantile(probability: float, df: np.ndarray) -> np.ndarray:
    """Student t quantile, vectorized over ``df``, once per distinct value.

    Parameters
    ----------
    probability : float
        Lower-tail probability.
    df : ndarray
        Degrees of freedom.

    Returns
    -------
    ndarray
        Quantiles (NaN where ``df`` is not positive).
    """
    df = np.asarray(df, dtype=float)
    out = np.full(df.shape, np.nan)
    ok = np.isfinite(df) & (df > 0)
    if ok.any():
        unique, inverse = np.unique(df[ok], return_inverse=True)
        values = np.array([_t_ppf(float(probability), float(d)) for d in unique])
        out[ok] = values[inverse]
    return out


def dunnett_batch(
    tval: np.ndarray,
    is_ctrl: np.ndarray,
    cpos: np.ndarray,
    cov: np.ndarray | None,
    df_e: float | np.ndarray,
    alpha: float,
    pvalues: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Dunnett adjusted p-values and verdicts for a batch of trials.

    Parameters
    ----------
    tval : ndarray, shape (T, k)
        t statistics of each treatment against its trial's control (NaN at the control).
    is_ctrl : ndarray of bool, shape (T, k)
        Position of the control.
    cpos : ndarray of int, shape (T,)
        Index of the control in each row.
    cov : ndarray, shape (T, k, k), or None
        LS-means covariance; None when the trials are balanced (correlation 1/2).
    df_e : float or ndarray
        Error df (one value, or one per trial).
    alpha : float
        Family-wise significance level.
    pvalues : bool
        Compute the adjusted p-values (costly: one integration per comparison) or only
        the verdict from the critical value.

    Returns
    -------
    p : ndarray, shape (T, k)
        Adjusted p-values (NaN at the control, or everywhere when not computed).
    significant : ndarray, shape (T, k)
        1.0 / 0.0 verdict at ``alpha`` (NaN at the control or when unknown).  Without
        p-values the verdict is ``|t| > c`` with the Dunnett critical value ``c`` of the
        trial's correlation: once per ``(k, df)`` for balanced trials, once per distinct
        correlation structure (see :func:`_verdicts_from_critical`) otherwise.
    """
    from yieldtrial.stats.distributions import dunnett_pvalues

    t, k = tval.shape
    p = np.full((t, k), np.nan)
    sig = np.full((t, k), np.nan)
    if k < 2 or t == 0:
        return p, sig
    dfs = np.broadcast_to(np.asarray(df_e, dtype=float), (t,))
    others = ~is_ctrl
    if cov is None:
        m = k - 1
        corr = np.full((m, m), 0.5)
        np.fill_diagonal(corr, 1.0)
        crit = (
            np.array([dunnett_critical_balanced(m, float(d), alpha) for d in dfs])
            if np.unique(dfs).size > 1
            else np.full(t, dunnett_critical_balanced(m, float(dfs[0]), alpha))
        )
        with np.errstate(invalid="ignore"):
            above = np.abs(tval) > crit[:, None]
        sig = np.where(np.isfinite(tval) & others, above.astype(float), np.nan)
        if pvalues:
            # one family correlation for every trial of this shape: the shared routine
            # evaluates all thresholds together on one quadrature grid
            for d in np.unique(dfs):
                rows = dfs == d
                block = tval[rows]
                mask = others[rows]
                values = np.full(block.shape, np.nan)
                values[mask] = dunnett_pvalues(block[mask], corr, float(d))[0]
                p[rows] = values
        return p, sig
    if not pvalues:
        _verdicts_from_critical(tval, is_ctrl, cov, dfs, alpha, sig)
        return p, sig
    for i in range(t):
        row = tval[i][others[i]]
        if not np.all(np.isfinite(row)):
            continue
        c = int(cpos[i])
        idx = np.flatnonzero(others[i])
        w = np.zeros((idx.size, k))
        w[np.arange(idx.size), idx] = 1.0
        w[:, c] -= 1.0
        v = w @ cov[i] @ w.T
        sd = np.sqrt(np.clip(np.diag(v), 0.0, None))
        corr = v / np.outer(sd, sd)
        np.fill_diagonal(corr, 1.0)
        p_row = dunnett_pvalues(row, corr, float(dfs[i]))[0]
        p[i, idx] = p_row
        sig[i, idx] = (p_row < alpha).astype(float)
    return p, sig


#: Distinct correlation structures (rounded to 1e-12) per call whose Dunnett critical value
#: is computed for the verdicts of unbalanced trials; trials beyond it keep ``significant``
#: NaN.  A product-form structure costs about 50 ms once (then cached), a general one a
#: seeded quasi-Monte Carlo root search.
CRITICAL_STRUCTURE_LIMIT = 200


def _verdicts_from_critical(
    tval: np.ndarray,
    is_ctrl: np.ndarray,
    cov: np.ndarray,
    dfs: np.ndarray,
    alpha: float,
    sig: np.ndarray,
) -> None:
    """Fill ``sig`` (T, k) with the Dunnett verdict ``|t| > c`` of unequally replicated trials.

    ``c`` is the two-sided critical value of each trial's own correlation of the
    comparisons with the control (from the LS-means covariance ``cov``), computed by
    :func:`yieldtrial.stats.distributions.dunnett_critical_value` once per distinct
    ``(rounded correlation, df)``: trials with a missing plot in the same treatment share it.
    The verdict equals ``p_dunnett < alpha`` up to the root's tolerance (1e-10 on ``c``).
    """
    from yieldtrial.stats.distributions import dunnett_critical_value

    t, k = tval.shape
    m = k - 1
    if m < 1 or t == 0:
        return
    # positions of the non-control treatments, in order, and of the control
    oth = np.argsort(is_ctrl, axis=1, kind="stable")[:, :m]
    cpos = np.argmax(is_ctrl, axis=1)
    rows = np.arange(t)
    diag = np.einsum("tkk->tk", cov)
    cc = diag[rows, cpos]
    c_o = np.take_along_axis(cov[rows, cpos], oth, axis=1)  # cov(mean_i, mean_control)
    v = cov[rows[:, None, None], oth[:, :, None], oth[:, None, :]]
    v = v - c_o[:, :, None] - c_o[:, None, :] + cc[:, None, None]  # cov of the differences
    sd = np.sqrt(np.clip(np.einsum("tii->ti", v), 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = v / (sd[:, :, None] * sd[:, None, :])
    idx = np.arange(m)
    corr[:, idx, idx] = 1.0
    t_o = np.take_along_axis(tval, oth, axis=1)
    usable = np.all(np.isfinite(corr.reshape(t, -1)), axis=1) & np.all(np.isfinite(t_o), axis=1)
    if not usable.any():
        return
    use = np.flatnonzero(usable)
    keys = np.concatenate([np.round(corr[use].reshape(use.size, -1), 12), dfs[use, None]], axis=1)
    uniq, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    crit = np.full(uniq.shape[0], np.nan)
    for j in range(min(uniq.shape[0], CRITICAL_STRUCTURE_LIMIT)):
        i = int(use[first[j]])
        value, _ = dunnett_critical_value(corr[i], float(dfs[i]), confidence=1.0 - float(alpha))
        crit[j] = value
    c_trial = crit[inverse]
    known = np.isfinite(c_trial)
    verdict = (np.abs(t_o[known]) > c_trial[known, None]).astype(float)
    sig[use[known][:, None], oth[use[known]]] = verdict


#: Letters of a significance pattern among means sorted high to low, keyed by
#: ``(k, packed upper triangle)``; shared across calls.
_LETTERS_CACHE: dict[tuple[int, bytes], tuple[str, ...]] = {}


def letters_batch(
    lsmean: np.ndarray,
    var_diff: np.ndarray,
    k: int,
    df_e: float | np.ndarray,
    alpha: float,
    zero: np.ndarray | None,
) -> np.ndarray:
    """Tukey-Kramer compact letters for a batch of trials.

    Parameters
    ----------
    lsmean : ndarray, shape (T, k)
        LS-means.
    var_diff : ndarray, shape (T, k, k) or (T,)
        Variance of each pairwise difference (one value per trial when equal).
    k : int
        Number of treatments per trial.
    df_e : float or ndarray
        Error df.
    alpha : float
        Significance level.
    zero : ndarray of bool or None
        Trials whose error variance is zero (letters ``"na"``).

    Returns
    -------
    ndarray of object, shape (T * k,)
        Letters per trial and treatment, row-major.
    """
    from yieldtrial.stats.letters import compact_letters

    t = lsmean.shape[0]
    if np.ndim(df_e) == 0:
        qv = np.full(t, tukey_critical(k, float(df_e), alpha))  # type: ignore[arg-type]
    else:
        udf, df_inv = np.unique(np.asarray(df_e, dtype=float), return_inverse=True)
        qv = np.array([tukey_critical(k, float(d), alpha) for d in udf])[df_inv.ravel()]
    order = np.argsort(-lsmean, axis=1, kind="stable")
    rows = np.arange(t)[:, None]
    m_sorted = np.take_along_axis(lsmean, order, axis=1)
    iu = np.triu_indices(k, 1)
    diff = m_sorted[:, iu[0]] - m_sorted[:, iu[1]]
    if var_diff.ndim == 1:  # one variance of a difference per trial (balanced)
        v_pairs = var_diff[:, None]
    else:
        v_sorted = var_diff[rows[:, :, None], order[:, :, None], order[:, None, :]]
        v_pairs = v_sorted[:, iu[0], iu[1]]
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.sqrt(2.0) * np.abs(diff) / np.sqrt(v_pairs)
    sig = stat > qv[:, None]
    packed = np.packbits(sig, axis=1) if sig.shape[1] else np.zeros((t, 1), dtype=np.uint8)
    if packed.shape[1] <= 8:  # up to 64 pairs (k <= 11): one integer key per pattern
        padded = np.zeros((t, 8), dtype=np.uint8)
        padded[:, : packed.shape[1]] = packed
        _, first_of, inverse = np.unique(
            padded.view(np.uint64).ravel(), return_index=True, return_inverse=True
        )
    else:
        _, first_of, inverse = np.unique(packed, axis=0, return_index=True, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    n_patterns = int(first_of.size)
    table = np.empty((n_patterns, k), dtype=object)
    labels = [str(i) for i in range(k)]
    for j in range(n_patterns):
        first = int(first_of[j])
        cache_key = (k, sig[first].tobytes())
        cached = _LETTERS_CACHE.get(cache_key)
        if cached is None:
            mat = np.zeros((k, k), dtype=bool)
            mat[iu] = sig[first]
            mat = mat | mat.T
            # means in decreasing order: the letters depend only on the pattern
            cached = tuple(compact_letters(labels, m_sorted[first], mat).tolist())
            if len(_LETTERS_CACHE) < 100_000:
                _LETTERS_CACHE[cache_key] = cached
        table[j] = cached
    # rank[i, j]: position of treatment j among trial i's means sorted high to low; the
    # letters of every trial are then one take from the flat pattern table
    rank = np.empty((t, k), dtype=np.int64)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(k), (t, k)), axis=1)
    out = table.ravel()[inverse[:, None] * k + rank]
    if zero is not None and zero.any():
        out[zero] = "na"
    return out.ravel()
