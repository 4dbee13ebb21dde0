"""build_report / FieldTrial.report: the forms of the config argument (yieldtrial.report.build)."""

from __future__ import annotations

import warnings

import pytest

from yieldtrial.config import load_config
from yieldtrial.datasets import example_path, load_example
from yieldtrial.errors import YieldTrialWarning


@pytest.fixture(scope="module")
def trial():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        return load_example("replicated-rcbd")


def test_report_config_may_be_the_path_of_trial_toml(trial) -> None:
    """trial.report("trial.toml") reads the description, as report(load_config(path))."""
    path = example_path("replicated-rcbd", "trial.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        by_path = trial.report(str(path), figures=False, report_date="2024-06-01")
        loaded = trial.report(load_config(path), figures=False, report_date="2024-06-01")
    assert by_path.title == loaded.title
    assert by_path.to_json() == loaded.to_json()


def test_report_config_of_another_type_names_the_accepted_forms(trial) -> None:
    """A dict is refused naming TrialConfig and the trial.toml path (not an AttributeError)."""
    with pytest.raises(TypeError, match=r"TrialConfig .*or the path of a trial.toml; got dict"):
        trial.report({"crop": "wheat"})
