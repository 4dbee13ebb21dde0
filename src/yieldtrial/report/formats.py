"""Output formats of the report and the renderer registry.

The report model (:mod:`yieldtrial.report.model`) knows no renderer: each
renderer module registers a function ``render(report) -> str | bytes`` here with
:func:`register_renderer`, and :meth:`Report.render <yieldtrial.report.model.Report.render>`
looks the function up with :func:`renderer`.  The built-in renderers (HTML,
Markdown, JSON, DOCX, XLSX) are registered by :mod:`yieldtrial.report.renderers`,
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
    "register_writer",
    "renderer",
    "writer",
]

#: A renderer: ``render(report) -> str | bytes`` (text is written as UTF-8).  It takes a
#: :class:`~yieldtrial.report.model.Report` (typed ``Any`` here: the model imports this
#: module, so this one may not import the model, even for annotations).
Renderer = Callable[[Any], "str | bytes"]

#: Output formats and their file suffixes; drives ``--format`` and suffix inference.
FORMATS: dict[str, tuple[str, ...]] = {
    "html": (".html", ".htm"),
    "markdown": (".md", ".markdown"),
    "json": (".json",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
}

#: Other names accepted for a format (``--format md``).
ALIASES: dict[str, str] = {"md": "markdown", "htm": "html", "word": "docx", "excel": "xlsx"}

#: Module that registers the built-in renderers; loaded by name on the first look-up.
BUILTIN_RENDERERS = "yieldtrial.report.renderers"

#: A file writer: ``write(report, path) -> Path`` for formats that write more than one
#: file (Markdown writes its figures next to the ``.md``).
Writer = Callable[[Any, Path], Path]

_RENDERERS: dict[str, Renderer] = {}
_WRITERS: dict[str, Writer] = {}


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


def register_writer(fmt: str, func: Writer) -> None:
    """Register a file writer for ``fmt`` (used by :meth:`Report.write` instead of the renderer).

    Parameters
    ----------
    fmt : str
        A registered format.
    func : callable
        ``func(report, path) -> Path``: writes the file (and its companions) atomically.
    """
    _WRITERS[check_format(fmt)] = func


def writer(fmt: str) -> Writer | None:
    """Return the file writer of ``fmt``, or None when the renderer's output is the whole file."""
    key = check_format(fmt)
    if key not in _RENDERERS:
        importlib.import_module(BUILTIN_RENDERERS)
    return _WRITERS.get(key)


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


def refuse_folder_name(path: str | os.PathLike[str], example: str) -> None:
    """Refuse an output name that is an existing folder, suggesting ``example`` inside it.

    Without this a folder given as ``-o`` would only be told it has no known suffix.
    """
    from yieldtrial.errors import FileAccessError

    if os.path.isdir(path):
        raise FileAccessError(
            f"cannot write {str(path)!r}: it is a folder; give a file name (e.g. "
            f"{os.path.join(str(path), example)!r})"
        )


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
    refuse_folder_name(path, "report.html")
    pdf = (
        " yieldtrial writes no PDF: write a .html report and print it to PDF from the "
        "browser (it is laid out for A4), or a .docx report and export it"
        if suffix == ".pdf"
        else ""
    )
    raise DataValidationError(
        f"cannot tell the report format from the file name {str(path)!r}; use a suffix "
        f"({', '.join(s for v in FORMATS.values() for s in v)}) or --format (format= in "
        f"Python).{pdf}"
    )
