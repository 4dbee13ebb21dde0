"""Sections reviewers expect beyond the statistics.

Summary, trial information, yield components, economic benefit, named
contrasts, field-layout map and the acceptance panel.

Each builder returns ``None`` when the trial description and the plot table hold
nothing for it, so a report never prints an empty section.  Free text of the
trial description is shown in Chinese from its ``[zh]`` table (or the ``_zh``
keys of a treatment) in a Chinese report; :func:`untranslated_fields` lists the
fields still in English, which the header says once.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from yieldtrial.errors import YieldTrialWarning
from yieldtrial.io._guard import held_warnings
from yieldtrial.io._rounding import fixed
from yieldtrial.io.checks import message_number
from yieldtrial.io.entry_types import marked_checks
from yieldtrial.report._format import (
    attr_or,
    factor_label,
    fmt_number,
    fmt_p,
    join_list,
    spaced,
    yield_digits,
)
from yieldtrial.report.context import ReportContext, comparisons_warned_of
from yieldtrial.report.entries import more_better
from yieldtrial.report.i18n import letters_name, t
from yieldtrial.report.model import Column, Figure, KeyValues, Paragraph, Section, Table
from yieldtrial.report.sections.conclusions import CONCLUSIONS_LIST_MAX
from yieldtrial.report.sections.data import design_name
from yieldtrial.report.sections.marks import ILLUSTRATIVE_MARK, FigureMarks, figure_marks

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

__all__ = [
    "ILLUSTRATIVE_MARK",
    "panel_value",
    "components_section",
    "contrasts_section",
    "economics_section",
    "field_map_section",
    "localized",
    "mark_illustrative",
    "summary_section",
    "trial_info_section",
    "untranslated_fields",
]


_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: Latin-letter words a Chinese text may keep (abbreviations, chemical names).
_KEEP = frozenset({"CK", "DCD", "NPK", "TKW", "pH", "ID"})

#: Text fields of ``[trial]`` and ``[conditions]`` with a ``[zh]`` counterpart.
_TEXT_FIELDS: tuple[str, ...] = ("title", "site", "season", "variety", "previous_crop", "soil")
_CONDITION_TEXT: tuple[str, ...] = ("soil_type", "seeding_rate", "irrigation", "weather")


def _latin(text: Any) -> bool:
    """Whether ``text`` holds a Latin-letter word that is not an allowed abbreviation."""
    words = _LATIN_WORD.findall(re.sub(r"CK\d*", "", str(text)))
    return any(w not in _KEEP for w in words)


def localized(ctx: ReportContext, key: str, value: Any) -> Any:
    """Return the ``[zh]`` version of field ``key`` in a Chinese report, else ``value``."""
    if ctx.s.lang != "zh" or value in (None, ""):
        return value
    return ctx.config.zh.get(key, value)


def treatment_text(ctx: ReportContext, info: Any, key: str) -> Any:
    """Return a treatment's ``description`` or ``product``, from ``<key>_zh`` in Chinese."""
    value = getattr(info, key, None)
    if ctx.s.lang == "zh" and info is not None and info.extra.get(f"{key}_zh"):
        return str(info.extra[f"{key}_zh"])
    return value


def product_name(ctx: ReportContext, item: Mapping[str, Any]) -> str:
    """Name of a further product (synergist, ...) in the report's language."""
    name = str(item.get("product") or item.get("name") or item.get("additive") or "?")
    if ctx.s.lang == "zh" and item.get("product_zh"):
        return str(item["product_zh"])
    return zh_product(ctx, name)


def zh_product(ctx: ReportContext, name: str) -> str:
    """Chinese name of a product from ``[zh.products]`` in a Chinese report, else ``name``."""
    if ctx.s.lang != "zh":
        return name
    return str(dict(ctx.config.zh.get("products", {})).get(name, name))


def untranslated_fields(config: Any) -> list[str]:
    """Free-text fields of a trial description that have no Chinese version.

    Parameters
    ----------
    config : TrialConfig
        The trial description.

    Returns
    -------
    list of str
        Field names (``site``, ``treatments.CK1.description``, ...) whose text holds
        English words and whose ``[zh]`` / ``_zh`` counterpart is missing.
    """
    missing: list[str] = []
    for key in _TEXT_FIELDS + ("notes",):
        value = getattr(config, key, None)
        if value and _latin(value) and key not in config.zh:
            missing.append(key)
    for key in _CONDITION_TEXT:
        value = config.conditions.get(key)
        if value and _latin(value) and key not in config.zh:
            missing.append(f"conditions.{key}")
    if config.responsible_unit and _latin(config.responsible_unit):
        if "responsible_unit" not in config.zh:
            missing.append("responsible_unit")
    for info in config.treatments:
        for key in ("description", "product"):
            value = getattr(info, key)
            if key == "product" and value in dict(config.zh.get("products", {})):
                continue
            if value and _latin(value) and not info.extra.get(f"{key}_zh"):
                missing.append(f"treatments.{info.label}.{key}")
        names = dict(config.zh.get("products", {}))
        for item in info.extra.get("products") or []:
            if isinstance(item, Mapping) and str(item.get("product")) not in names:
                missing.append(f"zh.products.{item.get('product')}")
    for item in config.contrasts:
        if _latin(item["name"]) and not item.get("name_zh"):
            missing.append(f"contrasts.{item['name']}")
    for fig in config.published:
        if fig.source and _latin(fig.source) and not fig.source_zh:
            missing.append("published.source")
    return list(dict.fromkeys(missing))


def _illustrative_conditions(ctx: ReportContext) -> set[str]:
    value = ctx.config.conditions.get("illustrative", [])
    return {str(v) for v in (value if isinstance(value, list) else [value])}


# --------------------------------------------------------------------------- summary
def _a_crop(crop: str) -> str:
    """Return the summary's opening words: "A wheat", "An oats", "An indica rice"; "A" alone."""
    from yieldtrial.report.i18n import crop_name

    name = crop_name(crop.strip(), "en").replace("_", " ")
    if not name:
        return "A"
    return f"{'An' if name[0].lower() in 'aeiou' else 'A'} {name}"


def _factor_counts(ctx: ReportContext) -> dict[str, str] | None:
    """Return the summary's words for the two factors of a split, strip plot or factorial.

    The summary ranks one factor's means (``ReportSettings.kind``, the factor with the
    control), not the treatment combinations: it counts the levels of each factor and
    the combinations, and names the factor it ranks.  None for a one-factor design.
    """
    s, lang = ctx.s, ctx.s.lang
    plots = ctx.plots
    if not s.kind or len(s.factors) != 2 or not all(f in plots.columns for f in s.factors):
        return None
    cells = plots[list(s.factors)].dropna().astype(str).drop_duplicates()
    first, second = s.factors
    return {
        "n_a": f"{cells[first].nunique():,}",
        "n_b": f"{cells[second].nunique():,}",
        "n_cells": f"{len(cells):,}",
        "factor_a": factor_label(first, lang),
        "factor_b": factor_label(second, lang),
        "kind": spaced(factor_label(s.kind, lang), lang, after=True),
    }


def summary_section(ctx: ReportContext) -> Section | None:
    """Summary (摘要): the trial in one sentence and the conclusions' verdicts, same hedges."""
    s, lang = ctx.s, ctx.s.lang
    means = ctx.means
    if means is None or not len(means):
        return None
    d = yield_digits(s.unit)
    crop = ctx.config.crop or getattr(ctx.trial, "crop", None) or ""
    if lang == "zh":
        from yieldtrial.report.i18n import CROPS_ZH

        crop = CROPS_ZH.get(str(crop).strip().lower(), crop)

    values = means["mean"].to_numpy(dtype=float) * s.factor
    best = int(np.nanargmax(values))
    fields = {
        "crop": _a_crop(str(crop)) if lang == "en" else crop,  # "A wheat", "An oats"
        "design": design_name(ctx, lang),
        "n_plots": f"{len(ctx.used):,}",
        "standard": f"{s.standard_pct:g}",
        "low": fmt_number(float(np.nanmin(values)), d),
        "high": fmt_number(float(np.nanmax(values)), d),
        "best": str(means["treatment"].iloc[best]),
        "unit": s.unit,
    }
    factors = _factor_counts(ctx)
    if factors is None:
        # replicated: the range is of the treatment means (LS-means), not of the plot yields,
        # which spread wider (an alpha lattice's plots 5,603-7,826 kg/ha, its means
        # 5,879-7,144, read "yields ranged from 5879.4 to 7144.0"); unreplicated, each
        # treatment's mean is its one plot's yield
        key = "summary.trial_means" if s.replicated else "summary.trial"
        parts = [t(key, lang, n_treatments=f"{len(s.treatments):,}", **fields)]
    else:  # the means ranked are one factor's: name it, and count the levels of both
        parts = [t("summary.trial_factors", lang, **factors, **fields)]
    data = illustrative_treatments(ctx)
    for item in _summary_items(ctx):
        parts.append(with_mark(str(item)) if data and _names(str(item), data) else str(item))
    for item in ctx.results.get("named_contrasts", []):
        parts.append(str(item["sentence"]))
    gap = "" if lang == "zh" else " "
    text = gap.join(p if p.endswith(("。", ".", "；")) else p + ("。" if lang == "zh" else ".")
                    for p in parts)  # fmt: skip
    blocks: list[Any] = [Paragraph(text)]
    status = ctx.plots.get("data_status")
    if status is not None:
        status = status.astype(str).str.lower()
        if (status == "synthetic").all():
            blocks.append(Paragraph(t("concl.synthetic", lang), "warning"))
        elif (status == "illustrative").any():
            blocks.append(
                Paragraph(t("summary.illustrative", lang, mark=ILLUSTRATIVE_MARK), "warning")
            )
    return Section("summary", t("section.summary", lang), blocks)


#: Comparisons with a control the summary repeats one by one; above, it counts them and
#: names only the significant ones (the conclusions list every comparison).
SUMMARY_COMPARISONS = 6

#: Significant comparisons the summary names when it counts (the best first).
SUMMARY_SIGNIFICANT = 5

#: Treatments of the ranking the summary shows when it counts (the highest LS-means).
SUMMARY_RANKED = 5


def _summary_items(ctx: ReportContext) -> list[str]:
    """Return the conclusions as the summary repeats them: condensed for many comparisons.

    Up to :data:`SUMMARY_COMPARISONS` comparisons with the control the verdicts are
    repeated; above, one sentence per control counts the significantly higher, lower and
    not significantly different treatments, the significant verdicts follow (at most
    :data:`SUMMARY_SIGNIFICANT`, largest differences first), non-inferiority is a count
    and the ranking shows the top :data:`SUMMARY_RANKED` (the conclusions keep all).
    """
    items = [str(i) for i in ctx.results.get("conclusions", [])]
    kinds = list(ctx.conclusion_kinds)
    if ctx.entries is not None and "entries_count" in kinds and len(kinds) == len(items):
        return _entries_summary_items(ctx, items, kinds)
    comp = ctx.comparisons
    # the conclusions fold the non-significant verdicts of many comparisons into a count
    folded = "dunnett_folded" in kinds
    n_verdicts = (
        len(comp) if comp is not None and folded else sum(k.startswith("dunnett") for k in kinds)
    )
    if comp is None or n_verdicts <= SUMMARY_COMPARISONS or len(kinds) != len(items):
        return items
    s, lang = ctx.s, ctx.s.lang
    suffix = s.ycol.removeprefix("yield")
    column = f"difference{suffix}" if f"difference{suffix}" in comp.columns else "difference"
    p = pd.to_numeric(comp["p_value_adjusted"], errors="coerce").to_numpy(dtype=float)
    diff = pd.to_numeric(comp[column], errors="coerce").to_numpy(dtype=float)
    significant = p < s.alpha
    counts: list[str] = []
    for control in dict.fromkeys(comp["control"].astype(str)):
        mine = comp["control"].astype(str).to_numpy() == control
        counts.append(
            t(
                "summary.dunnett_counts_folded" if folded else "summary.dunnett_counts",
                lang,
                control=control,
                alpha=f"{s.alpha:g}",
                n=int(mine.sum()),
                n_up=int((mine & significant & (diff > 0)).sum()),
                n_down=int((mine & significant & (diff < 0)).sum()),
                n_ns=int((mine & ~significant).sum()),
            )
        )
    sig_items = [item for item, kind in zip(items, kinds, strict=True) if kind == "dunnett_sig"]
    order = np.argsort(-np.abs(diff[significant]), kind="stable")
    sig_items = [sig_items[i] for i in order] if len(order) == len(sig_items) else sig_items
    out: list[str] = []
    done = False
    for item, kind in zip(items, kinds, strict=True):
        if kind.startswith("dunnett") or kind == "noninferiority":
            if not done:
                out.extend(counts)
                out.extend(sig_items[:SUMMARY_SIGNIFICANT])
                if len(sig_items) > SUMMARY_SIGNIFICANT:
                    out.append(t("summary.more", lang, k=len(sig_items) - SUMMARY_SIGNIFICANT))
                if "noninferior" in comp.columns and s.margin_pct is not None:
                    ni = comp["noninferior"]
                    known = ni.notna()
                    out.append(
                        t(
                            "summary.ni_counts",
                            lang,
                            n_yes=int(ni[known].astype(bool).sum()),
                            n=int(known.sum()),
                            margin=message_number(s.margin_pct),
                        )
                    )
                done = True
        elif kind == "ranking" and (top := _ranking_top(ctx)) is not None:
            out.append(top)
        else:
            out.append(item)
    return out


def _ranking_top(ctx: ReportContext) -> str | None:
    """Return the summary's ranking: the :data:`SUMMARY_RANKED` highest LS-means, lettered."""
    s, lang = ctx.s, ctx.s.lang
    if ctx.means is None or "letters" not in ctx.means.columns:
        return None
    ranked = ctx.means.sort_values("mean", ascending=False).head(SUMMARY_RANKED)
    order_text = " > ".join(
        f"{trt} ({letters})"
        for trt, letters in zip(ranked["treatment"], ranked["letters"], strict=True)
    )
    # above the list limit the conclusions name the top too: the ranking is in the table
    key = "summary.ranking_top_table" if len(ctx.means) > CONCLUSIONS_LIST_MAX else (
        "summary.ranking_top")  # fmt: skip
    return t(key, lang, k=len(ranked), order=order_text,
             letters=letters_name(s.letters, ctx.letters_provenance, lang,
                                  unequal=ctx.tukey_unequal))  # fmt: skip


def _entries_summary_items(ctx: ReportContext, items: list[str], kinds: list[str]) -> list[str]:
    """Summary of a trial with more entries than the report lists (``ctx.entries``).

    The conclusions name up to 20 significantly better entries per control; the summary
    keeps each control's counts, the first :data:`SUMMARY_SIGNIFICANT` of them (highest
    LS-means first, as the conclusions order them), one sentence counting the others, and
    the :data:`SUMMARY_RANKED` highest LS-means.
    """
    selection = ctx.entries
    assert selection is not None  # noqa: S101
    lang = ctx.s.lang
    controls = list(selection.controls)
    out: list[str] = []
    control: str | None = None
    shown = 0

    def close() -> None:
        if control is None:
            return
        more = int(selection.n_better.get(control, 0)) - shown
        if more > 0:
            out.append(more_better(selection, control, more, lang))

    counted = 0
    for item, kind in zip(items, kinds, strict=True):
        if kind == "entries_count":
            close()
            control = controls[counted] if counted < len(controls) else None
            counted += 1
            shown = 0
            out.append(item)
        elif kind == "entries_sig":
            if shown < SUMMARY_SIGNIFICANT:
                out.append(item)
                shown += 1
        elif kind == "entries_more":
            continue  # counted again by close()
        elif kind == "entries_checks":  # augmented: the other checks, after the entries
            close()
            control = None
            out.append(item)
        elif kind == "ranking":
            close()
            control = None
            top = _ranking_top(ctx)
            out.append(top if top is not None else item)
        else:
            if kind == "entries_ni":
                close()
                control = None
            out.append(item)
    close()
    return out


# --------------------------------------------------------------------- trial information
def trial_info_section(ctx: ReportContext) -> Section | None:
    """Trial information from ``[conditions]`` (and the site, variety, previous crop)."""
    c, lang = ctx.config, ctx.s.lang
    cond = c.conditions
    if not cond:  # the header already shows the site, variety and previous crop
        return None
    marked = _illustrative_conditions(ctx)
    items: list[tuple[str, str]] = []

    def add(label_key: str, value: Any, *keys: str) -> None:
        if value in (None, ""):
            return
        text = str(value)
        if any(k in marked for k in keys):
            text += " " + ILLUSTRATIVE_MARK
        items.append((t(label_key, lang), text))

    add("info.site", localized(ctx, "site", c.site), "site")
    lat, lon = cond.get("latitude"), cond.get("longitude")
    if lat is not None and lon is not None:
        coords = f"{fixed(abs(float(lat)), 4)}°{'N' if float(lat) >= 0 else 'S'}, " + (
            f"{fixed(abs(float(lon)), 4)}°{'E' if float(lon) >= 0 else 'W'}"
        )
        if cond.get("altitude_m") is not None:
            coords += f", {float(cond['altitude_m']):,g} m"
        add("info.coordinates", coords, "latitude", "longitude")
    add("info.soil_type", localized(ctx, "soil_type", cond.get("soil_type")), "soil_type")
    soil = []
    for key, label, unit in (
        ("soil_ph", "pH", ""),
        ("organic_matter_g_kg", "info.om", "g/kg"),
        ("total_n_g_kg", "info.total_n", "g/kg"),
        ("alkali_n_mg_kg", "info.alkali_n", "mg/kg"),
        ("olsen_p_mg_kg", "info.olsen_p", "mg/kg"),
        ("available_k_mg_kg", "info.available_k", "mg/kg"),
    ):
        if cond.get(key) is not None:
            name = label if label == "pH" else t(label, lang)
            soil.append(f"{name} {float(cond[key]):,g} {unit}".rstrip())
    if soil:
        soil_keys = [k for k in cond if k.endswith(("_g_kg", "_mg_kg")) or k == "soil_ph"]
        add("info.soil_test", ("，" if lang == "zh" else ", ").join(soil), *soil_keys)
    add("info.previous_crop", localized(ctx, "previous_crop", c.previous_crop), "previous_crop")
    add("info.variety", localized(ctx, "variety", c.variety), "variety")
    add("info.sowing_date", cond.get("sowing_date"), "sowing_date")
    add("info.harvest_date", cond.get("harvest_date"), "harvest_date")
    seeding = localized(ctx, "seeding_rate", cond.get("seeding_rate"))
    add("info.seeding_rate", seeding, "seeding_rate")
    add("info.irrigation", localized(ctx, "irrigation", cond.get("irrigation")), "irrigation")
    add("info.weather", localized(ctx, "weather", cond.get("weather")), "weather")
    blocks: list[Any] = []
    if items:
        blocks.append(KeyValues(items))
    schedule = cond.get("fertilization") or []
    if schedule:
        rows = []
        for item in schedule:
            stage = str(item.get("stage", ""))
            key = f"stage.{stage}"
            from yieldtrial.report._format import string_keys

            rows.append(
                {
                    "stage": t(key, lang) if key in string_keys() else stage,
                    "date": item.get("date"),
                    "product": product_name(ctx, item),
                    "rate": item.get("rate"),
                    "rate_unit": item.get("rate_unit"),
                    "treatments": join_list([str(v) for v in item.get("treatments", [])], lang)
                    or None,
                }
            )
        columns = [
            Column("stage", t("col.stage", lang), "text"),
            Column("date", t("col.date", lang), "text"),
            Column("product", t("col.product", lang), "text"),
            Column("rate", t("col.rate_value", lang), "number", 1),
            Column("rate_unit", t("col.rate_unit", lang), "text"),
        ]
        if any(r["treatments"] for r in rows):
            columns.append(Column("treatments", t("col.treatments", lang), "text"))
        notes = []
        if "fertilization" in marked:
            notes.append(t("info.illustrative", lang, mark=ILLUSTRATIVE_MARK))
        caption = t("info.schedule", lang)
        if "fertilization" in marked:  # the whole schedule is a placeholder
            caption += f"\u00a0{ILLUSTRATIVE_MARK}"
        blocks.append(Table("fertilization", columns, rows, caption=caption, notes=notes))
    if not blocks:
        return None
    if marked - {"fertilization"} and not (schedule and "fertilization" in marked):
        blocks.append(Paragraph(t("info.illustrative", lang, mark=ILLUSTRATIVE_MARK), "note"))
    return Section("trial_info", t("section.trial_info", lang), blocks)


# ------------------------------------------------------------------- yield components
_COMPONENT_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("heads_per_mu", "col.heads_per_mu", 0),
    ("grains_per_head", "col.grains_per_head", 1),
    ("thousand_grain_weight_g", "col.tkw", 1),
)


def components_section(ctx: ReportContext) -> Section | None:
    """Yield components per treatment and theoretical yield (x 0.85), when measured."""
    from yieldtrial.harvest import theoretical_yield

    used, lang = ctx.used, ctx.s.lang
    if not all(col in used.columns for col, _, _ in _COMPONENT_COLUMNS):
        return None
    frame = used[["treatment"] + [col for col, _, _ in _COMPONENT_COLUMNS]].copy()
    for col, _, _ in _COMPONENT_COLUMNS:
        frame[col] = frame[col].astype(float)
    means = frame.groupby("treatment", sort=False).mean()
    rows: list[dict[str, Any]] = []
    for trt in ctx.s.treatments:
        if trt not in means.index:
            continue
        row: dict[str, Any] = {"treatment": trt}
        for col, _, _ in _COMPONENT_COLUMNS:
            row[col] = float(means.loc[trt, col])  # type: ignore[arg-type]
        with held_warnings():  # spikes per mu in 万: warned by ctx.compute
            warnings.simplefilter("ignore", YieldTrialWarning)
            value = theoretical_yield(
                heads_per_mu=row["heads_per_mu"],
                grains_per_head=row["grains_per_head"],
                thousand_grain_weight_g=row["thousand_grain_weight_g"],
                unit=ctx.s.unit,
            )
        row["theoretical"] = float(np.asarray(value, dtype=float))
        rows.append(row)
    ctx.results["yield_components"] = rows
    columns = [Column("treatment", t("col.treatment", lang), "text")] + [
        Column(col, t(label, lang), "number", digits) for col, label, digits in _COMPONENT_COLUMNS
    ]
    columns.append(
        Column(
            "theoretical",
            t("col.theoretical", lang, unit=ctx.s.unit),
            "number",
            yield_digits(ctx.s.unit),
        )
    )
    table = Table(
        "components", columns, rows, caption=t("components.caption", lang),
        notes=[t("components.note", lang)],
    )  # fmt: skip
    return Section("components", t("section.components", lang), [table])


# -------------------------------------------------------------------- named contrasts
def _contrast_scale(ctx: ReportContext, mm: Any) -> float:
    """Factor from the means model's response unit to the report's display unit."""
    means = ctx.means
    assert means is not None  # noqa: S101
    level = str(mm.levels[0])
    shown = means.loc[means["treatment"].astype(str) == level, "mean"]
    if not len(shown) or not mm.estimates[0]:
        return float(ctx.s.factor)
    return float(shown.iloc[0]) * float(ctx.s.factor) / float(mm.estimates[0])


def contrasts_section(ctx: ReportContext) -> Section | None:
    """Named contrasts of ``[[contrasts]]``: estimate, CI, t test on the design model's error."""
    from yieldtrial.stats._univariate import t_ppf, t_sf  # scipy.stats', bit for bit

    s, lang = ctx.s, ctx.s.lang
    if not ctx.config.contrasts:
        return None
    mm = ctx.trial.means_model(s.kind, unit="kg/ha")
    levels = [str(v) for v in mm.levels]
    basis = np.asarray(mm.contrast_basis, dtype=float)
    scale = _contrast_scale(ctx, mm)
    df = float(mm.df)
    testable = s.replicated and math.isfinite(df) and df > 0 and math.isfinite(float(mm.mse))
    d = yield_digits(s.unit)
    rows, sentences, records_ = [], [], []
    from yieldtrial.report.sections.checks import check_contrast_levels

    check_contrast_levels(ctx.config.contrasts, levels)
    for item in ctx.config.contrasts:
        trt, ref = item["treatment"], item["versus"]
        i, j = levels.index(trt), levels.index(ref)
        vec = np.zeros(len(levels))
        vec[i], vec[j] = 1.0, -1.0
        estimate = float(vec @ basis) * scale
        ref_mean = float(mm.estimates[j]) * scale
        pct = 100.0 * estimate / ref_mean if ref_mean else float("nan")
        name = str(item.get("name_zh") if lang == "zh" and item.get("name_zh") else item["name"])
        name = name[:1].upper() + name[1:]  # it starts a sentence
        row: dict[str, Any] = {"name": name, "contrast": f"{trt} − {ref}", "estimate": estimate,
                               "pct": pct}  # fmt: skip
        if testable:
            se = float(mm.contrast(vec)[1]) * abs(scale)  # w V w' (implicit V when balanced)
            # the design model's df (Satterthwaite for a mixed model)
            cdf = float(mm.contrast_df(vec)[0]) if hasattr(mm, "contrast_df") else df
            q = float(t_ppf(1 - s.alpha / 2, cdf))
            tval = estimate / se
            p = float(2 * t_sf(abs(tval), cdf))
            row |= {"se": se, "ci_low": estimate - q * se, "ci_high": estimate + q * se,
                    "t": tval, "df": cdf, "p": p, "critical_value": q}  # fmt: skip
            key = (
                "contrast.sig_up"
                if p < s.alpha and estimate > 0
                else ("contrast.sig_down" if p < s.alpha else "contrast.ns")
            )
            sentence = t(
                key, lang, name=name, treatment=trt, versus=ref,
                diff=fmt_number(abs(estimate) if key != "contrast.ns" else estimate, d),
                pct=fixed(pct, 1, sign=True), p=fmt_p(p), unit=s.unit,
                low=fmt_number(row["ci_low"], d), high=fmt_number(row["ci_high"], d),
                conf=f"{100 * (1 - s.alpha):g}",
            )  # fmt: skip
        else:
            sentence = t(
                "contrast.descriptive", lang, name=name, treatment=trt, versus=ref,
                diff=fmt_number(estimate, d, sign=True), pct=fixed(pct, 1, sign=True), unit=s.unit,
            )  # fmt: skip
        if testable:  # a contrast that flips without a flagged plot says so
            from yieldtrial.report.sections.checks import dependency_notes

            notes = dependency_notes(ctx, "contrast", str(item["name"]))
            sentence = ("" if lang == "zh" else " ").join([sentence, *notes])
        if _is_illustrative(ctx, trt) or _is_illustrative(ctx, ref):
            sentence = with_mark(sentence)
            row["name"] = f"{name} {ILLUSTRATIVE_MARK}"
        row["interpretation"] = sentence
        rows.append(row)
        sentences.append(sentence)
        records_.append({**item, **{k: v for k, v in row.items() if k != "name"},
                         "sentence": sentence, "error_term": str(mm.error_term),
                         "unit": s.unit})  # fmt: skip
    ctx.results["named_contrasts"] = records_
    u = s.unit
    columns = [
        Column("name", t("col.contrast_name", lang), "text"),
        Column("contrast", t("col.contrast", lang), "text"),
        Column("estimate", t("col.estimate", lang, unit=u), "signed", d, u),
        Column("pct", t("contrast.pct", lang), "signed_pct", 1, "%"),
    ]
    if testable:
        conf = f"{100 * (1 - s.alpha):g}"
        columns += [
            Column("se", t("col.se", lang, unit=u), "number", d, u),
            Column("ci_low", t("col.ci_low_conf", lang, conf=conf, unit=u), "number", d, u),
            Column("ci_high", t("col.ci_high_conf", lang, conf=conf, unit=u), "number", d, u),
            Column("t", "t", "number", 2),
            Column(
                "df",
                t("col.df", lang),
                "number",
                1 if getattr(mm, "cov_gradient", None) is not None else 0,
            ),
            Column("p", "P", "pvalue"),
        ]
        from yieldtrial.report._format import source_label, spaced

        if getattr(mm, "cov_gradient", None) is not None:
            # a mixed model: each contrast has its own df (the df column), not one error term
            kr = getattr(ctx.anova, "ddf", None) == "kenward-roger"
            note = t("contrast.method_mixed", lang, alpha=f"{s.alpha:g}",
                     ddf="Kenward-Roger" if kr else "Satterthwaite")  # fmt: skip
        else:
            note = t(
                "contrast.method", lang,
                error=spaced(source_label(str(mm.error_term), lang), lang, after=True),
                df=f"{df:g}", alpha=f"{s.alpha:g}",
            )  # fmt: skip
    else:
        note = t("contrast.no_test", lang)
    notes = [note]
    if any(ILLUSTRATIVE_MARK in r["interpretation"] for r in rows):
        notes.append(t("mark.legend", lang, mark=ILLUSTRATIVE_MARK))
    table = Table("contrasts", columns, rows, caption=t("contrast.caption", lang), notes=notes)
    return Section(
        "contrasts", t("section.contrasts", lang), [table, *[Paragraph(x) for x in sentences]]
    )


def with_mark(sentence: str) -> str:
    """``sentence`` with the illustrative mark before its final full stop."""
    for stop in ("。", "."):
        if sentence.endswith(stop):
            return sentence[: -len(stop)] + " " + ILLUSTRATIVE_MARK + stop
    return sentence + " " + ILLUSTRATIVE_MARK


def _is_illustrative(ctx: ReportContext, treatment: str) -> bool:
    if "data_status" not in ctx.plots.columns:
        return False
    rows = ctx.plots[ctx.plots["treatment"].astype(str) == str(treatment)]
    return bool((rows["data_status"].astype(str).str.lower() == "illustrative").any())


# ------------------------------------------------------------------- economic benefit
def economics_section(ctx: ReportContext) -> Section | None:
    """Economic benefit (经济效益, NY/T 3181-2018) of each treatment against its control."""
    from yieldtrial.efficiency.economics import economics_options, trial_economics
    from yieldtrial.efficiency.nutrients import KG_HA_PER_KG_MU
    from yieldtrial.units import yield_unit

    s, lang, econ = ctx.s, ctx.s.lang, ctx.config.economics
    if not econ or not s.controls or not ctx.config.has_fertilizer_rates:
        return None
    per_mu = yield_unit(s.unit) == "kg/mu"
    area = 1.0 / KG_HA_PER_KG_MU if per_mu else 1.0
    options = economics_options(econ)  # the one reading, as FieldTrial.economics()'s
    price, prices = float(options["grain_price_per_kg"]), dict(options["prices"])
    others = dict(options["other_costs_per_ha"] or {})
    currency = str(options["currency"])
    money = (t("currency.cny", lang) if currency == "CNY" else currency) + (
        "/" + t("area.mu", lang) if per_mu else "/" + t("area.ha", lang)
    )
    illustrative = str(econ.get("status", "")).lower() == "illustrative"
    rows: list[dict[str, Any]] = []
    order = list(s.treatments)
    for index, control in enumerate(s.controls):
        with comparisons_warned_of():  # Dunnett's intervals again: warned of by ctx.compute
            table = trial_economics(
                ctx.trial, config=ctx.config, control=control, confidence=1 - s.alpha,
                kind=s.kind, warn_unused_prices=False, **options,
            )  # fmt: skip
        for rec in table.to_dict("records"):
            trt = str(rec["treatment"])
            if trt in s.controls[: index + 1]:
                continue
            saved = _product_saved(ctx, control, trt)
            vcr = rec["value_cost_ratio"]
            rows.append(
                {
                    "treatment": trt,
                    "control": control,
                    "yield_gain": float(rec["yield_difference_kg_ha"]) * area,
                    "value_gain": float(rec["value_change_per_ha"]) * area,
                    "cost_change": float(rec["cost_change_per_ha"]) * area,
                    "fertilizer_saved": None if saved is None else saved * area,
                    "net_return_change": float(rec["net_return_change_per_ha"]) * area,
                    "net_low": float(rec["net_return_change_ci_low_per_ha"]) * area,
                    "net_high": float(rec["net_return_change_ci_high_per_ha"]) * area,
                    "vcr": None if vcr is None or not np.isfinite(vcr) else float(vcr),
                }
            )
    if not rows:
        return None
    rows.sort(key=lambda r: (s.controls.index(r["control"]), order.index(r["treatment"])
                             if r["treatment"] in order else 99))  # fmt: skip
    ctx.results["economics"] = {
        "rows": rows,
        "currency": currency,
        "per": "mu" if per_mu else "ha",
        "grain_price_per_kg": price,
        "prices_per_kg": prices,
        "other_costs_per_ha": others,
        "illustrative": illustrative,
        "reference": "NY/T 3181-2018",
    }
    # no-break space: the mark stays on the header's last line
    mark = f"\u00a0{ILLUSTRATIVE_MARK}" if illustrative else ""
    unit_area = s.unit
    columns = [
        Column("treatment", t("col.treatment", lang), "text"),
        Column("control", t("col.versus", lang), "text"),
        Column("yield_gain", t("econ.yield_gain", lang, unit=unit_area) + mark, "signed",
               yield_digits(s.unit)),
        Column("value_gain", t("econ.value_gain", lang, money=money) + mark, "signed", 1),
        Column("cost_change", t("econ.cost_change", lang, money=money) + mark, "signed", 1),
        Column("fertilizer_saved", t("econ.saved", lang, area=t(
            "area.mu" if per_mu else "area.ha", lang)) + mark, "number", 1),
        Column("net_return_change", t("econ.net", lang, money=money) + mark, "signed", 1),
    ]  # fmt: skip
    if any(math.isfinite(float(r["net_low"])) for r in rows):
        conf = f"{100 * (1 - s.alpha):g}"
        low = t("col.ci_low_conf", lang, conf=conf, unit=money)
        high = t("col.ci_high_conf", lang, conf=conf, unit=money)
        columns.append(Column("net_low", low + mark, "number", 1))
        columns.append(Column("net_high", high + mark, "number", 1))
    columns.append(Column("vcr", t("econ.vcr", lang) + mark, "number", 2))
    cur = t("currency.cny", lang) if currency == "CNY" else currency
    price_items = [f"{t('econ.grain_price', lang)} {price:,g} {cur}/kg"]
    for product, value in prices.items():
        shown = zh_product(ctx, product)
        price_items.append(f"{shown} {value:,g} {cur}/kg")
    for trt, cost in others.items():  # per ha (those per mu converted), shown per report area
        price_items.append(t("econ.other_cost", lang, treatment=trt,
                             cost=f"{float(cost) * area:,g}", money=money))  # fmt: skip
    notes = [
        t("econ.formula", lang),
        t("econ.prices", lang)
        + ("：" if lang == "zh" else ": ")
        + ("；" if lang == "zh" else "; ").join(price_items)
        + mark,
        t("econ.vcr_note", lang),
    ]
    more = _more_fertilizer_note(rows, lang, t("area.mu" if per_mu else "area.ha", lang))
    if more:
        notes.append(more)
    if illustrative:
        notes.append(t("econ.illustrative", lang, mark=ILLUSTRATIVE_MARK))
    if econ.get("source"):
        notes.append(str(localized(ctx, "economics_source", econ["source"])))
    block = Table("economics", columns, rows, caption=t("econ.caption", lang), notes=notes)
    return Section("economics", t("section.economics", lang), [block])


def _more_fertilizer_note(rows: list[dict[str, Any]], lang: str, area: str) -> str | None:
    """Say a negative "Fertilizer saved" as more fertilizer (it read as a saving).

    ``rows`` are the economics rows (``fertilizer_saved`` in kg per the report's
    ``area``); None when no treatment uses more of its main product than its control.
    """
    items = [
        t("econ.saved_negative_item", lang, treatment=row["treatment"], control=row["control"],
          amount=f"{-float(row['fertilizer_saved']):,.1f}", area=area)
        for row in rows
        if row["fertilizer_saved"] is not None and float(row["fertilizer_saved"]) < -0.05
    ]  # fmt: skip
    if not items:
        return None
    return t("econ.saved_negative", lang, items=("；" if lang == "zh" else "; ").join(items))


def _product_saved(ctx: ReportContext, control: str, treatment: str) -> float | None:
    """Return the main-product rate of the control minus the treatment's [kg/ha].

    Each rate is converted from its own ``rate_unit`` (the column is then shown per the
    report's area): the difference of the rates as typed was printed under "kg/ha", so
    the shipped example's 8 kg/mu cut read "Fertilizer saved (kg/ha) 8.0" (120 kg/ha).
    """
    from yieldtrial.efficiency.grades import rate_unit_factor

    a, b = ctx.config.treatment(control), ctx.config.treatment(treatment)
    if a is None or b is None or a.rate is None or b.rate is None:
        return None
    fa, fb = rate_unit_factor(a.rate_unit), rate_unit_factor(b.rate_unit)
    if fa is None or fb is None:
        return None
    return float(a.rate) * fa - float(b.rate) * fb


# ------------------------------------------------------------------------ field map
#: Largest field-layout map that labels every plot (its number and treatment) legibly on a
#: page: plots, rows and columns of one figure.  A larger field is drawn block by block when
#: its blocks occupy separate bands of rows that each fit (an alpha-lattice of 130 entries:
#: three maps of 13 rows instead of one of 39); otherwise the section says where the layout
#: is (a 3,000-plot alpha-lattice drew a map 300 rows tall), and the figures section still
#: shows the yields (or residuals) by row and column.
MAP_LABEL_MAX_PLOTS = 600
MAP_LABEL_MAX_ROWS = 25
MAP_LABEL_MAX_COLUMNS = 20

#: At most this many block maps (more would be pages of maps).
MAP_MAX_BLOCK_FIGURES = 6


def _fits_one_map(book: pd.DataFrame) -> bool:
    rows = int(book["row"].max() - book["row"].min()) + 1
    cols = int(book["column"].max() - book["column"].min()) + 1
    return (
        len(book) <= MAP_LABEL_MAX_PLOTS
        and rows <= MAP_LABEL_MAX_ROWS
        and cols <= MAP_LABEL_MAX_COLUMNS
    )


#: A labelled map more than this many times as tall as it is wide is drawn block by block
#: when its blocks hold separate bands of rows: printed at most 95 mm tall, the 18 x 4 map
#: of a 24-entry alpha-lattice (3 replicates of 6 rows) had labels of 2 pt.
MAP_MAX_ASPECT = 1.5


def _too_tall(book: pd.DataFrame) -> bool:
    """Whether the labelled map is too tall to print.

    Judged on a nominal page frame (at least 4 x 2.5 in, 1.3 in per column, 0.9 in per
    row), not on the figure's own size (design.maps.map_figsize, square cells): so an RCBD
    of 6 blocks x 3 treatments stays one map instead of six one-row maps.
    """
    rows = int(book["row"].max() - book["row"].min()) + 1
    cols = int(book["column"].max() - book["column"].min()) + 1
    return max(2.5, 0.9 * rows + 1) > MAP_MAX_ASPECT * max(4.0, 1.3 * cols + 1)


def _block_bands(
    book: pd.DataFrame, *, shared: bool = False
) -> list[tuple[str, pd.DataFrame]] | None:
    """Return the blocks of a field book to draw one map each, or None.

    Each block must fit a map.  Normally each holds its own band of rows (blocks sharing
    rows would cut the field apart).  With ``shared`` (rows and columns repeat from block
    to block, as a row-column design numbers them within each replicate; one map of the
    whole table drew the replicates over one another) each block's positions must be its
    own instead; otherwise None (the section then says why there is no map).
    """
    if "block" not in book.columns:
        return None
    parts = [(str(b), part) for b, part in book.groupby("block", sort=False, observed=True)]
    if not 1 < len(parts) <= MAP_MAX_BLOCK_FIGURES:
        return None
    if shared:
        if any(part.duplicated(["row", "column"]).any() for _, part in parts):
            return None
    else:
        spans = sorted((float(p["row"].min()), float(p["row"].max())) for _, p in parts)
        if any(nxt[0] <= prev[1] for prev, nxt in zip(spans, spans[1:], strict=False)):
            return None
    if not all(_fits_one_map(part) for _, part in parts):
        return None
    return parts


def _colour_note(
    n_treatments: int, controls: list[str], lang: str, checks: Sequence[str] = ()
) -> str:
    """Caption clause of a map with more treatments than colours ("" when each has one).

    ``checks``: an augmented trial's checks, coloured on the map with the controls.
    """
    from yieldtrial.design.maps import MAP_MAX_COLOURS

    if n_treatments <= MAP_MAX_COLOURS:
        return ""
    if not controls:
        return t("map.no_colours", lang, n=n_treatments, max=MAP_MAX_COLOURS)
    if set(checks) - set(controls):  # the other checks are coloured too, not in bold
        key = "map.checks_colours" if len(controls) == 1 else "map.checks_controls_colours"
        return t(
            key,
            lang,
            n=n_treatments,
            max=MAP_MAX_COLOURS,
            checks=join_list(list(checks), lang),
            controls=join_list(controls, lang),
        )
    key = "map.control_colours" if len(controls) == 1 else "map.controls_colours"
    return t(key, lang, n=n_treatments, max=MAP_MAX_COLOURS, controls=join_list(controls, lang))


def _lines_note(book: pd.DataFrame, replicates: bool, *, whole: bool, lang: str) -> str:
    """Caption clause that says what the map's thick and thin lines separate.

    ``whole`` is the map of the whole field (block or replicate boundaries drawn);
    a map of one block or replicate has only its incomplete blocks outlined.
    """
    incomplete = "incomplete_block" in book.columns and book["incomplete_block"].nunique() > 1
    several = "block" in book.columns and book["block"].nunique() > 1
    if "main_plot" in book.columns and book["main_plot"].notna().all():  # split plot
        return t("map.lines_whole_plots" if whole and several else "map.lines_whole_only", lang)
    if whole and several:
        if incomplete:
            return t("map.lines_incomplete", lang)
        return t("map.lines_replicates" if replicates else "map.lines_blocks", lang)
    return t("map.lines_incomplete_only", lang) if incomplete else ""


#: Width a report's figure is printed at [in] (150 mm in DOCX; HTML about as wide).
_PAGE_FIGURE_IN = 150 / 25.4
#: Smallest size [pt] a map's cell label should have once the map is scaled to the page.
_PRINTED_LABEL_PT = 6.5


#: Height [in] a map of one block or replicate is drawn at, at most (its cells smaller than
#: the whole field's 0.9 in, its labels the same 8 pt): two such maps and their captions
#: share a page (252 mm of text in Word, at most 1.1 times the drawn size, 95 mm in printed
#: HTML).  Drawn with 0.9-inch cells, each of the three 6 x 4 replicate maps of a
#: 24-entry alpha-lattice took most of a page of its own, and the first left page 1
#: half empty.
BLOCK_MAP_MAX_IN = 3.5
#: Smallest cell [in] of a block map: its two 8-pt lines (plot number, treatment) fit.
BLOCK_MAP_MIN_CELL_IN = 0.4


def _compact_block_map(ax: Axes, part: pd.DataFrame) -> None:
    """Draw the map of one block (``part``) at most :data:`BLOCK_MAP_MAX_IN` tall.

    The cells shrink (square, at least :data:`BLOCK_MAP_MIN_CELL_IN`); the labels, ticks
    and margins keep their size in points and inches, so the labels stay as legible as
    on the whole field's map.  A block of many rows keeps the smallest cell and is taller.
    """
    from yieldtrial.design.maps import CELL_IN, MARGINS_IN

    left, right, bottom, top = MARGINS_IN
    n_rows = int(part["row"].max() - part["row"].min()) + 1
    n_cols = int(part["column"].max() - part["column"].min()) + 1
    cell = min(CELL_IN, max(BLOCK_MAP_MIN_CELL_IN, (BLOCK_MAP_MAX_IN - bottom - top) / n_rows))
    if cell >= CELL_IN:
        return
    width, height = n_cols * cell + left + right, n_rows * cell + bottom + top
    figure = cast("MplFigure", ax.figure)
    figure.set_size_inches(width, height)
    ax.set_position((left / width, bottom / height, n_cols * cell / width, n_rows * cell / height))


def _readable_cell_labels(ax: Axes) -> None:
    """Enlarge the cell labels of a map that is scaled down to the page width.

    A map is drawn with 0.9-inch cells and 8-pt labels; the split plot of 3 x 4
    treatments in 12 columns is 11.7 inches wide and printed at 5.9 inches, so its labels
    were 4 pt.  They grow to :data:`_PRINTED_LABEL_PT` on the page, as far as the widest
    label still fits its cell (never smaller than 8 pt at figure size).
    """
    from yieldtrial.design.maps import CELL_IN

    width = float(cast("MplFigure", ax.figure).get_figwidth())
    if width <= _PAGE_FIGURE_IN or not ax.texts:
        return
    lines = [text.get_text().split("\n") for text in ax.texts]
    widest = max(len(line) for parts in lines for line in parts)
    tallest = max(len(parts) for parts in lines)
    cell_pt = CELL_IN * 72
    fits = min(0.85 * cell_pt / (0.6 * max(widest, 1)), 0.8 * cell_pt / (1.25 * tallest))
    size = max(8.0, min(_PRINTED_LABEL_PT * width / _PAGE_FIGURE_IN, fits))
    for text in ax.texts:
        text.set_fontsize(size)


def whole_plot_keys(ctx: ReportContext) -> pd.Series | None:
    """Whole plot (main plot) of each plot of a split plot, else None.

    The ``main_plot`` column ``yieldtrial design split_plot`` writes, else the block and
    the level of the whole-plot factor (the first of the design's two factors).
    """
    used = ctx.plots
    if str(ctx.s.design) != "split_plot":
        return None
    if "main_plot" in used.columns and used["main_plot"].notna().all():
        return used["main_plot"].astype(str)
    factors = tuple(ctx.s.factors)
    if len(factors) != 2 or factors[0] not in used.columns or "block" not in used.columns:
        return None
    keys = used["block"].astype(str) + "\x1f" + used[factors[0]].astype(str)
    return keys.where(used["block"].notna() & used[factors[0]].notna())


def _full_stop(text: str, lang: str) -> str:
    """``text`` ending in a full stop of its language."""
    return text if text.endswith(("。", ".")) else text + ("。" if lang == "zh" else ".")


def _empty_note(book: pd.DataFrame, lang: str) -> str:
    """Caption clause naming the grey positions of a map that no plot holds ("" if none).

    A plot deleted from the plot table (no row at all) left its cell white, like a plot.
    """
    from yieldtrial.plotting import empty_positions

    n = len(empty_positions(book["row"], book["column"]))
    return t("map.empty", lang, n=n) if n else ""


@dataclass(frozen=True)
class _FieldMapDrawer:
    """The draw function of the labelled map of ``part`` (the field or a block).

    A small callable class rather than a closure, so that a report (its figures'
    draw functions) can be pickled and copied.  ``block``: the map of one block or
    replicate, drawn compact (:func:`_compact_block_map`).
    """

    part: pd.DataFrame
    gone: list[str]
    treatments: list[str]
    controls: list[str]
    lang: str
    marks: FigureMarks
    block: bool = False

    def __call__(self) -> Axes:
        """Draw the map on a new figure and return its axes."""
        from yieldtrial.design.maps import field_map, set_row_label

        part, lang = self.part, self.lang
        ax = field_map(
            part, title="", missing=self.gone, treatments=self.treatments, controls=self.controls
        )
        ax.set_xlabel(t("axis.column", lang))
        set_row_label(ax, t("axis.row", lang), lang)
        ax.set_title("")
        if self.block and "main_plot" not in part.columns:
            _compact_block_map(ax, part)
        if "main_plot" in part.columns:  # split plot: 12+ columns shrink on the page
            _readable_cell_labels(ax)
        return self.marks.apply(ax, ticks=False)


def field_map_section(ctx: ReportContext) -> Section | None:
    """Field-layout map (plot numbers and treatments) from the plot table's row/column."""
    used, lang = ctx.plots, ctx.s.lang
    if not {"row", "column", "plot_id", "treatment"} <= set(used.columns):
        return None
    book = used[["plot_id", "treatment", "row", "column"]].copy()
    if "block" in used.columns:
        book["block"] = used["block"]
        if "incomplete_block" in used.columns:  # alpha lattice: its blocks outlined too
            book["incomplete_block"] = used["incomplete_block"]
    whole_plots = whole_plot_keys(ctx)
    if whole_plots is not None:  # split plot: its whole plots outlined
        book["main_plot"] = whole_plots
    try:
        book["row"] = book["row"].astype(float)
        book["column"] = book["column"].astype(float)
    except (TypeError, ValueError):
        return None
    if not np.isfinite(book[["row", "column"]].to_numpy()).all():
        return None

    # one colour per treatment across the maps of the blocks (each block's map gave the
    # colours in its own plot order: a treatment changed colour from one block to the next)
    treatments = list(dict.fromkeys(book["treatment"].astype(str)))
    controls = [c for c in ctx.s.controls if c in set(treatments)]
    checks: list[str] = []
    if "entry_type" in used.columns:
        # an augmented field book names its checks: field_map colours every one of them
        # (the controls among them also in bold), so each is seen where it is planted
        book["entry_type"] = used["entry_type"]
        checks = sorted(marked_checks(used) or ())
    if not controls:  # no control given: the checks are the plots to tell apart
        controls = checks
    colours = _colour_note(len(treatments), controls, lang, checks)

    def drawer(part: pd.DataFrame, gone: list[str], block: bool = False) -> _FieldMapDrawer:
        return _FieldMapDrawer(part, gone, treatments, controls, lang, marks, block)

    missing = attr_or(ctx.trial, "missing_plots", None)
    lost: list[str] = []
    if missing is not None and len(missing) and "plot_id" in pd.DataFrame(missing):
        # only the lost plots the map holds (field_map refuses an id it does not draw)
        on_map = set(book["plot_id"].astype(str))
        lost = [p for p in map(str, pd.DataFrame(missing)["plot_id"]) if p in on_map]
    n_rows, n_cols = int(book["row"].max()), int(book["column"].max())
    marks = figure_marks(ctx)
    shared = bool(book.duplicated(["row", "column"]).any())  # plots drawn on one another
    bands = _block_bands(book, shared=shared)
    # the block column of a resolvable design holds its replicates
    replicates = str(ctx.s.design) in ("alpha", "row_column")
    if shared and bands is None:
        note = t("map.positions_repeat", lang, n=f"{len(book):,}",
                 cells=f"{len(book.drop_duplicates(['row', 'column'])):,}")  # fmt: skip
        return Section("field_map", t("section.field_map", lang), [Paragraph(note)])
    if not shared and _fits_one_map(book) and not (_too_tall(book) and bands is not None):
        text = t("map.caption", lang, rows=n_rows, cols=n_cols, n=len(book)) + colours
        text += _lines_note(book, replicates, whole=True, lang=lang)
        if lost:
            text += t("map.missing", lang, items=join_list(lost, lang))
        text += _empty_note(book, lang)
        caption = marks.caption(_full_stop(text, lang))
        figure = Figure("field_map", caption, drawer(book, lost))
        return Section("field_map", t("section.field_map", lang), [figure])
    if bands is None:
        note = t("map.too_large", lang, rows=n_rows, cols=n_cols, n=f"{len(book):,}",
                 limit=MAP_LABEL_MAX_PLOTS, max_rows=MAP_LABEL_MAX_ROWS,
                 max_cols=MAP_LABEL_MAX_COLUMNS)  # fmt: skip
        return Section("field_map", t("section.field_map", lang), [Paragraph(note)])
    blocks: list[Any] = []
    unit = t("map.replicate" if replicates else "map.block", lang)
    for i, (label, part) in enumerate(bands):
        gone = [p for p in lost if p in set(part["plot_id"].astype(str))]
        first, last = int(part["row"].min()), int(part["row"].max())
        where = (
            t("map.rows", lang, first=first, last=last)
            if last > first
            else t("map.row", lang, row=first)
        )
        text = t("map.block_caption", lang, block=label, n=len(part), unit=unit, where=where)
        text += colours + _lines_note(part, replicates, whole=False, lang=lang)
        if gone:
            text += t("map.missing", lang, items=join_list(gone, lang))
        text += _empty_note(part, lang)
        caption = marks.caption(_full_stop(text, lang))
        blocks.append(Figure(f"field_map_{i + 1}", caption, drawer(part, gone, block=True)))
    return Section("field_map", t("section.field_map", lang), blocks)


# ----------------------------------------------------------------------- panel table
def panel_value(ctx: ReportContext, key: str, value: Any) -> Any:
    """``value`` with :data:`ILLUSTRATIVE_MARK` when ``[panel] illustrative`` lists ``key``.

    ``key`` is ``experts``, ``members``, ``responsible_unit``, ``report_number`` or
    ``date``: a placeholder (an example panel, an invented report number) is marked
    wherever the report prints it.
    """
    if value in (None, "") or key not in ctx.config.panel_illustrative:
        return value
    return f"{value}\u00a0{ILLUSTRATIVE_MARK}"


def panel_table(ctx: ReportContext) -> Table | None:
    """Build the acceptance-panel table (姓名/单位/职称/签字); None without experts."""
    lang = ctx.s.lang
    experts = ctx.config.panel_experts
    if not experts:
        return None
    rows = [
        {
            key: panel_value(ctx, "experts", (lang == "zh" and e.get(f"{key}_zh")) or e.get(key))
            for key in ("name", "affiliation", "title")
        }
        | {"signature": ""}
        for e in experts
    ]
    columns = [
        Column("name", t("panel.col_name", lang), "text"),
        Column("affiliation", t("panel.col_unit", lang), "text"),
        Column("title", t("panel.col_title", lang), "text"),
        Column("signature", t("panel.col_signature", lang), "text", fill_in=True),
    ]
    return Table("panel", columns, rows)


# ------------------------------------------------------------------ illustrative marks
#: Tables that mark illustrative values themselves (or show the data status as a column).
_SELF_MARKED = frozenset(
    {"plots", "treatments", "contrasts", "economics", "fertilization", "panel", "moisture_audit"}
)


def illustrative_treatments(ctx: ReportContext) -> set[str]:
    """Treatments whose plot data are illustrative (``data_status = illustrative``)."""
    if "data_status" not in ctx.plots.columns:
        return set()
    status = ctx.plots["data_status"].astype(str).str.lower()
    return set(ctx.plots.loc[status == "illustrative", "treatment"].astype(str))


def _names(text: str, labels: set[str]) -> bool:
    return any(re.search(rf"(?<![A-Za-z0-9]){re.escape(x)}(?![A-Za-z0-9])", text) for x in labels)


def mark_illustrative(report: Any, ctx: ReportContext) -> None:
    """Put :data:`ILLUSTRATIVE_MARK` where a number computed from an illustrative value is printed.

    Rows of illustrative treatments (and, in the efficiency table, of treatments whose
    rates are illustrative) get the mark on their treatment cell; columns computed
    against an illustrative control on their label; conclusion sentences naming an
    illustrative treatment at their end.  Each marked table gets the one legend.
    """
    data = illustrative_treatments(ctx)
    rates = {
        info.label
        for info in ctx.config.treatments
        if str(info.extra.get("rate_status", "")).lower() == "illustrative"
    }
    if not data and not rates:
        return
    import dataclasses

    legend = t("mark.legend", ctx.s.lang, mark=ILLUSTRATIVE_MARK)
    for section in report.sections:
        for block in section.blocks:
            kind = getattr(block, "type", "")
            if kind == "bullets" and section.key == "conclusions" and data:
                block.items = [with_mark(i) if _names(i, data) else i for i in block.items]
            if kind != "table" or block.key in _SELF_MARKED:
                continue
            marked = data | (rates if block.key == "efficiency" else set())
            hit = False
            keys = {c.key for c in block.columns}
            if "treatment" in keys:
                for row in block.rows:
                    if str(row.get("treatment")) in marked:
                        # no-break space: the mark stays with the label in a narrow column
                        row["treatment"] = f"{row['treatment']}\u00a0{ILLUSTRATIVE_MARK}"
                        hit = True
            columns = []
            for col in block.columns:
                if col.key != "treatment" and col.kind != "text" and _names(col.label, data):
                    col = dataclasses.replace(col, label=f"{col.label}\u00a0{ILLUSTRATIVE_MARK}")
                    hit = True
                columns.append(col)
            block.columns = columns
            if hit and legend not in block.notes:
                block.notes.append(legend)
