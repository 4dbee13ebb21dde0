"""Memory of the report on large tables (issue 13, stop 43): the same results, less held.

``diagnostics`` of a design model runs its normality and Brown-Forsythe tests before it
builds the residual table (whose two studentized columns are plots-sized), and the report
holds the library's diagnostics no longer once it has kept the trimmed copy.  Expected
values come from scipy on the fit's own residuals (an independent path: ``normaltest``
above 5,000 residuals, ``shapiro`` below, ``levene(center="median")`` by treatment).
"""

from __future__ import annotations

import gc
import warnings
import weakref
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from shared_trials import TRIALS
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.report import context
from yieldtrial.report.build import build_report
from yieldtrial.stats import residual_checks
from yieldtrial.stats._common import copy_on_write
from yieldtrial.stats.model import fit


def _rcbd(treatments: int, blocks: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "plot_id": [f"P{i}" for i in range(treatments * blocks)],
            "treatment": np.tile([f"T{t}" for t in range(treatments)], blocks),
            "block": np.repeat([f"B{b}" for b in range(blocks)], treatments),
            "y": 6000 + rng.normal(0, 300, treatments * blocks),
        }
    )


@pytest.mark.parametrize(("treatments", "blocks"), [(4, 5), (10, 600)])
def test_diagnostics_tests_equal_scipy_on_the_fit_residuals(treatments: int, blocks: int) -> None:
    """Shapiro-Wilk / K² and Brown-Forsythe of the fit's residuals, as scipy gives them."""
    data = _rcbd(treatments, blocks, seed=43)
    d = residual_checks.diagnostics(data, response="y", treatment="treatment", block="block")
    model = fit(data, response="y", treatment="treatment", block="block", design="rcbd")
    e = model.residuals.to_numpy()
    # scipy: shapiro up to 5,000 residuals (20 here), normaltest above (6,000 here)
    expected = stats.shapiro(e) if e.size <= 5000 else stats.normaltest(e)
    assert d.shapiro == (float(expected.statistic), float(expected.pvalue))
    groups = data["treatment"].to_numpy()
    samples = [e[groups == g] for g in pd.unique(groups)]
    bf = stats.levene(*samples, center="median")
    np.testing.assert_allclose(d.levene, (bf.statistic, bf.pvalue), rtol=1e-12)
    np.testing.assert_array_equal(d.residuals["residual"].to_numpy(), e)


def test_diagnostics_tests_run_before_the_residual_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """No residual table (two studentized columns of every plot) exists during the tests."""
    built: list[str] = []
    seen: list[list[str]] = []
    table, shapiro, levene = (
        residual_checks._residual_table,
        residual_checks._shapiro,
        residual_checks._levene,
    )

    def recording_table(*args: Any, **kwargs: Any) -> pd.DataFrame:
        built.append("table")
        return table(*args, **kwargs)

    def recording_shapiro(*args: Any) -> tuple[float, float]:
        seen.append(list(built))
        return shapiro(*args)

    def recording_levene(*args: Any) -> tuple[float, float]:
        seen.append(list(built))
        return levene(*args)

    monkeypatch.setattr(residual_checks, "_residual_table", recording_table)
    monkeypatch.setattr(residual_checks, "_shapiro", recording_shapiro)
    monkeypatch.setattr(residual_checks, "_levene", recording_levene)
    data = _rcbd(4, 5, seed=1)
    d = residual_checks.diagnostics(data, response="y", treatment="treatment", block="block")
    assert seen == [[], []]
    assert built == ["table"]
    assert "studentized_residual" in d.residuals.columns


def test_diagnostics_with_a_missing_plot_leaves_out_leverage_one_plots() -> None:
    """A treatment left with one plot (leverage 1) is left out of both tests, as before."""
    data = _rcbd(4, 5, seed=7)
    data.loc[data["treatment"] == "T3", "y"] = np.nan
    data.loc[data.index[3], "y"] = 6100.0  # T3 keeps one plot: residual 0, leverage 1
    with pytest.warns(YieldTrialWarning, match="error degrees of freedom"):  # 8 error df
        d = residual_checks.diagnostics(data, response="y", treatment="treatment", block="block")
    model = fit(data, response="y", treatment="treatment", block="block", design="rcbd")
    keep = model.leverage.to_numpy() < 1.0 - 1e-8
    e = model.residuals.to_numpy()[keep]
    expected = stats.shapiro(e)
    assert keep.sum() == keep.size - 1
    np.testing.assert_allclose(d.shapiro, (expected.statistic, expected.pvalue), rtol=1e-12)


def test_report_holds_no_library_diagnostics_after_the_residual_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """By the letters step the library's diagnostics (studentized columns) are unreferenced.

    Under copy on write the report keeps a copy without the two studentized columns.
    """
    refs: list[weakref.ref[Any]] = []
    alive_at_letters: list[bool] = []
    trial = TRIALS["rcbd"]()
    diagnostics = type(trial).diagnostics

    def recording_diagnostics(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = diagnostics(self, *args, **kwargs)
        refs.append(weakref.ref(result))
        return result

    add_letters = context.ReportContext._add_letters

    def checking_letters(self: Any) -> None:
        gc.collect()
        alive_at_letters.extend(ref() is not None for ref in refs)
        add_letters(self)

    monkeypatch.setattr(type(trial), "diagnostics", recording_diagnostics)
    monkeypatch.setattr(context.ReportContext, "_add_letters", checking_letters)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        report = build_report(trial, report_date="2026-12-06")
    # pandas < 3 (no copy on write): the report keeps the library's diagnostics as they are
    # (dropping two columns would copy the others), so that object is the one held
    assert alive_at_letters == [not copy_on_write()]
    assert report is not None
