"""Area, mass and yield-per-area conversions.

Area units: ``m2``, ``mu`` (市亩, exactly 10000/15 m2, so 15 mu = 1 ha), ``ha``,
``acre`` (international acre, 4046.8564224 m2).  Mass units: ``kg``, ``g``,
``t`` (tonne), ``jin`` (市斤, 0.5 kg), ``lb`` (0.45359237 kg).  A yield unit is
``<mass>/<area>`` with area written ``ac`` for acres (``kg/ha``, ``t/ha``,
``kg/mu``, ``jin/mu``, ``lb/ac``, ``g/m2`` ...) or ``bu/ac`` (US bushels per
acre, which needs the crop: a bushel is a crop-specific weight at the crop's
standard moisture, see :data:`BUSHEL_LB`).  Convert moisture first, then bushels.

Common spellings are accepted: ``m²``, ``hectare``, ``hm2`` (公顷), ``亩``,
``acres``, ``ac``, ``公斤``, ``斤``, ``lbs``, ``kg ha-1``, ``kg·ha⁻¹``, ``kg/亩``.

References
----------
- Mu: 10000/15 m2 (1959 State Council decree; mainland China),
  https://en.wikipedia.org/wiki/Mu_(land)
- Pound 0.45359237 kg and acre 4046.8564224 m2: international yard and pound (1959).
- Bushel weights (USDA): https://en.wikipedia.org/wiki/Test_weight ,
  https://www.agriconverter.com/yield/bushel-weight-by-crop/
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import as_numeric, as_output, check_range, check_result_finite, shown
from yieldtrial.protocols import canonical_crop

if TYPE_CHECKING:  # pragma: no cover - pandas is imported lazily (fast CLI start)
    from yieldtrial._typing import Numeric

_T = TypeVar("_T")

__all__ = [
    "AREA_UNITS",
    "BUSHEL_LB",
    "KG_PER_JIN",
    "KG_PER_LB",
    "M2_PER_ACRE",
    "M2_PER_HA",
    "M2_PER_MU",
    "MASS_UNITS",
    "YIELD_UNITS",
    "area_unit",
    "bushel_weight_kg",
    "convert_area",
    "convert_mass",
    "convert_yield",
    "mass_unit",
    "unit_from_yield_column",
    "yield_column",
    "yield_unit",
]

#: Square metres per mu (市亩), exactly 10000/15 (1959 State Council decree; 15 mu = 1 ha).
M2_PER_MU: float = 10000 / 15
#: Square metres per hectare.
M2_PER_HA: float = 10000.0
#: Square metres per international acre (exact by definition).
M2_PER_ACRE: float = 4046.8564224
#: Kilograms per jin (市斤).
KG_PER_JIN: float = 0.5
#: Kilograms per avoirdupois pound (exact by definition).
KG_PER_LB: float = 0.45359237

#: Canonical area units.
AREA_UNITS: tuple[str, ...] = ("m2", "mu", "ha", "acre")
#: Canonical mass units.
MASS_UNITS: tuple[str, ...] = ("kg", "g", "t", "jin", "lb")
#: The main yield units (any ``<mass>/<area>`` combination is also accepted).
YIELD_UNITS: tuple[str, ...] = ("kg/ha", "t/ha", "kg/mu", "jin/mu", "lb/ac", "bu/ac")

#: US standard bushel weights [lb per bushel], defined at each crop's standard
#: moisture (USDA); ``rice`` is rough (paddy) rice.
BUSHEL_LB: dict[str, float] = {
    "wheat": 60.0,
    "soybean": 60.0,
    "maize": 56.0,
    "sorghum": 56.0,
    "rye": 56.0,
    "barley": 48.0,
    "oats": 32.0,
    "rice": 45.0,
}

_M2_PER: dict[str, float] = {"m2": 1.0, "mu": M2_PER_MU, "ha": M2_PER_HA, "acre": M2_PER_ACRE}
_KG_PER: dict[str, float] = {"kg": 1.0, "g": 0.001, "t": 1000.0, "jin": KG_PER_JIN, "lb": KG_PER_LB}
# how an area unit is written inside a yield unit and a yield column name
_AREA_SHORT: dict[str, str] = {"m2": "m2", "mu": "mu", "ha": "ha", "acre": "ac"}

_AREA_ALIASES: dict[str, str] = {
    **{
        a: "m2"
        for a in (
            "m2",
            "m^2",
            "m**2",
            "sq m",
            "sqm",
            "square meter",
            "square meters",
            "square metre",
            "square metres",
            "平方米",
        )
    },
    **{a: "mu" for a in ("mu", "亩", "市亩")},
    **{a: "ha" for a in ("ha", "hectare", "hectares", "hm2", "hm^2", "公顷")},
    **{a: "acre" for a in ("acre", "acres", "ac")},
}
_MASS_ALIASES: dict[str, str] = {
    **{a: "kg" for a in ("kg", "kgs", "kilogram", "kilograms", "公斤", "千克")},
    **{a: "g" for a in ("g", "gram", "grams", "克")},
    **{a: "t" for a in ("t", "tonne", "tonnes", "metric ton", "metric tons", "mg", "吨")},
    **{a: "jin" for a in ("jin", "斤", "市斤")},
    **{a: "lb" for a in ("lb", "lbs", "pound", "pounds")},
}
_mass_only = dict(_MASS_ALIASES)
del _mass_only["mg"]  # "Mg" (megagram) only makes sense in yield units like Mg/ha
_BUSHEL_ALIASES = ("bu", "bushel", "bushels")


def _clean(unit: object, kind: str, valid: tuple[str, ...]) -> str:
    if not isinstance(unit, str):
        raise DataValidationError(
            f"{kind} unit must be text such as {valid[0]!r}; got {shown(unit)}. "
            f"Valid {kind} units: {', '.join(valid)}"
        )
    text = unit.strip().lower()
    for old, new in (("²", "2"), ("⁻¹", "-1"), ("·", " "), ("−", "-")):
        text = text.replace(old, new)
    return " ".join(text.split())


def area_unit(unit: str) -> str:
    """Return the canonical area unit for a name or alias.

    Parameters
    ----------
    unit : str
        Area unit such as ``"m2"``, ``"m²"``, ``"mu"``, ``"亩"``, ``"hectare"``, ``"ac"``.

    Returns
    -------
    str
        One of :data:`AREA_UNITS`.

    Raises
    ------
    DataValidationError
        If the unit is unknown; the message lists the valid units.

    Examples
    --------
    >>> area_unit("m²"), area_unit("Hectares"), area_unit("ac")
    ('m2', 'ha', 'acre')
    """
    found = _AREA_ALIASES.get(_clean(unit, "area", AREA_UNITS))
    if found is None:
        raise DataValidationError(
            f"unknown area unit {shown(unit)}; valid area units: {', '.join(AREA_UNITS)} "
            "(aliases such as m², hectare, 亩, ac are accepted)"
        )
    return found


def mass_unit(unit: str) -> str:
    """Return the canonical mass unit for a name or alias.

    Parameters
    ----------
    unit : str
        Mass unit such as ``"kg"``, ``"公斤"``, ``"tonne"``, ``"斤"``, ``"lbs"``.

    Returns
    -------
    str
        One of :data:`MASS_UNITS`.

    Raises
    ------
    DataValidationError
        If the unit is unknown; the message lists the valid units.

    Examples
    --------
    >>> mass_unit("公斤"), mass_unit("lbs"), mass_unit("斤")
    ('kg', 'lb', 'jin')
    """
    found = _mass_only.get(_clean(unit, "mass", MASS_UNITS))
    if found is None:
        raise DataValidationError(
            f"unknown mass unit {shown(unit)}; valid mass units: {', '.join(MASS_UNITS)} "
            "(aliases such as 公斤, 斤, tonne, lbs are accepted)"
        )
    return found


def _close_unit(unit: object) -> str:
    """`` (did you mean 'kg/mu'?)`` for a yield unit typed wrongly (``kg/muu``), else ''."""
    import difflib

    if not isinstance(unit, str):
        return ""
    close = difflib.get_close_matches(unit.strip().lower(), YIELD_UNITS, n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _parse_yield_unit(unit: object) -> tuple[str, str]:
    """Split a yield unit into (canonical mass or "bu", canonical area)."""
    text = _clean(unit, "yield", YIELD_UNITS).replace(" per ", "/")
    if "/" in text:
        mass_text, _, area_text = text.partition("/")
    else:
        match = re.fullmatch(r"(\S+) (\S+?)\s*\^?-1", text)
        mass_text, area_text = match.groups() if match else ("", "")
    mass_text, area_text = mass_text.strip(), area_text.strip()
    mass = "bu" if mass_text in _BUSHEL_ALIASES else _MASS_ALIASES.get(mass_text)
    area = _AREA_ALIASES.get(area_text)
    if mass is None or area is None:
        raise DataValidationError(
            f"unknown yield unit {shown(unit)}{_close_unit(unit)}; valid yield units: "
            f"{', '.join(YIELD_UNITS)}, or any "
            f"mass unit ({', '.join(MASS_UNITS)}) per area unit "
            f"({', '.join(_AREA_SHORT.values())}) such as 'g/m2'"
        )
    return mass, area


def yield_unit(unit: str) -> str:
    """Return the canonical spelling of a yield-per-area unit.

    Parameters
    ----------
    unit : str
        Yield unit such as ``"kg/ha"``, ``"kg ha-1"``, ``"kg/hm²"``, ``"公斤/亩"``,
        ``"bu/acre"``.

    Returns
    -------
    str
        ``"<mass>/<area>"`` with canonical mass (or ``bu``) and area written
        ``m2``, ``mu``, ``ha`` or ``ac``.

    Raises
    ------
    DataValidationError
        If the unit cannot be parsed; the message lists the valid units.

    Examples
    --------
    >>> yield_unit("kg ha-1"), yield_unit("公斤/亩"), yield_unit("bu/acre")
    ('kg/ha', 'kg/mu', 'bu/ac')
    """
    mass, area = _parse_yield_unit(unit)
    return f"{mass}/{_AREA_SHORT[area]}"


def _bushel_crops() -> str:
    return ", ".join(f"{crop} {lb:g} lb" for crop, lb in BUSHEL_LB.items())


def bushel_weight_kg(crop: str) -> float:
    """Return the mass of one US bushel of a crop at its standard moisture.

    Parameters
    ----------
    crop : str
        Crop name or alias (see :func:`yieldtrial.protocols.canonical_crop`);
        indica and japonica rice use the rough-rice bushel.

    Returns
    -------
    float
        Bushel weight. [kg]

    Raises
    ------
    DataValidationError
        If the crop has no bushel weight; the message lists the crops that do.

    References
    ----------
    .. [1] USDA standard bushel weights (wheat and soybean 60 lb; maize, sorghum
       and rye 56; barley 48; oats 32; rough rice 45);
       https://en.wikipedia.org/wiki/Test_weight ,
       https://www.agriconverter.com/yield/bushel-weight-by-crop/

    Examples
    --------
    >>> round(bushel_weight_kg("wheat"), 4)
    27.2155
    """
    key = canonical_crop(crop)
    if key.startswith("rice"):
        key = "rice"
    if key not in BUSHEL_LB:
        raise DataValidationError(
            f"no bushel weight for crop {crop!r}; bushel weights are known for: {_bushel_crops()}"
        )
    return BUSHEL_LB[key] * KG_PER_LB


def _rescaled(value: Numeric, factor: float, quantity: str) -> Numeric:
    """``value x factor``, of the same kind (and index) as ``value``; never negative."""
    number = as_numeric(value, "value")
    check_range(
        "value",
        number,
        low=0,
        fix=f"{quantity[0].upper()}{quantity[1:]} is never negative or infinite (to convert a "
        "difference, multiply it by the conversion of 1)",
    )
    result = number * factor
    check_result_finite(f"the converted {quantity.split()[-1]}", result)
    return as_output(result)


def parse_named(parse: Callable[[Any], _T], unit: object, name: str) -> _T:
    """``parse(unit)``; its error names the argument (``from_unit: unknown area unit ...``).

    The message after the name is the one :func:`area_unit`, :func:`mass_unit` and
    :func:`yield_unit` give (and trial.toml and the command line end with), so a call with
    two units says which of them is wrong.
    """
    try:
        return parse(unit)
    except DataValidationError as error:
        raise DataValidationError(f"{name}: {error}") from None


def convert_area(value: Numeric, from_unit: str, to_unit: str) -> Numeric:
    """Convert an area between units.

    Parameters
    ----------
    value : numeric
        Area in ``from_unit``.
    from_unit, to_unit : str
        Area units (see :data:`AREA_UNITS`; aliases accepted).

    Returns
    -------
    numeric
        Area in ``to_unit``; same kind (and index) as ``value``.

    Raises
    ------
    DataValidationError
        If a unit is unknown.

    Examples
    --------
    >>> convert_area(15, "mu", "ha")
    1.0
    >>> round(convert_area(1, "mu", "m2"), 4)
    666.6667
    """
    from_area, to_area = (
        parse_named(area_unit, from_unit, "from_unit"),
        parse_named(area_unit, to_unit, "to_unit"),
    )
    factor = _M2_PER[from_area] / _M2_PER[to_area]
    return _rescaled(value, factor, "an area")


def convert_mass(value: Numeric, from_unit: str, to_unit: str) -> Numeric:
    """Convert a mass between units.

    Parameters
    ----------
    value : numeric
        Mass in ``from_unit``.
    from_unit, to_unit : str
        Mass units (see :data:`MASS_UNITS`; aliases accepted).

    Returns
    -------
    numeric
        Mass in ``to_unit``; same kind (and index) as ``value``.

    Raises
    ------
    DataValidationError
        If a unit is unknown.

    Examples
    --------
    >>> convert_mass(3, "jin", "kg")
    1.5
    >>> convert_mass(1, "lb", "g")
    453.59237
    """
    from_mass, to_mass = (
        parse_named(mass_unit, from_unit, "from_unit"),
        parse_named(mass_unit, to_unit, "to_unit"),
    )
    factor = _KG_PER[from_mass] / _KG_PER[to_mass]
    return _rescaled(value, factor, "an amount of mass")


def _kg_per(mass: str, crop: str | None, from_unit: str, to_unit: str) -> float:
    if mass != "bu":
        return _KG_PER[mass]
    if crop is None:
        raise DataValidationError(
            f"converting {from_unit!r} to {to_unit!r} needs crop=...: a bushel is a "
            f"crop-specific weight. Crops with bushel weights: {_bushel_crops()}"
        )
    return bushel_weight_kg(crop)


def convert_yield(
    value: Numeric, from_unit: str, to_unit: str, *, crop: str | None = None
) -> Numeric:
    """Convert a yield per area between units.

    Parameters
    ----------
    value : numeric
        Yield in ``from_unit``.
    from_unit, to_unit : str
        Yield units such as ``"kg/ha"``, ``"t/ha"``, ``"kg/mu"``, ``"jin/mu"``,
        ``"lb/ac"``, ``"bu/ac"`` (see :func:`yield_unit`).
    crop : str, optional
        Crop name, required when either unit is ``bu/ac`` (bushel weights in
        :data:`BUSHEL_LB`).  A bushel is defined at the crop's standard moisture,
        so standardize moisture before converting to bushels.

    Returns
    -------
    numeric
        Yield in ``to_unit``; same kind (and index) as ``value``. A Series named for
        ``from_unit``'s column (``yield_kg_ha``) is named for ``to_unit``'s
        (``yield_kg_mu``); any other name is kept.

    Raises
    ------
    DataValidationError
        If a unit is unknown, ``bu/ac`` is used without a crop that has a
        bushel weight, or ``crop`` is given and is no known crop (checked with any
        units, so a misspelt crop is never silently ignored).

    References
    ----------
    .. [1] Mu (市亩) = 10000/15 m2, State Council decree of 1959;
       https://en.wikipedia.org/wiki/Mu_(land)
    .. [2] International yard and pound agreement (1959): 1 lb = 0.45359237 kg,
       1 acre = 4046.8564224 m2.
    .. [3] USDA standard bushel weights;
       https://www.agriconverter.com/yield/bushel-weight-by-crop/

    Examples
    --------
    >>> round(convert_yield(442, "kg/mu", "kg/ha"), 6)
    6630.0
    >>> round(convert_yield(482.64, "kg/mu", "bu/ac", crop="wheat"), 1)
    107.7
    """
    if crop is not None:  # checked even when no bushel is involved: a typo is never ignored
        canonical_crop(crop)
    from_mass, from_area = parse_named(_parse_yield_unit, from_unit, "from_unit")
    to_mass, to_area = parse_named(_parse_yield_unit, to_unit, "to_unit")
    kg_from = _kg_per(from_mass, crop, from_unit, to_unit)
    kg_to = _kg_per(to_mass, crop, from_unit, to_unit)
    factor = (kg_from * _M2_PER[to_area]) / (_M2_PER[from_area] * kg_to)
    result = _rescaled(value, factor, "a yield")
    if getattr(result, "name", None) == yield_column(from_unit):
        # a ``yield_kg_ha`` Series converted to kg/mu is named ``yield_kg_mu``; other names
        # (a user's own) are kept
        result.name = yield_column(to_unit)  # type: ignore[union-attr]
    return result


def yield_column(unit: str) -> str:
    """Return the canonical column name for yields in a unit.

    Parameters
    ----------
    unit : str
        Yield unit (see :func:`yield_unit`).

    Returns
    -------
    str
        ``"yield_<mass>_<area>"``, e.g. ``"yield_kg_ha"``, ``"yield_bu_ac"``.

    Examples
    --------
    >>> yield_column("kg/ha"), yield_column("jin/mu"), yield_column("bu/acre")
    ('yield_kg_ha', 'yield_jin_mu', 'yield_bu_ac')
    """
    return "yield_" + yield_unit(unit).replace("/", "_")


def unit_from_yield_column(name: str) -> str | None:
    """Return the yield unit encoded in a canonical column name, or ``None``.

    Parameters
    ----------
    name : str
        Column name such as ``"yield_kg_mu"``.

    Returns
    -------
    str or None
        Canonical yield unit (``"kg/mu"``), or ``None`` if ``name`` is not a
        ``yield_<mass>_<area>`` column.

    Examples
    --------
    >>> unit_from_yield_column("yield_t_ha")
    't/ha'
    >>> unit_from_yield_column("plot_id") is None
    True
    """
    match = re.fullmatch(r"yield_([a-z]+)_([a-z0-9]+)", name) if isinstance(name, str) else None
    if match is None:
        return None
    mass, area = match.groups()
    if mass not in (*MASS_UNITS, "bu") or area not in _AREA_SHORT.values():
        return None
    return f"{mass}/{area}"
