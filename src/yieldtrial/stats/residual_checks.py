"""Model diagnostics of a field trial: normality, equal variances, outliers, CV, error df.

:func:`diagnostics` fits the design model and checks the assumptions behind
its F-tests and comparisons.  It is the one place that emits
:class:`~yieldtrial.errors.YieldTrialWarning` about the trial's quality (CV
above the thresholds, fewer than 10 error df); :func:`yieldtrial.stats.anova_tables.anova`
stays silent so that reports and comparisons do not warn twice.

Split-plot and strip-plot trials are checked on the residuals of their full
stratum model (the innermost stratum: sub-plots, or strip intersections); see
:func:`diagnostics`.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io._guard import held_warnings
from yieldtrial.io.checks import check_cv_thresholds, check_positive, message_number
from yieldtrial.stats._common import (
    check_alpha,
    default_design,
    two_factor_columns,
    warn_fraction_pct,
)
from yieldtrial.stats._stratum_fit import studentize as _studentize
from yieldtrial.stats.model import DesignFit, fit

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.stats.results import Provenance
    from yieldtrial.stats.splitplot import StrataAnova

__all__ = [
    "CV_FLAGS",
    "NORMALITY_TESTS",
    "SHAPIRO_MAX_N",
    "Diagnostics",
    "diagnostics",
    "studentized_residuals",
]

#: Values of :attr:`Diagnostics.cv_flag`.
CV_FLAGS: tuple[str, ...] = ("ok", "warn", "strong", "na")

#: The checks, as named in the provenance's ``test`` (up to :data:`SHAPIRO_MAX_N` residuals).
DIAGNOSTIC_TESTS = "Shapiro-Wilk; Brown-Forsythe (Levene, median); studentized residuals"

#: Most residuals Shapiro-Wilk is run on: Royston's algorithm (AS R94) that computes its
#: p-value is defined for 3 to 5000 observations (R's ``shapiro.test`` refuses more).  Above
#: it the D'Agostino-Pearson K² omnibus test is used (:data:`NORMALITY_TESTS`).
SHAPIRO_MAX_N = 5000

#: Values of :attr:`Diagnostics.normality_test` (also the ``check`` of its ``to_frame()``
#: row) and the names reports give them.
NORMALITY_TESTS: dict[str, str] = {
    "shapiro_wilk": "Shapiro-Wilk",
    "dagostino_pearson": "D'Agostino-Pearson K²",
}

#: Error df below which the trial is flagged as having too few error df.
MIN_ERROR_DF = 10

#: Fewest residual df with which a split/strip plot with missing plots is checked: with
#: 1 or 2 df its residuals span a line or a plane fixed by which plots are missing, so
#: Shapiro-Wilk and Levene would test the layout rather than the errors.
MIN_STRATUM_FIT_DF = 3

#: Designs checked on their full stratum model (several error strata).
STRATA_DESIGNS: tuple[str, ...] = ("split_plot", "strip_plot")


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
    return _studentized_of(model, model.residuals.to_numpy(dtype=float))


def _studentized_of(model: DesignFit, residuals: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """:func:`studentized_residuals` from the model's residuals already read."""
    internal, external = _studentize(
        residuals,
        model.leverage.to_numpy(dtype=float),
        model.df_error,
        model.mse,
    )
    index = model.data.index
    return (
        # this call's own arrays: wrapped, not copied (pandas 3 copies by default)
        pd.Series(internal, index=index, name="studentized_residual", copy=False),
        pd.Series(external, index=index, name="externally_studentized_residual", copy=False),
    )


@dataclass(frozen=True, eq=False)
class Diagnostics:
    """Assumption checks and quality flags of a fitted trial.

    Attributes
    ----------
    shapiro : tuple of float
        The normality test's ``(statistic, p)`` on the residuals (the test is named by
        :attr:`normality_test`): Shapiro-Wilk ``(W, p)`` on up to 5000 residuals,
        D'Agostino-Pearson ``(K², p)`` on more; NaN when not assessable (fewer than 3
        residuals, no error df, or all residuals zero).
    levene : tuple of float
        Brown-Forsythe (median-centred Levene) ``(statistic, p)`` on the residuals
        grouped by treatment; NaN when not assessable (no group with 3 or more plots:
        with 2 plots per group the test is degenerate, F = inf).
    outliers : DataFrame
        Plots with ``|studentized_residual| > outlier_threshold``: columns
        ``plot_id, treatment, block, residual, studentized_residual``
        (internally studentized, see :func:`studentized_residuals`).
    residuals : DataFrame
        Every used plot: ``plot_id, treatment, block, fitted, residual, leverage,
        studentized_residual, externally_studentized_residual`` (split/strip plot:
        residuals of the innermost stratum, ``treatment`` = the ``A:B`` combination).
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
        Level used for the normality and Levene verdicts.
    fit : DesignFit or None
        The fitted design model (None for split-plot and strip-plot trials).
    strata : StrataAnova or None
        Split-plot / strip-plot trials: their stratum ANOVA (errors, CVs); else None
        (also None when plots are missing: no stratum ANOVA then).
    stratum_fit : Provenance or None
        Split-plot / strip-plot trials with missing plots: the least-squares stratum model
        the residuals come from (its formula, innermost error term and residual df);
        else None.
    normality_test : str
        The test :attr:`shapiro` holds: ``"shapiro_wilk"`` (up to
        :data:`SHAPIRO_MAX_N` = 5000 residuals tested) or ``"dagostino_pearson"``
        (more); see :data:`NORMALITY_TESTS`.
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
    strata: StrataAnova | None = None
    stratum_fit: Provenance | None = None
    normality_test: str = "shapiro_wilk"

    def __post_init__(self) -> None:
        provenance = self.provenance  # the residual tables carry it too, as to_frame() does
        if provenance is not None:
            for table in (self.residuals, self.outliers):
                table.attrs["provenance"] = provenance.to_dict()

    @property
    def provenance(self) -> Provenance | None:
        """Provenance of the checks: the model's design, formula and (innermost) error term.

        None only when the result holds neither a fit, a stratum ANOVA nor a stratum fit.
        """
        test = DIAGNOSTIC_TESTS.replace("Shapiro-Wilk", NORMALITY_TESTS[self.normality_test])
        extra = {"test": test, "alpha": self.alpha, "adjustment": "none"}
        if self.fit is not None:
            return self.fit.means_model().provenance(**extra)
        if self.strata is not None:
            return self.strata.provenance.replace(**extra)
        if self.stratum_fit is not None:
            return self.stratum_fit.replace(**extra)
        return None

    def to_frame(self) -> pd.DataFrame:
        """Return the checks as a tidy table: ``check, statistic, p_value, flag``.

        ``attrs["provenance"]`` holds :attr:`provenance` as a dict (when there is one).
        """
        frame = pd.DataFrame(
            {
                "check": [
                    self.normality_test,
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
        provenance = self.provenance
        if provenance is not None:
            frame.attrs["provenance"] = provenance.to_dict()
        return frame

    def __repr__(self) -> str:
        """One line: error df, CV, the two tests' p-values and the counts (no fit, no tables)."""
        return (
            f"Diagnostics(df_error={self.df_error}, cv_pct={self.cv_pct:.3g}, "
            f"cv_flag={self.cv_flag!r}, shapiro_p={self.shapiro[1]:.3g}, "
            f"levene_p={self.levene[1]:.3g}, outliers={len(self.outliers)}, "
            f"warnings={len(self.warnings)})"
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


def _beyond(values: np.ndarray, threshold: float) -> np.ndarray:
    """Positions where ``abs(values) > threshold``, a span of plots at a time (NaN: never)."""
    found = [
        np.flatnonzero(np.abs(values[lo : lo + _SPAN]) > threshold) + lo
        for lo in range(0, values.size, _SPAN)
    ]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.intp)


#: Plots per span of :func:`_beyond`.
_SPAN = 1 << 20


def _normality_test_name(n: int) -> str:
    """Name the normality test run on ``n`` residuals (a key of :data:`NORMALITY_TESTS`)."""
    return "shapiro_wilk" if n <= SHAPIRO_MAX_N else "dagostino_pearson"


def _shapiro(residuals: np.ndarray, df_error: int) -> tuple[float, float]:
    """Test the residuals for normality: Shapiro-Wilk, or D'Agostino-Pearson above 5000.

    Shapiro-Wilk's p-value (Royston's AS R94) is defined for at most
    :data:`SHAPIRO_MAX_N` observations; on more, scipy extrapolates it (and warns).  The
    D'Agostino-Pearson K² test (``scipy.stats.normaltest``) combines the skewness and
    kurtosis tests and is valid for large samples (it needs 8 or more; above 5000 it
    always has them).  Which one ran is :func:`_normality_test_name` of the size.
    """
    from scipy import stats

    # one error df: the residuals are one fixed pattern of the layout times a scale, and W
    # is scale-free, so W and its p are the same whatever the yields (a 2 x 2 RCBD: always
    # W = 0.729, P = 0.024, "non-normal"); all zero (NaN counts as not zero, as max |e| = NaN
    # did): no plot-sized |e|
    if df_error < 2 or residuals.size < 3 or not np.any(residuals):
        return float("nan"), float("nan")
    with held_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # swilk's note on a range below 1e-19
        if _normality_test_name(residuals.size) == "dagostino_pearson":
            result = stats.normaltest(residuals)
        else:
            result = stats.shapiro(residuals)
    statistic, p = float(result.statistic), float(result.pvalue)
    if not (np.isfinite(statistic) and np.isfinite(p)):
        return float("nan"), float("nan")
    return statistic, p


def _levene(residuals: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    from scipy import stats

    if groups.dtype.kind in "iu" and groups.size and 0 <= groups.min() <= groups.max() < 65536:
        # one stable (radix) sort by group: each group's residuals in plot order, as the
        # masks residuals[groups == g] give them, without a pass over every plot per group
        counts = np.bincount(groups)
        counts = counts[counts > 0]
        order = np.argsort(groups.astype(np.uint16), kind="stable")
        samples = np.split(residuals[order], np.cumsum(counts)[:-1])
    else:
        samples = [residuals[groups == g] for g in np.unique(groups)]
    samples = [s for s in samples if s.size >= 2]
    if len(samples) < 2 or max(s.size for s in samples) < 3:
        # with two plots per group both absolute deviations from the group median are
        # equal: no within-group spread, F = inf -- not assessable, not "unequal"
        return float("nan"), float("nan")
    with held_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # all deviations zero -> nan, not an error
        result = stats.levene(*samples, center="median")
    statistic, p = float(result.statistic), float(result.pvalue)
    if not (np.isfinite(statistic) and np.isfinite(p)):
        return float("nan"), float("nan")
    return statistic, p


#: How the CV warning of a split or strip plot names its (innermost) error stratum.
_INNER_CV: dict[str, str] = {
    "split_plot": "CV of error_b (sub-plot error)",
    "strip_plot": "CV of error_c (intersection-plot error)",
}


def diagnostics(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str | None = None,
    block: str | None = None,
    design: str | None = None,
    row: str | None = None,
    column: str | None = None,
    whole_plot: str | None = None,
    sub_plot: str | None = None,
    horizontal: str | None = None,
    vertical: str | None = None,
    plot_id: str = "plot_id",
    cv_warn_pct: float = 10.0,
    cv_strong_pct: float = 15.0,
    outlier_threshold: float = 3.0,
    alpha: float = 0.05,
    intra_block: bool = False,
) -> Diagnostics:
    r"""Check the assumptions and quality of a field trial's design model.

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot.
    response : str
        Response column.
    treatment : str, optional
        Treatment column; required for ``crd``, ``rcbd`` and ``latin``.  For
        ``split_plot`` it may stand for the sub-plot factor (as in
        :func:`yieldtrial.stats.anova_tables.anova`); for ``strip_plot`` it is ignored.
    block : str, optional
        Block column (required for ``rcbd``, ``split_plot`` and ``strip_plot``).
    design : {"crd", "rcbd", "latin", "split_plot", "strip_plot"}, optional
        Field design; see :func:`yieldtrial.stats.model.fit` and
        :func:`yieldtrial.stats.splitplot.split_plot_anova`.
        Default: ``"rcbd"`` when ``block`` is given, ``"latin"`` with ``row`` and
        ``column``, else ``"crd"``.
    row, column : str, optional
        Row and column factors of a Latin square.
    whole_plot, sub_plot : str, optional
        Whole-plot and sub-plot factors (``design="split_plot"``).
    horizontal, vertical : str, optional
        Horizontal- and vertical-strip factors (``design="strip_plot"``).
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
        Level for the normality and Levene verdicts in :attr:`Diagnostics.warnings`.
    intra_block : bool
        The model checked is the intra-block model of a design analysed as a mixed model
        (every blocking factor fixed): the error-df warnings then say that its df are not
        those of the mixed model's tests.

    Returns
    -------
    Diagnostics
        Normality (Shapiro-Wilk; D'Agostino-Pearson above 5000 residuals) and
        Brown-Forsythe tests, outliers, CV and its flag,
        error df and plain-language warnings.

    Raises
    ------
    DataValidationError
        As :func:`yieldtrial.stats.model.fit` (split/strip plot: as
        :func:`~yieldtrial.stats.splitplot.split_plot_anova`, e.g. a missing
        plot), a factor column the design needs is not given, or inconsistent
        thresholds.

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
    Plots with leverage 1 (the unreplicated entries of an augmented design, a treatment
    left with one plot) have a residual of exactly zero whatever their yield; both tests
    leave them out (a heap of zeros would make Shapiro-Wilk reject normal data).
    With one error df the residuals are a fixed pattern of the layout times a scale, so
    Shapiro-Wilk's W would be the same whatever the yields: it needs 2 error df or more
    (else ``nan``, "not assessable").
    Outliers use internally studentized residuals
    :math:`r_i = e_i/\sqrt{MSE(1-h_{ii})}`; these cannot exceed
    :math:`\sqrt{df_{error}}`, so with fewer than 10 error df no plot can pass
    the threshold 3 (a finding says so); the externally studentized residual is
    reported alongside in :attr:`Diagnostics.residuals`.

    Shapiro-Wilk's p-value (Royston's algorithm AS R94) is defined for 3 to 5000
    observations (:data:`SHAPIRO_MAX_N`); with more residuals tested, the D'Agostino-Pearson
    K² omnibus test [3]_ [4]_ (``scipy.stats.normaltest``: the skewness and kurtosis
    tests combined) takes its place, and :attr:`Diagnostics.normality_test` says which ran.
    With thousands of residuals any normality test rejects departures too small to matter:
    judge their shape (skewness, a Q-Q plot) rather than the p-value.

    Split-plot and strip-plot trials are checked on the residuals of their full
    stratum model, fitted by least squares with the whole-plot error as a fixed
    ``block:A`` term (strip plot: also ``block:B``): ``response ~ block + A +
    block:A + B + A:B`` (strip: ``+ block:B``).  Its residuals are the
    innermost stratum's (sub-plot, error b; strip intersection, error c), its
    residual mean square equals that error's mean square, and they are tested
    as above (Levene grouped by the sub-plot / vertical factor; the
    ``treatment`` column of the tables holds the ``A:B`` combination).  The
    outer strata (whole plots, strips) have only ``(r - 1)(a - 1)`` df each and a
    different variance; they are not tested, and :attr:`Diagnostics.warnings`
    says so, with their CV and df when those are poor.  The CV and its flag are
    those of the innermost error.

    With plots missing (no stratum ANOVA; the trial is analysed by REML) the same
    model is fitted by least squares to the observed plots, and its residuals, residual
    mean square and residual df (``n - rank``) take the place of the stratum's: with no
    plot missing they are the same numbers.  A whole plot (strip) left with one plot
    has a residual of zero whatever its yield (leverage 1) and is left out of both tests,
    as above; with fewer than 3 residual df (:data:`MIN_STRATUM_FIT_DF`) the tests are
    not run (NaN; a finding says so).  :attr:`Diagnostics.strata` is then None and
    :attr:`Diagnostics.stratum_fit` gives the fitted formula.

    References
    ----------
    .. [1] Shapiro, S.S. and Wilk, M.B. (1965). An analysis of variance test for
       normality (complete samples). Biometrika 52, 591-611.
    .. [2] Brown, M.B. and Forsythe, A.B. (1974). Robust tests for the equality
       of variances. J. Amer. Statist. Assoc. 69, 364-367.
    .. [3] D'Agostino, R. and Pearson, E.S. (1973). Tests for departure from normality.
       Biometrika 60, 613-622.
    .. [4] D'Agostino, R.B., Belanger, A. and D'Agostino, R.B. Jr. (1990). A suggestion
       for using powerful and informative tests of normality. The American Statistician
       44, 316-321.

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
    design = default_design(design, block, row=row, column=column)
    cv_warn_pct, cv_strong_pct = check_cv_thresholds(cv_warn_pct, cv_strong_pct)
    outlier_threshold = check_positive(outlier_threshold, "outlier_threshold", "3")
    warn_fraction_pct("cv_warn_pct", cv_warn_pct, example="10")
    warn_fraction_pct("cv_strong_pct", cv_strong_pct, example="15")
    alpha = check_alpha(alpha)
    model: DesignFit | None = None
    table: pd.DataFrame | None = None
    deferred: tuple[DesignFit, str] | None = None
    strata: StrataAnova | None = None
    stratum_fit: Provenance | None = None
    extra_findings: list[str] = []
    if design in STRATA_DESIGNS:
        first, second = strata_factors(
            design,
            treatment=treatment,
            given={
                "whole_plot": whole_plot,
                "sub_plot": sub_plot,
                "horizontal": horizontal,
                "vertical": vertical,
            },
            row=row,
            column=column,
        )
        if block is None:
            raise DataValidationError(
                f"design={design!r} needs block=<column of the block/replicate labels>."
            )
        if _strata_plots_missing(data, response=response, block=block, first=first, second=second):
            table, groups, df_error, mse, mean, stratum_fit, extra_findings = (
                _missing_strata_residuals(
                    data,
                    response=response,
                    block=block,
                    design=design,
                    first=first,
                    second=second,
                    plot_id=plot_id,
                )
            )
        else:
            table, groups, strata, extra_findings = _strata_residuals(
                data,
                response=response,
                block=block,
                design=design,
                first=first,
                second=second,
                plot_id=plot_id,
                cv_warn_pct=cv_warn_pct,
                cv_strong_pct=cv_strong_pct,
            )
            inner = "error_b" if design == "split_plot" else "error_c"
            mse, df_inner = strata.error(inner)
            df_error = int(df_inner)
            mean = strata.grand_mean
    else:
        if treatment is None:
            raise DataValidationError(
                f"design={design!r} needs treatment=<column of the treatment labels>."
            )
        stray = [
            f"{name}="
            for name, value in (
                ("whole_plot", whole_plot),
                ("sub_plot", sub_plot),
                ("horizontal", horizontal),
                ("vertical", vertical),
            )
            if value is not None
        ]
        if stray:
            raise DataValidationError(
                f"design={design!r} does not use {', '.join(stray)}; they belong to "
                "design='split_plot' (whole_plot=, sub_plot=) or 'strip_plot' (horizontal=, "
                "vertical=)."
            )
        model = fit(
            data,
            response=response,
            treatment=treatment,
            block=block,
            design=design,
            row=row,
            column=column,
        )
        # the residual table (its two studentized columns: 5.9 million plots, 90 MiB) is
        # built after the normality and Brown-Forsythe tests, which read the fit's own
        # residuals and leverage (the table's columns, the same values): the tests'
        # temporaries then do not come on top of it (stop 43)
        deferred = (model, treatment)
        groups = model.codes[treatment]
        df_error, mse, mean = model.df_error, model.mse, model.grand_mean
    if deferred is not None:
        residual, leverage = deferred[0].residuals, deferred[0].leverage
    elif table is not None:
        residual, leverage = table["residual"], table["leverage"]
    else:  # pragma: no cover - every branch above gives a table or a fit
        raise RuntimeError("diagnostics: no residual table (a yieldtrial bug)")
    e = residual.to_numpy(dtype=float)
    # a plot with leverage 1 (an augmented design's unreplicated entry, a treatment left
    # with one plot) has a residual of exactly zero whatever its yield: it says nothing
    # about the errors, and a heap of such zeros makes Shapiro-Wilk reject normality
    informative = leverage.to_numpy(dtype=float) < 1.0 - 1e-8
    del residual, leverage
    testable = df_error >= (MIN_STRATUM_FIT_DF if stratum_fit is not None else 1)
    # every plot informative (the usual case): the residuals themselves, not a copy
    every = bool(informative.all())
    e_used = e if every else e[informative]
    shapiro = _shapiro(e_used, df_error) if testable else (float("nan"),) * 2
    normality_test = _normality_test_name(int(np.count_nonzero(informative)))
    levene = (
        _levene(e_used, np.asarray(groups) if every else np.asarray(groups)[informative])
        if testable
        else (float("nan"),) * 2
    )
    del e_used
    if deferred is not None:
        # the residuals read once (a large closed-form fit computes them at each read)
        table = _residual_table(deferred[0], treatment=deferred[1], plot_id=plot_id, residuals=e)
    del e
    if table is None:  # pragma: no cover - as above
        raise RuntimeError("diagnostics: no residual table (a yieldtrial bug)")
    # |r| > threshold without a plot-sized |r| (5.9 million plots: 45 MiB), and the few
    # flagged rows taken by position (a boolean .loc on every plot copied the columns)
    flagged = _beyond(table["studentized_residual"].to_numpy(), outlier_threshold)
    outliers = table.iloc[flagged][
        ["plot_id", "treatment", "block", "residual", "studentized_residual"]
    ].reset_index(drop=True)

    if df_error > 0 and np.isfinite(mse) and mean > 0:
        cv_pct = float(100.0 * np.sqrt(mse) / mean)
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
    # a split or strip plot has a CV per error stratum (Gomez & Gomez 1984, ch. 3): this one
    # is the innermost's; the outer strata's are said by _strata_residuals
    cv_name = _INNER_CV.get(str(design), "CV")
    if cv_flag == "strong":
        msg = (
            f"{cv_name} = {cv_pct:.1f} % is above {message_number(cv_strong_pct)} %: plot-to-plot "
            "variation is "
            "very high for a yield trial; check the data for errors and treat the comparisons with "
            "caution (trial-validity rules often reject such sites)."
        )
        findings.append(msg)
        emitted.append(msg)
    elif cv_flag == "warn":
        msg = (
            f"{cv_name} = {cv_pct:.1f} % is above {message_number(cv_warn_pct)} %: plot-to-plot "
            "variation is "
            "high; "
            "only large differences will be detectable."
        )
        findings.append(msg)
        emitted.append(msg)
    df_warning = df_error < MIN_ERROR_DF
    if intra_block and df_error == 0:
        msg = (
            "the intra-block model the residuals are checked on (every blocking factor "
            "fixed) leaves no error degrees of freedom: the residuals cannot be checked; the "
            "mixed model's tests use their own df."
        )
        findings.append(msg)
        emitted.append(msg)
    elif intra_block and df_warning:
        msg = (
            f"only {df_error} error degrees of freedom (fewer than {MIN_ERROR_DF}) in the "
            "intra-block model the residuals are checked on (every blocking factor fixed): "
            "the residual checks have little power; the mixed model's tests use their own df."
        )
        findings.append(msg)
        emitted.append(msg)
    elif df_error == 0 and model is not None:
        from yieldtrial.stats.anova_tables import replication_advice

        msg = (
            "no error degrees of freedom (one plot per treatment): no test or p-value is "
            "possible. " + replication_advice(len(model.levels), model.design)
        )
        findings.append(msg)
        emitted.append(msg)
    elif stratum_fit is not None and df_error < MIN_STRATUM_FIT_DF:
        msg = (
            f"the least-squares fit of the observed plots leaves {df_error} residual degrees "
            f"of freedom in the innermost stratum (fewer than {MIN_STRATUM_FIT_DF}): too few "
            "to check the residuals."
        )
        findings.append(msg)
        emitted.append(msg)
    elif df_warning:
        # a third of the plots or more unreplicated (leverage 1): an augmented design, whose
        # entries are unreplicated by intent; its error df come from the checks, (b - 1)(c - 1)
        # for b blocks of c checks (Federer 1956), so "add replicates" is no advice.  (An RCBD
        # that lost plots leaves only a few treatments with one plot: replicates are the fix.)
        augmented = design == "rcbd" and 3 * int(np.count_nonzero(~informative)) >= informative.size
        fix = (
            "add checks to each block or add blocks (the error df of an augmented design "
            "come from its checks)"
            if augmented
            else "add replicates"
        )
        msg = (
            f"only {df_error} error degrees of freedom (fewer than {MIN_ERROR_DF}): the error "
            f"variance is poorly estimated and tests have little power; {fix}."
        )
        findings.append(msg)
        emitted.append(msg)
        if np.sqrt(df_error) <= outlier_threshold:  # no overflow for 1e308
            findings.append(
                f"with {df_error} error df an internally studentized residual cannot exceed "
                f"{np.sqrt(df_error):.2f}, so no plot can be flagged as an outlier beyond "
                f"{message_number(outlier_threshold)}; inspect the externally studentized "
                "residuals."
            )
    if np.isfinite(shapiro[1]) and shapiro[1] < alpha:
        statistic = (
            f"Shapiro-Wilk W = {shapiro[0]:.3f}"
            if normality_test == "shapiro_wilk"
            else f"D'Agostino-Pearson K² = {shapiro[0]:.2f}"
        )
        findings.append(
            f"residuals depart from normality ({statistic}, "
            f"p = {shapiro[1]:.3g}); look for outliers or consider a transformation."
        )
    if np.isfinite(levene[1]) and levene[1] < alpha:
        findings.append(
            f"residual variances differ between treatments (Brown-Forsythe F = {levene[0]:.2f}, "
            f"p = {levene[1]:.3g}); comparisons that assume a common variance may mislead."
        )
    # column by column, not row by row (iterrows: 16,000 outliers of 5.9 million plots, 3 s)
    for plot, label, block_label, r in zip(
        *(outliers[c].tolist() for c in ("plot_id", "treatment", "block", "studentized_residual")),
        strict=True,
    ):
        findings.append(
            f"plot {plot} (treatment {label}"
            + (f", block {block_label}" if block_label is not None else "")
            + f") has studentized residual {r:.2f}: check its record."
        )
    findings.extend(extra_findings)
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
        strata=strata,
        stratum_fit=stratum_fit,
        normality_test=normality_test,
    )


def _residual_table(
    model: DesignFit, *, treatment: str, plot_id: str, residuals: np.ndarray | None = None
) -> pd.DataFrame:
    """Per-plot residual table of an additive design model.

    ``residuals``: ``model.residuals.to_numpy(dtype=float)`` when already read (held by
    the table, not copied).
    """
    from yieldtrial.stats._common import copy_on_write

    used = model.data
    e = model.residuals.to_numpy(dtype=float) if residuals is None else residuals
    internal, external = _studentized_of(model, e)
    labels = label_columns(model, treatment=treatment, plot_id=plot_id)
    if copy_on_write():
        # the fit's own columns, not copied into one block of five (5.9 million plots:
        # 225 MB, held with the fit by the report's diagnostics); pandas copies a column
        # of either on its first change, and the label arrays are copied as before
        numbers = {
            "fitted": model.fitted,
            # computed for this table (a large closed-form fit): wrapped, not copied
            "residual": (
                pd.Series(e, index=used.index, name="residual", copy=False)
                if model.held_residuals is None
                else model.residuals.astype(float)
            ),
            "leverage": model.leverage,
            "studentized_residual": internal,
            "externally_studentized_residual": external,
        }
        columns = {
            name: np.array(v, copy=True) if isinstance(v, np.ndarray) else v.copy()
            for name, v in labels.items()
        }
        frame = pd.DataFrame(
            {name: pd.Series(v, index=used.index, copy=False) for name, v in columns.items()},
            copy=False,
        )
        for name, series in numbers.items():
            frame[name] = series.set_axis(used.index) if series.index is not used.index else series
        return frame
    return pd.DataFrame(
        {
            **labels,
            "fitted": model.fitted.to_numpy(),
            "residual": e,
            "leverage": model.leverage.to_numpy(),
            "studentized_residual": internal.to_numpy(),
            "externally_studentized_residual": external.to_numpy(),
        },
        index=used.index,
    )


def label_columns(
    model: DesignFit, *, treatment: str, plot_id: str, rows: np.ndarray | None = None
) -> dict[str, Any]:
    """``plot_id``, ``treatment`` and ``block`` of the residual table, as text columns.

    ``rows`` (positions in ``model.data``) gives only those plots, in that order: the same
    values as the full columns taken at ``rows``, without turning every plot's labels
    into text (an outlier test of millions of plots needs the labels of a few).
    """
    from yieldtrial.io._factorize import text_categories
    from yieldtrial.stats._common import text_objects

    used = model.data
    if rows is not None:
        # the label columns only, then the rows: taking rows of every column would join
        # the chunks of a column such as the constant ``moisture_method`` text into one
        # array first (5.9 million plots: a 96 MiB transient for a few rows)
        wanted = [model.block, treatment, plot_id]
        used = used[[c for c in dict.fromkeys(wanted) if c is not None and c in used.columns]]
        used = used.iloc[rows]
    ids = used[plot_id] if plot_id in used.columns else pd.Series(used.index, index=used.index)
    text = _inferred_text_dtype()

    def kept(series: pd.Series) -> Any:
        # a column already of the text dtype pandas gives a column of str objects (pandas
        # 3), without missing values: passed on as it is, the same column without a
        # Python string per plot and back (5.9 million plot ids: about 1 s and 300 MB)
        if isinstance(series.dtype, pd.StringDtype) and series.dtype == text and not series.hasnans:
            return series.array
        if text_categories(series) and not series.hasnans:
            # a large table's blocks and treatments (stop 52): codes and one copy of each
            # label, not a Python string per plot and text again (blocks: 47 + 75 MiB)
            return series.array
        return None

    # labels as text, one str object per distinct label (millions of plots: no str per cell)
    block_values = (
        np.full(len(used), None, dtype=object) if model.block is None else kept(used[model.block])
    )
    if block_values is None:
        block_values = text_objects(used[model.block], map_str=True)
    treatment_values = kept(used[treatment])
    if treatment_values is None:
        treatment_values = text_objects(used[treatment], map_str=True)
    id_values = kept(ids)
    return {
        "plot_id": ids.to_numpy(dtype=object) if id_values is None else id_values,
        "treatment": treatment_values,
        "block": block_values,
    }


def _inferred_text_dtype() -> Any:
    """Return the dtype of a column built from ``str`` objects (``str`` in pandas 3)."""
    return pd.DataFrame({"x": np.array(["x"], dtype=object)})["x"].dtype


def strata_factors(
    design: str,
    *,
    treatment: str | None,
    given: dict[str, str | None],
    row: str | None,
    column: str | None,
) -> tuple[str, str]:
    """Return the two factor columns of a split/strip plot, checked as :func:`anova` does."""
    names = ("whole_plot", "sub_plot") if design == "split_plot" else ("horizontal", "vertical")
    stray = [n for n, v in given.items() if v is not None and n not in names]
    stray += [n for n, v in (("row", row), ("column", column)) if v is not None]
    if stray:
        raise DataValidationError(
            f"design={design!r} does not use {', '.join(f'{n}=' for n in stray)}; it uses "
            f"{names[0]}= and {names[1]}=."
        )
    return two_factor_columns(design, names, given[names[0]], given[names[1]], treatment=treatment)


def _strata_residuals(
    data: pd.DataFrame,
    *,
    response: str,
    block: str,
    design: str,
    first: str,
    second: str,
    plot_id: str,
    cv_warn_pct: float,
    cv_strong_pct: float,
) -> tuple[pd.DataFrame, np.ndarray, StrataAnova, list[str]]:
    """Residual table of the innermost stratum of a split/strip plot, and what is not checked.

    Returns the per-plot table (as for an additive design, ``treatment`` = ``"a:b"``),
    the Levene groups (codes of the sub-plot / vertical factor), the stratum ANOVA and
    findings about the outer strata.
    """
    from yieldtrial.stats._strata import factor_levels
    from yieldtrial.stats.model import least_squares, model_matrix
    from yieldtrial.stats.splitplot import split_plot_anova, strip_plot_anova

    outer, stratum, inner = _outer_strata(design, block=block, first=first, second=second)
    if design == "split_plot":
        strata = split_plot_anova(
            data, response=response, block=block, whole_plot=first, sub_plot=second
        )
        terms: list[tuple[str, ...]] = [
            (block,), (first,), (block, first), (second,), (first, second),
        ]  # fmt: skip
    else:
        strata = strip_plot_anova(
            data, response=response, block=block, horizontal=first, vertical=second
        )
        terms = [(block,), (first,), (block, first), (second,), (block, second), (first, second)]
    # complete and balanced (the stratum ANOVA refuses missing or duplicated plots)
    codes: dict[str, np.ndarray] = {}
    labels: dict[str, tuple[str, ...]] = {}
    for col in (block, first, second):
        codes[col], labels[col] = factor_levels(data[col], col)
    y = pd.to_numeric(data[response], errors="coerce").to_numpy(dtype=float)
    centre = float(np.mean(y))
    x, _ = model_matrix(codes, {c: len(v) for c, v in labels.items()}, terms)
    sol = least_squares(x, y - centre)
    mse, df_inner = strata.error(inner)
    residuals = sol.residuals
    leverage = sol.leverage
    internal, external = _studentize(residuals, leverage, int(df_inner), mse)
    ids = data[plot_id] if plot_id in data.columns else pd.Series(data.index, index=data.index)
    cell = [
        f"{labels[first][i]}:{labels[second][j]}"
        for i, j in zip(codes[first], codes[second], strict=True)
    ]
    table = pd.DataFrame(
        {
            "plot_id": ids.to_numpy(dtype=object),
            "treatment": np.asarray(cell, dtype=object),
            "block": np.asarray([labels[block][i] for i in codes[block]], dtype=object),
            "fitted": sol.fitted + centre,
            "residual": residuals,
            "leverage": leverage,
            "studentized_residual": internal,
            "externally_studentized_residual": external,
        },
        index=data.index,
    )
    findings: list[str] = []
    for name, (what, factor, unit) in outer.items():
        _, df = strata.error(name)
        cv = strata.cv_pct[name]
        findings.append(_unchecked_stratum(
            name, (what, factor, unit), df, stratum=stratum, inner=inner, inner_df=df_inner,
            block=block,
        ))  # fmt: skip
        limit = cv_strong_pct if cv > cv_strong_pct else cv_warn_pct
        if np.isfinite(cv) and cv > cv_warn_pct:
            findings.append(
                f"CV of {name} ({what}) = {cv:.1f} % is above {message_number(limit)} %: tests "
                "against "
                "that error are imprecise."
            )
        if df < MIN_ERROR_DF:
            findings.append(
                f"{name} ({what}) has only {df:g} df (fewer than {MIN_ERROR_DF}): tests against "
                "it have little power."
            )
    return table, codes[second], strata, findings


def _outer_strata(
    design: str, *, block: str, first: str, second: str
) -> tuple[dict[str, tuple[str, str, str]], str, str]:
    """Return the outer strata of a split/strip plot (``what, factor, unit``), inner names."""
    if design == "split_plot":
        outer = {"error_a": (f"whole plots, {block} x {first}", first, "whole plot")}
        return outer, "sub-plot", "error_b"
    outer = {
        "error_a": (f"horizontal strips, {block} x {first}", first, "strip"),
        "error_b": (f"vertical strips, {block} x {second}", second, "strip"),
    }
    return outer, "intersection-plot", "error_c"


def _unchecked_stratum(
    name: str,
    outer: tuple[str, str, str],
    df: float | None,
    *,
    stratum: str,
    inner: str,
    inner_df: float,
    block: str,
) -> str:
    """Say that an outer stratum's residuals are not checked (balanced and missing-plot paths).

    ``outer`` is the stratum's ``what, factor, unit`` (:func:`_outer_strata`) and ``df`` its
    df (None: not said, the missing-plot path); ``stratum``, ``inner`` and ``inner_df`` name
    the innermost stratum, whose residuals are checked, and its error df.
    """
    what, factor, unit = outer
    said = "" if df is None else f", {df:g} df"
    return (
        f"not checked: the {name} stratum ({what}{said}) has no plot-level residuals "
        f"of its own; normality, equal variances and outliers are tested on the {stratum} "
        f"residuals ({inner}, {inner_df:g} df) only. Look at the {factor} means per "
        f"{block} for a suspicious {unit}."
    )


def _strata_plots_missing(
    data: pd.DataFrame, *, response: str, block: str, first: str, second: str
) -> bool:
    """Tell whether a split/strip plot only lacks some plots (else the stratum ANOVA checks).

    True when some ``block x A x B`` cell has no observed yield while no cell has two, every
    label is given, every yield is a number or blank and each factor has two levels or more.
    Anything else wrong (a missing column, a text yield, a duplicated plot, a blank label) is
    left to the stratum ANOVA, which says what it is.
    """
    columns = [block, first, second]
    if (
        not isinstance(data, pd.DataFrame)
        or any(c not in data.columns for c in [response, *columns])
        or len({response, *columns}) != 4
    ):
        return False
    labels = data[columns]
    if labels.isna().to_numpy().any():
        return False
    y = pd.to_numeric(data[response], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if (np.isnan(y) & ~data[response].isna().to_numpy()).any():
        return False  # text in the yield column
    text = pd.DataFrame({c: labels[c].astype(object).map(str) for c in columns})
    observed = text.loc[np.isfinite(y)]
    if observed.duplicated().any():
        return False
    levels = [text[c].nunique() for c in columns]
    if min(levels) < 2:
        return False
    return len(observed) < int(np.prod(levels))


def _missing_strata_residuals(
    data: pd.DataFrame,
    *,
    response: str,
    block: str,
    design: str,
    first: str,
    second: str,
    plot_id: str,
) -> tuple[pd.DataFrame, np.ndarray, int, float, float, Provenance, list[str]]:
    """Innermost-stratum residuals of a split/strip plot with missing plots, by least squares.

    The full stratum model (``block + A + block:A + B + A:B``, strip plot ``+ block:B``) is
    fitted to the observed plots (:func:`yieldtrial.stats._stratum_fit.stratum_table`, the fit
    the outlier test uses).  Returns the residual table, the Levene groups (the sub-plot /
    vertical factor's labels), residual df and mean square, the observed grand mean, the
    fit's provenance and the findings about the outer strata (not checked).
    """
    from yieldtrial.stats._stratum_fit import stratum_table
    from yieldtrial.stats.results import Provenance

    ls_fit = stratum_table(
        data, response=response, block=block, first=first, second=second, design=design,
        plot_id=plot_id,
    )  # fmt: skip
    table, df, inner = ls_fit.table, ls_fit.df, ls_fit.error_term
    y = pd.to_numeric(data[response], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    observed = np.isfinite(y)
    mean = float(np.mean(y[observed]))
    groups = data[second].astype(object).map(str).to_numpy(dtype=object)[observed]
    # the outer strata are named without df: the analysis of these plots is REML
    # (stats.trial_analysis.analysis_model), whose whole-plot (strip) test has Satterthwaite
    # or Kenward-Roger df, pooled with the residual when that variance is at zero; the rank
    # block x A adds to this least-squares fit is the complete data's (r - 1)(a - 1) as long
    # as no whole plot is lost (the rice split plot with 1 or 3 sub-plots deleted: 10), a df
    # no test of the report uses
    outer, stratum, _ = _outer_strata(design, block=block, first=first, second=second)
    findings = [
        _unchecked_stratum(
            name, outer_stratum, None, stratum=stratum, inner=inner, inner_df=df, block=block
        )
        for name, outer_stratum in outer.items()
    ]
    provenance = Provenance(
        design=design,
        model=ls_fit.formula,
        error_term=inner,
        df_error=float(df),
        sum_of_squares="none (least-squares residuals of the observed plots)",
    )
    return table, groups, int(df), ls_fit.mse, mean, provenance, findings
