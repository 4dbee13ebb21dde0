"""Huge numbers on the command line: "out of range", never "invalid int value" or "inf".

float() reads a number of 401 digits, and ``1e400``, as infinity; int() refuses a text of
more than 4,300 digits (Python's int-string limit).  The messages said "got inf" (a word
the user never typed), "invalid int value" (of a whole number) or, for the first argument
of ``audit``, "File name too long".  Every numeric argument of every command now says that
the value is out of range, on one line naming the argument (stop 42).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile import plot_table
from yieldtrial.cli import build_parser, main
from yieldtrial.commands._input import huge_number_problem, shown_number_text

#: The values of the sweep, as typed: 10**400, -10**400, 10**5000 and 1e400.
HUGE = {
    "1e+400": "1" + "0" * 400,
    "-1e+400": "-1" + "0" * 400,
    "1e+5000": "1" + "0" * 5000,
    "1e400": "1e400",
}

_TREATMENTS = ["--treatments", "A", "B", "C", "D", "E", "F"]


def _design(layout: str, *extra: str) -> Callable[[Path], list[str]]:
    return lambda tmp: ["design", layout, *_TREATMENTS, *extra, "-o", str(tmp / "book.csv")]


def _table(command: str, *extra: str) -> Callable[[Path], list[str]]:
    return lambda tmp: [command, str(plot_table(tmp)), "--crop", "wheat", *extra,
                        "-o", str(tmp / "out.html")]  # fmt: skip


_MASS = ["--moisture", "15", "--standard", "13"]
_PLAN = ["--cv", "8", "--difference", "5", "--treatments", "3"]

#: Every numeric argument: (command, option) -> the rest of a command line it is checked in
#: (a whole number of 401 digits reaches the library, so the layout must use the option).
ARGUMENTS: dict[tuple[str, str], Callable[[Path], list[str]]] = {
    ("standardize", "--moisture"): lambda tmp: ["standardize", "442", "--standard", "13"],
    ("standardize", "--standard"): lambda tmp: ["standardize", "442", "--moisture", "15"],
    ("standardize", "--shrink-per-point"): lambda tmp: ["standardize", "442", *_MASS],
    ("standardize", "--decimals"): lambda tmp: ["standardize", "442", *_MASS],
    ("audit", "--moisture"): lambda tmp: ["audit", "442", "477.36", "--standard", "13"],
    ("audit", "--standard"): lambda tmp: ["audit", "442", "477.36", "--moisture", "5"],
    ("audit", "--shrink-per-point"): lambda tmp: ["audit", "442", "477.36", *_MASS],
    ("report", "--standard"): _table("report"),
    ("report", "--shrink-per-point"): _table("report"),
    ("report", "--margin"): _table("report", "--control", "CK"),
    ("report", "--alpha"): _table("report"),
    ("network", "--alpha"): _table("network"),
    ("network", "--exclude-cv-above"): _table("network"),
    ("network", "--standard"): _table("network"),
    ("network", "--shrink-per-point"): _table("network"),
    ("network", "--margin-pct"): _table("network"),
    ("plan", "--cv"): lambda tmp: ["plan", "--difference", "5", "--treatments", "3"],
    ("plan", "--difference"): lambda tmp: ["plan", "--cv", "8", "--treatments", "3"],
    ("plan", "--replicates"): lambda tmp: ["plan", "--cv", "8", "--treatments", "3"],
    ("plan", "--treatments"): lambda tmp: ["plan", "--cv", "8", "--difference", "5"],
    ("plan", "--alpha"): lambda tmp: ["plan", *_PLAN],
    ("plan", "--power"): lambda tmp: ["plan", *_PLAN],
    ("design", "--block-size"): _design("alpha", "--replicates", "2"),
    ("design", "--blocks"): _design("rcbd"),
    ("design", "--replicates"): _design("crd"),
    ("design", "--columns"): _design("crd", "--replicates", "2"),
    ("design", "--seed"): _design("rcbd", "--blocks", "2"),
    ("design", "--plot-area"): _design("rcbd", "--blocks", "2"),
}

#: The positional numbers: (command, name) -> a command line with ``{}`` for the value.
POSITIONALS: dict[tuple[str, str], list[str]] = {
    ("standardize", "MASS_OR_FILE"): ["standardize", "{}", *_MASS],
    ("audit", "MASS_OR_FILE"): ["audit", "{}", "477.36", *_MASS],
    ("audit", "REPORTED"): ["audit", "442", "{}", *_MASS],
}

#: How a line says a value is out of range: ours, and the library's range checks.
_RANGE = re.compile(
    r"out of range|超出范围|more than any field trial has|at most|must be an integer >= \d|"
    r"non-negative|from -?\d+ to [\d,]+|应为 \d+ 到 \d+ 之间|最多|非负|不小于|"
    r"must be (?:a|an) (?:whole number|integer) (?:from|>=|in)"
)


def _numeric_options() -> set[tuple[str, str]]:
    """Every option of every command whose argparse type reads a number."""
    import argparse

    found = set()
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, parser in action.choices.items():
                for option in parser._actions:
                    if option.type is not None and option.option_strings:
                        found.add((command, option.option_strings[-1]))
    return found


def test_the_sweep_names_every_numeric_option() -> None:
    """A numeric option added to a command must be added to ARGUMENTS too."""
    listed = set()
    for command, option in ARGUMENTS:
        for action in _actions_of(command):
            if option in action.option_strings:
                listed.add((command, action.option_strings[-1]))
    assert listed == _numeric_options()


def _actions_of(command: str) -> list[object]:
    import argparse

    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices[command]._actions)
    return []  # pragma: no cover


def _one_line(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0], captured.out


def _check_line(line: str, names: tuple[str, ...], lang: str) -> None:
    assert "Traceback" not in line and "internal error" not in line
    assert not re.search(r"\binf\b", line), line  # the user typed no inf
    assert "invalid int value" not in line and "File name too long" not in line
    assert len(line) < 300, line  # the number is shortened, not 401 digits
    assert any(name in line for name in names), line
    assert _RANGE.search(line), line
    if lang == "zh":
        assert "错误" in line, line


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("value", list(HUGE), ids=list(HUGE))
@pytest.mark.parametrize("argument", list(ARGUMENTS), ids=[" ".join(k) for k in ARGUMENTS])
def test_huge_option_is_out_of_range(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argument: tuple[str, str],
    value: str,
    lang: str,
) -> None:
    command, option = argument
    argv = [*ARGUMENTS[argument](tmp_path), f"{option}={HUGE[value]}", "--lang", lang]
    code = main(argv)
    line, out = _one_line(capsys)
    assert code in (1, 2), line
    assert out == ""
    name = option.lstrip("-")
    _check_line(line, (option, name, name.replace("-", "_")), lang)
    assert not (tmp_path / "book.csv").exists() and not (tmp_path / "out.html").exists()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("value", list(HUGE), ids=list(HUGE))
@pytest.mark.parametrize("argument", list(POSITIONALS), ids=[" ".join(k) for k in POSITIONALS])
def test_huge_positional_number_is_out_of_range(
    capsys: pytest.CaptureFixture[str], argument: tuple[str, str], value: str, lang: str
) -> None:
    argv = [HUGE[value] if item == "{}" else item for item in POSITIONALS[argument]]
    code = main([*argv, "--lang", lang])
    line, out = _one_line(capsys)
    assert code == 2, line
    assert out == ""
    _check_line(line, (argument[1],), lang)


def test_blocks_of_5001_digits_says_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    """Not argparse's "invalid int value" (int() refuses more than 4,300 digits)."""
    assert main(["design", "rcbd", "--treatments", "A", "B", "--blocks", HUGE["1e+5000"]]) == 2
    assert _one_line(capsys)[0] == (
        "yieldtrial design: error: argument --blocks: 1.000e+5000 (a 5,001-digit integer) is "
        "out of range (far above any value yieldtrial takes); give a whole number such as 4 "
        "(see 'yieldtrial design --help')"
    )


def test_blocks_of_5001_digits_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", HUGE["1e+5000"]]
    assert main([*argv, "--lang", "zh"]) == 2
    assert _one_line(capsys)[0] == (
        "yieldtrial design: 错误：参数 --blocks：1.000e+5000（5,001 位整数）超出范围（远大于任何"
        "可接受的数值）；请给出整数，如 4（参见 'yieldtrial design --help'）"
    )


def test_seed_above_128_bits_is_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    """2**128 (39 digits) is one above the largest seed; NumPy took 10**400 and it was printed."""
    argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "--seed", str(2**128)]
    assert main(argv) == 2
    assert _one_line(capsys)[0] == (
        "yieldtrial design: error: argument --seed: 3.402e+38 (a 39-digit integer) is out of "
        "range (a seed is at most 2**128 - 1); give a whole number such as 4 (see 'yieldtrial "
        "design --help')"
    )


def test_largest_seed_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "--seed", str(2**128 - 1)]
    assert main(argv) == 0
    assert "plot_id" in capsys.readouterr().out


def test_moisture_of_401_digits_is_not_inf(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "442", "477.36", "--standard", "13", "--moisture", HUGE["1e+400"]]) == 2
    assert _one_line(capsys)[0] == (
        "yieldtrial audit: error: argument --moisture: 1.000e+400 (a 401-digit integer) is out "
        "of range (far above any value yieldtrial takes); give a number such as 13 or 0.05 "
        "(see 'yieldtrial audit --help')"
    )


def test_plan_treatments_1e400_is_not_inf(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--cv", "8", "--difference", "5", "--treatments", "1e400"]) == 2
    assert _one_line(capsys)[0] == (
        "yieldtrial plan: error: argument --treatments: '1e400' is out of range (far above any "
        "value yieldtrial takes); give a number such as 13 or 0.05 (see 'yieldtrial plan --help')"
    )


def test_plan_treatments_1e400_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--cv", "8", "--difference", "5", "--treatments", "1e400", "--lang", "zh"]
    assert main(argv) == 2
    assert _one_line(capsys)[0] == (
        "yieldtrial plan: 错误：参数 --treatments：'1e400' 超出范围（远大于任何可接受的数值）；请"
        "给出数值，如 13 或 0.05（参见 'yieldtrial plan --help'）"
    )


def test_literal_inf_keeps_the_finite_number_message(capsys: pytest.CaptureFixture[str]) -> None:
    """``inf`` typed as such is not out of range: it is no finite number (unchanged)."""
    assert main(["audit", "442", "477.36", "--standard", "13", "--moisture", "inf"]) == 2
    assert "expected a finite number, got inf" in _one_line(capsys)[0]


def test_audit_mass_of_401_digits_is_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    """A 401-digit first argument is the number, not "File name too long".

    A first argument float() reads is a number unless a file has that name (audit's rule);
    no file can have a 401-character name.
    """
    assert main(["audit", HUGE["1e+400"], "5"]) == 2
    assert _one_line(capsys)[0] == (
        "yieldtrial audit: error: argument MASS_OR_FILE: 1.000e+400 (a 401-digit integer) is "
        "out of range (far above any value yieldtrial takes); give a mass such as 442"
    )


def test_audit_mass_of_401_digits_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", HUGE["1e+400"], "5", "--lang", "zh"]) == 2
    assert _one_line(capsys)[0] == (
        "yieldtrial audit: 错误：参数 MASS_OR_FILE：1.000e+400（401 位整数）超出范围（远大于任何"
        "可接受的数值）；请给出质量，如 442"
    )


def test_audit_mass_that_names_a_file_is_still_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file named ``1e400`` is read as the plot table, as before (a file wins)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "1e400").write_text("not a table\n", encoding="utf-8")
    code = main(["audit", "1e400", "--crop", "wheat"])
    line = capsys.readouterr().err
    assert code == 1 and "out of range" not in line and "1e400" in line


def test_decimals_of_401_digits_is_shortened(capsys: pytest.CaptureFixture[str]) -> None:
    """The --decimals range message printed all 401 digits."""
    assert main(["standardize", "442", *_MASS, "--decimals", HUGE["1e+400"]]) == 2
    assert _one_line(capsys)[0] == (
        "yieldtrial standardize: error: --decimals must be a whole number from 0 to 15; got "
        "1.000e+400 (a 401-digit integer) (a float holds about 15 significant digits)"
    )


def test_shown_number_text_of_a_negative_long_integer() -> None:
    """Sign, then the first four digits and the count, as ``shown_count(-(10**400))``."""
    from yieldtrial.io.checks import shown_count

    assert shown_number_text("-" + "0" * 3 + "1" + "0" * 400) == shown_count(-(10**400))


def test_huge_number_problem_leaves_ordinary_numbers() -> None:
    texts = ("13", "0.05", "-2", "1e308", "9" * 308, "inf", "nan", "abc", "")
    assert [huge_number_problem(t, whole=False) for t in texts] == [""] * len(texts)
    assert huge_number_problem("9" * 4300, whole=True) == ""  # int() reads it: the library's


def test_design_range_error_with_a_huge_integer_is_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The library's "blocks = 1.000e+400 (a 401-digit integer) is more than ..." stayed English."""
    argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", HUGE["1e+400"], "--lang", "zh"]
    assert main(argv) == 1
    assert _one_line(capsys)[0] == (
        "yieldtrial: 错误：blocks = 1.000e+400（401 位整数）超过了任何田间试验的规模"
        "（最多 100,000）。"
    )


def test_negative_seed_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "--seed", "-1"]
    assert main([*argv, "--lang", "zh"]) == 1
    assert _one_line(capsys)[0] == "yieldtrial: 错误：随机种子（seed）应为非负整数；现为 -1。"
