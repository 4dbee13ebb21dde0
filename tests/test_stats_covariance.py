"""The implicit covariance of balanced designs gives the dense path's numbers (issue 13 item 5).

Expected values come from the same functions run on the dense matrix
(``numpy.asarray(cov)``, the pre-existing path), from numpy's dense forms
(``w V w'``, ``np.triu_indices``), or from the exact product-form integral on every
threshold (for the saturation shortcut of large Dunnett families).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from yieldtrial.stats import distributions
from yieldtrial.stats._covariance import (
    DiagonalCovariance,
    ProductFormCorrelation,
    all_finite,
    diagonal,
    is_diagonal,
    mean_pair_sed,
    pair_chunks,
    pair_variances,
    quadratic_forms,
)
from yieldtrial.stats.compare import compare_means_to_control, pairwise_means, treatment_f_test
from yieldtrial.stats.model import fit
from yieldtrial.stats.multiple_range import two_level_letters
from yieldtrial.stats.results import MeansModel
from yieldtrial.stats.tables import means_table


def _rcbd(t: int, blocks: int = 3, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    effects = rng.normal(0.0, 600.0, t)
    labels = ["CK"] + [f"G{i:05d}" for i in range(1, t)]
    frames = [
        pd.DataFrame({"block": f"B{b}", "treatment": labels,
                      "yield_kg_ha": 7000.0 + effects + rng.normal(0.0, 400.0, t) + 50.0 * b})
        for b in range(blocks)
    ]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def _pair(t: int) -> tuple[MeansModel, MeansModel]:
    fitted = fit(_rcbd(t), response="yield_kg_ha", treatment="treatment", block="block")
    implicit = fitted.means_model()
    dense = dataclasses.replace(implicit, cov=np.asarray(implicit.cov, dtype=float))
    return implicit, dense


def test_balanced_fit_holds_the_diagonal_only() -> None:
    mm, _ = _pair(30)
    assert isinstance(mm.cov, DiagonalCovariance)
    # MSE / r on the diagonal (r = 3 blocks), 0 elsewhere
    dense = np.asarray(mm.cov)
    np.testing.assert_allclose(np.diag(dense), np.full(30, mm.mse / 3), rtol=1e-14)
    assert np.count_nonzero(dense - np.diag(np.diag(dense))) == 0


def test_unreplicated_balanced_covariance_is_nan() -> None:
    data = _rcbd(5, blocks=1)
    fitted = fit(data, response="yield_kg_ha", treatment="treatment", design="crd")
    assert np.isnan(np.asarray(fitted.lsmeans_cov)).all()
    assert not all_finite(fitted.lsmeans_cov)


def test_entries_match_dense() -> None:
    v = DiagonalCovariance([1.0, 2.0, 3.0, 4.0])
    dense = np.asarray(v)
    i, j = np.array([0, 1, 2, 3, 0]), np.array([0, 2, 2, 1, 3])
    np.testing.assert_array_equal(v[i, j], dense[i, j])
    np.testing.assert_array_equal(np.asarray(v.take([3, 1])), dense[np.ix_([3, 1], [3, 1])])
    np.testing.assert_array_equal(np.asarray(2.0 * v), 2.0 * dense)
    np.testing.assert_array_equal(diagonal(v), np.diag(dense))
    assert is_diagonal(v) and is_diagonal(dense)


def test_pair_variances_and_quadratic_forms_match_dense() -> None:
    v = DiagonalCovariance(np.linspace(1.0, 3.0, 6))
    dense = np.asarray(v)
    i, j = np.triu_indices(6, 1)
    np.testing.assert_allclose(pair_variances(v, i, j), pair_variances(dense, i, j), rtol=1e-15)
    w = np.random.default_rng(1).normal(size=(4, 6))
    expected = np.einsum("ci,ij,cj->c", w, dense, w)  # w V w' by numpy
    np.testing.assert_allclose(quadratic_forms(v, w), expected, rtol=1e-13)
    sed = np.sqrt(dense[i, i] + dense[j, j] - 2 * dense[i, j])
    assert mean_pair_sed(v) == pytest.approx(float(sed.mean()), rel=1e-13)


@pytest.mark.parametrize(("k", "chunk"), [(2, 1), (7, 3), (50, 100), (120, 1000)])
def test_pair_chunks_cover_every_pair_once(k: int, chunk: int) -> None:
    parts = list(pair_chunks(k, chunk=chunk))
    i = np.concatenate([p[0] for p in parts])
    j = np.concatenate([p[1] for p in parts])
    ei, ej = np.triu_indices(k, 1)
    np.testing.assert_array_equal(i, ei)
    np.testing.assert_array_equal(j, ej)


def test_product_form_correlation_is_the_versus_control_correlation() -> None:
    d, dc = np.array([1.0, 2.0, 4.0]), 2.0
    cov = np.diag(d) + dc  # Cov(b_i - b_c, b_j - b_c) for independent means
    sd = np.sqrt(np.diag(cov))
    expected = cov / np.outer(sd, sd)
    r = np.asarray(ProductFormCorrelation.versus_control(d, dc))
    np.testing.assert_allclose(r, expected, rtol=1e-14)


def test_dunnett_family_equals_dense_path() -> None:
    implicit, dense = _pair(60)
    a = compare_means_to_control(implicit, control="CK", margin_pct=5.0)
    b = compare_means_to_control(dense, control="CK", margin_pct=5.0)
    numeric = [c for c in a.columns if a[c].dtype.kind == "f"]
    np.testing.assert_allclose(a[numeric].to_numpy(), b[numeric].to_numpy(), rtol=1e-10, atol=1e-10)
    pd.testing.assert_series_equal(a["superior"], b["superior"])
    pd.testing.assert_series_equal(a["noninferior"], b["noninferior"])


def test_f_test_pairwise_and_letters_equal_dense_path() -> None:
    implicit, dense = _pair(25)
    np.testing.assert_allclose(treatment_f_test(implicit), treatment_f_test(dense), rtol=1e-10)
    pa, pb = pairwise_means(implicit), pairwise_means(dense)
    numeric = [c for c in pa.columns if pa[c].dtype.kind == "f"]
    np.testing.assert_allclose(pa[numeric].to_numpy(), pb[numeric].to_numpy(), rtol=1e-10)
    for test in ("tukey", "duncan"):
        pd.testing.assert_frame_equal(two_level_letters(implicit, test=test),
                                      two_level_letters(dense, test=test))  # fmt: skip
    ta, tb = means_table(implicit, control="CK"), means_table(dense, control="CK")
    pd.testing.assert_frame_equal(ta, tb, rtol=1e-10)


def test_saturated_dunnett_thresholds_equal_the_integral() -> None:
    """Large families skip thresholds whose p-value is 1 to 1e-10; the rest is unchanged."""
    rng = np.random.default_rng(3)
    m = 400  # above the shortcut's threshold of 256
    t = np.abs(rng.normal(0.0, 2.5, m))
    lam = np.full(m, np.sqrt(0.5))
    fast = distributions._exceedances_many(t, lam, 798.0, True)
    exact = distributions._exact_exceedances(t, lam, 798.0, True)
    assert np.any(fast == 1.0)
    np.testing.assert_allclose(fast, exact, rtol=0, atol=1e-10)


def test_ten_thousand_treatments_without_a_k_by_k_array(monkeypatch: pytest.MonkeyPatch) -> None:
    """10,000 entries x 3 blocks: fit, F test, Tukey letters, vs-control SEs stay linear.

    A dense LS-mean covariance of 10,000 means is 800 MB; converting the implicit one is
    made to fail, and the traced peak stays far below one such array.
    """
    import tracemalloc

    def refuse(self: DiagonalCovariance, dtype: object = None, copy: object = None) -> None:
        raise AssertionError("the implicit covariance was made dense")

    monkeypatch.setattr(DiagonalCovariance, "__array__", refuse)
    data = _rcbd(10_000)
    tracemalloc.start()
    try:
        fitted = fit(data, response="yield_kg_ha", treatment="treatment", block="block")
        mm = fitted.means_model()
        f, df1, p = treatment_f_test(mm)
        letters = two_level_letters(mm, test="tukey", always=["CK"])
        versus = compare_means_to_control(mm, control="CK", method="bonferroni")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(mm.cov, DiagonalCovariance)
    assert df1 == 9999 and 0.0 <= p <= 1.0
    summary = letters.attrs["letters_summary"]
    assert summary["pairs"] == 10_000 * 9_999 // 2
    assert "CK" in summary["shown"] and len(summary["shown"]) <= 51
    assert len(versus) == 9_999
    assert peak < 300e6  # bytes; one dense 10,000 x 10,000 float array is 800e6


def test_unbalanced_dense_fit_too_large_for_memory_is_a_clear_error() -> None:
    """The SVD path (50 treatments or fewer) refuses a fit beyond its memory limit.

    40 entries x 60,000 blocks: a 2.4 million x 60,040 model matrix (about 3 TiB).
    (10,000 entries with missing plots are fitted with the treatments absorbed:
    tests/test_stats_absorb.py.)
    """
    from yieldtrial.errors import DataValidationError
    from yieldtrial.stats.model import _check_dense_size

    levels = {"treatment": 40, "block": 60_000}
    with pytest.raises(DataValidationError, match="missing plots .* GiB of memory"):
        _check_dense_size(2_400_000, levels, treatment="treatment", response="yield_kg_ha")


def test_li_shao_bound_by_rho_bins_lies_between_the_pairwise_sum_and_the_rho_max_bound() -> None:
    # Li and Shao (2002, Theorem 2.1) take rho pair by pair; the binned sum bounds each pair
    # at its bin's upper edge, so it lies between the exact per-pair sum (brute force here)
    # and the single-rho_max form
    from yieldtrial.stats._covariance import NearProductFormCorrelation, rho_histogram

    rng = np.random.default_rng(5)
    dev = rng.uniform(0.0, 0.02, 400)
    rho = np.concatenate([rng.uniform(0.2, 0.3, 390), rng.uniform(0.7, 0.8, 10)])
    lam = np.full(30, 0.5)
    binned = NearProductFormCorrelation(
        lam, dev.sum(), rho.max(), dev.size, deviation_by_rho=rho_histogram(dev, rho)
    )
    single = NearProductFormCorrelation(lam, dev.sum(), rho.max(), dev.size)
    c, df = 3.5, 40.0
    per_pair = 2 / np.pi * np.sum(dev * (1 + 2 * c**2 / (df * (1 + rho))) ** (-df / 2))
    assert (
        per_pair
        <= binned.error_bound(c, df, two_sided=True)
        <= single.error_bound(c, df, two_sided=True)
    )
    # most pairs are weakly correlated: the binned bound is several times tighter
    assert binned.error_bound(c, df, two_sided=True) < 0.5 * single.error_bound(
        c, df, two_sided=True
    )


def test_rho_histogram_keeps_the_total() -> None:
    from yieldtrial.stats._covariance import RHO_BINS, rho_histogram

    rng = np.random.default_rng(6)
    dev, rho = rng.uniform(0, 1, 1000), rng.uniform(0, 1, 1000)
    hist = rho_histogram(dev, rho)
    assert hist.shape == (RHO_BINS,)
    assert hist.sum() == pytest.approx(dev.sum())


@pytest.mark.parametrize("shape", [(7,), (7, 3)], ids=["vector", "matrix"])
def test_low_rank_solve_with_zero_diagonal_entries(shape: tuple[int, ...]) -> None:
    """``V^-1 b`` with some ``d_i = 0`` (an absorbed augmented fit's checks): numpy's solve.

    Expected: ``numpy.linalg.solve`` of the dense ``diag(d) + F F'`` (nonsingular: the two
    zero-diagonal rows of ``F`` are independent).
    """
    from yieldtrial.stats._covariance import LowRankUpdateCovariance

    rng = np.random.default_rng(47)
    d = np.array([0.0, 0.0, 1.5, 2.0, 1.0, 3.0, 0.5])
    cov = LowRankUpdateCovariance(d, rng.normal(size=(7, 3)))
    b = rng.normal(size=shape)
    np.testing.assert_allclose(cov.solve(b), np.linalg.solve(np.asarray(cov), b), rtol=1e-10)


def test_low_rank_pair_variances_by_row_groups_equal_the_rows(monkeypatch) -> None:
    """Few distinct rows of F (an absorbed augmented fit): the lookup's pair variances.

    Expected: ``V_ii + V_jj - 2 V_ij`` of the dense matrix, for every pair.
    """
    from yieldtrial.stats import _covariance
    from yieldtrial.stats._covariance import LowRankUpdateCovariance

    rng = np.random.default_rng(47)
    rows = rng.normal(size=(4, 3))
    label = rng.integers(0, 4, size=30)
    cov = LowRankUpdateCovariance(rng.uniform(1.0, 2.0, 30), rows[label])
    monkeypatch.setattr(_covariance, "ROW_GROUPS_MAX", 5)  # 30 touched rows > 5: lookup
    i, j = np.triu_indices(30, 1)
    dense = np.asarray(cov)
    expected = np.diag(dense)[i] + np.diag(dense)[j] - 2.0 * dense[i, j]
    got = pair_variances(cov, i, j)
    assert cov.row_groups() is not None
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert np.all(pair_variances(cov, np.arange(30), np.arange(30)) == 0.0)
