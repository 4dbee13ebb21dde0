"""Field maps mark the plots without a harvest."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pytest

from yieldtrial.design import field_map, rcbd


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


def test_field_map_hatches_missing_plots() -> None:
    book = rcbd(["CK", "T1", "T2"], blocks=2, seed=1)
    ax = field_map(book, missing=["102"])
    hatched = [p for p in ax.patches if p.get_hatch()]
    # one hatched cell for plot 102 (its grey hatch) plus its black outline drawn on top
    assert len(hatched) == 1
    assert len(ax.patches) == 6 + 1


def test_field_map_without_missing_is_unchanged() -> None:
    ax = field_map(rcbd(["CK", "T1", "T2"], blocks=2, seed=1))
    assert len(ax.patches) == 6
    assert not any(p.get_hatch() for p in ax.patches)


def _colours(ax: Any) -> dict[str, tuple[float, ...]]:
    """Treatment -> face colour of its cells (the second line of each cell's label)."""
    labels = [text.get_text().split("\n")[1] for text in ax.texts]
    return {
        label: tuple(patch.get_facecolor()) for label, patch in zip(labels, ax.patches, strict=True)
    }


def test_treatments_fix_the_colours_across_parts() -> None:
    """A treatment keeps its colour in the map of each block when the treatments are given.

    Seen in the report of an alpha lattice drawn replicate by replicate: each map gave the
    colours in its own plot order, so G06 was light blue in one replicate, peach in another.
    """
    from yieldtrial.design import alpha_design

    book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=4, replicates=2, seed=1)
    order = list(dict.fromkeys(book["treatment"]))
    first, second = (part for _, part in book.groupby("block", sort=True))
    assert list(dict.fromkeys(first["treatment"])) != list(dict.fromkeys(second["treatment"]))
    one = _colours(field_map(first, treatments=order))
    two = _colours(field_map(second, treatments=order))
    assert set(one) == set(two) == set(order)
    assert all(one[label] == two[label] for label in order)
    whole = _colours(field_map(book))  # the whole field: first-appearance order, as before
    assert all(whole[label] == one[label] for label in order)
