"""How the report states the harvest: yield formula, input units, unit conversions, decimals.

The methods paragraph names exactly the factors of the harvest formula used for
this trial (:func:`yieldtrial.harvest.standardized_mass_kg`): impurity, empty
grain (rice) and shelling percentage (maize weighed as ears) appear only when
the plot table has them, each with its observed range.  The unit notes give the
exact conversions of the display unit and of the input columns (acres, lb, mu,
jin ...), so that a reader can reproduce every yield from the printed plot table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.io._rounding import fixed
from yieldtrial.report.i18n import t

__all__ = [
    "HARVEST_FACTORS",
    "conversion_note",
    "decimals",
    "input_unit_columns",
    "input_units_note",
    "is_ear_harvest",
    "unit_name",
    "range_ends",
    "value_range",
    "yield_formula",
]

#: Harvest-factor columns of the plot table, in the order of the formula.
HARVEST_FACTORS: tuple[str, ...] = ("impurity_pct", "empty_grain_pct", "shelling_pct")

#: Display names of units in Chinese text (others are written as symbols).
_UNIT_ZH: dict[str, str] = {
    "mu": "亩",
    "acre": "英亩",
    "ha": "公顷",
    "jin": "斤",
    "lb": "磅",
    "t": "吨",
    "g": "克",
    "bu": "蒲式耳",
}


def unit_name(unit: str, lang: str) -> str:
    """Return the name of an area or mass unit in ``lang`` (``m2`` is written m²).

    Examples
    --------
    >>> unit_name("acre", "zh"), unit_name("m2", "en"), unit_name("lb", "en")
    ('英亩', 'm²', 'lb')
    """
    if unit == "m2":
        return "m²"
    return _UNIT_ZH.get(unit, unit) if lang == "zh" else unit


def finite(values: Any) -> np.ndarray:
    """Return the finite values of a column as floats (not to be changed in place).

    A column of finite floats is returned as it is, without the copy the mask would make
    (5.9 million plots: 47 MB a call, and :func:`range_ends` passes its finite values to
    :func:`decimals`, which asks again).  Floats already (an array or a float column) are
    not passed through ``pd.Series`` and ``pd.to_numeric``, which copied them (pandas 3
    copies an array it wraps: 47 MB more under each call on the 200 MB plot table).
    """
    if isinstance(values, (np.ndarray, pd.Series)) and values.dtype == np.float64:
        array = values if isinstance(values, np.ndarray) else values.to_numpy()
    else:
        array = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    keep = np.isfinite(array)
    return array if keep.all() else array[keep]


def value_range(values: Any) -> str | None:
    """Return ``"low–high"`` (or the single value) of the finite values, None when there are none.

    Both ends get the decimals the values need (:func:`range_ends`), so a moisture range
    recorded to 0.1 reads ``14.6–22.0``, not ``14.6–22``.

    Examples
    --------
    >>> value_range([82.0, 85.2, 84.0]), value_range([2.5, 2.5]), value_range([float("nan")])
    ('82.0–85.2', '2.5', None)
    """
    ends = range_ends(values)
    if ends is None:
        return None
    low, high = ends
    return low if low == high else f"{low}–{high}"


def range_ends(values: Any) -> tuple[str, str] | None:
    """Return the lowest and highest finite value as text with the same decimals.

    The decimals are the fewest (0 to 4) that print every value exactly
    (:func:`decimals`): ``[14.6, 22.0]`` gives ``("14.6", "22.0")``, ``[20.0, 12.0]``
    ``("12", "20")``.  None when no value is finite.

    Examples
    --------
    >>> range_ends([14.6, 22.0, 18.3]), range_ends([20.0, 12.0]), range_ends([float("nan")])
    (('14.6', '22.0'), ('12', '20'), None)
    """
    found = finite(values)
    if found.size == 0:
        return None
    digits = decimals(found, 0, 4)
    return fixed(found.min(), digits), fixed(found.max(), digits)


def decimals(values: Any, low: int, high: int) -> int:
    """Return the fewest decimals in ``[low, high]`` that print every value exactly.

    ``13.34`` needs 2, ``20`` keeps ``low``; values with more decimals than
    ``high`` (converted units) get ``high``.

    Examples
    --------
    >>> decimals([20.0, 13.34], 1, 4), decimals([20.0], 1, 4), decimals([40.468564224], 1, 2)
    (2, 1, 2)
    """
    found = finite(values)
    for digits in range(low, high + 1):
        # piece by piece: a too-small count fails on the first values (no pass over all),
        # and the temporaries stay small (millions of plots)
        if all(
            _prints_exactly(found[s : s + _CHUNK], digits) for s in range(0, found.size, _CHUNK)
        ):
            return digits
    return high


_CHUNK = 1 << 16  # values per step of decimals()


def _prints_exactly(found: np.ndarray, digits: int) -> bool:
    """Whether every value prints exactly (to 1e-9 relative) with ``digits`` decimals."""
    return bool(
        np.all(np.abs(np.round(found, digits) - found) <= 1e-9 * np.maximum(1.0, np.abs(found)))
    )


def is_ear_harvest(plots: pd.DataFrame) -> bool:
    """Whether the fresh mass is ear mass: a shelling percentage below 100 on some plot."""
    if "shelling_pct" not in plots.columns:
        return False
    found = finite(plots["shelling_pct"])
    return bool(found.size and (found < 100).any())


def input_unit_columns(plots: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Return the input columns given in other units than m² and kg.

    Returns
    -------
    list of (column, quantity, unit)
        ``("harvested_area_acre", "area", "acre")``, ``("fresh_mass_lb", "mass", "lb")``
        ...; the reader converts them to ``harvested_area_m2`` and ``fresh_mass_kg``
        and keeps them.
    """
    from yieldtrial.units import AREA_UNITS, MASS_UNITS

    out: list[tuple[str, str, str]] = []
    for quantity, prefix, units, base in (
        ("area", "harvested_area_", AREA_UNITS, "m2"),
        ("mass", "fresh_mass_", MASS_UNITS, "kg"),
    ):
        for unit in units:
            if unit != base and f"{prefix}{unit}" in plots.columns:
                out.append((f"{prefix}{unit}", quantity, unit))
    return out


def _number(value: float) -> str:
    """Print a conversion constant exactly (``4046.8564224``, ``0.45359237``, ``666.67``)."""
    return f"{value:.15g}"


def _unit_facts(mass: str, area: str, lang: str, *, crop: str | None, standard: float) -> list[str]:
    """Exact conversions of a mass unit to kg and an area unit to m² (nothing for kg and m²)."""
    from yieldtrial.units import KG_PER_JIN, KG_PER_LB, M2_PER_ACRE, M2_PER_HA, M2_PER_MU

    facts: list[str] = []
    if mass == "bu":
        from yieldtrial.protocols import canonical_crop
        from yieldtrial.units import BUSHEL_LB

        key = canonical_crop(crop) if crop else None
        pounds = BUSHEL_LB.get(str(key)) if key else None
        if pounds is not None:
            crop_text = str(crop)
            if lang == "zh":
                from yieldtrial.report.i18n import CROPS_ZH

                crop_text = CROPS_ZH.get(str(crop).strip().lower(), crop_text)
            facts.append(
                t("units.bushel", lang, crop=crop_text, lb=f"{pounds:g}", standard=f"{standard:g}")
            )
        mass = "lb"
    per_kg = {"jin": KG_PER_JIN, "lb": KG_PER_LB, "g": 0.001, "t": 1000.0}
    if mass in per_kg:
        facts.append(f"1 {unit_name(mass, lang)} = {_number(per_kg[mass])} kg")
    if area == "mu":
        facts.append(t("units.mu", lang, m2=_number(round(M2_PER_MU, 2))))
    elif area == "acre":
        facts.append(f"1 {unit_name('acre', lang)} = {_number(M2_PER_ACRE)} m²")
    elif area == "ha":
        facts.append(f"1 {unit_name('ha', lang)} = {_number(M2_PER_HA)} m²")
    return facts


def conversion_note(unit: str, lang: str, *, crop: str | None, standard: float) -> str:
    """Return the exact conversions of a display yield unit to kg and m² (empty for kg/ha).

    Examples
    --------
    >>> conversion_note("bu/ac", "en", crop="corn", standard=15.5)
    '1 bushel of corn = 56 lb at 15.5 % moisture; 1 lb = 0.45359237 kg; 1 acre = 4046.8564224 m²'
    >>> conversion_note("kg/mu", "en", crop="wheat", standard=13)
    '1 mu = 10000/15 ≈ 666.67 m², 15 mu = 1 ha'
    >>> conversion_note("kg/ha", "en", crop="wheat", standard=13)
    ''
    """
    from yieldtrial.units import area_unit, yield_unit

    mass, _, area = yield_unit(unit).partition("/")
    area = area_unit("acre" if area == "ac" else area)
    if mass == "kg" and area == "ha":
        return ""
    facts = _unit_facts(mass, area, lang, crop=crop, standard=standard)
    if area == "m2":
        facts.append(f"1 {unit_name('ha', lang)} = 10000 m²")
    return t("list.semicolon", lang).join(facts)


def input_units_note(plots: pd.DataFrame, lang: str, *, stated: str = "") -> str | None:
    """Sentence stating how input areas and masses in other units were converted (or None).

    Conversions already in ``stated`` (the display unit's note) are not repeated.
    """
    given = input_unit_columns(plots)
    if not given:
        return None
    facts: list[str] = []
    for _, quantity, unit in given:
        if quantity == "area":
            facts += _unit_facts("kg", unit, lang, crop=None, standard=0.0)
        else:
            facts += _unit_facts(unit, "m2", lang, crop=None, standard=0.0)
    new = [fact for fact in facts if fact not in stated]
    names = [unit_name(unit, lang) for _, _, unit in given]
    return t(
        "methods.input_units",
        lang,
        units=t("list.sep", lang).join(names),
        conversions=t("list.semicolon", lang).join(new) if new else t("units.as_above", lang),
    )


def _moisture_factor(method: str, standard: float, shrink: float | None, lang: str) -> str:
    """Return the moisture factor of the method as printed in the formula."""
    std = f"{standard:g}"
    if method == "percentage_point":
        return t("formula.factor_percentage_point", lang, standard=std)
    if method == "shrink":
        return t(
            "formula.factor_shrink",
            lang,
            standard=std,
            shrink="s" if shrink is None else f"{shrink:g}",
        )
    return t("formula.factor_dry_matter", lang, standard=std)


def yield_formula(
    plots: pd.DataFrame,
    lang: str,
    *,
    method: str,
    standard: float,
    shrink_pct_per_point: float | None = None,
) -> str:
    """Return the plot-yield formula of this trial with its definitions.

    Only the factors present in the plot table appear (impurity ``I``, empty
    grain ``E``, shelling percentage ``P``), each with its range over the
    plots; ``W`` is called the ear mass when shelling is below 100 %.

    Parameters
    ----------
    plots : DataFrame
        The trial's plot table with yields (``FieldTrial.yields()``).
    lang : {"en", "zh"}
        Language.
    method : str
        Moisture method (``dry_matter``, ``percentage_point``, ``shrink``).
    standard : float
        Standard moisture. [%]
    shrink_pct_per_point : float, optional
        Shrink of the ``shrink`` method. [%/point]

    Returns
    -------
    str
        One sentence: formula, then what each symbol stands for.
    """
    terms = ["W"]
    where = [t("formula.ear_mass" if is_ear_harvest(plots) else "formula.fresh_mass", lang)]
    symbols = {"impurity_pct": "I", "empty_grain_pct": "E", "shelling_pct": "P"}
    for column in HARVEST_FACTORS:
        if column not in plots.columns:
            continue
        span = value_range(plots[column])
        if span is None:
            continue
        terms.append(t(f"formula.term_{column}", lang))
        where.append(t(f"formula.{column}", lang, symbol=symbols[column], range=span))
    terms.append(_moisture_factor(method, standard, shrink_pct_per_point, lang))
    moisture = value_range(plots["moisture_pct"]) if "moisture_pct" in plots else None
    where.append(
        t("formula.moisture", lang, range=moisture)
        if moisture is not None
        else t("formula.moisture_plain", lang)
    )
    where.append(t("formula.area", lang))
    return t(
        "formula.plot_yield",
        lang,
        terms=t("formula.times", lang).join(terms),
        where=t("list.semicolon", lang).join(where),
    )
