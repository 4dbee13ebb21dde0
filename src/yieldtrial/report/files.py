"""From files to a report: plot table + ``trial.toml`` -> FieldTrial -> Report.

Used by the ``report`` and ``demo`` commands and handy in notebooks::

    report, warnings = report_from_files("plots.csv", "trial.toml", lang="zh")
    report.write("report.html")
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yieldtrial.config import TrialConfig, load_config
from yieldtrial.errors import DataValidationError, FileAccessError, YieldTrialWarning
from yieldtrial.io._guard import held_warnings
from yieldtrial.report.settings import in_described_order

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from yieldtrial.report.model import Report
    from yieldtrial.trial import FieldTrial

__all__ = ["described_settings", "load_trial", "report_from_files", "write_report_file"]


def load_trial(
    plots: str | os.PathLike[str] | pd.DataFrame,
    config: TrialConfig,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
) -> FieldTrial:
    """Read the plot table with the settings of a trial description.

    The one reading path of the commands (``report``, ``standardize``, ``audit``) and of
    :func:`report_from_files`: :meth:`FieldTrial.from_csv
    <yieldtrial.trial.FieldTrial.from_csv>` (hence :func:`yieldtrial.read_plots`) with the
    description's crop, control, moisture settings, design and column renames.

    Parameters
    ----------
    plots : path or DataFrame
        Plot table (CSV or xlsx), or its frame (:meth:`FieldTrial.from_dataframe
        <yieldtrial.trial.FieldTrial.from_dataframe>` with ``config=``).
    config : TrialConfig
        Trial description (crop, control, protocol, standard moisture, method,
        design, column renames, display unit, treatments, ``[[exclude]]`` plots).
    sheet : str or int, optional
        Worksheet of an ``.xlsx`` file.
    encoding : str, optional
        Encoding of a CSV file (UTF-8 or GB18030 detected by default).

    Returns
    -------
    FieldTrial
        The validated trial.  Its treatments are in the order of the description's
        ``[[treatments]]`` (those it does not list follow in the trial's own order).

    Raises
    ------
    DataValidationError
        If the crop is not given, a control or a described treatment is not in the
        table (the message lists the treatments present), or the data are invalid.
    """
    if not config.crop:
        raise DataValidationError(
            "the crop is not known: pass crop='wheat' (or another crop), or set "
            'crop = "wheat" in the [trial] table of trial.toml; it sets the standard moisture.'
        )
    kwargs: dict[str, Any] = {
        **config.trial_settings(),
        "control": list(config.control) or None,
        "sheet": sheet,
        "encoding": encoding,
    }
    try:
        trial = _read_trial(plots, kwargs)
    except DataValidationError as exc:
        if len(config.factors) == 2 and kwargs["control"] and "control" in str(exc):
            # two named factors: the control is a level of one of them (the report's
            # Dunnett runs on that factor's means), not a label of the treatment column
            trial = _read_trial(plots, {**kwargs, "control": None})
        else:
            raise
    trial = in_described_order(trial, [item.label for item in config.treatments])
    for pid, reason in config.exclude:  # [[exclude]]: the user's decision, with its reason
        trial = trial.exclude(pid, reason=reason)
    return trial


def described_settings(
    config: str | os.PathLike[str] | TrialConfig | None,
    *,
    crop: str | None = None,
    control: str | Sequence[str] | None = None,
    overrides: dict[str, Any] | None = None,
    where: str = "report_from_files",
) -> TrialConfig:
    """Return the trial description with the settings given beside it applied.

    ``report --config trial.toml --crop ... --control ...``, :func:`report_from_files` and
    :meth:`FieldTrial.from_csv(..., config=...) <yieldtrial.trial.FieldTrial.from_csv>`
    all resolve their settings here: a crop or control given (not empty) replaces the
    file's, and so does each non-``None`` value of ``overrides``.

    Parameters
    ----------
    config : path, TrialConfig or None
        ``trial.toml`` (or an already loaded description); None for an empty one.
    crop : str, optional
        Crop; replaces the description's.
    control : str or sequence of str, optional
        Control treatment(s); replace the description's.
    overrides : dict, optional
        :class:`TrialConfig` fields that replace the description's.
    where : str
        Where the settings were given, for an error message.

    Returns
    -------
    TrialConfig
        The description to read and report the trial with.
    """
    cfg = config if isinstance(config, TrialConfig) else load_config(config)
    given = {"crop": crop or None, "control": control or None}
    changes = {**(overrides or {}), **{k: v for k, v in given.items() if v}}
    return cfg.override(where, **changes)


def _read_trial(plots: str | os.PathLike[str] | pd.DataFrame, kwargs: dict[str, Any]) -> FieldTrial:
    import pandas as pd

    from yieldtrial.trial import FieldTrial

    if isinstance(plots, pd.DataFrame):  # a frame has no sheet and no encoding
        settings = {k: v for k, v in kwargs.items() if k not in ("sheet", "encoding")}
        return FieldTrial.from_dataframe(plots, **settings)
    return FieldTrial.from_csv(plots, **kwargs)


def report_from_files(
    plots: str | os.PathLike[str],
    config: str | os.PathLike[str] | TrialConfig | None = None,
    *,
    crop: str | None = None,
    control: str | Sequence[str] | None = None,
    lang: str = "en",
    overrides: dict[str, Any] | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    **options: Any,
) -> tuple[Report, list[str]]:
    """Build the report of a plot table and its trial description.

    Parameters
    ----------
    plots : path
        Plot table.
    config : path or TrialConfig, optional
        ``trial.toml`` (or an already loaded description).
    crop : str, optional
        Crop (``"wheat"``, ``"小麦"``); overrides the description's.
    control : str or sequence of str, optional
        Control treatment(s) (``--control``); override the description's.
    lang : {"en", "zh"}
        Report language.
    overrides : dict, optional
        :class:`TrialConfig` fields that replace the file's (command-line flags);
        ``None`` values are ignored.
    sheet : str or int, optional
        Worksheet of an ``.xlsx`` plot table.
    encoding : str, optional
        Encoding of a CSV plot table.
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
    from yieldtrial.io.progress import stage
    from yieldtrial.report.build import build_report

    _check_report_options(options)
    cfg = described_settings(config, crop=crop, control=control, overrides=overrides)
    with held_warnings(record=True) as caught:
        warnings.simplefilter("always", YieldTrialWarning)
        with stage("reading the plot table"):
            trial = load_trial(plots, cfg, sheet=sheet, encoding=encoding)
    messages = []
    for item in caught:
        if issubclass(item.category, YieldTrialWarning):
            messages.append(str(item.message))
        else:  # pragma: no cover - pass other warnings on
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
    with stage("building the report"):
        report = build_report(
            trial, cfg, lang=lang, input_path=str(Path(plots)), extra_warnings=messages, **options
        )
    return report, messages


def _check_report_options(options: dict[str, Any]) -> None:
    """Refuse an option build_report does not take, naming the ones it does (or overrides=)."""
    import dataclasses
    import inspect

    from yieldtrial.report.build import build_report

    taken = [
        name
        for name, p in inspect.signature(build_report).parameters.items()
        if p.kind is p.KEYWORD_ONLY and name not in ("input_path", "extra_warnings")
    ]
    fields = {f.name for f in dataclasses.fields(TrialConfig)}
    for name in options:
        if name in taken:
            continue
        hint = (
            f"; {name!r} is a trial-description setting: pass overrides={{{name!r}: ...}}"
            if name in fields
            else ""
        )
        raise DataValidationError(
            f"report_from_files() got an unknown option {name!r}{hint}. Report options: "
            f"{', '.join(taken)}; trial settings go in trial.toml or overrides="
        )


def write_report_file(
    report: Report,
    path: str | os.PathLike[str],
    *,
    fmt: str,
    force: bool = False,
    inputs: Sequence[str | os.PathLike[str]] = (),
) -> Path:
    """Write a report file as the commands do: never over user data, recorded as own output.

    The output is checked with :func:`yieldtrial.io.output.check_output` (never an
    input, never a file yieldtrial did not write unless ``force``), written atomically
    and recorded in the folder's manifest, so the next run may replace it.  A Markdown
    report's figure files are recorded too, and so are the CSV files of the complete
    per-entry tables of a report that shows them summarised
    (:mod:`yieldtrial.report.companions`).

    Parameters
    ----------
    report : Report
        The report.
    path : path
        Output file.
    fmt : str
        Format key (``"html"``, ``"markdown"``, ``"json"``, ``"docx"``, ...).
    force : bool, default False
        Replace an existing file that yieldtrial did not write.
    inputs : sequence of paths
        Files the report was built from (never replaced).

    Returns
    -------
    Path
        The written file.
    """
    from yieldtrial.io.output import check_output, output_group, record_output, write_output
    from yieldtrial.report.companions import COMPANION_FORMATS, companion_path, write_companions
    from yieldtrial.report.formats import writer
    from yieldtrial.report.render_markdown import figure_paths, write_markdown

    target = check_output(path, force=force, inputs=inputs)
    # every file of the report is checked before the first one is written
    figures = figure_paths(report, target) if fmt == "markdown" else []
    companions = (
        [companion_path(target, c.key) for c in report.companions]
        if fmt in COMPANION_FORMATS
        else []
    )
    for extra in [*figures, *companions]:
        if extra.is_dir():
            raise FileAccessError(
                f"cannot write {str(extra)!r}, which goes with the report {str(target)!r}: a "
                "folder has that name. Move the folder away, or give the report another name"
            )
        check_output(extra, force=force, inputs=inputs)
    with output_group():  # a failure removes the files this call created
        # the complete per-entry tables of a summarised report, next to it (own outputs)
        report, _ = write_companions(report, target, fmt=fmt, force=force, inputs=inputs)
        if fmt == "markdown":
            return record_output(write_markdown(report, target, checked=True))
        write_file = writer(fmt)
        if write_file is None:
            return write_output(target, report.render(fmt), force=force, inputs=inputs)
        return record_output(write_file(report, target))
