"""Random small trials for the screening tests (``test_stats_screening_*.py``), SYNTHETIC.

The vectorized screening is compared exactly with reference implementations on these
trials: ties, missing values, zeros, planted slips and copied rows, made from a seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.stats import screening


def random_trial(seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Build a small RCBD/CRD-like table with ties, NaN, zeros, planted slips and duplicates."""
    rng = np.random.default_rng(seed)
    t = int(rng.integers(2, 9))
    b = int(rng.integers(1, 7))
    reps = int(rng.integers(1, 3)) if rng.random() < 0.2 else 1
    n = t * b * reps
    treatment = np.tile([f"T{i}" for i in range(t)], b * reps)
    block = np.repeat([str(j + 1) for j in range(b)], t * reps)
    cv = rng.uniform(0.02, 0.3)
    effects = rng.uniform(0.5, 1.5, t)
    decimals = int(rng.choice([0, 1, 2]))  # coarse rounding makes ties
    mass = np.round(15 * effects[np.arange(n) % t] * (1 + rng.normal(0, cv, n)), decimals)
    moisture = np.round(rng.normal(14, rng.uniform(0.2, 3), n), int(rng.choice([0, 1])))
    area = np.full(n, 20.0)
    for _ in range(int(rng.integers(0, 4))):  # planted slips
        k = int(rng.integers(n))
        mass[k] = round(mass[k] * float(rng.choice([2, 0.5, 10, 0.1, 100, 1.3, 3])), 4)
    if rng.random() < 0.3:
        mass[int(rng.integers(n))] = 41.84 if rng.random() < 0.5 else 0.0
    if rng.random() < 0.3:
        mass[rng.integers(n, size=int(rng.integers(1, 3)))] = np.nan
    if rng.random() < 0.3:
        moisture[int(rng.integers(n))] = float(rng.choice([51.2, 1.4, 45.0, np.nan]))
    if rng.random() < 0.2:
        area[int(rng.integers(n))] = float(rng.choice([200.0, 2.0, 25.0]))
    if rng.random() < 0.1:
        area = np.round(rng.uniform(18, 22, n), 1)
    book = pd.DataFrame(
        {
            "plot_id": [str(100 + k) for k in range(n)],
            "treatment": treatment,
            "block": block,
            "harvested_area_m2": area,
            "fresh_mass_kg": mass,
            "moisture_pct": moisture,
        }
    )
    if rng.random() < 0.15 and n > 2:  # a copied row
        book.iloc[1, 1:] = book.iloc[0, 1:]
    book["yield_kg_ha"] = (
        book["fresh_mass_kg"] * (100 - book["moisture_pct"]) / 87 / book["harvested_area_m2"] * 1e4
    )
    kwargs: dict[str, Any] = {"design": "rcbd" if b > 1 and reps == 1 else "crd"}
    if rng.random() < 0.3:
        kwargs["robust_limit"] = float(rng.choice([2.0, 3.0, 4.0]))
    if rng.random() < 0.3:
        kwargs["pattern_limit"] = float(rng.choice([1.0, 2.0, 5.0]))
    return book, kwargs


def screen(book: pd.DataFrame, kwargs: dict[str, Any]) -> pd.DataFrame:
    """Screen ``book`` (a :func:`random_trial`) with its keyword arguments."""
    block = "block" if kwargs["design"] == "rcbd" else None
    return screening.suspect_plots(
        book, response="yield_kg_ha", treatment="treatment", block=block, **kwargs
    )
