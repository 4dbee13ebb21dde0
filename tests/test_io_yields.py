"""Plot yields and the yields table from a standardized mass computed once."""

from __future__ import annotations

import pandas as pd
import pytest

from yieldtrial.io import yields


@pytest.fixture
def plots() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "plot_id": ["1", "2", "3"],
            "treatment": ["CK", "T1", "T2"],
            "harvested_area_m2": [20.0, 20.0, 12.5],
            "fresh_mass_kg": [15.41, 13.53, float("nan")],
            "moisture_pct": [13.3, 20.0, 14.0],
            "impurity_pct": [1.1, 0.0, 0.5],
        }
    )


SETTINGS = {"standard_moisture_pct": 13.0, "moisture_method": "dry_matter"}


def test_given_standardized_mass_gives_the_same_yields_and_table(plots):
    """Passing the mass computed once (the streamed path) changes no value, bit for bit."""
    mass = yields.standardized_plot_mass_kg(plots, **SETTINGS)
    alone = yields.plot_yield_kg_ha(plots, crop="wheat", **SETTINGS)
    given = yields.plot_yield_kg_ha(plots, crop="wheat", **SETTINGS, standardized_mass_kg=mass)
    pd.testing.assert_series_equal(given, alone, check_exact=True)
    table = yields.yields_table(plots, alone, unit="kg/ha", crop="wheat", **SETTINGS)
    reused = yields.yields_table(
        plots, given, unit="kg/ha", crop="wheat", **SETTINGS, standardized_mass_kg=mass
    )
    pd.testing.assert_frame_equal(reused, table, check_exact=True)
