"""Bonferroni outlier test on externally studentized residuals (yieldtrial.stats.outliers)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from yieldtrial.errors import DataValidationError
from yieldtrial.stats.outliers import OUTLIER_TEST_COLUMNS, outlier_test


def _rcbd(seed: int, t: int = 4, b: int = 3, planted: float | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "plot_id": [f"{j + 1}{i + 1:02d}" for j in range(b) for i in range(t)],
            "treatment": [f"T{i}" for _ in range(b) for i in range(t)],
            "block": [str(j + 1) for j in range(b) for _ in range(t)],
        }
    )
    df["y"] = 6000 + 400 * df["treatment"].str[1].astype(int) + rng.normal(0, 250, t * b)
    if planted is not None:
        df.loc[5, "y"] *= planted
    return df


def _independent(df: pd.DataFrame, formula: str) -> tuple[np.ndarray, np.ndarray, float]:
    """Statsmodels OLSInfluence externally studentized residuals, scipy t, Bonferroni."""
    import statsmodels.formula.api as smf
    from statsmodels.stats.outliers_influence import OLSInfluence

    res = smf.ols(formula, data=df).fit()
    t_ext = OLSInfluence(res).resid_studentized_external.to_numpy()
    df_t = res.df_resid - 1
    p = 2 * stats.t.sf(np.abs(t_ext), df_t)
    return t_ext, np.minimum(1.0, len(df) * p), df_t


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_outlier_test_matches_statsmodels_and_scipy_rcbd(seed):
    """t_i, p_i and Bonferroni p equal OLSInfluence + scipy t on df_error - 1 to 1e-10."""
    df = _rcbd(seed, planted=2.0)
    out = outlier_test(df, response="y", treatment="treatment", block="block").set_index("plot_id")
    t_ref, p_ref, df_t = _independent(df, "y ~ C(treatment) + C(block)")
    ours = out.loc[df["plot_id"]]
    np.testing.assert_allclose(ours["statistic"], t_ref, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours["p_value_adjusted"], p_ref, rtol=1e-10, atol=1e-12)
    assert (ours["df"] == df_t).all()  # 12 plots - rank 6 = 6 error df, t on 5 df


def test_outlier_test_matches_statsmodels_crd_and_latin():
    """CRD (y ~ treatment) and Latin square (y ~ treatment + row + column) agree too."""
    rng = np.random.default_rng(4)
    crd = pd.DataFrame({"plot_id": [str(i) for i in range(15)],
                        "treatment": np.repeat(list("ABCDE"), 3)})  # fmt: skip
    crd["y"] = 5000 + rng.normal(0, 200, 15)
    crd.loc[7, "y"] += 1500
    out = outlier_test(crd, response="y", treatment="treatment", design="crd").set_index("plot_id")
    t_ref, p_ref, _ = _independent(crd, "y ~ C(treatment)")
    np.testing.assert_allclose(out.loc[crd["plot_id"], "statistic"], t_ref, rtol=1e-10)
    np.testing.assert_allclose(out.loc[crd["plot_id"], "p_value_adjusted"], p_ref, rtol=1e-10)
    square = [[(r + c) % 5 for c in range(5)] for r in range(5)]
    latin = pd.DataFrame(
        [{"plot_id": f"{r}{c}", "row": str(r), "column": str(c), "treatment": f"T{square[r][c]}"}
         for r in range(5) for c in range(5)]
    )  # fmt: skip
    latin["y"] = 7000 + 150 * latin["row"].astype(int) + rng.normal(0, 180, 25)
    latin.loc[12, "y"] *= 10
    out = outlier_test(latin, response="y", treatment="treatment", design="latin", row="row",
                       column="column").set_index("plot_id")  # fmt: skip
    t_ref, p_ref, _ = _independent(latin, "y ~ C(treatment) + C(row) + C(column)")
    np.testing.assert_allclose(out.loc[latin["plot_id"], "statistic"], t_ref, rtol=1e-9)
    np.testing.assert_allclose(out.loc[latin["plot_id"], "p_value_adjusted"], p_ref, rtol=1e-9)
    assert out["flagged"].sum() == 1 and bool(out.loc["22", "flagged"])


def test_outlier_test_split_plot_uses_the_sub_plot_stratum():
    """Split plot: residuals of block + A + block:A + B + A:B (error b), as statsmodels."""
    rng = np.random.default_rng(5)
    rows = [dict(block=r, a=a, b=b) for r, a, b in itertools.product("1234", "xyz", "pqs")]
    df = pd.DataFrame(rows)
    df["plot_id"] = [str(i) for i in range(len(df))]
    df["y"] = 50 + 3 * (df["a"] == "y") + 2 * (df["b"] == "q") + rng.normal(0, 1, len(df))
    df.loc[13, "y"] += 12
    out = outlier_test(df, response="y", block="block", design="split_plot", whole_plot="a",
                       sub_plot="b").set_index("plot_id")  # fmt: skip
    t_ref, p_ref, df_t = _independent(df, "y ~ C(block) + C(a) + C(block):C(a) + C(b) + C(a):C(b)")
    np.testing.assert_allclose(out.loc[df["plot_id"], "statistic"], t_ref, rtol=1e-8)
    np.testing.assert_allclose(out.loc[df["plot_id"], "p_value_adjusted"], p_ref, rtol=1e-8)
    # error b has a (r - 1)(b - 1) = 3 x 3 x 2 = 18 df, so t on 17 df
    assert (out["df"] == df_t).all() and df_t == 17
    assert str(out.index[0]) == "13" and bool(out.loc["13", "flagged"])


def test_outlier_test_flags_a_doubled_plot_at_six_error_df():
    """A 4 x 3 RCBD has 6 error df: |r_i| <= sqrt(6) = 2.45, but the external t is huge."""
    out = outlier_test(_rcbd(1, planted=2.0), response="y", treatment="treatment", block="block")
    top = out.iloc[0]
    assert top["plot_id"] == "202" and bool(top["flagged"])
    assert abs(top["statistic"]) > 10 and out["flagged"].sum() == 1


def test_outlier_test_flagged_only_is_the_flagged_rows_of_the_full_table():
    """flagged_only=True (the screening's call) keeps the flagged rows, order and columns."""
    data = _rcbd(1, planted=2.0)
    full = outlier_test(data, response="y", treatment="treatment", block="block")
    flagged = outlier_test(
        data, response="y", treatment="treatment", block="block", flagged_only=True
    )
    expected = full.loc[full["flagged"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(flagged.reset_index(drop=True), expected)
    assert flagged.attrs["provenance"] == full.attrs["provenance"]


def test_outlier_test_columns_and_provenance():
    """Fixed columns, sorted by |t|, provenance names the test and the adjustment."""
    out = outlier_test(_rcbd(2), response="y", treatment="treatment", block="block")
    assert tuple(out.columns) == OUTLIER_TEST_COLUMNS
    assert (np.diff(np.abs(out["statistic"].to_numpy())) <= 0).all()
    prov = out.attrs["provenance"]
    assert prov["df_error"] == 6.0 and prov["adjustment"] == "Bonferroni over 12 plots"
    assert prov["alpha"] == 0.01


def test_outlier_test_needs_two_error_df():
    """df_error = 1 (2 x 2 RCBD): nothing is tested or flagged; the note says why."""
    df = _rcbd(3, t=2, b=2)
    out = outlier_test(df, response="y", treatment="treatment", block="block")
    assert out["statistic"].isna().all() and not out["flagged"].any()
    assert "not assessable with this many plots" in out.attrs["note"]


def test_outlier_test_leaves_out_plots_with_leverage_one():
    """The only observed plot of a treatment has h = 1: not tested, not counted."""
    df = _rcbd(4, t=4, b=4)
    df.loc[df["treatment"] == "T3", "y"] = [np.nan, np.nan, np.nan, 7300.0]
    out = outlier_test(df, response="y", treatment="treatment", block="block")
    lone = out[out["treatment"] == "T3"].iloc[0]
    assert np.isnan(lone["statistic"]) and np.isnan(lone["fitted_without"])
    assert (out["n_tests"] == 12).all()  # 13 observed plots, one with h = 1
    assert len(out) == 13


def test_outlier_test_fitted_without_is_the_deleted_prediction():
    """fitted_without equals the fit of the model to the other plots, predicted at plot i."""
    import statsmodels.formula.api as smf

    df = _rcbd(6, planted=1.6)
    out = outlier_test(df, response="y", treatment="treatment", block="block").set_index("plot_id")
    rest = df.drop(index=5)
    pred = smf.ols("y ~ C(treatment) + C(block)", data=rest).fit().predict(df.loc[[5]])
    assert out.loc[df.loc[5, "plot_id"], "fitted_without"] == pytest.approx(float(pred.iloc[0]))


def test_outlier_test_rejects_bad_alpha_and_stray_factors():
    """Alpha outside (0, 1) and split-plot factors on an RCBD are errors."""
    df = _rcbd(1)
    with pytest.raises(DataValidationError, match="alpha"):
        outlier_test(df, response="y", treatment="treatment", block="block", alpha=1.5)
    with pytest.raises(DataValidationError, match="whole_plot"):
        outlier_test(df, response="y", treatment="treatment", block="block", whole_plot="a")


def test_outlier_test_split_plot_with_a_missing_plot():
    """A missing sub-plot is left out of the stratum model's least-squares fit (statsmodels)."""
    rng = np.random.default_rng(6)
    rows = [dict(block=r, a=a, b=b) for r, a, b in itertools.product("1234", "xyz", "pqs")]
    df = pd.DataFrame(rows)
    df["plot_id"] = [str(i) for i in range(len(df))]
    df["y"] = 50 + 3 * (df["a"] == "y") + rng.normal(0, 1, len(df))
    df.loc[20, "y"] = np.nan
    out = outlier_test(df, response="y", block="block", design="split_plot", whole_plot="a",
                       sub_plot="b").set_index("plot_id")  # fmt: skip
    seen = df.dropna(subset=["y"])
    t_ref, p_ref, df_t = _independent(
        seen, "y ~ C(block) + C(a) + C(block):C(a) + C(b) + C(a):C(b)"
    )
    np.testing.assert_allclose(out.loc[seen["plot_id"], "statistic"], t_ref, rtol=1e-8)
    np.testing.assert_allclose(out.loc[seen["plot_id"], "p_value_adjusted"], p_ref, rtol=1e-8)
    assert df_t == 16 and "20" not in out.index  # 18 error df - 1 missing plot, t on 16 df


def test_alpha_design_trial_is_screened_on_its_intra_block_model():
    """An alpha-lattice trial: the outlier test uses block:incomplete_block fixed."""
    from yieldtrial import FieldTrial
    from yieldtrial.design import alpha_design

    book = alpha_design([f"G{i}" for i in range(1, 10)], block_size=3, replicates=3, seed=1)
    rng = np.random.default_rng(2)
    book = book[["plot_id", "block", "incomplete_block", "row", "column", "treatment"]].copy()
    book["yield_kg_ha"] = 6000 + rng.normal(0, 150, len(book))
    book.loc[7, "yield_kg_ha"] *= 2
    trial = FieldTrial.from_dataframe(book, crop="wheat", design="alpha")
    found = trial.suspect_plots()
    formal = found[found["check"] == "outlier_test"]
    assert formal["plot_id"].tolist() == [str(book.loc[7, "plot_id"])]


def test_outlier_test_labels_are_the_residual_tables_in_sorted_order():
    """Only the returned rows' labels are turned into text: the same labels, row for row."""
    from yieldtrial.stats.model import fit
    from yieldtrial.stats.residual_checks import _residual_table

    data = _rcbd(2, planted=2.0)
    out = outlier_test(data, response="y", treatment="treatment", block="block")
    table = _residual_table(
        fit(data, response="y", treatment="treatment", block="block"),
        treatment="treatment",
        plot_id="plot_id",
    )
    # the full table sorted by decreasing |t| (stable), as outlier_test orders its rows
    order = np.argsort(-np.abs(table["externally_studentized_residual"].to_numpy()), kind="stable")
    for name in ("plot_id", "treatment", "block"):
        assert out[name].tolist() == table[name].to_numpy()[order].tolist()


@pytest.mark.parametrize("seed", range(20))
def test_flagged_only_equals_the_full_table_on_random_trials(seed):
    """Only plots near the Bonferroni limit get a p-value there: the same flagged rows."""
    rng = np.random.default_rng(seed)
    t, b = int(rng.integers(3, 7)), int(rng.integers(3, 9))
    data = pd.DataFrame(
        {
            "plot_id": [f"{i}-{j}" for j in range(b) for i in range(t)],
            "treatment": [f"T{i}" for _ in range(b) for i in range(t)],
            "block": [f"B{j}" for j in range(b) for _ in range(t)],
            "y": rng.normal(100.0, 5.0, t * b),
        }
    )
    for k in rng.choice(t * b, int(rng.integers(0, 3)), replace=False):
        data.loc[k, "y"] *= float(rng.choice([0.5, 2.0, 1.3]))
    full = outlier_test(data, response="y", treatment="treatment", block="block")
    flagged = outlier_test(
        data, response="y", treatment="treatment", block="block", flagged_only=True
    )
    expected = full.loc[full["flagged"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(flagged.reset_index(drop=True), expected, check_exact=True)


def test_flagged_only_without_error_df_is_empty_with_the_full_tables_note():
    """One plot per treatment (no error df): no row, the same note and provenance as the full."""
    data = pd.DataFrame({"plot_id": ["1", "2", "3"], "treatment": ["A", "B", "C"],
                         "y": [1.0, 2.0, 3.5]})  # fmt: skip
    full = outlier_test(data, response="y", treatment="treatment", design="crd")
    flagged = outlier_test(data, response="y", treatment="treatment", design="crd",
                           flagged_only=True)  # fmt: skip
    assert len(flagged) == 0 and list(flagged.columns) == list(full.columns)
    assert flagged.attrs == full.attrs
    assert "not assessable" in flagged.attrs["note"]


@pytest.mark.parametrize("flagged_only", [True, False])
def test_a_plot_holding_all_residual_variation_is_flagged(flagged_only):
    """Stop 40: every yield 9 but one 12; the model fits the other plots exactly.

    Without that plot the error variance is 0, so its externally studentized residual is
    unbounded (+inf; was NaN and the plot was never tested) and its p-value 0.
    """
    data = pd.DataFrame(
        [{"plot_id": f"{b}{t}", "block": b, "treatment": t,
          "y": 12.0 if (b, t) == (1, "D") else 9.0} for b in range(1, 5) for t in "ABCD"]
    )  # fmt: skip
    out = outlier_test(data, response="y", treatment="treatment", block="block",
                       flagged_only=flagged_only)  # fmt: skip
    hit = out[out["flagged"]]
    assert hit["plot_id"].tolist() == ["1D"]
    assert hit["statistic"].tolist() == [np.inf]
    assert hit["p_value_adjusted"].tolist() == [0.0]
