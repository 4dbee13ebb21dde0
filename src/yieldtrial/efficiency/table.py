r"""Fertilizer-use efficiency: nutrient accounting, the Dobermann (2007) metrics, the table.

This is the public face of the topic; the pieces live in their own modules and
are all importable from here:

* the metrics, pure vectorized formulas, are in :mod:`yieldtrial.efficiency.metrics`:
  partial factor productivity (PFP), agronomic efficiency (AE), apparent recovery
  efficiency (RE), physiological efficiency (PE), internal efficiency (IE) and
  partial nutrient balance (PNB).  AE, RE and PE need the yield (and uptake) of a
  **zero-nutrient (omission) plot** and refuse a reduced-rate control in its place;
* :func:`efficiency_table` (defined here) gives them for a whole trial;
* the functions that take a :class:`~yieldtrial.trial.FieldTrial` are in
  :mod:`yieldtrial.efficiency.trial_tables`.

Nutrient rates come from product rates and label grades through
:mod:`yieldtrial.nutrients` (re-exported here: :func:`parse_grade`,
:func:`nutrient_rates`, :func:`treatment_nutrient_rates`, the P2O5/P and K2O/K
conversions and the N content of additives such as dicyandiamide).

:func:`efficiency_table` ties both together for a trial: one row per treatment
and metric, with the inputs, and notes where a change comes only from the rate
cut (a lower rate raises PFP at equal yield).

:func:`trial_efficiency`, :func:`trial_yields_kg_ha` (LS-means from the trial's
design model, for any design), :func:`resolve_fertilizer` and the report's hook
:func:`report_table` are defined in :mod:`yieldtrial.efficiency.trial_tables`.

References
----------
.. [1] A. Dobermann, "Nutrient use efficiency - measurement and management," in
   *Fertilizer Best Management Practices*, IFA International Workshop, Brussels,
   7-9 March 2007, International Fertilizer Industry Association, Paris, pp. 1-28.
.. [2] K. A. Congreves et al., "Nitrogen use efficiency definitions of today and
   tomorrow," *Front. Plant Sci.* 12:637108, 2021.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial._typing import Numeric
from yieldtrial.efficiency.intervals import yield_difference_intervals, yields_to_kg_ha
from yieldtrial.efficiency.metrics import (
    agronomic_efficiency,
    internal_efficiency,
    partial_factor_productivity,
    partial_nutrient_balance,
    physiological_efficiency,
    recovery_efficiency,
)
from yieldtrial.efficiency.notes import NOTE_LANGUAGES, rate_notes, summary_notes
from yieldtrial.efficiency.nutrients import (
    ADDITIVE_N_PCT,
    K_PER_K2O,
    NUTRIENTS,
    P_PER_P2O5,
    FertilizerGrade,
    FertilizerInput,
    FertilizerProduct,
    fertilizer_from_config,
    k2o_from_potassium,
    nutrient_rate_kg_ha,
    nutrient_rates,
    p2o5_from_phosphorus,
    parse_grade,
    phosphorus_from_p2o5,
    potassium_from_k2o,
    rate_column,
    treatment_nutrient_rates,
)
from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import (
    MAX_ANALYSED_YIELD,
    check_number,
    check_option,
    check_probability,
    check_range,
    is_real_number,
    message_number,
    real_float,
)

__all__ = [
    # re-exported nutrient accounting (defined in yieldtrial.nutrients)
    "ADDITIVE_N_PCT",
    "K_PER_K2O",
    "NUTRIENTS",
    "P_PER_P2O5",
    "FertilizerGrade",
    "FertilizerProduct",
    "fertilizer_from_config",
    "k2o_from_potassium",
    "nutrient_rate_kg_ha",
    "nutrient_rates",
    "p2o5_from_phosphorus",
    "parse_grade",
    "phosphorus_from_p2o5",
    "potassium_from_k2o",
    "treatment_nutrient_rates",
    # the metrics (defined in yieldtrial.efficiency.metrics) and the efficiency table
    "METRICS",
    "TABLE_COLUMNS",
    "agronomic_efficiency",
    "efficiency_table",
    "internal_efficiency",
    "partial_factor_productivity",
    "partial_nutrient_balance",
    "physiological_efficiency",
    "recovery_efficiency",
]


#: Efficiency metrics, in report order: short key -> column value used in tables.
METRICS: Mapping[str, str] = {
    "pfp": "partial_factor_productivity",
    "ae": "agronomic_efficiency",
    "re": "recovery_efficiency",
    "pe": "physiological_efficiency",
    "ie": "internal_efficiency",
    "pnb": "partial_nutrient_balance",
}

# ----------------------------------------------------------------------------- table
_UNITS: Mapping[str, str] = {
    "partial_factor_productivity": "kg/kg",
    "agronomic_efficiency": "kg/kg",
    "recovery_efficiency": "kg/kg",
    "physiological_efficiency": "kg/kg",
    "internal_efficiency": "kg/kg",
    "partial_nutrient_balance": "kg/kg",
}
#: Short name of each efficiency metric (PFP, AE ...) in tables and messages.
SHORT_NAMES: Mapping[str, str] = {
    "partial_factor_productivity": "PFP",
    "agronomic_efficiency": "AE",
    "recovery_efficiency": "RE",
    "physiological_efficiency": "PE",
    "internal_efficiency": "IE",
    "partial_nutrient_balance": "PNB",
}
TABLE_COLUMNS: tuple[str, ...] = (
    "treatment",
    "nutrient",
    "metric",
    "label",
    "value",
    "unit",
    "computed",
    "yield_kg_ha",
    "nutrient_rate_kg_ha",
    "zero_nutrient_treatment",
    "zero_nutrient_yield_kg_ha",
    "uptake_kg_ha",
    "zero_nutrient_uptake_kg_ha",
    "removal_kg_ha",
    "reference",
    "change_vs_reference_pct",
    "rate_effect_pct",
    "yield_effect_pct",
    "note",
)


def as_float_mapping(values: Mapping[str, float] | pd.Series | None, name: str) -> dict[str, float]:
    """Return per-treatment numbers (a dict or Series, None for none) as a dict of floats."""
    if values is None:
        return {}
    if isinstance(values, pd.Series):
        items = list(values.items())
    elif isinstance(values, Mapping):
        items = list(values.items())
    else:
        hint = (
            " For a means table (trial.means()) pass its yield column, e.g. "
            "table.set_index('treatment')['yield_kg_ha'] (a yield_kg_mu column is converted)."
            if isinstance(values, pd.DataFrame)
            else ""
        )
        if hasattr(values, "means") and hasattr(values, "efficiency"):  # a FieldTrial
            hint = (
                " For a FieldTrial call its methods, trial.efficiency(fertilizer) or "
                "trial.economics(...) (yields from the trial's design model), or pass "
                "trial.means().set_index('treatment')['yield_kg_ha']."
            )
        raise DataValidationError(
            f"{name} must be a mapping treatment -> value [kg/ha] (or a Series indexed by "
            f"treatment); got {type(values).__name__}.{hint}"
        )
    out: dict[str, float] = {}
    for key, value in items:
        label = str(key)
        if label in out:  # a Series with a repeated label: one of the two was dropped
            raise DataValidationError(
                f"{name}: treatment {label!r} is given twice; give one value per treatment "
                "(for plot yields, pass the treatment means, e.g. trial.means())."
            )
        if isinstance(value, decimal.Decimal) and value.is_finite():
            value = float(value)  # a notebook's Decimal column, read as FieldTrial reads it
        if not is_real_number(value) or not 0 <= real_float(value) <= MAX_ANALYSED_YIELD:
            shown = (
                "not a number"
                if not is_real_number(value)
                else f"above {MAX_ANALYSED_YIELD:g}, far beyond any yield"
                if MAX_ANALYSED_YIELD < real_float(value) < float("inf")
                else "not a finite number >= 0"
            )
            raise DataValidationError(
                f"{name}: treatment {label!r} has {value!r}, {shown} [kg/ha]; give each "
                "treatment's value (leave out a treatment that has none)."
            )  # text, True, NaN and inf gave rows of NaN or inf marked computed, 1e308 a
            # PFP of 6.6e305 kg/kg (the statistics' own bound, stop 41)
        out[label] = real_float(value)
    return out


def _resolve_metrics(metrics: Sequence[str] | str | None) -> tuple[list[str], bool]:
    if metrics is None:
        return list(METRICS.values()), False
    if isinstance(metrics, str):
        metrics = [metrics]
    names = []
    long_names = set(METRICS.values())
    for item in metrics:
        key = str(item).lower()
        if key in METRICS:
            names.append(METRICS[key])
        elif key in long_names:
            names.append(key)
        else:
            raise DataValidationError(
                f"unknown efficiency metric {item!r}; expected one of "
                f"{', '.join(list(METRICS) + list(METRICS.values()))}."
            )
    return names, True


def efficiency_table(
    yields: Mapping[str, float] | pd.Series,
    fertilizer: FertilizerInput,
    *,
    nutrient: str = "N",
    zero_nutrient_treatment: str | None = None,
    uptake: Mapping[str, float] | pd.Series | None = None,
    removal: Mapping[str, float] | pd.Series | None = None,
    reference: str | None = None,
    metrics: Sequence[str] | str | None = None,
    equal_yield_tolerance_pct: float = 0.5,
    yield_difference_ci: Mapping[str, tuple[float, float]] | pd.DataFrame | None = None,
    confidence: float | None = None,
) -> pd.DataFrame:
    """Fertilizer-use efficiency of each treatment, with inputs and plain-language notes.

    Parameters
    ----------
    yields : mapping or Series
        Treatment -> grain yield at the standard moisture (LS-means for a
        replicated trial). [kg/ha]
        A Series named for a yield column in another unit (``yield_kg_mu``, the
        column of ``trial.means()`` in kg/mu) is converted to kg/ha.
    fertilizer : mapping
        Treatment -> product(s) applied (see :func:`products_by_treatment`); every
        treatment in ``yields`` must be described.
    nutrient : {"N", "P2O5", "P", "K2O", "K"}
        Nutrient the efficiencies refer to.
    zero_nutrient_treatment : str, optional
        The omission treatment (receives none of ``nutrient``).  When omitted, a
        described treatment with a zero rate is used; a treatment that receives the
        nutrient is refused.
    uptake : mapping or Series, optional
        Treatment -> total above-ground nutrient uptake at maturity (needed by RE,
        PE, IE; RE and PE also need it for the zero-nutrient treatment). [kg/ha]
    removal : mapping or Series, optional
        Treatment -> nutrient removed in the harvested product (needed by PNB). [kg/ha]
    reference : str, optional
        Treatment the notes compare against (the control, e.g. the full-rate
        ``"CK1"``); default the treatment with the highest nutrient rate.
    metrics : sequence of str, optional
        Metrics to compute (keys of :data:`METRICS` or their long names).  By
        default all six are tried and the ones whose inputs are missing get a row
        with ``computed=False``, NaN and the reason in ``note``; metrics named here
        explicitly raise instead.
    equal_yield_tolerance_pct : float, default 0.5
        Yields within this percentage of the reference's count as equal in the notes. [%]
    yield_difference_ci : mapping or DataFrame, optional
        Treatment -> (low, high) confidence interval of its yield difference from
        ``reference`` [kg/ha], or the table of ``compare_to_control`` as it is (limits
        in another unit, ``ci_low_kg_mu``, are converted to kg/ha); an interval
        containing 0 counts as equal yield.
    confidence : float, optional
        Confidence level of ``yield_difference_ci`` (0.99), stated in the notes ("within
        its 99 % confidence interval"); by default the notes name no level.

    Returns
    -------
    DataFrame
        One row per treatment and metric, columns :data:`TABLE_COLUMNS`:
        ``treatment``, ``nutrient``, ``metric`` (long name), ``label`` (PFP, AE,
        ...), ``value``, ``unit`` (kg/kg), ``computed``, the inputs
        ``yield_kg_ha``, ``nutrient_rate_kg_ha``, ``zero_nutrient_treatment``,
        ``zero_nutrient_yield_kg_ha``, ``uptake_kg_ha``,
        ``zero_nutrient_uptake_kg_ha``, ``removal_kg_ha``, the comparison with
        ``reference`` (``change_vs_reference_pct``, ``rate_effect_pct``: the
        change due to the rate alone at equal yield, ``yield_effect_pct``) and
        ``note``.  ``attrs["notes"]`` holds the plain-language notes for a report
        (``attrs["notes_zh"]`` the same notes in Chinese), ``attrs["provenance"]``
        the inputs' description.

    Raises
    ------
    DataValidationError
        On treatments without a fertilizer description, a zero-nutrient treatment
        that receives the nutrient, or an explicitly requested metric whose input
        is missing.

    References
    ----------
    .. [1] A. Dobermann, "Nutrient use efficiency - measurement and management,"
       IFA Workshop on Fertilizer Best Management Practices, Brussels, 2007, pp. 1-28.

    Examples
    --------
    >>> fert = {"CK1": {"product": "compound 15-15-15", "rate_kg_mu": 50},
    ...         "CK2": {"product": "compound 15-15-15", "rate_kg_mu": 40}}
    >>> t = efficiency_table({"CK1": 6630.0, "CK2": 6630.0}, fert, reference="CK1")
    >>> pfp = t[t["label"] == "PFP"]
    >>> pfp["value"].round(2).tolist()
    [58.93, 73.67]
    >>> pfp["rate_effect_pct"].round(1).tolist()
    [0.0, 25.0]
    """
    check_option("nutrient", nutrient, NUTRIENTS)
    equal_yield_tolerance_pct = check_number(
        "equal_yield_tolerance_pct", equal_yield_tolerance_pct, "efficiency_table", low=0.0,
        high=100.0, fix="a percentage of the reference yield, e.g. 0.5",
    )  # fmt: skip
    wanted, explicit = _resolve_metrics(metrics)
    y_map = as_float_mapping(yields_to_kg_ha(yields, "efficiency_table"), "yields")
    if not y_map:
        raise DataValidationError("yields is empty; give treatment -> yield [kg/ha].")
    u_map = as_float_mapping(uptake, "uptake")
    r_map = as_float_mapping(removal, "removal")
    rates_table = treatment_nutrient_rates(fertilizer)
    rates = dict(zip(rates_table["treatment"], rates_table[rate_column(nutrient)], strict=True))
    missing = [t for t in y_map if t not in rates]
    if missing:
        raise DataValidationError(
            f"treatment(s) {', '.join(map(repr, missing))} have a yield but no fertilizer "
            f"description; described: {', '.join(map(repr, rates))}. Add them to the fertilizer "
            "mapping (an empty list [] for an unfertilized plot)."
        )
    for name, values in (("yields", y_map), ("uptake", u_map), ("removal", r_map)):
        check_range(name, pd.Series(values, dtype="float64"), low=0)
    treatments = list(y_map)
    zero = _zero_treatment(zero_nutrient_treatment, rates, treatments, nutrient)
    fertilized = [t for t in treatments if t != zero]
    if reference is None:
        reference = max(fertilized, key=lambda t: rates[t]) if fertilized else None
    elif reference not in y_map:
        raise DataValidationError(
            f"reference {reference!r} is not one of the treatments ({', '.join(treatments)})."
        )
    y0 = y_map.get(zero) if zero is not None else None
    u0 = u_map.get(zero) if zero is not None else None
    ci_map = yield_difference_intervals(yield_difference_ci, "efficiency_table")
    if confidence is not None:
        confidence = check_probability(confidence, "confidence", "efficiency_table")

    rows: list[dict[str, Any]] = []
    notes: dict[str, list[str]] = {lang: [] for lang in NOTE_LANGUAGES}
    for treatment in fertilized:
        y = y_map[treatment]
        f = rates[treatment]
        u = u_map.get(treatment)
        removed = r_map.get(treatment)
        inputs = {
            "yield_kg_ha": y,
            "nutrient_rate_kg_ha": f,
            "zero_nutrient_treatment": zero,
            "zero_nutrient_yield_kg_ha": y0,
            "uptake_kg_ha": u,
            "zero_nutrient_uptake_kg_ha": u0,
            "removal_kg_ha": removed,
        }
        for metric in wanted:
            value, note = np.nan, ""
            try:
                value = float(np.asarray(_compute(metric, inputs, nutrient, treatments, zero)))
                computed = True
            except DataValidationError as exc:
                if explicit:
                    raise
                computed, note = False, str(exc)
            row = {
                "treatment": treatment,
                "nutrient": nutrient,
                "metric": metric,
                "label": SHORT_NAMES[metric],
                "value": value,
                "unit": _UNITS[metric],
                "computed": computed,
                **inputs,
                "reference": reference,
                "change_vs_reference_pct": np.nan,
                "rate_effect_pct": np.nan,
                "yield_effect_pct": np.nan,
                "note": note,
            }
            if (
                computed
                and metric in ("partial_factor_productivity", "partial_nutrient_balance")
                and reference is not None
            ):
                _rate_note(
                    row,
                    rates=rates,
                    y_map=y_map,
                    reference=reference,
                    nutrient=nutrient,
                    tolerance=equal_yield_tolerance_pct,
                    ci=ci_map.get(treatment),
                    confidence=confidence,
                    notes=notes,
                )
            rows.append(row)
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    for col in (
        "value",
        "yield_kg_ha",
        "nutrient_rate_kg_ha",
        "zero_nutrient_yield_kg_ha",
        "uptake_kg_ha",
        "zero_nutrient_uptake_kg_ha",
        "removal_kg_ha",
        "change_vs_reference_pct",
        "rate_effect_pct",
        "yield_effect_pct",
    ):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("float64")
    table["computed"] = table["computed"].astype(bool)
    # a label column like treatment, also when no zero-N treatment exists (all missing)
    table["zero_nutrient_treatment"] = table["zero_nutrient_treatment"].astype(
        table["treatment"].dtype
    )
    table.attrs["notes"] = summary_notes(table, treatments, zero, nutrient, "en") + notes["en"]
    for lang in NOTE_LANGUAGES[1:]:
        table.attrs[f"notes_{lang}"] = (
            summary_notes(table, treatments, zero, nutrient, lang) + notes[lang]
        )
    table.attrs["provenance"] = {
        "definitions": "Dobermann (2007), IFA Workshop on Fertilizer Best Management Practices",
        "nutrient": nutrient,
        "zero_nutrient_treatment": zero,
        "reference": reference,
        "yield_basis": "yield at the standard moisture [kg/ha]",
    }
    return table


def _zero_treatment(
    given: str | None, rates: Mapping[str, float], treatments: Sequence[str], nutrient: str
) -> str | None:
    if given is not None:
        if given not in treatments:
            raise DataValidationError(
                f"zero_nutrient_treatment {given!r} has no yield; treatments: "
                f"{', '.join(treatments)}."
            )
        if rates[given] > 0:
            raise DataValidationError(
                f"zero_nutrient_treatment {given!r} receives {message_number(rates[given])} kg "
                f"{nutrient}/ha, so "
                f"it is not a zero-{nutrient} (omission) plot; a reduced-rate control cannot "
                f"substitute for one. AE, RE and PE need a plot that received no {nutrient}."
            )
        return given
    zeros = [t for t in treatments if rates[t] == 0]
    if len(zeros) > 1:
        raise DataValidationError(
            f"several treatments receive no {nutrient} ({', '.join(zeros)}); name the omission "
            "plot with zero_nutrient_treatment=..."
        )
    return zeros[0] if zeros else None


def _compute(
    metric: str,
    inputs: Mapping[str, Any],
    nutrient: str,
    treatments: Sequence[str],
    zero: str | None,
) -> Numeric:
    y, f = inputs["yield_kg_ha"], inputs["nutrient_rate_kg_ha"]
    u, u0, y0 = (
        inputs["uptake_kg_ha"],
        inputs["zero_nutrient_uptake_kg_ha"],
        inputs["zero_nutrient_yield_kg_ha"],
    )
    try:
        if metric == "partial_factor_productivity":
            return partial_factor_productivity(y, nutrient_rate_kg_ha=f, nutrient=nutrient)
        if metric == "agronomic_efficiency":
            return agronomic_efficiency(
                y, nutrient_rate_kg_ha=f, zero_nutrient_yield_kg_ha=y0, nutrient=nutrient
            )
        if metric == "recovery_efficiency":
            return recovery_efficiency(
                u, nutrient_rate_kg_ha=f, zero_nutrient_uptake_kg_ha=u0, nutrient=nutrient
            )
        if metric == "physiological_efficiency":
            return physiological_efficiency(
                y,
                uptake_kg_ha=u,
                zero_nutrient_yield_kg_ha=y0,
                zero_nutrient_uptake_kg_ha=u0,
                nutrient=nutrient,
            )
        if metric == "internal_efficiency":
            return internal_efficiency(y, uptake_kg_ha=u, nutrient=nutrient)
        return partial_nutrient_balance(
            inputs["removal_kg_ha"], nutrient_rate_kg_ha=f, nutrient=nutrient
        )
    except DataValidationError as exc:
        needs_zero = metric in (
            "agronomic_efficiency",
            "recovery_efficiency",
            "physiological_efficiency",
        )
        if needs_zero and zero is None and "omission" in str(exc):
            raise DataValidationError(
                f"{SHORT_NAMES[metric]} ({metric.replace('_', ' ')}) cannot be computed: no zero-"
                f"{nutrient} (omission) plot. None of the treatments ({', '.join(treatments)}) "
                f"received zero {nutrient}. A reduced-rate control cannot substitute: its yield "
                f"already contains a response to {nutrient}, so (Y - Y_reduced)/F is not "
                f"{SHORT_NAMES[metric]}. Add a zero-{nutrient} plot (same management, no "
                f"{nutrient}) to the next trial."
            ) from None
        raise


def _rate_note(
    row: dict[str, Any],
    *,
    rates: Mapping[str, float],
    y_map: Mapping[str, float],
    reference: str,
    nutrient: str,
    tolerance: float,
    ci: tuple[float, float] | None,
    notes: Mapping[str, list[str]],
    confidence: float | None = None,
) -> None:
    """Split the change of a rate-based metric vs ``reference`` into rate and yield parts."""
    treatment = row["treatment"]
    if treatment == reference or rates.get(reference, 0) <= 0:
        if treatment == reference:
            row["change_vs_reference_pct"] = 0.0
            row["rate_effect_pct"] = 0.0
            row["yield_effect_pct"] = 0.0
        return
    f_ref, f = rates[reference], row["nutrient_rate_kg_ha"]
    y_ref, y = y_map[reference], row["yield_kg_ha"]
    rate_factor = f_ref / f
    yield_factor = y / y_ref if y_ref > 0 else np.nan
    row["rate_effect_pct"] = 100.0 * (rate_factor - 1.0)
    row["yield_effect_pct"] = 100.0 * (yield_factor - 1.0)
    row["change_vs_reference_pct"] = 100.0 * (rate_factor * yield_factor - 1.0)
    label = row["label"]
    cut_pct = 100.0 * (1.0 - f / f_ref)
    if abs(cut_pct) < 1e-9:
        row["note"] = (
            f"same {nutrient} rate as {reference}: the {label} difference is the yield "
            "difference only."
        )
        return
    if abs(row["yield_effect_pct"]) <= tolerance:
        case = "equal_yield"
    elif ci is not None and ci[0] <= 0 <= ci[1]:
        case = "within_ci"
    else:
        case = "no_ci" if ci is None else "with_ci"
    texts = rate_notes(
        case,
        nutrient=nutrient,
        label=label,
        treatment=treatment,
        reference=reference,
        change_pct=row["change_vs_reference_pct"],
        rate_effect_pct=row["rate_effect_pct"],
        yield_effect_pct=row["yield_effect_pct"],
        rate_kg_ha=f,
        reference_rate_kg_ha=f_ref,
        confidence=confidence,
    )
    row["note"] = texts["en"]
    if label == "PFP":
        for lang, text in texts.items():
            notes[lang].append(text)
