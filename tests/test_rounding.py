"""The one rounding rule of printed numbers (``yieldtrial.io._rounding``).

Every expected text is Excel's display of the stored double, computed independently of the
module: the value's 15-significant-digit decimal (``f"{x:.15g}"``, what Excel keeps of a
double) quantized half away from zero (``decimal.ROUND_HALF_UP``), i.e. 四舍五入.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from yieldtrial.io._rounding import fixed, round_frame, round_half_away, round_half_away_array


def excel_shows(value: float, digits: int) -> str:
    """Excel's display of ``value`` with cell format ``0.0...`` (``digits`` decimals)."""
    quantum = Decimal(1).scaleb(-digits)
    return format(Decimal(f"{value:.15g}").quantize(quantum, rounding=ROUND_HALF_UP), f".{digits}f")


#: 13.95 as the average of two one-decimal means and of two-decimal plot yields: each is the
#: double just below 13.95 (13.949999999999999289...), which Python's ".1f" printed as 13.9.
MEANS_13_95 = [(13.9 + 14.0) / 2, (13.87 + 14.03) / 2, (27.87 + 27.93) / 4, 13.95]


@pytest.mark.parametrize("value", MEANS_13_95)
def test_a_mean_of_13_95_prints_14_0_as_excel_shows_it(value: float) -> None:
    assert f"{value:.1f}" == "13.9"  # the binary rounding the reports used before
    assert fixed(value, 1) == excel_shows(value, 1) == "14.0"


@pytest.mark.parametrize("value", MEANS_13_95)
def test_a_negative_tie_rounds_away_from_zero(value: float) -> None:
    assert fixed(-value, 1) == excel_shows(-value, 1) == "-14.0"
    assert fixed(-value, 1, sign=True) == "-14.0"


def test_0_125_to_two_decimals_is_0_13() -> None:
    # 0.125 is exact in binary: a true tie, which Python's half-even rounding printed as 0.12
    assert f"{0.125:.2f}" == "0.12"
    assert fixed(0.125, 2) == excel_shows(0.125, 2) == "0.13"
    assert round_half_away(0.125, 2) == 0.13


def test_values_away_from_a_tie_print_as_before() -> None:
    rng = np.random.default_rng(37)
    values = rng.normal(0.0, 5000.0, 2000)
    for digits in (0, 1, 2, 3):
        for value in values:
            assert fixed(value, digits) == f"{value:.{digits}f}"


def test_the_sign_and_the_grouping_follow_the_rounded_value() -> None:
    assert fixed(0.05, 1, sign=True) == "+0.1"  # 0.05 is 0.05000000000000000277: away anyway
    assert fixed(12345.65, 1, group=",") == "12,345.7" and excel_shows(12345.65, 1) == "12345.7"
    assert fixed(9999.95, 1, group=" ") == "10 000.0"


def test_nan_and_infinities_print_as_python_prints_them() -> None:
    assert fixed(math.nan, 1) == "nan"
    assert fixed(math.inf, 2, sign=True) == "+inf"
    assert math.isnan(round_half_away(math.nan, 1))
    assert round_half_away(-math.inf, 1) == -math.inf


def test_the_vectorized_rule_equals_the_scalar_one() -> None:
    rng = np.random.default_rng(8170)
    two_decimals = np.round(rng.uniform(0.0, 100.0, (5000, 2)), 2)
    means = two_decimals.mean(axis=1)  # many ties at one decimal, some near-ties in binary
    values = np.concatenate([means, -means, [math.nan, math.inf, 0.125, -0.0]])
    for digits in (0, 1, 2):
        got = round_half_away_array(values, digits)
        want = [round_half_away(v, digits) for v in values]
        np.testing.assert_array_equal(got, want)
        shown = [f"{v:.{digits}f}" for v in got[np.isfinite(got)]]
        assert shown == [excel_shows(v, digits) for v in values[np.isfinite(values)]]


def test_round_frame_rounds_only_the_float_columns() -> None:
    frame = pd.DataFrame({"plot": ["A", "B"], "n": [3, 4], "y": [13.95, -0.125]})
    out = round_frame(frame, 1)
    assert out["y"].tolist() == [14.0, -0.1]
    assert out["plot"].tolist() == ["A", "B"] and out["n"].dtype == frame["n"].dtype
    assert frame["y"].tolist() == [13.95, -0.125]  # the input is not changed
