"""Model diagnostics of a field trial: normality, equal variances, outliers, CV, error df.

:func:`diagnostics` fits the design model and checks the assumptions behind
its F-tests and comparisons.  It is the one place that emits
:class:`~yieldtrial.errors.YieldTrialWarning` about the trial's quality (CV
above the thresholds, fewer than 10 error df); :func:`yieldtrial.stats.anova.anova`
stays silent so that reports and comparisons do not warn twice.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.stats.model import DesignFit, fit

__all__ = ["CV_FLAGS", "Diagnostics", "diagnostics", "studentized_residuals"]

#: Values of :attr:`Diagnostics.cv_flag`.
CV_FLAGS: tuple[str, ...] = ("ok", "warn", "strong", "na")

#: Error df below which the trial is flagged as having too few error df.
MIN_ERROR_DF = 10


def studentized_residuals(model: DesignFit) -> tuple[pd.Series, pd.Series]:
    r"""Internally and externally studentized residuals of a fitted design model.

    Parameters
    ----------
    model : DesignFit
        The fitted model.

    Returns
    -------
    internal, external : Series
        :math:`r_i = e_i / \sqrt{MSE (1 - h_{ii})}` and
        :math:`t_i = r_i \sqrt{(\nu - 1)/(\nu - r_i^2)}` (:math:`\nu` = error df),
        indexed like ``model.data``; NaN where :math:`h_{ii} = 1` or without error df.

    Notes
    -----
    Internally studentized residuals are bounded by :math:`\sqrt{\nu}`, so with
    fewer than 10 error df none can exceed 3 [1]_.

    References
    ----------
    .. [1] Cook, R.D. and Weisberg, S. (1982). Residuals and Influence in
       Regression. Chapman and Hall, ch. 2.
    """
    e = model.residuals.to_numpy(dtype=float)
    h = model.leverage.to_numpy(dtype=float)
    nu = model.df_error
    internal = np.full(e.shape, np.nan)
    external = np.full(e.shape, np.nan)
    if nu > 0 and np.isfinite(model.mse) and model.mse > 0:
        ok = (1.0 - h) > 1e-10
        internal[ok] = e[ok] / np.sqrt(model.mse * (1.0 - h[ok]))
        if nu > 1:
            denom = nu - internal**2
            good = ok & (denom > 1e-12)
            external[good] = internal[good] * np.sqrt((nu - 1) / denom[good])
    index = model.data.index
    return (
        pd.Series(internal, index=index, name="studentized_residual"),
        pd.Series(external, index=index, name="externally_studentized_residual"),
    )


@dataclass(frozen=True, eq=False)
class Diagnostics:
    """Assumption checks and quality flags of a fitted trial.

    Attributes
    ----------
    shapiro : tuple of float
        Shapiro-Wilk ``(W, p)`` on the residuals; NaN when not computable.
    levene : tuple of float
        Brown-Forsythe (median-centred Levene) ``(statistic, p)`` on the residuals
        grouped by treatment; NaN when not computable.
    outliers : DataFrame
        Plots with ``|studentized_residual| > outlier_threshold``: columns
        ``plot_id, treatment, block, residual, studentized_residual``
        (internally studentized, see :func:`studentized_residuals`).
    residuals : DataFrame
        Every used plot: ``plot_id, treatment, block, fitted, residual, leverage,
        studentized_residual, externally_studentized_residual``.
    cv_pct : float
        100 sqrt(MSE) / grand mean. [%]
    cv_flag : str
        ``"ok"``, ``"warn"`` (above ``cv_warn_pct``), ``"strong"`` (above
        ``cv_strong_pct``) or ``"na"``.
    df_error : int
        Error degrees of freedom.
    df_warning : bool
        True when ``df_error < 10``.
    warnings : list of str
        Plain-language findings (CV, df, normality, variances, outliers).
    alpha : float
        Level used for the Shapiro-Wilk and Levene verdicts.
    fit : DesignFit
        The fitted design model.
    """

    shapiro: tuple[float, float]
    levene: tuple[float, float]
    outliers: pd.DataFrame
    residuals: pd.DataFrame
    cv_pct: float
    cv_flag: str
    df_error: int
    df_warning: bool
    warnings: list[str] = field(default_factory=list)
    alpha: float = 0.05
    fit: DesignFit | None = None

    def to_frame(self) -> pd.DataFrame:
        """Return the checks as a tidy table: ``check, statistic, p_value, flag``."""
        return pd.DataFrame(
            {
                "check": [
                    "shapiro_wilk",
                    "levene_brown_forsythe",
                    "cv_pct",
                    "df_error",
                    "outliers",
                ],
                "statistic": [
                    self.shapiro[0],
                    self.levene[0],
                    self.cv_pct,
                    float(self.df_error),
                    float(len(self.outliers)),
                ],
                "p_value": [self.shapiro[1], self.levene[1], np.nan, np.nan, np.nan],
                "flag": [
                    _p_flag(self.shapiro[1], self.alpha),
                    _p_flag(self.levene[1], self.alpha),
                    self.cv_flag,
                    "warn" if self.df_warning else "ok",
                    "warn" if len(self.outliers) else "ok",
                ],
            }
        )

    def _repr_html_(self) -> str:
        items = (
            "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings) or "<li>no findings</li>"
        )
        return f"<p><b>Diagnostics</b></p>{self.to_frame().to_html(index=False)}<ul>{items}</ul>"


def _p_flag(p: float, alpha: float) -> str:
    if not np.isfinite(p):
        return "na"
    return "warn" if p < alpha else "ok"


def _shapiro(residuals: np.ndarray, df_error: int) -> tuple[float, float]:
    from scipy import stats

    scale = float(np.max(np.abs(residuals))) if residuals.size else 0.0
    if df_error <= 0 or residuals.size < 3 or scale == 0.0:
        return float("nan"), float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n > 5000: scipy's note on p-value accuracy
        result = stats.shapiro(residuals)
    return float(result.statistic), float(result.pvalue)


def _levene(residuals: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    from scipy import stats

    samples = [residuals[groups == g] for g in np.unique(groups)]
    samples = [s for s in samples if s.size >= 2]
    if len(samples) < 2:
        return float("nan"), float("nan")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # all deviations zero -> nan, not an error
        result = stats.levene(*samples, center="median")
    return float(result.statistic), float(result.pvalue)


def diagnostics(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str | None = None,
    design: str = "rcbd",
    row: str | None = None,
    column: str | None = None,
    plot_id: str = "plot_id",
    cv_warn_pct: float = 10.0,
    cv_strong_pct: float = 15.0,
    outlier_threshold: float = 3.0,
    alpha: float = 0.05,
) -> Diagnostics:
    r"""Check the assumptions and quality of a field trial's design model.

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot.
    response, treatment : str
        Response and treatment columns.
    block : str, optional
        Block column (required for ``design="rcbd"``).
    design : {"crd", "rcbd", "latin"}
        Field design; see :func:`yieldtrial.stats.model.fit`.
    row, column : str, optional
        Row and column factors of a Latin square.
    plot_id : str
        Column identifying plots in the outlier list; the row index is used when
        the column is absent.
    cv_warn_pct, cv_strong_pct : float
        CV thresholds for ``"warn"`` and ``"strong"``; defaults 10 % and 15 % are
        the usual limits for cereal grain yield. [%]
    outlier_threshold : float
        Plots whose internally studentized residual exceeds this in absolute
        value are listed as outliers.
    alpha : float
        Level for the Shapiro-Wilk and Levene verdicts in :attr:`Diagnostics.warnings`.

    Returns
    -------
    Diagnostics
        Shapiro-Wilk and Brown-Forsythe tests, outliers, CV and its flag,
        error df and plain-language warnings.

    Raises
    ------
    DataValidationError
        As :func:`yieldtrial.stats.model.fit`, or inconsistent thresholds.

    Warns
    -----
    YieldTrialWarning
        When the CV is above ``cv_warn_pct`` (or ``cv_strong_pct``), and when the
        error df are fewer than 10.

    Notes
    -----
    Shapiro-Wilk [1]_ is applied to the residuals of the design model, and the
    Brown-Forsythe test [2]_ (Levene's test on absolute deviations from group
    medians) to the residuals grouped by treatment (for a CRD this equals the
    test on the raw yields).  Residuals of a blocked design are not independent
    (they sum to zero within each block), so both tests are approximate guides.
    Outliers use internally studentized residuals
    :math:`r_i = e_i/\sqrt{MSE(1-h_{ii})}`; these cannot exceed
    :math:`\sqrt{df_{error}}`, so with fewer than 10 error df no plot can pass
    the threshold 3 (a finding says so); the externally studentized residual is
    reported alongside in :attr:`Diagnostics.residuals`.

    References
    ----------
    .. [1] Shapiro, S.S. and Wilk, M.B. (1965). An analysis of variance test for
       normality (complete samples). Biometrika 52, 591-611.
    .. [2] Brown, M.B. and Forsythe, A.B. (1974). Robust tests for the equality
       of variances. J. Amer. Statist. Assoc. 69, 364-367.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"treatment": np.repeat(list("ABCD"), 5),
    ...                    "block": np.tile(list("12345"), 4)})
    >>> df["y"] = 6000 + rng.normal(0, 150, 20)
    >>> d = diagnostics(df, response="y", treatment="treatment", block="block")
    >>> d.cv_flag, d.df_error, d.df_warning, len(d.outliers)
    ('ok', 12, False, 0)
    """
    if not (0 < cv_warn_pct <= cv_strong_pct):
        raise DataValidationError(
            f"need 0 < cv_warn_pct <= cv_strong_pct; got cv_warn_pct={cv_warn_pct!r}, "
            f"cv_strong_pct={cv_strong_pct!r}."
        )
    if not 0.0 < alpha < 1.0:
        raise DataValidationError(f"alpha must be in (0, 1), e.g. 0.05; got {alpha!r}.")
    model = fit(
        data,
        response=response,
        treatment=treatment,
        block=block,
        design=design,
        row=row,
        column=column,
    )
    used = model.data
    e = model.residuals.to_numpy(dtype=float)
    internal, external = studentized_residuals(model)
    ids = used[plot_id] if plot_id in used.columns else pd.Series(used.index, index=used.index)
    block_values = (
        used[model.block].astype(object).map(str)
        if model.block is not None
        else pd.Series([None] * len(used), index=used.index, dtype=object)
    )
    table = pd.DataFrame(
        {
            "plot_id": ids.to_numpy(dtype=object),
            "treatment": used[treatment].astype(object).map(str).to_numpy(),
            "block": block_values.to_numpy(dtype=object),
            "fitted": model.fitted.to_numpy(),
            "residual": e,
            "leverage": model.leverage.to_numpy(),
            "studentized_residual": internal.to_numpy(),
            "externally_studentized_residual": external.to_numpy(),
        },
        index=used.index,
    )
    flagged = np.abs(table["studentized_residual"].to_numpy()) > outlier_threshold
    outliers = table.loc[
        flagged, ["plot_id", "treatment", "block", "residual", "studentized_residual"]
    ].reset_index(drop=True)

    df_error = model.df_error
    shapiro = _shapiro(e, df_error)
    levene = _levene(e, model.codes[treatment]) if df_error > 0 else (float("nan"),) * 2

    mean = model.grand_mean
    if df_error > 0 and np.isfinite(model.mse) and mean > 0:
        cv_pct = float(100.0 * np.sqrt(model.mse) / mean)
    else:
        cv_pct = float("nan")
    if not np.isfinite(cv_pct):
        cv_flag = "na"
    elif cv_pct > cv_strong_pct:
        cv_flag = "strong"
    elif cv_pct > cv_warn_pct:
        cv_flag = "warn"
    else:
        cv_flag = "ok"

    findings: list[str] = []
    emitted: list[str] = []
    if cv_flag == "strong":
        msg = (
            f"CV = {cv_pct:.1f} % is above {cv_strong_pct:g} %: plot-to-plot variation is very "
            "high for a yield trial; check the data for errors and treat the comparisons with "
            "caution (trial-validity rules often reject such sites)."
        )
        findings.append(msg)
        emitted.append(msg)
    elif cv_flag == "warn":
        msg = (
            f"CV = {cv_pct:.1f} % is above {cv_warn_pct:g} %: plot-to-plot variation is high; "
            "only large differences will be detectable."
        )
        findings.append(msg)
        emitted.append(msg)
    df_warning = df_error < MIN_ERROR_DF
    if df_error == 0:
        msg = (
            "no error degrees of freedom (one plot per treatment): no test or p-value is "
            "possible; replicate the treatments in blocks."
        )
        findings.append(msg)
        emitted.append(msg)
    elif df_warning:
        msg = (
            f"only {df_error} error degrees of freedom (fewer than {MIN_ERROR_DF}): the error "
            "variance is poorly estimated and tests have little power; add replicates."
        )
        findings.append(msg)
        emitted.append(msg)
        if df_error <= outlier_threshold**2:
            findings.append(
                f"with {df_error} error df an internally studentized residual cannot exceed "
                f"{np.sqrt(df_error):.2f}, so no plot can be flagged as an outlier beyond "
                f"{outlier_threshold:g}; inspect the externally studentized residuals."
            )
    if np.isfinite(shapiro[1]) and shapiro[1] < alpha:
        findings.append(
            f"residuals depart from normality (Shapiro-Wilk W = {shapiro[0]:.3f}, "
            f"p = {shapiro[1]:.3g}); look for outliers or consider a transformation."
        )
    if np.isfinite(levene[1]) and levene[1] < alpha:
        findings.append(
            f"residual variances differ between treatments (Brown-Forsythe F = {levene[0]:.2f}, "
            f"p = {levene[1]:.3g}); comparisons that assume a common variance may mislead."
        )
    for _, rec in outliers.iterrows():
        findings.append(
            f"plot {rec['plot_id']} (treatment {rec['treatment']}"
            + (f", block {rec['block']}" if rec["block"] is not None else "")
            + f") has studentized residual {rec['studentized_residual']:.2f}: check its record."
        )
    for msg in emitted:
        warnings.warn(msg, YieldTrialWarning, stacklevel=2)

    return Diagnostics(
        shapiro=shapiro,
        levene=levene,
        outliers=outliers,
        residuals=table.reset_index(drop=True),
        cv_pct=cv_pct,
        cv_flag=cv_flag,
        df_error=int(df_error),
        df_warning=bool(df_warning),
        warnings=findings,
        alpha=float(alpha),
        fit=model,
    )
