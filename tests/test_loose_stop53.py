"""Loose ends stop 52 noticed, fixed in stop 53 (loose58): one behaviour per test.

Every table here is SYNTHETIC (a few plots typed for the behaviour); no expected value is a
statistic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import yieldtrial as yt
from yieldtrial.cli import main
from yieldtrial.commands._zh_messages import translate
from yieldtrial.errors import DataValidationError

_HEADER = "plot_id,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"


def _write(tmp_path: Path, text: str, name: str = "plots.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# 3. a required cell typed 'n/a' in a file: the message shows what was typed -----------------


def test_typed_missing_text_of_a_csv_cell_is_shown(tmp_path: Path) -> None:
    """The CSV readers read 'n/a' and '—' as empty cells; the message said only "empty".

    Rows 3 and 5 (header row 1) have a mass and a moisture typed as missing.
    """
    path = _write(tmp_path, _HEADER + "101,CK,20,10.2,20.5\n102,T,20,10.9, n/a \n"
                  "201,CK,20,10.4,20.1\n202,T,20,11.0,—\n")  # fmt: skip
    with pytest.raises(DataValidationError) as raised:
        yt.read_plots(path)
    message = str(raised.value)
    assert (
        "moisture_pct is empty for row 3 (plot '102'): 'n/a', row 5 (plot '202'): '—', "
        "which have a fresh mass"
    ) in message
    assert "第 3 行（小区 '102'）：'n/a'" in (translate(message) or "")


def test_typed_missing_text_of_a_converted_column_is_shown(tmp_path: Path) -> None:
    """An area in mu (converted to harvested_area_m2) shows its typed '-' too."""
    path = _write(tmp_path, "plot_id,treatment,area_mu,fresh_mass_kg,moisture_pct\n"
                  "101,CK,0.03,10.2,20.5\n102,T,-,10.9,20.0\n")  # fmt: skip
    with pytest.raises(DataValidationError, match=r"for row 3 \(plot '102'\): '-', which has"):
        yt.read_plots(path)


def test_truly_empty_csv_cell_shows_no_text(tmp_path: Path) -> None:
    """An empty cell is still "empty for row 3 (plot '102'), which has", no quoted text."""
    path = _write(tmp_path, _HEADER + "101,CK,20,10.2,20.5\n102,T,20,10.9,\n")
    with pytest.raises(DataValidationError) as raised:
        yt.read_plots(path)
    assert "moisture_pct is empty for row 3 (plot '102'), which has a fresh mass" in str(
        raised.value
    )


def test_typed_missing_mass_is_still_a_missing_plot(tmp_path: Path) -> None:
    """A mass typed 'n/a' (no moisture either) is a missing plot, read without an error."""
    path = _write(tmp_path, _HEADER + "101,CK,20,10.2,20.5\n102,T,20,n/a,n/a\n")
    plots = yt.read_plots(path)
    assert plots["fresh_mass_kg"].isna().tolist() == [False, True]


def test_typed_missing_text_in_the_cli_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line prints the typed text in its one error line, exit 1, no output."""
    path = _write(tmp_path, _HEADER + "101,CK,20,10.2,20.5\n102,T,20,10.9,NA\n")
    out = tmp_path / "yields.csv"
    assert main(["standardize", str(path), "--crop", "wheat", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "row 3 (plot '102'): 'NA'" in err
    assert not out.exists()


# 1. plural headers: plots, sites, rows, columns ----------------------------------------------

_PLURAL_BODY = (
    "101,B1,CK,1,1,20,10.2,20.5\n102,B1,T,1,2,20,10.9,20.0\n"
    "201,B2,T,2,1,20,10.4,20.1\n202,B2,CK,2,2,20,11.0,19.8\n"
)


@pytest.mark.parametrize(
    ("header", "column"),
    [("plots", "plot_id"), ("Plots", "plot_id"), ("sites", "site"), ("locations", "site"),
     ("rows", "row"), ("field_rows", "row"), ("排号", "row"), ("columns", "column"),
     ("cols", "column"), ("ranges", "column"), ("varieties", "treatment")],
)  # fmt: skip
def test_plural_header_is_read_as_its_column(header: str, column: str) -> None:
    """A plural header was kept as an extra column (a row-column trial's rows unread)."""
    from yieldtrial.io.headers import recognise_header

    assert recognise_header(header)[0] == column


def test_row_column_trial_with_plural_headers_reads_its_layout(tmp_path: Path) -> None:
    """'plots', 'rows' and 'columns' are the plot id and the field layout."""
    path = _write(tmp_path, "plots,block,treatment,rows,columns,harvested_area_m2,"
                  "fresh_mass_kg,moisture_pct\n" + _PLURAL_BODY)  # fmt: skip
    plots = yt.read_plots(path)
    assert {"plot_id", "row", "column"} <= set(plots.columns)
    assert plots["row"].astype(str).tolist() == ["1", "1", "2", "2"]


def test_plural_header_beside_its_singular_stays_extra(tmp_path: Path) -> None:
    """'row' and 'rows' (crop rows harvested, a count): the singular is the field row."""
    path = _write(tmp_path, "plot_id,block,treatment,row,rows,harvested_area_m2,"
                  "fresh_mass_kg,moisture_pct\n" + _PLURAL_BODY)  # fmt: skip
    plots = yt.read_plots(path)
    assert plots.attrs["column_map"]["row"] == "row"
    assert plots.attrs["column_map"]["rows"] == "rows"


# 2. a header naming the plot and the block: read as neither -----------------------------------


@pytest.mark.parametrize("header", ["plot_block", "Plot Block", "rep_plot", "plot_rep"])
def test_header_naming_plot_and_block_is_not_the_plot_id(header: str) -> None:
    """'plot_block' was read as the plot id (its first word), silently."""
    from yieldtrial.io.headers import label_pair, recognise_header

    canonical, _, problem = recognise_header(header)
    assert canonical is None and set(label_pair(header) or ()) == {"plot_id", "block"}
    assert problem is not None and "names both" in problem


def test_plot_block_as_the_only_plot_column_is_refused_with_the_fix(tmp_path: Path) -> None:
    """No plot id is read: the missing-column error says why and how to map it."""
    path = _write(tmp_path, "plot_block,block,treatment,harvested_area_m2,fresh_mass_kg,"
                  "moisture_pct\n101,B1,CK,20,10.2,20.5\n102,B1,T,20,10.9,20.0\n")  # fmt: skip
    with pytest.raises(DataValidationError) as raised:
        yt.read_plots(path)
    message = str(raised.value)
    assert "missing required column: plot_id" in message
    assert "--column 'plot_block=plot_id' or 'plot_block=block'" in message


def test_plot_block_beside_a_plot_column_warns_not_read_as_block(tmp_path: Path) -> None:
    """With a plot column it is kept as extra and warned of, as a typo of 'block' is."""
    path = _write(tmp_path, "plot,plot_block,treatment,harvested_area_m2,fresh_mass_kg,"
                  "moisture_pct\n101,B1,CK,20,10.2,20.5\n102,B1,T,20,10.9,20.0\n")  # fmt: skip
    with pytest.warns(yt.YieldTrialWarning, match=r"'plot_block' .* not read as 'block'"):
        plots = yt.read_plots(path)
    assert "block" not in plots.columns and "plot_block" in plots.columns


def test_header_naming_one_label_is_still_read() -> None:
    """site_id, row_id, plot_no, block_no name one column ('id' is no label word here)."""
    from yieldtrial.io.headers import recognise_header

    found = [recognise_header(h)[0] for h in ("site_id", "row_id", "plot_no", "block_no")]
    assert found == ["site", "row", "plot_id", "block"]


# 4. a CRD beside a column that may hold the blocks: the methods say so -----------------------


@pytest.mark.parametrize("header", ["blcok", "plot_block"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_methods_say_the_blocks_were_not_read(
    tmp_path: Path, header: str, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The design sentence of a CRD names the unread column and the --column fix.

    It agrees with the warning printed (--column '<header>=block' in both).
    """
    path = _write(tmp_path, f"plot,{header},treatment,harvested_area_m2,fresh_mass_kg,"
                  "moisture_pct\n" + "".join(f"{b}0{i},B{b},{t},20,{10 + i / 10 + b / 7:.2f},"
                  "20.0\n" for b in (1, 2, 3) for i, t in enumerate(("CK", "T", "S"))))  # fmt: skip
    out = tmp_path / "report.md"
    code = main(["report", str(path), "--crop", "wheat", "--control", "CK", "--lang", lang,
                 "-o", str(out)])  # fmt: skip
    assert code == 0 and f"--column '{header}=block'" in capsys.readouterr().err
    text = out.read_text(encoding="utf-8").replace("\\_", "_")
    expected = "No block column was read" if lang == "en" else "未读入区组列"
    assert expected in text and f"--column '{header}=block'" in text


def test_methods_of_a_crd_without_a_block_like_column_say_nothing_of_blocks(
    tmp_path: Path,
) -> None:
    """A CRD table with no such column: no sentence about unread blocks."""
    path = _write(tmp_path, "plot,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
                  + "".join(f"{i},{t},20,{10 + i / 10:.2f},20.0\n"
                            for i, t in enumerate(("CK", "T", "S") * 3)))  # fmt: skip
    out = tmp_path / "report.md"
    assert main(["report", str(path), "--crop", "wheat", "--control", "CK", "-o", str(out)]) == 0
    assert "No block column was read" not in out.read_text(encoding="utf-8")


# 5. a byte-order mark inside the table: one rule for every column ----------------------------

_BOM_HEADER = "plot_id,site,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct,notes\n"
_BOM_ROWS = ["101,A,CK,20,10.2,20.5,ok\n", "102,A,T,20,10.9,20.0,ok\n",
             "201,A,CK,20,10.4,20.1,ok\n", "202,A,T,20,11.0,19.8,ok\n"]  # fmt: skip


@pytest.mark.parametrize(
    ("position", "column"),
    [(0, "plot_id"), (1, "site"), (2, "treatment"), (4, "fresh_mass_kg"), (6, "notes")],
)
def test_byte_order_mark_inside_the_table_is_removed_with_a_warning(
    tmp_path: Path, position: int, column: str
) -> None:
    """Stop 52 stripped it from a plot id silently and refused it in a mass.

    It warned of it on a site only when 'A' was also written without it, and kept it in a
    note.  Row 3 (header row 1) has the mark before its cell in ``column``; the value read is the
    one without it (plot 102, site 'A', treatment 'T', 10.9 kg, 'ok').
    """
    rows = list(_BOM_ROWS)
    cells = rows[1].split(",")
    cells[position] = "\ufeff" + cells[position]
    rows[1] = ",".join(cells)
    path = _write(tmp_path, _BOM_HEADER + "".join(rows))
    with pytest.warns(yt.YieldTrialWarning) as caught:
        plots = yt.read_plots(path)
    (message,) = [str(w.message) for w in caught]
    assert f"is inside the table (were several files joined into one?): {column} row 3." in message
    assert plots.iloc[1][["plot_id", "site", "treatment", "fresh_mass_kg", "notes"]].tolist() == [
        "102", "A", "T", 10.9, "ok"]  # fmt: skip


def test_byte_order_mark_warning_names_every_column_and_row(tmp_path: Path) -> None:
    """Two columns, three rows: one warning listing them column by column."""
    rows = ["\ufeff" + r for r in _BOM_ROWS[1:3]]
    rows = [_BOM_ROWS[0], *rows, _BOM_ROWS[3].replace(",ok", ",\ufeffok")]
    path = _write(tmp_path, _BOM_HEADER + "".join(rows))
    with pytest.warns(yt.YieldTrialWarning, match=r": plot_id row 3, row 4; notes row 5\. It"):
        yt.read_plots(path)


def test_byte_order_mark_at_the_start_of_the_file_is_no_warning(tmp_path: Path) -> None:
    """The mark a UTF-8 file starts with is the readers' (dropped), not a joined file's."""
    path = tmp_path / "plots.csv"
    path.write_text(_BOM_HEADER + "".join(_BOM_ROWS), encoding="utf-8-sig")
    assert yt.read_plots(path)["plot_id"].tolist() == ["101", "102", "201", "202"]
