"""Computed numbers in the findings and notes the reports print: the report's number style.

Stop 48 gave messages one number style (:func:`yieldtrial.io.checks.message_number`); the
findings of the screening, the network summary's and the stability analysis's notes and
the mean-separation errors still printed ``:g`` / ``.6g`` (``1.0532e+06``, ``147.2`` beside
``14.6533``).  A typed value is shown as typed; a computed quantity with fixed decimals,
thousands grouped; degrees of freedom whole (grouped) or with one decimal
(:func:`yieldtrial.io.checks.message_df`).  The Chinese notes still match.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.io.checks import message_df
from yieldtrial.report._network_zh import network_note

#: Large yields (kg/ha x 100): mean squares of about 1e6, which ``.6g`` showed as 1.0xxxxe+06.
_SCALE = 100.0


@functools.cache
def _two_stage_note() -> str:
    """Return the two-stage note of a network of 2 replicated sites (3 blocks), 2 farms."""
    rng = np.random.default_rng(11)
    rows = []
    for site in range(4):
        for block in range(3 if site < 2 else 1):
            for treatment, effect in (("CK", 0.0), ("T", 30.0), ("U", 15.0)):
                y = _SCALE * (450.0 + 20.0 * site + effect + rng.normal(0.0, 10.0))
                rows.append((f"s{site}", f"B{block}", treatment, y))
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"])
    result = yt.analyze_many(
        plots, by="site", treatment="treatment", block="block", design="rcbd",
        response="yield_kg_ha", control="CK",
    )  # fmt: skip
    (note,) = [n for n in result.summary.notes if "two-stage analysis" in n]
    return note


def test_two_stage_note_shows_mean_squares_grouped_with_one_decimal():
    """The pooled variance, var_GE and the interaction mean square: 1,234,567.8, never e+06."""
    note = _two_stage_note()
    assert "e+0" not in note, note
    pooled = re.search(r"replicated sites, ([\d,]+\.\d) on (\d+) df\)", note)
    assert pooled is not None, note
    assert "," in pooled.group(1), note  # about 1e6 (a plot SD of 1,000 kg/ha)
    assert re.search(r"interaction mean square [\d,]+\.\d minus", note), note


def test_two_stage_note_with_grouped_numbers_is_chinese():
    """The Chinese note keeps the grouped numbers (its number pattern takes the commas)."""
    note = _two_stage_note()
    pooled = re.search(r"replicated sites, ([\d,]+\.\d) on", note)
    assert pooled is not None, note
    chinese = network_note(note, "zh")
    assert chinese != note and "两阶段分析" in chinese, chinese
    assert f"合并的小区误差方差 {pooled.group(1)}，" in chinese, chinese


def test_caller_supplied_pooled_error_is_echoed_as_typed():
    """stability(error_mean_square=1234567.5, error_df=36, replicates=4): shown as typed."""
    means = pd.DataFrame(
        {"CK": [500.0, 520.0, 480.0], "T": [530.0, 545.0, 500.0], "U": [510.0, 525.0, 470.0]},
        index=pd.Index(["A", "B", "C"], name="site"),
    )
    long = means.stack().rename("yield_kg_ha").rename_axis(["site", "treatment"]).reset_index()
    result = yt.stability(
        long, env="site", treatment="treatment", response="yield_kg_ha",
        error_mean_square=1234567.5, error_df=36, replicates=4, blup="closed_form",
    )  # fmt: skip
    (note,) = [n for n in result.notes if n.startswith("pooled error supplied")]
    assert note == (
        "pooled error supplied by the caller: MS_e = 1234567.5 on 36 df, 4 replicates per cell."
    )
    assert "1234567.5" in network_note(note, "zh")


def test_typing_finding_shows_the_typed_mass_and_a_median_in_report_style():
    """A decimal slip (147.2 for 14.72 kg): the typed value as typed, the median to 0.01 kg."""
    masses = ([14.98, 13.77, 14.1], [14.97, 13.89, 14.3], [15.1, 147.2, 14.2])  # per block
    rows = [
        (f"{b}0{t}", f"B{b}", label, 20.0, mass, 13.0)
        for b, block in enumerate(masses)
        for t, (label, mass) in enumerate(zip(("CK", "T", "U"), block, strict=True))
    ]
    columns = ["plot_id", "block", "treatment", "harvested_area_m2", "fresh_mass_kg"]
    columns.append("moisture_pct")
    with pytest.warns(YieldTrialWarning, match="standardized yield above"):
        trial = yt.FieldTrial.from_dataframe(
            pd.DataFrame(rows, columns=columns), crop="wheat", control="CK"
        )
    found = trial.suspect_plots()
    messages = [m for m in found["message"] if "fresh_mass_kg = 147.2 is" in m]
    assert messages, list(found["message"])
    # the median of T's other plots, 13.77 and 13.89: 13.83 (two decimals, a mass in kg)
    assert "x the median 13.83 of the treatment's other plots" in messages[0], messages[0]


@pytest.mark.parametrize(
    ("df", "shown"), [(12.0, "12"), (1_234_567.0, "1,234,567"), (11.73, "11.7"), (0.0, "0")]
)
def test_message_df(df, shown):
    assert message_df(df) == shown
