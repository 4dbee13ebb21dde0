"""A refused --alpha or --design names the flag typed, not the trial.toml key (stop 45).

``report ... --alpha 5`` said "the command line: alpha = 5.0; ..." and ``--design rbcd``
"design = 'rbcd'"; a setting from trial.toml keeps its key.
"""

from __future__ import annotations

import pytest

from doc_files import copy_example
from hostile import run_cli


@pytest.fixture
def folder(tmp_path, monkeypatch):
    copy_example(tmp_path)  # plots.csv and trial.toml of the replicated RCBD
    monkeypatch.chdir(tmp_path)
    return tmp_path


REPORT = ["report", "plots.csv", "--config", "trial.toml", "-o", "r.html"]


@pytest.mark.parametrize(
    ("flags", "line"),
    [
        (
            ["--alpha", "5"],
            "yieldtrial: error: the command line: --alpha = 5; a significance level must be "
            "from 0.0001 to 0.5, e.g. 0.05 or 0.01.",
        ),
        (
            ["--design", "rbcd"],
            "yieldtrial: error: the command line: --design = 'rbcd' (did you mean 'rcbd'?); "
            "expected one of crd, rcbd, latin, split_plot, strip_plot, factorial, alpha, "
            "row_column, augmented.",
        ),
    ],
    ids=["alpha", "design"],
)
def test_refused_setting_names_the_flag(folder, flags, line, capsys):
    assert run_cli([*REPORT, *flags], capsys) == (1, [line])
    assert not (folder / "r.html").exists()


def test_refused_alpha_flag_is_chinese_under_lang_zh(folder, capsys):
    assert run_cli([*REPORT, "--alpha", "5", "--lang", "zh"], capsys) == (
        1,
        [
            "yieldtrial: 错误：命令行：--alpha = 5；显著性水平应在 0.0001 至 0.5 之间，"
            "如 0.05 或 0.01。"
        ],
    )


def test_alpha_from_trial_toml_keeps_its_key(folder, capsys):
    (folder / "alpha.toml").write_text('[trial]\ncrop = "wheat"\n[analysis]\nalpha = 5\n')
    argv = ["report", "plots.csv", "--config", "alpha.toml", "-o", "r.html"]
    assert run_cli(argv, capsys) == (
        1,
        [
            "yieldtrial: error: 'alpha.toml': alpha = 5; a significance level must be from "
            "0.0001 to 0.5, e.g. 0.05 or 0.01."
        ],
    )
