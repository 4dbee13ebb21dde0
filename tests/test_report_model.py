"""report/model.py helpers: records() of wide tables carrying attrs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from yieldtrial.report.model import Column, Table, records


def test_records_of_a_wide_table_with_attrs():
    """A 2,000-column table with attrs: records as without attrs, attrs left on the table.

    pandas deep-copies a frame's attrs into every column taken from it; a 5,000-column plot
    table (with its column map in attrs) made a 12-plot report take 13 s instead of 6.
    """
    frame = pd.DataFrame({f"x{i}": [1.0, np.nan] for i in range(2000)})
    frame["label"] = ["a", None]
    frame.attrs = {"column_map": {f"x{i}": f"x{i}" for i in range(2000)}}
    got = records(frame)
    assert got[0]["x0"] == 1.0 and got[1]["x0"] is None and got[1]["label"] is None
    assert got == records(pd.DataFrame(frame.to_dict()))
    assert len(frame.attrs["column_map"]) == 2000


def test_a_table_groups_all_its_thousands_when_one_value_is_grouped() -> None:
    # 10,434.7 reaches the default grouping threshold (10,000): 9,896.9 in the same
    # column is grouped too, the smaller 512.0 has no thousands
    table = Table("t", [Column("y", "Y", digits=1)], [{"y": 9896.9}, {"y": 10434.7}, {"y": 512.0}])
    assert [row[0] for row in table.formatted()] == ["9,896.9", "10,434.7", "512.0"]


def test_a_number_column_below_the_threshold_stays_ungrouped() -> None:
    table = Table("t", [Column("y", "Y", digits=1)], [{"y": 9896.9}, {"y": 1234.5}])
    assert [row[0] for row in table.formatted()] == ["9896.9", "1234.5"]


def test_a_grouped_value_groups_the_thousands_of_the_other_number_columns_too() -> None:
    # the checks-by-block table: block 1 holds 10,467.3, block 2 only values below 10,000
    columns = [Column("b1", "1", digits=1), Column("b2", "2", digits=1)]
    table = Table("t", columns, [{"b1": 10467.3, "b2": 9708.1}])
    assert table.formatted() == [["10,467.3", "9,708.1"]]


def test_a_number_rounding_up_to_ten_thousand_is_grouped_with_its_table() -> None:
    """9999.96 to one decimal shows 10,000.0, its table's thousands grouped (hostile pass).

    The grouping looked at the unrounded value: the cell read "10000.0", five digits
    ungrouped, and "5000.0" under it.
    """
    from yieldtrial.report.model import Column, Table

    table = Table("t", [Column("y", "Y", digits=1)], [{"y": 9999.96}, {"y": 5000.0}])
    assert table.formatted() == [["10,000.0"], ["5,000.0"]]


def test_a_number_style_groups_the_number_it_shows() -> None:
    """NumberStyle: 9999.96 -> '10,000.0' (shown as 10000.0); 9999.94 -> '9999.9'."""
    from yieldtrial.report.model import NumberStyle

    assert NumberStyle().number(9999.96, 1) == "10,000.0"
    assert NumberStyle().number(-9999.96, 1) == "-10,000.0"
    assert NumberStyle().number(9999.94, 1) == "9999.9"


def test_an_absent_section_is_a_yieldtrial_error_naming_the_sections() -> None:
    """report.section('nope') was a bare KeyError printed in quotes (stop 39)."""
    import pytest

    from yieldtrial.errors import UnknownNameError
    from yieldtrial.report.model import Report, Section

    report = Report(title="t", lang="en", sections=[Section(key="means", title="Means")])
    with pytest.raises(UnknownNameError) as error:
        report.section("nope")
    assert str(error.value) == "no section 'nope'; sections: means"
