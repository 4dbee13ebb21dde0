"""Tests of yieldtrial.io.checks: how messages show values, the whole-number rule."""

from __future__ import annotations

import numpy as np
import pytest

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import (
    check_number,
    check_option,
    margin_without_control,
    plain_scalar,
    shown,
    shown_count,
    whole_number,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(np.str_("CK"), "'CK'"), (np.float64(0.5), "0.5"), (np.int64(3), "3"), (np.array(2.0), "2.0")],
    ids=["str_", "float64", "int64", "0-d-array"],
)
def test_shown_gives_a_numpy_scalar_as_python_writes_it(value, expected):
    """NumPy 2 reprs (np.str_('CK'), np.float64(0.5)) named a type the user never typed."""
    assert shown(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # hand-counted: 10**20 - 1 is twenty 9s (the longest shown whole), 10**20 has 21 digits
        (10**20 - 1, "99999999999999999999"),
        (10**20, "1.000e+20 (a 21-digit integer)"),
        (10**400 - 1, "9.999e+399 (a 400-digit integer)"),  # log10 rounds it to 400.0
        (10**400, "1.000e+400 (a 401-digit integer)"),
        (-(10**400), "-1.000e+400 (a 401-digit integer)"),  # was "(402 digits)": the sign
        (12345 * 10**396, "1.234e+400 (a 401-digit integer)"),  # first four digits, cut
        (10**5000, "1.000e+5000 (a 5,001-digit integer)"),  # repr() refuses > 4,300 digits
    ],
    ids=["20-digits", "21-digits", "400-nines", "401-digits", "negative", "lead", "5001-digits"],
)
def test_shown_shortens_a_huge_integer(value, expected):
    """blocks=10**400 printed 400 digits; 10**5000 made repr() raise ValueError."""
    assert shown(value) == expected


def test_shown_count_groups_a_count_a_trial_can_have():
    """Counts are grouped by thousands (12,000 plots) up to 20 digits."""
    assert (shown_count(12_000), shown_count(-5)) == ("12,000", "-5")


def test_plain_scalar_leaves_other_values_alone():
    """Lists, Python values and arrays of several values are returned as they are."""
    values = [[1], "CK", 2.5]
    assert [plain_scalar(value) for value in values] == values
    array = np.array([1.0, 2.0])
    assert plain_scalar(array) is array


def test_option_message_quotes_a_numpy_string_as_text():
    """check_option (method, design, ...) shows np.str_('linear') as 'linear'."""
    with pytest.raises(DataValidationError, match=r"^unknown method 'linear'; expected one of"):
        check_option("method", np.str_("linear"), ("dry_matter", "shrink"))


def test_number_message_quotes_a_numpy_string_as_text():
    """check_number's "is text" message shows np.str_('0.05') as '0.05'."""
    with pytest.raises(DataValidationError, match=r"^alpha = '0\.05' is text; write"):
        check_number("alpha", np.str_("0.05"), low=None, high=None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4, 4), (4.0, 4), (np.int64(4), 4), (np.float32(4.0), 4), (10**30, 10**30)],
    ids=["int", "float", "int64", "float32", "huge-int"],
)
def test_whole_number_takes_an_integral_value(value, expected):
    """An int, a NumPy integer or an integral float is a whole number (ints exactly)."""
    assert whole_number(value) == expected


@pytest.mark.parametrize(
    "value",
    [4.5, True, np.bool_(True), "4", None, float("nan"), float("inf"), [4]],
    ids=["4.5", "True", "np-bool", "text", "None", "nan", "inf", "list"],
)
def test_whole_number_refuses_others(value):
    """4.5 is not read as 4, True not as 1; text, NaN, infinity and lists are not counts."""
    assert whole_number(value) is None


def test_margin_without_control_names_how_the_caller_gives_one():
    """Python callers are told control=; the commands pass their flag's words."""
    python = str(margin_without_control(5.0))
    command = str(margin_without_control(5.0, give="--control"))
    assert python.endswith("Give control=, or leave the margin out.")
    assert command.endswith("Give --control, or leave the margin out.")
