"""Data checks section: suspect plots, the verdicts that rest on them, exclusions.

:func:`data_checks_section` runs :meth:`~yieldtrial.FieldTrial.suspect_plots` and,
for the flagged plots of a replicated trial, :meth:`~yieldtrial.FieldTrial.sensitivity`
with the report's own settings (control, letters, alpha, margin), and stores both
in the JSON results (``suspect_plots``, ``sensitivity``, ``excluded_plots``).  The
conclusions (:mod:`~yieldtrial.report.sections.conclusions`) and the residual field
map (:mod:`~yieldtrial.report.sections.figures`) read them from there.  The report
never removes a plot: it says which conclusions depend on one and how to exclude it.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

import pandas as pd

from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io._compat import isin
from yieldtrial.io._guard import held_warnings
from yieldtrial.io._rounding import fixed
from yieldtrial.io.progress import stage
from yieldtrial.report._format import fmt_number, fmt_p, join_list, outlier_items, yield_digits
from yieldtrial.report.context import ReportContext
from yieldtrial.report.i18n import t
from yieldtrial.report.model import Bullets, Column, Paragraph, Section, Table, records

__all__ = ["check_contrast_levels", "data_checks_section", "dependency_notes"]

#: Order in which a plot's findings choose the value shown in the table.
_PRIMARY = ("typing_pattern", "moisture", "area", "outlier_test", "robust_deviation", "duplicate")


def _value_text(ctx: ReportContext, variable: str, value: Any) -> str:
    """Format a finding's value in the reader's units (yields in the display unit).

    The number and its unit are joined by a no-break space: in the suspect-plot table's
    narrow value columns an HTML or Word line broke between them ("29.68" / "kg", stop 37).
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    s = ctx.s
    if variable == s.ycol:
        digits = 1 if s.unit in ("kg/ha", "lb/ac") else 2
        return f"{fixed(number * s.factor, digits, group=',')}\u00a0{s.unit}"
    if variable.endswith("_pct"):
        return f"{fixed(number, 1)}\u00a0%"
    if variable.endswith("_m2"):
        return f"{fixed(number, 2)}\u00a0m²"
    if variable.endswith("_kg"):
        return f"{fixed(number, 2)}\u00a0kg"
    from yieldtrial.units import unit_from_yield_column

    unit = unit_from_yield_column(variable)
    if unit:  # the display unit's column (kg/mu of a Chinese report): as the plot table shows it
        return f"{fixed(number, yield_digits(unit), group=',')}\u00a0{unit}"
    return f"{number:.6g}"


def _variable_label(ctx: ReportContext, variable: str) -> str:
    from yieldtrial.units import unit_from_yield_column

    if variable != ctx.s.ycol and unit_from_yield_column(variable):
        variable = ctx.s.ycol  # the yield in the display unit (yield_kg_mu) is the yield too
    key = {
        ctx.s.ycol: "var.yield",
        "fresh_mass_kg": "var.fresh_mass",
        "moisture_pct": "var.moisture",
        "harvested_area_m2": "var.area",
    }.get(variable)
    return t(key, ctx.s.lang) if key else variable


def _pattern_text(pattern: str, lang: str) -> str:
    if not pattern:
        return ""
    if pattern.startswith("swapped digits"):
        typed, _, fixed = pattern.removeprefix("swapped digits ").partition(" -> ")
        return t("pattern.swapped", lang, typed=typed, fixed=fixed)
    key = {
        "x2": "pattern.x2",
        "/2": "pattern.half",
        "x10": "pattern.x10",
        "/10": "pattern.div10",
        "x100": "pattern.x100",
        "/100": "pattern.div100",
        "copied row": "pattern.copied",
        "treatment label": "pattern.label",
    }.get(pattern)
    return t(key, lang) if key else pattern


def _evidence(row: dict[str, Any], lang: str) -> str:
    """Word one finding's evidence, each statistic kept with its value.

    "t = 12.1", "P < 0.001" and "z = 11.2" are joined by no-break spaces: the Word table's
    evidence column broke "t =" / "12.1" (stop 37).
    """
    return _GLUED_RELATION.sub("\u00a0\\1\u00a0", _evidence_text(row, lang))


#: A relation between a statistic and its value (" = ", " < ", " > ") in an evidence text.
_GLUED_RELATION = re.compile(r" ([=<>]) ")


def _evidence_text(row: dict[str, Any], lang: str) -> str:
    check = str(row["check"])
    if check == "outlier_test":
        return t(
            "evidence.outlier",
            lang,
            t=fmt_number(row["statistic"], 1),
            p=fmt_p(row["p_value_adjusted"]),
        )
    if check == "duplicate":
        return _pattern_text(str(row["pattern"]), lang)
    text = t(
        "evidence.ratio",
        lang,
        ratio=fmt_number(row["ratio"], 2),
        z=fmt_number(row["statistic"], 1),
    )
    pattern = _pattern_text(str(row.get("pattern") or ""), lang)
    return f"{text}{', ' if lang == 'en' else '，'}{pattern}" if pattern else text


def _flag_table(ctx: ReportContext, found: pd.DataFrame) -> Table:
    lang = ctx.s.lang
    rows = []
    for pid, group in found.groupby(found["plot_id"].astype(str), sort=False):
        records_: list[dict[str, Any]] = [
            {str(k): v for k, v in rec.items()} for rec in group.to_dict("records")
        ]
        primary = sorted(records_, key=lambda r: _PRIMARY.index(str(r["check"])))[0]
        checks = list(dict.fromkeys(str(r["check"]) for r in records_))
        rows.append(
            {
                "plot_id": pid,
                "treatment": primary["treatment"],
                "block": primary["block"],
                "variable": _variable_label(ctx, str(primary["variable"]))
                if primary["check"] != "duplicate"
                else "–",
                "value": _value_text(ctx, str(primary["variable"]), primary["value"]),
                "typical": _value_text(ctx, str(primary["variable"]), primary["typical"]),
                "checks": join_list([t(f"check.{c}", lang) for c in checks], lang),
                "evidence": ("; " if lang == "en" else "；").join(
                    dict.fromkeys(
                        _evidence(r, lang)
                        for r in records_
                        # the typing pattern states the same ratio as the robust deviation
                        if not (r["check"] == "robust_deviation" and "typing_pattern" in checks)
                    )
                ),
            }
        )
    columns = [
        Column("plot_id", t("col.plot", lang), "text"),
        Column("treatment", t("col.treatment", lang), "text"),
    ]
    if any(r["block"] not in (None, "None") for r in rows):
        label = t("col.replicate" if ctx.s.resolvable else "col.block", lang)
        columns.append(Column("block", label, "text"))
    columns += [
        Column("variable", t("col.checked", lang), "text"),
        Column("value", t("col.value", lang), "text"),
        Column("typical", t("col.typical", lang), "text"),
        Column("checks", t("col.checks", lang), "text"),
        Column("evidence", t("col.evidence", lang), "text"),
    ]
    return Table("suspect_plots", columns, rows, t("checks.caption", lang))


def _outcome(text: str, lang: str, verdict: str = "") -> str:
    key = "outcome." + text.replace(" ", "_").replace("-", "_")
    if verdict == "noninferiority":
        key = {
            "outcome.non_inferior": "outcome.ni_shown",
            "outcome.not_shown": "outcome.ni_not_shown",
        }.get(key, key)
    from yieldtrial.report._format import string_keys

    return t(key, lang) if key in string_keys() else text


def _subject(row: dict[str, Any], lang: str, names: dict[str, str] | None = None) -> str:
    from yieldtrial.report._format import source_label

    subject = str(row["subject"])
    if row["verdict"] == "contrast":
        return (names or {}).get(subject, subject)
    if row["verdict"] == "anova_f":
        return source_label(subject, lang) if subject != "treatment" else t("sens.treatments", lang)
    return subject.replace(" vs ", " – ")


def sensitivity_statement(
    row: dict[str, Any], lang: str, names: dict[str, str] | None = None
) -> str:
    """Return the sentence saying that a verdict depends on one plot (translated).

    ``names`` maps a named contrast to its name in the report's language.
    """
    what = t(f"sens.what.{row['verdict']}", lang, subject=_subject(row, lang, names))
    return t(
        "sens.changed",
        lang,
        what=what,
        plot=row["plot_id"],
        with_=_outcome(str(row["with_plot"]), lang, str(row["verdict"])),
        without=_outcome(str(row["without_plot"]), lang, str(row["verdict"])),
    )


def dependency_notes(ctx: ReportContext, verdict: str, subject: str) -> list[str]:
    """Sentences for the conclusions: the plots a verdict depends on (empty when none)."""
    rows = ctx.results.get("sensitivity") or []
    out = []
    for row in rows:
        if row.get("verdict") == verdict and row.get("subject") == subject and row.get("changed"):
            p = row.get("p_without")
            out.append(
                t(
                    "concl.depends",
                    ctx.s.lang,
                    plot=row["plot_id"],
                    without=_outcome(str(row["without_plot"]), ctx.s.lang),
                    p=fmt_p(p) if p is not None else "–",
                )
            )
    return out


#: Above this many plots (missing ones included) the report refits the design model without
#: only the first :data:`SENSITIVITY_LARGE_TABLE_REFITS` flagged plots; the others are listed
#: as not re-analysed.  Each refit of a multi-million-plot table takes seconds to minutes,
#: and at that size the model-free limits flag a few normal deviations (docs/performance.md).
SENSITIVITY_LARGE_TABLE_PLOTS = 100_000
#: Flagged plots left out and re-analysed on a table above :data:`SENSITIVITY_LARGE_TABLE_PLOTS`.
SENSITIVITY_LARGE_TABLE_REFITS = 3


def check_contrast_levels(contrasts: Any, levels: Any) -> None:
    """Refuse a ``[[contrasts]]`` entry naming a level that is not one of the report's means.

    The one check of the contrasts section and the sensitivity of the verdicts: the
    sensitivity check was dropped without a word by such a contrast (its error caught),
    while the contrasts section refused it.

    Parameters
    ----------
    contrasts : sequence of mapping
        The ``[[contrasts]]`` tables (``name``, ``treatment``, ``versus``).
    levels : sequence
        The levels of the means the report shows (``means_model(kind).levels``).

    Raises
    ------
    DataValidationError
        Naming the contrast, its two labels and the levels.
    """
    shown = [str(v) for v in levels]
    for item in contrasts:
        trt, ref = item["treatment"], item["versus"]
        if str(trt) not in shown or str(ref) not in shown:
            raise DataValidationError(
                f"contrast {item['name']!r} compares {trt!r} with {ref!r}, but the treatments "
                f"are {', '.join(shown)}; fix treatment/versus in [[contrasts]] of trial.toml."
            )


def _screened_not_flagged(ctx: ReportContext, found: pd.DataFrame) -> pd.DataFrame:
    """Return the screen's possible outliers (|r| > 3) that the outlier test did not flag.

    The two sections use different criteria (stop 49): the screen names a plot that
    "No plot was flagged" then seemed to contradict; the note says why both are right.
    """
    outliers = getattr(getattr(ctx, "diag", None), "outliers", None)
    if outliers is None or not len(outliers):
        return pd.DataFrame()
    flagged = set(found["plot_id"].astype(str)) if len(found) else set()
    return outliers[~outliers["plot_id"].astype(str).isin(flagged)]


def data_checks_section(ctx: ReportContext) -> Section:
    """Suspect plots (flag table), sensitivity of the verdicts, and the user's exclusions."""
    s, lang = ctx.s, ctx.s.lang
    blocks: list[Any] = []
    trial = ctx.trial
    excluded = getattr(trial, "excluded_plots", None)
    if excluded is not None and len(excluded):
        ctx.results["excluded_plots"] = records(excluded)
        items = []
        for row in excluded.to_dict("records"):
            where = str(row.get("treatment", ""))
            if row.get("block") is not None and "block" in excluded.columns:
                label = t("col.replicate" if s.resolvable else "col.block", lang)
                where += f", {label} {row['block']}"
            items.append(f"{row['plot_id']} ({where}): {row['reason']}")
        blocks.append(Paragraph(t("checks.excluded", lang), "warning"))
        blocks.append(Bullets(items, "warning"))
    try:
        with held_warnings(), stage("data checks: suspect plots"):
            warnings.simplefilter("ignore", YieldTrialWarning)
            found = trial.suspect_plots()
    except (DataValidationError, AttributeError):  # several sites, a bare object
        ctx.results["suspect_plots"] = []
        blocks.append(Paragraph(t("checks.not_run", lang), "note"))
        return Section("data_checks", t("section.data_checks", lang), blocks)
    ctx.results["suspect_plots"] = records(found)
    notes = [str(n) for n in found.attrs.get("notes", [])]
    alpha = (found.attrs.get("provenance") or {}).get("alpha") or 0.01
    formal_na = any(n.startswith("outlier_test") for n in notes)
    within_na = any(n.startswith("robust_deviation") for n in notes)
    if found.empty:  # name only the checks that ran (an unreplicated demonstration: neither)
        key = {
            (False, False): "checks.none",
            (True, False): "checks.none_no_outlier",
            (False, True): "checks.none_no_within",
            (True, True): "checks.none_basic",
        }[(formal_na, within_na)]
        blocks.append(Paragraph(t(key, lang, alpha=f"{alpha:g}")))
    else:
        n = found["plot_id"].astype(str).nunique()
        blocks.append(Paragraph(t("checks.flagged", lang, n=n), "warning"))
        blocks.append(_flag_table(ctx, found))
    screened = _screened_not_flagged(ctx, found)
    if len(screened) and not formal_na:  # the two criteria named, never a silent contradiction
        blocks.append(
            Paragraph(
                t(
                    "checks.screen_only",
                    lang,
                    items=outlier_items(screened, lang),
                    alpha=f"{alpha:g}",
                ),
                "note",
            )
        )
    if formal_na:
        blocks.append(Paragraph(t("checks.formal_na", lang), "note"))
    if within_na:
        blocks.append(Paragraph(t("checks.within_na", lang), "note"))
    flagged = list(dict.fromkeys(found["plot_id"].astype(str)))
    ctx.results["sensitivity"] = []
    n_plots = len(getattr(trial, "plots", ()))
    refit = flagged
    if n_plots > SENSITIVITY_LARGE_TABLE_PLOTS:
        refit = flagged[:SENSITIVITY_LARGE_TABLE_REFITS]
    skipped = flagged[len(refit) :]
    if flagged and s.replicated:
        if ctx.config.contrasts:  # a contrast the means lack: an error, not a lost section
            check_contrast_levels(
                ctx.config.contrasts, trial.means_model(s.kind, unit="kg/ha").levels
            )
        try:
            with held_warnings(), stage("data checks: sensitivity of the verdicts"):
                warnings.simplefilter("ignore", YieldTrialWarning)
                sens = trial.sensitivity(
                    refit,
                    alpha=s.alpha,
                    letters=s.letters,
                    margin_pct=s.margin_pct,
                    control=list(s.controls) or None,
                    kind=s.kind,
                    unit="kg/ha",
                    contrasts=[
                        (str(c["name"]), str(c["treatment"]), str(c["versus"]))
                        for c in ctx.config.contrasts
                    ],
                )
        except DataValidationError as exc:  # said in the section (it was silently left out)
            sens = None
            blocks.append(Paragraph(t("sens.not_run", lang, reason=str(exc)), "note"))
        if sens is not None:
            ctx.results["sensitivity"] = records(sens)
            blocks.append(Paragraph(t("sens.intro", lang)))
            pairs = sens.attrs.get("letter_pairs_checked")
            if pairs is not None:  # many treatments: the changed letter pairs only
                from yieldtrial.stats.sensitivity import LETTER_PAIRS_LISTED_MAX_LEVELS

                ctx.results["sensitivity_letter_pairs"] = {
                    "checked_per_plot": int(pairs),
                    "listed": "changed",
                    "listed_in_full_up_to_treatments": LETTER_PAIRS_LISTED_MAX_LEVELS,
                }
                blocks.append(
                    Paragraph(
                        t("sens.letters_changed_only", lang, n=f"{int(pairs):,}",
                          k=LETTER_PAIRS_LISTED_MAX_LEVELS),
                        "note",
                    )
                )  # fmt: skip
            checked = sens.attrs.get("control_rows_checked")
            if checked is not None:  # many treatments: the changed comparisons with CK only
                from yieldtrial.stats.sensitivity import LETTER_PAIRS_LISTED_MAX_LEVELS

                refitted = sens.loc[sens["verdict"] != "refit", "plot_id"].astype(str).nunique()
                listed = int(isin(sens["verdict"], ["dunnett", "noninferiority"]).sum())
                omitted = int(checked) * refitted - listed
                ctx.results["sensitivity_control_rows"] = {
                    "checked_per_plot": int(checked),
                    "listed": "changed",
                    "omitted_unchanged": omitted,
                    "listed_in_full_up_to_treatments": LETTER_PAIRS_LISTED_MAX_LEVELS,
                }
                blocks.append(
                    Paragraph(
                        t("sens.control_changed_only", lang, n=f"{int(checked):,}",
                          m=f"{omitted:,}", k=LETTER_PAIRS_LISTED_MAX_LEVELS),
                        "note",
                    )
                )  # fmt: skip
            names = {
                str(c["name"]): str(
                    c["name_zh"] if lang == "zh" and c.get("name_zh") else c["name"]
                )
                for c in ctx.config.contrasts
            }
            items = []
            for pid in refit:
                mine = sens[sens["plot_id"].astype(str) == pid]
                failed = mine[mine["verdict"] == "refit"]
                changed = mine[mine["changed"].astype(bool)]
                if len(failed):
                    # the refit's own reason: a fit too large for memory (dense, or with
                    # the blocks or treatments absorbed) is not a treatment left without plots
                    too_large = "GiB of memory" in str(failed["statement"].iloc[0])
                    key = "sens.refit_too_large" if too_large else "sens.refit_failed"
                    items.append(t(key, lang, plot=pid))
                elif len(changed):
                    pair_rows = changed[changed["verdict"] == "letters"] if pairs else changed[:0]
                    items.extend(
                        sensitivity_statement(r, lang, names)
                        for r in changed.drop(index=pair_rows.index).to_dict("records")
                    )
                    if len(pair_rows):  # many treatments: one sentence, not one per pair
                        involved = list(
                            dict.fromkeys(
                                name
                                for subject in pair_rows["subject"].astype(str)
                                for name in subject.split(" vs ", 1)
                            )
                        )
                        shown = involved[:10]
                        if len(involved) > len(shown):
                            shown.append(t("sens.more", lang, n=len(involved) - len(shown)))
                        items.append(
                            t("sens.letters_changed", lang, plot=pid, n=f"{len(pair_rows):,}",
                              treatments=join_list(shown, lang))
                        )  # fmt: skip
                else:
                    items.append(t("sens.none", lang, plot=pid))
            items.extend(t("sens.not_reanalysed", lang, plot=pid) for pid in skipped)
            blocks.append(Bullets(items, "warning" if any(sens["changed"]) else "normal"))
            if skipped:
                blocks.append(
                    Paragraph(
                        t("sens.capped", lang, n=f"{n_plots:,}", k=len(refit), m=len(skipped)),
                        "note",
                    )
                )
    if flagged:
        blocks.append(Paragraph(t("checks.how_to_exclude", lang, plot=flagged[0]), "note"))
    return Section("data_checks", t("section.data_checks", lang), blocks)
