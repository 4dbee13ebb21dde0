"""More hostile plot tables: European exports, repeated headers, odd labels and edge trials.

Each case runs the CLI in-process and checks the exit status, the one stderr line, the
input left unchanged and no output written (helpers in ``hostile.py``).
"""

from __future__ import annotations

import pytest

import yieldtrial.commands.standardize as standardize_command
from hostile import HEADER, ROWS, assert_one_line_error, standardize_argv
from yieldtrial.io import read_plots, streaming


def _semicolon_table(tmp_path, masses):
    """Write a semicolon-separated table (European Excel) with the given mass cells."""
    path = tmp_path / "plots.csv"
    lines = [HEADER.replace(",", ";")]
    for row, mass in zip(ROWS, masses, strict=True):
        cells = row.strip().split(",")
        cells[4] = mass
        lines.append(";".join(cells) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


# a European export of 15.110 kg: read as thousands it would be 15110 kg (7.6 million kg/ha)
EUROPEAN_MASSES = ["15,110", "13,770", "14,970", "13,890"]


def test_semicolon_file_comma_with_three_digits_is_not_thousands(tmp_path, capsys):
    """'15,110' in a semicolon-separated file is refused, never read as 15110 kg."""
    path = _semicolon_table(tmp_path, EUROPEAN_MASSES)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"fresh_mass_kg row 2 \(plot '101'\): '15,110'.*separated by semicolons.*"
        r"not read as a thousands separator",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


@pytest.mark.skipif(not streaming.streaming_supported(), reason="streaming needs pyarrow")
def test_semicolon_file_streamed_gives_the_same_error(tmp_path, capsys, monkeypatch):
    """The streamed standardize (large files) refuses the cell with the same line."""
    path = _semicolon_table(tmp_path, EUROPEAN_MASSES)
    in_memory = assert_one_line_error(standardize_argv(path, tmp_path), capsys)
    monkeypatch.setattr(standardize_command, "STREAM_MIN_BYTES", 0)
    streamed = assert_one_line_error(
        standardize_argv(path, tmp_path), capsys, absent=[tmp_path / "out.csv"]
    )
    assert streamed == in_memory


def test_comma_file_keeps_thousands_separators(tmp_path):
    """In a comma-separated file a quoted '3,392' (grams) is still 3392, as documented."""
    path = tmp_path / "plots.csv"
    header = HEADER.replace("fresh_mass_kg", "fresh_mass_g")
    path.write_text(header + '101,1,CK,20,"14,980",12.7\n', encoding="utf-8")
    assert read_plots(path)["fresh_mass_g"].tolist() == [14980.0]


def test_header_repeated_mid_file_is_named(tmp_path, capsys):
    """Two exports joined into one file: the second header row is named, not its cells."""
    path = tmp_path / "joined.csv"
    path.write_text(HEADER + "".join(ROWS[:2]) + HEADER + "".join(ROWS[2:]), encoding="utf-8")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"joined\.csv: row 4 repeats the header row \(were several exports joined",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_chinese_header_repeated_in_a_dataframe():
    """from_dataframe of concatenated sheets: the header row inside the data is named."""
    import pandas as pd

    from yieldtrial.errors import DataValidationError

    frame = pd.DataFrame(
        {
            "小区号": ["1", "小区号", "2"],
            "处理": ["CK", "处理", "T"],
            "收获面积(m2)": ["20", "收获面积(m2)", "20"],
            "鲜重(kg)": ["14.9", "鲜重(kg)", "13.8"],
            "含水量(%)": ["13", "含水量(%)", "13.5"],
        }
    )
    with pytest.raises(DataValidationError, match=r"index 1 repeats the header row"):
        read_plots(frame)


def test_treatment_labels_differing_in_leading_zeros_warn(tmp_path):
    """'01' next to '1' is most likely one treatment: a warning names both and their plots."""
    from yieldtrial.errors import YieldTrialWarning

    path = tmp_path / "zeros.csv"
    rows = [row.replace(",CK,", ",1,").replace(",T,", ",2,") for row in ROWS]
    rows[2] = rows[2].replace(",1,", ",01,", 1)  # plot 201: treatment 01
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    with pytest.warns(
        YieldTrialWarning,
        match=r"treatment labels that differ only in leading "
        r"zeros: '01' \(plot '201'\) and '1' \(plot '101'\)",
    ):
        plots = read_plots(path)
    assert sorted(set(plots["treatment"])) == ["01", "1", "2"]  # kept apart, never merged


def test_block_labels_differing_in_leading_zeros_warn_among_text_labels():
    """A column mixing text and digit labels ('B', '01', '1') warns about the zeros too."""
    import pandas as pd

    from yieldtrial.errors import YieldTrialWarning

    frame = pd.DataFrame(
        {
            "plot_id": ["1", "2", "3", "4"],
            "block": ["01", "1", "B", "B"],
            "treatment": ["CK", "T", "CK", "T"],
            "harvested_area_m2": [20.0] * 4,
            "fresh_mass_kg": [14.9, 13.8, 14.9, 13.9],
            "moisture_pct": [13.0] * 4,
        }
    )
    with pytest.warns(YieldTrialWarning, match=r"block labels that differ only in leading zeros"):
        read_plots(frame)


def test_standardize_a_single_plot_says_one_plot(tmp_path, capsys):
    """A one-plot table is standardized; the summary line says '1 plot', not '1 plots'."""
    from hostile import plot_table, run_cli

    path = plot_table(tmp_path, rows=ROWS[:1])
    code, lines = run_cli(standardize_argv(path, tmp_path), capsys)
    assert code == 0, lines
    assert lines == [f"wrote {tmp_path / 'out.csv'} (1 plot, yields in kg/ha at 13 % moisture)"]


def _workbook(path, mutate=None):
    """Write the small plot table to an .xlsx workbook (sheet 'plots'), then mutate it."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "plots"
    sheet.append(HEADER.strip().split(",") + ["notes"])
    for row in ROWS:
        cells = row.strip().split(",")
        sheet.append([cells[0], int(cells[1]), cells[2], *map(float, cells[3:]), None])
    if mutate is not None:
        mutate(book, sheet)
    book.save(path)
    return path


def test_merged_block_cells_are_named(tmp_path, capsys):
    """A block label merged over its plots' rows is refused naming the ranges, not 'empty'."""

    def merge(book, sheet):
        sheet["B3"] = sheet["B5"] = None
        sheet.merge_cells("B2:B3")
        sheet.merge_cells("B4:B5")

    path = _workbook(tmp_path / "merged.xlsx", merge)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"merged\.xlsx: merged cells \(Merge & Center\) in B2:B3 \(block\), B4:B5 "
        r"\(block\): only the first cell.*Unmerge the cells and fill the value into every row",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_merged_cells_in_a_column_not_read_are_allowed(tmp_path):
    """A merged notes cell does not stop the table: yieldtrial does not read that column."""

    def merge(book, sheet):
        sheet["G2"] = "lodging after the storm"
        sheet.merge_cells("G2:G4")

    plots = read_plots(_workbook(tmp_path / "notes.xlsx", merge))
    assert plots["fresh_mass_kg"].tolist() == [14.98, 13.77, 14.97, 13.89]


def test_first_sheet_without_a_table_names_the_sheets(tmp_path, capsys):
    """A notes sheet in front of the plots: the message lists the sheets and --sheet."""

    def notes_first(book, sheet):
        book.create_sheet("read me", 0).append(["Harvest 2024, see sheet plots"])

    path = _workbook(tmp_path / "two.xlsx", notes_first)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"the first sheet, 'read me', holds no plot table.*sheets are 'read me', 'plots'.*"
        "--sheet NAME",
        untouched=[path],
    )
    assert len(read_plots(path, sheet="plots")) == 4


def _frame():
    import pandas as pd

    return pd.DataFrame(
        {
            "plot_id": ["101", "102", "201", "202"],
            "block": ["1", "1", "2", "2"],
            "treatment": ["CK", "T", "CK", "T"],
            "harvested_area_m2": [20.0] * 4,
            "fresh_mass_kg": [14.98, 13.77, 14.97, 13.89],
            "moisture_pct": [12.7, 13.7, 13.4, 13.8],
        }
    )


def test_dataframe_with_two_header_levels_is_named():
    """read_excel(header=[0, 1]) columns are not reported as 'missing plot_id'."""
    import pandas as pd

    from yieldtrial import FieldTrial
    from yieldtrial.errors import DataValidationError

    frame = _frame()
    frame.columns = pd.MultiIndex.from_tuples([(c, "unit") for c in frame.columns])
    with pytest.raises(DataValidationError, match=r"columns have 2 header levels \(a MultiIndex"):
        FieldTrial.from_dataframe(frame, crop="wheat", control="CK")


@pytest.mark.parametrize("column", ["plot_id", "block"])
def test_dataframe_with_a_label_column_in_the_index_is_named(column):
    """set_index('block') would silently drop the blocks from the analysis: refused."""
    from yieldtrial import FieldTrial
    from yieldtrial.errors import DataValidationError

    frame = _frame().set_index(column)
    with pytest.raises(DataValidationError, match=rf"{column} is in the DataFrame's index"):
        FieldTrial.from_dataframe(frame, crop="wheat", control="CK")


def test_dataframe_index_named_like_a_column_that_is_present_is_fine():
    """An index that repeats a column that is also present is not an error."""
    frame = _frame()
    frame.index = frame["plot_id"].rename("plot_id")
    assert read_plots(frame)["plot_id"].tolist() == ["101", "102", "201", "202"]


# ------------------------------------------------------------------------------ network


def _network_table(tmp_path, *, sep=",", mass=None, area="20"):
    """Two sites (A, B) of the small table in one file; mass(site, row) -> cell."""
    path = tmp_path / "sites.csv"
    lines = ["site" + sep + HEADER.replace(",", sep)]
    for site in ("A", "B"):
        for number, row in enumerate(ROWS):
            cells = row.strip().split(",")
            cells[3] = area
            if mass is not None:
                cells[4] = mass(site, number, cells[4])
            lines.append(sep.join([site, *cells]) + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_network_semicolon_file_does_not_read_decimal_commas_as_thousands(tmp_path, capsys):
    """The network command reads '15,110' of a semicolon file as report does: refused."""
    from hostile import run_cli

    path = _network_table(
        tmp_path, sep=";", mass=lambda s, n, m: f"{float(m):.3f}".replace(".", ",")
    )
    out = tmp_path / "net.md"
    argv = ["network", str(path), "--by", "site", "--crop", "wheat", "--control", "CK"]
    code, lines = run_cli([*argv, "-o", str(out)], capsys)
    assert code == 1, lines
    assert "not read as a thousands separator" in lines[-1]
    assert not out.exists()


def test_network_names_the_file_and_its_rows(tmp_path, capsys):
    """A bad cell of one site is named by file and row (the header is row 1), not 'index'."""
    from hostile import run_cli

    path = _network_table(tmp_path, mass=lambda s, n, m: "12x" if (s, n) == ("B", 1) else m)
    out = tmp_path / "net.md"
    argv = ["network", str(path), "--by", "site", "--crop", "wheat", "--control", "CK"]
    code, lines = run_cli([*argv, "-o", str(out)], capsys)
    assert code == 0, lines
    # site B's second plot is the file's 7th line: header, 4 rows of A, then B's rows 6-9
    assert lines[0].startswith(
        "yieldtrial: warning: left out site 'B': sites.csv: 1 non-numeric value in numeric "
        "columns (row numbers as in the file: the header is row 1): fresh_mass_kg row 7 "
        "(plot '102'): '12x'"
    ), lines


def test_network_warns_about_implausible_yields_per_site(tmp_path, capsys):
    """An area in mu read as m2 (0.03 'm2' plots): network warns as report does, naming the site."""
    from hostile import run_cli

    path = _network_table(tmp_path, area="0.03")
    out = tmp_path / "net.md"
    argv = ["network", str(path), "--by", "site", "--crop", "wheat", "--control", "CK"]
    code, lines = run_cli([*argv, "-o", str(out)], capsys)
    assert code == 0, lines
    warned = [line for line in lines if "standardized yield above 40,000 kg/ha" in line]
    # the same text for both sites: one line naming both (network prints a warning once)
    assert [line.split(":")[2].strip() for line in warned] == ["site 'A', 'B'"]


# ------------------------------------------------------------------------- edge trials


def test_report_on_an_unfilled_field_book_says_so(tmp_path, capsys):
    """Every mass empty (the field book before harvest): one short line, not a list of all."""
    path = tmp_path / "book.csv"
    rows = [",".join(row.split(",")[:4]) + ",,\n" for row in ROWS]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    out = tmp_path / "r.md"
    assert_one_line_error(
        ["report", str(path), "--crop", "wheat", "--control", "CK", "-o", str(out)],
        capsys,
        match=r"no plot has an observed yield: all 4 plots are missing.*field book before "
        "the harvest",
        untouched=[path],
        absent=[out],
    )


def test_a_lone_moisture_fraction_is_refused(tmp_path, capsys):
    """0.127 among percent values: an error suggesting 12.7 % (stop 33; it was a warning).

    No grain is harvested below 1 % moisture, so the cell is a fraction typed by mistake
    (``io.validation.mixed_fraction_problem``).
    """
    from hostile import plot_table, run_cli

    path = plot_table(tmp_path, rows=(ROWS[0].replace(",12.7\n", ",0.127\n"), *ROWS[1:]))
    code, lines = run_cli(standardize_argv(path, tmp_path), capsys)
    assert code == 1, lines
    assert (
        "moisture_pct of plot '101' = 0.127 looks like a fraction among percentages" in (lines[0])
    ), lines
    assert "enter it in percent (12.7 for 0.127)" in lines[0], lines


def _report_error(tmp_path, capsys, rows, match):
    from hostile import plot_table

    path = plot_table(tmp_path, rows=rows)
    out = tmp_path / "r.md"
    argv = ["report", str(path), "--crop", "wheat", "--control", "CK", "-o", str(out)]
    assert_one_line_error(argv, capsys, match=match, untouched=[path], absent=[out])


def test_report_on_identical_yields_points_at_the_values(tmp_path, capsys):
    """Every plot of a treatment with the same record: zero error, and the likely cause."""
    rows = [
        row.replace("14.97,13.4", "14.98,12.7").replace("13.89,13.8", "13.77,13.7") for row in ROWS
    ]
    _report_error(
        tmp_path, capsys, rows, r"error mean square 0\.0\).*identical within each treatment"
    )


def test_report_on_a_single_treatment_names_it(tmp_path, capsys):
    """All plots one treatment: the level is named and the column pointed at."""
    rows = [row.replace(",T,", ",CK,") for row in ROWS]
    _report_error(tmp_path, capsys, rows, r"has 1 level\(s\) \('CK'\).*check the column")


def test_html_report_wraps_a_long_unbroken_label(tmp_path, capsys):
    """A 150-character label without spaces wraps in the text column (no sideways page)."""
    import re

    from hostile import plot_table, run_cli

    label = "Variety-" + "X" * 150
    path = plot_table(tmp_path, rows=[row.replace(",T,", f",{label},") for row in ROWS])
    out = tmp_path / "r.html"
    argv = ["report", str(path), "--crop", "wheat", "--control", "CK", "--no-figures"]
    code, lines = run_cli([*argv, "-o", str(out)], capsys)
    assert code == 0, lines
    html = out.read_text(encoding="utf-8")
    assert label in html
    assert re.search(r"main \{ overflow-wrap: break-word; \}", html)


# ------------------------------------------------------------------------------ encodings

WESTERN = HEADER + "101,1,Contrôle,20,14.98,12.7\n102,1,Engrais,20,13.77,13.7\n"


def test_latin1_file_is_not_decoded_as_gbk(tmp_path, capsys):
    """'Contrôle' in Windows-1252 would read as GBK 'Contr鬺e': refused, naming both readings."""
    path = tmp_path / "fr.csv"
    path.write_bytes(WESTERN.encode("cp1252"))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"read as Chinese GBK row 2 says '101,1,Contr鬺e,.*\('101,1,Contrôle,.*"
        r"--encoding cp1252",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_latin1_file_reads_with_its_encoding(tmp_path):
    """With encoding='cp1252' the accented label is read as written."""
    path = tmp_path / "fr.csv"
    path.write_bytes(WESTERN.encode("cp1252"))
    assert read_plots(path, encoding="cp1252")["treatment"].tolist() == ["Contrôle", "Engrais"]


def test_gbk_labels_next_to_latin_letters_are_still_gbk(tmp_path):
    """'CK对照' and 'T1处理' (common characters after Latin letters) are Chinese text."""
    path = tmp_path / "gbk.csv"
    text = HEADER + "101,1,CK对照,20,14.98,12.7\n102,1,T处理,20,13.77,13.7\n"
    path.write_bytes(text.encode("gbk"))
    assert read_plots(path)["treatment"].tolist() == ["CK对照", "T处理"]


def test_latin1_file_that_is_not_gbk_suggests_cp1252(tmp_path, capsys):
    """'Blé,' (an accent before a comma) is not GBK either: the message names cp1252."""
    path = tmp_path / "fr.csv"
    path.write_bytes((HEADER + "101,1,Blé,20,14.98,12.7\n").encode("cp1252"))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"neither UTF-8 nor GB18030/GBK text.*cp1252 for a Western European Excel file",
        untouched=[path],
    )


@pytest.mark.parametrize("order", ["le", "be"])
def test_utf16_without_bom_is_named(tmp_path, capsys, order):
    """UTF-16 without a BOM is not called 'binary': the message names --encoding utf-16-xx."""
    path = tmp_path / "u16.csv"
    path.write_bytes((HEADER + "".join(ROWS)).encode(f"utf-16-{order}"))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=rf"UTF-16-{order.upper()} text without a byte-order mark.*--encoding utf-16-{order}",
        untouched=[path],
    )
    assert len(read_plots(path, encoding=f"utf-16-{order}")) == 4


def test_hidden_rows_of_a_workbook_warn(tmp_path, capsys):
    """Rows hidden or filtered out in Excel are read, and the report run says so."""
    from hostile import run_cli

    def hide(book, sheet):
        sheet.row_dimensions[3].hidden = True

    path = _workbook(tmp_path / "hidden.xlsx", hide)
    out = tmp_path / "r.md"
    argv = ["report", str(path), "--crop", "wheat", "--control", "CK", "--no-figures"]
    code, lines = run_cli([*argv, "-o", str(out)], capsys)
    assert code == 0, lines
    assert lines[0] == (
        "yieldtrial: warning: hidden.xlsx: row 3 is hidden in the sheet (hidden or filtered out "
        "in Excel) and read like the others; if they should not count, delete them, or "
        "exclude their plots ([[exclude]] in trial.toml)"
    )


def test_workbook_without_hidden_rows_does_not_warn(tmp_path):
    """An ordinary workbook reads without a warning."""
    import warnings

    path = _workbook(tmp_path / "plain.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_plots(path)) == 4


@pytest.mark.parametrize("line", ["sep=;", "sep=,", "SEP=\t"])
def test_excel_separator_line_is_named(tmp_path, capsys, line):
    """Excel's 'sep=;' first line is named as such, not as a title row."""
    path = tmp_path / "sep.csv"
    sep = line[-1]
    path.write_text(line + "\n" + (HEADER + "".join(ROWS)).replace(",", sep), encoding="utf-8")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"row 1 is Excel's separator line \('sep=\.\.\.'\), not the header; delete it",
        untouched=[path],
    )


@pytest.mark.skipif(not streaming.streaming_supported(), reason="streaming needs pyarrow")
def test_repeated_header_streamed_gives_the_same_error(tmp_path, capsys, monkeypatch):
    """The streamed standardize names the repeated header row as the in-memory path does."""
    path = tmp_path / "joined.csv"
    path.write_text(HEADER + "".join(ROWS[:2]) + HEADER + "".join(ROWS[2:]), encoding="utf-8")
    in_memory = assert_one_line_error(standardize_argv(path, tmp_path), capsys)
    monkeypatch.setattr(standardize_command, "STREAM_MIN_BYTES", 0)
    streamed = assert_one_line_error(
        standardize_argv(path, tmp_path), capsys, absent=[tmp_path / "out.csv"]
    )
    assert streamed == in_memory
    assert "row 4 repeats the header row" in streamed


def test_quoted_decimal_comma_in_a_comma_file_is_pointed_at_by_the_yield_warning(tmp_path, capsys):
    """'15,110' quoted in a comma file is thousands (documented); the yield warning names it."""
    from hostile import plot_table, run_cli

    rows = [row.replace(",14.98,", ',"14,980",') for row in ROWS]
    path = plot_table(tmp_path, rows=rows)
    code, lines = run_cli(standardize_argv(path, tmp_path), capsys)
    assert code == 0, lines
    # 14980 kg x (100 - 12.7) / (100 - 13) / 20 m2 x 10000 m2/ha = 7,515,828 kg/ha
    assert "plot '101' = 7,515,828 kg/ha" in lines[0]
    assert "a decimal comma read as a thousands separator" in lines[0]


def test_rcbd_with_one_block_and_repeated_treatments_warns(tmp_path, capsys):
    """Every plot in block '1' with two plots per treatment: the block column was not filled."""
    from hostile import plot_table, run_cli

    path = plot_table(tmp_path, rows=[row.replace(",2,", ",1,", 1) for row in ROWS])
    out = tmp_path / "r.md"
    argv = ["report", str(path), "--crop", "wheat", "--control", "CK", "--no-figures"]
    code, lines = run_cli([*argv, "-o", str(out)], capsys)
    assert code == 0, lines
    assert lines[0].startswith(
        "yieldtrial: warning: block has one level ('1') for all 4 plots, while treatments have "
        "up to 2 plots each: was the block (replicate) of each plot filled in?"
    ), lines


def test_one_replicate_in_one_block_does_not_warn(tmp_path):
    """A single block with one plot per treatment is a demonstration: no block warning."""
    import warnings

    from yieldtrial import FieldTrial

    frame = _frame().iloc[:2]  # plots 101 (CK) and 102 (T), both in block 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FieldTrial.from_dataframe(frame, crop="wheat", control="CK")


# ------------------------------------------------------------- Chinese reports of the warnings


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "treatment labels that differ only in leading zeros: '01' (plot '202') and '1' "
            "(plots '102', '302'). They are analysed as different treatments; if they are the "
            "same, write them one way in the file (e.g. all '1')",
            "处理标签仅差前导零：'01'（小区 '202'）与 '1'（小区 '102'、'302'）。它们按不同的"
            "处理分析；若实为同一处理，请在文件中统一写法（如都写作 '1'）。",
        ),
        (
            "block labels that differ only in upper/lower case, spaces or look-alike letters: "
            "'B1' (plot '1') and 'b1' (plots '2', '3'). They are analysed as different blocks; "
            "if they are the same, write them one way in the file (e.g. all 'B1')",
            "区组标签仅大小写、空格或形近字母不同：'B1'（小区 '1'）与 'b1'（小区 '2'、'3'）。"
            "它们按不同的区组分析；若实为同一区组，请在文件中统一写法（如都写作 'B1'）。",
        ),
        (
            "p.xlsx: rows 3, 7 and 9 are hidden in the sheet (hidden or filtered out in Excel) "
            "and read like the others; if they should not count, delete them, or exclude their "
            "plots ([[exclude]] in trial.toml)",
            "p.xlsx：第 3、7、9 行在工作表中被隐藏（在 Excel 中隐藏或被筛选掉），仍与其他行一样"
            "读入；若这些小区不应计入，请删除这些行，或在 trial.toml 中剔除这些小区。",
        ),
        (
            "moisture_pct outside the plausible harvest range for wheat (8-25 %): plot '101' = "
            "0.127 % (12.7 % written as a fraction?). Check for a typing error (e.g. 5 for 15) "
            "or a moisture measured after drying; the yields are computed as given",
            "含水量超出小麦收获时的合理范围（8%～25%）：小区 101 = 0.127%（可能是把 12.7% 写成"
            "了小数）。请检查是否录入错误（如把 15 写成 5）或是否为烘干后测定的含水量；产量按所给"
            "数值计算。",
        ),
    ],
    ids=["leading-zeros", "case-variants", "hidden-rows", "moisture-fraction"],
)
def test_reading_warnings_are_translated_for_chinese_reports(english, chinese):
    """The data-quality warnings of a Chinese report do not fall back to English."""
    from yieldtrial.report.i18n import translate_message

    assert translate_message(english, "zh") == chinese


@pytest.mark.parametrize(
    ("change", "prefix"),
    [((",2,", ",1,"), "- 区组只有一个水平"), ((",20,", ",0.02,"), "- 折标产量超过 40,000")],
    ids=["single-block", "implausible-yield"],
)
def test_more_reading_warnings_have_no_english_left(tmp_path, capsys, change, prefix):
    """The single-block and implausible-yield warnings of a zh report are Chinese.

    (Block '2' written as '1', or 0.02 m2 plots: 14.98 kg on 0.02 m2 is above 40 t/ha.)
    """
    from hostile import plot_table, run_cli
    from zh_purity import english_words

    path = plot_table(tmp_path, rows=[row.replace(*change, 1) for row in ROWS])
    out = tmp_path / "r.md"
    argv = ["report", str(path), "--crop", "wheat", "--control", "CK", "--lang", "zh"]
    code, lines = run_cli([*argv, "--no-figures", "-o", str(out)], capsys)
    assert code == 0, lines
    lines = out.read_text(encoding="utf-8").splitlines()  # the notes sit in a quote block
    warned = [line for line in lines if line.removeprefix("> ").startswith(prefix)]
    assert len(warned) == 1, warned
    assert english_words(warned[0]) == [], warned[0]


@pytest.mark.parametrize("cell", ["15.11 kg", "15.11kg", "15.11 公斤"])
def test_unit_inside_a_cell_is_pointed_at(tmp_path, capsys, cell):
    """'15.11 kg' in a mass column: the message says units belong in the header."""
    from hostile import plot_table

    path = plot_table(tmp_path, rows=(ROWS[0].replace(",14.98,", f",{cell},"), *ROWS[1:]))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=rf"fresh_mass_kg row 2 \(plot '101'\): '{cell}'.*Units belong in the header, not in "
        "the cells",
        untouched=[path],
    )


def test_a_typo_is_not_called_a_unit(tmp_path, capsys):
    """'15.11x' is a typing error, not a unit: no units hint."""
    from hostile import plot_table

    path = plot_table(tmp_path, rows=(ROWS[0].replace(",14.98,", ",15.11x,"), *ROWS[1:]))
    line = assert_one_line_error(standardize_argv(path, tmp_path), capsys, match="'15.11x'")
    assert "Units belong" not in line


def test_label_cells_that_are_dates_warn(tmp_path):
    """Excel turned plot ids such as '1-1' into dates: a warning names the rows."""
    import datetime

    from yieldtrial.errors import YieldTrialWarning

    def dates(book, sheet):
        sheet["A2"] = datetime.datetime(2024, 1, 1)
        sheet["A3"] = datetime.datetime(2024, 1, 2)

    path = _workbook(tmp_path / "dates.xlsx", dates)
    with pytest.warns(
        YieldTrialWarning,
        match=r"plot_id holds dates in row 2, row 3 \(e\.g\. '2024-01-01 00:00:00'\)",
    ):
        plots = read_plots(path)
    assert plots["plot_id"].tolist()[:2] == ["2024-01-01 00:00:00", "2024-01-02 00:00:00"]


def test_date_label_warning_is_translated():
    """The zh report gives the date-label warning in Chinese."""
    from yieldtrial.report.i18n import translate_message

    english = (
        "plot_id holds dates in row 2, row 3 (e.g. '2024-01-01'): a spreadsheet turns "
        "labels such as '1-2' into dates. Format the column as text and retype the labels; "
        "they are read as shown"
    )
    assert translate_message(english, "zh") == (
        "小区号列中有日期：第 2 行、第 3 行（如 '2024-01-01'）：电子表格会把 '1-2' 这类标签自动"
        "转成日期。请把该列设为文本格式并重新输入标签；目前按显示的日期读入。"
    )


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "residuals depart from normality (Shapiro-Wilk W = 0.816, p = 0.0142); look for "
            "outliers or consider a transformation.",
            "残差偏离正态分布（Shapiro-Wilk W = 0.816，P = 0.0142）；请检查异常值或考虑数据转换。",
        ),
        (
            "residual variances differ between treatments (Brown-Forsythe F = 5.26, p = 0.0327); "
            "comparisons that assume a common variance may mislead.",
            "各处理残差方差不齐（Brown-Forsythe F = 5.26，P = 0.0327）；基于方差齐性假定的比较可能"
            "失真。",
        ),
    ],
    ids=["normality", "variances"],
)
def test_residual_check_warnings_are_translated(english, chinese):
    """The residual-check warnings a hostile table brings out are Chinese in a zh report."""
    from yieldtrial.report.i18n import translate_message

    assert translate_message(english, "zh") == chinese


@pytest.mark.parametrize("cell", ["1_4.98", "14.9_8"])
def test_underscore_in_a_number_is_a_bad_cell(tmp_path, capsys, cell):
    """Python's float() reads '1_4.98' as 14.98; a cell is a typing error, named, not read."""
    from hostile import plot_table

    path = plot_table(tmp_path, rows=(ROWS[0].replace(",14.98,", f",{cell},"), *ROWS[1:]))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=rf"fresh_mass_kg row 2 \(plot '101'\): '{cell}'",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_date_in_a_numeric_workbook_column_is_shown_as_a_date(tmp_path):
    """A date typed in fresh_mass_kg is named as the cell shows it, not as Python's repr."""
    import datetime

    from yieldtrial.errors import DataValidationError

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["plot_id", "block", "treatment", "harvested_area_m2", "fresh_mass_kg",
                  "moisture_pct"])  # fmt: skip
    sheet.append([1, 1, "CK", 20, 15.2, 13.1])
    sheet.append([2, 1, "T", 20, datetime.datetime(2024, 5, 1), 13.0])
    path = tmp_path / "dates.xlsx"
    book.save(path)
    with pytest.raises(DataValidationError) as caught:
        read_plots(path)
    message = str(caught.value)
    assert "fresh_mass_kg row 3 (plot '2'): '2024-05-01 00:00:00'" in message, message
    assert "datetime.datetime" not in message
