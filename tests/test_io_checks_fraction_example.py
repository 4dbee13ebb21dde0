"""A percentage given as a fraction: the fix shows the value given, times 100.

``standardize_moisture(442, moisture_pct=0.05, ...)`` said "Multiply by 100 (0.13 -> 13)",
a fixed example unrelated to the 0.05 typed.
"""

from __future__ import annotations

import numpy as np
import pytest

from yieldtrial import standardize_moisture
from yieldtrial.errors import DataValidationError


@pytest.mark.parametrize(("given", "meant"), [(0.05, "5"), (0.145, "14.5")])
def test_fix_shows_the_value_given(given, meant):
    """One number: ``(0.05 -> 5)``."""
    with pytest.raises(DataValidationError, match=rf"Multiply by 100 \({given} -> {meant}\)\.$"):
        standardize_moisture(442, moisture_pct=given, standard_moisture_pct=13)


def test_fix_of_an_array_shows_its_first_value():
    """An array of fractions: the first value and its percentage."""
    with pytest.raises(DataValidationError, match=r"\(first 0\.14\).*\(0\.14 -> 14\)\.$"):
        standardize_moisture(np.array([442.0, 400.0]), moisture_pct=np.array([0.14, 0.15]),
                             standard_moisture_pct=13)  # fmt: skip
