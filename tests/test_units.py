"""Tests for yieldtrial.units: area, mass and yield-per-area conversions."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yieldtrial import DataValidationError
from yieldtrial.units import (
    AREA_UNITS,
    BUSHEL_LB,
    M2_PER_ACRE,
    M2_PER_MU,
    MASS_UNITS,
    YIELD_UNITS,
    area_unit,
    bushel_weight_kg,
    convert_area,
    convert_mass,
    convert_yield,
    mass_unit,
    unit_from_yield_column,
    yield_column,
    yield_unit,
)

Convert = Callable[[object], object]


def _assert_kind(result: object, template: object) -> None:
    """Assert the result has the template's kind (and index for a Series)."""
    if isinstance(template, pd.Series):
        assert isinstance(result, pd.Series)
        pd.testing.assert_index_equal(result.index, template.index)
    elif isinstance(template, np.ndarray):
        assert isinstance(result, np.ndarray)
    else:
        assert type(result) is float


def test_mu_is_exactly_one_fifteenth_hectare() -> None:
    """The mu is 10000/15 m2 exactly, not 666.7 or 667."""
    # 1959 State Council decree: 15 mu = 1 ha (domain-standards §3)
    assert M2_PER_MU == 10000 / 15
    assert convert_area(15, "mu", "ha") == pytest.approx(1.0, rel=1e-15)


def test_acre_definition() -> None:
    """The international acre is 4046.8564224 m2."""
    # definition (domain-standards §3); 1 ha = 2.4710538 ac (mnshippers table)
    assert M2_PER_ACRE == 4046.8564224
    assert convert_area(1, "ha", "acre") == pytest.approx(2.4710538, rel=1e-7)


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "expected"),
    [
        (1, "mu", "m2", 10000 / 15),  # definition of the mu
        (5.75, "mu", "m2", 3833.3333333333),  # Linfen harvested area: 5.75 x 10000/15
        (1, "acre", "m2", 4046.8564224),  # definition of the acre
        (2, "ha", "mu", 30),  # 15 mu per ha
    ],
    ids=["mu-m2", "linfen-area", "acre-m2", "ha-mu"],
)
def test_convert_area_known_values(
    value: float, from_unit: str, to_unit: str, expected: float
) -> None:
    """Area conversions match their definitions."""
    assert convert_area(value, from_unit, to_unit) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "expected"),
    [
        (2, "jin", "kg", 1.0),  # 1 jin = 0.5 kg (1 公斤 = 2 斤)
        (1, "lb", "kg", 0.45359237),  # definition of the pound
        (1.5, "t", "kg", 1500),  # tonne
        (250, "g", "kg", 0.25),  # gram
    ],
    ids=["jin", "lb", "t", "g"],
)
def test_convert_mass_known_values(
    value: float, from_unit: str, to_unit: str, expected: float
) -> None:
    """Mass conversions match their definitions."""
    assert convert_mass(value, from_unit, to_unit) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "crop", "expected", "rel"),
    [
        # kg/mu -> kg/ha is x 15 (domain-standards §0: 442 kg/mu = 6630 kg/ha)
        (442, "kg/mu", "kg/ha", None, 6630.0, 1e-12),
        # domain-standards §0: 482.64 kg/mu = 7239.7 kg/ha (x 15 = 7239.6)
        (482.64, "kg/mu", "kg/ha", None, 7239.6, 1e-12),
        # lb/ac -> kg/ha factor 1.120851 (domain-standards §3, calculator.city)
        (1, "lb/ac", "kg/ha", None, 1.120851, 1e-6),
        # wheat 60 lb/bu: 1 bu/ac = 67.251 kg/ha (domain-standards §3 table)
        (1, "bu/ac", "kg/ha", "wheat", 67.251, 1e-4),
        # maize 56 lb/bu: 62.768 kg/ha per bu/ac (domain-standards §3 table)
        (1, "bu/ac", "kg/ha", "corn", 62.768, 1e-4),
        # barley 48 lb/bu: 53.801 (domain-standards §3 table)
        (1, "bu/ac", "kg/ha", "barley", 53.801, 1e-4),
        # oats 32 lb/bu: 35.867 (domain-standards §3 table)
        (1, "bu/ac", "kg/ha", "oats", 35.867, 1e-4),
        # rough rice 45 lb/bu: 50.438 (domain-standards §3 table)
        (1, "bu/ac", "kg/ha", "rice", 50.438, 1e-4),
        # domain-standards §0: 442 kg/mu = 98.6 bu/ac wheat, 482.64 kg/mu = 107.7 bu/ac
        (442, "kg/mu", "bu/ac", "wheat", 98.6, 5e-4),
        (482.64, "kg/mu", "bu/ac", "小麦", 107.7, 5e-4),
        # 1 t/ha = 1000 kg/ha; 1 jin/mu = 0.5 kg/mu = 7.5 kg/ha
        (1, "t/ha", "kg/ha", None, 1000.0, 1e-12),
        (1, "jin/mu", "kg/ha", None, 7.5, 1e-12),
        # 1 g/m2 = 10 kg/ha (1000 g/kg, 10000 m2/ha)
        (1, "g/m2", "kg/ha", None, 10.0, 1e-12),
    ],
)
def test_convert_yield_known_values(
    value: float, from_unit: str, to_unit: str, crop: str | None, expected: float, rel: float
) -> None:
    """Yield conversions match published factors and the worked Jinzhong figures."""
    assert convert_yield(value, from_unit, to_unit, crop=crop) == pytest.approx(expected, rel=rel)


def test_convert_yield_bushels_need_crop() -> None:
    """bu/ac without a crop is an error that lists the crops with bushel weights."""
    with pytest.raises(DataValidationError, match=r"needs crop=.*wheat 60 lb.*oats 32 lb"):
        convert_yield(100, "bu/ac", "kg/ha")


def test_convert_yield_bushels_unknown_crop() -> None:
    """An unknown crop for a bushel conversion is an error listing the known crops."""
    with pytest.raises(DataValidationError, match=r"unknown crop 'potato'.*wheat"):
        convert_yield(100, "kg/ha", "bu/ac", crop="potato")


def test_bushel_weight_rice_types_use_rough_rice() -> None:
    """Indica and japonica rice use the rough-rice bushel (45 lb)."""
    # BUSHEL_LB rice = 45 lb rough rice (domain-standards §3)
    assert bushel_weight_kg("籼稻") == pytest.approx(45 * 0.45359237)
    assert bushel_weight_kg("japonica rice") == pytest.approx(45 * 0.45359237)


def test_bushel_weights_table() -> None:
    """The bushel table holds the USDA weights."""
    # domain-standards §3 table
    assert BUSHEL_LB == {
        "wheat": 60,
        "soybean": 60,
        "maize": 56,
        "sorghum": 56,
        "rye": 56,
        "barley": 48,
        "oats": 32,
        "rice": 45,
    }


def test_crop_checked_without_bushels() -> None:
    """A crop given for a non-bushel conversion is not needed, but a misspelt one is refused.

    It was ignored unchecked (stop 41 API pass): plot_yield(..., crop="wehat") passed.
    """
    assert convert_yield(1, "kg/mu", "kg/ha", crop="Wheat") == pytest.approx(15.0)
    with pytest.raises(DataValidationError, match="unknown crop 'anything'; known crops"):
        convert_yield(1, "kg/mu", "kg/ha", crop="anything")


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("m²", "m2"),
        ("Hectare", "ha"),
        ("hm2", "ha"),
        ("ac", "acre"),
        ("亩", "mu"),
        ("acres", "acre"),
    ],
)
def test_area_aliases(alias: str, expected: str) -> None:
    """Common spellings of area units are accepted."""
    assert area_unit(alias) == expected


@pytest.mark.parametrize(
    ("alias", "expected"),
    [("公斤", "kg"), ("斤", "jin"), ("lbs", "lb"), ("Tonne", "t"), ("grams", "g")],
)
def test_mass_aliases(alias: str, expected: str) -> None:
    """Common spellings of mass units are accepted."""
    assert mass_unit(alias) == expected


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("kg ha-1", "kg/ha"),
        ("kg·ha⁻¹", "kg/ha"),
        ("kg/hm²", "kg/ha"),
        ("公斤/亩", "kg/mu"),
        ("斤/亩", "jin/mu"),
        ("bu/acre", "bu/ac"),
        ("lb/acre", "lb/ac"),
        ("Mg/ha", "t/ha"),
        ("kg per ha", "kg/ha"),
    ],
)
def test_yield_unit_aliases(alias: str, expected: str) -> None:
    """Common spellings of yield units are accepted."""
    assert yield_unit(alias) == expected


def test_yield_units_tuple_parses() -> None:
    """Every listed yield unit is its own canonical spelling."""
    assert [yield_unit(u) for u in YIELD_UNITS] == list(YIELD_UNITS)


def test_unknown_area_unit() -> None:
    """An unknown area unit is an error listing the valid ones."""
    with pytest.raises(DataValidationError, match=r"unknown area unit 'rood'.*m2, mu, ha, acre"):
        convert_area(1, "rood", "m2")


def test_unknown_mass_unit() -> None:
    """An unknown mass unit is an error listing the valid ones."""
    with pytest.raises(DataValidationError, match=r"unknown mass unit 'stone'.*kg, g, t, jin, lb"):
        convert_mass(1, "kg", "stone")


def test_unknown_yield_unit() -> None:
    """An unknown yield unit is an error listing the valid ones."""
    with pytest.raises(DataValidationError, match=r"unknown yield unit 'kg'.*kg/ha, t/ha, kg/mu"):
        convert_yield(1, "kg", "kg/ha")


def test_unit_not_text() -> None:
    """A unit that is not text is an error."""
    with pytest.raises(DataValidationError, match="area unit must be text"):
        convert_area(1, 5, "m2")  # type: ignore[arg-type]


def test_value_not_numeric() -> None:
    """Text values are an error naming the argument."""
    with pytest.raises(DataValidationError, match="value must be a number"):
        convert_area("ten", "mu", "m2")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("unit", "column"),
    [
        ("kg/ha", "yield_kg_ha"),
        ("kg/mu", "yield_kg_mu"),
        ("t/ha", "yield_t_ha"),
        ("jin/mu", "yield_jin_mu"),
        ("lb/ac", "yield_lb_ac"),
        ("bu/ac", "yield_bu_ac"),
    ],
)
def test_yield_column_round_trip(unit: str, column: str) -> None:
    """yield_column and unit_from_yield_column are inverse for the main units."""
    assert yield_column(unit) == column
    assert unit_from_yield_column(column) == unit


@pytest.mark.parametrize("name", ["plot_id", "yield", "yield_kg", "yield_kg_acre", "yield_x_ha"])
def test_unit_from_yield_column_not_a_yield(name: str) -> None:
    """Names that are not yield_<mass>_<area> give None."""
    assert unit_from_yield_column(name) is None


def test_convert_yield_keeps_kind(numeric_kind: Convert) -> None:
    """Float in gives float out, ndarray gives ndarray, Series keeps its index."""
    value = numeric_kind([442.0, np.nan])
    result = convert_yield(value, "kg/mu", "kg/ha")
    _assert_kind(result, value)
    # x 15 (15 mu per ha)
    assert np.asarray(result, dtype=float).reshape(-1)[0] == pytest.approx(6630.0)


def test_convert_area_and_mass_keep_kind(numeric_kind: Convert) -> None:
    """Area and mass conversions preserve the input kind."""
    value = numeric_kind([1.0, 2.0])
    _assert_kind(convert_area(value, "mu", "m2"), value)
    _assert_kind(convert_mass(value, "jin", "kg"), value)


def test_nan_passes_through() -> None:
    """NaN stays NaN."""
    result = convert_yield(np.array([np.nan, 1.0]), "t/ha", "kg/mu")
    assert np.isnan(result[0])
    # 1 t/ha = 1000 kg / 15 mu
    assert result[1] == pytest.approx(1000 / 15)


def test_integer_input_gives_float() -> None:
    """An int is converted like a float."""
    result = convert_mass(3, "jin", "kg")
    assert type(result) is float
    assert result == 1.5  # 3 x 0.5 kg


# amounts are never negative (convert_yield(-1, ...) is refused, see test_convert_*_refuses)
finite = st.floats(min_value=0, max_value=1e9, allow_nan=False)


@settings(deadline=None, max_examples=50)
@given(value=finite, a=st.sampled_from(AREA_UNITS), b=st.sampled_from(AREA_UNITS))
def test_area_round_trip(value: float, a: str, b: str) -> None:
    """A -> B -> A returns the original area."""
    back = convert_area(convert_area(value, a, b), b, a)
    assert back == pytest.approx(value, rel=1e-12, abs=1e-9)


@settings(deadline=None, max_examples=50)
@given(value=finite, a=st.sampled_from(MASS_UNITS), b=st.sampled_from(MASS_UNITS))
def test_mass_round_trip(value: float, a: str, b: str) -> None:
    """A -> B -> A returns the original mass."""
    back = convert_mass(convert_mass(value, a, b), b, a)
    assert back == pytest.approx(value, rel=1e-12, abs=1e-9)


@settings(deadline=None, max_examples=50)
@given(
    value=finite,
    a=st.sampled_from(YIELD_UNITS),
    b=st.sampled_from(YIELD_UNITS),
    crop=st.sampled_from(sorted(BUSHEL_LB)),
)
def test_yield_round_trip(value: float, a: str, b: str, crop: str) -> None:
    """A -> B -> A returns the original yield, bushels included."""
    back = convert_yield(convert_yield(value, a, b, crop=crop), b, a, crop=crop)
    assert back == pytest.approx(value, rel=1e-12, abs=1e-9)


@settings(deadline=None, max_examples=50)
@given(value=finite, scale=st.floats(min_value=0, max_value=1e3, allow_nan=False))
def test_yield_conversion_linear(value: float, scale: float) -> None:
    """Conversion is linear: f(c x) = c f(x)."""
    left = convert_yield(scale * value, "kg/mu", "lb/ac")
    right = scale * convert_yield(value, "kg/mu", "lb/ac")
    assert left == pytest.approx(right, rel=1e-12, abs=1e-6)


@settings(deadline=None, max_examples=40)
@given(
    values=st.lists(st.floats(min_value=0, max_value=1e5), min_size=1, max_size=6),
    a=st.sampled_from(YIELD_UNITS),
    b=st.sampled_from(YIELD_UNITS),
)
def test_yield_conversion_keeps_series_index(values: list[float], a: str, b: str) -> None:
    """A Series keeps its index and each element equals the float conversion."""
    index = [f"P{i}" for i in range(len(values))]
    result = convert_yield(pd.Series(values, index=index), a, b, crop="maize")
    assert isinstance(result, pd.Series) and list(result.index) == index
    for label, value in zip(index, values, strict=True):
        assert result[label] == pytest.approx(convert_yield(value, a, b, crop="maize"), rel=1e-12)


@settings(deadline=None, max_examples=40)
@given(value=finite, a=st.sampled_from(YIELD_UNITS), b=st.sampled_from(YIELD_UNITS),
       c=st.sampled_from(YIELD_UNITS))  # fmt: skip
def test_yield_conversion_composes(value: float, a: str, b: str, c: str) -> None:
    """Converting A -> B -> C equals converting A -> C directly."""
    via = convert_yield(convert_yield(value, a, b, crop="wheat"), b, c, crop="wheat")
    assert via == pytest.approx(convert_yield(value, a, c, crop="wheat"), rel=1e-12, abs=1e-9)


def test_infinite_yield_hint_is_about_infinity_too():
    """An infinite yield gets a hint that fits it (and reads "A yield", not "An yield")."""
    with pytest.raises(DataValidationError, match=r"A yield is never negative or infinite"):
        convert_yield(float("inf"), "kg/mu", "kg/ha")


def test_converted_yield_that_overflows_is_an_error():
    """1e308 t/ha in kg/ha overflows to inf: a DataValidationError, not inf."""
    from yieldtrial.units import convert_yield

    with pytest.raises(DataValidationError, match="converted yield is too large to compute"):
        convert_yield(1e308, "t/ha", "kg/ha")


def test_convert_yield_renames_a_canonical_yield_series_for_the_new_unit() -> None:
    # a yield_kg_ha Series converted to kg/mu kept the name yield_kg_ha (stop 40)
    kg_ha = pd.Series([6630.0, 7500.0], index=[10, 11], name="yield_kg_ha")
    kg_mu = convert_yield(kg_ha, "kg/ha", "kg/mu")
    assert kg_mu.name == "yield_kg_mu"
    assert list(kg_mu.index) == [10, 11]
    assert kg_mu.tolist() == pytest.approx([442.0, 500.0])  # x 10000/15 m2 per mu / 10000


def test_convert_yield_keeps_a_users_own_series_name() -> None:
    own = pd.Series([6630.0], name="plot yield")
    assert convert_yield(own, "kg/ha", "kg/mu").name == "plot yield"


@pytest.mark.parametrize(
    ("convert", "from_unit", "to_unit", "match"),
    [
        (convert_area, "rood", "m2", r"^from_unit: unknown area unit 'rood'; valid area units"),
        (convert_area, "m2", "rood", r"^to_unit: unknown area unit 'rood'; valid area units"),
        (convert_mass, "stone", "kg", r"^from_unit: unknown mass unit 'stone'; valid mass"),
        (convert_mass, "kg", "stone", r"^to_unit: unknown mass unit 'stone'; valid mass"),
        (convert_yield, "kg/muu", "kg/ha", r"^from_unit: unknown yield unit 'kg/muu' \(did you"),
        (convert_yield, "kg/ha", "kg/muu", r"^to_unit: unknown yield unit 'kg/muu' \(did you"),
        (convert_area, 5, "m2", r"^from_unit: area unit must be text such as 'm2'; got 5\."),
    ],
    ids=["area-from", "area-to", "mass-from", "mass-to", "yield-from", "yield-to", "not-text"],
)
def test_unit_error_names_the_argument(
    convert: Callable[..., object], from_unit: object, to_unit: object, match: str
) -> None:
    """Two units in one call: the message says which argument holds the bad one.

    The text after the name is yield_unit's (area_unit's, mass_unit's) own message, the one
    trial.toml and the command line end with.
    """
    with pytest.raises(DataValidationError, match=match):
        convert(1, from_unit, to_unit)


def test_unit_error_shows_a_numpy_string_as_text() -> None:
    """A unit read from a table (np.str_) is quoted 'kg/foo', not np.str_('kg/foo')."""
    with pytest.raises(DataValidationError) as caught:
        convert_yield(1, np.str_("kg/foo"), "kg/ha")
    assert "unknown yield unit 'kg/foo';" in str(caught.value)
    assert "np.str_" not in str(caught.value)
