"""Header (trial and provenance), methods and expert-panel sections."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import message_number
from yieldtrial.report._format import (
    attr_or,
    factor_label,
    fmt_number,
    join_list,
    spaced,
    string_keys,
)
from yieldtrial.report._harvest import (
    conversion_note,
    decimals,
    input_unit_columns,
    input_units_note,
    unit_name,
    value_range,
    yield_formula,
)
from yieldtrial.report.context import ReportContext
from yieldtrial.report.i18n import (
    CROPS_ZH,
    DEFAULT_FACTORS_EN,
    DEFAULT_FACTORS_ZH,
    crop_name,
    factor_header,
    letters_name,
    letters_note,
    letters_one_df,
    t,
    translate_message,
)
from yieldtrial.report.model import Column, KeyValues, Paragraph, Section, Table
from yieldtrial.report.sections.data import check_gaps, design_name

__all__ = ["header_section", "methods_section", "panel_section"]


def header_section(ctx: ReportContext) -> Section:
    """Trial description, provenance of the input and the treatment list."""
    s, c, lang = ctx.s, ctx.config, ctx.s.lang
    items: list[tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        if value not in (None, "", ()):
            items.append((t(key, lang), str(value)))

    from yieldtrial.report.sections.extra import localized, untranslated_fields

    add("header.trial_id", c.trial_id)
    add("header.title", localized(ctx, "title", c.title))
    add("header.site", localized(ctx, "site", c.site))
    add("header.season", localized(ctx, "season", c.season))
    crop = c.crop or attr_or(ctx.trial, "crop", None)
    if crop is not None:
        crop = crop_name(crop, lang)
    add("header.crop", crop)
    if not c.conditions:  # else the trial-information section shows them
        add("header.variety", localized(ctx, "variety", c.variety))
        add("header.previous_crop", localized(ctx, "previous_crop", c.previous_crop))
    add("header.soil", localized(ctx, "soil", c.soil))
    add("header.design", design_name(ctx, lang))
    add("header.control", join_list(s.controls, lang))
    if "harvested_area_m2" in ctx.used.columns:
        add("header.area", _area_text(ctx))
    add("header.standard_moisture", f"{s.standard_pct:g} %")
    add("header.unit", s.unit)
    add("header.input", ctx.meta.get("input_file"))
    add("header.sha256", ctx.meta.get("input_sha256"))
    add("header.config", Path(c.source).name if c.source else None)
    add("header.version", ctx.meta.get("yieldtrial_version"))
    from yieldtrial.report.sections.extra import panel_value

    unit = localized(ctx, "responsible_unit", c.responsible_unit)
    add("header.responsible_unit", panel_value(ctx, "responsible_unit", unit))
    add("header.report_number", panel_value(ctx, "report_number", c.report_number))
    add("header.date", ctx.meta.get("report_date"))
    blocks: list[Any] = [KeyValues(items)]
    from yieldtrial.report.sections.extra import treatment_text

    rows = []
    for trt in s.treatments:
        info = c.treatment(trt)
        rows.append(
            {
                "treatment": trt,
                "description": treatment_text(ctx, info, "description"),
                "product": _product_text(info, ctx),
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
        blocks.append(Paragraph(localized(ctx, "notes", c.notes), "note"))
    if lang == "zh":
        missing = untranslated_fields(c)
        ctx.meta["untranslated_fields"] = missing
        if missing:
            text = t("header.untranslated", lang, items="、".join(missing))
            blocks.append(Paragraph(text, "note"))
    return Section("header", t("section.header", lang), blocks)


def _distinct_rows(values: np.ndarray) -> list[tuple[Any, ...]]:
    """Distinct rows of a 2-D float array in sorted order: ``sorted(set(map(tuple, values)))``.

    Vectorized (a hash de-duplication of the rows, first occurrence kept as a set keeps
    it, then the few distinct rows sorted) when every value is finite; the Python route
    otherwise.
    """
    if np.isfinite(values).all():
        import pandas as pd

        return sorted(map(tuple, pd.DataFrame(values).drop_duplicates().to_numpy()))
    return sorted(set(map(tuple, values)))


def _area_text(ctx: ReportContext) -> str:
    """Harvested areas in m² (up to four), with the input unit's value when it was not m²."""
    lang, used = ctx.s.lang, ctx.used
    given = [(col, unit) for col, quantity, unit in input_unit_columns(used) if quantity == "area"]
    pairs = used[["harvested_area_m2"] + [col for col, _ in given[:1]]].astype(float)
    texts = []
    distinct = _distinct_rows(np.round(pairs.to_numpy(), 6))
    # one number of decimals for every area listed: 11.8 m², 12.0 m², 12.2 m² (not 12 m²)
    digits = decimals([values[0] for values in distinct], 0, 2)
    for values in distinct:
        text = f"{fmt_number(values[0], digits)} m²"
        if given:
            unit = unit_name(given[0][1], lang)
            text = (
                f"{values[1]:,g} {unit}（{text}）"
                if lang == "zh"
                else f"{values[1]:,g} {unit} ({text})"
            )
        texts.append(text)
    return join_list(texts[:4], lang) + ("…" if len(texts) > 4 else "")


def methods_section(ctx: ReportContext) -> Section:
    """Methods: moisture standardization, yield, design, statistics."""
    from yieldtrial.moisture import describe_method

    s, lang = ctx.s, ctx.s.lang
    source = _standard_source(ctx)
    formula = describe_method(
        s.method,
        standard_moisture_pct=s.standard_pct,
        shrink_pct_per_point=attr_or(ctx.trial, "shrink_pct_per_point", None),
        lang=lang,
    )
    # the description starts with the method's name, which the sentence already gives
    head, sep, rest = formula.partition("：" if lang == "zh" else ": ")
    if sep and s.method in ("dry_matter", "percentage_point") and "=" not in head:
        formula = rest
    protocol = (
        t("methods.protocol_given", lang, standard=f"{s.standard_pct:g}", standard_source=source)
        if _method_not_stated(ctx)
        else t(
            "methods.protocol",
            lang,
            standard=f"{s.standard_pct:g}",
            standard_source=source,
            method_name=_method_name(ctx),
            formula=formula,
        )
        + _moisture_here(ctx)
    )
    blocks: list[Any] = [
        Paragraph(protocol + _standard_differs(ctx)),
        Paragraph(_yield_text(ctx)),
        Paragraph(
            _design_sentence(ctx, lang) + _design_detected(ctx, lang) + _unread_blocks(ctx, lang)
        ),
    ]
    if s.replicated and ctx.anova is not None:
        formula_text = _formula(str(ctx.anova.provenance.model), lang, s.resolvable)
        blocks.append(
            Paragraph(
                t(
                    # a REML fit is a linear mixed model, not "the linear model"
                    "methods.stats_mixed"
                    if hasattr(ctx.anova, "variance_components")
                    else "methods.stats",
                    lang,
                    formula=formula_text,
                    ss=translate_message(str(ctx.anova.provenance.sum_of_squares), lang),
                    alpha=f"{s.alpha:g}",
                    dunnett=_dunnett_sentence(ctx, lang),
                    letters=letters_name(
                        s.letters, ctx.letters_provenance, lang, unequal=ctx.tukey_unequal
                    ),
                    # the uppercase letters (alpha 0.01) only when alpha is above 0.01
                    upper=t("methods.upper", lang) if _has_upper_letters(ctx) else "",
                    conf=f"{100 * (1 - s.alpha):g}",
                )
                + _formula_factors(str(ctx.anova.provenance.model), lang)
                + _formula_replicates(str(ctx.anova.provenance.model), lang, s.resolvable)
                + _model_sentence(ctx, lang)
                + _spaced_sentence(
                    letters_note(
                        s.letters, ctx.letters_provenance, lang, unequal=ctx.tukey_unequal
                    ),
                    lang,
                )
                + _letters_df(ctx, lang)
                + _factor_error_terms(ctx, lang)
                + _lsd_without_f_test(ctx, lang)
                + _dunnett_accuracy(ctx, lang)
            )
        )
        families = _families_text(ctx)
        if families:
            blocks.append(Paragraph(families))
    else:
        key = "methods.unreplicated" if s.one_plot_each else "methods.no_error_df"
        blocks.append(Paragraph(t(key, lang), "warning"))
    if s.margin_pct is not None:
        blocks.append(
            Paragraph(
                t(
                    "methods.noninferiority",
                    lang,
                    alpha=f"{s.alpha:g}",
                    margin=message_number(s.margin_pct),
                )
            )
        )
    return Section("methods", t("section.methods", lang), blocks)


def _method_name(ctx: ReportContext) -> str:
    """Name the moisture method, "(the table's moisture_method column)" for a yields table.

    A yields table without harvest columns states the method its yields were computed
    with (:func:`yieldtrial.io.yields.table_moisture_method`); it said the analysis's
    default, the dry-matter method (tidy56b).
    """
    from yieldtrial.io.yields import table_moisture_method

    s, lang = ctx.s, ctx.s.lang
    key = f"method.{s.method}"
    name = t(key, lang) if key in string_keys() else s.method
    if table_moisture_method(ctx.trial.plots) is None:
        return name
    return t("methods.method_of_table", lang, method_name=name)


def _method_not_stated(ctx: ReportContext) -> bool:
    """Whether the yields were read as given from a table that names no moisture method.

    Such yields had no formula applied: the methods said "with the dry-matter method" and
    its formula, the analysis's default (loose56).
    """
    from yieldtrial.io.plots import has_harvest_columns
    from yieldtrial.io.yields import table_moisture_method

    plots = ctx.trial.plots
    return not has_harvest_columns(plots) and table_moisture_method(plots) is None


def _has_upper_letters(ctx: Any) -> bool:
    """Whether the means table shows the uppercase letters (alpha 0.01) beside the lowercase."""
    return ctx.means is not None and "letters_upper" in ctx.means.columns


def _spaced_sentence(text: str, lang: str) -> str:
    """Return ``text`` after a space in English ("" stays "")."""
    return "" if not text else text if lang == "zh" else " " + text


def _letters_df(ctx: ReportContext, lang: str) -> str:
    """Say that the letters used one df for every pair, when they did (REML, unequal df).

    The multiple-range letters rank on one df, the smallest pair's (its provenance's error
    term says so), while the sentence on the mixed model says each comparison has its own.
    """
    prov = ctx.letters_provenance or {}
    if not letters_one_df(prov):
        return ""
    df = float(prov.get("df_error", float("nan")))
    return ("" if lang == "zh" else " ") + t("methods.letters_one_df", lang, df=f"{df:.4g}")


def _factor_error_terms(ctx: ReportContext, lang: str) -> str:
    """Name the error term each factor's letters use (split and strip plots, ANOVA strata).

    The main-plot factor's means are compared on Error a, the sub-plot factor's on Error b
    (the error terms of their F tests); the design-means captions say so table by table, the
    methods in one sentence.  REML fits have their own sentence on the df (each comparison's).
    """
    from yieldtrial.report._format import source_label, spaced

    if hasattr(ctx.anova, "variance_components"):
        return ""
    means = [m for m in ctx.design_means if m.kind != "cells" and "letters" in m.table.columns]
    errors = [source_label(m.error_term.split(" ")[0], lang) for m in means]
    if len(set(errors)) < 2:
        return ""
    items = [
        t(
            "methods.factor_error_item",
            lang,
            factor=spaced(factor_label(m.factor, lang), lang, after=True),
            error=spaced(error, lang, before=True),
            df=f"{m.df:g}",
        )
        for m, error in zip(means, errors, strict=True)
    ]
    joined = join_list(items, lang)
    return ("" if lang == "zh" else " ") + t("methods.factor_errors", lang, items=joined)


def _dunnett_sentence(ctx: Any, lang: str) -> str:
    """Return the sentence on Dunnett's comparisons with the control(s) (empty without one).

    A trial analysed without a control (none declared or detected) has no comparisons, and
    the methods must not say it had.
    """
    s = ctx.s
    if not s.controls or ctx.comparisons is None:
        return ""
    key = "methods.dunnett_many" if len(s.controls) > 1 else "methods.dunnett"
    controls = join_list([str(c) for c in s.controls], lang)
    subject = _compared(ctx, lang, "methods.each_treatment", "methods.each_level")
    return t(key, lang, subject=subject, controls=controls, alpha=f"{s.alpha:g}")


def _compared(ctx: Any, lang: str, treatments: str, levels: str) -> str:
    """Name what was compared with the control: the treatments, or a factor's levels.

    A two-factor trial whose control is a level of one factor (``N0`` of nitrogen in a
    split-plot) compares that factor's levels, not "each treatment".
    """
    kind = ctx.s.kind
    if kind in (None, "treatment"):
        return t(treatments, lang)
    return t(levels, lang, factor=spaced(factor_label(str(kind), lang), lang, after=True))


def _dunnett_accuracy(ctx: Any, lang: str) -> str:
    """How accurate the Dunnett probabilities are, when they are not exact to 1e-6.

    Missing plots, mixed models and incomplete blocks give a non-product correlation whose
    multivariate t probabilities are integrated numerically; the bound covers every
    adjusted P at or below alpha and the critical value (``compare_to_control``'s
    ``attrs["accuracy_abs_error"]``).
    """
    comparisons = ctx.comparisons
    if comparisons is None:
        return ""
    error = comparisons.attrs.get("accuracy_abs_error", float("nan"))
    if error is None or not np.isfinite(error):
        return ""
    note = str(comparisons.attrs.get("accuracy", ""))
    kind = (
        "qmc"
        if "Monte Carlo" in note
        else "nested"
        if "nested quadrature" in note
        else "approx"
        if "factor-analytic" in note
        else "augmented"
        if "augmented design" in note
        else "bound"
    )
    if kind == "augmented" and "the replicated entries" in note:  # the model's origin
        kind = "augmented_prep"  # augmented_prep: from the checks and replicated entries
    key = f"methods.dunnett_accuracy_{kind}"
    return ("" if lang == "zh" else " ") + t(key, lang, error=f"{error:.1e}")  # 。 ends zh


#: Model-formula terms of a Chinese report.
_FORMULA_ZH: dict[str, str] = {
    "incomplete_block": "不完全区组",
    "treatment": "处理",
    "block": "区组",
    "row": "行",
    "column": "列",
    "error": "误差",
    "Error": "误差",  # the strata of split- and strip-plot designs, Error(block/main)
    **DEFAULT_FACTORS_ZH,  # the factor columns of `yieldtrial design split_plot`
}


def _formula(formula: str, lang: str, resolvable: bool = False) -> str:
    """Return the ANOVA model formula, in Chinese with the terms named (产量 ~ 处理 + 区组).

    ``resolvable``: the ``block`` column holds the replicates of an alpha-lattice or
    row-column design, named 重复 (the incomplete blocks keep 不完全区组).

    Examples
    --------
    >>> _formula("yield_kg_ha ~ treatment + block", "zh")
    '产量 ~ 处理 + 区组'
    >>> _formula("yield_kg_ha ~ block + treatment + (1 | block:incomplete_block)", "zh")
    '产量 ~ 区组 + 处理 + (1 | 区组:不完全区组)'
    >>> _formula("yield_kg_ha ~ block + treatment + (1 | block:incomplete_block)", "zh", True)
    '产量 ~ 重复 + 处理 + (1 | 重复:不完全区组)'
    >>> _formula("yield_kg_ha ~ main * sub + Error(block/main)", "zh")
    '产量 ~ 主区因素 * 副区因素 + 误差(区组/主区因素)'
    >>> _formula("yield_kg_ha ~ N * variety + Error(block/N)", "zh")
    '产量 ~ N * variety + 误差(区组/N)'

    """
    header = factor_header("treatment")  # a variety header read as the treatment column
    if header:
        formula = re.sub(r"\btreatment\b", header, formula)
    if lang != "zh":
        return formula
    out = re.sub(r"\byield\w*", "产量", formula)
    for term, name in _FORMULA_ZH.items():
        if term == "block" and resolvable:
            name = "重复"
        out = re.sub(rf"\b{term}\b", name, out)
    return out


def _formula_factors(formula: str, lang: str) -> str:
    """Say what the bare ``main`` and ``sub`` of an English formula are (a generated field book).

    Examples
    --------
    >>> _formula_factors("yield_kg_ha ~ main * sub + Error(block/main)", "en")
    ' In the formula, main is the main-plot factor and sub the sub-plot factor.'
    >>> _formula_factors("yield_kg_ha ~ N * variety + Error(block/N)", "en")
    ''
    >>> _formula_factors("yield_kg_ha ~ main * sub + Error(block/main)", "zh")  # 主区因素
    ''
    """
    terms = set(re.findall(r"\w+", formula.split("~", 1)[-1]))
    if lang == "zh" or not set(DEFAULT_FACTORS_EN) <= terms:
        return ""
    return " " + t("methods.formula_factors", lang)


def _formula_replicates(formula: str, lang: str, resolvable: bool) -> str:
    """Say that an English formula's ``block`` is the replicate of a resolvable design.

    Everywhere else the report calls those blocks replicates (Chinese formulas say 重复);
    an alpha-lattice's ``block + treatment + (1 | block:incomplete_block)`` read as if its
    incomplete blocks were nested in other blocks.

    Examples
    --------
    >>> _formula_replicates("y ~ block + treatment + (1 | block:incomplete_block)", "en", True)
    ' In the formula, block is the replicate and incomplete_block the incomplete block within it.'
    >>> _formula_replicates("y ~ block + treatment", "en", False)
    ''
    """
    terms = set(re.findall(r"\w+", formula.split("~", 1)[-1]))
    if lang == "zh" or not resolvable or "block" not in terms:
        return ""
    key = "methods.formula_replicate"
    if "incomplete_block" in terms:
        key += "_alpha"
    elif {"row", "column"} <= terms:
        key += "_row_column"
    return " " + t(key, lang)


#: Largest comparison family whose members the methods name one by one.
FAMILY_LIST_MAX = 20


def _families_text(ctx: ReportContext) -> str:
    """How many comparison families the report tests and how each is adjusted."""
    s, lang = ctx.s, ctx.s.lang
    if ctx.comparisons is None or not len(ctx.comparisons):
        return ""
    items = []
    for control in s.controls:
        members = ctx.comparisons.loc[ctx.comparisons["control"].astype(str) == control]
        if len(members):
            items.append(
                t(
                    "methods.family_control",
                    lang,
                    subjects=_compared(ctx, lang, "methods.treatments", "methods.levels_of"),
                    control=control,
                )
                + ("：" if lang == "zh" else ": ")
                + (
                    join_list([str(v) for v in members["treatment"]], lang)
                    # many entries: the count, not a list of names nobody reads in the methods
                    if ctx.entries is None and len(members) <= FAMILY_LIST_MAX
                    else t("entries.count_one", lang)
                    if len(members) == 1
                    else t("entries.count", lang, n=f"{len(members):,}")
                )
            )
    if not items:
        return ""
    ctx.results["comparison_families"] = {
        "count": len(items),
        "adjustment": "Dunnett single-step within each control's family",
    }
    return t(
        "methods.families",
        lang,
        n=len(items),
        items=("；" if lang == "zh" else "; ").join(items),
        how=t("methods.family_how", lang),
    )


def _yield_text(ctx: ReportContext) -> str:
    """Plot-yield formula of this trial, display-unit conversions and input-unit conversions."""
    from yieldtrial.io.plots import has_harvest_columns, input_yield_column
    from yieldtrial.units import unit_from_yield_column

    s, lang = ctx.s, ctx.s.lang
    plots = ctx.trial.plots
    if has_harvest_columns(plots):
        parts = [
            yield_formula(
                ctx.used,
                lang,
                method=s.method,
                standard=s.standard_pct,
                shrink_pct_per_point=attr_or(ctx.trial, "shrink_pct_per_point", None),
            )
        ]
    else:
        column = str(input_yield_column(plots))
        given = unit_from_yield_column(column) or "kg/ha"
        parts = [t("methods.yield_given", lang, column=column, unit=given)]
    crop = attr_or(ctx.trial, "crop", None)
    conversions = conversion_note(s.unit, lang, crop=crop, standard=s.standard_pct)
    parts.append(
        t("methods.units", lang, unit=s.unit, conversions=conversions)
        if conversions
        else t("methods.units_ha", lang)
    )
    note = input_units_note(plots, lang, stated=conversions)
    if note:
        parts.append(note)
    return ("" if lang == "zh" else " ").join(parts)


def _moisture_here(ctx: ReportContext) -> str:
    """Sentence defining Y and M with this trial's harvest moisture (empty without it)."""
    if "moisture_pct" not in ctx.used.columns:
        return ""
    span = value_range(ctx.used["moisture_pct"])  # one number of decimals: 14.6–22.0
    if span is None:
        return ""
    gap = "" if ctx.s.lang == "zh" else " "
    return gap + t("methods.moisture_here", ctx.s.lang, moisture=span)


def _protocol_standard(ctx: ReportContext) -> float | None:
    """Return the protocol's standard moisture for the trial's crop [%] (None: no value)."""
    crop = attr_or(ctx.trial, "crop", None)
    protocol = attr_or(ctx.trial, "protocol", None)
    if not (crop and protocol):
        return None
    from yieldtrial.protocols import moisture_standard

    try:
        return float(moisture_standard(crop, protocol=protocol).moisture_pct)
    except (DataValidationError, KeyError):
        return None


def _same_as_shown(first: float, second: float) -> bool:
    """Whether two standard moistures [%] read the same as the report shows them (``:g``).

    13.0000001 is shown as 13: called the protocol's 13 %, not "13 %, not the protocol's
    13 %" (the yields differ by 1e-9 of themselves).

    Examples
    --------
    >>> _same_as_shown(13.0, 13.0000001), _same_as_shown(13.0, 13.5)
    (True, False)
    """
    return f"{first:g}" == f"{second:g}"


def _standard_differs(ctx: ReportContext) -> str:
    """Sentence saying the report's standard moisture is not the protocol's (empty if it is).

    ``--standard-moisture-pct 14`` for wheat (13 % in cn-yield-test) or a trial.toml
    ``standard_moisture_pct`` other than the crop's value: the yields of the whole report
    are at that standard, and a reader comparing them with the protocol's must know.
    """
    protocol_pct = _protocol_standard(ctx)
    if protocol_pct is None or _same_as_shown(protocol_pct, ctx.s.standard_pct):
        return ""
    lang = ctx.s.lang
    crop, protocol = str(ctx.trial.crop), str(ctx.trial.protocol)
    if lang == "zh":
        crop = CROPS_ZH.get(crop.strip().lower(), crop)
        protocol = t("methods.protocol_name_cn", lang) if protocol == "cn-yield-test" else protocol
    return ("" if lang == "zh" else " ") + t(
        "methods.standard_differs",
        lang,
        standard=f"{ctx.s.standard_pct:g}",
        protocol=protocol,
        crop=crop,
        protocol_standard=f"{protocol_pct:g}",
    )


def protocol_standard_source(
    crop: str | None, protocol: str | None, standard_pct: float, lang: str
) -> str | None:
    """Return the source of a protocol's standard moisture as a report cites it.

    Shared by the single-trial report's methods and the network report's (tidy57: a
    network on yields cited the Chinese method for ``--protocol usda``).

    Parameters
    ----------
    crop : str or None
        The crop (``rice_indica``, ``maize``, ...).
    protocol : str or None
        The protocol whose table holds the crop's standard (``cn-yield-test``, ``usda``).
    standard_pct : float
        The standard moisture the yields are at [%].
    lang : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str or None
        The protocol's own source (cn-yield-test by the method's name, the others by their
        table's source without its URL), or None when the protocol has no standard for the
        crop or its standard is not ``standard_pct`` as shown.
    """
    if not crop or not protocol:
        return None
    from yieldtrial.protocols import moisture_standard

    try:
        std = moisture_standard(crop, protocol=protocol)
    except (DataValidationError, KeyError):
        return None
    if not _same_as_shown(std.moisture_pct, standard_pct):
        return None
    if protocol == "cn-yield-test":
        # a report cites the method by its name; web sources belong in docs/
        standard = f"{std.moisture_pct:g}"
        return t("methods.source_cn", lang, crop=crop_name(crop, lang), standard=standard)
    # the source in the report's language, without its URL
    text = std.source_zh if lang == "zh" and std.source_zh else std.source
    text = re.sub(r"[,，]?\s*[;；]?\s*https?://\S+", "", text).strip(" ,;，；")
    if lang == "en":
        return f"{protocol}: {text}"
    return t(
        "methods.source_protocol",
        lang,
        protocol=protocol,
        source=text,
        crop=CROPS_ZH.get(str(crop).strip().lower(), str(crop)),
        standard=f"{std.moisture_pct:g}",
        ref=text,
    )


def _standard_source(ctx: ReportContext) -> str:
    crop = attr_or(ctx.trial, "crop", None)
    protocol = attr_or(ctx.trial, "protocol", None)
    cited = protocol_standard_source(crop, protocol, ctx.s.standard_pct, ctx.s.lang)
    if cited is not None:
        return cited
    if _protocol_standard(ctx) is not None:
        # another standard than the protocol's, from trial.toml, --standard-moisture-pct or
        # FieldTrial (it read "(trial.toml)" for the flag and "(cn-yield-test)" for the API)
        return t("methods.source_set", ctx.s.lang)
    if ctx.config.standard_moisture_pct is not None:
        return "trial.toml" if ctx.s.lang == "en" else "试验说明文件设定"
    return str(protocol or "")


def panel_section(ctx: ReportContext) -> Section:
    """Expert panel members, date and signature line."""
    from yieldtrial.report.sections.extra import (
        ILLUSTRATIVE_MARK,
        localized,
        panel_table,
        panel_value,
    )

    c, lang = ctx.config, ctx.s.lang
    table = panel_table(ctx)
    items = []
    if c.responsible_unit:
        unit = localized(ctx, "responsible_unit", c.responsible_unit)
        unit = panel_value(ctx, "responsible_unit", unit)
        items.append((t("header.responsible_unit", lang), unit))
    if c.report_number:
        number = panel_value(ctx, "report_number", c.report_number)
        items.append((t("header.report_number", lang), number))
    if c.panel_members and table is None:
        members = join_list(list(c.panel_members), lang)
        items.append((t("panel.members", lang), panel_value(ctx, "members", members)))
    if c.panel_date:
        items.append((t("panel.date", lang), panel_value(ctx, "date", c.panel_date)))
    if table is None:
        items.append((t("panel.signature", lang), "______________________"))
    blocks: list[Any] = [KeyValues(items)]
    if table is not None:
        blocks.append(table)
    if c.panel_illustrative:
        blocks.append(Paragraph(t("panel.illustrative", lang, mark=ILLUSTRATIVE_MARK), "note"))
    return Section("panel", t("section.panel", lang), blocks)


def _product_text(info: Any, ctx: Any = None) -> str | None:
    """Product of a treatment with its grade and further products (synergist, ...)."""
    if info is None:
        return None
    zh = ctx is not None and ctx.s.lang == "zh"
    parts: list[str] = []
    if info.product:
        grade = info.extra.get("grade")
        product = info.extra.get("product_zh") if zh and info.extra.get("product_zh") else None
        if zh and not product:
            product = dict(ctx.config.zh.get("products", {})).get(info.product)
        product = product or info.product
        parts.append(f"{product} {grade}" if grade else str(product))
    further = info.extra.get("products") or []
    if isinstance(further, Mapping):
        further = [further]
    for item in further:
        if not isinstance(item, Mapping):
            continue
        name = str(item.get("product") or item.get("name") or item.get("additive") or "?")
        if zh:
            name = str(dict(ctx.config.zh.get("products", {})).get(name, name))
        if item.get("rate") is not None:
            name += f" {float(item['rate']):,g} {item.get('rate_unit') or ''}".rstrip()
        parts.append(name)
    return " + ".join(parts) or None


def _rate_text(info: Any, lang: str) -> str | None:
    """Rate of a treatment's main product, marked when the trial.toml calls it illustrative."""
    if info is None or info.rate is None:
        return None
    text = f"{info.rate:,g} {info.rate_unit or ''}".strip()
    if str(info.extra.get("rate_status", "")).lower() == "illustrative":
        mark = t("status.illustrative", lang)
        # a Chinese page brackets in full width, as its other notes: "32 kg/亩（示意）"
        text += f"（{mark}）" if lang == "zh" else f" ({mark})"
    return text


def _lsd_without_f_test(ctx: ReportContext, lang: str) -> str:
    """Say that the protected LSD declared nothing because no treatment F test existed.

    A Kenward-Roger F test whose denominator df is not positive gives no P value, so the
    protected LSD's gate cannot pass and every treatment shares one letter
    (:func:`yieldtrial.stats.compare.pairwise_means`); the letters alone would read as
    "no differences found" (empty for any other letters or when the F test exists).
    """
    s = ctx.s
    if s.letters != "lsd" or s.factors:
        return ""
    from yieldtrial.stats.compare import treatment_f_test
    from yieldtrial.stats.inference import INFERENCE_OK, inference_status

    mm = ctx.trial.means_model(s.kind, unit="kg/ha")
    if len(mm.levels) < 2 or inference_status(mm) != INFERENCE_OK:
        return ""  # no error variance: the methods say so elsewhere
    if np.isfinite(treatment_f_test(mm)[2]):
        return ""
    return ("" if lang == "zh" else " ") + t("methods.lsd_no_f_test", lang)


def _model_sentence(ctx: ReportContext, lang: str) -> str:
    """Sentence on REML / Federer's analysis for the designs with their own model."""
    from yieldtrial.report.sections.models import model_methods_text

    text = model_methods_text(ctx)
    return ("" if lang == "zh" else " ") + text if text else ""


def _design_sentence(ctx: ReportContext, lang: str) -> str:
    """Return the methods' design sentence: treatments, or the two factors' combinations.

    A split plot, strip plot or factorial counts the combinations of its two factors and
    the levels of each ("12 combinations of the two factors (3 main-plot factor levels x 4
    sub-plot factor levels)"), not "12 treatments"; a one-factor design its treatments.
    """
    s = ctx.s
    design = design_name(ctx, lang)
    n_plots = f"{len(ctx.used):,}"
    plots = ctx.plots
    if len(s.factors) == 2 and all(f in plots.columns for f in s.factors):
        first, second = s.factors
        cells = plots[list(s.factors)].dropna().astype(str).drop_duplicates()
        return t(
            "methods.design_factors",
            lang,
            design=design,
            n_cells=f"{len(cells):,}",
            n_a=f"{cells[first].nunique():,}",
            n_b=f"{cells[second].nunique():,}",
            factor_a=factor_label(first, lang),
            factor_b=factor_label(second, lang),
            n_plots=n_plots,
        )
    return t(
        "methods.design",
        lang,
        design=design,
        n_treatments=f"{len(s.treatments):,}",
        n_plots=n_plots,
    ) + _check_gaps_sentence(ctx, lang)


def _check_gaps_sentence(ctx: ReportContext, lang: str) -> str:
    """Name the checks lost in some block of an augmented trial ("" when none is)."""
    gaps = check_gaps(ctx)
    if not gaps:
        return ""
    items = [
        t("methods.augmented_check_gap", lang, check=check, blocks=join_list(lost, lang))
        for check, lost in gaps
    ]
    sep = "；" if lang == "zh" else "; "
    return ("" if lang == "zh" else " ") + t(
        "methods.augmented_check_gaps", lang, items=sep.join(items)
    )


def _unread_blocks(ctx: ReportContext, lang: str) -> str:
    """Say that no blocks were read when a column kept as extra may hold them (loose58).

    A completely randomized design whose table has a header one typo from ``block``
    (``blcok``) or naming a block beside another label (``plot_block``): the data-quality
    warnings said "not read as 'block'", and the methods now say what that left the model.
    """
    from yieldtrial.io.plots import unread_block_headers

    if ctx.s.design != "crd" or "block" in ctx.plots.columns:
        return ""
    column_map = dict(getattr(ctx.trial.plots, "attrs", {}).get("column_map") or {})
    headers = unread_block_headers(column_map)
    if not headers:
        return ""
    return ("" if lang == "zh" else " ") + t(
        "methods.blocks_unread",
        lang,
        headers=join_list([repr(h) for h in headers], lang),
        header=headers[0],
    )


def _design_detected(ctx: Any, lang: str) -> str:
    """Say so when the design was detected from the plot layout rather than declared."""
    metadata = attr_or(ctx.trial, "metadata", None) or {}
    if "design_source" not in metadata:
        return ""
    return ("" if lang == "zh" else " ") + t("methods.design_detected", lang)
