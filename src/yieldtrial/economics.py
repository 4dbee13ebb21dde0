"""Fertilizer economics (public path): see :mod:`yieldtrial.efficiency.economics`.

Kept so that ``import yieldtrial.economics`` and ``from yieldtrial.economics import ...``
work as documented; the implementation lives in the efficiency stage.
"""

from yieldtrial.efficiency.economics import (
    ECONOMICS_COLUMNS,
    economics_table,
    fertilizer_cost_per_ha,
    net_return_change,
    trial_economics,
    value_cost_ratio,
)

__all__ = [
    "ECONOMICS_COLUMNS",
    "economics_table",
    "fertilizer_cost_per_ha",
    "net_return_change",
    "trial_economics",
    "value_cost_ratio",
]
