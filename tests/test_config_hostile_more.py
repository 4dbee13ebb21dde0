"""trial.toml and command-line settings: hostile values not covered by test_config_hostile.py."""

from __future__ import annotations

import re

import pytest

from hostile import RCBD_ROWS, assert_one_line_error, plot_table, run_cli
from hostile import RCBD_TOML_HEAD as HEAD
from hostile import config_report_argv as _report
from yieldtrial.config import TrialConfig
from yieldtrial.errors import DataValidationError


def test_shrink_per_point_in_trial_toml_is_read(tmp_path, capsys):
    """[analysis] shrink_pct_per_point = 1.2 with the shrink method gives a report."""
    toml = HEAD + 'moisture_method = "shrink"\nshrink_pct_per_point = 1.2\n'
    argv, _ = _report(tmp_path, toml)
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert (tmp_path / "r.md").is_file()


def test_shrink_per_point_on_the_command_line_is_read(tmp_path, capsys):
    """The report command takes --method shrink --shrink-per-point 1.2 (no internal error)."""
    argv, _ = _report(tmp_path, HEAD, "--method", "shrink", "--shrink-per-point", "1.2")
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines


@pytest.mark.parametrize("value", ["-1", "100", "nan"], ids=["negative", "100", "nan"])
def test_shrink_per_point_out_of_range_in_trial_toml(tmp_path, capsys, value):
    """A shrink per point outside [0, 100) is one error line naming the key."""
    toml = HEAD + f'moisture_method = "shrink"\nshrink_pct_per_point = {value}\n'
    argv, inputs = _report(tmp_path, toml)
    assert_one_line_error(
        argv, capsys, match="shrink_pct_per_point", untouched=inputs, absent=[tmp_path / "r.md"]
    )


def test_shrink_per_point_check_is_shared_with_the_api():
    """TrialConfig(shrink_pct_per_point=-1) via from_values raises the trial.toml message."""
    with pytest.raises(DataValidationError, match=r"shrink_pct_per_point must be in \[0, 100\)"):
        TrialConfig.from_text("[analysis]\nshrink_pct_per_point = -1\n")


@pytest.mark.parametrize(
    ("toml", "match"),
    [
        (
            '[[treatments]]\nlabel = "CK"\n[[treatments]]\nlabel = "CK"\n',
            r"\[\[treatments\]\] describes 'CK' more than once",
        ),
        (
            '[[treatments]]\nlabel = "CK"\ndescription = ["x"]\n',
            r"treatment 'CK': description = \['x'\]; expected text",
        ),
        (
            '[[treatments]]\nlabel = "CK"\nproducts = "synergist"\n',
            r"treatment 'CK': products = 'synergist'; expected a list of tables",
        ),
        (
            '[[treatments]]\nlabel = "CK"\nproducts = [{ product = "s", rate = -1 }]\n',
            r"products entry 1: rate = -1; rate must be in \[0, 1e\+09\]",
        ),
        (
            '[[treatments]]\nlabel = "CK"\nrate = 1e308\nrate_unit = "kg/mu"\n',
            r"rate = 1e\+308; rate must be in \[0, 1e\+09\]: .* more than 1e\+09 is a typing error",
        ),
        ("[conditions]\nsoil_ph = [7]\n", r"\[conditions\]: soil_ph = \[7\]; expected a number"),
        ("[conditions]\nlatitude = 1000\n", r"latitude = 1000; latitude must be in \[-90, 90\]"),
        ("[conditions]\nlatitude = nan\n", "latitude = nan; expected a finite number"),
        ("[conditions]\nweather = [1]\n", r"weather = \[1\]; expected text"),
        # stop 44: a 400-digit seeding rate, a huge altitude, a content above the whole and a
        # 100,000-character note were accepted
        (
            "[conditions]\nseeding_rate = 1" + "0" * 400 + "\n",
            r"seeding_rate = 1\.000e\+400 \(a 401-digit integer\); seeding_rate must be in "
            r"\[-1e\+09, 1e\+09\]: more than 1e\+09 is a typing error",
        ),
        ("[conditions]\naltitude_m = 1e300\n", r"altitude_m must be in \[-500, 9000\]"),
        (
            "[conditions]\norganic_matter_g_kg = 2000\n",
            r"organic_matter_g_kg must be in \[0, 1000\]",
        ),
        (
            '[conditions]\nweather = "' + "x" * 501 + '"\n',
            r"\[conditions\]: weather is 501 characters long; weather must be at most 500 "
            "characters: shorten the note",
        ),
        (
            '[conditions]\nfertilization = [{ stage = "basal", rate = -5 }]\n',
            r"fertilization entry 1: rate = -5; rate must be in \[0, 1e\+09\]",
        ),
        (
            "[conditions]\nfertilization = [{ amount = 5 }]\n",
            r"unknown key 'amount' in \[conditions\] fertilization entry 1",
        ),
        (
            '[[published]]\nyield = 442\nmoisture_pct = 5\nreported = "abc"\n',
            r"\[\[published\]\] entry 1: reported = 'abc'; expected the published figure",
        ),
        (
            "[[published]]\nyield = 442\nmoisture_pct = 5\nreported = nan\n",
            r"\[\[published\]\] entry 1: reported = nan; expected",
        ),
        (
            '[panel]\nillustrative = ["expert"]\n',
            r"\[panel\] illustrative lists 'expert'; expected any of experts, members",
        ),
        ("[zh]\ntitle = [1, 2]\n", r"\[zh\] title = \[1, 2\]; expected Chinese text"),
        ("[[treatments]]\nlabel = true\n", "label = true; expected the text of a treatment label"),
        ("[economics]\ngrain_price_per_kg = nan\n", "grain_price_per_kg = nan; expected a finite"),
        (
            "[economics]\ngrain_price_per_kg = 1e308\n",
            r"grain_price_per_kg = 1e\+308; grain_price_per_kg must be in \[0, 1e\+09\]",
        ),
        (
            "[economics]\ngrain_price_per_kg = 2.4\nprices = { urea = -3 }\n",
            r"prices\.urea = -3; prices\.urea must be in \[0, 1e\+09\]",
        ),
        (
            "[economics]\ngrain_price_per_kg = 2.4\nother_costs_per_mu = { T = inf }\n",
            "other_costs_per_mu.T = inf; expected a finite number",
        ),
    ],
    ids=[
        "label-twice",
        "description-list",
        "products-text",
        "products-negative-rate",
        "rate-huge",
        "ph-list",
        "latitude-range",
        "latitude-nan",
        "weather-list",
        "seeding-rate-huge",
        "altitude-range",
        "organic-matter-range",
        "weather-too-long",
        "schedule-negative-rate",
        "schedule-unknown-key",
        "reported-text",
        "reported-nan",
        "panel-illustrative-unknown",
        "zh-list",
        "label-bool",
        "grain-price-nan",
        "grain-price-huge",
        "price-negative",
        "other-cost-inf",
    ],
)
def test_bad_value_in_trial_toml_tables(tmp_path, capsys, toml, match):
    """Each bad value exits 1 with one line naming the file and key; no report is written."""
    argv, inputs = _report(tmp_path, HEAD + toml)
    line = assert_one_line_error(
        argv, capsys, match=match, untouched=inputs, absent=[tmp_path / "r.md"]
    )
    assert "trial.toml" in line


def test_table_checks_are_the_api_checks():
    """TrialConfig.from_text raises the same message as the command line."""
    with pytest.raises(DataValidationError, match="more than once"):
        TrialConfig.from_text('[[treatments]]\nlabel = "A"\n[[treatments]]\nlabel = "A"\n')


@pytest.mark.parametrize(
    ("toml", "extra", "said"),
    [
        (HEAD + "margin_pct = 0.05\n", (), ("margin_pct = 0.05", "write margin_pct = 5")),
        # the flag's value is said in the flag's words (stop 34 user pass), as typed (stop 44)
        (HEAD, ("--margin", "0.05"), ("--margin 0.05", "give --margin 5")),
    ],
    ids=["trial-toml", "flag"],
)
def test_fraction_margin_warns_once_in_one_line(tmp_path, capsys, toml, extra, said):
    """A margin of 0.05 gives one 'yieldtrial: warning:' line, not Python's warning twice."""
    argv, _ = _report(tmp_path, toml, *extra)
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    warned = [line for line in lines if "is read as 0.05 %" in line]
    assert warned == [
        f"yieldtrial: warning: {said[0]} is read as 0.05 %; if you meant 5 %, {said[1]} "
        "(percent, e.g. 5 for 5 %)"
    ]
    assert not any("dataclasses.py" in line or "config.py" in line for line in lines)


@pytest.mark.parametrize("where", ["toml", "flag"])
def test_alpha_below_float_precision(tmp_path, capsys, where):
    """An alpha of 1e-17 (1 - alpha == 1.0) is refused naming alpha, not 'confidence = 1.0'."""
    toml = HEAD + ("alpha = 1e-17\n" if where == "toml" else "")
    extra = ("--alpha", "1e-17") if where == "flag" else ()
    argv, inputs = _report(tmp_path, toml, *extra)
    assert_one_line_error(
        argv,
        capsys,
        match=r"alpha = 1e-17; a significance level must be from 0\.0001 to 0\.5",
        untouched=inputs,
        absent=[tmp_path / "r.md"],
    )


def test_design_column_key_naming_no_column(tmp_path, capsys):
    """[analysis] block = "rep" without a rep column names the trial.toml key, not only columns=."""
    argv, inputs = _report(tmp_path, HEAD + 'block = "rep"\n')
    assert_one_line_error(
        argv,
        capsys,
        match=r"renames 'rep' to 'block' \(\[analysis\] block = 'rep' of trial\.toml\), which is "
        "not a column of the table",
        untouched=inputs,
        absent=[tmp_path / "r.md"],
    )


@pytest.mark.parametrize(
    ("toml", "match"),
    [
        (
            '[analysis]\ncontol = "CK"\n',
            r"unknown key 'contol' in \[analysis\] \(did you mean 'control'\?\)",
        ),
        ("[analysis]\nAlpha = 0.05\n", r"'Alpha' in \[analysis\] \(did you mean 'alpha'\?\)"),
        ('[trail]\ncrop = "wheat"\n', r"unknown table or key 'trail' \(did you mean 'trial'\?\)"),
        (
            '[economics]\ngrain_price_per_kg = 2\ncurency = "CNY"\n',
            r"\(did you mean 'currency'\?\)",
        ),
    ],
    ids=["contol", "Alpha", "trail", "curency"],
)
def test_unknown_key_suggests_the_close_one(toml, match):
    """A typo in a key or table name is refused with the key it was probably meant to be."""
    with pytest.raises(DataValidationError, match=match):
        TrialConfig.from_text(toml)


def test_unknown_key_without_a_close_one_has_no_suggestion():
    """A key unlike any allowed one gets the list only."""
    with pytest.raises(DataValidationError) as info:
        TrialConfig.from_text("[analysis]\nzzz = 1\n")
    assert "did you mean" not in str(info.value)


def test_other_cost_for_an_unknown_treatment_is_refused(tmp_path, capsys):
    """[economics] other_costs_per_mu = { CK9 = 5 } names CK9 (the cost was dropped silently)."""
    toml = (
        HEAD + '[[treatments]]\nlabel = "T"\nrate = 40\nrate_unit = "kg/mu"\n'
        "[economics]\ngrain_price_per_kg = 2.4\nother_costs_per_mu = { CK9 = 5 }\n"
    )
    argv, inputs = _report(tmp_path, toml)
    assert_one_line_error(
        argv,
        capsys,
        match=r"\[economics\] other_costs_per_mu gives a cost for 'CK9', which is not a treatment",
        untouched=inputs,
        absent=[tmp_path / "r.md"],
    )


def test_contrast_of_a_treatment_with_itself_is_refused():
    """A [[contrasts]] entry with treatment == versus is an error naming the entry."""
    with pytest.raises(DataValidationError, match=r"entry 1 \('x'\) compares 'T' with itself"):
        TrialConfig.from_text('[[contrasts]]\nname = "x"\ntreatment = "T"\nversus = "T"\n')


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"alpha": 5}, r"TrialConfig: alpha = 5; a significance level must be from"),
        ({"alpha": "0.05"}, "alpha = '0.05' is text"),
        ({"margin_pct": -5}, r"margin_pct must be in \[0, 100\)"),
        ({"shrink_pct_per_point": -1}, r"shrink_pct_per_point must be in \[0, 100\)"),
        ({"letters": "bogus"}, "letters = 'bogus'; expected one of tukey"),
        ({"design": "bogus"}, "design = 'bogus'; expected one of crd"),
    ],
    ids=["alpha", "alpha-text", "margin", "shrink", "letters", "design"],
)
def test_trialconfig_constructor_checks_like_trial_toml(settings, match):
    """TrialConfig(alpha=5) is refused with trial.toml's message (it was accepted)."""
    with pytest.raises(DataValidationError, match=match):
        TrialConfig(**settings)


def test_trialconfig_constructor_keeps_valid_settings():
    """Valid settings pass unchanged (design names are lower-cased as in trial.toml)."""
    config = TrialConfig(alpha=0.01, design="RCBD", margin_pct=5)
    assert (config.alpha, config.design, config.margin_pct) == (0.01, "rcbd", 5.0)


@pytest.mark.parametrize(
    ("toml", "match"),
    [
        (
            'protocol = "USDA-2024"\n',
            "protocol = 'USDA-2024'; expected one of cn-yield-test, usda, dry-matter",
        ),
        (
            'moisture_method = "dry mass"\n',
            "moisture_method = 'dry mass'; expected one of dry_matter, percentage_point",
        ),
    ],
    ids=["protocol", "method"],
)
def test_unknown_protocol_or_method_names_the_file(tmp_path, capsys, toml, match):
    """An unknown protocol or moisture method in trial.toml names the file and key."""
    argv, inputs = _report(tmp_path, HEAD + toml)
    line = assert_one_line_error(
        argv, capsys, match=match, untouched=inputs, absent=[tmp_path / "r.md"]
    )
    assert "trial.toml" in line


@pytest.mark.parametrize(
    ("toml", "setting", "canonical"),
    [
        ('protocol = "USDA"\n', "protocol", "usda"),
        ('moisture_method = "DRY-MATTER"\n', "moisture_method", "dry_matter"),
    ],
    ids=["protocol", "method"],
)
def test_protocol_and_method_names_ignore_case(toml, setting, canonical):
    """'USDA' and 'DRY-MATTER' (case, - for _) name usda and dry_matter, as crop names do."""
    from yieldtrial.config import TrialConfig

    config = TrialConfig.from_text(HEAD + toml, source="trial.toml")
    assert getattr(config, setting) == canonical


def test_standard_moisture_as_a_fraction_names_the_file(tmp_path, capsys):
    """standard_moisture_pct = 0.13 is refused naming the file and the percent to write (13)."""
    argv, inputs = _report(tmp_path, HEAD + "standard_moisture_pct = 0.13\n")
    line = assert_one_line_error(
        argv,
        capsys,
        match=r"standard_moisture_pct = 0\.13 looks like a fraction; .* write 13 for 13 %",
        untouched=inputs,
        absent=[tmp_path / "r.md"],
    )
    assert "trial.toml" in line


@pytest.mark.parametrize("value", ["1e-300", "0.005", "0.01", "1"])
def test_standard_moisture_below_any_standard_is_implausible(tmp_path, capsys, value):
    """1e-300 was refused as a fraction, "write 1e-298 for 1e-298 %"; 1 as "write 100".

    Multiplied by 100 these name no standard (1 % or less, or 100 %): the line says the value
    is implausible and what a standard looks like, and suggests no product.
    """
    argv, inputs = _report(tmp_path, HEAD + f"standard_moisture_pct = {value}\n")
    line = assert_one_line_error(
        argv,
        capsys,
        match=rf"standard_moisture_pct = {re.escape(value)} is implausible: no moisture "
        r"standard is 1 % or lower .*expected percent \(0-100\), e\.g\. 13",
        untouched=inputs,
        absent=[tmp_path / "r.md"],
    )
    assert "fraction" not in line and "write" not in line


@pytest.mark.parametrize(
    "extra",
    [
        '[zh]\ntitle = "标题\\u000b"\n',
        '[panel]\nexperts = [{ name = "A\\u0001", affiliation = "x\\u000b" }]\n',
        '[[contrasts]]\nname = "c\\u0001"\ntreatment = "T"\nversus = "CK"\n',
        '[conditions]\nweather = "w\\u0001"\n',
    ],
    ids=["zh-title", "panel-experts", "contrast-name", "conditions-text"],
)
def test_control_characters_in_any_table_give_a_docx(tmp_path, capsys, extra):
    """Control characters anywhere in trial.toml are removed: the DOCX is written (was exit 3)."""
    pytest.importorskip("docx")
    argv, _ = _report(tmp_path, HEAD + extra, "--lang", "zh", suffix="docx")
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert (tmp_path / "r.docx").is_file()


@pytest.mark.parametrize(
    "toml",
    ['[columns]\n"block" = ""\n', '[columns]\n"" = "block"\n'],
    ids=["to-empty", "from-empty"],
)
def test_column_rename_with_an_empty_name_is_refused(toml):
    """[columns] "block" = "" (the block column renamed to nothing) is an error naming it."""
    with pytest.raises(
        DataValidationError, match=r"\[columns\] maps '.*' to '.*'; expected a column"
    ):
        TrialConfig.from_text(toml)


def test_read_plots_refuses_a_rename_to_an_empty_name(tmp_path):
    """read_plots(columns={"block": ""}) is an error (it dropped the blocks silently)."""
    from yieldtrial.io import read_plots

    plots = plot_table(tmp_path, rows=RCBD_ROWS)
    with pytest.raises(DataValidationError, match="renames 'block' to an empty name"):
        read_plots(plots, columns={"block": ""})


@pytest.mark.parametrize(
    ("toml", "match"),
    [
        (
            '[analysis]\nrow = "pos"\ncolumn = "pos"\n',
            r"\[analysis\] column = 'pos' names a column that \[analysis\] row already renames",
        ),
        (
            '[analysis]\nblock = "rep"\n[columns]\n"rep" = "block_id"\n',
            r"\[analysis\] block = 'rep' names a column that \[columns\] already renames",
        ),
    ],
    ids=["row-and-column", "block-and-columns"],
)
def test_one_column_with_two_design_roles_is_refused(toml, match):
    """Two keys renaming the same column (the later one won silently) are an error."""
    with pytest.raises(DataValidationError, match=match):
        TrialConfig.from_text(toml)


def test_from_dict_with_a_number_as_a_key():
    """TrialConfig.from_dict with a non-text key (Python only) raises no AttributeError."""
    config = TrialConfig.from_dict({"treatments": [{"label": "A", 1: 2}]})
    assert config.treatments[0].extra == {1: 2}
    with pytest.raises(DataValidationError, match=r'prices\."1" = -3'):
        TrialConfig.from_dict({"economics": {"grain_price_per_kg": 2, "prices": {1: -3}}})


@pytest.mark.parametrize(
    ("toml", "match"),
    [
        ("[panel]\nmembers = 5\n", r"\[panel\] members = 5; expected text or a list"),
        ("[panel]\ndate = [1]\n", r"\[panel\] date = \[1\]; expected text"),
        ("[trial]\nid = { a = 1 }\n", r"\[trial\] id = \{ a = 1 \}; expected text"),
    ],
    ids=["members", "date", "id"],
)
def test_message_names_the_file_key_not_the_attribute(toml, match):
    """A wrong type under [panel] or [trial] id names the key as written (not panel_members)."""
    with pytest.raises(DataValidationError, match=match):
        TrialConfig.from_text(toml)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("1", r"trial\.toml': unit = 1; expected text"),
        ("true", r"trial\.toml': unit = true; expected text"),
        ('"parsec"', r"trial\.toml': unknown yield unit 'parsec'; valid yield units: kg/ha"),
    ],
    ids=["number", "boolean", "unknown"],
)
def test_unit_in_trial_toml_is_checked_naming_the_file(tmp_path, capsys, value, match):
    """[analysis] unit is checked where it is read: the message names trial.toml."""
    argv, inputs = _report(tmp_path, HEAD + f"unit = {value}\n")
    assert_one_line_error(argv, capsys, match=match, untouched=inputs, absent=[tmp_path / "r.md"])


def test_unit_check_is_shared_with_the_api():
    """TrialConfig(unit=...) and override(unit=...) give the same message as trial.toml."""
    with pytest.raises(DataValidationError, match=r"unknown yield unit 'kg/furlong'"):
        TrialConfig(unit="kg/furlong")
    assert TrialConfig(unit="斤/亩").unit == "斤/亩"


def test_very_long_value_is_shortened_in_the_message(tmp_path, capsys):
    """A 200,000-character value is named by its start and length, not printed whole."""
    argv, inputs = _report(tmp_path, HEAD + f'letters = "{"x" * 200_000}"\n')
    line = assert_one_line_error(
        argv,
        capsys,
        match=r"letters = 'x{43}\.\.\. xxx' \(200,002 characters\); expected one of tukey",
        untouched=inputs,
    )
    assert len(line) < 400


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ('"parsec"', r"\[\[published\]\] entry 1: unit = 'parsec'; expected a yield unit"),
        ("5", r"\[\[published\]\] entry 1: unit = 5; expected a yield unit"),
    ],
    ids=["unknown", "number"],
)
def test_published_unit_is_checked(tmp_path, capsys, value, match):
    """A [[published]] figure in 'parsec' is refused naming the entry, not printed as given."""
    toml = HEAD + f"[[published]]\nyield = 442\nmoisture_pct = 5\nunit = {value}\n"
    argv, inputs = _report(tmp_path, toml)
    assert_one_line_error(argv, capsys, match=match, untouched=inputs, absent=[tmp_path / "r.md"])


@pytest.mark.parametrize("unit", ["kg/mu", "斤/亩", "kg"])
def test_published_unit_accepts_yield_and_mass_units(unit):
    """A yield unit or a mass unit (a plot's mass) is kept as written."""
    config = TrialConfig.from_text(
        f'[[published]]\nyield = 442\nmoisture_pct = 5\nunit = "{unit}"\n'
    )
    assert config.published[0].unit == unit


def test_trial_toml_with_old_mac_line_endings_is_read():
    """CR-only line endings (read in plot tables) are read in trial.toml too."""
    config = TrialConfig.from_text('[trial]\rcrop = "wheat"\r[analysis]\ralpha = 0.01\r')
    assert (config.crop, config.alpha) == ("wheat", 0.01)


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [("title", "true", "true"), ("site", "nan", "nan"), ("season", "-inf", "-inf")],
)
def test_trial_text_that_is_a_boolean_or_not_finite_is_refused(tmp_path, capsys, key, value, shown):
    """[trial] title = true was printed as the title 'True'; nan as 'nan'."""
    toml = f'[trial]\ncrop = "wheat"\n{key} = {value}\n[analysis]\ncontrol = "CK"\n'
    argv, inputs = _report(tmp_path, toml)
    assert_one_line_error(
        argv,
        capsys,
        match=rf"trial\.toml': {key} = {shown}; expected text",
        untouched=inputs,
        absent=[tmp_path / "r.md"],
    )


def test_trial_text_that_is_a_number_or_date_reads_as_its_text():
    """A number (season = 2024) and a TOML date are kept as their text."""
    config = TrialConfig.from_text('[trial]\nseason = 2024\nid = 2024-06-01\ntitle = "T"\n')
    assert (config.season, config.trial_id) == ("2024", "2024-06-01")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[conditions]\nsoil_type = true\n", r"\[conditions\]: soil_type = true; expected text"),
        ("[conditions]\nweather = nan\n", r"\[conditions\]: weather = nan; expected text"),
        ("[conditions]\nillustrative = true\n", r"illustrative = true; expected a list"),
        ("[economics]\ngrain_price_per_kg = 2\ncurrency = true\n", r"currency = true; expected"),
        ("[zh]\ntitle = nan\n", r"\[zh\] title = nan; expected Chinese text"),
        (
            '[[contrasts]]\nname = nan\ntreatment = "T"\nversus = "CK"\n',
            r"\[\[contrasts\]\] entry 1: name = nan; expected text",
        ),
        ('[[treatments]]\nlabel = "T"\ndescription = true\n', r"description = true; expected"),
        ('[[treatments]]\nlabel = "T"\nrate_status = [1]\n', r"rate_status = \[1\]; expected"),
        (
            "[[published]]\ntreatment = nan\nyield = 442\nmoisture_pct = 14\n",
            r"\[\[published\]\] entry 1: treatment = nan; expected text",
        ),
        (
            "[panel]\nexperts = [{ name = true }]\n",
            r"\[panel\] experts entry 1: name = true; expected text",
        ),
    ],
)
def test_text_key_given_true_nan_or_a_list_is_one_line_error(tmp_path, capsys, toml, message):
    """true, nan or a list for a text key is refused everywhere, as in [trial] (trial-toml.md).

    They were printed as "True" and "nan" in the report (currency, a contrast's name).
    """
    argv, inputs = _report(tmp_path, HEAD + toml)
    assert_one_line_error(
        argv, capsys, code=1, match=message, untouched=inputs, absent=[tmp_path / "r.md"]
    )


#: trial.toml's number keys, each as a line placing ``{v}`` (stop 43): a table's key, a
#: [[treatments]] rate and an [economics] price and cost (entries of a table).
TOML_NUMBER_KEYS = {
    "alpha": HEAD + "alpha = {v}\n",
    "margin_pct": HEAD + "margin_pct = {v}\n",
    "standard_moisture_pct": HEAD + "standard_moisture_pct = {v}\n",
    "shrink_pct_per_point": HEAD + "shrink_pct_per_point = {v}\n",
    "rate": HEAD + '[[treatments]]\nlabel = "T"\nrate = {v}\nrate_unit = "kg/mu"\n',
    "n_rate_kg_ha": HEAD + '[[treatments]]\nlabel = "T"\nn_rate_kg_ha = {v}\n',
    "latitude": HEAD + "[conditions]\nlatitude = {v}\n",
    "grain_price_per_kg": HEAD + '[economics]\ncurrency = "CNY"\ngrain_price_per_kg = {v}\n',
    "prices.urea": HEAD
    + '[economics]\ncurrency = "CNY"\ngrain_price_per_kg = 2.4\nprices = {{ urea = {v} }}\n',
    "other_costs_per_mu.seed": HEAD
    + '[economics]\ncurrency = "CNY"\ngrain_price_per_kg = 2.4\n'
    + "other_costs_per_mu = {{ seed = {v} }}\n",
}

#: TOML literals: a 401-digit integer (exact in TOML and Python), 1e400 (a float: inf), nan,
#: a boolean and a number in quotes.
TOML_HOSTILE = {
    "10**400": "1" + "0" * 400,
    "-10**400": "-1" + "0" * 400,
    "1e400": "1e400",
    "nan": "nan",
    "true": "true",
    "'0.05'": '"0.05"',
}


@pytest.mark.parametrize("value", list(TOML_HOSTILE), ids=list(TOML_HOSTILE))
@pytest.mark.parametrize("key", list(TOML_NUMBER_KEYS))
def test_a_hostile_number_in_trial_toml_is_one_line_naming_the_key(
    tmp_path, capsys, key: str, value: str
):
    """One line, exit 1, no report: the key, the value shortened and the values allowed.

    ``grain_price_per_kg = -10**400`` printed its 401 digits; ``prices = { urea = true }``
    named neither the entry nor the value; a 400-digit integer was "not finite".
    """
    toml = TOML_NUMBER_KEYS[key].format(v=TOML_HOSTILE[value])
    argv, inputs = _report(tmp_path, toml)
    line = assert_one_line_error(argv, capsys, untouched=inputs, absent=[tmp_path / "r.md"])
    assert key in line
    assert "0" * 21 not in line
    if value.endswith("**400"):
        assert "401-digit integer" in line
        assert "finite number;" not in line  # finite: out of range
    assert re.search(r"must be (in [\[(]|from )|<number from ", line), line
