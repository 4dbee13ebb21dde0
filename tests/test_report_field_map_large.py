"""The field-layout map labels every plot only while a page can show them."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pytest

from yieldtrial.datasets import example_path
from yieldtrial.report.files import report_from_files
from yieldtrial.report.sections import extra


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


def _field_map(lang: str = "en") -> Any:
    # the shipped replicated RCBD has row and column for its 12 plots (3 rows x 4 columns)
    report, _ = report_from_files(
        example_path("replicated-rcbd"),
        example_path("replicated-rcbd", "trial.toml"),
        report_date="2026-01-01",
        lang=lang,
    )
    return next(s for s in report.sections if s.key == "field_map")


def test_small_trial_gets_the_labelled_map() -> None:
    section = _field_map()
    assert type(section.blocks[0]).__name__ == "Figure"


def test_above_the_limit_the_map_becomes_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extra, "MAP_LABEL_MAX_PLOTS", 11)
    (block,) = _field_map().blocks
    assert type(block).__name__ == "Paragraph"
    assert "12 plots" in block.text and "at most 11" in block.text


def test_zh_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extra, "MAP_LABEL_MAX_PLOTS", 11)
    (block,) = _field_map("zh").blocks
    assert "共 12 个小区" in block.text
