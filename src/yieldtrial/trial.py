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
import dataclasses
import hashlib
import html
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

from yieldtrial.design.detect import DESIGNS, TWO_FACTOR_DESIGNS, detect_design
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io import validation as _validation
from yieldtrial.io.checks import check_option, check_range
from yieldtrial.io.plots import has_harvest_columns, input_yield_column, read_plots
from yieldtrial.units import convert_yield, unit_from_yield_column, yield_column, yield_unit

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.network import NetworkResult
    from yieldtrial.report.model import Report
    from yieldtrial.stats.anova import AnovaResult
    from yieldtrial.stats.diagnostics import Diagnostics
    from yieldtrial.stats.factorial import FactorialAnova
    from yieldtrial.stats.results import MeansModel
    from yieldtrial.stats.splitplot import StrataAnova

__all__ = ["DESIGNS", "TWO_FACTOR_DESIGNS", "FieldTrial"]  # the constants are re-exported

#: The FieldTrial convenience methods whose imports reach a later stage (the report, the
#: network): the only exceptions to the import order of docs/architecture.md, checked by
#: tests/test_architecture.py.
FORWARD_METHODS: tuple[str, ...] = ("analyze_sites", "report")

#: Above this standardized yield a plot is almost certainly a unit slip (area in
#: mu read as m2, mass in g read as kg): no grain crop yields 40 t/ha. [kg/ha]
IMPLAUSIBLE_YIELD_KG_HA = 40_000.0

# set by the classmethods: the plot table they pass was just validated by read_plots
_TRUSTED: contextvars.ContextVar[bool] = contextvars.ContextVar("yieldtrial_trusted", default=False)


def _frozen_mapping(metadata: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(metadata or {}))


def _read_deferring_warnings(
    read: Callable[[], pd.DataFrame],
) -> tuple[pd.DataFrame, list[warnings.WarningMessage]]:
    """Run ``read`` and hold back its warnings, to be shown once the trial is built.

    A caller that retries a refused trial (e.g. without a control) would otherwise print the
    table's warnings once per attempt.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plots = read()
    return plots, list(caught)


def _reemit(caught: list[warnings.WarningMessage]) -> None:
    for item in caught:
        warnings.warn(item.message, item.category, stacklevel=3)


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
        a reduced-rate control).  Empty when the trial has none.
    protocol : str, default "cn-yield-test"
        Moisture protocol; see :data:`yieldtrial.protocols.PROTOCOLS`.
    standard_moisture_pct : float, optional
        Standard moisture; the protocol's value for the crop when omitted. [%]
    moisture_method : str, default "dry_matter"
        See :data:`yieldtrial.moisture.METHODS`.
    shrink_pct_per_point : float, optional
        Needed for ``moisture_method="shrink"``. [%/point]
    design : {"crd", "rcbd", "latin", "split_plot", "strip_plot", "factorial"}, optional
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
    treatment_order : tuple of str, optional
        Display order; control(s) first, then the order of first appearance.
    unit : str, default "kg/ha"
        Display unit for yields (analyses always use ``yield_kg_ha``).
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
        Moisture outside the crop's plausible harvest range (wheat at 5 %), or a
        standardized yield above 40 t/ha (likely an area or mass unit slip).
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

    # --- construction ---------------------------------------------------------------

    def __post_init__(self) -> None:
        from yieldtrial.moisture import METHODS
        from yieldtrial.protocols import (
            PROTOCOLS,
            canonical_crop,
            plausible_harvest_moisture_pct,
            standard_moisture_pct,
        )

        if not isinstance(self.plots, pd.DataFrame):
            raise TypeError(
                f"FieldTrial plots must be a pandas DataFrame; got {type(self.plots).__name__}. "
                "Use FieldTrial.from_csv(path, ...) for a file"
            )
        plots = self.plots if _TRUSTED.get() else read_plots(self.plots)
        crop = canonical_crop(self.crop)
        protocol = check_option("protocol", self.protocol, PROTOCOLS)
        if self.standard_moisture_pct is None:
            standard = standard_moisture_pct(crop, protocol=protocol)
        else:
            standard = float(self.standard_moisture_pct)
            check_range("standard_moisture_pct", standard, low=0, high=100)
        method = check_option("moisture_method", self.moisture_method, METHODS)
        present = [str(t) for t in pd.unique(plots["treatment"])]
        control = _validation.check_control(_validation.as_labels(self.control), present)
        order = self._order(present, control)
        detected = detect_design(plots) if self.design is None else None
        design = detected[0] if detected else self._design(plots)
        factors = self._factors(plots, design, default=detected[1] if detected else ())
        unit = yield_unit(self.unit)
        _set = object.__setattr__
        _set(self, "plots", plots)
        _set(self, "crop", crop)
        _set(self, "protocol", protocol)
        _set(self, "standard_moisture_pct", standard)
        _set(self, "moisture_method", method)
        _set(self, "control", control)
        _set(self, "treatment_order", order)
        _set(self, "design", design)
        _set(self, "factors", factors)
        _set(self, "unit", unit)
        metadata = dict(self.metadata or {})
        if detected:
            metadata.setdefault("design_source", f"detected from the layout ({detected[2]})")
        _set(self, "metadata", _frozen_mapping(metadata))
        _set(self, "source", None if self.source is None else Path(self.source))
        low, high = plausible_harvest_moisture_pct(crop)
        _validation.warn_implausible_moisture(plots, crop=crop, low=low, high=high)
        _set(self, "_yield_kg_ha", self._compute_yield_kg_ha())
        self._warn_implausible_yields()

    def _order(self, present: list[str], control: tuple[str, ...]) -> tuple[str, ...]:
        if self.treatment_order:
            order = _validation.as_labels(self.treatment_order)
            if sorted(order) != sorted(present):
                raise DataValidationError(
                    f"treatment_order must list each treatment exactly once; got {order!r}, "
                    f"treatments present: {tuple(present)!r}"
                )
            return order
        return control + tuple(t for t in present if t not in control)

    def _design(self, plots: pd.DataFrame) -> str:
        if self.design is None:
            return "rcbd" if "block" in plots else "crd"
        design = check_option("design", str(self.design).lower(), DESIGNS)
        if design in ("rcbd", "split_plot", "strip_plot") and "block" not in plots:
            alternative = ", or use design='crd'" if design == "rcbd" else ""
            raise DataValidationError(
                f"design {design!r} needs a block column (block, rep, 重复, 区组); the plot table "
                f"has none. Add the block of each plot{alternative}"
            )
        if design == "latin":
            absent = [c for c in ("row", "column") if c not in plots]
            if absent:
                raise DataValidationError(
                    f"design 'latin' needs row and column columns (the field position of each "
                    f"plot: row/行, column/col/列); the plot table has no {' or '.join(absent)} "
                    "column. Add them, or use design='rcbd'"
                )
        return design

    def _factors(
        self, plots: pd.DataFrame, design: str, *, default: tuple[str, ...] = ()
    ) -> tuple[str, ...]:
        names = _validation.as_labels(self.factors) or default
        if design not in TWO_FACTOR_DESIGNS:
            if names:
                raise DataValidationError(
                    f"factors={names!r} applies to the two-factor designs "
                    f"({', '.join(TWO_FACTOR_DESIGNS)}); this trial's design is {design!r}. Pass "
                    "design='split_plot', 'strip_plot' or 'factorial', or drop factors"
                )
            return ()
        roles = {
            "split_plot": ("whole-plot", "sub-plot"),
            "strip_plot": ("horizontal", "vertical"),
            "factorial": ("factor A", "factor B"),
        }[design]
        if not 1 <= len(names) <= 2:
            raise DataValidationError(
                f"design {design!r} needs factors=(<{roles[0]} column>, <{roles[1]} column>), or "
                f"factors=(<{roles[0]} column>,) with the treatment column as the {roles[1]} "
                f"factor; got factors={names!r}"
            )
        columns = names if len(names) == 2 else (names[0], "treatment")
        absent = [c for c in columns if c not in plots]
        if absent:
            raise DataValidationError(
                f"factor column(s) {', '.join(map(repr, absent))} not in the plot table; columns: "
                f"{', '.join(map(str, plots.columns))}. Name the {roles[0]} and {roles[1]} "
                "columns in factors="
            )
        if columns[0] == columns[1] or "block" in columns:
            raise DataValidationError(
                f"the two factors of a {design!r} must be two different columns other than "
                f"block; got {columns!r}"
            )
        return names

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        *,
        crop: str,
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
        sheet: str | int | None = None,
        encoding: str | None = None,
    ) -> FieldTrial:
        """Read a plot file (CSV, or ``.xlsx`` with the ``xlsx`` extra) into a trial.

        Parameters
        ----------
        path : path
            The plot table; see :func:`yieldtrial.read_plots` for formats and encodings.
        crop, control, protocol, standard_moisture_pct, moisture_method : see class
        shrink_pct_per_point, design, treatment_order, unit, metadata, factors : see class
        columns : mapping, optional
            Header renames, see :func:`yieldtrial.read_plots`.
        sheet : str or int, optional
            Worksheet of an ``.xlsx`` file.
        encoding : str, optional
            CSV encoding (UTF-8 or GB18030 detected by default).

        Returns
        -------
        FieldTrial
            The validated trial; ``source`` and ``source_sha256`` identify the file.
        """
        file = Path(path)
        plots, caught = _read_deferring_warnings(
            lambda: read_plots(file, columns=columns, sheet=sheet, encoding=encoding)
        )
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        trial = cls._trusted(
            plots,
            crop=crop,
            control=control,
            protocol=protocol,
            standard_moisture_pct=standard_moisture_pct,
            moisture_method=moisture_method,
            shrink_pct_per_point=shrink_pct_per_point,
            design=design,
            treatment_order=treatment_order,
            unit=unit,
            metadata=metadata,
            factors=_validation.as_labels(factors),
            source=file,
            source_sha256=digest,
        )
        _reemit(caught)
        return trial

    @classmethod
    def from_dataframe(
        cls,
        data: pd.DataFrame,
        *,
        crop: str,
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
    ) -> FieldTrial:
        """Build a trial from a DataFrame of plot records (never modified).

        Parameters
        ----------
        data : DataFrame
            Plot records, any recognised headers; see :func:`yieldtrial.read_plots`.
        crop, control, protocol, standard_moisture_pct, moisture_method : see class
        shrink_pct_per_point, design, treatment_order, unit, metadata, factors : see class
        columns : mapping, optional
            Header renames, see :func:`yieldtrial.read_plots`.

        Returns
        -------
        FieldTrial
            The validated trial (``source`` is None).
        """
        plots, caught = _read_deferring_warnings(lambda: read_plots(data, columns=columns))
        trial = cls._trusted(
            plots,
            crop=crop,
            control=control,
            protocol=protocol,
            standard_moisture_pct=standard_moisture_pct,
            moisture_method=moisture_method,
            shrink_pct_per_point=shrink_pct_per_point,
            design=design,
            treatment_order=treatment_order,
            unit=unit,
            metadata=metadata,
            factors=_validation.as_labels(factors),
        )
        _reemit(caught)
        return trial

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
        """
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
            return dataclasses.replace(self, **changes)
        finally:
            _TRUSTED.reset(token)

    # --- yields ---------------------------------------------------------------------

    def _compute_yield_kg_ha(self) -> pd.Series:
        plots = self.plots
        if has_harvest_columns(plots):
            mass = self._standardized_mass_kg()
            return (mass / plots["harvested_area_m2"] * 10_000.0).rename("yield_kg_ha")
        column = input_yield_column(plots)
        if column is None:  # pragma: no cover - read_plots guarantees one or the other
            raise DataValidationError("the plot table has neither harvest columns nor a yield")
        given = unit_from_yield_column(column) or "kg/ha"
        values = convert_yield(plots[column].astype(float), given, "kg/ha", crop=self.crop)
        return pd.Series(values, index=plots.index, name="yield_kg_ha", dtype=float)

    def _standardized_mass_kg(self) -> pd.Series:
        from yieldtrial.harvest import standardized_mass_kg

        plots = self.plots

        def column(name: str, default: float) -> pd.Series | float:
            return plots[name].astype(float) if name in plots else default

        mass = standardized_mass_kg(
            plots["fresh_mass_kg"].astype(float),
            moisture_pct=plots["moisture_pct"].astype(float),
            standard_moisture_pct=float(self.standard_moisture_pct or 0.0),
            impurity_pct=column("impurity_pct", 0.0),
            empty_grain_pct=column("empty_grain_pct", 0.0),
            shelling_pct=column("shelling_pct", 100.0),
            method=self.moisture_method,
            shrink_pct_per_point=self.shrink_pct_per_point,
        )
        return pd.Series(mass, index=plots.index, name="standardized_mass_kg", dtype=float)

    def _warn_implausible_yields(self) -> None:
        import warnings

        values: pd.Series = self._yield_kg_ha  # type: ignore[attr-defined]
        high = values > IMPLAUSIBLE_YIELD_KG_HA
        if high.any():
            items = [
                f"plot {pid!r} = {value:,.0f} kg/ha"
                for pid, value in zip(self.plots.loc[high, "plot_id"], values[high], strict=True)
            ]
            warnings.warn(
                f"standardized yield above {IMPLAUSIBLE_YIELD_KG_HA:,.0f} kg/ha: "
                f"{_validation.list_items(items)}. Check the units: is the area in mu or ha but "
                "read as m2 (name the column harvested_area_mu / 面积(亩)), or the mass in g or "
                "jin but read as kg?",
                YieldTrialWarning,
                stacklevel=4,
            )

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
            [kg/ha] and ``yield_<unit>``.  Missing plots have NaN yields.
        """
        target = yield_unit(unit or self.unit)
        table = self.plots.copy()
        harvest = has_harvest_columns(self.plots)
        if harvest:
            table["standardized_mass_kg"] = self._standardized_mass_kg()
        table["standard_moisture_pct"] = float(self.standard_moisture_pct or 0.0)
        table["moisture_method"] = self.moisture_method if harvest else "given"
        yield_kg_ha: pd.Series = self._yield_kg_ha  # type: ignore[attr-defined]
        table["yield_kg_ha"] = yield_kg_ha
        column = yield_column(target)
        if column not in table:
            table[column] = convert_yield(yield_kg_ha, "kg/ha", target, crop=self.crop)
        provenance = {
            "crop": self.crop,
            "protocol": self.protocol,
            "standard_moisture_pct": self.standard_moisture_pct,
            "moisture_method": self.moisture_method,
            "source": None if self.source is None else str(self.source),
            "source_sha256": self.source_sha256,
        }
        table.attrs = {**self.plots.attrs, "provenance": provenance}
        return table

    # --- description ----------------------------------------------------------------

    @property
    def treatments(self) -> tuple[str, ...]:
        """Treatment labels in display order (control(s) first)."""
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
        reports say so instead of printing p-values.  Computed once (a design
        model fit, :func:`yieldtrial.stats.model.fit`) and cached.

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
        from yieldtrial.stats.model import fit

        cols = self.design_columns()
        design = cols["design"]
        data = self._analysis_data()
        if design in TWO_FACTOR_DESIGNS:
            first, second = cols["factors"]
            data["_cell"] = data[first].astype(str) + " x " + data[second].astype(str)
            model = fit(data, response=self.response, treatment="_cell", block=cols["block"],
                        design="crd" if cols["block"] is None else "rcbd")  # fmt: skip
        else:
            model = fit(data, response=self.response, treatment="treatment", block=cols["block"],
                        design=design, row=cols["row"], column=cols["column"])  # fmt: skip
        object.__setattr__(self, "_df_error_cache", int(model.df_error))
        return int(model.df_error)

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
        sites = self.sites
        if not sites:
            raise DataValidationError(
                "the plot table has no site column; site() selects one site of a multi-site table"
            )
        label = _validation.as_labels(name)[0]
        if label not in sites:
            raise DataValidationError(
                f"site {label!r} is not in the plot table; sites present: "
                f"{_validation.list_items((repr(s) for s in sites), limit=20)}"
            )
        plots = self.plots.loc[self.plots["site"].astype(str) == label].copy()
        present = {str(t) for t in plots["treatment"]}
        absent = [c for c in self.control if c not in present]
        if absent:
            raise DataValidationError(
                f"control {', '.join(map(repr, absent))} has no plot at site {label!r} "
                f"(treatments there: {', '.join(sorted(present))}); pick another site or set "
                "another control with trial.replace(control=...) first"
            )
        token = _TRUSTED.set(True)  # a subset of validated plots is valid
        try:
            return dataclasses.replace(
                self,
                plots=plots,
                treatment_order=tuple(t for t in self.treatment_order if t in present),
                metadata={**self.metadata, "site": label},
            )
        finally:
            _TRUSTED.reset(token)

    def _single_trial_yields(self) -> pd.DataFrame:
        """:meth:`yields` for one trial's statistics; refuses pooled sites and empty treatments.

        Every single-trial statistics method (ANOVA, LS-means, comparisons,
        letters, diagnostics, :attr:`is_replicated`) reads its data here.
        """
        sites = self.sites
        if len(sites) > 1:
            shown = _validation.list_items((repr(s) for s in sites), limit=10)
            raise DataValidationError(
                f"the plot table holds {len(sites)} sites ({shown}) in its site column; a "
                "single-trial analysis would pool them (block '1' of every site merged into one "
                f"block). Analyse one site with trial.site({sites[0]!r}), or every site with "
                "trial.analyze_sites(by='site') (command line: yieldtrial network PLOTS --by "
                "site, or keep one site's rows in the file)"
            )
        data = self.yields()
        observed = data[self.response].notna()
        counts = observed.groupby(data["treatment"].astype(str)).sum()
        empty = [t for t in self.treatment_order if counts.get(t, 0) == 0]
        if empty:
            parts = []
            for t in empty:
                ids = data.loc[data["treatment"].astype(str) == t, "plot_id"]
                shown = _validation.list_items(repr(str(i)) for i in ids)
                parts.append(f"{t!r} (plots {shown})")
            many = len(empty) > 1
            raise DataValidationError(
                f"treatment{'s' if many else ''} {'; '.join(parts)} "
                f"{'have' if many else 'has'} no observed yield: every plot is missing (empty "
                "mass or yield), so no mean can be estimated and the trial cannot be analysed "
                f"with {'them' if many else 'it'}. Delete {'their' if many else 'its'} rows from "
                "the plot table (and from the control and treatment list) to analyse the other "
                "treatments, or fill in the harvest data"
            )
        return data

    @property
    def missing_plots(self) -> pd.DataFrame:
        """Plots without a yield (empty mass or yield cell): their label columns."""
        yield_kg_ha: pd.Series = self._yield_kg_ha  # type: ignore[attr-defined]
        labels = [c for c in ("site", "plot_id", "block", "treatment") if c in self.plots]
        return self.plots.loc[yield_kg_ha.isna().to_numpy(), labels].copy()

    def _summary(self) -> list[tuple[str, str]]:
        missing = len(self.missing_plots)
        try:
            replicated = "" if self.is_replicated else " (not replicated: no significance tests)"
        except DataValidationError:  # several sites, or a treatment without any yield
            replicated = (
                f" ({len(self.sites)} sites: analyse with analyze_sites() or site())"
                if len(self.sites) > 1
                else " (a treatment has no observed yield)"
            )
        rows = [
            ("crop", self.crop),
            ("protocol", self.protocol),
            (
                "standard moisture",
                f"{self.standard_moisture_pct:g} % ({self.moisture_method.replace('_', ' ')})",
            ),
            ("plots", f"{self.n_plots}" + (f" ({missing} missing)" if missing else "")),
            ("treatments", ", ".join(self.treatment_order)),
            ("control", ", ".join(self.control) if self.control else "none"),
            ("design", f"{self.design}{self._factors_note()}{replicated}"),
            ("display unit", self.unit),
        ]
        if self.source is not None:
            rows.append(("source", self.source.name))
        return rows

    def _factors_note(self) -> str:
        if not self.factors:
            return ""
        first, second = self.design_columns()["factors"]
        return f" ({first} x {second})"

    def __repr__(self) -> str:
        return (
            f"FieldTrial(crop={self.crop!r}, protocol={self.protocol!r}, "
            f"standard_moisture_pct={self.standard_moisture_pct!r}, "
            f"moisture_method={self.moisture_method!r}, plots={self.n_plots}, "
            f"treatments={self.treatment_order!r}, control={self.control!r}, "
            f"design={self.design!r}" + (f", factors={self.factors!r})" if self.factors else ")")
        )

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in self._summary()
        )
        return f"<table><caption>FieldTrial</caption>{cells}</table>"

    # --- statistics (delegating to yieldtrial.stats) ---
    # Methods added here pass the trial's stored settings (response, design, control,
    # treatment_order) to one public function in yieldtrial.stats and return its result.

    def design_columns(self) -> dict[str, Any]:
        """Columns of the plot table that carry the trial's design.

        Returns
        -------
        dict
            ``design``; ``block`` (column name or None); ``row`` and ``column``
            (Latin square, else None); ``factors`` (the two treatment-factor
            columns of a two-factor design in design order, ``treatment`` filling
            in when one name was given; else ``("treatment",)``).
        """
        design = str(self.design)
        if design in TWO_FACTOR_DESIGNS:
            names = tuple(self.factors)
            factors: tuple[str, ...] = names if len(names) == 2 else (names[0], "treatment")
        else:
            factors = ("treatment",)
        uses_block = design in ("rcbd", "split_plot", "strip_plot") or (
            design == "factorial" and self.has_blocks
        )
        latin = design == "latin"
        return {
            "design": design,
            "block": "block" if uses_block else None,
            "row": "row" if latin else None,
            "column": "column" if latin else None,
            "factors": factors,
        }

    def _analysis_data(self) -> pd.DataFrame:
        """Return ``yields()`` with the factor columns as text labels (``60.0`` -> ``"60"``)."""
        data = self._single_trial_yields()
        for name in self.factors:
            values = data[name]
            if not (pd.api.types.is_string_dtype(values) or values.isna().any()):
                data[name] = pd.Series(
                    _validation.as_labels(values.tolist()), index=data.index, dtype=object
                )
        if "treatment" in self.design_columns()["factors"] and self.factors:
            # treatment is one of the two factors: its levels in display order
            data["treatment"] = pd.Categorical(
                data["treatment"].astype(str), categories=list(self.treatment_order)
            )
        return data

    def anova(self, *, alpha: float = 0.05) -> AnovaResult | StrataAnova | FactorialAnova:
        """Analysis of variance of the standardized yields (``yield_kg_ha``).

        Delegates to :func:`yieldtrial.stats.anova.anova` with the trial's design
        and design columns (see :meth:`design_columns`); see there for the
        result's fields.

        Parameters
        ----------
        alpha : float
            Significance level of the LSD (split/strip plot: of the SED table's
            ``lsd`` column; factorial: of the interaction flag).

        Returns
        -------
        AnovaResult or StrataAnova or FactorialAnova
            CRD, RCBD, Latin square: an ``AnovaResult`` (table ``source, df,
            sum_sq, mean_sq, f, p_value``, grand mean, MSE, error df, CV, SED,
            LSD, relative efficiency, provenance).  Split plot and strip plot: a
            ``StrataAnova`` (table by stratum, each F test against its
            stratum's error; ``sed`` per kind of comparison).  Factorial: a
            ``FactorialAnova`` (main effects, interaction, simple effects).
        """
        from yieldtrial.stats.anova import anova

        cols = self.design_columns()
        design = cols["design"]
        data = self._analysis_data()
        if design in TWO_FACTOR_DESIGNS:
            first, second = cols["factors"]
            names = {
                "split_plot": ("whole_plot", "sub_plot"),
                "strip_plot": ("horizontal", "vertical"),
                "factorial": ("factor_a", "factor_b"),
            }[design]
            return anova(
                data,
                response=self.response,
                block=cols["block"],
                design=design,
                alpha=alpha,
                **{names[0]: first, names[1]: second},
            )
        return anova(
            data,
            response=self.response,
            treatment="treatment",
            block=cols["block"],
            design=design,
            row=cols["row"],
            column=cols["column"],
            alpha=alpha,
        )

    def means_model(self, kind: str | None = None, *, at: str | None = None) -> MeansModel:
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
            factors (``factors`` gave one name); otherwise ``kind`` is required.
        at : str, optional
            Level of the other factor for the ``*_within_*`` kinds (and, for a
            factorial, the simple effects of ``kind`` at that level).

        Returns
        -------
        MeansModel
            Estimates, covariance, error df, error term, design and formula.

        Raises
        ------
        DataValidationError
            Unknown kind or level; ``kind`` needed but not given.
        """
        from yieldtrial.stats.factorial import FactorialAnova
        from yieldtrial.stats.model import fit
        from yieldtrial.stats.splitplot import StrataAnova

        cols = self.design_columns()
        design = cols["design"]
        if design not in TWO_FACTOR_DESIGNS:
            if kind not in (None, "treatment"):
                raise DataValidationError(
                    f"a {design!r} trial has one treatment factor; means_model() takes "
                    f"kind=None or 'treatment', got {kind!r}"
                )
            if at is not None:
                raise DataValidationError(f"at= applies to two-factor designs, not {design!r}")
            return fit(
                self._ordered_analysis_data(),
                response=self.response,
                treatment="treatment",
                block=cols["block"],
                design=design,
                row=cols["row"],
                column=cols["column"],
            ).means_model()
        first, second = cols["factors"]
        result = self.anova()
        if isinstance(result, FactorialAnova):
            choices: tuple[str, ...] = (first, second, result.interaction, "cells")
        elif isinstance(result, StrataAnova):
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
                f"unknown kind {kind!r} for this {design!r} trial; expected one of "
                f"{', '.join(choices)}"
            )
        if not isinstance(result, StrataAnova):
            return result.means_model(result.interaction if kind == "cells" else kind, at=at)
        if kind in (first, second):
            main = result.comparisons[:2]  # whole_plot/sub_plot or horizontal/vertical
            kind = main[0] if kind == first else main[1]
        return result.means_model(kind, at=at)

    def _ordered_analysis_data(self) -> pd.DataFrame:
        """:meth:`_analysis_data` with ``treatment`` categorical in display order."""
        data = self._analysis_data()
        data["treatment"] = pd.Categorical(
            data["treatment"].astype(str), categories=list(self.treatment_order)
        )
        return data

    def diagnostics(self, **kwargs: Any) -> Diagnostics:
        """Residual checks, CV and error-df flags of the trial's design model.

        Delegates to :func:`yieldtrial.stats.diagnostics.diagnostics`; keyword
        arguments (``cv_warn_pct``, ``cv_strong_pct``, ``plot_id``, ...) are passed on.
        A factorial is checked on the residuals of its full model (every A x B
        combination as a treatment, plus blocks).

        Returns
        -------
        Diagnostics
            Shapiro-Wilk, Brown-Forsythe, outliers, CV flag and warnings.

        A split plot or strip plot is checked on the residuals of its innermost
        stratum (sub-plots, or strip intersections); the warnings say what the
        outer strata leave unchecked.
        """
        from yieldtrial.stats.diagnostics import diagnostics

        cols = self.design_columns()
        design = cols["design"]
        if design in ("split_plot", "strip_plot"):
            first, second = cols["factors"]
            names = ("whole_plot", "sub_plot") if design == "split_plot" else (
                "horizontal", "vertical")  # fmt: skip
            return diagnostics(
                self._analysis_data(),
                response=self.response,
                block=cols["block"],
                design=design,
                **{names[0]: first, names[1]: second},
                **kwargs,
            )
        if design == "factorial":
            # residuals of the full model: every A x B combination (+ blocks)
            first, second = cols["factors"]
            data = self._analysis_data()
            cell = f"{first}:{second}"
            data[cell] = data[first].astype(str) + ":" + data[second].astype(str)
            block = cols["block"]
            return diagnostics(
                data,
                response=self.response,
                treatment=cell,
                block=block,
                design="crd" if block is None else "rcbd",
                **kwargs,
            )
        latin = {"row": cols["row"], "column": cols["column"]} if design == "latin" else {}
        return diagnostics(
            self._single_trial_yields(),
            response=self.response,
            treatment="treatment",
            block=cols["block"],
            design=design,
            **latin,
            **kwargs,
        )

    # --- comparisons on the right error term (two-factor designs, kind=, two-level letters) ---

    def _comparison_means(
        self, kind: str | None, at: str | None, control: str | Sequence[str] | None
    ) -> tuple[MeansModel, tuple[str, ...]]:
        """MeansModel of ``kind`` and the controls that apply to it (given, else the trial's)."""
        mm = self.means_model(kind, at=at)
        if control is not None:
            return mm, _validation.as_labels(control)
        return mm, (self.control if mm.factor == "treatment" else ())

    def _compare_via_model(
        self, kind: str | None, at: str | None, control: str | Sequence[str] | None, **options: Any
    ) -> pd.DataFrame:
        from yieldtrial.stats.compare import compare_means_to_control

        mm, controls = self._comparison_means(kind, at, control)
        if not controls:
            raise DataValidationError(
                f"no control level for the {mm.factor!r} means ({mm.error_term}); pass "
                f"control='<level>' (levels: {', '.join(mm.levels)})"
            )
        return compare_means_to_control(mm, control=list(controls), **options)

    def _pairwise_via_model(self, kind: str | None, at: str | None, **options: Any) -> pd.DataFrame:
        from yieldtrial.stats.compare import pairwise_means

        return pairwise_means(self.means_model(kind, at=at), **options)

    def _means_via_model(
        self, kind: str | None, at: str | None, two_level: bool | str, **options: Any
    ) -> pd.DataFrame:
        from yieldtrial.stats.multiple_range import add_two_level_letters
        from yieldtrial.stats.tables import means_table

        mm, controls = self._comparison_means(kind, at, None)
        table = means_table(mm, control=list(controls) if controls else None, **options)
        if two_level:
            test = "duncan" if two_level is True else str(two_level)
            table = add_two_level_letters(table, mm, test=test)
        return table

    def _model_columns(self) -> dict[str, str | None]:
        """Return the design columns of the trial's model (block; row and column for latin)."""
        latin = self.design == "latin"
        return {
            "block": "block" if self.design == "rcbd" else None,
            "row": "row" if latin else None,
            "column": "column" if latin else None,
        }

    def _ordered_yields(self) -> pd.DataFrame:
        """Return the yields with ``treatment`` categorical in display order (controls first)."""
        data = self._single_trial_yields()
        data["treatment"] = pd.Categorical(
            data["treatment"].astype(str), categories=list(self.treatment_order)
        )
        return data

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
    ) -> pd.DataFrame:
        """Compare each treatment's LS-mean yield with the control(s).

        Delegates to :func:`yieldtrial.stats.compare.compare_to_control` with the
        trial's yields (``yield_kg_ha``), design and blocks.

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
            Non-inferiority margin in % of the control mean. [%]
        kind, at : str, optional
            Which means to compare, with the error term of their stratum (split
            plot: ``"whole_plot"`` uses error a, ``"sub_plot"`` error b); see
            :meth:`means_model`.  Required for two-factor designs unless the
            treatment column is one of the factors.  For means of a factor other
            than ``treatment``, ``control`` names a level of that factor.

        Returns
        -------
        DataFrame
            One row per (control, treatment): LS-means, difference [kg/ha] and % of
            control with CIs, statistic, df, p-values, verdicts and ``inference``.

        Raises
        ------
        DataValidationError
            The trial has no control and none is given, or an unknown control/method.
        """
        from yieldtrial.stats.compare import compare_to_control

        if kind is not None or at is not None or self.design in TWO_FACTOR_DESIGNS:
            return self._compare_via_model(
                kind, at, control, method=method, alternative=alternative,
                confidence=confidence, margin_pct=margin_pct,
            )  # fmt: skip
        controls = self.control if control is None else control
        if not controls:
            raise DataValidationError(
                "the trial has no control treatment; pass control='<label>' "
                f"(treatments: {', '.join(self.treatment_order)})"
            )
        return compare_to_control(
            self._ordered_yields(),
            **self._model_columns(),
            response=self.response,
            treatment="treatment",
            control=controls,
            design=str(self.design),
            method=method,
            alternative=alternative,
            confidence=confidence,
            margin_pct=margin_pct,
        )

    def pairwise(
        self,
        *,
        method: str = "tukey",
        alpha: float = 0.05,
        protected: bool = True,
        kind: str | None = None,
        at: str | None = None,
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

        Returns
        -------
        DataFrame
            One row per pair: difference [kg/ha], SE, statistic, df, p-values, CI,
            ``reject`` and ``inference``; provenance in ``attrs``.
        """
        from yieldtrial.stats.compare import pairwise

        if kind is not None or at is not None or self.design in TWO_FACTOR_DESIGNS:
            return self._pairwise_via_model(
                kind, at, method=method, alpha=alpha, protected=protected
            )
        return pairwise(
            self._ordered_yields(),
            **self._model_columns(),
            response=self.response,
            treatment="treatment",
            design=str(self.design),
            method=method,
            alpha=alpha,
            protected=protected,
        )

    def means(
        self,
        *,
        letters: str | None = "tukey",
        alpha: float = 0.05,
        confidence: float = 0.95,
        kind: str | None = None,
        at: str | None = None,
        two_level: bool | str = False,
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

        Returns
        -------
        DataFrame
            One row per treatment sorted by descending ``yield_kg_ha``.
        """
        from yieldtrial.stats.tables import means

        if kind is not None or at is not None or two_level or self.design in TWO_FACTOR_DESIGNS:
            return self._means_via_model(
                kind, at, two_level, letters=letters, alpha=alpha, confidence=confidence
            )
        return means(
            self._ordered_yields(),
            **self._model_columns(),
            response=self.response,
            treatment="treatment",
            design=str(self.design),
            control=list(self.control) if self.control else None,
            letters=letters,
            alpha=alpha,
            confidence=confidence,
        )

    # --- fertilizer efficiency and economics (yieldtrial.efficiency, yieldtrial.economics) ---

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
            example's ``trial.toml``).
        nutrient : str, default "N"
            Nutrient the efficiencies refer to (``"N"``, ``"P2O5"``, ``"P"``, ``"K2O"``, ``"K"``).
        **kwargs
            ``config``, ``zero_nutrient_treatment``, ``uptake``, ``removal``,
            ``reference``, ``metrics``, ``kind``, ``at``; see
            :func:`yieldtrial.efficiency.trial_efficiency`.

        Returns
        -------
        DataFrame
            One row per treatment and metric with its inputs and notes.
        """
        from yieldtrial.efficiency.trial_tables import trial_efficiency

        return trial_efficiency(self, fertilizer, nutrient=nutrient, **kwargs)

    def economics(
        self,
        fertilizer: Mapping[str, Any] | None = None,
        *,
        grain_price_per_kg: float,
        currency: str,
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
        grain_price_per_kg : float
            Grain price. [currency/kg]
        currency : str
            Currency of every price, stated in the table.
        **kwargs
            ``prices``, ``control``, ``confidence``, ``other_costs_per_ha``,
            ``config``, ``kind``, ``at``; see :func:`yieldtrial.economics.trial_economics`.

        Returns
        -------
        DataFrame
            One row per treatment other than the control; money per ha.
        """
        from yieldtrial.efficiency.economics import trial_economics

        return trial_economics(
            self, fertilizer, grain_price_per_kg=grain_price_per_kg, currency=currency, **kwargs
        )

    def analyze_sites(self, *, by: str | Sequence[str] = "site", **kwargs: Any) -> NetworkResult:
        """Analyse each site (or other trial key) alone and summarize across sites.

        Delegates to :func:`yieldtrial.analyze_many` on :meth:`yields` with the trial's
        response (``yield_kg_ha`` at standard moisture), treatment, block, first control
        and design (``"rcbd"`` or ``"crd"``).

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
        options: dict[str, Any] = {
            "block": "block" if design == "rcbd" else None,
            "control": self.control[0] if self.control else None,
            "design": design,
        }
        options.update(kwargs)
        return analyze_many(
            self.yields(), by=by, response=self.response, treatment="treatment", **options
        )

    def report(self, config: Any = None, **kwargs: Any) -> Report:
        """Build the yield-test report of this trial.

        Delegates to :func:`yieldtrial.report.build.build_report`; render the
        result with ``to_html()``, ``to_markdown()``, ``to_json()``, ``to_docx()``
        or ``write(path)``.

        Parameters
        ----------
        config : TrialConfig, optional
            Trial description (title, site, treatments, margin, panel, ...).
        **kwargs
            ``lang``, ``unit``, ``margin_pct``, ``alpha``, ``letters``, ``title``,
            ``report_date``, ``figures``; see :func:`~yieldtrial.report.build.build_report`.

        Returns
        -------
        Report
            The report model.
        """
        from yieldtrial.report.build import build_report

        return build_report(self, config, **kwargs)
