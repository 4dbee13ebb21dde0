"""Every command reads plot tables alike (issue 16).

One Chinese-header raw harvest file in every command, many site files in ``network``, the same
options, the same refusal of a misspelled control.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from yieldtrial.cli import main
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.trial import FieldTrial

CONTROL = "CK常规施肥"
TREATMENTS = ((CONTROL, 0.0), ("减氮20%", 0.6), ("增效剂", 1.2))


def raw_site(rng: np.random.Generator, shift: float = 0.0) -> pd.DataFrame:
    """Raw harvest records with Chinese headers: 3 treatments x 3 blocks, 0.05 mu plots."""
    rows = []
    for block in (1, 2, 3):
        for label, effect in TREATMENTS:
            rows.append(
                {
                    "小区号": f"{block}{len(rows) % 3 + 1:02d}",
                    "处理": label,
                    "重复": block,
                    "面积(亩)": 0.05,
                    "鲜重(kg)": round(30.0 + shift + effect + rng.normal(0, 0.4), 2),
                    "含水量(%)": round(15.0 + rng.normal(0, 0.3), 1),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def raw_csv(tmp_path):
    """One trial's raw harvest file with Chinese headers (the file ``report`` reads)."""
    path = tmp_path / "小区产量.csv"
    raw_site(np.random.default_rng(7)).to_csv(path, index=False)
    return path


@pytest.fixture
def site_folder(tmp_path):
    """Twenty site files of raw harvest records, one per site, no site column."""
    folder = tmp_path / "sites"
    folder.mkdir()
    rng = np.random.default_rng(11)
    for i in range(20):
        raw_site(rng, shift=rng.normal(0, 2)).to_csv(folder / f"site{i + 1:02d}.csv", index=False)
    return folder


@pytest.fixture
def report_json(tmp_path):
    """Where :func:`report_raw` writes its report (JSON)."""
    return tmp_path / "r.json"


@pytest.fixture
def report_raw(raw_csv, report_json):
    """Run ``report`` on a plot table (the raw file by default) into ``report_json``.

    Options ``--crop wheat --control <CONTROL> --no-figures``, then the ones passed;
    returns the exit code.
    """

    def run(*options, plots=raw_csv):
        argv = ["report", str(plots), "--crop", "wheat", "--control", CONTROL, "--no-figures"]
        return main([*argv, *options, "-o", str(report_json)])

    return run


@pytest.fixture
def raw_xlsx(raw_csv, tmp_path):
    """Save the raw file as an .xlsx workbook, ``plots.xlsx``."""
    path = tmp_path / "plots.xlsx"
    pd.read_csv(raw_csv).to_excel(path, index=False)
    return path


# ----------------------------------------------------------- the same raw file in every command


def test_report_reads_the_chinese_raw_file(report_raw, report_json):
    """``report`` standardizes the raw records and writes its report."""
    assert report_raw() == 0
    means = json.loads(report_json.read_text(encoding="utf-8"))["results"]["means"]
    assert {row["treatment"] for row in means} == {label for label, _ in TREATMENTS}


def test_standardize_reads_the_chinese_raw_file(raw_csv, tmp_path, capsys):
    """``standardize -o`` writes the yields and says what it wrote."""
    out = tmp_path / "yields.csv"
    assert main(["standardize", str(raw_csv), "--crop", "wheat", "-o", str(out)]) == 0
    assert f"wrote {out} (9 plots" in capsys.readouterr().err
    table = pd.read_csv(out)
    # plot 1: fresh mass W at moisture M on 0.05 mu (33.333 m2): W (100-M)/87 / area x 10000
    raw = pd.read_csv(raw_csv)
    first = raw.iloc[0]
    expected = first["鲜重(kg)"] * (100 - first["含水量(%)"]) / 87 / (0.05 * 10000 / 15) * 10000
    assert table.loc[0, "yield_kg_ha"] == pytest.approx(expected)


def test_network_reads_the_chinese_raw_file(raw_csv, tmp_path):
    """``network`` reads the same file (one trial): raw records standardized, same yields."""
    out = tmp_path / "net.json"
    site = tmp_path / "one-site.csv"
    pd.read_csv(raw_csv).assign(地点="A").to_csv(site, index=False)
    argv = ["network", str(site), "--crop", "wheat", "--control", CONTROL, "-o", str(out)]
    assert main(argv) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [row["status"] for row in result["per_trial"]] == ["ok"]


def test_network_reads_the_very_file_report_reads(raw_csv, tmp_path, capsys):
    """The same raw file, no site column: one trial named after the file; a typo exits 1."""
    out = tmp_path / "net.json"
    argv = ["network", str(raw_csv), "--crop", "wheat", "--control", CONTROL, "-o", str(out)]
    assert main(argv) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [(row["site"], row["status"]) for row in result["per_trial"]] == [("小区产量", "ok")]
    capsys.readouterr()
    bad = ["network", str(raw_csv), "--crop", "wheat", "--control", "CK常规施", "-o", str(out)]
    assert main(bad) == 1
    assert CONTROL in capsys.readouterr().err


def test_audit_file_mode_reads_the_chinese_raw_file(raw_csv, tmp_path, capsys):
    """``audit PLOTS`` audits each plot's published standardized yield (dry matter here)."""
    raw = pd.read_csv(raw_csv)
    area_mu = raw["面积(亩)"]
    # published figures computed with the dry-matter method at 13 % (kg/mu, 2 decimals)
    published = raw["鲜重(kg)"] * (100 - raw["含水量(%)"]) / 87 / area_mu
    raw["折标产量(kg/亩)"] = published.round(2)
    path = tmp_path / "published.csv"
    raw.to_csv(path, index=False)
    argv = ["audit", str(path), "--crop", "wheat", "--column", "折标产量(kg/亩)=yield_kg_mu"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "dry_matter        reproduces 9 of 9" in out


# ----------------------------------------------------------------- many site files in network


def test_network_reads_a_folder_of_site_files(site_folder, tmp_path, capsys):
    """A folder of 20 files: 20 sites named after the files, all analysed."""
    out = tmp_path / "net.json"
    argv = ["network", str(site_folder), "--crop", "wheat", "--control", CONTROL, "-o", str(out)]
    assert main(argv) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [row["site"] for row in result["per_trial"]] == [f"site{i:02d}" for i in range(1, 21)]
    assert {row["status"] for row in result["per_trial"]} == {"ok"}
    assert "20 trials: ok 20" in capsys.readouterr().err


def test_network_reads_20_files_and_a_glob_alike(site_folder, tmp_path):
    """Twenty file arguments and a glob pattern give the same per-trial results."""
    files = sorted(str(p) for p in site_folder.glob("*.csv"))
    by_files = tmp_path / "files.json"
    by_glob = tmp_path / "glob.json"
    common = ["--crop", "wheat", "--control", CONTROL]
    assert main(["network", *files, *common, "-o", str(by_files)]) == 0
    assert main(["network", str(site_folder / "*.csv"), *common, "-o", str(by_glob)]) == 0
    first = json.loads(by_files.read_text(encoding="utf-8"))["per_trial"]
    second = json.loads(by_glob.read_text(encoding="utf-8"))["per_trial"]
    assert first == second and len(first) == 20


def test_network_lang_zh_writes_chinese_headings(site_folder, tmp_path):
    """``--lang zh``: Chinese headings, yields in kg/mu (written kg/亩)."""
    out = tmp_path / "net.md"
    argv = ["network", str(site_folder), "--crop", "wheat", "--control", CONTROL, "--lang", "zh"]
    assert main([*argv, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "## 试验网络与联合分析" in text and "产量（kg/亩）" in text


def test_network_raw_records_without_crop_name_the_option(site_folder, capsys):
    """Raw harvest records need the crop: the error names --crop."""
    assert main(["network", str(site_folder), "--control", CONTROL]) == 1
    assert "give --crop" in capsys.readouterr().err


def test_network_every_trial_failed_exits_1(tmp_path, capsys):
    """A network where no trial can be analysed is an error, not "failed 2" with exit 0."""
    frame = pd.DataFrame(
        {
            "site": ["A"] * 4 + ["B"] * 4,
            "treatment": ["CK", "T"] * 4,
            "block": [1, 1, 2, 2] * 2,
            "yield_kg_ha": ["x", 6000, 6100, 6200, "y", 6000, 6100, 6200],
        }
    )
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "net.md"
    assert main(["network", str(path), "--control", "CK", "-o", str(out)]) == 1
    assert "no trial could be analysed" in capsys.readouterr().err
    assert not out.exists()


# ------------------------------------------------------- a misspelled control in every command


@pytest.fixture
def misspelled_config(tmp_path):
    """Write a trial.toml whose control "CK" is no treatment of the raw file."""
    path = tmp_path / "trial.toml"
    path.write_text('[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["report", "standardize", "network", "audit"])
def test_misspelled_control_exits_1_listing_the_labels(
    command, raw_csv, misspelled_config, tmp_path, capsys
):
    """A control that is not a treatment: exit 1, the labels present, the CLI's own option."""
    config = str(misspelled_config)
    out = tmp_path / "out.md"
    argv = {
        "report": ["report", str(raw_csv), "--config", config, "-o", str(out)],
        "standardize": ["standardize", str(raw_csv), "--config", config, "-o", str(out)],
        "network": ["network", str(raw_csv), "--config", config, "--by", "重复"],
        "audit": ["audit", str(raw_csv), "--config", config],
    }[command]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "'CK'" in err and CONTROL in err
    assert "control=" not in err.replace("[analysis] control", "")
    assert not out.exists()


# ---------------------------------------------------------- the same options in every command


@pytest.mark.parametrize("command", ["report", "standardize", "network", "audit"])
def test_every_reading_command_has_the_reading_options(command, capsys):
    """--config, --column, --sheet, --encoding, --crop and the moisture flags everywhere."""
    assert main([command, "--help"]) == 0
    help_text = capsys.readouterr().out
    for option in ("--config", "--column", "--sheet", "--encoding", "--crop"):
        assert option in help_text, f"{command} has no {option}"
    for option in ("--standard-moisture-pct", "--shrink-pct-per-point"):
        assert option in help_text, f"{command} has no {option}"


@pytest.mark.parametrize("command", ["report", "standardize", "audit"])
def test_header_error_suggests_an_option_the_command_has(command, tmp_path, capsys):
    """The missing-column message suggests --column, which every reading command accepts."""
    path = tmp_path / "plots.csv"
    pd.DataFrame({"plot": ["1", "2"], "trt": ["CK", "T"], "Netto": [1.0, 2.0]}).to_csv(
        path, index=False
    )
    argv = [command, str(path), "--crop", "wheat"]
    if command == "report":
        argv += ["-o", str(tmp_path / "r.html")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "--column" in err
    assert main([command, "--help"]) == 0
    assert "--column" in capsys.readouterr().out


def test_network_header_error_suggests_its_own_options(tmp_path, capsys):
    """No yield column: ``network`` suggests --response and --column, both its own options."""
    path = tmp_path / "plots.csv"
    pd.DataFrame({"site": ["A", "A"], "trt": ["CK", "T"], "Netto": [1.0, 2.0]}).to_csv(
        path, index=False
    )
    assert main(["network", str(path)]) == 1
    err = capsys.readouterr().err
    assert "--response" in err and "--column" in err
    assert main(["network", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "--response" in help_text and "--column" in help_text


def test_column_option_maps_a_header_in_report(raw_csv, tmp_path, report_raw):
    """``report --column`` maps a header exactly as ``standardize --column`` does."""
    frame = pd.read_csv(raw_csv).rename(columns={"鲜重(kg)": "Netto kg"})
    path = tmp_path / "renamed.csv"
    frame.to_csv(path, index=False)
    assert report_raw("--column", "Netto kg=fresh_mass_kg", plots=path) == 0


def test_column_renaming_the_blocks_warns_of_the_crd(report_raw, report_json, capsys):
    """``--column 重复=foo`` leaves no block column: the report says it is analysed as a CRD."""
    assert report_raw("--column", "重复=foo") == 0
    err = capsys.readouterr().err
    assert "yieldtrial: warning:" in err
    assert "column '重复' is renamed to 'foo'" in err
    assert "completely randomized design" in err and "--column '重复=block'" in err
    results = json.loads(report_json.read_text(encoding="utf-8"))["results"]
    assert any("renamed to 'foo'" in note for note in results["warnings"])  # data-quality notes
    assert [row["source"] for row in results["anova"]["table"]] == ["treatment", "residual"]


def test_column_renaming_the_blocks_of_a_declared_rcbd_is_the_error_alone(
    report_raw, report_json, capsys
):
    """``--design rcbd`` without its blocks errors; no warning says it runs as a CRD."""
    code = report_raw("--design", "rcbd", "--column", "重复=foo")
    err = capsys.readouterr().err
    assert code == 1 and not report_json.exists()
    assert err.startswith("yieldtrial: error: design 'rcbd' needs a block column")
    assert "warning" not in err and "completely randomized" not in err


def test_declared_rcbd_without_its_blocks_names_the_mapping_that_renamed_them(report_raw, capsys):
    """User pass: the error said only "needs a block column" when ``--column`` was the cause."""
    assert report_raw("--design", "rcbd", "--column", "重复=foo") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "renamed its column '重复' to 'foo' ('重复=foo')" in err
    assert "(--column '重复=block')" in err


def test_column_renaming_the_blocks_of_a_declared_crd_names_the_declared_design(
    report_raw, report_json, capsys
):
    """Under a declared design the rename warning names it, not the detected fallback."""
    assert report_raw("--design", "crd", "--column", "重复=foo") == 0
    err = capsys.readouterr().err
    assert "so the declared design 'crd' is analysed without the blocks;" in err
    assert "analysed as a completely randomized design" not in err
    notes = json.loads(report_json.read_text(encoding="utf-8"))["results"]["warnings"]
    assert any("the declared design 'crd'" in note for note in notes)


def test_from_csv_rename_warning_names_the_declared_design(raw_csv):
    """FieldTrial.from_csv(design='rcbd') with the row column renamed: the RCBD runs."""
    plots = raw_csv.parent / "with_rows.csv"
    frame = pd.read_csv(raw_csv)
    frame["row"] = 1
    frame.to_csv(plots, index=False)
    with pytest.warns(
        YieldTrialWarning, match="the declared design 'rcbd' is analysed without the field rows"
    ):
        trial = FieldTrial.from_csv(
            plots, crop="wheat", control=CONTROL, design="rcbd", columns={"row": "r1"}
        )
    assert trial.design == "rcbd"


def test_flags_carry_the_trial_toml_names(raw_csv, tmp_path):
    """--standard-moisture-pct and --moisture-method set what the trial.toml keys set."""
    by_flags = tmp_path / "flags.csv"
    by_file = tmp_path / "file.csv"
    config = tmp_path / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\nstandard_moisture_pct = 14\n'
        'moisture_method = "percentage_point"\n',
        encoding="utf-8",
    )
    flags = ["--standard-moisture-pct", "14", "--moisture-method", "percentage_point"]
    assert main(["standardize", str(raw_csv), "--crop", "wheat", *flags, "-o", str(by_flags)]) == 0
    assert main(["standardize", str(raw_csv), "--config", str(config), "-o", str(by_file)]) == 0
    assert pd.read_csv(by_flags).equals(pd.read_csv(by_file))


def test_report_from_files_takes_crop_and_control(raw_csv):
    """``report_from_files(plots, crop=, control=)``: the CLI's --crop and --control."""
    from yieldtrial.report.files import report_from_files

    report, _ = report_from_files(raw_csv, crop="wheat", control=CONTROL, figures=False)
    rows = report.results["control_comparisons"]
    assert {row["control"] for row in rows} == {CONTROL}


# ------------------------------------------- options that cannot apply to the file given


def _argv(command, path, tmp_path):
    argv = [command, str(path), "--crop", "wheat"]
    return argv + (["-o", str(tmp_path / "r.html")] if command == "report" else [])


@pytest.mark.parametrize("command", ["report", "standardize", "network", "audit"])
def test_sheet_with_a_csv_file_is_a_usage_error(command, raw_csv, tmp_path, capsys):
    """--sheet was silently ignored for a CSV file (the table read anyway, exit 0)."""
    code = main([*_argv(command, raw_csv, tmp_path), "--sheet", "2024"])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert lines == [
        f"yieldtrial {command}: error: --sheet '2024' applies to an .xlsx workbook, but "
        "'小区产量.csv' is a CSV file (no worksheets); leave --sheet out"
    ]
    assert not (tmp_path / "r.html").exists()


def test_sheet_with_a_folder_of_csv_files_is_a_usage_error(site_folder, capsys):
    """network: --sheet with no workbook among the site files names the first and a count."""
    assert main(["network", str(site_folder), "--crop", "wheat", "--sheet", "plots"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "and 19 more are CSV files (no worksheets); leave --sheet out" in err


def test_encoding_with_a_workbook_is_a_usage_error(raw_xlsx, capsys):
    """--encoding was ignored for an .xlsx workbook, whose text is Unicode."""
    assert main(["standardize", str(raw_xlsx), "--crop", "wheat", "--encoding", "gbk"]) == 2
    assert capsys.readouterr().err == (
        "yieldtrial standardize: error: --encoding 'gbk' applies to CSV files, but "
        "'plots.xlsx' is an .xlsx workbook (its text is Unicode); leave --encoding out\n"
    )


@pytest.mark.parametrize("command", ["report", "network", "audit"])
def test_encoding_with_a_workbook_is_a_usage_error_in_every_command(
    command, raw_xlsx, tmp_path, capsys
):
    """Every command reading a plot table refuses --encoding for a workbook (exit 2, no file)."""
    assert main([*_argv(command, raw_xlsx, tmp_path), "--encoding", "gbk"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        f"yieldtrial {command}: error: --encoding 'gbk' applies to CSV files, but "
        "'plots.xlsx' is an .xlsx workbook (its text is Unicode); leave --encoding out"
    ]
    assert not (tmp_path / "r.html").exists()


def test_sheet_with_a_shipped_example_is_a_usage_error(capsys):
    """A shipped example (standardize --example) is a CSV: --sheet cannot apply there either."""
    assert main(["standardize", "--example", "jinzhong-2024", "--sheet", "plots"]) == 2
    assert capsys.readouterr().err == (
        "yieldtrial standardize: error: --sheet 'plots' applies to an .xlsx workbook, but "
        "'plots.csv' is a CSV file (no worksheets); leave --sheet out\n"
    )
