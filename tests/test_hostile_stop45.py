"""Hostile pass of stop 45: field books of unknown shape, and the newer features' inputs.

Each case asserts the exit status, one line on stderr, and the files left as they were.
"""

from __future__ import annotations

import pytest

from hostile import assert_one_line_error, run_cli

DESIGN = ["design", "rcbd", "--treatments", "CK", "T1", "--blocks", "2", "--seed", "1"]


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        ("Parcelle,Bloc,Traitement,Rendement\n1,1,A,5.5\n", "Rendement in 1 row"),
        ("Parzelle,Wdh,Sorte,Ertrag dt/ha\n1,1,A,55\n", "Ertrag dt/ha in 1 row"),
        ("harvest notes\nall lodged\n", "harvest notes in 1 row"),
    ],
    ids=["french", "german", "notes"],
)
def test_design_never_replaces_a_table_of_unread_headers(tmp_path, capsys, content, shown):
    """A table whose headers yieldtrial does not read was "no field book": --force replaced it."""
    book = tmp_path / "fieldbook.csv"
    book.write_text(content, encoding="utf-8")
    assert_one_line_error(
        [*DESIGN, "-o", str(book), "--force"],
        capsys,
        match=rf"already holds harvest data \(.*{shown}.*not even with --force",
        untouched=[book],
    )


def test_design_never_replaces_one_line_of_text(tmp_path, capsys):
    """One line of text reads as a header without rows; its content is unknown: kept."""
    book = tmp_path / "fieldbook.csv"
    book.write_text("harvest numbers: 12 14 15\n", encoding="utf-8")
    assert_one_line_error(
        [*DESIGN, "-o", str(book), "--force"],
        capsys,
        match=r"does not read as a plot table \(none of its column headers is a plot table "
        r"column\)",
        untouched=[book],
    )


def test_design_still_replaces_an_empty_field_book_template(tmp_path, capsys):
    """A header of plot-table columns without rows holds no field data: --force replaces it."""
    book = tmp_path / "fieldbook.csv"
    book.write_text("plot_id,block,treatment,fresh_mass_kg\n", encoding="utf-8")
    code, lines = run_cli([*DESIGN, "-o", str(book), "--force"], capsys)
    assert code == 0, lines
    assert book.read_text(encoding="utf-8-sig").startswith("plot_id,")


def _augmented_table(folder):
    """Three blocks, checks CK1 and CK2 in each, three entries once each (no entry_type)."""
    lines = ["plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct"]
    plot = 100
    for block in (1, 2, 3):
        for label in ("CK1", "CK2", f"E{block}1", f"E{block}2", f"E{block}3"):
            plot += 1
            lines.append(f"{plot},{block},{label},20,{14 + plot % 7 / 10},{20 + plot % 5 / 10}")
    path = folder / "plots.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("given", ["", ",,", " "], ids=["empty", "commas", "space"])
def test_blank_checks_option_is_an_error(tmp_path, capsys, given):
    """--checks '' was ignored (exit 0), where --control '' is an error: now the same rule."""
    plots = _augmented_table(tmp_path)
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK1", "--checks", given]
    assert_one_line_error(
        [*argv, "--no-figures", "-o", str(out)],
        capsys,
        match=rf"the command line: checks = {given!r} names no check \(the labels are blank\)",
        untouched=[plots],
        absent=[out],
    )


def test_blank_checks_in_trial_toml_is_an_error_in_chinese_too(tmp_path, capsys):
    """A blank checks = "" in trial.toml: one Chinese line under --lang zh, nothing written."""
    plots = _augmented_table(tmp_path)
    config = tmp_path / "trial.toml"
    config.write_text('[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK1"\nchecks = ""\n')
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--config", str(config), "--no-figures", "-o", str(out)]
    code, lines = run_cli([*argv, "--lang", "zh"], capsys)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("yieldtrial: 错误："), lines
    assert "checks = '' 没有指定任何对照品种" in lines[0]
    assert not out.exists()


def test_alpha_design_with_absurd_replicates_is_refused_before_the_search(capsys):
    """100,000 replicates of 10 entries passed every check and searched for minutes."""
    argv = ["design", "alpha", "--treatments", *[f"G{i}" for i in range(10)]]
    assert_one_line_error(
        [*argv, "--block-size", "5", "--replicates", "100000"],
        capsys,
        match=r"this alpha layout would have 1,000,000 plots; yieldtrial lays out at most "
        r"100,000 plots",
    )


def test_missing_columns_message_lists_the_first_sixty_columns_found(tmp_path, capsys):
    """A row of 1,000 numbers read as the header was listed whole (200,000: a 2 MB line)."""
    plots = tmp_path / "plots.csv"
    plots.write_text(
        ",".join(f"c{i}" for i in range(1000)) + "\n" + ",".join("1" * 1000) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.md"
    line = assert_one_line_error(
        ["report", str(plots), "--crop", "wheat", "--no-figures", "-o", str(out)],
        capsys,
        match=r"Columns found: 'c0', 'c1', .*'c59' and 940 more\. Rename columns",
        untouched=[plots],
        absent=[out],
    )
    assert len(line) < 3000


@pytest.mark.parametrize(
    ("checks", "match"),
    [
        ("CK1,E11", r"treatment 'CK2' is not named in checks \('CK1', 'E11'\) but has 3 plots"),
        (
            "CK1,CK2,E11",
            r"treatment 'E11' is named in checks \('CK1', 'CK2', 'E11'\) but has 1 "
            r"plot; a check is repeated in every block",
        ),
    ],
    ids=["check-left-out", "entry-named"],
)
def test_named_checks_are_blamed_not_an_entry_type_column(tmp_path, capsys, checks, match):
    """--checks on a table without entry_type said "marked 'entry' in entry_type"."""
    plots = _augmented_table(tmp_path)
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK1", "--checks", checks]
    line = assert_one_line_error(
        [*argv, "--no-figures", "-o", str(out)],
        capsys,
        match=match,
        untouched=[plots],
        absent=[out],
    )
    assert "entry_type" not in line


@pytest.mark.parametrize(
    ("checks", "match"),
    [
        ("", r"FieldTrial: checks = '' names no check \(the labels are blank\)"),
        ([" "], r"FieldTrial: checks = \[' '\] names no check"),
        (5, r"FieldTrial: checks = 5; expected text or a list\."),
    ],
    ids=["empty", "blank-item", "number"],
)
def test_field_trial_checks_follow_the_trial_toml_rule(tmp_path, checks, match):
    """FieldTrial(checks='') said "check(s) '' ... are not treatments"; 5 was read as '5'."""
    import pandas as pd

    from yieldtrial import FieldTrial
    from yieldtrial.errors import DataValidationError

    plots = pd.read_csv(_augmented_table(tmp_path), dtype=str)
    with pytest.raises(DataValidationError, match=match):
        FieldTrial(plots, crop="wheat", control="CK1", checks=checks)


@pytest.mark.parametrize("constructor", ["from_csv", "from_dataframe"])
def test_field_trial_constructors_refuse_a_number_as_checks(tmp_path, constructor):
    """FieldTrial.from_csv(path, checks=5) read 5 as the label '5': now FieldTrial's rule."""
    import pandas as pd

    from yieldtrial import FieldTrial
    from yieldtrial.errors import DataValidationError

    path = _augmented_table(tmp_path)
    source = path if constructor == "from_csv" else pd.read_csv(path, dtype=str)
    with pytest.raises(DataValidationError, match=r"FieldTrial: checks = 5; expected text or"):
        getattr(FieldTrial, constructor)(source, crop="wheat", control="CK1", checks=5)


def test_design_map_and_field_book_of_one_name_are_named_as_such(tmp_path, capsys):
    """--map m.svg -o ./m.svg was "output file 'm.svg' is also an input file"."""
    shown = tmp_path / "m.svg"
    line = assert_one_line_error(
        [*DESIGN, "--map", str(shown), "-o", f"{tmp_path}/./m.svg"],
        capsys,
        match=r"--map '.*m\.svg' and -o '.*m\.svg' name the same file; give the field map its "
        r"own name",
        absent=[shown],
    )
    assert "input" not in line


def test_demo_folder_on_a_read_only_disk_is_one_chinese_line(tmp_path, capsys, monkeypatch):
    """`demo --lang zh -o DIR` on a read-only disk printed the English line (not catalogued)."""
    import errno
    import pathlib

    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(pathlib.Path, "mkdir", read_only)
    folder = tmp_path / "demo"
    code, lines = run_cli(["demo", "--lang", "zh", "-o", str(folder)], capsys)
    assert code == 1
    assert lines == [
        f"yieldtrial: 错误：无法创建文件夹 '{folder}'：文件系统为只读；请写入另一个文件夹"
        "（如主目录中的文件夹）"
    ]
    assert not folder.exists()


def test_terminal_escapes_in_a_file_name_are_shown_not_acted_on(tmp_path, capsys):
    """A table named with an ANSI escape coloured the terminal through the error line."""
    plots = tmp_path / "\x1b[31mred\u202e.csv"
    plots.write_text("plot_id,treatment,fresh_mass_kg\n1,A,abc\n", encoding="utf-8")
    line = assert_one_line_error(
        ["report", str(plots), "--crop", "wheat", "--no-figures", "-o", str(tmp_path / "r.md")],
        capsys,
        untouched=[plots],
    )
    assert "\x1b" not in line and "\u202e" not in line
    assert "\\x1b[31mred\\u202e.csv" in line
