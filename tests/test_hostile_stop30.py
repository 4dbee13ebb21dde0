"""Hostile inputs and output faults of the Stop 30 pass (issue 13) not covered elsewhere.

Each case: the exit status, one line on stderr, no traceback, the inputs unchanged and
no output file left behind (see ``hostile.py``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from hostile import assert_one_line_error, plot_table, run_cli
from yieldtrial.config import TrialConfig
from yieldtrial.errors import DataValidationError

HEAD = '[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\n'
#: An integer of 401 digits: TOML reads it exactly, float() overflows on it.
HUGE = "1" + "0" * 400


# ----------------------------------------------------------------- integers beyond a float


@pytest.mark.parametrize("key", ["alpha", "margin_pct", "standard_moisture_pct"])
def test_trial_toml_integer_beyond_a_float_is_a_data_error(tmp_path, capsys, key):
    """``alpha = 1000...0`` (401 digits) was an internal OverflowError (exit 3)."""
    plots = plot_table(tmp_path)
    config = tmp_path / "trial.toml"
    config.write_text(HEAD + f"{key} = {HUGE}\n", encoding="utf-8")
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--config", str(config), "--no-figures", "-o", str(out)]
    assert_one_line_error(
        argv,
        capsys,
        match=rf"{key} = 1\.000e\+400 \(a 401-digit integer\)",
        untouched=[plots, config],
        absent=[out],
    )


def test_trialconfig_integer_beyond_a_float_is_refused():
    """The API gives the same message as the file (no OverflowError)."""
    with pytest.raises(
        DataValidationError, match=r"alpha = 1\.000e\+400 .*a significance level must be from"
    ):
        TrialConfig.from_text(f"[analysis]\nalpha = {HUGE}\n")


@pytest.mark.parametrize(
    "call",
    [
        lambda: yt.standardize_moisture(10**400, moisture_pct=5, standard_moisture_pct=13),
        lambda: yt.standardize_moisture(442, moisture_pct=10**400, standard_moisture_pct=13),
        lambda: yt.convert_area(10**400, "mu", "ha"),
        lambda: yt.convert_yield(10**400, "kg/mu", "kg/ha"),
    ],
    ids=["mass", "moisture", "area", "yield"],
)
def test_formula_integer_beyond_a_float_is_a_data_error(call):
    """A Python int too large for a float meets the finite-number check (was OverflowError)."""
    with pytest.raises(DataValidationError, match="finite|out of range|must be in"):
        call()


def test_formula_list_with_an_integer_beyond_a_float_names_it():
    """``[442, 10**400]``: one error naming the huge integer by its digits."""
    with pytest.raises(DataValidationError, match=r"mass holds an integer too large.*401 digits"):
        yt.standardize_moisture([442, 10**400], moisture_pct=5, standard_moisture_pct=13)


def test_check_alpha_integer_beyond_a_float():
    """``check_alpha(10**400)`` is out of range (finite, stop 43), not an OverflowError."""
    from yieldtrial.io.checks import check_alpha

    with pytest.raises(
        DataValidationError,
        match=r"alpha = 1\.000e\+400 \(a 401-digit integer\); a significance level must be from",
    ):
        check_alpha(10**400)


def test_formula_none_is_refused():
    """``standardize_moisture(None, ...)`` returned a silent NaN; None is not a measurement."""
    with pytest.raises(DataValidationError, match="mass is None; give a number"):
        yt.standardize_moisture(None, moisture_pct=5, standard_moisture_pct=13)


def test_formula_missing_value_inside_a_series_still_propagates():
    """A NaN (pd.NA) inside a Series stays a missing plot: only a bare None is refused."""
    mass = pd.Series([442.0, pd.NA], dtype="Float64")
    result = yt.standardize_moisture(mass, moisture_pct=5, standard_moisture_pct=13)
    # 442 x (100 - 5) / (100 - 13) = 482.64 (dry-matter formula, docs/domain-standards)
    assert result.iloc[0] == pytest.approx(442 * 95 / 87)
    assert np.isnan(result.iloc[1])


# ----------------------------------------------------------------- NUL characters in paths


@pytest.mark.parametrize(
    "argv_of",
    [
        lambda d: ["report", str(d / "plots.csv"), "--crop", "wheat", "-o", str(d / "a\0b.html")],
        lambda d: ["standardize", str(d / "plots.csv"), "--crop", "wheat", "-o", "a\0b.csv"],
        lambda d: ["report", "a\0b.csv", "--crop", "wheat", "-o", str(d / "r.html")],
        lambda d: ["report", str(d / "plots.csv"), "--config", "a\0b", "-o", str(d / "r.html")],
        lambda d: ["design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "--map", "a\0.png"],
    ],
    ids=["report-output", "standardize-output", "input", "config", "design-map"],
)
def test_nul_character_in_a_path_is_a_file_error(tmp_path, capsys, argv_of):
    """A NUL in a file name was an internal ValueError 'embedded null byte' (exit 3)."""
    plots = plot_table(tmp_path)
    assert_one_line_error(
        argv_of(tmp_path),
        capsys,
        match=r"cannot (write|read) .*(NUL character|path is not valid)",
        untouched=[plots],
        absent=[tmp_path / "r.html"],
    )


def test_nul_character_in_the_encoding_is_an_unknown_encoding(tmp_path, capsys):
    """``--encoding`` with a NUL character was an internal ValueError from the codec lookup."""
    plots = plot_table(tmp_path)
    out = tmp_path / "r.html"
    argv = ["report", str(plots), "--crop", "wheat", "--encoding", "utf\0-8", "-o", str(out)]
    assert_one_line_error(
        argv, capsys, match="unknown text encoding", untouched=[plots], absent=[out]
    )


# ----------------------------------------------------------------- blank controls


@pytest.mark.parametrize("value", ["", " , ", ","])
def test_blank_control_on_the_command_line_is_refused(tmp_path, capsys, value):
    """``--control ''`` (an empty shell variable) gave a report without any control."""
    plots = plot_table(tmp_path)
    out = tmp_path / "r.html"
    argv = ["report", str(plots), "--crop", "wheat", "--control", value, "-o", str(out)]
    assert_one_line_error(
        argv, capsys, match="names no treatment .*--control CK", untouched=[plots], absent=[out]
    )


def test_blank_control_in_trial_toml_is_refused():
    """``control = ""`` in trial.toml names the file and the fix."""
    with pytest.raises(DataValidationError, match=r"control = '' names no treatment"):
        TrialConfig.from_text('[analysis]\ncontrol = ""\n')


def test_empty_control_list_still_means_no_control():
    """``control = []`` is an explicit "no control", as before."""
    assert TrialConfig.from_text("[analysis]\ncontrol = []\n").control == ()


@pytest.mark.parametrize("flag", ["--control", "--treatments"])
def test_design_blank_labels_are_a_usage_error(tmp_path, capsys, flag):
    """``design --control ''`` drew a map without a control; blank labels are refused."""
    out = tmp_path / "book.csv"
    argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "-o", str(out)]
    argv[argv.index("--treatments") : argv.index("--blocks")] = (
        [flag, ""] if flag == "--treatments" else ["--treatments", "A", "B", flag, ""]
    )
    assert_one_line_error(argv, capsys, code=2, match=f"{flag} '' names no label", absent=[out])


# ----------------------------------------------------------------- --column


def test_column_mapping_one_header_twice_is_a_usage_error(tmp_path, capsys):
    """``--column row=x1 --column row=x2``: the last silently won; now exit 2 naming both."""
    plots = plot_table(tmp_path)
    out = tmp_path / "r.html"
    argv = ["report", str(plots), "--crop", "wheat", "-o", str(out)]
    argv += ["--column", "block=rep", "--column", "block=replicate"]
    assert_one_line_error(
        argv,
        capsys,
        code=2,
        match=r"--column maps the header 'block' twice \(block=rep and block=replicate\)",
        untouched=[plots],
        absent=[out],
    )


def test_column_mapping_repeated_identically_is_accepted():
    """The same ``--column`` given twice (a repeated flag in a script) is not a conflict."""
    from yieldtrial.commands._input import parse_columns

    assert parse_columns(["a=b", "a=b"]) == {"a": "b"}


# ----------------------------------------------------------------- network


NETWORK = (
    "site,plot_id,treatment,yield_kg_mu\n"
    "S1,1,CK,400\nS1,2,T,420\n"
    "S2,1,CK,-410\nS2,2,T,430\n"
    "S3,1,CK,405\nS3,2,T,440\n"
)


def test_network_negative_yield_leaves_its_site_out(tmp_path, capsys):
    """A negative yield was analysed without a word; its site is left out, named, the rest kept."""
    plots = tmp_path / "net.csv"
    plots.write_text(NETWORK, encoding="utf-8")
    out = tmp_path / "net.json"
    code, lines = run_cli(["network", str(plots), "--control", "CK", "-o", str(out)], capsys)
    assert code == 0, lines
    assert lines[0].startswith("yieldtrial: warning: left out site 'S2': row 4 (plot '1')")
    assert "yield_kg_mu = '-410' is negative" in lines[0]
    assert "(3 trials: failed 1," in lines[-1]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [row["site"] for row in report["per_trial"]] == ["S1", "S3"]
    assert "negative" in json.dumps(report["left_out"])


def test_network_negative_yields_of_one_site_are_counted_in_the_plural(tmp_path, capsys):
    """Two negative yields at one site: the first is named and the other counted ("are")."""
    plots = tmp_path / "net.csv"
    plots.write_text(NETWORK.replace("S2,2,T,430", "S2,2,T,-430"), encoding="utf-8")
    out = tmp_path / "net.json"
    code, lines = run_cli(["network", str(plots), "--control", "CK", "-o", str(out)], capsys)
    assert code == 0, lines
    assert "yield_kg_mu = '-410' and 1 more are negative;" in lines[0]


def test_network_every_yield_negative_is_one_error_line(tmp_path, capsys):
    """Every site with a negative yield: exit 1, one line, nothing written."""
    plots = tmp_path / "net.csv"
    plots.write_text("site,plot_id,treatment,yield_kg_ha\nS1,1,CK,-1\nS1,2,T,2\n", encoding="utf-8")
    out = tmp_path / "net.html"
    argv = ["network", str(plots), "--control", "CK", "-o", str(out)]
    assert_one_line_error(
        argv, capsys, match="every trial holds a negative yield", untouched=[plots], absent=[out]
    )


def test_network_single_invalid_harvest_site_is_one_line(tmp_path, capsys):
    """One site, invalid harvest records: the error alone (was a warning line and the error)."""
    plots = plot_table(tmp_path, rows=("101,1,CK,20,#DIV/0!,12.7\n", "102,1,T,20,13.77,13.7\n"))
    out = tmp_path / "net.html"
    argv = ["network", str(plots), "--crop", "wheat", "--control", "CK", "-o", str(out)]
    assert_one_line_error(
        argv,
        capsys,
        match="every trial's harvest records are invalid .*'#DIV/0!'",
        untouched=[plots],
        absent=[out],
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: yt.replicates_needed(cv_pct=10**400, difference_pct=5, n_treatments=3),
        lambda: yt.replicates_needed(cv_pct=8, difference_pct=5, n_treatments=10**400),
        lambda: yt.detectable_difference_pct(cv_pct=8, replicates=4, n_treatments=3, power=10**400),
        lambda: yt.parse_grade({"N": 10**400}),
        lambda: yt.efficiency_table({"CK": 10**400, "T": 5000}, {"CK": 0, "T": 100}),
        lambda: yt.economics_table(
            {"CK": 4000.0, "T": 5000.0},
            {"CK": 0.0, "T": 100.0},
            control="CK",
            grain_price_per_kg=10**400,
            currency="CNY",
        ),
        lambda: yt.audit_moisture_conversion(
            442, 10**400, moisture_pct=5, standard_moisture_pct=13
        ),
        lambda: yt.standardize_moisture(
            442,
            moisture_pct=15,
            standard_moisture_pct=13,
            method="shrink",
            shrink_pct_per_point=10**400,
        ),
    ],
    ids=["cv", "treatments", "power", "grade", "efficiency", "price", "reported", "shrink"],
)
def test_api_integer_beyond_a_float_is_a_data_error(call):
    """Every public function meets 10**400 with a yieldtrial error (each was an OverflowError)."""
    with pytest.raises(DataValidationError):
        call()


def test_analyze_many_cv_threshold_beyond_a_float(tmp_path):
    """``exclude_cv_above=10**400`` was a NumPy TypeError from np.isfinite."""
    data = pd.DataFrame(
        {"site": ["A", "A", "B", "B"], "treatment": ["CK", "T"] * 2, "y": [1.0, 2.0, 3.0, 4.0]}
    )
    with pytest.raises(DataValidationError, match="exclude_cv_above"):
        yt.analyze_many(
            data, by="site", response="y", treatment="treatment", exclude_cv_above=10**400
        )


@pytest.mark.parametrize("decimals", [-1, 16, 2.5, True, 10**400])
def test_factor_decimals_out_of_range_is_refused(decimals):
    """``factor_decimals=-1`` rounded the factor to tens (0) and every yield to 0 without a word."""
    with pytest.raises(DataValidationError, match="factor_decimals must be a whole number"):
        yt.standardize_moisture(
            442, moisture_pct=5, standard_moisture_pct=13, factor_decimals=decimals
        )


def test_factor_decimals_zero_to_fifteen_still_round():
    """4 decimals: 95/87 = 1.091954 -> 1.0920, 442 x 1.0920 = 482.664 (hand calculation)."""
    value = yt.standardize_moisture(
        442, moisture_pct=5, standard_moisture_pct=13, factor_decimals=4
    )
    assert value == pytest.approx(442 * 1.0920)


def test_trialconfig_control_given_as_a_number_is_its_label():
    """``TrialConfig(control=1)`` was "'int' object is not iterable"; it is the label '1'."""
    assert TrialConfig(control=1).control == ("1",)


@pytest.mark.parametrize("mark", ["\ufeff", "\u200b", "\u00ad"])
def test_invisible_character_in_a_header_is_removed(tmp_path, mark):
    """A BOM or zero-width space pasted into a header hid the column ('missing treatment')."""
    plots = tmp_path / "plots.csv"
    text = plot_table(tmp_path).read_text(encoding="utf-8").replace("treatment", mark + "treatment")
    plots.write_text(text, encoding="utf-8")
    table = yt.read_plots(plots)
    assert "treatment" in table.columns
    assert table["treatment"].tolist() == ["CK", "T", "CK", "T"]


# ----------------------------------------------------------- cells and arguments of the wrong type


def _plot_frame(**changes):
    frame = pd.DataFrame(
        {
            "plot": [1, 2, 3, 4],
            "block": [1, 1, 2, 2],
            "treatment": ["CK", "T", "CK", "T"],
            "harvested_area_m2": [20.0] * 4,
            "fresh_mass_kg": [14.98, 13.77, 14.97, 13.89],
            "moisture_pct": [12.7, 13.7, 13.4, 13.8],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


@pytest.mark.parametrize(
    ("cell", "kind"),
    [(["CK"], "list"), ({"name": "CK"}, "dict"), ({"CK"}, "set"), (("CK", 1), "tuple")],
)
def test_read_plots_container_in_a_label_column_names_the_cell(cell, kind):
    """A list, dict or set in ``treatment`` was pandas' "unhashable type: 'list'"."""
    frame = _plot_frame(treatment=["CK", cell, "CK", "T"])
    with pytest.raises(DataValidationError) as caught:
        yt.read_plots(frame)
    message = str(caught.value)
    assert f"treatment index 1 (plot '2') holds a Python {kind}: {cell!r}" in message
    assert "cells must be text or numbers" in message


def test_read_plots_container_in_the_plot_column_counts_the_others():
    """Every plot id a list: the first is named, the others counted."""
    frame = _plot_frame(plot=[[1], [2], [3], [4]])
    with pytest.raises(DataValidationError, match=r"plot_id \(header 'plot'\) index 0 holds a "):
        yt.read_plots(frame)
    with pytest.raises(DataValidationError, match=r"\[1\] \(and 3 more cells\)"):
        yt.read_plots(frame)


@pytest.mark.parametrize("path", [5, None, b"trial.toml"])
def test_trialconfig_from_file_of_a_non_path_is_a_clear_type_error(path):
    """``TrialConfig.from_file(5)`` was "expected str, bytes or os.PathLike object, not int"."""
    with pytest.raises(TypeError, match=r"must be the path of a trial\.toml \(str or pathlib"):
        TrialConfig.from_file(path)


def test_load_config_of_a_number_is_a_clear_type_error():
    """``yt.load_config(5)`` names what it takes."""
    with pytest.raises(
        TypeError, match=r"path of a trial\.toml .* or None for load_config\(\); got int"
    ):
        yt.load_config(5)


@pytest.mark.parametrize("raw", [None, ["trial"], "crop = 'wheat'"])
def test_trialconfig_from_dict_of_a_non_mapping_is_a_clear_type_error(raw):
    """``TrialConfig.from_dict(None)`` was "'NoneType' object is not iterable"."""
    with pytest.raises(TypeError, match=r"from_dict\(\) takes a mapping of trial\.toml tables"):
        TrialConfig.from_dict(raw)


def test_trialconfig_from_text_of_a_non_text_is_a_clear_type_error():
    """``TrialConfig.from_text(None)`` points to load_config for a file."""
    with pytest.raises(TypeError, match=r"from_text\(\) takes the text .*load_config"):
        TrialConfig.from_text(None)


def _network():
    rows = [
        # + 0.3 in one plot: exactly additive yields are an exact fit (refused, stop 33)
        (
            site,
            block,
            trt,
            100.0
            + 5 * (trt == "NPK")
            + i
            + 0.7 * block
            + (block * i) % 2
            + 0.3 * (trt == "NPK" and block == 1),
        )  # fmt: skip
        for i, site in enumerate(["S1", "S2", "S3"])
        for block in range(3)
        for trt in ["CK", "NPK"]
    ]
    return pd.DataFrame(rows, columns=["site", "block", "trt", "y"])


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"by": None}, r"by must name the trial key column\(s\).*got None \(NoneType\)"),
        ({"by": ["site", None]}, r"by must name .*got \['site', None\] \(list\)"),
        ({"by": {"site"}}, r"by must name .*\(set\)"),
        ({"response": None}, r"response must be the name of one column .*got None"),
        ({"treatment": ["trt"]}, r"treatment must be the name of one column .*got \['trt'\]"),
        ({"block": ["block"]}, r"block must be the name of one column .* or None; got"),
        ({"control": object()}, r"control must be a treatment label such as 'CK'"),
        ({"treatment_order": 5}, r"treatment_order must be a list of treatment labels"),
    ],
    ids=[
        "by-none",
        "by-none-inside",
        "by-set",
        "response-none",
        "treatment-list",
        "block-list",
        "control-object",
        "order-number",
    ],
)
def test_analyze_many_argument_of_the_wrong_type_is_named(changes, match):
    """``by=None`` and ``response=['y']`` reached pandas (not iterable / unhashable)."""
    arguments = {"by": "site", "response": "y", "treatment": "trt", "block": "block"}
    arguments.update(changes)
    with pytest.raises(DataValidationError, match=match):
        yt.analyze_many(_network(), **arguments)


def test_analyze_many_treatment_order_of_one_text_is_one_label():
    """``treatment_order="NPK"`` was split into the labels 'N', 'P' and 'K' (an error)."""
    result = yt.analyze_many(
        _network(),
        by="site",
        response="y",
        treatment="trt",
        block="block",
        treatment_order="NPK",
    )
    assert result.per_treatment["treatment"].unique().tolist() == ["NPK", "CK"]


def test_analyze_many_control_given_as_a_number_is_its_label():
    """``control=5`` was "'int' object is not iterable"; it is the label '5' (absent here)."""
    with pytest.raises(DataValidationError, match=r"control '5' is not a treatment of any trial"):
        yt.analyze_many(
            _network(), by="site", response="y", treatment="trt", block="block", control=5
        )


@pytest.mark.parametrize("argument", ["moisture_pct", "standard_moisture_pct"])
def test_describe_method_list_instead_of_a_number(argument):
    """A list reached float() ("float() argument must be a string or a real number")."""
    with pytest.raises(
        DataValidationError, match=rf"{argument} must be one finite number .*got \[5\]"
    ):
        yt.describe_method("dry_matter", **{argument: [5]})


def test_fieldtrial_control_of_no_label_is_named():
    """``control=object()`` was "'object' object is not iterable"."""
    with pytest.raises(DataValidationError, match=r"expected a label such as 'CK'"):
        yt.FieldTrial.from_dataframe(_plot_frame(), crop="wheat", control=object())


def test_read_plots_container_among_numeric_labels_is_found():
    """Numbers and a list ("mixed-integer" to pandas) are checked cell by cell too."""
    frame = _plot_frame(block=[1, [1], 2, 2])
    with pytest.raises(
        DataValidationError, match=r"block index 1 \(plot '2'\) holds a Python list"
    ):
        yt.read_plots(frame)
