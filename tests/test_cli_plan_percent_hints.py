"""``yieldtrial plan`` given a percentage as a fraction, or a probability as a percentage."""

from __future__ import annotations

import pytest

from yieldtrial.cli import main
from yieldtrial.design.layouts import plan_trial
from yieldtrial.errors import DataValidationError, YieldTrialWarning

PLAN = ["plan", "--cv", "8", "--treatments", "3"]


def test_fractional_difference_warns_naming_the_option(capsys):
    """``--difference 0.05`` (5 % as a fraction?) warns as ``--cv 0.08`` does; the plan runs."""
    assert main([*PLAN, "--difference", "0.05"]) == 0
    err = capsys.readouterr().err
    assert err == (
        "yieldtrial: warning: --difference=0.05 is read as 0.05 %; if you meant 5 %, pass "
        "--difference=5 (percent, e.g. 5 for 5 %)\n"
    )


def test_fractional_difference_warns_in_chinese(capsys):
    """The same warning under ``--lang zh`` (the catalogue's percent-as-fraction line)."""
    assert main([*PLAN, "--difference", "0.05", "--lang", "zh"]) == 0
    err = capsys.readouterr().err
    assert "--difference 0.05 按 0.05% 计；若指 5%，请写作 --difference 5" in err
    assert "read as" not in err


def test_plan_trial_warns_at_the_callers_line():
    """The API warns too, attributed to the user's line (not to yieldtrial's own files)."""
    with pytest.warns(YieldTrialWarning, match=r"difference_pct=0.05 is read as 0.05 %") as got:
        plan_trial(cv_pct=8, difference_pct=0.05, n_treatments=3)
    assert got[0].filename == __file__


def test_power_as_percentage_says_probability(capsys):
    """``--power 80`` is refused (exit 1) with the probability to write: 0.8."""
    assert main([*PLAN, "--difference", "5", "--power", "80"]) == 1
    assert capsys.readouterr().err == (
        "yieldtrial: error: --power must be above --alpha (0.05) and at most 0.9999; got 80; "
        "power is a probability: write 0.8 for 80 %\n"
    )


def test_power_as_percentage_in_chinese(capsys):
    """Under ``--lang zh`` the hint is Chinese too (no English left)."""
    assert main([*PLAN, "--difference", "5", "--power", "80", "--lang", "zh"]) == 1
    assert capsys.readouterr().err == (
        "yieldtrial: 错误：--power 应大于 --alpha（0.05）且不超过 0.9999；现为 80；"
        "检验功效为概率，80% 应写作 0.8\n"
    )


def test_power_as_percentage_from_the_api():
    """``plan_trial(power=80)``: the same hint with the parameter's name."""
    with pytest.raises(DataValidationError, match=r"got 80; power is a probability: write 0\.8"):
        plan_trial(cv_pct=8, difference_pct=5, n_treatments=3, power=80)


def test_power_help_says_probability(capsys):
    """``plan --help`` says the power is a probability (0.8, not 80)."""
    assert main(["plan", "--help"]) == 0
    assert "required power, a probability (default 0.8)" in capsys.readouterr().out
