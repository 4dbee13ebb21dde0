"""Dunnett's critical values at several df found together (``dunnett_critical_values``).

Stop 51: a mixed model's family has one critical value per Satterthwaite df (19 on an
alpha-lattice with blocks of 3, 2 replicates and 3 lost plots), each a Brent root of the
family's one general curve with that df's chi rule.  The searches now go in step, the
curve evaluated once per step at every search's next threshold.  Expected values: one
:func:`~yieldtrial.stats.distributions.dunnett_critical_value` call per df (the path
checked against scipy's multivariate t in ``test_stats_distributions_build_df.py``), and
:meth:`MaxTCurve.exceedance` with each rule: the same floats, not merely close ones.
"""

from __future__ import annotations

import numpy as np
import pytest

from mvt_cases import alpha_lattice_corr
from yieldtrial.stats import distributions

#: Satterthwaite-like df of one family (its largest builds the curve).
DFS = (12.0, 13.5, 15.1)


@pytest.fixture(scope="module")
def corr() -> np.ndarray:
    """Return the REML alpha-lattice correlation of ``mvt_cases`` (a 64-point, 8-node curve)."""
    return alpha_lattice_corr()


def test_the_critical_values_at_several_df_are_those_of_one_call_per_df(corr) -> None:
    together = distributions.dunnett_critical_values(corr, DFS, curve_df=max(DFS))
    one_by_one = [distributions.dunnett_critical_value(corr, df, curve_df=max(DFS)) for df in DFS]
    assert [c for c, _ in together] == [c for c, _ in one_by_one]
    assert [a.value for _, a in together] == [a.value for _, a in one_by_one]
    assert [a.abs_error for _, a in together] == [a.abs_error for _, a in one_by_one]
    assert [a.method for _, a in together] == ["qmc"] * len(DFS)


def test_the_curve_with_each_df_s_chi_rule_in_one_pass_equals_one_evaluation_each(corr) -> None:
    curves = [
        distributions._dunnett_curve(corr, df, two_sided=True, curve_df=max(DFS)) for df in DFS
    ]
    cs = np.array([2.9, -0.5, 3.1])  # c <= 0: exceedance 1 (two-sided), as exceedance() says
    got = curves[0].exceedance_values(cs, [curve.chi_rule for curve in curves])
    expected = [curve.exceedance(np.array([c]))[0][0] for curve, c in zip(curves, cs, strict=True)]
    assert got.tolist() == [float(v) for v in expected]


def test_a_product_form_family_gets_its_exact_values_one_df_at_a_time() -> None:
    lam = np.full(4, np.sqrt(0.5))
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    together = distributions.dunnett_critical_values(r, (10.0, 30.0))
    # Dunnett (1955, Table 2a): two-sided 95 %, 4 treatments vs control, 30 df gives 2.58
    assert round(together[1][0], 2) == 2.58
    assert [c for c, _ in together] == [
        distributions.dunnett_critical_value(r, df)[0] for df in (10.0, 30.0)
    ]
    assert together[0][1].method == "exact-product-form"
