"""FieldTrial builds its yields table once per unit; every caller gets its own copy."""

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
            "harvested_area_m2": [20.0] * 8,
            "fresh_mass_kg": [15.4, 16.0, 15.1, 16.3, 15.0, 15.8, 15.2, 16.6],
            "moisture_pct": [13.3, 12.1, 14.0, 13.0, 12.8, 13.5, 13.1, 12.6],
        }
    )
    return FieldTrial.from_dataframe(plots, crop="wheat", control="CK")


def test_the_table_is_built_once_per_unit() -> None:
    trial = _trial()
    first = trial.yields()
    assert list(trial.__dict__["_yields_memo"]) == ["kg/ha"]
    pd.testing.assert_frame_equal(first, trial.yields())
    trial.yields("kg/mu")
    trial.yields("kg/mu")
    assert sorted(trial.__dict__["_yields_memo"]) == ["kg/ha", "kg/mu"]


def test_the_kept_table_is_that_of_a_fresh_trial() -> None:
    # the table a second call returns equals the one a trial built anew returns first
    trial = _trial()
    trial.yields("kg/mu")
    table = trial.yields("kg/mu")
    pd.testing.assert_frame_equal(table, _trial().yields("kg/mu"))
    assert table.attrs == _trial().yields("kg/mu").attrs


def test_a_callers_change_does_not_reach_the_next_caller() -> None:
    trial = _trial()
    first = trial.yields()
    first["yield_kg_ha"] = np.nan  # a caller writing into its table
    first.loc[0, "standard_moisture_pct"] = 99.0
    first["extra"] = 1.0
    first.attrs["provenance"]["crop"] = "changed"
    second = trial.yields()
    assert second["yield_kg_ha"].notna().all() and "extra" not in second.columns
    assert (second["standard_moisture_pct"] != 99.0).all()
    assert second.attrs["provenance"]["crop"] == "wheat"


def test_a_replaced_trial_builds_its_own_table() -> None:
    trial = _trial()
    trial.yields()
    other = trial.replace(moisture_method="dry_matter")
    assert "_yields_memo" not in other.__dict__
    assert set(other.yields()["moisture_method"]) == {"dry_matter"}


def test_its_warnings_are_repeated_on_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    trial = _trial()
    from yieldtrial.errors import YieldTrialWarning

    def build(self: FieldTrial, unit: str) -> pd.DataFrame:
        warnings.warn("kept table warning", YieldTrialWarning, stacklevel=2)
        return pd.DataFrame({"x": [1.0]})

    monkeypatch.setattr(FieldTrial, "_build_yields", build)
    for _ in range(2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trial.yields()
        assert [str(w.message) for w in caught] == ["kept table warning"]
