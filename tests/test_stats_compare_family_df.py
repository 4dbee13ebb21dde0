"""Dunnett for a family whose comparisons have several df (REML: Satterthwaite per contrast).

Stop 41: every df of the family got the general-correlation curve of its own df class
(``distributions._build_df``, the power of two at or above the df), so a row-column design
whose Satterthwaite df ran from 12.6 to 19.4 built two curves (classes 16 and 32) with the
same points and nodes: the Dunnett step took 0.27 s CPU on the first call instead of 0.17 s
(``benchmarks/bench_dunnett_reviewer.py --before main``).  Now the family's curve is built
once, for its largest df, and each row's p-value and critical value average it over its own
df's chi rule.
"""

from __future__ import annotations

import numpy as np

from mvt_cases import row_column_corr
from yieldtrial.stats import compare, distributions

#: 20 comparisons: the first 10 at 14 df (class 16), the last 10 at 19 df (class 32).
T = np.linspace(1.5, 3.6, 20)
DFS = np.array([14.0] * 10 + [19.0] * 10)

#: scipy.stats.multivariate_t(shape=row_column_corr(), df).cdf on [-c, c]^20 with
#: maxpts=4,000,000, the mean of random_state 1 and 2 (half their difference <= 1.3e-6;
#: /tmp script of stop 41, 2026-12-06),
#: as exceedances ``1 - cdf``: (c, df, reference).  The critical values are this tree's
#: (two-sided 95 %), where the exceedance is 0.05.
REFERENCES = (
    (1.831578947368421, 14.0, 0.5475162925833121),  # T[3]
    (3.1578947368421053, 19.0, 0.05754156237811486),  # T[15]
    (3.3561242491572316, 14.0, 0.049998526300224444),  # critical value at 14 df
)


def _family():
    distributions._dunnett_curve_cached.cache_clear()
    distributions._dunnett_critical_qmc_cached.cache_clear()
    return compare._adjust("dunnett", T, row_column_corr(), DFS, "two-sided", 0.95)


def test_a_family_with_two_df_classes_builds_one_curve() -> None:
    _family()
    assert distributions._dunnett_curve_cached.cache_info().currsize == 1


def test_each_df_keeps_its_own_p_values_and_critical_value() -> None:
    _, p_adj, crit, _, _ = _family()
    # a larger df gives a smaller critical value
    assert crit[0] > crit[-1]
    assert len(set(crit[:10].tolist())) == 1 and len(set(crit[10:].tolist())) == 1
    # the rows at the family's largest df: what that df alone gives (the same curve)
    alone, _ = distributions.dunnett_pvalues(T[10:], row_column_corr(), 19.0)
    assert np.array_equal(p_adj[10:], alone)


def test_the_p_values_and_critical_value_are_within_the_stated_error_of_scipy() -> None:
    _, p_adj, crit, _, error = _family()
    assert error <= 1e-4
    (t3, _, ref3), (t15, _, ref15), (c14, _, ref_c) = REFERENCES
    assert (t3, t15) == (T[3], T[15])
    assert abs(p_adj[3] - ref3) <= error + 3e-6  # 1.0e-5 off, stated 5.7e-5
    assert abs(p_adj[15] - ref15) <= error + 3e-6  # 1.9e-6 off
    # at the critical value the exceedance is 0.05 by construction; scipy's there
    assert abs(crit[0] - c14) < 1e-6
    assert abs(0.05 - ref_c) <= error + 3e-6  # 1.5e-6 off
