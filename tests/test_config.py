"""Tests of yieldtrial.config (trial.toml)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from yieldtrial.config import TrialConfig, load_config
from yieldtrial.datasets import example_path
from yieldtrial.errors import DataValidationError

FULL = """
[trial]
id = "t1"
title = "Wheat test"
site = "Somewhere"
season = "2024"
crop = "wheat"
variety = "Jimai 22"
previous_crop = "maize"
soil = "loam"

[analysis]
protocol = "cn-yield-test"
standard_moisture_pct = 12.5
moisture_method = "dry_matter"
unit = "kg/mu"
control = ["CK1", "CK2"]
design = "rcbd"
alpha = 0.05
letters = "LSD"
margin_pct = 5

[columns]
"小区" = "plot_id"

[[treatments]]
label = "CK1"
description = "full rate"
product = "15-15-15"
rate = 50
rate_unit = "kg/mu"
n_rate_kg_ha = 112.5

[panel]
members = ["A", "B"]
date = "2024-06-12"
"""


def test_full_file_parses_every_field(tmp_path: Path) -> None:
    """Every documented key lands in its TrialConfig field."""
    path = tmp_path / "trial.toml"
    path.write_text(FULL, encoding="utf-8")
    cfg = TrialConfig.from_file(path)
    assert (cfg.trial_id, cfg.crop, cfg.variety, cfg.previous_crop) == (
        "t1",
        "wheat",
        "Jimai 22",
        "maize",
    )
    assert cfg.standard_moisture_pct == 12.5  # as written in FULL
    assert cfg.control == ("CK1", "CK2")
    assert cfg.letters == "lsd"  # normalised to lower case
    assert cfg.margin_pct == 5.0
    assert dict(cfg.columns) == {"小区": "plot_id"}
    assert cfg.panel_members == ("A", "B")
    assert cfg.source == str(path)


def test_treatment_extra_keys_are_kept() -> None:
    """Keys beyond label/description/product/rate/rate_unit go to ``extra``."""
    cfg = TrialConfig.from_text(FULL)
    info = cfg.treatment("CK1")
    assert info is not None and info.rate == 50.0  # rate = 50 in FULL
    assert info.extra == {"n_rate_kg_ha": 112.5}
    assert cfg.has_fertilizer_rates


def test_every_field_is_optional() -> None:
    """An empty file is a valid (empty) description."""
    cfg = TrialConfig.from_text("")
    assert cfg == TrialConfig()
    assert load_config(None) == TrialConfig()


def test_broken_toml_names_file_and_line(tmp_path: Path) -> None:
    """Invalid TOML raises DataValidationError with the file, the line and the TOML error."""
    path = tmp_path / "broken.toml"
    path.write_text('[trial]\ncrop = "wheat"\n[analysis\n', encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"broken\.toml.*line 3.*Expected"):
        TrialConfig.from_file(path)


def test_unknown_key_is_an_error() -> None:
    """A misspelt key is refused, naming it and the allowed keys."""
    with pytest.raises(DataValidationError, match="'contol'.*allowed"):
        TrialConfig.from_text('[analysis]\ncontol = "CK"\n')


def test_unknown_table_is_an_error() -> None:
    """A misspelt table is refused."""
    with pytest.raises(DataValidationError, match="'anaylsis'"):
        TrialConfig.from_text('[anaylsis]\ncontrol = "CK"\n')


def test_alpha_must_be_a_probability() -> None:
    """An alpha of 5 (percent by mistake) is refused."""
    with pytest.raises(DataValidationError, match="alpha"):
        TrialConfig.from_text("[analysis]\nalpha = 5\n")


def test_override_ignores_none_and_splits_comma_lists() -> None:
    """CLI flags replace file values; flags not given (None) keep them."""
    cfg = TrialConfig.from_text(FULL).override(control=["CK1,T"], unit=None, margin_pct=3)
    assert cfg.control == ("CK1", "T")
    assert cfg.unit == "kg/mu"  # kept from the file
    assert cfg.margin_pct == 3.0


def test_published_figures_keep_reported_text() -> None:
    """[[published]] keeps the reported figure as text so its decimals are known."""
    cfg = TrialConfig.from_file(example_path("jinzhong-2024", "trial.toml"))
    (fig,) = cfg.published
    # the Jinzhong 2024 figures: 442 kg/mu at 5 % reported as 477.36 kg/mu at 13 %
    assert (fig.treatment, fig.yield_value, fig.moisture_pct, fig.reported) == (
        "T",
        442.0,
        5.0,
        "477.36",
    )


def test_shipped_descriptions_parse() -> None:
    """Both shipped trial.toml files are valid."""
    for name in ("jinzhong-2024", "replicated-rcbd"):
        cfg = TrialConfig.from_file(example_path(name, "trial.toml"))
        assert cfg.crop == "wheat"
        assert cfg.control == ("CK1", "CK2")


def test_to_dict_is_json_ready() -> None:
    """to_dict gives plain lists and dicts."""
    import json

    text = json.dumps(TrialConfig.from_text(FULL).to_dict(), ensure_ascii=False)
    assert '"control": ["CK1", "CK2"]' in text


# --------------------------------------------------------------------------- designs


def test_factors_by_role_become_factors() -> None:
    """whole_plot = "irrigation" in a split plot is factors = ("irrigation",)."""
    cfg = TrialConfig.from_text('[analysis]\ndesign = "split_plot"\nwhole_plot = "irrigation"\n')
    assert (cfg.design, cfg.factors) == ("split_plot", ("irrigation",))


def test_two_factor_roles_in_design_order() -> None:
    """factor_b before factor_a in the file still gives (factor_a, factor_b)."""
    text = '[analysis]\ndesign = "factorial"\nfactor_b = "rate"\nfactor_a = "product"\n'
    assert TrialConfig.from_text(text).factors == ("product", "rate")


def test_factors_list_accepted() -> None:
    """A factors list is kept in order."""
    text = '[analysis]\ndesign = "strip_plot"\nfactors = ["tillage", "n_rate"]\n'
    assert TrialConfig.from_text(text).factors == ("tillage", "n_rate")


def test_role_of_another_design_is_refused() -> None:
    """A strip-plot role in a split plot is refused, naming the roles it takes."""
    text = '[analysis]\ndesign = "split_plot"\nhorizontal = "tillage"\n'
    with pytest.raises(DataValidationError, match="takes whole_plot"):
        TrialConfig.from_text(text)


def test_role_without_two_factor_design_is_refused() -> None:
    """whole_plot without a two-factor design asks for the design."""
    with pytest.raises(DataValidationError, match='design = "split_plot"'):
        TrialConfig.from_text('[analysis]\nwhole_plot = "tillage"\n')


def test_factors_and_roles_together_refused() -> None:
    """Both a factors list and a role key at once are ambiguous."""
    text = '[analysis]\ndesign = "split_plot"\nfactors = ["a"]\nwhole_plot = "b"\n'
    with pytest.raises(DataValidationError, match="not both"):
        TrialConfig.from_text(text)


def test_unknown_design_refused() -> None:
    """An unknown design is refused with the list of designs."""
    with pytest.raises(DataValidationError, match="latin, split_plot"):
        TrialConfig.from_text('[analysis]\ndesign = "rcb"\n')


def test_design_columns_are_renamed() -> None:
    """row/column/block name plot-table columns, renamed on reading."""
    text = (
        '[analysis]\ndesign = "latin"\nrow = "batch"\ncolumn = "operator"\n'
        '[columns]\ny = "yield_kg_ha"\n'
    )
    assert TrialConfig.from_text(text).column_renames() == {
        "y": "yield_kg_ha",
        "batch": "row",
        "operator": "column",
    }


# --- a TrialConfig built in Python gets trial.toml's checks and messages (after "TrialConfig")


def _toml_message(text: str) -> str:
    """Return the message a trial.toml with ``text`` gets, without the file's name."""
    with pytest.raises(DataValidationError) as caught:
        TrialConfig.from_text(text, source="trial.toml")
    return str(caught.value).removeprefix("'trial.toml'")


def test_python_conditions_soil_ph_out_of_range_gets_the_toml_message() -> None:
    expected = _toml_message("[conditions]\nsoil_ph = 99\n")
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(conditions={"soil_ph": 99})
    assert str(caught.value) == "TrialConfig" + expected


def test_python_conditions_impossible_sowing_date_gets_the_toml_message() -> None:
    expected = _toml_message('[conditions]\nsowing_date = "2024-13-45"\n')
    with pytest.raises(DataValidationError, match="there is no month 13") as caught:
        TrialConfig(conditions={"sowing_date": "2024-13-45"})
    assert str(caught.value) == "TrialConfig" + expected


def test_python_conditions_unknown_key_is_refused_naming_it() -> None:
    with pytest.raises(DataValidationError, match=r"unknown key 'soil_pH' in \[conditions\]"):
        TrialConfig(conditions={"soil_pH": 7.1})


def test_python_conditions_valid_values_are_kept() -> None:
    conditions = {"soil_ph": 7.1, "sowing_date": "2023-10-08", "seeding_rate": "15 kg/mu"}
    assert dict(TrialConfig(conditions=conditions).conditions) == conditions


def test_python_conditions_that_are_not_a_dict_are_refused() -> None:
    with pytest.raises(DataValidationError, match=r"conditions = 'soil_ph=7'; expected a dict"):
        TrialConfig(conditions="soil_ph=7")  # type: ignore[arg-type]


def test_python_treatment_negative_rate_gets_the_toml_message() -> None:
    from yieldtrial.config import TreatmentInfo

    expected = _toml_message('[[treatments]]\nlabel = "A"\nrate = -3\n')
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(treatments=(TreatmentInfo("A", rate=-3),))
    assert str(caught.value) == "TrialConfig" + expected


def test_python_treatment_nan_rate_is_refused() -> None:
    from yieldtrial.config import TreatmentInfo

    with pytest.raises(DataValidationError, match="rate = nan; expected a finite number"):
        TrialConfig(treatments=(TreatmentInfo("A", rate=float("nan")),))


def test_python_treatment_unknown_rate_unit_gets_the_toml_message() -> None:
    from yieldtrial.config import TreatmentInfo

    expected = _toml_message('[[treatments]]\nlabel = "A"\nrate = 3\nrate_unit = "bushels"\n')
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(treatments=(TreatmentInfo("A", rate=3, rate_unit="bushels"),))
    assert str(caught.value) == "TrialConfig" + expected


def test_python_economics_negative_grain_price_gets_the_toml_message() -> None:
    expected = _toml_message("[economics]\ngrain_price_per_kg = -1\n")
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(economics={"grain_price_per_kg": -1})
    assert str(caught.value) == "TrialConfig" + expected


def test_python_alpha_as_text_gets_the_toml_message() -> None:
    expected = _toml_message('[analysis]\nalpha = "0.05"\n')
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(alpha="0.05")  # type: ignore[arg-type]
    assert str(caught.value) == "TrialConfig" + expected


def test_toml_crop_typo_names_the_file_and_the_closest_crop() -> None:
    with pytest.raises(DataValidationError) as caught:
        TrialConfig.from_text('[trial]\ncrop = "wheet"\n', source="trial.toml")
    assert str(caught.value).startswith(
        "'trial.toml': unknown crop 'wheet' (did you mean 'wheat'?); known crops"
    )


def test_python_crop_typo_gets_the_toml_message() -> None:
    expected = _toml_message('[trial]\ncrop = "wheet"\n')
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(crop="wheet")
    assert str(caught.value) == "TrialConfig" + expected


def test_python_published_nan_yield_gets_the_toml_message() -> None:
    from yieldtrial.config import PublishedFigure

    expected = _toml_message("[[published]]\nyield = nan\nmoisture_pct = 5\n")
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(published=(PublishedFigure(None, yield_value=float("nan"), moisture_pct=5),))
    assert str(caught.value) == "TrialConfig" + expected


def test_python_zh_unknown_key_gets_the_toml_message() -> None:
    expected = _toml_message('[zh]\ntitel = "试验"\n')
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(zh={"titel": "试验"})
    assert str(caught.value) == "TrialConfig" + expected


def test_python_zh_that_is_not_a_dict_is_refused() -> None:
    with pytest.raises(DataValidationError, match=r"TrialConfig: zh = '试验'; expected a dict"):
        TrialConfig(zh="试验")  # type: ignore[arg-type]


def test_python_contrast_without_versus_gets_the_toml_message() -> None:
    expected = _toml_message('[[contrasts]]\nname = "synergist"\ntreatment = "T"\n')
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(contrasts=({"name": "synergist", "treatment": "T"},))
    assert str(caught.value) == "TrialConfig" + expected


def test_python_exclusion_without_a_reason_gets_the_toml_message() -> None:
    # (plot, None) was stored as the reason 'None' and printed in the report
    expected = _toml_message('[[exclude]]\nplot = "102"\n')
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(exclude=(("102", None),))  # type: ignore[arg-type]
    assert str(caught.value) == "TrialConfig" + expected


def test_python_exclusion_that_is_not_a_pair_is_refused() -> None:
    with pytest.raises(DataValidationError, match=r"exclude entry 1 = 5; expected a \(plot, "):
        TrialConfig(exclude=(5,))  # type: ignore[arg-type]


def test_python_exclusions_are_read_as_the_toml_ones() -> None:
    import numpy as np

    from_toml = TrialConfig.from_text('[[exclude]]\nplot = 102\nreason = " lodged "\n').exclude
    assert TrialConfig(exclude=((np.int64(102), " lodged "),)).exclude == from_toml
    assert from_toml == (("102", "lodged"),)


def test_toml_panel_date_that_the_calendar_lacks_is_refused_as_conditions_dates_are() -> None:
    # [panel] date was printed as given; the [conditions] dates' rule and message (io.dates)
    assert _toml_message('[panel]\ndate = "2024-13-45"\n') == (
        ": [panel]: date = '2024-13-45' is not a calendar date (there is no month 13); write "
        'the date as year-month-day, e.g. date = "2023-10-08".'
    )


def test_python_panel_date_gets_the_toml_message() -> None:
    expected = _toml_message('[panel]\ndate = "10/08/2023"\n')
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(panel_date="10/08/2023")
    assert str(caught.value) == "TrialConfig" + expected


def test_python_illustrative_without_its_value_names_the_trialconfig_not_a_file() -> None:
    # a TrialConfig has no file: "for which the file gives no value ... Add site to [trial]"
    conditions = {"illustrative": ["soil_ph", "site"], "sowing_date": "2023-10-08"}
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(conditions=conditions)
    assert str(caught.value) == (
        "TrialConfig: [conditions]: illustrative lists 'soil_ph', 'site', for which the "
        "TrialConfig gives no value, so nothing would be marked; given: 'sowing_date'. Add "
        "site to TrialConfig and soil_ph to conditions, or take them out of illustrative."
    )


def test_trialconfig_is_unhashable_by_name_and_compares_by_value() -> None:
    """``hash(TrialConfig())`` said "unhashable type: 'dict'" (its first dict field).

    Decided in stop 48: not hashable (its tables are nested dicts; see the class Notes),
    said by the class itself; ``==`` compares field by field.
    """
    from collections.abc import Hashable

    config = TrialConfig(crop="wheat", economics={"grain_price_per_kg": 2.5})
    assert not isinstance(config, Hashable)
    with pytest.raises(TypeError, match=r"unhashable type: 'TrialConfig'"):
        hash(config)
    assert config == TrialConfig(crop="wheat", economics={"grain_price_per_kg": 2.5})


def test_quoted_grain_price_gets_the_numbers_without_quotes_hint() -> None:
    """``grain_price_per_kg = "2.5"`` got "[economics] needs grain_price_per_kg = <number>".

    The other numbers of trial.toml say the value is text and how to write it (stop 48).
    """
    message = _toml_message('[economics]\ngrain_price_per_kg = "2.5"\n')
    assert message == (
        ": [economics]: grain_price_per_kg = '2.5' is text; write the number without quotes "
        "(grain_price_per_kg = 2.5); grain_price_per_kg must be in [0, 1e+09]."
    )


@pytest.mark.parametrize("blank", ['""', '" "'])
def test_blank_design_column_is_refused_alike(blank: str) -> None:
    """``block = ""`` was ignored while ``block = " "`` failed at reading: one rule (stop 48)."""
    message = _toml_message(f"[analysis]\nblock = {blank}\n")
    assert message == (
        f": [analysis] block = {blank.replace(chr(34), chr(39))} names no column (it is blank); "
        'give the plot table\'s block column, e.g. block = "rep", or leave block out when the '
        "column is named block."
    )


@pytest.mark.parametrize("blank", ["", " "])
def test_blank_design_column_in_python_is_refused_as_in_trial_toml(blank: str) -> None:
    """``TrialConfig(block="")`` was kept (and ignored) while the file's was refused (stop 49).

    The message is the file's, after ``TrialConfig`` (as the other table checks say it).
    """
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(block=blank)
    assert str(caught.value) == (
        f"TrialConfig: [analysis] block = {blank!r} names no column (it is blank); give the plot "
        'table\'s block column, e.g. block = "rep", or leave block out when the column is '
        "named block."
    )


def test_blank_design_column_given_to_override_names_the_call() -> None:
    with pytest.raises(DataValidationError, match=r"^TrialConfig\.override: \[analysis\] row = ''"):
        TrialConfig(crop="wheat").override(row="")


def test_price_of_a_product_no_treatment_names_warns() -> None:
    """A price no ``[[treatments]]`` product uses was ignored silently (stop 48)."""
    from yieldtrial.errors import YieldTrialWarning

    text = (
        '[economics]\ngrain_price_per_kg = 2.4\nprices = { "Urea" = 2.0, "DCD" = 40 }\n\n'
        '[[treatments]]\nlabel = "T"\nproduct = "urea"\n'
        'products = [{ product = "DCD", rate = 0.3, rate_unit = "kg/mu" }]\n'
    )
    with pytest.warns(YieldTrialWarning) as caught:
        TrialConfig.from_text(text, source="trial.toml")
    assert [str(w.message) for w in caught] == [
        "'trial.toml': [economics] prices gives a price for 'Urea', which no [[treatments]] "
        "table names as its product, so it is not used (the products: 'urea', 'DCD'); check "
        "the spelling against product = ..., or remove it"
    ]


def test_price_of_a_product_no_treatment_names_warns_in_python_too() -> None:
    """``TrialConfig(economics={"prices": ...})`` was silent where trial.toml warns (stop 49)."""
    from yieldtrial.config import TreatmentInfo
    from yieldtrial.errors import YieldTrialWarning

    with pytest.warns(YieldTrialWarning) as caught:
        config = TrialConfig(
            economics={"grain_price_per_kg": 2.4, "prices": {"Urea": 2.0}},
            treatments=(TreatmentInfo("T", product="urea"),),
        )
    assert [str(w.message) for w in caught] == [
        "TrialConfig: [economics] prices gives a price for 'Urea', which no [[treatments]] "
        "table names as its product, so it is not used (the products: 'urea'); check the "
        "spelling against product = ..., or remove it"
    ]
    assert caught[0].filename == __file__  # the line that made it, not dataclasses' __init__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        config.override(margin_pct=5)  # said once, when the description was made


def test_treatment_key_typo_warns_naming_entry_key_and_fix() -> None:
    """``descriptions = ...`` was kept in ``extra`` and lost from the report (fuzz, tidy58)."""
    from yieldtrial.errors import YieldTrialWarning

    text = '[[treatments]]\nlabel = "CK"\n\n[[treatments]]\nlabel = "T"\ndescriptions = "urea"\n'
    with pytest.warns(YieldTrialWarning) as caught:
        config = TrialConfig.from_text(text, source="trial.toml")
    assert [str(w.message) for w in caught] == [
        "'trial.toml': [[treatments]] entry 2 (label 'T') has the key 'descriptions', which "
        "looks like a typo of 'description': it is kept as further data "
        "(TreatmentInfo.extra), not read as 'description'; rename the key to 'description'"
    ]
    assert config.treatments[1].extra == {"descriptions": "urea"}  # kept, as documented


def test_treatment_key_typo_warns_in_python_with_the_same_text() -> None:
    """``TrialConfig(treatments=...)``: trial.toml's text after ``TrialConfig``, said once."""
    from yieldtrial.config import TreatmentInfo
    from yieldtrial.errors import YieldTrialWarning

    with pytest.warns(YieldTrialWarning) as caught:
        config = TrialConfig(treatments=(TreatmentInfo("CK", extra={"Rate-Unit": "kg/mu"}),))
    assert [str(w.message) for w in caught] == [
        "TrialConfig: [[treatments]] entry 1 (label 'CK') has the key 'Rate-Unit', which "
        "looks like a typo of 'rate_unit': it is kept as further data (TreatmentInfo.extra), "
        "not read as 'rate_unit'; rename the key to 'rate_unit'"
    ]
    assert caught[0].filename == __file__  # the line that made it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        config.override(alpha=0.01)  # said once, when the description was made


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("descriptions", "description"),
        ("descripton", "description"),
        ("prodcut", "product"),
        ("Product", "product"),
        ("rates", "rate"),
        ("rate_units", "rate_unit"),
        ("rate status", "rate_status"),
        ("products_zh", "product_zh"),
        ("grades", "grade"),
        # keys of one's own and keys the efficiency section reads: silent
        ("date", None),
        ("notes", None),
        ("n_rate_kg_ha", None),
        ("relative_rate_pct", None),
        ("price_per_kg", None),
        ("contains", None),
        ("products", None),
    ],
)
def test_treatment_key_typo_rule(key: str, meant: str | None) -> None:
    """One edit from a key yieldtrial reads (or its case, ``-``, space), not a key of its own."""
    from yieldtrial.config import _treatment_key_typo

    assert _treatment_key_typo(key) == meant


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('[economics]\ngrain_price_per_kg = 2.4\nstatus = "illustrativ"\n', "status"),
        ('[[treatments]]\nlabel = "T"\nrate_status = "measured"\n', "rate_status"),
    ],
)
def test_status_other_than_illustrative_is_refused(text: str, name: str) -> None:
    """A status other than the one documented value was ignored: no mark (stop 48)."""
    message = _toml_message(text)
    assert f"{name} = " in message and f'the one {name} is "illustrative"' in message
    if name == "status":
        assert "(did you mean 'illustrative'?)" in message


def test_no_fertilizer_spec_key_is_taken_for_a_treatment_key_typo() -> None:
    """Every key efficiency.products reads is its own key, never a typo's suggestion.

    config.py does not import efficiency (a later stage), so this test holds the two lists
    together: a spec key read as a typo would warn on every nutrient trial.
    """
    from yieldtrial.config import _TREATMENT_READ_KEYS, _treatment_key_typo
    from yieldtrial.efficiency.products import _SPEC_KEYS

    flagged = [k for k in _SPEC_KEYS if k not in _TREATMENT_READ_KEYS and _treatment_key_typo(k)]
    assert flagged == []
