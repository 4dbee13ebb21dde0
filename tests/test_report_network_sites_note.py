"""The site-quality table's note names the Reason column only when the table shows it (stop 45).

Every network report said "at a replicated site without blocks the Reason column names the
treatment" ("在“原因”栏注明所缺处理") under a table whose empty Reason column is not shown.
"""

from __future__ import annotations

import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.datasets import example_path
from yieldtrial.report.network import _site_table


def _network(plots: pd.DataFrame) -> yt.NetworkResult:
    return yt.analyze_many(
        plots, by="site", response="yield_kg_ha", treatment="treatment", block="block",
        control="CK",
    )  # fmt: skip


@pytest.fixture(scope="module")
def plots() -> pd.DataFrame:
    return pd.read_csv(example_path("site-network"))  # 4 RCBD sites, every treatment


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_note_without_reasons_does_not_name_the_reason_column(plots, lang):
    table = _site_table(_network(plots), lang)
    assert not any(row.get("reason") for row in table.rows)
    assert not any("Reason column" in n or "原因" in n for n in table.notes)


def test_note_names_the_reason_column_when_a_site_lacks_a_treatment(plots):
    """Site A without N2 (no blocks there): the Reason column says so, and the note explains."""
    lacking = plots[~((plots["site"] == "A") & (plots["treatment"] == "N2"))].copy()
    lacking.loc[lacking["site"] == "A", "block"] = pd.NA
    table = _site_table(_network(lacking), "en")
    assert any(row.get("reason") for row in table.rows)
    assert any("the Reason column names the treatment" in n for n in table.notes)
