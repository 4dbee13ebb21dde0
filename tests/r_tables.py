"""Read the stored R reference tables (``reference.csv``: one R number per row).

Shared by ``tests/test_stats_mixed_lme4.py`` (``tests/data/r_reference``),
``tests/test_report_mixed_lme4.py`` (``tests/data/r_reference_surface``) and
``tests/test_report_mixed_lme4_trials.py`` (``tests/data/r_reference_trials``); each folder's
``make_reference.R`` writes its file with the R call behind every number.  The assertions of
a report's F tests and LS-means against lmerTest and emmeans (:func:`assert_f_tests`,
:func:`assert_lsmeans`, :func:`assert_design_means`) are here, once, for the two report
modules.

Tolerances are the precision of the methods: REML optima (lme4 tight nloptwrap and
yieldtrial) to ~1e-9 relative; lmerTest's Satterthwaite df use numDeriv's Hessian (~1e-6).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scipy import optimize, stats

from yieldtrial.cli import main as cli

RTOL_MEAN = 1e-6  # LS-means, differences, SEs, t, F
RTOL_DF = 1e-4  # denominator df (lmerTest: numerical Hessian)


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


def assert_f_tests(table: pd.DataFrame, ref: pd.DataFrame, case: str, ddf: str) -> None:
    """Assert a report's F tests (``results.anova.table``) = lmerTest's anova(type = 3).

    F, numerator df, denominator df and p of every R term; the fixed replicates of alpha
    and row-column designs are not tested by yieldtrial (nuisance) and may be absent.
    """
    expected = select(ref, case, "anova", "F", ddf=ddf)
    num_df = select(ref, case, "anova", "num_df", ddf=ddf)
    den_df = select(ref, case, "anova", "den_df", ddf=ddf)
    p = select(ref, case, "anova", "p", ddf=ddf)
    terms = [t for t in expected.index if not (t == "block" and "block" not in table.index)]
    assert set(terms) == set(table.index)
    for term in terms:
        row = table.loc[term]
        assert row["f"] == pytest.approx(expected[term], rel=RTOL_MEAN)
        assert row["df"] == num_df[term]
        assert row["df_denominator"] == pytest.approx(den_df[term], rel=RTOL_DF)
        assert row["p_value"] == pytest.approx(p[term], rel=RTOL_DF, abs=1e-12)


def assert_lsmeans(
    means: pd.DataFrame,
    ref: pd.DataFrame,
    case: str,
    ddf: str,
    spec: str,
    *,
    same_order: bool,
) -> None:
    """Assert a report's means table (``results.means``) = emmeans(m, ~ spec).

    LS-mean and SE to ``RTOL_MEAN``, the df of the 95 % interval to ``RTOL_DF``;
    ``same_order``: the levels in emmeans' order, else the same set (a Latin square lists
    them in the field book's order).
    """
    emmean = select(ref, case, "emmeans", "emmean", ddf=ddf, spec=spec)
    se = select(ref, case, "emmeans", "SE", ddf=ddf, spec=spec)
    df = select(ref, case, "emmeans", "df", ddf=ddf, spec=spec)
    if same_order:
        assert list(means.index) == list(emmean.index)
    else:
        assert sorted(means.index) == sorted(emmean.index)
    for level, row in means.iterrows():
        assert row["mean"] == pytest.approx(emmean[level], rel=RTOL_MEAN)
        assert row["se"] == pytest.approx(se[level], rel=RTOL_MEAN)
        assert lsmean_df(row.to_dict()) == pytest.approx(df[level], rel=RTOL_DF)


def assert_design_means(
    tables: list[dict[str, Any]], ref: pd.DataFrame, case: str, ddf: str
) -> None:
    """Assert every ``results.design_means`` table (factors, cells) = emmeans of its spec."""
    for t in tables:
        emmean = select(ref, case, "emmeans", "emmean", ddf=ddf, spec=t["factor"])
        se = select(ref, case, "emmeans", "SE", ddf=ddf, spec=t["factor"])
        got = pd.DataFrame(t["table"]).set_index("level")
        assert sorted(got.index) == sorted(emmean.index)
        for level, row in got.iterrows():
            assert row["mean"] == pytest.approx(emmean[level], rel=RTOL_MEAN)
            assert row["se"] == pytest.approx(se[level], rel=RTOL_MEAN)
