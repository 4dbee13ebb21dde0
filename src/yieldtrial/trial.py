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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

from yieldtrial import _validation
from yieldtrial._checks import check_option, check_range
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io import has_harvest_columns, input_yield_column, read_plots
from yieldtrial.units import convert_yield, unit_from_yield_column, yield_column, yield_unit

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.report.model import Report
    from yieldtrial.stats.anova import AnovaResult
    from yieldtrial.stats.diagnostics import Diagnostics

__all__ = ["DESIGNS", "FieldTrial"]

#: Designs a trial can declare.  ``None`` at construction means "rcbd" when the plot
#: table has a ``block`` column and "crd" otherwise.
DESIGNS: tuple[str, ...] = ("crd", "rcbd")

#: Above this standardized yield a plot is almost certainly a unit slip (area in
#: mu read as m2, mass in g read as kg): no grain crop yields 40 t/ha. [kg/ha]
IMPLAUSIBLE_YIELD_KG_HA = 40_000.0

# set by the classmethods: the plot table they pass was just validated by read_plots
_TRUSTED: contextvars.ContextVar[bool] = contextvars.ContextVar("yieldtrial_trusted", default=False)


def _frozen_mapping(metadata: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(metadata or {}))


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
    design : {"crd", "rcbd"}, optional
        "rcbd" when the table has a ``block`` column, else "crd".
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

    Raises
    ------
    DataValidationError
        Invalid plot data (see :func:`yieldtrial.read_plots`), an unknown crop,
        protocol, method, design or unit, a control label that is not a
        treatment, or a ``treatment_order`` that does not list each treatment once.

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
        design = self._design(plots)
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
        _set(self, "unit", unit)
        _set(self, "metadata", _frozen_mapping(self.metadata))
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
        if design == "rcbd" and "block" not in plots:
            raise DataValidationError(
                "design 'rcbd' needs a block column (block, rep, 重复, 区组); the plot table has "
                "none. Add the block of each plot, or use design='crd'"
            )
        return design

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
        sheet: str | int | None = None,
        encoding: str | None = None,
    ) -> FieldTrial:
        """Read a plot file (CSV, or ``.xlsx`` with the ``xlsx`` extra) into a trial.

        Parameters
        ----------
        path : path
            The plot table; see :func:`yieldtrial.read_plots` for formats and encodings.
        crop, control, protocol, standard_moisture_pct, moisture_method : see class
        shrink_pct_per_point, design, treatment_order, unit, metadata : see class
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
        plots = read_plots(file, columns=columns, sheet=sheet, encoding=encoding)
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        return cls._trusted(
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
            source=file,
            source_sha256=digest,
        )

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
    ) -> FieldTrial:
        """Build a trial from a DataFrame of plot records (never modified).

        Parameters
        ----------
        data : DataFrame
            Plot records, any recognised headers; see :func:`yieldtrial.read_plots`.
        crop, control, protocol, standard_moisture_pct, moisture_method : see class
        shrink_pct_per_point, design, treatment_order, unit, metadata : see class
        columns : mapping, optional
            Header renames, see :func:`yieldtrial.read_plots`.

        Returns
        -------
        FieldTrial
            The validated trial (``source`` is None).
        """
        plots = read_plots(data, columns=columns)
        return cls._trusted(
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
        )

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
        """Whether every treatment has more than one plot with a yield.

        A demonstration with one harvest per treatment supports no significance
        test; reports say so instead of printing p-values.
        """
        yield_kg_ha: pd.Series = self._yield_kg_ha  # type: ignore[attr-defined]
        counts = yield_kg_ha.notna().groupby(self.plots["treatment"]).sum()
        return bool((counts.reindex(list(self.treatment_order), fill_value=0) > 1).all())

    @property
    def missing_plots(self) -> pd.DataFrame:
        """Plots without a yield (empty mass or yield cell): their label columns."""
        yield_kg_ha: pd.Series = self._yield_kg_ha  # type: ignore[attr-defined]
        labels = [c for c in ("site", "plot_id", "block", "treatment") if c in self.plots]
        return self.plots.loc[yield_kg_ha.isna().to_numpy(), labels].copy()

    def _summary(self) -> list[tuple[str, str]]:
        missing = len(self.missing_plots)
        replicated = "" if self.is_replicated else " (not replicated: no significance tests)"
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
            ("design", f"{self.design}{replicated}"),
            ("display unit", self.unit),
        ]
        if self.source is not None:
            rows.append(("source", self.source.name))
        return rows

    def __repr__(self) -> str:
        return (
            f"FieldTrial(crop={self.crop!r}, protocol={self.protocol!r}, "
            f"standard_moisture_pct={self.standard_moisture_pct!r}, "
            f"moisture_method={self.moisture_method!r}, plots={self.n_plots}, "
            f"treatments={self.treatment_order!r}, control={self.control!r}, "
            f"design={self.design!r})"
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

    def anova(self, *, alpha: float = 0.05) -> AnovaResult:
        """Analysis of variance of the standardized yields (``yield_kg_ha``).

        Delegates to :func:`yieldtrial.stats.anova.anova` with the trial's design
        (blocks as a term for an RCBD); see there for the result's fields.

        Parameters
        ----------
        alpha : float
            Significance level of the LSD.

        Returns
        -------
        AnovaResult
            Table (``source, df, sum_sq, mean_sq, f, p_value``), grand mean, MSE,
            error df, CV, SED, LSD, relative efficiency and provenance.
        """
        from yieldtrial.stats.anova import anova

        return anova(
            self.yields(),
            response=self.response,
            treatment="treatment",
            block="block" if self.design == "rcbd" else None,
            design=str(self.design),
            alpha=alpha,
        )

    def diagnostics(self, **kwargs: Any) -> Diagnostics:
        """Residual checks, CV and error-df flags of the trial's design model.

        Delegates to :func:`yieldtrial.stats.diagnostics.diagnostics`; keyword
        arguments (``cv_warn_pct``, ``cv_strong_pct``, ``plot_id``, ...) are passed on.

        Returns
        -------
        Diagnostics
            Shapiro-Wilk, Brown-Forsythe, outliers, CV flag and warnings.
        """
        from yieldtrial.stats.diagnostics import diagnostics

        return diagnostics(
            self.yields(),
            response=self.response,
            treatment="treatment",
            block="block" if self.design == "rcbd" else None,
            design=str(self.design),
            **kwargs,
        )

    def _ordered_yields(self) -> pd.DataFrame:
        """Return the yields with ``treatment`` categorical in display order (controls first)."""
        data = self.yields()
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

        controls = self.control if control is None else control
        if not controls:
            raise DataValidationError(
                "the trial has no control treatment; pass control='<label>' "
                f"(treatments: {', '.join(self.treatment_order)})"
            )
        return compare_to_control(
            self._ordered_yields(),
            response=self.response,
            treatment="treatment",
            control=controls,
            block="block" if self.design == "rcbd" else None,
            design=str(self.design),
            method=method,
            alternative=alternative,
            confidence=confidence,
            margin_pct=margin_pct,
        )

    def pairwise(
        self, *, method: str = "tukey", alpha: float = 0.05, protected: bool = True
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

        Returns
        -------
        DataFrame
            One row per pair: difference [kg/ha], SE, statistic, df, p-values, CI,
            ``reject`` and ``inference``; provenance in ``attrs``.
        """
        from yieldtrial.stats.compare import pairwise

        return pairwise(
            self._ordered_yields(),
            response=self.response,
            treatment="treatment",
            block="block" if self.design == "rcbd" else None,
            design=str(self.design),
            method=method,
            alpha=alpha,
            protected=protected,
        )

    def means(
        self, *, letters: str | None = "tukey", alpha: float = 0.05, confidence: float = 0.95
    ) -> pd.DataFrame:
        """Means table: rank, LS-mean yield, SE, CI, difference and % vs control, letters.

        Delegates to :func:`yieldtrial.stats.tables.means` with the trial's first
        control as the reference.

        Parameters
        ----------
        letters : {"tukey", "lsd", "bonferroni", "holm"} or None
            Test behind the letters (highest mean gets ``a``).
        alpha : float
            Significance level of the letters.
        confidence : float
            Confidence level of each LS-mean's interval.

        Returns
        -------
        DataFrame
            One row per treatment sorted by descending ``yield_kg_ha``.
        """
        from yieldtrial.stats.tables import means

        return means(
            self._ordered_yields(),
            response=self.response,
            treatment="treatment",
            block="block" if self.design == "rcbd" else None,
            design=str(self.design),
            control=self.control[0] if self.control else None,
            letters=letters,
            alpha=alpha,
            confidence=confidence,
        )

    # --- fertilizer efficiency and economics (yieldtrial.efficiency, yieldtrial.economics) ---

    def efficiency(self, fertilizer: Mapping[str, Any] | None = None, *, nutrient: str = "N",
                   **kwargs: Any) -> pd.DataFrame:
        """Fertilizer-use efficiency (PFP, AE, RE, PE, IE, PNB) of each treatment.

        Delegates to :func:`yieldtrial.efficiency.trial_efficiency` with the trial's
        LS-means as yields and its first control as the reference of the notes.

        Parameters
        ----------
        fertilizer : mapping, optional
            Treatment -> product(s) with rates (see
            :func:`yieldtrial.nutrients.product_from_spec`); by default read from
            ``config=`` or the trial's metadata (``"fertilizer"``, ``"config"``).
        nutrient : str, default "N"
            Nutrient the efficiencies refer to (``"N"``, ``"P2O5"``, ``"P"``, ``"K2O"``, ``"K"``).
        **kwargs
            ``config``, ``zero_nutrient_treatment``, ``uptake``, ``removal``,
            ``reference``, ``metrics``; see :func:`yieldtrial.efficiency.efficiency_table`.

        Returns
        -------
        DataFrame
            One row per treatment and metric with its inputs and notes.
        """
        from yieldtrial.efficiency import trial_efficiency

        return trial_efficiency(self, fertilizer, nutrient=nutrient, **kwargs)

    def economics(self, fertilizer: Mapping[str, Any] | None = None, *,
                  grain_price_per_kg: float, currency: str, **kwargs: Any) -> pd.DataFrame:
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
            ``config``; see :func:`yieldtrial.economics.trial_economics`.

        Returns
        -------
        DataFrame
            One row per treatment other than the control; money per ha.
        """
        from yieldtrial.economics import trial_economics

        return trial_economics(self, fertilizer, grain_price_per_kg=grain_price_per_kg,
                               currency=currency, **kwargs)

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
