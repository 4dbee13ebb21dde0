r"""Augmented randomized complete block designs (Federer 1956, 1961).

Seed and extension programmes screen many unreplicated entries (new lines, accessions)
against a few checks: every block holds every check once and a share of the entries,
each entry appearing once in the whole trial.  The checks estimate the block effects and
the error; each entry is adjusted for the block it sits in:

.. math::

    \hat y_e^{adj} = y_{ej} - \hat b_j, \qquad
    \hat b_j = \bar y_{C, j} - \bar y_{C}

(:math:`\bar y_{C,j}` mean of the checks in block *j*, :math:`\bar y_C` their overall
mean).  These are the least-squares means of the model ``response ~ treatment + block``
(blocks weighted equally), which is how they are computed here, so missing plots and
checks absent from a block are handled too.  From :data:`ABSORB_MIN_TREATMENTS` treatments
on (thousands of entries, issue 13) the entries are absorbed when each has one plot and
every block a check plot: the check and block effects are then the least squares of the
check plots alone and the LS-means covariance is diagonal plus rank ``c + b - 1``, the same
numbers without any ``t x t`` step (:func:`_absorbed_fit`).  Other layouts of that size
(partially replicated, p-rep: some entries on two plots in different blocks; a block
without a check that replicated entries connect) are fitted with every treatment absorbed
(:func:`_prep_fit`, stop 43): blocks the only nuisance factor, the covariance diagonal plus
rank ``b - 1``, again the general fit's numbers.

The analysis of variance splits the treatments into checks, entries and checks vs
entries, in two tables (as Federer and the R package augmentedRCBD print them):

* treatment-adjusted: blocks (ignoring treatments), treatments (eliminating blocks) =
  checks + (entries and entries vs checks), residual;
* block-adjusted: treatments (ignoring blocks) = checks + entries + entries vs checks,
  blocks (eliminating treatments), residual.

Standard errors of a difference, with *b* blocks, *c* checks and the residual mean square
MSE (Federer 1956; Petersen 1994, ch. 5):

* two checks: :math:`\sqrt{2\,MSE / b}`;
* two entries in the same block: :math:`\sqrt{2\,MSE}`;
* two entries in different blocks: :math:`\sqrt{2\,MSE\,(1 + 1/c)}`;
* an entry and a check: :math:`\sqrt{MSE\,(1 + 1/b + 1/c + 1/(b c))}`.

Here every SED is read from the covariance of the least-squares means: for the first three
kinds this is exactly the formula above when every check is in every block (with missing
plots the table gives the root mean square over the pairs of each kind).  For an entry and
a check the exact variance of the difference of the adjusted means is
:math:`MSE\,(1 + 1/b + 1/c - 1/(b c))` (the entry's adjustment
:math:`\bar y_{C,j} - \bar y_C` and the check mean share the check plots); Federer's
printed :math:`MSE\,(b + 1)(c + 1)/(b c) = MSE\,(1 + 1/b + 1/c + 1/(bc))` overstates it
by :math:`2\,MSE/(bc)`.  The SED table keeps that textbook value in ``sed_textbook`` so
that output of other programs (augmentedRCBD prints it) can be reconciled, but every
comparison uses the exact covariance, as emmeans does (the augmentedRCBD vignette's own
pairwise table shows the exact 6.36 where its summary prints 6.70).

References
----------
.. [1] Federer, W. T. (1956). Augmented (or hoonuiaku) designs. Hawaiian Planters' Record
   55, 191-208.
.. [2] Federer, W. T. (1961). Augmented designs with one-way elimination of
   heterogeneity. Biometrics 17(3), 447-473. doi:10.2307/2527837
.. [3] Petersen, R. G. (1994). Agricultural Field Experiments: Design and Analysis.
   Marcel Dekker. Ch. 5.
.. [4] Aravind, J., Mukesh Sankar, S., Wankhede, D. P. and Kaur, V. augmentedRCBD:
   Analysis of Augmented Randomised Complete Block Designs. R package (CRAN).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io._compat import isin
from yieldtrial.io.entry_types import repeated_treatments as default_checks
from yieldtrial.stats._common import check_alpha, rounding_noise
from yieldtrial.stats._covariance import LowRankUpdateCovariance, diagonal
from yieldtrial.stats.model import (
    LeastSquares,
    check_columns,
    least_squares,
    levels_of,
    model_matrix,
    numeric_response,
    reference_grid_means,
)
from yieldtrial.stats.results import MeansModel, Provenance

__all__ = [
    "AUGMENTED_COMPARISONS",
    "AugmentedAnova",
    "augmented_anova",
    "check_linked_blocks",
    "default_checks",
]

#: Kinds of comparison of an augmented design, in the order of :attr:`AugmentedAnova.sed`.
AUGMENTED_COMPARISONS: tuple[str, ...] = (
    "two_checks",
    "two_entries_same_block",
    "two_entries_different_blocks",
    "entry_vs_check",
)

_DESCRIPTIONS = {
    "two_checks": "two check means",
    "two_entries_same_block": "two entries in the same block",
    "two_entries_different_blocks": "two entries in different blocks",
    "entry_vs_check": "an entry and a check",
}

_TABLE_COLUMNS = ["source", "df", "sum_sq", "mean_sq", "f", "p_value"]


@dataclass(frozen=True, eq=False)
class AugmentedAnova:
    """Analysis of an augmented randomized complete block design.

    Attributes
    ----------
    response, treatment, block : str
        Column names.
    checks, entries : tuple of str
        Check (repeated) and entry (unreplicated) treatment labels.
    blocks : tuple of str
        Block labels.
    table : DataFrame
        Treatment-adjusted ANOVA: ``source`` (``block (ignoring treatments)``,
        ``treatment (eliminating blocks)``, ``checks``, ``entries + entries vs checks``,
        ``residual``), ``df``, ``sum_sq``, ``mean_sq``, ``f``, ``p_value`` (F against the
        residual).
    table_block_adjusted : DataFrame
        Block-adjusted ANOVA: ``treatment (ignoring blocks)``, ``checks``, ``entries``,
        ``entries vs checks``, ``block (eliminating treatments)``, ``residual``.
    means : DataFrame
        One row per treatment: ``treatment``, ``kind`` (``check``/``entry``), ``block``
        (the entry's block; empty for checks), ``n``, ``mean`` (raw) and ``adjusted_mean``
        (LS-mean) [response unit], ``se`` of the adjusted mean [response unit].
    block_effects : Series
        Estimated block effects (deviations from their mean), indexed by block. [response
        unit]
    sed : DataFrame
        ``comparison`` (:data:`AUGMENTED_COMPARISONS`), ``description``, ``sed``
        [response unit] from the LS-means covariance, ``df``, ``lsd`` (critical difference
        ``t_{alpha/2, df} x sed``) [response unit], and ``sed_textbook``, Federer's (1956)
        balanced-design formula (equal to ``sed`` except for ``entry_vs_check``; see the
        module notes) [response unit].
    mse : float
        Residual mean square. [response unit squared]
    df_error : int
        Residual degrees of freedom.
    grand_mean : float
        Mean of the observed plots. [response unit]
    overall_adjusted_mean : float
        Mean of the adjusted means of all treatments. [response unit]
    cv_pct : float
        ``100 sqrt(MSE) / grand_mean``. [%]
    alpha : float
        Level of the ``lsd`` column.
    provenance : Provenance
        Design ``augmented``, model, residual error and df.
    """

    response: str
    treatment: str
    block: str
    checks: tuple[str, ...]
    entries: tuple[str, ...]
    blocks: tuple[str, ...]
    table: pd.DataFrame
    table_block_adjusted: pd.DataFrame
    means: pd.DataFrame
    block_effects: pd.Series
    sed: pd.DataFrame
    mse: float
    df_error: int
    grand_mean: float
    overall_adjusted_mean: float
    cv_pct: float
    alpha: float
    provenance: Provenance
    _means_model: MeansModel

    @property
    def origin(self) -> str:
        """Origin of the LS-means covariance: ``"augmented_prep"`` for a p-rep trial.

        ``"augmented_prep"`` when an entry has more than one observed plot (block effects
        estimated from the checks and the replicated entries), else ``"augmented"``
        (:func:`augmented_origin`, the rule the absorbed fit labels its covariance with).
        The Dunnett accuracy note and the report's p-rep wording both follow it (stop 46).
        """
        entries = self.means.loc[self.means["kind"] == "entry", "n"]
        return augmented_origin(entries.to_numpy())

    def replicated_entries(self) -> tuple[str, ...]:
        """Return the entries with more than one observed plot (none unless p-rep)."""
        if self.origin != "augmented_prep":
            return ()
        means = self.means
        kept = means.loc[(means["kind"] == "entry") & (means["n"] > 1), "treatment"]
        return tuple(str(label) for label in kept)

    def means_model(self, levels: Sequence[str] | None = None) -> MeansModel:
        """Return the adjusted means (LS-means) of all or some treatments, for comparisons.

        Parameters
        ----------
        levels : sequence of str, optional
            Treatments to keep (default: all checks and entries).

        Returns
        -------
        MeansModel
            Residual error term and df; Dunnett, Tukey, letters work on it.
        """
        mm = self._means_model
        if levels is None:
            return mm
        idx = [mm.index(level) for level in levels]
        return replace(
            mm,
            levels=tuple(mm.levels[i] for i in idx),
            estimates=mm.estimates[idx],
            cov=(
                mm.cov.take(idx)  # structured (entries absorbed): no dense subset
                if isinstance(mm.cov, LowRankUpdateCovariance)
                else mm.cov[np.ix_(idx, idx)]
            ),
            n=mm.n[idx],
            estimates_centred=(None if mm.estimates_centred is None else mm.estimates_centred[idx]),
        )

    @property
    def best_check(self) -> str:
        """The check with the highest adjusted mean."""
        mm = self._means_model
        values = [mm.estimates[mm.index(c)] for c in self.checks]
        return self.checks[int(np.argmax(values))]

    def vs_best_check(
        self,
        *,
        check: str | None = None,
        method: str = "t",
        alternative: str = "two-sided",
        confidence: float = 0.95,
    ) -> pd.DataFrame:
        """Every entry against the best check (or ``check``), with the entry-vs-check SE.

        Parameters
        ----------
        check : str, optional
            Check to compare with (default :attr:`best_check`).
        method : {"t", "dunnett", "bonferroni", "holm"}
            Adjustment over the entries; ``"t"`` (default) is the critical-difference
            comparison of the augmentedRCBD literature.
        alternative : {"two-sided", "greater", "less"}
            ``"greater"``: is the entry better than the check?
        confidence : float
            Confidence level of the intervals.

        Returns
        -------
        DataFrame
            :func:`yieldtrial.stats.compare.compare_means_to_control` on the entries and the
            check, sorted by the entries' adjusted means (best first).
        """
        from yieldtrial.stats.compare import compare_means_to_control

        check = self.best_check if check is None else str(check)
        if check not in self.checks:
            raise DataValidationError(
                f"check {check!r} is not a check of this trial; checks: {', '.join(self.checks)}"
            )
        mm = self.means_model([check, *self.entries])
        out = compare_means_to_control(
            mm, control=check, method=method, alternative=alternative, confidence=confidence
        )
        diff = [c for c in out.columns if c.startswith("difference") and not c.endswith("_pct")]
        out = out.sort_values(diff[0], ascending=False, kind="stable").reset_index(drop=True)
        out.attrs["best_check"] = check
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the treatment-adjusted ANOVA table, provenance in ``attrs``."""
        frame = self.table.copy()
        frame.attrs["provenance"] = self.provenance.to_dict()
        return frame

    def summary(self) -> dict[str, Any]:
        """Footer figures: grand and overall adjusted mean, MSE, df, CV, best check."""
        return {
            "grand_mean": self.grand_mean,
            "overall_adjusted_mean": self.overall_adjusted_mean,
            "mse": self.mse,
            "df_error": self.df_error,
            "cv_pct": self.cv_pct,
            "checks": list(self.checks),
            "n_entries": len(self.entries),
            "best_check": self.best_check,
        }

    def __repr__(self) -> str:
        """One line: response, model, checks, entries, blocks and error df (no tables)."""
        return (
            f"AugmentedAnova(response={self.response!r}, model={self.provenance.model!r}, "
            f"checks={len(self.checks)}, entries={len(self.entries)}, "
            f"blocks={len(self.blocks)}, df_error={self.df_error})"
        )

    def _repr_html_(self) -> str:
        return (
            f"<p><b>Augmented RCBD</b> ({html.escape(self.provenance.model)}): "
            f"{len(self.checks)} checks, {len(self.entries)} entries, {len(self.blocks)} "
            f"blocks</p>"
            + self.table.to_html(index=False, float_format=lambda v: f"{v:.6g}", na_rep="")
            + self.sed.to_html(index=False, float_format=lambda v: f"{v:.6g}")
        )


def _rss(x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    sol = least_squares(x, y)
    return sol.rss, sol.rank


def _wald_ss(sol: LeastSquares, lmat: np.ndarray) -> float:
    """Sum of squares of the hypothesis ``L beta = 0`` (numerator of the F test x df).

    ``sol`` is the model's solved least squares, shared by all the hypotheses of one
    model matrix (one singular value decomposition each, not one per hypothesis).
    """
    est = lmat @ sol.coef
    a = lmat @ (sol.right.T / sol.singular_values)
    return float(est @ np.linalg.lstsq(a @ a.T, est, rcond=None)[0])


def _pair_variances(
    cov: np.ndarray, d: np.ndarray, c: int, entry_block: np.ndarray
) -> dict[str, np.ndarray]:
    """Variances of the differences of all pairs, by kind, in ``combinations`` order.

    Row by row (issue 13: no t x t matrix of variances, no Python list of t^2 / 2
    floats); each kind's values come out in the order of ``combinations(range(t), 2)``,
    so their means are the same sums as before, bit for bit.  ``entry_block``: the
    block of each entry (``-1`` for an entry in more than one block).
    """
    n_t = d.size
    n_e = n_t - c
    counts = np.bincount(entry_block[entry_block >= 0])
    n_same = int((counts * (counts - 1) // 2).sum()) if counts.size else 0
    same = np.empty(n_same)
    diff = np.empty(n_e * (n_e - 1) // 2 - n_same)
    checks = []
    versus = []
    at_same = at_diff = 0
    for i in range(n_t - 1):
        row = (d[i] + d[i + 1 :]) - 2.0 * cov[i, i + 1 :]
        if i < c:
            checks.append(row[: c - 1 - i])
            versus.append(row[c - 1 - i :])
            continue
        e = i - c
        hit = (entry_block[e + 1 :] == entry_block[e]) & (entry_block[e] != -1)
        k = int(hit.sum())
        same[at_same : at_same + k] = row[hit]
        diff[at_diff : at_diff + row.size - k] = row[~hit]
        at_same += k
        at_diff += row.size - k
    return {
        "two_checks": np.concatenate(checks) if checks else np.empty(0),
        "two_entries_same_block": same,
        "two_entries_different_blocks": diff,
        "entry_vs_check": np.concatenate(versus) if versus else np.empty(0),
    }


#: Augmented trials with at least this many treatments (checks + entries) are fitted with the
#: entries absorbed (:func:`_absorbed_fit`: a (checks + blocks)-sized least-squares problem,
#: the LS-means covariance diagonal plus rank checks + blocks - 1) when the layout allows it
#: (each entry one plot, every block a check plot, the checks and blocks connected); smaller
#: ones keep the general fit of the full model matrix, whose numbers they agree with to
#: rounding (1e-10 relative, tested), so their reports stay as they were.  The general fit
#: costs O(t^3) time and O(t^2) memory: 23.5 s and 383 MiB at 2,000 entries (stop 41).
#: 502: a vs-control family of up to 500 comparisons (``compare.FAMILY_QMC_MAX``) keeps the
#: dense correlation, whose Dunnett curve is exact for up to three checks (nested
#: quadrature).  From stop 43 the absorbed covariance gives the same exact form (built from
#: its distinct rows, ``compare._exact_bifactor_family``) for up to four checks in every
#: block; five or more checks, or a lost check plot, give the near product form with the
#: Li-Shao bound, which is loose on small families (about 0.1 on 62 comparisons).
#: Stop 43: the layouts the one-plot absorption refuses (entries on two or more plots,
#: blocks without a check) take :func:`_prep_fit` from the same size on, the treatments
#: absorbed (memory O(n b + t b)); a disconnected layout gets the general fit's error.
ABSORB_MIN_TREATMENTS = 502


@dataclass(frozen=True)
class _Fit:
    """What :func:`augmented_anova` needs from a fit (general or entries absorbed)."""

    total: float
    rss_b: float
    rss_t: float
    rank_t: int
    rss_tb: float
    rank_tb: int
    residuals: np.ndarray
    adj_centred: np.ndarray
    cov: Any
    block_effects: np.ndarray
    ss_check: float
    ss_check_ign: float
    ss_entries_ign: float
    entry_block: np.ndarray
    pair_variance: dict[str, float]


def _absorbable(t_codes: np.ndarray, b_codes: np.ndarray, n_t: int, n_b: int, c: int) -> bool:
    """Whether the entries can be absorbed: one plot each, a check plot in every block."""
    if n_t < ABSORB_MIN_TREATMENTS:
        return False
    n = np.bincount(t_codes, minlength=n_t)
    if np.any(n[c:] != 1):
        return False
    with_check = np.zeros(n_b, dtype=bool)
    with_check[b_codes[t_codes < c]] = True
    return bool(with_check.all())


def _between_ss(values: np.ndarray, groups: np.ndarray, n_groups: int) -> float:
    """Sum of squares between group means, ``sum_k n_k (mean_k - mean)^2`` (one-way)."""
    n = np.bincount(groups, minlength=n_groups).astype(float)
    sums = np.bincount(groups, weights=values, minlength=n_groups)
    keep = n > 0
    means = sums[keep] / n[keep]
    grand = float(values.mean())
    return float(n[keep] @ (means - grand) ** 2)


def _within_ss(values: np.ndarray, groups: np.ndarray, n_groups: int) -> float:
    """Residual sum of squares of ``values ~ groups`` (one-way)."""
    n = np.bincount(groups, minlength=n_groups).astype(float)
    means = np.bincount(groups, weights=values, minlength=n_groups) / np.maximum(n, 1.0)
    dev = values - means[groups]
    return float(dev @ dev)


def _absorbed_fit(
    yc: np.ndarray, t_codes: np.ndarray, b_codes: np.ndarray, n_t: int, n_b: int, c: int
) -> _Fit | None:
    r"""Fit ``y ~ treatment + block`` with each entry's own parameter absorbed (issue 13).

    An entry with one plot is fitted exactly by its own effect (residual 0), so the check
    and block effects are the least-squares fit of the check plots alone, ``y ~ check +
    block`` with ``c + b - 1`` parameters, and an entry's adjusted mean is its yield minus
    its block's effect (a deviation from the blocks' mean; Federer 1961, eq. 3):

    .. math:: \hat y_e^{adj} = y_e - (\hat\beta_{j(e)} - \bar{\hat\beta}).

    Every LS-mean is a linear function of the small fit, ``g_i' z`` (check ``k``:
    ``gamma_k + mean(beta)``; entry: ``-(beta_j - mean(beta))``), plus the entry's own
    independent plot, so their covariance is ``diag(d) + F F'`` with ``d`` = MSE for an
    entry and 0 for a check, and ``F = sqrt(MSE) G V S^{-1}`` from the small fit's SVD
    (``G`` of t x (c + b - 1)): :class:`~yieldtrial.stats._covariance.LowRankUpdateCovariance`.
    The sums of squares of the two tables are the one-way within/between sums of squares
    and the small fit's residual and Wald sum of squares.  Returns None when the check
    plots do not connect every block (rank below ``c + b - 1``): the general fit then.
    """
    is_check = t_codes < c
    yk, tk, bk = yc[is_check], t_codes[is_check], b_codes[is_check]
    p = c + n_b - 1
    xs = np.zeros((yk.size, p))
    xs[np.arange(yk.size), tk] = 1.0
    dummy = bk > 0
    xs[np.flatnonzero(dummy), c + bk[dummy] - 1] = 1.0
    sol = least_squares(xs, yk)
    if sol.rank < p:
        return None
    gamma, delta = sol.coef[:c], np.concatenate([[0.0], sol.coef[c:]])
    beff = delta - delta.mean()
    # rows g of the LS-means in the small parameters (gamma, delta_2..delta_b)
    g_check = np.zeros((c, p))
    g_check[:, :c] = np.eye(c)
    g_check[:, c:] = 1.0 / n_b
    g_block = np.zeros((n_b, p))  # -(delta_j - mean(delta)) for an entry of block j
    g_block[:, c:] = 1.0 / n_b
    g_block[np.arange(1, n_b), c + np.arange(n_b - 1)] -= 1.0
    half = sol.right.T / sol.singular_values  # (X'X)^-1 = half half'
    rss_tb = sol.rss
    n = yc.size
    rank_tb = (n_t - c) + p
    df_e = n - rank_tb
    mse = rss_tb / df_e if df_e > 0 else float("nan")
    root = np.sqrt(mse) if df_e > 0 else float("nan")
    u_check = root * (g_check @ half)
    u_block = root * (g_block @ half)
    entry_block = np.empty(n_t - c, dtype=int)
    entry_block[t_codes[~is_check] - c] = b_codes[~is_check]
    factor = np.vstack([u_check, u_block[entry_block]])
    diag = np.concatenate([np.zeros(c), np.full(n_t - c, mse)])
    adj = np.empty(n_t)
    adj[:c] = gamma + delta.mean()
    adj[t_codes[~is_check]] = yc[~is_check] - beff[b_codes[~is_check]]
    residuals = np.zeros(n)
    residuals[is_check] = sol.residuals
    # checks (eliminating blocks): Wald sum of squares of their successive differences
    if c > 1:
        diffs = np.zeros((c - 1, p))
        diffs[np.arange(c - 1), np.arange(c - 1)] = 1.0
        diffs[np.arange(c - 1), np.arange(1, c)] = -1.0
        est = diffs @ sol.coef
        a = diffs @ half
        ss_check = float(est @ np.linalg.solve(a @ a.T, est))
    else:
        ss_check = 0.0
    n_e = n_t - c
    return _Fit(
        total=float(yc @ yc),
        rss_b=_within_ss(yc, b_codes, n_b),
        rss_t=_within_ss(yk, tk, c),
        rank_t=n_t,
        rss_tb=rss_tb,
        rank_tb=rank_tb,
        residuals=residuals,
        adj_centred=adj,
        cov=LowRankUpdateCovariance(diag, factor, origin="augmented"),
        block_effects=beff,
        ss_check=ss_check,
        ss_check_ign=_between_ss(yk, tk, c) if c > 1 else 0.0,
        ss_entries_ign=(
            float(np.sum((yc[~is_check] - yc[~is_check].mean()) ** 2)) if n_e > 1 else 0.0
        ),
        entry_block=entry_block,
        pair_variance=_absorbed_pair_variances(mse, u_check, u_block, entry_block, n_b),
    )


#: Largest ``pairs x q`` array of check-row differences :func:`_absorbed_pair_variances`
#: builds (4 Mi floats, 32 MiB); above it (thousands of checks: a p-rep trial analysed with
#: its replicated entries as checks) Lagrange's identity, :func:`_pair_sum`.
_PAIR_ROWS_MAX = 4 * 1024**2


def _absorbed_pair_variances(
    mse: float, u_check: np.ndarray, u_block: np.ndarray, entry_block: np.ndarray, n_b: int
) -> dict[str, float]:
    """Mean variance of a difference, by kind, from the factor rows (no pair visited).

    A check's row of ``F`` is ``u_check[k]``, an entry's ``u_block[j]`` of its block, so
    ``Var(m_i - m_k) = d_i + d_k + |F_i - F_k|^2`` takes ``c(c-1)/2 + c b`` distinct
    values besides ``2 MSE`` (same block); over the entry pairs in different blocks the
    sum of ``n_j n_j' |u_j - u_j'|^2`` over the block pairs ``j < j'`` is
    ``N sum_j n_j |u_j|^2 - |sum_j n_j u_j|^2`` (``N`` entries; Lagrange's identity).
    """
    c = u_check.shape[0]
    n_j = np.bincount(entry_block, minlength=n_b).astype(float)
    n_e = float(n_j.sum())
    out = {kind: float("nan") for kind in AUGMENTED_COMPARISONS}
    if c > 1 and c * (c - 1) // 2 * u_check.shape[1] <= _PAIR_ROWS_MAX:
        i, j = np.triu_indices(c, 1)
        diff = u_check[i] - u_check[j]
        out["two_checks"] = float(np.mean(np.einsum("pq,pq->p", diff, diff)))
    elif c > 1:  # many "checks" (p-rep entries taken as checks): no pairs x q array
        out["two_checks"] = _pair_sum(np.zeros(c), u_check) / (c * (c - 1) / 2)
    if float(n_j @ (n_j - 1.0)) > 0:
        out["two_entries_same_block"] = 2.0 * mse
    pairs_diff = (n_e * n_e - float(n_j @ n_j)) / 2.0
    if pairs_diff > 0:
        norms = np.einsum("jq,jq->j", u_block, u_block)
        weighted = n_j @ u_block
        spread = n_e * float(n_j @ norms) - float(weighted @ weighted)
        out["two_entries_different_blocks"] = 2.0 * mse + spread / pairs_diff
    if n_e > 0:
        # sum over checks k and entries e of |u_k - u_j(e)|^2
        norms_k = np.einsum("kq,kq->k", u_check, u_check)
        norms_j = np.einsum("jq,jq->j", u_block, u_block)
        cross = float((u_check.sum(axis=0)) @ (n_j @ u_block))
        total = n_e * float(norms_k.sum()) + c * float(n_j @ norms_j) - 2.0 * cross
        out["entry_vs_check"] = mse + total / (c * n_e)
    return out


def _absorbable_general(n_t: int) -> bool:
    """Whether a layout the one-plot absorption refuses is fitted by :func:`_prep_fit`."""
    return n_t >= ABSORB_MIN_TREATMENTS


def _pair_sum(d: np.ndarray, f: np.ndarray) -> float:
    """Sum over the pairs ``i < k`` of ``d_i + d_k + |F_i - F_k|^2`` (Lagrange's identity).

    ``(m - 1) sum d + m sum |F_i|^2 - |sum F_i|^2`` with the rows centred first (the sum
    is translation invariant), so nothing cancels beyond the spread of the rows.
    """
    m = d.size
    if m < 2:
        return 0.0
    fc = f - f.mean(axis=0)
    s = fc.sum(axis=0)
    return float((m - 1) * d.sum() + m * float(np.einsum("iq,iq->", fc, fc)) - float(s @ s))


def _low_rank_pair_variances(
    d: np.ndarray, f: np.ndarray, c: int, entry_block: np.ndarray
) -> dict[str, float]:
    """Mean variance of a difference, by kind, from ``V = diag(d) + F F'`` (no pair visited).

    The same pairs and kinds as :func:`_pair_variances` (an entry with plots in more than
    one block, ``entry_block == -1``, is in different blocks from every other entry), each
    kind's sum of ``d_i + d_k + |F_i - F_k|^2`` from sums over its rows: O(t q).
    """
    out = {kind: float("nan") for kind in AUGMENTED_COMPARISONS}
    n_e = d.size - c
    if c > 1:
        out["two_checks"] = _pair_sum(d[:c], f[:c]) / (c * (c - 1) / 2)
    de, fe = d[c:], f[c:]
    all_pairs = n_e * (n_e - 1) / 2
    same_sum, same_pairs = 0.0, 0.0
    order = np.argsort(entry_block, kind="stable")
    keys = entry_block[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], keys.size]
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        if keys[lo] < 0 or hi - lo < 2:
            continue
        rows = order[lo:hi]
        same_sum += _pair_sum(de[rows], fe[rows])
        same_pairs += (hi - lo) * (hi - lo - 1) / 2
    if same_pairs > 0:
        out["two_entries_same_block"] = same_sum / same_pairs
    if all_pairs - same_pairs > 0:
        out["two_entries_different_blocks"] = (_pair_sum(de, fe) - same_sum) / (
            all_pairs - same_pairs
        )
    if n_e > 0:
        centre = f.mean(axis=0)
        fk, fe_c = f[:c] - centre, fe - centre
        total = (
            n_e * float(d[:c].sum())
            + c * float(de.sum())
            + n_e * float(np.einsum("kq,kq->", fk, fk))
            + c * float(np.einsum("eq,eq->", fe_c, fe_c))
            - 2.0 * float(fk.sum(axis=0) @ fe_c.sum(axis=0))
        )
        out["entry_vs_check"] = total / (c * n_e)
    return out


def _entry_blocks(
    t_codes: np.ndarray, b_codes: np.ndarray, n_t: int, n_b: int, c: int
) -> np.ndarray:
    """Each entry's block, ``-1`` for an entry with plots in more than one block."""
    is_entry = t_codes >= c
    low = np.full(n_t - c, n_b)
    high = np.full(n_t - c, -1)
    np.minimum.at(low, t_codes[is_entry] - c, b_codes[is_entry])
    np.maximum.at(high, t_codes[is_entry] - c, b_codes[is_entry])
    return np.where(low == high, low, -1)


def _unlinked_blocks(
    t_codes: np.ndarray, b_codes: np.ndarray, n_t: int, n_b: int, c: int
) -> np.ndarray:
    """Return the blocks without a check that nothing links to the checks, in code order.

    The blocks and treatments are the two kinds of node of a graph whose edges are the
    plots; the block effects can be estimated in the component holding most check plots
    (the checks are the first ``c`` treatment codes).  Without replicated entries the
    blocks outside it are the blocks without a check plot; in a p-rep trial a block without
    a check is linked when one of its entries has its other plot in a linked block.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = n_t + n_b
    plots = (np.ones(t_codes.size), (t_codes, n_t + b_codes))  # treatment -- block
    _, component = connected_components(coo_matrix(plots, shape=(n, n)), directed=False)
    is_check = t_codes < c
    main = np.argmax(np.bincount(component[t_codes[is_check]], minlength=n))
    with_check = np.zeros(n_b, dtype=bool)
    with_check[b_codes[is_check]] = True
    return np.flatnonzero((component[n_t:] != main) & ~with_check)


def _unlinked_message(
    t_codes: np.ndarray,
    b_codes: np.ndarray,
    labels: tuple[str, ...],
    b_labels: tuple[str, ...],
    c: int,
) -> str | None:
    """Return the error of the first block without a check nothing links, else ``None``."""
    n_t, n_b = len(labels), len(b_labels)
    unlinked = _unlinked_blocks(t_codes, b_codes, n_t, n_b, c)
    if unlinked.size == 0:
        return None
    j = int(unlinked[0])
    entries = sorted({labels[i] for i in t_codes[b_codes == j]}, key=labels.index)
    if not (_entry_blocks(t_codes, b_codes, n_t, n_b, c) < 0).any():
        return (
            f"block {b_labels[j]!r} has no check plot with a yield, so its entries "
            f"{', '.join(map(repr, entries[:10]))} cannot be adjusted (nor the block "
            "effect estimated). Every block of an augmented design needs its checks: fill "
            "in their yields, or fit the blocks as random (block_effects = 'random' in "
            "FieldTrial or under [analysis] in trial.toml)."
        )
    # a p-rep trial: its replicated entries may link a block without checks (stop 45)
    named = ", ".join(map(repr, entries[:10])) + (", ..." if len(entries) > 10 else "")
    others = ", ".join(repr(b_labels[k]) for k in unlinked[1:6])
    others += ", ..." if unlinked.size > 6 else ""
    also = f" (nor those of block(s) {others})" if unlinked.size > 1 else ""
    return (
        f"block {b_labels[j]!r} has no check plot with a yield and no replicated entry "
        f"linking it to the blocks with checks, so its entries {named} cannot be "
        f"adjusted{also}: the p-rep design is disconnected. Fill in the yields of the "
        f"checks of block {b_labels[j]!r}, give one of its entries a second plot in a "
        "block with checks, or fit the blocks as random (block_effects = 'random' in "
        "FieldTrial or under [analysis] in trial.toml)."
    )


def augmented_origin(entry_plots: Sequence[float] | np.ndarray) -> str:
    """Return the origin of an augmented trial's LS-means covariance.

    One rule for the fit and the report's wording (stop 46): a partially replicated
    (p-rep) trial, an entry with more than one observed plot, has its block effects
    estimated from the checks and the replicated entries.

    Parameters
    ----------
    entry_plots : sequence of float
        Observed plots of each entry (the checks left out). [-]

    Returns
    -------
    str
        ``"augmented_prep"`` or ``"augmented"``.

    Examples
    --------
    >>> augmented_origin([1, 2, 1]), augmented_origin([1, 1])
    ('augmented_prep', 'augmented')
    """
    return "augmented_prep" if bool((np.asarray(entry_plots) > 1).any()) else "augmented"


def unadjusted_entry_messages(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str,
    checks: Sequence[str] | None = None,
) -> list[str]:
    """Say which entries a random-block fit leaves without a block adjustment (stop 46).

    With the blocks fixed, a block without a check plot with a yield that nothing links
    leaves its entries unadjustable (:func:`check_linked_blocks` refuses it: Federer's
    adjustment is the block's check mean).  With the blocks random (REML; Patterson and
    Thompson 1971) every treatment with an observed plot keeps an unbiased estimate: an
    entry of such a block is its plot's yield, the block effect a random deviation whose
    variance the other blocks estimate and its standard error includes.  The trial is
    analysed; this says which entries were not adjusted, one line per block.

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot.
    response : str
        Response column; plots without a value are left out.
    treatment, block : str
        Treatment and block columns.
    checks : sequence of str, optional
        The check labels; default: the treatments with more than one plot.

    Returns
    -------
    list of str
        One message per block without a check plot with a yield (none: empty).
    """
    used = data.loc[~np.isnan(numeric_response(data, response))]
    labels, blocks = used[treatment].astype(str), used[block].astype(str)
    is_check = isin(labels, _check_set(used[treatment], checks, column=treatment))
    with_check = set(blocks[is_check])
    messages = []
    for name in dict.fromkeys(blocks[~isin(blocks, with_check)]):
        entries = list(dict.fromkeys(labels[blocks == name]))
        named = ", ".join(map(repr, entries[:10])) + (", ..." if len(entries) > 10 else "")
        messages.append(
            f"block {name!r} has no check plot with a yield: with random blocks its entries "
            f"{named} are estimated without a block adjustment (their standard errors "
            "include the block variance). Fill in the yields of its checks to adjust them."
        )
    return messages


def _check_set(treatments: pd.Series, checks: Sequence[str] | None, *, column: str) -> set[str]:
    """Return the check labels: ``checks`` as text, by default the repeated treatments.

    The one rule of :func:`check_linked_blocks` and :func:`unadjusted_entry_messages`:
    without ``checks``, the treatments with more than one plot among ``treatments`` (the
    plots with a yield; :func:`default_checks`, the analysis' own rule).
    """
    if checks is not None:
        return {str(label) for label in checks}
    codes, labels = levels_of(treatments, column=column)
    return set(default_checks(labels, np.bincount(codes, minlength=len(labels))))


def check_linked_blocks(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str,
    checks: Sequence[str] | None = None,
) -> None:
    """Raise when a block of an augmented trial has no check and nothing links it.

    Each block effect is estimated from the treatments it shares with the other blocks:
    the checks, and in a partially replicated (p-rep) trial the entries with plots in two
    blocks.  A block with no check plot with a yield that no replicated entry links to the
    blocks with checks leaves the design disconnected, and its entries cannot be adjusted.

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot.
    response : str
        Response column; plots without a value are left out.
    treatment, block : str
        Treatment and block columns.
    checks : sequence of str, optional
        The check labels; default: the treatments with more than one plot
        (:func:`default_checks`).

    Raises
    ------
    DataValidationError
        Naming the first such block, its entries and the fixes.

    Examples
    --------
    Block 3 holds only E2, and its one plot links it to nothing (E1 links blocks 1 and 2):

    >>> df = pd.DataFrame({"block": ["1", "1", "2", "2", "3"],
    ...                    "treatment": ["CK", "E1", "CK", "E1", "E2"],
    ...                    "y": [5.0, 6.0, 5.5, 6.5, 7.0]})
    >>> check_linked_blocks(df, response="y", treatment="treatment", block="block",
    ...                     checks=["CK"])
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: block '3' has no check plot with a yield and no replicated entry linking it to the blocks with checks, so its entries 'E2' cannot be adjusted: ...
    """  # noqa: E501
    used = data.loc[~np.isnan(numeric_response(data, response))]
    if used.empty:
        return
    t_codes, t_labels = levels_of(used[treatment], column=treatment)
    b_codes, b_labels = levels_of(used[block], column=block)
    check_set = _check_set(used[treatment], checks, column=treatment)
    order = [i for i, t in enumerate(t_labels) if t in check_set]
    order += [i for i, t in enumerate(t_labels) if t not in check_set]
    remap = np.empty(len(t_labels), dtype=int)
    remap[order] = np.arange(len(order))
    labels = tuple(t_labels[i] for i in order)
    message = _unlinked_message(remap[t_codes], b_codes, labels, b_labels, len(check_set))
    if message is not None:
        raise DataValidationError(message)


def _raise_not_estimable(
    ok: np.ndarray,
    t_codes: np.ndarray,
    b_codes: np.ndarray,
    labels: tuple[str, ...],
    b_labels: tuple[str, ...],
    n_b: int,
    c: int,
) -> None:
    """Raise the error of an augmented layout whose LS-means are not all estimable."""
    message = _unlinked_message(t_codes, b_codes, labels, b_labels, c)
    if message is not None:
        raise DataValidationError(message)
    bad = [labels[i] for i in np.flatnonzero(~ok)][:5]
    raise DataValidationError(
        f"treatment(s) {', '.join(map(repr, bad))} cannot be adjusted: their block has no "
        "check plot. Every block of an augmented design needs the checks."
    )


def _prep_fit(
    yc: np.ndarray,
    y: np.ndarray,
    t_codes: np.ndarray,
    b_codes: np.ndarray,
    labels: tuple[str, ...],
    b_labels: tuple[str, ...],
    n_t: int,
    n_b: int,
    c: int,
    *,
    response: str,
) -> _Fit:
    r"""Fit ``y ~ treatment + block`` with the treatments absorbed (any layout; stop 43).

    For partially replicated (p-rep) augmented trials: entries with one or more plots,
    blocks possibly without a check when the design stays connected.  The least squares,
    LS-means and their covariance ``diag(d) + F F'`` come from
    :func:`~yieldtrial.stats._absorb.absorbed_fit` (blocks the only nuisance factor:
    memory O(n b + t b)); the sums of squares are the one-way within/between sums of
    squares and, for the checks eliminating blocks, the Wald sum of squares of their
    successive differences from the ``c x c`` block of the covariance (a difference of
    treatment effects is the difference of the LS-means).  Each SED kind is the mean over
    its pairs of the variance of the difference (:func:`_low_rank_pair_variances`), the
    same pairs as the general fit: an entry with plots in two blocks counts as in a
    different block from every other entry.  The numbers agree with :func:`_general_fit`
    to rounding (1e-10 relative, tested on p-rep trials of 502-600 treatments).
    """
    from yieldtrial.stats._absorb import absorbed_fit

    codes = {"t": t_codes, "b": b_codes}
    sol = absorbed_fit(codes, {"t": n_t, "b": n_b}, "t", yc)
    df_e = y.size - sol.rank
    _check_residual(df_e, sol.residuals, y, response)
    if not sol.estimable.all():
        _raise_not_estimable(sol.estimable, t_codes, b_codes, labels, b_labels, n_b, c)
    cov = sol.cov
    if isinstance(cov, LowRankUpdateCovariance):
        d_part, factor = cov.diag_part, cov.factor
    else:  # every treatment in every block in equal proportion: no block adjustment
        d_part, factor = diagonal(cov), np.zeros((n_t, 1))
    # a p-rep trial (an entry on more than one plot): its accuracy note says the block
    # effects come from the checks and the replicated entries (stop 45)
    origin = augmented_origin(np.bincount(t_codes, minlength=n_t)[c:])
    cov = LowRankUpdateCovariance(d_part, factor, origin=origin)
    # block effects: the absorbed fit's block dummies (block 0 the reference), centred
    delta = np.zeros(n_b)
    delta[1:] = sol.nuisance_effects
    beff = delta - delta.mean()
    rss_tb = float(sol.residuals @ sol.residuals)
    mse = rss_tb / df_e
    if c > 1:
        diffs = np.zeros((c - 1, c))
        diffs[np.arange(c - 1), np.arange(c - 1)] = 1.0
        diffs[np.arange(c - 1), np.arange(1, c)] = -1.0
        est = diffs @ sol.lsmeans[:c]
        fc = diffs @ factor[:c]
        vc = (diffs * d_part[:c]) @ diffs.T + fc @ fc.T
        ss_check = float(est @ np.linalg.solve(vc / mse, est))
    else:
        ss_check = 0.0
    is_check = t_codes < c
    n_e = n_t - c
    entry_block = _entry_blocks(t_codes, b_codes, n_t, n_b, c)
    return _Fit(
        total=float(yc @ yc),
        rss_b=_within_ss(yc, b_codes, n_b),
        rss_t=_within_ss(yc, t_codes, n_t),
        rank_t=n_t,
        rss_tb=rss_tb,
        rank_tb=sol.rank,
        residuals=sol.residuals,
        adj_centred=sol.lsmeans,
        cov=cov,
        block_effects=beff,
        ss_check=ss_check,
        ss_check_ign=_between_ss(yc[is_check], t_codes[is_check], c) if c > 1 else 0.0,
        ss_entries_ign=(
            _between_ss(yc[~is_check], t_codes[~is_check] - c, n_e) if n_e > 1 else 0.0
        ),
        entry_block=entry_block,
        pair_variance=_low_rank_pair_variances(d_part, factor, c, entry_block),
    )


def _contrast_rows(idx: list[int], p_trt: int, start: int, width: int) -> np.ndarray:
    """Successive differences among treatment levels ``idx`` in treatment coding."""
    rows = []
    for i, j in zip(idx[:-1], idx[1:], strict=True):
        r = np.zeros(width)
        if i > 0:
            r[start + i - 1] += 1.0
        if j > 0:
            r[start + j - 1] -= 1.0
        rows.append(r)
    return np.array(rows).reshape(-1, width)


def _check_residual(df_e: int, residuals: np.ndarray, y: np.ndarray, response: str) -> None:
    """Raise when the fit leaves no residual df or fits every yield exactly."""
    if df_e <= 0:
        raise DataValidationError(
            "the augmented design leaves no residual degrees of freedom; the checks must be "
            "repeated in at least two blocks."
        )
    if rounding_noise(residuals, y):
        raise DataValidationError(
            f"the augmented design's model of {response!r} fits every yield exactly (error "
            "sum of squares 0: the checks yield the same in every block once the blocks are "
            "allowed for), as when the yields were copied; no F test or standard error is "
            "possible: check the yield values"
        )


def _general_fit(
    yc: np.ndarray,
    y: np.ndarray,
    t_codes: np.ndarray,
    b_codes: np.ndarray,
    labels: tuple[str, ...],
    b_labels: tuple[str, ...],
    n_t: int,
    n_b: int,
    c: int,
    *,
    response: str,
) -> _Fit:
    """Fit ``y ~ treatment + block`` on the full model matrix (any layout; O(t^3))."""
    codes = {"t": t_codes, "b": b_codes}
    n_levels = {"t": n_t, "b": n_b}
    x_b, _ = model_matrix(codes, n_levels, [("b",)])
    x_t, _ = model_matrix(codes, n_levels, [("t",)])
    x_tb, sl = model_matrix(codes, n_levels, [("t",), ("b",)])
    total = float(yc @ yc)
    rss_b, _ = _rss(x_b, yc)
    sol_t = least_squares(x_t, yc)
    rss_t, rank_t = sol_t.rss, sol_t.rank
    sol = least_squares(x_tb, yc)
    rss_tb, rank_tb = sol.rss, sol.rank
    df_e = y.size - rank_tb
    _check_residual(df_e, sol.residuals, y, response)
    mse = rss_tb / df_e

    lmat = reference_grid_means("t", n_levels, [("t",), ("b",)])
    ok = sol.estimable(lmat)
    if not ok.all():
        _raise_not_estimable(ok, t_codes, b_codes, labels, b_labels, n_b, c)
    adj_centred = lmat @ sol.coef
    a = lmat @ (sol.right.T / sol.singular_values)
    cov = mse * (a @ a.T)

    # block effects as deviations (block LS-means minus their mean)
    lb = reference_grid_means("b", n_levels, [("t",), ("b",)])
    beff = lb @ sol.coef
    beff = beff - beff.mean()

    check_idx = list(range(c))
    entry_idx = list(range(c, n_t))
    width = x_tb.shape[1]
    start_t = sl[("t",)][0]
    ss_check = _wald_ss(sol, _contrast_rows(check_idx, n_t, start_t, width)) if c > 1 else 0.0
    ss_check_ign = (
        _wald_ss(sol_t, _contrast_rows(check_idx, n_t, 1, x_t.shape[1])) if c > 1 else 0.0
    )
    ss_entries_ign = (
        _wald_ss(sol_t, _contrast_rows(entry_idx, n_t, 1, x_t.shape[1]))
        if len(entry_idx) > 1
        else 0.0
    )
    # each entry's block (-1: plots in more than one block), as the absorbed fits
    entry_block = _entry_blocks(t_codes, b_codes, n_t, n_b, c)
    groups = _pair_variances(cov, np.diag(cov), c, entry_block)
    return _Fit(
        total=total,
        rss_b=rss_b,
        rss_t=rss_t,
        rank_t=rank_t,
        rss_tb=rss_tb,
        rank_tb=rank_tb,
        residuals=sol.residuals,
        adj_centred=adj_centred,
        cov=cov,
        block_effects=beff,
        ss_check=ss_check,
        ss_check_ign=ss_check_ign,
        ss_entries_ign=ss_entries_ign,
        entry_block=entry_block,
        pair_variance={
            kind: float(np.mean(v)) if v.size else float("nan") for kind, v in groups.items()
        },
    )


def augmented_anova(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str,
    checks: str | Sequence[str] | None = None,
    alpha: float = 0.05,
) -> AugmentedAnova:
    """Analyse an augmented RCBD: adjusted means, ANOVA with checks vs entries, four SEDs.

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot.
    response : str
        Response column, e.g. ``"yield_kg_ha"``.
    treatment : str
        Treatment column holding both checks and entries.
    block : str
        Block column.
    checks : str or sequence of str, optional
        Check label(s); default: the treatments with more than one plot.
    alpha : float, default 0.05
        Level of the critical differences (``lsd`` column of the SED table). [-]

    Returns
    -------
    AugmentedAnova

    Raises
    ------
    DataValidationError
        Missing columns, non-numeric response, no checks or no entries, a check label that
        is not a treatment, fewer than two blocks, no residual df, yields the model fits
        exactly, or an entry that cannot be adjusted (its block has no check).

    Examples
    --------
    The augmentedRCBD vignette's Table 1 (3 blocks, checks 1-4, 8 entries):

    >>> blk = [1] * 7 + [2] * 6 + [3] * 7
    >>> trt = [1, 2, 3, 4, 7, 11, 12, 1, 2, 3, 4, 5, 9, 1, 2, 3, 4, 8, 6, 10]
    >>> y = [92, 79, 87, 81, 96, 89, 82, 79, 81, 81, 91, 79, 78, 83, 77, 78, 78, 70, 75, 74]
    >>> df = pd.DataFrame({"block": blk, "treatment": trt, "y": y})
    >>> res = augmented_anova(df, response="y", treatment="treatment", block="block")
    >>> res.checks, round(res.mse, 4), round(res.overall_adjusted_mean, 4)
    (('1', '2', '3', '4'), 26.9722, 81.0625)
    >>> res.sed.set_index("comparison")["sed"].round(4).tolist()
    [4.2405, 7.3447, 8.2116, 6.3607]
    """
    from yieldtrial.stats._univariate import f_sf, t_ppf  # scipy.stats', bit for bit

    alpha = check_alpha(alpha)
    check_columns(data, {"response": response, "treatment": treatment, "block": block})
    if len({response, treatment, block}) != 3:
        raise DataValidationError(
            f"response, treatment and block must be three different columns; got {response!r}, "
            f"{treatment!r}, {block!r}"
        )
    y_all = numeric_response(data, response)
    observed = ~np.isnan(y_all)
    used = data.loc[observed]
    if used.shape[0] == 0:
        raise DataValidationError(f"column {response!r} has no observed value.")
    t_codes, t_labels = levels_of(used[treatment], column=treatment)
    b_codes, b_labels = levels_of(used[block], column=block)
    if len(b_labels) < 2:
        raise DataValidationError(
            f"an augmented design needs at least two blocks; column {block!r} has "
            f"{len(b_labels)} with observed plots."
        )
    counts = np.bincount(t_codes, minlength=len(t_labels))
    if checks is None:
        check_set = set(default_checks(t_labels, counts))
    else:
        check_set = {checks} if isinstance(checks, str) else {str(c) for c in checks}
        unknown = sorted(check_set - set(t_labels))
        if unknown:
            raise DataValidationError(
                f"check(s) {', '.join(map(repr, unknown))} not found among the observed "
                f"treatments of {treatment!r}; pass labels from that column."
            )
    check_labels = tuple(t for t in t_labels if t in check_set)
    entry_labels = tuple(t for t in t_labels if t not in check_set)
    if not check_labels or not entry_labels:
        raise DataValidationError(
            "an augmented design needs repeated checks and unreplicated entries; found "
            f"{len(check_labels)} check(s) and {len(entry_labels)} entr(y/ies) in "
            f"{treatment!r}. Pass checks=[...] if the checks are not the only repeated "
            "treatments."
        )
    # order: checks first, then entries (display and MeansModel order)
    order = [t_labels.index(t) for t in (*check_labels, *entry_labels)]
    remap = np.empty(len(t_labels), dtype=int)
    remap[order] = np.arange(len(order))
    t_codes = remap[t_codes]
    labels = (*check_labels, *entry_labels)
    n_t, n_b, c = len(labels), len(b_labels), len(check_labels)

    y = y_all[observed]
    centre = float(np.mean(y))
    yc = y - centre
    fit = (
        _absorbed_fit(yc, t_codes, b_codes, n_t, n_b, c)
        if _absorbable(t_codes, b_codes, n_t, n_b, c)
        else None
    )
    if fit is None:
        fitter = _prep_fit if _absorbable_general(n_t) else _general_fit
        fit = fitter(yc, y, t_codes, b_codes, labels, b_labels, n_t, n_b, c, response=response)
    else:
        _check_residual(y.size - fit.rank_tb, fit.residuals, y, response)
    total, rss_b, rss_t, rank_t = fit.total, fit.rss_b, fit.rss_t, fit.rank_t
    rss_tb, rank_tb = fit.rss_tb, fit.rank_tb
    df_e = y.size - rank_tb
    mse = rss_tb / df_e
    adj_centred = fit.adj_centred
    adj = adj_centred + centre
    cov = fit.cov
    beff = fit.block_effects
    ss_check, ss_check_ign, ss_entries_ign = fit.ss_check, fit.ss_check_ign, fit.ss_entries_ign
    entry_idx = list(range(c, n_t))
    ss_trt_elim = rss_b - rss_tb
    ss_trt_ign = total - rss_t
    df_trt = rank_tb - n_b  # treatments eliminating blocks
    rank_b = n_b
    df_block_ign = rank_b - 1
    df_block_elim = rank_tb - rank_t
    df_check = c - 1
    df_entries = len(entry_idx) - 1

    def row(source: str, df: int, ss: float) -> dict[str, Any]:
        ms = ss / df if df > 0 else float("nan")
        f = ms / mse if df > 0 and mse > 0 else float("nan")
        p = float(f_sf(f, df, df_e)) if np.isfinite(f) else float("nan")
        return {"source": source, "df": int(df), "sum_sq": ss, "mean_sq": ms, "f": f, "p_value": p}

    resid = {
        "source": "residual", "df": int(df_e), "sum_sq": rss_tb, "mean_sq": mse,
        "f": float("nan"), "p_value": float("nan"),
    }  # fmt: skip
    table = pd.DataFrame(
        [
            row("block (ignoring treatments)", df_block_ign, total - rss_b),
            row("treatment (eliminating blocks)", df_trt, ss_trt_elim),
            row("checks", df_check, ss_check),
            row("entries + entries vs checks", df_trt - df_check, ss_trt_elim - ss_check),
            resid,
        ],
        columns=_TABLE_COLUMNS,
    )
    table_b = pd.DataFrame(
        [
            row("treatment (ignoring blocks)", rank_t - 1, ss_trt_ign),
            row("checks", df_check, ss_check_ign),
            row("entries", df_entries, ss_entries_ign),
            row("entries vs checks", 1, ss_trt_ign - ss_check_ign - ss_entries_ign),
            row("block (eliminating treatments)", df_block_elim, rss_t - rss_tb),
            resid,
        ],
        columns=_TABLE_COLUMNS,
    )

    # SED per kind from the LS-means covariance
    d = diagonal(cov)
    entry_block = fit.entry_block
    t_crit = float(t_ppf(1 - alpha / 2, df_e))
    textbook = {
        "two_checks": 2.0 / n_b,
        "two_entries_same_block": 2.0,
        "two_entries_different_blocks": 2.0 * (1.0 + 1.0 / c),
        "entry_vs_check": (n_b + 1.0) * (c + 1.0) / (n_b * c),
    }
    sed_rows = []
    for kind in AUGMENTED_COMPARISONS:
        sed = float(np.sqrt(fit.pair_variance[kind]))
        sed_rows.append(
            {
                "comparison": kind,
                "description": _DESCRIPTIONS[kind],
                "sed": sed,
                "df": float(df_e),
                "lsd": t_crit * sed,
                "sed_textbook": float(np.sqrt(textbook[kind] * mse)),
            }
        )
    sed_table = pd.DataFrame(sed_rows)

    n = np.bincount(t_codes, minlength=n_t)
    raw = np.bincount(t_codes, weights=y, minlength=n_t) / n
    block_of = [""] * c + [b_labels[j] if j >= 0 else "" for j in entry_block.tolist()]
    means = pd.DataFrame(
        {
            "treatment": list(labels),
            "kind": ["check"] * c + ["entry"] * (n_t - c),
            "block": block_of,
            "n": n,
            "mean": raw,
            "adjusted_mean": adj,
            "se": np.sqrt(np.clip(d, 0.0, None)),
        }
    )
    formula = f"{response} ~ {treatment} + {block}"
    prov = Provenance(
        design="augmented",
        model=formula,
        error_term="residual (from the checks)",
        df_error=float(df_e),
        test="F",
        alpha=alpha,
        sum_of_squares="sequential: blocks ignoring / eliminating treatments (Federer 1961)",
    )
    for frame in (table, table_b, means, sed_table):
        frame.attrs["provenance"] = prov.to_dict()
    mm = MeansModel(
        factor=treatment,
        levels=labels,
        estimates=adj,
        cov=cov,
        df=float(df_e),
        n=n,
        mse=float(mse),
        error_term="residual",
        design="augmented",
        formula=formula,
        response=response,
        estimates_centred=adj_centred,
    )
    return AugmentedAnova(
        response=response,
        treatment=treatment,
        block=block,
        checks=check_labels,
        entries=entry_labels,
        blocks=b_labels,
        table=table,
        table_block_adjusted=table_b,
        means=means,
        block_effects=pd.Series(beff, index=pd.Index(b_labels, name=block), name="block_effect"),
        sed=sed_table,
        mse=float(mse),
        df_error=int(df_e),
        grand_mean=centre,
        overall_adjusted_mean=float(np.mean(adj)),
        cv_pct=100.0 * float(np.sqrt(mse)) / centre if centre != 0 else float("nan"),
        alpha=alpha,
        provenance=prov,
        _means_model=mm,
    )
