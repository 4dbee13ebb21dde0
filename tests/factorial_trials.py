"""A two-factor fertilizer trial for the tests of two-factor reports (stops 49 and 50).

N rates (N0, N90, N180) x varieties (V1, V2) in 3 blocks, SYNTHETIC masses (kg/20 m²): V2
gains 4 kg from N0 to N180, V1 2 kg, plus noise of SD 0.15 kg (seed 7): an interaction of
2 kg against a plot SD of 0.15 kg (about 13 SEDs), significant whatever the seed.  Used by
``tests/test_user_pass_stop49.py``, ``tests/test_user_pass_stop50.py`` and
``tests/test_tidy_stop50.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: Mass gained over N0 per variety and N rate [kg per 20 m² plot].
GAIN_KG = {"V1": {"N0": 0.0, "N90": 1.5, "N180": 2.0}, "V2": {"N0": 0.0, "N90": 2.5, "N180": 4.0}}


def n_rate_by_variety(
    path: Path, *, lost_first: bool = False, treatment_column: bool = True
) -> Path:
    """Write the trial's plot table to ``path`` (18 plots) and return the path.

    ``lost_first``: the first plot (N0-V1 in block 1) has no mass (17 plots harvested).
    ``treatment_column``: a ``treatment`` column of the cells (``N0-V1``); without it the
    ``variety`` header is read as the treatment column.
    """
    rng = np.random.default_rng(7)
    rows = [
        {
            "plot_id": f"{b}{i}",
            "block": f"B{b}",
            "treatment": f"{n}-{v}",
            "n_rate": n,
            "variety": v,
            "harvested_area_m2": 20,
            "fresh_mass_kg": round(11 + GAIN_KG[v][n] + rng.normal(0, 0.15), 2),
            "moisture_pct": 15.0,
        }
        for b in (1, 2, 3)
        for i, (n, v) in enumerate((n, v) for n in ("N0", "N90", "N180") for v in ("V1", "V2"))
    ]
    frame = pd.DataFrame(rows)
    if lost_first:
        frame.loc[0, "fresh_mass_kg"] = None
    if not treatment_column:
        frame = frame.drop(columns="treatment")
    frame.to_csv(path, index=False)
    return path
