"""Fertilizer-use efficiency of a :class:`~yieldtrial.trial.FieldTrial`, and the report's table.

The formulas and :func:`~yieldtrial.efficiency.efficiency_table` live in
:mod:`yieldtrial.efficiency`; this module feeds them from a trial:

* :func:`resolve_fertilizer` finds the treatments' fertilizer (explicit, ``trial.toml``
  or the trial's metadata);
* :func:`trial_yields_kg_ha` takes the yields from the trial's own design model
  (:meth:`FieldTrial.means_model <yieldtrial.trial.FieldTrial.means_model>`) and the
  confidence intervals of the differences from the control from
  :meth:`FieldTrial.compare_to_control <yieldtrial.trial.FieldTrial.compare_to_control>`,
  so a Latin square uses its row and column model, a split plot the error term of
  the factor's stratum;
* :func:`trial_efficiency` is :meth:`FieldTrial.efficiency
  <yieldtrial.trial.FieldTrial.efficiency>`; :func:`report_table` is the yield-test
  report's efficiency hook.

Two-factor designs (split plot, strip plot, factorial): the efficiencies apply to
the factor that carries the fertilizer treatments, i.e. the factor whose levels
the fertilizer description names (``kind=`` chooses it explicitly).  Its LS-means
are main-effect means, averaged over the levels of the other factor; pass
``kind``/``at`` (e.g. ``kind="sub_plot_within_whole", at="V1"``) for the means
within one level of the other factor.

All these names are also importable from :mod:`yieldtrial.efficiency`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.design.detect import TWO_FACTOR_DESIGNS
from yieldtrial.efficiency.nutrients import (
    KG_HA_PER_KG_MU,
    FertilizerInput,
    fertilizer_from_config,
    rate_column,
    treatment_nutrient_rates,
)
from yieldtrial.efficiency.table import METRICS, SHORT_NAMES, efficiency_table
from yieldtrial.errors import DataValidationError

__all__ = ["report_table", "resolve_fertilizer", "trial_efficiency", "trial_yields_kg_ha"]


def resolve_fertilizer(
    trial: Any, fertilizer: FertilizerInput | None = None, *, config: Any = None
) -> FertilizerInput:
    """Find a trial's fertilizer description: explicit, else its trial description.

    Parameters
    ----------
    trial : FieldTrial or None
        The trial; its ``metadata`` may hold ``"fertilizer"`` (a mapping as for
        :func:`products_by_treatment`), ``"config"`` (a
        :class:`~yieldtrial.config.TrialConfig`) or ``"treatments"`` (the
        ``[[treatments]]`` tables of a ``trial.toml`` as dicts).
    fertilizer : mapping, optional
        Explicit treatment -> product(s); wins over everything else.
    config : TrialConfig, optional
        A parsed ``trial.toml`` (see :func:`fertilizer_from_config`).

    Returns
    -------
    mapping
        Treatment -> product(s).

    Raises
    ------
    DataValidationError
        If no fertilizer description is found.

    Examples
    --------
    >>> resolve_fertilizer(None, {"CK": {"n_rate_kg_ha": 90}})
    {'CK': {'n_rate_kg_ha': 90}}
    """
    if fertilizer is not None:
        return fertilizer
    if config is not None:
        found = fertilizer_from_config(config)
        if found:
            return found
    metadata = dict(getattr(trial, "metadata", None) or {})
    if isinstance(metadata.get("fertilizer"), Mapping) and metadata["fertilizer"]:
        return dict(metadata["fertilizer"])
    if metadata.get("config") is not None:
        found = fertilizer_from_config(metadata["config"])
        if found:
            return found
    if isinstance(metadata.get("treatments"), list | tuple):
        from yieldtrial.config import TrialConfig

        items = [
            {k: v for k, v in dict(t).items() if k != "extra"} | dict(dict(t).get("extra") or {})
            for t in metadata["treatments"]
        ]  # TrialConfig.to_dict() nests further keys under "extra"
        found = fertilizer_from_config(TrialConfig.from_dict({"treatments": items}))
        if found:
            return found
    raise DataValidationError(
        'no fertilizer description for this trial: pass fertilizer={treatment: {"product": '
        '"compound 15-15-15", "rate_kg_mu": 50}, ...}, or give each [[treatments]] table of '
        'trial.toml a product with its grade and rate (rate = 50, rate_unit = "kg/mu").'
    )


def _fertilizer_factor(trial: Any, fertilizer: FertilizerInput | None) -> str | None:
    """Return the factor of a two-factor trial whose levels the fertilizer description names."""
    factors = tuple(trial.design_columns()["factors"])
    if fertilizer is None:
        return None  # means_model decides (the treatment column, when it is a factor)
    described = {str(t) for t in fertilizer}
    levels = {factor: trial.means_model(factor, unit="kg/ha").levels for factor in factors}
    matching = [f for f in factors if set(levels[f]) <= described]
    if len(matching) == 1:
        return matching[0]
    if "treatment" in matching:
        return "treatment"
    shown = "; ".join(f"{f}: {', '.join(levels[f])}" for f in factors)
    problem = (
        "both factors' levels are described"
        if matching
        else f"neither factor's levels are all described ({', '.join(sorted(described))})"
    )
    raise DataValidationError(
        f"this {trial.design!r} trial has two factors ({shown}) and {problem} in the fertilizer "
        "description, so the factor that carries the fertilizer treatments is unclear; pass "
        f"kind='<factor column>' (one of {', '.join(factors)})."
    )


def trial_yields_kg_ha(
    trial: Any,
    *,
    reference: str | None = None,
    confidence: float = 0.95,
    kind: str | None = None,
    at: str | None = None,
    fertilizer: FertilizerInput | None = None,
) -> tuple[dict[str, float], dict[str, tuple[float, float]], str]:
    """LS-means of a trial's treatments and, when replicated, CIs of differences from a reference.

    The LS-means come from :meth:`FieldTrial.means_model
    <yieldtrial.trial.FieldTrial.means_model>` and the intervals from
    :meth:`FieldTrial.compare_to_control
    <yieldtrial.trial.FieldTrial.compare_to_control>`, i.e. from the model of the
    trial's design (CRD, RCBD, Latin square, split plot, strip plot, factorial).

    Parameters
    ----------
    trial : FieldTrial
        The trial.
    reference : str, optional
        Treatment the differences are taken from (usually the control); no
        intervals when it is not a level of the means.
    confidence : float
        Confidence level of the (Dunnett simultaneous) intervals.
    kind, at : str, optional
        Which means (see :meth:`FieldTrial.means_model
        <yieldtrial.trial.FieldTrial.means_model>`).  Two-factor designs: by
        default the factor whose levels ``fertilizer`` names (main-effect means,
        averaged over the other factor).
    fertilizer : mapping, optional
        Treatment -> product(s); used only to find the fertilizer factor of a
        two-factor design.

    Returns
    -------
    tuple
        ``(yields, ci, how)``: treatment -> LS-mean [kg/ha]; treatment ->
        (ci_low, ci_high) of its difference from ``reference`` [kg/ha] (empty when
        unreplicated or without a reference); a description of the estimate.

    Raises
    ------
    DataValidationError
        A two-factor trial whose fertilizer factor is unclear (pass ``kind``).
    """
    design = str(trial.design)
    if not bool(getattr(trial, "is_replicated", False)):
        # the trial's own model (and its single-trial checks); one plot per treatment, so the
        # LS-means are the plot yields
        mm = trial.means_model(unit="kg/ha")
        yields = {str(level): float(v) for level, v in zip(mm.levels, mm.estimates, strict=True)}
        return yields, {}, "plot yields (one harvest per treatment: no confidence intervals)"
    if kind is None and design in TWO_FACTOR_DESIGNS:
        kind = _fertilizer_factor(trial, fertilizer)
    mm = trial.means_model(kind, at=at, unit="kg/ha")
    yields = {str(level): float(v) for level, v in zip(mm.levels, mm.estimates, strict=True)}
    how = f"LS-means of the {design.upper()} model"
    if design in TWO_FACTOR_DESIGNS:
        how += f" ({mm.factor} means, {mm.error_term})"
    ci: dict[str, tuple[float, float]] = {}
    if reference is not None and reference in yields:
        comp = trial.compare_to_control(
            control=reference, confidence=confidence, kind=kind, at=at, unit="kg/ha"
        )
        if "ci_low_kg_ha" in comp and "ci_high_kg_ha" in comp:
            for name, low, high in zip(
                comp["treatment"].astype(str),
                comp["ci_low_kg_ha"].to_numpy(dtype=float),
                comp["ci_high_kg_ha"].to_numpy(dtype=float),
                strict=True,
            ):
                ci[name] = (float(low), float(high))
            level = float(comp["confidence"].iloc[0]) if "confidence" in comp else confidence
            how += f"; {level:.0%} Dunnett simultaneous CIs of differences from {reference}"
    return yields, ci, how


def _default_reference(trial: Any) -> str | None:
    """Return the trial's first control, the reference of the notes and intervals."""
    controls = tuple(getattr(trial, "control", None) or ())
    return str(controls[0]) if controls else None


def _highest_rate(
    fert: FertilizerInput, treatments: Mapping[str, float], nutrient: str
) -> str | None:
    """Return the described treatment with the highest rate (None if none is fertilized)."""
    described = {t: fert[t] for t in treatments if t in fert}
    try:
        rates = treatment_nutrient_rates(described).set_index("treatment")[rate_column(nutrient)]
    except DataValidationError:
        return None  # efficiency_table reports what is wrong with the description
    return str(rates.idxmax()) if len(rates) and rates.max() > 0 else None


def _yields_and_reference(
    trial: Any,
    fert: FertilizerInput,
    *,
    reference: str | None,
    nutrient: str,
    kind: str | None = None,
    at: str | None = None,
    confidence: float = 0.95,
) -> tuple[dict[str, float], dict[str, tuple[float, float]], str, str | None]:
    """LS-means, CIs (at ``confidence``) and the reference they compare with.

    The reference is the given one, else the trial's first control; in a two-factor
    trial whose control is not a level of the fertilizer factor, the treatment with
    the highest rate (efficiency_table's default), with its intervals.
    """
    given = reference is not None
    if not given:
        reference = _default_reference(trial)
    yields, ci, how = trial_yields_kg_ha(
        trial, reference=reference, confidence=confidence, kind=kind, at=at, fertilizer=fert
    )
    if not given and reference not in yields and str(trial.design) in TWO_FACTOR_DESIGNS:
        reference = _highest_rate(fert, yields, nutrient)
        if reference is not None:
            yields, ci, how = trial_yields_kg_ha(
                trial,
                reference=reference,
                confidence=confidence,
                kind=kind,
                at=at,
                fertilizer=fert,
            )
    return yields, ci, how, reference


def trial_efficiency(
    trial: Any,
    fertilizer: FertilizerInput | None = None,
    *,
    nutrient: str = "N",
    config: Any = None,
    reference: str | None = None,
    kind: str | None = None,
    at: str | None = None,
    confidence: float = 0.95,
    **options: Any,
) -> pd.DataFrame:
    """Efficiency table of a :class:`~yieldtrial.trial.FieldTrial` (LS-means as yields).

    Parameters
    ----------
    trial : FieldTrial
        The trial; its control (first one) is the default ``reference``.
    fertilizer : mapping, optional
        Treatment -> product(s); default from ``config`` or the trial's metadata
        (see :func:`resolve_fertilizer`).
    nutrient : str, default "N"
        Nutrient the efficiencies refer to.
    config : TrialConfig, optional
        Parsed ``trial.toml`` holding the fertilizer of each treatment.
    reference : str, optional
        Treatment the notes compare with; default the trial's first control (when
        it is a level of the fertilizer factor).
    kind, at : str, optional
        Which means carry the fertilizer treatments (see :func:`trial_yields_kg_ha`);
        by default the treatments, or for a two-factor design the factor whose
        levels the fertilizer description names.
    confidence : float, default 0.95
        Confidence level of the (Dunnett simultaneous) intervals of the yield
        differences from ``reference``, stated in the notes.
    **options
        Passed to :func:`~yieldtrial.efficiency.efficiency_table`
        (``zero_nutrient_treatment``, ``uptake``, ``removal``, ``metrics``, ...).

    Returns
    -------
    DataFrame
        See :func:`~yieldtrial.efficiency.efficiency_table`;
        ``attrs["provenance"]["yields"]`` says how the yields were estimated.
    """
    fert = resolve_fertilizer(trial, fertilizer, config=config)
    yields, ci, how, reference = _yields_and_reference(
        trial, fert, reference=reference, nutrient=nutrient, kind=kind, at=at,
        confidence=confidence,
    )  # fmt: skip
    # rows in the order of the fertilizer description (trial.toml), then any other treatment
    yields = {t: yields[t] for t in fert if t in yields} | yields
    options.setdefault("yield_difference_ci", ci or None)
    if ci:
        options.setdefault("confidence", confidence)
    table = efficiency_table(yields, fert, nutrient=nutrient, reference=reference, **options)
    table.attrs["provenance"]["yields"] = how
    if not bool(getattr(trial, "is_replicated", False)):
        table.attrs["notes"].append(_UNREPLICATED_NOTE["en"])
        table.attrs["notes_zh"].append(_UNREPLICATED_NOTE["zh"])
    return table


_UNREPLICATED_NOTE: Mapping[str, str] = {
    "en": "One harvest per treatment: the yields behind these efficiencies are single plots, so "
    "a yield difference between treatments cannot be told from plot-to-plot noise.",
    "zh": "每个处理只有一次收获：效率所依据的产量是单个小区，处理间产量差异无法与小区误差区分。",
}

_REPORT_LABELS: Mapping[str, Mapping[str, str]] = {
    "treatment": {"en": "Treatment", "zh": "处理"},
    "fertilizer": {"en": "Fertilizer", "zh": "施肥"},
    # the Chinese headers bracket their units in full width, as every other table's
    # ("产量（kg/亩）"); the efficiency table alone showed "产量 (kg/亩)" (stop 45)
    "nutrient_rate": {"en": "{n} rate ({u})", "zh": "{n}用量（{u}）"},
    "yield": {"en": "Yield ({u})", "zh": "产量（{u}）"},
    "metric": {"en": "{m} (kg/kg {n})", "zh": "{m}（kg/kg {n}）"},
    "pfp_change_pct": {"en": "PFP vs {r} (%)", "zh": "PFP 较{r}（%）"},
    "rate_effect_pct": {"en": "of which rate cut (%)", "zh": "其中减量所致（%）"},
}


def _not_computed(
    treatments: list[str], fert: FertilizerInput, lang: str, exc: DataValidationError
) -> pd.DataFrame:
    """Report table for a description the efficiencies cannot use: what is missing, in a note."""
    out = pd.DataFrame(
        {
            "treatment": treatments,
            "fertilizer": [
                ", ".join(str(p.get("product", "?")) for p in fert[t]) for t in treatments
            ],
        }
    )
    out.attrs["column_labels"] = {key: _REPORT_LABELS[key][lang] for key in out.columns}
    out.attrs["notes"] = [f"Fertilizer efficiency not computed: {exc}"]
    return out


def report_table(
    trial: Any,
    config: Any,
    *,
    unit: str = "kg/ha",
    lang: str = "en",
    means: pd.DataFrame | None = None,
    nutrient: str = "N",
    confidence: float = 0.95,
) -> pd.DataFrame | None:
    """Efficiency table for the yield-test report (the report's efficiency hook).

    Parameters
    ----------
    trial : FieldTrial
        The trial.
    config : TrialConfig
        Its description; the treatments' fertilizer is read from it.
    unit : str
        Display unit of yields (``"kg/mu"``, ``"kg/ha"``); nutrient rates are
        shown per the same area.
    lang : {"en", "zh"}
        Language of the column labels (``attrs["column_labels"]``) and notes.
    means : DataFrame, optional
        The report's means table; accepted for the hook's signature but not used:
        the LS-means are recomputed in kg/ha from the trial (same design model).
    nutrient : str, default "N"
        Nutrient.
    confidence : float, default 0.95
        Confidence level of the intervals of the yield differences from the
        reference (the report's ``1 - alpha``), stated in the notes.

    Returns
    -------
    DataFrame or None
        One row per fertilized treatment with identifier-safe columns
        ``treatment, fertilizer, <n>_rate_<u>, yield_<u>`` (``<u>`` is ``kg_mu`` when
        ``unit`` is kg/mu, else ``kg_ha``; ``<n>`` the nutrient, e.g. ``n_rate_kg_mu``),
        ``pfp, ae, re, pe, ie, pnb`` [kg/kg] (only the metrics that could be computed),
        ``pfp_change_pct``,
        ``rate_effect_pct``; ``attrs["column_labels"]`` holds display labels and
        ``attrs["notes"]`` the plain-language notes (e.g. that AE cannot be
        computed without a zero-N plot).  None when the description has no
        usable fertilizer information.
    """
    from yieldtrial.units import yield_unit

    fert = fertilizer_from_config(config) if config is not None else {}
    if not fert:
        return None
    key = "zh" if lang == "zh" else "en"
    # the report's means table is in its response unit, which the hook does not state;
    # recompute the LS-means in kg/ha from the trial instead (same model, same numbers)
    try:
        yields, ci, _, reference = _yields_and_reference(
            trial, fert, reference=None, nutrient=nutrient, confidence=confidence
        )
    except DataValidationError as exc:  # a two-factor trial whose fertilizer factor is unclear
        return _not_computed(list(fert), fert, key, exc)
    yields = {t: yields[t] for t in fert if t in yields}  # trial.toml's order
    if not yields:
        return None
    try:
        long = efficiency_table(
            yields,
            fert,
            nutrient=nutrient,
            reference=reference,
            yield_difference_ci=ci or None,
            confidence=confidence if ci else None,
        )
        rates = treatment_nutrient_rates({t: fert[t] for t in yields})
    except DataValidationError as exc:
        # an incomplete description must not break the report: say what is missing
        return _not_computed(list(yields), fert, key, exc)
    per_area = 1.0 / KG_HA_PER_KG_MU if yield_unit(unit) == "kg/mu" else 1.0
    area = "kg/mu" if per_area != 1.0 else "kg/ha"
    fertilized = list(dict.fromkeys(long["treatment"]))
    out = pd.DataFrame({"treatment": fertilized})
    out["fertilizer"] = [rates.loc[rates["treatment"] == t, "products"].iloc[0] for t in fertilized]
    suffix = "kg_mu" if per_area != 1.0 else "kg_ha"
    rate_name, yield_name = f"{nutrient.lower()}_rate_{suffix}", f"yield_{suffix}"
    out[rate_name] = [
        float(rates.loc[rates["treatment"] == t, rate_column(nutrient)].iloc[0]) * per_area
        for t in fertilized
    ]
    out[yield_name] = [yields[t] * per_area for t in fertilized]
    labels = {
        "treatment": _REPORT_LABELS["treatment"][key],
        "fertilizer": _REPORT_LABELS["fertilizer"][key],
        rate_name: _REPORT_LABELS["nutrient_rate"][key].format(n=nutrient, u=area),
        yield_name: _REPORT_LABELS["yield"][key].format(u=area),
    }
    for short, metric in METRICS.items():
        rows = long[(long["metric"] == metric) & long["computed"]]
        if rows.empty:
            continue
        out[short] = rows.set_index("treatment")["value"].reindex(fertilized).to_numpy()
        labels[short] = _REPORT_LABELS["metric"][key].format(m=SHORT_NAMES[metric], n=nutrient)
    pfp = long[long["metric"] == "partial_factor_productivity"].set_index("treatment")
    if reference is not None and pfp["computed"].any():
        is_reference = np.array([t == reference for t in fertilized])
        change = pfp["change_vs_reference_pct"].reindex(fertilized).to_numpy(dtype=float)
        rate_effect = pfp["rate_effect_pct"].reindex(fertilized).to_numpy(dtype=float)
        # the reference's own row has no change to show ("-" rather than +0.0)
        out["pfp_change_pct"] = np.where(is_reference, np.nan, change)
        out["rate_effect_pct"] = np.where(is_reference, np.nan, rate_effect)
        labels["pfp_change_pct"] = _REPORT_LABELS["pfp_change_pct"][key].format(r=reference)
        labels["rate_effect_pct"] = _REPORT_LABELS["rate_effect_pct"][key]
    out.attrs["column_labels"] = labels
    out.attrs["notes"] = list(long.attrs["notes_zh" if key == "zh" else "notes"])
    if not bool(getattr(trial, "is_replicated", False)):
        out.attrs["notes"].append(_UNREPLICATED_NOTE[key])
    out.attrs["provenance"] = dict(long.attrs.get("provenance", {}))
    return out
