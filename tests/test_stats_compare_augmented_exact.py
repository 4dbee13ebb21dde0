"""Exact Dunnett for augmented trials fitted with the entries absorbed (stop 43, issue 15).

From ``augmented.ABSORB_MIN_TREATMENTS`` treatments on, the LS-means covariance is
``diag(d) + F F'`` (``LowRankUpdateCovariance``).  With every check in every block and at
most three checks the vs-control family is of exact bifactor form; its loadings come from
the distinct rows of ``F`` (``compare._exact_bifactor_family``) and the nested quadrature
(``stats._mvt_nested``) integrates it, instead of the near product form with the Li-Shao
bound (0.040 at 600 entries).  Expected values come from (a) the dense path: the general
fit's ``t x t`` covariance, its family correlation, ``_mvt_nested.exact_bifactor`` and its
curve; (b) ``scipy.stats.multivariate_t.cdf`` on a small family of the same structure.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import yieldtrial.stats.augmented as aug
from yieldtrial.stats import compare
from yieldtrial.stats._covariance import (
    BifactorFamilyCorrelation,
    LowRankUpdateCovariance,
    NearProductFormCorrelation,
)
from yieldtrial.stats._mvt_nested import exact_bifactor, nested_curve
from yieldtrial.stats.compare import compare_means_to_control
from yieldtrial.stats.distributions import _with_chi_rule, dunnett_critical_value, dunnett_pvalues


def _trial(checks: int, blocks: int, per_block: int, seed: int = 7, drop=None) -> pd.DataFrame:
    """SYNTHETIC augmented RCBD: every check (CK1..) in every block, entries once each.

    yield = 7000 + treatment (SD 600) + block (SD 250) + plot (SD 400) kg/ha, as
    ``benchmarks/breeding_designs.py`` makes its tables; ``drop = (check, block)`` loses
    that check plot.
    """
    rng = np.random.default_rng(seed)
    block_eff = rng.normal(0.0, 250.0, blocks)
    check_eff = rng.normal(0.0, 600.0, checks)
    rows = []
    for b in range(blocks):
        for k in range(checks):
            if drop != (k + 1, b + 1):
                rows.append((f"CK{k + 1}", b + 1, 7000.0 + check_eff[k] + block_eff[b]))
        for j in range(per_block):
            y = 7000.0 + rng.normal(0.0, 600.0) + block_eff[b]
            rows.append((f"E{b * per_block + j + 1:05d}", b + 1, y))
    frame = pd.DataFrame(rows, columns=["treatment", "block", "yield_kg_ha"])
    frame["yield_kg_ha"] += rng.normal(0.0, 400.0, len(frame))
    return frame


def _means(frame: pd.DataFrame, checks: int):
    labels = [f"CK{k + 1}" for k in range(checks)]
    fit = aug.augmented_anova(
        frame, response="yield_kg_ha", treatment="treatment", block="block", checks=labels
    )
    return fit.means_model()


def _family(mm, scale: float = 1.0):
    ic = mm.index("CK1")
    idx = [i for i in range(len(mm.levels)) if i != ic]
    se, corr = compare._versus_control_family(mm.cov, idx, ic, scale)
    return idx, ic, se, corr


@pytest.mark.parametrize("checks", [2, 3])
def test_absorbed_p_values_equal_the_dense_exact_bifactor(monkeypatch, checks):
    """603-604 treatments: the absorbed family's P values = the general fit's dense form.

    Expected: the general fit (entries not absorbed) gives the t x t covariance; its
    family correlation goes to ``exact_bifactor`` and ``nested_curve`` (what the dense
    path does for a family of up to 500 comparisons).  Equal within the stated error
    (measured: 5e-14 apart, stated 1.6e-5 with two checks, 1.0e-6 with three).
    """
    frame = _trial(checks, 12, 50)
    mm = _means(frame, checks)
    assert isinstance(mm.cov, LowRankUpdateCovariance) and len(mm.levels) >= 502
    out = compare_means_to_control(mm, control="CK1")
    assert "nested quadrature" in out.attrs["accuracy"]
    stated = out.attrs["accuracy_abs_error"]
    assert stated < 1e-4

    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 10**9)
    dense = _means(frame, checks)
    assert isinstance(dense.cov, np.ndarray)
    ic = dense.index("CK1")
    idx = [i for i in range(len(dense.levels)) if i != ic]
    v = compare._versus_control_cov(dense.cov, idx, ic, 1.0)
    fit = exact_bifactor(np.round(compare._family_corr(v), 12))
    assert fit is not None
    curve = _with_chi_rule(nested_curve(fit, two_sided=True), float(dense.df))
    t = (dense.estimates[idx] - dense.estimates[ic]) / np.sqrt(np.diag(v))
    expected, dense_error = curve.exceedance(np.abs(t))
    levels = [dense.levels[i] for i in idx]
    got = out.set_index("treatment").loc[levels, "p_value_adjusted"].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=0.0, atol=max(stated, dense_error[0]))
    assert np.min(expected) < 0.5  # some P values away from 1, so the check bites


def test_family_loadings_reproduce_the_dense_correlation():
    """The loadings built from F's distinct rows give the family's correlation to 1e-12.

    Expected: ``W V W'`` of the low-rank covariance made dense (small trial, absorbed by
    lowering ``ABSORB_MIN_TREATMENTS``), scaled to a correlation.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(aug, "ABSORB_MIN_TREATMENTS", 0)
        mm = _means(_trial(3, 5, 4), 3)
    assert isinstance(mm.cov, LowRankUpdateCovariance)
    idx, ic, se, _ = _family(mm)
    exact = compare._exact_bifactor_family(mm.cov, idx, ic, 1.0)
    assert exact is not None
    se_exact, corr = exact
    v = compare._versus_control_cov(np.asarray(mm.cov), idx, ic, 1.0)
    np.testing.assert_allclose(se_exact, np.sqrt(np.diag(v)), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(corr), compare._family_corr(v), rtol=0.0, atol=1e-12)
    # one group per block (4 entries each) and the two other checks' group
    assert sorted(np.bincount(corr.fit.label).tolist()) == [2, 4, 4, 4, 4, 4]


@pytest.mark.parametrize("checks", [3, 4])
@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
def test_small_absorbed_family_matches_scipy_multivariate_t(monkeypatch, checks, alternative):
    """3 blocks of 2 entries: 8 (9) comparisons against scipy's multivariate t CDF.

    Expected: ``scipy.stats.multivariate_t(shape=corr, df).cdf`` (randomized QMC, seeded,
    400,000 points) of the dense family correlation at three thresholds; the family here is
    absorbed (``ABSORB_MIN_TREATMENTS`` 0) and not made dense (``FAMILY_DENSE_MAX`` 0), so
    its P values come from the loadings (four checks: the other three checks' group of
    rank two, the polygon rule).  Measured: within 2.5e-6 of scipy at 400,000 points and
    2.1e-7 at 4,000,000 (three checks, stated error 1.4e-7); four checks 1.8e-7 at
    4,000,000 (stated 4.4e-7 two-sided, 2.1e-6 one-sided).
    """
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 0)
    monkeypatch.setattr(compare, "FAMILY_DENSE_MAX", 0)
    mm = _means(_trial(checks, 3, 2, seed=3), checks)
    idx, ic, _, corr = _family(mm)
    k = 6 + checks - 1
    assert isinstance(corr, BifactorFamilyCorrelation) and len(corr) == k
    assert (corr.fit.plane is not None) == (checks == 4)
    dense = np.asarray(compare._versus_control_cov(np.asarray(mm.cov), idx, ic, 1.0))
    r = compare._family_corr(dense)
    df = float(mm.df)
    c = np.array([1.8, 2.4, 3.0])
    p, acc = dunnett_pvalues(c, corr, df, alternative=alternative)
    assert acc.method == "exact-nested" and acc.abs_error < 1e-5
    dist = stats.multivariate_t(shape=r, df=df, seed=20261206)
    two = alternative == "two-sided"
    expected = [
        1.0
        - dist.cdf(np.full(k, x), lower_limit=np.full(k, -x if two else -np.inf), maxpts=400_000)
        for x in c
    ]
    np.testing.assert_allclose(p, expected, rtol=0.0, atol=1e-5)
    crit, acc_c = dunnett_critical_value(corr, df, alternative=alternative)
    assert acc_c.method == "exact-nested"
    lower = np.full(k, -crit if two else -np.inf)
    assert dist.cdf(np.full(k, crit), lower_limit=lower, maxpts=400_000) == pytest.approx(
        0.95, abs=1e-5
    )


def test_four_checks_are_exact_with_a_group_of_rank_two():
    """Four checks, 10 blocks of 50: the three other checks' group spans a plane.

    Expected: the loadings reproduce the dense family correlation (``W V W'`` of the
    low-rank covariance made dense) to 1e-12.
    """
    mm = _means(_trial(4, 10, 50), 4)
    assert isinstance(mm.cov, LowRankUpdateCovariance)
    idx, ic, _, corr = _family(mm)
    assert isinstance(corr, BifactorFamilyCorrelation) and corr.fit.plane is not None
    v = compare._versus_control_cov(np.asarray(mm.cov), idx, ic, 1.0)
    np.testing.assert_allclose(np.asarray(corr), compare._family_corr(v), rtol=0.0, atol=1e-12)


def test_five_checks_keep_the_near_product_form():
    """Five checks: the other checks' group has rank three; the Li-Shao bound stays."""
    mm = _means(_trial(5, 10, 50), 5)
    assert isinstance(mm.cov, LowRankUpdateCovariance)
    _, _, _, corr = _family(mm)
    assert isinstance(corr, NearProductFormCorrelation) and corr.pairs > 0


def test_a_lost_check_plot_keeps_the_near_product_form():
    """CK2 lost in block 3: the near product form with its bound stays.

    That block's check mean correlates with the general factor differently (not bifactor).
    """
    mm = _means(_trial(3, 12, 50, drop=(2, 3)), 3)
    assert isinstance(mm.cov, LowRankUpdateCovariance)
    _, _, _, corr = _family(mm)
    assert isinstance(corr, NearProductFormCorrelation)


def test_exact_family_states_no_li_shao_bound_and_flags_nothing():
    """603 treatments: the note is the nested quadrature's; no borderline warning.

    Before (stop 42) the Li-Shao bound was 0.040 at 600 entries and flagged borderline P
    values; the nested rule states about 1e-6 (below the 1e-4 of the warning).
    """
    mm = _means(_trial(3, 12, 50, seed=11), 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = compare_means_to_control(mm, control="CK1")
    assert "Li-Shao" not in out.attrs["accuracy"]
    assert out.attrs["accuracy"].startswith("nested quadrature multivariate t")
    assert out.attrs["accuracy_abs_error"] < 1e-4


def test_non_inferiority_family_keeps_the_near_product_form():
    """Non-inferiority contrasts ``e_i - (1 - margin) e_c``: Li-Shao stays.

    The block check means correlate with the general part by ``margin / (c b)``, so the
    family is not bifactor.
    """
    mm = _means(_trial(3, 12, 50), 3)
    ic = mm.index("CK1")
    idx = [i for i in range(len(mm.levels)) if i != ic]
    _, corr = compare._versus_control_family(mm.cov, idx, ic, 0.95)
    assert isinstance(corr, NearProductFormCorrelation)


def test_a_family_built_again_reuses_its_curve():
    """A report compares with the control twice: the second family finds the first curve."""
    mm = _means(_trial(3, 12, 50), 3)
    first = _family(mm)[3].normal_curve(two_sided=True)
    assert _family(mm)[3].normal_curve(two_sided=True) is first
