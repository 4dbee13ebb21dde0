"""Nutrient accounting (public path): see :mod:`yieldtrial.efficiency.nutrients`.

Kept so that ``import yieldtrial.nutrients`` and ``from yieldtrial.nutrients import ...``
work as documented; the implementation lives in the efficiency stage.
"""

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

__all__ = [
    "ADDITIVE_N_PCT",
    "ATOMIC_MASS",
    "GRADE_BASES",
    "K_PER_K2O",
    "KG_HA_PER_KG_MU",
    "NUTRIENTS",
    "P_PER_P2O5",
    "FertilizerGrade",
    "FertilizerInput",
    "FertilizerProduct",
    "fertilizer_from_config",
    "k2o_from_potassium",
    "nutrient_rate_kg_ha",
    "nutrient_rates",
    "p2o5_from_phosphorus",
    "parse_grade",
    "phosphorus_from_p2o5",
    "potassium_from_k2o",
    "product_from_spec",
    "products_by_treatment",
    "rate_column",
    "treatment_nutrient_rates",
]
