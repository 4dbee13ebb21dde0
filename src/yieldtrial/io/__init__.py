"""Stage 1, reading: plot tables in, validated canonical tables out, and safe output files.

Holds ``plots`` (:func:`read_plots`, the one reading path), ``headers`` (English and Chinese
header aliases), ``table_files`` (CSV/TSV/Excel decoding), ``validation`` (messages naming
column, row and value), ``checks`` (argument checks shared by the formula modules), ``output``
(atomic writes that never replace user data; CSV and Markdown injection), ``csv_out`` (CSV
written in blocks), ``oserrors`` (one-line file-error messages), ``progress`` (progress on a
terminal), ``levels`` (the default order of factor levels), ``sources`` (several files, a folder
or a glob read as one table), ``yields`` (a validated table's yields at standard moisture, in
kg/ha) and ``streaming`` (a large CSV table standardized block by block, as ``standardize``
writes it).

May import: :mod:`yieldtrial.errors`, ``_typing``, :mod:`yieldtrial.units`,
:mod:`yieldtrial.protocols`, :mod:`yieldtrial.harvest` and its own modules. Never the trial,
statistics, report or CLI.
The public names below are imported lazily, so ``yieldtrial.io.checks`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> submodule that defines it (imported on first use)
_LAZY: dict[str, str] = {
    "CANONICAL_COLUMNS": "plots",
    "ENCODINGS": "plots",
    "HARVEST_COLUMNS": "plots",
    "LABEL_COLUMNS": "plots",
    "NA_VALUES": "plots",
    "PERCENT_COLUMNS": "plots",
    "has_harvest_columns": "plots",
    "input_yield_column": "plots",
    "map_plot_headers": "plots",
    "read_plots": "plots",
    "recognised_headers": "plots",
    "expand_sources": "sources",
    "read_plot_sources": "sources",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.io.plots import (
        CANONICAL_COLUMNS,
        ENCODINGS,
        HARVEST_COLUMNS,
        LABEL_COLUMNS,
        NA_VALUES,
        PERCENT_COLUMNS,
        has_harvest_columns,
        input_yield_column,
        map_plot_headers,
        read_plots,
        recognised_headers,
    )
    from yieldtrial.io.sources import expand_sources, read_plot_sources


def __getattr__(name: str) -> Any:
    """Import a public name from its submodule on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'yieldtrial.io' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"yieldtrial.io.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public names, including the lazily imported ones."""
    return sorted(set(globals()) | set(__all__))
