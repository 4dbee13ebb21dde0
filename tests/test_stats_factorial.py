"""Two-factor factorial ANOVA (yieldtrial.stats.factorial), plus a published Latin square."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reference_cases import case_frame, load_case
from yieldtrial.errors import DataValidationError
from yieldtrial.stats.factorial import factorial_anova


def battery() -> pd.DataFrame:
    """Load Montgomery's battery-life factorial (Example 5.1, Table 5.1): 3 x 3, 4 per cell."""
    cells = load_case("montgomery_battery_factorial")["data"]["cells"]
    rows = []
    for key, values in cells.items():
        material, temperature = key.split("|")
        rows += [{"material": material, "temperature": temperature, "life_h": v} for v in values]
    return pd.DataFrame(rows)


def oats() -> pd.DataFrame:
    """Load Yates' oats (tests/data/reference/yates_oats_splitplot.json) as a plain table."""
    return case_frame("yates_oats_splitplot")


@pytest.fixture(scope="module")
def battery_result():
    """Analyse the battery factorial as a CRD."""
    return factorial_anova(
        battery(), response="life_h", factor_a="material", factor_b="temperature"
    )


_SOURCES = {
    "material": "material",
    "temperature": "temperature",
    "interaction": "material:temperature",
    "error": "residual",
    "total": "total",
}


@pytest.mark.parametrize(
    "name",
    sorted(
        k for k in load_case("montgomery_battery_factorial")["expected"] if not k.startswith("mean")
    ),
)
def test_battery_anova_matches_montgomery(battery_result, name: str) -> None:
    """Every ANOVA figure equals Montgomery Table 5.5 (SS 10683.72, 39118.72, 9613.78, ...)."""
    # expected values: tests/data/reference/montgomery_battery_factorial.json (Table 5.5)
    spec = load_case("montgomery_battery_factorial")["expected"][name]
    stat, source = name.split("_", 1)
    row = battery_result.table.loc[battery_result.table["source"] == _SOURCES[source]].iloc[0]
    column = {"df": "df", "ss": "sum_sq", "ms": "mean_sq", "f": "f"}[stat]
    assert row[column] == pytest.approx(spec["value"], abs=spec["abs_tol"])


def test_battery_interaction_flagged(battery_result) -> None:
    """Interaction p = 0.0186 < 0.05 (Montgomery Table 5.5): simple effects are recommended."""
    assert battery_result.interaction_significant
    assert "simple effects" in battery_result.note
    p = battery_result.table.set_index("source").loc["material:temperature", "p_value"]
    assert p == pytest.approx(0.0186, abs=5e-5)


def test_battery_cell_means(battery_result) -> None:
    """Cell means at 70 F: 57.25, 119.75, 145.75 (Montgomery Table 5.1 totals / 4)."""
    table = battery_result.means_table()
    assert table["70"].iloc[:3].tolist() == pytest.approx([57.25, 119.75, 145.75])
    # marginal means: material 1 = 998 / 12 = 83.17 (Montgomery Table 5.4 row total 998)
    assert table.loc["1", "mean"] == pytest.approx(998 / 12)


def test_battery_tukey_at_70f_matches_montgomery(battery_result) -> None:
    """Tukey among materials at 70 F: q(3, 27) = 3.50, T = 45.47; 2 = 3 > 1 (Montgomery Ex. 5.1)."""
    from yieldtrial.stats.multiple_range import mean_separation

    mm = battery_result.means_model("material", at="70")
    assert mm.df == 27
    assert mm.error_term == "residual at temperature=70"
    res = mean_separation(mm, test="tukey")
    q = res.critical_ranges["q_crit"].iloc[0]
    assert q == pytest.approx(3.50, abs=0.01)  # Montgomery reads 3.50 from his Table VII
    # T = q sqrt(MSE / n) = 3.506 * sqrt(675.21 / 4) = 45.55 (Montgomery: 3.50 -> 45.47)
    assert res.critical_ranges["least_significant_range"].iloc[0] == pytest.approx(
        q * np.sqrt(675.2130 / 4), rel=1e-6
    )
    assert res.letters == {"3": "a", "2": "a", "1": "b"}


def test_simple_effects_partition_main_plus_interaction(battery_result) -> None:
    """Balanced data: the SS of A within each B level sum to SS(A) + SS(AB) (hand identity)."""
    table = battery_result.table.set_index("source")
    simple = battery_result.simple_effects
    a_within = simple[simple["effect"] == "material"]
    assert a_within["sum_sq"].sum() == pytest.approx(
        table.loc["material", "sum_sq"] + table.loc["material:temperature", "sum_sq"], rel=1e-10
    )
    # material within 70 F: SS = 4 * sum((mean - 107.583)^2) over 57.25, 119.75, 145.75
    cell = np.array([57.25, 119.75, 145.75])
    row = a_within.set_index("at").loc["70"]
    assert row["sum_sq"] == pytest.approx(4 * np.sum((cell - cell.mean()) ** 2), rel=1e-10)
    assert row["f"] == pytest.approx(row["mean_sq"] / 675.212963, rel=1e-6)
    assert row["p_value"] == pytest.approx(stats.f.sf(row["f"], 2, 27), rel=1e-10)


def test_differences_invariant_to_1e12_offset() -> None:
    """Differences of main-effect, cell and simple-effect LS-means agree to 1e-9 at +1e12."""
    data = battery()  # integer lifetimes [h]: exact at 1e12 (double spacing there 2**-13)
    moved = data.assign(life_h=data["life_h"] + 1e12)
    base, other = (
        factorial_anova(d, response="life_h", factor_a="material", factor_b="temperature")
        for d in (data, moved)
    )
    for factor, at in [
        ("material", None),
        ("temperature", None),
        ("material:temperature", None),
        ("material", "70"),
    ]:
        mm0, mm1 = base.means_model(factor, at=at), other.means_model(factor, at=at)
        assert mm1.estimates_centred is not None
        k = len(mm0.levels)
        weights = np.eye(k)[1:] - np.eye(k)[0]  # each level minus the first
        d0 = [mm0.contrast(w)[0] for w in weights]
        d1 = [mm1.contrast(w)[0] for w in weights]
        np.testing.assert_allclose(d1, d0, atol=1e-9)


def test_interaction_means_model_levels(battery_result) -> None:
    """The combination MeansModel has one level per cell, labelled 'a:b'."""
    mm = battery_result.means_model("material:temperature")
    assert len(mm.levels) == 9
    assert mm.levels[0] == "1:15"
    assert mm.se == pytest.approx(np.full(9, np.sqrt(675.212963 / 4)), rel=1e-6)


def test_rcbd_factorial_matches_statsmodels() -> None:
    """Factorial in blocks: type II SS equal statsmodels anova_lm(typ=2)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    df = oats()
    res = factorial_anova(df, response="yield", factor_a="gen", factor_b="nitro", block="block")
    ref = sm.stats.anova_lm(smf.ols("Q('yield') ~ C(block) + C(gen) * C(nitro)", df).fit(), typ=2)
    ours = res.table.set_index("source")
    for name, theirs in {
        "block": "C(block)",
        "gen": "C(gen)",
        "nitro": "C(nitro)",
        "gen:nitro": "C(gen):C(nitro)",
        "residual": "Residual",
    }.items():
        assert ours.loc[name, "sum_sq"] == pytest.approx(ref.loc[theirs, "sum_sq"], rel=1e-9)
        assert ours.loc[name, "df"] == ref.loc[theirs, "df"]
    assert res.design == "factorial_rcbd"
    assert res.provenance.model == "yield ~ gen * nitro + block"


def test_missing_plots_match_statsmodels_type2() -> None:
    """With three blank plots the type II SS and F still equal statsmodels (typ=2)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    df = oats()
    df.loc[[0, 5, 40], "yield"] = np.nan
    res = factorial_anova(df, response="yield", factor_a="gen", factor_b="nitro", block="block")
    ref = sm.stats.anova_lm(
        smf.ols("Q('yield') ~ C(block) + C(gen) * C(nitro)", df.dropna()).fit(), typ=2
    )
    ours = res.table.set_index("source")
    for name, theirs in {
        "gen": "C(gen)",
        "nitro": "C(nitro)",
        "gen:nitro": "C(gen):C(nitro)",
        "block": "C(block)",
    }.items():
        assert ours.loc[name, "sum_sq"] == pytest.approx(ref.loc[theirs, "sum_sq"], rel=1e-9)
        assert ours.loc[name, "f"] == pytest.approx(ref.loc[theirs, "F"], rel=1e-9)
    assert res.df_error == 52


def test_missing_plots_lsmeans_match_statsmodels_predictions() -> None:
    """Unbalanced cell LS-means equal the OLS predictions averaged over blocks (emmeans rule)."""
    import statsmodels.formula.api as smf

    df = oats()
    df.loc[[0, 5, 40], "yield"] = np.nan
    res = factorial_anova(df, response="yield", factor_a="gen", factor_b="nitro", block="block")
    ols = smf.ols("Q('yield') ~ C(block) + C(gen) * C(nitro)", df.dropna()).fit()
    blocks = df["block"].unique()
    grid = pd.DataFrame({"block": blocks, "gen": "GoldenRain", "nitro": "0"})
    expected = float(ols.predict(grid).mean())
    assert res.means_table().loc["GoldenRain", "0"] == pytest.approx(expected, rel=1e-10)


def test_empty_combination_is_refused() -> None:
    """A combination with no observed plot makes the interaction inestimable: refused."""
    df = battery()
    df.loc[(df["material"] == "2") & (df["temperature"] == "125"), "life_h"] = np.nan
    with pytest.raises(DataValidationError, match="material=2, temperature=125"):
        factorial_anova(df, response="life_h", factor_a="material", factor_b="temperature")


def test_unreplicated_factorial_is_refused() -> None:
    """One plot per combination leaves no residual df: refused with a hint."""
    df = battery().groupby(["material", "temperature"], as_index=False).first()
    with pytest.raises(DataValidationError, match="unreplicated"):
        factorial_anova(df, response="life_h", factor_a="material", factor_b="temperature")


def test_unknown_factor_for_means_model(battery_result) -> None:
    """means_model refuses a factor or level that is not in the model."""
    with pytest.raises(DataValidationError, match="unknown factor"):
        battery_result.means_model("plate")
    with pytest.raises(DataValidationError, match="not a level of 'temperature'"):
        battery_result.means_model("material", at="90")


def test_missing_column_is_refused() -> None:
    """A wrong column name lists the available ones."""
    with pytest.raises(DataValidationError, match="not found.*life_h"):
        factorial_anova(battery(), response="life", factor_a="material", factor_b="temperature")


# ----------------------------------------------------------------------------- Latin square


def test_latin_square_matches_montgomery() -> None:
    """Latin square (rocket propellant) ANOVA equals Montgomery Table 4.10 (330, 68, 150, 128)."""
    from yieldtrial.stats.anova_tables import anova

    case = load_case("montgomery_rocket_latin")
    df = pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])
    res = anova(
        df, response="y", treatment="formulation", design="latin", row="batch", column="operator"
    )
    table = res.table.set_index("source")
    exp = case["expected"]
    names = {
        "formulation": "formulation",
        "batch": "batch",
        "operator": "operator",
        "error": "residual",
    }
    for key, source in names.items():
        assert table.loc[source, "sum_sq"] == pytest.approx(exp[f"ss_{key}"]["value"], abs=0.005)
        assert table.loc[source, "df"] == exp[f"df_{key}"]["value"]
    assert table.loc["formulation", "f"] == pytest.approx(exp["f_formulation"]["value"], abs=0.005)
    assert table.loc["formulation", "p_value"] == pytest.approx(0.0025, abs=5e-5)
    assert res.mse == pytest.approx(exp["ms_error"]["value"], abs=0.005)


def test_repr_is_one_line_without_tables(battery_result) -> None:
    """``print(res)`` names the design's size (Montgomery's battery: 3 x 3, 4 reps, error df 27).

    The interaction is significant in Montgomery's table (P = 0.0186).
    """
    assert repr(battery_result) == (
        "FactorialAnova(design='factorial_crd', model='life_h ~ material * temperature', "
        "levels={'material': 3, 'temperature': 3}, df_error=27, interaction_significant=True)"
    )
