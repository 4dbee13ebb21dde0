"""Large tables: the report re-analyses only the first few flagged plots and says so (en, zh).

The worked example of docs/data-checks.md (examples/doubled-weight, 12 plots, plot 201
flagged) with the large-table limits of ``report.sections.checks`` lowered so that its
12 plots count as a large table; the default limits leave small trials unchanged (the
tests of test_report_data_checks.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yieldtrial.cli import main
from yieldtrial.report.sections import checks

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "doubled-weight"


pytestmark = pytest.mark.usefixtures("close_figures")


def _report(tmp_path: Path, suffix: str, *extra: str) -> Path:
    out = tmp_path / f"report{suffix}"
    argv = ["report", str(EXAMPLE / "plots.csv"), "--config", str(EXAMPLE / "trial.toml"),
            "--no-figures", "-o", str(out), *extra]  # fmt: skip
    assert main(argv) == 0
    return out


def test_small_trials_are_below_the_large_table_limit() -> None:
    assert checks.SENSITIVITY_LARGE_TABLE_PLOTS >= 100_000
    assert checks.SENSITIVITY_LARGE_TABLE_REFITS >= 1


def test_plot_beyond_the_refit_cap_is_reported_not_reanalysed(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(checks, "SENSITIVITY_LARGE_TABLE_PLOTS", 10)
    monkeypatch.setattr(checks, "SENSITIVITY_LARGE_TABLE_REFITS", 0)
    text = _report(tmp_path, ".md").read_text(encoding="utf-8")
    assert "Plot 201: not re-analysed (large table)." in text
    assert "This table has 12 plots: only the first 0 flagged plots" in text
    assert "the other 1 flagged plots were not re-analysed" in text
    assert "No verdict of this report changes when plot 201" not in text


def test_plot_beyond_the_refit_cap_in_chinese(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(checks, "SENSITIVITY_LARGE_TABLE_PLOTS", 10)
    monkeypatch.setattr(checks, "SENSITIVITY_LARGE_TABLE_REFITS", 0)
    text = _report(tmp_path, ".md", "--lang", "zh").read_text(encoding="utf-8")
    assert "小区 201：未重新分析（数据表过大）。" in text
    assert "本数据表有 12 个小区" in text


def test_capped_plots_leave_no_sensitivity_rows_or_dependency(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(checks, "SENSITIVITY_LARGE_TABLE_PLOTS", 10)
    monkeypatch.setattr(checks, "SENSITIVITY_LARGE_TABLE_REFITS", 0)
    results = json.loads(_report(tmp_path, ".json").read_text(encoding="utf-8"))["results"]
    assert {r["plot_id"] for r in results["suspect_plots"]} == {"201"}
    assert results["sensitivity"] == []
    assert not any("depends on plot 201" in c for c in results["conclusions"])


def test_plots_within_the_cap_are_still_reanalysed(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(checks, "SENSITIVITY_LARGE_TABLE_PLOTS", 10)
    monkeypatch.setattr(checks, "SENSITIVITY_LARGE_TABLE_REFITS", 1)
    results = json.loads(_report(tmp_path, ".json").read_text(encoding="utf-8"))["results"]
    n0 = next(r for r in results["sensitivity"]
              if r["verdict"] == "dunnett" and r["subject"] == "N0 vs CK")  # fmt: skip
    assert (n0["with_plot"], n0["without_plot"], n0["changed"]) == (
        "not significant", "lower", True)  # fmt: skip


def test_refit_too_large_for_memory_is_not_called_an_empty_treatment(tmp_path, monkeypatch):
    # the dense-fit memory limit lowered to 1 byte (the refit without plot 201, unbalanced and
    # small, takes the dense fit) and the absorbed fit's limit too: the refit is refused
    # for memory, and the report must say that, not that the plot's treatment would have no
    # plot left
    from yieldtrial.stats import _absorb_blocks, model

    monkeypatch.setattr(model, "DENSE_FIT_MAX_BYTES", 1)
    monkeypatch.setattr(_absorb_blocks, "ABSORB_BLOCKS_MAX_BYTES", 1)
    text = _report(tmp_path, ".md").read_text(encoding="utf-8")
    assert "Without plot 201 the trial was not re-analysed: with one plot missing" in text
    assert "its treatment would have no plot left" not in text
