"""Hostile Excel workbooks, built with openpyxl: each is an error naming the cell."""

from __future__ import annotations

import datetime

import pytest

from hostile import (
    COLUMNS,
    HEADER,
    ROWS,
    VALUES,
    assert_one_line_error,
    plot_workbook,
    standardize_argv,
)

openpyxl = pytest.importorskip("openpyxl")


def test_formula_without_cached_value_names_the_cell(tmp_path, capsys):
    """A formula saved by a program that does not calculate is not read as a missing plot."""
    path = plot_workbook(tmp_path / "f.xlsx", change="=D3*0.7")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"cell E3 \(=D3\*0\.7\) holds a formula whose result was never saved",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(True, "True"), (datetime.datetime(2024, 6, 1), "'2024-06-01 00:00:00'")],
    ids=["boolean", "date"],
)
def test_boolean_or_date_in_a_numeric_column(tmp_path, capsys, value, shown):
    """TRUE is not 1.0 kg and a date is not a mass: the cell is named."""
    path = plot_workbook(tmp_path / "t.xlsx", change=value)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=rf"fresh_mass_kg row 3 \(plot '102'\): {shown}.*TRUE/FALSE and dates are not",
        untouched=[path],
    )


def test_title_row_in_a_workbook(tmp_path, capsys):
    """A title row above the header of a sheet is reported as such."""
    path = plot_workbook(tmp_path / "t.xlsx", title="2024 Wheat yield test")
    assert_one_line_error(standardize_argv(path, tmp_path), capsys, match="the header row is row 2")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (
            b"PK\x03\x04" + b"garbage" * 20,
            r"not a readable \.xlsx workbook \(its ZIP archive is damaged",
        ),
        ((HEADER + "".join(ROWS)).encode(), r"a CSV file named \.xlsx\? rename it \.csv"),
    ],
    ids=["corrupt-zip", "csv-named-xlsx"],
)
def test_corrupt_or_misnamed_workbook(tmp_path, capsys, data, match):
    """BadZipFile and a CSV saved with .xlsx give one clean line."""
    path = tmp_path / "plots.xlsx"
    path.write_bytes(data)
    assert_one_line_error(standardize_argv(path, tmp_path), capsys, match=match, untouched=[path])


def test_truncated_workbook(tmp_path, capsys):
    """Half a workbook (a download cut short) is a clean error."""
    whole = plot_workbook(tmp_path / "ok.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert_one_line_error(
        standardize_argv(path, tmp_path), capsys, match=r"not a readable \.xlsx workbook"
    )


def test_workbook_with_missing_sheet_part(tmp_path, capsys):
    """A zip that lacks the worksheet XML is a clean error, not KeyError."""
    import zipfile

    good = plot_workbook(tmp_path / "ok.xlsx")
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                target.writestr(item, source.read(item))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"not a readable \.xlsx workbook|the workbook has no worksheet",
    )


def test_sheet_number_out_of_range(tmp_path):
    """sheet=5 of a one-sheet workbook names the number of sheets."""
    from yieldtrial.errors import DataValidationError
    from yieldtrial.io import read_plots

    path = plot_workbook(tmp_path / "ok.xlsx")
    with pytest.raises(DataValidationError, match="there is no sheet number 5"):
        read_plots(path, sheet=5)


def test_valid_workbook_still_reads(tmp_path):
    """The checks do not get in the way of an ordinary workbook."""
    from yieldtrial.io import read_plots

    plots = read_plots(plot_workbook(tmp_path / "ok.xlsx"))
    assert plots["fresh_mass_kg"].tolist() == [14.98, 13.77, 14.97, 13.89]


def _named_sheets(path, *names):
    book = openpyxl.load_workbook(plot_workbook(path))
    book.active.title = names[0]
    for name in names[1:]:
        book.create_sheet(name).append(["notes"])
    book.save(path)
    return path


def test_sheet_name_matches_ignoring_case(tmp_path):
    """--sheet plots finds the sheet 'Plots' (one sheet equal ignoring case)."""
    from yieldtrial.io import read_plots

    path = _named_sheets(tmp_path / "book.xlsx", "Plots", "Notes")
    assert read_plots(path, sheet="plots")["fresh_mass_kg"].tolist()[0] == 14.98


def test_unknown_sheet_lists_the_sheets(tmp_path, capsys):
    """--sheet yield (no such sheet) exits 1 listing the sheet names."""
    path = _named_sheets(tmp_path / "book.xlsx", "Plots", "Notes")
    argv = [*standardize_argv(path, tmp_path), "--sheet", "yield"]
    assert_one_line_error(
        argv,
        capsys,
        match=r"no sheet named 'yield'; sheets: 'Plots', 'Notes'",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def _with_sheet_xml(path, old, new):
    """Rewrite the first worksheet's XML of the workbook at ``path`` (replace ``old`` once)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = [(item, archive.read(item.filename)) for item in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item, data in parts:
            if item.filename == "xl/worksheets/sheet1.xml":
                assert old in data
                data = data.replace(old, new, 1)
            archive.writestr(item, data)
    return path


def test_stray_value_in_the_last_cell_of_the_sheet_is_refused(tmp_path, capsys):
    """A value in XFD1048576 is named at once, not padded to 17 billion empty cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in VALUES:
        sheet.append(row)
    sheet.cell(1_048_576, 16_384, "x")
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"^yieldtrial: error: far\.xlsx: the sheet's values reach cell XFD1048576 "
        r"\(1,048,576 rows x 16,384 columns\).*delete the stray values",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


@pytest.mark.parametrize(
    "change",
    [
        # declared size of the whole sheet (written by some programs after a whole-sheet format)
        (b'<dimension ref="A1:F5"/>', b'<dimension ref="A1:XFD1048576"/>'),
        # an empty formatted row at the bottom of the sheet
        (b"</sheetData>", b'<row r="1048576" customHeight="1" ht="20"/></sheetData>'),
    ],
    ids=["declared-dimension", "empty-last-row"],
)
def test_declared_size_of_a_sheet_is_not_read_as_cells(tmp_path, change):
    """Only the cells holding values are read (the table reads as four plots)."""
    from yieldtrial.io import read_plots

    path = _with_sheet_xml(plot_workbook(tmp_path / "big.xlsx"), *change)
    assert read_plots(path)["plot_id"].tolist() == ["101", "102", "201", "202"]


def test_formula_without_cached_value_in_the_last_column(tmp_path, capsys):
    """Trailing empty cells are trimmed from the values, not from the formula check."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*COLUMNS, "notes"])
    for number, row in enumerate(VALUES):
        sheet.append([*row, "=A2&B2" if number == 0 else None])
    path = tmp_path / "f.xlsx"
    book.save(path)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"cell G2 \(=A2&B2\) holds a formula whose result was never saved",
        untouched=[path],
    )


def test_hidden_first_sheet_is_not_read_by_default(tmp_path):
    """A hidden first sheet (an old table) was read instead of the sheet Excel shows."""
    from yieldtrial.io import read_plots

    book = openpyxl.Workbook()
    old = book.active
    old.title = "old"
    old.append(COLUMNS)
    old.append([999, 1, "CK", 20, 1.0, 12.0])
    old.sheet_state = "hidden"
    new = book.create_sheet("plots")
    new.append(COLUMNS)
    for row in VALUES:
        new.append(row)
    book.active = 1
    path = tmp_path / "h.xlsx"
    book.save(path)
    assert read_plots(path)["plot_id"].tolist() == ["101", "102", "201", "202"]
    assert read_plots(path, sheet="old")["plot_id"].tolist() == ["999"]


def _with_chart_sheet_first(path, *, data=True):
    """Write a workbook whose first sheet is a chart sheet (no drawing), then the table."""
    book = openpyxl.Workbook()
    if data:
        sheet = book.active
        sheet.title = "plots"
        sheet.append(COLUMNS)
        for row in VALUES:
            sheet.append(row)
    else:
        book.remove(book.active)
    book.create_chartsheet("Chart1", index=0)
    book.save(path)
    return path


def test_chart_sheet_before_the_table_is_skipped(tmp_path):
    """A chart sheet first is skipped: the table is the first worksheet.

    openpyxl failed on the chart sheet ('list' object has no attribute 'find').
    """
    from yieldtrial.io import read_plots

    table = read_plots(_with_chart_sheet_first(tmp_path / "chart.xlsx"))
    assert table["plot_id"].tolist() == ["101", "102", "201", "202"]  # VALUES above
    assert table["fresh_mass_kg"].tolist() == [14.98, 13.77, 14.97, 13.89]


def test_chart_sheet_before_the_table_on_the_command_line(tmp_path, capsys):
    """``standardize`` reads the table behind a chart sheet (exit 0, 4 plots written)."""
    from hostile import run_cli

    path = _with_chart_sheet_first(tmp_path / "chart.xlsx")
    status, lines = run_cli(standardize_argv(path, tmp_path), capsys)
    assert status == 0, lines
    assert len((tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()) == 5


def test_only_a_chart_sheet_names_the_problem(tmp_path, capsys):
    """A workbook of chart sheets only says so, without an exception name."""
    path = _with_chart_sheet_first(tmp_path / "chart.xlsx", data=False)
    line = assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"chart\.xlsx: the workbook has no worksheet \(only chart sheets",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )
    assert "Error" not in line


def test_damaged_workbook_message_names_no_exception_class(tmp_path, capsys):
    """Half a workbook says what is wrong in words (no 'BadZipFile:' in the message)."""
    whole = plot_workbook(tmp_path / "ok.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    line = assert_one_line_error(
        standardize_argv(path, tmp_path), capsys, match=r"ZIP archive is damaged or cut short"
    )
    assert "BadZipFile" not in line


def _formatted_rows(first, last):
    """XML of empty rows ``first``..``last``, each with one formatted (styled) cell."""
    rows = range(first, last + 1)
    return b"".join(b'<row r="%d"><c r="A%d" s="1"/></row>' % (r, r) for r in rows)


def _count_rows_pulled(monkeypatch):
    """Count the rows openpyxl parses from a read-only sheet (a list of one counter)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    pulled = [0]
    original = ReadOnlyWorksheet._cells_by_row

    def counted(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            pulled[0] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counted)
    return pulled


def test_formatted_empty_rows_below_the_table_are_not_all_parsed(tmp_path, monkeypatch):
    """A column formatted far down (to row 1,048,576 in the report: 38-98 s) stops being read.

    The table is rows 1-5; 20,000 formatted empty rows follow. The reading stops after
    1,000 empty rows past the last value (row 5), and the table is the one without them.
    """
    from yieldtrial.io.table_files import read_table_file

    plain = plot_workbook(tmp_path / "plain.xlsx")
    path = _with_sheet_xml(
        plot_workbook(tmp_path / "formatted.xlsx"),
        b"</sheetData>",
        _formatted_rows(6, 20_005) + b"</sheetData>",
    )
    expected, _ = read_table_file(plain, sheet=None, encoding=None)
    pulled = _count_rows_pulled(monkeypatch)
    frame, _ = read_table_file(path, sheet=None, encoding=None)
    assert pulled[0] <= 5 + 1000 + 1  # 5 table rows, 1,000 empty ones, the one that stops
    pd = pytest.importorskip("pandas")
    pd.testing.assert_frame_equal(frame, expected)


def test_value_after_a_long_run_of_formatted_empty_rows_is_read(tmp_path):
    """The reading stops only past the sheet's last value: a value below 1,500 empty rows counts."""
    from yieldtrial.io.table_files import read_table_file

    far = b'<row r="1506"><c r="A1506" t="inlineStr"><is><t>note</t></is></c></row>'
    path = _with_sheet_xml(
        plot_workbook(tmp_path / "gap.xlsx"),
        b"</sheetData>",
        _formatted_rows(6, 1505) + far + _formatted_rows(1507, 3000) + b"</sheetData>",
    )
    frame, _ = read_table_file(path, sheet=None, encoding=None)
    assert len(frame) == 1505  # data rows 2-1506 of the sheet: 4 plots, 1,500 empty, the note
    assert frame.iloc[-1, 0] == "note"
