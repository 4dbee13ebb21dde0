"""Unbalanced CRD and RCBD fitted with the blocks absorbed (issue 13, stop 31).

Expected values come from the pre-existing dense path of the same model (the SVD of the
full model matrix: :func:`~yieldtrial.stats.model.least_squares` with
:func:`~yieldtrial.stats.model.model_matrix` and
:func:`~yieldtrial.stats.model.reference_grid_means`, or ``fit`` with its default dispatch)
and from statsmodels' OLS: residuals, hat diagonal, error mean square and df, the LS-means
as the OLS predictions averaged over every block (``emmeans``' reference grid) with their
covariance ``L cov_params L'``, and ``anova_lm(typ=2)`` for the type II sums of squares,
F and p.  The designs are small unbalanced RCBDs: random missing plots, some cells with two
plots (unequal replication), a block holding one plot and a treatment absent from several
blocks.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from yieldtrial.errors import DataValidationError
from yieldtrial.stats import _absorb_blocks, anova_tables, model
from yieldtrial.stats.compare import compare_means_to_control, pairwise_means
from yieldtrial.stats.model import fit, least_squares, model_matrix, reference_grid_means
from yieldtrial.stats.multiple_range import two_level_letters

ARGS = {"response": "yield_kg_ha", "treatment": "treatment", "block": "block"}


def _rcbd(seed: int, k: int, blocks: int) -> pd.DataFrame:
    """Build an unbalanced RCBD of ``k`` treatments in ``blocks`` blocks.

    About 20 % of the plots missing, 6 cells with two plots, block B0 with one plot (T0)
    and treatment T1 absent from blocks B1-B3; every treatment keeps blocks B4 and B5.
    """
    rng = np.random.default_rng(seed)
    cells = [(f"B{b}", f"T{t}") for b in range(blocks) for t in range(k)]
    data = pd.DataFrame(cells, columns=["block", "treatment"])
    keep = rng.random(len(data)) > 0.2
    keep |= data["block"].isin(["B4", "B5"]).to_numpy()  # every treatment kept somewhere
    keep &= ~(data["treatment"].eq("T1") & data["block"].isin(["B1", "B2", "B3"])).to_numpy()
    keep &= ~(data["block"].eq("B0") & data["treatment"].ne("T0")).to_numpy()
    keep |= (data["block"].eq("B0") & data["treatment"].eq("T0")).to_numpy()
    data = data[keep]
    doubled = data[data["block"] != "B0"].sample(6, random_state=seed)
    data = pd.concat([data, doubled], ignore_index=True)
    data = data.sample(frac=1.0, random_state=seed + 1).reset_index(drop=True)  # shuffled
    effect_t = rng.normal(0.0, 500.0, k)
    effect_b = rng.normal(0.0, 300.0, blocks)
    t = data["treatment"].str[1:].astype(int).to_numpy()
    b = data["block"].str[1:].astype(int).to_numpy()
    data["yield_kg_ha"] = 7000.0 + effect_t[t] + effect_b[b] + rng.normal(0.0, 250.0, len(data))
    return data


CASES = [(seed, 4 + seed % 4, 6 + seed % 5) for seed in range(8)]


def _codes(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int, int, np.ndarray]:
    t, t_levels = pd.factorize(data["treatment"])
    b, b_levels = pd.factorize(data["block"])
    y = data["yield_kg_ha"].to_numpy()
    return t, b, len(t_levels), len(b_levels), y - y.mean()


def _dense(t: np.ndarray, b: np.ndarray | None, k: int, q: int, y: np.ndarray) -> dict:
    """Fit by the pre-existing SVD path (model.py's unbalanced branch) on the same codes."""
    codes = {"t": t} if b is None else {"t": t, "b": b}
    n_levels = {"t": k} if b is None else {"t": k, "b": q}
    terms = [(f,) for f in n_levels]
    x, _ = model_matrix(codes, n_levels, terms)
    sol = least_squares(x, y)
    lmat = reference_grid_means("t", n_levels, terms)
    df_error = y.size - sol.rank
    mse = sol.rss / df_error
    a = lmat @ (sol.right.T / sol.singular_values)
    return {"lsmeans": lmat @ sol.coef, "cov": mse * (a @ a.T), "mse": mse, "df": df_error,
            "rank": sol.rank, "fitted": sol.fitted, "residuals": sol.residuals,
            "leverage": sol.leverage, "estimable": sol.estimable(lmat)}  # fmt: skip


def _statsmodels(data: pd.DataFrame, formula: str, blocks: bool = True) -> dict:
    """OLS, hat diagonal, type II table and LS-means (predictions averaged over blocks)."""
    import statsmodels.api as sm
    from statsmodels.formula.api import ols

    res = ols(formula, data).fit()
    levels = list(pd.unique(data["treatment"]))
    # the grid rows of statsmodels' treatment coding (its parameter names), each level's
    # averaged over the blocks: intercept 1, its own column 1, each block column 1/q
    names = list(res.params.index)
    n_blocks = data["block"].nunique() if blocks else 1
    lmat = np.zeros((len(levels), len(names)))
    for i, level in enumerate(levels):
        for j, name in enumerate(names):
            if name == "Intercept" or name == f"C(treatment)[T.{level}]":
                lmat[i, j] = 1.0
            elif name.startswith("C(block)[T."):
                lmat[i, j] = 1.0 / n_blocks
    cov_params = np.asarray(res.cov_params())
    return {
        "levels": levels,
        "lsmeans": lmat @ np.asarray(res.params),
        "cov": lmat @ cov_params @ lmat.T,
        "resid": np.asarray(res.resid),
        "fitted": np.asarray(res.fittedvalues),
        "hat": res.get_influence().hat_matrix_diag,
        "mse": float(res.mse_resid),
        "df": float(res.df_resid),
        "anova": sm.stats.anova_lm(res, typ=2),
    }


def _forced(data: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, **args: str | None):
    """``fit`` and ``anova`` with the absorption threshold at 0 bytes: the blocks are absorbed."""
    monkeypatch.setattr(model, "ABSORB_BLOCKS_ABOVE_BYTES", 0)
    model._fit_cache.clear()
    try:
        fitted = fit(data, **{**ARGS, **args})
        table = anova_tables.anova(data, **{**ARGS, **args}).table.set_index("source")
    finally:
        model._fit_cache.clear()
    return fitted, table


def _default(data: pd.DataFrame, **args: str):
    model._fit_cache.clear()
    try:
        return fit(data, **{**ARGS, **args})
    finally:
        model._fit_cache.clear()


# ------------------------------------------------------------------ the module, dense path


@pytest.mark.parametrize(("seed", "k", "blocks"), CASES)
def test_block_absorbed_fit_equals_the_dense_fit(seed: int, k: int, blocks: int) -> None:
    """LS-means, covariance, MSE, df, rank, fitted, residuals, leverages: the SVD to 1e-9."""
    t, b, k, q, y = _codes(_rcbd(seed, k, blocks))
    ref = _dense(t, b, k, q, y)
    sol = _absorb_blocks.block_absorbed_fit(t, b, k, q, y)
    assert ref["estimable"].all() and sol.estimable.all()
    assert (sol.df_error, sol.rank) == (ref["df"], ref["rank"])
    np.testing.assert_allclose(sol.mse, ref["mse"], rtol=1e-9)
    np.testing.assert_allclose(sol.lsmeans, ref["lsmeans"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(sol.cov, ref["cov"], rtol=0, atol=1e-9 * ref["mse"])
    np.testing.assert_allclose(sol.fitted, ref["fitted"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(sol.residuals, ref["residuals"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(sol.leverage, ref["leverage"], rtol=0, atol=1e-9)


def test_chunked_accumulation_equals_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks and plots visited a few at a time (chunk of 8 values): the dense fit's numbers."""
    t, b, k, q, y = _codes(_rcbd(7, 7, 11))
    ref = _dense(t, b, k, q, y)
    monkeypatch.setattr(_absorb_blocks, "_CHUNK", 8)  # 1 block and 1 plot at a time (k = 7)
    sol = _absorb_blocks.block_absorbed_fit(t, b, k, q, y)
    np.testing.assert_allclose(sol.lsmeans, ref["lsmeans"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(sol.cov, ref["cov"], rtol=0, atol=1e-9 * ref["mse"])
    np.testing.assert_allclose(sol.leverage, ref["leverage"], rtol=0, atol=1e-9)


def test_a_block_with_one_plot_has_leverage_one() -> None:
    # block B0 holds only T0: its plot fixes the block effect (h = 1, residual 0), as in the
    # dense fit
    data = _rcbd(3, 5, 7)
    t, b, k, q, y = _codes(data)
    sol = _absorb_blocks.block_absorbed_fit(t, b, k, q, y)
    alone = np.flatnonzero(data["block"].to_numpy() == "B0")
    assert alone.size == 1
    np.testing.assert_allclose(sol.leverage[alone], 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(sol.residuals[alone], 0.0, rtol=0, atol=1e-9)


def test_crd_as_one_block_equals_the_dense_fit() -> None:
    """No blocks (unequal replication): the means, MSE / r, leverages 1 / r of the SVD."""
    t, _, k, _, y = _codes(_rcbd(5, 6, 8))
    ref = _dense(t, None, k, 1, y)
    sol = _absorb_blocks.block_absorbed_fit(t, None, k, 1, y)
    assert (sol.df_error, sol.rank) == (ref["df"], ref["rank"])
    np.testing.assert_allclose(sol.lsmeans, ref["lsmeans"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(sol.cov, ref["cov"], rtol=0, atol=1e-9 * ref["mse"])
    np.testing.assert_allclose(sol.residuals, ref["residuals"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(sol.leverage, ref["leverage"], rtol=0, atol=1e-9)
    assert set(sol.sum_sq) == {"treatment"}


def test_disconnected_design_is_not_estimable_as_in_the_dense_fit() -> None:
    # treatments A, B only in blocks 1-2 and C, D only in blocks 3-4: two separate trials
    t = np.array([0, 1, 0, 1, 0, 2, 3, 2, 3])
    b = np.array([0, 0, 1, 1, 1, 2, 2, 3, 3])
    y = np.array([1.0, 2.0, 4.0, 3.5, 4.5, 6.0, 2.0, 5.0, 1.0])
    y = y - y.mean()
    ref = _dense(t, b, 4, 4, y)
    sol = _absorb_blocks.block_absorbed_fit(t, b, 4, 4, y)
    assert sol.estimable.tolist() == ref["estimable"].tolist() == [False] * 4
    assert sol.rank == ref["rank"] == 6


def test_fit_too_large_for_memory_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_absorb_blocks, "ABSORB_BLOCKS_MAX_BYTES", 1000)
    t, b, k, q, y = _codes(_rcbd(0, 4, 6))
    with pytest.raises(DataValidationError, match=r"blocks absorbed needs about .* GiB of memory"):
        _absorb_blocks.block_absorbed_fit(t, b, k, q, y)


# ------------------------------------------------------- fit() and anova() vs statsmodels


@pytest.mark.parametrize(("seed", "k", "blocks"), CASES[:4])
def test_forced_fit_equals_statsmodels(
    seed: int, k: int, blocks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fit() with the blocks absorbed: OLS residuals, hat diagonal, MSE, df, LS-means, cov."""
    data = _rcbd(seed, k, blocks)
    fitted, _ = _forced(data, monkeypatch)
    ref = _statsmodels(data, "yield_kg_ha ~ C(treatment) + C(block)")
    assert fitted.sum_sq is not None  # the blocks-absorbed branch ran
    assert list(fitted.levels) == ref["levels"]
    assert fitted.df_error == ref["df"]
    np.testing.assert_allclose(fitted.mse, ref["mse"], rtol=1e-9)
    np.testing.assert_allclose(fitted.residuals.to_numpy(), ref["resid"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(fitted.fitted.to_numpy(), ref["fitted"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(fitted.leverage.to_numpy(), ref["hat"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(fitted.lsmeans, ref["lsmeans"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(fitted.lsmeans_cov, ref["cov"], rtol=0, atol=1e-9 * ref["mse"])


@pytest.mark.parametrize(("seed", "k", "blocks"), CASES[:4])
def test_forced_anova_equals_statsmodels_type_ii(
    seed: int, k: int, blocks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Type II sums of squares, df, F and p of treatments and blocks: anova_lm(typ=2)."""
    data = _rcbd(seed, k, blocks)
    _, table = _forced(data, monkeypatch)
    ref = _statsmodels(data, "yield_kg_ha ~ C(treatment) + C(block)")["anova"]
    for ours, theirs in (("treatment", "C(treatment)"), ("block", "C(block)")):
        assert table.loc[ours, "df"] == ref.loc[theirs, "df"]
        np.testing.assert_allclose(table.loc[ours, "sum_sq"], ref.loc[theirs, "sum_sq"],
                                   rtol=1e-9)  # fmt: skip
        np.testing.assert_allclose(table.loc[ours, "f"], ref.loc[theirs, "F"], rtol=1e-9)
        np.testing.assert_allclose(table.loc[ours, "p_value"], ref.loc[theirs, "PR(>F)"],
                                   rtol=1e-9)  # fmt: skip
    np.testing.assert_allclose(table.loc["residual", "sum_sq"], ref.loc["Residual", "sum_sq"],
                               rtol=1e-9)  # fmt: skip


def test_forced_crd_equals_statsmodels(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unbalanced CRD (one block absorbed): OLS on the treatments, anova_lm(typ=2)."""
    data = _rcbd(6, 5, 7)
    fitted, table = _forced(data, monkeypatch, block=None, design="crd")
    ref = _statsmodels(data, "yield_kg_ha ~ C(treatment)", blocks=False)
    assert fitted.sum_sq is not None and fitted.df_error == ref["df"]
    np.testing.assert_allclose(fitted.lsmeans, ref["lsmeans"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(fitted.lsmeans_cov, ref["cov"], rtol=0, atol=1e-9 * ref["mse"])
    np.testing.assert_allclose(fitted.leverage.to_numpy(), ref["hat"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(table.loc["treatment", "f"], ref["anova"].loc["C(treatment)", "F"],
                               rtol=1e-9)  # fmt: skip


def test_forced_fit_equals_the_default_dense_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every field a consumer reads: the absorbed DesignFit against fit()'s own SVD path."""
    data = _rcbd(2, 6, 8)
    dense = _default(data)
    absorbed, _ = _forced(data, monkeypatch)
    assert dense.sum_sq is None and isinstance(dense.lsmeans_cov, np.ndarray)
    assert (absorbed.rank, absorbed.df_error, absorbed.df_model) == (
        dense.rank, dense.df_error, dense.df_model)  # fmt: skip
    assert absorbed.levels == dense.levels and absorbed.blocks == dense.blocks
    np.testing.assert_allclose(absorbed.lsmeans, dense.lsmeans, rtol=0, atol=1e-9)
    np.testing.assert_allclose(absorbed.lsmeans_centred, dense.lsmeans_centred, rtol=0, atol=1e-9)
    np.testing.assert_allclose(absorbed.lsmeans_cov, dense.lsmeans_cov, rtol=0,
                               atol=1e-9 * dense.mse)  # fmt: skip
    pd.testing.assert_series_equal(absorbed.residuals, dense.residuals, rtol=0, atol=1e-9)
    pd.testing.assert_series_equal(absorbed.leverage, dense.leverage, rtol=0, atol=1e-9)


def test_forced_comparisons_and_letters_equal_the_dense_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Dunnett (vs T0), Tukey pairs and letters from the absorbed fit: the dense numbers."""
    data = _rcbd(4, 7, 9)
    mm_d = _default(data).means_model()
    mm_a = _forced(data, monkeypatch)[0].means_model()
    dun_a = compare_means_to_control(mm_a, control="T0", method="dunnett")
    dun_d = compare_means_to_control(mm_d, control="T0", method="dunnett")
    for col in ("se_kg_ha", "statistic", "p_value_adjusted"):
        np.testing.assert_allclose(dun_a[col], dun_d[col], rtol=1e-6, atol=1e-9)
    pw_a, pw_d = pairwise_means(mm_a, method="tukey"), pairwise_means(mm_d, method="tukey")
    for col in ("se_kg_ha", "statistic", "p_value_adjusted"):
        np.testing.assert_allclose(pw_a[col], pw_d[col], rtol=1e-9, atol=1e-12)
    let_a = two_level_letters(mm_a, test="tukey")
    let_d = two_level_letters(mm_d, test="tukey")
    pd.testing.assert_frame_equal(let_a, let_d, check_exact=False, rtol=1e-9)


def test_disconnected_design_gives_the_same_error_as_the_dense_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = pd.DataFrame({
        "treatment": ["A", "B", "A", "B", "A", "C", "D", "C", "D"],
        "block": ["1", "1", "2", "2", "2", "3", "3", "4", "4"],
        "yield_kg_ha": [1.0, 2.0, 4.0, 3.5, 4.5, 6.0, 2.0, 5.0, 1.0],
    })  # fmt: skip
    with pytest.raises(DataValidationError) as dense:
        _default(data)
    with pytest.raises(DataValidationError) as absorbed:
        _forced(data, monkeypatch)
    assert str(absorbed.value) == str(dense.value)
    assert "'A', 'B', 'C', 'D' is not estimable: the design is disconnected" in str(dense.value)


# ------------------------------------------------------------------ dispatch and memory


def test_only_large_fits_absorb_the_blocks() -> None:
    # 40 x 147,686 blocks (the 200 MB benchmark table with one plot missing) was refused by
    # the dense check; 40 x 1,000 blocks would need 3 x 39,999 x 1,040 x 8 bytes (about
    # 1 GB, 15 s) dense; 40 x 10 blocks keeps the SVD; a Latin square is never absorbed here
    big = {"treatment": 40, "block": 147_686}
    assert model.blocks_absorbed(5_907_439, big, "treatment")
    assert model.blocks_absorbed(39_999, {"treatment": 40, "block": 1_000}, "treatment")
    assert not model.blocks_absorbed(399, {"treatment": 40, "block": 10}, "treatment")
    latin = {"treatment": 40, "row": 40, "column": 40}
    assert not model.blocks_absorbed(10**8, latin, "treatment")


def test_many_blocks_with_a_missing_plot_fit_in_little_memory() -> None:
    """40 entries x 5,000 blocks (200,000 plots), one plot blank: fitted, not refused.

    The dense fit would need 3 x 199,999 x 5,040 x 8 bytes (24 GB; one n x q array alone
    8 GB).  fit() of the complete table (closed form) peaks at 26 MB under tracemalloc
    (measured); with the blocks absorbed the peak stays below 40 MB.
    """
    rng = np.random.default_rng(8)
    k, q = 40, 5_000
    data = pd.DataFrame({
        "block": np.repeat(np.arange(q), k).astype(str),
        "treatment": np.tile([f"T{i}" for i in range(k)], q),
        "yield_kg_ha": rng.normal(7000.0, 400.0, k * q),
    })  # fmt: skip
    data.loc[12_345, "yield_kg_ha"] = np.nan
    model._fit_cache.clear()
    tracemalloc.start()
    try:
        fitted = fit(data, **ARGS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        model._fit_cache.clear()
    assert fitted.df_error == k * q - 1 - (q + k - 1)
    assert fitted.sum_sq is not None
    assert peak < 40e6  # bytes
