"""Design-aware statistics: the design model, ANOVA, comparisons, letters and power.

Every function takes long data ``(data, *, response, treatment, block=None,
design=...)`` and returns a tidy DataFrame or a frozen result with a
``to_frame()``.  Names are imported lazily from their modules.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "fit": "yieldtrial.stats.model",
    "anova": "yieldtrial.stats.anova",
    "compare_to_control": "yieldtrial.stats.compare",
    "pairwise": "yieldtrial.stats.compare",
    "means": "yieldtrial.stats.means",
    "letters": "yieldtrial.stats.letters",
    "compact_letters": "yieldtrial.stats.letters",
    "diagnostics": "yieldtrial.stats.diagnostics",
    "replicates_needed": "yieldtrial.stats.power",
    "detectable_difference_pct": "yieldtrial.stats.power",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'yieldtrial.stats' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public names."""
    return sorted(set(globals()) | set(__all__))
