"""Unreplicated sites pool as replicates: the sites-as-blocks RCBD and the mixed two-stage model.

Expected values come from independent computations inside each test: the shared single-trial
layer (:func:`yieldtrial.stats.model.fit`, :func:`yieldtrial.stats.compare.compare_to_control`)
run on the stacked table with the site as the block, statsmodels WLS, scipy and hand counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.errors import DataValidationError
from yieldtrial.network._pooled import absorbed_fit

EFFECTS = {"CK1": 0.0, "CK2": -15.0, "T": 10.0}


def _farms(n: int = 30, seed: int = 5, drop: tuple[tuple[int, str], ...] = ()) -> pd.DataFrame:
    """``n`` unreplicated farms x 3 strips; ``drop`` removes (farm, treatment) cells."""
    rng = np.random.default_rng(seed)
    level = rng.normal(0.0, 60.0, n)
    rows = [
        (f"farm{s:03d}", t, 450.0 + level[s] + e + rng.normal(0.0, 12.0))
        for s in range(n)
        for t, e in EFFECTS.items()
        if (s, t) not in drop
    ]
    return pd.DataFrame(rows, columns=["site", "treatment", "yield_kg_mu"])


def _pool(df: pd.DataFrame, **kwargs: object) -> yt.network.NetworkResult:
    opts: dict[str, object] = dict(
        by="site", response="yield_kg_mu", treatment="treatment", control="CK1", design="crd"
    )
    opts.update(kwargs)
    return yt.analyze_many(df, **opts)  # type: ignore[arg-type]


def _close(a: object, b: object, rtol: float = 1e-9) -> None:
    np.testing.assert_allclose(
        np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=1e-10
    )


@pytest.fixture(scope="module")
def farms() -> pd.DataFrame:
    return _farms()


@pytest.fixture(scope="module")
def farms_missing() -> pd.DataFrame:
    # three farms lack a strip (no record): the model handles the missing cells
    return _farms(drop=((2, "T"), (7, "CK2"), (19, "T")))


@pytest.mark.parametrize("which", ["complete", "missing-cells"])
def test_pooled_lsmeans_equal_stats_fit_with_site_as_block(farms, farms_missing, which):
    """Across-site means, SEs and error df equal stats.fit(stacked, block='site') to 1e-9."""
    from yieldtrial.stats.model import fit

    df = farms if which == "complete" else farms_missing
    res = _pool(df)
    assert res.summary.method == "RCBD, sites as blocks"
    # expected: the shared design model on the stacked plots, sites as blocks
    ref = fit(df, response="yield_kg_mu", treatment="treatment", block="site", design="rcbd")
    tr = res.summary.treatments.set_index("treatment").loc[list(ref.levels)]
    _close(tr["across_site_mean"], ref.lsmeans)
    _close(tr["se"], ref.lsmeans_se)
    mm = res.summary.means_model
    _close(mm.cov, ref.lsmeans_cov)
    assert mm.df == ref.df_error
    _close(mm.mse, ref.mse)


@pytest.mark.parametrize("which", ["complete", "missing-cells"])
def test_pooled_dunnett_equals_compare_to_control_with_site_as_block(farms, farms_missing, which):
    """Differences, exact Dunnett p and simultaneous CIs equal compare_to_control (sites=blocks)."""
    from yieldtrial.stats.compare import compare_to_control

    df = farms if which == "complete" else farms_missing
    res = _pool(df)
    ref = compare_to_control(
        df, response="yield_kg_mu", treatment="treatment", block="site", control="CK1"
    ).set_index("treatment")
    tr = res.summary.treatments.set_index("treatment").loc[ref.index]
    _close(tr["difference"], ref["difference_kg_mu"])
    _close(tr["t_value"], ref["statistic"])
    _close(tr["p_dunnett"], ref["p_value_adjusted"])
    _close(tr["ci_low"], ref["ci_low_kg_mu"])
    _close(tr["ci_high"], ref["ci_high_kg_mu"])
    _close(tr["ci_low_pct"], ref["ci_low_pct"])


def test_pooled_anova_equals_stats_anova_with_site_as_block(farms_missing):
    """The combined table (site, treatment, treatment:site) is the type II RCBD ANOVA."""
    from yieldtrial.stats.anova_tables import anova

    res = _pool(farms_missing)
    ref = anova(
        farms_missing, response="yield_kg_mu", treatment="treatment", block="site"
    ).table.set_index("source")
    got = res.summary.anova.set_index("source")
    _close(got.loc["treatment", "sum_sq"], ref.loc["treatment", "sum_sq"])
    _close(got.loc["site", "sum_sq"], ref.loc["site", "sum_sq"])
    _close(got.loc["treatment:site", "sum_sq"], ref.loc["residual", "sum_sq"])
    _close(got.loc["treatment", "p_value"], ref.loc["treatment", "p_value"])
    _close(res.summary.p_treatment, ref.loc["treatment", "p_value"])
    assert res.summary.provenance.error_term == "treatment:site"


def test_pooled_win_counts_equal_hand_count(farms):
    """sites_above / sites_below count farms where the strip beat / lost to CK1."""
    res = _pool(farms)
    wide = farms.pivot(index="site", columns="treatment", values="yield_kg_mu")
    tr = res.summary.treatments.set_index("treatment")
    for t in ("CK2", "T"):
        assert tr.loc[t, "sites_above"] == int((wide[t] > wide["CK1"]).sum())
        assert tr.loc[t, "sites_below"] == int((wide[t] < wide["CK1"]).sum())
        assert tr.loc[t, "sites_compared"] == 30


def test_win_rate_interval_is_wilson(farms):
    """win_rate_ci_*_pct is the Wilson score interval (statsmodels proportion_confint)."""
    from statsmodels.stats.proportion import proportion_confint

    res = _pool(farms)
    tr = res.summary.treatments.set_index("treatment")
    for t in ("CK2", "T"):
        low, high = proportion_confint(
            int(tr.loc[t, "sites_above"]), 30, alpha=0.05, method="wilson"
        )
        _close(tr.loc[t, "win_rate_ci_low_pct"], 100 * low)
        _close(tr.loc[t, "win_rate_ci_high_pct"], 100 * high)


def test_two_thirds_rule_is_na_for_unreplicated_sites(farms):
    """The NY/T 1536-style rule needs replicated sites: NA, and the notes say why."""
    res = _pool(farms)
    tr = res.summary.treatments.set_index("treatment")
    assert tr["meets_two_thirds_rule"].isna().all()
    assert (tr["sites_replicated"] == 0).all()
    assert any("needs replicated sites" in n for n in res.summary.notes)
    assert any("sites as blocks" in n for n in res.summary.notes)


def test_rcbd_single_block_sites_pool_like_crd(farms):
    """design='rcbd' with one block per site gives the same pooled analysis as 'crd'."""
    rcbd = _pool(farms.assign(block="B1"), design="rcbd", block="block")
    crd = _pool(farms)
    pd.testing.assert_frame_equal(rcbd.summary.treatments, crd.summary.treatments, rtol=1e-12)


def test_noninferiority_equals_compare_to_control(farms):
    """margin_pct: the NI verdict and bound equal compare_to_control's on the stacked table."""
    from yieldtrial.stats.compare import compare_to_control

    res = _pool(farms, margin_pct=5.0)
    ref = compare_to_control(
        farms,
        response="yield_kg_mu",
        treatment="treatment",
        block="site",
        control="CK1",
        margin_pct=5.0,
    ).set_index("treatment")
    tr = res.summary.treatments.set_index("treatment").loc[ref.index]
    assert tr["noninferior"].tolist() == ref["noninferior"].tolist()
    _close(tr["noninferiority_ci_low_pct"], ref["noninferiority_ci_low_pct"])


def test_named_contrast_by_hand(farms):
    """A named contrast: estimate, SE from the means model; p from scipy's t."""
    from scipy import stats

    res = _pool(farms, contrasts={"T vs CK2": {"T": 1, "CK2": -1}})
    row = res.summary.contrasts.iloc[0]
    mm = res.summary.means_model
    i, j = mm.levels.index("T"), mm.levels.index("CK2")
    # hand: w'm and sqrt(w'Vw) with w = e_T - e_CK2
    est = mm.estimates[i] - mm.estimates[j]
    se = np.sqrt(mm.cov[i, i] + mm.cov[j, j] - 2 * mm.cov[i, j])
    _close(row["estimate"], est)
    _close(row["se"], se)
    _close(row["p_value"], 2 * stats.t.sf(abs(est / se), mm.df))
    _close(row["ci_low"], est - stats.t.isf(0.025, mm.df) * se)


def test_unknown_contrast_level_raises(farms):
    """A contrast naming an unknown treatment is a DataValidationError naming it."""
    with pytest.raises(DataValidationError, match="'X'"):
        _pool(farms, contrasts={"bad": {"X": 1, "CK1": -1}})


def test_several_controls_give_every_comparison(farms):
    """control=['CK1', 'CK2']: summary.comparisons equals compare_to_control with both."""
    from yieldtrial.stats.compare import compare_to_control

    res = _pool(farms, control=["CK1", "CK2"])
    ref = compare_to_control(
        farms,
        response="yield_kg_mu",
        treatment="treatment",
        block="site",
        control=["CK1", "CK2"],
    )
    got = res.summary.comparisons
    assert got[["treatment", "control"]].values.tolist() == (
        ref[["treatment", "control"]].values.tolist()
    )
    _close(got["p_value_adjusted"], ref["p_value_adjusted"])
    _close(got["ci_low_kg_mu"], ref["ci_low_kg_mu"])
    # the treatments table keeps the family of the first control (every other level)
    assert res.summary.treatments.set_index("treatment")["p_dunnett"].notna().sum() == 2


def _design(t: np.ndarray, s: np.ndarray, k: int, n_sites: int) -> np.ndarray:
    """Intercept + treatment-coded treatment and site columns (first level reference)."""
    x = np.zeros((t.size, 1 + (k - 1) + (n_sites - 1)))
    x[:, 0] = 1.0
    for i in range(1, k):
        x[t == i, i] = 1.0
    for j in range(1, n_sites):
        x[s == j, k - 1 + j] = 1.0
    return x


def _wls_lsmeans(
    y: np.ndarray, t: np.ndarray, s: np.ndarray, w: np.ndarray, k: int, n_sites: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, object]:
    """Statsmodels WLS; LS-means = predictions averaged over every site (L b, L V L')."""
    import statsmodels.api as sm

    res = sm.WLS(y, _design(t, s, k, n_sites), weights=w).fit()
    tg, sg = np.repeat(np.arange(k), n_sites), np.tile(np.arange(n_sites), k)
    xg = _design(tg, sg, k, n_sites)
    lmat = np.vstack([xg[i * n_sites : (i + 1) * n_sites].mean(axis=0) for i in range(k)])
    unit = lmat @ res.normalized_cov_params @ lmat.T
    return lmat @ res.params, unit, lmat @ res.cov_params() @ lmat.T, res


def test_absorbed_fit_weighted_equals_statsmodels_wls():
    """The weighted absorption equals statsmodels WLS (LS-means averaged over sites)."""
    rng = np.random.default_rng(2)
    y = rng.normal(100.0, 8.0, (3, 7))
    y[2, 4] = np.nan
    w = rng.uniform(0.2, 2.0, y.shape)
    fit = absorbed_fit(y, w)
    t, s = np.nonzero(np.isfinite(y))
    est, unit, _, res = _wls_lsmeans(y[t, s], t, s, w[t, s], 3, 7)
    _close(fit.lsmeans, est)
    _close(fit.cov_unit, unit)
    _close(fit.sse, float(np.sum(res.wresid**2)))
    assert fit.df_error == int(res.df_resid)


def _mixed_network() -> pd.DataFrame:
    """Four replicated RCBD sites (3 blocks) and eight unreplicated farms."""
    rng = np.random.default_rng(11)
    rows = []
    for s in range(12):
        level = rng.normal(0.0, 50.0)
        blocks = 3 if s < 4 else 1
        for b in range(blocks):
            for t, e in EFFECTS.items():
                y = 450.0 + level + e + 5.0 * b + rng.normal(0.0, 10.0)
                rows.append((f"s{s:02d}", f"B{b}", t, y))
    return pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_mu"])


def test_mixed_network_weighted_two_stage_equals_independent_wls():
    """Mixed sites: stage 2 equals an independent WLS with weights 1/(var_GE + se^2)."""
    import statsmodels.api as sm

    df = _mixed_network()
    res = _pool(df, design="rcbd", block="block")
    assert res.summary.method == "two-stage (weighted site LS-means)"
    pt = res.per_trial.set_index("site")
    assert set(pt["status"]) == {"ok", "unreplicated"}
    tr = res.per_treatment.merge(res.per_trial[["site", "status"]], on="site")
    # stage 1 variances: se^2 at replicated sites, pooled MSE at unreplicated ones
    ok = pt[pt.status == "ok"]
    pooled = ok["sum_sq_error"].sum() / ok["df_error"].sum()
    v = np.where(tr["status"] == "ok", tr["se"] ** 2, pooled)
    t = pd.factorize(tr["treatment"], sort=True)[0]
    s = pd.factorize(tr["site"], sort=True)[0]
    y = tr["lsmean"].to_numpy()
    plain = sm.OLS(y, _design(t, s, 3, 12)).fit()
    s2ge = max(0.0, plain.mse_resid - v.mean())
    est, _, cov, wls = _wls_lsmeans(y, t, s, 1.0 / (s2ge + v), 3, 12)
    got = res.summary.treatments.set_index("treatment").loc[sorted(EFFECTS)]
    _close(got["across_site_mean"], est)
    _close(got["se"], np.sqrt(np.diag(cov)))
    assert res.summary.means_model.df == wls.df_resid
    assert any("two-stage" in n and "weighted" in n for n in res.summary.notes)


def test_two_thirds_rule_counts_significant_site_gains():
    """Replicated network: significant gains per site (within-site Dunnett) and the 2/3 rule."""
    rng = np.random.default_rng(4)
    rows = []
    for s in range(6):
        for b in range(4):
            for t, e in {"CK": 0.0, "N": 60.0 if s < 4 else 0.0}.items():
                rows.append((f"s{s}", f"B{b}", t, 500.0 + 20 * b + e + rng.normal(0, 5)))
    df = pd.DataFrame(rows, columns=["site", "block", "treatment", "y"])
    res = yt.analyze_many(
        df, by="site", response="y", treatment="treatment", block="block", control="CK"
    )
    n_row = res.per_treatment[res.per_treatment.treatment == "N"]
    # hand: significant (within-site Dunnett) and above CK
    gains = int(((n_row["significant"] == 1.0) & (n_row["difference"] > 0)).sum())
    tr = res.summary.treatments.set_index("treatment")
    assert tr.loc["N", "sites_significant_gain"] == gains >= 4
    assert tr.loc["N", "sites_replicated"] == 6
    assert bool(tr.loc["N", "meets_two_thirds_rule"]) is (3 * gains >= 2 * 6)


def test_margin_out_of_range_raises(farms):
    """margin_pct outside [0, 100) is rejected before any work."""
    with pytest.raises(DataValidationError, match="margin_pct"):
        _pool(farms, margin_pct=120.0)


def test_single_trial_refusal_points_to_the_pooled_analysis(farms):
    """FieldTrial's multi-site refusal names the sites-as-blocks analysis."""
    df = farms.assign(plot_id=[str(i) for i in range(len(farms))])
    trial = yt.FieldTrial.from_dataframe(df, crop="wheat", control="CK1", unit="kg/mu")
    with pytest.raises(DataValidationError, match="sites as the blocks of an RCBD"):
        trial.anova()


def test_benchmark_sections_run_at_tiny_size(capsys):
    """benchmarks/bench_stability.py still runs (tiny sizes, without the slow MixedLM)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_stability.py"
    spec = importlib.util.spec_from_file_location("bench_stability", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.section_farms(60, 20, mixedlm=False)
    bench.section_regional(6, 4, 2, mixedlm=False)
    text = capsys.readouterr().out
    assert "unreplicated farms" in text and "speed-up" in text and "MB" in text


def test_margin_without_control_is_worded_for_the_python_caller(farms):
    """analyze_many says control= (the command line's --control is not an argument here)."""
    with pytest.raises(DataValidationError) as caught:
        _pool(farms, margin_pct=5.0, control=None)
    message = str(caught.value)
    assert message.startswith("analyze_many: a non-inferiority margin (5 %) is set but no control")
    assert "Give control=, or leave the margin out." in message
    assert "--control" not in message
