"""Sensitivity of the verdicts to single plots, and missing-plot estimates (stats.sensitivity)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from yieldtrial import FieldTrial
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.stats.sensitivity import (
    SENSITIVITY_COLUMNS,
    VERDICT_COLUMNS,
    sensitivity,
    verdicts,
)

# the worked example of docs/data-checks.md: plot 201 (N0, block 2) typed 29.68 for 14.84 kg
FRESH = {
    "101": ("1", "T1", 22.40), "102": ("1", "CK", 24.36), "103": ("1", "N0", 14.12),
    "104": ("1", "T2", 24.90), "201": ("2", "N0", 29.68), "202": ("2", "T2", 22.86),
    "203": ("2", "CK", 23.52), "204": ("2", "T1", 23.38), "301": ("3", "CK", 24.10),
    "302": ("3", "T1", 22.15), "303": ("3", "N0", 15.46), "304": ("3", "T2", 23.80),
}  # fmt: skip


def doubled_trial(mass_201: float = 29.68) -> FieldTrial:
    plots = pd.DataFrame(
        [{"plot_id": pid, "block": b, "treatment": t, "harvested_area_m2": 33.3,
          "fresh_mass_kg": m, "moisture_pct": 14.6} for pid, (b, t, m) in FRESH.items()]
    )  # fmt: skip
    plots.loc[plots["plot_id"] == "201", "fresh_mass_kg"] = mass_201
    return FieldTrial.from_dataframe(plots, crop="wheat", control="CK")


def test_verdicts_list_every_verdict_of_the_report():
    """F test, Dunnett per treatment, NI per treatment and every letter pair."""
    out = verdicts(doubled_trial(), margin_pct=5)
    assert tuple(out.columns) == VERDICT_COLUMNS
    counts = out["verdict"].value_counts().to_dict()
    assert counts == {"anova_f": 1, "dunnett": 3, "noninferiority": 3, "letters": 6}
    comp = doubled_trial().compare_to_control(margin_pct=5).set_index("treatment")
    dunnett = out[out["verdict"] == "dunnett"].set_index("subject")
    assert dunnett.loc["N0 vs CK", "p_value"] == comp.loc["N0", "p_value_adjusted"]
    assert dunnett.loc["N0 vs CK", "outcome"] == "not significant"


def test_sensitivity_names_the_verdicts_that_rest_on_the_doubled_plot():
    """Without plot 201 the F test and N0 vs CK become significant; the statement says so."""
    out = doubled_trial().sensitivity(["201"], margin_pct=5)
    assert tuple(out.columns) == SENSITIVITY_COLUMNS
    changed = out[out["changed"]].set_index(["verdict", "subject"])
    assert changed.loc[("dunnett", "N0 vs CK"), "without_plot"] == "lower"
    assert changed.loc[("anova_f", "treatment"), "without_plot"] == "significant"
    statement = changed.loc[("dunnett", "N0 vs CK"), "statement"]
    assert statement.startswith("the difference N0 vs CK is not significant with plot 201")
    assert "depends on this plot" in statement
    # unchanged verdicts carry no statement
    assert (out.loc[~out["changed"], "statement"] == "").all()


def test_a_letters_statement_reads_as_the_report_says_it():
    """Stop 41: "the letters of CK vs N0 is not different" became the report's wording.

    The report's sentence (strings.toml, sens.what.letters) is "The letter comparison CK vs
    N0 is ..."; the API's statement is the same words in lower case.
    """
    out = doubled_trial().sensitivity(["201"], margin_pct=5)
    row = out[(out["verdict"] == "letters") & out["changed"]].iloc[0]
    assert row["statement"].startswith(
        f"the letter comparison {row['subject']} is not different (shared letter) with plot 201"
        " but different (no shared letter) without it"
    )


def test_sensitivity_refit_equals_the_fit_without_the_plot():
    """p_without of N0 vs CK equals compare_to_control on the table without plot 201."""
    trial = doubled_trial()
    out = trial.sensitivity(["201"]).set_index(["verdict", "subject"])
    rest = trial.plots[trial.plots["plot_id"] != "201"]
    direct = FieldTrial.from_dataframe(rest, crop="wheat", control="CK").compare_to_control()
    direct = direct.set_index("treatment")
    assert out.loc[("dunnett", "N0 vs CK"), "p_without"] == pytest.approx(
        direct.loc["N0", "p_value_adjusted"], rel=1e-9)  # fmt: skip
    assert out.loc[("dunnett", "N0 vs CK"), "estimate_without"] == pytest.approx(
        direct.loc["N0", "difference_kg_ha"], rel=1e-12)  # fmt: skip


def test_sensitivity_defaults_to_the_flagged_plots():
    """Without plots= the suspect plots are used (here only 201)."""
    out = doubled_trial().sensitivity()
    assert set(out["plot_id"]) == {"201"}


def test_sensitivity_of_a_clean_trial_is_empty():
    """Correct record: nothing flagged, nothing to refit."""
    assert doubled_trial(14.84).sensitivity().empty


def test_sensitivity_reports_a_refit_that_is_impossible():
    """Leaving out the last plot of a treatment cannot be analysed: one 'refit' row."""
    trial = doubled_trial().exclude("103", reason="lodged").exclude("303", reason="lodged")
    out = trial.sensitivity(["201"])
    assert out["verdict"].tolist() == ["refit"]
    assert "cannot be analysed" in out["statement"].iloc[0]


def test_sensitivity_unknown_plot_raises():
    """A plot id that is not in the table is an error naming it."""
    with pytest.raises(DataValidationError, match="'999'"):
        sensitivity(doubled_trial(), ["999"])


def _split(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [dict(block=r, a=a, b=b) for r, a, b in itertools.product("1234", "xyz", "pqs")]
    df = pd.DataFrame(rows)
    df["y"] = 50 + 3 * (df["a"] == "y") + 2 * (df["b"] == "q") + rng.normal(0, 1, len(df))
    return df


def test_split_plot_sensitivity_refits_by_reml():
    """A split plot without one plot is analysed by REML (as after exclude); verdicts compared."""
    df = _split(3).rename(columns={"a": "irrigation", "b": "treatment", "y": "yield_kg_ha"})
    df["plot_id"] = [str(100 + i) for i in range(len(df))]
    trial = FieldTrial.from_dataframe(df, crop="wheat", design="split_plot",
                                      factors=("irrigation",))  # fmt: skip
    from yieldtrial.stats.mixed import MixedModelFit
    from yieldtrial.stats.splitplot import StrataAnova

    assert isinstance(trial.anova(), StrataAnova)
    # without plot 107 REML holds the whole-plot variance at zero and says so (stop 42)
    with pytest.warns(YieldTrialWarning, match="REML estimates the whole-plot variance"):
        assert isinstance(trial.exclude("107", reason="bird damage").anova(), MixedModelFit)
    with pytest.warns(YieldTrialWarning, match="REML estimates the whole-plot variance"):
        out = trial.sensitivity(["107"])
    assert {"anova_f", "letters"} <= set(out["verdict"])
    assert set(out.loc[out["verdict"] == "anova_f", "subject"]) == {
        "irrigation", "treatment", "irrigation:treatment"}  # fmt: skip


def test_contrast_verdict_matches_an_ols_t_test():
    """A named contrast's p is the RCBD OLS t test of N0 - CK (statsmodels, 1e-10)."""
    import statsmodels.formula.api as smf

    trial = doubled_trial()
    out = verdicts(trial, letters=None, contrasts=[("zero N", "N0", "CK")])
    row = out[out["verdict"] == "contrast"].iloc[0]
    data = trial.yields()
    ols = smf.ols("yield_kg_ha ~ C(treatment, Treatment('CK')) + C(block)", data).fit()
    name = "C(treatment, Treatment('CK'))[T.N0]"
    assert row["subject"] == "zero N"
    assert row["estimate"] == pytest.approx(ols.params[name], rel=1e-10)
    assert row["p_value"] == pytest.approx(ols.pvalues[name], rel=1e-10)
    assert row["outcome"] == "not significant"


def test_sensitivity_covers_the_named_contrasts():
    """Without plot 201 the contrast N0 - CK becomes significantly lower; the statement says so."""
    out = doubled_trial().sensitivity(["201"], contrasts=[("zero N", "N0", "CK")])
    row = out[out["verdict"] == "contrast"].set_index("subject").loc["zero N"]
    assert (row["with_plot"], row["without_plot"], bool(row["changed"])) == (
        "not significant", "lower", True)  # fmt: skip
    assert row["statement"].startswith("the contrast 'zero N' is not significant with plot 201")


def test_empty_sensitivity_keeps_the_column_types():
    """An empty table has float p-values, a bool `changed` and text labels, as a filled one."""
    out = doubled_trial(14.84).sensitivity()
    assert out["p_with"].dtype == np.float64 and out["changed"].dtype == bool
    assert out["statement"].dtype == pd.Series(["text"]).dtype  # a filled text column's type


def test_sensitivity_records_the_model_it_refits():
    """attrs["provenance"] names the design model (the trial's ANOVA) and what was tested."""
    out = doubled_trial().sensitivity()
    provenance = out.attrs["provenance"]
    assert provenance["model"] == doubled_trial().anova().provenance.model
    assert "with and without each plot" in provenance["test"]


# -- many treatments: the letter pairs that change, not all t(t-1)/2 of them (stop 43) ----------


@pytest.fixture(scope="module")
def sixty_treatments() -> FieldTrial:
    """Build an RCBD of 60 treatments x 3 blocks, two plots mistyped (x1.8 and x0.4)."""
    rng = np.random.default_rng(3)
    effect = rng.normal(0.0, 500.0, 60)
    rows = [
        {"plot_id": f"{b}{i:03d}", "block": str(b), "treatment": f"T{i:02d}" if i else "CK",
         "yield_kg_ha": 7000.0 + effect[i] + rng.normal(0.0, 300.0)}
        for b in range(1, 4) for i in range(60)
    ]  # fmt: skip
    plots = pd.DataFrame(rows)
    plots.loc[5, "yield_kg_ha"] *= 1.8
    plots.loc[70, "yield_kg_ha"] *= 0.4
    return FieldTrial.from_dataframe(plots, crop="wheat", control="CK")


@pytest.mark.parametrize("letters", ["tukey", "lsd", "duncan"])
def test_many_treatments_list_exactly_the_changed_rows_of_the_full_listing(
    sixty_treatments, letters
):
    """Above 30 treatments the rows are the full listing's changed letters rows (same order)."""
    trial = sixty_treatments
    full = trial.sensitivity(["1005", "2010"], letters=letters, all_pairs=True)
    short = trial.sensitivity(["1005", "2010"], letters=letters)
    # the full listing: 60 * 59 / 2 = 1770 letter pairs per plot, checked one by one
    assert (full["verdict"] == "letters").sum() == 2 * 1770
    # the comparisons with the control too, since stop 44 (test below)
    listed = ~full["verdict"].isin(["letters", "dunnett", "noninferiority"])
    expected = full[full["changed"] | listed].reset_index(drop=True)
    assert full["changed"].any()  # the mistyped plots do move some letters
    pd.testing.assert_frame_equal(short.reset_index(drop=True), expected)
    assert short.attrs["letter_pairs_checked"] == 1770


def test_many_treatments_list_only_the_changed_dunnett_rows(sixty_treatments):
    """Above 30 treatments the Dunnett rows are the full listing's changed ones (stop 44)."""
    full = sixty_treatments.sensitivity(["1005", "2010"], letters=None, all_pairs=True)
    short = sixty_treatments.sensitivity(["1005", "2010"], letters=None)
    # 59 treatments vs CK per plot: every one checked, the unchanged ones not listed
    assert (full["verdict"] == "dunnett").sum() == 2 * 59
    expected = full[full["changed"] | (full["verdict"] != "dunnett")].reset_index(drop=True)
    pd.testing.assert_frame_equal(short.reset_index(drop=True), expected)
    assert short.attrs["control_rows_checked"] == 59


def test_changed_letter_pairs_compared_in_blocks_are_the_same(sixty_treatments, monkeypatch):
    """Blocks of one row of pairs (stop 44: O(t^2) memory before) list the same rows."""
    from yieldtrial.stats import sensitivity as module

    whole = sixty_treatments.sensitivity(["1005", "2010"])
    monkeypatch.setattr(module, "PAIR_BLOCK_PAIRS", 7)  # 7 // 60 -> one row i a block
    blocks = sixty_treatments.sensitivity(["1005", "2010"])
    pd.testing.assert_frame_equal(blocks, whole)


def test_few_treatments_keep_every_letter_pair_by_default():
    """Up to 30 treatments the default listing is the full one (every pair, no count)."""
    default = doubled_trial().sensitivity(["201"], margin_pct=5)
    full = doubled_trial().sensitivity(["201"], margin_pct=5, all_pairs=True)
    pd.testing.assert_frame_equal(default, full)
    assert (default["verdict"] == "letters").sum() == 6  # 4 treatments: 4 * 3 / 2 pairs
    assert "letter_pairs_checked" not in default.attrs


def test_all_pairs_false_lists_only_the_changed_letter_pairs_of_a_small_trial():
    """all_pairs=False: the changed letters rows of the full listing, and the count checked."""
    full = doubled_trial().sensitivity(["201"], all_pairs=True)
    short = doubled_trial().sensitivity(["201"], all_pairs=False)
    expected = full[full["changed"] | (full["verdict"] != "letters")].reset_index(drop=True)
    pd.testing.assert_frame_equal(short.reset_index(drop=True), expected)
    assert short.attrs["letter_pairs_checked"] == 6
