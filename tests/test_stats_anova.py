"""Tests of the ANOVA (yieldtrial.stats.anova)."""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reference_cases import case_frame, load_case, seedrate_frame
from yieldtrial.errors import DataValidationError
from yieldtrial.stats.anova_tables import ANOVA_COLUMNS, anova, relative_efficiency


def random_unbalanced_rcbd(seed: int) -> pd.DataFrame:
    """5 x 4 RCBD, 2 duplicated plots, 3 blank plots, strong block effects."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        [(f"T{i}", f"B{j}") for i, j in product(range(5), range(4))],
        columns=["treatment", "block"],
    )
    df = pd.concat([df, df.sample(2, random_state=seed)], ignore_index=True)
    t_eff, b_eff = rng.normal(0, 300, 5), rng.normal(0, 500, 4)
    df["yield_kg_ha"] = (
        6000
        + t_eff[df["treatment"].str[1:].astype(int)]
        + b_eff[df["block"].str[1:].astype(int)]
        + rng.normal(0, 200, len(df))
    )
    df.loc[rng.choice(len(df), size=3, replace=False), "yield_kg_ha"] = np.nan
    return df


def strong_block_rcbd() -> pd.DataFrame:
    """4 x 4 RCBD whose block effects (+-1200 kg/ha) dwarf the treatment effects (0-450)."""
    # generated with seed 4 (first seed found for which the one-way p > 0.9 while the blocked
    # model gives p ~ 1e-5; see docs/statistics.md)
    rng = np.random.default_rng(4)
    trt = np.repeat(["CK", "T1", "T2", "T3"], 4)
    blk = np.tile(["B1", "B2", "B3", "B4"], 4)
    t_eff = {"CK": 0.0, "T1": 150.0, "T2": 300.0, "T3": 450.0}
    b_eff = {"B1": -1200.0, "B2": -400.0, "B3": 400.0, "B4": 1200.0}
    y = 6000 + np.array([t_eff[t] for t in trt]) + np.array([b_eff[b] for b in blk])
    y = (y + rng.normal(0, 60, 16)).round(0)
    return pd.DataFrame({"treatment": trt, "block": blk, "yield_kg_ha": y})


def test_anova_table_columns_and_rows_rcbd() -> None:
    """RCBD table: fixed columns; rows block, treatment, residual."""
    res = anova(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block")
    assert tuple(res.table.columns) == ANOVA_COLUMNS
    assert res.table["source"].tolist() == ["block", "treatment", "residual"]
    assert res.table["df"].tolist() == [3, 5, 15]  # Gomez Table 2.6: 3, 5, 15


def test_anova_table_rows_crd() -> None:
    """CRD table rows: treatment, residual."""
    res = anova(seedrate_frame(), response="yield_kg_ha", treatment="treatment", design="crd")
    assert res.table["source"].tolist() == ["treatment", "residual"]
    assert res.relative_efficiency is None


def test_anova_sources_named_by_columns() -> None:
    """The source column uses the caller's column names."""
    df = seedrate_frame().rename(columns={"treatment": "rate", "block": "rep"})
    res = anova(df, response="yield_kg_ha", treatment="rate", block="rep")
    assert res.table["source"].tolist() == ["rep", "rate", "residual"]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_anova_matches_statsmodels_type2(seed: int) -> None:
    """Unbalanced RCBD: sums of squares, F and p equal statsmodels anova_lm(typ=2)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    df = random_unbalanced_rcbd(seed)
    res = anova(df, response="yield_kg_ha", treatment="treatment", block="block")
    ols = smf.ols("yield_kg_ha ~ C(treatment) + C(block)", data=df.dropna()).fit()
    ref = sm.stats.anova_lm(ols, typ=2)
    table = res.table.set_index("source")
    for ours, theirs in [("block", "C(block)"), ("treatment", "C(treatment)")]:
        assert table.loc[ours, "df"] == ref.loc[theirs, "df"]
        np.testing.assert_allclose(table.loc[ours, "sum_sq"], ref.loc[theirs, "sum_sq"], rtol=1e-9)
        np.testing.assert_allclose(table.loc[ours, "f"], ref.loc[theirs, "F"], rtol=1e-9)
        np.testing.assert_allclose(table.loc[ours, "p_value"], ref.loc[theirs, "PR(>F)"], rtol=1e-7)
    np.testing.assert_allclose(table.loc["residual", "sum_sq"], ref.loc["Residual", "sum_sq"])
    assert res.provenance.sum_of_squares == "type II"


def test_anova_latin_matches_statsmodels() -> None:
    """Latin square (one plot blank): table equals statsmodels anova_lm(typ=2)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(11)
    rows = []
    for r, c in product(range(5), range(5)):
        t = (r + 2 * c) % 5
        rows.append(
            (f"r{r}", f"c{c}", f"T{t}", 4000 + 90 * r - 70 * c + 60 * t + rng.normal(0, 40))
        )
    df = pd.DataFrame(rows, columns=["row", "col", "treatment", "y"])
    df.loc[7, "y"] = np.nan
    res = anova(df, response="y", treatment="treatment", design="latin", row="row", column="col")
    assert res.table["source"].tolist() == ["row", "col", "treatment", "residual"]
    ref = sm.stats.anova_lm(
        smf.ols("y ~ C(row) + C(col) + C(treatment)", data=df.dropna()).fit(), typ=2
    )
    got = res.table.set_index("source")
    for ours, theirs in [("row", "C(row)"), ("col", "C(col)"), ("treatment", "C(treatment)")]:
        np.testing.assert_allclose(got.loc[ours, "sum_sq"], ref.loc[theirs, "sum_sq"], rtol=1e-9)
    assert got.loc["residual", "df"] == 11  # (5-1)(5-2) - 1 missing plot = 11


def test_anova_gomez_rcbd_footer() -> None:
    """Gomez RCBD: CV, SED and LSD from the printed MSE by hand."""
    res = anova(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block")
    # Gomez & Gomez (1984) Table 2.6: MSE = 110,558 (15 df), grand mean 4,960, cv = 6.7 %
    assert res.cv_pct == pytest.approx(6.7, abs=0.05)
    sed = np.sqrt(2 * res.mse / 4)  # balanced: sqrt(2 MSE / r), r = 4 (about 235.1)
    assert res.sed == pytest.approx(sed, rel=1e-12)
    assert res.sed == pytest.approx(235.1, abs=0.1)
    assert res.lsd == pytest.approx(stats.t.ppf(0.975, 15) * sed, rel=1e-12)
    assert res.provenance.sum_of_squares == "sequential (balanced: equal to type II)"


def test_anova_relative_efficiency_gomez_formula() -> None:
    """RCBD R.E. = [(r-1)Eb + r(t-1)Ee]/[(rt-1)Ee] x k, k for error df < 20 (Gomez ch. 2)."""
    res = anova(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block")
    table = res.table.set_index("source")
    eb, ee, r, t = table.loc["block", "mean_sq"], res.mse, 4, 6
    raw = ((r - 1) * eb + r * (t - 1) * ee) / ((r * t - 1) * ee)
    n1, n2 = (r - 1) * (t - 1), t * (r - 1)  # error df of RCBD (15) and of a CRD (18)
    k = (n1 + 1) * (n2 + 3) / ((n2 + 1) * (n1 + 3))  # = 16 * 21 / (19 * 18)
    assert res.relative_efficiency == pytest.approx(raw * k, rel=1e-12)


def test_relative_efficiency_latin_matches_gomez_formula() -> None:
    """Latin square R.E. = [Er + Ec + (t-1)Ee]/[(t+1)Ee] (Gomez ch. 2), df >= 20."""
    t, er, ec, ee = 6, 900.0, 500.0, 100.0  # hand values; error df (t-1)(t-2) = 20, no k
    got = relative_efficiency([(5, er), (5, ec)], df_treatment=5, df_error=20, mse=ee)
    assert got == pytest.approx((er + ec + (t - 1) * ee) / ((t + 1) * ee), rel=1e-12)


def test_anova_unbalanced_sed_is_mean_pairwise() -> None:
    """Unbalanced: SED is the mean of the pairwise SEDs from the LS-mean covariance."""
    df = random_unbalanced_rcbd(2)
    res = anova(df, response="yield_kg_ha", treatment="treatment", block="block")
    cov = res.fit.lsmeans_cov
    seds = [np.sqrt(cov[i, i] + cov[j, j] - 2 * cov[i, j]) for i, j in combinations(range(5), 2)]
    assert res.sed == pytest.approx(np.mean(seds), rel=1e-12)
    assert "mean over all treatment pairs" in res.sed_method


def test_anova_provenance_in_attrs() -> None:
    """The table carries its provenance dict in attrs."""
    res = anova(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block")
    prov = res.table.attrs["provenance"]
    assert prov["design"] == "rcbd"
    assert prov["model"] == "yield_kg_ha ~ treatment + block"
    assert prov["error_term"] == "residual" and prov["df_error"] == 15
    assert prov["test"] == "F" and prov["alpha"] == 0.05
    assert res.to_frame().attrs["provenance"] == prov


def test_anova_strong_blocks_found_only_by_blocked_model() -> None:
    """4 x 4 RCBD with strong blocks: one-way F finds nothing, the blocked model p ~ 1e-5."""
    df = strong_block_rcbd()
    one_way = stats.f_oneway(*[g["yield_kg_ha"] for _, g in df.groupby("treatment")])
    assert one_way.pvalue > 0.5  # block variance swamps the one-way error term
    res = anova(df, response="yield_kg_ha", treatment="treatment", block="block")
    p = res.table.set_index("source").loc["treatment", "p_value"]
    assert 1e-6 < p < 1e-4  # blocked model: about 8.5e-6 for this seed
    crd = anova(df, response="yield_kg_ha", treatment="treatment", design="crd")
    np.testing.assert_allclose(  # our CRD = scipy one-way (independent computation)
        crd.table.set_index("source").loc["treatment", "p_value"], one_way.pvalue, rtol=1e-9
    )


def test_anova_invariant_to_huge_constant() -> None:
    """Adding 1e12 to every yield leaves F, p and LS-mean differences unchanged."""
    df = random_unbalanced_rcbd(0)
    shifted = df.assign(yield_kg_ha=df["yield_kg_ha"] + 1e12)
    a = anova(df, response="yield_kg_ha", treatment="treatment", block="block")
    b = anova(shifted, response="yield_kg_ha", treatment="treatment", block="block")
    # doubles near 1e12 are spaced 1.2e-4 apart: the data themselves change by <= 6e-5 kg/ha
    np.testing.assert_allclose(b.table["f"], a.table["f"], rtol=1e-6)
    np.testing.assert_allclose(b.table["p_value"], a.table["p_value"], rtol=1e-5)
    np.testing.assert_allclose(b.table["sum_sq"], a.table["sum_sq"], rtol=1e-6)
    da = a.fit.lsmeans - a.fit.lsmeans[0]
    db = b.fit.lsmeans - b.fit.lsmeans[0]
    np.testing.assert_allclose(db, da, atol=1e-3)
    np.testing.assert_allclose(b.fit.lsmeans_cov, a.fit.lsmeans_cov, rtol=1e-6)


def test_anova_invariant_to_relabelling() -> None:
    """Renaming and reordering treatments permutes the LS-means and keeps the table."""
    df = random_unbalanced_rcbd(1)
    names = {"T0": "zeta", "T1": "alpha", "T2": "mu", "T3": "beta", "T4": "kappa"}
    renamed = df.assign(treatment=df["treatment"].map(names)).iloc[::-1]
    a = anova(df, response="yield_kg_ha", treatment="treatment", block="block")
    b = anova(renamed, response="yield_kg_ha", treatment="treatment", block="block")
    np.testing.assert_allclose(b.table["sum_sq"], a.table["sum_sq"], rtol=1e-10)
    np.testing.assert_allclose(b.table["f"], a.table["f"], rtol=1e-10)
    ours = dict(zip(a.fit.levels, a.fit.lsmeans, strict=True))
    theirs = dict(zip(b.fit.levels, b.fit.lsmeans, strict=True))
    for old, new in names.items():
        assert theirs[new] == pytest.approx(ours[old], rel=1e-12)


def test_anova_unreplicated_has_no_inference() -> None:
    """One plot per treatment: NaN F and p, an inference note, no exception."""
    df = pd.DataFrame(
        {"treatment": ["CK", "CK-20%", "A", "B"], "yield_kg_ha": [7240.0, 7010.0, 7380.0, 6950.0]}
    )
    res = anova(df, response="yield_kg_ha", treatment="treatment", design="crd")
    assert res.df_error == 0
    assert res.table["f"].isna().all() and res.table["p_value"].isna().all()
    assert np.isnan(res.mse) and np.isnan(res.sed) and np.isnan(res.lsd) and np.isnan(res.cv_pct)
    assert res.inference is not None and "no error degrees of freedom" in res.inference
    # Mead's resource equation for a CRD: 4 (r - 1) >= 10 needs r = 4 replicates (hand)
    assert ">= 4 replicates for 10 error df (Mead's resource equation)" in res.inference
    # power: the comparisons' own figure, replicates_for_unreplicated(4, "crd") = 14 (80 %
    # power, CV 8 %, 10 % difference, Dunnett); the note states the same number
    from yieldtrial.stats.compare import replicates_for_unreplicated

    assert replicates_for_unreplicated(4, "crd") == 14
    assert "14 replicates to detect a 10 % difference" in res.inference
    # no error df: residual sum of squares exactly 0 (not ~1e-27 rounding) and mean_sq NaN
    resid = res.table.loc[res.table["source"] == "residual"].iloc[0]
    assert resid["sum_sq"] == 0.0 and resid["df"] == 0 and np.isnan(resid["mean_sq"])
    assert (res.fit.residuals == 0.0).all()


def test_anova_replicated_has_no_inference_note() -> None:
    """A replicated trial has inference = None."""
    res = anova(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block")
    assert res.inference is None


def test_anova_zero_error_variance() -> None:
    """Perfectly additive data: F and p are NaN and the note says the error variance is zero."""
    df = pd.DataFrame(
        {"treatment": list("ABAB"), "block": list("1122"), "yield_kg_ha": [1.0, 3.0, 2.0, 4.0]}
    )
    res = anova(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert res.table["f"].isna().all()
    assert res.inference is not None and "zero" in res.inference


def test_anova_bad_alpha_raises() -> None:
    """An alpha outside (0, 1) is an error."""
    with pytest.raises(DataValidationError, match="alpha"):
        anova(
            seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block", alpha=5
        )


def test_anova_lsd_depends_on_alpha() -> None:
    """The LSD uses t(1 - alpha/2, df)."""
    res = anova(
        seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block", alpha=0.10
    )
    assert res.lsd == pytest.approx(stats.t.ppf(0.95, 15) * res.sed, rel=1e-12)
    assert res.alpha == 0.10


def test_anova_repr_html_shows_table() -> None:
    """The notebook representation contains the formula and the sources."""
    res = anova(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block")
    text = res._repr_html_()
    assert "yield_kg_ha ~ treatment + block" in text and "residual" in text


def test_fieldtrial_anova_delegates() -> None:
    """FieldTrial.anova() equals anova() on the trial's standardized yields."""
    from yieldtrial.trial import FieldTrial

    plots = seedrate_frame()
    plots["plot_id"] = [f"P{i}" for i in range(len(plots))]
    trial = FieldTrial.from_dataframe(plots, crop="rice_indica", control="25")
    res = trial.anova(alpha=0.10)
    ref = anova(trial.yields(), response="yield_kg_ha", treatment="treatment", block="block")
    pd.testing.assert_frame_equal(res.table, ref.table)
    assert res.provenance.design == "rcbd" and res.alpha == 0.10


def test_package_attribute_is_the_function() -> None:
    """yieldtrial.stats.anova is the function even after its submodule was imported."""
    import yieldtrial.stats
    from yieldtrial.stats.anova_tables import AnovaResult  # the ANOVA module

    res = yieldtrial.stats.anova(
        seedrate_frame(), response="yield_kg_ha", treatment="treatment", design="crd"
    )
    assert isinstance(res, AnovaResult)
    assert callable(yieldtrial.stats.diagnostics) and callable(yieldtrial.stats.fit)


# ----------------------------------------------------------------------------- design dispatch


def _battery() -> pd.DataFrame:
    case = load_case("montgomery_battery_factorial")
    return pd.DataFrame(
        [
            {"material": key.split("|")[0], "temperature": key.split("|")[1], "life_h": v}
            for key, values in case["data"]["cells"].items()
            for v in values
        ]
    )


def test_anova_split_plot_dispatch_equals_direct_call() -> None:
    """anova(design='split_plot') returns split_plot_anova's stratum table and SEDs."""
    from yieldtrial.stats.splitplot import StrataAnova, split_plot_anova

    oats = case_frame("yates_oats_splitplot")  # Yates (1935) oats, 6 x 3 x 4
    via = anova(
        oats, response="yield", block="block", design="split_plot", whole_plot="gen",
        sub_plot="nitro",
    )  # fmt: skip
    direct = split_plot_anova(
        oats, response="yield", block="block", whole_plot="gen", sub_plot="nitro"
    )
    assert isinstance(via, StrataAnova)
    pd.testing.assert_frame_equal(via.table, direct.table)
    pd.testing.assert_frame_equal(via.sed, direct.sed)
    # V&R (2002) sec. 6.7: error a = B:V 10 df, error b = within 45 df
    assert via.error("error_a")[1] == 10
    assert via.error("error_b")[1] == 45


def test_anova_split_plot_treatment_stands_for_sub_plot() -> None:
    """treatment= without sub_plot= is the sub-plot factor (same table as sub_plot=)."""
    oats = case_frame("yates_oats_splitplot")
    by_treatment = anova(
        oats, response="yield", treatment="nitro", block="block", design="split_plot",
        whole_plot="gen",
    )  # fmt: skip
    by_sub_plot = anova(
        oats, response="yield", treatment="nitro", block="block", design="split_plot",
        whole_plot="gen", sub_plot="nitro",
    )  # fmt: skip
    pd.testing.assert_frame_equal(by_treatment.table, by_sub_plot.table)


def test_anova_split_plot_treatment_conflicting_with_sub_plot() -> None:
    """treatment= naming another column than sub_plot= is refused."""
    oats = case_frame("yates_oats_splitplot")
    with pytest.raises(DataValidationError, match="treatment='gen' and sub_plot='nitro' differ"):
        anova(
            oats, response="yield", treatment="gen", block="block", design="split_plot",
            whole_plot="block", sub_plot="nitro",
        )  # fmt: skip


def test_anova_strip_plot_dispatch_equals_direct_call() -> None:
    """anova(design='strip_plot') returns strip_plot_anova's result."""
    from yieldtrial.stats.splitplot import strip_plot_anova

    oats = case_frame("yates_oats_splitplot")  # used only as a complete 6 x 3 x 4 layout
    via = anova(
        oats, response="yield", block="block", design="strip_plot", horizontal="gen",
        vertical="nitro",
    )  # fmt: skip
    direct = strip_plot_anova(
        oats, response="yield", block="block", horizontal="gen", vertical="nitro"
    )
    pd.testing.assert_frame_equal(via.table, direct.table)
    assert via.design == "strip_plot"


def test_anova_factorial_dispatch_equals_direct_call() -> None:
    """anova(design='factorial') equals factorial_anova (Montgomery battery, CRD)."""
    from yieldtrial.stats.factorial import FactorialAnova, factorial_anova

    battery = _battery()
    via = anova(
        battery, response="life_h", design="factorial", factor_a="material",
        factor_b="temperature",
    )  # fmt: skip
    direct = factorial_anova(
        battery, response="life_h", factor_a="material", factor_b="temperature"
    )
    assert isinstance(via, FactorialAnova)
    pd.testing.assert_frame_equal(via.table, direct.table)
    # Montgomery Example 5.1, Table 5.5: interaction SS 9613.78 on 4 df
    row = via.table.set_index("source").loc["material:temperature"]
    assert row["sum_sq"] == pytest.approx(9613.78, abs=0.01)


def test_anova_factorial_with_block_is_an_rcbd_factorial() -> None:
    """block= with design='factorial' adds the block row (factorial in an RCBD)."""
    from yieldtrial.stats.factorial import factorial_anova

    oats = case_frame("yates_oats_splitplot")
    via = anova(
        oats, response="yield", block="block", design="factorial", factor_a="gen",
        factor_b="nitro", treatment="nitro",
    )  # fmt: skip
    direct = factorial_anova(
        oats, response="yield", factor_a="gen", factor_b="nitro", block="block"
    )
    pd.testing.assert_frame_equal(via.table, direct.table)
    assert via.table["source"].iloc[0] == "block"


def test_anova_additive_path_unchanged_by_dispatch() -> None:
    """design='latin' still returns an AnovaResult equal to the explicit call."""
    from yieldtrial.stats.anova_tables import AnovaResult

    df = case_frame("montgomery_rocket_latin")
    res = anova(
        df, response="y", treatment="formulation", design="latin", row="batch", column="operator"
    )
    assert isinstance(res, AnovaResult)
    # Montgomery Table 4.10: formulations SS 330 on 4 df
    assert res.table.set_index("source").loc["formulation", "sum_sq"] == pytest.approx(330.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"design": "split_plot", "block": "block", "whole_plot": "gen"}, r"missing: sub_plot="),
        ({"design": "split_plot", "block": "block", "sub_plot": "nitro"}, r"missing: whole_plot="),
        ({"design": "split_plot", "whole_plot": "gen", "sub_plot": "nitro"}, r"needs block="),
        ({"design": "strip_plot", "block": "block", "horizontal": "gen"}, r"missing: vertical="),
        ({"design": "factorial", "factor_b": "nitro"}, r"missing: factor_a="),
        ({"design": "rcbd", "block": "block"}, r"needs treatment="),
        (
            {"design": "split_plot", "block": "block", "whole_plot": "gen", "sub_plot": "nitro",
             "row": "block"},
            r"does not use row=.*row= belongs to design='latin'",
        ),
        (
            {"design": "rcbd", "treatment": "nitro", "block": "block", "whole_plot": "gen"},
            r"design='rcbd' does not use whole_plot=",
        ),
        (
            {"design": "factorial", "factor_a": "gen", "factor_b": "nitro", "treatment": "block"},
            r"treatment='block' is neither",
        ),
        ({"design": "split", "treatment": "nitro"}, r"design must be one of"),
        # the REML designs are fitted by mixed_model, the augmented by augmented_anova
        ({"design": "alpha", "treatment": "nitro", "block": "block"},
         r"got 'alpha'\. Fit it with yieldtrial\.stats\.mixed_model"),
        ({"design": "augmented", "treatment": "nitro", "block": "block"},
         r"got 'augmented'\. Fit it with yieldtrial\.stats\.augmented_anova"),
    ],
)  # fmt: skip
def test_anova_dispatch_argument_errors(kwargs: dict, message: str) -> None:
    """Missing or extra design arguments raise DataValidationError naming them."""
    oats = case_frame("yates_oats_splitplot")
    with pytest.raises(DataValidationError, match=message):
        anova(oats, response="yield", **kwargs)


def test_anova_of_a_dict_names_the_expected_dataframe():
    """A dict of columns is refused with a DataValidationError, not an AttributeError."""
    with pytest.raises(DataValidationError, match="data must be a pandas DataFrame, got dict"):
        anova({"y": [1.0, 2.0], "treatment": ["A", "B"]}, response="y", treatment="treatment")


def test_repr_is_one_line_without_tables() -> None:
    """``print(res)`` shows the model and error df, not the table and the fitted model.

    Seed-rate RCBD: 6 rates x 4 blocks, error df (6 - 1)(4 - 1) = 15.
    """
    res = anova(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block",
                design="rcbd")  # fmt: skip
    assert repr(res) == (
        "AnovaResult(model='yield_kg_ha ~ treatment + block', sources=['block', 'treatment'], "
        f"df_error=15, cv_pct={res.cv_pct:.4g})"
    )
