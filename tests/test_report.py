"""Tests of the report model, its builder and renderers (yieldtrial.report)."""

from __future__ import annotations

import json
import re
import string
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest

from reference_cases import load_case
from shipped import example_report, example_trial
from yieldtrial.config import TrialConfig
from yieldtrial.datasets import example_path
from yieldtrial.errors import DataValidationError, MissingExtraError, YieldTrialWarning
from yieldtrial.report.build import build_report
from yieldtrial.report.files import report_from_files
from yieldtrial.report.i18n import STRINGS
from yieldtrial.report.model import (
    SCHEMA_VERSION,
    Column,
    Table,
    format_for_path,
    format_value,
)

DATE = "2026-01-01"


pytestmark = pytest.mark.usefixtures("close_figures")


def _report(name: str, lang: str = "en", **options: Any) -> Any:
    report, _ = report_from_files(
        example_path(name), example_path(name, "trial.toml"), lang=lang, report_date=DATE, **options
    )
    return report


@pytest.fixture(scope="module")
def jinzhong() -> Any:
    return _report("jinzhong-2024", figures=False)


@pytest.fixture(scope="module")
def rcbd() -> Any:
    return _report("replicated-rcbd", figures=False)


@pytest.fixture(scope="module")
def rcbd_zh() -> Any:
    return _report("replicated-rcbd", lang="zh", figures=False)


def _table(section: Any, key: str) -> Table:
    """Return the table ``key`` of a report section."""
    table = next(b for b in section.blocks if isinstance(b, Table) and b.key == key)
    assert isinstance(table, Table)
    return table


def _rcbd_trial() -> Any:
    return example_trial()


# ---------------------------------------------------------------- founding example


def test_jinzhong_shows_published_and_dry_matter_figures(jinzhong: Any) -> None:
    """The audit shows 477.36 (percentage-point) next to 482.64 (dry matter) with method names."""
    md = jinzhong.to_markdown()
    # 442 x (1 + 0.08) = 477.36 and 442 x 95/87 = 482.64 (domain-standards.md section 0)
    assert re.search(r"dry-matter \(mass balance\) method \|[^\n]*\| 482\.64 \| 477\.36 \|", md)
    assert re.search(
        r"percentage-point shortcut \|[^\n]*\| 477\.36 \| 477\.36 \| \+0\.00 \| yes", md
    )
    assert "reproduced by the percentage-point shortcut" in md


def test_jinzhong_labels_illustrative_values(jinzhong: Any) -> None:
    """CK1 and CK2 were not published: the report says so and marks their rows."""
    md = jinzhong.to_markdown()
    assert "Illustrative values: CK1, CK2 were not published" in md
    # input area 1 mu = 10000/15 m2 = 666.67 m2 (shown with the input column)
    assert "| 1 | CK1 | 1 | 666.67 | 436.00 | 5.0 | 476.09 | 7,141.4 | illustrative |" in md


def test_jinzhong_makes_no_significance_claim(jinzhong: Any) -> None:
    """Unreplicated: no ANOVA, no P values, and the conclusions say no claim is possible."""
    assert not jinzhong.has_section("anova")
    means = jinzhong.section("means").blocks[0]
    assert not any("dunnett" in c.key or "letters" in c.key for c in means.columns)
    md = jinzhong.to_markdown()
    assert "no difference can be called significant" in md
    assert "significantly" not in md.replace("not significantly", "")


def test_jinzhong_states_replicates_needed(jinzhong: Any) -> None:
    """Conclusions give the replicates a trial would need, from replicates_needed."""
    from yieldtrial.stats.power import replicates_needed

    # 8 % CV, 10 % difference, 3 treatments, CRD (the example's design), Dunnett, 80 % power
    r = replicates_needed(
        cv_pct=8, difference_pct=10, n_treatments=3, design="crd", comparison="dunnett"
    )
    assert jinzhong.results["replicates_needed"]["replicates"] == r
    assert f"about {r} replicates per treatment" in jinzhong.to_markdown()


def test_replicates_sentence_names_the_test_and_design(jinzhong: Any) -> None:
    """The replicates sentence names the test and the design it assumed (Dunnett, CRD).

    The number depends on both (14 in an RCBD, 13 in a CRD for these settings, ``yieldtrial
    plan``); the Jinzhong example has no block column, so a CRD.
    """
    text = jinzhong.to_markdown()
    assert "Dunnett's test against the control in a completely randomized design" in text
    assert jinzhong.results["replicates_needed"]["design"] == "crd"


def test_jinzhong_display_unit_is_kg_mu(jinzhong: Any) -> None:
    """The description's unit (kg/mu) is used; T = 442 x 95/87 = 482.64 kg/mu."""
    rows = {r["treatment"].rstrip("\u00a0†"): r for r in jinzhong.section("means").blocks[0].rows}
    assert rows["T"]["mean"] == pytest.approx(442 * 95 / 87)


# ---------------------------------------------------------------- replicated example


def test_rcbd_has_full_statistics(rcbd: Any) -> None:
    """ANOVA, Dunnett against each control, letters, CV and diagnostics are all present."""
    keys = [s.key for s in rcbd.sections]
    assert keys[:5] == ["summary", "header", "trial_info", "methods", "quality"]
    assert {"anova", "means", "noninferiority", "conclusions"} <= set(keys)
    means = rcbd.section("means").blocks[0]
    labels = [c.label for c in means.columns]
    assert "Dunnett P vs CK1" in labels and "Dunnett P vs CK2" in labels
    assert "Letters (0.05)" in labels and "Letters (0.01)" in labels
    footer = dict(rcbd.section("anova").blocks[0].footer)
    assert "CV (%)" in footer
    quality = rcbd.to_markdown().split("## Data quality")[1].split("##")[0]
    assert "Shapiro-Wilk" in quality and "Levene" in quality


def test_json_anova_equals_library(rcbd: Any) -> None:
    """The JSON ANOVA table is the library's anova() table, unrounded."""
    from yieldtrial.stats.anova_tables import anova

    trial = _rcbd_trial()
    expected = anova(
        trial.yields(), response="yield_kg_ha", treatment="treatment", block="block", design="rcbd"
    )
    doc = json.loads(rcbd.to_json())
    got = pd.DataFrame(doc["results"]["anova"]["table"])
    np.testing.assert_allclose(got["sum_sq"], expected.table["sum_sq"], rtol=1e-12)
    assert doc["results"]["anova"]["cv_pct"] == pytest.approx(expected.cv_pct, rel=1e-12)
    assert trial.anova().cv_pct == pytest.approx(expected.cv_pct, rel=1e-12)


def test_json_comparisons_equal_library(rcbd: Any) -> None:
    """The JSON Dunnett table is compare_to_control()'s, number for number."""
    from yieldtrial.stats.compare import compare_to_control

    trial = _rcbd_trial()
    expected = compare_to_control(
        trial.yields(),
        response="yield_kg_ha",
        treatment="treatment",
        block="block",
        control=["CK1", "CK2"],
        margin_pct=5,
    )
    got = pd.DataFrame(json.loads(rcbd.to_json())["results"]["control_comparisons"])
    for col in ("difference_kg_ha", "p_value_adjusted", "ci_low_kg_ha", "difference_pct"):
        np.testing.assert_allclose(
            got[col].astype(float), expected[col].astype(float), rtol=1e-6
        )  # Dunnett p from numerical integration


def test_json_means_equal_library(rcbd: Any) -> None:
    """The JSON LS-means, SE and CI are FieldTrial.means()' (kg/ha), number for number."""
    expected = _rcbd_trial().means().set_index("treatment")
    for rec in rcbd.results["means"]:
        row = expected.loc[rec["treatment"]]
        assert rec["mean"] == row["yield_kg_ha"]
        assert rec["se"] == row["se_kg_ha"]
        assert (rec["ci_low"], rec["ci_high"]) == (row["ci_low_kg_ha"], row["ci_high_kg_ha"])
        assert rec["n"] == row["n"]


def test_json_comparisons_equal_trial_method(rcbd: Any) -> None:
    """The JSON Dunnett table is FieldTrial.compare_to_control()'s."""
    expected = _rcbd_trial().compare_to_control(margin_pct=5)
    got = pd.DataFrame(rcbd.results["control_comparisons"])
    for col in ("difference_kg_ha", "p_value_adjusted", "ci_low_pct", "noninferior"):
        assert got[col].tolist() == expected[col].tolist(), col


def test_jinzhong_json_comparisons_equal_trial_method(jinzhong: Any) -> None:
    """Unreplicated: the JSON differences are FieldTrial.compare_to_control()'s (p-values NaN)."""
    from yieldtrial.report.files import load_trial

    cfg = TrialConfig.from_file(example_path("jinzhong-2024", "trial.toml"))
    with pytest.warns(YieldTrialWarning, match="moisture_pct outside"):  # 5 %: as published
        trial = load_trial(example_path("jinzhong-2024"), cfg)
    expected = trial.compare_to_control(unit="kg/ha")  # the JSON is in kg/ha
    got = pd.DataFrame(jinzhong.results["control_comparisons"])
    for col in ("difference_kg_ha", "difference_pct", "mean_treatment_kg_ha"):
        assert got[col].tolist() == expected[col].tolist(), col
    assert got["p_value_adjusted"].isna().all()
    assert got["inference"].str.startswith("unreplicated").all()


def test_display_means_are_converted_library_means(rcbd_zh: Any) -> None:
    """Chinese report shows kg/mu = kg/ha / 15 (1 ha = 15 mu)."""
    table = rcbd_zh.section("means").blocks[0]
    by_trt = {r["treatment"]: r for r in table.rows}
    for rec in rcbd_zh.results["means"]:
        assert by_trt[rec["treatment"]]["mean"] == pytest.approx(rec["mean"] / 15)


def test_json_schema_basics(rcbd: Any) -> None:
    """The JSON has schema_version, provenance, no NaN and every table as raw numbers."""
    text = rcbd.to_json()

    def refuse(token: str) -> None:
        raise AssertionError(f"non-standard JSON constant {token}")

    doc = json.loads(text, parse_constant=refuse)
    assert doc["schema_version"] == SCHEMA_VERSION
    assert len(doc["metadata"]["input_sha256"]) == 64
    assert doc["metadata"]["report_date"] == DATE
    tables = [b for s in doc["sections"] for b in s["blocks"] if b["type"] == "table"]
    assert {"plots", "anova", "means", "noninferiority"} <= {t["key"] for t in tables}


# ---------------------------------------------------------------- Chinese layout


def test_chinese_layout_has_rank_pct_over_ck_and_two_level_letters(rcbd_zh: Any) -> None:
    """zh: 位次, 比CK±%, letters at 0.05 (lowercase) and 0.01 (uppercase), kg/mu."""
    means = rcbd_zh.section("means").blocks[0]
    labels = [c.label for c in means.columns]
    assert labels[0] == "位次"
    assert "比CK1±%" in labels and "比CK2±%" in labels
    assert "产量（kg/亩）" in labels  # the Chinese unit spelling (docs/user-guide.md)
    letters = [r["letters"] for r in means.rows]
    upper = [r["letters_upper"] for r in means.rows]
    assert all(v == v.lower() for v in letters) and all(v == v.upper() for v in upper)
    assert rcbd_zh.section("anova").title == "方差分析"


def test_chinese_report_has_no_untranslated_section_titles(rcbd_zh: Any) -> None:
    """Every section title of the Chinese report is Chinese."""
    for section in rcbd_zh.sections:
        assert re.search(r"[\u4e00-\u9fff]", section.title), section.title


def test_every_string_has_both_languages_with_same_placeholders() -> None:
    """i18n: each key has en and zh with identical {placeholders}."""
    fmt = string.Formatter()
    for key, value in STRINGS.items():
        assert set(value) == {"en", "zh"}, key
        en = {f for _, f, _, _ in fmt.parse(value["en"]) if f}
        zh = {f for _, f, _, _ in fmt.parse(value["zh"]) if f}
        assert en == zh, key


# ---------------------------------------------------------------- renderers


def test_html_is_self_contained_with_inline_svg() -> None:
    """HTML: inline CSS and SVG, no external resource, A4 print rule."""
    html = _report("replicated-rcbd").to_html()
    assert html.count("<svg") == 4  # field layout, means, plot yields, field map of residuals
    assert "<link" not in html and "<script" not in html and "<img" not in html
    assert "@page { size: A4" in html


def test_html_chinese_figures_keep_text() -> None:
    """Chinese HTML figures carry their labels as SVG text."""
    html = _report("jinzhong-2024", lang="zh").to_html()
    svg = html[html.index("<svg") :]
    assert re.search(r"<text[^>]*>产量（kg/亩）</text>", svg)


def test_chinese_report_translates_library_messages() -> None:
    """zh: the moisture warning, audit formulas, crop and protocol source are in Chinese."""
    text = _report("jinzhong-2024", lang="zh", figures=False).to_markdown()
    assert "含水量超出小麦收获时的合理范围" in text  # library warning, translated
    assert "粮食收购水分增量规则（以 13% 为基数" in text  # audit row, translated
    assert "缩水系数法：含水量不高于标准水分（5 ≤ 13）" in text
    assert "**作物：** 小麦" in text
    assert "农业部高产创建测产验收办法（2008）规定的国家商品粮贮藏标准含水量，小麦 13%" in text
    assert "http" not in text  # the method is cited by name, web sources are in docs/
    for english in ("moisture_pct outside", "China grain-trade", "shrink:", "Chinese yield-test"):
        assert english not in text


def test_chinese_anova_sum_of_squares_translated(rcbd_zh: Any) -> None:
    """zh: the methods paragraph names the sums of squares in Chinese."""
    assert "序贯平方和（均衡数据，等同 II 型）" in rcbd_zh.to_markdown()


def test_docx_renders_tables_and_figures() -> None:
    """DOCX: a Word file with the means table and a PNG figure."""
    import io

    import docx

    data = _report("jinzhong-2024").to_docx()
    document = docx.Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 1
    headers = [t.rows[0].cells[0].text for t in document.tables]
    assert "Rank" in headers


def test_docx_without_python_docx_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, jinzhong: Any
) -> None:
    """Without python-docx the error names the docx extra."""
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(MissingExtraError, match=r"yieldtrial\[docx\]"):
        jinzhong.to_docx()


def test_format_from_suffix() -> None:
    """Suffixes map to formats; an unknown suffix is refused."""
    assert [format_for_path(p) for p in ("a.html", "a.md", "a.json", "a.docx")] == [
        "html",
        "markdown",
        "json",
        "docx",
    ]
    with pytest.raises(DataValidationError, match="suffix"):
        format_for_path("report.pdf")


def test_unknown_suffix_names_the_python_argument_beside_the_flag() -> None:
    """The message is shared by the CLI and ``Report.write``: a notebook user has no --format."""
    with pytest.raises(DataValidationError, match=r"or --format \(format= in Python\)\."):
        format_for_path("report.txt")


def test_format_value_kinds() -> None:
    """Display formatting of p-values, signed numbers and missing values."""
    assert format_value(0.0004, Column("p", "P", "pvalue")) == "<0.001"
    assert format_value(0.0421, Column("p", "P", "pvalue")) == "0.042"
    assert format_value(-4.24, Column("d", "D", "signed_pct", 1)) == "-4.2"
    assert format_value(None, Column("m", "M")) == "–"


# ---------------------------------------------------------------- options


def test_margin_adds_noninferiority_section() -> None:
    """A margin adds the verdict; without one there is no section."""
    cfg = TrialConfig.from_file(example_path("replicated-rcbd", "trial.toml"))
    report, _ = report_from_files(
        example_path("replicated-rcbd"), cfg.override(), figures=False, report_date=DATE
    )
    assert report.has_section("noninferiority")
    from yieldtrial.report.files import load_trial

    trial = load_trial(example_path("replicated-rcbd"), cfg)
    bare = build_report(trial, TrialConfig(), figures=False, report_date=DATE)
    assert not bare.has_section("noninferiority")


def test_unknown_control_is_refused() -> None:
    """A control that is not a treatment raises DataValidationError."""
    with pytest.raises(DataValidationError, match="'CK9'"):
        example_report(overrides={"control": ["CK9"]})


def test_efficiency_hook_absent_without_rates() -> None:
    """The optional efficiency section is not built when no fertilizer rate is given."""
    cfg = TrialConfig.from_text('[[treatments]]\nlabel = "CK1"\nrelative_rate_pct = 100\n')
    report = build_report(_rcbd_trial(), cfg, figures=False, report_date=DATE)
    assert not report.has_section("efficiency")


def test_jinzhong_efficiency_pfp_for_each_and_ae_refused(jinzhong: Any) -> None:
    """Founding example: PFP of CK1, CK2, T; AE refused for lack of a zero-N plot; rate-cut note."""
    rows = {r["treatment"]: r for r in jinzhong.results["efficiency"]}
    assert list(rows) == ["CK1", "CK2", "T"]
    # hand: trial.toml (illustrative) 40 kg/mu of 15-15-15 -> 6 kg N/mu; CK2 32 -> 4.8;
    # T 32 x 0.15 + 0.3 kg DCD x 66.6 % N = 4.8 + 0.1998 = 5.0 kg N/mu
    assert [rows[k]["n_rate_kg_mu"] for k in rows] == pytest.approx([6.0, 4.8, 4.9998], abs=1e-3)
    # hand: PFP = yield / N rate; T 442 x 95/87 = 482.644 kg/mu / 4.9998 = 96.53 kg/kg
    assert rows["T"]["pfp"] == pytest.approx(482.6437 / 4.9998, rel=1e-4)
    assert "ae" not in rows["T"]
    notes = " ".join(jinzhong.section("efficiency").blocks[0].notes)
    assert "AE" in notes and "zero-N (omission) plot" in notes
    assert "illustrative" in notes
    # hand: rate effect of T vs CK1 = 6 / 5.0 - 1 = +20.0 % at equal yield
    assert rows["T"]["rate_effect_pct"] == pytest.approx(20.0, abs=0.01)
    assert "at equal yield" in notes


def test_rcbd_efficiency_section_present_in_both_languages(rcbd: Any, rcbd_zh: Any) -> None:
    """The replicated example's illustrative rates give an efficiency section in en and zh."""
    assert rcbd.has_section("efficiency") and rcbd_zh.has_section("efficiency")
    zh_notes = " ".join(rcbd_zh.section("efficiency").blocks[0].notes)
    assert "无法计算" in zh_notes and "示意" in zh_notes


@pytest.mark.parametrize(("lang", "shown"), [("en", "Table 4. "), ("zh", "表 4\u3000")])
def test_efficiency_table_is_numbered_in_docx(lang: str, shown: str) -> None:
    """The efficiency table had no caption, hence no table number (DOCX 'Table N' / '表 N').

    Expected number: jinzhong-2024 has the plot records, treatment yields and named
    contrasts tables (1-3) before the efficiency section.
    """
    import io

    import docx

    from yieldtrial.report.render_docx import render_docx

    report = _report("jinzhong-2024", lang=lang, figures=False)
    table = report.section("efficiency").blocks[0]
    assert isinstance(table, Table) and table.caption
    from yieldtrial.report.model import caption_sentence

    paragraphs = [p.text for p in docx.Document(io.BytesIO(render_docx(report))).paragraphs]
    # every caption ends in a full stop (stop 32, second pass)
    assert shown + caption_sentence(table.caption, lang) in paragraphs


def test_reading_warnings_reach_the_report(jinzhong: Any) -> None:
    """The implausible 5 % wheat moisture warning is shown under data quality."""
    assert any("moisture" in w for w in jinzhong.results["warnings"])


def test_letters_are_the_library_two_level_letters(rcbd: Any) -> None:
    """Lowercase/uppercase letters equal two_level_letters(test="tukey") at 0.05 and 0.01."""
    from yieldtrial.stats.model import fit
    from yieldtrial.stats.multiple_range import two_level_letters

    trial = _rcbd_trial()
    mm = fit(
        trial.yields(), response="yield_kg_ha", treatment="treatment", block="block", design="rcbd"
    ).means_model()
    expected = two_level_letters(mm, test="tukey").set_index("level")
    rows = {r["treatment"]: r for r in rcbd.section("means").blocks[0].rows}
    for level, row in expected.iterrows():
        assert rows[level]["letters"] == row["letters_05"]
        assert rows[level]["letters_upper"] == row["letters_01"]


def test_missing_plot_listed_with_reason(tmp_path: Any) -> None:
    """A plot without a harvest is counted, listed with the note column's reason, and dropped."""
    lines = example_path("replicated-rcbd").read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",note"]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[0] == "203":
            cells[6] = ""  # fresh_mass_kg empty: plot lost
            out.append(",".join(cells) + ",destroyed by hail")
        else:
            out.append(line + ",")
    plots = tmp_path / "plots.csv"
    plots.write_text("\n".join(out) + "\n", encoding="utf-8")
    report, _ = report_from_files(
        plots, example_path("replicated-rcbd", "trial.toml"), figures=False, report_date=DATE
    )
    md = report.to_markdown()
    assert "Plots expected / observed: 12 / 11." in md
    assert "203 (CK2): destroyed by hail" in md
    assert report.results["missing_plots"][0]["reason"] == "destroyed by hail"
    n = {r["treatment"]: r["n"] for r in report.results["means"]}
    assert n == {"CK1": 4, "CK2": 3, "T": 4}


def test_hsd_in_footer_equals_studentized_range(rcbd: Any) -> None:
    """Tukey HSD = q(0.95; 3, 6) x sqrt(MSE / r), r = 4 (balanced RCBD)."""
    from scipy import stats

    a = rcbd.results["anova"]
    q = stats.studentized_range.ppf(0.95, 3, a["df_error"])
    assert a["hsd"] == pytest.approx(q * np.sqrt(a["mse"] / 4), rel=1e-9)


def test_chinese_anova_has_critical_f(rcbd_zh: Any) -> None:
    """The Chinese ANOVA shows F0.05 and F0.01 (scipy f.ppf on the treatment and error df)."""
    from scipy import stats

    table = rcbd_zh.section("anova").blocks[0]
    assert [c.label for c in table.columns][5:7] == ["F0.05", "F0.01"]
    treatment = table.rows[1]
    assert treatment["f_05"] == pytest.approx(stats.f.ppf(0.95, 2, 6))
    assert treatment["f_01"] == pytest.approx(stats.f.ppf(0.99, 2, 6))


def test_by_block_table_means_are_plot_means(rcbd_zh: Any) -> None:
    """The treatment x block table's mean is the plain mean of the four plots (kg/mu)."""
    table = next(b for b in rcbd_zh.section("plots").blocks if b.key == "plots_by_block")
    plots = pd.DataFrame(rcbd_zh.results["plots"])
    for row in table.rows:
        expected = plots.loc[plots["treatment"] == row["treatment"], "yield_kg_mu"].mean()
        assert row["mean"] == pytest.approx(expected)


def test_html_escapes_user_text() -> None:
    """Text from trial.toml is escaped in HTML (no markup injection)."""
    trial = _rcbd_trial()
    cfg = TrialConfig(title="<script>alert(1)</script>", notes="a < b & c")
    html = build_report(trial, cfg, figures=False, report_date=DATE).to_html()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a &lt; b &amp; c" in html


def test_efficiency_hook_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    """With rates in trial.toml the section shows efficiency_trial.report_table's table."""
    import yieldtrial.report.sections.statistics as statistics

    def report_table(
        trial: Any, config: Any, *, unit: str, lang: str, means: Any, confidence: float
    ) -> Any:
        return pd.DataFrame({"treatment": ["CK1"], "PFP": [58.9]})

    monkeypatch.setattr(statistics, "report_table", report_table)
    cfg = TrialConfig.from_text('[[treatments]]\nlabel = "CK1"\nrate = 50\nrate_unit = "kg/mu"\n')
    report = build_report(_rcbd_trial(), cfg, figures=False, report_date=DATE)
    section = report.section("efficiency")
    assert _table(section, "efficiency").rows == [{"treatment": "CK1", "PFP": 58.9}]
    assert report.results["efficiency"] == [{"treatment": "CK1", "PFP": 58.9}]


# --------------------------------------------------------------------------- other designs
# Published cases in tests/data/reference/ (copied from the shared reference data).


def _rocket_trial() -> Any:
    """Montgomery's rocket-propellant Latin square (Table 4.9): batches = rows, operators = cols."""
    from yieldtrial import FieldTrial

    case = load_case("montgomery_rocket_latin")
    df = pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])
    df = df.rename(
        columns={
            "batch": "row",
            "operator": "column",
            "formulation": "treatment",
            "y": "yield_kg_ha",
        }
    )
    df["plot_id"] = [str(i + 1) for i in range(len(df))]
    return FieldTrial.from_dataframe(df, crop="wheat", design="latin", control="A")


def _oats_frame() -> pd.DataFrame:
    """Yates' oats split plot: varieties (gen) on whole plots, nitrogen = treatment on sub-plots."""
    case = load_case("yates_oats_splitplot")
    df = pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])
    df["plot_id"] = [str(i + 1) for i in range(len(df))]
    return df.rename(columns={"nitro": "treatment", "yield": "yield_kg_ha"})


def _oats_trial() -> Any:
    from yieldtrial import FieldTrial

    return FieldTrial.from_dataframe(
        _oats_frame(), crop="wheat", control="0", design="split_plot", factors=("gen",)
    )


def _battery_trial() -> Any:
    """Montgomery's battery factorial (Example 5.1): material x temperature, CRD, 4 per cell."""
    from yieldtrial import FieldTrial

    cells = load_case("montgomery_battery_factorial")["data"]["cells"]
    rows = [
        {"material": key.split("|")[0], "temperature": key.split("|")[1], "yield_kg_ha": v}
        for key, values in cells.items()
        for v in values
    ]
    df = pd.DataFrame(rows)
    df["plot_id"] = [str(i + 1) for i in range(len(df))]
    df["treatment"] = df["material"] + "|" + df["temperature"]
    return FieldTrial.from_dataframe(
        df, crop="wheat", design="factorial", factors=("material", "temperature")
    )


def _rice_strip_trial() -> Any:
    """Gomez & Gomez (1984) rice strip plot (Table 3.11): varieties x nitrogen strips."""
    from yieldtrial import FieldTrial

    case = load_case("gomez_stripplot_rice")
    df = pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])
    df = df.rename(columns={"rep": "block", "nitro": "treatment", "yield": "yield_kg_ha"})
    df["plot_id"] = [str(i + 1) for i in range(len(df))]
    return FieldTrial.from_dataframe(
        df, crop="rice_indica", control="0", design="strip_plot", factors=("gen",)
    )


_DESIGN_TRIALS = {
    "latin": _rocket_trial,
    "split_plot": _oats_trial,
    "strip_plot": _rice_strip_trial,
    "factorial": _battery_trial,
}


@pytest.fixture(scope="module")
def design_reports() -> dict[str, Any]:
    """Build the reports (en, no figures) of the Latin-square, split-plot and factorial trials."""
    return {
        name: build_report(make(), figures=False, report_date=DATE)
        for name, make in _DESIGN_TRIALS.items()
    }


@pytest.mark.parametrize("design", list(_DESIGN_TRIALS))
def test_design_report_renders_and_json_anova_is_trial_anova(
    design: str, design_reports: dict[str, Any]
) -> None:
    """Latin, split-plot and factorial reports render; the JSON ANOVA is trial.anova().table."""
    report = design_reports[design]
    assert "<html" in report.to_html()
    assert "## Analysis of variance" in report.to_markdown()
    doc = json.loads(report.to_json())
    expected = _DESIGN_TRIALS[design]().anova().table
    got = pd.DataFrame(doc["results"]["anova"]["table"])
    assert list(got["source"]) == [str(v) for v in expected["source"]]
    np.testing.assert_allclose(got["sum_sq"], expected["sum_sq"], rtol=1e-12)
    np.testing.assert_allclose(got["df"], expected["df"], rtol=0)


def test_latin_report_anova_matches_montgomery(design_reports: dict[str, Any]) -> None:
    """The Latin-square report's ANOVA has rows, columns and 12 error df (Montgomery Table 4.10)."""
    table = pd.DataFrame(design_reports["latin"].results["anova"]["table"]).set_index("source")
    # Montgomery, Design and Analysis of Experiments, Table 4.10: SS 330 / 68 / 150 / 128
    assert table.loc["treatment", "sum_sq"] == pytest.approx(330.0)
    assert table.loc["row", "sum_sq"] == pytest.approx(68.0)
    assert table.loc["column", "sum_sq"] == pytest.approx(150.0)
    assert table.loc["residual", "df"] == 12


def test_latin_report_dunnett_uses_latin_error_df(design_reports: dict[str, Any]) -> None:
    """Dunnett vs formulation A is on the Latin-square error (12 df, Montgomery Table 4.10)."""
    comparisons = pd.DataFrame(design_reports["latin"].results["control_comparisons"])
    assert set(comparisons["df"]) == {12.0}  # 25 plots - 1 - 3 x 4 (rows, columns, trt) = 12


def test_split_plot_anova_table_shows_strata_and_error_terms(
    design_reports: dict[str, Any],
) -> None:
    """The split-plot ANOVA table has stratum and tested-against columns and the SED table."""
    anova = design_reports["split_plot"].section("anova")
    keys = [c.key for c in anova.blocks[0].columns]
    assert keys[0] == "stratum" and keys[-1] == "error_term"
    assert [b.key for b in anova.blocks] == ["anova", "sed"]
    # Venables & Ripley (2002) sec. 6.7: varieties tested against B:V (error a), F = 1.49
    gen = next(r for r in anova.blocks[0].rows if r["source"] == "gen")
    assert gen["error_term"] == "Error a"
    assert gen["f"] == pytest.approx(1.4853, abs=1e-4)


def test_split_plot_factor_means_use_their_own_error(design_reports: dict[str, Any]) -> None:
    """Whole-plot means carry error a (10 df), sub-plot means error b (45 df)."""
    means = {m["kind"]: m for m in design_reports["split_plot"].results["design_means"]}
    # Venables & Ripley (2002) sec. 6.7: B:V 10 df, within 45 df
    assert (means["gen"]["error_term"], means["gen"]["df"]) == ("error_a", 10.0)
    assert (means["treatment"]["error_term"], means["treatment"]["df"]) == ("error_b", 45.0)
    # Yates' variety means (reference notes): 104.50, 109.79, 97.625
    gen = {r["level"]: r["mean"] for r in means["gen"]["table"]}
    assert gen == pytest.approx(
        {"GoldenRain": 104.5, "Marvellous": 109.7917, "Victory": 97.625}, abs=1e-3
    )
    assert "cells" in means
    assert design_reports["split_plot"].has_section("design_means")


def test_split_plot_dunnett_on_sub_plot_error(design_reports: dict[str, Any]) -> None:
    """Nitrogen rates vs 0 are compared on error b (45 df), as trial.compare_to_control()."""
    got = pd.DataFrame(design_reports["split_plot"].results["control_comparisons"])
    expected = _oats_trial().compare_to_control(method="dunnett", confidence=0.95)
    assert set(got["df"]) == {45.0}  # Venables & Ripley sec. 6.7: within stratum 45 df
    np.testing.assert_allclose(got["p_value_adjusted"], expected["p_value_adjusted"], rtol=1e-9)


def test_split_plot_has_no_treatment_by_block_table(design_reports: dict[str, Any]) -> None:
    """Sub-plot treatments have three plots per block: no treatment x block table."""
    keys = [b.key for b in design_reports["split_plot"].section("plots").blocks]
    assert "plots_by_block" not in keys


def test_factorial_control_on_a_factor(tmp_path: Any) -> None:
    """A control given as a level of one factor runs Dunnett on that factor's means."""
    report = build_report(
        _battery_trial(), TrialConfig(control=("15",)), figures=False, report_date=DATE
    )
    assert report.results["means_factor"] == "temperature"
    got = pd.DataFrame(report.results["control_comparisons"])
    assert set(got["control"]) == {"15"}
    assert set(got["df"]) == {27.0}  # Montgomery Table 5.5: error 27 df
    md = report.to_markdown()
    assert "| temperature |" in md  # the means table is headed by the factor


def test_factorial_report_says_interaction_is_significant(design_reports: dict[str, Any]) -> None:
    """Montgomery's battery A x B interaction (P = 0.0186) is flagged in the conclusions."""
    items = design_reports["factorial"].results["conclusions"]
    assert any("material x temperature: significant" in item for item in items)
    assert any("simple effects" in item for item in items)


@pytest.mark.parametrize("design", list(_DESIGN_TRIALS))
def test_design_report_in_chinese(design: str) -> None:
    """Chinese reports of the other designs render with translated strata and sections."""
    report = build_report(_DESIGN_TRIALS[design](), lang="zh", figures=False, report_date=DATE)
    md = report.to_markdown()
    assert "方差分析" in md
    if design == "split_plot":
        assert "误差 a" in md and "主区" in md
    if design == "strip_plot":  # three errors; SED kinds translated
        assert "误差 c" in md and "同一横向水平下两纵向均值" in md


def test_by_block_mean_is_labelled_raw_with_missing_plot(tmp_path: Any) -> None:
    """With a missing plot the treatment x block mean is labelled raw and explained."""
    trial = _rcbd_trial()
    plots = trial.plots.copy()
    plots.loc[plots.index[0], "fresh_mass_kg"] = np.nan
    report = build_report(trial.replace(plots=plots), figures=False, report_date=DATE)
    table = _table(report.section("plots"), "plots_by_block")
    assert next(c.label for c in table.columns if c.key == "mean") == "Raw plot mean"
    assert any("LS-mean" in note for note in table.notes)


def test_efficiency_data_error_surfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    """A DataValidationError of the efficiency table reaches the caller (no silent drop)."""
    import yieldtrial.report.sections.statistics as statistics

    def report_table(trial: Any, config: Any, **options: Any) -> Any:
        raise DataValidationError("fertilizer 'urea' of CK1: rate_unit 'bags' is unknown")

    monkeypatch.setattr(statistics, "report_table", report_table)
    cfg = TrialConfig.from_text('[[treatments]]\nlabel = "CK1"\nrate = 50\nrate_unit = "kg/mu"\n')
    with pytest.raises(DataValidationError, match="rate_unit 'bags'"):
        build_report(_rcbd_trial(), cfg, figures=False, report_date=DATE)


def test_efficiency_bug_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """A programming error in the efficiency hook is raised, not swallowed by the report."""
    import yieldtrial.report.sections.statistics as statistics

    def report_table(trial: Any, config: Any, **options: Any) -> Any:
        raise AttributeError("report_table bug")

    monkeypatch.setattr(statistics, "report_table", report_table)
    cfg = TrialConfig.from_text('[[treatments]]\nlabel = "CK1"\nrate = 50\nrate_unit = "kg/mu"\n')
    with pytest.raises(AttributeError, match="report_table bug"):
        build_report(_rcbd_trial(), cfg, figures=False, report_date=DATE)


# --------------------------------------------------------------------------- harvest formula
# Plot tables with the harvest factors of yieldtrial.harvest.standardized_mass_kg.


def _harvest_trial(crop: str = "maize", **columns: list[float]) -> Any:
    """Two treatments x 2 blocks with the given extra harvest columns."""
    from yieldtrial import FieldTrial

    frame = pd.DataFrame(
        {
            "plot_id": ["1", "2", "3", "4"],
            "block": ["1", "1", "2", "2"],
            "treatment": ["CK", "A", "CK", "A"],
            "harvested_area_m2": [13.34, 13.34, 13.3, 13.34],
            "fresh_mass_kg": [18.48, 19.36, 18.08, 18.69],
            "moisture_pct": [26.4, 25.1, 27.5, 29.3],
            **columns,
        }
    )
    return FieldTrial.from_dataframe(frame, crop=crop, control="CK")


def _methods_text(report: Any) -> str:
    return " ".join(b.text for b in report.section("methods").blocks)


@pytest.fixture(scope="module")
def ear_reports() -> dict[str, Any]:
    """Build the reports (en, zh) of a maize trial weighed as ears, with shelling %."""
    trial = _harvest_trial(shelling_pct=[85.1, 82.0, 84.0, 85.2])
    return {
        lang: build_report(trial, lang=lang, figures=False, report_date=DATE)
        for lang in ("en", "zh")
    }


def test_ear_harvest_formula_names_shelling(ear_reports: dict[str, Any]) -> None:
    """Maize weighed as ears: the formula has P/100 with its range, no impurity term."""
    text = _methods_text(ear_reports["en"])
    # maize standard 14 % (cn-yield-test); shelling range of the plots 82.0-85.2 %
    assert "Plot yield (kg/ha) = W x P/100 x (100 - M)/(100 - 14) / S x 10000" in text
    assert "W is the fresh ear mass (kg)" in text
    assert "P the shelling percentage, grain mass / ear mass (here 82.0–85.2 %)" in text
    assert "impurity" not in text.lower() and "1 mu" not in text  # kg/ha: no mu note
    zh = _methods_text(ear_reports["zh"])
    assert "W × P ÷ 100 × (100 − M) ÷ (100 − 14) ÷ S × 10000" in zh
    assert "W 为鲜穗重（kg）" in zh and "P 为出籽率（籽粒重 ÷ 鲜穗重，本试验 82.0–85.2%）" in zh
    assert "杂质率" not in zh
    assert "1 亩 = 10000/15 ≈ 666.67 m²，15 亩 = 1 公顷" in zh  # zh default unit kg/mu


def test_ear_harvest_plot_table_reproduces_yields(ear_reports: dict[str, Any]) -> None:
    """Ear mass and shelling columns are shown; the printed cells give the printed yields."""
    table = _table(ear_reports["en"].section("plots"), "plots")
    labels = {c.key: c.label for c in table.columns}
    assert labels["fresh_mass_kg"] == "Ear mass (kg)"
    assert labels["shelling_pct"] == "Shelling (%)"
    assert _table(ear_reports["zh"].section("plots"), "plots").columns[4].label == "鲜穗重（kg）"
    keys = [c.key for c in table.columns]
    for cells in table.formatted():
        row = dict(zip(keys, cells, strict=True))
        w, p = float(row["fresh_mass_kg"]), float(row["shelling_pct"])
        m, area = float(row["moisture_pct"]), float(row["harvested_area_m2"])
        # hand formula (harvest.py Notes): W x P/100 x (100 - M)/(100 - 14) / S x 10000
        expected = w * p / 100 * (100 - m) / (100 - 14) / area * 10000
        assert float(row["yield_kg_ha"].replace(",", "")) == pytest.approx(expected, abs=0.05)


def test_plot_area_keeps_input_decimals(ear_reports: dict[str, Any]) -> None:
    """13.34 m² is printed 13.34 (not 13.3): the yields can be recomputed from the table."""
    table = _table(ear_reports["en"].section("plots"), "plots")
    area = next(c for c in table.columns if c.key == "harvested_area_m2")
    assert area.digits == 2  # 13.34 has two decimals
    assert table.formatted()[0][3] == "13.34" and table.formatted()[2][3] == "13.30"


def test_rice_formula_has_impurity_and_empty_grain() -> None:
    """Rice with impurity and empty grain: both factors, with ranges, and both columns."""
    trial = _harvest_trial(
        crop="rice_indica",
        impurity_pct=[1.0, 1.5, 2.0, 1.2],
        empty_grain_pct=[3.0, 4.5, 3.2, 3.9],
    )
    report = build_report(trial, figures=False, report_date=DATE)
    text = _methods_text(report)
    std = f"{trial.standard_moisture_pct:g}"
    assert f"W x (1 - I/100) x (1 - E/100) x (100 - M)/(100 - {std}) / S" in text
    assert "I the impurity (here 1.0–2.0 %)" in text
    assert "E the empty and shrivelled grain (here 3.0–4.5 %)" in text
    assert "W is the fresh grain mass (kg)" in text and "P/100" not in text
    labels = {c.key: c.label for c in _table(report.section("plots"), "plots").columns}
    assert labels["empty_grain_pct"] == "Empty grain (%)" and labels["impurity_pct"] == (
        "Impurity (%)"
    )


def test_threshed_grain_formula_has_moisture_factor_only() -> None:
    """Threshed grain without impurity: W x moisture factor / S, nothing else."""
    report = build_report(_harvest_trial(), figures=False, report_date=DATE)
    text = _methods_text(report)
    # maize standard 14 % (cn-yield-test), dry-matter factor (100 - M)/(100 - 14)
    assert "Plot yield (kg/ha) = W x (100 - M)/(100 - 14) / S x 10000, where W is the " in text
    assert "fresh grain mass" in text and "impurity" not in text.lower()


def test_percentage_point_formula_is_stated(rcbd: Any) -> None:
    """The method's own factor is printed (percentage point: 1 + (Ms - M)/100), with impurity."""
    trial = _rcbd_trial().replace(moisture_method="percentage_point")
    text = _methods_text(build_report(trial, figures=False, report_date=DATE))
    # rcbd example: impurity 0.6-1.9 % in its plots.csv, wheat at 13 %
    assert "= W x (1 - I/100) x (1 + (13 - M)/100) / S x 10000" in text
    assert "I the impurity (here 0.6–1.9 %)" in text


def test_us_units_note_and_input_columns() -> None:
    """Input in lb and acres, bu/ac display: exact conversions and the input columns shown."""
    from yieldtrial import FieldTrial

    frame = pd.DataFrame(
        {
            "plot_id": ["101", "102", "201", "202"],
            "block": ["1", "1", "2", "2"],
            "treatment": ["Check", "P1197", "Check", "P1197"],
            "harvested_area_acre": [0.01, 0.01, 0.01, 0.01],
            "fresh_mass_lb": [126.0, 134.7, 129.5, 131.4],
            "moisture_pct": [19.6, 16.5, 17.6, 18.4],
        }
    )
    trial = FieldTrial.from_dataframe(frame, crop="corn", protocol="usda", control="Check")
    report = build_report(trial, unit="bu/ac", figures=False, report_date=DATE)
    text = _methods_text(report)
    # domain-standards section 3: 56 lb/bu maize, 1 lb = 0.45359237 kg, 1 acre = 4046.8564224 m2
    assert (
        "(1 bushel of maize = 56 lb at 15.5 % moisture; 1 lb = 0.45359237 kg; "
        "1 acre = 4046.8564224 m²)" in text
    )
    assert "Input columns in acre, lb were converted to m² and kg" in text
    assert not re.search(r"\bmu\b", text)  # no mu note in a US report
    table = _table(report.section("plots"), "plots")
    labels = {c.key: c.label for c in table.columns}
    assert labels["harvested_area_acre"] == "Area (acre)"
    assert labels["fresh_mass_lb"] == "Fresh mass (lb)"
    row = dict(zip([c.key for c in table.columns], table.formatted()[1], strict=True))
    assert (row["harvested_area_acre"], row["fresh_mass_lb"]) == ("0.01", "134.7")  # as given
    # hand: 134.7 lb x 83.5/84.5 / 0.01 ac / 56 lb/bu = 237.69 bu/ac
    assert row["yield_bu_ac"] == f"{134.7 * 83.5 / 84.5 / 0.01 / 56:.2f}"
    header = dict(report.section("header").blocks[0].items)
    assert header["Harvested plot area (net)"] == "0.01 acre (40.47 m²)"  # 0.01 x 4046.856


def test_zh_methods_cite_the_usda_moisture_source_in_chinese() -> None:
    """A zh report of oats under the USDA protocol cites croptechcafe.org with a zh description."""
    from yieldtrial import FieldTrial

    frame = pd.DataFrame(
        {
            "plot_id": ["101", "102", "201", "202"],
            "block": ["1", "1", "2", "2"],
            "treatment": ["Check", "A", "Check", "A"],
            "harvested_area_m2": [10.0] * 4,
            "fresh_mass_kg": [5.0, 5.4, 5.1, 5.3],
            "moisture_pct": [16.6, 16.5, 17.6, 18.4],
        }
    )
    trial = FieldTrial.from_dataframe(frame, crop="oats", protocol="usda", control="Check")
    report = build_report(trial, lang="zh", figures=False, report_date=DATE)
    text = _methods_text(report)
    # protocols._SOURCE_ZH (domain-standards §2.2 note 7: oats 32 lb at 14 %), URL left out
    assert "出处：croptechcafe.org：燕麦每蒲式耳 32 磅，按含水量 14% 计）" in text
    assert "oats 32 lb/bu" not in text


def test_given_yields_are_stated_as_given(design_reports: dict[str, Any]) -> None:
    """A table of yields (no harvest columns) says the yields were used as given."""
    text = _methods_text(design_reports["latin"])
    assert "Plot yields were read as given in the input column yield_kg_ha (kg/ha)" in text
    assert "W x" not in text


def test_single_observed_plot_keeps_full_statistics(tmp_path: Any) -> None:
    """RCBD whose one treatment has 1 observed plot: ANOVA, LS-mean and Dunnett P are reported."""
    import statsmodels.formula.api as smf

    trial = _rcbd_trial()
    plots = trial.plots.copy()
    level = "T"
    only = plots["treatment"].astype(str) == level
    blank = plots.index[only][1:]  # keep the first plot of T only
    plots.loc[blank, "fresh_mass_kg"] = np.nan
    trial = trial.replace(plots=plots)
    report = build_report(trial, figures=False, report_date=DATE)
    assert report.has_section("anova")
    means = {m["treatment"]: m for m in report.results["means"]}
    data = trial.yields().dropna(subset=["yield_kg_ha"])
    data = data.assign(treatment=data["treatment"].astype(str), block=data["block"].astype(str))
    fit = smf.ols("yield_kg_ha ~ C(treatment, Sum) + C(block, Sum)", data=data).fit()
    # independent: statsmodels LS-mean of the level = prediction averaged over the blocks
    grid = pd.DataFrame({"treatment": level, "block": sorted(data["block"].unique())})
    assert means[level]["n"] == 1
    assert means[level]["mean"] == pytest.approx(float(fit.predict(grid).mean()), rel=1e-9)
    comp = [c for c in report.results["control_comparisons"] if c["treatment"] == level]
    assert comp and all(np.isfinite(c["p_value_adjusted"]) for c in comp)


def test_input_in_mu_shown_and_conversion_stated_once(jinzhong: Any) -> None:
    """Jinzhong areas given in mu: header 1 mu (666.67 m²); the mu conversion is said once."""
    text = _methods_text(jinzhong)
    assert text.count("1 mu = 10000/15 ≈ 666.67 m²") == 1  # 10000/15 = 666.666... m2
    assert "Input columns in mu were converted to m² and kg (as above)" in text
    header = dict(jinzhong.section("header").blocks[0].items)
    assert header["Harvested plot area (net)"] == "1 mu (666.67 m²)"


def test_methods_say_when_the_design_was_detected_from_the_layout() -> None:
    """A Latin-square field book read without a declared design: the methods paragraph says so."""
    import numpy as np

    from yieldtrial import FieldTrial
    from yieldtrial.design import latin_square
    from yieldtrial.report import build_report

    book = latin_square(["A", "B", "C", "D"], seed=2)
    n = len(book)
    filled = book.assign(
        harvested_area_m2=20.0,
        fresh_mass_kg=10.0 + (np.arange(n) * 7 % 5) * 0.3,
        moisture_pct=13.0,
        impurity_pct=1.0,
    )
    trial = FieldTrial.from_dataframe(filled, crop="wheat", control="A")
    text = build_report(trial, figures=False).to_markdown()
    assert "detected from the plot layout" in text
    declared = FieldTrial.from_dataframe(filled, crop="wheat", control="A", design="latin")
    assert (
        "detected from the plot layout" not in build_report(declared, figures=False).to_markdown()
    )


def test_noninferiority_table_shows_the_verdicts_bound() -> None:
    """The NI table's bound is noninferiority_ci_low_pct and agrees with every verdict."""
    cfg = TrialConfig.from_file(example_path("replicated-rcbd", "trial.toml"))
    report, _ = report_from_files(
        example_path("replicated-rcbd"), cfg.override(), figures=False, report_date=DATE
    )
    table = _table(report.section("noninferiority"), "noninferiority")
    # expected values: the library's own NI bound (compare_to_control, same settings)
    expected = _rcbd_trial().compare_to_control(margin_pct=cfg.margin_pct)
    assert [r["ni_bound_pct"] for r in table.rows] == expected["noninferiority_ci_low_pct"].tolist()
    yes = STRINGS["ni.yes"]["en"]
    for row in table.rows:
        assert (row["verdict"] == yes) == (row["ni_bound_pct"] > row["margin_pct"])
    assert any("agrees with the verdict" in note for note in table.notes)


def test_build_report_lists_treatments_in_the_described_order() -> None:
    """build_report(trial, config): [[treatments]] order the report as report_from_files does."""
    import dataclasses

    from yieldtrial.config import TreatmentInfo
    from yieldtrial.datasets import load_example
    from yieldtrial.report.build import build_report

    trial = load_example("replicated-rcbd")
    cfg = TrialConfig(treatments=(TreatmentInfo(label="T"), TreatmentInfo(label="CK2")))
    cfg = dataclasses.replace(cfg, control=("CK1",))
    report = build_report(trial, cfg, figures=False)
    rows = report.section("means").blocks[0].rows
    assert [row["treatment"] for row in rows] == ["T", "CK2", "CK1"]
