"""The report's field maps of a split plot outline its whole plots (main plots)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from yieldtrial.design import split_plot
from yieldtrial.design.maps import _WHOLE_PLOT_GID
from yieldtrial.report.files import report_from_files

_TOML = """[trial]
title = "Split plot map"
crop = "wheat"

[analysis]
design = "split_plot"
whole_plot = "main"
block = "block"
unit = "kg/ha"
"""


pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture(scope="module")
def split_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Write a 3 x 4 split plot in 4 blocks (48 plots, 12 whole plots), without main_plot.

    The report finds the whole plots from block and whole-plot factor; yields are an
    arbitrary spread (6,000-6,490 kg/ha) so that the analysis runs.
    """
    book = split_plot(["N0", "N1", "N2"], ["V1", "V2", "V3", "V4"], blocks=4, seed=1)
    plots = book[["plot_id", "block", "row", "column", "main", "sub"]].rename(
        columns={"sub": "treatment"}
    )
    plots["yield_kg_ha"] = 6000.0 + (np.arange(len(plots)) * 7 % 50) * 10.0
    folder = tmp_path_factory.mktemp("split_map")
    plots.to_csv(folder / "plots.csv", index=False)
    (folder / "trial.toml").write_text(_TOML, encoding="utf-8")
    return folder / "plots.csv", folder / "trial.toml"


def _figure(files: tuple[Path, Path], section: str, key: str, lang: str) -> Any:
    report, _ = report_from_files(*files, report_date="2026-01-01", lang=lang)
    blocks = next(s for s in report.sections if s.key == section).blocks
    return next(b for b in blocks if getattr(b, "key", None) == key)


def _outlines(ax: Any) -> list[Any]:
    return [p for p in ax.patches if p.get_gid() == _WHOLE_PLOT_GID]


def test_layout_map_outlines_the_12_whole_plots(split_files: tuple[Path, Path]) -> None:
    # 3 main-plot levels x 4 blocks = 12 whole plots
    ax = _figure(split_files, "field_map", "field_map", "en").draw()
    assert len(_outlines(ax)) == 12


def test_layout_map_caption_names_the_whole_plots_en(split_files: tuple[Path, Path]) -> None:
    caption = _figure(split_files, "field_map", "field_map", "en").caption
    assert "thick lines: whole plots (main plots)" in caption


def test_layout_map_caption_names_the_whole_plots_zh(split_files: tuple[Path, Path]) -> None:
    caption = _figure(split_files, "field_map", "field_map", "zh").caption
    assert "粗线为主区分界" in caption


def test_layout_map_labels_stay_readable_at_page_width(split_files: tuple[Path, Path]) -> None:
    """The 12-column map (11.7 in) is printed 150 mm (5.9 in) wide: labels grow to 6.5 pt.

    6.5 pt x 11.7 / 5.906 = 12.9 pt at figure size; "101" and "V4" fit a 0.9-in cell.
    """
    ax = _figure(split_files, "field_map", "field_map", "en").draw()
    width = ax.figure.get_figwidth()
    assert width == pytest.approx(11.7)
    sizes = [text.get_fontsize() for text in ax.texts]
    assert sizes == [pytest.approx(6.5 * 11.7 / (150 / 25.4))] * 48


def test_yield_heat_map_outlines_the_whole_plots(split_files: tuple[Path, Path]) -> None:
    figure = _figure(split_files, "figures", "field", "en")
    assert len(_outlines(figure.draw())) == 12
    assert "thick lines: whole plots (main plots)" in figure.caption


def test_yield_heat_map_caption_zh(split_files: tuple[Path, Path]) -> None:
    assert "粗线为主区分界" in _figure(split_files, "figures", "field", "zh").caption


def test_rcbd_report_map_has_no_whole_plot_outlines() -> None:
    from yieldtrial.datasets import example_path

    files = (example_path("replicated-rcbd"), example_path("replicated-rcbd", "trial.toml"))
    figure = _figure(files, "field_map", "field_map", "en")
    assert _outlines(figure.draw()) == []
    assert "whole plots" not in figure.caption
