"""Resolved settings of one report: the trial description, then arguments, then defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.config import TrialConfig, check_setting
from yieldtrial.errors import DataValidationError
from yieldtrial.io.validation import not_treatments
from yieldtrial.report._format import attr_or
from yieldtrial.report.i18n import check_lang, default_unit

__all__ = ["ReportSettings", "resolve_settings"]


@dataclass
class ReportSettings:
    """Resolved settings of one report (config file, then arguments, then defaults)."""

    lang: str
    unit: str
    ycol: str
    dcol: str
    factor: float
    controls: tuple[str, ...]
    alpha: float
    letters: str
    margin_pct: float | None
    design: str
    block: str | None
    standard_pct: float
    method: str
    replicated: bool
    treatments: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)
    #: Two-factor designs: the two factor columns in design order (else empty).
    factors: tuple[str, ...] = ()
    #: Which means the means table, Dunnett and letters use (``FieldTrial.means_model``
    #: kind): None for one-factor designs, else the factor column carrying the control.
    kind: str | None = None
    #: Levels of the ``kind`` means in display order (the trial's; controls in their place).
    levels: tuple[str, ...] = ()
    #: Whether every treatment has at most one observed plot (without error df: a true
    #: unreplicated demonstration, rather than a design whose missing plots used up the df).
    one_plot_each: bool = True

    @property
    def resolvable(self) -> bool:
        """Whether the ``block`` column holds replicates that contain incomplete blocks.

        Alpha-lattice and row-column designs: their tables, captions and notes name
        the ``block`` levels replicates (重复) and keep "block" for the incomplete
        blocks, as the field maps and the plot-yields figure do.
        """
        return self.design in ("alpha", "row_column")


def resolve_settings(
    trial: Any,
    config: TrialConfig,
    *,
    lang: str,
    unit: str | None,
    margin_pct: float | None,
    alpha: float | None,
    letters: str | None,
) -> ReportSettings:
    """Resolve the report settings from the trial, its description and the arguments."""
    from yieldtrial.io.yields import table_moisture_method
    from yieldtrial.units import convert_yield, yield_column, yield_unit

    lang = check_lang(lang)
    chosen = unit or config.unit or (default_unit(lang) if lang == "zh" else None)
    chosen = yield_unit(chosen or attr_or(trial, "unit", "kg/ha"))
    plots = trial.plots
    controls = tuple(config.control) or tuple(attr_or(trial, "control", ()))
    if isinstance(controls, str):
        controls = (controls,)
    treatments = tuple(str(v) for v in attr_or(trial, "treatment_order", ()))
    if not treatments:
        treatments = tuple(dict.fromkeys(str(v) for v in plots["treatment"]))
    replicated = bool(attr_or(trial, "is_replicated", False))
    columns = trial.design_columns()
    design = str(columns["design"])
    factors = tuple(columns["factors"]) if len(columns["factors"]) == 2 else ()
    kind, levels = _main_factor(trial, factors, controls, treatments)
    for c in controls:
        if c not in levels:
            where = "a treatment of the plot table" if kind in (None, "treatment") else (
                f"a level of the {kind!r} factor")  # fmt: skip
            raise DataValidationError(
                f"control {c!r} is not {where}; levels: {', '.join(levels)}. Fix the control "
                "(control=, --control on the command line, or [analysis] control in trial.toml)."
            )
    margin = margin_pct if margin_pct is not None else config.margin_pct
    if margin is not None:
        margin = check_setting("margin_pct", margin, "the margin")
        if not controls:
            from yieldtrial.io.checks import margin_without_control

            raise margin_without_control(margin)
    if alpha is not None:
        alpha = check_setting("alpha", alpha, "the significance level")
    _check_described_treatments(config, plots, treatments, factors)
    block = columns["block"]
    return ReportSettings(
        lang=lang,
        unit=chosen,
        ycol=str(attr_or(trial, "response", "yield_kg_ha")),
        dcol=yield_column(chosen),
        factor=float(
            np.asarray(convert_yield(1.0, "kg/ha", chosen, crop=attr_or(trial, "crop", None)))
        ),
        controls=controls,
        alpha=float(alpha if alpha is not None else (config.alpha or 0.05)),
        letters=(letters or config.letters or "tukey"),
        margin_pct=margin,
        design=design,
        block=block,
        standard_pct=float(attr_or(trial, "standard_moisture_pct", 13.0)),
        # a yields table names the method its yields were computed with (tidy56b)
        method=table_moisture_method(trial.plots)
        or str(attr_or(trial, "moisture_method", "dry_matter")),
        replicated=replicated,
        treatments=treatments,
        factors=factors,
        kind=kind,
        levels=levels,
        one_plot_each=replicated or _one_plot_each(trial),
    )


def _one_plot_each(trial: Any) -> bool:
    """Return whether no treatment has more than one observed (non-missing) plot."""
    observed = trial.plots["treatment"].astype(str).value_counts()
    missing = attr_or(trial, "missing_plots", None)
    if missing is not None and len(missing) and "treatment" in pd.DataFrame(missing):
        lost = pd.DataFrame(missing)["treatment"].astype(str).value_counts()
        observed = observed.sub(lost, fill_value=0)
    return bool((observed <= 1).all())


def _check_described_treatments(
    config: TrialConfig, plots: Any, treatments: tuple[str, ...], factors: tuple[str, ...]
) -> None:
    """Refuse [[treatments]], [economics] other-cost and fertilization labels not in the table."""
    costs = [
        (key, str(label))
        for key in ("other_costs_per_mu", "other_costs_per_ha")
        for label in dict(config.economics.get(key, {}) or {})
    ]
    schedule = dict(config.conditions or {}).get("fertilization") or []
    if not config.treatments and not costs and not schedule:
        return
    present = set(treatments)
    for column in factors:
        if column in plots:
            present |= {str(v) for v in plots[column].dropna().unique()}
    for key, label in costs:
        if label not in present:
            where = repr(config.source) if config.source else "the trial description"
            raise DataValidationError(
                f"{where}: [economics] {key} gives a cost for {label!r}, which is not a "
                f"treatment of the plot table; treatments present: "
                f"{', '.join(repr(t) for t in sorted(present)[:20])}. Fix the label (labels are "
                "case-sensitive) or remove it."
            )
    for number, entry in enumerate(schedule, start=1):
        absent = [str(v) for v in entry.get("treatments", []) if str(v) not in present]
        if absent:
            where = repr(config.source) if config.source else "the trial description"
            raise DataValidationError(
                f"{where}: [conditions] fertilization entry {number} names "
                f"{', '.join(map(repr, absent))}, which {not_treatments(len(absent))} of the "
                f"plot table; treatments present: "
                f"{', '.join(repr(t) for t in sorted(present)[:20])}. Fix the label (labels "
                "are case-sensitive) or remove it."
            )
    unknown = [item.label for item in config.treatments if item.label not in present]
    if unknown:
        where = repr(config.source) if config.source else "the trial description"
        raise DataValidationError(
            f"{where}: [[treatments]] describes {', '.join(repr(u) for u in unknown)}, which "
            f"{not_treatments(len(unknown))} of the plot table; "
            f"treatments present: {', '.join(repr(t) for t in sorted(present)[:20])}. Fix the "
            "label (labels are case-sensitive) or remove the entry."
        )


def _main_factor(
    trial: Any, factors: tuple[str, ...], controls: tuple[str, ...], treatments: tuple[str, ...]
) -> tuple[str | None, tuple[str, ...]]:
    """Return the means kind the report centres on and its levels.

    One-factor designs: None and the treatments.  Two-factor designs: the
    ``treatment`` column when it is one of the factors, else the factor whose
    levels hold the control(s), else the second (sub-plot, vertical, B) factor.
    """
    if not factors:
        return None, treatments
    main = "treatment" if "treatment" in factors else factors[1]
    by_factor: dict[str, tuple[str, ...]] = {}
    for name in sorted(factors, key=lambda f: f != main):  # the main factor first
        if name == "treatment":
            by_factor[name] = treatments
        else:
            by_factor[name] = tuple(str(v) for v in trial.means_model(name, unit="kg/ha").levels)
        if controls and set(controls) <= set(by_factor[name]):
            return name, by_factor[name]
    return main, by_factor[main]


def in_described_order(trial: Any, labels: list[str]) -> Any:
    """Order the treatments as the description lists them (the others after them)."""
    if not labels:
        return trial
    present = trial.treatment_order
    absent = [label for label in labels if label not in present]
    if absent and not trial.factors:
        from yieldtrial.io.validation import list_items

        raise DataValidationError(
            f"[[treatments]] describes {list_items(repr(a) for a in absent)}, which "
            f"{not_treatments(len(absent))} of the plot table; "
            f"treatments present: {list_items((repr(t) for t in present), limit=30)}. "
            "Labels are case-sensitive: correct the label in trial.toml"
        )
    listed = [label for label in labels if label in present]
    order = tuple(dict.fromkeys(listed + list(present)))
    return trial if order == present else trial.replace(treatment_order=order)
