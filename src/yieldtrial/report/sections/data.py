"""Data sections: data quality, moisture-conversion audit and plot yields."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.io._factorize import as_text
from yieldtrial.io._rounding import fixed
from yieldtrial.io.entry_types import augmented_checks
from yieldtrial.io.levels import natural_key
from yieldtrial.report._format import (
    CV_DIGITS,
    CV_STRATUM_DESIGNS,
    attr_or,
    design_label,
    factor_label,
    fmt_number,
    fmt_p,
    fmt_signed,
    group_numeral,
    join_list,
    outlier_items,
    source_label,
    spaced,
    status_label,
    string_keys,
    yield_digits,
)
from yieldtrial.report._harvest import (
    decimals,
    input_unit_columns,
    is_ear_harvest,
    range_ends,
    unit_name,
)
from yieldtrial.report.context import ReportContext, plot_listing_limits
from yieldtrial.report.entries import population, summarise_table, where_text
from yieldtrial.report.i18n import (
    capitalized,
    factor_header,
    full_stop,
    t,
    translate_message,
)
from yieldtrial.report.model import (
    Bullets,
    Column,
    Companion,
    Paragraph,
    Section,
    Table,
    json_value,
    records,
)

__all__ = ["audit_section", "plots_section", "quality_section"]

#: Plot-table columns whose text explains why a plot has no yield.
_REASON_COLUMNS: tuple[str, ...] = (
    "reason",
    "exclude_reason",
    "note",
    "notes",
    "remark",
    "comment",
)


#: Missing plots listed one by one up to this many; above it the note counts the rest.
_MISSING_LISTED = 20


def _complete_cells(columns: dict[str, Any]) -> tuple[list[str], str] | None:
    """Return the columns whose level combinations each hold one plot, and the reason key.

    ``None`` when the design does not fix the number of plots (CRD, a factorial without
    blocks, a table without the columns). An augmented design's entries appear once and
    may be lost without trace, so only its checks are expected in every block.
    """
    design, block = columns.get("design"), columns.get("block")
    factors = tuple(columns.get("factors") or ())
    if design == "latin":
        row, column = columns.get("row"), columns.get("column")
        return ([row, column], "quality.absent_reason_latin") if row and column else None
    if not block:
        return None
    if design in ("rcbd", "alpha", "row_column", "augmented") and factors == ("treatment",):
        key = {"rcbd": "quality.absent_reason", "augmented": "quality.absent_reason_checks"}
        return [block, "treatment"], key.get(str(design), "quality.absent_reason_replicate")
    if design in ("split_plot", "strip_plot", "factorial") and len(factors) == 2:
        return [block, *factors], "quality.absent_reason_factors"
    return None


def absent_cells(ctx: ReportContext) -> pd.DataFrame:
    """Return the plots of a design with a fixed layout that have no row in the plot table.

    Every block of an RCBD holds every treatment once (every replicate of an alpha or
    row-column design too; every block of a split-plot, strip-plot or factorial RCBD every
    combination of the two factors; every block of an augmented design every check; every
    row and column of a Latin square every treatment), so a combination without a row is
    a missing plot as surely as a row with an empty mass; the model already treats it as
    one. Columns ``site`` (when present), ``block`` (or ``row`` and ``column``),
    ``treatment`` (the two factor levels joined by ``:``; in a Latin square the treatment
    missing from both the row and the column, else empty), ``reason`` and ``_item`` (the
    display text); empty for the other designs, whose expected count the table alone does
    not give.
    """
    trial, lang = ctx.trial, ctx.s.lang
    try:
        columns = dict(trial.design_columns())
    except (AttributeError, ValueError):
        return pd.DataFrame()
    plots = getattr(trial, "plots", None)
    if plots is None or "treatment" not in plots:
        return pd.DataFrame()
    spec = _complete_cells(columns)
    if spec is None or any(name not in plots for name in spec[0]):
        return pd.DataFrame()
    keys, reason_key = spec
    by_site = "site" in plots.columns
    rows = []
    for site, group in plots.groupby("site", sort=False) if by_site else [(None, plots)]:
        # the labels' own codes where they group as their text does (not a Latin square,
        # whose absent plot is named from the text of its row and column)
        coded = _label_codes(group, keys) if columns.get("design") != "latin" else None
        text: pd.DataFrame | None = None
        if coded is not None:
            levels = [list(labels) for _, labels in coded]
        else:
            text = _text_labels(group, keys)
            levels = [list(text[name].unique()) for name in keys]
        if columns.get("design") == "augmented":
            levels[1] = augmented_checks(group)[0]
        absent = _cells_without_rows(text, keys, levels, coded=coded)
        if absent is None:  # a product too large for a table of flags: set difference
            text = _text_labels(group, keys) if text is None else text
            present = pd.MultiIndex.from_frame(text[keys])
            full = pd.MultiIndex.from_product(levels)
            absent = list(full.difference(present, sort=False))
        for cell in absent:
            rows.append(_absent_row(site, keys, cell, text, columns, lang))
    if not rows:
        return pd.DataFrame()
    out = pd.DataFrame(rows)
    if not by_site:
        out = out.drop(columns="site")
    factors = tuple(columns.get("factors") or ())
    first, second = (factors + ("", ""))[:2]
    if lang == "zh":  # 处理, 主区因素 as the tables name them; spaced from Chinese
        first = spaced(factor_label(first, lang), lang, before=True, after=True)
        second = spaced(factor_label(second, lang), lang, before=True, after=True)
    return out.assign(reason=t(reason_key, lang, first=first, second=second))


def _text_labels(group: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Return the label columns ``keys`` and ``treatment`` of ``group`` as text."""
    return group[list(dict.fromkeys([*keys, "treatment"]))].astype(str)


def _given(text: pd.DataFrame | None) -> pd.DataFrame:
    """Return ``text``, which the caller passes whenever it is read (not ``None``)."""
    if text is None:  # pragma: no cover - a caller's bug
        raise TypeError("the label text is needed here")
    return text


def _label_codes(group: pd.DataFrame, keys: list[str]) -> list[tuple[np.ndarray, list[str]]] | None:
    """``pd.factorize(group[name].astype(str))`` of each key, without the text copy; or None.

    A text or integer column without blanks groups as its text does
    (:func:`yieldtrial.stats._common.factorizes_like_text`), so its own codes serve and
    only its distinct labels are turned into text; the codes of an arrow text column come
    from :func:`yieldtrial.stats._common.factorize_labels`, which the design fit and the
    screening share (5.9 million plots: no copy of two columns as text, one factorization
    instead of two).  None when a column is of another kind or holds a blank: the caller
    converts the columns to text as before.
    """
    from yieldtrial.io._factorize import kept_label_codes
    from yieldtrial.stats._common import factorize_labels, factorizes_like_text, label_texts

    out = []
    for name in keys:
        column = group[name]
        if not factorizes_like_text(column) or column.isna().any():
            return None
        # an arrow text column's kept compact codes themselves (read-only; the caller only
        # indexes with them): no intp copy (5.9 million plots: 47 MB a column)
        kept = kept_label_codes(column)
        codes, uniques = kept if kept is not None else factorize_labels(column)
        out.append((codes, label_texts(uniques)))
    return out


#: Plots per span of :func:`_cells_without_rows` (its cell numbers and flags; 5.9 million
#: plots at once held about 100 MiB of temporaries, issue 13).
_CELL_SPAN = 1 << 20


def _cells_without_rows(
    text: pd.DataFrame | None,
    keys: list[str],
    levels: list[list[Any]],
    *,
    coded: list[tuple[np.ndarray, list[str]]] | None = None,
) -> list[tuple[Any, ...]] | None:
    """List the combinations of ``levels`` without a row in ``text``, in product order.

    ``pd.MultiIndex.from_product(levels).difference(present, sort=False)`` computed on
    integer codes: one flag per combination instead of a MultiIndex of every plot (5.9
    million plots: about 0.2 s instead of 2 s).  ``coded``, when given, holds each key's
    codes and labels, ``pd.factorize(text[name], sort=False)`` (:func:`_label_codes`), and
    ``text`` is not read.  None when the product holds more than 4 combinations a plot (or
    a level list repeats a label): the caller takes the set route.
    """
    n = len(coded[0][0]) if coded else len(text) if text is not None else 0
    sizes = [len(level) for level in levels]
    total = int(np.prod(sizes, dtype=np.float64)) if sizes else 0
    if not sizes or total > max(4 * n, 1 << 20):
        return None
    keyed: list[tuple[np.ndarray, np.ndarray, int]] = []
    for index, (name, level, size) in enumerate(zip(keys, levels, sizes, strict=True)):
        where = {label: i for i, label in enumerate(level)}
        if len(where) != size:
            return None
        uniques: Any
        if coded is not None:
            codes, uniques = coded[index]
        else:
            codes, uniques = pd.factorize(_given(text)[name], sort=False)
        keyed.append((codes, np.array([where.get(u, -1) for u in uniques], dtype=np.int64), size))
    present = np.zeros(total, dtype=bool)
    for lo in range(0, n, _CELL_SPAN):  # a span of plots at a time: bounded temporaries
        hi = min(lo + _CELL_SPAN, n)
        flat = np.zeros(hi - lo, dtype=np.int64)
        known = np.ones(hi - lo, dtype=bool)
        for codes, remap, size in keyed:
            position = remap[codes[lo:hi]] if remap.size else np.zeros(hi - lo, dtype=np.int64)
            known &= position >= 0
            flat *= size
            flat += position
        present[flat[known]] = True
    missing = np.flatnonzero(~present)
    return [
        tuple(level[int(i)] for level, i in zip(levels, index, strict=True))
        for index in zip(*np.unravel_index(missing, sizes), strict=True)
    ]


def _absent_row(
    site: Any,
    keys: list[str],
    cell: tuple[str, ...],
    present: pd.DataFrame | None,
    columns: dict[str, Any],
    lang: str,
) -> dict[str, Any]:
    """One absent plot: its labels and display text (see :func:`absent_cells`)."""
    if columns.get("design") == "latin":
        present = _given(present)  # a Latin square's labels are always passed as text
        row, column = cell
        treatments = set(present["treatment"])
        in_row = set(present.loc[present[keys[0]] == row, "treatment"])
        in_column = set(present.loc[present[keys[1]] == column, "treatment"])
        candidates = treatments - in_row - in_column
        treatment = candidates.pop() if len(candidates) == 1 else None
        item = t("quality.absent_item_latin", lang, row=row, column=column)
        if treatment is not None:
            item = f"{item} ({treatment})"
        return {"site": site, "row": row, "column": column, "treatment": treatment, "_item": item}
    block, *levels = cell
    treatment = ":".join(levels)
    # the block column of a resolvable design holds its replicates
    resolvable = columns.get("design") in ("alpha", "row_column")
    key = "quality.absent_item_replicate" if resolvable else "quality.absent_item"
    item = t(key, lang, treatment=treatment, block=block)
    return {"site": site, "block": block, "treatment": treatment, "_item": item}


#: The library's low-error-df warning (said again by ``quality.df_low`` in Chinese reports).
_DF_WARNING = re.compile(r"^only \d+ error degrees of freedom \(fewer than \d+\): ")

#: The library's note that internally studentized residuals are bounded at small error df.
_BOUNDED_RESIDUALS = re.compile(r"^with \d+ error df an internally studentized residual")

#: Residual-check findings the check bullets already state (normality, Levene, outliers).
_CHECKED_FINDINGS = re.compile(
    r"^(residuals depart from normality|residual variances differ between treatments) \("
    r"|^plot .+ has studentized residual -?[\d.]+: check its record\.$"
)


def quality_section(ctx: ReportContext) -> Section:
    """Build data quality: missing plots, moisture range, data status, residual checks, warnings."""
    s, lang = ctx.s, ctx.s.lang
    blocks: list[Any] = []
    missing = attr_or(ctx.trial, "missing_plots", None)
    n_missing = 0 if missing is None else len(missing)
    absent = absent_cells(ctx)
    observed = len(ctx.used)
    expected = observed + n_missing + len(absent)
    blocks.append(Paragraph(t("quality.plots", lang, expected=expected, observed=observed)))
    if n_missing or len(absent):
        items = []
        colon, semicolon = ("：", "；") if lang == "zh" else (": ", "; ")
        table = pd.DataFrame(missing).copy() if n_missing else pd.DataFrame()
        notes = [c for c in _REASON_COLUMNS if c in ctx.trial.plots.columns]
        excluded = dict(attr_or(ctx.trial, "exclusions", ()))
        reasons = []
        # records, not iterrows: a mixed row Series warned under pandas 2.0 with NumPy 1.25
        for index, row in zip(table.index, table.to_dict("records"), strict=True):
            label = str(row.get("plot_id", row.get("treatment", "?")))
            reason = excluded.get(label, "")
            for col in notes if not reason else ():
                value = ctx.trial.plots.at[index, col]
                if isinstance(value, str) and value.strip():
                    reason = value.strip()
                    break
            reason = reason or t("quality.missing_reason", lang)
            reasons.append(reason)
            trt = row.get("treatment")
            text = f"{label} ({trt})" if trt is not None and label != str(trt) else label
            items.append(f"{text}{colon}{reason}")
        for row in absent.to_dict("records"):
            site = f"{row['site']}{colon}" if "site" in absent.columns else ""
            items.append(f"{site}{row['_item']}{colon}{row['reason']}")
        table = table.assign(reason=reasons) if n_missing else table
        parts = [table] if len(table) else []
        if len(absent):  # an empty absent table has integer columns: drop("_item") warned
            parts.append(absent.drop(columns="_item", errors="ignore"))
        listed = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].copy()
        if len(items) > _MISSING_LISTED:
            more = t("quality.missing_more", lang, n=len(items) - _MISSING_LISTED)
            items = [*items[:_MISSING_LISTED], more]
        blocks.append(Paragraph(t("quality.missing", lang, items=semicolon.join(items)), "warning"))
        ctx.results["missing_plots"] = records(listed)
    else:
        blocks.append(Paragraph(t("quality.no_missing", lang)))
    if "moisture_pct" in ctx.used.columns:
        m = ctx.used["moisture_pct"].to_numpy(dtype=float)
        m = m[np.isfinite(m)]
        ends = range_ends(m)  # both ends with the same decimals: 14.6 % to 22.0 %
        if ends is not None:
            low, high = ends
            if low == high:
                blocks.append(Paragraph(t("quality.moisture_single", lang, value=low)))
            else:
                blocks.append(Paragraph(t("quality.moisture", lang, low=low, high=high)))
            ctx.results["moisture_range_pct"] = [float(m.min()), float(m.max())]
    blocks.extend(_status_paragraphs(ctx))
    if ctx.diag is not None and ctx.diag.stratum_fit is not None:
        # a split/strip plot with missing plots: checked on the least-squares stratum fit
        blocks.append(Paragraph(_stratum_fit_text(ctx), "note"))
    elif (
        ctx.diag is not None
        and hasattr(ctx.anova, "variance_components")
        and s.design not in ("split_plot", "strip_plot", "factorial")  # strata, not intra-block
    ):
        # a mixed model (REML): checked on its intra-block model, whose CV differs from the
        # ANOVA section's (REML residual variance): say which is which
        blocks.append(Paragraph(_intra_block_text(ctx), "note"))
    if ctx.diag is not None:
        d = ctx.diag
        normal_ok = not (np.isfinite(d.shapiro[1]) and d.shapiro[1] < s.alpha)
        levene_ok = not (np.isfinite(d.levene[1]) and d.levene[1] < s.alpha)
        # above 5,000 residuals the library runs D'Agostino-Pearson K² (Shapiro-Wilk's limit)
        shapiro_wilk = d.normality_test == "shapiro_wilk"
        checks = [
            t(
                "quality.normality" if shapiro_wilk else "quality.normality_k2",
                lang,
                stat=fmt_number(d.shapiro[0], 3 if shapiro_wilk else 2),
                p=fmt_p(d.shapiro[1]),
                verdict=t("quality.ok_normal" if normal_ok else "quality.bad_normal", lang),
            )
            if np.isfinite(d.shapiro[1])
            else t("quality.normality_na", lang),
            t(
                "quality.levene",
                lang,
                p=fmt_p(d.levene[1]),
                verdict=t("quality.ok_levene" if levene_ok else "quality.bad_levene", lang),
            )
            if np.isfinite(d.levene[1])
            else t("quality.levene_na", lang),
            t(
                # a split or strip plot: the CV of the innermost error stratum (the one the
                # residuals are checked on); the outer strata's are in the ANOVA section
                f"quality.cv_{s.design}" if s.design in CV_STRATUM_DESIGNS else "quality.cv",
                lang,
                cv=fmt_number(d.cv_pct, CV_DIGITS),
                verdict=t("quality.cv_ok" if d.cv_flag == "ok" else "quality.cv_high", lang),
            ),
        ]
        if len(d.outliers):  # "no outlier" is left to the data checks (small error df)
            checks.append(t("quality.outliers", lang, items=outlier_items(d.outliers, lang)))
        if d.df_warning and lang != "en" and any(_DF_WARNING.match(w) for w in d.warnings):
            # the library's English warning says it too (an intra-block model's own warning
            # says which model, translated below)
            checks.append(t("quality.df_low", lang, df=d.df_error))
        blocks.append(Bullets(checks))
    elif not s.replicated:
        blocks.append(Paragraph(t("quality.not_testable", lang), "note"))
    elif ctx.anova is not None and s.design in ("split_plot", "strip_plot"):
        # missing plots, and the least-squares stratum fit leaves too few residuals to
        # test (ReportContext.compute keeps no residual checks then)
        blocks.append(Paragraph(t("quality.strata_missing", lang), "note"))
    shown = list(
        dict.fromkeys(ctx.warnings + (list(ctx.diag.warnings) if ctx.diag is not None else []))
    )
    if lang != "en" and ctx.diag is not None and ctx.diag.df_warning:
        # already said by quality.df_low in the checks above
        shown = [w for w in shown if not _DF_WARNING.match(w)]
    # the data checks run the externally studentized outlier test themselves
    shown = [w for w in shown if not _BOUNDED_RESIDUALS.match(w)]
    if ctx.diag is not None:  # said with their P values in the check bullets above
        shown = [w for w in shown if not _CHECKED_FINDINGS.match(w)]
    if shown:  # library messages are English: translate the known ones
        colon = ":" if lang == "en" else "："
        blocks.append(Paragraph(t("quality.warnings", lang) + colon, "warning"))
        blocks.append(
            Bullets([capitalized(full_stop(translate_message(w, lang))) for w in shown], "warning")
        )
    return Section("quality", t("section.quality", lang), blocks)


def _intra_block_text(ctx: ReportContext) -> str:
    """Say which residuals a mixed-model (REML) trial is checked on, and whose CV it is.

    ``yieldtrial.stats.trial_analysis.diagnostics`` checks the intra-block model (every
    blocking factor fixed, least squares); its CV comes from that model's residual mean
    square, the ANOVA section's from the REML residual variance (alpha-lattice of stop 31:
    8.3 % here against 8.0 % there, with nothing telling the reader why).
    """
    design = ctx.s.design
    key = "quality.intra_block"
    if design in ("alpha", "row_column"):
        key += f"_{design}"
    df = ctx.diag.df_error if ctx.diag is not None else ""
    return t(key, ctx.s.lang, df=df)


def _stratum_fit_text(ctx: ReportContext) -> str:
    """Say which residuals a split/strip plot with missing plots is checked on.

    The least-squares fit of the stratum model to the harvested plots (its outer-stratum
    errors as fixed terms): its terms, the fixed error terms and the residual df.
    """
    lang, design = ctx.s.lang, ctx.s.design
    first, second = ctx.s.factors
    terms = ["block", first, f"block:{first}", second]
    errors = [f"block:{first}"]
    if design == "strip_plot":
        terms.append(f"block:{second}")
        errors.append(f"block:{second}")
    terms.append(f"{first}:{second}")
    joined = ("、" if lang == "zh" else ", ").join(source_label(e, lang) for e in errors)
    labels = [source_label(term, lang) for term in terms]
    if labels[-1] == f"{first}:{second}":  # factors named by the user: "A x B" as elsewhere
        labels[-1] = (" × " if lang == "zh" else " x ").join(
            source_label(f, lang) for f in (first, second)
        )
    return t(
        f"quality.strata_ls_{design}",
        lang,
        terms=" + ".join(labels),
        whole=joined,
        df=ctx.diag.df_error if ctx.diag is not None else "",
    )


def _in_treatment_order(ctx: ReportContext, rows: pd.Series) -> list[str]:
    """Return the treatments of the plots ``rows`` marks, in the report's treatment order.

    The alpha-lattice example listed its published values in plot order (G11, G04, G05,
    ...); the means table and the source list them G01-G24.  Labels outside the order
    (none in a validated trial) follow in plot order.
    """
    present = dict.fromkeys(ctx.plots.loc[rows, "treatment"].astype(str))
    ordered = [label for label in ctx.s.treatments if label in present]
    return ordered + [label for label in present if label not in ordered]


def _status_paragraphs(ctx: ReportContext) -> list[Paragraph]:
    lang = ctx.s.lang
    if "data_status" not in ctx.plots.columns:
        return []
    status = ctx.plots["data_status"].astype(str).str.lower()
    out: list[Paragraph] = []
    if (status == "synthetic").all():
        return [Paragraph(t("quality.synthetic", lang), "warning")]
    # in the report's treatment order (a reader compares them there), not plot order (loose57)
    published = _in_treatment_order(ctx, status == "published")
    illustrative = _in_treatment_order(ctx, status == "illustrative")
    if len(published):
        labels = []
        for trt in published:
            figs = [f for f in ctx.config.published if f.treatment == trt]
            if figs:
                f = figs[0]
                labels.append(
                    t(
                        "quality.published_figure",
                        lang,
                        treatment=trt,
                        value=f"{f.yield_value:,g}",
                        unit=f.unit,
                        moisture=f"{f.moisture_pct:g}",
                    )
                )
            else:
                labels.append(trt)
        out.append(Paragraph(t("quality.published", lang, items=join_list(labels, lang))))
    if len(illustrative):
        out.append(
            Paragraph(
                t("quality.illustrative", lang, items=join_list(list(illustrative), lang)),
                "warning",
            )
        )
    return out


def audit_section(ctx: ReportContext) -> Section | None:
    """Moisture-conversion audit of the published figures (None when there are none)."""
    if not ctx.config.published:
        return None
    from yieldtrial.moisture import audit_moisture_conversion

    lang = ctx.s.lang
    blocks: list[Any] = []
    ctx.results["moisture_audit"] = []
    for fig in ctx.config.published:
        if fig.reported is None:
            continue
        table = audit_moisture_conversion(
            fig.yield_value,
            fig.reported,
            moisture_pct=fig.moisture_pct,
            standard_moisture_pct=ctx.s.standard_pct,
        )
        ctx.results["moisture_audit"].append(
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
                    reported=group_numeral(fig.reported),
                    unit=fig.unit,
                    standard=f"{ctx.s.standard_pct:g}",
                    mass=f"{fig.yield_value:,g}",
                    moisture=f"{fig.moisture_pct:g}",
                )
                + _published_source(fig, lang)
            )
        )
        rows = []
        for row in table.itertuples():
            method = str(row.method)
            rows.append(
                {
                    "method": t(f"method.{method}", lang)
                    if f"method.{method}" in string_keys()
                    else method,
                    "formula": _formula_text(ctx, method, row.formula, fig, row.predicted),
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
                    reported=group_numeral(fig.reported),
                    reproduced=join_list(reproduced, lang) if reproduced else t("audit.none", lang),
                    dry=fmt_number(dry["predicted"], 2),
                    unit=fig.unit,
                    diff_pct=fmt_signed(dry["difference_pct"]),
                ),
                "claim",
            )
        )
    if not blocks:
        return None
    return Section("moisture_audit", t("section.moisture_audit", lang), blocks)


def _formula_text(ctx: ReportContext, method: str, formula: Any, fig: Any, predicted: Any) -> str:
    """Return the audit's calculation (Chinese from describe_method for the main methods)."""
    if ctx.s.lang != "zh":
        return str(formula)
    if method not in ("dry_matter", "percentage_point"):
        return translate_message(str(formula), ctx.s.lang)
    from yieldtrial.moisture import describe_method

    text = describe_method(
        method,
        moisture_pct=fig.moisture_pct,
        standard_moisture_pct=ctx.s.standard_pct,
        lang="zh",
    )
    return f"{text} = {fixed(float(predicted), 4)}"


def plots_section(ctx: ReportContext) -> Section:
    """Plot records with standardized yields (and the treatment x block table)."""
    s, lang = ctx.s, ctx.s.lang
    p = ctx.plots
    cols: list[Column] = []

    def add(
        key: str, label: str, kind: Any = "number", digits: int = 2, unit: str | None = None
    ) -> None:
        if key in p.columns:
            cols.append(Column(key, label, kind, digits, unit))

    def digits(key: str, low: int, high: int) -> int:
        return decimals(p[key], low, high) if key in p.columns else low

    add("plot_id", t("col.plot", lang), "text")
    add("block", t("col.replicate" if s.resolvable else "col.block", lang), "text")
    if s.design == "alpha":  # the blocking the model uses, to check each plot's place
        add("incomplete_block", t("col.incomplete_block", lang), "text")
    if s.design in ("latin", "row_column"):
        add("row", t("axis.row", lang), "text")
        add("column", t("axis.column", lang), "text")
    for factor in s.factors:  # two-factor designs: the other factor (split plot: whole plot)
        if factor != "treatment":
            add(factor, factor_label(str(factor), lang, capital=True), "text")
    # a two-factor table's variety header read as its treatment column: named as written
    add("treatment", factor_header("treatment") or t("col.treatment", lang), "text")
    # the input columns in other units (acre, mu, lb, jin...) as given, then the converted
    # m2 / kg columns: enough decimals to reproduce every yield from the printed table
    given = {quantity: (column, unit) for column, quantity, unit in input_unit_columns(p)}
    if "area" in given:
        column, unit = given["area"]
        add(column, t("col.area_in", lang, unit=unit_name(unit, lang)), "number",
            digits(column, 0, 4), unit)  # fmt: skip
    area_high = 2 if "area" in given else 4
    add("harvested_area_m2", t("col.area", lang), "number",
        digits("harvested_area_m2", 1, area_high), "m2")  # fmt: skip
    ears = is_ear_harvest(ctx.used)
    if "mass" in given:
        column, unit = given["mass"]
        label = "col.ear_in" if ears else "col.fresh_in"
        add(column, t(label, lang, unit=unit_name(unit, lang)), "number", digits(column, 0, 4),
            unit)  # fmt: skip
    mass_high = 2 if "mass" in given else 4
    add("fresh_mass_kg", t("col.ear" if ears else "col.fresh", lang), "number",
        digits("fresh_mass_kg", 2, mass_high), "kg")  # fmt: skip
    add("moisture_pct", t("col.moisture", lang), "number", digits("moisture_pct", 1, 3), "%")
    add("impurity_pct", t("col.impurity", lang), "number", digits("impurity_pct", 1, 3), "%")
    add("empty_grain_pct", t("col.empty_grain", lang), "number",
        digits("empty_grain_pct", 1, 3), "%")  # fmt: skip
    add("shelling_pct", t("col.shelling", lang), "number", digits("shelling_pct", 1, 3), "%")
    if s.dcol != "yield_kg_ha":
        add(
            s.dcol,
            t("col.yield_unit", lang, unit=s.unit),
            "number",
            yield_digits(s.unit),
            s.unit,
        )
    add("yield_kg_ha", t("col.yield_kg_ha", lang), "number", 1, "kg/ha")
    limit, shown = plot_listing_limits()
    summarised = len(p) > limit
    listed = p.head(shown) if summarised else p
    rows = records(listed, [c.key for c in cols])
    if "data_status" in p.columns:
        cols.append(Column("data_status", t("col.status", lang), "text"))
        for row, status in zip(rows, listed["data_status"], strict=True):
            row["data_status"] = status_label(status, lang)
    note_column = _plot_note_column(listed)  # the plots shown
    if note_column is not None:  # "bird damage at the edge" beside its plot (tidy57)
        cols.append(Column(note_column, t("col.notes", lang), "text"))
        for row, note in zip(rows, listed[note_column], strict=True):
            row[note_column] = note.strip() if isinstance(note, str) else ""
    caption = t("plots.caption", lang, standard=f"{s.standard_pct:g}")
    if summarised:
        # a huge table: the first rows, the count and a per-treatment summary keep the
        # report's size bounded; `yieldtrial standardize` writes every plot
        note = t("plots.summarised", lang, n=f"{len(p):,}", shown=len(rows), limit=f"{limit:,}")
        return Section(
            "plots",
            t("section.plots", lang),
            [
                Paragraph(note, "note"),
                *_summarised_by_treatment(ctx),
                Table("plots", cols, rows, caption),
            ],
        )
    if ctx.entries is not None and s.kind in (None, "treatment"):
        return _plots_of_many_entries(ctx, Table("plots", cols, rows, caption), shown)
    blocks: list[Any] = [Table("plots", cols, rows, caption)]
    # the treatment x block table is a compact view of the listing above; with more entries
    # than the report lists one by one (``ctx.entries``) it would only repeat it at length
    if (
        s.replicated
        and s.block is not None
        and ctx.entries is None
        and _one_plot_per_cell(p, s.block)
    ):
        blocks.append(_by_block_table(ctx))
    return Section("plots", t("section.plots", lang), blocks)


def _plot_note_column(plots: pd.DataFrame) -> str | None:
    """Return the plot table's notes column when a plot has a note, else None.

    The first of ``notes``, ``note``, ``remark``, ``comment`` (the texts the quality
    section gives as a missing plot's reason) holding a text: a harvested plot's note
    ("bird damage at the edge") was in no table of the report (tidy57).
    """
    for column in _REASON_COLUMNS[2:]:
        if column in plots.columns:
            cells = plots[column]
            texts = cells[cells.map(lambda v: isinstance(v, str) and bool(v.strip()))]
            if len(texts):
                return column
    return None


def _plots_of_many_entries(ctx: ReportContext, table: Table, shown: int) -> Section:
    """Summarise the plot listing of a trial with more entries than the report lists.

    A thousand entries on two replicates are 2,000 plots, some 45 printed pages (stop 48):
    as the per-entry tables, the listing shows the per-treatment summary and the first
    ``shown`` plots, and every plot goes to ``<report>_plots.csv`` (and the Excel and JSON
    reports).
    """
    from yieldtrial.report import entries

    selection, lang = ctx.entries, ctx.s.lang
    assert selection is not None  # noqa: S101
    n_plots = len(table.rows)

    def note(file: str | None) -> str:
        where = (
            t("plots.where_reports", lang)
            if file is None
            else t("plots.where_file", lang, file=file)
        )
        return t(
            "plots.summarised_entries",
            lang,
            n=f"{n_plots:,}",
            population=population(selection, lang),
            limit=f"{entries.ENTRY_TABLE_LIMIT:,}",  # read at call time
            shown=min(shown, n_plots),
            where=where,
        )

    paragraph = Paragraph(note(None), "note")
    ctx.companions.append(Companion(table.key, table, paragraph, note))
    listed = dataclasses.replace(table, rows=table.rows[:shown])
    return Section(
        "plots",
        t("section.plots", lang),
        [paragraph, *_summarised_by_treatment(ctx), listed],
    )


def _by_treatment_table(ctx: ReportContext) -> Table:
    """Per-treatment count and raw plot mean, for a plot listing too long to print."""
    s, lang = ctx.s, ctx.s.lang
    p = ctx.plots
    values = pd.to_numeric(p[s.dcol], errors="coerce") if s.dcol in p.columns else None
    # a large table's treatments stay codes (stop 52): grouped by them, named as text
    groups = as_text(p["treatment"]) if "treatment" in p.columns else pd.Series("", p.index)
    text_dtype = getattr(groups.dtype, "categories", groups).dtype
    d = yield_digits(s.unit)
    cols = [
        Column("treatment", t("col.treatment", lang), "text"),
        Column("n_plots", t("col.n", lang), "number", 0),
    ]
    # grouped as they are: no frame with a column of ones and a copy of the values
    # (5.9 million plots: 90 MiB); the same counts (every row) and means
    if values is not None:
        cols.append(Column("mean", t("col.raw_mean", lang), "number", d, s.unit))
        # wrapped, not copied (pandas 3 copies a numpy array into a Series by default)
        plain = pd.Series(values.to_numpy(dtype=float), index=p.index, copy=False)
        grouped = plain.groupby(_kept_groups(groups), sort=False, observed=True)
        summary = pd.DataFrame({"n_plots": grouped.size(), "mean": grouped.mean()})
    else:
        sizes = groups.groupby(_kept_groups(groups), sort=False, observed=True).size()
        summary = sizes.to_frame("n_plots")
    if isinstance(summary.index, pd.CategoricalIndex):  # the labels as grouped by text
        summary.index = pd.Index(summary.index.to_numpy(), dtype=text_dtype)
    summary.index.name = "treatment"
    present = set(summary.index)
    order = [trt for trt in s.treatments if trt in present]
    listed = set(order)
    order += [trt for trt in summary.index if trt not in listed]
    summary = summary.reindex(order).reset_index()
    caption = t("plots.by_treatment", lang, unit=s.unit)
    return Table("plots_by_treatment", cols, records(summary), caption,
                 [t(_raw_mean_note(ctx), lang)])  # fmt: skip


#: Designs whose blocks do not hold every treatment: their LS-means differ from the raw
#: plot means even with no plot missing (blocks adjusted within the incomplete blocks).
_INCOMPLETE_BLOCK_DESIGNS = frozenset({"alpha", "row_column", "augmented"})


def _kept_groups(labels: pd.Series) -> pd.Series:
    """Group key of ``labels``: its kept factorization as a categorical, or ``labels``.

    An arrow text column without blanks groups by the codes its display order and the
    design fit already keep (:func:`yieldtrial.io._factorize.kept_label_codes`: int8 for
    up to 127 labels) instead of a fresh factorization of its text (5.9 million plots:
    about 56 MiB less at this step).  The groups are the same rows in the same order, so
    pandas' group sums and means are the same numbers; the caller takes the groups as
    observed and turns the categorical index back into the labels.  ``labels`` itself
    for other columns and for a column with blanks.
    """
    from yieldtrial.io._factorize import kept_label_codes

    kept = kept_label_codes(labels)
    if kept is None or labels.isna().any():
        return labels
    codes, uniques = kept
    key = pd.Categorical.from_codes(codes, categories=pd.Index(uniques))
    return pd.Series(key, index=labels.index, copy=False)


def _raw_mean_note(ctx: ReportContext) -> str:
    """Key of the note under a raw-plot-mean column (incomplete-block designs differ)."""
    if ctx.s.design == "row_column":  # complete replicates, incomplete rows and columns
        return "plots.raw_mean_note_rows_columns"
    if ctx.s.design == "alpha":  # complete replicates, incomplete blocks within them
        return "plots.raw_mean_note_alpha"
    if ctx.s.design in _INCOMPLETE_BLOCK_DESIGNS:
        return "plots.raw_mean_note_incomplete"
    return "plots.raw_mean_note"


def _summarised_by_treatment(ctx: ReportContext) -> list[Any]:
    """Build the per-treatment table, summarised like the means table above the entry limit."""
    table = _by_treatment_table(ctx)
    selection = ctx.entries
    if selection is None or ctx.s.kind not in (None, "treatment"):
        return [table]
    lang = ctx.s.lang
    ctx.results["plots_by_treatment"] = table.rows

    def note(file: str | None) -> str:
        return t(
            "entries.table_note_augmented" if selection.checks else "entries.table_note",
            lang,
            shown=len(selection.shown),
            where=where_text(
                lang, selection.n_entries, "results.plots_by_treatment", file, selection
            ),
        )

    paragraph, summary, companion = summarise_table(
        table, selection, column="treatment", note=note, controls=ctx.s.controls
    )
    ctx.companions.append(companion)
    return [paragraph, summary]


def _by_block_table(ctx: ReportContext) -> Table:
    """Treatment x block table of plot yields in the display unit (Chinese layout E)."""
    s, lang = ctx.s, ctx.s.lang
    data = ctx.plots.assign(_b=ctx.plots["block"].astype(str))
    wide = data.pivot_table(index="treatment", columns="_b", values=s.dcol, aggfunc="mean")
    augmented = s.design == "augmented"
    if augmented:
        # an entry sits in one block by design: its row would be a dash in every other
        # block, which this table uses for a missing plot; the checks (the treatments in
        # more than one block) are the rows that compare blocks, and the entries' plots
        # are listed above
        spread = data.groupby(data["treatment"].astype(str))["_b"].nunique()
        wide = wide.loc[[trt for trt in wide.index if spread.get(str(trt), 0) > 1]]
    wide = wide.reindex([trt for trt in s.treatments if trt in wide.index])
    # blocks 1 to 12 in their order, not the text order "1, 10, 11, 12, 2, ..." of the labels
    blocks = sorted((str(b) for b in wide.columns), key=natural_key)
    d = yield_digits(s.unit)
    cols = [Column("treatment", t("col.treatment", lang), "text")]
    # a resolvable design's block column holds its replicates: their columns sit under a
    # "Replicate" header, so "1 2 3" cannot be read as the incomplete blocks
    group = t("col.replicate", lang) if s.resolvable else None
    cols += [Column(f"block_{b}", b, "number", d, s.unit, group) for b in blocks]
    # the plain average of the observed plots (NOT the LS-mean; see plots.raw_mean_note)
    cols.append(Column("mean", t("col.raw_mean", lang), "number", d, s.unit))
    rows = []
    for trt, values in wide.iterrows():
        row: dict[str, Any] = {"treatment": trt}
        for b in blocks:
            row[f"block_{b}"] = json_value(values[b])
        row["mean"] = json_value(float(np.nanmean(values.to_numpy(dtype=float))))
        rows.append(row)
    key = "plots.by_replicate" if s.resolvable else "plots.by_block"
    if augmented:  # p-rep: the replicated entries are in the table too (stop 44)
        key = "plots.by_block_checks_prep" if prep_entries(ctx) else "plots.by_block_checks"
    caption = t(key, lang, unit=s.unit)
    # the checks of an augmented design are in every block: their raw plot mean equals
    # their adjusted mean unless a plot is missing
    incomplete = ctx.s.design in _INCOMPLETE_BLOCK_DESIGNS and not augmented
    note = "plots.raw_mean_note" if augmented else _raw_mean_note(ctx)
    notes = [t(note, lang)] if incomplete or wide.isna().to_numpy().any() else []
    return Table("plots_by_block", cols, rows, caption, notes)


def _one_plot_per_cell(plots: pd.DataFrame, block: str) -> bool:
    """Check that each treatment has at most one plot per block.

    Otherwise (split plot with the treatments on sub-plots) a treatment x block
    table would average plots of different whole plots.
    """
    counts = plots.groupby([plots["treatment"].astype(str), plots[block].astype(str)]).size()
    return bool((counts <= 1).all())


def _published_source(fig: Any, lang: str) -> str:
    """Where a published figure comes from, in the report's language ("" when not given)."""
    source = fig.source_zh if lang == "zh" and getattr(fig, "source_zh", None) else fig.source
    if not source:
        return ""
    return f"（{source}）" if lang == "zh" else f" ({source})"


def check_gaps(ctx: ReportContext) -> list[tuple[str, list[str]]]:
    """Return the checks of an augmented trial without a yield in some block, and the blocks.

    The design puts every check in every block; a lost check plot (blank yield or no row)
    leaves it out of that block, and the methods must not say "checks in every block".
    """
    plots, used = ctx.plots, ctx.used
    if ctx.s.design != "augmented" or "block" not in plots.columns or "block" not in used.columns:
        return []
    blocks = list(dict.fromkeys(plots["block"].dropna().astype(str)))
    have = set(zip(used["treatment"].astype(str), used["block"].astype(str), strict=True))
    gaps = []
    for check in augmented_checks(plots)[0]:
        lost = [b for b in blocks if (check, b) not in have]
        if lost:
            gaps.append((check, lost))
    return gaps


def prep_entries(ctx: ReportContext) -> int:
    """Return the number of entries of an augmented trial with more than one observed plot.

    A partially replicated (p-rep) augmented trial plants a share of its entries on two
    plots in different blocks (stop 44); 0 for other trials.  With fixed blocks the
    fitted model says which (:attr:`yieldtrial.stats.augmented.AugmentedAnova.origin`,
    what its Dunnett accuracy note follows): the report's p-rep wording has one source
    (stop 46).  A REML fit (random blocks) has no augmented covariance: its observed plots
    are counted.
    """
    if ctx.s.design != "augmented":
        return 0
    replicated_entries = getattr(ctx.anova, "replicated_entries", None)
    if callable(replicated_entries):  # the augmented model fitted (fixed blocks)
        return len(replicated_entries())
    used = ctx.used
    if "treatment" not in used.columns:
        return 0
    counts = used["treatment"].astype(str).value_counts()
    checks = set(augmented_checks(ctx.plots)[0])
    replicated = counts[counts > 1].index.astype(str)
    return sum(label not in checks for label in replicated)


def design_name(ctx: ReportContext, lang: str) -> str:
    """Return the design's name (no "checks in every block" when a check was lost in one)."""
    s = ctx.s
    n_prep = prep_entries(ctx) if s.design == "augmented" and s.replicated else 0
    if n_prep:  # p-rep: some entries on two plots (stop 44)
        key = "design.augmented_prep_gaps" if check_gaps(ctx) else "design.augmented_prep"
        return t(key, lang, n=f"{n_prep:,}")
    if s.design == "augmented" and s.replicated and check_gaps(ctx):
        return t("design.augmented_gaps", lang)
    return design_label(s.design, s.replicated, lang, one_plot_each=s.one_plot_each)
