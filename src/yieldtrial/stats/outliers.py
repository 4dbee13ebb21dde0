r"""Bonferroni outlier test on the design model's externally studentized residuals.

:func:`outlier_test` fits the trial's design model (CRD, RCBD, Latin square,
the full cell model of a factorial, or the full stratum model of a split-plot
or strip-plot trial) and tests every plot's externally studentized residual
against Student's t on ``df_error - 1`` degrees of freedom, with a Bonferroni
adjustment over the plots, as ``car::outlierTest`` does in R [1]_.

Unlike the internally studentized residual (bounded by :math:`\sqrt{\nu}`, so
with fewer than 10 error df no plot can pass ``|r| > 3``), the externally
studentized residual is unbounded: a doubled plot weight in a 4 x 3 RCBD
(6 error df) gives :math:`|t_i|` near 50.  The test is valid from
``df_error >= 2`` (the t reference then has at least 1 df).

Split-plot and strip-plot trials are tested on the residuals of their innermost
stratum (sub-plots, or strip intersections): the full stratum model
``block + A + block:A + B + A:B`` (strip plot ``+ block:B``) fitted by least
squares, whose residual mean square is error b (error c) with its df; see
:func:`yieldtrial.stats.residual_checks.diagnostics`.  A plot that corrupts a whole
plot (or strip) is seen there too, since the sub-plot residuals of that whole
plot carry it; the outer strata have no plot-level residuals of their own.

References
----------
.. [1] Fox, J. and Weisberg, S. (2019). An R Companion to Applied Regression,
   3rd ed. Sage. Sec. 8.3 (``outlierTest``: Bonferroni p-values for the
   largest studentized residuals).
.. [2] Cook, R.D. and Weisberg, S. (1982). Residuals and Influence in
   Regression. Chapman and Hall, sec. 2.2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.stats._common import check_alpha

__all__ = ["OUTLIER_ALPHA", "OUTLIER_TEST_COLUMNS", "outlier_test"]

#: Default family-wise level of the Bonferroni outlier test.  Chosen below car's 0.05 so
#: that, together with the model-free checks, fewer than 5 % of clean trials get any flag
#: (``benchmarks/bench_suspect_plots.py`` measures it).
OUTLIER_ALPHA = 0.01

#: Columns of :func:`outlier_test`, in order.
OUTLIER_TEST_COLUMNS: tuple[str, ...] = (
    "plot_id",
    "treatment",
    "block",
    "value",
    "fitted_without",
    "residual",
    "leverage",
    "statistic",
    "df",
    "p_value",
    "p_value_adjusted",
    "n_tests",
    "flagged",
)

#: Designs with several error strata (tested on the innermost stratum).
_STRATA_DESIGNS: tuple[str, ...] = ("split_plot", "strip_plot")


#: The label columns of the residual table (taken only for the rows an outlier test returns).
_LABELS: tuple[str, ...] = ("plot_id", "treatment", "block")


def _residual_table(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str | None,
    block: str | None,
    design: str,
    row: str | None,
    column: str | None,
    factors: dict[str, str | None],
    plot_id: str,
) -> tuple[
    dict[str, np.ndarray],
    Callable[[], np.ndarray],
    Callable[[np.ndarray], dict[str, np.ndarray]],
    int,
    str,
    str,
]:
    """Residuals of the design model, its error df, formula and error term.

    Returns the numeric columns of every plot (``residual``, ``leverage``,
    ``externally_studentized_residual``), a function giving the fitted values of every
    plot (read once the test's rows are known: a large closed-form fit computes them when
    asked, and their 45 MiB at 5.9 million plots then do not come on top of the test's
    arrays; stop 53), and a function giving the label columns (:data:`_LABELS`) of the
    plots at the positions it is passed, so that the labels are turned into text only
    for the rows the test returns.
    """
    from yieldtrial.stats._stratum_fit import externally_studentized, stratum_table
    from yieldtrial.stats.model import fit
    from yieldtrial.stats.residual_checks import label_columns, strata_factors

    if design in _STRATA_DESIGNS:
        if block is None:
            raise DataValidationError(
                f"design={design!r} needs block=<column of the block/replicate labels>."
            )
        first, second = strata_factors(
            design, treatment=treatment, given=factors, row=row, column=column
        )
        stratum = stratum_table(
            data, response=response, block=block, first=first, second=second, design=design,
            plot_id=plot_id,
        )  # fmt: skip
        table = stratum.table
        numbers = {
            name: table[name].to_numpy(dtype=float)
            for name in ("residual", "leverage", "externally_studentized_residual")
        }

        def stratum_fitted() -> np.ndarray:
            return table["fitted"].to_numpy(dtype=float)

        def stratum_labels(rows: np.ndarray) -> dict[str, np.ndarray]:
            return {name: table[name].to_numpy(dtype=object)[rows] for name in _LABELS}

        return (
            numbers, stratum_fitted, stratum_labels, stratum.df, stratum.formula,
            stratum.error_term,
        )  # fmt: skip
    if treatment is None:
        raise DataValidationError(
            f"design={design!r} needs treatment=<column of the treatment labels>."
        )
    model = fit(
        data, response=response, treatment=treatment, block=block, design=design,
        row=row, column=column,
    )  # fmt: skip
    e = model.residuals.to_numpy(dtype=float)
    h = model.leverage.to_numpy(dtype=float)
    external = externally_studentized(e, h, model.df_error, model.mse)
    numbers = {
        "residual": e,
        "leverage": h,
        "externally_studentized_residual": external,
    }

    def fitted() -> np.ndarray:
        return model.fitted.to_numpy(dtype=float)

    def labels(rows: np.ndarray) -> dict[str, np.ndarray]:
        return label_columns(model, treatment=treatment, plot_id=plot_id, rows=rows)

    return numbers, fitted, labels, model.df_error, model.formula, "residual"


def _not_assessable(df_error: int) -> str:
    return (
        f"not assessable with this many plots: the outlier test needs at least 2 error "
        f"degrees of freedom (the design model has {df_error})."
    )


def _columns_of(
    order: np.ndarray,
    labels: Any,
    *,
    value: np.ndarray,
    fitted_without: np.ndarray,
    e: np.ndarray,
    h: np.ndarray,
    t_ext: np.ndarray,
    p: np.ndarray,
    p_adj: np.ndarray,
    flagged: np.ndarray,
    df_error: int,
    n_tests: int,
) -> dict[str, Any]:
    """Assemble the returned table's columns (each per-plot array holds the ``order`` rows)."""
    return {
        **labels(order),  # the labels of the returned rows only, already in their order
        "value": value,
        "fitted_without": fitted_without,
        "residual": e,
        "leverage": h,
        "statistic": t_ext,
        "df": np.full(order.shape, float(df_error - 1) if df_error >= 2 else np.nan),
        "p_value": p,
        "p_value_adjusted": p_adj,
        "n_tests": np.full(order.shape, n_tests, dtype=int),
        "flagged": flagged,
    }


def _all_columns(
    fitted_of: Callable[[], np.ndarray],
    e: np.ndarray,
    h: np.ndarray,
    t_ext: np.ndarray,
    labels: Any,
    *,
    df_error: int,
    alpha: float,
) -> tuple[dict[str, Any], int, str]:
    """Columns of every observed plot, sorted by decreasing ``|statistic|``."""
    from yieldtrial.stats._univariate import t_sf  # scipy.stats.t.sf, bit for bit

    value = fitted_of() + e
    ok = (1.0 - h) > 1e-10
    fitted_without = np.full(e.shape, np.nan)
    fitted_without[ok] = value[ok] - e[ok] / (1.0 - h[ok])
    nan = np.full(e.shape, np.nan)
    p = p_adj = nan
    testable = ok & ~np.isnan(t_ext)  # +-inf: a plot holding all of the residual variation
    n_tests = int(testable.sum()) if df_error >= 2 else 0
    note = ""
    if df_error >= 2 and n_tests:
        rows = np.flatnonzero(testable)
        p = np.full(e.shape, np.nan)
        p[rows] = np.minimum(1.0, 2.0 * t_sf(np.abs(t_ext[rows]), df_error - 1))
        p_adj = np.minimum(1.0, n_tests * p)
    else:
        t_ext = nan
        note = _not_assessable(df_error)
    # rows by decreasing |t|, the table built once in that order
    flagged = np.asarray(np.nan_to_num(p_adj, nan=1.0) < alpha, dtype=bool)
    order = np.argsort(-np.nan_to_num(np.abs(t_ext), nan=-1.0), kind="stable")
    columns = _columns_of(
        order, labels, value=value[order], fitted_without=fitted_without[order], e=e[order],
        h=h[order], t_ext=t_ext[order], p=p[order], p_adj=p_adj[order], flagged=flagged[order],
        df_error=df_error, n_tests=n_tests,
    )  # fmt: skip
    return columns, n_tests, note


def _flagged_columns(
    fitted_of: Callable[[], np.ndarray],
    e: np.ndarray,
    h: np.ndarray,
    t_ext: np.ndarray,
    labels: Any,
    *,
    df_error: int,
    alpha: float,
) -> tuple[dict[str, Any], int, str]:
    """Columns of the flagged plots only: the rows and values of :func:`_all_columns`'s.

    A plot is flagged when n 2 P(T > |t|) < alpha, i.e. beyond the t quantile at
    alpha / (2 n); only plots within 0.1 % of it get a p-value (5.9 million plots: a few
    tail probabilities instead of every one), and every other quantity is computed for
    the returned rows only (no array of every plot but the testable mask).
    """
    from yieldtrial.stats._univariate import t_ppf, t_sf

    with np.errstate(invalid="ignore"):
        testable = (1.0 - h) > 1e-10
        testable &= ~np.isnan(t_ext)  # +-inf: a plot holding all of the residual variation
    n_tests = int(testable.sum()) if df_error >= 2 else 0
    if not (df_error >= 2 and n_tests):
        order = np.zeros(0, dtype=np.int64)
        none = np.zeros(0)
        columns = _columns_of(
            order, labels, value=none, fitted_without=none, e=none, h=none, t_ext=none,
            p=none, p_adj=none, flagged=np.zeros(0, dtype=bool), df_error=df_error,
            n_tests=n_tests,
        )  # fmt: skip
        return columns, n_tests, _not_assessable(df_error)
    bound = 0.999 * abs(float(t_ppf(alpha / (2.0 * n_tests), df_error - 1)))
    with np.errstate(invalid="ignore"):
        near = np.abs(t_ext) >= bound
    near &= testable
    del testable
    rows = np.flatnonzero(near)
    del near
    p = np.minimum(1.0, 2.0 * t_sf(np.abs(t_ext[rows]), df_error - 1))
    p_adj = np.minimum(1.0, n_tests * p)
    flagged = np.asarray(np.nan_to_num(p_adj, nan=1.0) < alpha, dtype=bool)
    chosen = rows[flagged]
    rank = np.argsort(-np.abs(t_ext[chosen]), kind="stable")  # a stable sort, as for all
    order = chosen[rank]
    value = fitted_of()[order] + e[order]  # every plot's fitted values only now
    columns = _columns_of(
        order, labels, value=value, fitted_without=value - e[order] / (1.0 - h[order]),
        e=e[order], h=h[order], t_ext=t_ext[order], p=p[flagged][rank],
        p_adj=p_adj[flagged][rank], flagged=flagged[flagged][rank], df_error=df_error,
        n_tests=n_tests,
    )  # fmt: skip
    return columns, n_tests, ""


def outlier_test(
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
    alpha: float = OUTLIER_ALPHA,
    flagged_only: bool = False,
) -> pd.DataFrame:
    r"""Bonferroni test of every plot's externally studentized residual (``car::outlierTest``).

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot; blank responses are missing plots (not tested).
    response : str
        Response column, e.g. ``"yield_kg_ha"``.
    treatment, block, design, row, column : str, optional
        The design model, as for :func:`yieldtrial.stats.residual_checks.diagnostics`
        (``design`` one of ``crd``, ``rcbd``, ``latin``, ``split_plot``, ``strip_plot``).
    whole_plot, sub_plot, horizontal, vertical : str, optional
        Factor columns of a split-plot / strip-plot trial.
    plot_id : str
        Column naming the plots (the row index when absent).
    alpha : float, default 0.01
        Family-wise level over the plots; ``flagged`` is ``p_value_adjusted < alpha``.
    flagged_only : bool, default False
        Return the flagged rows only (same order and columns): what a screening of
        millions of plots needs, without building the table of every plot.

    Returns
    -------
    DataFrame
        One row per observed plot, sorted by decreasing ``|statistic|``, columns
        :data:`OUTLIER_TEST_COLUMNS`: ``plot_id, treatment, block`` (split/strip plot:
        ``treatment`` is the ``A:B`` combination), ``value`` (the response)
        [response unit], ``fitted_without`` (the model's prediction for the plot
        from the other plots, :math:`y_i - e_i/(1 - h_{ii})`) [response unit],
        ``residual`` [response unit], ``leverage``, ``statistic`` (the externally
        studentized residual :math:`t_i`), ``df`` (:math:`\nu - 1`), ``p_value``
        (two-sided, :math:`2 P(T_{\nu-1} > |t_i|)`), ``p_value_adjusted``
        (Bonferroni, :math:`\min(1, n\,p_i)` with ``n_tests`` = the number of plots
        whose residual can be studentized), ``flagged``.  Without at least 2 error df
        every test column is NaN and nothing is flagged (``attrs["note"]`` says why).
        ``attrs["provenance"]`` records design, model, error term, df, test, alpha and
        adjustment.

    Raises
    ------
    DataValidationError
        As :func:`yieldtrial.stats.model.fit` (split/strip plot: as the stratum ANOVA,
        e.g. a missing plot), or ``alpha`` outside (0, 1).

    Notes
    -----
    With residual :math:`e_i`, leverage :math:`h_{ii}`, error mean square MSE on
    :math:`\nu` df, :math:`r_i = e_i/\sqrt{MSE(1 - h_{ii})}` and
    :math:`t_i = r_i\sqrt{(\nu - 1)/(\nu - r_i^2)}`, which is the residual of
    plot *i* scaled by the error estimated *without* plot *i* and follows
    :math:`t_{\nu-1}` under the model [2]_.  Plots with :math:`h_{ii} = 1` (the only
    observed plot of a treatment) cannot be tested and are left out of ``n_tests``.

    Examples
    --------
    >>> df = pd.DataFrame({"treatment": list("ABCD") * 3,
    ...                    "block": np.repeat(["1", "2", "3"], 4),
    ...                    "y": [6.1, 6.5, 5.9, 4.0, 6.3, 6.4, 6.0, 3.8, 6.0, 6.6, 5.8, 8.0]})
    >>> out = outlier_test(df, response="y", treatment="treatment", block="block")
    >>> top = out.iloc[0]
    >>> str(top["treatment"]), str(top["block"]), bool(top["flagged"])
    ('D', '3', True)
    """
    alpha = check_alpha(alpha)
    factors = {
        "whole_plot": whole_plot,
        "sub_plot": sub_plot,
        "horizontal": horizontal,
        "vertical": vertical,
    }
    if design not in _STRATA_DESIGNS:
        stray = [f"{k}=" for k, v in factors.items() if v is not None]
        if stray:
            raise DataValidationError(
                f"design={design!r} does not use {', '.join(stray)}; they belong to "
                "design='split_plot' or 'strip_plot'."
            )
    numbers, fitted, labels, df_error, formula, error_term = _residual_table(
        data,
        response=response,
        treatment=treatment,
        block=block,
        design=design,
        row=row,
        column=column,
        factors=factors,
        plot_id=plot_id,
    )
    e = numbers["residual"]
    h = numbers["leverage"]
    t_ext = numbers["externally_studentized_residual"]
    if flagged_only:
        columns, n_tests, note = _flagged_columns(
            fitted, e, h, t_ext, labels, df_error=df_error, alpha=alpha
        )
    else:
        columns, n_tests, note = _all_columns(
            fitted, e, h, t_ext, labels, df_error=df_error, alpha=alpha
        )
    out = pd.DataFrame(columns, columns=list(OUTLIER_TEST_COLUMNS))
    from yieldtrial.stats.results import Provenance

    out.attrs["provenance"] = Provenance(
        design=design,
        model=formula,
        error_term=error_term,
        df_error=float(df_error),
        test="externally studentized residual, t on df_error - 1 (two-sided)",
        alpha=alpha,
        adjustment=f"Bonferroni over {n_tests} plots",
    ).to_dict()
    out.attrs["note"] = note
    return out
