"""Stop 32 hostile-pass leftovers: percent formats, augmented controls, illustrative keys.

Whole numbers shown as percentages (and the network's reader), an entry given as the
control of an augmented design, an ``illustrative`` key without a value. Each was listed
as "Left" under "Stop 32 (hostile pass ...)" in CHANGELOG.md; each is now read as shown
or refused with one line naming the value and what to give instead, exit 1, inputs
unchanged and no output written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hostile import COLUMNS, VALUES, assert_one_line_error, plot_table, plot_workbook, run_cli
from yieldtrial.errors import DataValidationError

openpyxl = pytest.importorskip("openpyxl")


def _percent_workbook(path, moisture, formatted=(0, 1, 2, 3)):
    """Write the small plot table with these moisture cells, those of ``formatted`` in 0%."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for number, (row, value) in enumerate(zip(VALUES, moisture, strict=True)):
        sheet.append([*row[:5], value])
        if number in formatted:
            sheet.cell(number + 2, 6).number_format = "0%"
    book.save(path)
    return path


# ------------------------------------------------------------------ percent-formatted numbers


def test_whole_number_shown_as_100_percent_is_out_of_range(tmp_path, capsys):
    """A moisture cell holding the integer 1 shown as 100 % is 100 %: out of range, named."""
    # the others are 0.137, 0.134, 0.138 shown as 13.7 %, 13.4 %, 13.8 % (valid moisture)
    path = _percent_workbook(tmp_path / "p.xlsx", [1, 0.137, 0.134, 0.138])
    out = tmp_path / "out.csv"
    assert_one_line_error(
        ["standardize", str(path), "--crop", "wheat", "-o", str(out)],
        capsys,
        match=r"p\.xlsx: moisture_pct \(percent\) must be in \[0, 100\); 1 value out of range: "
        r"plot '101' = 100\. Percentages are 0-100",
        untouched=[path],
        absent=[out],
    )


def test_whole_numbers_of_a_percent_column_are_read_as_shown(tmp_path):
    """0 shown as 0 % stays 0 and 1 shown as 100 % becomes 100, as 0.137 becomes 13.7."""
    from yieldtrial.io.plots import map_plot_headers
    from yieldtrial.io.table_files import read_table_file

    path = _percent_workbook(tmp_path / "p.xlsx", [0, 1, 0.137, 1.0])
    raw, _ = read_table_file(path, sheet=None, encoding=None)
    # every cell is shown: 0 %, 100 %, 13.7 %, 100 % (Excel's 0% format)
    assert map_plot_headers(raw)["moisture_pct"].tolist() == [0.0, 100.0, 13.7, 100.0]


def test_a_numpy_whole_number_is_scaled_too():
    """The scaling takes any real number, not only Python floats (an int64 1 is 100)."""
    from yieldtrial.io.plots import _percent_shown

    frame = pd.DataFrame({"moisture_pct": pd.Series([np.int64(1), 0.127], dtype=object)})
    shown = _percent_shown(frame, [(0, "m"), (1, "m")], {"m": "moisture_pct"})
    assert shown["moisture_pct"].tolist() == [100.0, 12.7]  # 1 x 100; 0.127 x 100
    assert frame["moisture_pct"].tolist() == [1, 0.127]  # the caller's table is kept


def test_network_reads_percent_formatted_moisture_as_shown(tmp_path):
    """The network reader (validate=False) read 0.127 shown as 12.7 % as 0.127.

    All four cells formatted: it refused the column as fractions; one cell among plain
    percentages would have been analysed at 0.127 % moisture.
    """
    from yieldtrial.io.sources import read_plot_sources

    path = plot_workbook(tmp_path / "p.xlsx", percent=(0, 1, 2, 3))
    plots = read_plot_sources(path, validate=False)
    # VALUES: 12.7, 13.7, 13.4, 13.8, stored 0.127 ... by _workbook, shown as 12.7 % ...
    assert plots["moisture_pct"].tolist() == [12.7, 13.7, 13.4, 13.8]


def test_network_command_reads_one_percent_formatted_cell_as_shown(tmp_path, capsys):
    """`network` on a workbook with one cell shown as 12.7 % (stored 0.127) runs as 12.7."""
    path = plot_workbook(tmp_path / "p.xlsx", percent=(0,))
    out = tmp_path / "n.json"
    code, lines = run_cli(["network", str(path), "--crop", "wheat", "-o", str(out)], capsys)
    assert code == 0, lines
    assert not any("fraction" in line for line in lines), lines  # no 0.127 % warning
    assert out.is_file()


def test_network_command_names_a_whole_number_shown_as_100_percent(tmp_path, capsys):
    """In `network`, 1 shown as 100 % is read as 100 and the trial's moisture refused."""
    path = _percent_workbook(tmp_path / "p.xlsx", [1, 0.137, 0.134, 0.138])
    out = tmp_path / "n.json"
    assert_one_line_error(
        ["network", str(path), "--crop", "wheat", "-o", str(out)],
        capsys,
        match=r"moisture_pct \(percent\) must be in \[0, 100\); 1 value out of range: "
        r"plot '101' = 100",
        untouched=[path],
        absent=[out],
    )


# ------------------------------------------------------------------ augmented design controls


def _augmented(tmp_path, control):
    return [
        "design",
        "augmented",
        "--checks",
        "CK1",
        "CK2",
        "--treatments",
        "E1",
        "E2",
        "E3",
        "E4",
        "--blocks",
        "2",
        "--seed",
        "1",
        "--control",
        control,
        "-o",
        str(tmp_path / "fieldbook.csv"),
    ]


def test_design_augmented_refuses_an_entry_as_control(tmp_path, capsys):
    """--control E1 (an entry, planted once) was accepted; the report then compared with it."""
    assert_one_line_error(
        _augmented(tmp_path, "E1"),
        capsys,
        match=r"^yieldtrial: error: control 'E1' is an entry of this augmented design \(planted "
        r"once\), not a check; the checks are 'CK1', 'CK2': pass --control one of them$",
        absent=[tmp_path / "fieldbook.csv"],
    )


def test_design_augmented_names_the_checks_for_an_unknown_control(tmp_path, capsys):
    """A label that is neither lists the checks only (an entry is no control to offer)."""
    assert_one_line_error(
        _augmented(tmp_path, "ck1"),
        capsys,
        match=r"control 'ck1' is not a check of this augmented design \(labels are "
        r"case-sensitive\); the checks are 'CK1', 'CK2': pass --control one of them$",
        absent=[tmp_path / "fieldbook.csv"],
    )


def test_design_augmented_accepts_a_check_as_control(tmp_path, capsys):
    """A check is the control: the field book is written and the line to reuse printed."""
    code, lines = run_cli(_augmented(tmp_path, "CK2"), capsys)
    assert code == 0, lines
    assert "control: CK2 (give --control CK2 to `yieldtrial report`" in "\n".join(lines)
    assert (tmp_path / "fieldbook.csv").is_file()


def test_layout_refuses_an_entry_as_augmented_control():
    """The API behind the command (design.layout) refuses the entry the same way."""
    from yieldtrial.design import layout

    with pytest.raises(DataValidationError, match=r"control 'E2' is an entry of this augmented"):
        layout("augmented", ["E1", "E2", "E3"], blocks=2, seed=1, checks=["A", "B"], controls="E2")


def test_layout_records_a_check_as_augmented_control():
    """Two checks given as controls are recorded, in the order given."""
    from yieldtrial.design import layout

    book = layout(
        "augmented", ["E1", "E2", "E3"], blocks=2, seed=1, checks=["A", "B"], controls=["B", "A"]
    )
    assert book.attrs["design"]["controls"] == ["B", "A"]


# ------------------------------------------------------------------ [conditions] illustrative


def test_illustrative_key_without_a_value_is_refused(tmp_path, capsys):
    """An ``illustrative = ["soil_ph"]`` with no soil_ph marked nothing and was accepted."""
    plots = plot_table(tmp_path)
    config = tmp_path / "trial.toml"
    config.write_text(
        '[conditions]\nsowing_date = "2024-10-08"\nillustrative = ["soil_ph"]\n', "utf-8"
    )
    out = tmp_path / "report.json"
    argv = ["report", str(plots), "--crop", "wheat", "--config", str(config), "-o", str(out)]
    assert_one_line_error(
        argv,
        capsys,
        match=r"trial\.toml'?: \[conditions\]: illustrative lists 'soil_ph', for which the file "
        r"gives no value, so nothing would be marked; given: 'sowing_date'\. Add soil_ph to "
        r"\[conditions\], or take it out of illustrative\.$",
        untouched=[plots, config],
        absent=[out],
    )


def test_illustrative_site_without_a_site_says_trial_table():
    """site, variety and previous_crop are given in [trial]; the fix says so."""
    from yieldtrial.config import TrialConfig

    text = '[conditions]\nillustrative = ["site", "weather"]\n'
    with pytest.raises(
        DataValidationError,
        match=r"lists 'site', 'weather', for which the file gives no value, so nothing would be "
        r"marked; given: none\. Add site to \[trial\] and weather to \[conditions\], or take "
        r"them out of illustrative\.",
    ):
        TrialConfig.from_text(text)


def test_illustrative_key_with_an_empty_value_is_refused():
    """An empty text is not shown either (the report skips it), so it marks nothing."""
    from yieldtrial.config import TrialConfig

    text = '[conditions]\nsoil_type = ""\nillustrative = ["soil_type"]\n'
    with pytest.raises(DataValidationError, match=r"lists 'soil_type', for which the file"):
        TrialConfig.from_text(text)


def test_illustrative_keys_given_are_accepted():
    """A key of [trial] and one of [conditions], both given, are accepted (listed twice too)."""
    from yieldtrial.config import TrialConfig

    text = '[trial]\nsite = "X"\n[conditions]\nsoil_ph = 6.5\nillustrative = ["site", "soil_ph"]\n'
    assert TrialConfig.from_text(text).conditions["illustrative"] == ["site", "soil_ph"]
