"""The † mark where synthetic or placeholder values are printed: figures and the panel."""

from __future__ import annotations

from typing import Any

import pytest

from yieldtrial.datasets import example_path
from yieldtrial.report.files import report_from_files
from yieldtrial.report.model import Figure


def _report(name: str, lang: str) -> Any:
    report, _ = report_from_files(
        example_path(name), example_path(name, "trial.toml"), lang=lang, report_date="2024-06-01"
    )
    return report


def _figures(report: Any) -> list[Figure]:
    return [b for s in report.sections for b in s.blocks if isinstance(b, Figure)]


@pytest.mark.parametrize(("lang", "note"), [("en", "† synthetic data"), ("zh", "† 模拟数据")])
def test_every_figure_of_a_synthetic_trial_carries_the_mark(lang: str, note: str) -> None:
    """Replicated example (all plots synthetic): legend in each caption, note in each figure."""
    figures = _figures(_report("replicated-rcbd", lang))
    assert {f.key for f in figures} == {"field_map", "means", "yields", "field"}
    legend = "† Drawn from synthetic" if lang == "en" else "† 根据模拟小区数据绘制"
    for figure in figures:
        assert legend in figure.caption, figure.key
        assert note in figure.svg(), figure.key  # drawn in the figure: survives copying it out


def test_illustrative_treatments_are_marked_in_the_figure() -> None:
    """Jinzhong: CK1 and CK2 are illustrative, T published: tick labels CK1 †, CK2 †, T."""
    (figure,) = _figures(_report("jinzhong-2024", "en"))
    assert "† Computed from illustrative" in figure.caption
    ax = figure.draw()
    try:
        labels = [tick.get_text() for tick in ax.get_xticklabels()]
        title = ax.get_title(loc="right")
    finally:
        import matplotlib.pyplot as plt

        plt.close(ax.figure)
    assert labels == ["CK1 †", "CK2 †", "T"]
    assert title == "† illustrative values"


def test_published_trial_figures_are_not_marked(tmp_path: Any) -> None:
    """Plots without a data status (real data): no mark, no note."""
    plots = tmp_path / "plots.csv"
    plots.write_text(
        "plot_id,block,treatment,yield_kg_ha\n1,B1,CK,7000\n2,B1,A,7400\n3,B2,CK,7100\n"
        "4,B2,A,7530\n",
        encoding="utf-8",
    )
    config = tmp_path / "trial.toml"
    config.write_text('[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\n', encoding="utf-8")
    report, _ = report_from_files(plots, config, report_date="2024-06-01")
    for figure in _figures(report):
        assert "†" not in figure.caption and "†" not in figure.svg()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_placeholder_panel_entries_are_marked(lang: str) -> None:
    """[panel] illustrative: unit, number, date and every expert cell carry †, with a legend."""
    report = _report("replicated-rcbd", lang)
    panel = report.section("panel")
    values = [value for _, value in panel.blocks[0].items]
    assert values and all(value.endswith("\u00a0†") for value in values)
    table = panel.blocks[1]
    for row in table.rows:
        assert all(row[key].endswith("\u00a0†") for key in ("name", "affiliation", "title"))
    assert panel.blocks[-1].text.startswith("†")
    header = dict(report.section("header").blocks[0].items)
    marked = [v for v in header.values() if v.endswith("\u00a0†")]
    assert len(marked) == 2  # responsible unit and report number
