"""One trial's statistics from its plot yields and design columns: the glue under FieldTrial.

:class:`~yieldtrial.trial.FieldTrial` delegates each statistics method to one function here,
passing plain values: the yields table, the design columns
(:func:`yieldtrial.design.resolve.design_columns`), the display order of the treatments and
the control(s).  Each function picks the public function of :mod:`yieldtrial.stats` that
fits the design (one treatment factor: :func:`~yieldtrial.stats.compare.compare_to_control`
and friends on the plots; two factors: the LS-means of the stratum that carries the
comparison, :func:`~yieldtrial.stats.compare.compare_means_to_control` and friends) and
returns its result unchanged.

Data preparation: :func:`single_trial_data` refuses pooled sites and treatments without an
observed yield; :func:`analysis_data` turns factor columns into text labels;
:func:`in_display_order` makes ``treatment`` categorical in the display order.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io._factorize import as_text
from yieldtrial.io._guard import held_warnings
from yieldtrial.io.entry_types import augmented_checks
from yieldtrial.io.validation import MAX_LISTED, as_labels, check_augmented_control, list_items

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.stats.anova_tables import AnovaResult
    from yieldtrial.stats.augmented import AugmentedAnova
    from yieldtrial.stats.factorial import FactorialAnova
    from yieldtrial.stats.mixed import MixedModelFit
    from yieldtrial.stats.residual_checks import Diagnostics
    from yieldtrial.stats.results import MeansModel
    from yieldtrial.stats.splitplot import StrataAnova

__all__ = [
    "RESPONSE",
    "analysis_data",
    "analysis_model",
    "compare_to_control",
    "control_kind",
    "design_df_error",
    "diagnostics",
    "in_display_order",
    "means",
    "means_model",
    "model_fit",
    "pairwise",
    "single_trial_data",
    "suspect_plots",
    "trial_anova",
]

#: The response column every single-trial analysis uses. [kg/ha]
RESPONSE = "yield_kg_ha"

# keyword names of the two factors in the two-factor ANOVA functions, in design order
_FACTOR_KEYWORDS: dict[str, tuple[str, str]] = {
    "split_plot": ("whole_plot", "sub_plot"),
    "strip_plot": ("horizontal", "vertical"),
    "factorial": ("factor_a", "factor_b"),
}


def _two_factors(columns: Mapping[str, Any]) -> bool:
    """Whether the design columns are those of a two-factor design (two factor columns)."""
    return len(columns["factors"]) == 2


#: Designs always analysed as mixed models by REML (incomplete blocks random).
_MIXED_MODEL_DESIGNS: tuple[str, ...] = ("alpha", "row_column")


# --- data -------------------------------------------------------------------------------


def no_observed_yield_message(n_plots: int) -> str:
    """Return the error of a table none of whose ``n_plots`` plots has a yield (a field book).

    ``report`` and ``network`` say the same of a field book fed back before the harvest.

    Examples
    --------
    >>> no_observed_yield_message(9)[:44]
    'no plot has an observed yield: all 9 plots a'
    """
    return (
        f"no plot has an observed yield: all {n_plots:,} plots are missing (every fresh "
        "mass or yield cell is empty), so there is nothing to analyse. Is this the field "
        "book before the harvest? Fill in the harvest data (fresh mass and moisture, or a "
        "yield) and run again"
    )


def single_trial_data(
    yields: pd.DataFrame,
    *,
    sites: Sequence[str],
    treatment_order: Sequence[str],
    response: str = RESPONSE,
) -> pd.DataFrame:
    """Check that a yields table is one trial with a yield for every treatment.

    Every single-trial statistic (ANOVA, LS-means, comparisons, letters,
    diagnostics, replication) reads its data through here.

    Parameters
    ----------
    yields : DataFrame
        The trial's yields (``FieldTrial.yields()``).
    sites : sequence of str
        The sites of the plot table (empty without a ``site`` column).
    treatment_order : sequence of str
        The treatments.
    response : str
        Response column.

    Returns
    -------
    DataFrame
        ``yields`` itself.

    Raises
    ------
    DataValidationError
        Several sites (a single-trial analysis would pool them), or a treatment whose
        plots are all missing.
    """
    if len(sites) > 1:
        shown = list_items((repr(s) for s in sites), limit=10)
        raise DataValidationError(
            f"the plot table holds {len(sites)} sites ({shown}) in its site column; a "
            "single-trial analysis would pool them (block '1' of every site merged into one "
            f"block). Analyse one site with trial.site({sites[0]!r}), or every site with "
            "trial.analyze_sites(by='site') (command line: yieldtrial network PLOTS --by "
            "site, or keep one site's rows in the file); when every site has one plot per "
            "treatment (an on-farm demonstration network), that across-site analysis pools "
            "the sites as the blocks of an RCBD and tests the treatments against the check "
            "(see docs/networks.md)"
        )
    observed = yields[response].notna()
    counts = observed.groupby(as_text(yields["treatment"]), observed=True).sum()
    empty = [t for t in treatment_order if counts.get(t, 0) == 0]
    if empty and not observed.any():
        raise DataValidationError(no_observed_yield_message(len(yields)))
    if empty:
        parts = []
        # the first few only: a field book filled in for 3 of its 50 plots named all 22
        # empty treatments with their plots, a line of some 900 characters
        for t in empty[:MAX_LISTED]:
            ids = yields.loc[yields["treatment"].astype(str) == t, "plot_id"]
            shown = list_items(repr(str(i)) for i in ids)
            parts.append(f"{t!r} (plots {shown})")
        more = f" and {len(empty) - MAX_LISTED:,} more" if len(empty) > MAX_LISTED else ""
        many = len(empty) > 1
        raise DataValidationError(
            f"treatment{'s' if many else ''} {'; '.join(parts)}{more} "
            f"{'have' if many else 'has'} no observed yield: every plot is missing (empty "
            "mass or yield), so no mean can be estimated and the trial cannot be analysed "
            f"with {'them' if many else 'it'}. Delete {'their' if many else 'its'} rows from "
            "the plot table (and from the control and treatment list) to analyse the other "
            "treatments, or fill in the harvest data"
        )
    return yields


def in_display_order(data: pd.DataFrame, treatment_order: Sequence[str]) -> pd.DataFrame:
    """Make ``treatment`` categorical in the display order (in place; returns ``data``).

    A text or integer column without missing values is coded through its distinct labels
    (hash factorization, each distinct label turned into text once): the same categorical
    as ``pd.Categorical(data["treatment"].astype(str), categories=treatment_order)``,
    without a Python string per plot (5.9 million plots: about 0.1 s instead of 0.6 s and
    no 400 MB object array).
    """
    import numpy as np

    from yieldtrial.stats._common import factorize_labels, factorizes_like_text

    values = data["treatment"]
    categories = list(treatment_order)
    if len(values) and factorizes_like_text(values) and not values.isna().any():
        codes, uniques = factorize_labels(values)
        position = {label: i for i, label in enumerate(categories)}
        remap = np.array([position.get(str(u), -1) for u in uniques], dtype=np.int64)
        if remap.size and remap.min() >= 0:  # (a label outside the order: pandas' own route)
            dtype = pd.CategoricalDtype(categories)
            data["treatment"] = pd.Categorical.from_codes(remap[codes], dtype=dtype)
            return data
    data["treatment"] = pd.Categorical(values.astype(str), categories=categories)
    return data


def analysis_data(
    data: pd.DataFrame,
    *,
    factors: Sequence[str],
    columns: Mapping[str, Any],
    treatment_order: Sequence[str],
) -> pd.DataFrame:
    """Return ``data`` with the factor columns as text labels (``60.0`` -> ``"60"``).

    Parameters
    ----------
    data : DataFrame
        One trial's yields (see :func:`single_trial_data`); modified in place.
    factors : sequence of str
        The factor columns as given to the trial (empty for one-factor designs).
    columns : mapping
        Design columns (:func:`yieldtrial.design.resolve.design_columns`).
    treatment_order : sequence of str
        Display order; applied to ``treatment`` when it is one of the two factors.

    Returns
    -------
    DataFrame
        ``data``.
    """
    for name in factors:
        values = data[name]
        if not (pd.api.types.is_string_dtype(values) or values.isna().any()):
            data[name] = pd.Series(as_labels(values.tolist()), index=data.index, dtype=object)
    if "treatment" in columns["factors"] and factors:
        # treatment is one of the two factors: its levels in display order
        in_display_order(data, treatment_order)
    return data


def _cell_column(data: pd.DataFrame, columns: Mapping[str, Any], sep: str) -> str:
    """Add a column of the two factors' combinations; return its name."""
    first, second = columns["factors"]
    name = "_cell" if sep == " x " else f"{first}:{second}"
    data[name] = data[first].astype(str) + sep + data[second].astype(str)
    return name


# --- the design model --------------------------------------------------------------------


def design_df_error(
    data: pd.DataFrame, *, columns: Mapping[str, Any], response: str = RESPONSE
) -> int:
    """Error df of the trial's design model (observed plots minus model rank).

    Two-factor designs: every factor combination as a treatment, plus blocks.

    Parameters
    ----------
    data : DataFrame
        Analysis data (:func:`analysis_data`).
    columns : mapping
        Design columns.
    response : str
        Response column.

    Returns
    -------
    int
        ``df_error`` of :func:`yieldtrial.stats.model.fit`.
    """
    from yieldtrial.stats.model import fit

    counted = _counted_df_error(data, columns=columns, response=response)
    if counted is not None:
        return counted
    design = columns["design"]
    if design in (*_MIXED_MODEL_DESIGNS, "augmented"):
        data, args = _intra_block_model(data, columns)
        try:
            model = fit(data, response=response, **args)
        except DataValidationError as exc:
            # The intra-block model (every blocking term fixed) can lose connectedness with
            # a few missing plots while the mixed model, whose incomplete blocks (rows,
            # columns) are random, still estimates every treatment: count its residual df.
            # So does an augmented trial with random blocks and a block without a check:
            # the model fitted (REML) estimates that block's entries through the block
            # variance (Patterson and Thompson 1971), unadjusted (stop 46).
            random_blocks = columns.get("block_effects") == "random"
            if design == "augmented" and not random_blocks and "is not estimable" in str(exc):
                _raise_unlinked_block(data, response)  # the block and the fixes (stop 45)
            mixed = design in _MIXED_MODEL_DESIGNS or random_blocks
            if not mixed or "is not estimable" not in str(exc):
                raise
            return _residual_df(data, args, response)
    elif _two_factors(columns):
        cell = _cell_column(data, columns, " x ")
        model = fit(data, response=response, treatment=cell, block=columns["block"],
                    design="crd" if columns["block"] is None else "rcbd")  # fmt: skip
    else:
        model = fit(data, response=response, treatment="treatment", block=columns["block"],
                    design=design, row=columns["row"], column=columns["column"])  # fmt: skip
    return int(model.df_error)


def unadjusted_entry_messages(
    data: pd.DataFrame, *, columns: Mapping[str, Any], response: str = RESPONSE
) -> list[str]:
    """Return the lines of an augmented trial with random blocks whose entries are unadjusted.

    Empty for other trials (see :func:`yieldtrial.stats.augmented.unadjusted_entry_messages`).
    """
    if columns["design"] != "augmented" or columns.get("block_effects") != "random":
        return []
    from yieldtrial.stats.augmented import unadjusted_entry_messages as messages

    checks = augmented_checks(data)[0] if "entry_type" in data.columns else None
    return messages(data, response=response, treatment="treatment", block="block", checks=checks)


def _raise_unlinked_block(data: pd.DataFrame, response: str) -> None:
    """Raise the augmented analysis's error for a block its checks do not reach, if any."""
    from yieldtrial.stats.augmented import check_linked_blocks

    checks = augmented_checks(data)[0] if "entry_type" in data.columns else None
    check_linked_blocks(
        data, response=response, treatment="treatment", block="block", checks=checks
    )


def _counted_df_error(
    data: pd.DataFrame, *, columns: Mapping[str, Any], response: str
) -> int | None:
    """Error df of a complete CRD or complete, balanced RCBD by counting; None otherwise.

    Every plot observed (a finite float response), text or integer labels without
    blanks, and for an RCBD every treatment x block cell holding the same number of
    plots: then :func:`yieldtrial.stats.model.fit` finds no problem to report and its
    error df is ``n - t`` (CRD) or ``n - t - b + 1`` (RCBD; the closed-form fit, rank
    ``t + b - 1``), which is returned without hashing the columns for the fit cache or
    fitting (5.9 million plots: a second instead of several).  Any other table (missing
    plots, unequal cells, other designs, numbers as labels) returns None and is fitted.
    """
    import numpy as np

    from yieldtrial.stats._common import factorize_labels
    from yieldtrial.stats._common import factorizes_like_text as _factorizes_like_text

    design = columns["design"]
    if design not in ("crd", "rcbd") or _two_factors(columns):
        return None
    names = ["treatment"] + ([columns["block"]] if design == "rcbd" else [])
    if design == "rcbd" and columns["block"] is None:
        return None
    if len({response, *names}) != len(names) + 1 or len(data) == 0:
        return None
    if any(name not in data.columns for name in (response, *names)):
        return None
    y = data[response]
    if y.dtype != np.float64 or not np.isfinite(y.to_numpy()).all():
        return None
    codes: list[tuple[Any, Any]] = []
    for name in names:
        labels = data[str(name)]
        if not _factorizes_like_text(labels) or labels.isna().any():
            return None
        codes.append(factorize_labels(labels))
    n, t = len(data), len(codes[0][1])
    if design == "crd":
        return n - t
    b = len(codes[1][1])
    # the cell of each plot, formed in place in the treatment codes (fresh, used only here)
    cell = codes[0][0].astype(np.int64, copy=False)
    cell *= b
    cell += codes[1][0]
    cells = np.bincount(cell, minlength=t * b)
    if cells[0] == 0 or (cells != cells[0]).any():
        return None  # an empty or unequal cell: the fit decides (and words any problem)
    return n - t - b + 1


def _residual_df(data: pd.DataFrame, args: Mapping[str, Any], response: str) -> int:
    """Observed plots minus the rank of an additive model of the columns named in ``args``."""
    import numpy as np

    names = [args[key] for key in ("treatment", "block", "row", "column") if args.get(key)]
    observed = data[pd.to_numeric(data[response], errors="coerce").notna()]
    dummies = pd.get_dummies(observed[names].astype(str), drop_first=True, dtype=float)
    x = np.column_stack([np.ones(len(observed)), dummies.to_numpy()])
    return int(len(observed) - np.linalg.matrix_rank(x))


def analysis_model(
    data: pd.DataFrame, *, columns: Mapping[str, Any], response: str = RESPONSE
) -> str:
    """Return the model family that analyses a trial.

    Parameters
    ----------
    data : DataFrame
        Analysis data (:func:`analysis_data`).
    columns : mapping
        Design columns (``block_effects`` read when present).
    response : str
        Response column.

    Returns
    -------
    str
        ``"fixed"`` (CRD, RCBD, Latin square by least squares), ``"factorial"``,
        ``"strata"`` (a complete split or strip plot), ``"mixed"`` (REML: alpha and
        row-column designs, ``block_effects="random"``, split/strip plots with missing
        plots) or ``"augmented"`` (Federer's analysis).
    """
    design, effects = str(columns["design"]), columns.get("block_effects")
    if design in _MIXED_MODEL_DESIGNS:
        return "mixed"
    if design == "augmented":
        return "mixed" if effects == "random" else "augmented"
    if design in ("rcbd", "latin"):
        return "mixed" if effects == "random" else "fixed"
    if design in ("split_plot", "strip_plot"):
        if effects == "random" or plots_missing(data, columns=columns, response=response):
            return "mixed"
        return "strata"
    return "fixed" if design == "crd" else "factorial"


def plots_missing(
    data: pd.DataFrame, *, columns: Mapping[str, Any], response: str = RESPONSE
) -> bool:
    """Tell whether a split/strip plot lacks an observed plot of some block x A x B cell."""
    first, second = columns["factors"]
    full = data["block"].nunique() * data[first].nunique() * data[second].nunique()
    observed = data.loc[data[response].notna(), ["block", first, second]]
    return len(observed.drop_duplicates()) < full


def _own_model(data: pd.DataFrame, columns: Mapping[str, Any], response: str) -> bool:
    return analysis_model(data, columns=columns, response=response) in ("mixed", "augmented")


def model_fit(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, Any],
    alpha: float = 0.05,
    response: str = RESPONSE,
) -> MixedModelFit | AugmentedAnova:
    """Fit the REML mixed model or the augmented-design analysis of a trial.

    Parameters
    ----------
    data : DataFrame
        Analysis data (:func:`analysis_data`; ``treatment`` categorical in display order
        for the LS-means order).
    columns : mapping
        Design columns.
    alpha : float
        Level of the SED table's LSD column.
    response : str
        Response column.

    Returns
    -------
    MixedModelFit or AugmentedAnova
        :func:`yieldtrial.stats.mixed.mixed_model` (``design="rcbd"`` for an augmented
        trial with random blocks: the RCBD model fitted, its ``design`` and provenance
        ``"augmented"``) or :func:`yieldtrial.stats.augmented.augmented_anova`.
    """
    from yieldtrial.stats.model import cached_fit, fit_key

    args = (
        "model_fit",
        repr(sorted((str(k), repr(v)) for k, v in columns.items())),
        alpha,
        response,
    )
    key = fit_key(data, list(data.columns), args)
    return cached_fit(
        _model_fit_cache, _MODEL_FIT_CACHE_SIZE, key,
        lambda: _model_fit(data, columns=columns, alpha=alpha, response=response),
    )  # fmt: skip


#: REML and augmented fits kept by :func:`model_fit`: a report asks for the same model for
#: the ANOVA, the means, the comparisons and the letters (a 1,000-entry alpha-lattice: four
#: REML fits of about 10 s each before).  Keyed on the content of the analysis data (as
#: :func:`yieldtrial.stats.model.fit`'s cache), the design columns, alpha and the response;
#: the fits are frozen dataclasses and are not modified by their users.
_MODEL_FIT_CACHE_SIZE = 4
_model_fit_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


def _model_fit(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, Any],
    alpha: float,
    response: str,
) -> MixedModelFit | AugmentedAnova:
    """:func:`model_fit` without the cache."""
    import warnings

    from yieldtrial.stats.augmented import augmented_anova

    design = str(columns["design"])
    if analysis_model(data, columns=columns, response=response) == "augmented":
        # the checks an entry_type column marks (a p-rep trial's replicated entries are
        # entries, stop 44); without one, augmented_anova's own rule (n > 1)
        checks = augmented_checks(data)[0] if "entry_type" in data.columns else None
        return augmented_anova(
            data,
            response=response,
            treatment="treatment",
            block="block",
            checks=checks,
            alpha=alpha,
        )

    from yieldtrial.errors import YieldTrialWarning
    from yieldtrial.stats.mixed import POOLED_STRATUM_MESSAGE

    with held_warnings():
        # said by FieldTrial.anova on every call (this fit is cached: a warning here would
        # reach only the first of the ANOVA, means and comparisons that share it)
        warnings.filterwarnings("ignore", POOLED_STRATUM_MESSAGE, YieldTrialWarning)
        fit = _mixed_model_fit(data, columns=columns, alpha=alpha, response=response)
    return _as_augmented(fit) if design == "augmented" else fit


def _mixed_model_fit(
    data: pd.DataFrame, *, columns: Mapping[str, Any], alpha: float, response: str
) -> MixedModelFit:
    """:func:`yieldtrial.stats.mixed.mixed_model` of the trial's design and columns."""
    from yieldtrial.stats.mixed import mixed_model

    design = str(columns["design"])
    named: dict[str, str] = {"treatment": "treatment"}
    if _two_factors(columns):
        first, second = columns["factors"]
        names = _FACTOR_KEYWORDS[design]
        named = {names[0]: first, names[1]: second}
    return mixed_model(
        data,
        response=response,
        design="rcbd" if design == "augmented" else design,
        block=columns["block"],
        incomplete_block=columns.get("incomplete_block"),
        row=columns["row"],
        column=columns["column"],
        blocks=columns.get("block_effects"),
        alpha=alpha,
        ddf=columns.get("ddf") or "satterthwaite",
        **named,
    )


def _as_augmented(fit: MixedModelFit) -> MixedModelFit:
    """Return the random-block fit of an augmented trial labelled with the trial's design.

    The model fitted is the RCBD model with random blocks (its formula says so); the
    design recorded in the fit, its provenance and the provenance of its tables (and so
    of every result built on it, the report's JSON included) is the trial's: augmented.
    """
    import dataclasses

    provenance = fit.provenance.replace(design="augmented")
    tables = {}
    for name in ("table", "variance_components"):
        frame = getattr(fit, name).copy()
        frame.attrs = {**frame.attrs, "provenance": provenance.to_dict()}
        tables[name] = frame
    return dataclasses.replace(fit, design="augmented", provenance=provenance, **tables)


#: Words of the error :func:`diagnostics` raises when the incomplete blocks (rows and
#: columns) of an alpha or row-column trial do not connect its treatments; the report
#: lists that error as a warning.
DISCONNECTED_BLOCKS = "do not connect the treatments"


def disconnected_groups(
    data: pd.DataFrame, columns: Mapping[str, Any], response: str = RESPONSE
) -> list[list[str]]:
    """Return the groups of treatments the incomplete blocks (rows, columns) do not connect.

    Two treatments are connected when they share an incomplete block (alpha:
    ``block:incomplete_block``; row-column: ``block:row`` or ``block:column``) among the
    observed plots, directly or through other treatments.  One group means a connected
    layout; several mean that, with every blocking factor fixed, treatments of different
    groups cannot be compared (for the row-column design connection is necessary, not
    sufficient, for that).

    Parameters
    ----------
    data : DataFrame
        Analysis data.
    columns : mapping
        Design columns (``alpha`` or ``row_column``; other designs give one group).
    response : str
        Response column (plots without a value do not connect).

    Returns
    -------
    list of list of str
        The treatments of each group, largest group first.
    """
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    keys = {
        "alpha": [["block", "incomplete_block"]],
        "row_column": [["block", "row"], ["block", "column"]],
    }.get(str(columns["design"]))
    observed = data[data[response].notna()] if response in data else data
    codes, uniques = pd.factorize(observed["treatment"].astype(str))
    labels = [str(t) for t in uniques]
    if keys is None or len(labels) < 2:
        return [labels]
    # a graph of treatments and incomplete blocks (rows, columns): a plot joins the two
    rows, cols, offset = [], [], len(labels)
    for key in keys:
        groups = observed.groupby([observed[k] for k in key], sort=False, dropna=False)
        blocks = groups.ngroup().to_numpy()
        rows.append(codes)
        cols.append(offset + blocks)
        offset += int(blocks.max()) + 1
    edges = np.ones(sum(len(r) for r in rows))
    graph = coo_matrix((edges, (np.concatenate(rows), np.concatenate(cols))), (offset, offset))
    _, component = connected_components(graph, directed=False)
    found: dict[int, list[str]] = {}
    for number, label in enumerate(labels):
        found.setdefault(int(component[number]), []).append(label)
    return sorted(found.values(), key=len, reverse=True)


def _refuse_disconnected_blocks(
    data: pd.DataFrame, columns: Mapping[str, Any], response: str
) -> None:
    """Refuse the residual checks of a trial whose incomplete blocks do not connect it.

    Stop 40 attacked an alpha-lattice whose replicates repeat the same incomplete blocks:
    the report came out without residual checks and without a word why, and its
    comparisons of treatments never in one incomplete block rested on the inter-block
    information alone.  The error says both (the report lists it as a warning: its text
    holds :data:`DISCONNECTED_BLOCKS`); the residual checks are made on the model with
    fixed incomplete blocks, which cannot compare those treatments.
    """
    groups = disconnected_groups(data, columns, response)
    if len(groups) < 2:
        return
    alpha = columns["design"] == "alpha"
    blocks = "incomplete blocks" if alpha else "rows and columns"
    shown = "; ".join(list_items(repr(t) for t in group) for group in groups[:3])
    more = f"; and {len(groups) - 3} more" if len(groups) > 3 else ""
    message = (
        f"the {blocks} within the replicates {DISCONNECTED_BLOCKS}: {len(groups)} "
        f"groups never share {'an incomplete block' if alpha else 'a row or column'}, "
        f"directly or through other treatments ({shown}{more}); the mixed model compares "
        f"treatments of different groups through the {blocks}' totals alone (the "
        f"inter-block information, resting on their estimated variance), and the residual "
        f"checks, made with the {blocks} fixed, cannot be run. Check the "
        f"{'incomplete_block' if alpha else 'row and column'} column"
        f"{'' if alpha else 's'} (numbered within each replicate) against the field book"
    )
    raise DataValidationError(message)


def _intra_block_model(
    data: pd.DataFrame, columns: Mapping[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Return data and design arguments of the fixed-effects version of the design.

    Every blocking factor fixed: alpha, ``block:incomplete_block``; row-column,
    ``block:row`` and ``block:column``; RCBD, Latin square and augmented designs their
    usual fixed model.  Its residuals are what :func:`diagnostics` checks and its residual
    df what :func:`design_df_error` returns.
    """
    design = columns["design"]

    def join(*names: str) -> pd.Series:
        out = data[names[0]].astype(str)
        for name in names[1:]:
            out = out + ":" + data[name].astype(str)
        return out

    if design == "alpha":
        data["_block"] = join("block", "incomplete_block")
        return data, {"treatment": "treatment", "block": "_block", "design": "rcbd"}
    if design in ("row_column", "latin"):
        if design == "row_column":
            data["_row"], data["_column"] = join("block", "row"), join("block", "column")
        row, column = ("_row", "_column") if design == "row_column" else ("row", "column")
        return data, {"treatment": "treatment", "row": row, "column": column, "design": "latin"}
    return data, {"treatment": "treatment", "block": "block", "design": "rcbd"}


def trial_anova(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, Any],
    alpha: float = 0.05,
    response: str = RESPONSE,
    treatment_order: Sequence[str] | None = None,
) -> AnovaResult | StrataAnova | FactorialAnova | MixedModelFit | AugmentedAnova:
    """ANOVA of one trial in its design: :func:`yieldtrial.stats.anova_tables.anova`.

    Designs with their own model (see :func:`analysis_model`) get :func:`model_fit`; a
    one-factor one has its treatments in ``treatment_order`` (as :func:`means_model`), so
    that its F test is the one of the LS-means (the Satterthwaite df of a multi-df F test
    depend on which level is first: lmerTest's type III basis, every level against the
    first).

    Parameters
    ----------
    data : DataFrame
        Analysis data (:func:`analysis_data`).
    columns : mapping
        Design columns.
    alpha : float
        Significance level of the LSD (or of the SED table, or the interaction flag).
    response : str
        Response column.
    treatment_order : sequence of str, optional
        Display order of the treatments (the level order of a one-factor mixed model; the
        order of first appearance in ``data`` when not given).

    Returns
    -------
    AnovaResult or StrataAnova or FactorialAnova or MixedModelFit or AugmentedAnova
        See :meth:`yieldtrial.trial.FieldTrial.anova`.
    """
    from yieldtrial.stats.anova_tables import anova

    if _own_model(data, columns, response):
        if treatment_order is not None and not _two_factors(columns):
            data = in_display_order(data, treatment_order)
        return model_fit(data, columns=columns, alpha=alpha, response=response)
    design = columns["design"]
    if _two_factors(columns):
        first, second = columns["factors"]
        names = _FACTOR_KEYWORDS[design]
        return anova(
            data,
            response=response,
            block=columns["block"],
            design=design,
            alpha=alpha,
            **{names[0]: first, names[1]: second},
        )
    return anova(
        data,
        response=response,
        treatment="treatment",
        block=columns["block"],
        design=design,
        row=columns["row"],
        column=columns["column"],
        alpha=alpha,
    )


def means_model(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, Any],
    treatment_order: Sequence[str],
    kind: str | None = None,
    at: str | None = None,
    response: str = RESPONSE,
) -> MeansModel:
    """LS-means of one factor with the covariance and df of the right error term.

    Parameters
    ----------
    data : DataFrame
        Analysis data (:func:`analysis_data`).
    columns : mapping
        Design columns.
    treatment_order : sequence of str
        Display order of the treatments (the order of one-factor LS-means).
    kind, at : str, optional
        See :meth:`yieldtrial.trial.FieldTrial.means_model`.
    response : str
        Response column.

    Returns
    -------
    MeansModel
        Estimates, covariance, error df, error term, design and formula.

    Raises
    ------
    DataValidationError
        Unknown kind or level; ``kind`` needed but not given.

    Notes
    -----
    Designs with their own model (:func:`analysis_model`: REML, augmented) give the
    LS-means of :func:`model_fit`.
    """
    from yieldtrial.stats.factorial import FactorialAnova
    from yieldtrial.stats.mixed import MixedModelFit
    from yieldtrial.stats.model import fit
    from yieldtrial.stats.splitplot import StrataAnova

    design = columns["design"]
    if not _two_factors(columns):
        if kind is not None and (not isinstance(kind, str) or kind != "treatment"):
            raise DataValidationError(
                f"the {design!r} design has one treatment factor; means_model() takes "
                f"kind=None or 'treatment', got {kind!r}"
            )
        if at is not None:
            raise DataValidationError(f"at= applies to two-factor designs, not {design!r}")
        if _own_model(data, columns, response):
            ordered = in_display_order(data, treatment_order)
            return model_fit(ordered, columns=columns, response=response).means_model()
        return fit(
            in_display_order(data, treatment_order),
            response=response,
            treatment="treatment",
            block=columns["block"],
            design=design,
            row=columns["row"],
            column=columns["column"],
        ).means_model()
    first, second = columns["factors"]
    result = trial_anova(data, columns=columns, response=response)
    if isinstance(result, FactorialAnova):
        choices: tuple[str, ...] = (first, second, result.interaction, "cells")
    elif isinstance(result, StrataAnova | MixedModelFit):
        choices = (*result.comparisons, first, second, "cells")
    else:  # pragma: no cover - anova() of a two-factor design is one of the two
        raise TypeError(f"unexpected ANOVA result {type(result).__name__}")
    if kind is None:
        if "treatment" not in (first, second):
            raise DataValidationError(
                f"a {design!r} trial has two factors ({first}, {second}); pass "
                f"kind=<one of {', '.join(choices)}>"
            )
        kind = "treatment"
    if kind not in choices:
        raise DataValidationError(
            f"unknown kind {kind!r} for this {design!r} trial; expected one of {', '.join(choices)}"
        )
    if isinstance(result, FactorialAnova):
        return result.means_model(result.interaction if kind == "cells" else kind, at=at)
    if kind in (first, second):
        main = result.comparisons[:2]  # whole_plot/sub_plot or horizontal/vertical
        kind = main[0] if kind == first else main[1]
    return result.means_model(kind, at=at)


def diagnostics(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, Any],
    response: str = RESPONSE,
    **options: Any,
) -> Diagnostics:
    """Check the residuals of the trial's design model (:mod:`~yieldtrial.stats.residual_checks`).

    A split plot or strip plot is checked on its innermost stratum; a factorial on the
    residuals of its full model (every A x B combination, plus blocks).  Designs analysed
    by REML or as augmented designs are checked on the residuals of their intra-block
    model (every blocking factor fixed); a split or strip plot with missing plots on the
    innermost-stratum residuals of its stratum model fitted by least squares to the
    observed plots (see :func:`~yieldtrial.stats.residual_checks.diagnostics`).

    Parameters
    ----------
    data : DataFrame
        Analysis data (:func:`analysis_data`).
    columns : mapping
        Design columns.
    response : str
        Response column.
    **options
        Passed on (``cv_warn_pct``, ``cv_strong_pct``, ``plot_id``, ...).

    Returns
    -------
    Diagnostics
        Normality (Shapiro-Wilk; D'Agostino-Pearson above 5,000 residuals), Brown-Forsythe,
        outliers, CV flag and warnings.
    """
    from yieldtrial.stats.residual_checks import diagnostics as check

    design = columns["design"]
    if not _two_factors(columns) and _own_model(data, columns, response):
        # an augmented design with fixed blocks is analysed on this very model (Federer):
        # its tests use these df, so no "the mixed model's tests use their own df"
        mixed = analysis_model(data, columns=columns, response=response) == "mixed"
        if design in _MIXED_MODEL_DESIGNS:
            _refuse_disconnected_blocks(data, columns, response)
        data, args = _intra_block_model(data, columns)
        return check(data, response=response, intra_block=mixed, **args, **options)
    if design in ("split_plot", "strip_plot"):
        first, second = columns["factors"]
        names = _FACTOR_KEYWORDS[design]
        return check(
            data,
            response=response,
            block=columns["block"],
            design=design,
            **{names[0]: first, names[1]: second},
            **options,
        )
    if design == "factorial":
        cell = _cell_column(data, columns, ":")
        block = columns["block"]
        return check(
            data,
            response=response,
            treatment=cell,
            block=block,
            design="crd" if block is None else "rcbd",
            **options,
        )
    latin = {"row": columns["row"], "column": columns["column"]} if design == "latin" else {}
    return check(
        data,
        response=response,
        treatment="treatment",
        block=columns["block"],
        design=design,
        **latin,
        **options,
    )


def suspect_plots(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, Any],
    response: str = RESPONSE,
    raw: str | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Screen the trial's plots (see :func:`yieldtrial.stats.screening.suspect_plots`).

    The outlier test uses the model :func:`diagnostics` checks: CRD, RCBD, Latin square
    as fitted; a factorial's full cell model; a split or strip plot's full stratum model
    (missing plots allowed); designs analysed by REML or as augmented designs their
    intra-block model (every blocking factor fixed).

    Parameters
    ----------
    data : DataFrame
        Analysis data (:func:`analysis_data`).
    columns : mapping
        Design columns.
    response : str
        Response column.
    raw : str, optional
        Column of the values as typed (default the fresh mass).
    **options
        ``alpha``, ``robust_limit``, ``pattern_limit``.

    Returns
    -------
    DataFrame
        One row per finding (:data:`yieldtrial.stats.screening.SUSPECT_COLUMNS`).
    """
    from yieldtrial.stats.screening import suspect_plots as screen

    design = columns["design"]
    options = {"response": response, "raw": raw, **options}
    if design in ("split_plot", "strip_plot"):
        first, second = columns["factors"]
        names = _FACTOR_KEYWORDS[design]
        return screen(
            data, block=columns["block"], design=design, **{names[0]: first, names[1]: second},
            **options,
        )  # fmt: skip
    if design == "factorial":
        cell = _cell_column(data, columns, ":")
        block = columns["block"]
        return screen(data, treatment=cell, block=block,
                      design="crd" if block is None else "rcbd", **options)  # fmt: skip
    if _own_model(data, columns, response):
        data, args = _intra_block_model(data, columns)
        return screen(data, **args, **options)
    return screen(
        data, treatment="treatment", block=columns["block"], design=design, row=columns["row"],
        column=columns["column"], **options,
    )  # fmt: skip


# --- comparisons and means tables ----------------------------------------------------------


def _by_model(
    data: pd.DataFrame,
    columns: Mapping[str, Any],
    kind: str | None,
    at: str | None,
    response: str = RESPONSE,
) -> bool:
    """Whether the comparison goes through a MeansModel (two factors, kind/at, own model)."""
    return (
        kind is not None
        or at is not None
        or _two_factors(columns)
        or _own_model(data, columns, response)
    )


def _block(columns: Mapping[str, Any]) -> str | None:
    """Block column of the one-factor comparison functions (an RCBD's only)."""
    return "block" if columns["design"] == "rcbd" else None


def _model_and_controls(
    data: pd.DataFrame,
    columns: Mapping[str, Any],
    treatment_order: Sequence[str],
    trial_control: Sequence[str],
    kind: str | None,
    at: str | None,
    control: str | Sequence[str] | None,
    response: str,
) -> tuple[MeansModel, tuple[str, ...]]:
    """MeansModel of ``kind`` and the controls that apply to it (given, else the trial's).

    A control given for an augmented trial must be one of its checks
    (:func:`yieldtrial.io.validation.check_augmented_control`).
    """
    if control is not None and columns["design"] == "augmented":
        check_augmented_control(control, *augmented_checks(data))
    wanted = trial_control if control is None else as_labels(control)
    kind = control_kind(data, columns, wanted, kind)
    mm = means_model(
        data, columns=columns, treatment_order=treatment_order, kind=kind, at=at, response=response
    )
    if control is not None:
        return mm, as_labels(control)
    if mm.factor == "treatment":
        return mm, tuple(trial_control)
    return mm, tuple(c for c in trial_control if c in mm.levels)  # a factor's level


def control_kind(
    data: pd.DataFrame,
    columns: Mapping[str, Any],
    trial_control: Sequence[str],
    kind: str | None,
) -> str | None:
    """``kind``, or the factor whose levels hold the trial's control(s) (two-factor designs)."""
    if kind is not None or not trial_control or not _two_factors(columns):
        return kind
    factors = tuple(columns["factors"])
    if "treatment" in factors:
        return kind
    for name in factors:
        if name in data and set(trial_control) <= set(data[name].dropna().astype(str)):
            return str(name)
    return kind


def compare_to_control(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, Any],
    treatment_order: Sequence[str],
    trial_control: Sequence[str],
    control: str | Sequence[str] | None = None,
    kind: str | None = None,
    at: str | None = None,
    response: str = RESPONSE,
    **options: Any,
) -> pd.DataFrame:
    """Compare each treatment's LS-mean with the control(s) on the design's error.

    Parameters
    ----------
    data : DataFrame
        Analysis data (:func:`analysis_data`).
    columns : mapping
        Design columns.
    treatment_order : sequence of str
        Display order of the treatments.
    trial_control : sequence of str
        The trial's control(s), used when ``control`` is None.
    control : str or sequence of str, optional
        Control level(s) to compare with.
    kind, at : str, optional
        Which means (see :meth:`yieldtrial.trial.FieldTrial.means_model`).
    response : str
        Response column.
    **options
        ``method``, ``alternative``, ``confidence``, ``margin_pct``; see
        :func:`yieldtrial.stats.compare.compare_to_control`.

    Returns
    -------
    DataFrame
        One row per (control, treatment).

    Raises
    ------
    DataValidationError
        No control given and none that applies.
    """
    from yieldtrial.stats.compare import compare_means_to_control
    from yieldtrial.stats.compare import compare_to_control as compare

    if _by_model(data, columns, kind, at, response):
        mm, controls = _model_and_controls(
            data, columns, treatment_order, trial_control, kind, at, control, response
        )
        if not controls:
            raise DataValidationError(
                f"no control level for the {mm.factor!r} means ({mm.error_term}); pass "
                f"control='<level>' (levels: {', '.join(mm.levels)})"
            )
        return compare_means_to_control(mm, control=list(controls), **options)
    given: str | Sequence[str] = tuple(trial_control) if control is None else control
    if not given:
        raise DataValidationError(
            "the trial has no control treatment; pass control='<label>' "
            f"(treatments: {', '.join(treatment_order)})"
        )
    return compare(
        in_display_order(data, treatment_order),
        block=_block(columns),
        row=columns["row"],
        column=columns["column"],
        response=response,
        treatment="treatment",
        control=given,
        design=str(columns["design"]),
        **options,
    )


def pairwise(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, Any],
    treatment_order: Sequence[str],
    kind: str | None = None,
    at: str | None = None,
    response: str = RESPONSE,
    **options: Any,
) -> pd.DataFrame:
    """All pairwise comparisons of the LS-means on the design's error.

    Parameters
    ----------
    data : DataFrame
        Analysis data (:func:`analysis_data`).
    columns : mapping
        Design columns.
    treatment_order : sequence of str
        Display order of the treatments.
    kind, at : str, optional
        Which means (see :meth:`yieldtrial.trial.FieldTrial.means_model`).
    response : str
        Response column.
    **options
        ``method``, ``alpha``, ``protected``; see :func:`yieldtrial.stats.compare.pairwise`.

    Returns
    -------
    DataFrame
        One row per pair.
    """
    from yieldtrial.stats.compare import pairwise as compare_pairs
    from yieldtrial.stats.compare import pairwise_means

    if _by_model(data, columns, kind, at, response):
        mm = means_model(
            data, columns=columns, treatment_order=treatment_order, kind=kind, at=at,
            response=response,
        )  # fmt: skip
        return pairwise_means(mm, **options)
    return compare_pairs(
        in_display_order(data, treatment_order),
        block=_block(columns),
        row=columns["row"],
        column=columns["column"],
        response=response,
        treatment="treatment",
        design=str(columns["design"]),
        **options,
    )


def means(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, Any],
    treatment_order: Sequence[str],
    trial_control: Sequence[str],
    kind: str | None = None,
    at: str | None = None,
    two_level: bool | str = False,
    response: str = RESPONSE,
    control: str | Sequence[str] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Means table of one trial: LS-means, SE, CI, difference vs control, letters.

    Parameters
    ----------
    data : DataFrame
        Analysis data (:func:`analysis_data`).
    columns : mapping
        Design columns.
    treatment_order : sequence of str
        Display order of the treatments.
    trial_control : sequence of str
        The trial's control(s).
    kind, at : str, optional
        Which means (see :meth:`yieldtrial.trial.FieldTrial.means_model`).
    two_level : bool or str
        Add two-level letters (True: Duncan; or a test name).
    response : str
        Response column.
    control : str or sequence of str, optional
        Control(s) instead of the trial's (a level of the factor of ``kind``).
    **options
        ``letters``, ``alpha``, ``confidence``; see :func:`yieldtrial.stats.tables.means`.

    Returns
    -------
    DataFrame
        One row per treatment sorted by descending mean.
    """
    import numpy

    from yieldtrial.io.checks import check_option
    from yieldtrial.stats.multiple_range import MEAN_SEPARATION_TESTS, add_two_level_letters
    from yieldtrial.stats.tables import means as means_of_plots
    from yieldtrial.stats.tables import means_table

    if isinstance(two_level, bool | numpy.bool_):
        two_level = bool(two_level)
    else:  # 0 or [] meant False without a word; pd.NA failed in pandas
        two_level = check_option("two_level", two_level, MEAN_SEPARATION_TESTS)
    if _by_model(data, columns, kind, at, response) or two_level:
        mm, controls = _model_and_controls(
            data, columns, treatment_order, trial_control, kind, at, control, response
        )
        table = means_table(mm, control=list(controls) if controls else None, **options)
        if two_level:
            test = "duncan" if two_level is True else str(two_level)
            table = add_two_level_letters(table, mm, test=test)
        return table
    return means_of_plots(
        in_display_order(data, treatment_order),
        block=_block(columns),
        row=columns["row"],
        column=columns["column"],
        response=response,
        treatment="treatment",
        design=str(columns["design"]),
        control=list(as_labels(control) if control is not None else trial_control) or None,
        **options,
    )
