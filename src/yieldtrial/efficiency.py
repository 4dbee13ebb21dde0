r"""Fertilizer-use efficiency: nutrient accounting and the Dobermann (2007) metrics.

The metrics are pure vectorized functions (float, ndarray or Series in, the
same kind out, NaN passes through): partial factor productivity (PFP), agronomic
efficiency (AE), apparent recovery efficiency (RE), physiological efficiency
(PE), internal efficiency (IE) and partial nutrient balance (PNB).  AE, RE and PE
need the yield (and uptake) of a **zero-nutrient (omission) plot**; each function
refuses with :class:`~yieldtrial.errors.DataValidationError` when that input is
missing, and never lets a reduced-rate control stand in.

Nutrient rates come from product rates and label grades through
:mod:`yieldtrial.nutrients` (re-exported here: :func:`parse_grade`,
:func:`nutrient_rates`, :func:`treatment_nutrient_rates`, the P2O5/P and K2O/K
conversions and the N content of additives such as dicyandiamide).

:func:`efficiency_table` ties both together for a trial: one row per treatment
and metric, with the inputs, and notes where a change comes only from the rate
cut (a lower rate raises PFP at equal yield).

References
----------
.. [1] A. Dobermann, "Nutrient use efficiency - measurement and management," in
   *Fertilizer Best Management Practices*, IFA International Workshop, Brussels,
   7-9 March 2007, International Fertilizer Industry Association, Paris, pp. 1-28.
.. [2] K. A. Congreves et al., "Nitrogen use efficiency definitions of today and
   tomorrow," *Front. Plant Sci.* 12:637108, 2021.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial._checks import as_numeric, check_option, check_range
from yieldtrial._typing import Numeric, like_input
from yieldtrial.errors import DataValidationError
from yieldtrial.nutrients import (
    ADDITIVE_N_PCT,
    K_PER_K2O,
    KG_HA_PER_KG_MU,
    NUTRIENTS,
    P_PER_P2O5,
    FertilizerGrade,
    FertilizerInput,
    FertilizerProduct,
    _template,
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
    # efficiency metrics
    "METRICS",
    "TABLE_COLUMNS",
    "agronomic_efficiency",
    "efficiency_table",
    "internal_efficiency",
    "partial_factor_productivity",
    "partial_nutrient_balance",
    "physiological_efficiency",
    "recovery_efficiency",
    "report_table",
    "resolve_fertilizer",
    "trial_efficiency",
    "trial_yields_kg_ha",
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

# ----------------------------------------------------------------------------- metrics


def _divide(numerator: Numeric, denominator: Numeric) -> Numeric:
    """Element-wise ratio that keeps the input kind and gives NaN where the denominator is 0."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(den == 0, np.nan, num / np.where(den == 0, 1.0, den))
    return like_input(result, _template(numerator, denominator))


def _require(value: Numeric | None, name: str, metric: str, need: str) -> Numeric:
    if value is None:
        raise DataValidationError(f"{metric} cannot be computed: {need}")
    return as_numeric(value, name)


def _need_zero_plot(nutrient: str, what: str = "yield") -> str:
    return (
        f"it needs the {what} of a zero-{nutrient} (omission) plot, a plot that received no "
        f"{nutrient} but otherwise the same management (zero_nutrient_{what}_kg_ha). A "
        f"reduced-rate control cannot substitute: its {what} already contains a response to "
        f"{nutrient}. Add a zero-{nutrient} plot to the trial, or report partial factor "
        "productivity instead."
    )


def _need_uptake(nutrient: str) -> str:
    return (
        f"it needs plant {nutrient} uptake (uptake_kg_ha: total above-ground {nutrient} at "
        "maturity = biomass x concentration, from plant analysis), which was not given."
    )


def _check_rate(rate: Numeric, nutrient: str) -> None:
    check_range(
        "nutrient_rate_kg_ha",
        rate,
        low=0,
        low_inclusive=False,
        fix=f"Efficiency per kg of {nutrient} applied is undefined for a plot that "
        f"received no {nutrient}; give the {nutrient} rate of fertilized treatments.",
    )


def partial_factor_productivity(
    yield_kg_ha: Numeric, *, nutrient_rate_kg_ha: Numeric, nutrient: str = "N"
) -> Numeric:
    """Partial factor productivity, PFP = Y / F.

    Parameters
    ----------
    yield_kg_ha : numeric
        Grain yield of the fertilized treatment, at the standard moisture. [kg/ha]
    nutrient_rate_kg_ha : numeric
        Nutrient applied, F (> 0). [kg/ha]
    nutrient : str, default "N"
        Nutrient name, used in messages only.

    Returns
    -------
    numeric
        Grain per unit of nutrient applied, same kind and index as the inputs. [kg/kg]

    Raises
    ------
    DataValidationError
        If a yield is negative or a rate is not positive.

    Notes
    -----
    PFP needs no zero-nutrient plot, but it rises mechanically when F is cut:
    at equal yield a 20 % lower rate gives a 1/0.8 - 1 = 25 % higher PFP.
    Typical cereal values 40-80 kg/kg N [1]_.

    References
    ----------
    .. [1] A. Dobermann, "Nutrient use efficiency - measurement and management,"
       IFA Workshop on Fertilizer Best Management Practices, Brussels, 2007, pp. 1-28.

    Examples
    --------
    >>> round(partial_factor_productivity(6000.0, nutrient_rate_kg_ha=120.0), 6)
    50.0
    """
    y = as_numeric(yield_kg_ha, "yield_kg_ha")
    f = as_numeric(nutrient_rate_kg_ha, "nutrient_rate_kg_ha")
    check_range("yield_kg_ha", y, low=0)
    _check_rate(f, nutrient)
    return _divide(y, f)


def agronomic_efficiency(
    yield_kg_ha: Numeric,
    *,
    nutrient_rate_kg_ha: Numeric,
    zero_nutrient_yield_kg_ha: Numeric | None = None,
    nutrient: str = "N",
) -> Numeric:
    """Agronomic efficiency, AE = (Y - Y0) / F.

    Parameters
    ----------
    yield_kg_ha : numeric
        Grain yield with the nutrient, Y. [kg/ha]
    nutrient_rate_kg_ha : numeric
        Nutrient applied, F (> 0). [kg/ha]
    zero_nutrient_yield_kg_ha : numeric
        Yield of the zero-nutrient (omission) plot, Y0.  Required; a reduced-rate
        control is *not* an omission plot. [kg/ha]
    nutrient : str, default "N"
        Nutrient name, used in messages only.

    Returns
    -------
    numeric
        Extra grain per unit of nutrient applied. [kg/kg]

    Raises
    ------
    DataValidationError
        If ``zero_nutrient_yield_kg_ha`` is missing, or on negative yields or a
        non-positive rate.

    Notes
    -----
    Typical cereal values 10-30 kg/kg N [1]_.  AE = RE x PE.

    References
    ----------
    .. [1] A. Dobermann, "Nutrient use efficiency - measurement and management,"
       IFA Workshop on Fertilizer Best Management Practices, Brussels, 2007, pp. 1-28.

    Examples
    --------
    >>> round(agronomic_efficiency(6000.0, nutrient_rate_kg_ha=120.0,
    ...                            zero_nutrient_yield_kg_ha=3600.0), 6)
    20.0
    """
    y0 = _require(
        zero_nutrient_yield_kg_ha,
        "zero_nutrient_yield_kg_ha",
        "agronomic efficiency",
        _need_zero_plot(nutrient),
    )
    y = as_numeric(yield_kg_ha, "yield_kg_ha")
    f = as_numeric(nutrient_rate_kg_ha, "nutrient_rate_kg_ha")
    check_range("yield_kg_ha", y, low=0)
    check_range("zero_nutrient_yield_kg_ha", y0, low=0)
    _check_rate(f, nutrient)
    return _divide(_subtract(y, y0), f)


def recovery_efficiency(
    uptake_kg_ha: Numeric | None = None,
    *,
    nutrient_rate_kg_ha: Numeric,
    zero_nutrient_uptake_kg_ha: Numeric | None = None,
    nutrient: str = "N",
) -> Numeric:
    """Apparent recovery efficiency (difference method), RE = (U - U0) / F.

    Parameters
    ----------
    uptake_kg_ha : numeric
        Total above-ground nutrient uptake at maturity with the nutrient, U. [kg/ha]
    nutrient_rate_kg_ha : numeric
        Nutrient applied, F (> 0). [kg/ha]
    zero_nutrient_uptake_kg_ha : numeric
        Uptake of the zero-nutrient (omission) plot at maturity, U0 (not the plant
        nutrient "at the beginning"). [kg/ha]
    nutrient : str, default "N"
        Nutrient name, used in messages only.

    Returns
    -------
    numeric
        Fraction of the applied nutrient taken up by the crop (x 100 for the
        Chinese 肥料利用率 in %). [kg/kg]

    Raises
    ------
    DataValidationError
        If an uptake is missing (both are required), or on negative values.

    Notes
    -----
    Typical cereal values 0.3-0.5 kg/kg N; 0.5-0.8 in well-managed systems [1]_.

    References
    ----------
    .. [1] A. Dobermann, "Nutrient use efficiency - measurement and management,"
       IFA Workshop on Fertilizer Best Management Practices, Brussels, 2007, pp. 1-28.

    Examples
    --------
    >>> round(recovery_efficiency(100.0, nutrient_rate_kg_ha=120.0,
    ...                           zero_nutrient_uptake_kg_ha=60.0), 4)
    0.3333
    """
    u = _require(uptake_kg_ha, "uptake_kg_ha", "recovery efficiency", _need_uptake(nutrient))
    u0 = _require(
        zero_nutrient_uptake_kg_ha,
        "zero_nutrient_uptake_kg_ha",
        "recovery efficiency",
        _need_zero_plot(nutrient, "uptake"),
    )
    f = as_numeric(nutrient_rate_kg_ha, "nutrient_rate_kg_ha")
    check_range("uptake_kg_ha", u, low=0)
    check_range("zero_nutrient_uptake_kg_ha", u0, low=0)
    _check_rate(f, nutrient)
    return _divide(_subtract(u, u0), f)


def physiological_efficiency(
    yield_kg_ha: Numeric,
    *,
    uptake_kg_ha: Numeric | None = None,
    zero_nutrient_yield_kg_ha: Numeric | None = None,
    zero_nutrient_uptake_kg_ha: Numeric | None = None,
    nutrient: str = "N",
) -> Numeric:
    """Physiological efficiency, PE = (Y - Y0) / (U - U0).

    Parameters
    ----------
    yield_kg_ha : numeric
        Grain yield with the nutrient, Y. [kg/ha]
    uptake_kg_ha : numeric
        Total above-ground uptake with the nutrient, U. [kg/ha]
    zero_nutrient_yield_kg_ha : numeric
        Yield of the zero-nutrient (omission) plot, Y0. [kg/ha]
    zero_nutrient_uptake_kg_ha : numeric
        Uptake of the zero-nutrient plot, U0. [kg/ha]
    nutrient : str, default "N"
        Nutrient name, used in messages only.

    Returns
    -------
    numeric
        Extra grain per unit of extra nutrient taken up; NaN where U = U0. [kg/kg]

    Raises
    ------
    DataValidationError
        If any of the four inputs is missing, or on negative values.

    Notes
    -----
    Typical cereal values 40-60 kg/kg N [1]_.

    References
    ----------
    .. [1] A. Dobermann, "Nutrient use efficiency - measurement and management,"
       IFA Workshop on Fertilizer Best Management Practices, Brussels, 2007, pp. 1-28.

    Examples
    --------
    >>> round(physiological_efficiency(6000.0, uptake_kg_ha=100.0,
    ...       zero_nutrient_yield_kg_ha=3600.0, zero_nutrient_uptake_kg_ha=60.0), 6)
    60.0
    """
    y0 = _require(
        zero_nutrient_yield_kg_ha,
        "zero_nutrient_yield_kg_ha",
        "physiological efficiency",
        _need_zero_plot(nutrient),
    )
    u = _require(uptake_kg_ha, "uptake_kg_ha", "physiological efficiency", _need_uptake(nutrient))
    u0 = _require(
        zero_nutrient_uptake_kg_ha,
        "zero_nutrient_uptake_kg_ha",
        "physiological efficiency",
        _need_zero_plot(nutrient, "uptake"),
    )
    y = as_numeric(yield_kg_ha, "yield_kg_ha")
    for name, value in (
        ("yield_kg_ha", y),
        ("zero_nutrient_yield_kg_ha", y0),
        ("uptake_kg_ha", u),
        ("zero_nutrient_uptake_kg_ha", u0),
    ):
        check_range(name, value, low=0)
    return _divide(_subtract(y, y0), _subtract(u, u0))


def internal_efficiency(
    yield_kg_ha: Numeric, *, uptake_kg_ha: Numeric | None = None, nutrient: str = "N"
) -> Numeric:
    """Compute the internal efficiency, IE = Y / U.

    Parameters
    ----------
    yield_kg_ha : numeric
        Grain yield, Y. [kg/ha]
    uptake_kg_ha : numeric
        Total above-ground nutrient uptake at maturity, U (> 0). [kg/ha]
    nutrient : str, default "N"
        Nutrient name, used in messages only.

    Returns
    -------
    numeric
        Grain per unit of nutrient in the crop. [kg/kg]

    Raises
    ------
    DataValidationError
        If ``uptake_kg_ha`` is missing or not positive.

    Notes
    -----
    Dobermann's IE is grain yield over plant uptake (typical 30-90 kg/kg N,
    55-65 with balanced nutrition [1]_), not the N harvest index (grain N over
    plant N) that some packages call IE.

    References
    ----------
    .. [1] A. Dobermann, "Nutrient use efficiency - measurement and management,"
       IFA Workshop on Fertilizer Best Management Practices, Brussels, 2007, pp. 1-28.

    Examples
    --------
    >>> round(internal_efficiency(6000.0, uptake_kg_ha=100.0), 6)
    60.0
    """
    u = _require(uptake_kg_ha, "uptake_kg_ha", "internal efficiency", _need_uptake(nutrient))
    y = as_numeric(yield_kg_ha, "yield_kg_ha")
    check_range("yield_kg_ha", y, low=0)
    check_range(
        "uptake_kg_ha",
        u,
        low=0,
        low_inclusive=False,
        fix="Plant uptake must be positive; check the plant analysis.",
    )
    return _divide(y, u)


def partial_nutrient_balance(
    removal_kg_ha: Numeric | None = None, *, nutrient_rate_kg_ha: Numeric, nutrient: str = "N"
) -> Numeric:
    """Partial nutrient balance (removal-to-use ratio), PNB = U_H / F.

    Parameters
    ----------
    removal_kg_ha : numeric
        Nutrient removed in the harvested product, U_H (grain yield x grain
        nutrient concentration, same moisture basis). [kg/ha]
    nutrient_rate_kg_ha : numeric
        Nutrient applied, F (> 0). [kg/ha]
    nutrient : str, default "N"
        Nutrient name, used in messages only.

    Returns
    -------
    numeric
        Nutrient removed per unit applied: < 1 more applied than removed (soil
        builds up), > 1 removal exceeds input (soil mining). [kg/kg]

    Raises
    ------
    DataValidationError
        If ``removal_kg_ha`` is missing, or on negative values.

    References
    ----------
    .. [1] A. Dobermann, "Nutrient use efficiency - measurement and management,"
       IFA Workshop on Fertilizer Best Management Practices, Brussels, 2007, pp. 1-28.

    Examples
    --------
    >>> round(partial_nutrient_balance(84.0, nutrient_rate_kg_ha=120.0), 6)
    0.7
    """
    r = _require(
        removal_kg_ha,
        "removal_kg_ha",
        "partial nutrient balance",
        f"it needs the {nutrient} removed in the harvested product (removal_kg_ha = grain "
        f"yield x grain {nutrient} concentration), which was not given.",
    )
    f = as_numeric(nutrient_rate_kg_ha, "nutrient_rate_kg_ha")
    check_range("removal_kg_ha", r, low=0)
    _check_rate(f, nutrient)
    return _divide(r, f)


def _subtract(a: Numeric, b: Numeric) -> Numeric:
    result = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    return like_input(result, _template(a, b))


# ----------------------------------------------------------------------------- table
_UNITS: Mapping[str, str] = {
    "partial_factor_productivity": "kg/kg",
    "agronomic_efficiency": "kg/kg",
    "recovery_efficiency": "kg/kg",
    "physiological_efficiency": "kg/kg",
    "internal_efficiency": "kg/kg",
    "partial_nutrient_balance": "kg/kg",
}
_LABELS: Mapping[str, str] = {
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


def _as_mapping(values: Mapping[str, float] | pd.Series | None, name: str) -> dict[str, float]:
    if values is None:
        return {}
    if isinstance(values, pd.Series):
        items = list(values.items())
    elif isinstance(values, Mapping):
        items = list(values.items())
    else:
        raise DataValidationError(
            f"{name} must be a mapping treatment -> value [kg/ha] (or a Series indexed by "
            f"treatment); got {type(values).__name__}."
        )
    out: dict[str, float] = {}
    for key, value in items:
        try:
            out[str(key)] = float(value)
        except (TypeError, ValueError):
            raise DataValidationError(
                f"{name}: treatment {key!r} has {value!r}, not a number [kg/ha]."
            ) from None
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


def _fmt(value: float) -> str:
    return f"{value:.4g}"


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
    yield_difference_ci: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Fertilizer-use efficiency of each treatment, with inputs and plain-language notes.

    Parameters
    ----------
    yields : mapping or Series
        Treatment -> grain yield at the standard moisture (LS-means for a
        replicated trial). [kg/ha]
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
    yield_difference_ci : mapping, optional
        Treatment -> (low, high) confidence interval of its yield difference from
        ``reference`` [kg/ha]; an interval containing 0 counts as equal yield.

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
        ``note``.  ``attrs["notes"]`` holds the plain-language notes for a report,
        ``attrs["provenance"]`` the inputs' description.

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
    wanted, explicit = _resolve_metrics(metrics)
    y_map = _as_mapping(yields, "yields")
    if not y_map:
        raise DataValidationError("yields is empty; give treatment -> yield [kg/ha].")
    u_map = _as_mapping(uptake, "uptake")
    r_map = _as_mapping(removal, "removal")
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
    ci_map = dict(yield_difference_ci or {})

    rows: list[dict[str, Any]] = []
    notes: list[str] = []
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
                "label": _LABELS[metric],
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
                    rows_ref=rates,
                    y_map=y_map,
                    reference=reference,
                    nutrient=nutrient,
                    tolerance=equal_yield_tolerance_pct,
                    ci=ci_map.get(treatment),
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
    table.attrs["notes"] = _summary_notes(table, treatments, zero, nutrient, rates) + notes
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
                f"zero_nutrient_treatment {given!r} receives {rates[given]:g} kg {nutrient}/ha, so "
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
                f"{_LABELS[metric]} ({metric.replace('_', ' ')}) cannot be computed: no zero-"
                f"{nutrient} (omission) plot. None of the treatments ({', '.join(treatments)}) "
                f"received zero {nutrient}. A reduced-rate control cannot substitute: its yield "
                f"already contains a response to {nutrient}, so (Y - Y_reduced)/F is not "
                f"{_LABELS[metric]}. Add a zero-{nutrient} plot (same management, no {nutrient}) "
                "to the next trial."
            ) from None
        raise


def _rate_note(
    row: dict[str, Any],
    *,
    rows_ref: Mapping[str, float],
    y_map: Mapping[str, float],
    reference: str,
    nutrient: str,
    tolerance: float,
    ci: tuple[float, float] | None,
    notes: list[str],
) -> None:
    treatment = row["treatment"]
    if treatment == reference or rows_ref.get(reference, 0) <= 0:
        if treatment == reference:
            row["change_vs_reference_pct"] = 0.0
            row["rate_effect_pct"] = 0.0
            row["yield_effect_pct"] = 0.0
        return
    f_ref, f = rows_ref[reference], row["nutrient_rate_kg_ha"]
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
    within_tolerance = abs(row["yield_effect_pct"]) <= tolerance
    within_ci = ci is not None and ci[0] <= 0 <= ci[1]
    direction = "cutting" if cut_pct > 0 else "raising"
    rate_text = (
        f"{direction} {nutrient} by {abs(cut_pct):.1f} % ({_fmt(f_ref)} -> {_fmt(f)} kg "
        f"{nutrient}/ha; {_fmt(f_ref / KG_HA_PER_KG_MU)} -> {_fmt(f / KG_HA_PER_KG_MU)} "
        "kg/mu)"
    )
    head = f"{label} of {treatment} is {row['change_vs_reference_pct']:+.1f} % vs {reference}"
    rate_part = (
        f"{rate_text} alone changes {label} by {reference}'s rate / {treatment}'s "
        f"rate - 1 = {row['rate_effect_pct']:+.1f} % at equal yield"
    )
    caveat = (
        f"It is not evidence of better {nutrient} use; that needs AE or RE from a "
        f"zero-{nutrient} plot."
    )
    if within_tolerance:
        text = (
            f"{head}; the yields are equal, so this comes only from the rate: {rate_part}. "
            + caveat
        )
    elif within_ci:
        text = (
            f"{head}; the yield difference ({row['yield_effect_pct']:+.1f} %) is within its "
            "confidence interval of no difference, so the change comes from the rate: "
            f"{rate_part}. " + caveat
        )
    elif ci is None:
        text = (
            f"{head}: {rate_part}; the remaining part is the yield difference "
            f"({row['yield_effect_pct']:+.1f} %), which has no confidence interval here and may "
            "be plot-to-plot variation. " + caveat
        )
    else:
        text = (
            f"{head}: {rate_part}; the yield difference ({row['yield_effect_pct']:+.1f} %) "
            "accounts for the rest."
        )
    row["note"] = text
    if label == "PFP":
        notes.append(text)


def _summary_notes(
    table: pd.DataFrame,
    treatments: Sequence[str],
    zero: str | None,
    nutrient: str,
    rates: Mapping[str, float],
) -> list[str]:
    notes: list[str] = []
    absent = table.loc[~table["computed"], "label"].drop_duplicates().tolist()
    zero_metrics = [m for m in absent if m in ("AE", "RE", "PE")]
    if zero is None and zero_metrics:
        notes.append(
            f"{', '.join(zero_metrics)} cannot be computed: the trial has no zero-{nutrient} "
            f"(omission) plot; none of {', '.join(treatments)} received zero {nutrient}. A "
            f"reduced-rate control cannot substitute for it. Only PFP (and IE, PNB when plant "
            f"analyses are available) can be reported."
        )
    elif zero is not None:
        notes.append(f"Zero-{nutrient} (omission) plot: {zero!r} (receives no {nutrient}).")
    uptake_metrics = [m for m in absent if m in ("RE", "PE", "IE")]
    if uptake_metrics and table["uptake_kg_ha"].isna().any():
        notes.append(
            f"{', '.join(uptake_metrics)} need plant {nutrient} uptake (total above-ground "
            f"{nutrient} at maturity, from plant analysis), which was not given."
        )
    if "PNB" in absent and table["removal_kg_ha"].isna().any():
        notes.append(
            f"PNB needs the {nutrient} removed in the harvested grain (yield x grain {nutrient} "
            "concentration), which was not given."
        )
    return notes


# ----------------------------------------------------------------------------- trials
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


def trial_yields_kg_ha(
    trial: Any, *, reference: str | None = None, confidence: float = 0.95
) -> tuple[dict[str, float], dict[str, tuple[float, float]], str]:
    """LS-means of a trial's treatments and, when replicated, CIs of differences from a reference.

    Parameters
    ----------
    trial : FieldTrial
        The trial.
    reference : str, optional
        Treatment the differences are taken from (usually the control).
    confidence : float
        Confidence level of the (Dunnett simultaneous) intervals.

    Returns
    -------
    tuple
        ``(yields, ci, how)``: treatment -> LS-mean [kg/ha]; treatment ->
        (ci_low, ci_high) of its difference from ``reference`` [kg/ha] (empty when
        unreplicated or without a reference); a description of the estimate.
    """
    from yieldtrial.stats.model import fit

    data = trial.yields(unit="kg/ha")
    data = data[data["yield_kg_ha"].notna()]
    replicated = bool(getattr(trial, "is_replicated", False))
    design = str(trial.design) if replicated else "crd"
    block = "block" if design == "rcbd" else None
    mm = fit(
        data, response="yield_kg_ha", treatment="treatment", block=block, design=design
    ).means_model()
    yields = {str(level): float(v) for level, v in zip(mm.levels, mm.estimates, strict=True)}
    ci: dict[str, tuple[float, float]] = {}
    how = (
        f"LS-means of the {design.upper()} model"
        if replicated
        else "plot yields (one harvest per treatment: no confidence intervals)"
    )
    if replicated and reference is not None:
        from yieldtrial.stats.compare import compare_means_to_control

        comp = compare_means_to_control(mm, control=reference, confidence=confidence)
        if "ci_low_kg_ha" in comp and "ci_high_kg_ha" in comp:
            for name, low, high in zip(
                comp["treatment"].astype(str),
                comp["ci_low_kg_ha"].to_numpy(dtype=float),
                comp["ci_high_kg_ha"].to_numpy(dtype=float),
                strict=True,
            ):
                ci[name] = (float(low), float(high))
            how += f"; {confidence:.0%} Dunnett simultaneous CIs of differences from {reference}"
    return yields, ci, how


def trial_efficiency(
    trial: Any,
    fertilizer: FertilizerInput | None = None,
    *,
    nutrient: str = "N",
    config: Any = None,
    reference: str | None = None,
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
        Treatment the notes compare with; default the trial's first control.
    **options
        Passed to :func:`efficiency_table` (``zero_nutrient_treatment``,
        ``uptake``, ``removal``, ``metrics``, ...).

    Returns
    -------
    DataFrame
        See :func:`efficiency_table`; ``attrs["provenance"]["yields"]`` says how
        the yields were estimated.
    """
    fert = resolve_fertilizer(trial, fertilizer, config=config)
    controls = tuple(getattr(trial, "control", None) or ())
    if reference is None and controls:
        reference = str(controls[0])
    yields, ci, how = trial_yields_kg_ha(trial, reference=reference)
    # rows in the order of the fertilizer description (trial.toml), then any other treatment
    yields = {t: yields[t] for t in fert if t in yields} | yields
    options.setdefault("yield_difference_ci", ci or None)
    table = efficiency_table(yields, fert, nutrient=nutrient, reference=reference, **options)
    table.attrs["provenance"]["yields"] = how
    if not bool(getattr(trial, "is_replicated", False)):
        table.attrs["notes"].append(_UNREPLICATED_NOTE)
    return table


_UNREPLICATED_NOTE = (
    "One harvest per treatment: the yields behind these efficiencies are single plots, so a yield "
    "difference between treatments cannot be told from plot-to-plot noise."
)


_REPORT_LABELS: Mapping[str, Mapping[str, str]] = {
    "treatment": {"en": "Treatment", "zh": "处理"},
    "fertilizer": {"en": "Fertilizer", "zh": "施肥"},
    "nutrient_rate": {"en": "{n} rate ({u})", "zh": "{n}用量 ({u})"},
    "yield": {"en": "Yield ({u})", "zh": "产量 ({u})"},
    "metric": {"en": "{m} (kg/kg {n})", "zh": "{m} (kg/kg {n})"},
    "pfp_change_pct": {"en": "PFP vs {r} (%)", "zh": "PFP 较{r} (%)"},
    "rate_effect_pct": {"en": "of which rate cut (%)", "zh": "其中减量所致 (%)"},
}


def report_table(
    trial: Any,
    config: Any,
    *,
    unit: str = "kg/ha",
    lang: str = "en",
    means: pd.DataFrame | None = None,
    nutrient: str = "N",
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
    controls = tuple(getattr(trial, "control", None) or ())
    reference = str(controls[0]) if controls else None
    # the report's means table is in its response unit, which the hook does not state;
    # recompute the LS-means in kg/ha from the trial instead (same model, same numbers)
    yields, ci, _ = trial_yields_kg_ha(trial, reference=reference)
    yields = {t: yields[t] for t in fert if t in yields}  # trial.toml's order
    if not yields:
        return None
    try:
        long = efficiency_table(
            yields, fert, nutrient=nutrient, reference=reference, yield_difference_ci=ci or None
        )
        rates = treatment_nutrient_rates({t: fert[t] for t in yields})
    except DataValidationError as exc:
        # an incomplete description must not break the report: say what is missing
        key = "zh" if lang == "zh" else "en"
        out = pd.DataFrame(
            {
                "treatment": list(yields),
                "fertilizer": [
                    ", ".join(str(p.get("product", "?")) for p in fert[t]) for t in yields
                ],
            }
        )
        out.attrs["column_labels"] = {
            "treatment": _REPORT_LABELS["treatment"][key],
            "fertilizer": _REPORT_LABELS["fertilizer"][key],
        }
        out.attrs["notes"] = [f"Fertilizer efficiency not computed: {exc}"]
        return out
    per_area = 1.0 / KG_HA_PER_KG_MU if yield_unit(unit) == "kg/mu" else 1.0
    area = "kg/mu" if per_area != 1.0 else "kg/ha"
    fertilized = list(dict.fromkeys(long["treatment"]))
    out = pd.DataFrame({"treatment": fertilized})
    out["fertilizer"] = [rates.loc[rates["treatment"] == t, "products"].iloc[0] for t in fertilized]
    key = "zh" if lang == "zh" else "en"
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
        labels[short] = _REPORT_LABELS["metric"][key].format(m=_LABELS[metric], n=nutrient)
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
    out.attrs["notes"] = (
        _notes_zh(long, list(yields), nutrient)
        if key == "zh"
        else list(long.attrs.get("notes", []))
    )
    if not bool(getattr(trial, "is_replicated", False)):
        out.attrs["notes"].append(
            "每个处理只有一次收获：效率所依据的产量是单个小区，处理间产量差异无法与小区误差区分。"
            if key == "zh"
            else _UNREPLICATED_NOTE
        )
    out.attrs["provenance"] = dict(long.attrs.get("provenance", {}))
    return out


def _notes_zh(long: pd.DataFrame, treatments: Sequence[str], nutrient: str) -> list[str]:
    """Chinese version of the efficiency table's plain-language notes."""
    notes: list[str] = []
    zero = long.attrs.get("provenance", {}).get("zero_nutrient_treatment")
    absent = long.loc[~long["computed"], "label"].drop_duplicates().tolist()
    zero_metrics = [m for m in absent if m in ("AE", "RE", "PE")]
    if zero is None and zero_metrics:
        notes.append(
            f"无法计算 {'、'.join(zero_metrics)}：试验没有不施{nutrient}的空白（缺素）小区，"
            f"{'、'.join(treatments)} 都施了{nutrient}。减量处理不能代替空白小区（其产量已包含对"
            f"{nutrient}的响应）。只能报告偏生产力 PFP（有植株养分分析时还可报告 IE、PNB）。"
        )
    elif zero is not None:
        notes.append(f"不施{nutrient}的空白（缺素）小区：{zero}。")
    uptake_metrics = [m for m in absent if m in ("RE", "PE", "IE")]
    if uptake_metrics and long["uptake_kg_ha"].isna().any():
        notes.append(
            f"{'、'.join(uptake_metrics)} 需要植株{nutrient}吸收量（成熟期地上部总吸{nutrient}量，"
            "来自植株分析），未提供。"
        )
    if "PNB" in absent and long["removal_kg_ha"].isna().any():
        notes.append(f"PNB 需要籽粒带走的{nutrient}量（产量 × 籽粒含{nutrient}量），未提供。")
    pfp = long[(long["metric"] == "partial_factor_productivity") & long["computed"]]
    for rec in pfp.to_dict("records"):
        treatment, note = str(rec["treatment"]), str(rec["note"])
        reference = None if rec["reference"] is None else str(rec["reference"])
        if reference is None or treatment == reference or not np.isfinite(rec["rate_effect_pct"]):
            continue
        f_ref = float(long.loc[long["treatment"] == reference, "nutrient_rate_kg_ha"].iloc[0])
        f = float(rec["nutrient_rate_kg_ha"])
        cut = 100.0 * (1.0 - f / f_ref)
        if abs(cut) < 1e-9:
            continue
        change = float(rec["change_vs_reference_pct"])
        rate, yld = float(rec["rate_effect_pct"]), float(rec["yield_effect_pct"])
        verb = "减少" if cut > 0 else "增加"
        amounts = (
            f"{_fmt(f_ref / KG_HA_PER_KG_MU)}→{_fmt(f / KG_HA_PER_KG_MU)} kg/亩，"
            f"{_fmt(f_ref)}→{_fmt(f)} kg/公顷"
        )
        if "within its confidence interval" in note or "yields are equal" in note:
            notes.append(
                f"{treatment} 的 PFP 比 {reference} {change:+.1f} %。产量相同（或差异在置信区间"
                f"内），这一变化完全来自用量：{nutrient}用量{verb} {abs(cut):.1f} %（{amounts}），"
                f"仅此一项在等产条件下使 PFP 变化 {rate:+.1f} %。这不能说明{nutrient}利用更好，"
                f"需要空白小区的 AE 或 RE。"
            )
        elif "has no confidence interval" in note:
            notes.append(
                f"{treatment} 的 PFP 比 {reference} {change:+.1f} %：其中{nutrient}用量{verb} "
                f"{abs(cut):.1f} %（{amounts}）在等产条件下使 PFP 变化 {rate:+.1f} %；"
                f"其余部分是产量差异（{yld:+.1f} %），它没有置信区间，可能只是小区间的随机差异。"
                f"这不能说明{nutrient}利用更好，需要空白小区的 AE 或 RE。"
            )
        else:
            notes.append(
                f"{treatment} 的 PFP 比 {reference} {change:+.1f} %：其中{nutrient}用量{verb} "
                f"{abs(cut):.1f} %（{amounts}）贡献 {rate:+.1f} %，"
                f"产量差异（{yld:+.1f} %）贡献其余部分。"
            )
    return notes
