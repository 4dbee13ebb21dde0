"""A report of a very large plot table summarises its plot figure and leaves out the field map."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib import cbook

from yieldtrial.plotting import plot_yield_boxes
from yieldtrial.report.model import Figure, Paragraph
from yieldtrial.report.sections import figures as figures_module
from yieldtrial.trial import FieldTrial

pytestmark = pytest.mark.usefixtures("close_figures")


def _plots(blocks: int = 6, treatments: int = 4, *, field: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = blocks * treatments
    plots = pd.DataFrame(
        {
            "plot_id": [str(i + 1) for i in range(n)],
            "block": [f"B{i // treatments + 1}" for i in range(n)],
            "treatment": ["CK" if i % treatments == 0 else f"T{i % treatments}" for i in range(n)],
            "yield_kg_ha": 7000.0 + rng.normal(0.0, 300.0, n),
        }
    )
    if field:  # one block per field row
        plots["row"] = np.arange(n) // treatments + 1
        plots["column"] = np.arange(n) % treatments + 1
    return plots


def _figure_blocks(plots: pd.DataFrame, lang: str = "en") -> list[Any]:
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK", design="rcbd")
    report = trial.report(figures=True, lang=lang)
    return next(s for s in report.sections if s.key == "figures").blocks


def test_small_table_draws_every_plot() -> None:
    (yields,) = [b for b in _figure_blocks(_plots()) if isinstance(b, Figure) and b.key == "yields"]
    assert "summarised" not in yields.caption
    assert len(yields.draw().lines) > 0  # markers: one line per block


def test_above_the_limit_each_treatment_is_a_box(monkeypatch: pytest.MonkeyPatch) -> None:
    # 24 plots with the limit at 23: the figure summarises, and the caption says how
    monkeypatch.setattr(figures_module, "MAX_PLOT_MARKERS", 23)
    (yields,) = [b for b in _figure_blocks(_plots()) if isinstance(b, Figure) and b.key == "yields"]
    assert "summarised: the table has 24 plots" in yields.caption
    assert "(at most 23)" in yields.caption
    ax = yields.draw()
    # four boxes (a box is drawn as lines: no marker per plot reaches matplotlib)
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["CK", "T1", "T2", "T3"]
    assert all(len(line.get_xdata()) <= 5 for line in ax.lines)


def test_zh_caption_of_the_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(figures_module, "MAX_PLOT_MARKERS", 23)
    blocks = _figure_blocks(_plots(), lang="zh")
    (yields,) = [b for b in blocks if isinstance(b, Figure) and b.key == "yields"]
    assert "本表共 24 个小区" in yields.caption


def test_field_map_is_drawn_for_a_small_table() -> None:
    blocks = _figure_blocks(_plots(field=True))
    assert any(isinstance(b, Figure) and b.key == "field" for b in blocks)


def test_field_map_above_the_limit_is_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(figures_module, "MAX_PLOT_MARKERS", 23)
    blocks = _figure_blocks(_plots(field=True))
    assert not any(isinstance(b, Figure) and b.key == "field" for b in blocks)
    (note,) = [b for b in blocks if isinstance(b, Paragraph) and "No field map" in b.text]
    assert note.style == "note"
    assert "24 plots" in note.text and "(at most 23)" in note.text


def test_boxes_are_matplotlibs_boxplot_statistics() -> None:
    # each box equals cbook.boxplot_stats of that treatment's plots (whiskers at 1.5 IQR)
    plots = _plots(blocks=30)
    plots.loc[5, "yield_kg_ha"] = np.nan  # a missing plot is left out
    ax = plot_yield_boxes(plots, order=["T1", "CK", "T2", "T3"])
    for i, name in enumerate(["T1", "CK", "T2", "T3"]):
        values = plots.loc[plots["treatment"] == name, "yield_kg_ha"].dropna().to_numpy()
        (expected,) = cbook.boxplot_stats(values, whis=1.5)
        mine = [line for line in ax.lines if i - 0.5 < line.get_xdata()[0] < i + 0.5]
        ys = np.concatenate([line.get_ydata() for line in mine])
        for key in ("med", "q1", "q3", "whislo", "whishi"):
            assert np.any(np.isclose(ys, expected[key], rtol=0, atol=1e-9)), (name, key)
        assert ys.min() == pytest.approx(expected["whislo"], abs=1e-9)
        assert ys.max() == pytest.approx(expected["whishi"], abs=1e-9)


def test_boxes_leave_out_treatments_not_in_the_order() -> None:
    ax = plot_yield_boxes(_plots(), order=["CK", "T2"])
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["CK", "T2"]
    assert all(-0.5 < line.get_xdata()[0] < 1.5 for line in ax.lines)
