"""build_report reads the plot table it takes from ``FieldTrial.yields`` in place (stop 38).

The report's plot table and its table of observed plots share their columns (before
pandas 3 as well, without copy on write).  These tests make the columns ``yields``
returns read-only, so a section writing into them in place raises instead of changing
the other table; the report must then equal the one built from writable columns.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from shared_trials import TRIALS
from yieldtrial import FieldTrial
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.report.build import build_report


def _read_only(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the numpy arrays holding its columns' values made read-only."""
    for name in table.columns:
        values = table[name].array
        for raw in (getattr(values, "_codes", None), getattr(values, "_ndarray", None)):
            while isinstance(raw, np.ndarray):
                raw.flags.writeable = False
                raw = raw.base
    return table


def _report(trial: FieldTrial) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # the oats trial's CV note
        return build_report(trial, report_date="2026-12-06")


@pytest.mark.parametrize("name", sorted(TRIALS))
def test_the_report_writes_into_no_plot_column(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _report(TRIALS[name]())
    trial = TRIALS[name]()
    plots_before = trial.plots.copy(deep=True)
    yields = FieldTrial.yields
    monkeypatch.setattr(
        FieldTrial, "yields", (lambda self, unit=None: _read_only(yields(self, unit)))
    )
    shared = _report(trial)  # a write into a read-only column raises here
    assert shared.to_json() == fresh.to_json()
    assert shared.to_html() == fresh.to_html()
    pd.testing.assert_frame_equal(trial.plots, plots_before)
