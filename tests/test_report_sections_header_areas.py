"""Distinct harvested areas of the report header (``report.sections.header._distinct_rows``).

Expected values: ``sorted(set(map(tuple, rows)))``, the Python route the function replaces,
computed in each test on the same array.
"""

from __future__ import annotations

import numpy as np

from yieldtrial.report.sections.header import _distinct_rows


def test_distinct_rows_match_sorted_set_of_tuples() -> None:
    rng = np.random.default_rng(7)
    values = np.round(rng.choice([10.0, 7.5, 12.25, 0.0, -0.0], size=(500, 2)), 6)
    assert _distinct_rows(values) == sorted(set(map(tuple, values)))


def test_single_column_areas() -> None:
    values = np.array([[12.0], [10.0], [12.0], [10.5]])
    assert _distinct_rows(values) == [(10.0,), (10.5,), (12.0,)]


def test_non_finite_values_take_the_python_route() -> None:
    values = np.array([[12.0, np.inf], [10.0, 1.0], [12.0, np.inf]])
    assert _distinct_rows(values) == sorted(set(map(tuple, values)))
