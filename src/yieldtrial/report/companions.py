"""Companion files: the complete per-entry tables of a report that shows them summarised.

A report of a trial with more entries than :data:`yieldtrial.report.entries.ENTRY_TABLE_LIMIT`
shows summaries of its per-entry tables (:mod:`yieldtrial.report.entries`) and keeps the
complete tables as :class:`~yieldtrial.report.model.Companion` tables.  When an HTML,
Markdown or Word report is written to ``report.html``, each complete table is written next
to it as ``report_<table>.csv`` (``report_means.csv``, ``report_noninferiority.csv``,
``report_plots_by_treatment.csv``): UTF-8 with a byte-order mark (so Excel opens it), the
report's column headers, numbers rounded as the report shows them (P-values unrounded),
text cells neutralised against spreadsheet formulas.  The files go through the same output
safety as the report (:func:`yieldtrial.io.output.write_output`): an existing file that
yieldtrial did not write is not replaced without ``force``, and each written file is
recorded in the folder's manifest as yieldtrial's own output.  The paragraph above each
summary then names its file.  JSON and Excel reports hold the complete tables themselves.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yieldtrial.io._rounding import round_half_away_array

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: A :class:`~yieldtrial.report.model.Report` and a :class:`~yieldtrial.report.model.Table`
#: (typed ``Any``: :meth:`Report.write` imports this module, so it may not import the model).
Report = Any
Table = Any

__all__ = [
    "COMPANION_FORMATS",
    "companion_csv",
    "companion_frame",
    "companion_path",
    "name_companions",
    "write_companions",
]

#: Report formats that write the complete tables next to themselves as CSV files.
COMPANION_FORMATS: tuple[str, ...] = ("html", "markdown", "docx")


def companion_path(path: str | os.PathLike[str], key: str) -> Path:
    """File of the complete table ``key`` next to a report: ``r.html`` -> ``r_means.csv``.

    Examples
    --------
    >>> companion_path("out/report.html", "means").as_posix()
    'out/report_means.csv'
    """
    target = Path(path)
    return target.parent / f"{target.stem}_{key}.csv"


def companion_frame(table: Table) -> pd.DataFrame:
    """Return the complete table as a DataFrame: the report's headers, rounded numbers.

    Parameters
    ----------
    table : Table
        A complete per-entry table.

    Returns
    -------
    DataFrame
        One column per table column (header: its label, after its group label when it
        has one); numbers rounded to the column's decimals, P-values as computed.
    """
    import pandas as pd

    data: dict[str, Any] = {}
    for column in table.columns:
        header = f"{column.group} {column.label}" if column.group else column.label
        while header in data:  # two columns with the same label
            header += " "
        values = [row.get(column.key) for row in table.rows]
        if column.kind == "text":
            data[header] = pd.Series(["" if v is None else str(v) for v in values], dtype=object)
            continue
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
        if column.kind == "int":
            data[header] = pd.Series(round_half_away_array(numbers, 0)).astype("Int64")
        elif column.kind == "pvalue":
            data[header] = numbers
        else:
            data[header] = pd.Series(round_half_away_array(numbers, column.digits))
    return pd.DataFrame(data)


def companion_csv(table: Table) -> bytes:
    """Return the complete table as CSV bytes (UTF-8 with BOM, formulas neutralised)."""
    from yieldtrial.io.output import csv_safe_frame

    frame = csv_safe_frame(companion_frame(table))
    return ("\ufeff" + frame.to_csv(index=False, lineterminator="\n")).encode("utf-8")


def name_companions(report: Report, names: Mapping[str, str | None]) -> Report:
    """Return a copy of ``report`` whose summary paragraphs name the companion files.

    Parameters
    ----------
    report : Report
        The report.
    names : mapping
        Companion key -> file name (``None``: no file).

    Returns
    -------
    Report
        A shallow copy; only the paragraphs that say where the complete tables are differ.
    """
    new = {
        id(c.note): dataclasses.replace(c.note, text=c.note_text(names.get(c.key)))
        for c in report.companions
    }
    sections = [
        dataclasses.replace(section, blocks=[new.get(id(b), b) for b in section.blocks])
        for section in report.sections
    ]
    companions = [dataclasses.replace(c, note=new[id(c.note)]) for c in report.companions]
    return dataclasses.replace(report, sections=sections, companions=companions)


def write_companions(
    report: Report,
    path: str | os.PathLike[str],
    *,
    fmt: str,
    force: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> tuple[Report, list[Path]]:
    """Write the complete tables of ``report`` next to its file ``path``.

    Every target is checked before anything is written (never an input, never a file
    yieldtrial did not write unless ``force``); each file is written atomically and
    recorded as yieldtrial's own output.

    Parameters
    ----------
    report : Report
        The report.
    path : path
        The report file.
    fmt : str
        The report's format; only :data:`COMPANION_FORMATS` write companion files.
    force : bool, default False
        Replace existing files that yieldtrial did not write.
    inputs : iterable of paths
        Files the report was built from (never replaced).

    Returns
    -------
    report : Report
        The report whose summary paragraphs name the written files.
    written : list of Path
        The companion files.

    Raises
    ------
    DataValidationError
        A companion file exists and is not an unchanged output of yieldtrial (without
        ``force``), or is an input.
    """
    from yieldtrial.io.output import check_output, write_output

    if fmt not in COMPANION_FORMATS or not report.companions:
        return report, []
    given = list(inputs)
    targets = [(c, companion_path(path, c.key)) for c in report.companions]
    for _, target in targets:
        check_output(target, force=force, inputs=given)
    written = [
        write_output(target, companion_csv(c.table), force=force, inputs=given)
        for c, target in targets
    ]
    named = name_companions(report, {c.key: target.name for c, target in targets})
    return named, written
