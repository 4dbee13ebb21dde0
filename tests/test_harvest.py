"""Tests for yieldtrial.harvest: plot harvest -> yield, and theoretical yield."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yieldtrial import DataValidationError, YieldTrialWarning
from yieldtrial.harvest import plot_yield, standardized_mass_kg, theoretical_yield

Convert = Callable[[object], object]

M2_PER_MU = 10000 / 15  # exact definition of the mu
LINFEN_AREA_M2 = 5.75 * M2_PER_MU  # Linfen harvested 5.75 mu
LINFEN = {"moisture_pct": 11.5, "standard_moisture_pct": 13, "impurity_pct": 2.0}


def test_linfen_standardized_mass_formula() -> None:
    """Linfen wheat by the exact formula: 3381.47 kg at 13 %."""
    # domain-standards §1.2 [C]: 3392 x (1 - 0.02) x (1 - 0.115) / (1 - 0.13) = 3381.47
    result = standardized_mass_kg(3392, **LINFEN)
    assert result == pytest.approx(3392 * 0.98 * 88.5 / 87, rel=1e-14)
    assert round(result, 2) == 3381.47


def test_linfen_standardized_mass_published() -> None:
    """Linfen wheat as published: 3381.34 kg, with the factor rounded to 1.0172."""
    # published 3381.34 kg (Linfen 2016 report, domain-standards §1.2). The report's hand
    # calculation rounded the moisture factor 88.5/87 = 1.017241 to 4 decimals:
    # 3392 x 0.98 = 3324.16; 3324.16 x 1.0172 = 3381.3356 -> 3381.34
    result = standardized_mass_kg(3392, factor_decimals=4, **LINFEN)
    assert round(result, 2) == 3381.34


def test_linfen_plot_yield_published() -> None:
    """Linfen wheat reproduces the published 588.06 kg/mu at printed precision."""
    # published 588.06 kg/mu = 3381.34 kg / 5.75 mu (= 588.059). The area is 5.75 mu,
    # converted exactly (10000/15 m2 per mu; the printed "666.7" cancels because the report
    # divides by the same mu figure), so the only rounding to copy is the moisture factor
    # 1.0172 (factor_decimals=4).
    result = plot_yield(
        3392, harvested_area_m2=LINFEN_AREA_M2, unit="kg/mu", factor_decimals=4, **LINFEN
    )
    assert round(result, 2) == 588.06


def test_linfen_plot_yield_exact() -> None:
    """At full precision Linfen is 588.08 kg/mu, 0.004 % above the published figure."""
    # 3392 x 0.98 x 88.5 / 87 / 5.75 = 588.0823 (hand derivation)
    result = plot_yield(3392, harvested_area_m2=LINFEN_AREA_M2, unit="kg/mu", **LINFEN)
    assert result == pytest.approx(3392 * 0.98 * 88.5 / 87 / 5.75, rel=1e-13)
    assert abs(result - 588.06) / 588.06 < 5e-5


def test_hebei_maize_ears() -> None:
    """Hebei maize ears: 1622.24 kg ears/mu x 82.42 % shelling at 30.73 % -> 1076.95 kg/mu."""
    # published 1076.95 kg/mu (Longhua county report, domain-standards §1.2):
    # 1622.24 x 0.8242 x (1 - 0.3073) / (1 - 0.14); ears weighed on 1 mu
    result = plot_yield(
        1622.24,
        harvested_area_m2=M2_PER_MU,
        moisture_pct=30.73,
        standard_moisture_pct=14,
        shelling_pct=82.42,
        unit="kg/mu",
    )
    assert round(result, 2) == 1076.95


def test_hebei_maize_percentage_point_overestimates() -> None:
    """The shortcut would give 1113.4 kg/mu for Hebei maize (+3.4 %)."""
    # domain-standards §0: linear shortcut gives 1113.4 instead of 1076.9
    # 1622.24 x 0.8242 x (1 + (14 - 30.73)/100) = 1113.36
    result = plot_yield(
        1622.24,
        harvested_area_m2=M2_PER_MU,
        moisture_pct=30.73,
        standard_moisture_pct=14,
        shelling_pct=82.42,
        method="percentage_point",
        unit="kg/mu",
    )
    assert round(result, 1) == 1113.4


def test_rice_empty_grain() -> None:
    """Rice: impurity and empty grain both come off before the moisture conversion."""
    # domain-standards §1.2 rice formula: (666.7/S) W (1 - I)(1 - E)(1 - M)/(1 - M0);
    # hand example: W = 1000 kg on 1 mu, I = 1 %, E = 2 %, M = 20 %, M0 = 13.5 % (indica)
    result = plot_yield(
        1000,
        harvested_area_m2=M2_PER_MU,
        moisture_pct=20,
        standard_moisture_pct=13.5,
        impurity_pct=1,
        empty_grain_pct=2,
        unit="kg/mu",
    )
    assert result == pytest.approx(1000 * 0.99 * 0.98 * 80 / 86.5, rel=1e-13)


def test_plot_yield_default_unit_kg_ha() -> None:
    """The default unit is kg/ha."""
    # 10 kg clean grain at standard moisture on 10 m2 = 1 kg/m2 = 10000 kg/ha
    result = plot_yield(10, harvested_area_m2=10, moisture_pct=13, standard_moisture_pct=13)
    assert result == pytest.approx(10000.0)


def test_plot_yield_bushels() -> None:
    """plot_yield converts to bu/ac with a crop."""
    # 1 kg/m2 = 10000 kg/ha; / 67.2511 kg/ha per bu/ac (wheat, 60 lb) = 148.70 bu/ac
    result = plot_yield(
        10, harvested_area_m2=10, moisture_pct=13.5, standard_moisture_pct=13.5,
        unit="bu/ac", crop="wheat",
    )  # fmt: skip
    assert result == pytest.approx(10000 / (60 * 0.45359237 * 10000 / 4046.8564224), rel=1e-12)


def test_plot_yield_bushels_need_crop() -> None:
    """bu/ac without a crop is an error."""
    with pytest.raises(DataValidationError, match="needs crop="):
        plot_yield(
            10, harvested_area_m2=10, moisture_pct=13, standard_moisture_pct=13, unit="bu/ac"
        )


def test_plot_yield_kinds(numeric_kind: Convert) -> None:
    """Float in gives float, ndarray gives ndarray, Series keeps its index."""
    masses = numeric_kind([10.0, np.nan])
    result = plot_yield(masses, harvested_area_m2=20.0, moisture_pct=15, standard_moisture_pct=13)
    if isinstance(masses, pd.Series):
        assert isinstance(result, pd.Series)
        pd.testing.assert_index_equal(result.index, masses.index)
        assert math.isnan(result.iloc[1])
    elif isinstance(masses, np.ndarray):
        assert isinstance(result, np.ndarray)
        assert math.isnan(result[1])
    else:
        assert type(result) is float
    # 10 kg x 85/87 / 20 m2 x 10000 m2/ha = 4885.06 kg/ha
    first = float(np.asarray(result).reshape(-1)[0])
    assert first == pytest.approx(10 * 85 / 87 / 20 * 10000)


def test_plot_yield_series_columns() -> None:
    """Per-plot Series for every argument give a Series on the same index."""
    plots = pd.DataFrame(
        {
            "fresh_mass_kg": [10.0, 12.0],
            "harvested_area_m2": [20.0, 20.0],
            "moisture_pct": [15.0, np.nan],
            "impurity_pct": [1.0, 2.0],
        },
        index=["A1", "B1"],
    )
    result = plot_yield(
        plots["fresh_mass_kg"],
        harvested_area_m2=plots["harvested_area_m2"],
        moisture_pct=plots["moisture_pct"],
        impurity_pct=plots["impurity_pct"],
        standard_moisture_pct=13,
    )
    assert result.index.tolist() == ["A1", "B1"]
    # A1: 10 x 0.99 x 85/87 / 20 x 10000; B1: NaN moisture -> NaN yield
    assert result["A1"] == pytest.approx(10 * 0.99 * 85 / 87 / 20 * 10000)
    assert math.isnan(result["B1"])


@settings(deadline=None, max_examples=50)
@given(
    mass=st.floats(min_value=0, max_value=1e5),
    scale=st.floats(min_value=0.01, max_value=100),
    area=st.floats(min_value=1, max_value=1e4),
)
def test_plot_yield_linear_in_mass_inverse_in_area(mass: float, scale: float, area: float) -> None:
    """Yield scales with mass and inversely with area."""
    kwargs = {"moisture_pct": 18.0, "standard_moisture_pct": 13.0, "impurity_pct": 1.5}
    base = plot_yield(mass, harvested_area_m2=area, **kwargs)
    assert plot_yield(scale * mass, harvested_area_m2=area, **kwargs) == pytest.approx(
        scale * base, rel=1e-12, abs=1e-9
    )
    assert plot_yield(mass, harvested_area_m2=scale * area, **kwargs) == pytest.approx(
        base / scale, rel=1e-12, abs=1e-9
    )


@settings(deadline=None, max_examples=50)
@given(mass=st.floats(min_value=0, max_value=1e5), moisture=st.floats(min_value=1.5, max_value=50))
def test_plot_yield_identity_without_deductions(mass: float, moisture: float) -> None:
    """No impurity, no empty grain, standard moisture: yield = mass / area."""
    result = plot_yield(
        mass, harvested_area_m2=M2_PER_MU, moisture_pct=moisture,
        standard_moisture_pct=moisture, unit="kg/mu",
    )  # fmt: skip
    assert result == pytest.approx(mass, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"harvested_area_m2": 0}, r"harvested_area_m2 must be in \(0, inf\); got 0"),
        ({"harvested_area_m2": -5}, r"harvested_area_m2 must be in \(0, inf\); got -5"),
        ({"fresh_mass_kg": -1}, r"fresh_mass_kg must be in \[0, inf\); got -1"),
        ({"impurity_pct": 100}, r"impurity_pct must be in \[0, 100\); got 100"),
        ({"empty_grain_pct": -2}, r"empty_grain_pct must be in \[0, 100\); got -2"),
        ({"shelling_pct": 0}, r"shelling_pct must be in \(0, 100\]; got 0"),
        ({"shelling_pct": 120}, r"shelling_pct must be in \(0, 100\]; got 120"),
        ({"shelling_pct": 0.8242}, r"shelling_pct is a percentage.*Multiply by 100"),
        ({"moisture_pct": 0.115}, r"moisture_pct is a percentage.*Multiply by 100"),
        ({"moisture_pct": 100}, r"moisture_pct must be in \[0, 100\)"),
        ({"method": "linear"}, r"unknown method 'linear'"),
        ({"unit": "kg/furlong"}, r"unknown yield unit 'kg/furlong'"),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else "",
)
def test_plot_yield_validation(kwargs: dict[str, object], match: str) -> None:
    """Impossible inputs raise DataValidationError naming argument and value."""
    arguments: dict[str, object] = {
        "fresh_mass_kg": 3392,
        "harvested_area_m2": LINFEN_AREA_M2,
        **LINFEN,
    }
    arguments.update(kwargs)
    with pytest.raises(DataValidationError, match=match):
        plot_yield(**arguments)  # type: ignore[arg-type]


def test_theoretical_yield_wheat() -> None:
    """Wheat: 400 000 spikes/mu x 35 grains x 45 g/1000 x 0.85 = 535.5 kg/mu."""
    # domain-standards §1.3 [C]: 400000 x 35 x 45e-6 kg x 0.85 = 535.5
    result = theoretical_yield(heads_per_mu=400_000, grains_per_head=35, thousand_grain_weight_g=45)
    assert result == pytest.approx(535.5, rel=1e-12)


def test_theoretical_yield_maize_hundred_kernel() -> None:
    """Maize: 4500 ears x 550 kernels x 35 g/100 x 0.85 = 736.3 kg/mu."""
    # domain-standards §1.3 [C]: 4500 x 550 x 35e-5 kg x 0.85 = 736.31
    result = theoretical_yield(heads_per_mu=4500, grains_per_head=550, hundred_grain_weight_g=35)
    assert result == pytest.approx(736.3125, rel=1e-12)


def test_theoretical_yield_unit_and_factor() -> None:
    """Unit converts the result; factor=1 drops the 0.85 discount."""
    # 630 kg/mu without discount; x 15 = 9450 kg/ha
    result = theoretical_yield(
        heads_per_mu=400_000, grains_per_head=35, thousand_grain_weight_g=45, factor=1,
        unit="kg/ha",
    )  # fmt: skip
    assert result == pytest.approx(9450.0, rel=1e-12)


def test_theoretical_yield_kinds(numeric_kind: Convert) -> None:
    """Theoretical yield preserves the input kind."""
    heads = numeric_kind([400_000.0, 380_000.0])
    result = theoretical_yield(heads_per_mu=heads, grains_per_head=35, thousand_grain_weight_g=45)
    assert type(result) is type(heads)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "give exactly one grain weight"),
        ({"thousand_grain_weight_g": 45, "hundred_grain_weight_g": 4.5}, "give exactly one"),
        ({"thousand_grain_weight_g": -45}, r"thousand_grain_weight_g must be in \[0, inf\)"),
        ({"hundred_grain_weight_g": -1}, r"hundred_grain_weight_g must be in \[0, inf\)"),
        ({"thousand_grain_weight_g": 45, "factor": 85}, r"factor must be in \[0, 1\]"),
    ],
)
def test_theoretical_yield_errors(kwargs: dict[str, float], match: str) -> None:
    """Missing, doubled or impossible components raise DataValidationError."""
    with pytest.raises(DataValidationError, match=match):
        theoretical_yield(heads_per_mu=400_000, grains_per_head=35, **kwargs)


def test_theoretical_yield_negative_heads() -> None:
    """Negative head counts are an error."""
    with pytest.raises(DataValidationError, match=r"heads_per_mu must be in \[0, inf\)"):
        theoretical_yield(heads_per_mu=-1, grains_per_head=35, thousand_grain_weight_g=45)


@settings(deadline=None, max_examples=40)
@given(
    plots=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1e4),  # fresh mass [kg]
            st.floats(min_value=1, max_value=1e4),  # area [m2]
            st.floats(min_value=1.5, max_value=40),  # moisture [%]
            st.floats(min_value=0, max_value=20),  # impurity [%]
        ),
        min_size=1,
        max_size=6,
    ),
    unit=st.sampled_from(["kg/ha", "kg/mu", "t/ha", "jin/mu"]),
)
def test_plot_yield_series_equals_elementwise(
    plots: list[tuple[float, float, float, float]], unit: str
) -> None:
    """A Series of plots gives, per plot label, the float result of the scalar call."""
    index = [f"P{i}" for i in range(len(plots))]
    columns = pd.DataFrame(plots, columns=["mass", "area", "moisture", "impurity"], index=index)
    result = plot_yield(
        columns["mass"],
        harvested_area_m2=columns["area"],
        moisture_pct=columns["moisture"],
        impurity_pct=columns["impurity"],
        standard_moisture_pct=13,
        unit=unit,
    )
    assert isinstance(result, pd.Series) and list(result.index) == index
    for label, (mass, area, moisture, impurity) in zip(index, plots, strict=True):
        expected = plot_yield(
            mass,
            harvested_area_m2=area,
            moisture_pct=moisture,
            impurity_pct=impurity,
            standard_moisture_pct=13,
            unit=unit,
        )
        assert type(expected) is float
        assert result[label] == pytest.approx(expected, rel=1e-12, abs=1e-9)


@settings(deadline=None, max_examples=40)
@given(
    impurity=st.floats(min_value=0, max_value=50),
    more=st.floats(min_value=0.01, max_value=40),
)
def test_plot_yield_decreases_with_impurity(impurity: float, more: float) -> None:
    """More impurity never gives more clean grain (the deduction is (1 - I/100))."""
    kwargs = {"harvested_area_m2": 20.0, "moisture_pct": 15.0, "standard_moisture_pct": 13.0}
    low = plot_yield(10.0, impurity_pct=impurity, **kwargs)
    high = plot_yield(10.0, impurity_pct=impurity + more, **kwargs)
    assert high < low
    # hand derivation: the ratio is exactly (100 - I2) / (100 - I1)
    assert high / low == pytest.approx((100 - impurity - more) / (100 - impurity), rel=1e-12)


def test_theoretical_yield_warns_on_heads_per_mu_in_wan() -> None:
    """40 heads per mu (40 万 = 400 000 written without the 万) warns with the fix."""
    with pytest.warns(YieldTrialWarning, match=r"heads_per_mu = 40 .*pass 400000"):
        theoretical_yield(heads_per_mu=40, grains_per_head=35, thousand_grain_weight_g=45)


_INDEX = pd.Index(["p3", "p1"], name="plot_id")


@pytest.mark.parametrize(
    ("compute", "name"),
    [
        (lambda: standardized_mass_kg(
            pd.Series([10.0, 12.0], index=_INDEX, name="fresh_mass_kg"),
            moisture_pct=pd.Series([20.0, 14.0], index=_INDEX, name="moisture_pct"),
            standard_moisture_pct=13), "standardized_mass_kg"),
        (lambda: plot_yield(
            pd.Series([10.0, 12.0], index=_INDEX, name="fresh_mass_kg"), harvested_area_m2=20,
            moisture_pct=pd.Series([20.0, 14.0], index=_INDEX, name="moisture_pct"),
            standard_moisture_pct=13, unit="kg/mu"), "yield_kg_mu"),
        (lambda: theoretical_yield(
            heads_per_mu=pd.Series([4.0e5, 4.5e5], index=_INDEX, name="heads_per_mu"),
            grains_per_head=30, thousand_grain_weight_g=40, unit="t/ha"), "yield_t_ha"),
    ],
)  # fmt: skip
def test_series_result_keeps_the_index_and_is_named(compute, name):
    """user45: a Series result was unnamed (two Series in); named by quantity and unit."""
    result = compute()
    assert result.name == name
    assert result.index.equals(_INDEX)


@pytest.mark.parametrize(
    "call",
    [
        lambda: plot_yield(3392, harvested_area_m2=LINFEN_AREA_M2, **{**LINFEN, "unit": "kg/x"}),
        lambda: theoretical_yield(
            heads_per_mu=400_000, grains_per_head=35, thousand_grain_weight_g=45, unit="kg/x"
        ),
    ],
    ids=["plot_yield", "theoretical_yield"],
)
def test_bad_unit_is_named_unit_not_to_unit(call: Callable[[], object]) -> None:
    """The harvest formulas' argument is ``unit``: convert_yield's ``to_unit`` is not named."""
    with pytest.raises(DataValidationError, match=r"^unit: unknown yield unit 'kg/x'; valid"):
        call()
