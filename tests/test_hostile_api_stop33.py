"""Stop 33 hostile pass over the library API: wrong types and out-of-range settings.

Each public function was fed text, None, booleans, lists, NumPy and pandas scalars,
``Fraction``, NaN, infinity, ``10**400`` and far-out values, and the output of the
function a notebook calls before it. Each test pins one case that escaped as a bare
Python/NumPy exception (OverflowError, TypeError, AttributeError) or was silently
accepted, and is now a :class:`~yieldtrial.errors.DataValidationError` naming the
argument and what to give; where trial.toml checks the same setting, the message is
the one trial.toml gives.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial import design, stats
from yieldtrial.config import check_setting
from yieldtrial.datasets import example_path
from yieldtrial.errors import DataValidationError, YieldTrialWarning


@pytest.fixture(scope="module")
def plots() -> pd.DataFrame:
    """Read the shipped replicated RCBD (3 treatments x 4 blocks) as a notebook does."""
    return pd.read_csv(example_path("replicated-rcbd"))


@pytest.fixture(scope="module")
def trial(plots: pd.DataFrame) -> yt.FieldTrial:
    return yt.FieldTrial.from_dataframe(plots, crop="wheat", control="CK1")


# ------------------------------------------------------------------ numbers given as text


@pytest.mark.parametrize("value", ["12", b"5", ["12", 13]])
def test_formula_refuses_numbers_written_as_text(value: object) -> None:
    """NumPy read "12" (and b"5") as 12: text is refused, as trial.toml refuses it."""
    with pytest.raises(DataValidationError, match=r"mass must be a number.*\(text\)"):
        yt.standardize_moisture(value, moisture_pct=13, standard_moisture_pct=13)


def test_formula_refuses_a_text_series_naming_the_index() -> None:
    """A pandas string column is named by its first text cell's index label."""
    mass = pd.Series(["442", "450"], index=["p1", "p2"], dtype="string")
    with pytest.raises(DataValidationError, match=r"got '442' at index 'p1' \(text\)"):
        yt.plot_yield(mass, harvested_area_m2=20, moisture_pct=13, standard_moisture_pct=13)


# ------------------------------------------------------------------ planning


@pytest.mark.parametrize("cv", [[8, 9], pd.Series([8.0])])
def test_plan_refuses_a_list_of_cvs(cv: object) -> None:
    """A list reached float() of a 1-element array ("only 0-dimensional arrays ...")."""
    with pytest.raises(DataValidationError, match=r"cv_pct \(CV of plot yields\) must be one"):
        yt.replicates_needed(cv_pct=cv, difference_pct=10, n_treatments=5)


def test_plan_refuses_a_numpy_boolean_cv() -> None:
    """np.True_ was read as a CV of 1 %."""
    with pytest.raises(DataValidationError, match="must be a percentage"):
        yt.detectable_difference_pct(cv_pct=np.True_, replicates=4, n_treatments=5)


def test_detectable_difference_needs_replicates() -> None:
    """replicates=None was int(None) (TypeError)."""
    with pytest.raises(DataValidationError, match="replicates must be a whole number"):
        yt.detectable_difference_pct(cv_pct=8, replicates=None, n_treatments=5)


# ------------------------------------------------------------------ moisture formulas


def test_describe_method_refuses_an_integer_too_large_for_a_float() -> None:
    """10**400 was an OverflowError formatting the formula."""
    with pytest.raises(
        DataValidationError,
        match="moisture_pct must be one finite number within .*got 1\\.000e\\+400 \\(a 401-digit",
    ):
        yt.describe_method("dry_matter", moisture_pct=10**400)


def test_describe_method_refuses_infinity() -> None:
    """Infinity was written into the formula ("Y x (100 - inf) / (100 - 13)")."""
    with pytest.raises(DataValidationError, match="standard_moisture_pct must be one .*got inf"):
        yt.describe_method("dry_matter", moisture_pct=15, standard_moisture_pct=float("inf"))


def test_audit_refuses_a_reported_figure_no_report_prints() -> None:
    """1e-310 was read as printed to 310 decimals: a table of 300-digit numbers, exit 0."""
    with pytest.raises(DataValidationError, match="has 310 decimals; a report prints"):
        yt.audit_moisture_conversion(442, 1e-310, moisture_pct=5, standard_moisture_pct=13)


def test_audit_keeps_a_figure_printed_to_fifteen_decimals() -> None:
    """The cap is above any printed figure: 15 decimals still audit (477.36 is reproduced)."""
    table = yt.audit_moisture_conversion(
        442, "477.360000000000000", moisture_pct=5, standard_moisture_pct=13
    )
    # 442 x (1 + (13 - 5) / 100) = 477.36 (percentage-point shortcut), within the tolerance
    # 0.5e-15 + 1e-12 x 477.36 of a figure printed to 15 decimals
    assert table.loc[table["reproduces"], "method"].tolist() == ["percentage_point"]


# ------------------------------------------------------------------ FieldTrial settings


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "standard_moisture_pct = 'abc'; expected a number"),
        ("13", "is text; write the number without quotes"),
        ([13], "expected a number"),
        (pd.NA, "expected a number"),
        # 10**400 is finite: out of range (stop 43), as 150 is
        (10**400, r"standard_moisture_pct must be in \[0, 100\)"),
        (float("nan"), "expected a finite number"),
    ],
)
def test_fieldtrial_standard_moisture_has_the_trial_toml_message(
    plots: pd.DataFrame, value: object, message: str
) -> None:
    """float() raised ValueError/TypeError ("could not convert string to float") before."""
    with pytest.raises(DataValidationError, match=message) as caught:
        yt.FieldTrial.from_dataframe(
            plots, crop="wheat", control="CK1", standard_moisture_pct=value
        )
    with pytest.raises(DataValidationError) as toml:
        check_setting("standard_moisture_pct", value, "FieldTrial")
    assert str(caught.value) == str(toml.value)


def test_fieldtrial_refuses_a_huge_shrink(plots: pd.DataFrame) -> None:
    """shrink_pct_per_point=10**400 was an OverflowError while the plots were checked."""
    with pytest.raises(
        DataValidationError, match="shrink_pct_per_point = 1\\.000e\\+400 .*must be in \\[0, 100\\)"
    ):
        yt.FieldTrial.from_dataframe(
            plots, crop="wheat", moisture_method="shrink", shrink_pct_per_point=10**400
        )


@pytest.mark.parametrize("columns", ["fresh_mass_kg", ["a"], pd.NA, 0])
def test_columns_must_be_a_mapping(plots: pd.DataFrame, columns: object) -> None:
    """A string or list gave AttributeError "'str' object has no attribute 'items'"."""
    with pytest.raises(DataValidationError, match="columns= maps your headers"):
        yt.FieldTrial.from_dataframe(plots, crop="wheat", columns=columns)


# ------------------------------------------------------------------ confidence and margin


def test_means_refuses_a_confidence_too_large_for_a_float(trial: yt.FieldTrial) -> None:
    """confidence=10**400 was an OverflowError."""
    # finite, out of range (stop 43): the range message of every entry point
    with pytest.raises(
        DataValidationError,
        match=r"confidence = .*-digit integer\); confidence must be in \(0, 1\)",
    ):
        trial.means(confidence=10**400)


def test_compare_refuses_a_confidence_too_large_for_a_float(trial: yt.FieldTrial) -> None:
    """confidence=10**400 was an OverflowError."""
    with pytest.raises(
        DataValidationError,
        match=r"confidence = .*-digit integer\); confidence must be in \(0, 1\)",
    ):
        trial.compare_to_control(confidence=10**400)


def test_compare_takes_a_fraction_margin(trial: yt.FieldTrial) -> None:
    """Fraction(5) was a TypeError formatting it; it is 5 %, as margin_pct=5."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        got = trial.compare_to_control(margin_pct=Fraction(5))
        want = trial.compare_to_control(margin_pct=5)
    pd.testing.assert_frame_equal(got, want)


def test_sensitivity_takes_a_fraction_alpha(trial: yt.FieldTrial) -> None:
    """Fraction(1, 20) was a TypeError formatting the letters' test name."""
    got = trial.sensitivity(["101"], alpha=Fraction(1, 20))
    want = trial.sensitivity(["101"], alpha=0.05)
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("value", ["0.01", True, float("nan"), 1.5, -0.1, [0.01]])
def test_pairwise_means_refuses_an_anova_p_that_is_no_p_value(
    trial: yt.FieldTrial, value: object
) -> None:
    """anova_p gates the protected LSD: text, True, NaN, 1.5 were used (or float() failed)."""
    with pytest.raises(DataValidationError, match="anova_p must be a p-value from 0 to 1"):
        stats.pairwise_means(trial.means_model(), method="lsd", anova_p=value)


# ------------------------------------------------------------------ diagnostics thresholds


@pytest.mark.parametrize("value", ["10", None, [10], pd.NA, float("nan"), float("inf"), 10**400])
def test_diagnostics_refuses_a_cv_threshold_that_is_no_number(
    trial: yt.FieldTrial, value: object
) -> None:
    """'<' between int and str (TypeError), NA's ambiguous truth, 10**400 OverflowError."""
    with pytest.raises(DataValidationError, match="need 0 < cv_warn_pct <= cv_strong_pct"):
        trial.diagnostics(cv_strong_pct=value)


def test_diagnostics_and_network_share_the_cv_threshold_message(plots: pd.DataFrame) -> None:
    """One rule and one message: diagnostics and analyze_many."""
    frame = plots.assign(site="s1")
    trial = yt.FieldTrial.from_dataframe(frame, crop="wheat", control="CK1")
    with pytest.raises(DataValidationError) as single:
        trial.diagnostics(cv_warn_pct="10")
    with pytest.raises(DataValidationError) as network:
        trial.analyze_sites(cv_warn_pct="10")
    assert str(single.value) == str(network.value)


@pytest.mark.parametrize("value", ["3", None, [3], float("nan"), 0, -1, float("inf"), True])
def test_diagnostics_refuses_an_outlier_threshold_that_is_no_positive_number(
    trial: yt.FieldTrial, value: object
) -> None:
    """A list broadcast against the residuals; NaN and inf flagged nothing; True flagged 4."""
    with pytest.raises(DataValidationError, match="outlier_threshold must be a finite number"):
        trial.diagnostics(outlier_threshold=value)


def test_diagnostics_takes_a_huge_outlier_threshold(trial: yt.FieldTrial) -> None:
    """1e308 squared was an OverflowError; it flags no plot."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # 6 error df
        assert trial.diagnostics(outlier_threshold=1e308).outliers.empty


# ------------------------------------------------------------------ studentized range


@pytest.mark.parametrize("p", ["abc", True, None, 2.5, 1, 1e308, pd.NA])
def test_significant_studentized_range_refuses_p(p: object) -> None:
    """float('abc'), 1e308 (OverflowError), 2.5 read as 2 and True as 1 before."""
    with pytest.raises(DataValidationError, match="p .number of means in the range. must be"):
        stats.significant_studentized_range(p, 10)


@pytest.mark.parametrize("df", ["abc", True, None, [10], float("nan"), 0])
def test_significant_studentized_range_refuses_df(df: object) -> None:
    """True was 1 error df (13.78); float(None) a TypeError."""
    with pytest.raises(DataValidationError, match="error df must be a positive number"):
        stats.significant_studentized_range(3, df)


def test_significant_studentized_range_keeps_its_table_values() -> None:
    """Harter (1960), Duncan at 10 error df: 3.15 (p = 2), 3.29 (p = 3); infinite df allowed."""
    got = stats.significant_studentized_range(np.array([2, 3]), 10)
    assert np.round(got, 2).tolist() == [3.15, 3.29]
    assert np.isfinite(stats.significant_studentized_range(3, float("inf")))


# ------------------------------------------------------------------ design plot areas


@pytest.mark.parametrize("area", [Fraction(20), np.float32(20)])
def test_layout_takes_any_real_plot_area(area: object) -> None:
    """Fraction(20) was a TypeError in np.isfinite; it is 20 m2."""
    book = design.rcbd(["A", "B", "C"], blocks=2, seed=1, plot_area_m2=area)
    assert book["harvested_area_m2"].tolist() == [20.0] * 6


def test_layout_refuses_a_plot_area_too_large_for_a_float() -> None:
    """10**400 was a TypeError in np.isfinite."""
    with pytest.raises(DataValidationError, match="plot_area_m2 must be a positive area"):
        design.rcbd(["A", "B", "C"], blocks=2, seed=1, plot_area_m2=10**400)


# ------------------------------------------------------------------ economics

FERTILIZER = {
    "CK": [{"product": "urea", "grade": "46-0-0", "rate_kg_ha": 200}],
    "T": [{"product": "urea", "grade": "46-0-0", "rate_kg_ha": 150}],
}
YIELDS = {"CK": 7000.0, "T": 6900.0}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "grain_price_per_kg = 'abc'; expected a number"),
        ("2.4", "grain_price_per_kg = '2.4' is text; write the number without quotes"),
        (None, "grain_price_per_kg = None; expected a number"),
        ([2.4], "expected a number"),
        (float("nan"), "expected a finite number"),
        (1e12, r"must be in \[0, 1e\+09\]"),
    ],
)
def test_economics_grain_price_has_the_trial_toml_message(value: object, message: str) -> None:
    """float() raised ValueError/TypeError; 1e12 (above [economics]' limit) was accepted."""
    with pytest.raises(DataValidationError, match=message) as caught:
        yt.economics_table(
            YIELDS, FERTILIZER, control="CK", grain_price_per_kg=value, currency="CNY",
            prices={"urea": 2.5},
        )  # fmt: skip
    assert str(caught.value).startswith("economics_table: grain_price_per_kg = ")


@pytest.mark.parametrize("value", ["abc", None, 10**400, [1.0], pd.NA])
def test_economics_refuses_a_product_price_that_is_no_number(value: object) -> None:
    """float('abc'), float(None), 10**400 (OverflowError) escaped from the price map."""
    with pytest.raises(DataValidationError, match=r"prices\['urea'\] = "):
        yt.economics_table(
            YIELDS, FERTILIZER, control="CK", grain_price_per_kg=2.4, currency="CNY",
            prices={"urea": value},
        )  # fmt: skip


@pytest.mark.parametrize("value", ["abc", None, 10**400, float("inf")])
def test_economics_refuses_other_costs_that_are_no_number(value: object) -> None:
    """float() errors, and inf made every net return -inf."""
    with pytest.raises(DataValidationError, match=r"other_costs_per_ha\['T'\] = "):
        yt.economics_table(
            YIELDS, FERTILIZER, control="CK", grain_price_per_kg=2.4, currency="CNY",
            prices={"urea": 2.5}, other_costs_per_ha={"T": value},
        )  # fmt: skip


@pytest.mark.parametrize("value", ["abc", 10**400, 1.0, 0, float("nan")])
def test_economics_refuses_a_confidence_that_is_no_level(value: object) -> None:
    """float('abc') and 10**400 escaped; 1.0 and NaN were stated in the table."""
    with pytest.raises(DataValidationError, match="economics_table: confidence = "):
        yt.economics_table(
            YIELDS, FERTILIZER, control="CK", grain_price_per_kg=2.4, currency="CNY",
            prices={"urea": 2.5}, confidence=value,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("40", "rate_kg_ha = '40' is text; write the number without quotes"),
        (True, "rate_kg_ha = True; expected a number"),
        (10**400, r"rate_kg_ha = 1\.000e\+400 \(a 401-digit integer\); rate_kg_ha must be in \["),
    ],
)
def test_product_rate_has_the_trial_toml_message(value: object, message: str) -> None:
    """'40' and True were read as 40 and 1 kg/ha; 10**400 was an OverflowError."""
    spec = {"A": [{"product": "urea", "grade": "46-0-0", "rate_kg_ha": value}]}
    with pytest.raises(DataValidationError, match=f"treatment 'A', product 'urea': {message}"):
        yt.treatment_nutrient_rates(spec)


@pytest.mark.parametrize("value", ["0.5", None, [0.5], float("nan"), -1, 101])
def test_efficiency_table_refuses_a_tolerance_that_is_no_percentage(value: object) -> None:
    """'<=' between float and str (TypeError), NA's ambiguous truth; -1 and NaN were used."""
    with pytest.raises(DataValidationError, match="efficiency_table: equal_yield_tolerance_pct"):
        yt.efficiency_table(YIELDS, FERTILIZER, equal_yield_tolerance_pct=value)


def test_significant_studentized_range_takes_a_huge_df_as_infinite() -> None:
    """10**400 error df was an OverflowError; it is the infinite-df limit."""
    huge = stats.significant_studentized_range(3, 10**400)
    assert huge == stats.significant_studentized_range(3, float("inf"))


# ------------------------------------------------------------------ column names


@pytest.mark.parametrize("function", [stats.fit, stats.means, stats.pairwise, stats.anova])
def test_stats_name_a_missing_response_column(trial: yt.FieldTrial, function: object) -> None:
    """response=None was a KeyError: None from the fit cache."""
    with pytest.raises(DataValidationError, match="column.s. not found in data: response=None"):
        function(trial.yields(), response=None, treatment="treatment", block="block")


@pytest.mark.parametrize("function", [stats.fit, stats.means, stats.pairwise])
def test_stats_need_a_treatment_column(trial: yt.FieldTrial, function: object) -> None:
    """treatment=None was a KeyError: None; diagnostics and anova already said this."""
    with pytest.raises(DataValidationError, match="needs treatment=<column of the treatment"):
        function(trial.yields(), response="yield_kg_ha", treatment=None, block="block")


@pytest.mark.parametrize("name", [["block"], np.array("block"), pd.Series(["block"])])
def test_stats_name_a_column_given_as_a_list(trial: yt.FieldTrial, name: object) -> None:
    """A list, array or Series as a column name was "unhashable type" (TypeError)."""
    with pytest.raises(DataValidationError, match="column.s. not found in data: block="):
        stats.diagnostics(trial.yields(), response="yield_kg_ha", treatment="treatment", block=name)


# ------------------------------------------------------------------ network and stability


@pytest.fixture(scope="module")
def network_plots() -> pd.DataFrame:
    """Read the shipped farm network (60 sites, one plot per treatment each)."""
    return pd.read_csv(example_path("farm-network"))


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("abc", "contrast 'c': weight of 'CK2' = 'abc'; expected a number"),
        ("-1", "weight of 'CK2' = '-1' is text; write the number without quotes"),
        (True, "weight of 'CK2' = True; expected a number"),
        (float("nan"), "weight of 'CK2' = nan; expected a finite number"),
        (None, "weight of 'CK2' = None; expected a number"),
    ],
)
def test_network_contrast_weights_must_be_numbers(
    network_plots: pd.DataFrame, weight: object, message: str
) -> None:
    """float('abc') escaped; True was a weight of 1 and NaN gave a NaN contrast."""
    with pytest.raises(DataValidationError, match=message):
        yt.analyze_many(
            network_plots, by="site", response="yield_kg_mu", treatment="treatment",
            control="CK1", contrasts={"c": {"CK1": 1, "CK2": weight}},
        )  # fmt: skip


@pytest.mark.parametrize("contrasts", ["T vs CK1", 0, []])
def test_network_contrasts_not_a_mapping_are_refused(
    network_plots: pd.DataFrame, contrasts: object
) -> None:
    """A falsy or text value was skipped without a word ("" , 0, []) or named only if truthy."""
    with pytest.raises(DataValidationError, match="contrasts must map each contrast's name"):
        yt.analyze_many(
            network_plots, by="site", response="yield_kg_mu", treatment="treatment",
            control="CK1", contrasts=contrasts,
        )  # fmt: skip


def test_network_contrast_of_zero_weights_is_refused(network_plots: pd.DataFrame) -> None:
    """All-zero weights gave estimate 0, SE 0 and a NaN t and p."""
    with pytest.raises(DataValidationError, match="contrast 'c' has only zero weights"):
        yt.analyze_many(
            network_plots, by="site", response="yield_kg_mu", treatment="treatment",
            control="CK1", contrasts={"c": {"CK1": 0, "CK2": 0}},
        )  # fmt: skip


@pytest.fixture(scope="module")
def multi_environment() -> pd.DataFrame:
    """Four treatments in five environments, two blocks each (seeded normal noise)."""
    rng = np.random.default_rng(3)
    rows = [
        (f"E{e}", f"G{g}", b, 5000 + 300 * g + 200 * e + rng.normal(0, 150))
        for e in range(5)
        for g in range(4)
        for b in range(2)
    ]
    return pd.DataFrame(rows, columns=["env", "treatment", "block", "y"])


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "annicchiarico_alpha",
            10**400,
            r"annicchiarico_alpha = 1.*; annicchiarico_alpha must be in \(0, 1\)",
        ),
        ("hsc_target_pct", 10**400, "hsc_target_pct must be a percentage above -100"),
        ("hsc_target_pct", float("inf"), "hsc_target_pct must be a percentage above -100"),
        ("hsc_target_pct", True, "hsc_target_pct must be a percentage above -100"),
        ("n_axes", "2", "n_axes must be a whole number or None"),
        ("n_axes", 1.5, "n_axes must be a whole number or None"),
        ("n_axes", float("nan"), "n_axes must be a whole number or None"),
    ],
)
def test_stability_options_are_checked(
    multi_environment: pd.DataFrame, option: str, value: object, message: str
) -> None:
    """10**400 was an OverflowError, inf and True were used, int('2'.5) truncated or failed."""
    with pytest.raises(DataValidationError, match=message):
        yt.stability(
            multi_environment, env="env", treatment="treatment", response="y", block="block",
            **{option: value},
        )  # fmt: skip


@pytest.mark.parametrize("value", ["20000", [20000.0], float("nan"), float("inf")])
def test_stability_pooled_error_must_be_a_number(
    multi_environment: pd.DataFrame, value: object
) -> None:
    """'>' between str and int (TypeError); NaN and inf passed the positivity test."""
    # stop 33 leftovers: checked by io.checks.check_number, which names the one option
    with pytest.raises(DataValidationError, match=r"stability\(\): error_mean_square = "):
        yt.stability(
            multi_environment, env="env", treatment="treatment", response="y", block="block",
            error_mean_square=value, error_df=20, replicates=2,
        )  # fmt: skip


# ------------------------------------------------------------------ reports, plots, config


@pytest.mark.parametrize("value", [np.float32(1), True, float("nan"), ["2024-06-01"], ""])
def test_report_date_must_be_a_date(trial: yt.FieldTrial, value: object) -> None:
    """NumPy scalars failed on their truth value; True and NaN were printed as the date."""
    with pytest.raises(DataValidationError, match="report_date must be the date to print"):
        yt.build_report(trial, figures=False, report_date=value)


def test_report_date_takes_a_datetime_date(trial: yt.FieldTrial) -> None:
    """A datetime.date is printed in its ISO form, as the text '2024-06-01' is."""
    import datetime

    report = yt.build_report(trial, figures=False, report_date=datetime.date(2024, 6, 1))
    assert report.metadata["report_date"] == "2024-06-01"


@pytest.mark.parametrize("name", ["plot_yields", "plot_yield_boxes", "plot_field"])
def test_plot_figures_name_what_to_pass(trial: yt.FieldTrial, name: str) -> None:
    """A FieldTrial (the object a notebook holds) was "'FieldTrial' object has no attribute"."""
    from yieldtrial import plotting

    with pytest.raises(TypeError, match="the plot figures take a plot table"):
        getattr(plotting, name)(trial)


def test_plot_figures_refuse_two_header_levels(trial: yt.FieldTrial) -> None:
    """A MultiIndex header was pandas' "the first argument must be callable"."""
    from yieldtrial import plotting

    table = trial.yields()
    table.columns = pd.MultiIndex.from_arrays([table.columns, table.columns])
    with pytest.raises(DataValidationError, match="columns have 2 header levels"):
        plotting.plot_yields(table)


def test_trial_config_control_none_is_no_control() -> None:
    """control=None was "'NoneType' object is not iterable"; it is the default, no control."""
    from yieldtrial.config import TrialConfig

    assert TrialConfig(control=None).control == ()


@pytest.mark.parametrize("value", [pd.NA, {"CK": 1}, np.True_, np.array(5.0)])
def test_trial_config_control_must_be_labels(value: object) -> None:
    """Not iterable (TypeError), or a mapping read as its keys."""
    from yieldtrial.config import TrialConfig

    with pytest.raises(DataValidationError, match="control = .*expected text or a list of text"):
        TrialConfig(control=value)


def test_trial_config_control_takes_a_numpy_number() -> None:
    """np.float32(1.5) was not iterable; it is the label '1.5', as the float 1.5 is."""
    from yieldtrial.config import TrialConfig

    assert TrialConfig(control=np.float32(1.5)).control == ("1.5",)


@pytest.mark.parametrize("name", [None, [], ["farm01", "farm02"]])
def test_site_takes_one_label(network_plots: pd.DataFrame, name: object) -> None:
    """None and [] were an IndexError; two sites silently took the first."""
    trial = yt.FieldTrial.from_dataframe(network_plots, crop="maize", control="CK1")
    with pytest.raises(DataValidationError, match="site.. selects one site by its label"):
        trial.site(name)


# ------------------------------------------------------------------ one message per setting


@pytest.mark.parametrize(
    ("value", "toml_value"), [("0.05", '"0.05"'), (float("nan"), "nan"), (None, "[]")]
)
def test_alpha_has_the_trial_toml_message(
    trial: yt.FieldTrial, tmp_path, value: object, toml_value: str
) -> None:
    """alpha='0.05' was "a significance level must be from 0.0001 to 0.5" in the API only."""
    from yieldtrial.config import load_config

    path = tmp_path / "trial.toml"
    path.write_text(f'[trial]\ncrop = "wheat"\n[analysis]\nalpha = {toml_value}\n')
    with pytest.raises(DataValidationError) as toml:
        load_config(path)
    with pytest.raises(DataValidationError) as api:
        trial.means(alpha=value)
    assert str(toml.value).endswith(str(api.value).replace("None", "[]"))


# ------------------------------------------------------------------ tables by treatment

YIELDS3 = {"CK1": 7000.0, "CK2": 6800.0, "T": 6500.0}
FERTILIZER3 = {
    "CK1": [{"product": "urea", "grade": "46-0-0", "rate_kg_ha": 200}],
    "CK2": [{"product": "urea", "grade": "46-0-0", "rate_kg_ha": 150}],
    "T": [],
}


def test_efficiency_table_refuses_a_treatment_given_twice() -> None:
    """A Series with 'CK1' twice kept one of the two values without a word."""
    yields = pd.Series([7000.0, 6800.0, 6500.0], index=["CK1", "CK1", "T"])
    with pytest.raises(DataValidationError, match="yields: treatment 'CK1' is given twice"):
        yt.efficiency_table(yields, FERTILIZER3, zero_nutrient_treatment="T")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("6800", "not a number"),
        (True, "not a number"),
        (float("nan"), "not a finite number >= 0"),
        (float("inf"), "not a finite number >= 0"),
        (-6800.0, "not a finite number >= 0"),
    ],
)
def test_economics_refuses_a_yield_that_is_no_yield(value: object, shown: str) -> None:
    """'6800' and True were read as numbers; NaN, inf and -6800 gave rows of NaN or inf."""
    with pytest.raises(DataValidationError, match=f"yields: treatment 'CK2' has .*, {shown}"):
        yt.economics_table(
            {**YIELDS3, "CK2": value}, FERTILIZER3, control="CK1", grain_price_per_kg=2.4,
            currency="CNY", prices={"urea": 2.5},
        )  # fmt: skip


def test_efficiency_table_refuses_a_nan_yield() -> None:
    """NaN gave 'PFP of CK2 is +nan % vs CK1' with computed=True."""
    with pytest.raises(DataValidationError, match="yields: treatment 'CK2' has nan"):
        yt.efficiency_table({**YIELDS3, "CK2": float("nan")}, FERTILIZER3)


def test_trial_economics_takes_a_fraction_confidence(trial: yt.FieldTrial) -> None:
    """Fraction(9, 10) was a TypeError formatting the note; it is the 90 % level."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        got = trial.economics(
            FERTILIZER3, grain_price_per_kg=2.4, currency="CNY", prices={"urea": 2.5},
            confidence=Fraction(9, 10),
        )  # fmt: skip
    assert got["confidence"].tolist() == [0.9, 0.9]


# ------------------------------------------------------------------ Series alignment


A_C = pd.Series([10.0, 20.0, 30.0], index=["a", "b", "c"])
B_D = pd.Series([1.0, 2.0, 3.0], index=["b", "c", "d"])


@pytest.mark.parametrize(
    "call",
    [
        lambda: yt.theoretical_yield(
            heads_per_mu=A_C * 1e4, grains_per_head=B_D * 10, thousand_grain_weight_g=40
        ),
        lambda: yt.efficiency.agronomic_efficiency(
            A_C * 300, nutrient_rate_kg_ha=B_D * 50, zero_nutrient_yield_kg_ha=5000
        ),
        lambda: yt.efficiency.nutrient_rate_kg_ha(A_C, content_pct=B_D * 10),
        lambda: yt.efficiency.value_cost_ratio(
            A_C, grain_price_per_kg=2.4, cost_change_per_ha=B_D * 10
        ),
        lambda: yt.efficiency.partial_factor_productivity(A_C * 300, nutrient_rate_kg_ha=B_D),
    ],
    ids=["theoretical_yield", "agronomic_efficiency", "nutrient_rate", "vcr", "pfp"],
)
def test_formulas_refuse_series_with_different_indexes(call: object) -> None:
    """Pandas aligned them into NaN (theoretical_yield) or NumPy paired them by position."""
    with pytest.raises(DataValidationError, match="are Series with different indexes"):
        call()


def test_efficiency_formula_refuses_lengths_that_differ() -> None:
    """A 3-value Series and a 2-value array was NumPy's "operands could not be broadcast"."""
    with pytest.raises(DataValidationError, match="has 3 values but nutrient_rate_kg_ha has 2"):
        yt.efficiency.partial_factor_productivity(A_C, nutrient_rate_kg_ha=np.array([1.0, 2.0]))


# ------------------------------------------------------------------ objects a notebook holds


@pytest.mark.parametrize("path", [None, 5, b"report.html", ["report.html"]])
def test_report_write_names_a_path_that_is_none(trial: yt.FieldTrial, path: object) -> None:
    """None, bytes and lists failed inside pathlib ("expected str, bytes or os.PathLike")."""
    report = yt.build_report(trial, figures=False, report_date="2024-06-01")
    with pytest.raises(TypeError, match="Report.write takes a file path"):
        report.write(path)


def test_field_map_names_what_to_pass(trial: yt.FieldTrial) -> None:
    """A FieldTrial was "argument of type 'FieldTrial' is not iterable"."""
    with pytest.raises(TypeError, match="field_map takes a field book or plot table"):
        design.field_map(trial)


# ------------------------------------------------------------------ options read by truth value


@pytest.mark.parametrize("value", ["False", "no", None, 0, [False]])
def test_pairwise_protected_must_be_a_boolean(trial: yt.FieldTrial, value: object) -> None:
    """protected='False' (text) was true: the protected test ran when asked not to."""
    with pytest.raises(DataValidationError, match="protected must be True or False"):
        trial.pairwise(method="lsd", protected=value)


@pytest.mark.parametrize("plot", ["101", 101])
def test_sensitivity_takes_one_plot_id(trial: yt.FieldTrial, plot: object) -> None:
    """'101' was read as the plots '1', '0', '1' (not found); 101 was not iterable."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        got = trial.sensitivity(plot)
        want = trial.sensitivity(["101"])
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("contrasts", ["T vs CK2", [("T", "CK2")], 5, {"c": ("c", "T", "CK2")}])
def test_sensitivity_contrasts_must_be_triples(trial: yt.FieldTrial, contrasts: object) -> None:
    """'not enough values to unpack' or "'int' object is not iterable" before."""
    with pytest.raises(DataValidationError, match=r"contrasts must be \(name, treatment, versus\)"):
        trial.sensitivity(["101"], contrasts=contrasts)


# ------------------------------------------------------------------ network plot values


def _first_site_reason(result: object) -> str:
    return str(result.per_trial.loc[0, "reason"])  # type: ignore[attr-defined]


def test_network_leaves_out_a_site_with_a_negative_yield(network_plots: pd.DataFrame) -> None:
    """analyze_many analysed -5 kg/mu as a yield (the command line leaves such a site out)."""
    plots = network_plots.copy()
    plots.loc[2, "yield_kg_mu"] = -5.0
    result = yt.analyze_many(
        plots, by="site", response="yield_kg_mu", treatment="treatment", control="CK1"
    )
    assert result.per_trial.loc[0, "status"] == "failed"
    assert _first_site_reason(result) == (
        "row 2: 'yield_kg_mu' = -5.0 is negative; a yield cannot be below 0: correct the "
        "value, or blank it (a blank is a missing plot)."
    )


def test_network_leaves_out_a_site_with_a_boolean_yield(network_plots: pd.DataFrame) -> None:
    """True among the yields was read as 1.0 kg/mu and analysed."""
    plots = network_plots.astype({"yield_kg_mu": object})
    plots.loc[2, "yield_kg_mu"] = True
    result = yt.analyze_many(
        plots, by="site", response="yield_kg_mu", treatment="treatment", control="CK1"
    )
    assert result.per_trial.loc[0, "status"] == "failed"
    assert "'yield_kg_mu' = True is a boolean, not a measurement" in _first_site_reason(result)


def test_network_keeps_negative_values_of_a_response_that_is_no_yield(
    network_plots: pd.DataFrame,
) -> None:
    """A gain over 400 kg/mu may be negative: only yield columns are refused below 0."""
    plots = network_plots.assign(gain=network_plots["yield_kg_mu"] - 400.0)
    result = yt.analyze_many(plots, by="site", response="gain", treatment="treatment")
    assert (result.per_trial["status"] != "failed").all()


def test_sensitivity_takes_a_fraction_margin(trial: yt.FieldTrial) -> None:
    """Fraction(5) was a TypeError formatting the non-inferiority test's name."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        got = trial.sensitivity(["101"], margin_pct=Fraction(5))
        want = trial.sensitivity(["101"], margin_pct=5)
    pd.testing.assert_frame_equal(got, want)


def test_parse_grade_refuses_a_content_written_as_text() -> None:
    """{'N': '12'} was read as 12 % N."""
    with pytest.raises(DataValidationError, match="content '12' is not a number"):
        yt.parse_grade({"N": "12"})


@pytest.mark.parametrize("encoding", [5, True, ["gbk"]])
def test_read_plots_names_an_encoding_that_is_not_text(encoding: object) -> None:
    """codecs.lookup(5) was a TypeError ("lookup() argument must be str")."""
    with pytest.raises(DataValidationError, match="unknown text encoding"):
        yt.read_plots(example_path("replicated-rcbd"), encoding=encoding)


@pytest.mark.parametrize("sources", [None, 5, [1], b"plots.csv"])
def test_plot_sources_name_what_to_pass(sources: object) -> None:
    """None and 5 were "not iterable", [1] pathlib's "expected str, bytes or os.PathLike"."""
    from yieldtrial.io import expand_sources

    with pytest.raises(TypeError, match="the plot tables are named by a path"):
        expand_sources(sources)
