"""Misleading command-line messages reworded (stop 38, Chinese messages second pass).

``factors = ...`` in trial.toml was blamed on ``--factors``; ``network --exclude-cv-above
0`` said "or None" (the Python API's word); ``design --treatments "" B`` dropped the blank
label silently while all-blank labels were refused.
"""

from __future__ import annotations

import pytest

from hostile import assert_one_line_error, plot_table


def test_factors_from_trial_toml_name_the_file_not_the_option(tmp_path, capsys):
    """``factors = "nope"`` in [analysis] of a one-factor trial: the key and file are named."""
    config = tmp_path / "trial.toml"
    config.write_text('[analysis]\nfactors = "nope"\n', encoding="utf-8")
    out = tmp_path / "r.html"
    argv = ["report", str(plot_table(tmp_path)), "--crop", "wheat", "--config", str(config)]
    line = assert_one_line_error(
        [*argv, "-o", str(out)],
        capsys,
        match=r"trial\.toml': factors = 'nope' in \[analysis\] applies to the two-factor",
        absent=[out],
    )
    assert "--factors" not in line and "remove factors" in line


def test_factors_option_still_names_the_option(tmp_path, capsys):
    """``--factors a,b`` typed on a one-factor trial keeps naming ``--factors``."""
    out = tmp_path / "r.html"
    argv = ["report", str(plot_table(tmp_path)), "--crop", "wheat", "--factors", "a,b"]
    assert_one_line_error(
        [*argv, "-o", str(out)], capsys, match=r"^yieldtrial: error: --factors a,b applies"
    )


@pytest.mark.parametrize(
    "labels", [["", "B"], ["CK,,T"], ["CK", " ", "T"]], ids=["blank-first", "comma", "space"]
)
def test_design_blank_label_among_others_is_a_usage_error(tmp_path, capsys, labels):
    """A blank label among others is refused (exit 2 as all-blank), naming the option."""
    out = tmp_path / "book.csv"
    argv = ["design", "rcbd", "--treatments", *labels, "--blocks", "2", "-o", str(out)]
    assert_one_line_error(
        argv, capsys, code=2, match=r"--treatments .* holds a blank label among", absent=[out]
    )


def test_design_blank_control_among_others_is_a_usage_error(tmp_path, capsys):
    """``--control CK,,T`` too (the same check for every label option)."""
    argv = ["design", "rcbd", "--treatments", "CK", "T", "--control", "CK,,T", "--blocks", "2"]
    assert_one_line_error(argv, capsys, code=2, match=r"--control 'CK,,T' holds a blank label")
