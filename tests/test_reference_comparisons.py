"""Comparisons checked against published and software-documented reference cases.

Cases live in tests/data/reference/ (copied from the team's reference-data folder); each
JSON file names its source (book table, vignette section, test-suite) and tolerances.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from reference_cases import load_case
from yieldtrial.stats.compare import compare_to_control, pairwise
from yieldtrial.stats.distributions import dunnett_critical_value
from yieldtrial.stats.tables import means


def oneway_frame(groups: dict[str, list[float]]) -> pd.DataFrame:
    rows = [(label, y) for label, ys in groups.items() for y in ys]
    return pd.DataFrame(rows, columns=["treatment", "y"])


def oriented(table: pd.DataFrame, a: str, b: str) -> dict[str, float]:
    """Row of a pairwise table for mean(a) - mean(b), flipping sign and limits if needed."""
    hit = table[(table["group1"] == a) & (table["group2"] == b)]
    if len(hit):
        row = hit.iloc[0]
        return {"diff": row["difference"], "low": row["ci_low"], "high": row["ci_high"],
                "p": row["p_value_adjusted"], "se": row["se"]}  # fmt: skip
    row = table[(table["group1"] == b) & (table["group2"] == a)].iloc[0]
    return {"diff": -row["difference"], "low": -row["ci_high"], "high": -row["ci_low"],
            "p": row["p_value_adjusted"], "se": row["se"]}  # fmt: skip


SWEET = load_case("agricolae_sweetpotato_crd")
SWEET_DF = oneway_frame(SWEET["data"]["groups"])
PAIR_KEY = re.compile(
    r"^(diff|pvalue|ci_low|ci_high|pvalue_bonferroni|pvalue_holm)\[(\w+)-(\w+)\]$"
)


def sweet_pairwise(method: str) -> pd.DataFrame:
    return pairwise(SWEET_DF, response="y", treatment="treatment", design="crd", method=method)


SWEET_PAIR_CASES = [(key, spec) for key, spec in SWEET["expected"].items() if PAIR_KEY.match(key)]


@pytest.fixture(scope="module")
def sweet_tables() -> dict[str, pd.DataFrame]:
    return {m: sweet_pairwise(m) for m in ("lsd", "bonferroni", "holm", "tukey")}


@pytest.mark.parametrize(("key", "spec"), SWEET_PAIR_CASES, ids=[k for k, _ in SWEET_PAIR_CASES])
def test_sweetpotato_pairwise_figures(key, spec, sweet_tables):
    """Agricolae vignette sect. 4.1-4.2: LSD differences, p-values, CIs; Bonferroni, Holm p."""
    kind, a, b = PAIR_KEY.match(key).groups()
    method = {"pvalue_bonferroni": "bonferroni", "pvalue_holm": "holm"}.get(kind, "lsd")
    row = oriented(sweet_tables[method], a, b)
    value = {"diff": row["diff"], "ci_low": row["low"], "ci_high": row["high"]}.get(kind, row["p"])
    assert abs(value - spec["value"]) <= spec["abs_tol"] + 1e-12


def test_sweetpotato_critical_values(sweet_tables):
    """t_crit, LSD, Bonferroni t, Tukey q and HSD as printed in the vignette (sect. 4.1-4.6)."""
    e = SWEET["expected"]
    lsd = sweet_tables["lsd"].iloc[0]
    half = lsd["ci_high"] - lsd["difference"]
    assert abs(half - e["lsd"]["value"]) <= e["lsd"]["abs_tol"]
    assert abs(half / lsd["se"] - e["t_crit"]["value"]) <= e["t_crit"]["abs_tol"]
    bon = sweet_tables["bonferroni"].iloc[0]
    t_bon = (bon["ci_high"] - bon["difference"]) / bon["se"]
    assert abs(t_bon - e["t_crit_bonferroni"]["value"]) <= e["t_crit_bonferroni"]["abs_tol"]
    tuk = sweet_tables["tukey"].iloc[0]
    hsd = tuk["ci_high"] - tuk["difference"]
    assert abs(hsd - e["hsd"]["value"]) <= e["hsd"]["abs_tol"]
    assert abs(hsd / tuk["se"] * np.sqrt(2) - e["q_crit"]["value"]) <= e["q_crit"]["abs_tol"]
    # case notes: q(0.05; 4, 8) = 4.52881, HSD = 12.3995; by hand HSD = q sqrt(MSE / r)
    # = 4.52881 x sqrt(22.48917 / 3) = 12.39967, so the notes' last digit is off by 2e-4
    assert hsd == pytest.approx(4.52881 * np.sqrt(22.48917 / 3), abs=5e-5)
    assert hsd == pytest.approx(12.3995, abs=5e-4)


@pytest.mark.parametrize("letters", ["lsd", "tukey"])
def test_sweetpotato_letters_and_means(letters):
    """Letters (LSD: group[...], Tukey: tukey_group[...]), means and SE of a mean."""
    e = SWEET["expected"]
    table = means(SWEET_DF, response="y", treatment="treatment", design="crd",
                  letters=letters).set_index("treatment")  # fmt: skip
    prefix = "group" if letters == "lsd" else "tukey_group"
    for label in SWEET["data"]["groups"]:
        assert table.loc[label, "letters"] == e[f"{prefix}[{label}]"]["value"]
        assert abs(table.loc[label, "y"] - e[f"mean[{label}]"]["value"]) <= e[
            f"mean[{label}]"]["abs_tol"]  # fmt: skip
        assert abs(table.loc[label, "se"] - e["se_mean"]["value"]) <= e["se_mean"]["abs_tol"]


HEAD = load_case("sas_headache_tukey_balanced")


def test_headache_tukey_against_sas_and_exact():
    """Tukey p-values (exact, 5e-10) and CIs (5e-8) of scipy's test-suite reference."""
    df = oneway_frame(HEAD["data"]["groups"])
    table = pairwise(df, response="y", treatment="treatment", design="crd", method="tukey")
    for key, spec in HEAD["expected"].items():
        kind, a, b = re.match(r"^(\w+)\[(\w+)-(\w+)\]$", key).groups()
        row = oriented(table, a, b)
        value = {"diff": row["diff"], "pvalue": row["p"], "ci_low": row["low"],
                 "ci_high": row["high"], "sas_ci_low": row["low"],
                 "sas_ci_high": row["high"]}[kind]  # fmt: skip
        assert abs(value - spec["value"]) <= spec["abs_tol"], key


BLOOD = load_case("dunnett1955_blood_counts")


def blood_frame() -> pd.DataFrame:
    groups = {"control": BLOOD["data"]["control"], **BLOOD["data"]["treatments"]}
    return oneway_frame(groups)


@pytest.fixture(scope="module")
def blood_tables() -> dict[str, pd.DataFrame]:
    return {
        alt: compare_to_control(blood_frame(), response="y", treatment="treatment",
                                control="control", design="crd", alternative=alt)
        .set_index("treatment")
        for alt in ("two-sided", "greater", "less")
    }  # fmt: skip


def test_dunnett_blood_counts_published(blood_tables):
    """Dunnett (1955) Table 1 data: multcomp statistics, p-values, CIs at their tolerances."""
    e = BLOOD["expected"]
    two = blood_tables["two-sided"]
    checks = {
        "mean[control]": two.loc["A", "mean_control"],
        "mean[A]": two.loc["A", "mean_treatment"],
        "mean[B]": two.loc["B", "mean_treatment"],
    }
    for trt in ("A", "B"):
        checks[f"statistic[{trt}]"] = two.loc[trt, "statistic"]
        checks[f"pvalue_desctools[{trt}]"] = two.loc[trt, "p_value_adjusted"]
        checks[f"ci_low_greater[{trt}]"] = blood_tables["greater"].loc[trt, "ci_low"]
        for alt, name in (("two-sided", "two_sided"), ("greater", "greater"), ("less", "less")):
            checks[f"pvalue_{name}[{trt}]"] = blood_tables[alt].loc[trt, "p_value_adjusted"]
        checks[f"ci_low_two_sided[{trt}]"] = two.loc[trt, "ci_low"]
        checks[f"ci_high_two_sided[{trt}]"] = two.loc[trt, "ci_high"]
    for key, value in checks.items():
        assert abs(value - e[key]["value"]) <= e[key]["abs_tol"], key


def test_dunnett_blood_counts_exact_values(blood_tables):
    """Exact deterministic-quadrature values from the case notes, to 1e-6."""
    two = blood_tables["two-sided"]
    # notes: p two-sided = 0.62010198, 0.00582536; CIs (-1.2563041, 2.5563041),
    # (0.8397282, 4.4162718)
    np.testing.assert_allclose(two["p_value_adjusted"], [0.62010198, 0.00582536], atol=1e-6)
    np.testing.assert_allclose(two["ci_low"], [-1.2563041, 0.8397282], atol=1e-6)
    np.testing.assert_allclose(two["ci_high"], [2.5563041, 4.4162718], atol=1e-6)


CRIT = load_case("dunnett1955_critical_values_other")
# exact two-sided values for the approx-1955 entries, from the case notes
CRIT_EXACT = {(0.05, 3, 10): 2.759, (0.05, 3, 20): 2.540, (0.05, 4, 60): 2.508,
              (0.01, 4, 12): 3.710, (0.01, 7, 12): 3.961, (0.01, 4, 60): 3.121}  # fmt: skip


@pytest.mark.parametrize("entry", CRIT["entries"], ids=lambda e: f"{e[0]}-{e[1]}-k{e[2]}-v{e[3]}")
def test_dunnett_critical_values_table(entry):
    """Dunnett (1955) Tables 1b/2a/2b (equal n: rho = 1/2); approx-1955 rows vs exact notes."""
    alternative, alpha, k, df, printed, status = entry
    corr = np.full((k, k), 0.5)
    np.fill_diagonal(corr, 1.0)
    c, acc = dunnett_critical_value(corr, df, alternative=alternative, confidence=1 - alpha)
    if status == "test":
        assert abs(c - printed) <= CRIT["abs_tol"]
    else:
        # the notes print 3 decimals rounded up (e.g. 3.961 for 3.96046; scipy's
        # multivariate_t.cdf with 3e6 points gives 1 - P = 0.0100000 at 3.96046), hence 1e-3
        assert abs(c - CRIT_EXACT[(alpha, k, df)]) <= 1e-3
