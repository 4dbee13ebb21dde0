"""FieldTrial: construction, settings, yields, description, shipped examples."""

from __future__ import annotations

import dataclasses
import hashlib
import warnings

import numpy as np
import pandas as pd
import pytest

from fieldbook_data import alpha_sites
from yieldtrial import FieldTrial, datasets
from yieldtrial.errors import DataValidationError, YieldTrialWarning

M2_PER_MU = 10000 / 15


def rcbd_plots() -> pd.DataFrame:
    """Two treatments in two blocks, 20 m2 plots."""
    return pd.DataFrame(
        {
            "plot_id": ["1", "2", "3", "4"],
            "treatment": ["T", "CK", "CK", "T"],
            "block": ["1", "1", "2", "2"],
            "harvested_area_m2": [20.0] * 4,
            "fresh_mass_kg": [15.1, 14.0, 13.6, 15.3],
            "moisture_pct": [15.2, 15.0, 14.8, 15.0],
        }
    )


def jinzhong_t() -> pd.DataFrame:
    """Return the published Jinzhong figure: 442 kg on 1 mu at 5 % moisture."""
    return pd.DataFrame(
        {
            "plot_id": ["3"],
            "treatment": ["T"],
            "harvested_area_mu": [1.0],
            "fresh_mass_kg": [442.0],
            "moisture_pct": [5.0],
        }
    )


def test_defaults_from_protocol_and_blocks():
    """Standard moisture comes from the protocol; a block column means RCBD."""
    trial = FieldTrial.from_dataframe(rcbd_plots(), crop="小麦", control="CK")
    assert trial.crop == "wheat"
    assert trial.standard_moisture_pct == 13.0  # cn-yield-test wheat 13 % (domain-standards §1.2)
    assert trial.design == "rcbd"
    assert trial.has_blocks
    assert trial.response == "yield_kg_ha"


def test_design_crd_without_blocks():
    """Without a block column the design is CRD."""
    trial = FieldTrial.from_dataframe(rcbd_plots().drop(columns="block"), crop="wheat")
    assert trial.design == "crd"
    assert not trial.has_blocks


def test_design_override_and_rcbd_needs_blocks():
    """design= overrides the inferred design; 'rcbd' without blocks is an error."""
    with pytest.warns(YieldTrialWarning, match="design 'crd' ignores the block column"):
        crd = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", design="crd")
    assert crd.design == "crd"
    with pytest.raises(DataValidationError, match="design 'rcbd' needs a block column"):
        FieldTrial.from_dataframe(rcbd_plots().drop(columns="block"), crop="wheat", design="rcbd")
    with pytest.raises(DataValidationError, match="unknown design 'alpha_lattice'"):
        FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", design="alpha_lattice")
    with pytest.raises(DataValidationError, match="design 'latin' needs row and column"):
        FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", design="latin")


def test_yields_dry_matter_by_hand():
    """Plot yield = mass x (100 - M)/(100 - 13) / area, hand-derived for plot '2'."""
    table = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat").yields()
    row = table.set_index("plot_id").loc["2"]
    # 14.0 kg x (100 - 15)/(100 - 13) = 13.67816 kg; / 20 m2 x 10000 = 6839.08 kg/ha
    assert row["standardized_mass_kg"] == pytest.approx(14.0 * 85 / 87)
    assert row["yield_kg_ha"] == pytest.approx(14.0 * 85 / 87 / 20 * 10000)
    assert row["standard_moisture_pct"] == 13.0
    assert row["moisture_method"] == "dry_matter"


def test_yields_extra_unit_column():
    """yields(unit='kg/mu') adds yield_kg_mu = yield_kg_ha / 15."""
    table = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat").yields(unit="kg/mu")
    np.testing.assert_allclose(table["yield_kg_mu"], table["yield_kg_ha"] / 15)  # 15 mu = 1 ha


def test_jinzhong_dry_matter_and_percentage_point():
    """442 kg/mu at 5 % -> 482.64 (dry matter) and 477.36 (percentage point) at 13 %."""
    with pytest.warns(YieldTrialWarning, match="plausible harvest range for wheat"):
        trial = FieldTrial.from_dataframe(jinzhong_t(), crop="wheat", unit="kg/mu")
    # 442 x 95/87 = 482.6437 (domain-standards §0)
    assert trial.yields()["yield_kg_mu"].iloc[0] == pytest.approx(442 * 95 / 87)
    with pytest.warns(YieldTrialWarning):
        shortcut = trial.replace(moisture_method="percentage_point")
    # 442 x (1 + 0.08) = 477.36, the published figure (domain-standards §0)
    assert shortcut.yields()["yield_kg_mu"].iloc[0] == pytest.approx(477.36)


def test_hebei_maize_ears_with_shelling():
    """Hebei maize: 1622.24 kg ears on 1 mu, 82.42 % shelling, 30.73 % -> 1076.95 kg/mu at 14 %."""
    frame = pd.DataFrame(
        {
            "plot_id": ["1"],
            "treatment": ["T"],
            "面积(亩)": [1.0],
            "果穗鲜重(kg)": [1622.24],
            "含水量": [30.73],
            "出籽率": [82.42],
        }
    )
    trial = FieldTrial.from_dataframe(frame, crop="玉米", unit="kg/mu")
    assert trial.standard_moisture_pct == 14.0
    # published 1076.95 kg/mu (domain-standards §1.2, Longhua county report)
    assert round(trial.yields()["yield_kg_mu"].iloc[0], 2) == 1076.95


def test_standard_moisture_override_and_usda_protocol():
    """An explicit standard moisture wins; protocol='usda' gives wheat 13.5 %."""
    assert (
        FieldTrial.from_dataframe(
            rcbd_plots(), crop="wheat", standard_moisture_pct=12.5
        ).standard_moisture_pct
        == 12.5
    )
    # usda wheat 13.5 % (domain-standards §2.2)
    assert (
        FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", protocol="usda").standard_moisture_pct
        == 13.5
    )


def test_bad_settings_are_errors():
    """Unknown protocol and method, and an out-of-range standard moisture, are errors."""
    with pytest.raises(DataValidationError, match="unknown protocol 'gb'"):
        FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", protocol="gb")
    with pytest.raises(DataValidationError, match="unknown moisture_method 'linear'"):
        FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", moisture_method="linear")
    with pytest.raises(DataValidationError, match="standard_moisture_pct must be in"):
        FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", standard_moisture_pct=100)


def test_control_not_a_treatment():
    """A control label not among the treatments is an error listing those present."""
    with pytest.raises(
        DataValidationError,
        match=r"control 'CK1' is not a treatment .* "
        r"treatments present: 'T', 'CK'",
    ):
        FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", control="CK1")


def test_treatment_order_is_the_file_order():
    """No order given and not randomized: the order of first appearance, controls in place."""
    frame = rcbd_plots().assign(treatment=["T", "CK2", "CK1", "T"])
    trial = FieldTrial.from_dataframe(frame, crop="wheat", control=["CK1", "CK2"])
    assert trial.control == ("CK1", "CK2")
    assert trial.treatment_order == ("T", "CK2", "CK1")
    assert trial.treatments == ("T", "CK2", "CK1")


def test_treatment_order_of_a_randomized_book_is_natural_not_control_first():
    """Blocks list the treatments in different orders: natural sort (T2 < T10), control in place."""
    frame = pd.DataFrame(
        {
            "plot_id": [str(i) for i in range(1, 7)],
            "block": ["1"] * 3 + ["2"] * 3,
            "treatment": ["T10", "T2", "ZCK", "T2", "ZCK", "T10"],
            "yield_kg_ha": [6100.0, 6000.0, 5800.0, 6050.0, 5850.0, 6150.0],
        }
    )
    trial = FieldTrial.from_dataframe(frame, crop="wheat", control="ZCK")
    assert trial.treatment_order == ("T2", "T10", "ZCK")
    assert trial.means_model().levels == ("T2", "T10", "ZCK")


def test_treatment_order_override_checked():
    """An explicit order must list every treatment once."""
    trial = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", treatment_order=["T", "CK"])
    assert trial.treatment_order == ("T", "CK")
    with pytest.raises(DataValidationError, match="treatment_order must list each treatment"):
        FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", treatment_order=["T"])


def test_input_not_mutated():
    """Building a trial and computing yields leaves the input DataFrame unchanged."""
    frame = rcbd_plots().rename(columns={"moisture_pct": "水分"})
    before = frame.copy(deep=True)
    trial = FieldTrial.from_dataframe(frame, crop="wheat")
    trial.yields(unit="kg/mu")
    pd.testing.assert_frame_equal(frame, before)


def test_yields_returns_new_table():
    """yields() never modifies the stored plots."""
    trial = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat")
    columns = list(trial.plots.columns)
    table = trial.yields()
    table["yield_kg_ha"] = 0.0
    assert list(trial.plots.columns) == columns


def test_frozen_and_metadata_read_only():
    """Fields cannot be reassigned and metadata cannot be changed."""
    trial = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", metadata={"site": "Jinzhong"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        trial.crop = "maize"  # type: ignore[misc]
    with pytest.raises(TypeError):
        trial.metadata["site"] = "x"  # type: ignore[index]
    assert trial.metadata["site"] == "Jinzhong"


def test_direct_construction_validates():
    """FieldTrial(...) validates a raw table like the classmethods do."""
    frame = rcbd_plots().rename(columns={"plot_id": "小区号"})
    trial = FieldTrial(frame, crop="wheat", control=("CK",))
    assert "plot_id" in trial.plots.columns
    with pytest.raises(DataValidationError, match="duplicate plot ids"):
        FieldTrial(rcbd_plots().assign(plot_id="1"), crop="wheat")


def test_from_csv_records_source_and_hash(tmp_path):
    """from_csv keeps the path and the SHA-256 of the file."""
    path = tmp_path / "plots.csv"
    rcbd_plots().to_csv(path, index=False)
    trial = FieldTrial.from_csv(path, crop="wheat", control="CK")
    assert trial.source == path
    assert trial.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_from_csv_gbk_chinese(data_dir):
    """A GBK CSV with Chinese headers gives hand-checkable yields."""
    trial = FieldTrial.from_csv(data_dir / "plots_gbk_chinese.csv", crop="小麦", control="对照")
    row = trial.yields().set_index("plot_id").loc["101"]
    # 24.2 jin = 12.1 kg; x (1 - 0.015) x (100 - 14.2)/(100 - 13) = 11.75411 kg; /20 m2 x 10000
    assert row["yield_kg_ha"] == pytest.approx(12.1 * 0.985 * 85.8 / 87 / 20 * 10000)


def test_missing_plots_and_replication(data_dir):
    """An empty mass is a missing plot; with it, 处理1 has one yield and is not replicated."""
    trial = FieldTrial.from_csv(data_dir / "plots_gbk_chinese.csv", crop="wheat")
    assert trial.missing_plots["plot_id"].tolist() == ["202"]
    assert np.isnan(trial.yields().set_index("plot_id").loc["202", "yield_kg_ha"])
    assert trial.n_plots == 4
    assert not trial.is_replicated


def test_is_replicated():
    """Two plots with a yield for every treatment is replicated."""
    assert FieldTrial.from_dataframe(rcbd_plots(), crop="wheat").is_replicated


def test_yield_column_input():
    """A yield_kg_mu column is used as the (already standardized) yield."""
    frame = pd.DataFrame({"plot": ["1", "2"], "trt": ["CK", "T"], "亩产(kg)": [450.0, 480.0]})
    table = FieldTrial.from_dataframe(frame, crop="wheat").yields()
    assert table["yield_kg_ha"].tolist() == pytest.approx([6750.0, 7200.0])  # x 15 mu/ha
    assert table["moisture_method"].tolist() == ["given", "given"]
    assert "standardized_mass_kg" not in table


def test_bushel_yield_input_uses_crop():
    """yield_bu_ac converts with the crop's bushel weight (wheat 60 lb)."""
    frame = pd.DataFrame({"plot_id": ["1"], "treatment": ["T"], "yield_bu_ac": [100.0]})
    table = FieldTrial.from_dataframe(frame, crop="wheat").yields()
    # 100 bu/ac x 60 lb x 0.45359237 kg/lb / 0.40468564224 ha = 6725.1 kg/ha
    assert table["yield_kg_ha"].iloc[0] == pytest.approx(100 * 60 * 0.45359237 / 0.40468564224)


def test_implausible_yield_warns_about_units():
    """An area in mu read as m2 gives > 40 t/ha and a warning about the units."""
    frame = jinzhong_t().rename(columns={"harvested_area_mu": "harvested_area_m2"})
    with pytest.warns(YieldTrialWarning) as record:
        FieldTrial.from_dataframe(frame, crop="wheat")
    assert any("is the area in mu or ha but read as m2" in str(w.message) for w in record)


def test_repr_and_html():
    """The repr and the notebook HTML summarise crop, moisture, treatments, control, design."""
    trial = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", control="CK")
    assert repr(trial).startswith("FieldTrial(crop='wheat', protocol='cn-yield-test'")
    html = trial._repr_html_()
    assert "<table>" in html and "13 % (dry matter)" in html and "CK, T" in html
    assert "rcbd" in html


def test_replace_changes_settings():
    """replace() returns a new trial; changing the crop looks the standard up again."""
    trial = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat")
    maize = trial.replace(crop="maize")
    assert maize.standard_moisture_pct == 14.0  # cn-yield-test maize 14 %
    assert trial.standard_moisture_pct == 13.0


def test_replace_unknown_setting_lists_the_settings():
    """replace(moisture=...) is a DataValidationError naming the settings, not a TypeError."""
    trial = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat")
    with pytest.raises(DataValidationError, match=r"'moisture'.*settings: plots, crop, control"):
        trial.replace(moisture=14.0)


def test_metadata_that_is_not_a_mapping_is_refused():
    """metadata=["a"] is a DataValidationError, not dict()'s ValueError."""
    with pytest.raises(DataValidationError, match="metadata must be a mapping"):
        FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", metadata=["a"])


def test_list_and_path_of_examples():
    """The Jinzhong example ships its plots and README."""
    assert "jinzhong-2024" in datasets.list_examples()
    assert datasets.example_path("jinzhong-2024", "README.md").is_file()
    with pytest.raises(DataValidationError, match="no example named 'nope'; examples shipped"):
        datasets.example_path("nope")


def test_load_example_jinzhong():
    """The Jinzhong example: T published, controls illustrative, 5 % moisture warns."""
    with pytest.warns(YieldTrialWarning, match="wheat"):
        trial = datasets.load_example("jinzhong-2024")
    table = trial.yields()
    assert trial.control == ("CK1", "CK2")
    assert trial.unit == "kg/mu"
    status = dict(zip(table["treatment"], table["data_status"], strict=True))
    assert status == {"CK1": "illustrative", "CK2": "illustrative", "T": "published"}
    t_row = table.set_index("treatment").loc["T"]
    assert t_row["yield_kg_mu"] == pytest.approx(442 * 95 / 87)  # 482.64 (domain-standards §0)
    assert not trial.is_replicated


def test_numeric_treatment_codes_and_control():
    """Treatment codes 1, 2 are text labels; control=1 matches '1'."""
    frame = rcbd_plots().assign(treatment=[2, 1, 1, 2])
    trial = FieldTrial.from_dataframe(frame, crop="wheat", control=1)
    assert trial.control == ("1",)
    assert trial.treatment_order == ("1", "2")


# --- replication, sites and empty treatments (tester's issues) ---------------------------


def rcbd_3x3(missing: tuple[str, ...] = ()) -> pd.DataFrame:
    """Three treatments x three blocks of yields; ``missing`` plot ids have an empty yield."""
    frame = pd.DataFrame(
        {
            "plot_id": [f"{b}0{t}" for b in (1, 2, 3) for t in (1, 2, 3)],
            "block": [str(b) for b in (1, 2, 3) for _ in range(3)],
            "treatment": ["CK", "T1", "T2"] * 3,
            "yield_kg_ha": [6000.0, 6400.0, 6900.0, 6100.0, 6350.0, 7000.0, 5900.0, 6500.0, 6800],
        }
    )
    frame.loc[frame["plot_id"].isin(missing), "yield_kg_ha"] = np.nan
    return frame


def two_sites() -> pd.DataFrame:
    """Sites A and B, each an RCBD of CK and T in blocks '1' and '2' (plot ids repeat)."""
    one = rcbd_3x3().query("treatment != 'T2' and block != '3'")
    return pd.concat(
        [one.assign(site="A"), one.assign(site="B", yield_kg_ha=one["yield_kg_ha"] + 900)],
        ignore_index=True,
    )


def test_is_replicated_when_missing_plots_leave_one_plot():
    """RCBD 3 x 3 with two T2 plots missing is still replicated: error df = 7 - 5 = 2."""
    import statsmodels.formula.api as smf

    frame = rcbd_3x3(missing=("103", "203"))
    trial = FieldTrial.from_dataframe(frame, crop="wheat", control="CK")
    # hand: 7 observed plots - rank (1 + 2 treatment + 2 block columns) = 2 error df
    fit = smf.ols("yield_kg_ha ~ C(treatment) + C(block)", data=frame.dropna()).fit()
    assert fit.df_resid == 2  # independent statsmodels count
    assert trial.is_replicated
    assert trial.anova().df_error == 2


def test_is_replicated_crd_with_one_single_plot_treatment():
    """CRD: CK x2, T1 x2, T2 x1 gives 5 - 3 = 2 error df, so replicated."""
    frame = rcbd_3x3().drop(columns="block")
    frame = frame[frame["plot_id"].isin(["101", "102", "103", "201", "202"])]
    trial = FieldTrial.from_dataframe(frame, crop="wheat", control="CK")
    assert trial.design == "crd" and trial.is_replicated  # hand: 5 plots - 3 means = 2 df


def test_is_replicated_false_for_one_plot_per_treatment():
    """One plot per treatment (a demonstration) has error df 0: not replicated."""
    frame = rcbd_3x3().query("block == '1'").drop(columns="block")
    assert not FieldTrial.from_dataframe(frame, crop="wheat").is_replicated  # 3 - 3 = 0


@pytest.mark.parametrize("control", [None, "CK"])
def test_treatment_with_every_plot_missing_is_an_error(control):
    """A treatment without any yield: the same error with or without a control, naming plots."""
    frame = rcbd_3x3(missing=("103", "203", "303"))
    trial = FieldTrial.from_dataframe(frame, crop="wheat", control=control)  # constructible
    message = r"treatment 'T2' \(plots '103', '203', '303'\) has no observed yield.*Delete its rows"
    with pytest.raises(DataValidationError, match=message):
        _ = trial.is_replicated
    with pytest.raises(DataValidationError, match=message):
        trial.anova()
    with pytest.raises(DataValidationError, match=message):
        trial.report()
    assert "no observed yield" in trial._repr_html_()


def test_many_treatments_without_a_yield_are_listed_up_to_five():
    """A field book filled in for one treatment: 5 empty treatments named, then a count.

    Every empty treatment was named with its plots: a 25-entry alpha lattice filled in for
    3 of its 50 plots gave a line of some 900 characters.
    """
    labels = ["CK", *(f"E{i}" for i in range(1, 8))]
    rows = []
    for block in (1, 2):
        for i, label in enumerate(labels):
            filled = label == "CK"
            rows.append({"plot_id": f"{block}0{i}", "block": str(block), "treatment": label,
                         "yield_kg_ha": 7000.0 + block if filled else None})  # fmt: skip
    trial = FieldTrial.from_dataframe(pd.DataFrame(rows), crop="wheat", control="CK")
    message = (
        r"treatments 'E1' \(plots '101', '201'\); .* 'E5' \(plots '105', '205'\) and 2 more "
        r"have no observed yield"
    )
    with pytest.raises(DataValidationError, match=message):
        trial.anova()


def test_several_sites_refused_by_single_trial_statistics():
    """A two-site table is not pooled: every statistics method names the sites and the fix."""
    trial = FieldTrial.from_dataframe(two_sites(), crop="wheat", control="CK")
    assert trial.sites == ("A", "B")
    message = r"2 sites \('A', 'B'\).*trial\.site\('A'\).*analyze_sites\(by='site'\).*--by site"
    calls = [
        lambda: trial.anova(),
        lambda: trial.means(),
        lambda: trial.compare_to_control(),
        lambda: trial.pairwise(),
        lambda: trial.diagnostics(),
        lambda: trial.means_model(),
        lambda: trial.is_replicated,
        lambda: trial.report(),
    ]
    for call in calls:
        with pytest.raises(DataValidationError, match=message):
            call()
    assert "2 sites" in trial._repr_html_()


def test_site_selects_one_site():
    """trial.site('B') equals a trial built from site B's rows alone."""
    trial = FieldTrial.from_dataframe(two_sites(), crop="wheat", control="CK")
    one = trial.site("B")
    alone = FieldTrial.from_dataframe(two_sites().query("site == 'B'"), crop="wheat", control="CK")
    assert one.n_plots == 4 and one.metadata["site"] == "B"
    assert one.means()["yield_kg_ha"].tolist() == alone.means()["yield_kg_ha"].tolist()
    # hand: site B CK plots 6000 + 900, 6100 + 900 -> LS-mean 6950 kg/ha (balanced)
    assert one.means().set_index("treatment").loc["CK", "yield_kg_ha"] == pytest.approx(6950)


def test_site_unknown_or_absent_column():
    """An unknown site lists the sites; a table without a site column says so."""
    trial = FieldTrial.from_dataframe(two_sites(), crop="wheat")
    with pytest.raises(DataValidationError, match="site 'C' is not in the plot table.*'A', 'B'"):
        trial.site("C")
    with pytest.raises(DataValidationError, match="no site column"):
        FieldTrial.from_dataframe(rcbd_plots(), crop="wheat").site("A")


def test_refused_trial_shows_no_table_warnings(tmp_path):
    """A refused build (e.g. a wrong control, retried by the report) prints no read warnings."""
    import warnings

    path = tmp_path / "plots.csv"
    rcbd_plots().assign(impurity_pct=[0.5, 0.2, 0.3, 0.4]).to_csv(path, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(DataValidationError, match="control 'CK1'"):
            FieldTrial.from_csv(path, crop="wheat", control="CK1")
        assert caught == []  # nothing shown for the refused attempt
        FieldTrial.from_csv(path, crop="wheat", control="CK")
    # the successful retry shows the impurity warning exactly once
    texts = [str(w.message) for w in caught if issubclass(w.category, YieldTrialWarning)]
    assert sum("impurity_pct" in t for t in texts) == 1


def test_a_dependencys_warning_keeps_its_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    """A DeprecationWarning raised inside a dependency is not re-attributed to the caller.

    With the oldest supported pandas (2.0) and numpy (1.25), pandas' own
    ``np.find_common_type`` DeprecationWarning inside ``trial.diagnostics()`` was re-issued
    at the notebook cell, where Python's default filter shows it (examples/notebook.ipynb,
    cells "diagnostics" and "report").  yieldtrial's own warnings still name the caller.
    """
    from yieldtrial.stats import trial_analysis

    real = trial_analysis.means

    def noisy(*args: object, **kwargs: object) -> pd.DataFrame:
        # as raised on line 3 of a dependency's module
        warnings.warn_explicit("x is deprecated", DeprecationWarning, "fake_dependency.py", 3)
        warnings.warn("a yieldtrial note", YieldTrialWarning, stacklevel=1)
        return real(*args, **kwargs)

    monkeypatch.setattr(trial_analysis, "means", noisy)
    trial = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", control="CK")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trial.means()
    where = {str(w.message): (w.category, w.filename) for w in caught}
    assert where["x is deprecated"] == (DeprecationWarning, "fake_dependency.py")
    assert where["a yieldtrial note"] == (YieldTrialWarning, __file__)


def test_means_with_another_control() -> None:
    """means(control="T"): the differences are from T (hand: each mean minus T's mean)."""
    trial = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", control="CK")
    out = trial.means(control="T").set_index("treatment")
    assert out.attrs["control"] == "T"
    expected = out.loc["CK", "yield_kg_ha"] - out.loc["T", "yield_kg_ha"]
    assert out.loc["CK", "difference_kg_ha"] == pytest.approx(expected, rel=1e-12)


def test_analyze_sites_says_the_design_it_does_not_use() -> None:
    """An alpha trial's sites are analysed as RCBDs (analyze_many's designs); it warns.

    It switched to the RCBD silently, leaving out the incomplete blocks.
    """
    trial = FieldTrial(alpha_sites(), crop="wheat", control="G01", design="alpha")
    with pytest.warns(YieldTrialWarning) as caught:
        net = trial.analyze_sites()
    assert str(caught[0].message) == (
        "analyze_sites analyses each site as an RCBD (the designs of analyze_many), not as "
        "this trial's alpha design: its incomplete blocks are not in the model. To analyse "
        "one site by its design, use trial.site('1')"
    )
    assert net.provenance.design == "rcbd"


def test_notebook_display_of_many_entries_is_short() -> None:
    """A 60-entry trial shows 30 labels and a count in the notebook (it listed all 60)."""
    labels = [f"G{i:02d}" for i in range(1, 61)]
    plots = pd.DataFrame(
        {
            "plot_id": [f"{b}{i:02d}" for b in (1, 2) for i in range(60)],
            "treatment": labels * 2,
            "block": ["1"] * 60 + ["2"] * 60,
            "yield_kg_ha": 7000.0 + np.arange(120) % 13,
        }
    )
    trial = FieldTrial(plots, crop="wheat", control="G01")
    html = trial._repr_html_()
    assert "G30 and 30 more (60 treatments)" in html and "G31" not in html
    assert "treatments=60 (G01, G02, G03, ...)" in repr(trial) and "G31" not in repr(trial)


def test_from_csv_of_a_dataframe_points_to_from_dataframe():
    """from_csv(frame) was os.fspath's "expected str, bytes or os.PathLike object" (stop 39)."""
    from yieldtrial.errors import WrongTypeError

    with pytest.raises(WrongTypeError, match=r"got DataFrame; for a DataFrame use FieldTrial\."):
        FieldTrial.from_csv(rcbd_plots(), crop="wheat")


def test_from_csv_of_none_names_the_argument():
    """from_csv(None) says what it takes, as a yieldtrial error that is a TypeError."""
    from yieldtrial.errors import YieldTrialError

    with pytest.raises(YieldTrialError, match=r"the path of a plot table file.*NoneType") as e:
        FieldTrial.from_csv(None, crop="wheat")  # type: ignore[arg-type]
    assert isinstance(e.value, TypeError)


# --- FieldTrial.from_csv(config=...): the table read as `report --config` reads it

RCBD_TOML = (
    '[trial]\ncrop = "wheat"\n\n[analysis]\ncontrol = "CK2"\nstandard_moisture_pct = 12.5\n\n'
    '[columns]\n"rep" = "block"\n\n[[treatments]]\nlabel = "T"\n\n'
    '[[exclude]]\nplot = "101"\nreason = "lodged"\n'
)


def _rcbd_files(tmp_path) -> tuple:
    """Write the shipped replicated RCBD (block column named 'rep') and a trial.toml."""
    plots = pd.read_csv(datasets.example_path("replicated-rcbd"), dtype=str)
    plots = plots.rename(columns={"block": "rep"})
    plots.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(RCBD_TOML, encoding="utf-8")
    return tmp_path / "plots.csv", tmp_path / "trial.toml"


def test_from_csv_with_config_reads_what_the_commands_read(tmp_path) -> None:
    from yieldtrial.config import load_config
    from yieldtrial.report.files import load_trial

    plots, toml = _rcbd_files(tmp_path)
    trial = FieldTrial.from_csv(plots, config=toml)
    command = load_trial(plots, load_config(toml))  # the report/standardize/audit path
    assert (trial.crop, trial.control, trial.standard_moisture_pct) == ("wheat", ("CK2",), 12.5)
    assert trial.treatment_order[0] == "T" and trial.exclusions == (("101", "lodged"),)
    pd.testing.assert_frame_equal(trial.yields(), command.yields())


def test_from_csv_crop_and_control_beside_config_replace_the_files(tmp_path) -> None:
    plots, toml = _rcbd_files(tmp_path)
    trial = FieldTrial.from_csv(plots, config=toml, crop="barley", control="CK1")
    assert (trial.crop, trial.control) == ("barley", ("CK1",))


def test_from_csv_other_setting_beside_config_is_refused_naming_it(tmp_path) -> None:
    from yieldtrial.errors import WrongTypeError

    plots, toml = _rcbd_files(tmp_path)
    with pytest.raises(WrongTypeError, match=r"design= cannot be given beside it.*override"):
        FieldTrial.from_csv(plots, config=toml, design="crd")


def test_from_csv_without_crop_or_config_says_how_to_give_the_crop(tmp_path) -> None:
    plots, _ = _rcbd_files(tmp_path)
    with pytest.raises(DataValidationError, match=r"pass crop='wheat'.*or config='trial.toml'"):
        FieldTrial.from_csv(plots)  # was Python's "missing keyword argument 'crop'"


def test_float_label_columns_are_read_as_integers():
    """Treatments and blocks held as floats (1.0, 2.0) are the labels '1', '2' (stop 48).

    docs/data-format.md: a number with a zero fraction is the integer; ``analyze_many`` and
    ``yieldtrial network`` read such columns the same way now (tests/test_network.py,
    tests/test_cli_network.py).
    """
    plots = rcbd_plots().assign(treatment=[1.0, 0.0, 0.0, 1.0], block=[1.0, 1.0, 2.0, 2.0])
    trial = FieldTrial.from_dataframe(plots, crop="maize", control="0")
    assert trial.plots["treatment"].tolist() == ["1", "0", "0", "1"]
    assert trial.plots["block"].tolist() == ["1", "1", "2", "2"]


# --- FieldTrial.from_dataframe(config=...): a frame read as from_csv(config=...) reads it


def test_from_dataframe_with_config_reads_what_from_csv_reads(tmp_path) -> None:
    """``config=`` was Python's "unexpected keyword argument" for a frame (stop 48)."""
    plots, toml = _rcbd_files(tmp_path)
    frame = pd.read_csv(plots)
    trial = FieldTrial.from_dataframe(frame, config=toml)
    from_file = FieldTrial.from_csv(plots, config=toml)
    assert (trial.crop, trial.control, trial.standard_moisture_pct) == ("wheat", ("CK2",), 12.5)
    assert trial.treatment_order == from_file.treatment_order
    assert trial.exclusions == (("101", "lodged"),)
    pd.testing.assert_frame_equal(trial.yields(), from_file.yields())


def test_from_dataframe_other_setting_beside_config_is_refused_naming_it(tmp_path) -> None:
    from yieldtrial.errors import WrongTypeError

    plots, toml = _rcbd_files(tmp_path)
    pattern = r"from_dataframe\(config=...\).*design= cannot be given beside it \(only crop="
    with pytest.raises(WrongTypeError, match=pattern):
        FieldTrial.from_dataframe(pd.read_csv(plots), config=toml, design="crd")


def test_from_dataframe_without_crop_or_config_says_how_to_give_the_crop() -> None:
    with pytest.raises(DataValidationError, match=r"pass crop='wheat'.*or config='trial.toml'"):
        FieldTrial.from_dataframe(rcbd_plots())  # was Python's "missing keyword argument"


def test_economics_without_the_grain_price_says_what_to_pass() -> None:
    """``trial.economics()`` was Python's "missing 2 required keyword-only arguments"."""
    from yieldtrial.errors import WrongTypeError

    trial = FieldTrial.from_dataframe(rcbd_plots(), crop="wheat", control="CK")
    pattern = r"economics\(\) needs grain_price_per_kg= and currency=: .*currency='CNY'\)"
    with pytest.raises(WrongTypeError, match=pattern):
        trial.economics()
