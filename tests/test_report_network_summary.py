"""The network report of issue 14: Chinese regional-trial and English multi-site layouts."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldtrial.cli import main
from yieldtrial.datasets import example_path


@pytest.fixture(scope="module")
def farms_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy the shipped synthetic 60-farm network (one strip per treatment and farm)."""
    path = tmp_path_factory.mktemp("farms") / "farms.csv"
    shutil.copy(example_path("farm-network"), path)
    return path


@pytest.fixture(scope="module")
def farms_result(farms_csv):
    from yieldtrial.network import analyze_many

    return analyze_many(
        pd.read_csv(farms_csv),
        by="site",
        response="yield_kg_mu",
        treatment="treatment",
        control="CK1",
        design="crd",
        margin_pct=5.0,
    )


def test_cli_zh_docx_has_the_regional_trial_layout(farms_csv, tmp_path):
    """`yieldtrial network farms.csv --control CK1 --lang zh -o n.docx` (no --by: site)."""
    docx = pytest.importorskip("docx")
    out = tmp_path / "n.docx"
    assert (
        main(["network", str(farms_csv), "--control", "CK1", "--lang", "zh", "-o", str(out)]) == 0
    )
    document = docx.Document(io.BytesIO(out.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    # DOCX wraps long headers: compare without white space
    cells = "".join(
        "".join(c.text for t in document.tables for row in t.rows for c in row.cells).split()
    )
    for word in ("比CK±%", "位次", "增产点率%", "高稳系数HSC%", "DunnettP值"):
        assert word in cells, word
    for heading in ("稳定性与适应性分析", "结论", "各处理与对照的多点汇总比较"):
        assert heading in text, heading


def test_cli_english_markdown_sections_and_hedges(farms_csv, tmp_path):
    """The English report has the summary, response, stability, conclusions and methods."""
    out = tmp_path / "n.md"
    assert (
        main(["network", str(farms_csv), "--control", "CK1", "--margin-pct", "5", "-o", str(out)])
        == 0
    )
    text = out.read_text(encoding="utf-8")
    for heading in (
        "## Treatments against the check across sites",
        "## Response to the site's yield level",
        "## Stability and adaptation",
        "## Conclusions",
        "## Methods",
    ):
        assert heading in text, heading
    # hedges: unreplicated sites, the NY/T rule not applied, representativeness
    assert "The sites are unreplicated" in text
    assert "needs replicated sites and was not applied" in text
    assert "say nothing about sites unlike them" in text
    assert "non-inferior to CK1 within 5 %" in text
    assert "Stability computed on the 58 sites" in text  # the two incomplete farms left out


def test_summary_table_equals_the_across_site_numbers(farms_result):
    """Row values of the summary table are the summary's numbers; rank 1 = highest mean."""
    from yieldtrial.report.model import Table
    from yieldtrial.report.network import network_report

    report = network_report(farms_result, report_date="2024-01-01")
    table = next(b for b in report.section("summary").blocks if isinstance(b, Table))
    rows = {r["treatment"].split(" ")[0]: r for r in table.rows}
    tr = farms_result.summary.treatments.set_index("treatment")
    for name in ("CK2", "T"):
        assert rows[name]["difference"] == pytest.approx(tr.loc[name, "difference"])
        assert rows[name]["ci_low"] == pytest.approx(tr.loc[name, "ci_low"])
        assert rows[name]["win_low"] == pytest.approx(tr.loc[name, "win_rate_ci_low_pct"])
        assert rows[name]["vs_check_pct"] == pytest.approx(tr.loc[name, "pct_of_check"] - 100)
    # hand: means T 453.5 > CK1 445.9 > CK2 434.1
    assert [rows[n]["rank"] for n in ("T", "CK1", "CK2")] == [1, 2, 3]


def test_many_sites_get_one_row_per_site(farms_result):
    """Beyond WIDE_SITES sites the yield table has one row per site, not 60 columns."""
    from yieldtrial.report.model import Table
    from yieldtrial.report.network import WIDE_SITES, network_report

    report = network_report(farms_result, report_date="2024-01-01")
    table = next(b for b in report.section("treatments").blocks if isinstance(b, Table))
    assert len(farms_result.summary.means) > WIDE_SITES
    assert table.key == "site_means" and len(table.rows) == 60
    first = table.rows[0]
    means = farms_result.summary.means
    # the % column is (T - CK1) / CK1 at that farm
    expected = 100 * (means.iloc[0]["T"] - means.iloc[0]["CK1"]) / means.iloc[0]["CK1"]
    assert first["pct:T"] == pytest.approx(expected)


def test_many_sites_percent_columns_are_one_group(farms_result):
    """'vs check %' heads one group of columns named by treatment, not every column.

    Eight varieties at 30 sites printed seven wide 'V1 vs check %' headers that squeezed
    the LS-means apart from their letters on A4.
    """
    from yieldtrial.report.model import Table
    from yieldtrial.report.network import network_report

    report = network_report(farms_result, report_date="2024-01-01")
    table = next(b for b in report.section("treatments").blocks if isinstance(b, Table))
    pct = [c for c in table.columns if c.key.startswith("pct:")]
    assert [c.label for c in pct] == ["CK2", "T"]
    assert {c.group for c in pct} == {"vs check %"}
    # a farm without a CK2 strip: no mean (shown as a dash like its % cell), not ""
    means = farms_result.summary.means
    missing = [str(s) for s in means.index[means["CK2"].isna()]]
    assert missing
    from yieldtrial.report.model import REPORT_NUMBER_STYLE

    at = [r["site"] for r in table.rows].index(missing[0])
    shown = table.formatted(REPORT_NUMBER_STYLE)[at]
    cells = dict(zip([c.key for c in table.columns], shown, strict=True))
    assert cells["trt:CK2"] == cells["pct:CK2"] == "–"


def test_json_and_xlsx_outputs(farms_csv, tmp_path):
    """JSON carries the stability and response tables; XLSX is written by the report engine."""
    pytest.importorskip("openpyxl")
    js, xl = tmp_path / "n.json", tmp_path / "n.xlsx"
    assert main(["network", str(farms_csv), "--control", "CK1", "-o", str(js)]) == 0
    assert main(["network", str(farms_csv), "--control", "CK1", "--lang", "zh", "-o", str(xl)]) == 0
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert {"stability", "environment_response", "summary"} <= set(doc)
    assert doc["stability"]["table"][0]["treatment"] == "CK1"
    import openpyxl

    book = openpyxl.load_workbook(xl)
    assert len(book.sheetnames) >= 4


def test_no_stability_flag(farms_csv, tmp_path):
    """--no-stability leaves the stability section out."""
    out = tmp_path / "n.md"
    argv = ["network", str(farms_csv), "--control", "CK1", "--no-stability", "-o", str(out)]
    assert main(argv) == 0
    assert "## Stability and adaptation" not in out.read_text(encoding="utf-8")


def test_replicated_network_states_the_two_thirds_rule(tmp_path):
    """Replicated sites: the conclusions state the NY/T 1536-style verdict with its counts."""
    rng = np.random.default_rng(5)
    rows = [
        (f"s{s}", f"B{b}", t, 500.0 + 20 * b + (60.0 if t == "N" else 0.0) + rng.normal(0, 5))
        for s in range(4)
        for b in range(4)
        for t in ("CK", "N")
    ]
    path = tmp_path / "rep.csv"
    pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"]).to_csv(
        path, index=False
    )
    out = tmp_path / "rep.md"
    assert main(["network", str(path), "--control", "CK", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "significant gain at 4 of 4 replicated sites" in text
    assert "(NY/T 1536-style) is met" in text


def test_many_replicated_sites_missing_mean_is_a_dash():
    """With letters the site means are text; a site lacking a treatment showed an empty cell.

    13 RCBD sites (more than WIDE_SITES = 12), CK/A/B in 2 blocks, site S00 without B.
    """
    from yieldtrial.network import analyze_many
    from yieldtrial.report.model import REPORT_NUMBER_STYLE, Table
    from yieldtrial.report.network import network_report

    rng = np.random.default_rng(5)
    rows = [
        (f"S{j:02d}", b, t, 500.0 + 10 * i + rng.normal(0, 5))
        for j in range(13)
        for b in (1, 2)
        for i, t in enumerate(("CK", "A", "B"))
        if not (j == 0 and t == "B")
    ]
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "y"])
    res = analyze_many(
        plots, by="site", response="y", treatment="treatment", block="block", control="CK",
        dunnett_pvalues="none",
    )  # fmt: skip
    report = network_report(res, report_date="2024-01-01")
    table = next(b for b in report.section("treatments").blocks if isinstance(b, Table))
    shown = table.formatted(REPORT_NUMBER_STYLE)[0]
    cells = dict(zip([c.key for c in table.columns], shown, strict=True))
    assert cells["trt:B"] == cells["pct:B"] == "–"
    assert cells["trt:A"].endswith(" a")  # LS-mean with its within-site letters


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_unreplicated_network_promises_no_site_test_or_letters(farms_result, lang):
    """60 farms, one strip per treatment: no site has an error, a Dunnett test or letters.

    The report said "LS-means and within-site Tukey letters" above a table without letters
    and "Dunnett's test against CK1 on the site's own error" in the methods.
    """
    from yieldtrial.report.model import Paragraph
    from yieldtrial.report.network import network_report

    report = network_report(farms_result, lang=lang, report_date="2024-01-01")
    note = next(b for b in report.section("treatments").blocks if isinstance(b, Paragraph))
    methods = report.section("methods").blocks[0]
    assert isinstance(methods, Paragraph)
    if lang == "en":
        assert "letters" in note.text and "no letters" in note.text
        assert "own error" not in methods.text and "without a within-site test" in methods.text
    else:
        assert "无多重比较字母" in note.text
        assert "自身误差" not in methods.text and "不作试点内检验" in methods.text


def test_replicated_network_keeps_the_site_test_wording(tmp_path):
    """Replicated sites still read 'within-site Tukey letters' and 'the site's own error'."""
    from yieldtrial.network import analyze_many
    from yieldtrial.report.model import Paragraph
    from yieldtrial.report.network import network_report

    rng = np.random.default_rng(3)
    rows = [
        (s, b, t, 500.0 + 20 * i + rng.normal(0, 5))
        for s in ("A", "B", "C")
        for b in (1, 2, 3)
        for i, t in enumerate(("CK", "N1"))
    ]
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "y"])
    res = analyze_many(
        plots, by="site", response="y", treatment="treatment", block="block", control="CK"
    )
    report = network_report(res, report_date="2024-01-01")
    note = next(b for b in report.section("treatments").blocks if isinstance(b, Paragraph))
    assert note.text == "Site columns: LS-mean and within-site Tukey letters."
    assert "on the site's own error" in report.section("methods").blocks[0].text


def test_slope_conclusions_are_hedged_for_the_number_of_slopes(farms_result):
    """One slope per treatment is tested: the conclusion gives Holm's P for the family.

    farm-network: CK2 and T against CK1, two slopes; T's P = 0.033 (docs/networks.md) is
    below 0.05, Holm's P = min(1, 2 x 0.033) = 0.066 is not (hand, Holm 1979), so the
    sentence says it may be chance instead of "it pays more on poorer fields".
    """
    from yieldtrial.report.model import Bullets
    from yieldtrial.report.network import network_report

    response = farms_result.environment_response().set_index("treatment")
    p = response["p_value"].to_dict()
    assert p["T"] < 0.05 < p["CK2"]
    holm_t = min(1.0, 2 * p["T"])  # T has the smaller P of the two
    report = network_report(farms_result, report_date="2024-01-01")
    bullets = next(b for b in report.section("conclusions").blocks if isinstance(b, Bullets))
    line = next(x for x in bullets.items if x.startswith("T's gain over CK1"))
    assert f"after Holm's adjustment for the 2 slopes tested (P = {holm_t:.3f})" in line
    assert "it may be chance" in line


def test_single_slope_conclusion_is_not_hedged():
    """One treatment against the check: one slope, nothing to adjust."""
    from yieldtrial.network import analyze_many
    from yieldtrial.report.model import Bullets
    from yieldtrial.report.network import network_report

    # gain = 40 - 0.1 x (site level - 400) exactly, plus a little noise: a clear slope
    rng = np.random.default_rng(2)
    rows = []
    for j in range(20):
        level = 300 + 10 * j
        rows += [(f"F{j}", "CK", level), (f"F{j}", "T", level + 40 - 0.1 * (level - 400))]
    plots = pd.DataFrame(rows, columns=["site", "treatment", "y"])
    plots["y"] += rng.normal(0, 1, len(plots))
    res = analyze_many(plots, by="site", response="y", treatment="treatment", control="CK",
                       design="crd")  # fmt: skip
    report = network_report(res, report_date="2024-01-01")
    bullets = next(b for b in report.section("conclusions").blocks if isinstance(b, Bullets))
    line = next(x for x in bullets.items if x.startswith("T's gain over CK"))
    assert line.endswith("it pays more on poorer fields.") and "Holm" not in line


def test_win_rate_has_the_same_decimals_in_every_table():
    """Layout G printed a win rate of 2 of 3 sites as 67, the table against the check 66.7."""
    from yieldtrial.network import analyze_many
    from yieldtrial.report.model import REPORT_NUMBER_STYLE, Table
    from yieldtrial.report.network import network_report

    rows = [  # hand: T above CK at S1 and S2, below at S3 -> 2/3 = 66.7 %
        # + 0.5 in one plot per site: exactly additive yields are an exact fit, refused
        (
            s,
            b,
            t,
            y + (5 if t == "T" else 0) * (1 if s != "S3" else -1) + b + 0.5 * ((b, t) == (2, "T")),
        )
        for s, y in (("S1", 100), ("S2", 110), ("S3", 120))
        for b in (1, 2)
        for t in ("CK", "T")
    ]
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "y"])
    res = analyze_many(plots, by="site", response="y", treatment="treatment", block="block",
                       control="CK", dunnett_pvalues="none")  # fmt: skip
    report = network_report(res, report_date="2024-01-01")
    shown = set()
    for section in ("treatments", "summary"):
        table = next(b for b in report.section(section).blocks if isinstance(b, Table))
        at = [c.key for c in table.columns].index("win_rate_pct")
        shown |= {row[at] for row in table.formatted(REPORT_NUMBER_STYLE)} - {"–", ""}
    assert shown == {"66.7"}


def test_win_rate_sentence_gives_its_interval_the_rates_decimals(farms_result):
    """The conclusion printed "win rate 62.5 %, 95 % CI 48-75 %"; the interval has one decimal.

    The numbers are the summary's (Wilson 1927 interval, ``win_rate_ci_*_pct``), to one
    decimal as the table against the check shows them.
    """
    import re

    from yieldtrial.report.model import Bullets
    from yieldtrial.report.network import network_report

    report = network_report(farms_result, report_date="2024-01-01")
    bullets = next(b for b in report.section("conclusions").blocks if isinstance(b, Bullets))
    line = next(x for x in bullets.items if x.startswith("T beat CK1"))
    found = re.search(r"win rate (\S+) %, 95 % CI (\S+)-(\S+) %\)", line)
    assert found is not None, line
    row = farms_result.summary.treatments.set_index("treatment").loc["T"]
    expected = [row["win_rate_pct"], row["win_rate_ci_low_pct"], row["win_rate_ci_high_pct"]]
    assert all(re.fullmatch(r"\d+\.\d", text) for text in found.groups())
    assert [float(text) for text in found.groups()] == pytest.approx(expected, abs=0.05)


@pytest.fixture(scope="module")
def two_checks(farms_csv):
    from yieldtrial.network import analyze_many

    return analyze_many(
        pd.read_csv(farms_csv),
        by="site",
        response="yield_kg_mu",
        treatment="treatment",
        control=["CK1", "CK2"],
        design="crd",
        margin_pct=5.0,
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_second_check_gets_its_comparisons_table(two_checks, lang):
    """Stop 41: with --control CK1,CK2 the report showed T against CK1 only.

    T - CK2 (the synergist effect of the farm network) is the row of summary.comparisons
    (compare_means_to_control, CK2's family {T}); the table prints its numbers rounded.
    """
    from yieldtrial.report.network import network_report

    report = network_report(two_checks, lang=lang)
    table = report.section("other_checks").blocks[0]
    expected = two_checks.summary.comparisons.set_index("control").loc["CK2"]
    assert [row["treatment"] for row in table.rows] == ["T"]
    row = table.rows[0]
    assert row["control"] == "CK2"
    assert row["difference"] == pytest.approx(expected["difference_kg_mu"], rel=1e-12)
    assert row["ci_low"] == pytest.approx(expected["ci_low_kg_mu"], rel=1e-12)
    assert row["p_dunnett"] == pytest.approx(expected["p_value_adjusted"], rel=1e-12)
    facts = dict(report.section("header").blocks[0].items)
    assert facts["Other checks" if lang == "en" else "其他对照"] == "CK2"


def test_one_check_has_no_other_checks_section(farms_result):
    """The section and the header fact appear only with a second check."""
    from yieldtrial.report.network import network_report

    report = network_report(farms_result, lang="en")
    assert "other_checks" not in [s.key for s in report.sections]
    assert "Other checks" not in dict(report.section("header").blocks[0].items)


def test_html_site_mean_and_its_letters_never_wrap_apart(tmp_path):
    """A site column's "5,972.6 a" is one nowrap span in the HTML report.

    The shipped site network printed its site means as "5,972.6" / "a" (Chromium, A4,
    stop 44's user pass) while the across-site column beside them had room to spare.
    """
    out = tmp_path / "summary.html"
    argv = ["network", str(example_path("site-network")), "--by", "site", "--control", "CK"]
    assert main([*argv, "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    table = html[html.index('id="table-layout_g"') :]
    table = table[: table.index("</table>")]
    cells = re.findall(r"<td[^>]*>([^<]*(?:<span[^>]*>[^<]*</span>)?)</td>", table)
    site_cells = [c for c in cells if re.search(r"\d [a-z]+(?:</span>)?$", c)]
    assert len(site_cells) == 12  # 3 treatments x 4 sites, each with its letters
    assert all(c.startswith('<span class="w">') for c in site_cells), site_cells
