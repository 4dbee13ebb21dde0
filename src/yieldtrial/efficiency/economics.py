"""Fertilizer economics: value-cost ratio and net return of each treatment against a control.

Prices are in any currency; the table states it in a ``currency`` column and
never converts.  Money per area is per hectare (divide by 15 for per mu).

* ``value_change = yield difference x grain price``;
* ``cost_change = fertilizer cost of the treatment - that of the control``;
* ``net_return_change = value_change - cost_change`` (施肥纯收益 difference);
* ``value_cost_ratio = value_change / cost_change``, defined only when the
  treatment costs more than the control (VCR > 1 pays; about 2 is the usual
  adoption threshold for smallholders).  A treatment that costs *less* than the
  control (a rate cut) has no meaningful VCR: judge it by the net return change.

When the trial is replicated, the confidence interval of the yield difference
(``ci_low_kg_ha``, ``ci_high_kg_ha`` of
:func:`yieldtrial.stats.compare.compare_to_control`) is carried through: both
``net_return_change`` and ``value_cost_ratio`` are linear in the yield
difference for fixed prices, so their limits are the limits of the yield
difference mapped through the same formula (prices are taken as known).

References
----------
.. [1] CIMMYT (1988). *From Agronomic Data to Farmer Recommendations: An Economics
   Training Manual*, completely revised edition. Mexico, D.F.: CIMMYT (partial budgets,
   marginal rate of return).
.. [2] NY/T 3181-2018, 缓释肥料 效果试验和评价要求 (slow-release fertilizer field
   evaluation): 施肥纯收益 (net return from fertilization) and 产投比 (output/input ratio).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial._typing import Numeric, like_input
from yieldtrial.config import MAX_RATE
from yieldtrial.config import warn_unused_prices as warn_of_unused_prices
from yieldtrial.efficiency.grades import output_template
from yieldtrial.efficiency.intervals import yield_difference_intervals, yields_to_kg_ha
from yieldtrial.efficiency.nutrients import FertilizerInput, products_by_treatment
from yieldtrial.efficiency.table import as_float_mapping
from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import (
    as_numeric,
    check_aligned,
    check_number,
    check_probability,
    check_range,
    check_result_finite,
)

__all__ = [
    "ECONOMICS_COLUMNS",
    "economics_options",
    "economics_table",
    "fertilizer_cost_per_ha",
    "net_return_change",
    "trial_economics",
    "value_cost_ratio",
]

#: Columns of :func:`economics_table`, in order.
ECONOMICS_COLUMNS: tuple[str, ...] = (
    "treatment",
    "control",
    "currency",
    "grain_price_per_kg",
    "yield_kg_ha",
    "control_yield_kg_ha",
    "yield_difference_kg_ha",
    "yield_difference_ci_low_kg_ha",
    "yield_difference_ci_high_kg_ha",
    "confidence",
    "fertilizer_cost_per_ha",
    "control_fertilizer_cost_per_ha",
    "cost_change_per_ha",
    "gross_value_per_ha",
    "net_return_per_ha",
    "value_change_per_ha",
    "net_return_change_per_ha",
    "net_return_change_ci_low_per_ha",
    "net_return_change_ci_high_per_ha",
    "value_cost_ratio",
    "value_cost_ratio_ci_low",
    "value_cost_ratio_ci_high",
    "note",
)


def _value_and_cost(
    yield_difference_kg_ha: Numeric, grain_price_per_kg: Numeric, cost_change_per_ha: Numeric
) -> tuple[np.ndarray, np.ndarray, Numeric]:
    """Validate the inputs; return yield difference x price, the cost change, a template.

    The template is the input whose kind (Series, ndarray, float) the result takes.
    """
    dy = as_numeric(yield_difference_kg_ha, "yield_difference_kg_ha")
    price = as_numeric(grain_price_per_kg, "grain_price_per_kg")
    cost = as_numeric(cost_change_per_ha, "cost_change_per_ha")
    check_aligned(yield_difference_kg_ha=dy, grain_price_per_kg=price, cost_change_per_ha=cost)
    check_range("grain_price_per_kg", price, low=0)
    # infinity is never a yield difference or a cost (NaN, a missing one, passes)
    check_range("yield_difference_kg_ha", dy)
    check_range("cost_change_per_ha", cost)
    value = np.asarray(dy, dtype=float) * np.asarray(price, dtype=float)
    check_result_finite("the extra value yield_difference_kg_ha x grain_price_per_kg", value)
    return value, np.asarray(cost, dtype=float), output_template(dy, price, cost)


def value_cost_ratio(
    yield_difference_kg_ha: Numeric, *, grain_price_per_kg: Numeric, cost_change_per_ha: Numeric
) -> Numeric:
    """Value-cost ratio, VCR = yield difference x grain price / extra fertilizer cost.

    Parameters
    ----------
    yield_difference_kg_ha : numeric
        Treatment yield minus control yield. [kg/ha]
    grain_price_per_kg : numeric
        Farm-gate grain price. [currency/kg]
    cost_change_per_ha : numeric
        Treatment fertilizer cost minus control fertilizer cost (plus any extra
        application cost). [currency/ha]

    Returns
    -------
    numeric
        The ratio (dimensionless); NaN where ``cost_change_per_ha <= 0`` (a
        treatment that costs the same or less has no value-cost ratio; use
        :func:`net_return_change`).

    Raises
    ------
    DataValidationError
        If the grain price is negative.

    Notes
    -----
    VCR > 1: the extra fertilizer pays for itself; VCR >= 2 is the usual
    threshold for adoption by smallholders (risk premium).

    References
    ----------
    .. [1] CIMMYT (1988). *From Agronomic Data to Farmer Recommendations*. CIMMYT.

    Examples
    --------
    600 kg/ha more grain at 2.4 per kg for 360 more spent on fertilizer:

    >>> value_cost_ratio(600.0, grain_price_per_kg=2.4, cost_change_per_ha=360.0)
    4.0
    >>> value_cost_ratio(0.0, grain_price_per_kg=2.4, cost_change_per_ha=-90.0)
    nan
    """
    value, cost, template = _value_and_cost(
        yield_difference_kg_ha, grain_price_per_kg, cost_change_per_ha
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(cost > 0, value / np.where(cost > 0, cost, 1.0), np.nan)
    return like_input(result, template)


def net_return_change(
    yield_difference_kg_ha: Numeric, *, grain_price_per_kg: Numeric, cost_change_per_ha: Numeric
) -> Numeric:
    """Change in net return over fertilizer cost, treatment minus control.

    Parameters
    ----------
    yield_difference_kg_ha : numeric
        Treatment yield minus control yield. [kg/ha]
    grain_price_per_kg : numeric
        Farm-gate grain price. [currency/kg]
    cost_change_per_ha : numeric
        Treatment fertilizer cost minus control fertilizer cost. [currency/ha]

    Returns
    -------
    numeric
        ``yield_difference x price - cost_change``; positive means the treatment
        earns more than the control. [currency/ha]

    Raises
    ------
    DataValidationError
        If the grain price is negative.

    Examples
    --------
    Equal yield and 90 saved on fertilizer:

    >>> net_return_change(0.0, grain_price_per_kg=2.4, cost_change_per_ha=-90.0)
    90.0
    """
    value, cost, template = _value_and_cost(
        yield_difference_kg_ha, grain_price_per_kg, cost_change_per_ha
    )
    return like_input(value - cost, template)


def fertilizer_cost_per_ha(
    fertilizer: FertilizerInput,
    *,
    prices: Mapping[str, float] | None = None,
    warn_unused_prices: bool = True,
) -> pd.Series:
    """Fertilizer cost of each treatment: sum of product rate x product price.

    Parameters
    ----------
    fertilizer : mapping
        Treatment -> product(s), see :func:`yieldtrial.nutrients.products_by_treatment`.
    prices : mapping, optional
        Product name -> price per kg of *product* [currency/kg]; overrides a
        ``price_per_kg`` given in the product description.
    warn_unused_prices : bool, default True
        Warn of a price for a product no treatment's fertilizer names (the price is not
        used).  ``False`` for a caller that has said so already (the report, whose trial
        description warned when it was read).

    Returns
    -------
    Series
        Cost per hectare indexed by treatment. [currency/ha]

    Raises
    ------
    DataValidationError
        If a product has no price, or its rate is unknown (nutrient rates stated
        without a product rate cannot be priced).

    Warns
    -----
    YieldTrialWarning
        If ``prices`` names a product no treatment uses (unless ``warn_unused_prices`` is
        ``False``).

    Examples
    --------
    >>> fert = {"CK1": {"product": "compound 15-15-15", "rate_kg_mu": 50},
    ...         "T": [{"product": "compound 15-15-15", "rate_kg_mu": 40},
    ...               {"product": "synergist", "additive": "dicyandiamide", "rate_kg_mu": 0.5}]}
    >>> fertilizer_cost_per_ha(fert, prices={"compound 15-15-15": 3.0, "synergist": 20.0}).tolist()
    [2250.0, 1950.0]
    """
    price_map = {
        str(k): check_number(
            f"prices[{str(k)!r}]", v, low=0.0, high=MAX_RATE, high_inclusive=True,
            fix=f"a price is zero or positive, at most {MAX_RATE:g} (more is a typing error)",
        )  # the rule and message of [economics] prices in trial.toml
        for k, v in _mapping(prices, "prices").items()
    }  # fmt: skip
    described = products_by_treatment(fertilizer)
    used = [product.name for products in described.values() for product in products]
    if warn_unused_prices:  # as trial.toml's (stop 49)
        warn_of_unused_prices(price_map, list(dict.fromkeys(used)))
    costs: dict[str, float] = {}
    for treatment, products in described.items():
        total = 0.0
        for product in products:
            price = price_map.get(product.name, product.price_per_kg)
            if price is None:
                raise DataValidationError(
                    f"treatment {treatment!r}: product {product.name!r} has no price; give "
                    f"prices={{{product.name!r}: <price per kg of product>}} (or price_per_kg in "
                    "its description)."
                )
            if not np.isfinite(product.rate_kg_ha):
                raise DataValidationError(
                    f"treatment {treatment!r}: product {product.name!r} has no product rate (only "
                    "nutrient rates), so its cost is unknown; give rate_kg_ha or rate_kg_mu."
                )
            total += product.rate_kg_ha * price
        costs[treatment] = total
    return pd.Series(costs, name="fertilizer_cost_per_ha", dtype="float64")


def _mapping(values: Mapping[str, Any] | pd.Series | None, name: str) -> dict[str, Any]:
    if values is None:
        return {}
    if not isinstance(values, Mapping | pd.Series):  # prices=2.5: "'float' object is not iterable"
        raise DataValidationError(
            f"{name} must map a name to a number, e.g. {name}={{'urea': 2.5}}; got "
            f"{type(values).__name__} {values!r}"
        )
    return {str(k): v for k, v in dict(values).items()}


def economics_table(
    yields: Mapping[str, float] | pd.Series,
    fertilizer: FertilizerInput,
    *,
    control: str,
    grain_price_per_kg: float,
    currency: str,
    prices: Mapping[str, float] | None = None,
    other_costs_per_ha: Mapping[str, float] | None = None,
    yield_difference_ci: Mapping[str, tuple[float, float]] | pd.DataFrame | None = None,
    confidence: float | None = None,
    warn_unused_prices: bool = True,
) -> pd.DataFrame:
    """Value-cost ratio and net return of each treatment against a control.

    Parameters
    ----------
    yields : mapping or Series
        Treatment -> grain yield at the standard moisture (LS-means when
        replicated). [kg/ha]
        A Series named for a yield column in another unit (``yield_kg_mu``, the
        column of ``trial.means()`` in kg/mu) is converted to kg/ha.
    fertilizer : mapping
        Treatment -> product(s) with rates (and optionally ``price_per_kg``).
    control : str
        The reference treatment (e.g. the farmer's practice ``"CK1"``).
    grain_price_per_kg : float
        Grain price. [currency/kg]
    currency : str
        Currency of every price (``"CNY"``, ``"USD"``, ...), stated in the table.
    prices : mapping, optional
        Product name -> price per kg of product. [currency/kg]
    other_costs_per_ha : mapping, optional
        Treatment -> further cost that differs between treatments (e.g. an extra
        application pass). [currency/ha]
    yield_difference_ci : mapping or DataFrame, optional
        Treatment -> (low, high) confidence limits of its yield difference from
        ``control`` [kg/ha], or the table of ``compare_to_control`` as it is (its
        ``ci_low_kg_ha`` and ``ci_high_kg_ha``, or limits in another unit such as
        ``ci_low_kg_mu``, converted to kg/ha); carried through to the net return change
        and the VCR.
    confidence : float, optional
        Confidence level of those intervals (stated in the table).
    warn_unused_prices : bool, default True
        Warn of a price for a product no treatment uses (see
        :func:`fertilizer_cost_per_ha`).

    Returns
    -------
    DataFrame
        One row per treatment other than the control, columns
        :data:`ECONOMICS_COLUMNS` (money per ha, in ``currency``):
        ``fertilizer_cost_per_ha`` (incl. other costs), ``gross_value_per_ha``
        (yield x price), ``net_return_per_ha`` (value minus fertilizer cost),
        ``cost_change_per_ha``, ``value_change_per_ha``,
        ``net_return_change_per_ha`` with ``_ci_low``/``_ci_high``, and
        ``value_cost_ratio`` with its limits (NaN when the treatment costs the
        same or less than the control), and a plain-language ``note``.

    Raises
    ------
    DataValidationError
        If the control or a treatment's fertilizer is missing, or a price is missing.

    Examples
    --------
    >>> fert = {"CK1": {"product": "compound 15-15-15", "rate_kg_mu": 50, "price_per_kg": 3.0},
    ...         "CK2": {"product": "compound 15-15-15", "rate_kg_mu": 40, "price_per_kg": 3.0}}
    >>> t = economics_table({"CK1": 6630.0, "CK2": 6630.0}, fert, control="CK1",
    ...                     grain_price_per_kg=2.4, currency="CNY")
    >>> t[["cost_change_per_ha", "net_return_change_per_ha"]].iloc[0].tolist()
    [-450.0, 450.0]
    """
    # numbers by treatment, or a clear error; a Series named yield_kg_mu (trial.means()) in kg/ha
    y_map = as_float_mapping(yields_to_kg_ha(yields, "economics_table"), "yields")
    if not isinstance(control, str | int):  # a list was "unhashable type: 'list'"
        raise DataValidationError(
            f"economics_table: control = {control!r}; expected one treatment label, e.g. "
            f"control = {next(iter(y_map), 'CK')!r}."
        )
    if control not in y_map:
        raise DataValidationError(
            f"control {control!r} has no yield; treatments: {', '.join(y_map)}."
        )
    price = check_number(
        "grain_price_per_kg",
        grain_price_per_kg,
        "economics_table",
        low=0.0,
        high=MAX_RATE,
        high_inclusive=True,
        fix=f"rates and prices are zero or positive; more than {MAX_RATE:g} is a typing error",
    )  # the rule and message of [economics] in trial.toml
    if confidence is not None:  # the level of the intervals, stated in the table
        confidence = check_probability(confidence, "confidence", "economics_table")
    if not isinstance(currency, str):  # a list or True was printed as "['CNY']" and "True"
        raise DataValidationError(
            f'economics_table: currency = {currency!r}; expected text, e.g. currency = "CNY".'
        )
    if not currency.strip():
        raise DataValidationError('currency must be stated, e.g. currency="CNY".')
    costs = fertilizer_cost_per_ha(fertilizer, prices=prices, warn_unused_prices=warn_unused_prices)
    missing = [t for t in y_map if t not in costs.index]
    if missing:
        raise DataValidationError(
            f"treatment(s) {', '.join(map(repr, missing))} have a yield but no fertilizer "
            "description; add them (an empty list [] for no fertilizer)."
        )
    extra = {
        k: check_number(
            f"other_costs_per_ha[{k!r}]", v, "economics_table", low=-MAX_RATE, high=MAX_RATE,
            high_inclusive=True, fix=f"a cost is at most {MAX_RATE:g} in magnitude (more is a "
            "typing error)",
        )
        for k, v in _mapping(other_costs_per_ha, "other_costs_per_ha").items()
    }  # fmt: skip
    unknown = [k for k in extra if k not in y_map]  # a misspelt label was a cost of 0
    if unknown:
        raise DataValidationError(
            f"economics_table: other_costs_per_ha names {', '.join(map(repr, unknown))}, which "
            f"{'has' if len(unknown) == 1 else 'have'} no yield; treatments: "
            f"{', '.join(y_map)}"
        )
    cost = {t: float(costs[t]) + extra.get(t, 0.0) for t in y_map}
    ci_map = yield_difference_intervals(yield_difference_ci, "economics_table")
    rows = []
    for treatment in y_map:
        if treatment == control:
            continue
        dy = y_map[treatment] - y_map[control]
        dc = cost[treatment] - cost[control]
        low, high = ci_map.get(treatment, (np.nan, np.nan))
        low, high = float(low), float(high)
        nr, *nr_ci = _floats(
            net_return_change(
                np.array([dy, low, high]), grain_price_per_kg=price, cost_change_per_ha=dc
            )
        )
        vcr, *vcr_ci = _floats(
            value_cost_ratio(
                np.array([dy, low, high]), grain_price_per_kg=price, cost_change_per_ha=dc
            )
        )
        rows.append(
            {
                "treatment": treatment,
                "control": control,
                "currency": str(currency),
                "grain_price_per_kg": price,
                "yield_kg_ha": y_map[treatment],
                "control_yield_kg_ha": y_map[control],
                "yield_difference_kg_ha": dy,
                "yield_difference_ci_low_kg_ha": low,
                "yield_difference_ci_high_kg_ha": high,
                "confidence": np.nan if confidence is None else float(confidence),
                "fertilizer_cost_per_ha": cost[treatment],
                "control_fertilizer_cost_per_ha": cost[control],
                "cost_change_per_ha": dc,
                "gross_value_per_ha": y_map[treatment] * price,
                "net_return_per_ha": y_map[treatment] * price - cost[treatment],
                "value_change_per_ha": dy * price,
                "net_return_change_per_ha": nr,
                "net_return_change_ci_low_per_ha": nr_ci[0],
                "net_return_change_ci_high_per_ha": nr_ci[1],
                "value_cost_ratio": vcr,
                "value_cost_ratio_ci_low": vcr_ci[0],
                "value_cost_ratio_ci_high": vcr_ci[1],
                "note": _note(
                    treatment,
                    control,
                    dy,
                    dc,
                    nr,
                    nr_ci,
                    vcr,
                    str(currency),
                    has_ci=bool(np.isfinite(low) and np.isfinite(high)),
                ),
            }
        )
    table = pd.DataFrame(rows, columns=list(ECONOMICS_COLUMNS))
    table.attrs["provenance"] = {
        "currency": str(currency),
        "grain_price_per_kg": price,
        "control": control,
        "area": "per hectare",
        "confidence": confidence,
        "ci_method": "yield-difference limits mapped through the linear price formula "
        "(prices taken as known)",
    }
    return table


def _floats(values: Numeric) -> list[float]:
    return [float(v) for v in np.asarray(values, dtype=float)]


def _note(
    treatment: str,
    control: str,
    dy: float,
    dc: float,
    nr: float,
    nr_ci: list[float],
    vcr: float,
    currency: str,
    *,
    has_ci: bool,
) -> str:
    parts = []
    if dc < 0:
        parts.append(
            f"{treatment} saves {-dc:.0f} {currency}/ha on fertilizer vs {control}; "
            "VCR is undefined for a cheaper treatment, judge it by the net return change"
        )
    elif dc == 0:
        parts.append(
            f"{treatment} costs the same as {control}; the net return change is the "
            "value of the yield difference"
        )
    else:
        verdict = "pays" if vcr > 1 else "does not pay"
        parts.append(
            f"{treatment} costs {dc:.0f} {currency}/ha more than {control}; VCR "
            f"{vcr:.2f} ({verdict}; about 2 is the usual adoption threshold)"
        )
    text = f"net return change {nr:+.0f} {currency}/ha"
    if has_ci:
        text += f" (CI {nr_ci[0]:+.0f} to {nr_ci[1]:+.0f})"
        if nr_ci[0] < 0 < nr_ci[1]:
            text += ", the interval includes a loss and a gain"
    else:
        text += " (no confidence interval: unreplicated or not given)"
    parts.append(text)
    return "; ".join(parts) + "."


def trial_economics(
    trial: Any,
    fertilizer: FertilizerInput | None = None,
    *,
    grain_price_per_kg: float,
    currency: str,
    prices: Mapping[str, float] | None = None,
    control: str | None = None,
    confidence: float = 0.95,
    other_costs_per_ha: Mapping[str, float] | None = None,
    config: Any = None,
    kind: str | None = None,
    at: str | None = None,
    warn_unused_prices: bool = True,
) -> pd.DataFrame:
    """Economics table of a :class:`~yieldtrial.trial.FieldTrial` against its control.

    Yields are the LS-means of the trial's design model (any design; see
    :func:`yieldtrial.efficiency.trial_yields_kg_ha`); when the trial is replicated
    the Dunnett simultaneous confidence interval of each yield difference (from
    :meth:`FieldTrial.compare_to_control <yieldtrial.trial.FieldTrial.compare_to_control>`)
    is carried through to the net return change and the VCR.

    Parameters
    ----------
    trial : FieldTrial
        The trial.
    fertilizer : mapping, optional
        Treatment -> product(s) with rates and prices; default from ``config`` or
        the trial's metadata (see :func:`yieldtrial.efficiency.resolve_fertilizer`).
    grain_price_per_kg : float
        Grain price. [currency/kg]
    currency : str
        Currency of every price.
    prices : mapping, optional
        Product name -> price per kg of product. [currency/kg]
    control : str, optional
        Reference treatment; default the trial's first control.
    confidence : float, default 0.95
        Confidence level of the carried intervals.
    other_costs_per_ha : mapping, optional
        Treatment -> other cost that differs between treatments. [currency/ha]
    config : TrialConfig, optional
        Parsed ``trial.toml`` with the treatments' fertilizer.
    kind, at : str, optional
        Which means carry the fertilizer treatments (see
        :func:`yieldtrial.efficiency.trial_yields_kg_ha`); by default the
        treatments, or for a two-factor design the factor whose levels the
        fertilizer description names (name the ``control`` among its levels).
    warn_unused_prices : bool, default True
        Warn of a price for a product no treatment uses (see
        :func:`fertilizer_cost_per_ha`); the report passes ``False``, its trial
        description having warned when it was read.

    Returns
    -------
    DataFrame
        See :func:`economics_table`.

    Raises
    ------
    DataValidationError
        If the trial has no control and none is given, or prices are missing.
    """
    from yieldtrial.efficiency.trial_tables import resolve_fertilizer, trial_yields_kg_ha

    controls = tuple(getattr(trial, "control", None) or ())
    reference = control if control is not None else (str(controls[0]) if controls else None)
    if reference is None:
        raise DataValidationError(
            'economics need a control to compare with; the trial has none. Pass control="CK1".'
        )
    fert = resolve_fertilizer(trial, fertilizer, config=config)
    yields, ci, how = trial_yields_kg_ha(
        trial, reference=reference, confidence=confidence, kind=kind, at=at, fertilizer=fert
    )
    table = economics_table(
        yields,
        fert,
        control=reference,
        grain_price_per_kg=grain_price_per_kg,
        currency=currency,
        prices=prices,
        other_costs_per_ha=other_costs_per_ha,
        yield_difference_ci=ci or None,
        confidence=confidence if ci else None,
        warn_unused_prices=warn_unused_prices,
    )
    table.attrs["provenance"]["yields"] = how
    return table


def economics_options(economics: Mapping[str, Any] | None) -> dict[str, Any]:
    """Keyword arguments of :func:`trial_economics` that a ``[economics]`` table gives.

    The one reading of the trial description's prices, used by the report's economic
    benefit section and by :meth:`FieldTrial.economics
    <yieldtrial.trial.FieldTrial.economics>` (a trial read with ``config=`` keeps the
    table in ``metadata["economics"]``), so both give the same numbers.

    Parameters
    ----------
    economics : mapping or None
        The ``[economics]`` table: ``grain_price_per_kg`` [currency/kg], ``currency``
        (default ``"CNY"``), ``prices`` (product -> price per kg of product),
        ``other_costs_per_ha`` and ``other_costs_per_mu`` (treatment -> cost per area;
        those per mu are converted, x 15, and added to those per ha).

    Returns
    -------
    dict
        ``grain_price_per_kg``, ``currency``, ``prices`` and ``other_costs_per_ha`` (None
        when there are none); empty for an empty or missing table.

    Examples
    --------
    >>> economics_options({"grain_price_per_kg": 2.4, "other_costs_per_mu": {"T": 5}})
    {'grain_price_per_kg': 2.4, 'currency': 'CNY', 'prices': {}, 'other_costs_per_ha': {'T': 75.0}}
    """
    from yieldtrial.efficiency.nutrients import KG_HA_PER_KG_MU

    if not economics:
        return {}
    others = {str(k): float(v) for k, v in dict(economics.get("other_costs_per_ha", {})).items()}
    for trt, cost in dict(economics.get("other_costs_per_mu", {})).items():
        others[str(trt)] = others.get(str(trt), 0.0) + float(cost) * KG_HA_PER_KG_MU
    price = economics.get("grain_price_per_kg")
    return {
        "grain_price_per_kg": None if price is None else float(price),
        "currency": str(economics.get("currency", "CNY")),
        "prices": {str(k): float(v) for k, v in dict(economics.get("prices", {})).items()},
        "other_costs_per_ha": others or None,
    }
