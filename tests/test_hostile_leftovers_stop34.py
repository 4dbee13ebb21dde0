"""Leftovers of the stop-33 hostile pass: one line per failure, Chinese status lines.

A failed run prints one line (its error), also when the plot table's warnings came
first; a run that succeeds prints its warnings and notes in order.  Under ``--lang zh``
the ``wrote FILE`` lines and ``design``'s own lines are Chinese; usage errors stay
English (docs/cli.md).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from hostile import HEADER, assert_one_line_error, digests, run_cli
from yieldtrial.cli import main

#: Plot 101's moisture 38 % is outside wheat's plausible harvest range (8-25 %): a warning.
WET = (
    "101,1,CK,20,14.98,38\n",
    "102,1,T,20,13.77,13.7\n",
    "201,2,CK,20,14.97,13.4\n",
    "202,2,T,20,13.89,13.8\n",
)
WARNING = "yieldtrial: warning: moisture_pct outside the plausible harvest range for wheat"


def _wet_table(folder: Path) -> Path:
    path = folder / "plots.csv"
    path.write_text(HEADER + "".join(WET), encoding="utf-8")
    return path


def test_error_after_the_tables_warning_is_the_only_line(tmp_path, capsys):
    """`audit` of a table without published yields: the moisture warning came first."""
    table = _wet_table(tmp_path)
    out = tmp_path / "audit.csv"
    line = assert_one_line_error(
        ["audit", str(table), "--crop", "wheat", "-o", str(out)],
        capsys,
        code=1,
        match=r"^yieldtrial: error: the plot table needs harvest columns .* and one column of "
        "published standardized yields",
        untouched=[table],
        absent=[out],
    )
    assert "warning" not in line


def test_a_run_that_succeeds_keeps_its_warning_before_the_wrote_line(tmp_path, capsys):
    table = _wet_table(tmp_path)
    out = tmp_path / "yields.csv"
    code, lines = run_cli(["standardize", str(table), "--crop", "wheat", "-o", str(out)], capsys)
    assert code == 0
    assert len(lines) == 2, lines
    assert lines[0].startswith(WARNING)
    assert lines[1].startswith(f"wrote {out} (4 plots")


def test_debug_shows_the_held_warning_then_the_traceback(tmp_path, capsys):
    table = _wet_table(tmp_path)
    code, lines = run_cli(["--debug", "audit", str(table), "--crop", "wheat"], capsys)
    assert code == 1
    assert lines[0].startswith(WARNING)
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1].startswith("yieldtrial: error: the plot table needs harvest columns")


def test_a_usage_error_a_command_prints_itself_is_kept_alone(tmp_path, capsys):
    """trial.toml's implausible standard moisture warns; the missing --moisture is exit 2."""
    config = tmp_path / "trial.toml"
    config.write_text("[analysis]\nstandard_moisture_pct = 40\n", encoding="utf-8")
    before = digests([config])
    code, lines = run_cli(["audit", "442", "477.36", "--config", str(config)], capsys)
    assert code == 2
    assert lines == ["yieldtrial audit: error: a single MASS needs --moisture"]
    assert digests([config]) == before


def test_report_lang_zh_says_what_it_wrote_in_chinese(tmp_path, capsys):
    from hostile import plot_table

    table = plot_table(tmp_path)
    out = tmp_path / "report.html"
    argv = ["report", str(table), "--crop", "wheat", "--lang", "zh", "--no-figures", "-o", str(out)]
    code, lines = run_cli(argv, capsys)
    assert code == 0
    assert lines[-1] == f"已写入 {out}"


def test_design_lang_zh_lines_are_chinese(tmp_path, capsys):
    book, figure = tmp_path / "book.csv", tmp_path / "map.svg"
    argv = ["design", "rcbd", "--treatments", "CK", "T", "--blocks", "2", "--control", "CK",
            "--lang", "zh", "-o", str(book), "--map", str(figure)]  # fmt: skip
    code, lines = run_cli(argv, capsys)
    assert code == 0
    seed = lines[0].rsplit("随机种子 ", 1)[1].rstrip("）")
    assert lines == [
        f"田间记录簿：{book}（4 个小区，随机区组设计，随机种子 {seed}）",
        "对照：CK（`yieldtrial report` 时请用 --control CK，或在 trial.toml 的 [analysis] 中写 "
        "control）",
        f"随机种子 {seed}（用 --seed {seed} 可重现此田间排列）",
        f"田间排列图：{figure}",
    ]


def test_network_wrote_line_counts_the_trials_in_chinese() -> None:
    from yieldtrial.commands._zh_messages import set_language, wrote_line

    set_language("zh", "network")
    try:
        assert (
            wrote_line("n.json", {"ok": 3, "failed": 4})
            == "已写入 n.json（共 7 个试验：失败 4，正常 3）"
        )
    finally:
        set_language(None, None)
    assert wrote_line("n.json", {"ok": 3, "failed": 4}) == "wrote n.json (7 trials: failed 4, ok 3)"


def test_usage_error_under_lang_zh_is_chinese(capsys):
    """Argparse's usage errors follow --lang since stop 38 (docs/cli.md), still one line."""
    code = main(["design", "rcbd", "--treatments", "A", "B", "--blocks", "x", "--lang", "zh"])
    assert code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        "yieldtrial design: 错误：参数 --blocks：'x' 不是有效的整数"
        "（参见 'yieldtrial design --help'）"
    )


@pytest.mark.parametrize(
    ("lang", "prefix"),
    [("en", "yieldtrial: error: control 'CKX'"), ("zh", "yieldtrial: 错误：对照 'CKX'")],
)
def test_failed_report_after_a_warning_is_one_line(tmp_path, capsys, lang, prefix):
    """A report whose control is no treatment, of a table that warns: one error line."""
    table = _wet_table(tmp_path)
    out = tmp_path / "report.html"
    before = digests([table])
    argv = ["report", str(table), "--crop", "wheat", "--control", "CKX", "--lang", lang,
            "-o", str(out)]  # fmt: skip
    code, lines = run_cli(argv, capsys)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(prefix)
    assert digests([table]) == before
    assert not out.exists()


def test_two_contrasts_of_one_name_are_one_error_line(tmp_path, capsys):
    """Two [[contrasts]] named 'x': the sensitivity check matched them by name (one lost)."""
    from hostile import plot_table

    table = plot_table(tmp_path)
    config = tmp_path / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "wheat"\n'
        '[[contrasts]]\nname = "x"\ntreatment = "T"\nversus = "CK"\n'
        '[[contrasts]]\nname = "x"\ntreatment = "CK"\nversus = "T"\n',
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    assert_one_line_error(
        ["report", str(table), "--config", str(config), "-o", str(out)],
        capsys,
        code=1,
        match=r"trial\.toml': \[\[contrasts\]\] entries 1 and 2 are both named 'x'; give each "
        "contrast its own name",
        untouched=[table, config],
        absent=[out],
    )


def test_sensitivity_refuses_two_contrasts_of_one_name() -> None:
    import pandas as pd

    import yieldtrial
    from yieldtrial.errors import DataValidationError, YieldTrialWarning

    # yields: 6, 6.5 plus a small irregular part (an exact additive fit is refused)
    plots = pd.DataFrame(
        {
            "plot_id": ["11", "12", "21", "22", "31", "32"],
            "block": [1, 1, 2, 2, 3, 3],
            "treatment": ["CK", "T", "CK", "T", "CK", "T"],
            "yield_t_ha": [6.0, 6.5, 6.1, 6.9, 5.8, 6.4],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        trial = yieldtrial.FieldTrial.from_dataframe(plots, crop="wheat", control="CK")
    with pytest.raises(DataValidationError, match=r"the name 'x' is given to more than one"):
        trial.sensitivity(plots=[], contrasts=[("x", "T", "CK"), ("x", "CK", "T")])


DESIGN = ["design", "rcbd", "--treatments", "CK", "T", "--blocks", "2", "--seed", "1"]


@pytest.mark.parametrize(
    ("header", "value", "shown"),
    [
        ("notes", "lodging", "notes"),
        ("plant_count", "120", "plant_count"),
        ("grain_kg", "7.5", "grain_kg"),
        ("备注", "倒伏", "备注"),
    ],  # fmt: skip
    ids=["notes", "plant-count", "grain-kg", "beizhu"],
)
def test_design_force_never_replaces_a_book_filled_in_other_columns(
    tmp_path, capsys, header, value, shown
):
    """A field book whose technician filled a column of their own is filled in: kept.

    'grain_kg' named no harvest for the check (a word boundary before kg misses '_kg'); notes
    and counts were no harvest columns at all, so ``--force`` replaced the book.
    """
    book = tmp_path / "fieldbook.csv"
    book.write_text(
        f"plot_id,treatment,block,row,column,harvested_area_m2,{header}\n"
        f"101,CK,1,1,1,20,{value}\n102,T,1,1,2,20,\n",
        encoding="utf-8",
    )
    assert_one_line_error(
        [*DESIGN, "-o", str(book), "--force"],
        capsys,
        match=rf"already holds harvest data \({shown} in 1 row\); yieldtrial never replaces",
        untouched=[book],
    )


def test_design_force_replaces_an_unfilled_book(tmp_path, capsys):
    """The layout columns and the pre-filled plot area alone are no field data."""
    book = tmp_path / "fieldbook.csv"
    book.write_text(
        "plot_id,treatment,block,row,column,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
        "101,CK,1,1,1,20,,\n102,T,1,1,2,20,,\n",
        encoding="utf-8",
    )
    code, lines = run_cli([*DESIGN, "-o", str(book), "--force"], capsys)
    assert code == 0, lines
    assert book.read_text(encoding="utf-8-sig").startswith("plot_id,treatment,block")


@pytest.mark.parametrize(
    ("head", "kind"),
    [(b"PK\x03\x04", r"a ZIP archive \(an Excel workbook\?\) named \.csv"),
     (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
      r"an old \.xls or a password-protected Excel workbook \(an OLE2 file\)")],
    ids=["xlsx-named-csv", "ole2"],
)  # fmt: skip
def test_design_force_never_replaces_a_workbook_it_cannot_read(tmp_path, capsys, head, kind):
    """A workbook saved under a .csv name held "no harvest data" (read as CSV): replaced."""
    book = tmp_path / "fieldbook.csv"
    book.write_bytes(head + b"\x00" * 600)
    assert_one_line_error(
        [*DESIGN, "-o", str(book), "--force"],
        capsys,
        match=rf"'{book}' is {kind}, whose cells yieldtrial cannot read, so it cannot tell",
        untouched=[book],
    )


RAW_SITES = "site,plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"


@pytest.mark.parametrize("blank", ["", "  "], ids=["empty", "spaces"])
def test_network_raw_records_with_a_blank_site_is_one_error_line(tmp_path, capsys, blank):
    """A blank site of raw harvest records failed in " / ".join (exit 3, pandas 3)."""
    table = tmp_path / "sites.csv"
    table.write_text(
        RAW_SITES + "A,1,1,CK,20,14,13\nA,2,1,T,20,14.5,13\n"
        f"{blank},3,2,CK,20,14.2,13\nA,4,2,T,20,14.8,13\n",
        encoding="utf-8",
    )
    out = tmp_path / "net.json"
    # row 4: the file's line of the plot (the header is line 1), as for a yield table
    assert_one_line_error(
        ["network", str(table), "--crop", "wheat", "-o", str(out)],
        capsys,
        code=1,
        match=r"^yieldtrial: error: column 'site' \(a trial key in by=\) is blank at row 4; "
        "every plot needs its trial identified",
        untouched=[table],
        absent=[out],
    )


def test_network_raw_records_header_only_is_one_error_line(tmp_path, capsys):
    """Grouping no rows failed in pandas ("Grouper ... not 1-dimensional", exit 3)."""
    table = tmp_path / "sites.csv"
    table.write_text(RAW_SITES, encoding="utf-8")
    out = tmp_path / "net.json"
    assert_one_line_error(
        ["network", str(table), "--crop", "wheat", "-o", str(out)],
        capsys,
        code=1,
        match=r"^yieldtrial: error: sites\.csv: the table has no plot rows \(only a header\)",
        untouched=[table],
        absent=[out],
    )
