"""Split-plot and strip-plot trials: ANOVA by stratum, SEDs and means per comparison kind.

A split-plot trial has two sizes of plot.  Whole plots (irrigation, tillage,
variety) are randomized within blocks; sub-plots (fertilizer rate, nitrogen)
are randomized within whole plots.  Each treatment term is tested against the
error of the stratum where it is randomized (Genstat-style strata):

====================  ==========================  ==================================
stratum               source                      tested against
====================  ==========================  ==================================
``block``             block                       (not tested)
``whole_plot``        whole-plot factor A         error a = block x A
``sub_plot``          sub-plot factor B, A x B    error b = residual
====================  ==========================  ==================================

and every standard error of a difference (SED) uses the right error (Gomez &
Gomez 1984, ch. 5; Cochran & Cox 1957, ch. 7):

* two A means: ``sqrt(2 Ea / (r b))``, error a df;
* two B means: ``sqrt(2 Eb / (r a))``, error b df;
* two B means at the same A level: ``sqrt(2 Eb / r)``, error b df;
* two A means at the same (or different) B level:
  ``sqrt(2 ((b - 1) Eb + Ea) / (r b))``, Satterthwaite df.

A strip-plot (strip-block) trial has a horizontal factor A in strips across
each block and a vertical factor B in strips the other way; it has three
errors: a (block x A), b (block x B) and c (block x A x B) and the SEDs follow
the same algebra.

Each comparison kind reduces to one :class:`~yieldtrial.stats.results.MeansModel`
(estimates, covariance, df, error term), so Dunnett, Tukey, Duncan and letters
work unchanged on split-plot means.

The classical stratum ANOVA needs a complete, balanced trial (every block x A x
B cell observed exactly once).  Missing plots are reported with their cells;
a REML (mixed-model) analysis is the route for unbalanced split plots.

References
----------
.. [1] Yates, F. (1937). The design and analysis of factorial experiments.
   Imperial Bureau of Soil Science, Technical Communication 35.
.. [2] Gomez, K. A. and Gomez, A. A. (1984). Statistical Procedures for
   Agricultural Research, 2nd ed. Wiley. Sec. 3.4 (split-plot), 3.5
   (strip-plot), ch. 5 (standard errors of mean differences).
.. [3] Cochran, W. G. and Cox, G. M. (1957). Experimental Designs, 2nd ed.
   Wiley. Ch. 7 (split-plot designs).
.. [4] Venables, W. N. and Ripley, B. D. (2002). Modern Applied Statistics
   with S, 4th ed. Springer. Sec. 6.7 (the oats split-plot).
.. [5] Satterthwaite, F. E. (1946). An approximate distribution of estimates
   of variance components. Biometrics Bulletin 2(6), 110-114.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, UnknownNameError
from yieldtrial.stats._common import check_alpha, exact_fit_limit
from yieldtrial.stats._strata import (
    balanced_cube,
    margins,
    sed_table,
    strata_table,
    two_way_table,
)
from yieldtrial.stats.results import MeansModel, Provenance

__all__ = [
    "SPLIT_PLOT_COMPARISONS",
    "STRIP_PLOT_COMPARISONS",
    "StrataAnova",
    "satterthwaite_df",
    "split_plot_anova",
    "strip_plot_anova",
]

#: Comparison kinds of a split-plot; each has an SED row and a MeansModel.
SPLIT_PLOT_COMPARISONS: tuple[str, ...] = (
    "whole_plot",
    "sub_plot",
    "sub_plot_within_whole",
    "whole_plot_within_sub",
)

#: A main-effect kind given ``at=<level of the other factor>`` means the simple
#: comparison at that level: the matching ``*_within_*`` kind.
_AT_KINDS: dict[str, str] = {
    "whole_plot": "whole_plot_within_sub",
    "sub_plot": "sub_plot_within_whole",
    "horizontal": "horizontal_within_vertical",
    "vertical": "vertical_within_horizontal",
}

#: Comparison kinds of a strip-plot.
STRIP_PLOT_COMPARISONS: tuple[str, ...] = (
    "horizontal",
    "vertical",
    "vertical_within_horizontal",
    "horizontal_within_vertical",
)


def satterthwaite_df(weights: np.ndarray, mean_squares: np.ndarray, dfs: np.ndarray) -> float:
    """Satterthwaite degrees of freedom of a linear combination of mean squares.

    Parameters
    ----------
    weights : ndarray
        Non-negative weights ``c_i`` of the combination ``sum c_i MS_i``.
    mean_squares : ndarray
        Mean squares ``MS_i``. [response unit squared]
    dfs : ndarray
        Their degrees of freedom.

    Returns
    -------
    float
        ``(sum c_i MS_i)^2 / sum((c_i MS_i)^2 / df_i)``.

    References
    ----------
    Satterthwaite (1946).

    Examples
    --------
    Oats split-plot, whole-plot means at one nitrogen level: ``3 Eb + Ea`` with
    Eb = 177.08 (45 df), Ea = 601.33 (10 df):

    >>> round(satterthwaite_df(np.array([3.0, 1.0]), np.array([177.0833, 601.3306]),
    ...                        np.array([45.0, 10.0])), 1)
    30.2
    """
    c = np.asarray(weights, dtype=float) * np.asarray(mean_squares, dtype=float)
    d = np.asarray(dfs, dtype=float)
    denom = float(np.sum(c**2 / d))
    if denom <= 0:
        return float("nan")
    return float(np.sum(c) ** 2 / denom)


@dataclass(frozen=True, eq=False)
class StrataAnova:
    """Stratum ANOVA of a split-plot or strip-plot trial.

    Attributes
    ----------
    design : str
        ``"split_plot"`` or ``"strip_plot"``.
    response, block, factor_a, factor_b : str
        Column names.  ``factor_a`` is the whole-plot (split) or horizontal
        (strip) factor, ``factor_b`` the sub-plot or vertical factor.
    levels : dict of str to tuple of str
        Level labels of block, factor_a and factor_b.
    table : pandas.DataFrame
        ``stratum``, ``source``, ``df``, ``sum_sq``, ``mean_sq``, ``f``,
        ``p_value``, ``error_term`` (the error the F test used: ``error_a``,
        ``error_b``, ``error_c``; empty for error and block rows), one row per
        source plus ``total``.
    sed : pandas.DataFrame
        ``comparison`` (a kind of :data:`SPLIT_PLOT_COMPARISONS` or
        :data:`STRIP_PLOT_COMPARISONS`), ``description``, ``sed``
        [response unit], ``df`` (Satterthwaite where errors combine),
        ``lsd`` (``t_{alpha/2, df} * sed``) [response unit], ``error_term``.
    means : pandas.DataFrame
        Cell means: ``factor_a`` level, ``factor_b`` level, ``mean``, ``n``.
    cv_pct : dict of str to float
        Coefficient of variation of each error, ``100 sqrt(MS) / grand mean``. [%]
    grand_mean : float
        [response unit]
    alpha : float
        Level of the ``lsd`` column.
    provenance : Provenance
        Design, model, error terms, df of the innermost error, test ``F``.
    """

    design: str
    response: str
    block: str
    factor_a: str
    factor_b: str
    levels: dict[str, tuple[str, ...]]
    table: pd.DataFrame
    sed: pd.DataFrame
    means: pd.DataFrame
    cv_pct: dict[str, float]
    grand_mean: float
    alpha: float
    provenance: Provenance
    _cell: np.ndarray = field(repr=False)
    _errors: dict[str, tuple[float, float]] = field(repr=False)
    _cell_centred: np.ndarray | None = field(default=None, repr=False)

    @property
    def comparisons(self) -> tuple[str, ...]:
        """Comparison kinds accepted by :meth:`means_model`."""
        return SPLIT_PLOT_COMPARISONS if self.design == "split_plot" else STRIP_PLOT_COMPARISONS

    def error(self, name: str) -> tuple[float, float]:
        """Mean square and df of an error term (``"error_a"``, ``"error_b"``, ``"error_c"``)."""
        try:
            return self._errors[name]
        except KeyError:
            raise UnknownNameError(
                f"{name!r} is not an error term of this {self.design}; "
                f"available: {', '.join(self._errors)}"
            ) from None

    def to_frame(self) -> pd.DataFrame:
        """Return the stratum ANOVA table, provenance in ``attrs["provenance"]``."""
        frame = self.table.copy()
        frame.attrs["provenance"] = self.provenance.to_dict()
        return frame

    def means_table(self) -> pd.DataFrame:
        """Two-way table of means: rows ``factor_a`` levels, columns ``factor_b`` levels.

        A ``mean`` column and a ``mean`` row hold the marginal means.
        """
        a_levels, b_levels = self.levels[self.factor_a], self.levels[self.factor_b]
        return two_way_table(
            self._cell,
            (self.factor_a, a_levels, self._cell.mean(axis=1)),
            (self.factor_b, b_levels, self._cell.mean(axis=0)),
            self.provenance,
        )

    def means_model(self, kind: str, *, at: str | None = None) -> MeansModel:
        """Means of one comparison kind with the covariance and df of the right error.

        Parameters
        ----------
        kind : str
            One of :attr:`comparisons`: ``whole_plot`` (A means, error a),
            ``sub_plot`` (B means, error b), ``sub_plot_within_whole`` (B means
            at A = ``at``, error b), ``whole_plot_within_sub`` (A means at
            B = ``at``, Satterthwaite combination of errors a and b); for a
            strip-plot ``horizontal``, ``vertical``, ``vertical_within_horizontal``,
            ``horizontal_within_vertical``.  ``"cells"``: every A x B combination
            (levels ``"a:b"``) with the exact covariance of the cell means, so
            every pair has its right SED; its single df is the smallest df of the
            kinds involved (conservative), since pairs at the same and at
            different levels rest on different errors.
        at : str, optional
            Level of the other factor, required by the ``*_within_*`` kinds.  With a
            main-effect kind it selects the simple comparison at that level:
            ``sub_plot`` with ``at=<whole-plot level>`` is ``sub_plot_within_whole``,
            ``whole_plot`` with ``at=<sub-plot level>`` is ``whole_plot_within_sub``
            (strip-plot likewise).

        Returns
        -------
        MeansModel
            Its covariance reproduces the SED of :attr:`sed` for every pair.

        Raises
        ------
        DataValidationError
            Unknown kind, or ``at`` missing / not a level.
        """
        if kind == "cells":
            if at is not None:
                raise DataValidationError(
                    f"at={at!r} does not apply to kind 'cells' (every combination of "
                    f"{self.factor_a} and {self.factor_b}); use kind="
                    f"{self.comparisons[2]!r} or {self.comparisons[3]!r} with at="
                )
            return self._cells_means_model()
        if at is not None and kind in _AT_KINDS and kind in self.comparisons:
            kind = _AT_KINDS[kind]
        if kind not in self.comparisons:
            raise DataValidationError(
                f"unknown comparison kind {kind!r} for a {self.design}; expected one of "
                f"{', '.join(self.comparisons)} or 'cells'"
            )
        r = len(self.levels[self.block])
        a_levels, b_levels = self.levels[self.factor_a], self.levels[self.factor_b]
        a, b = len(a_levels), len(b_levels)
        cell = self._cell
        position = self.comparisons.index(kind)
        df = float(self.sed["df"].iloc[position])
        error_term = str(self.sed["error_term"].iloc[position])
        ea = self._errors["error_a"][0]
        eb = self._errors["error_b"][0]
        ec = self._errors["error_c"][0] if "error_c" in self._errors else eb
        strip = self.design == "strip_plot"

        def need_at(levels: tuple[str, ...], other: str) -> int:
            if at is None:
                raise DataValidationError(
                    f"kind {kind!r} compares means at one level of {other!r}; pass at=<level> "
                    f"(one of {', '.join(levels)})"
                )
            if str(at) not in levels:
                raise DataValidationError(
                    f"at={at!r} is not a level of {other!r}; levels: {', '.join(levels)}"
                )
            return levels.index(str(at))

        def select(values: np.ndarray) -> np.ndarray:
            """Take the estimates of this kind from a table of cell means."""
            if kind in ("whole_plot", "horizontal"):
                return np.asarray(values.mean(axis=1), dtype=float)
            if kind in ("sub_plot", "vertical"):
                return np.asarray(values.mean(axis=0), dtype=float)
            if kind in ("sub_plot_within_whole", "vertical_within_horizontal"):
                return np.asarray(values[need_at(a_levels, self.factor_a), :], dtype=float)
            return np.asarray(values[:, need_at(b_levels, self.factor_b)], dtype=float)

        est = select(cell)
        if kind in ("whole_plot", "horizontal"):
            factor, levels = self.factor_a, a_levels
            # shared (block x B) noise of A means in a strip plot
            shared = (eb - ec) / (r * a * b) if strip else 0.0
            cov = ea / (r * b) * np.eye(a) + shared * np.ones((a, a))
            n = np.full(a, r * b)
            mse, label = ea, ""
        elif kind in ("sub_plot", "vertical"):
            factor, levels = self.factor_b, b_levels
            shared = (ea - ec) / (r * a * b) if strip else (ea - eb) / (r * a * b)
            cov = eb / (r * a) * np.eye(b) + shared * np.ones((b, b))
            n = np.full(b, r * a)
            mse, label = eb, ""
        elif kind in ("sub_plot_within_whole", "vertical_within_horizontal"):
            j = need_at(a_levels, self.factor_a)
            factor, levels = self.factor_b, b_levels
            if strip:
                diff_part = (eb + (a - 1) * ec) / (r * a)
                shared = (ea - ec) / (r * b)
            else:
                diff_part = eb / r
                shared = (ea - eb) / (r * b)
            cov = diff_part * np.eye(b) + shared * np.ones((b, b))
            n = np.full(b, r)
            mse, label = diff_part * r, f" at {self.factor_a}={a_levels[j]}"
        else:  # whole_plot_within_sub / horizontal_within_vertical
            k = need_at(b_levels, self.factor_b)
            factor, levels = self.factor_a, a_levels
            if strip:
                diff_part = (ea + (b - 1) * ec) / (r * b)
                shared = (eb - ec) / (r * a)
            else:
                diff_part = (ea + (b - 1) * eb) / (r * b)
                shared = 0.0
            cov = diff_part * np.eye(a) + shared * np.ones((a, a))
            n = np.full(a, r)
            mse, label = diff_part * r, f" at {self.factor_b}={b_levels[k]}"
        return MeansModel(
            factor=factor,
            levels=tuple(levels),
            estimates=np.asarray(est, dtype=float).copy(),
            cov=cov,
            df=df,
            n=n,
            mse=float(mse),
            error_term=error_term + label,
            design=self.design,
            formula=self.provenance.model,
            response=self.response,
            estimates_centred=None if self._cell_centred is None else select(self._cell_centred),
        )

    def _cells_means_model(self) -> MeansModel:
        """Every A x B cell mean with its exact covariance (blocks fixed)."""
        r = len(self.levels[self.block])
        a_levels, b_levels = self.levels[self.factor_a], self.levels[self.factor_b]
        a, b = len(a_levels), len(b_levels)
        ea = self._errors["error_a"][0]
        eb = self._errors["error_b"][0]
        if self.design == "strip_plot":
            ec = self._errors["error_c"][0]
            resid, var_a, var_b = ec, (ea - ec) / b, (eb - ec) / a
        else:
            resid, var_a, var_b = eb, (ea - eb) / b, 0.0
        same_a = np.kron(np.eye(a), np.ones((b, b)))
        same_b = np.kron(np.ones((a, a)), np.eye(b))
        cov = (resid * np.eye(a * b) + var_a * same_a + var_b * same_b) / r
        df = float(np.min(self.sed["df"].to_numpy(dtype=float)[1:]))
        return MeansModel(
            factor=f"{self.factor_a}:{self.factor_b}",
            levels=tuple(f"{x}:{y}" for x in a_levels for y in b_levels),
            estimates=self._cell.reshape(-1).copy(),
            cov=cov,
            df=df,
            n=np.full(a * b, r),
            mse=float(resid),
            error_term="cells: errors combined per pair (smallest df)",
            design=self.design,
            formula=self.provenance.model,
            response=self.response,
            estimates_centred=(
                None if self._cell_centred is None else self._cell_centred.reshape(-1).copy()
            ),
        )

    def __repr__(self) -> str:
        """One line: design, model, factors and levels (no tables)."""
        return (
            f"StrataAnova(design={self.design!r}, model={self.provenance.model!r}, "
            f"levels={ {f: len(self.levels[f]) for f in (self.factor_a, self.factor_b)} }, "
            f"blocks={len(self.levels[self.block])})"
        )

    def _repr_html_(self) -> str:
        return (
            f"<p><b>{self.design.replace('_', '-')} ANOVA by stratum</b> "
            f"({self.provenance.model})</p>"
            + self.table.to_html(index=False)
            + self.sed.to_html(index=False)
        )


def split_plot_anova(
    data: pd.DataFrame,
    *,
    response: str,
    block: str,
    whole_plot: str,
    sub_plot: str,
    alpha: float = 0.05,
) -> StrataAnova:
    """ANOVA by stratum of a split-plot trial in randomized complete blocks.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per sub-plot.
    response : str
        Response column, e.g. ``"yield_kg_ha"``.
    block : str
        Block (replicate) column.
    whole_plot : str
        Whole-plot (main-plot) factor column, randomized within blocks.
    sub_plot : str
        Sub-plot factor column, randomized within whole plots.
    alpha : float, default 0.05
        Level of the ``lsd`` column of the SED table. [-]

    Returns
    -------
    StrataAnova
        ``table`` by stratum, ``sed`` per comparison kind, ``means_model(kind)``,
        ``means_table()``, ``cv_pct`` (``error_a`` and ``error_b``) and provenance.

    Raises
    ------
    DataValidationError
        Missing columns, non-numeric response, a missing or duplicated plot,
        or a factor with fewer than two levels.

    Notes
    -----
    Sums of squares are computed from deviations of block, whole-plot and
    cell means from the grand mean (orthogonal strata of a balanced design),
    never as "sum of squares minus correction factor".  The block row is not
    F-tested (blocks are not randomized).

    Examples
    --------
    >>> import itertools
    >>> rows = [dict(block=r, irrigation=i, rate=n, y=10 + 2 * (i == "wet") + n + 0.5 * (r == "2")
    ...              + 0.1 * ((r == "1") == (n == 1)) + 0.3 * ((r == "1") == (i == "wet")))
    ...         for r, i, n in itertools.product(["1", "2"], ["dry", "wet"], [0, 1])]
    >>> res = split_plot_anova(pd.DataFrame(rows), response="y", block="block",
    ...                        whole_plot="irrigation", sub_plot="rate")
    >>> [(row.stratum, row.source, row.df) for row in res.table.itertuples()]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('block', 'block', 1), ('whole_plot', 'irrigation', 1), ('whole_plot', 'error_a', 1),
     ('sub_plot', 'rate', 1), ('sub_plot', 'irrigation:rate', 1), ('sub_plot', 'error_b', 2),
     ('total', 'total', 7)]
    >>> res.sed.loc[0, "error_term"], res.sed.loc[1, "error_term"]
    ('error_a', 'error_b')
    """
    alpha = check_alpha(alpha)
    cube, labels = balanced_cube(
        data, response=response, block=block, first=whole_plot, second=sub_plot
    )
    r, a, b = cube.shape
    grand = float(cube.mean())
    y = cube - grand  # centred: every sum of squares is a sum of squared deviations
    m = margins(y)
    resid = y - m.ra[:, :, None] - m.ab[None, :, :] + m.a[None, :, None]
    ss_eb = float(np.sum(resid**2))
    df_a, df_ea = a - 1, (r - 1) * (a - 1)
    df_b, df_ab, df_eb = b - 1, (a - 1) * (b - 1), a * (r - 1) * (b - 1)
    _check_error_strata("split_plot", response, cube, {"error_a": m.ss_ea, "error_b": ss_eb})
    ea, eb = m.ss_ea / df_ea, ss_eb / df_eb
    errors = {"error_a": (ea, float(df_ea)), "error_b": (eb, float(df_eb))}
    ab = f"{whole_plot}:{sub_plot}"
    rows = [
        dict(stratum="block", source=block, df=r - 1, sum_sq=m.ss_block, error_term=""),
        dict(stratum="whole_plot", source=whole_plot, df=df_a, sum_sq=m.ss_a, error_term="error_a"),
        dict(stratum="whole_plot", source="error_a", df=df_ea, sum_sq=m.ss_ea, error_term=""),
        dict(stratum="sub_plot", source=sub_plot, df=df_b, sum_sq=m.ss_b, error_term="error_b"),
        dict(stratum="sub_plot", source=ab, df=df_ab, sum_sq=m.ss_ab, error_term="error_b"),
        dict(stratum="sub_plot", source="error_b", df=df_eb, sum_sq=ss_eb, error_term=""),
        dict(stratum="total", source="total", df=r * a * b - 1, sum_sq=m.ss_total, error_term=""),
    ]
    wp_df = satterthwaite_df(
        np.array([b - 1.0, 1.0]), np.array([eb, ea]), np.array([df_eb, df_ea], dtype=float)
    )
    sed_entries = [
        (2 * ea / (r * b), float(df_ea), "error_a"),
        (2 * eb / (r * a), float(df_eb), "error_b"),
        (2 * eb / r, float(df_eb), "error_b"),
        (2 * ((b - 1) * eb + ea) / (r * b), wp_df, "satterthwaite(error_a, error_b)"),
    ]
    formula = f"{response} ~ {whole_plot} * {sub_plot} + Error({block}/{whole_plot})"
    prov = Provenance(
        design="split_plot",
        model=formula,
        error_term=f"error_a = {block}:{whole_plot} ({df_ea} df); error_b = residual ({df_eb} df)",
        df_error=float(df_eb),
        test="F",
        alpha=alpha,
        sum_of_squares="orthogonal strata (balanced)",
    )
    return _result(
        "split_plot",
        cube,
        labels,
        response=response,
        block=block,
        factor_a=whole_plot,
        factor_b=sub_plot,
        rows=rows,
        sed_entries=sed_entries,
        errors=errors,
        grand=grand,
        alpha=alpha,
        prov=prov,
        cell_centred=m.ab,
    )


def _check_error_strata(
    design: str, response: str, cube: np.ndarray, sums: dict[str, float]
) -> None:
    """Refuse error strata whose sum of squares is only rounding noise (an exact fit).

    Yields copied within each combination (or exactly additive in a stratum) leave an
    error sum of squares of about 1e-25 instead of 0; F tests against it printed F = 1e30
    (issue 13, stop 33).  The plot-level root mean square of each error stratum is
    compared with the one exact-fit limit of every fit
    (:func:`~yieldtrial.stats._common.exact_fit_limit`: rounding noise of the largest
    yield, or 1e-6 of the yields' SD), as :func:`~yieldtrial.stats._common.rounding_noise`
    does.
    """
    limit = exact_fit_limit(np.ravel(cube))
    exact = [name for name, ss in sums.items() if np.sqrt(max(ss, 0.0) / cube.size) <= limit]
    if exact:
        raise DataValidationError(
            f"the {design} model of {response!r} leaves no variation in "
            f"{', '.join(exact[:-1]) + ' and ' if len(exact) > 1 else ''}{exact[-1]} (mean "
            "square 0 up to rounding): the yields are fitted "
            "exactly there, as when they were copied within each combination of the "
            "factors; no F test or standard error against it is possible: check the yield "
            "values"
        )


def _result(
    design: str,
    cube: np.ndarray,
    labels: dict[str, tuple[str, ...]],
    *,
    response: str,
    block: str,
    factor_a: str,
    factor_b: str,
    rows: list[dict[str, Any]],
    sed_entries: list[tuple[float, float, str]],
    errors: dict[str, tuple[float, float]],
    grand: float,
    alpha: float,
    prov: Provenance,
    cell_centred: np.ndarray | None = None,
) -> StrataAnova:
    """Assemble a :class:`StrataAnova`: the F table, the SED table and provenance on both."""
    table = strata_table(rows, errors)
    comparisons = SPLIT_PLOT_COMPARISONS if design == "split_plot" else STRIP_PLOT_COMPARISONS
    sed = sed_table(comparisons, sed_entries, alpha=alpha, a_name=factor_a, b_name=factor_b)
    table.attrs["provenance"] = prov.to_dict()
    sed.attrs["provenance"] = prov.to_dict()
    r = cube.shape[0]
    cell = cube.mean(axis=0)
    a_levels, b_levels = labels[factor_a], labels[factor_b]
    means = pd.DataFrame(
        {
            factor_a: np.repeat(a_levels, len(b_levels)),
            factor_b: np.tile(b_levels, len(a_levels)),
            "mean": cell.reshape(-1),
            "n": r,
        }
    )
    means.attrs["provenance"] = prov.to_dict()
    cv = {
        name: (100.0 * float(np.sqrt(ms)) / grand if grand != 0 else float("nan"))
        for name, (ms, _) in errors.items()
    }
    return StrataAnova(
        design=design,
        response=response,
        block=block,
        factor_a=factor_a,
        factor_b=factor_b,
        levels={block: labels[block], factor_a: a_levels, factor_b: b_levels},
        table=table,
        sed=sed,
        means=means,
        cv_pct=cv,
        grand_mean=grand,
        alpha=alpha,
        provenance=prov,
        _cell=cell,
        _errors=errors,
        _cell_centred=None if cell_centred is None else np.asarray(cell_centred, dtype=float),
    )


def strip_plot_anova(
    data: pd.DataFrame,
    *,
    response: str,
    block: str,
    horizontal: str,
    vertical: str,
    alpha: float = 0.05,
) -> StrataAnova:
    """ANOVA by stratum of a strip-plot (strip-block) trial.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per intersection plot.
    response : str
        Response column.
    block : str
        Block (replicate) column.
    horizontal : str
        Factor laid out in horizontal strips across each block (factor A).
    vertical : str
        Factor laid out in vertical strips (factor B).
    alpha : float, default 0.05
        Level of the ``lsd`` column of the SED table. [-]

    Returns
    -------
    StrataAnova
        Strata ``block``, ``horizontal`` (A vs error a = block x A), ``vertical``
        (B vs error b = block x B), ``intersection`` (A x B vs error c).

    Raises
    ------
    DataValidationError
        As :func:`split_plot_anova`.

    Notes
    -----
    SEDs (Gomez & Gomez 1984, ch. 5): A means ``sqrt(2 Ea / (r b))``; B means
    ``sqrt(2 Eb / (r a))``; B at one A level ``sqrt(2 ((a - 1) Ec + Eb) / (r a))``;
    A at one B level ``sqrt(2 ((b - 1) Ec + Ea) / (r b))``, both with
    Satterthwaite df.
    """
    alpha = check_alpha(alpha)
    cube, labels = balanced_cube(
        data, response=response, block=block, first=horizontal, second=vertical
    )
    r, a, b = cube.shape
    grand = float(cube.mean())
    y = cube - grand
    m = margins(y)
    m_rb = y.mean(axis=1)
    ss_eb = a * float(np.sum((m_rb - m.r[:, None] - m.b[None, :]) ** 2))
    resid = (
        y
        - m.ra[:, :, None]
        - m_rb[:, None, :]
        - m.ab[None, :, :]
        + m.r[:, None, None]
        + m.a[None, :, None]
        + m.b[None, None, :]
    )
    ss_ec = float(np.sum(resid**2))
    df_ea, df_eb, df_ec = (r - 1) * (a - 1), (r - 1) * (b - 1), (r - 1) * (a - 1) * (b - 1)
    _check_error_strata(
        "strip_plot", response, cube, {"error_a": m.ss_ea, "error_b": ss_eb, "error_c": ss_ec}
    )
    ea, eb, ec = m.ss_ea / df_ea, ss_eb / df_eb, ss_ec / df_ec
    errors = {
        "error_a": (ea, float(df_ea)),
        "error_b": (eb, float(df_eb)),
        "error_c": (ec, float(df_ec)),
    }
    ab = f"{horizontal}:{vertical}"
    rows = [
        dict(stratum="block", source=block, df=r - 1, sum_sq=m.ss_block, error_term=""),
        dict(
            stratum="horizontal", source=horizontal, df=a - 1, sum_sq=m.ss_a, error_term="error_a"
        ),
        dict(stratum="horizontal", source="error_a", df=df_ea, sum_sq=m.ss_ea, error_term=""),
        dict(stratum="vertical", source=vertical, df=b - 1, sum_sq=m.ss_b, error_term="error_b"),
        dict(stratum="vertical", source="error_b", df=df_eb, sum_sq=ss_eb, error_term=""),
        dict(
            stratum="intersection",
            source=ab,
            df=(a - 1) * (b - 1),
            sum_sq=m.ss_ab,
            error_term="error_c",
        ),
        dict(stratum="intersection", source="error_c", df=df_ec, sum_sq=ss_ec, error_term=""),
        dict(stratum="total", source="total", df=r * a * b - 1, sum_sq=m.ss_total, error_term=""),
    ]
    df_b_at_a = satterthwaite_df(
        np.array([a - 1.0, 1.0]), np.array([ec, eb]), np.array([df_ec, df_eb], dtype=float)
    )
    df_a_at_b = satterthwaite_df(
        np.array([b - 1.0, 1.0]), np.array([ec, ea]), np.array([df_ec, df_ea], dtype=float)
    )
    sed_entries = [
        (2 * ea / (r * b), float(df_ea), "error_a"),
        (2 * eb / (r * a), float(df_eb), "error_b"),
        (2 * ((a - 1) * ec + eb) / (r * a), df_b_at_a, "satterthwaite(error_b, error_c)"),
        (2 * ((b - 1) * ec + ea) / (r * b), df_a_at_b, "satterthwaite(error_a, error_c)"),
    ]
    formula = f"{response} ~ {horizontal} * {vertical} + Error({block}/({horizontal} * {vertical}))"
    prov = Provenance(
        design="strip_plot",
        model=formula,
        error_term=f"error_a = {block}:{horizontal} ({df_ea} df); error_b = {block}:{vertical} "
        f"({df_eb} df); error_c = residual ({df_ec} df)",
        df_error=float(df_ec),
        test="F",
        alpha=alpha,
        sum_of_squares="orthogonal strata (balanced)",
    )
    return _result(
        "strip_plot",
        cube,
        labels,
        response=response,
        block=block,
        factor_a=horizontal,
        factor_b=vertical,
        rows=rows,
        sed_entries=sed_entries,
        errors=errors,
        grand=grand,
        alpha=alpha,
        prov=prov,
        cell_centred=m.ab,
    )
