"""trial.toml validation: types, finiteness, ranges and labels, with one message per problem."""

from __future__ import annotations

import pytest

from hostile import assert_one_line_error, plot_table, run_cli
from yieldtrial.config import TrialConfig, check_setting
from yieldtrial.errors import DataValidationError

RCBD_ROWS = (
    "101,1,CK,20,14.98,12.7\n",
    "102,1,T,20,13.77,13.7\n",
    "201,2,CK,20,14.97,13.4\n",
    "202,2,T,20,13.89,13.8\n",
    "301,3,CK,20,14.50,13.0\n",
    "302,3,T,20,13.60,13.2\n",
)


def _report(tmp_path, toml: str, *extra: str) -> tuple[list[str], list]:
    plots = plot_table(tmp_path, rows=RCBD_ROWS)
    config = tmp_path / "trial.toml"
    config.write_text(toml, encoding="utf-8")
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--config", str(config), "--no-figures", "-o", str(out), *extra]
    return argv, [plots, config]


@pytest.mark.parametrize(
    ("toml", "match"),
    [
        ('[analysis]\nalpha = "0.05"\n', r"alpha = '0\.05' is text; write the number without"),
        ("[analysis]\nalpha = nan\n", r"alpha = nan; expected a finite number"),
        ("[analysis]\nalpha = 1.5\n", r"alpha = 1\.5; a significance level must be from 0\.0001"),
        ("[analysis]\nstandard_moisture_pct = inf\n", "expected a finite number"),
        ("[analysis]\nmargin_pct = -5\n", r"margin_pct must be in \[0, 100\)"),
        ('[[treatments]]\nlabel = "CK"\nrate = -40\nrate_unit = "kg/mu"\n', r"rate must be in \[0"),
        ('[[treatments]]\nlabel = "CK"\nrate = nan\nrate_unit = "kg/mu"\n', "rate = nan; expected"),
        ('[[treatments]]\nlabel = "CK"\nrate = 40\nrate_unit = "parsec"\n', "not a mass per area"),
        ('[[treatments]]\nlabel = "CK"\nn_rate_kg_ha = -1\n', r"n_rate_kg_ha must be in \[0"),
        ('[[treatments]]\nlabel = ["CK"]\n', "expected the text of a treatment label"),
        ("[[published]]\nyield = inf\nmoisture_pct = 5\n", "yield = inf; expected a finite"),
        ("[[published]]\nyield = 442\nmoisture_pct = 105\n", r"moisture_pct must be in \[0, 100\)"),
    ],
    ids=[
        "alpha-text",
        "alpha-nan",
        "alpha-range",
        "standard-inf",
        "margin-negative",
        "rate-negative",
        "rate-nan",
        "rate-unit",
        "nutrient-rate-negative",
        "label-list",
        "published-inf",
        "published-moisture",
    ],
)
def test_bad_value_in_trial_toml(tmp_path, capsys, toml, match):
    """Each bad value exits 1 with one line naming the key; no report is written."""
    argv, inputs = _report(tmp_path, '[trial]\ncrop = "wheat"\n' + toml)
    assert_one_line_error(argv, capsys, match=match, untouched=inputs, absent=[tmp_path / "r.md"])


def test_unknown_treatment_label_is_refused(tmp_path, capsys):
    """A [[treatments]] label that is not in the plot table is an error listing the labels."""
    argv, inputs = _report(tmp_path, '[trial]\ncrop = "wheat"\n[[treatments]]\nlabel = "CK9"\n')
    assert_one_line_error(
        argv,
        capsys,
        match=r"\[\[treatments\]\] describes 'CK9', which is not a treatment of the plot table; "
        r"treatments present: 'CK', 'T'",
        untouched=inputs,
    )


def test_margin_without_control_is_refused(tmp_path, capsys):
    """A margin with no control would describe a test that is never run: refused."""
    argv, inputs = _report(tmp_path, '[trial]\ncrop = "wheat"\n[analysis]\nmargin_pct = 5\n')
    assert_one_line_error(
        argv,
        capsys,
        match=r"a non-inferiority margin \(5 %\) is set but no control: .* Give --control ",
    )


def test_bom_in_trial_toml_is_accepted(tmp_path, capsys):
    """Windows Notepad's BOM before [trial] is read, not 'Invalid statement'."""
    argv, _ = _report(tmp_path, '\ufeff[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\n')
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines


def test_deeply_nested_toml(tmp_path, capsys):
    """Thousands of nested arrays give a clean error instead of RecursionError."""
    argv, _ = _report(tmp_path, '[trial]\ncrop = "wheat"\nnotes = ' + "[" * 5000 + "]" * 5000)
    assert_one_line_error(argv, capsys, match="nests arrays or tables too deeply")


def test_huge_toml_is_refused_before_parsing(tmp_path, capsys):
    """A multi-megabyte 'trial.toml' (the wrong file?) is refused by its size."""
    argv, _ = _report(tmp_path, '[trial]\ncrop = "wheat"\nnotes = "' + "x" * (2 << 20) + '"\n')
    assert_one_line_error(argv, capsys, match=r"a trial\.toml is a few kilobytes")


def test_control_characters_in_title_are_removed():
    """A title with control characters is cleaned when read."""
    config = TrialConfig.from_text('[trial]\ntitle = "A\\u0001B\\u0007"\n')
    assert config.title == "AB"


def test_check_setting_gives_the_same_message_as_trial_toml():
    """The API check and trial.toml share one message for the same value."""
    with pytest.raises(DataValidationError) as from_api:
        check_setting("alpha", 2.0, "here")
    with pytest.raises(DataValidationError) as from_file:
        TrialConfig.from_text("[analysis]\nalpha = 2.0\n", source="here")
    assert str(from_api.value).split(": ", 1)[1] == str(from_file.value).split(": ", 1)[1]


def test_command_line_alpha_out_of_range(tmp_path, capsys):
    """--alpha 1.5 exits 1 with the same wording as trial.toml."""
    argv, _ = _report(tmp_path, '[trial]\ncrop = "wheat"\n', "--alpha", "1.5")
    assert_one_line_error(argv, capsys, match=r"alpha = 1\.5; a significance level must be")


def test_treatment_label_in_toml_is_normalised():
    """Label = 1.0 in [[treatments]] means treatment '1', as in the plot table."""
    config = TrialConfig.from_text("[[treatments]]\nlabel = 1.0\n")
    assert config.treatments[0].label == "1"
