"""FieldTrial, trial.toml and the report with REML mixed models and augmented designs (issue 15).

The statistics themselves are proven in tests/test_stats_mixed.py and
tests/test_stats_augmented.py; these tests check that the trial picks the right model,
passes its columns, and that the report states the model, the df method and REML.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reference_cases import case_frame, load_case
from yieldtrial import FieldTrial
from yieldtrial.config import TrialConfig
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.stats.augmented import AugmentedAnova, augmented_anova
from yieldtrial.stats.mixed import MixedModelFit, mixed_model
from yieldtrial.stats.splitplot import StrataAnova


def oats_plots(missing: list[int] | None = None) -> pd.DataFrame:
    """Yates' oats split plot as plot records (yields used unchanged as kg/ha)."""
    df = case_frame("yates_oats_splitplot")
    df["plot_id"] = [str(i + 1) for i in range(len(df))]
    df["treatment"] = df["nitro"].astype(str)
    df = df.drop(columns="nitro").rename(columns={"yield": "yield_kg_ha"})
    df["yield_kg_ha"] = df["yield_kg_ha"].astype(float)
    if missing:
        df.loc[missing, "yield_kg_ha"] = np.nan
    return df


def split_trial(missing: list[int] | None = None, **kw: object) -> FieldTrial:
    """Oats as a split plot: varieties on whole plots, nitrogen (the treatment) on sub-plots."""
    return FieldTrial.from_dataframe(
        oats_plots(missing), crop="wheat", control="0", design="split_plot", factors=("gen",),
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def alpha_plots() -> pd.DataFrame:
    """John & Williams (1995) alpha design (agridat john.alpha) as plot records."""
    case = load_case("john_williams_alpha_oats")
    df = pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])
    return df.rename(
        columns={"plot": "plot_id", "rep": "block", "block": "incomplete_block", "gen": "treatment",
                 "yield": "yield_t_ha"}
    )  # fmt: skip


def augmented_plots() -> pd.DataFrame:
    """Return the augmentedRCBD vignette's Table 1 (trait y2) as plot records."""
    case = load_case("augmentedrcbd_vignette")
    df = pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])
    df["plot_id"] = range(1, len(df) + 1)
    return df.rename(columns={"y2": "yield_kg_ha"}).drop(columns="y1")


# ----------------------------------------------------------------------------- model choice


def test_complete_split_plot_keeps_the_stratum_anova() -> None:
    """A complete split plot is still analysed by strata (no behaviour change)."""
    assert isinstance(split_trial().anova(), StrataAnova)


def test_split_plot_with_missing_plots_uses_reml() -> None:
    """Missing sub-plots: REML instead of refusing; the same model as mixed_model()."""
    trial = split_trial([3, 20])
    res = trial.anova()
    assert isinstance(res, MixedModelFit)
    direct = mixed_model(
        oats_plots([3, 20]), response="yield_kg_ha", design="split_plot", block="block",
        whole_plot="gen", sub_plot="treatment",
    )  # fmt: skip
    np.testing.assert_allclose(
        res.variance_components["variance"], direct.variance_components["variance"], rtol=1e-10
    )
    mm = trial.means_model("whole_plot")
    assert mm.df_method == "satterthwaite" and mm.factor == "gen"
    out = trial.compare_to_control()
    assert list(out["treatment"]) == ["0.2", "0.4", "0.6"]
    assert out["p_value_adjusted"].notna().all()
    assert trial.is_replicated


def test_split_plot_missing_diagnostics_use_least_squares_residuals() -> None:
    """A plot missing: checked on the sub-plot residuals of the least-squares stratum model.

    Independent path: statsmodels OLS ``y ~ C(block)*C(gen) + C(treatment) +
    C(gen):C(treatment)`` on the 71 observed plots (45 - 1 = 44 residual df).
    """
    import statsmodels.formula.api as smf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # CV of error b above 10 %
        d = split_trial([3]).diagnostics()
    observed = oats_plots([3]).dropna(subset=["yield_kg_ha"])
    formula = "yield_kg_ha ~ C(block) * C(gen) + C(treatment) + C(gen):C(treatment)"
    ols = smf.ols(formula, data=observed).fit()
    assert np.max(np.abs(d.residuals["residual"].to_numpy() - ols.resid.to_numpy())) < 1e-9
    assert d.df_error == 44 == int(ols.df_resid)
    assert d.strata is None and d.stratum_fit is not None


def test_random_blocks_on_complete_split_plot_equal_strata() -> None:
    """block_effects='random' fits REML; balanced, its F tests equal the strata's."""
    strata = split_trial().anova()
    mixed = split_trial(block_effects="random").anova()
    assert isinstance(strata, StrataAnova) and isinstance(mixed, MixedModelFit)
    f_strata = strata.table.set_index("source")["f"]
    for row in mixed.table.itertuples():
        assert row.f == pytest.approx(f_strata[row.source], rel=1e-9)


def test_rcbd_random_blocks_uses_reml() -> None:
    """An RCBD with block_effects='random' is fitted by REML; balanced F = fixed-block F."""
    plots = oats_plots()
    plots = plots[plots["gen"] == "Victory"].drop(columns="gen")
    fixed = FieldTrial.from_dataframe(plots, crop="wheat", control="0")
    mixed = fixed.replace(block_effects="random")
    assert isinstance(mixed.anova(), MixedModelFit)
    f_fixed = fixed.anova().table.set_index("source").loc["treatment", "f"]
    assert mixed.anova().table.iloc[0]["f"] == pytest.approx(f_fixed, rel=1e-9)
    assert mixed.means_model().df == pytest.approx(fixed.means_model().df, rel=1e-9)


def test_alpha_trial_is_fitted_by_reml_with_reps_fixed() -> None:
    """design='alpha': rep fixed, incomplete block within rep random; natural treatment order."""
    trial = FieldTrial.from_dataframe(alpha_plots(), crop="wheat", control="G05", design="alpha")
    res = trial.anova()
    assert isinstance(res, MixedModelFit)
    assert res.formula == "yield_kg_ha ~ block + treatment + (1 | block:incomplete_block)"
    assert trial.design_columns()["incomplete_block"] == "incomplete_block"
    mm = trial.means_model()
    # randomized field book: natural order G01..G24, the control G05 in its place
    assert mm.levels == trial.treatment_order == tuple(f"G{i:02d}" for i in range(1, 25))
    # lme4 (agridat man page) rep:block variance 0.06194 (t/ha)^2 -> kg/ha: x 1e6
    assert res.variance("block:incomplete_block") == pytest.approx(61944, rel=1e-4)
    # method="t": the Dunnett integration of 23 non-product contrasts is issue 15 item 4
    out = trial.compare_to_control(method="t")
    assert len(out) == 23
    ic = mm.levels.index("G05")  # the control, in its natural-order place
    rows = [mm.levels.index(str(t)) for t in out["treatment"]]
    w = np.eye(24)[rows] - np.eye(24)[ic]  # each entry minus the control G05
    np.testing.assert_allclose(out["df"], mm.contrast_df(w), rtol=1e-12)  # own df per row
    diag = trial.diagnostics()
    assert diag.df_error == 72 - 1 - 23 - 17  # intra-block model: 24 gen + 18 blocks


def test_alpha_needs_incomplete_block_column() -> None:
    """Without an incomplete_block column an alpha design is refused with the fix."""
    plots = alpha_plots().drop(columns="incomplete_block")
    with pytest.raises(DataValidationError, match="incomplete_block"):
        FieldTrial.from_dataframe(plots, crop="wheat", design="alpha")


def test_row_column_trial() -> None:
    """design='row_column': rows and columns within replicate random."""
    df = pd.read_csv(Path(__file__).parent / "data" / "mixed" / "burgueno_rowcol.tsv", sep="\t")
    df = df.rename(columns={"rep": "block", "gen": "treatment", "col": "column",
                            "yield": "yield_t_ha"})  # fmt: skip
    df["plot_id"] = range(1, len(df) + 1)
    trial = FieldTrial.from_dataframe(df, crop="wheat", design="row_column")
    res = trial.anova()
    assert isinstance(res, MixedModelFit)
    assert list(res.variance_components["component"]) == [
        "block:row",
        "block:column",
        "residual",
    ]
    assert trial.is_replicated


def test_augmented_trial_uses_federer_analysis() -> None:
    """design='augmented': AugmentedAnova; comparisons on the adjusted means."""
    trial = FieldTrial.from_dataframe(
        augmented_plots(), crop="wheat", control="4", design="augmented"
    )
    res = trial.anova()
    assert isinstance(res, AugmentedAnova)
    direct = augmented_anova(
        augmented_plots(), response="yield_kg_ha", treatment="treatment", block="block"
    )
    assert res.mse == pytest.approx(direct.mse)
    mm = trial.means_model()
    assert mm.design == "augmented" and mm.df == 6
    out = trial.compare_to_control(method="t")
    assert len(out) == 11
    with pytest.warns(YieldTrialWarning, match="6 error degrees of freedom"):
        assert trial.diagnostics().df_error == 6
    means = trial.replace(control=[]).means(letters="lsd")  # no Dunnett column (item 4)
    assert len(means) == 12


def test_augmented_random_blocks_is_a_mixed_model() -> None:
    """block_effects='random' on an augmented trial fits treatment + (1 | block) by REML."""
    trial = FieldTrial.from_dataframe(
        augmented_plots(), crop="wheat", control="4", design="augmented", block_effects="random"
    )
    assert trial.anova().formula == "yield_kg_ha ~ treatment + (1 | block)"


def _checkless_block_trial() -> FieldTrial:
    """SYNTHETIC: CK1, CK2 and 3 entries in blocks 1-4; block 5 holds entries E13-E15 only."""
    rows = []
    for b in range(1, 6):
        checks = ("CK1", "CK2") if b <= 4 else ()
        for k, treatment in enumerate((*checks, *(f"E{3 * (b - 1) + i}" for i in (1, 2, 3)))):
            rows.append((f"{b}{k}", str(b), treatment, 6000.0 + 200 * b + (53 * k + 31 * b) % 170))
    plots = pd.DataFrame(rows, columns=["plot_id", "block", "treatment", "yield_kg_ha"])
    return FieldTrial.from_dataframe(plots, crop="wheat", control="CK1", design="augmented",
                                     checks=["CK1", "CK2"], block_effects="random")  # fmt: skip


def test_augmented_random_blocks_estimate_a_checkless_blocks_entries() -> None:
    """A block without checks: its entries are their plot's yield, SE sqrt(s2_block + s2_e).

    Stop 46 accepts it (Federer's fixed-block adjustment needs the block's checks and is
    still refused).  With blocks random (Patterson and Thompson 1971) the entry's only plot
    is y = mu + tau_e + u_5 + e; nothing else informs its effect, so its BLUE is y and its
    variance Var(u_5 + e) = s2_block + s2_e (hand, from the REML variance components).
    """
    trial = _checkless_block_trial()
    with pytest.warns(YieldTrialWarning, match="block '5' has no check plot with a yield"):
        fit = trial.anova()
    components = fit.variance_components.set_index("component")["variance"]
    means = trial.means(letters=None).set_index("treatment")
    plots = trial.plots.set_index("treatment")["yield_kg_ha"]
    for entry in ("E13", "E14", "E15"):
        assert means.at[entry, "yield_kg_ha"] == pytest.approx(plots[entry], rel=1e-9)
        expected_se = np.sqrt(components["block"] + components["residual"])
        assert means.at[entry, "se_kg_ha"] == pytest.approx(expected_se, rel=1e-6)


def test_augmented_random_blocks_name_the_unadjusted_entries() -> None:
    """The warning names the block and its entries, and says how to adjust them."""
    with pytest.warns(YieldTrialWarning) as caught:
        _checkless_block_trial().anova()
    assert [str(w.message) for w in caught if w.category is YieldTrialWarning] == [
        "block '5' has no check plot with a yield: with random blocks its entries 'E13', "
        "'E14', 'E15' are estimated without a block adjustment (their standard errors include "
        "the block variance). Fill in the yields of its checks to adjust them."
    ]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"block_effects": "mixed"}, "block_effects"), ({"design": "crd", "block_effects": "random"},
                                                      "block_effects applies")],
    ids=["bad-value", "no-blocks"],
)  # fmt: skip
def test_block_effects_validated(kwargs: dict, match: str) -> None:
    """block_effects must be fixed/random and needs a blocked design."""
    with pytest.raises(DataValidationError, match=match):
        FieldTrial.from_dataframe(oats_plots().drop(columns="gen"), crop="wheat", **kwargs)


# ----------------------------------------------------------------------------- trial.toml


def test_config_reads_block_effects_and_incomplete_block() -> None:
    """[analysis] block_effects and incomplete_block (a column role, renamed on reading)."""
    cfg = TrialConfig.from_dict(
        {"analysis": {"design": "alpha", "block_effects": "Random", "incomplete_block": "iblock",
                      "block": "rep"}}
    )  # fmt: skip
    assert cfg.block_effects == "random" and cfg.design == "alpha"
    assert cfg.column_renames() == {"rep": "block", "iblock": "incomplete_block"}


def test_config_rejects_bad_block_effects() -> None:
    """A value other than fixed/random is refused with the choices."""
    with pytest.raises(DataValidationError, match="fixed, random"):
        TrialConfig.from_dict({"analysis": {"block_effects": "both"}})


# ----------------------------------------------------------------------------- report


def _report(tmp_path: Path, plots: pd.DataFrame, toml: str, fmt: str = "json", **kw: object):
    from yieldtrial.report.files import report_from_files

    csv = tmp_path / "plots.csv"
    plots.to_csv(csv, index=False)
    cfg = tmp_path / "trial.toml"
    cfg.write_text(toml, encoding="utf-8")
    report, _ = report_from_files(csv, cfg, figures=False, **kw)  # type: ignore[arg-type]
    return report.render(fmt)


def test_alpha_report_states_reml_and_satterthwaite(tmp_path: Path) -> None:
    """The methods say REML and Satterthwaite; the JSON carries the variance components."""
    plots = alpha_plots().rename(columns={"block": "rep", "incomplete_block": "iblock"})
    toml = (
        '[trial]\ncrop = "wheat"\n[analysis]\ndesign = "alpha"\nblock = "rep"\n'
        'incomplete_block = "iblock"\n'
    )  # no control: Dunnett with 23 non-product contrasts is slow until issue 15 item 4
    data = json.loads(_report(tmp_path, plots, toml))
    anova = data["results"]["anova"]
    assert anova["df_method"] == "satterthwaite" and anova["variance_estimation"] == "REML"
    assert [r["component"] for r in anova["variance_components"]] == [
        "block:incomplete_block",
        "residual",
    ]
    text = _report(tmp_path, plots, toml, fmt="md").decode("utf-8")
    assert "residual maximum likelihood (REML)" in text
    assert "Satterthwaite denominator degrees of freedom" in text
    assert "alpha-lattice" in text


def test_augmented_report_has_both_tables_in_chinese(tmp_path: Path) -> None:
    """Chinese augmented report: both ANOVA tables, the four SEDs, Federer in the methods."""
    toml = '[trial]\ncrop = "wheat"\n[analysis]\ndesign = "augmented"\n'
    text = _report(tmp_path, augmented_plots(), toml, fmt="md", lang="zh").decode("utf-8")
    assert "区组（不校正处理）" in text and "区组（校正处理）" in text
    assert "不同区组两材料间" in text
    assert "Federer" in text


def test_split_plot_missing_report(tmp_path: Path) -> None:
    """A split plot with missing sub-plots gets a report (REML) instead of an error."""
    toml = (
        '[trial]\ncrop = "wheat"\n[analysis]\ndesign = "split_plot"\nfactors = ["gen"]\n'
        'control = "0"\n'
    )
    data = json.loads(_report(tmp_path, oats_plots([3, 20, 41]), toml))
    assert data["results"]["anova"]["variance_estimation"] == "REML"
    assert {r["kind"] for r in data["results"]["design_means"]} == {"gen", "treatment", "cells"}


def test_alpha_report_kenward_roger_from_trial_toml(tmp_path: Path) -> None:
    """A trial.toml with ddf = "kenward-roger": KR fit; provenance and methods say so."""
    plots = alpha_plots().rename(columns={"block": "rep", "incomplete_block": "iblock"})
    toml = (
        '[trial]\ncrop = "wheat"\n[analysis]\ndesign = "alpha"\nblock = "rep"\n'
        'incomplete_block = "iblock"\nddf = "kenward-roger"\n'
    )
    data = json.loads(_report(tmp_path, plots, toml))
    assert data["results"]["anova"]["df_method"] == "kenward-roger"
    text = _report(tmp_path, plots, toml, fmt="md").decode("utf-8")
    assert "Kenward-Roger standard errors and denominator degrees of freedom" in text


def test_trial_ddf_reaches_the_mixed_model() -> None:
    """FieldTrial(ddf=...) fits the mixed model with that df method; bad values refused."""
    trial = FieldTrial.from_dataframe(alpha_plots(), crop="wheat", control="G05", design="alpha")
    kr = trial.replace(ddf="Kenward-Roger")
    assert kr.ddf == "kenward-roger"
    assert kr.anova().ddf == "kenward-roger"
    assert kr.means_model().df_method == "kenward-roger"
    assert trial.anova().ddf == "satterthwaite"
    with pytest.raises(DataValidationError, match="ddf"):
        trial.replace(ddf="containment")


def test_report_command_ddf_flag(tmp_path: Path) -> None:
    """`yieldtrial report --ddf kenward-roger` overrides the trial.toml (Satterthwaite) default."""
    from yieldtrial.cli import main

    plots = alpha_plots().rename(columns={"block": "rep", "incomplete_block": "iblock"})
    csv = tmp_path / "plots.csv"
    plots.to_csv(csv, index=False)
    cfg = tmp_path / "trial.toml"
    cfg.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ndesign = "alpha"\nblock = "rep"\n'
        'incomplete_block = "iblock"\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.json"
    args = [str(csv), "--config", str(cfg), "--no-figures", "-o", str(out)]
    assert main(["report", *args, "--ddf", "kenward-roger"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["results"]["anova"]["df_method"] == (
        "kenward-roger"
    )


def test_alpha_means_model_of_another_kind_is_refused_in_english() -> None:
    """kind='whole_plot' on an alpha trial: "the 'alpha' design" (was "a 'alpha' trial")."""
    trial = FieldTrial.from_dataframe(alpha_plots(), crop="wheat", design="alpha")
    with pytest.raises(DataValidationError, match=r"^the 'alpha' design has one treatment"):
        trial.means_model(kind="whole_plot")


def test_alpha_residual_checks_say_their_few_df_are_the_intra_block_models() -> None:
    """An alpha lattice's residual checks say their few df are the intra-block model's.

    2 replicates of 12 entries in blocks of 3: the residual checks' model (every block
    fixed) keeps 24 - 1 - 11 - 7 = 5 df (1 replicate and 6 blocks within replicates).
    The report warned "only 5 error degrees of freedom ... tests have little power; add
    replicates" next to REML tests on other df; the warning now names its model.
    """
    from yieldtrial.design import alpha_design

    book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=3, replicates=2,
                        seed=1, plot_area_m2=10.0)  # fmt: skip
    book["fresh_mass_kg"] = 7.0 + 0.1 * (np.arange(len(book)) % 7)
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.0
    trial = FieldTrial(book, crop="wheat", control="G01", design="alpha")
    with pytest.warns(YieldTrialWarning) as caught:
        diag = trial.diagnostics()
    assert diag.df_error == 5
    texts = [str(w.message) for w in caught]
    assert (
        "only 5 error degrees of freedom (fewer than 10) in the intra-block model the "
        "residuals are checked on (every blocking factor fixed): the residual checks have "
        "little power; the mixed model's tests use their own df."
    ) in texts
    assert not any("add replicates" in t for t in texts)


def test_zh_report_of_an_alpha_lattice_says_the_few_df_are_the_intra_block_models(
    tmp_path: Path,
) -> None:
    """The Chinese report shows the intra-block warning, not the bare "only 5 error df"."""
    from yieldtrial.cli import main
    from yieldtrial.design import alpha_design

    book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=3, replicates=2,
                        seed=1, plot_area_m2=10.0)  # fmt: skip
    book["fresh_mass_kg"] = 7.0 + 0.1 * (np.arange(len(book)) % 7)
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.0
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "alpha"\ncontrol = "G01"\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.md"
    code = main(["report", str(tmp_path / "plots.csv"), "--config",
                 str(tmp_path / "trial.toml"), "--lang", "zh", "-o", str(out)])  # fmt: skip
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert "残差检验所用的区组内模型（各区组因素均按固定效应）误差自由度仅 5" in text
    assert "误差自由度仅 5（建议不少于 10）" not in text


def test_augmented_fixed_blocks_few_df_warning_does_not_speak_of_a_mixed_model() -> None:
    """Federer's analysis (blocks fixed) is the intra-block model: its tests use its df.

    3 checks in 4 blocks, 9 entries: (3 - 1)(4 - 1) = 6 residual df.  The warning said
    "the mixed model's tests use their own df" with no mixed model fitted (diff43); with
    blocks random (REML) it still says so.
    """
    from yieldtrial.design import augmented_design

    book = augmented_design(["C1", "C2", "C3"], [f"E{i}" for i in range(1, 10)], blocks=4,
                            seed=5, plot_area_m2=10.0)  # fmt: skip
    book["fresh_mass_kg"] = 7.0 + 0.1 * (np.arange(len(book)) % 7)
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.0
    for effects, mixed in (("fixed", False), ("random", True)):
        trial = FieldTrial(book, crop="wheat", control="C1", design="augmented",
                           block_effects=effects)  # fmt: skip
        with pytest.warns(YieldTrialWarning) as caught:
            diag = trial.diagnostics()
        assert diag.df_error == 6
        texts = [str(w.message) for w in caught]
        assert any(t.startswith("only 6 error degrees of freedom") for t in texts)
        assert any("mixed model's tests use their own df" in t for t in texts) is mixed


def test_latin_square_treatments_in_natural_order_and_ddf_of_lmertest() -> None:
    """A Latin square field book lists the treatments in randomized orders, row by row.

    Its display and model order is the natural sort (A first), as for an RCBD whose blocks
    list the treatments in different orders, and the treatment F ddf is lmerTest's with
    the levels sorted (tests/data/r_reference_trials/latin6_random_m2.csv, reference.csv
    there: 23.914996845031144 Satterthwaite, 18.911169498224041 Kenward-Roger).  Before
    stop 39 the order was the first row's (D, E, C, F, A, B) and the Satterthwaite ddf
    23.913627 (the Kenward-Roger ddf does not depend on the order).
    """
    path = Path(__file__).parent / "data" / "r_reference_trials" / "latin6_random_m2.csv"
    for ddf, expected in (("satterthwaite", 23.914996845031144),
                          ("kenward-roger", 18.911169498224041)):  # fmt: skip
        trial = FieldTrial.from_csv(
            path, crop="wheat", design="latin", block_effects="random", ddf=ddf
        )
        assert trial.treatment_order == ("A", "B", "C", "D", "E", "F")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = trial.anova().table.set_index("source")
        assert table.loc["treatment", "df_denominator"] == pytest.approx(expected, rel=1e-7)
