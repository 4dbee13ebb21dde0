"""Alpha-lattice and row-column reports name the ``block`` levels replicates.

The ``block`` column of a resolvable design holds its replicates (each holds every
treatment once); the incomplete blocks (alpha) or the rows and columns (row-column) sit
inside them.  A user pass on a 24-entry alpha lattice found the plot table and the
per-block yield table saying "Block / 区组" over the replicates while the field maps
said "Replicate / 重复".  The field books come from ``yieldtrial.design``; masses follow
a fixed pattern.  The label reaches each output format by a different code path (the
group header: Markdown prefix, HTML ``colspan``, DOCX ``gridSpan``, an XLSX header row),
so each format is checked.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from fieldbook_data import with_harvest
from yieldtrial import design
from yieldtrial.report.files import report_from_files

DATE = "2026-01-01"


def _report(
    tmp: Path,
    book: pd.DataFrame,
    name: str,
    lang: str,
    drop: tuple[int, ...] = (),
    double: tuple[int, ...] = (),
) -> Any:
    plots = tmp / "plots.csv"
    filled = with_harvest(book, varied_moisture=True)
    filled.loc[list(double), "fresh_mass_kg"] *= 2  # a doubled weighing: a suspect plot
    filled.drop(index=list(drop)).to_csv(plots, index=False)
    toml = tmp / "trial.toml"
    toml.write_text(
        f'[trial]\ncrop = "wheat"\n\n[analysis]\ncontrol = "G01"\ndesign = "{name}"\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(plots, toml, figures=False, report_date=DATE, lang=lang)
    return report


def _alpha_book() -> pd.DataFrame:
    # 12 entries in 3 replicates of 3 incomplete blocks of 4 (a row each, 4 columns); as a
    # row-column design: 3 rows x 4 columns within each replicate, residual df left
    return design.alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=4,
                               replicates=3, seed=1)  # fmt: skip


@pytest.fixture(scope="module", params=["alpha", "row_column"])
def resolvable(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Build the en and zh reports of one field book analysed as alpha or row-column."""
    name = request.param
    return name, {
        lang: _report(tmp_path_factory.mktemp(f"{name}_{lang}"), _alpha_book(), name, lang)
        for lang in ("en", "zh")
    }


@pytest.fixture(scope="module")
def rcbd(tmp_path_factory: pytest.TempPathFactory) -> Any:
    book = design.rcbd([f"G{i:02d}" for i in range(1, 5)], blocks=3, seed=2)
    return {
        lang: _report(tmp_path_factory.mktemp(f"rcbd_{lang}"), book, "rcbd", lang)
        for lang in ("en", "zh")
    }


def _table(report: Any, key: str) -> Any:
    return next(b for b in report.section("plots").blocks if getattr(b, "key", "") == key)


LABEL = {"en": "Replicate", "zh": "重复"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plot_table_names_the_replicate_column(resolvable: Any, lang: str) -> None:
    _, reports = resolvable
    labels = [c.label for c in _table(reports[lang], "plots").columns]
    assert labels[1] == LABEL[lang]
    assert "Block" not in labels and "区组" not in labels


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_per_replicate_table_caption_and_header(resolvable: Any, lang: str) -> None:
    _, reports = resolvable
    table = _table(reports[lang], "plots_by_block")  # the JSON key stays (report-json-schema)
    expected = {
        "en": "Plot yields (kg/ha) by treatment and replicate.",
        "zh": "各处理各重复小区产量（kg/亩）。",
    }
    assert table.caption == expected[lang]
    groups = {c.label: c.group for c in table.columns}
    assert groups["1"] == groups["2"] == groups["3"] == LABEL[lang]  # over the replicates


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_alpha_raw_mean_note_names_replicates_and_incomplete_blocks(
    resolvable: Any, lang: str
) -> None:
    name, reports = resolvable
    (note,) = _table(reports[lang], "plots_by_block").notes
    if name == "row_column":  # its own note: rows and columns within a replicate
        assert "rows and columns within a replicate" in note or "重复内的行与列" in note
        return
    expected = {
        "en": "The incomplete blocks within a replicate do not hold every treatment, so the "
        "LS-mean in the means table (Table 5), which adjusts for replicates and incomplete "
        "blocks,",
        "zh": "重复内的不完全区组未包含全部处理，产量结果表（表 5）中经重复和不完全区组"
        "校正的最小二乘均值",
    }
    assert expected[lang] in note


def test_markdown_prefixes_the_replicate_header(resolvable: Any) -> None:
    _, reports = resolvable
    assert (
        "| Treatment | Replicate: 1 | Replicate: 2 | Replicate: 3 | Raw plot mean |"
        in reports["en"].to_markdown()
    )
    assert "| 处理 | 重复：1 | 重复：2 | 重复：3 | 小区算术平均 |" in reports["zh"].to_markdown()
    assert "| Plot | Replicate |" in reports["en"].to_markdown()
    assert "| 小区 | 重复 |" in reports["zh"].to_markdown()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_replicate_header_spans_the_replicates(resolvable: Any, lang: str) -> None:
    import re

    html = resolvable[1][lang].to_html()
    pattern = rf'<th class="group[^"]*" colspan="3">(<span class="w">)?{LABEL[lang]}'
    assert re.search(pattern, html)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_docx_replicate_header_spans_the_replicates(resolvable: Any, lang: str) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document(io.BytesIO(resolvable[1][lang].render("docx")))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    spans = [
        cell
        for table in document.element.body.iter(f"{w}tbl")
        for cell in table.iter(f"{w}tc")
        if "".join(t.text or "" for t in cell.iter(f"{w}t")).strip() == LABEL[lang]
        and cell.find(f"{w}tcPr/{w}gridSpan") is not None
    ]
    assert spans and spans[0].find(f"{w}tcPr/{w}gridSpan").get(f"{w}val") == "3"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_xlsx_sheets_name_the_replicates(resolvable: Any, lang: str) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(resolvable[1][lang].render("xlsx")))
    cells = {str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v}
    caption = {"en": "by treatment and replicate", "zh": "各处理各重复小区产量"}[lang]
    assert LABEL[lang] in cells
    assert any(caption in c for c in cells)
    assert not {"Block", "区组"} & cells


def test_zh_formula_names_the_replicates(resolvable: Any) -> None:
    name, reports = resolvable
    md = reports["zh"].to_markdown()
    inner = "重复:不完全区组" if name == "alpha" else "重复:行"
    assert "产量 \\~ 重复 + 处理 + (1 | " + inner in md


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_absent_plot_is_in_a_replicate(tmp_path: Path, lang: str) -> None:
    book = _alpha_book()
    gone = book.iloc[7]
    md = _report(tmp_path, book, "alpha", lang, drop=(7,)).to_markdown()
    expected = {
        "en": f"{gone['treatment']} in replicate {gone['block']}: no row",
        "zh": f"重复 {gone['block']} 的 {gone['treatment']}：小区表中无此小区",
    }
    assert expected[lang] in md


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rcbd_keeps_its_blocks(rcbd: Any, lang: str) -> None:
    labels = [c.label for c in _table(rcbd[lang], "plots").columns]
    assert labels[1] == {"en": "Block", "zh": "区组"}[lang]
    table = _table(rcbd[lang], "plots_by_block")
    assert all(c.group is None for c in table.columns)
    assert (
        table.caption
        == {
            "en": "Plot yields (kg/ha) by treatment and block.",
            "zh": "各处理各区组小区产量（kg/亩）。",
        }[lang]
    )


def test_json_keys_are_unchanged(resolvable: Any) -> None:
    import json

    doc = json.loads(resolvable[1]["en"].to_json())
    section = next(s for s in doc["sections"] if s["key"] == "plots")
    keys = [b["key"] for b in section["blocks"] if b["type"] == "table"]
    assert keys == ["plots", "plots_by_block"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_suspect_plot_table_names_the_replicate(tmp_path: Path, lang: str) -> None:
    report = _report(tmp_path, _alpha_book(), "alpha", lang, double=(7,))
    table = next(
        b for s in report.sections for b in s.blocks if getattr(b, "key", "") == "suspect_plots"
    )
    assert LABEL[lang] in [c.label for c in table.columns]
