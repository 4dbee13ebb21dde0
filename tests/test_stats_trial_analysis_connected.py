"""disconnected_groups: which treatments the incomplete blocks (rows, columns) connect.

The layouts are small and SYNTHETIC; the groups expected are read off each layout by hand
(two treatments are connected when they share an incomplete block, or a row or a column
of a row-column design, directly or through others).
"""

from __future__ import annotations

import pandas as pd

from yieldtrial.design import alpha_design
from yieldtrial.stats.trial_analysis import disconnected_groups

ALPHA = {"design": "alpha"}
ROW_COLUMN = {"design": "row_column"}


def _plots(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """(block, incomplete block or row, column, treatment, yield) per plot."""
    frame = pd.DataFrame(rows, columns=["block", "incomplete_block", "column", "treatment", "y"])
    frame["row"] = frame["incomplete_block"]
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce")  # "nan": a lost plot
    return frame


def test_a_generated_alpha_lattice_is_connected() -> None:
    book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=3, replicates=2, seed=1)
    book["y"] = 1.0
    groups = disconnected_groups(book, ALPHA, "y")
    assert len(groups) == 1 and len(groups[0]) == 12


def test_replicates_repeating_the_same_blocks_leave_the_blocks_apart() -> None:
    # blocks {A, B} and {C, D} in both replicates: A-B and C-D never meet
    plots = _plots([("1", "1", "1", "A", "1"), ("1", "1", "2", "B", "2"),
                    ("1", "2", "1", "C", "3"), ("1", "2", "2", "D", "4"),
                    ("2", "1", "1", "B", "5"), ("2", "1", "2", "A", "6"),
                    ("2", "2", "1", "D", "7"), ("2", "2", "2", "C", "8")])  # fmt: skip
    assert disconnected_groups(plots, ALPHA, "y") == [["A", "B"], ["C", "D"]]


def test_a_missing_plot_does_not_connect() -> None:
    # replicate 2 would join B with C and A with D, but C's and D's plots there are lost
    plots = _plots([("1", "1", "1", "A", "1"), ("1", "1", "2", "B", "2"),
                    ("1", "2", "1", "C", "3"), ("1", "2", "2", "D", "4"),
                    ("2", "1", "1", "B", "5"), ("2", "1", "2", "C", "nan"),
                    ("2", "2", "1", "A", "7"), ("2", "2", "2", "D", "nan")])  # fmt: skip
    assert disconnected_groups(plots, ALPHA, "y") == [["A", "B"], ["C", "D"]]
    plots.loc[5, "y"] = 6.0  # C harvested after all: B-C joins the two
    assert disconnected_groups(plots, ALPHA, "y") == [["A", "B", "C", "D"]]


def test_row_column_treatments_connect_through_columns() -> None:
    # rows {A, B} and {C, D}: apart by rows, joined by column 1 (A over C)
    plots = _plots([("1", "1", "1", "A", "1"), ("1", "1", "2", "B", "2"),
                    ("1", "2", "1", "C", "3"), ("1", "2", "2", "D", "4")])  # fmt: skip
    assert disconnected_groups(plots, ROW_COLUMN, "y") == [["A", "B", "C", "D"]]
    assert disconnected_groups(plots, ALPHA, "y") == [["A", "B"], ["C", "D"]]
