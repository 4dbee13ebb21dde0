"""One number style in every message (:func:`yieldtrial.io.checks.message_number`).

The rule: a value the user typed (or is told to type) is shown as typed, the shortest
text that reads back to it, scaled in decimal (0.07 x 100 is 7); a computed quantity is
shown in the report's style (fixed decimals, thousands grouped).  ``:g`` kept six
significant digits: 1e-320 was echoed as 9.99989e-321, 100.0000001 as 100, a mass of
1234567.5 as 1.23457e+06.  Each test runs a message that printed such a number, and
the Chinese catalogue still matches it.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.cli import main
from yieldtrial.commands._zh_messages import translate
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io.checks import check_not_fraction, message_number
from yieldtrial.io.yields import warn_tiny_yields
from yieldtrial.report.i18n import translate_message
from yieldtrial.stats._common import warn_fraction_pct


def _warned(run) -> str:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    found = [str(w.message) for w in caught if issubclass(w.category, YieldTrialWarning)]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1e-320, "1e-320"), (100.0000001, "100.0000001"), (1234567.0, "1234567"), (0.1, "0.1")],
    ids=["subnormal", "just-above-100", "large-mass", "short"],
)
def test_message_number_echoes_a_typed_value_as_typed(value, expected):
    assert message_number(value) == expected


@pytest.mark.parametrize(
    ("value", "scale", "expected"),
    [(0.07, 100, "7"), (0.29, 100, "29"), (80.0, 0.01, "0.8"), (12.3456789, 10_000, "123456.789")],
    ids=["fraction-7", "fraction-29", "percent-to-fraction", "wan"],
)
def test_message_number_scales_in_decimal(value, scale, expected):
    """0.07 * 100 is 7.000000000000001 and 0.29 * 100 is 28.999999999999996 in binary."""
    assert message_number(value, scale=scale) == expected


def test_message_number_of_a_computed_quantity_is_the_reports_style():
    # 1234567.891 to one decimal, grouped from 1,000 on (report.model.REPORT_NUMBER_STYLE)
    assert message_number(1234567.891, 1) == "1,234,567.9"
    assert message_number(0.000512, 1) == "0.000512"  # not "0.0": three significant digits
    assert message_number(float("nan"), 1) == "nan"


def test_fraction_setting_warning_keeps_every_typed_digit():
    """margin_pct=0.0512345678 was echoed as 0.0512346 and "meant 5.12346 %"."""
    message = _warned(lambda: warn_fraction_pct("margin_pct", 0.0512345678))
    assert message.startswith(
        "margin_pct=0.0512345678 is read as 0.0512345678 %; if you meant 5.12345678 %, "
        "pass margin_pct=5.12345678 "
    )
    assert translate_message(message, "zh").startswith("非劣效界值为 0.0512345678，")


def test_heads_in_wan_warning_shows_the_count_to_type():
    """12.3456789 万 heads is 123456.789 heads (:g gave 123457, a different count)."""
    message = _warned(
        lambda: yt.theoretical_yield(
            heads_per_mu=12.3456789, grains_per_head=30, thousand_grain_weight_g=40
        )
    )
    assert message.endswith("pass 123456.789")
    assert "123456.789" in translate_message(message, "zh")


def test_out_of_range_moisture_is_not_shown_as_the_limit():
    """100.0000001 % was shown as "got 100", the limit itself."""
    with pytest.raises(DataValidationError, match=r"; got 100\.0000001\. "):
        yt.standardize_moisture(442, moisture_pct=100.0000001, standard_moisture_pct=13)


def test_fraction_error_shows_the_percent_to_type():
    with pytest.raises(DataValidationError) as raised:
        check_not_fraction("moisture_pct", 0.1300001)
    assert str(raised.value).endswith("Multiply by 100 (0.1300001 -> 13.00001).")


def test_tiny_yield_warning_shows_the_yield_not_zero():
    plots = pd.DataFrame({"plot_id": ["101", "102"]})
    message = _warned(lambda: warn_tiny_yields(plots, pd.Series([0.000512, 0.0004]), stacklevel=1))
    assert "(the largest: plot '101' = 0.000512 kg/ha)" in message
    assert "= 0.000512 kg/公顷" in (translate(message) or "")


def test_cli_echoes_a_large_mass_as_typed(capsys):
    """Echo ``standardize 1234567.5`` as typed: the line showed 1.23457e+06."""
    assert main(["standardize", "1234567.5", "--moisture", "15", "--standard", "13"]) == 0
    assert "1234567.5 at 15 % moisture -> " in capsys.readouterr().out


def test_cli_fraction_option_warning_in_chinese_keeps_the_digits(capsys, tmp_path):
    """Keep ``plan --cv 0.0812345678``'s digits: the zh line names 8.12345678 %, not 8.12346 %."""
    code = main(
        ["--lang", "zh", "plan", "--cv", "0.0812345678", "--treatments", "3", "--difference", "5"]
    )
    assert code == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("yieldtrial: 警告：--cv 0.0812345678 按 0.0812345678% 计；若指 ")
    assert "8.12345678%" in err[0]
