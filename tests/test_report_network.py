"""The network report goes through the report engine (issue 10 item 4)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from yieldtrial.cli import main


@pytest.fixture(scope="module")
def network_csv(tmp_path_factory: pytest.TempPathFactory):
    """Three RCBD sites (CK, N1; 3 blocks), N1 = CK + 500 kg/ha by construction."""
    rng = np.random.default_rng(7)
    rows = [
        (site, block, trt, round(6000 + 200 * i + effect + rng.normal(0, 100), 1))
        for i, site in enumerate("ABC")
        for block in (1, 2, 3)
        for trt, effect in (("CK", 0.0), ("N1", 500.0))
    ]
    path = tmp_path_factory.mktemp("net") / "plots.csv"
    pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"]).to_csv(
        path, index=False
    )
    return path


@pytest.fixture(scope="module")
def result(network_csv):
    from yieldtrial.network import analyze_many

    plots = pd.read_csv(network_csv)
    return analyze_many(
        plots,
        by=["site"],
        response="yield_kg_ha",
        treatment="treatment",
        block="block",
        control="CK",
        dunnett_pvalues="none",
    )


def test_network_report_model_sections(result) -> None:
    """The network report is a Report with the layout-G, site-strip and combined tables."""
    from yieldtrial.report.model import Report, Table
    from yieldtrial.report.network import network_report

    report = network_report(result, report_date="2024-01-01")
    assert isinstance(report, Report)
    assert [s.key for s in report.sections][:4] == ["header", "treatments", "sites", "combined"]
    tables = [b for s in report.sections for b in s.blocks if isinstance(b, Table)]
    # issue 14: the comparison with the check and the response to the site level follow
    assert [t.key for t in tables] == [
        "layout_g",
        "sites",
        "combined",
        "across_sites",
        "environment_response",
    ]
    keys = [s.key for s in report.sections]
    assert keys[4:6] == ["summary", "response"] and "conclusions" in keys and "methods" in keys


def test_network_html_uses_the_report_template(result) -> None:
    """The HTML network report is the report engine's page (same stylesheet and table markup)."""
    from yieldtrial.report.network import render

    text = str(render(result, "html"))
    assert '<table class="data' in text and "<main>" in text
    assert '<span class="w">Across-site</span> mean' in text  # no break after its hyphen


def test_network_docx_output(network_csv, tmp_path) -> None:
    """`yieldtrial network -o net.docx` writes a Word file with the layout-G table."""
    docx = pytest.importorskip("docx")
    out = tmp_path / "net.docx"
    argv = ["network", str(network_csv), "--by", "site", "--control", "CK", "-o", str(out)]
    assert main(argv) == 0
    document = docx.Document(io.BytesIO(out.read_bytes()))
    headers = [[" ".join(c.text.split()) for c in t.rows[0].cells] for t in document.tables]
    assert any("Across-site mean (kg/ha)" in row for row in headers)


@pytest.mark.parametrize(
    ("sites", "lang", "shown"),
    [
        ("random", "en", "combined ANOVA (balanced); sites random"),
        ("fixed", "en", "combined ANOVA (balanced); sites fixed"),
        ("random", "zh", "；试点效应随机"),
    ],
)
def test_network_header_names_what_is_random(network_csv, sites, lang, shown) -> None:
    """The header's model line said a bare '; random' (random what?): it names the sites."""
    from yieldtrial.network import analyze_many
    from yieldtrial.report.model import KeyValues
    from yieldtrial.report.network import network_report

    plots = pd.read_csv(network_csv)
    res = analyze_many(
        plots, by="site", response="yield_kg_ha", treatment="treatment", block="block",
        control="CK", dunnett_pvalues="none", sites=sites,
    )  # fmt: skip
    report = network_report(res, lang=lang, report_date="2024-01-01")
    facts = dict(next(b for b in report.sections[0].blocks if isinstance(b, KeyValues)).items)
    model = facts["Across-site model" if lang == "en" else "汇总分析模型"]
    assert model.endswith(shown) if lang == "zh" else model == shown


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_network_title_with_control_characters(network_csv, tmp_path, capsys, suffix) -> None:
    """--title 'a<NUL><ESC>b' was lxml's 'All strings must be XML compatible' (exit 3) in XLSX."""
    pytest.importorskip("docx" if suffix == "docx" else "openpyxl")
    out = tmp_path / f"net.{suffix}"
    argv = ["network", str(network_csv), "--control", "CK", "--title", "a\x00\x1b\x07b", "-o"]
    assert main([*argv, str(out)]) == 0, capsys.readouterr().err
    assert out.is_file()


def test_network_report_title_is_cleaned(result) -> None:
    """The API cleans the title as the trial report does (control characters removed)."""
    from yieldtrial.report.network import network_report

    assert network_report(result, title="a\x00b\x7f ").title == "ab"


@pytest.mark.parametrize(
    ("lang", "mean", "difference", "gain"),
    [
        (
            "en",
            "Across-site mean (kg/ha)",
            "Difference (kg/ha)",
            "Gain at the poorest site (kg/ha)",
        ),
        ("zh", "平均产量（kg/公顷）", "与对照差值（kg/公顷）", "最低产点增产量（kg/公顷）"),
    ],
)
def test_network_yield_columns_name_their_unit(result, lang, mean, difference, gain) -> None:
    """Yield-valued headers carry the response's unit (yield_kg_ha), as single-trial tables do."""
    from yieldtrial.report.model import Table
    from yieldtrial.report.network import network_report

    report = network_report(result, lang=lang, report_date="2024-01-01")
    tables = {b.key: b for s in report.sections for b in s.blocks if isinstance(b, Table)}
    labels = {c.key: c.label for c in tables["across_sites"].columns}
    assert labels["across_site_mean"] == mean
    assert labels["difference"] == difference
    assert {c.label for c in tables["environment_response"].columns} >= {gain}
    assert mean in {c.label for c in tables["layout_g"].columns}


@pytest.mark.parametrize(
    ("lang", "note"), [("en", "Means in kg/ha."), ("zh", "平均产量单位：kg/公顷。")]
)
def test_network_stability_table_states_the_unit_of_its_means(result, lang, note) -> None:
    """The stability table says its means' unit in a note (a header unit split the zh table)."""
    from yieldtrial.network.stability import network_stability
    from yieldtrial.report.network import network_report

    stability, _ = network_stability(result)
    report = network_report(result, lang=lang, stability=stability, report_date="2024-01-01")
    (table,) = report.section("stability").blocks[:1]
    assert table.notes == [note]


def test_combined_table_names_its_sources_in_words(result) -> None:
    """The English combined ANOVA reads as the single-trial one (Blocks, Treatments, Error).

    It showed the model's identifiers (site, block(site), treatment:site, residual).
    """
    from yieldtrial.report.model import Table
    from yieldtrial.report.network import network_report

    report = network_report(result, report_date="2024-01-01")
    table = next(
        b for s in report.sections for b in s.blocks if isinstance(b, Table) and b.key == "combined"
    )
    assert [row["source"] for row in table.rows] == [
        "Sites",
        "Blocks within sites",
        "Treatments",
        "Treatments x sites",
        "Error",
    ]
    assert {row["error_term"] for row in table.rows} <= {
        "Blocks within sites",
        "Treatments x sites",
        "Error",
        "",
    }


def test_header_labels_are_capitalized_words(result) -> None:
    """The English header listed "alpha: 0.05" among capitalized labels ("Check", "Version")."""
    from yieldtrial.report.model import KeyValues
    from yieldtrial.report.network import network_report

    facts = next(
        b
        for b in network_report(result, report_date="2024-01-01").sections[0].blocks
        if isinstance(b, KeyValues)
    )
    labels = [label for label, _ in facts.items]
    assert "Significance level (alpha)" in labels
    assert all(label[0].isupper() for label in labels), labels


def test_notes_read_as_sentences(result) -> None:
    """A note (a library clause, "stability computed on ...") starts with a capital."""
    from yieldtrial.report.model import Bullets
    from yieldtrial.report.network import network_report

    report = network_report(
        result, notes=["stability computed on the 3 sites"], report_date="2024-01-01"
    )
    items = [
        item
        for section in report.sections
        if section.key == "notes"
        for block in section.blocks
        if isinstance(block, Bullets)
        for item in block.items
    ]
    assert items == ["Stability computed on the 3 sites."]
