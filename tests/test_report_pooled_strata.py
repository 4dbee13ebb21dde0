"""The report's data-quality warnings say when REML pooled the whole-plot stratum (issue 15).

The published rice split plot of Gomez & Gomez with one sub-plot deleted
(``tests/data/r_reference_trials/gomez_sp_m1.csv``, II/N2:V3) is fitted by REML, whose
whole-plot variance is at zero: nitrogen is tested on the pooled error (F = 20.11 on
44.995 df, lmerTest's numbers in ``reference.csv`` there) instead of error a (the book's
42.87 on 10 df).  The warning is in the data-quality section of the Markdown and HTML
reports, in English and in Chinese, and once in the JSON's ``warnings``; the complete
trial's report (stratum ANOVA) has none.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from yieldtrial import FieldTrial
from yieldtrial.datasets import example_path

DATA = Path(__file__).parent / "data" / "r_reference_trials"
FACTORS = ("nitrogen", "variety")
ENGLISH = (
    "REML estimates the whole-plot variance (Blocks x nitrogen) at zero, so the whole-plot error "
    "(Error a) is pooled with the sub-plot error (Error b): the F test of nitrogen uses the "
    "pooled error with Satterthwaite df (F = 20.11 on 5 and 45.0 df)"
)
CHINESE = (
    "REML 将主区方差（区组 × nitrogen）估计为零，因此主区误差（误差 a）与副区误差（误差 b）合并："
    "对 nitrogen 的 F 检验采用合并误差及 Satterthwaite 自由度（F = 20.11，自由度 5 和 45.0）"
)


@functools.cache
def _report(case: str, lang: str) -> tuple[str, str, str]:
    """Markdown, HTML and JSON of the report of ``case`` (a file of r_reference_trials)."""
    if case == "complete":
        plots = pd.read_csv(example_path("gomez-rice-split-plot"))
        # the shipped ids are 1-72 (stop 48); these name the cell
        plots["plot_id"] = plots["block"] + "-" + plots["nitrogen"] + "-" + plots["variety"]
    else:
        plots = pd.read_csv(DATA / f"{case}.csv")
    trial = FieldTrial(
        plots, crop="rice_indica", design="split_plot", factors=FACTORS, control=("V1",)
    )
    report = trial.report(lang=lang, figures=False)
    return report.to_markdown(), report.to_html(), report.to_json()


def _quality(markdown: str) -> str:
    """Return the data-quality section of a Markdown report."""
    heading = re.search(r"^## (Data quality|数据质量)$", markdown, re.M)
    assert heading is not None
    rest = markdown[heading.end() :]
    end = rest.find("\n## ")
    return rest if end < 0 else rest[:end]


@pytest.mark.parametrize(("lang", "text"), [("en", ENGLISH), ("zh", CHINESE)])
def test_markdown_quality_section_says_the_stratum_is_pooled(lang: str, text: str) -> None:
    markdown, _, _ = _report("gomez_sp_m1", lang)
    quality = _quality(markdown)
    assert f"> - {text}" in quality, quality


@pytest.mark.parametrize(("lang", "text"), [("en", ENGLISH), ("zh", CHINESE)])
def test_html_warning_list_says_the_stratum_is_pooled(lang: str, text: str) -> None:
    _, page, _ = _report("gomez_sp_m1", lang)
    section = re.search(r'<section id="quality">.*?</section>', page, re.S)
    assert section is not None
    items = re.search(r'<ul class="warning">(.*?)</ul>', section.group(0), re.S)
    assert items is not None
    # the HTML keeps "F = 20.11" on one line (no-break spaces around the sign)
    assert f"<li>{text}" in items.group(1).replace("\xa0", " "), items.group(1)


def _component_labels(markdown: str) -> list[str]:
    """Return the first column of the report's variance-components table."""
    table = re.search(r"^\| (?:Variance component|方差组分) \|.*?\n\n", markdown, re.M | re.S)
    assert table is not None
    return [row.split(" | ")[0].lstrip("| ") for row in table.group(0).splitlines()[2:]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_warning_names_the_component_as_the_variance_components_table(lang: str) -> None:
    """The warning's component is the table's row (Blocks x nitrogen; 区组 × nitrogen)."""
    markdown, _, _ = _report("gomez_sp_m1", lang)
    labels = _component_labels(markdown)
    assert labels[1] == {"en": "Blocks x nitrogen", "zh": "区组 × nitrogen"}[lang], labels
    opening = {"en": "variance ({})", "zh": "方差（{}）"}[lang].format(labels[1])
    assert opening in _quality(markdown)
    assert "block:nitrogen" not in _quality(markdown)


def test_json_lists_the_warning_once() -> None:
    """The ANOVA is fitted once per report: one warning, though means and letters share it."""
    _, _, document = _report("gomez_sp_m1", "en")
    warnings = json.loads(document)["results"]["warnings"]
    pooled = [w for w in warnings if w.startswith("REML estimates the whole-plot variance")]
    assert len(pooled) == 1, warnings


def test_complete_trial_report_has_no_pooled_stratum_warning() -> None:
    """No plot missing: the book's stratum ANOVA (nitrogen F = 42.87 on 5 and 10 df)."""
    markdown, _, document = _report("complete", "en")
    assert "REML estimates" not in markdown
    assert not any("REML" in w for w in json.loads(document)["results"]["warnings"])
    assert "42.87" in markdown
    # the stratum ANOVA's error a: (3 - 1)(6 - 1) = 10 df, in the diagnostics' note too
    assert "the Error a stratum (whole plots, block x nitrogen, 10 df) has no" in markdown


def test_chinese_text_of_a_strip_plot_without_an_f_test() -> None:
    """A vertical strip pooled with the intersections, Kenward-Roger with no F: Chinese too."""
    from yieldtrial.report.i18n import translate_message

    message = (
        "REML estimates the vertical-strip variance (Blocks x v; rep:v in variance_components) "
        "at zero, so the vertical-strip error (error_b) is pooled with the intersection-plot "
        "error (error_c): the F test of v uses the pooled error with Kenward-Roger df, as lme4 "
        "and lmerTest do. The stratum ANOVA of balanced data tests v against error_b alone, so "
        "a published table of the complete trial gives another F; compare with the stratum "
        "ANOVA of the complete data if it is known"
    )
    assert translate_message(message, "zh").startswith(
        "REML 将纵向条区方差（rep × v）估计为零，因此纵向条区误差（误差 b）与交叉小区误差"
        "（误差 c）合并：对 v 的 F 检验采用合并误差及 Kenward-Roger 自由度，与 lmerTest 相同。"
    )


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "(Blocks x main-plot factor)"), ("zh", "（区组 × 主区因素）")]
)
def test_default_factor_names_read_as_the_table_labels_them(lang: str, label: str) -> None:
    """``main`` (``yieldtrial design split_plot``'s name): the table's label, not the term."""
    from yieldtrial.report._format import source_label
    from yieldtrial.report.i18n import translate_message

    message = (
        "REML estimates the whole-plot variance (Blocks x main; block:main in "
        "variance_components) at zero, so the whole-plot error (error_a) is pooled with the "
        "sub-plot error (error_b): the F test of main uses the pooled error with Satterthwaite "
        "df, as lme4 and lmerTest do. The stratum ANOVA of balanced data tests main against "
        "error_a alone, so a published table of the complete trial gives another F; compare "
        "with the stratum ANOVA of the complete data if it is known"
    )
    assert label[1:-1] == source_label("block:main", lang)  # the variance-components row
    assert label in translate_message(message, lang)
    assert "block:main" not in translate_message(message, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("case", "df"), [("gomez_sp_m1", 35), ("gomez_sp_m3_same_wp", 33)])
def test_not_checked_note_gives_error_a_no_complete_data_df(case: str, df: int, lang: str) -> None:
    """Sub-plots deleted, REML fit: the note names error a without the complete data's 10 df.

    Error a of the complete trial has (3 - 1)(6 - 1) = 10 df (the book's ANOVA); REML tests
    nitrogen on 45.0 (m1) or 43.4 (m3) Satterthwaite df.  The sub-plot residuals checked
    are the least-squares fit's: 71 - 36 = 35 and 69 - 36 = 33 df (36 = the rank of block +
    nitrogen + block:nitrogen + variety + nitrogen:variety: 1 + 2 + 5 + 10 + 3 + 15, hand).
    """
    markdown, _, _ = _report(case, lang)
    quality = _quality(markdown)
    (note,) = [line for line in quality.splitlines() if "Not checked" in line or "未检验" in line]
    if lang == "en":
        assert "the Error a stratum (whole plots, block x nitrogen) has no" in note, note
        assert f"(Error b, {df} df)" in note
    else:
        assert "误差 a 层（主区，区组 × nitrogen）没有" in note, note
        assert f"（误差 b，{df} 自由度）" in note
    assert "10 df" not in markdown and "10 自由度" not in markdown


def test_chinese_names_the_treatment_factor_as_the_tables() -> None:
    """A strip plot's vertical factor ``treatment``: 处理 throughout, as the tables name it."""
    from yieldtrial.report.i18n import translate_message

    message = (
        "REML estimates the vertical-strip variance (Blocks x treatment; block:treatment in "
        "variance_components) at zero, so the vertical-strip error (error_b) is pooled with the "
        "intersection-plot error (error_c): the F test of treatment uses the pooled error with "
        "Satterthwaite df (F = 98.48 on 3 and 45.0 df), as lme4 and lmerTest do. The stratum "
        "ANOVA of balanced data tests treatment against error_b alone, so a published table "
        "of the complete trial gives another F; compare with the stratum ANOVA of the complete "
        "data if it is known"
    )
    chinese = translate_message(message, "zh")
    assert chinese.startswith("REML 将纵向条区方差（区组 × 处理）估计为零，"), chinese
    assert "对处理的 F 检验" in chinese and "检验处理时只用误差 b" in chinese
    assert "treatment" not in chinese


def test_chinese_absent_plot_reason_names_the_factors_as_the_tables_do() -> None:
    """A sub-plot row left out of the table: the zh reason names the factors as the tables do.

    The sub-plot factor ``variety`` is read as the canonical ``treatment`` column; the
    reason said "nitrogen 与 treatment" (stop 42), then 处理 as the tables did. From stop 51
    (tidy56) the report names the factor by the header the user wrote, in the tables
    (the nitrogen x variety means) and in this reason alike.
    """
    plots = pd.read_csv(example_path("gomez-rice-split-plot"))
    plots["plot_id"] = plots["block"] + "-" + plots["nitrogen"] + "-" + plots["variety"]
    plots = plots.drop(index=3)  # II / N0 / V2: no row at all
    trial = FieldTrial(
        plots, crop="rice_indica", design="split_plot", factors=FACTORS, control=("V1",)
    )
    quality = _quality(trial.report(lang="zh", figures=False).to_markdown())
    assert "每个区组应含 nitrogen 与 variety 的全部组合各一次" in quality
    assert "treatment" not in quality
