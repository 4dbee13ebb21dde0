"""Build the report model from a :class:`~yieldtrial.trial.FieldTrial` and its description.

:func:`build_report` computes everything through the library's public functions
(standardized yields, ANOVA, LS-means, Dunnett, pairwise letters, diagnostics,
moisture audit) and lays the results out as sections of data
(:mod:`yieldtrial.report.model`).  Numbers are kept raw; only renderers round.

Sections (keys): ``header``, ``methods``, ``quality``, ``moisture_audit`` (when
the description lists published figures), ``plots``, ``anova`` (replicated
trials), ``means``, ``noninferiority`` (when a margin is set), ``efficiency``
(hook, when :mod:`yieldtrial.efficiency` and fertilizer rates are available),
``figures``, ``conclusions``, ``panel`` (when panel members are given).
"""

from __future__ import annotations

import datetime as _dt
import functools
import importlib
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from yieldtrial.config import TrialConfig
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.report.i18n import CROPS_ZH, check_lang, default_unit, t, translate_message
from yieldtrial.report.model import (
    Bullets,
    Column,
    Figure,
    KeyValues,
    Paragraph,
    Report,
    Section,
    Table,
    json_value,
    records,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["build_report", "ReportSettings"]

_UPPER_ALPHA = 0.01
#: Plot-table columns whose text explains why a plot has no yield.
_REASON_COLUMNS: tuple[str, ...] = (
    "reason",
    "exclude_reason",
    "note",
    "notes",
    "remark",
    "comment",
)


@dataclass
class ReportSettings:
    """Resolved settings of one report (config file, then arguments, then defaults)."""

    lang: str
    unit: str
    ycol: str
    dcol: str
    factor: float
    controls: tuple[str, ...]
    alpha: float
    letters: str
    margin_pct: float | None
    design: str
    block: str | None
    standard_pct: float
    method: str
    replicated: bool
    treatments: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    value = getattr(obj, name, default)
    return default if value is None else value


def _fmt(value: Any, digits: int = 2) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "–"
    return f"{number:.{digits}f}"


def _fmt_signed(value: Any, digits: int = 1) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:+.{digits}f}" if math.isfinite(number) else "–"


def _p(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    return "<0.001" if number < 0.001 else f"{number:.3f}"


def _yield_digits(unit: str) -> int:
    return 1 if unit in ("kg/ha", "lb/ac") else 2


def _join(items: Sequence[str], lang: str) -> str:
    return t("list.sep", lang).join(items)


def _design_label(design: str, replicated: bool, lang: str) -> str:
    if not replicated:
        return t("design.unreplicated", lang)
    key = f"design.{design}"
    return t(key, lang) if key in _STRINGS_KEYS() else t("design.other", lang, design=design)


def _STRINGS_KEYS() -> set[str]:  # noqa: N802 - constant-like accessor
    from yieldtrial.report.i18n import STRINGS

    return set(STRINGS)


def _status_label(value: Any, lang: str) -> str:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    key = f"status.{text.lower()}"
    return t(key, lang) if key in _STRINGS_KEYS() else text


def _means_table(trial: Any, s: ReportSettings, plots: pd.DataFrame) -> pd.DataFrame:
    """LS-means in kg/ha: columns treatment, n, mean, se, ci_low, ci_high.

    Uses ``FieldTrial.means()`` when the trial has it (so the report's numbers are the
    object's), else the design model's LS-means with t intervals on the error df.
    """
    means_fn = getattr(trial, "means", None)
    if callable(means_fn) and s.replicated:
        attempts: tuple[dict[str, Any], ...] = (
            {"letters": None, "alpha": s.alpha, "confidence": 1 - s.alpha},
            {"alpha": s.alpha},
        )
        for kwargs in attempts:
            try:
                frame = means_fn(**kwargs)
            except (TypeError, DataValidationError):
                continue
            if isinstance(frame, pd.DataFrame):
                out = _normalise_means(frame, s)
                if {"treatment", "mean", "n", "se", "ci_low", "ci_high"} <= set(out.columns):
                    keep = ["treatment", "n", "mean", "se", "ci_low", "ci_high"]
                    return out[keep].reset_index(drop=True)
            break
    return _normalise_means(_means_from_model(plots, s), s)


def _normalise_means(frame: pd.DataFrame, s: ReportSettings) -> pd.DataFrame:
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
    return out


def _means_from_model(plots: pd.DataFrame, s: ReportSettings) -> pd.DataFrame:
    from scipy import stats as sps

    from yieldtrial.stats.model import fit

    model = fit(
        plots,
        response=s.ycol,
        treatment="treatment",
        block=s.block,
        design=s.design if s.replicated else "crd",
    )
    mm = model.means_model()
    se = mm.se
    df = float(mm.df)
    if np.isfinite(df) and df > 0 and np.isfinite(mm.mse):
        q = float(sps.t.ppf(1 - s.alpha / 2, df))
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


def _letters(
    plots: pd.DataFrame, means: pd.DataFrame, s: ReportSettings, alpha: float
) -> pd.Series | None:
    from yieldtrial.stats.compare import pairwise
    from yieldtrial.stats.letters import compact_letters

    try:
        table = pairwise(
            plots,
            response=s.ycol,
            treatment="treatment",
            block=s.block,
            design=s.design,
            method=s.letters,
            alpha=alpha,
        )
    except DataValidationError:
        return None
    levels = [str(v) for v in means["treatment"]]
    return compact_letters(levels, means["mean"].to_numpy(dtype=float), table)


# --------------------------------------------------------------------------- settings


def _settings(
    trial: Any,
    config: TrialConfig,
    *,
    lang: str,
    unit: str | None,
    margin_pct: float | None,
    alpha: float | None,
    letters: str | None,
) -> ReportSettings:
    from yieldtrial.units import convert_yield, yield_column, yield_unit

    lang = check_lang(lang)
    chosen = unit or config.unit or (default_unit(lang) if lang == "zh" else None)
    chosen = yield_unit(chosen or _attr(trial, "unit", "kg/ha"))
    plots = trial.plots
    controls = tuple(config.control) or tuple(_attr(trial, "control", ()))
    if isinstance(controls, str):
        controls = (controls,)
    treatments = tuple(str(v) for v in _attr(trial, "treatment_order", ()))
    if not treatments:
        treatments = tuple(dict.fromkeys(str(v) for v in plots["treatment"]))
    for c in controls:
        if c not in treatments:
            raise DataValidationError(
                f"control {c!r} is not a treatment of the plot table; treatments: "
                f"{', '.join(treatments)}. Fix --control or [analysis] control."
            )
    replicated = bool(_attr(trial, "is_replicated", False))
    design = str(
        _attr(trial, "design", None)
        or config.design
        or ("rcbd" if "block" in plots.columns else "crd")
    )
    block = "block" if design == "rcbd" and "block" in plots.columns else None
    return ReportSettings(
        lang=lang,
        unit=chosen,
        ycol=str(_attr(trial, "response", "yield_kg_ha")),
        dcol=yield_column(chosen),
        factor=float(
            np.asarray(convert_yield(1.0, "kg/ha", chosen, crop=_attr(trial, "crop", None)))
        ),
        controls=controls,
        alpha=float(alpha if alpha is not None else (config.alpha or 0.05)),
        letters=(letters or config.letters or "tukey"),
        margin_pct=margin_pct if margin_pct is not None else config.margin_pct,
        design=design,
        block=block,
        standard_pct=float(_attr(trial, "standard_moisture_pct", 13.0)),
        method=str(_attr(trial, "moisture_method", "dry_matter")),
        replicated=replicated,
        treatments=treatments,
    )


# --------------------------------------------------------------------------- build


def build_report(
    trial: Any,
    config: TrialConfig | None = None,
    *,
    lang: str = "en",
    unit: str | None = None,
    margin_pct: float | None = None,
    alpha: float | None = None,
    letters: str | None = None,
    title: str | None = None,
    input_path: str | None = None,
    report_date: str | None = None,
    figures: bool = True,
    extra_warnings: Sequence[str] = (),
) -> Report:
    """Build the yield-test report of a trial.

    Parameters
    ----------
    trial : FieldTrial
        The trial (plots, crop, control(s), protocol, standard moisture, design).
    config : TrialConfig, optional
        The trial description (title, site, treatments, panel...).  Its analysis
        settings are used when the arguments below are ``None``.
    lang : {"en", "zh"}
        Report language; Chinese uses kg/mu by default.
    unit : str, optional
        Display unit (default: the description's, else kg/mu for Chinese, else
        the trial's unit).
    margin_pct : float, optional
        Non-inferiority margin in % of the control mean; adds the verdict.
    alpha : float, optional
        Significance level (default 0.05).
    letters : {"tukey", "lsd"}, optional
        Procedure for the letter display (default Tukey).
    title : str, optional
        Report title.
    input_path : str, optional
        Input file name shown in the header.
    report_date : str, optional
        ISO date shown in the header (default today, UTC).
    figures : bool, default True
        Include the figures.
    extra_warnings : sequence of str
        Warnings raised while reading the data, shown under data quality.

    Returns
    -------
    Report
        The report model; render it with ``to_html()``, ``to_markdown()``,
        ``to_json()`` or ``to_docx()``.
    """
    from yieldtrial import __version__

    config = config or TrialConfig()
    s = _settings(
        trial, config, lang=lang, unit=unit, margin_pct=margin_pct, alpha=alpha, letters=letters
    )
    lang = s.lang
    plots = trial.yields(s.unit).copy()
    if "treatment" in plots.columns:
        plots["treatment"] = plots["treatment"].astype(str)
    used = plots[np.isfinite(plots[s.ycol].to_numpy(dtype=float))].copy()
    date = report_date or _dt.datetime.now(_dt.UTC).date().isoformat()
    source = input_path or _attr(trial, "source", None)
    meta: dict[str, Any] = {
        "trial": {
            **config.to_dict(),
            "source": None if config.source is None else Path(config.source).name,
        },
        "input_file": None if source is None else Path(str(source)).name,
        "input_sha256": _attr(trial, "source_sha256", None),
        "yieldtrial_version": __version__,
        "report_date": date,
        "settings": {
            "crop": _attr(trial, "crop", None),
            "protocol": _attr(trial, "protocol", None),
            "standard_moisture_pct": s.standard_pct,
            "moisture_method": s.method,
            "design": s.design,
            "replicated": s.replicated,
            "unit": s.unit,
            "response": s.ycol,
            "control": list(s.controls),
            "alpha": s.alpha,
            "letters": s.letters,
            "margin_pct": s.margin_pct,
            "lang": lang,
        },
    }
    results: dict[str, Any] = {}
    ctx = _Context(
        trial=trial,
        config=config,
        s=s,
        plots=plots,
        used=used,
        results=results,
        meta=meta,
        warnings=list(extra_warnings),
    )
    ctx.compute()
    if title is None:
        title = (
            t("title.trial", lang, title=config.title) if config.title else t("title.default", lang)
        )
    sections = [
        ctx.header_section(),
        ctx.methods_section(),
        ctx.quality_section(),
    ]
    audit = ctx.audit_section()
    if audit is not None:
        sections.append(audit)
    sections.append(ctx.plots_section())
    if ctx.anova is not None:
        sections.append(ctx.anova_section())
    sections.append(ctx.means_section())
    if s.margin_pct is not None and s.controls:
        sections.append(ctx.noninferiority_section())
    efficiency = efficiency_section(ctx)
    if efficiency is not None:
        sections.append(efficiency)
    if figures:
        sections.append(ctx.figures_section())
    sections.append(ctx.conclusions_section())
    if config.panel_members or config.panel_date:
        sections.append(ctx.panel_section())
    return Report(title=title, lang=lang, sections=sections, metadata=meta, results=results)


@functools.lru_cache(maxsize=32)
def _cached_replicates(cv_pct: float, difference_pct: float, n_treatments: int, design: str) -> int:
    from yieldtrial.stats.power import replicates_needed

    return replicates_needed(
        cv_pct=cv_pct,
        difference_pct=difference_pct,
        n_treatments=n_treatments,
        design=design,
        comparison="dunnett",
    )


#: The library's low-error-df warning (said again by ``quality.df_low`` in Chinese reports).
_DF_WARNING = re.compile(r"^only \d+ error degrees of freedom")


# --------------------------------------------------------------------------- efficiency hook


def efficiency_section(ctx: _Context) -> Section | None:
    """Build the fertilizer-efficiency section (OPTIONAL HOOK for issue H6).

    Built only when :mod:`yieldtrial.efficiency` provides ``report_table`` and the
    trial description gives fertilizer rates.  ``report_table(trial, config, *,
    unit, lang, means)`` must return a DataFrame (one row per treatment); its
    columns are shown as they are and written to ``results["efficiency"]``.
    """
    if not ctx.config.has_fertilizer_rates:
        return None
    try:
        module = importlib.import_module("yieldtrial.efficiency")
    except ImportError:
        return None
    builder = getattr(module, "report_table", None)
    if builder is None:
        return None
    table = builder(ctx.trial, ctx.config, unit=ctx.s.unit, lang=ctx.s.lang, means=ctx.means)
    if table is None or len(table) == 0:
        return None
    ctx.results["efficiency"] = records(table)
    labels = dict(table.attrs.get("column_labels", {}))  # display labels from report_table
    columns = [
        Column(
            str(c),
            str(labels.get(str(c), c)),
            "text"
            if table[c].dtype == object or str(table[c].dtype) == "str"
            else ("signed" if str(c).endswith("_pct") else "number"),
            _efficiency_decimals(str(c)),
        )
        for c in table.columns
    ]
    notes = list(table.attrs.get("notes", [])) if hasattr(table, "attrs") else []
    illustrative = [
        info.label
        for info in ctx.config.treatments
        if str(info.extra.get("rate_status", "")).lower() == "illustrative"
    ]
    if illustrative:
        notes.insert(
            0, t("efficiency.illustrative", ctx.s.lang, items=_join(illustrative, ctx.s.lang))
        )
    return Section(
        "efficiency",
        t("section.efficiency", ctx.s.lang),
        [Table("efficiency", columns, records(table), notes=[str(n) for n in notes])],
    )


def _efficiency_decimals(column: str) -> int:
    """Decimals of an efficiency-table column: 1 for %, kg/kg and per-ha values, else 2."""
    if column.endswith("_pct") or column in ("pfp", "ae", "re", "pe", "ie", "pnb"):
        return 1
    if column.endswith("_kg_ha"):  # yields and nutrient rates per ha
        return 1
    return 2


def _product_text(info: Any) -> str | None:
    """Product of a treatment with its grade and further products (synergist, ...)."""
    if info is None:
        return None
    parts: list[str] = []
    if info.product:
        grade = info.extra.get("grade")
        parts.append(f"{info.product} {grade}" if grade else str(info.product))
    further = info.extra.get("products") or []
    if isinstance(further, Mapping):
        further = [further]
    for item in further:
        if not isinstance(item, Mapping):
            continue
        name = str(item.get("product") or item.get("name") or item.get("additive") or "?")
        if item.get("rate") is not None:
            name += f" {float(item['rate']):g} {item.get('rate_unit') or ''}".rstrip()
        parts.append(name)
    return " + ".join(parts) or None


def _rate_text(info: Any, lang: str) -> str | None:
    """Rate of a treatment's main product, marked when the trial.toml calls it illustrative."""
    if info is None or info.rate is None:
        return None
    text = f"{info.rate:g} {info.rate_unit or ''}".strip()
    if str(info.extra.get("rate_status", "")).lower() == "illustrative":
        text += f" ({t('status.illustrative', lang)})"
    return text


# --------------------------------------------------------------------------- the sections


@dataclass
class _Context:
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
    warnings: list[str] = field(default_factory=list)

    # ---------------------------------------------------------------- compute
    def compute(self) -> None:
        s = self.s
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", YieldTrialWarning)
            self.means = _means_table(self.trial, s, self.used)
            if s.replicated:
                from yieldtrial.stats.anova import anova
                from yieldtrial.stats.diagnostics import diagnostics

                self.anova = anova(
                    self.used,
                    response=s.ycol,
                    treatment="treatment",
                    block=s.block,
                    design=s.design,
                    alpha=s.alpha,
                )
                if self.anova.inference is not None:
                    self.anova = None
                else:
                    has_rc = {"row", "column"} <= set(self.used.columns)
                    self.diag = diagnostics(
                        self.used,
                        response=s.ycol,
                        treatment="treatment",
                        block=s.block,
                        design=s.design,
                        row="row" if has_rc and s.design == "latin" else None,
                        column="column" if has_rc and s.design == "latin" else None,
                        alpha=s.alpha,
                    )
                lower, upper = self._two_level_letters()
                if lower is not None:
                    self.means["letters"] = lower.reindex(self.means["treatment"]).to_numpy()
                if upper is not None:
                    self.means["letters_upper"] = [
                        str(v).upper() for v in upper.reindex(self.means["treatment"])
                    ]
            # the library's comparisons in every case (unreplicated: differences with NaN
            # p-values and the inference note), so the JSON equals compare_to_control()
            margin = s.margin_pct if s.replicated else None
            method = getattr(self.trial, "compare_to_control", None)
            if s.controls and callable(method):
                self.comparisons = method(
                    control=list(s.controls),
                    method="dunnett",
                    confidence=1 - s.alpha,
                    margin_pct=margin,
                )
            elif s.controls:
                from yieldtrial.stats.compare import compare_to_control

                self.comparisons = compare_to_control(
                    self.used,
                    response=s.ycol,
                    treatment="treatment",
                    control=list(s.controls),
                    block=s.block,
                    design=s.design,
                    method="dunnett",
                    confidence=1 - s.alpha,
                    margin_pct=margin,
                )
        for item in caught:
            if issubclass(item.category, YieldTrialWarning):
                self.warnings.append(str(item.message))
            else:  # pragma: no cover - re-emit anything else
                warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
        self._rank()
        self._store_results()

    def _two_level_letters(self) -> tuple[pd.Series | None, pd.Series | None]:
        """Letters at alpha (lowercase) and 0.01 (uppercase).

        Uses :func:`yieldtrial.stats.multiple_range.two_level_letters` when it is
        available, else the pairwise comparisons and the compact letter display at
        each level.
        """
        s = self.s
        assert self.means is not None  # noqa: S101
        if s.alpha > _UPPER_ALPHA and s.letters != "lsd":  # LSD: protected, via pairwise()
            try:
                from yieldtrial.stats.model import fit
                from yieldtrial.stats.multiple_range import two_level_letters
            except ImportError:  # pragma: no cover - older library layout
                pass
            else:
                mm = fit(
                    self.used,
                    response=s.ycol,
                    treatment="treatment",
                    block=s.block,
                    design=s.design,
                ).means_model()
                table = two_level_letters(
                    mm, test=s.letters, alpha_lower=s.alpha, alpha_upper=_UPPER_ALPHA
                )
                self.results["letters"] = {
                    "test": s.letters,
                    "alphas": [s.alpha, _UPPER_ALPHA],
                    "table": records(table),
                }
                by_level = table.set_index("level")
                return by_level["letters_05"].astype(str), by_level["letters_01"].astype(str)
        lower = _letters(self.used, self.means, s, s.alpha)
        upper = _letters(self.used, self.means, s, _UPPER_ALPHA)
        return lower, upper

    def _rank(self) -> None:
        assert self.means is not None  # noqa: S101
        order = self.means["mean"].rank(ascending=False, method="min")
        self.means["rank"] = order.astype("Int64")
        if self.s.treatments:
            pos = {lab: i for i, lab in enumerate(self.s.treatments)}
            self.means = (
                self.means.assign(_o=self.means["treatment"].map(pos))
                .sort_values("_o")
                .drop(columns="_o")
                .reset_index(drop=True)
            )

    def _store_results(self) -> None:
        s = self.s
        r = self.results
        r["plots"] = records(self.plots)
        assert self.means is not None  # noqa: S101
        r["means"] = records(self.means)
        if self.anova is not None:
            r["anova"] = {"table": records(self.anova.table), **json_value(self.anova.summary())}
        if self.comparisons is not None:
            r["control_comparisons"] = records(self.comparisons)
        if self.diag is not None:
            r["diagnostics"] = {
                "shapiro_w": self.diag.shapiro[0],
                "shapiro_p": self.diag.shapiro[1],
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

    # ---------------------------------------------------------------- header
    def header_section(self) -> Section:
        s, c, lang = self.s, self.config, self.s.lang
        items: list[tuple[str, str]] = []

        def add(key: str, value: Any) -> None:
            if value not in (None, "", ()):
                items.append((t(key, lang), str(value)))

        add("header.trial_id", c.trial_id)
        add("header.title", c.title)
        add("header.site", c.site)
        add("header.season", c.season)
        crop = c.crop or _attr(self.trial, "crop", None)
        if crop is not None and lang == "zh":
            crop = CROPS_ZH.get(str(crop).strip().lower(), crop)
        add("header.crop", crop)
        add("header.variety", c.variety)
        add("header.previous_crop", c.previous_crop)
        add("header.soil", c.soil)
        add("header.design", _design_label(s.design, s.replicated, lang))
        add("header.control", _join(s.controls, lang))
        if "harvested_area_m2" in self.used.columns:
            areas = sorted(set(np.round(self.used["harvested_area_m2"].astype(float), 2)))
            text = _join([f"{v:g} m²" for v in areas[:4]], lang) + ("…" if len(areas) > 4 else "")
            add("header.area", text)
        add("header.standard_moisture", f"{s.standard_pct:g} %")
        add("header.unit", s.unit)
        add("header.input", self.meta.get("input_file"))
        add("header.sha256", self.meta.get("input_sha256"))
        add("header.config", Path(c.source).name if c.source else None)
        add("header.version", self.meta.get("yieldtrial_version"))
        add("header.date", self.meta.get("report_date"))
        blocks: list[Any] = [KeyValues(items)]
        rows = []
        for trt in s.treatments:
            info = c.treatment(trt)
            rows.append(
                {
                    "treatment": trt,
                    "description": info.description if info else None,
                    "product": _product_text(info),
                    "rate": _rate_text(info, lang),
                }
            )
        if any(r["description"] or r["product"] for r in rows):
            blocks.append(
                Table(
                    "treatments",
                    [
                        Column("treatment", t("col.treatment", lang), "text"),
                        Column("description", t("col.description", lang), "text"),
                        Column("product", t("col.product", lang), "text"),
                        Column("rate", t("col.rate", lang), "text"),
                    ],
                    rows,
                )
            )
        if c.notes:
            blocks.append(Paragraph(c.notes, "note"))
        return Section("header", t("section.header", lang), blocks)

    # ---------------------------------------------------------------- methods
    def methods_section(self) -> Section:
        from yieldtrial.moisture import describe_method

        s, lang = self.s, self.s.lang
        source = self._standard_source()
        formula = describe_method(s.method, standard_moisture_pct=s.standard_pct, lang=lang)
        # the description starts with the method's name, which the sentence already gives
        head, sep, rest = formula.partition("：" if lang == "zh" else ": ")
        if sep and s.method in ("dry_matter", "percentage_point") and "=" not in head:
            formula = rest
        blocks: list[Any] = [
            Paragraph(
                t(
                    "methods.protocol",
                    lang,
                    standard=f"{s.standard_pct:g}",
                    standard_source=source,
                    method_name=t(f"method.{s.method}", lang)
                    if f"method.{s.method}" in _STRINGS_KEYS()
                    else s.method,
                    formula=formula,
                )
                + self._moisture_here()
            ),
            Paragraph(
                t("methods.yield", lang, unit=s.unit)
                if s.unit != "kg/ha"
                else t("methods.yield_ha", lang)
            ),
            Paragraph(
                t(
                    "methods.design",
                    lang,
                    design=_design_label(s.design, s.replicated, lang),
                    n_treatments=len(s.treatments),
                    n_plots=len(self.used),
                )
            ),
        ]
        if s.replicated and self.anova is not None:
            formula_text = self.anova.provenance.model
            blocks.append(
                Paragraph(
                    t(
                        "methods.stats",
                        lang,
                        formula=formula_text,
                        ss=translate_message(str(self.anova.provenance.sum_of_squares), lang),
                        alpha=f"{s.alpha:g}",
                        letters=t(f"letters.{s.letters}", lang),
                        upper=t("methods.upper", lang),
                        conf=f"{100 * (1 - s.alpha):g}",
                    )
                )
            )
        else:
            blocks.append(Paragraph(t("methods.unreplicated", lang), "warning"))
        if s.margin_pct is not None:
            blocks.append(
                Paragraph(
                    t(
                        "methods.noninferiority",
                        lang,
                        alpha=f"{s.alpha:g}",
                        margin=f"{s.margin_pct:g}",
                    )
                )
            )
        return Section("methods", t("section.methods", lang), blocks)

    def _moisture_here(self) -> str:
        """Sentence defining Y and M with this trial's harvest moisture (empty without it)."""
        if "moisture_pct" not in self.used.columns:
            return ""
        values = self.used["moisture_pct"].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if values.size == 0:
            return ""
        low, high = float(values.min()), float(values.max())
        span = f"{low:g}" if low == high else f"{low:g}–{high:g}"
        gap = "" if self.s.lang == "zh" else " "
        return gap + t("methods.moisture_here", self.s.lang, moisture=span)

    def _standard_source(self) -> str:
        crop = _attr(self.trial, "crop", None)
        protocol = _attr(self.trial, "protocol", None)
        if crop and protocol:
            try:
                from yieldtrial.protocols import moisture_standard

                std = moisture_standard(crop, protocol=protocol)
                if abs(std.moisture_pct - self.s.standard_pct) < 1e-9:
                    if self.s.lang == "en":
                        return f"{protocol}: {std.source}"
                    url = re.search(r"https?://\S+", std.source)
                    return t(
                        "methods.source_protocol",
                        self.s.lang,
                        protocol=protocol,
                        source=std.source,
                        crop=CROPS_ZH.get(str(crop).strip().lower(), str(crop)),
                        standard=f"{std.moisture_pct:g}",
                        ref=url.group(0) if url else std.source,
                    )
            except (DataValidationError, KeyError):
                pass
        if self.config.standard_moisture_pct is not None:
            return "trial.toml" if self.s.lang == "en" else "试验说明文件设定"
        return str(protocol or "")

    # ---------------------------------------------------------------- quality
    def quality_section(self) -> Section:
        s, lang = self.s, self.s.lang
        blocks: list[Any] = []
        missing = _attr(self.trial, "missing_plots", None)
        n_missing = 0 if missing is None else len(missing)
        observed = len(self.used)
        blocks.append(
            Paragraph(t("quality.plots", lang, expected=observed + n_missing, observed=observed))
        )
        if n_missing:
            items = []
            table = pd.DataFrame(missing).copy()
            notes = [c for c in _REASON_COLUMNS if c in self.trial.plots.columns]
            reasons = []
            for index, row in table.iterrows():
                label = str(row.get("plot_id", row.get("treatment", "?")))
                reason = ""
                for col in notes:
                    value = self.trial.plots.at[index, col]
                    if isinstance(value, str) and value.strip():
                        reason = value.strip()
                        break
                reason = reason or t("quality.missing_reason", lang)
                reasons.append(reason)
                trt = row.get("treatment")
                text = f"{label} ({trt})" if trt is not None and label != str(trt) else label
                items.append(f"{text}: {reason}")
            blocks.append(Paragraph(t("quality.missing", lang, items="; ".join(items)), "warning"))
            self.results["missing_plots"] = records(table.assign(reason=reasons))
        else:
            blocks.append(Paragraph(t("quality.no_missing", lang)))
        if "moisture_pct" in self.used.columns:
            m = self.used["moisture_pct"].to_numpy(dtype=float)
            m = m[np.isfinite(m)]
            if m.size:
                if m.min() == m.max():
                    blocks.append(
                        Paragraph(t("quality.moisture_single", lang, value=f"{m.min():g}"))
                    )
                else:
                    blocks.append(
                        Paragraph(
                            t("quality.moisture", lang, low=f"{m.min():g}", high=f"{m.max():g}")
                        )
                    )
                self.results["moisture_range_pct"] = [float(m.min()), float(m.max())]
        blocks.extend(self._status_paragraphs())
        if self.diag is not None:
            d = self.diag
            normal_ok = not (np.isfinite(d.shapiro[1]) and d.shapiro[1] < s.alpha)
            levene_ok = not (np.isfinite(d.levene[1]) and d.levene[1] < s.alpha)
            checks = [
                t(
                    "quality.normality",
                    lang,
                    stat=_fmt(d.shapiro[0], 3),
                    p=_p(d.shapiro[1]),
                    verdict=t("quality.ok_normal" if normal_ok else "quality.bad_normal", lang),
                ),
                t(
                    "quality.levene",
                    lang,
                    p=_p(d.levene[1]),
                    verdict=t("quality.ok_levene" if levene_ok else "quality.bad_levene", lang),
                ),
                t(
                    "quality.cv",
                    lang,
                    cv=_fmt(d.cv_pct, 1),
                    verdict=t("quality.cv_ok" if d.cv_flag == "ok" else "quality.cv_high", lang),
                ),
            ]
            if len(d.outliers):
                checks.append(
                    t(
                        "quality.outliers",
                        lang,
                        items=_join(
                            [f"{r.plot_id} ({r.treatment})" for r in d.outliers.itertuples()], lang
                        ),
                    )
                )
            else:
                checks.append(t("quality.no_outliers", lang))
            if d.df_warning and lang != "en":  # the library's English warning says it too
                checks.append(t("quality.df_low", lang, df=d.df_error))
            blocks.append(Bullets(checks))
        elif not s.replicated:
            blocks.append(Paragraph(t("quality.not_testable", lang), "note"))
        shown = list(
            dict.fromkeys(
                self.warnings + (list(self.diag.warnings) if self.diag is not None else [])
            )
        )
        if lang != "en" and self.diag is not None and self.diag.df_warning:
            # already said by quality.df_low in the checks above
            shown = [w for w in shown if not _DF_WARNING.match(w)]
        if shown:  # library messages are English: translate the known ones
            colon = ":" if lang == "en" else "："
            blocks.append(Paragraph(t("quality.warnings", lang) + colon, "warning"))
            blocks.append(Bullets([translate_message(w, lang) for w in shown], "warning"))
        return Section("quality", t("section.quality", lang), blocks)

    def _status_paragraphs(self) -> list[Paragraph]:
        lang = self.s.lang
        if "data_status" not in self.plots.columns:
            return []
        status = self.plots["data_status"].astype(str).str.lower()
        out: list[Paragraph] = []
        if (status == "synthetic").all():
            return [Paragraph(t("quality.synthetic", lang), "warning")]
        published = self.plots.loc[status == "published", "treatment"].astype(str).unique()
        illustrative = self.plots.loc[status == "illustrative", "treatment"].astype(str).unique()
        if len(published):
            labels = []
            for trt in published:
                figs = [f for f in self.config.published if f.treatment == trt]
                if figs:
                    f = figs[0]
                    labels.append(
                        t(
                            "quality.published_figure",
                            lang,
                            treatment=trt,
                            value=f"{f.yield_value:g}",
                            unit=f.unit,
                            moisture=f"{f.moisture_pct:g}",
                        )
                    )
                else:
                    labels.append(trt)
            out.append(Paragraph(t("quality.published", lang, items=_join(labels, lang))))
        if len(illustrative):
            out.append(
                Paragraph(
                    t("quality.illustrative", lang, items=_join(list(illustrative), lang)),
                    "warning",
                )
            )
        return out

    # ---------------------------------------------------------------- moisture audit
    def audit_section(self) -> Section | None:
        if not self.config.published:
            return None
        from yieldtrial.moisture import audit_moisture_conversion

        lang = self.s.lang
        blocks: list[Any] = []
        self.results["moisture_audit"] = []
        for fig in self.config.published:
            if fig.reported is None:
                continue
            table = audit_moisture_conversion(
                fig.yield_value,
                fig.reported,
                moisture_pct=fig.moisture_pct,
                standard_moisture_pct=self.s.standard_pct,
            )
            self.results["moisture_audit"].append(
                {
                    "treatment": fig.treatment,
                    "source": fig.source,
                    "unit": fig.unit,
                    "rows": records(table),
                }
            )
            blocks.append(
                Paragraph(
                    t(
                        "audit.intro",
                        lang,
                        reported=fig.reported,
                        unit=fig.unit,
                        standard=f"{self.s.standard_pct:g}",
                        mass=f"{fig.yield_value:g}",
                        moisture=f"{fig.moisture_pct:g}",
                    )
                    + (f" ({fig.source})" if fig.source else "")
                )
            )
            rows = []
            for row in table.itertuples():
                method = str(row.method)
                rows.append(
                    {
                        "method": t(f"method.{method}", lang)
                        if f"method.{method}" in _STRINGS_KEYS()
                        else method,
                        "formula": self._formula_text(method, row.formula, fig, row.predicted),
                        "predicted": row.predicted,
                        "reported": row.reported,
                        "difference": row.difference,
                        "reproduces": t("yes" if bool(row.reproduces) else "no", lang),
                    }
                )
            blocks.append(
                Table(
                    "moisture_audit",
                    [
                        Column("method", t("col.method", lang), "text"),
                        Column("formula", t("col.formula", lang), "text"),
                        Column(
                            "predicted",
                            t("col.predicted", lang, unit=fig.unit),
                            "number",
                            2,
                            fig.unit,
                        ),
                        Column(
                            "reported",
                            t("col.reported", lang, unit=fig.unit),
                            "number",
                            2,
                            fig.unit,
                        ),
                        Column(
                            "difference",
                            t("col.difference", lang, unit=fig.unit),
                            "signed",
                            2,
                            fig.unit,
                        ),
                        Column("reproduces", t("col.reproduces", lang), "text"),
                    ],
                    rows,
                )
            )
            hits = table.loc[table["reproduces"].astype(bool), "method"]
            reproduced = [t(f"method.{m}", lang) for m in hits]
            dry = table.set_index("method").loc["dry_matter"]
            blocks.append(
                Paragraph(
                    t(
                        "audit.finding",
                        lang,
                        reported=fig.reported,
                        reproduced=_join(reproduced, lang) if reproduced else t("audit.none", lang),
                        dry=_fmt(dry["predicted"], 2),
                        unit=fig.unit,
                        diff_pct=_fmt_signed(dry["difference_pct"]),
                    ),
                    "claim",
                )
            )
        if not blocks:
            return None
        return Section("moisture_audit", t("section.moisture_audit", lang), blocks)

    def _formula_text(self, method: str, formula: Any, fig: Any, predicted: Any) -> str:
        """Return the audit's calculation (Chinese from describe_method for the main methods)."""
        if self.s.lang != "zh":
            return str(formula)
        if method not in ("dry_matter", "percentage_point"):
            return translate_message(str(formula), self.s.lang)
        from yieldtrial.moisture import describe_method

        text = describe_method(
            method,
            moisture_pct=fig.moisture_pct,
            standard_moisture_pct=self.s.standard_pct,
            lang="zh",
        )
        return f"{text} = {float(predicted):.4f}"

    # ---------------------------------------------------------------- plots
    def plots_section(self) -> Section:
        s, lang = self.s, self.s.lang
        p = self.plots
        cols: list[Column] = []

        def add(
            key: str, label: str, kind: Any = "number", digits: int = 2, unit: str | None = None
        ) -> None:
            if key in p.columns:
                cols.append(Column(key, label, kind, digits, unit))

        add("plot_id", t("col.plot", lang), "text")
        add("block", t("col.block", lang), "text")
        add("treatment", t("col.treatment", lang), "text")
        add("harvested_area_m2", t("col.area", lang), "number", 1, "m2")
        add("fresh_mass_kg", t("col.fresh", lang), "number", 2, "kg")
        add("moisture_pct", t("col.moisture", lang), "number", 1, "%")
        add("impurity_pct", t("col.impurity", lang), "number", 1, "%")
        if s.dcol != "yield_kg_ha":
            add(
                s.dcol,
                t("col.yield_unit", lang, unit=s.unit),
                "number",
                _yield_digits(s.unit),
                s.unit,
            )
        add("yield_kg_ha", t("col.yield_kg_ha", lang), "number", 1, "kg/ha")
        rows = records(p, [c.key for c in cols])
        if "data_status" in p.columns:
            cols.append(Column("data_status", t("col.status", lang), "text"))
            for row, status in zip(rows, p["data_status"], strict=True):
                row["data_status"] = _status_label(status, lang)
        caption = t("plots.caption", lang, standard=f"{s.standard_pct:g}")
        blocks: list[Any] = [Table("plots", cols, rows, caption)]
        if s.replicated and s.block is not None:
            blocks.append(self._by_block_table())
        return Section("plots", t("section.plots", lang), blocks)

    def _by_block_table(self) -> Table:
        """Treatment x block table of plot yields in the display unit (Chinese layout E)."""
        s, lang = self.s, self.s.lang
        data = self.plots.assign(_b=self.plots["block"].astype(str))
        wide = data.pivot_table(index="treatment", columns="_b", values=s.dcol, aggfunc="mean")
        wide = wide.reindex([trt for trt in s.treatments if trt in wide.index])
        blocks = [str(b) for b in wide.columns]
        d = _yield_digits(s.unit)
        cols = [Column("treatment", t("col.treatment", lang), "text")]
        cols += [Column(f"block_{b}", b, "number", d, s.unit) for b in blocks]
        cols.append(Column("mean", t("col.block_mean", lang), "number", d, s.unit))
        rows = []
        for trt, values in wide.iterrows():
            row: dict[str, Any] = {"treatment": trt}
            for b in blocks:
                row[f"block_{b}"] = json_value(values[b])
            row["mean"] = json_value(float(np.nanmean(values.to_numpy(dtype=float))))
            rows.append(row)
        caption = t("plots.by_block", lang, unit=s.unit)
        return Table("plots_by_block", cols, rows, caption)

    # ---------------------------------------------------------------- anova
    def anova_section(self) -> Section:
        s, lang, a = self.s, self.s.lang, self.anova
        rows = []
        for row in a.table.itertuples():
            source = str(row.source)
            label = {
                "residual": t("source.residual", lang),
                "treatment": t("source.treatment", lang),
                "block": t("source.block", lang),
                "row": t("source.row", lang),
                "column": t("source.column", lang),
            }.get(source, source)
            entry = {
                "source": label,
                "df": row.df,
                "sum_sq": row.sum_sq,
                "mean_sq": row.mean_sq,
                "f": row.f,
                "p_value": row.p_value,
            }
            if lang == "zh" and source != "residual":
                from scipy import stats as sps

                entry["f_05"] = float(sps.f.ppf(0.95, row.df, a.df_error))
                entry["f_01"] = float(sps.f.ppf(0.99, row.df, a.df_error))
            rows.append(entry)
        d = _yield_digits(s.unit)

        def both(value: float) -> str:
            text = f"{_fmt(value, 1)} kg/ha"
            if s.unit != "kg/ha":
                text += f" ({_fmt(value * s.factor, d)} {s.unit})"
            return text

        footer = [
            (t("footer.grand_mean", lang), both(a.grand_mean)),
            (t("footer.mse", lang), _fmt(a.mse, 1)),
            (t("footer.df_error", lang), str(a.df_error)),
            (t("footer.cv", lang), _fmt(a.cv_pct, 2)),
            (t("footer.sed", lang), both(a.sed)),
            (t("footer.lsd", lang, alpha=f"{s.alpha:g}"), both(a.lsd)),
        ]
        hsd = self._hsd()
        if hsd is not None:
            footer.append((t("footer.hsd", lang, alpha=f"{s.alpha:g}"), both(hsd)))
        if a.relative_efficiency is not None:
            footer.append((t("footer.re", lang), _fmt(a.relative_efficiency, 2)))
        columns = [
            Column("source", t("col.source", lang), "text"),
            Column("df", t("col.df", lang), "int"),
            Column("sum_sq", t("col.ss", lang), "number", 1),
            Column("mean_sq", t("col.ms", lang), "number", 1),
            Column("f", t("col.f", lang), "number", 2),
        ]
        if lang == "zh":
            columns += [Column("f_05", "F0.05", "number", 2), Column("f_01", "F0.01", "number", 2)]
        columns.append(Column("p_value", t("col.p", lang), "pvalue"))
        table = Table(
            "anova",
            columns,
            rows,
            t("anova.caption", lang, unit="kg/ha"),
            footer=footer,
        )
        return Section("anova", t("section.anova", lang), [table])

    def _hsd(self) -> float | None:
        """Tukey's honestly significant difference for balanced data (kg/ha), else None."""
        a, s = self.anova, self.s
        if a is None or not a.balanced or not np.isfinite(a.sed) or a.df_error < 1:
            return None
        from scipy import stats as sps

        k = len(s.treatments)
        q = float(sps.studentized_range.ppf(1 - s.alpha, k, a.df_error))
        hsd = q * float(a.sed) / math.sqrt(2.0)  # SED = sqrt(2 MSE / r) when balanced
        if isinstance(self.results.get("anova"), dict):
            self.results["anova"]["hsd"] = hsd
        return hsd

    # ---------------------------------------------------------------- means
    def _control_columns(self) -> tuple[list[Column], dict[str, dict[str, Any]]]:
        """Per-control columns (difference, %, Dunnett P) and their values by treatment."""
        s, lang = self.s, self.s.lang
        cols: list[Column] = []
        values: dict[str, dict[str, Any]] = {}
        if self.comparisons is None:
            return cols, values
        comp = self.comparisons
        suffix = s.ycol.removeprefix("yield")
        d = _yield_digits(s.unit)
        for i, control in enumerate(s.controls):
            tag = f"_{i + 1}" if len(s.controls) > 1 else ""
            cols.append(
                Column(
                    f"diff{tag}",
                    t("col.diff", lang, control=control, unit=s.unit),
                    "signed",
                    d,
                    s.unit,
                )
            )
            cols.append(
                Column(
                    f"diff_pct{tag}", t("col.diff_pct", lang, control=control), "signed_pct", 1, "%"
                )
            )
            if s.replicated:
                cols.append(
                    Column(f"dunnett_p{tag}", t("col.dunnett_p", lang, control=control), "pvalue")
                )
            sub = comp[comp["control"].astype(str) == control]
            for row in sub.to_dict("records"):
                trt = str(row["treatment"])
                entry = values.setdefault(trt, {})
                diff = row.get(f"difference{suffix}", row.get("difference"))
                entry[f"diff{tag}"] = None if diff is None else float(diff) * s.factor
                entry[f"diff_pct{tag}"] = row.get("difference_pct")
                entry[f"dunnett_p{tag}"] = row.get("p_value_adjusted")
        return cols, values

    def means_section(self) -> Section:
        s, lang = self.s, self.s.lang
        assert self.means is not None  # noqa: S101
        m = self.means
        d = _yield_digits(s.unit)
        cols = [
            Column("rank", t("col.rank", lang), "int"),
            Column("treatment", t("col.treatment", lang), "text"),
            Column("n", t("col.n", lang), "int"),
            Column("mean", t("col.mean", lang, unit=s.unit), "number", d, s.unit),
        ]
        if s.replicated:
            cols += [
                Column("se", t("col.se", lang, unit=s.unit), "number", d, s.unit),
                Column("ci_low", t("col.ci_low", lang, unit=s.unit), "number", d, s.unit),
                Column("ci_high", t("col.ci_high", lang, unit=s.unit), "number", d, s.unit),
            ]
        if s.unit != "kg/ha":
            cols.insert(4, Column("mean_kg_ha", t("col.yield_kg_ha", lang), "number", 1, "kg/ha"))
        moisture: dict[str, float] = {}
        if "moisture_pct" in self.used.columns:
            grouped = self.used.groupby("treatment")["moisture_pct"].mean()
            moisture = {str(k): float(v) for k, v in grouped.items()}
            cols.append(Column("moisture_pct", t("col.moisture_mean", lang), "number", 1, "%"))
        ccols, cvalues = self._control_columns()
        cols += ccols
        if s.replicated and "letters" in m.columns:
            cols.append(Column("letters", t("col.letters", lang), "text"))
            if "letters_upper" in m.columns:
                cols.append(Column("letters_upper", t("col.letters_upper", lang), "text"))
        rows = []
        for row in m.to_dict("records"):
            entry = {c.key: row.get(c.key) for c in cols}
            entry.update(cvalues.get(str(row["treatment"]), {}))
            for key in ("mean", "se", "ci_low", "ci_high"):
                value = entry.get(key)
                if value is not None:
                    entry[key] = float(value) * s.factor
            if s.unit != "kg/ha":
                entry["mean_kg_ha"] = row.get("mean")
            if moisture:
                entry["moisture_pct"] = moisture.get(str(row["treatment"]))
            rows.append({k: json_value(v) for k, v in entry.items()})
        notes = []
        if s.replicated:
            caption = t("means.caption", lang, unit=s.unit, standard=f"{s.standard_pct:g}")
            notes.append(t("means.ci_note", lang, conf=f"{100 * (1 - s.alpha):g}"))
            if ccols:
                notes.append(t("means.dunnett_note", lang))
            if "letters" in m.columns:
                notes.append(t("means.letters_note", lang, letters=t(f"letters.{s.letters}", lang)))
        else:
            caption = t(
                "means.caption_unreplicated", lang, unit=s.unit, standard=f"{s.standard_pct:g}"
            )
            reason = self._no_inference_reason()
            notes.append(t("means.no_inference", lang, reason=reason))
        self.results["means_display"] = rows
        return Section(
            "means", t("section.means", lang), [Table("means", cols, rows, caption, notes)]
        )

    def _no_inference_reason(self) -> str:
        return t("means.no_error_df", self.s.lang)

    # ---------------------------------------------------------------- non-inferiority
    def noninferiority_section(self) -> Section:
        s, lang = self.s, self.s.lang
        comp = self.comparisons
        rows = []
        if comp is not None:
            for row in comp.to_dict("records"):
                verdict = row.get("noninferior")
                if (
                    verdict is None
                    or (isinstance(verdict, float) and math.isnan(verdict))
                    or verdict is pd.NA
                ):
                    text = t("ni.untestable", lang)
                else:
                    text = t("ni.yes" if bool(verdict) else "ni.no", lang)
                rows.append(
                    {
                        "comparison": f"{row['treatment']} – {row['control']}",
                        "difference_pct": row.get("difference_pct"),
                        "ci_low_pct": row.get("ci_low_pct"),
                        "margin_pct": -float(s.margin_pct or 0.0),
                        "p": row.get("noninferiority_p_value_adjusted"),
                        "verdict": text,
                    }
                )
        table = Table(
            "noninferiority",
            [
                Column("comparison", t("col.comparison", lang), "text"),
                Column(
                    "difference_pct", t("col.diff_pct", lang, control="CK"), "signed_pct", 1, "%"
                ),
                Column("ci_low_pct", t("col.ni_lower", lang), "signed_pct", 1, "%"),
                Column("margin_pct", t("col.ni_margin", lang), "signed_pct", 1, "%"),
                Column("p", t("col.ni_p", lang), "pvalue"),
                Column("verdict", t("col.ni_verdict", lang), "text"),
            ],
            rows,
            t("ni.caption", lang, margin=f"{s.margin_pct:g}"),
            notes=[t("ni.note_bound", lang, conf=f"{100 * (1 - s.alpha):g}")],
        )
        return Section("noninferiority", t("section.noninferiority", lang), [table])

    # ---------------------------------------------------------------- figures
    def figures_section(self) -> Section:
        s, lang = self.s, self.s.lang
        blocks: list[Any] = []
        assert self.means is not None  # noqa: S101
        means = self.means.copy()
        for key in ("mean", "se", "ci_low", "ci_high"):
            if key in means.columns:
                means[key] = means[key].astype(float) * s.factor
        conf = f"{100 * (1 - s.alpha):g}"
        ylabel = t("axis.yield", lang, unit=s.unit)
        hatched: list[str] = []
        if "data_status" in self.plots.columns:
            status = self.plots["data_status"].astype(str).str.lower()
            hatched = sorted(set(self.plots.loc[status == "illustrative", "treatment"].astype(str)))

        def draw_means() -> Axes:
            from yieldtrial.plotting import plot_means

            ax = plot_means(
                means,
                treatment="treatment",
                mean="mean",
                ci_low="ci_low" if "ci_low" in means.columns else None,
                ci_high="ci_high" if "ci_high" in means.columns else None,
                letters="letters" if "letters" in means.columns else None,
                control=list(s.controls),
                hatched=hatched,
                ylabel=ylabel,
            )
            ax.set_xlabel(t("axis.treatment", lang))
            return ax

        caption = t("fig.means" if s.replicated else "fig.means_unreplicated", lang, conf=conf)
        if hatched:
            caption += " " + t("fig.hatched", lang, items=_join(hatched, lang))
        blocks.append(Figure("means", caption, draw_means))
        if s.replicated:
            used = self.used

            def draw_yields() -> Axes:
                from yieldtrial.plotting import plot_yields

                ax = plot_yields(
                    used,
                    response=s.dcol,
                    treatment="treatment",
                    block="block" if "block" in used.columns else None,
                    order=list(s.treatments),
                    ylabel=ylabel,
                )
                ax.set_xlabel(t("axis.treatment", lang))
                legend = ax.get_legend()
                if legend is not None:
                    legend.set_title(t("axis.block", lang))
                return ax

            blocks.append(Figure("yields", t("fig.yields", lang), draw_yields))
        if {"row", "column"} <= set(self.used.columns) and self.used[
            ["row", "column"]
        ].notna().all().all():
            field_data = self.used
            what = t("fig.field_yields", lang)
            value = s.dcol
            label = ylabel
            if self.diag is not None and "residual" in self.diag.residuals.columns:
                res = self.diag.residuals[["plot_id", "residual"]].copy()
                res["residual"] = res["residual"].astype(float) * s.factor
                field_data = self.used.merge(res, on="plot_id", how="left")
                value = "residual"
                what = t("fig.field_residuals", lang)
                label = t("axis.residual", lang, unit=s.unit)
            data = field_data

            def draw_field() -> Axes:
                from yieldtrial.plotting import plot_field

                ax = plot_field(data, value=value, colorbar_label=label)
                ax.set_xlabel(t("axis.column", lang))
                ax.set_ylabel(t("axis.row", lang))
                return ax

            blocks.append(Figure("field", t("fig.field", lang, what=what), draw_field))
        return Section("figures", t("section.figures", lang), blocks)

    # ---------------------------------------------------------------- conclusions
    def conclusions_section(self) -> Section:
        s, lang = self.s, self.s.lang
        means = self.means
        assert means is not None  # noqa: S101
        d = _yield_digits(s.unit)
        items: list[str] = []
        status = (
            self.plots["data_status"].astype(str).str.lower()
            if "data_status" in self.plots.columns
            else pd.Series(dtype=str)
        )
        if not s.replicated:
            best = means.iloc[int(np.nanargmax(means["mean"].to_numpy(dtype=float)))]
            items.append(
                t(
                    "concl.unreplicated",
                    lang,
                    best=best["treatment"],
                    best_yield=_fmt(float(best["mean"]) * s.factor, d),
                    unit=s.unit,
                )
            )
            if self.comparisons is not None:
                suffix = s.ycol.removeprefix("yield")
                for row in self.comparisons.to_dict("records"):
                    items.append(
                        t(
                            "concl.diff_descriptive",
                            lang,
                            treatment=row["treatment"],
                            control=row["control"],
                            diff=f"{float(row[f'difference{suffix}']) * s.factor:+.{d}f}",
                            pct=f"{float(row['difference_pct']):+.1f}",
                            unit=s.unit,
                        )
                    )
            r = self._replicates_needed()
            if r is not None:
                items.append(t("concl.replicates_needed", lang, delta=r[1], r=r[0], cv=r[2]))
        else:
            if self.anova is not None:
                trt = self.anova.table[self.anova.table["source"] == "treatment"]
                if len(trt):
                    p = float(trt["p_value"].iloc[0])
                    items.append(
                        t("concl.anova_sig" if p < s.alpha else "concl.anova_ns", lang, p=_p(p))
                    )
            if self.comparisons is not None:
                suffix = s.ycol.removeprefix("yield")
                for row in self.comparisons.to_dict("records"):
                    p = float(row["p_value_adjusted"])
                    diff = float(row[f"difference{suffix}"]) * s.factor
                    key = (
                        "concl.dunnett_ns"
                        if not p < s.alpha
                        else "concl.dunnett_sig_up"
                        if diff > 0
                        else "concl.dunnett_sig_down"
                    )
                    shown = abs(diff) if key != "concl.dunnett_ns" else diff
                    items.append(
                        t(
                            key,
                            lang,
                            treatment=row["treatment"],
                            control=row["control"],
                            diff=(
                                f"{shown:.{d}f}" if key != "concl.dunnett_ns" else f"{shown:+.{d}f}"
                            ),
                            pct=f"{float(row['difference_pct']):+.1f}",
                            p=_p(p),
                            unit=s.unit,
                        )
                    )
                    if s.margin_pct is not None:
                        ni = row.get("noninferior")
                        if (
                            ni is not None
                            and ni is not pd.NA
                            and not (isinstance(ni, float) and math.isnan(ni))
                        ):
                            items.append(
                                t(
                                    "concl.ni_yes" if bool(ni) else "concl.ni_no",
                                    lang,
                                    treatment=row["treatment"],
                                    control=row["control"],
                                    margin=f"{s.margin_pct:g}",
                                    p=_p(row.get("noninferiority_p_value_adjusted")),
                                )
                            )
            if "letters" in means.columns:
                ranked = means.sort_values("mean", ascending=False)
                order = " > ".join(
                    f"{trt} ({letters})"
                    for trt, letters in zip(ranked["treatment"], ranked["letters"], strict=True)
                )
                items.append(
                    t("concl.ranking", lang, order=order, letters=t(f"letters.{s.letters}", lang))
                )
            if self.anova is not None and self.diag is not None and self.diag.cv_flag != "ok":
                items.append(t("concl.cv_high", lang, cv=_fmt(self.anova.cv_pct, 1)))
        blocks: list[Any] = [Bullets(items)]
        if len(status) and (status == "synthetic").all():
            blocks.append(Paragraph(t("concl.synthetic", lang), "warning"))
        elif len(status) and (status == "illustrative").any():
            blocks.append(Paragraph(t("concl.illustrative", lang), "warning"))
        self.results["conclusions"] = items
        return Section("conclusions", t("section.conclusions", lang), blocks)

    def _replicates_needed(self) -> tuple[int, str, str] | None:
        from yieldtrial.stats import compare

        cv = compare.UNREPLICATED_ASSUMED_CV_PCT
        delta = compare.UNREPLICATED_TARGET_DIFFERENCE_PCT
        try:
            r = _cached_replicates(
                cv,
                delta,
                max(len(self.s.treatments), 2),
                self.s.design if self.s.design in ("crd", "rcbd") else "rcbd",
            )
        except DataValidationError:
            return None
        self.results["replicates_needed"] = {
            "replicates": r,
            "cv_pct": cv,
            "difference_pct": delta,
            "power": 0.8,
            "alpha": 0.05,
            "comparison": "dunnett",
            "design": self.s.design,
        }
        return r, f"{delta:g}", f"{cv:g}"

    # ---------------------------------------------------------------- panel
    def panel_section(self) -> Section:
        c, lang = self.config, self.s.lang
        items = []
        if c.panel_members:
            items.append((t("panel.members", lang), _join(list(c.panel_members), lang)))
        if c.panel_date:
            items.append((t("panel.date", lang), c.panel_date))
        items.append((t("panel.signature", lang), "______________________"))
        return Section("panel", t("section.panel", lang), [KeyValues(items)])
