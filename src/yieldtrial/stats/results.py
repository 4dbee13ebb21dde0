"""Shared result types of the statistics layer.

:class:`MeansModel` is the contract between the design models (``model.py``,
split-plot strata, ...) and the comparisons (``compare.py``, ``letters.py``):
a design model reduces itself to the least-squares means of one factor, their
covariance and the error degrees of freedom; comparisons never look at raw
plots.  :class:`Provenance` is attached to every statistical result.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from yieldtrial.errors import UnknownNameError, WrongTypeError
from yieldtrial.stats._covariance import (
    DiagonalCovariance,
    LowRankUpdateCovariance,
    diagonal,
    quadratic_forms,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MeansModel", "Provenance", "require_means_model"]


def _version() -> str:
    from yieldtrial._version import __version__

    return __version__


@dataclass(frozen=True)
class Provenance:
    """Where a statistical result came from.

    Attributes
    ----------
    design : str
        Field design key (``"crd"``, ``"rcbd"``, ``"latin"``, ``"split_plot"``, ...).
    model : str
        Model formula, e.g. ``"yield_kg_ha ~ treatment + block"``.
    error_term : str
        Name of the error term the test used (``"residual"``, ``"block:main"``, ...).
    df_error : float
        Degrees of freedom of that error term.
    test : str or None
        Test or procedure (``"dunnett"``, ``"tukey"``, ``"F"``, ...).
    alpha : float or None
        Significance level, when the result depends on one.
    adjustment : str or None
        Multiplicity adjustment (``"single-step (Dunnett)"``, ``"holm"``, ``"none"``).
    sum_of_squares : str
        How sums of squares were computed (``"type II"``; equal to sequential when balanced;
        ``"none (REML LS-means and their covariance)"`` for comparisons of a mixed model).
    df_method : str or None
        How denominator degrees of freedom were obtained when they are not the exact df of
        an error stratum (``"satterthwaite"`` for mixed models fitted by REML); None when
        the df are exact residual or stratum df.
    variance_estimation : str or None
        How variance components were estimated (``"REML"``); None for fixed-effects models.
    version : str
        yieldtrial version that produced the result.
    """

    design: str
    model: str
    error_term: str
    df_error: float
    test: str | None = None
    alpha: float | None = None
    adjustment: str | None = None
    sum_of_squares: str = "type II"
    df_method: str | None = None
    variance_estimation: str | None = None
    version: str = field(default_factory=_version)

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict (JSON-ready)."""
        return asdict(self)

    def replace(self, **changes: Any) -> Provenance:
        """Return a copy with some fields changed."""
        values = self.to_dict()
        values.update(changes)
        return Provenance(**values)


@dataclass(frozen=True, eq=False)
class MeansModel:
    """Least-squares means of one factor with everything a comparison needs.

    Attributes
    ----------
    factor : str
        Column name of the factor whose levels are compared.
    levels : tuple of str
        Level labels, in the order of ``estimates``.
    estimates : ndarray, shape (k,)
        Least-squares (estimated marginal) means, blocks weighted equally. [response unit]
    cov : ndarray, DiagonalCovariance or LowRankUpdateCovariance, shape (k, k)
        Covariance matrix of ``estimates`` from the fitted model (MSE x (L (X'X)^- L')).
        Complete, balanced CRD/RCBD/Latin squares give the implicit diagonal
        ``MSE / r * I`` (:class:`~yieldtrial.stats._covariance.DiagonalCovariance`, no
        ``k x k`` array); unbalanced ones of more than 50 treatments ``diag(d) + F F'``
        (:class:`~yieldtrial.stats._covariance.LowRankUpdateCovariance`);
        ``numpy.asarray(cov)`` is the dense matrix in every case.
    df : float
        Error degrees of freedom for comparisons among these means.
    n : ndarray, shape (k,)
        Observed plots per level.
    mse : float
        Mean square of the error term used.
    error_term : str
        Name of that error term.
    design : str
        Field design key.
    formula : str
        Model formula.
    response : str
        Response column name (carries the unit, e.g. ``yield_kg_ha``).
    estimates_centred : ndarray, shape (k,), optional
        The LS-means minus one common constant (e.g. the model's centring value), as the
        model computed them *before* adding that constant back.  Optional (default None);
        when given, contrasts whose weights sum to zero (differences) are computed from it,
        so they keep full precision when the response carries a large offset (near 1e12
        the absolute means are only stored to about 1e-4).  :attr:`estimates` stays the
        absolute LS-means.
    df_method : str, optional
        ``"satterthwaite"`` or ``"kenward-roger"`` when :attr:`df` and :meth:`contrast_df`
        are approximations (mixed models fitted by REML); None when :attr:`df` is the exact
        df of the error term.
    cov_gradient : ndarray, shape (m, k, k), optional
        Derivative of :attr:`cov` with respect to each of the ``m`` estimated variance
        parameters (mixed models).  With :attr:`variance_parameter_cov` it gives every
        contrast its own Satterthwaite df (:meth:`contrast_df`).
    variance_parameter_cov : ndarray, shape (m, m), optional
        Asymptotic covariance of the estimated variance parameters: the inverse of the
        observed REML information (Satterthwaite, as lmerTest) or of the expected one
        (Kenward-Roger, as pbkrtest).
    cov_unadjusted : ndarray, shape (k, k), optional
        Kenward-Roger models only: the REML covariance of the estimates before the
        small-sample adjustment (:attr:`cov` is then the adjusted Phi_A); the df of
        a contrast are computed from it (Kenward & Roger 1997).
    hypothesis_basis : ndarray, shape (k - 1, k), optional
        Mixed models: the rows of the hypothesis "all LS-means equal" that the model's own F
        test uses (lmerTest's basis; the Satterthwaite ddf of the test depends on it); the
        treatment F test of the comparisons (the LSD gate) then equals the model's table.
        None: every level against the first.
    """

    factor: str
    levels: tuple[str, ...]
    estimates: np.ndarray
    cov: np.ndarray | DiagonalCovariance | LowRankUpdateCovariance
    df: float
    n: np.ndarray
    mse: float
    error_term: str
    design: str
    formula: str
    response: str
    estimates_centred: np.ndarray | None = None
    df_method: str | None = None
    cov_gradient: np.ndarray | None = None
    variance_parameter_cov: np.ndarray | None = None
    cov_unadjusted: np.ndarray | None = None
    hypothesis_basis: np.ndarray | None = None

    def __repr__(self) -> str:
        """One line: factor, number of levels, design, error term and df (no matrices)."""
        df = f"{self.df:.6g}" + (f" ({self.df_method})" if self.df_method else "")
        return (
            f"MeansModel(factor={self.factor!r}, levels={len(self.levels)}, "
            f"design={self.design!r}, error_term={self.error_term!r}, df={df}, "
            f"response={self.response!r})"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the LS-means as a table, one row per level, in the order of :attr:`levels`.

        Returns
        -------
        DataFrame
            Columns ``level``, ``n`` (observed plots), ``lsmean`` and ``se`` [response
            unit], ``df`` (error df of the comparisons); ``attrs`` hold ``factor``,
            ``response``, ``design``, ``formula`` and ``error_term``.

        Examples
        --------
        >>> mm = MeansModel("treatment", ("CK", "T"), np.array([100.0, 110.0]),
        ...                 np.eye(2) * 4.0, 6.0, np.array([4, 4]), 16.0, "residual",
        ...                 "rcbd", "yield_kg_ha ~ treatment + block", "yield_kg_ha")
        >>> mm.to_frame()
          level  n  lsmean   se   df
        0    CK  4   100.0  2.0  6.0
        1     T  4   110.0  2.0  6.0
        """
        import pandas as pd

        table = pd.DataFrame(
            {
                "level": pd.Series(self.levels, dtype="str"),
                "n": np.asarray(self.n, dtype=np.int64),
                "lsmean": np.asarray(self.estimates, dtype=float),
                "se": self.se,
                "df": np.full(len(self.levels), float(self.df)),
            }
        )
        table.attrs.update(
            factor=self.factor,
            response=self.response,
            design=self.design,
            formula=self.formula,
            error_term=self.error_term,
        )
        return table

    def _repr_html_(self) -> str:
        import html

        head = (
            f"<p><b>LS-means of {html.escape(self.factor)}</b> {html.escape(self.formula)} "
            f"({html.escape(self.design)}; error term {html.escape(self.error_term)}, "
            f"{self.df:.6g} df)</p>"
        )
        body = self.to_frame().to_html(index=False, float_format=lambda v: f"{v:.6g}")
        return head + body

    @property
    def contrast_basis(self) -> np.ndarray:
        """Estimates that zero-sum contrasts (differences) are applied to.

        :attr:`estimates_centred` when given, else :attr:`estimates`; differences are the
        same either way up to rounding.
        """
        if self.estimates_centred is not None:
            return np.asarray(self.estimates_centred, dtype=float)
        return np.asarray(self.estimates, dtype=float)

    @property
    def se(self) -> np.ndarray:
        """Standard errors of the LS-means."""
        return np.sqrt(np.clip(diagonal(self.cov), 0.0, None))

    def index(self, level: str) -> int:
        """Position of ``level`` in :attr:`levels`.

        An absent level is a :class:`~yieldtrial.errors.UnknownNameError` (a KeyError) listing
        the levels.
        """
        try:
            return self.levels.index(str(level))
        except ValueError:
            raise UnknownNameError(
                f"{level!r} is not a level of {self.factor!r}; levels: {', '.join(self.levels)}"
            ) from None

    def contrast(self, weights: np.ndarray) -> tuple[float, float]:
        """Estimate and standard error of a linear contrast of the LS-means.

        Parameters
        ----------
        weights : ndarray, shape (k,)
            Contrast coefficients.

        Returns
        -------
        tuple of float
            ``(estimate, se)``.
        """
        w = np.asarray(weights, dtype=float)
        zero_sum = abs(float(w.sum())) <= 1e-12 * max(1.0, float(np.abs(w).sum()))
        estimate = float(w @ (self.contrast_basis if zero_sum else self.estimates))
        variance = float(quadratic_forms(self.cov, w)[0])
        return estimate, float(np.sqrt(max(variance, 0.0)))

    def contrast_df(self, weights: np.ndarray) -> np.ndarray:
        r"""Degrees of freedom of linear contrasts of the LS-means.

        Parameters
        ----------
        weights : ndarray, shape (k,) or (c, k)
            Contrast coefficients, one row per contrast.

        Returns
        -------
        ndarray, shape (c,)
            :attr:`df` for every contrast when the model has one error df; for mixed models
            (:attr:`cov_gradient` given) the Satterthwaite df of each contrast,
            :math:`2 (w'Vw)^2 / (g' A g)` with :math:`g_j = w' (\partial V/\partial\theta_j) w`
            and :math:`A` = :attr:`variance_parameter_cov` (inf when the variance does not
            depend on an estimated parameter).  Kenward-Roger: the same formula with the
            unadjusted :math:`V` (:attr:`cov_unadjusted`) and :math:`A` the inverse expected
            information, which is Kenward & Roger's :math:`m` for one contrast.

        Examples
        --------
        >>> mm = MeansModel("t", ("a", "b"), np.array([1.0, 3.0]), np.eye(2), 10.0,
        ...                 np.array([2, 2]), 2.0, "residual", "crd", "y ~ t", "y")
        >>> mm.contrast_df(np.array([1.0, -1.0])).tolist()
        [10.0]
        """
        w = np.atleast_2d(np.asarray(weights, dtype=float))
        if self.cov_gradient is None or self.variance_parameter_cov is None:
            return np.full(w.shape[0], float(self.df))
        # quadratic forms by matrix products (BLAS), not one einsum over c x k x k: a
        # 999-contrast family of 1,000 LS-means took seconds per call that way
        var = np.einsum("ci,ci->c", w @ self._df_cov(), w)
        grad = np.stack(
            [np.einsum("ci,ci->c", w @ g, w) for g in np.asarray(self.cov_gradient, dtype=float)]
        )
        a = np.asarray(self.variance_parameter_cov, dtype=float)
        denom = np.einsum("fc,fg,gc->c", grad, a, grad)
        out = np.full(w.shape[0], np.inf)
        ok = denom > 0
        out[ok] = 2.0 * var[ok] ** 2 / denom[ok]
        return out

    def _df_cov(self) -> np.ndarray:
        """Covariance the df formula uses (the unadjusted one under Kenward-Roger)."""
        base = self.cov if self.cov_unadjusted is None else self.cov_unadjusted
        return np.asarray(base, dtype=float)

    def pairwise_df(self) -> np.ndarray:
        """Degrees of freedom of every pairwise difference, a (k, k) matrix (NaN diagonal).

        Equal to :attr:`df` everywhere unless the model is a mixed model, where each pair has
        its Satterthwaite df (see :meth:`contrast_df`).
        """
        k = len(self.levels)
        out = np.full((k, k), float(self.df))
        if self.cov_gradient is not None and self.variance_parameter_cov is not None:
            cov = self._df_cov()
            d = np.diag(cov)
            var = d[:, None] + d[None, :] - 2.0 * cov
            g = np.asarray(self.cov_gradient, dtype=float)
            gd = np.einsum("fii->fi", g)
            grad = gd[:, :, None] + gd[:, None, :] - 2.0 * g
            a = np.asarray(self.variance_parameter_cov, dtype=float)
            denom = np.einsum("fij,fg,gij->ij", grad, a, grad)
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.where(denom > 0, 2.0 * var**2 / np.where(denom > 0, denom, 1.0), np.inf)
        np.fill_diagonal(out, np.nan)
        return np.asarray(out, dtype=float)

    def provenance(self, **extra: Any) -> Provenance:
        """Provenance of a result computed from these means."""
        if self.df_method is not None:
            extra.setdefault("df_method", self.df_method)
            extra.setdefault("variance_estimation", "REML")
            extra.setdefault("sum_of_squares", "none (REML LS-means and their covariance)")
        return Provenance(
            design=self.design,
            model=self.formula,
            error_term=self.error_term,
            df_error=self.df,
            **extra,
        )


def require_means_model(mm: Any, caller: str) -> None:
    """Refuse an argument that is not a :class:`MeansModel`, saying how to get one.

    The comparison and letter functions take the LS-means of a design model; a notebook
    user easily passes the fit the step before returned (``mixed_model(...)``,
    ``FieldTrial.anova()``, ``fit(...)``) or a table, which failed deep inside with
    ``AttributeError: 'MixedModelFit' object has no attribute 'df'``.

    Parameters
    ----------
    mm : object
        The argument given.
    caller : str
        The public function's name, for the message.

    Raises
    ------
    TypeError
        When ``mm`` is not a MeansModel.
    """
    if isinstance(mm, MeansModel):
        return
    name = type(mm).__name__
    method = getattr(mm, "means_model", None)
    if callable(method):
        import inspect

        required = [
            p.name
            for p in inspect.signature(method).parameters.values()
            if p.default is inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD
        ]
        if required or getattr(mm, "two_factor", False) is True:
            how = (
                f"pass the LS-means of one factor, {caller}(result.means_model(kind), ...) "
                "(kind names the factor or stratum, e.g. 'whole_plot')"
            )
        else:
            how = f"pass its LS-means, {caller}(result.means_model(), ...)"
    else:
        how = (
            "build one with yieldtrial.stats.fit(data, response=..., treatment=..., "
            "design=...).means_model() or FieldTrial.means_model()"
        )
    raise WrongTypeError(
        f"{caller}() takes a MeansModel (LS-means with their covariance and error df); got "
        f"{name}: {how}"
    )
