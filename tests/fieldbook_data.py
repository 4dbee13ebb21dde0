"""Harvest records for a generated field book, as the report tests fill them (SYNTHETIC).

About a dozen test modules generate a field book (``design.rcbd``, ``split_plot``,
``alpha_design``, ...) and fill its harvest columns with the same made-up records before
writing ``plots.csv``; they fill them here so the records are written once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def with_harvest(
    book: pd.DataFrame,
    *,
    area_m2: float = 20.0,
    mass_kg: float = 9.0,
    moisture_pct: float = 14.0,
    varied_moisture: bool = False,
    impurity_pct: float = 0.5,
) -> pd.DataFrame:
    """Return a copy of ``book`` with its harvest columns filled (SYNTHETIC values).

    Plot ``i`` (in the book's order) gets ``mass_kg + (7 i mod 16) / 10`` kg fresh mass (a
    spread of 1.5 kg without a trend), ``moisture_pct`` (or, with ``varied_moisture``,
    ``14 + (3 i mod 4)`` %), ``area_m2`` and ``impurity_pct``; the columns are added in
    the order area, mass, moisture, impurity.
    """
    n = len(book)
    out = book.copy()
    out["harvested_area_m2"] = area_m2
    out["fresh_mass_kg"] = mass_kg + (np.arange(n) * 7 % 16) / 10
    out["moisture_pct"] = 14.0 + (np.arange(n) * 3 % 4) if varied_moisture else moisture_pct
    out["impurity_pct"] = impurity_pct
    return out


def alpha_sites() -> pd.DataFrame:
    """Two sites ('1', '2') of one alpha-lattice field book: 12 entries, blocks of 3, 2 reps."""
    from yieldtrial.design import alpha_design

    books = []
    for site in ("1", "2"):
        book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=3, replicates=2,
                            seed=int(site), plot_area_m2=10.0)  # fmt: skip
        book["fresh_mass_kg"] = 7.0 + 0.1 * (np.arange(len(book)) % 7)
        book["moisture_pct"] = 14.0
        book["impurity_pct"] = 0.0
        book["site"] = site
        books.append(book)
    return pd.concat(books, ignore_index=True)
