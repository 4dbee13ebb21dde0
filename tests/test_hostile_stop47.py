"""Hostile pass of stop 47: spreadsheet exports, audit's arguments, network files, signals.

Each case asserts the exit status, one line on stderr, and the files left as they were.
The generator of the pass (about 1,300 cases) is described in CHANGELOG.md (stop 47).
"""

from __future__ import annotations

import datetime
import json
import re

import pytest

from hostile import (
    COLUMNS,
    HEADER,
    RCBD_ROWS,
    RCBD_TOML_HEAD,
    ROWS,
    VALUES,
    assert_one_line_error,
    config_report_argv,
    digests,
    plot_table,
    run_cli,
    standardize_argv,
)
from yieldtrial.cli import main


@pytest.mark.parametrize(
    ("column", "row", "value"),
    [
        ("treatment", "102,1,#N/A,20,13.77,13.7\n", "#N/A"),
        ("block", "102,#DIV/0!,T,20,13.77,13.7\n", "#DIV/0!"),
        ("plot_id", "#REF!,1,T,20,13.77,13.7\n", "#REF!"),
        ("treatment", "102,1,#NAME?,20,13.77,13.7\n", "#NAME?"),
    ],
    ids=["treatment-na", "block-div0", "plot-ref", "treatment-name"],
)
def test_spreadsheet_error_value_in_a_label_column_is_an_error(
    tmp_path, capsys, column, row, value
):
    """'#N/A' from a failed VLOOKUP was read as one more treatment (block, plot) named '#N/A'."""
    plots = plot_table(tmp_path, rows=(ROWS[0], row, *ROWS[2:]))
    out = tmp_path / "out.csv"
    assert_one_line_error(
        standardize_argv(plots, tmp_path),
        capsys,
        match=rf"plots\.csv: {column} holds a spreadsheet error value in row 3 = "
        rf"'{re.escape(value)}', "
        r"not a label: a formula failed there; fix it or type the label in the sheet",
        untouched=[plots],
        absent=[out],
    )


def test_spreadsheet_error_cell_of_a_workbook_label_column_is_an_error(tmp_path, capsys):
    """An error cell (#N/A) in the treatment column of an .xlsx: the same error, its row."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in VALUES:
        sheet.append(row)
    sheet["C4"] = "#N/A"
    sheet["C4"].data_type = "e"  # as Excel stores a failed formula's cached value
    path = tmp_path / "plots.xlsx"
    book.save(path)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"plots\.xlsx: treatment holds a spreadsheet error value in row 4 = '#N/A'",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


@pytest.mark.parametrize("cell", ["A3", "B3"], ids=["plot-id", "block"])
def test_date_among_numbered_labels_of_a_workbook_is_warned(tmp_path, capsys, cell):
    """A date among plot or block numbers (Excel's '1-2' -> 2 January) was read silently."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in VALUES:
        sheet.append(row)
    sheet[cell] = datetime.datetime(2024, 1, 2)
    path = tmp_path / "plots.xlsx"
    book.save(path)
    code, lines = run_cli(standardize_argv(path, tmp_path), capsys)
    assert code == 0, lines
    column = "plot_id" if cell == "A3" else "block"
    assert any(
        line.startswith(f"yieldtrial: warning: {column} holds dates in row 3 (e.g. '2024-01-02")
        for line in lines
    ), lines


@pytest.mark.parametrize(
    ("mass", "hint"),
    [
        ("442,5", "with a dot as the decimal separator"),
        ("442 kg", "without a unit"),
        ("0x1b", "without a unit"),
        ("", "without a unit"),
    ],
    ids=["decimal-comma", "unit", "hex", "blank"],
)
def test_audit_mass_that_is_no_number_is_named(tmp_path, capsys, mass, hint):
    """'audit 442,5 477 --moisture 5' said "a plot table has its own moisture columns"."""
    assert_one_line_error(
        ["audit", mass, "477", "--moisture", "5", "--crop", "wheat"],
        capsys,
        code=2,
        match=rf"MASS_OR_FILE '{mass}' is neither a number nor a file; give the mass as a "
        rf"plain number {hint}, e\.g\. 442\.5, or the path of a plot table alone",
    )


def test_audit_of_a_plot_table_with_reported_keeps_its_message(tmp_path, capsys):
    """An existing plot table with REPORTED is still told to be given alone."""
    plots = plot_table(tmp_path)
    assert_one_line_error(
        ["audit", str(plots), "477"],
        capsys,
        code=2,
        match=r"a plot table has its own moisture and reported columns: give the file alone",
        untouched=[plots],
    )


def test_audit_far_above_the_base_leaves_the_trade_rule_out(tmp_path, capsys):
    """--moisture 85 refused the audit with "adjustment factor 1 - loss_pct_per_step x ...".

    The grain-trade rule deducts 1 % per full 0.5 point above the 13 % base: 72 points are
    144 steps, 144 % of the mass; the other methods still answer (dry matter:
    442 x (100 - 85) / (100 - 13) = 76.2069, by hand).
    """
    out = tmp_path / "audit.json"
    argv = ["audit", "442", "477.36", "--moisture", "85", "--crop", "wheat"]
    code, lines = run_cli([*argv, "--format", "json", "-o", str(out)], capsys)
    assert code == 0, lines
    rows = {row["method"]: row for row in json.loads(out.read_text(encoding="utf-8"))}
    assert rows["dry_matter"]["predicted"] == pytest.approx(442 * 15 / 87)
    trade = rows["cn_grain_trade"]
    assert trade["predicted"] is None and trade["reproduces"] is False
    assert trade["formula"] == (
        "China grain-trade step rule: not applicable (85 % is 72 points above base 13; its "
        "deduction of 1 % per 0.5 point would take the whole mass)"
    )


def test_audit_shrink_that_would_take_the_whole_mass_is_not_applicable(tmp_path, capsys):
    """3 % per point x 47 points is 141 % of the mass: the row says so, the audit goes on."""
    out = tmp_path / "audit.json"
    argv = ["audit", "442", "477.36", "--moisture", "60", "--crop", "wheat"]
    code, lines = run_cli(
        [*argv, "--shrink-per-point", "3", "--format", "json", "-o", str(out)], capsys
    )
    assert code == 0, lines
    rows = {row["method"]: row for row in json.loads(out.read_text(encoding="utf-8"))}
    assert rows["shrink"]["predicted"] is None
    assert "not applicable (3 % per point x 47 points above standard" in rows["shrink"]["formula"]


def test_audit_not_applicable_rows_are_chinese_under_lang_zh(capsys):
    """The two new formula lines have their Chinese forms (report/i18n.py)."""
    argv = ["audit", "442", "477.36", "--moisture", "63", "--crop", "wheat"]
    assert main([*argv, "--shrink-per-point", "3", "--lang", "zh"]) == 0
    text = capsys.readouterr().out
    assert "缩水系数法：不适用（每百分点扣 3% × 高于标准 50 个百分点，将扣去全部质量）" in text
    assert "粮食收购水分增量规则：不适用（含水量 63% 高于基准 13% 共 50 个百分点" in text
    assert "not applicable" not in text


def _site_file(path, site, scale=1.0):
    rows = [line.split(",") for line in RCBD_ROWS]
    lines = ["site," + HEADER.strip()]
    for cells in rows:
        cells[4] = f"{float(cells[4]) * scale:.2f}"
        lines.append(f"{site}," + ",".join(cells).strip())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_network_site_in_two_files_names_both(tmp_path, capsys):
    """Site 'A' in a.csv and b.csv: "duplicate plot ids" named "plot table", not the files."""
    files = [_site_file(tmp_path / "a.csv", "A"), _site_file(tmp_path / "b.csv", "A", 1.1)]
    files.append(_site_file(tmp_path / "c.csv", "C", 0.9))
    out = tmp_path / "n.json"
    argv = ["network", *map(str, files), "--crop", "wheat", "--control", "CK", "-o", str(out)]
    before = digests(files)
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert lines[0].startswith(
        "yieldtrial: warning: left out site 'A': a.csv + b.csv: duplicate plot ids within a "
        "site: 'A/101' (2 times)"
    ), lines
    assert digests(files) == before


def test_network_site_of_one_file_among_several_names_its_file(tmp_path, capsys):
    """A bad site of several files is named by its own file (was "plot table")."""
    good = _site_file(tmp_path / "a.csv", "A")
    bad = _site_file(tmp_path / "b.csv", "B")
    bad.write_text(bad.read_text(encoding="utf-8").replace(",23.7\n", ",230\n"), encoding="utf-8")
    third = _site_file(tmp_path / "c.csv", "C", 0.9)
    out = tmp_path / "n.json"
    argv = ["network", str(good), str(bad), str(third), "--crop", "wheat", "--control", "CK"]
    code, lines = run_cli([*argv, "-o", str(out)], capsys)
    assert code == 0, lines
    assert any(line.startswith("yieldtrial: warning: left out site 'B': b.csv: ") for line in lines)


def test_other_costs_in_both_units_for_one_treatment_is_an_error(tmp_path, capsys):
    """other_costs_per_mu = { T = 10 } and other_costs_per_ha = { T = 150 } were added.

    The same extra pass written in both units counted twice: T's cost change was -60 CNY/ha
    (-360 fertilizer + 150 + 150) where either table alone gives -210.
    """
    toml = (
        RCBD_TOML_HEAD + "[economics]\ngrain_price_per_kg = 2.5\n"
        "other_costs_per_mu = { T = 10 }\nother_costs_per_ha = { T = 150 }\n"
    )
    argv, inputs = config_report_argv(tmp_path, toml)
    assert_one_line_error(
        argv,
        capsys,
        match=r"trial\.toml': \[economics\] other_costs_per_mu and other_costs_per_ha both give a "
        r"cost for 'T'; the two would be added: give each treatment's further cost once",
        untouched=inputs,
        absent=[tmp_path / "r.md"],
    )


def _yield_file(
    path, site, rows=("101,1,CK,6500", "102,1,T,6000", "201,2,CK,6400", "202,2,T,6100")
):
    lines = ["site,plot_id,block,treatment,yield_kg_ha", *(f"{site},{row}" for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_network_yield_table_with_a_plot_twice_leaves_the_site_out(tmp_path, capsys):
    """A yield table with plots '101', '102' twice in site 'A' was a trial of 6 "plots", ok.

    Raw harvest records refused it; yield tables counted each such plot twice (the error
    df inflated). The site is left out with the reason the harvest records give.
    """
    rows = ("101,1,CK,6500", "102,1,T,6000", "201,2,CK,6400", "202,2,T,6100")
    table = tmp_path / "sites.csv"
    lines = ["site,plot_id,block,treatment,yield_kg_ha"]
    lines += [f"A,{row}" for row in (*rows, *rows[:2])] + [f"B,{row}" for row in rows]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "n.json"
    before = digests([table])
    code, lines_ = run_cli(["network", str(table), "--control", "CK", "-o", str(out)], capsys)
    assert code == 0, lines_
    assert lines_[0] == (
        "yieldtrial: warning: left out site 'A': sites.csv: duplicate plot ids within a site: "
        "'A/101' (2 times), 'A/102' (2 times); each plot must appear on one row. Give every "
        "plot its own plot_id (e.g. add the block: '101', '201', ...)"
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [t["site"] for t in result["per_trial"]] == ["B"]
    assert result["per_trial"][0]["n_plots"] == 4
    assert result["left_out"][0]["trial"] == "A"
    assert digests([table]) == before


def test_network_yield_tables_of_one_site_in_two_files_is_an_error(tmp_path, capsys):
    """Site 'A' in a.csv and b.csv, the same plot ids: every trial invalid, one line, exit 1."""
    first = _yield_file(tmp_path / "a.csv", "A")
    second = _yield_file(tmp_path / "b.csv", "A", ("101,1,CK,6510", "102,1,T,6000"))
    out = tmp_path / "n.json"
    assert_one_line_error(
        ["network", str(first), str(second), "--control", "CK", "-o", str(out)],
        capsys,
        match=r"every trial's harvest records are invalid \(1 of 1\); first: site 'A': a\.csv "
        r"\+ b\.csv: duplicate plot ids within a site: 'A/101' \(2 times\), 'A/102' \(2 times\)",
        untouched=[first, second],
        absent=[out],
    )
