"""Crop names in reports: ``crop_name`` (report/i18n.py) and the English report's use of it."""

from __future__ import annotations

import pandas as pd
import pytest

from yieldtrial.report.i18n import crop_name


@pytest.mark.parametrize(
    ("crop", "lang", "shown"),
    [
        ("rice_indica", "en", "indica rice"),
        ("rice_japonica", "en", "japonica rice"),
        ("rice_indica", "zh", "籼稻"),
        ("wheat", "en", "wheat"),
        ("wheat", "zh", "小麦"),
        ("Emmer", "en", "Emmer"),  # a crop the tables do not hold: as given
        # stop 48: a crop named in Chinese (trial.toml crop = "玉米") read "A 玉米 trial"
        ("玉米", "en", "maize"),
        ("籼稻", "en", "indica rice"),
        ("玉米", "zh", "玉米"),
        ("高粱米", "en", "高粱米"),  # not a known crop name: as given
    ],
)
def test_crop_name(crop: str, lang: str, shown: str) -> None:
    """The crop key reads as a crop name in either language."""
    assert crop_name(crop, lang) == shown


def test_english_report_names_indica_rice_without_its_identifier() -> None:
    """Header, methods and summary said "rice_indica", "rice_indica 13.5 %", "A rice indica"."""
    from yieldtrial import FieldTrial
    from yieldtrial.report import build_report

    plots = pd.DataFrame(
        {
            "plot_id": [101, 102, 201, 202, 301, 302],
            "block": [1, 1, 2, 2, 3, 3],
            "treatment": ["CK", "T"] * 3,
            "harvested_area_m2": 20.0,
            "fresh_mass_kg": [14.1, 15.2, 13.8, 15.0, 14.4, 15.6],
            "moisture_pct": [14.0, 14.5, 13.8, 14.2, 14.1, 14.6],
        }
    )
    trial = FieldTrial(plots, crop="rice_indica", control="CK")
    report = build_report(trial, figures=False, report_date="2024-01-01")
    text = report.to_markdown()
    assert "rice_indica" not in text and "rice\\_indica" not in text
    assert "An indica rice trial" in text
    assert "**Crop:** indica rice" in text
