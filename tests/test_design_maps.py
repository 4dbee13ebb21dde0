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
