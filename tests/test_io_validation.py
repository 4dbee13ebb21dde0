"""Validation of plot tables: every error and warning, with the message it must carry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io import read_plots
from yieldtrial.io import validation as _validation


def plots(**changes: object) -> pd.DataFrame:
    """Return a valid four-plot table with some columns replaced."""
    frame = pd.DataFrame(
        {
            "plot_id": ["1", "2", "3", "4"],
            "treatment": ["CK", "T", "CK", "T"],
            "harvested_area_m2": [20.0, 20.0, 20.0, 20.0],
            "fresh_mass_kg": [14.0, 15.1, 13.6, 15.3],
            "moisture_pct": [15.0, 15.2, 14.8, 15.0],
        }
    )
    for name, values in changes.items():
        frame[name] = values
    return frame


def test_valid_table_passes():
    """The base table is valid."""
    assert len(read_plots(plots())) == 4


def test_missing_columns_reported_at_once():
    """Every missing required column is listed in one error, with accepted alternatives."""
    frame = plots().drop(columns=["treatment", "fresh_mass_kg", "moisture_pct"])
    with pytest.raises(DataValidationError) as info:
        read_plots(frame)
    message = str(info.value)
    assert "missing required columns: treatment (also accepted: 'treatment', 'trt'" in message
    assert "'处理'" in message
    assert "fresh_mass_kg (or fresh_mass_jin" in message
    assert "moisture_pct (also accepted:" in message
    assert "standardized yield column (yield_kg_ha" in message


def test_missing_single_column():
    """A single missing column is named, with the columns that were found."""
    with pytest.raises(
        DataValidationError,
        match=r"missing required column: moisture_pct .*"
        r"Columns found: 'plot_id'",
    ):
        read_plots(plots().drop(columns="moisture_pct"))


def test_empty_table():
    """A header without plot rows is an error."""
    with pytest.raises(DataValidationError, match="no plot rows"):
        read_plots(plots().iloc[0:0])


def test_empty_file(tmp_path):
    """An empty file is an error."""
    path = tmp_path / "plots.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataValidationError, match="plots.csv: the file is empty"):
        read_plots(path)


def test_non_numeric_cells_with_row_numbers(tmp_path):
    """Non-numeric cells are reported with the file's row number (header = row 1) and value."""
    path = tmp_path / "plots.csv"
    plots(
        fresh_mass_kg=["14", "15.1", "abc", "15.3"], moisture_pct=["15", "?", "14.8", "15"]
    ).to_csv(path, index=False)
    with pytest.raises(DataValidationError) as info:
        read_plots(path)
    message = str(info.value)
    assert "2 non-numeric values" in message
    assert "header is row 1" in message
    # plot '3' is the third data row: file row 4
    assert "fresh_mass_kg row 4 (plot '3'): 'abc'" in message
    assert "moisture_pct row 3 (plot '2'): '?'" in message


def test_non_numeric_cells_in_dataframe_use_index():
    """For a DataFrame, non-numeric cells are located by index label."""
    with pytest.raises(DataValidationError, match=r"fresh_mass_kg index 2 \(plot '3'\): 'x'"):
        read_plots(plots(fresh_mass_kg=[14.0, 15.1, "x", 15.3]))


def test_non_numeric_list_truncated():
    """At most five offending cells are quoted, then 'and N more'."""
    with pytest.raises(DataValidationError, match="and 3 more"):
        read_plots(plots(fresh_mass_kg=["a"] * 4, moisture_pct=["b"] * 4))


@pytest.mark.parametrize(
    ("column", "values", "pattern"),
    [
        (
            "harvested_area_m2",
            [20.0, 0.0, 20.0, 20.0],
            r"harvested_area_m2 .* \(0, inf\).*plot '2' = 0",
        ),
        ("harvested_area_m2", [20.0, 20.0, -5.0, 20.0], r"plot '3' = -5"),
        ("fresh_mass_kg", [14.0, -1.0, 13.6, 15.3], r"fresh_mass_kg .* \[0, inf\).*plot '2' = -1"),
        ("moisture_pct", [15.0, 100.0, 14.8, 15.0], r"moisture_pct .* \[0, 100\).*plot '2' = 100"),
        ("moisture_pct", [15.0, -2.0, 14.8, 15.0], r"plot '2' = -2"),
        ("impurity_pct", [1.0, 100.0, 2.0, 1.5], r"impurity_pct .* \[0, 100\).*plot '2' = 100"),
        ("impurity_pct", [1.0, -0.5, 2.0, 1.5], r"plot '2' = -0.5"),
        ("empty_grain_pct", [5.0, 120.0, 6.0, 4.0], r"empty_grain_pct .*plot '2' = 120"),
        ("shelling_pct", [82.0, 0.0, 84.0, 83.0], r"shelling_pct .* \(0, 100\].*plot '2' = 0"),
        ("shelling_pct", [82.0, 101.0, 84.0, 83.0], r"plot '2' = 101"),
    ],
)
def test_out_of_range_values(column, values, pattern):
    """Impossible values are errors naming the column, the interval, the plot and the value."""
    with pytest.raises(DataValidationError, match=pattern):
        read_plots(plots(**{column: values}))


def test_several_problems_reported_together():
    """Problems of different kinds are numbered in one error."""
    frame = plots(fresh_mass_kg=[14.0, -1.0, 13.6, 15.3], moisture_pct=[15.0, 101.0, 14.8, 15.0])
    with pytest.raises(DataValidationError, match=r"2 problems: \(1\) .*; \(2\) moisture_pct"):
        read_plots(frame)


def test_moisture_as_fractions():
    """A moisture column with every value in (0, 1] is an error suggesting x 100."""
    with pytest.raises(
        DataValidationError,
        match=r"moisture_pct looks like fractions.*Multiply"
        r" the column by 100",
    ):
        read_plots(plots(moisture_pct=[0.15, 0.152, 0.148, 0.15]))


def test_moisture_fraction_column_converted():
    """A column explicitly named moisture_fraction is converted to percent."""
    frame = plots(moisture_fraction=[0.15, 0.152, 0.148, 0.15]).drop(columns="moisture_pct")
    # 0.152 x 100 = 15.2
    assert read_plots(frame)["moisture_pct"].tolist() == pytest.approx([15.0, 15.2, 14.8, 15.0])


def test_shelling_as_fractions():
    """Shelling percentages given as fractions are an error."""
    with pytest.raises(DataValidationError, match="shelling_pct looks like fractions"):
        read_plots(plots(shelling_pct=[0.82, 0.84, 0.83, 0.81]))


def test_impurity_as_fractions_warns():
    """Impurity all in [0, 1) only warns: below 1 % is normal for cleaned grain."""
    with pytest.warns(YieldTrialWarning, match="every impurity_pct value lies in \\[0, 1\\)"):
        read_plots(plots(impurity_pct=[0.02, 0.01, 0.015, 0.02]))


def test_duplicate_plot_ids_listed():
    """Duplicate plot ids are listed with their counts."""
    with pytest.raises(
        DataValidationError,
        match=r"duplicate plot ids: '1' \(2 times\), "
        r"'2' \(2 times\)",
    ):
        read_plots(plots(plot_id=["1", "2", "1", "2"]))


def test_duplicate_plot_ids_allowed_across_sites():
    """The same plot id at two sites is fine; twice at one site is not."""
    frame = plots(plot_id=["1", "2", "1", "2"], site=["A", "A", "B", "B"])
    assert len(read_plots(frame)) == 4
    with pytest.raises(DataValidationError, match="duplicate plot ids within a site: 'A/1'"):
        read_plots(frame.assign(site="A"))


def test_empty_plot_id():
    """A row without a plot id is an error naming its row."""
    with pytest.raises(DataValidationError, match=r"plot_id is empty in index 1"):
        read_plots(plots(plot_id=["1", None, "3", "4"]))


def test_empty_treatment():
    """A row without a treatment is an error."""
    with pytest.raises(DataValidationError, match=r"treatment is empty in index 3"):
        read_plots(plots(treatment=["CK", "T", "CK", " "]))


def test_mass_without_moisture():
    """A weighed plot without moisture is an error; an empty mass marks a missing plot."""
    with pytest.raises(
        DataValidationError,
        match=r"moisture_pct is empty for index 1 \(plot '2'\).*"
        r"leave the mass empty too",
    ):
        read_plots(plots(moisture_pct=[15.0, np.nan, 14.8, 15.0]))


def test_impurity_blank_for_weighed_plot():
    """A blank impurity cell next to a mass asks for 0 when nothing was deducted."""
    with pytest.raises(
        DataValidationError, match=r"impurity_pct is empty for index 3 \(plot '4'\).*enter 0"
    ):
        read_plots(plots(impurity_pct=[1.0, 1.0, 1.0, np.nan]))


def test_duplicate_header(tmp_path):
    """A header used twice is an error."""
    path = tmp_path / "plots.csv"
    path.write_text("plot_id,treatment,treatment\n1,A,B\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="header 'treatment' appears more than once"):
        read_plots(path)


def test_unknown_area_unit_explained():
    """An area header with an unknown unit is explained in the missing-column error."""
    frame = plots().drop(columns="harvested_area_m2").assign(**{"area (rods)": 1.0})
    with pytest.raises(DataValidationError, match=r"'area \(rods\)' looks like harvested_area"):
        read_plots(frame)


def test_row_column_must_be_whole_numbers():
    """Field-map positions must be whole numbers."""
    with pytest.raises(DataValidationError, match=r"'row' must hold whole field positions"):
        read_plots(plots(row=[1, 1.5, 2, 2]))


def test_check_control_lists_treatments():
    """A control label that is not a treatment is an error listing the treatments present."""
    with pytest.raises(
        DataValidationError,
        match=r"control 'ck' is not a treatment of this "
        r"trial; treatments present: 'CK', 'T'",
    ):
        _validation.check_control("ck", ["CK", "T"])


def test_check_control_several():
    """Several controls are returned as a tuple in the given order."""
    assert _validation.check_control(["CK2", "CK1"], ["CK1", "CK2", "T"]) == ("CK2", "CK1")


def test_check_control_none():
    """No control gives an empty tuple."""
    assert _validation.check_control(None, ["A"]) == ()


def test_warn_implausible_moisture():
    """Wheat at 5 % moisture warns, naming the plot."""
    with pytest.warns(
        YieldTrialWarning,
        match=r"plausible harvest range for wheat \(8-25 %\): "
        r"plot '2' = 5 %",
    ):
        _validation.warn_implausible_moisture(
            plots(moisture_pct=[15.0, 5.0, 14.0, 15.0]), crop="wheat", low=8, high=25
        )


def test_list_items_truncates():
    """Lists longer than MAX_LISTED end with 'and N more'."""
    assert _validation.list_items(list("abcdefg")) == "a, b, c, d, e and 2 more"


def test_values_without_header(tmp_path):
    """A column that holds values but has no header is an error naming its position."""
    path = tmp_path / "plots.csv"
    path.write_text(
        "plot_id,treatment,,harvested_area_m2,fresh_mass_kg,moisture_pct\n1,CK,x,20,14,15\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError, match="column 3 holds values but has no header"):
        read_plots(path)


def test_ragged_rows(tmp_path):
    """A row with more fields than the header is an error."""
    path = tmp_path / "plots.csv"
    path.write_text(
        "plot_id,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n1,CK,20,14,15,9,9\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError, match=r"row 2 \(7 fields\) has more values than the 5"):
        read_plots(path)


def test_header_only_file(tmp_path):
    """A file with a header and no plots is an error."""
    path = tmp_path / "plots.csv"
    path.write_text(
        "plot_id,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n", encoding="utf-8"
    )
    with pytest.raises(DataValidationError, match="plots.csv: the table has no plot rows"):
        read_plots(path)


def test_columns_mapping_collision():
    """columns= mapping onto a name another column already has is an error."""
    frame = plots(品种=["a", "b", "c", "d"])
    with pytest.raises(DataValidationError, match="would both be named 'treatment'"):
        read_plots(frame, columns={"品种": "treatment"})


def test_warn_label_variants_silent_for_distinct_labels():
    """Distinct labels ('CK', 'CK2', 'T') give no warning."""
    import warnings as _warnings

    from yieldtrial.io.validation import warn_label_variants

    frame = pd.DataFrame({"plot_id": ["1", "2", "3"], "treatment": ["CK", "CK2", "T"]})
    with _warnings.catch_warnings():
        _warnings.simplefilter("error")
        warn_label_variants(frame)


def test_warn_label_variants_without_plot_ids():
    """Without a plot_id column the warning still names both spellings."""
    from yieldtrial.io.validation import warn_label_variants

    frame = pd.DataFrame({"treatment": ["CK", "ck"]})
    with pytest.warns(YieldTrialWarning, match="'CK' and 'ck'"):
        warn_label_variants(frame, ["treatment"])


# --- mixed_fraction_problem (stop 33) ----------------------------------------------------


def test_mixed_fraction_names_each_cell_and_the_fix() -> None:
    """0.127 among 13.7 and 12.9: 12.7 % typed as a fraction; the plot, value and fix."""
    from yieldtrial.io.validation import mixed_fraction_problem

    frame = pd.DataFrame({"plot_id": ["1", "2", "3"], "moisture_pct": [13.7, 0.127, 12.9]})
    assert mixed_fraction_problem(frame, "moisture_pct") == (
        "moisture_pct of plot '2' = 0.127 looks like a fraction among percentages (other "
        "plots have 13.7; yieldtrial expects percent, 0-100, and no grain is harvested below "
        "1 % moisture): enter it in percent (12.7 for 0.127), or correct the value"
    )


def test_mixed_fraction_shelling_has_its_own_reason() -> None:
    from yieldtrial.io.validation import mixed_fraction_problem

    frame = pd.DataFrame({"plot_id": ["1", "2"], "shelling_pct": [82.4, 0.81]})
    assert "no crop shells out below 1 %" in mixed_fraction_problem(frame, "shelling_pct")


@pytest.mark.parametrize(
    "values",
    [
        [13.7, 5.0, 12.9],  # low but possible (a warning for the crop, not this rule)
        [13.7, 1.0, 12.9],  # 1 % is not below 1 %
        [13.7, 0.0, np.nan],  # zero is not a fraction-looking cell
        [0.137, 0.129],  # fractions only: fraction_problem's case
    ],
)
def test_mixed_fraction_passes(values: list[float]) -> None:
    from yieldtrial.io.validation import mixed_fraction_problem

    frame = pd.DataFrame({"plot_id": [str(i) for i in range(len(values))], "moisture_pct": values})
    assert mixed_fraction_problem(frame, "moisture_pct") is None


def test_mixed_fraction_without_plot_ids_names_rows() -> None:
    from yieldtrial.io.validation import mixed_fraction_problem

    frame = pd.DataFrame({"moisture_pct": [13.7, 0.127]})
    found = mixed_fraction_problem(frame, "moisture_pct", row_label=lambda i: f"row {i + 2}")
    assert found is not None and found.startswith("moisture_pct of row 3 = 0.127 looks")


@pytest.mark.parametrize(
    ("cell", "label"),
    [("'101", "101"), ("'0101", "0101"), ("''7", "''7"), ("'s-Gravenzande", "'s-Gravenzande")],
)
def test_excel_text_marker_before_a_number_is_removed(cell: str, label: str) -> None:
    """``'101`` (Excel's text marker typed before a number) kept its quote (stop 48).

    One quote before a digit goes, as the CSV-neutralising quote before ``=+-@`` does; a
    quote before a letter is part of the name.
    """
    from yieldtrial.io.validation import normalise_label

    assert normalise_label(cell) == label


@pytest.mark.parametrize("seed", range(6))
def test_all_different_bitmap_agrees_with_unique(seed):
    """The duplicate-id check's bitmap (narrow spans) and sort (wide ones) agree with np.unique.

    Expected: ``len(np.unique(ids)) == len(ids)``, an independent NumPy path.
    """
    rng = np.random.default_rng(seed)
    low = int(rng.integers(0, 10**17))
    cases = [
        low + rng.permutation(5_000),  # consecutive ids, shuffled: all different (bitmap)
        low + rng.integers(0, 40_000, 5_000),  # a narrow span with repeats (bitmap)
        rng.integers(0, 10**18, 5_000),  # a wide span (sort)
        np.array([low, low + 10**15, low]),  # wide, one repeat
        np.zeros(0, dtype=np.int64),
    ]
    for ids in cases:
        ids = np.asarray(ids, dtype=np.int64)
        assert _validation._all_different(ids) == (len(np.unique(ids)) == len(ids))
