"""Command-line arguments of every command at their edges: 0, negative, huge, contradictory."""

from __future__ import annotations

import pytest

from hostile import assert_one_line_error, plot_table
from yieldtrial.cli import main


@pytest.mark.parametrize("value", ["-1", "16", "99999999999"], ids=["negative", "16", "huge"])
def test_standardize_decimals_out_of_range(capsys, value):
    """--decimals outside 0-15 is a usage error naming the flag (was an internal error)."""
    assert_one_line_error(
        ["standardize", "442", "--moisture", "5", "--standard", "13", "--decimals", value],
        capsys,
        code=2,
        match=r"--decimals must be a whole number from 0 to 15; got " + value,
    )


def test_standardize_decimals_zero(capsys):
    """--decimals 0 rounds to a whole number: 442 x 95 / 87 = 482.64 -> 483."""
    code = main(["standardize", "442", "--moisture", "5", "--standard", "13", "--decimals", "0"])
    assert code == 0
    assert capsys.readouterr().out.splitlines()[0] == "483"


def test_plan_power_is_not_rounded_up_to_100(capsys):
    """--power 0.9999 is printed as 99.99 % power, never '100% power'."""
    code = main(
        ["plan", "--cv", "8", "--difference", "5", "--treatments", "3", "--power", "0.9999"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "with 99.99 % power" in out
    assert "100" not in out.splitlines()[1]


def test_plan_large_error_df_is_a_whole_number(capsys):
    """Error df (3 - 1)(1000000 - 1) = 1999998 is printed in full, not as 2e+06."""
    code = main(["plan", "--cv", "8", "--treatments", "3", "--replicates", "1000000"])
    out = capsys.readouterr().out
    assert code == 0
    assert "(3 - 1)(1000000 - 1) = 1999998." in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["latin", "--treatments", "A", "B", "C", "--blocks", "4"], "'latin' does not take blocks"),
        (
            ["rcbd", "--treatments", "A", "B", "--blocks", "3", "--sub-treatments", "N0", "N1"],
            "'rcbd' does not take sub_treatments; it takes blocks",
        ),
        (
            ["rcbd", "--treatments", "A", "B", "--blocks", "3", "--replicates", "2"],
            "'rcbd' does not take replicates",
        ),
        (
            ["crd", "--treatments", "A", "B", "--replicates", "2", "--blocks", "3"],
            "'crd' does not take blocks",
        ),
    ],
    ids=["latin-blocks", "rcbd-sub-treatments", "rcbd-replicates", "crd-blocks"],
)
def test_design_refuses_an_option_the_layout_ignores(tmp_path, capsys, argv, match):
    """A count the layout would silently ignore is an error naming it; no field book."""
    out = tmp_path / "book.csv"
    assert_one_line_error(
        ["design", *argv, "--seed", "1", "-o", str(out)], capsys, match=match, absent=[out]
    )


@pytest.mark.parametrize(
    "command", [["report", "p.csv", "-o", "r.md"], ["standardize", "p.csv"], ["audit", "p.csv"]]
)
def test_config_given_twice_is_a_usage_error(tmp_path, capsys, command):
    """Two --config files are refused (the last one used to win silently)."""
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text('[trial]\ncrop = "wheat"\n', encoding="utf-8")
    second.write_text('[trial]\ncrop = "maize"\n', encoding="utf-8")
    assert_one_line_error(
        [*command, "--config", str(first), "--config", str(second)],
        capsys,
        code=2,
        match=r"--config given twice .*; give one trial\.toml",
    )


def test_empty_config_path_is_a_usage_error(capsys):
    """--config '' names the empty argument (it read as the current folder '.')."""
    assert_one_line_error(
        ["report", "p.csv", "-o", "r.md", "--config", ""], capsys, code=2, match="--config is empty"
    )


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("1e-17", r"alpha = 1e-17; a significance level must be from 0\.0001 to 0\.5"),
        ("5", r"alpha = 5; a significance level must be from 0\.0001 to 0\.5"),  # as typed
    ],
    ids=["below-precision", "percent"],
)
def test_network_alpha_is_checked_as_in_report(tmp_path, capsys, value, match):
    """Network --alpha gets the report's message naming alpha (was 'confidence ... got 1.0')."""
    table = tmp_path / "net.csv"
    rows = [f"{s},{b},{t},{7000 + 10 * b}" for s in "AB" for b in (1, 2) for t in ("CK", "T")]
    table.write_text("site,block,treatment,yield_kg_ha\n" + "\n".join(rows) + "\n")
    assert_one_line_error(
        ["network", str(table), "--control", "CK", "--alpha", value], capsys, match=match
    )


@pytest.mark.parametrize("mass", ["1,5", "", "abc"], ids=["decimal-comma", "empty", "text"])
def test_standardize_mass_that_is_not_a_number(tmp_path, capsys, monkeypatch, mass):
    """A MASS that is neither a number nor a file says so (was '--moisture applies to ...')."""
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(
        ["standardize", mass, "--moisture", "5", "--standard", "13"],
        capsys,
        code=2,
        match=rf"MASS '{mass}' is not a number \(write a decimal point",
    )


def _moisture_toml(tmp_path):
    config = tmp_path / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "maize"\n[analysis]\nstandard_moisture_pct = 14\n'
        'moisture_method = "percentage_point"\n',
        encoding="utf-8",
    )
    return str(config)


def test_standardize_single_mass_reads_config(tmp_path, capsys):
    """A single MASS takes the standard moisture and method from --config (was ignored)."""
    code = main(["standardize", "442", "--moisture", "20", "--config", _moisture_toml(tmp_path)])
    # percentage-point shortcut: 442 x (1 - (20 - 14) / 100) = 442 x 0.94 = 415.48
    assert code == 0
    assert capsys.readouterr().out.splitlines()[0] == "415.48"


def test_standardize_single_mass_flag_overrides_config(tmp_path, capsys):
    """--standard beats the file's standard_moisture_pct, as for a plot table."""
    argv = ["standardize", "442", "--moisture", "20", "--standard", "15"]
    code = main([*argv, "--config", _moisture_toml(tmp_path)])
    # percentage-point shortcut: 442 x (1 - (20 - 15) / 100) = 442 x 0.95 = 419.90
    assert code == 0
    assert capsys.readouterr().out.splitlines()[0] == "419.90"


def test_audit_single_mass_reads_config(tmp_path, capsys):
    """Audit of one figure takes the standard moisture from --config (was 'give --standard')."""
    code = main(
        ["audit", "442", "415.48", "--moisture", "20", "--config", _moisture_toml(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "reported 415.48 at 14 %" in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (
            ["standardize", "442", "--moisture", "5", "--standard", "13", "--format", "json"],
            "--format applies to a plot table only; leave it out for a single MASS",
        ),
        (
            ["standardize", "442", "--moisture", "5", "--standard", "13", "--column", "a=b"],
            "--column applies to a plot table only",
        ),
        (
            ["audit", "442", "477.36", "--moisture", "5", "--standard", "13", "--control", "CK"],
            "--control applies to a plot table only",
        ),
        (
            ["audit", "442", "477.36", "--moisture", "5", "--standard", "13", "--reported", "y"],
            "--reported applies to a plot table only",
        ),
    ],
    ids=["standardize-format", "standardize-column", "audit-control", "audit-reported"],
)
def test_table_option_with_a_single_mass_is_a_usage_error(capsys, argv, match):
    """A plot-table option with a single MASS is refused (it was silently ignored)."""
    assert_one_line_error(argv, capsys, code=2, match=match)


def test_unrecognized_argument_names_the_command(capsys):
    """A stray argument points to the command's --help (was 'see yieldtrial --help')."""
    assert_one_line_error(
        ["design", "rcbd", "--treatments", "A", "-B", "C", "--blocks", "2"],
        capsys,
        code=2,
        match=r"^yieldtrial design: error: unrecognized arguments: -B C "
        r"\(see 'yieldtrial design --help'\)$",
    )


@pytest.mark.parametrize("column", ["fresh_mass_kg", "moisture_pct", "block"])
def test_audit_reported_naming_a_record_column_is_refused(tmp_path, capsys, column):
    """--reported fresh_mass_kg (a harvest column) was audited as published kg/ha yields."""
    from hostile import plot_table

    plots = plot_table(tmp_path)
    assert_one_line_error(
        ["audit", str(plots), "--crop", "wheat", "--reported", column],
        capsys,
        match=rf"--reported '{column}' is a column of the harvest record or the layout",
        untouched=[plots],
    )


def test_audit_reported_naming_a_text_column_is_refused(tmp_path, capsys):
    """--reported notes (text) was an internal error (float('synthetic'), exit 3)."""
    from hostile import HEADER, ROWS

    plots = tmp_path / "plots.csv"
    plots.write_text(
        HEADER.strip() + ",notes\n" + "".join(r.strip() + ",late\n" for r in ROWS), encoding="utf-8"
    )
    assert_one_line_error(
        ["audit", str(plots), "--crop", "wheat", "--reported", "notes"],
        capsys,
        match=r"--reported column 'notes' holds 4 values that are not a finite number "
        r"\(plot '101': 'late', .*\); name the column of published standardized yields",
        untouched=[plots],
    )


def test_audit_negative_shrink_below_standard_moisture(capsys):
    """--shrink-per-point -3 is refused even at 5 % moisture, where no shrink applies."""
    assert_one_line_error(
        ["audit", "442", "477.36", "--moisture", "5", "--standard", "13",
         "--shrink-per-point", "-3"],
        capsys,
        # the one rule of trial.toml, standardize and the formulas (stop 41), naming the
        # option typed (stop 46)
        match=r"the command line: --shrink-per-point = -3; --shrink-per-point must be in "
        r"\[0, 100\): expected percent per moisture point",
    )  # fmt: skip


_ALPHA_RULE = r"alpha = 0\.9\d*; a significance level must be from 0\.0001 to 0\.5, e\.g\. 0\.05"


@pytest.mark.parametrize("command", ["report", "plan", "network", "toml"])
def test_alpha_above_half_is_refused_alike_everywhere(tmp_path, capsys, command):
    """--alpha 0.9999 (report accepted it) gets plan's rule and one message everywhere."""
    table = plot_table(tmp_path)
    out = tmp_path / "r.json"
    argv = {
        "report": ["report", str(table), "--crop", "wheat", "--alpha", "0.9999", "-o", str(out)],
        "plan": ["plan", "--cv", "8", "--difference", "5", "--treatments", "3", "--alpha", "0.99"],
        "network": ["network", str(table), "--by", "block", "--crop", "wheat", "--alpha", "0.9"],
        "toml": ["report", str(table), "--config", str(tmp_path / "t.toml"), "-o", str(out)],
    }[command]
    (tmp_path / "t.toml").write_text('[trial]\ncrop = "wheat"\n[analysis]\nalpha = 0.9\n')
    assert_one_line_error(argv, capsys, match=_ALPHA_RULE, untouched=[table], absent=[out])


def _trial(frame):
    import yieldtrial as yt

    plots = frame.rename(columns={"y": "yield_kg_ha"}).drop(columns="site")
    plots.insert(0, "plot_id", ["1", "2", "3", "4"])
    return yt.FieldTrial.from_dataframe(plots, crop="wheat")


@pytest.mark.parametrize(
    "call",
    [
        "check_setting",
        "TrialConfig",
        "analyze_many",
        "significant_studentized_range",
        "FieldTrial.means",
        "FieldTrial.pairwise",
    ],
)
def test_alpha_above_half_is_refused_alike_in_the_api(call):
    """The API entry points give the commands' rule and message (DataValidationError)."""
    import pandas as pd

    import yieldtrial as yt
    from yieldtrial.config import TrialConfig, check_setting
    from yieldtrial.errors import DataValidationError
    from yieldtrial.stats import significant_studentized_range

    frame = pd.DataFrame({"site": ["A"] * 4, "block": [1, 1, 2, 2], "treatment": ["CK", "T"] * 2})
    frame["y"] = [7000.0, 7100.0, 7050.0, 7150.0]
    run = {
        "check_setting": lambda: check_setting("alpha", 0.9),
        "TrialConfig": lambda: TrialConfig(alpha=0.9),
        "analyze_many": lambda: yt.analyze_many(
            frame, by="site", response="y", treatment="treatment", block="block", alpha=0.9
        ),
        "significant_studentized_range": lambda: significant_studentized_range(3, 10.0, alpha=0.9),
        "FieldTrial.means": lambda: _trial(frame).means(alpha=0.9),
        "FieldTrial.pairwise": lambda: _trial(frame).pairwise(alpha=0.9),
    }[call]
    with pytest.raises(DataValidationError, match=_ALPHA_RULE):
        run()


def test_implausible_standard_moisture_warns_on_one_line(capsys):
    """--standard 99.9: one warning line, exit 0 (also where warnings are errors, as here)."""
    code = main(["standardize", "442", "--moisture", "5", "--standard", "99.9"])
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 0
    assert len(err) == 1 and err[0].startswith("yieldtrial: warning: --standard = 99.9")


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--method", "DRY_MATTER", "--standard", "13"], "482.64"),
        (["--protocol", "USDA"], "485.43"),
    ],
    ids=["method", "protocol"],
)
def test_standardize_method_and_protocol_ignore_case(capsys, flags, expected):
    """--method DRY_MATTER and --protocol USDA are accepted (442 x 95/87; USDA wheat 13.5 %)."""
    code = main(["standardize", "442", "--moisture", "5", "--crop", "wheat", *flags])
    assert code == 0
    assert capsys.readouterr().out.splitlines()[0] == expected


def test_chinese_output_on_an_ascii_stdout_is_one_line_error(capsys, monkeypatch):
    """A zh field book on an ASCII standard output: exit 1 saying how (was exit 3, a 'bug')."""
    import io
    import sys

    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    assert_one_line_error(
        ["design", "rcbd", "--treatments", "甲,乙", "--blocks", "2", "--seed", "1"],
        capsys,
        match=r"standard output's encoding 'ascii' cannot show.*PYTHONIOENCODING=utf-8",
    )
    sys.stdout.flush()
    assert raw.getvalue() == b""  # no partial output


@pytest.mark.parametrize(
    ("flags", "match"),
    [
        (["--crop", "wheet"], r"unknown crop 'wheet' \(did you mean 'wheat'\?\); known crops"),
        (["--crop", "maiz"], r"unknown crop 'maiz' \(did you mean 'maize'\?\)"),
        (["--crop", "wheat", "--unit", "kg/muu"], r"'kg/muu' \(did you mean 'kg/mu'\?\)"),
        (["--crop", "wheat", "--design", "rcdb"], r"design = 'rcdb' \(did you mean 'rcbd'\?\)"),
        (["--crop", "wheat", "--protocol", "usd"], r"protocol = 'usd' \(did you mean 'usda'\?\)"),
        (
            ["--crop", "wheat", "--method", "drymatter"],
            r"moisture_method = 'drymatter' \(did you mean 'dry_matter'\?\)",
        ),
    ],
    ids=["crop", "crop-short", "unit", "design", "protocol", "method"],
)
def test_a_typing_error_gets_a_suggestion(tmp_path, capsys, flags, match):
    """An unknown crop, unit, design, protocol or method close to a known one is suggested."""
    from hostile import plot_table

    plots = plot_table(tmp_path)
    out = tmp_path / "r.json"
    assert_one_line_error(
        ["report", str(plots), *flags, "-o", str(out)],
        capsys,
        match=match,
        untouched=[plots],
        absent=[out],
    )


def test_no_suggestion_for_a_name_far_from_every_option(capsys):
    """'banana' is no typing error of a crop: the known crops are listed without a guess."""
    line = assert_one_line_error(
        ["standardize", "442", "--moisture", "5", "--crop", "banana"], capsys
    )
    assert "did you mean" not in line


@pytest.mark.parametrize(
    ("argv", "suggested"),
    [
        (["repor", "plots.csv"], "did you mean 'report'?"),
        (["design", "rbcd", "--treatments", "A", "B"], "did you mean 'rcbd'?"),
        (["report", "p.csv", "-o", "r.html", "--letters", "tukay"], "did you mean 'tukey'?"),
        (["report", "p.csv", "-o", "r.html", "--lang", "ZH"], "did you mean 'zh'?"),
    ],
)
def test_mistyped_choice_names_the_nearest_one(capsys, argv, suggested):
    """A typing slip in a command or a choice: the one usage line names the nearest choice."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and suggested in err[0], err


def test_far_choice_gets_no_suggestion(capsys):
    """--lang fr is near no choice: the line lists the choices only."""
    assert main(["report", "p.csv", "-o", "r.html", "--lang", "fr"]) == 2
    assert "did you mean" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "name", "held"),
    [
        (["standardize", "-", "--crop", "wheat"], "MASS_OR_FILE", "plot table"),
        (["audit", "-"], "MASS_OR_FILE", "plot table"),
        (["report", "-", "-o", "{tmp}/r.html"], "PLOTS", "plot table"),
        (["network", "{plots}", "-", "--crop", "wheat"], "PLOTS", "plot table"),
        (["report", "{plots}", "--config", "-", "-o", "{tmp}/r.html"], "--config", "trial "),
    ],
    ids=["standardize", "audit", "report", "network-second-file", "config"],
)
def test_dash_as_an_input_is_refused_not_read_as_a_file_named_dash(
    tmp_path, capsys, monkeypatch, argv, name, held
):
    """``-`` was read as a file named ``-`` ("no such file"); standard input is not read.

    Decided (stop 42): refused in one line (exit 2), before anything is read; a file that
    is really named ``-`` is ``./-``.
    """
    plots = plot_table(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text("not a table\n", encoding="utf-8")  # never opened
    argv = [a.format(tmp=tmp_path, plots=plots) for a in argv]
    line = assert_one_line_error(
        argv, capsys, code=2, untouched=[plots], absent=[tmp_path / "r.html"]
    )
    assert line.startswith(f"yieldtrial {argv[0]}: error: argument {name}: '-' (standard input) ")
    assert f"save the {held}" in line and "./-" in line


def test_a_file_named_dash_is_read_as_dot_slash_dash(tmp_path, capsys, monkeypatch):
    """The way out the message names: ``./-`` reads the file called ``-``."""
    plot_table(tmp_path).rename(tmp_path / "-")
    monkeypatch.chdir(tmp_path)
    assert main(["standardize", "./-", "--crop", "wheat", "-o", "yields.csv"]) == 0
    assert (tmp_path / "yields.csv").read_text(encoding="utf-8-sig").startswith("plot_id,")
