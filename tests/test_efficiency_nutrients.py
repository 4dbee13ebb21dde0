"""Nutrient accounting: grades, elemental conversions, additives, product and nutrient rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.config import TrialConfig
from yieldtrial.errors import DataValidationError
from yieldtrial.nutrients import (
    ADDITIVE_N_PCT,
    K_PER_K2O,
    KG_HA_PER_KG_MU,
    P_PER_P2O5,
    FertilizerGrade,
    fertilizer_from_config,
    k2o_from_potassium,
    nutrient_rate_kg_ha,
    nutrient_rates,
    p2o5_from_phosphorus,
    parse_grade,
    phosphorus_from_p2o5,
    potassium_from_k2o,
    product_from_spec,
    products_by_treatment,
    treatment_nutrient_rates,
)


def test_p_per_p2o5_from_atomic_masses():
    """P/P2O5 = 2 x 30.973762 / (2 x 30.973762 + 5 x 15.9994) = 0.4364 (domain standards §3)."""
    # hand: 61.947524 / 141.944524 = 0.436421
    assert P_PER_P2O5 == pytest.approx(0.436421, abs=1e-6)
    assert round(P_PER_P2O5, 4) == 0.4364


def test_k_per_k2o_from_atomic_masses():
    """K/K2O = 2 x 39.0983 / (2 x 39.0983 + 15.9994) = 0.8301 (domain standards §3)."""
    # hand: 78.1966 / 94.1960 = 0.830148
    assert K_PER_K2O == pytest.approx(0.830148, abs=1e-6)
    assert round(K_PER_K2O, 4) == 0.8301


@pytest.mark.parametrize(
    ("name", "expected"),
    [("dicyandiamide", 66.6), ("urea", 46.6), ("nbpt", 25.1), ("dmpp", 14.4), ("nitrapyrin", 6.1)],
    ids=["dcd", "urea", "nbpt", "dmpp", "nitrapyrin"],
)
def test_additive_n_content_from_formula(name, expected):
    """N content of additives from their formulas (DCD 66.6 %, urea 46.6 %: domain standards §3)."""
    # hand: DCD C2H4N4 56.0268/84.0800; urea CH4N2O 28.0134/60.0553; NBPT C4H14N3PS
    # 42.0201/167.21; DMPP C5H11N2O4P 28.0134/194.13; nitrapyrin C6H3Cl4N 14.0067/230.91
    assert round(ADDITIVE_N_PCT[name], 1) == expected


def test_phosphorus_from_p2o5_keeps_series_index(numeric_kind):
    """P2O5 -> P keeps the input kind; 15 % P2O5 = 6.546 % P."""
    value = numeric_kind([15.0])
    out = phosphorus_from_p2o5(value)
    # hand: 15 x 0.436421 = 6.5463
    np.testing.assert_allclose(np.asarray(out, dtype=float).reshape(-1), [6.5463], atol=1e-4)
    assert type(out) is type(value)
    if isinstance(value, pd.Series):
        assert out.index.equals(value.index)


def test_oxide_element_round_trips():
    """P -> P2O5 -> P and K -> K2O -> K are identities."""
    np.testing.assert_allclose(
        phosphorus_from_p2o5(p2o5_from_phosphorus(np.array([1.0, 7.5]))), [1.0, 7.5]
    )
    np.testing.assert_allclose(
        potassium_from_k2o(k2o_from_potassium(np.array([2.0, 60.0]))), [2.0, 60.0]
    )


def test_nutrient_rate_from_product_rate():
    """40 kg/mu of 15-15-15 = 600 kg/ha product = 90 kg N/ha (hand: 600 x 15 / 100)."""
    assert nutrient_rate_kg_ha(40 * KG_HA_PER_KG_MU, content_pct=15) == pytest.approx(90.0)


def test_nutrient_rate_nan_passes_through():
    """A missing product rate stays missing."""
    out = nutrient_rate_kg_ha(np.array([600.0, np.nan]), content_pct=15)
    assert out[0] == pytest.approx(90.0) and np.isnan(out[1])


def test_nutrient_rate_rejects_fraction_content():
    """Contents above 100 % are refused with a hint."""
    with pytest.raises(DataValidationError, match="content_pct"):
        nutrient_rate_kg_ha(600.0, content_pct=150)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15-15-15", (15.0, 15.0, 15.0)),
        ("46-0-0", (46.0, 0.0, 0.0)),
        ("18:46:0", (18.0, 46.0, 0.0)),
        ("N-P2O5-K2O 20-10-10", (20.0, 10.0, 10.0)),
        ("N=15, P2O5=15, K2O=15", (15.0, 15.0, 15.0)),
        ("N15 K2O 20", (15.0, 0.0, 20.0)),
    ],
    ids=["compound", "urea", "dap-colon", "header", "pairs", "pairs-partial"],
)
def test_parse_grade_oxide_forms(text, expected):
    """Label forms read as % N, % P2O5, % K2O."""
    g = parse_grade(text)
    assert (g.n_pct, g.p2o5_pct, g.k2o_pct) == pytest.approx(expected)


def test_parse_grade_element_labels_convert_to_oxide():
    """'N-P-K 15-6.5463-12.4522' is the elemental form of 15-15-15 (hand: 6.5463/0.436421 = 15)."""
    g = parse_grade("N-P-K 15-6.5463-12.4522")
    assert (g.p2o5_pct, g.k2o_pct) == pytest.approx((15.0, 15.0), abs=1e-3)


def test_parse_grade_element_basis_for_plain_numbers():
    """basis='element' reads unlabelled P and K numbers as elements."""
    g = parse_grade("15-6.5463-12.4522", basis="element")
    assert (g.p2o5_pct, g.k2o_pct) == pytest.approx((15.0, 15.0), abs=1e-3)


def test_parse_grade_mapping_and_elemental_properties():
    """A mapping grade; p_pct/k_pct are the elemental contents."""
    g = parse_grade({"N": 15, "P2O5": 15, "K2O": 15})
    # hand: 15 x 0.436421 = 6.5463; 15 x 0.830148 = 12.4522
    assert (g.p_pct, g.k_pct) == pytest.approx((6.5463, 12.4522), abs=1e-4)
    assert str(g) == "15-15-15"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("fifteen", "cannot read"),
        ("60-60-10", "more than 100"),
        ("N=15, P=5, P2O5=10", "both P"),
        ("150-0-0", r"outside \[0, 100\]"),
    ],
    ids=["text", "sum", "both-forms", "range"],
)
def test_parse_grade_errors(text, match):
    """Unreadable or impossible grades are refused with a clear message."""
    with pytest.raises(DataValidationError, match=match):
        parse_grade(text)


def test_product_grade_read_from_name_and_kg_mu_rate():
    """A grade in the product name and a kg/mu rate: 50 kg/mu x 15 = 750 kg/ha, 112.5 kg N/ha."""
    p = product_from_spec({"product": "compound fertilizer 15-15-15", "rate_kg_mu": 50})
    assert p.rate_kg_ha == pytest.approx(750.0)
    assert p.nutrient_kg_ha("N") == pytest.approx(112.5)
    # hand: 750 x 15 % x 0.436421 = 49.097 kg P/ha
    assert p.nutrient_kg_ha("P") == pytest.approx(49.097, abs=1e-3)


def test_product_rate_with_unit():
    """A rate with rate_unit as in trial.toml: 40 kg/mu -> 600 kg/ha."""
    p = product_from_spec({"product": "x", "grade": "15-15-15", "rate": 40, "rate_unit": "kg/mu"})
    assert p.rate_kg_ha == pytest.approx(600.0)


def test_product_pure_additive_by_name():
    """A product named 'DCD' is dicyandiamide: 3 kg/ha x 66.6 % = 2.0 kg N/ha."""
    p = product_from_spec({"product": "DCD", "rate_kg_ha": 3.0})
    # hand: 3 x 0.66635 = 1.999
    assert p.nutrient_kg_ha("N") == pytest.approx(1.999, abs=1e-3)


def test_product_containing_additive_adds_its_n():
    """A 15-15-15 blended with 1 % DCD carries 15 + 0.666 % N."""
    p = product_from_spec(
        {"product": "compound 15-15-15", "rate_kg_ha": 600, "contains": {"dicyandiamide": 1.0}}
    )
    # hand: 600 x (15 + 0.01 x 66.635) / 100 = 93.998 kg N/ha
    assert p.nutrient_kg_ha("N") == pytest.approx(93.998, abs=1e-3)


def test_product_stated_nutrient_rates():
    """Nutrient rates stated directly are used as given (kg/mu x 15)."""
    p = product_from_spec({"n_rate_kg_mu": 7.5, "p2o5_rate_kg_ha": 60})
    assert p.nutrient_kg_ha("N") == pytest.approx(112.5)
    # hand: 60 x 0.436421 = 26.185 kg P/ha
    assert p.nutrient_kg_ha("P") == pytest.approx(26.185, abs=1e-3)
    assert p.nutrient_kg_ha("K2O") == 0.0


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ({"product": "mystery", "rate_kg_ha": 10}, "nutrient content unknown"),
        ({"grade": "15-15-15"}, "no product rate"),
        ({"grade": "15-15-15", "rate_kg_ha": 1, "rate_kg_mu": 1}, "several product rates"),
        ({"grade": "15-15-15", "rate": 1, "rate_unit": "bags"}, "rate_unit"),
        ({"grade": "15-15-15", "rate_kg_ha": -5}, r"rate_kg_ha must be in \[0, 1e\+09\]"),
        ({"grade": "15-15-15", "rate_kg_ha": 5, "colour": "red"}, "unknown fertilizer key"),
        ({"additive": "saltpetre-x", "rate_kg_ha": 5}, "not a known N-containing additive"),
    ],
    ids=["no-content", "no-rate", "two-rates", "bad-unit", "negative", "unknown-key", "additive"],
)
def test_product_spec_errors(spec, match):
    """Incomplete or contradictory product descriptions are refused."""
    with pytest.raises(DataValidationError, match=match):
        product_from_spec(spec, treatment="T")


def test_bare_number_is_refused_as_ambiguous():
    """A bare number could be a product or a nutrient rate, so it is refused."""
    with pytest.raises(DataValidationError, match="ambiguous"):
        products_by_treatment({"CK": 90})


def test_nutrient_rates_one_row_per_product():
    """Two products of one treatment give two rows; T's DCD adds 5 kg N/ha (hand: 7.5 x 0.666)."""
    table = nutrient_rates(
        {
            "T": [
                {"product": "compound 15-15-15", "rate_kg_mu": 40},
                {"additive": "dicyandiamide", "rate_kg_mu": 0.5},
            ]
        }
    )
    assert table["product"].tolist() == ["compound 15-15-15", "dicyandiamide"]
    # hand: 0.5 kg/mu x 15 = 7.5 kg/ha x 0.66635 = 4.998 kg N/ha
    np.testing.assert_allclose(table["n_rate_kg_ha"], [90.0, 4.998], atol=1e-3)


def test_treatment_totals_in_kg_ha_and_kg_mu():
    """Totals per treatment in both units (hand: 90 + 4.998 = 94.998 kg/ha = 6.333 kg/mu)."""
    table = treatment_nutrient_rates(
        {
            "CK1": {"product": "compound 15-15-15", "rate_kg_mu": 50},
            "T": [
                {"product": "compound 15-15-15", "rate_kg_mu": 40},
                {"additive": "dicyandiamide", "rate_kg_mu": 0.5},
            ],
        }
    )
    assert table["treatment"].tolist() == ["CK1", "T"]
    np.testing.assert_allclose(table["n_rate_kg_ha"], [112.5, 94.998], atol=1e-3)
    np.testing.assert_allclose(table["n_rate_kg_mu"], [7.5, 6.3332], atol=1e-4)
    np.testing.assert_allclose(table["k2o_rate_kg_mu"], [7.5, 6.0])


def test_unfertilized_treatment_is_an_empty_list():
    """An empty product list means no fertilizer: all rates 0."""
    table = treatment_nutrient_rates({"CK0": [], "CK1": {"grade": "46-0-0", "rate_kg_ha": 100}})
    assert table.loc[table["treatment"] == "CK0", "n_rate_kg_ha"].tolist() == [0.0]


def test_fertilizer_from_config_reads_trial_toml():
    """trial.toml: product/rate/rate_unit plus further products and additive shares."""
    cfg = TrialConfig.from_text("""
[[treatments]]
label = "CK1"
product = "compound fertilizer 15-15-15"
rate = 50
rate_unit = "kg/mu"

[[treatments]]
label = "T"
product = "compound fertilizer 15-15-15"
rate = 40
rate_unit = "kg/mu"
products = [{product = "synergist", additive = "dicyandiamide", rate = 0.5, rate_unit = "kg/mu"}]

[[treatments]]
label = "CK0"
description = "no fertilizer"
""")
    fert = fertilizer_from_config(cfg)
    assert list(fert) == ["CK1", "T"]
    table = treatment_nutrient_rates(fert)
    np.testing.assert_allclose(table["n_rate_kg_mu"], [7.5, 6.3332], atol=1e-4)


def test_grade_addition():
    """Grades add content-wise (used for additives blended into a product)."""
    assert FertilizerGrade(15, 15, 15) + FertilizerGrade(0.5) == FertilizerGrade(15.5, 15, 15)
