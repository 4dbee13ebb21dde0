"""FieldTrial: the notebook-facing object that holds validated plots and a trial's settings.

A :class:`FieldTrial` is frozen: its plot table is validated once, at
construction, and every method returns a new table without touching the stored
one.  Each method delegates to a public function (:func:`yieldtrial.read_plots`,
:func:`yieldtrial.harvest.standardized_mass_kg`, :func:`yieldtrial.convert_yield`,
...), passing the trial's stored settings.

Examples
--------
>>> import pandas as pd
>>> plots = pd.DataFrame({
...     "plot_id": ["1", "2", "3", "4"], "treatment": ["CK", "T", "CK", "T"],
...     "block": ["1", "1", "2", "2"], "harvested_area_m2": [20.0] * 4,
...     "fresh_mass_kg": [14.0, 15.1, 13.6, 15.3], "moisture_pct": [15.0, 15.2, 14.8, 15.0]})
>>> trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK")
>>> trial.design, trial.standard_moisture_pct
('rcbd', 13.0)
>>> trial.yields(unit="kg/mu")["yield_kg_mu"].round(1).tolist()
[455.9, 490.6, 444.0, 498.3]
"""

from __future__ import annotations

import contextvars
import copy
import dataclasses
import functools
import hashlib
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from yieldtrial.design import resolve as _resolve
from yieldtrial.design.detect import (
    DESIGNS,
    TWO_FACTOR_DESIGNS,
    check_entry_types,
    detect_design,
    detect_split_plot,
)
from yieldtrial.errors import DataValidationError, WrongTypeError, YieldTrialWarning
from yieldtrial.io import validation as _validation
from yieldtrial.io import yields as _yields
from yieldtrial.io._compat import isin
from yieldtrial.io._guard import held_warnings, numpy_defaults
from yieldtrial.io.checks import check_option
from yieldtrial.io.plots import has_harvest_columns, input_yield_column, read_plots
from yieldtrial.io.yields import IMPLAUSIBLE_YIELD_KG_HA
from yieldtrial.stats import trial_analysis as _analysis
from yieldtrial.stats import trial_summary as _describe
from yieldtrial.units import yield_column, yield_unit

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.config import TrialConfig
    from yieldtrial.network import NetworkResult
    from yieldtrial.report.model import Report
    from yieldtrial.stats.anova_tables import AnovaResult
    from yieldtrial.stats.augmented import AugmentedAnova
    from yieldtrial.stats.factorial import FactorialAnova
    from yieldtrial.stats.mixed import MixedModelFit
    from yieldtrial.stats.residual_checks import Diagnostics
    from yieldtrial.stats.results import MeansModel
    from yieldtrial.stats.splitplot import StrataAnova

__all__ = ["DESIGNS", "IMPLAUSIBLE_YIELD_KG_HA", "TWO_FACTOR_DESIGNS", "FieldTrial"]
# (the constants are re-exported from yieldtrial.design.detect and yieldtrial.io.yields)

#: The FieldTrial convenience methods whose imports reach a later stage (the report, the
#: network): the only exceptions to the import order of docs/architecture.md, checked by
#: tests/test_architecture.py.
FORWARD_METHODS: tuple[str, ...] = ("analyze_sites", "report", "_from_description")


def _refuse_beside_config(names: Sequence[str], method: str = "from_csv") -> None:
    """Refuse settings given beside ``config=`` (the description holds them)."""
    if names:
        listed = ", ".join(f"{name}=" for name in names)
        allowed = (
            "crop=, control=, sheet= and encoding="
            if method == "from_csv"
            else ("crop= and control=")
        )
        raise WrongTypeError(
            f"FieldTrial.{method}(config=...) reads the settings from the trial description; "
            f"{listed} cannot be given beside it (only {allowed} "
            "can). Set them in trial.toml, or pass config=yt.load_config('trial.toml')"
            f".override({names[0]}=...)"
        )


def _settings_beside_config(**settings: Any) -> list[str]:
    """Name the settings of ``from_csv``/``from_dataframe`` given beside ``config=``.

    A setting counts as given when it is not its default.
    """
    defaults = {"protocol": "cn-yield-test", "moisture_method": "dry_matter", "unit": "kg/ha"}
    return [
        name
        for name, value in settings.items()
        if (value != defaults[name] if name in defaults else value is not None)
    ]


def _unknown_crop() -> DataValidationError:
    """Return the error of a trial read without ``crop=`` or ``config=``."""
    return DataValidationError(
        "the crop is not known: pass crop='wheat' (or another crop), or "
        "config='trial.toml' with crop = \"wheat\" in its [trial] table; it sets the "
        "standard moisture."
    )


_T = TypeVar("_T")
_P = ParamSpec("_P")

# set by the classmethods: the plot table they pass was just validated by read_plots
_TRUSTED: contextvars.ContextVar[bool] = contextvars.ContextVar("yieldtrial_trusted", default=False)


#: What :meth:`FieldTrial.analyze_sites` leaves out of each site's model (RCBD or CRD, the
#: designs of :func:`yieldtrial.analyze_many`), by the trial's design.
_NOT_IN_SITE_MODELS: dict[str, str] = {
    "alpha": "incomplete blocks",
    "row_column": "rows and columns",
    "latin": "rows and columns",
    "split_plot": "whole-plot errors",
    "strip_plot": "strip errors",
}


#: What a trial keeps to avoid recomputing (memoised tables, the error df); left out of a
#: pickle and rebuilt on first use.
_REBUILT_ON_USE = frozenset({"_yields_memo", "_analysis_memo", "_df_error_cache"})


def _frozen_mapping(metadata: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if metadata is not None and not isinstance(metadata, Mapping):
        raise DataValidationError(
            f"metadata must be a mapping of descriptive fields (e.g. {{'title': 'Wheat yield "
            f"test', 'site': 'Jinzhong'}}); got {type(metadata).__name__}"
        )
    return MappingProxyType(dict(metadata or {}))


def _checks_labels(value: Any) -> tuple[str, ...]:
    """Return the checks given to :class:`FieldTrial` or one of its constructors as labels.

    The rule and messages of ``--checks`` and trial.toml: ``"CK1,CK2"`` or a list of
    labels; ``""``, ``5`` (a number, not a label) and ``[None]`` are refused.

    Raises
    ------
    DataValidationError
        ``value`` is a number, blank, or a list holding a list or a mapping.
    """
    from yieldtrial.config import check_setting

    if isinstance(value, str | list | tuple | int | float):
        return tuple(check_setting("checks", value, "FieldTrial"))
    return _validation.as_labels(value)


def read_deferring_warnings(
    read: Callable[[], _T],
) -> tuple[_T, list[warnings.WarningMessage]]:
    """Run ``read`` and hold back its warnings, to be shown once the trial is built.

    A caller that retries a refused trial (e.g. without a control) would otherwise print the
    table's warnings once per attempt.
    """
    with held_warnings(record=True) as caught, numpy_defaults():  # not the caller's np.seterr
        warnings.simplefilter("always")
        value = read()
    return value, list(caught)


#: Key in a trial's ``__dict__`` of the warnings its table's reading raised (text).
_READING_NOTES = "_reading_notes"


def _messages(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    """Return the texts of yieldtrial's own warnings among ``caught``, once each, in order."""
    own = [str(item.message) for item in caught if issubclass(item.category, YieldTrialWarning)]
    return tuple(dict.fromkeys(own))


def _kept_table(trial: Any, name: str, key: str, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Return the table ``trial`` keeps under ``name`` and ``key``, built once by ``build``.

    The build's warnings are held with the table and shown again on every call, attributed
    to the caller of the trial's method, as the uncached call warned.
    """
    memo: dict[str, tuple[pd.DataFrame, list[warnings.WarningMessage]]]
    memo = trial.__dict__.setdefault(name, {})
    if key not in memo:
        memo[key] = read_deferring_warnings(build)
    table, caught = memo[key]
    reemit_warnings(caught, stacklevel=4)  # this helper, the trial's method, then its caller
    return table


def reemit_warnings(
    caught: list[warnings.WarningMessage], *, stacklevel: int = 3, design: str | None = None
) -> None:
    """Warn again, attributed ``stacklevel`` frames up from here (the library's caller).

    Only yieldtrial's own warnings move to the caller; any other (a dependency's
    DeprecationWarning, a numpy RuntimeWarning) keeps its origin, so the default filters
    treat it as if it had not been held back (a DeprecationWarning inside pandas is not
    shown in the user's notebook cell).  ``design``: the declared design, named by a
    design-column rename warning instead of the detected design's fallback.
    """
    from yieldtrial.io.plots import declared_design_rename

    for item in caught:
        if issubclass(item.category, YieldTrialWarning):
            message = item.message
            if design is not None and isinstance(message, Warning):
                message = declared_design_rename(message, design)
            warnings.warn(message, stacklevel=stacklevel)
        else:
            warnings.warn_explicit(
                item.message, item.category, item.filename, item.lineno, source=item.source
            )


#: Arguments of the statistics functions that a FieldTrial fills from its own design.
_DESIGN_ROLES: tuple[str, ...] = (
    "data",
    "response",
    "treatment",
    "block",
    "design",
    "row",
    "column",
    "whole_plot",
    "sub_plot",
    "horizontal",
    "vertical",
)


@functools.lru_cache(maxsize=32)
def option_names(
    delegates: tuple[Callable[..., Any], ...], filled: tuple[str, ...]
) -> tuple[str, ...] | None:
    """Return the keyword options of ``delegates`` the caller may give (None: any)."""
    import inspect

    if any(p.kind is p.VAR_KEYWORD for p in inspect.signature(delegates[-1]).parameters.values()):
        return None
    allowed: list[str] = []
    for function in delegates:
        for name, p in inspect.signature(function).parameters.items():
            named = p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
            if named and name not in filled and name not in allowed:
                allowed.append(name)
    return tuple(allowed)


def _check_options(
    method: str,
    options: Mapping[str, Any],
    delegate: Callable[..., Any] | Sequence[Callable[..., Any]],
    filled: Sequence[str],
) -> None:
    """Refuse an option the delegate does not take, in the words of the FieldTrial method.

    Python's own message named the delegate (``trial_economics() got an unexpected keyword
    argument``), a function the caller never called, and listed nothing to use instead.

    Raises
    ------
    WrongTypeError
        Naming ``FieldTrial.<method>``, the unknown option and the options there are (a
        :class:`TypeError` too, as Python's was).
    """
    if not options:
        return
    # a delegate that passes **options on is listed with the function it passes them to
    delegates = tuple(delegate) if isinstance(delegate, Sequence) else (delegate,)
    allowed = option_names(delegates, tuple(filled))
    if allowed is None:  # the last delegate takes any keyword
        return
    unknown = [name for name in options if name not in allowed]
    if unknown:
        from yieldtrial.io.checks import did_you_mean

        name = unknown[0]
        why = " (the trial sets it)" if name in filled else did_you_mean(name, allowed)
        raise WrongTypeError(
            f"FieldTrial.{method}() got an unknown option {name!r}{why}; its options: "
            f"{', '.join(allowed)}"
        )


def _warns_at_caller(method: Callable[_P, _T]) -> Callable[_P, _T]:
    """Attribute the warnings a method's delegates raise to the method's caller.

    The statistics functions count their stack levels from their own callers; called
    through a FieldTrial method, their warnings would point at yieldtrial's lines.
    """

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        value, caught = read_deferring_warnings(lambda: method(*args, **kwargs))
        reemit_warnings(caught, stacklevel=3)  # reemit_warnings <- wrapper <- the caller
        return value

    return wrapper


def _lost_entries_left_out(
    plots: pd.DataFrame, yield_kg_ha: pd.Series, control: Sequence[str]
) -> np.ndarray:
    """Rows to keep of an augmented trial: an unreplicated entry whose plot is lost is left out.

    An augmented entry has one plot; without its yield it has no mean, but the checks
    and the other entries are estimated as before (its plot adds nothing to the
    block effects or the error).  Such an entry is left out with a warning, as a
    missing plot of a replicated treatment is reported and analysed without it.  A
    check (replicated) without any yield is still an error (see ``single_trial_data``).
    """
    treatments = plots["treatment"].astype(str)
    observed = pd.Series(np.asarray(yield_kg_ha.notna()), index=plots.index)
    counts = treatments.value_counts()
    seen = observed.groupby(treatments).any()
    lost = [
        t for t in pd.unique(treatments) if counts[t] == 1 and not seen[t] and t not in set(control)
    ]
    keep = ~isin(treatments, lost).to_numpy()
    if lost and observed.any():
        ids = plots.loc[~keep, "plot_id"].astype(str)
        shown = _validation.list_items(
            f"{t!r} (plot {i!r})" for t, i in zip(treatments[~keep], ids, strict=True)
        )
        if (counts[treatments[keep]] > 1).all():
            # every entry lost: "found 2 check(s) and 0 entr(y/ies)" named none of them
            # and pointed at checks=[...] (stop 40)
            raise DataValidationError(
                f"augmented design: every entry's plot is lost (no yield): {shown}; only the "
                "checks are left, so no entry can be compared with them. Fill in the "
                "entries' harvest data"
            )
        warnings.warn(
            f"augmented design: {len(lost)} entr{'y' if len(lost) == 1 else 'ies'} without a "
            f"yield (lost plot{'s' if len(lost) > 1 else ''}): {shown}; an unreplicated entry has "
            "no mean without its plot, so "
            f"{'it is' if len(lost) == 1 else 'they are'} left out of the analysis and the "
            "report; the checks and the other entries are analysed as before",
            YieldTrialWarning,
            stacklevel=4,
        )
        return keep
    return np.ones(len(plots), dtype=bool)


@dataclass(frozen=True, eq=False, repr=False)
class FieldTrial:
    """A yield test or field trial: validated plot records plus the settings to analyse them.

    Build one with :meth:`from_csv` or :meth:`from_dataframe` (or directly: the
    ``plots`` table is validated with :func:`yieldtrial.read_plots` either way).

    Parameters
    ----------
    plots : DataFrame
        Plot records (any headers :func:`yieldtrial.read_plots` recognises); stored
        as the validated canonical table.  Do not modify ``trial.plots`` in place;
        work on ``trial.yields()`` or ``trial.plots.copy()``.
    crop : str
        Crop name or alias (``"wheat"``, ``"小麦"``, ``"corn"``); stored canonical.
    control : tuple of str
        Control treatment label(s): one, or several (e.g. a full-rate control and
        a reduced-rate control).  Empty when the trial has none.  In a two-factor
        design (split plot, strip plot, factorial) it may instead be level(s) of one
        factor (``control="CK"`` for the sub-plot level ``CK`` of the treatments
        ``"N0:CK"``, ...): the means, comparisons and letters are then those of that
        factor unless ``kind=`` says otherwise.
    protocol : str, default "cn-yield-test"
        Moisture protocol; see :data:`yieldtrial.protocols.PROTOCOLS`.
    standard_moisture_pct : float, optional
        Standard moisture; the protocol's value for the crop when omitted. [%]
    moisture_method : str, default "dry_matter"
        See :data:`yieldtrial.moisture.METHODS`.
    shrink_pct_per_point : float, optional
        Needed for ``moisture_method="shrink"``. [%/point]
    design : {"crd", "rcbd", "latin", "split_plot", "strip_plot", "factorial", "alpha", \
"row_column", "augmented"}, optional
        Detected when not given: "split_plot" (with its two factor columns) for a
        :func:`yieldtrial.design.split_plot` field book (``block``, ``main_plot`` and
        factor columns whose levels make the treatment ``"A:B"``); "latin" when there
        is no ``block`` and ``row`` x ``column`` is a t x t square holding each
        treatment once in every row and column; else "rcbd" when the table has a
        ``block`` column, else "crd" (a detection is noted in
        ``metadata["design_source"]``).  "latin" needs
        ``row`` and ``column`` columns; "split_plot" and "strip_plot" need a
        ``block`` column and ``factors``; "factorial" needs ``factors`` (and is
        analysed in an RCBD when the table has a ``block`` column, else in a CRD).
        "alpha" (alpha-lattice, resolvable incomplete blocks: ``block`` = replicate and
        ``incomplete_block``) and "row_column" (``block`` = replicate, ``row`` and
        ``column`` within it) are analysed as mixed models by REML; "augmented" (checks
        in every block, entries once) by Federer's analysis.  Split and strip plots with
        missing plots are analysed by REML instead of the stratum ANOVA.
    treatment_order : tuple of str, optional
        Display order; by default the order of first appearance in the plot table
        (control(s) in their place), or natural sort (``T2`` before ``T10``) when the
        blocks list the treatments in different (randomized) orders.
    unit : str, default "kg/ha"
        Display unit of yields and of the statistics methods' results (``anova``,
        ``means``, comparisons: ``yield_kg_mu``, ``difference_kg_mu``, ... for
        ``"kg/mu"``); each of them takes ``unit="kg/ha"`` for kg/ha.
    metadata : mapping, optional
        Free-form descriptive fields (title, site, season, ...); stored read-only.
    source : Path, optional
        File the plots were read from.
    source_sha256 : str, optional
        SHA-256 of that file, for provenance.
    factors : tuple of str, optional
        Two-factor designs only: the plot-table columns of the two treatment
        factors, in design order: split plot ``(whole_plot, sub_plot)``, strip
        plot ``(horizontal, vertical)``, factorial ``(factor_a, factor_b)``.  One
        name stands for the first factor; the ``treatment`` column is then the
        second (e.g. tillage on whole plots, the fertilizer treatments on
        sub-plots: ``factors=("tillage",)``).  Factor labels are compared as text
        (``60.0`` -> ``"60"``).
    block_effects : {"fixed", "random"}, optional
        How the complete blocks (replicates; Latin-square rows and columns) enter the
        model.  "random" fits a mixed model by REML
        (:func:`yieldtrial.stats.mixed.mixed_model`, recovering inter-block information);
        "fixed" the fixed-block analysis.  Default: fixed for RCBD, Latin square, augmented
        designs and the replicates of alpha and row-column designs; for split and strip
        plots the stratum ANOVA when complete and REML with random blocks when plots are
        missing.
    exclusions : tuple of (str, str)
        Plots left out of every analysis, each ``(plot_id, reason)``; their yield is
        treated as missing (the design model is refitted without them).  Set with
        :meth:`exclude` (or ``[[exclude]]`` in ``trial.toml``); the report lists each
        with its reason.  Nothing is ever excluded automatically.
    ddf : {"satterthwaite", "kenward-roger"}, optional
        Denominator df of the F tests and comparisons when the trial is analysed as a mixed
        model (REML); default Satterthwaite (:func:`yieldtrial.stats.mixed.mixed_model`).
    checks : tuple of str
        The checks of an augmented design, for a plot table without an ``entry_type``
        column: they are marked ``check`` and every other treatment ``entry`` (an entry
        may then have two plots in different blocks: a partially replicated, p-rep,
        augmented trial whose replicated entries are analysed as entries).  Implies
        ``design="augmented"`` when no design is given.  With an ``entry_type`` column the
        checks it marks must be these.  Empty (default): the ``entry_type`` column's
        checks, else the treatments on more than one plot.

    Raises
    ------
    DataValidationError
        Invalid plot data (see :func:`yieldtrial.read_plots`), an unknown crop,
        protocol, method, design or unit, a control label that is not a
        treatment, a ``treatment_order`` that does not list each treatment once,
        or a design whose columns (block, row/column, factors) are missing.

    Warns
    -----
    YieldTrialWarning
        Moisture outside the crop's plausible harvest range (wheat at 5 %), a
        standardized yield above 40 t/ha (likely an area or mass unit slip), or yields
        far outside what the crop can yield: a plot above 1.5 x its world record or a
        treatment mean below a quarter of its lowest national average
        (:func:`yieldtrial.protocols.plausible_yield_kg_ha`; kg/ha in a kg/mu column, a
        mass in kg read as g).
    """

    plots: pd.DataFrame
    crop: str
    control: tuple[str, ...] = ()
    protocol: str = "cn-yield-test"
    standard_moisture_pct: float | None = None
    moisture_method: str = "dry_matter"
    shrink_pct_per_point: float | None = None
    design: str | None = None
    treatment_order: tuple[str, ...] = ()
    unit: str = "kg/ha"
    metadata: Mapping[str, Any] = field(default_factory=lambda: _frozen_mapping(None))
    source: Path | None = None
    source_sha256: str | None = None
    factors: tuple[str, ...] = ()
    block_effects: str | None = None
    exclusions: tuple[tuple[str, str], ...] = ()
    ddf: str | None = None
    checks: tuple[str, ...] = ()

    # --- construction ---------------------------------------------------------------

    def __post_init__(self) -> None:
        from yieldtrial.config import check_setting
        from yieldtrial.moisture import METHODS
        from yieldtrial.protocols import (
            PROTOCOLS,
            canonical_crop,
            plausible_harvest_moisture_pct,
            standard_moisture_pct,
        )

        if not isinstance(self.plots, pd.DataFrame):
            raise WrongTypeError(
                f"FieldTrial plots must be a pandas DataFrame; got {type(self.plots).__name__}. "
                "Use FieldTrial.from_csv(path, ...) for a file"
            )
        caught: list[warnings.WarningMessage] = []
        if _TRUSTED.get():
            plots = self.plots
        else:
            plots, caught = read_deferring_warnings(lambda: read_plots(self.plots))
            reemit_warnings(
                caught, stacklevel=4
            )  # reemit_warnings <- __post_init__ <- __init__ <- caller
        crop = canonical_crop(self.crop)
        protocol = check_option("protocol", self.protocol, PROTOCOLS, fold=True)
        if self.standard_moisture_pct is None:
            standard = standard_moisture_pct(crop, protocol=protocol)
        else:  # the rule and message of trial.toml (text, NaN, 10**400, 0.13 refused)
            standard = check_setting(
                "standard_moisture_pct", self.standard_moisture_pct, "FieldTrial"
            )
        shrink = self.shrink_pct_per_point
        if shrink is not None:
            shrink = check_setting("shrink_pct_per_point", shrink, "FieldTrial")
        method = check_option("moisture_method", self.moisture_method, METHODS, fold=True)
        present = [str(t) for t in pd.unique(plots["treatment"])]
        checks = _checks_labels(self.checks)
        given_design = self.design
        if checks:  # the checks named: the plots marked check / entry (stop 44)
            given_design = _resolve.augmented_design_of_checks(self.design)
            plots = _resolve.mark_checks(plots, checks, present)
        detected = detect_design(plots) if given_design is None else None
        design = detected[0] if detected else _resolve.resolve_design(plots, given_design)
        _resolve.check_design_labels(plots, design)
        _resolve.warn_single_block(plots, design, stacklevel=3)
        _resolve.warn_ignored_layout(plots, design, stacklevel=3)
        default: tuple[str, ...] = detected[1] if detected else ()
        if design == "split_plot" and not detected and not self.factors:
            # a declared split plot whose table is a `design split_plot` field book: its
            # factor columns (main, sub) are found as detection finds them
            default = detect_split_plot(plots) or ()
        factors = _resolve.resolve_factors(plots, design, self.factors, default=default)
        control = _resolve.resolve_control(
            plots, _validation.as_labels(self.control), present, design, factors
        )
        in_table = tuple(c for c in control if c in present)  # not a factor's level
        _resolve.warn_repeated_entries(plots, design, in_table, stacklevel=3)
        order = _resolve.treatment_order(
            present, in_table, self.treatment_order, plots=_resolve.layout_blocks(plots, design)
        )
        block_effects = _resolve.resolve_block_effects(design, self.block_effects)
        ddf = _resolve.resolve_ddf(self.ddf)
        unit = yield_unit(self.unit)
        _set = object.__setattr__
        _set(self, "plots", plots)
        _set(self, "crop", crop)
        _set(self, "protocol", protocol)
        _set(self, "standard_moisture_pct", standard)
        _set(self, "shrink_pct_per_point", shrink)
        _set(self, "moisture_method", method)
        _set(self, "control", control)
        _set(self, "treatment_order", order)
        _set(self, "design", design)
        _set(self, "factors", factors)
        _set(self, "block_effects", block_effects)
        _set(self, "ddf", ddf)
        _set(self, "checks", checks)
        _set(self, "unit", unit)
        metadata = dict(_frozen_mapping(self.metadata))  # refuses a list, as from_dataframe
        if detected:
            metadata.setdefault("design_source", f"detected from the layout ({detected[2]})")
        _set(self, "metadata", _frozen_mapping(metadata))
        _set(self, "source", None if self.source is None else Path(self.source))
        _set(self, "exclusions", _validation.check_exclusions(self.exclusions, plots))
        low, high = plausible_harvest_moisture_pct(crop)
        _validation.warn_implausible_moisture(plots, crop=crop, low=low, high=high)
        _yields.warn_other_standard_moisture(plots, standard, stacklevel=3)
        _yields.refuse_yields_at_other_standard(plots, standard)
        _yields.refuse_mixed_moisture_methods(plots)  # one method for the table (loose57)
        _yields.warn_other_moisture_method(plots, method, stacklevel=3)
        mass_kg = (
            _yields.standardized_plot_mass_kg(
                plots,
                standard_moisture_pct=standard,
                moisture_method=method,
                shrink_pct_per_point=self.shrink_pct_per_point,
            )
            if _yields.has_harvest_columns(plots)
            else None
        )
        yield_kg_ha = _yields.plot_yield_kg_ha(
            plots,
            crop=crop,
            standard_moisture_pct=standard,
            moisture_method=method,
            shrink_pct_per_point=self.shrink_pct_per_point,
            standardized_mass_kg=mass_kg,
        )
        if self.exclusions:  # excluded on the user's word: a missing plot in every analysis
            excluded = isin(plots["plot_id"].astype(str), [pid for pid, _ in self.exclusions])
            yield_kg_ha = yield_kg_ha.mask(excluded.to_numpy())
        _yields.warn_emptied_yields(plots, yield_kg_ha, stacklevel=2)
        _yields.warn_edited_yields(
            plots, yield_kg_ha, standard_moisture_pct=standard, moisture_method=method, crop=crop
        )
        if design == "augmented":
            check_entry_types(plots)  # detected or given: the field book must agree
            kept = _lost_entries_left_out(plots, yield_kg_ha, control)
            if not kept.all():
                plots, yield_kg_ha = plots[kept], yield_kg_ha[kept]
                mass_kg = None if mass_kg is None else mass_kg[kept]
                left = set(plots["treatment"].astype(str))
                _set(self, "plots", plots)
                _set(self, "treatment_order", tuple(t for t in order if t in left))
        _set(self, "_yield_kg_ha", yield_kg_ha)
        _set(self, "_mass_kg", mass_kg)  # the yields table's standardized mass (not again)
        _yields.warn_implausible_yields(plots, yield_kg_ha, stacklevel=3)
        harvest = "fresh_mass_kg" in plots.columns
        _yields.warn_tiny_yields(plots, yield_kg_ha, stacklevel=3, harvest=harvest)
        _yields.warn_crop_implausible_yields(
            plots, yield_kg_ha, crop=crop, stacklevel=3, harvest=harvest
        )

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        *,
        crop: str | None = None,
        control: str | Sequence[str] | None = None,
        protocol: str = "cn-yield-test",
        standard_moisture_pct: float | None = None,
        moisture_method: str = "dry_matter",
        shrink_pct_per_point: float | None = None,
        design: str | None = None,
        treatment_order: Sequence[str] | None = None,
        columns: Mapping[str, str] | None = None,
        unit: str = "kg/ha",
        metadata: Mapping[str, Any] | None = None,
        factors: str | Sequence[str] | None = None,
        block_effects: str | None = None,
        ddf: str | None = None,
        sheet: str | int | None = None,
        encoding: str | None = None,
        checks: str | Sequence[str] | None = None,
        config: str | os.PathLike[str] | TrialConfig | None = None,
    ) -> FieldTrial:
        """Read a plot file (CSV, or ``.xlsx`` with the ``xlsx`` extra) into a trial.

        Parameters
        ----------
        path : path
            The plot table; see :func:`yieldtrial.read_plots` for formats and encodings.
        crop, control, protocol, standard_moisture_pct, moisture_method : see class
        shrink_pct_per_point, design, treatment_order, unit, metadata, factors : see class
        block_effects, ddf, checks : see class
        columns : mapping, optional
            Header renames, see :func:`yieldtrial.read_plots`.
        sheet : str or int, optional
            Worksheet of an ``.xlsx`` file (an error with a CSV file, which has none).
        encoding : str, optional
            CSV encoding (UTF-8 or GB18030 detected by default).
        config : path or TrialConfig, optional
            The trial's ``trial.toml`` (or :func:`yieldtrial.load_config`'s result): the
            table is read with its settings, as ``yieldtrial report --config`` reads it
            (crop, control, protocol and standard moisture, design and its columns,
            checks, ``[columns]`` renames, the order of ``[[treatments]]``, ``[[exclude]]``
            plots).  ``crop`` and ``control`` given beside it replace the file's, as
            ``--crop`` and ``--control`` do; for another setting use
            ``config=yt.load_config("trial.toml").override(...)``.

        Returns
        -------
        FieldTrial
            The validated trial; ``source`` and ``source_sha256`` identify the file.

        Raises
        ------
        WrongTypeError
            If ``path`` is not a path (a DataFrame is read by :meth:`from_dataframe`),
            or a setting other than ``crop``, ``control``, ``sheet`` and ``encoding`` is
            given beside ``config``.
        DataValidationError
            If neither ``crop`` nor the description names the crop.
        """
        settings = {
            "protocol": protocol,
            "standard_moisture_pct": standard_moisture_pct,
            "moisture_method": moisture_method,
            "shrink_pct_per_point": shrink_pct_per_point,
            "design": design,
            "treatment_order": treatment_order,
            "unit": unit,
            "metadata": metadata,
            "factors": factors,
            "block_effects": block_effects,
            "ddf": ddf,
            "checks": checks,
        }
        if config is not None:
            return cls._read_described(
                path, config, "from_csv", crop=crop, control=control, sheet=sheet,
                encoding=encoding, settings={**settings, "columns": columns},
            )  # fmt: skip
        if crop is None:
            raise _unknown_crop()
        if not isinstance(path, str | os.PathLike):  # os.fspath's "expected str, bytes ..."
            hint = (
                "; for a DataFrame use FieldTrial.from_dataframe(frame, crop=...)"
                if isinstance(path, pd.DataFrame)
                else ""
            )
            raise WrongTypeError(
                "FieldTrial.from_csv() takes the path of a plot table file (text or "
                f"pathlib.Path), e.g. 'plots.csv'; got {type(path).__name__}{hint}"
            )
        settings["checks"] = _checks_labels(checks)  # 5 refused before the table is read
        file = Path(path)
        plots, caught = read_deferring_warnings(
            lambda: read_plots(file, columns=columns, sheet=sheet, encoding=encoding)
        )
        with file.open("rb") as handle:  # in pieces: a 200 MB table is not held twice
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        return cls._built(
            plots, caught, crop=crop, control=control, settings=settings, source=file,
            source_sha256=digest,
        )  # fmt: skip

    @classmethod
    def _read_described(
        cls,
        source: str | os.PathLike[str] | pd.DataFrame,
        config: str | os.PathLike[str] | TrialConfig,
        method: str,
        *,
        crop: str | None,
        control: str | Sequence[str] | None,
        sheet: str | int | None,
        encoding: str | None,
        settings: Mapping[str, Any],
    ) -> FieldTrial:
        """Read with ``config=``: refuse the other ``settings`` given beside it, then read.

        The one ``config=`` path of :meth:`from_csv` and :meth:`from_dataframe`
        (``method`` names the caller in the error).
        """
        _refuse_beside_config(_settings_beside_config(**settings), method)
        return cls._from_description(
            source, config, crop=crop, control=control, sheet=sheet, encoding=encoding
        )

    @classmethod
    def _built(
        cls,
        plots: pd.DataFrame,
        caught: list[warnings.WarningMessage],
        *,
        crop: str,
        control: str | Sequence[str] | None,
        settings: Mapping[str, Any],
        **source: Any,
    ) -> FieldTrial:
        """Build the trial of plots just read, then re-emit the reading's warnings once.

        The common end of :meth:`from_csv` and :meth:`from_dataframe`: ``settings`` are
        the class's (``checks`` already labels), ``source`` the file's ``source`` and
        ``source_sha256`` where there is a file.
        """
        design = settings["design"]
        trial, built = read_deferring_warnings(lambda: cls._trusted(
            plots,
            crop=crop,
            control=control,
            **{**settings, "factors": _validation.as_labels(settings["factors"])},
            **source,
        ))  # fmt: skip
        # attributed to the caller of from_csv / from_dataframe: two frames above this one
        reemit_warnings(
            caught + built, stacklevel=4, design=trial.design if design is not None else None
        )
        trial.__dict__[_READING_NOTES] = _messages(caught)
        return trial

    @classmethod
    def _from_description(
        cls,
        path: str | os.PathLike[str] | pd.DataFrame,
        config: str | os.PathLike[str] | TrialConfig,
        *,
        crop: str | None,
        control: str | Sequence[str] | None,
        sheet: str | int | None,
        encoding: str | None,
    ) -> FieldTrial:
        """Read ``path`` (or a frame) with a trial description's settings, as the commands do.

        :meth:`from_csv` and :meth:`from_dataframe` with ``config=``; the settings are
        resolved and applied by :func:`yieldtrial.report.files.described_settings` and
        :func:`~yieldtrial.report.files.load_trial` (a forward import, see
        :data:`FORWARD_METHODS`), so the notebook reads what ``report --config`` reads.
        """
        from yieldtrial.report.files import described_settings, load_trial

        frame = isinstance(path, pd.DataFrame)
        method = "FieldTrial.from_dataframe" if frame else "FieldTrial.from_csv"
        if not frame and not isinstance(path, str | os.PathLike):  # before the description
            raise WrongTypeError(
                "FieldTrial.from_csv() takes the path of a plot table file (text or "
                f"pathlib.Path), e.g. 'plots.csv'; got {type(path).__name__}"
            )
        cfg = described_settings(config, crop=crop, control=control, where=method)
        trial = load_trial(path, cfg, sheet=sheet, encoding=encoding)
        if cfg.treatments and "treatments" not in trial.metadata:
            # the [[treatments]] tables (products, rates), as load_example keeps them: the
            # trial read with config= gave efficiency() "no fertilizer description"
            treatments = [t.to_dict() for t in cfg.treatments]
            trial = trial.replace(metadata={**trial.metadata, "treatments": treatments})
        if cfg.economics and "economics" not in trial.metadata:
            # the [economics] prices: economics() gives the report's numbers without them typed
            economics = dict(cfg.economics)
            trial = trial.replace(metadata={**trial.metadata, "economics": economics})
        return trial

    @classmethod
    def from_dataframe(
        cls,
        data: pd.DataFrame,
        *,
        crop: str | None = None,
        control: str | Sequence[str] | None = None,
        protocol: str = "cn-yield-test",
        standard_moisture_pct: float | None = None,
        moisture_method: str = "dry_matter",
        shrink_pct_per_point: float | None = None,
        design: str | None = None,
        treatment_order: Sequence[str] | None = None,
        columns: Mapping[str, str] | None = None,
        unit: str = "kg/ha",
        metadata: Mapping[str, Any] | None = None,
        factors: str | Sequence[str] | None = None,
        block_effects: str | None = None,
        ddf: str | None = None,
        checks: str | Sequence[str] | None = None,
        config: str | os.PathLike[str] | TrialConfig | None = None,
    ) -> FieldTrial:
        """Build a trial from a DataFrame of plot records (never modified).

        Parameters
        ----------
        data : DataFrame
            Plot records, any recognised headers; see :func:`yieldtrial.read_plots`.
        crop, control, protocol, standard_moisture_pct, moisture_method : see class
        shrink_pct_per_point, design, treatment_order, unit, metadata, factors : see class
        block_effects, ddf, checks : see class
        columns : mapping, optional
            Header renames, see :func:`yieldtrial.read_plots`.
        config : path or TrialConfig, optional
            The trial's ``trial.toml`` (or :func:`yieldtrial.load_config`'s result): the
            table is read with its settings, as ``yieldtrial report --config`` reads it
            (crop, control, protocol and standard moisture, design and its columns,
            checks, ``[columns]`` renames, the order of ``[[treatments]]``, ``[[exclude]]``
            plots).  ``crop`` and ``control`` given beside it replace the file's, as
            ``--crop`` and ``--control`` do; for another setting use
            ``config=yt.load_config("trial.toml").override(...)``.

        Returns
        -------
        FieldTrial
            The validated trial (``source`` is None).

        Raises
        ------
        WrongTypeError
            If a setting other than ``crop`` and ``control`` is given beside ``config``.
        DataValidationError
            If neither ``crop`` nor the description names the crop.
        """
        settings = {
            "protocol": protocol,
            "standard_moisture_pct": standard_moisture_pct,
            "moisture_method": moisture_method,
            "shrink_pct_per_point": shrink_pct_per_point,
            "design": design,
            "treatment_order": treatment_order,
            "unit": unit,
            "metadata": metadata,
            "factors": factors,
            "block_effects": block_effects,
            "ddf": ddf,
            "checks": checks,
        }
        if config is not None:
            return cls._read_described(
                data, config, "from_dataframe", crop=crop, control=control, sheet=None,
                encoding=None, settings={**settings, "columns": columns},
            )  # fmt: skip
        if crop is None:
            raise _unknown_crop()
        settings["checks"] = _checks_labels(checks)
        plots, caught = read_deferring_warnings(lambda: read_plots(data, columns=columns))
        return cls._built(plots, caught, crop=crop, control=control, settings=settings)

    @classmethod
    def _trusted(
        cls,
        plots: pd.DataFrame,
        *,
        control: str | Sequence[str] | None,
        treatment_order: Sequence[str] | None,
        metadata: Mapping[str, Any] | None,
        **settings: Any,
    ) -> FieldTrial:
        controls = _validation.as_labels(control)
        token = _TRUSTED.set(True)
        try:
            return cls(
                plots,
                control=controls,
                treatment_order=_validation.as_labels(treatment_order),
                metadata=_frozen_mapping(metadata),
                **settings,
            )
        finally:
            _TRUSTED.reset(token)

    def replace(self, **changes: Any) -> FieldTrial:
        """Return a copy with some settings changed (the plots stay validated).

        Parameters
        ----------
        **changes
            Fields to change, e.g. ``moisture_method="percentage_point"`` or
            ``unit="kg/mu"``.  ``standard_moisture_pct`` is looked up again from the
            protocol when ``crop`` or ``protocol`` changes and it is not given.

        Returns
        -------
        FieldTrial
            The new trial.

        Raises
        ------
        DataValidationError
            A name that is not a setting of the trial (the message lists them), or a new
            value that is invalid.
        """
        settings = [f.name for f in dataclasses.fields(self) if f.init]
        unknown = [name for name in changes if name not in settings]
        if unknown:
            raise DataValidationError(
                f"replace() got {', '.join(map(repr, unknown))}, which "
                f"{'are not settings' if len(unknown) > 1 else 'is not a setting'} of a "
                f"FieldTrial; settings: {', '.join(settings)}"
            )
        if ("crop" in changes or "protocol" in changes) and "standard_moisture_pct" not in changes:
            changes["standard_moisture_pct"] = None
        if "control" in changes:
            control = changes["control"]
            changes["control"] = _validation.as_labels(control)
            if "treatment_order" not in changes:
                changes["treatment_order"] = ()
        trusted = "plots" not in changes
        token = _TRUSTED.set(trusted)
        try:
            changed = dataclasses.replace(self, **changes)
        finally:
            _TRUSTED.reset(token)
        if trusted:  # the same table: what its reading said still holds
            changed.__dict__[_READING_NOTES] = self.__dict__.get(_READING_NOTES, ())
        return changed

    def _data_notes(self) -> list[str]:
        """Return the warnings of reading and building this trial, for its data quality.

        ``yieldtrial report`` lists them in its data-quality section (``report_from_files``);
        ``trial.report()`` left them out, so a caveat such as a harvest moisture outside the
        crop's plausible range lived only in a warning, lost under
        ``warnings.simplefilter("ignore")`` (stop 48).  The reading's are kept with the trial;
        the building's are raised again, held, by building the same trial once more.
        """
        _, built = read_deferring_warnings(lambda: self.replace())
        return [*self.__dict__.get(_READING_NOTES, ()), *_messages(built)]

    # --- pickling and copying -------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        """State for :mod:`pickle` and :func:`copy.deepcopy` (a notebook saving its trial).

        The read-only metadata travels as a plain dict (a ``mappingproxy`` cannot be
        pickled) and the kept tables stay behind: they are rebuilt on first use.
        """
        state = {k: v for k, v in self.__dict__.items() if k not in _REBUILT_ON_USE}
        state["metadata"] = dict(self.metadata)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled trial; the metadata is made read-only again."""
        restored = dict(state)
        restored["metadata"] = _frozen_mapping(restored.get("metadata"))
        self.__dict__.update(restored)

    # --- yields ---------------------------------------------------------------------

    @property
    def response(self) -> str:
        """Name of the response column the analyses use: ``"yield_kg_ha"``."""
        return "yield_kg_ha"

    def yields(self, unit: str | None = None) -> pd.DataFrame:
        """Return the plot table with the yield at standard moisture.

        Delegates to :func:`yieldtrial.harvest.standardized_mass_kg` and
        :func:`yieldtrial.convert_yield` with the trial's settings.

        Parameters
        ----------
        unit : str, optional
            Extra yield unit to add (``"kg/mu"`` adds ``yield_kg_mu``); the trial's
            display unit when omitted.

        Returns
        -------
        DataFrame
            A new table: the plot columns, then ``standardized_mass_kg`` (clean grain
            at standard moisture [kg]; only when computed from harvest columns),
            ``standard_moisture_pct`` [%], ``moisture_method``, ``yield_kg_ha``
            [kg/ha] and ``yield_<unit>``.  Missing plots have NaN yields.  Yields read
            from a yield column are marked ``moisture_method = "given"``, or with the
            method the table's own ``moisture_method`` column names (then also in
            ``attrs["provenance"]``).
        """
        from yieldtrial.stats._common import copy_on_write

        # built once per trial and unit: a report asks for it twice (its plot table and
        # the analysis table), and each build added a constant moisture column, the
        # moisture method as text and the yields for every plot (5.9 million plots: about
        # 190 MB held twice); callers get their own (shallow where pandas copies on write)
        # copy, so none of them changes the kept one
        key = yield_unit(self.unit if unit is None else unit)
        table = _kept_table(self, "_yields_memo", key, lambda: self._build_yields(key))
        mine = table.copy(deep=not copy_on_write())
        mine.attrs = copy.deepcopy(table.attrs)  # pandas 2.0 shares them with the copy
        return mine

    def _build_yields(self, unit: str) -> pd.DataFrame:
        """Build the table :meth:`yields` keeps (the uncached work)."""
        yield_kg_ha: pd.Series = self._yield_kg_ha  # type: ignore[attr-defined]
        mass_kg: pd.Series | None = getattr(self, "_mass_kg", None)
        # a yields table names the method its yields were computed with (loose56), or
        # none: "given", as its moisture_method column says (loose57)
        method = _yields.yields_moisture_method(self.plots, str(self.moisture_method))
        return _yields.yields_table(
            self.plots,
            yield_kg_ha,
            unit=self.unit if unit is None else unit,
            crop=self.crop,
            standard_moisture_pct=float(self.standard_moisture_pct or 0.0),
            moisture_method=self.moisture_method,
            shrink_pct_per_point=self.shrink_pct_per_point,
            provenance={
                "crop": self.crop,
                "protocol": self.protocol,
                "standard_moisture_pct": self.standard_moisture_pct,
                "moisture_method": method,
                "source": None if self.source is None else str(self.source),
                "source_sha256": self.source_sha256,
            },
            standardized_mass_kg=mass_kg,
        )

    # --- description ----------------------------------------------------------------

    @property
    def treatments(self) -> tuple[str, ...]:
        """Treatment labels in display order (see ``treatment_order``)."""
        return self.treatment_order

    @property
    def n_plots(self) -> int:
        """Number of plots, including missing ones."""
        return len(self.plots)

    @property
    def has_blocks(self) -> bool:
        """Whether the plot table has a ``block`` column."""
        return "block" in self.plots

    @property
    def is_replicated(self) -> bool:
        """Whether the trial's design model leaves error degrees of freedom (``df_error > 0``).

        The error df is the number of observed plots minus the rank of the design
        model (treatment; + block for an RCBD; + row + column for a Latin square;
        two-factor designs: every factor combination as a treatment, + block).  A
        replicated RCBD stays replicated when missing plots leave one treatment
        with a single observed plot: that treatment still gets an LS-mean and the
        other plots estimate the error.  A demonstration with one harvest per
        treatment has ``df_error == 0`` and supports no significance test;
        reports say so instead of printing p-values.  Computed once and cached:
        counted for a complete CRD or complete, balanced RCBD (``n - t`` and
        ``n - t - b + 1``, what the fit gives), else by a design model fit
        (:func:`yieldtrial.stats.model.fit`).

        Raises
        ------
        DataValidationError
            The plot table holds several sites, or a treatment has no observed
            plot (see :meth:`anova`): no single-trial verdict is possible.
        """
        return self._design_df_error() > 0

    def _design_df_error(self) -> int:
        """Error df of the design model (observed plots minus model rank); cached."""
        cached = self.__dict__.get("_df_error_cache")
        if cached is not None:
            return int(cached)
        df_error = _analysis.design_df_error(
            self._analysis_data(), columns=self.design_columns(), response=self.response
        )
        object.__setattr__(self, "_df_error_cache", df_error)
        return df_error

    @property
    def sites(self) -> tuple[str, ...]:
        """Site labels in order of appearance (empty without a ``site`` column)."""
        if "site" not in self.plots:
            return ()
        return tuple(dict.fromkeys(str(v) for v in self.plots["site"]))

    def site(self, name: str) -> FieldTrial:
        """Return the trial of one site of a multi-site plot table.

        Parameters
        ----------
        name : str
            A value of the ``site`` column (numbers are compared as text).

        Returns
        -------
        FieldTrial
            The same settings with only that site's plots; treatments that have no
            plot there are dropped from the display order; ``metadata["site"]`` is
            set to ``name``.

        Raises
        ------
        DataValidationError
            No ``site`` column, an unknown site, or a control with no plot at that site.

        Examples
        --------
        >>> import pandas as pd
        >>> plots = pd.DataFrame({"site": ["A", "A", "B", "B"], "plot_id": ["1", "2", "1", "2"],
        ...                       "treatment": ["CK", "T", "CK", "T"],
        ...                       "yield_kg_ha": [6000.0, 6300.0, 7000.0, 7100.0]})
        >>> FieldTrial.from_dataframe(plots, crop="wheat", control="CK").site("B").n_plots
        2
        """
        label, plots = _resolve.site_plots(self.plots, name, control=self.control)
        present = {str(t) for t in plots["treatment"]}
        kept = set(plots["plot_id"].astype(str))
        token = _TRUSTED.set(True)  # a subset of validated plots is valid
        try:
            return dataclasses.replace(
                self,
                plots=plots,
                treatment_order=tuple(t for t in self.treatment_order if t in present),
                metadata={**self.metadata, "site": label},
                exclusions=tuple(e for e in self.exclusions if e[0] in kept),
            )
        finally:
            _TRUSTED.reset(token)

    def _result_response(self, unit: str | None) -> str:
        """Response column of results in ``unit`` (the trial's display unit when None)."""
        return yield_column(yield_unit(self.unit if unit is None else unit))

    def _single_trial_yields(self, unit: str | None = None) -> pd.DataFrame:
        """:meth:`yields` for one trial's statistics; refuses pooled sites and empty treatments.

        Every single-trial statistics method (ANOVA, LS-means, comparisons,
        letters, diagnostics, :attr:`is_replicated`) reads its data here.
        """
        yields = self.yields(unit)
        if "yield_kg_ha" in yields:
            from yieldtrial.io.validation import check_analysable_scale

            check_analysable_scale(yields["yield_kg_ha"], yields, "yield_kg_ha", "kg/ha")
        return _analysis.single_trial_data(
            yields,
            sites=self.sites,
            treatment_order=self.treatment_order,
            response=self.response,
        )

    def exclude(self, plot: str | int, *, reason: str) -> FieldTrial:
        """Return the trial with one plot left out of every analysis, for a stated reason.

        The plot stays in the plot table (and in the report's plot list); its yield is
        treated as missing, so the design model is refitted without it (LS-means, the
        design's error; a split or strip plot with a plot missing is analysed by REML).
        Nothing is ever excluded automatically: :meth:`suspect_plots` and
        :meth:`sensitivity` only point at plots.

        Parameters
        ----------
        plot : str or int
            The plot's ``plot_id`` (compared as text).
        reason : str
            Why (e.g. "fresh weight typed twice: 29.68 for 14.84 kg"); shown in the report.

        Returns
        -------
        FieldTrial
            A new trial; excluding the same plot again replaces its reason.

        Raises
        ------
        DataValidationError
            Unknown plot id, an empty reason, or a plot id used at several sites.

        Examples
        --------
        >>> import pandas as pd
        >>> plots = pd.DataFrame({"plot_id": ["1", "2", "3", "4"], "treatment": ["CK", "T"] * 2,
        ...                       "block": ["1", "1", "2", "2"],
        ...                       "yield_kg_ha": [6000.0, 6300.0, 5900.0, 12600.0]})
        >>> trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK")
        >>> trial.exclude("4", reason="weight typed twice").excluded_plots.values.tolist()
        [['4', '2', 'T', 'weight typed twice']]
        """
        pid = _validation.normalise_label(plot)
        kept = tuple(e for e in self.exclusions if e[0] != pid)
        # None, NaN or pd.NA (an empty notebook cell) is no reason: not the text 'None'
        missing = reason is None or (pd.api.types.is_scalar(reason) and bool(pd.isna(reason)))
        return self.replace(exclusions=(*kept, (pid, "" if missing else str(reason))))

    @property
    def excluded_plots(self) -> pd.DataFrame:
        """Plots excluded with :meth:`exclude`: ``plot_id`` (block, treatment) and ``reason``."""
        labels = [c for c in ("site", "plot_id", "block", "treatment") if c in self.plots]
        reasons = dict(self.exclusions)
        ids = self.plots["plot_id"].astype(str)
        table = self.plots.loc[isin(ids, list(reasons)).to_numpy(), labels].copy()
        table["plot_id"] = table["plot_id"].astype(str)
        table["reason"] = table["plot_id"].map(reasons)
        return table.reset_index(drop=True)

    @property
    def missing_plots(self) -> pd.DataFrame:
        """Plots without a yield (empty mass or yield cell, or excluded): their label columns."""
        yield_kg_ha: pd.Series = self._yield_kg_ha  # type: ignore[attr-defined]
        labels = [c for c in ("site", "plot_id", "block", "treatment") if c in self.plots]
        return self.plots.loc[yield_kg_ha.isna().to_numpy(), labels].copy()

    def _summary(self) -> list[tuple[str, str]]:
        return _describe.summary_rows(
            crop=self.crop,
            protocol=self.protocol,
            standard_moisture_pct=float(self.standard_moisture_pct or 0.0),
            moisture_method=self.moisture_method,
            n_plots=self.n_plots,
            n_missing=len(self.missing_plots),
            treatments=self.treatment_order,
            control=self.control,
            design=str(self.design),
            factor_columns=self.design_columns()["factors"] if self.factors else (),
            replication=_describe.replication_note(self._design_df_error, n_sites=len(self.sites)),
            unit=self.unit,
            source_name=None if self.source is None else self.source.name,
        )

    def __repr__(self) -> str:
        order = self.treatment_order
        many = len(order) > _describe.SHOWN_TREATMENTS
        shown = f"{len(order)} ({', '.join(order[:3])}, ...)" if many else f"{order!r}"
        return (
            f"FieldTrial(crop={self.crop!r}, protocol={self.protocol!r}, "
            f"standard_moisture_pct={self.standard_moisture_pct!r}, "
            f"moisture_method={self.moisture_method!r}, plots={self.n_plots}, "
            f"treatments={shown}, control={self.control!r}, "
            f"design={self.design!r}" + (f", factors={self.factors!r})" if self.factors else ")")
        )

    def _repr_html_(self) -> str:
        return _describe.html_table(self._summary(), caption="FieldTrial")

    # --- statistics (delegating to yieldtrial.stats) ---
    # Methods added here pass the trial's stored settings (response, design, control,
    # treatment_order) to one public function in yieldtrial.stats and return its result.

    def design_columns(self) -> dict[str, Any]:
        """Columns of the plot table that carry the trial's design.

        Returns
        -------
        dict
            ``design``; ``block`` (column name or None); ``row`` and ``column``
            (Latin square and row-column design, else None); ``incomplete_block``
            (alpha design, else None); ``factors`` (the two treatment-factor
            columns of a two-factor design in design order, ``treatment`` filling
            in when one name was given; else ``("treatment",)``); ``block_effects``.
        """
        return _resolve.design_columns(
            str(self.design),
            self.factors,
            has_blocks=self.has_blocks,
            block_effects=self.block_effects,
            ddf=self.ddf,
        )

    def _analysis_data(self, unit: str | None = None) -> pd.DataFrame:
        """Return ``yields(unit)`` with the factor columns as text labels (``60.0`` -> ``"60"``).

        A factor other than ``treatment`` gets its levels in display order
        (:func:`yieldtrial.design.resolve.factor_level_order`).
        """
        # built once per trial and unit: a report asks for it about six times, and the
        # design fits it caches then share one table (5.9 million plots: 0.8 s and a
        # table of several hundred MB each time); callers get their own shallow copy, so
        # a column one of them sets or adds does not reach the kept one.  Before pandas 3
        # (no copy on write) the columns' values are shared too: no caller writes into
        # them in place (they set whole columns; the fits copy their rows with
        # ``private_rows``), tested with the kept arrays read-only in
        # tests/test_trial_analysis_data_shared.py (stop 38: a 20 MB table's report
        # 740 -> 696 MiB under pandas 2.0)
        key = yield_unit(self.unit if unit is None else unit)
        data = _kept_table(self, "_analysis_memo", key, lambda: self._build_analysis_data(unit))
        return data.copy(deep=False)

    def _build_analysis_data(self, unit: str | None) -> pd.DataFrame:
        """Build the table :meth:`_analysis_data` keeps (the uncached work)."""
        columns = self.design_columns()
        data = _analysis.analysis_data(
            self._single_trial_yields(unit),
            factors=self.factors,
            columns=columns,
            treatment_order=self.treatment_order,
        )
        for name in columns["factors"] if self.factors else ():
            if name != "treatment" and not data[name].isna().any():
                order = _resolve.factor_level_order(data, name, block=columns["block"])
                data[name] = pd.Categorical(data[name].astype(str), categories=list(order))
        return data

    @_warns_at_caller
    def anova(
        self, *, alpha: float = 0.05, unit: str | None = None
    ) -> AnovaResult | StrataAnova | FactorialAnova | MixedModelFit | AugmentedAnova:
        """Analysis of variance of the standardized yields (in the trial's unit, or ``unit``).

        Delegates to :func:`yieldtrial.stats.anova_tables.anova` with the trial's design
        and design columns (see :meth:`design_columns`); see there for the
        result's fields.

        Parameters
        ----------
        alpha : float
            Significance level of the LSD (split/strip plot: of the SED table's
            ``lsd`` column; factorial: of the interaction flag).

        unit : str, optional
            Unit of the yields analysed (``"kg/mu"``: column ``yield_kg_mu``, differences
            ``difference_kg_mu``, sums of squares in (kg/mu)^2); the trial's display
            unit (:attr:`unit`) by default; ``unit="kg/ha"`` for kg/ha.

        Returns
        -------
        AnovaResult or StrataAnova or FactorialAnova
            CRD, RCBD, Latin square: an ``AnovaResult`` (table ``source, df,
            sum_sq, mean_sq, f, p_value``, grand mean, MSE, error df, CV, SED,
            LSD, relative efficiency, provenance).  Split plot and strip plot: a
            ``StrataAnova`` (table by stratum, each F test against its
            stratum's error; ``sed`` per kind of comparison).  Factorial: a
            ``FactorialAnova`` (main effects, interaction, simple effects).
            Alpha and row-column designs, ``block_effects="random"``, and split/strip
            plots with missing plots: a ``MixedModelFit`` (REML; F tests with
            Satterthwaite df, variance components).  Augmented designs: an
            ``AugmentedAnova`` (Federer).

        Warns
        -----
        YieldTrialWarning
            A split plot (strip plot) fitted by REML whose whole-plot (strip) variance is
            estimated at zero: that error stratum is pooled with the residual, so the F test
            of the factor tested against it differs from the stratum ANOVA of the complete
            data (:func:`yieldtrial.stats.mixed.pooled_strata_messages`).  Said on every call.
            An augmented trial with random blocks and a block without a check plot with a
            yield: its entries are estimated without a block adjustment
            (:func:`yieldtrial.stats.augmented.unadjusted_entry_messages`).
        """
        result = _analysis.trial_anova(
            self._analysis_data(unit),
            columns=self.design_columns(),
            alpha=alpha,
            response=self._result_response(unit),
            treatment_order=self.treatment_order,
        )
        if hasattr(result, "variance_components"):  # a REML fit
            from yieldtrial.stats.mixed import MixedModelFit, warn_pooled_strata

            if isinstance(result, MixedModelFit):
                # an error stratum pooled, said on every call: the fit is cached (and shared
                # with the means and comparisons), so it cannot warn once for all
                warn_pooled_strata(result)
                from yieldtrial.stats._common import warn_at_caller

                for message in _analysis.unadjusted_entry_messages(
                    self._analysis_data(unit),
                    columns=self.design_columns(),
                    response=self._result_response(unit),
                ):  # random blocks: an augmented block without checks (stop 46)
                    warn_at_caller(message)
        return result

    @_warns_at_caller
    def means_model(
        self, kind: str | None = None, *, at: str | None = None, unit: str | None = None
    ) -> MeansModel:
        """LS-means of one factor with the covariance and df of the right error term.

        The bridge from the trial's design to the comparisons
        (:func:`yieldtrial.stats.compare.compare_means_to_control`,
        :func:`~yieldtrial.stats.compare.pairwise_means`,
        :func:`yieldtrial.stats.tables.means_table`,
        :func:`yieldtrial.stats.multiple_range.mean_separation`): whole-plot
        means of a split plot carry error a and its df, sub-plot means error b.

        Parameters
        ----------
        kind : str, optional
            CRD, RCBD, Latin square: None or ``"treatment"``.  Split plot: one
            of ``whole_plot``, ``sub_plot``, ``sub_plot_within_whole``,
            ``whole_plot_within_sub``, ``cells``; strip plot: ``horizontal``,
            ``vertical``, ``vertical_within_horizontal``,
            ``horizontal_within_vertical``, ``cells``; factorial: a factor
            column, ``"<A>:<B>"`` or ``cells`` (every combination).  For the
            two-factor designs a factor column name is accepted for its main
            means, and None means the ``treatment`` column when it is one of the
            factors (``factors`` gave one name), else the factor whose levels hold
            the control(s); otherwise ``kind`` is required.
        at : str, optional
            Level of the other factor for the ``*_within_*`` kinds (and, for a
            factorial, the simple effects of ``kind`` at that level).

        unit : str, optional
            Unit of the yields analysed (``"kg/mu"``: column ``yield_kg_mu``, differences
            ``difference_kg_mu``, sums of squares in (kg/mu)^2); the trial's display
            unit (:attr:`unit`) by default; ``unit="kg/ha"`` for kg/ha.

        Returns
        -------
        MeansModel
            Estimates, covariance, error df, error term, design and formula.

        Raises
        ------
        DataValidationError
            Unknown kind or level; ``kind`` needed but not given.
        """
        data = self._analysis_data(unit)
        columns = self.design_columns()
        return _analysis.means_model(
            data,
            columns=columns,
            treatment_order=self.treatment_order,
            kind=_analysis.control_kind(data, columns, self.control, kind),
            at=at,
            response=self._result_response(unit),
        )

    @_warns_at_caller
    def diagnostics(self, *, unit: str | None = None, **kwargs: Any) -> Diagnostics:
        """Residual checks, CV and error-df flags of the trial's design model.

        Delegates to :func:`yieldtrial.stats.residual_checks.diagnostics`; keyword
        arguments (``cv_warn_pct``, ``cv_strong_pct``, ``plot_id``, ...) are passed on.
        A factorial is checked on the residuals of its full model (every A x B
        combination as a treatment, plus blocks).

        Parameters
        ----------
        unit : str, optional
            Unit of the yields analysed (``"kg/mu"``: column ``yield_kg_mu``, differences
            ``difference_kg_mu``, sums of squares in (kg/mu)^2); the trial's display
            unit (:attr:`unit`) by default; ``unit="kg/ha"`` for kg/ha.
        **kwargs
            Passed on to :func:`yieldtrial.stats.residual_checks.diagnostics`.

        Returns
        -------
        Diagnostics
            Normality (Shapiro-Wilk; D'Agostino-Pearson above 5,000 residuals), Brown-Forsythe,
            outliers, CV flag and warnings.

        A split plot or strip plot is checked on the residuals of its innermost
        stratum (sub-plots, or strip intersections); the warnings say what the
        outer strata leave unchecked.  Designs analysed by REML (and augmented designs)
        are checked on the residuals of their intra-block model, every blocking factor
        fixed; a split or strip plot with missing plots is checked on the innermost-stratum
        residuals of its stratum model fitted by least squares to the observed plots.
        """
        from yieldtrial.stats.residual_checks import diagnostics as check

        _check_options("diagnostics", kwargs, check, (*_DESIGN_ROLES, "intra_block"))
        return _analysis.diagnostics(
            self._analysis_data(unit),
            columns=self.design_columns(),
            response=self._result_response(unit),
            **kwargs,
        )

    @_warns_at_caller
    def suspect_plots(self, *, unit: str | None = None, **kwargs: Any) -> pd.DataFrame:
        """List the plots whose record looks like a typing or weighing error (none removed).

        Delegates to :func:`yieldtrial.stats.trial_analysis.suspect_plots` (and so to
        :func:`yieldtrial.stats.screening.suspect_plots`) with the trial's standardized
        yields, design columns and the raw typed values (fresh mass, or the given yield
        column): the Bonferroni outlier test on the design model's externally
        studentized residuals and the model-free checks (far from the rest of the
        treatment, doubled/halved/decimal-shifted/swapped-digit values, moisture or
        area unlike the others, copied rows).  Excluded and missing plots are not
        screened.

        Parameters
        ----------
        unit : str, optional
            Unit of the yields screened (values and typical values of the yield checks);
            :data:`RESULT_UNIT` (kg/ha) by default.
        **kwargs
            ``alpha`` (outlier test, default 0.01), ``robust_limit``, ``pattern_limit``;
            see :func:`~yieldtrial.stats.screening.suspect_plots`.

        Returns
        -------
        DataFrame
            One row per finding: ``plot_id, treatment, block, check, variable, value,
            typical, ratio, statistic, p_value, p_value_adjusted, rule, pattern,
            message`` (empty when nothing is suspect).
        """
        from yieldtrial.stats.screening import suspect_plots as screen

        _check_options("suspect_plots", kwargs, screen, (*_DESIGN_ROLES, "raw"))
        return _analysis.suspect_plots(
            self._analysis_data(unit),
            columns=self.design_columns(),
            response=self._result_response(unit),
            raw=None if has_harvest_columns(self.plots) else input_yield_column(self.plots),
            **kwargs,
        )

    @_warns_at_caller
    def sensitivity(
        self,
        plots: Sequence[str] | str | int | None = None,
        *,
        alpha: float = 0.05,
        letters: str | None = "tukey",
        margin_pct: float | None = None,
        control: str | Sequence[str] | None = None,
        kind: str | None = None,
        contrasts: Sequence[tuple[str, str, str]] = (),
        unit: str | None = None,
        all_pairs: bool | None = None,
    ) -> pd.DataFrame:
        """Which verdicts change when one plot is treated as missing.

        Delegates to :func:`yieldtrial.stats.sensitivity.sensitivity`: for each plot
        (default: those :meth:`suspect_plots` flags) the design model is refitted
        without it (:meth:`exclude`) and every verdict a report states is compared:
        the ANOVA F test(s), Dunnett against the control(s), non-inferiority (with
        ``margin_pct``), the pairwise differences behind the letters and the named
        ``contrasts``.

        Parameters
        ----------
        plots : sequence of str, str or int, optional
            Plot ids (or one plot id); default the flagged plots.
        alpha : float
            Significance level of every verdict.
        letters : str or None
            Letter test (``"tukey"``, ``"lsd"``, ``"duncan"``, ``"snk"``, ``"scheffe"``).
        margin_pct : float, optional
            Non-inferiority margin [%].
        control, kind : optional
            Control(s) and which means (two-factor designs); see :meth:`means_model`.
        contrasts : sequence of (str, str, str)
            Named contrasts ``(name, treatment, versus)``, each a t test of
            treatment − versus on the design model's error term (as ``[[contrasts]]``).
        unit : str, optional
            Unit of ``estimate_with``/``estimate_without``; the trial's display unit by
            default (``"kg/ha"`` for kg/ha).
        all_pairs : bool, optional
            Letters rows: True every pair of treatments, False only the pairs whose
            outcome changes, None (default) every pair up to 30 treatments and only the
            changed ones above (the number checked in ``attrs["letter_pairs_checked"]``).

        Returns
        -------
        DataFrame
            One row per (plot, verdict): ``plot_id, treatment, block, verdict, subject,
            with_plot, without_plot, p_with, p_without, estimate_with, estimate_without,
            changed, statement``.
        """
        from yieldtrial.stats.sensitivity import sensitivity

        return sensitivity(
            self, plots, control=control, kind=kind, alpha=alpha, letters=letters,
            margin_pct=margin_pct, contrasts=contrasts, unit=unit, all_pairs=all_pairs,
        )  # fmt: skip

    @_warns_at_caller
    def compare_to_control(
        self,
        *,
        control: str | Sequence[str] | None = None,
        method: str = "dunnett",
        alternative: str = "two-sided",
        confidence: float = 0.95,
        margin_pct: float | None = None,
        kind: str | None = None,
        at: str | None = None,
        unit: str | None = None,
    ) -> pd.DataFrame:
        """Compare each treatment's LS-mean yield with the control(s).

        Delegates to :func:`yieldtrial.stats.compare.compare_to_control` with the
        trial's yields (``yield_<unit>``, the trial's display unit), design and blocks.

        Parameters
        ----------
        control : str or sequence of str, optional
            Control level(s); the trial's control(s) when omitted.
        method : {"dunnett", "t", "bonferroni", "holm"}
            Multiplicity adjustment within each control's family.
        alternative : {"two-sided", "greater", "less"}
            Direction of the alternative hypothesis.
        confidence : float
            Confidence level of the (simultaneous) intervals.
        margin_pct : float, optional
            Non-inferiority margin in % of the control mean, in [0, 100). [%]
        kind, at : str, optional
            Which means to compare, with the error term of their stratum (split
            plot: ``"whole_plot"`` uses error a, ``"sub_plot"`` error b); see
            :meth:`means_model`.  Required for two-factor designs unless the
            treatment column is one of the factors.  For means of a factor other
            than ``treatment``, ``control`` names a level of that factor.

        unit : str, optional
            Unit of the yields analysed (``"kg/mu"``: column ``yield_kg_mu``, differences
            ``difference_kg_mu``, sums of squares in (kg/mu)^2); the trial's display
            unit (:attr:`unit`) by default; ``unit="kg/ha"`` for kg/ha.

        Returns
        -------
        DataFrame
            One row per (control, treatment): LS-means, difference [unit] and % of
            control with CIs, statistic, df, p-values, verdicts and ``inference``.

        Raises
        ------
        DataValidationError
            The trial has no control and none is given, or an unknown control/method.
        """
        return _analysis.compare_to_control(
            self._analysis_data(unit),
            columns=self.design_columns(),
            treatment_order=self.treatment_order,
            trial_control=self.control,
            control=control,
            kind=kind,
            at=at,
            response=self._result_response(unit),
            method=method,
            alternative=alternative,
            confidence=confidence,
            margin_pct=margin_pct,
        )

    @_warns_at_caller
    def pairwise(
        self,
        *,
        method: str = "tukey",
        alpha: float = 0.05,
        protected: bool = True,
        kind: str | None = None,
        at: str | None = None,
        unit: str | None = None,
    ) -> pd.DataFrame:
        """All pairwise comparisons of the treatments' LS-mean yields.

        Delegates to :func:`yieldtrial.stats.compare.pairwise` (Tukey-Kramer, protected
        LSD, Bonferroni or Holm on the design model's error).

        Parameters
        ----------
        method : {"tukey", "lsd", "bonferroni", "holm"}
            Comparison procedure.
        alpha : float
            Significance level.
        protected : bool
            For ``"lsd"``: require a significant treatment F test first.
        kind, at : str, optional
            Which means to compare (error term of their stratum); see
            :meth:`means_model`.

        unit : str, optional
            Unit of the yields analysed (``"kg/mu"``: column ``yield_kg_mu``, differences
            ``difference_kg_mu``, sums of squares in (kg/mu)^2); the trial's display
            unit (:attr:`unit`) by default; ``unit="kg/ha"`` for kg/ha.

        Returns
        -------
        DataFrame
            One row per pair: difference [unit], SE, statistic, df, p-values, CI,
            ``reject`` and ``inference``; provenance in ``attrs``.
        """
        data = self._analysis_data(unit)
        columns = self.design_columns()
        return _analysis.pairwise(
            data,
            columns=columns,
            treatment_order=self.treatment_order,
            kind=_analysis.control_kind(data, columns, self.control, kind),
            at=at,
            response=self._result_response(unit),
            method=method,
            alpha=alpha,
            protected=protected,
        )

    @_warns_at_caller
    def means(
        self,
        *,
        letters: str | None = "tukey",
        alpha: float = 0.05,
        confidence: float = 0.95,
        kind: str | None = None,
        at: str | None = None,
        two_level: bool | str = False,
        unit: str | None = None,
        control: str | Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Means table: rank, LS-mean yield, SE, CI, difference and % vs control, letters.

        Delegates to :func:`yieldtrial.stats.tables.means` with the trial's
        control(s): ``difference``/``difference_pct``/``p_value_vs_control`` are
        against the first control, ``*_vs_control2`` columns against the second
        (same Dunnett families as :meth:`compare_to_control`).

        Parameters
        ----------
        letters : {"tukey", "lsd", "bonferroni", "holm"} or None
            Test behind the letters (highest mean gets ``a``).
        alpha : float
            Significance level of the letters.
        confidence : float
            Confidence level of each LS-mean's interval.
        kind, at : str, optional
            Which means (error term of their stratum); see :meth:`means_model`.
        two_level : bool or str, default False
            Add ``letters_05`` (lowercase) and ``letters_01`` (uppercase) columns:
            True for Duncan's test, or a test name (``"snk"``, ``"tukey"``,
            ``"scheffe"``, ``"lsd"``); see
            :func:`yieldtrial.stats.multiple_range.add_two_level_letters`.

        unit : str, optional
            Unit of the yields analysed (``"kg/mu"``: column ``yield_kg_mu``, differences
            ``difference_kg_mu``, sums of squares in (kg/mu)^2); the trial's display
            unit (:attr:`unit`) by default; ``unit="kg/ha"`` for kg/ha.
        control : str or sequence of str, optional
            Control(s) of the differences and Dunnett columns instead of the trial's: a
            level of the factor of ``kind`` for the means of a factor other than the
            treatment column (``kind="whole_plot", control="Victory"``).

        Returns
        -------
        DataFrame
            One row per treatment sorted by descending ``yield_<unit>`` (the trial's
            display unit, or ``unit``).
        """
        return _analysis.means(
            self._analysis_data(unit),
            columns=self.design_columns(),
            treatment_order=self.treatment_order,
            trial_control=self.control,
            control=control,
            kind=kind,
            at=at,
            two_level=two_level,
            response=self._result_response(unit),
            letters=letters,
            alpha=alpha,
            confidence=confidence,
        )

    # --- fertilizer efficiency and economics (yieldtrial.efficiency, yieldtrial.economics) ---

    @_warns_at_caller
    def efficiency(
        self, fertilizer: Mapping[str, Any] | None = None, *, nutrient: str = "N", **kwargs: Any
    ) -> pd.DataFrame:
        """Fertilizer-use efficiency (PFP, AE, RE, PE, IE, PNB) of each treatment.

        Delegates to :func:`yieldtrial.efficiency.trial_efficiency` with the trial's
        LS-means as yields (from :meth:`means_model`, for any design) and its first
        control as the reference of the notes.  Two-factor designs: the factor whose
        levels the fertilizer description names (or ``kind=``/``at=``).

        Parameters
        ----------
        fertilizer : mapping, optional
            Treatment -> product(s) with rates (see
            :func:`yieldtrial.nutrients.product_from_spec`); by default read from
            ``config=`` or the trial's metadata (``"fertilizer"``, ``"config"``, or
            ``"treatments"``, which ``yieldtrial.datasets.load_example`` fills from the
            example's ``trial.toml``, and :meth:`from_csv` / :meth:`from_dataframe` from
            their ``config=``).
        nutrient : str, default "N"
            Nutrient the efficiencies refer to (``"N"``, ``"P2O5"``, ``"P"``, ``"K2O"``, ``"K"``).
        **kwargs
            ``config``, ``zero_nutrient_treatment``, ``uptake``, ``removal``,
            ``reference``, ``metrics``, ``kind``, ``at``, ``confidence``; see
            :func:`yieldtrial.efficiency.trial_efficiency`.

        Returns
        -------
        DataFrame
            One row per treatment and metric with its inputs and notes.
        """
        from yieldtrial.efficiency.table import efficiency_table
        from yieldtrial.efficiency.trial_tables import trial_efficiency

        _check_options(
            "efficiency",
            kwargs,
            (trial_efficiency, efficiency_table),
            ("trial", "fertilizer", "nutrient", "yields"),
        )
        return trial_efficiency(self, fertilizer, nutrient=nutrient, **kwargs)

    @_warns_at_caller
    def economics(
        self,
        fertilizer: Mapping[str, Any] | None = None,
        *,
        grain_price_per_kg: float | None = None,
        currency: str | None = None,
        **kwargs: Any,
    ) -> pd.DataFrame:
        """Value-cost ratio and net return of each treatment against the control.

        Delegates to :func:`yieldtrial.economics.trial_economics`; when the trial is
        replicated the confidence interval of each yield difference is carried through.

        Parameters
        ----------
        fertilizer : mapping, optional
            Treatment -> product(s) with rates and ``price_per_kg``; by default
            read from ``config=`` or the trial's metadata.
        grain_price_per_kg : float, optional
            Grain price. [currency/kg]  By default, as every price and cost not
            given, from the ``[economics]`` table of ``config=`` or of the
            description the trial was read with (``metadata["economics"]``), as the
            report reads it (:func:`yieldtrial.efficiency.economics.economics_options`).
        currency : str, optional
            Currency of every price, stated in the table.
        **kwargs
            ``prices``, ``control``, ``confidence``, ``other_costs_per_ha``,
            ``config``, ``kind``, ``at``, ``warn_unused_prices``; see
            :func:`yieldtrial.economics.trial_economics`.

        Returns
        -------
        DataFrame
            One row per treatment other than the control; money per ha.

        Raises
        ------
        WrongTypeError
            If ``grain_price_per_kg`` or ``currency`` is neither given nor described (the
            message says what to pass; it was Python's "missing required keyword-only
            argument").
        """
        from yieldtrial.efficiency.economics import economics_options, trial_economics

        config = kwargs.get("config")
        described = economics_options(
            getattr(config, "economics", None) if config is not None
            else self.metadata.get("economics")
        )  # fmt: skip
        if grain_price_per_kg is None:
            grain_price_per_kg = described.get("grain_price_per_kg")
        if currency is None:
            currency = described.get("currency")
        for name in ("prices", "other_costs_per_ha"):
            if kwargs.get(name) is None and described.get(name):
                kwargs[name] = described[name]
        missing = [
            name
            for name, value in (("grain_price_per_kg", grain_price_per_kg), ("currency", currency))
            if value is None
        ]
        if grain_price_per_kg is None or currency is None:
            raise WrongTypeError(
                f"FieldTrial.economics() needs {' and '.join(f'{n}=' for n in missing)}: the "
                "price of the grain (currency per kg) and the currency of every price, e.g. "
                "trial.economics(grain_price_per_kg=2.5, currency='CNY'), or an [economics] "
                "table in the trial.toml read with FieldTrial.from_csv(..., config=)"
            )

        _check_options(
            "economics",
            kwargs,
            trial_economics,
            ("trial", "fertilizer", "grain_price_per_kg", "currency"),
        )
        return trial_economics(
            self, fertilizer, grain_price_per_kg=grain_price_per_kg, currency=currency, **kwargs
        )

    @_warns_at_caller
    def analyze_sites(self, *, by: str | Sequence[str] = "site", **kwargs: Any) -> NetworkResult:
        """Analyse each site (or other trial key) alone and summarize across sites.

        Delegates to :func:`yieldtrial.analyze_many` on :meth:`yields` with the trial's
        response (``yield_kg_ha`` at standard moisture), treatment, block, first control
        and design (``"rcbd"`` or ``"crd"``, the designs of ``analyze_many``).  A trial of
        another design (alpha, row-column, Latin square, split or strip plot) warns that its
        incomplete blocks, rows and columns or whole-plot errors are left out; analyse one
        site by its design with :meth:`site`.

        Parameters
        ----------
        by : str or sequence of str, default "site"
            Column(s) of the plot table that identify one trial.
        **kwargs
            Further options of :func:`yieldtrial.analyze_many` (``alpha``, ``sites``, ...).

        Returns
        -------
        NetworkResult
            Per-trial and per-treatment tables and the across-site summary.
        """
        from yieldtrial.network import analyze_many

        design = "rcbd" if self.has_blocks else "crd"
        left_out = _NOT_IN_SITE_MODELS.get(str(self.design))
        if left_out is not None:
            warnings.warn(
                f"analyze_sites analyses each site as {'an RCBD' if design == 'rcbd' else 'a CRD'}"
                f" (the designs of analyze_many), not as this trial's {self.design} design: its "
                f"{left_out} are not in the model. To analyse one site by its design, use "
                f"trial.site({self.sites[0] if self.sites else 'name'!r})",
                YieldTrialWarning,
                stacklevel=2,  # moved to the caller by _warns_at_caller
            )
        _check_options(
            "analyze_sites", kwargs, analyze_many, ("data", "by", "response", "treatment")
        )
        options: dict[str, Any] = {
            "block": "block" if design == "rcbd" else None,
            "control": self.control[0] if self.control else None,
            "design": design,
        }
        options.update(kwargs)
        with held_warnings():
            if left_out is not None:  # said above in the trial's terms: not again by the network
                warnings.filterwarnings(
                    "ignore",
                    message=r".*(incomplete blocks \(an incomplete_block column|row and column "
                    r"are numbered within each replicate)",
                    category=YieldTrialWarning,
                )
            return analyze_many(
                self.yields(), by=by, response=self.response, treatment="treatment", **options
            )

    @_warns_at_caller
    def report(self, config: Any = None, **kwargs: Any) -> Report:
        """Build the yield-test report of this trial.

        Delegates to :func:`yieldtrial.report.build.build_report`; render the
        result with ``to_html()``, ``to_markdown()``, ``to_json()``, ``to_docx()``
        or ``write(path)``.

        Parameters
        ----------
        config : TrialConfig or path, optional
            Trial description (title, site, treatments, margin, panel, ...), or the
            path of its ``trial.toml``.
        **kwargs
            ``lang``, ``unit``, ``margin_pct``, ``alpha``, ``letters``, ``title``,
            ``report_date``, ``figures``; see :func:`~yieldtrial.report.build.build_report`.

        Returns
        -------
        Report
            The report model.
        """
        from yieldtrial.report.build import build_report

        _check_options("report", kwargs, build_report, ("trial", "config"))
        if "extra_warnings" not in kwargs:  # as yieldtrial report lists them
            kwargs["extra_warnings"] = self._data_notes()
        return build_report(self, config, **kwargs)
