"""Hostile pass of stop 50: outputs fed back as inputs, what a Chinese station exports.

Each output of a command given to the next (``standardize`` twice, a field book filled in
Excel, a report given as a plot table), Chinese spreadsheets (headers, full-width digits,
units in cells, mu areas, title and unit rows, GBK text), and two runs writing one output.
Each case asserts the exit status, one line on stderr, and the files left as they were.
The generator of the pass is described in CHANGELOG.md (stop 50).
"""

from __future__ import annotations

import re

import pytest

from hostile import HEADER, RCBD_ROWS, assert_one_line_error, digests, plot_table, run_cli

TABLE = HEADER + "".join(RCBD_ROWS)


def assert_one_line(argv, capsys, match, *, untouched=(), absent=()):
    """Exit 1 with one line matching ``match`` (English or Chinese), files as they were."""
    kept = list(untouched)
    before = digests(kept)
    code, lines = run_cli(argv, capsys)
    assert code == 1, lines
    assert len(lines) == 1, lines
    assert re.search(match, lines[0]), lines[0]
    assert digests(kept) == before
    for path in absent:
        assert not path.exists(), path


# ------------------------------------------------------------------ outputs fed back
def _yields_at_14(tmp_path, capsys):
    """``standardize --standard-moisture-pct 14``, trimmed to its yield column (as a user does)."""
    plots = plot_table(tmp_path, rows=RCBD_ROWS)
    out = tmp_path / "s.csv"
    argv = ["standardize", str(plots), "--crop", "wheat", "--standard-moisture-pct", "14"]
    assert run_cli([*argv, "-o", str(out)], capsys)[0] == 0
    import pandas as pd

    table = pd.read_csv(out, encoding="utf-8-sig")
    yields = tmp_path / "y.csv"
    keep = ["plot_id", "block", "treatment", "yield_kg_ha", "standard_moisture_pct"]
    table[keep].to_csv(yields, index=False)
    return yields


def test_yields_at_another_standard_without_harvest_columns_are_refused(tmp_path, capsys):
    """Yields at 14 % were reported as at 13 % (1.2 % high), silently; now an error."""
    yields = _yields_at_14(tmp_path, capsys)
    out = tmp_path / "r.md"
    argv = ["report", str(yields), "--crop", "wheat", "--control", "CK", "--no-figures"]
    assert_one_line_error(
        [*argv, "-o", str(out)],
        capsys,
        match=r"yields are at 14 % moisture \(its standard_moisture_pct column\), not at the 13 "
        r"% of this analysis, .* \(--standard-moisture-pct 14\)",
        untouched=[yields],
        absent=[out],
    )


def test_yields_at_another_standard_are_read_at_that_standard(tmp_path, capsys):
    """The fix the message names works: the table's yields, as given, at their 14 %."""
    yields = _yields_at_14(tmp_path, capsys)
    out = tmp_path / "r.json"
    argv = ["report", str(yields), "--crop", "wheat", "--control", "CK", "--no-figures"]
    code, lines = run_cli([*argv, "--standard-moisture-pct", "14", "-o", str(out)], capsys)
    assert code == 0, lines
    import json

    import pandas as pd

    means = {m["treatment"]: m["mean"] for m in json.loads(out.read_text())["results"]["means"]}
    table = pd.read_csv(yields)  # balanced RCBD: the LS-means are the raw treatment means
    expected = table.groupby("treatment")["yield_kg_ha"].mean()
    assert means == pytest.approx(expected.to_dict(), rel=1e-12)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_word_report_given_as_plot_table_is_named(tmp_path, capsys, lang):
    """``report -o r.docx`` given back was "a Word document ... save the sheet as .xlsx"."""
    pytest.importorskip("docx")
    plots = plot_table(tmp_path, rows=RCBD_ROWS)
    report = tmp_path / "r.docx"
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK", "--no-figures"]
    assert run_cli([*argv, "-o", str(report)], capsys)[0] == 0
    again = tmp_path / "again.md"
    match = {
        "en": r"^yieldtrial: error: r\.docx: this is a yieldtrial report \(Word\), not a plot "
        "table; give the plot table the report was made from$",
        "zh": r"^yieldtrial: 错误：r\.docx：这是 yieldtrial 写出的报告（Word），不是小区数据表",
    }[lang]
    assert_one_line(
        [*argv[:1], str(report), *argv[2:], "--lang", lang, "-o", str(again)],
        capsys,
        match,
        untouched=[report],
        absent=[again],
    )


def test_other_word_document_is_chinese_under_lang_zh(tmp_path, capsys):
    """A Word document not of yieldtrial was refused in English under ``--lang zh``."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("小区产量")
    path = tmp_path / "plots.docx"
    document.save(path)
    assert_one_line(
        ["report", str(path), "--crop", "wheat", "--lang", "zh", "-o", str(tmp_path / "r.md")],
        capsys,
        r"^yieldtrial: 错误：plots\.docx：这是 Word 文档（\.docx），不是 Excel 工作簿",
        untouched=[path],
    )


# ------------------------------------------------------------- a Chinese station's table
#: The small RCBD with a station's brief headers (docs/data-format.md: 小区, 区组, 处理, 面积,
#: 鲜重, 水分; without a unit an area is m2 and a mass kg).
BRIEF = "小区,区组,处理,面积,鲜重,水分\n"
BRIEF_ROWS = "".join(
    ",".join(row.split(",")[:6]) + "\n" for row in RCBD_ROWS
)  # plot_id, block, treatment, area, mass, moisture: the same columns in the same order


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_unit_row_under_the_header_is_named(tmp_path, capsys, encoding):
    """A row of units (亩, 公斤, %) was 3 non-numeric cells and 2 empty labels."""
    path = tmp_path / "plots.csv"
    path.write_bytes((BRIEF + ",,,亩,公斤,%\n" + BRIEF_ROWS).encode(encoding))
    out = tmp_path / "r.md"
    assert_one_line_error(
        ["report", str(path), "--crop", "wheat", "--control", "CK", "-o", str(out)],
        capsys,
        match=r"^yieldtrial: error: plots\.csv: row 2 holds units \('亩', '公斤', '%'\), not a "
        r"plot: .*\('面积' -> '面积\(亩\)', '鲜重' -> '鲜重\(公斤\)', '水分' -> '水分\(%\)'\) and "
        "delete the row$",
        untouched=[path],
        absent=[out],
    )


def test_unit_row_message_is_chinese_under_lang_zh(tmp_path, capsys):
    """The unit-row line has its Chinese form."""
    path = tmp_path / "plots.csv"
    path.write_text(BRIEF + ",,,m2,kg,%\n" + BRIEF_ROWS, encoding="utf-8")
    argv = ["report", str(path), "--crop", "wheat", "--lang", "zh", "-o", str(tmp_path / "r.md")]
    assert_one_line(
        argv, capsys, r"^yieldtrial: 错误：plots\.csv：第 2 行是单位（'m2'、'kg'、'%'），不是小区"
    )


def test_first_sheet_of_notes_names_the_other_sheets(tmp_path, capsys):
    """A workbook of 说明 (notes) then 数据 was "missing required columns" of the notes."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(["2024 年小麦品比试验测产数据"])
    notes.append(["测产人：张三"])
    data = book.create_sheet("数据")
    for line in (BRIEF + BRIEF_ROWS).splitlines():
        data.append([float(c) if c.replace(".", "").isdigit() else c for c in line.split(",")])
    path = tmp_path / "plots.xlsx"
    book.save(path)
    out = tmp_path / "r.md"
    argv = ["report", str(path), "--crop", "wheat", "--control", "CK", "--no-figures"]
    assert_one_line_error(
        [*argv, "-o", str(out)],
        capsys,
        match=r"^yieldtrial: error: plots\.xlsx: the first sheet, '说明', holds no plot table .*"
        r"the workbook's sheets are '说明', '数据': choose the sheet .*--sheet NAME",
        untouched=[path],
        absent=[out],
    )
    code, lines = run_cli([*argv, "--sheet", "数据", "-o", str(out)], capsys)
    assert code == 0, lines


def _standardized_table(tmp_path, capsys):
    """``standardize`` of the small RCBD; its lines (header first) and the file."""
    plots = plot_table(tmp_path, rows=RCBD_ROWS)
    out = tmp_path / "s.csv"
    argv = ["standardize", str(plots), "--crop", "wheat", "-o", str(out)]
    assert run_cli(argv, capsys)[0] == 0
    return out.read_text(encoding="utf-8-sig").splitlines(), out


def test_yield_corrected_in_a_standardized_table_is_named(tmp_path, capsys):
    """A yield cell corrected by hand was ignored for the records' yield, without a word."""
    lines, out = _standardized_table(tmp_path, capsys)
    column = lines[0].split(",").index("yield_kg_ha")
    cells = lines[1].split(",")
    computed = float(cells[column])
    cells[column] = "5000"
    out.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    argv = ["report", str(out), "--crop", "wheat", "--control", "CK", "--no-figures"]
    code, err = run_cli([*argv, "-o", str(tmp_path / "r.md")], capsys)
    assert code == 0, err
    expected = f"plot '101' = 5,000.0 / {computed:,.1f} (the table's value / the yield its harvest"
    assert any(expected in line and "yield_kg_ha was changed" in line for line in err), err


def test_standardized_table_rounded_by_a_spreadsheet_is_read_without_a_word(tmp_path, capsys):
    """Yields saved with one decimal (as a spreadsheet shows them) are not "changed"."""
    lines, out = _standardized_table(tmp_path, capsys)
    column = lines[0].split(",").index("yield_kg_ha")
    rounded = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[column] = f"{float(cells[column]):.1f}"
        rounded.append(",".join(cells))
    out.write_text("\n".join(rounded) + "\n", encoding="utf-8")
    argv = ["report", str(out), "--crop", "wheat", "--control", "CK", "--no-figures"]
    code, err = run_cli([*argv, "-o", str(tmp_path / "r.md")], capsys)
    assert code == 0, err
    assert not any("changed in the table" in line for line in err), err


def test_gbk_entries_that_read_as_utf8_do_not_make_a_mixed_file(tmp_path, capsys):
    """A GBK file of 品系 entries beside 对照 rows was "a file that mixes text encodings".

    '品系' in GBK (C6 B7 CF B5) is valid UTF-8 ('Ʒϵ'); the 对照 rows are not.
    """
    header = "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    rows = [
        f"{b}0{i + 1},{b},{label},20,{14 + 0.3 * i + 0.1 * b + 0.05 * (i * b % 2):.2f},13.5\n"
        for b in (1, 2, 3)
        for i, label in enumerate(("对照", "品系1", "品系2"))
    ]
    path = tmp_path / "plots.csv"
    path.write_bytes((header + "".join(rows)).encode("gbk"))
    out = tmp_path / "r.json"
    argv = ["report", str(path), "--crop", "wheat", "--control", "对照", "--no-figures"]
    code, lines = run_cli([*argv, "-o", str(out)], capsys)
    assert code == 0, lines
    import json

    means = json.loads(out.read_text(encoding="utf-8"))["results"]["means"]
    assert sorted(m["treatment"] for m in means) == ["品系1", "品系2", "对照"]


def test_gbk_file_that_decodes_as_utf8_is_refused_with_both_readings(tmp_path, capsys):
    """A GBK table of 品系 entries only was read as UTF-8: treatments 'Ʒε1', 'Ʒε2', silently."""
    header = "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    rows = [
        f"{b}0{i},{b},品系{i},20,{14 + 0.3 * i + 0.1 * b + 0.05 * (i * b % 2):.2f},13.5\n"
        for b in (1, 2)
        for i in (1, 2)
    ]
    path = tmp_path / "plots.csv"
    path.write_bytes((header + "".join(rows)).encode("gbk"))
    out = tmp_path / "r.json"
    argv = ["report", str(path), "--crop", "wheat", "--control", "品系1", "--no-figures"]
    assert_one_line_error(
        [*argv, "-o", str(out)],
        capsys,
        match=r"plots\.csv: the file reads as UTF-8 with text such as 'Ʒϵ1', which is Chinese "
        r"GBK text read as UTF-8 \('品系1' as GBK\); pass --encoding gb18030",
        untouched=[path],
        absent=[out],
    )
    code, lines = run_cli([*argv, "--encoding", "gb18030", "-o", str(out)], capsys)
    assert code == 0, lines


@pytest.mark.parametrize(
    "label",
    ["Jǐnmài 58", "Ştefan ţară", "١٣-B"],
    ids=["pinyin-tone-marks", "romanian", "arabic-indic-digits"],
)
def test_utf8_labels_of_other_scripts_are_not_taken_for_gbk(tmp_path, capsys, label):
    """Real UTF-8 labels whose bytes also read as GBK are read as typed, not refused.

    'ǐ' is C7 90 and 'ţ' C5 A3 ... : the first check of stop 50 refused a pinyin variety
    name as "Chinese GBK text read as UTF-8" (GB18030 reads C7 90 as a hanzi).  GBK's
    common hanzi (GB2312) take second bytes A1-FE, and pinyin's tone marks have 8E-9C;
    Arabic-Indic digits (D9 A1, D9 A3) are a script labels do hold.
    """
    header = "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    rows = [
        f"{b}{i},{b},{name},20,{14 + 0.3 * i + 0.1 * b + 0.05 * (i * b % 2):.2f},13.5\n"
        for b in (1, 2)
        for i, name in enumerate(("CK", label))
    ]
    path = tmp_path / "plots.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    out = tmp_path / "r.json"
    argv = ["report", str(path), "--crop", "wheat", "--control", "CK", "--no-figures"]
    code, lines = run_cli([*argv, "--letters", "lsd", "-o", str(out)], capsys)
    assert code == 0, lines
    import json

    means = json.loads(out.read_text(encoding="utf-8"))["results"]["means"]
    assert sorted(m["treatment"] for m in means) == sorted(["CK", label])
