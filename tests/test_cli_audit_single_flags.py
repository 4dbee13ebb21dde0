"""``yieldtrial audit MASS REPORTED``: a refused or doubtful number names the option typed.

``standardize MASS`` got these words at stop 45; ``audit`` named the Python parameters
(``moisture_pct is a percentage (0-100) but got 0.05 ... (0.13 -> 13)``), in English under
``--lang zh``, and its implausible-standard warning named the trial.toml key.
"""

from __future__ import annotations

import pytest

from yieldtrial.cli import main

AUDIT = ["audit", "442", "477.36"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--moisture", "0.05", "--standard", "13"],
         "the command line: --moisture = 0.05 looks like a fraction; moisture is percent "
         "(0-100): write 5 for 5 %."),
        (["--moisture", "140", "--standard", "13"],
         "the command line: --moisture = 140; --moisture must be in [0, 100): expected "
         "percent (0-100), e.g. 13."),
        (["--moisture", "5", "--standard", "200"],
         "the command line: --standard = 200; --standard must be in [0, 100): expected "
         "percent (0-100), e.g. 13."),
        (["--moisture", "5", "--crop", "wheat", "--shrink-per-point", "200"],
         "the command line: --shrink-per-point = 200; --shrink-per-point must be in "
         "[0, 100): expected percent per moisture point, e.g. 1.2."),
    ],
)  # fmt: skip
def test_refused_number_names_the_option(options, message, capsys):
    """Exit 1, one line naming the option as typed (as ``standardize MASS`` does)."""
    assert main([*AUDIT, *options]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"yieldtrial: error: {message}\n"
    assert captured.out == ""


def test_refused_fraction_is_chinese_under_lang_zh(capsys):
    """``--moisture 0.05 --lang zh``: the Chinese line, no English left."""
    assert main([*AUDIT, "--moisture", "0.05", "--standard", "13", "--lang", "zh"]) == 1
    assert capsys.readouterr().err == (
        "yieldtrial: 错误：命令行：--moisture = 0.05 像是小数；"
        "含水量应为百分数（0-100）：5% 请写作 5。\n"
    )


def test_implausible_standard_warns_once_naming_the_flag(capsys):
    """``--standard 95`` warns once with the flag's name; the audit table is printed."""
    assert main([*AUDIT, "--moisture", "5", "--standard", "95"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("warning") == 1
    assert captured.err.startswith("yieldtrial: warning: --standard = 95 % is above any")
    assert "dry_matter" in captured.out


def test_standard_from_trial_toml_keeps_its_key(tmp_path, capsys):
    """A standard read from ``--config`` is named as the trial.toml key."""
    config = tmp_path / "trial.toml"
    config.write_text('[trial]\ncrop = "wheat"\n[analysis]\nstandard_moisture_pct = 95\n')
    assert main([*AUDIT, "--moisture", "5", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("yieldtrial: warning: standard_moisture_pct = 95 % is above any")
    assert err.count("warning") == 1
