r"""Stability and adaptation of treatments (varieties) across the sites of a network.

:func:`stability` takes the plots of a multi-environment trial (a regional
variety trial, 区域试验, or a fertilizer demonstration network), reduces every
environment to its treatment LS-means with the network engine (per site exactly
:func:`yieldtrial.stats.model.fit`; replicated sites also give the pooled error
mean square), and computes on the treatment x environment table :math:`y_{ij}`
(:math:`g` treatments, :math:`e` environments):

* Finlay-Wilkinson / Eberhart-Russell regression on the environmental index
  (:math:`b_i`, :math:`S^2_{d_i}`, with tests),
* Shukla's stability variance :math:`\sigma^2_i` (with its F test) and Wricke's
  ecovalence :math:`W^2_i`,
* AMMI: the ANOVA with the IPCA sums of squares and Gollob's df and F tests,
  treatment and environment scores, the AMMI stability value (ASV),
* GGE: the singular value decomposition of the environment-centred table, with
  symmetric / row / column singular-value partitioning, which-won-where sectors and
  the mean-vs-stability (average environment coordinate) view,
* the high-stability coefficient HSC (高稳系数) and Annicchiarico's reliability index,
* BLUPs of the treatment means with treatments and sites random (statsmodels MixedLM,
  or its closed form for large complete tables), the variance components and the
  repeatability (entry-mean heritability) across sites.

Every statistic is a tidy column of :attr:`StabilityResult.table` (one row per
treatment).  Notation: :math:`\bar y_{i\cdot}`, :math:`\bar y_{\cdot j}` and
:math:`\bar y_{\cdot\cdot}` are the treatment, environment and grand means of the
table; :math:`I_j = \bar y_{\cdot j} - \bar y_{\cdot\cdot}` is the environmental
index; :math:`ge_{ij} = y_{ij} - \bar y_{i\cdot} - \bar y_{\cdot j} + \bar y_{\cdot\cdot}`
the interaction residuals; :math:`MS_e` the pooled within-site error mean square of a
plot and :math:`r` the replicates (plots) per cell, so :math:`MS_e/r` is the error
variance of a cell mean.  Statistics are on the scale of the table of means
(agricolae's ``stability.par`` and metan's ``ecovalence`` multiply Shukla's and
Wricke's statistics by :math:`r`); the AMMI ANOVA is on the plot scale (sums of
squares of means times :math:`r`), as in agricolae's and metan's AMMI.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, WrongTypeError, YieldTrialWarning
from yieldtrial.io._guard import held_warnings
from yieldtrial.io.checks import (
    check_alpha,
    check_number,
    check_probability,
    is_real_number,
    message_df,
    message_number,
    real_float,
    shown,
)
from yieldtrial.stats.power import MAX_REPLICATES
from yieldtrial.stats.results import Provenance

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "BLUP_METHODS",
    "GGE_SCALINGS",
    "GGE_SVP",
    "MIXEDLM_MAX_CELLS",
    "AmmiResult",
    "BlupResult",
    "GgeResult",
    "StabilityResult",
    "network_stability",
    "stability",
]

#: Singular-value partitioning of the GGE biplot: ``"symmetric"`` (scores
#: :math:`U S^{1/2}`, :math:`V S^{1/2}`), ``"row"`` (treatment-focused, :math:`U S`, :math:`V`),
#: ``"column"`` (environment-focused, :math:`U`, :math:`V S`).
GGE_SVP: tuple[str, ...] = ("symmetric", "row", "column")

#: Scaling of the environment-centred GGE table: none, or each environment divided by its
#: standard deviation (``"sd"``, the standardized GGE biplot).
GGE_SCALINGS: tuple[str, ...] = ("none", "sd")

#: How the BLUPs are fitted: ``"auto"`` (MixedLM up to :data:`MIXEDLM_MAX_CELLS` cells,
#: the closed form above), ``"mixedlm"`` or ``"closed_form"``.
BLUP_METHODS: tuple[str, ...] = ("auto", "mixedlm", "closed_form")

#: Cells of the treatment x environment table up to which ``blup="auto"`` uses statsmodels
#: MixedLM (about 5 s for 900 cells on the 2-core test machine; the closed form is exact
#: for the complete tables this module analyses, see :func:`_blup_closed_form`).
MIXEDLM_MAX_CELLS = 500

TABLE_COLUMNS: tuple[str, ...] = (
    "treatment",
    "mean",
    "rank",
    "pct_of_control",
    "b",
    "b_se",
    "b_ci_low",
    "b_ci_high",
    "b_p_value",
    "deviation_ms",
    "s2d",
    "s2d_p_value",
    "fw_r_squared",
    "shukla_sigma2",
    "shukla_p_value",
    "wricke_w2",
    "wricke_w2_pct",
    "ipca1",
    "ipca2",
    "asv",
    "sd",
    "cv_pct",
    "hsc",
    "relative_mean_pct",
    "relative_sd_pct",
    "annicchiarico_index",
    "blup",
)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, repr=False, eq=False)
class AmmiResult:
    r"""AMMI (additive main effects and multiplicative interaction) analysis.

    Attributes
    ----------
    anova : DataFrame
        ``source, df, sum_sq, mean_sq, f, p_value, error_term, pct_of_interaction``; rows
        ``environment``, ``block(environment)`` (replicated RCBD sites), ``treatment``,
        ``treatment:environment``, ``IPCA1``, ``IPCA2``, ..., ``residual`` (interaction
        left after the listed axes) and ``error`` (pooled within-site error, when known).
        Plot scale (sums of squares of means times the replicates). [response unit squared]
    singular_values : ndarray
        Singular values :math:`\lambda_m` of the interaction matrix :math:`ge_{ij}`
        (means scale). [response unit]
    treatment_scores, environment_scores : DataFrame
        ``treatment`` / ``environment``, ``mean``, ``IPCA1``, ``IPCA2``, ...: the scores
        :math:`u_{im}\lambda_m^{1/2}` and :math:`v_{jm}\lambda_m^{1/2}` (their products summed
        over all axes give :math:`ge_{ij}`). [response unit ** 0.5]
    """

    anova: pd.DataFrame
    singular_values: np.ndarray
    treatment_scores: pd.DataFrame
    environment_scores: pd.DataFrame

    def __repr__(self) -> str:
        pct = self.anova.set_index("source")["pct_of_interaction"]
        shown = ", ".join(
            f"{s} {pct[s]:.1f} %" for s in pct.index if s.startswith("IPCA") and s in pct
        )
        return f"AmmiResult({len(self.singular_values)} axes: {shown})"


@dataclass(frozen=True, repr=False, eq=False)
class GgeResult:
    r"""GGE biplot analysis (genotype main effect plus genotype x environment).

    Attributes
    ----------
    singular_values : ndarray
        Singular values of the environment-centred (optionally SD-scaled) table.
    pct_explained : ndarray
        :math:`100\,\lambda_m^2 / \sum \lambda^2` [%].
    treatment_scores, environment_scores : DataFrame
        ``treatment`` / ``environment``, ``PC1``, ``PC2``, ... after the chosen singular
        value partitioning ``svp``.
    which_won_where : DataFrame
        One row per environment: ``environment``, ``winner`` (the treatment with the
        largest predicted value :math:`g_i \cdot e_j` in the PC1-PC2 plane, a vertex of the
        polygon) and ``sector`` (1-based number of the polygon side's sector).
    polygon : list of str
        Treatments at the vertices of the convex hull of the treatment scores (PC1,
        PC2), counter-clockwise.
    mean_stability : DataFrame
        ``treatment, mean_axis, stability_axis``: projection on the average environment
        coordinate axis (higher = higher mean) and distance from it (lower = more
        stable), in PC1-PC2 units (Yan 2001).
    svp, scaling : str
        Singular value partitioning and scaling used.
    """

    singular_values: np.ndarray
    pct_explained: np.ndarray
    treatment_scores: pd.DataFrame
    environment_scores: pd.DataFrame
    which_won_where: pd.DataFrame
    polygon: list[str]
    mean_stability: pd.DataFrame
    svp: str
    scaling: str

    def __repr__(self) -> str:
        pct = ", ".join(f"PC{i + 1} {p:.1f} %" for i, p in enumerate(self.pct_explained[:2]))
        return f"GgeResult(svp={self.svp!r}, scaling={self.scaling!r}, {pct})"


@dataclass(frozen=True, repr=False, eq=False)
class BlupResult:
    r"""BLUPs of the treatment means with treatments and sites random.

    Attributes
    ----------
    table : DataFrame
        ``treatment, mean, blup, shrinkage``: the treatment's mean over the sites (its
        BLUE in a complete table), its BLUP :math:`\hat\mu + \hat g_i`, and the shrinkage
        factor :math:`\sigma^2_g/(\sigma^2_g + \sigma^2_{res}/e)`. [response unit]
    variance_components : DataFrame
        ``component, variance`` for ``treatment``, ``environment``, ``residual``
        (interaction plus the error of a cell mean) and, with a pooled error,
        ``treatment:environment`` (residual minus :math:`MS_e/r`) and ``error``
        (:math:`MS_e`, one plot). [response unit squared]
    repeatability : float
        Entry-mean repeatability (broad-sense heritability) across sites,
        :math:`\sigma^2_g / (\sigma^2_g + \sigma^2_{res}/e)`.
    method : str
        ``"statsmodels MixedLM (REML)"`` or ``"closed-form REML (balanced)"``.
    notes : tuple of str
        Convergence and boundary notes.
    """

    table: pd.DataFrame
    variance_components: pd.DataFrame
    repeatability: float
    method: str
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"BlupResult(method={self.method!r}, repeatability={self.repeatability:.3f})"


@dataclass(frozen=True, repr=False, eq=False)
class StabilityResult:
    """Result of :func:`stability`.

    Attributes
    ----------
    table : DataFrame
        One row per treatment: ``treatment, mean, rank, pct_of_control, b, b_se,
        b_ci_low, b_ci_high, b_p_value, deviation_ms, s2d, s2d_p_value, fw_r_squared,
        shukla_sigma2, shukla_p_value, wricke_w2, wricke_w2_pct, ipca1, ipca2, asv, sd,
        cv_pct, hsc, relative_mean_pct, relative_sd_pct, annicchiarico_index, blup``
        (see :func:`stability` for the formulas).
    means : DataFrame
        The treatment x environment table of LS-means analysed (rows treatments).
    environments : DataFrame
        ``environment, mean, index, status, n_plots``: each environment's mean and
        Finlay-Wilkinson index :math:`I_j`.
    ammi : AmmiResult
    gge : GgeResult
    blup : BlupResult or None
        None with ``blup=None``.
    error_mean_square : float
        Pooled within-site error mean square of one plot (NaN when unknown). [response unit squared]
    error_df : float
        Its degrees of freedom.
    replicates : float
        Plots per cell (harmonic mean when unequal).
    notes : tuple of str
        How the table was obtained and what could not be computed.
    provenance : Provenance
        Design, model, error term and df.
    options : dict
        The call's settings.
    """

    table: pd.DataFrame
    means: pd.DataFrame
    environments: pd.DataFrame
    ammi: AmmiResult
    gge: GgeResult
    blup: BlupResult | None
    error_mean_square: float
    error_df: float
    replicates: float
    notes: tuple[str, ...]
    provenance: Provenance
    options: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        g, e = self.means.shape
        return (
            f"StabilityResult(treatments={g}, environments={e}, replicates={self.replicates:g}, "
            f"error_df={self.error_df:g}, notes={len(self.notes)})"
        )

    def _repr_html_(self) -> str:
        table = self.table.to_html(index=False, float_format=lambda v: f"{v:.4g}")
        g, e = self.means.shape
        return f"<p><b>Stability</b>: {g} treatments x {e} environments</p>{table}"

    def to_frame(self, table: str = "table") -> pd.DataFrame:
        """Return one table as a DataFrame, as the other results of yieldtrial do.

        Parameters
        ----------
        table : {"table", "means", "environments"}
            The per-treatment statistics (default), the treatment x environment means, or
            the environments with their index.

        Returns
        -------
        DataFrame
            A copy of that table.

        Raises
        ------
        DataValidationError
            Another name.
        """
        names = ("table", "means", "environments")
        if table not in names:
            raise DataValidationError(
                f"unknown stability table {table!r}; choose one of {', '.join(names)}"
            )
        frame: pd.DataFrame = getattr(self, table)
        return frame.copy()

    def to_dict(self) -> dict[str, Any]:
        """Return the tables as JSON-ready structures (NaN becomes None)."""
        from yieldtrial.network._summary import _num, _records

        out: dict[str, Any] = {
            "options": dict(self.options),
            "provenance": {k: _num(v) for k, v in self.provenance.to_dict().items()},
            "notes": list(self.notes),
            "error_mean_square": _num(self.error_mean_square),
            "error_df": _num(self.error_df),
            "replicates": _num(self.replicates),
            "table": _records(self.table),
            "environments": _records(self.environments),
            "means": _records(self.means.reset_index()),
            "ammi": {
                "anova": _records(self.ammi.anova),
                "singular_values": [_num(float(v)) for v in self.ammi.singular_values],
                "treatment_scores": _records(self.ammi.treatment_scores),
                "environment_scores": _records(self.ammi.environment_scores),
            },
            "gge": {
                "svp": self.gge.svp,
                "scaling": self.gge.scaling,
                "singular_values": [_num(float(v)) for v in self.gge.singular_values],
                "pct_explained": [_num(float(v)) for v in self.gge.pct_explained],
                "treatment_scores": _records(self.gge.treatment_scores),
                "environment_scores": _records(self.gge.environment_scores),
                "which_won_where": _records(self.gge.which_won_where),
                "polygon": list(self.gge.polygon),
                "mean_stability": _records(self.gge.mean_stability),
            },
            "blup": None,
        }
        if self.blup is not None:
            out["blup"] = {
                "method": self.blup.method,
                "repeatability": _num(self.blup.repeatability),
                "table": _records(self.blup.table),
                "variance_components": _records(self.blup.variance_components),
            }
        return out

    def to_json(self) -> str:
        """Return :meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def plot_ammi1(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """AMMI1 biplot (means vs IPCA1); see :func:`yieldtrial.network.figures.plot_ammi1`."""
        from yieldtrial.network.figures import plot_ammi1

        return plot_ammi1(self, ax=ax, **kwargs)

    def plot_gge(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """GGE biplot with the which-won-where polygon; see :func:`~.figures.plot_gge`."""
        from yieldtrial.network.figures import plot_gge

        return plot_gge(self, ax=ax, **kwargs)

    def plot_adaptation(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Finlay-Wilkinson adaptation lines; see :func:`~.figures.plot_adaptation`."""
        from yieldtrial.network.figures import plot_adaptation

        return plot_adaptation(self, ax=ax, **kwargs)

    def plot_heatmap(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Site x treatment heat map; see :func:`~.figures.plot_heatmap`."""
        from yieldtrial.network.figures import plot_heatmap

        return plot_heatmap(self, ax=ax, **kwargs)


# --------------------------------------------------------------------------- entry point


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise DataValidationError(
            f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}"
        )


def _check_probability(name: str, value: Any) -> float:
    return check_probability(value, name)  # the one rule of every entry point


def stability(
    data: Any,
    *,
    env: str | Sequence[str] | None = None,
    treatment: str | None = None,
    response: str | None = None,
    block: str | None = None,
    control: str | None = None,
    alpha: float = 0.05,
    annicchiarico_alpha: float = 0.25,
    hsc_target_pct: float = 10.0,
    gge_svp: str = "symmetric",
    gge_scaling: str = "none",
    n_axes: int | None = None,
    blup: str | None = "auto",
    error_mean_square: float | None = None,
    error_df: float | None = None,
    replicates: float | None = None,
) -> StabilityResult:
    r"""Stability and adaptation statistics of every treatment across environments.

    Parameters
    ----------
    data : DataFrame or dask DataFrame
        Long data, one row per plot (or one row per treatment and environment when the
        table of means is all there is; then pass ``error_mean_square``, ``error_df``
        and ``replicates`` from the combined analysis to get the tests).
    env : str or sequence of str
        Column(s) identifying an environment (site, or site and year).
    treatment : str
        Treatment (variety) column.
    response : str
        Response column, e.g. ``"yield_kg_ha"``.
    block : str, optional
        Block column: each environment is an RCBD; without it, plots of the same
        treatment in an environment are replicates of a CRD (one plot each:
        unreplicated).
    control : str, optional
        Check variety: needed for HSC and ``pct_of_control``.
    alpha : float
        Level of the intervals and of the AMMI/regression tests' verdicts (1 - coverage).
    annicchiarico_alpha : float
        :math:`\alpha` of Annicchiarico's index (default 0.25: :math:`z = 0.674`, as in
        metan's ``Annicchiarico``).
    hsc_target_pct : float
        Target yield of HSC above the check [%] (10: the 1.10 of the published formula).
    gge_svp : {"symmetric", "row", "column"}
        Singular value partitioning of the GGE scores.
    gge_scaling : {"none", "sd"}
        Divide each environment of the GGE table by its standard deviation.
    n_axes : int, optional
        IPCA axes listed in the AMMI ANOVA (default all, :math:`\min(g - 1, e - 1)`);
        the ``residual`` row holds the interaction left after them.
    blup : {"auto", "mixedlm", "closed_form"} or None
        How to fit the BLUPs (None: skip them).
    error_mean_square, error_df, replicates : float, optional
        Pooled error mean square of one plot, its df and the plots per cell, for data
        that are already means (agricolae's ``stability.par(MSerror=, rep=)``); they
        override what the plots give.

    Returns
    -------
    StabilityResult
        ``table`` (one row per treatment), ``ammi``, ``gge``, ``blup``, ``means``,
        ``environments``, notes and provenance; ``plot_ammi1()``, ``plot_gge()``,
        ``plot_adaptation()``, ``plot_heatmap()``.

    Raises
    ------
    DataValidationError
        Missing columns, fewer than 2 treatments or 3 environments, a treatment absent
        from an environment (the table must be complete: the message lists the cells),
        bad options.

    Notes
    -----
    **Finlay-Wilkinson and Eberhart-Russell** ([1]_, [2]_).
    :math:`b_i = \sum_j y_{ij} I_j / \sum_j I_j^2`; deviations
    :math:`\delta_{ij} = y_{ij} - \bar y_{i\cdot} - b_i I_j`, ``deviation_ms``
    :math:`= \sum_j \delta_{ij}^2/(e-2)` and
    :math:`S^2_{d_i} = \sum_j\delta_{ij}^2/(e-2) - MS_e/r` (Eberhart & Russell; without a
    pooled error :math:`S^2_{d_i}` is ``deviation_ms`` and includes the error).  Test of
    :math:`S^2_{d_i} = 0`: :math:`F = \text{deviation\_ms}/(MS_e/r)` on
    :math:`(e-2, df_e)` df.  ``b_se`` is the genotype's own regression standard error
    :math:`\sqrt{\text{deviation\_ms}/\sum_j I_j^2}` and ``b_p_value`` tests
    :math:`b_i = 1` with :math:`t = (b_i - 1)/se` on :math:`e - 2` df (Eberhart & Russell
    pooled the deviations of all genotypes instead, assuming them equal; the
    :math:`S^2_d` tests say whether they are).  ``fw_r_squared`` is the regression's
    :math:`R^2`.

    **Shukla's stability variance** ([3]_):
    :math:`\sigma^2_i = \frac{g(g-1)W_i - \sum_k W_k}{(g-1)(g-2)(e-1)}` with
    :math:`W_i = \sum_j ge_{ij}^2`; approximate test of :math:`\sigma^2_i = 0` (no
    interaction variance beyond the error of a mean): :math:`F = \sigma^2_i/(MS_e/r)` on
    :math:`(e - 1, df_e)` df (as in Kang & Magari's STABLE and agricolae's
    ``stability.par``).  **Wricke's ecovalence** ([4]_): :math:`W^2_i = \sum_j ge_{ij}^2`,
    ``wricke_w2_pct`` its share of :math:`\sum_k W_k` [%].

    **AMMI** ([5]_, [6]_): the SVD :math:`ge_{ij} = \sum_m \lambda_m u_{im} v_{jm}`;
    :math:`SS(\text{IPCA}_m) = r\lambda_m^2` on Gollob's :math:`g + e - 1 - 2m` df, tested
    against the pooled error, or, without one, against the mean square of the axes
    after it (the last axis is then untested).  ``ipca1``, ``ipca2``:
    :math:`u_{im}\lambda_m^{1/2}`.  AMMI stability value ([7]_):
    :math:`ASV_i = \sqrt{(\frac{SS_1}{SS_2}\,\text{IPCA1}_i)^2 + \text{IPCA2}_i^2}`.

    **GGE** ([8]_): SVD of :math:`y_{ij} - \bar y_{\cdot j}` (divided by the environment's
    SD with ``gge_scaling="sd"``); scores :math:`U S^{f}`, :math:`V S^{1-f}` with
    :math:`f = 1/2, 1, 0` for symmetric, row and column partitioning.

    **High-stability coefficient** (高稳系数, HSC; 温振民 & 张永科 1994 [9]_):
    :math:`HSC_i = (\bar y_{i\cdot} - S_i) / ((1 + t/100)\,\bar y_{CK\cdot}) \times 100`
    with :math:`S_i` the standard deviation (n - 1) of the treatment's means over the
    environments, :math:`\bar y_{CK}` the check's mean and :math:`t` =
    ``hsc_target_pct`` (10: a target 10 % above the check, the 1.10 of the formula).

    **Annicchiarico's reliability index** ([10]_): relative yields
    :math:`z_{ij} = 100\,y_{ij}/\bar y_{\cdot j}`;
    :math:`I_i = \bar z_i - z_{1-\alpha}\, s(z_i)` [%] (``relative_mean_pct``,
    ``relative_sd_pct``, n - 1 in the SD).

    **BLUPs** ([11]_): :math:`y_{ij} = \mu + g_i + e_j + \varepsilon_{ij}` on the table
    of means with :math:`g_i \sim N(0, \sigma^2_g)`, :math:`e_j \sim N(0, \sigma^2_E)`,
    :math:`\varepsilon_{ij}` the interaction plus the error of a mean; REML by
    statsmodels MixedLM (one group, the two factors as variance components), or by its
    closed form for the balanced complete table (the mean squares of the three strata,
    pooled where a variance would be negative).  Repeatability
    :math:`H^2 = \sigma^2_g/(\sigma^2_g + \sigma^2_{res}/e)`.

    References
    ----------
    .. [1] Finlay, K. W. and Wilkinson, G. N. (1963). The analysis of adaptation in a
       plant-breeding programme. Aust. J. Agric. Res. 14, 742-754.
    .. [2] Eberhart, S. A. and Russell, W. A. (1966). Stability parameters for comparing
       varieties. Crop Sci. 6, 36-40.
    .. [3] Shukla, G. K. (1972). Some statistical aspects of partitioning
       genotype-environmental components of variability. Heredity 29, 237-245.
    .. [4] Wricke, G. (1962). Über eine Methode zur Erfassung der ökologischen Streubreite
       in Feldversuchen. Z. Pflanzenzüchtung 47, 92-96.
    .. [5] Gauch, H. G. (1988). Model selection and validation for yield trials with
       interaction. Biometrics 44, 705-715.
    .. [6] Gollob, H. F. (1968). A statistical model which combines features of factor
       analytic and analysis of variance techniques. Psychometrika 33, 73-115.
    .. [7] Purchase, J. L., Hatting, H. and van Deventer, C. S. (2000). Genotype x
       environment interaction of winter wheat in South Africa: II. Stability analysis of
       yield performance. S. Afr. J. Plant Soil 17, 101-107.
    .. [8] Yan, W., Hunt, L. A., Sheng, Q. and Szlavnics, Z. (2000). Cultivar evaluation
       and mega-environment investigation based on the GGE biplot. Crop Sci. 40, 597-605;
       Yan, W. (2001). GGEbiplot. Agron. J. 93, 1111-1118.
    .. [9] 温振民, 张永科 (1994). 用高稳系数法估算玉米杂交种高产稳产性的探讨. 作物学报
       20(4), 508-512 (formula as cited by later regional-trial papers; the original was
       not available to us).
    .. [10] Annicchiarico, P. (1992). Cultivar adaptation and recommendation from alfalfa
       trials in Northern Italy. J. Genet. Breed. 46, 269-278.
    .. [11] Piepho, H.-P. and Möhring, J. (2007). Computing heritability and selection
       response from unbalanced plant breeding trials. Genetics 177, 1881-1888.

    Examples
    --------
    Variety *i* gains :math:`1 + 0.2i` per unit of environment *j*; the environment means
    rise by 1.3 per unit, so :math:`b_i = (1 + 0.2i)/1.3`:

    >>> rows = [(f"E{j}", f"G{i}", 10 + i + j * (1 + 0.2 * i))
    ...         for i in range(4) for j in range(5)]
    >>> df = pd.DataFrame(rows, columns=["env", "variety", "y"])
    >>> res = stability(df, env="env", treatment="variety", response="y", blup=None)
    >>> res.table[["treatment", "b"]].round(3).to_numpy(dtype=object).tolist()
    [['G0', 0.769], ['G1', 0.923], ['G2', 1.077], ['G3', 1.231]]
    >>> res.ammi.anova["source"].tolist()[:4]
    ['environment', 'treatment', 'treatment:environment', 'IPCA1']
    """
    from yieldtrial.network import NetworkResult

    if isinstance(data, NetworkResult):
        raise DataValidationError(
            "stability takes the plot table (one row per plot, the DataFrame given to "
            "analyze_many), not a NetworkResult; for the network's own table of site "
            "LS-means use yieldtrial.network.stability.network_stability(result)"
        )
    if env is None or treatment is None or response is None:  # Python's "missing argument"
        missing = [
            f"{name}="
            for name, value in (("env", env), ("treatment", treatment), ("response", response))
            if value is None
        ]
        named = ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 else missing[0]
        raise WrongTypeError(
            f"stability() needs {named} beside the "
            "plot table: the column(s) of the environment (site, or site and year), of the "
            "treatment (variety) and of the response, e.g. stability(plots, env='site', "
            "treatment='variety', response='yield_kg_ha')"
        )
    _check_choice("gge_svp", gge_svp, GGE_SVP)
    _check_choice("gge_scaling", gge_scaling, GGE_SCALINGS)
    if blup is not None:
        _check_choice("blup", blup, BLUP_METHODS)
    alpha = check_alpha(alpha)  # the one rule of every entry point
    annicchiarico_alpha = _check_probability("annicchiarico_alpha", annicchiarico_alpha)
    if not (is_real_number(hsc_target_pct) and -100.0 < real_float(hsc_target_pct) < math.inf):
        raise DataValidationError(
            f"hsc_target_pct must be a percentage above -100 (10 for the usual 1.10); "
            f"got {shown(hsc_target_pct)}"
        )
    if n_axes is not None and not (
        is_real_number(n_axes)
        and math.isfinite(real_float(n_axes))
        and real_float(n_axes) == round(real_float(n_axes))
    ):  # int(2.5) was 2 axes, int('a') a ValueError
        raise DataValidationError(f"n_axes must be a whole number or None; got {shown(n_axes)}")
    env_list = [env] if isinstance(env, str) else list(env)
    table, env_frame, err, notes = _table_of_means(
        data, env_list, treatment=treatment, response=response, block=block
    )
    mse, df_e, r = err
    if error_mean_square is not None or replicates is not None or error_df is not None:
        if error_mean_square is None or replicates is None or error_df is None:
            raise DataValidationError(
                "pass error_mean_square, error_df and replicates together (the pooled error "
                "mean square of one plot, its df and the plots per cell)"
            )
        where = "stability()"
        mse = check_number(
            "error_mean_square",
            error_mean_square,
            where,
            low=0.0,
            high=None,
            low_inclusive=False,
            fix="the pooled error mean square of one plot",
        )
        # error_df may be inf (a known variance); below 1 (1e-310) no pooled error has it
        known = is_real_number(error_df) and real_float(error_df) == math.inf
        df_e = (
            math.inf
            if known
            else check_number(
                "error_df",
                error_df,
                where,
                low=1.0,
                high=None,
                fix="the degrees of freedom of the pooled error (inf: a known variance)",
            )
        )
        # replicates per cell: at most the planner's limit (power.MAX_REPLICATES), 1e308 is
        # a typing error that made MS_e / r underflow to 0
        r = check_number(
            "replicates",
            replicates,
            where,
            low=1.0,
            high=MAX_REPLICATES,
            high_inclusive=True,
            fix="the plots per treatment x environment cell",
        )
        # the table's own error (or its absence) and its replicates are replaced: their
        # notes would contradict the one below
        notes[:] = [n for n in notes if not any(part in n for part in _TABLE_ERROR_NOTES)]
        notes.append(
            f"pooled error supplied by the caller: MS_e = {message_number(mse)} on "
            f"{message_number(df_e)} df, {message_number(r)} replicates per cell."
        )
    labels = [str(v) for v in table.index]
    if control is not None and str(control) not in labels:
        raise DataValidationError(
            f"control {control!r} is not a treatment of the data; treatments: {', '.join(labels)}"
        )
    y = table.to_numpy(dtype=float)
    g, e = y.shape
    if g < 2 or e < 3:
        raise DataValidationError(
            f"stability needs at least 2 treatments and 3 environments; got {g} treatment(s) "
            f"and {e} environment(s)"
        )
    stats_cols, ammi, gge = _statistics(
        y,
        labels,
        list(map(str, table.columns)),
        mse=mse,
        df_e=df_e,
        r=r,
        alpha=alpha,
        n_axes=n_axes,
        svp=gge_svp,
        scaling=gge_scaling,
        notes=notes,
        block_ss=env_frame.attrs.get("block") if error_mean_square is None else None,
    )
    stats_cols.update(
        _hsc_annicchiarico(y, labels, control, hsc_target_pct, annicchiarico_alpha, notes)
    )
    blup_res = None
    if blup is not None:
        blup_res = _blups(y, labels, list(map(str, table.columns)), mse, r, blup, notes)
        stats_cols["blup"] = blup_res.table["blup"].to_numpy(dtype=float)
    else:
        stats_cols["blup"] = np.full(g, np.nan)
    out = pd.DataFrame({c: stats_cols[c] for c in TABLE_COLUMNS})
    design = "rcbd" if block is not None else "crd"
    prov = Provenance(
        design=f"multi-environment trial ({design} per environment)",
        model=f"{response} ~ treatment + environment + treatment:environment "
        "(table of environment LS-means)",
        error_term="pooled within-environment error" if np.isfinite(mse) else "none",
        df_error=float(df_e),
        test="F (S2d, Shukla, AMMI Gollob); t (b = 1)",
        alpha=alpha,
        adjustment="none",
        sum_of_squares="balanced table of means (times replicates on the plot scale)",
    )
    options = {
        "env": env_list,
        "treatment": treatment,
        "response": response,
        "block": block,
        "control": control,
        "alpha": alpha,
        "annicchiarico_alpha": annicchiarico_alpha,
        "hsc_target_pct": float(hsc_target_pct),
        "gge_svp": gge_svp,
        "gge_scaling": gge_scaling,
        "n_axes": n_axes,
        "blup": blup,
    }
    table.index.name = "treatment"
    return StabilityResult(
        table=out,
        means=table,
        environments=env_frame,
        ammi=ammi,
        gge=gge,
        blup=blup_res,
        error_mean_square=float(mse),
        error_df=float(df_e),
        replicates=float(r),
        notes=tuple(notes),
        provenance=prov,
        options=options,
    )


# --------------------------------------------------------------------------- stage 1


#: Beginnings of the notes of :func:`_table_of_means` about the pooled error and the
#: replicates it found in the data; dropped when the caller supplies both.
_TABLE_ERROR_NOTES = (
    "no environment is replicated:",
    "unequal plots per cell (",
    " environment(s) are unreplicated: the pooled error comes from",
)


def _table_of_means(
    data: Any, env: list[str], *, treatment: str, response: str, block: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[float, float, float], list[str]]:
    """Per-environment LS-means via the network engine; pooled error; completeness check."""
    from yieldtrial.network import analyze_many
    from yieldtrial.network._summary import site_label

    res = analyze_many(
        data,
        by=env,
        response=response,
        treatment=treatment,
        block=block,
        design="rcbd" if block is not None else "crd",
        summary=False,
        dunnett_pvalues="none",
        letters=False,
    )
    pt, tr = res.per_trial, res.per_treatment
    notes: list[str] = []
    site = site_label(pt, env)
    ok = np.isin(pt["status"].to_numpy(dtype=object), ("ok", "unreplicated"))
    if not ok.all():
        bad = [f"{s} ({r})" for s, r in zip(site[~ok], pt["reason"].to_numpy()[~ok], strict=True)]
        notes.append(
            f"{int((~ok).sum())} environment(s) left out (their own analysis failed): "
            + "; ".join(bad[:10])
            + (f" and {len(bad) - 10} more" if len(bad) > 10 else "")
        )
    tr_site = site_label(tr, env)
    keep_sites = site[ok]
    sel = np.isin(tr_site, keep_sites)
    cells = pd.DataFrame(
        {
            "treatment": tr["treatment"].astype(str).to_numpy()[sel],
            "environment": tr_site[sel],
            "lsmean": tr["lsmean"].to_numpy(dtype=float)[sel],
            "n": tr["n"].to_numpy(dtype=float)[sel],
        }
    )
    wide = cells.pivot(index="treatment", columns="environment", values="lsmean")
    wide = wide.reindex(columns=[s for s in keep_sites if s in set(wide.columns)])
    missing = np.argwhere(~np.isfinite(wide.to_numpy(dtype=float)))
    if missing.size:
        shown = ", ".join(
            f"{wide.index[i]!s} at {wide.columns[j]!s}" for i, j in missing[:10].tolist()
        )
        more = len(missing) - 10
        raise DataValidationError(
            f"stability needs every treatment in every environment; {len(missing)} cell(s) "
            f"are missing: {shown}" + (f" and {more} more" if more > 0 else "") + ". Drop the "
            "incomplete treatments or environments (or analyse the connected subset); the "
            "across-site means of analyze_many handle missing cells."
        )
    wide.columns.name = "environment"
    n = cells["n"].to_numpy(dtype=float)
    r = float(n.size / np.sum(1.0 / n)) if n.size else float("nan")
    if n.size and np.unique(n).size == 1:
        r = float(n[0])
    elif n.size:
        notes.append(
            f"unequal plots per cell ({int(n.min())} to {int(n.max())}): the harmonic mean "
            f"{message_number(r, 2)} is used as the replicates r of the AMMI sums of squares "
            "and of MS_e/r."
        )
    pts = pt[ok]
    df_all = pts["df_error"].to_numpy(dtype=float)
    ss_all = pts["sum_sq_error"].to_numpy(dtype=float)
    rep = np.isfinite(df_all) & (df_all > 0)
    if rep.any():
        df_e = float(df_all[rep].sum())
        mse = float(ss_all[rep].sum() / df_e)
        if not rep.all():
            notes.append(
                f"{int((~rep).sum())} environment(s) are unreplicated: the pooled error comes "
                f"from the {int(rep.sum())} replicated one(s)."
            )
    else:
        df_e, mse = 0.0, float("nan")
        notes.append(
            "no environment is replicated: no pooled error, so S2d and Shukla's variance "
            "include the error of a mean and their F tests are not available (pass "
            "error_mean_square, error_df and replicates when known)."
        )
    env_mean = wide.mean(axis=0).to_numpy(dtype=float)
    n_plots = pts.set_index(pd.Index(keep_sites))["n_observed"].reindex(wide.columns)
    env_frame = pd.DataFrame(
        {
            "environment": pd.Series(list(wide.columns), dtype=object),
            "mean": env_mean,
            "index": env_mean - env_mean.mean(),
            "status": pts.set_index(pd.Index(keep_sites))["status"]
            .reindex(wide.columns)
            .to_numpy(dtype=object),
            "n_plots": n_plots.to_numpy(dtype=np.int64),
        }
    )
    pool_rcbd = block is not None and rep.any()
    if pool_rcbd:
        ss_blk = pts["sum_sq_block"].to_numpy(dtype=float)
        df_blk = pts["df_block"].to_numpy(dtype=float)
        fin = np.isfinite(ss_blk) & np.isfinite(df_blk) & (df_blk > 0)
        env_frame.attrs["block"] = (float(ss_blk[fin].sum()), float(df_blk[fin].sum()))
    wide.index = pd.Index([str(v) for v in wide.index], name="treatment", dtype=object)
    return wide, env_frame, (mse, df_e, r), notes


# --------------------------------------------------------------------------- statistics


def _fsf(f: np.ndarray | float, d1: Any, d2: Any) -> np.ndarray:
    from scipy.special import fdtrc

    f_arr = np.asarray(f, dtype=float)
    d1_arr = np.broadcast_to(np.asarray(d1, dtype=float), f_arr.shape)
    d2_arr = np.broadcast_to(np.asarray(d2, dtype=float), f_arr.shape)
    ok = np.isfinite(f_arr) & (d1_arr > 0) & (d2_arr > 0)
    out = np.full(f_arr.shape, np.nan)
    out[ok] = fdtrc(d1_arr[ok], d2_arr[ok], f_arr[ok])
    return out


def _statistics(
    y: np.ndarray,
    labels: list[str],
    envs: list[str],
    *,
    mse: float,
    df_e: float,
    r: float,
    alpha: float,
    n_axes: int | None,
    svp: str,
    scaling: str,
    notes: list[str],
    block_ss: tuple[float, float] | None = None,
) -> tuple[dict[str, Any], AmmiResult, GgeResult]:
    from yieldtrial.stats._common import exact_fit_limit
    from yieldtrial.stats._univariate import t_isf, t_sf  # scipy.stats', bit for bit

    g, e = y.shape
    has_error = bool(np.isfinite(mse) and df_e > 0)
    gmean = y.mean(axis=1)
    emean = y.mean(axis=0)
    grand = float(y.mean())
    index = emean - grand
    ge = y - gmean[:, None] - emean[None, :] + grand
    # Finlay-Wilkinson / Eberhart-Russell
    sii = float(index @ index)
    b = (y @ index) / sii
    dev = y - gmean[:, None] - b[:, None] * index[None, :]
    dev_ss = np.einsum("ij,ij->i", dev, dev)
    dev_ms = dev_ss / (e - 2) if e > 2 else np.full(g, np.nan)
    b_se = np.sqrt(dev_ms / sii)
    # deviations of an exact fit (an exact line, as when two sites have identical means):
    # a standard error of 1e-12 and P = 1e-13 for b = 1 would be float noise, not evidence;
    # the one rule of every fit (stats._common.exact_fit_limit, on the table of means)
    noise = exact_fit_limit(np.ravel(y))
    exact = np.sqrt(dev_ss / e) <= noise
    if e > 2 and exact.any():
        b_se = np.where(exact, np.nan, b_se)
        notes.append(
            "The regression on the site index fits "
            f"{', '.join(str(labels[i]) for i in np.flatnonzero(exact))} exactly (deviations "
            "at rounding noise, as when sites have identical means): no standard error or "
            "test of b for them."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        tb = (b - 1.0) / b_se
        b_p = 2.0 * t_sf(np.abs(tb), e - 2) if e > 2 else np.full(g, np.nan)
        tq = float(t_isf(alpha / 2.0, e - 2)) if e > 2 else np.nan
        ss_i = np.einsum("ij,ij->i", y - gmean[:, None], y - gmean[:, None])
        fw_r2 = np.where(ss_i > 0, 1.0 - dev_ss / ss_i, np.nan)
    if has_error:
        s2d = dev_ms - mse / r
        s2d_p = _fsf(dev_ms / (mse / r), e - 2, df_e)
    else:
        s2d = dev_ms.copy()
        s2d_p = np.full(g, np.nan)
    # Wricke and Shukla
    w = np.einsum("ij,ij->i", ge, ge)
    w_total = float(w.sum())
    if g >= 3:
        shukla = (g * (g - 1) * w - w_total) / ((g - 1) * (g - 2) * (e - 1))
        shukla_p = _fsf(shukla / (mse / r), e - 1, df_e) if has_error else np.full(g, np.nan)
    else:
        shukla = np.full(g, np.nan)
        shukla_p = np.full(g, np.nan)
        notes.append("Shukla's stability variance needs at least 3 treatments.")
    ammi = _ammi(
        y, ge, labels, envs, gmean, emean, mse, df_e, r, has_error, n_axes, notes, block_ss
    )
    gge = _gge(y, labels, envs, svp, scaling)
    sv = ammi.singular_values
    ipca1 = ammi.treatment_scores["IPCA1"].to_numpy(dtype=float)
    ipca2 = (
        ammi.treatment_scores["IPCA2"].to_numpy(dtype=float)
        if "IPCA2" in ammi.treatment_scores
        else np.full(g, np.nan)
    )
    # a second axis at rounding noise (the interaction has one dimension, as when two sites
    # have identical means) made SS1/SS2 about 1e30 and ASV 1e29
    second = sv.size > 1 and sv[1] > noise * math.sqrt(y.size)
    if sv.size > 1 and not second and sv[0] > 0:  # (a zero interaction: _ammi's note)
        notes.append(
            "AMMI stability value (ASV) not computed: the second interaction axis is zero "
            "(rounding noise); the treatment x site interaction has one dimension only."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = sv[0] ** 2 / sv[1] ** 2 if second else np.nan
        asv = np.sqrt((ratio * ipca1) ** 2 + ipca2**2)
    order = (-gmean).argsort(kind="stable")
    rank = np.empty(g, dtype=np.int64)
    rank[order] = np.arange(1, g + 1)
    cols: dict[str, Any] = {
        "treatment": pd.Series(labels, dtype=object),
        "mean": gmean,
        "rank": rank,
        "b": b,
        "b_se": b_se,
        "b_ci_low": b - tq * b_se,
        "b_ci_high": b + tq * b_se,
        "b_p_value": b_p,
        "deviation_ms": dev_ms,
        "s2d": s2d,
        "s2d_p_value": s2d_p,
        "fw_r_squared": fw_r2,
        "shukla_sigma2": shukla,
        "shukla_p_value": shukla_p,
        "wricke_w2": w,
        "wricke_w2_pct": 100.0 * w / w_total if w_total > 0 else np.full(g, np.nan),
        "ipca1": ipca1,
        "ipca2": ipca2,
        "asv": asv,
    }
    return cols, ammi, gge


def _ammi(
    y: np.ndarray,
    ge: np.ndarray,
    labels: list[str],
    envs: list[str],
    gmean: np.ndarray,
    emean: np.ndarray,
    mse: float,
    df_e: float,
    r: float,
    has_error: bool,
    n_axes: int | None,
    notes: list[str],
    block_ss: tuple[float, float] | None = None,
) -> AmmiResult:
    from yieldtrial.stats._common import exact_fit_limit

    g, e = y.shape
    grand = float(y.mean())
    u, sv, vt = np.linalg.svd(ge, full_matrices=False)
    m_max = min(g - 1, e - 1)
    sv = sv[:m_max]
    u, vt = u[:, :m_max], vt[:m_max]
    # no interaction (every treatment the same amount above another at every site, up to
    # rounding): the axes of a zero matrix are arbitrary, so they get no test, share or
    # score (their shares were 0/0, a NumPy warning on the command line)
    noise = exact_fit_limit(np.ravel(y))  # the one exact-fit rule of every fit
    flat = not sv.size or float(sv[0]) <= noise * math.sqrt(y.size)
    if flat:
        sv, u, vt = np.zeros_like(sv), np.zeros_like(u), np.zeros_like(vt)
        notes.append(
            "AMMI: the treatment x site interaction is zero (rounding noise: every treatment "
            "differs from another by the same amount at every site), so it has no axes; no "
            "IPCA test or share is computed and every IPCA score is 0."
        )
    # sign convention: the largest |score| of each treatment axis is positive
    flip = np.sign(u[np.abs(u).argmax(axis=0), np.arange(m_max)])
    flip[flip == 0] = 1.0
    u, vt = u * flip, vt * flip[:, None]
    k = m_max if n_axes is None else int(n_axes)
    if not 1 <= k <= m_max:
        raise DataValidationError(f"n_axes must be between 1 and {m_max}; got {n_axes!r}")
    ss_env = r * g * float(np.sum((emean - grand) ** 2))
    ss_trt = r * e * float(np.sum((gmean - grand) ** 2))
    ss_ge = r * float(np.sum(ge * ge))
    df_env, df_trt, df_ge = e - 1.0, g - 1.0, (g - 1.0) * (e - 1.0)
    ss_axes = r * sv**2
    df_axes = np.array([g + e - 1.0 - 2.0 * (m + 1) for m in range(m_max)])
    rows: list[dict[str, Any]] = []

    def add(src: str, df: float, ss: float, err: tuple[float, float] | None, term: str) -> None:
        ms = ss / df if df > 0 else np.nan
        f = ms / err[0] if err is not None and err[0] > 0 else np.nan
        p = float(_fsf(f, df, err[1])) if err is not None else np.nan
        rows.append(
            {
                "source": src,
                "df": df,
                "sum_sq": ss,
                "mean_sq": ms,
                "f": f,
                "p_value": p,
                "error_term": term if err is not None else "",
                "pct_of_interaction": (
                    100.0 * ss / ss_ge if src.startswith("IPCA") and not flat else np.nan
                ),
            }
        )

    err = (mse, df_e) if has_error else None
    ms_ge = ss_ge / df_ge if df_ge > 0 else np.nan
    inter = (ms_ge, df_ge)
    if has_error and block_ss is not None and block_ss[1] > 0:
        add("environment", df_env, ss_env, (block_ss[0] / block_ss[1], block_ss[1]),
            "block(environment)")  # fmt: skip
        add("block(environment)", block_ss[1], block_ss[0], err, "error")
    else:
        add("environment", df_env, ss_env, err or inter,
            "error" if has_error else "treatment:environment")  # fmt: skip
    add("treatment", df_trt, ss_trt, err or inter,
        "error" if has_error else "treatment:environment")  # fmt: skip
    add("treatment:environment", df_ge, ss_ge, err, "error")
    for m in range(k):
        if flat:
            add(f"IPCA{m + 1}", df_axes[m], 0.0, None, "")
        elif has_error:
            add(f"IPCA{m + 1}", df_axes[m], ss_axes[m], err, "error")
        else:
            later_ss, later_df = ss_axes[m + 1 :].sum(), df_axes[m + 1 :].sum()
            rest = (later_ss / later_df, later_df) if later_df > 0 else None
            add(f"IPCA{m + 1}", df_axes[m], ss_axes[m], rest, f"IPCA{m + 2}+")
    res_ss = max(ss_ge - float(ss_axes[:k].sum()), 0.0)
    res_df = df_ge - float(df_axes[:k].sum())
    add("residual", res_df, res_ss if res_df > 0 else 0.0, err if res_df > 0 else None, "error")
    if has_error:
        rows.append(
            {
                "source": "error",
                "df": df_e,
                "sum_sq": mse * df_e,
                "mean_sq": mse,
                "f": np.nan,
                "p_value": np.nan,
                "error_term": "",
                "pct_of_interaction": np.nan,
            }
        )
    else:
        notes.append(
            "AMMI without a pooled error: treatment is tested against the interaction and "
            "each IPCA against the mean square of the axes after it (the last is untested)."
        )
    anova = pd.DataFrame(rows)
    root = np.sqrt(sv)
    names = [f"IPCA{m + 1}" for m in range(m_max)]
    tscore = pd.DataFrame(u * root, columns=names)
    tscore.insert(0, "mean", gmean)
    tscore.insert(0, "treatment", pd.Series(labels, dtype=object))
    escore = pd.DataFrame(vt.T * root, columns=names)
    escore.insert(0, "mean", emean)
    escore.insert(0, "environment", pd.Series(envs, dtype=object))
    return AmmiResult(anova, sv, tscore, escore)


def _gge(y: np.ndarray, labels: list[str], envs: list[str], svp: str, scaling: str) -> GgeResult:
    g, e = y.shape
    x = y - y.mean(axis=0)[None, :]
    if scaling == "sd":
        sd = y.std(axis=0, ddof=1)
        x = x / np.where(sd > 0, sd, 1.0)[None, :]
    u, sv, vt = np.linalg.svd(x, full_matrices=False)
    n = min(g, e)
    u, sv, vt = u[:, :n], sv[:n], vt[:n]
    flip = np.sign(vt.sum(axis=1))  # PC1 environments point mostly to the positive side
    flip[flip == 0] = 1.0
    u, vt = u * flip, vt * flip[:, None]
    f = {"symmetric": 0.5, "row": 1.0, "column": 0.0}[svp]
    gs = u * sv**f
    es = vt.T * sv ** (1.0 - f)
    total = float(np.sum(sv**2))
    pct = 100.0 * sv**2 / total if total > 0 else np.full(n, np.nan)
    names = [f"PC{m + 1}" for m in range(n)]
    tscore = pd.DataFrame(gs, columns=names)
    tscore.insert(0, "treatment", pd.Series(labels, dtype=object))
    escore = pd.DataFrame(es, columns=names)
    escore.insert(0, "environment", pd.Series(envs, dtype=object))
    polygon, www, mean_stab = _which_won_where(gs, es, labels, envs)
    return GgeResult(sv, pct, tscore, escore, www, polygon, mean_stab, svp, scaling)


def _which_won_where(
    gs: np.ndarray, es: np.ndarray, labels: list[str], envs: list[str]
) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """Polygon (convex hull of the treatment points), winners and mean-vs-stability."""
    p2 = np.zeros((gs.shape[0], 2))
    p2[:, : min(2, gs.shape[1])] = gs[:, :2]
    e2 = np.zeros((es.shape[0], 2))
    e2[:, : min(2, es.shape[1])] = es[:, :2]
    vertices: list[int]
    try:
        from scipy.spatial import ConvexHull

        vertices = [int(v) for v in ConvexHull(p2).vertices]  # counter-clockwise
    except Exception:  # noqa: BLE001 - degenerate (collinear or < 3 points)
        order = np.argsort(p2[:, 0])
        vertices = sorted({int(order[0]), int(order[-1])})
    pred = p2 @ e2.T  # (g, e): PC1-PC2 approximation of the centred table
    winner = pred.argmax(axis=0)
    sector = np.array([vertices.index(int(w)) + 1 if int(w) in vertices else 0 for w in winner])
    www = pd.DataFrame(
        {
            "environment": pd.Series(envs, dtype=object),
            "winner": pd.Series([labels[int(w)] for w in winner], dtype=object),
            "sector": sector.astype(np.int64),
        }
    )
    aec = e2.mean(axis=0)
    norm = float(np.hypot(*aec))
    if norm > 0:
        a = aec / norm
        along = p2 @ a
        away = np.abs(p2[:, 0] * a[1] - p2[:, 1] * a[0])
    else:
        along = np.full(p2.shape[0], np.nan)
        away = np.full(p2.shape[0], np.nan)
    mean_stab = pd.DataFrame(
        {
            "treatment": pd.Series(labels, dtype=object),
            "mean_axis": along,
            "stability_axis": away,
        }
    )
    return [labels[v] for v in vertices], www, mean_stab


def _hsc_annicchiarico(
    y: np.ndarray,
    labels: list[str],
    control: str | None,
    target_pct: float,
    alpha: float,
    notes: list[str],
) -> dict[str, Any]:
    from scipy.special import ndtri

    g, _ = y.shape
    gmean = y.mean(axis=1)
    sd = y.std(axis=1, ddof=1)
    rel = 100.0 * y / y.mean(axis=0)[None, :]
    rel_mean = rel.mean(axis=1)
    rel_sd = rel.std(axis=1, ddof=1)
    z = float(ndtri(1.0 - alpha))
    out: dict[str, Any] = {
        "sd": sd,
        "cv_pct": 100.0 * sd / np.where(gmean != 0, gmean, np.nan),
        "relative_mean_pct": rel_mean,
        "relative_sd_pct": rel_sd,
        "annicchiarico_index": rel_mean - z * rel_sd,
    }
    if control is None:
        out["hsc"] = np.full(g, np.nan)
        out["pct_of_control"] = np.full(g, np.nan)
        notes.append("no control given: HSC and pct_of_control are not computed.")
    else:
        ck = float(gmean[labels.index(str(control))])
        out["hsc"] = (gmean - sd) / ((1.0 + target_pct / 100.0) * ck) * 100.0
        out["pct_of_control"] = 100.0 * gmean / ck
    return out


# --------------------------------------------------------------------------- BLUPs


def _blups(
    y: np.ndarray,
    labels: list[str],
    envs: list[str],
    mse: float,
    r: float,
    method: str,
    notes: list[str],
) -> BlupResult:
    g, e = y.shape
    use_mixed = method == "mixedlm" or (method == "auto" and y.size <= MIXEDLM_MAX_CELLS)
    blup_notes: list[str] = []
    if use_mixed:
        mixed_notes: list[str] = []
        fitted = _blup_mixedlm(y, labels, envs, mixed_notes)
        if fitted is None:
            blup_notes += mixed_notes
            blup_notes.append("MixedLM failed; the closed form is used instead.")
            use_mixed = False
        else:
            # MixedLM can stop short of the optimum on a flat likelihood (a variance near
            # 0): 7 varieties x 15 sites gave a treatment variance of 263 at a REML
            # log-likelihood 0.09 below the exact closed form's 0
            closed = _blup_closed_form(y, [])
            short = _reml_loglik(y, *closed[:3]) - _reml_loglik(y, *fitted[:3])
            if short > 1e-3 and method == "auto":
                blup_notes.append(
                    "MixedLM stopped short of the REML optimum (log-likelihood "
                    f"{message_number(short, 2)} below the closed form's): the closed form is "
                    "used instead."
                )
                use_mixed = False
            else:
                blup_notes += mixed_notes
                if short > 1e-3:
                    blup_notes.append(
                        "MixedLM stopped short of the REML optimum (log-likelihood "
                        f"{message_number(short, 2)} below the closed form's, "
                        "blup='closed_form')."
                    )
    if not use_mixed:
        fitted = _blup_closed_form(y, blup_notes)
    assert fitted is not None  # noqa: S101 - both branches set it
    s2g, s2e, s2res, mu, g_hat, label = fitted
    gmean = y.mean(axis=1)
    shrink = s2g / (s2g + s2res / e) if (s2g + s2res / e) > 0 else 0.0
    table = pd.DataFrame(
        {
            "treatment": pd.Series(labels, dtype=object),
            "mean": gmean,
            "blup": mu + g_hat,
            "shrinkage": np.full(g, shrink),
        }
    )
    comps = [("treatment", s2g), ("environment", s2e), ("residual", s2res)]
    if np.isfinite(mse):
        comps.append(("treatment:environment", s2res - mse / r))
        comps.append(("error", mse))
        if s2res - mse / r < 0:
            blup_notes.append(
                "the residual variance of a cell mean is below MS_e/r: the treatment x "
                "environment variance estimate is negative (no detectable interaction)."
            )
    vc = pd.DataFrame(comps, columns=["component", "variance"])
    notes.extend(blup_notes)
    return BlupResult(table, vc, float(shrink), label, tuple(blup_notes))


#: statsmodels' warnings about an optimizer that stopped before the next one is tried.
_MIXEDLM_RETRY = (
    "Maximum Likelihood optimization failed to converge",
    "Retrying MixedLM optimization with",
)


def _blup_mixedlm(
    y: np.ndarray, labels: list[str], envs: list[str], notes: list[str]
) -> tuple[float, float, float, float, np.ndarray, str] | None:
    """Statsmodels MixedLM: one group, treatment and environment as variance components."""
    import statsmodels.formula.api as smf

    g, e = y.shape
    d = pd.DataFrame(
        {
            "y": y.ravel(),
            "trt": np.repeat(np.arange(g), e).astype(str),
            "env": np.tile(np.arange(e), g).astype(str),
            "grp": np.zeros(y.size, dtype=np.int64),
        }
    )
    try:
        with held_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = smf.mixedlm(
                "y ~ 1",
                d,
                groups="grp",
                vc_formula={"trt": "0 + C(trt)", "env": "0 + C(env)"},
                re_formula="0",
            )
            fit = model.fit(reml=True)
        for w in caught:
            text = str(w.message).splitlines()[0]
            if getattr(fit, "converged", False) and text.startswith(_MIXEDLM_RETRY):
                continue  # an optimizer that stopped early, then one that converged: no news
            notes.append(f"MixedLM: {text}")
    except Exception as exc:  # noqa: BLE001 - statsmodels raises many kinds
        notes.append(f"MixedLM failed: {exc}")
        return None
    names = list(model.exog_vc.names)
    vcomp = dict(zip(names, np.asarray(fit.vcomp, dtype=float), strict=True))
    re = fit.random_effects[0]
    g_hat = np.array([float(re[f"trt[C(trt)[{i}]]"]) for i in range(g)])
    return (
        vcomp["trt"],
        vcomp["env"],
        float(fit.scale),
        float(fit.fe_params.iloc[0]),
        g_hat,
        "statsmodels MixedLM (REML)",
    )


def _reml_loglik(y: np.ndarray, s2g: float, s2e: float, s2: float) -> float:
    r"""REML log-likelihood of the complete table, up to a constant, from its three strata.

    :math:`-\frac12 \sum_k [\nu_k \log\lambda_k + SS_k / \lambda_k]` with the treatment,
    environment and residual strata's sums of squares :math:`SS_k` on :math:`\nu_k` df and
    expected mean squares :math:`\lambda = \sigma^2 + e\sigma^2_g`,
    :math:`\sigma^2 + g\sigma^2_E`, :math:`\sigma^2` (the factorization
    :func:`_blup_closed_form` maximizes).  ``-inf`` for a non-positive expected mean square.
    """
    g, e = y.shape
    grand = float(y.mean())
    gm, em = y.mean(axis=1), y.mean(axis=0)
    res = y - gm[:, None] - em[None, :] + grand
    strata = (
        (e * float(np.sum((gm - grand) ** 2)), g - 1.0, s2 + e * s2g),
        (g * float(np.sum((em - grand) ** 2)), e - 1.0, s2 + g * s2e),
        (float(np.sum(res * res)), (g - 1.0) * (e - 1.0), s2),
    )
    if any(lam <= 0 for _, df, lam in strata if df > 0):
        return float("-inf")
    return -0.5 * sum(df * np.log(lam) + ss / lam for ss, df, lam in strata if df > 0)


def _blup_closed_form(
    y: np.ndarray, notes: list[str]
) -> tuple[float, float, float, float, np.ndarray, str]:
    r"""REML of the balanced crossed model from its three strata, pooled at the boundary.

    The REML likelihood of the complete two-way table factorizes over the treatment,
    environment and residual strata with expected mean squares
    :math:`\sigma^2 + e\sigma^2_g`, :math:`\sigma^2 + g\sigma^2_E` and :math:`\sigma^2`;
    the maximum under :math:`\sigma^2_g, \sigma^2_E \ge 0` pools a stratum whose mean
    square falls below the residual's into it (smallest first) until none does.
    """
    g, e = y.shape
    grand = float(y.mean())
    gm = y.mean(axis=1)
    em = y.mean(axis=0)
    res = y - gm[:, None] - em[None, :] + grand
    strata = {
        "trt": [e * float(np.sum((gm - grand) ** 2)), g - 1.0],
        "env": [g * float(np.sum((em - grand) ** 2)), e - 1.0],
    }
    pool_ss, pool_df = float(np.sum(res * res)), (g - 1.0) * (e - 1.0)
    pooled: list[str] = []
    while True:
        lam = pool_ss / pool_df
        low = [k for k, (ss, df) in strata.items() if k not in pooled and ss / df < lam]
        if not low:
            break
        k = min(low, key=lambda name: strata[name][0] / strata[name][1])
        pooled.append(k)
        pool_ss += strata[k][0]
        pool_df += strata[k][1]
    s2 = pool_ss / pool_df
    s2g = 0.0 if "trt" in pooled else (strata["trt"][0] / strata["trt"][1] - s2) / e
    s2e = 0.0 if "env" in pooled else (strata["env"][0] / strata["env"][1] - s2) / g
    if pooled:
        notes.append(
            "REML at the boundary: the variance of "
            + " and ".join({"trt": "treatments", "env": "environments"}[k] for k in pooled)
            + " is estimated as 0."
        )
    h = s2g / (s2g + s2 / e) if (s2g + s2 / e) > 0 else 0.0
    return s2g, s2e, s2, grand, h * (gm - grand), "closed-form REML (balanced)"


def network_stability(result: Any, **options: Any) -> tuple[StabilityResult | None, str | None]:
    """Stability statistics of an analysed network, from its table of site LS-means.

    Parameters
    ----------
    result : NetworkResult
        Output of :func:`yieldtrial.analyze_many` with its across-site summary.
    **options
        Further options of :func:`stability` (``control``, ``blup``, ...; ``control``
        defaults to the network's check).

    Returns
    -------
    stability : StabilityResult or None
        Computed on the included sites that have every treatment, with the pooled
        within-site error of the replicated ones (``error_mean_square``, ``error_df``,
        ``replicates``); None when fewer than 3 such sites or 2 treatments remain.
    note : str or None
        What was left out, or why nothing could be computed.

    Examples
    --------
    >>> rows = [(f"S{j}", t, 100 + 5 * j + (3 + j) * (t == "T")) for j in range(4)
    ...         for t in ("CK", "T")]
    >>> df = pd.DataFrame(rows, columns=["site", "treatment", "y"])
    >>> from yieldtrial.network import analyze_many
    >>> net = analyze_many(df, by="site", response="y", treatment="treatment",
    ...                    control="CK", design="crd")
    >>> stab, note = network_stability(net, blup=None)
    >>> stab.table["b"].round(3).tolist(), note  # site means rise 5.5 per site: 5/5.5, 6/5.5
    ([0.909, 1.091], None)
    """
    summary = result.summary
    if summary is None:
        return None, "no across-site summary (summary=False): stability not computed."
    means = summary.means
    complete = means.notna().all(axis=1)
    dropped = int((~complete).sum())
    table = means[complete]
    if table.shape[0] < 3 or table.shape[1] < 2:
        have = "has" if table.shape[0] == 1 else "have"
        return None, (
            f"stability needs at least 3 sites with every treatment; {table.shape[0]} {have} "
            f"all {means.shape[1]} treatments: not computed."
        )
    site_means = table.to_numpy(dtype=float).mean(axis=1)
    if float(np.ptp(site_means)) <= 1e-12 * max(1.0, float(np.abs(site_means).max())):
        # no environmental index: every regression on it is 0/0 (numpy warnings, NaN slopes)
        return None, (
            f"the {table.shape[0]} sites have the same mean yield, so there is no "
            "environmental gradient to regress on: stability not computed."
        )
    long = table.stack().rename("response").reset_index()
    long.columns = ["environment", "treatment", "response"]
    strip = summary.sites[summary.sites["included"]].set_index("site")
    rep = strip.loc[[str(s) for s in table.index]]
    df_err = pd.to_numeric(rep["df_error"], errors="coerce").to_numpy(dtype=float)
    mse = pd.to_numeric(rep["mse"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(df_err) & (df_err > 0) & np.isfinite(mse)
    kwargs: dict[str, Any] = {"control": summary.control, **options}
    pooled = None
    if ok.any():
        from yieldtrial.network._summary import site_label

        per = result.per_treatment
        n = pd.to_numeric(per["n"], errors="coerce").to_numpy(dtype=float)
        # plots per cell of the cells analysed (the sites of the table), not of every site
        in_table = np.isin(
            site_label(per, list(result.options["by"])), [str(s) for s in table.index]
        )
        n = n[in_table & np.isfinite(n) & (n > 0)]
        pooled = (
            float(np.sum(mse[ok] * df_err[ok]) / np.sum(df_err[ok])),
            float(np.sum(df_err[ok])),
            float(n.size / np.sum(1.0 / n)) if n.size else 1.0,
        )
        if n.size and np.unique(n).size == 1:
            pooled = (pooled[0], pooled[1], float(n[0]))
        kwargs.update(error_mean_square=pooled[0], error_df=pooled[1], replicates=pooled[2])
    with held_warnings():
        # the table of site means repeats the plots' copies, already warned of by the
        # network's own analysis (network._warn_copied_trials): not again per "environment"
        warnings.filterwarnings("ignore", r".* the same plot data as ", YieldTrialWarning)
        res = stability(
            long, env="environment", treatment="treatment", response="response", **kwargs
        )
    if pooled is not None and "error_mean_square" not in options:
        # the error is the network's own, not the user's: say where it comes from
        from yieldtrial.io._rounding import fixed

        # MS_e as the report's ANOVA tables show a mean square (1 decimal, thousands
        # grouped): ":g" printed 31020.6 beside the table's 31,020.6, and 1.70946e+06
        own = (
            f"pooled error of the {int(ok.sum())} replicated site(s) (their within-site "
            f"analyses): MS_e = {fixed(pooled[0], 1, group=',')} on {message_df(pooled[1])} "
            f"df, {message_number(pooled[2], 2)} plots per cell (harmonic mean)."
        )
        res = replace(
            res,
            notes=tuple(
                own if n.startswith("pooled error supplied by the caller:") else n
                for n in res.notes
            ),
        )
    note = (
        f"stability computed on the {table.shape[0]} sites with every treatment ({dropped} "
        "site(s) lacking a treatment left out)."
        if dropped
        else None
    )
    return res, note
