"""Comparisons of least-squares means: treatment vs control(s) and all pairs.

Every comparison starts from a :class:`~yieldtrial.stats.results.MeansModel` (the LS-means of
the design model, their covariance and the error df), never from raw plots, so blocks and
missing plots are accounted for by the model.  The data-level functions
(:func:`compare_to_control`, :func:`pairwise`) fit the design model first
(:func:`yieldtrial.stats.model.fit`) and then call the MeansModel-level functions
(:func:`compare_means_to_control`, :func:`pairwise_means`).

Column names follow one rule: quantities in the response's unit carry the unit suffix of the
response (``yield_kg_ha`` -> ``difference_kg_ha``, ``ci_low_kg_ha``; a response without a
recognised unit suffix, e.g. ``y``, gives plain ``difference``, ``ci_low``); percentages end in
``_pct``.  The test, its df and error term are visible as columns (``method``, ``df``,
``error_term``; ``confidence`` or ``alpha``); ``df.attrs`` holds the full ``provenance``
(design, model, error term, df, test, alpha, adjustment, version), ``response``, ``unit``,
``inference`` and ``replicates_needed`` (unreplicated trials: replicates a proper trial
would need, see :func:`replicates_for_unreplicated`; else None).

When the design leaves no error variance (one plot per treatment: ``df == 0``), or the error
variance is zero, the tables are descriptive only: differences and percentages are given,
p-values, confidence limits and verdicts are missing, and the ``inference`` column says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import check_alpha, check_probability, is_real_number, real_float, shown
from yieldtrial.io.progress import stage
from yieldtrial.io.validation import as_labels
from yieldtrial.stats._common import default_design, warn_fraction_pct
from yieldtrial.stats._covariance import (
    PAIR_CHUNK,
    RHO_BINS,
    BifactorFamilyCorrelation,
    DiagonalCovariance,
    LowRankUpdateCovariance,
    NearProductFormCorrelation,
    ProductFormCorrelation,
    diagonal,
    is_diagonal,
    pair_chunks,
    pair_variances,
    rho_histogram,
)
from yieldtrial.stats.distributions import (
    ALTERNATIVES,
    MvtProbability,
    dunnett_critical_value,
    dunnett_critical_values,
    dunnett_pvalues,
    tukey_adjusted_with_error,
    tukey_general_note,
)
from yieldtrial.stats.inference import (  # the constants re-exported: first defined here
    INFERENCE_OK,
    inference_status,
    replicates_for_unreplicated,
    unit_suffix,
)
from yieldtrial.stats.inference import UNIT_SUFFIXES as UNIT_SUFFIXES
from yieldtrial.stats.inference import (
    UNREPLICATED_ASSUMED_CV_PCT as UNREPLICATED_ASSUMED_CV_PCT,
)
from yieldtrial.stats.inference import (
    UNREPLICATED_TARGET_DIFFERENCE_PCT as UNREPLICATED_TARGET_DIFFERENCE_PCT,
)
from yieldtrial.stats.model import fit_means_model
from yieldtrial.stats.results import MeansModel, require_means_model

__all__ = [
    "CONTROL_METHODS",
    "PAIRWISE_MAX_PAIRS",
    "PAIRWISE_METHODS",
    "compare_means_to_control",
    "compare_to_control",
    "pairwise",
    "pairwise_means",
    "replicates_for_unreplicated",
    "treatment_f_test",
]

#: Methods of :func:`compare_to_control`: single-step Dunnett, unadjusted t, Bonferroni, Holm.
CONTROL_METHODS: tuple[str, ...] = ("dunnett", "t", "bonferroni", "holm")

#: Most pairs :func:`pairwise_means` lists (one row each, about 300 bytes per row).
PAIRWISE_MAX_PAIRS = 5_000_000

#: Methods of :func:`pairwise`: Tukey-Kramer, Fisher's LSD, Bonferroni, Holm.
PAIRWISE_METHODS: tuple[str, ...] = ("tukey", "lsd", "bonferroni", "holm")

#: Progress label of the Dunnett integration (a command's heartbeat shows it on a terminal):
#: seconds on large or irregular designs, which the model fit's label should not claim.
DUNNETT_STAGE = "Dunnett critical values"

#: Origins of an augmented trial's LS-means covariance: block effects estimated from the
#: checks, or (a p-rep trial) from the checks and the replicated entries.
AUGMENTED_ORIGINS: tuple[str, ...] = ("augmented", "augmented_prep")

_ADJUSTMENT_LABEL = {
    "dunnett": "single-step (Dunnett, multivariate t)",
    "t": "none",
    "lsd": "none",
    "bonferroni": "bonferroni",
    "holm": "holm (step-down)",
    "tukey": "single-step (Tukey-Kramer, studentized range)",
}


# --------------------------------------------------------------------------- helpers


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    # a pd.NA or a Series is no choice (its == answers NA or a Series: not True or False)
    if not isinstance(value, str) or value not in choices:
        raise DataValidationError(
            f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}"
        )


def _check_p_value(value: Any, name: str) -> float:
    """Return a p-value given by the caller as a float in [0, 1], or raise naming it."""
    if not (is_real_number(value) and 0.0 <= real_float(value) <= 1.0):
        raise DataValidationError(
            f"{name} must be a p-value from 0 to 1 (e.g. the ANOVA's treatment p-value), or "
            f"None to use the model's F test; got {shown(value)}"
        )
    return real_float(value)


def _check_level(value: float, name: str) -> float:
    """Return a confidence level as a float in (0, 1) (10**400 is refused, not an OverflowError)."""
    return check_probability(value, name)  # the one rule of every entry point


def checked_controls(mm: MeansModel, control: str | Sequence[str]) -> list[str]:
    """Return the control level(s) as distinct level texts, refused when not levels."""
    items = list(as_labels(control))  # 1, 1.0 and "1" name the same level
    if not items:
        raise DataValidationError("control must name at least one treatment level")
    for c in items:
        if str(c) not in mm.levels:
            raise DataValidationError(
                f"control {c!r} is not a level of {mm.factor!r}; levels: "
                f"{', '.join(mm.levels)}. Pass one of these as control="
            )
    return list(dict.fromkeys(str(c) for c in items))


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN kept)."""
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = ok.size
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adjusted = np.minimum(1.0, (m - np.arange(m)) * p[order])
    out[order] = np.maximum.accumulate(adjusted)
    return out


def _t_pvalues(t: np.ndarray, df: float | np.ndarray, alternative: str) -> np.ndarray:
    from yieldtrial.stats._univariate import t_cdf, t_sf

    if alternative == "two-sided":
        return np.asarray(np.minimum(1.0, 2.0 * t_sf(np.abs(t), df)), dtype=float)
    if alternative == "greater":
        return np.asarray(t_sf(t, df), dtype=float)
    return np.asarray(t_cdf(t, df), dtype=float)


def _df_groups(df: np.ndarray) -> list[tuple[float, np.ndarray]]:
    """Rows that share one df (to 10 significant digits): ``[(df, row indices), ...]``.

    Each group is evaluated at its smallest df; a balanced family is one group.
    """
    keys = np.array([float(f"{d:.10g}") if np.isfinite(d) else np.inf for d in df])
    out = []
    for key in dict.fromkeys(keys.tolist()):
        rows = np.flatnonzero(keys == key)
        out.append((float(np.min(df[rows])), rows))
    return out


def _join_notes(notes: Sequence[str]) -> str:
    """Join the families' accuracy notes: one per method, with the largest stated bound.

    Notes that differ only in their ``<= bound`` (the same integration at several df) are
    one note with the largest bound.
    """
    bounds: dict[str, float | None] = {}
    for note in notes:
        head, sep, bound = note.rpartition(" <= ")
        try:
            value = float(bound) if sep else None
        except ValueError:
            head, value = note, None
        key = head if value is not None else note
        old = bounds.get(key)
        bounds[key] = value if old is None or value is None else max(old, value)
    return "; ".join(k if v is None else f"{k} <= {v:.1e}" for k, v in bounds.items())


def _adjust(
    method: str,
    t: np.ndarray,
    corr: np.ndarray | ProductFormCorrelation | BifactorFamilyCorrelation | None,
    df: float | np.ndarray,
    alternative: str,
    confidence: float,
    *,
    need_critical: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str, float]:
    """Unadjusted p, adjusted p, critical values, accuracy note and bound for a family of t tests.

    The bound is the largest absolute error of the adjusted P at or below alpha and of the
    critical value's coverage (NaN when the method is exact to 1e-6 or has no
    integration: t, Bonferroni, Holm).

    ``corr`` (the family's correlation) is needed by Dunnett only.  ``df`` is one df for the
    family or one per test (mixed models: each contrast's Satterthwaite or Kenward-Roger
    df).  With several df every row's p-value and critical value come from the family's
    distribution (same correlation, same number of tests) evaluated at that row's own df,
    as emmeans does for its ``mvt``, ``tukey``, ``bonferroni`` and unadjusted rows.
    """
    dfs = np.broadcast_to(np.asarray(df, dtype=float), t.shape)
    groups = _df_groups(dfs) if t.size else []
    if len(groups) <= 1:
        one = groups[0][0] if groups else float(np.asarray(df, dtype=float).min(initial=np.inf))
        p1, p_adj1, crit1, note1, err1 = _adjust_one_df(
            method, t, corr, one, alternative, confidence, need_critical=need_critical
        )
        return p1, p_adj1, np.full(t.shape, crit1), note1, err1
    p = _t_pvalues(t, dfs, alternative)
    p_adj = np.full(t.shape, np.nan)
    crit = np.full(t.shape, np.nan)
    notes = []
    errors = []
    # one general-correlation curve for the family, built for its largest df (stop 41: a
    # row-column design's Satterthwaite df 12.6-19.4 built two identical curves, 16 and 32)
    curve_df = float(np.max(dfs, initial=-np.inf, where=~np.isnan(dfs)))
    criticals: list[tuple[float, MvtProbability] | None] = [None] * len(groups)
    if method == "dunnett" and need_critical and corr is not None:
        # every df's critical value from the family's curve, the root searches in step
        # (stop 51: 19 df of an alpha-lattice with lost plots, 0.05 s -> 0.02 s CPU)
        with stage(DUNNETT_STAGE):
            criticals = list(
                dunnett_critical_values(
                    corr,
                    [value for value, _ in groups],
                    alternative=alternative,
                    confidence=confidence,
                    curve_df=curve_df,
                )
            )
    for (value, rows), critical in zip(groups, criticals, strict=True):
        if method == "holm":  # step-down over the whole family's unadjusted p-values
            _, _, c_g, note, err = _adjust_one_df(
                "bonferroni", t, corr, value, alternative, confidence, need_critical=True
            )
        elif method == "dunnett":  # each row's P from the family's curve: only its rows
            _, pa_g, c_g, note, err = _adjust_one_df(
                method, t[rows], corr, value, alternative, confidence,
                need_critical=need_critical, curve_df=curve_df, critical=critical,
            )  # fmt: skip
            p_adj[rows] = pa_g
        else:
            _, pa_g, c_g, note, err = _adjust_one_df(
                method, t, corr, value, alternative, confidence, need_critical=need_critical
            )
            p_adj[rows] = pa_g[rows]
        crit[rows] = c_g
        notes.append(note)
        errors.append(err)
    if method == "holm":
        p_adj = _holm(p)
    return p, p_adj, crit, _join_notes(notes), _largest(errors)


#: A stated absolute error of a numerically integrated P value (Dunnett, Tukey on correlated
#: LS-means) above this is warned of when a P value lies within it of alpha.  Below it no
#: printed P (three decimals, ``<0.001``) and no verdict at alpha can move by more than the
#: rounding of the 0.001 shown; above it only a P that close to alpha can change its verdict.
MVT_WARN_ABS_ERROR = 1e-4


#: The start of the warning of :func:`_warn_borderline` (the report command prints it).
BORDERLINE_MESSAGE = (
    r"(?:Dunnett's comparisons with the control|Tukey's pairwise comparisons): \d+ adjusted P "
    r"value\(s\) lie within the stated error"
)


def _warn_borderline(family: str, checks: Sequence[tuple[np.ndarray, float]], alpha: float) -> None:
    """Warn when an adjusted P lies within its stated numerical error (above 1e-4) of alpha.

    Parameters
    ----------
    family : str
        The comparisons, as the warning names them.
    checks : sequence of (ndarray, float)
        Adjusted P values and the stated absolute error of their integration.
    alpha : float
        The significance level the verdicts are taken at.
    """
    near: list[float] = []
    stated = 0.0
    for p_values, error in checks:
        if not (np.isfinite(error) and error > MVT_WARN_ABS_ERROR):
            continue
        p = np.asarray(p_values, dtype=float)
        close = p[np.isfinite(p) & (np.abs(p - alpha) <= error)]
        if close.size:
            near.extend(float(v) for v in close)
            stated = max(stated, float(error))
    if not near:
        return
    import warnings

    from yieldtrial.errors import BorderlineVerdictWarning

    closest = min(near, key=lambda v: abs(v - alpha))
    warnings.warn(
        f"{family}: {len(near)} adjusted P value(s) lie within the stated error of their "
        f"numerical integration ({stated:.1e}, above 1e-4) of alpha = {alpha:g} (closest: "
        f"P = {closest:.4f}); their verdict at alpha is uncertain: treat them as borderline",
        BorderlineVerdictWarning,
        stacklevel=3,
    )


def _largest(errors: Sequence[float]) -> float:
    """Largest finite error bound (NaN when none is finite)."""
    finite = [e for e in errors if np.isfinite(e)]
    return max(finite) if finite else float("nan")


def _adjust_one_df(
    method: str,
    t: np.ndarray,
    corr: np.ndarray | ProductFormCorrelation | BifactorFamilyCorrelation | None,
    df: float,
    alternative: str,
    confidence: float,
    *,
    need_critical: bool = True,
    curve_df: float | None = None,
    critical: tuple[float, MvtProbability] | None = None,
) -> tuple[np.ndarray, np.ndarray, float, str, float]:
    """:func:`_adjust` for one df shared by the whole family.

    ``curve_df``: the family's largest df when its rows have several (Dunnett: the df the
    general-correlation curve is built for, :func:`dunnett_pvalues`).  ``critical``:
    Dunnett's critical value at ``df`` and its accuracy when already found
    (:func:`dunnett_critical_values`, for every df of the family together).
    """
    from yieldtrial.stats._univariate import t_isf

    p = _t_pvalues(t, df, alternative)
    m = t.size
    alpha = 1.0 - confidence
    sides = 2.0 if alternative == "two-sided" else 1.0
    note = "exact"
    error = float("nan")
    if method == "dunnett":
        if corr is None:  # pragma: no cover - internal misuse
            raise ValueError("Dunnett needs the family's correlation")
        with stage(DUNNETT_STAGE):  # seconds on large or irregular designs: say so
            p_adj, acc = dunnett_pvalues(t, corr, df, alternative=alternative, curve_df=curve_df)
            crit, acc_c = float("nan"), acc
            if critical is not None:
                crit, acc_c = critical
            elif need_critical:
                crit, acc_c = dunnett_critical_value(
                    corr, df, alternative=alternative, confidence=confidence, curve_df=curve_df
                )
        if acc.method == "qmc" or acc_c.method == "qmc":
            error = max(acc.abs_error, acc_c.abs_error)
            note = f"quasi-Monte Carlo multivariate t (seeded), abs. error <= {error:.1e}"
        elif "exact-nested" in (acc.method, acc_c.method):
            error = max(acc.abs_error, acc_c.abs_error)
            note = (
                "nested quadrature multivariate t (correlation of exact bifactor form: "
                f"every check in every block), abs. error <= {error:.1e}"
            )
        elif isinstance(corr, NearProductFormCorrelation) and corr.pairs:
            # the bound falls as the threshold grows: at the critical value it bounds every
            # adjusted P at or below alpha; at the smallest |t| it bounds every P
            two = alternative == "two-sided"
            bound = corr.error_bound(float(np.nanmin(np.abs(t))), df, two_sided=two)
            if corr.source == "dense_family":
                note = (
                    f"nearest product-form correlation of a family of {t.size} comparisons "
                    "(Hsu's factor-analytic approximation, 1-D integration) with the exact "
                    f"standard errors; the correlations of {corr.pairs} pair(s) differ from "
                    "it; error (Li-Shao normal comparison bound)"
                )
            elif corr.source in AUGMENTED_ORIGINS:
                estimated = (
                    "block effects estimated from the checks and the replicated entries"
                    if corr.source == "augmented_prep"
                    else "the checks' block effects"
                )
                note = (
                    "product-form correlation (1-D integration) with the exact standard errors; "
                    f"the correlations of {corr.pairs} pair(s) of entries adjusted by "
                    f"{estimated} (augmented design) differ from it; error (Li-Shao normal "
                    "comparison bound)"
                )
            else:
                note = (
                    "product-form correlation (1-D integration) with the exact standard errors; "
                    f"the correlations of {corr.pairs} pair(s) of entries with missing plots "
                    "differ from it; error (Li-Shao normal comparison bound)"
                )
            if np.isfinite(crit):
                at_crit = corr.error_bound(crit, df, two_sided=two)
                error = max(at_crit, 1e-6)
                note += (
                    f" <= {max(at_crit, 1e-6):.1e} for every adjusted P at or below alpha "
                    "and for the critical value's coverage"
                )
                if bound > max(at_crit, 1e-6):
                    note += (
                        f"; <= {max(bound, 1e-6):.1e} for every adjusted P"
                        if bound < 0.01
                        else f"; larger adjusted P have looser bounds (up to {min(bound, 1.0):.1g})"
                    )
            else:
                error = max(bound, 1e-6)
                note += f" <= {error:.1e} for every adjusted P"
        else:
            note = "exact (product-form correlation, 1-D integration), abs. error < 1e-6"
    elif method in ("t", "lsd"):
        p_adj = p.copy()
        crit = float(t_isf(alpha / sides, df))
    elif method == "bonferroni":
        p_adj = np.minimum(1.0, m * p)
        crit = float(t_isf(alpha / (sides * m), df))
    else:  # holm
        p_adj = _holm(p)
        crit = float(t_isf(alpha / (sides * m), df))
    return p, np.asarray(p_adj, dtype=float), crit, note, error


def _interval(
    estimate: np.ndarray, se: np.ndarray, crit: float | np.ndarray, alternative: str
) -> tuple[np.ndarray, np.ndarray]:
    low = estimate - crit * se
    high = estimate + crit * se
    if alternative == "greater":
        high = np.full(estimate.shape, np.inf)
    elif alternative == "less":
        low = np.full(estimate.shape, -np.inf)
    return low, high


def _pct(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    out = np.full(np.broadcast(values, reference).shape, np.nan)
    ok = np.broadcast_to(reference > 0, out.shape)
    vals = np.broadcast_to(values, out.shape)
    refs = np.broadcast_to(reference, out.shape)
    out[ok] = 100.0 * vals[ok] / refs[ok]
    return out


def _versus_control_cov(cov: np.ndarray, idx: list[int], ic: int, scale: float) -> np.ndarray:
    """Covariance of the contrasts ``e_i - scale e_ic`` (``i`` in ``idx``) in O(m^2).

    The same matrix as ``W V W'`` with the dense weight matrix ``W``, without the
    ``k x k`` products (a 10,000-treatment trial would need 10^12 operations).
    """
    sub = cov[np.ix_(idx, idx)]
    cross = cov[idx, ic]
    out = sub - scale * cross[:, None] - scale * cov[ic, idx][None, :]
    return np.asarray(out + scale**2 * cov[ic, ic])


def _versus_control_df(mm: MeansModel, idx: list[int], ic: int, scale: float) -> np.ndarray:
    """Df of the contrasts ``e_i - scale e_ic``: each its own for mixed models, else ``mm.df``."""
    m = len(idx)
    if mm.cov_gradient is None or mm.variance_parameter_cov is None:
        return np.full(m, float(mm.df))
    w = np.zeros((m, len(mm.levels)))
    w[np.arange(m), idx] = 1.0
    w[:, ic] -= scale
    return np.asarray(mm.contrast_df(w), dtype=float)


def _is_tukey_hsd(mm: MeansModel, row_df: np.ndarray) -> bool:
    """Whether every pair has the same standard error and df (Tukey's HSD proper)."""
    from yieldtrial.stats.distributions import pairwise_is_tukey_hsd

    df = np.asarray(row_df, dtype=float)
    return bool(df.size and np.all(df == df[0]) and pairwise_is_tukey_hsd(mm.cov))


def _pairs_df(mm: MeansModel, i_idx: np.ndarray, j_idx: np.ndarray) -> np.ndarray:
    """Df of the differences ``i - j``: each pair its own for mixed models, else ``mm.df``."""
    if mm.cov_gradient is None or mm.variance_parameter_cov is None:
        return np.full(i_idx.size, float(mm.df))
    return np.asarray(mm.pairwise_df()[i_idx, j_idx], dtype=float)


def _versus_control_family(
    cov: Any, idx: list[int], ic: int, scale: float
) -> tuple[np.ndarray, np.ndarray | ProductFormCorrelation | BifactorFamilyCorrelation]:
    """Return the standard errors and correlation of the contrasts ``e_i - scale e_ic``.

    A diagonal (balanced) covariance gives ``diag(d_i) + scale^2 d_c 1 1'``: the standard
    errors ``sqrt(d_i + scale^2 d_c)`` and the product-form correlation
    ``lam_i = scale sqrt(d_c) / se_i`` (Dunnett 1955), with no ``m x m`` array.
    """
    if isinstance(cov, DiagonalCovariance) and cov.off == 0.0:
        d = cov.diag
        var_c = scale**2 * float(d[ic])
        se = np.sqrt(np.clip(d[idx] + var_c, 0.0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            lam = np.where(se > 0, np.sqrt(var_c) / se, 0.0)
        return se, ProductFormCorrelation(lam)
    if isinstance(cov, LowRankUpdateCovariance) and len(idx) > FAMILY_DENSE_MAX:
        if cov.origin in AUGMENTED_ORIGINS:
            exact = _exact_bifactor_family(cov, idx, ic, scale)
            if exact is not None:
                return exact
        return _near_product_form_family(cov, idx, ic, scale)
    vcov = _versus_control_cov(np.asarray(cov, dtype=float), idx, ic, scale)
    se = np.sqrt(np.clip(np.diag(vcov), 0.0, None))
    if len(idx) > FAMILY_QMC_MAX:
        return se, _nearest_product_form_family(_family_corr(vcov))
    return se, _family_corr(vcov)


#: Vs-control families of a diag + low-rank covariance up to this size use the dense
#: correlation (general multivariate-t engine); larger ones the exact bifactor form of an
#: augmented design (up to four checks, every check in every block; stop 43) or else the
#: near product form.
FAMILY_DENSE_MAX = 50

#: Vs-control families of a general (dense) covariance up to this size are integrated as
#: they are (quasi-Monte Carlo in as many dimensions); larger ones use the nearest product
#: form with the Li-Shao bound on the difference (a 999-comparison alpha-lattice family
#: had not finished its integration after 12 minutes).
FAMILY_QMC_MAX = 500


def _nearest_product_form_family(corr: np.ndarray) -> NearProductFormCorrelation:
    """Return the nearest product form of a dense correlation, with the Li-Shao terms.

    Dunnett's probabilities are then the exact 1-D integral of the product form ``lam``
    (Hsu's 1992 factor-analytic approximation); every pair whose correlation differs from
    ``lam_i lam_j`` enters the bound of
    :class:`~yieldtrial.stats._covariance.NearProductFormCorrelation`, which the results
    state.
    """
    from yieldtrial.stats._mvt_sov import nearest_product_form

    lam = np.clip(nearest_product_form(corr), -1.0 + 1e-12, 1.0 - 1e-12)
    upper = np.triu_indices(corr.shape[0], 1)
    r = np.clip(corr[upper], -1.0, 1.0)
    prod = lam[upper[0]] * lam[upper[1]]
    dev = np.abs(np.arcsin(r) - np.arcsin(prod))
    moved = dev > 1e-12
    rho = np.maximum(np.abs(r), np.abs(prod))[moved]
    rho_max = float(np.max(rho)) if moved.any() else 0.0
    return NearProductFormCorrelation(
        lam,
        float(dev[moved].sum()),
        rho_max,
        int(moved.sum()),
        deviation_by_rho=rho_histogram(dev[moved], rho),
        source="dense_family",
    )


#: Groups of equal ``(d_i, F_i)`` up to which :func:`_near_product_form_family` forms their
#: Gram matrix (4,096: 128 MiB) instead of a product per pair.
_GRAM_MAX_GROUPS = 4_096


def _near_product_form_family(
    cov: LowRankUpdateCovariance, idx: list[int], ic: int, scale: float
) -> tuple[np.ndarray, NearProductFormCorrelation]:
    """Exact standard errors and the near product form of ``e_i - scale e_ic`` (diag + F F').

    ``Cov(c_i, c_j) = V_ij - s V_ic - s V_jc + s^2 V_cc``; with ``V = diag(d) + F F'`` it is
    ``lam_i lam_j se_i se_j`` (``lam_i = (s sqrt(V_cc) - V_ic / sqrt(V_cc)) / se_i``) unless
    the rows ``F_i`` and ``F_j`` are both non-zero; those pairs (entries with missing plots,
    or every entry of an augmented trial fitted with the entries absorbed) are visited for
    the Li-Shao bound of :class:`~yieldtrial.stats._covariance.NearProductFormCorrelation`,
    once per pair of groups of members with equal ``(d_i, F_i)`` (memory and time of the
    number of such groups squared times ``q``, in chunks).
    """
    rows = np.asarray(idx, dtype=int)
    f = cov.factor
    v_ic = f[rows] @ f[ic]
    v_cc = float(cov.diag_part[ic] + f[ic] @ f[ic])
    v_ii = cov.diag_part[rows] + np.einsum("iq,iq->i", f[rows], f[rows])
    var = v_ii - 2.0 * scale * v_ic + scale**2 * v_cc
    se = np.sqrt(np.clip(var, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(se > 0, (scale * np.sqrt(v_cc) - v_ic / np.sqrt(v_cc)) / se, 0.0)
    lam = np.clip(lam, -1.0 + 1e-12, 1.0 - 1e-12)
    reached = np.zeros(len(cov), dtype=bool)
    reached[cov.touched] = True
    special = np.flatnonzero(reached[rows])  # positions in the family
    # members with the same (d_i, F_i) have the same se, lam and correlations: visit each
    # pair of such groups once, weighted by its number of pairs (an augmented trial's
    # entries: one group per block, so ~b^2/2 pairs instead of ~t^2/2, issue 13)
    keys = np.column_stack([cov.diag_part[rows[special]], f[rows[special]]])
    _, first, count = np.unique(keys, axis=0, return_index=True, return_counts=True)
    rep = special[first]  # a member (position in the family) of each group
    total, rho_max, pairs = 0.0, 0.0, 0
    by_rho = np.zeros(RHO_BINS)
    within = np.flatnonzero(count > 1)
    chunks = [(within, within, count[within] * (count[within] - 1) / 2.0)]
    # the groups' Gram matrix F_g F_h' once (a p-rep trial: ~2,200 groups, 39 MB), else
    # chunks of pairs bounded in pairs x q (was 1 M pairs x q: 1.6 GB per operand, stop 44)
    gram = f[rows[rep]] @ f[rows[rep]].T if rep.size <= _GRAM_MAX_GROUPS else None
    step = PAIR_CHUNK if gram is not None else max(1, PAIR_CHUNK // max(f.shape[1], 1))
    chunks += [(a, b, count[a] * count[b] * 1.0) for a, b in pair_chunks(rep.size, chunk=step)]
    for a, b, weight in chunks:
        pa, pb = rep[a], rep[b]
        ia, ib = rows[pa], rows[pb]
        v_ab = gram[a, b] if gram is not None else np.einsum("pq,pq->p", f[ia], f[ib])
        cov_ab = v_ab - scale * v_ic[pa] - scale * v_ic[pb] + scale**2 * v_cc
        r = np.clip(cov_ab / (se[pa] * se[pb]), -1.0, 1.0)
        prod = lam[pa] * lam[pb]
        dev = np.abs(np.arcsin(r) - np.arcsin(prod))
        total += float(dev @ weight)
        moved = dev > 0
        pairs += int(weight[moved].sum())
        if np.any(moved):
            rho = np.maximum(np.abs(r), np.abs(prod))[moved]
            rho_max = max(rho_max, float(np.max(rho)))
            by_rho += rho_histogram(dev[moved] * weight[moved], rho)
    return se, NearProductFormCorrelation(
        lam, total, rho_max, pairs, deviation_by_rho=by_rho, source=cov.origin
    )


def _exact_bifactor_family(
    cov: LowRankUpdateCovariance, idx: list[int], ic: int, scale: float
) -> tuple[np.ndarray, BifactorFamilyCorrelation] | None:
    """Return the standard errors and exact bifactor form of ``e_i - scale e_ic`` (augmented).

    With ``V = diag(d) + F F'`` the contrasts have covariance ``diag(d_i) + h h'`` with
    ``h_i = (F_i - s F_c, s sqrt(d_c))``: an augmented trial's entries share the row of
    their block, so there are only ``b + c - 1`` distinct ``(d_i, h_i)``, and with every
    check in every block and at most four checks the correlation is exactly of bifactor
    form (:mod:`yieldtrial.stats._mvt_nested`; four checks: the other three checks'
    comparisons a group of rank two); its loadings come from the distinct rows
    (:func:`~yieldtrial.stats._mvt_nested.exact_bifactor_low_rank`), without an ``m x m``
    matrix.  None when the form does not hold (five or more checks: the other checks'
    comparisons span three dimensions beside the general factor; a check missing from a
    block: that block's check mean correlates with the general factor differently), and
    the near product form with its Li-Shao bound is used instead.
    """
    from yieldtrial.stats._mvt_nested import exact_bifactor_low_rank

    rows = np.asarray(idx, dtype=int)
    f = cov.factor
    d_c = float(cov.diag_part[ic])
    h = f[rows] - scale * f[ic]
    if d_c > 0.0:  # a control with its own variance: a part common to every contrast
        h = np.column_stack([h, np.full(rows.size, scale * np.sqrt(d_c))])
    d = cov.diag_part[rows]
    keys = np.column_stack([d, f[rows]])  # (the control's part is common to all)
    _, type_of = np.unique(keys, axis=0, return_inverse=True)
    fit = exact_bifactor_low_rank(d, h, np.asarray(type_of).ravel())
    if fit is None:
        return None
    se = np.sqrt(np.clip(d + np.einsum("iq,iq->i", h, h), 0.0, None))
    return se, BifactorFamilyCorrelation(fit)


def _family_corr(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    return np.asarray(corr)


def treatment_f_test(mm: MeansModel) -> tuple[float, float, float]:
    """Wald F test that all LS-means are equal (the treatment F test of the design model).

    Parameters
    ----------
    mm : MeansModel
        LS-means with covariance and error df.

    Returns
    -------
    tuple of float
        ``(f, df_numerator, p_value)``; NaN when there is no error variance.

    Notes
    -----
    With contrasts ``C`` of successive differences, ``F = (Cb)' (C V C')^{-1} (Cb) / (k - 1)``
    on ``(k - 1, df)`` degrees of freedom; for the additive CRD/RCBD models this equals the
    type II (= type III) F test of the treatment in the ANOVA table.  Mixed models: the
    mixed model's own F test, with ``C`` every level against the first (the basis its
    Satterthwaite ddf is defined in, lmerTest's).

    Examples
    --------
    >>> mm = MeansModel("t", ("a", "b"), np.array([1.0, 3.0]), np.eye(2), 10.0,
    ...                 np.array([2, 2]), 2.0, "residual", "crd", "y ~ t", "y")
    >>> f, df1, p = treatment_f_test(mm)
    >>> round(f, 6), df1
    (2.0, 1.0)
    """
    f, df1, _, p = _treatment_f(mm)
    return f, df1, p


def _treatment_f(mm: MeansModel) -> tuple[float, float, float, float]:
    """:func:`treatment_f_test` with its denominator df: ``(f, df1, df2, p)``.

    Mixed models (covariance gradients given): the Satterthwaite (Fai-Cornelius) or
    Kenward-Roger F test of the mixed model's own table; else the error df.
    """
    from yieldtrial.stats._univariate import f_sf

    k = len(mm.levels)
    if k < 2 or inference_status(mm) != INFERENCE_OK:
        return float("nan"), float(max(k - 1, 0)), float(mm.df), float("nan")
    if mm.cov_gradient is not None and mm.variance_parameter_cov is not None:
        from yieldtrial.stats._reml import f_test, kenward_roger_f_test, versus_first

        # the mixed model's own basis: the same ddf as its table
        c = versus_first(k) if mm.hypothesis_basis is None else np.asarray(mm.hypothesis_basis)
        est = c @ mm.contrast_basis
        grad = np.einsum("ai,fij,bj->fab", c, np.asarray(mm.cov_gradient, dtype=float), c)
        cov_c = c @ np.asarray(mm.cov, dtype=float) @ c.T
        a = np.asarray(mm.variance_parameter_cov, dtype=float)
        if mm.cov_unadjusted is not None:  # Kenward-Roger
            cov0 = c @ np.asarray(mm.cov_unadjusted, dtype=float) @ c.T
            f, q, ddf = kenward_roger_f_test(est, cov_c, cov0, grad, a)
        else:
            f, q, ddf = f_test(est, cov_c, grad, a)
        p = float(f_sf(f, q, ddf)) if q > 0 and np.isfinite(f) else float("nan")
        return float(f), float(q), float(ddf), p
    basis = mm.contrast_basis
    var = diagonal(mm.cov)
    if is_diagonal(mm.cov) and np.all(var > 0):
        # diagonal covariance (balanced designs): the quadratic form of the contrasts is the
        # weighted sum of squares about the weighted mean, no k x k solve
        w = 1.0 / var
        centred = basis - float(w @ basis) / float(w.sum())
        f = float(w @ centred**2) / (k - 1)
    elif isinstance(mm.cov, LowRankUpdateCovariance) and np.all(mm.cov.diag_part >= 0):
        # diag + low rank (unbalanced, many treatments): the generalized least-squares sum
        # of squares about the weighted mean, b'V^-1 b - (1'V^-1 b)^2 / 1'V^-1 1, with V^-1
        # applied by Woodbury; equal to (Cb)'(CVC')^-1(Cb) for any basis C of contrasts
        solved = mm.cov.solve(np.column_stack([basis, np.ones(k)]))
        f = float(basis @ solved[:, 0] - (basis @ solved[:, 1]) ** 2 / solved[:, 1].sum())
        f /= k - 1
    else:
        # successive differences C b and C V C' in O(k^2) (no dense contrast matrix)
        cov = np.asarray(mm.cov, dtype=float)
        est = basis[:-1] - basis[1:]
        rows = cov[:-1, :] - cov[1:, :]
        v = rows[:, :-1] - rows[:, 1:]
        f = float(est @ np.linalg.solve(v, est)) / (k - 1)
    return f, float(k - 1), float(mm.df), float(f_sf(f, k - 1, mm.df))


def _attach(
    frame: pd.DataFrame, mm: MeansModel, provenance: dict[str, Any], **extra: Any
) -> pd.DataFrame:
    frame.attrs["provenance"] = provenance
    frame.attrs["response"] = mm.response
    frame.attrs["unit"] = unit_suffix(mm.response).lstrip("_") or None
    frame.attrs.update(extra)
    status = inference_status(mm)
    frame.attrs["inference"] = status
    frame.attrs["replicates_needed"] = (
        replicates_for_unreplicated(len(mm.levels), mm.design)
        if status.startswith("unreplicated")
        else None
    )
    return frame


# --------------------------------------------------------------------------- vs control


def compare_means_to_control(
    mm: MeansModel,
    *,
    control: str | Sequence[str],
    method: str = "dunnett",
    alternative: str = "two-sided",
    confidence: float = 0.95,
    margin_pct: float | None = None,
) -> pd.DataFrame:
    r"""Compare every treatment's LS-mean with the control(s) (Dunnett by default).

    Parameters
    ----------
    mm : MeansModel
        LS-means, covariance and error df of the design model
        (``fit(...).means_model()``).
    control : str or sequence of str
        Control level(s).  With several controls each treatment is compared with each
        control; the family of one control is every non-control level against it, and the
        adjustment is made within that family.
    method : {"dunnett", "t", "bonferroni", "holm"}
        Multiplicity adjustment within each control's family.  ``"dunnett"``: single-step
        multivariate t using the contrasts' correlation; ``"t"``: none.
    alternative : {"two-sided", "greater", "less"}
        ``"greater"``: H1 treatment > control.
    confidence : float
        Confidence level of the (simultaneous) intervals; ``1 - confidence`` is the
        family-wise significance level.
    margin_pct : float, optional
        Non-inferiority margin in % of the control mean, in [0, 100) as in trial.toml and
        the CLI (0: at least as good as the control); adds the ``noninferior`` verdict.

    Returns
    -------
    DataFrame
        One row per (control, treatment) pair, columns (``<u>`` is the response's unit
        suffix, e.g. ``_kg_ha``, or empty):

        ``treatment, control, n_treatment, n_control, mean_treatment<u>, mean_control<u>,
        difference<u>, se<u>, difference_pct, ci_low<u>, ci_high<u>, ci_low_pct, ci_high_pct,
        statistic, critical_value, least_significant<u>, df, error_term, p_value,
        p_value_adjusted, method, alternative, confidence,
        margin_pct, noninferiority_statistic, noninferiority_critical_value,
        noninferiority_p_value_adjusted (one-sided), noninferiority_ci_low<u>,
        noninferiority_ci_low_pct, noninferior, superior, inference``.

        ``difference = mean_treatment - mean_control``; ``statistic`` is its t;
        ``critical_value`` the multiplier of the intervals, ``ci = difference +/-
        critical_value x se`` (Dunnett's two- or one-sided critical value of the family, or
        the t / Bonferroni quantile; NaN without error variance);
        ``least_significant<u> = critical_value x se``, the smallest difference the table
        declares significant (Dunnett's "DLSD"); ``noninferiority_critical_value`` the
        critical value of the non-inferiority family (NaN without a margin); ``p_value``
        is unadjusted, ``p_value_adjusted`` adjusted by ``method``.
        ``*_pct`` columns are the difference and its confidence limits divided by the
        control's LS-mean (x 100; NaN when that mean is not positive); the control mean is
        treated as fixed in this scaling.  ``attrs["provenance"]`` records design, model,
        error term, df, test, alpha, adjustment and version; ``attrs["accuracy"]`` the
        accuracy of the Dunnett probabilities and ``attrs["accuracy_abs_error"]`` its bound
        for every adjusted P at or below alpha and the critical value's coverage (NaN when
        exact to 1e-6).
        ``noninferiority_ci_low<u>`` is the lower simultaneous limit of
        :math:`\mu_T - (1 - m/100)\mu_C` and ``noninferiority_ci_low_pct`` the same limit
        in % of the control mean minus the margin (see Notes); both NaN without a margin,
        for ``alternative="less"`` and without error variance.

    Raises
    ------
    DataValidationError
        Unknown control, method or alternative; confidence outside (0, 1); negative margin.

    Notes
    -----
    Each contrast is :math:`\hat\mu_T - \hat\mu_C` with standard error
    :math:`\sqrt{w' V w}` from the LS-means covariance :math:`V`, and
    :math:`t = \text{difference} / se` on the design's error df.  Dunnett's single-step
    adjusted p-value is :math:`P(\max_j |T_j| \ge |t_i|)` for the multivariate t with the
    contrasts' correlation ([1]_; computed in :mod:`yieldtrial.stats.distributions`).  Holm
    intervals are the (conservative) Bonferroni intervals.

    Non-inferiority (margin :math:`m` %) tests :math:`H_0: \mu_T \le (1 - m/100)\,\mu_C`
    through the contrast :math:`w = e_T - (1 - m/100)\,e_C`, whose estimate is
    :math:`\text{difference} + (m/100)\hat\mu_C` and standard error
    :math:`\sqrt{w' V w}` (this accounts for the uncertainty of the control mean);
    the statistic :math:`w'\hat\mu / \sqrt{w'Vw}` is adjusted by ``method`` within the
    family of NI contrasts.  ``noninferiority_p_value_adjusted`` is the *one-sided*
    p-value of :math:`H_0: \mu_T \le (1 - m/100)\,\mu_C`: for
    ``alternative="greater"`` the one-sided adjusted p (compared with alpha); for
    two-sided tables (the default) half the two-sided adjusted p
    :math:`P(\max_j |T^{NI}_j| \ge |t^{NI}_i|)/2` when the NI statistic is positive and
    one minus that when it is not, so a contrast below the margin never shows a small
    p.  It is compared with alpha/2: non-inferior exactly when it is below alpha/2,
    i.e. when the lower limit of the two-sided simultaneous :math:`1 - \alpha` interval is
    above 0 (the convention of a one-sided 2.5 % test read from a two-sided 95 %
    interval).  With one treatment it is the one-sided t-test p-value.

    Verdicts are the table's own test read in the treatment's favour, at
    :math:`\alpha = 1 - \text{confidence}`, so they never contradict the reported
    interval: ``superior`` (:math:`H_0: \mu_T \le \mu_C`) is True when
    ``p_value_adjusted < alpha`` and the difference is positive, which for the single-step
    methods (Dunnett, t, Bonferroni) is exactly ``ci_low > 0`` (Holm's step-down p-values
    may declare superiority while its conservative Bonferroni interval still covers 0; an
    interval above 0 always gives True).  For two-sided tables this is the directional
    decision of the two-sided simultaneous intervals, whose directional error rate is at
    most alpha ([2]_); for ``alternative="greater"`` it is the one-sided test
    at alpha.  ``noninferior`` is the same rule applied to the NI contrast: True when
    ``noninferiority_p_value_adjusted < alpha`` and the NI statistic is positive, i.e. when
    the lower simultaneous limit of :math:`\mu_T - (1 - m/100)\mu_C` is above 0 (with
    ``m = 0`` it equals ``superior``).  For the single-step methods the verdict is decided
    by that limit itself, :math:`L = w'\hat\mu - c\,\sqrt{w'Vw}` with :math:`c` the
    critical value of the NI family (Dunnett: from the NI contrasts' correlation), so it
    never contradicts the reported bound; with Holm the verdict also accepts the step-down
    p-value (its interval is Bonferroni's).  Both verdicts are NA for
    ``alternative="less"`` and when there is no error variance.

    The displayed bound ``noninferiority_ci_low_pct`` is
    :math:`B = 100\,L / \hat\mu_C - m`.  Since :math:`\hat\mu_C > 0`,
    :math:`L > 0 \iff B > -m`, so ``noninferior`` (single-step) is exactly
    ``noninferiority_ci_low_pct > -margin_pct`` and the bound can be read against the
    margin like a % difference.  Writing :math:`w'\hat\mu = \text{difference} +
    (m/100)\hat\mu_C` gives :math:`B = \text{difference\_pct} - 100\,c\,
    \sqrt{w'Vw}/\hat\mu_C`, whereas ``ci_low_pct`` is
    :math:`\text{difference\_pct} - 100\,c_D\,se/\hat\mu_C` with the standard error
    and critical value of the plain difference: the two coincide for ``m = 0`` (same
    contrast) and, more generally, when the control mean carries no variance or
    covariance (the control mean "treated as fixed"); otherwise ``ci_low_pct`` compared
    with :math:`-m` need not match the verdict, which is why the report shows
    :math:`B`.

    When the MeansModel carries :attr:`~MeansModel.estimates_centred`, differences are
    computed from it (full precision with large offsets in the response).

    References
    ----------
    .. [1] Dunnett, C. W. (1955). A multiple comparison procedure for comparing several
       treatments with a control. JASA 50, 1096-1121.
    .. [2] Hsu, J. C. (1996). Multiple Comparisons: Theory and Methods. Chapman & Hall.

    Examples
    --------
    >>> mm = MeansModel("treatment", ("CK", "A", "B"), np.array([100.0, 104.0, 112.0]),
    ...                 np.eye(3) * 4.0, 12.0, np.array([4, 4, 4]), 16.0, "residual",
    ...                 "rcbd", "yield_kg_ha ~ treatment + block", "yield_kg_ha")
    >>> out = compare_means_to_control(mm, control="CK")
    >>> print(out[["treatment", "difference_kg_ha", "difference_pct"]].to_string(index=False))
    treatment  difference_kg_ha  difference_pct
            A               4.0             4.0
            B              12.0            12.0
    """
    require_means_model(mm, "compare_means_to_control")
    _check_choice("method", method, CONTROL_METHODS)
    _check_choice("alternative", alternative, ALTERNATIVES)
    confidence = _check_level(confidence, "confidence")
    if margin_pct is not None:  # the rule and message of trial.toml and the CLI: [0, 100)
        from yieldtrial.io.checks import check_margin_pct

        margin_pct = check_margin_pct(margin_pct, where="compare_to_control")
    warn_fraction_pct("margin_pct", margin_pct)
    controls = checked_controls(mm, control)
    treatments = [lv for lv in mm.levels if lv not in controls]
    if not treatments:
        raise DataValidationError(
            f"nothing to compare: every level of {mm.factor!r} is a control "
            f"({', '.join(controls)}); check that the table holds the other treatments and "
            "that only the check is named as control"
        )
    status = inference_status(mm)
    u = unit_suffix(mm.response)
    cov = mm.cov  # dense, or the implicit diagonal of a balanced design
    est_all = np.asarray(mm.estimates, dtype=float)
    basis = mm.contrast_basis  # differences from centred estimates when the model gives them
    alpha = 1.0 - confidence
    frames = []
    notes: list[str] = []
    errors: list[float] = []
    borderline: list[tuple[np.ndarray, float]] = []  # adjusted P values and their error
    position = {level: i for i, level in enumerate(mm.levels)}
    for ctrl in controls:
        ic = mm.index(ctrl)
        idx = [position[t] for t in treatments]
        m = len(idx)
        diff = basis[idx] - basis[ic]
        mean_t = est_all[idx]
        mean_c = np.full(m, est_all[ic])
        row: dict[str, Any] = {
            "treatment": treatments,
            "control": [ctrl] * m,
            "n_treatment": np.asarray(mm.n)[idx].astype(int),
            "n_control": np.full(m, int(np.asarray(mm.n)[ic])),
            f"mean_treatment{u}": mean_t,
            f"mean_control{u}": mean_c,
            f"difference{u}": diff,
            "difference_pct": _pct(diff, mean_c),
        }
        nan = np.full(m, np.nan)
        se = p = p_adj = low = high = ni_t = ni_p = ni_low = critical = ni_critical = nan
        row_df = _versus_control_df(mm, idx, ic, 1.0)
        noninferior: list[Any] = [pd.NA] * m
        superior: list[Any] = [pd.NA] * m
        if status == INFERENCE_OK:
            se, corr = _versus_control_family(cov, idx, ic, 1.0)
            t = diff / se
            p, p_adj, crit, note, error = _adjust(method, t, corr, row_df, alternative, confidence)
            critical = crit
            notes.append(note)
            errors.append(error)
            borderline.append((p_adj, error))
            low, high = _interval(diff, se, crit, alternative)
            if alternative != "less":
                # verdicts are the table's own test in the treatment's favour, so they agree
                # with the reported interval: superior <=> (adjusted p < alpha and
                # difference > 0) <=> lower limit > 0 for single-step methods; the interval
                # check guards against rounding at the boundary
                sup = ((p_adj < alpha) & (diff > 0.0)) | (low > 0.0)
                superior = [bool(v) for v in sup]
                if margin_pct is not None:
                    ni_se, ni_corr = _versus_control_family(cov, idx, ic, 1.0 - margin_pct / 100.0)
                    ni_est = diff + (margin_pct / 100.0) * est_all[ic]
                    ni_t = ni_est / ni_se
                    # same adjustment and critical value (NI contrasts' correlation) as
                    # the verdict, so the displayed bound agrees with it
                    ni_df = _versus_control_df(mm, idx, ic, 1.0 - margin_pct / 100.0)
                    _, ni_p_table, ni_crit, ni_note, ni_error = _adjust(
                        method, ni_t, ni_corr, ni_df, alternative, confidence
                    )
                    # the non-inferiority family is a family of its own (contrasts
                    # e_i - (1 - m) e_c): its accuracy enters the stated one, which was
                    # the superiority family's alone (an absorbed augmented trial's
                    # margin family takes the near product form: Li-Shao bound 0.04,
                    # stated as 1e-7)
                    notes.append(ni_note)
                    errors.append(ni_error)
                    borderline.append((ni_p_table, ni_error))
                    ni_low, _ = _interval(ni_est, ni_se, ni_crit, alternative)
                    ni_critical = np.broadcast_to(np.asarray(ni_crit, dtype=float), (m,)).copy()
                    if method == "holm":
                        # step-down p-values; the interval is Bonferroni's (conservative)
                        ni = ((ni_p_table < alpha) & (ni_t > 0.0)) | (ni_low > 0.0)
                    else:
                        # single-step: p_adj < alpha and t > 0 <=> lower limit > 0; the
                        # limit decides so the verdict and the displayed bound never differ
                        ni = ni_low > 0.0
                    noninferior = [bool(v) for v in ni]
                    # report the ONE-SIDED p of H0: mu_T <= (1 - m) mu_C: a two-sided
                    # table's p halved in the direction of the estimate (so a negative
                    # contrast never shows a small p); non-inferior <=> p < alpha / 2
                    ni_p = (
                        np.where(ni_t > 0.0, ni_p_table / 2.0, 1.0 - ni_p_table / 2.0)
                        if alternative == "two-sided"
                        else ni_p_table
                    )
        row.update(
            {
                f"se{u}": se,
                f"ci_low{u}": low,
                f"ci_high{u}": high,
                "ci_low_pct": _pct(low, mean_c),
                "ci_high_pct": _pct(high, mean_c),
                "statistic": diff / se if status == INFERENCE_OK else nan,
                "critical_value": critical,
                f"least_significant{u}": critical * se,
                "df": row_df,
                "error_term": [mm.error_term] * m,
                "p_value": p,
                "p_value_adjusted": p_adj,
                "method": [method] * m,
                "alternative": [alternative] * m,
                "confidence": np.full(m, float(confidence)),
                "margin_pct": np.full(m, np.nan if margin_pct is None else float(margin_pct)),
                "noninferiority_statistic": ni_t,
                "noninferiority_critical_value": ni_critical,
                "noninferiority_p_value_adjusted": ni_p,
                f"noninferiority_ci_low{u}": ni_low,
                "noninferiority_ci_low_pct": _pct(ni_low, mean_c)
                - (np.nan if margin_pct is None else float(margin_pct)),
                "noninferior": pd.array(noninferior, dtype="boolean"),
                "superior": pd.array(superior, dtype="boolean"),
                "inference": [status] * m,
            }
        )
        frames.append(pd.DataFrame(row))
    out = pd.concat(frames, ignore_index=True)
    columns = [
        "treatment", "control", "n_treatment", "n_control", f"mean_treatment{u}",
        f"mean_control{u}", f"difference{u}", f"se{u}", "difference_pct", f"ci_low{u}",
        f"ci_high{u}", "ci_low_pct", "ci_high_pct", "statistic", "critical_value",
        f"least_significant{u}", "df", "error_term", "p_value",
        "p_value_adjusted", "method", "alternative", "confidence", "margin_pct",
        "noninferiority_statistic", "noninferiority_critical_value",
        "noninferiority_p_value_adjusted",
        f"noninferiority_ci_low{u}", "noninferiority_ci_low_pct", "noninferior",
        "superior", "inference",
    ]  # fmt: skip
    out = out[columns]
    prov = mm.provenance(
        test=f"{method} vs control ({alternative})",
        alpha=round(1.0 - confidence, 12),
        adjustment=_ADJUSTMENT_LABEL[method]
        + (" within each control's family" if len(controls) > 1 else ""),
    ).to_dict()
    accuracy = _join_notes(notes) if notes else "not applicable"
    _warn_borderline("Dunnett's comparisons with the control", borderline, alpha)
    return _attach(
        out,
        mm,
        prov,
        accuracy=accuracy,
        accuracy_abs_error=_largest(errors),
        controls=tuple(controls),
    )


def compare_to_control(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    control: str | Sequence[str],
    block: str | None = None,
    design: str | None = None,
    method: str = "dunnett",
    alternative: str = "two-sided",
    confidence: float = 0.95,
    margin_pct: float | None = None,
    row: str | None = None,
    column: str | None = None,
) -> pd.DataFrame:
    """Fit the design model and compare every treatment with the control(s).

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot.
    response : str
        Response column, e.g. ``"yield_kg_ha"``.
    treatment : str
        Treatment column.
    control : str or sequence of str
        Control level(s).
    block : str, optional
        Block column (required for ``design="rcbd"``).
    design : str, optional
        Design key passed to :func:`yieldtrial.stats.model.fit` (``"crd"``, ``"rcbd"``, ...).
        Default: ``"rcbd"`` when ``block`` is given, ``"latin"`` with ``row`` and
        ``column``, else ``"crd"``.
    method, alternative, confidence, margin_pct
        See :func:`compare_means_to_control`.
    row, column : str, optional
        Row and column factors of a Latin square (``design="latin"``).

    Returns
    -------
    DataFrame
        See :func:`compare_means_to_control`.

    Examples
    --------
    >>> df = pd.DataFrame({"treatment": ["CK", "A", "B"] * 2, "block": list("111222"),
    ...                    "yield_kg_ha": [100.0, 110.0, 120.0, 104.0, 112.0, 126.0]})
    >>> out = compare_to_control(df, response="yield_kg_ha", treatment="treatment",
    ...                          control="CK", block="block")
    >>> out["difference_kg_ha"].tolist(), out["df"].tolist()
    ([9.0, 21.0], [2.0, 2.0])
    """
    design = default_design(design, block, row=row, column=column)
    mm = fit_means_model(
        data, response=response, treatment=treatment, block=block, design=design, row=row,
        column=column,
    )  # fmt: skip
    return compare_means_to_control(
        mm,
        control=control,
        method=method,
        alternative=alternative,
        confidence=confidence,
        margin_pct=margin_pct,
    )


# --------------------------------------------------------------------------- all pairs


def pairwise_means(
    mm: MeansModel,
    *,
    method: str = "tukey",
    alpha: float = 0.05,
    protected: bool = True,
    anova_p: float | None = None,
) -> pd.DataFrame:
    r"""All pairwise comparisons of LS-means on the design model's error.

    Parameters
    ----------
    mm : MeansModel
        LS-means, covariance and error df of the design model.
    method : {"tukey", "lsd", "bonferroni", "holm"}
        ``"tukey"``: Tukey-Kramer (studentized range); ``"lsd"``: Fisher's least
        significant difference (unadjusted t); ``"bonferroni"``, ``"holm"``: adjusted t.
    alpha : float
        Significance level (intervals have confidence ``1 - alpha``).
    protected : bool
        For ``"lsd"`` only: declare differences only when the treatment F test is
        significant at ``alpha`` (Fisher's protected LSD).  The gate's outcome is in
        ``attrs["gate_passed"]`` and in the provenance's ``test``.
    anova_p : float, optional
        p-value of the treatment F test to use for the gate; by default the Wald F test of
        the LS-means (:func:`treatment_f_test`), equal to the ANOVA's treatment F test.

    Returns
    -------
    DataFrame
        One row per pair (in level order), columns (``<u>``: the response's unit suffix):
        ``group1, group2, difference<u>, se<u>, statistic, critical_value, least_significant<u>,
        df, error_term, p_value, p_value_adjusted, ci_low<u>, ci_high<u>, reject, method, alpha,
        inference``.
        ``difference`` is ``mean(group1) - mean(group2)``; ``statistic`` is its t
        (Tukey's studentized range is ``q = sqrt(2) |t|``); ``critical_value`` the
        multiplier of the intervals on the t scale, ``ci = difference +/- critical_value x
        se`` (Tukey: ``q(1 - alpha; k, df) / sqrt(2)``; Holm: Bonferroni's);
        ``least_significant<u> = critical_value x se``, the least significant difference of the
        pair (Tukey: the HSD; LSD: Fisher's LSD) [response unit]; ``reject`` is
        ``p_value_adjusted < alpha`` (False for every pair when the LSD gate failed; NA
        without error variance).
        ``attrs["provenance"]``, ``attrs["gate_passed"]`` (LSD: bool; else None),
        ``attrs["f_test"]`` (F, df1, df2, p).

    Raises
    ------
    DataValidationError
        Unknown method, alpha outside (0, 1), fewer than two levels, or more than
        :data:`PAIRWISE_MAX_PAIRS` pairs (about 3,160 levels: the table would not fit in
        memory; see :func:`~yieldtrial.stats.multiple_range.summarised_letters`).

    Notes
    -----
    Tukey-Kramer: :math:`p = P(Q_{k,\nu} \ge |d| / \sqrt{\mathrm{Var}(d)/2})` and
    intervals :math:`d \pm q_{1-\alpha;k,\nu} \sqrt{\mathrm{Var}(d)/2}` ([1]_, [2]_), with
    :math:`\mathrm{Var}(d)` from the LS-means covariance and :math:`\nu` the design's error
    df.  Holm intervals are the Bonferroni intervals.

    References
    ----------
    .. [1] Tukey, J. W. (1953). The problem of multiple comparisons. Unpublished
       manuscript; Kramer, C. Y. (1956). Biometrics 12, 307-310.
    .. [2] Hsu, J. C. (1996). Multiple Comparisons: Theory and Methods. Chapman & Hall.

    Examples
    --------
    >>> mm = MeansModel("t", ("a", "b", "c"), np.array([10.0, 12.0, 20.0]),
    ...                 np.eye(3), 12.0, np.array([4, 4, 4]), 4.0, "residual", "crd",
    ...                 "y ~ t", "y")
    >>> print(pairwise_means(mm)[["group1", "group2", "reject"]].to_string(index=False))
    group1 group2  reject
         a      b   False
         a      c    True
         b      c    True
    """
    return pairwise_means_core(
        mm, method=method, alpha=alpha, protected=protected, anova_p=anova_p, need_critical=True
    )


def pairwise_means_core(
    mm: MeansModel,
    *,
    method: str,
    alpha: float,
    protected: bool,
    anova_p: float | None,
    need_critical: bool,
) -> pd.DataFrame:
    """:func:`pairwise_means`; ``need_critical=False`` for callers that use only the p-values.

    Tukey on correlated LS-means then skips each df's root search of the critical value
    (``critical_value``, ``least_significant`` and the intervals are NaN; the p-values and
    ``reject`` are the same floats) and the note states the p-values' own error.
    """
    require_means_model(mm, "pairwise_means")
    _check_choice("method", method, PAIRWISE_METHODS)
    check_alpha(alpha)  # the one rule of every entry point
    k = len(mm.levels)
    if k < 2:
        raise DataValidationError(
            f"pairwise comparisons need at least two levels of {mm.factor!r}; got {k}"
        )
    if k * (k - 1) // 2 > PAIRWISE_MAX_PAIRS:
        raise DataValidationError(
            f"{k:,} levels of {mm.factor!r} have {k * (k - 1) // 2:,} pairs; a table of every "
            f"pair would need about {k * (k - 1) // 2 * 300 / 1e9:.0f} GB. Use "
            "yieldtrial.stats.multiple_range.summarised_letters(mm, test=...) for letters and "
            "the number of significant pairs (every pair tested in chunks), or compare a "
            "subset of the levels."
        )
    status = inference_status(mm)
    u = unit_suffix(mm.response)
    i_idx, j_idx = np.triu_indices(k, 1)
    m = i_idx.size
    basis = mm.contrast_basis
    diff = basis[i_idx] - basis[j_idx]
    nan = np.full(m, np.nan)
    se = t = p = p_adj = low = high = critical = nan
    row_df = _pairs_df(mm, i_idx, j_idx)
    reject: Any = pd.array([pd.NA] * m, dtype="boolean")
    f_stat, df1, df2, f_p = _treatment_f(mm)
    gate_p = f_p if anova_p is None else _check_p_value(anova_p, "anova_p")
    if not isinstance(protected, bool | np.bool_):  # 'False' (text) was true: protected
        raise DataValidationError(f"protected must be True or False; got {protected!r}")
    gate_passed: bool | None = None
    general_note: str | None = None
    borderline: list[tuple[np.ndarray, float]] = []  # adjusted P values and their error
    if status == INFERENCE_OK:
        # Var(b_i - b_j) = V_ii + V_jj - 2 V_ij for every pair, without the m x m product
        se = np.sqrt(pair_variances(mm.cov, i_idx, j_idx))
        t = diff / se
        if method == "tukey":
            # each pair's own df (mixed models): the family's distribution evaluated at
            # that df, as emmeans' "tukey" adjustment does; correlated LS-means: the exact
            # single-step multivariate t (general covariance) instead of the range
            p = _t_pvalues(t, row_df, "two-sided")
            p_adj = np.full(m, np.nan)
            crit = np.full(m, np.nan)
            groups = _df_groups(row_df)
            for g, (value, rows) in enumerate(groups):
                # p-values only: no root search, except the last df's, whose note (its
                # stated error) is the family's note, the same as pairwise_means'
                only_p = not need_critical and g < len(groups) - 1
                extra = {"need_critical": False} if only_p else {}
                p_adj[rows], crit[rows], general_note, error = tukey_adjusted_with_error(
                    t[rows], mm.cov, value, alpha=alpha, **extra
                )
                borderline.append((p_adj[rows], error))
            if general_note is not None and len(groups) > 1:
                # the family's note states the largest error of its df groups
                errors = [e for _, e in borderline if np.isfinite(e)]
                if errors:
                    general_note = tukey_general_note(max(errors))
            _warn_borderline("Tukey's pairwise comparisons", borderline, alpha)
        else:
            adj = "t" if method == "lsd" else method
            p, p_adj, crit, _, _ = _adjust(adj, t, None, row_df, "two-sided", 1.0 - alpha)
        low, high = _interval(diff, se, crit, "two-sided")
        critical = crit
        rej = p_adj < alpha
        if method == "lsd" and protected:
            gate_passed = bool(gate_p < alpha)
            if not gate_passed:
                rej = np.zeros(m, dtype=bool)
        reject = pd.array(rej, dtype="boolean")
    out = pd.DataFrame(
        {
            "group1": [mm.levels[i] for i in i_idx],
            "group2": [mm.levels[j] for j in j_idx],
            f"difference{u}": diff,
            f"se{u}": se,
            "statistic": t,
            "critical_value": critical,
            f"least_significant{u}": critical * se,
            "df": row_df,
            "error_term": [mm.error_term] * m,
            "p_value": p,
            "p_value_adjusted": p_adj,
            f"ci_low{u}": low,
            f"ci_high{u}": high,
            "reject": reject,
            "method": [method] * m,
            "alpha": np.full(m, float(alpha)),
            "inference": [status] * m,
        }
    )
    test = {"tukey": "Tukey-Kramer", "lsd": "Fisher LSD", "bonferroni": "t (Bonferroni)",
            "holm": "t (Holm)"}[method]  # fmt: skip
    if method == "lsd":
        if protected:
            if gate_passed is None:
                test += " (protected; no F test without error variance)"
            elif np.isnan(gate_p):  # e.g. a Kenward-Roger F test without positive df
                test += " (protected: no treatment F test available, no pair declared different)"
            else:
                test += (
                    f" (protected: treatment F test p = {gate_p:.4g}, "
                    f"gate {'passed' if gate_passed else 'not passed'})"
                )
        else:
            test += " (unprotected)"
    adjustment = _ADJUSTMENT_LABEL[method]
    if method == "tukey" and general_note is None and _is_tukey_hsd(mm, row_df):
        # equal standard errors and one df: exactly Tukey's HSD, not only Tukey-Kramer
        adjustment = "single-step (Tukey HSD, studentized range)"
    if general_note is not None:
        test, adjustment = "Tukey (single-step)", f"single-step (Tukey, {general_note})"
    prov = mm.provenance(test=test, alpha=alpha, adjustment=adjustment).to_dict()
    return _attach(
        out,
        mm,
        prov,
        gate_passed=gate_passed,
        f_test={"f": f_stat, "df_numerator": df1, "df_denominator": df2, "p_value": f_p},
        alpha=alpha,
    )


def pairwise(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str | None = None,
    design: str | None = None,
    method: str = "tukey",
    alpha: float = 0.05,
    protected: bool = True,
    row: str | None = None,
    column: str | None = None,
) -> pd.DataFrame:
    """Fit the design model and compare all pairs of treatment LS-means.

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot.
    response, treatment, block, design
        See :func:`compare_to_control`.
    method, alpha, protected
        See :func:`pairwise_means`.
    row, column : str, optional
        Row and column factors of a Latin square (``design="latin"``).

    Returns
    -------
    DataFrame
        See :func:`pairwise_means`.

    Examples
    --------
    >>> df = pd.DataFrame({"treatment": list("ABCABC"), "y": [1.0, 2.0, 9.0, 1.2, 2.4, 9.5]})
    >>> out = pairwise(df, response="y", treatment="treatment", design="crd")
    >>> out["reject"].tolist()
    [False, True, True]
    """
    design = default_design(design, block, row=row, column=column)
    mm = fit_means_model(
        data, response=response, treatment=treatment, block=block, design=design, row=row,
        column=column,
    )  # fmt: skip
    return pairwise_means(mm, method=method, alpha=alpha, protected=protected)
