"""The design model: additive fixed-effects least squares for CRD, RCBD and Latin square.

:func:`fit` turns long plot data into a :class:`DesignFit`: least-squares
(estimated marginal) means of the treatments, their covariance, the error mean
square and degrees of freedom, fitted values, residuals and leverages.
:meth:`DesignFit.means_model` reduces it to the
:class:`~yieldtrial.stats.results.MeansModel` that every comparison works on.

The engine underneath (:func:`model_matrix`, :func:`least_squares`,
:func:`reference_grid_means`) is design-agnostic: a design is just a list of
terms (tuples of factor columns), so further designs (factorials, split-plot
strata) plug into the same layer.

Numerical method: the response is centred on its observed mean first, the model
matrix uses treatment coding (first level as reference, 0/1 columns), and the
least-squares problem is solved through the singular value decomposition of the
model matrix (rank-revealing, so aliased columns are handled).  Sums of squares
are computed as squared norms of differences of projections, never as "sum of
squares minus correction factor"; see ``docs/statistics.md``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.stats._absorb import absorbed_fit, use_absorption
from yieldtrial.stats._absorb_blocks import block_absorbed_fit
from yieldtrial.stats._common import (
    default_design,
    factorize_labels,
    frame_place,
    label_texts,
    numeric_column,
    private_rows,
    rounding_noise,
)
from yieldtrial.stats._common import factorizes_like_text as _factorizes_like_text
from yieldtrial.stats._covariance import DiagonalCovariance, LowRankUpdateCovariance, diagonal
from yieldtrial.stats.results import MeansModel, Provenance

__all__ = [
    "DESIGNS",
    "DesignFit",
    "LeastSquares",
    "OrthogonalFit",
    "blocks_absorbed",
    "fit",
    "least_squares",
    "model_matrix",
    "orthogonal_fit",
    "reference_grid_means",
]

#: Designs :func:`fit` understands; the keys drive validation and dispatch.
DESIGNS: tuple[str, ...] = ("crd", "rcbd", "latin")

Term = tuple[str, ...]


# --------------------------------------------------------------------------- engine


@dataclass(frozen=True, eq=False)
class LeastSquares:
    """Rank-revealing least-squares solution of ``y ~ X`` by SVD.

    Attributes
    ----------
    coef : ndarray, shape (p,)
        Minimum-norm coefficients.
    fitted : ndarray, shape (n,)
        Fitted values ``X coef`` (the projection of ``y`` on the column space).
    residuals : ndarray, shape (n,)
        ``y - fitted``.
    rank : int
        Numerical rank of ``X``.
    basis : ndarray, shape (n, rank)
        Orthonormal basis of the column space (left singular vectors).
    singular_values : ndarray, shape (rank,)
        Non-zero singular values.
    right : ndarray, shape (rank, p)
        Right singular vectors spanning the row space.
    """

    coef: np.ndarray
    fitted: np.ndarray
    residuals: np.ndarray
    rank: int
    basis: np.ndarray
    singular_values: np.ndarray
    right: np.ndarray

    @property
    def rss(self) -> float:
        """Residual sum of squares."""
        return float(self.residuals @ self.residuals)

    @property
    def leverage(self) -> np.ndarray:
        """Diagonal of the hat matrix."""
        return np.einsum("ij,ij->i", self.basis, self.basis)

    def xtx_pinv(self) -> np.ndarray:
        """Moore-Penrose inverse of ``X'X`` (a generalized inverse ``(X'X)^-``)."""
        scaled = self.right.T / self.singular_values
        return scaled @ scaled.T

    def estimable(self, rows: np.ndarray, *, rtol: float = 1e-8) -> np.ndarray:
        """Whether each row of ``rows`` is an estimable linear function ``L beta``."""
        rows = np.atleast_2d(rows)
        projected = rows @ self.right.T @ self.right
        scale = np.maximum(np.linalg.norm(rows, axis=1), 1.0)
        return np.asarray(np.linalg.norm(rows - projected, axis=1) <= rtol * scale)


def least_squares(x: np.ndarray, y: np.ndarray) -> LeastSquares:
    """Solve ``y ~ x`` by the singular value decomposition of ``x``.

    Parameters
    ----------
    x : ndarray, shape (n, p)
        Model matrix.
    y : ndarray, shape (n,)
        Response (centre it first for accuracy).

    Returns
    -------
    LeastSquares
        Coefficients, fitted values, residuals, rank and the decomposition.

    Examples
    --------
    >>> x = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, 1.0]])
    >>> sol = least_squares(x, np.array([1.0, 3.0, 5.0, 7.0]))
    >>> sol.rank, sol.rss
    (2, 4.0)
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = x.shape
    if p == 0:
        zero = np.zeros(n)
        return LeastSquares(
            np.zeros(0), zero, y.copy(), 0, np.zeros((n, 0)), np.zeros(0), np.zeros((0, 0))
        )
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    tol = (s[0] if s.size else 0.0) * max(n, p) * np.finfo(float).eps
    rank = int(np.sum(s > tol))
    basis, sv, right = u[:, :rank], s[:rank], vt[:rank]
    scores = basis.T @ y
    fitted = basis @ scores
    coef = right.T @ (scores / sv)
    return LeastSquares(coef, fitted, y - fitted, rank, basis, sv, right)


@dataclass(frozen=True, eq=False)
class OrthogonalFit:
    """Closed-form least squares of a complete, balanced main-effects model.

    Attributes
    ----------
    fitted, residuals : ndarray, shape (n,)
        Fitted values and residuals of the (centred) response.
    rank : int
        ``1 + sum(levels - 1)``.
    leverage : ndarray, shape (n,)
        Hat diagonal, ``1/n + sum_f (1/c_f - 1/n)`` (the same for every plot; a
        read-only view of that one value from :data:`CONSTANT_LEVERAGE_PLOTS` plots).
    means : dict of str to ndarray
        Level means of each factor (= its LS-means in a balanced design).
    count : dict of str to int
        Plots per level of each factor.
    sum_sq : dict of str to float
        Sum of squares of each factor, ``c_f sum_j (mean_j - grand)^2``.
    grand : float
        Mean of the (centred) response.
    effects : dict of str to ndarray
        Each factor's level means minus :attr:`grand`: ``fitted`` is
        :func:`closed_form_fitted` of them.
    """

    fitted: np.ndarray
    residuals: np.ndarray
    rank: int
    leverage: np.ndarray
    means: dict[str, np.ndarray]
    count: dict[str, int]
    sum_sq: dict[str, float]
    grand: float = 0.0
    effects: dict[str, np.ndarray] = field(default_factory=dict)


#: Plots per span of the closed-form fit's per-plot sums (bounds their temporaries).
_SPAN = 1 << 20

#: Plots from which a complete, balanced fit of a float64 response observed on every plot
#: does not hold its fitted values and residuals: :attr:`DesignFit.fitted` and
#: :attr:`DesignFit.residuals` compute them when asked from the level effects
#: (:func:`closed_form_fitted`; the same operations, so the same bits), and a report of
#: 5.9 million plots holds 90 MiB less from the fit to its end (stop 53, issue 13).
COMPUTED_FIT_PLOTS = 1 << 20

#: Plots from which a closed-form fit's leverage, the same number for every plot, is that
#: number repeated by :func:`numpy.broadcast_to` (read-only, no memory per plot) instead
#: of an array of its own (5.9 million plots: 45 MiB; issue 13).  Smaller fits keep a
#: writable array.
CONSTANT_LEVERAGE_PLOTS = 1 << 20


def constant_leverage(value: float, n: int) -> np.ndarray:
    """Return the hat diagonal of ``n`` plots that all have leverage ``value``.

    Parameters
    ----------
    value : float
        The leverage of every plot.
    n : int
        Number of plots.

    Returns
    -------
    ndarray, shape (n,)
        ``numpy.full(n, value)``; from :data:`CONSTANT_LEVERAGE_PLOTS` plots a read-only
        view of the one value (the same values, no memory per plot).

    Examples
    --------
    >>> constant_leverage(0.25, 3).tolist()
    [0.25, 0.25, 0.25]
    """
    if n >= CONSTANT_LEVERAGE_PLOTS:
        return np.broadcast_to(np.float64(value), (n,))
    return np.full(n, value)


def cell_counts(
    codes_a: np.ndarray,
    codes_b: np.ndarray,
    n_b: int,
    size: int,
    *,
    where: np.ndarray | None = None,
) -> np.ndarray:
    """Count the plots in each cell ``a * n_b + b`` of a two-way table, a span of plots at a time.

    Parameters
    ----------
    codes_a, codes_b : ndarray of int, shape (n,)
        Level codes of the two factors (any integer type; the cells are numbered in
        int64, so ``n_a * n_b`` above 2^31 does not overflow).
    n_b : int
        Number of levels of the second factor.
    size : int
        Number of cells (``n_a * n_b``).
    where : ndarray of bool, shape (n,), optional
        Count only these plots.

    Returns
    -------
    ndarray of int, shape (size,)
        The counts, as ``np.bincount(codes_a * n_b + codes_b, minlength=size)`` gives them,
        without two plot-sized int64 temporaries (issue 13).

    Examples
    --------
    >>> cell_counts(np.array([0, 0, 1]), np.array([1, 1, 0]), 2, 4).tolist()
    [0, 2, 1, 0]
    """
    cells = np.zeros(size, dtype=np.intp)
    for lo in range(0, codes_a.size, _SPAN):
        cell = _cell_numbers(codes_a[lo : lo + _SPAN], codes_b[lo : lo + _SPAN], n_b)
        if where is not None:
            cell = cell[where[lo : lo + _SPAN]]
        cells += np.bincount(cell, minlength=size)
    return cells


def _cell_numbers(codes_a: np.ndarray, codes_b: np.ndarray, n_b: int) -> np.ndarray:
    """Return ``codes_a * n_b + codes_b`` in int64 (int32 codes: no overflow past 2^31)."""
    cell = codes_a.astype(np.int64)
    cell *= n_b
    cell += codes_b
    return cell


def _balanced_counts(
    codes: Mapping[str, np.ndarray], n_levels: Mapping[str, int]
) -> dict[str, int] | None:
    """Return the plots per level of each factor of a complete, balanced design, else None."""
    counts: dict[str, int] = {}
    for f in n_levels:
        c = np.bincount(codes[f], minlength=n_levels[f])
        if c[0] == 0 or np.any(c != c[0]):
            return None
        counts[f] = int(c[0])
    factors = list(n_levels)
    for i, a in enumerate(factors):
        for b in factors[i + 1 :]:
            # a span of plots at a time: no two plot-sized int64 temporaries (issue 13)
            cells = cell_counts(codes[a], codes[b], n_levels[b], n_levels[a] * n_levels[b])
            if np.any(cells != cells[0]):
                return None
    return counts


def orthogonal_sums_of_squares(
    codes: Mapping[str, np.ndarray], n_levels: Mapping[str, int], y: np.ndarray
) -> dict[str, float] | None:
    """Return the type II sums of squares of :func:`orthogonal_fit`, without its per-plot arrays.

    The same sums in the same order as ``orthogonal_fit(codes, n_levels, y).sum_sq``
    (so the same numbers to the last bit), but no fitted values, residuals or leverages
    are made (three arrays of n; 5.9 million plots: 135 MiB).

    Returns
    -------
    dict of str to float or None
        ``factor -> sum of squares``; None when the design is not complete and balanced.

    Examples
    --------
    >>> orthogonal_sums_of_squares({"t": np.array([0, 1, 0, 1])}, {"t": 2},
    ...                            np.array([1., 3., 3., 5.]))
    {'t': 4.0}
    """
    if y.size == 0 or not n_levels:
        return None
    counts = _balanced_counts(codes, n_levels)
    if counts is None:
        return None
    grand = float(np.mean(y))
    sum_sq: dict[str, float] = {}
    for f in n_levels:
        m = np.bincount(codes[f], weights=y, minlength=n_levels[f]) / counts[f]
        effect = m - grand
        sum_sq[f] = float(counts[f] * (effect @ effect))
    return sum_sq


def orthogonal_fit(
    codes: Mapping[str, np.ndarray], n_levels: Mapping[str, int], y: np.ndarray
) -> OrthogonalFit | None:
    r"""Closed-form fit of ``y ~ f1 + f2 + ...`` when the factors are orthogonal, else None.

    The factors are orthogonal when every level of each factor has the same number of
    plots and every two-way table of counts is constant (a complete CRD, RCBD or Latin
    square, any number of plots per cell).  Then the fitted value is the grand mean plus
    each factor's centred level mean, the LS-means are the level means, and the type II
    sum of squares of a factor is :math:`c \sum_j (\bar y_j - \bar y)^2` [1]_.

    Parameters
    ----------
    codes : mapping of str to ndarray of int
        Level codes ``0 .. levels-1`` of each factor (every level present).
    n_levels : mapping of str to int
        Number of levels of each factor.
    y : ndarray, shape (n,)
        Response, centred for accuracy.

    Returns
    -------
    OrthogonalFit or None
        None when the design is not complete and balanced.

    References
    ----------
    .. [1] Gomez, K.A. and Gomez, A.A. (1984). Statistical Procedures for Agricultural
       Research, 2nd ed. Wiley. Ch. 2.

    Examples
    --------
    >>> sol = orthogonal_fit({"t": np.array([0, 1, 0, 1])}, {"t": 2}, np.array([1., 3., 3., 5.]))
    >>> sol.means["t"].tolist(), sol.rank, float(sol.residuals @ sol.residuals)
    ([2.0, 4.0], 2, 4.0)
    """
    factors = list(n_levels)
    n = y.size
    if n == 0 or not factors:
        return None
    counts = _balanced_counts(codes, n_levels)
    if counts is None:
        return None
    grand = float(np.mean(y))
    means: dict[str, np.ndarray] = {}
    effects: dict[str, np.ndarray] = {}
    sum_sq: dict[str, float] = {}
    lev = 1.0 / n
    for f in factors:
        m = np.bincount(codes[f], weights=y, minlength=n_levels[f]) / counts[f]
        effect = m - grand
        means[f] = m
        effects[f] = effect
        sum_sq[f] = float(counts[f] * (effect @ effect))
        lev += 1.0 / counts[f] - 1.0 / n
    fitted = closed_form_fitted(codes, effects, grand, n)
    rank = 1 + sum(n_levels[f] - 1 for f in factors)
    return OrthogonalFit(
        fitted=fitted, residuals=y - fitted, rank=rank, leverage=constant_leverage(lev, n),
        means=means, count=counts, sum_sq=sum_sq, grand=grand, effects=effects,
    )  # fmt: skip


def closed_form_fitted(
    codes: Mapping[str, np.ndarray], effects: Mapping[str, np.ndarray], grand: float, n: int
) -> np.ndarray:
    """Fitted values of a closed-form fit: ``grand`` plus each factor's level effect.

    Parameters
    ----------
    codes : mapping of str to ndarray of int
        Level codes of each factor (every plot).
    effects : mapping of str to ndarray
        Level means minus ``grand``, in the factors' order (the sums are taken in it).
        [response unit]
    grand : float
        Mean of the response. [response unit]
    n : int
        Number of plots.

    Returns
    -------
    ndarray, shape (n,)
        The fitted values (a new array). [response unit]
    """
    fitted = np.full(n, grand)
    for f, effect in effects.items():
        for lo in range(0, n, _SPAN):  # the same sums, without a plot-sized temporary
            fitted[lo : lo + _SPAN] += effect[codes[f][lo : lo + _SPAN]]
    return fitted


def _dummies(codes: np.ndarray, n_levels: int) -> np.ndarray:
    """Treatment-coded 0/1 columns (first level is the reference)."""
    out = np.zeros((codes.size, max(n_levels - 1, 0)))
    rows = np.flatnonzero(codes > 0)
    out[rows, codes[rows] - 1] = 1.0
    return out


def model_matrix(
    codes: Mapping[str, np.ndarray],
    n_levels: Mapping[str, int],
    terms: Sequence[Term],
) -> tuple[np.ndarray, dict[Term, tuple[int, int]]]:
    """Model matrix with an intercept and treatment-coded terms.

    Parameters
    ----------
    codes : mapping of str to ndarray of int
        Integer level codes (0 .. levels-1) of each factor, one per plot.
    n_levels : mapping of str to int
        Number of levels of each factor.
    terms : sequence of tuple of str
        Model terms; ``("treatment",)`` is a main effect, ``("a", "b")`` an
        interaction (row-wise products of the main-effect columns).

    Returns
    -------
    x : ndarray, shape (n, p)
        Intercept column first, then each term's columns.
    slices : dict
        ``term -> (start, stop)`` column range of each term in ``x``.

    Examples
    --------
    >>> x, sl = model_matrix({"t": np.array([0, 1, 2])}, {"t": 3}, [("t",)])
    >>> x.tolist(), sl
    ([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0]], {('t',): (1, 3)})
    """
    n = next(iter(codes.values())).size if codes else 0
    blocks: list[np.ndarray] = [np.ones((n, 1))]
    slices: dict[Term, tuple[int, int]] = {}
    start = 1
    for term in terms:
        cols = np.ones((n, 1))
        for factor in term:
            d = _dummies(np.asarray(codes[factor]), n_levels[factor])
            cols = (cols[:, :, None] * d[:, None, :]).reshape(n, -1)
        blocks.append(cols)
        slices[tuple(term)] = (start, start + cols.shape[1])
        start += cols.shape[1]
    return np.hstack(blocks), slices


def reference_grid_means(
    focus: str,
    n_levels: Mapping[str, int],
    terms: Sequence[Term],
) -> np.ndarray:
    """Rows ``L`` such that ``L beta`` are the focus factor's LS-means.

    The reference grid is every combination of the levels of all factors in
    the model; each LS-mean is the equally weighted average of the model's
    predictions over the grid cells of that focus level (as emmeans does).

    Parameters
    ----------
    focus : str
        Factor whose means are wanted.
    n_levels : mapping of str to int
        Number of levels of each factor in the model.
    terms : sequence of tuple of str
        Model terms, as for :func:`model_matrix`.

    Returns
    -------
    ndarray, shape (n_levels[focus], p)
        One row of model-matrix weights per level of ``focus``.
    """
    # The grid is the full product of the levels, so the average of a column (a product of
    # 0/1 dummies) over the cells of focus level j factorizes: the focus dummy at j times
    # 1 / (product of the other factors' level counts in the term).  Formed directly, with
    # no grid (issue 13: 10,000 treatments x 200 blocks made a 2-million-row grid matrix);
    # count / cells and 1 / product are the same real number, so the rounded weights are
    # the ones the grid's column means gave.
    n_focus = n_levels[focus]
    pieces: list[np.ndarray] = [np.ones((n_focus, 1))]
    for term in terms:
        cols = np.ones((n_focus, 1))
        others = 1
        for factor in term:
            if factor == focus:
                d = _dummies(np.arange(n_focus), n_focus)
                cols = (cols[:, :, None] * d[:, None, :]).reshape(n_focus, -1)
            else:
                others *= n_levels[factor]
                cols = np.repeat(cols, max(n_levels[factor] - 1, 0), axis=1)
        pieces.append(cols * (1.0 / others) if others > 1 else cols)
    return np.hstack(pieces)


# --------------------------------------------------------------------------- data checks


def levels_of(
    series: pd.Series, *, column: str, narrow: bool = False
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes and string labels of a factor column (categorical order kept).

    ``narrow``: codes in int32 when there are fewer than 2^31 plots (the design fit's
    codes, held with it; 5.9 million plots: 22 MiB a factor instead of 45), else ``intp``.
    """
    width = np.int32 if narrow and len(series) < 2**31 else np.intp
    isna = series.isna().to_numpy()
    if isna.any():
        bad = list(series.index[isna][:5])
        raise DataValidationError(
            f"column {column!r} has {int(isna.sum())} missing label(s) (rows {bad}); every plot "
            f"needs a label in {column!r}. Fill them in or drop those rows."
        )
    if isinstance(series.dtype, pd.CategoricalDtype):
        # the categories present, in category order; codes renumbered over them
        # the codes in their own (small) type: no plot-sized int64 copies (issue 13);
        # never negative here (missing labels refused above)
        cat_codes = series.cat.codes.to_numpy()
        present_idx = np.flatnonzero(np.bincount(cat_codes, minlength=len(series.cat.categories)))
        categories = list(series.cat.categories)
        labels: list[Any] = [categories[int(i)] for i in present_idx]
        if len(present_idx) == len(categories):
            # every category present: the codes as they are (a large table's coded blocks,
            # stop 52: its int32 codes shared, not a 22 MiB copy held with the fit)
            codes = cat_codes.astype(width, copy=False)
        else:
            remap = np.full(len(categories), -1, dtype=width)
            remap[present_idx] = np.arange(len(present_idx))
            codes = remap[cat_codes]
    elif _factorizes_like_text(series):
        # hash factorization, O(n): the same order of first appearance and the same
        # grouping as the text route below, because every value is its own text (str)
        # or an integer (whose text is injective)
        # narrow: the kept codes themselves when of that type (read-only, shared)
        factor_codes, factor_uniques = factorize_labels(series, dtype=width, shared=narrow)
        codes = np.asarray(factor_codes, dtype=width)
        labels = label_texts(factor_uniques)
    else:
        uniques, first, codes_arr = np.unique(
            series.astype(object).map(str).to_numpy(), return_index=True, return_inverse=True
        )
        order = np.argsort(first, kind="stable")  # order of first appearance
        relabel = np.empty(len(uniques), dtype=width)
        relabel[order] = np.arange(len(order))
        codes = relabel[np.ravel(codes_arr)]
        labels = [uniques[i] for i in order]
    str_labels = tuple(str(label) for label in labels)
    if len(set(str_labels)) != len(str_labels):
        raise DataValidationError(
            f"column {column!r} has labels that are equal as text ({', '.join(str_labels)}); "
            "make the labels distinct."
        )
    return codes, str_labels


def numeric_response(data: pd.DataFrame, response: str) -> np.ndarray:
    """Return the response column as floats (NaN for blanks), refused when text or infinite."""
    values = numeric_column(
        data, response, fix="Fix or blank the value (a blank is treated as a missing plot)."
    )
    inf = np.isinf(values)
    if inf.any():
        row = data.index[np.flatnonzero(inf)[0]]
        raise DataValidationError(
            f"column {response!r} holds an infinite value at {frame_place(data, row)}; expected "
            "a finite yield or a blank for a missing plot."
        )
    return values


def not_a_frame_message(data: object) -> str:
    """Say that ``data`` is not a plot table and, for a result or trial, what to pass instead.

    A notebook chains calls: ``fit = st.fit(df, ...)`` then ``st.anova(fit, ...)``. The
    statistics functions take the plot table, so the message names the table the object holds.

    Parameters
    ----------
    data : object
        What the caller passed as ``data``.

    Returns
    -------
    str
        The error message.

    Examples
    --------
    >>> not_a_frame_message([1, 2])
    'data must be a pandas DataFrame, got list'
    """
    name = type(data).__name__
    message = f"data must be a pandas DataFrame, got {name}"
    if name in ("DesignFit", "MixedModelFit"):
        return (
            f"{message}: a fitted model is not a plot table (one row per plot); pass the table "
            "it was fitted to "
            "(fit.data) with the same response=, treatment= and block= arguments"
        )
    if name == "FieldTrial":
        return (
            f"{message}: pass trial.yields() (the standardized yields, one row per plot) or "
            "call the trial's own method (trial.anova(), trial.means(), ...)"
        )
    return message


def _has(data: pd.DataFrame, column: Any) -> bool:
    """Whether ``column`` names a column of ``data`` (a list or array names none)."""
    try:
        return column in data.columns
    except TypeError:  # unhashable: a list, an array, a Series given as the column name
        return False


def check_columns(data: pd.DataFrame, columns: Mapping[str, str | None]) -> None:
    """Refuse a table that is not a DataFrame or lacks (or repeats) a column the model reads."""
    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(not_a_frame_message(data))
    missing = [
        f"{arg}={col!r}"
        for arg, col in columns.items()
        if (col is None and arg == "response") or (col is not None and not _has(data, col))
    ]  # the response is always needed: None was a KeyError
    if missing:
        raise DataValidationError(
            f"column(s) not found in data: {', '.join(missing)}; available columns: "
            f"{', '.join(map(str, data.columns))}. Pass the right column name(s)."
        )
    repeated_columns(data, columns)


def repeated_columns(data: pd.DataFrame, columns: Mapping[str, Any]) -> None:
    """Refuse a column the analysis reads that the table holds twice (two of one name).

    ``data[name]`` is then a DataFrame, which failed deep inside ("'DataFrame' object has
    no attribute 'dtype'"); a repeated column the analysis does not read is left alone.
    """
    names = list(data.columns)
    twice = [
        f"{arg}={col!r} ({names.count(col)} columns)"
        for arg, col in columns.items()
        if isinstance(col, str) and names.count(col) > 1
    ]
    if twice:
        raise DataValidationError(
            f"column name(s) used more than once in data: {', '.join(twice)}; give every column "
            "its own name (e.g. data.loc[:, ~data.columns.duplicated()] keeps the first)."
        )


def design_factors(
    design: str,
    *,
    treatment: str,
    block: str | None,
    row: str | None,
    column: str | None,
) -> list[str]:
    """Factor columns of a design, treatment first, in model-formula order.

    Raises
    ------
    DataValidationError
        If the design is unknown or a column it needs is not given.
    """
    if design not in DESIGNS:
        raise DataValidationError(
            f"design must be one of {', '.join(map(repr, DESIGNS))}; got {design!r}."
        )
    if treatment is None:  # was a KeyError reading column None
        raise DataValidationError(
            f"design={design!r} needs treatment=<column of the treatment labels>."
        )
    if design == "crd":
        return [treatment]
    if design == "rcbd":
        if block is None:
            raise DataValidationError(
                "design='rcbd' needs block=<column of the block/replicate labels>; "
                "pass block=... or use design='crd' for a completely randomized design."
            )
        return [treatment, block]
    if row is None or column is None:
        raise DataValidationError(
            "design='latin' needs row=<row column> and column=<column column>."
        )
    return [treatment, row, column]


# --------------------------------------------------------------------------- the fit


@dataclass(frozen=True, eq=False)
class DesignFit:
    """A fitted additive design model (CRD, RCBD or Latin square).

    Attributes
    ----------
    response, treatment : str
        Column names of the response (with its unit, e.g. ``yield_kg_ha``) and the treatments.
    block : str or None
        Block column (RCBD), else None.
    design : str
        One of :data:`DESIGNS`.
    formula : str
        Model formula, e.g. ``"yield_kg_ha ~ treatment + block"``.
    data : DataFrame
        The plots used in the fit (rows with an observed response), original index kept.
    levels : tuple of str
        Treatment labels (order of first appearance, or the categorical order).
    n : ndarray of int
        Observed plots per treatment level.
    lsmeans : ndarray
        Least-squares means per treatment, other factors weighted equally. [response unit]
    lsmeans_cov : ndarray or DiagonalCovariance, shape (k, k)
        ``MSE L (X'X)^- L'`` (NaN when there are no error df); for a complete, balanced
        design the implicit ``MSE / r * I``
        (:class:`~yieldtrial.stats._covariance.DiagonalCovariance`; ``numpy.asarray`` gives
        the dense matrix); for an unbalanced design of more than 50 treatments the implicit
        ``diag(d) + F F'`` (:class:`~yieldtrial.stats._covariance.LowRankUpdateCovariance`);
        with the blocks absorbed (:func:`blocks_absorbed`) the dense ``k x k`` array.
    mse : float
        Residual mean square (NaN when ``df_error == 0``). [response unit squared]
    df_error : int
        Residual degrees of freedom, ``n - rank``.
    grand_mean : float
        Mean of the observed response. [response unit]
    fitted, residuals : Series
        Fitted values and residuals, indexed like :attr:`data`. [response unit]  A complete,
        balanced fit of :data:`COMPUTED_FIT_PLOTS` plots or more (a float64 response, every
        plot observed) holds neither: each read computes them afresh from the level effects
        (the same numbers; a new Series each time, so keep the one read).
    leverage : Series
        Diagonal of the hat matrix, indexed like :attr:`data`.  A complete, balanced fit of
        :data:`CONSTANT_LEVERAGE_PLOTS` plots or more holds its one value read-only (a
        write to it raises; ``leverage.copy()`` is writable).
    missing_cells : DataFrame
        Cells without an observation: columns ``treatment``, ``block`` (RCBD) or ``row``,
        ``column`` (Latin), and ``reason`` (``"missing response"`` when a record with a blank
        response exists, ``"no record"`` otherwise).  For a CRD one row per plot whose
        response is blank.
    rank : int
        Rank of the model matrix (intercept included).
    df_model : int
        ``rank - 1``.
    blocks : tuple of str
        Blocks with at least one observed plot (every one of them is used).
    row, column : str or None
        Row and column factors of a Latin square.
    terms : tuple of tuple of str
        Model terms in model-matrix order.
    factor_levels : dict
        Level labels of every factor in the model.
    codes : dict of str to ndarray
        Each factor's level code of every fitted plot (``0 .. levels - 1``, int32 below
        2^31 plots); use int64 for products such as ``codes[a] * n_b + codes[b]``.
    lsmeans_centred : ndarray or None
        :attr:`lsmeans` minus :attr:`centre`, as solved on the centred response before the
        centre is added back; differences of LS-means are taken from these, so they keep full
        precision when the response carries a large offset (e.g. 1e12). [response unit]
    sum_sq : dict or None
        Type II ``term -> (df, sum of squares)`` when the fit computed them on the way (the
        blocks absorbed, :func:`blocks_absorbed`), else None (the ANOVA computes them).
    """

    response: str
    treatment: str
    block: str | None
    design: str
    formula: str
    data: pd.DataFrame
    levels: tuple[str, ...]
    n: np.ndarray
    lsmeans: np.ndarray
    lsmeans_cov: np.ndarray | DiagonalCovariance | LowRankUpdateCovariance
    mse: float
    df_error: int
    grand_mean: float
    leverage: pd.Series
    missing_cells: pd.DataFrame
    rank: int
    df_model: int
    blocks: tuple[str, ...]
    row: str | None = None
    column: str | None = None
    terms: tuple[Term, ...] = ()
    factor_levels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    codes: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    centre: float = 0.0
    lsmeans_centred: np.ndarray | None = None
    sum_sq: dict[Term, tuple[int, float]] | None = field(default=None, repr=False)
    # the held fitted values and residuals (read through :attr:`fitted` and
    # :attr:`residuals`), or None with the closed form's level effects to compute them
    held_fitted: pd.Series | None = field(default=None, repr=False)
    held_residuals: pd.Series | None = field(default=None, repr=False)
    effects: tuple[float, dict[str, np.ndarray]] | None = field(default=None, repr=False)

    @property
    def fitted(self) -> pd.Series:
        """Fitted values, indexed like :attr:`data` [response unit]."""
        if self.held_fitted is not None:
            return self.held_fitted
        fitted = self._fitted_centred()
        fitted += self.centre  # as the fit added it: the same sums
        return pd.Series(fitted, index=self.data.index, name="fitted", copy=False)

    @property
    def residuals(self) -> pd.Series:
        """Residuals ``y - fitted``, indexed like :attr:`data` [response unit]."""
        if self.held_residuals is not None:
            return self.held_residuals
        residuals = self.centred_response  # y - centre, the response the fit solved
        residuals -= self._fitted_centred()  # the closed form's y - fitted: the same bits
        return pd.Series(residuals, index=self.data.index, name="residual", copy=False)

    def _fitted_centred(self) -> np.ndarray:
        if self.effects is None:  # pragma: no cover - the fit holds one or the other
            raise RuntimeError("DesignFit: neither fitted values nor level effects (a bug)")
        grand, effects = self.effects
        return closed_form_fitted(self.codes, effects, grand, self.n_obs)

    @property
    def n_obs(self) -> int:
        """Number of observed plots used."""
        return int(self.data.shape[0])

    @property
    def lsmeans_se(self) -> np.ndarray:
        """Standard errors of the LS-means [response unit]."""
        return np.sqrt(np.clip(diagonal(self.lsmeans_cov), 0.0, None))

    @property
    def centred_response(self) -> np.ndarray:
        """Observed response minus :attr:`centre` (what the engine fits)."""
        return self.data[self.response].to_numpy(dtype=float) - self.centre

    def model_matrix(self, terms: Sequence[Term] | None = None) -> np.ndarray:
        """Model matrix of these plots for ``terms`` (default: the fitted terms)."""
        n_levels = {f: len(v) for f, v in self.factor_levels.items()}
        x, _ = model_matrix(self.codes, n_levels, self.terms if terms is None else terms)
        return x

    def means_model(self) -> MeansModel:
        """Reduce the fit to the treatment LS-means contract used by comparisons.

        Returns
        -------
        MeansModel
            ``factor`` = the treatment column, ``error_term="residual"``.
        """
        return MeansModel(
            factor=self.treatment,
            levels=self.levels,
            estimates=self.lsmeans.copy(),
            cov=self.lsmeans_cov.copy(),
            df=float(self.df_error),
            n=self.n.copy(),
            mse=self.mse,
            error_term="residual",
            design=self.design,
            formula=self.formula,
            response=self.response,
            estimates_centred=(
                None if self.lsmeans_centred is None else self.lsmeans_centred.copy()
            ),
        )

    @property
    def provenance(self) -> Provenance:
        """Provenance of the fit (design, formula, residual error term and its df)."""
        return self.means_model().provenance(test="least-squares means")

    def to_frame(self) -> pd.DataFrame:
        """LS-means table: ``treatment, n, lsmean, se``, provenance in ``attrs["provenance"]``."""
        frame = pd.DataFrame(
            {
                "treatment": list(self.levels),
                "n": self.n,
                "lsmean": self.lsmeans,
                "se": self.lsmeans_se,
            }
        )
        frame.attrs["provenance"] = self.provenance.to_dict()
        return frame

    def __repr__(self) -> str:
        """One line: response, factors, design and error (not the data, fitted values, ...)."""
        return (
            f"DesignFit(response={self.response!r}, treatment={self.treatment!r}, "
            f"block={self.block!r}, design={self.design!r}, formula={self.formula!r}, "
            f"plots={self.n_obs}, levels={len(self.levels)}, df_error={self.df_error}, "
            f"mse={self.mse:.6g})"
        )

    def _repr_html_(self) -> str:
        import html

        table = self.to_frame().to_html(index=False, float_format=lambda v: f"{v:.6g}")
        return (
            f"<p><b>Design model</b> {html.escape(self.formula)} ({html.escape(self.design)}): "
            f"{self.n_obs} plots, error df {self.df_error}, MSE {self.mse:.6g}, "
            f"{len(self.missing_cells)} missing cell(s)</p>{table}"
        )


def _missing_cells(
    data: pd.DataFrame,
    observed: np.ndarray,
    *,
    design: str,
    factors: list[str],
    labels: dict[str, tuple[str, ...]],
    codes: dict[str, np.ndarray],
) -> pd.DataFrame:
    """List the design cells without an observed plot."""
    treatment = factors[0]
    if design == "crd":
        idx = np.flatnonzero(~observed)
        return pd.DataFrame(
            {
                "treatment": [labels[treatment][codes[treatment][i]] for i in idx],
                "reason": ["missing response"] * idx.size,
            },
            columns=["treatment", "reason"],
        )
    if design == "rcbd":
        cell_factors = factors[:2]
        names = ["treatment", "block"]
    else:
        cell_factors = factors[1:3]
        names = ["row", "column"]
    a, b = cell_factors
    # counts of records and of observed plots per cell, vectorized (a 200 MB table has
    # millions of cells); cells in the order treatment-major (row-major for Latin squares)
    na, nb = len(labels[a]), len(labels[b])
    # a span of plots at a time: no plot-sized int64 cell numbers (issue 13)
    n_records = cell_counts(codes[a], codes[b], nb, na * nb)
    # every plot observed (the usual case): the same counts, not counted again
    every = bool(observed.all())
    n_observed = (
        n_records if every else cell_counts(codes[a], codes[b], nb, na * nb, where=observed)
    )
    empty = np.flatnonzero(n_observed == 0)
    ia, ib = np.divmod(empty, nb)
    out: dict[str, Any] = {
        names[0]: [labels[a][i] for i in ia],
        names[1]: [labels[b][j] for j in ib],
    }
    if design == "latin":
        cell = codes[a].astype(np.int64)
        cell *= nb
        cell += codes[b]
        present, first = np.unique(cell, return_index=True)
        first_of = dict(zip(present.tolist(), first.tolist(), strict=True))
        out["treatment"] = [
            labels[treatment][codes[treatment][first_of[c]]] if c in first_of else None
            for c in empty.tolist()
        ]
    out["reason"] = ["missing response" if n_records[c] else "no record" for c in empty.tolist()]
    columns = names + (["treatment"] if design == "latin" else []) + ["reason"]
    return pd.DataFrame(out, columns=columns)


#: Fits kept by :func:`fit` (a report asks for the same model several times).
_FIT_CACHE_SIZE = 4
_fit_cache: OrderedDict[tuple[Any, ...], DesignFit] = OrderedDict()


def fit_key(
    data: pd.DataFrame, columns: Sequence[str | None], args: tuple[Any, ...]
) -> tuple[Any, ...] | None:
    """Content key of a fit: the used columns' values, dtypes, categories and the index."""
    import hashlib

    if not all(isinstance(c, Hashable) for c in columns):
        return None  # a list given as a column name: the fit's own checks name it
    used = [c for c in dict.fromkeys(columns) if c is not None]
    if not isinstance(data, pd.DataFrame) or not all(_has(data, c) for c in used):
        return None  # not cached: the fit's own checks name the problem
    raw = _raw_content_digest(data, used)
    if raw is not None:  # numbers and arrow text: their buffers (no per-row hashing)
        return (*args, data.shape[0], "raw", raw)
    try:
        hashed = pd.util.hash_pandas_object(data[used], index=True).to_numpy()
    except TypeError:  # unhashable cells: no caching
        return None
    digest = hashlib.blake2b(hashed.tobytes(), digest_size=16)
    for c in used:
        digest.update(str(data[c].dtype).encode())
        if isinstance(data[c].dtype, pd.CategoricalDtype):
            digest.update(repr(tuple(data[c].cat.categories)).encode())
    digest.update(repr(tuple(data.index.names)).encode())
    return (*args, data.shape[0], digest.hexdigest())


def _raw_content_digest(data: pd.DataFrame, used: Sequence[str]) -> str | None:
    """SHA-256 of the used columns' buffers, dtypes and integer index; None for other tables.

    Numeric columns are hashed as their bytes, categorical columns as their codes and the
    ``repr`` of their categories, pyarrow text columns as their offsets (from
    0), characters and missing-value mask: equal bytes are equal content, so a hit is always
    the same table (two equal tables stored differently only miss the cache).  5.9 million
    plots: a fraction of a second instead of ``hash_pandas_object``'s 1.5 s per call.
    A pyarrow text column is immutable: its digest is kept for the same arrow array
    (:data:`_text_digests`), so the label columns of a report's tables, which share their
    arrays, are hashed once.  (SHA-256 runs in the processor's SHA instructions where
    present, about 1.4 GB/s here against BLAKE2b's 0.9 GB/s.)
    """
    import hashlib

    digest = hashlib.sha256()
    index = data.index
    if not (isinstance(index.dtype, np.dtype) and index.dtype.kind in "iu"):
        return None
    # a RangeIndex and the same integers as an Index key alike (as hash_pandas_object did)
    digest.update(repr(("integer index", tuple(index.names))).encode())
    _update_with_index(digest, index)
    for name in used:
        series = data[name]
        digest.update(repr((name, str(series.dtype), len(series))).encode())
        dtype = series.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
            digest.update(np.ascontiguousarray(series.to_numpy()).data)  # no copy
            continue
        if isinstance(dtype, pd.CategoricalDtype):  # its codes, and the categories by repr
            codes = np.ascontiguousarray(series.cat.codes.to_numpy())
            categories = tuple(repr(c) for c in dtype.categories)
            digest.update(repr((str(codes.dtype), dtype.ordered, categories)).encode())
            digest.update(codes.data)
            continue
        if not isinstance(dtype, pd.StringDtype) or getattr(dtype, "storage", "") != "pyarrow":
            return None
        if not _update_with_text(digest, series):
            return None
    return digest.hexdigest()[:32]


def _update_with_index(digest: Any, index: pd.Index) -> None:
    """Feed an integer index to ``digest``: an arithmetic run as its first value, step, length.

    A RangeIndex is not turned into an array of every position (5.9 million plots: 47 MB
    hashed on each of a report's fits); an integer index holding the same run keys alike.
    """
    n = len(index)
    if isinstance(index, pd.RangeIndex):
        first, step = (int(index.start), int(index.step)) if n else (0, 1)
    else:
        values = np.asarray(index, dtype=np.int64)
        first = int(values[0]) if n else 0
        step = int(values[1] - values[0]) if n > 1 else 1
        if n > 1 and not (step and np.all(np.diff(values) == step)):
            digest.update(b"integers")
            digest.update(np.ascontiguousarray(values).data)
            return
    digest.update(repr(("run", first, step if n > 1 else 1, n)).encode())


#: Digests of pyarrow text columns by the identity of their (immutable) arrow array: id ->
#: (weak reference, digest); a dead reference or another array at the same id is a miss.
_text_digests: dict[int, tuple[Any, bytes]] = {}
_TEXT_DIGESTS_SIZE = 16


def _update_with_text(digest: Any, series: pd.Series) -> bool:
    """Feed a pyarrow text column to ``digest``; False for another layout.

    The column's own SHA-256, kept for its arrow array (:data:`_text_digests`): each chunk
    gives its length and width, its offsets from 0, its characters and its missing-value
    mask (or that it has none), without joining the chunks or widening the offsets.
    """
    import hashlib
    import weakref

    chunked = series.array.__arrow_array__()
    kept = _text_digests.get(id(chunked))
    if kept is not None and kept[0]() is chunked:
        digest.update(kept[1])
        return True
    own = hashlib.sha256()
    if not _hash_text_chunks(own, chunked):
        return False
    try:
        ref = weakref.ref(chunked)
    except TypeError:  # pragma: no cover - arrow arrays take weak references
        ref = None
    if ref is not None:
        for key in [k for k, (r, _) in _text_digests.items() if r() is None]:
            del _text_digests[key]
        while len(_text_digests) >= _TEXT_DIGESTS_SIZE:
            del _text_digests[next(iter(_text_digests))]
        _text_digests[id(chunked)] = (ref, own.digest())
    digest.update(own.digest())
    return True


def _hash_text_chunks(digest: Any, chunked: Any) -> bool:
    """Feed the chunks of an arrow text array to ``digest`` (see :func:`_update_with_text`)."""
    import pyarrow as pa

    chunks = chunked.chunks if isinstance(chunked, pa.ChunkedArray) else [chunked]
    for column in chunks:
        if column.type == pa.string():
            width: type[np.signedinteger[Any]] = np.int32
        elif column.type == pa.large_string():
            width = np.int64
        else:
            return False
        offsets = np.frombuffer(column.buffers()[1], dtype=width)
        offsets = offsets[column.offset : column.offset + len(column) + 1]
        start, stop = int(offsets[0]), int(offsets[-1])
        chars = column.buffers()[2]
        digest.update(repr(("chunk", len(column), str(column.type), stop - start)).encode())
        digest.update((offsets if start == 0 else offsets - offsets.dtype.type(start)).data)
        digest.update(memoryview(chars)[start:stop] if chars is not None else b"")
        if column.null_count:
            digest.update(np.asarray(column.is_null(), dtype=bool).data)
        else:
            digest.update(b"no missing")
    return True


def fit(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str | None = None,
    design: str | None = None,
    row: str | None = None,
    column: str | None = None,
) -> DesignFit:
    r"""Fit the additive fixed-effects model of a field design.

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot.
    response : str
        Response column, e.g. ``"yield_kg_ha"``; blanks (NaN) are missing plots.
    treatment : str
        Treatment column.
    block : str, optional
        Block (replicate) column; required for ``design="rcbd"``, ignored otherwise.
    design : {"crd", "rcbd", "latin"}, optional
        ``crd``: response ~ treatment; ``rcbd``: response ~ treatment + block;
        ``latin``: response ~ treatment + row + column.  Default: ``"rcbd"`` when
        ``block`` is given, ``"latin"`` with ``row`` and ``column``, else ``"crd"``.
    row, column : str, optional
        Row and column factors of a Latin square (``design="latin"``).

    Returns
    -------
    DesignFit
        LS-means (blocks/rows/columns weighted equally), their covariance, MSE,
        error df, fitted values, residuals, leverages and the missing cells.

    Raises
    ------
    DataValidationError
        Unknown design, missing columns, non-numeric response, a treatment level
        without any observed plot, or a treatment mean that is not estimable
        (disconnected design).

    Notes
    -----
    Plots with a blank response are dropped from the fit but listed in
    ``missing_cells``; every observed plot is kept (no block is dropped).  A
    block without any observed plot carries no information and is left out of
    the LS-mean average (listed as missing).  With one plot per treatment
    (``df_error == 0``) ``mse`` and ``lsmeans_cov`` are NaN; no exception.

    A complete, balanced design is solved in closed form (:func:`orthogonal_fit`), an
    unbalanced one of more than 50 treatments with the treatments absorbed
    (:mod:`yieldtrial.stats._absorb`: no ``n x p`` or ``k x k`` array; a 10,000-entry RCBD
    with missing plots fits in a second), an unbalanced CRD or RCBD too large for the
    dense fit with the blocks absorbed (:mod:`yieldtrial.stats._absorb_blocks`: a ``k x k``
    reduced system, memory ``O(n + q + k^2)``; :func:`blocks_absorbed`), any other by the
    SVD of the model matrix.  The last few fits are cached on the content of the columns
    used (values, dtypes, categories, index), so a report that asks for the same model
    several times fits it once; the returned object is shared: do not modify its arrays in
    place.

    The LS-mean of treatment *i* is :math:`L_i \hat\beta`, the average of the
    model's predictions over all cells of the reference grid (every block, or
    every row and column) with equal weights; its covariance is
    :math:`\\mathrm{MSE}\\, L (X'X)^- L'` [1]_ [2]_.

    References
    ----------
    .. [1] Searle, S.R., Speed, F.M. and Milliken, G.A. (1980). Population
       marginal means in the linear model: an alternative to least squares
       means. The American Statistician 34(4), 216-221.
    .. [2] Gomez, K.A. and Gomez, A.A. (1984). Statistical Procedures for
       Agricultural Research, 2nd ed. Wiley. Ch. 2 (CRD, RCBD, Latin square)
       and ch. 7 (missing data).

    Examples
    --------
    >>> df = pd.DataFrame({"treatment": list("ABAB"), "block": ["1", "1", "2", "2"],
    ...                    "y": [10.0, 12.0, 14.0, 18.0]})
    >>> f = fit(df, response="y", treatment="treatment", block="block")
    >>> f.formula, f.lsmeans.tolist(), f.df_error, f.mse
    ('y ~ treatment + block', [12.0, 15.0], 1, 1.0)
    """
    design = default_design(design, block, row=row, column=column)
    factors = design_factors(design, treatment=treatment, block=block, row=row, column=column)
    args = (response, treatment, block, design, row, column)
    if response is None:  # skipped by the cache key, then a KeyError reading the column
        check_columns(data, {"response": response})
    if isinstance(data, pd.DataFrame):  # before the cache key reads each column's dtype
        named = {"response": response, "treatment": treatment, "block": block}
        repeated_columns(data, {**named, "row": row, "column": column})
        if design == "latin" and row in data and column in data:  # stop 40
            from yieldtrial.io.validation import check_shared_positions

            check_shared_positions(data, row=str(row), column=str(column))
    key = fit_key(data, [response, *factors], args)
    level_free = None
    if key is not None and key not in _fit_cache:
        # the same plots with the treatment levels in another order (a report's ANOVA on the
        # text column, its means on the display-ordered categorical): reordered, not refitted
        level_free = _level_free_key(data, args, factors, treatment)
        again = _reordered_cached_fit(data, level_free, treatment)
        if again is not None:
            return cached_fit(_fit_cache, _FIT_CACHE_SIZE, key, lambda: again)
    result = cached_fit(
        _fit_cache, _FIT_CACHE_SIZE, key,
        lambda: _fit(data, factors=factors, response=response, treatment=treatment,
                     block=block, design=design, row=row, column=column),
    )  # fmt: skip
    if key is not None and level_free is not None:
        _level_free_keys[key] = level_free
        for old in [k for k in _level_free_keys if k not in _fit_cache]:
            del _level_free_keys[old]
    return result


#: Key of each cached fit without its treatment column (:func:`_level_free_key`).
_level_free_keys: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _level_free_key(
    data: pd.DataFrame, args: tuple[Any, ...], factors: Sequence[str], treatment: str
) -> tuple[Any, ...] | None:
    """Content key of a fit's columns other than the treatment column (None: not keyed)."""
    others = [c for c in dict.fromkeys([args[0], *factors]) if c != treatment]
    raw = _raw_content_digest(data, others)
    return None if raw is None else (*args, data.shape[0], "level-free", raw)


def _reordered_cached_fit(
    data: pd.DataFrame, level_free: tuple[Any, ...] | None, treatment: str
) -> DesignFit | None:
    """Return a cached fit of the same plots in ``data``'s treatment order, or None.

    Only a fit solved in closed form (:func:`orthogonal_fit`: complete, balanced, every plot
    observed) is reordered: its LS-means, residuals and variances are sums taken plot by
    plot into per-level totals, so numbering the levels differently gives the same numbers
    to the last bit, in another order.  Any other fit is computed afresh.
    """
    if level_free is None:
        return None
    for key, other in list(_level_free_keys.items()):
        if other == level_free and key in _fit_cache:
            again = _in_treatment_order(_fit_cache[key], data, treatment)
            if again is not None:
                return again
    return None


def _in_treatment_order(model: DesignFit, data: pd.DataFrame, treatment: str) -> DesignFit | None:
    """Return ``model`` with the treatment levels in the order of ``data``, or None.

    Parameters
    ----------
    model : DesignFit
        A closed-form fit of the same plots and labels.
    data : DataFrame
        The plots, whose treatment column gives the order of the levels.
    treatment : str
        The treatment column.

    Returns
    -------
    DesignFit or None
        The fit with its levels reordered; None when it cannot be reordered without
        refitting (a missing cell, a covariance that is not diagonal, other labels).
    """
    from dataclasses import replace

    cov = model.lsmeans_cov
    if (
        not isinstance(cov, DiagonalCovariance)
        or model.lsmeans_centred is None
        or model.n_obs != len(data)  # every plot observed: no missing cell to reorder
        or len(model.missing_cells)
        or not _closed_form(model)
    ):
        return None
    try:
        codes, labels = levels_of(data[treatment], column=treatment, narrow=True)
    except DataValidationError:
        return None  # the fit itself names the problem
    where = {label: i for i, label in enumerate(model.levels)}
    if len(labels) != len(where) or any(label not in where for label in labels):
        return None
    perm = np.array([where[label] for label in labels], dtype=np.int64)
    if not _same_labels(perm, codes, model.codes[treatment]):  # every plot's label
        return None
    if np.array_equal(perm, np.arange(perm.size)):
        # the levels in the same order: the codes are equal, one array serves both fits
        codes = model.codes[treatment]
    return replace(
        model,
        data=private_rows(data, np.ones(len(data), dtype=bool)),
        levels=labels,
        n=model.n[perm],
        lsmeans=model.lsmeans[perm],
        lsmeans_cov=DiagonalCovariance(cov.diag[perm], off=cov.off),
        missing_cells=model.missing_cells.copy(),
        factor_levels={**model.factor_levels, treatment: labels},
        codes={**model.codes, treatment: codes},
        lsmeans_centred=model.lsmeans_centred[perm],
        # a fit that computes its fitted values: the treatment effects in the new numbering
        # (effect[perm][new code] is effect[old code]: the same sums, the same bits)
        effects=(
            None
            if model.effects is None
            else (
                model.effects[0],
                {**model.effects[1], treatment: model.effects[1][treatment][perm]},
            )
        ),
    )


def _same_labels(perm: np.ndarray, codes: np.ndarray, reference: np.ndarray) -> bool:
    """Whether ``perm[codes]`` equals ``reference``, a span of plots at a time."""
    if codes.shape != reference.shape:
        return False
    return all(
        np.array_equal(perm[codes[lo : lo + _SPAN]], reference[lo : lo + _SPAN])
        for lo in range(0, codes.size, _SPAN)
    )


def _closed_form(model: DesignFit) -> bool:
    """Whether :func:`orthogonal_fit` solved ``model`` (its factors complete and balanced)."""
    factors = [term[0] for term in model.terms if len(term) == 1]
    if len(factors) != len(model.terms) or model.n_obs == 0:
        return False
    n_levels = {f: len(model.factor_levels[f]) for f in factors}
    for f in factors:
        counts = np.bincount(model.codes[f], minlength=n_levels[f])
        if counts[0] == 0 or np.any(counts != counts[0]):
            return False
    for i, a in enumerate(factors):
        for b in factors[i + 1 :]:
            # numbered in int64 (int32 codes: n_a * n_b may pass 2^31), a span at a time
            size = n_levels[a] * n_levels[b]
            cells = cell_counts(model.codes[a], model.codes[b], n_levels[b], size)
            if np.any(cells != cells[0]):
                return False
    return True


def cached_fit(
    cache: OrderedDict[tuple[Any, ...], Any],
    size: int,
    key: tuple[Any, ...] | None,
    compute: Callable[[], Any],
) -> Any:
    """Return ``cache[key]`` (most recently used) or ``compute()``, kept among the last ``size``.

    The least-recently-used fit cache of :func:`fit` and of
    :func:`yieldtrial.stats.trial_analysis.model_fit`; ``key`` None (:func:`fit_key` could
    not hash the data) computes without caching.
    """
    if key is not None and key in cache:
        cache.move_to_end(key)
        return cache[key]
    result = compute()
    if key is not None:
        cache[key] = result
        while len(cache) > size:
            cache.popitem(last=False)
    return result


#: Largest working memory of the dense least-squares fit of an unbalanced design [bytes]:
#: the model matrix, its SVD factors and the ``k x k`` LS-mean covariance.
DENSE_FIT_MAX_BYTES = 4 * 1024**3

#: A CRD or RCBD whose dense fit would need more than this [bytes] is fitted with the blocks
#: absorbed (the same numbers; a 40-entry RCBD of 1,000 blocks with one missing plot takes
#: 15 s per dense fit and 0.02 s absorbed, stop 31).  Smaller trials keep the SVD path.
ABSORB_BLOCKS_ABOVE_BYTES = 64 * 1024**2


def _dense_bytes(n_obs: int, n_levels: Mapping[str, int], treatment: str) -> int:
    """Working memory of the dense least-squares fit [bytes]."""
    p = 1 + sum(v - 1 for v in n_levels.values())
    k = n_levels[treatment]
    return 8 * (3 * n_obs * p + 2 * p * p + 2 * k * k)


def blocks_absorbed(n_obs: int, n_levels: Mapping[str, int], treatment: str) -> bool:
    """Whether an unbalanced model is fitted with the blocks absorbed.

    True for ``treatment`` alone (CRD) or with one blocking factor (RCBD) when the dense
    fit would need more than :data:`ABSORB_BLOCKS_ABOVE_BYTES` (many blocks, or many
    plots); the fit of :mod:`yieldtrial.stats._absorb_blocks` then gives the same numbers
    from a ``k x k`` system, in far less time.  A Latin square keeps the dense fit (and its
    memory check).
    """
    need = _dense_bytes(n_obs, n_levels, treatment)
    return len(n_levels) <= 2 and need > ABSORB_BLOCKS_ABOVE_BYTES


def _check_dense_size(
    n_obs: int, n_levels: Mapping[str, int], *, treatment: str, response: str
) -> None:
    """Refuse an unbalanced fit whose dense SVD would not fit in memory (clear message)."""
    p = 1 + sum(v - 1 for v in n_levels.values())
    k = n_levels[treatment]
    need = _dense_bytes(n_obs, n_levels, treatment)
    if need > DENSE_FIT_MAX_BYTES:
        raise DataValidationError(
            f"{k:,} treatments with missing plots (or unequal replication) need the dense "
            f"least-squares fit of {n_obs:,} plots x {p:,} parameters, about "
            f"{need / 1024**3:.0f} GiB of memory (complete, balanced trials of any size are "
            f"fitted in closed form). Supply every plot's {response!r}, or analyse the trial "
            "in parts (e.g. by group of entries with shared checks)."
        )


def _check_estimable(ok: np.ndarray, levels: Sequence[str]) -> None:
    """Refuse a fit whose treatment LS-means are not all estimable (disconnected design)."""
    if not ok.all():
        bad = [levels[int(i)] for i in np.flatnonzero(~ok)]
        raise DataValidationError(
            f"the mean of treatment level(s) {', '.join(map(repr, bad))} is not estimable: "
            "the design is disconnected (treatments and blocks/rows/columns do not overlap "
            "enough). Check the block labels or analyse the disconnected parts separately."
        )


def _fit(
    data: pd.DataFrame,
    *,
    factors: list[str],
    response: str,
    treatment: str,
    block: str | None,
    design: str,
    row: str | None,
    column: str | None,
) -> DesignFit:
    """Fit the model (the uncached work behind :func:`fit`)."""
    check_columns(
        data,
        {
            "response": response,
            "treatment": treatment,
            **({"block": block} if design == "rcbd" else {}),
            **({"row": row, "column": column} if design == "latin" else {}),
        },
    )
    if len(set(factors) | {response}) != len(factors) + 1:
        raise DataValidationError(
            f"response and factor columns must be distinct; got response={response!r}, "
            f"factors {factors}."
        )
    if data.shape[0] == 0:
        raise DataValidationError("data has no rows; expected one row per plot.")

    y_all = numeric_response(data, response)
    observed = ~np.isnan(y_all)
    all_codes: dict[str, np.ndarray] = {}
    all_labels: dict[str, tuple[str, ...]] = {}
    for f in factors:
        all_codes[f], all_labels[f] = levels_of(data[f], column=f, narrow=True)

    missing = _missing_cells(
        data, observed, design=design, factors=factors, labels=all_labels, codes=all_codes
    )

    # treatment levels: every level present in data needs >= 1 observed plot
    t_codes_all = all_codes[treatment]
    n_all = np.bincount(
        t_codes_all if observed.all() else t_codes_all[observed],
        minlength=len(all_labels[treatment]),
    )
    empty = [all_labels[treatment][i] for i in np.flatnonzero(n_all == 0)]
    if empty:
        raise DataValidationError(
            f"treatment level(s) {', '.join(map(repr, empty))} in column {treatment!r} have no "
            f"observed {response!r} (all plots blank); their mean cannot be estimated. Supply at "
            "least one observed plot or remove the level."
        )

    codes: dict[str, np.ndarray] = {}
    labels: dict[str, tuple[str, ...]] = {}
    every = bool(observed.all())
    for f in factors:
        # every plot observed (the usual case): the codes themselves, not a copy (issue 13)
        c = all_codes[f] if every else all_codes[f][observed]
        present = np.flatnonzero(np.bincount(c, minlength=len(all_labels[f])))
        if present.size == len(all_labels[f]):
            codes[f] = c  # every level observed: the renumbering is the identity
        else:
            remap = np.full(len(all_labels[f]), -1, dtype=c.dtype)
            remap[present] = np.arange(present.size)
            codes[f] = remap[c]
        labels[f] = tuple(all_labels[f][i] for i in present)
    del all_codes, t_codes_all

    y = y_all if every else y_all[observed]
    centre = float(np.mean(y))
    yc = y - centre
    terms: tuple[Term, ...] = tuple((f,) for f in factors)
    n_levels = {f: len(labels[f]) for f in factors}
    n_obs = y.size
    k = len(labels[treatment])
    orth = orthogonal_fit(codes, n_levels, yc)
    cov: np.ndarray | DiagonalCovariance | LowRankUpdateCovariance
    sum_sq: dict[Term, tuple[int, float]] | None = None
    if orth is not None:
        # complete and balanced: closed form (same values as the SVD path, see the tests)
        rank, fitted_c, lev = orth.rank, orth.fitted, orth.leverage
        df_error = n_obs - rank
        lsmeans_centred = orth.means[treatment]
        rss = float(orth.residuals @ orth.residuals)
        mse = rss / df_error if df_error > 0 else float("nan")
        # MSE / r * I held as its diagonal: no k x k array (10,000 treatments: 80 kB)
        cov = (
            DiagonalCovariance(np.full(k, mse / orth.count[treatment]))
            if df_error > 0
            else DiagonalCovariance(np.full(k, np.nan), off=np.nan)
        )
        resid_c = orth.residuals
    elif use_absorption(n_levels, treatment):
        # many treatments, unbalanced: treatments absorbed, covariance diag + low rank
        # (stats._absorb; the same numbers as the SVD below, no n x p or k x k array)
        ab = absorbed_fit(codes, n_levels, treatment, yc)
        rank, fitted_c, lev, resid_c = ab.rank, ab.fitted, ab.leverage, ab.residuals
        df_error, mse, cov, lsmeans_centred = ab.df_error, ab.mse, ab.cov, ab.lsmeans
        _check_estimable(ab.estimable, labels[treatment])
    elif blocks_absorbed(n_obs, n_levels, treatment):
        # few treatments, many blocks (or plots), unbalanced: the blocks absorbed, a k x k
        # reduced system (stats._absorb_blocks; the same numbers as the SVD below)
        nuisance = [f for f in factors if f != treatment]
        bf = block_absorbed_fit(
            codes[treatment], codes[nuisance[0]] if nuisance else None, k,
            n_levels[nuisance[0]] if nuisance else 1, yc,
        )  # fmt: skip
        rank, fitted_c, lev, resid_c = bf.rank, bf.fitted, bf.leverage, bf.residuals
        df_error, mse, cov, lsmeans_centred = bf.df_error, bf.mse, bf.cov, bf.lsmeans
        _check_estimable(bf.estimable, labels[treatment])
        sum_sq = {(treatment,): bf.sum_sq["treatment"]}
        if nuisance:
            sum_sq[(nuisance[0],)] = bf.sum_sq["block"]
    else:
        _check_dense_size(n_obs, n_levels, treatment=treatment, response=response)
        x, _ = model_matrix(codes, n_levels, terms)
        sol = least_squares(x, yc)
        rank, fitted_c, lev, resid_c = sol.rank, sol.fitted, sol.leverage, sol.residuals
        df_error = n_obs - sol.rank
        lmat = reference_grid_means(treatment, n_levels, terms)
        _check_estimable(sol.estimable(lmat), labels[treatment])
        lsmeans_centred = lmat @ sol.coef
        if df_error > 0:
            mse = sol.rss / df_error
            a = lmat @ (sol.right.T / sol.singular_values)
            cov = mse * (a @ a.T)
        else:
            mse = float("nan")
            cov = np.full((k, k), np.nan)
    if df_error > 0 and rounding_noise(resid_c, y):
        # an exact fit computed in floating point (yields copied within each treatment, or
        # exactly additive): residuals of rounding noise are no plot-to-plot variation, so
        # the error mean square is 0, as for integer yields (mean separation then refuses)
        resid_c, fitted_c, mse, cov = np.zeros_like(y), yc, 0.0, cov * 0.0
    lsmeans = lsmeans_centred + centre

    effects: tuple[float, dict[str, np.ndarray]] | None = None
    fitted: np.ndarray | None
    residuals: np.ndarray | None
    if (
        orth is not None
        and fitted_c is orth.fitted
        and every
        and df_error > 0
        and n_obs >= COMPUTED_FIT_PLOTS
        and data[response].dtype == np.float64
    ):
        # millions of plots: neither array held, computed when asked (stop 53, issue 13)
        effects = (orth.grand, orth.effects)
        del orth, yc, fitted_c, resid_c
        fitted = residuals = None
    elif orth is not None and fitted_c is orth.fitted:
        # the closed form's own array, referenced nowhere else: the centre added in place
        # (the same sums, no second plot-sized array; issue 13)
        del orth, yc
        fitted = fitted_c
        fitted += centre
        residuals = resid_c
    else:
        residuals, fitted = resid_c, fitted_c + centre
    if df_error == 0:
        # saturated model: the fit is exact, so residuals are 0 (not rounding noise ~1e-13)
        residuals, fitted = np.zeros_like(y), y.copy()
    # the observed rows are copied only now: a fit refused above (a dense fit too large for
    # memory, a disconnected design) never holds a second copy of the table (issue 13)
    used = _observed_rows(data, observed)  # every plot observed: no copy (copy on write)
    index = used.index
    formula = f"{response} ~ " + " + ".join(factors)
    blocks_used = labels[block] if design == "rcbd" and block is not None else ()
    return DesignFit(
        response=response,
        treatment=treatment,
        block=block if design == "rcbd" else None,
        design=design,
        formula=formula,
        data=used,
        levels=labels[treatment],
        n=np.bincount(codes[treatment], minlength=k),
        lsmeans=lsmeans,
        lsmeans_cov=cov,
        mse=float(mse),
        df_error=int(df_error),
        grand_mean=float(centre),
        # the fit's own arrays, referenced nowhere else: wrapped, not copied (pandas 3
        # copies a numpy array into a Series by default: three transient plot-sized copies)
        held_fitted=None
        if fitted is None
        else pd.Series(fitted, index=index, name="fitted", copy=False),
        held_residuals=(
            None
            if residuals is None
            else pd.Series(residuals, index=index, name="residual", copy=False)
        ),
        effects=effects,
        leverage=pd.Series(lev, index=index, name="leverage", copy=False),
        missing_cells=missing,
        rank=int(rank),
        df_model=int(rank - 1),
        blocks=blocks_used,
        row=row if design == "latin" else None,
        column=column if design == "latin" else None,
        terms=terms,
        factor_levels=labels,
        codes=codes,
        centre=centre,
        lsmeans_centred=lsmeans_centred,
        sum_sq=sum_sq,
    )


#: Columns of observed rows taken for fits of tables with missing plots, by content: (the
#: column's name, dtype and values and the table's index, the rows kept) -> (weak reference
#: to the table of the fit that took it, the taken column).  Several fits of one table with
#: a plot missing (a report's ANOVA and LS-means after :meth:`yieldtrial.FieldTrial.exclude`,
#: whose tables differ only in the treatment column's dtype) then share the observed rows
#: of every column they have in common (5.9 million plots: about 1 GB a fit, stop 32).
_observed_columns: dict[tuple[Any, ...], tuple[Any, pd.Series]] = {}


def _observed_rows(data: pd.DataFrame, observed: np.ndarray) -> pd.DataFrame:
    """Return :func:`private_rows` ``(data, observed)``, sharing columns between fits.

    When a plot is missing, ``data.loc[observed].copy()`` copies every column.  Where
    pandas copies on write, a column of the same content (name, dtype, values, and the
    table's index) with the same rows kept as in a table an earlier fit still holds is
    that fit's column (shared, copied on write); the other columns are taken by one
    boolean selection (new arrays, not copied a second time).
    The table has the same columns, dtypes, values, index and ``attrs`` as
    ``data.loc[observed].copy()``.  Tables with repeated column names or a non-integer
    index are copied as before, and so is everything on pandas before 3.
    """
    import copy
    import hashlib
    import weakref
    from typing import cast

    from yieldtrial.stats._common import copy_on_write

    observed = np.asarray(observed, dtype=bool)
    if observed.all() or not copy_on_write() or not data.columns.is_unique:
        return private_rows(data, observed)
    if _raw_content_digest(data, []) is None:  # not an integer index
        return private_rows(data, observed)
    rows = hashlib.sha256(np.packbits(observed).data).hexdigest()
    keys: dict[Any, tuple[Any, ...] | None] = {}
    shared: dict[Any, pd.Series] = {}
    for name in data.columns:
        raw = _raw_content_digest(data, [name])
        keys[name] = None if raw is None else (raw, repr(name), len(observed), rows)
        kept = None if raw is None else _observed_columns.get(keys[name])  # type: ignore[arg-type]
        if kept is not None and kept[0]() is not None:
            shared[name] = kept[1]
    index = data.loc[observed, []].index
    rest = [name for name in data.columns if name not in shared]
    # a boolean selection takes new arrays: no second copy (pandas copies on write here)
    taken = data[rest].loc[observed] if rest else None
    parts = [
        shared[name].set_axis(index) if name in shared else taken[name]  # type: ignore[index]
        for name in data.columns
    ]
    used = cast(pd.DataFrame, pd.concat(parts, axis=1) if parts else data.loc[observed].copy())
    used.columns = data.columns
    used.index = index
    used.attrs = copy.deepcopy(data.attrs)
    used.flags["allows_duplicate_labels"] = data.flags["allows_duplicate_labels"]
    reference = weakref.ref(used)
    stored: list[tuple[Any, ...]] = []
    for name in rest:
        key = keys[name]
        if key is not None:
            _observed_columns[key] = (reference, used[name])
            stored.append(key)
    # the entries live as long as the fit's table: the columns are not held beyond it
    weakref.finalize(used, _forget_observed, stored)
    return used


def _forget_observed(keys: list[tuple[Any, ...]]) -> None:
    """Drop the :data:`_observed_columns` entries of a table no fit holds any more."""
    for key in keys:
        kept = _observed_columns.get(key)
        if kept is not None and kept[0]() is None:
            del _observed_columns[key]


def fit_means_model(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str | None,
    design: str,
    row: str | None,
    column: str | None,
) -> MeansModel:
    """Fit the additive design model and reduce it to the treatment LS-means."""
    fitted = fit(
        data, response=response, treatment=treatment, block=block, design=design, row=row,
        column=column,
    )  # fmt: skip
    return fitted.means_model()
