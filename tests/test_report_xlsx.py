"""Excel output of the report (issue 11 item 6): one sheet per table, numbers as numbers."""

from __future__ import annotations

import io
import sys
import zipfile
from typing import Any

import pytest

openpyxl = pytest.importorskip("openpyxl")

from shipped import example_report  # noqa: E402
from yieldtrial.cli import main  # noqa: E402
from yieldtrial.datasets import example_path  # noqa: E402
from yieldtrial.errors import MissingExtraError  # noqa: E402
from yieldtrial.report._widths import excel_digits  # noqa: E402
from yieldtrial.report.model import Column, KeyValues, Report, Section, Table, format_value  # noqa: E402
from yieldtrial.report.render_xlsx import neutralise, sheet_name  # noqa: E402


@pytest.fixture(scope="module")
def rcbd() -> Any:
    return example_report(report_date="2024-06-01", figures=False)


@pytest.fixture(scope="module")
def workbook(rcbd: Any) -> Any:
    return openpyxl.load_workbook(io.BytesIO(rcbd.render("xlsx")))


def test_one_sheet_per_table(rcbd: Any, workbook: Any) -> None:
    """Every table (and the header list) of the report is a sheet of its own (and the methods)."""
    blocks = [b for s in rcbd.sections for b in s.blocks if isinstance(b, Table | KeyValues)]
    assert len(workbook.sheetnames) == len(blocks) + 1
    assert len({name.lower() for name in workbook.sheetnames}) == len(workbook.sheetnames)
    for name in workbook.sheetnames:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


def test_means_are_numbers_equal_to_the_json(rcbd: Any, workbook: Any) -> None:
    """The means sheet stores the report's unrounded numbers, formatted for display."""
    table = rcbd.section("means").blocks[0]
    sheet = workbook["Treatment means and comparisons"]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if r[0] == table.columns[0].label)
    header = list(rows[header_index])
    mean_col = header.index(next(h for h in header if h and h.startswith("Yield (kg/ha)")))
    first = rows[header_index + 1]
    assert isinstance(first[mean_col], float)
    assert first[mean_col] == table.rows[0]["mean"]
    cell = sheet.cell(header_index + 2, mean_col + 1)
    assert cell.number_format.endswith("0.0")


def test_a_negative_number_keeps_its_minus_in_libreoffice(rcbd: Any, workbook: Any) -> None:
    """A number column has no conditional format (LibreOffice dropped a negative's minus).

    Stop 37, zh replicated example through LibreOffice: the contrast "CK2 − CK1" showed its
    95 % CI as "50.75" to "4.52" and t = "2.93" (stored -50.75, -4.52, -2.93), the economics
    table's lower limits as 105.6, 40.9, 0.2: the last section of
    "[>=10000]#,##0.00;[<=-10000]-#,##0.00;0.00" is printed without the sign.
    """
    sheet = workbook["Named contrasts"]
    negatives = [
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, float) and c.value < 0
    ]
    assert negatives  # the rate cut's estimate, CI and t
    for cell in negatives:
        assert "[" not in cell.number_format, cell.number_format


def test_units_in_headers_and_notes_under_the_table(workbook: Any) -> None:
    """Columns with a unit show it in the header; the notes follow the table."""
    sheet = workbook["Analysis of variance"]
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert any(isinstance(v, str) and v.startswith("CV (%)") for v in values)
    means = workbook["Treatment means and comparisons"]
    texts = [v for row in means.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert any("Dunnett P values are adjusted" in v for v in texts)
    assert "Significance" in texts  # the group header above the letter columns


def test_formula_like_text_is_neutralised() -> None:
    """Text cells starting with = + - @ (or tab/CR) get a leading apostrophe (OWASP)."""
    table = Table(
        "t",
        [Column("label", "Label", "text"), Column("x", "X", "number", 1)],
        [{"label": '=HYPERLINK("http://x")', "x": 1.0}, {"label": "@SUM(A1)", "x": -2.0}],
        notes=["+1 note"],
    )
    report = Report("=cmd", "en", [Section("s", "S", [table])], {"report_date": "2024-06-01"})
    sheet = openpyxl.load_workbook(io.BytesIO(report.render("xlsx"))).active
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert '\'=HYPERLINK("http://x")' in values and "'@SUM(A1)" in values
    assert "'+1 note" in values and -2.0 in values  # numbers stay numbers
    assert neutralise("\tx") == "'\tx" and neutralise("CK") == "CK"


def test_sheet_names_are_valid_and_unique() -> None:
    """Forbidden characters are replaced, names cut to 31 characters, duplicates numbered."""
    used: set[str] = set()
    names = [
        sheet_name("a/b:c*d?[e]", used),
        sheet_name("A/B:C*D?[E]", used),
        sheet_name("x" * 40, used),
    ]
    assert names[0] == "a b c d e"
    assert names[1].endswith(" 2") and len(names[2]) == 31


def test_xlsx_is_deterministic(rcbd: Any) -> None:
    """Identical reports give identical bytes (fixed zip timestamps and dates)."""
    first = rcbd.render("xlsx")
    assert first == rcbd.render("xlsx")
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "2024-06-01T00:00:00Z" in archive.read("docProps/core.xml").decode("utf-8")


def test_xlsx_without_openpyxl_names_the_extra(monkeypatch: pytest.MonkeyPatch, rcbd: Any) -> None:
    """Without openpyxl the error names the xlsx extra."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingExtraError, match=r"yieldtrial\[xlsx\]"):
        rcbd.render("xlsx")


def test_cli_writes_xlsx(tmp_path: Any) -> None:
    """`yieldtrial report ... -o tables.xlsx` writes a workbook."""
    out = tmp_path / "tables.xlsx"
    plots = example_path("replicated-rcbd")
    config = example_path("replicated-rcbd", "trial.toml")
    assert (
        main(["report", str(plots), "--config", str(config), "--no-figures", "-o", str(out)]) == 0
    )
    assert "Analysis of variance" in openpyxl.load_workbook(out).sheetnames


def test_sheet_names_are_cut_between_words():
    """Excel allows 31 characters; the network sheets were cut inside a word ("... check ac")."""
    from yieldtrial.report.render_xlsx import sheet_name

    used: set[str] = set()
    # the network report's section titles (strings.toml), 42 and 35 characters long
    assert sheet_name("Treatments against the check across sites", used) == (
        "Treatments against the check"
    )
    assert sheet_name("Response to the site's yield level", used) == "Response to the site's yield"
    assert sheet_name("各处理与对照的多点汇总比较", used) == "各处理与对照的多点汇总比较"
    long_zh = "试" * 40  # no space: cut at 31 characters as before
    assert sheet_name(long_zh, used) == "试" * 31


def _header_texts(report: Any) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(report.render("xlsx")))
    return [
        value
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_headers_state_their_unit_once_as_the_report_spells_it(lang: str) -> None:
    """Headers read "面积（m²） (m2)", "产量（kg/亩） (kg/mu)", "Area (m²) (m2)".

    The label spelled the unit for display (m², kg/亩) and the machine unit was added
    again; a unit added to a Chinese label is spelled the Chinese way too.
    """
    report = example_report(report_date="2024-06-01", figures=False, lang=lang)
    texts = _header_texts(report)
    assert not [t for t in texts if "(m2)" in t or "(kg/mu)" in t or ") (" in t or "） (" in t]
    if lang == "zh":
        assert "产量（kg/亩）" in texts and "面积（m²）" in texts
    else:
        assert "Area (m²)" in texts


def test_unit_added_to_a_chinese_label_is_spelled_the_chinese_way() -> None:
    table = Table("t", [Column("a", "1", "number", 1, "kg/mu")], [{"a": 480.0}], "表")
    report = Report("报告", "zh", [Section("s", "小区产量", [table])])
    assert "1（kg/亩）" in _header_texts(report)


@pytest.mark.parametrize(
    ("lang", "label", "shown"),
    [
        ("zh", "面积（亩）", "面积（亩）"),
        ("zh", "面积", "面积（亩）"),
        ("en", "Area (mu)", "Area (mu)"),
    ],
)
def test_area_in_mu_is_named_once_the_chinese_way(lang: str, label: str, shown: str) -> None:
    """Stop 39: the zh plot sheet's header read "面积（亩）（mu）" (a bare "mu" kept English)."""
    table = Table("t", [Column("a", label, "number", 2, "mu")], [{"a": 1.0}], "表")
    report = Report("报告", lang, [Section("s", "小区产量", [table])])
    assert shown in _header_texts(report)


def _one_table_workbook(lang: str, columns: int = 2) -> Any:
    cols = [Column("t", "Treatment", kind="text")] + [
        Column(f"v{i}", f"Value number {i} (kg/ha)") for i in range(1, columns)
    ]
    rows = [{"t": "CK", **{f"v{i}": 1.0 for i in range(1, columns)}}]
    table = Table("tab", cols, rows, caption="Cap", footer=[("CV (%)", "4.1")])
    report = Report("T", lang, [Section("s", "S", [table])], {"report_date": "2024-06-01"})
    return openpyxl.load_workbook(io.BytesIO(report.render("xlsx")))


def test_table_sheet_prints_on_the_page_width_with_its_header_repeated() -> None:
    sheet = _one_table_workbook("en").worksheets[0]
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$2:$2"  # the header row under the caption (row 1)
    assert sheet.page_setup.orientation != "landscape"


def test_wide_table_sheet_prints_landscape() -> None:
    # 12 columns of about 25 characters: wider than a portrait page's 100
    sheet = _one_table_workbook("en", columns=12).worksheets[0]
    assert sheet.page_setup.orientation == "landscape"


@pytest.mark.parametrize(("lang", "line"), [("en", "CV (%): 4.1"), ("zh", "CV (%)：4.1")])
def test_summary_line_under_a_table_uses_the_languages_colon(lang: str, line: str) -> None:
    sheet = _one_table_workbook(lang).worksheets[0]
    assert line in [cell.value for cell in sheet["A"]]


def _text_sheet(texts: list[str]) -> Any:
    """Return the sheet of one two-column table: a text column holding ``texts``, a number."""
    cols = [Column("t", "Item", kind="text"), Column("v", "Rate", digits=1)]
    rows = [{"t": text, "v": 0.3} for text in texts]
    report = Report("T", "en", [Section("s", "S", [Table("tab", cols, rows, "Cap")])])
    return openpyxl.load_workbook(io.BytesIO(report.render("xlsx"))).worksheets[0]


@pytest.mark.parametrize(
    ("text", "carlito"),
    [("2023-10-07", 9.21), ("nitrogen synergist (assumed DCD)", 27.02)],
)
def test_a_text_column_is_as_wide_as_its_longest_text(text: str, carlito: float) -> None:
    """A text column fits its text in Excel's digit units (stop 36, user pass).

    ``carlito``: the text's width over the width of "0" in Carlito (Calibri's metrics),
    measured with PIL ``ImageFont.getlength``. Sized from em, the column showed "2023-10-0"
    (8.3 digits) and "nitrogen synergist (assum" (21.7) in LibreOffice.
    """
    sheet = _text_sheet(["basal", text])
    assert sheet.column_dimensions["A"].width >= carlito + 1.0  # the cell's padding
    assert sheet["A3"].alignment.wrap_text is not True  # one line: no wrapping needed


def test_a_text_longer_than_the_widest_column_wraps_in_a_taller_row() -> None:
    """A 75-character product name: the column stops at 60 digits, the cell wraps, two lines."""
    text = "compound fertilizer 15-15-15 + nitrogen synergist (assumed DCD) 0.3 kg/mu, basal"
    sheet = _text_sheet(["short", text])
    assert sheet.column_dimensions["A"].width == 60.0
    assert sheet["A4"].alignment.wrap_text and sheet["A4"].alignment.vertical == "top"
    assert sheet.row_dimensions[4].height == 30.0  # two lines of Calibri 11 (15 pt each)
    assert sheet.row_dimensions[3].height is None  # the short text's row keeps its height


def test_a_wrapped_chinese_cell_gets_chinese_line_heights() -> None:
    """A Chinese text wrapping on two lines: 2 x 17 pt, not 2 x 15 pt (stop 37).

    LibreOffice, zh doubled-weight report: the suspect-plot evidence's second line sat on
    the table's bottom rule at 30 pt (a CJK line of 11 pt takes 17 pt, ``_CJK_LINE_PT``).
    """
    text = (
        "外学生化残差 t = 12.1，Bonferroni 校正 P < 0.001；"
        "为常见值的 2.01 倍（稳健 z = 11.2），重量加倍?"
    )
    sheet = _text_sheet(["短", text])
    assert sheet.column_dimensions["A"].width == 60.0
    assert sheet.row_dimensions[4].height == 2 * 17.0


def test_a_short_chinese_header_stays_on_one_line() -> None:
    """A header 施肥时期 over 基肥: the column holds its 4 characters (LibreOffice set 施肥时 / 期).

    A full-width character is 1 em of 11 pt, 1.97 widths of Calibri's digit (0.507 em):
    4 characters need 7.9 digit widths plus the cell's padding.
    """
    cols = [Column("t", "施肥时期", kind="text"), Column("d", "日期", kind="text")]
    table = Table("tab", cols, [{"t": "基肥", "d": "2023-10-07"}], "表")
    report = Report("T", "zh", [Section("s", "S", [table])])
    sheet = openpyxl.load_workbook(io.BytesIO(report.render("xlsx"))).worksheets[0]
    assert sheet.column_dimensions["A"].width >= 4 * 1.97 + 1.0


def test_a_header_is_in_calibri_as_its_column() -> None:
    """The bold captions and headers name Calibri, as the cells (stop 36, user pass).

    Unnamed, LibreOffice set them in a wide serif, and the widths estimated for Calibri
    broke "B1（kg/亩）" as "B1（kg/亩" / "）".
    """
    sheet = _text_sheet(["basal"])
    assert sheet["A1"].font.name == "Calibri" and sheet["A1"].font.b  # the caption
    assert sheet["A2"].font.name == "Calibri" and sheet["A2"].font.b  # the header


def test_a_short_chinese_header_with_its_unit_is_set_on_one_line() -> None:
    """产量（kg/公顷）: 16.5 digit widths, within 17: the column holds it whole.

    2 ideographs and 2 full-width brackets at 2 widths, "kg" 2 x 0.99, "/" 0.54, 公顷 4,
    plus 1.5 of padding (``excel_digits``); LibreOffice broke it inside the unit.
    """
    cols = [Column("y", "产量（kg/公顷）", digits=1)]
    table = Table("tab", cols, [{"y": 7134.0}], "表")
    report = Report("T", "zh", [Section("s", "S", [table])])
    sheet = openpyxl.load_workbook(io.BytesIO(report.render("xlsx"))).worksheets[0]
    assert sheet.column_dimensions["A"].width >= 16.4


def test_a_text_of_ten_thousand_characters_stays_within_excels_tallest_row() -> None:
    """A 10,000-character cell asked a row of 2,550 pt; Excel's rows end at 409 pt (hostile)."""
    sheet = _text_sheet(["short", "x" * 10_000])
    assert sheet.row_dimensions[4].height == 409.0
    assert sheet.column_dimensions["A"].width == 60.0


@pytest.mark.parametrize(("label", "lang"), [("施" * 1000, "zh"), ("H" * 1000, "en")])
def test_a_header_of_a_thousand_characters_keeps_the_widest_column(label: str, lang: str) -> None:
    """One header word of 1,000 characters: the column stops at 60 digits (hostile pass).

    It was sized to hold the word (2,001.5 and 1,557 digit widths, beyond Excel's 255) and
    its header row to 587 pt.
    """
    table = Table("tab", [Column("t", label, kind="text")], [{"t": "a"}], "Cap")
    report = Report("T", lang, [Section("s", "S", [table])])
    sheet = openpyxl.load_workbook(io.BytesIO(report.render("xlsx"))).worksheets[0]
    assert sheet.column_dimensions["A"].width == 60.0
    assert max(d.height or 0 for d in sheet.row_dimensions.values()) <= 409.0


def _header_cell(label: str, lang: str) -> tuple[Any, Any]:
    """Return the header cell and the sheet of a one-column number table headed ``label``."""
    table = Table("tab", [Column("y", label, digits=1)], [{"y": 345.2}], "表")
    report = Report("T", lang, [Section("s", "S", [table])])
    sheet = openpyxl.load_workbook(io.BytesIO(report.render("xlsx"))).worksheets[0]
    return sheet["A2"], sheet


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("95% 置信下限（kg/亩）", ["95%", "置信下限", "（kg/亩）"]),
        ("Dunnett P（对CK1）", ["Dunnett P", "（对CK1）"]),
    ],
)
def test_a_long_chinese_header_breaks_at_a_space_or_before_its_unit(
    label: str, lines: list[str]
) -> None:
    """Lines chosen at spaces and before the bracket, written with line breaks (stop 36).

    LibreOffice filled each line with as many characters as fit: "95% 置信下" / "限（kg/亩）",
    "Dunnett P（" / "对CK1）". The column (11.6 and 12.3 digit widths, from the header on
    two lines) holds "置信下限" (9.5 with padding: 4 ideographs at 2) and "（对CK1）" (11.1)
    whole; "95% 置信下限" (13.6) and "Dunnett P（对CK1）" (20.2) do not fit on one line.
    """
    cell, sheet = _header_cell(label, "zh")
    assert cell.value == "\n".join(lines)
    assert cell.alignment.wrap_text
    width = sheet.column_dimensions["A"].width
    assert all(excel_digits(line) <= width for line in lines)  # no line wraps again


def test_a_chinese_header_row_is_as_tall_as_its_lines() -> None:
    """Four chosen lines of Chinese: 4 x 17 pt + 2 (LibreOffice's CJK line is 1.45 em of 11 pt).

    At 15 pt a line the header printed over the caption above it. The parenthesis of 40
    digit widths is a phrase, not a unit: it breaks at its spaces; "（1 − 界值）" stays whole.
    """
    cell, sheet = _header_cell("单侧 P（原假设：处理 ≤（1 − 界值）× CK，校正）", "zh")
    assert cell.value == "单侧 P\n（原假设：处理\n≤（1 − 界值）×\nCK，校正）"
    assert sheet.row_dimensions[2].height == 4 * 17.0 + 2


@pytest.mark.parametrize(
    ("label", "width"), [("Dunnett P vs CK1", 10.6832), ("95 % CI low (kg/mu)", 10.856)]
)
def test_an_english_header_is_left_to_wrap_at_its_spaces(label: str, width: float) -> None:
    """An English header keeps its text and its column: no line break is written into it.

    LibreOffice breaks Latin text at spaces only. ``width``: the column the renderer gave
    before Chinese headers had their lines chosen (commit 1ce2814).
    """
    cell, sheet = _header_cell(label, "en")
    assert cell.value == label
    assert sheet.column_dimensions["A"].width == pytest.approx(width)


def test_text_cell_right_of_a_number_is_indented(rcbd: Any, workbook: Any) -> None:
    """Rank "2" beside treatment "CK1", P "0.011" beside letter "a": one indent between them.

    The number is right-aligned, the text left-aligned; without a gap LibreOffice printed
    "2 CK1" and "0.008 a" as if one column (stop 37). Values stay as they were.
    """
    table = rcbd.section("means").blocks[0]
    sheet = workbook["Treatment means and comparisons"]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if r[0] == table.columns[0].label)
    kinds = [c.kind for c in table.columns]
    pairs = [i for i in range(1, len(kinds)) if kinds[i] == "text" and kinds[i - 1] != "text"]
    keys = [table.columns[i].key for i in pairs]
    assert "treatment" in keys and any(k.startswith("letters") for k in keys), keys
    for i in pairs:
        for r in range(header_index + 2, header_index + 2 + len(table.rows)):
            alignment = sheet.cell(r, i + 1).alignment
            assert (alignment.horizontal, alignment.indent) == ("left", 1), (i, r)
    assert sheet.cell(header_index + 2, 1).alignment.indent == 0  # the rank: a number, no indent
    assert rows[header_index + 1][pairs[0]] == table.rows[0][table.columns[pairs[0]].key]


def test_rank_cells_are_centred(rcbd: Any, workbook: Any) -> None:
    """The rank is centred, as in the Word report: right-aligned, "2 CK1" read as one cell.

    One indent before the treatment (stop 37) still printed the two about a space apart.
    """
    table = rcbd.section("means").blocks[0]
    assert table.columns[0].key == "rank"
    sheet = workbook["Treatment means and comparisons"]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, r in enumerate(rows) if r[0] == table.columns[0].label)
    for r in range(header_index + 2, header_index + 2 + len(table.rows)):
        assert sheet.cell(r, 1).alignment.horizontal == "center", r
        assert isinstance(sheet.cell(r, 1).value, int)  # still a number


def test_a_p_value_below_0_001_shows_as_in_the_other_files() -> None:
    """Stop 41: a P of 6.2e-12 showed "0.000" (format 0.000); the other files print "<0.001".

    The stored number stays the double; its format shows "<0.001".
    """
    table = Table(
        "p",
        [Column("entry", "Entry", "text"), Column("p", "P", "pvalue")],
        [{"entry": "V3", "p": 6.2e-12}, {"entry": "V1", "p": 0.0149}],
    )
    report = Report("T", "en", [Section("s", "S", [table])], {"report_date": "2024-06-01"})
    sheet = openpyxl.load_workbook(io.BytesIO(report.render("xlsx"))).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, float)]
    assert [c.value for c in cells] == [6.2e-12, 0.0149]
    assert {c.number_format for c in cells} == {'[<0.001]"<0.001";0.000'}
    assert [format_value(c.value, table.columns[1]) for c in cells] == ["<0.001", "0.015"]
