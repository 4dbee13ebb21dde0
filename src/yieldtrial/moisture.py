"""Grain moisture standardization: the methods, wet/dry basis, and the audit of a figure.

Grain is weighed wet; yields are compared at a standard moisture (13 % for
wheat in Chinese yield tests, 15.5 % for maize in the US, ...).  Three methods
are implemented, selected by name (:data:`METHODS`):

``dry_matter`` (default)
    Dry matter is conserved: ``m_std = m x (100 - M) / (100 - Ms)``.  The formula
    of the Chinese yield-test protocol, UF/IFAS, IRRI and US research; identical
    to the US "shrink factor per point" ``100 / (100 - Ms)``.
``percentage_point``
    ``m_std = m x (1 + (Ms - M) / 100)``: treats moisture percentage points as
    percent of weight.  Endorsed by no standard; it is what turned the Jinzhong
    2024 wheat demonstration's 442 kg/mu at 5 % into 477.36 kg/mu at 13 % (the
    dry-matter answer is 482.64).  Provided to reproduce and audit such figures.
``shrink``
    A constant trade or crop-insurance shrink per moisture point, applied only
    when the grain is wetter than standard: ``m_std = m x (1 - s x (M - Ms) / 100)``
    if ``M > Ms``, else ``m``.  Not dry-matter neutral.

:func:`audit_moisture_conversion` recomputes a published figure with each
method, plus the Chinese grain-trade step rule (:func:`grain_trade_adjusted_mass`),
and says which one reproduces it at the report's printed precision.

All moistures are wet basis, in percent (0-100).  See ``docs/moisture-methods.md``.
"""

from __future__ import annotations

import decimal
import math
import numbers
from collections.abc import Callable
from typing import TYPE_CHECKING

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import (
    as_numeric,
    as_output,
    check_aligned,
    check_not_fraction,
    check_number,
    check_option,
    check_range,
    check_result_finite,
    check_setting_finite,
    check_shrink_pct_per_point,
    check_whole_number,
    is_python_number,
    is_series,
    message_number,
    overflows,
    plain_number,
    real_float,
    shown,
)

if TYPE_CHECKING:  # pragma: no cover - numpy and pandas are imported lazily (fast CLI start)
    import pandas as pd

    from yieldtrial._typing import Numeric

__all__ = [
    "AUDIT_COLUMNS",
    "AUDIT_METHODS",
    "LANGUAGES",
    "METHODS",
    "audit_moisture_conversion",
    "audit_rows",
    "describe_method",
    "dry_basis_from_wet_basis_pct",
    "grain_trade_adjusted_mass",
    "moisture_factor",
    "reported_decimals",
    "standardize_moisture",
    "wet_basis_from_dry_basis_pct",
]

#: Highest standard moisture that is a real standard [%]: grain standards are 10-20 %,
#: whole-plant silage is reported at 65-70 %; above this a typing error is warned about.
MAX_PLAUSIBLE_STANDARD_PCT = 70.0

#: Moisture standardization methods, in the order the audit lists them.
METHODS: tuple[str, ...] = ("dry_matter", "percentage_point", "shrink")
#: Rows of :func:`audit_moisture_conversion`: the methods plus the Chinese
#: grain-trade step rule (:func:`grain_trade_adjusted_mass`).
AUDIT_METHODS: tuple[str, ...] = (*METHODS, "cn_grain_trade")
#: Languages of :func:`describe_method`.
LANGUAGES: tuple[str, ...] = ("en", "zh")
#: Columns of :func:`audit_moisture_conversion`'s table.
AUDIT_COLUMNS: tuple[str, ...] = (
    "method",
    "predicted",
    "reported",
    "difference",
    "difference_pct",
    "reproduces",
    "formula",
)


# Element-wise helpers: plain Python for a float (the one-number command line then never
# imports NumPy), the NumPy ufunc otherwise; NaN passes through either way.


def _maximum(value: Numeric, bound: float) -> Numeric:
    if is_python_number(value):
        return value if math.isnan(value) or value >= bound else float(bound)
    import numpy as np

    return np.maximum(value, bound)


def _minimum(value: Numeric, bound: float) -> Numeric:
    if is_python_number(value):
        return value if math.isnan(value) or value <= bound else float(bound)
    import numpy as np

    return np.minimum(value, bound)


def _floor(value: Numeric) -> Numeric:
    if is_python_number(value):
        return float(math.floor(value)) if math.isfinite(value) else value
    import numpy as np

    return np.floor(value)


def _round(value: Numeric, decimals: int) -> Numeric:
    """``numpy.round``: scale by 10**decimals, round half to even, scale back."""
    if is_python_number(value):
        scale = 10.0 ** abs(decimals)
        scaled = value * scale if decimals >= 0 else value / scale
        if math.isfinite(scaled):  # round half to even, keeping the sign of -0.0
            scaled = math.copysign(float(round(scaled)), scaled)
        return scaled / scale if decimals >= 0 else scaled * scale
    import numpy as np

    return np.round(value, decimals)


def _check_moisture(name: str, value: Numeric) -> None:
    check_range(
        name,
        value,
        low=0,
        high=100,
        fix="Moisture is wet-basis percent (13 means 13 %), below 100",
    )
    check_not_fraction(name, value)


def _warn_implausible_standard(standard: Numeric) -> None:
    """Warn when a standard moisture is above any real standard (99.9 % multiplies by ~1000)."""
    if is_python_number(standard):
        highest = float(standard)
    else:
        import numpy as np

        values = np.asarray(standard, dtype=float)
        highest = float(np.nanmax(values)) if np.isfinite(values).any() else math.nan
    if highest > MAX_PLAUSIBLE_STANDARD_PCT:
        import warnings

        from yieldtrial.errors import YieldTrialWarning

        shown = message_number(highest)  # ":g" showed 99.99999 as 100, refused elsewhere
        factor = message_number(100 / max(100 - highest, 1e-9), 1)
        warnings.warn(
            f"standard_moisture_pct = {shown} % is above any moisture standard (grain "
            f"10-20 %, whole-plant silage 65-70 %): at {shown} % a yield is multiplied by "
            f"about {factor} x its dry matter; check for a typing "
            "error (13 for 13 %)",
            YieldTrialWarning,
            stacklevel=4,
        )


def _check_shrink(shrink_pct_per_point: float | None, method: str) -> float:
    if shrink_pct_per_point is None:
        raise DataValidationError(
            f"method={method!r} needs shrink_pct_per_point, the weight loss per moisture point "
            "above standard [% per point], e.g. 1.2 (USDA RMA crop-insurance corn) or "
            "1.2-1.5 (elevator pencil shrink); there is no neutral default"
        )
    return check_shrink_pct_per_point(shrink_pct_per_point)


def moisture_factor(
    moisture_pct: Numeric,
    *,
    standard_moisture_pct: Numeric,
    method: str = "dry_matter",
    shrink_pct_per_point: float | None = None,
) -> Numeric:
    """Return the factor that converts a wet mass to the standard moisture.

    Parameters
    ----------
    moisture_pct : numeric
        Measured grain moisture, wet basis. [%]
    standard_moisture_pct : numeric
        Standard (reporting) moisture, wet basis. [%]
    method : {"dry_matter", "percentage_point", "shrink"}
        See :func:`standardize_moisture`.
    shrink_pct_per_point : float, optional
        Shrink per moisture point above standard, required for ``"shrink"``. [%/point]

    Returns
    -------
    numeric
        Dimensionless factor; ``mass x factor`` is the mass at standard moisture.  A
        Series is named ``moisture_factor``.

    Raises
    ------
    DataValidationError
        As :func:`standardize_moisture`.

    Examples
    --------
    >>> round(moisture_factor(11.5, standard_moisture_pct=13), 4)
    1.0172
    """
    method = check_option("method", method, METHODS, fold=True)
    moisture = as_numeric(moisture_pct, "moisture_pct")
    standard = as_numeric(standard_moisture_pct, "standard_moisture_pct")
    check_setting_finite("standard_moisture_pct", standard)
    check_aligned(moisture_pct=moisture, standard_moisture_pct=standard)
    _check_moisture("moisture_pct", moisture)
    _check_moisture("standard_moisture_pct", standard)
    _warn_implausible_standard(standard)
    if shrink_pct_per_point is not None:  # checked with every method, as trial.toml checks it
        check_shrink_pct_per_point(shrink_pct_per_point)
    if method == "dry_matter":
        factor = (100.0 - moisture) / (100.0 - standard)
    elif method == "percentage_point":
        factor = 1.0 + (standard - moisture) / 100.0
    else:
        shrink = _check_shrink(shrink_pct_per_point, method)
        factor = 1.0 - shrink * _maximum(moisture - standard, 0.0) / 100.0
        check_range(
            "moisture factor 1 - shrink_pct_per_point x (moisture_pct - standard_moisture_pct) "
            "/ 100",
            factor,
            low=0,
            fix="The shrink per point is too large for this moisture gap",
        )
    return as_output(factor, name="moisture_factor")


def standardize_moisture(
    mass: Numeric,
    *,
    moisture_pct: Numeric,
    standard_moisture_pct: Numeric,
    method: str = "dry_matter",
    shrink_pct_per_point: float | None = None,
    factor_decimals: int | None = None,
) -> Numeric:
    """Re-express a grain mass (or yield) measured at one moisture at a standard moisture.

    Parameters
    ----------
    mass : numeric
        Grain mass or yield at ``moisture_pct``, in any mass or mass-per-area unit;
        the result is in the same unit. [kg, kg/mu, ...]
    moisture_pct : numeric
        Measured grain moisture, wet basis, in [0, 100). [%]
    standard_moisture_pct : numeric
        Standard (reporting) moisture, wet basis, in [0, 100); see
        :func:`yieldtrial.standard_moisture_pct`. [%]
    method : {"dry_matter", "percentage_point", "shrink"}
        ``"dry_matter"`` (default): ``m x (100 - M) / (100 - Ms)``.
        ``"percentage_point"``: ``m x (1 + (Ms - M) / 100)``, the shortcut
        behind 442 -> 477.36; for reproducing published figures only.
        ``"shrink"``: ``m x (1 - s x (M - Ms) / 100)`` when ``M > Ms``,
        unchanged when the grain is at or below standard moisture.
    shrink_pct_per_point : float, optional
        ``s``, the weight loss per moisture point above standard, required for
        ``method="shrink"`` (no default: typical values are 1.2 for US crop
        insurance and 1.2-1.5 for elevators). [%/point]
    factor_decimals : int, optional
        Round the moisture factor to this many decimals before multiplying, as
        hand calculations do (the Linfen 2016 wheat report used 1.0172 for
        88.5/87).  ``None`` (default) keeps full precision.

    Returns
    -------
    numeric
        Mass at ``standard_moisture_pct`` in the unit of ``mass``; same kind (and
        index) as the inputs, a Series named as ``mass`` (the same quantity and unit;
        unnamed when ``mass`` is no Series).  NaN stays NaN.

    Raises
    ------
    DataValidationError
        If ``mass`` is negative, a moisture is outside [0, 100), moistures look
        like fractions (all in [0, 1]: multiply by 100), ``method`` is unknown,
        or ``method="shrink"`` lacks ``shrink_pct_per_point``.

    See Also
    --------
    audit_moisture_conversion : which method reproduces a reported figure.
    yieldtrial.harvest.standardized_mass_kg : impurity, empty grain and shelling too.

    Notes
    -----
    Dry matter is conserved, :math:`m (100 - M) = m_s (100 - M_s)`, hence
    :math:`m_s = m (100 - M) / (100 - M_s)` [1]_, [2]_.  The US "shrink factor"
    :math:`100 / (100 - M_s)` % per point [3]_ is the same formula.  The
    percentage-point shortcut is the "common mistake" of [1]_.

    References
    ----------
    .. [1] UF/IFAS EDIS AG442, "Calculating grain yield at a standard moisture".
       https://edis.ifas.ufl.edu/publication/AG442
    .. [2] IRRI Rice Knowledge Bank, "Moisture content calculations".
       http://knowledgebank.irri.org/step-by-step-production/postharvest/harvesting/moisture-content-calculations
    .. [3] Pioneer, "Calculating moisture shrink".
       https://www.pioneer.com/us/agronomy/moisture_shrink.html

    Examples
    --------
    The Jinzhong 2024 wheat figure, 442 kg/mu at 5 % moisture, at 13 %:

    >>> round(standardize_moisture(442, moisture_pct=5, standard_moisture_pct=13), 2)
    482.64
    >>> round(standardize_moisture(442, moisture_pct=5, standard_moisture_pct=13,
    ...                            method="percentage_point"), 2)
    477.36

    IRRI's example, 1000 kg paddy at 25 % to 14 %:

    >>> round(standardize_moisture(1000, moisture_pct=25, standard_moisture_pct=14))
    872
    """
    value = as_numeric(mass, "mass")
    check_range(
        "mass", value, low=0, fix="A grain mass or yield cannot be negative; check the sign"
    )
    check_aligned(
        mass=value,
        moisture_pct=as_numeric(moisture_pct, "moisture_pct"),
        standard_moisture_pct=as_numeric(standard_moisture_pct, "standard_moisture_pct"),
    )
    factor = moisture_factor(
        moisture_pct,
        standard_moisture_pct=standard_moisture_pct,
        method=method,
        shrink_pct_per_point=shrink_pct_per_point,
    )
    if factor_decimals is not None:
        factor = _round(factor, _check_factor_decimals(factor_decimals))
    result = value * factor
    check_result_finite("the standardized mass", result)
    return as_output(result, name=mass.name if is_series(mass) else None)


def dry_basis_from_wet_basis_pct(moisture_pct: Numeric) -> Numeric:
    """Convert a wet-basis moisture to dry basis.

    Parameters
    ----------
    moisture_pct : numeric
        Wet-basis moisture, water / total mass, in [0, 100). [%]

    Returns
    -------
    numeric
        Dry-basis moisture, water / dry matter, ``100 x M / (100 - M)``; same kind
        (and index) as the input, a Series named ``moisture_dry_basis_pct``. [%]

    Raises
    ------
    DataValidationError
        If a value is outside [0, 100) or the values look like fractions.

    References
    ----------
    .. [1] Purdue ABE 305, "Moisture content: wet and dry basis".
       https://engineering.purdue.edu/~abe305/moisture/html/page8.htm

    Examples
    --------
    >>> dry_basis_from_wet_basis_pct(20.0)
    25.0
    """
    moisture = as_numeric(moisture_pct, "moisture_pct")
    _check_moisture("moisture_pct", moisture)
    return as_output(100.0 * moisture / (100.0 - moisture), name="moisture_dry_basis_pct")


def wet_basis_from_dry_basis_pct(moisture_dry_basis_pct: Numeric) -> Numeric:
    """Convert a dry-basis moisture to wet basis.

    Parameters
    ----------
    moisture_dry_basis_pct : numeric
        Dry-basis moisture, water / dry matter, >= 0 (may exceed 100). [%]

    Returns
    -------
    numeric
        Wet-basis moisture ``100 x M_db / (100 + M_db)``; same kind (and index) as the
        input, a Series named ``moisture_pct``. [%]

    Raises
    ------
    DataValidationError
        If a value is negative or the values look like fractions.

    References
    ----------
    .. [1] Purdue ABE 305, "Moisture content: wet and dry basis".
       https://engineering.purdue.edu/~abe305/moisture/html/page8.htm

    Examples
    --------
    >>> wet_basis_from_dry_basis_pct(25.0)
    20.0
    """
    moisture = as_numeric(moisture_dry_basis_pct, "moisture_dry_basis_pct")
    check_range("moisture_dry_basis_pct", moisture, low=0)
    check_not_fraction("moisture_dry_basis_pct", moisture)
    result = 100.0 * moisture / (100.0 + moisture)
    check_result_finite("the wet-basis moisture", result)
    return as_output(result, name="moisture_pct")


def grain_trade_adjusted_mass(
    mass: Numeric,
    *,
    moisture_pct: Numeric,
    base_moisture_pct: Numeric,
    gain_pct_per_step: float = 0.75,
    loss_pct_per_step: float = 1.0,
    max_gain_steps: int = 5,
) -> Numeric:
    """Apply the Chinese grain-trade moisture step rule (for auditing only, not yield tests).

    Chinese grain purchase rules adjust the weight in steps of a full 0.5
    moisture point from the base (the GB grading moisture): drier grain gains
    ``gain_pct_per_step`` % per full step, at most ``max_gain_steps`` steps
    (2.5 points); wetter grain loses ``loss_pct_per_step`` % per full step;
    part-steps are ignored.  This is a trade rule, not dry-matter
    standardization; :func:`audit_moisture_conversion` uses it to recognise
    reports that applied it.

    Parameters
    ----------
    mass : numeric
        Mass or yield at ``moisture_pct``. [kg, kg/mu, ...]
    moisture_pct : numeric
        Measured moisture, wet basis. [%]
    base_moisture_pct : numeric
        The rule's base moisture (GB grading moisture: wheat 12.5, maize 14,
        indica paddy 13.5). [%]
    gain_pct_per_step : float, default 0.75
        Weight gain per full 0.5-point step below the base. [%]
    loss_pct_per_step : float, default 1.0
        Weight loss per full 0.5-point step above the base (purchase of paddy;
        1.35 for transfer/sale). [%]
    max_gain_steps : int, default 5
        No further gain beyond this many steps (2.5 points).

    Returns
    -------
    numeric
        Adjusted mass, unit of ``mass``; same kind as the inputs, a Series named as
        ``mass`` (unnamed when ``mass`` is no Series).

    Raises
    ------
    DataValidationError
        If a moisture is out of range or looks like a fraction; if ``gain_pct_per_step``
        or ``loss_pct_per_step`` is not a finite number in [0, 100) or
        ``max_gain_steps`` no whole number from 0 to 200 (text, None, booleans and
        arrays are refused, as trial.toml refuses them); or if the loss would make a
        mass negative.

    Notes
    -----
    Coefficients from 《关于执行粮油质量国家标准有关问题的规定》 (c. 2010) as
    summarised in [1]_; the rules were revised in 2024 (国粮标〔2024〕198号)
    and the new coefficients were not checked.

    References
    ----------
    .. [1] https://www.kqyc.cn/dongshi/rcreh/qXqldn61yL ;
       https://www.renrendoc.com/paper/202102705.html

    Examples
    --------
    Jinzhong, 442 kg/mu at 5 % against a 13 % base (gain capped at 2.5 points):

    >>> round(grain_trade_adjusted_mass(442, moisture_pct=5, base_moisture_pct=13), 2)
    458.58
    """
    value = as_numeric(mass, "mass")
    moisture = as_numeric(moisture_pct, "moisture_pct")
    base = as_numeric(base_moisture_pct, "base_moisture_pct")
    check_setting_finite("base_moisture_pct", base)
    gain = check_number("gain_pct_per_step", gain_pct_per_step, low=0.0, high=100.0)
    loss = check_number("loss_pct_per_step", loss_pct_per_step, low=0.0, high=100.0)
    max_steps = check_whole_number("max_gain_steps", max_gain_steps, low=0, high=200)
    check_aligned(mass=value, moisture_pct=moisture, base_moisture_pct=base)
    check_range("mass", value, low=0, fix="A grain mass cannot be negative")
    _check_moisture("moisture_pct", moisture)
    _check_moisture("base_moisture_pct", base)
    # full 0.5-point steps; the tiny offset keeps 8.0 / 0.5 from flooring to 15.999...
    drier_steps = _minimum(_floor((base - moisture) / 0.5 + 1e-9), max_steps)
    wetter_steps = _floor((moisture - base) / 0.5 + 1e-9)
    factor = (
        1.0 + gain * _maximum(drier_steps, 0.0) / 100.0 - loss * _maximum(wetter_steps, 0.0) / 100.0
    )
    check_range(
        "adjustment factor 1 - loss_pct_per_step x steps above base / 100",
        factor,
        low=0,
        fix="The loss per step is too large for this moisture gap",
    )
    return as_output(value * factor, name=mass.name if is_series(mass) else None)


def _num(value: float | None) -> str:
    return "M" if value is None else _fmt(value)


def _fmt(value: float) -> str:
    """Shortest text of a number to 12 significant digits, without a trailing '.0'.

    ``numpy.format_float_positional(value, trim="-")`` without NumPy: the shortest
    round-trip digits (``repr``) written out positionally, never in exponent form, of the
    number rounded to 12 significant digits, so a computed input such as a plot's mass
    after impurity per area shows as ``595.98``, not ``595.9799999999999`` (binary noise
    in the 16th digit).

    Examples
    --------
    >>> _fmt(442.0), _fmt(30.1 * 0.99 / 0.05), _fmt(0.0001234), _fmt(1e20)
    ('442', '595.98', '0.0001234', '100000000000000000000')
    """
    number = float(value)
    if not math.isfinite(number):
        return repr(number)  # 'nan', 'inf', '-inf'
    number = float(f"{number:.12g}")
    text = format(decimal.Decimal(repr(number)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_TEMPLATES: dict[tuple[str, str], Callable[[str, str, str], str]] = {
    ("dry_matter", "en"): lambda m, s, k: (
        f"dry-matter basis: Y_std = Y x (100 - {m}) / (100 - {s})"
    ),
    ("percentage_point", "en"): lambda m, s, k: (
        f"percentage-point shortcut: Y_std = Y x (1 + ({s} - {m}) / 100)"
    ),
    ("shrink", "en"): lambda m, s, k: (
        f"constant shrink of {k} % per point above standard: "
        f"Y_std = Y x (1 - {k} x ({m} - {s}) / 100) if {m} > {s}, else Y_std = Y"
    ),
    ("dry_matter", "zh"): lambda m, s, k: (
        f"干物质守恒法：标准水分产量 = 实测产量 × (100 − {m}) ÷ (100 − {s})"
    ),
    ("percentage_point", "zh"): lambda m, s, k: (
        f"百分点直接加减法（非标准方法）：标准水分产量 = 实测产量 × [1 + ({s} − {m}) ÷ 100]"
    ),
    ("shrink", "zh"): lambda m, s, k: (
        f"固定扣量法（每高出标准水分1个百分点扣{k}%，低于标准不增重）："
        f"标准水分产量 = 实测产量 × [1 − {k} × ({m} − {s}) ÷ 100]"
    ),
}


def describe_method(
    method: str,
    *,
    moisture_pct: float | None = None,
    standard_moisture_pct: float | None = None,
    shrink_pct_per_point: float | None = None,
    lang: str = "en",
) -> str:
    """Return a one-line description of a moisture method with its formula.

    Meant for the methods paragraph of a report; numbers are filled in when given.

    Parameters
    ----------
    method : {"dry_matter", "percentage_point", "shrink"}
        The method.
    moisture_pct : float, optional
        Measured moisture; the symbol ``M`` is printed when omitted. [%]
    standard_moisture_pct : float, optional
        Standard moisture; ``Ms`` is printed when omitted. [%]
    shrink_pct_per_point : float, optional
        Shrink per point for ``"shrink"``; ``s`` is printed when omitted. [%/point]
    lang : {"en", "zh"}
        English or Chinese.

    Returns
    -------
    str
        The description.

    Examples
    --------
    >>> describe_method("dry_matter", moisture_pct=5, standard_moisture_pct=13)
    'dry-matter basis: Y_std = Y x (100 - 5) / (100 - 13)'
    >>> describe_method("dry_matter", lang="zh")
    '干物质守恒法：标准水分产量 = 实测产量 × (100 − M) ÷ (100 − Ms)'
    """
    method = check_option("method", method, METHODS, fold=True)
    lang = check_option("lang", lang, LANGUAGES)
    for name, value in (
        ("moisture_pct", moisture_pct),
        ("standard_moisture_pct", standard_moisture_pct),
        ("shrink_pct_per_point", shrink_pct_per_point),
    ):  # a list reached float() ("float() argument must be a string or a real number")
        if value is not None and (
            not isinstance(value, numbers.Real)
            or isinstance(value, bool)
            or not math.isfinite(real_float(value))  # NaN, inf, 10**400 (no OverflowError)
        ):
            raise DataValidationError(
                f"describe_method(): {name} must be one finite number within +-1.8e+308 (e.g. "
                f"13) or None for the symbol; got {shown(value)} ({type(value).__name__})"
            )
    standard = "Ms" if standard_moisture_pct is None else _num(standard_moisture_pct)
    shrink = "s" if shrink_pct_per_point is None else _num(shrink_pct_per_point)
    return _TEMPLATES[(method, lang)](_num(moisture_pct), standard, shrink)


def reported_decimals(reported: float | str) -> int:
    """Return the number of decimals a reported figure was printed with.

    A string or a :class:`decimal.Decimal` is read literally (``"477.360"`` has 3).  A
    float is read from its shortest round-trip representation (``477.36`` has 2,
    ``480.0`` has 0), so trailing zeros the report printed are lost: pass the figure as
    a string when they matter.

    Parameters
    ----------
    reported : float or str
        The figure as published.

    Returns
    -------
    int
        Number of decimals, 0 for whole numbers.

    Examples
    --------
    >>> reported_decimals(477.36), reported_decimals("477.360"), reported_decimals(480.0)
    (2, 3, 0)
    """
    if isinstance(reported, decimal.Decimal):  # keeps the printed zeros, like a string
        reported = format(reported, "f")
    text = reported.strip() if isinstance(reported, str) else repr(float(reported))
    if "e" in text.lower():
        text = _fmt(float(text))
    whole, _, decimals = text.partition(".")
    decimals = decimals if isinstance(reported, str) else decimals.rstrip("0")
    return len(decimals)


#: Most decimals of a reported figure the audit reads (a float holds 15 to 17 digits).
MAX_REPORTED_DECIMALS = 15

#: Decimals a moisture factor may be rounded to (a hand calculation uses 2 to 6).
MAX_FACTOR_DECIMALS = 15


def _check_factor_decimals(decimals: object) -> int:
    """Return ``factor_decimals`` as an int from 0 to 15, or raise saying why not.

    ``-1`` rounded the factor (1.09) to tens, 0, and every yield to 0 without a word;
    ``10**400`` was an OverflowError.
    """
    import numbers

    if (
        isinstance(decimals, bool)
        or not isinstance(decimals, numbers.Integral)
        or not 0 <= int(decimals) <= MAX_FACTOR_DECIMALS
    ):
        raise DataValidationError(
            f"factor_decimals must be a whole number from 0 to {MAX_FACTOR_DECIMALS} (the "
            f"decimals the moisture factor is rounded to, e.g. 4); got {shown(decimals)}. Leave it "
            "None for full precision"
        )
    return int(decimals)


#: The values each figure of the audit takes (said by every refusal of a figure).
_AUDIT_RANGES = {
    "mass": "in [0, inf)",
    "reported_mass": "in (0, inf)",
    "moisture_pct": "in [0, 100)",
    "standard_moisture_pct": "in [0, 100)",
}


def _scalar(value: object, name: str) -> float:
    allowed = f" {_AUDIT_RANGES[name]}" if name in _AUDIT_RANGES else ""
    if isinstance(value, decimal.Decimal):  # a figure typed exactly, e.g. Decimal("477.36")
        value = float(value)
    elif getattr(value, "shape", None) == () and hasattr(value, "item"):  # np.array(442.0)
        value = value.item()
    if isinstance(value, str):
        # as printed: ASCII digits, the command line's rule; float() also read "1_000" as 1000
        plain = plain_number(value)
        if plain is None:
            raise DataValidationError(
                f"{name} must be a number as printed, e.g. '477.36'; got {shown(value)}"
            )
        number = plain
    elif not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise DataValidationError(
            f"{name} must be a single number{allowed} (the audit checks one reported figure); "
            f"got {shown(value)}"
        )
    else:
        number = real_float(value)  # 10**400 is inf, refused below
    if not math.isfinite(number):
        # 10**400 is finite (Python reads it exactly): out of range, not "not finite"
        what = "a number" if overflows(value) else "a finite number"
        raise DataValidationError(
            f"{name} must be {what}{allowed}; got {shown(value)}. Give the figure as printed, "
            "e.g. 477.36"
        )
    return number


def _audit_prediction(
    method: str, value: float, moisture: float, standard: float, shrink: float | None
) -> tuple[float, str]:
    """Return one audit row's prediction and its formula text (without the result)."""
    if method == "cn_grain_trade" and math.floor((moisture - standard) / 0.5 + 1e-9) >= 100:
        # a deduction of 1 % per half point leaves nothing from 50 points above the base:
        # the row is not applicable (the other methods still answer), not an error
        return math.nan, (
            f"China grain-trade step rule: not applicable ({_fmt(moisture)} % is "
            f"{_fmt(moisture - standard)} points above base {_fmt(standard)}; its deduction of "
            "1 % per 0.5 point would take the whole mass)"
        )
    if method == "cn_grain_trade":
        predicted = grain_trade_adjusted_mass(
            value, moisture_pct=moisture, base_moisture_pct=standard
        )
        steps = math.floor(abs(standard - moisture) / 0.5 + 1e-9)
        if moisture < standard:
            change = f"(1 + {min(steps, 5)} x 0.75 / 100)"
            if steps > 5:
                change += f" [{steps} steps, gain capped at 5]"
        else:
            change = f"(1 - {steps} x 1.0 / 100)"
        return _scalar(predicted, "predicted"), (
            f"China grain-trade step rule (full 0.5-point steps from base {_fmt(standard)}): "
            f"{_fmt(value)} x {change}"
        )
    if method == "shrink" and moisture <= standard:
        return value, (
            f"shrink: no adjustment at or below standard moisture "
            f"({_fmt(moisture)} <= {_fmt(standard)}): {_fmt(value)}"
        )
    if method == "shrink" and shrink is None:
        return math.nan, "shrink: needs shrink_pct_per_point (grain wetter than standard)"
    if method == "shrink" and shrink is not None and shrink * (moisture - standard) >= 100:
        return math.nan, (
            f"shrink: not applicable ({_fmt(shrink)} % per point x {_fmt(moisture - standard)} "
            "points above standard would take the whole mass)"
        )
    predicted = standardize_moisture(
        value,
        moisture_pct=moisture,
        standard_moisture_pct=standard,
        method=method,
        shrink_pct_per_point=shrink,
    )
    description = describe_method(
        method,
        moisture_pct=moisture,
        standard_moisture_pct=standard,
        shrink_pct_per_point=shrink,
    )
    return _scalar(predicted, "predicted"), description.replace("Y_std = Y", _fmt(value))


def audit_moisture_conversion(
    mass: float,
    reported_mass: float | str,
    *,
    moisture_pct: float,
    standard_moisture_pct: float,
    shrink_pct_per_point: float | None = None,
) -> pd.DataFrame:
    """Find which moisture method reproduces a reported standardized figure.

    Parameters
    ----------
    mass : float
        The mass or yield at the measured moisture, as reported. [kg, kg/mu, ...]
    reported_mass : float or str
        The figure the report gives at standard moisture, same unit.  Give it as
        a string (``"477.360"``) to keep printed trailing zeros; see
        :func:`reported_decimals`.
    moisture_pct : float
        Measured moisture, wet basis. [%]
    standard_moisture_pct : float
        Standard moisture, wet basis. [%]
    shrink_pct_per_point : float, optional
        Shrink per point for the ``shrink`` row.  Without it the ``shrink`` row is
        still computed when the grain is at or below standard (no adjustment
        then), otherwise its prediction is NaN. [%/point]

    Returns
    -------
    pandas.DataFrame
        One row per entry of :data:`AUDIT_METHODS` (the :data:`METHODS` and
        ``cn_grain_trade``, the Chinese grain-trade step rule of
        :func:`grain_trade_adjusted_mass` with ``standard_moisture_pct`` as its
        base) with columns:

        - ``method``: method name;
        - ``predicted``: the method's result, unit of ``mass``;
        - ``reported``: ``reported_mass``;
        - ``difference``: ``predicted - reported``;
        - ``difference_pct``: ``difference`` as percent of ``reported``; [%]
        - ``reproduces``: ``True`` if ``predicted`` rounds to the report at its
          printed precision (``|difference| <= 0.5 x 10^-decimals``);
        - ``formula``: the calculation with its numbers.

        ``attrs`` holds the inputs and the inferred ``decimals``.

    Raises
    ------
    DataValidationError
        If an input is not a single number or a moisture is out of range.

    Examples
    --------
    >>> table = audit_moisture_conversion(442, 477.36, moisture_pct=5, standard_moisture_pct=13)
    >>> table.loc[table["reproduces"], "method"].tolist()
    ['percentage_point']
    >>> row = table.set_index("method").loc["dry_matter"]
    >>> [round(float(row[c]), 2) for c in ("predicted", "difference", "difference_pct")]
    [482.64, 5.28, 1.11]
    """
    rows, inputs = audit_rows(
        mass,
        reported_mass,
        moisture_pct=moisture_pct,
        standard_moisture_pct=standard_moisture_pct,
        shrink_pct_per_point=shrink_pct_per_point,
    )
    import pandas as pd

    table = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    table.attrs["inputs"] = inputs
    return table


def audit_rows(
    mass: float,
    reported_mass: float | str,
    *,
    moisture_pct: float,
    standard_moisture_pct: float,
    shrink_pct_per_point: float | None = None,
) -> tuple[list[dict[str, object]], dict[str, object]]:
    """Compute the rows of :func:`audit_moisture_conversion` without pandas.

    The command line uses it so that ``yieldtrial audit`` starts fast.

    Parameters
    ----------
    mass, reported_mass, moisture_pct, standard_moisture_pct, shrink_pct_per_point
        As :func:`audit_moisture_conversion`. [unit of mass, %, %/point]

    Returns
    -------
    rows : list of dict
        One dict per entry of :data:`AUDIT_METHODS`, keyed by :data:`AUDIT_COLUMNS`.
    inputs : dict
        The inputs as numbers and ``decimals``, the report's printed precision.

    Examples
    --------
    >>> rows, inputs = audit_rows(442, 477.36, moisture_pct=5, standard_moisture_pct=13)
    >>> [row["method"] for row in rows if row["reproduces"]], inputs["decimals"]
    (['percentage_point'], 2)
    """
    value = _scalar(mass, "mass")
    reported = _scalar(reported_mass, "reported_mass")
    from yieldtrial.io.checks import MAX_ANALYSED_YIELD  # light: no pandas for the audit

    # 0 has no percent difference (difference_pct was NaN); no figure is reported as 0
    check_range(
        "reported_mass",
        reported,
        low=0,
        low_inclusive=False,
        fix="A reported mass or yield is positive: give the figure as printed",
    )
    check_range("mass", value, low=0, fix="A grain mass or yield cannot be negative")
    # 1e308 overflowed the predictions to inf (difference_pct inf); the statistics' own bound
    for name, number in (("mass", value), ("reported_mass", reported)):
        check_range(
            name,
            number,
            low=0,
            high=MAX_ANALYSED_YIELD,
            high_inclusive=True,
            fix="No grain mass or yield comes near 1e100: correct the value",
        )
    moisture = _scalar(moisture_pct, "moisture_pct")
    standard = _scalar(standard_moisture_pct, "standard_moisture_pct")
    if shrink_pct_per_point is not None:  # checked even when no shrink applies (below standard)
        _check_shrink(shrink_pct_per_point, "shrink")
    decimals = reported_decimals(reported_mass)
    if decimals > MAX_REPORTED_DECIMALS:  # 1e-310 has 310: a table of 300-digit numbers
        raise DataValidationError(
            f"reported_mass = {reported_mass!r} has {decimals} decimals; a report prints a "
            f"figure with at most {MAX_REPORTED_DECIMALS}: give the figure as printed (e.g. "
            "477.36, or '477.360' as text to keep its zeros)"
        )
    tolerance = 0.5 * 10.0 ** (-decimals) * (1 + 1e-9) + 1e-12 * abs(reported)
    rows: list[dict[str, object]] = []
    for method in AUDIT_METHODS:
        predicted, formula = _audit_prediction(
            method, value, moisture, standard, shrink_pct_per_point
        )
        formula = (
            f"{formula} = {predicted:.{decimals + 2}f}" if not math.isnan(predicted) else formula
        )
        difference = predicted - reported
        rows.append(
            {
                "method": method,
                "predicted": predicted,
                "reported": reported,
                "difference": difference,
                "difference_pct": 100.0 * difference / reported if reported else math.nan,
                "reproduces": bool(abs(difference) <= tolerance),
                "formula": formula,
            }
        )
    inputs: dict[str, object] = {
        "mass": value,
        "reported_mass": reported,
        "moisture_pct": moisture,
        "standard_moisture_pct": standard,
        "shrink_pct_per_point": shrink_pct_per_point,
        "decimals": decimals,
    }
    return rows, inputs
