"""The report's plot listing: complete up to a limit, summarised above it (report.sections.data)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shipped import example_trial
from yieldtrial.report import context
from yieldtrial.report.build import build_report

DATE = "2026-01-01"


pytestmark = pytest.mark.usefixtures("close_figures")


def _trial() -> Any:
    return example_trial()


def _report() -> Any:
    return build_report(_trial(), figures=False, report_date=DATE)


def test_listing_complete_below_limit() -> None:
    """Up to the limit every plot is listed (table and JSON), with the by-block table."""
    n = len(_trial().plots)
    report = _report()
    tables = {b.key: b for b in report.section("plots").blocks if getattr(b, "key", None)}
    assert len(tables["plots"].rows) == n
    assert "plots_by_block" in tables
    assert "plots_by_treatment" not in tables
    results = json.loads(report.to_json())["results"]
    assert len(results["plots"]) == n
    assert "plots_listing" not in results


def test_listing_summarised_above_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the limit: a note, the per-treatment summary and the first rows only."""
    monkeypatch.setattr(context, "PLOT_LISTING_LIMIT", 5)
    monkeypatch.setattr(context, "PLOT_LISTING_SHOWN", 3)
    trial = _trial()
    report = build_report(trial, figures=False, report_date=DATE)
    blocks = report.section("plots").blocks
    tables = {b.key: b for b in blocks if getattr(b, "key", None)}
    plots = trial.yields()
    assert len(tables["plots"].rows) == 3
    assert "plots_by_block" not in tables
    assert blocks[0].type == "paragraph"
    assert f"{len(plots)} plots" in blocks[0].text
    assert "yieldtrial standardize" in blocks[0].text
    # the summary is an independent pandas groupby of the standardized yields
    expected = plots.groupby(plots["treatment"].astype(str))["yield_kg_ha"].agg(["size", "mean"])
    got = {row["treatment"]: row for row in tables["plots_by_treatment"].rows}
    assert set(got) == set(expected.index)
    for treatment, (size, mean) in expected.iterrows():
        assert got[treatment]["n_plots"] == size
        assert got[treatment]["mean"] == pytest.approx(mean, rel=1e-12)


def test_json_says_how_many_plots_were_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON keeps the first records and says how many were left out and where to get them."""
    monkeypatch.setattr(context, "PLOT_LISTING_LIMIT", 5)
    monkeypatch.setattr(context, "PLOT_LISTING_SHOWN", 3)
    n = len(_trial().plots)
    results = json.loads(_report().to_json())["results"]
    assert len(results["plots"]) == 3
    listing = results["plots_listing"]
    assert listing["n_plots"] == n
    assert listing["left_out"] == n - 3
    assert "yieldtrial standardize" in listing["full_table"]
