"""Stage 4, fertilizer: nutrients and products, efficiency metrics, trial tables, economics.

Holds ``grades`` and ``products`` (label grades, oxide factors, fertilizer products),
``nutrients`` (product rates -> nutrient rates), ``metrics`` (the Dobermann 2007 formulas:
PFP, AE, RE, PE, IE, PNB), ``notes`` (plain-language notes in English and Chinese),
``table`` (:func:`efficiency_table`), ``trial_tables`` (efficiency of a
:class:`~yieldtrial.trial.FieldTrial` and the report's table) and ``economics`` (value-cost
ratio and net return, NY/T 3181-2018).

May import: the formula modules, :mod:`yieldtrial.io`, :mod:`yieldtrial.config` and
:mod:`yieldtrial.stats`. Never the report, the network or the CLI.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> submodule that defines it (imported on first use)
_LAZY: dict[str, str] = {
    "ECONOMICS_COLUMNS": "economics",
    "economics_table": "economics",
    "fertilizer_cost_per_ha": "economics",
    "net_return_change": "economics",
    "trial_economics": "economics",
    "value_cost_ratio": "economics",
    "agronomic_efficiency": "metrics",
    "internal_efficiency": "metrics",
    "partial_factor_productivity": "metrics",
    "partial_nutrient_balance": "metrics",
    "physiological_efficiency": "metrics",
    "recovery_efficiency": "metrics",
    "ADDITIVE_N_PCT": "nutrients",
    "ATOMIC_MASS": "nutrients",
    "FertilizerGrade": "nutrients",
    "FertilizerInput": "nutrients",
    "FertilizerProduct": "nutrients",
    "GRADE_BASES": "nutrients",
    "KG_HA_PER_KG_MU": "nutrients",
    "K_PER_K2O": "nutrients",
    "NUTRIENTS": "nutrients",
    "P_PER_P2O5": "nutrients",
    "fertilizer_from_config": "nutrients",
    "k2o_from_potassium": "nutrients",
    "nutrient_rate_kg_ha": "nutrients",
    "nutrient_rates": "nutrients",
    "p2o5_from_phosphorus": "nutrients",
    "parse_grade": "nutrients",
    "phosphorus_from_p2o5": "nutrients",
    "potassium_from_k2o": "nutrients",
    "product_from_spec": "nutrients",
    "products_by_treatment": "nutrients",
    "rate_column": "nutrients",
    "treatment_nutrient_rates": "nutrients",
    "METRICS": "table",
    "TABLE_COLUMNS": "table",
    "efficiency_table": "table",
    "report_table": "trial_tables",
    "resolve_fertilizer": "trial_tables",
    "trial_efficiency": "trial_tables",
    "trial_yields_kg_ha": "trial_tables",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.efficiency.economics import (
        ECONOMICS_COLUMNS,
        economics_table,
        fertilizer_cost_per_ha,
        net_return_change,
        trial_economics,
        value_cost_ratio,
    )
    from yieldtrial.efficiency.metrics import (
        agronomic_efficiency,
        internal_efficiency,
        partial_factor_productivity,
        partial_nutrient_balance,
        physiological_efficiency,
        recovery_efficiency,
    )
    from yieldtrial.efficiency.nutrients import (
        ADDITIVE_N_PCT,
        ATOMIC_MASS,
        GRADE_BASES,
        K_PER_K2O,
        KG_HA_PER_KG_MU,
        NUTRIENTS,
        P_PER_P2O5,
        FertilizerGrade,
        FertilizerInput,
        FertilizerProduct,
        fertilizer_from_config,
        k2o_from_potassium,
        nutrient_rate_kg_ha,
        nutrient_rates,
        p2o5_from_phosphorus,
        parse_grade,
        phosphorus_from_p2o5,
        potassium_from_k2o,
        product_from_spec,
        products_by_treatment,
        rate_column,
        treatment_nutrient_rates,
    )
    from yieldtrial.efficiency.table import (
        METRICS,
        TABLE_COLUMNS,
        efficiency_table,
    )
    from yieldtrial.efficiency.trial_tables import (
        report_table,
        resolve_fertilizer,
        trial_efficiency,
        trial_yields_kg_ha,
    )


def __getattr__(name: str) -> Any:
    """Import a public name from its submodule on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'yieldtrial.efficiency' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"yieldtrial.efficiency.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """List the public names, including the lazily imported ones."""
    return sorted(set(globals()) | set(__all__))
