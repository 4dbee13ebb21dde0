r"""Elements, oxide conversions and label grades of :mod:`yieldtrial.nutrients`.

Atomic masses and the P2O5 -> P, K2O -> K factors, the kg/mu -> kg/ha factor,
nitrogen of additives, nutrient-rate conversions and :func:`parse_grade`.
Private: every public name is re-exported by :mod:`yieldtrial.nutrients`.

References
----------
.. [1] IUPAC Commission on Isotopic Abundances and Atomic Weights, "Atomic
   weights of the elements 2007," *Pure Appl. Chem.* 81(11):2131-2156, 2009.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial._typing import Numeric, like_input
from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import (
    as_numeric,
    check_aligned,
    check_option,
    check_range,
    check_result_finite,
    message_number,
    real_float,
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
    "k2o_from_potassium",
    "nutrient_rate_kg_ha",
    "p2o5_from_phosphorus",
    "parse_grade",
    "phosphorus_from_p2o5",
    "potassium_from_k2o",
    "rate_column",
]


# ----------------------------------------------------------------------------- constants
#: Standard atomic weights [g/mol], IUPAC 2007 values to the precision the fertilizer
#: literature uses (O 15.9994 reproduces the printed factors 0.4364 and 0.8301) [1].
ATOMIC_MASS: Mapping[str, float] = {
    "H": 1.00794,
    "C": 12.0107,
    "N": 14.0067,
    "O": 15.9994,
    "P": 30.973762,
    "S": 32.065,
    "Cl": 35.453,
    "K": 39.0983,
}


def _molar_mass(composition: Mapping[str, int]) -> float:
    return sum(ATOMIC_MASS[element] * count for element, count in composition.items())


def _mass_fraction(composition: Mapping[str, int], element: str) -> float:
    return ATOMIC_MASS[element] * composition.get(element, 0) / _molar_mass(composition)


#: Mass of elemental P per unit mass of P2O5: 2 x 30.973762 / (2 x 30.973762 + 5 x 15.9994)
#: = 61.947524 / 141.944524 = 0.436421 (printed in texts as 0.4364).
P_PER_P2O5: float = _mass_fraction({"P": 2, "O": 5}, "P")

#: Mass of elemental K per unit mass of K2O: 2 x 39.0983 / (2 x 39.0983 + 15.9994)
#: = 78.1966 / 94.1960 = 0.830148 (0.8301).
K_PER_K2O: float = _mass_fraction({"K": 2, "O": 1}, "K")

#: 1 ha = 15 mu exactly (1 mu = 10000/15 m2, State Council decree 1959), so kg/mu x 15 = kg/ha.
KG_HA_PER_KG_MU: float = 15.0

# name -> (chemical formula as element counts, aliases); N content derived from atomic masses
_ADDITIVES: dict[str, tuple[dict[str, int], tuple[str, ...]]] = {
    # dicyandiamide C2H4N4, nitrification inhibitor: 4 x 14.0067 / 84.0800 = 66.6 % N
    "dicyandiamide": ({"C": 2, "H": 4, "N": 4}, ("dcd", "双氰胺")),
    # urea CO(NH2)2 = CH4N2O: 2 x 14.0067 / 60.0553 = 46.6 % N (pure compound; fertilizer urea
    # is usually labelled 46-0-0, so give its grade when the label says so)
    "urea": ({"C": 1, "H": 4, "N": 2, "O": 1}, ("尿素",)),
    # NBPT, N-(n-butyl)thiophosphoric triamide C4H14N3PS, urease inhibitor: 42.021 / 167.21 = 25.1 %
    "nbpt": ({"C": 4, "H": 14, "N": 3, "P": 1, "S": 1}, ("n-(n-butyl)thiophosphoric triamide",)),
    # DMPP, 3,4-dimethylpyrazole phosphate C5H8N2.H3PO4: 28.014 / 194.13 = 14.4 % N
    "dmpp": ({"C": 5, "H": 11, "N": 2, "O": 4, "P": 1}, ("3,4-dimethylpyrazole phosphate",)),
    # nitrapyrin, 2-chloro-6-(trichloromethyl)pyridine C6H3Cl4N: 14.007 / 230.90 = 6.1 % N
    "nitrapyrin": ({"C": 6, "H": 3, "Cl": 4, "N": 1}, ()),
}

#: Nitrogen content [% of mass] of known N-containing additives, from their formulas and
#: :data:`ATOMIC_MASS`: dicyandiamide 66.6, urea 46.6, NBPT 25.1, DMPP 14.4, nitrapyrin 6.1.
ADDITIVE_N_PCT: Mapping[str, float] = {
    name: 100.0 * _mass_fraction(formula, "N") for name, (formula, _) in _ADDITIVES.items()
}

ADDITIVE_ALIASES: dict[str, str] = {
    alias.lower(): name for name, (_, aliases) in _ADDITIVES.items() for alias in (name, *aliases)
}

#: Nutrients a rate or metric can be expressed in (oxide and elemental forms).
NUTRIENTS: tuple[str, ...] = ("N", "P2O5", "P", "K2O", "K")


# rate unit -> factor to kg/ha
RATE_UNITS: dict[str, float] = {
    "kg/ha": 1.0,
    "kg ha-1": 1.0,
    "kg/mu": KG_HA_PER_KG_MU,
    "kg/亩": KG_HA_PER_KG_MU,
    "t/ha": 1000.0,
    "g/ha": 0.001,
    "g/mu": 0.001 * KG_HA_PER_KG_MU,
    "lb/ac": 0.45359237 / 4046.8564224 * 10000.0,
}

#: The same, keyed as a typed unit is compared: lower case, no spaces.
_RATE_UNIT_KEYS: dict[str, float] = {k.replace(" ", ""): v for k, v in RATE_UNITS.items()}


def rate_unit_factor(unit: object) -> float | None:
    """Return the factor from a product rate in ``unit`` to kg/ha, or None if unknown.

    Case and spaces do not matter (``"KG / MU"`` is kg/mu); the units are those of
    ``rate_unit`` in trial.toml's ``[[treatments]]``.

    Examples
    --------
    >>> rate_unit_factor("kg/mu"), rate_unit_factor("KG / HA"), rate_unit_factor("parsec")
    (15.0, 1.0, None)
    """
    return _RATE_UNIT_KEYS.get(str(unit or "").strip().lower().replace(" ", ""))


def rate_column(nutrient: str) -> str:
    """Return the table column of a nutrient's rate, e.g. ``"n_rate_kg_ha"``.

    Parameters
    ----------
    nutrient : str
        One of :data:`NUTRIENTS`.

    Returns
    -------
    str
        Column name.

    Examples
    --------
    >>> rate_column("P2O5")
    'p2o5_rate_kg_ha'
    """
    return f"{nutrient.lower()}_rate_kg_ha"


def output_template(*values: Numeric) -> Numeric:
    """Return the input whose kind a result takes: the first Series, else array, else 0.0."""
    for value in values:
        if isinstance(value, pd.Series):
            return value
    for value in values:
        if isinstance(value, np.ndarray) and value.ndim > 0:
            return value
    return 0.0


# ----------------------------------------------------------------------------- conversions
def _scale(value: Numeric, name: str, *, times: float = 1.0, per: float = 1.0) -> Numeric:
    """Return ``value x times / per``, keeping the input's kind and index."""
    checked = as_numeric(value, name)
    check_range(name, checked)  # infinity is never an amount (NaN, a missing one, passes)
    result = np.asarray(checked, dtype=float) * times / per
    check_result_finite(f"the converted {name}", result)  # 1e308 overflowed to inf
    return like_input(result, checked)


def phosphorus_from_p2o5(p2o5: Numeric) -> Numeric:
    r"""Elemental phosphorus equivalent of a P2O5 amount.

    Parameters
    ----------
    p2o5 : numeric
        Amount, rate or content expressed as P2O5. [any mass unit, kg/ha or %]

    Returns
    -------
    numeric
        The same quantity expressed as elemental P, ``p2o5 x 0.4364``; same kind
        and index as the input. [same unit]

    Notes
    -----
    :math:`P = P_2O_5 \times 2 M_P / (2 M_P + 5 M_O)` with IUPAC atomic weights
    (:data:`P_PER_P2O5` = 0.43643).

    Examples
    --------
    >>> round(phosphorus_from_p2o5(15.0), 3)
    6.546
    """
    return _scale(p2o5, "p2o5", times=P_PER_P2O5)


def p2o5_from_phosphorus(phosphorus: Numeric) -> Numeric:
    """P2O5 equivalent of an elemental P amount (inverse of :func:`phosphorus_from_p2o5`).

    Parameters
    ----------
    phosphorus : numeric
        Amount, rate or content expressed as elemental P. [any mass unit, kg/ha or %]

    Returns
    -------
    numeric
        The same quantity expressed as P2O5, ``P / 0.4364``. [same unit]

    Examples
    --------
    >>> round(p2o5_from_phosphorus(phosphorus_from_p2o5(15.0)), 12)
    15.0
    """
    return _scale(phosphorus, "phosphorus", per=P_PER_P2O5)


def potassium_from_k2o(k2o: Numeric) -> Numeric:
    r"""Elemental potassium equivalent of a K2O amount.

    Parameters
    ----------
    k2o : numeric
        Amount, rate or content expressed as K2O. [any mass unit, kg/ha or %]

    Returns
    -------
    numeric
        The same quantity expressed as elemental K, ``k2o x 0.8301``. [same unit]

    Notes
    -----
    :math:`K = K_2O \times 2 M_K / (2 M_K + M_O)` (:data:`K_PER_K2O` = 0.83015).

    Examples
    --------
    >>> round(potassium_from_k2o(15.0), 3)
    12.452
    """
    return _scale(k2o, "k2o", times=K_PER_K2O)


def k2o_from_potassium(potassium: Numeric) -> Numeric:
    """K2O equivalent of an elemental K amount (inverse of :func:`potassium_from_k2o`).

    Parameters
    ----------
    potassium : numeric
        Amount, rate or content expressed as elemental K. [any mass unit, kg/ha or %]

    Returns
    -------
    numeric
        The same quantity expressed as K2O, ``K / 0.8301``. [same unit]

    Examples
    --------
    >>> round(k2o_from_potassium(potassium_from_k2o(60.0)), 12)
    60.0
    """
    return _scale(potassium, "potassium", per=K_PER_K2O)


def nutrient_rate_kg_ha(product_rate_kg_ha: Numeric, *, content_pct: Numeric) -> Numeric:
    """Nutrient applied with a product: product rate x nutrient content.

    Parameters
    ----------
    product_rate_kg_ha : numeric
        Product (fertilizer) applied. [kg/ha]
    content_pct : numeric
        Nutrient content of the product, percent of its mass (e.g. 15 for the N in
        a 15-15-15 compound). [%]

    Returns
    -------
    numeric
        Nutrient applied, same kind and index as the inputs. [kg/ha]

    Raises
    ------
    DataValidationError
        If a rate is negative or a content is outside [0, 100].

    Examples
    --------
    40 kg/mu of a 15-15-15 compound = 600 kg/ha of product = 90 kg N/ha:

    >>> nutrient_rate_kg_ha(40 * 15, content_pct=15)
    90.0
    """
    rate = as_numeric(product_rate_kg_ha, "product_rate_kg_ha")
    content = as_numeric(content_pct, "content_pct")
    check_aligned(product_rate_kg_ha=rate, content_pct=content)
    check_range("product_rate_kg_ha", rate, low=0)
    check_range(
        "content_pct",
        content,
        low=0,
        high=100,
        high_inclusive=True,
        fix="Give the nutrient content in percent of product mass (15, not 0.15).",
    )
    result = np.asarray(rate, dtype=float) * np.asarray(content, dtype=float) / 100.0
    check_result_finite("the nutrient rate product_rate_kg_ha x content_pct / 100", result)
    return like_input(result, output_template(rate, content))


# ----------------------------------------------------------------------------- grades
@dataclass(frozen=True)
class FertilizerGrade:
    """Nutrient content of a fertilizer product, on the label's oxide basis.

    Attributes
    ----------
    n_pct : float
        Nitrogen, percent of product mass. [%]
    p2o5_pct : float
        Phosphate as P2O5, percent of product mass. [%]
    k2o_pct : float
        Potash as K2O, percent of product mass. [%]

    Examples
    --------
    >>> g = parse_grade("15-15-15")
    >>> round(g.p_pct, 3), round(g.k_pct, 3), str(g)
    (6.546, 12.452, '15-15-15')
    """

    n_pct: float = 0.0
    p2o5_pct: float = 0.0
    k2o_pct: float = 0.0

    @property
    def p_pct(self) -> float:
        """Elemental phosphorus, percent of product mass, in [%]."""
        return self.p2o5_pct * P_PER_P2O5

    @property
    def k_pct(self) -> float:
        """Elemental potassium, percent of product mass, in [%]."""
        return self.k2o_pct * K_PER_K2O

    def pct(self, nutrient: str) -> float:
        """Return the content of ``nutrient`` (one of :data:`NUTRIENTS`) in [%] of product mass."""
        check_option("nutrient", nutrient, NUTRIENTS)
        return {
            "N": self.n_pct,
            "P2O5": self.p2o5_pct,
            "P": self.p_pct,
            "K2O": self.k2o_pct,
            "K": self.k_pct,
        }[nutrient]

    def __add__(self, other: FertilizerGrade) -> FertilizerGrade:
        """Sum the contents (e.g. a product plus the N of an additive it contains)."""
        return FertilizerGrade(
            self.n_pct + other.n_pct, self.p2o5_pct + other.p2o5_pct, self.k2o_pct + other.k2o_pct
        )

    def __str__(self) -> str:
        """Return the label form ``N-P2O5-K2O``, e.g. ``"15-15-15"``."""
        return "-".join(f"{v:g}" for v in (self.n_pct, self.p2o5_pct, self.k2o_pct))


_NUMBER = r"\d+(?:\.\d+)?"
_LABEL = r"P2O5|K2O|N|P|K"
_PLAIN_GRADE = re.compile(
    rf"^\s*({_NUMBER})(?:\s*[-:/]\s*({_NUMBER}))?(?:\s*[-:/]\s*({_NUMBER}))?"
    r"\s*$"
)
_HEADER_GRADE = re.compile(
    rf"^\s*((?:{_LABEL})(?:\s*[-:/]\s*(?:{_LABEL})){{0,2}})\s*[=:]?\s*"
    rf"({_NUMBER}(?:\s*[-:/]\s*{_NUMBER}){{0,2}})\s*%?\s*$",
    re.IGNORECASE,
)
_PAIR = re.compile(rf"({_LABEL})\s*[=:]?\s*({_NUMBER})\s*%?", re.IGNORECASE)
GRADE_IN_NAME = re.compile(rf"(?<![\d.])({_NUMBER})-({_NUMBER})-({_NUMBER})(?![\d.])")
GRADE_BASES: tuple[str, ...] = ("oxide", "element")


def parse_grade(
    grade: str | Mapping[str, float] | FertilizerGrade, *, basis: str = "oxide"
) -> FertilizerGrade:
    """Read a fertilizer grade from its label form.

    Parameters
    ----------
    grade : str, mapping or FertilizerGrade
        ``"15-15-15"`` (N-P2O5-K2O percent, the label convention; ``":"`` or ``"/"``
        also separate, fewer than three numbers leave the rest 0), a labelled form
        such as ``"N-P-K 15-6.5-12.5"``, ``"N15 P2O5 15 K2O 15"`` or
        ``"N=15, P=6.5, K=12.5"``, or a mapping ``{"N": 15, "P2O5": 15, "K2O": 15}``
        (keys among :data:`NUTRIENTS`).
    basis : {"oxide", "element"}
        How to read *unlabelled* phosphorus and potassium numbers: ``"oxide"``
        (P2O5, K2O; the label convention) or ``"element"`` (P, K).  Labelled
        numbers always follow their label.

    Returns
    -------
    FertilizerGrade
        Contents on the oxide basis (elemental P and K via its properties).

    Raises
    ------
    DataValidationError
        If the text cannot be read, a content is outside [0, 100], P (or K) is
        given both as element and as oxide, or the contents sum above 100 %.

    Examples
    --------
    >>> parse_grade("15-15-15")
    FertilizerGrade(n_pct=15.0, p2o5_pct=15.0, k2o_pct=15.0)
    >>> parse_grade("46-0-0").n_pct
    46.0
    >>> g = parse_grade("N-P-K 15-6.5465-12.452")
    >>> round(g.p2o5_pct, 2), round(g.k2o_pct, 2)
    (15.0, 15.0)
    """
    check_option("basis", basis, GRADE_BASES)
    if isinstance(grade, FertilizerGrade):
        return grade
    if isinstance(grade, Mapping):
        pairs = [(str(k), _grade_number(v, grade)) for k, v in grade.items()]
        return _grade_from_pairs(pairs, grade)
    if not isinstance(grade, str):
        raise DataValidationError(
            f"fertilizer grade {grade!r} is not text or a mapping; write it as on the label, "
            'e.g. "15-15-15" (% N - % P2O5 - % K2O).'
        )
    match = _PLAIN_GRADE.match(grade)
    if match:
        numbers = [float(x) if x is not None else 0.0 for x in match.groups()]
        labels = ["N", "P2O5", "K2O"] if basis == "oxide" else ["N", "P", "K"]
        return _grade_from_pairs(list(zip(labels, numbers, strict=True)), grade)
    match = _HEADER_GRADE.match(grade)
    if match:
        labels = re.split(r"\s*[-:/]\s*", match.group(1).strip())
        numbers = [float(x) for x in re.split(r"\s*[-:/]\s*", match.group(2).strip())]
        if len(labels) == len(numbers):
            return _grade_from_pairs(list(zip(labels, numbers, strict=True)), grade)
    pairs_found = _PAIR.findall(grade)
    leftover = _PAIR.sub("", grade).strip(" ,;%")
    if pairs_found and not leftover:
        return _grade_from_pairs([(k, float(v)) for k, v in pairs_found], grade)
    raise DataValidationError(
        f'cannot read the fertilizer grade {grade!r}; write it as on the label, "15-15-15" '
        '(% N - % P2O5 - % K2O), or with labels, e.g. "N-P-K 15-6.5-12.5" or '
        '"N=15, P2O5=15, K2O=15".'
    )


def _grade_number(value: Any, grade: object) -> float:
    try:
        if isinstance(value, bool | str | bytes):  # '15' was read as 15 (trial.toml refuses it)
            raise TypeError
        return real_float(value) if isinstance(value, int) else float(value)
    except (TypeError, ValueError):
        raise DataValidationError(
            f"fertilizer grade {grade!r}: content {value!r} is not a number; give percent of "
            'product mass, e.g. {"N": 15, "P2O5": 15, "K2O": 15}.'
        ) from None


def _grade_from_pairs(pairs: Sequence[tuple[str, float]], grade: object) -> FertilizerGrade:
    canonical = {n.upper(): n for n in NUTRIENTS}
    seen: dict[str, float] = {}
    for label, value in pairs:
        key = canonical.get(label.strip().upper())
        if key is None:
            raise DataValidationError(
                f"fertilizer grade {grade!r}: unknown nutrient {label!r}; expected "
                f"{', '.join(NUTRIENTS)}."
            )
        if key in seen:
            raise DataValidationError(f"fertilizer grade {grade!r} gives {key} twice.")
        if not 0 <= value <= 100 or math.isnan(value):
            raise DataValidationError(
                f"fertilizer grade {grade!r}: {key} = {message_number(value)} % is outside [0, "
                "100]; contents "
                "are percent of product mass (15, not 0.15)."
            )
        seen[key] = value
    for element, oxide in (("P", "P2O5"), ("K", "K2O")):
        if element in seen and oxide in seen:
            raise DataValidationError(
                f"fertilizer grade {grade!r} gives both {element} and {oxide}; give one of them."
            )
    result = FertilizerGrade(
        n_pct=seen.get("N", 0.0),
        p2o5_pct=seen["P2O5"] if "P2O5" in seen else seen.get("P", 0.0) / P_PER_P2O5,
        k2o_pct=seen["K2O"] if "K2O" in seen else seen.get("K", 0.0) / K_PER_K2O,
    )
    total = result.n_pct + result.p2o5_pct + result.k2o_pct
    if total > 100.0 + 1e-9:
        raise DataValidationError(
            f"fertilizer grade {grade!r}: N + P2O5 + K2O = {total:g} % of the product, more than "
            "100 %; check the numbers (and whether P, K were given as elements)."
        )
    return result
