"""The captions of the means of each factor say which error the SE uses and which the letters.

A user pass (stop 53) found the split-plot caption "Means of treatment (LS-means); SE and
letters on Error b (45 df)" over an SE that is not on Error b: the SE of a sub-plot factor's
marginal mean is ``sqrt((Ea + (b - 1) Eb) / (r a b))`` (a mean carries the whole-plot
variation; the differences, hence the letters, carry Error b alone).  In a strip plot the SE
of either factor's mean combines all three errors.  The numbers did not change; the
captions now say what is printed, in English and Chinese, in every format.

Expected SEs are derived by hand from the published ANOVAs in the test comments:
Yates' oats, Venables & Ripley (2002) sec. 6.7 (``tests/data/reference/yates_oats_splitplot.json``);
Gomez & Gomez (1984) Table 3.15 (``tests/data/reference/gomez_stripplot_rice.json``).
"""

from __future__ import annotations

import functools
import io
import math
from typing import Any

import pytest

from reference_cases import case_frame
from yieldtrial import FieldTrial

pytestmark = pytest.mark.usefixtures("close_figures")

SPLIT_WHOLE = {
    "en": "Means of gen (LS-means); SE and letters on Error a (10 df).",
    "zh": "gen 各水平均值（最小二乘均值）；标准误与字母标记基于误差 a（自由度 10）。",
}
SPLIT_SUB = {
    "en": "Means of treatment (LS-means); SE of a mean on Error a and Error b combined; "
    "letters on Error b alone (45 df), the error of the differences between these means.",
    "zh": "处理各水平均值（最小二乘均值）；单个均值的标准误由误差 a 与误差 b 合并而得；"
    "字母标记仅基于误差 b（均值间差异的误差，自由度 45）。",
}
STRIP_HORIZONTAL = {
    "en": "Means of gen (LS-means); SE of a mean on Error a, Error b and Error c combined; "
    "letters on Error a alone (10 df), the error of the differences between these means.",
    "zh": "gen 各水平均值（最小二乘均值）；单个均值的标准误由误差 a、误差 b 与误差 c 合并而得；"
    "字母标记仅基于误差 a（均值间差异的误差，自由度 10）。",
}
STRIP_VERTICAL = {
    "en": "Means of treatment (LS-means); SE of a mean on Error a, Error b and Error c combined; "
    "letters on Error b alone (4 df), the error of the differences between these means.",
    "zh": "处理各水平均值（最小二乘均值）；单个均值的标准误由误差 a、误差 b 与误差 c 合并而得；"
    "字母标记仅基于误差 b（均值间差异的误差，自由度 4）。",
}


@functools.cache
def _report(design: str, lang: str) -> Any:
    """Report (no figures) of Yates' oats split plot or Gomez's rice strip plot."""
    if design == "split_plot":
        # varieties (gen) on the whole plots, nitrogen (treatment) on the sub-plots
        df = case_frame("yates_oats_splitplot").rename(columns={"nitro": "treatment"})
        # 1/4 lb per 1/80-acre sub-plot x 20 = lb/acre, read as kg/ha (1,200-3,500: no
        # low-yield warning); every SE is 20 times the published unit's
        df["yield_kg_ha"] = df.pop("yield") * 20
        crop = "wheat"
    else:
        # varieties (gen) in horizontal strips, nitrogen (treatment) in vertical strips
        df = case_frame("gomez_stripplot_rice").rename(
            columns={"rep": "block", "nitro": "treatment", "yield": "yield_kg_ha"}
        )
        crop = "rice_indica"
    df["plot_id"] = [str(i + 1) for i in range(len(df))]
    trial = FieldTrial.from_dataframe(df, crop=crop, control="0", design=design, factors=("gen",))
    return trial.report(lang=lang, figures=False)


def _means_table(design: str, lang: str, key: str) -> Any:
    """Return the table ``means_<key>`` of the section of the means of each factor."""
    blocks = _report(design, lang).section("design_means").blocks
    return next(block for block in blocks if block.key == f"means_{key}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_split_plot_whole_plot_caption_is_error_a(lang: str) -> None:
    assert _means_table("split_plot", lang, "gen").caption == SPLIT_WHOLE[lang]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_split_plot_sub_plot_caption_combines_errors_a_and_b(lang: str) -> None:
    assert _means_table("split_plot", lang, "treatment").caption == SPLIT_SUB[lang]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_strip_plot_horizontal_caption_combines_three_errors(lang: str) -> None:
    assert _means_table("strip_plot", lang, "gen").caption == STRIP_HORIZONTAL[lang]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_strip_plot_vertical_caption_combines_three_errors(lang: str) -> None:
    assert _means_table("strip_plot", lang, "treatment").caption == STRIP_VERTICAL[lang]


def test_split_plot_printed_ses_are_those_the_captions_name() -> None:
    """Hand derivation from V&R sec. 6.7 (r = 6 blocks, a = 3 varieties, b = 4 rates).

    Ea = 6013.31 / 10 = 601.331, Eb = 7968.75 / 45 = 177.083 (1/4 lb per sub-plot).
    Variety mean: sqrt(Ea / (r b)) = sqrt(601.331 / 24) = 5.0055 (Error a alone).
    Nitrogen mean: sqrt((Ea + (b - 1) Eb) / (r a b)) = sqrt((601.331 + 531.250) / 72)
    = sqrt(15.7303) = 3.9661, not sqrt(Eb / (r a)) = sqrt(177.083 / 18) = 3.1366 on Error b.
    The report's yields are the published ones x 20, so its SEs are 100.11 and 79.32.
    """
    ea, eb = 20**2 * 6013.31 / 10, 20**2 * 7968.75 / 45
    gen = _means_table("split_plot", "en", "gen").rows
    nitrogen = _means_table("split_plot", "en", "treatment").rows
    assert [row["se"] for row in gen] == pytest.approx([math.sqrt(ea / 24)] * 3, abs=1e-2)
    assert [row["se"] for row in nitrogen] == pytest.approx(
        [math.sqrt((ea + 3 * eb) / 72)] * 4, abs=1e-2
    )


def test_strip_plot_printed_ses_are_those_the_captions_name() -> None:
    """Hand derivation from Gomez & Gomez Table 3.15 (r = 3, a = 6 varieties, b = 3 rates).

    Ea = 14922619 / 10, Eb = 2974908 / 4, Ec = 8232917 / 20 [(kg/ha)^2].  With
    Ea = sigma^2 + b s_a^2, Eb = sigma^2 + a s_b^2, Ec = sigma^2 (blocks fixed), a variety
    mean has variance Ea / (r b) + (Eb - Ec) / (r a b) = 165806.9 + 6149.7 -> SE 414.68
    (Error a alone: 407.19); a nitrogen mean Eb / (r a) + (Ea - Ec) / (r a b)
    = 41318.2 + 20011.4 -> SE 247.65 (Error b alone: 203.27).
    """
    ea, eb, ec = 14922619 / 10, 2974908 / 4, 8232917 / 20
    gen = _means_table("strip_plot", "en", "gen").rows
    nitrogen = _means_table("strip_plot", "en", "treatment").rows
    assert [row["se"] for row in gen] == pytest.approx(
        [math.sqrt(ea / 9 + (eb - ec) / 54)] * 6, abs=0.01
    )
    assert [row["se"] for row in nitrogen] == pytest.approx(
        [math.sqrt(eb / 18 + (ea - ec) / 54)] * 3, abs=0.01
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_and_html_print_the_caption(lang: str) -> None:
    report = _report("split_plot", lang)
    assert SPLIT_SUB[lang] in report.to_markdown()
    assert SPLIT_SUB[lang] in report.to_html().replace("\xa0", " ")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_docx_prints_the_caption(lang: str) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document(io.BytesIO(_report("strip_plot", lang).to_docx()))
    paragraphs = [p.text.replace("\xa0", " ") for p in document.paragraphs]
    assert any(STRIP_VERTICAL[lang] in text for text in paragraphs)
