r"""Nutrient accounting: product rates and label grades -> nutrient rates.

A label grade ``"15-15-15"`` means 15 % N, 15 % P2O5 and 15 % K2O of the product
mass (the oxide convention of fertilizer labels); elemental P and K follow from
atomic masses (:data:`P_PER_P2O5` = 0.4364, :data:`K_PER_K2O` = 0.8301).
Nitrogen carried by an additive, such as the nitrification inhibitor
dicyandiamide (DCD, 66.6 % N), is counted too (:data:`ADDITIVE_N_PCT`).  Rates are
kept in kg/ha; ``kg/mu`` inputs are multiplied by 15 (1 mu = 10000/15 m2 exactly).

A treatment's fertilizer is described as plain data, one mapping per product
(see :func:`product_from_spec`)::

    {"CK1": {"product": "compound fertilizer 15-15-15", "rate_kg_mu": 50},
     "T": [{"product": "compound fertilizer 15-15-15", "rate_kg_mu": 40},
           {"product": "synergist", "additive": "dicyandiamide", "rate_kg_mu": 0.5}]}

:func:`nutrient_rates` gives one row per product, :func:`treatment_nutrient_rates`
the totals per treatment; :func:`fertilizer_from_config` reads the same
description from a ``trial.toml``.  The efficiency metrics built on these rates
live in :mod:`yieldtrial.efficiency`.

The code lives in two private modules: elements, oxide conversions and label
grades in ``yieldtrial.efficiency.grades``; fertilizer products, treatment
nutrient rates and ``trial.toml`` reading in ``yieldtrial.efficiency.products``.
Every public name is importable from here.

References
----------
.. [1] IUPAC Commission on Isotopic Abundances and Atomic Weights, "Atomic
   weights of the elements 2007," *Pure Appl. Chem.* 81(11):2131-2156, 2009.
"""

from __future__ import annotations

from yieldtrial.efficiency.grades import (
    ADDITIVE_N_PCT,
    ATOMIC_MASS,
    GRADE_BASES,
    K_PER_K2O,
    KG_HA_PER_KG_MU,
    NUTRIENTS,
    P_PER_P2O5,
    FertilizerGrade,
    k2o_from_potassium,
    nutrient_rate_kg_ha,
    p2o5_from_phosphorus,
    parse_grade,
    phosphorus_from_p2o5,
    potassium_from_k2o,
    rate_column,
)
from yieldtrial.efficiency.products import (
    FertilizerInput,
    FertilizerProduct,
    fertilizer_from_config,
    nutrient_rates,
    product_from_spec,
    products_by_treatment,
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
