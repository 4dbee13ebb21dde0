"""FieldTrial.exclude and the sensitivity refit with the fits sharing the observed rows.

After :meth:`FieldTrial.exclude` every fit of the trial drops the excluded plot and keeps a
private table of the observed rows; fits of the same content share those columns
(``stats.model._observed_rows``, stop 32).  Each test compares the trial's results with
those of the reference path, where every fit copies its rows (``data.loc[observed].copy()``,
the code before stop 32), with the fit caches emptied between the two: the same numbers,
tables, warnings and provenance on each design the trial analyses.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import yieldtrial.stats.model as model
import yieldtrial.stats.trial_analysis as trial_analysis
from yieldtrial import FieldTrial
from yieldtrial.stats._common import copy_on_write, private_rows


def _empty_caches() -> None:
    model._fit_cache.clear()
    trial_analysis._model_fit_cache.clear()
    model._observed_columns.clear()


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    _empty_caches()
    yield
    _empty_caches()


def _yields(n: int, seed: int) -> np.ndarray:
    """Made-up yields [kg/ha]: only equality between the two paths is tested."""
    return np.round(6000 + 400 * np.random.default_rng(seed).standard_normal(n), 1)


def _crd() -> tuple[pd.DataFrame, dict[str, Any], str]:
    t = ["CK", "T1", "T2", "T3"] * 4
    plots = pd.DataFrame({"plot_id": [str(101 + i) for i in range(16)], "treatment": t,
                          "yield_kg_ha": _yields(16, 1)})  # fmt: skip
    return plots, {"control": "CK"}, "106"


def _rcbd(missing: bool = False) -> tuple[pd.DataFrame, dict[str, Any], str]:
    t = ["CK", "T1", "T2", "T3", "T4"] * 4
    b = [str(1 + i // 5) for i in range(20)]
    y = _yields(20, 2)
    if missing:
        y[7] = np.nan
    plots = pd.DataFrame({"plot_id": [str(201 + i) for i in range(20)], "block": b,
                          "treatment": t, "yield_kg_ha": y})  # fmt: skip
    return plots, {"control": "CK"}, "213"


def _latin() -> tuple[pd.DataFrame, dict[str, Any], str]:
    square = ["ABCD", "BCDA", "CDAB", "DABC"]
    rows = [
        {"plot_id": str(301 + 4 * r + c), "row": str(r + 1), "column": str(c + 1),
         "treatment": square[r][c]}
        for r in range(4) for c in range(4)
    ]  # fmt: skip
    plots = pd.DataFrame(rows).assign(yield_kg_ha=_yields(16, 3))
    return plots, {"control": "A", "design": "latin"}, "306"


def _split_plot() -> tuple[pd.DataFrame, dict[str, Any], str]:
    rows = [
        {"plot_id": str(401 + len(out)), "block": str(b), "main_plot": f"{b}{m}",
         "irrigation": m, "treatment": s}
        for out in [[]] for b in range(1, 4) for m in ("I0", "I1")
        for s in ("N0", "N1", "N2") if out.append(1) is None
    ]  # fmt: skip
    plots = pd.DataFrame(rows).assign(yield_kg_ha=_yields(18, 4))
    return plots, {"control": "N0", "design": "split_plot", "factors": ("irrigation",)}, "405"


def _alpha() -> tuple[pd.DataFrame, dict[str, Any], str]:
    # 6 entries, 3 replicates of 3 incomplete blocks of 2 (each replicate reshuffled)
    layout = {"1": [("A", "B"), ("C", "D"), ("E", "F")],
              "2": [("A", "C"), ("B", "E"), ("D", "F")],
              "3": [("A", "F"), ("B", "D"), ("C", "E")]}  # fmt: skip
    rows = [
        {"plot_id": str(501 + len(out)), "block": rep, "incomplete_block": f"{rep}{i}",
         "treatment": t}
        for out in [[]] for rep, blocks in layout.items() for i, pair in enumerate(blocks)
        for t in pair if out.append(1) is None
    ]  # fmt: skip
    plots = pd.DataFrame(rows).assign(yield_kg_ha=_yields(18, 5))
    return plots, {"control": "A", "design": "alpha"}, "503"


def _augmented() -> tuple[pd.DataFrame, dict[str, Any], str]:
    rows = []
    for b, entries in enumerate([("E1", "E2"), ("E3", "E4"), ("E5", "E6")], start=1):
        for t in ("CK1", "CK2", *entries):
            rows.append({"plot_id": str(601 + len(rows)), "block": str(b), "treatment": t,
                         "entry_type": "check" if t.startswith("CK") else "entry"})  # fmt: skip
    plots = pd.DataFrame(rows).assign(yield_kg_ha=_yields(12, 6))
    return plots, {"control": "CK1", "design": "augmented"}, "602"


CASES: dict[str, Callable[[], tuple[pd.DataFrame, dict[str, Any], str]]] = {
    "crd": _crd,
    "rcbd": _rcbd,
    "rcbd_missing": lambda: _rcbd(missing=True),
    "latin": _latin,
    "split_plot": _split_plot,
    "alpha": _alpha,
    "augmented": _augmented,
}


def _results(case: str) -> dict[str, Any]:
    """Everything a report states of the trial with one plot excluded, and its warnings."""
    plots, settings, pid = CASES[case]()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trial = FieldTrial.from_dataframe(plots, crop="wheat", **settings)
        child = trial.exclude(pid, reason="weight typed twice")
        out: dict[str, Any] = {
            "design": child.design,
            "yields": child.yields(),
            "missing": child.missing_plots,
            "excluded": child.excluded_plots,
            "replicated": child.is_replicated,
            "means": child.means(),
            "sensitivity": trial.sensitivity([pid]),
        }
        anova = child.anova()
        out["anova"] = getattr(anova, "table", anova)
        out["provenance"] = repr(getattr(anova, "provenance", None))
        out["sensitivity_attrs"] = repr(out["sensitivity"].attrs)
    out["warnings"] = [(w.category, str(w.message)) for w in caught]
    return out


def _reference(case: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """:func:`_results` with every fit copying its observed rows (the code before stop 32)."""
    with monkeypatch.context() as patch:
        patch.setattr(model, "_observed_rows", private_rows)
        _empty_caches()
        out = _results(case)
    _empty_caches()
    return out


def _assert_same(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert got.keys() == want.keys()
    for key, value in want.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(got[key], value, check_exact=True)
            assert got[key].attrs == value.attrs, key
        else:
            assert got[key] == value, key


@pytest.mark.parametrize("case", list(CASES))
def test_exclude_results_equal_the_copying_fits(case: str, monkeypatch: pytest.MonkeyPatch):
    """Each design: yields, ANOVA, means, sensitivity, warnings equal the reference path."""
    want = _reference(case, monkeypatch)
    _assert_same(_results(case), want)


def test_two_exclusions_equal_the_copying_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    """exclude().exclude() (two plots missing) and its report tables: as the reference."""

    def run() -> dict[str, Any]:
        plots, settings, _ = _rcbd()
        trial = FieldTrial.from_dataframe(plots, crop="wheat", **settings)
        child = trial.exclude("213", reason="a").exclude("204", reason="b")
        return {"anova": child.anova().table, "means": child.means(),
                "yields": child.yields(), "sensitivity": child.sensitivity(["202"])}  # fmt: skip

    with monkeypatch.context() as patch:
        patch.setattr(model, "_observed_rows", private_rows)
        _empty_caches()
        want = run()
    _empty_caches()
    _assert_same(run(), want)


def test_exclude_then_report_equals_the_copying_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Markdown report of an excluded trial is the same text on both paths."""
    from yieldtrial.report.render_markdown import render_markdown

    def run() -> str:
        plots, settings, pid = _rcbd(missing=True)
        trial = FieldTrial.from_dataframe(plots, crop="wheat", **settings)
        report = trial.exclude(pid, reason="weight typed twice").report(figures=False)
        return render_markdown(report)

    with monkeypatch.context() as patch:
        patch.setattr(model, "_observed_rows", private_rows)
        _empty_caches()
        want = run()
    _empty_caches()
    assert run() == want


@pytest.mark.skipif(not copy_on_write(), reason="shared only where pandas copies on write")
def test_the_refit_shares_the_observed_rows_between_fits() -> None:
    """The ANOVA and LS-means fits of an excluded RCBD hold one copy of each common column."""
    plots, settings, pid = _rcbd()
    child = FieldTrial.from_dataframe(plots, crop="wheat", **settings).exclude(pid, reason="x")
    assert child.is_replicated  # the fit of the analysis table (treatment as text)
    child.means_model()  # the fit of the LS-means (treatment in display order)
    fits = list(model._fit_cache.values())
    assert len(fits) == 2
    first, second = (f.data for f in fits)
    assert pid not in set(first["plot_id"])
    for name in ("plot_id", "block", "yield_kg_ha"):
        assert np.shares_memory(
            np.asarray(first[name].array._pa_array.chunks[0].buffers()[-1])
            if first[name].dtype == "str" and hasattr(first[name].array, "_pa_array")
            else first[name].to_numpy(),
            np.asarray(second[name].array._pa_array.chunks[0].buffers()[-1])
            if second[name].dtype == "str" and hasattr(second[name].array, "_pa_array")
            else second[name].to_numpy(),
        ), name


def _table() -> pd.DataFrame:
    plots, settings, _ = _rcbd()
    table = FieldTrial.from_dataframe(plots, crop="wheat", **settings).yields()
    table.attrs["note"] = ["kept"]
    return table


def test_observed_rows_equal_the_copied_rows() -> None:
    """Second take of the same content: equal to ``loc[observed].copy()``, attrs included."""
    table = _table()
    observed = np.ones(len(table), dtype=bool)
    observed[[3, 11]] = False
    first = model._observed_rows(table, observed)
    second = model._observed_rows(table.copy(), observed)
    want = table.loc[observed].copy()
    for got in (first, second):
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        pd.testing.assert_index_equal(got.columns, want.columns, exact=True)
        assert got.attrs == want.attrs
        # copied (pandas 3) or shared (pandas 2.0) as pandas's own copy does
        assert (got.attrs["note"] is table.attrs["note"]) == (
            want.attrs["note"] is table.attrs["note"]
        )


def test_observed_rows_of_other_rows_are_not_shared() -> None:
    """Another plot missing: the rows of that plot, not those kept for the first fit."""
    table = _table()
    one, two = np.ones(len(table), dtype=bool), np.ones(len(table), dtype=bool)
    one[3], two[4] = False, False
    model._observed_rows(table, one)
    pd.testing.assert_frame_equal(model._observed_rows(table, two), table.loc[two].copy())


def test_a_change_to_one_fits_table_leaves_the_other() -> None:
    """Shared columns are copied on write: changing one table's cell changes only it."""
    table = _table()
    observed = np.ones(len(table), dtype=bool)
    observed[3] = False
    first = model._observed_rows(table, observed)
    second = model._observed_rows(table, observed)
    before = second.copy(deep=True)
    first.iloc[0, first.columns.get_loc("yield_kg_ha")] = -1.0
    first["plot_id"] = "x"
    pd.testing.assert_frame_equal(second, before)
    third = model._observed_rows(table, observed)
    pd.testing.assert_frame_equal(third, table.loc[observed].copy())


def test_taken_columns_are_not_held_beyond_the_fits_table() -> None:
    """Once no fit holds the table that took them, the kept columns are dropped (no leak)."""
    import gc

    table = _table()
    observed = np.ones(len(table), dtype=bool)
    observed[3] = False
    used = model._observed_rows(table, observed)
    assert len(model._observed_columns) == (len(table.columns) if copy_on_write() else 0)
    del used
    gc.collect()
    assert model._observed_columns == {}
