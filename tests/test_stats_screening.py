"""Suspect-plot screening (stats.screening): planted errors are named, clean trials pass."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.stats.screening import CHECKS, SUSPECT_COLUMNS, suspect_plots

STANDARD = 13.0


def field_book(seed: int, t: int = 4, b: int = 3, cv: float = 0.06) -> pd.DataFrame:
    """Build a clean wheat RCBD field book: fresh mass to 0.01 kg, moisture to 0.1 %, 20 m2."""
    rng = np.random.default_rng(seed)
    effects = np.concatenate([[0.0], rng.uniform(-0.4, 0.15, t - 1)])
    blocks = rng.normal(0, 0.05, b)
    y = 6500 * (1 + effects)[:, None] + 6500 * blocks[None, :] + rng.normal(0, cv * 6500, (t, b))
    moisture = np.round(rng.normal(14.5, 0.6, (t, b)), 1)
    mass = np.round(y * 20 / 10_000 * (100 - STANDARD) / (100 - moisture), 2)
    return pd.DataFrame(
        [
            {"plot_id": str(100 * (j + 1) + i + 1), "treatment": f"T{i}", "block": str(j + 1),
             "harvested_area_m2": 20.0, "fresh_mass_kg": mass[i, j],
             "moisture_pct": moisture[i, j]}
            for j in range(b) for i in range(t)
        ]
    )  # fmt: skip


def screen(book: pd.DataFrame, **kwargs) -> pd.DataFrame:
    data = book.copy()
    data["yield_kg_ha"] = (
        data["fresh_mass_kg"] * (100 - data["moisture_pct"]) / (100 - STANDARD)
        / data["harvested_area_m2"] * 10_000
    )  # fmt: skip
    return suspect_plots(data, response="yield_kg_ha", treatment="treatment", block="block",
                         **kwargs)  # fmt: skip


# seeds of clean trials (shapes 3-6 x 3-4, CV 4-12 %) -- deterministic, none flagged
CLEAN = [(s, t, b, cv) for s, (t, b, cv) in enumerate(
    [(3, 3, 0.04), (4, 3, 0.08), (5, 4, 0.12), (6, 4, 0.06), (4, 4, 0.10), (6, 3, 0.05),
     (3, 4, 0.11), (5, 3, 0.07)])]  # fmt: skip


@pytest.mark.parametrize(("seed", "t", "b", "cv"), CLEAN)
def test_clean_trials_flag_nothing(seed, t, b, cv):
    """Clean generated RCBDs give an empty table with the fixed columns."""
    out = screen(field_book(seed, t, b, cv))
    assert out.empty, out["message"].tolist()
    assert tuple(out.columns) == SUSPECT_COLUMNS


@pytest.mark.parametrize(
    ("factor", "pattern"),
    [(2.0, "x2"), (10.0, "x10"), (0.1, "/10"), (100.0, "x100"), (0.01, "/100")],
    ids=["doubled", "x10", "div10", "x100", "div100"],
)
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_planted_weight_error_is_named(factor, pattern, seed):
    """A doubled or decimal-shifted fresh mass is flagged as that pattern, on that plot only."""
    book = field_book(seed)
    book.loc[6, "fresh_mass_kg"] = round(book.loc[6, "fresh_mass_kg"] * factor, 4)
    out = screen(book)
    planted = book.loc[6, "plot_id"]
    typing = out[out["check"] == "typing_pattern"]
    assert typing["plot_id"].tolist() == [planted]
    assert typing["pattern"].iloc[0] == pattern
    assert set(out["plot_id"]) == {planted}
    row = typing.iloc[0]
    assert row["value"] == book.loc[6, "fresh_mass_kg"]
    assert row["ratio"] == pytest.approx(row["value"] / row["typical"])


def test_typing_pattern_typical_is_the_median_of_the_treatments_other_plots():
    """Typical = median fresh mass of the other plots of the treatment (hand check)."""
    book = field_book(3, t=4, b=4)
    book.loc[5, "fresh_mass_kg"] *= 2
    out = screen(book)
    row = out[out["check"] == "typing_pattern"].iloc[0]
    others = book.loc[(book["treatment"] == book.loc[5, "treatment"]) & (book.index != 5),
                      "fresh_mass_kg"]  # fmt: skip
    assert row["typical"] == pytest.approx(float(np.median(others)))


def test_swapped_digits_are_named():
    """41.84 for 14.84: the swap that brings the value back to typical is shown."""
    book = field_book(21)
    book.loc[4, "fresh_mass_kg"] = 14.84
    book.loc[[0, 8], "fresh_mass_kg"] = [14.90, 14.70]  # the same treatment's other plots
    book.loc[4, "fresh_mass_kg"] = 41.84
    out = screen(book)
    row = out[out["check"] == "typing_pattern"].iloc[0]
    assert row["plot_id"] == book.loc[4, "plot_id"]
    assert row["pattern"] == "swapped digits 41.84 -> 14.84"


def test_outlier_test_and_robust_deviation_rows():
    """A doubled plot of a 4 x 3 RCBD: outlier test (t on 5 df) and robust deviation too."""
    book = field_book(31, cv=0.04)
    book.loc[6, "fresh_mass_kg"] *= 2
    out = screen(book)
    checks = out.loc[out["plot_id"] == book.loc[6, "plot_id"], "check"].tolist()
    assert checks == ["outlier_test", "robust_deviation", "typing_pattern"]
    assert set(out["plot_id"]) == {book.loc[6, "plot_id"]}
    formal = out[out["check"] == "outlier_test"].iloc[0]
    assert formal["p_value_adjusted"] < 0.01 and formal["variable"] == "yield_kg_ha"
    assert "t on 5 df" in formal["message"]


def test_moisture_typo_is_flagged():
    """15.2 typed 51.2 (swapped digits) or 1.52 (decimal) is flagged with its pattern."""
    book = field_book(41)
    book.loc[3, "moisture_pct"] = 51.2
    book.loc[7, "moisture_pct"] = round(book.loc[7, "moisture_pct"] / 10, 2)
    out = screen(book)
    moist = out[out["check"] == "moisture"].set_index("plot_id")
    assert set(moist.index) == {book.loc[3, "plot_id"], book.loc[7, "plot_id"]}
    assert moist.loc[book.loc[7, "plot_id"], "pattern"] == "/10"


def test_area_typo_is_flagged():
    """An area typed x10 (200 for 20 m2) is flagged; the others are 20 m2."""
    book = field_book(51)
    book.loc[2, "harvested_area_m2"] = 200.0
    out = screen(book)
    area = out[out["check"] == "area"]
    assert area["plot_id"].tolist() == [book.loc[2, "plot_id"]]
    assert area["typical"].iloc[0] == 20.0 and area["pattern"].iloc[0] == "x10"


def test_copied_row_is_flagged():
    """A record pasted over another plot of its block: identical record and a label twice."""
    book = field_book(61)
    for column in ("treatment", "fresh_mass_kg", "moisture_pct"):
        book.loc[5, column] = book.loc[4, column]
    out = screen(book)
    dup = out[out["check"] == "duplicate"]
    assert set(dup["plot_id"]) == {book.loc[4, "plot_id"], book.loc[5, "plot_id"]}
    assert {"copied row", "treatment label"} <= set(dup["pattern"])


def test_unreplicated_trial_says_not_assessable():
    """One plot per treatment: no test within treatments, the notes say why."""
    book = field_book(71, t=5, b=1)
    out = screen(book)
    assert out.empty
    assert any("not assessable with this many plots" in n for n in out.attrs["notes"])


def test_checks_are_ordered_and_known():
    """Rows are ordered by check (outlier test first) and use the documented names."""
    book = field_book(81)
    book.loc[1, "fresh_mass_kg"] *= 10
    book.loc[9, "moisture_pct"] = 45.0
    out = screen(book)
    assert set(out["check"]) <= set(CHECKS)
    order = [CHECKS.index(c) for c in out["check"]]
    assert order == sorted(order)


def test_missing_plots_are_not_screened():
    """A plot without a yield is skipped (no flag for its blank record)."""
    book = field_book(91)
    book.loc[3, "fresh_mass_kg"] = np.nan
    assert screen(book).empty


def test_given_yields_are_screened_as_typed():
    """Without harvest columns the typed yield is the raw value (x10 in kg/mu)."""
    book = field_book(101)
    data = book[["plot_id", "treatment", "block"]].copy()
    data["yield_kg_mu"] = (book["fresh_mass_kg"] * 25).round(1)
    data.loc[4, "yield_kg_mu"] *= 10
    data["yield_kg_ha"] = data["yield_kg_mu"] * 15
    out = suspect_plots(data, response="yield_kg_ha", treatment="treatment", block="block",
                        raw="yield_kg_mu")  # fmt: skip
    typing = out[out["check"] == "typing_pattern"].iloc[0]
    assert typing["variable"] == "yield_kg_mu" and typing["pattern"] == "x10"


def test_moisture_of_a_wet_variety_or_a_wet_block_is_not_flagged():
    """A hybrid 8 points wetter, a block 3.5 points wetter: legitimate; 81 for 18 is flagged."""
    rng = np.random.default_rng(0)
    rows = []
    for b in range(3):
        for t in range(5):
            moisture = 18 + (8 if t == 4 else 0) + (3.5 if b == 2 else 0) + rng.normal(0, 0.4)
            rows.append({"plot_id": f"{b}{t}", "treatment": f"H{t}", "block": str(b),
                         "harvested_area_m2": 20.0, "moisture_pct": round(moisture, 1),
                         "fresh_mass_kg": round(20 + rng.normal(0, 0.8), 2)})  # fmt: skip
    book = pd.DataFrame(rows)

    def run(table: pd.DataFrame) -> pd.DataFrame:
        data = table.assign(yield_kg_ha=table["fresh_mass_kg"] * (100 - table["moisture_pct"])
                            / 86 / 20 * 10_000)  # fmt: skip
        return suspect_plots(data, response="yield_kg_ha", treatment="treatment", block="block")

    assert run(book).empty
    book.loc[3, "moisture_pct"] = 81.0
    out = run(book)
    assert set(out["plot_id"]) == {"03"}  # its yield is off too (outlier test, robust z)
    moist = out[out["check"] == "moisture"]
    assert moist["pattern"].tolist() == ["swapped digits 81 -> 18"]


def test_clean_trial_table_has_the_column_types_of_findings():
    """No finding: numbers stay float and labels text, the types of a table with findings."""
    out = screen(field_book(*CLEAN[0]))
    assert out.empty
    assert out["p_value"].dtype == np.float64 and out["value"].dtype == np.float64
    assert out["plot_id"].dtype == pd.Series(["101"]).dtype  # a filled text column's type


def test_large_table_limit_is_the_bonferroni_limit_above_the_size(monkeypatch):
    """Up to LARGE_TABLE_PLOTS the limit is unchanged; above, at least z_{1 - 0.05 / (2n)}.

    Expected values from scipy's normal quantile (an independent path from the
    ``statistics.NormalDist`` the code uses), rounded up to 0.01.
    """
    from scipy.stats import norm

    from yieldtrial.stats import screening

    assert screening.large_table_limit(3.0, 100_000) == 3.0
    assert screening.large_table_limit(5.0, 12) == 5.0
    for n in (100_001, 590_720, 5_907_440):
        expected = np.ceil(norm.isf(0.05 / (2 * n)) * 100) / 100
        assert screening.large_table_limit(3.0, n) == pytest.approx(expected, abs=1e-12)
        assert screening.large_table_limit(6.0, n) == 6.0  # never lowered
    assert screening.large_table_limit(3.0, 5_907_440) == pytest.approx(5.76)


def test_large_table_raises_the_moisture_limit(monkeypatch):
    """A moisture reading 7.5 spreads off is flagged in a trial, not in a 'large' table.

    The table counts as large by lowering LARGE_TABLE_PLOTS to 100 (120 plots) with a
    family level of 1e-12: limit z_{1 - 1e-12 / 240} = 7.77 (scipy's ``norm.isf``).
    """
    from scipy.stats import norm

    from yieldtrial.stats import screening

    book = field_book(3, t=4, b=30, cv=0.06)
    overall = float(book["moisture_pct"].median())
    book.loc[5, "moisture_pct"] = overall + 4.5  # 7.5 robust spreads (spread floor 0.6)
    book.loc[9, "moisture_pct"] = overall + 6.5  # 10.8 spreads
    flagged = screen(book)
    assert sorted(flagged.loc[flagged["check"] == "moisture", "plot_id"]) == ["202", "302"]
    monkeypatch.setattr(screening, "LARGE_TABLE_PLOTS", 100)
    monkeypatch.setattr(screening, "LARGE_TABLE_ALPHA", 1e-12)
    limit = np.ceil(norm.isf(1e-12 / 240) * 100) / 100
    large = screen(book)
    rows = large.loc[large["check"] == "moisture"]
    assert rows["plot_id"].tolist() == ["302"]
    assert f"{limit:g} robust spreads" in rows["rule"].iloc[0]


def test_block_holding_half_the_labels_once_each_flags_no_treatment_label():
    """An augmented block with 7 of its 14 labels, each once, is no mistyped label.

    Median count 0.5 per label: every plot of the block was "recorded more often than the
    others" (diff43: an augmented RCBD, 4 checks x 3 blocks + 10 entries, one check plot
    lost, listed 14 of its 22 plots as suspect).  A label twice in a complete block is
    still flagged (``test_copied_row_is_flagged``).
    """
    rows = [("1", ["CK1", "CK2", "CK3", "CK4", "E01", "E02", "E03", "E04"]),
            ("2", ["CK1", "CK2", "CK3", "CK4", "E05", "E06", "E07"]),
            ("3", ["CK1", "CK2", "CK3", "CK4", "E08", "E09", "E10"])]  # fmt: skip
    book = pd.DataFrame(
        [{"plot_id": f"{b}{k:02d}", "treatment": t, "block": b,
          "yield_kg_ha": 6000.0 + 37.0 * ((k * 7 + int(b) * 3) % 11)}
         for b, labels in rows for k, t in enumerate(labels)]
    )  # fmt: skip
    out = suspect_plots(book, response="yield_kg_ha", treatment="treatment", block="block")
    assert "treatment label" not in set(out["pattern"])


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_copied_row_is_flagged_without_a_pandas_warning():
    """The copied-row key inserted text column names before integer ones (stop 39).

    pandas 2.0 with NumPy 1.25 (the oldest pins) warned "np.find_common_type is deprecated"
    there, an error under ``-W error::DeprecationWarning``.
    """
    book = field_book(61)
    for column in ("treatment", "fresh_mass_kg", "moisture_pct"):
        book.loc[5, column] = book.loc[4, column]
    out = screen(book)
    assert "copied row" in set(out.loc[out["check"] == "duplicate", "pattern"])
