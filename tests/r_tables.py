"""Read the stored R reference tables (``reference.csv``: one R number per row).

Shared by ``tests/test_stats_mixed_lme4.py`` (``tests/data/r_reference``),
``tests/test_report_mixed_lme4.py`` (``tests/data/r_reference_surface``) and
``tests/test_report_mixed_lme4_trials.py`` (``tests/data/r_reference_trials``); each folder's
``make_reference.R`` writes its file with the R call behind every number.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
from scipy import optimize, stats

from yieldtrial.cli import main as cli


@functools.cache
def read_reference(path: Path) -> pd.DataFrame:
    """reference.csv: one R number per row (``value`` as float, NA -> NaN)."""
    ref = pd.read_csv(path, dtype=str, keep_default_na=False)
    ref["value"] = pd.to_numeric(ref["value"].replace({"NA": "nan"}), errors="coerce")
    return ref


def select(
    ref: pd.DataFrame,
    case: str,
    table: str,
    stat: str,
    *,
    ddf: str = "",
    spec: str = "",
    by: str = "",
) -> pd.Series:
    """Values of one statistic of one R table, indexed by ``term``."""
    rows = ref[
        (ref["case"] == case)
        & (ref["table"] == table)
        & (ref["stat"] == stat)
        & (ref["ddf"] == ddf)
        & (ref["spec"] == spec)
        & (ref["by"] == by)
    ]
    assert len(rows), f"no R rows for {case} {table} {stat} {ddf} {spec} {by}"
    return rows.set_index("term")["value"]


def json_report(table: Path, options: list[str], out: Path) -> dict[str, Any]:
    """Run ``yieldtrial report TABLE --crop wheat OPTIONS --format json`` in-process."""
    argv = ["report", str(table), "--crop", "wheat", *options, "--format", "json",
            "-o", str(out), "--force"]  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli(argv) == 0
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def lsmean_df(row: dict[str, Any]) -> float:
    """Return the df of an LS-mean's 95 % confidence interval (from its half-width)."""
    q = (row["ci_high"] - row["ci_low"]) / (2 * row["se"])
    root = optimize.brentq(lambda df: stats.t.ppf(0.975, df) - q, 0.5, 1e7, xtol=1e-12, rtol=1e-14)
    return float(root)
