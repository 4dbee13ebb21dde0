"""Notes shown as report bullets end in a sentence mark (report/i18n.py ``full_stop``).

The warnings of the data-quality section and the notes of a network report were shown
as the library wrote them, some without a final full stop.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from shipped import example_config, example_trial
from yieldtrial.report.build import build_report
from yieldtrial.report.i18n import full_stop
from yieldtrial.report.model import Bullets


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("3 plots have no yield", "3 plots have no yield."),
        ("see the strip (site D)", "see the strip (site D)."),
        ("3 个小区无产量", "3 个小区无产量。"),
        ("已说明。", "已说明。"),
        ("Done!", "Done!"),
        ("Why?", "Why?"),
        ("ends.", "ends."),
        ("", ""),
    ],
)
def test_full_stop(text: str, shown: str) -> None:
    """A full stop only where the text lacks a sentence mark; 。 for Chinese text."""
    assert full_stop(text) == shown


def _warning_bullets(report: Any, section: str) -> list[str]:
    found = next(s for s in report.sections if s.key == section)
    return [item for b in found.blocks if isinstance(b, Bullets) for item in b.items]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_quality_warnings_end_in_a_full_stop(lang: str) -> None:
    """A reading warning without a full stop gets one in the data-quality section."""
    report = build_report(
        example_trial(),
        example_config(),
        lang=lang,
        figures=False,
        report_date="2026-01-01",
        extra_warnings=["column 'remark' was ignored"],
    )
    # a full stop, and a capital for the lowercase clause (report.i18n.capitalized)
    assert "Column 'remark' was ignored." in _warning_bullets(report, "quality")


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", "Sites D and E share a village."),  # capitalised like every note
        ("zh", "试点 D 与 E 同村。"),
    ],
)
def test_network_notes_end_in_a_full_stop(lang: str, shown: str) -> None:
    """The network report's Notes section: each note ends in . (en) or 。 (Chinese text)."""
    from yieldtrial.network import analyze_many
    from yieldtrial.report.network import network_report

    rng = np.random.default_rng(7)
    rows = [
        (site, block, trt, 6000 + 200 * i + effect + rng.normal(0, 100))
        for i, site in enumerate("ABC")
        for block in (1, 2, 3)
        for trt, effect in (("CK", 0.0), ("N1", 500.0))
    ]
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"])
    result = analyze_many(
        plots,
        by=["site"],
        response="yield_kg_ha",
        treatment="treatment",
        block="block",
        control="CK",
        dunnett_pvalues="none",
    )
    note = "sites D and E share a village" if lang == "en" else "试点 D 与 E 同村"
    report = network_report(result, lang=lang, report_date="2026-01-01", notes=[note])
    bullets = _warning_bullets(report, "notes")
    assert shown in bullets
    assert all(b.rstrip().endswith((".", "。", "!", "?")) for b in bullets), bullets
