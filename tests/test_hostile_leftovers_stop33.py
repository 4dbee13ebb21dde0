"""Leftovers of the stop-33 hostile passes: network exact fits, strip plots, API options."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import yieldtrial
from yieldtrial.errors import YieldTrialWarning

# --------------------------------------------------------------------------- network


def _network(copied: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sites A and B with plot noise; site C (or ``copied``) with yields copied per treatment."""
    rng = np.random.default_rng(1)
    rows = []
    for site in ("A", "B", "C"):
        for block in (1, 2, 3):
            for k, trt in enumerate(("T1", "T2", "T3"), start=1):
                noise = 0.0 if site == "C" else float(rng.normal(0.0, 0.3))
                rows.append(
                    {"site": site, "block": block, "treatment": trt, "yield_t_ha": 5 + k + noise}
                )
    return pd.DataFrame(rows)


def _analyse(data: pd.DataFrame) -> yieldtrial.NetworkResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        return yieldtrial.analyze_many(
            data, by="site", response="yield_t_ha", treatment="treatment", block="block"
        )


def test_network_site_with_copied_yields_is_failed_with_the_reason() -> None:
    # site C: every treatment's yield copied into its three blocks -> SSE 0 (an exact fit)
    res = _analyse(_network())
    row = res.per_trial.set_index("site").loc["C"]
    assert row["status"] == "failed"
    assert "fits every yield exactly" in row["reason"]
    assert np.isnan(row["cv_pct"])  # no CV 0.0 % shown for it


def test_network_site_with_copied_yields_is_left_out_of_the_sites_table() -> None:
    sites = _analyse(_network()).summary.sites.set_index("site")
    assert not bool(sites.loc["C", "included"])
    assert "copied" in sites.loc["C", "reason"]
    assert sites["included"].sum() == 2  # A and B pooled


def test_network_site_with_copied_yields_has_no_per_treatment_rows() -> None:
    res = _analyse(_network())
    assert set(res.per_treatment["site"]) == {"A", "B"}


def test_network_exactly_additive_site_is_refused_on_rounding_noise() -> None:
    # yields = treatment + block effects with decimals: the residuals are ~1e-15, not 0
    data = _network()
    c = data["site"] == "C"
    data.loc[c, "yield_t_ha"] = (
        4.1 + data.loc[c, "treatment"].str[1].astype(float) * 0.7 + data.loc[c, "block"] * 0.3
    )
    row = _analyse(data).per_trial.set_index("site").loc["C"]
    assert row["status"] == "failed"


def test_network_copied_site_warns_once_naming_it() -> None:
    with pytest.warns(YieldTrialWarning, match=r"site 'C': left out of the summary"):
        yieldtrial.analyze_many(
            _network(), by="site", response="yield_t_ha", treatment="treatment", block="block"
        )


def test_network_sites_with_plot_noise_stay_ok() -> None:
    per_trial = _analyse(_network()).per_trial.set_index("site")
    assert list(per_trial.loc[["A", "B"], "status"]) == ["ok", "ok"]
