"""The ``standardize`` and ``audit`` subcommands, run in-process."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from yieldtrial.cli import main

PLOTS = pd.DataFrame(
    {
        "plot_id": ["1", "2", "3", "4"],
        "treatment": ["CK", "T", "CK", "T"],
        "block": ["1", "1", "2", "2"],
        "harvested_area_m2": [20.0] * 4,
        "fresh_mass_kg": [14.0, 15.1, 13.6, 15.3],
        "moisture_pct": [15.0, 15.2, 14.8, 15.0],
    }
)


@pytest.fixture
def plots_csv(tmp_path):
    """Write a valid plot table to disk."""
    path = tmp_path / "plots.csv"
    PLOTS.to_csv(path, index=False)
    return path


def test_standardize_single_dry_matter(capsys):
    """442 at 5 % -> 482.64 at 13 % by the dry-matter formula (442 x 95/87)."""
    assert main(["standardize", "442", "--moisture", "5", "--standard", "13"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "482.64"
    assert "(100 - 5) / (100 - 13)" in out[1]


def test_standardize_single_percentage_point(capsys):
    """The shortcut reproduces the published 477.36 (442 x 1.08) and notes the difference."""
    code = main(
        [
            "standardize",
            "442",
            "--moisture",
            "5",
            "--standard",
            "13",
            "--method",
            "percentage_point",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "477.36"
    assert "dry_matter gives 482.64 (+5.28)" in out  # 482.64 - 477.36 = 5.28


def test_standardize_single_standard_from_crop(capsys):
    """--crop looks the standard up (wheat 13 %) and warns about 5 % moisture."""
    assert main(["standardize", "442", "--moisture", "5", "--crop", "wheat"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "482.64"
    assert "yieldtrial: warning: moisture 5 % is outside the plausible" in captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["standardize", "442", "--standard", "13"],
        ["standardize", "442", "--moisture", "5"],
        ["standardize"],
        ["standardize", "442", "--moisture", "5", "--standard", "13", "--method", "linear"],
        ["standardize", "--example", "jinzhong-2024", "x.csv"],
        ["standardize", "442", "--moisture", "5", "--standard", "13", "--unit", "kg/mu"],
        ["audit", "442", "477.36", "--moisture", "5"],
        ["standardize", "1000", "--moisture", "25", "--standard", "15.5", "--method", "shrink"],
        ["standardize", "nan", "--moisture", "5", "--standard", "13"],
        ["audit", "inf", "477.36", "--moisture", "5", "--standard", "13"],
    ],
    ids=[
        "no-moisture",
        "no-standard",
        "no-source",
        "bad-method",
        "example-and-file",
        "unit-for-mass",
        "audit-no-standard",
        "shrink-without-rate",
        "mass-nan",
        "audit-mass-inf",
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    """Usage errors exit with status 2 and a message on stderr."""
    assert main(argv) == 2
    assert "error" in capsys.readouterr().err


def test_standardize_file_to_stdout(plots_csv, capsys):
    """A plot file without -o prints per-plot yields as CSV."""
    assert main(["standardize", str(plots_csv), "--crop", "wheat", "--unit", "kg/mu"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(table) == 4
    # plot 1: 14.0 x 85/87 / 20 m2 x 10000/15 = 455.94 kg/mu
    assert table.loc[0, "yield_kg_mu"] == pytest.approx(14.0 * 85 / 87 / 20 * 10000 / 15)


def test_standardize_file_to_output(plots_csv, tmp_path, capsys):
    """-o writes the table and prints nothing on stdout."""
    out = tmp_path / "yields.csv"
    assert main(["standardize", str(plots_csv), "--crop", "wheat", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert "yield_kg_ha" in pd.read_csv(out).columns


def test_standardize_refuses_to_overwrite_input(plots_csv, capsys):
    """-o equal to the input file is refused and the input is unchanged."""
    before = plots_csv.read_bytes()
    assert main(["standardize", str(plots_csv), "--crop", "wheat", "-o", str(plots_csv)]) == 1
    assert "refusing to overwrite" in capsys.readouterr().err
    assert plots_csv.read_bytes() == before


def test_standardize_needs_crop_for_file(plots_csv, capsys):
    """A plot file without --crop is a usage error."""
    assert main(["standardize", str(plots_csv)]) == 2
    assert "needs --crop" in capsys.readouterr().err


def test_standardize_gbk_chinese_file(data_dir, capsys):
    """A GBK CSV with Chinese headers is read correctly through the CLI."""
    assert main(["standardize", str(data_dir / "plots_gbk_chinese.csv"), "--crop", "小麦"]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(io.StringIO(captured.out), dtype={"plot_id": str})
    row = table.set_index("plot_id").loc["101"]
    # 24.2 jin = 12.1 kg; x 0.985 x 85.8/87 / 20 m2 x 10000 = 5877.05 kg/ha
    assert row["yield_kg_ha"] == pytest.approx(12.1 * 0.985 * 85.8 / 87 / 20 * 10000)
    assert "1 missing plot(s)" in captured.err and "'202'" in captured.err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"moisture_pct": [0.15, 0.152, 0.148, 0.15]}, "moisture_pct looks like fractions"),
        ({"plot_id": ["1", "1", "3", "4"]}, r"duplicate plot ids: '1' \(2 times\)"),
        ({"fresh_mass_kg": None}, "missing required column: fresh_mass_kg"),
    ],
    ids=["fractions", "duplicate-id", "missing-column"],
)
def test_standardize_data_errors_exit_1_without_output(tmp_path, capsys, change, message):
    """Bad data: one line on stderr, exit 1, and no output file."""
    frame = PLOTS.copy()
    for column, values in change.items():
        if values is None:
            frame = frame.drop(columns=column)
        else:
            frame[column] = values
    source = tmp_path / "bad.csv"
    frame.to_csv(source, index=False)
    out = tmp_path / "yields.csv"
    assert main(["standardize", str(source), "--crop", "wheat", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("yieldtrial: error: bad.csv:")
    assert len(err.strip().splitlines()) == 1
    assert re.search(message, err)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_standardize_missing_file(tmp_path, capsys):
    """A file that does not exist is a data error (exit 1)."""
    assert main(["standardize", str(tmp_path / "nope.csv"), "--crop", "wheat"]) == 1
    assert "nope.csv" in capsys.readouterr().err


def test_standardize_example(capsys):
    """The shipped Jinzhong example prints T at 482.64 kg/mu and warns about 5 % moisture."""
    assert main(["standardize", "--example", "jinzhong-2024", "--unit", "kg/mu"]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(io.StringIO(captured.out))
    t_row = table.set_index("treatment").loc["T"]
    assert t_row["yield_kg_mu"] == pytest.approx(442 * 95 / 87)  # 482.64 (domain-standards §0)
    assert t_row["data_status"] == "published"
    assert "yieldtrial: warning: moisture_pct outside the plausible" in captured.err


def test_standardize_example_table_format(capsys):
    """--format table --decimals 2 prints an aligned, rounded table."""
    code = main(
        [
            "standardize",
            "--example",
            "jinzhong-2024",
            "--format",
            "table",
            "--decimals",
            "2",
            "--method",
            "percentage_point",
        ]
    )
    assert code == 0
    assert "477.36" in capsys.readouterr().out  # 442 x 1.08, the published figure


def test_standardize_json_format(plots_csv, capsys):
    """--format json prints one record per plot."""
    assert main(["standardize", str(plots_csv), "--crop", "wheat", "--format", "json"]) == 0
    records = pd.read_json(io.StringIO(capsys.readouterr().out))
    assert len(records) == 4


def test_audit_names_percentage_point(capsys):
    """The audit of 442 -> 477.36 names percentage_point and shows dry_matter's 482.64."""
    assert main(["audit", "442", "477.36", "--moisture", "5", "--standard", "13"]) == 0
    out = capsys.readouterr().out
    assert "reproduced by: percentage_point" in out
    # dry_matter: 442 x 95/87 = 482.6437 -> 482.64 at the report's 2 decimals;
    # 482.64 - 477.36 = +5.28; 5.2837 / 477.36 = +1.1 %
    dry_matter = next(line for line in out.splitlines() if line.split()[:1] == ["dry_matter"])
    assert dry_matter.split() == ["dry_matter", "482.64", "+5.28", "+1.1", "%", "no"]
    assert "482.6437" in out  # the formula line keeps two more decimals


def test_audit_csv_output_file(tmp_path, capsys):
    """The audit with --format csv -o writes the table."""
    out = tmp_path / "audit.csv"
    code = main(
        [
            "audit",
            "442",
            "477.36",
            "--moisture",
            "5",
            "--crop",
            "wheat",
            "--format",
            "csv",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    table = pd.read_csv(out)
    assert table.set_index("method").loc["percentage_point", "reproduces"]


def test_commands_have_help(capsys):
    """Both subcommands print help with examples."""
    for name in ("standardize", "audit"):
        assert main([name, "--help"]) == 0
        assert "examples:" in capsys.readouterr().out


def test_standardize_single_fraction_moisture_is_data_error(capsys):
    """--moisture 0.05 (a fraction) is bad data: exit 1 with the fix."""
    assert main(["standardize", "442", "--moisture", "0.05", "--standard", "13"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("yieldtrial: error: the command line: --moisture = 0.05 looks like")
    assert "write 5 for 5 %" in err


def test_standardize_xlsx_sheet(tmp_path, capsys):
    """An .xlsx plot table is read from the named sheet."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "plots"
    sheet.append(list(PLOTS.columns))
    for row in PLOTS.itertuples(index=False):
        sheet.append(list(row))
    path = tmp_path / "plots.xlsx"
    workbook.save(path)
    assert main(["standardize", str(path), "--crop", "wheat", "--sheet", "plots"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    # plot 1: 14.0 x 85/87 / 20 m2 x 10000 = 6839.08 kg/ha
    assert table.loc[0, "yield_kg_ha"] == pytest.approx(14.0 * 85 / 87 / 20 * 10000)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["standardize", "442", "--moisture", "120", "--standard", "13"], r"--moisture = 120"),
        (["standardize", "-442", "--moisture", "5", "--standard", "13"], r"mass .*got -442"),
        (["audit", "-442", "477.36", "--moisture", "5", "--standard", "13"], r"got -442"),
        (["standardize", "442", "--moisture", "5", "--crop", "banana"], "unknown crop 'banana'"),
        (
            ["standardize", "--example", "jinzhong-2024", "--unit", "kg/foo"],
            "unknown yield unit 'kg/foo'",
        ),
    ],
    ids=["moisture-120", "negative-mass", "audit-negative-mass", "unknown-crop", "unknown-unit"],
)
def test_bad_values_are_one_line_data_errors(argv, message, capsys):
    """Bad numbers, crops and units: exit 1, one line on stderr, no traceback."""
    assert main(argv) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if not line.startswith("yieldtrial: warning:")]
    assert len(lines) == 1 and lines[0].startswith("yieldtrial: error: ")
    assert re.search(message, lines[0]) and "Traceback" not in err


def test_standardize_xlsx_without_openpyxl(tmp_path, capsys, monkeypatch):
    """Without openpyxl an .xlsx file is a one-line error naming the extra; no output file."""
    source = tmp_path / "plots.xlsx"
    PLOTS.to_excel(source, index=False)
    monkeypatch.setitem(__import__("sys").modules, "openpyxl", None)  # simulate: not installed
    out = tmp_path / "yields.csv"
    assert main(["standardize", str(source), "--crop", "wheat", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("yieldtrial: error: ") and "pip install 'yieldtrial[xlsx]'" in err
    assert not out.exists()


def test_standardize_column_mapping(tmp_path, capsys):
    """--column HEADER=NAME maps headers that are not recognised."""
    source = tmp_path / "plots.csv"
    PLOTS.rename(columns={"fresh_mass_kg": "Netto kg", "moisture_pct": "Feuchte"}).to_csv(
        source, index=False
    )
    argv = ["standardize", str(source), "--crop", "wheat", "--column", "Netto kg=fresh_mass_kg"]
    assert main([*argv, "--column", "Feuchte=moisture_pct"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    # plot 1: 14.0 x 85/87 / 20 m2 x 10000 = 6839.08 kg/ha
    assert table.loc[0, "yield_kg_ha"] == pytest.approx(14.0 * 85 / 87 / 20 * 10000)


def test_standardize_column_mapping_usage_error(plots_csv, capsys):
    """--column without '=' is a usage error (exit 2)."""
    assert main(["standardize", str(plots_csv), "--crop", "wheat", "--column", "Nettokg"]) == 2
    assert "HEADER=NAME" in capsys.readouterr().err


def test_missing_column_message_names_the_cli_option(tmp_path, capsys):
    """The missing-column error tells a command-line user how to map a header."""
    source = tmp_path / "plots.csv"
    PLOTS.rename(columns={"moisture_pct": "Feuchte"}).to_csv(source, index=False)
    assert main(["standardize", str(source), "--crop", "wheat"]) == 1
    err = capsys.readouterr().err
    assert "missing required column: moisture_pct" in err and "--column" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["standardize", "442", "--moisture", "5", "--standard", "13"],
        ["standardize", "--help"],
        ["audit", "442", "477.36", "--moisture", "5", "--standard", "13"],
        ["audit", "442", "477.36", "--moisture", "5", "--crop", "wheat", "--format", "json"],
        ["--version"],
    ],
    ids=["standardize-number", "standardize-help", "audit", "audit-json", "version"],
)
def test_light_commands_do_not_import_pandas(argv):
    """A single number, the audit and the help import neither pandas nor heavy libraries.

    Nor :mod:`logging` (4 ms): the CLI quiets matplotlib's logger only when it is imported.
    """
    import subprocess
    import sys

    code = (
        "import sys\nfrom yieldtrial.cli import main\n"
        f"main({argv!r})\n"
        "heavy = ('pandas', 'scipy', 'matplotlib', 'statsmodels', 'logging')\n"
        "print('HEAVY:' + ','.join(m for m in heavy if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip().splitlines()[-1] == "HEAVY:"


def test_audit_json_matches_library_table(capsys):
    """--format json gives the library's audit table, full precision, one record per method."""
    import json

    from yieldtrial.moisture import audit_moisture_conversion

    assert (
        main(["audit", "442", "477.36", "--moisture", "5", "--standard", "13", "--format", "json"])
        == 0
    )
    records = json.loads(capsys.readouterr().out)
    table = audit_moisture_conversion(442, 477.36, moisture_pct=5, standard_moisture_pct=13)
    assert [r["method"] for r in records] == table["method"].tolist()
    for record, predicted in zip(records, table["predicted"], strict=True):
        assert record["predicted"] == pytest.approx(predicted, rel=1e-15)


def test_standardize_csv_output_has_bom_for_excel(tmp_path, capsys):
    """-o out.csv is UTF-8 with a BOM (Excel shows 品种); standard output has no BOM."""
    source = tmp_path / "plots.csv"
    PLOTS.rename(columns={"treatment": "品种"}).assign(品种=["对照", "T", "对照", "T"]).to_csv(
        source, index=False
    )
    out = tmp_path / "out.csv"
    assert main(["standardize", str(source), "--crop", "wheat", "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark, EF BB BF
    assert "对照" in raw.decode("utf-8-sig")
    assert pd.read_csv(out, encoding="utf-8-sig")["treatment"].tolist()[0] == "对照"
    capsys.readouterr()
    assert main(["standardize", str(source), "--crop", "wheat"]) == 0
    assert not capsys.readouterr().out.startswith("\ufeff")


def test_standardize_json_output_has_no_bom(plots_csv, tmp_path):
    """Only CSV files get the BOM; JSON stays plain UTF-8."""
    out = tmp_path / "out.json"
    argv = ["standardize", str(plots_csv), "--crop", "wheat", "--format", "json", "-o", str(out)]
    assert main(argv) == 0
    assert out.read_bytes().startswith(b"[")


@pytest.mark.parametrize(
    "argv",
    [
        ["standardize", "442", "--moisture", "15", "--standard", "13", "--shrink-per-point", "1.2"],
        ["standardize", "{plots}", "--crop", "wheat", "--shrink-pct-per-point", "1.2"],
        ["report", "{plots}", "--crop", "wheat", "--shrink-per-point", "1.2", "-o", "{out}"],
        [
            "report",
            "{plots}",
            "--crop",
            "wheat",
            "--method",
            "percentage_point",
            "--shrink-per-point",
            "1.2",
            "-o",
            "{out}",
        ],
    ],  # fmt: skip
    ids=["single-mass", "table", "report", "report-percentage-point"],
)
def test_shrink_rate_without_shrink_method_is_a_usage_error(argv, plots_csv, tmp_path, capsys):
    """--shrink-pct-per-point with another method would be ignored: one line, exit 2, no file."""
    out = tmp_path / "r.md"
    argv = [a.format(plots=plots_csv, out=out) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "--shrink-pct-per-point 1.2 applies to the shrink method only" in err
    assert "--moisture-method shrink" in err
    assert not out.exists()


def test_shrink_rate_with_shrink_method_from_config(plots_csv, tmp_path, capsys):
    """The method may come from trial.toml: shrink there + the rate as a flag is accepted.

    Plot 1: 14.0 kg at 15 % vs 13 % standard, shrink 1.2 %/point -> x (1 - 2 x 1.2 / 100)
    = 13.664 kg on 20 m2 -> 6,832 kg/ha (hand derivation).
    """
    config = tmp_path / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\nmoisture_method = "shrink"\n', encoding="utf-8"
    )
    argv = ["standardize", str(plots_csv), "--config", str(config), "--shrink-per-point", "1.2"]
    assert main(argv) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert table.loc[0, "yield_kg_ha"] == pytest.approx(14.0 * (1 - 2 * 1.2 / 100) / 20 * 1e4)


def test_audit_accepts_shrink_rate_with_any_method(plots_csv, capsys):
    """The audit table has a row per method, so the rate is accepted without --method."""
    argv = ["audit", "442", "477.36", "--moisture", "5", "--standard", "13",
            "--shrink-per-point", "1.2"]  # fmt: skip
    assert main(argv) == 0
    assert "shrink" in capsys.readouterr().out


def test_standardize_format_contradicting_the_output_suffix_is_a_usage_error(
    plots_csv, tmp_path, capsys
):
    """--format json -o s.csv would put JSON under a CSV name: exit 2, nothing written."""
    out = tmp_path / "s.csv"
    argv = ["standardize", str(plots_csv), "--crop", "wheat", "--format", "json", "-o", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert re.search(r"names a csv file but --format is json; name it s\.json", err[0])
    assert not out.exists()
