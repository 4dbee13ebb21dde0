"""Design-aware statistics: the design model, ANOVA, comparisons, letters and power.

Every function takes long data ``(data, *, response, treatment, block=None,
design=...)`` and returns a tidy DataFrame or a frozen result with a
``to_frame()``.  Names are imported lazily from their modules.

May import: :mod:`yieldtrial.errors` and ``_version`` only (numpy, scipy, pandas;
statsmodels lazily). Statistics take plain tables and know nothing of ``FieldTrial``,
``trial.toml`` or the report; everything above them delegates here.

``trial_analysis`` and ``trial_summary`` hold the glue under
:class:`~yieldtrial.trial.FieldTrial`'s methods (plain arguments: yields, design columns,
treatment order, control); besides the statistics they use only the message helpers of
:mod:`yieldtrial.io.validation` (stage 1).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "fit": "yieldtrial.stats.model",
    "anova": "yieldtrial.stats.anova_tables",
    "compare_to_control": "yieldtrial.stats.compare",
    "pairwise": "yieldtrial.stats.compare",
    "compare_means_to_control": "yieldtrial.stats.compare",
    "pairwise_means": "yieldtrial.stats.compare",
    "means": "yieldtrial.stats.tables",
    "means_table": "yieldtrial.stats.tables",
    "compact_letters": "yieldtrial.stats.letters",
    "diagnostics": "yieldtrial.stats.residual_checks",
    "replicates_needed": "yieldtrial.stats.power",
    "detectable_difference_pct": "yieldtrial.stats.power",
    "split_plot_anova": "yieldtrial.stats.splitplot",
    "strip_plot_anova": "yieldtrial.stats.splitplot",
    "factorial_anova": "yieldtrial.stats.factorial",
    "mixed_model": "yieldtrial.stats.mixed",
    "augmented_anova": "yieldtrial.stats.augmented",
    "duncan": "yieldtrial.stats.multiple_range",
    "snk": "yieldtrial.stats.multiple_range",
    "scheffe": "yieldtrial.stats.multiple_range",
    "mean_separation": "yieldtrial.stats.multiple_range",
    "two_level_letters": "yieldtrial.stats.multiple_range",
    "add_two_level_letters": "yieldtrial.stats.multiple_range",
    "significant_studentized_range": "yieldtrial.stats.multiple_range",
}

_LAZY.update(
    {
        "DesignFit": "yieldtrial.stats.model",
        "MixedModelFit": "yieldtrial.stats.mixed",
        "AugmentedAnova": "yieldtrial.stats.augmented",
        "AnovaResult": "yieldtrial.stats.anova_tables",
        "Diagnostics": "yieldtrial.stats.residual_checks",
    }
)

__all__ = sorted(_LAZY)

# No public name is also a submodule name (the ANOVA module is ``anova_tables``, the
# residual checks ``residual_checks``), so ``import yieldtrial.stats.<module>`` gives the
# module and ``yieldtrial.stats.anova(...)`` the function, whatever the import order.


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
