"""Small trials for the tests that share plot columns read-only (stop 38).

Used by ``tests/test_trial_analysis_data_shared.py`` and ``tests/test_report_build_shared.py``:
an RCBD (5 blocks x 4 treatments, seeded yields), the same with one plot lost, and Yates'
oats split plot (``reference_cases.oats_plots``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from reference_cases import oats_plots
from yieldtrial import FieldTrial


def rcbd(missing: bool = False) -> FieldTrial:
    """Return an RCBD of 20 plots with seeded yields; ``missing`` loses plot 7."""
    rng = np.random.default_rng(38)
    plots = pd.DataFrame(
        {
            "plot_id": [str(i) for i in range(1, 21)],
            "block": np.repeat(["1", "2", "3", "4", "5"], 4),
            "treatment": ["CK", "A", "B", "C"] * 5,
            "yield_kg_ha": 6000.0 + rng.normal(0.0, 150.0, 20).round(1),
        }
    )
    if missing:
        plots.loc[6, "yield_kg_ha"] = np.nan
    return FieldTrial.from_dataframe(plots, crop="wheat", control="CK")


def split_plot() -> FieldTrial:
    """Return Yates' oats split plot (varieties ``gen`` on the whole plots, control N 0)."""
    return FieldTrial.from_dataframe(
        oats_plots(), crop="wheat", control="0", design="split_plot", factors=("gen",)
    )


TRIALS: dict[str, Callable[[], FieldTrial]] = {
    "rcbd": rcbd,
    "rcbd_missing": lambda: rcbd(missing=True),
    "split_plot": split_plot,
}
