"""Numeric command-line options read numbers as the cells of a plot table do.

float() reads '1_3' and Arabic-Indic '١٣' as 13; a table cell '1_4.98' is refused, so an
option given that way is a usage error (exit 2) naming option and value.  Full-width digits
(``１３``, ``１２．５``, typed by Chinese input methods) are read as ASCII after Unicode NFKC
in both (stop 38: the options refused them while the cells took them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yieldtrial.cli import main
from yieldtrial.io.checks import plain_number

GOOD = (
    "plot_id,treatment,block,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    "1,CK,1,20,14.0,13\n2,A,1,20,15.0,14\n3,CK,2,20,14.2,13\n4,A,2,20,15.3,13\n"
    "5,CK,3,20,13.9,13.5\n6,A,3,20,15.1,14\n"
)


def _one_error(capsys: pytest.CaptureFixture[str]) -> str:
    (line,) = capsys.readouterr().err.splitlines()
    return line


@pytest.mark.parametrize("given", ["1_3", "١٣"])
def test_report_margin_not_ascii_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    table = tmp_path / "plots.csv"
    table.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "r.md"
    argv = ["report", str(table), "--crop", "wheat", "--control", "CK", "--margin", given]
    assert main([*argv, "-o", str(out)]) == 2
    assert _one_error(capsys) == (
        f"yieldtrial report: error: argument --margin-pct/--margin: {given!r} is not a plain "
        "number; write it with ASCII digits, e.g. 13.5 (see 'yieldtrial report --help')"
    )
    assert not out.exists()


def test_alpha_arabic_indic_digit_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "a.csv", "--alpha", "0.0٥"]) == 2
    assert _one_error(capsys) == (
        "yieldtrial network: error: argument --alpha: '0.0٥' is not a plain number; write it "
        "with ASCII digits, e.g. 13.5 (see 'yieldtrial network --help')"
    )


def test_plan_cv_with_underscore_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--cv", "1_0", "--difference-pct", "5", "--treatments", "4"]) == 2
    assert _one_error(capsys) == (
        "yieldtrial plan: error: argument --cv: '1_0' is not a plain number; write it with "
        "ASCII digits, e.g. 13.5 (see 'yieldtrial plan --help')"
    )


def test_design_blocks_arabic_indic_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["design", "rcbd", "--treatments", "A", "B", "--blocks", "٣"]) == 2
    assert _one_error(capsys) == (
        "yieldtrial design: error: argument --blocks: '٣' is not a plain whole number; write it "
        "with ASCII digits, e.g. 4 (see 'yieldtrial design --help')"
    )


def test_standardize_full_width_mass_is_read_as_ascii(capsys: pytest.CaptureFixture[str]) -> None:
    """MASS '１５', --moisture '１４', --standard '１３．' read as 15, 14, 13: 15 * 86/87."""
    code = main(["standardize", "１５", "--moisture", "１４", "--standard", "１３．"])
    assert code == 0, capsys.readouterr().err
    assert "14.83" in capsys.readouterr().out  # 15 * (100 - 14) / (100 - 13) = 14.8276


def test_report_full_width_margin_is_the_ascii_margin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--margin '５' writes the report --margin 5 writes (the same JSON, bar the paths)."""
    table = tmp_path / "plots.csv"
    table.write_text(GOOD, encoding="utf-8")
    argv = ["report", str(table), "--crop", "wheat", "--control", "CK", "--format", "json"]
    texts = []
    for given, name in (("５", "full.json"), ("5", "ascii.json")):
        assert main([*argv, "--margin", given, "-o", str(tmp_path / name)]) == 0
        texts.append((tmp_path / name).read_text(encoding="utf-8").replace(name, "OUT"))
    capsys.readouterr()
    assert '"margin_pct": 5' in texts[1]
    assert texts[0] == texts[1]


def test_design_full_width_blocks_is_a_whole_number(capsys: pytest.CaptureFixture[str]) -> None:
    """--blocks '３' --seed '７' is --blocks 3 --seed 7: the same field book."""
    books = []
    for blocks, seed in (("３", "７"), ("3", "7")):
        argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", blocks, "--seed", seed]
        assert main(argv) == 0
        books.append(capsys.readouterr().out)
    assert books[0] == books[1]
    assert books[0].count("\n") == 1 + 6  # header and 2 treatments x 3 blocks


def test_audit_underscore_mass_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "1_0", "14", "--moisture", "14", "--crop", "wheat"]) == 2
    assert _one_error(capsys) == (
        "yieldtrial audit: error: MASS '1_0' is not a plain number; write it with ASCII digits, "
        "e.g. 13.5"
    )


def test_standardize_ascii_options_still_work(capsys: pytest.CaptureFixture[str]) -> None:
    """'+1.5e1' (sign, point, exponent) is a plain number: 15 kg at 14 % -> 15 * 86/87."""
    code = main(["standardize", "+1.5e1", "--moisture", " 14 ", "--standard", "13."])
    assert code == 0, capsys.readouterr().err
    assert "14.83" in capsys.readouterr().out  # 15 * (100 - 14) / (100 - 13) = 14.8276


def test_non_number_keeps_argparse_wording(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "a.csv", "--alpha", "abc"]) == 2
    assert "argument --alpha: invalid float value: 'abc'" in _one_error(capsys)


@pytest.mark.parametrize(
    ("text", "number"),
    [("13", 13.0), ("-0.5", -0.5), (".5", 0.5), ("5.", 5.0), ("1.2E3", 1200.0), (" 7 ", 7.0)],
)
def test_plain_number_reads_ascii_numbers(text: str, number: float) -> None:
    assert plain_number(text) == number


@pytest.mark.parametrize("text", ["1_3", "١٣", "１３", "1.2.3", "0x10", "1e", "", "٣.5"])
def test_plain_number_refuses_the_rest(text: str) -> None:
    assert plain_number(text) is None


def test_table_cell_with_full_width_digits_is_read_like_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cell '１４．０' is 14.0, as the option '１４．０' is: the same yields as ASCII."""
    from yieldtrial.io import read_plots

    table = tmp_path / "plots.csv"
    table.write_text(
        GOOD.replace("1,CK,1,20,14.0,13", "1,CK,1,２０,１４．０,１３"), encoding="utf-8"
    )
    ascii_table = tmp_path / "ascii.csv"
    ascii_table.write_text(GOOD, encoding="utf-8")
    columns = ["harvested_area_m2", "fresh_mass_kg", "moisture_pct"]
    read = read_plots(table)[columns].to_numpy()
    assert (read == read_plots(ascii_table)[columns].to_numpy()).all()
    assert read[0].tolist() == [20.0, 14.0, 13.0]


def test_number_text_is_the_one_normalisation_of_both_paths() -> None:
    """Full-width digits, point and signs become ASCII; other scripts' digits stay."""
    from yieldtrial.io.checks import number_text

    assert number_text("－１．５ｅ３") == "-1.5e3"
    assert plain_number(number_text("１２．５")) == 12.5
    assert plain_number(number_text("١٣")) is None


def test_table_cell_with_arabic_indic_digits_is_refused_like_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table rule agrees: '١٣' (float() reads 13) is a non-numeric cell."""
    table = tmp_path / "plots.csv"
    table.write_text(GOOD.replace(",13\n2,", ",١٣\n2,"), encoding="utf-8")
    argv = ["report", str(table), "--crop", "wheat", "--control", "CK", "--no-figures"]
    assert main([*argv, "-o", str(tmp_path / "r.md")]) == 1
    assert "moisture_pct row 2 (plot '1'): '١٣'; expected plain numbers" in _one_error(capsys)


@pytest.mark.parametrize("text", ["²", "₅", "①", "¹⁴", "1²"])
def test_moisture_superscript_or_circled_digit_is_a_usage_error(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stop 38 attacked: NFKC read '²' as 2 (a 2 % moisture, exit 0); only full-width is ASCII."""
    assert main(["standardize", "100", "--moisture", text, "--crop", "wheat"]) == 2
    assert f"argument --moisture: invalid float value: '{text}'" in _one_error(capsys)


def test_table_cell_with_a_superscript_digit_is_refused_like_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A moisture cell '¹³' is a non-numeric cell, not 13 (the NFKC reading)."""
    table = tmp_path / "plots.csv"
    table.write_text(GOOD.replace(",13\n2,", ",¹³\n2,"), encoding="utf-8")
    argv = ["report", str(table), "--crop", "wheat", "--control", "CK", "--no-figures"]
    assert main([*argv, "-o", str(tmp_path / "r.md")]) == 1
    assert "moisture_pct row 2 (plot '1'): '¹³'; expected plain numbers" in _one_error(capsys)


#: Every number option with two spellings (report takes all three).
SPELLINGS = (
    "--margin-pct",
    "--margin",
    "--standard-moisture-pct",
    "--standard",
    "--shrink-pct-per-point",
    "--shrink-per-point",
)


def _report_with(tmp_path: Path, option: str, value: str) -> list[str]:
    """Return the argv of a report of GOOD with ``option value`` (shrink: its method too)."""
    table = tmp_path / "plots.csv"
    table.write_text(GOOD, encoding="utf-8")
    argv = ["report", str(table), "--crop", "wheat", "--control", "CK", option, value]
    if "shrink" in option:  # the shrink flag applies to the shrink method only
        argv += ["--moisture-method", "shrink"]
    return [*argv, "-o", str(tmp_path / "r.md")]


@pytest.mark.parametrize(
    ("value", "code", "start"),
    [
        # ``--margin-pct inf`` said "argument --margin" (the last spelling), stop 43
        ("inf", 2, "yieldtrial report: error: argument {option}: expected a finite number, "
         "got inf;"),
        # ``--margin 200`` said "margin_pct = 200.0; margin_pct must be ..." (the toml key)
        ("200", 1, "yieldtrial: error: the command line: {option} = 200; {option} must be "
         "in [0, 100)"),
    ],
    ids=["non-finite", "out-of-range"],
)  # fmt: skip
@pytest.mark.parametrize("option", SPELLINGS)
def test_bad_option_value_names_the_spelling_typed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    code: int,
    start: str,
) -> None:
    """A non-finite (usage, 2) or out-of-range (data, 1) value names the option as typed."""
    assert main(_report_with(tmp_path, option, value)) == code
    assert _one_error(capsys).startswith(start.format(option=option))
