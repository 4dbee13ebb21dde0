"""report_from_files: the options it passes on (yieldtrial.report.files)."""

from __future__ import annotations

import pytest

from yieldtrial.datasets import example_path
from yieldtrial.errors import DataValidationError
from yieldtrial.report.files import report_from_files


def test_trial_setting_as_option_points_to_overrides() -> None:
    """factors= is a trial-description setting: a clear error naming overrides=, no TypeError."""
    with pytest.raises(DataValidationError, match=r"overrides=\{'factors'"):
        report_from_files(example_path("replicated-rcbd"), crop="wheat", factors=("a", "b"))


def test_misspelt_option_lists_the_report_options() -> None:
    """A misspelt option (unti=) lists the options build_report takes."""
    with pytest.raises(DataValidationError, match=r"unknown option 'unti'.*unit, margin_pct"):
        report_from_files(example_path("replicated-rcbd"), crop="wheat", unti="kg/mu")


@pytest.fixture(scope="module")
def _json_report():
    return report_from_files(example_path("replicated-rcbd"), crop="wheat")[0]


def test_report_write_refuses_a_users_file(tmp_path, _json_report) -> None:
    """Report.write leaves a file yieldtrial did not write alone, as the CLI does."""
    mine = tmp_path / "notes.json"
    mine.write_text("my notes", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"not an unchanged output.*force=True"):
        _json_report.write(mine)
    assert mine.read_text(encoding="utf-8") == "my notes"


def test_report_write_force_replaces_a_users_file(tmp_path, _json_report) -> None:
    """force=True replaces it (the library's --force)."""
    mine = tmp_path / "notes.json"
    mine.write_text("my notes", encoding="utf-8")
    _json_report.write(mine, force=True)
    assert mine.read_text(encoding="utf-8").startswith("{")


def test_report_write_replaces_its_own_output(tmp_path, _json_report) -> None:
    """A second write over the first (recorded in the manifest) needs no force."""
    out = tmp_path / "r.json"
    _json_report.write(out)
    _json_report.write(out)
    assert out.read_text(encoding="utf-8").startswith("{")
