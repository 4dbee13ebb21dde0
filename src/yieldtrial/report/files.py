"""From files to a report: plot table + ``trial.toml`` -> FieldTrial -> Report.

Used by the ``report`` and ``demo`` commands and handy in notebooks::

    report = report_from_files("plots.csv", "trial.toml", lang="zh")
    report.write("report.html")
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yieldtrial.config import TrialConfig, load_config
from yieldtrial.errors import DataValidationError, YieldTrialWarning

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.report.model import Report
    from yieldtrial.trial import FieldTrial

__all__ = ["load_trial", "report_from_files"]


def load_trial(plots: str | os.PathLike[str], config: TrialConfig) -> FieldTrial:
    """Read the plot table with the settings of a trial description.

    Parameters
    ----------
    plots : path
        Plot table (CSV or xlsx).
    config : TrialConfig
        Trial description (crop, control, protocol, standard moisture, method,
        design, column renames, display unit).

    Returns
    -------
    FieldTrial
        The validated trial.

    Raises
    ------
    DataValidationError
        If the crop is not given, or the data are invalid.
    """
    if not config.crop:
        raise DataValidationError(
            'the crop is not known: give --crop (e.g. --crop wheat) or crop = "wheat" in the '
            "[trial] table of trial.toml; it sets the standard moisture."
        )
    kwargs: dict[str, Any] = {
        "crop": config.crop,
        "control": list(config.control) or None,
        "standard_moisture_pct": config.standard_moisture_pct,
        "columns": config.column_renames() or None,
        "design": config.design,
    }
    if config.block_effects:
        kwargs["block_effects"] = config.block_effects
    if config.factors:
        kwargs["factors"] = list(config.factors)
    if config.protocol:
        kwargs["protocol"] = config.protocol
    if config.moisture_method:
        kwargs["moisture_method"] = config.moisture_method
    if config.unit:
        kwargs["unit"] = config.unit
    if config.treatments:
        labels = [item.label for item in config.treatments]
        kwargs["treatment_order"] = labels
    try:
        return _read_trial(plots, kwargs)
    except DataValidationError as exc:
        if len(config.factors) == 2 and kwargs["control"] and "control" in str(exc):
            # two named factors: the control is a level of one of them (the report's
            # Dunnett runs on that factor's means), not a label of the treatment column
            return _read_trial(plots, {**kwargs, "control": None})
        raise


def _read_trial(plots: str | os.PathLike[str], kwargs: dict[str, Any]) -> FieldTrial:
    """Read the trial; in the table's order when the description's treatment list does not fit."""
    from yieldtrial.trial import FieldTrial

    try:
        return FieldTrial.from_csv(plots, **kwargs)
    except DataValidationError as exc:
        if "treatment_order" in kwargs and "treatment_order" in str(exc):
            # the description lists treatments the table does not have (or misses some):
            # fall back to the table's order rather than refusing the report
            rest = {key: value for key, value in kwargs.items() if key != "treatment_order"}
            return FieldTrial.from_csv(plots, **rest)
        raise


def report_from_files(
    plots: str | os.PathLike[str],
    config: str | os.PathLike[str] | TrialConfig | None = None,
    *,
    lang: str = "en",
    overrides: dict[str, Any] | None = None,
    **options: Any,
) -> tuple[Report, list[str]]:
    """Build the report of a plot table and its trial description.

    Parameters
    ----------
    plots : path
        Plot table.
    config : path or TrialConfig, optional
        ``trial.toml`` (or an already loaded description).
    lang : {"en", "zh"}
        Report language.
    overrides : dict, optional
        :class:`TrialConfig` fields that replace the file's (command-line flags);
        ``None`` values are ignored.
    **options
        Passed to :func:`yieldtrial.report.build.build_report` (``unit``,
        ``report_date``, ``figures``...).

    Returns
    -------
    report : Report
        The report model.
    warnings : list of str
        :class:`~yieldtrial.errors.YieldTrialWarning` messages raised while
        reading the data (also shown in the report's data-quality section).
    """
    from yieldtrial.report.build import build_report

    cfg = config if isinstance(config, TrialConfig) else load_config(config)
    cfg = cfg.override(**(overrides or {}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", YieldTrialWarning)
        trial = load_trial(plots, cfg)
    messages = []
    for item in caught:
        if issubclass(item.category, YieldTrialWarning):
            messages.append(str(item.message))
        else:  # pragma: no cover - pass other warnings on
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
    report = build_report(
        trial, cfg, lang=lang, input_path=str(Path(plots)), extra_warnings=messages, **options
    )
    return report, messages
