"""Tests of yieldtrial.network: analyze_many, the engine paths and the across-site summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from python_calls import python_calls
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.network import NetworkResult, analyze_many

TREATMENTS = ["CK", "N1", "N2", "N3"]


def _network(n_sites: int = 5, n_blocks: int = 4, seed: int = 7) -> pd.DataFrame:
    """Generate an RCBD network: site and block effects, a real N1 effect, noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(n_sites):
        for b in range(n_blocks):
            for t_i, t in enumerate(TREATMENTS):
                y = 6000.0 + 150.0 * s + 80.0 * b + [0.0, 400.0, 150.0, -50.0][t_i]
                rows.append((f"site{s:02d}", f"B{b + 1}", t, y + rng.normal(0.0, 200.0)))
    return pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"])


def _analyze(df: pd.DataFrame, **kwargs: object) -> NetworkResult:
    opts: dict[str, object] = dict(
        by="site", response="yield_kg_ha", treatment="treatment", block="block", control="CK"
    )
    opts.update(kwargs)
    return analyze_many(df, **opts)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def mixed_network() -> tuple[pd.DataFrame, NetworkResult]:
    """Five sites: three balanced, one with a missing plot, one with a non-numeric yield."""
    df = _network()
    df["yield_kg_ha"] = df["yield_kg_ha"].astype(object)
    df.loc[(df.site == "site01") & (df.block == "B2") & (df.treatment == "N2"), "yield_kg_ha"] = (
        np.nan
    )
    df.loc[(df.site == "site03") & (df.block == "B3") & (df.treatment == "N1"), "yield_kg_ha"] = (
        "12O0"  # letter O typed for a zero
    )
    return df, _analyze(df, dunnett_pvalues="exact")


def _close(a: object, b: object) -> None:
    np.testing.assert_allclose(
        np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize(
    "site", ["site00", "site01", "site04"], ids=["balanced", "missing-plot", "balanced-2"]
)
def test_per_trial_matches_anova_alone(mixed_network, site):
    """Per-trial ANOVA figures equal yieldtrial.stats.anova on that trial alone (1e-9)."""
    from yieldtrial.stats.anova_tables import anova

    df, res = mixed_network
    alone = anova(df[df.site == site], response="yield_kg_ha", treatment="treatment", block="block")
    row = res.per_trial.set_index("site").loc[site]
    table = alone.table.set_index("source")
    # expected: the shared single-trial ANOVA (independent code path: SVD per term)
    _close(row["grand_mean"], alone.grand_mean)
    _close(row["mse"], alone.mse)
    _close(row["df_error"], alone.df_error)
    _close(row["cv_pct"], alone.cv_pct)
    _close(row["lsd"], alone.lsd)
    _close(row["sed"], alone.sed)
    _close(row["sum_sq_treatment"], table.loc["treatment", "sum_sq"])
    _close(row["f_treatment"], table.loc["treatment", "f"])
    _close(row["p_treatment"], table.loc["treatment", "p_value"])
    _close(row["sum_sq_block"], table.loc["block", "sum_sq"])
    _close(row["p_block"], table.loc["block", "p_value"])


@pytest.mark.parametrize("site", ["site00", "site01"], ids=["balanced", "missing-plot"])
def test_per_treatment_matches_compare_to_control_alone(mixed_network, site):
    """LS-means, SE, differences and Dunnett p equal fit + compare_to_control alone (1e-9)."""
    from yieldtrial.stats.compare import compare_to_control
    from yieldtrial.stats.model import fit

    df, res = mixed_network
    one = df[df.site == site]
    model = fit(one, response="yield_kg_ha", treatment="treatment", block="block")
    dunnett = compare_to_control(
        one, response="yield_kg_ha", treatment="treatment", block="block", control="CK"
    ).set_index("treatment")
    got = res.per_treatment[res.per_treatment.site == site].set_index("treatment")
    got = got.loc[list(model.levels)]
    _close(got["lsmean"], model.lsmeans)
    _close(got["se"], np.sqrt(np.diag(model.lsmeans_cov)))
    others = [t for t in model.levels if t != "CK"]
    _close(got.loc[others, "difference"], dunnett.loc[others, "difference_kg_ha"])
    _close(got.loc[others, "difference_pct"], dunnett.loc[others, "difference_pct"])
    _close(got.loc[others, "t_value"], dunnett.loc[others, "statistic"])
    _close(got.loc[others, "p_dunnett"], dunnett.loc[others, "p_value_adjusted"])


@pytest.mark.parametrize("site", ["site00", "site01"], ids=["balanced", "missing-plot"])
def test_letters_match_tukey_letters_alone(mixed_network, site):
    """Letters equal compact_letters of the Tukey-Kramer pairwise table of that trial."""
    from yieldtrial.stats.compare import pairwise
    from yieldtrial.stats.letters import compact_letters
    from yieldtrial.stats.model import fit

    df, res = mixed_network
    one = df[df.site == site]
    model = fit(one, response="yield_kg_ha", treatment="treatment", block="block")
    table = pairwise(
        one, response="yield_kg_ha", treatment="treatment", block="block", method="tukey"
    )
    expected = compact_letters(model.levels, model.lsmeans, table)
    got = res.per_treatment[res.per_treatment.site == site].set_index("treatment")["letters"]
    assert got.loc[list(model.levels)].tolist() == expected.tolist()


def test_broken_trial_is_failed_with_reason_others_succeed(mixed_network):
    """A non-numeric yield fails only its own trial, with the shared layer's message."""
    _, res = mixed_network
    status = res.per_trial.set_index("site")["status"]
    assert status.to_dict() == {
        "site00": "ok",
        "site01": "ok",
        "site02": "ok",
        "site03": "failed",
        "site04": "ok",
    }
    reason = res.per_trial.set_index("site").loc["site03", "reason"]
    assert "must be numeric" in reason and "12O0" in reason
    assert "site03" not in set(res.per_treatment.site)


def test_engine_paths(mixed_network):
    """Balanced trials go through the stacked path, the missing-plot trial through least squares."""
    _, res = mixed_network
    path = res.per_trial.set_index("site")["path"]
    assert path["site00"] == "stacked" and path["site01"] == "least_squares"
    assert res.per_trial.set_index("site").loc["site01", "n_missing"] == 1


def test_treatment_without_plots_fails_trial():
    """A treatment whose plots are all blank fails that trial, naming the level."""
    df = _network(n_sites=3)
    df.loc[(df.site == "site02") & (df.treatment == "N3"), "yield_kg_ha"] = np.nan
    res = _analyze(df, dunnett_pvalues="none")
    row = res.per_trial.set_index("site").loc["site02"]
    assert row["status"] == "failed" and "'N3'" in row["reason"]
    assert (res.per_trial.status == "ok").sum() == 2


def test_missing_control_fails_trial():
    """A trial without the control cannot be compared with it: failed, reason names it."""
    df = _network(n_sites=3)
    df.loc[(df.site == "site01") & (df.treatment == "CK"), "treatment"] = "CK2"
    res = _analyze(df, dunnett_pvalues="none")
    row = res.per_trial.set_index("site").loc["site01"]
    assert row["status"] == "failed" and "control 'CK'" in row["reason"]


def test_single_block_trial_is_unreplicated():
    """One block (one plot per treatment) gives status unreplicated, means but no tests."""
    df = _network(n_sites=3)
    df = df[~((df.site == "site02") & (df.block != "B1"))]
    res = _analyze(df, dunnett_pvalues="none")
    row = res.per_trial.set_index("site").loc["site02"]
    assert row["status"] == "unreplicated" and np.isnan(row["p_treatment"])
    means = res.per_treatment[res.per_treatment.site == "site02"]
    # expected: with one plot each, the LS-mean is the plot's own value
    _close(means["lsmean"], df[df.site == "site02"].sort_values("treatment")["yield_kg_ha"])


def test_crd_network_matches_anova_alone():
    """design='crd' (no block) matches the one-way ANOVA of each trial alone."""
    from yieldtrial.stats.anova_tables import anova

    df = _network(n_sites=3).drop(columns="block")
    df = df.drop(index=df.index[5])  # unequal replication in site00
    res = analyze_many(
        df,
        by="site",
        response="yield_kg_ha",
        treatment="treatment",
        design="crd",
        control="CK",
        dunnett_pvalues="none",
    )
    for site in ("site00", "site01"):
        alone = anova(
            df[df.site == site], response="yield_kg_ha", treatment="treatment", design="crd"
        )
        row = res.per_trial.set_index("site").loc[site]
        _close(row["mse"], alone.mse)
        _close(row["p_treatment"], alone.table.set_index("source").loc["treatment", "p_value"])


def test_network_default_design_follows_block_argument():
    """No design given: block= -> RCBD per trial, no block -> CRD; rcbd without block raises."""
    df = _network(n_sites=2)
    kw = {"by": "site", "response": "yield_kg_ha", "treatment": "treatment",
          "dunnett_pvalues": "none", "summary": False}  # fmt: skip
    with_block = analyze_many(df, block="block", **kw)
    crd = analyze_many(df.drop(columns="block"), **kw)
    explicit = analyze_many(df, block="block", design="rcbd", **kw)
    _close(with_block.per_trial["mse"], explicit.per_trial["mse"])
    assert with_block.options["design"] == "rcbd" and crd.options["design"] == "crd"
    with pytest.raises(DataValidationError, match="needs block="):
        analyze_many(df, design="rcbd", **kw)


def test_balanced_combined_anova_matches_statsmodels():
    """The balanced combined model equals statsmodels' OLS ANOVA on the pooled plots."""
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    df = _network(n_sites=4, n_blocks=3)
    res = _analyze(df, dunnett_pvalues="none")
    assert res.summary.method == "combined ANOVA (balanced)"
    # expected: sequential SS of y ~ site + block(site) + treatment + treatment:site (balanced)
    ols = smf.ols(
        "yield_kg_ha ~ C(site) + C(site):C(block) + C(treatment) + C(treatment):C(site)", data=df
    ).fit()
    ref = anova_lm(ols)
    table = res.summary.anova.set_index("source")
    _close(table.loc["site", "sum_sq"], ref.loc["C(site)", "sum_sq"])
    _close(table.loc["block(site)", "sum_sq"], ref.loc["C(site):C(block)", "sum_sq"])
    _close(table.loc["treatment", "sum_sq"], ref.loc["C(treatment)", "sum_sq"])
    _close(table.loc["treatment:site", "sum_sq"], ref.loc["C(treatment):C(site)", "sum_sq"])
    _close(table.loc["residual", "sum_sq"], ref.loc["Residual", "sum_sq"])
    # random sites: treatment F = MS(treatment) / MS(treatment:site)
    ms = ref["sum_sq"] / ref["df"]
    _close(table.loc["treatment", "f"], ms["C(treatment)"] / ms["C(treatment):C(site)"])
    _close(res.summary.p_treatment_by_site, ref.loc["C(treatment):C(site)", "PR(>F)"])


def test_fixed_sites_test_treatment_against_pooled_error():
    """sites='fixed': treatment F uses the pooled residual, as in the OLS ANOVA."""
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    df = _network(n_sites=3, n_blocks=3)
    res = _analyze(df, sites="fixed", dunnett_pvalues="none")
    ref = anova_lm(
        smf.ols(
            "yield_kg_ha ~ C(site) + C(site):C(block) + C(treatment) + C(treatment):C(site)",
            data=df,
        ).fit()
    )
    _close(res.summary.p_treatment, ref.loc["C(treatment)", "PR(>F)"])


def test_summary_means_pct_of_check_and_win_rate():
    """Across-site mean, % of check and win rate follow from the treatment x site table."""
    df = _network(n_sites=5)
    res = _analyze(df, dunnett_pvalues="none")
    means = res.summary.means.T  # treatment x site
    tr = res.summary.treatments.set_index("treatment")
    # expected by hand: balanced network -> across-site mean = mean of the site LS-means
    _close(tr["across_site_mean"], means.mean(axis=1).loc[tr.index])
    _close(tr.loc["N1", "pct_of_check"], 100 * means.loc["N1"].mean() / means.loc["CK"].mean())
    above = int((means.loc["N3"] > means.loc["CK"]).sum())
    assert tr.loc["N3", "sites_above"] == above
    assert tr.loc["N3", "sites_below"] == 5 - above
    _close(tr.loc["N3", "win_rate_pct"], 100.0 * above / 5)


def test_two_stage_summary_when_sites_incomplete():
    """A treatment absent from one site switches the summary to the two-stage analysis."""
    df = _network(n_sites=4)
    df = df[~((df.site == "site03") & (df.treatment == "N3"))]
    res = _analyze(df, dunnett_pvalues="none")
    assert res.summary.method.startswith("two-stage")
    tr = res.summary.treatments.set_index("treatment")
    assert tr.loc["N3", "n_sites"] == 3 and tr.loc["CK", "n_sites"] == 4
    assert np.isfinite(res.summary.p_treatment)


def test_mixedlm_alternative_reports_fixed_effects():
    """combined='mixedlm' adds statsmodels MixedLM treatment estimates."""
    df = _network(n_sites=4, n_blocks=3)
    res = _analyze(df, combined="mixedlm", dunnett_pvalues="none")
    assert res.summary.mixedlm is not None
    assert sorted(res.summary.mixedlm["treatment"]) == TREATMENTS


def _thirty_site_network() -> pd.DataFrame:
    """30 RCBD sites x 8 varieties x 3 blocks, 6 missing plots, one site lacking a variety."""
    rng = np.random.default_rng(42)
    rows = []
    for j in range(30):
        env = rng.normal(0, 800)
        for b in range(1, 4):
            blk = rng.normal(0, 150)
            for i in range(8):
                if j == 5 and i == 7:
                    continue
                y = 7000 + env + blk + 120 * i + rng.normal(0, 200) + rng.normal(0, 300)
                rows.append((f"S{j:02d}", b, "CK" if i == 0 else f"V{i}", y))
    df = pd.DataFrame(rows, columns=["site", "block", "treatment", "y"])
    df.loc[rng.choice(len(df), 6, replace=False), "y"] = np.nan
    return df


def test_mixedlm_reaches_the_reml_optimum_without_convergence_notes():
    """Raw yields (~7000 kg/ha) made statsmodels' default BFGS stop early (7 warning notes).

    The reference is statsmodels MixedLM fitted directly on the raw plots by Nelder-Mead and
    then BFGS (another optimizer path; it converges there); yieldtrial fits the centred
    response by L-BFGS first.
    """
    import warnings

    import statsmodels.formula.api as smf

    df = _thirty_site_network()
    res = analyze_many(
        df, by="site", response="y", treatment="treatment", block="block", control="CK",
        combined="mixedlm", dunnett_pvalues="none",
    )  # fmt: skip
    assert not any("converge" in n or "Retrying" in n for n in res.summary.notes)
    # the variance components are far from zero (site ~570,000, block ~27,000, txs ~5,000
    # (kg/ha)^2): no boundary note either
    assert not any("boundary" in n for n in res.summary.notes)
    d = df.dropna().assign(blk=lambda f: f["block"].astype(str))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = smf.mixedlm(
            "y ~ 0 + C(treatment)", d, groups="site", re_formula="1",
            vc_formula={"txs": "0 + C(treatment)", "blk": "0 + C(blk)"},
        ).fit(reml=True, method=["nm", "bfgs"], maxiter=5000)  # fmt: skip
    assert ref.converged
    got = res.summary.mixedlm.set_index("treatment")
    names = [n.split("[", 1)[1].rstrip("]") for n in ref.fe_params.index]
    np.testing.assert_allclose(got.loc[names, "estimate"], ref.fe_params.to_numpy(), rtol=1e-5)
    np.testing.assert_allclose(got.loc[names, "se"], ref.bse_fe.to_numpy(), rtol=1e-3)


@pytest.mark.parametrize("scheduler", ["sync", "threads"])
def test_dask_path_equals_pandas_path(scheduler):
    """A dask DataFrame (local scheduler) gives the same tables as pandas."""
    dd = pytest.importorskip("dask.dataframe")
    import dask

    df = _network(n_sites=6)
    df.loc[3, "yield_kg_ha"] = np.nan
    expected = _analyze(df, dunnett_pvalues="none")
    with dask.config.set(scheduler=scheduler):
        got = _analyze(dd.from_pandas(df, npartitions=3), dunnett_pvalues="none")
    # strict: same values and the same dtypes (text keys as pandas' own ``str`` dtype)
    pd.testing.assert_frame_equal(got.per_trial, expected.per_trial)
    pd.testing.assert_frame_equal(got.per_treatment, expected.per_treatment)
    pd.testing.assert_frame_equal(got.summary.treatments, expected.summary.treatments)


def test_multiple_key_columns():
    """by=['year', 'site'] treats each year x site as one trial."""
    # another seed for 2024: the same plots in both years are a copied trial (warned of)
    df = pd.concat(
        [_network(n_sites=2).assign(year=2023), _network(n_sites=2, seed=8).assign(year=2024)]
    )
    res = _analyze(df, by=["year", "site"], dunnett_pvalues="none")
    assert res.per_trial[["year", "site"]].values.tolist() == [
        [2023, "site00"],
        [2023, "site01"],
        [2024, "site00"],
        [2024, "site01"],
    ]
    assert list(res.summary.means.index) == [
        "2023 / site00",
        "2023 / site01",
        "2024 / site00",
        "2024 / site01",
    ]


def test_progress_callback_reaches_total():
    """progress(done, total) is called and ends at the number of trials."""
    calls: list[tuple[int, int]] = []
    _analyze(
        _network(n_sites=3),
        dunnett_pvalues="none",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls and calls[-1] == (3, 3)


def test_none_mode_leaves_pvalues_but_keeps_verdicts():
    """dunnett_pvalues='none' leaves p NaN but still gives the Dunnett verdict (balanced)."""
    res = _analyze(_network(n_sites=3), dunnett_pvalues="none")
    rows = res.per_treatment[~res.per_treatment.is_control]
    assert rows["p_dunnett"].isna().all()
    assert set(rows["significant"].unique()) <= {0.0, 1.0}


def test_sorted_complete_grid_gives_the_same_tables_as_shuffled_rows():
    """A table sorted by (site, treatment, block) (grid fast path) = the same rows shuffled."""
    df = _network(n_sites=4)
    tidy = df.sort_values(["site", "treatment", "block"]).reset_index(drop=True)
    shuffled = df.sample(frac=1.0, random_state=3).reset_index(drop=True)
    # expected: the general path (screen with bincount, sort) on the shuffled rows
    a = _analyze(tidy, dunnett_pvalues="none")
    b = _analyze(shuffled, dunnett_pvalues="none")
    pd.testing.assert_frame_equal(a.per_trial, b.per_trial, rtol=1e-12)
    pd.testing.assert_frame_equal(a.per_treatment, b.per_treatment, rtol=1e-12)
    pd.testing.assert_frame_equal(a.summary.treatments, b.summary.treatments, rtol=1e-12)


def test_none_mode_verdicts_of_missing_plot_trials_match_exact_pvalues(mixed_network):
    """Missing-plot trials get the verdict |t| > c of their own correlation, = (p < alpha)."""
    df, exact = mixed_network
    res = _analyze(df, dunnett_pvalues="none", summary=False)
    assert res.per_trial.set_index("site").loc["site01", "path"] == "least_squares"
    got = res.per_treatment[~res.per_treatment.is_control]
    ref = exact.per_treatment[~exact.per_treatment.is_control]
    ref = ref[ref.site.isin(got.site)]
    assert got["p_dunnett"].isna().all() and got["significant"].notna().all()
    # expected: the exact single-step p-values of the same trials (shared product-form
    # integral) compared with alpha = 0.05
    np.testing.assert_array_equal(
        got["significant"].to_numpy(), (ref["p_dunnett"] < 0.05).astype(float).to_numpy()
    )


@pytest.mark.parametrize(("limit", "computed"), [(100, True), (5, False)], ids=["small", "big"])
def test_auto_mode_computes_pvalues_up_to_the_limit(monkeypatch, limit, computed):
    """'auto' gives exact p-values for up to AUTO_DUNNETT_LIMIT comparisons (here 9)."""
    import yieldtrial.network as network

    monkeypatch.setattr(network, "AUTO_DUNNETT_LIMIT", limit)
    res = _analyze(_network(n_sites=3))  # 3 sites x 3 comparisons with CK
    rows = res.per_treatment[~res.per_treatment.is_control]
    assert rows["p_dunnett"].notna().all() == computed
    # verdicts agree with the p-values where both exist
    if computed:
        assert ((rows["p_dunnett"] < 0.05) == (rows["significant"] == 1.0)).all()


def test_to_dict_and_to_frame():
    """to_dict is JSON-ready (NaN -> None) and to_frame returns named tables."""
    import json

    res = _analyze(_network(n_sites=3), dunnett_pvalues="none")
    text = json.dumps(res.to_dict())
    assert '"per_trial"' in text and "NaN" not in text
    assert list(res.to_frame("treatments").columns)[:3] == [
        "treatment",
        "n_sites",
        "across_site_mean",
    ]
    with pytest.raises(DataValidationError, match="table must be one of"):
        res.to_frame("nope")


def test_missing_column_raises():
    """A misspelt column is a DataValidationError naming it."""
    with pytest.raises(DataValidationError, match="response='yeld'"):
        _analyze(_network(n_sites=2), response="yeld")


def test_unknown_design_raises():
    """A design outside DESIGNS is rejected."""
    with pytest.raises(DataValidationError, match="design must be one of"):
        _analyze(_network(n_sites=2), design="latin")


def test_blank_trial_key_raises():
    """A plot without a site cannot be placed in a trial."""
    df = _network(n_sites=2)
    df.loc[4, "site"] = None
    with pytest.raises(DataValidationError, match="column 'site'"):
        _analyze(df)


def test_field_trial_per_site_matches_analyze_sites():
    """FieldTrial.analyze_sites equals FieldTrial.anova / compare_to_control of each site."""
    import yieldtrial as yt

    df = _network(n_sites=3)
    df["plot_id"] = [str(i % 16 + 1) for i in range(len(df))]
    df = df.drop(index=df.index[20])  # one missing plot at site01
    trial = yt.FieldTrial.from_dataframe(df, crop="wheat", control="CK")
    net = trial.analyze_sites(by="site", dunnett_pvalues="exact")
    for site in ("site00", "site01"):
        alone = yt.FieldTrial.from_dataframe(df[df.site == site], crop="wheat", control="CK")
        row = net.per_trial.set_index("site").loc[site]
        # expected: the single-trial FieldTrial analysis of that site
        _close(row["mse"], alone.anova().mse)
        _close(row["cv_pct"], alone.anova().cv_pct)
        cmp = alone.compare_to_control().set_index("treatment")
        got = net.per_treatment[net.per_treatment.site == site].set_index("treatment")
        _close(got.loc[cmp.index, "p_dunnett"], cmp["p_value_adjusted"])


def test_many_failures_use_the_screen_reason(monkeypatch):
    """Past REFIT_LIMIT failed trials the engine's own screen states each reason."""
    from yieldtrial.network import _engine

    monkeypatch.setattr(_engine, "REFIT_LIMIT", 0)
    df = _network(n_sites=4)
    df["yield_kg_ha"] = df["yield_kg_ha"].astype(object)
    df.loc[df.index[(df.site == "site00").to_numpy()][3], "yield_kg_ha"] = "x"
    df.loc[(df.site == "site01") & (df.treatment == "N2"), "yield_kg_ha"] = np.nan
    df.loc[(df.site == "site02") & (df.treatment == "CK"), "treatment"] = "CK2"
    res = _analyze(df, dunnett_pvalues="none")
    reason = res.per_trial.set_index("site")["reason"]
    assert "row 3" in reason["site00"] and "non-numeric" in reason["site00"]
    assert "'N2'" in reason["site01"] and "no observed" in reason["site01"]
    assert "control 'CK'" in reason["site02"]
    assert res.per_trial.set_index("site").loc["site03", "status"] == "ok"


def test_disconnected_trial_fails_with_the_fit_message():
    """A disconnected design (CK, N1 only in B1; N2, N3 only in B2) fails with fit's reason."""
    df = _network(n_sites=2)
    extra = pd.DataFrame(
        {
            "site": "site09",
            "block": ["B1"] * 3 + ["B2"] * 3,
            "treatment": ["CK", "N1", "CK", "N2", "N3", "N2"],
            "yield_kg_ha": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    # CK twice in B1 and N2 twice in B2: warned as a treatment twice in a block (stop 52)
    with pytest.warns(YieldTrialWarning, match="more than once in one block"):
        res = _analyze(pd.concat([df, extra], ignore_index=True), dunnett_pvalues="none")
    row = res.per_trial.set_index("site").loc["site09"]
    assert row["status"] == "failed" and "disconnected" in row["reason"]
    assert "'N3'" in row["reason"]  # the message of yieldtrial.stats.model.fit names levels
    assert (res.per_trial.status == "ok").sum() == 2


def test_benchmark_sections_run_at_tiny_size(capsys):
    """benchmarks/bench_network.py still runs (tiny sizes) and prints the target ratios."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_network.py"
    spec = importlib.util.spec_from_file_location("bench_network", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.section_balanced(800, 3, 1)  # 2,400 comparisons: "auto" skips the p-values
    bench.section_unbalanced(30, 3, 1)
    text = capsys.readouterr().out
    assert "speed-up vs statsmodels loop" in text and "target >= 1000x" in text
    assert "target <= 3x" in text and "ready-array floor" in text
    assert "target >= 50x" in text


# --------------------------------------------------------------------------- CV flag


def _noisy_network() -> pd.DataFrame:
    """Five sites; site02 gets extra plot noise (SD 2500 on ~6300 kg/ha: CV about 26 %)."""
    df = _network()
    rng = np.random.default_rng(1)
    noisy = df.site == "site02"
    df.loc[noisy, "yield_kg_ha"] += rng.normal(0.0, 2500.0, int(noisy.sum()))
    return df


def test_cv_flag_equals_single_trial_diagnostics():
    """per_trial.cv_flag is the flag FieldTrial-level diagnostics() gives each site alone."""
    import warnings

    from yieldtrial.stats.residual_checks import diagnostics

    df = _noisy_network()
    res = _analyze(df, dunnett_pvalues="none")
    got = res.per_trial.set_index("site")["cv_flag"]
    for site, frame in df.groupby("site"):
        with warnings.catch_warnings():  # the noisy site warns "CV above 15 %" by design
            warnings.simplefilter("ignore")
            alone = diagnostics(frame, response="yield_kg_ha", treatment="treatment", block="block")
        # expected: the single-trial diagnostics of that site (default 10 % / 15 %)
        assert got[site] == alone.cv_flag
    assert got["site02"] == "strong" and (got.drop("site02") == "ok").all()


def test_cv_thresholds_are_configurable():
    """cv_warn_pct / cv_strong_pct move the flags; the defaults are the diagnostics' ones."""
    from yieldtrial.network import CV_STRONG_PCT, CV_WARN_PCT

    # defaults of yieldtrial.stats.residual_checks.diagnostics (10 % and 15 %)
    assert (CV_WARN_PCT, CV_STRONG_PCT) == (10.0, 15.0)
    res = _analyze(_network(), dunnett_pvalues="none", cv_warn_pct=2.2, cv_strong_pct=2.4)
    pt = res.per_trial
    # hand rule: strong if CV > 2.4, warn if 2.2 < CV <= 2.4, else ok
    cv = pt["cv_pct"].to_numpy()
    expected = np.where(cv > 2.4, "strong", np.where(cv > 2.2, "warn", "ok"))
    assert pt["cv_flag"].tolist() == expected.tolist()
    assert set(expected) == {"ok", "warn", "strong"}  # the data exercise every flag


def test_flagged_site_is_included_and_listed_in_notes():
    """By default a high-CV site stays in the summary, flagged in the strip and the notes."""
    res = _analyze(_noisy_network(), dunnett_pvalues="none")
    sites = res.summary.sites.set_index("site")
    assert bool(sites.loc["site02", "included"]) and sites.loc["site02", "cv_flag"] == "strong"
    assert "site02" in res.summary.means.index
    assert any("site02 (CV" in n and "strong" in n for n in res.summary.notes)


def test_excluded_cv_is_shown_above_its_limit():
    """A CV of 6.04 % excluded at 6 % read "excluded: CV 6.0 % > 6 %" (6.0 > 6 is false).

    The limit is set to the noisy site's CV truncated to one decimal, the case where the CV
    rounded to one decimal can equal it; the reason must show a number above the limit.
    """
    import math
    import re

    df = _noisy_network()
    cv = float(_analyze(df, dunnett_pvalues="none").per_trial.set_index("site").cv_pct["site02"])
    limit = math.floor(cv * 10) / 10  # <= cv, equal to cv rounded down to 0.1
    res = _analyze(df, dunnett_pvalues="none", exclude_cv_above=limit)
    reason = res.summary.sites.set_index("site").loc["site02", "reason"]
    shown = re.fullmatch(r"excluded: CV ([\d.]+) % > ([\d.]+) %", reason)
    assert shown is not None, reason
    assert float(shown.group(1)) > float(shown.group(2)) == limit
    assert abs(float(shown.group(1)) - cv) < 0.05  # the CV itself, to the decimals shown
    assert any(f"site02 (CV {shown.group(1)} %)" in n for n in res.summary.notes)


def test_subnormal_cv_limit_is_shown_as_given():
    """exclude_cv_above=1e-320 read "> 9.99989e-321 %" (:g of a subnormal double)."""
    res = _analyze(_network(n_sites=3, n_blocks=2), dunnett_pvalues="none", letters=False,
                   exclude_cv_above=1e-320)  # fmt: skip
    reasons = res.summary.sites["reason"].tolist()
    assert reasons and all(r.startswith("excluded: CV ") and r.endswith(" % > 1e-320 %")
                           for r in reasons), reasons  # fmt: skip
    assert any("excluded for CV above 1e-320 % (exclude_cv_above)" in n for n in res.summary.notes)


def test_exclude_cv_above_leaves_site_out_of_the_summary():
    """exclude_cv_above=15 drops the noisy site: summary equals the network without it."""
    df = _noisy_network()
    res = _analyze(df, dunnett_pvalues="none", exclude_cv_above=15.0)
    pt = res.per_trial.set_index("site")
    assert pt.loc["site02", "status"] == "ok"  # per-trial analysis unchanged
    sites = res.summary.sites.set_index("site")
    assert not bool(sites.loc["site02", "included"])
    assert sites.loc["site02", "reason"].startswith("excluded: CV ")
    assert sites.loc["site02", "reason"].endswith("> 15 %")
    # expected: analysing the four other sites alone gives the same across-site table
    alone = _analyze(df[df.site != "site02"], dunnett_pvalues="none")
    pd.testing.assert_frame_equal(res.summary.treatments, alone.summary.treatments, rtol=1e-12)
    pd.testing.assert_frame_equal(res.summary.anova, alone.summary.anova, rtol=1e-12)
    assert any("excluded for CV above 15 %" in n for n in res.summary.notes)
    assert res.options["exclude_cv_above"] == 15.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cv_warn_pct": 20.0, "cv_strong_pct": 15.0},
        {"cv_warn_pct": 0.0},
        {"exclude_cv_above": -1.0},
        {"exclude_cv_above": "15"},
    ],
)
def test_bad_cv_options_raise(kwargs):
    """Thresholds out of order, non-positive or not numbers are data errors."""
    with pytest.raises(DataValidationError, match="cv_"):
        _analyze(_network(n_sites=2), **kwargs)


def test_report_strip_shows_cv_flag_and_exclusion():
    """The layout-G site strip has a CV flag column and the exclusion reason."""
    from yieldtrial.report.network import render

    res = _analyze(_noisy_network(), dunnett_pvalues="none", exclude_cv_above=15.0)
    md = render(res, "md")
    assert "| CV flag |" in md
    line = next(x for x in md.splitlines() if x.startswith("| site02 |"))
    assert "| strong |" in line and "| no |" in line and "excluded: CV" in line
    assert 'class="excluded"' in render(res, "html")


# --------------------------------------------------------------------------- repr


def test_short_text_repr():
    """NetworkResult / NetworkSummary reprs are one short line with the counts."""
    res = _analyze(_noisy_network(), dunnett_pvalues="none")
    text = repr(res)
    assert len(text) < 300 and "\n" not in text
    assert "trials=5 (ok=5)" in text and "treatments=4" in text and "'CK'" in text
    assert "rcbd" in text and "combined ANOVA" in text
    s = repr(res.summary)
    assert len(s) < 300 and "sites=5 included of 5" in s
    assert "summary=none" in repr(_analyze(_network(n_sites=2), summary=False))
    assert res._repr_html_().startswith("<p><b>Network of 5 trials")


def _ordered_network(randomized: bool) -> pd.DataFrame:
    """Two sites x 3 blocks of CK, NPK, NP, PK; blocks in file order or shuffled (seeded)."""
    rng = np.random.default_rng(7)
    rows = []
    for site in ("s1", "s2"):
        for block in "123":
            labels = ["CK", "NPK", "NP", "PK"]
            for t in rng.permutation(labels) if randomized else labels:
                rows.append((site, block, t, 6000.0 + rng.normal() * 100.0))
    return pd.DataFrame(rows, columns=["site", "block", "treatment", "y"])


@pytest.mark.parametrize(
    ("randomized", "expected"),
    [(False, ["CK", "NPK", "NP", "PK"]), (True, ["CK", "NP", "NPK", "PK"])],
    ids=["file-order", "randomized-natural"],
)
def test_network_treatment_order(randomized, expected):
    """File order when every block lists the treatments alike, else natural sort."""
    res = analyze_many(_ordered_network(randomized), by="site", response="y",
                       treatment="treatment", block="block", control="CK",
                       dunnett_pvalues="none")  # fmt: skip
    assert res.summary.treatments["treatment"].tolist() == expected
    assert res.per_treatment.loc[res.per_treatment.site == "s1", "treatment"].tolist() == expected


@pytest.mark.parametrize("randomized", [False, True], ids=["file-order", "randomized"])
def test_network_treatment_order_lists_given_labels_first(randomized):
    """treatment_order (trial.toml [[treatments]]) first; the rest in the default order."""
    res = analyze_many(_ordered_network(randomized), by="site", response="y",
                       treatment="treatment", block="block", control="CK",
                       dunnett_pvalues="none", treatment_order=["PK", "NP"])  # fmt: skip
    rest = ["CK", "NPK"]  # default order without PK and NP: file order and natural sort agree
    assert res.summary.treatments["treatment"].tolist() == ["PK", "NP", *rest]
    assert res.per_treatment.loc[res.per_treatment.site == "s2", "treatment"].tolist() == [
        "PK",
        "NP",
        *rest,
    ]


def test_network_treatment_order_refuses_an_unknown_label():
    """A [[treatments]] label no trial has is an error naming it (not silently ignored)."""
    with pytest.raises(DataValidationError, match="'PKK'.*not a treatment of any trial"):
        analyze_many(_ordered_network(False), by="site", response="y", treatment="treatment",
                     block="block", treatment_order=["PKK"])  # fmt: skip


@pytest.mark.parametrize("randomized", [False, True], ids=["file-order", "randomized"])
def test_dask_path_keeps_the_treatment_order(randomized):
    """The dask path orders treatments as the pandas path: file order, or natural sort."""
    dd = pytest.importorskip("dask.dataframe")
    import dask

    df = _ordered_network(randomized)
    kw = {"by": "site", "response": "y", "treatment": "treatment", "block": "block",
          "control": "CK", "dunnett_pvalues": "none"}  # fmt: skip
    expected = analyze_many(df, **kw)
    with dask.config.set(scheduler="sync"):
        got = analyze_many(dd.from_pandas(df, npartitions=2), **kw)
    pd.testing.assert_frame_equal(got.per_treatment, expected.per_treatment)
    pd.testing.assert_frame_equal(got.summary.treatments, expected.summary.treatments)


def test_control_of_no_trial_is_an_error():
    """A misspelt control ('ck') is a whole-call error listing the treatments, not 5 failures."""
    with pytest.raises(DataValidationError, match=r"control 'ck' is not a treatment of any trial"):
        _analyze(_network(n_sites=5), control="ck")


def test_numpy_float32_alpha_is_accepted():
    """alpha=np.float32(0.05) is a number in (0, 1), not refused as "not in (0, 1)"."""
    res = _analyze(_network(n_sites=3), alpha=np.float32(0.05), dunnett_pvalues="none")
    assert (res.per_trial["status"] == "ok").all()


def test_summary_has_an_html_table_for_notebooks():
    """NetworkSummary shows its per-treatment table in a notebook (escaped header)."""
    html = _analyze(_network(n_sites=3), dunnett_pvalues="none").summary._repr_html_()
    assert html.startswith("<p><b>Across-site summary</b>") and "<table" in html


def test_summary_tables_carry_the_combined_model_provenance():
    """Every table of the across-site summary has attrs["provenance"] of the combined model."""
    summary = _analyze(_network(n_sites=3), dunnett_pvalues="none").summary
    expected = summary.provenance.to_dict()
    for name in ("means", "treatments", "anova", "sites"):
        assert getattr(summary, name).attrs["provenance"] == expected, name


def test_contrasts_as_a_list_is_a_clear_error():
    """contrasts=[("A", "CK")] names the expected mapping, not list's AttributeError."""
    with pytest.raises(DataValidationError, match=r"contrasts must map each contrast's name"):
        _analyze(_network(n_sites=3), dunnett_pvalues="none", contrasts=[("N1", "CK")])


def test_unknown_treatment_order_label_names_the_argument():
    """The message names treatment_order= (the API argument), not only trial.toml."""
    with pytest.raises(DataValidationError, match=r"treatment_order=.*'PKK'"):
        analyze_many(_ordered_network(False), by="site", response="y", treatment="treatment",
                     block="block", treatment_order=["PKK"])  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"response": "block"}, "'block' is given as both the response and the block"),
        ({"block": "site"}, "'site' is given as both the block and the trial key"),
        ({"by": "block"}, "'block' is given as both the block and the trial key"),
        ({"treatment": "block"}, "'block' is given as both the treatment and the block"),
    ],
)
def test_one_column_in_two_roles_is_refused(kwargs, message):
    """A column in two roles is an error (response=block analysed block numbers: CV 0 %, "ok")."""
    df = _network(n_sites=2, n_blocks=3)
    args = {"by": "site", "response": "yield_kg_ha", "treatment": "treatment", "block": "block"}
    args.update(kwargs)
    with pytest.raises(DataValidationError, match=message):
        analyze_many(df, **args)


def _alpha_network() -> pd.DataFrame:
    """Build the RCBD network with an incomplete_block column at site02 (an alpha field book)."""
    df = _network(n_sites=3)
    df["incomplete_block"] = np.where(df["site"] == "site02", df.index % 2 + 1, np.nan)
    return df


def test_incomplete_blocks_are_named_as_ignored():
    """analyze_many warns that site02's incomplete blocks are ignored (analysed as an RCBD)."""
    from yieldtrial.errors import YieldTrialWarning

    with pytest.warns(YieldTrialWarning, match=r"site 'site02': 1 trial has incomplete blocks"):
        result = _analyze(_alpha_network())
    assert result.per_trial["status"].tolist() == ["ok", "ok", "ok"]


def test_rows_and_columns_within_replicates_are_named_as_ignored():
    """Rows and columns numbered within each replicate (row-column book) warn, naming the site."""
    from yieldtrial.errors import YieldTrialWarning

    df = _network(n_sites=2)
    df["row"] = np.where(df["site"] == "site01", df.index % 2 + 1, df.index // 2 + 1)
    df["column"] = np.where(df["site"] == "site01", df.index % 4 // 2 + 1, 1)
    with pytest.warns(
        YieldTrialWarning, match=r"site 'site01': row and column are numbered within"
    ):
        _analyze(df)


def test_field_positions_of_an_rcbd_do_not_warn():
    """Rows numbered across the field (each position once per trial) are no row-column book."""
    import warnings

    from yieldtrial.errors import YieldTrialWarning

    df = _network(n_sites=2)
    df["row"] = df.groupby("site").cumcount() // 4 + 1
    df["column"] = df.groupby("site").cumcount() % 4 + 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", YieldTrialWarning)
        _analyze(df)


# ------------------------------------------------ the input checks on every accepted input type


def _dask(df: pd.DataFrame) -> object:
    dd = pytest.importorskip("dask.dataframe")  # the `dask` extra
    return dd.from_pandas(df, npartitions=3)


def test_dask_control_of_no_trial_is_the_pandas_error():
    """A misspelt control is refused for a dask DataFrame too (it failed every trial)."""
    with pytest.raises(DataValidationError, match=r"control 'ck' is not a treatment of any trial"):
        _analyze(_dask(_network(n_sites=5)), control="ck")


def test_dask_float_labels_are_read_as_the_pandas_frame_reads_them():
    """Float treatment and block columns in a dask frame: '1.0' is the label '1' (stop 49).

    The layout read the float labels as text (the rule of docs/networks.md), but each
    partition kept its float column, so ``control=1`` failed every trial ("control '1' is
    not among the treatments (1.0, 2.0, 3.0)"). Expected: the pandas frame's tables.
    """
    import dask

    df = _network(n_sites=2)
    codes = {"CK": 1.0, "N1": 2.0, "N2": 3.0, "N3": 4.0}
    df["treatment"] = df["treatment"].map(codes)
    df["block"] = df["block"].str[1:].astype(float)
    with dask.config.set(scheduler="sync"):
        got = _analyze(_dask(df), control=1)
    want = _analyze(df, control=1)
    pd.testing.assert_frame_equal(got.per_treatment, want.per_treatment)
    assert got.per_trial["status"].tolist() == ["ok", "ok"]


def test_dask_incomplete_blocks_are_named_as_ignored():
    """A dask DataFrame of alpha field books warns as the pandas one does."""
    import dask

    from yieldtrial.errors import YieldTrialWarning

    data = _dask(_alpha_network())
    with (
        dask.config.set(scheduler="sync"),
        pytest.warns(YieldTrialWarning, match=r"site 'site02': 1 trial has incomplete blocks"),
    ):
        result = _analyze(data, dunnett_pvalues="none")
    assert result.per_trial["status"].tolist() == ["ok", "ok", "ok"]


def test_dask_rows_and_columns_within_replicates_are_named_as_ignored():
    """Rows and columns numbered within each replicate warn for a dask DataFrame too."""
    import dask

    from yieldtrial.errors import YieldTrialWarning

    df = _network(n_sites=2)
    df["row"] = np.where(df["site"] == "site01", df.index % 2 + 1, df.index // 2 + 1)
    df["column"] = np.where(df["site"] == "site01", df.index % 4 // 2 + 1, 1)
    with (
        dask.config.set(scheduler="sync"),
        pytest.warns(YieldTrialWarning, match=r"site 'site01': row and column are numbered"),
    ):
        _analyze(_dask(df), dunnett_pvalues="none")


def test_other_input_types_are_refused_naming_the_accepted_ones():
    """A dict of columns is neither pandas nor dask: refused, naming both."""
    with pytest.raises(DataValidationError, match="must be a pandas or dask DataFrame; got dict"):
        _analyze(_network(n_sites=2).to_dict("list"))


# ---------------------------------------------------- a site whose plots copy another's


def _with_copy(df: pd.DataFrame, source: str, copy: str) -> pd.DataFrame:
    """Replace site ``copy``'s plots by ``source``'s, blocks renamed and rows shuffled."""
    copied = df[df["site"] == source].assign(site=copy, block=lambda d: "R" + d["block"])
    copied = copied.sample(frac=1.0, random_state=3)
    return pd.concat([df[df["site"] != copy], copied], ignore_index=True)


def test_copied_trials_finds_a_shuffled_copy() -> None:
    """The same (treatment, yield) on every plot, blocks renamed, rows reordered: a copy."""
    from yieldtrial.network import _copied_trials

    df = _with_copy(_network(), "site01", "site03")
    assert _copied_trials(df, ["site"], "yield_kg_ha", "treatment") == [
        ("site01", ["site03"], 16)  # 4 treatments x 4 blocks
    ]


def test_copied_trials_ignores_one_plot_changed() -> None:
    from yieldtrial.network import _copied_trials

    df = _with_copy(_network(), "site01", "site03")
    df.loc[df.index[df["site"] == "site03"][0], "yield_kg_ha"] += 0.1
    assert _copied_trials(df, ["site"], "yield_kg_ha", "treatment") == []


def test_copied_trials_groups_several_copies_of_one_site() -> None:
    from yieldtrial.network import _copied_trials

    df = _with_copy(_with_copy(_network(), "site00", "site02"), "site00", "site04")
    assert _copied_trials(df, ["site"], "yield_kg_ha", "treatment") == [
        ("site00", ["site02", "site04"], 16)
    ]


def test_analyze_many_warns_of_a_copied_site_by_name() -> None:
    from yieldtrial.errors import YieldTrialWarning

    df = _with_copy(_network(), "site01", "site03")
    with pytest.warns(YieldTrialWarning, match="site 'site03' has the same plot data as site "
                      "'site01' \\(treatment and yield_kg_ha of all 16 plots\\)"):  # fmt: skip
        _analyze(df)


def test_analyze_many_without_copies_does_not_warn_of_them() -> None:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _analyze(_network())
    assert not any("the same plot data" in str(w.message) for w in caught)


def test_copied_trials_counts_a_negative_zero_yield_as_zero() -> None:
    """0.0 and -0.0 are one yield (the hash of their bits differed: no copy was found)."""
    from yieldtrial.network import _copied_trials

    df = _network()
    df.loc[df.index[df["site"] == "site01"][0], "yield_kg_ha"] = 0.0
    df = _with_copy(df, "site01", "site03")
    df.loc[(df["site"] == "site03") & (df["yield_kg_ha"] == 0.0), "yield_kg_ha"] = -0.0
    assert np.signbit(df.loc[df["site"] == "site03", "yield_kg_ha"]).sum() == 1
    assert _copied_trials(df, ["site"], "yield_kg_ha", "treatment") == [("site01", ["site03"], 16)]


def test_copied_trials_does_not_count_rounding_noise_as_a_copy() -> None:
    """Decided (stop 35, hostile pass): a copy is equal to the last bit; 1e-12 apart is not."""
    from yieldtrial.network import _copied_trials

    df = _with_copy(_network(), "site01", "site03")
    df.loc[df["site"] == "site03", "yield_kg_ha"] += 1e-12
    assert _copied_trials(df, ["site"], "yield_kg_ha", "treatment") == []


def test_copied_trials_leaves_a_copy_with_one_yield_missing() -> None:
    """A copy whose one plot has no yield has a plot fewer: not reported (decided)."""
    from yieldtrial.network import _copied_trials

    df = _with_copy(_network(), "site01", "site03")
    df.loc[df.index[df["site"] == "site03"][0], "yield_kg_ha"] = np.nan
    assert _copied_trials(df, ["site"], "yield_kg_ha", "treatment") == []


def _copied_sites(sites: int) -> pd.DataFrame:
    """``sites`` sites "S0".. of 12 plots and a copy "C0".. of each."""
    rng = np.random.default_rng(4)
    values = rng.normal(6000, 300, (sites, 12))
    rows = [
        (f"{kind}{i}", "ABCD"[j % 4], y)
        for kind in ("S", "C")
        for i in range(sites)
        for j, y in enumerate(values[i])
    ]
    return pd.DataFrame(rows, columns=["site", "treatment", "y"])


def test_copied_trials_of_1000_sites_are_found() -> None:
    from yieldtrial.network import _copied_trials

    found = _copied_trials(_copied_sites(500), ["site"], "y", "treatment")
    assert len(found) == 500 and found[0] == ("S0", ["C0"], 12)


def test_copied_trials_work_grows_with_the_trials_not_their_pairs() -> None:
    """Python calls for 250, 500, 1,000 trials (half of them copies): linear, not pairwise.

    Counted, not timed (was: 1,000 sites in under 1 s of wall time, which a loaded
    machine can exceed): 9,597, 13,886 and 22,636 calls with pandas 3, about 35 more a
    site pair.  Doubling the sites twice, linear work doubles the growth; comparing every
    pair of trials would quadruple it.
    """
    from yieldtrial.network import _copied_trials

    counts = []
    for n in (125, 250, 500):
        df = _copied_sites(n)
        counts.append(python_calls(lambda: _copied_trials(df, ["site"], "y", "treatment")))  # noqa: B023
    assert counts[2] - counts[1] < 3 * (counts[1] - counts[0])  # 2: linear, 4: pairwise


def _dask_copy_warnings(df: pd.DataFrame) -> list[str]:
    """Analyse ``df`` as a dask frame of 3 partitions (sync); return its copy warnings."""
    import warnings

    import dask

    data = _dask(df)
    with dask.config.set(scheduler="sync"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _analyze(data, dunnett_pvalues="none")
    return [str(w.message) for w in caught if "the same plot data" in str(w.message)]


def test_dask_frame_warns_of_a_copied_site_as_pandas() -> None:
    """A dask frame gets the copy check too, with the pandas path's words (stop 36).

    site03 replaced by site01's plots, blocks renamed and rows shuffled (``_with_copy``);
    the copy (site03) may sit in another partition than its original.
    """
    df = _with_copy(_network(), "site01", "site03")
    assert _dask_copy_warnings(df) == [
        "site 'site03' has the same plot data as site 'site01' (treatment and yield_kg_ha of "
        "all 16 plots): copied data count one trial twice in the summary across sites; check "
        "the data of these trials"
    ]


def test_dask_frame_without_copies_does_not_warn_of_them() -> None:
    """One plot of the copy changed by 0.1 kg/ha: no copy on the dask path either."""
    df = _with_copy(_network(), "site01", "site03")
    df.loc[df.index[df["site"] == "site03"][0], "yield_kg_ha"] += 0.1
    assert _dask_copy_warnings(df) == []
    assert _dask_copy_warnings(_network()) == []


def test_dask_signatures_group_as_the_value_by_value_check() -> None:
    """Partition signatures give the pandas check's sets, first in the given order."""
    from yieldtrial.network import _copied_by_signature, _copied_trials, _partition_signatures

    df = _with_copy(_with_copy(_network(), "site00", "site02"), "site00", "site04")
    signatures = pd.concat(
        [_partition_signatures(df[df["site"] == s], ["site"], "yield_kg_ha", "treatment")
         for s in df["site"].unique()],
        ignore_index=True,
    )  # fmt: skip
    order = sorted(df["site"].unique())
    found = _copied_by_signature(signatures, order)
    assert found == _copied_trials(df, ["site"], "yield_kg_ha", "treatment")
    assert found == [("site00", ["site02", "site04"], 16)]


def test_copied_trials_with_a_missing_treatment_label() -> None:
    """A copy with a plot of no treatment label: found (pandas 3 raised TypeError sorting it)."""
    from yieldtrial.network import _copied_trials

    df = _network()
    df["treatment"] = df["treatment"].astype(object)
    df.loc[df.index[df["site"] == "site01"][0], "treatment"] = None
    df = _with_copy(df, "site01", "site03")
    assert _copied_trials(df, ["site"], "yield_kg_ha", "treatment") == [("site01", ["site03"], 16)]


def _sites_out_of_key_order() -> pd.DataFrame:
    """Sites met as S3, S1, S2 (yields 7000 + 300 per N + 40 per block + 13 per site)."""
    rows = [
        (site, block, treatment, 7000 + 300 * i + 40 * block + 13 * k + 9 * (block == 2) * i)
        for k, site in enumerate(("S3", "S1", "S2"))
        for block in (1, 2, 3)
        for i, treatment in enumerate(("CK", "N"))
    ]
    return pd.DataFrame(rows, columns=["site", "block", "treatment", "y"])


def test_trial_order_is_the_order_of_first_appearance():
    """``trial_order`` lists the sites as the data meets them; per_trial keeps key order."""
    result = analyze_many(
        _sites_out_of_key_order(), by="site", response="y", treatment="treatment",
        block="block", control="CK",
    )  # fmt: skip
    assert result.trial_order == ("S3", "S1", "S2")
    assert result.per_trial["site"].tolist() == ["S1", "S2", "S3"]
    assert result.summary is not None
    assert result.summary.means.index.tolist() == ["S1", "S2", "S3"]


def test_in_given_order_reorders_the_per_site_rows_alike():
    """The report's view: means, letters, sites, per_trial and per_treatment in S3, S1, S2."""
    from yieldtrial.network._summary import in_given_order

    result = analyze_many(
        _sites_out_of_key_order(), by="site", response="y", treatment="treatment",
        block="block", control="CK",
    )  # fmt: skip
    shown = in_given_order(result)
    assert shown.summary is not None
    assert shown.summary.means.index.tolist() == ["S3", "S1", "S2"]
    assert shown.summary.letters.index.tolist() == ["S3", "S1", "S2"]
    assert shown.summary.sites["site"].tolist() == ["S3", "S1", "S2"]
    assert shown.per_trial["site"].tolist() == ["S3", "S1", "S2"]
    assert shown.per_treatment["site"].tolist() == ["S3", "S3", "S1", "S1", "S2", "S2"]
    assert result.per_trial["site"].tolist() == ["S1", "S2", "S3"]  # the result is unchanged


def test_dask_names_the_first_site_in_the_data_as_the_original_as_pandas() -> None:
    """The copy check names as the original the site the data meet first, on both paths.

    site03's rows stand first and site01 is made its copy (``_with_copy``, which appends
    the copy at the end): in key order site01 comes first, in the data site03 does. The
    dask path named site01 (key order) while the pandas path named site03 (stop 37).
    """
    import warnings

    df = _with_copy(_network(), "site03", "site01")
    df = pd.concat([df[df["site"] == "site03"], df[df["site"] != "site03"]], ignore_index=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _analyze(df, dunnett_pvalues="none")
    pandas_words = [str(w.message) for w in caught if "the same plot data" in str(w.message)]
    assert pandas_words == [
        "site 'site01' has the same plot data as site 'site03' (treatment and yield_kg_ha of "
        "all 16 plots): copied data count one trial twice in the summary across sites; check "
        "the data of these trials"
    ]
    assert _dask_copy_warnings(df) == pandas_words


def test_exclude_cv_above_says_when_it_cannot_judge_unreplicated_sites() -> None:
    """60 one-strip farms with exclude_cv_above=15: the option did nothing and said nothing.

    (stop 37 user pass: `yieldtrial network farm-network --exclude-cv-above 15` ran as
    without it.) The summary notes how many included sites have no CV, in both languages.
    """
    from yieldtrial.datasets import example_path
    from yieldtrial.report._network_zh import network_note

    plots = pd.read_csv(example_path("farm-network"))
    res = analyze_many(
        plots, by="site", response="yield_kg_mu", treatment="treatment", control="CK1",
        exclude_cv_above=15.0,
    )  # fmt: skip
    assert res.summary is not None
    (note,) = [n for n in res.summary.notes if "exclude_cv_above" in n]
    assert note == (
        "60 included site(s) have no CV (unreplicated: one plot per treatment), so "
        "exclude_cv_above (15 %) cannot judge them; they stay in."
    )
    assert network_note(note, "zh") == (
        "60 个纳入汇总的试点无变异系数（无重复：每个处理一个小区），变异系数上限（15%）"
        "无法判断，仍纳入汇总。"
    )
    without = analyze_many(
        plots, by="site", response="yield_kg_mu", treatment="treatment", control="CK1"
    )
    assert without.summary is not None
    assert not any("exclude_cv_above" in n and "judge" in n for n in without.summary.notes)


def test_a_design_column_given_twice_is_named() -> None:
    """Two 'site' columns were pandas' "Grouper for 'site' not 1-dimensional" (stop 39)."""
    df = _network(n_sites=3)
    twice = pd.concat([df, df[["site"]]], axis=1)
    with pytest.raises(DataValidationError, match=r"more than once in the data: by\[0\]='site'"):
        _analyze(twice)


def test_a_column_given_twice_that_is_not_used_is_no_error() -> None:
    """Only the columns the analysis reads must be unique; a repeated note column is left."""
    df = _network(n_sites=3).assign(note="")
    twice = pd.concat([df, df[["note"]]], axis=1)
    assert len(_analyze(twice).per_trial) == 3


def test_a_frame_without_rows_says_so_before_the_control() -> None:
    """No rows read "control 'CK' is not a treatment of any trial; treatments present: ."."""
    with pytest.raises(DataValidationError, match="data has no rows; expected one row per plot"):
        _analyze(_network().iloc[:0])


def test_controls_naming_every_treatment_are_refused():
    """Stop 40: without treatment x site variation the run went on, T1 and T2 compared with CK.

    The across-site comparison refused it only when its inference held; now up front.
    """
    rows = [
        {"site": s, "block": b, "treatment": t, "y": 7000 + 100 * i + 50 * b + 300 * s}
        for s in range(3) for b in range(3) for i, t in enumerate(["CK", "T1", "T2"])
    ]  # fmt: skip
    with pytest.raises(DataValidationError, match=r"^nothing to compare: every level of "
                       r"'treatment' is a control \(CK, T1, T2\)"):  # fmt: skip
        analyze_many(pd.DataFrame(rows), by="site", response="y", treatment="treatment",
                     block="block", control=["CK", "T1", "T2"])  # fmt: skip


def _additive_site_off_by(offset_kg_ha: float) -> pd.DataFrame:
    """Return the module's network, site02 exactly additive, then 4 plots moved by +-offset.

    The moves, +d at (B1, CK) and (B2, N1), -d at (B1, N1) and (B2, CK), sum to 0 in every
    block and every treatment, so the additive fit leaves exactly them: SSE = 4 d^2 on
    n = 16 plots, a root mean square residual of d / 2 (hand derivation).
    """
    df = _network()
    site = df["site"] == "site02"
    t_effect = df["treatment"].map(dict(zip(TREATMENTS, [0.0, 400.0, 150.0, -50.0], strict=True)))
    b_effect = df["block"].str[1].astype(float) * 80.0
    df.loc[site, "yield_kg_ha"] = (6300.0 + t_effect + b_effect)[site]
    for block, trt, sign in (("B1", "CK", 1), ("B2", "N1", 1), ("B1", "N1", -1), ("B2", "CK", -1)):
        cell = site & (df["block"] == block) & (df["treatment"] == trt)
        df.loc[cell, "yield_kg_ha"] += sign * offset_kg_ha
    return df


def test_site_exactly_additive_within_1e9_is_refused_as_an_exact_fit() -> None:
    # rms residual 5e-10 kg/ha: above 64 ulps of 7020 (1.0e-10) but far below 1e-6 of the
    # site's SD (197 kg/ha): the one exact-fit rule of every fit (stats._common, stop 40)
    with pytest.warns(YieldTrialWarning, match=r"site 'site02': left out of the summary"):
        res = _analyze(_additive_site_off_by(1e-9))
    row = res.per_trial.set_index("site").loc["site02"]
    assert row["status"] == "failed"
    assert "fits every yield exactly" in row["reason"]


def test_site_off_additive_by_3e6_of_its_sd_is_analysed() -> None:
    df = _additive_site_off_by(0.0)
    sd = float(df.loc[df["site"] == "site02", "yield_kg_ha"].std(ddof=0))
    # d = 6e-6 SD: rms residual d / 2 = 3e-6 of the SD, above EXACT_FIT_RATIO (1e-6)
    res = _analyze(_additive_site_off_by(6e-6 * sd))
    assert res.per_trial.set_index("site").loc["site02", "status"] == "ok"


def test_float16_response_warns_as_read_plots_does():
    """A float16 response (``astype("float16")``) warns with read_plots' float16 message.

    14.35-style digits: 6.35 t/ha is held as 6.3515625 in half precision (its nearest
    float16, a step of 2**-8 between 4 and 8); analyze_many read it silently before.
    """
    df = _network(n_sites=3, n_blocks=2)
    df["yield_kg_ha"] = (df["yield_kg_ha"] / 1000.0).round(2)  # t/ha, two decimals
    df.loc[0, "yield_kg_ha"] = 6.35
    half = df.assign(yield_kg_ha=df["yield_kg_ha"].astype("float16"))
    with pytest.warns(YieldTrialWarning) as caught:
        _analyze(half, dunnett_pvalues="none", letters=False)
    messages = [str(w.message) for w in caught if "float16" in str(w.message)]
    assert messages == [
        "yield_kg_ha is float16 (yield_kg_ha 6.35 is held as 6.3515625), which keeps about 3 "
        "significant digits: the yields and statistics carry that rounding. Read the values "
        "again as float64 from their source (astype('float64') cannot restore the lost digits)"
    ]
    assert [w.filename for w in caught if "float16" in str(w.message)] == [__file__]


def test_label_reading_with_missing_texts_empties_them_among_clean_labels():
    """``missing=`` (the command line's reader texts) empties '-' even when the rest is clean.

    ``yieldtrial network`` and ``analyze_many`` read labels through one function since
    stop 48; the fast path for clean labels must not keep a '-' the command line reads as
    an empty cell.  Without ``missing=`` (a notebook's frame) '-' stays a label.
    """
    from yieldtrial.io.plots import NA_VALUES
    from yieldtrial.network._columns import normalised_labels

    frame = pd.DataFrame(
        {"treatment": ["CK", "-", "N1"], "block": ["B1", "B1", "B1"]}, dtype=object
    )  # as pandas < 3 holds text (the command line's '-' of a file is NaN already)
    read = normalised_labels(frame, ["treatment", "block", "absent"], missing=NA_VALUES)
    assert read["treatment"].isna().tolist() == [False, True, False]
    assert normalised_labels(frame, ["treatment"]) is frame  # clean: not copied
    assert frame["treatment"].tolist() == ["CK", "-", "N1"]  # the caller's frame


def test_float_label_columns_are_read_as_the_plot_table_reader_reads_them():
    """Sites, treatments and blocks held as floats are '1', not '1.0' (stop 48).

    ``FieldTrial`` read ``1.0`` as ``'1'`` (docs/data-format.md), ``analyze_many`` kept
    ``'1.0'``, so ``control=0`` was "not a treatment of any trial".
    """
    data = _network(n_sites=3)
    codes = {"CK": 0.0, "N1": 1.0, "N2": 2.0, "N3": 3.0}
    floats = data.assign(
        site=data["site"].str[-2:].astype(float),
        treatment=data["treatment"].map(codes),
        block=data["block"].str[1:].astype(float),
    )
    result = _analyze(floats, control=0, dunnett_pvalues="none")
    assert result.per_trial["site"].tolist() == ["0", "1", "2"]
    assert sorted(set(result.per_treatment["treatment"])) == ["0", "1", "2", "3"]
    assert floats["site"].dtype == float  # the caller's frame
