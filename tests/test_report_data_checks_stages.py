"""The data-checks section names its steps for the heartbeat of a long report."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from yieldtrial.report.sections import checks
from yieldtrial.trial import FieldTrial


def test_suspect_plots_and_sensitivity_run_in_named_stages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a doubled plot is flagged, so the sensitivity of the verdicts is computed too
    rng = np.random.default_rng(4)
    n = 24
    plots = pd.DataFrame(
        {
            "plot_id": [str(i + 1) for i in range(n)],
            "block": [f"B{i // 4 + 1}" for i in range(n)],
            "treatment": ["CK", "T1", "T2", "T3"] * 6,
            "yield_kg_ha": 7000.0 + rng.normal(0.0, 100.0, n),
        }
    )
    plots.loc[9, "yield_kg_ha"] *= 2.0
    seen: list[str] = []

    @contextlib.contextmanager
    def recorded(what: str) -> Iterator[None]:
        seen.append(what)
        yield

    monkeypatch.setattr(checks, "stage", recorded)
    FieldTrial.from_dataframe(plots, crop="wheat", control="CK").report(figures=False)
    assert seen == ["data checks: suspect plots", "data checks: sensitivity of the verdicts"]
