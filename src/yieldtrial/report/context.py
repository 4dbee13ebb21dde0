"""The numbers behind a report: LS-means, ANOVA, letters, Dunnett and diagnostics.

:class:`ReportContext` runs the trial's own methods once (so the report's numbers
are the object's) and keeps the results for the section builders in
:mod:`yieldtrial.report.sections`.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.config import TrialConfig
from yieldtrial.errors import BorderlineVerdictWarning, DataValidationError, YieldTrialWarning
from yieldtrial.io._guard import held_warnings
from yieldtrial.io.progress import stage
from yieldtrial.report.entries import EntrySelection, select_entries
from yieldtrial.report.i18n import letters_one_df, letters_variant
from yieldtrial.report.model import Companion, json_value, records
from yieldtrial.report.settings import ReportSettings

__all__ = ["UPPER_ALPHA", "ReportContext", "comparisons_warned_of", "letters_alphas"]

#: Significance level of the uppercase letters.
UPPER_ALPHA = 0.01


@contextlib.contextmanager
def comparisons_warned_of() -> Iterator[None]:
    """Leave out the borderline-verdict warning of comparisons the report has warned of.

    :meth:`ReportContext.compute` compares the treatments with the controls once
    (``compare_to_control``, at the report's alpha, with the non-inferiority tests), and
    that call warns of a P value near alpha.  The means table's P values against the
    controls (``means``, tested at 0.05) and the efficiency and economics sections'
    intervals (Dunnett's, computed again) come from the same comparisons: each said the
    borderline P a second time, in other words (another count of P values, or alpha
    0.05 in a report at 0.01), on standard error (stop 50).  Only that warning
    (:class:`~yieldtrial.errors.BorderlineVerdictWarning`) is left out of them.
    """
    with held_warnings():
        warnings.filterwarnings("ignore", category=BorderlineVerdictWarning)
        yield


def letters_alphas(alpha: float) -> tuple[float, ...]:
    """Return the levels of the letter columns: ``alpha`` (lowercase), and 0.01 (uppercase).

    The uppercase column at :data:`UPPER_ALPHA` is a second, stricter level, so it is
    shown only when ``alpha`` is above 0.01: at 0.01 it would repeat the lowercase
    letters, and below 0.01 it would be the less strict of the two.

    Examples
    --------
    >>> letters_alphas(0.05), letters_alphas(0.1), letters_alphas(0.01)
    ((0.05, 0.01), (0.1, 0.01), (0.01,))
    """
    return (alpha, UPPER_ALPHA) if alpha > UPPER_ALPHA else (alpha,)


#: Above this many plots the report summarises its plot listing (plots table,
#: plots_by_block, the JSON's plot records) instead of listing every plot, so a
#: 200 MB plot table gives a report of bounded size; ``yieldtrial standardize``
#: writes the full standardized table.
PLOT_LISTING_LIMIT = 2000

#: How many plots a summarised listing still shows (the first rows of the table).
PLOT_LISTING_SHOWN = 20


def plot_listing_limits() -> tuple[int, int]:
    """Return (:data:`PLOT_LISTING_LIMIT`, :data:`PLOT_LISTING_SHOWN`), read at call time."""
    return PLOT_LISTING_LIMIT, PLOT_LISTING_SHOWN


#: Most plots the report's figures draw one by one (the plot-yield markers, the field map of
#: yields or residuals; :data:`yieldtrial.report.sections.figures.MAX_PLOT_MARKERS`): above
#: it the report's diagnostics keep no residuals (:func:`_without_studentized`).
MAX_PLOT_MARKERS = 20_000


def _without_studentized(diag: Any) -> Any:
    """Return ``diag`` with its residual table without the columns the report never reads.

    The report reads the residual table only for its residual figure (plot ids and
    residuals), and draws that figure for at most
    :data:`MAX_PLOT_MARKERS` plots; the outliers,
    tests and CV are kept as computed.  The two studentized columns are the table's only
    arrays of its own (5.9 million plots: 90 MiB, held through the data checks' screening
    otherwise); the fitted values are never read, and above that many plots neither are
    the residuals: a large complete, balanced fit holds neither
    (:data:`yieldtrial.stats.model.COMPUTED_FIT_PLOTS`), so the table's are the only copy
    (another 90 MiB; stop 53).  Under copy on write the other columns stay the fit's
    arrays; without it (pandas < 3 by default) dropping would copy them, so the table is
    kept as it is.
    """
    from dataclasses import replace

    from yieldtrial.stats._common import copy_on_write

    studentized = ["studentized_residual", "externally_studentized_residual"]
    if diag is None or not copy_on_write():
        return diag
    table = diag.residuals
    if not all(column in table.columns for column in studentized):
        return diag
    unread = studentized + ["fitted"] * ("fitted" in table.columns)
    if len(table) > MAX_PLOT_MARKERS and "residual" in table.columns:
        unread.append("residual")
    return replace(diag, residuals=table.drop(columns=unread))


def _normalise_means(frame: pd.DataFrame, s: ReportSettings) -> pd.DataFrame:
    """Rename a library means table to ``treatment, n, mean, se, ci_low, ci_high`` (kg/ha)."""
    suffix = s.ycol.removeprefix("yield")
    rename = {}
    for col in frame.columns:
        base = str(col)
        if base.endswith(suffix) and base != s.ycol:
            base = base[: -len(suffix)]
        if base in ("lsmean", "estimate", "mean", "yield", s.ycol):
            rename[col] = "mean"
        elif base in ("se", "ci_low", "ci_high", "n", "treatment"):
            rename[col] = base
        elif base in ("level", "lower", "upper", "n_plots", "lsmean_se"):
            rename[col] = {
                "level": "treatment",
                "lower": "ci_low",
                "upper": "ci_high",
                "n_plots": "n",
                "lsmean_se": "se",
            }[base]
    out = frame.rename(columns=rename)
    if "treatment" not in out.columns:
        out = out.reset_index().rename(columns={"index": "treatment"})
    keep = [c for c in ("treatment", "n", "mean", "se", "ci_low", "ci_high") if c in out.columns]
    return out[keep].reset_index(drop=True)


def _unreplicated_means(trial: Any, s: ReportSettings) -> pd.DataFrame:
    """Means of a trial without error df (the trial's own means model; SE and CI when df > 0)."""
    from yieldtrial.stats._univariate import t_ppf  # scipy.stats.t.ppf, bit for bit

    mm = trial.means_model(s.kind, unit="kg/ha")
    se = mm.se
    df = float(mm.df)
    if np.isfinite(df) and df > 0 and np.isfinite(mm.mse):
        q = float(t_ppf(1 - s.alpha / 2, df))
        low, high = mm.estimates - q * se, mm.estimates + q * se
    else:
        se = np.full(len(mm.levels), np.nan)
        low = high = np.full(len(mm.levels), np.nan)
    return pd.DataFrame(
        {
            "treatment": list(mm.levels),
            "n": mm.n.astype(int),
            "mean": mm.estimates,
            "se": se,
            "ci_low": low,
            "ci_high": high,
        }
    )


def model_letters(mm: Any, s: ReportSettings) -> tuple[pd.Series | None, pd.Series | None, Any]:
    """Letters of a ``MeansModel`` at ``s.alpha`` (lowercase) and 0.01 (uppercase).

    The uppercase letters only when ``s.alpha`` is above 0.01 (:func:`letters_alphas`).

    Duncan, SNK, Scheffe and Tukey go through
    :func:`yieldtrial.stats.multiple_range.two_level_letters`; the protected LSD
    (and any test at alpha <= 0.01) through the pairwise comparisons and the
    compact letter display at each level.  The letters use the error term of
    ``mm`` (error a for whole-plot means, error b for sub-plot means).

    Returns
    -------
    lower, upper : Series or None
        Letters indexed by level (None when the test does not apply; ``upper`` also when
        ``s.alpha`` is 0.01 or below).
    table : DataFrame or None
        The two-level letters table when it was computed in one go.
    """
    if s.alpha > UPPER_ALPHA and s.letters != "lsd":
        from yieldtrial.stats.multiple_range import two_level_letters

        table = two_level_letters(
            mm, test=s.letters, alpha_lower=s.alpha, alpha_upper=UPPER_ALPHA, always=s.controls
        )
        by_level = table.set_index("level")
        lower = by_level["letters_05"].astype(str)
        lower.attrs["provenance"] = table.attrs.get("provenance")
        return lower, by_level["letters_01"].astype(str), table
    from yieldtrial.stats.compare import pairwise_means
    from yieldtrial.stats.letters import compact_letters
    from yieldtrial.stats.multiple_range import LETTERS_ALL_MAX, summarised_letters

    if len(mm.levels) > LETTERS_ALL_MAX:
        # thousands of entries: pairs tested in chunks, letters for the top means and controls
        if s.letters not in ("tukey", "lsd"):
            return None, None, None
        table = summarised_letters(
            mm, test=s.letters, alphas=letters_alphas(s.alpha), always=s.controls, protected=True
        )
        by_level = table.set_index("level")
        upper = by_level["letters_01"].astype(str) if "letters_01" in by_level else None
        lower = by_level["letters_05"].astype(str)
        lower.attrs["provenance"] = table.attrs.get("provenance")
        return lower, upper, table

    found: list[pd.Series | None] = [None, None]
    for index, alpha in enumerate(letters_alphas(s.alpha)):
        try:
            pairs = pairwise_means(mm, method=s.letters, alpha=alpha)
        except DataValidationError:
            continue
        letters = compact_letters(list(mm.levels), np.asarray(mm.estimates), pairs)
        letters.attrs["provenance"] = pairs.attrs.get("provenance")
        found[index] = letters
    return found[0], found[1], None


def _letters_table(mm: Any, lower: pd.Series, upper: pd.Series | None) -> pd.DataFrame:
    """Table the letters as :func:`~yieldtrial.stats.multiple_range.two_level_letters` does.

    For letters found pair by pair (the protected LSD, or alpha at or below 0.01): the
    records ``level``, ``mean``, ``se``, ``n``, ``rank`` (1 = highest mean), ``letters_05``
    (at alpha) and, with the uppercase level, ``letters_01``.
    """
    table = pd.DataFrame(
        {"level": list(mm.levels), "mean": mm.estimates, "se": mm.se, "n": mm.n.astype(int)}
    )
    table = table.sort_values("mean", ascending=False, kind="stable").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    table["letters_05"] = lower.reindex(table["level"]).to_numpy()
    if upper is not None:
        table["letters_01"] = [str(v).upper() for v in upper.reindex(table["level"])]
    return table


@dataclass
class DesignMeans:
    """Means of one factor (or the A x B cells) of a two-factor design, on its error term."""

    kind: str
    factor: str
    error_term: str
    df: float
    table: pd.DataFrame


@dataclass
class ReportContext:
    """Trial, settings and computed results shared by the section builders."""

    trial: Any
    config: TrialConfig
    s: ReportSettings
    plots: pd.DataFrame
    used: pd.DataFrame
    results: dict[str, Any]
    meta: dict[str, Any]
    anova: Any = None
    diag: Any = None
    means: pd.DataFrame | None = None
    comparisons: pd.DataFrame | None = None
    design_means: list[DesignMeans] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The entries the per-entry tables show (None: every entry; see report.entries).
    entries: EntrySelection | None = None
    #: Complete versions of the tables the sections summarise (Report.companions).
    companions: list[Companion] = field(default_factory=list)
    #: What each line of ``results["conclusions"]`` is ("dunnett_sig", "dunnett_ns",
    #: "noninferiority", "ranking", "other"), for the summary.
    conclusion_kinds: list[str] = field(default_factory=list)
    #: Provenance of the main means' letters (test, adjustment, error term), when drawn.
    letters_provenance: dict[str, Any] | None = None

    @property
    def single_error(self) -> bool:
        """Whether the ANOVA is a one-error-term ``AnovaResult`` (CRD, RCBD, Latin square).

        False for mixed models (REML) and augmented designs, which have their own sections.
        """
        return (
            self.anova is not None
            and not self.s.factors
            and hasattr(self.anova, "relative_efficiency")
        )

    # ---------------------------------------------------------------- compute
    def _check_yield_components(self) -> None:
        """Warn, as the yield-components table's theoretical yield does, of spikes per mu in 万.

        The table (report.sections.extra) is built after the data-quality section, so its
        warning is raised here, with the analyses' warnings, to be listed in that section.
        """
        columns = ("heads_per_mu", "grains_per_head", "thousand_grain_weight_g")
        if not all(column in self.used.columns for column in columns):
            return
        from yieldtrial.harvest import warn_heads_in_wan

        heads = self.used["heads_per_mu"].astype(float).groupby(self.used["treatment"]).mean()
        warn_heads_in_wan(heads.to_numpy())

    def compute(self) -> None:
        """Run the trial's analyses once and collect their warnings."""
        s = self.s
        kind = {} if s.kind is None else {"kind": s.kind}
        with held_warnings(record=True) as caught:
            warnings.simplefilter("always", YieldTrialWarning)
            self._check_yield_components()
            if s.replicated:
                # the means' P values against the controls (at 0.05) are those of the
                # comparisons below (at the report's alpha), which warn of a borderline one
                again = comparisons_warned_of() if s.controls else contextlib.nullcontext()
                with stage("fitting the design model"), again:
                    frame = self.trial.means(
                        letters=None, alpha=s.alpha, confidence=1 - s.alpha, unit="kg/ha", **kind
                    )
                    self.means = _normalise_means(frame, s)
                    self.anova = self.trial.anova(alpha=s.alpha, unit="kg/ha")
                if getattr(self.anova, "inference", None) is not None:
                    self.anova = None
                else:
                    try:
                        with stage("residual checks"):
                            self.diag = self.trial.diagnostics(alpha=s.alpha, unit="kg/ha")
                    except DataValidationError as exc:  # a design without residual checks
                        from yieldtrial.stats.trial_analysis import DISCONNECTED_BLOCKS

                        self.diag = None
                        if DISCONNECTED_BLOCKS in str(exc):  # the comparisons rest on it too
                            self.warnings.append(str(exc))
                    d = self.diag
                    if (
                        d is not None
                        and d.stratum_fit is not None
                        and not (np.isfinite(d.shapiro[1]) or np.isfinite(d.levene[1]))
                    ):
                        # a split/strip plot whose missing plots leave too few residuals
                        # to test: the data-quality section says the checks were not run
                        self.diag = None
                    # the library's diagnostics, studentized columns and all, referenced by
                    # ``d`` no longer (5.9 million plots: 90 MiB held through the letters)
                    d = None
                    self.diag = _without_studentized(self.diag)
                with stage("letters"):
                    self._add_letters()
                if s.factors and self.anova is not None:
                    self._compute_design_means()
            else:
                self.means = _unreplicated_means(self.trial, s)
            # the library's comparisons in every case (unreplicated: differences with NaN
            # p-values and the inference note), so the JSON equals compare_to_control()
            if s.controls:
                with stage("comparisons with the control"):
                    self.comparisons = self.trial.compare_to_control(
                        control=list(s.controls),
                        method="dunnett",
                        confidence=1 - s.alpha,
                        margin_pct=s.margin_pct if s.replicated else None,
                        unit="kg/ha",
                        **kind,
                    )
        for item in caught:
            if issubclass(item.category, YieldTrialWarning):
                self.warnings.append(str(item.message))
            else:  # pragma: no cover - re-emit anything else
                warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
        self._rank()
        self.entries = select_entries(
            self.means,
            self.comparisons,
            controls=s.controls,
            alpha=s.alpha,
            difference=f"difference{s.ycol.removeprefix('yield')}",
            checks=self._augmented_checks(),
        )
        self._store_results()

    def _augmented_checks(self) -> tuple[str, ...]:
        """Return an augmented design's checks (the entries are the others), else ()."""
        if str(self.s.design) != "augmented":
            return ()
        checks = getattr(self.anova, "checks", None)
        if checks is not None:  # Federer's fit (fixed blocks): the checks it used
            return tuple(str(c) for c in checks)
        # random blocks (REML): the fit records no checks; augmented_anova()'s own default
        from yieldtrial.stats.augmented import default_checks

        means = self.means
        if means is None or "n" not in means.columns:
            return ()
        n = pd.to_numeric(means["n"], errors="coerce").to_numpy(dtype=float)
        return default_checks(means["treatment"].tolist(), n)

    def _add_letters(self) -> None:
        """Letters of the main means on their design model's error term."""
        s = self.s
        assert self.means is not None  # noqa: S101
        mm = self.trial.means_model(s.kind, unit="kg/ha")
        lower, upper, table = model_letters(mm, s)
        if table is None and lower is not None:  # letters pair by pair: the same table
            table = _letters_table(mm, lower, upper)
        if table is not None and lower is not None:
            prov = lower.attrs.get("provenance")
            self.results["letters"] = {
                "test": s.letters,
                # Tukey HSD / Tukey-Kramer / single-step, and one df for every pair (REML)
                "variant": letters_variant(s.letters, prov),
                "one_df_for_all_pairs": letters_one_df(prov),
                "df_error": json_value(prov.get("df_error")) if isinstance(prov, dict) else None,
                "alphas": list(letters_alphas(s.alpha)),
                "table": records(table),
                "provenance": json_value(prov) if isinstance(prov, dict) else None,
            }
            if "letters_summary" in table.attrs:  # thousands of entries: top means only
                self.results["letters"]["summary"] = json_value(table.attrs["letters_summary"])
        if lower is not None:
            # what the letters were computed with (Tukey HSD, Tukey-Kramer, ...): the methods
            self.letters_provenance = lower.attrs.get("provenance")
            self.means["letters"] = lower.reindex(self.means["treatment"]).to_numpy()
        if upper is not None:
            self.means["letters_upper"] = [
                str(v).upper() for v in upper.reindex(self.means["treatment"])
            ]

    @property
    def tukey_unequal(self) -> bool:
        """Whether any Tukey letters of the report are Tukey-Kramer (means not equally precise).

        Then every Tukey caption names Tukey-Kramer, as the methods section does: a factor of
        two levels (one pair, Tukey's HSD by its provenance) read "Tukey's HSD" beside the
        other factor's "Tukey-Kramer" in a two-factor trial with lost plots (stop 50).
        """
        provenances = [self.letters_provenance] + [
            means.table.attrs.get("letters_provenance") for means in self.design_means
        ]
        return any(
            letters_variant(self.s.letters, prov) == "tukey_kramer"
            for prov in provenances
            if prov is not None
        )

    def _compute_design_means(self) -> None:
        """Means of each factor and of the A x B cells, each on its own error term."""
        s = self.s
        for kind in (*s.factors, "cells"):
            mm = self.trial.means_model(kind, unit="kg/ha")
            table = pd.DataFrame(
                {"level": list(mm.levels), "n": mm.n.astype(int), "mean": mm.estimates,
                 "se": mm.se}
            )  # fmt: skip
            if kind != "cells":
                lower, upper, _ = model_letters(mm, s)
                if lower is not None:
                    table.attrs["letters_provenance"] = lower.attrs.get("provenance")
                    table["letters"] = lower.reindex(table["level"]).to_numpy()
                if upper is not None:
                    table["letters_upper"] = [str(v).upper() for v in upper.reindex(table["level"])]
            factor = kind if kind != "cells" else ":".join(s.factors)
            self.design_means.append(
                DesignMeans(kind, factor, str(mm.error_term), float(mm.df), table)
            )

    def _rank(self) -> None:
        assert self.means is not None  # noqa: S101
        order = self.means["mean"].rank(ascending=False, method="min")
        self.means["rank"] = order.astype("Int64")
        if self.s.levels:
            pos = {lab: i for i, lab in enumerate(self.s.levels)}
            self.means = (
                self.means.assign(_o=self.means["treatment"].map(pos))
                .sort_values("_o")
                .drop(columns="_o")
                .reset_index(drop=True)
            )

    def _anova_results(self) -> dict[str, Any]:
        """Return the ANOVA for the JSON: ``trial.anova().table`` and its summary."""
        a = self.anova
        out: dict[str, Any] = {"table": records(a.table)}
        summary = getattr(a, "summary", None)
        if callable(summary):
            out.update(json_value(summary()))
            block_adjusted = getattr(a, "table_block_adjusted", None)
            if isinstance(block_adjusted, pd.DataFrame):  # augmented design
                out["table_block_adjusted"] = records(block_adjusted)
                out["sed"] = records(a.sed)
                out["model"] = a.provenance.model
            return out
        out["design"] = a.provenance.design
        out["model"] = a.provenance.model
        out["error_term"] = a.provenance.error_term
        out["grand_mean"] = json_value(a.grand_mean)
        out["cv_pct"] = json_value(a.cv_pct)
        sed = getattr(a, "sed", None)
        if isinstance(sed, pd.DataFrame):
            out["sed"] = records(sed)
        note = getattr(a, "note", None)
        if note:
            out["note"] = str(note)
        components = getattr(a, "variance_components", None)
        if isinstance(components, pd.DataFrame):  # mixed model fitted by REML
            out["variance_components"] = records(components)
            out["df_method"] = a.provenance.df_method
            out["variance_estimation"] = a.provenance.variance_estimation
        return out

    def _store_results(self) -> None:
        s = self.s
        r = self.results
        limit, shown = plot_listing_limits()
        if len(self.plots) > limit:
            shown = min(shown, len(self.plots))
            r["plots"] = records(self.plots.head(shown))
            r["plots_listing"] = {
                "summarised": True,
                "n_plots": len(self.plots),
                "listed": shown,
                "left_out": len(self.plots) - shown,
                "limit": limit,
                "full_table": "yieldtrial standardize PLOTS --crop CROP -o yields.csv",
            }
        else:
            r["plots"] = records(self.plots)
        assert self.means is not None  # noqa: S101
        r["means"] = records(self.means)
        if self.entries is not None:  # the sections show a summary; the JSON has every entry
            r["means_listing"] = self.entries.to_dict()
        if s.kind is not None:
            r["means_factor"] = s.kind
        if self.anova is not None:
            r["anova"] = self._anova_results()
        if self.design_means:
            r["design_means"] = [
                {
                    "kind": m.kind,
                    "factor": m.factor,
                    "error_term": m.error_term,
                    "df": m.df,
                    "table": records(m.table),
                }
                for m in self.design_means
            ]
        if self.comparisons is not None:
            r["control_comparisons"] = records(self.comparisons)
            accuracy = self.comparisons.attrs.get("accuracy")
            if accuracy is not None and accuracy != "not applicable":
                r["control_comparisons_accuracy"] = {
                    "note": str(accuracy),
                    "abs_error": json_value(
                        self.comparisons.attrs.get("accuracy_abs_error", float("nan"))
                    ),
                }
        if self.diag is not None:
            shapiro = (
                self.diag.shapiro
                if self.diag.normality_test == "shapiro_wilk"
                else (float("nan"), float("nan"))
            )
            r["diagnostics"] = {
                # the normality test (Shapiro-Wilk up to 5,000 residuals, D'Agostino-
                # Pearson K² above) and its statistic and p; shapiro_w / shapiro_p keep
                # their meaning (null when Shapiro-Wilk was not the test run)
                "normality_test": self.diag.normality_test,
                "normality_statistic": self.diag.shapiro[0],
                "normality_p": self.diag.shapiro[1],
                "shapiro_w": shapiro[0],
                "shapiro_p": shapiro[1],
                "levene_statistic": self.diag.levene[0],
                "levene_p": self.diag.levene[1],
                "cv_pct": self.diag.cv_pct,
                "cv_flag": self.diag.cv_flag,
                "df_error": self.diag.df_error,
                "outliers": records(self.diag.outliers),
                "warnings": list(self.diag.warnings),
            }
        r["warnings"] = list(self.warnings)
        r["response"] = s.ycol
