"""Stage 2, layouts: randomized field books, field maps, design detection, trial plans.

Holds ``layouts`` (CRD, RCBD, Latin square, split plot and :func:`plan_trial`), ``alpha``
(resolvable alpha-lattice designs), ``augmented`` (augmented RCBD), ``fieldbook``
(field-book columns and checks), ``maps`` (the field-map figure, matplotlib imported lazily) and
``detect`` (which design a plot table was laid out in, and the design names) and ``resolve``
(a trial's design, factors, treatment order and sites checked against its plot table).

May import: :mod:`yieldtrial.errors`, :mod:`yieldtrial.io` and the formula modules; the
power functions of :mod:`yieldtrial.stats.power` lazily, for :func:`plan_trial`. Never the
trial object, the report or the CLI.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> submodule that defines it (imported on first use)
_LAZY: dict[str, str] = {
    "FIELDBOOK_COLUMNS": "layouts",
    "HARVEST_COLUMNS": "layouts",
    "LAYOUTS": "layouts",
    "TrialPlan": "layouts",
    "alpha_design": "alpha",
    "alpha_efficiency": "alpha",
    "alpha_generator": "alpha",
    "augmented_design": "augmented",
    "crd": "layouts",
    "field_map": "layouts",
    "latin_square": "layouts",
    "layout": "layouts",
    "plan_trial": "layouts",
    "rcbd": "layouts",
    "split_plot": "layouts",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.design.alpha import alpha_design, alpha_efficiency, alpha_generator
    from yieldtrial.design.augmented import augmented_design
    from yieldtrial.design.layouts import (
        FIELDBOOK_COLUMNS,
        HARVEST_COLUMNS,
        LAYOUTS,
        TrialPlan,
        crd,
        field_map,
        latin_square,
        layout,
        plan_trial,
        rcbd,
        split_plot,
    )


def __getattr__(name: str) -> Any:
    """Import a public name from its submodule on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'yieldtrial.design' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"yieldtrial.design.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public names, including the lazily imported ones."""
    return sorted(set(globals()) | set(__all__))
