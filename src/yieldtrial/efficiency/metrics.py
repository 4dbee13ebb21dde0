r"""The Dobermann (2007) fertilizer-use efficiency metrics, as pure vectorized formulas.

Partial factor productivity (PFP), agronomic efficiency (AE), apparent recovery
efficiency (RE), physiological efficiency (PE), internal efficiency (IE) and
partial nutrient balance (PNB): float, ndarray or Series in, the same kind out,
NaN passes through.  AE, RE and PE need the yield (and uptake) of a
**zero-nutrient (omission) plot**; each function refuses with
:class:`~yieldtrial.errors.DataValidationError` when that input is missing, and
never lets a reduced-rate control stand in.

All are importable from :mod:`yieldtrial.efficiency`, which adds the efficiency
table of a whole trial.

References
----------
.. [1] A. Dobermann, "Nutrient use efficiency - measurement and management," in
   *Fertilizer Best Management Practices*, IFA International Workshop, Brussels,
   7-9 March 2007, International Fertilizer Industry Association, Paris, pp. 1-28.
"""

from __future__ import annotations

import numpy as np

from yieldtrial._typing import Numeric, like_input
from yieldtrial.efficiency.grades import NUTRIENTS, output_template
from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import as_numeric, check_aligned, check_option, check_range

__all__ = [
    "agronomic_efficiency",
    "internal_efficiency",
    "partial_factor_productivity",
    "partial_nutrient_balance",
    "physiological_efficiency",
    "recovery_efficiency",
]


def _divide(numerator: Numeric, denominator: Numeric) -> Numeric:
    """Element-wise ratio that keeps the input kind and gives NaN where the denominator is 0."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(den == 0, np.nan, num / np.where(den == 0, 1.0, den))
    return like_input(result, output_template(numerator, denominator))


def _require(value: Numeric | None, name: str, metric: str, need: str) -> Numeric:
    if value is None:
        raise DataValidationError(f"{metric} cannot be computed: {need}")
    return as_numeric(value, name)


def _require_zero_plot(value: Numeric | None, metric: str, nutrient: str, what: str) -> Numeric:
    """Return the zero-nutrient plot's ``what`` (yield or uptake), refusing when it is missing."""
    name = f"zero_nutrient_{what}_kg_ha"
    return _require(value, name, metric, _need_zero_plot(nutrient, what))


def _require_uptake(value: Numeric | None, metric: str, nutrient: str) -> Numeric:
    """Return the plant uptake, refusing when it is missing."""
    return _require(value, "uptake_kg_ha", metric, _need_uptake(nutrient))


def _check_nonnegative(**values: Numeric) -> None:
    for name, value in values.items():
        check_range(name, value, low=0)


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


def _nutrient(nutrient: object) -> str:
    """``nutrient`` as one of :data:`NUTRIENTS`, or the message efficiency_table gives."""
    return check_option("nutrient", nutrient, NUTRIENTS)


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
    nutrient = _nutrient(nutrient)
    y = as_numeric(yield_kg_ha, "yield_kg_ha")
    f = as_numeric(nutrient_rate_kg_ha, "nutrient_rate_kg_ha")
    check_aligned(yield_kg_ha=y, nutrient_rate_kg_ha=f)
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
    nutrient = _nutrient(nutrient)
    y0 = _require_zero_plot(zero_nutrient_yield_kg_ha, "agronomic efficiency", nutrient, "yield")
    y = as_numeric(yield_kg_ha, "yield_kg_ha")
    f = as_numeric(nutrient_rate_kg_ha, "nutrient_rate_kg_ha")
    check_aligned(yield_kg_ha=y, zero_nutrient_yield_kg_ha=y0, nutrient_rate_kg_ha=f)
    _check_nonnegative(yield_kg_ha=y, zero_nutrient_yield_kg_ha=y0)
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
    nutrient = _nutrient(nutrient)
    u = _require_uptake(uptake_kg_ha, "recovery efficiency", nutrient)
    u0 = _require_zero_plot(zero_nutrient_uptake_kg_ha, "recovery efficiency", nutrient, "uptake")
    f = as_numeric(nutrient_rate_kg_ha, "nutrient_rate_kg_ha")
    check_aligned(uptake_kg_ha=u, zero_nutrient_uptake_kg_ha=u0, nutrient_rate_kg_ha=f)
    _check_nonnegative(uptake_kg_ha=u, zero_nutrient_uptake_kg_ha=u0)
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
    nutrient = _nutrient(nutrient)
    metric = "physiological efficiency"
    y0 = _require_zero_plot(zero_nutrient_yield_kg_ha, metric, nutrient, "yield")
    u = _require_uptake(uptake_kg_ha, metric, nutrient)
    u0 = _require_zero_plot(zero_nutrient_uptake_kg_ha, metric, nutrient, "uptake")
    y = as_numeric(yield_kg_ha, "yield_kg_ha")
    check_aligned(
        yield_kg_ha=y, zero_nutrient_yield_kg_ha=y0, uptake_kg_ha=u, zero_nutrient_uptake_kg_ha=u0
    )
    _check_nonnegative(
        yield_kg_ha=y, zero_nutrient_yield_kg_ha=y0, uptake_kg_ha=u, zero_nutrient_uptake_kg_ha=u0
    )
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
    nutrient = _nutrient(nutrient)
    u = _require_uptake(uptake_kg_ha, "internal efficiency", nutrient)
    y = as_numeric(yield_kg_ha, "yield_kg_ha")
    check_aligned(yield_kg_ha=y, uptake_kg_ha=u)
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
    nutrient = _nutrient(nutrient)
    r = _require(
        removal_kg_ha,
        "removal_kg_ha",
        "partial nutrient balance",
        f"it needs the {nutrient} removed in the harvested product (removal_kg_ha = grain "
        f"yield x grain {nutrient} concentration), which was not given.",
    )
    f = as_numeric(nutrient_rate_kg_ha, "nutrient_rate_kg_ha")
    check_aligned(removal_kg_ha=r, nutrient_rate_kg_ha=f)
    check_range("removal_kg_ha", r, low=0)
    _check_rate(f, nutrient)
    return _divide(r, f)


def _subtract(a: Numeric, b: Numeric) -> Numeric:
    result = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    return like_input(result, output_template(a, b))
