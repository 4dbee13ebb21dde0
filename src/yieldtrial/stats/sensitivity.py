r"""Sensitivity of a trial's verdicts to single plots.

:func:`verdicts` lists every verdict a yield-test report states, computed with
the trial's own methods: the F test(s) of the ANOVA, Dunnett's comparison of each
treatment with the control(s), non-inferiority (with a margin), the pairwise
differences behind the letters, and the named contrasts.  :func:`sensitivity` refits
the trial once per plot with that plot treated as missing (the design's model, LS-means, the
design's error) and says which verdicts change: "the difference T vs CK1 is
significant only with plot 201; check its weight".  Nothing is removed from the
trial; :meth:`yieldtrial.FieldTrial.exclude` does that, on the user's word.

A split-plot or strip-plot trial with a plot treated as missing is no longer
complete; the trial then analyses it by REML (:func:`yieldtrial.stats.mixed.mixed_model`),
as it would after :meth:`~yieldtrial.FieldTrial.exclude`, so the verdicts without the
plot are those the report would state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io._compat import isin
from yieldtrial.io.checks import check_alpha, check_margin_pct, check_option, is_real_number
from yieldtrial.io.entry_types import augmented_checks
from yieldtrial.io.validation import check_augmented_control
from yieldtrial.stats._covariance import quadratic_forms

__all__ = [
    "LETTER_PAIRS_LISTED_MAX_LEVELS",
    "SENSITIVITY_COLUMNS",
    "VERDICT_COLUMNS",
    "sensitivity",
    "verdicts",
]

#: Columns of :func:`verdicts`.
VERDICT_COLUMNS: tuple[str, ...] = (
    "verdict",
    "subject",
    "outcome",
    "significant",
    "p_value",
    "estimate",
    "test",
)

#: Columns of :func:`sensitivity`.
SENSITIVITY_COLUMNS: tuple[str, ...] = (
    "plot_id",
    "treatment",
    "block",
    "verdict",
    "subject",
    "with_plot",
    "without_plot",
    "p_with",
    "p_without",
    "estimate_with",
    "estimate_without",
    "changed",
    "statement",
)

#: Types of the columns of :func:`verdicts` and :func:`sensitivity` that are not text.
_NUMBER_COLUMNS = ("p_value", "estimate", "p_with", "p_without", "estimate_with",
                   "estimate_without")  # fmt: skip
_BOOL_COLUMNS = ("significant", "changed")


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Give an empty table the column types of a filled one (text, float, bool)."""
    if len(table):
        return table
    return table.astype(
        {
            c: "float64" if c in _NUMBER_COLUMNS else "bool" if c in _BOOL_COLUMNS else "str"
            for c in table.columns
        }
    )


def _with_provenance(
    table: pd.DataFrame, trial: Any, alpha: float, unit: str | None
) -> pd.DataFrame:
    """Attach the design model's provenance (the model every verdict is refitted with)."""
    try:
        provenance = trial.anova(alpha=alpha, unit=unit).provenance
    except DataValidationError:  # pragma: no cover - the verdicts already needed the model
        return table
    table.attrs["provenance"] = provenance.replace(
        test="the report's verdicts with and without each plot (model refitted)"
    ).to_dict()
    return table


#: Significance level of the uppercase letters of the report (the letters verdicts use the
#: lowercase level ``alpha``; see :func:`verdicts`).
_UPPER_ALPHA = 0.01


#: Tests behind the letters verdicts: the pairwise methods and the multiple range tests.
LETTER_TESTS: tuple[str, ...] = ("tukey", "lsd", "bonferroni", "holm", "duncan", "snk", "scheffe")


def _letters(mm: Any, test: str, alpha: float) -> dict[str, str] | None:
    """Lowercase letters of a MeansModel as the report computes them (None if not defined)."""
    try:
        if alpha > _UPPER_ALPHA and test != "lsd":
            from yieldtrial.stats.multiple_range import two_level_letters

            table = two_level_letters(mm, test=test, alpha_lower=alpha, alpha_upper=_UPPER_ALPHA)
            return dict(
                zip(table["level"].astype(str), table["letters_05"].astype(str), strict=True)
            )
        from yieldtrial.stats.compare import pairwise_means
        from yieldtrial.stats.letters import compact_letters

        pairs = pairwise_means(mm, method=test, alpha=alpha)
        series = compact_letters(list(mm.levels), np.asarray(mm.estimates), pairs)
        return {str(k): str(v) for k, v in series.items()}
    except DataValidationError:
        return None


#: Means with more levels than this list, in :func:`sensitivity`, only the letter
#: comparisons whose outcome changes (the report's default): 30 treatments are 435 pairs a
#: plot, a listing a reader can still scan; 500 entries are 124,750 pairs a plot.
LETTER_PAIRS_LISTED_MAX_LEVELS = 30


class _Letters:
    """The letters verdicts' inputs: levels, LS-means, letters and the test's label."""

    def __init__(self, levels: list[str], est: np.ndarray, found: dict[str, str], test: str):
        self.levels, self.est, self.found, self.test = levels, est, found, test

    def member(self) -> np.ndarray:
        """Matrix ``[i, c]``: level i carries letter c (levels x letters, 0 or 1)."""
        alphabet = sorted({ch for lv in self.levels for ch in self.found.get(lv, "")})
        col = {ch: k for k, ch in enumerate(alphabet)}
        member = np.zeros((len(self.levels), len(alphabet)), dtype=np.float64)
        for i, lv in enumerate(self.levels):
            for ch in set(self.found.get(lv, "")):
                member[i, col[ch]] = 1.0
        return member

    def share(self) -> np.ndarray:
        """Matrix ``[i, j]``: levels i and j share a letter (one matrix product)."""
        member = self.member()
        result: np.ndarray = (member @ member.T) > 0
        return result


def verdicts(
    trial: Any,
    *,
    control: str | Sequence[str] | None = None,
    kind: str | None = None,
    alpha: float = 0.05,
    letters: str | None = "tukey",
    margin_pct: float | None = None,
    contrasts: Sequence[tuple[str, str, str]] = (),
    unit: str | None = None,
) -> pd.DataFrame:
    """Every verdict a yield-test report states about a trial, as a tidy table.

    Parameters
    ----------
    trial : FieldTrial
        The trial (its ``anova``, ``means_model`` and the comparisons are used).
    control : str or sequence of str, optional
        Control(s) of the Dunnett and non-inferiority verdicts; the trial's when omitted
        (none: no such verdicts).
    kind : str, optional
        Which means (two-factor designs), as for :meth:`yieldtrial.FieldTrial.means_model`.
    alpha : float
        Significance level (the Dunnett family's ``1 - confidence``).
    letters : str or None
        Test behind the letters (``"tukey"``, ``"lsd"``, ``"duncan"``, ``"snk"``,
        ``"scheffe"``); None: no letters verdicts.
    margin_pct : float, optional
        Non-inferiority margin [%]; adds the non-inferiority verdicts.
    contrasts : sequence of (str, str, str)
        Named contrasts ``(name, treatment, versus)`` (``[[contrasts]]`` of trial.toml):
        each a t test of treatment − versus on the design model's error term and df
        (Satterthwaite df for a mixed model), two-sided, not adjusted, as the report's
        contrasts section states it.
    unit : str, optional
        Unit of the estimates (``"kg/ha"``); the trial's display unit by default.

    Returns
    -------
    DataFrame
        Columns :data:`VERDICT_COLUMNS`: ``verdict`` (``anova_f``, ``dunnett``,
        ``noninferiority``, ``letters``, ``contrast``), ``subject`` (the ANOVA source,
        ``"T vs CK"``, ``"T1 vs T2"`` or the contrast's name), ``outcome``
        (``"significant"``, ``"not significant"``; ``"higher"``, ``"lower"``, ``"not
        significant"``; ``"non-inferior"``, ``"not shown"``; ``"differ"``, ``"same
        letter"``), ``significant`` (bool), ``p_value`` (F test, Dunnett adjusted,
        one-sided NI, contrast t test; NaN for letters), ``estimate`` (difference
        [response unit]; NaN for F tests), ``test``.  Empty for an unreplicated trial.
    """
    return _verdicts(
        trial, control=control, kind=kind, alpha=alpha, letters=letters,
        margin_pct=margin_pct, contrasts=contrasts, unit=unit,
    )[0]  # fmt: skip


def _verdicts(
    trial: Any,
    *,
    control: str | Sequence[str] | None = None,
    kind: str | None = None,
    alpha: float = 0.05,
    letters: str | None = "tukey",
    margin_pct: float | None = None,
    contrasts: Sequence[tuple[str, str, str]] = (),
    unit: str | None = None,
    letter_rows: bool | None = True,
) -> tuple[pd.DataFrame, _Letters | None]:
    """:func:`verdicts` and the letters behind its letters rows.

    ``letter_rows`` False leaves the letters rows out of the table (the caller compares
    the letters itself); None leaves them out when the means have more than
    :data:`LETTER_PAIRS_LISTED_MAX_LEVELS` levels.
    """
    from yieldtrial.stats.compare import compare_means_to_control

    if control is not None and getattr(trial, "design", None) == "augmented":
        check_augmented_control(control, *augmented_checks(trial.plots))  # a check only
    rows: list[dict[str, Any]] = []
    alpha = check_alpha(alpha)  # a float from here on (a Fraction has no format 'g')
    if margin_pct is not None:  # the one rule of every entry point, as a float
        margin_pct = check_margin_pct(margin_pct, where="sensitivity")
    if letters is not None:  # 0, [] or pd.NA meant "no letters" or failed in pandas
        letters = check_option("letters", letters, LETTER_TESTS)
    if not trial.is_replicated:
        return _typed(pd.DataFrame(rows, columns=list(VERDICT_COLUMNS))), None
    anova = trial.anova(alpha=alpha, unit=unit)
    table = anova.table
    two_factor = "error_term" in table.columns
    for rec in table.to_dict("records"):
        p = float(rec.get("p_value", np.nan))
        if not np.isfinite(p):
            continue
        if two_factor and not str(rec.get("error_term") or ""):
            continue
        if not two_factor and str(rec["source"]) != "treatment":
            continue
        rows.append(
            {
                "verdict": "anova_f",
                "subject": str(rec["source"]),
                "outcome": "significant" if p < alpha else "not significant",
                "significant": bool(p < alpha),
                "p_value": p,
                "estimate": np.nan,
                "test": "F" + (f" against {rec['error_term']}" if two_factor else ""),
            }
        )
    mm = trial.means_model(kind, unit=unit)
    if control is None:  # the trial's control(s) that are levels of these means
        trial_controls = tuple(getattr(trial, "control", ()))
        controls = (
            trial_controls
            if mm.factor == "treatment"
            else tuple(c for c in trial_controls if c in mm.levels)
        )
    else:
        controls = (control,) if isinstance(control, str) else tuple(control)
    controls = tuple(str(c) for c in controls)
    if controls:
        comp = compare_means_to_control(
            mm, control=list(controls), method="dunnett", confidence=1 - alpha,
            margin_pct=margin_pct,
        )  # fmt: skip
        diff_col = next(
            c for c in comp.columns if str(c).startswith("difference") and c != "difference_pct"
        )
        for rec in comp.to_dict("records"):
            p = float(rec["p_value_adjusted"])
            diff = float(rec[diff_col])
            subject = f"{rec['treatment']} vs {rec['control']}"
            sig = bool(p < alpha)
            rows.append(
                {
                    "verdict": "dunnett",
                    "subject": subject,
                    "outcome": ("higher" if diff > 0 else "lower") if sig else "not significant",
                    "significant": sig,
                    "p_value": p,
                    "estimate": diff,
                    "test": "Dunnett (two-sided, adjusted)",
                }
            )
            ni = rec.get("noninferior")
            if margin_pct is not None and ni is not None and ni is not pd.NA:
                rows.append(
                    {
                        "verdict": "noninferiority",
                        "subject": subject,
                        "outcome": "non-inferior" if bool(ni) else "not shown",
                        "significant": bool(ni),
                        "p_value": float(rec["noninferiority_p_value_adjusted"]),
                        "estimate": diff,
                        "test": f"non-inferiority, margin {margin_pct:g} % (one-sided)",
                    }
                )
    letter_info = None
    if letters is not None:
        found = _letters(mm, letters, alpha)
        if found is not None:
            levels = list(mm.levels)
            est = np.asarray(mm.estimates, dtype=float)
            letter_info = _Letters(
                [str(v) for v in levels], est, found, f"letters ({letters}, alpha {alpha:g})"
            )
            if letter_rows is None:
                letter_rows = len(levels) <= LETTER_PAIRS_LISTED_MAX_LEVELS
        if found is not None and letter_rows:
            for i in range(len(levels)):
                for j in range(i + 1, len(levels)):
                    a, b = levels[i], levels[j]
                    share = bool(set(found.get(a, "")) & set(found.get(b, "")))
                    rows.append(
                        {
                            "verdict": "letters",
                            "subject": f"{a} vs {b}",
                            "outcome": "same letter" if share else "differ",
                            "significant": not share,
                            "p_value": np.nan,
                            "estimate": float(est[i] - est[j]),
                            "test": f"letters ({letters}, alpha {alpha:g})",
                        }
                    )
    rows.extend(_contrast_verdicts(mm, contrasts, alpha))
    return _typed(pd.DataFrame(rows, columns=list(VERDICT_COLUMNS))), letter_info


def _check_contrasts(contrasts: Any) -> tuple[tuple[str, str, str], ...]:
    """Return the contrasts as (name, treatment, versus) triples, or raise showing the form."""
    form = "contrasts must be (name, treatment, versus) triples, e.g. [('synergist', 'T', 'CK2')]"
    if contrasts is None:
        return ()
    if isinstance(contrasts, str | bytes | Mapping) or not isinstance(contrasts, Iterable):
        raise DataValidationError(f"{form}; got {contrasts!r} ({type(contrasts).__name__})")
    out = []
    for item in contrasts:
        if isinstance(item, str | bytes) or not isinstance(item, Sequence) or len(item) != 3:
            raise DataValidationError(f"{form}; got the item {item!r}")
        out.append((str(item[0]), str(item[1]), str(item[2])))
    names = [name for name, _, _ in out]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:  # the verdicts are matched by name: the second one's replaced the first's
        raise DataValidationError(
            f"contrasts: the name {twice[0]!r} is given to more than one contrast; give each "
            "contrast its own name"
        )
    return tuple(out)


def _contrast_verdicts(
    mm: Any, contrasts: Sequence[tuple[str, str, str]], alpha: float
) -> list[dict[str, Any]]:
    """T test of each named contrast on the means model's error term (unadjusted)."""
    from yieldtrial.stats._univariate import t_sf  # scipy.stats.t.sf, bit for bit

    levels = [str(v) for v in mm.levels]
    df = float(mm.df)
    if not contrasts or not (np.isfinite(df) and df > 0 and np.isfinite(float(mm.mse))):
        return []
    rows = []
    for name, treatment, versus in contrasts:
        unknown = [label for label in (treatment, versus) if label not in levels]
        if unknown:  # was skipped without a word: the contrast's verdict silently missing
            raise DataValidationError(
                f"contrast {name!r}: treatment {unknown[0]!r} is not a level of these means "
                f"({', '.join(levels)}); name two of them in contrasts=(name, treatment, "
                "versus) ([[contrasts]] of trial.toml)"
            )
        vec = np.zeros(len(levels))
        vec[levels.index(treatment)], vec[levels.index(versus)] = 1.0, -1.0
        estimate = float(vec @ np.asarray(mm.estimates, dtype=float))
        se = float(np.sqrt(max(float(quadratic_forms(mm.cov, vec)[0]), 0.0)))  # implicit V too
        cdf = float(mm.contrast_df(vec)[0]) if hasattr(mm, "contrast_df") else df
        p = float(2.0 * t_sf(abs(estimate / se), cdf)) if se > 0 else np.nan
        sig = bool(p < alpha)
        rows.append(
            {
                "verdict": "contrast",
                "subject": str(name),
                "outcome": ("higher" if estimate > 0 else "lower") if sig else "not significant",
                "significant": sig,
                "p_value": p,
                "estimate": estimate,
                "test": f"t test of {treatment} - {versus} (contrast, not adjusted)",
            }
        )
    return rows


_OUTCOME_WORDS = {
    "significant": "significant",
    "not significant": "not significant",
    "higher": "significantly higher",
    "lower": "significantly lower",
    "non-inferior": "non-inferior",
    "not shown": "not shown to be non-inferior",
    "differ": "different (no shared letter)",
    "same letter": "not different (shared letter)",
}


def _statement(verdict: str, subject: str, with_: str, without: str, plot: str) -> str:
    what = {
        "anova_f": f"the F test of {subject}",
        "dunnett": f"the difference {subject}",
        "noninferiority": f"non-inferiority of {subject}",
        # as the report says it ("The letter comparison CK vs N0"): "the letters of CK vs N0
        # is not different" was not English
        "letters": f"the letter comparison {subject}",
        "contrast": f"the contrast {subject!r}",
    }[verdict]
    return (
        f"{what} is {_OUTCOME_WORDS.get(with_, with_)} with plot {plot} but "
        f"{_OUTCOME_WORDS.get(without, without)} without it: the conclusion depends on this "
        "plot; check its record."
    )


def sensitivity(
    trial: Any,
    plots: Sequence[str] | str | int | None = None,
    *,
    control: str | Sequence[str] | None = None,
    kind: str | None = None,
    alpha: float = 0.05,
    letters: str | None = "tukey",
    margin_pct: float | None = None,
    contrasts: Sequence[tuple[str, str, str]] = (),
    unit: str | None = None,
    all_pairs: bool | None = None,
) -> pd.DataFrame:
    """Refit the trial without each plot in turn and compare every verdict.

    Parameters
    ----------
    trial : FieldTrial
        The trial.
    plots : sequence of str, str or int, optional
        Plot ids to leave out one at a time (one id alone: that plot); default the plots
        flagged by :meth:`yieldtrial.FieldTrial.suspect_plots`.
    control, kind, alpha, letters, margin_pct, contrasts, unit
        As :func:`verdicts`.
    all_pairs : bool, optional
        Rows of the letters verdicts: True every pair of treatments, False only the
        pairs whose outcome changes; None (default) every pair up to
        :data:`LETTER_PAIRS_LISTED_MAX_LEVELS` treatments (435 pairs), only the changed
        ones above (a 500-entry trial has 124,750 pairs a plot).  Every pair is checked
        either way (the shared letters compared as one matrix); the number checked per
        plot is ``attrs["letter_pairs_checked"]`` when only the changed ones are listed.
        The comparisons with the control (``dunnett`` and ``noninferiority`` rows) follow
        the same rule: above :data:`LETTER_PAIRS_LISTED_MAX_LEVELS` treatments (unless
        True) only those whose outcome changes are listed, every one is checked, and
        ``attrs["control_rows_checked"]`` is the number checked per plot.

    Returns
    -------
    DataFrame
        One row per (plot, verdict), columns :data:`SENSITIVITY_COLUMNS`:
        ``plot_id, treatment, block``, ``verdict`` and ``subject`` (as
        :func:`verdicts`), ``with_plot`` and ``without_plot`` (the outcomes),
        ``p_with``, ``p_without``, ``estimate_with``, ``estimate_without``,
        ``changed`` (the outcome differs) and ``statement`` (one English sentence
        when it changed, e.g. "the difference T vs CK1 is significantly lower with plot
        201 but not significant without it: the conclusion depends on this plot; check
        its record.", else empty).
        A plot whose removal makes the trial unanalysable (e.g. the last plot of a
        treatment) gives one row with ``verdict = "refit"`` and the reason in
        ``statement``.  Empty for an unreplicated trial or when no plot is given
        or flagged.
    """
    if plots is None:
        flagged = trial.suspect_plots()
        plots = list(dict.fromkeys(flagged["plot_id"].astype(str)))
    elif isinstance(plots, str) or is_real_number(plots):  # one plot: '101' was '1', '0', '1'
        plots = [str(plots)]
    elif not isinstance(plots, Iterable) or isinstance(plots, Mapping):
        raise DataValidationError(
            f"plots must be a plot id such as '101', a list of plot ids, or None for the "
            f"flagged plots; got {plots!r} ({type(plots).__name__})"
        )
    from yieldtrial.io.validation import normalise_label

    ids = [normalise_label(p) for p in plots]
    options: dict[str, Any] = {"control": control, "kind": kind, "alpha": alpha, "letters": letters,
               "margin_pct": margin_pct, "contrasts": _check_contrasts(contrasts),
               "unit": unit}  # fmt: skip
    base, base_letters = _verdicts(trial, **options, letter_rows=all_pairs)
    summarise = (
        base_letters is not None
        and len(base_letters.levels) > 1
        and not bool((base["verdict"] == "letters").any())
    )
    # many treatments: the comparisons with the control whose outcome changes only
    control_rows = isin(base["verdict"], _CONTROL_VERDICTS).to_numpy()
    compared = {
        name
        for subject in base.loc[control_rows, "subject"].astype(str)
        for name in subject.split(" vs ", 1)
    }
    changed_control_only = all_pairs is not True and len(compared) > (
        LETTER_PAIRS_LISTED_MAX_LEVELS
    )
    rows: list[dict[str, Any]] = []
    if base.empty or not ids:
        return _with_provenance(
            _typed(pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))), trial, alpha, unit
        )
    table = trial.plots
    for pid in ids:
        where = table.loc[table["plot_id"].astype(str) == pid]
        if where.empty:
            raise DataValidationError(
                f"plot {pid!r} is not in the plot table; plot ids: "
                f"{', '.join(map(str, table['plot_id'].head(20)))}"
            )
        info = {
            "plot_id": pid,
            "treatment": str(where["treatment"].iloc[0]),
            "block": str(where["block"].iloc[0]) if "block" in where.columns else None,
        }
        try:
            without, without_letters = _verdicts(
                trial.exclude(pid, reason="sensitivity check"), **options,
                letter_rows=not summarise,
            )  # fmt: skip
        except DataValidationError as exc:
            rows.append({**info, "verdict": "refit", "subject": "", "with_plot": "",
                         "without_plot": "", "p_with": np.nan, "p_without": np.nan,
                         "estimate_with": np.nan, "estimate_without": np.nan,
                         "changed": False,
                         "statement": f"without plot {pid} the trial cannot be analysed: "
                                      f"{exc}"})  # fmt: skip
            continue
        other = {(r["verdict"], r["subject"]): r for r in without.to_dict("records")}
        pending = (
            _changed_letter_rows(base_letters, without_letters, info, pid)
            if summarise and base_letters is not None
            else []
        )
        for rec in base.to_dict("records"):
            if pending and rec["verdict"] == "contrast":  # letters come before contrasts
                rows.extend(pending)
                pending = []
            alt = other.get((rec["verdict"], rec["subject"]))
            outcome = alt["outcome"] if alt is not None else "not estimable"
            changed = outcome != rec["outcome"]
            if changed_control_only and not changed and rec["verdict"] in _CONTROL_VERDICTS:
                continue
            rows.append(
                {
                    **info,
                    "verdict": rec["verdict"],
                    "subject": rec["subject"],
                    "with_plot": rec["outcome"],
                    "without_plot": outcome,
                    "p_with": rec["p_value"],
                    "p_without": np.nan if alt is None else alt["p_value"],
                    "estimate_with": rec["estimate"],
                    "estimate_without": np.nan if alt is None else alt["estimate"],
                    "changed": bool(changed),
                    "statement": (
                        _statement(rec["verdict"], rec["subject"], rec["outcome"], outcome, pid)
                        if changed
                        else ""
                    ),
                }
            )
        rows.extend(pending)
    out = _with_provenance(
        _typed(pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))), trial, alpha, unit
    )
    if summarise and base_letters is not None:
        n = len(base_letters.levels)
        out.attrs["letter_pairs_checked"] = n * (n - 1) // 2
    if changed_control_only:
        out.attrs["control_rows_checked"] = int(control_rows.sum())
    return out


#: The verdicts of the comparisons with the control (one row per treatment and control).
_CONTROL_VERDICTS = ("dunnett", "noninferiority")


def _changed_letter_rows(
    base: _Letters, other: _Letters | None, info: dict[str, Any], pid: str
) -> list[dict[str, Any]]:
    """Return the letters rows of :func:`sensitivity` that change without plot ``pid``.

    The same rows, in the same order, as the full listing's rows with ``changed`` true:
    pair ``a vs b`` (``a`` before ``b`` in the means) is looked up without the plot
    under the same subject, else its outcome is ``"not estimable"``.
    """
    n = len(base.levels)
    rows: list[dict[str, Any]] = []
    if n < 2:
        return rows
    member = base.member()
    if other is not None:
        where = {lv: k for k, lv in enumerate(other.levels)}
        pos = np.array([where.get(lv, -1) for lv in base.levels], dtype=np.intp)
        other_member = other.member()
    # the pairs (i, j > i) a block of rows i at a time: the whole upper triangle of 10,000
    # treatments is 50 million pairs (its index arrays alone 1.6 GB), a block ~1 million
    step = max(1, PAIR_BLOCK_PAIRS // n)
    for start in range(0, n - 1, step):
        stop = min(n - 1, start + step)
        first = np.arange(start, stop)
        ii, jj = np.nonzero(np.arange(n)[None, :] > first[:, None])
        share_with = (member[start:stop] @ member.T) > 0
        same_with = share_with[ii, jj]
        iu = ii + start
        if other is None:
            exists = np.zeros(len(iu), dtype=bool)
            same_without = np.zeros(len(iu), dtype=bool)
            pa = pb = np.zeros(len(iu), dtype=np.intp)
        else:
            pa, pb = pos[iu], pos[jj]
            exists = (pa >= 0) & (pb >= 0) & (pa < pb)
            rows_without = pos[first]
            share_without = (other_member[np.maximum(rows_without, 0)] @ other_member.T) > 0
            same_without = np.zeros(len(iu), dtype=bool)
            same_without[exists] = share_without[ii[exists], pb[exists]]
        changed = ~exists | (same_with != same_without)
        for k in np.flatnonzero(changed):
            rows.append(_letter_row(base, other, info, pid, int(k), iu, jj, pa, pb, same_with,
                                    same_without, exists))  # fmt: skip
    return rows


#: Pairs of treatments :func:`_changed_letter_rows` compares at a time (memory: a few
#: bytes each, ~30 MB a block, whatever the number of treatments).
PAIR_BLOCK_PAIRS = 1 << 20


def _letter_row(
    base: _Letters,
    other: _Letters | None,
    info: dict[str, Any],
    pid: str,
    k: int,
    iu: np.ndarray,
    ju: np.ndarray,
    pa: np.ndarray,
    pb: np.ndarray,
    same_with: np.ndarray,
    same_without: np.ndarray,
    exists: np.ndarray,
) -> dict[str, Any]:
    """Return the letters row of pair ``k`` of a block of :func:`_changed_letter_rows`."""
    i, j = int(iu[k]), int(ju[k])
    subject = f"{base.levels[i]} vs {base.levels[j]}"
    with_ = "same letter" if same_with[k] else "differ"
    if exists[k] and other is not None:
        without = "same letter" if same_without[k] else "differ"
        est_without = float(other.est[pa[k]] - other.est[pb[k]])
    else:
        without, est_without = "not estimable", np.nan
    return {
        **info,
        "verdict": "letters",
        "subject": subject,
        "with_plot": with_,
        "without_plot": without,
        "p_with": np.nan,
        "p_without": np.nan,
        "estimate_with": float(base.est[i] - base.est[j]),
        "estimate_without": est_without,
        "changed": True,
        "statement": _statement("letters", subject, with_, without, pid),
    }
