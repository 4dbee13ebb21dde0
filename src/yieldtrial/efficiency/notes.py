"""Plain-language notes of :func:`yieldtrial.efficiency.efficiency_table`, in English and Chinese.

One template set per language, so ``attrs["notes"]`` (English) and
``attrs["notes_zh"]`` always say the same thing: which metrics could not be
computed and why, and how much of a PFP change comes from the rate alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from yieldtrial.efficiency.nutrients import KG_HA_PER_KG_MU

_ZH_EQUAL_YIELD = (
    "{head}。产量相同（或差异在{conf}置信区间内），这一变化完全来自用量：{rate}，"
    "仅此一项在等产条件下使 {label} 变化 {rate_pct:+.1f} %。{caveat}"
)
_NOTE_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "sep": ", ",
        "no_zero_plot": "{metrics} cannot be computed: the trial has no zero-{n} (omission) "
        "plot; none of {treatments} received zero {n}. A reduced-rate control cannot substitute "
        "for it. Only PFP (and IE, PNB when plant analyses are available) can be reported.",
        "zero_plot": "Zero-{n} (omission) plot: {zero!r} (receives no {n}).",
        "no_uptake": "{metrics} need plant {n} uptake (total above-ground {n} at maturity, from "
        "plant analysis), which was not given.",
        "no_removal": "PNB needs the {n} removed in the harvested grain (yield x grain {n} "
        "concentration), which was not given.",
        "cutting": "cutting",
        "raising": "raising",
        "rate": "{direction} {n} by {cut:.1f} % ({f_ref} -> {f} kg {n}/ha; {f_ref_mu} -> {f_mu} "
        "kg {n}/mu) alone changes {label} by {reference}'s rate / {treatment}'s rate - 1 = "
        "{rate_pct:+.1f} % at equal yield",
        "head": "{label} of {treatment} is {change:+.1f} % vs {reference}",
        "caveat": "It is not evidence of better {n} use; that needs AE or RE from a zero-{n} plot.",
        "equal_yield": "{head}; the yields are equal, so this comes only from the rate: {rate}. "
        "{caveat}",
        "within_ci": "{head}; the yield difference ({yld:+.1f} %) is within its {conf}confidence "
        "interval of no difference, so the change comes from the rate: {rate}. {caveat}",
        "no_ci": "{head}: {rate}; the remaining part is the yield difference ({yld:+.1f} %), "
        "which has no confidence interval here and may be plot-to-plot variation. {caveat}",
        "with_ci": "{head}: {rate}; the yield difference ({yld:+.1f} %) accounts for the rest.",
    },
    "zh": {
        "sep": "、",
        "no_zero_plot": "无法计算 {metrics}：试验没有不施{n}的空白（缺素）小区，{treatments} "
        "都施了{n}。减量处理不能代替空白小区（其产量已包含对{n}的响应）。只能报告偏生产力 "
        "PFP（有植株养分分析时还可报告 IE、PNB）。",
        "zero_plot": "不施{n}的空白（缺素）小区：{zero}。",
        "no_uptake": "{metrics} 需要植株{n}吸收量（成熟期地上部总吸{n}量，来自植株分析），未提供。",
        "no_removal": "PNB 需要籽粒带走的{n}量（产量 × 籽粒含{n}量），未提供。",
        "cutting": "减少",
        "raising": "增加",
        "rate": "{n}用量{direction} {cut:.1f} %"
        "（{f_ref_mu}→{f_mu} kg {n}/亩，{f_ref}→{f} kg {n}/公顷）",
        "head": "{treatment} 的 {label} 比 {reference} {change:+.1f} %",
        "caveat": "这不能说明{n}利用更好，需要空白小区的 AE 或 RE。",
        "equal_yield": _ZH_EQUAL_YIELD,
        "within_ci": _ZH_EQUAL_YIELD,
        "no_ci": "{head}：其中{rate}在等产条件下使 {label} 变化 {rate_pct:+.1f} %；其余部分是产量"
        "差异（{yld:+.1f} %），它没有置信区间，可能只是小区间的随机差异。{caveat}",
        "with_ci": "{head}：其中{rate}贡献 {rate_pct:+.1f} %，"
        "产量差异（{yld:+.1f} %）贡献其余部分。",
    },
}


#: Languages of the notes; the first is the table's ``attrs["notes"]``, the others
#: ``attrs["notes_<lang>"]``.
NOTE_LANGUAGES: tuple[str, ...] = tuple(_NOTE_TEXT)


def fmt(value: float) -> str:
    """Format a rate for a note (4 significant digits)."""
    return f"{value:.4g}"


def rate_notes(
    case: str,
    *,
    nutrient: str,
    label: str,
    treatment: str,
    reference: str,
    change_pct: float,
    rate_effect_pct: float,
    yield_effect_pct: float,
    rate_kg_ha: float,
    reference_rate_kg_ha: float,
    confidence: float | None = None,
) -> dict[str, str]:
    """Explain a rate-based metric's change vs the reference, in each language.

    ``case`` is ``equal_yield``, ``within_ci`` (yield difference within its CI),
    ``no_ci`` or ``with_ci`` (a real yield difference).  ``confidence`` is the level of
    the interval, stated in the notes when given ("within its 99 % confidence interval").
    """
    cut_pct = 100.0 * (1.0 - rate_kg_ha / reference_rate_kg_ha)
    values = {
        "n": nutrient,
        "label": label,
        "treatment": treatment,
        "reference": reference,
        "change": change_pct,
        "rate_pct": rate_effect_pct,
        "yld": yield_effect_pct,
        "cut": abs(cut_pct),
        "f_ref": fmt(reference_rate_kg_ha),
        "f": fmt(rate_kg_ha),
        "f_ref_mu": fmt(reference_rate_kg_ha / KG_HA_PER_KG_MU),
        "f_mu": fmt(rate_kg_ha / KG_HA_PER_KG_MU),
    }
    level = "" if confidence is None else f"{100 * confidence:g}"
    notes = {}
    for lang, text in _NOTE_TEXT.items():
        direction = text["cutting" if cut_pct > 0 else "raising"]
        parts = {key: text[key].format(direction=direction, **values) for key in ("rate", "head")}
        conf = "" if not level else f"{level} % " if lang == "en" else f" {level}% "
        notes[lang] = text[case].format(
            caveat=text["caveat"].format(**values), conf=conf, **values | parts
        )
    return notes


def summary_notes(
    table: pd.DataFrame, treatments: Sequence[str], zero: str | None, nutrient: str, lang: str
) -> list[str]:
    """Say which metrics could not be computed and why (in ``lang``)."""
    text = _NOTE_TEXT[lang]
    notes: list[str] = []
    absent = table.loc[~table["computed"], "label"].drop_duplicates().tolist()
    zero_metrics = [m for m in absent if m in ("AE", "RE", "PE")]
    if zero is None and zero_metrics:
        notes.append(
            text["no_zero_plot"].format(
                metrics=text["sep"].join(zero_metrics),
                treatments=text["sep"].join(treatments),
                n=nutrient,
            )
        )
    elif zero is not None:
        notes.append(text["zero_plot"].format(zero=zero, n=nutrient))
    uptake_metrics = [m for m in absent if m in ("RE", "PE", "IE")]
    if uptake_metrics and table["uptake_kg_ha"].isna().any():
        notes.append(text["no_uptake"].format(metrics=text["sep"].join(uptake_metrics), n=nutrient))
    if "PNB" in absent and table["removal_kg_ha"].isna().any():
        notes.append(text["no_removal"].format(n=nutrient))
    return notes
