"""Yields far outside what the crop can yield warn (unit slips), never refuse (stop 53).

The bounds are :func:`yieldtrial.protocols.plausible_yield_kg_ha`: a plot above 1.5 x the
crop's world-record yield, a treatment mean below a quarter of its lowest national average.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from yieldtrial import FieldTrial
from yieldtrial.datasets import load_example
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.protocols import plausible_yield_kg_ha


def _plots(**columns: list[float]) -> pd.DataFrame:
    """Return an RCBD of 3 treatments x 4 blocks with the given measurement columns."""
    rows = {
        "plot_id": [f"{b}{j + 1:02d}" for b in range(1, 5) for j in range(3)],
        "block": [f"B{b}" for b in range(1, 5) for _ in range(3)],
        "treatment": [t for _ in range(4) for t in ("CK", "T1", "T2")],
    }
    return pd.DataFrame({**rows, **columns})


def _harvest(mass: list[float], mass_column: str = "fresh_mass_kg") -> pd.DataFrame:
    return _plots(
        **{mass_column: mass, "harvested_area_m2": [20.0] * 12, "moisture_pct": [13.0] * 12}
    )


def _messages(plots: pd.DataFrame, crop: str = "wheat", **options: str) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FieldTrial(plots, crop=crop, control=("CK",), design="rcbd", **options)  # type: ignore[arg-type]
    return [str(w.message) for w in caught if issubclass(w.category, YieldTrialWarning)]


#: 14 kg of grain at 13 % from 20 m2 is 7,000 kg/ha (14 / 20 x 10,000), a real wheat yield
_MASS_KG = [14.0 + 0.1 * i for i in range(12)]


def test_plausible_yield_kg_ha_wheat_bounds() -> None:
    """Wheat: 100 kg/ha (401.3 / 4, rounded down) and 26,940 kg/ha (1.5 x 17,960)."""
    # hand derivation from the sourced values in protocols.py
    assert plausible_yield_kg_ha("小麦") == (100.0, 26_940.0, 17_960.0, 401.3)


def test_plausible_yield_kg_ha_crops_without_a_source() -> None:
    """Soybean has no sourced lowest average; oats, rye and sorghum no sourced record."""
    assert plausible_yield_kg_ha("soybean")[0] is None
    for crop in ("oats", "rye", "sorghum"):
        assert plausible_yield_kg_ha(crop)[1:3] == (None, None)


def test_masses_in_kg_under_a_gram_header_warn_once() -> None:
    """Every mass in kg under a fresh_mass_g header: one warning, the whole table's.

    Wheat at about 7 kg/ha on every plot: io.yields.warn_tiny_yields names the table
    (every yield below 100 kg/ha); the treatment means' warning would repeat the same
    slip, so it stays silent (one slip, one warning; stop 53's merge of the two checks).
    """
    messages = _messages(_harvest(_MASS_KG, "fresh_mass_g"))
    assert len(messages) == 1, messages
    assert messages[0].startswith("every standardized yield is below 100 kg/ha")


def test_one_treatment_typed_in_tonnes_warns_on_its_mean() -> None:
    """T2's masses typed in t (0.0142 for 14.2 kg): its mean warns, naming T2 alone."""
    mass = [m / 1000 if i % 3 == 2 else m for i, m in enumerate(_MASS_KG)]
    messages = _messages(_harvest(mass))
    (low,) = [m for m in messages if "treatment mean standardized yield below 100" in m]
    # T2: plots 14.2, 14.5, 14.8, 15.1 kg / 1000 -> mean 0.01465 kg / 20 m2 x 10,000
    # = 7.3 kg/ha at 13 % moisture from 13 % (hand)
    assert "'T2' = 7.3 kg/ha" in low
    assert "'CK'" not in low
    assert "mass in kg but read as g" in low


def test_kg_ha_yields_in_a_kg_mu_column_warn() -> None:
    """2,000 kg/ha typed in a kg/mu column is 30,000 kg/ha: above 1.5 x the wheat record."""
    plots = _plots(yield_kg_mu=[2_000.0 + 10 * i for i in range(12)])
    messages = _messages(plots)
    (high,) = [m for m in messages if "1.5 times the world-record wheat yield" in m]
    # 2,000 kg/mu x 15 = 30,000 kg/ha (hand)
    assert "plot '101' = 30,000 kg/ha" in high
    assert "kg/ha yields in a kg/mu column" in high


def test_given_yields_far_below_are_not_checked_low() -> None:
    """A table of given yields (6.6-7.7 in a kg/ha column) is not checked low.

    Such a table may be a textbook's data in other units analysed as yields on purpose
    (test_report.py's Latin square and battery data, 20-40 "kg/ha"); io.yields.
    warn_tiny_yields decided the same for given yields (stop 53): only below 1 kg/ha.
    """
    messages = _messages(_plots(yield_kg_ha=[6.6 + 0.1 * i for i in range(12)]))
    assert not any("lowest national" in m for m in messages), messages


def test_plausible_yields_do_not_warn() -> None:
    """7,000 kg/ha of wheat is silent."""
    assert _messages(_harvest(_MASS_KG)) == []


def test_a_failed_treatment_at_zero_does_not_warn() -> None:
    """A mean of 0 is a failed crop, not a unit slip."""
    mass = [0.0 if i % 3 == 2 else m for i, m in enumerate(_MASS_KG)]
    assert not any("below 100 kg/ha" in m for m in _messages(_harvest(mass)))


def test_above_40_t_ha_is_named_once() -> None:
    """A plot above 40 t/ha keeps the every-crop warning alone (not named twice)."""
    mass = [m * 10 if i == 0 else m for i, m in enumerate(_MASS_KG)]  # 70,000 kg/ha
    messages = _messages(_harvest(mass))
    assert len(messages) == 1
    assert messages[0].startswith("standardized yield above 40,000 kg/ha")


def test_crop_without_a_record_has_no_high_check() -> None:
    """Oats: no sourced record, so 30,000 kg/ha warns only under the 40 t/ha rule (silent)."""
    plots = _plots(yield_kg_ha=[30_000.0 + 10 * i for i in range(12)])
    assert _messages(plots, crop="oats", protocol="usda") == []


@pytest.mark.parametrize("name", ["farm-network", "jinzhong-2024", "replicated-rcbd"])
def test_shipped_examples_do_not_warn(name: str) -> None:
    """The shipped trials' yields are inside their crop's bounds."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_example(name)
    texts = [str(w.message) for w in caught]
    assert not any("world-record" in t or "lowest national" in t for t in texts), texts
