"""Fertilizer-use efficiency metrics (Dobermann 2007) and the efficiency table.

Definitions (Dobermann A., 2007, "Nutrient use efficiency - measurement and management",
IFA Workshop on Fertilizer Best Management Practices, Brussels, pp. 1-28; restated in
domain-standards §4): PFP = Y/F, AE = (Y - Y0)/F, RE = (U - U0)/F, PE = (Y - Y0)/(U - U0),
IE = Y/U, PNB = U_H/F.  The worked example used throughout (hand derivation):
Y = 6000, Y0 = 3600, F = 120, U = 100, U0 = 60, U_H = 84 kg/ha gives PFP = 50, AE = 20,
RE = 1/3, PE = 60, IE = 60, PNB = 0.7, and AE = RE x PE = 20.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.config import TrialConfig
from yieldtrial.design import latin_square, rcbd, split_plot
from yieldtrial.efficiency import (
    agronomic_efficiency,
    efficiency_table,
    internal_efficiency,
    partial_factor_productivity,
    partial_nutrient_balance,
    physiological_efficiency,
    recovery_efficiency,
    report_table,
    trial_yields_kg_ha,
)
from yieldtrial.errors import DataValidationError
from yieldtrial.trial import FieldTrial

# The founding case (domain standards §0 and §4): CK1 full compound fertilizer, CK2 20 % less,
# T 20 % less plus a synergist; equal yields, 442 kg/mu at 5 % = 482.64 kg/mu at 13 %.
# Product rates are illustrative (the report does not state them): 50 kg/mu of 15-15-15 supplies
# 7.5 kg N/mu, as in the domain-standards example.
JINZHONG_YIELD_KG_HA = 482.64 * 15  # 7239.6 kg/ha
JINZHONG = {
    "CK1": {"product": "compound fertilizer 15-15-15", "rate_kg_mu": 50},
    "CK2": {"product": "compound fertilizer 15-15-15", "rate_kg_mu": 40},
    "T": [
        {"product": "compound fertilizer 15-15-15", "rate_kg_mu": 40},
        {"product": "synergist", "n_pct": 0, "rate_kg_mu": 0.5},
    ],
}
JINZHONG_YIELDS = dict.fromkeys(("CK1", "CK2", "T"), JINZHONG_YIELD_KG_HA)


# --------------------------------------------------------------------------- metrics
def test_pfp_worked_example(numeric_kind):
    """PFP = Y/F = 6000/120 = 50 kg/kg, keeping the input kind."""
    y = numeric_kind([6000.0])
    out = partial_factor_productivity(y, nutrient_rate_kg_ha=120.0)
    np.testing.assert_allclose(np.asarray(out, dtype=float).reshape(-1), [50.0])
    assert type(out) is type(y)


def test_pfp_series_keeps_index():
    """A Series of yields gives a Series with the same index."""
    y = pd.Series([6000.0, np.nan], index=["CK", "T"])
    out = partial_factor_productivity(
        y, nutrient_rate_kg_ha=pd.Series([120.0, 100.0], index=["CK", "T"])
    )
    assert out.index.tolist() == ["CK", "T"]
    assert out.iloc[0] == pytest.approx(50.0) and np.isnan(out.iloc[1])


def test_pfp_refuses_zero_rate():
    """PFP of an unfertilized plot is undefined: F must be > 0."""
    with pytest.raises(DataValidationError, match="nutrient_rate_kg_ha"):
        partial_factor_productivity(3600.0, nutrient_rate_kg_ha=0.0)


def test_ae_worked_example():
    """AE = (6000 - 3600)/120 = 20 kg/kg (hand)."""
    assert agronomic_efficiency(
        6000.0, nutrient_rate_kg_ha=120.0, zero_nutrient_yield_kg_ha=3600.0
    ) == pytest.approx(20.0)


def test_ae_refuses_without_zero_plot():
    """AE without Y0 names the missing zero-N (omission) plot and refuses a reduced rate."""
    with pytest.raises(DataValidationError, match=r"zero-N \(omission\) plot.*reduced-rate"):
        agronomic_efficiency(6000.0, nutrient_rate_kg_ha=120.0)


def test_re_worked_example():
    """RE = (100 - 60)/120 = 0.3333 (wefnexus recovery_efficiency docs example; hand)."""
    assert recovery_efficiency(
        100.0, nutrient_rate_kg_ha=120.0, zero_nutrient_uptake_kg_ha=60.0
    ) == pytest.approx(1 / 3)


def test_re_vector_matches_nueton_example():
    """NUETON NRE docs example: ((PlantNf - PlantN0)/15) x 100 = 11.33, 7.47, 4.60, 10.87 %."""
    # NUETON::NRE(c(2.92, 3.78, 4.68, 4.21), c(1.22, 2.66, 3.99, 2.58), 15), hand: 1.70/15 ...
    out = recovery_efficiency(
        np.array([2.92, 3.78, 4.68, 4.21]),
        nutrient_rate_kg_ha=15.0,
        zero_nutrient_uptake_kg_ha=np.array([1.22, 2.66, 3.99, 2.58]),
    )
    np.testing.assert_allclose(out * 100, [11.3333, 7.4667, 4.6, 10.8667], atol=1e-4)


def test_re_refuses_without_uptake():
    """RE without plant uptake says it needs plant analysis."""
    with pytest.raises(DataValidationError, match="uptake"):
        recovery_efficiency(None, nutrient_rate_kg_ha=120.0, zero_nutrient_uptake_kg_ha=60.0)


def test_re_refuses_without_zero_plot_uptake():
    """RE without U0 names the zero-N plot."""
    with pytest.raises(DataValidationError, match=r"zero-N \(omission\) plot"):
        recovery_efficiency(100.0, nutrient_rate_kg_ha=120.0)


def test_pe_worked_example():
    """PE = (6000 - 3600)/(100 - 60) = 60 kg/kg (hand)."""
    assert physiological_efficiency(
        6000.0,
        uptake_kg_ha=100.0,
        zero_nutrient_yield_kg_ha=3600.0,
        zero_nutrient_uptake_kg_ha=60.0,
    ) == pytest.approx(60.0)


def test_ae_equals_re_times_pe():
    """Identity AE = RE x PE (Dobermann 2007) on the worked example: 1/3 x 60 = 20."""
    ae = agronomic_efficiency(6000.0, nutrient_rate_kg_ha=120.0, zero_nutrient_yield_kg_ha=3600.0)
    re = recovery_efficiency(100.0, nutrient_rate_kg_ha=120.0, zero_nutrient_uptake_kg_ha=60.0)
    pe = physiological_efficiency(
        6000.0,
        uptake_kg_ha=100.0,
        zero_nutrient_yield_kg_ha=3600.0,
        zero_nutrient_uptake_kg_ha=60.0,
    )
    assert ae == pytest.approx(re * pe)


def test_pe_undefined_when_uptake_unchanged():
    """PE is NaN when U = U0 (no extra uptake), not a division error."""
    assert np.isnan(
        physiological_efficiency(
            6000.0,
            uptake_kg_ha=60.0,
            zero_nutrient_yield_kg_ha=3600.0,
            zero_nutrient_uptake_kg_ha=60.0,
        )
    )


def test_pe_refuses_without_zero_plot():
    """PE without Y0 names the zero-N plot."""
    with pytest.raises(DataValidationError, match=r"zero-N \(omission\) plot"):
        physiological_efficiency(6000.0, uptake_kg_ha=100.0, zero_nutrient_uptake_kg_ha=60.0)


def test_ie_worked_example():
    """IE = Y/U = 6000/100 = 60 kg/kg (Dobermann's IE, not the N harvest index)."""
    assert internal_efficiency(6000.0, uptake_kg_ha=100.0) == pytest.approx(60.0)


def test_ie_refuses_without_uptake():
    """IE needs plant uptake."""
    with pytest.raises(DataValidationError, match="plant N uptake"):
        internal_efficiency(6000.0)


def test_pnb_worked_example():
    """PNB = U_H/F = 84/120 = 0.7 (hand)."""
    assert partial_nutrient_balance(84.0, nutrient_rate_kg_ha=120.0) == pytest.approx(0.7)


def test_pnb_refuses_without_removal():
    """PNB needs the nutrient removed in the harvest."""
    with pytest.raises(DataValidationError, match="removed in the harvested product"):
        partial_nutrient_balance(None, nutrient_rate_kg_ha=120.0)


def test_metric_message_names_the_nutrient():
    """The refusal names the nutrient given (zero-K2O plot for potash)."""
    with pytest.raises(DataValidationError, match=r"zero-K2O \(omission\) plot"):
        agronomic_efficiency(6000.0, nutrient_rate_kg_ha=60.0, nutrient="K2O")


# --------------------------------------------------------------------------- Jinzhong table
def _jinzhong_table(**kwargs):
    return efficiency_table(JINZHONG_YIELDS, JINZHONG, reference="CK1", **kwargs)


def test_jinzhong_pfp_for_each_treatment():
    """PFP = 7239.6/112.5 = 64.35 (CK1) and 7239.6/90 = 80.44 kg/kg N (CK2, T) (hand)."""
    table = _jinzhong_table()
    pfp = table[table["label"] == "PFP"].set_index("treatment")["value"]
    # hand: per mu the same ratio, 482.64/7.5 = 64.352, 482.64/6.0 = 80.44
    np.testing.assert_allclose(pfp[["CK1", "CK2", "T"]], [64.352, 80.44, 80.44], atol=1e-3)


def test_jinzhong_pfp_gain_comes_from_the_rate_cut():
    """At equal yield, PFP of CK2 and T rises 25 % = 1/0.8 - 1, all from the 20 % rate cut."""
    table = _jinzhong_table()
    pfp = table[table["label"] == "PFP"].set_index("treatment")
    # hand: F_CK1/F_T = 7.5/6.0 = 1.25; yield factor 1
    np.testing.assert_allclose(pfp.loc[["CK2", "T"], "rate_effect_pct"], [25.0, 25.0])
    np.testing.assert_allclose(pfp.loc[["CK2", "T"], "change_vs_reference_pct"], [25.0, 25.0])
    note = pfp.loc["T", "note"]
    assert "comes only from the rate" in note and "cutting N by 20.0 %" in note
    assert "+25.0 %" in note
    assert any("PFP of T" in n and "cutting N by 20.0 %" in n for n in table.attrs["notes"])


def test_table_notes_in_chinese_say_the_same():
    """attrs["notes_zh"]: the same notes in Chinese, one for one (rate cut 20 % -> PFP +25 %)."""
    table = _jinzhong_table()
    notes, notes_zh = table.attrs["notes"], table.attrs["notes_zh"]
    assert len(notes_zh) == len(notes)
    # hand: 7.5/6.0 - 1 = +25.0 % at equal yield
    assert any("T 的 PFP 比 CK1 +25.0 %" in n and "减少 20.0 %" in n for n in notes_zh)


def test_rate_note_names_the_nutrient_in_both_units():
    """The rates in the PFP note are nutrient rates: kg N/ha and kg N/mu (zh kg N/亩, kg N/公顷).

    Jinzhong: 7.5 -> 6.0 kg N/mu (table above), i.e. x 15 = 112.5 -> 90 kg N/ha.
    """
    table = _jinzhong_table()
    note = table[table["label"] == "PFP"].set_index("treatment").loc["T", "note"]
    assert "(112.5 -> 90 kg N/ha; 7.5 -> 6 kg N/mu)" in note
    assert any("（7.5→6 kg N/亩，112.5→90 kg N/公顷）" in n for n in table.attrs["notes_zh"])


def test_jinzhong_ae_not_computed_in_default_table():
    """The default table lists AE as not computable, naming the missing zero-N plot."""
    table = _jinzhong_table()
    ae = table[table["label"] == "AE"]
    assert not ae["computed"].any() and ae["value"].isna().all()
    assert ae["note"].str.contains(r"no zero-N \(omission\) plot").all()
    assert ae["note"].str.contains("reduced-rate control cannot substitute").all()
    assert any("AE, RE, PE cannot be computed" in n for n in table.attrs["notes"])


def test_jinzhong_ae_requested_explicitly_is_refused():
    """Asking for AE raises, naming the missing zero-N (omission) plot and the treatments."""
    with pytest.raises(
        DataValidationError, match=r"no zero-N \(omission\) plot.*CK1, CK2, T.*reduced-rate"
    ):
        _jinzhong_table(metrics=["ae"])


def test_jinzhong_reduced_rate_control_cannot_be_the_zero_plot():
    """Naming CK2 as the zero-N treatment is refused: it receives 90 kg N/ha."""
    with pytest.raises(DataValidationError, match=r"'CK2' receives 90 kg N/ha.*cannot substitute"):
        _jinzhong_table(zero_nutrient_treatment="CK2")


def test_jinzhong_synergist_nitrogen_is_counted():
    """A DCD synergist (0.5 kg/mu, 66.6 % N) adds N, so T's PFP gain is below 25 %."""
    fert = dict(JINZHONG)
    fert["T"] = [
        {"product": "compound fertilizer 15-15-15", "rate_kg_mu": 40},
        {"product": "synergist", "additive": "dicyandiamide", "rate_kg_mu": 0.5},
    ]
    table = efficiency_table(JINZHONG_YIELDS, fert, reference="CK1")
    pfp = table[table["label"] == "PFP"].set_index("treatment")
    # hand: F_T = 6.0 + 0.5 x 0.666351 = 6.33318 kg N/mu; 7.5/6.33318 - 1 = 18.42 %
    assert pfp.loc["T", "nutrient_rate_kg_ha"] == pytest.approx(6.33318 * 15, abs=1e-3)
    assert pfp.loc["T", "rate_effect_pct"] == pytest.approx(18.424, abs=1e-3)


def test_table_with_zero_plot_computes_all_metrics():
    """With an omission plot and uptakes every metric is computed (worked example)."""
    fert = {"N0": [], "N120": {"grade": "46-0-0", "rate_kg_ha": 120 / 0.46}}
    table = efficiency_table(
        {"N0": 3600.0, "N120": 6000.0},
        fert,
        uptake={"N0": 60.0, "N120": 100.0},
        removal={"N120": 84.0},
    )
    values = table.set_index("label")["value"]
    # hand: see module docstring
    np.testing.assert_allclose(
        values[["PFP", "AE", "RE", "PE", "IE", "PNB"]], [50.0, 20.0, 1 / 3, 60.0, 60.0, 0.7]
    )
    assert table["computed"].all()
    assert table.attrs["provenance"]["zero_nutrient_treatment"] == "N0"


def test_table_yield_difference_explains_the_rest():
    """When yields differ, the note splits the PFP change into rate and yield parts."""
    fert = {"CK": {"n_rate_kg_ha": 100}, "T": {"n_rate_kg_ha": 80}}
    table = efficiency_table({"CK": 6000.0, "T": 6300.0}, fert, reference="CK", metrics=["pfp"])
    row = table.set_index("treatment").loc["T"]
    # hand: 6300/80 / (6000/100) - 1 = 31.25 %; rate 100/80 - 1 = 25 %; yield +5 %
    assert row["change_vs_reference_pct"] == pytest.approx(31.25)
    assert row["rate_effect_pct"] == pytest.approx(25.0)
    assert row["yield_effect_pct"] == pytest.approx(5.0)
    assert "has no confidence interval" in row["note"]


def test_table_ci_excluding_zero_credits_the_yield_difference():
    """A yield-difference CI that excludes 0 lets the yield part account for the rest."""
    fert = {"CK": {"n_rate_kg_ha": 100}, "T": {"n_rate_kg_ha": 80}}
    table = efficiency_table(
        {"CK": 6000.0, "T": 6300.0},
        fert,
        reference="CK",
        metrics=["pfp"],
        yield_difference_ci={"T": (100.0, 500.0)},  # hand-set CI of +300 kg/ha, excludes 0
    )
    assert "accounts for the rest" in table.set_index("treatment").loc["T", "note"]


def test_table_ci_containing_zero_counts_as_equal_yield():
    """A yield-difference CI that includes 0 makes the note attribute the gain to the rate."""
    fert = {"CK": {"n_rate_kg_ha": 100}, "T": {"n_rate_kg_ha": 80}}
    table = efficiency_table(
        {"CK": 6000.0, "T": 6300.0},
        fert,
        reference="CK",
        metrics=["pfp"],
        yield_difference_ci={"T": (-200.0, 800.0)},
    )
    assert "within its confidence interval" in table.set_index("treatment").loc["T", "note"]


def test_table_rejects_undescribed_treatment():
    """A treatment with a yield but no fertilizer description is an error."""
    with pytest.raises(DataValidationError, match="no fertilizer description"):
        efficiency_table({"CK": 6000.0, "X": 6000.0}, {"CK": {"n_rate_kg_ha": 100}})


def test_table_p_nutrient_uses_elemental_rate():
    """nutrient='P' uses elemental P: 750 kg/ha of 15-15-15 = 49.097 kg P/ha."""
    table = efficiency_table(
        {"CK": 6000.0},
        {"CK": {"grade": "15-15-15", "rate_kg_ha": 750}},
        nutrient="P",
        metrics=["pfp"],
    )
    # hand: 750 x 0.15 x 0.436421 = 49.097; 6000/49.097 = 122.21
    assert table["nutrient_rate_kg_ha"].iloc[0] == pytest.approx(49.097, abs=1e-3)
    assert table["value"].iloc[0] == pytest.approx(122.21, abs=1e-2)


# --------------------------------------------------------------------------- FieldTrial
def _replicated_trial(metadata=None):
    book = rcbd(["CK1", "CK2", "T"], blocks=4, seed=1, plot_area_m2=20.0)
    masses = {"CK1": 13.0, "CK2": 13.1, "T": 12.9}
    block_effect = {"1": 0.0, "2": 0.3, "3": -0.2, "4": 0.1}
    book["fresh_mass_kg"] = [
        masses[t] + block_effect[b] for t, b in zip(book["treatment"], book["block"], strict=True)
    ]
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 2.0
    return FieldTrial.from_dataframe(book, crop="wheat", control="CK1", metadata=metadata)


def test_fieldtrial_efficiency_uses_lsmeans():
    """FieldTrial.efficiency: PFP = LS-mean / N rate (additive data: LS-mean = treatment mean)."""
    trial = _replicated_trial()
    table = trial.efficiency(JINZHONG)
    pfp = table[table["label"] == "PFP"].set_index("treatment")
    means = trial.yields().groupby("treatment")["yield_kg_ha"].mean()
    # balanced RCBD without missing plots: LS-means equal the raw treatment means
    np.testing.assert_allclose(
        pfp.loc[["CK1", "CK2", "T"], "yield_kg_ha"], means[["CK1", "CK2", "T"]]
    )
    np.testing.assert_allclose(pfp.loc["CK1", "value"], means["CK1"] / 112.5)
    assert pfp.loc["CK2", "reference"] == "CK1"


def test_fieldtrial_efficiency_reads_trial_toml():
    """Without an explicit mapping the fertilizer comes from the trial description."""
    cfg = TrialConfig.from_text("""
[[treatments]]
label = "CK1"
product = "compound fertilizer 15-15-15"
rate = 50
rate_unit = "kg/mu"
[[treatments]]
label = "CK2"
product = "compound fertilizer 15-15-15"
rate = 40
rate_unit = "kg/mu"
[[treatments]]
label = "T"
product = "compound fertilizer 15-15-15"
rate = 40
rate_unit = "kg/mu"
""")
    table = _replicated_trial().efficiency(config=cfg)
    rates = table.drop_duplicates("treatment").set_index("treatment")["nutrient_rate_kg_ha"]
    np.testing.assert_allclose(rates[["CK1", "CK2", "T"]], [112.5, 90.0, 90.0])


def test_fieldtrial_efficiency_reads_metadata():
    """A 'fertilizer' mapping in the trial's metadata is used too."""
    table = _replicated_trial(metadata={"fertilizer": JINZHONG}).efficiency()
    assert set(table["treatment"]) == {"CK1", "CK2", "T"}


def test_fieldtrial_efficiency_without_description_is_an_error():
    """No mapping, config or metadata: a clear error saying how to describe the fertilizer."""
    with pytest.raises(DataValidationError, match="no fertilizer description"):
        _replicated_trial().efficiency()


# --------------------------------------------------------------------------- other designs
LATIN_FERT = {
    "CK1": {"n_rate_kg_ha": 150},
    "CK2": {"n_rate_kg_ha": 120},
    "T": {"n_rate_kg_ha": 120},
    "Z": [],  # zero-N (omission) plot
}
# irregular plot-to-plot noise [kg per plot], so the Latin-square residual is not zero
NOISE_KG = [0.05, -0.03, 0.02, -0.04, 0.01, 0.06, -0.05, 0.0, -0.02, 0.03, 0.04, -0.06]


def _latin_trial():
    """4 x 4 Latin square with row and column trends and one missing plot (unbalanced)."""
    book = latin_square(["CK1", "CK2", "T", "Z"], seed=3, plot_area_m2=20.0)
    base = {"CK1": 13.0, "CK2": 12.6, "T": 12.9, "Z": 9.0}
    noise = NOISE_KG + NOISE_KG[:4]
    book["fresh_mass_kg"] = [
        base[t] + 0.2 * int(r) - 0.1 * int(c) + e
        for t, r, c, e in zip(book["treatment"], book["row"], book["column"], noise, strict=True)
    ]
    book.loc[book.index[5], "fresh_mass_kg"] = np.nan  # a lost plot: LS-means != raw means
    book["moisture_pct"] = 13.0
    book["impurity_pct"] = 0.0
    return FieldTrial.from_dataframe(book, crop="wheat", design="latin", control="CK1")


def _ols_lsmeans(data, formula, factor, margins):
    """LS-means by statsmodels: predictions averaged over every combination of ``margins``."""
    import itertools

    import statsmodels.formula.api as smf

    fit = smf.ols(formula, data=data).fit()
    grid = list(itertools.product(*(sorted(data[m].unique()) for m in margins)))
    out = {}
    for level in data[factor].unique():
        cells = pd.DataFrame(grid, columns=margins).assign(**{factor: level})
        out[str(level)] = float(fit.predict(cells).mean())
    return out


def test_latin_square_efficiency_uses_the_row_column_model():
    """Latin square: yields are the row + column + treatment LS-means (statsmodels OLS)."""
    trial = _latin_trial()
    data = trial.yields().dropna(subset=["yield_kg_ha"])
    data = data.assign(**{c: data[c].astype(str) for c in ("treatment", "row", "column")})
    # independent: statsmodels OLS on the same plots, LS-means over the 4 x 4 rows x columns
    expected = _ols_lsmeans(
        data, "yield_kg_ha ~ C(treatment) + C(row) + C(column)", "treatment", ["row", "column"]
    )
    raw_t = data.loc[data["treatment"] == "T", "yield_kg_ha"].mean()
    table = trial.efficiency(LATIN_FERT)
    pfp = table[table["label"] == "PFP"].set_index("treatment")
    ae = table[table["label"] == "AE"].set_index("treatment")
    np.testing.assert_allclose(pfp.loc["T", "yield_kg_ha"], expected["T"], rtol=1e-9)
    assert abs(expected["T"] - raw_t) > 1.0  # the lost plot makes the model matter
    # PFP = Y / F and AE = (Y - Y0) / F with the LS-means (Dobermann 2007)
    np.testing.assert_allclose(pfp.loc["CK2", "value"], expected["CK2"] / 120.0, rtol=1e-9)
    np.testing.assert_allclose(
        ae.loc["CK1", "value"], (expected["CK1"] - expected["Z"]) / 150.0, rtol=1e-9
    )
    assert "LATIN" in table.attrs["provenance"]["yields"]


def test_latin_square_intervals_come_from_compare_to_control():
    """Latin square: the CIs behind the notes are FieldTrial.compare_to_control's (error df 5)."""
    trial = _latin_trial()
    yields, ci, how = trial_yields_kg_ha(trial, reference="CK1")
    comp = trial.compare_to_control(control="CK1").set_index("treatment")
    # hand: 15 plots - (1 + 3 treatments + 3 rows + 3 columns) = 5 error df
    assert comp["df"].unique().tolist() == [5.0]
    assert set(ci) == {"CK2", "T", "Z"}
    for name, (low, high) in ci.items():
        assert low == pytest.approx(comp.loc[name, "ci_low_kg_ha"])
        assert high == pytest.approx(comp.loc[name, "ci_high_kg_ha"])
    assert "Dunnett" in how


def _split_plot_trial():
    """Split plot: varieties on whole plots, N rates on sub-plots, 3 blocks."""
    book = split_plot(["V1", "V2"], ["N0", "N90", "N150"], blocks=3, seed=1, plot_area_m2=20.0)
    base = {"N0": 9.0, "N90": 12.0, "N150": 13.0}
    variety = {"V1": 0.0, "V2": 0.5}
    block = {"1": 0.0, "2": 0.3, "3": -0.2}
    book["fresh_mass_kg"] = [
        base[n] + variety[v] + block[str(b)] + e
        for n, v, b, e in zip(book["sub"], book["main"], book["block"], NOISE_KG * 2, strict=False)
    ]
    book["moisture_pct"] = 13.0
    book["impurity_pct"] = 0.0
    return FieldTrial.from_dataframe(
        book, crop="wheat", design="split_plot", factors=("main", "sub")
    )


SPLIT_FERT = {"N0": [], "N90": {"n_rate_kg_ha": 90}, "N150": {"n_rate_kg_ha": 150}}


def test_split_plot_efficiency_applies_to_the_fertilizer_factor():
    """Split plot: the sub-plot factor named by the fertilizer is used, with error b."""
    trial = _split_plot_trial()
    table = trial.efficiency(SPLIT_FERT)
    pfp = table[table["label"] == "PFP"].set_index("treatment")
    mm = trial.means_model("sub")
    expected = dict(zip(mm.levels, mm.estimates, strict=True))
    # PFP = sub-plot LS-mean (averaged over varieties) / N rate
    np.testing.assert_allclose(pfp.loc["N90", "value"], expected["N90"] / 90.0, rtol=1e-9)
    assert "error_b" in table.attrs["provenance"]["yields"]
    # the trial has no control among the N levels: the highest rate is the reference, with CIs
    assert table.attrs["provenance"]["reference"] == "N150"
    assert "Dunnett" in table.attrs["provenance"]["yields"]


def test_report_table_for_a_latin_square():
    """The report hook works for a Latin square: PFP from the row + column LS-means."""
    cfg = TrialConfig.from_dict(
        {
            "treatments": [
                {"label": "CK1", "n_rate_kg_ha": 150},
                {"label": "CK2", "n_rate_kg_ha": 120},
                {"label": "T", "n_rate_kg_ha": 120},
                {"label": "Z", "n_rate_kg_ha": 0},
            ]
        }
    )
    trial = _latin_trial()
    table = report_table(trial, cfg, unit="kg/ha", lang="en").set_index("treatment")
    long = trial.efficiency(LATIN_FERT)
    pfp = long[long["label"] == "PFP"].set_index("treatment")["value"]
    np.testing.assert_allclose(table.loc[["CK1", "CK2", "T"], "pfp"], pfp[["CK1", "CK2", "T"]])
    assert "ae" in table.columns  # Z is the zero-N plot


def test_split_plot_with_unclear_fertilizer_factor_is_an_error():
    """Two factors and a description naming neither factor's levels: ask for kind=."""
    with pytest.raises(DataValidationError, match="pass kind="):
        _split_plot_trial().efficiency({"A": []})


def test_split_plot_kind_chooses_the_means():
    """kind= and at= pass through: N means within variety V2 (FieldTrial.means_model)."""
    trial = _split_plot_trial()
    yields, _, _ = trial_yields_kg_ha(trial, kind="sub_plot_within_whole", at="V2")
    mm = trial.means_model("sub_plot_within_whole", at="V2")
    np.testing.assert_allclose(list(yields.values()), mm.estimates)


def test_report_table_one_row_per_treatment_with_notes():
    """The report hook gives PFP per treatment in the display unit plus the AE note."""
    cfg = TrialConfig.from_dict(
        {
            "treatments": [
                {"label": "CK1", "product": "compound 15-15-15", "rate": 50, "rate_unit": "kg/mu"},
                {"label": "CK2", "product": "compound 15-15-15", "rate": 40, "rate_unit": "kg/mu"},
                {"label": "T", "product": "compound 15-15-15", "rate": 40, "rate_unit": "kg/mu"},
            ]
        }
    )
    table = report_table(_replicated_trial(), cfg, unit="kg/mu", lang="en")
    assert table["treatment"].tolist() == ["CK1", "CK2", "T"]
    np.testing.assert_allclose(table["n_rate_kg_mu"], [7.5, 6.0, 6.0])
    assert "ae" not in table.columns and "pfp" in table.columns
    # the reference row shows no change (NaN, "-" in the report)
    np.testing.assert_allclose(table["rate_effect_pct"], [np.nan, 25.0, 25.0])
    assert table.attrs["column_labels"]["n_rate_kg_mu"] == "N rate (kg/mu)"
    assert any("zero-N" in n for n in table.attrs["notes"])


def test_report_table_none_without_fertilizer():
    """No fertilizer in the description: no efficiency section."""
    assert report_table(_replicated_trial(), TrialConfig(), unit="kg/ha") is None


def test_report_table_chinese_notes():
    """lang='zh' gives Chinese labels and notes (no zero-N plot; the 20 % cut gives +25 % PFP)."""
    cfg = TrialConfig.from_dict(
        {
            "treatments": [
                {"label": "CK1", "product": "compound 15-15-15", "rate": 50, "rate_unit": "kg/mu"},
                {"label": "CK2", "product": "compound 15-15-15", "rate": 40, "rate_unit": "kg/mu"},
            ]
        }
    )
    table = report_table(_replicated_trial(), cfg, unit="kg/mu", lang="zh")
    assert table.attrs["column_labels"]["treatment"] == "处理"
    notes = table.attrs["notes"]
    assert any("空白（缺素）小区" in n for n in notes)
    # hand: 7.5/6.0 - 1 = +25.0 %
    assert any("减少 20.0 %" in n and "+25.0 %" in n for n in notes)


def test_report_table_incomplete_description_explains():
    """A product without a known grade does not break the report: a note says what is missing."""
    cfg = TrialConfig.from_dict(
        {"treatments": [{"label": "CK1", "product": "compound", "rate": 50, "rate_unit": "kg/mu"}]}
    )
    table = report_table(_replicated_trial(), cfg, unit="kg/mu")
    assert table["treatment"].tolist() == ["CK1"]
    assert "nutrient content unknown" in table.attrs["notes"][0]


def test_founding_example_pfp_with_stated_rates():
    """Shipped Jinzhong data (436, 418, 442 kg/mu at 5 %) with stated rates: PFP per treatment."""
    from yieldtrial.datasets import load_example

    with pytest.warns(Warning):  # wheat harvested at 5 % moisture is flagged as implausible
        trial = load_example("jinzhong-2024")
    table = trial.efficiency(JINZHONG)
    pfp = table[table["label"] == "PFP"].set_index("treatment")["value"]
    # hand: 436 x 95/87 x 15 / 112.5 = 63.479; 418 x 95/87 x 15 / 90 = 76.073;
    # 442 x 95/87 x 15 / 90 = 80.441 (dry-matter standardization to 13 %, domain standards §0)
    np.testing.assert_allclose(pfp[["CK1", "CK2", "T"]], [63.479, 76.073, 80.441], atol=1e-3)
    assert not table.loc[table["label"] == "AE", "computed"].any()
    assert any("One harvest per treatment" in n for n in table.attrs["notes"])


def test_build_report_gains_efficiency_section():
    """A trial description with kg rates adds the efficiency section to the report model."""
    from yieldtrial.datasets import load_example
    from yieldtrial.report.build import build_report

    cfg = TrialConfig.from_dict(
        {
            "analysis": {"unit": "kg/mu"},
            "treatments": [
                {"label": "CK1", "product": "compound 15-15-15", "rate": 50, "rate_unit": "kg/mu"},
                {"label": "CK2", "product": "compound 15-15-15", "rate": 40, "rate_unit": "kg/mu"},
                {"label": "T", "product": "compound 15-15-15", "rate": 40, "rate_unit": "kg/mu"},
            ],
        }
    )
    with pytest.warns(Warning):  # wheat at 5 % moisture is flagged as implausible
        trial = load_example("jinzhong-2024")
        report = build_report(trial, cfg, figures=False)
    assert report.has_section("efficiency")
    rows = {r["treatment"]: r for r in report.results["efficiency"]}
    # hand: 442 x 95/87 / 6.0 = 80.44 kg/kg N (kg/mu over kg/mu)
    assert rows["T"]["pfp"] == pytest.approx(80.4406, abs=1e-3)
    assert rows["T"]["rate_effect_pct"] == pytest.approx(25.0)


def test_shipped_jinzhong_example_efficiency() -> None:
    """load_example("jinzhong-2024").efficiency(): PFP for CK1, CK2, T; AE refused; rate note."""
    from yieldtrial.datasets import load_example
    from yieldtrial.errors import YieldTrialWarning

    with pytest.warns(YieldTrialWarning, match="moisture_pct outside"):  # 5 %, as published
        trial = load_example("jinzhong-2024")
    table = trial.efficiency()
    pfp = table[table["metric"] == "partial_factor_productivity"].set_index("treatment")
    assert list(pfp.index) == ["CK1", "CK2", "T"]
    # hand (illustrative trial.toml rates): N = 40 x 15 % = 6 kg/mu = 90 kg/ha (CK1);
    # 32 x 15 % = 4.8 kg/mu = 72 kg/ha (CK2); T 4.8 + 0.3 x 66.6 % = 5.0 kg/mu = 75 kg/ha
    np.testing.assert_allclose(pfp["nutrient_rate_kg_ha"], [90.0, 72.0, 75.0], atol=0.01)
    assert pfp["computed"].all()
    ae = table[table["metric"] == "agronomic_efficiency"]
    assert not ae["computed"].any()
    assert ae["note"].str.contains("zero-N").all()
    # hand: rate effect of T vs CK1 = 90 / 75 - 1 = +20 % at equal yield
    assert pfp.loc["T", "rate_effect_pct"] == pytest.approx(20.0, abs=0.02)


def test_efficiency_table_zero_treatment_column_is_a_label_column():
    """Without a zero-N treatment the column is missing labels of the treatment column's type."""
    out = efficiency_table(JINZHONG_YIELDS, JINZHONG)
    assert out["zero_nutrient_treatment"].isna().all()
    assert out["zero_nutrient_treatment"].dtype == out["treatment"].dtype
