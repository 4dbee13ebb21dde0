"""Mixed models of field designs fitted by REML: unbalanced split plots, incomplete blocks.

:func:`mixed_model` fits a linear mixed model with independent variance components
(blocks, whole plots, incomplete blocks, rows and columns) by residual maximum
likelihood (:mod:`yieldtrial.stats._reml`) and returns a :class:`MixedModelFit`.  Like
every design model it reduces to a :class:`~yieldtrial.stats.results.MeansModel`
(LS-means = BLUEs of the treatment means, their covariance, Satterthwaite or
Kenward-Roger df), so
Dunnett, Tukey, letters, non-inferiority, the report and the network work unchanged.

==============  ===============================  =============================================
design          fixed effects                    random effects (variance components)
==============  ===============================  =============================================
``rcbd``        treatment                        block (``blocks="random"``, the default here)
``latin``       treatment                        row, column
``split_plot``  whole_plot * sub_plot            block, block:whole_plot
``strip_plot``  horizontal * vertical            block, block:horizontal, block:vertical
``alpha``       block (replicate) + treatment    block:incomplete_block
``row_column``  block (replicate) + treatment    block:row, block:column
==============  ===============================  =============================================

``blocks="fixed"`` moves the complete blocks (replicates; rows and columns of a Latin
square) to the fixed part, ``blocks="random"`` to the random part; the defaults are
random for the RCBD, Latin square, split and strip plot (recovery of inter-block
information, as lme4 ``(1 | block)``) and fixed replicates for the resolvable incomplete
block designs (alpha-lattice, row-column), as in Patterson & Williams (1976) and
John & Williams (1995).

Fixed-effect F tests are Wald tests of the LS-means hypotheses (type III: equality of
the marginal means of a factor averaged equally over the other; the interaction
contrasts of the cell means).  Denominator df (``ddf=``): Satterthwaite by default (Fai &
Cornelius 1996 for several df; the method of lmerTest's ``anova()`` and SAS
``DDFM=SATTERTHWAITE``), or Kenward-Roger (Kenward & Roger 1997, as pbkrtest and emmeans'
default for lmer models: adjusted covariance of the LS-means, scaled F).  Why
Satterthwaite by default: for these variance-component models in balanced data both give
the exact stratum df and the same F; Satterthwaite leaves the covariance of the estimates
unadjusted (what lmerTest and emmeans with ``lmer.df = "satterthwaite"`` report) and needs
no p x p Kenward-Roger matrices.

Comparison df: each comparison has its own df
(:meth:`~yieldtrial.stats.results.MeansModel.pairwise_df`,
:meth:`~yieldtrial.stats.results.MeansModel.contrast_df`), which the comparison tables
use row by row; :attr:`~yieldtrial.stats.results.MeansModel.df` is the smallest df of the
family's pairs (the one df of procedures that need one; equal to the stratum df when the
data are balanced).

References
----------
.. [1] Patterson, H. D. and Thompson, R. (1971). Recovery of inter-block information when
   block sizes are unequal. Biometrika 58(3), 545-554.
.. [2] Patterson, H. D. and Williams, E. R. (1976). A new class of resolvable incomplete
   block designs. Biometrika 63(1), 83-92.
.. [3] John, J. A. and Williams, E. R. (1995). Cyclic and Computer Generated Designs, 2nd
   ed. Chapman & Hall.
.. [4] Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
   components. Biometrics Bulletin 2(6), 110-114.
.. [5] Fai, A. H.-T. and Cornelius, P. L. (1996). Approximate F-tests of multiple degree
   of freedom hypotheses in generalized least squares analyses of unbalanced split-plot
   experiments. J. Statist. Comput. Simul. 54, 363-378.
.. [6] Kuznetsova, A., Brockhoff, P. B. and Christensen, R. H. B. (2017). lmerTest
   package: tests in linear mixed effects models. J. Statist. Software 82(13).
.. [7] Kenward, M. G. and Roger, J. H. (1997). Small sample inference for fixed effects
   from restricted maximum likelihood. Biometrics 53(3), 983-997.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, UnknownNameError
from yieldtrial.io.checks import message_number
from yieldtrial.stats._common import check_alpha, two_factor_columns
from yieldtrial.stats.model import (
    Term,
    check_columns,
    levels_of,
    model_matrix,
    numeric_response,
)
from yieldtrial.stats.results import MeansModel, Provenance

__all__ = [
    "BLOCK_EFFECTS",
    "DF_METHOD",
    "DF_METHODS",
    "MIXED_DESIGNS",
    "MixedModelFit",
    "mixed_model",
    "pooled_strata_messages",
]

#: Designs :func:`mixed_model` fits.
MIXED_DESIGNS: tuple[str, ...] = (
    "rcbd",
    "latin",
    "split_plot",
    "strip_plot",
    "alpha",
    "row_column",
)

#: Values of ``blocks=``: complete blocks (replicates) as fixed or random effects.
BLOCK_EFFECTS: tuple[str, ...] = ("fixed", "random")

#: Default denominator df method of every F test and comparison of a mixed model.
DF_METHOD = "satterthwaite"

#: Values of ``ddf=``: Satterthwaite (default) or Kenward-Roger denominator df.
DF_METHODS: tuple[str, ...] = ("satterthwaite", "kenward-roger")

_DF_LABEL = {"satterthwaite": "Satterthwaite", "kenward-roger": "Kenward-Roger"}

_DEFAULT_BLOCKS = {
    "rcbd": "random",
    "latin": "random",
    "split_plot": "random",
    "strip_plot": "random",
    "alpha": "fixed",
    "row_column": "fixed",
}

_SPLIT_KINDS = ("whole_plot", "sub_plot", "sub_plot_within_whole", "whole_plot_within_sub")
_STRIP_KINDS = (
    "horizontal",
    "vertical",
    "vertical_within_horizontal",
    "horizontal_within_vertical",
)
_AT_KINDS = {
    "whole_plot": "whole_plot_within_sub",
    "sub_plot": "sub_plot_within_whole",
    "horizontal": "horizontal_within_vertical",
    "vertical": "vertical_within_horizontal",
}


@dataclass(frozen=True)
class _Spec:
    """Model structure of one design: fixed factors and terms, random terms, formula."""

    design: str
    treatments: tuple[str, ...]
    fixed_factors: tuple[str, ...]
    fixed_terms: tuple[Term, ...]
    random_terms: tuple[Term, ...]
    formula: str
    cell_factors: tuple[str, ...]
    columns: dict[str, str]


def _need(design: str, **given: str | None) -> dict[str, str]:
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise DataValidationError(
            f"design={design!r} needs {', '.join(f'{m}=<column>' for m in missing)}; "
            "pass the plot-table column(s)."
        )
    return {k: str(v) for k, v in given.items()}


def _spec(
    design: str,
    *,
    response: str,
    treatment: str | None,
    block: str | None,
    incomplete_block: str | None,
    row: str | None,
    column: str | None,
    whole_plot: str | None,
    sub_plot: str | None,
    horizontal: str | None,
    vertical: str | None,
    blocks: str,
) -> _Spec:
    """Return the fixed and random structure of a design (see the module table)."""
    rnd = blocks == "random"

    def lme4(fixed: list[str], random: list[Term]) -> str:
        parts = fixed + [f"(1 | {':'.join(t)})" for t in random]
        return f"{response} ~ " + " + ".join(parts)

    if design == "rcbd":
        c = _need(design, treatment=treatment, block=block)
        t, b = c["treatment"], c["block"]
        random: list[Term] = [(b,)] if rnd else []
        fixed_f: tuple[str, ...] = (t,) if rnd else (t, b)
        return _Spec(
            design, (t,), fixed_f, tuple((f,) for f in fixed_f), tuple(random),
            lme4([t] if rnd else [t, b], random), (t, b), c,
        )  # fmt: skip
    if design == "latin":
        c = _need(design, treatment=treatment, row=row, column=column)
        t, r, k = c["treatment"], c["row"], c["column"]
        random = [(r,), (k,)] if rnd else []
        fixed_f = (t,) if rnd else (t, r, k)
        return _Spec(
            design, (t,), fixed_f, tuple((f,) for f in fixed_f), tuple(random),
            lme4(list(fixed_f), random), (r, k), c,
        )  # fmt: skip
    if design in ("split_plot", "strip_plot"):
        if design == "split_plot":
            a, bb = two_factor_columns(
                design, ("whole_plot", "sub_plot"), whole_plot, sub_plot, treatment=treatment
            )
        else:
            a, bb = two_factor_columns(
                design, ("horizontal", "vertical"), horizontal, vertical, treatment=None
            )
        c = _need(design, block=block)
        b = c["block"]
        c.update({"factor_a": a, "factor_b": bb})
        random = [(b,)] if rnd else []
        random += [(b, a)] + ([(b, bb)] if design == "strip_plot" else [])
        fixed_terms: tuple[Term, ...] = ((a,), (bb,), (a, bb))
        fixed_f = (a, bb) if rnd else (a, bb, b)
        if not rnd:
            fixed_terms = ((b,), *fixed_terms)
        fixed_txt = [f"{a} * {bb}"] if rnd else [b, f"{a} * {bb}"]
        return _Spec(
            design, (a, bb), fixed_f, fixed_terms, tuple(random), lme4(fixed_txt, random),
            (b, a, bb), c,
        )  # fmt: skip
    if design == "alpha":
        c = _need(design, treatment=treatment, block=block, incomplete_block=incomplete_block)
        t, b, ib = c["treatment"], c["block"], c["incomplete_block"]
        random = [(b,)] if rnd else []
        random += [(b, ib)]
    else:  # row_column
        c = _need(design, treatment=treatment, block=block, row=row, column=column)
        t, b = c["treatment"], c["block"]
        random = [(b,)] if rnd else []
        random += [(b, c["row"]), (b, c["column"])]
    fixed_f = (t,) if rnd else (t, b)
    return _Spec(
        design, (t,), fixed_f, tuple((f,) for f in fixed_f), tuple(random),
        lme4([t] if rnd else [b, t], random), (t, b), c,
    )  # fmt: skip


def _pairs_summary(mm: MeansModel) -> tuple[float, float]:
    """Root mean pairwise difference variance and the smallest pairwise df of a MeansModel."""
    cov = np.asarray(mm.cov, dtype=float)
    k = cov.shape[0]
    if k < 2:
        return float("nan"), float("nan")
    d = np.diag(cov)
    var = d[:, None] + d[None, :] - 2.0 * cov
    iu = np.triu_indices(k, 1)
    df = mm.pairwise_df()[iu]
    return float(np.sqrt(np.mean(var[iu]))), float(np.nanmin(df))


@dataclass(frozen=True, eq=False)
class MixedModelFit:
    """A field design fitted as a linear mixed model by REML.

    Attributes
    ----------
    design : str
        One of :data:`MIXED_DESIGNS`.
    response : str
        Response column (with its unit, e.g. ``yield_kg_ha``).
    formula : str
        Model in lme4 notation, e.g. ``"yield_kg_ha ~ gen * nitro + (1 | block) +
        (1 | block:gen)"``.
    treatments : tuple of str
        Treatment factor column(s): one, or the two factors of a split/strip plot in
        design order.
    blocks : str
        ``"fixed"`` or ``"random"``: how the complete blocks (replicates) entered the model.
    levels : dict of str to tuple of str
        Level labels of every factor of the model.
    data : DataFrame
        The plots used (observed response), original index kept.
    table : DataFrame
        Fixed-effect F tests: ``source, df, df_denominator, f, p_value, error_term``
        (``df`` = numerator df; ``df_denominator`` by Satterthwaite / Fai-Cornelius;
        ``error_term`` names the method).
    variance_components : DataFrame
        ``component, variance, se, pct_of_total, n_levels, boundary``: REML estimates
        [response unit squared], their asymptotic standard errors (inverse observed
        information; NaN on the boundary), the share of the total variance [%], the number
        of levels, and whether the estimate is on the boundary (zero).
    missing_cells : DataFrame
        Cells of the complete design without an observed plot (``reason``:
        ``"missing response"`` or ``"no record"``).
    grand_mean : float
        Mean of the observed response. [response unit]
    loglik : float
        Maximised REML log-likelihood (lme4's ``-REMLcrit / 2`` for this model).
    iterations : int
        REML iterations.
    alpha : float
        Level of the ``lsd`` column of :attr:`sed`.
    provenance : Provenance
        Design, model, variance components, df method (Satterthwaite or Kenward-Roger),
        estimation (REML).
    fitted, residuals : Series
        Conditional fitted values (fixed effects + predicted random effects) and residuals,
        indexed like :attr:`data`. [response unit]
    ddf : str
        Denominator df method of the F tests and comparisons: ``"satterthwaite"`` or
        ``"kenward-roger"`` (then the LS-means covariance is the adjusted one).
    """

    design: str
    response: str
    formula: str
    treatments: tuple[str, ...]
    blocks: str
    levels: dict[str, tuple[str, ...]]
    data: pd.DataFrame
    table: pd.DataFrame
    variance_components: pd.DataFrame
    missing_cells: pd.DataFrame
    grand_mean: float
    loglik: float
    iterations: int
    alpha: float
    provenance: Provenance
    fitted: pd.Series
    residuals: pd.Series
    _reml: Any = field(repr=False)
    _spec: _Spec = field(repr=False)
    _codes: dict[str, np.ndarray] = field(repr=False)
    ddf: str = DF_METHOD

    # ------------------------------------------------------------------ structure

    @property
    def n_obs(self) -> int:
        """Number of observed plots used."""
        return int(self.data.shape[0])

    @property
    def two_factor(self) -> bool:
        """Whether the design has two treatment factors (split or strip plot)."""
        return len(self.treatments) == 2

    @property
    def comparisons(self) -> tuple[str, ...]:
        """Comparison kinds accepted by :meth:`means_model`."""
        if self.design == "split_plot":
            return _SPLIT_KINDS
        if self.design == "strip_plot":
            return _STRIP_KINDS
        return ("treatment",)

    @property
    def factor_a(self) -> str:
        """Whole-plot / horizontal factor (two-factor designs), else the treatment."""
        return self.treatments[0]

    @property
    def factor_b(self) -> str:
        """Sub-plot / vertical factor (two-factor designs), else the treatment."""
        return self.treatments[-1]

    @property
    def block(self) -> str | None:
        """Block (replicate) column, when the design has one."""
        return self._spec.columns.get("block")

    def variance(self, component: str) -> float:
        """REML estimate of one variance component (``"residual"`` for the residual)."""
        vc = self.variance_components.set_index("component")
        if component not in vc.index:
            raise UnknownNameError(
                f"{component!r} is not a variance component of this model; "
                f"available: {', '.join(vc.index)}"
            )
        return float(vc.loc[component, "variance"])  # type: ignore[arg-type]

    @property
    def residual_variance(self) -> float:
        """Residual (plot) variance [response unit squared]."""
        return self.variance("residual")

    def stratum_mean_squares(self) -> dict[str, float]:
        """Return the expected mean square of each error stratum at the REML estimates.

        One-factor designs: ``{"residual": residual variance}``.  Split plot: ``error_a``
        (residual + b x block:whole_plot variance) and ``error_b`` (residual); strip plot
        ``error_a`` (residual + b x block:horizontal), ``error_b`` (residual + a x
        block:vertical) and ``error_c`` (residual).  With balanced data and positive
        components these are the stratum mean squares of the ANOVA. [response unit squared]
        """
        s2 = self.residual_variance
        if not self.two_factor:
            return {"residual": s2}
        a, b = self.factor_a, self.factor_b
        blk = str(self.block)
        n_a, n_b = len(self.levels[a]), len(self.levels[b])
        ea = s2 + n_b * self.variance(f"{blk}:{a}")
        if self.design == "split_plot":
            return {"error_a": ea, "error_b": s2}
        eb = s2 + n_a * self.variance(f"{blk}:{b}")
        return {"error_a": ea, "error_b": eb, "error_c": s2}

    @property
    def cv_pct(self) -> dict[str, float]:
        """CV of each error stratum, ``100 sqrt(mean square) / grand mean`` [%].

        Mean squares from :meth:`stratum_mean_squares`; with balanced data and positive
        components these are the stratum CVs of the ANOVA.
        """
        gm = self.grand_mean
        return {
            k: (100.0 * float(np.sqrt(v)) / gm if gm != 0 else float("nan"))
            for k, v in self.stratum_mean_squares().items()
        }

    # ------------------------------------------------------------------ LS-means

    def _grid(self) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        n_levels = {f: len(self.levels[f]) for f in self._spec.fixed_factors}
        factors = list(n_levels)
        grid = np.array(list(product(*(range(n_levels[f]) for f in factors))), dtype=int)
        codes = {f: grid[:, i] for i, f in enumerate(factors)}
        x, _ = model_matrix(codes, n_levels, self._spec.fixed_terms)
        return x, codes

    def _rows(self, by: tuple[str, ...]) -> np.ndarray:
        """LS-mean rows of the factor(s) ``by`` (cells in A-major order for two factors)."""
        x, codes = self._grid()
        sizes = [len(self.levels[f]) for f in by]
        rows = []
        for combo in product(*(range(s) for s in sizes)):
            mask = np.ones(x.shape[0], dtype=bool)
            for f, j in zip(by, combo, strict=True):
                mask &= codes[f] == j
            rows.append(x[mask].mean(axis=0))
        return np.vstack(rows)

    def _means_model(
        self, rows: np.ndarray, *, factor: str, levels: tuple[str, ...], n: np.ndarray,
        mse: float, label: str, hypothesis_basis: np.ndarray | None = None,
    ) -> MeansModel:  # fmt: skip
        fit = self._reml
        est, cov, grad = fit.estimate(rows)
        centred, _, _ = fit.estimate(rows, centred=True)
        a_cov, cov_unadjusted = fit.free_cov, None
        if self.ddf == "kenward-roger":
            cov, cov_unadjusted, grad = fit.estimate_kr(rows)
            a_cov = fit.expected_cov
        mm = MeansModel(
            factor=factor,
            levels=levels,
            estimates=est,
            cov=cov,
            df=float("nan"),
            n=n,
            mse=float(mse),
            error_term=label,
            design=self.design,
            formula=self.formula,
            response=self.response,
            estimates_centred=centred,
            df_method=self.ddf,
            cov_gradient=grad,
            variance_parameter_cov=a_cov,
            cov_unadjusted=cov_unadjusted,
            hypothesis_basis=hypothesis_basis,
        )
        _, df = _pairs_summary(mm)
        return _replace_df(mm, df)

    def _treatment_basis(self) -> np.ndarray:
        """Hypothesis basis of the treatment F test of a one-factor design (LS-means).

        lmerTest's ``anova()``: its type 1 (Doolittle) basis when the fixed part is the
        treatment alone (:func:`~yieldtrial.stats._reml.doolittle_basis`), else its type
        III basis, every level against the first
        (:func:`~yieldtrial.stats._reml.versus_first`).  Only the Satterthwaite
        (Fai-Cornelius) ddf depends on the choice.
        """
        from yieldtrial.stats._reml import doolittle_basis, versus_first

        t = self.factor_a
        if len(self._spec.fixed_terms) == 1:
            return doolittle_basis(self._count((t,)))
        return versus_first(len(self.levels[t]))

    def _count(self, by: tuple[str, ...]) -> np.ndarray:
        sizes = [len(self.levels[f]) for f in by]
        flat = np.zeros(int(np.prod(sizes)), dtype=int)
        idx = np.ravel_multi_index(tuple(self._codes[f] for f in by), sizes)
        np.add.at(flat, idx, 1)
        return flat

    def _error_label(self, what: str) -> str:
        comps = ", ".join(self.variance_components["component"])
        # each comparison uses its own df (a table's single df is the smallest over pairs)
        return f"REML ({comps}); {what}{_DF_LABEL[self.ddf]} df per comparison"

    def means_model(self, kind: str | None = None, *, at: str | None = None) -> MeansModel:
        """LS-means (BLUEs) of one comparison kind with their REML covariance and df.

        Parameters
        ----------
        kind : str, optional
            One-factor designs: None or ``"treatment"``.  Split plot: ``whole_plot``,
            ``sub_plot``, ``sub_plot_within_whole``, ``whole_plot_within_sub`` or ``cells``;
            strip plot: ``horizontal``, ``vertical``, ``vertical_within_horizontal``,
            ``horizontal_within_vertical`` or ``cells`` (as
            :meth:`yieldtrial.stats.splitplot.StrataAnova.means_model`).
        at : str, optional
            Level of the other factor for the ``*_within_*`` kinds; with a main-effect kind
            it selects the simple comparison at that level.

        Returns
        -------
        MeansModel
            ``df`` is the smallest Satterthwaite (or Kenward-Roger) df over the pairs (each
            pair's own df: :meth:`~yieldtrial.stats.results.MeansModel.pairwise_df`, used
            row by row by the comparisons); ``mse`` is the
            expected mean square of the stratum the kind is compared in (one-factor
            designs: the residual variance).

        Raises
        ------
        DataValidationError
            Unknown kind, or ``at`` missing or not a level.
        """
        s2 = self.residual_variance
        if not self.two_factor:
            if kind not in (None, "treatment", self.factor_a):
                raise DataValidationError(
                    f"a {self.design!r} mixed model has one treatment factor; kind must be None "
                    f"or 'treatment', got {kind!r}"
                )
            if at is not None:
                raise DataValidationError(f"at= applies to two-factor designs, not {self.design!r}")
            t = self.factor_a
            return self._means_model(
                self._rows((t,)), factor=t, levels=self.levels[t], n=self._count((t,)),
                mse=s2, label=self._error_label(""), hypothesis_basis=self._treatment_basis(),
            )  # fmt: skip
        a, b = self.factor_a, self.factor_b
        a_levels, b_levels = self.levels[a], self.levels[b]
        na, nb = len(a_levels), len(b_levels)
        ms = self.stratum_mean_squares()
        if kind == "cells":
            if at is not None:
                raise DataValidationError(
                    f"at={at!r} does not apply to kind 'cells' (every combination of {a} and "
                    f"{b}); use a *_within_* kind with at="
                )
            return self._means_model(
                self._rows((a, b)), factor=f"{a}:{b}",
                levels=tuple(f"{x}:{y}" for x in a_levels for y in b_levels),
                n=self._count((a, b)), mse=s2, label=self._error_label("cells; "),
            )  # fmt: skip
        kinds = self.comparisons
        if kind in (a, b):
            kind = kinds[0] if kind == a else kinds[1]
        if at is not None and kind in _AT_KINDS and kind in kinds:
            kind = _AT_KINDS[kind]
        if kind not in kinds:
            raise DataValidationError(
                f"unknown comparison kind {kind!r} for a {self.design}; expected one of "
                f"{', '.join(kinds)} or 'cells'"
            )
        position = kinds.index(kind)
        if position in (0, 1):
            factor = a if position == 0 else b
            mse = ms["error_a"] if position == 0 else ms["error_b"]
            return self._means_model(
                self._rows((factor,)), factor=factor, levels=self.levels[factor],
                n=self._count((factor,)), mse=mse, label=self._error_label(""),
            )  # fmt: skip
        cells = self._rows((a, b)).reshape(na, nb, -1)
        counts = self._count((a, b)).reshape(na, nb)
        if position == 2:  # B means at one A level
            j = self._at(at, a_levels, a, kind)
            return self._means_model(
                cells[j], factor=b, levels=b_levels, n=counts[j], mse=s2,
                label=self._error_label(f"at {a}={a_levels[j]}; "),
            )  # fmt: skip
        j = self._at(at, b_levels, b, kind)
        return self._means_model(
            cells[:, j], factor=a, levels=a_levels, n=counts[:, j], mse=s2,
            label=self._error_label(f"at {b}={b_levels[j]}; "),
        )  # fmt: skip

    @staticmethod
    def _at(at: str | None, levels: tuple[str, ...], other: str, kind: str) -> int:
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

    def lsmeans(self, kind: str | None = None, *, at: str | None = None) -> pd.DataFrame:
        """LS-means table of one kind: ``level, n, lsmean, se``; provenance in ``attrs``."""
        mm = self.means_model(kind, at=at)
        frame = pd.DataFrame(
            {mm.factor: list(mm.levels), "n": mm.n, "lsmean": mm.estimates, "se": mm.se}
        )
        frame.attrs["provenance"] = mm.provenance(test="least-squares means (BLUE)").to_dict()
        return frame

    @property
    def sed(self) -> pd.DataFrame:
        """Standard errors of differences per comparison kind (two-factor designs).

        Columns as :attr:`yieldtrial.stats.splitplot.StrataAnova.sed`: ``comparison,
        description, sed`` (root mean square over the pairs, and over the levels of the
        other factor for the ``*_within_*`` kinds; the same for every pair when the data
        are balanced; Kenward-Roger adjusted with ``ddf="kenward-roger"``) [response unit],
        ``df`` (smallest df of the fit's method, Satterthwaite or Kenward-Roger, over those
        pairs),
        ``lsd`` (``t_{alpha/2, df} x sed``) [response unit], ``error_term``.  One-factor
        designs: one row ``treatment``.
        """
        from yieldtrial.stats._strata import _DESCRIPTIONS
        from yieldtrial.stats._univariate import t_ppf

        rows = []
        for kind in self.comparisons:
            if kind == "treatment":
                models = [self.means_model()]
                description = f"two {self.factor_a} means"
            else:
                if kind.endswith(("_within_whole", "_within_horizontal")):
                    others = self.levels[self.factor_a]
                elif "_within_" in kind:
                    others = self.levels[self.factor_b]
                else:
                    others = (None,)  # type: ignore[assignment]
                models = [self.means_model(kind, at=o) for o in others]
                description = _DESCRIPTIONS[kind].format(a=self.factor_a, b=self.factor_b)
            sums = [_pairs_summary(m) for m in models]
            sed = float(np.sqrt(np.mean([s[0] ** 2 for s in sums])))
            df = float(np.min([s[1] for s in sums]))
            t = float(t_ppf(1 - self.alpha / 2, df)) if df > 0 else float("nan")
            rows.append(
                {
                    "comparison": kind,
                    "description": description,
                    "sed": sed,
                    "df": df,
                    "lsd": t * sed,
                    "error_term": f"REML, {self.ddf} df",
                }
            )
        frame = pd.DataFrame(rows)
        frame.attrs["provenance"] = self.provenance.to_dict()
        return frame

    def means_table(self) -> pd.DataFrame:
        """Two-way table of LS-means (two-factor designs): rows A levels, columns B levels.

        A ``mean`` column and a ``mean`` row hold the marginal LS-means.
        """
        from yieldtrial.stats._strata import two_way_table

        if not self.two_factor:
            raise DataValidationError(
                f"means_table() is for two-factor designs; this is a {self.design!r} model. "
                "Use lsmeans()."
            )
        a, b = self.factor_a, self.factor_b
        cells = self.means_model("cells").estimates.reshape(len(self.levels[a]), -1)
        return two_way_table(
            cells,
            (a, self.levels[a], self.means_model(a).estimates),
            (b, self.levels[b], self.means_model(b).estimates),
            self.provenance,
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the fixed-effect F tests, provenance in ``attrs["provenance"]``."""
        frame = self.table.copy()
        frame.attrs["provenance"] = self.provenance.to_dict()
        return frame

    def __repr__(self) -> str:
        """One line: design, formula, plots, missing cells and df method (no tables)."""
        return (
            f"MixedModelFit(design={self.design!r}, formula={self.formula!r}, "
            f"plots={self.n_obs}, missing_cells={len(self.missing_cells)}, ddf={self.ddf!r})"
        )

    def _repr_html_(self) -> str:
        return (
            f"<p><b>Mixed model (REML)</b> {html.escape(self.formula)}: {self.n_obs} plots, "
            f"{len(self.missing_cells)} missing cell(s), {_DF_LABEL[self.ddf]} df</p>"
            + self.table.to_html(index=False, float_format=lambda v: f"{v:.6g}")
            + self.variance_components.to_html(index=False, float_format=lambda v: f"{v:.6g}")
        )


def _replace_df(mm: MeansModel, df: float) -> MeansModel:
    from dataclasses import replace

    return replace(mm, df=float(df))


def _missing(
    data: pd.DataFrame, observed: np.ndarray, cell_factors: tuple[str, ...], response: str
) -> pd.DataFrame:
    """Cells of the complete cross of ``cell_factors`` without an observed plot."""
    labels = {}
    codes = {}
    for f in cell_factors:
        codes[f], labels[f] = levels_of(data[f], column=f)
    shape = tuple(len(labels[f]) for f in cell_factors)
    seen = np.zeros(shape, dtype=bool)
    recorded = np.zeros(shape, dtype=bool)
    idx = tuple(codes[f] for f in cell_factors)
    recorded[idx] = True
    seen[tuple(i[observed] for i in idx)] = True
    rows = []
    for cell in np.argwhere(~seen):
        record: dict[str, Any] = {f: labels[f][j] for f, j in zip(cell_factors, cell, strict=True)}
        record["reason"] = "missing response" if recorded[tuple(cell)] else "no record"
        rows.append(record)
    return pd.DataFrame(rows, columns=[*cell_factors, "reason"])


def mixed_model(
    data: pd.DataFrame,
    *,
    response: str,
    design: str,
    treatment: str | None = None,
    block: str | None = None,
    incomplete_block: str | None = None,
    row: str | None = None,
    column: str | None = None,
    whole_plot: str | None = None,
    sub_plot: str | None = None,
    horizontal: str | None = None,
    vertical: str | None = None,
    blocks: str | None = None,
    alpha: float = 0.05,
    ddf: str = DF_METHOD,
) -> MixedModelFit:
    """Fit a field design as a linear mixed model by REML (missing plots allowed).

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot; a blank response is a missing plot.
    response : str
        Response column, e.g. ``"yield_kg_ha"``.
    design : {"rcbd", "latin", "split_plot", "strip_plot", "alpha", "row_column"}
        Field design (see the module table for the model of each).
    treatment : str, optional
        Treatment column (one-factor designs; for ``split_plot`` it stands for the sub-plot
        factor).
    block : str, optional
        Complete block (replicate) column: RCBD blocks, split/strip-plot blocks, the
        replicates of an alpha-lattice or row-column design.
    incomplete_block : str, optional
        Incomplete block within replicate (``alpha``); labels may repeat across replicates.
    row, column : str, optional
        Rows and columns of a Latin square, or rows and columns within replicate
        (``row_column``).
    whole_plot, sub_plot : str, optional
        Factors of a split plot.
    horizontal, vertical : str, optional
        Factors of a strip plot.
    blocks : {"fixed", "random"}, optional
        Complete blocks (replicates; Latin-square rows and columns) fixed or random; default
        random for ``rcbd``, ``latin``, ``split_plot``, ``strip_plot`` and fixed replicates
        for ``alpha`` and ``row_column``.
    alpha : float, default 0.05
        Level of the ``lsd`` column of :attr:`MixedModelFit.sed`. [-]
    ddf : {"satterthwaite", "kenward-roger"}, default "satterthwaite"
        Denominator df of the F tests and comparisons: Satterthwaite (as lmerTest) or
        Kenward-Roger (as pbkrtest and emmeans' default for lmer models: adjusted LS-means
        covariance, scaled F).

    Returns
    -------
    MixedModelFit
        F tests (Satterthwaite or Kenward-Roger df), variance components with SEs, LS-means
        via :meth:`MixedModelFit.means_model`.

    Raises
    ------
    DataValidationError
        Missing columns, non-numeric response, a factor with fewer than two levels, a
        treatment (or treatment combination) without observed plots, duplicated plots in a
        split/strip plot, LS-means that are not estimable, or no convergence.

    Warns
    -----
    YieldTrialWarning
        When a split plot's whole-plot variance or a strip plot's strip variance is
        estimated at zero: its error stratum is pooled with the residual, so the factor
        tested against it is not tested as in the stratum ANOVA
        (:func:`pooled_strata_messages`).

    Notes
    -----
    The LS-means are generalized least-squares estimates (BLUEs) of the treatment means
    averaged over the fixed blocking factors with equal weights; with random blocks they
    recover the inter-block information (Patterson & Thompson 1971).  With balanced data
    and positive variance components REML equals the ANOVA (stratum) estimates, the
    LS-means are the plain means and the F tests and their df are the stratum F tests
    (:func:`yieldtrial.stats.splitplot.split_plot_anova`); a variance component estimated
    at zero pools its stratum with the one below.

    The levels of each treatment factor are in category order for a categorical column,
    else in :class:`~yieldtrial.trial.FieldTrial`'s default display order (first
    appearance, or natural sort when the blocks list the levels in different orders:
    :func:`yieldtrial.io.levels.default_order`).  The first level is the reference of the
    type III hypotheses, so the Satterthwaite ddf of a multi-df F test depends on it (as in
    lmerTest); the same trial gives the same ddf through both entry points.

    Examples
    --------
    >>> import itertools
    >>> noise = [0.3, -0.2, 0.1, -0.4, 0.2, 0.0, 0.1, 0.3, -0.3, 0.0, -0.1, 0.2]
    >>> rows = [dict(block=b, variety=v, y=10 + (v == "B") + 0.5 * int(b) + e)
    ...         for (b, v), e in zip(itertools.product("1234", "ABC"), noise)]
    >>> df = pd.DataFrame(rows)
    >>> df.loc[0, "y"] = None  # one missing plot
    >>> fit = mixed_model(df, response="y", design="rcbd", treatment="variety", block="block")
    >>> fit.formula
    'y ~ variety + (1 | block)'
    >>> fit.table[["source", "df"]].to_dict("records")
    [{'source': 'variety', 'df': 2}]
    >>> fit.variance_components["component"].tolist()
    ['block', 'residual']
    """
    alpha = check_alpha(alpha)
    if design not in MIXED_DESIGNS:
        raise DataValidationError(
            f"design must be one of {', '.join(map(repr, MIXED_DESIGNS))} for a mixed model; "
            f"got {design!r}."
        )
    if ddf not in DF_METHODS:
        raise DataValidationError(
            f"ddf must be one of {', '.join(map(repr, DF_METHODS))}; got {ddf!r}."
        )
    blocks = _DEFAULT_BLOCKS[design] if blocks is None else str(blocks)
    if blocks not in BLOCK_EFFECTS:
        raise DataValidationError(f"blocks must be 'fixed' or 'random'; got {blocks!r}.")
    spec = _spec(
        design, response=response, treatment=treatment, block=block,
        incomplete_block=incomplete_block, row=row, column=column, whole_plot=whole_plot,
        sub_plot=sub_plot, horizontal=horizontal, vertical=vertical, blocks=blocks,
    )  # fmt: skip
    check_columns(data, {"response": response, **spec.columns})
    used_columns = list(dict.fromkeys(spec.columns.values()))
    if response in used_columns or len(used_columns) != len(spec.columns):
        raise DataValidationError(
            f"response and design columns must be distinct; got response={response!r}, "
            + ", ".join(f"{k}={v!r}" for k, v in spec.columns.items())
        )
    if data.shape[0] == 0:
        raise DataValidationError("data has no rows; expected one row per plot.")
    if design in ("latin", "row_column"):  # one plot per position (stop 40)
        from yieldtrial.io.validation import check_shared_positions

        check_shared_positions(
            data, row=spec.columns["row"], column=spec.columns["column"], design=design,
            block=spec.columns["block"] if design == "row_column" else None,
        )  # fmt: skip
    y_all = numeric_response(data, response)
    observed = ~np.isnan(y_all)
    missing = _missing(data, observed, spec.cell_factors, response)
    used = data.loc[observed].copy()
    if used.shape[0] == 0:
        raise DataValidationError(f"column {response!r} has no observed value.")

    # factor codes on the observed plots; treatment levels of all plots must be observed
    codes: dict[str, np.ndarray] = {}
    levels: dict[str, tuple[str, ...]] = {}
    for col in used_columns:
        all_codes, all_labels = levels_of(data[col], column=col)
        if col in spec.treatments:
            all_codes, all_labels = _default_levels(data, col, spec, all_codes, all_labels)
        present = np.unique(all_codes[observed])
        if col in spec.treatments and present.size < len(all_labels):
            empty = [all_labels[i] for i in range(len(all_labels)) if i not in set(present)]
            raise DataValidationError(
                f"level(s) {', '.join(map(repr, empty))} of {col!r} have no observed "
                f"{response!r} (all plots blank); their mean cannot be estimated. Supply at "
                "least one observed plot or remove the level."
            )
        remap = np.full(len(all_labels), -1)
        remap[present] = np.arange(present.size)
        codes[col] = remap[all_codes[observed]]
        levels[col] = tuple(all_labels[i] for i in present)
        if len(levels[col]) < 2 and col in (*spec.treatments, spec.columns.get("block")):
            role = "treatment factor" if col in spec.treatments else "block column"
            raise DataValidationError(
                f"{role} {col!r} has a single observed level ({', '.join(levels[col])}); the "
                f"{design} design needs at least two."
            )
    if design in ("split_plot", "strip_plot"):
        cells = np.stack([codes[c] for c in spec.cell_factors], axis=1)
        uniq, counts = np.unique(cells, axis=0, return_counts=True)
        if (counts > 1).any():
            dup = uniq[np.argmax(counts > 1)]
            where = ", ".join(
                f"{c}={levels[c][j]!r}" for c, j in zip(spec.cell_factors, dup, strict=True)
            )
            raise DataValidationError(
                f"{int(counts.max())} plots share {where}; a {design.replace('_', '-')} has one "
                "plot per block x factor combination. Average subsamples first or fix the "
                "labels."
            )

    y = y_all[observed]
    if np.ptp(y) <= 1e-12 * float(np.max(np.abs(y))):
        raise DataValidationError(
            f"column {response!r} has the same value ({message_number(y[0])}) on all {y.size} "
            f"observed plots: with no variation the {design} mixed model has no error "
            "variance, so no standard error or test can be computed. Check that the yields "
            "were filled in (not one value copied to every plot)."
        )
    n_levels = {f: len(levels[f]) for f in spec.fixed_factors}
    x, _ = model_matrix({f: codes[f] for f in spec.fixed_factors}, n_levels, spec.fixed_terms)
    random_codes = []
    for term in spec.random_terms:
        stacked = np.stack([codes[c] for c in term], axis=1)
        _, inverse = np.unique(stacked, axis=0, return_inverse=True)
        random_codes.append(np.ravel(inverse))

    _check_residual_df(x, random_codes, design=design, formula=spec.formula)
    from yieldtrial.stats._reml import RemlError, reml

    try:
        fit = reml(y, x, random_codes)
    except RemlError as exc:
        if "exactly" in str(exc):  # stopped below the exact-fit limit: said as after a fit
            _check_error_variance(np.zeros(1), y, design=design, formula=spec.formula)
        hint = (
            ""
            if "exactly" in str(exc)
            else " Check that every factor has observed plots in more than one block."
        )
        raise DataValidationError(
            f"the {design} mixed model {spec.formula!r} could not be fitted by REML: {exc}.{hint}"
        ) from None

    _check_error_variance(fit.theta, y, design=design, formula=spec.formula)
    # variance components table
    names = [":".join(t) for t in spec.random_terms] + ["residual"]
    n_lev = [int(c.max()) + 1 for c in random_codes] + [int(y.size)]
    theta = fit.theta
    se = np.sqrt(np.clip(np.diag(fit.theta_cov), 0.0, None))
    se[~fit.free] = np.nan
    total = float(np.sum(theta))
    vc = pd.DataFrame(
        {
            "component": names,
            "variance": theta,
            "se": se,
            "pct_of_total": 100.0 * theta / total if total > 0 else np.nan,
            "n_levels": n_lev,
            "boundary": ~fit.free,
        }
    )

    centre = float(np.mean(y))
    fitted = pd.Series(fit.fitted_conditional, index=used.index, name="fitted")
    residuals = pd.Series(y - fit.fitted_conditional, index=used.index, name="residual")

    zero = [n for n, b in zip(names, ~fit.free, strict=True) if b]
    comp_txt = ", ".join(names)
    prov = Provenance(
        design=design,
        model=spec.formula,
        error_term=f"REML variance components: {comp_txt}"
        + (f" ({', '.join(zero)} estimated at zero)" if zero else ""),
        df_error=float("nan"),
        test="F (Wald, type III)",
        alpha=alpha,
        sum_of_squares="Wald F tests of LS-means hypotheses (type III)",
        df_method=ddf,
        variance_estimation="REML",
    )
    result = MixedModelFit(
        design=design,
        response=response,
        formula=spec.formula,
        treatments=spec.treatments,
        blocks=blocks,
        levels=levels,
        data=used,
        table=pd.DataFrame(),
        variance_components=vc,
        missing_cells=missing,
        grand_mean=centre,
        loglik=fit.loglik,
        iterations=fit.iterations,
        alpha=alpha,
        provenance=prov,
        fitted=fitted,
        residuals=residuals,
        _reml=fit,
        _spec=spec,
        _codes=codes,
        ddf=ddf,
    )
    table, df_main = _f_tests(result)
    object.__setattr__(result, "table", table)
    object.__setattr__(result, "provenance", prov.replace(df_error=df_main))
    table.attrs["provenance"] = result.provenance.to_dict()
    vc.attrs["provenance"] = result.provenance.to_dict()
    warn_pooled_strata(result)
    return result


#: The error strata of the two-factor designs that a variance component at zero pools with
#: the residual: (design, position of the factor in the treatments) -> the stratum, its
#: error key, the residual stratum and its key (stats.splitplot's names).
_POOLED_STRATA: dict[tuple[str, int], tuple[str, str, str, str]] = {
    ("split_plot", 0): ("whole-plot", "error_a", "sub-plot", "error_b"),
    ("strip_plot", 0): ("horizontal-strip", "error_a", "intersection-plot", "error_c"),
    ("strip_plot", 1): ("vertical-strip", "error_b", "intersection-plot", "error_c"),
}

#: The start of :func:`pooled_strata_messages`' messages (a :mod:`warnings` filter).
POOLED_STRATUM_MESSAGE = r"REML estimates the [a-z-]+ variance \(.+\) at zero, so "


def pooled_strata_messages(fit: MixedModelFit) -> list[str]:
    """Say which error stratum a variance component estimated at zero pools, and what follows.

    A split plot's whole-plot variance (``block:A``), or a strip plot's strip variances
    (``block:A``, ``block:B``), estimated at zero by REML (the boundary, as the
    ``boundary`` column of :attr:`MixedModelFit.variance_components` flags it, the
    methods text's source too) pools that stratum's error with the residual: the F test
    of the factor tested against it then uses the pooled error, so it differs from the
    stratum ANOVA of a published table of balanced data (the rice split plot of Gomez &
    Gomez with one sub-plot deleted: nitrogen F = 20.11 on 5 and 45.0 df against 42.87
    on 5 and 10 df with no plot missing; lmerTest gives the same 20.11 on 45.0).

    The component is named as the report's variance-components table labels it
    (``Blocks x nitrogen``), followed by its term in :attr:`MixedModelFit.variance_components`
    (``block:nitrogen in variance_components``); the report and ``yieldtrial report`` show
    the label alone (in Chinese ``区组 × nitrogen``).

    The other designs' components are not named: no factor is tested against the blocks
    of an RCBD or Latin square, and the incomplete blocks, rows or columns of an
    alpha-lattice or row-column design at zero mean no recovery of inter-block
    information, the analysis the classical lattice ANOVA also falls back to (unadjusted
    means when the block mean square is below the error's); the methods text names them.

    Parameters
    ----------
    fit : MixedModelFit
        The REML fit.

    Returns
    -------
    list of str
        One message per pooled stratum (none when no such component is at zero).
    """
    block = fit.block
    if fit.design not in ("split_plot", "strip_plot") or block is None:
        return []
    zero = set(zero_components(fit.variance_components))
    if not zero:
        return []
    messages = []
    method = "Kenward-Roger" if fit.ddf == "kenward-roger" else "Satterthwaite"
    for position, factor in enumerate(fit.treatments):
        strata = _POOLED_STRATA.get((fit.design, position))
        component = f"{block}:{factor}"
        if strata is None or component not in zero:
            continue
        stratum, key, inner, inner_key = strata
        table = fit.table
        at = np.flatnonzero(table["source"].to_numpy() == factor)
        test = ""
        if at.size:
            f = float(table["f"].to_numpy()[at[0]])
            df_den = float(table["df_denominator"].to_numpy()[at[0]])
            if np.isfinite(f) and np.isfinite(df_den):
                df_num = int(table["df"].to_numpy()[at[0]])
                test = f" (F = {f:.2f} on {df_num} and {df_den:.1f} df)"
        # the variance-components table's label (report.source_label: "Blocks x nitrogen"),
        # then the term as variance_components names it, for a Python user's look-up
        label = f"Blocks x {factor}; {component} in variance_components"
        messages.append(
            f"REML estimates the {stratum} variance ({label}) at zero, so the {stratum} "
            f"error ({key}) is pooled with the {inner} error ({inner_key}): the F test of "
            f"{factor} uses the pooled error with {method} df{test}, as lme4 and lmerTest "
            f"do. The stratum ANOVA of balanced data tests {factor} against {key} alone, so "
            f"a published table of the complete trial gives another F; compare with the "
            f"stratum ANOVA of the complete data if it is known"
        )
    return messages


def zero_components(variance_components: pd.DataFrame) -> list[str]:
    """Return the variance components REML estimated at zero (the ``boundary`` column).

    One rule for the methods paragraph's "estimated at zero" sentence
    (:mod:`yieldtrial.report.sections.models`) and :func:`pooled_strata_messages`: a
    component below 1e-12 of the residual variance is set to zero by the fit and flagged.
    """
    flags = variance_components["boundary"].to_numpy(dtype=bool)
    names = variance_components["component"].to_numpy()
    return [str(c) for c in names[flags]]


def warn_pooled_strata(fit: MixedModelFit) -> None:
    """Issue :func:`pooled_strata_messages` as YieldTrialWarnings at the library's caller."""
    from yieldtrial.stats._common import warn_at_caller

    for message in pooled_strata_messages(fit):
        warn_at_caller(message)


#: Largest plot count for which the exact rank check of :func:`_check_residual_df` runs.
_RANK_CHECK_MAX_PLOTS = 400


def _default_levels(
    data: pd.DataFrame,
    column: str,
    spec: _Spec,
    codes: np.ndarray,
    labels: tuple[str, ...],
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Put the levels of a treatment factor without a categorical order in the default order.

    :class:`~yieldtrial.trial.FieldTrial`'s rule (:func:`yieldtrial.io.levels.default_order`):
    first appearance, or natural sort when the blocks (a Latin square: the rows) list the
    levels in different orders.  The first level is the reference of the type III
    hypotheses, and the Fai-Cornelius (Satterthwaite) ddf of a multi-df F test depends on
    it: with different orders the two entry points gave different ddf for the same trial
    (an alpha-lattice: 30.4310 against 30.4231).  A categorical column keeps its category
    order.
    """
    from yieldtrial.io.levels import default_order

    if isinstance(data[column].dtype, pd.CategoricalDtype):
        return codes, labels
    # a Latin square has no block column: its rows list the treatments in randomized orders
    block = spec.columns.get("block")
    if block is None and spec.design == "latin":
        block = spec.columns.get("row")
    order = default_order(
        pd.Series(labels, dtype=object).take(codes).reset_index(drop=True),
        None if block is None else data[block].reset_index(drop=True),
    )
    if order == labels:
        return codes, labels
    position = {label: i for i, label in enumerate(order)}
    remap = np.array([position[label] for label in labels], dtype=int)
    return remap[codes], order


def _check_residual_df(
    x: np.ndarray, random_codes: list[np.ndarray], *, design: str, formula: str
) -> None:
    """Refuse a model whose fixed and random effects together fit every plot exactly.

    With no residual degrees of freedom REML drives the residual variance towards zero and
    every standard error, df and test becomes meaningless (a tiny Satterthwaite df, root
    finding that fails).  The rank of ``[X | Z]`` is computed only when the column count
    could reach the number of plots (otherwise df > 0 is certain).
    """
    n = int(x.shape[0])
    columns = int(x.shape[1]) + sum(int(c.max()) + 1 for c in random_codes)
    if columns < n or n > _RANK_CHECK_MAX_PLOTS:
        return
    z = [np.eye(int(c.max()) + 1)[c] for c in random_codes]
    rank = int(np.linalg.matrix_rank(np.hstack([x, *z])))
    if rank >= n:
        raise DataValidationError(
            f"the {design} mixed model {formula!r} leaves no residual degrees of freedom: "
            f"its fixed and random effects reproduce all {n} observed plots exactly, so no "
            "error variance (and no standard error or test) can be estimated. The layout has "
            "too few plots for its treatments and blocking terms: add replicates, or analyse "
            "it with fewer blocking terms (e.g. design='rcbd' with the replicates as blocks)."
        )


def _check_error_variance(theta: np.ndarray, y: np.ndarray, *, design: str, formula: str) -> None:
    """Refuse a fit whose residual variance is rounding noise (every plot fitted exactly).

    The rule of the fixed-effects fits (:func:`~yieldtrial.stats._common.exact_fit_limit`:
    rounding noise, or a residual SD below 1e-5 of the yields'): the REML engine would
    otherwise report the noise's F tests (F of 1e29, df above the number of plots).
    """
    from yieldtrial.stats._common import exact_fit_limit

    limit = exact_fit_limit(y)
    if float(np.sqrt(max(float(theta[-1]), 0.0))) > limit:
        return
    variance = (
        message_number(theta[-1], 1)
        if theta[-1] > 0
        else f"below {message_number(limit * limit, 1)}"
    )
    raise DataValidationError(
        f"the {design} mixed model {formula!r} fits every observed plot exactly (residual "
        f"variance {variance} for yields of about {message_number(np.mean(y), 1)}): the "
        "error variance is zero, so no standard error, F test or p-value is defined. Check "
        "for duplicated or constructed data."
    )


def _f_tests(result: MixedModelFit) -> tuple[pd.DataFrame, float]:
    """F tests of the treatment terms; returns the table and the df of the innermost term."""
    from yieldtrial.stats._reml import f_test, kenward_roger_f_test, versus_first
    from yieldtrial.stats._univariate import f_sf

    fit = result._reml
    hypotheses: list[tuple[str, np.ndarray]] = []
    a = result.factor_a
    if not result.two_factor:
        rows = result._rows((a,))
        _check_estimable(result, rows, (a,))
        hypotheses.append((a, result._treatment_basis() @ rows))
    else:
        b = result.factor_b
        cells = result._rows((a, b))
        _check_estimable(result, cells, (a, b))
        # lmerTest's type III basis (every level against the first): the Satterthwaite
        # ddf of a multi-df test depends on it (see _reml.versus_first)
        ca, cb = versus_first(len(result.levels[a])), versus_first(len(result.levels[b]))
        hypotheses += [
            (a, ca @ result._rows((a,))),
            (b, cb @ result._rows((b,))),
            (f"{a}:{b}", np.kron(ca, cb) @ cells),
        ]
    records = []
    for source, lmat in hypotheses:
        est, cov, grad = fit.estimate(lmat, centred=True)
        if result.ddf == "kenward-roger":
            adj, cov0, grad_all = fit.estimate_kr(lmat)
            f, q, ddf = kenward_roger_f_test(est, adj, cov0, grad_all, fit.expected_cov)
            if q > 0 and not (np.isfinite(ddf) and ddf > 0.0 and np.isfinite(f) and f >= 0.0):
                # Kenward & Roger's moment matching breaks down: no positive denominator df
                # m (or a negative scale lambda = m / (E* (m - 2)), hence a negative F):
                # there is no F approximation to report. pbkrtest prints the formula's
                # value (augmented RCBD, random blocks at zero, 21 numerator df on 8
                # residual df: m = -1.46, F = 0.88, P NaN); the table shows no test. A
                # positive m below 2 with a positive F is kept (pbkrtest: 1.96 df,
                # tests/test_stats_mixed_lme4.py, sp_wp_zero_missing1)
                f, ddf = float("nan"), float("nan")
        else:
            f, q, ddf = f_test(est, cov, grad, fit.free_cov)
        p = float(f_sf(f, q, ddf)) if q > 0 and np.isfinite(ddf) else float("nan")
        records.append(
            {
                "source": source,
                "df": int(q),
                "df_denominator": float(ddf),
                "f": float(f),
                "p_value": p,
                "error_term": f"REML, {result.ddf} df",
            }
        )
    table = pd.DataFrame(records)
    return table, float(table["df_denominator"].iloc[-1])


def _check_estimable(result: MixedModelFit, rows: np.ndarray, by: tuple[str, ...]) -> None:
    ok = result._reml.basis.estimable(rows)
    if ok.all():
        return
    combos = list(product(*(result.levels[f] for f in by)))
    bad = [":".join(combos[i]) for i in np.flatnonzero(~ok)][:5]
    raise DataValidationError(
        f"the LS-means of {' x '.join(by)} {', '.join(map(repr, bad))} are not estimable: "
        "a whole treatment combination (or every plot that connects it to the others) is "
        "missing. Remove that level or supply its plots."
    )
