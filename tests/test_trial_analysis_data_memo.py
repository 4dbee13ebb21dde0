"""FieldTrial builds its analysis table once per unit; every caller gets its own copy."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from yieldtrial.trial import FieldTrial


def _trial() -> FieldTrial:
    plots = pd.DataFrame(
        {
            "plot_id": [str(i) for i in range(1, 9)],
            "block": ["1"] * 4 + ["2"] * 4,
            "treatment": ["CK", "A", "B", "C"] * 2,
            "yield_kg_ha": [6000.0, 6300.0, 6100.0, 6500.0, 5900.0, 6200.0, 6150.0, 6600.0],
        }
    )
    return FieldTrial.from_dataframe(plots, crop="wheat", control="CK")


def test_the_table_is_built_once_per_unit() -> None:
    trial = _trial()
    first = trial._analysis_data()
    assert list(trial.__dict__["_analysis_memo"]) == ["kg/ha"]
    second = trial._analysis_data()
    pd.testing.assert_frame_equal(first, second)
    trial._analysis_data("kg/mu")
    assert sorted(trial.__dict__["_analysis_memo"]) == ["kg/ha", "kg/mu"]


def test_a_callers_change_does_not_reach_the_next_caller() -> None:
    trial = _trial()
    first = trial._analysis_data()
    first["yield_kg_ha"] = np.nan  # a caller writing into its table
    first["extra"] = 1.0
    second = trial._analysis_data()
    assert second["yield_kg_ha"].notna().all() and "extra" not in second.columns


def test_the_results_are_those_of_a_fresh_trial() -> None:
    # a trial whose table was kept gives the same ANOVA as a trial built anew
    trial = _trial()
    trial.means()
    pd.testing.assert_frame_equal(trial.anova().table, _trial().anova().table)


def test_a_replaced_trial_builds_its_own_table() -> None:
    trial = _trial()
    trial._analysis_data()
    other = trial.replace(moisture_method="dry_matter")
    assert "_analysis_memo" not in other.__dict__


def test_its_warnings_are_repeated_on_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    trial = _trial()
    from yieldtrial.errors import YieldTrialWarning

    def build(self: FieldTrial, unit: str | None) -> pd.DataFrame:
        warnings.warn("kept table warning", YieldTrialWarning, stacklevel=2)
        return pd.DataFrame({"x": [1.0]})

    monkeypatch.setattr(FieldTrial, "_build_analysis_data", build)
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trial._analysis_data()
        assert [str(w.message) for w in caught] == ["kept table warning"]
