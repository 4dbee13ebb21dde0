r"""Suspect-plot screening: the typo before it becomes the conclusion.

:func:`suspect_plots` combines a formal test with model-free checks that need
no error degrees of freedom, and returns one tidy row per finding (columns
:data:`SUSPECT_COLUMNS`).  Every row names the plot, its treatment and block,
the value, what is typical for it, the check and its p-value or ratio.  Nothing
is removed: excluding a plot is the user's decision
(:meth:`yieldtrial.FieldTrial.exclude`, ``[[exclude]]`` in ``trial.toml``).

Checks (``check`` column):

``outlier_test``
    Bonferroni test of the externally studentized residuals of the design model
    (:func:`yieldtrial.stats.outliers.outlier_test`), flagged at
    ``p_value_adjusted < alpha`` (default 0.01); needs 2 error df.
``robust_deviation``
    The plot's yield is far from the rest of its treatment: the deviation from the
    median of the treatment's *other* plots, divided by a robust pooled spread (see
    Notes), exceeds :data:`ROBUST_Z_LIMIT` (6).
``typing_pattern``
    The raw typed value (fresh mass per m\ :sup:`2`, or the given yield) divided by
    the median of the treatment's other plots matches a typing error: a doubled or
    halved weight (ratio in :data:`TYPING_RATIOS`, with robust z above
    :data:`PATTERN_Z_LIMIT`), a shifted decimal point (any ratio beyond
    :data:`EXTREME_RATIO`, 4x, needs no scale: it is never plot-to-plot variation;
    named after the nearest power of ten), or two adjacent digits swapped (swapping
    them brings the value within 10 % of typical, and robust z above
    :data:`SWAP_Z_LIMIT`).
``moisture``, ``area``
    A harvest moisture unlike both its treatment's and its block's other plots, or a
    harvested area unlike the other plots (see Notes).
``duplicate``
    Two rows with the same record (treatment, block and every measurement), or a
    treatment recorded twice in a block that lacks another treatment.

The thresholds were chosen with ``benchmarks/bench_suspect_plots.py`` (clean
generated RCBDs with 3-6 treatments, 3-4 blocks and CV 4-12 %): together the
checks flag fewer than 5 % of clean trials while a doubled, x10 or /10 plot
weight is flagged in nearly all; see ``docs/data-checks.md`` for the measured rates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io._compat import isin
from yieldtrial.io.checks import check_positive, message_df, message_number
from yieldtrial.stats.outliers import OUTLIER_ALPHA

_CHUNK = 1 << 20  # plots per elementwise step where temporaries would be n-sized

__all__ = [
    "CHECKS",
    "EXTREME_RATIO",
    "LARGE_TABLE_ALPHA",
    "LARGE_TABLE_PLOTS",
    "PATTERN_Z_LIMIT",
    "ROBUST_Z_LIMIT",
    "SUSPECT_COLUMNS",
    "TYPING_RATIOS",
    "large_table_limit",
    "suspect_plots",
]

#: Checks of :func:`suspect_plots`, in the order their rows are listed.
CHECKS: tuple[str, ...] = (
    "outlier_test",
    "robust_deviation",
    "typing_pattern",
    "moisture",
    "area",
    "duplicate",
)

#: Columns of :func:`suspect_plots`, in order.
SUSPECT_COLUMNS: tuple[str, ...] = (
    "plot_id",
    "treatment",
    "block",
    "check",
    "variable",
    "value",
    "typical",
    "ratio",
    "statistic",
    "p_value",
    "p_value_adjusted",
    "rule",
    "pattern",
    "message",
)

#: Numeric columns of :func:`suspect_plots` (the others are text).
_SUSPECT_NUMBERS = ("value", "typical", "ratio", "statistic", "p_value", "p_value_adjusted")

#: Robust z beyond which a plot is "far from the rest of its treatment".
ROBUST_Z_LIMIT = 6.0

#: Robust z a doubled/halved value or a digit swap must also exceed.
PATTERN_Z_LIMIT = 3.0

#: Largest accepted robust_limit / pattern_limit: no plot is a million robust SDs out, and
#: 1e308 overflowed when raised to a large table's limit (RuntimeWarning, stop 41).
MAX_Z_LIMIT = 1e6

#: A ratio to typical beyond this factor (or below its inverse) is a typing or unit slip,
#: whatever the plot-to-plot spread.
EXTREME_RATIO = 4.0

#: A digit swap is named when swapping two adjacent digits brings the value within this
#: factor of typical (and the robust z exceeds ``SWAP_Z_LIMIT``).
SWAP_TOLERANCE = 1.1
#: Robust z a value must exceed before a digit swap is considered.
SWAP_Z_LIMIT = 4.0

#: Typing-error patterns: label -> (factor, lowest ratio, highest ratio) of value / typical.
TYPING_RATIOS: dict[str, tuple[float, float, float]] = {
    "x2": (2.0, 1.6, 2.5),
    "/2": (0.5, 0.4, 0.625),
    "x10": (10.0, 6.0, 16.0),
    "/10": (0.1, 1 / 16, 1 / 6),
    "x100": (100.0, 60.0, 160.0),
    "/100": (0.01, 1 / 160, 1 / 60),
}

#: A moisture reading this many percentage points from the other plots' median (and
#: beyond ``MOISTURE_Z_LIMIT`` robust spreads) is flagged. [percentage points]
MOISTURE_POINTS = 3.0
#: Robust z limit of the moisture and area checks.
MOISTURE_Z_LIMIT = 5.0
#: A harvested area this factor above (or its inverse below) the median area is flagged.
AREA_RATIO = 1.25

#: Above this many observed plots the robust z limits of the model-free checks are raised to
#: at least the Bonferroni limit of the table (:func:`large_table_limit`): with millions of
#: plots, a few normal deviations pass a limit of 3 or 5 by chance.
LARGE_TABLE_PLOTS = 100_000
#: Family-wise level of that Bonferroni limit: the chance that any of *n* normal plots passes
#: it is about this (two-sided).
LARGE_TABLE_ALPHA = 0.05


def large_table_limit(limit: float, n_plots: int) -> float:
    r"""Return a robust z limit raised for the number of plots screened.

    Parameters
    ----------
    limit : float
        The limit for an ordinary trial (e.g. :data:`PATTERN_Z_LIMIT`).
    n_plots : int
        Number of observed plots screened.

    Returns
    -------
    float
        ``limit`` up to :data:`LARGE_TABLE_PLOTS` plots; above, the larger of ``limit``
        and the Bonferroni limit :math:`z_{1 - \alpha / (2n)}` with
        :math:`\alpha` = :data:`LARGE_TABLE_ALPHA`, rounded up to 0.01 (100,001
        plots: 5.03; 590,720: 5.36; 5,907,440: 5.76).
    """
    if n_plots <= LARGE_TABLE_PLOTS:
        return limit
    from statistics import NormalDist

    bonferroni = -NormalDist().inv_cdf(LARGE_TABLE_ALPHA / (2.0 * n_plots))
    return max(limit, math.ceil(bonferroni * 100.0) / 100.0)  # to 0.01 up: rules read "5.76"


# variance of the median of m independent N(0, 1) values (m = 1..7; pi / (2 m) beyond)
_MEDIAN_VARIANCE = {1: 1.0, 2: 0.5, 3: 0.4487, 4: 0.2982, 5: 0.2868, 6: 0.2147, 7: 0.2104}
_Z_MAD = 0.6744897501960817  # standard normal quantile 0.75


def _median_variance(m: int) -> float:
    return _MEDIAN_VARIANCE.get(m, math.pi / (2.0 * m))


def _pattern(ratio: float) -> str:
    for label, (_, low, high) in TYPING_RATIOS.items():
        if low <= ratio <= high:
            return label
    return ""


def _nearest_shift(ratio: float) -> str:
    """Name the decimal shift (x10, /10, x100, /100) nearest to a ratio beyond 4x."""
    power = round(math.log10(ratio))
    if power == 0:
        return ""
    power = max(-2, min(2, power))
    return {1: "x10", 2: "x100", -1: "/10", -2: "/100"}[power]


def _digit_swaps(value: float) -> list[tuple[str, float]]:
    """Values obtained by swapping two adjacent digits of ``value`` (as typed, 6 significant)."""
    if not np.isfinite(value) or value <= 0:
        return []
    text = f"{value:.6g}"
    if "e" in text:
        return []
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    out = []
    for a, b in zip(positions, positions[1:], strict=False):
        if text[a] == text[b]:
            continue
        chars = list(text)
        chars[a], chars[b] = chars[b], chars[a]
        swapped = "".join(chars)
        if swapped[0] == "0" and len(swapped) > 1 and swapped[1] != ".":
            continue  # a leading zero is not how a number is typed
        try:
            out.append((swapped, float(swapped)))
        except ValueError:  # pragma: no cover - digits only
            continue
    return out


def _within_treatment(
    values: np.ndarray,
    groups: np.ndarray,
    *,
    known: np.ndarray,
    decide: Any,
    limit: Any,
) -> list[dict[str, Any]]:
    """Sequential robust comparison of each plot with the rest of its treatment.

    Every plot is compared with the median of its treatment's other plots; the scale is the
    pooled within-treatment spread, ``median |y_i - y_j| / (sqrt(2) z_0.75)`` over the
    pairs of plots of one treatment.  ``decide(i, ratio, z, typical, m)`` (``m`` the
    number of other plots) returns a finding (dict) or None, and ``limit(indices,
    ratios, typicals, m)`` the ``|z|`` at or below which ``decide`` returns None.  The
    finding with the largest ``|z|`` is taken, that plot leaves the comparison sets, and
    the others are compared again, so one bad plot does not make its neighbours look
    bad.  Plots in ``known`` are left out of the comparison sets from the start (but
    still judged once).  Vectorized in :func:`yieldtrial.stats._group_screen.sequential_screen`
    (O(n log n); the pair median is exact up to 1,000,000 pairs, sampled above; the
    first 200 findings one at a time, then in batches).
    """
    from yieldtrial.stats._group_screen import sequential_screen

    return sequential_screen(values, groups, known=known, decide=decide, limit=limit)


def _float_values(series: pd.Series) -> np.ndarray:
    """``pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)``, read only.

    A float64 column is returned as its own values (a view, no copy: ``to_numeric``
    copies a column of 5.9 million plots into a new Series, 47 MB, where pandas copies on
    write); any other column goes through ``to_numeric`` as before.  The callers only read.
    """
    if series.dtype == np.float64:
        return series.to_numpy(dtype=float, copy=False)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


def _observed_values(series: pd.Series, observed: np.ndarray) -> np.ndarray:
    """``numpy.where(observed, values, nan)`` of a column, read only.

    Every plot observed (the usual case): the column's values themselves
    (:func:`_float_values`, no copy of a float64 column), which is what ``numpy.where``
    would copy.
    """
    values = _float_values(series)
    return values if observed.all() else np.where(observed, values, np.nan)


def _spread_check(
    values: np.ndarray, *, log: bool, floor: float, limit: float
) -> tuple[float, np.ndarray, np.ndarray]:
    """Median, deviation and robust z of each value against all plots (moisture, area).

    The medians partition their own copies in place (the same order statistics) and the
    deviation is taken in place of the logs (the same subtraction): fewer arrays of n.
    """
    finite = values[np.isfinite(values)]
    has = finite.size > 0
    centre = float(np.median(finite, overwrite_input=True)) if has else float("nan")
    del finite
    c = math.log(centre) if log and centre > 0 else centre
    if log:
        dev = np.log(values)
        dev -= c
    else:
        dev = values - c
    if has:
        work = dev[np.isfinite(dev)]
        np.abs(work, out=work)
        mad = float(np.median(work, overwrite_input=True))
        del work
    else:
        mad = float("nan")
    scale = max(1.4826 * mad, floor / limit)
    return centre, dev, dev / scale


def _moisture_outliers(
    m: np.ndarray,
    groups: np.ndarray,
    blocks: _Labels | np.ndarray,
    *,
    limit: float = MOISTURE_Z_LIMIT,
) -> list[tuple[int, float, float]]:
    """Find the plots whose moisture is unlike their treatment's and their block's plots.

    Varieties can differ in harvest moisture and a block harvested after rain can be wetter
    as a whole; a reading from the wrong bag or a typing error is unlike both.  The
    deviation is taken from the nearer of the two medians (the treatment's other plots,
    the block's other plots; all plots when neither exists) and scaled by the robust
    spread of all plots (1.4826 MAD, at least ``MOISTURE_POINTS / MOISTURE_Z_LIMIT``).
    Returns ``(index, typical, z)`` of each flagged plot.  The medians of the others come
    from one sort per grouping (:func:`yieldtrial.stats._group_screen.median_of_others`).
    """
    from yieldtrial.stats._group_screen import _sorted_groups as sorted_groups
    from yieldtrial.stats._group_screen import median_of_others

    finite = np.isfinite(m)
    work = m[finite]  # (millions of plots: each working array of n is freed once used)
    overall = float(np.median(work))
    work -= overall
    np.abs(work, out=work)
    mad = float(np.median(work, overwrite_input=True))  # the same order statistics
    del work
    scale = max(1.4826 * mad, MOISTURE_POINTS / MOISTURE_Z_LIMIT)
    has_blocks = bool(blocks.size and blocks[0] is not None)
    # each grouping sorted a run of groups at a time (no value order of every plot held
    # for both: 22.5 MiB, and the sorts' arrays of every plot, at the data checks' peak;
    # stop 53); each sort handed over in a list: median_of_others frees its sorted values
    # and plot order once read (millions of plots: 67 MiB less under the arrays it makes)
    ordered = list(sorted_groups(m, groups, finite))
    typical, count = median_of_others(m, groups, finite, ordered=ordered)
    del ordered
    have = count > 0
    del count
    n = m.size
    if has_blocks:
        block_codes = _codes_of(blocks)[0]
        ordered = list(sorted_groups(m, block_codes, finite))
        by_block, block_count = median_of_others(m, block_codes, finite, ordered=ordered)
        del ordered
        block_have = block_count > 0
        del block_count
        # the nearer of the two medians; the treatment's on a tie (as min() keeps the first);
        # elementwise, in chunks (bounded temporaries)
        for s in range(0, n, _CHUNK):
            part = slice(s, s + _CHUNK)
            nearer = block_have[part] & (
                ~have[part] | (np.abs(m[part] - by_block[part]) < np.abs(m[part] - typical[part]))
            )
            np.copyto(typical[part], by_block[part], where=nearer)
        del by_block
        have |= block_have
        del block_have
    np.copyto(typical, overall, where=~have)
    del have
    hit = np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        for s in range(0, n, _CHUNK):
            part = slice(s, s + _CHUNK)
            deviation = m[part] - typical[part]
            hit[part] = finite[part] & (np.abs(deviation) > MOISTURE_POINTS)
            hit[part] &= np.abs(deviation) / scale > limit
    # m[i] - typical[i]: the same subtraction as the deviation above, so the same bits
    return [
        (int(i), float(typical[i]), float((m[i] - typical[i]) / scale)) for i in np.flatnonzero(hit)
    ]


def suspect_plots(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str | None = None,
    block: str | None = None,
    design: str = "rcbd",
    row: str | None = None,
    column: str | None = None,
    whole_plot: str | None = None,
    sub_plot: str | None = None,
    horizontal: str | None = None,
    vertical: str | None = None,
    plot_id: str = "plot_id",
    raw: str | None = None,
    mass: str = "fresh_mass_kg",
    moisture: str = "moisture_pct",
    area: str = "harvested_area_m2",
    alpha: float = OUTLIER_ALPHA,
    robust_limit: float = ROBUST_Z_LIMIT,
    pattern_limit: float = PATTERN_Z_LIMIT,
) -> pd.DataFrame:
    r"""Screen a trial's plots for typing and weighing errors.

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot; plots with a blank response are not screened.
    response : str
        Analysed response, e.g. ``"yield_kg_ha"``.
    treatment, block, design, row, column : str, optional
        The design model of the formal test (see
        :func:`yieldtrial.stats.outliers.outlier_test`).  The model-free checks compare
        plots of the same treatment (split/strip plot: the same ``A:B`` combination).
    whole_plot, sub_plot, horizontal, vertical : str, optional
        Factor columns of a split-plot / strip-plot trial.
    plot_id : str
        Column naming the plots.
    raw : str, optional
        Column holding the value as typed, for the typing patterns; default the fresh
        mass (``mass``) when present, else ``response``.  A mass is compared per m\
        :sup:`2` when the plots' areas differ.
    mass, moisture, area : str
        Fresh-mass [kg], moisture [%] and harvested-area [m2] columns (checks skipped
        for absent columns).
    alpha : float, default 0.01
        Level of the Bonferroni outlier test.
    robust_limit, pattern_limit : float
        Robust z limits of ``robust_deviation`` and of the doubled/halved/swapped
        ``typing_pattern`` (defaults :data:`ROBUST_Z_LIMIT`, :data:`PATTERN_Z_LIMIT`).

    Returns
    -------
    DataFrame
        One row per finding, columns :data:`SUSPECT_COLUMNS`: ``plot_id``,
        ``treatment``, ``block`` (None without blocks), ``check`` (one of
        :data:`CHECKS`), ``variable`` (the column judged), ``value`` and ``typical``
        [unit of ``variable``; ``typical`` is the model's prediction from the other
        plots for ``outlier_test``, the median of the treatment's other plots for
        ``robust_deviation``/``typing_pattern``, the nearer of the treatment's and the
        block's median for ``moisture``, the median of all plots for ``area``],
        ``ratio`` (value / typical), ``statistic`` (t or robust z), ``p_value`` and
        ``p_value_adjusted`` (``outlier_test`` only),
        ``rule`` (the threshold that fired, in words), ``pattern`` (``"x2"``,
        ``"/10"``, ``"swapped digits 41.84 -> 14.84"``, ... or empty) and ``message``
        (one English sentence).  Empty (with these columns) when nothing is
        suspect.  ``attrs["notes"]`` lists checks that could not run and why;
        ``attrs["provenance"]`` is the outlier test's.

    Raises
    ------
    DataValidationError
        A column the design needs is not given, ``alpha`` outside (0, 1), or
        ``robust_limit`` / ``pattern_limit`` not a finite number in (0, 1e6].

    Notes
    -----
    The model-free comparison of plot *i* uses the median :math:`\tilde y` of the
    other plots of its treatment (needs at least one; with a single other plot
    both plots of the pair are equally suspect) and the pooled spread
    :math:`s = \mathrm{median}|y_j - y_k| / (\sqrt{2}\,z_{0.75})` over all pairs of
    plots of one treatment (a consistent estimate of the plot standard deviation
    under normality, robust to a few bad plots; block differences count as
    spread, so the check is conservative in strongly blocked trials).  The robust
    z is :math:`(y_i - \tilde y)/(s\sqrt{1 + v_m})` with :math:`v_m` the variance
    of the median of *m* standard normal values.  Plots are judged one at a time:
    the most extreme finding is recorded, that plot leaves the comparisons, and
    the rest are judged again.

    Cost: O(n log n) (:mod:`yieldtrial.stats._group_screen`).  The medians of the
    others are order statistics of the sorted treatment; the pooled spread is exact up
    to 1,000,000 within-treatment pairs and above that the median of 500,000 pairs
    drawn with a fixed seed (relative standard error 0.17 % for normal errors); after
    the first pass only the treatment that lost a plot is judged again; beyond 200
    findings of one check each pass takes the worst finding of every treatment with
    fewer than 20 plots and all findings of the larger ones.  Small trials give the
    same result as judging every plot in every pass.

    Moisture is compared with the median of the treatment's other plots and with the
    median of the block's other plots (varieties and harvest days legitimately differ;
    a wrong reading is unlike both): flagged when even the nearer of the two is more
    than :data:`MOISTURE_POINTS` (3) points and :data:`MOISTURE_Z_LIMIT` (5) robust
    spreads (1.4826 MAD of all plots) away.  Area is flagged when it is more than
    :data:`AREA_RATIO` (1.25) times above or below the median area and beyond 5
    robust spreads of the log areas.

    Above :data:`LARGE_TABLE_PLOTS` (100,000) observed plots every robust z limit of the
    model-free checks (deviation, typing patterns, digit swaps, moisture, area) is at
    least the table's Bonferroni limit (:func:`large_table_limit`; 5,907,440 plots: 5.76),
    so a clean table of millions of plots is not flagged for its normal tails; the ratio
    rules (a 4x ratio, the moisture points and area ratio) are unchanged.

    Examples
    --------
    >>> df = pd.DataFrame({"plot_id": [str(101 + i) for i in range(12)],
    ...                    "treatment": ["N0", "N1", "N2", "N3"] * 3,
    ...                    "block": np.repeat(["1", "2", "3"], 4),
    ...                    "yield_kg_ha": [4100, 6300, 6900, 7100, 4300, 6500, 7000, 7300,
    ...                                    8400, 6400, 7200, 7000.0]})
    >>> out = suspect_plots(df, response="yield_kg_ha", treatment="treatment", block="block")
    >>> out[["plot_id", "check", "pattern"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['109', 'outlier_test', ''], ['109', 'robust_deviation', ''],
     ['109', 'typing_pattern', 'x2']]
    """
    from yieldtrial.stats._common import check_alpha
    from yieldtrial.stats.outliers import outlier_test

    alpha = check_alpha(alpha)
    # NaN or "3" flagged nothing or raised from a comparison; 1e308 overflowed (stop 41)
    robust_limit = check_positive(robust_limit, "robust_limit", str(ROBUST_Z_LIMIT))
    pattern_limit = check_positive(pattern_limit, "pattern_limit", str(PATTERN_Z_LIMIT))
    for name, limit in (("robust_limit", robust_limit), ("pattern_limit", pattern_limit)):
        if limit > MAX_Z_LIMIT:
            raise DataValidationError(
                f"{name} = {message_number(limit)}; a limit on |z| above "
                f"{message_number(MAX_Z_LIMIT)} flags nothing: "
                f"give a limit such as {ROBUST_Z_LIMIT:g}."
            )
    if response not in data.columns:
        raise DataValidationError(
            f"column {response!r} not found; available columns: {', '.join(map(str, data.columns))}"
        )
    y = _float_values(data[response])
    observed = np.isfinite(y)
    # millions of plots: limits raised to the table's Bonferroni limit (small trials unchanged)
    n_screened = int(observed.sum())
    robust_limit = large_table_limit(robust_limit, n_screened)
    pattern_limit = large_table_limit(pattern_limit, n_screened)
    swap_limit = large_table_limit(SWAP_Z_LIMIT, n_screened)
    level_limit = large_table_limit(MOISTURE_Z_LIMIT, n_screened)
    ids = data[plot_id] if plot_id in data.columns else pd.Series(data.index, index=data.index)
    ids_text = _TextAt(ids)  # a plot's id as text when a finding names it
    groups, group_text = _groups(
        data, design=design, treatment=treatment,
        factors=(whole_plot, sub_plot) if design == "split_plot" else (horizontal, vertical),
    )  # fmt: skip
    blocks = (  # codes into the distinct labels: no label is factorized twice
        _Labels.of(data[block])
        if block is not None and block in data.columns
        else _Labels(np.zeros(len(data), dtype=np.int64), np.array([None], dtype=object))
    )
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    provenance: dict[str, Any] | None = None

    def base(i: int) -> dict[str, Any]:
        return {"plot_id": ids_text[i], "treatment": group_text[i], "block": blocks[i]}

    def where(i: int) -> str:
        text = f"plot {ids_text[i]} ({group_text[i]}"
        return text + (f", block {blocks[i]})" if blocks[i] is not None else ")")

    # ---- formal test on the design model
    try:
        formal = outlier_test(
            data, response=response, treatment=treatment, block=block, design=design,
            row=row, column=column, whole_plot=whole_plot, sub_plot=sub_plot,
            horizontal=horizontal, vertical=vertical, plot_id=plot_id, alpha=alpha,
            flagged_only=True,
        )  # fmt: skip
        provenance = formal.attrs.get("provenance")
        if formal.attrs.get("note"):
            notes.append("outlier_test: " + str(formal.attrs["note"]))
        flagged_records = formal.loc[formal["flagged"]].to_dict("records")
        wanted = {str(rec["plot_id"]) for rec in flagged_records}
        position = {  # the last plot of each flagged id (a dict over all plots is O(n) memory)
            ids_text[k]: int(k) for k in ids_text.positions_of(wanted)
        }
        for rec in flagged_records:
            i = position.get(str(rec["plot_id"]))
            if i is None:  # pragma: no cover - ids come from the same table
                continue
            ratio = rec["value"] / rec["fitted_without"] if rec["fitted_without"] else np.nan
            rows.append(
                {
                    **base(i),
                    "check": "outlier_test",
                    "variable": response,
                    "value": float(rec["value"]),
                    "typical": float(rec["fitted_without"]),
                    "ratio": float(ratio),
                    "statistic": float(rec["statistic"]),
                    "p_value": float(rec["p_value"]),
                    "p_value_adjusted": float(rec["p_value_adjusted"]),
                    "rule": f"Bonferroni p < {alpha:g} over {int(rec['n_tests'])} plots",
                    "pattern": "",
                    "message": (
                        f"{where(i)}: {response} = {message_number(rec['value'], 1)} where the "
                        f"design model predicts {message_number(rec['fitted_without'], 1)} from "
                        "the other plots; externally "
                        + (
                            f"studentized residual {rec['statistic']:.2f}"
                            if math.isfinite(rec["statistic"])
                            else "studentized residual unbounded (the model fits every other "
                            "plot exactly: all of its residual variation is this plot's)"
                        )
                        + f" (t on {message_df(rec['df'])} df), Bonferroni p = "
                        f"{rec['p_value_adjusted']:.2g}."
                    ),
                }
            )
    except DataValidationError as exc:
        notes.append(f"outlier_test: not run ({exc})")

    # ---- typing patterns on the raw typed value
    raw_column = raw or (mass if mass in data.columns else response)
    typed = _observed_values(data[raw_column], observed)
    compare = typed  # read only: the values compared are the typed ones (no copy)
    per_area = False
    if raw_column == mass and area in data.columns:
        areas = _float_values(data[area])
        finite = areas[np.isfinite(areas) & observed]
        if finite.size and (finite.max() - finite.min()) > 1e-9 * finite.max():
            compare = typed / areas  # masses compared per m2 when plot areas differ
            per_area = True
        del areas, finite  # (millions of plots: each array is 8 bytes a plot until the end)
    unit_note = " per m2" if per_area else ""
    trial_median: list[float] = []  # of the compared values, computed when a pair needs it

    def partner_is_odder(i: int, typical: float) -> bool:
        # two plots of a treatment are each other's only comparison, so their ratios are
        # mirror images; a slip (x10, doubled) takes the wrong one away from the whole
        # trial: name the plot farther from the trial's median (plot order named the first)
        if not trial_median:
            values = compare[np.isfinite(compare) & (compare > 0)]
            trial_median.append(float(np.median(values)) if values.size else math.nan)
        middle = trial_median[0]
        if not middle > 0:
            return False
        return abs(math.log(typical / middle)) > abs(math.log(compare[i] / middle))

    def typing(i: int, ratio: float, z: float, typical: float, m: int) -> dict[str, Any] | None:
        if m == 1 and partner_is_odder(i, typical):
            return None  # the other plot of the pair is the one to name
        label = _pattern(ratio)
        rule = ""
        if ratio >= EXTREME_RATIO or ratio <= 1.0 / EXTREME_RATIO:
            # a decimal slip (x10, /10, ...) even when the plot's true value was itself unusual
            rule = f"ratio beyond {EXTREME_RATIO:g}x"
            label = label or _nearest_shift(ratio)
        elif label and abs(z) > pattern_limit:
            low, high = TYPING_RATIOS[label][1:]
            rule = f"ratio in [{low:.3g}, {high:.3g}] and |z| > {pattern_limit:g}"
        elif abs(math.log(ratio)) > math.log(1.25) and abs(z) > swap_limit:
            typical_typed = typical * (typed[i] / compare[i])
            for text, swapped in _digit_swaps(typed[i]):
                if abs(math.log(swapped / typical_typed)) < math.log(SWAP_TOLERANCE):
                    label = f"swapped digits {typed[i]:.6g} -> {text}"
                    rule = (
                        f"a digit swap brings it within {100 * (SWAP_TOLERANCE - 1):.0f} % of "
                        f"typical and |z| > {swap_limit:g}"
                    )
                    break
        if not rule:
            return None
        typical_typed = typical * (typed[i] / compare[i])
        pair = " (only two plots of this treatment: either may be wrong)" if m == 1 else ""
        return {
            "_index": i,
            **base(i),
            "check": "typing_pattern",
            "variable": raw_column,
            "value": float(typed[i]),
            "typical": float(typical_typed),
            "ratio": float(ratio),
            "statistic": float(z),
            "p_value": np.nan,
            "p_value_adjusted": np.nan,
            "rule": rule,
            "pattern": label,
            "message": (
                f"{where(i)}: {raw_column} = {message_number(typed[i])} is {ratio:.2f} x the "
                f"median {message_number(typical_typed, 2)} of the treatment's other "
                f"plots{unit_note} "
                f"({_pattern_words(label)}; robust z = {z:.1f}){pair}."
            ),
        }

    def typing_limit(
        idx: np.ndarray, ratio: np.ndarray, typical: np.ndarray, m: np.ndarray
    ) -> np.ndarray:
        # |z| at or below which typing() returns None: a 4x ratio always fires, a
        # doubled/halved ratio above pattern_limit, a possible digit swap above swap_limit
        out = np.full(idx.size, np.inf)
        zone = np.abs(np.log(ratio)) > math.log(1.25) * (1.0 - 1e-12)  # math.log's 1 ulp
        out[zone] = swap_limit
        for low, high in (v[1:] for v in TYPING_RATIOS.values()):
            out[(ratio >= low) & (ratio <= high)] = min(pattern_limit, swap_limit)
        out[(ratio >= EXTREME_RATIO) | (ratio <= 1.0 / EXTREME_RATIO)] = -1.0
        return out

    def robust_limit_of(
        idx: np.ndarray, ratio: np.ndarray, typical: np.ndarray, m: np.ndarray
    ) -> np.ndarray:
        return np.full(idx.size, robust_limit)

    replicated = _replicated(groups, observed)
    if replicated:
        no_known = np.zeros(len(data), dtype=bool)
        typing_found = _within_treatment(
            compare, groups, known=no_known, decide=typing, limit=typing_limit
        )
        del typed, compare  # (typing() is not called again: 47 MB at 5.9 million plots)
        flagged = np.zeros(len(data), dtype=bool)
        for found in typing_found:
            flagged[found["_index"]] = True

        def robust(i: int, ratio: float, z: float, typical: float, m: int) -> dict[str, Any] | None:
            if abs(z) <= robust_limit:
                return None
            pair = " (only two plots of this treatment: either may be wrong)" if m == 1 else ""
            return {
                "_index": i,
                **base(i),
                "check": "robust_deviation",
                "variable": response,
                "value": float(y[i]),
                "typical": float(typical),
                "ratio": float(ratio),
                "statistic": float(z),
                "p_value": np.nan,
                "p_value_adjusted": np.nan,
                "rule": f"|robust z| > {robust_limit:g}",
                "pattern": "",
                "message": (
                    f"{where(i)}: {response} = {message_number(y[i], 1)} is {ratio:.2f} x the "
                    f"median {message_number(typical, 1)} of the treatment's other plots; "
                    f"robust z = {z:.1f} "
                    f"(limit {robust_limit:g}){pair}."
                ),
            }

        robust_found = _within_treatment(
            y, groups, known=flagged, decide=robust,  # not finite = not observed: left out
            limit=robust_limit_of,
        )  # fmt: skip
        rows.extend(robust_found)
        rows.extend(typing_found)
        del no_known, flagged
    else:
        notes.append(
            "robust_deviation, typing_pattern: not assessable with this many plots (each "
            "treatment needs at least two observed plots)."
        )

    # ---- moisture and area against all plots
    if moisture in data.columns:
        m = _observed_values(data[moisture], observed)
        if np.isfinite(m).sum() >= 3:
            raised = {"limit": level_limit} if level_limit != MOISTURE_Z_LIMIT else {}
            for j, typical, zm in _moisture_outliers(m, groups, blocks, **raised):
                rule = (
                    f"more than {MOISTURE_POINTS:g} points and {level_limit:g} robust "
                    "spreads from the other plots of its treatment and of its block"
                )
                rows.append(
                    _level_row(base(j), where(j), "moisture", moisture, float(m[j]), typical,
                               zm, rule, unit="%", points=True)
                )  # fmt: skip
        del m
    if area in data.columns:
        a = _observed_values(data[area], observed)
        # every area positive (the usual case): the values themselves, which numpy.where
        # would copy (5.9 million plots: 45 MiB at the area check's peak; stop 43)
        if not bool((a > 0).all()):
            a = np.where(a > 0, a, np.nan)
        if np.isfinite(a).sum() >= 3:
            centre, dev, z = _spread_check(
                a, log=True, floor=math.log(AREA_RATIO), limit=MOISTURE_Z_LIMIT
            )
            hit = np.zeros(z.size, dtype=bool)
            for s in range(0, z.size, _CHUNK):  # elementwise: bounded temporaries
                part = slice(s, s + _CHUNK)
                hit[part] = np.isfinite(z[part]) & (np.abs(dev[part]) > math.log(AREA_RATIO))
                hit[part] &= np.abs(z[part]) > level_limit
            for k in np.flatnonzero(hit):
                j = int(k)
                rule = (
                    f"more than {AREA_RATIO:g}x from the median area and {level_limit:g} "
                    "robust spreads"
                )
                rows.append(
                    _level_row(base(j), where(j), "area", area, float(a[j]), centre,
                               float(z[j]), rule, unit="m2")
                )  # fmt: skip
            del dev, z, hit
        del a

    # ---- duplicated records
    rows.extend(_duplicates(data, ids_text, group_text, blocks, observed, base, plot_id=plot_id,
                            measured=(mass, moisture, area, raw_column),
                            design=design))  # fmt: skip

    for r in rows:
        r.pop("_index", None)
    out = pd.DataFrame(rows, columns=list(SUSPECT_COLUMNS))
    if not len(out):  # no finding: the columns keep the types of a table with findings
        out = out.astype({c: "float64" if c in _SUSPECT_NUMBERS else "str" for c in out})
    if len(out):
        order = {c: k for k, c in enumerate(CHECKS)}
        out = (
            out.assign(_o=out["check"].map(order), _p=out["plot_id"].map(str))
            .sort_values(["_o", "_p"], kind="stable")
            .drop(columns=["_o", "_p"])
            .reset_index(drop=True)
        )
    out.attrs["notes"] = notes
    out.attrs["provenance"] = provenance
    return out


def _pattern_words(label: str) -> str:
    words = {
        "x2": "a doubled value?",
        "/2": "a halved value?",
        "x10": "the decimal point one place to the right?",
        "/10": "the decimal point one place to the left?",
        "x100": "the decimal point two places to the right?",
        "/100": "the decimal point two places to the left?",
    }
    return words.get(label, label + "?")


def _level_row(
    base: dict[str, Any],
    where: str,
    check: str,
    column: str,
    value: float,
    centre: float,
    z: float,
    rule: str,
    *,
    unit: str,
    points: bool = False,
) -> dict[str, Any]:
    ratio = value / centre if centre else float("nan")
    if points:  # moisture: a shifted decimal point lands near the other plots' median
        label = next(
            (name for factor, name in ((10.0, "/10"), (0.1, "x10"))
             if abs(value * factor - centre) < MOISTURE_POINTS),
            "",
        )  # fmt: skip
    else:
        label = _pattern(ratio)
    if not label:
        for text, swapped in _digit_swaps(value):
            if points:
                near = abs(swapped - centre) < MOISTURE_POINTS
            else:
                near = abs(math.log(swapped / centre)) < math.log(SWAP_TOLERANCE)
            if near:
                label = f"swapped digits {value:.6g} -> {text}"
                break
    difference = f"{value - centre:+.3g} points" if points else f"{ratio:.2f} x"
    return {
        **base,
        "check": check,
        "variable": column,
        "value": float(value),
        "typical": float(centre),
        "ratio": float(ratio),
        "statistic": float(z),
        "p_value": np.nan,
        "p_value_adjusted": np.nan,
        "rule": rule,
        "pattern": label,
        "message": (
            f"{where}: {column} = {message_number(value)} {unit} where the other plots have "
            f"{message_number(centre, 2)} {unit} (median; {difference}; robust z = {z:.1f})"
            + (f"; {_pattern_words(label)}" if label else "")
            + "."
        ),
    }


def _groups(
    data: pd.DataFrame,
    *,
    design: str,
    treatment: str | None,
    factors: tuple[str | None, str | None],
) -> tuple[np.ndarray, _Labels]:
    """Integer group codes and labels of the plots compared with each other."""
    if design in ("split_plot", "strip_plot"):
        first, second = factors
        if first is None or second is None:
            from yieldtrial.stats._common import two_factor_columns

            names = ("whole_plot", "sub_plot") if design == "split_plot" else (
                "horizontal", "vertical")  # fmt: skip
            first, second = two_factor_columns(design, names, first, second, treatment=treatment)
        labels = data[first].astype(str) + ":" + data[second].astype(str)
        text = _Labels.of(labels)
    elif treatment is not None and treatment in data.columns:
        text = _Labels.of(data[treatment])  # one str per distinct label
    else:
        raise DataValidationError(
            f"design={design!r} needs treatment=<column of the treatment labels>."
        )
    return text.codes, text


class _Labels:
    """Per-plot labels as integer codes into the distinct labels (order of first appearance).

    Indexing gives a plot's label (``str``, or None for a table without blocks), so a
    finding names its plot as ``series.astype(str).to_numpy(dtype=object)[i]`` did; the
    checks group by :attr:`codes` and no label column is factorized twice (5.9 million
    plots: about 0.3 s per factorization of a text column, 1 s of an object array).
    ``labels == label`` (a boolean mask over the plots), ``len``, ``size`` and iteration
    behave as on that object array.
    """

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, codes: np.ndarray, labels: np.ndarray) -> None:
        # int32 when the labels fit (5.9 million plots: 24 MB a column instead of 47)
        codes = np.asarray(codes)
        small = codes.size < 2**31 and (not codes.size or int(codes.max()) < 2**31 - 1)
        self.codes = codes.astype(np.int32 if small else np.int64, copy=False)
        self.labels = labels
        self.size = int(self.codes.size)

    @classmethod
    def of(cls, series: pd.Series) -> _Labels:
        """Code ``series.astype(str)`` (hash factorization of the column itself when exact)."""
        from yieldtrial.stats._common import factorize_labels, factorizes_like_text, label_texts

        if len(series) and factorizes_like_text(series) and not series.isna().any():
            # each label its own text; an arrow text column's kept codes in int32 (fewer
            # than 2**31 plots: every code fits): the kept int32 block codes themselves
            # (read-only, shared with the display order and the design fit), the kept int8
            # treatment codes widened once (5.9 million plots: no intp copy of 47 MB each)
            dtype = np.int32 if len(series) < 2**31 else np.intp
            codes, uniques = factorize_labels(series, dtype=dtype, shared=True)
            labels = np.empty(len(uniques), dtype=object)
            labels[:] = label_texts(uniques)
            return cls(codes, labels)
        text = series.astype(str).to_numpy(dtype=object)
        text_codes, text_uniques = pd.factorize(text, use_na_sentinel=False)  # str labels
        labels = np.empty(len(text_uniques), dtype=object)
        labels[:] = list(text_uniques)
        return cls(text_codes, labels)

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i: Any) -> Any:
        return self.labels[self.codes[i]]

    def __iter__(self) -> Any:
        return iter(self.labels[self.codes])

    def __eq__(self, other: object) -> np.ndarray:  # type: ignore[override]
        same = [k for k, label in enumerate(self.labels) if label == other]
        return np.isin(self.codes, same)


def _codes_of(labels: _Labels | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and distinct labels of ``labels`` (a :class:`_Labels` or object array)."""
    if isinstance(labels, _Labels):
        return labels.codes, labels.labels
    codes, uniques = pd.factorize(labels, use_na_sentinel=False)  # str labels
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


class _TextAt:
    """``series.astype(str).to_numpy(dtype=object)[i]``, one element at a time.

    The screening names only the plots it flags: 5.9 million plot ids are not turned
    into Python strings (about 60 bytes each) to name a handful.
    """

    def __init__(self, series: pd.Series) -> None:
        self._series = series

    def __getitem__(self, i: int) -> Any:
        return self._series.iloc[[int(i)]].astype(str).to_numpy(dtype=object)[0]

    def positions_of(self, wanted: set[str]) -> np.ndarray:
        """Positions whose text is in ``wanted``."""
        series = self._series
        if pd.api.types.infer_dtype(series, skipna=False) != "string":
            series = series.astype(str)  # numbers, categories: compared as their text
        return np.flatnonzero(isin(series, wanted).to_numpy(dtype=bool))


def _replicated(groups: np.ndarray, observed: np.ndarray) -> bool:
    counts = np.bincount(groups[observed], minlength=int(groups.max()) + 1 if groups.size else 0)
    return bool(counts.size and (counts >= 2).sum() >= 2)


def _duplicates(
    data: pd.DataFrame,
    ids: _TextAt | np.ndarray,
    groups: _Labels | np.ndarray,
    blocks: _Labels | np.ndarray,
    observed: np.ndarray,
    base: Any,
    *,
    plot_id: str,
    measured: Sequence[str],
    design: str,
) -> list[dict[str, Any]]:
    """Find copied records, and a treatment twice in a block that lacks another."""
    rows: list[dict[str, Any]] = []

    def row(i: int, variable: str, rule: str, pattern: str, message: str) -> dict[str, Any]:
        return {
            **base(i),
            "check": "duplicate",
            "variable": variable,
            "value": np.nan,
            "typical": np.nan,
            "ratio": np.nan,
            "statistic": np.nan,
            "p_value": np.nan,
            "p_value_adjusted": np.nan,
            "rule": rule,
            "pattern": pattern,
            "message": message,
        }

    columns = [c for c in dict.fromkeys(measured) if c in data.columns and c != plot_id]
    if columns:
        arrays = [_float_values(data[c]) for c in columns]
        rows.extend(_copied_rows(arrays, columns, ids, groups, blocks, observed, row))
    if design == "rcbd" and len(blocks) and blocks[0] is not None:
        rows.extend(_label_twice(ids, groups, blocks, row))
    return rows


#: A table of counts per (treatment, block) cell is formed when it holds at most this many
#: numbers per plot (or :data:`_TABLE_MIN`); sparser layouts count by hashing and sorting.
_TABLE_PER_PLOT = 4
_TABLE_MIN = 1 << 20


def _repeated_cells(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Mask of the positions whose pair of codes ``(first, second)`` occurs more than once."""
    if first.size == 0:
        return np.zeros(0, dtype=bool)
    n_second = int(second.max()) + 1
    cells = int(first.max()) * n_second + n_second
    cell = first.astype(np.int64)  # in place from here: one int64 array of n, not three
    cell *= n_second
    cell += second
    if cells <= max(_TABLE_PER_PLOT * first.size, _TABLE_MIN):  # a count per cell
        counts = np.bincount(cell, minlength=cells)
        out = np.empty(cell.size, dtype=bool)
        for s in range(0, cell.size, _CHUNK):  # bounded temporaries
            out[s : s + _CHUNK] = counts[cell[s : s + _CHUNK]] > 1
        return out
    return pd.Series(cell).duplicated(keep=False).to_numpy()


def _copied_rows(
    arrays: Sequence[np.ndarray],
    columns: list[str],
    ids: _TextAt | np.ndarray,
    groups: _Labels | np.ndarray,
    blocks: _Labels | np.ndarray,
    observed: np.ndarray,
    row: Any,
) -> list[dict[str, Any]]:
    """Rows identical in treatment, block and every measurement (hashing, O(n)).

    A copy shares its plot's (treatment, block) cell, so only the rows of cells holding
    more than one complete record are compared: one count per cell, then a 64-bit hash of
    each of those records, then an exact comparison of the rows whose hash repeats.
    """
    complete = observed.copy()
    for values in arrays:
        complete &= np.isfinite(values)
    if complete.all():  # the usual case: every plot, without an index and two copies of n
        del complete
        group_codes = _codes_of(groups)[0]
        block_codes = _codes_of(blocks)[0]
        if group_codes.size < 2:
            return []
        shared = _repeated_cells(group_codes, block_codes)
        if not shared.any():  # no two complete records share a cell: nothing is copied
            return []
        candidates = np.arange(group_codes.size)
    else:
        candidates = np.flatnonzero(complete)
        del complete
        if candidates.size < 2:
            return []
        group_codes = _codes_of(groups)[0][candidates]
        block_codes = _codes_of(blocks)[0][candidates]
        shared = _repeated_cells(group_codes, block_codes)
    candidates, group_codes, block_codes = (
        candidates[shared],
        group_codes[shared],
        block_codes[shared],
    )
    if candidates.size < 2:
        return []
    values = np.column_stack([v[candidates] for v in arrays])  # the candidates' records
    # a 64-bit hash of each record first; only rows whose hash repeats are compared exactly
    digest = pd.util.hash_array(group_codes)
    for column in (block_codes, *(values + 0.0).T):
        digest = digest * np.uint64(1_000_003) ^ pd.util.hash_array(np.ascontiguousarray(column))
    maybe = np.flatnonzero(pd.Series(digest).duplicated(keep=False).to_numpy())
    if not maybe.size:
        return []
    numbers = values[maybe] + 0.0  # + 0.0: -0.0 and 0.0 are one value
    # labels are str (or None without blocks): equal codes are equal str(); the columns are
    # named at once (inserting "_b" before integer column names warned under pandas 2.0)
    key = pd.DataFrame(
        {
            "_g": group_codes[maybe],
            "_b": block_codes[maybe],
            **{f"_v{n}": numbers[:, n] for n in range(numbers.shape[1])},
        }
    )
    twice = key.duplicated(keep=False).to_numpy()
    if not twice.any():
        return []
    local = maybe[twice]  # positions among the candidates
    where = candidates[local]
    record = key.loc[twice].reset_index(drop=True)
    codes = record.groupby(list(record.columns), sort=False, dropna=False).ngroup().to_numpy()
    out: list[dict[str, Any]] = []
    for code in range(int(codes.max()) + 1):  # keys in order of first appearance
        same = codes == code
        members = [int(k) for k in where[same]]
        first = int(local[same][0])
        shown = ", ".join(
            f"{c} = {message_number(values[first, n])}" for n, c in enumerate(columns)
        )
        for i in members:
            others = ", ".join(str(ids[n]) for n in members if n != i)
            out.append(
                row(
                    i,
                    ", ".join(columns),
                    "identical record (treatment, block and every measurement)",
                    "copied row",
                    f"plot {ids[i]} repeats the record of plot(s) {others} (treatment "
                    f"{groups[i]}"
                    + (f", block {blocks[i]}" if blocks[i] is not None else "")
                    + f", {shown}): a copied row?",
                )
            )
    return out


def _label_twice(
    ids: _TextAt | np.ndarray,
    groups: _Labels | np.ndarray,
    blocks: _Labels | np.ndarray,
    row: Any,
) -> list[dict[str, Any]]:
    """Find a treatment recorded more often in a block than the median, where another is short.

    Only a treatment recorded at least twice in the block counts (a block that holds half
    the labels once each, as in an augmented or incomplete block design, has median 0.5).

    Counts per (block, treatment) from the label codes.  When the blocks x treatments table
    of counts is at most 4 numbers a plot, the blocks whose counts are all equal (no
    treatment above the median and none below) are set aside on it and the median is
    that of each remaining block's row; otherwise the median over all treatments (zeros
    included) per block comes from the sorted non-zero counts, without the table.
    """
    bcode, buniq = _codes_of(blocks)
    lcode, luniq = _codes_of(groups)
    nlab = len(luniq)
    cell = bcode.astype(np.int64) * nlab + lcode
    if len(buniq) * nlab <= max(_TABLE_PER_PLOT * cell.size, _TABLE_MIN):
        table = np.bincount(cell, minlength=len(buniq) * nlab).reshape(len(buniq), nlab)
        uneven = np.flatnonzero(table.max(axis=1) > table.min(axis=1))
        typical = np.median(table[uneven], axis=1) if uneven.size else np.zeros(0)
        rows = table[uneven]
        del table
        suspect = uneven[(rows.max(axis=1) > typical) & (rows.min(axis=1) < typical)]
        return _label_twice_rows(ids, groups, bcode, buniq, luniq, suspect, row)
    cells, counts = np.unique(cell, return_counts=True)
    cb = cells // nlab
    # per block: sorted non-zero counts, padded below with zeros to nlab labels
    order = np.lexsort((counts, cb))
    cb, counts = cb[order], counts[order]
    nnz = np.bincount(cb, minlength=len(buniq))
    first = np.zeros(len(buniq), dtype=np.int64)
    np.cumsum(nnz[:-1], out=first[1:])

    def at(q: np.ndarray) -> np.ndarray:  # q-th smallest count of each block (0-based)
        zeros = nlab - nnz
        k = np.clip(q - zeros, 0, None)
        return np.where(q < zeros, 0, counts[np.minimum(first + k, counts.size - 1)])

    q1 = np.full(len(buniq), (nlab - 1) // 2 if nlab % 2 else nlab // 2 - 1)
    q2 = np.full(len(buniq), nlab // 2)
    typical = (at(q1) + at(q2)) / 2.0
    lowest = np.where(nnz < nlab, 0, counts[first])
    highest = counts[first + nnz - 1]
    suspect = np.flatnonzero((highest > typical) & (lowest < typical))
    return _label_twice_rows(ids, groups, bcode, buniq, luniq, suspect, row)


def _label_twice_rows(
    ids: _TextAt | np.ndarray,
    groups: _Labels | np.ndarray,
    bcode: np.ndarray,
    buniq: np.ndarray,
    luniq: np.ndarray,
    suspect: np.ndarray,
    row: Any,
) -> list[dict[str, Any]]:
    """List the findings of :func:`_label_twice` in the ``suspect`` blocks (block codes)."""
    out: list[dict[str, Any]] = []
    if not suspect.size:
        return out
    labels = sorted(str(v) for v in luniq)
    rows_of: dict[str, list[int]] = {}
    for pos in np.flatnonzero(np.isin(bcode, suspect)).tolist():
        rows_of.setdefault(str(buniq[bcode[pos]]), []).append(pos)
    for b in sorted(rows_of):
        in_block = rows_of[b]
        count = {g: 0 for g in labels}
        members: dict[str, list[int]] = {}
        for k in in_block:
            members.setdefault(str(groups[k]), []).append(k)
            count[str(groups[k])] += 1
        median = float(np.median(list(count.values())))
        # a label recorded once is no duplicate: a block holding half the labels (an
        # augmented or incomplete block) has median 0.5 and every plot "above" it
        extra = [g for g, c in count.items() if c > median and c >= 2]
        short = [g for g, c in count.items() if c < median]
        for g in extra:
            for member in members[g]:
                out.append(
                    row(
                        member,
                        "treatment",
                        "treatment recorded more often in a block than the others",
                        "treatment label",
                        f"plot {ids[member]}: treatment {g} appears {count[g]} times in block "
                        f"{b}, which has no plot of {', '.join(short)}: a mistyped treatment "
                        "label?",
                    )
                )
    return out
