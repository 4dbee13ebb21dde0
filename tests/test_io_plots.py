"""Reading plot tables: formats, encodings, header aliases, units, missing plots."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yieldtrial.errors import DataValidationError, MissingExtraError, YieldTrialWarning
from yieldtrial.io import (
    has_harvest_columns,
    input_yield_column,
    read_plots,
    recognised_headers,
)

CHINESE_CSV = (
    "小区号,处理,重复,收获面积（m2）,鲜重(斤),含水量(%),杂质率\n"
    "101,对照,1,20,24.2,14.2,1.5\n"
    "102,处理1,1,20,26.0,14.0,1.2\n"
)

ENGLISH = pd.DataFrame(
    {
        "plot_id": ["1", "2", "3", "4"],
        "treatment": ["CK", "T", "CK", "T"],
        "block": ["1", "1", "2", "2"],
        "harvested_area_m2": [20.0, 20.0, 20.0, 20.0],
        "fresh_mass_kg": [14.0, 15.1, 13.6, 15.3],
        "moisture_pct": [15.0, 15.2, 14.8, 15.0],
    }
)


def test_read_plots_gbk_file_with_chinese_headers(data_dir):
    """A GBK CSV as saved by Chinese Excel is decoded and its headers mapped."""
    plots = read_plots(data_dir / "plots_gbk_chinese.csv")
    assert plots.attrs["encoding"] == "gb18030"
    assert list(plots.columns[:4]) == ["plot_id", "block", "treatment", "harvested_area_m2"]
    assert plots["treatment"].tolist() == ["对照", "处理1", "对照", "处理1"]
    # 鲜重(斤): 24.2 jin x 0.5 kg/jin = 12.1 kg (1 jin = 0.5 kg exactly)
    assert plots.loc[0, "fresh_mass_kg"] == pytest.approx(12.1)
    assert plots.loc[0, "fresh_mass_jin"] == pytest.approx(24.2)
    assert "备注" in plots.columns  # unrecognised columns are kept


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_read_plots_detects_encoding(tmp_path, encoding):
    """UTF-8 (with or without BOM) and GBK/GB18030 files read the same."""
    path = tmp_path / "plots.csv"
    path.write_bytes(CHINESE_CSV.encode(encoding))
    plots = read_plots(path)
    assert plots["plot_id"].tolist() == ["101", "102"]
    assert plots["treatment"].tolist() == ["对照", "处理1"]


def test_read_plots_explicit_encoding_error(tmp_path):
    """A wrong explicit encoding is a data error that names the encoding."""
    path = tmp_path / "plots.csv"
    path.write_bytes(CHINESE_CSV.encode("gbk"))
    with pytest.raises(DataValidationError, match=r"cannot decode row 1 as 'utf-8' \("):
        read_plots(path, encoding="utf-8")


def test_read_plots_semicolon_and_tab_separators(tmp_path):
    """Semicolon- and tab-separated files are recognised from the header line."""
    for sep, name in ((";", "a.csv"), ("\t", "b.tsv")):
        path = tmp_path / name
        ENGLISH.to_csv(path, sep=sep, index=False)
        assert read_plots(path)["fresh_mass_kg"].tolist() == [14.0, 15.1, 13.6, 15.3]


def test_read_plots_area_in_mu_converted_to_m2():
    """面积(亩) becomes harvested_area_mu plus harvested_area_m2 (1 mu = 10000/15 m2)."""
    frame = pd.DataFrame(
        {"小区": ["1"], "处理": ["T"], "面积(亩)": [1.5], "鲜重": [600.0], "水分": [14.0]}
    )
    plots = read_plots(frame)
    assert plots.loc[0, "harvested_area_mu"] == 1.5
    assert plots.loc[0, "harvested_area_m2"] == pytest.approx(1000.0)  # 1.5 x 10000/15


def test_read_plots_area_in_ha_converted_to_m2():
    """area_ha is converted to m2 (1 ha = 10000 m2)."""
    frame = ENGLISH.drop(columns="harvested_area_m2").assign(area_ha=0.002)
    assert read_plots(frame)["harvested_area_m2"].tolist() == pytest.approx([20.0] * 4)


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Plot ID", "plot_id"),
        ("plot", "plot_id"),
        ("小区号", "plot_id"),
        ("trt", "treatment"),
        ("处理", "treatment"),
        ("rep", "block"),
        ("区组", "block"),
        ("试点", "site"),
        ("Moisture (%)", "moisture_pct"),
        ("含水率", "moisture_pct"),
        ("含水量%", "moisture_pct"),
        ("杂质率(%)", "impurity_pct"),
        ("空瘪率", "empty_grain_pct"),
        ("出籽率", "shelling_pct"),
        ("行", "row"),
        ("列号", "column"),
        ("收获面积（m²）", "harvested_area_m2"),
        ("面积 (公顷)", "harvested_area_ha"),
        ("area_mu", "harvested_area_mu"),
        ("实收鲜重(kg)", "fresh_mass_kg"),
        ("鲜重（斤）", "fresh_mass_jin"),
        ("fresh weight", "fresh_mass_kg"),
    ],
)
def test_read_plots_recognises_header(header, canonical):
    """Chinese and English header variants map to the canonical names."""
    base = {
        "plot_id": ["1"],
        "treatment": ["T"],
        "harvested_area_m2": [20.0],
        "fresh_mass_kg": [10.0],
        "moisture_pct": [14.0],
    }
    base.pop(canonical, None)
    values = {"row": 1, "column": 2}.get(canonical, "x")
    if canonical.endswith(("_pct", "_m2", "_ha", "_mu", "_kg", "_jin")):
        values = {"harvested_area_ha": 0.002, "harvested_area_mu": 0.03}.get(canonical, 14.0)
    frame = pd.DataFrame({**base, header: [values]})
    assert canonical in read_plots(frame).columns


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("yield_kg_ha", "yield_kg_ha"),
        ("Yield (t/ha)", "yield_t_ha"),
        ("亩产(kg)", "yield_kg_mu"),
        ("亩产（斤）", "yield_jin_mu"),
        ("产量(kg/亩)", "yield_kg_mu"),
        ("yield (bu/acre)", "yield_bu_ac"),
    ],
)
def test_read_plots_yield_column_instead_of_harvest(header, column):
    """A standardized yield column replaces the harvest columns."""
    plots = read_plots(pd.DataFrame({"plot": ["1", "2"], "trt": ["A", "B"], header: [7.5, 8.0]}))
    assert input_yield_column(plots) == column
    assert not has_harvest_columns(plots)


def test_read_plots_yield_column_with_mass_unit_explained():
    """产量(kg) is a mass, not a yield per area: the missing-column error says so."""
    frame = pd.DataFrame({"小区": ["1"], "处理": ["T"], "产量(kg)": [12.0]})
    with pytest.raises(DataValidationError, match=r"'产量\(kg\)' looks like yield but .* mass"):
        read_plots(frame)


def test_read_plots_reported_yield_renamed_when_harvest_complete():
    """A yield column next to complete harvest columns is kept as reported_<name>."""
    plots = read_plots(ENGLISH.assign(yield_kg_mu=450.0))
    assert "reported_yield_kg_mu" in plots.columns
    assert input_yield_column(plots) is None


def test_read_plots_yield_column_used_when_no_plot_was_weighed():
    """A field book's blank harvest columns do not hide the yields typed into yield_kg_ha.

    ``yieldtrial design`` writes ``harvested_area_m2``, ``fresh_mass_kg``, ``moisture_pct``
    (and ``impurity_pct``) empty; a user who fills a ``yield_kg_ha`` column instead got every
    plot "missing" (the yield column was renamed ``reported_yield_kg_ha``).
    """
    book = ENGLISH.assign(fresh_mass_kg=np.nan, moisture_pct=np.nan, yield_kg_ha=7500.0)
    plots = read_plots(book)
    assert input_yield_column(plots) == "yield_kg_ha"
    assert plots["yield_kg_ha"].tolist() == [7500.0] * 4


def test_read_plots_columns_mapping_wins():
    """columns= renames a header the aliases do not know."""
    frame = ENGLISH.rename(columns={"fresh_mass_kg": "Netto"})
    plots = read_plots(frame, columns={"Netto": "fresh_mass_kg"})
    assert plots["fresh_mass_kg"].tolist() == [14.0, 15.1, 13.6, 15.3]


def test_read_plots_columns_mapping_unknown_header():
    """columns= naming a header that is not in the table is an error listing the headers."""
    with pytest.raises(DataValidationError, match="columns= renames 'Netto'.*'plot_id'"):
        read_plots(ENGLISH, columns={"Netto": "fresh_mass_kg"})


def test_read_plots_columns_renaming_the_incomplete_blocks_warns():
    """columns= renaming incomplete_block to a name without a role says the blocks are lost."""
    frame = ENGLISH.assign(incomplete_block=[1, 1, 2, 2])
    with pytest.warns(YieldTrialWarning, match=r"'incomplete_block' is renamed to 'ib'.*RCBD"):
        plots = read_plots(frame, columns={"incomplete_block": "ib"})
    assert "incomplete_block" not in plots.columns


def test_read_plots_columns_renaming_a_block_to_its_role_is_silent():
    """columns= renaming block to an alias of block ('rep') keeps the blocks: no warning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", YieldTrialWarning)
        plots = read_plots(ENGLISH, columns={"block": "rep"})
    assert plots["block"].tolist() == ["1", "1", "2", "2"]


def test_read_plots_secondary_alias_only_without_primary():
    """品种 is the treatment only when no 处理 column exists."""
    alone = read_plots(ENGLISH.rename(columns={"treatment": "品种"}))
    assert "treatment" in alone.columns
    both = read_plots(ENGLISH.assign(品种="X"))
    assert both["treatment"].tolist() == ["CK", "T", "CK", "T"]
    assert both["品种"].tolist() == ["X"] * 4


def test_read_plots_two_primary_aliases_conflict():
    """Two headers read as the same column (重复 and 区组) are an error naming both."""
    frame = ENGLISH.drop(columns="block").assign(重复="1", 区组="1")
    with pytest.raises(DataValidationError, match="'重复', '区组' are all read as block"):
        read_plots(frame)


def test_read_plots_rep_and_block_point_to_the_incomplete_block_mapping():
    """Columns rep and block (agridat's john.alpha) point to the alpha-lattice mapping.

    Before stop 39 the message said only "keep one, or rename the others with columns=, e.g.
    columns={'block': 'block_2'}", which analyses no alpha lattice.
    """
    frame = ENGLISH.drop(columns="block").assign(rep="R1", block=["B1", "B1", "B2", "B2"])
    with pytest.raises(DataValidationError, match=r"'rep' holds the replicates.*columns=\{'rep': "
                       r"'block', 'block': 'incomplete_block'\}"):  # fmt: skip
        read_plots(frame)
    mapped = read_plots(frame, columns={"rep": "block", "block": "incomplete_block"})
    assert mapped["incomplete_block"].tolist() == ["B1", "B1", "B2", "B2"]
    assert set(mapped["block"]) == {"R1"}


def test_read_plots_missing_plot_kept():
    """An empty mass cell is a missing plot: kept, with NaN mass."""
    frame = ENGLISH.copy()
    frame.loc[2, "fresh_mass_kg"] = np.nan
    plots = read_plots(frame)
    assert len(plots) == 4
    assert np.isnan(plots.loc[2, "fresh_mass_kg"])


def test_read_plots_blank_rows_ignored_and_row_numbers_kept(tmp_path):
    """Blank lines are skipped, and error row numbers still match the file."""
    path = tmp_path / "plots.csv"
    path.write_text(
        "plot_id,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
        "1,CK,20,14,15\n\n3,T,20,abc,15\n",
        encoding="utf-8",
    )
    # file line 4 holds 'abc': header = row 1, plot 1 = row 2, blank = row 3
    with pytest.raises(DataValidationError, match=r"fresh_mass_kg row 4 \(plot '3'\): 'abc'"):
        read_plots(path)


def test_read_plots_percent_sign_and_thousands_separator(tmp_path):
    """'14.5%' in a percent column and '3,392' in a mass column parse as numbers."""
    path = tmp_path / "plots.csv"
    path.write_text(
        'plot_id,treatment,area_mu,fresh_mass_kg,moisture_pct\n1,T,5.75,"3,392",11.5%\n',
        encoding="utf-8",
    )
    plots = read_plots(path)
    assert plots.loc[0, "fresh_mass_kg"] == 3392.0
    assert plots.loc[0, "moisture_pct"] == 11.5


def test_read_plots_integer_labels_become_text():
    """Numeric plot ids and blocks become text labels ('1', not '1.0')."""
    frame = ENGLISH.assign(plot_id=[1, 2, 3, 4], block=[1.0, 1.0, 2.0, 2.0])
    plots = read_plots(frame)
    assert plots["plot_id"].tolist() == ["1", "2", "3", "4"]
    assert plots["block"].tolist() == ["1", "1", "2", "2"]


def test_read_plots_does_not_mutate_dataframe():
    """The input DataFrame is left unchanged (values, columns and dtypes)."""
    frame = ENGLISH.rename(columns={"plot_id": "小区", "moisture_pct": "水分"})
    before = frame.copy(deep=True)
    read_plots(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_read_plots_keeps_dataframe_index():
    """A DataFrame's index labels are kept on the returned table."""
    frame = ENGLISH.set_axis(["a", "b", "c", "d"])
    assert read_plots(frame).index.tolist() == ["a", "b", "c", "d"]


def test_read_plots_xlsx(tmp_path):
    """An .xlsx sheet is read with the same aliases and row numbers."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "产量"
    sheet.append(["小区号", "处理", "面积(亩)", "鲜重(kg)", "含水量"])
    sheet.append([1, "CK", 1, 436, 14])
    sheet.append([2, "T", 1, 442, 14])
    path = tmp_path / "plots.xlsx"
    workbook.save(path)
    plots = read_plots(path, sheet="产量")
    assert plots["plot_id"].tolist() == ["1", "2"]
    assert plots["harvested_area_m2"].tolist() == pytest.approx([10000 / 15] * 2)


def test_read_plots_xlsx_unknown_sheet(tmp_path):
    """An unknown sheet name is an error listing the sheets."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["plot_id"])
    path = tmp_path / "plots.xlsx"
    workbook.save(path)
    with pytest.raises(DataValidationError, match="no sheet named 'x'; sheets: 'Sheet'"):
        read_plots(path, sheet="x")


def test_read_plots_xlsx_without_openpyxl(tmp_path, monkeypatch):
    """Without openpyxl an .xlsx file raises MissingExtraError naming the extra."""
    path = tmp_path / "plots.xlsx"
    path.write_bytes(b"PK")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'yieldtrial\[xlsx\]'"):
        read_plots(path)


def test_read_plots_old_xls_refused(tmp_path):
    """Old .xls workbooks are refused with the fix."""
    path = tmp_path / "plots.xls"
    path.write_bytes(b"\xd0\xcf")
    with pytest.raises(DataValidationError, match=r"save it as \.xlsx or CSV"):
        read_plots(path)


def test_read_plots_wrong_type():
    """A list is not a plot table."""
    with pytest.raises(TypeError, match="file path or a pandas DataFrame"):
        read_plots([1, 2])  # type: ignore[arg-type]


def test_recognised_headers_lists_chinese_aliases():
    """The alias table documents Chinese names for every harvest quantity."""
    aliases = recognised_headers()
    assert {"小区号", "处理", "重复", "区组", "地点", "收获面积", "鲜重", "含水量", "杂质率"} <= {
        a for values in aliases.values() for a in values
    }


def test_read_plots_trailing_empty_columns_dropped(tmp_path):
    """Empty unnamed columns (Excel's trailing commas) are dropped."""
    path = tmp_path / "plots.csv"
    path.write_text(
        "plot_id,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct,,\n1,CK,20,14,15,,\n",
        encoding="utf-8",
    )
    assert list(read_plots(path).columns) == [
        "plot_id",
        "treatment",
        "harvested_area_m2",
        "fresh_mass_kg",
        "moisture_pct",
    ]


def test_read_plots_utf16_file(tmp_path):
    """A UTF-16 file with BOM (Excel 'Unicode text') is tab-separated and decoded."""
    path = tmp_path / "plots.txt"
    path.write_bytes(CHINESE_CSV.replace(",", "\t").encode("utf-16"))
    assert read_plots(path)["treatment"].tolist() == ["对照", "处理1"]


def test_read_plots_large_table_is_fast():
    """Ten thousand plots given as text are parsed (vectorised path)."""
    n = 10_000
    frame = pd.DataFrame(
        {
            "plot_id": [str(i) for i in range(n)],
            "treatment": ["A", "B"] * (n // 2),
            "harvested_area_m2": ["20"] * n,
            "fresh_mass_kg": ["14.5"] * n,
            "moisture_pct": ["14%"] * n,
        }
    )
    plots = read_plots(frame)
    assert plots["moisture_pct"].eq(14.0).all()  # '14%' read as 14


@settings(max_examples=25, deadline=None)
@given(
    masses=st.lists(
        st.floats(min_value=0.0, max_value=5000.0, allow_nan=False), min_size=1, max_size=6
    ),
    moisture=st.floats(min_value=1.5, max_value=40.0),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]),
)
def test_read_plots_csv_round_trip(tmp_path_factory, masses, moisture, encoding):
    """Numbers written to a CSV in any supported encoding are read back unchanged."""
    frame = pd.DataFrame(
        {
            "小区号": [f"P{i}" for i in range(len(masses))],
            "处理": ["对照"] * len(masses),
            "收获面积(m2)": 20.0,
            "鲜重(kg)": masses,
            "含水量(%)": moisture,
        }
    )
    path = tmp_path_factory.mktemp("csv") / "plots.csv"
    path.write_bytes(frame.to_csv(index=False).encode(encoding))
    plots = read_plots(path)
    np.testing.assert_array_equal(plots["fresh_mass_kg"].to_numpy(), np.array(masses))
    assert plots["moisture_pct"].eq(moisture).all()


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("hybrid", "treatment"),  # US hybrid trials (tests/data/e2e/corn_us.csv)
        ("品种名称", "treatment"),
        ("参试品种", "treatment"),
        ("处理编号", "treatment"),
        ("处理名称", "treatment"),
        ("小区鲜重(kg)", "fresh_mass_kg"),
        ("鲜穗重量(kg)", "fresh_mass_kg"),
        ("Grain wt (kg)", "fresh_mass_kg"),  # grain weighed at harvest moisture = fresh mass
        ("收获含水量(%)", "moisture_pct"),  # the report's own Chinese moisture label
    ],
)
def test_read_plots_recognises_tester_headers(header, canonical):
    """Headers found in real field books map to the canonical names."""
    base = {
        "plot_id": ["1"],
        "treatment": ["T"],
        "harvested_area_m2": [20.0],
        "fresh_mass_kg": [10.0],
        "moisture_pct": [14.0],
    }
    base.pop(canonical)
    frame = pd.DataFrame({**base, header: ["x" if canonical == "treatment" else 14.0]})
    assert canonical in read_plots(frame).columns


def test_read_plots_treatment_code_and_name_columns():
    """处理编号 (code) next to 处理名称 (name): the name is the treatment, the code is kept."""
    frame = ENGLISH.drop(columns="treatment").assign(处理编号=["1", "2", "1", "2"])
    frame["处理名称"] = ["CK", "T", "CK", "T"]
    plots = read_plots(frame)
    assert plots["treatment"].tolist() == ["CK", "T", "CK", "T"]
    assert plots["处理编号"].tolist() == ["1", "2", "1", "2"]


def test_read_plots_number_of_replicates_is_not_a_block():
    """重复次数 (how many replicates) is not read as the block of each plot."""
    plots = read_plots(ENGLISH.drop(columns="block").assign(重复次数=2))
    assert "block" not in plots.columns
    assert "重复次数" in plots.columns


@pytest.mark.parametrize("variant", ["ck", "C K", "\u0421K"])
def test_read_plots_warns_on_treatment_label_variants(variant):
    """'CK' next to 'ck' / 'C K' / Cyrillic 'СK' warns naming both spellings and the plots."""
    frame = ENGLISH.assign(treatment=["CK", "T", variant, "T"])
    with pytest.warns(YieldTrialWarning, match=rf"treatment labels .*'CK' \(plot '1'\) and "
                      rf"'{variant}' \(plot '3'\).*write them one way"):  # fmt: skip
        plots = read_plots(frame)
    assert plots["treatment"].tolist() == ["CK", "T", variant, "T"]  # never merged silently


def test_read_plots_merges_full_width_block_labels_with_a_warning():
    """Block '1' and full-width '１' are one block after NFKC, and the merge is reported."""
    frame = ENGLISH.assign(block=["1", "1", "１", "2"])
    with pytest.warns(YieldTrialWarning, match=r"block '１' and '1' are read as '1'"):
        plots = read_plots(frame)
    assert plots["block"].tolist() == ["1", "1", "1", "2"]


def test_read_plots_decimal_comma_hint(tmp_path):
    """'14,9' in a tab-separated file is refused with the cell and a hint to use a dot.

    (A semicolon-separated file reads its decimal commas: tests/test_io_decimal_comma.py.)
    """
    path = tmp_path / "eu.tsv"
    path.write_text(
        "plot_id\ttreatment\tharvested_area_m2\tfresh_mass_kg\tmoisture_pct\n1\tCK\t20\t14\t14,9\n",
        encoding="utf-8",
    )
    with pytest.raises(
        DataValidationError,
        match=r"moisture_pct row 2 \(plot '1'\): '14,9'.*use a dot as the decimal separator "
        r"\(or save the CSV with a dot decimal separator\)",
    ):
        read_plots(path)


def test_read_plots_no_decimal_comma_hint_for_text():
    """Plain text in a number cell gets no decimal-separator hint."""
    with pytest.raises(DataValidationError, match="non-numeric") as info:
        read_plots(ENGLISH.assign(moisture_pct=["abc", 15.2, 14.8, 15.0]))
    assert "decimal separator" not in str(info.value)


def test_read_plots_incomplete_plot_message_grammar():
    """One weighed plot without moisture: 'which has a fresh mass'; two: 'which have'."""
    one = ENGLISH.assign(moisture_pct=[np.nan, 15.2, 14.8, 15.0])
    with pytest.raises(DataValidationError, match=r"index 0 \(plot '1'\), which has a fresh mass"):
        read_plots(one)
    two = ENGLISH.assign(moisture_pct=[np.nan, np.nan, 14.8, 15.0])
    with pytest.raises(
        DataValidationError, match=r"index 0 \(plot '1'\), index 1 \(plot '2'\), which have a fresh"
    ):
        read_plots(two)


def _with_impurity(values: list[float]) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "plot_id": [str(i + 1) for i in range(n)],
            "treatment": ["CK", "T"] * (n // 2),
            "harvested_area_m2": [20.0] * n,
            "fresh_mass_kg": [10.0] * n,
            "moisture_pct": [13.0] * n,
            "impurity_pct": values,
        }
    )


def test_read_plots_impurity_of_one_percent_does_not_warn():
    """An impurity column of all 1.0 is read as 1 %, a plausible percent: no fraction warning."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plots = read_plots(_with_impurity([1.0, 1.0, 1.0, 1.0]))
    assert plots["impurity_pct"].tolist() == [1.0] * 4  # used as given


def test_read_plots_impurity_all_zero_does_not_warn():
    """All-zero impurity (nothing deducted) is no sign of fractions."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_plots(_with_impurity([0.0, 0.0]))


def test_read_plots_impurity_fractions_warn():
    """Impurity values all below 1 with one non-zero look like fractions: warn, keep them."""
    with pytest.warns(YieldTrialWarning, match=r"impurity_pct value lies in \[0, 1\)"):
        plots = read_plots(_with_impurity([0.02, 0.0, 0.015, 0.03]))
    assert plots["impurity_pct"].max() == 0.03  # used as given


@pytest.mark.parametrize("header", ["plot_mass_kg", "plot yield", "plot weight", "plot_yield_kg"])
def test_plot_word_before_a_measurement_is_no_plot_id(header):
    """'plot_mass_kg' is a mass, not the plot id (it was read as plot_id, the mass then missing)."""
    from yieldtrial.io.headers import recognise_header

    assert recognise_header(header)[0] is None
    assert recognise_header("plot_no")[0] == "plot_id"  # a numbering word still is


def test_a_tables_own_computed_columns_are_kept_as_reported(tmp_path):
    """A standard_moisture_pct column of the file is kept (reported_...), not overwritten."""
    from yieldtrial.io import read_plots

    path = tmp_path / "p.csv"
    path.write_text(
        "plot_id,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct,standard_moisture_pct,"
        "moisture_method\n1,A,20,14.98,12.7,14,shrink\n2,B,20,13.77,13.7,14,shrink\n",
        encoding="utf-8",
    )
    plots = read_plots(path)
    assert plots["reported_standard_moisture_pct"].astype(float).tolist() == [14.0, 14.0]
    assert plots["reported_moisture_method"].tolist() == ["shrink", "shrink"]
    assert "standard_moisture_pct" not in plots and "moisture_method" not in plots


def _plots_csv(path: Path) -> Path:
    path.write_text("plot_id,treatment,yield_kg_ha\n1,CK,6000\n2,T,6300\n", encoding="utf-8")
    return path


def test_sheet_with_a_csv_file_is_an_error_naming_the_file(tmp_path):
    """sheet= with a CSV was ignored (the CSV read as if no sheet were asked for)."""
    path = _plots_csv(tmp_path / "plots.csv")
    with pytest.raises(DataValidationError, match=r"^plots\.csv: sheet='2024' applies to an "):
        read_plots(path, sheet="2024")
    with pytest.raises(DataValidationError, match="leave sheet= out"):
        read_plots(str(path), sheet=0)


def test_sheet_with_a_dataframe_is_an_error() -> None:
    """A DataFrame has no worksheets either."""
    frame = pd.DataFrame({"plot_id": ["1"], "treatment": ["CK"], "yield_kg_ha": [6000.0]})
    with pytest.raises(DataValidationError, match="is a DataFrame .no worksheets.; leave sheet="):
        read_plots(frame, sheet="plots")


def test_sheet_applies_to_the_workbooks_of_a_mix_of_files(tmp_path):
    """read_plot_sources: a CSV and a workbook; the sheet is the workbook's, the CSV is read."""
    import openpyxl

    from yieldtrial.io.sources import read_plot_sources

    _plots_csv(tmp_path / "a.csv")
    workbook = openpyxl.Workbook()
    workbook.active.title = "notes"
    sheet = workbook.create_sheet("2024")
    sheet.append(["plot_id", "treatment", "yield_kg_ha"])
    sheet.append([1, "CK", 5000])
    workbook.save(tmp_path / "b.xlsx")
    table = read_plot_sources([tmp_path / "a.csv", tmp_path / "b.xlsx"], sheet="2024")
    assert table[["site", "yield_kg_ha"]].values.tolist() == [
        ["a", 6000.0], ["a", 6300.0], ["b", 5000.0]
    ]  # fmt: skip


def test_sheet_with_only_csv_files_is_an_error(tmp_path):
    """read_plot_sources with sheet= and no workbook: the sheet would be ignored."""
    from yieldtrial.io.sources import read_plot_sources

    files = [_plots_csv(tmp_path / "a.csv"), _plots_csv(tmp_path / "b.csv")]
    with pytest.raises(DataValidationError, match="'a.csv' and 1 more are CSV files"):
        read_plot_sources(files, sheet="2024")


def _plots_xlsx(path: Path) -> Path:
    pd.DataFrame(
        {"plot_id": [1, 2], "treatment": ["CK", "T"], "yield_kg_ha": [6000, 6300]}
    ).to_excel(path, index=False)
    return path


def test_encoding_with_a_workbook_is_an_error_naming_the_argument(tmp_path):
    """encoding= with an .xlsx was ignored (the workbook read as if none were given)."""
    path = _plots_xlsx(tmp_path / "plots.xlsx")
    with pytest.raises(DataValidationError) as caught:
        read_plots(path, encoding="gbk")
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == (
        "plots.xlsx: encoding='gbk' applies to a CSV file, but 'plots.xlsx' is an .xlsx "
        "workbook, which carries its own encoding (its text is Unicode); leave encoding= out"
    )


def test_encoding_with_a_dataframe_is_an_error() -> None:
    frame = pd.DataFrame({"plot_id": ["1"], "treatment": ["CK"], "yield_kg_ha": [6000.0]})
    with pytest.raises(DataValidationError, match="is a DataFrame .already decoded.; leave enc"):
        read_plots(frame, encoding="utf-8")


def test_encoding_applies_to_the_csv_files_of_a_mix(tmp_path):
    """read_plot_sources: a GBK CSV and a workbook; the encoding is the CSV's only."""
    from yieldtrial.io.sources import read_plot_sources

    (tmp_path / "a.csv").write_bytes("小区号,处理,产量(kg/公顷)\n1,对照,6000\n".encode("gbk"))
    _plots_xlsx(tmp_path / "b.xlsx")
    table = read_plot_sources([tmp_path / "a.csv", tmp_path / "b.xlsx"], encoding="gbk")
    assert table["treatment"].tolist() == ["对照", "CK", "T"]


def test_encoding_with_only_workbooks_is_an_error(tmp_path):
    from yieldtrial.io.sources import read_plot_sources

    files = [_plots_xlsx(tmp_path / "a.xlsx"), _plots_xlsx(tmp_path / "b.xlsx")]
    with pytest.raises(DataValidationError, match="'a.xlsx' and 1 more are .xlsx workbooks, wh"):
        read_plot_sources(files, encoding="gbk")


_LAYOUT_HEADER = "plot_id,block,treatment,row,column,harvested_area_m2,fresh_mass_kg,moisture_pct"


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        pytest.param(
            _LAYOUT_HEADER,
            "1,1,A,x,1,20,15,13\n2,1,B,1,2,20,16,13",
            r": 'row' row 2 \(plot '1'\): 'x'",
            id="row-quoted",  # "'row' row 2", not "row row 2"
        ),
        pytest.param(
            _LAYOUT_HEADER,
            "1,1,A,1,1,20,15,13\n2,1,B,1,y,20,16,13",
            r": 'column' row 3 \(plot '2'\): 'y'",
            id="column-quoted",  # the column display's rule, not the cell listing's
        ),
        pytest.param(
            _LAYOUT_HEADER.replace(",row,", ",Row,"),
            "1,1,A,x,1,20,15,13\n2,1,B,1,2,20,16,13",
            r": 'row' \(header 'Row'\) row 2 \(plot '1'\)",
            id="renamed-row-quoted",
        ),
        pytest.param(
            _LAYOUT_HEADER.replace("moisture_pct", "Moisture"),
            "1,1,A,1,1,20,15,x\n2,1,B,1,2,20,16,13",
            r": moisture_pct \(header 'Moisture'\) row 2 ",
            id="other-name-bare",  # a name that reads as a name is not quoted
        ),
    ],
)
def test_read_plots_names_a_column_in_a_cell_message(tmp_path, header, rows, message):
    """A bad cell names its column by the column display's rule (quoted if a message word)."""
    path = tmp_path / "plots.csv"
    path.write_text(f"{header}\n{rows}\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=message):
        read_plots(path)


@pytest.mark.parametrize(
    ("column", "shown"),
    [
        ("moisture_pct", "moisture_pct"),
        ("plot", "'plot'"),
        ("Rows", "'Rows'"),
        ("my notes", "'my notes'"),
    ],
)
def test_column_display_quotes_message_words_and_non_identifiers(column, shown):
    from yieldtrial.io.validation import column_in_message

    assert column_in_message(column) == shown


def test_read_plots_drops_the_text_marker_of_plot_and_block_labels(tmp_path):
    """``'101`` and ``'1`` typed in a CSV are plot 101 in block 1 (stop 48).

    Excel users type a leading apostrophe to keep a number as text; the quote reached the
    labels (plot ``"'101"``), so ``--exclude 101`` or ``control`` could not name them.
    """
    path = tmp_path / "plots.csv"
    path.write_text(
        "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
        "'101,'1,CK,20,14.98,22.7\n'102,'1,T,20,13.77,23.7\n"
        "201,2,CK,20,14.97,23.4\n202,2,T,20,13.89,23.8\n",
        encoding="utf-8",
    )
    plots = read_plots(path)
    assert plots["plot_id"].tolist() == ["101", "102", "201", "202"]
    assert plots["block"].tolist() == ["1", "1", "2", "2"]


@pytest.mark.parametrize(
    ("cells", "found"),
    [
        (["T1", "T2", "#N/A", "T1"], "#N/A"),  # an error value: named after the byte check
        (["T1", "T#2", "T1", "T2"], None),  # a '#' in a label that is no error value
        (["T1", "T2", "T1", "T2"], None),  # no '#' at all: the byte check decides
    ],
)
def test_error_value_labels_in_a_pyarrow_column(cells, found):
    """A pyarrow-backed label column (the streamed reader's) is checked through its bytes.

    Expected: the message of the cell-by-cell check (``test_hostile_stop47``'s wording), or
    no problem when no cell is one of ``SPREADSHEET_ERRORS``.
    """
    pytest.importorskip("pyarrow")
    from yieldtrial.io.plots import _error_value_label_problem

    frame = pd.DataFrame({"treatment": pd.Series(cells, dtype="string[pyarrow]")})
    message = _error_value_label_problem(frame, "treatment", str, lambda i: f"row {i + 2}")
    if found is None:
        assert message is None
    else:
        assert f"row 4 = {found!r}" in message
