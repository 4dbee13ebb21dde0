"""Header recognition for :func:`yieldtrial.io.read_plots`: alias tables and normalisation.

A header such as ``面积(亩)``, ``Fresh mass (jin)`` or ``moisture_%`` is
normalised (NFKC, lower case, single spaces), split into a base name and a unit
text, looked up in the alias tables and resolved to a canonical column
(``harvested_area_mu``, ``fresh_mass_jin``, ``moisture_pct``).  No pandas here.
"""

from __future__ import annotations

import re
import unicodedata

from yieldtrial.errors import DataValidationError
from yieldtrial.units import area_unit, mass_unit, unit_from_yield_column, yield_column, yield_unit

__all__ = [
    "VARIETY_HEADERS",
    "accepted_aliases",
    "label_pair",
    "normalise_header",
    "recognise_header",
    "recognised_headers",
]

# --- alias tables -----------------------------------------------------------------------
# normalised base name -> quantity.  Tier 1 aliases are unambiguous; tier 2 ones are
# used only when no tier 1 column of the same quantity exists (e.g. a gross plot area
# is read as the harvested area only when no harvested-area column is given).
_PRIMARY: dict[str, tuple[str, ...]] = {
    "plot_id": (
        "plot_id",
        "plot",
        "plot_no",
        "plot_number",
        "plot_nr",
        "plotid",
        "plot_code",
        "小区",
        "小区号",
        "小区编号",
        "小区代号",
    ),
    "treatment": (
        "treatment",
        "trt",
        "treat",
        "treatments",
        "处理",
        "处理名称",
        "处理号",
        "处理代号",
    ),
    "block": (
        "block",
        "blk",
        "rep",
        "replicate",
        "replication",
        "repetition",
        "blocks",
        "bloc",
        "bloque",
        "blok",
        "重复",
        "区组",
        "重复号",
        "区组号",
        "区组编号",
        "重复编号",
    ),
    "site": ("site", "location", "loc", "trial_site", "地点", "试点", "试验地点", "地址"),
    "row": ("row", "field_row", "行", "行号"),
    "column": ("column", "col", "field_column", "range", "列", "列号"),
    "harvested_area": (
        "harvested_area",
        "harvest_area",
        "net_area",
        "net_plot_area",
        "harvested_plot_area",
        "area",
        "收获面积",
        "实收面积",
        "测产面积",
        "收割面积",
        "面积",
    ),
    "fresh_mass": (
        "fresh_mass",
        "fresh_weight",
        "harvest_mass",
        "harvest_weight",
        "harvested_mass",
        "grain_mass",
        "grain_weight",
        "fresh_wt",
        "鲜重",
        "实收鲜重",
        "收获鲜重",
        "籽粒鲜重",
        "实收重量",
        "收获重量",
        "小区鲜重",
        "grain_wt",
        "鲜穗重",
        "鲜穗重量",
        "果穗鲜重",
        "穗重",
    ),
    "moisture": (
        "moisture",
        "moisture_content",
        "grain_moisture",
        "mc",
        "h2o",
        "含水量",
        "收获含水量",
        "水分",
        "含水率",
        "籽粒含水量",
        "籽粒水分",
        "籽粒含水率",
        "水分含量",
    ),
    "impurity": (
        "impurity",
        "impurities",
        "dockage",
        "foreign_material",
        "杂质率",
        "杂质",
        "杂质含量",
    ),
    "empty_grain": (
        "empty_grain",
        "empty_grain_rate",
        "unfilled_grain",
        "空瘪率",
        "空秕率",
        "空瘪粒率",
    ),
    "shelling": (
        "shelling",
        "shelling_percentage",
        "shelling_rate",
        "shelling_percent",
        "出籽率",
        "出籽",
    ),
    "yield": ("yield", "grain_yield", "standardized_yield", "产量", "折合产量", "标准产量"),
    "yield_mu": ("亩产", "亩产量", "折合亩产", "折亩产", "折合亩产量"),
    "yield_ha": ("公顷产量", "折合公顷产量"),
}
_SECONDARY: dict[str, tuple[str, ...]] = {
    "plot_id": ("id", "plot_name", "编号", "序号", "plots"),
    "treatment": (
        "variety",
        "cultivar",
        "genotype",
        "entry",
        "hybrid",
        "varieties",
        "cultivars",
        "genotypes",
        "品种",
        "品种名称",
        "参试品种",
        "处理编号",
    ),
    "harvested_area": ("plot_area", "小区面积"),
    "fresh_mass": ("mass", "weight", "重量", "小区产量"),
    # plurals (loose58): read only when no singular column of the quantity is present, so
    # a count beside the field row ('row' and 'rows': crop rows harvested) stays extra
    "site": ("sites", "locations", "trial_sites"),
    "row": ("rows", "field_rows", "排", "排号"),
    "column": ("columns", "cols", "field_columns", "ranges"),
}

#: The ``treatment`` aliases that name varieties (normalised): a column read from one of
#: them holds varieties, not treatments (the Chinese network report heads it 品种, else 处理).
VARIETY_HEADERS: frozenset[str] = frozenset(
    alias for alias in _SECONDARY["treatment"] if alias != "处理编号"
)

_QUANTITY_OF: dict[str, tuple[str, int]] = {
    **{alias: (q, 1) for q, aliases in _PRIMARY.items() for alias in aliases},
    **{alias: (q, 2) for q, aliases in _SECONDARY.items() for alias in aliases},
}
_PERCENT_QUANTITIES = ("moisture", "impurity", "empty_grain", "shelling")
_PCT_UNITS = {"%": "pct", "pct": "pct", "percent": "pct", "百分比": "pct", "百分率": "pct"}
_FRACTION_UNITS = {"fraction": "fraction", "frac": "fraction", "小数": "fraction"}


#: Traditional characters of the Chinese aliases and units, as their simplified forms: a
#: header 小區號, 區組, 處理, 產量, 水分(%) or 面積(畝) is read as 小区号, 区组, 处理, ... .
_SIMPLIFIED = str.maketrans(
    "區號處產組複稱畝頃鮮實穫獲積質種試點測編雜標準參癟驗計數價碼",
    "区号处产组复称亩顷鲜实获获积质种试点测编杂标准参瘪验计数价码",
)


def normalise_header(name: object) -> str:
    """NFKC (full-width -> ASCII, m² -> m2), lower case, single spaces."""
    text = unicodedata.normalize("NFKC", str(name)).replace("【", "[").replace("】", "]")
    return re.sub(r"\s+", " ", text.strip().lower())


def _key(text: str) -> str:
    return re.sub(r"[\s\-.:#]+", "_", text).strip("_")


def _split_header(name: object) -> list[tuple[str, str | None]]:
    """Candidate (base key, unit text) splits of a header, most explicit first."""
    text = normalise_header(name).translate(_SIMPLIFIED)
    candidates: list[tuple[str, str | None]] = []
    bracket = re.fullmatch(r"(.*?)\s*[(\[](.*?)[)\]]\s*", text)
    if bracket:
        candidates.append((_key(bracket.group(1)), bracket.group(2).strip()))
        return candidates
    glued = re.fullmatch(r"([\u4e00-\u9fff]+)\s*([a-z0-9/^%_ ]+)", text)
    if glued:
        candidates.append((_key(glued.group(1)), glued.group(2).strip()))
    key = _key(text)
    candidates.append((key, None))
    parts = key.split("_")
    for cut in range(1, min(3, len(parts) - 1) + 1):
        candidates.append(("_".join(parts[:-cut]), "_".join(parts[-cut:])))
    if text.endswith("%"):
        candidates.append((_key(text[:-1]), "%"))
    return candidates


def _resolve(quantity: str, unit: str | None) -> str:
    """Canonical column for a quantity and a unit text; raises ValueError on a bad unit."""
    if quantity in ("plot_id", "treatment", "block", "site", "row", "column"):
        return quantity
    if quantity == "harvested_area":
        return f"harvested_area_{area_unit(unit) if unit else 'm2'}"
    if quantity == "fresh_mass":
        return f"fresh_mass_{mass_unit(unit) if unit else 'kg'}"
    if quantity in _PERCENT_QUANTITIES:
        if unit is None or unit in _PCT_UNITS:
            return f"{quantity}_pct"
        if unit in _FRACTION_UNITS:
            return f"{quantity}_fraction"
        raise ValueError(f"unit {unit!r} is not percent ('%', 'pct') or 'fraction'")
    # yields: an explicit per-area unit, or a mass unit for the 亩产 / 公顷产量 family
    area = {"yield_mu": "mu", "yield_ha": "ha"}.get(quantity)
    if unit is None:
        if area is None:
            raise ValueError(
                "a yield column must state its unit, e.g. 'yield (kg/ha)' or 'yield_kg_mu'"
            )
        return yield_column(f"kg/{area}")
    text = unit.replace("_", "/") if "/" not in unit and " " not in unit else unit
    if area is not None and "/" not in text:
        text = f"{text}/{area}"
    if "/" not in text and "-1" not in text:
        raise ValueError(
            f"unit {unit!r} is a mass, not a yield per area; if this is the plot's harvested "
            "mass name the column fresh_mass_kg"
        )
    return yield_column(yield_unit(text))


#: Label columns (no unit); a header such as 'plot_mass_kg' or 'plot yield' is no plot id.
_LABEL_QUANTITIES = ("plot_id", "treatment", "block", "site", "row", "column")
#: Words of a measurement after a label word: the header is that measurement, not the label.
_MEASUREMENT_WORDS = re.compile(
    r"mass|weight|yield|moisture|area|kg|jin|lb|m2|ha\b|mu\b|pct|%|产量|重|水分|面积"
)


def _other_label(quantity: str, unit: str) -> str | None:
    """Return the label column other than ``quantity`` a word of ``unit`` names, if any.

    Only the unambiguous (tier 1) aliases count: ``plot_block`` names ``block``, while
    ``site_id`` (``id`` is a tier 2 plot id alias) and ``plot_no`` name nothing else.
    """
    for word in _key(unit).split("_"):
        found = _QUANTITY_OF.get(word)
        if found and found[1] == 1 and found[0] in _LABEL_QUANTITIES and found[0] != quantity:
            return found[0]
    return None


def label_pair(name: object) -> tuple[str, str] | None:
    """Return the two label columns a header joining both names, else None.

    Parameters
    ----------
    name : object
        A header as read (``plot_block``, ``Block plot``, ``rep_plot``, ``plot_row``).

    Returns
    -------
    tuple of str or None
        (the column its first word names, the column a later word names), e.g.
        ``("plot_id", "block")`` for ``plot_block``; None for a header naming at most one
        label column (``plot_no``, ``site_id``, ``block``).

    Notes
    -----
    Such a header was read as its first word's column (``plot_block`` as the plot id),
    silently.  The header alone cannot tell whether it holds the plot's id, its block or
    both joined (``101-B1``), so :func:`recognise_header` reads it as neither (loose58).

    Examples
    --------
    >>> label_pair("plot_block")
    ('plot_id', 'block')
    >>> label_pair("plot_no") is None
    True
    """
    for base, unit in _split_header(name):
        found = _QUANTITY_OF.get(base)
        if found is None:
            continue
        if found[0] not in _LABEL_QUANTITIES or not unit or _MEASUREMENT_WORDS.search(unit):
            return None
        other = _other_label(found[0], unit)
        return None if other is None else (found[0], other)
    return None


def recognise_header(name: object) -> tuple[str | None, int, str | None]:
    """Return (canonical name or None, tier, problem) for one header."""
    problem = None
    for base, unit in _split_header(name):
        found = _QUANTITY_OF.get(base)
        if found is None:
            continue
        quantity, tier = found
        if quantity in _LABEL_QUANTITIES and unit and _MEASUREMENT_WORDS.search(unit):
            continue  # 'plot_mass_kg' is a mass of the plot, not its id
        if quantity in _LABEL_QUANTITIES and unit and _other_label(quantity, unit):
            other = _other_label(quantity, unit)
            return (
                None,
                0,
                f"header {str(name)!r} names both {quantity} and {other}, so it is read as "
                f"neither; map it with --column '{name}={quantity}' or '{name}={other}' "
                "([columns] of trial.toml, columns= in Python)",
            )
        try:
            return _resolve(quantity, unit), tier, None
        except (ValueError, DataValidationError) as exc:
            problem = problem or f"header {str(name)!r} looks like {quantity} but {exc}"
    if isinstance(name, str) and unit_from_yield_column(name) is not None:
        return name, 1, None
    return None, 0, problem


def recognised_headers() -> dict[str, tuple[str, ...]]:
    """Return the header aliases recognised for each quantity.

    Returns
    -------
    dict
        Quantity (``"plot_id"``, ``"harvested_area"``, ...) -> accepted names,
        primary aliases first.  Matching ignores case, surrounding spaces and
        full-width characters; a unit may follow in brackets (``面积(亩)``) or as a
        suffix (``area_mu``).

    Examples
    --------
    >>> "小区号" in recognised_headers()["plot_id"]
    True
    """
    out: dict[str, tuple[str, ...]] = {}
    for quantity, aliases in _PRIMARY.items():
        out[quantity] = aliases + _SECONDARY.get(quantity, ())
    return out


def accepted_aliases(quantity: str, *, limit: int = 3) -> str:
    """List a few accepted headers of a quantity (Latin, then Chinese) for a message."""
    aliases = recognised_headers()[quantity]
    latin = [a for a in aliases if a.isascii()][:limit]
    chinese = [a for a in aliases if not a.isascii()][:limit]
    return ", ".join(repr(a) for a in latin + chinese)
