"""Analysis of variance of a field design (CRD, RCBD, Latin square, split/strip plot, factorial).

:func:`anova` is the one entry point for every design.  For ``crd``, ``rcbd``
and ``latin`` it fits the design model (:func:`yieldtrial.stats.model.fit`) and
returns an :class:`AnovaResult`: the ANOVA table (type II sums of squares,
each computed as the squared norm of the difference of two least-squares
projections of the centred response), the grand mean, MSE, error df, CV, SED,
LSD and the relative efficiency of the blocking.  ``anova`` never warns;
suspicious trials (high CV, few error df) are flagged by
:func:`yieldtrial.stats.residual_checks.diagnostics`.  ``design="split_plot"`` and
``"strip_plot"`` dispatch to :func:`yieldtrial.stats.splitplot.split_plot_anova`
/ :func:`~yieldtrial.stats.splitplot.strip_plot_anova` (ANOVA by stratum,
:class:`~yieldtrial.stats.splitplot.StrataAnova`), ``design="factorial"`` to
:func:`yieldtrial.stats.factorial.factorial_anova`
(:class:`~yieldtrial.stats.factorial.FactorialAnova`); every result has
``.table``, ``.provenance``, ``to_frame()`` and a ``means_model(...)`` for the
comparisons.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.stats._absorb import absorbed_sums_of_squares, use_absorption
from yieldtrial.stats._common import (
    check_alpha,
    default_design,
    rounding_noise,
    two_factor_columns,
)
from yieldtrial.stats.model import (
    DesignFit,
    Term,
    cell_counts,
    fit,
    least_squares,
    model_matrix,
    orthogonal_sums_of_squares,
)
from yieldtrial.stats.results import Provenance

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.stats.factorial import FactorialAnova
    from yieldtrial.stats.splitplot import StrataAnova

__all__ = [
    "ANOVA_COLUMNS",
    "ANOVA_DESIGNS",
    "AnovaResult",
    "anova",
    "relative_efficiency",
    "replication_advice",
    "term_sums_of_squares",
]

#: Designs :func:`anova` accepts: the additive designs of :mod:`yieldtrial.stats.model`,
#: then the two-factor designs with their own result types.
ANOVA_DESIGNS: tuple[str, ...] = ("crd", "rcbd", "latin", "split_plot", "strip_plot", "factorial")

#: Design-specific keyword arguments of :func:`anova`, by design (``treatment``
#: and ``block`` are handled separately).
_DESIGN_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "crd": (),
    "rcbd": (),
    "latin": ("row", "column"),
    "split_plot": ("whole_plot", "sub_plot"),
    "strip_plot": ("horizontal", "vertical"),
    "factorial": ("factor_a", "factor_b"),
}

#: Columns of :attr:`AnovaResult.table`, in order.
ANOVA_COLUMNS: tuple[str, ...] = ("source", "df", "sum_sq", "mean_sq", "f", "p_value")

SEQUENTIAL_BALANCED = "sequential (balanced: equal to type II)"
TYPE_II = "type II"


def term_sums_of_squares(model: DesignFit) -> dict[Term, tuple[int, float]]:
    """Type II sum of squares and df of every term of a fitted model.

    Each term ``T`` is tested against the model of all terms that do not
    contain ``T``: ``SS(T) = ||P(M_T + T) y - P(M_T) y||^2`` with ``P`` the
    least-squares projection of the centred response and ``df`` the rank
    difference.  For main-effect (additive) models this is every factor
    adjusted for all the others.

    Parameters
    ----------
    model : DesignFit
        A fitted design model.

    Returns
    -------
    dict
        ``term -> (df, sum_sq)``.
    """
    y = model.centred_response
    n_levels = {f: len(v) for f, v in model.factor_levels.items()}
    out: dict[Term, tuple[int, float]] = {}
    if all(len(t) == 1 for t in model.terms):
        main = {t[0]: n_levels[t[0]] for t in model.terms}
        orth = orthogonal_sums_of_squares({f: model.codes[f] for f in main}, main, y)
        if orth is not None:
            # complete and balanced: sums of squares of the centred level means (no
            # per-plot fitted values, residuals or leverages made for them; issue 13)
            return {(f,): (main[f] - 1, orth[f]) for f in main}
        if model.sum_sq is not None:
            # the blocks absorbed: the fit computed them (no n x p model matrix)
            return dict(model.sum_sq)
        if model.treatment in main and use_absorption(main, model.treatment):
            # many treatments, unbalanced: absorbed fits (no n x p model matrix)
            return absorbed_sums_of_squares(model.codes, main, list(main), y)
    for term in model.terms:
        reduced = [t for t in model.terms if not set(term) <= set(t)]
        augmented = [*reduced, term]
        x_red, _ = model_matrix(model.codes, n_levels, reduced)
        x_aug, _ = model_matrix(model.codes, n_levels, augmented)
        small = least_squares(x_red, y)
        large = least_squares(x_aug, y)
        diff = large.fitted - small.fitted
        out[term] = (large.rank - small.rank, float(diff @ diff))
    return out


def is_balanced(model: DesignFit) -> bool:
    """Whether every two-way table of factor counts (or the one-way counts) is constant."""
    factors = [t[0] for t in model.terms if len(t) == 1]
    if len(factors) == 1:
        counts = np.bincount(model.codes[factors[0]])
        return bool(np.all(counts == counts[0]))
    for a, b in combinations(factors, 2):
        na, nb = len(model.factor_levels[a]), len(model.factor_levels[b])
        # the same counts as np.add.at on (codes a, codes b), a span of plots at a time
        table = cell_counts(model.codes[a], model.codes[b], nb, na * nb)
        if not np.all(table == table.flat[0]):
            return False
    return True


def relative_efficiency(
    nuisance: list[tuple[int, float]],
    *,
    df_treatment: int,
    df_error: int,
    mse: float,
) -> float:
    r"""Efficiency of a blocked design relative to a CRD on the same plots.

    Parameters
    ----------
    nuisance : list of (int, float)
        ``(df, mean_sq)`` of each blocking term (blocks; or rows and columns).
    df_treatment : int
        Treatment degrees of freedom.
    df_error : int
        Error degrees of freedom of the blocked design.
    mse : float
        Error mean square of the blocked design.

    Returns
    -------
    float
        Relative efficiency (1.0 = blocking gained nothing; 1.6 = a CRD would
        need 60 % more replicates for the same precision).  NaN when undefined.

    Notes
    -----
    The error variance a CRD would have had is estimated from the blocked
    analysis, :math:`\hat\sigma^2_{CRD} = [\sum_j d_j M_j + (d_t + d_e) E]/
    (\sum_j d_j + d_t + d_e)`, and R.E. :math:`= \hat\sigma^2_{CRD}/E`.  For a
    balanced RCBD this is Gomez & Gomez's
    :math:`[(r-1)E_b + r(t-1)E_e]/[(rt-1)E_e]`, for a Latin square their
    :math:`[E_r + E_c + (t-1)E_e]/[(t+1)E_e]` [1]_.  When the error df
    :math:`n_1 < 20` the value is multiplied by the precision factor
    :math:`k = (n_1+1)(n_2+3)/[(n_2+1)(n_1+3)]`, :math:`n_2` being the error df
    of the CRD (:math:`n_1 + \sum_j d_j`), as in [1]_.

    References
    ----------
    .. [1] Gomez, K.A. and Gomez, A.A. (1984). Statistical Procedures for
       Agricultural Research, 2nd ed. Wiley, ch. 2 (block efficiency of the
       RCB design; efficiencies of row and column blocking of the Latin square).

    Examples
    --------
    RCBD with r = 4 blocks, t = 6 treatments, Eb = 600, Ee = 100 (error df 15):

    >>> round(relative_efficiency([(3, 600.0)], df_treatment=5, df_error=15, mse=100.0), 6)
    1.623188
    """
    if not (df_error > 0 and np.isfinite(mse) and mse > 0):
        return float("nan")
    df_nuisance = sum(d for d, _ in nuisance)
    crd_variance = (sum(d * m for d, m in nuisance) + (df_treatment + df_error) * mse) / (
        df_nuisance + df_treatment + df_error
    )
    ratio = crd_variance / mse
    if df_error < 20:
        n1, n2 = df_error, df_error + df_nuisance
        ratio *= (n1 + 1) * (n2 + 3) / ((n2 + 1) * (n1 + 3))
    return float(ratio)


@dataclass(frozen=True, eq=False)
class AnovaResult:
    """ANOVA of a field design and the figures printed under it.

    Attributes
    ----------
    table : DataFrame
        Columns ``source, df, sum_sq, mean_sq, f, p_value``; ``source`` is the
        factor's column name (blocking factors first, then the treatment) and
        ``residual``.  ``table.attrs["provenance"]`` holds the provenance dict.
    grand_mean : float
        Mean of the observed response. [response unit]
    mse : float
        Error (residual) mean square; NaN without error df. [response unit squared]
    df_error : int
        Error degrees of freedom.
    cv_pct : float
        Coefficient of variation, 100 sqrt(MSE) / grand mean. [%]
    sed : float
        Standard error of a difference between two treatment LS-means. [response unit]
    sed_method : str
        How :attr:`sed` was obtained (``"sqrt(2 MSE / r)"`` when balanced, else the
        mean over all pairs of the SEDs from the LS-mean covariance).
    lsd : float
        Least significant difference, t(1 - alpha/2, df_error) x SED. [response unit]
    alpha : float
        Significance level of :attr:`lsd`.
    relative_efficiency : float or None
        Efficiency of blocking (RCBD) or of rows and columns (Latin square)
        relative to a CRD; None for a CRD.  See :func:`relative_efficiency`.
    provenance : Provenance
        Design, formula, error term, error df, test (``"F"``), alpha, sums of squares.
    fit : DesignFit
        The fitted design model.
    inference : str or None
        Why F-tests, SED and LSD are missing (unreplicated trial, zero error
        variance); None when they are available.
    balanced : bool
        Whether the data are balanced (then type II = sequential sums of squares).
    """

    table: pd.DataFrame
    grand_mean: float
    mse: float
    df_error: int
    cv_pct: float
    sed: float
    sed_method: str
    lsd: float
    alpha: float
    relative_efficiency: float | None
    provenance: Provenance
    fit: DesignFit
    inference: str | None
    balanced: bool

    def to_frame(self) -> pd.DataFrame:
        """Return the ANOVA table (a copy, provenance in ``attrs``)."""
        table = self.table.copy()
        table.attrs["provenance"] = self.provenance.to_dict()
        return table

    def summary(self) -> dict[str, Any]:
        """Footer figures as a plain dict (grand mean, MSE, df, CV, SED, LSD, R.E.)."""
        return {
            "grand_mean": self.grand_mean,
            "mse": self.mse,
            "df_error": self.df_error,
            "cv_pct": self.cv_pct,
            "sed": self.sed,
            "lsd": self.lsd,
            "alpha": self.alpha,
            "relative_efficiency": self.relative_efficiency,
            "sum_of_squares": self.provenance.sum_of_squares,
            "inference": self.inference,
        }

    def __repr__(self) -> str:
        """One line: model, sources, error df and CV (no tables)."""
        sources = [s for s in self.table["source"] if s != "residual"]
        return (
            f"AnovaResult(model={self.provenance.model!r}, sources={sources}, "
            f"df_error={self.df_error}, cv_pct={self.cv_pct:.4g})"
        )

    def _repr_html_(self) -> str:
        table_html = self.table.to_html(index=False, float_format=lambda v: f"{v:.6g}", na_rep="")
        footer = ", ".join(
            f"{k} = {v:.6g}" if isinstance(v, float) else f"{k} = {v}"
            for k, v in self.summary().items()
            if v is not None
        )
        return (
            f"<p><b>ANOVA</b> {html.escape(self.provenance.model)} "
            f"({html.escape(self.provenance.design)})</p>"
            f"{table_html}<p>{html.escape(footer)}</p>"
        )


#: Error df Mead's resource equation asks for (at least; 10 to 20 is the usual target).
MEAD_MIN_ERROR_DF = 10


def replication_advice(n_treatments: int, design: str) -> str:
    """Replicates a replicated trial of these treatments needs, in one sentence.

    States both rules the package uses, consistently everywhere (ANOVA, diagnostics,
    comparisons): the replicates giving at least :data:`MEAD_MIN_ERROR_DF` error df
    (Mead's resource equation [1]_) and the replicates giving 80 % power to detect a 10 %
    difference from the control at a CV of 8 % with Dunnett's test, taken from
    :func:`yieldtrial.stats.inference.replicates_for_unreplicated` (not recomputed).  A CRD
    is planned as a CRD (error df ``t (r - 1)``), every other design as an RCBD (error df
    ``(t - 1)(r - 1)``), as in :func:`~yieldtrial.stats.inference.replicates_for_unreplicated`.

    Parameters
    ----------
    n_treatments : int
        Number of treatments, control(s) included.
    design : str
        Design key of the trial (``"crd"``, ``"rcbd"``, ...).

    Returns
    -------
    str
        One sentence, e.g. for 4 treatments in an RCBD ``"... needs >= 5 blocks
        (replicates) for 10 error df (Mead's resource equation) and 14 replicates to
        detect a 10 % difference from the control at CV 8 % with 80 % power (Dunnett,
        alpha 0.05)."``

    References
    ----------
    .. [1] Mead, R. (1988). The Design of Experiments: Statistical Principles for
       Practical Applications. Cambridge University Press, sec. 2.2 (resource equation
       E = N - T - B, with 10 <= E <= 20 recommended).

    Examples
    --------
    >>> replication_advice(3, "crd")  # doctest: +NORMALIZE_WHITESPACE
    "A replicated CRD of 3 treatments needs >= 5 replicates for 10 error df (Mead's
    resource equation) and 13 replicates to detect a 10 % difference from the control at
    CV 8 % with 80 % power (Dunnett, alpha 0.05)."
    """
    from yieldtrial.stats.inference import (
        UNREPLICATED_ASSUMED_CV_PCT,
        UNREPLICATED_TARGET_DIFFERENCE_PCT,
        replicates_for_unreplicated,
    )

    k = max(int(n_treatments), 2)
    plan = "crd" if design == "crd" else "rcbd"
    per_replicate = k if plan == "crd" else k - 1  # error df added by each further replicate
    mead = 1 + -(-MEAD_MIN_ERROR_DF // per_replicate)  # smallest r with df(r) >= 10
    unit = "replicates" if plan == "crd" else "blocks (replicates)"
    power_r = replicates_for_unreplicated(k, plan)
    power_part = (
        f"{power_r} replicates"
        if power_r is not None
        else "more than 100 replicates"  # pragma: no cover - not reached at CV 8 %, 10 %
    )
    return (
        f"A replicated {plan.upper()} of {k} treatments needs >= {mead} {unit} for "
        f"{MEAD_MIN_ERROR_DF} error df (Mead's resource equation) and {power_part} to detect "
        f"a {UNREPLICATED_TARGET_DIFFERENCE_PCT:g} % difference from the control at CV "
        f"{UNREPLICATED_ASSUMED_CV_PCT:g} % with 80 % power (Dunnett, alpha 0.05)."
    )


def _unreplicated_note(model: DesignFit) -> str:
    return (
        f"no error degrees of freedom ({model.n_obs} plots, {model.rank} model parameters): "
        "with one plot per treatment the plot-to-plot variation cannot be separated from "
        "treatment effects, so F-tests, p-values, SED and LSD are not available; compare "
        "treatments descriptively (difference and % of control) only. "
        + replication_advice(len(model.levels), model.design)
    )


@overload
def anova(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str | None = None,
    design: Literal["crd", "rcbd", "latin"] = "rcbd",
    row: str | None = None,
    column: str | None = None,
    alpha: float = 0.05,
) -> AnovaResult: ...


@overload
def anova(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str | None = None,
    block: str | None = None,
    design: Literal["split_plot", "strip_plot"],
    whole_plot: str | None = None,
    sub_plot: str | None = None,
    horizontal: str | None = None,
    vertical: str | None = None,
    alpha: float = 0.05,
) -> StrataAnova: ...


@overload
def anova(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str | None = None,
    block: str | None = None,
    design: Literal["factorial"],
    factor_a: str | None = None,
    factor_b: str | None = None,
    alpha: float = 0.05,
) -> FactorialAnova: ...


@overload
def anova(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str | None = None,
    block: str | None = None,
    design: str | None = None,
    row: str | None = None,
    column: str | None = None,
    whole_plot: str | None = None,
    sub_plot: str | None = None,
    horizontal: str | None = None,
    vertical: str | None = None,
    factor_a: str | None = None,
    factor_b: str | None = None,
    alpha: float = 0.05,
) -> AnovaResult | StrataAnova | FactorialAnova: ...


def anova(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str | None = None,
    block: str | None = None,
    design: str | None = None,
    row: str | None = None,
    column: str | None = None,
    whole_plot: str | None = None,
    sub_plot: str | None = None,
    horizontal: str | None = None,
    vertical: str | None = None,
    factor_a: str | None = None,
    factor_b: str | None = None,
    alpha: float = 0.05,
) -> AnovaResult | StrataAnova | FactorialAnova:
    r"""Analysis of variance of a field trial, dispatched on its design.

    ``crd``, ``rcbd`` and ``latin`` are analysed here (an :class:`AnovaResult`);
    ``split_plot`` and ``strip_plot`` by
    :func:`~yieldtrial.stats.splitplot.split_plot_anova` /
    :func:`~yieldtrial.stats.splitplot.strip_plot_anova` (a
    :class:`~yieldtrial.stats.splitplot.StrataAnova`, table by stratum);
    ``factorial`` by :func:`~yieldtrial.stats.factorial.factorial_anova` (a
    :class:`~yieldtrial.stats.factorial.FactorialAnova`).  The result of the
    call equals the direct call of that function.

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot; a blank response is a missing plot.
    response : str
        Response column, e.g. ``"yield_kg_ha"``.
    treatment : str, optional
        Treatment column; required for ``crd``, ``rcbd`` and ``latin``.  For
        ``split_plot`` it may stand for the sub-plot factor (``sub_plot=``
        omitted, or equal to it): a fertilizer trial's treatments usually sit on
        the sub-plots.  For ``strip_plot`` and ``factorial`` it may be omitted or
        name one of the two factor columns; anything else is an error.
    block : str, optional
        Block column: required for ``rcbd``, ``split_plot`` and ``strip_plot``;
        optional for ``factorial`` (given: factorial in an RCBD, else in a CRD);
        ignored for ``crd`` (as before).
    design : {"crd", "rcbd", "latin", "split_plot", "strip_plot", "factorial"}, optional
        Field design; see :data:`ANOVA_DESIGNS` and :func:`yieldtrial.stats.model.fit`.
        Default: ``"rcbd"`` when ``block`` is given, ``"latin"`` with ``row`` and
        ``column``, else ``"crd"``.
    row, column : str, optional
        Row and column factors of a Latin square (``design="latin"`` only).
    whole_plot, sub_plot : str, optional
        Whole-plot and sub-plot factor columns (``design="split_plot"`` only).
    horizontal, vertical : str, optional
        Horizontal- and vertical-strip factor columns (``design="strip_plot"`` only).
    factor_a, factor_b : str, optional
        The two treatment factors (``design="factorial"`` only).
    alpha : float
        Significance level of the LSD (or the SED table's ``lsd`` column, or
        the factorial's interaction flag), in (0, 1).

    Returns
    -------
    AnovaResult or StrataAnova or FactorialAnova
        ``crd``/``rcbd``/``latin``: an :class:`AnovaResult`, ``.table`` with
        columns ``source, df, sum_sq, mean_sq, f, p_value`` (rows: RCBD
        ``block, treatment, residual``; CRD ``treatment, residual``; Latin
        ``row, column, treatment, residual``, named by the columns), plus
        ``grand_mean``, ``mse``, ``df_error``, ``cv_pct``, ``sed``, ``lsd``,
        ``relative_efficiency`` and ``provenance``.
        ``split_plot``/``strip_plot``: a ``StrataAnova`` (``.table`` by
        stratum with ``stratum`` and ``error_term`` columns, ``.sed`` per kind
        of comparison, ``.means_model(kind, at=None)``).
        ``factorial``: a ``FactorialAnova`` (``.table``, ``.simple_effects``,
        ``.means_model(factor, at=None)``).

    Raises
    ------
    DataValidationError
        Unknown design; a column argument the design needs is missing (the
        message names it) or one it does not use is given (e.g. ``row=`` with
        ``design="split_plot"``); ``treatment`` conflicting with ``sub_plot``;
        otherwise as :func:`yieldtrial.stats.model.fit` or the dispatched
        function; alpha outside (0, 1).

    Notes
    -----
    For ``crd``, ``rcbd`` and ``latin``, sums of squares are type II: each
    factor adjusted for the others, computed as
    :math:`\lVert P_{full} y - P_{reduced} y \rVert^2` from two
    least-squares projections of the centred response.  With balanced data they
    equal the sequential (textbook) sums of squares, and the provenance says
    which case applies.  An unreplicated trial (no error df) gives NaN F and
    p-values and an explanatory :attr:`AnovaResult.inference`; it never raises.
    CV :math:`= 100\sqrt{MSE}/\bar y` [1]_.

    References
    ----------
    .. [1] Gomez, K.A. and Gomez, A.A. (1984). Statistical Procedures for
       Agricultural Research, 2nd ed. Wiley, ch. 2 (Tables 2.2 and 2.6).

    Examples
    --------
    >>> df = pd.DataFrame({"treatment": list("ABCABC"), "block": list("111222"),
    ...                    "y": [10.0, 12.0, 17.0, 14.0, 18.0, 21.0]})
    >>> res = anova(df, response="y", treatment="treatment", block="block")
    >>> res.table[["source", "df", "sum_sq"]].round(4).to_dict("list")
    {'source': ['block', 'treatment', 'residual'], 'df': [1, 2, 2],
     'sum_sq': [32.6667, 49.3333, 1.3333]}
    >>> round(res.cv_pct, 2), res.provenance.sum_of_squares
    (5.32, 'sequential (balanced: equal to type II)')

    A split plot (irrigation on whole plots, N rate on sub-plots): ``treatment``
    stands for the sub-plot factor.

    >>> sp = pd.DataFrame({"block": list("11112222"), "irrigation": list("ddwwddww"),
    ...                    "n_rate": list("01010101"),
    ...                    "y": [4.0, 5.1, 6.0, 7.2, 4.4, 5.2, 6.5, 7.4]})
    >>> res = anova(sp, response="y", treatment="n_rate", block="block",
    ...             design="split_plot", whole_plot="irrigation")
    >>> res.table[["stratum", "source", "df", "error_term"]].to_numpy(dtype=object).tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['block', 'block', 1, ''], ['whole_plot', 'irrigation', 1, 'error_a'],
     ['whole_plot', 'error_a', 1, ''], ['sub_plot', 'n_rate', 1, 'error_b'],
     ['sub_plot', 'irrigation:n_rate', 1, 'error_b'], ['sub_plot', 'error_b', 2, ''],
     ['total', 'total', 7, '']]
    """
    design = default_design(design, block, row=row, column=column)
    given = {
        "row": row,
        "column": column,
        "whole_plot": whole_plot,
        "sub_plot": sub_plot,
        "horizontal": horizontal,
        "vertical": vertical,
        "factor_a": factor_a,
        "factor_b": factor_b,
    }
    key = _check_design_arguments(design, given)
    if key in ("split_plot", "strip_plot", "factorial"):
        return _two_factor_anova(
            data,
            design=key,
            response=response,
            treatment=treatment,
            block=block,
            given=given,
            alpha=alpha,
        )
    if treatment is None:
        raise DataValidationError(
            f"design={design!r} needs treatment=<column of the treatment labels>."
        )
    return _additive_anova(
        data,
        response=response,
        treatment=treatment,
        block=block,
        design=design,
        row=row,
        column=column,
        alpha=alpha,
    )


def _check_design_arguments(design: Any, given: dict[str, str | None]) -> str:
    """Validate ``design`` and reject column arguments it does not use."""
    if not isinstance(design, str) or design not in ANOVA_DESIGNS:
        other = {"alpha": "mixed_model", "row_column": "mixed_model"}.get(str(design))
        other = "augmented_anova" if design == "augmented" else other
        hint = f" Fit it with yieldtrial.stats.{other} (docs/mixed-models.md)." if other else ""
        raise DataValidationError(
            f"design must be one of {', '.join(map(repr, ANOVA_DESIGNS))}; got {design!r}." + hint
        )
    used = _DESIGN_ARGUMENTS[design]
    extra = [name for name, value in given.items() if value is not None and name not in used]
    if extra:
        hint = (
            f"it uses {' and '.join(f'{u}=' for u in used)}"
            if used
            else "it takes only treatment= (and block= for 'rcbd')"
        )
        wanted = {
            name: d for d, names in _DESIGN_ARGUMENTS.items() for name in names if name in extra
        }
        raise DataValidationError(
            f"design={design!r} does not use {', '.join(f'{e}=' for e in extra)}; {hint}. "
            + "; ".join(f"{e}= belongs to design={d!r}" for e, d in wanted.items())
            + "."
        )
    return design


def _two_factor_anova(
    data: pd.DataFrame,
    *,
    design: str,
    response: str,
    treatment: str | None,
    block: str | None,
    given: dict[str, str | None],
    alpha: float,
) -> StrataAnova | FactorialAnova:
    """Dispatch split-plot, strip-plot and factorial designs to their own functions."""
    first_name, second_name = _DESIGN_ARGUMENTS[design]
    first, second = two_factor_columns(
        design,
        (first_name, second_name),
        given[first_name],
        given[second_name],
        treatment=treatment,
    )
    if design != "split_plot" and treatment is not None and treatment not in (first, second):
        raise DataValidationError(
            f"design={design!r} analyses {first_name}={first!r} and {second_name}={second!r}; "
            f"treatment={treatment!r} is neither. Omit treatment= or name one of the factors."
        )
    if design == "factorial":
        from yieldtrial.stats.factorial import factorial_anova

        return factorial_anova(
            data, response=response, factor_a=first, factor_b=second, block=block, alpha=alpha
        )
    if block is None:
        raise DataValidationError(
            f"design={design!r} needs block=<column of the block/replicate labels>."
        )
    from yieldtrial.stats.splitplot import split_plot_anova, strip_plot_anova

    if design == "split_plot":
        return split_plot_anova(
            data, response=response, block=block, whole_plot=first, sub_plot=second, alpha=alpha
        )
    return strip_plot_anova(
        data, response=response, block=block, horizontal=first, vertical=second, alpha=alpha
    )


def _additive_anova(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str | None,
    design: str,
    row: str | None,
    column: str | None,
    alpha: float,
) -> AnovaResult:
    """ANOVA of the additive designs (CRD, RCBD, Latin square); see :func:`anova`."""
    from yieldtrial.stats._univariate import f_sf, t_ppf  # scipy.stats', bit for bit

    alpha = check_alpha(alpha)
    model = fit(
        data,
        response=response,
        treatment=treatment,
        block=block,
        design=design,
        row=row,
        column=column,
    )
    ss = term_sums_of_squares(model)
    balanced = is_balanced(model)
    df_error = model.df_error
    y = model.centred_response
    # no error df: the model is saturated and the residual sum of squares is exactly 0
    # (not the ~1e-27 rounding noise of the projection)
    residuals = model.residuals.to_numpy()
    rss = float(residuals @ residuals) if df_error > 0 else 0.0
    # an exact fit by the one rule of every fit (stats._common.exact_fit_limit; the model
    # has zeroed such residuals already, on the response as given)
    zero_error = df_error > 0 and (rss == 0.0 or rounding_noise(residuals, y))
    mse = model.mse

    order: list[Term] = [t for t in model.terms if t != (treatment,)] + [(treatment,)]
    records: list[dict[str, Any]] = []
    for term in order:
        df_t, ss_t = ss[term]
        ms_t = ss_t / df_t if df_t > 0 else float("nan")
        if df_error > 0 and not zero_error and df_t > 0:
            f_t = ms_t / mse
            p_t = float(f_sf(f_t, df_t, df_error))
        else:
            f_t, p_t = float("nan"), float("nan")
        records.append(
            {
                "source": ":".join(term),
                "df": int(df_t),
                "sum_sq": ss_t,
                "mean_sq": ms_t,
                "f": f_t,
                "p_value": p_t,
            }
        )
    records.append(
        {
            "source": "residual",
            "df": int(df_error),
            "sum_sq": rss,
            "mean_sq": mse,
            "f": float("nan"),
            "p_value": float("nan"),
        }
    )
    table = pd.DataFrame.from_records(records, columns=list(ANOVA_COLUMNS))
    table["df"] = table["df"].astype("int64")
    table["source"] = table["source"].astype(object)

    grand_mean = model.grand_mean
    cv_pct = 100.0 * np.sqrt(mse) / grand_mean if df_error > 0 and grand_mean != 0 else float("nan")

    inference: str | None = None
    if df_error == 0:
        inference = _unreplicated_note(model)
        sed, sed_method, lsd = float("nan"), "not available (no error df)", float("nan")
    else:
        if balanced:
            r = int(model.n[0])
            sed = float(np.sqrt(2.0 * mse / r))
            sed_method = f"sqrt(2 MSE / r), r = {r} (balanced)"
        else:
            from yieldtrial.stats._covariance import mean_pair_sed

            sed = mean_pair_sed(model.lsmeans_cov)  # vectorized over chunks of pairs
            sed_method = (
                "mean over all treatment pairs of the SED from the LS-mean covariance "
                "(unbalanced data: SEDs differ between pairs)"
            )
        lsd = float(t_ppf(1.0 - alpha / 2.0, df_error) * sed)
        if zero_error:
            inference = (
                "the error variance is zero (every plot is fitted exactly), so F-tests and "
                "p-values are not defined; check for duplicated or constructed data."
            )

    nuisance_terms = [t for t in order if t != (treatment,)]
    if design == "crd":
        efficiency: float | None = None
    else:
        nuisance = [(ss[t][0], ss[t][1] / ss[t][0]) for t in nuisance_terms if ss[t][0] > 0]
        efficiency = relative_efficiency(
            nuisance, df_treatment=ss[(treatment,)][0], df_error=df_error, mse=mse
        )
        if not np.isfinite(efficiency):
            efficiency = None

    provenance = Provenance(
        design=model.design,
        model=model.formula,
        error_term="residual",
        df_error=float(df_error),
        test="F",
        alpha=alpha,
        adjustment=None,
        sum_of_squares=SEQUENTIAL_BALANCED if balanced else TYPE_II,
    )
    table.attrs["provenance"] = provenance.to_dict()
    return AnovaResult(
        table=table,
        grand_mean=grand_mean,
        mse=mse,
        df_error=df_error,
        cv_pct=float(cv_pct),
        sed=sed,
        sed_method=sed_method,
        lsd=lsd,
        alpha=alpha,
        relative_efficiency=efficiency,
        provenance=provenance,
        fit=model,
        inference=inference,
        balanced=balanced,
    )
