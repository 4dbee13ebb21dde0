"""Trials of many entries for the report tests of per-entry tables (SYNTHETIC).

``test_report_entries.py`` and ``test_report_companions.py`` build their reports from these
plots: the effects are set, the noise far below them, so which entries differ from the
control is known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def plots(effects: np.ndarray, *, seed: int = 7) -> pd.DataFrame:
    """Build a complete RCBD, 3 blocks: entry i has yield 7000 + effects[i] (+ noise, SD 50) kg/ha.

    Entry 0 is the control CK; the others are E01, E02, ...  With the noise far below the
    effects, an entry 1,000 kg/ha above CK is significantly better (Dunnett) and one
    within 100 kg/ha is not.
    """
    rng = np.random.default_rng(seed)
    labels = ["CK"] + [f"E{i:02d}" for i in range(1, len(effects))]
    frames = [
        pd.DataFrame(
            {
                "plot_id": [f"B{b}-{i}" for i in range(len(effects))],
                "block": f"B{b}",
                "treatment": labels,
                "yield_kg_ha": 7000.0 + effects + rng.normal(0.0, 50.0, len(effects)) + 30.0 * b,
            }
        )
        for b in (1, 2, 3)
    ]
    return pd.concat(frames, ignore_index=True)


#: 30 entries: CK at 0; E01-E04 1,500-3,000 kg/ha above CK; E05-E29 from -2,000 to 0.
EFFECTS = np.concatenate([[0.0], [1500.0, 2000.0, 2500.0, 3000.0], np.linspace(-2000, 0, 25)])
