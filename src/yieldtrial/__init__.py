"""yieldtrial: crop yield tests and fertilizer/variety field trials.

Plot harvest records -> yield at a standard grain moisture -> design-aware
statistics -> yield-test report.  The public names below are imported lazily on
first use, so ``import yieldtrial`` stays fast and does not import pandas, matplotlib or
statsmodels; so are the subpackages (``yt.stats``, ``yt.design``, ``yt.plotting``,
``yt.report``, ``yt.io``, ``yt.efficiency``, ``yt.network``, ``yt.datasets``, ...).

Examples
--------
>>> import yieldtrial as yt
>>> round(yt.standardize_moisture(442, moisture_pct=5, standard_moisture_pct=13), 2)
482.64
"""

from __future__ import annotations

from yieldtrial.errors import (
    DataValidationError,
    FileAccessError,
    MissingExtraError,
    UnknownNameError,
    WrongTypeError,
    YieldTrialError,
    YieldTrialWarning,
)

# typing and importlib are imported where used: a Ctrl-C while the program imports the
# package (before yieldtrial.__main__.run has its handler in place) printed a traceback
TYPE_CHECKING = False

# public name -> module that defines it (imported on first attribute access)
_LAZY: dict[str, str] = {
    # units
    "convert_area": "yieldtrial.units",
    "convert_mass": "yieldtrial.units",
    "convert_yield": "yieldtrial.units",
    # protocols
    "standard_moisture_pct": "yieldtrial.protocols",
    "canonical_crop": "yieldtrial.protocols",
    "moisture_standard": "yieldtrial.protocols",
    # moisture
    "standardize_moisture": "yieldtrial.moisture",
    "audit_moisture_conversion": "yieldtrial.moisture",
    "dry_basis_from_wet_basis_pct": "yieldtrial.moisture",
    "wet_basis_from_dry_basis_pct": "yieldtrial.moisture",
    "describe_method": "yieldtrial.moisture",
    # harvest
    "plot_yield": "yieldtrial.harvest",
    "theoretical_yield": "yieldtrial.harvest",
    "standardized_mass_kg": "yieldtrial.harvest",
    # io and the object layer
    "read_plots": "yieldtrial.io",
    "FieldTrial": "yieldtrial.trial",
    # trial description and reports
    "TrialConfig": "yieldtrial.config",
    "load_config": "yieldtrial.config",
    "build_report": "yieldtrial.report.build",
    "report_from_files": "yieldtrial.report.files",
    # statistics (heavy: imported only when used)
    "replicates_needed": "yieldtrial.stats.power",
    "detectable_difference_pct": "yieldtrial.stats.power",
    "analyze_many": "yieldtrial.network",
    "stability": "yieldtrial.network.stability",
    "environment_response": "yieldtrial.network.response",
    # fertilizer efficiency, economics and trial planning
    "efficiency_table": "yieldtrial.efficiency",
    "economics_table": "yieldtrial.economics",
    "parse_grade": "yieldtrial.nutrients",
    "treatment_nutrient_rates": "yieldtrial.nutrients",
    "plan_trial": "yieldtrial.design",
}

#: Documented subpackages and modules, attributes of the package loaded on first use
#: (``yt.stats.anova``, ``yt.design.rcbd``, ``yt.plotting.plot_means``); not in ``__all__``,
#: so ``from yieldtrial import *`` stays light.
SUBMODULES: tuple[str, ...] = (
    "config",
    "datasets",
    "design",
    "economics",
    "efficiency",
    "errors",
    "harvest",
    "io",
    "moisture",
    "network",
    "nutrients",
    "plotting",
    "protocols",
    "report",
    "stats",
    "trial",
    "units",
)

__all__ = [
    "DataValidationError",
    "FileAccessError",
    "MissingExtraError",
    "UnknownNameError",
    "WrongTypeError",
    "YieldTrialError",
    "YieldTrialWarning",
    "__version__",
    *sorted(_LAZY),
]

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from yieldtrial._version import __version__
    from yieldtrial.config import TrialConfig, load_config
    from yieldtrial.design.layouts import plan_trial
    from yieldtrial.efficiency.economics import economics_table
    from yieldtrial.efficiency.nutrients import parse_grade, treatment_nutrient_rates
    from yieldtrial.efficiency.table import efficiency_table
    from yieldtrial.harvest import plot_yield, standardized_mass_kg, theoretical_yield
    from yieldtrial.io.plots import read_plots
    from yieldtrial.moisture import (
        audit_moisture_conversion,
        describe_method,
        dry_basis_from_wet_basis_pct,
        standardize_moisture,
        wet_basis_from_dry_basis_pct,
    )
    from yieldtrial.network import analyze_many
    from yieldtrial.network.response import environment_response
    from yieldtrial.network.stability import stability
    from yieldtrial.protocols import canonical_crop, moisture_standard, standard_moisture_pct
    from yieldtrial.report.build import build_report
    from yieldtrial.report.files import report_from_files
    from yieldtrial.stats.power import detectable_difference_pct, replicates_needed
    from yieldtrial.trial import FieldTrial
    from yieldtrial.units import convert_area, convert_mass, convert_yield


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name == "__version__":  # read on first use: importlib.metadata is slow to import
        from yieldtrial import _version

        version: str = _version.__version__
        globals()[name] = version
        return version
    import importlib

    if name in SUBMODULES:
        module = importlib.import_module(f"yieldtrial.{name}")
        globals()[name] = module
        return module
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'yieldtrial' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public names, including the lazily imported ones."""
    return sorted(set(globals()) | set(__all__) | set(SUBMODULES))
