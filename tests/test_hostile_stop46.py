"""Hostile pass of stop 46: paths, the environment, network folders, dates, numbers at the edges.

Each case asserts the exit status, one line on stderr, and the files left as they were.
"""

from __future__ import annotations

import pytest

from hostile import RCBD_ROWS, RCBD_TOML_HEAD, assert_one_line_error, config_report_argv, run_cli


@pytest.mark.parametrize(
    ("conditions", "match"),
    [
        (
            'sowing_date = "2024-13-45"',
            r": \[conditions\]: sowing_date = '2024-13-45' is not a calendar date \(there is no "
            r"month 13\); write the date as year-month-day, e\.g\. sowing_date = \"2023-10-08\"\.",
        ),
        (
            'harvest_date = "2023-02-29"',
            r"harvest_date = '2023-02-29' is not a calendar date \(February 2023 has 28 days\)",
        ),
        (
            'harvest_date = "0000-01-01"',
            r"'0000-01-01' is not a calendar date \(there is no year 0\)",
        ),
        (
            'sowing_date = "10/08/2023"',
            r"sowing_date = '10/08/2023' is not an ISO date; write the date as year-month-day",
        ),
        ('sowing_date = "early October"', r"sowing_date = 'early October' is not an ISO date"),
        ("sowing_date = 20231345", r"sowing_date = 20231345 is not a calendar date \(there is no "),
        ("harvest_date = 10:30:00", r"harvest_date = '10:30:00' is not an ISO date"),
        (
            'fertilization = [{ stage = "basal", date = "2024-04-31" }]',
            r": \[conditions\] fertilization entry 1: date = '2024-04-31' is not a calendar date "
            r"\(April 2024 has 30 days\)",
        ),
    ],
    ids=[
        "month-13",
        "feb-29",
        "year-0",
        "us-order",
        "words",
        "basic-form",
        "time",
        "fertilization",
    ],
)
def test_conditions_date_that_is_no_calendar_date_is_an_error(tmp_path, capsys, conditions, match):
    """[conditions] dates were free text: 2024-13-45 was printed in the trial information."""
    toml = RCBD_TOML_HEAD + "[conditions]\n" + conditions + "\n"
    argv, inputs = config_report_argv(tmp_path, toml)
    assert_one_line_error(argv, capsys, match=match, untouched=inputs, absent=[tmp_path / "r.md"])


@pytest.mark.parametrize(
    "conditions",
    [
        'sowing_date = "2024-02-29"',
        "sowing_date = 2023-10-08",  # a TOML date
        "harvest_date = 2024-06-08T09:30:00",  # a TOML date-time
        "harvest_date = 20240608",  # ISO basic form, read as its text
        'fertilization = [{ stage = "basal", date = "2023-10-07" }]',
    ],
    ids=["leap-day", "toml-date", "toml-datetime", "basic-form", "fertilization"],
)
def test_conditions_iso_dates_are_accepted(tmp_path, capsys, conditions):
    """Dates the calendar has, written year-month-day in any ISO form, still make a report."""
    toml = RCBD_TOML_HEAD + "[conditions]\n" + conditions + "\n"
    argv, _ = config_report_argv(tmp_path, toml)
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert (tmp_path / "r.md").is_file()


@pytest.mark.parametrize("value", ["abc", "", "1.5", "99999999999999999999"])
def test_malformed_source_date_epoch_is_one_line_not_an_internal_error(
    tmp_path, capsys, monkeypatch, value
):
    """SOURCE_DATE_EPOCH=abc ended report in NumPy's import: exit 3 (an internal error)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    argv, inputs = config_report_argv(tmp_path, RCBD_TOML_HEAD)
    assert_one_line_error(
        argv,
        capsys,
        match=rf"the environment variable SOURCE_DATE_EPOCH = {value!r} is not a time in whole "
        r"seconds since 1970-01-01 .*set it to a number of seconds such as 1700000000, or unset",
        untouched=inputs,
        absent=[tmp_path / "r.md"],
    )


def test_valid_source_date_epoch_is_left_alone(tmp_path, capsys, monkeypatch):
    """A reproducible-builds time stamp (whole seconds) runs as before."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    argv, _ = config_report_argv(tmp_path, RCBD_TOML_HEAD)
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines


@pytest.mark.parametrize("mass", ["1e308", "1e101"])
def test_standardize_mass_beyond_any_yield_is_refused_as_audit_does(capsys, mass):
    """`standardize 1e308` printed a 309-digit number (exit 0) where audit refuses the mass."""
    line = assert_one_line_error(
        ["standardize", mass, "--moisture", "5", "--standard", "13"],
        capsys,
        match=r"mass must be in \[0, 1e\+100\]; got 1e\+\d+\. No grain mass or yield comes "
        r"near 1e100: correct the value",
    )
    assert len(line) < 200


def _site_folder(folder):
    """Write a folder of three site tables (the small RCBD, one file per site)."""
    from hostile import plot_table

    sites = folder / "sites"
    sites.mkdir()
    for name in ("A.csv", "B.csv", "C.csv"):
        plot_table(sites, name, rows=RCBD_ROWS)
    return sites


def _fifo(path):
    import os

    os.mkfifo(path)


def _dangling(path):
    path.symlink_to(path.parent / "gone.csv")


def _loop(path):
    path.symlink_to(path)


def _device(path):
    path.symlink_to("/dev/zero")


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (_fifo, r"cannot read '.*sites/D\.csv': it is not a regular file \(a pipe, device or "),
        (_dangling, r"cannot read '.*sites/D\.csv': No such file or directory"),
        (_loop, r"cannot read '.*sites/D\.csv': Too many levels of symbolic links"),
        (_device, r"cannot read '.*sites/D\.csv': it is not a regular file"),
    ],
    ids=["fifo", "dangling-link", "link-loop", "device"],
)
@pytest.mark.parametrize("given", ["folder", "glob"])
def test_network_folder_entry_that_is_no_file_is_named_not_skipped(
    tmp_path, capsys, make, match, given
):
    """A FIFO (or a link to nothing) among the site tables was left out silently: exit 0."""
    import os

    if make is _fifo and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    sites = _site_folder(tmp_path)
    make(sites / "D.csv")
    out = tmp_path / "n.md"
    source = str(sites) if given == "folder" else f"{sites}/*.csv"
    argv = ["network", source, "--crop", "wheat", "--control", "CK", "-o", str(out)]
    assert_one_line_error(
        argv, capsys, match=match, untouched=list(sites.glob("[ABC].csv")), absent=[out]
    )


def test_network_folder_still_skips_sub_folders_and_hidden_files(tmp_path, capsys):
    """A sub-folder named like a table, a hidden file and an Excel lock file are not sites."""
    sites = _site_folder(tmp_path)
    (sites / "old.csv").mkdir()
    (sites / ".A.csv").write_text("junk\n", encoding="utf-8")
    (sites / "~$B.xlsx").write_bytes(b"lock")
    out = tmp_path / "n.json"
    argv = ["network", str(sites), "--crop", "wheat", "--control", "CK", "-o", str(out)]
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert out.is_file()


def test_network_site_without_plot_columns_is_left_out_for_its_missing_columns(tmp_path, capsys):
    """A site of 1,000 unknown columns was left out for "plot_id is empty in row 2".

    The other sites' columns were blank in its rows; each trial now keeps its own columns
    (a 200,000-column site also made every trial clean 200,000 columns: 76 s).
    """
    sites = _site_folder(tmp_path)
    (sites / "wide.csv").write_text(
        ",".join(f"c{i}" for i in range(1000)) + "\n" + ",".join("1" * 1000) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "n.json"
    argv = ["network", str(sites), "--crop", "wheat", "--control", "CK", "-o", str(out)]
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    left_out = [line for line in lines if "left out site 'wide'" in line]
    assert len(left_out) == 1, lines
    assert "missing required columns: treatment" in left_out[0]
    assert "'c0', 'c1'" in left_out[0]
    assert "is empty in row" not in left_out[0]


def _augmented_book(folder, check_mark="check", entry_mark="entry"):
    """Write an augmented field book: CK1, CK2 in blocks 1-3, three entries once each."""
    lines = ["plot_id,block,treatment,entry_type,harvested_area_m2,fresh_mass_kg,moisture_pct"]
    plot = 100
    for block in (1, 2, 3):
        for label in ("CK1", "CK2", f"E{block}1", f"E{block}2", f"E{block}3"):
            plot += 1
            mark = check_mark if label.startswith("CK") else entry_mark
            lines.append(f"{plot},{block},{label},{mark},20,{14 + plot % 7 / 10},21.5")
    path = folder / "plots.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("mark", ["chek", "1", "对照", "ｃｈｅｃｋ"])
def test_misspelt_entry_type_is_named_before_the_control_is_blamed(tmp_path, capsys, mark):
    """entry_type 'chek' marked no check; the error blamed --control ("the checks are :")."""
    plots = _augmented_book(tmp_path, check_mark=mark)
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK1", "--design", "augmented"]
    line = assert_one_line_error(
        [*argv, "--no-figures", "-o", str(out)],
        capsys,
        match=rf"entry_type of treatment 'CK1' \(plot '101'\) is {mark!r}; an augmented field "
        r"book marks each plot 'check' or 'entry'",
        untouched=[plots],
        absent=[out],
    )
    assert "control" not in line


@pytest.mark.parametrize("check_mark", ["", "entry"], ids=["blank", "entry"])
def test_augmented_book_without_checks_says_so(tmp_path, capsys, check_mark):
    """No plot marked 'check': "'CK1' is an entry ... (planted once); the checks are :"."""
    plots = _augmented_book(tmp_path, check_mark=check_mark)
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK1", "--design", "augmented"]
    line = assert_one_line_error(
        [*argv, "--no-figures", "-o", str(out)],
        capsys,
        match=r"control 'CK1' cannot be a check: this augmented design has no checks \(no "
        r"treatment is marked 'check' in the entry_type column",
        untouched=[plots],
        absent=[out],
    )
    assert "planted once" not in line


def test_ten_thousand_unknown_checks_make_a_short_line(tmp_path, capsys):
    """Checks = 10,000 names that are no treatment: an 89 KB error line listed every one."""
    plots = _augmented_book(tmp_path)
    config = tmp_path / "trial.toml"
    names = ", ".join(f'"C{i}"' for i in range(10_000))
    config.write_text(RCBD_TOML_HEAD.replace("CK", "CK1") + f"checks = [{names}]\n")
    out = tmp_path / "r.md"
    line = assert_one_line_error(
        ["report", str(plots), "--config", str(config), "--no-figures", "-o", str(out)],
        capsys,
        match=r"check\(s\) 'C0', 'C1', .*'C19' and 9980 more named in checks are not treatments",
        untouched=[plots, config],
        absent=[out],
    )
    assert len(line) < 1000


def test_minus_zero_option_is_shown_as_zero(capsys):
    """`--moisture -0 --standard -0` printed "at -0 %" and "(100 - -0)"."""
    from yieldtrial.cli import main

    code = main(["standardize", "442", "--moisture", "-0", "--standard", "-0"])
    out = capsys.readouterr().out
    assert code == 0
    assert "-0" not in out
    assert "442 at 0 % moisture -> 442.00 at 0 %" in out


@pytest.mark.parametrize(
    ("published", "reason"),
    [
        ("1e308", r"reported_mass must be in \[0, 1e\+100\]; got 1e\+308"),
        ("0", r"reported_mass must be in \(0, inf\); got 0"),
    ],
    ids=["1e308", "zero"],
)
def test_audit_of_a_table_names_the_plot_of_a_refused_figure(tmp_path, capsys, published, reason):
    """A plot table's published 1e308 was "reported_mass must be in ..." without its plot."""
    plots = tmp_path / "plots.csv"
    plots.write_text(
        "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct,yield_kg_ha\n"
        "101,1,CK,20,14.98,22.7,6000\n"
        f"102,1,T,20,13.77,23.7,{published}\n",
        encoding="utf-8",
    )
    out = tmp_path / "a.csv"
    argv = ["audit", str(plots), "--crop", "wheat", "--format", "csv", "-o", str(out)]
    assert_one_line_error(
        argv,
        capsys,
        match=r"--reported column 'yield_kg_ha', plot '102': " + reason,
        untouched=[plots],
        absent=[out],
    )
    code, lines = run_cli([*argv, "--lang", "zh"], capsys)
    assert code == 1
    assert lines[0].startswith("yieldtrial: 错误：--reported 列 'yield_kg_ha' 的小区 '102'：")
