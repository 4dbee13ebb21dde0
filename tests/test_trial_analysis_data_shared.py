"""FieldTrial's analysis table is shared with its callers, never written into (stop 38).

``FieldTrial._analysis_data`` returns a shallow copy of the table the trial keeps; before
pandas 3 (no copy on write) the copy shares the kept columns' values.  These tests make the
kept values read-only, so a caller writing into them in place raises instead of changing
the table; a report and every analysis method must then run as before, leave the kept
table and the user's plot table as they were, and (without copy on write) hand the user no
array of the kept table.
Expected values: the same trial's results with the kept table left writable.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from shared_trials import TRIALS
from yieldtrial import FieldTrial
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.report.build import build_report
from yieldtrial.stats._common import copy_on_write


def _kept_arrays(table: pd.DataFrame) -> list[np.ndarray]:
    """Return the numpy arrays holding ``table``'s values (a categorical's codes)."""
    arrays = []
    for name in table.columns:
        values = table[name].array
        raw = getattr(values, "_codes", None)
        if raw is None:
            raw = getattr(values, "_ndarray", None)
        if raw is None:
            raw = np.asarray(values)
        arrays.append(raw)
    return arrays


def _read_only_kept_table(trial: FieldTrial) -> tuple[pd.DataFrame, pd.DataFrame, list[np.ndarray]]:
    """Build the kept table, make its arrays read-only; return it, a deep snapshot, the arrays."""
    trial._analysis_data()
    ((kept, _caught),) = trial.__dict__["_analysis_memo"].values()
    snapshot = kept.copy(deep=True)
    arrays = _kept_arrays(kept)
    for array in arrays:
        base = array
        while isinstance(base, np.ndarray):
            base.flags.writeable = False
            base = base.base
    return kept, snapshot, arrays


def _arrays_in(value: Any, depth: int = 0) -> Iterator[np.ndarray]:
    """Every numpy array reachable from a result (frames, series, dataclasses, containers)."""
    if depth > 6:
        return
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, pd.DataFrame):
        for name in range(value.shape[1]):
            yield from _arrays_in(value.iloc[:, name], depth + 1)
    elif isinstance(value, pd.Series):
        array = value.array
        for attr in ("_codes", "_ndarray"):
            if isinstance(getattr(array, attr, None), np.ndarray):
                yield getattr(array, attr)
        if not isinstance(value.dtype, pd.api.extensions.ExtensionDtype):
            yield value.to_numpy(copy=False)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _arrays_in(getattr(value, f.name, None), depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arrays_in(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _arrays_in(item, depth + 1)


def _results(trial: FieldTrial) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # the oats trial's CV note
        return _results_warned(trial)


def _results_warned(trial: FieldTrial) -> dict[str, Any]:
    return {
        "anova": trial.anova(),
        "means": trial.means(),
        "means_model": trial.means_model(),
        "diagnostics": trial.diagnostics(),
        "suspect_plots": trial.suspect_plots(),
        "compare_to_control": trial.compare_to_control(),
        "pairwise": trial.pairwise(),
    }


@pytest.mark.parametrize("name", sorted(TRIALS))
def test_the_analysis_methods_do_not_write_into_the_kept_table(name: str) -> None:
    trial = TRIALS[name]()
    plots_before = trial.plots.copy(deep=True)
    kept, snapshot, arrays = _read_only_kept_table(trial)
    results = _results(trial)  # a write into a read-only kept array raises here
    pd.testing.assert_frame_equal(kept, snapshot)
    pd.testing.assert_frame_equal(trial.plots, plots_before)
    if copy_on_write():
        return  # pandas copies a shared array before any write: sharing it is safe
    for key, result in results.items():
        for array in _arrays_in(result):
            assert not any(np.shares_memory(array, mine) for mine in arrays), key


@pytest.mark.parametrize("name", sorted(TRIALS))
def test_the_results_equal_those_of_a_writable_table(name: str) -> None:
    trial = TRIALS[name]()
    _read_only_kept_table(trial)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # the oats trial's CV note
        shared = trial.anova()
        fresh = TRIALS[name]().anova()
    pd.testing.assert_frame_equal(shared.table, fresh.table)


@pytest.mark.parametrize("name", sorted(TRIALS))
def test_a_report_leaves_the_plots_and_the_kept_table_unchanged(name: str) -> None:
    trial = TRIALS[name]()
    plots_before = trial.plots.copy(deep=True)
    kept, snapshot, _arrays = _read_only_kept_table(trial)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # the oats trial's CV note
        report = build_report(trial, figures=False, report_date="2026-12-06")
        fresh = build_report(TRIALS[name](), figures=False, report_date="2026-12-06")
    assert report.to_json() == fresh.to_json()
    pd.testing.assert_frame_equal(kept, snapshot)
    pd.testing.assert_frame_equal(trial.plots, plots_before)
