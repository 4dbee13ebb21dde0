"""Fertilizer products of :mod:`yieldtrial.nutrients`: specs -> treatment nutrient rates.

:func:`product_from_spec` reads one product mapping, :func:`products_by_treatment`
a treatment -> product(s) description, :func:`nutrient_rates` and
:func:`treatment_nutrient_rates` tabulate the nutrient rates and
:func:`fertilizer_from_config` reads the description from a ``trial.toml``.
Private: every public name is re-exported by :mod:`yieldtrial.nutrients`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.config import MAX_RATE
from yieldtrial.efficiency.grades import (
    ADDITIVE_ALIASES,
    ADDITIVE_N_PCT,
    GRADE_IN_NAME,
    K_PER_K2O,
    KG_HA_PER_KG_MU,
    NUTRIENTS,
    P_PER_P2O5,
    RATE_UNITS,
    FertilizerGrade,
    parse_grade,
    rate_column,
    rate_unit_factor,
)
from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import check_number, check_option, message_number

__all__ = [
    "FertilizerInput",
    "FertilizerProduct",
    "fertilizer_from_config",
    "nutrient_rates",
    "product_from_spec",
    "products_by_treatment",
    "treatment_nutrient_rates",
]


# ----------------------------------------------------------------------------- products
@dataclass(frozen=True)
class FertilizerProduct:
    """One product applied in one treatment, with its rate and nutrient content.

    Attributes
    ----------
    name : str
        Product name as reported (e.g. ``"compound fertilizer 15-15-15"``).
    rate_kg_ha : float
        Product applied. [kg/ha]
    grade : FertilizerGrade
        Nutrient content of the product, including N carried by additives. [%]
    source : str
        How the content was determined (grade label, additive formula, stated rates).
    price_per_kg : float or None
        Price of the product, when given (used by :mod:`yieldtrial.economics`).
        [currency/kg]
    stated_rates_kg_ha : mapping
        Nutrient rates stated directly (``{"N": 90.0}``) instead of a product and
        grade; they take precedence over ``rate_kg_ha x grade``. [kg/ha]
    """

    name: str
    rate_kg_ha: float
    grade: FertilizerGrade = field(default_factory=FertilizerGrade)
    source: str = ""
    price_per_kg: float | None = None
    stated_rates_kg_ha: Mapping[str, float] = field(default_factory=dict)

    @property
    def rate_kg_mu(self) -> float:
        """Product applied per mu, in [kg/mu]."""
        return self.rate_kg_ha / KG_HA_PER_KG_MU

    def nutrient_kg_ha(self, nutrient: str) -> float:
        """Return the nutrient applied with this product, in [kg/ha]."""
        check_option("nutrient", nutrient, NUTRIENTS)
        stated = _stated_nutrient(self.stated_rates_kg_ha, nutrient)
        if stated is not None:
            return stated
        return self.rate_kg_ha * self.grade.pct(nutrient) / 100.0


def _stated_nutrient(stated: Mapping[str, float], nutrient: str) -> float | None:
    if not stated:
        return None
    if nutrient in stated:
        return stated[nutrient]
    pairs = {
        "P": ("P2O5", P_PER_P2O5),
        "P2O5": ("P", 1 / P_PER_P2O5),
        "K": ("K2O", K_PER_K2O),
        "K2O": ("K", 1 / K_PER_K2O),
    }
    if nutrient in pairs and pairs[nutrient][0] in stated:
        other, factor = pairs[nutrient]
        return stated[other] * factor
    return 0.0


_RATE_KEYS: dict[str, float] = {
    "rate_kg_ha": 1.0,
    "product_rate_kg_ha": 1.0,
    "rate_kg_mu": KG_HA_PER_KG_MU,
    "product_rate_kg_mu": KG_HA_PER_KG_MU,
}
_CONTENT_KEYS: dict[str, str] = {
    "n_pct": "N",
    "p2o5_pct": "P2O5",
    "k2o_pct": "K2O",
    "p_pct": "P",
    "k_pct": "K",
}
_STATED_KEYS: dict[str, tuple[str, float]] = {
    f"{n.lower()}_rate_{unit}": (n, factor)
    for n in NUTRIENTS
    for unit, factor in (("kg_ha", 1.0), ("kg_mu", KG_HA_PER_KG_MU))
}
_SPEC_KEYS: tuple[str, ...] = (
    "product",
    "name",
    "grade",
    "basis",
    "rate",
    "rate_unit",
    "additive",
    "contains",
    "price_per_kg",
    "price_per_t",
    "label",
    "description",
    *_RATE_KEYS,
    *_CONTENT_KEYS,
    *_STATED_KEYS,
)


def _additive_key(name: str) -> str | None:
    return ADDITIVE_ALIASES.get(name.strip().lower())


def product_from_spec(
    spec: Mapping[str, Any] | FertilizerProduct, *, treatment: str = "?"
) -> FertilizerProduct:
    """Build a :class:`FertilizerProduct` from a plain description.

    Parameters
    ----------
    spec : mapping or FertilizerProduct
        Keys (all optional except a rate and a content):

        * ``product`` (or ``name``): product name; a grade written in it
          (``"compound 15-15-15"``) is used when ``grade`` is absent, and a known
          additive name (``"dicyandiamide"``, ``"DCD"``) gives its N content;
        * ``grade``: label grade, see :func:`parse_grade`; ``basis`` likewise;
        * one rate: ``rate_kg_ha``, ``rate_kg_mu`` (or ``product_rate_kg_ha``,
          ``product_rate_kg_mu``), or ``rate`` with ``rate_unit`` (``"kg/ha"``,
          ``"kg/mu"``, ``"t/ha"``, ...);
        * ``n_pct``, ``p2o5_pct``, ``k2o_pct`` (or ``p_pct``, ``k_pct``): contents
          instead of a grade;
        * ``additive``: the product *is* this known additive (see
          :data:`ADDITIVE_N_PCT`);
        * ``contains``: mapping additive -> percent of the product's mass, whose N
          is added to the grade (a compound fertilizer blended with DCD);
        * ``n_rate_kg_ha`` (``p2o5_rate_kg_mu``, ...): nutrient rates stated
          directly, when no product rate is known;
        * ``price_per_kg`` or ``price_per_t``: product price (economics).
    treatment : str
        Treatment label, used in error messages.

    Returns
    -------
    FertilizerProduct
        The product with its rate in kg/ha and its content.

    Raises
    ------
    DataValidationError
        On an unknown key, no or two rates, a negative rate, an unknown rate unit,
        or no way to tell the nutrient content.

    Examples
    --------
    >>> p = product_from_spec({"product": "compound 15-15-15", "rate_kg_mu": 40})
    >>> p.rate_kg_ha, p.nutrient_kg_ha("N")
    (600.0, 90.0)
    >>> round(product_from_spec({"additive": "DCD", "rate_kg_ha": 3}).nutrient_kg_ha("N"), 3)
    1.999
    """
    if isinstance(spec, FertilizerProduct):
        return spec
    if not isinstance(spec, Mapping):
        raise DataValidationError(
            f"treatment {treatment!r}: fertilizer {spec!r} is not a product description; give a "
            'mapping such as {"product": "compound 15-15-15", "rate_kg_mu": 40} (a bare '
            "number is ambiguous: product rate or nutrient rate?)."
        )
    unknown = [k for k in spec if k not in _SPEC_KEYS]
    if unknown:
        raise DataValidationError(
            f"treatment {treatment!r}: unknown fertilizer key(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(_SPEC_KEYS)}."
        )
    name = str(spec.get("product") or spec.get("name") or spec.get("additive") or "fertilizer")
    where = f"treatment {treatment!r}, product {name!r}"
    stated = {
        nutrient: float(spec[key]) * factor
        for key, (nutrient, factor) in _STATED_KEYS.items()
        if key in spec
    }
    for nutrient, value in stated.items():
        if not value >= 0:
            raise DataValidationError(
                f"{where}: {nutrient} rate {message_number(value)} kg/ha is negative or not a "
                "number; nutrient "
                "rates must be >= 0."
            )
    rate = _spec_rate_kg_ha(spec, where, required=not stated)
    price = _spec_price(spec, where)
    grade, source = _spec_grade(spec, name, where, required=not stated)
    if stated:
        source = "stated nutrient rates"
    return FertilizerProduct(
        name=name,
        rate_kg_ha=rate,
        grade=grade,
        source=source,
        price_per_kg=price,
        stated_rates_kg_ha=stated,
    )


def _spec_rate_kg_ha(spec: Mapping[str, Any], where: str, *, required: bool) -> float:
    given = [(key, factor) for key, factor in _RATE_KEYS.items() if key in spec]
    if "rate" in spec:
        factor = rate_unit_factor(spec.get("rate_unit"))
        if factor is None:
            raise DataValidationError(
                f"{where}: rate_unit {spec.get('rate_unit')!r} is unknown or missing; expected one "
                f'of {", ".join(RATE_UNITS)} (e.g. rate = 40, rate_unit = "kg/mu").'
            )
        given.append(("rate", factor))
    if len(given) > 1:
        raise DataValidationError(
            f"{where}: several product rates given ({', '.join(k for k, _ in given)}); give one."
        )
    if not given:
        if required:
            raise DataValidationError(
                f"{where}: no product rate; give rate_kg_ha or rate_kg_mu (or rate with "
                "rate_unit), or the nutrient rates directly (n_rate_kg_ha = ...)."
            )
        return float("nan")
    key, factor = given[0]
    value = check_number(  # the rule and message of a rate in trial.toml
        key, spec[key], where, low=0.0, high=MAX_RATE, high_inclusive=True,
        fix=f"a fertilizer rate is zero or positive; more than {MAX_RATE:g} is a typing error",
    )  # fmt: skip
    return value * factor


def _spec_price(spec: Mapping[str, Any], where: str) -> float | None:
    if "price_per_kg" in spec and "price_per_t" in spec:
        raise DataValidationError(f"{where}: give price_per_kg or price_per_t, not both.")
    for key, factor in (("price_per_kg", 1.0), ("price_per_t", 0.001)):
        if key in spec:
            value = check_number(
                key, spec[key], where, low=0.0, high=MAX_RATE, high_inclusive=True,
                fix=f"a price is zero or positive, at most {MAX_RATE:g} (more is a typing error)",
            )  # fmt: skip
            return value * factor
    return None


def _spec_grade(
    spec: Mapping[str, Any], name: str, where: str, *, required: bool
) -> tuple[FertilizerGrade, str]:
    basis = str(spec.get("basis", "oxide"))
    contents = {nutrient: spec[key] for key, nutrient in _CONTENT_KEYS.items() if key in spec}
    additive = spec.get("additive")
    grade: FertilizerGrade | None = None
    source = ""
    if "grade" in spec:
        grade = parse_grade(spec["grade"], basis=basis)
        source = f"grade {grade}"
    elif contents:
        grade = parse_grade({k: float(v) for k, v in contents.items()})
        source = f"stated contents {grade}"
    elif additive is not None:
        key = _additive_key(str(additive))
        if key is None:
            raise DataValidationError(
                f"{where}: additive {additive!r} is not a known N-containing additive "
                f"({', '.join(ADDITIVE_N_PCT)}); give its N content with n_pct = ... instead."
            )
        grade = FertilizerGrade(n_pct=ADDITIVE_N_PCT[key])
        source = f"{key} {ADDITIVE_N_PCT[key]:.1f} % N"
    elif (named := _additive_key(name)) is not None:
        grade = FertilizerGrade(n_pct=ADDITIVE_N_PCT[named])
        source = f"{named} {ADDITIVE_N_PCT[named]:.1f} % N"
    else:
        match = GRADE_IN_NAME.search(name)
        if match:
            grade = parse_grade("-".join(match.groups()), basis=basis)
            source = f"grade {grade} (read from the product name)"
    for extra_name, pct in dict(spec.get("contains") or {}).items():
        key = _additive_key(str(extra_name))
        if key is None:
            raise DataValidationError(
                f"{where}: contains {extra_name!r}, not a known N-containing additive "
                f"({', '.join(ADDITIVE_N_PCT)}); add its N to n_pct instead."
            )
        share = float(pct)
        if not 0 <= share <= 100:
            raise DataValidationError(
                f"{where}: contains {extra_name!r} at {pct!r} % of the product; expected 0-100."
            )
        extra_n = share / 100.0 * ADDITIVE_N_PCT[key]
        grade = (grade or FertilizerGrade()) + FertilizerGrade(n_pct=extra_n)
        source += (
            f"{'; ' if source else ''}+ {message_number(extra_n, 2)} % N from "
            f"{message_number(share)} % {key}"
        )
    if grade is None:
        if required:
            raise DataValidationError(
                f'{where}: nutrient content unknown; give grade = "15-15-15" (% N-P2O5-K2O), '
                'n_pct = ..., additive = "dicyandiamide", or the nutrient rate n_rate_kg_ha.'
            )
        grade = FertilizerGrade()
    return grade, source


FertilizerInput = Mapping[str, Any]


def products_by_treatment(fertilizer: FertilizerInput) -> dict[str, list[FertilizerProduct]]:
    """Normalize a fertilizer description to treatment -> list of products.

    Parameters
    ----------
    fertilizer : mapping
        Treatment label -> one product description or a list of them (see
        :func:`product_from_spec`), or a :class:`~yieldtrial.config.TrialConfig`-style
        mapping already normalized.  An empty list means no fertilizer.

    Returns
    -------
    dict
        Treatment label -> list of :class:`FertilizerProduct`.

    Examples
    --------
    >>> fert = {"CK1": {"product": "compound 15-15-15", "rate_kg_mu": 50},
    ...         "T": [{"product": "compound 15-15-15", "rate_kg_mu": 40},
    ...               {"additive": "dicyandiamide", "rate_kg_mu": 0.5}]}
    >>> [len(v) for v in products_by_treatment(fert).values()]
    [1, 2]
    """
    if not isinstance(fertilizer, Mapping) or not fertilizer:
        raise DataValidationError(
            "fertilizer must be a non-empty mapping treatment -> product(s), e.g. "
            '{"CK1": {"product": "compound 15-15-15", "rate_kg_mu": 50}}.'
        )
    out: dict[str, list[FertilizerProduct]] = {}
    for treatment, value in fertilizer.items():
        items: Iterable[Any]
        if isinstance(value, Mapping | FertilizerProduct):
            items = [value]
        elif isinstance(value, list | tuple):
            items = value
        else:
            items = [value]
        out[str(treatment)] = [product_from_spec(item, treatment=str(treatment)) for item in items]
    return out


_RATE_COLUMNS: tuple[str, ...] = tuple(rate_column(n) for n in NUTRIENTS)


def nutrient_rates(fertilizer: FertilizerInput) -> pd.DataFrame:
    """Nutrients applied by every product of every treatment (one row per product).

    Parameters
    ----------
    fertilizer : mapping
        Treatment -> product(s); see :func:`products_by_treatment`.

    Returns
    -------
    DataFrame
        Columns ``treatment``, ``product``, ``grade`` (N-P2O5-K2O %),
        ``content_source``, ``product_rate_kg_ha``, ``product_rate_kg_mu``,
        ``n_rate_kg_ha``, ``p2o5_rate_kg_ha``, ``p_rate_kg_ha``,
        ``k2o_rate_kg_ha``, ``k_rate_kg_ha`` [kg/ha], ``price_per_kg``.

    Examples
    --------
    >>> t = nutrient_rates({"T": [{"product": "compound 15-15-15", "rate_kg_mu": 40},
    ...                          {"additive": "dicyandiamide", "rate_kg_mu": 0.5}]})
    >>> t["n_rate_kg_ha"].round(2).tolist()
    [90.0, 5.0]
    """
    rows = []
    for treatment, products in products_by_treatment(fertilizer).items():
        for product in products:
            row: dict[str, Any] = {
                "treatment": treatment,
                "product": product.name,
                "grade": str(product.grade) if not product.stated_rates_kg_ha else "",
                "content_source": product.source,
                "product_rate_kg_ha": product.rate_kg_ha,
                "product_rate_kg_mu": product.rate_kg_mu,
            }
            for nutrient in NUTRIENTS:
                row[rate_column(nutrient)] = product.nutrient_kg_ha(nutrient)
            row["price_per_kg"] = np.nan if product.price_per_kg is None else product.price_per_kg
            rows.append(row)
    columns = [
        "treatment",
        "product",
        "grade",
        "content_source",
        "product_rate_kg_ha",
        "product_rate_kg_mu",
        *_RATE_COLUMNS,
        "price_per_kg",
    ]
    return pd.DataFrame(rows, columns=columns)


def treatment_nutrient_rates(fertilizer: FertilizerInput) -> pd.DataFrame:
    """Total nutrients applied per treatment, in kg/ha and kg/mu.

    Parameters
    ----------
    fertilizer : mapping
        Treatment -> product(s); see :func:`products_by_treatment`.

    Returns
    -------
    DataFrame
        One row per treatment (in the given order): ``treatment``, ``products``
        (names joined with ``" + "``), then for each nutrient ``<x>_rate_kg_ha``
        and ``<x>_rate_kg_mu`` (x = n, p2o5, p, k2o, k).

    Examples
    --------
    >>> t = treatment_nutrient_rates({"CK1": {"product": "compound 15-15-15", "rate_kg_mu": 50}})
    >>> t[["n_rate_kg_mu", "n_rate_kg_ha"]].iloc[0].tolist()
    [7.5, 112.5]
    """
    products = products_by_treatment(fertilizer)
    order = list(products)
    out = pd.DataFrame({"treatment": order})
    out["products"] = [" + ".join(p.name for p in products[t]) or "(none)" for t in order]
    for nutrient in NUTRIENTS:
        col = rate_column(nutrient)
        totals = np.array(
            [sum((p.nutrient_kg_ha(nutrient) for p in products[t]), 0.0) for t in order],
            dtype=float,
        )
        out[col] = totals
        out[col.replace("_kg_ha", "_kg_mu")] = totals / KG_HA_PER_KG_MU
    return out


def fertilizer_from_config(config: Any) -> dict[str, list[dict[str, Any]]]:
    """Read the treatments' fertilizer from a trial description (``trial.toml``).

    The schema, within each ``[[treatments]]`` table of
    :class:`yieldtrial.config.TrialConfig`:

    * ``product``, ``rate``, ``rate_unit`` (the config's own fields) describe the
      main product; its grade is the key ``grade = "15-15-15"`` or is read from the
      product name; ``n_pct`` etc. may replace it;
    * ``contains = {dicyandiamide = 1.0}``: additive share of the main product [%];
    * ``products = [{product = "synergist", additive = "dicyandiamide", rate = 0.5,
      rate_unit = "kg/mu"}, ...]``: further products (each like
      :func:`product_from_spec`);
    * ``n_rate_kg_ha = 90`` (or ``..._kg_mu``, other nutrients): nutrient rates
      stated directly, used when no product content is given;
    * ``price_per_kg`` / ``price_per_t``: price of the main product.

    Parameters
    ----------
    config : TrialConfig
        The parsed description (anything with a ``treatments`` sequence of objects
        with ``label``, ``product``, ``rate``, ``rate_unit`` and ``extra``).

    Returns
    -------
    dict
        Treatment -> list of product descriptions, ready for :func:`products_by_treatment`;
        empty when no treatment describes fertilizer.

    Examples
    --------
    >>> from yieldtrial.config import TrialConfig
    >>> cfg = TrialConfig.from_text('''
    ... [[treatments]]
    ... label = "CK1"
    ... product = "compound fertilizer 15-15-15"
    ... rate = 50
    ... rate_unit = "kg/mu"
    ... ''')
    >>> fertilizer_from_config(cfg)
    {'CK1': [{'product': 'compound fertilizer 15-15-15', 'rate': 50.0, 'rate_unit': 'kg/mu'}]}
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for info in getattr(config, "treatments", ()) or ():
        extra = dict(getattr(info, "extra", {}) or {})
        specs: list[dict[str, Any]] = []
        main: dict[str, Any] = {}
        if getattr(info, "product", None) is not None:
            main["product"] = info.product
        if getattr(info, "rate", None) is not None:
            main["rate"] = info.rate
            main["rate_unit"] = info.rate_unit
        further = extra.pop("products", None) or []
        for key in list(extra):
            if key in _SPEC_KEYS:
                main[key] = extra.pop(key)
        has_main = "rate" in main or any(k in main for k in _STATED_KEYS)
        if has_main:
            specs.append(main)
        if isinstance(further, Mapping):
            further = [further]
        for item in further:
            specs.append(dict(item))
        if specs:
            out[str(info.label)] = specs
    return out
