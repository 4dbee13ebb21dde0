"""Stop 31 hostile pass on files: workbooks with odd parts or formats, summary rows.

Each case found by the throwaway driver of stop 31 (see CHANGELOG.md): the command exits
1 with one line naming the file, the cell or row and the fix, the input is unchanged and
no output is written; or, for Excel's percent format, the number shown is read.
"""

from __future__ import annotations

import re
import zipfile

import pytest

from hostile import (
    ROWS,
    assert_one_line_error,
    plot_table,
    plot_workbook,
    shared_strings_copy,
    standardize_argv,
)
from yieldtrial.errors import DataValidationError

openpyxl = pytest.importorskip("openpyxl")


def test_percent_formatted_moisture_cell_is_read_as_shown(tmp_path):
    """A moisture cell shown as 12.7 % (stored 0.127) is 12.7, not 0.127 %."""
    from yieldtrial.io import read_plots

    path = plot_workbook(tmp_path / "p.xlsx", percent=(0,))
    # VALUES: the first plot's moisture is 12.7; the others are plain numbers
    assert read_plots(path)["moisture_pct"].tolist() == [12.7, 13.7, 13.4, 13.8]


def test_percent_formatted_moisture_column_is_read_as_shown(tmp_path):
    """A whole moisture column in Excel's percent format is read as shown, digit for digit."""
    from yieldtrial.io import read_plots

    path = plot_workbook(tmp_path / "p.xlsx", percent=(0, 1, 2, 3))
    # 0.137 * 100 is 13.700000000000001 in floating point; the decimal point is moved instead
    assert read_plots(path)["moisture_pct"].tolist() == [12.7, 13.7, 13.4, 13.8]


def test_percent_format_in_a_fraction_column_keeps_the_fraction(tmp_path):
    """moisture_fraction holds 0.127 whatever its format; it is converted once, to 12.7."""
    from yieldtrial.io import read_plots

    path = plot_workbook(tmp_path / "p.xlsx", percent=(0, 1, 2, 3))
    book = openpyxl.load_workbook(path)
    book.active["F1"] = "moisture_fraction"
    book.save(path)
    # 0.127 x 100 by the fraction rule (docs/data-format.md, units in headers)
    assert read_plots(path)["moisture_pct"].round(9).tolist() == [12.7, 13.7, 13.4, 13.8]


def test_percent_format_outside_percent_columns_is_refused(tmp_path):
    """A mass cell that carries a percent format is refused, not read as 14.98 kg.

    Stop 33 changed this from 'kept as stored': Excel stores a number typed into a cell
    already formatted as a percentage divided by 100 (14.98 typed is 0.1498), so the mass
    meant is unknown (tests/test_hostile_stop33.py).
    """
    from yieldtrial.io import read_plots

    path = plot_workbook(tmp_path / "p.xlsx")
    book = openpyxl.load_workbook(path)
    book.active["E2"].number_format = "0%"
    book.save(path)
    with pytest.raises(DataValidationError, match=r"row 2 is formatted as a percentage"):
        read_plots(path)


def test_shared_string_index_past_the_end_names_the_cell(tmp_path, capsys):
    """A text cell pointing past the shared strings is named, not 'no sheet number None'."""
    path = shared_strings_copy(plot_workbook(tmp_path / "base.xlsx"), tmp_path / "s.xlsx", 99999)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"s\.xlsx: cell C3 refers to text number '99999' of the workbook, which holds "
        r"\d+ texts.*save it again",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_negative_shared_string_index_is_not_read_as_the_last_text(tmp_path, capsys):
    """Index -1 read the workbook's last text into C3 silently (Python list indexing)."""
    path = shared_strings_copy(plot_workbook(tmp_path / "base.xlsx"), tmp_path / "s.xlsx", -1)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"cell C3 refers to text number '-1'",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_valid_shared_strings_still_read(tmp_path):
    """The shared-string check passes a workbook whose text cells are all in range."""
    from yieldtrial.io import read_plots

    source = plot_workbook(tmp_path / "base.xlsx")
    path = shared_strings_copy(source, tmp_path / "s.xlsx", None)
    assert read_plots(path)["treatment"].tolist() == ["CK", "T", "CK", "T"]


def test_password_protected_workbook_says_so(tmp_path, capsys):
    """An encrypted .xlsx (an OLE2 file with EncryptedPackage) is not called an old .xls."""
    path = tmp_path / "locked.xlsx"
    # OLE2 signature, then the stream names Excel writes for an encrypted workbook
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 50
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 1000
    )
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"locked\.xlsx: the workbook is password-protected \(encrypted\).*remove the "
        r"password",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


@pytest.mark.parametrize("suffix", [".ods", ".xlsx", ".csv"])
def test_opendocument_spreadsheet_is_named(tmp_path, capsys, suffix):
    """An .ods (or one renamed .xlsx/.csv) is named as such, not 'give it the .xlsx suffix'."""
    path = tmp_path / f"sheet{suffix}"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    line = assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"is an OpenDocument spreadsheet \(\.ods.*save the sheet as \.xlsx",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )
    assert "give it the .xlsx suffix" not in line


def test_word_document_named_xlsx_is_named(tmp_path, capsys):
    """A .docx renamed .xlsx is called a Word document, with no openpyxl wording."""
    path = tmp_path / "notes.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"notes\.xlsx: this is a Word document \(\.docx\), not an Excel workbook",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


@pytest.mark.parametrize(
    ("row", "named"),
    [
        ("Mean,1,Mean,20,14.4,13.4\n", "plot_id 'Mean'"),
        ("合计,,,80,57.61,\n", "plot_id '合计'"),
        (",,平均,20,14.4,13.4\n", "treatment '平均'"),
        ("Total:,,,80,57.61,\n", "plot_id 'Total:'"),
    ],
    ids=["mean-full-row", "heji", "pingjun-in-treatment", "total-colon"],
)
def test_summary_row_under_the_plots_is_named(tmp_path, capsys, row, named):
    """A total or mean row is named as such (a full 'Mean' row was read as one more plot)."""
    path = plot_table(tmp_path, rows=(*ROWS, row))
    line = assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=rf"plots\.csv: row 6 \({re.escape(named)}\) looks like a summary row \(a total "
        r"or a mean\), not a plot; delete it",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )
    assert "is empty" not in line


def test_several_summary_rows_are_named_together(tmp_path, capsys):
    """Two summary rows are listed in one message, in the plural."""
    rows = (*ROWS, "小计,,,40,28.75,\n", "总计,,,80,57.61,\n")
    path = plot_table(tmp_path, rows=rows)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"row 6 \(plot_id '小计'\), row 7 \(plot_id '总计'\) look like summary rows",
        untouched=[path],
    )


def test_a_treatment_merely_containing_mean_is_a_plot(tmp_path):
    """Only whole summary labels are refused: 'Mean-N' and '平均施肥' are treatments."""
    from yieldtrial.io import read_plots

    rows = [r.replace(",T,", ",Mean-N,") for r in ROWS]
    rows = [r.replace(",CK,", ",平均施肥,") for r in rows]
    path = plot_table(tmp_path, rows=rows)
    assert read_plots(path)["treatment"].tolist() == ["平均施肥", "Mean-N", "平均施肥", "Mean-N"]


def test_conditions_illustrative_typo_is_refused(tmp_path, capsys):
    """[conditions] illustrative = ["soil_pH"] marked nothing: the placeholder looked measured."""
    plots = plot_table(tmp_path)
    config = tmp_path / "trial.toml"
    config.write_text('[conditions]\nsoil_ph = 7.9\nillustrative = ["soil_pH"]\n', "utf-8")
    out = tmp_path / "report.json"
    argv = ["report", str(plots), "--crop", "wheat", "--config", str(config), "-o", str(out)]
    assert_one_line_error(
        argv,
        capsys,
        match=r"trial\.toml'?: \[conditions\]: illustrative lists 'soil_pH' \(did you mean "
        r"'soil_ph'\?\); expected any of site, variety, previous_crop, latitude",
        untouched=[plots, config],
        absent=[out],
    )


def test_conditions_illustrative_accepts_every_markable_key():
    """Every key the report marks with † is accepted, fertilization and site included.

    Each is given a value: a key listed but not given is refused (stop 32 leftovers).
    """
    from yieldtrial.config import CONDITION_KEYS, TrialConfig

    given = [k for k in CONDITION_KEYS if k not in ("illustrative", "fertilization")]
    keys = ["site", "variety", "previous_crop", *given, "fertilization"]
    text = '[trial]\nsite = "s"\nvariety = "v"\nprevious_crop = "maize"\n[conditions]\n'
    # a number is also read as text; a date key takes a date (checked since stop 46)
    text += "".join(f"{k} = {'2023-10-08' if k.endswith('_date') else 1}\n" for k in given)
    text += 'fertilization = [{ stage = "basal", rate = 10 }]\n'
    text += "illustrative = [" + ", ".join(f'"{k}"' for k in keys) + "]\n"
    assert TrialConfig.from_text(text).conditions["illustrative"] == keys


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[trial]\ncrop = "wheat"\n[trial]\nsite = "x"\n', r"the table \[trial\] is written twice"),
        ("[conditions.soil]\n[conditions.soil]\n", r"the table \[conditions\.soil\] is written"),
        ('[trial]\ncrop = "wheat"\ncrop = "maize"\n', r"a key is given twice \(at line 3"),
    ],
    ids=["table", "dotted-table", "key"],
)
def test_duplicate_toml_table_or_key_is_said_in_words(tmp_path, capsys, text, said):
    """The parser's "Cannot declare ('trial',) twice" is said without Python's tuple."""
    plots = plot_table(tmp_path)
    config = tmp_path / "trial.toml"
    config.write_text(text, "utf-8")
    out = tmp_path / "report.json"
    argv = ["report", str(plots), "--crop", "wheat", "--config", str(config), "-o", str(out)]
    line = assert_one_line_error(argv, capsys, match=said, untouched=[plots, config], absent=[out])
    assert "('" not in line
