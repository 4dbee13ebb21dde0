"""Tests of the means table (yieldtrial.stats.tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from yieldtrial.errors import DataValidationError
from yieldtrial.stats.results import MeansModel
from yieldtrial.stats.tables import means, means_table


def balanced_mm(estimates: list[float], *, var: float = 4.0, df: float = 12.0) -> MeansModel:
    k = len(estimates)
    levels = ("CK", *[f"T{i}" for i in range(1, k)])
    return MeansModel("treatment", levels, np.asarray(estimates, dtype=float), np.eye(k) * var,
                      df, np.full(k, 4), var * 4, "residual", "rcbd",
                      "yield_kg_ha ~ treatment + block", "yield_kg_ha")  # fmt: skip


def test_means_table_columns_and_units():
    """The LS-mean column is named after the response; other unit columns get _kg_ha."""
    out = means_table(balanced_mm([100.0, 120.0, 105.0]), control="CK")
    assert list(out.columns) == [
        "rank", "treatment", "n", "yield_kg_ha", "se_kg_ha", "ci_low_kg_ha", "ci_high_kg_ha",
        "difference_kg_ha", "difference_pct", "p_value_vs_control", "letters",
        "critical_value", "least_significant_kg_ha", "inference",
    ]  # fmt: skip


def test_means_table_carries_tukey_critical_value_and_hsd():
    """Tukey letters: critical_value = q(0.95; 3, 12) / sqrt 2 and HSD = it x SED.

    Independent: scipy.stats.studentized_range (Tukey's table: q(0.05; 3, 12) = 3.773);
    SED = sqrt(4 + 4) from the diagonal covariance of balanced_mm.
    """
    out = means_table(balanced_mm([100.0, 120.0, 105.0]), control="CK")
    q = stats.studentized_range.ppf(0.95, 3, 12)
    assert out["critical_value"].tolist() == pytest.approx([q / np.sqrt(2.0)] * 3, rel=1e-8)
    hsd = q / np.sqrt(2.0) * np.sqrt(8.0)
    assert out["least_significant_kg_ha"].tolist() == pytest.approx([hsd] * 3, rel=1e-8)


def test_means_table_lsd_critical_value_is_t():
    """LSD letters: critical_value = t(0.975, 12) and least_significant = t x sqrt(8)."""
    out = means_table(balanced_mm([100.0, 120.0, 105.0]), letters="lsd")
    t = stats.t.isf(0.025, 12)
    assert out["critical_value"].iloc[0] == pytest.approx(t, rel=1e-12)
    assert out["least_significant_kg_ha"].iloc[0] == pytest.approx(t * np.sqrt(8.0), rel=1e-12)


def test_means_table_critical_columns_nan_without_letters_or_single_value():
    """No letters, or pairs with different SEDs: the columns stay, with NaN where undefined."""
    none = means_table(balanced_mm([100.0, 120.0, 105.0]), letters=None)
    assert none["critical_value"].isna().all() and none["least_significant_kg_ha"].isna().all()
    mm = balanced_mm([100.0, 120.0, 105.0])
    unequal = MeansModel("treatment", mm.levels, mm.estimates, np.diag([4.0, 4.0, 9.0]), 12.0,
                         np.array([4, 4, 2]), 16.0, "residual", "rcbd", mm.formula,
                         "yield_kg_ha")  # fmt: skip
    out = means_table(unequal, letters="tukey")
    assert np.isfinite(out["critical_value"]).all()
    assert out["least_significant_kg_ha"].isna().all()


def test_means_table_sorted_by_mean_with_rank():
    """Rows are sorted by descending LS-mean; rank 1 is the highest."""
    out = means_table(balanced_mm([100.0, 120.0, 105.0]), control="CK")
    assert out["treatment"].tolist() == ["T1", "T2", "CK"]
    assert out["rank"].tolist() == [1, 2, 3]


def test_means_table_ci_uses_error_df():
    """CI = LS-mean +- t(0.975, df) SE (scipy.stats.t)."""
    out = means_table(balanced_mm([100.0, 120.0]), letters=None)
    row = out[out["treatment"] == "CK"].iloc[0]
    half = stats.t.isf(0.025, 12) * 2.0
    assert row["ci_low_kg_ha"] == pytest.approx(100.0 - half)
    assert row["ci_high_kg_ha"] == pytest.approx(100.0 + half)
    assert row["letters"] is None


def test_means_table_difference_vs_control():
    """Difference and % vs the control; 0 on the control's row, p-value NaN there."""
    out = means_table(balanced_mm([200.0, 230.0, 190.0]), control="CK").set_index("treatment")
    # hand: 230 - 200 = 30 (15 %), 190 - 200 = -10 (-5 %)
    assert out.loc["T1", "difference_pct"] == pytest.approx(15.0)
    assert out.loc["T2", "difference_kg_ha"] == pytest.approx(-10.0)
    assert out.loc["CK", "difference_pct"] == 0.0
    assert np.isnan(out.loc["CK", "p_value_vs_control"])
    assert 0 < out.loc["T1", "p_value_vs_control"] < 1


def test_means_table_letters_and_provenance():
    """Letters from Tukey by default; provenance names the test, alpha and df."""
    out = means_table(balanced_mm([100.0, 130.0, 104.0]), control="CK")
    assert out.set_index("treatment")["letters"].to_dict() == {"T1": "a", "T2": "b", "CK": "b"}
    prov = out.attrs["provenance"]
    assert "Tukey-Kramer" in prov["test"] and prov["alpha"] == 0.05 and prov["df_error"] == 12.0


def test_means_table_unreplicated_letters_na():
    """No error variance: letters na, SE/CI NaN, inference explains, no exception."""
    mm = MeansModel("treatment", ("CK", "T1"), np.array([6600.0, 7200.0]),
                    np.full((2, 2), np.nan), 0.0, np.array([1, 1]), float("nan"), "residual",
                    "crd", "yield_kg_ha ~ treatment", "yield_kg_ha")  # fmt: skip
    out = means_table(mm, control="CK")
    assert out["letters"].tolist() == ["na", "na"]
    assert out["se_kg_ha"].isna().all() and out["p_value_vs_control"].isna().all()
    assert out["inference"].iloc[0].startswith("unreplicated")


def test_means_table_bad_letters_raises():
    """An unknown letters method is a DataValidationError."""
    with pytest.raises(DataValidationError, match="letters"):
        means_table(balanced_mm([1.0, 2.0]), letters="duncan")


def test_means_data_level_rcbd():
    """means() fits the RCBD and reports the LS-means (hand: treatment averages, balanced)."""
    df = pd.DataFrame({"treatment": list("ABCABC"), "block": list("111222"),
                       "yield_kg_ha": [10.0, 12.0, 20.0, 11.0, 12.5, 21.0]})  # fmt: skip
    out = means(df, response="yield_kg_ha", treatment="treatment", block="block", control="A")
    got = out.set_index("treatment")["yield_kg_ha"]
    assert got.to_dict() == pytest.approx({"C": 20.5, "B": 12.25, "A": 10.5}, abs=1e-12)
    assert out.attrs["control"] == "A"


def test_means_invariant_to_offset_and_relabelling():
    """Adding 1e12 and renaming treatments keeps letters, ranks, SEs and differences."""
    rows = [("A", "1", 10.0), ("B", "1", 12.5), ("C", "1", 19.0), ("D", "1", 11.0),
            ("A", "2", 11.0), ("B", "2", 13.0), ("C", "2", 21.0), ("D", "2", 12.5),
            ("A", "3", 10.5), ("B", "3", 14.0), ("C", "3", 20.0), ("D", "3", 10.5)]  # fmt: skip
    df = pd.DataFrame(rows, columns=["treatment", "block", "y"])
    base = means(df, response="y", treatment="treatment", block="block", control="A")
    names = {"A": "zz", "B": "m", "C": "b", "D": "a"}
    moved = df.assign(y=df["y"] + 1e12, treatment=df["treatment"].map(names))
    other = means(moved, response="y", treatment="treatment", block="block", control="zz")
    assert other["treatment"].tolist() == base["treatment"].map(names).tolist()
    assert other["letters"].tolist() == base["letters"].tolist()
    np.testing.assert_allclose(other["se"], base["se"], rtol=1e-9)
    # differences come from the centred LS-means (MeansModel.estimates_centred), so they keep
    # full precision although the LS-means near 1e12 are only stored to 2**-13 = 1.2e-4
    np.testing.assert_allclose(other["difference"], base["difference"], atol=1e-9)


def test_means_table_several_controls_match_compare_to_control():
    """Two controls: per-control columns; p-values equal compare_means_to_control's families."""
    from yieldtrial.stats.compare import compare_means_to_control

    mm = MeansModel("treatment", ("CK1", "CK2", "A", "B"), np.array([100.0, 92.0, 108.0, 99.0]),
                    np.eye(4) * 4.0, 12.0, np.full(4, 4), 16.0, "residual", "rcbd",
                    "yield_kg_ha ~ treatment + block", "yield_kg_ha")  # fmt: skip
    table = means_table(mm, control=["CK1", "CK2"]).set_index("treatment")
    vs = compare_means_to_control(mm, control=["CK1", "CK2"]).set_index(["control", "treatment"])
    for trt in ("A", "B"):
        assert table.loc[trt, "p_value_vs_control"] == vs.loc[("CK1", trt), "p_value_adjusted"]
        assert table.loc[trt, "p_value_vs_control2"] == vs.loc[("CK2", trt), "p_value_adjusted"]
        assert table.loc[trt, "difference_pct_vs_control2"] == pytest.approx(
            vs.loc[("CK2", trt), "difference_pct"])  # fmt: skip
    # hand: CK2 vs CK1 = (92 - 100) / 100 = -8 %; controls are not tested against each other
    assert table.loc["CK2", "difference_pct"] == pytest.approx(-8.0)
    assert np.isnan(table.loc["CK2", "p_value_vs_control"])
    assert np.isnan(table.loc["CK1", "p_value_vs_control2"])
    assert table.attrs["controls"] == ("CK1", "CK2") and table.attrs["control"] == "CK1"


def test_means_table_unknown_control_raises():
    """A control that is not a level is a DataValidationError listing the levels."""
    with pytest.raises(DataValidationError, match="control 'XX' is not a level"):
        means_table(balanced_mm([1.0, 2.0]), control=["CK", "XX"])


def test_means_table_multiple_range_letters_point_to_two_level():
    """letters="duncan" is refused with the way to get Duncan letters, not only the choices."""
    with pytest.raises(DataValidationError, match=r"two_level='duncan'.*mean_separation"):
        means_table(balanced_mm([100.0, 120.0, 105.0]), control="CK", letters="Duncan")


def test_means_table_provenance_names_the_letters_adjustment_used():
    """Correlated LS-means: the provenance names the multivariate-t Tukey the letters used.

    An alpha-lattice's LS-means are correlated; the letters come from the single-step
    Tukey of ``pairwise_means`` on them, but the provenance said Tukey-Kramer.

    The covariance (compound symmetry, one pair's covariance changed: the example of
    ``pairwise_is_studentized_range``) does not make the differences those of independent
    means.
    """
    from yieldtrial.stats.compare import pairwise_means

    mm = balanced_mm([100.0, 120.0, 105.0, 110.0])
    cov = np.full((4, 4), 0.5) + np.eye(4)
    cov[0, 1] = cov[1, 0] = 0.7
    mm = MeansModel("treatment", mm.levels, mm.estimates, cov, 12.0, mm.n, 16.0, "residual",
                    "alpha", mm.formula, "yield_kg_ha")  # fmt: skip
    used = pairwise_means(mm, method="tukey").attrs["provenance"]["adjustment"]
    assert "multivariate t" in used
    assert means_table(mm, letters="tukey").attrs["provenance"]["adjustment"] == used


def test_means_table_multiple_range_letters_name_the_reports_choices():
    """letters="snk" says the report's letters take it (one name set each, stop 48)."""
    pattern = r"the report's letters \(yieldtrial report --letters, \[analysis\] letters\) are "
    with pytest.raises(DataValidationError, match=pattern + r"tukey, lsd, duncan, snk or scheffe"):
        means_table(balanced_mm([100.0, 120.0, 105.0]), control="CK", letters="snk")
