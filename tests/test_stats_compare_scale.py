"""Comparisons without dense k x k contrast products give the dense products' values.

Expected values are the textbook dense forms computed here with numpy:
``W V W'`` for the contrasts against a control and ``(Cb)' (C V C')^-1 (Cb) / (k - 1)``
for the treatment F test with successive differences ``C``.
"""

from __future__ import annotations

import numpy as np
import pytest

from yieldtrial.stats.compare import _versus_control_cov, pairwise_means, treatment_f_test
from yieldtrial.stats.results import MeansModel


def _mm(cov: np.ndarray) -> MeansModel:
    k = cov.shape[0]
    est = np.linspace(90.0, 120.0, k) + np.sin(np.arange(k))
    return MeansModel(
        "treatment", tuple(f"T{i}" for i in range(k)), est, cov, 20.0, np.full(k, 4), 16.0,
        "residual", "rcbd", "y ~ treatment + block", "y",
    )  # fmt: skip


def _random_cov(k: int) -> np.ndarray:
    rng = np.random.default_rng(5)
    a = rng.normal(0.0, 0.5, (k, k))
    return np.asarray(np.diag(rng.uniform(2.0, 5.0, k)) + a @ a.T / k)


def _dense_f(mm: MeansModel) -> float:
    k = len(mm.levels)
    c = np.zeros((k - 1, k))
    c[np.arange(k - 1), np.arange(k - 1)] = 1.0
    c[np.arange(k - 1), np.arange(1, k)] = -1.0
    est = c @ mm.contrast_basis
    return float(est @ np.linalg.solve(c @ mm.cov @ c.T, est)) / (k - 1)


@pytest.mark.parametrize("scale", [1.0, 0.9])
def test_versus_control_cov_equals_dense_product(scale: float) -> None:
    cov = _random_cov(7)
    idx, ic = [0, 1, 3, 4, 5, 6], 2
    w = np.zeros((len(idx), 7))
    w[np.arange(len(idx)), idx] = 1.0
    w[:, ic] = -scale
    np.testing.assert_allclose(_versus_control_cov(cov, idx, ic, scale), w @ cov @ w.T, rtol=1e-12)


def test_f_test_general_covariance_equals_dense_form() -> None:
    mm = _mm(_random_cov(6))
    assert treatment_f_test(mm)[0] == pytest.approx(_dense_f(mm), rel=1e-10)


def test_f_test_diagonal_covariance_equals_dense_form() -> None:
    mm = _mm(np.diag(np.linspace(3.0, 6.0, 6)))
    assert treatment_f_test(mm)[0] == pytest.approx(_dense_f(mm), rel=1e-10)


def test_pairwise_se_equals_dense_contrast_variance() -> None:
    cov = _random_cov(5)
    out = pairwise_means(_mm(cov), method="lsd")
    i, j = np.triu_indices(5, 1)
    expected = np.sqrt(cov[i, i] + cov[j, j] - 2.0 * cov[i, j])
    np.testing.assert_allclose(out["se_y"] if "se_y" in out else out["se"], expected, rtol=1e-12)


def test_dense_family_note_names_the_factor_analytic_approximation() -> None:
    from yieldtrial.stats import compare
    from yieldtrial.stats._covariance import NearProductFormCorrelation, rho_histogram

    lam = np.full(600, 0.5)
    dev, rho = np.full(10, 0.01), np.full(10, 0.3)
    corr = NearProductFormCorrelation(
        lam, 0.1, 0.3, 10, deviation_by_rho=rho_histogram(dev, rho), source="dense_family"
    )
    t = np.linspace(0.0, 5.0, 600)
    _, _, _, note, error = compare._adjust_one_df("dunnett", t, corr, 30.0, "two-sided", 0.95)
    assert "factor-analytic approximation" in note
    assert "missing plots" not in note
    assert 0.0 < error < 1e-3


def test_dense_family_above_the_qmc_limit_uses_the_nearest_product_form() -> None:
    # a dense correlation (not diag + low rank) of a family larger than FAMILY_QMC_MAX is
    # replaced by its nearest product form with the Li-Shao terms; the note names it
    from yieldtrial.stats import compare
    from yieldtrial.stats._covariance import NearProductFormCorrelation

    rng = np.random.default_rng(8)
    m = 40
    a = rng.normal(0.0, 0.2, (m, m))
    corr = 0.25 + a @ a.T / (4 * m)
    sd = np.sqrt(np.diag(corr))
    corr = corr / np.outer(sd, sd)
    got = compare._nearest_product_form_family(corr)
    assert isinstance(got, NearProductFormCorrelation)
    assert got.source == "dense_family"
    assert got.pairs == m * (m - 1) // 2
    assert got.deviation_by_rho is not None
    assert got.deviation_by_rho.sum() == pytest.approx(got.arcsin_deviation)
