"""Figures of a large trial draw the extremes and the controls, and the caption says so."""

from __future__ import annotations

import re
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from yieldtrial.report.model import Figure
from yieldtrial.report.sections.figures import CROWDED_LABEL_CHARS, MAX_BARS, _crowded, _shown
from yieldtrial.trial import FieldTrial


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


def _means(k: int) -> pd.DataFrame:
    # means 1..k in a shuffled display order; the control "CK" has a middling mean
    rng = np.random.default_rng(0)
    values = rng.permutation(np.arange(1.0, k + 1.0))
    labels = [f"G{i}" for i in range(k)]
    labels[int(np.argmin(np.abs(values - k / 2)))] = "CK"
    return pd.DataFrame({"treatment": labels, "mean": values})


def test_small_trial_draws_every_treatment() -> None:
    means = _means(MAX_BARS)
    assert _shown(means, ["CK"]) is means


def test_large_trial_draws_extremes_and_control_in_display_order() -> None:
    means = _means(200)
    shown = _shown(means, ["CK"])
    half = MAX_BARS // 2
    expected = (means["mean"] > 200 - half) | (means["mean"] <= half) | (means["treatment"] == "CK")
    assert shown.index.tolist() == means.index[expected].tolist()
    assert len(shown) == MAX_BARS + 1


def test_report_caption_says_figure_is_a_subset() -> None:
    k, blocks = MAX_BARS + 10, 2
    rng = np.random.default_rng(3)
    plots = pd.DataFrame(
        {
            "plot": [f"{b}-{i}" for b in range(blocks) for i in range(k)],
            "block": [f"B{b}" for b in range(blocks) for _ in range(k)],
            "treatment": ["CK" if i == 0 else f"G{i:03d}" for _ in range(blocks) for i in range(k)],
            "yield_kg_ha": 7000.0 + rng.normal(0.0, 300.0, k * blocks),
        }
    )
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK", design="rcbd")
    report = trial.report(figures=True)
    figures = [b for s in report.sections for b in s.blocks if isinstance(b, Figure)]
    means = next(f for f in figures if f.key == "means")
    found = re.search(r"Showing (\d+) of (\d+) treatments", means.caption)
    assert found is not None and int(found[2]) == k
    # the 20 highest and 20 lowest, plus the control when it is not among them
    assert int(found[1]) in (MAX_BARS, MAX_BARS + 1)
    ax = means.draw()
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    assert len(labels) == int(found[1]) and "CK" in labels


def test_crowded_labels_are_turned_upright() -> None:
    """24 entries G01..G24 (96 characters) overlapped side by side under the bars."""
    assert _crowded([f"G{i:02d}" for i in range(1, 25)])
    assert not _crowded(["CK", "T1", "T2", "T3"])
    assert CROWDED_LABEL_CHARS == 60  # about what fits under a 6-inch axis at 10 pt
    rng = np.random.default_rng(4)
    labels = [f"G{i:02d}" for i in range(1, 25)]
    plots = pd.DataFrame(
        {
            "plot": [f"{b}-{i}" for b in range(2) for i in range(24)],
            "block": [f"B{b}" for b in range(2) for _ in range(24)],
            "treatment": labels * 2,
            "yield_kg_ha": 7000.0 + rng.normal(0.0, 300.0, 48),
        }
    )
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="G01", design="rcbd")
    figures = [b for s in trial.report(figures=True).sections for b in s.blocks
               if isinstance(b, Figure)]  # fmt: skip
    for key in ("means", "yields"):
        ax = next(f for f in figures if f.key == key).draw()
        assert {tick.get_rotation() for tick in ax.get_xticklabels()} == {90.0}


@pytest.mark.parametrize(("lang", "label"), [("en", "Sub-plot factor"), ("zh", "副区因素")])
def test_split_plot_means_figure_names_the_factor_on_its_axis(lang: str, label: str) -> None:
    """The bars of a split plot are the sub-plot factor's means, not the treatments (cells).

    Field book of ``yieldtrial.design.split_plot`` (columns ``main`` and ``sub``); the axis
    reads as the means table's header (``factor_label``: 副区因素 in Chinese).
    """
    from yieldtrial import design

    book = design.split_plot(["N0", "N1"], ["V1", "V2", "V3"], blocks=3, seed=5)
    book = book.drop(columns=["fresh_mass_kg", "moisture_pct", "impurity_pct"], errors="ignore")
    rng = np.random.default_rng(2)
    book["yield_kg_ha"] = 7000.0 + rng.normal(0.0, 250.0, len(book))
    trial = FieldTrial.from_dataframe(
        book, crop="wheat", control="V1", design="split_plot", factors=("main", "sub")
    )
    figures = [b for s in trial.report(figures=True, lang=lang).sections for b in s.blocks
               if isinstance(b, Figure)]  # fmt: skip
    means = next(f for f in figures if f.key == "means").draw()
    assert means.get_xlabel() == label
    yields = next(f for f in figures if f.key == "yields").draw()  # cells N0:V1, ...
    assert yields.get_xlabel() == ("Treatment" if lang == "en" else "处理")


@pytest.mark.parametrize(
    ("lang", "start"),
    [
        ("en", "Sub-plot factor means with 95 % confidence intervals and letters"),
        ("zh", "副区因素各水平平均产量及 95% 置信区间和显著性字母"),
    ],
)
def test_split_plot_means_caption_names_the_factor(lang: str, start: str) -> None:
    """User pass: the caption read "Treatment means" (各处理平均产量) under one factor's means."""
    from yieldtrial import design

    book = design.split_plot(["N0", "N1"], ["V1", "V2", "V3"], blocks=3, seed=5)
    book = book.drop(columns=["fresh_mass_kg", "moisture_pct", "impurity_pct"], errors="ignore")
    rng = np.random.default_rng(2)
    book["yield_kg_ha"] = 7000.0 + rng.normal(0.0, 250.0, len(book))
    trial = FieldTrial.from_dataframe(
        book, crop="wheat", control="V1", design="split_plot", factors=("main", "sub")
    )
    figures = [b for s in trial.report(figures=True, lang=lang).sections for b in s.blocks
               if isinstance(b, Figure)]  # fmt: skip
    assert next(f for f in figures if f.key == "means").caption.startswith(start)


@pytest.mark.parametrize(
    ("control", "lang", "clause", "expected"),
    [
        (None, "en", "dashed lines", False),
        ("V1", "en", "; dashed lines mark the control means.", True),
        (None, "zh", "虚线", False),
        ("V1", "zh", "；虚线为对照水平。", True),
    ],
)
def test_means_caption_names_dashed_lines_only_when_a_control_is_drawn(
    control: str | None, lang: str, clause: str, expected: bool
) -> None:
    """User pass: a split plot without a control said "dashed lines mark the control means".

    plot_means draws a dashed line only for a control among the bars (here: a sub-plot level).
    """
    from yieldtrial import design

    book = design.split_plot(["N0", "N1"], ["V1", "V2", "V3"], blocks=3, seed=5)
    book = book.drop(columns=["fresh_mass_kg", "moisture_pct", "impurity_pct"], errors="ignore")
    rng = np.random.default_rng(2)
    book["yield_kg_ha"] = 7000.0 + rng.normal(0.0, 250.0, len(book))
    trial = FieldTrial.from_dataframe(
        book, crop="wheat", control=control, design="split_plot", factors=("main", "sub")
    )
    figures = [b for s in trial.report(figures=True, lang=lang).sections for b in s.blocks
               if isinstance(b, Figure)]  # fmt: skip
    caption = next(f for f in figures if f.key == "means").caption
    assert (clause in caption) is expected
    drawn = next(f for f in figures if f.key == "means").draw()
    assert any(line.get_linestyle() == "--" for line in drawn.get_lines()) is expected


def test_crowded_means_letters_do_not_overlap() -> None:
    """30 treatments x 4 blocks: the letters above neighbouring bars overlapped at 7 pt.

    The letters of a crowded figure are turned upright; their drawn extents (the
    renderer's window extents) are pairwise disjoint.
    """
    rng = np.random.default_rng(30)
    labels = [f"G{i:02d}" for i in range(1, 31)]
    # a gentle gradient of true means plus noise: long, overlapping letter groups
    effect = np.linspace(0.0, 900.0, 30)
    plots = pd.DataFrame(
        {
            "plot": [f"{b}-{i}" for b in range(4) for i in range(30)],
            "block": [f"B{b}" for b in range(4) for _ in range(30)],
            "treatment": labels * 4,
            "yield_kg_ha": 7000.0 + np.tile(effect, 4) + rng.normal(0.0, 250.0, 120),
        }
    )
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="G01", design="rcbd")
    figures = [b for s in trial.report(figures=True).sections for b in s.blocks
               if isinstance(b, Figure)]  # fmt: skip
    ax = next(f for f in figures if f.key == "means").draw()
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    letters = [t for t in ax.texts if t.get_text().isalpha() and t.get_text().islower()]
    assert len(letters) == 30
    assert max(len(t.get_text()) for t in letters) > 1  # overlapping groups: a real test
    boxes = sorted((t.get_window_extent(renderer) for t in letters), key=lambda b: b.x0)
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left.x1 <= right.x0, (left, right)
    # and they stay inside the figure
    whole = fig.bbox
    assert all(b.y1 <= whole.y1 and b.x0 >= whole.x0 and b.x1 <= whole.x1 for b in boxes)
