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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.io._compat import isin
from yieldtrial.io._guard import held_warnings
from yieldtrial.io.checks import message_df, message_number, typed_number
from yieldtrial.stats.results import MeansModel, Provenance

__all__ = ["COMBINED_METHODS", "SITE_EFFECTS", "NetworkSummary", "summarize"]

#: Valid ``sites`` strings: how site effects enter the combined model.
SITE_EFFECTS: tuple[str, ...] = ("random", "fixed")

#: Valid ``combined`` strings: which combined model is fitted.
COMBINED_METHODS: tuple[str, ...] = ("anova", "mixedlm")

ANOVA_COLUMNS: tuple[str, ...] = ("source", "df", "sum_sq", "mean_sq", "f", "p_value", "error_term")


@dataclass(frozen=True, repr=False, eq=False)  # its tables have no truth value
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
        win_rate_pct, t_value, p_dunnett, ci_low, ci_high, ci_low_pct, ci_high_pct,
        win_rate_ci_low_pct, win_rate_ci_high_pct, sites_replicated,
        sites_significant_gain, meets_two_thirds_rule, noninferior,
        noninferiority_ci_low_pct``.  ``across_site_mean`` comes from the
        combined model; ``sites_above`` / ``sites_below`` count the sites where
        the treatment's LS-mean is above / below the check's (ties count in
        ``sites_compared`` only); ``win_rate_pct`` (增产点率) is
        ``100 * sites_above / sites_compared`` (NaN for the check: no win rate against
        itself) and ``win_rate_ci_*`` its Wilson score
        interval at ``1 - alpha``; ``p_dunnett`` is the across-site Dunnett adjusted
        p against the check and ``ci_low`` / ``ci_high`` the simultaneous Dunnett
        interval of ``difference`` (``*_pct``: in % of the check's across-site mean;
        error term: see ``anova``); ``sites_significant_gain`` counts the replicated
        sites where the treatment beat the check significantly (within-site Dunnett
        at ``alpha``) out of ``sites_replicated``; ``meets_two_thirds_rule`` is the
        NY/T 1536-style verdict (significant gain at >= 2/3 of the sites), NA unless
        every compared site is replicated; ``noninferior`` and
        ``noninferiority_ci_low_pct`` (lower simultaneous bound of
        ``T - (1 - m) CK`` in % of the check minus the margin) need ``margin_pct``.
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
    comparisons : DataFrame or None
        Every treatment against every control on the across-site model: the table of
        :func:`yieldtrial.stats.compare.compare_means_to_control` (Dunnett within each
        control's family, CIs in the response unit and in %, non-inferiority with
        ``margin_pct``).  None without a control or a model.
    contrasts : DataFrame or None
        Named contrasts (``contrasts=`` of :func:`~yieldtrial.analyze_many`):
        ``contrast, estimate, se, t_value, df, p_value, ci_low, ci_high, confidence``
        (unadjusted t tests on the across-site model's error).
    means_model : MeansModel or None
        The across-site LS-means, their covariance and error df (what the comparisons
        used).
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
    comparisons: pd.DataFrame | None = field(default=None)
    contrasts: pd.DataFrame | None = field(default=None)
    means_model: MeansModel | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.provenance is None:
            return
        for value in vars(self).values():  # every table carries the combined model's record
            if isinstance(value, pd.DataFrame) and "provenance" not in value.attrs:
                value.attrs["provenance"] = self.provenance.to_dict()

    def __repr__(self) -> str:
        included = int(self.sites["included"].sum()) if len(self.sites) else 0
        return (
            f"NetworkSummary(sites={included} included of {len(self.sites)}, "
            f"treatments={self.means.shape[1]}, control={self.control!r}, "
            f"method={self.method!r}, site_effects={self.site_effects!r}, "
            f"p_treatment={self.p_treatment:.4g}, "
            f"p_treatment_by_site={self.p_treatment_by_site:.4g}, notes={len(self.notes)})"
        )

    def _repr_html_(self) -> str:
        import html

        head = html.escape(
            f"{self.method}; control {self.control}; treatment P = {self.p_treatment:.4g}"
        )
        table = self.treatments.to_html(index=False, float_format=lambda v: f"{v:.4g}")
        return f"<p><b>Across-site summary</b> ({head})</p>{table}"

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
            "comparisons": None if self.comparisons is None else _records(self.comparisons),
            "contrasts": None if self.contrasts is None else _records(self.contrasts),
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


def site_label(keys: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Return the site labels of rows of trial keys (``"a / b"`` for several key columns).

    Parameters
    ----------
    keys : DataFrame
        Rows holding the trial key columns (``per_trial``, ``per_treatment``, the data).
    by : list of str
        The key columns, in order.

    Returns
    -------
    ndarray
        One label per row, object array of str: the names of
        :attr:`NetworkSummary.means`' sites and of :attr:`NetworkResult.trial_order`.
    """
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
    controls: Sequence[str] | None = None,
    margin_pct: float | None = None,
    contrasts: Mapping[str, Mapping[str, float]] | None = None,
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
    controls : sequence of str, optional
        Every control for ``summary.comparisons`` (default: ``[control]``).
    margin_pct : float, optional
        Non-inferiority margin [% of the check].
    contrasts : mapping, optional
        Named contrasts ``{name: {treatment: weight, ...}}`` of the across-site means.

    Returns
    -------
    NetworkSummary
        The across-site tables.

    Notes
    -----
    Which across-site model is used depends on the included sites (status ``ok`` =
    replicated, ``unreplicated`` = one plot per treatment):

    * all replicated, complete and balanced: the exact combined ANOVA;
    * all replicated otherwise: the two-stage analysis of the site LS-means;
    * all unreplicated: an RCBD with **sites as blocks** (the treatment x site
      interaction is the error), fitted exactly as
      :func:`yieldtrial.stats.model.fit` on the stacked table
      (:func:`yieldtrial.network._pooled.absorbed_fit`);
    * replicated and unreplicated sites mixed: a weighted two-stage analysis
      (:func:`yieldtrial.network._pooled.weighted_two_stage`).
    """
    site_all = site_label(per_trial, by)
    status = per_trial["status"].to_numpy(dtype=object)
    included = np.isin(status, ("ok", "unreplicated"))
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
        limit = typed_number(exclude_cv_above)  # as typed: 1e-320, not 9.99989e-321
        with np.errstate(invalid="ignore"):
            high = included & (cv > exclude_cv_above)
        for i in np.flatnonzero(high):
            reason[i] = f"excluded: CV {_cv_text(cv[i], exclude_cv_above)} % > {limit} %"
        included = included & ~high
        if high.any():
            names = _name_list(site_all[high], cv[high], above=exclude_cv_above)
            notes.append(
                f"{int(high.sum()):,} site(s) excluded for CV above {limit} % "
                f"(exclude_cv_above): {names}."
            )
        no_cv = included & ~np.isfinite(cv)
        if no_cv.any():  # the 60 one-strip farms of farm-network: the option did nothing, unsaid
            notes.append(
                f"{int(no_cv.sum()):,} included site(s) have no CV (unreplicated: one plot per "
                f"treatment), so exclude_cv_above ({limit} %) cannot judge them; "
                "they stay in."
            )
    flagged = included & np.isin(flag, ("warn", "strong"))
    if flagged.any():
        notes.append(
            f"CV above {message_number(cv_warn_pct)} % (strong: above "
            f"{message_number(cv_strong_pct)} %) at included "
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
        notes.insert(
            0, f"{n_out:,} site(s) excluded from the across-site analysis (see the strip)."
        )

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
    # treatment levels of the included sites, in the display order of their codes (first
    # appearance, or natural sort for randomized layouts: network._engine._treatment_codes)
    present = np.zeros(max(label_str.size, 1), dtype=bool)
    present[t_all[sel]] = True
    present_codes = np.flatnonzero(present)
    order = present_codes.tolist()
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
        return _no_model(
            base, m_ts, levels, means, letters, strip, site_effects, control, notes, alpha
        )

    pt = {
        c: per_trial[c].to_numpy()[ok_idx]
        for c in ("path", "n_blocks", "sum_sq_error", "df_error", "sum_sq_block", "df_block")
    }
    site_status = status[ok_idx]
    unrep = site_status == "unreplicated"
    complete = bool(np.isfinite(m_ts).all())
    stacked = bool((pt["path"] == "stacked").all())
    nb = pt["n_blocks"] if design == "rcbd" else None
    same_reps = stacked and complete and (nb is None or np.unique(nb).size == 1)
    if design != "rcbd":
        # every included site has the same replication of every treatment
        same_reps = same_reps and np.unique(tr["n"]).size == 1
    model_formula = (
        f"{response} ~ site + block(site) + treatment + treatment:site"
        if design == "rcbd"
        else f"{response} ~ site + treatment + treatment:site"
    )
    sum_of_squares = "type II (stage 2)"
    cov: np.ndarray | None
    if unrep.all():
        model = _sites_as_blocks(m_ts, alpha)
        if model is None:
            notes.append(
                "the unreplicated sites do not connect the treatments (each treatment at "
                "different farms only): no across-site model."
            )
            return _no_model(
                base, m_ts, levels, means, letters, strip, site_effects, control, notes, alpha
            )
        anova, across, se_across, err_df, err_ms, cov, method, note = model
        notes.append(note)
        model_formula = f"{response} ~ treatment + site (sites as blocks)"
        sum_of_squares = "type II"
    elif unrep.any():
        v_cell = tr["se"] ** 2
        df_rep = pt["df_error"][~unrep].astype(float)
        pooled = float(np.nansum(pt["sum_sq_error"][~unrep]) / np.nansum(df_rep))
        cell_unrep = unrep[cols]
        v_cell = np.where(cell_unrep, pooled / tr["n"], v_cell)
        v_ts = np.full((len(levels), n_ok), np.nan)
        v_ts[t_codes, cols] = v_cell
        anova, across, se_across, err_df, err_ms, cov, method, note = _mixed_two_stage(
            m_ts, v_ts, pooled, float(np.nansum(df_rep)), int(unrep.sum()), int((~unrep).sum())
        )
        notes.append(note)
        model_formula = "stage 2: lsmean ~ site + treatment, weights 1 / (var_GE + se^2)"
    elif same_reps:
        anova, across, se_across, err_df, err_ms, method = _balanced_anova(
            m_ts, pt, tr, design, site_effects
        )
        cov = None
        sum_of_squares = "sequential (balanced: equal to type II)"
    else:
        anova, across, se_across, err_df, err_ms, cov, method, note = _two_stage(
            m_ts, tr, pt, site_effects
        )
        notes.append(note)
    sources = anova["source"].tolist()
    p_values = anova["p_value"].to_numpy(dtype=float)
    p_trt = float(p_values[sources.index("treatment")])
    p_txs = float(p_values[sources.index("treatment:site")])
    mm = MeansModel(
        factor="treatment",
        levels=tuple(levels),
        estimates=np.asarray(across, dtype=float),
        cov=np.diag(np.asarray(se_across, dtype=float) ** 2) if cov is None else cov,
        df=float(err_df),
        n=base["n_sites"].astype(np.int64),
        mse=float(err_ms),
        error_term="treatment:site"
        if (site_effects == "random" or unrep.any())
        else "residual (pooled)",
        design=f"network of {design}",
        formula=model_formula,
        response=response,
    )
    site_info = _site_verdicts(per_treatment, sel, t_codes, cols, len(levels), n_ok, unrep)
    treatments, comparisons = _treatment_table(
        base, m_ts, mm, control, controls, alpha, margin_pct, site_info
    )
    contrast_table = (
        None
        if contrasts is None or (isinstance(contrasts, Mapping) and not contrasts)
        else _contrast_table(mm, contrasts, alpha)
    )  # "abc", 0 or a list named the mistake only when truthy and a mapping
    if control is not None and unrep.all():
        notes.append(
            "the NY/T 1536-style rule (a significant gain at >= 2/3 of the sites) needs "
            "replicated sites; these sites are unreplicated, so it is not applied "
            "(meets_two_thirds_rule is NA) and the across-site test above is the evidence."
        )
    elif control is not None and unrep.any():
        notes.append(
            "the NY/T 1536-style rule (a significant gain at >= 2/3 of the sites) needs every "
            "site replicated; some sites are not, so it is not applied (NA)."
        )
    prov = Provenance(
        design=f"network of {design}",
        model=model_formula,
        error_term=mm.error_term,
        df_error=float(err_df),
        test="F; Dunnett vs check" if control is not None else "F",
        alpha=alpha,
        adjustment="single-step (Dunnett)" if control is not None else None,
        sum_of_squares=sum_of_squares,
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
        comparisons,
        contrast_table,
        mm,
    )


def _no_model(
    base: dict[str, Any],
    m_ts: np.ndarray,
    levels: list[str],
    means: pd.DataFrame,
    letters: pd.DataFrame,
    strip: pd.DataFrame,
    site_effects: str,
    control: str | None,
    notes: list[str],
    alpha: float,
) -> NetworkSummary:
    """Build a summary without an across-site model: plain means of the site LS-means."""
    with np.errstate(invalid="ignore"), held_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        plain = np.nanmean(m_ts, axis=1) if m_ts.size else np.full(len(levels), np.nan)
    treatments, _ = _treatment_table(base, m_ts, None, control, None, alpha, None, None, plain)
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


def _site_verdicts(
    per_treatment: pd.DataFrame,
    sel: np.ndarray | slice,
    t_codes: np.ndarray,
    cols: np.ndarray,
    k: int,
    n_sites: int,
    unrep: np.ndarray,
) -> dict[str, np.ndarray]:
    """Treatment x site tables of the within-site significant gains (replicated sites)."""
    significant = per_treatment["significant"].to_numpy(dtype=float)[sel]
    difference = per_treatment["difference"].to_numpy(dtype=float)[sel]
    sig = np.full((k, n_sites), np.nan)
    sig[t_codes, cols] = np.where(
        np.isfinite(significant), (significant == 1.0) & (difference > 0.0), np.nan
    )
    return {"significant_gain": sig, "replicated": ~unrep}


def _sites_as_blocks(
    m_ts: np.ndarray, alpha: float
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, float, float, np.ndarray, str, str] | None:
    """Unreplicated sites: the RCBD with sites as blocks (treatment x site = error)."""
    from yieldtrial.network._pooled import absorbed_fit

    fit = absorbed_fit(m_ts)
    if not fit.connected or fit.df_error <= 0:
        return None
    mse = fit.sse / fit.df_error
    k = m_ts.shape[0]
    rows = [
        _row("site", fit.n_sites - 1.0, fit.ss_site, mse, fit.df_error, "treatment:site"),
        _row("treatment", k - 1.0, fit.ss_treatment, mse, fit.df_error, "treatment:site"),
        _row("treatment:site", float(fit.df_error), fit.sse, None, None, ""),
    ]
    anova = pd.DataFrame(rows, columns=list(ANOVA_COLUMNS))
    cov = mse * fit.cov_unit
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    missing = int(m_ts.size - fit.n_obs)
    note = (
        f"every site is unreplicated (one plot per treatment): the {fit.n_sites:,} sites are "
        "the replicates of a randomized complete block design with sites as blocks "
        f"(response ~ treatment + site); the treatment x site interaction ({fit.df_error:,} df) "
        "is the error of every test and interval"
        + (f"; {missing:,} missing cell(s) are handled by the model (LS-means)" if missing else "")
        + "."
    )
    return anova, fit.lsmeans, se, float(fit.df_error), mse, cov, "RCBD, sites as blocks", note


def _mixed_two_stage(
    m_ts: np.ndarray,
    v_ts: np.ndarray,
    pooled: float,
    df_pooled: float,
    n_unrep: int,
    n_rep: int,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, float, float, np.ndarray, str, str]:
    """Replicated and unreplicated sites: stage 2 weighted by the site means' variances."""
    from yieldtrial.network._pooled import absorbed_fit, weighted_two_stage

    fit, s2ge, scale, ms_res = weighted_two_stage(m_ts, v_ts)
    k = m_ts.shape[0]
    df = float(fit.df_error)
    rows = [
        _row("site", fit.n_sites - 1.0, fit.ss_site, scale, df, "treatment:site (weighted)"),
        _row("treatment", k - 1.0, fit.ss_treatment, scale, df, "treatment:site (weighted)"),
    ]
    # interaction test: weighted residual SS with weights 1/v is chi-square(df) without
    # interaction; its mean square is compared with 1 on (df, pooled within-site df)
    plain = absorbed_fit(m_ts, 1.0 / v_ts)
    chi = plain.sse / plain.df_error if plain.df_error > 0 else float("nan")
    rows.append(
        {
            "source": "treatment:site",
            "df": df,
            "sum_sq": fit.sse,
            "mean_sq": scale,
            "f": chi,
            "p_value": _fsf(chi, float(plain.df_error), df_pooled),
            "error_term": "within-site variances of the site means",
        }
    )
    anova = pd.DataFrame(rows, columns=list(ANOVA_COLUMNS))
    cov = scale * fit.cov_unit
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    note = (
        f"{n_unrep:,} site(s) are unreplicated and {n_rep:,} replicated: two-stage analysis. "
        "Stage 1: each site's LS-means and their variances (squared standard errors; at an "
        "unreplicated site the pooled plot error variance of the replicated sites, "
        f"{message_number(pooled, 1)} on {message_df(df_pooled)} df). Stage 2: weighted least "
        "squares of lsmean ~ site + treatment with weights 1 / (var_GE + se^2), var_GE = "
        f"{message_number(s2ge, 1)} (moment estimate: interaction mean square "
        f"{message_number(ms_res, 1)} minus the mean se^2, at least 0); the LS-means' "
        "covariance is scaled by the weighted residual mean square "
        f"{message_number(scale, 3)} on {message_df(df)} df, which is the "
        "error of the treatment test and of the comparisons."
    )
    return anova, fit.lsmeans, se, df, ms_res, cov, "two-stage (weighted site LS-means)", note


def _cv_text(cv: float, above: float | None = None) -> str:
    """Format a CV [%] to one decimal, or to as many (up to 4) as show it above ``above``.

    Examples
    --------
    >>> _cv_text(39.21), _cv_text(6.04, 6.0), _cv_text(7.49, 6.0)
    ('39.2', '6.04', '7.5')
    """
    for decimals in range(1, 5):
        text = f"{cv:.{decimals}f}"
        if above is None or float(text) > above:
            return text
    return text


def _name_list(
    names: np.ndarray,
    cv: np.ndarray,
    flags: np.ndarray | None = None,
    limit: int = 20,
    above: float | None = None,
) -> str:
    """``"D (CV 39.2 %, strong), ..."``: at most ``limit`` sites, then how many more."""
    shown = [
        f"{n} (CV {_cv_text(c, above)} %" + ("" if flags is None else f", {f}") + ")"
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


def wilson_interval(
    successes: np.ndarray, trials: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    r"""Wilson score interval of a binomial proportion, in %.

    Parameters
    ----------
    successes, trials : ndarray of int
        Sites where the treatment beat the check, and sites compared.
    confidence : float
        Coverage, e.g. 0.95.

    Returns
    -------
    low, high : ndarray
        Interval limits [%]; NaN where ``trials == 0``.

    Notes
    -----
    :math:`(\hat p + z^2/2n \pm z\sqrt{\hat p(1-\hat p)/n + z^2/4n^2}) / (1 + z^2/n)`
    with :math:`z = \Phi^{-1}(1 - (1 - \text{confidence})/2)` (Wilson 1927; recommended
    over the Wald interval by Brown, Cai & DasGupta 2001, Statist. Sci. 16:101-133).

    Examples
    --------
    >>> low, high = wilson_interval(np.array([8]), np.array([10]), 0.95)
    >>> round(float(low[0]), 2), round(float(high[0]), 2)
    (49.02, 94.33)
    """
    from scipy.special import ndtri

    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = float(ndtri(1.0 - (1.0 - confidence) / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_hat = x / n
        denom = 1.0 + z * z / n
        centre = (p_hat + z * z / (2.0 * n)) / denom
        half = z * np.sqrt(p_hat * (1.0 - p_hat) / n + z * z / (4.0 * n * n)) / denom
        low = np.where(n > 0, 100.0 * np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(n > 0, 100.0 * np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def _treatment_table(
    base: dict[str, Any],
    m_ts: np.ndarray,
    mm: MeansModel | None,
    control: str | None,
    controls: Sequence[str] | None,
    alpha: float,
    margin_pct: float | None,
    site_info: dict[str, np.ndarray] | None,
    plain: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    levels = list(base["treatment"])
    k = len(levels)
    across = np.asarray(plain if mm is None else mm.estimates, dtype=float)
    se = np.full(k, np.nan) if mm is None else np.asarray(mm.se, dtype=float)
    cols: dict[str, Any] = {
        "treatment": pd.Series(levels, dtype=object),
        "n_sites": base["n_sites"],
        "across_site_mean": across,
        "se": se,
    }
    nan = np.full(k, np.nan)
    for col in _FLOAT_COLUMNS:
        cols[col] = nan.copy()
    for col in ("sites_compared", "sites_above", "sites_below", "sites_replicated"):
        cols[col] = np.zeros(k, dtype=np.int64)
    cols["sites_significant_gain"] = pd.array([pd.NA] * k, dtype="Int64")
    for col in ("meets_two_thirds_rule", "noninferior"):
        cols[col] = pd.array([pd.NA] * k, dtype="boolean")
    if control is None or control not in levels:
        return _order(cols), None
    c = levels.index(control)
    m = m_ts
    check = m[c]
    both = np.isfinite(m) & np.isfinite(check)[None, :]
    compared = both.sum(axis=1)
    above = (both & (m > check[None, :])).sum(axis=1)
    cols["sites_compared"] = compared
    cols["sites_above"] = above
    cols["sites_below"] = (both & (m < check[None, :])).sum(axis=1)
    low, high = wilson_interval(above, compared, 1.0 - alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        cols["win_rate_pct"] = np.where(compared > 0, 100.0 * above / compared, np.nan)
        diff = across - across[c]
        cols["difference"] = diff
        # the ratio first: the check itself is then exactly 100 (100 * x / x was 99.99999999999999)
        cols["pct_of_check"] = 100.0 * (across / across[c]) if across[c] > 0 else nan.copy()
    cols["win_rate_ci_low_pct"], cols["win_rate_ci_high_pct"] = low, high
    low[c] = high[c] = np.nan  # the check against itself
    cols["win_rate_pct"][c] = np.nan  # has no win rate: null in JSON, empty in CSV, "–" shown
    if site_info is not None:
        _two_thirds(cols, site_info, both, c)
    comparisons = None
    if mm is not None and k > 1:
        from yieldtrial.stats.compare import compare_means_to_control
        from yieldtrial.stats.inference import INFERENCE_OK, inference_status, unit_suffix

        if inference_status(mm) == INFERENCE_OK:
            u = unit_suffix(mm.response)
            wanted = [str(x) for x in (controls or [control]) if str(x) in levels]
            with held_warnings():
                warnings.simplefilter("ignore")
                # the check's family: every other level (as in the per-trial tables)
                first = compare_means_to_control(
                    mm, control=control, confidence=1.0 - alpha, margin_pct=margin_pct
                )
                comparisons = (
                    first
                    if len(wanted) < 2
                    else compare_means_to_control(
                        mm, control=wanted, confidence=1.0 - alpha, margin_pct=margin_pct
                    )
                )
            first = first.set_index("treatment")
            idx = [levels.index(str(v)) for v in first.index]
            cols["t_value"][idx] = first["statistic"].to_numpy(dtype=float)
            cols["p_dunnett"][idx] = first["p_value_adjusted"].to_numpy(dtype=float)
            cols["ci_low"][idx] = first[f"ci_low{u}"].to_numpy(dtype=float)
            cols["ci_high"][idx] = first[f"ci_high{u}"].to_numpy(dtype=float)
            cols["ci_low_pct"][idx] = first["ci_low_pct"].to_numpy(dtype=float)
            cols["ci_high_pct"][idx] = first["ci_high_pct"].to_numpy(dtype=float)
            if margin_pct is not None:
                ni = cols["noninferior"].copy()
                ni[idx] = first["noninferior"].to_numpy()
                cols["noninferior"] = ni
                cols["noninferiority_ci_low_pct"][idx] = first[
                    "noninferiority_ci_low_pct"
                ].to_numpy(dtype=float)
    return _order(cols), comparisons


def _two_thirds(
    cols: dict[str, Any], site_info: dict[str, np.ndarray], both: np.ndarray, c: int
) -> None:
    """NY/T 1536-style counts: significant gains at replicated sites, >= 2/3 rule."""
    sig = site_info["significant_gain"]
    replicated = site_info["replicated"][None, :] & both
    k = sig.shape[0]
    counted = np.where(replicated, sig, 0.0)
    known = ~(replicated & ~np.isfinite(sig))
    n_rep = replicated.sum(axis=1)
    gains = np.nansum(counted, axis=1).astype(np.int64)
    cols["sites_replicated"] = n_rep
    sig_col = pd.array([pd.NA] * k, dtype="Int64")
    rule = pd.array([pd.NA] * k, dtype="boolean")
    compared = both.sum(axis=1)
    for i in range(k):
        if i == c or n_rep[i] == 0 or not known[i].all():
            continue
        sig_col[i] = int(gains[i])
        if n_rep[i] == compared[i]:  # every compared site replicated
            rule[i] = bool(3 * gains[i] >= 2 * n_rep[i])
    cols["sites_significant_gain"] = sig_col
    cols["meets_two_thirds_rule"] = rule


_FLOAT_COLUMNS = (
    "difference",
    "pct_of_check",
    "t_value",
    "p_dunnett",
    "win_rate_pct",
    "ci_low",
    "ci_high",
    "ci_low_pct",
    "ci_high_pct",
    "win_rate_ci_low_pct",
    "win_rate_ci_high_pct",
    "noninferiority_ci_low_pct",
)

#: Columns of ``NetworkSummary.treatments``, in order.
TREATMENT_COLUMNS: tuple[str, ...] = (
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
    "ci_low",
    "ci_high",
    "ci_low_pct",
    "ci_high_pct",
    "win_rate_ci_low_pct",
    "win_rate_ci_high_pct",
    "sites_replicated",
    "sites_significant_gain",
    "meets_two_thirds_rule",
    "noninferior",
    "noninferiority_ci_low_pct",
)


def _order(cols: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({c: cols[c] for c in TREATMENT_COLUMNS})


def _contrast_table(
    mm: MeansModel, contrasts: Mapping[str, Mapping[str, float]], alpha: float
) -> pd.DataFrame:
    """Named contrasts of the across-site LS-means: estimate, SE, t, p, CI (unadjusted)."""
    from yieldtrial.errors import DataValidationError
    from yieldtrial.io.checks import check_number
    from yieldtrial.stats._univariate import t_isf, t_sf  # scipy.stats', bit for bit

    if not isinstance(contrasts, Mapping):
        raise DataValidationError(
            "contrasts must map each contrast's name to its weights, e.g. "
            "{'T vs CK2': {'T': 1, 'CK2': -1}}; got " + type(contrasts).__name__
        )
    rows = []
    for name, weights in contrasts.items():
        if not isinstance(weights, Mapping) or not weights:
            raise DataValidationError(
                f"contrast {name!r} must map treatment labels to weights, e.g. "
                "{'T': 1, 'CK2': -1}; got " + repr(weights)
            )
        w = np.zeros(len(mm.levels))
        for label, value in weights.items():
            if str(label) not in mm.levels:
                raise DataValidationError(
                    f"contrast {name!r} names {label!r}, which is not a treatment of the "
                    f"network; treatments: {', '.join(mm.levels)}"
                )
            w[mm.levels.index(str(label))] = check_number(  # 'abc', None, NaN, True: refused
                f"weight of {label!r}", value, f"contrast {name!r}", low=None, high=None
            )
        if not w.any():
            raise DataValidationError(
                f"contrast {name!r} has only zero weights; give e.g. {{'T': 1, 'CK2': -1}}"
            )
        est, se = mm.contrast(w)
        t = est / se if se > 0 else float("nan")
        p = float(2.0 * t_sf(abs(t), mm.df)) if np.isfinite(t) else float("nan")
        crit = float(t_isf(alpha / 2.0, mm.df)) if mm.df > 0 else float("nan")
        rows.append(
            {
                "contrast": str(name),
                "estimate": est,
                "se": se,
                "t_value": t,
                "df": float(mm.df),
                "p_value": p,
                "ci_low": est - crit * se,
                "ci_high": est + crit * se,
                "confidence": 1.0 - alpha,
            }
        )
    return pd.DataFrame(rows)


#: statsmodels' warnings about an optimizer that stopped before another one is tried; once a
#: later optimizer converged (``MixedLMResults.converged``) they say nothing about the fit.
_MIXEDLM_RETRY = (
    "Maximum Likelihood optimization failed to converge",
    "Retrying MixedLM optimization with",
)


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
    d = d[isin(d["site"], ok_sites) & d["y"].notna()]
    vc = {"txs": "0 + C(trt)"}
    if block is not None:
        vc["blk"] = "0 + C(blk)"
    notes: list[str] = []
    # Centred response (the same model; the estimates are shifted back).  Not scaled:
    # statsmodels flags "MLE may be on the boundary" when a variance component is below
    # 0.01 in the response's own units, which on a unit-variance response would flag a
    # component of 1 % of the variance.
    shift = float(d["y"].mean()) if len(d) else 0.0
    d = d.assign(y=d["y"] - shift)
    try:
        with held_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = smf.mixedlm("y ~ 0 + C(trt)", d, groups="site", vc_formula=vc, re_formula="1")
            # L-BFGS first: statsmodels' default BFGS stops early on such networks and its
            # retry can end at a lower REML likelihood (30 sites: -495.44 against -493.63)
            res = model.fit(reml=True, method=["lbfgs", "bfgs", "cg"])
        for w in caught:
            text = str(w.message).splitlines()[0]
            if getattr(res, "converged", False) and text.startswith(_MIXEDLM_RETRY):
                continue  # an optimizer that stopped early, then one that converged: no news
            notes.append(f"MixedLM: {text}")
    except Exception as exc:  # noqa: BLE001 - statsmodels raises many kinds
        return None, [f"MixedLM failed: {exc}"]
    names = [n for n in res.fe_params.index]
    table = pd.DataFrame(
        {
            "treatment": [n.split("[", 1)[1].rstrip("]") if "[" in n else n for n in names],
            "estimate": res.fe_params.to_numpy() + shift,
            "se": res.bse_fe.to_numpy(),
        }
    )
    return table, notes


def in_given_order(result: Any) -> Any:
    """Return ``result`` with its per-site rows in the order the user gave the sites.

    ``analyze_many`` keeps its tables (and the JSON) in the order of the trial keys
    (code point order: 太谷, 榆次, 祁县); the report lists the sites in the order of
    :attr:`NetworkResult.trial_order` (first appearance in the data: the order of the files
    given to ``yieldtrial network``).  The rows of ``per_trial``, ``per_treatment`` and the
    summary's ``means``, ``letters`` and ``sites`` are reordered alike (a stable sort, so a
    trial the order does not name keeps its place after the named ones).

    Parameters
    ----------
    result : NetworkResult
        Output of :func:`yieldtrial.analyze_many` (typed ``Any`` here: this module is
        imported by :mod:`yieldtrial.network`, and by :mod:`yieldtrial.network.figures`
        for its heatmap, so it names no type of the package).

    Returns
    -------
    NetworkResult
        The same result, reordered (``result`` itself when there is nothing to reorder).
    """
    import dataclasses

    order = getattr(result, "trial_order", ())
    if not order or result.summary is None:
        return result
    rank = {label: i for i, label in enumerate(order)}

    def positions(labels: Any) -> Any:
        keys = [rank.get(str(label), len(rank)) for label in labels]
        return np.argsort(np.asarray(keys, dtype=np.int64), kind="stable")

    by = list(result.options["by"])
    s = result.summary
    at = positions(s.means.index)
    summary = dataclasses.replace(
        s,
        means=s.means.iloc[at],
        letters=s.letters.loc[s.means.index[at]],
        sites=(
            s.sites.iloc[positions(s.sites["site"])].reset_index(drop=True)
            if "site" in s.sites
            else s.sites
        ),
    )
    per_trial = result.per_trial
    per_treatment = result.per_treatment
    return dataclasses.replace(
        result,
        per_trial=per_trial.iloc[positions(site_label(per_trial, by))].reset_index(drop=True),
        per_treatment=per_treatment.iloc[positions(site_label(per_treatment, by))].reset_index(
            drop=True
        ),
        summary=summary,
    )
