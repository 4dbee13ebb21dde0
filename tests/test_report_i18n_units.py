"""Units of a Chinese report in every display unit (yieldtrial.report.i18n.zh_units)."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from yieldtrial import FieldTrial, build_report


@pytest.mark.parametrize(
    ("unit", "chinese"), [("jin/mu", "斤/亩"), ("bu/ac", "蒲式耳/英亩"), ("lb/ac", "磅/英亩")]
)
def test_chinese_report_writes_every_display_unit_in_chinese(unit: str, chinese: str) -> None:
    """--lang zh --unit jin/mu printed "jin/mu" 12 times (stop 37 user pass).

    The methods' conversion note already named the units 斤, 蒲式耳, 磅 and 英亩; the
    tables, text and figures now write the unit the same way.
    """
    plots = pd.DataFrame(
        {"plot_id": ["101", "102", "201", "202"], "block": ["1", "1", "2", "2"],
         "treatment": ["CK", "T", "CK", "T"], "yield_kg_ha": [7373.0, 6754.5, 7391.0, 6791.7]}
    )  # fmt: skip
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK")
    page = build_report(trial, lang="zh", unit=unit, report_date="2026-12-06").to_html()
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.split("</style>")[1]))
    assert unit not in text
    assert f"产量（{chinese}）" in text
