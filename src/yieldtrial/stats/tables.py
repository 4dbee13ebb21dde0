"""The means table of a trial: LS-means, SE, CI, difference vs control, rank and letters.

The module is called ``tables`` (not ``means``) so that the public function
:func:`means` never collides with a module of the same name in ``yieldtrial.stats``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import check_alpha, check_probability
from yieldtrial.stats._common import default_design
from yieldtrial.stats.compare import (
    PAIRWISE_METHODS,
    checked_controls,
    compare_means_to_control,
    pairwise_means,
)
from yieldtrial.stats.inference import (
    INFERENCE_OK,
    inference_status,
    replicates_for_unreplicated,
    unit_suffix,
)
from yieldtrial.stats.letters import NA_LETTER, compact_letters
from yieldtrial.stats.model import fit_means_model
from yieldtrial.stats.multiple_range import LETTERS_ALL_MAX, summarised_letters
from yieldtrial.stats.results import MeansModel, require_means_model

__all__ = ["LETTER_METHODS", "means", "means_table"]

#: Valid ``letters`` options (None: no letters column values, all ``None``).
LETTER_METHODS: tuple[str | None, ...] = (*PAIRWISE_METHODS, None)


def _common_value(values: np.ndarray) -> float:
    """Return the value shared by every element (to 1e-9 relative), else NaN."""
    if values.size == 0 or not np.all(np.isfinite(values)):
        return float("nan")
    first = float(values[0])
    same = np.allclose(values, first, rtol=1e-9, atol=0.0)
    return first if same else float("nan")


def means_table(
    mm: MeansModel,
    *,
    control: str | Sequence[str] | None = None,
    letters: str | None = "tukey",
    alpha: float = 0.05,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Table of LS-means with SE, confidence interval, rank, % of control and letters.

    Parameters
    ----------
    mm : MeansModel
        LS-means, covariance and error df of the design model.
    control : str or sequence of str, optional
        Control level(s).  The fixed columns ``difference<u>``, ``difference_pct`` and
        ``p_value_vs_control`` are against the first; each further control adds
        ``difference_vs_control2<u>``, ``difference_pct_vs_control2``, ``p_value_vs_control2``
        (``3`` for the third, ...; ``attrs["controls"]`` lists them in that order).
    letters : {"tukey", "lsd", "bonferroni", "holm"} or None
        Test behind the compact letter display (``"lsd"``: Fisher's LSD protected by the
        treatment F test); None leaves the column empty (None).
    alpha : float
        Significance level of the letters.
    confidence : float
        Confidence level of each LS-mean's own interval (``t`` on the error df; for a
        mixed model on that mean's own Satterthwaite or Kenward-Roger df).

    Returns
    -------
    DataFrame
        One row per level, sorted by descending LS-mean, columns (``<response>`` is the
        response name, e.g. ``yield_kg_ha``; ``<u>`` its unit suffix, e.g. ``_kg_ha``):
        ``rank, treatment, n, <response>, se<u>, ci_low<u>, ci_high<u>, difference<u>,
        difference_pct, p_value_vs_control, letters, critical_value, least_significant<u>,
        inference``.
        ``rank`` 1 is the highest mean (ties share the smaller rank); ``difference`` and
        ``difference_pct`` are against the first control (0 on its own row, NaN without a
        control).  ``p_value_vs_control`` is the Dunnett-adjusted (two-sided) p-value of
        exactly the same family as :func:`~yieldtrial.stats.compare.compare_means_to_control`
        with the same controls: every non-control level against that control, adjusted
        within the control's family; it is NaN on the rows of the controls (a control is
        not compared with another control; call ``compare_means_to_control(mm,
        control="CK1")`` for that).  ``critical_value`` and ``least_significant<u>`` are
        those of the letters' test (:func:`~yieldtrial.stats.compare.pairwise_means`: Tukey's
        ``q / sqrt(2)`` and HSD, Fisher's t and LSD, Bonferroni's t and difference), the same
        on every row; NaN without letters, for Holm (step-down: no single critical value),
        without error variance, and (``least_significant`` only) when the pairs' standard
        errors differ (unequal replication: see ``pairwise_means`` for each pair's).
        ``attrs["provenance"]`` names the letters' test, alpha,
        error term and df; ``attrs["control"]`` (first control), ``attrs["controls"]``,
        ``attrs["mean_column"]``, ``attrs["confidence"]``, ``attrs["inference"]``,
        ``attrs["replicates_needed"]`` (unreplicated: the replicates a proper trial needs).
        Above 500 levels the letters are summarised (the 50 highest means and the
        controls; ``"tukey"`` and ``"lsd"`` only, Holm/Bonferroni letters left empty):
        ``attrs["letters_summary"]`` (else None), see
        :func:`~yieldtrial.stats.multiple_range.summarised_letters`.

    Raises
    ------
    DataValidationError
        Unknown control or letters method, alpha or confidence outside (0, 1).

    Examples
    --------
    >>> mm = MeansModel("treatment", ("CK", "A", "B"), np.array([100.0, 104.0, 130.0]),
    ...                 np.eye(3) * 4.0, 12.0, np.array([4, 4, 4]), 16.0, "residual",
    ...                 "rcbd", "yield_kg_ha ~ treatment + block", "yield_kg_ha")
    >>> t = means_table(mm, control="CK")
    >>> print(t[["rank", "treatment", "yield_kg_ha", "difference_pct", "letters"]].to_string(
    ...     index=False))
    rank treatment  yield_kg_ha  difference_pct letters
       1         B        130.0            30.0       a
       2         A        104.0             4.0       b
       3        CK        100.0             0.0       b

    Two controls (a full-rate and a reduced-rate check):

    >>> mm2 = MeansModel("treatment", ("CK1", "CK2", "A"), np.array([100.0, 90.0, 108.0]),
    ...                  np.eye(3) * 4.0, 12.0, np.array([4, 4, 4]), 16.0, "residual",
    ...                  "rcbd", "yield_kg_ha ~ treatment + block", "yield_kg_ha")
    >>> t2 = means_table(mm2, control=["CK1", "CK2"], letters=None)
    >>> print(t2[["treatment", "difference_pct", "difference_pct_vs_control2"]].to_string(
    ...     index=False))
    treatment  difference_pct  difference_pct_vs_control2
            A             8.0                   20.000000
          CK1             0.0                   11.111111
          CK2           -10.0                    0.000000
    """
    require_means_model(mm, "means_table")
    from yieldtrial.stats._univariate import t_isf

    # a pd.NA or a Series is no option (its == answers NA or a Series: not True or False)
    if not (letters is None or isinstance(letters, str)) or letters not in LETTER_METHODS:
        hint = ""
        if isinstance(letters, str) and letters.strip().lower() in ("duncan", "snk", "scheffe"):
            test = letters.strip().lower()
            hint = (
                f". For {test} letters call FieldTrial.means(two_level={test!r}) (columns "
                f"letters_05, letters_01) or yieldtrial.stats.mean_separation(means_model, "
                f"test={test!r}); the report's letters (yieldtrial report --letters, "
                "[analysis] letters) are tukey, lsd, duncan, snk or scheffe"
            )
        raise DataValidationError(
            f"letters must be one of {', '.join(repr(m) for m in LETTER_METHODS)}; "
            f"got {letters!r}{hint}"
        )
    check_alpha(alpha)  # the one rule of every entry point
    confidence = check_probability(confidence)  # the one rule of every entry point
    u = unit_suffix(mm.response)
    k = len(mm.levels)
    est = np.asarray(mm.estimates, dtype=float)
    status = inference_status(mm)
    se = np.full(k, np.nan)
    low = np.full(k, np.nan)
    high = np.full(k, np.nan)
    if status == INFERENCE_OK:
        se = mm.se
        level_df: float | np.ndarray = float(mm.df)
        if mm.cov_gradient is not None and mm.variance_parameter_cov is not None:
            level_df = mm.contrast_df(np.eye(k))  # mixed model: each mean's own df
        crit = t_isf((1.0 - confidence) / 2.0, level_df)
        low, high = est - crit * se, est + crit * se
    controls: list[str] = []
    if control is not None:
        controls = checked_controls(mm, control)
    # one (difference, %, p) triple per control; the first control's columns have fixed names
    vs_columns: dict[str, np.ndarray] = {}
    basis = mm.contrast_basis
    vs = None
    if controls and any(lv not in controls for lv in mm.levels):
        # the same families as compare_to_control(control=controls): every non-control level
        # against each control, Dunnett-adjusted within that control's family
        vs = compare_means_to_control(mm, control=controls, method="dunnett")
    pos = {lv: i for i, lv in enumerate(mm.levels)}
    for j, ctrl in enumerate(controls):
        ic = pos[ctrl]
        diff = basis - basis[ic]
        diff[ic] = 0.0
        diff_pct = 100.0 * diff / est[ic] if est[ic] > 0 else np.full(k, np.nan)
        p_ctrl = np.full(k, np.nan)
        if vs is not None:
            rows = vs[vs["control"] == ctrl]
            for trt, p in zip(rows["treatment"], rows["p_value_adjusted"], strict=True):
                p_ctrl[pos[trt]] = p
        tag = "" if j == 0 else f"_vs_control{j + 1}"
        vs_columns[f"difference{tag}{u}"] = diff
        vs_columns[f"difference_pct{tag}"] = diff_pct
        vs_columns[f"p_value_vs_control{'' if j == 0 else j + 1}"] = p_ctrl
    if not controls:
        vs_columns = {
            f"difference{u}": np.full(k, np.nan),
            "difference_pct": np.full(k, np.nan),
            "p_value_vs_control": np.full(k, np.nan),
        }
    letter_values: list[str | None] = [None] * k
    letters_test = None
    critical, least = np.nan, np.nan
    letters_summary = None
    letters_adjustment = None  # the pairwise tests' own, when they ran
    if letters is not None and k > LETTERS_ALL_MAX:
        # thousands of entries: pairs tested in chunks, letters for the top means + controls
        # (Holm and Bonferroni letters are not summarised: left empty)
        if letters in ("tukey", "lsd") and status == INFERENCE_OK:
            found = summarised_letters(
                mm, test=letters, alphas=(alpha,), always=controls, protected=True
            )
            by_level = dict(zip(found["level"], found["letters_05"], strict=True))
            letter_values = [by_level[lv] for lv in mm.levels]
            letters_summary = found.attrs["letters_summary"]
        letters_test = letters
    elif letters is not None and k >= 2:
        pw = pairwise_means(mm, method=letters, alpha=alpha)
        letter_values = list(compact_letters(mm.levels, est, pw).to_numpy())
        letters_test = str(pw.attrs["provenance"]["test"])
        if letters == "tukey":  # Tukey-Kramer, or the multivariate t of correlated LS-means
            letters_adjustment = str(pw.attrs["provenance"]["adjustment"])
        if letters != "holm":
            critical = _common_value(pw["critical_value"].to_numpy(dtype=float))
            least = _common_value(pw[f"least_significant{u}"].to_numpy(dtype=float))
    elif letters is not None:
        letter_values = ["a" if status == INFERENCE_OK else NA_LETTER] * k
    rank = pd.Series(est).rank(ascending=False, method="min").astype("Int64").array
    out = pd.DataFrame(
        {
            "rank": rank,
            "treatment": list(mm.levels),
            "n": np.asarray(mm.n).astype(int),
            mm.response: est,
            f"se{u}": se,
            f"ci_low{u}": low,
            f"ci_high{u}": high,
            **vs_columns,
            "letters": pd.array(letter_values, dtype=object),
            "critical_value": np.full(k, critical),
            f"least_significant{u}": np.full(k, least),
            "inference": [status] * k,
        }
    )
    order = np.argsort(-np.where(np.isnan(est), -np.inf, est), kind="stable")
    out = out.iloc[order].reset_index(drop=True)
    adjustment = {
        "tukey": "single-step (Tukey-Kramer)", "lsd": "none (protected by the F test)",
        "bonferroni": "bonferroni", "holm": "holm (step-down)", None: None,
    }[letters]  # fmt: skip
    adjustment = letters_adjustment or adjustment
    prov = mm.provenance(
        test=f"letters: {letters_test or letters}; vs control: Dunnett (two-sided)"
        + (" within each control's family" if len(controls) > 1 else ""),
        alpha=alpha,
        adjustment=adjustment,
    ).to_dict()
    out.attrs["provenance"] = prov
    out.attrs["response"] = mm.response
    out.attrs["unit"] = u.lstrip("_") or None
    out.attrs["mean_column"] = mm.response
    out.attrs["control"] = controls[0] if controls else None
    out.attrs["controls"] = tuple(controls)
    out.attrs["inference"] = status
    out.attrs["replicates_needed"] = (
        replicates_for_unreplicated(k, mm.design) if status.startswith("unreplicated") else None
    )
    out.attrs["confidence"] = confidence
    out.attrs["letters_summary"] = letters_summary
    return out


def means(
    data: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str | None = None,
    design: str | None = None,
    control: str | Sequence[str] | None = None,
    letters: str | None = "tukey",
    alpha: float = 0.05,
    confidence: float = 0.95,
    row: str | None = None,
    column: str | None = None,
) -> pd.DataFrame:
    """Fit the design model and return the means table (see :func:`means_table`).

    Parameters
    ----------
    data : DataFrame
        Long data, one row per plot.
    response, treatment, block, design
        See :func:`yieldtrial.stats.compare.compare_to_control`.
    control, letters, alpha, confidence
        See :func:`means_table`.
    row, column : str, optional
        Row and column factors of a Latin square (``design="latin"``).

    Returns
    -------
    DataFrame
        See :func:`means_table`.

    Examples
    --------
    >>> df = pd.DataFrame({"treatment": list("ABCABC"), "block": list("111222"),
    ...                    "yield_kg_ha": [10.0, 12.0, 20.0, 11.0, 12.5, 21.0]})
    >>> print(means(df, response="yield_kg_ha", treatment="treatment", block="block")[
    ...     ["treatment", "yield_kg_ha"]].to_string(index=False))
    treatment  yield_kg_ha
            C        20.50
            B        12.25
            A        10.50
    """
    design = default_design(design, block, row=row, column=column)
    mm = fit_means_model(
        data, response=response, treatment=treatment, block=block, design=design, row=row,
        column=column,
    )  # fmt: skip
    return means_table(mm, control=control, letters=letters, alpha=alpha, confidence=confidence)
