"""Generate the synthetic replicated RCBD example shipped with yieldtrial.

The founding Jinzhong 2024 demonstration had one harvest per treatment, so no
statistics were possible.  This script writes what a proper trial of the same
three treatments could look like: a randomized complete block design with
4 blocks, 12 plots of 20 m2, harvested fresh grain weighed with its moisture
and impurity measured.  THE NUMBERS ARE SYNTHETIC (fixed seed); they show the
full statistics of the report and must never be cited as trial results.

Model used to simulate (yield at 13 % moisture, kg/mu):

    y = mu_treatment + block_effect + e,   e ~ N(0, 16^2)

with mu = 470 (CK1, full-rate compound fertilizer), 452 (CK2, 20 % less
fertilizer) and 476 (T, 20 % less plus the nitrogen synergist), block effects
drawn from N(0, 12^2).  Harvest moisture is drawn uniformly from 11.5-15.5 %
and impurity from 0.5-2.0 %; the fresh mass is back-calculated with the
dry-matter formula so that standardizing it gives y exactly:

    fresh_mass_kg = y * harvested_area_m2 / 666.67 * (100 - 13) / (100 - moisture_pct)
                    / (1 - impurity_pct / 100)

The seed was picked from a scan of seeds 20240601-20240699 so that the example
shows each kind of result (a significant and a non-significant Dunnett
comparison, a non-inferiority verdict, normal-looking residuals); nothing
should be read into the numbers.

Run ``python examples/replicated-rcbd/generate.py`` to rewrite
``src/yieldtrial/datasets/replicated-rcbd/plots.csv``; the test suite checks
that the shipped file equals this script's output.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240605
TREATMENTS = {"CK1": 470.0, "CK2": 452.0, "T": 476.0}
BLOCKS = 4
AREA_M2 = 20.0
STANDARD_MOISTURE_PCT = 13.0
M2_PER_MU = 10000.0 / 15.0
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parents[1] / "src" / "yieldtrial" / "datasets" / "replicated-rcbd" / "plots.csv"


def generate(seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic plot table (one row per plot, field order)."""
    rng = np.random.default_rng(seed)
    block_effect = rng.normal(0.0, 12.0, size=BLOCKS)
    rows = []
    for b in range(BLOCKS):
        order = rng.permutation(list(TREATMENTS))  # randomization within the block
        for col, trt in enumerate(order, start=1):
            y = TREATMENTS[str(trt)] + block_effect[b] + rng.normal(0.0, 16.0)
            moisture = round(float(rng.uniform(11.5, 15.5)), 1)
            impurity = round(float(rng.uniform(0.5, 2.0)), 1)
            fresh = (
                y
                * AREA_M2
                / M2_PER_MU
                * (100 - STANDARD_MOISTURE_PCT)
                / (100 - moisture)
                / (1 - impurity / 100)
            )
            rows.append(
                {
                    "plot_id": f"{(b + 1) * 100 + col}",
                    "block": f"B{b + 1}",
                    "treatment": str(trt),
                    "row": b + 1,
                    "column": col,
                    "harvested_area_m2": AREA_M2,
                    "fresh_mass_kg": round(float(fresh), 2),
                    "moisture_pct": moisture,
                    "impurity_pct": impurity,
                    "data_status": "synthetic",
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    """Write the CSV (default: the copy shipped in the package)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    generate(args.seed).to_csv(args.output, index=False, lineterminator="\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
