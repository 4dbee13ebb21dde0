"""Tests for yieldtrial.moisture: standardization methods, wet/dry basis, the audit."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yieldtrial as yt
from yieldtrial import DataValidationError
from yieldtrial.moisture import (
    AUDIT_COLUMNS,
    AUDIT_METHODS,
    METHODS,
    audit_moisture_conversion,
    describe_method,
    dry_basis_from_wet_basis_pct,
    grain_trade_adjusted_mass,
    moisture_factor,
    reported_decimals,
    standardize_moisture,
    wet_basis_from_dry_basis_pct,
)

Convert = Callable[[object], object]

# moisture strategy: wet basis, away from the fraction zone (0, 1] and from 100
moisture = st.floats(min_value=1.5, max_value=60.0, allow_nan=False)
mass = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)


def test_jinzhong_percentage_point_reproduces_477_36() -> None:
    """The Jinzhong report's 477.36 is the percentage-point shortcut."""
    # published figure: 442 kg/mu at 5 % -> 477.36 kg/mu at 13 %; 442 x 1.08 = 477.36
    result = standardize_moisture(
        442, moisture_pct=5, standard_moisture_pct=13, method="percentage_point"
    )
    assert round(result, 2) == 477.36


def test_jinzhong_dry_matter_gives_482_64() -> None:
    """The dry-matter (default) method gives 482.64 for the Jinzhong figure."""
    # hand derivation: 442 x (100 - 5) / (100 - 13) = 41990 / 87 = 482.6437 (domain-standards §0)
    result = standardize_moisture(442, moisture_pct=5, standard_moisture_pct=13)
    assert result == pytest.approx(41990 / 87, rel=1e-15)
    assert round(result, 2) == 482.64


def test_acceptance_command_output() -> None:
    """The issue's acceptance check prints 477.36 482.64 through the lazy top-level API."""
    # issue 2, Acceptance: prints `477.36 482.64`
    shortcut = yt.standardize_moisture(
        442, moisture_pct=5, standard_moisture_pct=13, method="percentage_point"
    )
    correct = yt.standardize_moisture(442, moisture_pct=5, standard_moisture_pct=13)
    assert f"{round(shortcut, 2)} {round(correct, 2)}" == "477.36 482.64"


def test_irri_paddy_example() -> None:
    """IRRI: 1000 kg paddy at 25 % is 872 kg at 14 %."""
    # IRRI Rice Knowledge Bank moisture-content calculations: 1000 x 75 / 86 = 872.09
    result = standardize_moisture(1000, moisture_pct=25, standard_moisture_pct=14)
    assert round(result) == 872


def test_pioneer_shrink_example() -> None:
    """Pioneer: 1000 lb at 25.5 % dried to 15.5 % shrinks 11.83 %."""
    # pioneer.com moisture_shrink: shrink = 10 pt x 100/84.5 = 11.83 %; 1000 x 74.5/84.5 = 881.66
    result = standardize_moisture(1000, moisture_pct=25.5, standard_moisture_pct=15.5)
    assert 100 - result / 10 == pytest.approx(11.83, abs=0.005)


def test_rma_linear_shrink_corn_20_pct() -> None:
    """USDA RMA corn: 1.2 %/point above 15 % gives factor 0.9400 at 20 %."""
    # domain-standards §2.3 item 4: corn 20 % -> 0.9400 (1 - 1.2 x 5 / 100)
    factor = moisture_factor(
        20, standard_moisture_pct=15, method="shrink", shrink_pct_per_point=1.2
    )
    assert factor == pytest.approx(0.94, rel=1e-12)


def test_shrink_no_upward_adjustment_when_drier() -> None:
    """The shrink method leaves grain drier than standard unchanged."""
    # domain-standards §0, last row: no upward correction -> 442
    result = standardize_moisture(
        442, moisture_pct=5, standard_moisture_pct=13, method="shrink", shrink_pct_per_point=1.2
    )
    assert result == 442.0


def test_dry_matter_equals_us_shrink_factor_per_point() -> None:
    """Dry matter equals the US shrink factor 100/(100 - Ms) % per point."""
    # domain-standards §0: SF = 100/87 = 1.1494 %/pt; 442 x (1 + 8 x 1.1494 %) = 482.64
    shrink_factor_pct = 100 / (100 - 13)
    expected = 442 * (1 + 8 * shrink_factor_pct / 100)
    assert standardize_moisture(442, moisture_pct=5, standard_moisture_pct=13) == pytest.approx(
        expected, rel=1e-14
    )


def test_factor_decimals_rounds_factor() -> None:
    """factor_decimals rounds the moisture factor as a hand calculation does."""
    # 88.5 / 87 = 1.017241...; rounded to 4 decimals 1.0172; 3324.16 x 1.0172 = 3381.3356
    result = standardize_moisture(
        3324.16, moisture_pct=11.5, standard_moisture_pct=13, factor_decimals=4
    )
    assert result == pytest.approx(3324.16 * 1.0172, rel=1e-14)


def test_dry_matter_protocol_zero_moisture() -> None:
    """Standard moisture 0 gives the dry matter."""
    # 100 kg at 20 % moisture holds 80 kg dry matter
    assert standardize_moisture(100, moisture_pct=20, standard_moisture_pct=0) == pytest.approx(80)


@pytest.mark.parametrize("method", ["dry_matter", "percentage_point"])
def test_kinds_preserved(numeric_kind: Convert, method: str) -> None:
    """Float in gives float, ndarray gives ndarray, Series keeps its index."""
    masses = numeric_kind([442.0, 500.0])
    result = standardize_moisture(masses, moisture_pct=5, standard_moisture_pct=13, method=method)
    if isinstance(masses, pd.Series):
        assert isinstance(result, pd.Series)
        pd.testing.assert_index_equal(result.index, masses.index)
    elif isinstance(masses, np.ndarray):
        assert isinstance(result, np.ndarray)
    else:
        assert type(result) is float
    # first element: 482.6437 (dry matter) or 477.36 (percentage point), derived above
    first = float(np.asarray(result).reshape(-1)[0])
    assert first == pytest.approx(41990 / 87 if method == "dry_matter" else 477.36)


def test_series_moisture_per_plot() -> None:
    """A Series of moistures gives a Series with the same index."""
    moistures = pd.Series([5.0, 13.0, np.nan], index=["a", "b", "c"])
    result = standardize_moisture(442.0, moisture_pct=moistures, standard_moisture_pct=13)
    assert result.index.tolist() == ["a", "b", "c"]
    # a: 442 x 95/87; b: equal moisture -> 442; c: NaN moisture -> NaN
    assert result["a"] == pytest.approx(41990 / 87)
    assert result["b"] == pytest.approx(442.0)
    assert math.isnan(result["c"])


def test_nan_mass_passes_through() -> None:
    """NaN mass gives NaN, not an error."""
    assert math.isnan(standardize_moisture(math.nan, moisture_pct=5, standard_moisture_pct=13))


def test_nullable_float_series() -> None:
    """A nullable Float64 Series with missing values is accepted; pd.NA becomes NaN."""
    masses = pd.Series([442.0, None], dtype="Float64")
    result = standardize_moisture(masses, moisture_pct=5, standard_moisture_pct=13)
    assert result.dtype == np.float64
    assert math.isnan(result.iloc[1])


@settings(deadline=None, max_examples=50)
@given(mass=mass, moisture_pct=moisture)
def test_identity_at_equal_moisture(mass: float, moisture_pct: float) -> None:
    """Every method returns the mass unchanged at standard moisture."""
    for method in METHODS:
        result = standardize_moisture(
            mass,
            moisture_pct=moisture_pct,
            standard_moisture_pct=moisture_pct,
            method=method,
            shrink_pct_per_point=1.2,
        )
        assert result == pytest.approx(mass, rel=1e-12)


@settings(deadline=None, max_examples=50)
@given(mass=mass, a=moisture, b=moisture)
def test_dry_matter_round_trip(mass: float, a: float, b: float) -> None:
    """Dry matter: A -> B -> A returns the original mass."""
    there = standardize_moisture(mass, moisture_pct=a, standard_moisture_pct=b)
    back = standardize_moisture(there, moisture_pct=b, standard_moisture_pct=a)
    assert back == pytest.approx(mass, rel=1e-12, abs=1e-9)


@settings(deadline=None, max_examples=50)
@given(mass=mass, a=moisture, b=moisture)
def test_dry_matter_conserves_dry_matter(mass: float, a: float, b: float) -> None:
    """Dry matter mass is the same before and after standardization."""
    result = standardize_moisture(mass, moisture_pct=a, standard_moisture_pct=b)
    assert result * (100 - b) == pytest.approx(mass * (100 - a), rel=1e-12, abs=1e-6)


@settings(deadline=None, max_examples=50)
@given(
    mass=mass,
    scale=st.floats(min_value=0, max_value=1e3, allow_nan=False),
    a=moisture,
    b=moisture,
    method=st.sampled_from(METHODS),
)
def test_linear_in_mass(mass: float, scale: float, a: float, b: float, method: str) -> None:
    """Standardization is linear in mass for every method."""
    kwargs = {"moisture_pct": a, "standard_moisture_pct": b, "method": method}
    left = standardize_moisture(scale * mass, shrink_pct_per_point=1.0, **kwargs)
    right = scale * standardize_moisture(mass, shrink_pct_per_point=1.0, **kwargs)
    assert left == pytest.approx(right, rel=1e-12, abs=1e-6)


@settings(deadline=None, max_examples=50)
@given(a=st.just(0.0) | st.floats(min_value=1.5, max_value=40.0), b=moisture)
def test_percentage_point_error_sign(a: float, b: float) -> None:
    """The shortcut underestimates grain drier than standard and overestimates wetter grain."""
    # hand derivation: (100 - a)/(100 - b) - (1 + (b - a)/100) = (b - a) b / (100 (100 - b)),
    # whose sign is the sign of (b - a)
    dm = standardize_moisture(100.0, moisture_pct=a, standard_moisture_pct=b)
    pp = standardize_moisture(
        100.0, moisture_pct=a, standard_moisture_pct=b, method="percentage_point"
    )
    expected = 100.0 * (b - a) * b / (100.0 * (100.0 - b))
    assert dm - pp == pytest.approx(expected, rel=1e-9, abs=1e-9)


_BAD_ARGUMENTS = {
    "moisture-100": (
        {"moisture_pct": 100, "standard_moisture_pct": 13},
        r"moisture_pct must be in \[0, 100\); got 100",
    ),
    "moisture-negative": (
        {"moisture_pct": -1, "standard_moisture_pct": 13},
        r"moisture_pct must be in \[0, 100\); got -1",
    ),
    "standard-130": (
        {"moisture_pct": 5, "standard_moisture_pct": 130},
        r"standard_moisture_pct must be in \[0, 100\)",
    ),
    "moisture-fraction": (
        {"moisture_pct": 0.05, "standard_moisture_pct": 13},
        r"moisture_pct is a percentage.*0\.05.*Multiply by 100",
    ),
    "standard-fraction": (
        {"moisture_pct": 5, "standard_moisture_pct": 0.13},
        r"standard_moisture_pct is a percentage.*Multiply by 100",
    ),
    "method": (
        {"moisture_pct": 5, "standard_moisture_pct": 13, "method": "linear"},
        r"unknown method 'linear'.*dry_matter, percentage_point, shrink",
    ),
    "shrink-missing": (
        {"moisture_pct": 20, "standard_moisture_pct": 13, "method": "shrink"},
        r"method='shrink' needs shrink_pct_per_point",
    ),
    "shrink-negative": (
        {"moisture_pct": 20, "standard_moisture_pct": 13, "method": "shrink",
         "shrink_pct_per_point": -1},
        r"shrink_pct_per_point must be in \[0, 100\)",
    ),
    "shrink-too-large": (
        {"moisture_pct": 90, "standard_moisture_pct": 13, "method": "shrink",
         "shrink_pct_per_point": 2},
        r"moisture factor .* must be in \[0, inf\)",
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "match"), list(_BAD_ARGUMENTS.values()), ids=list(_BAD_ARGUMENTS)
)
def test_validation_errors(kwargs: dict[str, object], match: str) -> None:
    """Impossible arguments raise DataValidationError naming the argument."""
    with pytest.raises(DataValidationError, match=match):
        standardize_moisture(442, **kwargs)  # type: ignore[arg-type]


def test_fraction_series_error() -> None:
    """A Series of moistures all in (0, 1] is an error suggesting x 100."""
    moistures = pd.Series([0.12, 0.14, np.nan])
    with pytest.raises(DataValidationError, match=r"values all in \[0, 1\].*Multiply by 100"):
        standardize_moisture(100.0, moisture_pct=moistures, standard_moisture_pct=13)


def test_out_of_range_series_names_index() -> None:
    """An out-of-range Series value is reported with its index label and the count."""
    moistures = pd.Series([12.0, 134.0, 150.0], index=["A1", "B3", "C2"])
    with pytest.raises(DataValidationError, match=r"got 134 at index 'B3'; 2 values out of range"):
        standardize_moisture(100.0, moisture_pct=moistures, standard_moisture_pct=13)


def test_out_of_range_array_names_position() -> None:
    """An out-of-range array value is reported with its position."""
    with pytest.raises(DataValidationError, match=r"got 100 at position 1"):
        standardize_moisture(100.0, moisture_pct=np.array([12.0, 100.0]), standard_moisture_pct=13)


def test_non_numeric_mass() -> None:
    """Text mass is an error naming the argument."""
    with pytest.raises(DataValidationError, match="mass must be a number"):
        standardize_moisture("442 kg", moisture_pct=5, standard_moisture_pct=13)  # type: ignore[arg-type]


def test_zero_moisture_not_a_fraction() -> None:
    """0 % moisture (oven-dry grain) is allowed."""
    # 100 kg dry matter at 13 %: 100 x 100 / 87
    result = standardize_moisture(100, moisture_pct=0, standard_moisture_pct=13)
    assert result == pytest.approx(10000 / 87)


def test_wet_to_dry_basis() -> None:
    """20 % wet basis is 25 % dry basis."""
    # Purdue ABE 305: M_db = M_wb / (1 - M_wb) = 0.2 / 0.8
    assert dry_basis_from_wet_basis_pct(20.0) == pytest.approx(25.0)


def test_dry_to_wet_basis() -> None:
    """25 % dry basis is 20 % wet basis; 100 % dry basis is 50 % wet basis."""
    # Purdue ABE 305: M_wb = M_db / (1 + M_db)
    assert wet_basis_from_dry_basis_pct(25.0) == pytest.approx(20.0)
    assert wet_basis_from_dry_basis_pct(100.0) == pytest.approx(50.0)


def test_basis_conversion_keeps_kind(numeric_kind: Convert) -> None:
    """Basis conversions preserve the input kind."""
    values = numeric_kind([20.0, 25.0])
    result = dry_basis_from_wet_basis_pct(values)
    assert type(result) is type(values)


def test_dry_basis_negative_error() -> None:
    """A negative dry-basis moisture is an error."""
    with pytest.raises(DataValidationError, match=r"moisture_dry_basis_pct must be in \[0, inf\)"):
        wet_basis_from_dry_basis_pct(-3.0)


def test_wet_basis_100_error() -> None:
    """A wet-basis moisture of 100 % is an error."""
    with pytest.raises(DataValidationError, match=r"moisture_pct must be in \[0, 100\)"):
        dry_basis_from_wet_basis_pct(100.0)


@settings(deadline=None, max_examples=50)
@given(moisture_pct=moisture)
def test_basis_round_trip(moisture_pct: float) -> None:
    """Wet -> dry -> wet returns the original moisture."""
    back = wet_basis_from_dry_basis_pct(dry_basis_from_wet_basis_pct(moisture_pct))
    assert back == pytest.approx(moisture_pct, rel=1e-12)


def test_audit_names_percentage_point() -> None:
    """The Jinzhong audit: only percentage_point reproduces 477.36."""
    # published 477.36 = 442 x 1.08 (issue 2 item 5)
    table = audit_moisture_conversion(442, 477.36, moisture_pct=5, standard_moisture_pct=13)
    assert table["method"].tolist() == list(AUDIT_METHODS)
    assert table.loc[table["reproduces"], "method"].tolist() == ["percentage_point"]


def test_audit_dry_matter_difference() -> None:
    """The audit shows dry matter's 482.64, +5.28 kg and +1.1 %."""
    # 41990/87 = 482.6437; 482.6437 - 477.36 = 5.2837; 5.2837 / 477.36 = 1.107 %
    row = (
        audit_moisture_conversion(442, 477.36, moisture_pct=5, standard_moisture_pct=13)
        .set_index("method")
        .loc["dry_matter"]
    )
    assert round(row["predicted"], 2) == 482.64
    assert round(row["difference"], 2) == 5.28
    assert round(row["difference_pct"], 1) == 1.1
    assert row["formula"] == "dry-matter basis: 442 x (100 - 5) / (100 - 13) = 482.6437"


def test_audit_columns_and_kinds() -> None:
    """The audit table has the fixed columns; reproduces is boolean."""
    table = audit_moisture_conversion(442, 477.36, moisture_pct=5, standard_moisture_pct=13)
    assert tuple(table.columns) == AUDIT_COLUMNS
    assert table["reproduces"].dtype == bool
    assert table.attrs["inputs"]["decimals"] == 2


def test_audit_shrink_row_when_drier() -> None:
    """Drier than standard, the shrink row is the unadjusted mass."""
    # shrink never adjusts upward: 442; 442 - 477.36 = -35.36
    row = (
        audit_moisture_conversion(442, 477.36, moisture_pct=5, standard_moisture_pct=13)
        .set_index("method")
        .loc["shrink"]
    )
    assert row["predicted"] == 442.0
    assert row["difference"] == pytest.approx(-35.36)
    assert "no adjustment" in row["formula"]


def test_audit_shrink_row_without_factor_when_wetter() -> None:
    """Wetter than standard and no shrink factor: the shrink row is NaN."""
    table = audit_moisture_conversion(1000, 940, moisture_pct=20, standard_moisture_pct=15)
    row = table.set_index("method").loc["shrink"]
    assert math.isnan(row["predicted"])
    assert not row["reproduces"]
    assert "needs shrink_pct_per_point" in row["formula"]


def test_audit_identifies_rma_shrink() -> None:
    """RMA corn 20 % -> 940 of 1000 is reproduced by shrink at 1.2 %/point."""
    # domain-standards §2.3 item 4: factor 0.9400; dry matter would give 1000 x 80/85 = 941.18
    table = audit_moisture_conversion(
        1000, 940.0, moisture_pct=20, standard_moisture_pct=15, shrink_pct_per_point=1.2
    )
    assert table.loc[table["reproduces"], "method"].tolist() == ["shrink"]


def test_audit_string_keeps_trailing_zeros() -> None:
    """A reported figure given as text keeps its printed decimals."""
    # "477.360" has 3 decimals; 442 x 1.08 = 477.360 exactly, still reproduced
    table = audit_moisture_conversion(442, "477.360", moisture_pct=5, standard_moisture_pct=13)
    assert table.attrs["inputs"]["decimals"] == 3
    assert table.loc[table["reproduces"], "method"].tolist() == ["percentage_point"]


def test_audit_precision_matters() -> None:
    """At coarser printed precision both methods may reproduce a figure."""
    # 480 (0 decimals): neither 477.36 nor 482.64 rounds to 480
    table = audit_moisture_conversion(442, 480, moisture_pct=5, standard_moisture_pct=13)
    assert not table["reproduces"].any()
    # 483 (0 decimals): dry matter 482.64 rounds to 483
    table = audit_moisture_conversion(442, 483, moisture_pct=5, standard_moisture_pct=13)
    assert table.loc[table["reproduces"], "method"].tolist() == ["dry_matter"]


def test_audit_rejects_arrays() -> None:
    """The audit checks one figure; arrays are an error."""
    with pytest.raises(DataValidationError, match="mass must be a single number"):
        audit_moisture_conversion(
            np.array([442.0]),  # type: ignore[arg-type]
            477.36,
            moisture_pct=5,
            standard_moisture_pct=13,
        )


def test_audit_rejects_bad_text() -> None:
    """A reported figure that is not a number is an error."""
    with pytest.raises(DataValidationError, match="reported_mass must be a number"):
        audit_moisture_conversion(442, "n/a", moisture_pct=5, standard_moisture_pct=13)


@pytest.mark.parametrize(
    ("reported", "decimals"),
    [(477.36, 2), ("477.360", 3), (480.0, 0), (480, 0), (0.1, 1), (1e-5, 5), ("  12.50 ", 2)],
)
def test_reported_decimals(reported: float | str, decimals: int) -> None:
    """Printed decimals are read from strings literally and from floats' shortest repr."""
    assert reported_decimals(reported) == decimals


def test_describe_method_english() -> None:
    """English descriptions carry the numbers."""
    assert (
        describe_method("percentage_point", moisture_pct=5, standard_moisture_pct=13)
        == "percentage-point shortcut: Y_std = Y x (1 + (13 - 5) / 100)"
    )


def test_describe_method_symbols() -> None:
    """Without numbers the description uses symbols."""
    assert describe_method("dry_matter") == "dry-matter basis: Y_std = Y x (100 - M) / (100 - Ms)"


def test_describe_method_chinese_shrink() -> None:
    """The Chinese shrink description states the per-point rate."""
    text = describe_method(
        "shrink", moisture_pct=20, standard_moisture_pct=14, shrink_pct_per_point=1.2, lang="zh"
    )
    assert "扣1.2%" in text
    assert "(20 − 14)" in text


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "linear"}, "unknown method 'linear'"),
        ({"method": "dry_matter", "lang": "fr"}, "unknown lang 'fr'.*en, zh"),
    ],
)
def test_describe_method_errors(kwargs: dict[str, str], match: str) -> None:
    """Unknown method or language is an error listing the options."""
    with pytest.raises(DataValidationError, match=match):
        describe_method(**kwargs)


def test_audit_cn_grain_trade_row() -> None:
    """The audit's grain-trade row gives 458.58 for Jinzhong."""
    # domain-standards §0: 442 x (1 + 5 x 0.0075) = 458.575 (gain capped at 2.5 points)
    row = (
        audit_moisture_conversion(442, 477.36, moisture_pct=5, standard_moisture_pct=13)
        .set_index("method")
        .loc["cn_grain_trade"]
    )
    assert row["predicted"] == pytest.approx(458.575)
    assert "capped at 5" in row["formula"]


@pytest.mark.parametrize(
    ("moisture_pct", "expected"),
    [
        (13.0, 100.0),  # at the base: no change
        (12.6, 100.0),  # 0.4 point drier: part-step ignored
        (12.5, 100.75),  # one full step drier: +0.75 %
        (11.0, 103.0),  # four steps: +3.0 %
        (5.0, 103.75),  # 16 steps, capped at 5: +3.75 %
        (13.4, 100.0),  # 0.4 point wetter: part-step ignored
        (14.0, 98.0),  # two steps wetter: -2 x 1.0 %
    ],
)
def test_grain_trade_steps(moisture_pct: float, expected: float) -> None:
    """Grain-trade rule: full 0.5-point steps, +0.75 % (max 5) drier, -1.0 % wetter."""
    # domain-standards §1.5 coefficients; expected values derived by hand per row
    result = grain_trade_adjusted_mass(100.0, moisture_pct=moisture_pct, base_moisture_pct=13)
    assert result == pytest.approx(expected, rel=1e-12)


def test_grain_trade_keeps_kind(numeric_kind: Convert) -> None:
    """The grain-trade rule preserves the input kind."""
    masses = numeric_kind([442.0, 100.0])
    result = grain_trade_adjusted_mass(masses, moisture_pct=5, base_moisture_pct=13)
    assert type(result) is type(masses)


def test_non_numeric_series_names_label() -> None:
    """A text cell in a Series is reported with its index label."""
    masses = pd.Series([442.0, "n/a"], index=["p1", "p2"], dtype=object)
    with pytest.raises(DataValidationError, match=r"got 'n/a' at index 'p2'"):
        standardize_moisture(masses, moisture_pct=5, standard_moisture_pct=13)


_maybe_missing_mass = st.one_of(st.just(math.nan), mass)


@settings(deadline=None, max_examples=40)
@given(
    data=st.lists(st.tuples(_maybe_missing_mass, moisture), min_size=1, max_size=8),
    standard=moisture,
    method=st.sampled_from(METHODS),
)
def test_vectorized_equals_elementwise_and_keeps_kind(
    data: list[tuple[float, float]], standard: float, method: str
) -> None:
    """Series in -> Series out (same index), ndarray -> ndarray, each element as the float call."""
    masses = [m for m, _ in data]
    moistures = [w for _, w in data]
    index = [f"plot{i}" for i in range(len(data))]
    kwargs = {"standard_moisture_pct": standard, "method": method, "shrink_pct_per_point": 1.2}
    # the scalar call is the reference: one float per plot
    expected = [standardize_moisture(m, moisture_pct=w, **kwargs) for m, w in data]
    series = standardize_moisture(
        pd.Series(masses, index=index), moisture_pct=pd.Series(moistures, index=index), **kwargs
    )
    array = standardize_moisture(np.array(masses), moisture_pct=np.array(moistures), **kwargs)
    assert isinstance(series, pd.Series) and list(series.index) == index
    assert isinstance(array, np.ndarray) and array.shape == (len(data),)
    for got in (series.to_numpy(), array):
        for value, reference in zip(got, expected, strict=True):
            assert type(reference) is float
            if math.isnan(reference):  # NaN passes through
                assert math.isnan(value)
            else:
                assert value == pytest.approx(reference, rel=1e-12, abs=1e-9)


@settings(deadline=None, max_examples=50)
@given(a=moisture, b=moisture)
def test_wet_dry_basis_round_trip(a: float, b: float) -> None:
    """Wet -> dry -> wet basis returns the moisture; dry basis is never below wet basis."""
    dry = dry_basis_from_wet_basis_pct(a)
    assert dry >= a
    assert wet_basis_from_dry_basis_pct(dry) == pytest.approx(a, rel=1e-12)
    # the two factors compose: going a -> b via a third moisture equals going directly
    via = standardize_moisture(
        standardize_moisture(100.0, moisture_pct=a, standard_moisture_pct=14.0),
        moisture_pct=14.0,
        standard_moisture_pct=b,
    )
    assert via == pytest.approx(
        standardize_moisture(100.0, moisture_pct=a, standard_moisture_pct=b), rel=1e-12
    )


@settings(deadline=None, max_examples=30)
@given(mass=st.floats(max_value=-1e-9, min_value=-1e9))
def test_negative_mass_is_an_error(mass: float) -> None:
    """A negative mass is rejected with its value, whatever the method."""
    with pytest.raises(DataValidationError, match=r"mass must be in \[0, inf\); got -"):
        standardize_moisture(mass, moisture_pct=5, standard_moisture_pct=13)


def test_out_of_range_message_shows_an_integer_index_as_written() -> None:
    """An integer index label is named ``10``, not NumPy's ``np.int64(10)``."""
    moisture = pd.Series([134.0, 14.0], index=[10, 20])
    with pytest.raises(DataValidationError, match=r"got 134 at index 10\. "):
        standardize_moisture(500.0, moisture_pct=moisture, standard_moisture_pct=13.0)


def test_audit_takes_a_decimal_figure_with_its_printed_decimals() -> None:
    """Decimal('477.360') is a single figure; its 3 printed decimals set the tolerance.

    477.36 (percentage point, hand: 442 + 442 x (13 - 5) / 100 = 477.36) reproduces
    Decimal('477.36') at 2 decimals; reported_decimals keeps Decimal's trailing zero.
    """
    audit = audit_moisture_conversion(
        Decimal("442"), Decimal("477.36"), moisture_pct=5, standard_moisture_pct=13
    )
    assert audit.loc[audit["method"] == "percentage_point", "reproduces"].item()
    assert reported_decimals(Decimal("477.360")) == 3


def test_audit_takes_a_zero_dimensional_array() -> None:
    """np.array(442.0) is one number, as float(442.0)."""
    got = audit_moisture_conversion(np.array(442.0), 477.36, moisture_pct=5,
                                    standard_moisture_pct=13)  # fmt: skip
    expected = audit_moisture_conversion(442.0, 477.36, moisture_pct=5, standard_moisture_pct=13)
    pd.testing.assert_frame_equal(got, expected)


def test_dataframe_input_is_refused_naming_one_column() -> None:
    """A DataFrame is not a numeric input (a 2-D array would lose its labels)."""
    with pytest.raises(DataValidationError, match=r"got a DataFrame.*Pass one column"):
        standardize_moisture(pd.DataFrame({"a": [1.0]}), moisture_pct=14, standard_moisture_pct=13)


def test_standard_moisture_above_any_standard_warns():
    """A standard of 99.9 % (a typing error) warns naming the factor: (100-5)/(100-99.9) = 950."""
    with pytest.warns(yt.YieldTrialWarning, match=r"99\.9 % is above any moisture standard"):
        value = yt.standardize_moisture(442, moisture_pct=5, standard_moisture_pct=99.9)
    assert value == pytest.approx(442 * 95 / 0.1)


def test_standard_moisture_just_below_100_is_not_shown_as_100():
    """99.99999 % was shown as "100 %" (``:g``), a standard the settings refuse."""
    with pytest.warns(yt.YieldTrialWarning) as caught:
        yt.standardize_moisture(442, moisture_pct=5, standard_moisture_pct=99.99999)
    assert str(caught[0].message).startswith(
        "standard_moisture_pct = 99.99999 % is above any moisture standard (grain 10-20 %, "
        "whole-plant silage 65-70 %): at 99.99999 % a yield is multiplied by about "
        "10,000,000.0 x"  # 100 / (100 - 99.99999) = 1e7, in the report's number style
    )


def test_silage_standard_does_not_warn():
    """Whole-plant silage at 65 % moisture is a real standard: no warning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", yt.YieldTrialWarning)
        yt.standardize_moisture(1000, moisture_pct=70, standard_moisture_pct=65)


def test_standardized_mass_that_overflows_is_an_error():
    """1.7e308 kg at 5 % to 13 % (x 95/87) overflows to inf: a DataValidationError, not inf."""
    with pytest.raises(DataValidationError, match="standardized mass is too large to compute"):
        yt.standardize_moisture(1.7e308, moisture_pct=5, standard_moisture_pct=13)


def test_wet_basis_that_overflows_is_an_error():
    """A dry-basis moisture of 1e308 % gives inf/inf: refused, not inf."""
    with pytest.raises(DataValidationError, match="wet-basis moisture is too large"):
        yt.wet_basis_from_dry_basis_pct(1e308)


@pytest.mark.parametrize("method", ["DRY_MATTER", "Dry-Matter", " dry_matter "])
def test_method_name_ignores_case_and_dashes(method):
    """'DRY_MATTER' is dry_matter, as crop names ignore case: 442 x 95/87."""
    value = yt.standardize_moisture(442, moisture_pct=5, standard_moisture_pct=13, method=method)
    assert value == pytest.approx(442 * 95 / 87)


def test_audit_formula_shows_a_computed_mass_without_binary_noise():
    """The plot audit passes mass after impurity per area: 30.1 kg x 0.99 / 0.05 mu.

    Hand: 595.98 kg/mu; in binary floating point 595.9799999999999, which the formula
    printed ("595.9799999999999 x (100 - 15.2) / (100 - 13)").
    """
    from yieldtrial.moisture import audit_rows

    rows, _ = audit_rows(30.1 * 0.99 / 0.05, 580.9, moisture_pct=15.2, standard_moisture_pct=13)
    formulas = {row["method"]: str(row["formula"]) for row in rows}
    assert formulas["dry_matter"].startswith("dry-matter basis: 595.98 x (100 - 15.2) / (100 - 13)")
    assert "595.9799" not in " ".join(formulas.values())


_INDEX = pd.Index(["p3", "p1", "p2"], name="plot_id")
_MASS = pd.Series([10.0, 12.0, 11.0], index=_INDEX, name="yield_kg_mu")
_MOISTURE = pd.Series([20.0, 25.0, 13.0], index=_INDEX, name="moisture_pct")


@pytest.mark.parametrize(
    ("compute", "name"),
    [
        # the mass's quantity and unit at the standard moisture (it was None: two names)
        (lambda: standardize_moisture(_MASS, moisture_pct=_MOISTURE, standard_moisture_pct=13),
         "yield_kg_mu"),
        (lambda: grain_trade_adjusted_mass(_MASS, moisture_pct=_MOISTURE, base_moisture_pct=13),
         "yield_kg_mu"),
        (lambda: moisture_factor(_MOISTURE, standard_moisture_pct=13), "moisture_factor"),
        (lambda: dry_basis_from_wet_basis_pct(_MOISTURE), "moisture_dry_basis_pct"),
        (lambda: wet_basis_from_dry_basis_pct(_MOISTURE), "moisture_pct"),
        # a scalar mass has no name to give: not the moisture's ("moisture_pct" is no mass)
        (lambda: standardize_moisture(10.0, moisture_pct=_MOISTURE, standard_moisture_pct=13),
         None),
    ],
)  # fmt: skip
def test_series_result_keeps_the_index_and_is_named(compute, name):
    """user45: a Series result dropped the name; the index is the inputs' (not sorted)."""
    result = compute()
    assert result.name == name
    assert result.index.equals(_INDEX)
