"""The ``yieldtrial plan`` and ``yieldtrial design`` commands, run in-process."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from yieldtrial.cli import main
from yieldtrial.design import rcbd
from yieldtrial.stats.power import replicates_needed
from yieldtrial.trial import FieldTrial


def test_plan_prints_replicates_needed(capsys):
    """`plan --cv 8 --difference 5 --treatments 3` prints replicates_needed's count."""
    assert main(["plan", "--cv", "8", "--difference", "5", "--treatments", "3"]) == 0
    out = capsys.readouterr().out
    expected = replicates_needed(cv_pct=8, difference_pct=5, n_treatments=3)
    assert f"Replicates needed: {expected}\n" in out
    assert f"Error df at {expected} replicates" in out and "Detectable difference" in out


def test_plan_json_with_options(capsys):
    """Options reach the library; --format json gives the plan's fields."""
    args = [
        "plan",
        "--cv",
        "10",
        "--difference",
        "15",
        "--treatments",
        "4",
        "--alpha",
        "0.1",
        "--power",
        "0.9",
        "--design",
        "crd",
        "--comparison",
        "t",
        "--format",
        "json",
    ]
    assert main(args) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["replicates"] == replicates_needed(
        cv_pct=10,
        difference_pct=15,
        n_treatments=4,
        alpha=0.1,
        power=0.9,
        design="crd",
        comparison="t",
    )
    # CRD error df t(r - 1)
    assert plan["df_error"] == 4 * (plan["replicates"] - 1)


def test_plan_from_replicates(capsys):
    """--replicates instead of --difference reports the detectable difference."""
    assert (
        main(["plan", "--cv", "8", "--replicates", "4", "--treatments", "3", "--comparison", "t"])
        == 0
    )
    assert "Detectable difference with 4 replicates" in capsys.readouterr().out


def test_plan_missing_target_is_usage_error(capsys):
    """Neither --difference nor --replicates: usage error (2)."""
    assert main(["plan", "--cv", "8", "--treatments", "3"]) == 2


def test_plan_bad_value_is_data_error(capsys):
    """An impossible CV is one error line and exit 1."""
    assert main(["plan", "--cv", "-8", "--difference", "5", "--treatments", "3"]) == 1
    assert capsys.readouterr().err.startswith("yieldtrial: error:")


@pytest.mark.parametrize(
    "args",
    [
        ["--cv", "8", "--replicates", "3", "--treatments", "3"],
        ["--cv", "3", "--replicates", "3", "--treatments", "4"],
        ["--cv", "4", "--replicates", "3", "--treatments", "4"],
        ["--cv", "5", "--replicates", "3", "--treatments", "4"],
        ["--cv", "3", "--replicates", "2", "--treatments", "4"],
    ],
)
def test_plan_where_scipy_nct_is_nan(args, capsys):
    """Issue 16: these crashed with 'The function value at x=24.0 is NaN' (scipy.stats.nct)."""
    assert main(["plan", *args]) == 0
    out = capsys.readouterr().out
    assert "nan" not in out.lower()
    assert re.match(r"Detectable difference with \d+ replicates: \d+\.\d %", out)


@pytest.mark.slow
def test_plan_on_a_coarse_grid_always_answers_with_a_number(capsys):
    """CV 1-30 %, treatments 2-20, replicates 2-12 or differences 1-50 %: exit 0, a number."""
    for cv in ("1", "8", "30"):
        for t in ("2", "3", "20"):
            for flag, values in (
                ("--replicates", ("2", "3", "12")),
                ("--difference", ("1", "10", "50")),
            ):
                for value in values:
                    code = main(["plan", "--cv", cv, flag, value, "--treatments", t])
                    captured = capsys.readouterr()
                    assert code == 0, (cv, t, flag, value, captured.err)
                    first = captured.out.splitlines()[0]
                    number = re.search(r": (\d+(?:\.\d+)?)", first)
                    assert number is not None and np.isfinite(float(number.group(1))), first
                    assert "nan" not in captured.out.lower() and not captured.err


@pytest.mark.parametrize(
    "args",
    [
        ["--cv", "1e6", "--replicates", "3", "--treatments", "3"],
        ["--cv", "8", "--replicates", "1e9", "--treatments", "3"],
        ["--cv", "8", "--replicates", "3", "--treatments", "1e6"],
        ["--cv", "8", "--difference", "1e-9", "--treatments", "3"],
        ["--cv", "nan", "--difference", "5", "--treatments", "3"],
        ["--cv", "inf", "--difference", "5", "--treatments", "3"],
        ["--cv", "-8", "--difference", "5", "--treatments", "3"],
        ["--cv", "8", "--difference", "-5", "--treatments", "3"],
        ["--cv", "8", "--difference", "nan", "--treatments", "3"],
        ["--cv", "8", "--difference", "inf", "--treatments", "3"],
        ["--cv", "8", "--difference", "5", "--treatments", "-3"],
        ["--cv", "8", "--difference", "5", "--treatments", "nan"],
        ["--cv", "8", "--replicates", "-3", "--treatments", "3"],
        ["--cv", "8", "--replicates", "inf", "--treatments", "3"],
        ["--cv", "8", "--replicates", "2.5", "--treatments", "3"],
        ["--cv", "8", "--difference", "5", "--treatments", "3", "--alpha", "nan"],
        ["--cv", "8", "--difference", "5", "--treatments", "3", "--alpha", "-1"],
        ["--cv", "8", "--difference", "5", "--treatments", "3", "--power", "inf"],
        ["--cv", "8", "--difference", "5", "--treatments", "3", "--power", "1"],
    ],
)
def test_plan_extreme_arguments_give_one_clean_error(args, capsys):
    """Issue 13: extreme arguments are one 'yieldtrial: error:' line and exit 1, at once."""
    assert main(["plan", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("yieldtrial: error:") and err.count("\n") == 1, err
    assert "Traceback" not in err


def test_design_rcbd_reproducible_and_balanced(tmp_path):
    """`design rcbd --treatments CK1 CK2 T --blocks 4 --seed 1` twice gives the same book."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for path in (first, second):
        assert (
            main(
                [
                    "design",
                    "rcbd",
                    "--treatments",
                    "CK1",
                    "CK2",
                    "T",
                    "--blocks",
                    "4",
                    "--seed",
                    "1",
                    "-o",
                    str(path),
                ]
            )
            == 0
        )
    assert first.read_text() == second.read_text()
    book = pd.read_csv(first, dtype={"plot_id": str, "block": str})
    assert (book.groupby(["block", "treatment"]).size() == 1).all() and len(book) == 12
    expected = rcbd(["CK1", "CK2", "T"], blocks=4, seed=1)
    assert book["treatment"].tolist() == expected["treatment"].tolist()


def test_design_fieldbook_reads_back_into_fieldtrial(tmp_path):
    """The CLI's field book, with harvest columns filled, reads into FieldTrial."""
    path = tmp_path / "fieldbook.csv"
    assert (
        main(
            [
                "design",
                "rcbd",
                "--treatments",
                "CK1",
                "CK2",
                "T",
                "--blocks",
                "4",
                "--seed",
                "1",
                "--plot-area",
                "20",
                "-o",
                str(path),
            ]
        )
        == 0
    )
    book = pd.read_csv(path, dtype={"plot_id": str, "block": str})
    book["fresh_mass_kg"] = 13.0
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 1.5
    book.to_csv(path, index=False)
    trial = FieldTrial.from_csv(path, crop="wheat", control="CK1")
    assert trial.design == "rcbd" and trial.treatments == ("CK1", "CK2", "T")
    assert trial.is_replicated


def test_design_to_stdout_and_map(tmp_path, capsys):
    """Without -o the book goes to stdout; --map writes a figure."""
    figure = tmp_path / "map.svg"
    assert (
        main(
            ["design", "latin", "--treatments", "A", "B", "C", "--seed", "2", "--map", str(figure)]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.out.startswith("plot_id,treatment,row,column,")
    assert figure.read_text().lstrip().startswith(("<?xml", "<svg"))


def test_design_png_map(tmp_path):
    """A .png map is a PNG file."""
    figure = tmp_path / "map.png"
    assert (
        main(
            [
                "design",
                "rcbd",
                "--treatments",
                "A",
                "B",
                "--blocks",
                "2",
                "--seed",
                "1",
                "-o",
                str(tmp_path / "b.csv"),
                "--map",
                str(figure),
            ]
        )
        == 0
    )
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_design_without_seed_prints_it(tmp_path, capsys):
    """Without --seed the drawn seed is printed so the layout can be reproduced."""
    assert (
        main(
            [
                "design",
                "crd",
                "--treatments",
                "A",
                "B",
                "--replicates",
                "2",
                "-o",
                str(tmp_path / "b.csv"),
            ]
        )
        == 0
    )
    assert "--seed" in capsys.readouterr().err


def test_design_split_plot(tmp_path):
    """split_plot needs --sub-treatments; the book has both factor columns."""
    path = tmp_path / "sp.csv"
    assert (
        main(
            [
                "design",
                "split_plot",
                "--treatments",
                "I0",
                "I1",
                "--sub-treatments",
                "N0",
                "N1",
                "--blocks",
                "2",
                "--seed",
                "3",
                "-o",
                str(path),
            ]
        )
        == 0
    )
    book = pd.read_csv(path)
    assert {"main", "sub", "main_plot"} <= set(book.columns) and len(book) == 8


def test_design_missing_blocks_is_usage_error_naming_the_flag(capsys):
    """An RCBD without --blocks: one line naming --blocks (it said "needs blocks"), exit 2."""
    assert main(["design", "rcbd", "--treatments", "A", "B"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "design rcbd needs --blocks (number of blocks)" in err[0]


@pytest.mark.parametrize(
    ("argv", "flags"),
    [
        (["crd"], ["--replicates"]),
        (["split_plot", "--blocks", "2"], ["--sub-treatments"]),
        (["alpha", "--replicates", "2"], ["--block-size"]),
        (["augmented"], ["--blocks", "--checks"]),
    ],
)
def test_design_missing_options_are_named_and_the_example_runs(argv, flags, tmp_path, capsys):
    """Each missing option is named as a flag, and the example the line gives runs as typed."""
    assert main(["design", *argv, "--treatments", "A", "B"]) == 2
    line = capsys.readouterr().err.strip()
    assert all(flag in line for flag in flags), line
    example = line.split("e.g. yieldtrial ")[1]
    words = []  # the shell's brace expansion of G{01..24}
    for word in example.split():
        match = re.fullmatch(r"(\w*)\{(\d+)\.\.(\d+)\}", word)
        if match:
            prefix, low, high = match.groups()
            words += [f"{prefix}{k:0{len(low)}d}" for k in range(int(low), int(high) + 1)]
        else:
            words.append(word)
    assert main([*words, "--seed", "1", "-o", str(tmp_path / "book.csv")]) == 0


def test_design_bad_map_suffix(tmp_path, capsys):
    """An unknown figure type is refused before anything is written."""
    out = tmp_path / "b.csv"
    assert (
        main(
            [
                "design",
                "rcbd",
                "--treatments",
                "A",
                "B",
                "--blocks",
                "2",
                "-o",
                str(out),
                "--map",
                str(tmp_path / "map.gif"),
            ]
        )
        == 1
    )
    assert not out.exists()


def test_cli_option_tuples_match_the_library():
    """The CLI's copies of the option tuples (kept light for --help) equal the library's."""
    from yieldtrial import design, stats
    from yieldtrial.commands import design as design_command
    from yieldtrial.commands import plan as plan_command
    from yieldtrial.stats import power

    assert stats is not None
    assert plan_command.COMPARISONS == power.COMPARISONS
    assert plan_command.DESIGNS == power.DESIGNS
    assert plan_command.POWER_ALTERNATIVES == power.POWER_ALTERNATIVES
    assert design_command.LAYOUTS == design.LAYOUTS


def test_design_treatments_as_comma_list(tmp_path):
    """`--treatments CK,T1,T2` (as --control takes) is the same layout as `CK T1 T2`."""
    spaced, commas = tmp_path / "a.csv", tmp_path / "b.csv"
    base = ["design", "rcbd", "--blocks", "3", "--seed", "4"]
    assert main([*base, "--treatments", "CK", "T1", "T2", "-o", str(spaced)]) == 0
    assert main([*base, "--treatments", "CK,T1,", "T2", "-o", str(commas)]) == 0
    assert spaced.read_text(encoding="utf-8") == commas.read_text(encoding="utf-8")


def test_plan_cv_given_as_a_fraction_warns_once(capsys):
    """--cv 0.08 (8 % as a fraction?) gives one 'yieldtrial: warning:' line, then the plan."""
    assert main(["plan", "--cv", "0.08", "--treatments", "3", "--difference", "10"]) == 0
    err = capsys.readouterr().err
    assert err.count("yieldtrial: warning: --cv=0.08 is read as 0.08 %") == 1
    assert err.count("warning") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cv", "1e-300", "--difference", "5"],
         "--cv (CV of plot yields) must be a percentage from 0.01 to 100 (8 for 8 %); got 1e-300"),
        (["--cv", "1e300", "--difference", "5"],
         "--cv (CV of plot yields) must be a percentage from 0.01 to 100 (8 for 8 %); got 1e300"),
        (["--cv", "8", "--difference", "1e-300"],
         "--difference (difference to detect) must be a percentage from 0.01 to 1,000"),
        (["--cv", "8", "--difference", "1e300"],
         "--difference (difference to detect) must be a percentage from 0.01 to 1,000"),
        (["--cv", "8", "--replicates", "1e300"],
         "--replicates must be a whole number from 2 to 1,000,000; got 1e300"),
        (["--cv", "8", "--difference", "5", "--treatments", "1e300"],
         "--treatments (treatments, control included) must be a whole number from 2 to 10,000"),
        (["--cv", "8", "--difference", "5", "--alpha", "1e-300"],
         "--alpha = 1e-300; a significance level must be from 0.0001 to 0.5"),
        (["--cv", "8", "--difference", "5", "--power", "1e-300"],
         "--power must be above --alpha (0.05) and at most 0.9999; got 1e-300"),
    ],
)  # fmt: skip
def test_plan_range_errors_name_option_value_and_range(args, message, capsys):
    """Extreme but finite values: one line naming the option (not cv_pct), value and range."""
    argv = ["plan", *args] + ([] if "--treatments" in args else ["--treatments", "3"])
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


def test_plan_tukey_one_sided_is_a_usage_error(capsys):
    """--comparison tukey --alternative greater: the options contradict each other (exit 2)."""
    argv = ["plan", "--cv", "8", "--difference", "5", "--treatments", "3",
            "--comparison", "tukey", "--alternative", "greater"]  # fmt: skip
    assert main(argv) == 2
    assert "--comparison tukey is two-sided" in capsys.readouterr().err


def test_design_control_is_bold_on_the_map(tmp_path, capsys):
    """--control CK1: the map labels CK1's plots in bold (and only them); the hint is printed."""
    figure = tmp_path / "map.svg"
    args = ["design", "rcbd", "--treatments", "CK1,CK2,T", "--blocks", "2", "--seed", "1"]
    assert main([*args, "--control", "CK1", "--map", str(figure)]) == 0
    captured = capsys.readouterr()
    assert "control: CK1 (give --control CK1 to `yieldtrial report`" in captured.err
    book = pd.read_csv(io.StringIO(captured.out), dtype=str)
    checks = book.loc[book["treatment"] == "CK1", "plot_id"].tolist()
    # matplotlib writes "font-weight: 700; ..." (3.8+) or "font: 700 8px ..." (3.7)
    bold = re.findall(r"font(?:-weight:|:) 700[^>]*>([^<]*)<", figure.read_text(encoding="utf-8"))
    assert sorted(bold) == sorted([*checks, *["CK1"] * len(checks)])  # plot id and label


def test_design_control_colours_the_only_plots_of_a_wide_map(tmp_path):
    """25 treatments with --control CK: CK's plots have a colour, the other 48 plots grey."""
    figure = tmp_path / "map.svg"
    labels = ["CK", *(f"G{i:02d}" for i in range(1, 25))]
    args = ["design", "alpha", "--treatments", *labels, "--block-size", "5", "--replicates", "2"]
    assert main([*args, "--seed", "1", "--control", "CK", "--map", str(figure)]) == 0
    cells = (  # a plot's cell: a clipped patch (the axes background is not clipped)
        r'<g id="patch_\d+">\s*<path d="[^"]*"\s*clip-path="[^"]*"\s*style="fill: (#[0-9a-f]{6})'
    )
    fills = re.findall(cells, figure.read_text(encoding="utf-8"))
    grey = "#d1d1d1"  # design.maps._ENTRY_GREY "0.82": round(0.82 * 255) = 209 = 0xd1
    assert fills.count(grey) == 48 and len(fills) == 50


def test_design_control_not_a_treatment_is_one_line_error(tmp_path, capsys):
    """--control CK for CK1: exit 1, one error line naming the treatments, no file written."""
    out, figure = tmp_path / "b.csv", tmp_path / "map.png"
    args = ["design", "rcbd", "--treatments", "CK1", "CK2", "T", "--blocks", "2", "--seed", "1"]
    assert main([*args, "--control", "CK", "-o", str(out), "--map", str(figure)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("yieldtrial: error: control 'CK' is not a treatment")
    assert "'CK1', 'CK2', 'T'" in err
    assert not out.exists() and not figure.exists()


def test_design_map_of_too_many_plots_is_one_line_and_writes_nothing(tmp_path, capsys):
    """A map of 5,002 plots (beyond MAP_MAX_PLOTS = 5,000) is refused before anything is written.

    (A 100,000-plot RCBD map drew for over ten minutes and 7 GB without finishing.)
    """
    from hostile import assert_one_line_error

    book, figure = tmp_path / "b.csv", tmp_path / "map.png"
    argv = ["design", "crd", "--treatments", "A", "B", "--replicates", "2501", "--seed", "1"]
    assert_one_line_error(
        [*argv, "-o", str(book), "--map", str(figure)],
        capsys,
        code=1,
        match=r"a field map of 5,002 plots is too large to draw \(at most 5,000",
        absent=[book, figure],
    )
    assert list(tmp_path.iterdir()) == []


def test_design_map_in_chinese(tmp_path):
    """--lang zh: the map's title and axis labels are Chinese (the SVG keeps its text)."""
    figure = tmp_path / "map.svg"
    args = ["design", "rcbd", "--treatments", "CK,T", "--blocks", "2", "--seed", "1"]
    assert main([*args, "--lang", "zh", "-o", str(tmp_path / "b.csv"), "--map", str(figure)]) == 0
    svg = figure.read_text(encoding="utf-8")
    assert "随机区组设计田间排列（随机种子 1）" in svg
    assert "田间列" in svg
    assert "field column" not in svg


_ALPHA = ["design", "alpha", "--treatments", ",".join(f"G{i}" for i in range(12))]
_AUGMENTED = ["design", "augmented", "--treatments", "E1,E2,E3,E4,E5,E6", "--checks", "CK1,CK2"]


@pytest.mark.parametrize(
    ("argv", "lang", "lines"),
    [
        (
            [*_ALPHA, "--block-size", "4", "--replicates", "2"],
            "en",
            [
                "alpha design (Patterson & Williams 1976): 12 treatments, 2 replicates of 3 "
                "blocks x 4 plots",
                "generating array (a row per group of 3 treatments, a column per replicate, "
                "values mod 3): 0 0; 0 1; 0 2; 0 0; built from a seeded search for the array "
                "whose treatment pairs share blocks most evenly (Patterson & Williams 1976)",
                "efficiency factor 0.7082 (upper bound 0.7333 for these numbers of treatments, "
                "replicates and blocks; 1 for complete blocks of the same plot error); any two "
                "treatments meet in at most 2 block(s)",
            ],
        ),
        (
            [*_ALPHA, "--block-size", "4", "--replicates", "2"],
            "zh",
            [
                "α 格子设计（Patterson & Williams 1976）：12 个处理，2 次重复，"
                "每次重复 3 个区组 × 4 个小区",
                "生成阵（每行对应一组 3 个处理，每列对应一次重复，数值取模 3）："
                "0 0; 0 1; 0 2; 0 0；由按随机种子搜索、使各对处理同处一个区组的"
                "次数最均匀的阵（Patterson & Williams 1976）得到",
                "效率因子 0.7082（此处理数、重复数和区组数下的上限为 0.7333；小区误差相同的完全区组"
                "为 1）；任意两个处理最多同处 2 个区组",
            ],
        ),
        (
            [*_AUGMENTED, "--blocks", "2"],
            "en",
            [
                "augmented design: 2 checks in each of 2 blocks, 6 entries "
                "(3 entry plots per block); residual df 1",
                "yieldtrial: warning: only 1 residual df (fewer than 10): the error variance of "
                "this augmented design comes from its checks alone, so comparisons of the "
                "entries will have little power; add checks to each block or add blocks (10 df "
                "or more with 11 checks in each of these 2 blocks)",
            ],
        ),
        (
            [*_AUGMENTED, "--blocks", "2"],
            "zh",
            [
                "增广随机区组设计：2 个区组各有 2 个对照，6 个参试材料（每个区组 3 个参试小区）；"
                "误差自由度 1",
                "yieldtrial: 警告：误差自由度仅 1（少于 10）：增广设计的误差方差只来自对照，"
                "参试材料间的比较检验功效低；应增加每个区组的对照数或增加区组数"
                "（这 2 个区组各设 11 个对照，误差自由度即可达到 10 或以上）",
            ],
        ),
    ],
)
def test_design_summary_lines_in_the_language_asked_for(argv, lang, lines, capsys):
    """Stop 39: the alpha and augmented summaries stayed English under --lang zh.

    The figures are the layout's own (seed 1): 12 entries in blocks of 4 give s = 3
    blocks per replicate, the efficiency factor and its bound are design/alpha.py's;
    6 entries and 2 checks in 2 blocks leave 10 - (2 + 6) - (2 - 1) = 1 residual df,
    fewer than 10: warned, with (2 - 1)(11 - 1) = 10 df from 11 checks per block (11
    blocks would need 11 entries, there are 6).
    """
    assert main([*argv, "--seed", "1", "--lang", lang]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == lines


@pytest.mark.parametrize(
    ("blocks", "lang", "words"),
    [
        ("3", "en", "7 entries (3, 2, 2 entry plots per block)"),
        ("3", "zh", "7 个参试材料（各区组分别有 3、2、2 个参试小区）"),
        ("9", "en", "10 entries (2 entry plots in block 1, 1 in blocks 2-9)"),
        ("9", "zh", "10 个参试材料（第 1 区组有 2 个参试小区，第 2-9 区组各 1 个）"),
    ],
)
def test_design_augmented_unequal_blocks_in_words(blocks, lang, words, capsys):
    """user45: the entries per block printed as a Python list ("[3, 2, 2] per block").

    7 entries in 3 blocks: 7 = 3 + 2 + 2 (the first 7 mod 3 = 1 block takes one more);
    10 in 9 blocks: 2 + 8 x 1.  Up to 8 blocks are listed, more are summarized.
    """
    n = 7 if blocks == "3" else 10
    argv = ["design", "augmented", "--treatments", *(f"E{i}" for i in range(1, n + 1))]
    argv += ["--checks", "CK1", "CK2", "--blocks", blocks, "--seed", "1", "--lang", lang]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert words in err
    assert "[" not in err


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "built from the cyclic array i x j mod 5 (Patterson & Williams 1976, sec. 3)"),
        ("zh", "由循环阵 i × j mod 5（Patterson & Williams 1976，第 3 节）得到"),
    ],
)
def test_design_alpha_names_its_construction_in_words(lang, words, capsys):
    """user45: "(rows i, columns = replicates, mod 6, search, efficiency search)" was cryptic.

    25 entries in blocks of 5, 3 replicates: s = 5 prime, k = 5 = s, r = 3 <= s, the
    square lattice i j mod s (Patterson & Williams 1976, sec. 3), at its upper bound
    (v - 1)(r - 1) / [(v - 1)(r - 1) + r (s - 1)] = 48 / (48 + 12) = 0.8.
    """
    argv = ["design", "alpha", "--treatments", *(f"G{i:02d}" for i in range(1, 26))]
    assert main([*argv, "--block-size", "5", "--replicates", "3", "--seed", "1"] +
                ["--lang", lang]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert words in err
    assert "0.8000" in err
    assert "rows i" not in err


@pytest.mark.parametrize(("blocks", "warned"), [("10", True), ("11", False)])
def test_design_augmented_warns_below_ten_residual_df(blocks, warned, capsys):
    """user45: "residual df 2" printed without a word on what it means.

    Residual df (b - 1)(c - 1) (Federer 1961) with 2 checks: 9 in 10 blocks, warned;
    10 in 11 blocks, not (the report's threshold, MIN_ERROR_DF = 10, Mead's resource
    equation; t(0.975) is 2.26 at 9 df, 1.96 with a known variance).
    """
    argv = ["design", "augmented", "--checks", "CK1", "CK2", "--blocks", blocks, "--seed", "1"]
    assert main([*argv, "--treatments", *(f"E{i}" for i in range(1, 23))]) == 0
    err = capsys.readouterr().err
    assert ("warning: only 9 residual df (fewer than 10)" in err) is warned
    assert "warning" in err if warned else "warning" not in err


@pytest.mark.parametrize("where", ["after", "before"])
def test_plan_text_in_chinese(where, capsys):
    """``plan --lang zh`` (stop 39: plan had no --lang): the same figures, Chinese words.

    49 replicates, 147 plots, 96 error df and 5.0 / 5.1 % are the English run's own
    (test_plan_prints_replicates_needed above: Dunnett, CV 8 %, 5 %, 3 treatments, RCBD).
    """
    argv = ["plan", "--cv", "8", "--difference", "5", "--treatments", "3"]
    argv = ["--lang", "zh", *argv] if where == "before" else [*argv, "--lang", "zh"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.splitlines() == [
        "所需重复数：49",
        "  检出 5% 的产量差异，变异系数 8%，检验功效 80%，Dunnett 检验（与对照比较）（双侧，"
        "α = 0.05），随机区组设计，3 个处理：共 147 个小区。",
        "49 次重复时的误差自由度：(t - 1)(r - 1) = (3 - 1)(49 - 1) = 96。",
        "49 次重复时可检出的差异：对照均值的 5.0%。",
        "48 次重复时为 5.1%。",
        "变异系数是根据该地以往试验估计的；变异系数越高，所需重复越多（大致与变异系数的平方成正比）。",
    ]


def test_plan_text_stays_english_by_default(capsys):
    assert main(["plan", "--cv", "8", "--replicates", "4", "--treatments", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Detectable difference with 4 replicates: 21.6 %"


def test_plan_detectable_difference_text_in_chinese(capsys):
    """21.6 % at 4 replicates and 28.5 % at 3 are the English run's figures."""
    argv = ["plan", "--cv", "8", "--replicates", "4", "--treatments", "3", "--lang", "zh"]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "4 次重复可检出的差异：21.6%"
    assert out[2] == (
        "4 次重复时的误差自由度：(t - 1)(r - 1) = (3 - 1)(4 - 1) = 6"
        "（低于 10：误差自由度少，检验力弱）。"
    )
    assert out[3] == "3 次重复时为 28.5%。"


def test_design_help_says_lang_also_sets_the_printed_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--lang zh`` prints 田间记录簿：... and 对照：...; the help said only the map's labels."""
    assert main(["design", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "language of the lines printed (field book, control, seed), the messages" in help_text


@pytest.mark.parametrize(
    ("layout", "flag"), [("rcbd", "--blocks"), ("crd", "--replicates"), ("split_plot", "--blocks")]
)
def test_design_with_one_replicate_warns_and_writes_the_book(tmp_path, capsys, layout, flag):
    """Stop 40: `design rcbd --blocks 1` exited 0 silently; one plot each has 0 error df."""
    path = tmp_path / "book.csv"
    extra = ["--sub-treatments", "N0", "N1"] if layout == "split_plot" else []
    argv = ["design", layout, "--treatments", "A", "B", flag, "1", *extra, "-o", str(path)]
    assert main([*argv, "--seed", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"yieldtrial: warning: design {layout} with {flag} 1: each treatment gets one plot, so "
        "the trial has no error degrees of freedom and no test of treatment differences will "
        f"be possible (the report can only describe the yields); give {flag} 2 or more (3 or 4 "
        "is usual) for a replicated trial"
    )
    book = pd.read_csv(path)  # still written: 2 treatments (x 2 sub-plot levels) once each
    assert len(book) == (4 if layout == "split_plot" else 2)


def test_design_with_two_replicates_does_not_warn(capsys):
    assert main(["design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "--seed", "1"]) == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Detectable difference with 1,000,000 replicates: 0.032 %"),
        ("zh", "1,000,000 次重复可检出的差异：0.032%"),
    ],
)
def test_plan_prints_a_tiny_detectable_difference_with_two_significant_digits(capsys, lang, line):
    """Stop 40: a million replicates printed "0.0 %".

    With 2 million error df the t test is the z test: (z_0.975 + z_0.80) * CV * sqrt(2 / r)
    = (1.95996 + 0.84162) * 8 * sqrt(2e-6) = 0.0317 % (scipy's normal quantiles below).
    """
    from scipy.stats import norm

    expected = (norm.ppf(0.975) + norm.ppf(0.8)) * 8 * np.sqrt(2 / 1e6)
    assert f"{expected:.3f}" == "0.032"
    argv = ["plan", "--cv", "8", "--treatments", "3", "--replicates", "1000000"]
    assert main([*argv, "--comparison", "t", "--lang", lang]) == 0
    assert capsys.readouterr().out.splitlines()[0] == line


@pytest.mark.parametrize("option", ["--blocks", "--alpha"])
def test_design_and_plan_show_a_huge_integer_shortened(option, capsys):
    """``--blocks 1000...0`` (401 digits) printed its 534 characters cut in the middle.

    plan's options refuse a number float() cannot hold as out of range while parsing
    (usage, exit 2; they said "--alpha must be a finite number"); design's whole numbers
    reach the library's range check (exit 1).
    """
    huge = "1" + "0" * 400
    if option == "--blocks":
        argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", huge]
    else:
        argv = ["plan", "--cv", "8", "--difference", "5", "--treatments", "3", "--alpha", huge]
    assert main(argv) == (1 if option == "--blocks" else 2)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert "1.000e+400 (a 401-digit integer)" in lines[0]
    assert len(lines[0]) < 200, lines[0]  # not 534 characters; plan's line names the fix


def test_field_map_leaves_matplotlib_log_level_as_it_was(tmp_path, capsys):
    """``design --map`` quiets matplotlib's notes while it runs, then puts the level back."""
    import logging

    logger = logging.getLogger("matplotlib")
    saved = logger.level
    logger.setLevel(logging.INFO)
    try:
        figure = tmp_path / "map.png"
        argv = ["design", "latin", "--treatments", "A", "B", "C", "--seed", "2"]
        assert main([*argv, "--map", str(figure), "-o", str(tmp_path / "b.csv")]) == 0
        assert logger.level == logging.INFO
    finally:
        logger.setLevel(saved)
    capsys.readouterr()


@pytest.mark.parametrize(
    ("layout", "name"),
    [("crd", "完全随机设计"), ("latin_square", "拉丁方设计"), ("augmented", "增广设计")],
)
def test_design_lang_zh_names_the_layout_in_chinese(tmp_path, capsys, layout, name):
    """Stop 44 (a user's pass): the zh field-book line showed the CLI key (``augmented``)."""
    path = tmp_path / "book.csv"
    if layout == "augmented":
        extra = [*_AUGMENTED[2:], "--blocks", "2"]
    else:
        extra = ["--treatments", "A", "B", "C", "--replicates", "2"]
        extra = extra[:4] if layout == "latin_square" else extra
    argv = ["design", layout, *extra, "--seed", "1", "--lang", "zh", "-o", str(path)]
    assert main(argv) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith(f"田间记录簿：{path}（") and f"个小区，{name}，随机种子 1）" in first


def test_design_refuses_a_new_field_book_another_run_wrote_meanwhile(tmp_path, monkeypatch, capsys):
    """Two `design -o fb.csv` started together: the second exits 1 (was 0, a book lost)."""
    import contextvars

    from yieldtrial.design import layouts
    from yieldtrial.io.output import write_output

    book = tmp_path / "fb.csv"
    real_layout = layouts.layout

    other = real_layout("rcbd", ["CK", "T"], blocks=2, seed=99).to_csv(index=False)

    def other_run_first(*args, **kwargs):
        # the other run (its own process: no output group of this one) writes its book
        # after this run's early check of the name and before this run's write
        contextvars.Context().run(write_output, book, other)
        return real_layout(*args, **kwargs)

    monkeypatch.setattr(layouts, "layout", other_run_first)
    argv = ["design", "rcbd", "--treatments", "CK", "T", "--blocks", "2", "-o", str(book)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{str(book)!r} was created by another run while this one was writing it" in err
    assert "add --force" in err
    assert book.read_text(encoding="utf-8") == other


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-20", "--plot-area must be a positive area in m2; got -20."),
        ("0.001", "--plot-area = 0.001 m2 is not a field plot's net area (from 0.01 m2"),
    ],
)
def test_plot_area_error_names_the_flag(typed, message, tmp_path, capsys):
    """``--plot-area -20`` was refused as ``plot_area_m2`` (the Python argument; stop 49)."""
    out = tmp_path / "fieldbook.csv"
    code = main(["design", "rcbd", "--treatments", "A", "B", "--blocks", "2",
                 "--plot-area", typed, "-o", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and message in err and "plot_area_m2" not in err
    assert err.count("\n") == 1 and not out.exists()
