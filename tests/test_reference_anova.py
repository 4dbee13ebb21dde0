"""ANOVA against certified (NIST StRD) and published (Gomez & Gomez) reference cases.

The JSON files in tests/data/reference/ are copies of /work/shared/reference-data/ (see
their ``source`` and ``notes`` keys for provenance).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from reference_cases import load_case
from yieldtrial.stats.anova_tables import AnovaResult, anova

NIST_CASES = [
    "SiRstv",
    "SmLs01",
    "SmLs02",
    "SmLs03",
    "SmLs04",
    "SmLs05",
    "SmLs06",
    "SmLs07",
    "SmLs08",
    "SmLs09",
    "AtmWtAg",
]


@cache
def nist_anova(name: str) -> AnovaResult:
    """ANOVA of one NIST case (cached: the large cases have 18,009 observations)."""
    case = load_case(f"nist_{name}")
    return anova(oneway_frame(case), response="y", treatment="treatment", design="crd")


def oneway_frame(case: dict) -> pd.DataFrame:
    groups = case["data"].get("groups_str") or case["data"]["groups"]
    rows = [(label, float(v)) for label, values in groups.items() for v in values]
    return pd.DataFrame(rows, columns=["treatment", "y"])


def lre(computed: float, certified: float) -> float:
    """Log relative error: number of correct significant digits (NIST StRD definition)."""
    if computed == certified:
        return np.inf
    return float(-np.log10(abs(computed - certified) / abs(certified)))


@pytest.mark.parametrize("name", NIST_CASES)
def test_nist_oneway_anova_reaches_min_lre(name: str) -> None:
    """NIST StRD one-way ANOVA: sum_sq, mean_sq and F reach the case's certified min_lre."""
    case = load_case(f"nist_{name}")
    res = nist_anova(name)
    table = res.table.set_index("source")
    expected = case["expected"]
    # certified values: NIST StRD (see the JSON "source"); min_lre from the JSON "notes"
    assert table.loc["treatment", "df"] == expected["df_between"]["value"]
    assert table.loc["residual", "df"] == expected["df_within"]["value"]
    computed = {
        "ss_between": table.loc["treatment", "sum_sq"],
        "ss_within": table.loc["residual", "sum_sq"],
        "ms_between": table.loc["treatment", "mean_sq"],
        "ms_within": table.loc["residual", "mean_sq"],
        "f": table.loc["treatment", "f"],
    }
    for key, value in computed.items():
        target = expected[key]
        assert lre(value, target["value"]) >= target["min_lre"], (key, value, target)


@pytest.mark.parametrize("name", NIST_CASES)
def test_nist_residual_sd_and_r_squared(name: str) -> None:
    """NIST StRD: residual SD = sqrt(MSE) and R^2 = SS_between / SS_total reach min_lre."""
    case = load_case(f"nist_{name}")
    res = nist_anova(name)
    table = res.table.set_index("source")
    ss_b, ss_w = table.loc["treatment", "sum_sq"], table.loc["residual", "sum_sq"]
    expected = case["expected"]
    sd, r2 = expected["residual_sd"], expected["r_squared"]
    assert lre(float(np.sqrt(res.mse)), sd["value"]) >= sd["min_lre"]
    assert lre(ss_b / (ss_b + ss_w), r2["value"]) >= r2["min_lre"]


def test_gomez_crd_insecticide() -> None:
    """Gomez & Gomez (1984) Table 2.2, p. 16: CRD ANOVA of 7 insecticides x 4 reps."""
    case = load_case("gomez_crd_insecticide")
    res = anova(oneway_frame(case), response="y", treatment="treatment", design="crd")
    table = res.table.set_index("source")
    computed = {
        "df_between": table.loc["treatment", "df"],
        "df_within": table.loc["residual", "df"],
        "ss_between": table.loc["treatment", "sum_sq"],
        "ss_within": table.loc["residual", "sum_sq"],
        "ss_total": table["sum_sq"].sum(),
        "ms_between": table.loc["treatment", "mean_sq"],
        "ms_within": table.loc["residual", "mean_sq"],
        "f": table.loc["treatment", "f"],
        "cv_percent": res.cv_pct,
        "grand_mean": res.grand_mean,
    }
    for key, value in computed.items():
        target = case["expected"][key]  # printed value and its rounding tolerance (JSON)
        assert value == pytest.approx(target["value"], abs=target["abs_tol"]), key


def test_gomez_rcbd_seedrate() -> None:
    """Gomez & Gomez (1984) Table 2.6, p. 28: RCBD ANOVA of 6 seeding rates x 4 reps."""
    case = load_case("gomez_rcbd_seedrate")
    data = case["data"]
    rows = [
        (t, b, data["y"][i][j])
        for i, t in enumerate(data["treatments"])
        for j, b in enumerate(data["blocks"])
    ]
    df = pd.DataFrame(rows, columns=["treatment", "block", "y"])
    res = anova(df, response="y", treatment="treatment", block="block")
    table = res.table.set_index("source")
    computed = {
        "df_block": table.loc["block", "df"],
        "df_treatment": table.loc["treatment", "df"],
        "df_error": table.loc["residual", "df"],
        "df_total": table["df"].sum(),
        "ss_block": table.loc["block", "sum_sq"],
        "ss_treatment": table.loc["treatment", "sum_sq"],
        "ss_error": table.loc["residual", "sum_sq"],
        "ss_total": table["sum_sq"].sum(),
        "ms_block": table.loc["block", "mean_sq"],
        "ms_treatment": table.loc["treatment", "mean_sq"],
        "ms_error": table.loc["residual", "mean_sq"],
        "f_treatment": table.loc["treatment", "f"],
        "cv_percent": res.cv_pct,
        "grand_mean": res.grand_mean,
    }
    for key, value in computed.items():
        target = case["expected"][key]  # printed value and its rounding tolerance (JSON)
        assert value == pytest.approx(target["value"], abs=target["abs_tol"]), key
    # the book leaves the replication F blank; the JSON notes give 5.86 (= 648,120 / 110,558)
    assert table.loc["block", "f"] == pytest.approx(5.86, abs=0.005)
