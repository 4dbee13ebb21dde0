"""``--lang zh``: argparse's usage errors (exit 2) in Chinese (stop 38).

argparse reports an unknown option, a missing or invalid value before ``--lang`` is
parsed; ``main`` reads ``--lang`` from the arguments first, so the one line is Chinese
under ``--lang zh`` and unchanged English otherwise.  Each entry of
``_zh_messages.USAGE_TEMPLATES`` is triggered for real: its regular expression must match
the English line argparse prints (so a new Python wording is noticed), and its Chinese
line must hold no English word but the options, values and file names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile import plot_table, run_cli
from yieldtrial.commands._zh_messages import USAGE_TEMPLATES, requested_language

#: What may stay in a Chinese usage line: the program, options, values, names, help.
_KEPT = re.compile(
    r"(?:yieldtrial )?\b(?:report|design|demo|network|standardize|plan|audit)\b|"
    r"--?[a-z][a-z-]*(?:/--?[a-z-]+)?|PLOTS|"
    r"'[^']*'|ASCII|CSV|JSON|Excel|Python|trial\.toml|\b[\w.-]+\.(?:csv|xlsx|html)\b|\.xlsx\b|nan|inf|"
    r"CK T1|\b(?:html|markdown|docx|xlsx|json|csv|table)\b|"  # a label, formats
    r"\.(?:htm|md|markdown)\b|"  # the suffixes of the network formats
    # standardize: its name, its metavars, the trial.toml keys and method names as typed
    r"\b(?:MASS_OR_FILE|MASS|FILE|NAME|PCT|HEADER=NAME|REPORTED)\b|\b\w+_\w+\b|"
    r"\b(?:crop|shrink|wheat|split_plot|tukey|greater)\b|I0 I1|N0 N1 N2|a=\w+|Unicode|"
    r"[\w.-]+\.txt\b|\[trial\]|\bmoisture_method = |\$\(cat |(?i:utf-8)|PYTHONUTF8|"
    r"LC_ALL=C\.UTF-8|trial\.means\(letters="
)


def _report(tmp: Path, *extra: str) -> list[str]:
    return ["report", str(plot_table(tmp)), "--crop", "wheat", "-o", str(tmp / "r.html"), *extra]


def _design(*extra: str) -> list[str]:
    return ["design", "rcbd", "--treatments", "CK", "T", "--blocks", "2", *extra]


_PLAN = ["plan", "--cv", "8", "--treatments", "3"]


def _mass(*extra: str) -> list[str]:
    return ["standardize", "442", "--moisture", "15", "--standard", "13", *extra]


def _table(tmp: Path, name: str = "plots.csv") -> list[str]:
    if name.endswith(".xlsx"):
        from hostile import plot_workbook

        plot_workbook(tmp / name)
        return ["standardize", str(tmp / name), "--crop", "wheat"]
    return ["standardize", str(plot_table(tmp, name)), "--crop", "wheat"]


CASES: dict[str, Callable[[Path], list[str]]] = {
    "usage-unrecognized": lambda tmp: _report(tmp, "--bogus", "x"),
    "usage-required": lambda tmp: ["report"],
    "usage-flag-value": lambda tmp: _design("--serpentine=x"),
    "usage-one-of-required": lambda tmp: _PLAN,
    "usage-invalid-choice": lambda tmp: _report(tmp, "--letters", "tukye"),
    "usage-letters-python-only": lambda tmp: _report(tmp, "--letters", "holm"),
    "usage-expected-one": lambda tmp: _report(tmp, "--alpha"),
    "usage-expected-at-least-one": lambda tmp: ["design", "rcbd", "--blocks", "2", "--treatments"],
    "usage-invalid-number": lambda tmp: _report(tmp, "--alpha", "abc"),
    "usage-not-plain-number": lambda tmp: _report(tmp, "--alpha", "٠.٠٥"),
    "usage-not-finite": lambda tmp: _report(tmp, "--alpha", "nan"),
    "usage-out-of-range": lambda tmp: _report(tmp, "--alpha", "1" + "0" * 400),
    "usage-ambiguous": lambda tmp: _report(tmp, "--l", "x"),
    "usage-dash-output": lambda tmp: ["report", str(plot_table(tmp)), "-o", "-"],
    "usage-force-abbreviated": lambda tmp: _design("-o", str(tmp / "fb.csv"), "--forc"),
    "usage-empty-input": lambda tmp: ["report", "", "-o", str(tmp / "r.html")],
    "usage-undecodable-argument": lambda tmp: _design("--control", "\udce5\udcaf"),
    "usage-option-as-file-name": lambda tmp: _design("--output=--force"),
    "usage-dash-input": lambda tmp: ["report", "-", "-o", str(tmp / "r.html")],
    "usage-text-output-name": lambda tmp: _design("-o", str(tmp / "book.xlsx")),
    "usage-format-contradicts-output": lambda tmp: [
        *_table(tmp),
        "--format",
        "json",
        "-o",
        str(tmp / "s.csv"),
    ],
    "usage-config-twice": lambda tmp: _report(tmp, "--config", "a.toml", "--config", "b.toml"),
    "usage-config-empty": lambda tmp: _report(tmp, "--config", ""),
    "usage-sheet-csv": lambda tmp: _report(tmp, "--sheet", "产量"),
    "usage-format-suffix": lambda tmp: [
        *_report(tmp, "--format", "html")[:-2],
        "-o",
        str(tmp / "报告.md"),
        "--format",
        "html",
    ],
    "usage-blank-labels": lambda tmp: _design("--control", " "),
    "usage-blank-label-among": lambda tmp: _design("--checks", "CK,,T"),
    "usage-labels-from-a-file": lambda tmp: _design("--control", "@checks.txt"),
    "usage-column-twice": lambda tmp: _report(tmp, "--column", "a=plot_id", "--column", "a=block"),
    "usage-design-needs": lambda tmp: [
        "design",
        "split_plot",
        "--treatments",
        "甲,乙",
        "--blocks",
        "2",
    ],
    "usage-not-allowed-with": lambda tmp: [*_PLAN, "--difference", "5", "--replicates", "3"],
    "usage-tukey-two-sided": lambda tmp: [
        *_PLAN,
        "--difference",
        "5",
        "--comparison",
        "tukey",
        "--alternative",
        "greater",
    ],  # fmt: skip
    "usage-audit-needs": lambda tmp: ["audit", "442", "477"],
    "usage-audit-standard": lambda tmp: ["audit", "442", "477", "--moisture", "5"],
    "usage-audit-table-alone": lambda tmp: ["audit", str(plot_table(tmp)), "477"],
    "usage-audit-mass-decimal-comma": lambda tmp: ["audit", "442,5", "477", "--moisture", "5"],
    "usage-audit-mass-no-number": lambda tmp: ["audit", "442 kg", "477", "--moisture", "5"],
    # standardize's own checks (stop 39), and the option checks it shares with report
    "usage-option-one-of": lambda tmp: _mass("--method", "dry"),
    "usage-decimals-range": lambda tmp: _mass("--decimals", "20"),
    "usage-mass-or-example": lambda tmp: ["standardize", "442", "--example", "jinzhong-2024"],
    "usage-mass-needed": lambda tmp: ["standardize", "--crop", "wheat"],
    "usage-mass-not-plain": lambda tmp: ["standardize", "٤٤٢", "--moisture", "5"],
    "usage-mass-not-number": lambda tmp: ["standardize", "4,42", "--moisture", "5"],
    "usage-mass-not-finite": lambda tmp: _mass()[:1] + ["inf", *_mass()[2:]],
    "usage-moisture-table": lambda tmp: [*_table(tmp), "--moisture", "5"],
    "usage-mass-needs-moisture": lambda tmp: ["standardize", "442", "--standard", "13"],
    "usage-unit-table": lambda tmp: _mass("--unit", "kg/mu"),
    "usage-mass-xlsx": lambda tmp: _mass("-o", str(tmp / "产量.xlsx")),
    "usage-table-only-flags": lambda tmp: _mass("--format", "json", "--sheet", "产量"),
    "usage-mass-standard": lambda tmp: ["standardize", "442", "--moisture", "5"],
    "usage-shrink-needs-point": lambda tmp: _mass("--method", "shrink"),
    "usage-table-needs-crop": lambda tmp: ["standardize", str(plot_table(tmp))],
    "usage-shrink-flag-method": lambda tmp: _mass("--shrink-pct-per-point", "1.2"),
    "usage-column-form": lambda tmp: [*_table(tmp), "--column", "鲜重"],
    "usage-encoding-unicode": lambda tmp: [*_table(tmp, "plots.xlsx"), "--encoding", "gbk"],
    "usage-network-format": lambda tmp: [
        "network",
        str(plot_table(tmp)),
        "--crop",
        "wheat",
        "--control",
        "CK",
        "-o",
        str(tmp / "汇总.foo"),
    ],  # fmt: skip
}
#: Lines that end without argparse's "(see '... --help')" (the checks main runs itself).
NO_HELP = (
    "usage-not-finite",
    "usage-format-contradicts-output",
    "usage-dash-output",
    "usage-dash-input",
    "usage-force-abbreviated",
    "usage-empty-input",
    "usage-undecodable-argument",
    "usage-option-as-file-name",
    "usage-text-output-name",
    "usage-sheet-csv",
    "usage-format-suffix",
    "usage-blank-labels",
    "usage-blank-label-among",
    "usage-labels-from-a-file",
    "usage-column-twice",
    "usage-design-needs",
    "usage-tukey-two-sided",
    "usage-audit-needs",
    "usage-audit-standard",
    "usage-audit-table-alone",
    "usage-audit-mass-decimal-comma",
    "usage-audit-mass-no-number",
    *(
        name
        for name in CASES
        if list(CASES).index(name) >= list(CASES).index("usage-option-one-of")
    ),
)


def test_every_usage_entry_has_a_case():
    """Each usage template is triggered below, so none is left untested."""
    assert sorted(CASES) == sorted(t.name for t in USAGE_TEMPLATES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_usage_regex_matches_the_real_english_line(name, tmp_path, capsys):
    """The English line argparse prints (default --lang) is matched in full by the entry's regex."""
    code, lines = run_cli(CASES[name](tmp_path), capsys)
    assert code == 2 and len(lines) == 1, lines
    found = re.fullmatch(r"(yieldtrial \w+): error: (.*?)(?: \(see '\1 --help'\))?", lines[0])
    assert found, lines[0]
    template = next(t for t in USAGE_TEMPLATES if t.name == name)
    assert template.regex.fullmatch(found.group(2)), found.group(2)


@pytest.mark.parametrize("name", sorted(CASES))
def test_usage_line_is_chinese_under_lang_zh(name, tmp_path, capsys):
    """One Chinese line on stderr, exit 2, the options and values verbatim."""
    argv = CASES[name](tmp_path)
    code, lines = run_cli([*argv[:1], "--lang", "zh", *argv[1:]], capsys)
    assert code == 2 and len(lines) == 1, lines
    prog = f"yieldtrial {argv[0]}"
    assert lines[0].startswith(f"{prog}: 错误："), lines
    assert lines[0].endswith("" if name in NO_HELP else f"（参见 '{prog} --help'）"), lines
    rest = _KEPT.sub("", lines[0])
    assert not re.search(r"[A-Za-z]{2,}", rest), (rest, lines[0])


def test_lang_en_keeps_argparse_english(tmp_path, capsys):
    """``--lang en`` (and no --lang) print argparse's English line unchanged."""
    code, lines = run_cli(["report", "--lang", "en", "--bogus"], capsys)
    assert code == 2
    assert lines == [
        "yieldtrial report: error: the following arguments are required: PLOTS, -o/--output "
        "(see 'yieldtrial report --help')"
    ]


def test_usage_line_of_zh_run_does_not_leak_into_the_next(tmp_path, capsys):
    """After a zh usage error, the next in-process run's usage error is English again."""
    run_cli(["report", "--lang", "zh"], capsys)
    _, lines = run_cli(["report"], capsys)
    assert lines[0].startswith("yieldtrial report: error: the following arguments"), lines


def test_uncatalogued_usage_message_stays_english():
    """A usage message no entry holds (a new argparse wording) gives no Chinese line."""
    from yieldtrial.commands._zh_messages import set_language, usage_line

    set_language("zh", None)
    try:
        assert usage_line("argument X: something new", "yieldtrial report") is None
    finally:
        set_language(None, None)


@pytest.mark.parametrize(
    ("arguments", "lang"),
    [
        (["report", "--lang", "zh"], "zh"),
        (["report", "--lang=zh"], "zh"),
        (["report", "--lan", "zh"], "zh"),
        (["design", "--l", "zh"], "zh"),
        (["report", "--lang", "zh", "--l", "en"], "zh"),  # --l: --lang or --letters?
        (["report", "--lang", "zh", "--lang", "en"], "en"),
        (["report", "--", "--lang", "zh"], "en"),
        (["report", "--lang"], "en"),
    ],
)
def test_requested_language_reads_lang_as_argparse_would(arguments, lang):
    """The last --lang wins; its unique prefixes and --lang=zh count; nothing after --."""
    assert requested_language(arguments) == lang


@pytest.mark.parametrize("lang", [["--lang", "zh"], ["--lang=zh"], ["--la", "zh"]])
def test_lang_before_the_command_is_the_commands_lang(lang, capsys):
    """Stop 38 attacked: `yieldtrial --lang zh design ...` said "invalid COMMAND 'zh'"."""
    code, lines = run_cli(
        [*lang, "design", "rcbd", "--treatments", "A", "B", "--blocks", "x"], capsys
    )
    assert code == 2
    assert lines == [
        "yieldtrial design: 错误：参数 --blocks：'x' 不是有效的整数"
        "（参见 'yieldtrial design --help'）"
    ]


def test_lang_shortest_prefix_gives_chinese_usage_line(capsys):
    """Stop 38 attacked: argparse read `--l zh` as --lang zh, the usage line stayed English."""
    argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", "x", "--l", "zh"]
    code, lines = run_cli(argv, capsys)
    assert code == 2
    assert lines[0].startswith("yieldtrial design: 错误：参数 --blocks"), lines
