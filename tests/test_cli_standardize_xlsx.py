"""``yieldtrial standardize ... -o yields.xlsx``: the standardized table as an Excel workbook."""

from __future__ import annotations

import csv
import sys

import pandas as pd
import pytest

from yieldtrial.cli import main

openpyxl = pytest.importorskip("openpyxl")

PLOTS = pd.DataFrame(
    {
        "plot_id": ["1", "2", "3", "4"],
        "treatment": ["=1+2", "T", "CK", "T"],
        "block": ["1", "1", "2", "2"],
        "harvested_area_m2": [20.0] * 4,
        "fresh_mass_kg": [14.0, 15.1, 13.6, 15.3],
        "moisture_pct": [15.0, 15.2, 14.8, 15.0],
    }
)


@pytest.fixture
def plots_csv(tmp_path):
    """Write a valid plot table whose first treatment label looks like a formula."""
    path = tmp_path / "plots.csv"
    PLOTS.to_csv(path, index=False)
    return path


def _sheet_rows(path):
    workbook = openpyxl.load_workbook(path)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def _cell_equal(cell, text):
    """Tell whether an xlsx cell equals the CSV's spelling (numbers: 16 digits)."""
    if text == "":
        return cell is None
    if isinstance(cell, int | float):
        return cell == pytest.approx(float(text), rel=1e-15)
    return cell == text


def test_xlsx_round_trip_equals_csv(plots_csv, tmp_path, capsys):
    """The workbook holds the CSV's header (same names, same order) and the CSV's values."""
    base = ["standardize", str(plots_csv), "--crop", "wheat"]
    assert main([*base, "-o", str(tmp_path / "y.csv")]) == 0
    assert main([*base, "-o", str(tmp_path / "y.xlsx")]) == 0
    assert "y.xlsx (4 plots" in capsys.readouterr().err
    with open(tmp_path / "y.csv", encoding="utf-8-sig", newline="") as handle:
        expected = list(csv.reader(handle))
    rows = _sheet_rows(tmp_path / "y.xlsx")
    assert rows[0] == expected[0]
    assert len(rows) == len(expected) == 5
    for got, want in zip(rows[1:], expected[1:], strict=True):
        assert all(_cell_equal(c, t) for c, t in zip(got, want, strict=True)), (got, want)


def test_xlsx_numbers_are_numbers(plots_csv, tmp_path, capsys):
    """Plot 1: 14.0 kg x 85/87 on 20 m2 = 6,839.08 kg/ha, stored as a number (hand derivation)."""
    out = tmp_path / "y.xlsx"
    assert main(["standardize", str(plots_csv), "--crop", "wheat", "-o", str(out)]) == 0
    rows = _sheet_rows(out)
    value = rows[1][rows[0].index("yield_kg_ha")]
    assert isinstance(value, float)
    assert value == pytest.approx(14.0 * 85 / 87 / 20 * 1e4)


def test_xlsx_formula_cell_neutralised(plots_csv, tmp_path, capsys):
    """A label '=1+2' is stored as the text "'=1+2" (as in the CSV), never as a formula."""
    out = tmp_path / "y.xlsx"
    assert main(["standardize", str(plots_csv), "--crop", "wheat", "-o", str(out)]) == 0
    rows = _sheet_rows(out)
    assert rows[1][rows[0].index("treatment")] == "'=1+2"
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_missing_extra_is_one_line(plots_csv, tmp_path, capsys, monkeypatch):
    """Without openpyxl: one line naming pip install 'yieldtrial[xlsx]', exit 1, no file."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # simulate: not installed
    out = tmp_path / "y.xlsx"
    assert main(["standardize", str(plots_csv), "--crop", "wheat", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("yieldtrial: error: writing a .xlsx file needs")
    assert "pip install 'yieldtrial[xlsx]'" in err
    assert not out.exists()


def test_xlsx_user_file_refused(plots_csv, tmp_path, capsys):
    """A workbook that yieldtrial did not write is not replaced without --force."""
    out = tmp_path / "y.xlsx"
    out.write_bytes(b"the user's own workbook")
    assert main(["standardize", str(plots_csv), "--crop", "wheat", "-o", str(out)]) == 1
    assert "refusing to replace it" in capsys.readouterr().err
    assert out.read_bytes() == b"the user's own workbook"


def test_xlsx_user_file_replaced_with_force(plots_csv, tmp_path, capsys):
    """--force replaces it with the workbook."""
    out = tmp_path / "y.xlsx"
    out.write_bytes(b"the user's own workbook")
    argv = ["standardize", str(plots_csv), "--crop", "wheat", "-o", str(out), "--force"]
    assert main(argv) == 0
    assert _sheet_rows(out)[0][0] == "plot_id"


def test_xlsx_json_format_still_refused(plots_csv, tmp_path, capsys):
    """--format json -o y.xlsx would be JSON text under a workbook's name: a usage error."""
    out = tmp_path / "y.xlsx"
    argv = ["standardize", str(plots_csv), "--crop", "wheat", "--format", "json", "-o", str(out)]
    assert main(argv) == 2
    assert "name it y.json" in capsys.readouterr().err
    assert not out.exists()


def test_xlsx_single_mass_refused(tmp_path, capsys):
    """A single MASS prints two lines of text: -o a.xlsx is a usage error."""
    out = tmp_path / "a.xlsx"
    argv = ["standardize", "442", "--moisture", "5", "--standard", "13", "-o", str(out)]
    assert main(argv) == 2
    assert "name it a.txt" in capsys.readouterr().err
    assert not out.exists()


def test_xlsx_too_many_rows_refused(plots_csv, tmp_path, capsys, monkeypatch):
    """A table longer than a worksheet is a one-line data error naming .csv; no file."""
    from yieldtrial.report import render_xlsx

    monkeypatch.setattr(render_xlsx, "EXCEL_MAX_ROWS", 4)  # header + 3 rows; the table has 4
    out = tmp_path / "y.xlsx"
    assert main(["standardize", str(plots_csv), "--crop", "wheat", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "an Excel worksheet holds at most 3" in err and "write a .csv file" in err
    assert not out.exists()


def test_xlsx_text_longer_than_a_cell_refused(tmp_path, capsys):
    """A description of 32,768 characters (Excel's cell limit + 1) is a one-line data error."""
    source = tmp_path / "plots.csv"
    PLOTS.assign(description=["x" * 32_768, "a", "b", "c"]).to_csv(source, index=False)
    out = tmp_path / "y.xlsx"
    assert main(["standardize", str(source), "--crop", "wheat", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "column 'description', row 1 holds 32,768" in err and "at most 32,767" in err
    assert not out.exists()
