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
