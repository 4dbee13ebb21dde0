"""Yield-test reports: a report model built from a trial, rendered as HTML, Markdown, JSON or DOCX.

:func:`build_report` turns a :class:`~yieldtrial.trial.FieldTrial` (and an
optional :class:`~yieldtrial.config.TrialConfig`) into a
:class:`~yieldtrial.report.model.Report`, whose sections are data; the
renderers turn it into files.  Names are imported lazily so that
``import yieldtrial.report`` does not import matplotlib or jinja2.

May import: every earlier stage (formulas, io, stats, config, efficiency, network, trial).
The report model imports no renderer: renderers register with it. Only
:mod:`yieldtrial.commands` and the CLI sit above the report.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "build_report": "yieldtrial.report.build",
    "Report": "yieldtrial.report.model",
    "Section": "yieldtrial.report.model",
    "Table": "yieldtrial.report.model",
    "Figure": "yieldtrial.report.model",
    "Paragraph": "yieldtrial.report.model",
    "SCHEMA_VERSION": "yieldtrial.report.model",
    "FORMATS": "yieldtrial.report.formats",
    "format_for_path": "yieldtrial.report.formats",
    "report_from_files": "yieldtrial.report.files",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'yieldtrial.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public names."""
    return sorted(set(globals()) | set(__all__))
