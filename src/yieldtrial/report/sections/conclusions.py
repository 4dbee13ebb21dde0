"""Conclusions section: F test, Dunnett verdicts, ranking, replicates needed."""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io._compat import isin
from yieldtrial.io._rounding import fixed
from yieldtrial.io.checks import message_number
from yieldtrial.report._format import (
    CV_DIGITS,
    CV_STRATUM_DESIGNS,
    fmt_number,
    fmt_p,
    source_label,
    spaced,
    yield_digits,
)
from yieldtrial.report.context import ReportContext
from yieldtrial.report.entries import checks_verdicts, more_better, population
from yieldtrial.report.i18n import letters_name as i18n_letters_name
from yieldtrial.report.i18n import t
from yieldtrial.report.model import Bullets, Paragraph, Section

__all__ = ["CONCLUSIONS_LIST_MAX", "conclusions_section"]


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


def conclusions_section(ctx: ReportContext) -> Section:
    """Conclusions: F test(s), Dunnett verdicts, ranking with letters, data caveats."""
    s, lang = ctx.s, ctx.s.lang
    means = ctx.means
    assert means is not None  # noqa: S101
    d = yield_digits(s.unit)
    items: list[str] = []
    kinds: dict[int, str] = {}  # item index -> what it is, for the summary (summary_section)
    status = (
        ctx.plots["data_status"].astype(str).str.lower()
        if "data_status" in ctx.plots.columns
        else pd.Series(dtype=str)
    )
    if not s.replicated:
        at = int(np.nanargmax(means["mean"].to_numpy(dtype=float)))
        best = means.iloc[[at]].to_dict("records")[0]  # a mixed row Series warned (pandas 2.0)
        items.append(
            t(
                "concl.unreplicated" if s.one_plot_each else "concl.no_error_df",
                lang,
                best=best["treatment"],
                best_yield=fmt_number(float(best["mean"]) * s.factor, d),
                unit=s.unit,
            )
        )
        if ctx.comparisons is not None:
            suffix = s.ycol.removeprefix("yield")
            for row in _listed(ctx, ctx.comparisons).to_dict("records"):
                items.append(
                    t(
                        "concl.diff_descriptive",
                        lang,
                        treatment=row["treatment"],
                        control=row["control"],
                        diff=fmt_number(float(row[f"difference{suffix}"]) * s.factor, d, sign=True),
                        pct=fixed(float(row["difference_pct"]), 1, sign=True),
                        unit=s.unit,
                    )
                )
        r = _replicates_needed(ctx)
        if r is not None:
            design = t(f"concl.replicates_design.{r[3]}", lang)
            items.append(
                t("concl.replicates_needed", lang, delta=r[1], r=r[0], cv=r[2], design=design)
            )
    else:
        if ctx.single_error:
            trt = ctx.anova.table[ctx.anova.table["source"] == "treatment"]
            if len(trt):
                p = float(trt["p_value"].iloc[0])
                items.append(
                    t("concl.anova_sig" if p < s.alpha else "concl.anova_ns", lang, p=fmt_p(p))
                    + _depends(ctx, "anova_f", "treatment")
                )
        elif ctx.anova is not None:
            items.extend(_factor_verdicts(ctx))
        if ctx.comparisons is not None and ctx.entries is not None:
            for kind, text in _summarised_verdicts(ctx):
                items.append(text)
                kinds[len(items) - 1] = kind
        elif ctx.comparisons is not None:
            suffix = s.ycol.removeprefix("yield")
            fold = len(ctx.comparisons) > CONCLUSIONS_LIST_MAX
            for row in ctx.comparisons.to_dict("records"):
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
                if not (fold and key == "concl.dunnett_ns"):  # folded: counted below
                    items.append(
                        t(
                            key,
                            lang,
                            treatment=row["treatment"],
                            control=row["control"],
                            diff=fmt_number(shown, d, sign=key == "concl.dunnett_ns"),
                            pct=fixed(float(row["difference_pct"]), 1, sign=True),
                            p=fmt_p(p),
                            unit=s.unit,
                        )
                        + _depends(ctx, "dunnett", f"{row['treatment']} vs {row['control']}")
                    )
                    kinds[len(items) - 1] = (
                        "dunnett_ns" if key == "concl.dunnett_ns" else "dunnett_sig"
                    )
                if s.margin_pct is not None:
                    ni = row.get("noninferior")
                    if (
                        ni is not None
                        and ni is not pd.NA
                        and not (isinstance(ni, float) and math.isnan(ni))
                        and not (fold and not bool(ni))
                    ):
                        items.append(
                            t(
                                "concl.ni_yes" if bool(ni) else "concl.ni_no",
                                lang,
                                treatment=row["treatment"],
                                control=row["control"],
                                margin=message_number(s.margin_pct),
                                p=fmt_p(row.get("noninferiority_p_value_adjusted")),
                            )
                            + _depends(
                                ctx, "noninferiority", f"{row['treatment']} vs {row['control']}"
                            )
                        )
                        kinds[len(items) - 1] = "noninferiority"
            if fold:
                for kind, text in _folded_counts(ctx):
                    items.append(text)
                    kinds[len(items) - 1] = kind
        if "letters" in means.columns:
            ranked = means.sort_values("mean", ascending=False)
            n_ranked = len(ranked)
            if ctx.entries is not None:  # thousands of entries: the top of the ranking
                ranked = ranked.head(len(ctx.entries.top))
            elif n_ranked > CONCLUSIONS_LIST_MAX:  # 45 treatments: the top, the rest in the table
                ranked = ranked.head(RANKING_LIST_TOP)
            order = " > ".join(
                f"{trt} ({letters})"
                for trt, letters in zip(ranked["treatment"], ranked["letters"], strict=True)
            )
            letters_name = i18n_letters_name(
                s.letters, ctx.letters_provenance, lang, unequal=ctx.tukey_unequal
            )
            ranking = (
                t("concl.ranking", lang, order=order, letters=letters_name)
                if ctx.entries is None and len(ranked) == n_ranked
                else t("concl.ranking_folded", lang, k=len(ranked), order=order,
                       letters=letters_name, n=f"{n_ranked:,}")
                if ctx.entries is None
                else t("concl.ranking_top_augmented" if ctx.entries.checks else "concl.ranking_top",
                       lang, k=len(ranked), order=order, letters=letters_name,
                       n=f"{ctx.entries.n_entries:,}", population=population(ctx.entries, lang))
            )  # fmt: skip
            moved = [
                str(r["plot_id"])
                for r in ctx.results.get("sensitivity") or []
                if r.get("verdict") == "letters" and r.get("changed")
            ]
            if moved:
                sep = " " if lang == "en" else ""
                plots = ", ".join(dict.fromkeys(moved))
                ranking += sep + t("concl.letters_depend", lang, plots=plots)
            items.append(ranking)
            kinds[len(items) - 1] = "ranking"
        if ctx.anova is not None and ctx.diag is not None and ctx.diag.cv_flag != "ok":
            items.append(
                t(
                    # a split or strip plot: the innermost stratum's CV (Error b or c)
                    f"concl.cv_high_{ctx.s.design}"
                    if ctx.s.design in CV_STRATUM_DESIGNS and not ctx.single_error
                    else "concl.cv_high",
                    lang,
                    cv=fmt_number(
                        ctx.anova.cv_pct if ctx.single_error else ctx.diag.cv_pct, CV_DIGITS
                    ),
                )
            )
    blocks: list[Any] = [Bullets(items)]
    if len(status) and (status == "synthetic").all():
        blocks.append(Paragraph(t("concl.synthetic", lang), "warning"))
    elif len(status) and (status == "illustrative").any():
        blocks.append(Paragraph(t("concl.illustrative", lang), "warning"))
    ctx.results["conclusions"] = items
    ctx.conclusion_kinds = [kinds.get(i, "other") for i in range(len(items))]
    return Section("conclusions", t("section.conclusions", lang), blocks)


#: Comparisons with the control(s) the conclusions state one by one.  Above, they list the
#: significant verdicts (and the treatments shown non-inferior) and count the others in one
#: sentence per control that points at the means (and non-inferiority) table: a 200-entry
#: trial gave 199 "not significant" bullets, about 10 of its 34 pages.
CONCLUSIONS_LIST_MAX = 40
#: Highest LS-means the ranking sentence names when there are more than
#: :data:`CONCLUSIONS_LIST_MAX` treatments (a 45-treatment ranking was one 45-name line);
#: the means table ranks them all.
RANKING_LIST_TOP = 10


def _folded_counts(ctx: ReportContext) -> list[tuple[str, str]]:
    """Count, per control, the verdicts the conclusions leave to the tables (folded).

    One sentence for the comparisons that were not significant (kind ``dunnett_folded``)
    and, with a margin, one for the treatments not shown non-inferior (kind
    ``noninferiority``).
    """
    s, lang = ctx.s, ctx.s.lang
    comp = ctx.comparisons
    assert comp is not None  # noqa: S101
    items: list[tuple[str, str]] = []
    p = pd.to_numeric(comp["p_value_adjusted"], errors="coerce")
    for control in dict.fromkeys(comp["control"].astype(str)):
        mine = comp["control"].astype(str) == control
        n_ns = int((mine & ~(p < s.alpha)).sum())
        if n_ns:
            items.append((
                "dunnett_folded",
                t("concl.dunnett_ns_folded", lang, control=control, alpha=f"{s.alpha:g}",
                  n=f"{n_ns:,}", total=f"{int(mine.sum()):,}"),
            ))  # fmt: skip
        if s.margin_pct is not None and "noninferior" in comp.columns:
            known = comp.loc[mine, "noninferior"].dropna()
            n_no = int((~known.astype(bool)).sum())
            if n_no:
                items.append((
                    "noninferiority",
                    t("concl.ni_no_folded", lang, control=control, n=f"{n_no:,}",
                      margin=message_number(s.margin_pct)),
                ))  # fmt: skip
    return items


def _listed(ctx: ReportContext, comparisons: pd.DataFrame) -> pd.DataFrame:
    """Return the comparisons of the entries the tables list (all up to the entry limit)."""
    if ctx.entries is None:
        return comparisons
    return comparisons.loc[isin(comparisons["treatment"].astype(str), set(ctx.entries.shown))]


def _summarised_verdicts(ctx: ReportContext) -> list[tuple[str, str]]:
    """Dunnett verdicts of a trial with more entries than the report lists.

    Per control: how many entries yielded significantly more, less and not
    significantly differently; the verdict of each significantly better entry among
    the highest LS-means (:data:`~yieldtrial.report.entries.ENTRY_TABLE_TOP`), with the
    count of the others; non-inferiority as a count.  Each item comes with its kind
    (``entries_count``, ``entries_sig``, ``entries_more``, ``entries_ni``) for the
    summary, which names fewer of them.
    """
    s, lang, selection = ctx.s, ctx.s.lang, ctx.entries
    assert selection is not None and ctx.comparisons is not None  # noqa: S101
    comp = ctx.comparisons
    d = yield_digits(s.unit)
    suffix = s.ycol.removeprefix("yield")
    column = f"difference{suffix}" if f"difference{suffix}" in comp.columns else "difference"
    top = set(selection.top)
    items: list[tuple[str, str]] = []
    for control in selection.controls:
        mine = comp.loc[comp["control"].astype(str) == control]
        if not len(mine):
            continue
        better = selection.n_better.get(control, 0)
        worse = selection.n_worse.get(control, 0)
        # an augmented design's entries only: the other checks follow apart
        n = selection.n_compared.get(control, len(mine)) if selection.checks else len(mine)
        key = "concl.dunnett_counts_augmented" if selection.checks else "concl.dunnett_counts"
        items.append((
            "entries_count",
            t(key, lang, control=control, alpha=f"{s.alpha:g}", n=f"{n:,}",
              better=f"{better:,}", worse=f"{worse:,}", ns=f"{n - better - worse:,}"),
        ))  # fmt: skip
        named = [v for v in selection.better.get(control, ()) if v in top]
        by_name = {str(r["treatment"]): r for r in mine.to_dict("records")}
        for treatment in named:
            row = by_name[treatment]
            items.append((
                "entries_sig",
                t("concl.dunnett_sig_up", lang, treatment=treatment, control=control,
                  diff=fmt_number(abs(float(row[column]) * s.factor), d),
                  pct=fixed(float(row["difference_pct"]), 1, sign=True),
                  p=fmt_p(float(row["p_value_adjusted"])), unit=s.unit)
                + _depends(ctx, "dunnett", f"{treatment} vs {control}"),
            ))  # fmt: skip
        if better > len(named):
            items.append(
                ("entries_more", more_better(selection, control, better - len(named), lang))
            )
        if selection.checks_compared.get(control):
            items.append((
                "entries_checks",
                t("concl.checks_counts", lang, control=control, alpha=f"{s.alpha:g}",
                  items=checks_verdicts(selection, control, lang)),
            ))  # fmt: skip
        if s.margin_pct is not None and "noninferior" in mine.columns:
            if selection.checks:  # augmented: "of the N entries", the checks not among them
                mine = mine.loc[~isin(mine["treatment"].astype(str), set(selection.checks))]
            yes = sum(
                1
                for v in mine["noninferior"]
                if v is not None
                and v is not pd.NA
                and not (isinstance(v, float) and math.isnan(v))
                and bool(v)
            )
            items.append((
                "entries_ni",
                t("concl.ni_counts", lang, control=control, margin=message_number(s.margin_pct),
                  yes=f"{yes:,}", n=f"{len(mine):,}"),
            ))  # fmt: skip
    return items


def _replicates_needed(ctx: ReportContext) -> tuple[int, str, str, str] | None:
    """Replicates a replicated trial would need, the difference, the CV and the design used."""
    from yieldtrial.stats import compare

    cv = compare.UNREPLICATED_ASSUMED_CV_PCT
    delta = compare.UNREPLICATED_TARGET_DIFFERENCE_PCT
    design = ctx.s.design if ctx.s.design in ("crd", "rcbd") else "rcbd"
    try:
        r = _cached_replicates(cv, delta, max(len(ctx.s.treatments), 2), design)
    except DataValidationError:
        return None
    ctx.results["replicates_needed"] = {
        "replicates": r,
        "cv_pct": cv,
        "difference_pct": delta,
        "power": 0.8,
        "alpha": 0.05,
        "comparison": "dunnett",
        "design": design,
    }
    return r, f"{delta:g}", f"{cv:g}", design


def _depends(ctx: ReportContext, verdict: str, subject: str) -> str:
    """Sentences appended to a verdict that flips without one flagged plot (else "")."""
    from yieldtrial.report.sections.checks import dependency_notes

    notes = dependency_notes(ctx, verdict, subject)
    if not notes:
        return ""
    return (" " if ctx.s.lang == "en" else "") + (" " if ctx.s.lang == "en" else "").join(notes)


def _factor_verdicts(ctx: ReportContext) -> list[str]:
    """F-test verdict of each tested source of a two-factor ANOVA, with its error term."""
    s, lang = ctx.s, ctx.s.lang
    if hasattr(ctx.anova, "table_block_adjusted"):
        return _augmented_verdicts(ctx)
    items = []
    for row in ctx.anova.table.to_dict("records"):
        p = float(row["p_value"])
        error = str(row.get("error_term") or "")
        if not (math.isfinite(p) and error) or str(row["source"]) in ("block", s.block):
            continue  # untested, or the blocks: a layout fact, not a treatment finding
        source = source_label(str(row["source"]), lang)
        if error.startswith("REML"):  # a mixed model's Wald F test: no error term to name
            kr = "kenward" in error.lower()
            sentence = t(
                "concl.source_sig_reml" if p < s.alpha else "concl.source_ns_reml",
                lang,
                source=source,
                ddf=t("ddf.kenward_roger" if kr else "ddf.satterthwaite", lang),
                p=fmt_p(p),
            )
        else:
            sentence = t(
                "concl.source_sig" if p < s.alpha else "concl.source_ns",
                lang,
                source=source,
                error=spaced(source_label(error, lang), lang, after=True),  # 以误差 a 作
                p=fmt_p(p),
            )
        items.append(sentence + _depends(ctx, "anova_f", str(row["source"])))
    if getattr(ctx.anova, "interaction_significant", False):
        items.append(t("anova.interaction_note", lang))
    return items


#: Sources of an augmented design's ANOVA that the conclusions state, in this order: all
#: treatments (adjusted for blocks), the entries among themselves, entries against checks.
_AUGMENTED_VERDICTS = ("treatment (eliminating blocks)", "entries", "entries vs checks")


def _augmented_verdicts(ctx: ReportContext) -> list[str]:
    """F-test verdicts of an augmented design (Federer), each against the residual.

    The summary and conclusions said nothing of its analysis of variance (the entries vs
    checks contrast of stop 31's trial had P = 0.009): only the Dunnett verdicts.
    """
    s, lang = ctx.s, ctx.s.lang
    a = ctx.anova
    rows = {
        str(r["source"]): r
        for table in (a.table, a.table_block_adjusted)
        for r in table.to_dict("records")
    }
    error = spaced(source_label("residual", lang), lang, after=True)
    if lang == "en":  # inside a sentence: "F test against error", as "against error a"
        error = error[:1].lower() + error[1:]
    items = []
    for source in _AUGMENTED_VERDICTS:
        row = rows.get(source)
        if row is None or not math.isfinite(float(row["p_value"])):
            continue
        p = float(row["p_value"])
        items.append(
            t(
                "concl.source_sig" if p < s.alpha else "concl.source_ns",
                lang,
                source=source_label(source, lang),
                error=error,
                p=fmt_p(p),
            )
        )
    return items
