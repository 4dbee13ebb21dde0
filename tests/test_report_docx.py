"""Structure of the Word report (issue 11 item 1): page layout, tables, fonts, determinism.

Widths are checked against the fonts' published advance widths: in Times New Roman
(and its metric twin Liberation Serif) every digit is 1024/2048 = 0.5 em, the full
stop and comma 0.25 em, the hyphen 0.333 em, plus and less-than 0.564 em, the en
dash 0.5 em.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from typing import Any

import pytest

docx = pytest.importorskip("docx")

from shipped import example_report  # noqa: E402
from yieldtrial.datasets import example_path  # noqa: E402
from yieldtrial.report.model import format_value  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS_PER_PT = 20
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
NUMBER = re.compile(r"^[<+\-–]?[\d,]*\.?\d+$")
#: Advance widths [em] of Times New Roman / Liberation Serif (hmtx table / 2048).
TIMES_EM = {".": 0.25, ",": 0.25, "-": 0.333, "+": 0.564, "<": 0.564, "–": 0.5}


def _report(name: str, lang: str) -> Any:
    return example_report(name, lang=lang, report_date="2024-06-01", figures=False)


@pytest.fixture(scope="module", params=["en", "zh"])
def rcbd(request: pytest.FixtureRequest) -> Any:
    return _report("replicated-rcbd", request.param)


@pytest.fixture(scope="module")
def document(rcbd: Any) -> Any:
    return docx.Document(io.BytesIO(rcbd.to_docx()))


def _sections_of_tables(document: Any) -> list[tuple[Any, Any]]:
    """(table element, sectPr of the section it is in), in document order."""
    body = document.element.body
    pending: list[Any] = []
    pairs = []
    for child in body.iterchildren():
        if child.tag == f"{W}tbl":
            pending.append(child)
        sect = child.find(f"{W}pPr/{W}sectPr") if child.tag == f"{W}p" else None
        if child.tag == f"{W}sectPr":
            sect = child
        if sect is not None:
            pairs += [(table, sect) for table in pending]
            pending = []
    return pairs


def _text_width_twips(sect: Any) -> int:
    size = sect.find(f"{W}pgSz")
    margins = sect.find(f"{W}pgMar")
    return int(size.get(f"{W}w")) - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right"))


def _grid(table: Any) -> list[int]:
    return [int(col.get(f"{W}w")) for col in table.iter(f"{W}gridCol")]


def _data_tables(document: Any) -> list[Any]:
    """Return the data tables (three-line tables: a top rule), not the key-value lists."""
    out = []
    for table in document.element.body.iter(f"{W}tbl"):
        top = table.find(f"{W}tblPr/{W}tblBorders/{W}top")
        if top is not None and top.get(f"{W}val") == "single":
            out.append(table)
    return out


def _cell_text(cell: Any) -> str:
    return "".join(t.text or "" for t in cell.iter(f"{W}t"))


def test_tables_fit_the_text_width_of_their_section(document: Any) -> None:
    """Each table's column widths sum to at most the text width of its page section."""
    pairs = _sections_of_tables(document)
    assert len(pairs) == len(list(document.element.body.iter(f"{W}tbl")))
    for table, sect in pairs:
        assert sum(_grid(table)) <= _text_width_twips(sect)


def test_no_column_narrower_than_its_longest_number(document: Any) -> None:
    """Every number fits its column on one line at the table's font size (Times metrics)."""
    checked = 0
    for table in _data_tables(document):
        grid = _grid(table)
        margins = table.find(f"{W}tblPr/{W}tblCellMar")
        pad = sum(int(margins.find(f"{W}{side}").get(f"{W}w")) for side in ("left", "right"))
        for row in table.iter(f"{W}tr"):
            if row.find(f"{W}trPr/{W}tblHeader") is not None:
                continue
            for index, cell in enumerate(row.iter(f"{W}tc")):
                text = _cell_text(cell)
                if not NUMBER.match(text):
                    continue
                size_pt = int(cell.find(f".//{W}sz").get(f"{W}val")) / 2
                width_em = sum(TIMES_EM.get(ch, 0.5) for ch in text)
                assert width_em * size_pt * TWIPS_PER_PT + pad <= grid[index], (text, grid)
                checked += 1
    assert checked > 50


def test_header_rows_repeat_and_rows_cannot_split(document: Any) -> None:
    """Data tables start with header rows marked to repeat; no row may split across pages."""
    tables = _data_tables(document)
    assert len(tables) >= 5
    for table in tables:
        rows = list(table.iter(f"{W}tr"))
        flags = [row.find(f"{W}trPr/{W}tblHeader") is not None for row in rows]
        assert flags[0], "first row is a repeated header"
        assert flags == sorted(flags, reverse=True), "header rows come first"
        assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)


def test_three_line_tables_have_no_vertical_rules(document: Any) -> None:
    """三线表: thick top and bottom rules, no vertical or inner horizontal rules."""
    for table in _data_tables(document):
        borders = table.find(f"{W}tblPr/{W}tblBorders")
        assert borders.find(f"{W}bottom").get(f"{W}val") == "single"
        for side in ("left", "right", "insideV", "insideH"):
            assert borders.find(f"{W}{side}").get(f"{W}val") == "nil"


def test_significance_group_header_spans_the_letter_columns(rcbd: Any, document: Any) -> None:
    """The means table has a two-row header; the group label spans the 0.05 and 0.01 columns."""
    label = "差异显著性" if rcbd.lang == "zh" else "Significance"
    spans = [
        cell
        for table in _data_tables(document)
        for cell in table.iter(f"{W}tc")
        if _cell_text(cell) == label
    ]
    assert spans and spans[0].find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "2"


def test_letter_cells_are_centred(rcbd: Any, document: Any) -> None:
    """Letters are centred: left-aligned after a right-aligned P they read "1.000 a"."""
    label = "差异显著性" if rcbd.lang == "zh" else "Significance"
    tables = [
        table
        for table in _data_tables(document)
        if any(_cell_text(cell) == label for cell in table.iter(f"{W}tc"))
    ]
    assert tables
    letters = [  # the 0.05 letters of the means table: lower case (treatments: CK1, CK2, T)
        cell for cell in tables[0].iter(f"{W}tc") if re.fullmatch(r"[a-z]+", _cell_text(cell))
    ]
    assert letters
    for cell in letters:
        assert cell.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == "center"


def test_rank_cells_are_centred(rcbd: Any, document: Any) -> None:
    """The rank is centred: right-aligned, its "2" read as one with the treatment ("2 CK1")."""
    rank = "位次" if rcbd.lang == "zh" else "Rank"
    table = next(
        table
        for table in _data_tables(document)
        if any(_cell_text(cell) == rank for cell in table.iter(f"{W}tc"))
    )
    firsts = [row.find(f"{W}tc") for row in table.findall(f"{W}tr")]
    ranks = [cell for cell in firsts if _cell_text(cell).isdigit()]
    assert sorted(_cell_text(c) for c in ranks) == ["1", "2", "3"]  # CK1, CK2, T
    for cell in ranks:
        assert cell.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == "center"


def test_chinese_runs_carry_an_east_asian_font_and_no_italics(document: Any) -> None:
    """Every run with Chinese text names an East Asian font; none of them is italic."""
    body = document.element.body
    runs = [
        r for r in body.iter(f"{W}r") if CJK.search("".join(t.text or "" for t in r.iter(f"{W}t")))
    ]
    header = document.sections[0].header._element
    runs += [
        r
        for r in header.iter(f"{W}r")
        if CJK.search("".join(t.text or "" for t in r.iter(f"{W}t")))
    ]
    if document.core_properties.language == "zh-CN":
        assert len(runs) > 50
    for run in runs:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None and fonts.get(f"{W}eastAsia") in ("SimSun", "SimHei")
        assert run.find(f"{W}rPr/{W}i") is None


def test_page_numbers_and_title_in_header_and_footer(rcbd: Any, document: Any) -> None:
    """The footer holds PAGE and NUMPAGES fields; the page header holds the report title."""
    section = document.sections[0]
    instructions = "".join(t.text or "" for t in section.footer._element.iter(f"{W}instrText"))
    assert "PAGE" in instructions and "NUMPAGES" in instructions
    assert rcbd.title in "".join(p.text for p in section.header.paragraphs)


def test_captions_keep_with_their_table(document: Any) -> None:
    """A caption paragraph directly before a table is kept with it (keepNext; headings by style)."""
    body = list(document.element.body.iterchildren())
    captions = [body[i - 1] for i, el in enumerate(body) if el.tag == f"{W}tbl" and i]
    with_text = [c for c in captions if c.tag == f"{W}p" and _cell_text(c)]
    assert with_text
    for caption in with_text:
        style = caption.find(f"{W}pPr/{W}pStyle")
        heading = style is not None and style.get(f"{W}val").startswith("Heading")
        assert heading or caption.find(f"{W}pPr/{W}keepNext") is not None


def test_expert_panel_facts_stay_with_the_signature_table(document: Any) -> None:
    """The panel's facts (unit, number, date) keep with the signature table: one page."""
    body = list(document.element.body.iterchildren())
    tables = [i for i, el in enumerate(body) if el.tag == f"{W}tbl"]
    # the facts table is the borderless one directly before the last (signature) table
    facts = body[tables[-2]]
    for paragraph in facts.iter(f"{W}p"):
        assert paragraph.find(f"{W}pPr/{W}keepNext") is not None
    between = body[tables[-2] + 1 : tables[-1]]
    assert all(el.find(f"{W}pPr/{W}keepNext") is not None for el in between)


def test_generated_line_never_stands_alone(document: Any) -> None:
    """The paragraph before the closing "generated by" line keeps with it."""
    paragraphs = [el for el in document.element.body.iterchildren() if el.tag == f"{W}p"]
    generated = [p for p in paragraphs if "yieldtrial" in _cell_text(p)][-1]
    previous = paragraphs[paragraphs.index(generated) - 1]
    assert previous.find(f"{W}pPr/{W}keepNext") is not None


def test_docx_is_deterministic(rcbd: Any) -> None:
    """Two renders give the same bytes: fixed zip timestamps and document dates."""
    first, second = rcbd.to_docx(), rcbd.to_docx()
    assert first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode("utf-8")
    assert "2024-06-01T00:00:00Z" in core
    assert "docProps/thumbnail.jpeg" not in archive.namelist() or "thumbnail" not in archive.read(
        "_rels/.rels"
    ).decode("utf-8")


def test_control_characters_do_not_break_the_document() -> None:
    """A control character in a title is dropped instead of failing the XML writer."""
    report = _report("jinzhong-2024", "en")
    report.title = "Trial\x07 one"
    document = docx.Document(io.BytesIO(report.to_docx()))
    assert document.paragraphs[0].text == "Trial one"


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (soffice) and poppler-utils (pdftotext)",
)
def test_every_means_number_appears_unbroken_in_the_pdf(rcbd: Any, tmp_path: Any) -> None:
    """LibreOffice's PDF of the DOCX shows every number of the JSON means table on one line."""
    source = tmp_path / "report.docx"
    source.write_bytes(rcbd.to_docx())
    subprocess.run(  # noqa: S603
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tokens = set(text.split())
    table = next(b for s in rcbd.to_dict()["sections"] if s["key"] == "means" for b in s["blocks"])
    from yieldtrial.report.model import Column

    expected = set()
    for row in table["rows"]:
        for col in table["columns"]:
            if col["kind"] == "text" or row[col["key"]] is None:
                continue
            column = Column(col["key"], col["label"], col["kind"], col["digits"])
            expected.add(format_value(row[col["key"]], column, rcbd.number_style))
    assert len(expected) > 20
    missing = sorted(value for value in expected if value not in tokens)
    assert not missing, missing


def test_split_table_parts_are_separate_tables() -> None:
    """A table split in two parts stays two tables: no <w:tbl> directly follows another.

    Word and LibreOffice merge adjacent tables into one, whose grid then squeezes the first
    part's columns (numbers broken mid-digit).  The network report splits its summary and
    stability tables (no caption, so no caption paragraph between the parts).
    """
    import pandas as pd

    from yieldtrial.network import analyze_many
    from yieldtrial.network.stability import network_stability
    from yieldtrial.report.network import network_report

    plots = pd.read_csv(example_path("farm-network"))
    result = analyze_many(
        plots,
        by="site",
        response="yield_kg_mu",
        treatment="treatment",
        control="CK1",
        design="crd",
        margin_pct=5,
    )
    stability, _ = network_stability(result)
    data = network_report(result, lang="zh", stability=stability).to_docx()
    body = docx.Document(io.BytesIO(data)).element.body
    tags = [child.tag for child in body.iterchildren()]
    assert tags.count(f"{W}tbl") > 6  # the split tables are there (parts counted)
    assert not any(a == b == f"{W}tbl" for a, b in zip(tags, tags[1:], strict=False))


def test_table_slightly_too_wide_takes_the_smaller_font_not_a_split() -> None:
    """10 columns a few mm too wide at 9 pt: one portrait table at 8 pt, not two parts.

    The network report's stability table split off its last column ("Annicchiarico I %")
    into a second table of its own.  The precondition (too wide at 9 pt, fits at 8 pt) is
    computed with the module's own column measure.
    """
    from yieldtrial.report._widths import column_extent_mm, plan_table
    from yieldtrial.report.render_docx import PORTRAIT_TEXT_MM

    headers = ["Treatment"] + [f"S{i}" for i in range(9)]
    cells = [["CK1 (check)", "T"]] + [["-15,887.3", "83.8"]] * 9
    numeric = [False] + [True] * 9

    def width(font: float) -> float:
        return sum(
            column_extent_mm(h, c, numeric=n, font_pt=font)[0]
            for h, c, n in zip(headers, cells, numeric, strict=True)
        )

    assert width(8.0) <= PORTRAIT_TEXT_MM < width(9.0)
    plan = plan_table(
        headers, cells, numeric, portrait_mm=PORTRAIT_TEXT_MM, landscape_mm=257.0,
        font_pt=9.0, small_font_pt=8.0,
    )  # fmt: skip
    assert plan.parts == [list(range(10))] and plan.font_pt == 8.0 and not plan.landscape
    assert sum(plan.widths_mm[0]) <= PORTRAIT_TEXT_MM + 1e-9


def _farm_network_stability_plans() -> dict[str, Any]:
    """Plans of the farm network's stability table in the en and zh Word reports."""
    import pandas as pd

    from yieldtrial.network import analyze_many
    from yieldtrial.network.stability import network_stability
    from yieldtrial.report.model import Table
    from yieldtrial.report.network import network_report
    from yieldtrial.report.render_docx import _Writer

    plots = pd.read_csv(example_path("farm-network"))
    result = analyze_many(
        plots, by="site", response="yield_kg_mu", treatment="treatment",
        control=["CK1", "CK2"], design="crd", margin_pct=5,
    )  # fmt: skip
    stability, _ = network_stability(result)
    plans = {}
    for lang in ("en", "zh"):
        report = network_report(result, lang=lang, stability=stability)
        table = next(b for b in report.section("stability").blocks if isinstance(b, Table))
        plans[lang] = _Writer(report).plan(table)
    return plans


def test_chinese_stability_table_is_one_portrait_table() -> None:
    """The zh stability table of the 60-farm network is one portrait table, as the en one.

    It split in two (9 columns, then "高稳系数 HSC%" and "Annicchiarico 可靠性指数%" with the
    treatments again): bold ideographs were counted 8 % wider than they are and the header
    "Shukla 稳定性方差" kept its column 5 ideographs wide.
    """
    from yieldtrial.report.render_docx import PORTRAIT_TEXT_MM

    for lang, plan in _farm_network_stability_plans().items():
        assert len(plan.parts) == 1 and len(plan.parts[0]) == 11, lang
        assert not plan.landscape and sum(plan.widths_mm[0]) <= PORTRAIT_TEXT_MM + 1e-9, lang


def test_bold_ideographs_are_one_em() -> None:
    """Bold adds 8 % to Latin text, nothing to full-width characters (fixed 1 em advance)."""
    from yieldtrial.report._widths import text_em

    assert text_em("方差", bold=True) == text_em("方差") == 2.0
    assert text_em("（对照）", bold=True) == 4.0
    assert text_em("S2d", bold=True) == pytest.approx(1.08 * text_em("S2d"))
    assert text_em("比CK", bold=True) == pytest.approx(1.0 + 1.08 * 2 * 0.72)


def test_split_parts_are_balanced() -> None:
    """A table split in two gives each part about half the columns, not 8 and then 2.

    The minimum widths [mm] are those of the zh stability table at 9 pt before it fitted
    (treatment column first): the greedy fill of the 170 mm page takes 8 columns, a fill to
    half the width (+5 %) needed 3 parts, so the split stayed 8 + 2.
    """
    from yieldtrial.report._widths import _split

    low = [22.2, 16.9, 16.5, 10.1, 16.9, 20.3, 20.3, 16.6, 14.7, 16.9, 25.7]
    plan = _split(low, low, 170.0, 9.0, 1, (), landscape=False)
    assert [len(part) - 1 for part in plan.parts] == [5, 5]
    assert all(part[0] == 0 for part in plan.parts)
    assert all(sum(w) <= 170.0 for w in plan.widths_mm)


def test_title_longer_than_the_document_properties_hold(tmp_path: Any) -> None:
    """A 300-character title was python-docx's '255 char limit' ValueError (exit 3)."""
    import dataclasses

    report = dataclasses.replace(_report("replicated-rcbd", "en"), title="T" * 300)
    document = docx.Document(io.BytesIO(report.to_docx()))
    assert document.core_properties.title == "T" * 254 + "…"
    assert any("T" * 300 in p.text for p in document.paragraphs)


def test_leading_minus_is_a_non_breaking_hyphen() -> None:
    """A number's minus is Word's no-break hyphen; the text still reads "-" (searchable).

    LibreOffice broke lines after such a minus ("（-" at a line end, "5.8%" below it).
    Only the DOCX changes: the JSON and Markdown keep the ASCII "-".
    """
    from yieldtrial.report.model import Column, Paragraph, Report, Section, Table

    text = "T: 95 % CI [-16.6, -6.8]; 减产（-2.6%）; plot 1-2, T-CK"
    table = Table("t", [Column("d", "Diff", "signed", 1)], [{"d": -12.5}])
    report = Report("probe", "en", [Section("s", "S", [Paragraph(text), table])])
    document = docx.Document(io.BytesIO(report.to_docx()))
    paragraph = next(p for p in document.paragraphs if "CI" in p.text)
    assert paragraph.text == text.replace("95 %", "95\u00a0%")  # glued (stop 39)
    assert len(paragraph._p.findall(f".//{W}noBreakHyphen")) == 3
    cell = document.tables[0].rows[1].cells[0]
    assert cell.text == "-12.5" and cell._tc.findall(f".//{W}noBreakHyphen")
    assert "-16.6, -6.8" in report.to_json() and "-16.6, -6.8" in report.to_markdown()


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (soffice) and poppler-utils (pdftotext)",
)
def test_no_line_of_the_pdf_ends_with_a_numbers_minus(tmp_path: Any) -> None:
    """The Chinese RCBD demo: LibreOffice wrapped "减产 27.63 kg/亩（-" / "5.8%，..."."""
    source = tmp_path / "report.docx"
    source.write_bytes(_report("replicated-rcbd", "zh").to_docx())
    subprocess.run(  # noqa: S603
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert "27.63" in text
    ends = [line for line in text.splitlines() if re.search(r"(^|[^0-9A-Za-z])-\s*$", line)]
    assert ends == []


@pytest.mark.parametrize(
    ("header", "unit"), [("方差（(kg/亩)²）", "（(kg/亩)²）"), ("SE ((kg/ha)²)", "((kg/ha)²)")]
)
def test_squared_unit_never_wraps_before_its_superscript(header: str, unit: str) -> None:
    """The variance header wrapped as "方差 / （(kg/亩) / ²）": a line began with "²）".

    The nested bracket was cut at its inner ")" and a superscript could start a line.
    """
    from yieldtrial.report._widths import column_extent_mm, text_em, wrap_lines

    narrowest, _ = column_extent_mm(header, ["551.6"], numeric=True, font_pt=9.0)
    assert wrap_lines(header, text_em(unit))[-1] == unit
    assert not any(line.startswith("²") for line in wrap_lines(header, 1.0))
    assert narrowest >= text_em(unit) * 9.0 * 25.4 / 72  # the whole unit on one line [mm]


def test_unit_with_a_space_never_wraps_inside() -> None:
    """A header "N rate (kg N/ha)" wrapped as "N rate (kg" / "N/ha)": now the unit is whole."""
    from yieldtrial.report._widths import column_extent_mm, glue_unit, text_em, wrap_lines

    header = glue_unit("N rate (kg N/ha)")
    assert header == "N rate (kg\u00a0N/ha)"  # U+00A0 inside the unit only
    assert wrap_lines(header, 1.0, bold=True) == ["N", "rate", "(kg\u00a0N/ha)"]
    narrowest, _ = column_extent_mm(header, ["90.0"], numeric=True, font_pt=9.0)
    assert narrowest >= text_em("(kg\u00a0N/ha)", bold=True) * 9.0 * 25.4 / 72  # [mm]


def test_docx_headers_glue_their_units_and_other_formats_keep_the_text() -> None:
    """The DOCX header cell holds "(kg N/ha)" with a no-break space; Markdown a plain one."""
    from yieldtrial.report.model import Column, Report, Section, Table

    table = Table("t", [Column("n", "N rate (kg N/ha)", "number", 1)], [{"n": 90.0}])
    report = Report("probe", "en", [Section("s", "S", [table])])
    document = docx.Document(io.BytesIO(report.to_docx()))
    header = document.tables[0].rows[0].cells[0].text  # wrapped at the space before the unit
    assert header.split("\n")[-1] == "(kg\u00a0N/ha)"
    assert "| N rate (kg N/ha) |" in report.to_markdown()


def _keeps(element: Any) -> bool:
    return element.find(f"{W}pPr/{W}keepNext") is not None


def test_table_notes_stay_with_the_last_rows(rcbd: Any, document: Any) -> None:
    """User pass: under a long means table the notes landed alone on the next (landscape) page.

    The last row keeps with the lines under the table, and each of those lines but the last
    keeps with the next (Word and LibreOffice then move the last rows over with the notes);
    of notes over a quarter page high the first ``HELD_NOTES`` only (stop 33: the rest may
    go on on the next page).
    """
    from yieldtrial.report._widths import glue_values
    from yieldtrial.report.render_docx import HELD_NOTES

    with_notes = [b for s in rcbd.sections for b in s.blocks
                  if getattr(b, "notes", None) and len(b.notes) > 1]  # fmt: skip
    assert with_notes  # the means table: confidence interval, letters, ...
    # as written: "alpha = 0.05" with no-break spaces (stop 39)
    texts = {glue_values(str(b.notes[-1])) for b in with_notes}
    body = list(document.element.body.iterchildren())
    checked = 0
    for i, element in enumerate(body):
        if element.tag != f"{W}p" or _cell_text(element) not in texts:
            continue
        start = i
        while body[start].tag != f"{W}tbl":
            start -= 1
        lines = body[start + 1 : i + 1]
        keeps = [_keeps(p) for p in lines]
        held = keeps.index(False)  # the lines kept together: then none
        assert not any(keeps[held:])
        assert held == len(lines) - 1 or held >= HELD_NOTES - 1
        last_row = body[start].findall(f"{W}tr")[-1]
        assert all(_keeps(p) for p in last_row.iter(f"{W}p"))
        checked += 1
    assert checked == len(texts)


def test_text_cells_never_break_after_a_words_hyphen() -> None:
    """A narrow DOCX text cell keeps "Sub-plots" whole: Word's non-breaking hyphen (read "-").

    "N-180" too: LibreOffice broke a variety "Line-25" as "Line-" / "25" in a narrow column.
    """
    from yieldtrial.report.model import Column, Report, Section, Table

    table = Table("t", [Column("s", "Stratum", "text")], [{"s": "Sub-plots"}, {"s": "N-180"}])
    report = Report("probe", "en", [Section("s", "S", [table])])
    document = docx.Document(io.BytesIO(report.to_docx()))
    cells = [row.cells[0] for row in document.tables[0].rows[1:]]
    assert [c.text for c in cells] == ["Sub-plots", "N-180"]
    assert len(cells[0]._tc.findall(f".//{W}noBreakHyphen")) == 1  # Sub‑plots
    assert len(cells[1]._tc.findall(f".//{W}noBreakHyphen")) == 1  # N‑180


def test_noninferiority_verdicts_are_centred(rcbd: Any, document: Any) -> None:
    """The verdict after the right-aligned one-sided P is centred ("0.008 非劣" read as one)."""
    verdicts = {"non-inferior", "non-inferiority not shown", "非劣", "未能证明非劣"}
    cells = [
        cell
        for table in _data_tables(document)
        for cell in table.iter(f"{W}tc")
        if _cell_text(cell) in verdicts
    ]
    assert len(cells) == 2  # T - CK1 and T - CK2 of the replicated RCBD
    for cell in cells:
        assert cell.find(f"{W}p/{W}pPr/{W}jc").get(f"{W}val") == "center"


def test_noninferiority_verdict_column_has_room_to_stand_apart(
    rcbd: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verdict column is VERDICT_PAD_MM wider than its words need (the page has room).

    Centred in a column just as wide as "非劣" it still read "0.008 非劣" after the P.
    """
    from yieldtrial.report import render_docx
    from yieldtrial.report.model import Table

    table = next(b for s in rcbd.sections for b in s.blocks
                 if isinstance(b, Table) and b.key == "noninferiority")  # fmt: skip
    column = next(i for i, c in enumerate(table.columns) if c.key == "verdict")
    padded = render_docx._Writer(rcbd.shown()).plan(table)
    monkeypatch.setattr(render_docx, "_pad_verdicts", lambda block, plan: plan)
    plain = render_docx._Writer(rcbd.shown()).plan(table)
    position = padded.parts[0].index(column)
    extra = padded.widths_mm[0][position] - plain.widths_mm[0][position]
    assert extra == pytest.approx(render_docx.VERDICT_PAD_MM)


def test_long_table_never_ends_with_a_few_rows_alone() -> None:
    """A table longer than a page, begun under three paragraphs: its last page gets rows.

    54 rows of a 14-column (landscape) table went on as 13 + 40 + 1: "Entry 54" alone under
    "Table 1 (continued)." on a page of its own (LibreOffice render); now 13 + 36 + 5.
    """
    from yieldtrial.report.model import Column, Paragraph, Report, Section, Table
    from yieldtrial.report.render_docx import FIRST_ROWS

    columns = [Column("t", "Treatment", "text")] + [
        Column(f"c{i}", f"Measured value {i} (kg/ha)", "number", 1) for i in range(13)
    ]
    rows = [{"t": f"Entry {r + 1:02d}", **{f"c{i}": 1000.0 + 7.3 * r + i for i in range(13)}}
            for r in range(54)]  # fmt: skip
    table = Table("t", columns, rows, "Probe table of many columns", notes=["A note."])
    intro = [Paragraph("Intro paragraph. " * 40) for _ in range(3)]
    report = Report("probe", "en", [Section("s", "Section", [*intro, table])])
    document = docx.Document(io.BytesIO(report.to_docx()))
    body_rows = [len(t.rows) - 1 for t in document.tables]  # one header row each
    assert sum(body_rows) == 54 and len(body_rows) == 3
    assert body_rows[-1] >= FIRST_ROWS


def test_loading_the_renderers_leaves_urllib_alone() -> None:
    """Every report format loads the renderers; the Word one no longer imports urllib.

    ``xml.sax.saxutils`` (the Word text's escape) imports ``urllib.request``, 0.015 s of
    CPU; it is imported where a Word file is written (stop 42).  Fresh interpreter.
    """
    import sys

    code = (
        "import sys; import yieldtrial.report.renderers; "
        "print(sorted(m for m in ('urllib.request', 'xml.sax') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
