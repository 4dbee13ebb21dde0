"""Statistics sections: ANOVA, means and Dunnett, non-inferiority, fertilizer efficiency."""

from __future__ import annotations

import math
import re
from typing import Any, cast

import numpy as np
import pandas as pd

from yieldtrial.efficiency.trial_tables import report_table
from yieldtrial.io._rounding import fixed
from yieldtrial.io.checks import message_number
from yieldtrial.io.validation import as_labels
from yieldtrial.report._format import (
    CV_DIGITS,
    factor_label,
    fmt_number,
    fmt_p,
    join_list,
    source_label,
    spaced,
    string_keys,
    yield_digits,
)
from yieldtrial.report.context import ReportContext, comparisons_warned_of
from yieldtrial.report.entries import (
    count_sentences,
    population,
    shown_parts,
    summarise_table,
    where_text,
)
from yieldtrial.report.i18n import DEFAULT_FACTORS_EN, factor_words, letters_name, t
from yieldtrial.report.model import Column, NumberStyle, Section, Table, json_value, records
from yieldtrial.report.sections.models import (
    anova_scale,
    anova_unit,
    both_units,
    footer_as_table,
    model_anova_section,
    squared_unit,
)

__all__ = [
    "anova_section",
    "design_means_section",
    "efficiency_section",
    "means_section",
    "noninferiority_section",
]


def anova_section(ctx: ReportContext) -> Section:
    """Analysis of variance (by stratum for split/strip plots) with its footer."""
    own = model_anova_section(ctx)  # REML mixed models and augmented designs
    if own is not None:
        return own
    lang, a = ctx.s.lang, ctx.anova
    table = a.table
    strata = "stratum" in table.columns
    tested_against = "error_term" in table.columns
    df_of = {
        str(source): float(df) for source, df in zip(table["source"], table["df"], strict=True)
    }
    k2 = anova_scale(ctx) ** 2  # sums of squares in the report's unit, squared
    rows = []
    for row in table.to_dict("records"):
        source = str(row["source"])
        error = str(row.get("error_term") or "") if tested_against else ""
        entry = {
            "source": source_label(source, lang),
            "df": row["df"],
            "sum_sq": row["sum_sq"] * k2,
            "mean_sq": row["mean_sq"] * k2,
            "f": row["f"],
            "p_value": row["p_value"],
        }
        if strata:
            entry["stratum"] = source_label(str(row["stratum"]), lang)
        if tested_against:
            entry["error_term"] = source_label(error, lang) if error else "–"  # not tested
        df_den = (
            df_of.get(error) if tested_against else (a.df_error if source != "residual" else None)
        )
        if lang == "zh" and df_den is not None:
            from yieldtrial.stats._univariate import f_ppf  # scipy.stats.f.ppf, bit for bit

            entry["f_05"] = float(f_ppf(0.95, row["df"], df_den))
            entry["f_01"] = float(f_ppf(0.99, row["df"], df_den))
        rows.append(entry)
    columns = [Column("stratum", t("col.stratum", lang), "text")] if strata else []
    columns += [
        Column("source", t("col.source", lang), "text"),
        Column("df", t("col.df", lang), "int"),
        Column("sum_sq", t("col.ss", lang), "number", 1),
        Column("mean_sq", t("col.ms", lang), "number", 1),
        Column("f", t("col.f", lang), "number", 2),
    ]
    if lang == "zh":
        columns += [Column("f_05", "F0.05", "number", 2), Column("f_01", "F0.01", "number", 2)]
    columns.append(Column("p_value", t("col.p", lang), "pvalue"))
    if tested_against:
        columns.append(Column("error_term", t("col.error_term", lang), "text"))
    notes = _interaction_notes(a, lang)
    anova = Table("anova", columns, rows, t("anova.caption", lang, unit=anova_unit(ctx)), notes)
    hsd = _hsd(ctx) if ctx.single_error else None
    anova.footer = footer_as_table(
        anova,
        lambda style: (
            _single_error_footer(ctx, style, hsd)
            if ctx.single_error
            else _strata_footer(ctx, df_of, style)
        ),
    )
    blocks: list[Any] = [anova]
    sed = getattr(a, "sed", None)
    if isinstance(sed, pd.DataFrame) and len(sed):
        blocks.append(_sed_table(ctx, sed))
    return Section("anova", t("section.anova", lang), blocks)


def _single_error_footer(
    ctx: ReportContext, style: NumberStyle, hsd: float | None
) -> list[tuple[str, str]]:
    """Build the footer of a one-error ANOVA: grand mean, MSE, error df, CV, SED, LSD, HSD, RE.

    Numbers in ``style`` (:func:`footer_as_table`); ``hsd`` is Tukey's HSD or None.
    """
    s, lang, a = ctx.s, ctx.s.lang, ctx.anova
    # a mean square in the unit squared, as the mixed model's residual variance
    mse = f"{fmt_number(a.mse * anova_scale(ctx) ** 2, 1, style)} {squared_unit(ctx)}"
    footer = [
        (_grand_mean_label(ctx), both_units(ctx, a.grand_mean, style)),
        (t("footer.mse", lang), mse),
        (t("footer.df_error", lang), str(a.df_error)),
        (t("footer.cv", lang), fmt_number(a.cv_pct, CV_DIGITS, style)),
    ]
    mean = "" if getattr(a, "balanced", True) else "_mean"  # unbalanced: one SED per pair
    alpha = f"{s.alpha:g}"
    footer += [
        (t(f"footer.sed{mean}", lang), both_units(ctx, a.sed, style)),
        (t(f"footer.lsd{mean}", lang, alpha=alpha), both_units(ctx, a.lsd, style)),
    ]
    if hsd is not None:
        footer.append((t("footer.hsd", lang, alpha=alpha), both_units(ctx, hsd, style)))
    if a.relative_efficiency is not None:
        footer.append((t("footer.re", lang), fmt_number(a.relative_efficiency, 2, style)))
    return footer


def _cells_grand_mean(ctx: ReportContext) -> float | None:
    """Mean of a two-factor design's cell means [kg/ha] when it differs from the plots' mean.

    The ANOVA's grand mean is the plain mean of the plots; the cell-means table's corner
    is the mean of the LS-means.  With lost plots they differ, and both were printed
    unexplained; None for one factor or when they agree (to 1e-9, relative).
    """
    a = ctx.anova
    if len(ctx.s.factors) != 2 or not hasattr(a, "means_table"):
        return None
    try:
        corner = float(a.means_table().iloc[-1, -1])
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return None
    grand = float(a.grand_mean)
    if not math.isfinite(corner) or abs(corner - grand) <= 1e-9 * max(1.0, abs(grand)):
        return None
    return corner


def _grand_mean_label(ctx: ReportContext) -> str:
    """Return the label of the ANOVA footer's grand mean (the plain mean of the plots).

    It says so when the cell-means table's overall mean differs (:func:`_cells_grand_mean`).
    """
    lost = _cells_grand_mean(ctx) is not None
    return t("footer.grand_mean_plots" if lost else "footer.grand_mean", ctx.s.lang)


def _strata_footer(
    ctx: ReportContext, df_of: dict[str, float], style: NumberStyle
) -> list[tuple[str, str]]:
    """Build a two-factor ANOVA footer: grand mean; mean square, df and CV of each error.

    Numbers in ``style`` (:func:`footer_as_table`).
    """
    lang, a = ctx.s.lang, ctx.anova
    footer = [(_grand_mean_label(ctx), both_units(ctx, a.grand_mean, style))]
    errors = [str(e) for e in dict.fromkeys(a.table["error_term"]) if isinstance(e, str) and e]
    cv = a.cv_pct if isinstance(a.cv_pct, dict) else dict.fromkeys(errors, a.cv_pct)
    by_source = a.table.set_index(a.table["source"].astype(str))
    for error in errors:
        label = spaced(source_label(error, lang), lang, after=True)  # 误差 a 均方
        if error in by_source.index:
            ms = fmt_number(by_source.at[error, "mean_sq"] * anova_scale(ctx) ** 2, 1, style)
            ms += f" {squared_unit(ctx)}"  # in the unit squared, as the Error mean square
            footer.append((t("footer.error_ms", lang, error=label), ms))
            footer.append((t("footer.error_df", lang, error=label), f"{df_of[error]:g}"))
        if error in cv:
            footer.append(
                (t("footer.error_cv", lang, error=label), fmt_number(cv[error], CV_DIGITS, style))
            )
    return footer


def _sed_table(ctx: ReportContext, sed: pd.DataFrame) -> Table:
    """Tabulate the SED, df and LSD for each kind of comparison, in the report's unit."""
    lang, k, unit = ctx.s.lang, anova_scale(ctx), anova_unit(ctx)
    # the descriptions name the factors; the bare "main" and "sub" of a generated field book
    # read as the kinds of plot ("two whole-plot factor means"), as in Chinese
    named = lang == "en" and not set(ctx.s.factors) & set(DEFAULT_FACTORS_EN)
    rows = [
        {
            "comparison": factor_words(str(row["description"]), ctx.s.factors)
            if named or f"sed.{row['comparison']}" not in string_keys()
            else t(f"sed.{row['comparison']}", lang),
            "sed": row["sed"] * k,
            "df": row["df"],
            "lsd": row["lsd"] * k,
            "error_term": source_label(str(row["error_term"]), lang),
        }
        for row in sed.to_dict("records")
    ]
    columns = [
        Column("comparison", t("col.comparison", lang), "text"),
        Column("sed", t("col.sed", lang, unit=unit), "number", 2, unit),
        Column("df", t("col.df", lang), "number", 1),
        Column("lsd", t("col.lsd", lang, unit=unit), "number", 2, unit),
        Column("error_term", t("col.error_term", lang), "text"),
    ]
    return Table("sed", columns, rows, t("anova.sed_caption", lang))


def design_means_section(ctx: ReportContext) -> Section:
    """Build the means of each factor on its own error term and the two-way table of cell means."""
    s, lang = ctx.s, ctx.s.lang
    d = yield_digits(s.unit)
    blocks: list[Any] = []
    for means in ctx.design_means:
        if means.kind == "cells":
            continue
        cols = [
            Column("level", factor_label(means.factor, lang, capital=True), "text"),
            Column("n", t("col.n", lang), "int"),
            Column("mean", t("col.mean", lang, unit=s.unit), "number", d, s.unit),
            Column("se", t("col.se", lang, unit=s.unit), "number", d, s.unit),
        ]
        keys = [k for k in ("letters", "letters_upper") if k in means.table.columns]
        group = t("col.significance", lang) if len(keys) == 2 else None
        # one letters column (alpha 0.01 or below): its own heading, no group over it
        names = {"letters": "col.letters" if group else "col.letters_one"}
        cols += [
            Column(key, t(names.get(key, f"col.{key}"), lang, alpha=f"{s.alpha:g}"), "text",
                   group=group)
            for key in keys
        ]  # fmt: skip
        rows = []
        for row in means.table.to_dict("records"):
            entry = {c.key: row.get(c.key) for c in cols}
            entry["mean"] = float(row["mean"]) * s.factor
            entry["se"] = float(row["se"]) * s.factor
            rows.append({k: json_value(v) for k, v in entry.items()})
        if str(means.error_term).startswith("REML"):
            # a mixed model (missing sub-plots): no error stratum to name; "SE and
            # letters on REML (9.0 df)" read as if REML were an error term
            kr = "kenward" in str(means.error_term).lower()
            caption = t(
                "design_means.caption_reml",
                lang,
                factor=_caption_factor(means.factor, lang),
                ddf=t("ddf.kenward_roger" if kr else "ddf.satterthwaite", lang),
                df=_df_text(means.df),
            )
        else:
            caption = _means_caption(str(s.design), means.factor, means.error_term, means.df, lang)
        prov = means.table.attrs.get("letters_provenance")
        named = letters_name(s.letters, prov, lang, unequal=ctx.tukey_unequal)
        note = "means.letters_note" if len(keys) == 2 else "means.letters_note_one"
        notes = [t(note, lang, letters=named, alpha=f"{s.alpha:g}")]
        blocks.append(Table(f"means_{means.kind}", cols, rows, caption, notes))
    blocks.append(_cells_table(ctx))
    return Section("design_means", t("section.design_means", lang), blocks)


#: The errors the SE of a factor's marginal mean combines, by design and by the error term
#: of its letters (``stats.splitplot.StrataAnova.means_model``): a sub-plot factor's mean
#: has variance ``(Ea + (b - 1) Eb) / (r a b)``, a strip-plot horizontal factor's
#: ``Ea / (r b) + (Eb - Ec) / (r a b)`` and a vertical factor's ``Eb / (r a) + (Ea - Ec) /
#: (r a b)``; the differences (letters) rest on the factor's own error alone.  A whole-plot
#: factor's SE, ``sqrt(Ea / (r b))``, is on Error a alone, as its letters.
_SE_ERRORS = {
    ("split_plot", "error_b"): ("error_a", "error_b"),
    ("strip_plot", "error_a"): ("error_a", "error_b", "error_c"),
    ("strip_plot", "error_b"): ("error_a", "error_b", "error_c"),
}


def _means_caption(design: str, factor: str, error_term: str, df: float, lang: str) -> str:
    """Return the caption of a factor's means: the errors of its SE and of its letters.

    The SE printed is that of a marginal mean; in a split plot it combines Error a and
    Error b for the sub-plot factor (Yates' oats: ``sqrt((601.3 + 3 x 177.1) / 72)`` = 3.97,
    not ``sqrt(177.1 / 18)`` = 3.14 on Error b), in a strip plot all three errors for either
    factor, while the letters compare means on the factor's own error.  The caption read
    "SE and letters on Error b" for both.
    """
    key = error_term.split(" ")[0]
    error = spaced(source_label(key, lang), lang, before=True)
    combined = _SE_ERRORS.get((design, key))
    if combined is None:
        return t("design_means.caption", lang, factor=_caption_factor(factor, lang), error=error,
                 df=_df_text(df))  # fmt: skip
    # 误差 a、误差 b 与误差 c 合并: a space before 与 and 合并, none before the comma 、
    names = [source_label(name, lang) for name in combined]
    spaced_names = [spaced(name, lang, after=True) for name in names]
    first = names[0] if len(names) == 3 else spaced_names[0]
    errors = t(f"design_means.errors_{len(names)}", lang, first=first, second=spaced_names[1],
               third=spaced_names[-1])  # fmt: skip
    return t(
        "design_means.caption_se_combined",
        lang,
        factor=_caption_factor(factor, lang),
        errors=spaced(errors, lang, before=True),
        error=error,
        df=_df_text(df),
    )


def _df_text(df: float) -> str:
    """Degrees of freedom as the ANOVA and SED tables print them.

    A whole number (a complete trial's stratum df) is printed as one (``6``); an approximate
    (Satterthwaite or Kenward-Roger) df with one decimal (``5.3``, ``24.0``), as the den. df
    column of the F tests and the df column of the SED table show it, so the caption of the
    factor means and those tables agree (it printed 4 significant digits: ``5.303``, ``23.98``).
    """
    value = float(df)
    if math.isfinite(value) and abs(value - round(value)) < 1e-9:
        return str(round(value))
    return fixed(value, 1)


def _cells_table(ctx: ReportContext) -> Table:
    """Tabulate the A x B means with margins, in the display unit."""
    s, lang = ctx.s, ctx.s.lang
    d = yield_digits(s.unit)
    wide = ctx.anova.means_table()
    first, second = s.factors
    levels = [str(c) for c in wide.columns]
    head = f"{factor_label(first, lang, capital=True)} \\ {factor_label(second, lang)}"
    cols = [Column("level", head, "text")]
    cols += [
        Column(f"b_{i}", t("col.block_mean", lang) if b == "mean" else b, "number", d, s.unit)
        for i, b in enumerate(levels)
    ]
    rows = []
    for label, values in wide.iterrows():
        row: dict[str, Any] = {"level": t("col.block_mean", lang) if label == "mean" else label}
        for i, value in enumerate(values.to_numpy(dtype=float)):
            row[f"b_{i}"] = json_value(value * s.factor)
        rows.append(row)
    notes = []
    corner = _cells_grand_mean(ctx)
    if corner is not None:  # lost plots: the corner is not the ANOVA's grand mean
        corner_text = f"{fmt_number(corner * s.factor, d)} {s.unit}"
        grand_text = f"{fmt_number(ctx.anova.grand_mean * s.factor, d)} {s.unit}"
        notes.append(t("design_means.cells_mean_note", lang, corner=corner_text,
                       grand=grand_text))  # fmt: skip
    caption = t("design_means.cells_caption", lang, unit=s.unit)
    return Table("means_cells", cols, rows, caption, notes=notes)


def _means_factor_label(ctx: ReportContext) -> str:
    """Header of the means table's level column: the factor's name unless it is the treatment."""
    kind = ctx.s.kind
    if kind in (None, "treatment"):
        return t("col.treatment", ctx.s.lang)
    return factor_label(str(kind), ctx.s.lang, capital=True)


def _caption_factor(factor: str, lang: str) -> str:
    """Name a factor in a caption: "the main-plot factor" for a generated name, else as named."""
    label = spaced(factor_label(factor, lang), lang, after=True)
    return f"the {label}" if lang == "en" and factor in DEFAULT_FACTORS_EN else label


def _hsd(ctx: ReportContext) -> float | None:
    """Tukey's honestly significant difference for balanced data (kg/ha), else None."""
    a, s = ctx.anova, ctx.s
    if (
        a is None
        or not ctx.single_error
        or not a.balanced
        or not np.isfinite(a.sed)
        or a.df_error < 1
    ):
        return None
    from yieldtrial.stats.distributions import tukey_critical_value

    k = len(s.treatments)
    q = tukey_critical_value(k, float(a.df_error), alpha=s.alpha)
    hsd = q * float(a.sed) / math.sqrt(2.0)  # SED = sqrt(2 MSE / r) when balanced
    if isinstance(ctx.results.get("anova"), dict):
        ctx.results["anova"]["hsd"] = hsd
    return hsd


def _control_columns(ctx: ReportContext) -> tuple[list[Column], dict[str, dict[str, Any]]]:
    """Per-control columns (difference, %, Dunnett P) and their values by treatment."""
    s, lang = ctx.s, ctx.s.lang
    cols: list[Column] = []
    values: dict[str, dict[str, Any]] = {}
    if ctx.comparisons is None:
        return cols, values
    comp = ctx.comparisons
    suffix = s.ycol.removeprefix("yield")
    d = yield_digits(s.unit)
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
            Column(f"diff_pct{tag}", t("col.diff_pct", lang, control=control), "signed_pct", 1, "%")
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


def _mean_by_label(labels: pd.Series, values: pd.Series) -> dict[str, float]:
    """Mean of ``values`` per label text (:func:`as_labels` of each cell), NaN skipped.

    A text or integer column is coded by hash factorization and only its distinct values
    are turned into label text (5.9 million plots: no Python call per plot); the means are
    pandas' group means over the same rows in the same order, so equal to grouping by the
    label texts themselves.
    """
    from yieldtrial.io._factorize import kept_label_codes
    from yieldtrial.stats._common import factorizes_like_text as _factorizes_like_text

    if _factorizes_like_text(labels) and not labels.isna().any():
        # an arrow text column's kept compact codes (int8 for up to 127 labels; 5.9
        # million plots: no fresh factorization and no intp copies of the codes)
        kept = kept_label_codes(labels)
        codes, uniques = kept if kept is not None else pd.factorize(labels, sort=False)
        texts, merged = pd.factorize(pd.Index(as_labels(list(uniques)), dtype=object))
        width = np.min_scalar_type(-max(len(merged), 1))
        numbers = pd.Categorical.from_codes(
            texts.astype(width)[codes], categories=pd.RangeIndex(len(merged))
        )  # grouped by text number as before: the same rows per group, in the same order
        by_number = pd.Series(numbers, index=values.index, copy=False)
        grouped = values.groupby(by_number, observed=True).mean()
        keys, group_means = grouped.index.to_numpy().tolist(), grouped.to_numpy().tolist()
        return {str(merged[k]): float(v) for k, v in zip(keys, group_means, strict=True)}
    by_text = pd.Series(as_labels(labels.tolist()), index=labels.index)
    grouped = values.groupby(by_text).mean()
    return {str(k): float(v) for k, v in grouped.items()}


def means_section(ctx: ReportContext) -> Section:
    """LS-means of the treatments with SE, CI, differences vs control and letters."""
    s, lang = ctx.s, ctx.s.lang
    assert ctx.means is not None  # noqa: S101
    m = ctx.means
    d = yield_digits(s.unit)
    cols = [
        Column("rank", t("col.rank", lang), "int"),
        Column("treatment", _means_factor_label(ctx), "text"),
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
    if "moisture_pct" in ctx.used.columns:
        # the rows are levels of the means factor (a split plot's sub-plot factor, ...)
        by = s.kind if s.kind not in (None, "treatment") else "treatment"
        if by not in ctx.used.columns:  # cells of two factors: no single column
            by = "treatment"
        moisture = _mean_by_label(ctx.used[by], ctx.used["moisture_pct"])
        cols.append(Column("moisture_pct", t("col.moisture_mean", lang), "number", 1, "%"))
    ccols, cvalues = _control_columns(ctx)
    cols += ccols
    if s.replicated and "letters" in m.columns:
        group = t("col.significance", lang) if "letters_upper" in m.columns else None
        name = "col.letters" if group else "col.letters_one"  # one column: its own heading
        cols.append(Column("letters", t(name, lang, alpha=f"{s.alpha:g}"), "text", group=group))
        if "letters_upper" in m.columns:
            cols.append(Column("letters_upper", t("col.letters_upper", lang), "text", group=group))
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
    # a two-factor design's table ranks one factor's levels: its caption names that factor
    by_factor = s.kind not in (None, "treatment")
    factor = spaced(_means_factor_label(ctx), lang, after=True)
    if s.replicated:
        key = "means.caption_factor" if by_factor else "means.caption"
        if s.design == "augmented":  # Federer's adjusted means, not plain LS-means of blocks
            from yieldtrial.report.sections.data import prep_entries

            key = "means.caption_augmented"
            key += "_prep" if prep_entries(ctx) else ""  # some entries on two plots
        caption = t(key, lang, factor=factor, unit=s.unit, standard=f"{s.standard_pct:g}")
        notes.append(t("means.ci_note", lang, conf=f"{100 * (1 - s.alpha):g}"))
        if ccols:
            notes.append(t("means.dunnett_note", lang))
        if "letters" in m.columns:
            named = letters_name(s.letters, ctx.letters_provenance, lang, unequal=ctx.tukey_unequal)
            # one column when alpha is 0.01 or below (context.letters_alphas)
            key = "means.letters_note" if "letters_upper" in m.columns else "means.letters_note_one"
            notes.append(t(key, lang, letters=named, alpha=f"{s.alpha:g}"))
        summary = ctx.results.get("letters", {}).get("summary")
        if summary:
            notes.append(
                t("means.letters_summary", lang, shown=len(summary["shown"]), top=summary["top"],
                  pairs=f"{summary['pairs']:,}",
                  significant=f"{summary['significant_pairs'].get('letters_05', 0):,}",
                  alpha=f"{s.alpha:g}")
            )  # fmt: skip
    else:
        key = "means.caption_unreplicated" if s.one_plot_each else "means.caption"
        if by_factor and not s.one_plot_each:
            key = "means.caption_factor"
        caption = t(key, lang, factor=factor, unit=s.unit, standard=f"{s.standard_pct:g}")
        reason = _no_inference_reason(ctx)
        notes.append(t("means.no_inference", lang, reason=reason))
    ctx.results["means_display"] = rows
    table = Table("means", cols, rows, caption, notes)
    if ctx.entries is None:
        return Section("means", t("section.means", lang), [table])
    # hundreds to thousands of entries: the entries a breeder looks at first
    selection = ctx.entries
    keys = "results.means, results.control_comparisons" if ccols else "results.means"

    def note(file: str | None) -> str:
        return t(
            "entries.means_note_augmented" if selection.checks else "entries.means_note",
            lang,
            n=f"{selection.n_entries:,}",
            population=population(selection, lang),
            limit=f"{selection.limit:,}",
            shown=len(selection.shown),
            parts=shown_parts(selection, lang),
            counts=count_sentences(selection, lang, s.alpha),
            where=where_text(lang, selection.n_entries, keys, file, selection),
        )

    paragraph, summary, companion = summarise_table(
        table, selection, column="treatment", note=note, controls=s.controls
    )
    ctx.companions.append(companion)
    return Section("means", t("section.means", lang), [paragraph, summary])


def _no_inference_reason(ctx: ReportContext) -> str:
    key = "means.no_error_df" if ctx.s.one_plot_each else "means.no_error_df_left"
    return t(key, ctx.s.lang)


def noninferiority_section(ctx: ReportContext) -> Section:
    """Non-inferiority verdict of each treatment against each control."""
    s, lang = ctx.s, ctx.s.lang
    comp = ctx.comparisons
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
                    "ni_bound_pct": row.get("noninferiority_ci_low_pct"),
                    "margin_pct": 0.0 - float(s.margin_pct or 0.0),  # not -0.0 at margin 0
                    "p": row.get("noninferiority_p_value_adjusted"),
                    "verdict": text,
                }
            )
    table = Table(
        "noninferiority",
        [
            Column("comparison", t("col.comparison", lang), "text"),
            Column("difference_pct", t("col.diff_pct", lang, control="CK"), "signed_pct", 1, "%"),
            Column("ni_bound_pct", t("col.ni_lower", lang), "signed_pct", 1, "%"),
            Column("margin_pct", t("col.ni_margin", lang), "signed_pct", 1, "%"),
            Column("p", t("col.ni_p", lang), "pvalue"),
            Column("verdict", t("col.ni_verdict", lang), "text"),
        ],
        rows,
        t("ni.caption", lang, margin=message_number(cast("float", s.margin_pct))),
        notes=[t("ni.note_bound", lang, conf=f"{100 * (1 - s.alpha):g}")],
    )
    if ctx.entries is None or comp is None:
        return Section("noninferiority", t("section.noninferiority", lang), [table])
    selection = ctx.entries
    for shown_row, treatment in zip(table.rows, comp["treatment"].astype(str), strict=True):
        shown_row["_entry"] = treatment  # the summary picks rows by entry (not a column)

    def note(file: str | None) -> str:
        return t(
            "entries.table_note_augmented" if selection.checks else "entries.table_note",
            lang,
            shown=len(selection.shown),
            where=where_text(
                lang, selection.n_entries, "results.control_comparisons", file, selection
            ),
        )

    paragraph, summary, companion = summarise_table(table, selection, column="_entry", note=note)
    ctx.companions.append(companion)
    return Section("noninferiority", t("section.noninferiority", lang), [paragraph, summary])


def efficiency_section(ctx: ReportContext) -> Section | None:
    """Build the fertilizer-efficiency section.

    Built when the trial description gives fertilizer rates, from
    :func:`yieldtrial.efficiency.trial_tables.report_table` (a plain call: errors in the
    data surface as :class:`~yieldtrial.errors.YieldTrialError`, anything else
    is a bug and is not hidden).  It returns a DataFrame (one row per treatment)
    or None; its columns are shown as they are and written to
    ``results["efficiency"]``.
    """
    if not ctx.config.has_fertilizer_rates:
        return None
    with comparisons_warned_of():  # Dunnett's intervals again: warned of by ctx.compute
        table = report_table(
            ctx.trial, ctx.config, unit=ctx.s.unit, lang=ctx.s.lang, means=ctx.means,
            confidence=1 - ctx.s.alpha,
        )  # fmt: skip
    if table is None or len(table) == 0:
        return None
    labels = dict(table.attrs.get("column_labels", {}))  # display labels from report_table
    table, labels, extra_notes = _additive_decomposition(ctx, table, labels)
    ctx.results["efficiency"] = records(table)
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
    if ctx.s.lang == "zh" and table.attrs.get("notes_zh"):
        notes = list(table.attrs["notes_zh"])
    notes = extra_notes + notes
    illustrative = [
        info.label
        for info in ctx.config.treatments
        if str(info.extra.get("rate_status", "")).lower() == "illustrative"
    ]
    if illustrative:
        notes.insert(
            0, t("efficiency.illustrative", ctx.s.lang, items=join_list(illustrative, ctx.s.lang))
        )
    return Section(
        "efficiency",
        t("section.efficiency", ctx.s.lang),
        [
            Table(
                "efficiency",
                columns,
                records(table),
                caption=t("efficiency.caption", ctx.s.lang),
                notes=[str(n) for n in notes],
            )
        ],
    )


def _additive_decomposition(
    ctx: ReportContext, table: pd.DataFrame, labels: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Show the PFP change as rate part + yield part (percentage points that add up).

    ``rate_effect_pct`` of the efficiency table is the change at equal yield,
    ``F_ref / F - 1``; the rest of the PFP change, ``(F_ref / F) (Y / Y_ref - 1)``, is
    the yield part, so the two parts add up to ``pfp_change_pct`` exactly.  Nutrient
    rates are labelled kg N per area; product names are shown in the report's language.
    """
    from yieldtrial.report.sections.extra import zh_product

    lang = ctx.s.lang
    table = table.copy()
    table.attrs = dict(table.attrs)
    notes: list[str] = []
    change = ["pfp_change_pct", "rate_effect_pct"]
    if set(change) <= set(table.columns) and table["pfp_change_pct"].isna().all():
        # the reference has no PFP (a zero-N control, as N0 of a rate trial): three
        # columns of dashes and a note on how they add up said nothing
        table = table.drop(columns=change)
    if set(change) <= set(table.columns):
        position = list(table.columns).index("rate_effect_pct") + 1
        table.insert(
            position,
            "yield_effect_pct",
            table["pfp_change_pct"].astype(float) - table["rate_effect_pct"].astype(float),
        )
        labels["rate_effect_pct"] = t("efficiency.rate_part", lang)
        labels["yield_effect_pct"] = t("efficiency.yield_part", lang)
        notes.append(t("efficiency.decomposition", lang))
    for column in table.columns:
        name = str(column)
        nutrient = re.fullmatch(r"([a-z0-9]+)_rate_kg_(mu|ha)", name)
        if nutrient:
            n = nutrient.group(1).upper().replace("P2O5", "P₂O₅").replace("K2O", "K₂O")
            area = nutrient.group(2)
            labels[name] = str(labels.get(name, name)).replace(f"(kg/{area})", f"(kg {n}/{area})")
    if lang == "zh" and "fertilizer" in table.columns:
        table["fertilizer"] = [
            " + ".join(zh_product(ctx, part) for part in str(v).split(" + "))
            if isinstance(v, str) else v
            for v in table["fertilizer"]
        ]  # fmt: skip
    return table, labels, notes


def _efficiency_decimals(column: str) -> int:
    """Decimals of an efficiency-table column: 1 for %, kg/kg and per-ha values, else 2."""
    if column.endswith("_pct") or column in ("pfp", "ae", "re", "pe", "ie", "pnb"):
        return 1
    if column.endswith("_kg_ha"):  # yields and nutrient rates per ha
        return 1
    return 2


def _interaction_notes(anova: Any, lang: str) -> list[str]:
    """Return the note under a two-factor ANOVA on its interaction, P as the table prints.

    The English report printed the statistics object's note, "p = 1.28e-05 < 0.05"
    beside a P column reading "<0.001"; both languages now word it from the catalogue.
    """
    if not getattr(anova, "note", None) or not hasattr(anova, "interaction"):
        return []
    if getattr(anova, "interaction_significant", False):
        return [t("anova.interaction_note", lang)]
    row = anova.table.loc[anova.table["source"] == anova.interaction]
    if not len(row):
        return []
    return [t("anova.interaction_ns_note", lang, p=fmt_p(float(row["p_value"].iloc[0])))]
