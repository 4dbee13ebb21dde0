"""Reports read on rendered pages, second pass (stop 33).

- The network report's tables had no captions: a table going on on the next page showed
  only its repeated header (no "Table n (continued)."), and no table could be cited.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from fieldbook_data import with_harvest
from yieldtrial.cli import main
from yieldtrial.datasets import example_path

docx = pytest.importorskip("docx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# ------------------------------------------------------------ network tables captioned
@pytest.fixture(scope="module")
def network_result() -> Any:
    """Analyse the shipped 60-farm network (one plot per treatment and farm)."""
    import pandas as pd

    from yieldtrial.network import analyze_many

    plots = pd.read_csv(example_path("farm-network"))
    return analyze_many(
        plots, by=["site"], response="yield_kg_mu", treatment="treatment", control="CK1",
        dunnett_pvalues="none",
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_network_report_tables_all_have_captions(network_result: Any, lang: str) -> None:
    from yieldtrial.report.model import Table
    from yieldtrial.report.network import network_report

    report = network_report(network_result, lang=lang, report_date="2024-01-01")
    tables = [b for s in report.sections for b in s.blocks if isinstance(b, Table)]
    assert len(tables) >= 4
    assert all(t.caption for t in tables)
    assert len({t.caption for t in tables}) == len(tables)
    assert sorted(report.numbers().values()) == list(range(1, len(tables) + 1))


@pytest.mark.parametrize(
    ("lang", "first"), [("en", "*Table 1. "), ("zh", "表 1　")]
)  # fmt: skip
def test_network_markdown_numbers_its_tables(network_result: Any, lang: str, first: str) -> None:
    from yieldtrial.report.network import network_report
    from yieldtrial.report.render_markdown import render_markdown

    text = render_markdown(network_report(network_result, lang=lang, report_date="2024-01-01"))
    assert any(line.startswith(first) for line in text.splitlines())


def test_network_html_numbers_its_tables(network_result: Any) -> None:
    from yieldtrial.report.network import network_report
    from yieldtrial.report.render_html import render_html

    html = render_html(network_report(network_result, report_date="2024-01-01"))
    labels = re.findall(r"<figcaption><span class=\"num\">Table (\d+)\.", html)
    assert labels[:3] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("lang", "continued"), [("en", "Table 1 (continued)."), ("zh", "表 1（续）")]
)
def test_network_docx_long_table_goes_on_under_continued(
    tmp_path: Path, lang: str, continued: str
) -> None:
    # the 60-farm table of yields runs onto page 2; it showed only its repeated header there
    folder = example_path("farm-network").parent
    out = tmp_path / f"network_{lang}.docx"
    argv = ["network", str(folder / "plots.csv"), "--config", str(folder / "trial.toml")]
    assert main([*argv, "--lang", lang, "-o", str(out)]) == 0
    document = docx.Document(io.BytesIO(out.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert any(text.startswith(continued) for text in texts)


# ------------------------------------------------------- columns empty in every row
def _treatments_report() -> Any:
    from yieldtrial.report.model import Column, Report, Section, Table

    columns = [
        Column("treatment", "Treatment", "text"),
        Column("description", "Description", "text"),
        Column("product", "Product", "text"),
        Column("rate", "Rate", "text"),
        Column("n", "N", "number", 1),
    ]
    rows = [
        {"treatment": "CK", "description": "farmer's N rate", "product": "", "rate": None,
         "n": None},
        {"treatment": "N0", "description": "zero N", "product": None, "rate": " ", "n": None},
    ]  # fmt: skip
    table = Table("treatments", columns, rows, caption="Treatments")
    return Report("T", "en", [Section("header", "Trial", [table])])


def test_table_shown_drops_text_columns_empty_in_every_row() -> None:
    # the doubled-weight example (no products) printed empty Product and Rate columns; a
    # number column of missing values reads "–" and stays
    table = _treatments_report().sections[0].blocks[0]
    assert [c.key for c in table.shown().columns] == ["treatment", "description", "n"]


def test_table_shown_keeps_a_column_to_fill_in_by_hand() -> None:
    # the acceptance panel's Signature column is blank in every row on purpose
    from yieldtrial.report.model import Column, Table

    columns = [
        Column("name", "Name", "text"),
        Column("signature", "Signature", "text", fill_in=True),
    ]
    table = Table("panel", columns, [{"name": "Expert A", "signature": ""}])
    assert table.shown() is table


def test_docx_panel_table_keeps_its_signature_column() -> None:
    # the replicated-rcbd demo's panel: names, affiliations, titles, signatures to sign
    from yieldtrial.report.files import report_from_files
    from yieldtrial.report.render_docx import render_docx

    plots = example_path("replicated-rcbd")
    report, _ = report_from_files(plots, plots.parent / "trial.toml", report_date="2026-01-01")
    document = docx.Document(io.BytesIO(render_docx(report)))
    headers = [tuple(c.text for c in t.rows[0].cells) for t in document.tables]
    assert ("Name", "Affiliation", "Title", "Signature") in headers


def test_table_shown_keeps_the_columns_of_a_table_without_rows() -> None:
    from yieldtrial.report.model import Column, Table

    table = Table("t", [Column("a", "A", "text")], [])
    assert table.shown() is table


def test_rendered_tables_leave_out_empty_columns() -> None:
    import openpyxl

    from yieldtrial.report.render_docx import render_docx
    from yieldtrial.report.render_html import render_html
    from yieldtrial.report.render_markdown import render_markdown
    from yieldtrial.report.render_xlsx import render_xlsx

    report = _treatments_report()
    html = render_html(report)
    markdown = render_markdown(report)
    document = docx.Document(io.BytesIO(render_docx(report)))
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(report))).worksheets[0]
    xlsx = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [c.text for c in document.tables[0].rows[0].cells] == ["Treatment", "Description", "N"]
    assert "| Treatment | Description | N |" in markdown
    for text in (html, markdown, " ".join(xlsx)):
        assert "Description" in text
        assert "Product" not in text and "Rate" not in text
    assert "Product" not in "".join(p.text for p in document.paragraphs)


def test_json_report_keeps_every_column() -> None:
    import json

    from yieldtrial.report.render_json import render_json

    report = _treatments_report()
    table = json.loads(render_json(report))["sections"][0]["blocks"][0]
    keys = ["treatment", "description", "product", "rate", "n"]
    assert [c["key"] for c in table["columns"]] == keys
    assert report.sections[0].blocks[0].columns[2].key == "product"  # the model unchanged


def test_doubled_weight_example_treatments_table_has_no_empty_columns(tmp_path: Path) -> None:
    folder = Path(__file__).parents[1] / "examples" / "doubled-weight"
    out = tmp_path / "report.docx"
    argv = ["report", str(folder / "plots.csv"), "--config", str(folder / "trial.toml")]
    assert main([*argv, "-o", str(out)]) == 0
    document = docx.Document(io.BytesIO(out.read_bytes()))
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["Treatment", "Description"] in headers


# --------------------------------------------------------- per-replicate field maps
@pytest.fixture(scope="module")
def alpha_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Write a 24-entry alpha-lattice (3 replicates of 6 x 4 plots), raw harvest records.

    As test_report_field_map_large builds it; the masses and moistures are an arbitrary
    spread so that the analysis runs.
    """
    from yieldtrial.design import alpha_design

    book = alpha_design([f"G{i:02d}" for i in range(1, 25)], block_size=4, replicates=3, seed=27)
    book = with_harvest(book, area_m2=12.0, varied_moisture=True)
    folder = tmp_path_factory.mktemp("alpha")
    book.to_csv(folder / "plots.csv", index=False)
    (folder / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "alpha"\ncontrol = "G01"\n',
        encoding="utf-8",
    )
    return folder / "plots.csv", folder / "trial.toml"


def _replicate_maps(files: tuple[Path, Path], lang: str = "en") -> list[Any]:
    from yieldtrial.report.files import report_from_files

    report, _ = report_from_files(*files, report_date="2026-01-01", lang=lang)
    return list(next(s for s in report.sections if s.key == "field_map").blocks)


def test_replicate_map_is_drawn_compact_with_labels_of_full_size(
    alpha_files: tuple[Path, Path],
) -> None:
    # drawn with 0.9-inch cells each replicate map was 6.5 in tall: one map a page
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from yieldtrial.report.sections.extra import BLOCK_MAP_MAX_IN

    maps = _replicate_maps(alpha_files)
    assert [m.key for m in maps] == ["field_map_1", "field_map_2", "field_map_3"]
    ax = maps[0].draw()
    try:
        width, height = ax.figure.get_size_inches()
        assert height <= BLOCK_MAP_MAX_IN + 1e-9
        assert {text.get_fontsize() for text in ax.texts} == {8.0}  # as on a whole-field map
        # the cells stay square: 4 columns over 6 rows
        box = ax.get_position()
        assert box.width * width / 4 == pytest.approx(box.height * height / 6)
    finally:
        plt.close("all")


def test_docx_two_replicate_maps_share_a_page(alpha_files: tuple[Path, Path]) -> None:
    # each of the three maps took most of a page (12 pages, page 1 half empty); set at
    # most 1.1 times their drawn size, two maps with their captions fit the 252 mm of text
    pytest.importorskip("matplotlib")
    from yieldtrial.report.model import Report, Section
    from yieldtrial.report.render_docx import _Writer, render_docx

    maps = _replicate_maps(alpha_files)
    document = docx.Document(io.BytesIO(render_docx(Report("T", "en", [Section("m", "M", maps)]))))
    writer = _Writer(Report("T", "en", [Section("m", "M", [])]))
    caption_mm = writer.text_mm(maps[1].caption, 10.0) + 8 * 0.352778 + 4
    heights = [shape.height.mm for shape in document.inline_shapes]
    assert len(heights) == 3
    assert 2 * (max(heights) + caption_mm) <= writer.text_height_mm() - 6.0


def test_whole_field_map_keeps_its_cells(tmp_path: Path) -> None:
    # a field that fits one map is drawn as before (0.9-inch cells)
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt
    import pandas as pd

    from yieldtrial.design.maps import map_figsize
    from yieldtrial.report.files import report_from_files

    rows = [
        (f"{b}{t}", f"T{t}", b, b, t, 6000.0 + 10 * t + (b * t * 7) % 5)
        for b in (1, 2, 3)
        for t in (1, 2, 3)
    ]
    columns = ["plot_id", "treatment", "block", "row", "column", "yield_kg_ha"]
    pd.DataFrame(rows, columns=columns).to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text('[trial]\ncrop = "wheat"\n', encoding="utf-8")
    report, _ = report_from_files(tmp_path / "plots.csv", tmp_path / "trial.toml")
    (block,) = next(s for s in report.sections if s.key == "field_map").blocks
    ax = block.draw()
    try:
        assert tuple(ax.figure.get_size_inches()) == pytest.approx(map_figsize(3, 3))
    finally:
        plt.close("all")


def test_html_print_does_not_keep_a_figure_with_the_next_block() -> None:
    # a figure's caption is below it; "figcaption { break-after: avoid }" (meant for the
    # caption above a table) kept each field map with the next, and Chromium started the
    # alpha-lattice's three maps on page 2, leaving page 1 half empty (11 pages, now 10)
    from yieldtrial.report.model import Report, Section
    from yieldtrial.report.render_html import render_html

    html = render_html(Report("T", "en", [Section("s", "S", [])]))
    assert "figcaption { break-after: avoid; }" in html  # a table's caption, above it
    assert "figure.plot figcaption { break-after: auto; }" in html
