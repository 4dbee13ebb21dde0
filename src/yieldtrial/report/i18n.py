"""Fixed strings of the report in English and Chinese.

Every fixed string of the report comes from :data:`STRINGS`, read from the data
file ``report/templates/strings.toml`` (one table per key, ``en`` and ``zh``);
:func:`t` looks a key up and fills ``{placeholders}``.  The test suite checks that every key has
both languages with the same placeholders.

Examples
--------
>>> t("section.means", "zh")
'产量结果与多重比较'
>>> t("unit.default", "zh"), t("unit.default", "en")
('kg/mu', 'kg/ha')
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = [
    "letters_name",
    "letters_note",
    "letters_one_df",
    "letters_variant",
    "LANGUAGES",
    "STRINGS",
    "ZH_UNITS",
    "t",
    "default_unit",
    "check_lang",
    "crop_name",
    "full_stop",
    "localize_units",
    "translate_message",
    "unit_label",
    "zh_units",
]

#: Report languages.
LANGUAGES: tuple[str, ...] = ("en", "zh")


def _load_strings() -> dict[str, dict[str, str]]:
    """Read the report's fixed strings from ``templates/strings.toml`` (package data)."""
    import tomllib
    from importlib import resources

    text = (
        resources.files("yieldtrial.report")
        .joinpath("templates", "strings.toml")
        .read_text(encoding="utf-8")
    )
    return {key: dict(pair) for key, pair in tomllib.loads(text).items()}


#: Every fixed string of the report: key -> {"en": ..., "zh": ...} (from strings.toml).
STRINGS: dict[str, dict[str, str]] = _load_strings()


def check_lang(lang: str) -> str:
    """Return ``lang`` normalised or raise DataValidationError."""
    from yieldtrial.errors import DataValidationError

    key = str(lang).lower().split("-")[0].split("_")[0]
    if key not in LANGUAGES:
        raise DataValidationError(
            f"unknown report language {lang!r}; expected one of {', '.join(LANGUAGES)}."
        )
    return key


def t(key: str, lang: str, **values: Any) -> str:
    """Return the string ``key`` in ``lang`` with ``{placeholders}`` filled.

    Parameters
    ----------
    key : str
        Key of :data:`STRINGS`.
    lang : {"en", "zh"}
        Language.
    **values
        Placeholder values.

    Returns
    -------
    str
        The translated string.
    """
    template = STRINGS[key][lang]
    if not values:
        return template
    # "P = <0.001" reads "P < 0.001"
    return template.format(**values).replace("= <0.001", "< 0.001")


def spaced(label: str, lang: str, *, before: bool = False, after: bool = False) -> str:
    """Space a label from the Chinese text around it where the label has Latin at that end.

    Chinese reports put a space between Latin and Chinese ("REML 估计", "Dunnett 检验");
    a label filled into a Chinese template ("{error}均方", "基于{error}") gets it too.

    Examples
    --------
    >>> spaced("误差 a", "zh", after=True) + "均方", "基于" + spaced("REML", "zh", before=True)
    ('误差 a 均方', '基于 REML')
    >>> spaced("误差", "zh", after=True), spaced("Error a", "en", after=True)
    ('误差', 'Error a')
    """
    if lang != "zh" or not label:
        return label
    if after and label[-1].isascii() and label[-1].isalnum():
        label += " "
    if before and label[0].isascii() and label[0].isalnum():
        label = " " + label
    return label


#: The header the user wrote for a factor column read under another name: a two-factor
#: table's ``variety`` header read as its ``treatment`` column (no ``treatment`` header).
#: The report names the factor by it, not "treatment" / 处理 (tidy56).
_FACTOR_HEADERS: contextvars.ContextVar[Mapping[str, str] | None] = contextvars.ContextVar(
    "yieldtrial_factor_headers", default=None
)


@contextlib.contextmanager
def factor_headers(headers: Mapping[str, str]) -> Iterator[None]:
    """Within this block, :func:`factor_label` names a factor column by the header given.

    Parameters
    ----------
    headers : mapping of str to str
        Column name -> the header the user wrote for it (``{"treatment": "variety"}``).

    Yields
    ------
    None
        The block runs with these headers; the ones before are restored after it.

    Examples
    --------
    >>> with factor_headers({"treatment": "variety"}):
    ...     factor_label("treatment", "zh"), source_label("n_rate:treatment", "en")
    ('variety', 'N rate x variety')
    >>> factor_label("treatment", "zh")
    '处理'
    """
    token = _FACTOR_HEADERS.set(dict(headers))
    try:
        yield
    finally:
        _FACTOR_HEADERS.reset(token)


def factor_header(name: str) -> str | None:
    """Return the header the user wrote for the factor column ``name`` (None: as named).

    Set by :func:`factor_headers` while a report is built.

    Parameters
    ----------
    name : str
        A factor's column name (``"treatment"``).

    Returns
    -------
    str or None
        The header read as that column, or None outside :func:`factor_headers` or for a
        column read under its own name.

    Examples
    --------
    >>> with factor_headers({"treatment": "品种"}):
    ...     factor_header("treatment")
    '品种'
    >>> factor_header("treatment") is None
    True
    """
    return (_FACTOR_HEADERS.get() or {}).get(name)


def source_label(source: str, lang: str) -> str:
    """Return the display label of an ANOVA source, stratum or error term (factors as named).

    ``satterthwaite(error_a, error_b)`` (a combined error) reads "Error a and Error b
    combined (Satterthwaite df)".

    Examples
    --------
    >>> source_label("error_a", "en"), source_label("irrigation", "en")
    ('Error a', 'irrigation')
    >>> source_label("satterthwaite(error_a, error_b)", "en")
    'Error a and Error b combined (Satterthwaite df)'
    >>> source_label("block:tillage", "en"), source_label("block:incomplete_block", "en")
    ('Blocks x tillage', 'Incomplete blocks (within replicates)')
    >>> source_label("irrigation:treatment", "zh")
    'irrigation × 处理'
    >>> source_label("main", "en"), source_label("main:sub", "en")
    ('Main-plot factor', 'Main-plot factor x sub-plot factor')
    >>> source_label("n_rate:variety", "en"), source_label("variety:treatment", "en")
    ('N rate x variety', 'variety x treatment')
    """
    combined = re.fullmatch(r"satterthwaite\((\w+), (\w+)\)", source)
    if combined:
        first, second = (source_label(name, lang) for name in combined.groups())
        first = spaced(first, lang, after=True)  # 误差 a 与误差 b 合并
        second = spaced(second, lang, after=True)
        return t("source.combined", lang, first=first, second=second)
    key = f"source.{source}"
    if key in STRINGS and factor_header(source) is None:
        return t(key, lang)
    by_block = re.fullmatch(r"block:([^:]+)", source)  # a mixed model's block x factor term
    if by_block:
        return t("source.block_by", lang, factor=factor_label(by_block.group(1), lang))
    parts = source.split(":")
    if lang == "zh" and len(parts) > 1:  # an interaction: irrigation:treatment -> irrigation × 处理
        return " × ".join(factor_label(part, lang) for part in parts)
    if len(parts) > 1:  # main:sub, n_rate:variety (N rate x variety), variety x treatment
        first, *rest = parts
        return " x ".join(
            [factor_label(first, lang, capital=True)] + [factor_label(part, lang) for part in rest]
        )
    return factor_label(source, lang, capital=True)


def factor_words(text: str, factors: Sequence[str]) -> str:
    """Return an English text of the statistics with each factor column named as the report does.

    The statistics describe their comparisons by the model's column names ("two treatment
    means at the same nitrogen level"); a ``variety`` header read as the ``treatment``
    column (:func:`factor_headers`) and an ``n_rate`` column (N rate) read in the report as
    in its other tables (:func:`factor_label`).  Whole words only, longest name first; the
    generated field book's ``main`` and ``sub`` are left to the caller's own wording.

    Parameters
    ----------
    text : str
        An English text of the statistics (a comparison's description, a note).
    factors : sequence of str
        The model's factor column names (``["n_rate", "treatment"]``).

    Returns
    -------
    str
        ``text`` with each factor's whole-word name replaced by its display name
        (:func:`factor_label`, English); unchanged when no factor is renamed.

    Examples
    --------
    >>> with factor_headers({"treatment": "variety"}):
    ...     factor_words("two treatment means at the same n_rate level", ["n_rate", "treatment"])
    'two variety means at the same N rate level'
    >>> factor_words("two sub-plot (treatment) means", ["treatment"])
    'two sub-plot (treatment) means'
    """
    names = sorted(
        {str(f) for f in factors if f and str(f) not in DEFAULT_FACTORS_EN}, key=len, reverse=True
    )
    if not names:
        return text
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    return pattern.sub(lambda m: factor_label(m.group(1), "en"), text)


def factor_label(name: str, lang: str, *, capital: bool = False) -> str:
    """Return the display name of a design factor: its column name, ``treatment`` translated.

    The columns ``main`` and ``sub`` that ``yieldtrial design split_plot`` writes read
    main-plot factor and sub-plot factor (主区因素 and 副区因素 in Chinese); in Chinese the
    canonical ``treatment`` column reads 处理; any other name is shown as typed, but for a
    column name of words joined by underscores, which reads as words (:func:`readable_name`:
    ``n_rate`` -> N rate; it was the heading and sentence subject of two-factor reports).

    ``capital``: a label that starts a sentence, a heading or a table cell (Main-plot
    factor); a name as typed keeps its case.

    Examples
    --------
    >>> factor_label("treatment", "zh"), factor_label("irrigation", "zh")
    ('处理', 'irrigation')
    >>> factor_label("main", "zh"), factor_label("sub", "zh"), factor_label("Main", "zh")
    ('主区因素', '副区因素', 'Main')
    >>> factor_label("treatment", "en"), factor_label("main", "en"), factor_label("Main", "en")
    ('treatment', 'main-plot factor', 'Main')
    >>> factor_label("sub", "en", capital=True), factor_label("irrigation", "en", capital=True)
    ('Sub-plot factor', 'irrigation')
    >>> factor_label("treatment", "en", capital=True)
    'Treatment'
    >>> factor_label("n_rate", "en"), factor_label("n_rate", "zh")
    ('N rate', 'N rate')
    """
    name = factor_header(name) or name  # the header the user wrote (tidy56)
    if lang != "zh":
        label = DEFAULT_FACTORS_EN.get(name, readable_name(name))
        ours = name in DEFAULT_FACTORS_EN or name == "treatment"  # the report's own words
        return label[:1].upper() + label[1:] if capital and ours else label
    if name == "treatment":
        return t("col.treatment", lang)
    return DEFAULT_FACTORS_ZH.get(name, readable_name(name))


def readable_name(name: str) -> str:
    """Return a column name of words joined by underscores as words (others as typed).

    A one-letter word is a nutrient's symbol and is capitalized (``n_rate`` -> N rate,
    ``k_dose`` -> K dose); a name without an underscore, or with characters other than
    ASCII letters and digits between them, is returned unchanged.

    Examples
    --------
    >>> readable_name("n_rate"), readable_name("plant_density"), readable_name("variety")
    ('N rate', 'plant density', 'variety')
    >>> readable_name("施肥_量"), readable_name("_x")
    ('施肥_量', '_x')
    """
    words = name.split("_")
    if len(words) < 2 or not all(w.isascii() and w.isalnum() for w in words):
        return name
    return " ".join(w.upper() if len(w) == 1 and w.isalpha() else w for w in words)


#: Crop names of the header in Chinese (other crops are shown as given).
CROPS_ZH: dict[str, str] = {
    "wheat": "小麦",
    "maize": "玉米",
    "corn": "玉米",
    "rice": "水稻",
    "indica": "籼稻",
    "japonica": "粳稻",
    "rice_indica": "籼稻",
    "rice_japonica": "粳稻",
    "oats": "燕麦",
    "rye": "黑麦",
    "soybean": "大豆",
    "barley": "大麦",
    "sorghum": "高粱",
    "millet": "谷子",
    "rapeseed": "油菜",
    "cotton": "棉花",
    "potato": "马铃薯",
    "peanut": "花生",
}

#: Crop keys whose identifier does not read as English (other crops are shown as given).
CROPS_EN: dict[str, str] = {"rice_indica": "indica rice", "rice_japonica": "japonica rice"}


def letters_name(test: str, provenance: Any, lang: str, *, unequal: bool = False) -> str:
    """Name of the mean-separation test the letters were computed with, from its provenance.

    ``test`` is the report's letters setting (``tukey``, ``lsd``, ...); ``provenance`` the
    letters' provenance dict (None: not computed).  Tukey's letters name the method the
    computation used: Tukey's HSD only when every pair has the same standard error and df
    (adjustment ``... Tukey HSD ...``), the single-step multivariate t for correlated
    LS-means (test ``Tukey (single-step)``), else Tukey-Kramer (each pair's own SE).
    ``unequal``: the report's means are not equally precise (another table's letters are
    Tukey-Kramer), so equal-SE letters are named Tukey-Kramer too, which they equal (a
    factor of two levels, one pair): one name in every caption (stop 50).

    Examples
    --------
    >>> letters_name("tukey", {"test": "tukey", "adjustment": "single-step (Tukey HSD)"}, "en")
    "Tukey's HSD"
    >>> letters_name("tukey", {"test": "tukey", "adjustment": "single-step (Tukey-Kramer)"}, "en")
    'the Tukey-Kramer test'
    """
    keys = {"tukey_hsd": "tukey", "tukey_single_step": "tukey_mvt"}
    variant = letters_variant(test, provenance)
    if unequal and variant == "tukey_hsd":
        variant = "tukey_kramer"
    return t(f"letters.{keys.get(variant, variant)}", lang)


def letters_variant(test: str, provenance: Any) -> str:
    """Return the variant of the letters' test from their provenance (JSON ``letters.variant``).

    Tukey's letters are ``tukey_hsd`` only when every pair has the same standard error and
    df (the provenance's adjustment names Tukey HSD: ``stats.distributions.
    pairwise_is_tukey_hsd``), ``tukey_single_step`` for the multivariate t of correlated
    LS-means (test ``Tukey (single-step)``), else ``tukey_kramer`` (each pair's own SE).
    The other tests are their setting: ``lsd``, ``duncan``, ``snk``, ``scheffe``.

    Examples
    --------
    >>> letters_variant("tukey", {"test": "tukey", "adjustment": "single-step (Tukey-Kramer)"})
    'tukey_kramer'
    >>> letters_variant("tukey", {"test": "tukey", "adjustment": "single-step (Tukey HSD)"})
    'tukey_hsd'
    >>> letters_variant("duncan", {"test": "duncan"})
    'duncan'
    """
    if test == "tukey" and isinstance(provenance, Mapping):
        if str(provenance.get("test", "")).startswith("Tukey (single-step)"):
            return "tukey_single_step"
        if "Tukey HSD" not in str(provenance.get("adjustment", "")):
            return "tukey_kramer"
    return "tukey_hsd" if test == "tukey" else test


def letters_one_df(provenance: Any) -> bool:
    """Whether the letters ranked every pair on one df, the smallest pair's (REML, unequal df).

    Examples
    --------
    >>> letters_one_df({"error_term": "REML (block, residual); Satterthwaite df: the "
    ...                 "smallest pair's (13.08) for the whole ranking"})
    True
    >>> letters_one_df({"error_term": "residual"})
    False
    """
    if not isinstance(provenance, Mapping):
        return False
    return "for the whole ranking" in str(provenance.get("error_term", ""))


def letters_note(test: str, provenance: Any, lang: str, *, unequal: bool = False) -> str:
    """Sentence explaining the Tukey variant :func:`letters_name` names ("" for Tukey's HSD).

    Examples
    --------
    >>> letters_note("tukey", {"adjustment": "single-step (Tukey HSD)"}, "en")
    ''
    """
    name = letters_name(test, provenance, lang, unequal=unequal)
    for key in ("tukey_kramer", "tukey_mvt"):
        if name == t(f"letters.{key}", lang):
            return t(f"methods.{key}_note", lang)
    return ""


def crop_name(crop: object, lang: str) -> str:
    """Return the crop as a report in ``lang`` names it: "indica rice", "籼稻", "wheat".

    A crop named in Chinese (trial.toml ``crop = "玉米"``) is named in English in an English
    report when it is a known crop ("A 玉米 trial" before stop 48); other names stay as typed.

    Examples
    --------
    >>> crop_name("rice_indica", "en"), crop_name("rice_indica", "zh"), crop_name("Oats", "en")
    ('indica rice', '籼稻', 'Oats')
    >>> crop_name("玉米", "en"), crop_name("籼稻", "en"), crop_name("玉米", "zh")
    ('maize', 'indica rice', '玉米')
    """
    text = str(crop)
    names = CROPS_ZH if lang == "zh" else CROPS_EN
    key = text.strip().lower()
    if lang != "zh" and key not in names and _HAN.search(text):
        from yieldtrial.errors import DataValidationError
        from yieldtrial.protocols import canonical_crop

        try:
            key = canonical_crop(text)
        except DataValidationError:  # not a known crop: as typed
            return text
        return names.get(key, key)
    return names.get(key, text)


#: A Han character (a crop named in Chinese).
_HAN = re.compile(r"[\u3400-\u9fff]")


#: The factor columns ``yieldtrial design split_plot`` writes -> their Chinese labels
#: (names a user chose stay as typed).
DEFAULT_FACTORS_ZH: dict[str, str] = {"main": "主区因素", "sub": "副区因素"}
#: The same columns in an English report: the bare words "main" and "sub" read as what they are.
DEFAULT_FACTORS_EN: dict[str, str] = {"main": "main-plot factor", "sub": "sub-plot factor"}
#: A default factor name inside a strata message ("block x main, 6 df", "Look at the sub means").
_DEFAULT_FACTOR_IN_MESSAGE = re.compile(
    r"(?<= x )(?P<x>main|sub)(?=[,)])|(?<=Look at the )(?P<look>main|sub)(?= means per )"
)

_PLOT_LIST = re.compile(r"plot '([^']*)' = ")
#: The note a lone moisture fraction gets in :func:`implausible_moisture_items`.
_FRACTION_NOTE = re.compile(r" \(([\d.]+) % written as a fraction\?\)")

#: English library messages shown in the report -> Chinese (regex, template).
#: A stratum's error term as the library names it (``error_a``); "Error a" in English reports.
_ERROR_KEY = re.compile(r"\berror_([abc])\b")

#: The component a pooled-stratum warning names (:func:`yieldtrial.stats.mixed.
#: pooled_strata_messages`): ``(Blocks x nitrogen; block:nitrogen in variance_components)``;
#: the report shows the variance-components table's label of the term alone.
_POOLED_COMPONENT = re.compile(
    r"\((?P<label>[^;()]+); (?P<term>[^\s;()]+) in variance_components\)"
)

#: Named groups of :data:`_MESSAGES_ZH` that hold a fixed library term, and their Chinese.
_TERM_GROUPS = frozenset(
    {
        "name",
        "inner",
        "what",
        "stratum",
        "unit",
        "block",
        "quantity",
        "design",
        "kind",
        "consequence",
        "lost",
        "source",
        "inner_name",
        "wanted",
    }
)
_TERMS_ZH: dict[str, str] = {
    # the comparison families of stats.compare._warn_borderline
    "Dunnett's comparisons with the control": "Dunnett 法与对照的比较",
    "Tukey's pairwise comparisons": "Tukey 法两两比较",
    # design columns renamed away (yieldtrial.io.plots._DESIGN_ROLES)
    "plot table": "小区数据表",
    "the blocks": "区组",
    "the incomplete blocks": "不完全区组",
    "the checks and entries": "对照与参试材料的区分",
    "the whole plots": "主区",
    "the field rows": "田间行号",
    "the field columns": "田间列号",
    "the plots have no blocks (replicates) and the trial is analysed as a completely "
    "randomized design (CRD)": "小区没有区组（重复），试验按完全随机设计分析",
    "the incomplete blocks are ignored and an alpha design is analysed as an RCBD": (
        "不完全区组被忽略，α 设计按随机区组设计分析"
    ),
    "checks and entries are not told apart and an augmented design is analysed as an RCBD": (
        "对照与参试材料不加区分，增广设计按随机区组设计分析"
    ),
    "the whole plots are ignored and a split-plot design is not recognised": (
        "主区被忽略，无法识别裂区设计"
    ),
    "the field rows are ignored (no Latin square or row-column design)": (
        "田间行号被忽略（不能按拉丁方或行列设计分析）"
    ),
    "the field columns are ignored (no Latin square or row-column design)": (
        "田间列号被忽略（不能按拉丁方或行列设计分析）"
    ),
    "error_a": "误差 a",
    "error_b": "误差 b",
    "error_c": "误差 c",
    "whole plots": "主区",
    "horizontal strips": "横向条区",
    "vertical strips": "纵向条区",
    "sub-plot": "副区",
    "intersection-plot": "交叉小区",
    # the strata a variance component at zero pools (stats.mixed.pooled_strata_messages)
    "whole-plot": "主区",
    "horizontal-strip": "横向条区",
    "vertical-strip": "纵向条区",
    "whole plot": "主区",
    "strip": "条区",
    "block": "区组",
    # percent settings and columns named in the library's messages
    "impurity_pct": "杂质率",
    "empty_grain_pct": "空瘪率",
    "shelling_pct": "出籽率",
    "margin_pct": "非劣效界值",
    "cv_pct": "变异系数",
    "cv_warn_pct": "变异系数警示限",
    "cv_strong_pct": "变异系数严重警示限",
    # designs and the design terms FieldTrial.analyze_sites leaves out
    "an RCBD": "随机区组设计",
    "a CRD": "完全随机设计",
    "alpha": "α 格子设计",
    "row_column": "行列设计",
    "latin": "拉丁方设计",
    "split_plot": "裂区设计",
    "strip_plot": "条区设计",
    "incomplete blocks": "不完全区组",
    "rows and columns": "行和列",
    "whole-plot errors": "主区误差",
    "strip errors": "条区误差",
}

#: A Python repr of any string (a quote inside the other quote, or escaped: "O'Brien").
_REPR = r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"

#: The trial keys of a network (``site``, ``site/year``) in Chinese, as the CLI names them.
_TRIAL_KEYS_ZH: dict[str, str] = {"site": "试点", "year": "年份", "season": "季节", "trial": "试验"}

_MESSAGES_ZH: tuple[tuple[str, str], ...] = (
    (
        # stats.mixed.pooled_strata_messages: a whole-plot or strip variance at zero
        (
            r"^REML estimates the (?P<stratum>[a-z-]+) variance "
            + _POOLED_COMPONENT.pattern
            + r" at zero, so the (?P=stratum) error \((?P<name>error_[abc])\) "
            r"is pooled with the (?P<inner>[a-z-]+) error \((?P<inner_name>error_[abc])\): the "
            r"F test of (?P<factor>.+?) uses the pooled error with (?P<method>Satterthwaite|"
            r"Kenward-Roger) df(?P<pooled_test> \(F = (?P<f>[\d.]+) on (?P<df>\d+) and "
            r"(?P<ddf>[\d.]+) df\))?, as lme4 and lmerTest do\. The stratum ANOVA of balanced "
            r"data tests (?P=factor) against (?P=name) alone, so a published table of the "
            r"complete trial gives another F; compare with the stratum ANOVA of the complete "
            r"data if it is known\.?$"
        ),
        "REML 将{stratum}方差（{component}）估计为零，因此{stratum}误差（{name}）与"
        "{inner}误差（{inner_name}）合并：对{factor_in_text}的 F 检验采用合并误差及 {method} "
        "自由度{pooled_test}，与 lmerTest 相同。均衡数据的误差层方差分析检验{factor_in_text}时"
        "只用{name}，故已发表的完整试验方差分析表给出的 F 值与此不同；如已知完整数据的误差层"
        "方差分析，请与之比较。",
    ),
    (
        (
            r"^(?P<kind>Dunnett's comparisons with the control|Tukey's pairwise comparisons): "
            r"(?P<n>\d+) adjusted P value\(s\) lie within the stated error of their numerical "
            r"integration \((?P<error>\S+), above 1e-4\) of alpha = (?P<alpha>\S+) \(closest: "
            r"P = (?P<closest>\S+)\); their verdict at alpha is uncertain: treat them as "
            r"borderline$"
        ),
        "{kind}：有 {n} 个校正后的 P 值与 α = {alpha} 之差不超过其数值积分的标称误差（{error}，"
        "大于 1e-4；最接近者 P = {closest}），在 α 水平上的判定不确定，应视为临界结果。",
    ),
    (
        (
            r"^(?P<by>[\w/]+) (?P<copies>" + _REPR + r"(?:, " + _REPR + r")*(?: and [\d,]+ "
            r"more)?) (?:has|have) the same plot data as (?P=by) (?P<first>" + _REPR + r") "
            r"\(treatment and "
            r"(?P<response>\S+) of all (?P<n>[\d,]+) plots\): copied data count one trial twice "
            r"in the summary across sites; check the data of these trials\.?$"
        ),
        "{by} {copies}与{by} {first} 的小区数据完全相同（全部 {n} 个小区的处理和观测值均相同）："
        "复制的数据会使同一试验在多点汇总中被计算两次；请检查这些试验的数据。",
    ),
    (
        (
            r"^analyze_sites analyses each site as (?P<kind>an RCBD|a CRD) \(the designs of "
            r"analyze_many\), not as this trial's (?P<design>[a-z_]+) design: its "
            r"(?P<what>[a-z -]+) are not in the model\. To analyse one site by its design, use "
            r"trial\.site\((?P<site>.+)\)$"
        ),
        "多点分析把每个试点按{kind}分析，而不是本试验的{design}：模型中没有{what}。"
        "如需按本试验的设计分析某一试点，请单独分析该试点（如 {site}）。",
    ),
    (
        (
            r"^moisture_pct outside the plausible harvest range for (?P<crop>[^(]+?) "
            r"\((?P<low>[\d.]+)-(?P<high>[\d.]+) %\): (?P<items>.+?)\. Check for a typing error "
            r"\(e\.g\. 5 for 15\) or a moisture measured after drying; the yields are computed "
            r"as given\.?$"
        ),
        "含水量超出{crop}收获时的合理范围（{low}%～{high}%）：{items}。请检查是否录入错误"
        "（如把 15 写成 5）或是否为烘干后测定的含水量；产量按所给数值计算。",
    ),
    (
        (
            r"^plots? (?P<plots>'[^']*'(?:(?:, | and )'[^']*')*(?: and [\d,]+ more)?): "
            r"\S+ is empty in the table but the harvest records give a yield, which is "
            r"analysed .*$"
        ),
        "小区 {plots}：表中产量为空，但其收获记录可算出产量，已按该产量参与分析"
        "（表中原有产量另列保留）。导出的产量表会把剔除小区的产量留空而不注明原因："
        "如需剔除，请在试验描述中再次剔除该小区，或把其鲜重也留空。",
    ),
    (
        (
            r"^\S+ was changed in the table for plots? (?P<items>.+) \(the table's value / the "
            r"yield its harvest records give\), but a table with harvest columns is analysed "
            r"from them .*$"
        ),
        "表中小区 {items} 的产量被改动过（表中值 / 由收获数据算出的产量），但含收获数据列的表"
        "按收获数据计算产量（表中原有产量另列保留）；请改正鲜重、含水量或面积，"
        "或删去这些列以按表中产量分析。",
    ),
    (
        (
            r"^the description's crop '(?P<crop>[^']+)' replaces the trial's crop "
            r"'(?P<trial_crop>[^']+)'(?:: the yields are at (?P<standard>[\d.]+) % moisture "
            r"instead of the trial's (?P<own>[\d.]+) %)?\. If the trial is [^,]+, give the "
            r"description its crop .*$"
        ),
        "试验描述（trial.toml）中的作物{crop}取代了试验对象的作物{trial_crop}{moisture_zh}。"
        "若本试验为{trial_crop}，请在试验描述中把作物改为{trial_crop}。",
    ),
    (
        (
            r"^the table's yields are at (?P<given>[\d., ]+) % moisture \(its "
            r"standard_moisture_pct column\); they were recomputed at (?P<standard>[\d.]+) % from "
            r"the raw columns \(fresh mass, moisture, area\) and the table's own yields kept as "
            r"reported_\* columns; set the standard moisture to (?P<first>[\d.]+) "
            r"\(--standard-moisture-pct (?P=first)\) to report at the table's standard\.?$"
        ),
        "表中产量按标准含水量 {given}% 计（见表中的标准含水量列）；本报告已由原始数据"
        "（鲜重、含水量、面积）按 {standard}% 重新折算，表中原有产量另列保留；"
        "如需按表中标准报告，请把标准含水量设为 {first}（--standard-moisture-pct {first}）。",
    ),
    (
        (
            r"^the table's yields were computed with moisture_method [a-z_, ]+ \(its "
            r"moisture_method column\); they were recomputed with [a-z_]+ from the raw columns "
            r"\(fresh mass, moisture, area\) and the table's own yields kept as reported_\* "
            r"columns; set the moisture method to [a-z_]+ \(--moisture-method [a-z_]+\) to "
            r"keep the table's yields\.?$"
        ),
        "表中产量是按另一种水分折算方法计算的（见表中的折算方法列）；本报告已由原始数据"
        "（鲜重、含水量、面积）按本试验的折算方法重新折算，表中原有产量另列保留；"
        "如需保留表中产量，请改用表中的折算方法。",
    ),
    (
        (
            r"^only (?P<df>\d+) error degrees of freedom \(fewer than 10\) in the intra-block "
            r"model the residuals are checked on \(every blocking factor fixed\): the residual "
            r"checks have little power; the mixed model's tests use their own df\.?$"
        ),
        "残差检验所用的区组内模型（各区组因素均按固定效应）误差自由度仅 {df}（少于 10）："
        "残差检验功效低；混合模型的检验使用其自身的自由度。",
    ),
    (
        (
            r"^the intra-block model the residuals are checked on \(every blocking factor "
            r"fixed\) leaves no error degrees of freedom: the residuals cannot be checked; the "
            r"mixed model's tests use their own df\.?$"
        ),
        "残差检验所用的区组内模型（各区组因素均按固定效应）没有误差自由度：无法检验残差；"
        "混合模型的检验使用其自身的自由度。",
    ),
    (
        (
            r"^only (?P<df>\d+) error degrees of freedom \(fewer than 10\): the error variance "
            r"is poorly estimated and tests have little power; add replicates\.?$"
        ),
        "误差自由度仅 {df}（少于 10）：误差方差估计不准，检验功效低；应增加重复。",
    ),
    (
        (
            r"^only (?P<df>\d+) error degrees of freedom \(fewer than 10\): the error variance "
            r"is poorly estimated and tests have little power; add checks to each block or add "
            r"blocks \(the error df of an augmented design come from its checks\)\.?$"
        ),
        "误差自由度仅 {df}（少于 10）：误差方差估计不准，检验功效低；"
        "应增加每个区组的对照数或增加区组数（增广设计的误差自由度来自对照）。",
    ),
    (
        (
            r"^with (?P<df>\d+) error df an internally studentized residual cannot exceed "
            r"(?P<limit>[\d.]+), so no plot can be flagged as an outlier beyond 3; inspect the "
            r"externally studentized residuals\.?$"
        ),
        "误差自由度为 {df} 时，内学生化残差不可能超过 {limit}，因此无法按 ±3 标记异常小区；"
        "请查看外学生化残差。",
    ),
    (
        (
            r"^CV = (?P<cv>[\d.]+) % is above (?P<limit>[\d.]+) %: plot-to-plot variation is "
            r"very high for a yield trial; check the data for errors and treat the comparisons "
            r"with caution \(trial-validity rules often reject such sites\)\.?$"
        ),
        "变异系数 {cv}% 超过 {limit}%：小区间变异对产量试验而言过大；请检查数据是否有误，"
        "比较结果须谨慎对待（按试验有效性规定，此类试点常被判为无效）。",
    ),
    (
        (
            r"^CV = (?P<cv>[\d.]+) % is above (?P<limit>[\d.]+) %: plot-to-plot variation is "
            r"high; only large differences will be detectable\.?$"
        ),
        "变异系数 {cv}% 超过 {limit}%：小区间变异较大，只有较大的差异才能检出。",
    ),
    (
        (
            r"^CV of (?P<inner_name>error_[bc]) \((?P<inner>sub-plot|intersection-plot) error\) "
            r"= (?P<cv>[\d.]+) % is above (?P<limit>[\d.]+) %: plot-to-plot variation is "
            r"very high for a yield trial; check the data for errors and treat the comparisons "
            r"with caution \(trial-validity rules often reject such sites\)\.?$"
        ),
        "{inner_name}（{inner}误差）的变异系数 {cv}% 超过 {limit}%：小区间变异对产量试验而言过大；"
        "请检查数据是否有误，比较结果须谨慎对待（按试验有效性规定，此类试点常被判为无效）。",
    ),
    (
        (
            r"^CV of (?P<inner_name>error_[bc]) \((?P<inner>sub-plot|intersection-plot) error\) "
            r"= (?P<cv>[\d.]+) % is above (?P<limit>[\d.]+) %: plot-to-plot variation is "
            r"high; only large differences will be detectable\.?$"
        ),
        "{inner_name}（{inner}误差）的变异系数 {cv}% 超过 {limit}%：小区间变异较大，"
        "只有较大的差异才能检出。",
    ),
    (
        (
            r"^China grain-trade step rule \(full 0\.5-point steps from base (?P<base>[\d.]+)\): "
            r"(?P<rest>.*)$"
        ),
        "粮食收购水分增量规则（以 {base}% 为基数，每满 0.5 个百分点为一档）：{rest}",
    ),
    (
        (
            r"^shrink: no adjustment at or below standard moisture "
            r"\((?P<m>[\d.]+) <= (?P<std>[\d.]+)\): (?P<rest>.*)$"
        ),
        "缩水系数法：含水量不高于标准水分（{m} ≤ {std}）时不调整：{rest}",
    ),
    (
        (
            r"^(?P<column>treatment|block) labels that differ only in upper/lower case, spaces "
            r"or look-alike letters: (?P<spellings>[^()]*(?:\(plots? [^)]*\)[^()]*)*)"
            r"(?: \((?P<lookalikes>.+), which look like Latin letters\))?\. They "
            r"are analysed as different (?:treatment|block)s; if they are the same, write them "
            r"one way in the file \(e\.g\. all (?P<example>'[^']*')\)$"
        ),
        "{column}标签仅大小写、空格或形近字母不同：{spellings}{lookalikes}。它们按不同的{column}分析；"
        "若实为同一{column}，请在文件中统一写法（如都写作 {example}）。",
    ),
    (
        (
            r"^standardized yield above (?P<limit>[\d,]+) kg/ha: (?P<items>.+?)\. Check the "
            r"units: is the area in mu or ha but read as m2 .+$"
        ),
        "折标产量超过 {limit} kg/ha：{items}。请检查单位：面积是否以亩或公顷为单位却被当作"
        "平方米读入（请将该列命名为 面积(亩)），质量是否以克或斤为单位却被当作千克读入，"
        "或小数逗号是否被当作千位分隔符读入（'15,110' kg 被读作 15110 kg，应写作 15.11）？",
    ),
    (
        (
            r"^standardized yield above (?P<limit>[\d,]+) kg/ha, 1\.5 times the world-record "
            r"(?P<crop>\w+) yield \((?P<record>[\d,]+) kg/ha\): (?P<items>.+?)\. Check the "
            r"units: are they kg/ha yields in a kg/mu column .+$"
        ),
        "折标产量超过 {limit} kg/ha，即{crop}世界纪录产量（{record} kg/ha）的 1.5 倍：{items}。"
        "请检查单位：是否把每公顷产量填进了每亩产量列（偏高 15 倍：请将该列命名为 公顷产量），"
        "质量是否以克或斤为单位却被当作千克读入，或面积是否以亩为单位却被当作平方米读入？",
    ),
    (
        (
            r"^treatment mean standardized yield below (?P<limit>[\d,]+) kg/ha, a quarter of "
            r"the lowest national (?P<crop>\w+) average found \((?P<lowest>[\d,]+) kg/ha, FAO "
            r"data\): (?P<items>.+?)\. Unless the crop failed, check the units: .+$"
        ),
        "处理平均折标产量低于 {limit} kg/ha，不到已知最低的国家{crop}平均单产"
        "（{lowest} kg/ha，联合国粮农组织数据）的四分之一：{items}。若非绝收，请检查单位："
        "质量是否以千克为单位却被当作克（或以吨为单位）读入，或面积是否以平方米为单位却被当作"
        "亩或公顷读入？",
    ),
    (
        (
            r"^every standardized yield is below (?P<limit>[\d.]+) kg/ha \(the largest: plot "
            r"(?P<plot>'[^']*') = (?P<value>[\d.,]+) kg/ha\), a failed crop on every plot: "
            r"check the units: .+$"
        ),
        "所有折标产量都低于 {limit} kg/ha（最高为小区 {plot} = {value} kg/ha），相当于每个小区"
        "都绝收：请检查单位：面积是否以平方米为单位却被当作亩、公顷或英亩读入（例如表头为 "
        "面积(亩)，数值却是平方米），或质量是否以千克为单位却被当作克读入？",
    ),
    (
        (
            r"^every standardized yield is below (?P<limit>[\d.]+) kg/ha \(the largest: plot "
            r"(?P<plot>'[^']*') = (?P<value>[\d.e+-]+) kg/ha\), far below any harvested crop.+$"
        ),
        "所有折标产量都低于 {limit} kg/ha（最高为小区 {plot} = {value} kg/ha），远低于任何作物的"
        "实收产量，报告中此类产量显示为 0.0：请检查单位：质量是否以毫克为单位却被当作千克读入，"
        "或面积是否以平方厘米或平方毫米为单位却被当作平方米读入？",
    ),
    (
        (
            r"^(?P<columns>[\w, ]+?) (?:is|are) float16"
            r"(?: \((?P<held_column>\w+) (?P<shown>[\d.e+-]+) is held as "
            r"(?P<held>[\d.e+-]+)\))?, which keeps about 3 significant digits: the "
            r"yields and statistics carry that rounding\. Read the values again as float64 from "
            r"their source \(astype\('float64'\) cannot restore the lost digits\)$"
        ),
        "有测量列以半精度浮点数存储，只保留约 3 位有效数字，产量和统计结果带有这种舍入误差："
        "请从原始数据以双精度浮点数重新读入（转换类型无法恢复已丢失的位数）。",
    ),
    (
        (
            r"^(?P<column>treatment|block) labels that differ only in leading zeros: "
            r"(?P<spellings>.+)\. They are analysed as different (?:treatment|block)s; if they "
            r"are the same, write them one way in the file \(e\.g\. all (?P<example>'[^']*')\)$"
        ),
        "{column}标签仅差前导零：{spellings}。它们按不同的{column}分析；若实为同一{column}，"
        "请在文件中统一写法（如都写作 {example}）。",
    ),
    (
        (
            r"^(?P<file>.+?): rows? (?P<rows>[\d, and]+?) (?:is|are) hidden in the sheet "
            r"\(hidden or filtered out in Excel\) and read like the others; if they should not "
            r"count, delete them, or exclude their plots \(\[\[exclude\]\] in trial\.toml\)$"
        ),
        "{file}：第 {rows} 行在工作表中被隐藏（在 Excel 中隐藏或被筛选掉），仍与其他行一样读入；"
        "若这些小区不应计入，请删除这些行，或在 trial.toml 中剔除这些小区。",
    ),
    (
        (
            # io.plots._warn_near_miss_headers (fuzz57, guard57): a typo of a column name
            r"^(?P<source>.+?): column (?P<header>'[^']*') is not one of yieldtrial's column "
            r"names and is kept as an extra column, not read as '(?P<wanted>\w+)'; if it holds "
            r"\w+, rename the column, or map it with --column '[^']*' \(\[columns\] of "
            r"trial\.toml, columns= in Python\)$"
        ),
        "{source}：列 {header} 不是 yieldtrial 的列名，按附加列保留，未读作{wanted}；"
        "若该列即为{wanted}，请重命名该列，或在 trial.toml 中映射列名。",
    ),
    (
        (
            # config._warn_treatment_key_typos (tidy58): a typo of a [[treatments]] key, kept
            r"^(?P<where>.+?): \[\[treatments\]\] entry (?P<n>\d+) \(label (?P<label>.+?)\) has "
            r"the key (?P<key>.+?), which looks like a typo of '(?P<known>\w+)': it is kept as "
            r"further data \(TreatmentInfo\.extra\), not read as '(?P=known)'; rename the key to "
            r"'(?P=known)'$"
        ),
        "{where}：第 {n} 个处理描述表（标签 {label}）中的键 {key} 疑似 '{known}' 的笔误：该键"
        "按附加数据保留，未读作 '{known}'；请将该键改名为 '{known}'。",
    ),
    (
        (
            # io.plots._strip_byte_order_marks (loose58): U+FEFF inside the table
            r"^(?P<source>.+?): a byte-order mark \(U\+FEFF, the invisible character a UTF-8 "
            r"file starts with\) is inside the table \(were several files joined into one\?\): "
            r"(?P<marked>.+)\. It was removed and the cells read without it; check those rows, "
            r"and save the joined table once as 'CSV UTF-8'$"
        ),
        "{source}：表格中间有字节顺序标记（UTF-8 文件开头的不可见字符；是否把多个文件拼接成了"
        "一个？）：{marked}。已删除该标记，按删除后的内容读取；请检查这些行，并把拼接后的表格"
        "重新保存为一个“CSV UTF-8”文件。",
    ),
    (
        (
            # network._warn_repeated_counts (fuzz57): a treatment twice in one block
            r"^(?P<by>[\w/]+) (?P<trials>" + _REPR + r"(?:, " + _REPR + r")*(?: and [\d,]+ "
            r"more)?): a treatment recorded more than once in one block \((?P<columns>[^:]+): "
            r"(?P<cells>.+)\); an RCBD has each treatment once per block, so this is most often "
            r"a copied row; every record is analysed as a plot of its own: check the data of "
            r"these trials\.?$"
        ),
        "{by} {trials}：同一区组内同一处理有多条记录（{columns}：{cells}）；随机区组试验中每个"
        "处理在每个区组只有一个小区，多为复制的行；每条记录均按一个小区分析：请检查这些试验的数据。",
    ),
    (
        (
            r"^(?P<source>.+?): column (?P<header>'[^']*') is renamed to (?P<new>'[^']*') "
            r"\(columns=, --column or \[columns\] of trial\.toml\), a name yieldtrial gives no "
            r"role, so (?P<consequence>.+?); to keep (?P<lost>.+?), map it to (?P<role>[a-z_]+) "
            r"instead \(--column (?P<fix>'[^']*')\)$"
        ),
        "{source}：列 {header} 经列名映射改名为 {new}，该名称在 yieldtrial 中没有用途，"
        "因此{consequence}；如需保留{lost}，请取消这一映射，或把该列映射为相应的标准列名。",
    ),
    (
        (
            r"^(?P<column>plot_id|treatment|block|site) holds dates in (?P<rows>.+?) \(e\.g\. "
            r"(?P<example>'[^']*')\): a spreadsheet turns labels such as '1-2' into dates\. "
            r"Format the column as text and retype the labels; they are read as shown$"
        ),
        "{column}列中有日期：{rows}（如 {example}）：电子表格会把 '1-2' 这类标签自动转成日期。"
        "请把该列设为文本格式并重新输入标签；目前按显示的日期读入。",
    ),
    (
        (
            r"^an entry appears more than once in one replicate of the "
            r"(?P<repeated_in>alpha|row-column) design: "
            r"(?P<repeats>.+?)\. A resolvable design plants each entry once per replicate: .+$"
        ),
        "{repeated_in}设计的同一重复中有品系出现不止一次：{repeats}。可分组设计在每个"
        "重复中每个品系只种一次：请对照田间记录簿核对这些小区的处理标签；若该品系是有意重复的"
        "对照，请将其指定为对照。",
    ),
    (
        (
            r"^block (?P<block>.+?) has no check plot with a yield: with random blocks its "
            r"entries (?P<entries>.+?) are estimated without a block adjustment \(their "
            r"standard errors include the block variance\)\. Fill in the yields of its checks "
            r"to adjust them\.$"
        ),
        "区组 {block} 没有有产量的对照小区：区组作为随机效应时，其参试材料 {entries} 未经区组"
        "效应校正（其标准误包含区组方差）。补填该区组对照的产量即可校正。",
    ),
    (
        (
            r"^augmented design without an entry_type column: (?P<sparse>.+?) (?:is|are) on "
            r"more than one plot but not in all the blocks of the checks \((?P<full>.+?): "
            r"(?P<most>\d+) blocks\), and analysed as check\(s\) .+$"
        ),
        "增广设计的数据表没有标明对照与参试材料的类型列：{sparse}有多个小区，却不像对照"
        "（{full}，{most} 个区组）那样种在所有区组，因而按对照分析（有多个小区的处理即视为"
        "对照）。若是参试材料的标签重复输入，请更正；若确为对照或部分重复的参试材料，请增加"
        "类型列标明每个小区是对照还是参试材料，或指定对照列表。",
    ),
    (
        (
            r"^design 'crd' ignores the block column \((?P<n>\d+) blocks\): the variation "
            r"between the blocks goes into the error, .+$"
        ),
        "完全随机设计未使用区组列（{n} 个区组）：区组间的变异计入误差，误差因而偏大、检验的"
        "灵敏度降低；随机区组设计会利用这些区组。",
    ),
    (
        (
            r"^design 'rcbd' ignores the incomplete_block column \((?P<n>\d+) incomplete "
            r"blocks\): the variation between the incomplete blocks goes into the error, .+$"
        ),
        "随机区组设计未使用不完全区组列（{n} 个不完全区组）：不完全区组间的变异计入误差，误差"
        "因而偏大、检验的灵敏度降低；α 格子设计会利用这些不完全区组。",
    ),
    (
        (
            r"^block has one level \((?P<level>'[^']*')\) for all (?P<n>\d+) plots, while "
            r"treatments have up to (?P<k>\d+) plots each: .+$"
        ),
        "区组只有一个水平（{level}），共 {n} 个小区，而每个处理最多有 {k} 个小区：各小区的区组"
        "（重复）是否未填写？只有一个区组时，随机区组设计没有区组效应（自由度为 0），按完全随机"
        "设计分析；请填写区组，或将设计指定为完全随机设计。",
    ),
    (
        (
            r"^augmented design: (?P<n>\d+) entr(?:y|ies) without a yield \(lost plots?\): "
            r"(?P<spellings>.+?); an unreplicated entry has no mean without its plot, so .+$"
        ),
        "增广设计：{n} 个品系（处理）无产量（小区缺失）：{spellings}；"
        "不设重复的品系缺少其小区便无法估计均值，因此不参加分析、不列入报告；对照和其他品系照常分析。",
    ),
    (
        r"^standard_moisture_pct = (?P<std>[\d.]+) % is above any moisture standard .+$",
        "标准水分 {std}% 高于任何水分标准（籽粒 10-20%，全株青贮 65-70%），折标产量被放大；"
        "请检查是否输入有误（13% 应写作 13）。",
    ),
    (
        r"^sequential \(balanced: equal to type II\)$",
        "序贯平方和（均衡数据，等同 II 型）",
    ),
    ((r"^type (?P<kind>II|III)$"), "{kind} 型平方和"),
    ((r"^orthogonal strata \(balanced\)$"), "正交误差层（均衡数据）"),
    (
        r"^Wald F tests of LS-means hypotheses \(type III\)$",
        "最小二乘均值假设的 Wald F 检验（III 型）",
    ),
    (
        r"^sequential: blocks ignoring / eliminating treatments \(Federer 1961\)$",
        "序贯平方和：区组（不校正/校正处理；Federer 1961）",
    ),
    (
        (
            r"^residuals depart from normality \(Shapiro-Wilk W = (?P<w>[\d.]+), "
            r"p = (?P<p>[\d.e+-]+)\); look for outliers or consider a transformation\.?$"
        ),
        "残差偏离正态分布（Shapiro-Wilk W = {w}，P = {p}）；请检查异常值或考虑数据转换。",
    ),
    (
        (
            r"^residuals depart from normality \(D'Agostino-Pearson K² = (?P<k2>[\d.]+), "
            r"p = (?P<p>[\d.e+-]+)\); look for outliers or consider a transformation\.?$"
        ),
        "残差偏离正态分布（D'Agostino-Pearson K² = {k2}，P = {p}）；请检查异常值或考虑数据转换。",
    ),
    (
        (
            r"^residual variances differ between treatments \(Brown-Forsythe "
            r"F = (?P<f>[\d.]+), p = (?P<p>[\d.e+-]+)\); comparisons that assume a common "
            r"variance may mislead\.?$"
        ),
        "各处理残差方差不齐（Brown-Forsythe F = {f}，P = {p}）；基于方差齐性假定的比较可能失真。",
    ),
    (
        (
            r"^not checked: the (?P<name>error_[abc]) stratum \((?P<what>[a-z ]+), "
            r"(?P<block>.+?) x (?P<factor>.+?)(?:, (?P<stratum_df>[\d.]+) df)?\) has no plot-level "
            r"residuals "
            r"of its own; normality, equal variances and outliers are tested on the "
            r"(?P<stratum>[a-z-]+) residuals \((?P<inner>error_[abc]), (?P<df_inner>[\d.]+) df\) "
            r"only\. Look at the .+? means per .+? for a suspicious (?P<unit>[a-z ]+)\.?$"
        ),
        "未检验：{name} 层（{what}，{block} × {factor}{stratum_df}）没有自身的小区残差；"
        "正态性、方差齐性和异常值仅按{stratum}残差（{inner}，{df_inner} 自由度）检验。"
        "请按{block}查看{factor_in_text}的均值，找出可疑的{unit}。",
    ),
    (
        (
            r"^the least-squares fit of the observed plots leaves (?P<df>\d+) residual degrees "
            r"of freedom in the innermost stratum \(fewer than (?P<limit>\d+)\): too few to "
            r"check the residuals\.?$"
        ),
        "对观测小区的最小二乘拟合在最内误差层仅剩 {df} 个残差自由度（少于 {limit}）："
        "不足以检验残差。",
    ),
    (
        (
            r"^CV of (?P<name>error_[abc]) \((?P<what>[a-z ]+), (?P<block>.+?) x "
            r"(?P<factor>.+?)\) = (?P<cv>[\d.]+) % is above (?P<limit>[\d.]+) %: tests against "
            r"that error are imprecise\.?$"
        ),
        "{name}（{what}，{block} × {factor}）的变异系数 {cv}% 超过 {limit}%：以该误差所作的检验"
        "不精确。",
    ),
    (
        (
            r"^(?P<name>error_[abc]) \((?P<what>[a-z ]+), (?P<block>.+?) x (?P<factor>.+?)\) "
            r"has only (?P<df>[\d.]+) df \(fewer than (?P<limit>\d+)\): tests against it have "
            r"little power\.?$"
        ),
        "{name}（{what}，{block} × {factor}）自由度仅 {df}（少于 {limit}）：以其所作的检验功效低。",
    ),
    (
        r"^shrink: needs shrink_pct_per_point \(grain wetter than standard\)$",
        "缩水系数法：需给出每百分点扣量 shrink_pct_per_point（籽粒含水量高于标准）",
    ),
    (
        (
            r"^shrink: not applicable \((?P<shrink>[\d.e+-]+) % per point x (?P<points>[\d.e+-]+) "
            r"points above standard would take the whole mass\)$"
        ),
        "缩水系数法：不适用（每百分点扣 {shrink}% × 高于标准 {points} 个百分点，将扣去全部质量）",
    ),
    (
        (
            r"^China grain-trade step rule: not applicable \((?P<moisture>[\d.e+-]+) % is "
            r"(?P<points>[\d.e+-]+) points above base (?P<base>[\d.e+-]+); its deduction of 1 % "
            r"per 0\.5 point would take the whole mass\)$"
        ),
        "粮食收购水分增量规则：不适用（含水量 {moisture}% 高于基准 {base}% 共 {points} 个百分点，"
        "每 0.5 个百分点扣 1% 将扣去全部质量）",
    ),
    (
        (
            r"^every (?P<quantity>impurity_pct|empty_grain_pct) value lies in \[0, 1\) "
            r"\(largest (?P<largest>[\d.e+-]+)\); if they are fractions, multiply by 100\. "
            r"Values below 1 % are possible, so they are used as given$"
        ),
        "各小区{quantity}均小于 1（最大 {largest}）：若为小数形式，请乘以 100 换算为百分数。"
        "{quantity}低于 1% 也属可能，故按所给数值计算。",
    ),
    (
        (
            r"^labels written with full-width, zero-width or other compatibility characters: "
            r"(?P<merges>.+)\. They are treated as one label; write them one way in the file "
            r"to silence this warning$"
        ),
        "标签中有全角、零宽或其他兼容字符：{merges}。这些写法按同一标签处理；"
        "请在文件中统一写法，此警告即不再出现。",
    ),
    (
        (
            r"^(?P<column>plot_id|treatment|block|site) labels? mixing Latin letters with "
            r"look-alike Cyrillic or Greek letters: (?P<lookalikes>.+)\. A control or treatment "
            r"typed with Latin letters will not match; retype the label in the file$"
        ),
        "{column}标签中拉丁字母与形近的西里尔或希腊字母混用：{lookalikes}。用拉丁字母输入的"
        "对照或处理名将无法与之匹配；请在文件中重新输入该标签。",
    ),
    (
        (
            r"^(?P<quantity>margin_pct|cv_pct|cv_warn_pct|cv_strong_pct) ?= ?(?P<value>[\d.e-]+) "
            r"is read as [\d.e-]+ %; if you meant (?P<meant>[\d.e+]+) %, (?:pass|write) \w+ ?= ?"
            r"[\d.e+]+ \(percent, e\.g\. (?P<example>\d+) for \d+ %\)$"
        ),
        "{quantity}为 {value}，按 {value}% 计；若指 {meant}%，请写作 {meant}"
        "（以百分数表示，如 {example} 表示 {example}%）。",
    ),
    (
        (
            r"^heads_per_mu = (?P<heads>[\d.e+-]+) is implausibly few heads per mu \(maize has "
            r"about 4,000 ears/mu, wheat and rice hundreds of thousands of spikes or panicles\); "
            r"if the figure is in 万 \(x 10,000\), pass (?P<wan>[\d.e+]+)$"
        ),
        "亩穗数 {heads} 明显过少（玉米约 4,000 穗/亩，小麦、水稻为数十万穗/亩）：若该数以万为单位，"
        "请写作 {wan}。",
    ),
    (
        (
            r"^the incomplete blocks within the replicates do not connect the treatments: "
            r"(?P<n>\d+) groups never share an incomplete block, directly or through other "
            r"treatments \((?P<groups>.+)\); the mixed model compares treatments of different "
            r"groups through the incomplete blocks' totals alone .*$"
        ),
        "各重复内的不完全区组没有把处理连通：{n} 组处理之间（{groups}）既不直接也不经其他处理"
        "同处一个不完全区组；混合模型只能通过不完全区组总和（区组间信息，依赖其方差估计）比较"
        "不同组的处理，按固定不完全区组进行的残差检验无法进行。请对照田间记录簿检查"
        " incomplete_block 列（在每个重复内编号）。",
    ),
    (
        (
            r"^the rows and columns within the replicates do not connect the treatments: "
            r"(?P<n>\d+) groups never share a row or column, directly or through other "
            r"treatments \((?P<groups>.+)\); the mixed model compares treatments of different "
            r"groups through the rows and columns' totals alone .*$"
        ),
        "各重复内的行和列没有把处理连通：{n} 组处理之间（{groups}）既不直接也不经其他处理"
        "同处一行或一列；混合模型只能通过行、列总和（区组间信息，依赖其方差估计）比较不同组的"
        "处理，按固定行、列进行的残差检验无法进行。请对照田间记录簿检查 row 和 column 列"
        "（在每个重复内编号）。",
    ),
)


@functools.cache
def _messages_zh() -> tuple[tuple[re.Pattern[str], str], ...]:
    """:data:`_MESSAGES_ZH` with each pattern compiled, on the first Chinese message.

    Compiling the 47 patterns at import cost 0.02 s of every report's start, also in
    English, which never matches them.
    """
    return tuple((re.compile(pattern), template) for pattern, template in _MESSAGES_ZH)


#: Label columns as the Chinese messages name them.
_LABEL_COLUMNS_ZH: dict[str, str] = {
    "plot_id": "小区号",
    "treatment": "处理",
    "block": "区组",
    "site": "试点",
}


def _lookalike_letters_zh(letters: str) -> str:
    """``"Cyrillic К (U+041A), Greek Α (U+0391)"`` -> ``"К（西里尔字母）、Α（希腊字母）"``."""
    scripts = {"Cyrillic": "西里尔字母", "Greek": "希腊字母"}
    found = re.findall(r"(Cyrillic|Greek) (\S) \(U\+[0-9A-F]+\)", letters)
    return "、".join(f"{char}（{scripts[script]}）" for script, char in found)


def repeated_entries_zh(repeats: str) -> str:
    """Chinese of the listing of entries repeated in a replicate (alpha design).

    Examples
    --------
    >>> repeated_entries_zh("'G02' twice in replicate '1' (plots '101', '105'); and 2 more")
    "'G02' 在重复 '1' 中出现 2 次（小区 '101'、'105'）；另有 2 处"
    """
    text = re.sub(
        r"(?P<entry>'[^']*') (?:twice|(?P<n>\d+) times) in replicate (?P<rep>'[^']*') "
        r"\(plots (?P<ids>[^)]*)\)",
        lambda m: (
            f"{m['entry']} 在重复 {m['rep']} 中出现 {m['n'] or 2} 次"
            f"（小区 {m['ids'].replace(', ', '、')}）"
        ),
        repeats,
    )
    text = re.sub(r"; and ([\d,]+) more$", r"；另有 \1 处", text)
    return text.replace("; ", "；")


def quoted_labels_zh(listing: str) -> str:
    """Chinese of a listing of quoted labels (``'CK1', 'CK2' and 3 more``).

    Examples
    --------
    >>> quoted_labels_zh("'CK1', 'CK2', 'CK3', 'CK4', 'CK5' and 3 more")
    "'CK1'、'CK2'、'CK3'、'CK4'、'CK5' 等（另有 3 个）"
    """
    listing = re.sub(r" and ([\d,]+) more$", r" 等（另有 \1 个）", listing)
    return re.sub(r"(?<=['\"]), (?=['\"])", "、", listing)


def sparse_repeats_zh(listing: str) -> str:
    """Chinese of the treatments an augmented trial took for checks, with their blocks.

    Examples
    --------
    >>> sparse_repeats_zh("'E1' (blocks '1', '2'), 'E7' (blocks '2', '3') and 1 more")
    "'E1'（区组 '1'、'2'）、'E7'（区组 '2'、'3'）等（另有 1 个）"
    """
    listing = re.sub(
        r" \(blocks ([^)]*)\)", lambda m: f"（区组 {m[1].replace(', ', '、')}）", listing
    )
    listing = re.sub(r" and ([\d,]+) more$", r" 等（另有 \1 个）", listing)
    return listing.replace("）, ", "）、").replace("） 等（", "）等（")


def translate_message(text: str, lang: str) -> str:
    """Translate a known English library message (warning, audit formula) for the report.

    Messages without a translation are returned unchanged.

    Parameters
    ----------
    text : str
        The English message.
    lang : {"en", "zh"}
        Report language.

    Returns
    -------
    str
        The message in ``lang`` when known, else ``text``.

    Examples
    --------
    >>> text = "shrink: no adjustment at or below standard moisture (5 <= 13): 442"
    >>> translate_message(text, "zh")
    '缩水系数法：含水量不高于标准水分（5 ≤ 13）时不调整：442'
    >>> text = ("margin_pct=0.05 is read as 0.05 %; if you meant 5 %, pass margin_pct=5 "
    ...         "(percent, e.g. 5 for 5 %)")
    >>> translate_message(text, "zh")
    '非劣效界值为 0.05，按 0.05% 计；若指 5%，请写作 5（以百分数表示，如 5 表示 5%）。'
    >>> translate_message("anything else", "zh")
    'anything else'
    >>> translate_message("error_a (whole plots, block x N) has only 2 df", "en")
    'Error a (whole plots, block x N) has only 2 df'
    >>> translate_message("error_a (whole plots, block x main) has only 2 df", "en")
    'Error a (whole plots, block x main-plot factor) has only 2 df'
    """
    if lang != "zh":  # the strata's library keys as the report's tables name them
        if _POOLED_COMPONENT.search(text):  # the variance-components table's label of a term
            text = _POOLED_COMPONENT.sub(lambda m: f"({source_label(m['term'], lang)})", text)
        text = _DEFAULT_FACTOR_IN_MESSAGE.sub(lambda m: DEFAULT_FACTORS_EN[m.group()], text)
        return _ERROR_KEY.sub(lambda found: f"Error {found.group(1)}", text)
    for pattern, template in _messages_zh():
        found = pattern.match(text)
        if found is None:
            continue
        values = {
            key: _TERMS_ZH.get(value, value) if key in _TERM_GROUPS else value
            for key, value in found.groupdict().items()
        }
        if "factor" in values:
            # as the report's tables name it: main -> 主区因素, treatment -> 处理
            factor = factor_label(values["factor"], "zh")
            values["factor"] = factor
            # inside Chinese text: a space only next to a Latin end ("查看 N 的均值")
            values["factor_in_text"] = (
                (" " if factor[:1].isascii() else "")
                + factor
                + (" " if factor[-1:].isascii() else "")
            )
        declared = re.fullmatch(
            r"the declared design '(?P<design>\w+)' is analysed without (?P<what>.+)",
            values.get("consequence") or "",
        )
        if declared:  # a design-column rename under a declared design (io.plots)
            key = f"design.{declared['design']}"
            design = STRINGS[key]["zh"] if key in STRINGS else declared["design"]
            what = _TERMS_ZH.get(declared["what"], declared["what"])
            values["consequence"] = f"按所声明的{design}分析，不使用{what}"
        if "by" in values:  # the trial key of a network (site, site/year)
            values["by"] = "/".join(_TRIAL_KEYS_ZH.get(k, k) for k in values["by"].split("/"))
        if "sparse" in values:  # "'E1' (blocks '1', '2'), 'E7' (blocks '2', '3') and 1 more"
            values["sparse"] = sparse_repeats_zh(values["sparse"])
            values["full"] = quoted_labels_zh(values["full"])
        if "entries" in values:  # "'E13', 'E14', ..." (a block's entries)
            values["entries"] = re.sub(r"(?<=['\"]), (?=['\"]|\.\.\.)", "、", values["entries"])
        if "repeats" in values:  # "'G02' twice in replicate '1' (plots '101', '105')"
            values["repeats"] = repeated_entries_zh(values["repeats"])
        if "repeated_in" in values:  # the resolvable design of the repeated entries
            values["repeated_in"] = {"alpha": "α 格子", "row-column": "行列"}[values["repeated_in"]]
        if "copies" in values:  # "'S3', 'S5' and 2 more"
            copies = re.sub(r" and ([\d,]+) more$", r" 等（另有 \1 个）", values["copies"])
            values["copies"] = re.sub(r"(?<=['\"]), (?=['\"])", "、", copies)
            # a space before 与 after a quoted name, none after "等（另有 2 个）"
            values["copies"] += "" if values["copies"].endswith("）") else " "
        for listed in ("trials", "cells"):  # "'S1', 'S2' and 2 more"; "'S1'/'1'/'CK' x2, ..."
            if listed in values:
                text = re.sub(r" and ([\d,]+) more$", r" 等（另有 \1 个）", values[listed])
                text = re.sub(r"(?<=['\"]) x(\d+)", r"（\1 条）", text)  # 'S1'/'1'/'CK' x2
                values[listed] = re.sub(r"(?<=['\"）]), (?=['\"])", "、", text)
        if "marked" in values:  # "plot_id row 6, row 9 and 2 more; site row 6" (loose58)
            marked = re.sub(r"\brow (\d+)", r"第 \1 行", values["marked"])
            marked = re.sub(r"\bindex ", "索引 ", marked)
            marked = re.sub(r" and ([\d,]+) more(?=;|$)", r" 等（另有 \1 个）", marked)
            marked = re.sub(
                r"(?:^|(?<=; ))(\w+)(?= )",
                lambda m: _LABEL_COLUMNS_ZH.get(m[1], _TERMS_ZH.get(m[1], m[1])),
                marked,
            )
            values["marked"] = marked.replace("; ", "；").replace(", ", "、")
        if "columns" in values:  # site/block/treatment
            words = {**_TRIAL_KEYS_ZH, "block": "区组", "treatment": "处理"}
            values["columns"] = "/".join(words.get(k, k) for k in values["columns"].split("/"))
        if "crop" in values:
            values["crop"] = CROPS_ZH.get(values["crop"].strip().lower(), values["crop"])
        if "plots" in values:  # "'101', '202' and '303'" (stop 47)
            values["plots"] = quoted_labels_zh(values["plots"])
        if "trial_crop" in values:  # a description's crop replacing the trial's (stop 47)
            own = values["trial_crop"]
            values["trial_crop"] = CROPS_ZH.get(own.strip().lower(), own)
            values["moisture_zh"] = (
                f"：产量按含水量 {values['standard']}% 折算，而非本试验的 {values['own']}%"
                if values.get("standard")
                else ""
            )
        if "items" in values:
            items = _FRACTION_NOTE.sub(r"（可能是把 \1% 写成了小数）", values["items"])
            items = _PLOT_LIST.sub(r"小区 \1 = ", items).replace(", ", "、")
            items = re.sub(r"(?<=\d) %", "%", items)  # 40 % -> 40%, as the other zh text
            values["items"] = re.sub(r" and (\d[\d,]*) more$", r" 等（另有 \1 个）", items)
        if "column" in values:
            values["column"] = _LABEL_COLUMNS_ZH[values["column"]]
        if values.get("lookalikes") is not None:  # "'CК' has Cyrillic К (U+041A)"
            found_letters = re.sub(
                r"(?P<label>'[^']*') has (?P<letters>[^;]+)",
                lambda m: f"{m['label']} 中的 {_lookalike_letters_zh(m['letters'])}",
                values["lookalikes"],
            )
            lead = "（" if "spellings" in values else ""
            tail = "，与拉丁字母形近）" if "spellings" in values else ""
            values["lookalikes"] = lead + found_letters.replace("; ", "；") + tail
        elif "lookalikes" in values:
            values["lookalikes"] = ""
        if "merges" in values:  # "treatment 'ＣＫ' and 'CK' are read as 'CK'"
            merges = re.sub(r" and (\d+) more$", r" 等（另有 \1 处）", values["merges"])
            merges = re.sub(
                r"\b(?P<col>plot_id|treatment|block|site) (?P<forms>'.*?') are read as "
                r"(?P<label>'[^']*')",
                lambda m: (
                    f"{_LABEL_COLUMNS_ZH[m['col']]} {m['forms'].replace(' and ', ' 与 ')}"
                    f" 均读作 {m['label']}"
                ),
                merges,
            )
            values["merges"] = merges.replace(", ", "；")
        if "spellings" in values:
            spellings = re.sub(r" \(plots? ([^)]*)\)", r"（小区 \1）", values["spellings"])
            spellings = spellings.replace("） and ", "）与 ").replace(" and ", " 与 ")
            spellings = spellings.replace("; ", "；")
            values["spellings"] = spellings.replace(", ", "、")
        if "rows" in values:
            rows = re.sub(r"\brows? (\d+)", r"第 \1 行", values["rows"])
            values["rows"] = re.sub(r" and (\d+) more$", r" 等（另有 \1 行）", rows)
            values["rows"] = re.sub(r",? and |, ", "、", values["rows"])
        if "groups" in values:  # "'G01', 'G12'; 'G08', 'G10'; and 1 more"
            groups = re.sub(r"; and (\d+) more$", r"；另有 \1 组", values["groups"])
            groups = re.sub(r" and (\d+) more", r" 等（另有 \1 个）", groups)
            values["groups"] = groups.replace("; ", "；").replace(", ", "、")
        if "rest" in values:
            rest = values["rest"].replace(" x ", " × ")
            rest = re.sub(
                r"\[(\d+) steps, gain capped at 5\]", r"[共 \1 档，增量最多按 5 档计]", rest
            )
            values["rest"] = rest
        if "term" in values:  # a variance component: the label of the report's table
            values["component"] = source_label(values["term"], lang)
        if "stratum_df" in values:  # an outer stratum's df: none for a REML fit's (pooled)
            df = values["stratum_df"]
            values["stratum_df"] = "" if df is None else f"，{df} 自由度"
        if "pooled_test" in values:  # the F test of a pooled stratum, when it has one
            values["pooled_test"] = (
                ""
                if values["f"] is None
                else f"（F = {values['f']}，自由度 {values['df']} 和 {values['ddf']}）"
            )
        return template.format(**values)
    return text


#: Marks that end a sentence: a note ending in one needs no full stop.
_SENTENCE_END = (".", "!", "?", "。", "！", "？")
#: A Chinese character (CJK unified ideographs): a note holding one is Chinese text.
_HAN = re.compile(r"[\u4e00-\u9fff]")


def full_stop(text: str) -> str:
    """Return a note ending in a sentence mark: ``text`` with a full stop when it lacks one.

    Parameters
    ----------
    text : str
        A note of a report (a warning shown as a bullet), in either language.

    Returns
    -------
    str
        ``text`` unchanged when it ends in . ! ? (or 。 ！ ？); otherwise with "。" added
        when it is Chinese text (holds a Chinese character), "." when it is not (an
        English message left untranslated in a Chinese report keeps its English mark).

    Examples
    --------
    >>> full_stop("3 plots have no yield")
    '3 plots have no yield.'
    >>> full_stop("3 个小区无产量")
    '3 个小区无产量。'
    >>> full_stop("Done!")
    'Done!'
    """
    stripped = text.rstrip()
    if not stripped or stripped.endswith(_SENTENCE_END):
        return text
    return stripped + ("。" if _HAN.search(stripped) else ".")


#: A note starting with a plain lowercase word ("not checked: ..."), not an identifier
#: (``moisture_pct``, ``yield_kg_ha``), a unit (``kg/ha``) or a label (``ck``)
_LOWER_START = re.compile(r"^[a-z]+(?=[ :,])(?! *=)")


def capitalized(text: str) -> str:
    """Return a note whose first word is a plain lowercase word with a capital first letter.

    The library's messages are clauses (``"not checked: the error_a stratum ..."``); shown as
    a bullet of a report they read as sentences.  Anything else (an identifier, a unit, a
    label, Chinese text) is left as it is.

    Examples
    --------
    >>> capitalized("not checked: the Error a stratum has no residuals.")
    'Not checked: the Error a stratum has no residuals.'
    >>> capitalized("moisture_pct above 30 %"), capitalized("kg/ha given"), capitalized("未检验")
    ('moisture_pct above 30 %', 'kg/ha given', '未检验')
    """
    if _LOWER_START.match(text):
        return text[0].upper() + text[1:]
    return text


def default_unit(lang: str) -> str:
    """Default display unit: kg/mu for Chinese, kg/ha otherwise."""
    return STRINGS["unit.default"][check_lang(lang)]


#: Unit spellings of Chinese reports (one per unit, in tables, text and figure captions):
#: the area is written in Chinese (亩, 公顷), the mass keeps its symbol (kg, t, g).
ZH_UNITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<![A-Za-z])(kg|t|g)( N| P₂O₅| K₂O)?/mu\b"), r"\1\2/亩"),
    (re.compile(r"(?<![A-Za-z])(kg|t|g)( N| P₂O₅| K₂O)?/ha\b"), r"\1\2/公顷"),
    (re.compile(r"(?<![A-Za-z])CNY/(亩|公顷|mu|ha)\b"), r"元/\1"),
    (re.compile(r"(?<![A-Za-z])CNY(?![A-Za-z])"), "元"),
    # the other display units as the methods' conversion note names them (1 斤 = 0.5 kg;
    # 1 蒲式耳 ... 磅; 1 英亩): a zh report with --unit jin/mu printed "jin/mu" 12 times
    (re.compile(r"(?<![A-Za-z])jin/mu\b"), "斤/亩"),
    (re.compile(r"(?<![A-Za-z])bu/ac\b"), "蒲式耳/英亩"),
    (re.compile(r"(?<![A-Za-z])lb/ac\b"), "磅/英亩"),
    (re.compile(r"(?<![A-Za-z])(kg|t)/ac\b"), r"\1/英亩"),
    (re.compile(r"(?<=\d) mu\b"), " 亩"),
    (re.compile(r"元/mu\b"), "元/亩"),
    (re.compile(r"元/ha\b"), "元/公顷"),
)


def zh_units(text: str) -> str:
    """Write the units of ``text`` the Chinese way (kg/mu -> kg/亩, kg/ha -> kg/公顷).

    Examples
    --------
    >>> zh_units("产量 (kg/mu)，折合 7200 kg/ha；N 用量 (kg N/mu)；1 mu")
    '产量 (kg/亩)，折合 7200 kg/公顷；N 用量 (kg N/亩)；1 亩'
    >>> zh_units("产量（jin/mu），误差均方 1.6 (jin/mu)²；111.4 bu/ac；6000 lb/ac")
    '产量（斤/亩），误差均方 1.6 (斤/亩)²；111.4 蒲式耳/英亩；6000 磅/英亩'
    """
    for pattern, replacement in ZH_UNITS:
        text = pattern.sub(replacement, text)
    return text


def localize_units(report: Any) -> None:
    """Rewrite the unit spellings of every visible string of a Chinese report in place.

    Paragraphs, bullets, key-value pairs, table captions, column labels and group
    labels, notes, footers and text cells, figure captions; :attr:`Column.unit`
    (machine-readable, in JSON) and the numbers are left as they are.
    """
    import dataclasses

    for section in report.sections:
        section.title = zh_units(section.title)
        for block in section.blocks:
            kind = getattr(block, "type", "")
            if kind == "paragraph":
                block.text = zh_units(block.text)
            elif kind == "bullets":
                block.items = [zh_units(item) for item in block.items]
            elif kind == "keyvalues":
                block.items = [(zh_units(k), zh_units(v)) for k, v in block.items]
            elif kind == "figure":
                block.caption = zh_units(block.caption)
            elif kind == "table":
                block.caption = None if block.caption is None else zh_units(block.caption)
                block.notes = [zh_units(n) for n in block.notes]
                block.footer = [(zh_units(k), zh_units(v)) for k, v in block.footer]
                block.columns = [
                    dataclasses.replace(
                        col,
                        label=zh_units(col.label),
                        group=None if col.group is None else zh_units(col.group),
                    )
                    for col in block.columns
                ]
                text_keys = [col.key for col in block.columns if col.kind == "text"]
                for row in block.rows:
                    for key in text_keys:
                        if isinstance(row.get(key), str):
                            row[key] = zh_units(row[key])
    report.title = zh_units(report.title)


def unit_label(unit: str, lang: str) -> str:
    """Display spelling of a unit in ``lang`` (kg/亩 in Chinese; unchanged in English).

    Examples
    --------
    >>> unit_label("kg/mu", "zh"), unit_label("kg/mu", "en")
    ('kg/亩', 'kg/mu')
    """
    return zh_units(unit) if lang == "zh" else unit
