"""Across-site summary of a trial network (layout G).

Built from the per-trial and per-treatment tables only, so the pandas and dask
paths give the same summary.  When every included site is a complete balanced
RCBD (or CRD) with the same treatments and the same number of blocks, the
combined model ``site + block(site) + treatment + treatment:site`` is computed
exactly from the site tables; otherwise a two-stage analysis of the site
LS-means is used (stage 2: ``lsmean ~ site + treatment``, its residual being
the treatment x site interaction).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.stats.results import Provenance

__all__ = ["COMBINED_METHODS", "SITE_EFFECTS", "NetworkSummary", "summarize"]

#: Valid ``sites`` strings: how site effects enter the combined model.
SITE_EFFECTS: tuple[str, ...] = ("random", "fixed")

#: Valid ``combined`` strings: which combined model is fitted.
COMBINED_METHODS: tuple[str, ...] = ("anova", "mixedlm")

ANOVA_COLUMNS: tuple[str, ...] = ("source", "df", "sum_sq", "mean_sq", "f", "p_value", "error_term")


@dataclass(frozen=True, repr=False)
class NetworkSummary:
    """Across-site summary of a network (layout G).

    Attributes
    ----------
    means : DataFrame
        Site x treatment table of LS-means (index ``site``, one row per included
        site, one column per treatment; ``means.T`` is layout G). [response unit]
    letters : DataFrame
        Site x treatment table of the within-site Tukey letters.
    treatments : DataFrame
        One row per treatment: ``treatment, n_sites, across_site_mean, se,
        difference, pct_of_check, sites_compared, sites_above, sites_below,
        win_rate_pct, t_value, p_dunnett``.  ``across_site_mean`` comes from the
        combined model; ``sites_above`` / ``sites_below`` count the sites where
        the treatment's LS-mean is above / below the check's; ``win_rate_pct``
        is ``100 * sites_above / sites_compared``; ``p_dunnett`` is the
        across-site Dunnett adjusted p against the check (error term: see
        ``anova``).
    anova : DataFrame
        Combined model table: ``source, df, sum_sq, mean_sq, f, p_value,
        error_term``.
    sites : DataFrame
        The per-site strip: ``site, status, included, reason, cv_pct, cv_flag,
        mse, df_error, n_missing``.  ``cv_flag`` is ``"ok"``, ``"warn"``,
        ``"strong"`` or ``"na"`` (as ``per_trial``); a site left out by
        ``exclude_cv_above`` keeps status ``ok`` with ``included`` False and a
        reason ``"excluded: CV <x> % > <limit> %"``.
    method : str
        ``"combined ANOVA (balanced)"``, ``"two-stage (site LS-means)"`` or
        ``"MixedLM"``.
    site_effects : str
        ``"random"`` or ``"fixed"``.
    p_treatment : float
        Across-site treatment p-value.
    p_treatment_by_site : float
        Treatment x site interaction p-value.
    control : str or None
        The check.
    notes : tuple of str
        Caveats (approximations, sites excluded, model warnings).
    provenance : Provenance or None
        Design, model, error term and df of the treatment test.
    mixedlm : DataFrame or None
        Fixed-effect estimates of the MixedLM alternative (when requested).
    """

    means: pd.DataFrame
    letters: pd.DataFrame
    treatments: pd.DataFrame
    anova: pd.DataFrame
    sites: pd.DataFrame
    method: str
    site_effects: str
    p_treatment: float
    p_treatment_by_site: float
    control: str | None
    notes: tuple[str, ...] = ()
    provenance: Provenance | None = None
    mixedlm: pd.DataFrame | None = field(default=None)

    def __repr__(self) -> str:
        included = int(self.sites["included"].sum()) if len(self.sites) else 0
        return (
            f"NetworkSummary(sites={included} included of {len(self.sites)}, "
            f"treatments={self.means.shape[1]}, control={self.control!r}, "
            f"method={self.method!r}, site_effects={self.site_effects!r}, "
            f"p_treatment={self.p_treatment:.4g}, "
            f"p_treatment_by_site={self.p_treatment_by_site:.4g}, notes={len(self.notes)})"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as plain JSON-ready structures."""
        return {
            "method": self.method,
            "site_effects": self.site_effects,
            "control": self.control,
            "p_treatment": _num(self.p_treatment),
            "p_treatment_by_site": _num(self.p_treatment_by_site),
            "notes": list(self.notes),
            "means": _records(self.means.reset_index()),
            "letters": _records(self.letters.reset_index()),
            "treatments": _records(self.treatments),
            "anova": _records(self.anova),
            "sites": _records(self.sites),
            "mixedlm": None if self.mixedlm is None else _records(self.mixedlm),
            "provenance": None
            if self.provenance is None
            else {k: _num(v) for k, v in self.provenance.to_dict().items()},
        }


def _num(value: Any) -> Any:
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [str(c) for c in frame.columns]
    return [
        {c: _num(v) if v is not pd.NA else None for c, v in zip(cols, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def _site_label(keys: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Site labels (``"a / b"`` for several key columns ``by``) as an object array of str."""
    cols = list(by)
    first = keys[cols[0]]
    if len(cols) == 1 and isinstance(first.dtype, pd.StringDtype) and not first.isna().any():
        return first.to_numpy(dtype=object)  # already str: no conversion
    label = first.astype(str)
    for c in cols[1:]:
        label = label + " / " + keys[c].astype(str)
    return label.to_numpy(dtype=object)


@dataclass(frozen=True)
class TableCodes:
    """Integer codes the engine already has, so :func:`summarize` needs no lookups.

    Attributes
    ----------
    trial : ndarray of int
        Row of ``per_trial`` for each row of ``per_treatment``.
    treatment : ndarray of int
        Index into ``labels`` for each row of ``per_treatment``.
    labels : ndarray of object
        Treatment labels as str.
    """

    trial: np.ndarray
    treatment: np.ndarray
    labels: np.ndarray


def summarize(
    per_trial: pd.DataFrame,
    per_treatment: pd.DataFrame,
    *,
    by: list[str],
    control: str | None,
    alpha: float,
    site_effects: str = "random",
    combined: str = "anova",
    design: str = "rcbd",
    response: str = "response",
    plots: pd.DataFrame | None = None,
    treatment: str = "treatment",
    block: str | None = None,
    codes: TableCodes | None = None,
    exclude_cv_above: float | None = None,
    cv_warn_pct: float = 10.0,
    cv_strong_pct: float = 15.0,
) -> NetworkSummary:
    """Across-site summary from the per-trial tables.

    Parameters
    ----------
    per_trial, per_treatment : DataFrame
        Tables of :class:`yieldtrial.network.NetworkResult`.
    by : list of str
        Trial key columns (a site is one trial).
    control : str or None
        Check treatment.
    alpha : float
        Significance level.
    site_effects : {"random", "fixed"}
        Random sites: treatment tested against treatment x site; fixed: against
        the pooled within-site error.
    combined : {"anova", "mixedlm"}
        ``"mixedlm"`` also fits statsmodels' MixedLM on the plots of the included
        sites (needs ``plots``).
    design, response : str
        Design key and response name (for the provenance).
    plots : DataFrame, optional
        The plot data (MixedLM only).
    treatment, block : str
        Column names in ``plots`` (MixedLM only).
    codes : TableCodes, optional
        Trial and treatment codes of the ``per_treatment`` rows from the engine
        (otherwise they are found by matching the key columns).
    exclude_cv_above : float, optional
        Leave sites whose CV is above this [%] out of the across-site analysis
        (their status stays ``ok``; the strip gives the reason).  None: keep them.
    cv_warn_pct, cv_strong_pct : float
        The thresholds behind ``per_trial["cv_flag"]`` [%], quoted in the notes.

    Returns
    -------
    NetworkSummary
        The across-site tables.
    """
    site_all = _site_label(per_trial, by)
    status = per_trial["status"].to_numpy(dtype=object)
    included = status == "ok"
    reason = per_trial["reason"].to_numpy(dtype=object).copy()
    reason[~included & pd.isna(reason)] = "not analysed"
    cv = per_trial["cv_pct"].to_numpy(dtype=float)
    flag = (
        per_trial["cv_flag"].to_numpy(dtype=object)
        if "cv_flag" in per_trial.columns
        else np.full(len(per_trial), "na", dtype=object)
    )
    notes: list[str] = []
    if exclude_cv_above is not None:
        with np.errstate(invalid="ignore"):
            high = included & (cv > exclude_cv_above)
        for i in np.flatnonzero(high):
            reason[i] = f"excluded: CV {cv[i]:.1f} % > {exclude_cv_above:g} %"
        included = included & ~high
        if high.any():
            notes.append(
                f"{int(high.sum())} site(s) excluded for CV above {exclude_cv_above:g} % "
                f"(exclude_cv_above): {_name_list(site_all[high], cv[high])}."
            )
    flagged = included & np.isin(flag, ("warn", "strong"))
    if flagged.any():
        notes.append(
            f"CV above {cv_warn_pct:g} % (strong: above {cv_strong_pct:g} %) at included "
            f"site(s): {_name_list(site_all[flagged], cv[flagged], flag[flagged])}; their "
            "comparisons are imprecise (exclude_cv_above, or --exclude-cv-above, leaves such "
            "sites out)."
        )
    strip = pd.DataFrame(
        {
            "site": pd.Series(site_all, dtype=object),
            "status": pd.Series(status, dtype=object),
            "included": included,
            "reason": pd.Series(reason, dtype=object),
            "cv_pct": cv,
            "cv_flag": pd.Series(flag, dtype=object),
            "mse": per_trial["mse"].to_numpy(),
            "df_error": per_trial["df_error"].to_numpy(),
            "n_missing": per_trial["n_missing"].to_numpy(),
        }
    )
    n_out = int((~included).sum())
    if n_out:
        notes.insert(0, f"{n_out} site(s) excluded from the across-site analysis (see the strip).")

    if codes is not None and len(set(codes.labels.tolist())) < codes.labels.size:
        codes = None  # labels equal as text (e.g. 1 and "1") are one level: match by text
    if codes is None:
        trial_of = _trial_index(per_trial[by], per_treatment[by])
        t_all, t_labels = pd.factorize(
            per_treatment["treatment"].astype(str).to_numpy(dtype=object)
        )
        t_all = np.asarray(t_all, dtype=np.int64)
        label_str = np.asarray([str(v) for v in t_labels], dtype=object)
    else:
        trial_of = codes.trial
        t_all = codes.treatment
        label_str = codes.labels
    every = n_out == 0  # every site included: whole columns, no selection copies
    sel: np.ndarray | slice = slice(None) if every else np.flatnonzero(included[trial_of])
    ok_idx: np.ndarray | slice = slice(None) if every else np.flatnonzero(included)
    ok_sites = site_all[ok_idx]
    n_ok = ok_sites.size
    if every:
        position = np.arange(len(per_trial))
    else:
        position = np.full(len(per_trial), -1)
        position[ok_idx] = np.arange(n_ok)
    # treatment levels of the included sites, in sorted order of their labels
    present = np.zeros(max(label_str.size, 1), dtype=bool)
    present[t_all[sel]] = True
    present_codes = np.flatnonzero(present)
    order = sorted(present_codes.tolist(), key=lambda c: label_str[c])
    levels = [str(label_str[c]) for c in order]
    remap = np.full(max(label_str.size, 1), -1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    t_codes = remap[t_all[sel]]
    tr = {
        "lsmean": per_treatment["lsmean"].to_numpy(dtype=float)[sel],
        "n": per_treatment["n"].to_numpy(dtype=float)[sel],
        "se": per_treatment["se"].to_numpy(dtype=float)[sel],
    }
    m_ts = np.full((len(levels), n_ok), np.nan)  # treatment x site
    l_ts = np.full((len(levels), n_ok), None, dtype=object)
    cols = position[trial_of[sel]]
    m_ts[t_codes, cols] = tr["lsmean"]
    l_ts[t_codes, cols] = per_treatment["letters"].to_numpy(dtype=object)[sel]
    site_index = pd.Index(ok_sites, name="site", dtype=object)
    trt_index = pd.Index(levels, name="treatment", dtype=object)
    means = pd.DataFrame(m_ts.T, index=site_index, columns=trt_index)
    letters = pd.DataFrame(l_ts.T, index=site_index, columns=trt_index, dtype=object)

    n_sites = np.isfinite(m_ts).sum(axis=1).astype(int)
    base = {"treatment": levels, "n_sites": n_sites}
    if len(ok_sites) < 2 or len(levels) < 2:
        notes.append("fewer than two usable sites: no combined model.")
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            plain = np.nanmean(m_ts, axis=1) if m_ts.size else np.full(len(levels), np.nan)
        treatments = _treatment_table(
            base, m_ts, plain, np.full(len(levels), np.nan), control, None, np.nan, alpha
        )
        return NetworkSummary(
            means,
            letters,
            treatments,
            pd.DataFrame(columns=list(ANOVA_COLUMNS)),
            strip,
            "none",
            site_effects,
            np.nan,
            np.nan,
            control,
            tuple(notes),
        )

    pt = {
        c: per_trial[c].to_numpy()[ok_idx]
        for c in ("path", "n_blocks", "sum_sq_error", "df_error", "sum_sq_block", "df_block")
    }
    complete = bool(np.isfinite(m_ts).all())
    stacked = bool((pt["path"] == "stacked").all())
    nb = pt["n_blocks"] if design == "rcbd" else None
    same_reps = stacked and complete and (nb is None or np.unique(nb).size == 1)
    if design != "rcbd":
        # every included site has the same replication of every treatment
        same_reps = same_reps and np.unique(tr["n"]).size == 1
    if same_reps:
        anova, across, se_across, err_df, err_ms, method = _balanced_anova(
            m_ts, pt, tr, design, site_effects
        )
        cov = None
    else:
        anova, across, se_across, err_df, err_ms, cov, method, note = _two_stage(
            m_ts, tr, pt, site_effects
        )
        notes.append(note)
    sources = anova["source"].tolist()
    p_values = anova["p_value"].to_numpy(dtype=float)
    p_trt = float(p_values[sources.index("treatment")])
    p_txs = float(p_values[sources.index("treatment:site")])
    treatments = _treatment_table(base, m_ts, across, se_across, control, cov, err_df, alpha)
    error_term = "treatment:site" if site_effects == "random" else "residual (pooled)"
    prov = Provenance(
        design=f"network of {design}",
        model=f"{response} ~ site + block(site) + treatment + treatment:site"
        if design == "rcbd"
        else f"{response} ~ site + treatment + treatment:site",
        error_term=error_term,
        df_error=float(err_df),
        test="F; Dunnett vs check" if control is not None else "F",
        alpha=alpha,
        adjustment="single-step (Dunnett)" if control is not None else None,
        sum_of_squares="sequential (balanced: equal to type II)"
        if same_reps
        else "type II (stage 2)",
    )
    mixed = None
    if combined == "mixedlm":
        if plots is None:
            notes.append("MixedLM requested but the plot data are not available.")
        else:
            labelled = per_trial[by].copy()
            labelled["site"] = site_all
            mixed, mnote = _mixedlm(plots, by, ok_sites, labelled, response, treatment, block)
            notes.extend(mnote)
            method = method + " + MixedLM"
    _ = err_ms
    return NetworkSummary(
        means,
        letters,
        treatments,
        anova,
        strip,
        method,
        site_effects,
        p_trt,
        p_txs,
        control,
        tuple(notes),
        prov,
        mixed,
    )


def _name_list(
    names: np.ndarray, cv: np.ndarray, flags: np.ndarray | None = None, limit: int = 20
) -> str:
    """``"D (CV 39.2 %, strong), ..."``: at most ``limit`` sites, then how many more."""
    shown = [
        f"{n} (CV {c:.1f} %" + ("" if flags is None else f", {f}") + ")"
        for n, c, f in zip(
            names[:limit], cv[:limit], (flags if flags is not None else names)[:limit], strict=True
        )
    ]
    more = names.size - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _trial_index(trial_keys: pd.DataFrame, row_keys: pd.DataFrame) -> np.ndarray:
    """Position in ``trial_keys`` of each row of ``row_keys`` (same columns).

    Rows of one trial are consecutive in the per-treatment table, so only the first
    row of each run is looked up.
    """
    n = len(row_keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for col in row_keys.columns:
        values = row_keys[col].to_numpy()
        change[1:] |= values[1:] != values[:-1]
    run = np.cumsum(change) - 1
    firsts = row_keys.loc[change]
    if trial_keys.shape[1] == 1:
        col = trial_keys.columns[0]
        found = pd.Index(trial_keys[col]).get_indexer(firsts[col])
    else:
        found = pd.MultiIndex.from_frame(trial_keys).get_indexer(pd.MultiIndex.from_frame(firsts))
    return np.asarray(found, dtype=np.int64)[run]


def _fsf(f: float, d1: float, d2: float) -> float:
    from scipy.special import fdtrc

    if not (np.isfinite(f) and d1 > 0 and d2 > 0):
        return float("nan")
    return float(fdtrc(d1, d2, f))


def _row(
    source: str,
    df: float,
    ss: float,
    error_ms: float | None,
    error_df: float | None,
    error_term: str,
) -> dict[str, Any]:
    ms = ss / df if df > 0 else float("nan")
    if error_ms is None or error_df is None or not error_ms > 0:
        return {
            "source": source,
            "df": df,
            "sum_sq": ss,
            "mean_sq": ms,
            "f": np.nan,
            "p_value": np.nan,
            "error_term": "" if error_ms is None else error_term,
        }
    f = ms / error_ms
    return {
        "source": source,
        "df": df,
        "sum_sq": ss,
        "mean_sq": ms,
        "f": f,
        "p_value": _fsf(f, df, error_df),
        "error_term": error_term,
    }


def _balanced_anova(
    m_ts: np.ndarray,
    pt: dict[str, np.ndarray],
    tr: dict[str, np.ndarray],
    design: str,
    site_effects: str,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, float, float, str]:
    """Exact plot-level combined ANOVA of complete balanced sites."""
    m = m_ts.T  # (S, k)
    s, k = m.shape
    b = float(tr["n"][0])
    grand = m.mean()
    site_mean = m.mean(axis=1)
    trt_mean = m.mean(axis=0)
    inter = m - site_mean[:, None] - trt_mean[None, :] + grand
    ss_site = k * b * float(np.sum((site_mean - grand) ** 2))
    ss_trt = s * b * float(np.sum((trt_mean - grand) ** 2))
    ss_txs = b * float(np.sum(inter**2))
    df_site, df_trt, df_txs = s - 1.0, k - 1.0, (k - 1.0) * (s - 1.0)
    ss_e = float(pt["sum_sq_error"].sum())
    df_e = float(pt["df_error"].sum())
    ms_e = ss_e / df_e
    ms_txs = ss_txs / df_txs
    rows = []
    if design == "rcbd":
        ss_blk = float(pt["sum_sq_block"].sum())
        df_blk = float(pt["df_block"].sum())
        ms_blk = ss_blk / df_blk if df_blk > 0 else np.nan
        site_err = (
            (ms_blk, df_blk, "block(site)")
            if site_effects == "random"
            else (ms_e, df_e, "residual")
        )
        rows.append(_row("site", df_site, ss_site, site_err[0], site_err[1], site_err[2]))
        rows.append(_row("block(site)", df_blk, ss_blk, ms_e, df_e, "residual"))
    else:
        rows.append(_row("site", df_site, ss_site, ms_e, df_e, "residual"))
    if site_effects == "random":
        rows.append(_row("treatment", df_trt, ss_trt, ms_txs, df_txs, "treatment:site"))
        err_ms, err_df = ms_txs, df_txs
    else:
        rows.append(_row("treatment", df_trt, ss_trt, ms_e, df_e, "residual"))
        err_ms, err_df = ms_e, df_e
    rows.append(_row("treatment:site", df_txs, ss_txs, ms_e, df_e, "residual"))
    rows.append(_row("residual", df_e, ss_e, None, None, ""))
    anova = pd.DataFrame(rows, columns=list(ANOVA_COLUMNS))
    se = np.full(k, np.sqrt(err_ms / (s * b)))
    return anova, trt_mean, se, err_df, err_ms, "combined ANOVA (balanced)"


def _two_stage(
    m_ts: np.ndarray, tr: dict[str, np.ndarray], pt: dict[str, np.ndarray], site_effects: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, float, float, np.ndarray, str, str]:
    """Stage 2 on the site LS-means: ``lsmean ~ site + treatment``."""
    m = m_ts.T  # (S, k), NaN = treatment absent at that site
    s, k = m.shape
    if np.isfinite(m).all():
        # complete table: the additive two-way model has a closed form
        grand = float(m.mean())
        site_mean = m.mean(axis=1)
        trt_mean = m.mean(axis=0)
        inter = m - site_mean[:, None] - trt_mean[None, :] + grand
        ss_res = float(np.sum(inter**2))
        df_res = float((s - 1) * (k - 1))
        ss_trt = s * float(np.sum((trt_mean - grand) ** 2))
        ss_site = k * float(np.sum((site_mean - grand) ** 2))
        df_trt, df_site = float(k - 1), float(s - 1)
        across = trt_mean
        factor = np.eye(k) / s  # L (X'X)^- L'
    else:
        ss_res, df_res, ss_trt, df_trt, ss_site, df_site, across, factor = _stage2_lstsq(m)
    ms_res = ss_res / df_res if df_res > 0 else np.nan
    # within-site error variance of a site LS-mean, averaged over the cells
    var_cell = float(np.nanmean(tr["se"] ** 2))
    df_within = float(pt["df_error"].sum())
    rows = [_row("site", df_site, ss_site, ms_res, df_res, "treatment:site")]
    if site_effects == "random":
        rows.append(_row("treatment", df_trt, ss_trt, ms_res, df_res, "treatment:site"))
        err_ms, err_df = ms_res, df_res
    else:
        rows.append(
            _row(
                "treatment",
                df_trt,
                ss_trt,
                var_cell,
                df_within,
                "mean within-site variance of a site mean",
            )
        )
        err_ms, err_df = var_cell, df_within
    rows.append(
        _row(
            "treatment:site",
            df_res,
            ss_res,
            var_cell,
            df_within,
            "mean within-site variance of a site mean",
        )
    )
    anova = pd.DataFrame(rows, columns=list(ANOVA_COLUMNS))
    cov = err_ms * factor
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    note = (
        "two-stage analysis of the site LS-means (sites unbalanced or incomplete); "
        "the treatment x site F uses the mean within-site variance of a site mean as "
        "its error (an approximation)."
    )
    return anova, across, se, err_df, err_ms, cov, "two-stage (site LS-means)", note


def _stage2_lstsq(
    m: np.ndarray,
) -> tuple[float, float, float, float, float, float, np.ndarray, np.ndarray]:
    """Additive site + treatment fit of an incomplete site x treatment table."""
    s, k = m.shape
    si, ti = np.nonzero(np.isfinite(m))
    y = m[si, ti]
    centre = y.mean()
    yc = y - centre
    x_site = np.zeros((y.size, s - 1))
    x_site[si > 0, si[si > 0] - 1] = 1.0
    x_trt = np.zeros((y.size, k - 1))
    x_trt[ti > 0, ti[ti > 0] - 1] = 1.0
    one = np.ones((y.size, 1))
    x = np.hstack([one, x_site, x_trt])

    def solve(mat: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        coef, _, rank, _ = np.linalg.lstsq(mat, yc, rcond=None)
        return coef, mat @ coef, int(rank)

    coef, fitted, rank = solve(x)
    _, fit_s, rank_s = solve(np.hstack([one, x_site]))
    _, fit_t, rank_t = solve(np.hstack([one, x_trt]))
    resid = yc - fitted
    lmat = np.zeros((k, x.shape[1]))
    lmat[:, 0] = 1.0
    if s > 1:
        lmat[:, 1:s] = 1.0 / s
    lmat[np.arange(1, k), s - 1 + np.arange(1, k)] = 1.0
    a = lmat @ np.linalg.pinv(x)
    return (
        float(resid @ resid),
        float(y.size - rank),
        float((fitted - fit_s) @ (fitted - fit_s)),
        float(rank - rank_s),
        float((fitted - fit_t) @ (fitted - fit_t)),
        float(rank - rank_t),
        lmat @ coef + centre,
        a @ a.T,
    )


def _treatment_table(
    base: dict[str, Any],
    m_ts: np.ndarray,
    across: np.ndarray,
    se: np.ndarray,
    control: str | None,
    cov: np.ndarray | None,
    err_df: float,
    alpha: float,
) -> pd.DataFrame:
    levels = list(base["treatment"])
    k = len(levels)
    across = np.asarray(across, dtype=float)
    se = np.asarray(se, dtype=float)
    cols: dict[str, Any] = {
        "treatment": pd.Series(levels, dtype=object),
        "n_sites": base["n_sites"],
        "across_site_mean": across,
        "se": se,
    }
    nan = np.full(k, np.nan)
    for col in ("difference", "pct_of_check", "t_value", "p_dunnett", "win_rate_pct"):
        cols[col] = nan.copy()
    for col in ("sites_compared", "sites_above", "sites_below"):
        cols[col] = np.zeros(k, dtype=np.int64)
    if control is None or control not in levels:
        return _order(cols)
    c = levels.index(control)
    m = m_ts
    check = m[c]
    both = np.isfinite(m) & np.isfinite(check)[None, :]
    compared = both.sum(axis=1)
    above = (both & (m > check[None, :])).sum(axis=1)
    cols["sites_compared"] = compared
    cols["sites_above"] = above
    cols["sites_below"] = (both & (m < check[None, :])).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cols["win_rate_pct"] = np.where(compared > 0, 100.0 * above / compared, np.nan)
        diff = across - across[c]
        cols["difference"] = diff
        cols["pct_of_check"] = 100.0 * across / across[c] if across[c] > 0 else nan.copy()
    others = np.array([i for i in range(k) if i != c])
    if (
        others.size
        and np.isfinite(err_df)
        and err_df > 0
        and np.all(np.isfinite(se))
        and np.all(se > 0)
    ):
        from yieldtrial.stats.distributions import dunnett_pvalues

        if cov is None:
            var_d = se[others] ** 2 + se[c] ** 2
            cd = np.outer(np.full(others.size, se[c] ** 2), np.ones(others.size))
        else:
            w = np.zeros((others.size, k))
            w[np.arange(others.size), others] = 1.0
            w[:, c] -= 1.0
            vd = w @ cov @ w.T
            var_d = np.diag(vd)
            cd = vd
        sd = np.sqrt(var_d)
        corr = cd / np.outer(sd, sd)
        np.fill_diagonal(corr, 1.0)
        t = diff[others] / sd
        cols["t_value"][others] = t
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p, _ = dunnett_pvalues(t, corr, float(err_df))
        cols["p_dunnett"][others] = p
    return _order(cols)


def _order(cols: dict[str, Any]) -> pd.DataFrame:
    names = [
        "treatment",
        "n_sites",
        "across_site_mean",
        "se",
        "difference",
        "pct_of_check",
        "sites_compared",
        "sites_above",
        "sites_below",
        "win_rate_pct",
        "t_value",
        "p_dunnett",
    ]
    return pd.DataFrame({c: cols[c] for c in names})


def _mixedlm(
    plots: pd.DataFrame,
    by: list[str],
    ok_sites: np.ndarray,
    labelled: pd.DataFrame,
    response: str,
    treatment: str,
    block: str | None,
) -> tuple[pd.DataFrame | None, list[str]]:
    """Fit statsmodels MixedLM: treatment fixed; site, block(site), treatment:site random."""
    import statsmodels.formula.api as smf

    d = pd.DataFrame(
        {
            "y": pd.to_numeric(plots[response], errors="coerce"),
            "trt": plots[treatment].astype(str).to_numpy(),
        }
    )
    d["site"] = plots[by].merge(labelled, on=by, how="left")["site"].to_numpy()
    if block is not None:
        d["blk"] = plots[block].astype(str).to_numpy()
    d = d[d["site"].isin(ok_sites) & d["y"].notna()]
    vc = {"txs": "0 + C(trt)"}
    if block is not None:
        vc["blk"] = "0 + C(blk)"
    notes: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = smf.mixedlm("y ~ 0 + C(trt)", d, groups="site", vc_formula=vc, re_formula="1")
            res = model.fit(reml=True)
        for w in caught:
            notes.append(f"MixedLM: {str(w.message).splitlines()[0]}")
    except Exception as exc:  # noqa: BLE001 - statsmodels raises many kinds
        return None, [f"MixedLM failed: {exc}"]
    names = [n for n in res.fe_params.index]
    table = pd.DataFrame(
        {
            "treatment": [n.split("[", 1)[1].rstrip("]") if "[" in n else n for n in names],
            "estimate": res.fe_params.to_numpy(),
            "se": res.bse_fe.to_numpy(),
        }
    )
    return table, notes
