"""A mistyped option is named with the option meant, as a mistyped command is (stop 45)."""

from __future__ import annotations

from hostile import run_cli


def test_mistyped_option_names_the_option_meant(capsys):
    code, lines = run_cli(["standardize", "442", "--moisture", "5", "--standrd", "13"], capsys)
    assert (code, lines) == (
        2,
        [
            "yieldtrial standardize: error: unrecognized arguments: --standrd 13; did you mean "
            "--standard? (see 'yieldtrial standardize --help')"
        ],
    )


def test_mistyped_option_with_equals_sign_names_the_option_meant(capsys):
    code, lines = run_cli(["report", "plots.csv", "-o", "r.html", "--contrl=CK1"], capsys)
    assert code == 2
    assert lines[0].endswith(
        "--contrl=CK1; did you mean --control? (see 'yieldtrial report --help')"
    )


def test_option_close_to_none_is_named_alone(capsys):
    code, lines = run_cli(["report", "plots.csv", "-o", "r.html", "--zzz"], capsys)
    assert (code, lines) == (
        2,
        [
            "yieldtrial report: error: unrecognized arguments: --zzz "
            "(see 'yieldtrial report --help')"
        ],
    )


def test_mistyped_option_is_chinese_under_lang_zh(capsys):
    argv = ["standardize", "442", "--moisture", "5", "--standrd", "13", "--lang", "zh"]
    code, lines = run_cli(argv, capsys)
    assert (code, lines) == (
        2,
        [
            "yieldtrial standardize: 错误：无法识别的参数：--standrd 13；是否想写 --standard？"
            "（参见 'yieldtrial standardize --help'）"
        ],
    )


def test_near_miss_suggests_only_the_commands_own_flags():
    """With every command's parser built, ``standardize --contrl`` suggests nothing.

    ``--control`` is a flag of ``report``, ``audit`` and ``network``, not of ``standardize``:
    the suggestion comes from the command's own options (``_command_actions``).
    """
    from yieldtrial.cli import COMMANDS, _close_option, _command_actions, build_parser

    parser = build_parser(COMMANDS)
    suggested = {
        command: _close_option(_command_actions(parser, command), ["--contrl"])
        for command in ("standardize", "report")
    }
    assert suggested == {"standardize": "", "report": "--control"}
