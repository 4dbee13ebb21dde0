"""Standard grain moisture per crop and protocol, each value with its source.

"Standard moisture" is not a property of a crop but of a protocol: wheat yields
are reported at 13 % in Chinese yield tests, 13.5 % in US trials and at 0 % on a
dry-matter basis.  :func:`standard_moisture_pct` looks the value up;
:func:`moisture_standard` returns it with its source and whether that source was
confirmed (``confirmed=False`` marks values taken from general knowledge that
the project could not check against a primary text).

Crop names are case-insensitive and accept common aliases, English and Chinese
(``corn`` = ``maize`` = 玉米, 小麦, 水稻, 籼稻, 粳稻, ...); see :func:`canonical_crop`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import check_option

if TYPE_CHECKING:  # pragma: no cover - pandas is imported lazily (fast CLI start)
    import pandas as pd

__all__ = [
    "CROPS",
    "PROTOCOLS",
    "MoistureStandard",
    "canonical_crop",
    "moisture_standard",
    "moisture_standards_table",
    "plausible_harvest_moisture_pct",
    "plausible_yield_kg_ha",
    "standard_moisture_pct",
]

#: Protocols with a standard-moisture table.
PROTOCOLS: tuple[str, ...] = ("cn-yield-test", "usda", "dry-matter")

#: Canonical crop keys.  ``rice`` is paddy (rough) rice without a type;
#: ``rice_indica`` (籼稻) and ``rice_japonica`` (粳稻) are its two Chinese classes.
CROPS: tuple[str, ...] = (
    "wheat",
    "maize",
    "rice",
    "rice_indica",
    "rice_japonica",
    "soybean",
    "barley",
    "sorghum",
    "oats",
    "rye",
)

_ALIASES: dict[str, tuple[str, ...]] = {
    "wheat": ("wheat", "winter wheat", "spring wheat", "小麦", "冬小麦", "春小麦"),
    "maize": ("maize", "corn", "grain maize", "grain corn", "field corn", "玉米", "玉米籽粒"),
    "rice": ("rice", "paddy", "paddy rice", "rough rice", "水稻", "稻谷", "稻"),
    "rice_indica": ("rice indica", "indica rice", "indica", "籼稻", "籼"),
    "rice_japonica": ("rice japonica", "japonica rice", "japonica", "粳稻", "粳"),
    "soybean": ("soybean", "soybeans", "soy", "soya", "soya bean", "soyabean", "大豆"),
    "barley": ("barley", "大麦"),
    "sorghum": ("sorghum", "grain sorghum", "milo", "高粱"),
    "oats": ("oats", "oat", "燕麦"),
    "rye": ("rye", "黑麦"),
}
_ALIAS_TO_CROP: dict[str, str] = {
    alias: crop for crop, aliases in _ALIASES.items() for alias in aliases
}

_SRC_CN_WHEAT = (
    "Chinese yield-test practice (实收测产): wheat at 13 % ('国家商品粮贮藏标准含水量13%'), "
    "Linfen 2016 expert-panel report, "
    "http://zhongguocjingxxiwang.beijingleather.com.cn/zhongguocjingxxiwang/201692.html"
)
_SRC_CN_MAIZE = (
    "Chinese yield-test practice: maize ear harvest converted to 14 %, "
    "https://m.kob123.com/nongyebaike/353209.html ; Hebei Longhua county report, "
    "http://freetextsend.com/shenghuojineng/54085.html"
)
_SRC_CN_RICE = (
    "Chinese rice yield-test method (实收测产): 13.5 % indica (籼), 14.5 % japonica (粳), "
    "http://bk.3456.tv/zhongzibk/16133"
)
_SRC_CN_SOY = (
    "13 % (GB 1352 soybean moisture limit); the national yield-test text was not seen (unconfirmed)"
)
_SRC_GRAINGAGE = (
    "HarvestMaster GrainGage manual, App. A, citing Devkota & Mulvaney (2020, UF/IFAS), "
    "http://www.manualslib.com/manual/2576310/Juniper-Harvestmaster-Graingage-H2-Stationary.html?page=88"
)
_SRC_SDSU_CORN = (
    "SDSU Extension, corn grain moisture discount (15.5 %, 56 lb/bu), "
    "https://extension.sdstate.edu/corn-grain-moisture-discount-why-and-how-much"
)
_SRC_USDA_SOY = (
    "HarvestMaster GrainGage manual, App. A (Devkota & Mulvaney 2020); "
    "https://croptechcafe.org/ag-fact-of-the-week-week-10"
)
_SRC_USDA_SORGHUM = (
    "14 % as commonly used for US grain sorghum (unconfirmed; the GrainGage table, "
    "Devkota & Mulvaney 2020, lists 13 %)"
)
_SRC_USDA_OATS = "croptechcafe.org: oats 32 lb/bu at 14 %, https://croptechcafe.org"
_SRC_USDA_RICE = "US rough rice reported at 12 % (unconfirmed against a USDA text)"
_SRC_DRY = "definition: oven-dry matter, 0 % moisture"

# Chinese renderings of the English source descriptions, for zh reports: publication names,
# authors and URLs as in the English text, the description around them translated
_SOURCE_ZH: dict[str, str] = {
    _SRC_GRAINGAGE: (
        "HarvestMaster GrainGage 使用手册附录 A，引自 Devkota & Mulvaney（2020，UF/IFAS），"
        "http://www.manualslib.com/manual/2576310/Juniper-Harvestmaster-Graingage-H2-Stationary.html?page=88"
    ),
    _SRC_SDSU_CORN: (
        "SDSU Extension 关于玉米籽粒水分扣量的说明（15.5%，56 lb/bu），"
        "https://extension.sdstate.edu/corn-grain-moisture-discount-why-and-how-much"
    ),
    _SRC_USDA_SOY: (
        "HarvestMaster GrainGage 使用手册附录 A（Devkota & Mulvaney 2020）；"
        "https://croptechcafe.org/ag-fact-of-the-week-week-10"
    ),
    _SRC_USDA_SORGHUM: (
        "美国籽粒高粱常用的 14%（未经核实；GrainGage 手册的表格（Devkota & Mulvaney 2020）为 13%）"
    ),
    _SRC_USDA_OATS: "croptechcafe.org：燕麦每蒲式耳 32 磅，按含水量 14% 计，https://croptechcafe.org",
    _SRC_USDA_RICE: "美国稻谷按 12% 含水量报告（未与 USDA 原文核对）",
    _SRC_DRY: "定义：烘干物质，含水量 0%",
}


@dataclass(frozen=True)
class MoistureStandard:
    """A standard (reporting) grain moisture with its provenance.

    Attributes
    ----------
    crop : str
        Canonical crop key (see :data:`CROPS`).
    protocol : str
        Protocol name (see :data:`PROTOCOLS`).
    moisture_pct : float
        Standard moisture, wet basis. [%]
    source : str
        Where the value comes from.
    confirmed : bool
        ``True`` if the value was confirmed from the cited source, ``False`` if it
        comes from general knowledge and should be checked against a primary text.
    source_zh : str
        The source in Chinese for zh reports (publication names and URLs kept as
        they are); ``""`` where :attr:`source` needs no translation.
    """

    crop: str
    protocol: str
    moisture_pct: float
    source: str
    confirmed: bool
    source_zh: str = ""


def _standard(
    crop: str, protocol: str, pct: float, source: str, confirmed: bool
) -> MoistureStandard:
    return MoistureStandard(crop, protocol, pct, source, confirmed, _SOURCE_ZH.get(source, ""))


_TABLE: dict[tuple[str, str], MoistureStandard] = {
    (s.protocol, s.crop): s
    for s in (
        _standard("wheat", "cn-yield-test", 13.0, _SRC_CN_WHEAT, True),
        _standard("maize", "cn-yield-test", 14.0, _SRC_CN_MAIZE, True),
        _standard("rice_indica", "cn-yield-test", 13.5, _SRC_CN_RICE, True),
        _standard("rice_japonica", "cn-yield-test", 14.5, _SRC_CN_RICE, True),
        _standard("soybean", "cn-yield-test", 13.0, _SRC_CN_SOY, False),
        _standard("wheat", "usda", 13.5, _SRC_GRAINGAGE, True),
        _standard("maize", "usda", 15.5, _SRC_SDSU_CORN, True),
        _standard("soybean", "usda", 13.0, _SRC_USDA_SOY, True),
        _standard("barley", "usda", 14.5, _SRC_GRAINGAGE, True),
        _standard("sorghum", "usda", 14.0, _SRC_USDA_SORGHUM, False),
        _standard("oats", "usda", 14.0, _SRC_USDA_OATS, True),
        _standard("rye", "usda", 14.0, _SRC_GRAINGAGE, True),
        _standard("rice", "usda", 12.0, _SRC_USDA_RICE, False),
    )
}

# yieldtrial's own judgement of plausible grain moisture at harvest weighing [%]
# (combine or hand harvest, possibly after some field drying); used only for warnings
_PLAUSIBLE_HARVEST_PCT: dict[str, tuple[float, float]] = {
    "wheat": (8.0, 25.0),
    "maize": (10.0, 40.0),
    "rice": (10.0, 35.0),
    "rice_indica": (10.0, 35.0),
    "rice_japonica": (10.0, 35.0),
    "soybean": (8.0, 25.0),
    "barley": (8.0, 25.0),
    "sorghum": (10.0, 30.0),
    "oats": (8.0, 25.0),
    "rye": (8.0, 25.0),
}


# Yield bounds for the unit-slip warnings (io.yields.warn_crop_implausible_yields).  Tags as
# in the project's domain standards: [S] read in the cited source, [C] computed here from
# [S] values, [M] yieldtrial's own margin.  Sources are news reports of the records and
# FAO-derived national statistics (secondary); the records' own moisture bases differ
# (15 % UK wheat, 15.5 % US maize, 13 % US soybean), which the margin covers.
#
# World-record yields, the highest found for each crop [kg/ha]:
#   wheat   17,960  [S] Tim Lamyman, Lincolnshire (UK), 8.29 ha, ratified by the Yield
#           Enhancement Network; beat Eric Watson's Guinness record of 17,400 (17.398 t/ha,
#           New Zealand, 2020).  https://www.cessnockadvertiser.com.au/life-style/ ,
#           https://www.farmersjournal.ie/nz-farmer-breaks-wheat-yield-world-record-for-a-second-time-612855
#   barley  16,200  [S] the same farmer and season (same article).
#   maize   39,157  [C] from 623.8439 bu/ac [S] (David Hula, NCGA National Corn Yield
#           Contest 2023) x 62.768 kg/ha per bu/ac (56 lb/bu).
#           https://www.dtnpf.com/agriculture/web/ag/crops/article/2023/12/13/hula-hits-new-corn-world-record-623
#   soybean 14,680  [C] from 218.2856 bu/ac [S] (Alex Harrell, Georgia, 2024) x 67.251
#           kg/ha per bu/ac (60 lb/bu).  https://wfin.com/agnet/alex-harrell-shatters-soybean-world-record-with-218-bushel-yield/
#   rice    22,400  [S] the highest claim found (Sumant Kumar, Bihar, India, 2011; disputed
#           by Yuan Longping); the verified Chinese super-hybrid records are lower (17,782.5
#           kg/ha, Teyou 175, Yunnan [S]
#           https://www.just-food.com/news/china-scientists-announce-new-world-record-for-per-hectare-yield-of-hybrid-rice/
#           http://www.financialexpress.com/world-news/chinas-father-of-hybrid-rice-sets-new-record-in-rice-output/898110/
#   sorghum, oats, rye: no record found [-> no crop bound; the 40 t/ha check of every crop].
# A plot warns above RECORD_YIELD_MARGIN x the record [M] (a small plot can out-yield a
# field-scale record, and the moisture bases differ), and never above io.yields'
# IMPLAUSIBLE_YIELD_KG_HA, the 40 t/ha of every crop (maize: 1.5 x 39,157 is above it).
_RECORD_YIELD_KG_HA: dict[str, float] = {
    "wheat": 17_960.0,
    "barley": 16_200.0,
    "maize": 623.8439 * 56 * 0.45359237 / 0.40468564224,  # 39,157 kg/ha [C]
    "soybean": 218.2856 * 60 * 0.45359237 / 0.40468564224,  # 14,680 kg/ha [C]
    "rice": 22_400.0,
    "rice_indica": 22_400.0,
    "rice_japonica": 22_400.0,
}

#: The multiple of a crop's world-record yield above which a plot's yield warns [M].
RECORD_YIELD_MARGIN = 1.5

# The lowest national average yields found (FAO data) [kg/ha]:
#   wheat    401.3  [S] Somalia, the lowest of the FAO wheat yields by country
#                   https://www.theworldranking.com/statistics/1151/wheat-yield-by-country/
#   cereals  220    [S] Libya 1970, the lowest national cereal yield (wheat, rice, maize,
#                   barley, oats, rye, millet, sorghum, ...) of the World Bank / FAO series
#                   1970-2023 shown http://knoema.com/atlas/OPEC/ranks/Cereal-yield
#                   (others: Mongolia 474 in 2005, Chad 531 in 2000 [S] same series)
#   soybean: none found [-> no lower bound for soybean].
# A treatment whose mean yield is above 0 and below a quarter of that average (rounded
# down to 10 kg/ha) warns [M]: wheat 100, the other cereals 50 kg/ha.
_LOWEST_NATIONAL_YIELD_KG_HA: dict[str, float] = {
    "wheat": 401.3,
    **dict.fromkeys(
        ("maize", "rice", "rice_indica", "rice_japonica", "barley", "sorghum", "oats", "rye"),
        220.0,
    ),
}

#: The fraction of the lowest national average below which a treatment mean warns [M].
LOWEST_YIELD_FRACTION = 0.25


def _normalise(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").replace("-", " ").split())


def _known_crops() -> str:
    return "; ".join(f"{crop} ({', '.join(_ALIASES[crop][1:4])})" for crop in CROPS)


def canonical_crop(name: str) -> str:
    """Return the canonical crop key for a crop name or alias.

    Parameters
    ----------
    name : str
        Crop name, case-insensitive; English or Chinese aliases such as
        ``"corn"``, ``"玉米"``, ``"Winter wheat"``, ``"籼稻"``.

    Returns
    -------
    str
        One of :data:`CROPS`.

    Raises
    ------
    DataValidationError
        If the name is not a known crop; the message lists the known crops.

    Examples
    --------
    >>> canonical_crop("Corn")
    'maize'
    >>> canonical_crop("小麦")
    'wheat'
    >>> canonical_crop("粳稻")
    'rice_japonica'
    """
    if not isinstance(name, str):
        raise DataValidationError(f"crop must be a crop name (text); got {name!r}")
    crop = _ALIAS_TO_CROP.get(_normalise(name))
    if crop is None:
        raise DataValidationError(
            f"unknown crop {name!r}{_close_crop(name)}; known crops (with some aliases): "
            f"{_known_crops()}"
        )
    return crop


def _close_crop(name: str) -> str:
    """`` (did you mean 'wheat'?)`` for a crop name or alias typed wrongly, else ''."""
    import difflib

    close = difflib.get_close_matches(_normalise(name), list(_ALIAS_TO_CROP), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def moisture_standard(crop: str, *, protocol: str = "cn-yield-test") -> MoistureStandard:
    """Return the standard moisture of a crop under a protocol, with its source.

    Parameters
    ----------
    crop : str
        Crop name or alias (see :func:`canonical_crop`).
    protocol : {"cn-yield-test", "usda", "dry-matter"}
        ``"cn-yield-test"``: Chinese yield-test practice (测产验收);
        ``"usda"``: US trade/research reporting moistures; ``"dry-matter"``: 0 %.

    Returns
    -------
    MoistureStandard
        Value [%], source and confirmation flag.

    Raises
    ------
    DataValidationError
        If the crop or protocol is unknown, if the protocol has no value for the
        crop, or if plain ``"rice"`` is given under ``"cn-yield-test"`` (the
        standard differs: 籼稻 indica 13.5 %, 粳稻 japonica 14.5 %).

    Examples
    --------
    >>> moisture_standard("wheat").moisture_pct
    13.0
    >>> moisture_standard("corn", protocol="usda").moisture_pct
    15.5
    """
    protocol = check_option("protocol", protocol, PROTOCOLS, fold=True)
    key = canonical_crop(crop)
    if protocol == "dry-matter":
        return MoistureStandard(key, protocol, 0.0, _SRC_DRY, True, _SOURCE_ZH[_SRC_DRY])
    if protocol == "usda" and key in ("rice_indica", "rice_japonica"):
        found = _TABLE[("usda", "rice")]
        return MoistureStandard(
            key, protocol, found.moisture_pct, found.source, found.confirmed, found.source_zh
        )
    if protocol == "cn-yield-test" and key == "rice":
        raise DataValidationError(
            f"crop {crop!r} is ambiguous for protocol 'cn-yield-test': the standard moisture is "
            "13.5 % for indica rice (籼稻) and 14.5 % for japonica rice (粳稻); "
            "give crop='rice_indica' or crop='rice_japonica'"
        )
    found_standard = _TABLE.get((protocol, key))
    if found_standard is None:
        available = sorted(c for (p, c) in _TABLE if p == protocol)
        raise DataValidationError(
            f"protocol {protocol!r} has no standard moisture for {key!r}; it covers: "
            f"{', '.join(available)}. Use another protocol or give standard_moisture_pct "
            "explicitly"
        )
    return found_standard


def standard_moisture_pct(crop: str, *, protocol: str = "cn-yield-test") -> float:
    """Return the standard (reporting) grain moisture of a crop under a protocol.

    Parameters
    ----------
    crop : str
        Crop name or alias (see :func:`canonical_crop`).
    protocol : {"cn-yield-test", "usda", "dry-matter"}
        The protocol; see :func:`moisture_standard`.

    Returns
    -------
    float
        Standard moisture, wet basis. [%]

    Raises
    ------
    DataValidationError
        See :func:`moisture_standard`.

    Examples
    --------
    >>> standard_moisture_pct("wheat")
    13.0
    >>> standard_moisture_pct("籼稻")
    13.5
    >>> standard_moisture_pct("maize", protocol="usda")
    15.5
    >>> standard_moisture_pct("maize", protocol="dry-matter")
    0.0
    """
    return moisture_standard(crop, protocol=protocol).moisture_pct


def moisture_standards_table() -> pd.DataFrame:
    """Return every tabulated standard moisture as a tidy table.

    Returns
    -------
    pandas.DataFrame
        Columns ``protocol``, ``crop``, ``moisture_pct`` [%], ``source``,
        ``confirmed``; the ``dry-matter`` protocol (0 % for every crop) is not listed.

    Examples
    --------
    >>> moisture_standards_table().columns.tolist()
    ['protocol', 'crop', 'moisture_pct', 'source', 'confirmed']
    """
    import pandas as pd

    columns = ["protocol", "crop", "moisture_pct", "source", "confirmed"]
    rows = [[getattr(standard, column) for column in columns] for standard in _TABLE.values()]
    return pd.DataFrame(rows, columns=columns)


def plausible_harvest_moisture_pct(crop: str) -> tuple[float, float]:
    """Return the range of grain moisture plausible when a crop's harvest is weighed.

    The ranges are yieldtrial's own judgement (combine or hand harvest, possibly
    after some field drying), not a published standard; they only trigger
    warnings, never errors.  Wheat at 5 % is implausible (likely a typo for 15 %).

    Parameters
    ----------
    crop : str
        Crop name or alias (see :func:`canonical_crop`).

    Returns
    -------
    tuple of float
        ``(low, high)``, wet basis. [%]

    Examples
    --------
    >>> plausible_harvest_moisture_pct("wheat")
    (8.0, 25.0)
    >>> plausible_harvest_moisture_pct("玉米")
    (10.0, 40.0)
    """
    return _PLAUSIBLE_HARVEST_PCT[canonical_crop(crop)]


def plausible_yield_kg_ha(
    crop: str,
) -> tuple[float | None, float | None, float | None, float | None]:
    """Return the yield bounds of a crop's unit-slip warnings, and the yields behind them.

    A treatment mean below ``low`` (above 0) or a plot above ``high`` is no harvested
    crop of this kind: a unit slip is likelier (a mass in kg read as g, a yield in kg/ha
    typed in a kg/mu column).  Both bounds only trigger warnings; sources and margins are
    in the comments above this function's tables (and ``docs/data-format.md``).

    Parameters
    ----------
    crop : str
        Crop name or alias (see :func:`canonical_crop`).

    Returns
    -------
    low : float or None
        A quarter of the lowest national average yield found, rounded down to 10 kg/ha;
        None without a sourced average (soybean). [kg/ha]
    high : float or None
        :data:`RECORD_YIELD_MARGIN` x the world-record yield; None without a sourced record
        (sorghum, oats, rye). [kg/ha]
    record : float or None
        The world-record yield. [kg/ha]
    lowest : float or None
        The lowest national average yield found. [kg/ha]

    Examples
    --------
    >>> plausible_yield_kg_ha("wheat")
    (100.0, 26940.0, 17960.0, 401.3)
    >>> plausible_yield_kg_ha("soybean")[0] is None
    True
    >>> plausible_yield_kg_ha("oats")
    (50.0, None, None, 220.0)
    """
    key = canonical_crop(crop)
    lowest = _LOWEST_NATIONAL_YIELD_KG_HA.get(key)
    record = _RECORD_YIELD_KG_HA.get(key)
    low = None if lowest is None else float(int(lowest * LOWEST_YIELD_FRACTION / 10) * 10)
    high = None if record is None else round(RECORD_YIELD_MARGIN * record, 6)
    return low, high, record, lowest
