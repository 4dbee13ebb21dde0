"""The network report's "Missing plots" counts a treatment absent from a site.

At an unreplicated farm the design expects one plot per treatment; the shipped 60-farm
network has no CK2 strip at farm18 and no T strip at farm43 (datasets/farm-network/
README.md).  The site table counted 0 missing plots for both (the engine's ``n_missing``
counts the plots of the treatments a site has) and, in a table listing every site, left
the Reason column empty.  It now counts the absent plot and names the treatment.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.datasets import example_path
from yieldtrial.network import analyze_many
from yieldtrial.report.model import Table
from yieldtrial.report.network import network_report


def _sites(result: Any, lang: str = "en") -> dict[str, dict[str, Any]]:
    table = next(b for b in network_report(result, lang=lang).section("sites").blocks
                 if isinstance(b, Table))  # fmt: skip
    return {row["site"]: row for row in table.rows}


def test_unreplicated_farm_without_a_strip_counts_one_missing_plot() -> None:
    """farm18 (no CK2) and farm43 (no T): 1 missing plot each, the treatment named."""
    plots = pd.read_csv(example_path("farm-network"))
    result = analyze_many(
        plots, by="site", response="yield_kg_mu", treatment="treatment", control="CK1",
        design="crd",
    )  # fmt: skip
    sites = _sites(result)
    assert (sites["farm18"]["n_missing"], sites["farm18"]["reason"]) == (1.0, "no yield of CK2")
    assert (sites["farm43"]["n_missing"], sites["farm43"]["reason"]) == (1.0, "no yield of T")
    assert {
        row["n_missing"] for name, row in sites.items() if name not in ("farm18", "farm43")
    } == {0.0}
    assert _sites(result, "zh")["farm18"]["reason"] == "CK2 缺产量"


def test_rcbd_site_without_a_treatment_counts_one_plot_per_block() -> None:
    """Three treatments in 3 blocks; site B lacks T2: 3 plots missing (one per block)."""
    rows = [
        (site, block, treatment, 500.0 + 7.0 * i)
        for i, (site, block, treatment) in enumerate(
            (s, b, t) for s in "AB" for b in "123" for t in ("CK", "T1", "T2")
        )
        if not (site == "B" and treatment == "T2")
    ]
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_mu"])
    plots["yield_kg_mu"] += np.tile([0.0, 3.0, -2.0, 1.0, -1.0, 4.0], 3)[: len(plots)]
    result = analyze_many(
        plots, by="site", response="yield_kg_mu", treatment="treatment", block="block",
        control="CK", design="rcbd",
    )  # fmt: skip
    sites = _sites(result)
    assert (sites["A"]["n_missing"], sites["B"]["n_missing"]) == (0.0, 3.0)
    assert sites["B"]["reason"] == "no yield of T2"
