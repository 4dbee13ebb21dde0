"""Stop 41 (issue 13 item 3): every numeric argument of the public API fed hostile values.

Table-driven: :data:`CASES` lists the public functions and methods (``yieldtrial.__all__``,
FieldTrial, TrialConfig, the report builder and the documented submodules: units,
moisture, harvest, stats comparisons, plotting, designs, network, stability, planning,
nutrients, efficiency and economics), each with a valid call and the arguments that take numbers.
Each argument is given each value of :data:`HOSTILE` in turn, and the outcome must be:

* a :class:`~yieldtrial.errors.YieldTrialError` whose one-line message names the argument
  (or, for a product that overflows, says so: ``too large to compute``), or
* a result without infinity and without a RuntimeWarning from NumPy or SciPy,

never a NumPy, pandas, SciPy or Python exception.  Beyond that contract:

* a *setting* (one number for the whole call: ``alpha``, ``confidence``, ``factor``,
  ``shrink_pct_per_point``, ...) refuses NaN, infinity, booleans, text, dates, arrays and
  Series (:data:`REFUSED_BY_SETTINGS`), with the message trial.toml gives;
* a *measurement* (a mass, a moisture, a yield: number, list, array or Series) refuses
  infinity, booleans, text and dates (:data:`REFUSED_BY_MEASUREMENTS`); a NaN in it
  passes through as NaN, documented in docs/moisture-methods.md ("NaN passes through, so
  a missing plot stays missing").

Documented coercions (accepted on purpose): NumPy scalars are numbers; ``Decimal`` is read
as the float nearest to it; a list or array is an array and a Series keeps its index; a
categorical Series of numbers is its numbers; crop and unit names are read in any case
and with surrounding spaces; ``None`` for an argument whose default is ``None`` is the
default.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import inspect
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial import design, economics, moisture, nutrients, stats
from yieldtrial.cli import main
from yieldtrial.datasets import example_path
from yieldtrial.errors import DataValidationError, WrongTypeError, YieldTrialError
from yieldtrial.io.checks import check_probability, check_shrink_pct_per_point

PLOTS = pd.read_csv(example_path("replicated-rcbd"))
NETWORK = pd.read_csv(example_path("site-network"))
TRIAL = yt.FieldTrial.from_dataframe(PLOTS, crop="wheat", control="CK1")
MEANS_MODEL = TRIAL.means_model()
YIELDS = TRIAL.yields()
COLUMNS = {"response": "yield_kg_ha", "treatment": "treatment", "block": "block"}

#: The hostile values, by the name a failure is reported under.
HOSTILE: dict[str, Any] = {
    "nan": math.nan,
    "np.nan64": np.float64("nan"),
    "inf": math.inf,
    "-inf": -math.inf,
    "None": None,
    "negative": -5,
    "zero": 0,
    "huge": 1e308,
    "True": True,
    "np.float32": np.float32(5),
    "np.int64": np.int64(5),
    "np.bool_": np.bool_(True),
    "Decimal": decimal.Decimal("5"),
    "'5'": "5",
    "'nan'": "nan",
    "'1_000'": "1_000",
    "b'5'": b"5",
    "complex": 5 + 0j,
    "list": [5.0],
    "ndarray": np.array([5.0]),
    "Series": pd.Series([5.0]),
    "empty Series": pd.Series([], dtype=float),
    "Int64 <NA>": pd.Series([5, None], dtype="Int64"),
    "categorical": pd.Series([5.0, 6.0]).astype("category"),
    "object Series": pd.Series([5.0, "x"], dtype=object),
    "datetime Series": pd.Series(pd.to_datetime(["2024-01-01"])),
    "timedelta Series": pd.Series(pd.to_timedelta(["1D"])),
    "DataFrame": pd.DataFrame({"a": [5.0]}),
    "pd.NA": pd.NA,
    "NaT": pd.NaT,
    "datetime": dt.datetime(2024, 1, 1),
    "timedelta": dt.timedelta(days=1),
    "np.datetime64": np.datetime64("2024-01-01"),
}

#: Never a measurement: booleans, text, dates, complex numbers, infinity, a table.
REFUSED_BY_MEASUREMENTS = frozenset(
    {
        "inf",
        "-inf",
        "True",
        "np.bool_",
        "'5'",
        "'nan'",
        "'1_000'",
        "b'5'",
        "complex",
        "object Series",
        "datetime Series",
        "timedelta Series",
        "DataFrame",
        "pd.NA",
        "NaT",
        "datetime",
        "timedelta",
        "np.datetime64",
    }
)

#: Never a setting (one number for the whole call): also NaN and any container.
REFUSED_BY_SETTINGS = REFUSED_BY_MEASUREMENTS | {
    "nan",
    "np.nan64",
    "list",
    "ndarray",
    "Series",
    "empty Series",
    "Int64 <NA>",
    "categorical",
}

#: Measurement values whose NaN passes through to the result (a missing plot stays missing).
NAN_PASSES = frozenset({"nan", "np.nan64", "Int64 <NA>"})


@dataclass(frozen=True)
class Case:
    """One public callable: a valid call and the arguments that take numbers."""

    name: str
    call: Callable[..., Any]
    kwargs: dict[str, Any]
    measurements: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    #: values this function takes although the REFUSED sets have them (documented): the
    #: audit reads a figure typed as text, as printed; None leaves a setting of replace()
    #: and override() as it was (and is the default number of bins); an infinite error df
    #: is the normal limit
    accepted: frozenset[str] = field(default_factory=frozenset)


FERTILIZER = {"CK": [], "N150": [{"product": "urea", "rate_kg_ha": 326, "price_per_kg": 2.5}]}
TRIAL_FERTILIZER = {"CK1": [], "CK2": [], "T": FERTILIZER["N150"]}
STABILITY = {"env": "site", "treatment": "treatment", "response": "yield_kg_ha", "block": "block"}


@functools.cache
def _network_stability() -> Any:
    """Return the shipped site network's stability analysis (about 1 s: made once)."""
    return yt.stability(NETWORK, **STABILITY, control="CK")


@functools.cache
def _means_figure() -> Any:
    """Return a figure of the trial's means (matplotlib imported only when used)."""
    from yieldtrial import plotting

    return plotting.plot_means(TRIAL.means()).figure


def _histogram(**kwargs: Any) -> None:
    """Draw the histogram of the trial's means and close it."""
    from yieldtrial import plotting

    plotting.close(plotting.plot_mean_histogram(TRIAL.means(), **kwargs).figure)


def _png(**kwargs: Any) -> bytes:
    from yieldtrial import plotting

    return plotting.figure_to_png(_means_figure(), **kwargs)


CASES: tuple[Case, ...] = (
    # units, moisture, harvest (formulas on numbers, arrays and Series)
    Case("convert_area", yt.convert_area, {"value": 1.0, "from_unit": "mu", "to_unit": "ha"},
         ("value",)),
    Case("convert_mass", yt.convert_mass, {"value": 1.0, "from_unit": "jin", "to_unit": "kg"},
         ("value",)),
    Case("convert_yield", yt.convert_yield,
         {"value": 500.0, "from_unit": "kg/mu", "to_unit": "bu/ac", "crop": "maize"}, ("value",)),
    Case("standardize_moisture", yt.standardize_moisture,
         {"mass": 442.0, "moisture_pct": 15.0, "standard_moisture_pct": 13.0},
         ("mass", "moisture_pct", "standard_moisture_pct"),
         ("shrink_pct_per_point", "factor_decimals")),
    Case("standardize_moisture(shrink)", yt.standardize_moisture,
         {"mass": 442.0, "moisture_pct": 15.0, "standard_moisture_pct": 13.0,
          "method": "shrink", "shrink_pct_per_point": 1.2},
         (), ("shrink_pct_per_point",)),
    Case("standardized_mass_kg", yt.standardized_mass_kg,
         {"fresh_mass_kg": 14.0, "moisture_pct": 15.0, "standard_moisture_pct": 13.0},
         ("fresh_mass_kg", "moisture_pct", "impurity_pct", "empty_grain_pct", "shelling_pct"),
         ("shrink_pct_per_point", "factor_decimals")),
    Case("plot_yield", yt.plot_yield,
         {"fresh_mass_kg": 14.0, "harvested_area_m2": 20.0, "moisture_pct": 15.0,
          "standard_moisture_pct": 13.0},
         ("fresh_mass_kg", "harvested_area_m2", "moisture_pct", "impurity_pct",
          "empty_grain_pct", "shelling_pct"),
         ("shrink_pct_per_point", "factor_decimals")),
    Case("theoretical_yield", yt.theoretical_yield,
         {"heads_per_mu": 400_000.0, "grains_per_head": 30.0, "thousand_grain_weight_g": 40.0},
         ("heads_per_mu", "grains_per_head", "thousand_grain_weight_g"), ("factor",)),
    Case("dry_basis_from_wet_basis_pct", yt.dry_basis_from_wet_basis_pct,
         {"moisture_pct": 15.0}, ("moisture_pct",)),
    Case("wet_basis_from_dry_basis_pct", yt.wet_basis_from_dry_basis_pct,
         {"moisture_dry_basis_pct": 15.0}, ("moisture_dry_basis_pct",)),
    Case("audit_moisture_conversion", yt.audit_moisture_conversion,
         {"mass": 442.0, "reported_mass": 482.64, "moisture_pct": 5.0,
          "standard_moisture_pct": 13.0},
         (), ("mass", "reported_mass", "moisture_pct", "standard_moisture_pct",
              "shrink_pct_per_point"),
         accepted=frozenset({"'5'"})),
    Case("describe_method", yt.describe_method,
         {"method": "dry_matter", "moisture_pct": 15.0, "standard_moisture_pct": 13.0},
         (), ("moisture_pct", "standard_moisture_pct", "shrink_pct_per_point")),
    Case("moisture.moisture_factor", moisture.moisture_factor,
         {"moisture_pct": 15.0, "standard_moisture_pct": 13.0},
         ("moisture_pct", "standard_moisture_pct"), ("shrink_pct_per_point",)),
    Case("moisture.grain_trade_adjusted_mass", moisture.grain_trade_adjusted_mass,
         {"mass": 100.0, "moisture_pct": 15.0, "base_moisture_pct": 14.0},
         ("mass", "moisture_pct", "base_moisture_pct"),
         ("gain_pct_per_step", "loss_pct_per_step", "max_gain_steps")),
    # planning
    Case("replicates_needed", yt.replicates_needed,
         {"cv_pct": 8.0, "difference_pct": 10.0, "n_treatments": 5},
         (), ("cv_pct", "difference_pct", "n_treatments", "alpha", "power", "max_replicates")),
    Case("detectable_difference_pct", yt.detectable_difference_pct,
         {"cv_pct": 8.0, "replicates": 4, "n_treatments": 5},
         (), ("cv_pct", "replicates", "n_treatments", "alpha", "power")),
    Case("plan_trial", yt.plan_trial, {"cv_pct": 8.0, "n_treatments": 5, "difference_pct": 10.0},
         (), ("cv_pct", "n_treatments", "difference_pct", "replicates", "alpha", "power")),
    # nutrients, efficiency, economics
    Case("nutrients.nutrient_rate_kg_ha", nutrients.nutrient_rate_kg_ha,
         {"product_rate_kg_ha": 100.0, "content_pct": 46.0},
         ("product_rate_kg_ha", "content_pct")),
    Case("nutrients.p2o5_from_phosphorus", nutrients.p2o5_from_phosphorus,
         {"phosphorus": 10.0}, ("phosphorus",)),
    Case("nutrients.potassium_from_k2o", nutrients.potassium_from_k2o, {"k2o": 10.0}, ("k2o",)),
    Case("efficiency.partial_factor_productivity", yt.efficiency.partial_factor_productivity,
         {"yield_kg_ha": 6000.0, "nutrient_rate_kg_ha": 150.0},
         ("yield_kg_ha", "nutrient_rate_kg_ha")),
    Case("efficiency.agronomic_efficiency", yt.efficiency.agronomic_efficiency,
         {"yield_kg_ha": 6000.0, "nutrient_rate_kg_ha": 150.0, "zero_nutrient_yield_kg_ha": 4e3},
         ("yield_kg_ha", "nutrient_rate_kg_ha", "zero_nutrient_yield_kg_ha")),
    Case("efficiency.recovery_efficiency", yt.efficiency.recovery_efficiency,
         {"uptake_kg_ha": 120.0, "nutrient_rate_kg_ha": 150.0, "zero_nutrient_uptake_kg_ha": 60.0},
         ("uptake_kg_ha", "nutrient_rate_kg_ha", "zero_nutrient_uptake_kg_ha")),
    Case("efficiency.internal_efficiency", yt.efficiency.internal_efficiency,
         {"yield_kg_ha": 6000.0, "uptake_kg_ha": 120.0}, ("yield_kg_ha", "uptake_kg_ha")),
    Case("efficiency.partial_nutrient_balance", yt.efficiency.partial_nutrient_balance,
         {"removal_kg_ha": 100.0, "nutrient_rate_kg_ha": 150.0},
         ("removal_kg_ha", "nutrient_rate_kg_ha")),
    Case("economics.value_cost_ratio", economics.value_cost_ratio,
         {"yield_difference_kg_ha": 500.0, "grain_price_per_kg": 2.5, "cost_change_per_ha": 300.0},
         ("yield_difference_kg_ha", "grain_price_per_kg", "cost_change_per_ha")),
    Case("economics.net_return_change", economics.net_return_change,
         {"yield_difference_kg_ha": 500.0, "grain_price_per_kg": 2.5, "cost_change_per_ha": 300.0},
         ("yield_difference_kg_ha", "grain_price_per_kg", "cost_change_per_ha")),
    Case("efficiency_table", yt.efficiency_table,
         {"yields": {"CK": 4000.0, "N150": 6000.0}, "fertilizer": FERTILIZER},
         (), ("equal_yield_tolerance_pct",)),
    Case("economics_table", yt.economics_table,
         {"yields": {"CK": 4000.0, "N150": 6000.0}, "fertilizer": FERTILIZER, "control": "CK",
          "grain_price_per_kg": 2.4, "currency": "CNY"},
         (), ("grain_price_per_kg", "confidence")),
    # the trial object, its configuration and report
    Case("FieldTrial.from_dataframe", yt.FieldTrial.from_dataframe,
         {"data": PLOTS, "crop": "wheat", "control": "CK1"}, (),
         ("standard_moisture_pct", "shrink_pct_per_point")),
    Case("FieldTrial.replace", TRIAL.replace, {}, (),
         ("standard_moisture_pct", "shrink_pct_per_point"), accepted=frozenset({"None"})),
    Case("FieldTrial.means", TRIAL.means, {}, (), ("alpha", "confidence")),
    Case("FieldTrial.compare_to_control", TRIAL.compare_to_control, {}, (),
         ("confidence", "margin_pct")),
    Case("FieldTrial.pairwise", TRIAL.pairwise, {}, (), ("alpha",)),
    Case("FieldTrial.anova", TRIAL.anova, {}, (), ("alpha",)),
    Case("FieldTrial.sensitivity", TRIAL.sensitivity, {"plots": "101"}, (),
         ("alpha", "margin_pct")),
    Case("FieldTrial.economics", TRIAL.economics,
         {"fertilizer": TRIAL_FERTILIZER, "grain_price_per_kg": 2.4, "currency": "CNY"}, (),
         ("grain_price_per_kg",)),
    Case("TrialConfig.override", yt.TrialConfig().override, {}, (),
         ("alpha", "margin_pct", "standard_moisture_pct", "shrink_pct_per_point"),
         accepted=frozenset({"None"})),
    Case("build_report", yt.build_report, {"trial": TRIAL, "figures": False}, (),
         ("margin_pct", "alpha")),
    # statistics on a fitted design model
    Case("stats.means_table", stats.means_table, {"mm": MEANS_MODEL}, (), ("alpha", "confidence")),
    Case("stats.pairwise_means", stats.pairwise_means, {"mm": MEANS_MODEL}, (),
         ("alpha", "anova_p")),
    Case("stats.duncan", stats.duncan, {"mm": MEANS_MODEL}, (), ("alpha",)),
    Case("stats.two_level_letters", stats.two_level_letters, {"mm": MEANS_MODEL}, (),
         ("alpha_lower", "alpha_upper")),
    Case("stats.compare_means_to_control", stats.compare_means_to_control,
         {"mm": MEANS_MODEL, "control": "CK1"}, (), ("confidence", "margin_pct")),
    Case("stats.significant_studentized_range", stats.significant_studentized_range,
         {"p": 3, "df": 10.0}, (), ("df", "alpha"), accepted=frozenset({"inf"})),
    Case("stats.snk", stats.snk, {"mm": MEANS_MODEL}, (), ("alpha",)),
    Case("stats.scheffe", stats.scheffe, {"mm": MEANS_MODEL}, (), ("alpha",)),
    Case("stats.mean_separation", stats.mean_separation, {"mm": MEANS_MODEL}, (), ("alpha",)),
    Case("stats.anova", stats.anova, {"data": YIELDS, **COLUMNS}, (), ("alpha",)),
    Case("stats.means", stats.means, {"data": YIELDS, **COLUMNS}, (), ("alpha", "confidence")),
    Case("stats.pairwise", stats.pairwise, {"data": YIELDS, **COLUMNS}, (), ("alpha",)),
    Case("stats.compare_to_control", stats.compare_to_control,
         {"data": YIELDS, **COLUMNS, "control": "CK1"}, (), ("confidence", "margin_pct")),
    Case("stats.diagnostics", stats.diagnostics, {"data": YIELDS, **COLUMNS}, (),
         ("cv_warn_pct", "cv_strong_pct", "outlier_threshold", "alpha")),
    Case("FieldTrial.diagnostics", TRIAL.diagnostics, {}, (),
         ("cv_warn_pct", "cv_strong_pct", "outlier_threshold", "alpha")),
    Case("FieldTrial.suspect_plots", TRIAL.suspect_plots, {}, (),
         ("alpha", "robust_limit", "pattern_limit")),
    # designs
    Case("design.rcbd", design.rcbd, {"treatments": ["A", "B", "C"], "blocks": 3, "seed": 1},
         (), ("blocks", "seed", "plot_area_m2")),
    Case("design.crd", design.crd, {"treatments": ["A", "B", "C"], "replicates": 3, "seed": 1},
         (), ("replicates", "seed", "columns", "plot_area_m2")),
    Case("design.alpha_design", design.alpha_design,
         {"treatments": [f"T{i}" for i in range(12)], "block_size": 4, "replicates": 2,
          "seed": 1},
         (), ("block_size", "replicates", "seed", "plot_area_m2")),
    Case("design.latin_square", design.latin_square, {"treatments": ["A", "B", "C"], "seed": 1},
         (), ("seed", "plot_area_m2")),
    Case("design.split_plot", design.split_plot,
         {"main_treatments": ["A", "B"], "sub_treatments": ["x", "y"], "blocks": 2, "seed": 1},
         (), ("blocks", "seed", "plot_area_m2")),
    Case("design.augmented_design", design.augmented_design,
         {"checks": ["C1", "C2"], "entries": ["E1", "E2", "E3", "E4"], "blocks": 2, "seed": 1},
         (), ("blocks", "seed", "plot_area_m2")),
    # plotting: dpi was "cannot convert float NaN to integer" and True a FreeType error;
    # bins=Series "truth value of a Series is ambiguous", bins=-1 NumPy's ValueError
    Case("plotting.figure_to_png", _png, {}, (), ("dpi",)),
    Case("plotting.plot_mean_histogram", _histogram, {}, (), ("bins",),
         accepted=frozenset({"None"})),
    # networks and stability
    Case("analyze_many", yt.analyze_many,
         {"data": NETWORK, "by": "site", "response": "yield_kg_ha", "treatment": "treatment",
          "block": "block", "control": "CK"},
         (), ("alpha", "cv_warn_pct", "cv_strong_pct", "exclude_cv_above", "margin_pct")),
    Case("stability", yt.stability, {"data": NETWORK, **STABILITY}, (),
         ("alpha", "annicchiarico_alpha", "hsc_target_pct", "n_axes", "error_mean_square",
          "error_df", "replicates")),
    Case("environment_response",
         lambda **kwargs: yt.environment_response(_network_stability(), **kwargs), {}, (),
         ("confidence",)),
)  # fmt: skip

ARGUMENTS = [
    pytest.param(case, argument, kind, id=f"{case.name}-{argument}")
    for case in CASES
    for kind, names in (("measurement", case.measurements), ("setting", case.settings))
    for argument in names
]


def _optional(case: Case, argument: str) -> bool:
    """Whether ``None`` is the argument's default (then ``None`` is no hostile value)."""
    parameter = inspect.signature(case.call).parameters.get(argument)
    return parameter is not None and parameter.default is None


def _has_infinity(result: Any) -> bool:
    """Whether a returned number, array, Series or DataFrame holds +-inf."""
    if isinstance(result, pd.DataFrame):
        numbers = result.select_dtypes("number").to_numpy(dtype=float)
    elif isinstance(result, pd.Series | np.ndarray | float | int):
        numbers = np.asarray(result, dtype=float)
    else:  # a result object (TrialPlan, AnovaResult, Report, ...): its tables are checked
        return False
    return bool(np.isinf(numbers).any())


def _outcome(case: Case, argument: str, value: Any) -> tuple[str, Any]:
    """Call the case with one argument replaced; return (kind, result or message)."""
    kwargs = {**case.kwargs, argument: value}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = case.call(**kwargs)
        except YieldTrialError as exc:
            return "refused", str(exc)
        except Exception as exc:  # noqa: BLE001 - what the test is about
            return "escaped", f"{type(exc).__name__}: {exc}"
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if numeric:
        return "escaped", f"RuntimeWarning: {numeric[0].message}"
    return "returned", result


@pytest.mark.parametrize(("case", "argument", "kind"), ARGUMENTS)
def test_hostile_values_are_refused_by_name_or_computed(
    case: Case, argument: str, kind: str
) -> None:
    """Each hostile value: a yieldtrial error naming the argument, or a finite result."""
    refused = REFUSED_BY_SETTINGS if kind == "setting" else REFUSED_BY_MEASUREMENTS
    problems = []
    for label, value in HOSTILE.items():
        outcome, detail = _outcome(case, argument, value)
        must_refuse = label in refused - case.accepted or (
            label == "None" and not _optional(case, argument) and "None" not in case.accepted
        )
        if outcome == "escaped":
            problems.append(f"{label}: not a yieldtrial error: {detail}")
        elif outcome == "refused":
            named = argument in detail or argument.replace("_", " ") in detail
            if not named and "too large to compute" not in detail:
                problems.append(f"{label}: message does not name {argument}: {detail}")
            elif "\n" in detail:
                problems.append(f"{label}: message of several lines: {detail}")
        elif must_refuse:
            problems.append(f"{label}: accepted, should be refused ({kind})")
        elif _has_infinity(detail):
            problems.append(f"{label}: returned infinity")
    assert not problems, f"{case.name}({argument}=...):\n" + "\n".join(problems)


#: Integers no float holds: 10**5000 is also past the 4,300 digits Python prints.
HUGE_INTEGERS = {"10**400": 10**400, "-10**400": -(10**400), "10**5000": 10**5000}


@pytest.mark.parametrize(("case", "argument", "kind"), ARGUMENTS)
def test_a_huge_integer_is_refused_in_a_short_message_or_computed(
    case: Case, argument: str, kind: str
) -> None:
    """A huge integer is shown shortened (``1.000e+400 (a 401-digit integer)``).

    ``blocks=10**400`` was a 595-character message of grouped digits; ``10**5000`` a
    ValueError of Python's (an integer too long to convert to text) from the message.
    """
    problems = []
    for label, value in HUGE_INTEGERS.items():
        outcome, detail = _outcome(case, argument, value)
        if outcome == "escaped":
            problems.append(f"{label}: not a yieldtrial error: {detail}")
        elif outcome == "refused" and (len(detail) > 300 or "0" * 21 in detail):
            problems.append(f"{label}: a message of {len(detail)} characters: {detail[:120]}")
    assert not problems, f"{case.name}({argument}=...):\n" + "\n".join(problems)


#: Stop 43: out-of-range and non-number values of a setting, each message checked for its
#: three parts (the setting, the value shortened, the values allowed).
RANGE_PROBES = {
    "10**400": 10**400,
    "-10**400": -(10**400),
    "1e400": 1e400,
    "nan": math.nan,
    "True": True,
    "'0.05'": "0.05",
}

#: How a message states the values allowed: an interval, bounds, or a count's limits.
ALLOWED_RANGE = re.compile(
    r"must be (?:in [\[(]|from |above |at most |a (?:whole|positive) |an integer >= |a "
    r"non-negative |a percentage (?:from|above) |one finite number within |a number of at most "
    r"|a number (?:from|above) |a finite number (?:from|above) |a p-value from |a CV in % above )"
    r"|a significance level must be from |need 0 < |\(at most [\d,]+\)"
    r"|expected a whole number from |is a percentage \(0-100\)|number in [\[(]"
)

#: Settings whose refusal is about the call, not the value's range (checked before it).
RANGE_NOT_THE_POINT = {
    # error_mean_square, error_df and replicates go together (one without the others)
    ("stability", "error_mean_square"), ("stability", "error_df"), ("stability", "replicates"),
    # replicates or difference_pct: the plan takes one of them
    ("plan_trial", "replicates"),
}  # fmt: skip

#: Accepted values (documented): any non-negative integer seeds NumPy's generator; an
#: infinite error df is the normal limit; the audit reads a figure typed as text.
RANGE_ACCEPTED = {
    ("seed", "10**400"), ("df", "10**400"), ("df", "1e400"),
    ("audit_moisture_conversion", "'0.05'"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("case", "argument"),
    [
        pytest.param(case, argument, id=f"{case.name}-{argument}")
        for case in CASES
        for argument in case.settings
        if (case.name, argument) not in RANGE_NOT_THE_POINT
    ],
)
def test_a_refused_setting_names_itself_its_value_and_the_values_allowed(
    case: Case, argument: str
) -> None:
    """``alpha=10**400`` said "must be a finite number": it is finite, out of range.

    Every refusal of 10**400, -10**400, 1e400 (inf), nan, True and "0.05" names the
    setting, shows the value shortened (``1.000e+400 (a 401-digit integer)``, never 401
    digits) and the values the setting takes; a huge integer is never "not finite".
    """
    problems = []
    for label, value in RANGE_PROBES.items():
        outcome, detail = _outcome(case, argument, value)
        if outcome == "escaped":
            problems.append(f"{label}: not a yieldtrial error: {detail}")
        elif outcome == "returned":
            if not {(argument, label), (case.name, label)} & RANGE_ACCEPTED:
                problems.append(f"{label}: accepted")
        elif argument not in detail:
            problems.append(f"{label}: the setting is not named: {detail}")
        elif "0" * 21 in detail or (label.endswith("**400") and "401-digit" not in detail):
            problems.append(f"{label}: the value is not shown shortened: {detail[:150]}")
        elif label.endswith("**400") and "finite number;" in detail:
            problems.append(f"{label}: a finite integer called not finite: {detail}")
        elif not ALLOWED_RANGE.search(detail):
            problems.append(f"{label}: no range named: {detail}")
    assert not problems, f"{case.name}({argument}=...):\n" + "\n".join(problems)


MEASUREMENTS = [
    pytest.param(case, argument, id=f"{case.name}-{argument}")
    for case in CASES
    for argument in case.measurements
]


#: Standards taken as arrays (one per plot) but never missing: NaN is refused, documented
#: in yieldtrial.io.checks.check_setting_finite ("a setting ... has no missing value").
STANDARDS = frozenset({"standard_moisture_pct", "base_moisture_pct"})


@pytest.mark.parametrize(("case", "argument"), MEASUREMENTS)
def test_a_missing_measurement_stays_missing(case: Case, argument: str) -> None:
    """NaN (and pandas <NA> in an Int64 column) gives NaN at its place, nothing else."""
    if argument in STANDARDS:
        outcome, message = _outcome(case, argument, math.nan)
        assert outcome == "refused"
        assert "it cannot be missing" in message
        return
    for label in NAN_PASSES:
        outcome, result = _outcome(case, argument, HOSTILE[label])
        assert outcome == "returned", (label, result)
        values = np.asarray(result, dtype=float)
        assert np.isnan(values.flat[-1]) if values.ndim else np.isnan(values), label


@pytest.mark.parametrize(("case", "argument"), MEASUREMENTS)
def test_a_series_keeps_its_index(case: Case, argument: str) -> None:
    """A Series in gives a Series out on the same index (an empty one stays empty)."""
    for series in (pd.Series([5.0, 6.0], index=["p1", "p2"]), pd.Series([], dtype=float)):
        outcome, result = _outcome(case, argument, series)
        assert outcome == "returned", result
        assert isinstance(result, pd.Series)
        assert result.index.equals(series.index)


# ------------------------------------------------------------------ Series that disagree


def test_series_on_different_plots_are_refused_naming_both() -> None:
    """Two Series indexed by different plots would be aligned into NaN by pandas."""
    mass = pd.Series([442.0, 450.0], index=["p1", "p2"])
    moisture_pct = pd.Series([13.0, 14.0], index=["p2", "p3"])
    with pytest.raises(DataValidationError, match=r"mass.*moisture_pct|moisture_pct.*mass"):
        yt.standardize_moisture(mass, moisture_pct=moisture_pct, standard_moisture_pct=13)


def test_arrays_of_different_lengths_are_refused_naming_both() -> None:
    with pytest.raises(DataValidationError, match=r"fresh_mass_kg.*harvested_area_m2"):
        yt.plot_yield(
            np.array([14.0, 15.0, 16.0]),
            harvested_area_m2=np.array([20.0, 20.0]),
            moisture_pct=13,
            standard_moisture_pct=13,
        )


def test_a_column_of_a_dataframe_is_a_series_and_keeps_the_plot_index() -> None:
    """``table["fresh_mass_kg"]`` is the documented way to pass a column."""
    table = PLOTS.set_index("plot_id")
    result = yt.plot_yield(
        table["fresh_mass_kg"],
        harvested_area_m2=table["harvested_area_m2"],
        moisture_pct=table["moisture_pct"],
        standard_moisture_pct=13,
    )
    assert result.index.equals(table.index)
    assert result.name == "yield_kg_ha"


# ------------------------------------------------------------------ names given as text


TEXT_ARGUMENTS = [
    (yt.convert_yield, {"value": 1.0, "from_unit": "kg/mu", "to_unit": "kg/ha"}, "to_unit"),
    (yt.convert_yield, {"value": 1.0, "from_unit": "kg/mu", "to_unit": "bu/ac"}, "crop"),
    (yt.convert_area, {"value": 1.0, "from_unit": "mu", "to_unit": "ha"}, "from_unit"),
    (yt.convert_mass, {"value": 1.0, "from_unit": "jin", "to_unit": "kg"}, "to_unit"),
    (yt.standard_moisture_pct, {"crop": "wheat"}, "crop"),
    (
        yt.plot_yield,
        {
            "fresh_mass_kg": 14.0,
            "harvested_area_m2": 20.0,
            "moisture_pct": 15.0,
            "standard_moisture_pct": 13.0,
        },
        "crop",
    ),  # fmt: skip
    (
        yt.theoretical_yield,
        {"heads_per_mu": 4e5, "grains_per_head": 30.0, "thousand_grain_weight_g": 40.0},
        "crop",
    ),
    (
        yt.efficiency.partial_factor_productivity,
        {"yield_kg_ha": 6000.0, "nutrient_rate_kg_ha": 150.0},
        "nutrient",
    ),
    (
        yt.standardize_moisture,
        {"mass": 1.0, "moisture_pct": 15.0, "standard_moisture_pct": 13.0},
        "method",
    ),  # fmt: skip
]


@pytest.mark.parametrize(
    ("call", "kwargs", "argument"),
    TEXT_ARGUMENTS,
    ids=[f"{call.__name__}-{argument}" for call, _, argument in TEXT_ARGUMENTS],
)
@pytest.mark.parametrize("value", [5, math.nan, ["kg/ha"], "furlongs", "", True])
def test_a_wrong_name_is_refused_quoting_it(
    call: Callable[..., Any], kwargs: dict[str, Any], argument: str, value: object
) -> None:
    """A unit, crop, nutrient or method that is no such name: refused, the value quoted.

    crop= and nutrient= were ignored unchecked where no bushel (or no message) needed them:
    ``plot_yield(..., crop="wehat")`` and ``partial_factor_productivity(..., nutrient=5)``
    passed.
    """
    with pytest.raises(DataValidationError) as error:
        call(**{**kwargs, argument: value})
    assert repr(value) in str(error.value) or str(value) in str(error.value)


@pytest.mark.parametrize(
    ("call", "kwargs", "argument"),
    [case for case in TEXT_ARGUMENTS if case[2] in ("to_unit", "from_unit", "crop")],
)
def test_a_name_in_another_case_or_with_spaces_is_read(
    call: Callable[..., Any], kwargs: dict[str, Any], argument: str
) -> None:
    """Documented coercion: ``"Wheat"``, ``" KG/HA "`` and ``"wheat"`` are one name."""
    given = kwargs.get(argument, "wheat")
    plain = call(**{**kwargs, argument: given})
    assert call(**{**kwargs, argument: f"  {given.upper()} "}) == pytest.approx(plain)


# ------------------------------------------------------------------ unknown options


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("diagnostics", {}),
        ("suspect_plots", {}),
        ("report", {}),
        ("analyze_sites", {}),
        ("efficiency", {"fertilizer": TRIAL_FERTILIZER}),
        ("economics",
         {"fertilizer": TRIAL_FERTILIZER, "grain_price_per_kg": 2.4, "currency": "CNY"}),
    ],
)  # fmt: skip
def test_an_unknown_option_is_named_in_the_methods_own_name(
    method: str, kwargs: dict[str, Any]
) -> None:
    """A misspelt option of a method that passes options on: the method and its options.

    It was Python's TypeError naming the function underneath (``trial_economics() got an
    unexpected keyword argument``); now a WrongTypeError, a TypeError still.
    """
    with pytest.raises(WrongTypeError, match=rf"FieldTrial\.{method}\(\) got an unknown option "
                       r"'alhpa'.*; its options: .*\w"):  # fmt: skip
        getattr(TRIAL, method)(**kwargs, alhpa=0.05)


def test_an_option_the_trial_sets_says_so() -> None:
    with pytest.raises(WrongTypeError, match=r"'block' \(the trial sets it\)"):
        TRIAL.diagnostics(block="block")


def test_an_unknown_keyword_of_a_plain_function_is_pythons_type_error() -> None:
    """A function without ``**kwargs`` gets Python's own TypeError (accepted, documented).

    It names the function the caller called and the keyword.
    """
    with pytest.raises(TypeError, match=r"standardize_moisture\(\) got an unexpected keyword"):
        yt.standardize_moisture(442, moisture_pct=13, standard_moisture_pct=13, moisture=13)


# ------------------------------------------------------------------ fractions for percent


def test_a_fraction_for_a_moisture_is_refused_not_multiplied() -> None:
    with pytest.raises(DataValidationError, match=r"looks like a fraction.*0.13 -> 13"):
        yt.standardize_moisture(442, moisture_pct=0.13, standard_moisture_pct=13)


def test_a_fraction_for_a_margin_is_read_as_percent_with_a_warning() -> None:
    with pytest.warns(yt.YieldTrialWarning, match=r"margin_pct=0.05 is read as 0.05 %"):
        TRIAL.compare_to_control(margin_pct=0.05)


# ------------------------------------------------------------------ one message everywhere


def test_shrink_per_point_as_text_has_the_trial_toml_message(tmp_path: Path) -> None:
    """One rule (check_shrink_pct_per_point) for the formula, FieldTrial and trial.toml."""
    path = tmp_path / "trial.toml"
    path.write_text('[trial]\ncrop = "wheat"\n[analysis]\nshrink_pct_per_point = "1.2"\n')
    with pytest.raises(DataValidationError) as toml:
        yt.load_config(path)
    with pytest.raises(DataValidationError) as formula:
        yt.standardize_moisture(
            442, moisture_pct=15, standard_moisture_pct=13, method="shrink",
            shrink_pct_per_point="1.2",
        )  # fmt: skip
    with pytest.raises(DataValidationError) as trial:
        yt.FieldTrial.from_dataframe(PLOTS, crop="wheat", shrink_pct_per_point="1.2")
    expected = "shrink_pct_per_point = '1.2' is text; write the number without quotes"
    for error in (toml, formula, trial):
        assert expected in str(error.value)
    assert str(toml.value).endswith(str(formula.value))


def test_shrink_per_point_out_of_range_has_the_command_line_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line's one stderr line ends with the formula's message, naming the option.

    Stop 44: the command line names the option as typed (``--shrink-pct-per-point``) where
    the library names its argument (``shrink_pct_per_point``); the rest is the same words.
    """
    argv = ["standardize", str(example_path("replicated-rcbd")), "--crop", "wheat",
            "--moisture-method", "shrink", "--shrink-pct-per-point", "150",
            "-o", str(tmp_path / "out.csv")]  # fmt: skip
    assert main(argv) == 1
    line = capsys.readouterr().err.strip()
    with pytest.raises(DataValidationError) as formula:
        yt.standardize_moisture(
            442, moisture_pct=15, standard_moisture_pct=13, method="shrink",
            shrink_pct_per_point=150,  # the command echoes 150 as typed (stop 49)
        )  # fmt: skip
    flag = str(formula.value).replace("shrink_pct_per_point", "--shrink-pct-per-point")
    assert line.endswith(flag), line
    assert not (tmp_path / "out.csv").exists()


def test_shrink_per_point_is_checked_with_every_method() -> None:
    """With dry_matter it is not used, but True or "1.2" is still no shrink per point."""
    with pytest.raises(DataValidationError, match=r"shrink_pct_per_point = True; expected a"):
        yt.plot_yield(14, harvested_area_m2=20, moisture_pct=15, standard_moisture_pct=13,
                      shrink_pct_per_point=True)  # fmt: skip


@pytest.mark.parametrize(
    "call",
    [
        lambda value: TRIAL.means(confidence=value),
        lambda value: TRIAL.compare_to_control(confidence=value),
        lambda value: stats.means_table(MEANS_MODEL, confidence=value),
        lambda value: yt.environment_response(_network_stability(), confidence=value),
    ],
    ids=["FieldTrial.means", "FieldTrial.compare_to_control", "stats.means_table",
         "environment_response"],
)  # fmt: skip
@pytest.mark.parametrize("value", [95, True, "0.95", math.nan, pd.Series([0.95])])
def test_confidence_has_one_message_everywhere(call: Callable[[Any], Any], value: object) -> None:
    """Four copies said "confidence must be in (0, 1); got ..." or "... a number in (0, 1)"."""
    with pytest.raises(DataValidationError) as error:
        call(value)
    with pytest.raises(DataValidationError) as rule:
        check_probability(value)
    assert str(error.value) == str(rule.value)


def test_confidence_given_in_percent_says_how_to_write_it() -> None:
    with pytest.raises(DataValidationError, match=r"confidence = 95; .*write 95 % as 0.95"):
        TRIAL.means(confidence=95)


def test_annicchiarico_alpha_has_the_one_probability_message() -> None:
    with pytest.raises(DataValidationError) as error:
        yt.stability(NETWORK, **STABILITY, annicchiarico_alpha=1.5)
    with pytest.raises(DataValidationError) as rule:
        check_probability(1.5, "annicchiarico_alpha")
    assert str(error.value) == str(rule.value)


def test_a_series_as_a_setting_is_described_not_printed() -> None:
    """A Series printed over several lines made a message of many lines."""
    with pytest.raises(DataValidationError) as error:
        TRIAL.means(alpha=pd.Series([0.05, 0.01]))
    assert str(error.value) == (
        "alpha = a pandas Series of 2 values; expected a number (one value for the whole "
        "table); alpha must be from 0.0001 to 0.5."
    )


def test_nan_written_as_text_is_not_suggested_as_the_fix() -> None:
    """'nan' was answered "write the number without quotes (alpha = nan)", refused again."""
    with pytest.raises(DataValidationError) as error:
        TRIAL.means(alpha="nan")
    assert str(error.value) == (
        "alpha = 'nan'; expected a finite number; alpha must be from 0.0001 to 0.5."
    )


def test_a_decimal_setting_is_read_as_its_number() -> None:
    """Documented coercion: Decimal("0.05") is the float 0.05, as the formulas read it."""
    assert check_shrink_pct_per_point(decimal.Decimal("1.2")) == 1.2
    plain = TRIAL.means(alpha=0.05)
    pd.testing.assert_frame_equal(TRIAL.means(alpha=decimal.Decimal("0.05")), plain)


# ------------------------------------------------------------------ defects fixed at the root


def test_grain_trade_step_settings_are_checked() -> None:
    """gain_pct_per_step=None was a TypeError, NaN a NaN mass, "5" a sequence repeat."""
    with pytest.raises(DataValidationError, match=r"gain_pct_per_step = nan; expected a finite"):
        moisture.grain_trade_adjusted_mass(442, moisture_pct=5, base_moisture_pct=13,
                                           gain_pct_per_step=math.nan)  # fmt: skip
    with pytest.raises(DataValidationError, match=r"max_gain_steps = 2.5; expected a whole"):
        moisture.grain_trade_adjusted_mass(442, moisture_pct=5, base_moisture_pct=13,
                                           max_gain_steps=2.5)  # fmt: skip


def test_grain_trade_loss_cannot_make_a_mass_negative() -> None:
    """12 steps above base x 10 % each: factor 1 - 1.2 < 0 was a negative mass."""
    with pytest.raises(DataValidationError, match="loss per step is too large"):
        moisture.grain_trade_adjusted_mass(442, moisture_pct=20, base_moisture_pct=14,
                                           loss_pct_per_step=10)  # fmt: skip


def test_theoretical_yield_overflow_names_its_inputs() -> None:
    """1e308 heads was "value must be a finite number ...; got inf", naming no input."""
    with pytest.raises(DataValidationError, match=r"heads_per_mu x grains_per_head x thousand"):
        yt.theoretical_yield(heads_per_mu=1e308, grains_per_head=30, thousand_grain_weight_g=40)


def test_nutrient_conversion_refuses_infinity() -> None:
    """p2o5_from_phosphorus(inf) returned inf."""
    with pytest.raises(DataValidationError, match=r"phosphorus must be a finite number"):
        nutrients.p2o5_from_phosphorus(math.inf)


def test_value_cost_ratio_refuses_an_infinite_cost() -> None:
    """cost_change_per_ha=inf returned VCR 0 (and -inf a NaN)."""
    with pytest.raises(DataValidationError, match=r"cost_change_per_ha must be a finite"):
        economics.value_cost_ratio(500.0, grain_price_per_kg=2.5, cost_change_per_ha=math.inf)


def test_economics_table_refuses_a_list_as_control() -> None:
    """control=["CK"] was TypeError: unhashable type: 'list'."""
    with pytest.raises(DataValidationError, match=r"control = \['CK'\]; expected one treatment"):
        yt.economics_table({"CK": 4000.0, "N150": 6000.0}, FERTILIZER, control=["CK"],
                           grain_price_per_kg=2.4, currency="CNY")  # fmt: skip


def test_economics_table_refuses_a_list_as_currency() -> None:
    """currency=["CNY"] was printed "['CNY']" in every row."""
    with pytest.raises(DataValidationError, match=r"currency = \['CNY'\]; expected text"):
        yt.economics_table({"CK": 4000.0, "N150": 6000.0}, FERTILIZER, control="CK",
                           grain_price_per_kg=2.4, currency=["CNY"])  # fmt: skip


@pytest.mark.parametrize("df", [1e40, 1e100, 1e308])
def test_a_huge_error_df_is_the_normal_limit(df: float) -> None:
    """df=1e100 gave 2.92546 silently (1e308 with a RuntimeWarning); the limit is 2.91842.

    Reference: the df = inf value, an independent path (no chi integration); scipy's
    studentized_range.ppf(1 - 0.0975, 3, 1e6) = 2.918422 agrees to 1e-6 (Duncan's level for
    p = 3 at alpha 0.05 is 1 - 0.95**2 = 0.0975).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = stats.significant_studentized_range(3, df)
    assert value == pytest.approx(stats.significant_studentized_range(3, math.inf), abs=1e-12)


@pytest.mark.parametrize("argument", ["yields", "uptake"])
def test_efficiency_table_refuses_a_value_far_beyond_any_yield(argument: str) -> None:
    """A yield of 1e308 kg/ha gave a PFP of 6.6e305 kg/kg; the statistics' bound is 1e100."""
    kwargs: dict[str, Any] = {"yields": {"CK": 4000.0, "N150": 6000.0}, "fertilizer": FERTILIZER}
    kwargs[argument] = {"CK": 60.0 if argument == "uptake" else 4000.0, "N150": 1e308}
    with pytest.raises(DataValidationError, match=rf"{argument}: treatment 'N150' has 1e\+308, "
                       r"above 1e\+100, far beyond any yield"):  # fmt: skip
        yt.efficiency_table(**kwargs)
