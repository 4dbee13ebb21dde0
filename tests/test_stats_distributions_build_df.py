"""The df a general Dunnett curve is built for (``distributions._build_df``).

Stop 42: a general-correlation curve was built for the power of two at or above the
family's largest df, so a REML alpha-lattice whose Satterthwaite df ran to 8.3 had its
curve's points chosen for 16 df (up to twice the df: 6,144 points per scramble instead of
2,048 on ``benchmarks/bench_dunnett_reviewer.py``'s ``alpha_k3_r2_lost3_s2``).  The classes
are now ``2 ** (j / 4)``: at most 1.19 times the df.
"""

from __future__ import annotations

import numpy as np
import pytest

from mvt_cases import PERMUTATIONS, contrast_corr, gls_means_cov
from yieldtrial.stats import distributions

#: The df of the family (a Satterthwaite df of a REML alpha-lattice with few plots).
DF = 8.3


def alpha_b3_two_reps_corr() -> np.ndarray:
    """21 entries, 2 replicates of 7 incomplete blocks of 3, plots 3, 25 and 40 lost.

    Blocks random (variance ratio 1.0), GLS LS-means by :func:`mvt_cases.gls_means_cov`.
    """
    trt, rep, blk = [], [], []
    for r, perm in enumerate(PERMUTATIONS[:2]):
        for pos, entry in enumerate(perm):
            trt.append(entry)
            rep.append(r)
            blk.append(7 * r + pos // 3)
    keep = np.setdiff1d(np.arange(len(trt)), [3, 25, 40])
    trt_a, rep_a, blk_a = (np.asarray(a)[keep] for a in (trt, rep, blk))
    return contrast_corr(gls_means_cov(trt_a, [rep_a], [blk_a], [1.0], 21))


#: scipy.stats.multivariate_t(shape=alpha_b3_two_reps_corr(), df=8.3).cdf on [-c, c]^20 with
#: maxpts=2,000,000, the mean of random_state 1 and 2 (half their difference 1.0e-5 at 2.0,
#: 1.7e-6 at 3.2, 6.0e-6 at the critical value; /tmp script of stop 42, 2026-12-06), as
#: exceedances ``1 - cdf``: (c, reference).  The critical value is this tree's (two-sided
#: 95 %), where the exceedance is 0.05.
REFERENCES = (
    (2.0, 0.3878841945345337),
    (3.2, 0.07923499202827894),
    (3.535883094558916, 0.049997192238653065),
)


@pytest.mark.parametrize(
    ("df", "expected"),
    [(8.0, 8.0), (8.3, 2.0**3.25), (7.3, 8.0), (30.0, 32.0), (4.5, 2.0**2.25), (300.0, np.inf)],
)
def test_the_build_df_is_the_quarter_octave_class_at_or_above_the_df(df, expected) -> None:
    assert distributions._build_df(df) == pytest.approx(expected, rel=1e-12)


def test_a_class_is_its_own_class() -> None:
    classes = [2.0 ** (j / 4) for j in range(-4, 33)]
    assert [distributions._build_df(c) for c in classes] == pytest.approx(classes, rel=1e-12)


def test_a_family_at_8_3_df_builds_its_curve_for_9_5_df(monkeypatch) -> None:
    built: list[float] = []
    make = distributions._dunnett_curve_cached

    def recorded(*key):
        built.append(key[3])
        return make(*key)

    monkeypatch.setattr(distributions, "_dunnett_curve_cached", recorded)
    make.cache_clear()
    distributions.dunnett_pvalues(np.array([2.0, 3.2]), alpha_b3_two_reps_corr(), DF)
    assert built == [pytest.approx(2.0**3.25, rel=1e-12)]  # 9.51, not 16


def test_its_p_values_and_critical_value_are_within_the_stated_error_of_scipy() -> None:
    corr = alpha_b3_two_reps_corr()
    distributions._dunnett_curve_cached.cache_clear()
    distributions._dunnett_critical_qmc_cached.cache_clear()
    p, accuracy = distributions.dunnett_pvalues(np.array([2.0, 3.2]), corr, DF)
    crit, crit_accuracy = distributions.dunnett_critical_value(corr, DF)
    assert accuracy.abs_error <= 1e-4 and crit_accuracy.abs_error <= 1e-4
    (_, ref0), (_, ref1), (c_ref, ref_c) = REFERENCES
    # the scipy references' own noise (up to 1.0e-5) is allowed on top of the stated error
    assert abs(p[0] - ref0) <= accuracy.abs_error + 3e-5  # 3.3e-6 off, stated 8.9e-5
    assert abs(p[1] - ref1) <= accuracy.abs_error + 5e-6  # 1.1e-6 off
    assert abs(crit - c_ref) < 1e-6
    assert abs(0.05 - ref_c) <= crit_accuracy.abs_error + 1.2e-5  # 2.8e-6 off, stated 5.6e-5
