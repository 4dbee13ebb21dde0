"""Stability and adaptation statistics against independent computations from their formulas.

Every expected value is computed inside the test from the published formula with plain
numpy/scipy (written independently of the module: loops, np.polyfit, statsmodels), or with
statsmodels (OLS ANOVA, MixedLM) called directly.  Published worked examples (agricolae's
vignette) are in test_network_stability_published.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

import yieldtrial as yt
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.network.stability import stability

G, E, R = 8, 6, 3


def _regional(seed: int = 21, reps: int = R) -> pd.DataFrame:
    """Simulate a regional trial: varieties with different slopes and GxE noise, RCBD sites."""
    rng = np.random.default_rng(seed)
    env = rng.normal(0.0, 900.0, E)
    gen = rng.normal(0.0, 250.0, G)
    slope = rng.normal(1.0, 0.2, G)
    ge = rng.normal(0.0, 150.0, (G, E)) * rng.uniform(0.3, 2.0, G)[:, None]
    rows = []
    for j in range(E):
        blocks = rng.normal(0.0, 120.0, reps)
        for b in range(reps):
            for i in range(G):
                y = 7000 + gen[i] + slope[i] * env[j] + ge[i, j] + blocks[b]
                rows.append((f"L{j + 1}", f"R{b + 1}", f"V{i + 1:02d}", y + rng.normal(0, 180)))
    return pd.DataFrame(rows, columns=["site", "rep", "variety", "yield_kg_ha"])


@pytest.fixture(scope="module")
def trial() -> pd.DataFrame:
    return _regional()


@pytest.fixture(scope="module")
def result(trial):
    return stability(
        trial,
        env="site",
        treatment="variety",
        response="yield_kg_ha",
        block="rep",
        control="V01",
        blup="mixedlm",
    )


@pytest.fixture(scope="module")
def means(trial) -> np.ndarray:
    """Treatment x site cell means (balanced RCBD: the LS-means are the plain means)."""
    wide = trial.groupby(["variety", "site"])["yield_kg_ha"].mean().unstack("site")
    return wide.sort_index().to_numpy()


@pytest.fixture(scope="module")
def pooled(trial) -> tuple[float, float]:
    """Pooled within-site RCBD error mean square and df, from statsmodels per site."""
    import statsmodels.formula.api as smf

    ss = df = 0.0
    for _, one in trial.groupby("site"):
        fit = smf.ols("yield_kg_ha ~ C(variety) + C(rep)", data=one).fit()
        ss += fit.ssr
        df += fit.df_resid
    return ss / df, df


def _col(result, name: str) -> np.ndarray:
    return result.table.sort_values("treatment")[name].to_numpy(dtype=float)


def _close(a: object, b: object, rtol: float = 1e-9) -> None:
    np.testing.assert_allclose(
        np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=1e-9
    )


def test_means_table_equals_cell_means(result, means):
    """The analysed table is the treatment x site table of means."""
    _close(result.means.sort_index().to_numpy(), means)
    assert result.replicates == R


def test_pooled_error_equals_per_site_ols(result, pooled):
    """MS_e and df: sum of the per-site RCBD residual SS / df (statsmodels OLS per site)."""
    _close(result.error_mean_square, pooled[0])
    assert result.error_df == pooled[1]


def test_finlay_wilkinson_slope_equals_polyfit(result, means):
    """b_i: slope of the treatment's means on the environmental index (np.polyfit)."""
    index = means.mean(axis=0) - means.mean()
    expected = [np.polyfit(index, row, 1)[0] for row in means]
    _close(_col(result, "b"), expected)


def test_finlay_wilkinson_slope_se_and_test(result, means):
    """b_se from the treatment's own regression residuals; t test of b = 1 on e - 2 df."""
    index = means.mean(axis=0) - means.mean()
    se, p = [], []
    for row in means:
        lr = sps.linregress(index, row)  # independent OLS
        se.append(lr.stderr)
        p.append(2 * sps.t.sf(abs((lr.slope - 1) / lr.stderr), E - 2))
    _close(_col(result, "b_se"), se)
    _close(_col(result, "b_p_value"), p)


def test_eberhart_russell_s2d(result, means, pooled):
    """S2d_i = sum(delta^2)/(e - 2) - MS_e/r, F = [sum(delta^2)/(e - 2)]/(MS_e/r)."""
    mse, df_e = pooled
    index = means.mean(axis=0) - means.mean()
    s2d, p = [], []
    for row in means:
        slope, intercept = np.polyfit(index, row, 1)
        delta = row - (intercept + slope * index)
        ms_dev = float(np.sum(delta**2)) / (E - 2)
        s2d.append(ms_dev - mse / R)
        p.append(sps.f.sf(ms_dev / (mse / R), E - 2, df_e))
    _close(_col(result, "s2d"), s2d)
    _close(_col(result, "s2d_p_value"), p)


def _interaction(means: np.ndarray) -> np.ndarray:
    """ge_ij by explicit loops: y_ij - row mean - column mean + grand mean."""
    out = np.empty_like(means)
    grand = means.mean()
    for i in range(means.shape[0]):
        for j in range(means.shape[1]):
            out[i, j] = means[i, j] - means[i].mean() - means[:, j].mean() + grand
    return out


def test_wricke_ecovalence(result, means):
    """W2_i = sum_j ge_ij^2 (Wricke 1962), and its share of the total in %."""
    ge = _interaction(means)
    w = [sum(ge[i, j] ** 2 for j in range(E)) for i in range(G)]
    _close(_col(result, "wricke_w2"), w)
    _close(_col(result, "wricke_w2_pct"), 100 * np.array(w) / sum(w))


def test_shukla_stability_variance_and_f(result, means, pooled):
    """sigma2_i = [g(g-1) W_i - sum W] / ((g-1)(g-2)(e-1)) (Shukla 1972); F on (e-1, df_e)."""
    mse, df_e = pooled
    ge = _interaction(means)
    w = (ge**2).sum(axis=1)
    sigma2 = (G * (G - 1) * w - w.sum()) / ((G - 1) * (G - 2) * (E - 1))
    _close(_col(result, "shukla_sigma2"), sigma2)
    _close(_col(result, "shukla_p_value"), sps.f.sf(sigma2 / (mse / R), E - 1, df_e))


def test_shukla_equals_variance_definition(result, means):
    """The mean of the sigma2_i is the interaction mean square.

    Hand algebra: sum_i [g(g-1) W_i - sum W] = g (g-2) sum W, so
    mean_i sigma2_i = sum W / ((g-1)(e-1)) = MS(treatment x environment) of the means.
    """
    ge = _interaction(means)
    _close(_col(result, "shukla_sigma2").mean(), (ge**2).sum() / ((G - 1) * (E - 1)))


def test_ammi_anova_equals_statsmodels(result, trial):
    """Environment, block(environment), treatment, interaction and error SS = OLS ANOVA."""
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    ols = smf.ols(
        "yield_kg_ha ~ C(site) + C(site):C(rep) + C(variety) + C(variety):C(site)", data=trial
    ).fit()
    ref = anova_lm(ols)
    got = result.ammi.anova.set_index("source")
    _close(got.loc["environment", "sum_sq"], ref.loc["C(site)", "sum_sq"])
    _close(got.loc["block(environment)", "sum_sq"], ref.loc["C(site):C(rep)", "sum_sq"])
    _close(got.loc["treatment", "sum_sq"], ref.loc["C(variety)", "sum_sq"])
    _close(got.loc["treatment:environment", "sum_sq"], ref.loc["C(variety):C(site)", "sum_sq"])
    _close(got.loc["error", "sum_sq"], ref.loc["Residual", "sum_sq"])
    _close(got.loc["treatment", "p_value"], ref.loc["C(variety)", "PR(>F)"])
    # environment tested against block(environment), as agricolae's and metan's AMMI
    ms = ref["sum_sq"] / ref["df"]
    _close(got.loc["environment", "f"], ms["C(site)"] / ms["C(site):C(rep)"])


def test_ammi_ipca_sums_of_squares_and_gollob_df(result, means, pooled):
    """SS(IPCA_m) = r * lambda_m^2 of the interaction matrix; Gollob df = g + e - 1 - 2m."""
    mse, df_e = pooled
    lam = np.linalg.svd(_interaction(means), compute_uv=False)
    anova = result.ammi.anova.set_index("source")
    for m in range(1, min(G, E)):
        row = anova.loc[f"IPCA{m}"]
        df = G + E - 1 - 2 * m
        assert row["df"] == df
        _close(row["sum_sq"], R * lam[m - 1] ** 2)
        _close(row["p_value"], sps.f.sf(R * lam[m - 1] ** 2 / df / mse, df, df_e))
    # all axes listed: nothing is left in the residual
    assert anova.loc["residual", "df"] == 0
    _close(sum(anova.loc[f"IPCA{m}", "sum_sq"] for m in range(1, E)), R * (lam**2).sum())


def test_ammi_scores_reconstruct_the_interaction(result, means):
    """sum_m (u_im lambda^1/2)(v_jm lambda^1/2) = ge_ij; ASV from the two first axes."""
    names = [f"IPCA{m}" for m in range(1, E)]
    t = result.ammi.treatment_scores.sort_values("treatment")[names].to_numpy()
    e = (
        result.ammi.environment_scores.set_index("environment")
        .loc[list(result.means.columns), names]
        .to_numpy()
    )
    _close(t @ e.T, _interaction(means), rtol=1e-7)
    lam = np.linalg.svd(_interaction(means), compute_uv=False)
    # Purchase et al. (2000): ASV = sqrt((SS1/SS2 * IPCA1)^2 + IPCA2^2)
    asv = np.sqrt((lam[0] ** 2 / lam[1] ** 2 * t[:, 0]) ** 2 + t[:, 1] ** 2)
    _close(_col(result, "asv"), asv)


def test_gge_singular_values_of_environment_centred_table(result, means):
    """GGE singular values: SVD of y_ij - environment mean (np.linalg.svd)."""
    centred = means - means.mean(axis=0)
    _close(result.gge.singular_values, np.linalg.svd(centred, compute_uv=False))
    lam = np.linalg.svd(centred, compute_uv=False)
    _close(result.gge.pct_explained, 100 * lam**2 / (lam**2).sum())


@pytest.mark.parametrize(("svp", "power"), [("symmetric", 0.5), ("row", 1.0), ("column", 0.0)])
def test_gge_partitioning_reconstructs_the_table(trial, means, svp, power):
    """Treatment scores x environment scores (all PCs) = the centred table; scores U S^f."""
    res = stability(
        trial, env="site", treatment="variety", response="yield_kg_ha", block="rep",
        gge_svp=svp, blup=None,
    )  # fmt: skip
    pcs = [c for c in res.gge.treatment_scores.columns if c.startswith("PC")]
    t = res.gge.treatment_scores.sort_values("treatment")[pcs].to_numpy()
    e = res.gge.environment_scores[pcs].to_numpy()
    _close(t @ e.T, means - means.mean(axis=0), rtol=1e-7)
    u, s, _ = np.linalg.svd(means - means.mean(axis=0), full_matrices=False)
    # up to the sign of each axis
    _close(np.abs(t), np.abs(u * s**power), rtol=1e-7)


def test_gge_sd_scaling(trial, means):
    """gge_scaling='sd' divides each environment by its standard deviation before the SVD."""
    res = stability(
        trial, env="site", treatment="variety", response="yield_kg_ha", block="rep",
        gge_scaling="sd", blup=None,
    )  # fmt: skip
    scaled = (means - means.mean(axis=0)) / means.std(axis=0, ddof=1)
    _close(res.gge.singular_values, np.linalg.svd(scaled, compute_uv=False))


def test_which_won_where_winner_is_best_in_the_two_pc_plane(result):
    """Each environment's winner maximises g_i . e_j (PC1, PC2) and is a polygon vertex."""
    t = result.gge.treatment_scores.set_index("treatment")[["PC1", "PC2"]]
    e = result.gge.environment_scores.set_index("environment")[["PC1", "PC2"]]
    pred = t.to_numpy() @ e.to_numpy().T
    expected = [t.index[k] for k in pred.argmax(axis=0)]
    www = result.gge.which_won_where.set_index("environment").loc[e.index]
    assert www["winner"].tolist() == expected
    assert set(www["winner"]) <= set(result.gge.polygon)
    from scipy.spatial import ConvexHull

    hull = ConvexHull(t.to_numpy())
    assert sorted(result.gge.polygon) == sorted(t.index[hull.vertices])


def test_gge_mean_vs_stability_axes(result):
    """Projection on the average environment axis and distance from it (Yan 2001)."""
    t = result.gge.treatment_scores.set_index("treatment")[["PC1", "PC2"]].to_numpy()
    e = result.gge.environment_scores[["PC1", "PC2"]].to_numpy()
    a = e.mean(axis=0) / np.linalg.norm(e.mean(axis=0))
    ms = result.gge.mean_stability
    _close(ms["mean_axis"], t @ a)
    _close(ms["stability_axis"], np.linalg.norm(t - np.outer(t @ a, a), axis=1))


def test_hsc_formula(result, means):
    """HSC_i = (mean_i - S_i) / (1.10 * mean_CK) * 100 (温振民 & 张永科 1994)."""
    mean = means.mean(axis=1)
    sd = means.std(axis=1, ddof=1)
    ck = mean[0]  # V01 is the check (sorted first)
    _close(_col(result, "hsc"), (mean - sd) / (1.10 * ck) * 100)
    _close(_col(result, "pct_of_control"), 100 * mean / ck)


def test_annicchiarico_index(result, means):
    """I_i = mean of 100 y_ij / env mean - z_(0.75) * its SD (Annicchiarico 1992)."""
    rel = 100 * means / means.mean(axis=0)
    z = sps.norm.ppf(0.75)
    _close(_col(result, "relative_mean_pct"), rel.mean(axis=1))
    _close(_col(result, "annicchiarico_index"), rel.mean(axis=1) - z * rel.std(axis=1, ddof=1))


def test_blups_and_variance_components_equal_mixedlm(result, means):
    """BLUPs and variance components equal statsmodels MixedLM fitted directly."""
    import statsmodels.formula.api as smf

    d = pd.DataFrame(
        [(f"g{i}", f"e{j}", means[i, j]) for i in range(G) for j in range(E)],
        columns=["g", "e", "y"],
    ).assign(one=1)
    fit = smf.mixedlm(
        "y ~ 1", d, groups="one", vc_formula={"g": "0 + C(g)", "e": "0 + C(e)"}, re_formula="0"
    ).fit(reml=True)
    vc = dict(zip(fit.model.exog_vc.names, fit.vcomp, strict=True))
    comps = result.blup.variance_components.set_index("component")["variance"]
    _close(comps["treatment"], vc["g"], rtol=1e-6)
    _close(comps["environment"], vc["e"], rtol=1e-6)
    _close(comps["residual"], fit.scale, rtol=1e-6)
    re = fit.random_effects[1]
    blup = fit.fe_params.iloc[0] + np.array([re[f"g[C(g)[g{i}]]"] for i in range(G)])
    _close(result.blup.table.sort_values("treatment")["blup"], blup, rtol=1e-6)
    h2 = vc["g"] / (vc["g"] + fit.scale / E)
    _close(result.blup.repeatability, h2, rtol=1e-6)


def test_closed_form_blups_equal_mixedlm(trial):
    """The closed-form REML of the balanced table equals MixedLM (to its tolerance)."""
    kw = dict(env="site", treatment="variety", response="yield_kg_ha", block="rep")
    a = stability(trial, blup="closed_form", **kw).blup
    b = stability(trial, blup="mixedlm", **kw).blup
    _close(a.variance_components["variance"], b.variance_components["variance"], rtol=1e-4)
    _close(a.table["blup"], b.table["blup"], rtol=1e-6)
    assert a.method.startswith("closed-form") and b.method.startswith("statsmodels")


def test_closed_form_boundary_pools_the_treatment_stratum():
    """No treatment differences: REML sets var(treatment) = 0 and pools its mean square."""
    rng = np.random.default_rng(0)
    y = rng.normal(0, 1, (5, 6)) + np.arange(6)[None, :] * 3.0
    y -= y.mean(axis=1, keepdims=True)  # treatment means all equal
    rows = [(f"e{j}", f"g{i}", y[i, j]) for i in range(5) for j in range(6)]
    res = stability(
        pd.DataFrame(rows, columns=["env", "g", "y"]),
        env="env", treatment="g", response="y", blup="closed_form",
    )  # fmt: skip
    comps = res.blup.variance_components.set_index("component")["variance"]
    ge = _interaction(y)
    # hand: pooled residual = (SS_G + SS_R) / (df_G + df_R) with SS_G = 0
    assert comps["treatment"] == 0.0
    _close(comps["residual"], (ge**2).sum() / (4 + 4 * 5))
    assert any("boundary" in n for n in res.notes)


def test_unreplicated_table_has_no_error_tests():
    """One plot per cell: no pooled error; S2d has no test, IPCAs test against later axes."""
    df = _regional(reps=1)
    res = stability(df, env="site", treatment="variety", response="yield_kg_ha", blup=None)
    assert np.isnan(res.error_mean_square)
    assert res.table["s2d_p_value"].isna().all() and res.table["shukla_p_value"].isna().all()
    anova = res.ammi.anova.set_index("source")
    assert "error" not in anova.index
    ss = [anova.loc[f"IPCA{m}", "sum_sq"] for m in range(1, E)]
    df_ = [anova.loc[f"IPCA{m}", "df"] for m in range(1, E)]
    # hand: F(IPCA1) = MS1 / (sum of later SS / sum of later df)
    _close(anova.loc["IPCA1", "f"], (ss[0] / df_[0]) / (sum(ss[1:]) / sum(df_[1:])))
    assert np.isnan(anova.loc[f"IPCA{E - 1}", "p_value"])


def _means_with_supplied_error(means, pooled):
    """stability() of the table of means, the pooled error supplied (agricolae's MSerror)."""
    mse, df_e = pooled
    rows = [(f"L{j + 1}", f"V{i + 1:02d}", means[i, j]) for i in range(G) for j in range(E)]
    df = pd.DataFrame(rows, columns=["site", "variety", "y"])
    return stability(
        df, env="site", treatment="variety", response="y", blup=None,
        error_mean_square=mse, error_df=df_e, replicates=R,
    )  # fmt: skip


def test_supplied_error_enables_tests_on_a_table_of_means(means, pooled):
    """error_mean_square / error_df / replicates (as agricolae's MSerror, rep) give the tests."""
    res = _means_with_supplied_error(means, pooled)
    mse, df_e = pooled
    ge = _interaction(means)
    w = (ge**2).sum(axis=1)
    sigma2 = (G * (G - 1) * w - w.sum()) / ((G - 1) * (G - 2) * (E - 1))
    _close(_col(res, "shukla_p_value"), sps.f.sf(sigma2 / (mse / R), E - 1, df_e))


def test_missing_cell_raises_naming_it(trial):
    """A variety absent from a site: the error names the cell."""
    df = trial[~((trial.variety == "V03") & (trial.site == "L2"))]
    with pytest.raises(DataValidationError, match="V03 at L2"):
        stability(df, env="site", treatment="variety", response="yield_kg_ha", block="rep")


def test_too_few_environments_raise(trial):
    """Fewer than three environments is a data error."""
    df = trial[trial.site.isin(["L1", "L2"])]
    with pytest.raises(DataValidationError, match="3 environments"):
        stability(df, env="site", treatment="variety", response="yield_kg_ha", block="rep")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"gge_svp": "genotype"}, "gge_svp"),
        ({"blup": "reml"}, "blup"),
        ({"control": "V99"}, "control"),
        ({"n_axes": 9}, "n_axes"),
        ({"error_mean_square": 2.0}, "together"),
        ({"alpha": 1.5}, "alpha"),
    ],
)
def test_bad_options_raise(trial, kwargs, match):
    """Options are validated with messages naming them."""
    with pytest.raises(DataValidationError, match=match):
        stability(
            trial, env="site", treatment="variety", response="yield_kg_ha", block="rep", **kwargs
        )


def test_exported_lazily_from_the_package(result):
    """yt.stability is the module's function; the result is JSON-ready."""
    import json

    assert yt.stability is stability
    text = json.dumps(result.to_dict())
    assert "NaN" not in text and '"ammi"' in text
    assert "StabilityResult(treatments=8" in repr(result)


def test_figures_draw(result):
    """The four figures draw on Agg and return their Axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for method in ("plot_ammi1", "plot_gge", "plot_adaptation", "plot_heatmap"):
        ax = getattr(result, method)()
        assert ax.has_data(), method
        plt.close(ax.figure)
    ax = result.plot_gge()
    # the polygon is drawn as a closed line through its vertices
    assert any(len(line.get_xdata()) == len(result.gge.polygon) + 1 for line in ax.get_lines())
    plt.close(ax.figure)


def test_gge_scores_are_in_the_json_and_rebuild_the_centred_table(result, trial):
    """GGE scores in the JSON: their product is the environment-centred table of means.

    Independent path: the treatment x site means of the raw plots (pandas pivot), each
    site's mean subtracted (Yan et al. 2000, GGE = G + GE); all axes are kept, so the
    scores rebuild it exactly.
    """
    import json

    gge = json.loads(json.dumps(result.to_dict()))["gge"]
    t = pd.DataFrame(gge["treatment_scores"]).set_index("treatment")
    e = pd.DataFrame(gge["environment_scores"]).set_index("environment")
    assert list(t.columns) == list(e.columns) and t.columns[0] == "PC1"
    means = trial.pivot_table(index="variety", columns="site", values="yield_kg_ha", aggfunc="mean")
    centred = means - means.mean(axis=0)
    rebuilt = t.to_numpy() @ e.to_numpy().T
    np.testing.assert_allclose(
        rebuilt, centred.loc[t.index, e.index].to_numpy(), rtol=1e-9, atol=1e-6
    )


def test_supplied_error_replaces_the_no_pooled_error_note(means, pooled):
    """A table of means with the error supplied: the 'no pooled error' note would contradict it."""
    res = _means_with_supplied_error(means, pooled)
    assert not any(n.startswith("no environment is replicated") for n in res.notes)
    assert any(n.startswith("pooled error supplied by the caller") for n in res.notes)


def test_network_stability_states_the_sites_pooled_error(trial, pooled):
    """From analyze_many: the error is the replicated sites' own, said so, not 'the caller's'."""
    from yieldtrial.network.stability import network_stability

    net = yt.analyze_many(
        trial, by="site", response="yield_kg_ha", treatment="variety", block="rep", control="V01"
    )
    res, note = network_stability(net, blup=None)
    mse, df_e = pooled  # statsmodels OLS per site, pooled by df (fixture)
    _close([res.error_mean_square, res.error_df, res.replicates], [mse, df_e, R])
    assert note is None
    assert not any("no environment is replicated" in n or "caller" in n for n in res.notes)
    assert f"pooled error of the {E} replicated site(s) (their within-site analyses)" in (
        " ".join(res.notes)
    )


def _flat_treatment_table(seed: int = 6) -> pd.DataFrame:
    """7 varieties x 15 sites x 2 reps, variety effects ~0: MixedLM stops short on it."""
    rng = np.random.default_rng(seed)
    g, e = rng.integers(3, 12), rng.integers(4, 25)
    env = rng.normal(0, 800, e)
    gen = rng.normal(0, rng.choice([0, 30, 300]), g)
    rows = [
        (f"E{j}", f"G{i}", str(b), 7000 + env[j] + gen[i] + rng.normal(0, 200) + rng.normal(0, 300))
        for j in range(e)
        for i in range(g)
        for b in range(2)
    ]
    return pd.DataFrame(rows, columns=["env", "g", "rep", "y"])


def _dense_reml(y: np.ndarray, s2g: float, s2e: float, s2: float) -> float:
    """REML log-likelihood (up to a constant) from V = s2g ZgZg' + s2e ZeZe' + s2 I, dense."""
    g, e = y.shape
    zg = np.kron(np.eye(g), np.ones((e, 1)))
    ze = np.kron(np.ones((g, 1)), np.eye(e))
    v = s2g * zg @ zg.T + s2e * ze @ ze.T + s2 * np.eye(g * e)
    x = np.ones((g * e, 1))
    vi = np.linalg.inv(v)
    beta = np.linalg.solve(x.T @ vi @ x, x.T @ vi @ y.ravel())
    r = y.ravel() - x @ beta
    return float(-0.5 * (np.linalg.slogdet(v)[1] + np.linalg.slogdet(x.T @ vi @ x)[1] + r @ vi @ r))


def test_strata_reml_loglik_equals_the_dense_likelihood():
    """_reml_loglik (three strata) differs from the dense REML only by a constant."""
    from yieldtrial.network.stability import _reml_loglik

    res = stability(_flat_treatment_table(), env="env", treatment="g", response="y", blup=None)
    y = res.means.to_numpy(dtype=float)
    a, b = (263.08, 1004915.3, 80085.0), (0.0, 918419.0, 81292.2)
    _close(_reml_loglik(y, *a) - _reml_loglik(y, *b), _dense_reml(y, *a) - _dense_reml(y, *b))


def test_auto_blups_take_the_closed_form_when_mixedlm_stops_short():
    """When MixedLM stops short of the REML optimum, blup='auto' uses the closed form.

    statsmodels stopped at a treatment variance of 263 (|grad| 2.15); the closed form's 0 has
    the higher REML likelihood (dense computation above).
    """
    data = _flat_treatment_table()
    auto = stability(data, env="env", treatment="g", response="y", block="rep", blup="auto")
    forced = stability(data, env="env", treatment="g", response="y", block="rep", blup="mixedlm")
    closed = stability(data, env="env", treatment="g", response="y", block="rep",
                       blup="closed_form")  # fmt: skip
    y = auto.means.to_numpy(dtype=float)

    def comps(res):
        vc = res.blup.variance_components.set_index("component")["variance"]
        return [vc["treatment"], vc["environment"], vc["residual"]]

    assert _dense_reml(y, *comps(closed)) > _dense_reml(y, *comps(forced)) + 1e-3
    _close(comps(auto), comps(closed))
    assert auto.blup.method == closed.blup.method
    assert any(n.startswith("MixedLM stopped short of the REML optimum") for n in auto.notes)
    assert not any("Retrying" in n or "failed to converge" in n for n in auto.notes)
    # forced MixedLM keeps its estimates and says it stopped short
    assert any("blup='closed_form'" in n for n in forced.notes)


def test_sites_with_equal_means_give_a_note_not_numpy_warnings():
    """Equal site means (no environmental index): 0/0 slopes warned twice; now a note."""
    import warnings

    from yieldtrial.network import analyze_many
    from yieldtrial.network.stability import network_stability

    rows = [(f"S{j}", t, 100.0 + (3.0 if t == "T" else -3.0) * (-1) ** j) for j in range(4)
            for t in ("CK", "T")]  # fmt: skip
    df = pd.DataFrame(rows, columns=["site", "treatment", "y"])
    net = analyze_many(df, by="site", response="y", treatment="treatment", control="CK",
                       design="crd")  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stab, note = network_stability(net, blup=None)
    assert stab is None
    assert note == (
        "the 4 sites have the same mean yield, so there is no environmental gradient to "
        "regress on: stability not computed."
    )


def test_a_network_result_is_refused_with_the_way_on(trial):
    """``stability(analyze_many(...))``: the error says to pass the plots, or the helper.

    Was "data must be a pandas or dask DataFrame; got NetworkResult" (no way on).
    """
    net = yt.analyze_many(trial, by="site", response="yield_kg_ha", treatment="variety",
                          block="rep")  # fmt: skip
    with pytest.raises(DataValidationError, match=r"plot table.*network_stability\(result\)"):
        yt.stability(net, env="site", treatment="variety", response="yield_kg_ha", block="rep")


def test_network_stability_plots_per_cell_has_three_significant_digits(trial):
    """Unequal plots per cell: the note showed '2.76923 plots per cell'; now 3 digits.

    Expected value: 47 cells of 3 plots and one of 2 (one plot dropped), harmonic mean
    48 / (47/3 + 1/2) = 2.96907... shown as "2.97".
    """
    from yieldtrial.network.stability import network_stability

    net = yt.analyze_many(
        trial.drop(index=trial.index[0]),
        by="site",
        response="yield_kg_ha",
        treatment="variety",
        block="rep",
        control="V01",
    )
    res, _ = network_stability(net, blup=None)
    assert 48 / (47 / 3 + 1 / 2) == pytest.approx(res.replicates)
    own = [n for n in res.notes if n.startswith("pooled error of the")]
    assert own and "df, 2.97 plots per cell (harmonic mean)." in own[0], own


def _two_identical_sites() -> pd.DataFrame:
    """Sites A and B hold the same plots (copied data), C others: 3 varieties, 2 reps."""
    base = {"V1": 6000.0, "V2": 6300.0, "V3": 6150.0}
    rows = []
    for site, shift in (("A", 0.0), ("B", 0.0), ("C", 400.0)):
        for rep, noise in ((1, 40.0), (2, -40.0)):
            for k, (variety, value) in enumerate(base.items()):
                bump = 150.0 * k if site == "C" else 0.0  # an interaction at C only
                rows.append((site, rep, variety, value + shift + bump + noise * (k - 1)))
    return pd.DataFrame(rows, columns=["site", "rep", "variety", "yield_kg_ha"])


def test_identical_sites_give_no_asv_and_no_b_test():
    """Two sites with identical means: no ASV of 1e29, no P = 1e-13 for b (user pass, stop 34).

    The site x variety interaction then has one dimension (the second singular value is
    float noise, so SS1/SS2 came out about 1e30), and with two of three site indices equal
    each variety's regression passes exactly through its points (deviation MS 1e-20).
    """
    with pytest.warns(YieldTrialWarning, match="the same plot data as site"):  # a copy: said
        res = stability(
            _two_identical_sites(), env="site", treatment="variety", response="yield_kg_ha",
            block="rep", blup=None,
        )  # fmt: skip
    table = res.table
    assert table["asv"].isna().all()
    assert table["b_se"].isna().all() and table["b_p_value"].isna().all()
    assert table["b"].notna().all()  # the slope itself is fine
    assert any("ASV) not computed" in note for note in res.notes)
    assert any("fits V1, V2, V3 exactly" in note for note in res.notes)


def test_to_frame_returns_a_copy_of_each_table(result):
    """StabilityResult.to_frame() as the other results' (stop 37 user pass: AttributeError)."""
    frame = result.to_frame()
    pd.testing.assert_frame_equal(frame, result.table)
    frame.loc[:, "mean"] = 0.0  # a copy: the result keeps its table
    assert not (result.table["mean"] == 0.0).all()
    pd.testing.assert_frame_equal(result.to_frame("means"), result.means)
    pd.testing.assert_frame_equal(result.to_frame("environments"), result.environments)
    with pytest.raises(DataValidationError, match="unknown stability table 'ammi'"):
        result.to_frame("ammi")


def test_ammi_of_a_zero_interaction_has_no_axes():
    """Stop 40: an exactly additive table of means made the IPCA shares 0/0 (a NumPy warning).

    4 varieties x 3 sites x 2 reps, y = variety + site + rep effects + the same within-site
    pattern at each site: every interaction residual of the means is 0.
    """
    rows = [
        {"site": s, "rep": r, "variety": f"V{v}",
         "y": 5000 + 200 * v + 700 * s + 30 * r + 11 * ((v * r) % 3)}
        for s in range(3) for r in range(2) for v in range(4)
    ]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = stability(pd.DataFrame(rows), env="site", treatment="variety", response="y",
                        block="rep", blup=None)  # fmt: skip
    axes = res.ammi.anova[res.ammi.anova["source"].str.startswith("IPCA")]
    assert len(axes) == 2
    assert axes[["f", "p_value", "pct_of_interaction"]].isna().all().all()
    assert (res.ammi.singular_values == 0).all()
    assert (res.ammi.treatment_scores[["IPCA1", "IPCA2"]] == 0).all().all()
    assert any(n.startswith("AMMI: the treatment x site interaction is zero") for n in res.notes)


def _additive_means_off_by(offset: float) -> pd.DataFrame:
    """3 sites x 4 varieties x 2 reps, additive means, then an interaction of size ``offset``.

    The within-site pattern 11 x ((v r) mod 3) (the same at each site, so the sites are no
    exact fits) averages to a variety effect.

    +d at (site 0, V1) and (site 1, V2), -d at (site 0, V2) and (site 1, V1), in both reps:
    the table of means has the interaction d x [[1, -1, 0], [-1, 1, 0], 0, 0], rank 1, its
    one singular value 2 d (hand derivation); AMMI calls it zero when 2 d is at most the
    exact-fit limit x sqrt(12 cells), i.e. d <= 1.73 x limit.
    """
    bump = {(0, 1): 1, (1, 2): 1, (0, 2): -1, (1, 1): -1}
    rows = [
        {"site": s, "rep": r, "variety": f"V{v}",
         "y": 5000 + 200 * v + 700 * s + 30 * r + 11 * ((v * r) % 3)
              + offset * bump.get((s, v), 0)}
        for s in range(3) for r in range(2) for v in range(1, 5)
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _zero_interaction_note(data: pd.DataFrame) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        res = stability(data, env="site", treatment="variety", response="y", block="rep",
                        blup=None)  # fmt: skip
    return any(n.startswith("AMMI: the treatment x site interaction is zero") for n in res.notes)


def test_ammi_interaction_of_1e9_is_an_exact_fit():
    """The one exact-fit rule (stats._common.exact_fit_limit, stop 40), not rounding alone.

    d = 1e-9 is above 64 ulps of the largest mean (about 1e-10) but far below 1e-6 of the SD
    of the means (613).
    """
    assert _zero_interaction_note(_additive_means_off_by(1e-9))


def test_ammi_interaction_of_3e6_of_the_sd_is_kept():
    data = _additive_means_off_by(0.0)
    sd = float(data.groupby(["site", "variety"])["y"].mean().std(ddof=0))
    # d = 3e-6 SD: above 1.73 x EXACT_FIT_RATIO x SD
    assert not _zero_interaction_note(_additive_means_off_by(3e-6 * sd))


def test_missing_columns_say_what_to_pass(trial):
    """``stability(plots)`` was Python's "missing 3 required keyword-only arguments"."""
    from yieldtrial.errors import WrongTypeError

    pattern = r"stability\(\) needs env=, treatment= and response= beside the plot table"
    with pytest.raises(WrongTypeError, match=pattern):
        yt.stability(trial)
    with pytest.raises(WrongTypeError, match=r"needs response= beside"):
        yt.stability(trial, env="site", treatment="variety")
