"""Summarised letters of large families agree with the full (dense) test of every pair.

Expected values come from :func:`yieldtrial.stats.multiple_range._pairs`, the dense test
of every pair that small families use, and from :func:`compact_letters` run on its
verdicts restricted to the shown levels.
"""

from __future__ import annotations

import numpy as np
import pytest

from yieldtrial.stats import multiple_range as mr
from yieldtrial.stats._covariance import DiagonalCovariance, LowRankUpdateCovariance
from yieldtrial.stats._pair_scan import LETTERS_ALL_MAX, shown_levels
from yieldtrial.stats.letters import compact_letters
from yieldtrial.stats.results import MeansModel


def _mm(k: int, cov: object) -> MeansModel:
    est = np.random.default_rng(2).normal(100.0, 3.0, k)
    return MeansModel("t", tuple(f"G{i}" for i in range(k)), est, cov, 2.0 * k - 2.0,
                      np.full(k, 3), 6.0, "residual", "rcbd", "y ~ t + block", "y")  # fmt: skip


@pytest.mark.parametrize("test", ["tukey", "duncan", "snk", "lsd", "scheffe"])
@pytest.mark.parametrize("structured", [True, False])
def test_counts_and_shown_letters_equal_the_dense_test(test: str, structured: bool) -> None:
    k = 70
    cov = (
        DiagonalCovariance(np.full(k, 2.0))
        if structured
        else np.diag(np.random.default_rng(7).uniform(1.0, 3.0, k))
    )
    mm = _mm(k, cov)
    _, significant, *_ = mr._pairs(mm, test, 0.05, with_pairs=False)
    table = mr.summarised_letters(mm, test=test, alphas=(0.05,), top=20, always=["G3"])
    summary = table.attrs["letters_summary"]
    assert summary["significant_pairs"]["letters_05"] == int(significant.sum()) // 2
    shown = shown_levels(mm, ["G3"], 20)
    expected = compact_letters(
        [mm.levels[i] for i in shown], mm.contrast_basis[shown], significant[np.ix_(shown, shown)]
    )
    got = table.set_index("level")["letters_05"]
    assert {lv: got[lv] for lv in expected.index} == expected.to_dict()
    assert (got.drop(expected.index) == "").all()


@pytest.mark.parametrize("test", ["tukey", "duncan", "lsd", "scheffe"])
def test_low_rank_counts_equal_the_dense_test(test: str) -> None:
    """Low-rank covariance with 3 touched rows (entries with missing plots): dense counts.

    The sorted-means count of the complete entries plus the touched pairs (single-step
    tests; Duncan takes the chunked scan) equals the dense test of every pair.
    """
    k = 70
    factor = np.zeros((k, 2))
    factor[[4, 30, 61]] = np.random.default_rng(5).normal(0.0, 0.8, (3, 2))
    diag = np.full(k, 2.0)
    diag[[4, 30, 61]] = 3.0  # r = 2 instead of 3
    mm = _mm(k, LowRankUpdateCovariance(diag, factor))
    _, significant, *_ = mr._pairs(mm, test, 0.05, with_pairs=False)
    table = mr.summarised_letters(mm, test=test, alphas=(0.05,), top=20, always=["G4"])
    assert table.attrs["letters_summary"]["significant_pairs"]["letters_05"] == (
        int(significant.sum()) // 2
    )


def test_two_level_letters_summarise_above_the_limit() -> None:
    k = LETTERS_ALL_MAX + 1
    mm = _mm(k, DiagonalCovariance(np.full(k, 2.0)))
    table = mr.two_level_letters(mm, test="tukey", always=["G0"])
    assert len(table) == k
    assert list(table["rank"]) == list(range(1, k + 1))
    shown = table.attrs["letters_summary"]["shown"]
    assert "G0" in shown and len(shown) in (50, 51)
    assert (table.loc[~table["level"].isin(shown), "letters_01"] == "").all()
    assert table.loc[table["level"].isin(shown), "letters_01"].str.isupper().all()


def test_protected_lsd_declares_nothing_when_f_fails() -> None:
    k = 30
    est = np.full(k, 100.0) + np.linspace(0.0, 1e-3, k)  # means equal within noise: F fails
    mm = MeansModel("t", tuple(f"G{i}" for i in range(k)), est, DiagonalCovariance(np.full(k, 2.0)),
                    58.0, np.full(k, 3), 6.0, "residual", "rcbd", "y ~ t + block", "y")  # fmt: skip
    table = mr.summarised_letters(mm, test="lsd", alphas=(0.05,), protected=True)
    assert table.attrs["letters_summary"]["significant_pairs"]["letters_05"] == 0


def test_pairwise_table_of_millions_of_pairs_is_refused_clearly() -> None:
    """3,200 levels (5,118,400 pairs) would need gigabytes: a clear error, no allocation."""
    from yieldtrial.errors import DataValidationError
    from yieldtrial.stats.compare import pairwise_means

    k = 3_200
    mm = _mm(k, DiagonalCovariance(np.full(k, 2.0)))
    with pytest.raises(DataValidationError, match="5,118,400 pairs.*summarised_letters"):
        pairwise_means(mm)
