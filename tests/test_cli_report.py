"""Tests of the ``yieldtrial report`` and ``yieldtrial demo`` commands (in-process)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from yieldtrial.cli import main
from yieldtrial.datasets import example_path

GOOD = (
    "plot_id,treatment,block,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    "1,CK,1,20,14.0,13\n2,A,1,20,15.0,14\n3,CK,2,20,14.2,13\n4,A,2,20,15.3,13\n"
    "5,CK,3,20,13.9,13.5\n6,A,3,20,15.1,14\n"
)


pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture
def plots(tmp_path: Path) -> Path:
    path = tmp_path / "plots.csv"
    path.write_text(GOOD, encoding="utf-8")
    return path


def _fails_cleanly(
    argv: list[str], out: Path, capsys: pytest.CaptureFixture[str], match: str
) -> None:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("yieldtrial: error:"), err
    assert match in lines[0]
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}*"))  # no temporary file left behind


def test_report_markdown_from_flags(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Flags alone (no trial.toml) give a report; the format follows the suffix."""
    out = tmp_path / "r.md"
    assert (
        main(
            [
                "report",
                str(plots),
                "--crop",
                "wheat",
                "--control",
                "CK",
                "-o",
                str(out),
                "--no-figures",
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Yield test report")
    assert "## Analysis of variance" in text


def test_report_json_with_format_flag_and_margin(plots: Path, tmp_path: Path) -> None:
    """--format json overrides the suffix; --margin adds the non-inferiority result."""
    out = tmp_path / "r.txt"
    assert (
        main(
            [
                "report",
                str(plots),
                "--crop",
                "wheat",
                "--control",
                "CK",
                "--margin",
                "5",
                "--format",
                "json",
                "-o",
                str(out),
                "--no-figures",
            ]
        )
        == 0
    )
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["metadata"]["settings"]["margin_pct"] == 5.0
    assert "noninferior" in doc["results"]["control_comparisons"][0]


def test_report_flags_override_config(tmp_path: Path, plots: Path) -> None:
    """--unit and --lang override trial.toml; zh labels appear."""
    config = tmp_path / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\nunit = "kg/ha"\n', encoding="utf-8"
    )
    out = tmp_path / "r.md"
    assert (
        main(
            [
                "report",
                str(plots),
                "--config",
                str(config),
                "--unit",
                "kg/mu",
                "--lang",
                "zh",
                "-o",
                str(out),
                "--no-figures",
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "产量（kg/亩）" in text and "位次" in text


def test_report_html_and_docx(tmp_path: Path) -> None:
    """The founding example renders as HTML and DOCX."""
    plots = example_path("jinzhong-2024")
    config = example_path("jinzhong-2024", "trial.toml")
    for name in ("r.html", "r.docx"):
        out = tmp_path / name
        assert main(["report", str(plots), "--config", str(config), "-o", str(out)]) == 0
        assert out.stat().st_size > 1000


def test_missing_column_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A table without fresh mass: one line on stderr, exit 1, no output file."""
    plots = tmp_path / "p.csv"
    plots.write_text(
        "plot_id,treatment,harvested_area_m2,moisture_pct\n1,CK,20,13\n2,A,20,13\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    _fails_cleanly(
        ["report", str(plots), "--crop", "wheat", "-o", str(out)], out, capsys, "fresh_mass_kg"
    )


def test_moisture_fractions_fail_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Moisture written as fractions (0.13) is refused."""
    plots = tmp_path / "p.csv"
    plots.write_text(
        GOOD.replace(",13\n", ",0.13\n").replace(",14\n", ",0.14\n").replace(",13.5\n", ",0.135\n"),
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    _fails_cleanly(
        ["report", str(plots), "--crop", "wheat", "-o", str(out)], out, capsys, "fraction"
    )


def test_unknown_control_fails_cleanly(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--control naming no treatment is refused."""
    out = tmp_path / "r.html"
    _fails_cleanly(
        ["report", str(plots), "--crop", "wheat", "--control", "CK9", "-o", str(out)],
        out,
        capsys,
        "CK9",
    )


def test_broken_toml_fails_cleanly(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken trial.toml is refused, naming the file and the line."""
    config = tmp_path / "trial.toml"
    config.write_text('[trial]\ncrop = "wheat"\n[analysis\n', encoding="utf-8")
    out = tmp_path / "r.html"
    _fails_cleanly(
        ["report", str(plots), "--config", str(config), "-o", str(out)], out, capsys, "line 3"
    )


def test_missing_crop_fails_cleanly(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --crop or crop in trial.toml the error says how to give it."""
    out = tmp_path / "r.html"
    _fails_cleanly(["report", str(plots), "-o", str(out)], out, capsys, "--crop")


def test_unknown_suffix_fails_cleanly(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An output suffix that names no format is refused before any work."""
    out = tmp_path / "r.pdf"
    _fails_cleanly(
        ["report", str(plots), "--crop", "wheat", "-o", str(out)], out, capsys, "--format"
    )


def test_output_over_input_is_refused(plots: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-o naming the input file is refused and the input is untouched."""
    assert (
        main(["report", str(plots), "--crop", "wheat", "--format", "json", "-o", str(plots)]) == 1
    )
    assert plots.read_text(encoding="utf-8") == GOOD
    assert "input file" in capsys.readouterr().err


def test_demo_writes_index_and_reports(tmp_path: Path) -> None:
    """``yieldtrial demo -o DIR`` writes index.html linking HTML, Markdown, JSON, DOCX reports."""
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out)]) == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("jinzhong-2024", "replicated-rcbd"):
        for suffix in (".html", ".md", ".json", ".docx"):
            assert (out / f"{name}{suffix}").stat().st_size > 0
            assert f'href="{name}{suffix}"' in index
    markdown = (out / "jinzhong-2024.md").read_text(encoding="utf-8")
    assert "477.36" in markdown and "482.64" in markdown
    # issue 6: the founding example's (illustrative) rates give the efficiency section
    assert "## Fertilizer efficiency" in markdown and "zero-N (omission) plot" in markdown
    assert "40 kg/mu (illustrative)" in markdown


def _oats_csv(path: Path) -> Path:
    """Yates' oats split plot (tests/data/reference) as a CSV with its own column names."""
    case = json.loads(
        (Path(__file__).parent / "data" / "reference" / "yates_oats_splitplot.json").read_text(
            encoding="utf-8"
        )
    )
    lines = ["plot_id,rep,gen,treatment,yield_kg_ha"]
    lines += [f"{i + 1},{b},{g},{n},{y}" for i, (b, g, n, y) in enumerate(case["data"]["rows"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_report_split_plot_from_trial_toml(tmp_path: Path) -> None:
    """design, whole_plot and block in trial.toml give the split-plot report (error a, error b)."""
    plots = _oats_csv(tmp_path / "oats.csv")
    toml = tmp_path / "trial.toml"
    toml.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "0"\ndesign = "split_plot"\n'
        'whole_plot = "gen"\nblock = "rep"\n',
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    assert main(["report", str(plots), "--config", str(toml), "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    errors = {m["kind"]: m["error_term"] for m in doc["results"]["design_means"]}
    assert errors == {"gen": "error_a", "treatment": "error_b", "cells": errors["cells"]}
    # Venables & Ripley (2002) sec. 6.7: varieties F = 1.49 against B:V on 10 df
    gen = next(r for r in doc["results"]["anova"]["table"] if r["source"] == "gen")
    assert gen["f"] == pytest.approx(1.4853, abs=1e-4)


def _split_plot_csv(path: Path, *, factor_columns: bool) -> Path:
    """N rate (whole plots) x variety (sub-plots), 3 blocks; treatment labels hold both."""
    lines = ["plot_id,block,main,sub,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct"]
    masses = iter([14.1, 14.6, 15.2, 15.9, 13.8, 14.9, 15.0, 16.1, 14.3, 14.4, 15.6, 15.7])
    for block in (1, 2, 3):
        for n in ("N1", "N2"):
            for v in ("V1", "V2"):
                lines.append(f"{len(lines)},{block},{n},{v},{n}:{v},20,{next(masses)},14")
    if not factor_columns:  # only the combined labels, written N1-V1
        lines = [",".join(line.split(",")[:2] + line.split(",")[4:]) for line in lines]
        lines = [line.replace(":", "-") for line in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _split_plot_toml(path: Path, extra: str = "") -> Path:
    path.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ndesign = "split_plot"\nwhole_plot = "main"\n' + extra,
        encoding="utf-8",
    )
    return path


def test_split_plot_with_combined_treatment_labels_names_the_sub_plot_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """whole_plot = "main" with treatment labels 'N1:V1': was "LS-means ... not estimable"."""
    plots = _split_plot_csv(tmp_path / "plots.csv", factor_columns=True)
    toml = _split_plot_toml(tmp_path / "trial.toml")
    out = tmp_path / "report.json"
    assert main(["report", str(plots), "--config", str(toml), "-o", str(out)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "yieldtrial: error: the sub-plot factor column 'treatment' has each of its labels under "
        "one whole-plot level of 'main' only ('N1:V1' only with 'N1'): its labels combine both "
        "factors, so the sub-plot means cannot be estimated. The column 'sub' holds the sub-plot "
        'levels alone: name it in trial.toml [analysis] (whole_plot = "main", sub_plot = "sub"), '
        "--factors main,sub or factors=('main', 'sub')"
    ]
    assert not out.exists()


def test_split_plot_with_the_named_sub_plot_column_reports(tmp_path: Path) -> None:
    """The fix the message names (sub_plot = "sub") gives the split-plot report."""
    plots = _split_plot_csv(tmp_path / "plots.csv", factor_columns=True)
    toml = _split_plot_toml(tmp_path / "trial.toml", 'sub_plot = "sub"\n')
    out = tmp_path / "report.json"
    assert main(["report", str(plots), "--config", str(toml), "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    errors = {m["kind"]: m["error_term"] for m in doc["results"]["design_means"]}
    assert (errors["main"], errors["sub"]) == ("error_a", "error_b")


def test_split_plot_whose_whole_plot_column_is_missing_says_labels_combine_factors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only 'N1-V1' labels: the message names the column, the key and the combined labels."""
    plots = _split_plot_csv(tmp_path / "plots.csv", factor_columns=False)
    toml = _split_plot_toml(tmp_path / "trial.toml")
    out = tmp_path / "report.json"
    assert main(["report", str(plots), "--config", str(toml), "-o", str(out)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "yieldtrial: error: the whole-plot factor column 'main' (whole_plot in trial.toml) is "
        "not in the plot table (columns: plot_id, block, treatment, harvested_area_m2, "
        "fresh_mass_kg, moisture_pct). The treatment labels ('N1-V1', 'N1-V2', 'N2-V1' and 1 "
        "more) hold both factors in one column: add a column with each plot's whole-plot level "
        "(N1 of 'N1-V1') and one with its sub-plot level (V1), and name them in trial.toml "
        "[analysis] (whole_plot = ..., sub_plot = ...), --factors or factors="
    ]
    assert not out.exists()


def test_report_design_flags(tmp_path: Path) -> None:
    """--design split_plot --factors gen works without a trial.toml (Markdown shows Error a)."""
    plots = _oats_csv(tmp_path / "oats.csv")
    text = plots.read_text(encoding="utf-8").replace("plot_id,rep,", "plot_id,block,", 1)
    plots.write_text(text, encoding="utf-8")
    out = tmp_path / "report.md"
    argv = ["report", str(plots), "--crop", "wheat", "--design", "split_plot"]
    argv += ["--factors", "gen", "--control", "0", "--no-figures", "-o", str(out)]
    assert main(argv) == 0
    assert "Error a" in out.read_text(encoding="utf-8")


E2E = Path(__file__).parent / "data" / "e2e"


def test_report_maize_ears_zh_states_shelling(tmp_path: Path) -> None:
    """GBK maize ears (出籽率): formula with P, columns 鲜穗重 and 出籽率, no 杂质率."""
    out = tmp_path / "m.md"
    argv = ["report", str(E2E / "maize_gbk.csv"), "--crop", "玉米", "--control", "CK"]
    assert main([*argv, "--lang", "zh", "--no-figures", "-o", str(out)]) == 0
    md = out.read_text(encoding="utf-8")
    assert "W × P ÷ 100 × (100 − M) ÷ (100 − 14) ÷ S × 10000" in md  # maize 14 %
    assert "P 为出籽率（籽粒重 ÷ 鲜穗重，本试验 82.0–85.7%）" in md  # range of the 出籽率 column
    assert "| 鲜穗重（kg） | 含水量（%） | 出籽率（%） |" in md
    assert "杂质率" not in md
    # plot 101: 18.48 kg ears x 85.1 % x (100 - 26.4)/86 / 20 m2 x 10000 / 15 = 448.63 kg/mu
    assert "| 101 | 1 | 郑单958 | 20.0 | 18.48 | 26.4 | 85.1 | 448.63 | 6,729.5 |" in md


def test_report_us_corn_states_bushel_conversion(tmp_path: Path) -> None:
    """corn_us.csv + corn.toml (bu/ac): bushel/lb/acre conversions, input lb and acre columns."""
    out = tmp_path / "c.md"
    argv = ["report", str(E2E / "corn_us.csv"), "--config", str(E2E / "corn.toml")]
    assert main([*argv, "--no-figures", "-o", str(out)]) == 0
    md = out.read_text(encoding="utf-8")
    # domain-standards section 3: maize 56 lb/bu, lb and acre exact by definition
    assert "1 bushel of maize = 56 lb at 15.5 % moisture; 1 lb = 0.45359237 kg" in md
    assert "1 acre = 4046.8564224 m²" in md and "666.67" not in md
    assert "| Area (acre) | Area (m²) | Fresh mass (lb) | Fresh mass (kg) |" in md
    # plot 101 as given: 0.01 acre, 134.7 lb; 0.01 x 4046.8564224 = 40.47 m2, x 0.45359237 = 61.10
    assert "| 101 | 1 | P1197 | 0.01 | 40.47 | 134.7 | 61.10 | 16.5 |" in md


def test_report_single_observed_plot_has_anova_and_dunnett(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """maize_gbk with plot 103 also blank (京科968 has 1 plot): ANOVA and Dunnett P reported."""
    import pandas as pd

    frame = pd.read_csv(E2E / "maize_gbk.csv", encoding="gbk", dtype=str)
    frame.loc[frame["小区号"] == "103", "鲜穗重(kg)"] = ""
    plots = tmp_path / "maize_one.csv"
    frame.to_csv(plots, index=False, encoding="gbk")
    out = tmp_path / "m1.json"
    argv = ["report", str(plots), "--crop", "maize", "--control", "CK", "--no-figures"]
    assert main([*argv, "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["results"]["anova"]["df_error"] == 6  # 13 plots - 5 treatments - 3 blocks + 1
    one = next(c for c in doc["results"]["control_comparisons"] if c["treatment"] == "京科968")
    assert 0 <= one["p_value_adjusted"] <= 1
    means = {m["treatment"]: m for m in doc["results"]["means"]}
    assert means["京科968"]["n"] == 1 and means["京科968"]["se"] > 0


def test_report_multi_site_table_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A table with several sites: one error pointing to `yieldtrial network --by site`."""
    out = tmp_path / "n.md"
    argv = ["report", str(E2E / "network.csv"), "--crop", "wheat", "--control", "CK"]
    _fails_cleanly([*argv, "-o", str(out)], out, capsys, "yieldtrial network PLOTS --by site")


def test_format_that_contradicts_the_suffix_is_a_usage_error(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o r.md --format docx (DOCX bytes in a .md) exits 2 naming both; nothing is written."""
    from hostile import assert_one_line_error

    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--crop", "wheat", "--format", "docx", "-o", str(out)]
    assert_one_line_error(
        argv,
        capsys,
        code=2,
        match=r"names a markdown file but --format is docx",
        untouched=[plots],
        absent=[out],
    )


def test_report_of_augmented_book_with_entry_repeated_is_one_line_error(tmp_path, capsys):
    """A field book edited so an entry ('E1', marked entry) has three plots stops the report.

    (Two plots in two blocks are a p-rep entry since stop 44.)
    """
    import pandas as pd

    from hostile import assert_one_line_error
    from yieldtrial.design import augmented_design

    book = augmented_design(["CK1", "CK2"], ["E1", "E2", "E3", "E4"], blocks=2, seed=1)
    book["harvested_area_m2"], book["moisture_pct"], book["impurity_pct"] = 20.0, 13.0, 0.0
    book["fresh_mass_kg"] = [14.0 + 0.1 * i for i in range(len(book))]
    extra = book[book["treatment"] == "E1"].assign(plot_id="999", block="3")
    again = extra.assign(plot_id="998", block="4")
    book = pd.concat([book, extra, again], ignore_index=True)
    path, out = tmp_path / "book.csv", tmp_path / "r.html"
    book.to_csv(path, index=False)
    assert_one_line_error(
        ["report", str(path), "--crop", "wheat", "-o", str(out)],
        capsys,
        code=1,
        match=r"treatment 'E1' is marked 'entry' in entry_type but has 3 plots",
        untouched=[path],
        absent=[out],
    )


@pytest.mark.parametrize("suffix", ["json", "md"])
def test_report_of_a_report_without_crop_names_the_file(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    """A report given back as the plot table, without --crop, is named as such (not "no crop").

    Found chaining the commands as a user: ``yieldtrial report r.json -o x.html`` said the crop
    was not known, so the user would add --crop and only then learn the file is a report.
    """
    report = tmp_path / f"r.{suffix}"
    assert (
        main(["report", str(plots), "--crop", "wheat", "--control", "CK", "-o", str(report)]) == 0
    )
    capsys.readouterr()
    _fails_cleanly(
        ["report", str(report), "-o", str(tmp_path / "x.html")],
        tmp_path / "x.html",
        capsys,
        f"r.{suffix}: this is ",
    )


def test_fractional_margin_flag_is_warned_in_flag_words(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--margin 0.05: the warning names --margin as typed (stop 44), not margin_pct."""
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK", "--margin", "0.05"]
    assert main([*argv, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert (
        "yieldtrial: warning: --margin 0.05 is read as 0.05 %; if you meant 5 %, give "
        "--margin 5 (percent, e.g. 5 for 5 %)"
    ) in err.splitlines()
    assert "margin_pct" not in err


def test_fractional_margin_of_trial_toml_keeps_its_words(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """margin_pct = 0.05 in trial.toml is still warned as the file's setting."""
    toml = tmp_path / "trial.toml"
    toml.write_text('[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\nmargin_pct = 0.05\n')
    assert main(["report", str(plots), "--config", str(toml), "-o", str(tmp_path / "r.md")]) == 0
    assert "write margin_pct = 5 " in capsys.readouterr().err


def test_report_of_a_table_standardized_at_another_moisture_warns_once(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run standardize --standard 14, then report at wheat's 13 %: one warning, in the report too.

    The yields were silently recomputed at 13 % from the raw columns (user pass, stop 34).
    """
    standardized = tmp_path / "s.csv"
    argv = ["standardize", str(plots), "--crop", "wheat", "--standard", "14"]
    assert main([*argv, "-o", str(standardized)]) == 0
    capsys.readouterr()
    out = tmp_path / "r.md"
    assert main(["report", str(standardized), "--crop", "wheat", "-o", str(out)]) == 0
    lines = [x for x in capsys.readouterr().err.splitlines() if "14 % moisture" in x]
    assert len(lines) == 1
    assert lines[0].startswith("yieldtrial: warning: the table's yields are at 14 % moisture")
    assert "recomputed at 13 % from the raw columns" in lines[0]
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert "yields are at 14 % moisture (its standard\\_moisture\\_pct column)" in text
    assert "they were recomputed at 13 % from the raw columns" in text


def test_report_at_the_tables_own_standard_does_not_warn(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report at the table's 14 %: nothing to say."""
    standardized = tmp_path / "s.csv"
    argv = ["standardize", str(plots), "--crop", "wheat", "--standard", "14"]
    assert main([*argv, "-o", str(standardized)]) == 0
    out = tmp_path / "r.md"
    argv = ["report", str(standardized), "--crop", "wheat", "--standard", "14"]
    assert main([*argv, "-o", str(out)]) == 0
    assert "recomputed at" not in capsys.readouterr().err


def test_report_in_chinese_says_the_yields_were_recomputed(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same warning in Chinese: the CLI line and the report's data checks."""
    standardized = tmp_path / "s.csv"
    argv = ["standardize", str(plots), "--crop", "wheat", "--standard", "14"]
    assert main([*argv, "-o", str(standardized)]) == 0
    capsys.readouterr()
    out = tmp_path / "r.md"
    argv = ["report", str(standardized), "--crop", "wheat", "--lang", "zh"]
    assert main([*argv, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "yieldtrial: 警告：表中产量按标准含水量 14% 计（standard_moisture_pct 列）" in err
    expected = "本报告已由原始数据（鲜重、含水量、面积）按 13% 重新折算"
    assert expected in err
    assert expected in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "note: suspect plot '201': see the report's section 'Suspect plots and the "
               "conclusions that rest on them' for the conclusions that depend on it, and "
               "check its record"),
        ("zh", "注意：可疑小区 '201'：依赖该小区的结论见报告“可疑小区及结论稳健性”一节；"
               "请核对其记录"),
    ],
)  # fmt: skip
def test_report_names_its_suspect_plots_on_the_terminal(tmp_path, capsys, lang, note):
    """The doubled weight of plot 201 (examples/doubled-weight): one line after "wrote".

    The run printed only "wrote report.html"; the report flags plot 201 (29.68 kg, 2.01 x
    its treatment's typical 14.79 kg) and says which conclusions rest on it (stop 36).
    """
    folder = Path(__file__).resolve().parents[1] / "examples" / "doubled-weight"
    out = tmp_path / "report.md"
    argv = ["report", str(folder / "plots.csv"), "--config", str(folder / "trial.toml")]
    assert main([*argv, "--lang", lang, "-o", str(out)]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == note
    assert lines[-2].endswith("report.md")  # "wrote ..." / "已写入 ..."


def test_report_without_suspect_plots_prints_no_note(plots, tmp_path, capsys):
    """Six plots of two treatments within 0.4 kg of each other: none flagged, "wrote" alone."""
    out = tmp_path / "report.md"
    assert main(["report", str(plots), "--crop", "wheat", "-o", str(out)]) == 0
    assert capsys.readouterr().err.splitlines() == [f"wrote {out}"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_suspect_plots_note_shortens_long_plot_ids(lang):
    """Three flagged ids of 12,000-20,000 characters with spaces: one short line (hostile pass).

    The note quoted each id whole (a 52,172-character line); an id over 60 characters is
    now named by its start and its length, as the other one-line messages do.
    """
    from yieldtrial.commands._zh_messages import set_language
    from yieldtrial.commands.report import suspect_plots_line

    ids = ["a b " * 5000, "c d " * 5000, "e f " * 3000]
    set_language(lang, "report")
    try:
        line = suspect_plots_line([{"plot_id": plot} for plot in ids])
    finally:
        set_language(None, None)
    assert line is not None and "\n" not in line
    assert len(line) < 500
    assert "'a b a b a b a b a b a b a b a b a b a b a b ...' (19,999 characters)" in line


def test_report_without_figures_leaves_matplotlib_alone(
    plots: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--no-figures: the file backend is not set up, so matplotlib is not imported (issue 13)."""
    from yieldtrial.commands import report as command

    calls: list[None] = []
    monkeypatch.setattr(command, "_use_file_backend", lambda: calls.append(None))
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK", "--no-figures"]
    assert main([*argv, "-o", str(out)]) == 0
    assert calls == []
    assert "## Analysis of variance" in out.read_text(encoding="utf-8")


def test_report_with_figures_draws_with_the_file_backend(
    plots: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With figures the file backend (Agg) is chosen before any figure is drawn."""
    from yieldtrial.commands import report as command

    calls: list[None] = []
    real = command._use_file_backend
    monkeypatch.setattr(command, "_use_file_backend", lambda: (calls.append(None), real()))
    out = tmp_path / "r.md"
    assert main(["report", str(plots), "--crop", "wheat", "--control", "CK", "-o", str(out)]) == 0
    assert calls == [None]
    assert any((tmp_path / "r_files").iterdir())  # the figures were written


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_report_in_a_format_without_pictures_leaves_matplotlib_alone(
    suffix: str, plots: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON and Excel name the figures without drawing them: no file backend, no matplotlib.

    Importing matplotlib for them cost a JSON report 0.1-0.15 s of CPU (stop 42).
    """
    if suffix == ".xlsx":
        pytest.importorskip("openpyxl")
    from yieldtrial.commands import report as command

    calls: list[None] = []
    monkeypatch.setattr(command, "_use_file_backend", lambda: calls.append(None))
    out = tmp_path / f"r{suffix}"
    assert main(["report", str(plots), "--crop", "wheat", "--control", "CK", "-o", str(out)]) == 0
    assert calls == []
    assert out.stat().st_size > 0


def test_drawing_formats_are_the_formats_whose_files_draw_figures(tmp_path: Path) -> None:
    """DRAWING_FORMATS is exactly the set of formats whose writing draws a figure.

    Each format's file is written from a report with figures whose drawing is recorded:
    a new format that draws and is not listed would draw without the file backend.
    """
    from yieldtrial.commands.report import DRAWING_FORMATS
    from yieldtrial.datasets import load_example
    from yieldtrial.report import FORMATS, build_report
    from yieldtrial.report.files import write_report_file
    from yieldtrial.report.model import Figure

    report = build_report(load_example("replicated-rcbd"), figures=True)
    svg, png = Figure.svg, Figure.png
    drawn: set[str] = set()
    with pytest.MonkeyPatch.context() as patch:
        for fmt in FORMATS:
            if fmt in ("docx", "xlsx"):
                pytest.importorskip({"docx": "docx", "xlsx": "openpyxl"}[fmt])

            def recorded(real: Any, fmt: str = fmt) -> Any:
                return lambda self, **options: (drawn.add(fmt), real(self, **options))[1]

            patch.setattr(Figure, "svg", recorded(svg))
            patch.setattr(Figure, "png", recorded(png))
            write_report_file(report, tmp_path / f"r{FORMATS[fmt][0]}", fmt=fmt)
    assert drawn == set(DRAWING_FORMATS)


def _gomez_with_plot_ids(tmp_path: Path) -> Path:
    """Gomez & Gomez (1984) Table 3.7 rice split plot: nitrogen (whole plot) x variety.

    The shipped table has plot ids since stop 48 (numbered 1-72, as this helper numbered
    them before).  Its ``variety`` header is read as the treatment column (the table has no
    ``treatment`` header).
    """
    return example_path("gomez-rice-split-plot")


def test_shipped_gomez_split_plot_is_reported_as_shipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``yieldtrial report`` refused the shipped table: it had no plot column (stop 48)."""
    out = tmp_path / "rice.md"
    argv = [
        "report", str(example_path("gomez-rice-split-plot")), "--crop", "rice_indica",
        "--design", "split_plot", "--factors", "nitrogen", "--no-figures", "-o", str(out),
    ]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    assert "Plots expected / observed: 72 / 72." in out.read_text(encoding="utf-8")


def test_split_plot_control_may_be_a_whole_plot_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--control N0`` (a whole-plot level) is accepted when the sub-plot is the treatment.

    Before stop 39 it was refused as "not a treatment of the plot table; levels: V1, V2, V3,
    V4", while the message for an unknown control said levels of either factor are accepted.
    """
    out = tmp_path / "report.json"
    argv = [
        "report", str(_gomez_with_plot_ids(tmp_path)), "--crop", "rice_indica",
        "--design", "split_plot", "--factors", "nitrogen", "--control", "N0",
        "--no-figures", "--format", "json", "-o", str(out),
    ]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    assert '"N0"' in text and "Dunnett" in text


def test_split_plot_factor_named_by_its_header_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--factors nitrogen,variety`` names the column read as ``treatment`` by its header.

    Before stop 39: "the sub-plot factor column 'variety' ... is not in the plot table
    (columns: plot_id, block, treatment, ...)".
    """
    out = tmp_path / "report.md"
    argv = [
        "report", str(_gomez_with_plot_ids(tmp_path)), "--crop", "rice_indica",
        "--design", "split_plot", "--factors", "nitrogen,variety", "--control", "V1",
        "--no-figures", "-o", str(out),
    ]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    assert "split-plot design" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        ("en", "Each level of nitrogen was compared with the control N0", "Each treatment was"),
        ("zh", "nitrogen 各水平与对照（N0）的比较", "各处理与对照"),
    ],
)
def test_split_plot_whole_plot_control_methods_name_the_factor_levels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str, not_said: str
) -> None:
    """With ``--control N0`` the nitrogen levels are compared, not "each treatment" (stop 40).

    The methods said "Each treatment was compared with the control N0" and the comparison
    family "treatments vs N0", while the varieties were never compared with N0.
    """
    out = tmp_path / "report.md"
    argv = [
        "report", str(_gomez_with_plot_ids(tmp_path)), "--crop", "rice_indica",
        "--design", "split_plot", "--factors", "nitrogen", "--control", "N0",
        "--no-figures", "--lang", lang, "-o", str(out),
    ]  # fmt: skip
    assert main(argv) == 0, capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    assert said in text
    assert not_said not in text


@pytest.mark.parametrize("command", ["report", "demo", "network"])
def test_lang_help_names_the_printed_lines_and_messages(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """user45: ``--lang`` was "report language" only, though it also sets the lines printed.

    Worded as ``design --help`` words it (the messages and the 'wrote ...' lines are
    Chinese under ``--lang zh``: tests/test_cli_errors_zh.py).
    """
    assert main([command, "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "the lines printed (" in help_text
    assert "and the messages (default en" in help_text
    assert "report language (default en" not in help_text


@pytest.mark.parametrize("case", ["gomez_sp_m1", "gomez_sp_m3_diff_wp"])
def test_pooled_whole_plot_stratum_is_one_warning_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    """The rice split plot with sub-plots deleted: REML pools error a, said on one line (stop 42).

    The report's F test of nitrogen is then not the book's (42.87 on 10 df) but the pooled
    error's (gomez_sp_m1: 20.11 on 45.0 Satterthwaite df, lmerTest's in
    tests/data/r_reference_trials/reference.csv).
    """
    table = Path(__file__).parent / "data" / "r_reference_trials" / f"{case}.csv"
    out = tmp_path / "r.md"
    argv = [
        "report", str(table), "--crop", "rice_indica", "--design", "split_plot",
        "--factors", "nitrogen,variety", "--control", "V1", "--no-figures", "-o", str(out),
    ]  # fmt: skip
    assert main(argv) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "REML" in line]
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "yieldtrial: warning: REML estimates the whole-plot variance (Blocks x nitrogen) at zero"
    )
    assert "the F test of nitrogen uses the pooled error with Satterthwaite df" in lines[0]


def test_complete_split_plot_prints_no_pooled_stratum_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No plot missing: the stratum ANOVA, nothing pooled, no warning line."""
    out = tmp_path / "r.md"
    argv = [
        "report", str(_gomez_with_plot_ids(tmp_path)), "--crop", "rice_indica",
        "--design", "split_plot", "--factors", "nitrogen,variety", "--control", "V1",
        "--no-figures", "-o", str(out),
    ]  # fmt: skip
    assert main(argv) == 0
    assert "REML" not in capsys.readouterr().err


@pytest.mark.parametrize("test", ["holm", "Bonferroni"])
def test_letters_of_python_only_name_where_they_are(
    test: str, plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--letters holm`` (a choice of ``trial.means(letters=)``) says it is Python's (stop 48).

    argparse's "invalid choice" listed the report's five tests only; the two names sets
    differ (docs/cli.md), so the line names the Python call.
    """
    out = tmp_path / "r.html"
    assert main(["report", str(plots), "--crop", "wheat", "--letters", test, "-o", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    expected = (
        f"invalid choice: '{test}' (choose from 'tukey', 'lsd', 'duncan', 'snk', 'scheffe'); "
        f"{test.lower()} letters are made in Python, not in the report: "
        f"trial.means(letters='{test.lower()}')"
    )
    assert len(lines) == 1 and expected in lines[0]
    assert not out.exists()
