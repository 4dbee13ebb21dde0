"""Tests of treatment-vs-control and pairwise comparisons (yieldtrial.stats.compare)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from yieldtrial.errors import DataValidationError
from yieldtrial.stats.compare import (
    compare_means_to_control,
    compare_to_control,
    pairwise,
    pairwise_means,
    treatment_f_test,
    unit_suffix,
)
from yieldtrial.stats.results import MeansModel

# 4 treatments x 4 blocks, block effects ~8 units apart, plot error sd ~0.6 (synthetic:
# 50 + treatment effect (0, 1.5, 2.5, 0.5) + block effect (0, 8, 16, 24) + N(0, 0.6),
# numpy default_rng(2024), rounded to 0.01).
STRONG_BLOCKS = {
    "T0": [50.62, 57.16, 67.09, 73.34],
    "T1": [52.49, 59.54, 67.95, 76.39],
    "T2": [53.19, 61.02, 68.88, 76.53],
    "T3": [49.92, 58.81, 66.06, 74.99],
}


def strong_block_frame(offset: float = 0.0, *, grid: bool = False) -> pd.DataFrame:
    """Build the strong-block RCBD; ``grid`` rounds to multiples of 1/64, exact even near 1e12."""
    rows = [
        (t, f"B{j}", (round(y * 64) / 64 if grid else y) + offset)
        for t, ys in STRONG_BLOCKS.items()
        for j, y in enumerate(ys)
    ]
    return pd.DataFrame(rows, columns=["treatment", "block", "y"])


def hand_mm(
    estimates: list[float],
    var: float | list[float],
    *,
    df: float = 12.0,
    mse: float = 4.0,
    levels: tuple[str, ...] | None = None,
    n: int = 4,
    response: str = "yield_kg_ha",
) -> MeansModel:
    """MeansModel built by hand with independent LS-means (balanced: cov = MSE / r I)."""
    k = len(estimates)
    return MeansModel(
        factor="treatment",
        levels=levels or tuple(f"L{i}" for i in range(k)),
        estimates=np.asarray(estimates, dtype=float),
        cov=np.diag(np.broadcast_to(np.asarray(var, dtype=float), (k,))).copy(),
        df=df,
        n=np.full(k, n),
        mse=mse,
        error_term="residual",
        design="rcbd",
        formula=f"{response} ~ treatment + block",
        response=response,
    )


def nested_dunnett_p(t: float, lam: np.ndarray, df: float) -> float:
    """Independent two-sided Dunnett p: nested quad of Dunnett (1955) eq. 3 (no shared code)."""
    root = np.sqrt(1.0 - lam**2)
    chi = stats.chi(df, scale=1.0 / np.sqrt(df))

    def inner(s: float) -> float:
        def f(y: float) -> float:
            inside = special.ndtr((t * s - lam * y) / root) - special.ndtr(
                (-t * s - lam * y) / root
            )
            return float(np.prod(inside)) * math.exp(-0.5 * y * y) / math.sqrt(2 * math.pi)

        return integrate.quad(f, -10, 10, epsabs=1e-11, limit=100)[0]

    return 1.0 - integrate.quad(lambda s: inner(s) * chi.pdf(s), 0, np.inf, epsabs=1e-10)[0]


# ----------------------------------------------------------------------------- vs control


def test_unit_suffix_naming():
    """Unit suffix follows the response name; unknown units give plain names."""
    assert unit_suffix("yield_kg_ha") == "_kg_ha"
    assert unit_suffix("yield_t_ha") == "_t_ha"
    assert unit_suffix("y") == ""


def test_compare_columns_carry_unit_suffix():
    """Columns in the response unit are suffixed (_kg_ha); attrs carry provenance."""
    out = compare_means_to_control(hand_mm([100.0, 110.0], 2.0), control="L0")
    for col in ("mean_treatment_kg_ha", "mean_control_kg_ha", "difference_kg_ha",
                "ci_low_kg_ha", "ci_high_kg_ha", "difference_pct", "ci_low_pct"):  # fmt: skip
        assert col in out.columns
    prov = out.attrs["provenance"]
    assert prov["df_error"] == 12.0 and prov["error_term"] == "residual"
    assert prov["test"].startswith("dunnett") and prov["alpha"] == 0.05
    assert out.attrs["unit"] == "kg_ha"


def test_compare_difference_and_percent_of_control():
    """The difference is T - C, difference_pct = 100 (T - C) / C; CI pct = CI / C."""
    out = compare_means_to_control(hand_mm([200.0, 230.0, 190.0], 9.0), control="L0")
    # hand: 230 - 200 = 30 -> 15 %; 190 - 200 = -10 -> -5 %
    np.testing.assert_allclose(out["difference_kg_ha"], [30.0, -10.0])
    np.testing.assert_allclose(out["difference_pct"], [15.0, -5.0])
    np.testing.assert_allclose(out["ci_low_pct"], 100 * out["ci_low_kg_ha"] / 200.0)


def test_compare_se_and_statistic_from_covariance():
    """SE = sqrt(v_T + v_C) for independent LS-means, t = diff / SE, df = error df."""
    out = compare_means_to_control(hand_mm([10.0, 13.0], [1.0, 3.0], df=7.0), control="L0")
    # hand: sqrt(1 + 3) = 2, t = 3 / 2
    assert out["se_kg_ha"].iloc[0] == pytest.approx(2.0)
    assert out["statistic"].iloc[0] == pytest.approx(1.5)
    assert out["df"].iloc[0] == 7.0
    # unadjusted two-sided t p-value (scipy.stats.t)
    assert out["p_value"].iloc[0] == pytest.approx(2 * stats.t.sf(1.5, 7), abs=1e-12)


def test_compare_dunnett_matches_independent_quadrature():
    """Balanced Dunnett p-values equal a nested-quad evaluation (lam = sqrt(1/2)) to 1e-6."""
    out = compare_means_to_control(hand_mm([10.0, 12.5, 14.0, 10.5], 0.5, df=12), control="L0")
    lam = np.full(3, np.sqrt(0.5))
    t, p = out["statistic"].iloc[0], out["p_value_adjusted"].iloc[0]
    assert abs(p - nested_dunnett_p(abs(t), lam, 12)) < 1e-6


def test_compare_one_sided_greater():
    """One-sided 'greater': infinite upper limit, smaller p for a positive difference."""
    mm = hand_mm([10.0, 12.0, 11.0], 0.5)
    two = compare_means_to_control(mm, control="L0")
    one = compare_means_to_control(mm, control="L0", alternative="greater")
    assert np.isinf(one["ci_high_kg_ha"]).all()
    assert (one["p_value_adjusted"] < two["p_value_adjusted"]).all()
    assert (one["ci_low_kg_ha"] > two["ci_low_kg_ha"]).all()


@pytest.mark.parametrize("method", ["t", "bonferroni", "holm"])
def test_compare_simple_adjustments(method):
    """t: none; Bonferroni: min(1, m p); Holm: step-down, between t and Bonferroni."""
    out = compare_means_to_control(hand_mm([10.0, 12.0, 13.0, 10.2], 0.5), control="L0",
                                   method=method)  # fmt: skip
    p, adj = out["p_value"].to_numpy(), out["p_value_adjusted"].to_numpy()
    if method == "t":
        np.testing.assert_allclose(adj, p)
    elif method == "bonferroni":
        np.testing.assert_allclose(adj, np.minimum(1, 3 * p))
    else:
        # hand: Holm multiplies the ordered p-values by 3, 2, 1 and keeps them monotone
        order = np.argsort(p)
        expected = np.maximum.accumulate(np.minimum(1, p[order] * [3, 2, 1]))
        np.testing.assert_allclose(adj[order], expected)


def test_compare_several_controls_adjust_within_family():
    """Each control's family (all non-controls vs it) is adjusted separately."""
    mm = hand_mm([10.0, 11.0, 12.5, 13.0], 0.5, levels=("CK1", "CK2", "A", "B"))
    both = compare_means_to_control(mm, control=["CK1", "CK2"])
    assert list(zip(both["control"], both["treatment"], strict=True)) == [
        ("CK1", "A"), ("CK1", "B"), ("CK2", "A"), ("CK2", "B")]  # fmt: skip
    # the CK1 family excludes CK2: compare with a table where CK2 is dropped
    mm3 = hand_mm([10.0, 12.5, 13.0], 0.5, levels=("CK1", "A", "B"))
    alone = compare_means_to_control(mm3, control="CK1")
    np.testing.assert_allclose(both["p_value_adjusted"].iloc[:2], alone["p_value_adjusted"],
                               atol=1e-9)  # fmt: skip


def test_compare_noninferiority_statistic():
    """NI statistic = (diff + m/100 C) / sqrt(v_T + (1 - m/100)^2 v_C) (hand derivation)."""
    mm = hand_mm([100.0, 97.0], [1.0, 1.0], df=20)
    out = compare_means_to_control(mm, control="L0", method="t", margin_pct=10.0)
    # hand: (-3 + 10) / sqrt(1 + 0.81) = 7 / 1.345362...
    assert out["noninferiority_statistic"].iloc[0] == pytest.approx(7 / math.sqrt(1.81))
    assert bool(out["noninferior"].iloc[0]) is True
    assert bool(out["superior"].iloc[0]) is False


def test_compare_noninferiority_fails_with_large_margin_violation():
    """A treatment 15 % below control is not non-inferior at a 10 % margin."""
    out = compare_means_to_control(hand_mm([100.0, 85.0], 1.0), control="L0", margin_pct=10.0)
    assert bool(out["noninferior"].iloc[0]) is False


def test_compare_without_margin_has_na_noninferior():
    """Without margin_pct the noninferior column is NA but superior is computed."""
    out = compare_means_to_control(hand_mm([100.0, 120.0], 1.0), control="L0")
    assert out["noninferior"].isna().all()
    assert bool(out["superior"].iloc[0]) is True


def test_compare_unreplicated_gives_no_pvalues():
    """Error df 0 (one plot per treatment): descriptive only, inference says why."""
    mm = MeansModel("treatment", ("CK1", "CK2", "T1"), np.array([6600.0, 6400.0, 7200.0]),
                    np.full((3, 3), np.nan), 0.0, np.array([1, 1, 1]), float("nan"),
                    "residual", "crd", "yield_kg_ha ~ treatment", "yield_kg_ha")  # fmt: skip
    out = compare_means_to_control(mm, control="CK1")
    assert out["p_value"].isna().all() and out["p_value_adjusted"].isna().all()
    assert out["ci_low_kg_ha"].isna().all()
    # hand: (7200 - 6600) / 6600 = 9.0909 %
    assert out["difference_pct"].iloc[1] == pytest.approx(100 * 600 / 6600)
    assert out["inference"].iloc[0].startswith("unreplicated")
    assert "replicates" in out["inference"].iloc[0]


def test_compare_zero_error_variance_gives_no_pvalues():
    """MSE = 0: no statistic is defined; p-values NaN and inference names the reason."""
    mm = hand_mm([1.0, 2.0], 0.0, mse=0.0)
    out = compare_means_to_control(mm, control="L0")
    assert out["p_value_adjusted"].isna().all()
    assert "zero" in out["inference"].iloc[0]


def test_compare_unknown_control_raises():
    """An unknown control is a DataValidationError listing the levels."""
    with pytest.raises(DataValidationError, match="control 'XX' is not a level"):
        compare_means_to_control(hand_mm([1.0, 2.0], 1.0), control="XX")


def test_compare_bad_method_raises():
    """An unknown method is a DataValidationError naming the choices."""
    with pytest.raises(DataValidationError, match="method"):
        compare_means_to_control(hand_mm([1.0, 2.0], 1.0), control="L0", method="scheffe")


def test_strong_blocks_match_statsmodels_and_exact_dunnett():
    """4x4 RCBD: difference, SE, df equal statsmodels OLS; Dunnett p equals nested quad."""
    import statsmodels.formula.api as smf

    df = strong_block_frame()
    out = compare_to_control(df, response="y", treatment="treatment", block="block",
                             control="T0")  # fmt: skip
    res = smf.ols("y ~ C(treatment) + C(block)", data=df).fit()
    for _, row in out.iterrows():
        name = f"C(treatment)[T.{row['treatment']}]"
        assert row["difference"] == pytest.approx(res.params[name], abs=1e-9)
        assert row["se"] == pytest.approx(res.bse[name], abs=1e-9)
        assert row["df"] == res.df_resid == 9
    lam = np.full(3, np.sqrt(0.5))  # balanced: corr(T_i - C, T_j - C) = 1/2
    t, p = out["statistic"].iloc[0], out["p_value_adjusted"].iloc[0]
    assert abs(p - nested_dunnett_p(abs(t), lam, 9)) < 1e-6
    assert out["p_value_adjusted"].min() < 0.001


def test_strong_blocks_one_way_dunnett_finds_nothing():
    """The one-way scipy.stats.dunnett (block variance in the error) misses the effects."""
    groups = [np.array(v) for v in STRONG_BLOCKS.values()]
    # the seed keyword is rng since SciPy 1.15, random_state before (SciPy 1.11 is supported)
    seed = "rng" if "rng" in inspect.signature(stats.dunnett).parameters else "random_state"
    one_way = stats.dunnett(*groups[1:], control=groups[0], **{seed: np.random.default_rng(0)})
    assert (one_way.pvalue > 0.5).all()


def test_missing_plot_rcbd_matches_statsmodels():
    """With a missing plot, contrasts and SEs equal statsmodels OLS on the observed plots."""
    import statsmodels.formula.api as smf

    df = strong_block_frame()
    df.loc[(df["treatment"] == "T0") & (df["block"] == "B2"), "y"] = np.nan
    out = compare_to_control(df, response="y", treatment="treatment", block="block",
                             control="T0")  # fmt: skip
    res = smf.ols("y ~ C(treatment) + C(block)", data=df.dropna()).fit()
    for _, row in out.iterrows():
        name = f"C(treatment)[T.{row['treatment']}]"
        assert row["difference"] == pytest.approx(res.params[name], abs=1e-9)
        assert row["se"] == pytest.approx(res.bse[name], abs=1e-9)
    assert (out["df"] == 8).all()
    assert out["n_control"].iloc[0] == 3


def test_compare_invariant_to_offset_and_relabelling():
    """Adding 1e12 to the response and renaming levels leaves every statistic unchanged."""
    base = compare_to_control(strong_block_frame(grid=True), response="y",
                              treatment="treatment", block="block", control="T0")  # fmt: skip
    shifted = strong_block_frame(1e12, grid=True)
    shifted["treatment"] = shifted["treatment"].map({"T0": "Z", "T1": "c", "T2": "b", "T3": "a"})
    other = compare_to_control(shifted, response="y", treatment="treatment", block="block",
                               control="Z")  # fmt: skip
    # the data are exact binary fractions, so only the algorithm's rounding remains
    np.testing.assert_allclose(other["difference"], base["difference"], atol=1e-6)
    np.testing.assert_allclose(other["se"], base["se"], rtol=1e-6)
    np.testing.assert_allclose(other["p_value_adjusted"], base["p_value_adjusted"], atol=1e-7)


def test_compare_unreplicated_data_never_raises():
    """Founding-trial layout (one plot per treatment): table with no p-values, no exception."""
    df = pd.DataFrame({"treatment": ["CK1", "CK2", "T1", "T2"],
                       "yield_kg_ha": [6630.0, 6420.0, 7240.0, 6960.0]})  # fmt: skip
    out = compare_to_control(df, response="yield_kg_ha", treatment="treatment",
                             control=["CK1", "CK2"], design="crd")  # fmt: skip
    assert len(out) == 4
    assert out["p_value_adjusted"].isna().all()
    assert out["inference"].str.startswith("unreplicated").all()


# ----------------------------------------------------------------------------- pairwise


def test_pairwise_tukey_kramer_unbalanced():
    """Tukey-Kramer p = P(Q >= |d| / sqrt(var(d) / 2)) with unequal variances."""
    mm = hand_mm([10.0, 12.0, 15.0], [0.5, 1.0, 2.0], df=10)
    out = pairwise_means(mm)
    d, v = 12.0 - 10.0, 0.5 + 1.0
    # independent: scipy.stats.studentized_range with k = 3, df = 10
    expected = stats.studentized_range.sf(abs(d) / math.sqrt(v / 2), 3, 10)
    assert out["p_value_adjusted"].iloc[0] == pytest.approx(expected, abs=1e-10)
    assert out["difference_kg_ha"].iloc[0] == pytest.approx(-2.0)


def test_pairwise_lsd_gate_blocks_rejections():
    """Protected LSD: when the F test is not significant, nothing is declared different."""
    mm = hand_mm([10.0, 10.2, 13.5, 10.1, 10.3, 10.0], 1.0, df=10)
    f, _, p_f = treatment_f_test(mm)
    assert p_f > 0.05
    gated = pairwise_means(mm, method="lsd")
    assert gated.attrs["gate_passed"] is False
    assert not gated["reject"].any()
    free = pairwise_means(mm, method="lsd", protected=False)
    assert free["reject"].any()
    assert "not passed" in gated.attrs["provenance"]["test"]


def test_pairwise_lsd_without_an_f_test_says_so(monkeypatch):
    """Protected LSD when no F test exists (a Kenward-Roger df that is not positive).

    Nothing is declared different and the provenance says why instead of "p = nan".
    """
    import yieldtrial.stats.compare as compare

    monkeypatch.setattr(compare, "_treatment_f", lambda mm: (np.nan, np.nan, np.nan, np.nan))
    mm = hand_mm([10.0, 14.0, 18.0], 1.0, df=10)  # differences of 4 and 8 SEs
    gated = pairwise_means(mm, method="lsd")
    assert not gated["reject"].any()
    test = gated.attrs["provenance"]["test"]
    assert "no treatment F test available" in test
    assert "nan" not in test


def test_treatment_f_test_matches_statsmodels_anova():
    """Wald F of the LS-means equals the treatment F of statsmodels anova_lm (RCBD)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    from yieldtrial.stats.model import fit

    df = strong_block_frame()
    mm = fit(df, response="y", treatment="treatment", block="block").means_model()
    f, df1, p = treatment_f_test(mm)
    table = sm.stats.anova_lm(smf.ols("y ~ C(treatment) + C(block)", data=df).fit(), typ=2)
    assert f == pytest.approx(table.loc["C(treatment)", "F"], rel=1e-9)
    assert p == pytest.approx(table.loc["C(treatment)", "PR(>F)"], rel=1e-7)


def test_pairwise_data_level_matches_statsmodels_contrasts():
    """Pairwise differences and SEs in an RCBD with a missing plot equal OLS contrasts."""
    import statsmodels.formula.api as smf

    df = strong_block_frame()
    df.loc[5, "y"] = np.nan
    out = pairwise(df, response="y", treatment="treatment", block="block", method="bonferroni")
    res = smf.ols("y ~ C(treatment) + C(block)", data=df.dropna()).fit()
    row = out[(out["group1"] == "T1") & (out["group2"] == "T2")].iloc[0]
    test = res.t_test("C(treatment)[T.T1] - C(treatment)[T.T2] = 0")
    assert row["difference"] == pytest.approx(float(test.effect[0]), abs=1e-9)
    assert row["se"] == pytest.approx(float(test.sd[0, 0]), abs=1e-9)
    assert row["df"] == res.df_resid


def test_pairwise_unreplicated_has_no_pvalues():
    """No error variance: p-values NaN, reject NA, inference explains."""
    mm = MeansModel("treatment", ("A", "B"), np.array([1.0, 2.0]), np.full((2, 2), np.nan),
                    0.0, np.array([1, 1]), float("nan"), "residual", "crd", "y ~ treatment",
                    "y")  # fmt: skip
    out = pairwise_means(mm)
    assert out["p_value_adjusted"].isna().all() and out["reject"].isna().all()
    assert out["inference"].iloc[0].startswith("unreplicated")


def test_pairwise_provenance():
    """The pairwise table records test, alpha, error term and df."""
    out = pairwise_means(hand_mm([1.0, 2.0, 3.0], 0.1), alpha=0.1)
    prov = out.attrs["provenance"]
    assert prov["test"] == "Tukey-Kramer" and prov["alpha"] == 0.1
    assert prov["error_term"] == "residual" and prov["df_error"] == 12.0


def test_missing_plots_general_correlation_uses_stated_qmc():
    """Two missing plots in different treatments and blocks break the product form: seeded QMC.

    The adjusted p-values lie between the unadjusted and the Bonferroni ones, and the
    accuracy of the multivariate-t probabilities is stated in attrs.
    """
    rng = np.random.default_rng(5)
    rows = [(f"T{i}", f"B{j}", 100 + 3 * i + 10 * j + rng.normal(0, 2))
            for i in range(5) for j in range(4)]  # fmt: skip
    df = pd.DataFrame(rows, columns=["treatment", "block", "y"])
    df.loc[[5, 10], "y"] = np.nan  # T1 in B1, T2 in B2
    out = compare_to_control(df, response="y", treatment="treatment", block="block",
                             control="T0")  # fmt: skip
    assert out.attrs["accuracy"].startswith("quasi-Monte Carlo")
    p, adj = out["p_value"].to_numpy(), out["p_value_adjusted"].to_numpy()
    assert np.all(adj >= p - 1e-4) and np.all(adj <= np.minimum(1, 4 * p) + 1e-4)
    again = compare_to_control(df, response="y", treatment="treatment", block="block",
                               control="T0")  # fmt: skip
    np.testing.assert_array_equal(again["p_value_adjusted"], adj)  # seeded: deterministic


def test_pairwise_invariant_to_offset_and_relabelling():
    """Adding 1e12 and renaming levels leaves Tukey differences, SEs and p-values unchanged."""
    base = pairwise(strong_block_frame(grid=True), response="y", treatment="treatment",
                    block="block")  # fmt: skip
    shifted = strong_block_frame(1e12, grid=True)
    names = {"T0": "Z", "T1": "c", "T2": "b", "T3": "a"}
    shifted["treatment"] = shifted["treatment"].map(names)
    other = pairwise(shifted, response="y", treatment="treatment", block="block")
    np.testing.assert_array_equal(other["group1"], base["group1"].map(names))
    np.testing.assert_allclose(other["difference"], base["difference"], atol=1e-6)
    np.testing.assert_allclose(other["se"], base["se"], rtol=1e-6)
    np.testing.assert_allclose(other["p_value_adjusted"], base["p_value_adjusted"], atol=1e-9)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_unbalanced_rcbd_contrasts_match_statsmodels(seed):
    """Random RCBD, 3 missing plots, 1 duplicated cell: contrasts and SEs equal statsmodels OLS."""
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(seed)
    rows = [(f"T{i}", f"B{j}") for i in range(5) for j in range(4)]
    df = pd.DataFrame(rows + [("T2", "B1")], columns=["treatment", "block"])
    df["y"] = 6000 + rng.normal(0, 300, len(df)) + df["block"].str[1:].astype(int) * 400.0
    df.loc[rng.choice(len(df), 3, replace=False), "y"] = np.nan
    out = pairwise(df, response="y", treatment="treatment", block="block", method="holm")
    res = smf.ols("y ~ C(treatment) + C(block)", data=df.dropna()).fit()
    for _, row in out.iterrows():
        terms = [f"C(treatment)[T.{g}]" for g in (row["group1"], row["group2"])]
        expr = " - ".join(t for t in terms if not t.endswith("[T.T0]"))
        if row["group2"] != "T0" and row["group1"] == "T0":
            expr = f"-{terms[1]}"
        test = res.t_test(f"{expr} = 0")
        assert row["difference"] == pytest.approx(float(test.effect[0]), abs=1e-8)
        assert row["se"] == pytest.approx(float(test.sd[0, 0]), rel=1e-9)
        assert row["df"] == res.df_resid


def test_latin_square_contrasts_match_statsmodels():
    """Latin square: differences, SEs and df equal OLS ``y ~ C(treatment) + C(row) + C(col)``."""
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(7)
    rows = [(f"T{(r + c) % 4}", f"R{r}", f"C{c}") for r in range(4) for c in range(4)]
    df = pd.DataFrame(rows, columns=["treatment", "row", "column"])
    df["y"] = 50 + rng.normal(0, 1, 16) + df["row"].str[1:].astype(int) * 5.0
    out = compare_to_control(df, response="y", treatment="treatment", control="T0",
                             design="latin", row="row", column="column")  # fmt: skip
    res = smf.ols("y ~ C(treatment) + C(row) + C(column)", data=df).fit()
    for _, r in out.iterrows():
        name = f"C(treatment)[T.{r['treatment']}]"
        assert r["difference"] == pytest.approx(res.params[name], abs=1e-9)
        assert r["se"] == pytest.approx(res.bse[name], rel=1e-9)
    assert (out["df"] == res.df_resid).all() and res.df_resid == 6


# ----------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize("method", ["dunnett", "t", "bonferroni", "holm"])
def test_superior_never_contradicts_the_interval(method):
    """Two-sided tables: a lower limit above 0 always means superior (and vice versa here)."""
    # se = sqrt(0.5 + 0.5) = 1, so t = d; the sweep 2.0..3.4 crosses the two-sided Dunnett
    # value for 3 comparisons on 9 df (2.8116, test_strong_blocks_...) and the larger
    # one-sided value at alpha / 2 that the old rule used
    for d in np.linspace(2.0, 3.4, 29):
        out = compare_means_to_control(hand_mm([10.0, 10.0 + d, 10.5, 9.8], 0.5, df=9),
                                       control="L0", method=method)  # fmt: skip
        row = out.iloc[0]
        by_test = bool(row["p_value_adjusted"] < 0.05 and row["difference_kg_ha"] > 0)
        assert bool(row["superior"]) == (by_test or bool(row["ci_low_kg_ha"] > 0))
        if row["ci_low_kg_ha"] > 0:
            assert bool(row["superior"]) is True
        if method != "holm":  # single-step: superior <=> interval above 0
            assert bool(row["superior"]) == bool(row["ci_low_kg_ha"] > 0)


def test_noninferior_with_zero_margin_equals_superior():
    """margin_pct = 0 makes the NI contrast the difference: the verdicts coincide."""
    for d in (0.5, 2.6, 2.75, 4.0):
        out = compare_means_to_control(hand_mm([10.0, 10.0 + d, 11.0], 0.5, df=9),
                                       control="L0", margin_pct=0.0)  # fmt: skip
        assert out["noninferior"].tolist() == out["superior"].tolist()
        np.testing.assert_allclose(out["noninferiority_statistic"], out["statistic"])


def test_superior_two_sided_is_directional_decision_of_the_interval():
    """Two-sided Dunnett: superior is True exactly between the two-sided and one-sided values.

    The old rule (one-sided test at alpha/2) said False for t between c2 (two-sided
    critical value) and c1 (one-sided at alpha/2), while the interval excluded 0.
    """
    from yieldtrial.stats.distributions import dunnett_critical_value

    corr = np.full((3, 3), 0.5)
    np.fill_diagonal(corr, 1.0)
    c2, _ = dunnett_critical_value(corr, 9)
    c1, _ = dunnett_critical_value(corr, 9, alternative="greater", confidence=0.975)
    assert c2 < c1  # P(max|T| > c) <= 2 P(max T > c), so the two-sided value is smaller
    t = (c1 + c2) / 2  # an effect in the gap
    out = compare_means_to_control(hand_mm([0.0, t, 0.0, 0.0], 0.5, df=9), control="L0")
    assert out["ci_low_kg_ha"].iloc[0] > 0
    assert bool(out["superior"].iloc[0]) is True


def test_compare_table_shows_error_term_and_df_columns():
    """The test's df and error term are visible columns, not only attrs."""
    out = compare_means_to_control(hand_mm([1.0, 2.0], 1.0), control="L0")
    assert out["error_term"].tolist() == ["residual"] and out["df"].tolist() == [12.0]
    pw = pairwise_means(hand_mm([1.0, 2.0, 3.0], 1.0), alpha=0.1)
    assert set(pw["error_term"]) == {"residual"} and set(pw["alpha"]) == {0.1}


def test_unreplicated_attrs_state_replicates_needed():
    """Table attrs carry the inference status and the replicates a proper trial would need."""
    from yieldtrial.stats.power import replicates_needed

    mm = MeansModel("treatment", ("CK", "T1", "T2"), np.array([6600.0, 7200.0, 6900.0]),
                    np.full((3, 3), np.nan), 0.0, np.array([1, 1, 1]), float("nan"),
                    "residual", "crd", "yield_kg_ha ~ treatment", "yield_kg_ha")  # fmt: skip
    out = compare_means_to_control(mm, control="CK")
    # independent: the documented defaults (CV 8 %, 10 % difference, Dunnett, 80 %, 0.05)
    expected = replicates_needed(cv_pct=8.0, difference_pct=10.0, n_treatments=3, design="crd")
    assert out.attrs["replicates_needed"] == expected
    assert f"at least {expected} replicates" in out["inference"].iloc[0]
    assert out.attrs["inference"].startswith("unreplicated")
    assert pairwise_means(mm).attrs["replicates_needed"] == expected


def test_centred_estimates_keep_differences_exact_near_1e12():
    """With estimates_centred, differences near a 1e12 offset are exact, not 1e-4 rounded."""
    from dataclasses import replace

    centred = np.array([0.1, 0.3, 0.7])
    mm = hand_mm(list(1e12 + centred), 0.01)
    assert abs((mm.estimates[1] - mm.estimates[0]) - 0.2) > 1e-6  # absolute means lose it
    exact = replace(mm, estimates_centred=centred)
    out = compare_means_to_control(exact, control="L0")
    # hand: 0.3 - 0.1, 0.7 - 0.1
    np.testing.assert_allclose(out["difference_kg_ha"], [0.2, 0.6], atol=1e-15)
    pw = pairwise_means(exact)
    np.testing.assert_allclose(pw["difference_kg_ha"], [-0.2, -0.6, -0.4], atol=1e-15)
    est, _ = exact.contrast(np.array([-1.0, 1.0, 0.0]))
    assert est == pytest.approx(0.2, abs=1e-15)


# ------------------------------------------------------------ non-inferiority bound


def _random_rcbd(seed: int) -> pd.DataFrame:
    """Balanced 5 x 4 RCBD; treatments 0-15 % below the control CK, so margins cross them."""
    rng = np.random.default_rng(seed)
    effects = {"CK": 0.0, "T1": -300.0, "T2": -600.0, "T3": -900.0, "T4": 150.0}
    rows = [(t, f"B{j}") for t in effects for j in range(4)]
    df = pd.DataFrame(rows, columns=["treatment", "block"])
    df["y"] = (
        6000.0
        + df["treatment"].map(effects).astype(float)
        + df["block"].str[1:].astype(int) * 250.0
        + rng.normal(0, 200, len(df))
    )
    return df


def _ni_bound(df: pd.DataFrame, margin_pct: float) -> pd.DataFrame:
    return compare_to_control(df, response="y", treatment="treatment", block="block",
                              control="CK", margin_pct=margin_pct)  # fmt: skip


@pytest.mark.parametrize("seed", [11, 12])
def test_noninferior_iff_bound_above_minus_margin(seed):
    """Verdict <=> noninferiority_ci_low_pct > -margin, on a margin grid and at the crossings."""
    df = _random_rcbd(seed)
    for margin in np.arange(0.0, 30.0, 1.25):
        out = _ni_bound(df, margin)
        assert (
            out["noninferior"].astype(bool) == (out["noninferiority_ci_low_pct"] > -margin)
        ).all()
        assert (out["noninferior"].astype(bool) == (out["noninferiority_ci_low"] > 0)).all()
    # bisect the margin at which T2's bound meets -margin, then step just either side
    lo, hi = 0.0, 40.0
    for _ in range(24):
        mid = (lo + hi) / 2
        row = _ni_bound(df, mid).set_index("treatment").loc["T2"]
        lo, hi = (lo, mid) if bool(row["noninferior"]) else (mid, hi)
    for margin, expected in ((lo, False), (hi, True)):  # hi - lo = 40 / 2**24
        row = _ni_bound(df, margin).set_index("treatment").loc["T2"]
        assert bool(row["noninferior"]) is expected
        assert bool(row["noninferiority_ci_low_pct"] > -margin) is expected
        assert abs(row["noninferiority_ci_low_pct"] + margin) < 1e-3  # right at the margin


@pytest.mark.parametrize("seed", [11, 12])
def test_noninferiority_bound_matches_statsmodels_and_dunnett(seed):
    """Bound = OLS estimate of T - (1 - m)CK minus Dunnett c (NI correlation) x its SE."""
    import statsmodels.formula.api as smf

    from yieldtrial.stats.distributions import dunnett_critical_value

    df, m = _random_rcbd(seed), 7.5
    out = _ni_bound(df, m)
    res = smf.ols("y ~ C(treatment, Treatment('CK')) + C(block)", data=df).fit()
    names = list(res.params.index)
    # LS-mean of CK = intercept + mean block effect (B0 is the reference block, 4 blocks)
    ck = np.array([1.0 if n == "Intercept" else 0.25 if n.startswith("C(block)") else 0.0
                   for n in names])  # fmt: skip
    rows = []
    for trt in out["treatment"]:
        lvec = (m / 100.0) * ck  # mu_T - (1 - m)mu_C = tau_T + (m/100) mu_C
        lvec[names.index(f"C(treatment, Treatment('CK'))[T.{trt}]")] += 1.0
        rows.append(lvec)
    lmat = np.array(rows)
    est = lmat @ res.params.to_numpy()
    vcov = lmat @ res.cov_params().to_numpy() @ lmat.T
    se = np.sqrt(np.diag(vcov))
    crit, _ = dunnett_critical_value(vcov / np.outer(se, se), res.df_resid)
    low = est - crit * se  # independent lower simultaneous limit
    mean_ck = float(ck @ res.params.to_numpy())
    np.testing.assert_allclose(out["noninferiority_ci_low"], low, rtol=1e-7, atol=1e-6)
    np.testing.assert_allclose(out["noninferiority_ci_low_pct"],
                               100 * low / mean_ck - m, rtol=1e-7, atol=1e-7)  # fmt: skip


def test_noninferiority_bound_equals_ci_low_pct_at_zero_margin_or_fixed_control():
    """Zero margin, or a control mean without variance: the NI bound equals ci_low_pct."""
    df = _random_rcbd(3)
    out = _ni_bound(df, 0.0)  # same contrast and critical value: identical by construction
    np.testing.assert_allclose(out["noninferiority_ci_low_pct"], out["ci_low_pct"], rtol=1e-12)
    # control variance 0: se(T - (1-m)C) = se(T) = se(T - C), same correlation -> same c
    mm = MeansModel("treatment", ("CK", "A", "B"), np.array([100.0, 97.0, 92.0]),
                    np.diag([0.0, 2.0, 2.0]), 12.0, np.array([4, 4, 4]), 8.0, "residual",
                    "rcbd", "yield_kg_ha ~ treatment + block", "yield_kg_ha")  # fmt: skip
    fixed = compare_means_to_control(mm, control="CK", margin_pct=5.0)
    np.testing.assert_allclose(fixed["noninferiority_ci_low_pct"], fixed["ci_low_pct"],
                               rtol=1e-9)  # fmt: skip


def test_noninferiority_bound_nan_without_margin_and_for_less():
    """No margin, or alternative='less': the NI bound columns are NaN."""
    mm = hand_mm([100.0, 98.0, 95.0], 1.0)
    assert compare_means_to_control(mm, control="L0")["noninferiority_ci_low_kg_ha"].isna().all()
    less = compare_means_to_control(mm, control="L0", alternative="less", margin_pct=5.0)
    assert less["noninferiority_ci_low_pct"].isna().all()


def test_noninferiority_p_is_one_sided_single_comparison():
    """One treatment: the NI p equals scipy's one-sided t p of H0: T <= 0.95 CK (statsmodels)."""
    import statsmodels.formula.api as smf

    df = _random_rcbd(21)
    df = df[df["treatment"].isin(["CK", "T1"])].reset_index(drop=True)
    out = compare_to_control(df, response="y", treatment="treatment", block="block",
                             control="CK", margin_pct=5.0)  # fmt: skip
    res = smf.ols("y ~ C(treatment, Treatment('CK')) + C(block)", data=df).fit()
    names = list(res.params.index)
    # mu_T - 0.95 mu_CK = tau_T + 0.05 mu_CK; mu_CK = intercept + mean block effect (4 blocks)
    lvec = np.array([0.05 if n == "Intercept" else 0.05 / 4 if n.startswith("C(block)")
                     else 1.0 for n in names])  # fmt: skip
    est = float(lvec @ res.params.to_numpy())
    se = float(np.sqrt(lvec @ res.cov_params().to_numpy() @ lvec))
    p_ref = stats.t.sf(est / se, res.df_resid)  # one-sided, H1: T > 0.95 CK
    assert out["noninferiority_p_value_adjusted"].iloc[0] == pytest.approx(p_ref, rel=1e-6)
    assert bool(out["noninferior"].iloc[0]) == bool(p_ref < 0.025)


def test_noninferiority_p_of_a_loss_is_never_small():
    """A treatment far below the margin gets a one-sided p near 1, not a small two-sided p."""
    mm = hand_mm([100.0, 60.0], 1.0, df=12)  # 40 % loss, margin 5 %
    out = compare_means_to_control(mm, control="L0", margin_pct=5.0)
    assert out["noninferiority_statistic"].iloc[0] < -10
    assert out["noninferiority_p_value_adjusted"].iloc[0] > 0.999
    assert bool(out["noninferior"].iloc[0]) is False


@pytest.mark.parametrize("seed", [11, 12])
def test_noninferiority_p_is_half_the_two_sided_dunnett_p(seed):
    """Family of 4: one-sided p = P(max|T| >= t)/2 (scipy multivariate t); NI <=> p < alpha/2."""
    df = _random_rcbd(seed)
    out = _ni_bound(df, 7.5).set_index("treatment")
    for trt, row in out.iterrows():
        t_ni = row["noninferiority_statistic"]
        # independent: the NI contrasts' correlation from statsmodels, scipy's multivariate t
        corr = _ni_correlation(df, 7.5)
        mvt = stats.multivariate_t(loc=np.zeros(4), shape=corr, df=row["df"], seed=3)
        two = 1 - mvt.cdf(np.full(4, abs(t_ni)), lower_limit=np.full(4, -abs(t_ni)))
        expected = two / 2 if t_ni > 0 else 1 - two / 2
        assert row["noninferiority_p_value_adjusted"] == pytest.approx(expected, abs=2e-3)
        assert bool(row["noninferior"]) == bool(row["noninferiority_p_value_adjusted"] < 0.025)
        del trt


def _ni_correlation(df: pd.DataFrame, m: float) -> np.ndarray:
    import statsmodels.formula.api as smf

    res = smf.ols("y ~ C(treatment, Treatment('CK')) + C(block)", data=df).fit()
    names = list(res.params.index)
    ck = np.array([1.0 if n == "Intercept" else 0.25 if n.startswith("C(block)") else 0.0
                   for n in names])  # fmt: skip
    rows = []
    for trt in ("T1", "T2", "T3", "T4"):
        lvec = (m / 100.0) * ck
        lvec[names.index(f"C(treatment, Treatment('CK'))[T.{trt}]")] += 1.0
        rows.append(lvec)
    lmat = np.array(rows)
    v = lmat @ res.cov_params().to_numpy() @ lmat.T
    sd = np.sqrt(np.diag(v))
    return v / np.outer(sd, sd)


def test_control_table_least_significant_is_critical_times_se():
    """least_significant_kg_ha = critical_value x se; with method="t" it is t(0.975, 12) x sqrt 8.

    Independent: scipy.stats.t; se = sqrt(4 + 4) from the diagonal covariance.
    """
    out = compare_means_to_control(
        hand_mm([100.0, 104.0, 112.0], 4.0, levels=("CK", "A", "B")), control="CK", method="t"
    )
    t = stats.t.isf(0.025, 12)
    assert out["critical_value"].tolist() == pytest.approx([t, t], rel=1e-12)
    assert out["least_significant_kg_ha"].tolist() == pytest.approx([t * math.sqrt(8.0)] * 2)


def test_noninferiority_critical_value_column():
    """The NI family's critical value is a column: t(0.975, 12) for method="t", NaN without margin.

    For one contrast the NI test is a plain t test whatever its weights (scipy.stats.t).
    """
    mm = hand_mm([100.0, 104.0], 4.0, levels=("CK", "A"))
    with_margin = compare_means_to_control(mm, control="CK", method="t", margin_pct=5.0)
    assert with_margin["noninferiority_critical_value"].iloc[0] == pytest.approx(
        stats.t.isf(0.025, 12), rel=1e-12
    )
    without = compare_means_to_control(mm, control="CK", method="t")
    assert without["noninferiority_critical_value"].isna().all()


def test_pairwise_least_significant_is_tukey_hsd():
    """Tukey: least_significant_kg_ha = q(0.95; 3, 12) / sqrt 2 x sqrt 8 (the HSD).

    Independent: scipy.stats.studentized_range.ppf; HSD = q sqrt(MSE/r) with var = MSE/r = 4.
    """
    out = pairwise_means(hand_mm([100.0, 104.0, 112.0], 4.0), method="tukey")
    hsd = stats.studentized_range.ppf(0.95, 3, 12) * math.sqrt(4.0)
    assert out["least_significant_kg_ha"].tolist() == pytest.approx([hsd] * 3, rel=1e-8)


def test_numeric_control_names_the_numeric_label():
    """control=0 on a numeric treatment column names level '0' (labels are text), no TypeError.

    Same numbers as control='T0' on the text labels of the same data (independent labelling).
    """
    text = strong_block_frame()
    numeric = text.assign(treatment=text["treatment"].str[1:].astype(int))
    by_number = compare_to_control(numeric, response="y", treatment="treatment", block="block",
                                   control=0)  # fmt: skip
    by_text = compare_to_control(text, response="y", treatment="treatment", block="block",
                                 control="T0")  # fmt: skip
    assert by_number["control"].tolist() == ["0", "0", "0"]
    np.testing.assert_allclose(by_number["p_value_adjusted"], by_text["p_value_adjusted"])


def test_margin_given_as_text_is_a_clear_error():
    """margin_pct="5" is a DataValidationError naming margin_pct, not a NumPy TypeError."""
    with pytest.raises(DataValidationError, match="margin_pct = '5' is text"):
        compare_means_to_control(hand_mm([100.0, 104.0], 4.0), control="L0", margin_pct="5")


def test_numpy_float32_confidence_is_accepted():
    """confidence=np.float32(0.9) is a number in (0, 1): same result as the float 0.9.

    float32(0.9) = 0.89999998; the critical values differ by less than 1e-6 (hand bound).
    """
    mm = hand_mm([100.0, 104.0, 97.0], 4.0)
    got = compare_means_to_control(mm, control="L0", confidence=np.float32(0.9))
    expected = compare_means_to_control(mm, control="L0", confidence=0.9)
    np.testing.assert_allclose(got["ci_low_kg_ha"], expected["ci_low_kg_ha"], rtol=1e-6)


def test_accuracy_note_names_each_method_once() -> None:
    """Dunnett at several df (REML LS-means): one note with the largest bound.

    The note repeated "quasi-Monte Carlo multivariate t (seeded), abs. error <= ..." once per
    distinct df (four times for John & Williams' alpha-lattice).  The bound shown is
    ``attrs["accuracy_abs_error"]``, the largest of the family's.
    """
    from reference_cases import alpha_fit, john_alpha

    out = compare_means_to_control(alpha_fit(john_alpha()).means_model(), control="G01")
    bound = out.attrs["accuracy_abs_error"]
    assert out.attrs["accuracy"] == (
        f"quasi-Monte Carlo multivariate t (seeded), abs. error <= {bound:.1e}"
    )


def test_tukey_pairs_for_letters_skip_only_the_critical_values() -> None:
    """The letters' p-values-only Tukey pairs: the same adjusted P floats, verdicts and note.

    Stop 40: ``pairwise_means_core(..., need_critical=False)`` (what the two-level letters
    call) skips each df's root search of the critical value, the one use of it; the
    p-values come from the same curve at the same df, so they are compared bit for bit
    with the public ``pairwise_means`` (the oats alpha-lattice under REML: many pair df).
    """
    from reference_cases import alpha_fit, john_alpha
    from yieldtrial.stats.compare import pairwise_means_core

    mm = alpha_fit(john_alpha()).means_model()
    full = pairwise_means(mm, method="tukey")
    only_p = pairwise_means_core(
        mm, method="tukey", alpha=0.05, protected=True, anova_p=None, need_critical=False
    )
    assert full["df"].nunique() > 1  # several df: several root searches skipped
    assert np.array_equal(full["p_value_adjusted"], only_p["p_value_adjusted"])
    assert full["reject"].equals(only_p["reject"])
    assert only_p.attrs["provenance"]["adjustment"] == full.attrs["provenance"]["adjustment"]
