"""Tests of the shared statistics helpers (:mod:`yieldtrial.stats._common`)."""

from __future__ import annotations

import pandas as pd
import pytest

from yieldtrial.errors import DataValidationError


def test_factorize_labels_is_kept_for_an_arrow_text_column_until_it_changes() -> None:
    """The same codes and labels as pandas, kept for the column's arrow array.

    A set cell gives the column a new arrow array, and so a new factorization.
    """
    from yieldtrial.stats._common import factorize_labels

    pytest.importorskip("pyarrow")
    series = pd.Series(["B", "A", None, "B"], dtype="string[pyarrow]")
    for sentinel in (True, False):
        codes, uniques = factorize_labels(series, use_na_sentinel=sentinel)
        want_codes, want_uniques = pd.factorize(series, sort=False, use_na_sentinel=sentinel)
        again, _ = factorize_labels(series, use_na_sentinel=sentinel)
        assert codes.dtype == want_codes.dtype == again.dtype
        assert codes.tolist() == want_codes.tolist() == again.tolist()
        assert list(uniques) == list(want_uniques)
        again[0] = 99  # a fresh array each call: the kept codes are not changed
        assert factorize_labels(series, use_na_sentinel=sentinel)[0].tolist() == codes.tolist()
    frame = pd.DataFrame({"t": series})
    frame.loc[1, "t"] = "C"
    assert factorize_labels(frame["t"])[0].tolist() == [0, 1, -1, 0]
    assert list(factorize_labels(frame["t"])[1]) == ["B", "C"]


@pytest.mark.parametrize("flags", [[True, False, True], pd.array([True, None, True], dtype=object)])
def test_a_true_false_response_is_not_a_measurement(flags) -> None:
    """True/False was read as 1.0/0.0 and analysed (an ANOVA of flags) (stop 39)."""
    from yieldtrial.stats._common import numeric_column

    data = pd.DataFrame({"y": flags})
    with pytest.raises(DataValidationError, match=r"column 'y' must be numeric; it holds True"):
        numeric_column(data, "y", fix="Fix the value.")
