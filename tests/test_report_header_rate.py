"""The treatments table's illustrative rate mark, in each language's brackets (stop 45)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from yieldtrial.report.sections.header import _rate_text

RATE = SimpleNamespace(rate=32.0, rate_unit="kg/mu", extra={"rate_status": "illustrative"})


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "32 kg/mu (illustrative)"), ("zh", "32 kg/mu（示意）")],  # zh: 32 kg/亩（示意）shown
)
def test_illustrative_rate_is_marked_in_the_reports_language(lang, text):
    assert _rate_text(RATE, lang) == text
