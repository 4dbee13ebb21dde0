"""Write the plot tables (CSV) that make_reference.R analyses with lme4/lmerTest/emmeans.

Run from the repository root (once; the CSVs are committed and are the source of truth):

    PYTHONPATH=src python tests/data/r_reference/make_inputs.py

Published data are copied from tests/data/reference/*.json (sources cited there); the
synthetic trials use yieldtrial's own field-book generators (``alpha_design``,
``augmented_design``) with seeded, SYNTHETIC yields (normal genotype, block and plot
effects of realistic size for a cereal trial in kg/ha, rounded to 1 kg/ha).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from yieldtrial.design.alpha import alpha_design
from yieldtrial.design.augmented import augmented_design

HERE = Path(__file__).parent
REFERENCE = HERE.parent / "reference"


def _frame(name: str) -> pd.DataFrame:
    case = json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))
    return pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])


def oats(missing: list[int]) -> pd.DataFrame:
    """Yates' oats (V&R 6.7) with the yields of rows ``missing`` (0-based) blanked."""
    df = _frame("yates_oats_splitplot")
    df["yield"] = df["yield"].astype(float)
    df.loc[missing, "yield"] = np.nan
    return df


def alpha_synthetic() -> pd.DataFrame:
    """30 entries, 3 replicates, incomplete blocks of 5 (yieldtrial alpha_design, seed 2026)."""
    book = alpha_design([f"G{i:02d}" for i in range(1, 31)], block_size=5, replicates=3, seed=2026)
    rng = np.random.default_rng(20261204)
    genetic = dict(zip(sorted(book["treatment"].unique()), rng.normal(0, 350, 30), strict=True))
    rep_effect = {"1": 0.0, "2": 180.0, "3": -120.0}
    ib = {key: rng.normal(0, 300) for key in book.groupby(["block", "incomplete_block"]).groups}
    y = [
        6500 + genetic[t] + rep_effect[b] + ib[(b, i)] + rng.normal(0, 250)
        for t, b, i in zip(book["treatment"], book["block"], book["incomplete_block"], strict=True)
    ]
    out = book[["plot_id", "block", "incomplete_block", "treatment"]].copy()
    out["yield_kg_ha"] = np.round(y)
    return out


def john_alpha() -> pd.DataFrame:
    """John & Williams (1995) p. 146 alpha design (agridat john.alpha)."""
    return _frame("john_williams_alpha_oats")


def augmented_synthetic() -> pd.DataFrame:
    """3 checks in each of 5 blocks, 15 entries once (yieldtrial augmented_design, seed 7)."""
    checks = ["CK1", "CK2", "CK3"]
    entries = [f"E{i:02d}" for i in range(1, 16)]
    book = augmented_design(checks, entries, blocks=5, seed=7)
    rng = np.random.default_rng(20261205)
    genetic = dict(zip(checks + entries, rng.normal(0, 400, 18), strict=True))
    genetic["CK1"] = 0.0  # the standard variety
    block_effect = dict(zip(sorted(book["block"].unique()), rng.normal(0, 350, 5), strict=True))
    y = [
        5800 + genetic[t] + block_effect[b] + rng.normal(0, 220)
        for t, b in zip(book["treatment"], book["block"], strict=True)
    ]
    out = book[["plot_id", "block", "treatment", "entry_type"]].copy()
    out["yield_kg_ha"] = np.round(y)
    return out


def augmented_vignette() -> pd.DataFrame:
    """Return the augmentedRCBD vignette Table 1, trait y1 (checks 1-4, entries 5-12, 3 blocks)."""
    df = _frame("augmentedrcbd_vignette")
    return df[["block", "treatment", "y1"]]


def rcbd_missing() -> pd.DataFrame:
    """Gomez & Gomez (1984) Table 2.5 seeding rates, RCBD, with one plot (75, R2) missing."""
    case = json.loads((REFERENCE / "gomez_rcbd_seedrate.json").read_text(encoding="utf-8"))
    d = case["data"]
    rows = [
        (b, t, d["y"][i][j])
        for i, t in enumerate(d["treatments"])
        for j, b in enumerate(d["blocks"])
    ]
    df = pd.DataFrame(rows, columns=["block", "treatment", "yield_kg_ha"])
    df.loc[(df["treatment"] == "75") & (df["block"] == "R2"), "yield_kg_ha"] = np.nan
    return df


def main() -> None:
    tables = {
        "oats_missing1.csv": oats([3]),
        "oats_missing3.csv": oats([3, 20, 41]),
        "alpha_synthetic.csv": alpha_synthetic(),
        "john_alpha.csv": john_alpha(),
        "augmented_synthetic.csv": augmented_synthetic(),
        "augmented_vignette.csv": augmented_vignette(),
        "rcbd_missing.csv": rcbd_missing(),
    }
    for name, frame in tables.items():
        frame.to_csv(HERE / name, index=False)
        print(name, len(frame))


if __name__ == "__main__":
    main()
