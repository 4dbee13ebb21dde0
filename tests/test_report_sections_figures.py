"""Figures of a large trial draw the extremes and the controls, and the caption says so."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from yieldtrial.report.model import Figure
from yieldtrial.report.sections.figures import CROWDED_LABEL_CHARS, MAX_BARS, _crowded, _shown
from yieldtrial.trial import FieldTrial

pytestmark = pytest.mark.usefixtures("close_figures")


def _figures(trial: FieldTrial, **options: Any) -> list[Figure]:
    """Return the figures of the trial's report (``figures=True``), in order."""
    report = trial.report(figures=True, **options)
    return [b for s in report.sections for b in s.blocks if isinstance(b, Figure)]


@pytest.fixture
def rcbd_trial() -> Callable[..., FieldTrial]:
    """Build an RCBD of wheat: treatments ``labels`` in each of ``blocks`` blocks, ``yields``.

    Plots ``"<block>-<i>"`` in blocks ``B0``, ``B1``, ...; ``yields`` [kg/ha] block by block.
    """

    def build(labels: list[str], blocks: int, yields: np.ndarray, control: str) -> FieldTrial:
        k = len(labels)
        plots = pd.DataFrame(
            {
                "plot": [f"{b}-{i}" for b in range(blocks) for i in range(k)],
                "block": [f"B{b}" for b in range(blocks) for _ in range(k)],
                "treatment": labels * blocks,
                "yield_kg_ha": yields,
            }
        )
        return FieldTrial.from_dataframe(plots, crop="wheat", control=control, design="rcbd")

    return build


@pytest.fixture
def split_plot_figures() -> Callable[..., list[Figure]]:
    """Figures of a split plot with a control (or none), in a language.

    Field book of ``yieldtrial.design.split_plot`` (whole plots N0, N1 in ``main``, sub-plots
    V1-V3 in ``sub``, 3 blocks), yields 7000 + N(0, 250) kg/ha.
    """
    from yieldtrial import design

    book = design.split_plot(["N0", "N1"], ["V1", "V2", "V3"], blocks=3, seed=5)
    book = book.drop(columns=["fresh_mass_kg", "moisture_pct", "impurity_pct"], errors="ignore")
    rng = np.random.default_rng(2)
    book["yield_kg_ha"] = 7000.0 + rng.normal(0.0, 250.0, len(book))

    def figures(control: str | None, lang: str) -> list[Figure]:
        trial = FieldTrial.from_dataframe(
            book, crop="wheat", control=control, design="split_plot", factors=("main", "sub")
        )
        return _figures(trial, lang=lang)

    return figures


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


def test_large_trial_draws_extremes_and_control_highest_mean_first() -> None:
    # stop 48: in display order the 20 highest and 20 lowest alternated along the axis
    means = _means(200)
    shown = _shown(means, ["CK"])
    half = MAX_BARS // 2
    expected = (means["mean"] > 200 - half) | (means["mean"] <= half) | (means["treatment"] == "CK")
    assert sorted(shown.index.tolist()) == means.index[expected].tolist()
    # means 200 ... 181, the control's middling mean, 20 ... 1
    assert shown["mean"].tolist() == sorted(shown["mean"].tolist(), reverse=True)
    assert len(shown) == MAX_BARS + 1


def test_report_caption_says_figure_is_a_subset(rcbd_trial: Callable[..., FieldTrial]) -> None:
    k, blocks = MAX_BARS + 10, 2
    rng = np.random.default_rng(3)
    labels = ["CK" if i == 0 else f"G{i:03d}" for i in range(k)]
    trial = rcbd_trial(labels, blocks, 7000.0 + rng.normal(0.0, 300.0, k * blocks), "CK")
    figures = _figures(trial)
    means = next(f for f in figures if f.key == "means")
    found = re.search(r"Showing (\d+) of (\d+) treatments", means.caption)
    assert found is not None and int(found[2]) == k
    # the 20 highest and 20 lowest, plus the control when it is not among them
    assert int(found[1]) in (MAX_BARS, MAX_BARS + 1)
    ax = means.draw()
    labels = [tick.get_text() for tick in ax.get_xticklabels()]
    assert len(labels) == int(found[1]) and "CK" in labels


def test_crowded_labels_are_turned_upright(rcbd_trial: Callable[..., FieldTrial]) -> None:
    """24 entries G01..G24 (96 characters) overlapped side by side under the bars."""
    assert _crowded([f"G{i:02d}" for i in range(1, 25)])
    assert not _crowded(["CK", "T1", "T2", "T3"])
    assert CROWDED_LABEL_CHARS == 60  # about what fits under a 6-inch axis at 10 pt
    rng = np.random.default_rng(4)
    labels = [f"G{i:02d}" for i in range(1, 25)]
    figures = _figures(rcbd_trial(labels, 2, 7000.0 + rng.normal(0.0, 300.0, 48), "G01"))
    for key in ("means", "yields"):
        ax = next(f for f in figures if f.key == key).draw()
        assert {tick.get_rotation() for tick in ax.get_xticklabels()} == {90.0}


@pytest.mark.parametrize(("lang", "label"), [("en", "Sub-plot factor"), ("zh", "副区因素")])
def test_split_plot_means_figure_names_the_factor_on_its_axis(
    lang: str, label: str, split_plot_figures: Callable[..., list[Figure]]
) -> None:
    """The bars of a split plot are the sub-plot factor's means, not the treatments (cells).

    Field book of ``yieldtrial.design.split_plot`` (columns ``main`` and ``sub``); the axis
    reads as the means table's header (``factor_label``: 副区因素 in Chinese).
    """
    figures = split_plot_figures("V1", lang)
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
def test_split_plot_means_caption_names_the_factor(
    lang: str, start: str, split_plot_figures: Callable[..., list[Figure]]
) -> None:
    """User pass: the caption read "Treatment means" (各处理平均产量) under one factor's means."""
    figures = split_plot_figures("V1", lang)
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
    control: str | None,
    lang: str,
    clause: str,
    expected: bool,
    split_plot_figures: Callable[..., list[Figure]],
) -> None:
    """User pass: a split plot without a control said "dashed lines mark the control means".

    plot_means draws a dashed line only for a control among the bars (here: a sub-plot level).
    """
    figures = split_plot_figures(control, lang)
    caption = next(f for f in figures if f.key == "means").caption
    assert (clause in caption) is expected
    drawn = next(f for f in figures if f.key == "means").draw()
    assert any(line.get_linestyle() == "--" for line in drawn.get_lines()) is expected


def test_crowded_means_letters_do_not_overlap(rcbd_trial: Callable[..., FieldTrial]) -> None:
    """30 treatments x 4 blocks: the letters above neighbouring bars overlapped at 7 pt.

    The letters of a crowded figure are turned upright; their drawn extents (the
    renderer's window extents) are pairwise disjoint.
    """
    rng = np.random.default_rng(30)
    labels = [f"G{i:02d}" for i in range(1, 31)]
    # a gentle gradient of true means plus noise: long, overlapping letter groups
    effect = np.linspace(0.0, 900.0, 30)
    yields = 7000.0 + np.tile(effect, 4) + rng.normal(0.0, 250.0, 120)
    figures = _figures(rcbd_trial(labels, 4, yields, "G01"))
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


def test_residual_field_map_labels_a_lost_plot_with_its_treatment():
    """A plot without a yield (fresh mass empty) is labelled by its treatment, never "nan".

    The shipped replicated RCBD with plot 203 (CK1, row 2, column 3) emptied: the lost
    plots were added to the map with plot_id, row and column only, so their label read "nan".
    """
    from yieldtrial.datasets import example_path

    plots = pd.read_csv(example_path("replicated-rcbd"))
    lost = plots["plot_id"] == 203
    plots.loc[lost, "fresh_mass_kg"] = np.nan
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK1")
    figure = next(f for f in _figures(trial) if f.key == "field")
    texts = [t.get_text() for t in figure.draw().texts]
    assert not [t for t in texts if "nan" in t]
    treatment = str(plots.loc[lost, "treatment"].iloc[0])
    assert f"{treatment}\n" in texts  # the treatment, and no residual under it


def test_long_chinese_labels_do_not_overlap(rcbd_trial: Callable[..., FieldTrial]) -> None:
    """Six treatments, two with long Chinese names side by side: upright, or apart.

    "减量20%+增效剂" and "常规施肥" are 27 characters in all, far below
    :data:`CROWDED_LABEL_CHARS`, but a Chinese character is about twice as wide as a Latin
    one and the two long names are neighbours: side by side they ran into each other.
    """
    labels = ["CK", "T3", "T4", "T5", "减量20%+增效剂", "常规施肥"]
    rng = np.random.default_rng(5)
    trial = rcbd_trial(labels, 4, 7000.0 + rng.normal(0.0, 300.0, 24), "CK")
    for key in ("means", "yields"):
        ax = next(f for f in _figures(trial, lang="zh") if f.key == key).draw()
        ax.figure.canvas.draw()
        renderer = ax.figure.canvas.get_renderer()
        boxes = sorted(
            (t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()),
            key=lambda b: b.x0,
        )
        assert len(boxes) == 6
        for left, right in zip(boxes, boxes[1:], strict=False):
            assert left.x1 <= right.x0, key


def test_long_labels_alone_leave_the_letters_upright(rcbd_trial: Callable[..., FieldTrial]) -> None:
    """Two long Chinese neighbours turn the six labels upright, not the bars' letters.

    The letters ("a", "ab") of six bars have room side by side; turned on their side at
    7 pt they were harder to read for no gain.
    """
    labels = ["CK", "T3", "T4", "T5", "减量20%+增效剂", "常规施肥"]
    rng = np.random.default_rng(5)
    trial = rcbd_trial(labels, 4, 7000.0 + rng.normal(0.0, 300.0, 24), "CK")
    ax = next(f for f in _figures(trial, lang="zh") if f.key == "means").draw()
    assert {tick.get_rotation() for tick in ax.get_xticklabels()} == {90.0}
    assert ax.texts and {text.get_rotation() for text in ax.texts} == {0.0}


def _subset_trial_with_illustrative(illustrative: list[str]) -> FieldTrial:
    """RCBD of MAX_BARS + 10 treatments, G000 lowest to G049 highest (100 kg/ha apart).

    Block noise N(0, 5) kg/ha leaves the order; the figure draws the 20 lowest and 20
    highest means, so G025 (the middle) is not drawn. ``illustrative`` plots carry
    ``data_status = illustrative``.
    """
    k, blocks = MAX_BARS + 10, 2
    labels = [f"G{i:03d}" for i in range(k)]
    rng = np.random.default_rng(4)
    plots = pd.DataFrame(
        {
            "plot": [f"{b}-{i}" for b in range(blocks) for i in range(k)],
            "block": [f"B{b}" for b in range(blocks) for _ in range(k)],
            "treatment": labels * blocks,
            "yield_kg_ha": [7000.0 + 100.0 * i for _ in range(blocks) for i in range(k)]
            + rng.normal(0.0, 5.0, k * blocks),
        }
    )
    plots["data_status"] = np.where(plots["treatment"].isin(illustrative), "illustrative", "")
    return FieldTrial.from_dataframe(plots, crop="wheat", control="G000", design="rcbd")


def test_hatched_caption_names_only_the_hatched_bars_drawn() -> None:
    trial = _subset_trial_with_illustrative(["G001", "G025"])
    # LSD letters: the caption and the bars drawn are the default Tukey report's (compared
    # at stop 47), without the studentized range of 1,225 pairs (about 20 s of CPU)
    means = next(f for f in _figures(trial, letters="lsd") if f.key == "means")
    assert "Hatched bars (G001): illustrative values" in means.caption
    assert "G025" not in means.caption
    assert "G025" not in [tick.get_text() for tick in means.draw().get_xticklabels()]


def test_hatched_caption_is_left_out_when_no_hatched_bar_is_drawn() -> None:
    trial = _subset_trial_with_illustrative(["G025"])
    means = next(f for f in _figures(trial, letters="lsd") if f.key == "means")  # as above
    assert "Hatched" not in means.caption
    assert "Showing" in means.caption  # the subset note stays


def test_figures_survive_pickling_and_draw_the_same(rcbd_trial: Callable[..., FieldTrial]) -> None:
    """Each figure's draw is a module-level function with its data (a closure did not pickle)."""
    import pickle

    rng = np.random.default_rng(3)
    trial = rcbd_trial(["CK", "A", "B"], 3, 7000.0 + rng.normal(0.0, 300.0, 9), "CK")
    figures = _figures(trial)
    loaded = pickle.loads(pickle.dumps(figures))  # noqa: S301  # our own bytes
    assert [f.key for f in loaded] == [f.key for f in figures] and len(figures) >= 2
    assert [f.svg() for f in loaded] == [f.svg() for f in figures]
