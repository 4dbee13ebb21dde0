"""Response to the environment: the gain over the check regressed on the site's yield level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

import yieldtrial as yt
from yieldtrial.errors import DataValidationError
from yieldtrial.network.response import environment_response


def _farms(n: int = 40, seed: int = 8) -> pd.DataFrame:
    """Unreplicated farms; T gains 60 kg/mu minus 10 % of the farm's level above 450."""
    rng = np.random.default_rng(seed)
    level = rng.normal(450.0, 70.0, n)
    rows = []
    for s in range(n):
        for t in ("CK1", "CK2", "T"):
            gain = {"CK1": 0.0, "CK2": -10.0, "T": 60.0 - 0.1 * (level[s] - 450.0)}[t]
            rows.append((f"f{s:02d}", t, level[s] + gain + rng.normal(0.0, 8.0)))
    return pd.DataFrame(rows, columns=["site", "treatment", "yield_kg_mu"])


@pytest.fixture(scope="module")
def network():
    df = _farms()
    res = yt.analyze_many(
        df, by="site", response="yield_kg_mu", treatment="treatment", control="CK1", design="crd"
    )
    return df, res


@pytest.mark.parametrize("on", ["site_mean", "control"])
def test_slope_equals_scipy_linregress(network, on):
    """Slope, SE, CI, p and R^2 equal scipy.stats.linregress of gain on the site index."""
    df, res = network
    wide = df.pivot(index="site", columns="treatment", values="yield_kg_mu")
    x = wide.mean(axis=1) if on == "site_mean" else wide["CK1"]
    out = res.environment_response(on=on).set_index("treatment")
    for t in ("CK2", "T"):
        lr = sps.linregress(x, wide[t] - wide["CK1"])
        row = out.loc[t]
        np.testing.assert_allclose(row["slope"], lr.slope, rtol=1e-10)
        np.testing.assert_allclose(row["intercept"], lr.intercept, rtol=1e-10)
        np.testing.assert_allclose(row["slope_se"], lr.stderr, rtol=1e-10)
        np.testing.assert_allclose(row["p_value"], lr.pvalue, rtol=1e-8)
        np.testing.assert_allclose(row["r_squared"], lr.rvalue**2, rtol=1e-8, atol=1e-12)
        tq = sps.t.isf(0.025, len(x) - 2)
        np.testing.assert_allclose(row["slope_ci_low"], lr.slope - tq * lr.stderr, rtol=1e-10)
        assert row["n_sites"] == 40 and row["df"] == 38


def test_true_slope_is_covered(network):
    """The simulated slope of T's gain on the farm level (-0.1) lies in the 95 % interval."""
    _, res = network
    row = res.environment_response().set_index("treatment").loc["T"]
    assert row["slope_ci_low"] < -0.1 < row["slope_ci_high"]
    assert row["p_value"] < 0.05


def test_accepts_a_plain_means_table():
    """A site x treatment DataFrame works without a network result (hand example)."""
    means = pd.DataFrame({"CK": [400.0, 500.0, 600.0], "T": [420.0, 510.0, 600.0]})
    out = environment_response(means, control="CK", on="control")
    # hand: gains 20, 10, 0 on 400, 500, 600 -> slope -0.1, intercept 60, exact fit
    assert out.loc[0, "slope"] == pytest.approx(-0.1)
    assert out.loc[0, "intercept"] == pytest.approx(60.0)
    assert out.loc[0, "gain_at_x_min"] == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"on": "mean"}, "on must be"),
        ({"control": "X"}, "control 'X'"),
        ({"confidence": 2}, "conf"),
    ],
)
def test_bad_options_raise(network, kwargs, match):
    """Unknown index, check or confidence raise DataValidationError."""
    _, res = network
    with pytest.raises(DataValidationError, match=match):
        environment_response(res, **kwargs)


def test_plot_draws_points_and_lines(network):
    """The figure has one point set and one fitted line per treatment, plus the zero line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, res = network
    ax = res.plot_environment_response()
    assert len(ax.get_lines()) == 2 * 2 + 1
    plt.close(ax.figure)


def test_plot_table_is_refused_with_the_way_to_get_site_means():
    """A long plot table (text site column) names analyze_many / pivot_table, not 'treatments'."""
    plots = pd.DataFrame({"site": ["s1", "s1", "s2", "s2"], "treatment": ["CK", "A"] * 2,
                          "yield_kg_ha": [7000.0, 7300.0, 7200.0, 7400.0]})  # fmt: skip
    with pytest.raises(DataValidationError, match=r"column 'site'.*analyze_many.*pivot_table"):
        environment_response(plots, control="CK")


def test_accepts_a_stability_result(network):
    """``stability(...)`` then ``environment_response(stab)``: its table of means, its check.

    The farms are unreplicated, so the stability table of means and the network's site
    means are the same plot yields: the result equals the network's (was "control 'CK1' is
    not a treatment of the table; treatments: f00, f01, ..." from the transposed table).
    """
    df, res = network
    stab = yt.stability(
        df, env="site", treatment="treatment", response="yield_kg_mu", control="CK1", blup=None
    )
    pd.testing.assert_frame_equal(environment_response(stab), res.environment_response())


def _site_means() -> pd.DataFrame:
    """Site means of three farms (rows) and three treatments (columns), kg/mu."""
    return pd.DataFrame(
        {"CK1": [400.0, 450.0, 500.0], "CK2": [395.0, 440.0, 490.0], "T": [470.0, 505.0, 545.0]},
        index=pd.Index(["f1", "f2", "f3"], name="site"),
    )


def test_a_treatment_column_given_twice_is_named() -> None:
    """A repeated column was refused as "column 'CK1' ... is not numeric" (stop 39)."""
    means = _site_means()
    with pytest.raises(DataValidationError, match=r"column\(s\) 'CK1' appear more than once"):
        environment_response(pd.concat([means, means[["CK1"]]], axis=1), control="CK1")


def test_a_table_of_site_means_without_rows_is_refused() -> None:
    """No sites gave every slope NaN, without a word (stop 39)."""
    with pytest.raises(DataValidationError, match="has no rows; expected one row per site"):
        environment_response(_site_means().iloc[:0], control="CK1")


def test_an_infinite_site_mean_is_refused_with_its_site_and_treatment() -> None:
    """An infinite mean was left out as if missing (T fitted on 2 sites), without a word."""
    means = _site_means()
    means.loc["f2", "T"] = np.inf
    with pytest.raises(DataValidationError, match=r"the mean of 'T' at site 'f2' is inf"):
        environment_response(means, control="CK1")


def test_a_transposed_means_table_is_named_with_the_fix(network):
    """Stop 41: res.summary.means.T (layout G) listed every site as a "treatment".

    The message now says the check is a row label and to transpose, with at most 20 labels.
    """
    _, res = network
    with pytest.raises(DataValidationError, match=r"'CK1' is a row label.*table\.T") as info:
        environment_response(res.summary.means.T, control="CK1")
    assert "(40 in all)" in str(info.value)
