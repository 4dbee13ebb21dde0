"""Balanced two-factor strata: the data cube, its margins, F rows, SED and means tables.

The machinery :mod:`yieldtrial.stats.splitplot` builds split-plot and strip-plot
ANOVAs from: the plots arranged as a ``(block, A, B)`` cube, the centred margins and
the sums of squares the two designs share, the F tests of a stratum table against each
row's error term, the table of standard errors of differences (SED) with LSDs, and the
two-way means table that split/strip-plot and factorial results share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.stats._common import numeric_column, reject_reserved_names

if TYPE_CHECKING:
    from yieldtrial.stats.results import Provenance

__all__: list[str] = []

_DESCRIPTIONS = {
    "whole_plot": "two whole-plot ({a}) means",
    "sub_plot": "two sub-plot ({b}) means",
    "sub_plot_within_whole": "two {b} means at the same {a} level",
    "whole_plot_within_sub": "two {a} means at the same or different {b} level",
    "horizontal": "two horizontal-factor ({a}) means",
    "vertical": "two vertical-factor ({b}) means",
    "vertical_within_horizontal": "two {b} means at the same {a} level",
    "horizontal_within_vertical": "two {a} means at the same {b} level",
}


def factor_levels(series: pd.Series, column: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes and labels (categorical order, else order of first appearance)."""
    if series.isna().any():
        rows = list(series.index[series.isna().to_numpy()][:5])
        raise DataValidationError(
            f"column {column!r} has missing labels (rows {rows}); every plot needs a "
            f"{column} label. Fill them in or drop those rows."
        )
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(series.astype(object))
        labels = [str(c) for c in series.cat.categories if c in present]
        text = series.astype(object).map(str)
    else:
        text = series.astype(object).map(str)
        labels = list(dict.fromkeys(text.tolist()))
    mapping = {label: i for i, label in enumerate(labels)}
    return text.map(mapping).to_numpy(dtype=int), tuple(labels)


def balanced_cube(
    data: pd.DataFrame, *, response: str, block: str, first: str, second: str
) -> tuple[np.ndarray, dict[str, tuple[str, ...]]]:
    """Response as an array ``[block, first, second]``, checking completeness."""
    if not isinstance(data, pd.DataFrame):
        from yieldtrial.stats.model import not_a_frame_message

        raise DataValidationError(not_a_frame_message(data))
    args = {"response": response, "block": block, "factor": first, "second factor": second}
    missing = [f"{k}={v!r}" for k, v in args.items() if v not in data.columns]
    if missing:
        raise DataValidationError(
            f"column(s) not found in data: {', '.join(missing)}; available columns: "
            f"{', '.join(map(str, data.columns))}. Pass the right column name(s)."
        )
    from yieldtrial.stats.model import repeated_columns

    repeated_columns(data, args)
    if len({response, block, first, second}) != 4:
        raise DataValidationError(
            f"response, block and the two factors must be four different columns; got "
            f"{response!r}, {block!r}, {first!r}, {second!r}"
        )
    reject_reserved_names((block, first, second), ("error_a", "error_b", "error_c", "total"))
    y = numeric_column(data, response, fix="Fix the value.")
    codes, labels = {}, {}
    for col in (block, first, second):
        codes[col], labels[col] = factor_levels(data[col], col)
    for col in (block, first, second):
        if len(labels[col]) < 2:
            raise DataValidationError(
                f"column {col!r} has a single level ({', '.join(labels[col])}); a split/strip "
                "plot needs at least two blocks and two levels of each factor"
            )
    shape = (len(labels[block]), len(labels[first]), len(labels[second]))
    cube = np.full(shape, np.nan)
    count = np.zeros(shape, dtype=int)
    for i, j, k, value in zip(codes[block], codes[first], codes[second], y, strict=True):
        count[i, j, k] += 1
        cube[i, j, k] = value
    if (count > 1).any():
        i, j, k = np.argwhere(count > 1)[0]
        raise DataValidationError(
            f"{int(count[i, j, k])} plots share {block}={labels[block][i]!r}, "
            f"{first}={labels[first][j]!r}, {second}={labels[second][k]!r}; a split/strip plot "
            "has one plot per block x factor combination. Average subsamples first or fix the "
            "labels."
        )
    holes = np.argwhere(np.isnan(cube))
    if holes.size:
        listed = "; ".join(
            f"{block}={labels[block][i]}, {first}={labels[first][j]}, {second}={labels[second][k]}"
            for i, j, k in holes[:5]
        )
        more = f" (and {len(holes) - 5} more)" if len(holes) > 5 else ""
        raise DataValidationError(
            f"{len(holes)} plot(s) of {response!r} are missing: {listed}{more}. The stratum "
            "ANOVA needs a complete trial; estimate the missing plots (Gomez & Gomez ch. 7) or "
            "analyse with a mixed model (REML)."
        )
    return cube, labels


def _f_rows(
    rows: list[dict[str, Any]], errors: dict[str, tuple[float, float]]
) -> list[dict[str, Any]]:
    from yieldtrial.stats._univariate import f_sf  # scipy.stats.f.sf, bit for bit

    out = []
    for row in rows:
        row = dict(row)
        row["mean_sq"] = row["sum_sq"] / row["df"] if row["df"] > 0 else float("nan")
        term = row.get("error_term")
        if term in errors:
            ms_e, df_e = errors[term]
            if ms_e > 0 and df_e > 0:
                row["f"] = row["mean_sq"] / ms_e
                row["p_value"] = float(f_sf(row["f"], row["df"], df_e))
            else:
                row["f"] = row["p_value"] = float("nan")
        else:
            row["f"] = row["p_value"] = float("nan")
        out.append(row)
    return out


class Margins(NamedTuple):
    """Centred margins of a balanced ``(block, A, B)`` cube and shared sums of squares.

    The sums of squares are those split and strip plots share: block, A, error a
    (block x A), B, A x B and total.
    """

    r: np.ndarray
    a: np.ndarray
    b: np.ndarray
    ra: np.ndarray
    ab: np.ndarray
    ss_block: float
    ss_a: float
    ss_ea: float
    ss_b: float
    ss_ab: float
    ss_total: float


def margins(y: np.ndarray) -> Margins:
    """Margins and shared sums of squares of the centred cube ``y`` (block, A, B)."""
    r, a, b = y.shape
    m_r = y.mean(axis=(1, 2))
    m_a = y.mean(axis=(0, 2))
    m_b = y.mean(axis=(0, 1))
    m_ra = y.mean(axis=2)
    m_ab = y.mean(axis=0)
    return Margins(
        r=m_r,
        a=m_a,
        b=m_b,
        ra=m_ra,
        ab=m_ab,
        ss_block=a * b * float(np.sum(m_r**2)),
        ss_a=r * b * float(np.sum(m_a**2)),
        ss_ea=b * float(np.sum((m_ra - m_r[:, None] - m_a[None, :]) ** 2)),
        ss_b=r * a * float(np.sum(m_b**2)),
        ss_ab=r * float(np.sum((m_ab - m_a[:, None] - m_b[None, :]) ** 2)),
        ss_total=float(np.sum(y**2)),
    )


def strata_table(
    rows: list[dict[str, Any]], errors: dict[str, tuple[float, float]]
) -> pd.DataFrame:
    """Build the ANOVA table by stratum (F against each row's error; no total mean square)."""
    table = pd.DataFrame(
        _f_rows(rows, errors),
        columns=["stratum", "source", "df", "sum_sq", "mean_sq", "f", "p_value", "error_term"],
    )
    table.loc[table["source"] == "total", "mean_sq"] = float("nan")
    return table


def sed_table(
    kinds: tuple[str, ...],
    entries: list[tuple[float, float, str]],
    *,
    alpha: float,
    a_name: str,
    b_name: str,
) -> pd.DataFrame:
    from yieldtrial.stats._univariate import t_ppf  # scipy.stats.t.ppf, bit for bit

    rows = []
    for kind, (variance, df, term) in zip(kinds, entries, strict=True):
        sed = float(np.sqrt(variance)) if variance >= 0 else float("nan")
        t = float(t_ppf(1 - alpha / 2, df)) if df > 0 else float("nan")
        rows.append(
            {
                "comparison": kind,
                "description": _DESCRIPTIONS[kind].format(a=a_name, b=b_name),
                "sed": sed,
                "df": df,
                "lsd": t * sed,
                "error_term": term,
            }
        )
    return pd.DataFrame(rows)


def two_way_table(
    cells: np.ndarray,
    rows: tuple[str, tuple[str, ...], np.ndarray],
    columns: tuple[str, tuple[str, ...], np.ndarray],
    provenance: Provenance,
) -> pd.DataFrame:
    """Two-way table of A x B means with a ``mean`` column and a ``mean`` row.

    ``rows`` and ``columns`` are ``(factor, levels, marginal means)``; the corner holds the
    mean of the cells.  The provenance goes to ``attrs["provenance"]``.
    """
    (a_name, a_levels, a_means), (b_name, b_levels, b_means) = rows, columns
    table = pd.DataFrame(
        cells,
        index=pd.Index(a_levels, name=a_name),
        columns=pd.Index(b_levels, name=b_name),
    )
    table["mean"] = a_means
    table.loc["mean"] = [*b_means, float(cells.mean())]
    table.attrs["provenance"] = provenance.to_dict()
    return table
