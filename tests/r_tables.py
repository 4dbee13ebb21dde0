"""Read the stored R reference tables (``reference.csv``: one R number per row).

Shared by ``tests/test_stats_mixed_lme4.py`` (``tests/data/r_reference``) and
``tests/test_report_mixed_lme4.py`` (``tests/data/r_reference_surface``); each folder's
``make_reference.R`` writes its file with the R call behind every number.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd


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
