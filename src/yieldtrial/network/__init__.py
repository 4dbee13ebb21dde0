"""Many trials at once: the vectorized network engine and the across-site summary.

:func:`analyze_many` analyses every trial of a network (one trial per value of
``by``) in one call and returns a :class:`NetworkResult` with a per-trial table,
a per-treatment table and the across-site summary (layout G).  A trial that
cannot be analysed is recorded with status ``failed`` and its reason; it never
stops the run.  The per-trial numbers equal those of
:func:`yieldtrial.stats.model.fit`, :func:`yieldtrial.stats.anova_tables.anova`,
:func:`yieldtrial.stats.compare.compare_to_control` and Tukey letters run on
that trial alone.

May import: :mod:`yieldtrial.errors` and :mod:`yieldtrial.stats` (one implementation of
each distribution and test, shared with single trials). Never the trial object, the report
or the CLI; the network report is built by :mod:`yieldtrial.report`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, MissingExtraError
from yieldtrial.io.checks import check_alpha, check_cv_thresholds, is_real_number, real_float, shown
from yieldtrial.network import _columns, _summary
from yieldtrial.network._batch import PER_TREATMENT_COLUMNS, PER_TRIAL_COLUMNS, Settings
from yieldtrial.network._columns import _check_columns, _check_distinct_roles
from yieldtrial.network._engine import (
    EXACT_FIT_REASON,
    Coded,
    _treatment_codes,
    code_frame,
    failure_reason,
    run,
)
from yieldtrial.network._summary import (
    COMBINED_METHODS,
    SITE_EFFECTS,
    NetworkSummary,
    TableCodes,
    _num,
    _records,
    summarize,
)
from yieldtrial.stats.residual_checks import CV_FLAGS
from yieldtrial.stats.residual_checks import diagnostics as _diagnostics
from yieldtrial.stats.results import Provenance

__all__ = [
    "CV_STRONG_PCT",
    "CV_WARN_PCT",
    "DESIGNS",
    "DUNNETT_PVALUE_MODES",
    "JSON_SCHEMA_VERSION",
    "NetworkResult",
    "NetworkSummary",
    "analyze_many",
]

#: Designs the network engine handles.
DESIGNS: tuple[str, ...] = ("rcbd", "crd")

#: Valid ``dunnett_pvalues`` strings.  ``"auto"``: exact adjusted p-values when the network
#: has at most :data:`AUTO_DUNNETT_LIMIT` comparisons with the control, else only the
#: verdict at ``alpha`` (balanced trials) from the Dunnett critical value.
DUNNETT_PVALUE_MODES: tuple[str, ...] = ("auto", "exact", "none")

#: CV [%] above which a trial is flagged ``"warn"`` / ``"strong"``: the defaults of the
#: single-trial :func:`yieldtrial.stats.residual_checks.diagnostics`, read from its signature so
#: the two can never disagree.
CV_WARN_PCT: float = float((_diagnostics.__kwdefaults__ or {})["cv_warn_pct"])
CV_STRONG_PCT: float = float((_diagnostics.__kwdefaults__ or {})["cv_strong_pct"])

#: Version of the network JSON (:meth:`NetworkResult.to_dict`, ``yieldtrial network -o x.json``),
#: documented in docs/network-json-schema.md: MINOR grows when keys are added, MAJOR when a
#: key is removed, renamed or changes meaning.
JSON_SCHEMA_VERSION = "1.0"

#: Comparisons up to which ``dunnett_pvalues="auto"`` computes exact p-values (about
#: 4 ms each with the shared product-form integral).
AUTO_DUNNETT_LIMIT = 2000


@dataclass(frozen=True, repr=False, eq=False)  # == compares identity, as FieldTrial's
class NetworkResult:
    """Result of :func:`analyze_many`.

    Attributes
    ----------
    per_trial : DataFrame
        One row per trial: the ``by`` columns, then ``status`` (``ok``,
        ``unreplicated``, ``failed``), ``reason``, ``path`` (``stacked``,
        ``least_squares``, ``none``), ``n_plots``, ``n_observed``, ``n_missing``,
        ``n_treatments``, ``n_blocks``, ``grand_mean``, ``cv_pct``, ``cv_flag``
        (``ok``; ``warn`` above ``cv_warn_pct``; ``strong`` above ``cv_strong_pct``;
        ``na`` without a CV: the flags of the single-trial diagnostics), ``mse``,
        ``df_error``, ``sum_sq_error``, ``df_treatment``, ``sum_sq_treatment``,
        ``f_treatment``, ``p_treatment``, ``df_block``, ``sum_sq_block``,
        ``f_block``, ``p_block`` (type II), ``sed`` (mean SED), ``lsd`` (at
        ``alpha``), ``hsd`` (Tukey, mean SED).  [response unit for means, LSD]
    per_treatment : DataFrame
        One row per trial x treatment: the ``by`` columns, ``treatment``,
        ``is_control``, ``n`` (observed plots), ``lsmean``, ``se``,
        ``difference`` and ``difference_pct`` (vs the control), ``se_difference``,
        ``t_value``, ``p_dunnett`` (single-step adjusted, within the trial),
        ``significant`` (1/0 verdict of Dunnett at ``alpha``), ``letters``
        (Tukey-Kramer at ``alpha``, highest mean ``a``).
    summary : NetworkSummary or None
        Across-site analysis (treatment x site means, across-site mean, % of check,
        win rate, combined model, treatment x site p); None with ``summary=False``.
    provenance : Provenance
        Design, per-trial model, error term, test, alpha, adjustment, version.
    options : dict
        The call's settings (``by``, ``response``, ``treatment``, ``block``,
        ``control``, ``design``, ``alpha``, ``dunnett_pvalues``).
    trial_order : tuple of str
        The trials' labels (``"S1"``, ``"S1 / 2024"``, as ``summary.means`` names them) in
        the order of their first row in the data (the order of the files given to
        ``yieldtrial network``): the order of the report's site columns and rows.  The
        tables above and the JSON keep the order of the trial keys; empty for a dask frame
        (the report then keeps that order too).
    """

    per_trial: pd.DataFrame
    per_treatment: pd.DataFrame
    summary: NetworkSummary | None
    provenance: Provenance
    options: dict[str, Any]
    trial_order: tuple[str, ...] = field(default=(), compare=False)

    @property
    def combined(self) -> pd.DataFrame:
        """The combined-model table of the summary."""
        return self._summary().anova

    def _summary(self) -> NetworkSummary:
        if self.summary is None:
            raise DataValidationError(
                "this result has no across-site summary "
                "(analyze_many was called with summary=False)"
            )
        return self.summary

    def to_frame(self, table: str = "per_treatment") -> pd.DataFrame:
        """Return one table as a DataFrame.

        Parameters
        ----------
        table : {"per_treatment", "per_trial", "means", "treatments", "combined", "sites", \
"comparisons", "contrasts"}
            Which table (``comparisons`` / ``contrasts`` are empty when not computed).

        Returns
        -------
        DataFrame
            A copy of that table.
        """
        names = (
            "per_treatment",
            "per_trial",
            "means",
            "treatments",
            "combined",
            "sites",
            "comparisons",
            "contrasts",
        )
        if table not in names:
            raise DataValidationError(f"table must be one of {', '.join(names)}; got {table!r}")
        if table == "per_treatment":
            return self.per_treatment.copy()
        if table == "per_trial":
            return self.per_trial.copy()
        s = self._summary()
        frames = {
            "means": s.means.reset_index(),
            "treatments": s.treatments,
            "combined": s.anova,
            "sites": s.sites,
            "comparisons": pd.DataFrame() if s.comparisons is None else s.comparisons,
            "contrasts": pd.DataFrame() if s.contrasts is None else s.contrasts,
        }
        return frames[table].copy()

    def to_dict(self) -> dict[str, Any]:
        """Return everything as JSON-ready structures (NaN becomes None).

        The keys are documented in docs/network-json-schema.md (``schema_version``
        :data:`JSON_SCHEMA_VERSION`).
        """
        return {
            "schema_version": JSON_SCHEMA_VERSION,
            "options": dict(self.options),
            "provenance": {k: _num(v) for k, v in self.provenance.to_dict().items()},
            "per_trial": _records(self.per_trial),
            "per_treatment": _records(self.per_treatment),
            "summary": None if self.summary is None else self.summary.to_dict(),
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def environment_response(self, **kwargs: Any) -> pd.DataFrame:
        """Regress each treatment's gain over the check on the site's yield level.

        Delegates to :func:`yieldtrial.network.response.environment_response`
        (``on="site_mean"`` or ``"control"``, ``confidence``, ``control``).

        Returns
        -------
        DataFrame
            One row per treatment: slope with its confidence interval, p-value, fitted
            gains at the poorest and richest sites.
        """
        from yieldtrial.network.response import environment_response

        return environment_response(self, **kwargs)

    def plot_environment_response(self, **kwargs: Any) -> Any:
        """Plot the gains against the site's yield level (:mod:`yieldtrial.network.figures`)."""
        from yieldtrial.network.figures import plot_environment_response

        return plot_environment_response(self, **kwargs)

    @property
    def counts(self) -> dict[str, int]:
        """Number of trials per status."""
        return {str(k): int(v) for k, v in self.per_trial["status"].value_counts().items()}

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items()))
        opts = self.options
        trt = self.per_treatment["treatment"]
        n_trt = int(trt.nunique()) if len(trt) else 0
        summary = "none" if self.summary is None else repr(self.summary.method)
        return (
            f"NetworkResult(trials={len(self.per_trial)} ({counts}), treatments={n_trt}, "
            f"by={opts.get('by')!r}, control={opts.get('control')!r}, "
            f"design={opts.get('design')!r}, summary={summary})"
        )

    def _repr_html_(self) -> str:
        head = ", ".join(f"{k}: {v}" for k, v in self.counts.items())
        body = (
            ""
            if self.summary is None
            else str(
                self.summary.treatments.to_html(index=False, float_format=lambda v: f"{v:.4g}")
            )
        )
        return f"<p><b>Network of {len(self.per_trial)} trials</b> ({head})</p>" + body


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise DataValidationError(
            f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}"
        )


def analyze_many(
    data: Any,
    *,
    by: str | Sequence[str],
    response: str,
    treatment: str,
    block: str | None = None,
    control: str | Sequence[str] | None = None,
    design: str | None = None,
    alpha: float = 0.05,
    progress: Callable[[int, int], None] | None = None,
    sites: str = "random",
    combined: str = "anova",
    dunnett_pvalues: str = "auto",
    summary: bool = True,
    cv_warn_pct: float = CV_WARN_PCT,
    cv_strong_pct: float = CV_STRONG_PCT,
    exclude_cv_above: float | None = None,
    margin_pct: float | None = None,
    contrasts: Mapping[str, Mapping[str, float]] | None = None,
    letters: bool = True,
    treatment_order: Sequence[str] | None = None,
) -> NetworkResult:
    """Analyse every trial of a network in one call, with an across-site summary.

    Parameters
    ----------
    data : DataFrame or dask DataFrame
        Long data, one row per plot, many trials.  A dask DataFrame is shuffled so
        that each trial sits in one partition and the engine is mapped over the
        partitions (needs the ``dask`` extra).
    by : str or sequence of str
        Column(s) identifying a trial (a site, or site and year).
    response : str
        Response column, e.g. ``"yield_kg_ha"``; blanks are missing plots.
    treatment : str
        Treatment column.
    block : str, optional
        Block column (required for ``design="rcbd"``).
    control : str or sequence of str, optional
        Check treatment: enables differences, Dunnett p-values, % of check and win
        rates.  With several controls (e.g. ``["CK1", "CK2"]``) the first is the check
        of the per-trial tables and of ``summary.treatments``; ``summary.comparisons``
        compares every treatment with every control on the across-site model.
    design : {"rcbd", "crd"}, optional
        Field design of every trial; default ``"rcbd"`` when ``block`` is given, else
        ``"crd"``.
    alpha : float
        Significance level of LSD, Tukey letters, Dunnett verdicts. In (0, 1).
    progress : callable, optional
        ``progress(done, total)`` called as trials are finished.
    sites : {"random", "fixed"}
        Site effects in the combined model: random sites test treatments against the
        treatment x site interaction; fixed sites against the pooled error.
    combined : {"anova", "mixedlm"}
        Also fit statsmodels' MixedLM (site, block within site and treatment x site
        random) as an alternative combined model.
    dunnett_pvalues : {"auto", "exact", "none"}
        Exact within-trial Dunnett p-values cost one numerical integration each;
        ``"auto"`` computes them for networks with at most 2000 comparisons and
        otherwise reports only the verdict at ``alpha`` (balanced trials).
    summary : bool
        Compute the across-site summary (False: per-trial tables only, ``summary`` is
        None; useful when the trials are not sites of one network).
    cv_warn_pct, cv_strong_pct : float
        CV thresholds [%] of ``per_trial["cv_flag"]`` (``"warn"`` above the first,
        ``"strong"`` above the second); defaults 10 % and 15 %, the same as
        :func:`yieldtrial.stats.residual_checks.diagnostics`.  Flagged sites stay in the
        across-site analysis and are listed in ``summary.notes``.
    exclude_cv_above : float, optional
        Leave trials whose CV is above this [%] (e.g. 15.0) out of the across-site
        summary; their per-trial status stays ``ok`` and the site strip says
        ``excluded: CV <x> % > <limit> %``.  None (default): include and flag.
    margin_pct : float, optional
        Non-inferiority margin [% of the check's across-site mean] in [0, 100), e.g. 5: adds the
        ``noninferior`` verdicts and bounds to ``summary.treatments`` and
        ``summary.comparisons``.
    contrasts : mapping, optional
        Named contrasts of the across-site means, ``{"T vs CK2": {"T": 1, "CK2": -1}}``:
        estimate, SE, t, p and CI in ``summary.contrasts`` (unadjusted, on the error
        of the across-site model).
    letters : bool
        Compute the within-trial Tukey letters (default).  False leaves ``letters``
        empty: their compact letter display costs seconds per trial with hundreds of
        treatments (a 200-variety regional trial), and stability analyses do not use them.
    treatment_order : sequence of str, optional
        Treatments shown first, in this order (trial.toml's ``[[treatments]]``); the
        others follow in the default order (first appearance, or natural sort when the
        blocks list the treatments in different orders).  A label that is no treatment
        of any trial is an error.

    Returns
    -------
    NetworkResult
        ``per_trial``, ``per_treatment``, ``summary``, ``provenance``.

    Notes
    -----
    **Unreplicated sites pool as replicates.**  A site with one plot per treatment
    (status ``unreplicated``) supports no test alone, but many of them are the
    replicates of a randomized complete block design with sites as blocks: when every
    included site is unreplicated, the across-site analysis is that RCBD
    (``response ~ treatment + site``, the treatment x site interaction as the error;
    LS-means with missing cells handled by the model; exact Dunnett against the check,
    CIs, non-inferiority, contrasts).  When replicated and unreplicated sites are mixed,
    a two-stage analysis weighted by the variances of the site means is used (stated in
    ``summary.notes``).  ``win_rate_pct`` (增产点率, the share of sites where the
    treatment beat the check) carries a Wilson score interval.  The NY/T 1536-style rule
    (a significant gain at >= 2/3 of the sites) needs replicated sites and is NA
    otherwise.

    Raises
    ------
    DataValidationError
        Missing columns, unknown design or option, blank trial key, alpha out of
        range.  Problems inside one trial never raise: that trial is ``failed``.

    Examples
    --------
    >>> import yieldtrial as yt
    >>> rows = [(s, b, t, 100 + (10 + i) * (t == "N") + 2 * i + b + (b * i) % 2)
    ...         for i, s in enumerate(["S1", "S2", "S3"]) for b in range(3) for t in ["CK", "N"]]
    >>> df = pd.DataFrame(rows, columns=["site", "block", "trt", "y"])
    >>> df.loc[(df.block == 0) & (df.trt == "N"), "y"] += 1.0  # not additive: no exact fit
    >>> res = yt.analyze_many(df, by="site", response="y", treatment="trt", block="block",
    ...                       control="CK")
    >>> res.per_trial["status"].tolist()
    ['ok', 'ok', 'ok']
    >>> table = res.summary.treatments[["treatment", "pct_of_check", "win_rate_pct"]]
    >>> table.round(2).to_numpy(dtype=object).tolist()  # the check has no win rate
    [['CK', 100.0, nan], ['N', 110.99, 100.0]]
    """
    if design is None:
        design = "rcbd" if block is not None else "crd"
    _check_choice("design", design, DESIGNS)
    _check_choice("sites", sites, SITE_EFFECTS)
    _check_choice("combined", combined, COMBINED_METHODS)
    _check_choice("dunnett_pvalues", dunnett_pvalues, DUNNETT_PVALUE_MODES)
    check_alpha(alpha)
    _check_cv_options(cv_warn_pct, cv_strong_pct, exclude_cv_above)
    controls = _control_list(control)
    control = controls[0] if controls else None
    if margin_pct is not None:  # the rule and message of trial.toml and the CLI: [0, 100)
        from yieldtrial.io.checks import check_margin_pct

        margin = check_margin_pct(margin_pct, where="analyze_many")
        if control is None:  # no check to be non-inferior to: the margin would go unused
            from yieldtrial.io.checks import margin_without_control

            raise margin_without_control(margin, "analyze_many")
    by_list = _column_args(by, response, treatment, block)
    if not by_list:
        raise DataValidationError("by must name at least one trial key column")
    twice = [column for column in dict.fromkeys(by_list) if by_list.count(column) > 1]
    if twice:  # by=["site", "site"] reached pandas' groupby (exit 3: "not 1-dimensional")
        raise DataValidationError(
            f"by names the column {twice[0]!r} twice ({by_list!r}); give each trial key column once"
        )
    if design == "rcbd" and block is None:
        raise DataValidationError(
            "design='rcbd' needs block=<column>; pass the block (replicate) column, or "
            "design='crd' for a completely randomized design."
        )
    if design == "crd":
        block = None
    needed = {"response": response, "treatment": treatment, "block": block}
    needed.update({f"by[{i}]": c for i, c in enumerate(by_list)})
    _check_distinct_roles(response, treatment, block, by_list)
    options = {
        "by": by_list,
        "response": response,
        "treatment": treatment,
        "block": block,
        "control": control,
        "design": design,
        "alpha": float(alpha),
        "dunnett_pvalues": dunnett_pvalues,
        "sites": sites,
        "combined": combined,
        "cv_warn_pct": float(cv_warn_pct),
        "cv_strong_pct": float(cv_strong_pct),
        "exclude_cv_above": None if exclude_cv_above is None else float(exclude_cv_above),
        "controls": controls,
        "margin_pct": None if margin_pct is None else float(margin_pct),
        "letters": bool(letters),
        "treatment_order": _order_labels(treatment_order),
    }
    if _is_dask(data):
        _check_columns(list(data.columns), needed)
        # the checks of a pandas frame, on the design columns of the distinct plots
        layout = _design_columns(data, by_list, treatment, block).compute()
        labels = [*by_list, treatment, *([block] if block else [])]
        data, layout = _normalised_dask_labels(data, layout, labels)
        _check_controls_present(layout[treatment], controls)
        _warn_ignored_layout(layout, by_list, block, design, {response, treatment})
        per_trial, per_treatment = _dask_tables(data, options, progress)
        plots = data.compute() if combined == "mixedlm" else None
        codes = None
    else:
        if not isinstance(data, pd.DataFrame):
            raise DataValidationError(
                f"data must be a pandas or dask DataFrame; got {type(data).__name__}"
            )
        _check_columns(list(data.columns), needed)
        if len(data) == 0:  # before the control check: "treatments present: ." (stop 39)
            raise DataValidationError("data has no rows; expected one row per plot.")
        data = _columns.normalised_labels(data, [*by_list, treatment, *([block] if block else [])])
        _check_controls_present(data[treatment], controls)
        from yieldtrial.io.validation import warn_half_precision

        warn_half_precision(data, [response])  # read_plots' rule and message
        _warn_ignored_layout(data, by_list, block, design, {response, treatment})
        _warn_copied_trials(data, by_list, response, treatment)
        _warn_repeated_treatments(data, by_list, block, treatment, response)
        per_trial, per_treatment, codes = _tables(data, options, progress)
        plots = data
    _warn_exact_fits(per_trial, by_list)
    per_trial = _with_cv_flag(per_trial, float(cv_warn_pct), float(cv_strong_pct))
    across = (
        summarize(
            per_trial,
            per_treatment,
            by=by_list,
            control=control,
            alpha=float(alpha),
            site_effects=sites,
            combined=combined,
            design=design,
            response=response,
            plots=plots,
            treatment=treatment,
            block=block,
            codes=codes,
            exclude_cv_above=None if exclude_cv_above is None else float(exclude_cv_above),
            cv_warn_pct=float(cv_warn_pct),
            cv_strong_pct=float(cv_strong_pct),
            controls=controls,
            margin_pct=None if margin_pct is None else float(margin_pct),
            contrasts=contrasts,
        )
        if summary
        else None
    )
    formula = f"{response} ~ {treatment}" + (f" + {block}" if block else "")
    prov = Provenance(
        design=design,
        model=formula,
        error_term="residual (per trial)",
        df_error=float("nan"),
        test="F; Dunnett vs control; Tukey-Kramer letters",
        alpha=float(alpha),
        adjustment="single-step (Dunnett); Tukey-Kramer",
        sum_of_squares="type II (sequential when balanced)",
    )
    per_trial.attrs["provenance"] = prov.to_dict()
    per_treatment.attrs["provenance"] = prov.to_dict()
    order = () if _is_dask(data) else _first_seen_trials(data, by_list)
    return NetworkResult(per_trial, per_treatment, across, prov, options, order)


def _normalised_dask_labels(data: Any, layout: pd.DataFrame, columns: list[Any]) -> tuple[Any, Any]:
    """Return a dask ``data`` and its ``layout`` with the labels read as a pandas frame's are.

    The rule of :func:`_columns.normalised_labels` (stop 47) was applied to pandas frames only, so a
    treatment ``'N1 '`` or ``'ＣＫ'`` in a dask frame stayed a treatment of its own (stop 48).
    The spellings are read on ``layout`` (the distinct design rows, computed already), with
    the same warning; each partition then maps its cells to the labels so read.
    """
    normal = _columns.normalised_labels(layout, columns, stacklevel=4)
    if normal is layout:
        return data, layout
    mappings: dict[Any, dict[Any, Any]] = {}
    for column in dict.fromkeys(columns):
        pairs = zip(layout[column].tolist(), normal[column].tolist(), strict=True)
        mapping = {raw: read for raw, read in pairs if not _is_missing(raw) and raw != read}
        if mapping:
            mappings[column] = mapping

    # a float column's labels are read as text ('1.0' is '1'), so the relabelled column
    # takes the dtype of the labels read, not the partition's float dtype
    dtypes = {column: normal[column].dtype for column in mappings}

    def relabel(part: pd.DataFrame) -> pd.DataFrame:
        out = part.copy(deep=False)
        for column, mapping in mappings.items():
            read = [mapping.get(v, v) if not _is_missing(v) else v for v in part[column]]
            out[column] = pd.Series(read, index=part.index, dtype=dtypes[column])
        return out

    return data.map_partitions(relabel, meta=relabel(data._meta)), normal


def _is_missing(value: Any) -> bool:
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _first_seen_trials(data: pd.DataFrame, by: list[str]) -> tuple[str, ...]:
    """Return the trial labels (as the summary names them) in order of first appearance."""
    keys = data[by].drop_duplicates()
    keys = keys.loc[keys.notna().all(axis=1)]
    return tuple(dict.fromkeys(str(label) for label in _summary.site_label(keys, by)))


def _design_columns(data: Any, by: list[str], treatment: str, block: str | None) -> Any:
    """Return the columns the input checks read (keys, treatment, block, layout), deduplicated.

    A dask DataFrame is checked as a pandas one is (:func:`_check_controls_present`,
    :func:`_warn_ignored_layout`) on this small projection, computed once; its rows are the
    distinct combinations, so the checks see what they see in the full table.
    """
    layout = [c for c in ("incomplete_block", "row", "column") if c in data.columns]
    columns = list(dict.fromkeys([*by, treatment, *([block] if block else []), *layout]))
    return data[columns].drop_duplicates()


def _trial_names(rows: pd.DataFrame, by: list[str]) -> list[str]:
    """Return the trial keys of some rows ("S1", "S1 / 2024"), once each, in order."""
    unique = rows[by].drop_duplicates()
    return [" / ".join(str(v) for v in row) for row in unique.itertuples(index=False)]


def _warn_ignored_layout(
    data: pd.DataFrame, by: list[str], block: str | None, design: str, used: set[str]
) -> None:
    """Warn of trials whose incomplete blocks (alpha, row-column) the network ignores.

    The network fits each trial as an RCBD (or a CRD): the ``incomplete_block`` column of an
    alpha field book, and rows and columns numbered within each replicate (a row-column
    field book), are not in its model.  Analysed without a word, such trials looked like
    RCBDs.
    """
    from yieldtrial.io.validation import list_items
    from yieldtrial.stats._common import warn_at_caller as _warn

    model = "an RCBD (response ~ treatment + block)" if block else "a completely randomized design"
    taken = {block, *by, *used}
    alpha: list[str] = []
    if "incomplete_block" in data.columns and "incomplete_block" not in taken:
        alpha = _trial_names(data.loc[data["incomplete_block"].notna()], by)
    if alpha:
        _warn(
            f"{'/'.join(by)} {list_items(repr(k) for k in alpha)}: "
            f"{len(alpha)} trial{'s have' if len(alpha) > 1 else ' has'} incomplete blocks "
            "(an incomplete_block column: an alpha design); the network analysis ignores them "
            f"and analyses every trial as {model}. For the incomplete-block model analyse "
            "such a trial alone: yieldtrial report <its file> (the alpha design is detected)"
        )
    if block is None or not {"row", "column"} <= set(data.columns) or {"row", "column"} & taken:
        return
    positions = data[[*by, block, "row", "column"]].dropna().drop_duplicates()
    repeated = positions.duplicated([*by, "row", "column"], keep=False).to_numpy()
    within = [k for k in _trial_names(positions.loc[repeated], by) if k not in alpha]
    if within:
        _warn(
            f"{'/'.join(by)} {list_items(repr(k) for k in within)}: row and column are "
            f"numbered within each replicate in {len(within)} trial"
            f"{'s' if len(within) > 1 else ''} (a row-column design); the network analysis "
            f"ignores rows and columns and analyses every trial as {model}. For the "
            "row-column model analyse such a trial alone: yieldtrial report <its file> with "
            'design = "row_column" in [analysis] of trial.toml'
        )


#: Plots with a response a trial needs before an identical trial is called its copy.
COPY_MIN_PLOTS = 4


def _copied_trials(
    data: pd.DataFrame, by: list[str], response: str, treatment: str
) -> list[tuple[str, list[str], int]]:
    """Find trials whose plot data are a copy of another trial's.

    Two trials are copies when they have the same plots: the same multiset of (treatment,
    response) pairs over their plots with a response (a block renamed or the rows shuffled
    is still a copy), at least :data:`COPY_MIN_PLOTS` of them (two or three farm plots of
    rounded yields can agree by chance).  Each trial's rows are hashed and the hashes
    summed per trial (an order-free signature, vectorized); trials of equal signature are
    then compared value by value, so a hash collision never reports a copy.  A copy is
    equal to the last bit (``0.0`` and ``-0.0`` alike): yields that differ only by
    rounding noise (``1e-12``, a unit converted there and back) are not reported, and
    neither is a trial equal to another except one plot, or with a plot more or less
    (both may be honest data; the warning is for a trial pasted whole).

    Parameters
    ----------
    data : DataFrame
        The network's plots.
    by : list of str
        Trial key columns.
    response, treatment : str
        Response and treatment columns.

    Returns
    -------
    list of (str, list of str, int)
        For each set of identical trials: the first trial (in the order of the data), the
        trials that repeat it, and the number of plots with a response in each.

    Examples
    --------
    >>> plots = {"S1": [10.0, 12.0, 11.0, 13.0], "S2": [11.0, 13.0, 10.0, 12.0],
    ...          "S3": [10.0, 12.0, 11.0, 13.5]}
    >>> rows = [(s, t, y) for s, ys in plots.items() for t, y in zip("ABAB", ys)]
    >>> _copied_trials(pd.DataFrame(rows, columns=["site", "trt", "y"]), ["site"], "y", "trt")
    [('S1', ['S2'], 4)]
    """
    observed = _observed_plots(data, by, response, treatment)
    if observed is None:
        return []
    trial, labels, values = observed.trial, observed.labels, observed.values
    signature = _trial_signatures(observed, ("0123456789123456",))
    count = signature["n"].to_numpy()
    candidates = signature.loc[signature["n"] >= COPY_MIN_PLOTS]
    repeated = candidates.loc[candidates.duplicated(keep=False)]
    if repeated.empty:
        return []
    names = observed.names
    found: list[tuple[str, list[str], int]] = []
    for _, group in repeated.groupby(["n", "high", "low"], sort=False):
        members = sorted(int(i) for i in group.index)
        contents: dict[int, tuple[tuple[str, float], ...]] = {}
        for i in members:
            at = trial == i
            contents[i] = tuple(sorted(zip(labels[at].tolist(), values[at].tolist(), strict=True)))
        while members:
            first, *rest = members
            same = [i for i in rest if contents[i] == contents[first]]
            if same:
                found.append((names[first], [names[i] for i in same], int(count[first])))
            members = [i for i in rest if i not in same]
    return sorted(found, key=lambda item: names.index(item[0]))


@dataclass(frozen=True)
class _Observed:
    """The plots with a response of some trials, as the copy check reads them."""

    trial: np.ndarray  # trial number of each plot (0, 1, ... in order of first appearance)
    labels: np.ndarray  # treatment label as text (a missing label as "")
    values: np.ndarray  # response (-0.0 as 0.0)
    names: list[str]  # trial names ("S1", "S1 / 2024") by trial number


def _observed_plots(
    data: pd.DataFrame, by: list[str], response: str, treatment: str
) -> _Observed | None:
    """Return the plots with a response for the copy check (None: fewer than two)."""
    y = pd.to_numeric(data[response], errors="coerce").astype(float)
    keep = y.notna().to_numpy()
    if keep.sum() < 2:
        return None
    observed = data.loc[keep, [*by, treatment]]
    values = y.to_numpy()[keep] + 0.0  # -0.0 -> 0.0: equal yields, one hash
    trial = observed.groupby(by, sort=False, dropna=False).ngroup().to_numpy()
    # a missing label as "" (astype(str) keeps it a float NaN under pandas 3, which the
    # value-by-value comparison could not sort against the texts)
    labels = observed[treatment].astype(str).fillna("").to_numpy()
    names = [
        " / ".join(str(v) for v in key)
        for key in observed[by].drop_duplicates().itertuples(index=False)
    ]
    return _Observed(trial, labels, values, names)


def _trial_signatures(observed: _Observed, keys: tuple[str, ...]) -> pd.DataFrame:
    """Return each trial's plot count and order-free hash sums (one pair per hash key).

    Each plot's (treatment, response) is hashed with each 16-character key, and the two
    32-bit halves of the hashes summed per trial (exact in float64 up to 2**21 plots a
    trial): columns ``n``, then ``high``, ``low`` for the first key, ``high1``, ``low1``
    for the second and so on.  Equal trials have equal signatures in any row order.
    """
    trial = observed.trial
    n_trials = int(trial.max()) + 1
    columns: dict[str, np.ndarray] = {"n": np.bincount(trial, minlength=n_trials)}
    frame = pd.DataFrame({"t": observed.labels, "y": observed.values})
    for i, key in enumerate(keys):
        rows = pd.util.hash_pandas_object(frame, index=False, hash_key=key).to_numpy()
        tag = str(i) if i else ""
        columns[f"high{tag}"] = np.bincount(
            trial, weights=(rows >> np.uint64(32)).astype(np.float64), minlength=n_trials
        )
        columns[f"low{tag}"] = np.bincount(
            trial, weights=(rows & np.uint64(0xFFFFFFFF)).astype(np.float64), minlength=n_trials
        )
    return pd.DataFrame(columns)


#: The two hash keys of the copy check of a dask frame (a 128-bit signature a trial).
_DASK_COPY_KEYS = ("0123456789123456", "yieldtrial-copy!")


def _partition_signatures(
    part: pd.DataFrame, by: list[str], response: str, treatment: str
) -> pd.DataFrame:
    """Return the copy signatures of the trials of one partition (whole trials), keyed by ``by``.

    The dask path's copy check: no value-by-value pass (it would read every plot again), so
    two independent hash keys (:data:`_DASK_COPY_KEYS`) make a chance equality of two
    different trials' signatures about as likely as 2**-128.
    """
    observed = _observed_plots(part, by, response, treatment)
    if observed is None:
        return pd.DataFrame()
    signature = _trial_signatures(observed, _DASK_COPY_KEYS)
    signature.insert(0, "_trial", observed.names)
    return signature.loc[signature["n"] >= COPY_MIN_PLOTS]


def _copied_by_signature(
    signatures: pd.DataFrame, order: list[str]
) -> list[tuple[str, list[str], int]]:
    """Group trials of equal signature (:func:`_partition_signatures`) as :func:`_copied_trials`.

    ``order`` lists the trial names in the order of the data (each trial's first plot with a
    response, as :func:`_copied_trials` numbers them): the first of each set is the one the
    others copy.
    """
    rank = {name: i for i, name in enumerate(order)}
    ordered = signatures.assign(_rank=signatures["_trial"].map(rank).fillna(len(order)))
    ordered = ordered.sort_values("_rank", kind="stable")
    columns = [c for c in ordered.columns if c not in ("_trial", "_rank")]
    found = []
    for _, group in ordered.groupby(columns, sort=False):
        if len(group) > 1:
            names = group["_trial"].tolist()
            found.append((names[0], names[1:], int(group["n"].iloc[0])))
    return sorted(found, key=lambda item: rank.get(item[0], len(order)))


def _warn_copied_trials(data: pd.DataFrame, by: list[str], response: str, treatment: str) -> None:
    """Warn of trials whose plot data are a copy of another trial's (counted twice otherwise)."""
    _warn_copies(_copied_trials(data, by, response, treatment), by, response)


def _warn_repeated_treatments(
    data: pd.DataFrame, by: list[str], block: str | None, treatment: str, response: str
) -> None:
    """Warn of RCBD trials with a treatment recorded more than once in one block.

    An RCBD has each treatment once per block; a second record of a treatment in a block
    is most often a copied row (a site's table without plot ids, pasted twice), which the
    network analysed without a word as one more plot.  Counted on the rows with a
    response, vectorized over all trials (one ``groupby``).
    """
    if block is None:
        return
    _warn_repeated_counts(_repeated_treatments(data, by, block, treatment, response), by,
                          block, treatment)  # fmt: skip


def _repeated_treatments(
    data: pd.DataFrame, by: list[str], block: str, treatment: str, response: str
) -> pd.Series:
    """Count the records of each treatment in a block seen more than once (with a response).

    One ``groupby`` over all trials of ``data`` (a pandas frame, or one partition of whole
    trials: the dask path sums nothing across partitions, each trial being in one).
    """
    keys = [*by, block, treatment]
    rows = data.loc[data[response].notna(), keys]
    counts = rows.groupby(keys, observed=True, dropna=True, sort=False).size()
    return counts[counts.to_numpy() > 1]


def _warn_repeated_counts(repeated: pd.Series, by: list[str], block: str, treatment: str) -> None:
    """Warn of :func:`_repeated_treatments`' counts (fuzz57's message, pandas and dask)."""
    if repeated.empty:
        return
    from yieldtrial.io.validation import list_items
    from yieldtrial.stats._common import warn_at_caller

    key = "/".join(by)
    entries = [
        (tuple(index), int(count))
        for index, count in zip(repeated.index.tolist(), repeated.to_numpy(), strict=True)
    ]
    trials = list(dict.fromkeys(index[: len(by)] for index, _ in entries))
    cells = [f"{'/'.join(repr(str(v)) for v in index)} x{count}" for index, count in entries]
    warn_at_caller(
        f"{key} {list_items(repr('/'.join(str(v) for v in t)) for t in trials)}: a treatment "
        f"recorded more than once in one block ({key}/{block}/{treatment}: "
        f"{list_items(cells)}); an RCBD has each treatment once per block, so this is most "
        "often a copied row; every record is analysed as a plot of its own: check the data "
        "of these trials"
    )


def _warn_copies(found: list[tuple[str, list[str], int]], by: list[str], response: str) -> None:
    """Warn of each set of copied trials (:func:`_copied_trials`' list)."""
    from yieldtrial.io.validation import list_items
    from yieldtrial.stats._common import warn_at_caller

    key = "/".join(by)
    for first, copies, n in found:
        verb = "have" if len(copies) > 1 else "has"
        warn_at_caller(
            f"{key} {list_items(repr(c) for c in copies)} {verb} the same plot data as {key} "
            f"{first!r} (treatment and {response} of all {n} plots): copied data count one "
            "trial twice in the summary across sites; check the data of these trials"
        )


def _warn_exact_fits(per_trial: pd.DataFrame, by: list[str]) -> None:
    """Warn of trials left out because their model fits every yield exactly (copied yields)."""
    from yieldtrial.io.validation import list_items
    from yieldtrial.stats._common import warn_at_caller as _warn

    exact = per_trial["reason"].to_numpy() == EXACT_FIT_REASON
    if not exact.any():
        return
    names = _trial_names(per_trial.loc[exact], by)
    _warn(
        f"{'/'.join(by)} {list_items(repr(k) for k in names)}: left out of the summary "
        f"across sites: {EXACT_FIT_REASON}"
    )


def _check_controls_present(treatments: pd.Series, controls: list[str]) -> None:
    """Refuse a control that is a treatment of no trial (a misspelt label fails every trial).

    Also refuse controls that are every treatment: nothing is left to compare with them.
    """
    if not controls:
        return
    present = list(dict.fromkeys(treatments.dropna().astype(str).str.strip()))
    absent = [c for c in controls if c not in set(present)]
    if absent:
        from yieldtrial.io.validation import list_items, not_treatments

        raise DataValidationError(
            f"control {list_items(repr(a) for a in absent)} {not_treatments(len(absent))} of "
            "any trial; "
            f"treatments present: {list_items((repr(t) for t in present), limit=30)}. Labels "
            "are case-sensitive: pass control= one of them"
        )
    if set(present) <= set(controls):
        # as compare_to_control says it; the combined comparison raised it only when its
        # inference held (a network without treatment x site variation exited 0, every
        # control but the first compared with it as a treatment: stop 40)
        raise DataValidationError(
            f"nothing to compare: every level of {str(treatments.name)!r} is a control "
            f"({', '.join(controls)}); check that the table holds the other treatments and "
            "that only the check is named as control"
        )


def _is_column_name(value: Any) -> bool:
    """Tell whether ``value`` names a column: text or a whole number (default labels)."""
    return isinstance(value, str | int | np.integer) and not isinstance(value, bool)


def _column_args(by: Any, response: Any, treatment: Any, block: Any) -> list[Any]:
    """Check the column arguments' types; return ``by`` as a list of column names.

    ``by=None`` or ``response=["y"]`` reached pandas (``TypeError: 'NoneType' object is
    not iterable``, ``unhashable type: 'list'``); each argument names one column.
    """
    for name, value, optional in (
        ("response", response, False),
        ("treatment", treatment, False),
        ("block", block, True),
    ):
        if not (_is_column_name(value) or (optional and value is None)):
            raise DataValidationError(
                f"analyze_many(): {name} must be the name of one column (text), e.g. "
                f"{name}={'yield_kg_ha' if name == 'response' else name!r}"
                f"{' or None' if optional else ''}; got {value!r} ({type(value).__name__})"
            )
    if _is_column_name(by):
        return [by]
    items = list(by) if isinstance(by, list | tuple) else None
    if items is None or not all(_is_column_name(c) for c in items):
        raise DataValidationError(
            "analyze_many(): by must name the trial key column(s): a column name such as "
            f"by='site', or a list such as by=['site', 'year']; got {by!r} ({type(by).__name__})"
        )
    return items


def _order_labels(order: Any) -> tuple[str, ...]:
    """``treatment_order`` as labels: one text is one label (``"CK"`` is not C, K)."""
    if order is None:
        return ()
    if isinstance(order, str):
        return (order,)
    zero_d = isinstance(order, np.ndarray) and order.ndim == 0  # iteration over a 0-d array
    if zero_d or not isinstance(order, list | tuple | pd.Index | pd.Series | np.ndarray):
        raise DataValidationError(
            "treatment_order must be a list of treatment labels such as ['CK', 'N1', 'N2']; "
            f"got {order!r} ({type(order).__name__})"
        )
    return tuple(str(t) for t in order)


def _control_list(control: Any) -> list[str]:
    """``control`` as a list of labels (empty for None)."""
    if control is None:
        return []
    if isinstance(control, str | int | float | np.number) and not isinstance(control, bool):
        items = [control]
    elif isinstance(control, list | tuple):
        items = list(control)
    else:
        raise DataValidationError(
            "control must be a treatment label such as 'CK', a list of labels such as "
            f"['CK1', 'CK2'], or None; got {control!r} ({type(control).__name__})"
        )
    if not items:
        raise DataValidationError("control must name at least one treatment, or be None")
    labels = [str(c) for c in items]
    if len(set(labels)) != len(labels):  # as report's check_control says it
        raise DataValidationError(f"control lists a label twice: {tuple(labels)!r}; give each once")
    return labels


def _check_cv_options(warn: Any, strong: Any, exclude: Any) -> None:
    def number(v: Any) -> bool:  # 10**400 is not a finite number (np.isfinite raised on it)
        return (
            isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(real_float(v))
        )

    check_cv_thresholds(warn, strong)  # the rule and message of diagnostics
    if exclude is not None and not (number(exclude) and exclude > 0):
        raise DataValidationError(
            f"exclude_cv_above must be a CV in % above 0 (e.g. 15.0) or None; got {shown(exclude)}."
        )


def _with_cv_flag(per_trial: pd.DataFrame, warn: float, strong: float) -> pd.DataFrame:
    """Insert ``cv_flag`` after ``cv_pct``: the single-trial diagnostics' CV flags."""
    ok, warn_flag, strong_flag, na = CV_FLAGS
    cv = per_trial["cv_pct"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        flag = np.where(
            ~np.isfinite(cv),
            na,
            np.where(cv > strong, strong_flag, np.where(cv > warn, warn_flag, ok)),
        )
    per_trial = per_trial.copy(deep=False)
    at = list(per_trial.columns).index("cv_pct") + 1
    per_trial.insert(at, "cv_flag", pd.Series(flag, dtype=object))
    return per_trial


def _tables(
    data: pd.DataFrame, options: dict[str, Any], progress: Callable[[int, int], None] | None
) -> tuple[pd.DataFrame, pd.DataFrame, TableCodes]:
    """Run the engine on an in-memory frame and build the two tables (and their codes)."""
    by: list[str] = options["by"]
    if len(data) == 0:
        raise DataValidationError("data has no rows; expected one row per plot.")
    coded = code_frame(
        data,
        by=by,
        response=options["response"],
        treatment=options["treatment"],
        block=options["block"],
        treatment_order=options.get("treatment_order", ()),
    )
    mode = options["dunnett_pvalues"]
    # "auto" is resolved by the engine once it has counted the treatments of every trial
    want_p: bool | None = None if mode == "auto" else mode == "exact"
    settings = Settings(
        design=options["design"],
        alpha=options["alpha"],
        control=None if options["control"] is None else str(options["control"]),
        dunnett_pvalues=want_p,
        auto_limit=AUTO_DUNNETT_LIMIT,
        response=options["response"],
        treatment=options["treatment"],
        block=options["block"],
        letters=bool(options.get("letters", True)),
    )

    def refit(i: int) -> str:
        rows = np.flatnonzero(coded.trial == i)  # only for <= REFIT_LIMIT failed trials
        return failure_reason(
            data.iloc[rows],
            response=options["response"],
            treatment=options["treatment"],
            block=options["block"],
            design=options["design"],
            control=settings.control,
        )

    out = run(coded, settings, progress=progress, refit=refit)
    return _assemble(coded, out, by)


def _assemble(
    coded: Coded, out: Any, by: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, TableCodes]:
    """Build the two tables in one DataFrame construction each (no per-column inserts)."""
    int_cols = ("n_plots", "n_observed", "n_missing", "n_treatments")
    columns: dict[str, Any] = {c: coded.keys[c].reset_index(drop=True) for c in by}
    columns["status"] = pd.Series(out.status, dtype=object)
    columns["reason"] = pd.Series(out.reason, dtype=object)
    columns["path"] = pd.Series(out.path, dtype=object)
    for col in PER_TRIAL_COLUMNS[3:]:
        columns[col] = out.cols[col].astype(np.int64) if col in int_cols else out.cols[col]
    per_trial = pd.DataFrame(columns)
    names = (
        "trial",
        "treatment_code",
        "n",
        "lsmean",
        "se",
        "is_control",
        "difference",
        "difference_pct",
        "se_difference",
        "t_value",
        "p_dunnett",
        "significant",
        "letters",
    )
    if len(out.tr_parts) == 1:  # one batch: its arrays as they are
        parts = {c: np.asarray(out.tr_parts[0][c]) for c in names}
    elif out.tr_parts:
        parts = {c: np.concatenate([p[c] for p in out.tr_parts]) for c in names}
    else:
        parts = {c: np.zeros(0) for c in names}
        parts["letters"] = np.zeros(0, dtype=object)
    trial_code = parts["trial"].astype(np.int64)
    t_code = parts["treatment_code"].astype(np.int64)
    sort_key = trial_code * max(len(coded.treatment_labels), 1) + t_code
    in_order = sort_key.size < 2 or bool(np.all(sort_key[1:] > sort_key[:-1]))
    order = slice(None) if in_order else np.lexsort((t_code, trial_code))
    trial_idx = trial_code[order]
    # key columns keep their dtypes (categorical, numeric, text)
    tcols: dict[str, Any] = {c: coded.keys[c].take(trial_idx).reset_index(drop=True) for c in by}
    tcols["treatment"] = pd.Series(coded.treatment_labels[t_code[order]], dtype=object)
    for col in PER_TREATMENT_COLUMNS[1:]:
        values = parts[col][order]
        if col == "is_control":
            values = values.astype(bool)
        elif col == "n":
            values = values.astype(np.int64)
        tcols[col] = pd.Series(values, dtype=object) if col == "letters" else values
    per_treatment = pd.DataFrame(tcols)
    codes = TableCodes(trial_idx, t_code[order], coded.treatment_labels)
    return per_trial, per_treatment, codes


# --------------------------------------------------------------------------- dask


def _is_dask(data: Any) -> bool:
    module = type(data).__module__
    return module.startswith("dask") and hasattr(data, "map_partitions")


def _dask_tables(
    ddf: Any, options: dict[str, Any], progress: Callable[[int, int], None] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map the engine over partitions that each hold whole trials."""
    try:
        import dask
    except ImportError as exc:  # pragma: no cover - dask present when a dask frame is
        raise MissingExtraError("dask", "dask", "analyze_many on a dask DataFrame") from exc
    by: list[str] = options["by"]
    treatment = options["treatment"]
    block = options.get("block")
    seen_cols = [*by, *([block] if block is not None else []), treatment]

    def positions(part: pd.DataFrame, partition_info: dict[str, Any] | None = None) -> Any:
        number = 0 if partition_info is None else int(partition_info["number"])
        rows = np.arange(len(part), dtype=np.int64) + (number << 40)
        return part[seen_cols].assign(_position=rows)

    first_seen = (
        ddf.map_partitions(
            positions, meta={**{c: ddf[c].dtype for c in seen_cols}, "_position": "int64"}
        )  # fmt: skip
        .dropna()
        .groupby(seen_cols)["_position"]
        .min()
    )

    def observed_positions(part: pd.DataFrame, partition_info: dict[str, Any] | None = None) -> Any:
        # each trial's first plot with a response, as the pandas copy check orders trials
        number = 0 if partition_info is None else int(partition_info["number"])
        rows = np.arange(len(part), dtype=np.int64) + (number << 40)
        keep = pd.to_numeric(part[options["response"]], errors="coerce").notna().to_numpy()
        return part.loc[keep, by].assign(_position=rows[keep])

    first_observed = (
        ddf.map_partitions(
            observed_positions, meta={**{c: ddf[c].dtype for c in by}, "_position": "int64"}
        )
        .groupby(by)["_position"]
        .min()
    )
    seen_positions, trial_positions, n_pairs, n_trials = dask.compute(
        first_seen,
        first_observed,
        ddf[[*by, treatment]].drop_duplicates().shape[0],
        ddf[by].drop_duplicates().shape[0],
    )
    # the pandas path's display order of the treatments (first appearance, or natural sort
    # when blocks list them in different orders), from each label's first row
    seen = seen_positions.sort_values(kind="stable").reset_index()
    group = seen.groupby(seen_cols[:-1], sort=False).ngroup().to_numpy(dtype=np.int64)
    _, display_levels = _treatment_codes(
        seen[treatment].reset_index(drop=True), group, options.get("treatment_order", ())
    )
    rank = {str(v): i for i, v in enumerate(display_levels)}
    sub_options = dict(options)
    if sub_options["dunnett_pvalues"] == "auto":
        comparisons = int(n_pairs) - int(n_trials) if options["control"] is not None else 0
        sub_options["dunnett_pvalues"] = "exact" if comparisons <= AUTO_DUNNETT_LIMIT else "none"
    shuffled = ddf.shuffle(on=by) if ddf.npartitions > 1 else ddf

    response = options["response"]

    def one(
        part: pd.DataFrame,
    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series | None] | None:
        if len(part) == 0:
            return None
        per_trial, per_treatment, _ = _tables(part, sub_options, None)
        # the copy check's signatures, from the partition already in memory (whole trials)
        signatures = _partition_signatures(part, by, response, treatment)
        if block is None:
            return per_trial, per_treatment, signatures, None
        # a treatment twice in a block, as the pandas path warns of it (tidy57)
        return (
            per_trial,
            per_treatment,
            signatures,
            _repeated_treatments(part, by, block, treatment, response),
        )

    parts = shuffled.to_delayed()
    jobs = [dask.delayed(one)(p) for p in parts]
    results = dask.compute(*jobs)
    done = [r for r in results if r is not None]
    if not done:
        raise DataValidationError("data has no rows; expected one row per plot.")
    per_trial = _pandas_key_dtypes(pd.concat([r[0] for r in done], ignore_index=True), by)
    per_treatment = _pandas_key_dtypes(pd.concat([r[1] for r in done], ignore_index=True), by)
    per_trial = per_trial.sort_values(by, kind="stable").reset_index(drop=True)
    per_treatment["_rank"] = per_treatment["treatment"].map(rank)
    per_treatment = (
        per_treatment.sort_values([*by, "_rank"], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )
    if progress is not None:
        progress(len(per_trial), len(per_trial))
    first = trial_positions.sort_values(kind="stable").reset_index()
    repeated = [r[3] for r in done if r[3] is not None and not r[3].empty]
    if repeated and block is not None:  # in the order of the data's trials, as pandas's
        counts = pd.concat(repeated)
        keys = first[by].itertuples(index=False)
        trial_order = {tuple(key): i for i, key in enumerate(keys)}
        last = len(trial_order)
        trial_rank = [trial_order.get(tuple(key[: len(by)]), last) for key in counts.index]
        counts = counts.iloc[np.argsort(trial_rank, kind="stable")]
        _warn_repeated_counts(counts, by, block, treatment)
    signatures = [r[2] for r in done if not r[2].empty]
    if signatures:  # the trials in the order of the data, as the pandas path names them
        order = [" / ".join(str(v) for v in key) for key in first[by].itertuples(index=False)]
        found = _copied_by_signature(pd.concat(signatures, ignore_index=True), order)
        _warn_copies(found, by, response)
    return per_trial, per_treatment


def _pandas_key_dtypes(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Give text key columns pandas' default string dtype (``str``, NaN as missing).

    dask turns text columns into ``StringDtype(na_value=pd.NA)``; the pandas path keeps
    pandas' own ``str`` dtype, so the two results would differ only in that dtype.  Trial
    keys are never missing (a blank key raises), so the cast changes no value.
    """
    cast = {}
    for c in by:
        dtype = frame[c].dtype
        if isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA:
            cast[c] = "str"
    return frame.astype(cast) if cast else frame
