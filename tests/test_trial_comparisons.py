"""FieldTrial's comparison methods delegate to yieldtrial.stats (compare, tables)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from yieldtrial.datasets import load_example
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.stats.compare import compare_to_control


def jinzhong():
    with warnings.catch_warnings():  # the demo's 5 % harvest moisture is flagged on purpose
        warnings.simplefilter("ignore", YieldTrialWarning)
        return load_example("jinzhong-2024")


def test_founding_trial_has_no_pvalues():
    """One harvest per treatment: differences only, p-values absent, inference says why."""
    out = jinzhong().compare_to_control()  # a kg/mu trial: results in kg/mu
    assert set(out["control"]) == {"CK1", "CK2"}
    assert out["p_value_adjusted"].isna().all() and out["ci_low_kg_mu"].isna().all()
    assert out["inference"].str.startswith("unreplicated").all()
    assert out["difference_pct"].notna().all()


def _kg_mu_trial():
    import dataclasses

    return dataclasses.replace(load_example("replicated-rcbd"), unit="kg/mu")


def test_results_default_to_the_trial_display_unit():
    """A kg/mu trial's ANOVA, means and comparisons are in kg/mu unless unit= says otherwise.

    1 ha = 15 mu, so a yield in kg/mu is the kg/ha value / 15 and a sum of squares in
    (kg/mu)^2 is the (kg/ha)^2 value / 225; F and p do not depend on the unit.
    """
    trial = _kg_mu_trial()
    mu, ha = trial.anova().table, trial.anova(unit="kg/ha").table
    np.testing.assert_allclose(mu["sum_sq"], ha["sum_sq"] / 225.0, rtol=1e-12)
    np.testing.assert_allclose(mu["f"].dropna(), ha["f"].dropna(), rtol=1e-12)
    means = trial.means()
    assert "yield_kg_mu" in means and "yield_kg_ha" not in means
    np.testing.assert_allclose(
        means["yield_kg_mu"], trial.means(unit="kg/ha")["yield_kg_ha"] / 15.0, rtol=1e-12
    )
    comp, comp_ha = trial.compare_to_control(), trial.compare_to_control(unit="kg/ha")
    np.testing.assert_allclose(comp["difference_kg_mu"], comp_ha["difference_kg_ha"] / 15.0)
    np.testing.assert_allclose(comp["p_value_adjusted"], comp_ha["p_value_adjusted"])
    pairs = trial.pairwise()
    np.testing.assert_allclose(
        pairs["difference_kg_mu"], trial.pairwise(unit="kg/ha")["difference_kg_ha"] / 15.0
    )


def test_founding_trial_means_letters_na():
    """The means table of the demonstration shows 'na' letters, not invented ones."""
    table = jinzhong().means()
    assert (table["letters"] == "na").all()
    assert table["rank"].tolist() == [1, 2, 3]


def test_trial_compare_matches_functional_twin():
    """FieldTrial.compare_to_control equals stats.compare_to_control on trial.yields()."""
    trial = load_example("replicated-rcbd")
    got = trial.compare_to_control(margin_pct=5.0)
    expected = compare_to_control(trial.yields(), response="yield_kg_ha", treatment="treatment",
                                  control=list(trial.control), block="block", design="rcbd",
                                  margin_pct=5.0)  # fmt: skip
    key = ["control", "treatment"]
    a = got.sort_values(key).reset_index(drop=True)
    b = expected.sort_values(key).reset_index(drop=True)
    np.testing.assert_allclose(a["p_value_adjusted"], b["p_value_adjusted"], atol=1e-12)
    np.testing.assert_allclose(a["difference_kg_ha"], b["difference_kg_ha"], atol=1e-9)
    assert got.attrs["provenance"]["design"] == "rcbd"


def test_trial_pairwise_and_means_provenance():
    """pairwise() and means() record the design model's error term and df."""
    trial = load_example("replicated-rcbd")
    pw = trial.pairwise(method="lsd")
    tbl = trial.means(letters="tukey")
    assert pw.attrs["provenance"]["error_term"] == "residual"
    assert tbl.attrs["provenance"]["df_error"] == pw.attrs["provenance"]["df_error"] > 0
    assert list(tbl["treatment"]) == list(tbl.sort_values("yield_kg_ha", ascending=False)[
        "treatment"])  # fmt: skip


def test_trial_without_control_raises():
    """A trial without a control needs control= for compare_to_control."""
    plots = pd.DataFrame(
        {
            "plot_id": [str(i) for i in range(4)],
            "treatment": list("ABAB"),
            "block": list("1122"),
            "yield_kg_ha": [7000.0, 7100.0, 6900.0, 7300.0],
        }
    )
    from yieldtrial import FieldTrial

    trial = FieldTrial.from_dataframe(plots, crop="wheat")
    with pytest.raises(DataValidationError, match="no control"):
        trial.compare_to_control()
    assert len(trial.compare_to_control(control="A")) == 1


def test_trial_means_uses_every_control_like_compare_to_control():
    """FieldTrial.means() p-values equal compare_to_control()'s for each of several controls."""
    trial = load_example("replicated-rcbd")
    if len(trial.control) < 2:  # make the second treatment a second control
        trial = trial.replace(control=(trial.control[0], trial.treatment_order[1]))
    table = trial.means().set_index("treatment")
    vs = trial.compare_to_control().set_index(["control", "treatment"])
    first, second = trial.control[:2]
    for (ctrl, trt), row in vs.iterrows():
        column = "p_value_vs_control" if ctrl == first else "p_value_vs_control2"
        assert table.loc[trt, column] == pytest.approx(row["p_value_adjusted"], abs=1e-12)
    assert np.isnan(table.loc[second, "p_value_vs_control"])


def test_founding_trial_states_replicates_needed():
    """Unreplicated demo: every comparison method names the replicates a real trial needs."""
    trial = jinzhong()
    for table in (trial.compare_to_control(), trial.means(), trial.pairwise()):
        assert isinstance(table.attrs["replicates_needed"], int)
        assert "replicates per treatment" in table["inference"].iloc[0]
