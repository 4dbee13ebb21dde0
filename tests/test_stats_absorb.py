"""Unbalanced designs fitted with the treatments absorbed (issue 13 item 5).

Expected values come from the pre-existing dense path of the same model (the SVD of the
full model matrix, :func:`~yieldtrial.stats.model.least_squares` with
:func:`~yieldtrial.stats.model.model_matrix` and
:func:`~yieldtrial.stats.model.reference_grid_means`, or ``fit`` with the absorption
switched off), from statsmodels' OLS (type II ANOVA F of the treatments), from numpy's
dense forms of the structured matrices, or, for the vs-control family, from the general
multivariate-t engine on the dense correlation (its own stated error plus the Li-Shao
bound of the near product form).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from yieldtrial.errors import DataValidationError
from yieldtrial.stats import _absorb, anova_tables, model
from yieldtrial.stats._covariance import (
    DiagonalCovariance,
    LowRankUpdateCovariance,
    NearProductFormCorrelation,
    diagonal,
    pair_variances,
    quadratic_forms,
)
from yieldtrial.stats.compare import (
    _near_product_form_family,
    compare_means_to_control,
    pairwise_means,
    treatment_f_test,
)
from yieldtrial.stats.distributions import dunnett_pvalues
from yieldtrial.stats.model import fit, least_squares, model_matrix, reference_grid_means
from yieldtrial.stats.multiple_range import two_level_letters


def _rcbd(t: int, blocks: int, missing: int, seed: int, effect_sd: float = 600.0) -> pd.DataFrame:
    """RCBD of t entries x blocks with ``missing`` blank plots (every entry keeps one).

    Entry effects have SD ``effect_sd`` kg/ha, the plot error 400 kg/ha.
    """
    rng = np.random.default_rng(seed)
    effects = rng.normal(0.0, effect_sd, t)
    labels = ["CK"] + [f"G{i:05d}" for i in range(1, t)]
    frames = [
        pd.DataFrame({"block": f"B{b}", "treatment": labels,
                      "yield_kg_ha": 7000.0 + effects + rng.normal(0.0, 400.0, t) + 80.0 * b})
        for b in range(blocks)
    ]  # fmt: skip
    data = pd.concat(frames, ignore_index=True)
    blanks = rng.choice(np.arange(t, t * blocks), size=missing, replace=False)  # block 0 kept
    data.loc[blanks, "yield_kg_ha"] = np.nan
    return data


def _dense(codes: dict, n_levels: dict, treatment: str, y: np.ndarray) -> dict:
    """Fit by the pre-existing SVD path (model.py's unbalanced branch) on the same codes."""
    terms = [(f,) for f in n_levels]
    x, _ = model_matrix(codes, n_levels, terms)
    sol = least_squares(x, y)
    lmat = reference_grid_means(treatment, n_levels, terms)
    df_error = y.size - sol.rank
    mse = sol.rss / df_error
    a = lmat @ (sol.right.T / sol.singular_values)
    return {"lsmeans": lmat @ sol.coef, "cov": mse * (a @ a.T), "mse": mse, "df": df_error,
            "rank": sol.rank, "fitted": sol.fitted, "residuals": sol.residuals,
            "leverage": sol.leverage, "estimable": sol.estimable(lmat)}  # fmt: skip


def _codes(data: pd.DataFrame, factors: list[str], response: str = "yield_kg_ha") -> tuple:
    used = data.dropna(subset=[response])
    codes, n_levels = {}, {}
    for f in factors:
        c, levels = pd.factorize(used[f])
        codes[f], n_levels[f] = c.astype(int), len(levels)
    y = used[response].to_numpy()
    return codes, n_levels, y - y.mean()


CASES = [(int(s), int(5 + (s * 7) % 36), int(2 + s % 4), int(1 + s % 5)) for s in range(12)]


@pytest.mark.parametrize(("seed", "t", "blocks", "missing"), CASES)
def test_absorbed_rcbd_equals_the_dense_fit(seed: int, t: int, blocks: int, missing: int) -> None:
    """LS-means, covariance, SEs, SEDs, MSE, df, residuals, leverages: the SVD path to 1e-10."""
    codes, n_levels, y = _codes(_rcbd(t, blocks, missing, seed), ["treatment", "block"])
    ref = _dense(codes, n_levels, "treatment", y)
    sol = _absorb.absorbed_fit(codes, n_levels, "treatment", y)
    assert (sol.df_error, sol.rank) == (ref["df"], ref["rank"])
    scale = ref["mse"]
    np.testing.assert_allclose(sol.mse, ref["mse"], rtol=1e-10)
    np.testing.assert_allclose(sol.lsmeans, ref["lsmeans"], rtol=0, atol=1e-10 * 600)
    np.testing.assert_allclose(np.asarray(sol.cov), ref["cov"], rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(diagonal(sol.cov), np.diag(ref["cov"]), rtol=1e-10)
    i, j = np.triu_indices(t, 1)
    dense_pairs = np.diag(ref["cov"])[i] + np.diag(ref["cov"])[j] - 2.0 * ref["cov"][i, j]
    np.testing.assert_allclose(pair_variances(sol.cov, i, j), dense_pairs, rtol=1e-10)
    np.testing.assert_allclose(sol.residuals, ref["residuals"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(sol.fitted, ref["fitted"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(sol.leverage, ref["leverage"], rtol=0, atol=1e-10)


@pytest.mark.parametrize(("seed", "t", "blocks", "missing"), CASES[::2])
def test_absorbed_f_test_equals_statsmodels(
    seed: int, t: int, blocks: int, missing: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small trials forced through absorption: Wald F and type II F equal statsmodels'.

    The Woodbury Wald F of the LS-means and the ANOVA table's type II F (treatments and
    blocks) against statsmodels OLS ``anova_lm(typ=2)``, with its df.
    """
    import statsmodels.api as sm
    from statsmodels.formula.api import ols

    monkeypatch.setattr(_absorb, "ABSORB_MIN_LEVELS", 0)
    data = _rcbd(t, blocks, missing, seed)
    model._fit_cache.clear()
    try:
        fitted = fit(data, response="yield_kg_ha", treatment="treatment", block="block")
        table = anova_tables.anova(
            data, response="yield_kg_ha", treatment="treatment", block="block"
        ).table.set_index("source")
    finally:
        model._fit_cache.clear()
    ref = sm.stats.anova_lm(
        ols("yield_kg_ha ~ C(treatment) + C(block)", data.dropna()).fit(), typ=2
    )
    f, df1, _ = treatment_f_test(fitted.means_model())
    assert (
        df1 == int(ref.loc["C(treatment)", "df"]) and fitted.df_error == ref.loc["Residual", "df"]
    )
    np.testing.assert_allclose(f, ref.loc["C(treatment)", "F"], rtol=1e-10)
    np.testing.assert_allclose(
        table.loc["treatment", "f"], ref.loc["C(treatment)", "F"], rtol=1e-10
    )
    np.testing.assert_allclose(table.loc["block", "f"], ref.loc["C(block)", "F"], rtol=1e-10)


def test_complete_entries_have_zero_rows_of_the_factor() -> None:
    """Only entries with a missing plot reach the low-rank part (their rows of F)."""
    data = _rcbd(30, 3, 3, seed=5)
    codes, n_levels, y = _codes(data, ["treatment", "block"])
    sol = _absorb.absorbed_fit(codes, n_levels, "treatment", y)
    assert isinstance(sol.cov, LowRankUpdateCovariance)
    hit = sorted(set(data.loc[data["yield_kg_ha"].isna(), "treatment"]))
    labels = pd.factorize(data.dropna(subset=["yield_kg_ha"])["treatment"])[1]
    assert sorted(labels[sol.cov.touched]) == hit


def test_treatment_sums_of_squares_match_statsmodels() -> None:
    """Absorbed type II sums of squares = statsmodels OLS ``anova_lm(typ=2)``."""
    import statsmodels.api as sm
    from statsmodels.formula.api import ols

    data = _rcbd(25, 4, 4, seed=11).dropna()
    codes, n_levels, y = _codes(data, ["treatment", "block"])
    ss = _absorb.absorbed_sums_of_squares(codes, n_levels, ["treatment", "block"], y)
    table = sm.stats.anova_lm(ols("yield_kg_ha ~ C(treatment) + C(block)", data).fit(), typ=2)
    for f in ("treatment", "block"):
        assert ss[(f,)][0] == int(table.loc[f"C({f})", "df"])
        np.testing.assert_allclose(ss[(f,)][1], table.loc[f"C({f})", "sum_sq"], rtol=1e-10)


def test_latin_square_with_missing_plots_equals_the_dense_fit() -> None:
    """Rows and columns absorbed together: the same LS-means and covariance."""
    rng = np.random.default_rng(2)
    k = 7
    rows = [(r, c, f"T{(r + 3 * c) % k}") for r in range(k) for c in range(k)]
    data = pd.DataFrame(rows, columns=["row", "column", "treatment"])
    data["yield_kg_ha"] = rng.normal(5000.0, 300.0, k * k)
    data.loc[[3, 17, 40], "yield_kg_ha"] = np.nan
    codes, n_levels, y = _codes(data, ["treatment", "row", "column"])
    ref = _dense(codes, n_levels, "treatment", y)
    sol = _absorb.absorbed_fit(codes, n_levels, "treatment", y)
    assert sol.df_error == ref["df"]
    np.testing.assert_allclose(sol.lsmeans, ref["lsmeans"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(np.asarray(sol.cov), ref["cov"], rtol=0, atol=1e-10 * ref["mse"])
    np.testing.assert_allclose(sol.leverage, ref["leverage"], rtol=0, atol=1e-10)


def test_unequal_replication_rcbd_equals_the_dense_fit() -> None:
    """Duplicated plots in some blocks (unequal replication) as well as missing ones."""
    data = _rcbd(12, 3, 2, seed=8)
    data = pd.concat([data, data.iloc[[4, 20]].assign(yield_kg_ha=[6900.0, 7300.0])])
    codes, n_levels, y = _codes(data, ["treatment", "block"])
    ref = _dense(codes, n_levels, "treatment", y)
    sol = _absorb.absorbed_fit(codes, n_levels, "treatment", y)
    np.testing.assert_allclose(sol.lsmeans, ref["lsmeans"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(np.asarray(sol.cov), ref["cov"], rtol=0, atol=1e-10 * ref["mse"])


def test_crd_unequal_replication_is_diagonal() -> None:
    """No nuisance factor: the covariance is ``MSE / r_i`` on the diagonal."""
    codes = {"t": np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])}
    y = np.array([1.0, 2.0, 3.0, 5.0, 7.0, 2.0, 2.5, 3.5, 4.0])
    sol = _absorb.absorbed_fit(codes, {"t": 3}, "t", y - y.mean())
    assert isinstance(sol.cov, DiagonalCovariance)
    # MSE by hand: within-group SS 2 + 2 + 2.5 = 6.5 on 9 - 3 = 6 df
    np.testing.assert_allclose(sol.cov.diag, 6.5 / 6 / np.array([3, 2, 4]), rtol=1e-14)


def test_disconnected_design_is_not_estimable() -> None:
    """Entries A, B only in block 1 and C, D only in block 2: the same flags as the SVD path."""
    codes = {"t": np.array([0, 1, 0, 1, 2, 3, 2, 3]), "b": np.array([0, 0, 0, 0, 1, 1, 1, 1])}
    y = np.array([1.0, 2.0, 1.5, 2.5, 4.0, 5.0, 4.5, 5.5])
    sol = _absorb.absorbed_fit(codes, {"t": 4, "b": 2}, "t", y - y.mean())
    ref = _dense(codes, {"t": 4, "b": 2}, "t", y - y.mean())
    assert sol.estimable.tolist() == ref["estimable"].tolist() == [False] * 4


# ------------------------------------------------------------------- fit() and downstream


@pytest.fixture
def pair(monkeypatch: pytest.MonkeyPatch) -> tuple:
    """Fit a 60-entry RCBD with 4 missing plots absorbed, and by the dense path."""
    data = _rcbd(60, 3, 4, seed=21)
    model._fit_cache.clear()
    absorbed = fit(data, response="yield_kg_ha", treatment="treatment", block="block")
    monkeypatch.setattr(model, "use_absorption", lambda *a, **k: False)
    monkeypatch.setattr(anova_tables, "use_absorption", lambda *a, **k: False)
    model._fit_cache.clear()
    dense = fit(data, response="yield_kg_ha", treatment="treatment", block="block")
    model._fit_cache.clear()
    return data, absorbed, dense


def test_fit_routes_many_unbalanced_treatments_to_absorption(pair: tuple) -> None:
    """More than 50 entries with missing plots: structured covariance, dense path's numbers."""
    _, absorbed, dense = pair
    assert isinstance(absorbed.lsmeans_cov, LowRankUpdateCovariance)
    assert isinstance(dense.lsmeans_cov, np.ndarray)
    assert (absorbed.df_error, absorbed.rank) == (dense.df_error, dense.rank)
    np.testing.assert_allclose(absorbed.mse, dense.mse, rtol=1e-10)
    np.testing.assert_allclose(absorbed.lsmeans, dense.lsmeans, rtol=1e-12)
    np.testing.assert_allclose(
        np.asarray(absorbed.lsmeans_cov), dense.lsmeans_cov, rtol=0, atol=1e-10 * dense.mse
    )
    np.testing.assert_allclose(absorbed.residuals, dense.residuals, rtol=0, atol=1e-8)
    np.testing.assert_allclose(absorbed.leverage, dense.leverage, rtol=0, atol=1e-10)


def test_f_test_and_anova_equal_the_dense_fit(pair: tuple) -> None:
    """Woodbury Wald F = dense Wald F = the type II ANOVA F (absorbed sums of squares)."""
    _, absorbed, dense = pair
    f_a, df1_a, p_a = treatment_f_test(absorbed.means_model())
    f_d, df1_d, p_d = treatment_f_test(dense.means_model())
    assert df1_a == df1_d == 59
    np.testing.assert_allclose(f_a, f_d, rtol=1e-10)
    np.testing.assert_allclose(p_a, p_d, rtol=1e-8)
    ss_a = anova_tables.absorbed_sums_of_squares(
        absorbed.codes, {f: len(v) for f, v in absorbed.factor_levels.items()},
        ["treatment", "block"], absorbed.centred_response,
    )  # fmt: skip
    np.testing.assert_allclose(ss_a[("treatment",)][1] / 59 / absorbed.mse, f_d, rtol=1e-10)


def test_pairwise_means_and_letters_equal_the_dense_fit(pair: tuple) -> None:
    """All pairs (SEDs from the structured form) and Tukey letters as with the dense matrix."""
    _, absorbed, dense = pair
    mm_a, mm_d = absorbed.means_model(), dense.means_model()
    pw_a, pw_d = pairwise_means(mm_a, method="tukey"), pairwise_means(mm_d, method="tukey")
    for col in ("se_kg_ha", "statistic", "p_value_adjusted"):
        np.testing.assert_allclose(pw_a[col], pw_d[col], rtol=1e-9, atol=1e-12)
    let_a = two_level_letters(mm_a, test="tukey", always=["CK"])
    let_d = two_level_letters(mm_d, test="tukey", always=["CK"])
    pd.testing.assert_frame_equal(let_a, let_d, check_exact=False, rtol=1e-9)


def test_latin_square_with_missing_plots_through_fit_and_anova(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 9 x 9 Latin square with 3 missing plots through fit() and anova(), absorbed.

    Forced through absorption (rows and columns absorbed together): the SVD path's numbers.
    """
    k = 9
    rng = np.random.default_rng(3)
    rows = [(f"R{r}", f"C{c}", f"T{(r + 5 * c) % k}") for r in range(k) for c in range(k)]
    data = pd.DataFrame(rows, columns=["row", "column", "treatment"])
    data["y"] = rng.normal(5000.0, 300.0, k * k)
    data.loc[[10, 50, 70], "y"] = np.nan
    args = {"response": "y", "treatment": "treatment", "row": "row", "column": "column",
            "design": "latin"}  # fmt: skip

    def both() -> tuple:
        model._fit_cache.clear()
        return fit(data, **args), anova_tables.anova(data, **args).table

    monkeypatch.setattr(_absorb, "ABSORB_MIN_LEVELS", 0)
    absorbed, table_a = both()
    monkeypatch.setattr(model, "use_absorption", lambda *a, **k: False)
    monkeypatch.setattr(anova_tables, "use_absorption", lambda *a, **k: False)
    dense, table_d = both()
    model._fit_cache.clear()
    assert isinstance(absorbed.lsmeans_cov, LowRankUpdateCovariance)
    # plots 10, 50, 70 hold treatments (r + 5 c) % 9 = 6, 3, 6: two entries reach F
    assert absorbed.lsmeans_cov.touched.size == 2
    assert absorbed.df_error == dense.df_error
    np.testing.assert_allclose(absorbed.lsmeans, dense.lsmeans, rtol=1e-12)
    np.testing.assert_allclose(
        np.asarray(absorbed.lsmeans_cov), dense.lsmeans_cov, rtol=0, atol=1e-10 * dense.mse
    )
    pd.testing.assert_frame_equal(table_a, table_d, check_exact=False, rtol=1e-10)


def test_bonferroni_versus_control_equals_the_dense_fit(pair: tuple) -> None:
    """Standard errors of the contrasts with the control are exact (Bonferroni needs no corr)."""
    _, absorbed, dense = pair
    a = compare_means_to_control(absorbed.means_model(), control="CK", method="bonferroni",
                                 margin_pct=5.0)  # fmt: skip
    d = compare_means_to_control(dense.means_model(), control="CK", method="bonferroni",
                                 margin_pct=5.0)  # fmt: skip
    for col in ("se_kg_ha", "statistic", "p_value_adjusted", "noninferiority_statistic"):
        np.testing.assert_allclose(a[col], d[col], rtol=1e-9, atol=1e-12)


def _low_rank(k: int, touched: list[int], seed: int, size: float) -> LowRankUpdateCovariance:
    rng = np.random.default_rng(seed)
    factor = np.zeros((k, 2))
    factor[touched] = rng.normal(0.0, size, (len(touched), 2))
    return LowRankUpdateCovariance(rng.uniform(0.8, 1.2, k), factor)


def test_near_product_form_is_exact_off_the_touched_pairs() -> None:
    """Correlations equal lam_i lam_j except between two touched comparisons (dense check)."""
    cov = _low_rank(12, [0, 3, 5, 9], seed=1, size=0.3)  # control 0 touched as well
    idx = list(range(1, 12))
    se, corr = _near_product_form_family(cov, idx, 0, 1.0)
    w = np.zeros((11, 12))
    w[np.arange(11), idx] = 1.0
    w[:, 0] -= 1.0
    vc = w @ np.asarray(cov) @ w.T
    np.testing.assert_allclose(se, np.sqrt(np.diag(vc)), rtol=1e-12)
    r = vc / np.outer(se, se)
    prod = np.outer(corr.lam, corr.lam)
    special = np.isin(idx, [3, 5, 9])
    off = ~(special[:, None] & special[None, :])
    np.fill_diagonal(off, False)
    np.testing.assert_allclose(r[off], prod[off], rtol=0, atol=1e-12)
    i, j = np.triu_indices(11, 1)
    moved = ~off[i, j] & (i != j)
    expected = np.abs(np.arcsin(r[i, j]) - np.arcsin(prod[i, j]))[moved].sum()
    np.testing.assert_allclose(corr.arcsin_deviation, expected, rtol=1e-10)
    assert corr.pairs == 3


@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
def test_near_product_form_pvalues_within_the_stated_bound(alternative: str) -> None:
    """Product-form p-values vs the general engine on the dense correlation.

    A strong low-rank part on 4 of 15 comparisons (far larger than a few missing plots
    give) so that the difference is visible: it stays within the Li-Shao bound plus the
    engine's own stated error.
    """
    cov = _low_rank(16, [2, 5, 7, 11], seed=3, size=0.6)
    idx = list(range(1, 16))
    se, corr = _near_product_form_family(cov, idx, 0, 1.0)
    w = np.zeros((15, 16))
    w[np.arange(15), idx] = 1.0
    w[:, 0] -= 1.0
    vc = w @ np.asarray(cov) @ w.T
    dense_corr = vc / np.outer(se, se)
    t = np.linspace(0.3, 3.6, 15)
    p_near, _ = dunnett_pvalues(t, corr, 20.0, alternative=alternative)
    p_dense, acc = dunnett_pvalues(t, dense_corr, 20.0, alternative=alternative)
    two = alternative == "two-sided"
    bounds = np.array([corr.error_bound(c, 20.0, two_sided=two) for c in t])
    assert corr.arcsin_deviation > 0.05  # the check is not vacuous
    assert np.all(np.abs(p_near - p_dense) <= bounds + acc.abs_error)


def test_error_bound_is_zero_without_differing_pairs_and_falls_with_the_threshold() -> None:
    """No differing pair: exact; otherwise the bound decreases in c (t and normal)."""
    assert (
        NearProductFormCorrelation([0.5, 0.5], 0.0, 0.0, 0).error_bound(0.0, 10, two_sided=True)
        == 0
    )
    corr = NearProductFormCorrelation([0.5, 0.5, 0.5], 0.01, 0.6, 1)
    values = [corr.error_bound(c, df, two_sided=True) for df in (10.0, np.inf) for c in (0, 2, 4)]
    # c = 0: (2 / pi) x 0.01 whatever the df
    np.testing.assert_allclose([values[0], values[3]], 0.02 / np.pi, rtol=1e-14)
    assert values[0] > values[1] > values[2] and values[3] > values[4] > values[5]


# ------------------------------------------------------------------- the structured matrix


def test_low_rank_covariance_operations_match_dense() -> None:
    """Entries, sub-matrices, take, scaling, quadratic forms and Woodbury solve."""
    cov = _low_rank(9, [1, 4, 6], seed=7, size=0.5)
    dense = np.asarray(cov)
    np.testing.assert_allclose(dense, dense.T)
    a = np.array([1, 4, 0, 8])
    np.testing.assert_allclose(cov[np.ix_(a, a)], dense[np.ix_(a, a)], rtol=1e-14)
    np.testing.assert_allclose(cov[a, 4], dense[a, 4], rtol=1e-14)
    np.testing.assert_allclose(np.asarray(cov.take(a)), dense[np.ix_(a, a)], rtol=1e-14)
    np.testing.assert_allclose(np.asarray(2.0 * cov), 2.0 * dense, rtol=1e-14)
    w = np.random.default_rng(1).normal(size=(5, 9))
    np.testing.assert_allclose(
        quadratic_forms(cov, w), np.einsum("ci,ij,cj->c", w, dense, w), rtol=1e-12
    )
    b = np.random.default_rng(2).normal(size=(9, 2))
    np.testing.assert_allclose(cov.solve(b), np.linalg.solve(dense, b), rtol=1e-10)


# ------------------------------------------------------------------- scale


def test_ten_thousand_entries_with_missing_plots_without_a_k_by_k_array(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """10,000 entries x 3 blocks, 3 missing plots: fit, ANOVA, F, letters, Dunnett, linear memory.

    The dense LS-mean covariance (800 MB) and the dense fit (30,000 x 10,002 model matrix,
    2.4 GB) are made impossible; the traced peak stays far below one such array.

    Entry effects of SD 200 kg/ha (not 600): the Dunnett integral runs only for the
    statistics whose adjusted p is below 1 (``distributions._exceedances_many``), 771
    thresholds in chunks of 250 here (the smallest adjusted p 0.03) against about 7,800
    with 600 kg/ha, which cost 19 of the test's 22 CPU s (stop 49); the same code paths.
    """
    import tracemalloc

    def refuse(self: LowRankUpdateCovariance, dtype: object = None, copy: object = None) -> None:
        raise AssertionError("the structured covariance was made dense")

    def no_dense_fit(*args: object, **kwargs: object) -> None:
        raise AssertionError("the dense model matrix was built")

    monkeypatch.setattr(LowRankUpdateCovariance, "__array__", refuse)
    monkeypatch.setattr(model, "model_matrix", no_dense_fit)
    monkeypatch.setattr(anova_tables, "model_matrix", no_dense_fit)
    data = _rcbd(10_000, 3, 3, seed=4, effect_sd=200.0)
    model._fit_cache.clear()
    tracemalloc.start()
    try:
        fitted = fit(data, response="yield_kg_ha", treatment="treatment", block="block")
        table = anova_tables.anova(
            data, response="yield_kg_ha", treatment="treatment", block="block"
        ).table
        mm = fitted.means_model()
        f, df1, _ = treatment_f_test(mm)
        letters = two_level_letters(mm, test="tukey", always=["CK"])
        versus = compare_means_to_control(mm, control="CK")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        model._fit_cache.clear()
    assert isinstance(mm.cov, LowRankUpdateCovariance) and mm.cov.touched.size <= 3
    assert fitted.df_error == 30_000 - 3 - 10_002
    row = table.set_index("source").loc["treatment"]
    assert int(row["df"]) == df1 == 9_999
    np.testing.assert_allclose(row["f"], f, rtol=1e-9)  # Woodbury Wald F = type II F
    assert letters.attrs["letters_summary"]["pairs"] == 10_000 * 9_999 // 2
    assert len(versus) == 9_999 and versus["p_value_adjusted"].between(0, 1).all()
    assert "Li-Shao" in versus.attrs["accuracy"]
    assert peak < 300e6  # bytes; one dense 10,000 x 10,000 float array is 800e6


def test_absorbed_fit_too_large_for_memory_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A nuisance part beyond the memory limit is refused with what to do."""
    monkeypatch.setattr(_absorb, "ABSORB_MAX_BYTES", 1000)
    codes, n_levels, y = _codes(_rcbd(60, 3, 2, seed=1), ["treatment", "block"])
    with pytest.raises(DataValidationError, match="GiB of memory; analyse the trial in parts"):
        _absorb.absorbed_fit(codes, n_levels, "treatment", y)


def test_structured_means_model_replaced_by_dense_gives_same_dunnett_se(pair: tuple) -> None:
    """Dunnett SEs and statistics: structured family = dense family (correlation aside)."""
    _, absorbed, _ = pair
    mm = absorbed.means_model()
    dense = dataclasses.replace(mm, cov=np.asarray(mm.cov, dtype=float))
    a = compare_means_to_control(mm, control="CK")
    d = compare_means_to_control(dense, control="CK")
    np.testing.assert_allclose(a["se_kg_ha"], d["se_kg_ha"], rtol=1e-12)
    np.testing.assert_allclose(a["statistic"], d["statistic"], rtol=1e-12)


def test_near_product_form_groups_equal_rows_as_the_pair_loop(monkeypatch) -> None:
    """Members with equal (d_i, F_i) visited once per group pair: the per-pair sums.

    An augmented trial fitted with the entries absorbed (3 checks, 5 blocks of 12 entries:
    every row of F non-zero, one distinct row per block): deviation sum, pair count and
    largest rho against every pair of the dense family correlation ``w V w'``.
    """
    import yieldtrial.stats.augmented as aug

    rng = np.random.default_rng(47)
    rows = [(f"B{j}", f"CK{k}", 7000.0 + 300 * k + rng.normal(0, 400)) for j in range(5)
            for k in range(3)]  # fmt: skip
    rows += [(f"B{e % 5}", f"E{e:03d}", 7000.0 + rng.normal(0, 700)) for e in range(60)]
    df = pd.DataFrame(rows, columns=["block", "treatment", "y"])
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 0)
    res = aug.augmented_anova(df, response="y", treatment="treatment", block="block")
    cov = res.means_model().cov
    assert isinstance(cov, LowRankUpdateCovariance) and cov.origin == "augmented"
    k = len(cov)
    idx = list(range(1, k))
    se, corr = _near_product_form_family(cov, idx, 0, 1.0)
    w = np.zeros((k - 1, k))
    w[np.arange(k - 1), idx] = 1.0
    w[:, 0] -= 1.0
    vc = w @ np.asarray(cov) @ w.T
    np.testing.assert_allclose(se, np.sqrt(np.diag(vc)), rtol=1e-12)
    i, j = np.triu_indices(k - 1, 1)
    r = np.clip((vc / np.outer(se, se))[i, j], -1.0, 1.0)
    prod = corr.lam[i] * corr.lam[j]
    dev = np.abs(np.arcsin(r) - np.arcsin(prod))
    np.testing.assert_allclose(corr.arcsin_deviation, dev.sum(), rtol=1e-10)
    # pairs exactly of product form in exact arithmetic (a check's comparison with an entry)
    # may come out 1e-17 off it in either computation: count the clearly different ones
    assert int(np.count_nonzero(dev > 1e-9)) <= corr.pairs <= dev.size
    rho = np.maximum(np.abs(r), np.abs(prod))
    assert float(np.max(rho[dev > 1e-9])) <= corr.rho_max + 1e-12
    assert corr.rho_max <= float(np.max(rho)) + 1e-12
    assert corr.source == "augmented"
