"""Loose ends of stop 49 fixed in stop 50: warnings said once, options and values as typed."""

from __future__ import annotations

import warnings

from yieldtrial.config import TrialConfig
from yieldtrial.datasets import example_path
from yieldtrial.errors import YieldTrialWarning

UNUSED_PRICE = "gives a price for 'Urea'"


def _config_with_an_unused_price() -> TrialConfig:
    """The replicated example's ``trial.toml`` with a price for a product no treatment uses."""
    text = example_path("replicated-rcbd", "trial.toml").read_text(encoding="utf-8")
    priced = text.replace("prices = { ", 'prices = { "Urea" = 2.0, ', 1)
    assert priced != text
    return TrialConfig.from_text(priced, source="trial.toml")


def _said(caught: list[warnings.WarningMessage], text: str) -> list[str]:
    return [str(w.message) for w in caught if text in str(w.message)]


def test_report_says_an_unused_price_once() -> None:
    """Said when the description is read; the economics section (two controls) adds nothing.

    The report silenced its own repeats by matching the message text (stop 50: a keyword).
    """
    from yieldtrial.report.files import report_from_files

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = _config_with_an_unused_price()
        report, _ = report_from_files(
            example_path("replicated-rcbd", "plots.csv"), config, figures=False
        )
    assert "economics" in [section.key for section in report.sections]
    assert len(_said(caught, UNUSED_PRICE)) == 1
    assert _said(caught, UNUSED_PRICE)[0].startswith("'trial.toml': [economics] prices")


def test_python_economics_still_warns_of_an_unused_price_once() -> None:
    """``trial_economics(prices=...)`` warns once by default, and not with the keyword off."""
    from yieldtrial.economics import trial_economics
    from yieldtrial.report.files import load_trial

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # the description's own warning
        config = _config_with_an_unused_price()
    trial = load_trial(example_path("replicated-rcbd"), config)
    options = {"config": config, "grain_price_per_kg": 2.4, "currency": "CNY"}
    prices = {"compound fertilizer": 3.2, "nitrogen synergist (assumed DCD)": 40.0, "Urea": 2.0}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trial_economics(trial, prices=prices, **options)
        trial_economics(trial, prices=prices, warn_unused_prices=False, **options)
    assert _said(caught, UNUSED_PRICE) == [
        "prices gives a price for 'Urea', which no treatment's fertilizer names as its "
        "product, so it is not used (the products: 'compound fertilizer', 'nitrogen "
        "synergist (assumed DCD)'); check the spelling against the products' names, or "
        "remove it"
    ]
