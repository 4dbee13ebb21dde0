"""Output formats of the report and the renderer registry.

The report model (:mod:`yieldtrial.report.model`) knows no renderer: each
renderer module registers a function ``render(report) -> str | bytes`` here with
:func:`register_renderer`, and :meth:`Report.render <yieldtrial.report.model.Report.render>`
looks the function up with :func:`renderer`.  The built-in renderers (HTML,
Markdown, JSON, DOCX) are registered by :mod:`yieldtrial.report.renderers`,
which this module loads by name on the first look-up, so the import graph stays
one-way: renderers -> model -> formats.

A new output format is one module with a ``render_<format>(report)`` function
and one :func:`register_renderer` line in :mod:`yieldtrial.report.renderers`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yieldtrial.errors import DataValidationError

__all__ = [
    "FORMATS",
    "Renderer",
    "check_format",
    "format_for_path",
    "register_renderer",
    "renderer",
]

#: A renderer: ``render(report) -> str | bytes`` (text is written as UTF-8).
#: A renderer takes a :class:`~yieldtrial.report.model.Report` (typed ``Any`` here: the
#: model imports this module, so this one may not import the model, even for annotations).
Renderer = Callable[[Any], "str | bytes"]

#: Output formats and their file suffixes; drives ``--format`` and suffix inference.
FORMATS: dict[str, tuple[str, ...]] = {
    "html": (".html", ".htm"),
    "markdown": (".md", ".markdown"),
    "json": (".json",),
    "docx": (".docx",),
}

#: Other names accepted for a format (``--format md``).
ALIASES: dict[str, str] = {"md": "markdown", "htm": "html", "word": "docx"}

#: Module that registers the built-in renderers; loaded by name on the first look-up.
BUILTIN_RENDERERS = "yieldtrial.report.renderers"

_RENDERERS: dict[str, Renderer] = {}


def register_renderer(fmt: str, suffixes: tuple[str, ...], func: Renderer) -> None:
    """Register the renderer of output format ``fmt``.

    Parameters
    ----------
    fmt : str
        Format name (``"html"``, ...); a new name adds a format.
    suffixes : tuple of str
        File suffixes of the format, with the dot (``(".html", ".htm")``).
    func : callable
        ``func(report) -> str | bytes``.
    """
    FORMATS[fmt] = tuple(s.lower() for s in suffixes)
    _RENDERERS[fmt] = func


def renderer(fmt: str) -> Renderer:
    """Return the renderer registered for ``fmt`` (a key of :data:`FORMATS` or an alias).

    Raises
    ------
    DataValidationError
        If the format is unknown.
    """
    key = check_format(fmt)
    if key not in _RENDERERS:
        importlib.import_module(BUILTIN_RENDERERS)
    try:
        return _RENDERERS[key]
    except KeyError:  # pragma: no cover - every built-in format has a renderer
        raise DataValidationError(f"no renderer is registered for the format {key!r}.") from None


def check_format(fmt: str) -> str:
    """Return ``fmt`` normalised, or raise DataValidationError listing the formats.

    Examples
    --------
    >>> check_format(".MD")
    'markdown'
    """
    key = str(fmt).lower().lstrip(".")
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        raise DataValidationError(
            f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}."
        )
    return key


def format_for_path(path: str | os.PathLike[str]) -> str:
    """Infer the report format from a file suffix.

    Examples
    --------
    >>> format_for_path("out/report.md")
    'markdown'
    """
    suffix = Path(path).suffix.lower()
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    raise DataValidationError(
        f"cannot tell the report format from the file name {str(path)!r}; use a suffix "
        f"({', '.join(s for v in FORMATS.values() for s in v)}) or --format."
    )
