"""Plot harvest -> yield per area at standard moisture; theoretical yield from components.

The actual-harvest formula of Chinese yield tests (实收测产) is, with the fresh
mass ``W`` [kg] weighed on the harvested (net) area ``S`` [m2]:

    Y = W x (1 - I/100) x (1 - E/100) x (P/100) x f(M, Ms) / S

where ``I`` is the impurity rate (杂质率, share of the fresh harvest), ``E`` the
empty/shrivelled-grain rate of rice (空瘪率), ``P`` the shelling percentage of
maize ears (出籽率; 100 for threshed grain) and ``f`` the moisture factor of
the chosen method (:mod:`yieldtrial.moisture`, dry matter by default).  Areas are
square metres here; :mod:`yieldtrial.io` converts ``_mu``/``_ha`` columns.

The theoretical yield (理论测产) multiplies yield components and a 0.85 factor
(八五折): heads per mu x grains per head x grain weight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import (
    as_numeric,
    as_output,
    check_aligned,
    check_not_fraction,
    check_number,
    check_range,
    check_result_finite,
)
from yieldtrial.moisture import standardize_moisture
from yieldtrial.units import convert_yield, parse_named, yield_column, yield_unit

if TYPE_CHECKING:  # pragma: no cover - pandas is imported lazily (fast CLI start)
    from yieldtrial._typing import Numeric

__all__ = ["plot_yield", "standardized_mass_kg", "theoretical_yield"]


def standardized_mass_kg(
    fresh_mass_kg: Numeric,
    *,
    moisture_pct: Numeric,
    standard_moisture_pct: Numeric,
    impurity_pct: Numeric = 0.0,
    empty_grain_pct: Numeric = 0.0,
    shelling_pct: Numeric = 100.0,
    method: str = "dry_matter",
    shrink_pct_per_point: float | None = None,
    factor_decimals: int | None = None,
) -> Numeric:
    """Clean grain mass at standard moisture from a weighed fresh harvest.

    Parameters
    ----------
    fresh_mass_kg : numeric
        Fresh harvest weighed on the plot: threshed grain, or ears for maize ear
        harvest (then give ``shelling_pct``). [kg]
    moisture_pct : numeric
        Grain moisture of the cleaned grain, wet basis, in [0, 100). [%]
    standard_moisture_pct : numeric
        Standard moisture, wet basis; see :func:`yieldtrial.standard_moisture_pct`. [%]
    impurity_pct : numeric, default 0
        Impurity (杂质率) as a share of the fresh harvest, in [0, 100). [%]
    empty_grain_pct : numeric, default 0
        Empty and shrivelled grain (空瘪率, rice), in [0, 100). [%]
    shelling_pct : numeric, default 100
        Grain share of the ear mass (出籽率) for maize weighed as ears, in (0, 100];
        100 for threshed grain. [%]
    method : {"dry_matter", "percentage_point", "shrink"}
        Moisture method; see :func:`yieldtrial.standardize_moisture`.
    shrink_pct_per_point : float, optional
        Required for ``method="shrink"``. [%/point]
    factor_decimals : int, optional
        Round the moisture factor as a hand calculation did; see
        :func:`yieldtrial.standardize_moisture`.

    Returns
    -------
    numeric
        Clean grain mass at standard moisture; same kind (and index) as the
        inputs, a Series named ``standardized_mass_kg``. [kg]

    Raises
    ------
    DataValidationError
        If a mass is negative, a percentage is out of range, moisture or shelling
        look like fractions (all in [0, 1]: multiply by 100), or the method is
        invalid.

    Notes
    -----
    ``m = W (1 - I/100)(1 - E/100)(P/100)`` is the clean grain at the measured
    moisture; it is then standardized: ``m (100 - M) / (100 - Ms)`` for the
    dry-matter method.  Impurity is a fraction of the fresh harvest and moisture
    is measured on cleaned grain, so impurity comes off first [1]_, [2]_.

    References
    ----------
    .. [1] Linfen (Shanxi) dryland wheat yield-test report, 2016: 3392 kg fresh,
       2.0 % impurity, 11.5 % moisture -> 3381.34 kg at 13 %.
       http://zhongguocjingxxiwang.beijingleather.com.cn/zhongguocjingxxiwang/201692.html
    .. [2] Rice actual-harvest yield test (实收测产), with empty-grain rate.
       http://bk.3456.tv/zhongzibk/16133

    Examples
    --------
    >>> round(standardized_mass_kg(3392, moisture_pct=11.5, standard_moisture_pct=13,
    ...                            impurity_pct=2.0), 2)
    3381.47
    >>> round(standardized_mass_kg(3392, moisture_pct=11.5, standard_moisture_pct=13,
    ...                            impurity_pct=2.0, factor_decimals=4), 2)
    3381.34
    """
    fresh = as_numeric(fresh_mass_kg, "fresh_mass_kg")
    impurity = as_numeric(impurity_pct, "impurity_pct")
    empty = as_numeric(empty_grain_pct, "empty_grain_pct")
    shelling = as_numeric(shelling_pct, "shelling_pct")
    check_range("fresh_mass_kg", fresh, low=0, fix="A harvested mass cannot be negative")
    check_range("impurity_pct", impurity, low=0, high=100, fix="Give impurity in percent")
    check_range("empty_grain_pct", empty, low=0, high=100, fix="Give empty grain in percent")
    check_range(
        "shelling_pct",
        shelling,
        low=0,
        high=100,
        low_inclusive=False,
        high_inclusive=True,
        fix="Shelling percentage is grain mass / ear mass x 100; use 100 for threshed grain",
    )
    check_not_fraction("shelling_pct", shelling)
    check_aligned(
        fresh_mass_kg=fresh,
        moisture_pct=as_numeric(moisture_pct, "moisture_pct"),
        impurity_pct=impurity,
        empty_grain_pct=empty,
        shelling_pct=shelling,
    )
    clean = fresh * (1.0 - impurity / 100.0) * (1.0 - empty / 100.0) * (shelling / 100.0)
    mass = standardize_moisture(
        clean,
        moisture_pct=moisture_pct,
        standard_moisture_pct=standard_moisture_pct,
        method=method,
        shrink_pct_per_point=shrink_pct_per_point,
        factor_decimals=factor_decimals,
    )
    return as_output(mass, name="standardized_mass_kg")


def plot_yield(
    fresh_mass_kg: Numeric,
    *,
    harvested_area_m2: Numeric,
    moisture_pct: Numeric,
    standard_moisture_pct: Numeric,
    impurity_pct: Numeric = 0.0,
    empty_grain_pct: Numeric = 0.0,
    shelling_pct: Numeric = 100.0,
    method: str = "dry_matter",
    unit: str = "kg/ha",
    crop: str | None = None,
    shrink_pct_per_point: float | None = None,
    factor_decimals: int | None = None,
) -> Numeric:
    """Yield per area at standard moisture from a plot's fresh harvest (实收测产).

    Parameters
    ----------
    fresh_mass_kg : numeric
        Fresh harvest weighed on the plot (grain, or ears with ``shelling_pct``). [kg]
    harvested_area_m2 : numeric
        Net harvested area (borders excluded), > 0. [m2]
    moisture_pct : numeric
        Grain moisture, wet basis. [%]
    standard_moisture_pct : numeric
        Standard moisture, wet basis; see :func:`yieldtrial.standard_moisture_pct`. [%]
    impurity_pct, empty_grain_pct, shelling_pct : numeric
        See :func:`standardized_mass_kg`. [%]
    method : {"dry_matter", "percentage_point", "shrink"}
        Moisture method; see :func:`yieldtrial.standardize_moisture`.
    unit : str, default "kg/ha"
        Yield unit of the result (``"kg/ha"``, ``"t/ha"``, ``"kg/mu"``,
        ``"jin/mu"``, ``"lb/ac"``, ``"bu/ac"``, ...; see
        :func:`yieldtrial.units.yield_unit`).
    crop : str, optional
        Needed only for ``unit="bu/ac"``.
    shrink_pct_per_point : float, optional
        Required for ``method="shrink"``. [%/point]
    factor_decimals : int, optional
        Round the moisture factor as a hand calculation did.

    Returns
    -------
    numeric
        Yield at standard moisture in ``unit``; same kind (and index) as the
        inputs, a Series named after the unit (``yield_kg_ha``).  NaN stays NaN.

    Raises
    ------
    DataValidationError
        If the area is not positive, or as :func:`standardized_mass_kg` and
        :func:`yieldtrial.convert_yield`.

    Notes
    -----
    ``Y = standardized_mass_kg(...) / harvested_area_m2``, converted from kg/m2
    to ``unit``.  Printed Chinese formulas write ``666.7 / S x W ...`` (S in m2);
    666.7 is a rounding of the exact 10000/15 m2 per mu used here.

    References
    ----------
    .. [1] Maize ear-harvest yield test: ``ears/mu x shelling % x (1 - M)/(1 - 0.14)``.
       https://m.kob123.com/nongyebaike/353209.html
    .. [2] Hebei (Longhua county) maize report: 1622.24 kg ears/mu, 82.42 % shelling,
       30.73 % moisture -> 1076.95 kg/mu. http://freetextsend.com/shenghuojineng/54085.html

    Examples
    --------
    Hebei maize, ears weighed on one mu:

    >>> round(plot_yield(1622.24, harvested_area_m2=10000 / 15, moisture_pct=30.73,
    ...                  standard_moisture_pct=14, shelling_pct=82.42, unit="kg/mu"), 2)
    1076.95
    """
    area = as_numeric(harvested_area_m2, "harvested_area_m2")
    check_range(
        "harvested_area_m2",
        area,
        low=0,
        low_inclusive=False,
        fix="Give the net harvested area in square metres (> 0)",
    )
    check_aligned(fresh_mass_kg=as_numeric(fresh_mass_kg, "fresh_mass_kg"), harvested_area_m2=area)
    mass = standardized_mass_kg(
        fresh_mass_kg,
        moisture_pct=moisture_pct,
        standard_moisture_pct=standard_moisture_pct,
        impurity_pct=impurity_pct,
        empty_grain_pct=empty_grain_pct,
        shelling_pct=shelling_pct,
        method=method,
        shrink_pct_per_point=shrink_pct_per_point,
        factor_decimals=factor_decimals,
    )
    with _ignore_overflow():
        per_m2 = as_output(mass / area)
    check_range(
        "yield per m2",
        per_m2,
        low=0,
        fix="A mass or area is far out of scale (e.g. 1e308); correct it",
    )
    target = parse_named(yield_unit, unit, "unit")  # "unit: unknown yield unit", not to_unit's
    return as_output(convert_yield(per_m2, "kg/m2", target, crop=crop), name=yield_column(target))


def _ignore_overflow() -> Any:
    """Silence NumPy's overflow warning (the result is checked instead)."""
    import contextlib
    import sys

    numpy = sys.modules.get("numpy")
    return numpy.errstate(over="ignore") if numpy is not None else contextlib.nullcontext()


#: Fewest heads per mu a crop stand can have (maize about 4 000 ears/mu, wheat and rice
#: hundreds of thousands of spikes or panicles); fewer is the figure in 万 (x 10 000).
MIN_PLAUSIBLE_HEADS_PER_MU = 1000.0


def warn_heads_in_wan(heads: Numeric) -> None:
    """Warn when heads per mu look like a count in 万 (40 for 40 万 = 400 000)."""
    import warnings

    import numpy as np

    from yieldtrial.errors import YieldTrialWarning
    from yieldtrial.io.checks import message_number

    values = np.atleast_1d(np.asarray(heads, dtype=float))
    low = values[np.isfinite(values) & (values > 0) & (values < MIN_PLAUSIBLE_HEADS_PER_MU)]
    if low.size:
        warnings.warn(
            f"heads_per_mu = {message_number(low[0])} is implausibly few heads per mu (maize "
            "has about 4,000 ears/mu, wheat and rice hundreds of thousands of spikes or "
            "panicles); if the figure is in 万 (x 10,000), pass "
            f"{message_number(low[0], scale=10_000)}",
            YieldTrialWarning,
            stacklevel=3,
        )


def theoretical_yield(
    *,
    heads_per_mu: Numeric,
    grains_per_head: Numeric,
    thousand_grain_weight_g: Numeric | None = None,
    hundred_grain_weight_g: Numeric | None = None,
    factor: float = 0.85,
    unit: str = "kg/mu",
    crop: str | None = None,
) -> Numeric:
    """Theoretical yield from yield components (理论测产).

    Parameters
    ----------
    heads_per_mu : numeric
        Spikes (wheat), ears (maize) or panicles (rice) per mu; note that Chinese
        reports often quote spikes in 万 (x 10 000). [1/mu]
    grains_per_head : numeric
        Grains per spike, kernels per ear, filled grains per panicle. [1]
    thousand_grain_weight_g : numeric, optional
        1000-grain weight (千粒重), wheat and rice. [g]
    hundred_grain_weight_g : numeric, optional
        100-kernel weight (百粒重), as maize reports give it.  Give exactly one of
        the two grain weights. [g]
    factor : float, default 0.85
        Empirical discount (八五折) for harvest losses and grain weight below
        the variety's average, one number from 0 to 1 (text, NaN and arrays are
        refused as trial.toml refuses them). [1]
    unit : str, default "kg/mu"
        Yield unit of the result; see :func:`yieldtrial.units.yield_unit`.
    crop : str, optional
        Needed only for ``unit="bu/ac"``.

    Returns
    -------
    numeric
        Theoretical yield in ``unit``; same kind (and index) as the inputs, a Series
        named after the unit (``yield_kg_mu``).

    Raises
    ------
    DataValidationError
        If neither or both grain weights are given, a component is negative, or the
        product overflows (an input far out of scale, e.g. 1e308).

    Warns
    -----
    YieldTrialWarning
        Fewer than :data:`MIN_PLAUSIBLE_HEADS_PER_MU` heads per mu (the figure in 万?).

    Notes
    -----
    ``kg/mu = heads_per_mu x grains_per_head x grain_weight_g_per_grain / 1000 x factor``
    where the grain weight per grain is ``thousand_grain_weight_g / 1000`` or
    ``hundred_grain_weight_g / 100``.  The factor is for theoretical yields only;
    never apply it to actual-harvest yields.

    References
    ----------
    .. [1] Wheat theoretical yield, spikes x grains x TKW x 0.85.
       http://husay.cn/a/202112/497527.html
    .. [2] Rice theoretical yield, panicles x filled grains x TGW x 0.85.
       http://bk.3456.tv/zhongzibk/16133

    Examples
    --------
    Wheat, 400 000 spikes/mu, 35 grains per spike, 45 g per 1000 grains:

    >>> round(theoretical_yield(heads_per_mu=400_000, grains_per_head=35,
    ...                         thousand_grain_weight_g=45), 2)
    535.5

    Maize, 4500 ears/mu, 550 kernels per ear, 35 g per 100 kernels:

    >>> round(theoretical_yield(heads_per_mu=4500, grains_per_head=550,
    ...                         hundred_grain_weight_g=35), 2)
    736.31
    """
    if (thousand_grain_weight_g is None) == (hundred_grain_weight_g is None):
        raise DataValidationError(
            "give exactly one grain weight: thousand_grain_weight_g (wheat, rice; g per 1000 "
            "grains) or hundred_grain_weight_g (maize; g per 100 kernels)"
        )
    heads = as_numeric(heads_per_mu, "heads_per_mu")
    grains = as_numeric(grains_per_head, "grains_per_head")
    check_range("heads_per_mu", heads, low=0)
    warn_heads_in_wan(heads)
    check_range("grains_per_head", grains, low=0)
    if thousand_grain_weight_g is not None:
        weight = as_numeric(thousand_grain_weight_g, "thousand_grain_weight_g")
        check_range("thousand_grain_weight_g", weight, low=0)
        grain_g = weight / 1000.0
    else:
        weight = as_numeric(hundred_grain_weight_g, "hundred_grain_weight_g")
        check_range("hundred_grain_weight_g", weight, low=0)
        grain_g = weight / 100.0
    # one number for the whole table, checked as every setting is (NaN was a NaN yield)
    factor_value = check_number("factor", factor, low=0.0, high=1.0, high_inclusive=True)
    check_aligned(heads_per_mu=heads, grains_per_head=grains, grain_weight_g=weight)
    kg_per_mu = heads * grains * grain_g / 1000.0 * factor_value
    # 1e308 heads overflowed to inf and was refused as "value ... got inf", naming no input
    weight_name = (
        "thousand_grain_weight_g / 1000"
        if thousand_grain_weight_g is not None
        else "hundred_grain_weight_g / 100"
    )
    check_result_finite(
        f"the theoretical yield heads_per_mu x grains_per_head x {weight_name}", kg_per_mu
    )
    kg_per_mu = as_output(kg_per_mu)
    target = parse_named(yield_unit, unit, "unit")  # "unit: unknown yield unit", not to_unit's
    return as_output(
        convert_yield(kg_per_mu, "kg/mu", target, crop=crop), name=yield_column(target)
    )
