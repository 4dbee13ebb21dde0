"""``standardize MASS``: a refused number names the option typed, not a Python parameter (stop 45).

``standardize 10 --moisture 14 --standard 200`` said "standard_moisture_pct must be in
[0, 100)", and ``--moisture 0.14`` "moisture_pct is a percentage ...": names the user never
typed, and no Chinese line under ``--lang zh``.  They now read as a plot table's flags do.
"""

from __future__ import annotations

import pytest

from hostile import run_cli

MASS = ["standardize", "10"]


@pytest.mark.parametrize(
    ("flags", "line"),
    [
        (
            ["--moisture", "14", "--standard", "200"],
            "yieldtrial: error: the command line: --standard = 200; --standard must be in "
            "[0, 100): expected percent (0-100), e.g. 13.",
        ),
        (
            ["--moisture", "14", "--standard-moisture-pct", "0.13"],
            "yieldtrial: error: the command line: --standard-moisture-pct = 0.13 looks like a "
            "fraction; moisture is percent (0-100): write 13 for 13 %.",
        ),
        (
            ["--moisture", "140", "--standard", "13"],
            "yieldtrial: error: the command line: --moisture = 140; --moisture must be in "
            "[0, 100): expected percent (0-100), e.g. 13.",
        ),
        (
            ["--moisture", "0.14", "--standard", "13"],
            "yieldtrial: error: the command line: --moisture = 0.14 looks like a fraction; "
            "moisture is percent (0-100): write 14 for 14 %.",
        ),
        (
            [
                "--moisture",
                "14",
                "--standard",
                "13",
                "--method",
                "shrink",
                "--shrink-per-point",
                "200",
            ],  # fmt: skip
            "yieldtrial: error: the command line: --shrink-per-point = 200; "
            "--shrink-per-point must be in [0, 100): expected percent per moisture point, "
            "e.g. 1.2.",
        ),
    ],
    ids=["standard-range", "standard-fraction", "moisture-range", "moisture-fraction", "shrink"],
)
def test_refused_number_names_the_option_typed(flags, line, capsys):
    assert run_cli([*MASS, *flags], capsys) == (1, [line])


@pytest.mark.parametrize(
    ("flags", "line"),
    [
        (
            ["--moisture", "14", "--standard", "200"],
            "yieldtrial: 错误：命令行：--standard = 200；--standard 应在 [0, 100) 之内："
            "应为百分数（0-100），如 13。",
        ),
        (
            ["--moisture", "0.14", "--standard", "13"],
            "yieldtrial: 错误：命令行：--moisture = 0.14 像是小数；含水量应为百分数（0-100）："
            "14% 请写作 14。",
        ),
    ],
    ids=["standard-range", "moisture-fraction"],
)
def test_refused_number_is_chinese_under_lang_zh(flags, line, capsys):
    assert run_cli([*MASS, *flags, "--lang", "zh"], capsys) == (1, [line])


def test_standard_from_the_config_file_is_named_as_its_key(tmp_path, capsys):
    """Not given as a flag, the setting is named as trial.toml writes it, with the file."""
    config = tmp_path / "trial.toml"
    config.write_text('[trial]\ncrop = "wheat"\n[analysis]\nstandard_moisture_pct = 200\n')
    code, lines = run_cli([*MASS, "--moisture", "14", "--config", str(config)], capsys)
    assert code == 1
    assert lines == [
        f"yieldtrial: error: {str(config)!r}: standard_moisture_pct = 200; "
        "standard_moisture_pct must be in [0, 100): expected percent (0-100), e.g. 13."
    ]


def test_implausible_standard_warning_names_the_flag_typed(capsys):
    """--standard-moisture-pct 95: the warning names that flag, not standard_moisture_pct."""
    argv = ["standardize", "442", "--moisture", "5", "--standard-moisture-pct", "95"]
    code, err = run_cli(argv, capsys)
    assert code == 0
    assert "warning: --standard-moisture-pct = 95 % is above any moisture standard" in err[0]
    assert not any("standard_moisture_pct" in line for line in err)
