"""ANOVA sections of the designs with their own model: REML mixed models, augmented designs.

:func:`model_anova_section` returns the section for a
:class:`~yieldtrial.stats.mixed.MixedModelFit` (fixed-effect F tests with Satterthwaite
df, variance components, SEDs) or an :class:`~yieldtrial.stats.augmented.AugmentedAnova`
(both ANOVA tables with the checks/entries partition, the four SEDs), and None for the
other designs, whose section :func:`yieldtrial.report.sections.statistics.anova_section`
builds.  :func:`model_methods_text` is the methods sentence on how the model was fitted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yieldtrial.report._format import (
    CV_DIGITS,
    attr_or,
    fmt_number,
    source_label,
    spaced,
    string_keys,
    yield_digits,
)
from yieldtrial.report.context import ReportContext
from yieldtrial.report.i18n import factor_words, letters_one_df, t
from yieldtrial.report.model import REPORT_NUMBER_STYLE, Column, NumberStyle, Section, Table

__all__ = ["model_anova_section", "model_methods_text"]


def _kind(anova: Any) -> str | None:
    if anova is None:
        return None
    if hasattr(anova, "variance_components"):
        return "mixed"
    if hasattr(anova, "table_block_adjusted"):
        return "augmented"
    return None


def model_anova_section(ctx: ReportContext) -> Section | None:
    """Build the ANOVA section of a mixed-model or augmented trial (None for other designs)."""
    kind = _kind(ctx.anova)
    if kind == "mixed":
        return _mixed_section(ctx)
    if kind == "augmented":
        return _augmented_section(ctx)
    return None


def model_methods_text(ctx: ReportContext) -> str:
    """Return the sentence saying how a mixed or augmented model was fitted ("" otherwise)."""
    kind, lang = _kind(ctx.anova), ctx.s.lang
    if kind == "mixed":
        components = [str(c) for c in ctx.anova.variance_components["component"]]
        named = ("、" if lang == "zh" else ", ").join(source_label(c, lang) for c in components)
        key = "methods.mixed_kr" if ctx.anova.ddf == "kenward-roger" else "methods.mixed"
        space = " " if lang == "en" else ""
        text = t(key, lang, components=named)
        # alpha and row-column blocks are incomplete (non-orthogonal): no exact stratum df;
        # so are the blocks of an augmented design fitted with random blocks (each entry in
        # one block: an entry-check comparison had 12.86 df on a 12-df residual, no plot
        # missing; tests/data/r_reference_surface, augmented_4x5_30)
        augmented = ctx.s.design == "augmented"
        incomplete = ctx.anova.design in ("alpha", "row_column") or augmented
        if incomplete:
            # an augmented design's blocks hold every check and one share of the entries:
            # its own sentence, not the alpha-lattice's "incomplete blocks"
            text += space + t(key + ("_augmented" if augmented else "_incomplete"), lang)
        from yieldtrial.stats.mixed import zero_components

        # the rule stats.mixed.pooled_strata_messages warns on too (the data-quality section)
        zero = zero_components(ctx.anova.variance_components)
        if zero:
            # a component estimated at zero: the two df methods part ways (lmerTest's
            # Satterthwaite df pool its stratum, pbkrtest's Kenward-Roger df do not)
            joined = ("、" if lang == "zh" else ", ").join(source_label(c, lang) for c in zero)
            joined = spaced(joined, lang, after=True)  # 区组 × main 的 REML 估计值
            text += space + t(key + "_boundary", lang, components=joined)
        if not incomplete:
            # complete data: Kenward-Roger keeps the stratum df even at the boundary,
            # Satterthwaite's pooled df are not the stratum df (R, tests/data/r_reference)
            strata = "methods.mixed_boundary_strata" if zero and key == "methods.mixed" else ""
            n_missing = _n_plots_missing(ctx)
            if n_missing and not strata and key == "methods.mixed":
                # one sentence: exact df for complete data, approximate here (it read "exact
                # ... then" followed by "approximations", a contradiction in Chinese)
                text += space + t("methods.mixed_strata_approx", lang, n=n_missing)
            else:
                text += space + t(strata or key + "_strata", lang)
                if n_missing:  # the sentence above is conditional
                    text += space + t("methods.mixed_strata_missing", lang)
        table = ctx.anova.table
        no_df = table.loc[(table["df"] > 0) & table["df_denominator"].isna(), "source"]
        if key == "methods.mixed_kr" and len(no_df):
            # Kenward-Roger's m <= 0 (stats.mixed._f_tests): say why the row has no F or P
            names = ("、" if lang == "zh" else ", ").join(source_label(str(c), lang) for c in no_df)
            text += space + t("methods.mixed_kr_no_df", lang, sources=names)
        # emmeans rounds the df of its multivariate-t adjustment; yieldtrial does not.  Letters
        # ranked on one df (multiple-range letters: their provenance's error term) have no
        # Tukey P values at each pair's df: the sentence names Dunnett alone, or is left out
        dunnett = ctx.comparisons is not None and bool(ctx.s.controls)
        if not letters_one_df(ctx.letters_provenance):
            # no control: Tukey's letters alone (the sentence named a Dunnett family)
            key = "methods.mixed_adjusted" if dunnett else "methods.mixed_adjusted_tukey"
            return text + space + t(key, lang)
        if not dunnett:
            return text
        return text + space + t("methods.mixed_adjusted_dunnett", lang)
    if kind == "augmented":
        from yieldtrial.report._format import join_list
        from yieldtrial.report.sections.data import prep_entries

        n_prep = prep_entries(ctx)
        if n_prep:  # p-rep: which are checks, how the replicated entries are fitted (stop 44)
            checks = join_list([str(c) for c in ctx.anova.checks], lang)
            return t("methods.augmented_prep", lang, n=f"{n_prep:,}", checks=checks)
        return t("methods.augmented", lang)
    return ""


def _n_plots_missing(ctx: ReportContext) -> int:
    """Return the number of missing plots: empty yields plus combinations without a row.

    A split plot's field book with a lost sub-plot deleted has no empty cell, but its
    combination is missing from its block all the same (the data-quality section lists it).
    """
    from yieldtrial.report.sections.data import absent_cells

    missing = attr_or(ctx.trial, "missing_plots", None)
    return (0 if missing is None else len(missing)) + len(absent_cells(ctx))


def _f_critical(row: dict[str, Any], df_den: float) -> dict[str, float]:
    from yieldtrial.stats._univariate import f_ppf  # scipy.stats.f.ppf, bit for bit

    return {
        "f_05": float(f_ppf(0.95, row["df"], df_den)),
        "f_01": float(f_ppf(0.99, row["df"], df_den)),
    }


def _mixed_section(ctx: ReportContext) -> Section:
    lang, a = ctx.s.lang, ctx.anova
    rows = []
    for row in a.table.to_dict("records"):
        entry = {
            "source": source_label(str(row["source"]), lang),
            "df": row["df"],
            "df_denominator": row["df_denominator"],
            "f": row["f"],
            "p_value": row["p_value"],
        }
        if lang == "zh":
            entry.update(_f_critical(row, float(row["df_denominator"])))
        rows.append(entry)
    columns = [
        Column("source", t("col.source", lang), "text"),
        Column("df", t("col.df", lang), "int"),
        Column("df_denominator", t("col.df_denominator", lang), "number", 1),
        Column("f", t("col.f", lang), "number", 2),
    ]
    if lang == "zh":
        columns += [Column("f_05", "F0.05", "number", 2), Column("f_01", "F0.01", "number", 2)]
    columns.append(Column("p_value", t("col.p", lang), "pvalue"))
    kr = getattr(a, "ddf", None) == "kenward-roger"
    caption = "anova.mixed_caption_kr" if kr else "anova.mixed_caption"
    k2, squared = anova_scale(ctx) ** 2, squared_unit(ctx)

    def footer(style: NumberStyle) -> list[tuple[str, str]]:
        lines = [(t("footer.grand_mean", lang), both_units(ctx, a.grand_mean, style))]
        residual = f"{fmt_number(a.residual_variance * k2, 1, style)} {squared}"
        lines.append((t("footer.residual_variance", lang), residual))
        cv = a.cv_pct
        if len(cv) == 1:
            cv_text = fmt_number(next(iter(cv.values())), CV_DIGITS, style)
            lines.append((t("footer.cv", lang), cv_text))
        else:
            for error, value in cv.items():
                label = spaced(source_label(error, lang), lang, after=True)  # 误差 a 变异系数
                cv_text = fmt_number(value, CV_DIGITS, style)
                lines.append((t("footer.error_cv", lang, error=label), cv_text))
        return lines

    anova = Table("anova", columns, rows, t(caption, lang, unit=anova_unit(ctx)))
    anova.footer = footer_as_table(anova, footer)
    blocks: list[Any] = [anova, _variance_components_table(ctx)]
    if a.two_factor:
        # every row is tested on the REML fit with the same df method, which the caption
        # names: a column repeating "REML, Satterthwaite df" in each row wrapped to three
        # lines per row in a 600 px Chinese page and said nothing the caption does not
        sed_caption = "anova.mixed_sed_caption_kr" if kr else "anova.mixed_sed_caption"
        blocks.append(_sed_table(ctx, a.sed, sed_caption))
    return Section("anova", t("section.anova", lang), blocks)


def _sed_table(ctx: ReportContext, sed: Any, caption: str) -> Table:
    """Tabulate SED, df and LSD per kind of comparison, in the report's unit."""
    lang, k, unit = ctx.s.lang, anova_scale(ctx), anova_unit(ctx)
    rows = []
    for row in sed.to_dict("records"):
        key = f"sed.{row['comparison']}"
        entry = {
            "comparison": factor_words(str(row["description"]), ctx.s.factors)
            if lang == "en" or key not in string_keys()
            else t(key, lang),
            "sed": row["sed"] * k,
            "df": row["df"],
            "lsd": row["lsd"] * k,
        }
        rows.append(entry)
    columns = [
        Column("comparison", t("col.comparison", lang), "text"),
        Column("sed", t("col.sed", lang, unit=unit), "number", 2, unit),
        Column("df", t("col.df", lang), "number", 1),
        Column("lsd", t("col.lsd", lang, unit=unit), "number", 2, unit),
    ]
    return Table("sed", columns, rows, t(caption, lang))


def anova_scale(ctx: ReportContext) -> float:
    """Factor from the ANOVA's response (kg/ha) to the report's unit (1 when the same)."""
    return float(ctx.s.factor) if ctx.s.ycol == "yield_kg_ha" else 1.0


def anova_unit(ctx: ReportContext) -> str:
    """Return the ANOVA table's unit as shown: the report's unit when the response is kg/ha."""
    return ctx.s.unit if ctx.s.ycol == "yield_kg_ha" else "kg/ha"


def squared_unit(ctx: ReportContext) -> str:
    """Return the unit of a variance of yield as shown, e.g. ``(kg/mu)²`` (zh: localized later)."""
    return f"({anova_unit(ctx)})²"


def _variance_components_table(ctx: ReportContext) -> Table:
    """Tabulate the REML variance components in the report's unit squared."""
    lang, vc = ctx.s.lang, ctx.anova.variance_components
    k2, squared = anova_scale(ctx) ** 2, squared_unit(ctx)
    rows = [
        {
            "component": source_label(str(row["component"]), lang),
            "variance": row["variance"] * k2,
            "se": row["se"] * k2,
            "pct_of_total": row["pct_of_total"],
        }
        for row in vc.to_dict("records")
    ]
    columns = [
        Column("component", t("col.component", lang), "text"),
        Column("variance", t("col.variance", lang, unit=squared), "number", 1, squared),
        Column("se", t("col.se", lang, unit=squared), "number", 1, squared),
        Column("pct_of_total", t("col.pct_of_total", lang), "number", 1),
    ]
    return Table("variance_components", columns, rows, t("anova.vc_caption", lang))


def footer_as_table(
    table: Table, build: Callable[[NumberStyle], list[tuple[str, str]]]
) -> list[tuple[str, str]]:
    """Build a table's footer with the thousands grouped as the report's tables.

    A footer read "Error mean square: 5238.1" under the mean squares "5,238.1" (stop 36);
    every report's tables group their thousands from 1,000 on
    (:data:`~yieldtrial.report.model.REPORT_NUMBER_STYLE`, stop 46), and so does the
    footer.  ``build`` formats the footer in a given style (:func:`fmt_number`'s
    ``style``); ``table`` is the table the footer belongs to.
    """
    del table  # grouped as every table of the report, whatever its numbers
    return build(REPORT_NUMBER_STYLE)


def both_units(ctx: ReportContext, value: float, style: NumberStyle | None = None) -> str:
    """Format a kg/ha value in the report's unit, followed by kg/ha when that differs.

    The kg/ha value is in brackets, full-width ones in a Chinese report ("616.72 kg/亩
    （9250.7 kg/公顷）"), as every other bracket of its text; ``style`` groups the
    thousands as :func:`fmt_number`'s.
    """
    s = ctx.s
    text = f"{fmt_number(value, 1, style)} kg/ha"
    if s.unit != "kg/ha":
        number = fmt_number(value * s.factor, yield_digits(s.unit), style)
        opening, closing = ("（", "）") if s.lang == "zh" else (" (", ")")
        text = f"{number} {s.unit}{opening}{text}{closing}"
    return text


def _ss_table(
    key: str, table: Any, caption: str, lang: str, df_error: float, k2: float = 1.0
) -> Table:
    """Tabulate an ANOVA (sums of squares times ``k2``: the report's unit squared)."""
    rows = []
    for row in table.to_dict("records"):
        entry = {
            "source": source_label(str(row["source"]), lang),
            "df": row["df"],
            "sum_sq": row["sum_sq"] * k2,
            "mean_sq": row["mean_sq"] * k2,
            "f": row["f"],
            "p_value": row["p_value"],
        }
        if lang == "zh" and str(row["source"]) != "residual" and row["df"] > 0:
            entry.update(_f_critical(row, df_error))
        rows.append(entry)
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
    return Table(key, columns, rows, caption)


def _augmented_section(ctx: ReportContext) -> Section:
    lang, a = ctx.s.lang, ctx.anova
    k2 = anova_scale(ctx) ** 2  # sums of squares in the report's unit, squared
    caption = t("anova.augmented_caption", lang, unit=anova_unit(ctx))
    first = _ss_table("anova", a.table, caption, lang, a.df_error, k2)
    first.footer = footer_as_table(
        first,
        lambda style: [
            (t("footer.grand_mean", lang), both_units(ctx, a.grand_mean, style)),
            (t("footer.adjusted_mean", lang), both_units(ctx, a.overall_adjusted_mean, style)),
            (t("footer.mse", lang), f"{fmt_number(a.mse * k2, 1, style)} {squared_unit(ctx)}"),
            (t("footer.df_error", lang), str(a.df_error)),
            (t("footer.cv", lang), fmt_number(a.cv_pct, CV_DIGITS, style)),
            (t("footer.checks", lang), ("、" if lang == "zh" else ", ").join(a.checks)),
        ],
    )
    second = _ss_table(
        "anova_block_adjusted",
        a.table_block_adjusted,
        t("anova.augmented_block_caption", lang),
        lang,
        a.df_error,
        k2,
    )
    sed = _sed_table(ctx, a.sed, "anova.augmented_sed_caption")
    return Section("anova", t("section.anova", lang), [first, second, sed])
