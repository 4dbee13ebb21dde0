"""Figures of large trials stay readable, and SVG output carries no date (issue 13 items 5, 6)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from yieldtrial.plotting import MAX_BLOCK_SERIES, close, figure_to_svg, plot_yields


def _plots(blocks: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "block": np.repeat([f"B{b}" for b in range(blocks)], 3),
            "treatment": ["A", "B", "C"] * blocks,
            "yield_kg_ha": rng.normal(7000.0, 300.0, 3 * blocks),
        }
    )


def test_many_blocks_are_plain_points_without_legend() -> None:
    ax = plot_yields(_plots(MAX_BLOCK_SERIES + 1))
    assert ax.get_legend() is None
    assert len(ax.get_lines()) == 1  # one series of points, not one line per block
    close(ax)


def test_few_blocks_keep_one_series_per_block() -> None:
    ax = plot_yields(_plots(3))
    assert ax.get_legend() is not None and len(ax.get_lines()) == 3
    close(ax)


def test_svg_has_no_date_metadata() -> None:
    ax = plot_yields(_plots(3))
    svg = figure_to_svg(ax)
    close(ax)
    assert "<dc:date>" not in svg
