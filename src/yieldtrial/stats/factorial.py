"""Two-factor (factorial) treatments in a CRD or RCBD: main effects, interaction, simple effects.

Fertilizer trials are often factorial: product x rate, N x P, variety x
nitrogen.  :func:`factorial_anova` fits

* CRD: ``y ~ A + B + A:B``
* RCBD: ``y ~ block + A + B + A:B``

by least squares with the design engine of :mod:`yieldtrial.stats.model`
(centred response, SVD, projections), so missing plots are handled (every cell
needs at least one observed plot).  It returns the ANOVA (type II sums of
squares, equal to the classical sequential ones for balanced data), the LS-means
of each factor and of every combination, and the simple effects: the F test of
one factor within each level of the other, which is what should be reported
when the interaction is significant (Gomez & Gomez 1984, sec. 3.1).

Each set of means reduces to a :class:`~yieldtrial.stats.results.MeansModel`,
so Dunnett, Tukey, Duncan and letters run on it unchanged.

References
----------
.. [1] Gomez, K. A. and Gomez, A. A. (1984). Statistical Procedures for
   Agricultural Research, 2nd ed. Wiley. Ch. 3 (factorial experiments).
.. [2] Montgomery, D. C. Design and Analysis of Experiments. Wiley. Ch. 5
   (the two-factor factorial design; battery life example).
.. [3] Searle, S. R., Speed, F. M. and Milliken, G. A. (1980). Population
   marginal means in the linear model. The American Statistician 34(4), 216-221.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.stats._common import (
    check_alpha,
    numeric_column,
    reject_reserved_names,
    rounding_noise,
)
from yieldtrial.stats._strata import factor_levels, two_way_table
from yieldtrial.stats.results import MeansModel, Provenance

__all__ = ["FactorialAnova", "factorial_anova"]

Term = tuple[str, ...]


@dataclass(frozen=True, eq=False)
class FactorialAnova:
    """ANOVA, LS-means and simple effects of a two-factor trial.

    Attributes
    ----------
    design : str
        ``"factorial_crd"`` or ``"factorial_rcbd"``.
    response, factor_a, factor_b : str
        Column names.
    block : str or None
        Block column (RCBD).
    levels : dict of str to tuple of str
        Level labels of each factor (and the block).
    table : pandas.DataFrame
        ``source``, ``df``, ``sum_sq``, ``mean_sq``, ``f``, ``p_value``,
        ``error_term`` (``residual``); rows block (RCBD), A, B, A:B, residual,
        total.
    simple_effects : pandas.DataFrame
        ``effect`` (factor tested), ``within`` (the other factor), ``at`` (its
        level), ``df``, ``sum_sq``, ``mean_sq``, ``f``, ``p_value``,
        ``error_term``: one F test of each factor within each level of the other.
    means : pandas.DataFrame
        LS-mean of every combination: A level, B level, ``mean``, ``se``, ``n``.
    grand_mean : float
        Mean of the observed plots. [response unit]
    cv_pct : float
        ``100 sqrt(MSE) / grand mean``. [%]
    mse : float
        Residual mean square. [response unit squared]
    df_error : int
        Residual degrees of freedom.
    alpha : float
        Level used for :attr:`interaction_significant`.
    interaction_significant : bool
        Whether the A:B F test has ``p < alpha``; if so compare simple effects
        (``means_model(A, at=<B level>)``) rather than main-effect means.
    provenance : Provenance
        Design, model, error term, df, test, alpha.
    """

    design: str
    response: str
    factor_a: str
    factor_b: str
    block: str | None
    levels: dict[str, tuple[str, ...]]
    table: pd.DataFrame
    simple_effects: pd.DataFrame
    means: pd.DataFrame
    grand_mean: float
    cv_pct: float
    mse: float
    df_error: int
    alpha: float
    interaction_significant: bool
    provenance: Provenance
    _models: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(repr=False)
    _centred: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def interaction(self) -> str:
        """Name of the interaction term, ``"A:B"``."""
        return f"{self.factor_a}:{self.factor_b}"

    @property
    def note(self) -> str:
        """One-line guidance on which means to compare."""
        row = self.table.loc[self.table["source"] == self.interaction].to_dict("records")[0]
        if self.interaction_significant:
            return (
                f"{self.interaction} interaction significant (F = {row['f']:.2f}, "
                f"p = {row['p_value']:.3g} < {self.alpha:g}): compare {self.factor_a} "
                f"within each {self.factor_b} level and vice versa (simple effects), not "
                "main-effect means."
            )
        return (
            f"{self.interaction} interaction not significant (p = {row['p_value']:.3g}): "
            "main-effect means summarize each factor."
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the ANOVA table, provenance in ``attrs["provenance"]``."""
        frame = self.table.copy()
        frame.attrs["provenance"] = self.provenance.to_dict()
        return frame

    def means_table(self) -> pd.DataFrame:
        """Two-way table of LS-means with marginal LS-means (``mean`` row and column)."""
        a_levels, b_levels = self.levels[self.factor_a], self.levels[self.factor_b]
        cells = self._models[self.interaction][0].reshape(len(a_levels), len(b_levels))
        return two_way_table(
            cells,
            (self.factor_a, a_levels, self._models[self.factor_a][0]),
            (self.factor_b, b_levels, self._models[self.factor_b][0]),
            self.provenance,
        )

    def means_model(self, factor: str, *, at: str | None = None) -> MeansModel:
        """LS-means of a factor, of the combinations, or of a factor at one level of the other.

        Parameters
        ----------
        factor : str
            ``factor_a``, ``factor_b`` or the interaction ``"A:B"`` (every
            combination, levels labelled ``"a1:b1"``).
        at : str, optional
            With ``factor`` = A or B: the level of the *other* factor at which
            to take the means (simple effects).

        Returns
        -------
        MeansModel
            Error term ``residual`` with the residual df.

        Raises
        ------
        DataValidationError
            Unknown factor or level.
        """
        names = (self.factor_a, self.factor_b, self.interaction)
        if factor not in names:
            raise DataValidationError(
                f"unknown factor {factor!r}; expected one of {', '.join(names)}"
            )
        a_levels, b_levels = self.levels[self.factor_a], self.levels[self.factor_b]
        if at is None or factor == self.interaction:
            if at is not None:
                raise DataValidationError("at= applies to a single factor, not the interaction")
            est, cov, n = self._models[factor]
            centred = self._centred.get(factor)
            if factor == self.interaction:
                levels = tuple(f"{a}:{b}" for a, b in product(a_levels, b_levels))
            else:
                levels = self.levels[factor]
            label = ""
        else:
            other = self.factor_b if factor == self.factor_a else self.factor_a
            other_levels = self.levels[other]
            if str(at) not in other_levels:
                raise DataValidationError(
                    f"at={at!r} is not a level of {other!r}; levels: {', '.join(other_levels)}"
                )
            pos = other_levels.index(str(at))
            grid = np.arange(len(a_levels) * len(b_levels)).reshape(len(a_levels), len(b_levels))
            idx = grid[:, pos] if factor == self.factor_a else grid[pos, :]
            c_est, c_cov, c_n = self._models[self.interaction]
            est, cov, n = c_est[idx], c_cov[np.ix_(idx, idx)], c_n[idx]
            c_centred = self._centred.get(self.interaction)
            centred = None if c_centred is None else c_centred[idx]
            levels = self.levels[factor]
            label = f" at {other}={at}"
        return MeansModel(
            factor=factor,
            levels=tuple(levels),
            estimates=est.copy(),
            cov=cov.copy(),
            df=float(self.df_error),
            n=n.copy(),
            mse=self.mse,
            error_term="residual" + label,
            design=self.design,
            formula=self.provenance.model,
            response=self.response,
            estimates_centred=None if centred is None else np.array(centred, dtype=float),
        )

    def __repr__(self) -> str:
        """One line: design, model, factors and levels, interaction verdict (no tables)."""
        return (
            f"FactorialAnova(design={self.design!r}, model={self.provenance.model!r}, "
            f"levels={ {f: len(self.levels[f]) for f in (self.factor_a, self.factor_b)} }, "
            f"df_error={self.df_error}, interaction_significant={self.interaction_significant})"
        )

    def _repr_html_(self) -> str:
        return (
            f"<p><b>Factorial ANOVA</b> ({self.provenance.model})</p>"
            + self.table.to_html(index=False)
            + f"<p>{self.note}</p>"
        )


def _grid_rows(n_levels: dict[str, int], terms: list[Term], fixed: dict[str, int]) -> np.ndarray:
    """Mean model-matrix row over the reference grid with some factors fixed."""
    from yieldtrial.stats.model import model_matrix

    factors = list(n_levels)
    ranges = [[fixed[f]] if f in fixed else range(n_levels[f]) for f in factors]
    grid = np.array(list(product(*ranges)), dtype=int)
    x, _ = model_matrix({f: grid[:, i] for i, f in enumerate(factors)}, n_levels, terms)
    return np.asarray(x.mean(axis=0))


def _wald(
    lmat: np.ndarray, coef: np.ndarray, xtx_pinv: np.ndarray, mse: float, df_error: int
) -> tuple[int, float, float, float]:
    """Wald F test of ``L beta = 0``: (df, sum of squares, F, p)."""
    from yieldtrial.stats._univariate import f_sf  # scipy.stats.f.sf, bit for bit

    est = lmat @ coef
    middle = lmat @ xtx_pinv @ lmat.T
    q = int(np.linalg.matrix_rank(middle))
    ss = float(est @ np.linalg.pinv(middle) @ est)
    f = ss / q / mse
    return q, ss, f, float(f_sf(f, q, df_error))


def factorial_anova(
    data: pd.DataFrame,
    *,
    response: str,
    factor_a: str,
    factor_b: str,
    block: str | None = None,
    alpha: float = 0.05,
) -> FactorialAnova:
    """ANOVA of a two-factor factorial in a CRD (``block=None``) or an RCBD.

    Parameters
    ----------
    data : pandas.DataFrame
        Long data, one row per plot.
    response : str
        Response column, e.g. ``"yield_kg_ha"``; blanks are missing plots.
    factor_a, factor_b : str
        The two treatment factor columns (e.g. ``"product"``, ``"rate"``).
    block : str, optional
        Block (replicate) column for an RCBD; None for a CRD.
    alpha : float, default 0.05
        Level for :attr:`FactorialAnova.interaction_significant`. [-]

    Returns
    -------
    FactorialAnova
        ANOVA table, simple effects, LS-means (per factor, per combination,
        per factor at each level of the other) and provenance.

    Raises
    ------
    DataValidationError
        Missing columns, non-numeric response, a factor with one level, a
        combination without any observed plot, or no residual df
        (unreplicated).

    Examples
    --------
    >>> df = pd.DataFrame({"n": ["0", "0", "1", "1"] * 2, "p": ["0", "1"] * 4,
    ...                    "y": [4.0, 5.0, 6.0, 9.0, 4.2, 5.2, 6.2, 8.8]})
    >>> res = factorial_anova(df, response="y", factor_a="n", factor_b="p")
    >>> res.table["source"].tolist()
    ['n', 'p', 'n:p', 'residual', 'total']
    >>> round(float(res.means_table().loc["1", "1"]), 10)
    8.9
    """
    from yieldtrial.stats._univariate import f_sf  # scipy.stats.f.sf, bit for bit
    from yieldtrial.stats.model import (
        check_columns,
        least_squares,
        model_matrix,
        reference_grid_means,
    )

    check_alpha(alpha)
    check_columns(
        data, {"response": response, "factor_a": factor_a, "factor_b": factor_b, "block": block}
    )
    used_cols = [c for c in (response, factor_a, factor_b, block) if c is not None]
    if len(set(used_cols)) != len(used_cols):
        raise DataValidationError(
            f"response, factors and block must be different columns; got {used_cols}"
        )
    reject_reserved_names((factor_a, factor_b, block), ("residual", "total"))
    y_all = numeric_column(data, response, fix="Fix the value or blank it (missing plot).")
    observed = np.isfinite(y_all)
    used = data.loc[observed]
    if used.shape[0] == 0:
        raise DataValidationError(f"no observed values in column {response!r}")
    factors = [f for f in (block, factor_a, factor_b) if f is not None]
    codes: dict[str, np.ndarray] = {}
    labels: dict[str, tuple[str, ...]] = {}
    for f in factors:
        codes[f], labels[f] = factor_levels(used[f], f)
        if len(labels[f]) < 2:
            raise DataValidationError(
                f"column {f!r} has a single level ({', '.join(labels[f])}) among the observed "
                "plots; a factorial analysis needs at least two levels"
            )
    a_levels, b_levels = labels[factor_a], labels[factor_b]
    cell_n = np.zeros((len(a_levels), len(b_levels)), dtype=int)
    np.add.at(cell_n, (codes[factor_a], codes[factor_b]), 1)
    if (cell_n == 0).any():
        empty = [
            f"{factor_a}={a_levels[i]}, {factor_b}={b_levels[j]}"
            for i, j in np.argwhere(cell_n == 0)
        ]
        raise DataValidationError(
            f"combination(s) without any observed plot: {'; '.join(empty)}. The interaction "
            "cannot be estimated; every combination needs at least one observed plot."
        )

    y = y_all[observed]
    centre = float(np.mean(y))
    yc = y - centre
    n_levels = {f: len(labels[f]) for f in factors}
    blk: list[Term] = [(block,)] if block is not None else []
    term_a: Term = (factor_a,)
    term_b: Term = (factor_b,)
    term_ab: Term = (factor_a, factor_b)
    full_terms = [*blk, term_a, term_b, term_ab]

    def fit(terms: list[Term]) -> Any:
        x, _ = model_matrix(codes, n_levels, terms)
        return least_squares(x, yc)

    full = fit(full_terms)
    df_error = int(y.size - full.rank)
    if df_error <= 0:
        raise DataValidationError(
            f"no residual degrees of freedom ({y.size} plots for {full.rank} parameters): "
            "the factorial is unreplicated. Add replicates, or pool the interaction as error."
        )
    if rounding_noise(full.residuals, y):
        raise DataValidationError(
            f"the factorial model of {response!r} fits every yield exactly (error sum of "
            "squares 0: no plot-to-plot variation), as when the yields are identical within "
            "each combination of the factors or were copied; no F test or standard error is "
            "possible: check the yield values"
        )
    mse = full.rss / df_error
    additive = fit([*blk, term_a, term_b])

    def term_row(source: str, reduced: Any, bigger: Any) -> dict[str, Any]:
        diff = bigger.fitted - reduced.fitted
        df = int(bigger.rank - reduced.rank)
        ss = float(diff @ diff)
        ms = ss / df if df > 0 else float("nan")
        f = ms / mse if mse > 0 else float("nan")
        return dict(
            source=source,
            df=df,
            sum_sq=ss,
            mean_sq=ms,
            f=f,
            p_value=float(f_sf(f, df, df_error)) if np.isfinite(f) else np.nan,
            error_term="residual",
        )

    rows = []
    if block is not None:
        rows.append(term_row(block, fit([term_a, term_b, term_ab]), full))
    rows.append(term_row(factor_a, fit([*blk, term_b]), additive))
    rows.append(term_row(factor_b, fit([*blk, term_a]), additive))
    rows.append(term_row(f"{factor_a}:{factor_b}", additive, full))
    rows.append(
        dict(
            source="residual",
            df=df_error,
            sum_sq=full.rss,
            mean_sq=mse,
            f=np.nan,
            p_value=np.nan,
            error_term="",
        )
    )
    rows.append(
        dict(
            source="total",
            df=int(y.size - 1),
            sum_sq=float(yc @ yc),
            mean_sq=np.nan,
            f=np.nan,
            p_value=np.nan,
            error_term="",
        )
    )
    table = pd.DataFrame(
        rows, columns=["source", "df", "sum_sq", "mean_sq", "f", "p_value", "error_term"]
    )

    # LS-means: marginal (reference grid, blocks weighted equally) and per combination
    pinv = full.xtx_pinv()
    l_a = reference_grid_means(factor_a, n_levels, full_terms)
    l_b = reference_grid_means(factor_b, n_levels, full_terms)
    l_ab = np.vstack(
        [
            _grid_rows(n_levels, full_terms, {factor_a: i, factor_b: j})
            for i, j in product(range(len(a_levels)), range(len(b_levels)))
        ]
    )
    models: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    centred_means: dict[str, np.ndarray] = {}
    n_a = cell_n.sum(axis=1)
    n_b = cell_n.sum(axis=0)
    for name, lmat, n in (
        (factor_a, l_a, n_a),
        (factor_b, l_b, n_b),
        (f"{factor_a}:{factor_b}", l_ab, cell_n.reshape(-1)),
    ):
        if not full.estimable(lmat).all():
            raise DataValidationError(
                f"the LS-means of {name!r} are not estimable (disconnected design); check "
                "the block labels"
            )
        centred_means[name] = lmat @ full.coef  # LS-means minus the centre (full precision)
        models[name] = (
            centred_means[name] + centre,
            mse * (lmat @ pinv @ lmat.T),
            np.asarray(n, dtype=int),
        )

    # simple effects: each factor within each level of the other (Wald F on cell means)
    simple: list[dict[str, Any]] = []
    a, b = len(a_levels), len(b_levels)
    cells = l_ab.reshape(a, b, -1)
    for effect, within, within_levels in (
        (factor_a, factor_b, b_levels),
        (factor_b, factor_a, a_levels),
    ):
        for pos, level in enumerate(within_levels):
            group = cells[:, pos, :] if effect == factor_a else cells[pos, :, :]
            contrasts = group[1:] - group[0]
            q, ss, f_value, p_value = _wald(contrasts, full.coef, pinv, mse, df_error)
            simple.append(
                dict(
                    effect=effect,
                    within=within,
                    at=level,
                    df=q,
                    sum_sq=ss,
                    mean_sq=ss / q,
                    f=f_value,
                    p_value=p_value,
                    error_term="residual",
                )
            )
    simple_effects = pd.DataFrame(simple)

    c_est, c_cov, c_n = models[f"{factor_a}:{factor_b}"]
    means = pd.DataFrame(
        {
            factor_a: np.repeat(a_levels, b),
            factor_b: np.tile(b_levels, a),
            "mean": c_est,
            "se": np.sqrt(np.clip(np.diag(c_cov), 0, None)),
            "n": c_n,
        }
    )
    design = "factorial_rcbd" if block is not None else "factorial_crd"
    formula = f"{response} ~ {factor_a} * {factor_b}" + (f" + {block}" if block else "")
    prov = Provenance(
        design=design,
        model=formula,
        error_term="residual",
        df_error=float(df_error),
        test="F",
        alpha=float(alpha),
        sum_of_squares="type II",
    )
    for frame in (table, simple_effects, means):
        frame.attrs["provenance"] = prov.to_dict()
    p_ab = float(table.loc[table["source"] == f"{factor_a}:{factor_b}", "p_value"].iloc[0])
    return FactorialAnova(
        design=design,
        response=response,
        factor_a=factor_a,
        factor_b=factor_b,
        block=block,
        levels={f: labels[f] for f in factors},
        table=table,
        simple_effects=simple_effects,
        means=means,
        grand_mean=centre,
        cv_pct=100.0 * float(np.sqrt(mse)) / centre if centre != 0 else float("nan"),
        mse=float(mse),
        df_error=df_error,
        alpha=float(alpha),
        interaction_significant=bool(p_ab < alpha),
        provenance=prov,
        _models=models,
        _centred=centred_means,
    )
