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


def test_title_that_is_not_text_is_refused(trial) -> None:
    """title=123 is refused at once (the Word renderer failed on it with a TypeError)."""
    from yieldtrial.errors import DataValidationError

    with pytest.raises(DataValidationError, match="title must be text; got 123"):
        trial.report(title=123)


def test_numpy_scalar_settings_are_numbers(trial) -> None:
    """alpha=np.float32(0.05) and margin_pct=np.float64(5) are accepted like Python floats."""
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        report = trial.report(alpha=np.float32(0.05), margin_pct=np.float64(5), figures=False)
    assert report.section("noninferiority").blocks


def test_a_network_result_is_pointed_to_the_network_report() -> None:
    """build_report(analyze_many(...)) names network_report (stop 37 user pass).

    It said only "got NetworkResult", and docs/networks.md showed no Python way to the report.
    """
    import pandas as pd

    import yieldtrial as yt
    from yieldtrial.report.network import network_report

    rows = [
        (site, block, treatment, 7000.0 + 300 * i + 40 * block + 13 * k + 9 * (block == 2) * i)
        for k, site in enumerate(("S1", "S2", "S3"))
        for block in (1, 2, 3)
        for i, treatment in enumerate(("CK", "N"))
    ]
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"])
    result = yt.analyze_many(
        plots, by="site", response="yield_kg_ha", treatment="treatment", block="block",
        control="CK",
    )  # fmt: skip
    with pytest.raises(TypeError, match=r"got a NetworkResult.*network_report\(result"):
        yt.build_report(result)
    assert network_report(result, report_date="2026-12-06").title == "Trial network summary"


def test_a_dict_config_points_to_trial_config_from_dict() -> None:
    """config={...} said only "got dict"; it names TrialConfig.from_dict (stop 39)."""
    import pandas as pd
    import pytest

    import yieldtrial as yt
    from yieldtrial.errors import WrongTypeError

    plots = pd.DataFrame({"plot_id": ["1", "2"], "treatment": ["A", "B"], "yield_kg_ha": [1.0, 2]})
    trial = yt.FieldTrial.from_dataframe(plots, crop="wheat")
    with pytest.raises(WrongTypeError, match=r"got dict \(for a dict of trial.toml tables: yt\."):
        yt.build_report(trial, {"trial": {"crop": "wheat"}}, figures=False)
