"""Dunnett and Tukey probabilities for non-product correlations against R's mvtnorm.

The references in ``tests/data/mvtnorm_reference/mvtnorm_reference.csv`` were computed by
``make_reference.R`` in that folder (R 4.2.2, mvtnorm 1.1-3 from Debian bookworm;
``pmvt`` with Genz & Bretz's randomized lattice rule and 1e7 points, 2e7 for the singular
Tukey case), each with mvtnorm's own error estimate (99 % confidence).  The correlations:

* ``dunnett_random.csv``: 20 treatment-vs-control contrasts of LS-means with a random
  covariance (``benchmarks/bench_dunnett_general.py::dunnett_correlation(20, seed 2024)``);
* ``dunnett_row_column.csv``: a resolvable row-column design 3 x 7 x 3 reps (rows and
  columns random); ``dunnett_alpha_b3.csv``: an alpha-lattice with blocks of 3;
  ``dunnett_split_plot.csv``: 21 cell means of a split-plot with 3 missing sub-plots (all
  from ``bench_dunnett_general.structured_cases``);
* ``tukey_rcbd7_cov.csv``: the LS-means covariance of an RCBD, 7 treatments x 4 blocks,
  3 plots missing (``rcbd_cov``); R integrates the 21 pairwise contrasts (singular, rank 6).

yieldtrial must agree within its own stated error plus mvtnorm's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldtrial.stats.distributions import dunnett_pvalues, tukey_general_pvalues

DATA = Path(__file__).parent / "data" / "mvtnorm_reference"
REFERENCE = pd.read_csv(DATA / "mvtnorm_reference.csv")


def _load(name: str) -> np.ndarray:
    return np.loadtxt(DATA / name, delimiter=",")


@pytest.mark.slow
@pytest.mark.parametrize("case", ["random", "row_column", "alpha_b3", "split_plot"])
def test_dunnett_matches_mvtnorm(case: str) -> None:
    corr = _load(f"dunnett_{case}.csv")
    rows = REFERENCE[REFERENCE["case"] == case]
    assert len(rows) == 4
    for row in rows.itertuples():
        alternative = "two-sided" if row.sides == 2 else "greater"
        p, accuracy = dunnett_pvalues(
            np.array([row.threshold]), corr, float(row.df), alternative=alternative
        )
        assert accuracy.abs_error <= 1e-4
        assert abs(p[0] - row.exceedance) <= accuracy.abs_error + row.error, (row, p[0])


def test_tukey_with_correlated_means_matches_mvtnorm() -> None:
    cov = _load("tukey_rcbd7_cov.csv")
    rows = REFERENCE[REFERENCE["case"] == "tukey_rcbd7"]
    assert len(rows) == 2
    p, accuracy = tukey_general_pvalues(rows["threshold"].to_numpy(), cov, 12.0)
    assert accuracy.abs_error <= 1e-4
    np.testing.assert_array_less(
        np.abs(p - rows["exceedance"].to_numpy()), accuracy.abs_error + rows["error"].to_numpy()
    )


def test_reference_correlations_are_valid() -> None:
    """Unit diagonal, symmetric, positive definite: what R was given."""
    for case in ("random", "row_column", "alpha_b3", "split_plot"):
        corr = _load(f"dunnett_{case}.csv")
        assert corr.shape == (20, 20)
        np.testing.assert_allclose(np.diag(corr), 1.0, atol=1e-12)
        np.testing.assert_allclose(corr, corr.T, atol=1e-14)
        assert np.linalg.eigvalsh(corr).min() > 0.0
