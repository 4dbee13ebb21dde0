"""Label hygiene: numeric-looking labels, NFKC, zero-width and control characters, look-alikes."""

from __future__ import annotations

import pandas as pd
import pytest

from hostile import HEADER, assert_one_line_error
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io import read_plots
from yieldtrial.io.validation import clean_text, lookalike_letters, normalise_label

BASE = {
    "harvested_area_m2": [20.0] * 4,
    "fresh_mass_kg": [14.98, 13.77, 14.97, 13.89],
    "moisture_pct": [12.7, 13.7, 13.4, 13.8],
}


def _frame(**labels):
    return pd.DataFrame(
        {
            "plot_id": ["101", "102", "201", "202"],
            "block": ["1", "1", "2", "2"],
            "treatment": ["CK", "T", "CK", "T"],
            **labels,
            **BASE,
        }
    )


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("1", "1"),
        ("1.0", "1"),
        ("1.00", "1"),
        (1.0, "1"),
        ("0101", "0101"),  # leading zeros are part of a code
        ("1.5", "1.5"),
        ("ＣＫ", "CK"),  # full width
        ("C\u200bK", "CK"),  # zero-width space
        ("\ufeffCK", "CK"),  # BOM inside a cell
        ("C\x01K", "CK"),  # control character
        ("C K\t", "C K"),
        ("'-N", "-N"),  # CSV-neutralising quote removed on reading
        ("①", "1"),
    ],
)
def test_normalise_label(raw, label):
    """Each spelling becomes the documented label."""
    assert normalise_label(raw) == label


def test_blocks_1_and_1_0_are_one_block(tmp_path):
    """'1' and '1.0' (as a spreadsheet exports) are the same block."""
    path = tmp_path / "p.csv"
    path.write_text(
        HEADER + "101,1,CK,20,14.98,12.7\n102,1.0,T,20,13.77,13.7\n201,2,CK,20,14.97,13.4\n",
        encoding="utf-8",
    )
    assert read_plots(path)["block"].tolist() == ["1", "1", "2"]


def test_plot_ids_101_and_101_0_are_duplicates(tmp_path, capsys):
    """101 and 101.0 are one plot id: a duplicate, named after normalisation."""
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "101,1,CK,20,14.98,12.7\n101.0,1,T,20,13.77,13.7\n", encoding="utf-8")
    assert_one_line_error(
        ["standardize", str(path), "--crop", "wheat"],
        capsys,
        match=r"duplicate plot ids: '101' \(2 times\)",
        untouched=[path],
    )


def test_zero_width_space_does_not_split_a_treatment():
    """A zero-width space inside CK does not make a second treatment; the merge is reported."""
    frame = _frame(treatment=["CK", "T", "C\u200bK", "T"])
    with pytest.warns(YieldTrialWarning, match=r"treatment 'C\\u200bK' and 'CK' are read as 'CK'"):
        plots = read_plots(frame)
    assert plots["treatment"].tolist() == ["CK", "T", "CK", "T"]


def test_cyrillic_lookalike_is_warned_not_merged():
    """A Cyrillic С in 'СK' looks like Latin C: warned with the code point, kept apart."""
    frame = _frame(treatment=["CK", "T", "\u0421K", "T"])
    with pytest.warns(YieldTrialWarning, match=r"'СK' has Cyrillic С \(U\+0421\)"):
        plots = read_plots(frame)
    assert plots["treatment"].tolist()[2] == "\u0421K"


def test_mixed_script_label_alone_is_warned():
    """A label mixing Latin and Greek letters warns even without a Latin twin."""
    frame = _frame(treatment=["\u039aN", "T", "\u039aN", "T"])  # Greek Kappa + Latin N
    with pytest.warns(YieldTrialWarning, match=r"mixing Latin letters with look-alike"):
        read_plots(frame)


def test_control_with_lookalike_letters_names_them():
    """--control CK against a table holding Cyrillic 'СК' explains the mismatch."""
    from yieldtrial.io.validation import check_control

    with pytest.raises(DataValidationError, match=r"the table has 'СК', written with Cyrillic"):
        check_control("CK", ["\u0421\u041a", "T"])


def test_control_given_full_width_matches():
    """A full-width control label on the command line matches the table's CK."""
    from yieldtrial.io.validation import check_control

    assert check_control("ＣＫ", ["CK", "T"]) == ("CK",)


def test_control_characters_are_stripped_from_text_columns():
    """Notes holding control characters (lxml's 'XML compatible' error) are cleaned."""
    frame = _frame(notes=["ok", "bell\x07", "nul\x00", "tab\tkept"])
    plots = read_plots(frame)
    assert plots["notes"].tolist() == ["ok", "bell", "nul", "tab\tkept"]


def test_clean_text_keeps_line_breaks_and_removes_surrogates():
    """Line breaks stay (renderers decide), lone surrogates and C1 controls go."""
    assert clean_text("a\nb\ud800c\x85d") == "a\nbcd"


def test_lookalike_letters_lists_each_once():
    """Each look-alike letter is named once with its script and code point."""
    assert lookalike_letters("ССK") == ["Cyrillic С (U+0421)"]


def test_docx_report_with_control_characters_in_labels(tmp_path, capsys):
    """A control character in a treatment label no longer breaks the DOCX writer."""
    pytest.importorskip("docx")
    from hostile import run_cli

    path = tmp_path / "p.csv"
    rows = ["101,1,C\x01K,20,14.98,12.7", "102,1,T,20,13.77,13.7", "201,2,CK,20,14.97,13.4",
            "202,2,T,20,13.89,13.8", "301,3,CK,20,14.5,13.0", "302,3,T,20,13.6,13.2"]  # fmt: skip
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "r.docx"
    code, lines = run_cli(
        ["report", str(path), "--crop", "wheat", "--control", "CK", "--no-figures", "-o", str(out)],
        capsys,
    )
    assert code == 0, lines
    assert out.stat().st_size > 0
