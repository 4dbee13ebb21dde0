"""Fertilizer economics: value-cost ratio, net return, the CI carried from the yield difference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.design import latin_square, rcbd
from yieldtrial.economics import (
    economics_table,
    fertilizer_cost_per_ha,
    net_return_change,
    value_cost_ratio,
)
from yieldtrial.errors import DataValidationError
from yieldtrial.stats.compare import compare_to_control
from yieldtrial.trial import FieldTrial

FERT = {
    "CK1": {"product": "compound 15-15-15", "rate_kg_mu": 50},
    "CK2": {"product": "compound 15-15-15", "rate_kg_mu": 40},
    "T": [
        {"product": "compound 15-15-15", "rate_kg_mu": 40},
        {"product": "synergist", "additive": "dicyandiamide", "rate_kg_mu": 0.5},
    ],
}
PRICES = {"compound 15-15-15": 3.0, "synergist": 20.0}


def test_vcr_worked_example(numeric_kind):
    """VCR = 600 kg x 2.4 / 360 = 4.0 (hand), keeping the input kind."""
    dy = numeric_kind([600.0])
    out = value_cost_ratio(dy, grain_price_per_kg=2.4, cost_change_per_ha=360.0)
    np.testing.assert_allclose(np.asarray(out, dtype=float).reshape(-1), [4.0])
    assert type(out) is type(dy)


def test_vcr_undefined_for_cheaper_treatment():
    """A treatment that costs less than the control has no VCR (NaN, not a negative ratio)."""
    out = value_cost_ratio(
        np.array([0.0, 100.0]), grain_price_per_kg=2.4, cost_change_per_ha=np.array([-90.0, 0.0])
    )
    assert np.isnan(out).all()


def test_net_return_change_worked_example():
    """Equal yield and 450 saved: net return +450; 300 kg more at 2.4 minus 360 = +360 (hand)."""
    assert net_return_change(0.0, grain_price_per_kg=2.4, cost_change_per_ha=-450.0) == 450.0
    assert net_return_change(
        300.0, grain_price_per_kg=2.4, cost_change_per_ha=360.0
    ) == pytest.approx(360.0)


def test_negative_grain_price_is_refused():
    """Prices cannot be negative."""
    with pytest.raises(DataValidationError, match="grain_price_per_kg"):
        value_cost_ratio(100.0, grain_price_per_kg=-1.0, cost_change_per_ha=10.0)


def test_fertilizer_cost_sums_products():
    """Cost = sum of rate x price: CK1 750 x 3 = 2250; T 600 x 3 + 7.5 x 20 = 1950 (hand)."""
    cost = fertilizer_cost_per_ha(FERT, prices=PRICES)
    np.testing.assert_allclose(cost[["CK1", "CK2", "T"]], [2250.0, 1800.0, 1950.0])


def test_fertilizer_cost_missing_price_names_product():
    """A product without a price is named in the error."""
    with pytest.raises(DataValidationError, match="'synergist' has no price"):
        fertilizer_cost_per_ha(FERT, prices={"compound 15-15-15": 3.0})


def test_fertilizer_cost_warns_of_a_price_no_product_uses():
    """A price for no product was ignored silently; trial.toml's said so (stop 49)."""
    from yieldtrial.errors import YieldTrialWarning

    with pytest.warns(YieldTrialWarning) as caught:
        fertilizer_cost_per_ha(FERT, prices={**PRICES, "Synergist": 20.0})
    assert [str(w.message) for w in caught] == [
        "prices gives a price for 'Synergist', which no treatment's fertilizer names as its "
        "product, so it is not used (the products: 'compound 15-15-15', 'synergist'); check "
        "the spelling against the products' names, or remove it"
    ]
    assert caught[0].filename == __file__  # the caller's line


def test_fieldtrial_economics_warns_of_a_price_no_product_uses():
    """``trial.economics(prices=...)`` says it, as trial.toml's ``[economics] prices`` does."""
    from yieldtrial.errors import YieldTrialWarning

    book = rcbd(["CK1", "CK2", "T"], blocks=2, seed=2, plot_area_m2=20.0)
    book["fresh_mass_kg"] = [13.0 + 0.1 * i for i in range(len(book))]
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.0
    trial = FieldTrial.from_dataframe(book, crop="wheat", control="CK1")
    with pytest.warns(YieldTrialWarning, match=r"^prices gives a price for 'urea', which no"):
        trial.economics(FERT, grain_price_per_kg=2.4, currency="CNY", prices={**PRICES, "urea": 2})


def test_economics_table_equal_yields():
    """Equal yields: CK2 saves 450 and T 300 per ha; VCR undefined; currency stated."""
    yields = {"CK1": 7000.0, "CK2": 7000.0, "T": 7000.0}
    table = economics_table(
        yields, FERT, control="CK1", grain_price_per_kg=2.4, currency="CNY", prices=PRICES
    ).set_index("treatment")
    # hand: cost changes 1800 - 2250 = -450, 1950 - 2250 = -300; value change 0
    np.testing.assert_allclose(table.loc[["CK2", "T"], "cost_change_per_ha"], [-450.0, -300.0])
    np.testing.assert_allclose(table.loc[["CK2", "T"], "net_return_change_per_ha"], [450.0, 300.0])
    assert table["value_cost_ratio"].isna().all()
    assert (table["currency"] == "CNY").all()
    assert "VCR is undefined" in table.loc["T", "note"]
    # hand: net return of T = 7000 x 2.4 - 1950 = 14850
    assert table.loc["T", "net_return_per_ha"] == pytest.approx(14850.0)


def test_economics_table_ci_carried_through():
    """The yield-difference CI maps linearly: (-100, 500) kg -> (-240 + 450, 1200 + 450)."""
    yields = {"CK1": 7000.0, "CK2": 7200.0}
    table = economics_table(
        yields,
        FERT,
        control="CK1",
        grain_price_per_kg=2.4,
        currency="CNY",
        prices=PRICES,
        yield_difference_ci={"CK2": (-100.0, 500.0)},
        confidence=0.95,
    )
    row = table.iloc[0]
    # hand: net return change = dY x 2.4 + 450: 200 -> 930; -100 -> 210; 500 -> 1650
    assert row["net_return_change_per_ha"] == pytest.approx(930.0)
    assert (
        row["net_return_change_ci_low_per_ha"],
        row["net_return_change_ci_high_per_ha"],
    ) == pytest.approx((210.0, 1650.0))
    assert row["confidence"] == 0.95


def test_economics_table_vcr_for_costlier_treatment():
    """A costlier treatment gets a VCR and its CI: (300 x 2.4)/360 = 2.0, CI (0.0, 4.0) (hand)."""
    fert = {
        "CK": {"product": "u", "grade": "46-0-0", "rate_kg_ha": 100, "price_per_kg": 2.0},
        "T": {"product": "u", "grade": "46-0-0", "rate_kg_ha": 280, "price_per_kg": 2.0},
    }
    table = economics_table(
        {"CK": 5000.0, "T": 5300.0},
        fert,
        control="CK",
        grain_price_per_kg=2.4,
        currency="USD",
        yield_difference_ci={"T": (0.0, 600.0)},
    )
    row = table.iloc[0]
    assert row["value_cost_ratio"] == pytest.approx(2.0)
    assert (row["value_cost_ratio_ci_low"], row["value_cost_ratio_ci_high"]) == pytest.approx(
        (0.0, 4.0)
    )
    assert "pays" in row["note"]


def test_economics_table_unknown_control():
    """The control must have a yield."""
    with pytest.raises(DataValidationError, match="control 'CK9'"):
        economics_table(
            {"CK1": 1.0}, FERT, control="CK9", grain_price_per_kg=2.4, currency="CNY", prices=PRICES
        )


def test_fieldtrial_economics_carries_compare_to_control_ci():
    """FieldTrial.economics uses compare_to_control's Dunnett CI of the yield difference."""
    book = rcbd(["CK1", "CK2", "T"], blocks=4, seed=2, plot_area_m2=20.0)
    book["fresh_mass_kg"] = [13.0 + 0.1 * i for i in range(len(book))]
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.0
    trial = FieldTrial.from_dataframe(book, crop="wheat", control="CK1")
    table = trial.economics(FERT, grain_price_per_kg=2.4, currency="CNY", prices=PRICES).set_index(
        "treatment"
    )
    comp = compare_to_control(
        trial.yields(), response="yield_kg_ha", treatment="treatment", control="CK1", block="block"
    ).set_index("treatment")
    # independent computation through the public statistics function
    np.testing.assert_allclose(
        table.loc[["CK2", "T"], "yield_difference_ci_low_kg_ha"],
        comp.loc[["CK2", "T"], "ci_low_kg_ha"],
    )
    expected_low = comp.loc["CK2", "ci_low_kg_ha"] * 2.4 + 450.0
    assert table.loc["CK2", "net_return_change_ci_low_per_ha"] == pytest.approx(expected_low)
    assert isinstance(table, pd.DataFrame)


def test_fieldtrial_economics_unreplicated_has_no_interval():
    """One harvest per treatment (shipped Jinzhong data): no CI, and the note says so."""
    from yieldtrial.datasets import load_example

    with pytest.warns(Warning):  # wheat at 5 % moisture is flagged as implausible
        trial = load_example("jinzhong-2024")
    table = trial.economics(
        FERT, grain_price_per_kg=2.4, currency="CNY", prices=PRICES, control="CK1"
    ).set_index("treatment")
    assert table["yield_difference_ci_low_kg_ha"].isna().all()
    assert "no confidence interval" in table.loc["T", "note"]
    # hand: (442 - 436) x 95/87 x 15 x 2.4 + 300 = 235.86 + 300 = 535.86 CNY/ha
    assert table.loc["T", "net_return_change_per_ha"] == pytest.approx(535.862, abs=1e-3)


def test_fieldtrial_economics_latin_square_uses_latin_intervals():
    """A Latin-square trial: yield differences and CIs are FieldTrial.compare_to_control's."""
    book = latin_square(["CK1", "CK2", "T"], seed=4, plot_area_m2=20.0)
    base = {"CK1": 13.0, "CK2": 12.8, "T": 13.1}
    noise = [0.05, -0.03, 0.02, -0.04, 0.01, 0.06, -0.05, 0.0, -0.02]  # irregular [kg/plot]
    book["fresh_mass_kg"] = [
        base[t] + 0.2 * int(r) - 0.1 * int(c) + e
        for t, r, c, e in zip(book["treatment"], book["row"], book["column"], noise, strict=True)
    ]
    book["moisture_pct"] = 13.0
    book["impurity_pct"] = 0.0
    trial = FieldTrial.from_dataframe(book, crop="wheat", design="latin", control="CK1")
    table = trial.economics(FERT, grain_price_per_kg=2.4, currency="CNY", prices=PRICES).set_index(
        "treatment"
    )
    comp = trial.compare_to_control(control="CK1").set_index("treatment")
    # hand: 3 x 3 Latin square, error df (t - 1)(t - 2) = 2
    assert comp["df"].unique().tolist() == [2.0]
    for name in ("CK2", "T"):
        assert table.loc[name, "yield_difference_kg_ha"] == pytest.approx(
            comp.loc[name, "difference_kg_ha"]
        )
        assert table.loc[name, "yield_difference_ci_low_kg_ha"] == pytest.approx(
            comp.loc[name, "ci_low_kg_ha"]
        )
        assert table.loc[name, "yield_difference_ci_high_kg_ha"] == pytest.approx(
            comp.loc[name, "ci_high_kg_ha"]
        )


def test_economics_table_of_a_means_table_says_which_column_to_pass():
    """A means DataFrame is refused naming its kg/ha column (was float()'s TypeError)."""
    means = pd.DataFrame({"treatment": ["CK1", "CK2", "T"], "yield_kg_ha": [7000.0] * 3})
    with pytest.raises(DataValidationError, match=r"set_index\('treatment'\)\['yield_kg_ha'\]"):
        economics_table(means, FERT, control="CK1", grain_price_per_kg=2.5, currency="CNY",
                        prices=PRICES)  # fmt: skip


def test_other_costs_of_a_treatment_without_a_yield_is_refused() -> None:
    """A misspelt label in other_costs_per_ha was a cost of 0, silently (stop 39)."""
    import pytest

    from yieldtrial.efficiency.economics import economics_table
    from yieldtrial.errors import DataValidationError

    fertilizer = {"CK": [], "N1": {"product": "urea", "grade": "46-0-0", "rate_kg_ha": 200}}
    with pytest.raises(DataValidationError, match=r"other_costs_per_ha names 'n1', which has no"):
        economics_table({"CK": 6000.0, "N1": 7000.0}, fertilizer, control="CK",
                        grain_price_per_kg=2.4, currency="CNY", prices={"urea": 2.5},
                        other_costs_per_ha={"n1": 100.0})  # fmt: skip


@pytest.mark.parametrize("name", ["prices", "other_costs_per_ha"])
def test_a_price_given_as_one_number_is_refused_naming_the_argument(name) -> None:
    """prices=2.5 was "'float' object is not iterable" (stop 39)."""
    from yieldtrial.efficiency.economics import economics_table
    from yieldtrial.errors import DataValidationError

    fertilizer = {"CK": [], "N1": {"product": "urea", "grade": "46-0-0", "rate_kg_ha": 200}}
    options = {"prices": {"urea": 2.5}, name: 2.5}
    with pytest.raises(DataValidationError, match=rf"{name} must map a name to a number"):
        economics_table({"CK": 6000.0, "N1": 7000.0}, fertilizer, control="CK",
                        grain_price_per_kg=2.4, currency="CNY", **options)  # fmt: skip
