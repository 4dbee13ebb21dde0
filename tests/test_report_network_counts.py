"""Counts of 1,000 and more in a network report: one formatter, with a thousands separator.

The header and conclusions of a 2,040-farm network wrote "2040" and "2006 sites" while the
listing notes above the summarised tables wrote "2,040".  Every count in the report text
and tables now goes through :func:`yieldtrial.report._format.fmt_count` (or the table's
``int`` column kind): "2,040" in English and, as the listing notes already did, in Chinese.
The network is the shipped 60-farm one copied 17 times under new farm names: 1,020 farms,
of which 17 lack a CK2 strip and 17 a T strip (datasets/farm-network/README.md), so 1,003
sites compare each treatment with CK1 (1,020 - 17).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pandas as pd
import pytest

from yieldtrial.datasets import example_path
from yieldtrial.network import analyze_many
from yieldtrial.report._format import fmt_count
from yieldtrial.report.model import Bullets, KeyValues, Paragraph, Table, format_value
from yieldtrial.report.network import network_report

COPIES = 17


@cache
def _result() -> Any:
    plots = pd.read_csv(example_path("farm-network"))
    copies = [plots.assign(site=plots["site"] + f"_{k}") for k in range(COPIES)]
    return analyze_many(
        pd.concat(copies, ignore_index=True), by="site", response="yield_kg_mu",
        treatment="treatment", control="CK1", design="crd",
    )  # fmt: skip


def _texts(report: Any) -> list[str]:
    """Every sentence and table cell the reader sees (numbers as rendered)."""
    out: list[str] = []
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Bullets):
                out.extend(block.items)
            elif isinstance(block, KeyValues):
                out.extend(value for _, value in block.items)
            elif isinstance(block, Table):
                out.extend(
                    format_value(row.get(c.key), c) for row in block.rows for c in block.columns
                )
    return out


def test_fmt_count_groups_from_one_thousand() -> None:
    """Hand-written: 999 stays, 1000 and up take commas; a fractional df is kept as is."""
    assert [fmt_count(v) for v in (999, 1000, 2040.0, 12.5)] == ["999", "1,000", "2,040", "12.5"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_count_of_a_thousand_or_more_without_separator(lang: str) -> None:
    """No four-digit run outside a date, the version, 'NY/T 1536' or a value with decimals."""
    report = network_report(_result(), lang=lang, report_date="2026-01-01")
    bare = [
        text
        for text in _texts(report)
        if re.search(r"(?<![\d.,/-])\d{4,}(?![\d.,-])", text.replace("NY/T 1536", ""))
    ]
    assert bare == []


def test_header_and_conclusions_write_the_grouped_counts() -> None:
    """1,020 trials in the header; 1,003 sites compared in the conclusions (docstring)."""
    report = network_report(_result(), lang="en")
    facts = dict(report.section("header").blocks[0].items)
    assert facts["Trials (sites)"].startswith("1,020 (")
    conclusions = " ".join(report.section("conclusions").blocks[0].items)
    assert "across 1,003 sites" in conclusions
    zh = network_report(_result(), lang="zh")
    assert "1,003 个试点" in " ".join(zh.section("conclusions").blocks[0].items)
