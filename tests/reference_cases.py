"""The published reference cases of ``tests/data/reference`` as the tests use them.

Each JSON file holds a published data set with its source (``provenance``, ``source``)
and the published results; ``test_reference_anova.py`` checks the results, other test
modules take the data from here so that it is written once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

REFERENCE_DIR = Path(__file__).parent / "data" / "reference"


def load_case(name: str) -> dict[str, Any]:
    """Return ``tests/data/reference/<name>.json`` (a fresh copy each call)."""
    return json.loads((REFERENCE_DIR / f"{name}.json").read_text(encoding="utf-8"))


def case_frame(name: str) -> pd.DataFrame:
    """Return the data of a reference case stored as ``columns`` and ``rows``, as a frame."""
    data = load_case(name)["data"]
    return pd.DataFrame(data["rows"], columns=data["columns"])


def _seedrate_yields() -> dict[str, list[float]]:
    data = load_case("gomez_rcbd_seedrate")["data"]
    return {t: list(ys) for t, ys in zip(data["treatments"], data["y"], strict=True)}


#: Gomez & Gomez (1984) Table 2.5, p. 26: rice yield (kg/ha) of 6 seeding rates (kg/ha,
#: ``"25"`` to ``"150"``) in replications R1-R4 (``gomez_rcbd_seedrate.json``).
SEEDRATE_Y = _seedrate_yields()


def seedrate_frame() -> pd.DataFrame:
    """Gomez & Gomez Table 2.5 long: ``treatment``, ``block`` (R1-R4), ``yield_kg_ha``."""
    rows = [(t, f"R{j + 1}", y) for t, ys in SEEDRATE_Y.items() for j, y in enumerate(ys)]
    return pd.DataFrame(rows, columns=["treatment", "block", "yield_kg_ha"])


def john_alpha() -> pd.DataFrame:
    """John & Williams (1995) p. 146 alpha design (agridat john.alpha)."""
    return case_frame("john_williams_alpha_oats")


def alpha_fit(df: pd.DataFrame) -> Any:
    """Fit ``john_alpha()``'s layout (``gen`` in ``rep`` x ``block``) as an alpha design by REML."""
    from yieldtrial.stats.mixed import mixed_model

    return mixed_model(df, response="yield", design="alpha", treatment="gen", block="rep",
                       incomplete_block="block")  # fmt: skip


def oats_plots(*, treatment: str = "nitro") -> pd.DataFrame:
    """Yates' oats (tests/data/reference/yates_oats_splitplot.json) as plot records.

    The published yields (1/4 lb per sub-plot) are passed as ``yield_kg_ha`` unchanged so
    the published ANOVA applies; ``treatment`` is the nitrogen rate (or ``gen:nitro``).
    """
    df = case_frame("yates_oats_splitplot")
    df["plot_id"] = [str(i + 1) for i in range(len(df))]
    df["treatment"] = df["nitro"] if treatment == "nitro" else df["gen"] + ":" + df["nitro"]
    return df.rename(columns={"yield": "yield_kg_ha"})
