"""Tests of the model diagnostics (yieldtrial.stats.diagnostics)."""

from __future__ import annotations

import warnings
from itertools import product
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reference_cases import case_frame
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.stats.model import fit
from yieldtrial.stats.residual_checks import Diagnostics, diagnostics, studentized_residuals


def rcbd(
    seed: int = 0, *, n_treatments: int = 5, n_blocks: int = 6, sd: float = 150.0
) -> pd.DataFrame:
    """RCBD with moderate block effects, mean about 6000 kg/ha."""
    rng = np.random.default_rng(seed)
    cells = list(product(range(n_treatments), range(n_blocks)))
    df = pd.DataFrame(
        {
            "plot_id": [f"P{k + 1:02d}" for k in range(len(cells))],
            "treatment": [f"T{i}" for i, _ in cells],
            "block": [f"B{j}" for _, j in cells],
        }
    )
    t_eff = np.linspace(0, 400, n_treatments)
    b_eff = rng.normal(0, 300, n_blocks)
    df["yield_kg_ha"] = (
        6000
        + t_eff[[i for i, _ in cells]]
        + b_eff[[j for _, j in cells]]
        + rng.normal(0, sd, len(cells))
    )
    return df


def run(df: pd.DataFrame, **kw: Any) -> Diagnostics:
    return diagnostics(df, response="yield_kg_ha", treatment="treatment", block="block", **kw)


def test_diagnostics_clean_trial_emits_no_warning() -> None:
    """CV about 1.9 % and 20 error df: flags ok, no warning (pytest turns warnings into errors)."""
    d = diagnostics(rcbd(), response="yield_kg_ha", treatment="treatment", block="block")
    assert d.cv_flag == "ok"
    assert d.df_error == 20 and not d.df_warning  # (5 - 1)(6 - 1) = 20
    assert d.outliers.empty


def test_diagnostics_shapiro_matches_scipy() -> None:
    """Shapiro-Wilk is scipy's on the design-model residuals."""
    df = rcbd(1)
    d = diagnostics(df, response="yield_kg_ha", treatment="treatment", block="block")
    resid = fit(df, response="yield_kg_ha", treatment="treatment", block="block").residuals
    ref = stats.shapiro(resid.to_numpy())  # independent call on the same residuals
    assert d.shapiro == pytest.approx((ref.statistic, ref.pvalue), rel=1e-12)


def test_diagnostics_levene_is_brown_forsythe() -> None:
    """Levene uses median centring (Brown-Forsythe) on residuals grouped by treatment."""
    df = rcbd(2)
    d = diagnostics(df, response="yield_kg_ha", treatment="treatment", block="block")
    model = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    groups = [g.to_numpy() for _, g in model.residuals.groupby(df["treatment"], sort=False)]
    ref = stats.levene(*groups, center="median")  # scipy, independent grouping
    assert d.levene == pytest.approx((ref.statistic, ref.pvalue), rel=1e-12)


def test_studentized_residuals_match_statsmodels() -> None:
    """Internal and external studentized residuals equal statsmodels' OLSInfluence."""
    import statsmodels.formula.api as smf

    df = rcbd(3)
    df.loc[4, "yield_kg_ha"] = np.nan  # unbalanced: leverages differ
    model = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    internal, external = studentized_residuals(model)
    ols = smf.ols("yield_kg_ha ~ C(treatment) + C(block)", data=df.dropna()).fit()
    infl = ols.get_influence()
    np.testing.assert_allclose(internal, infl.resid_studentized_internal, rtol=1e-9)
    np.testing.assert_allclose(external, infl.resid_studentized_external, rtol=1e-9)


def test_diagnostics_flags_planted_outlier() -> None:
    """A plot 2000 kg/ha off is listed with its plot id, treatment and block."""
    df = rcbd(4)
    df.loc[7, "yield_kg_ha"] += 2000.0  # P08: T1, B1; about 13 error SDs
    d = diagnostics(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert d.outliers["plot_id"].tolist() == ["P08"]
    row = d.outliers.iloc[0]
    assert (row["treatment"], row["block"]) == ("T1", "B1")
    assert row["studentized_residual"] > 3
    assert list(d.outliers.columns) == [
        "plot_id",
        "treatment",
        "block",
        "residual",
        "studentized_residual",
    ]
    assert any("P08" in w for w in d.warnings)


def test_diagnostics_cv_warn() -> None:
    """CV between 10 and 15 % gives flag 'warn' and a YieldTrialWarning."""
    df = rcbd(5, sd=700.0)
    with pytest.warns(YieldTrialWarning, match=r"CV = 1\d\.\d % is above 10 %"):
        d = run(df)
    assert 10.0 < d.cv_pct <= 15.0
    assert d.cv_flag == "warn"


def test_diagnostics_cv_strong() -> None:
    """CV above 15 % gives flag 'strong'."""
    df = rcbd(6, sd=1300.0)
    with pytest.warns(YieldTrialWarning, match="above 15 %"):
        d = run(df)
    assert d.cv_pct > 15.0
    assert d.cv_flag == "strong"


def test_diagnostics_cv_thresholds_configurable() -> None:
    """Thresholds are arguments: a 1.9 % CV is 'strong' with limits 1.0 % and 1.5 %."""
    with pytest.warns(YieldTrialWarning, match="above 1.5 %"):
        d = run(rcbd(), cv_warn_pct=1.0, cv_strong_pct=1.5)
    assert d.cv_flag == "strong"


def test_diagnostics_cv_definition() -> None:
    """CV = 100 sqrt(MSE) / grand mean (Gomez & Gomez 1984, ch. 2)."""
    df = rcbd(7)
    d = diagnostics(df, response="yield_kg_ha", treatment="treatment", block="block")
    model = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert d.cv_pct == pytest.approx(100 * np.sqrt(model.mse) / df["yield_kg_ha"].mean())


def test_diagnostics_few_error_df_warns() -> None:
    """A 4 x 4 RCBD has 9 error df: df_warning and a YieldTrialWarning."""
    df = rcbd(8, n_treatments=4, n_blocks=4)
    with pytest.warns(YieldTrialWarning, match="only 9 error degrees of freedom"):
        d = run(df)
    assert d.df_warning
    # internal studentized residuals are bounded by sqrt(9) = 3: the finding says so
    assert any("cannot exceed 3.00" in w for w in d.warnings)


def test_diagnostics_unreplicated_does_not_raise() -> None:
    """One plot per treatment: no tests (NaN), CV 'na', a warning about error df."""
    df = pd.DataFrame(
        {"treatment": ["CK", "A", "B"], "yield_kg_ha": [7000.0, 7240.0, 6900.0], "plot_id": "x"}
    )
    with pytest.warns(YieldTrialWarning, match="no error degrees of freedom"):
        d = diagnostics(df, response="yield_kg_ha", treatment="treatment", design="crd")
    assert np.isnan(d.shapiro).all() and np.isnan(d.levene).all()
    assert d.cv_flag == "na" and d.df_error == 0
    assert d.outliers.empty


def test_diagnostics_unreplicated_advice_matches_anova_and_comparisons() -> None:
    """The replicate advice equals the ANOVA note's and the comparisons' replicates_needed."""
    from yieldtrial.stats.anova_tables import anova
    from yieldtrial.stats.compare import compare_to_control

    df = pd.DataFrame({"treatment": ["CK", "A", "B"], "yield_kg_ha": [7000.0, 7240.0, 6900.0]})
    kw: dict[str, Any] = dict(response="yield_kg_ha", treatment="treatment", design="crd")
    with pytest.warns(YieldTrialWarning, match="no error degrees of freedom"):
        d = diagnostics(df, **kw)
    vs = compare_to_control(df, control="CK", **kw)
    # replicates_for_unreplicated(3, "crd") = 13 (doctest in yieldtrial.stats.compare);
    # Mead for a CRD: 3 (r - 1) >= 10 needs r = 5 (hand)
    assert vs.attrs["replicates_needed"] == 13
    advice = (
        "needs >= 5 replicates for 10 error df (Mead's resource equation) and 13 replicates "
        "to detect a 10 % difference from the control at CV 8 % with 80 % power"
    )
    assert any(advice in w for w in d.warnings)
    note = anova(df, **kw).inference
    assert note is not None and advice in note


def test_diagnostics_plot_id_falls_back_to_index() -> None:
    """Without a plot_id column the row index identifies plots."""
    df = rcbd(4).drop(columns="plot_id")
    df.loc[7, "yield_kg_ha"] += 2000.0
    d = run(df)
    assert d.outliers["plot_id"].tolist() == [7]


def test_diagnostics_bad_thresholds_raise() -> None:
    """cv_warn_pct above cv_strong_pct is an error."""
    with pytest.raises(DataValidationError, match="cv_warn_pct"):
        run(rcbd(), cv_warn_pct=20.0, cv_strong_pct=15.0)


def test_diagnostics_to_frame() -> None:
    """to_frame() lists each check with its statistic, p-value and flag."""
    d = diagnostics(rcbd(), response="yield_kg_ha", treatment="treatment", block="block")
    table = d.to_frame()
    assert table["check"].tolist() == [
        "shapiro_wilk",
        "levene_brown_forsythe",
        "cv_pct",
        "df_error",
        "outliers",
    ]
    assert list(table.columns) == ["check", "statistic", "p_value", "flag"]
    assert "Diagnostics" in d._repr_html_()


def test_fieldtrial_diagnostics_delegates() -> None:
    """FieldTrial.diagnostics() passes the trial's yields, design and options on."""
    from yieldtrial.trial import FieldTrial

    plots = rcbd(9)
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="T0")
    with pytest.warns(YieldTrialWarning, match="above 1 %"):
        d = trial.diagnostics(cv_warn_pct=1.0)
    assert d.cv_flag == "warn" and d.df_error == 20


def test_diagnostics_invariant_to_huge_constant() -> None:
    """Adding 1e12 to every yield leaves W, Levene and studentized residuals unchanged."""
    df = rcbd(10)
    shifted = df.assign(yield_kg_ha=df["yield_kg_ha"] + 1e12)
    a = run(df)
    b = run(shifted)
    # doubles near 1e12 are 1.2e-4 apart: residuals of ~150 kg/ha move by < 1e-6 relative
    np.testing.assert_allclose(b.shapiro, a.shapiro, rtol=1e-5)
    np.testing.assert_allclose(b.levene, a.levene, rtol=1e-5)
    np.testing.assert_allclose(
        b.residuals["studentized_residual"], a.residuals["studentized_residual"], rtol=1e-5
    )


# ----------------------------------------------------------------------------- split/strip plot


def oats() -> pd.DataFrame:
    """Yates' oats split plot (tests/data/reference/yates_oats_splitplot.json), with plot ids."""
    df = case_frame("yates_oats_splitplot")
    df["plot_id"] = [f"P{i + 1:02d}" for i in range(len(df))]
    return df


def split_diag(df: pd.DataFrame, **kw: Any) -> Diagnostics:
    """Diagnostics of the oats split plot; its CV of error b (12.8 %) warns, naming error b."""
    with pytest.warns(YieldTrialWarning, match=r"CV of error_b \(sub-plot error\) = 12\.8 %"):
        return diagnostics(
            df, response="yield", block="block", design="split_plot", whole_plot="gen",
            sub_plot="nitro", **kw,
        )  # fmt: skip


def test_split_plot_diagnostics_use_the_sub_plot_stratum_residuals() -> None:
    """Residuals = OLS of y ~ block*gen + gen*nitro; SS 7968.75 on 45 df (V&R sec. 6.7)."""
    import statsmodels.formula.api as smf

    df = oats()
    d = split_diag(df)
    # independent: statsmodels OLS with the whole-plot error as the fixed block:gen term
    ols = smf.ols("Q('yield') ~ C(block) * C(gen) + C(gen) * C(nitro)", data=df).fit()
    np.testing.assert_allclose(d.residuals["residual"], ols.resid.to_numpy(), atol=1e-9)
    assert d.df_error == 45 == int(ols.df_resid)
    # Venables & Ripley (2002) sec. 6.7: error b SS 7968.75 (exact, reference notes), 45 df
    assert float((d.residuals["residual"] ** 2).sum()) == pytest.approx(7968.75, rel=1e-12)
    # CV of error b = 100 sqrt(7968.75 / 45) / mean 103.9722 = 12.80 % (hand)
    assert d.cv_pct == pytest.approx(100 * np.sqrt(7968.75 / 45) / df["yield"].mean())
    assert d.fit is None and d.strata is not None


def test_split_plot_diagnostics_tests_match_scipy() -> None:
    """Shapiro on the stratum residuals, Brown-Forsythe grouped by nitrogen (scipy)."""
    df = oats()
    d = split_diag(df)
    e = d.residuals["residual"].to_numpy()
    ref = stats.shapiro(e)  # independent call on the same residuals
    assert d.shapiro == pytest.approx((ref.statistic, ref.pvalue), rel=1e-10)
    groups = [e[(df["nitro"] == n).to_numpy()] for n in df["nitro"].unique()]
    lev = stats.levene(*groups, center="median")
    assert d.levene == pytest.approx((lev.statistic, lev.pvalue), rel=1e-10)
    # leverage of the full stratum model is rank / n = (6*3 + 3*3) / 72 = 0.375 (hand)
    np.testing.assert_allclose(d.residuals["leverage"], 0.375)


def test_split_plot_diagnostics_say_what_is_not_checked() -> None:
    """The whole-plot stratum is named as unchecked; its CV 23.6 % is reported."""
    d = split_diag(oats())
    assert any(w.startswith("not checked: the error_a stratum") for w in d.warnings)
    # CV of error a = 100 sqrt(601.3306) / 103.9722 = 23.6 % (V&R MS, hand)
    assert any("CV of error_a" in w and "23.6 %" in w for w in d.warnings)


def test_split_plot_diagnostics_flag_an_outlying_plot() -> None:
    """A sub-plot raised by 60 units is listed with its plot id, cell and block."""
    df = oats()
    before = float(split_diag(df).residuals["residual"].iloc[10])
    df["yield"] = df["yield"] + np.where(df.index == 10, 60.0, 0.0)
    with pytest.warns(YieldTrialWarning, match=r"CV of error_b \(sub-plot error\) = 14\.5 %"):
        d = diagnostics(
            df, response="yield", block="block", design="split_plot", whole_plot="gen",
            sub_plot="nitro",
        )  # fmt: skip
    assert d.outliers["plot_id"].tolist() == ["P11"]
    rec = d.outliers.iloc[0]
    assert rec["treatment"] == "GoldenRain:0.2" and rec["block"] == "B5"
    # a shift of 60 moves the residual by 60 (1 - h) = 60 x 0.625 = 37.5 (hand, h = 0.375)
    assert rec["residual"] == pytest.approx(before + 37.5, abs=1e-9)
    assert any(w.startswith("plot P11 (treatment GoldenRain:0.2, block B5)") for w in d.warnings)


def test_strip_plot_diagnostics_use_the_intersection_residuals() -> None:
    """Strip plot: residuals of y ~ block*gen + block*nitro + gen:nitro (error c, 30 df)."""
    import statsmodels.formula.api as smf

    df = oats()
    with pytest.warns(
        YieldTrialWarning, match=r"CV of error_c \(intersection-plot error\) = 13\.8 %"
    ):
        d = diagnostics(
            df, response="yield", block="block", design="strip_plot", horizontal="gen",
            vertical="nitro",
        )  # fmt: skip
    formula = "Q('yield') ~ C(block) * C(gen) + C(block) * C(nitro) + C(gen):C(nitro)"
    ols = smf.ols(formula, data=df).fit()  # independent fixed-effects fit
    np.testing.assert_allclose(d.residuals["residual"], ols.resid.to_numpy(), atol=1e-9)
    # (r - 1)(a - 1)(b - 1) = 5 x 2 x 3 = 30 error c df (hand)
    assert d.df_error == 30 == int(ols.df_resid)
    assert d.strata is not None
    assert d.strata.error("error_c")[0] == pytest.approx(ols.mse_resid, rel=1e-12)
    assert any(w.startswith("not checked: the error_b stratum") for w in d.warnings)
    assert any(w.startswith("not checked: the error_a stratum") for w in d.warnings)


def test_split_plot_diagnostics_treatment_stands_for_sub_plot() -> None:
    """treatment= names the sub-plot factor, as in anova(); a conflict is an error."""
    df = oats()
    with pytest.warns(YieldTrialWarning, match="CV"):
        d = diagnostics(
            df, response="yield", treatment="nitro", block="block", design="split_plot",
            whole_plot="gen",
        )  # fmt: skip
    assert d.df_error == 45  # a (r - 1)(b - 1) = 3 x 5 x 3 (hand)
    with pytest.raises(DataValidationError, match="treatment='gen' and sub_plot='nitro'"):
        diagnostics(
            df, response="yield", treatment="gen", block="block", design="split_plot",
            whole_plot="gen", sub_plot="nitro",
        )  # fmt: skip


def test_split_plot_diagnostics_missing_arguments_raise() -> None:
    """A split plot without its whole-plot factor or blocks is refused with a clear message."""
    df = oats()
    with pytest.raises(DataValidationError, match="needs whole_plot=<column>"):
        diagnostics(df, response="yield", block="block", design="split_plot", sub_plot="nitro")
    with pytest.raises(DataValidationError, match="needs block="):
        diagnostics(df, response="yield", design="split_plot", whole_plot="gen", sub_plot="nitro")
    with pytest.raises(DataValidationError, match="does not use whole_plot="):
        diagnostics(df, response="yield", treatment="nitro", block="block", whole_plot="gen")


def test_brown_forsythe_with_two_plots_per_treatment_is_not_assessable() -> None:
    """Two blocks: both absolute deviations from a group median are equal (F = inf): NaN."""
    df = rcbd(3)
    two = df[df["block"].isin(sorted(df["block"].unique())[:2])]
    with pytest.warns(YieldTrialWarning, match="error degrees of freedom"):
        d = diagnostics(two, response="yield_kg_ha", treatment="treatment", block="block")
    assert np.isnan(d.levene[0]) and np.isnan(d.levene[1])
    assert not any("variances differ" in w for w in d.warnings)
    assert d.to_frame().set_index("check").loc["levene_brown_forsythe", "flag"] == "na"


def test_shapiro_without_error_df_is_not_assessable() -> None:
    """One plot per treatment (no error df): Shapiro-Wilk is NaN, not a number."""
    df = rcbd(4)
    one = df[df["block"] == df["block"].iloc[0]]
    with pytest.warns(YieldTrialWarning):
        d = diagnostics(one, response="yield_kg_ha", treatment="treatment", design="crd")
    assert np.isnan(d.shapiro[0]) and np.isnan(d.shapiro[1])


def test_residual_tables_carry_the_provenance_of_the_checks():
    """The residuals and outliers tables have the attrs["provenance"] of to_frame()."""
    from yieldtrial.datasets import load_example

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        diag = load_example("replicated-rcbd").diagnostics()
    expected = diag.to_frame().attrs["provenance"]
    assert diag.residuals.attrs["provenance"] == expected
    assert diag.outliers.attrs["provenance"] == expected


def test_repr_is_one_line_without_the_fit() -> None:
    """``print(trial.diagnostics())`` is one line (it printed the fit's k x k covariance).

    Numbers: the same trial's own attributes (error df (5 - 1)(6 - 1) = 20, CV, Shapiro
    and Levene p-values, no outlier, no finding).
    """
    d = run(rcbd())
    assert repr(d) == (
        f"Diagnostics(df_error=20, cv_pct={d.cv_pct:.3g}, cv_flag='ok', "
        f"shapiro_p={d.shapiro[1]:.3g}, levene_p={d.levene[1]:.3g}, outliers=0, "
        "warnings=0)"
    )


@pytest.mark.parametrize("missing", [False, True])
def test_residual_table_text_labels_pass_through_unchanged(
    monkeypatch: pytest.MonkeyPatch, missing: bool
) -> None:
    """Text label columns kept as they are give the table of the str-object route."""
    from yieldtrial.stats import residual_checks

    rng = np.random.default_rng(2)
    data = pd.DataFrame(  # text columns: str in pandas 3 (object before)
        {
            "plot_id": [f"P{i}" for i in range(12)],
            "treatment": list("ABCD") * 3,
            "block": ["1"] * 4 + ["2"] * 4 + ["3"] * 4,
            "y": rng.normal(10.0, 1.0, 12),
        }
    )
    if missing:  # a plot without its id: "nan", as the object route spells it
        data.loc[3, "plot_id"] = np.nan
    model = fit(data, response="y", treatment="treatment", block="block")
    table = residual_checks._residual_table(model, treatment="treatment", plot_id="plot_id")
    monkeypatch.setattr(residual_checks, "_inferred_text_dtype", lambda: np.dtype(object))
    expected = residual_checks._residual_table(model, treatment="treatment", plot_id="plot_id")
    pd.testing.assert_frame_equal(table, expected)


def augmented_layout(seed: int = 3) -> pd.DataFrame:
    """Augmented RCBD: 3 checks in each of 4 blocks, 12 unreplicated entries (3 a block)."""
    rng = np.random.default_rng(seed)
    rows = []
    for b in range(4):
        labels = ["CK1", "CK2", "CK3"] + [f"E{3 * b + k + 1:02d}" for k in range(3)]
        rows += [(f"B{b}", label) for label in labels]
    df = pd.DataFrame(rows, columns=["block", "treatment"])
    df["plot_id"] = [f"P{k + 1:02d}" for k in range(len(df))]
    block = dict(zip(["B0", "B1", "B2", "B3"], rng.normal(0, 300, 4), strict=True))
    df["yield_kg_ha"] = 7000 + df["block"].map(block) + rng.normal(0, 250, len(df))
    return df


def test_residual_tests_leave_out_plots_with_leverage_one() -> None:
    """An unreplicated entry's residual is zero whatever its yield: not tested for normality.

    Reference: scipy's Shapiro-Wilk on the residuals of statsmodels OLS
    ``y ~ block + treatment`` at the 12 check plots only; with the 12 entries' zero
    residuals included the test rejects normality of normal data.
    """
    import statsmodels.formula.api as smf

    df = augmented_layout()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        d = diagnostics(df, response="yield_kg_ha", treatment="treatment", block="block")
    ols = smf.ols("yield_kg_ha ~ C(block) + C(treatment)", df).fit()
    checks = df["treatment"].str.startswith("CK").to_numpy()
    expected = stats.shapiro(ols.resid.to_numpy()[checks])
    assert d.shapiro == pytest.approx((expected.statistic, expected.pvalue), rel=1e-9)
    assert stats.shapiro(ols.resid.to_numpy()).pvalue < 0.05  # what the zeros did
    bf = stats.levene(*(ols.resid[df["treatment"] == c] for c in ("CK1", "CK2", "CK3")),
                      center="median")  # fmt: skip
    assert d.levene == pytest.approx((bf.statistic, bf.pvalue), rel=1e-9)


# ------------------------------------------------- split/strip plot with missing plots


def _ls_stratum(df: pd.DataFrame, design: str) -> Any:
    """Return the missing-plot path's least-squares fit, called directly (any data)."""
    from yieldtrial.stats.residual_checks import _missing_strata_residuals

    return _missing_strata_residuals(
        df, response="yield", block="block", design=design, first="gen", second="nitro",
        plot_id="plot_id",
    )  # fmt: skip


def _quiet_diag(df: pd.DataFrame, design: str = "split_plot") -> Diagnostics:
    names = ("whole_plot", "sub_plot") if design == "split_plot" else ("horizontal", "vertical")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # CV and df warnings
        return diagnostics(
            df, response="yield", block="block", design=design,
            **{names[0]: "gen", names[1]: "nitro"},
        )  # fmt: skip


def _oats_with_missing_plots() -> pd.DataFrame:
    """Oats with plots P11, P30 and P47 blank and row P60 deleted (four plots missing)."""
    df = oats()
    df["yield"] = df["yield"].astype(float)
    df.loc[df["plot_id"].isin(["P11", "P30", "P47"]), "yield"] = np.nan
    return df.loc[df["plot_id"] != "P60"]


def test_split_plot_least_squares_residuals_equal_the_stratum_residuals() -> None:
    """Complete trial: the missing-plot path's residuals are the sub-plot stratum's.

    Reference (closed form, independent of any fit): the sub-plot stratum residual
    ``y_ijk - ybar_ij. - ybar_.jk + ybar_.j.`` (block i, whole plot j, sub-plot k); error b
    7968.75 / 45 (V&R sec. 6.7).
    """
    df = oats()
    table, _, df_error, mse, mean, _, _ = _ls_stratum(df, "split_plot")
    y = df["yield"].astype(float)
    ij = y.groupby([df["block"], df["gen"]]).transform("mean")
    jk = y.groupby([df["gen"], df["nitro"]]).transform("mean")
    j = y.groupby(df["gen"]).transform("mean")
    stratum = (y - ij - jk + j).to_numpy()
    assert np.max(np.abs(table["residual"].to_numpy() - stratum)) < 1e-10
    balanced = split_diag(df).residuals["residual"].to_numpy()  # the stratum-ANOVA path
    assert np.max(np.abs(table["residual"].to_numpy() - balanced)) < 1e-10
    assert df_error == 45 and mse == pytest.approx(7968.75 / 45, rel=1e-12)
    assert mean == pytest.approx(y.mean(), rel=1e-15)


def test_strip_plot_least_squares_residuals_equal_the_stratum_residuals() -> None:
    """Complete strip plot: residuals = the intersection stratum residuals (closed form).

    ``y_ijk - ybar_ij. - ybar_i.k - ybar_.jk + ybar_i.. + ybar_.j. + ybar_..k - ybar_...``.
    """
    df = oats()
    table, _, df_error, _, _, _, _ = _ls_stratum(df, "strip_plot")
    y = df["yield"].astype(float)

    def mean_by(*cols: str) -> pd.Series:
        return y.groupby([df[c] for c in cols]).transform("mean")

    stratum = (
        y - mean_by("block", "gen") - mean_by("block", "nitro") - mean_by("gen", "nitro")
        + mean_by("block") + mean_by("gen") + mean_by("nitro") - y.mean()
    ).to_numpy()  # fmt: skip
    assert np.max(np.abs(table["residual"].to_numpy() - stratum)) < 1e-10
    assert df_error == 30  # (r - 1)(a - 1)(b - 1) = 5 x 2 x 3 (hand)


def test_split_plot_with_missing_plots_is_checked_on_least_squares_residuals() -> None:
    """Missing plots: residuals of statsmodels OLS y ~ C(block)*C(gen) + C(nitro) + C(gen):C(nitro).

    Independent path: statsmodels on the 68 observed plots; 45 - 4 = 41 residual df.
    """
    import statsmodels.formula.api as smf

    df = _oats_with_missing_plots()
    d = _quiet_diag(df)
    observed = df.dropna(subset=["yield"])
    formula = "Q('yield') ~ C(block) * C(gen) + C(nitro) + C(gen):C(nitro)"
    ols = smf.ols(formula, data=observed).fit()
    assert np.max(np.abs(d.residuals["residual"].to_numpy() - ols.resid.to_numpy())) < 1e-10
    assert d.residuals["plot_id"].tolist() == observed["plot_id"].tolist()
    assert d.df_error == 41 == int(ols.df_resid)
    assert d.cv_pct == pytest.approx(100 * np.sqrt(ols.mse_resid) / observed["yield"].mean())
    assert d.strata is None and d.fit is None
    assert d.provenance is not None and d.provenance.error_term == "error_b"
    assert d.provenance.model == "yield ~ block + gen + block:gen + nitro + gen:nitro"


def test_split_plot_with_missing_plots_tests_match_scipy() -> None:
    """Shapiro-Wilk and Brown-Forsythe (by nitrogen) equal scipy on the OLS residuals."""
    import statsmodels.formula.api as smf

    df = _oats_with_missing_plots()
    d = _quiet_diag(df)
    observed = df.dropna(subset=["yield"])
    formula = "Q('yield') ~ C(block) * C(gen) + C(nitro) + C(gen):C(nitro)"
    e = smf.ols(formula, data=observed).fit().resid.to_numpy()  # independent residuals
    ref = stats.shapiro(e)
    assert d.shapiro == pytest.approx((ref.statistic, ref.pvalue), rel=1e-10)
    nitro = observed["nitro"].to_numpy()
    lev = stats.levene(*(e[nitro == n] for n in np.unique(nitro)), center="median")
    assert d.levene == pytest.approx((lev.statistic, lev.pvalue), rel=1e-10)


def test_split_plot_with_missing_plots_says_what_is_not_checked() -> None:
    """The whole-plot stratum is named without df; the sub-plot residuals with the LS fit's.

    Plots missing: the trial is analysed by REML, whose whole-plot test has Satterthwaite
    (or Kenward-Roger) df, so the complete data's 10 df of error a (6 x 3 whole plots - 6 -
    3 + 1, hand) are not said; 41 df are statsmodels' OLS residual df of the observed plots
    (``test_split_plot_with_missing_plots_is_checked_on_least_squares_residuals``).
    """
    d = _quiet_diag(_oats_with_missing_plots())
    (note,) = [w for w in d.warnings if w.startswith("not checked: the error_a stratum")]
    assert note.startswith("not checked: the error_a stratum (whole plots, block x gen) has no")
    assert "sub-plot residuals (error_b, 41 df)" in note
    assert "10 df" not in note


def test_split_plot_with_missing_plots_leaves_out_a_lone_sub_plot() -> None:
    """A whole plot left with one sub-plot: residual 0, leverage 1, out of both tests.

    B1/GoldenRain keeps only P01 (P07, P13, P19 blank). Reference: scipy on the residuals
    of statsmodels OLS at every other observed plot.
    """
    import statsmodels.formula.api as smf

    df = oats()
    df["yield"] = df["yield"].astype(float)
    df.loc[df["plot_id"].isin(["P07", "P13", "P19"]), "yield"] = np.nan
    d = _quiet_diag(df)
    lone = d.residuals.set_index("plot_id").loc["P01"]
    assert lone["leverage"] == pytest.approx(1.0, abs=1e-10)
    assert abs(lone["residual"]) < 1e-9 and np.isnan(lone["studentized_residual"])
    observed = df.dropna(subset=["yield"])
    formula = "Q('yield') ~ C(block) * C(gen) + C(nitro) + C(gen):C(nitro)"
    e = smf.ols(formula, data=observed).fit().resid.to_numpy()
    others = (observed["plot_id"] != "P01").to_numpy()
    ref = stats.shapiro(e[others])
    assert d.shapiro == pytest.approx((ref.statistic, ref.pvalue), rel=1e-9)
    nitro = observed["nitro"].to_numpy()[others]
    lev = stats.levene(*(e[others][nitro == n] for n in np.unique(nitro)), center="median")
    assert d.levene == pytest.approx((lev.statistic, lev.pvalue), rel=1e-9)


def test_strip_plot_with_missing_plots_is_checked_on_least_squares_residuals() -> None:
    """Strip plot: residuals of OLS y ~ C(block)*C(gen) + C(block)*C(nitro) + C(gen):C(nitro)."""
    import statsmodels.formula.api as smf

    df = _oats_with_missing_plots()
    d = _quiet_diag(df, "strip_plot")
    observed = df.dropna(subset=["yield"])
    formula = "Q('yield') ~ C(block) * C(gen) + C(block) * C(nitro) + C(gen):C(nitro)"
    ols = smf.ols(formula, data=observed).fit()
    assert np.max(np.abs(d.residuals["residual"].to_numpy() - ols.resid.to_numpy())) < 1e-10
    assert d.df_error == 26 == int(ols.df_resid)  # 30 - 4 missing (hand)
    assert d.provenance is not None and d.provenance.error_term == "error_c"
    assert any(w.startswith("not checked: the error_b stratum") for w in d.warnings)


def test_split_plot_missing_plots_without_residual_df_is_not_assessable() -> None:
    """2 blocks x 2 x 2 with two plots of block 2 blank: 6 plots, rank 6, no residual df."""
    df = pd.DataFrame(
        list(product(["B1", "B2"], ["G1", "G2"], ["N0", "N1"])), columns=["block", "gen", "nitro"]
    )
    df["plot_id"] = [f"P{k}" for k in range(8)]
    df["yield"] = [50.0, 61, 55, 70, 52, np.nan, np.nan, 74]
    with pytest.warns(YieldTrialWarning, match="leaves 0 residual degrees of freedom"):
        d = diagnostics(
            df, response="yield", block="block", design="split_plot", whole_plot="gen",
            sub_plot="nitro",
        )  # fmt: skip
    assert d.df_error == 0
    assert np.isnan(d.shapiro[1]) and np.isnan(d.levene[1]) and d.cv_flag == "na"


def test_split_plot_with_missing_and_duplicated_plots_is_refused() -> None:
    """A duplicated plot is still refused (the stratum ANOVA's message), plots missing or not."""
    df = _oats_with_missing_plots()
    df = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataValidationError, match="plots share"):
        _quiet_diag(df)


def test_split_plot_missing_plots_with_one_residual_df_is_not_tested() -> None:
    """One plot blank in a 2 x 2 x 2 split plot: 7 plots, rank 6, 1 residual df.

    The nonzero residuals are then one fixed pattern times a scale, so Shapiro-Wilk would
    test the layout: both tests are left out (MIN_STRATUM_FIT_DF = 3) and a finding says so.
    """
    df = pd.DataFrame(
        list(product(["B1", "B2"], ["G1", "G2"], ["N0", "N1"])), columns=["block", "gen", "nitro"]
    )
    df["plot_id"] = [f"P{k}" for k in range(8)]
    df["yield"] = [50.0, 61, 55, 70, 52, 66, np.nan, 74]
    with pytest.warns(
        YieldTrialWarning, match=r"leaves 1 residual degrees of freedom .*\(fewer than 3\)"
    ):
        d = diagnostics(
            df, response="yield", block="block", design="split_plot", whole_plot="gen",
            sub_plot="nitro",
        )  # fmt: skip
    assert d.df_error == 1
    assert np.isnan(d.shapiro[1]) and np.isnan(d.levene[1])


@pytest.mark.parametrize("case", ["rcbd", "crd", "missing_id", "missing_yield", "int_index"])
def test_residual_table_sharing_the_fit_equals_the_one_block_table(
    monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """The residual table built on the fit's own columns equals the copied one-block table.

    Where pandas copies on write the float columns are the fit's (not copied into one
    block); the reference is the same function with copying forced on.
    """
    from yieldtrial.stats import _common, residual_checks

    if not _common.copy_on_write():
        pytest.skip("the shared columns are used only where pandas copies on write")
    rng = np.random.default_rng(5)
    data = pd.DataFrame(
        {
            "plot_id": [f"P{i}" for i in range(16)],
            "treatment": list("ABCD") * 4,
            "block": [str(b) for b in range(4) for _ in range(4)],
            "y": rng.normal(10.0, 1.0, 16),
        }
    )
    if case == "missing_id":
        data.loc[5, "plot_id"] = np.nan
    if case == "missing_yield":  # the fit drops the plot: an index with a gap
        data.loc[6, "y"] = np.nan
    if case == "int_index":
        data.index = pd.Index(np.arange(100, 116))
    model = fit(data, response="y", treatment="treatment", block=None if case == "crd" else "block")
    table = residual_checks._residual_table(model, treatment="treatment", plot_id="plot_id")
    monkeypatch.setattr(_common, "copy_on_write", lambda: False)
    expected = residual_checks._residual_table(model, treatment="treatment", plot_id="plot_id")
    pd.testing.assert_frame_equal(table, expected)


def test_residual_table_change_leaves_the_fit_unchanged() -> None:
    """Setting a cell of the residual table does not change the fit it shares columns with."""
    from yieldtrial.stats import residual_checks

    df = rcbd()
    model = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    before = model.residuals.copy()
    table = residual_checks._residual_table(model, treatment="treatment", plot_id="plot_id")
    table.loc[table.index[0], "residual"] = 1e9
    table.loc[table.index[0], "treatment"] = "changed"
    pd.testing.assert_series_equal(model.residuals, before)
    assert str(model.data["treatment"].iloc[0]) != "changed"


def test_shapiro_with_one_error_df_is_not_assessable() -> None:
    """Two treatments in two blocks (1 error df): Shapiro-Wilk is NaN, not a verdict.

    The residuals of a 2 x 2 RCBD are (e, -e, -e, e) for any yields, and W is scale-free,
    so scipy gives W = 0.729, P = 0.024 ("non-normal") for every such trial: the two
    yield sets below, unrelated, gave the same W before the rule.
    """
    for yields in ([491.5, 450.3, 492.7, 452.8], [7000.0, 7100.0, 6900.0, 7300.0]):
        df = pd.DataFrame(
            {"block": [1, 1, 2, 2], "treatment": ["CK", "T", "CK", "T"], "yield_kg_ha": yields}
        )
        e = np.array([1.0, -1.0, -1.0, 1.0])  # the pattern the model leaves, times a scale
        assert stats.shapiro(e).statistic == pytest.approx(0.729, abs=5e-4)
        with pytest.warns(YieldTrialWarning, match="error degrees of freedom"):
            d = diagnostics(df, response="yield_kg_ha", treatment="treatment", block="block")
        assert d.df_error == 1
        assert np.isnan(d.shapiro[0]) and np.isnan(d.shapiro[1])


def test_diagnostics_few_error_df_of_an_augmented_layout_advises_checks() -> None:
    """Checks in 3 blocks, entries once: the few-df advice is checks or blocks, not replicates.

    Error df by hand: 2 checks x 3 blocks + 4 entries = 10 plots; 6 treatments and 3 blocks
    fitted, 10 - 6 - 3 + 1 = 2 df, (b - 1)(c - 1) = 2 x 1 (Federer 1956).
    """
    df = pd.DataFrame(
        {
            "block": ["1"] * 4 + ["2"] * 3 + ["3"] * 3,
            "treatment": ["CK1", "CK2", "E1", "E2", "CK1", "CK2", "E3", "CK1", "CK2", "E4"],
            "yield_kg_ha": [7000.0, 7100, 7300, 6900, 7050, 7200, 7150, 6950, 7080, 7020],
        }
    )
    with pytest.warns(YieldTrialWarning, match="only 2 error degrees of freedom") as caught:
        d = diagnostics(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert d.df_error == 2
    text = " ".join(str(w.message) for w in caught)
    assert "add checks to each block or add blocks" in text and "add replicates" not in text


def test_diagnostics_few_error_df_of_an_rcbd_that_lost_a_plot_advises_replicates() -> None:
    """An RCBD with one treatment left on one plot (leverage 1) is no augmented design.

    Error df by hand: 4 treatments x 2 blocks - 1 lost plot = 7 plots; 7 - 4 - 2 + 1 = 2 df.
    One plot of seven is unreplicated (fewer than a third): the advice stays "add replicates".
    """
    df = pd.DataFrame(
        {
            "block": ["1"] * 4 + ["2"] * 3,
            "treatment": ["A", "B", "C", "D", "A", "B", "C"],
            "yield_kg_ha": [7000.0, 7100, 7300, 6900, 7050, 7200, 7150],
        }
    )
    with pytest.warns(YieldTrialWarning, match="only 2 error degrees of freedom") as caught:
        d = diagnostics(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert d.df_error == 2
    text = " ".join(str(w.message) for w in caught)
    assert "add replicates" in text and "add checks to each block" not in text


def test_infinite_yield_names_the_index_and_the_plot() -> None:
    """An infinite yield: the index label and plot id, as read_plots names a frame's row.

    Before stop 44 it said "at row 0" (the label, called a row, and no plot id).
    """
    df = pd.DataFrame(
        {
            "plot_id": ["101", "102", "201", "202"],
            "block": [1, 1, 2, 2],
            "treatment": ["A", "B", "A", "B"],
            "yield_kg_ha": [5000.0, np.inf, 5100.0, 5200.0],
        }
    )
    with pytest.raises(DataValidationError, match=r"infinite value at index 1 \(plot '102'\);"):
        diagnostics(df, response="yield_kg_ha", treatment="treatment", block="block")
