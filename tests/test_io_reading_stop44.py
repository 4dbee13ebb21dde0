"""Reading a large plot table with less memory (issue 13, stop 44): the same table as before.

The arrow reader joins each label column's blocks into one ``large_string`` chunk at its
final size (:func:`yieldtrial.io.table_files._joined_text`); the expected column is
pyarrow's own ``cast`` to ``large_string`` followed by ``combine_chunks`` (the path the
reader took before). ``read_plots`` no longer selects every row of a table without empty
rows (a whole-table copy) and gives pyarrow's freed pages back after the label checks; the
tiny-yield warning finds its plot without plot-sized copies (expected plot: the first of
the largest yields, by hand).
"""

from __future__ import annotations

import random
import warnings

import numpy as np
import pandas as pd
import pytest

from arrow_spy import spy_release_unused
from yieldtrial.io import read_plots, table_files, yields


def _blocks(seed: int) -> list[object]:
    pa = pytest.importorskip("pyarrow")
    rng = random.Random(seed)
    cells = [None, "", "a", "对照", "T1 ", "x" * 30, "101"]
    blocks = []
    for _ in range(rng.randint(0, 5)):
        block = pa.array([rng.choice(cells) for _ in range(rng.randint(0, 40))], pa.string())
        if len(block) > 3 and rng.random() < 0.5:
            block = block.slice(rng.randint(1, 3))  # an offset into the block's buffers
        blocks.append(block)
    return blocks


@pytest.mark.parametrize("seed", range(40))
def test_joined_text_equals_cast_and_combine(seed: int) -> None:
    """Blocks with missing cells, empty strings, CJK text and sliced blocks: the same column."""
    pa = pytest.importorskip("pyarrow")
    blocks = _blocks(seed)
    expected = pa.chunked_array(blocks, pa.string()).cast(pa.large_string()).combine_chunks()
    given = list(blocks)
    joined = table_files._joined_text(given)
    assert given == []  # every block handed over
    assert joined.num_chunks == 1
    assert joined.type == pa.large_string()
    got = joined.chunk(0)
    got.validate(full=True)
    assert got.equals(expected)
    assert got.null_count == expected.null_count


def test_joined_text_of_no_blocks_is_an_empty_column() -> None:
    """A table with a header only: an empty ``large_string`` column."""
    pa = pytest.importorskip("pyarrow")
    joined = table_files._joined_text([])
    assert len(joined) == 0
    assert joined.type == pa.large_string()


def test_read_plots_leaves_a_given_table_unchanged() -> None:
    """No empty row: the plot table is built on a shallow copy, the caller's table untouched."""
    given = pd.DataFrame(
        {
            "plot_id": ["1", "2", "3", "4"],
            "block": ["1", "1", "2", "2"],
            "treatment": [" T1", "T2", "T1", "T2 "],  # normalised in the plot table
            "harvested_area_m2": [20.0, 20.0, 20.0, 20.0],
            "fresh_mass_kg": [10.5, 11.0, 10.0, 12.5],
            "moisture_pct": [13.0, 13.0, 13.0, 13.0],
        }
    )
    before = given.copy(deep=True)
    plots = read_plots(given)
    pd.testing.assert_frame_equal(given, before)
    assert plots["treatment"].tolist() == ["T1", "T2", "T1", "T2"]


def test_release_arrow_pages_only_for_large_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below RELEASE_ROWS nothing is given back; from it on, pyarrow's pool releases once."""
    calls = spy_release_unused(monkeypatch)
    table_files.release_arrow_pages(table_files.RELEASE_ROWS - 1)
    assert calls == []
    table_files.release_arrow_pages(table_files.RELEASE_ROWS)
    assert calls == ["release"]


@pytest.mark.parametrize(
    ("values", "plot"),
    [
        ([0.004, 0.007, None, 0.007], "2"),  # a tie: the first of the largest
        ([None, 0.0, 0.005, 0.001], "3"),
        ([0.009, None, None, None], "1"),
    ],
    ids=["tie", "nan-first", "first-plot"],
)
def test_tiny_yield_warning_names_the_first_largest_plot(values: list, plot: str) -> None:
    """The plot named is the first holding the largest yield (missing plots skipped)."""
    plots = pd.DataFrame({"plot_id": ["1", "2", "3", "4"]})
    series = pd.Series(values, dtype=float)
    top = float(np.nanmax(series.to_numpy()))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yields.warn_tiny_yields(plots, series)
    assert [str(w.message) for w in caught] == [
        f"every standardized yield is below 1 kg/ha (the largest: plot '{plot}' = {top:.3g} "
        "kg/ha), far below any harvested crop, and the report rounds such yields to 0.0: "
        "check the units: is the mass in mg but read as kg, or the area in cm2 or mm2 but "
        "read as m2?"
    ]


def test_tiny_yield_warning_with_an_infinite_yield_is_as_before() -> None:
    """An infinite yield (the API, unchecked) is not observed: the finite largest is named."""
    plots = pd.DataFrame({"plot_id": ["1", "2", "3"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yields.warn_tiny_yields(plots, pd.Series([0.002, np.inf, 0.003]))
    assert len(caught) == 1
    assert "plot '3' = 0.003 kg/ha" in str(caught[0].message)
