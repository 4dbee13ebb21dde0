"""Semicolon-separated tables with decimal commas (the European Excel export) are read.

``plot;block;treatment;fresh_mass_kg`` with ``12,5``: the comma is the decimal mark when a
numeric cell proves it (``12,5``, ``0,127``; not ``15,110``, which could be thousands) and
no numeric cell holds a dot.  A dot beside decimal commas (``1.234,5``, ``12.5``) is refused:
it may be a thousands separator or a decimal point.  The expected values are the cells
themselves with the comma read as a point; each entry point's output is compared with the
same table written with dots and commas as separators.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hostile import run_cli_text
from yieldtrial import FieldTrial
from yieldtrial.commands import standardize as standardize_command
from yieldtrial.errors import DataValidationError
from yieldtrial.io import read_plots

#: A wheat RCBD, 2 blocks x (CK, N1, N2), written the English way (comma-separated, dots).
ROWS = [
    ("101", "1", "CK", "20", "12.5", "13.7", "1.2"),
    ("102", "1", "N1", "20", "13.25", "14.1", "0.8"),
    ("103", "1", "N2", "20", "15.11", "12.9", "1"),
    ("201", "2", "CK", "20", "12.05", "13.2", "1.1"),
    ("202", "2", "N1", "20", "13.4", "13.8", "0.9"),
    ("203", "2", "N2", "20", "14.75", "13", "1.3"),
]
HEADER = ("plot", "block", "treatment", "harvested_area_m2", "fresh_mass_kg", "moisture_pct",
          "impurity_pct")  # fmt: skip


def _text(sep: str, comma: bool, rows=ROWS, header=HEADER, newline: str = "\n") -> str:
    lines = [sep.join(header)]
    for row in rows:
        cells = [c.replace(".", ",") if comma else c for c in row]
        lines.append(sep.join(cells))
    return newline.join(lines) + newline


def _write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize(("bom", "newline"), [(False, "\n"), (True, "\n"), (True, "\r\n")])
def test_read_plots_reads_decimal_commas(tmp_path: Path, bom: bool, newline: str) -> None:
    """Plain, with a UTF-8 BOM (Excel's 'CSV UTF-8') and with CRLF line ends."""
    path = _write(tmp_path, "eu.csv", _text(";", True, newline=newline), bom=bom)
    plots = read_plots(path)
    assert plots["fresh_mass_kg"].tolist() == [12.5, 13.25, 15.11, 12.05, 13.4, 14.75]
    assert plots["moisture_pct"].tolist() == [13.7, 14.1, 12.9, 13.2, 13.8, 13.0]
    assert plots["impurity_pct"].tolist() == [1.2, 0.8, 1.0, 1.1, 0.9, 1.3]
    assert plots["plot_id"].tolist() == ["101", "102", "103", "201", "202", "203"]


def test_three_decimals_are_read_once_the_comma_is_proven(tmp_path: Path) -> None:
    """'15,110' beside '12,5' is 15.11 kg (a lone '15,110' stays an error: thousands?)."""
    rows = [("101", "1", "CK", "20", "15.110", "13.7", "1.2"), *ROWS[1:]]
    plots = read_plots(_write(tmp_path, "eu.csv", _text(";", True, rows=rows)))
    assert plots["fresh_mass_kg"].iloc[0] == 15.11


def test_percent_cells_with_a_sign(tmp_path: Path) -> None:
    rows = [(*row[:5], row[5] + "%", row[6]) for row in ROWS]
    plots = read_plots(_write(tmp_path, "eu.csv", _text(";", True, rows=rows)))
    assert plots["moisture_pct"].iloc[0] == 13.7


def test_labels_with_dots_or_commas_do_not_count(tmp_path: Path) -> None:
    """Treatment labels are text: 'N1.5' does not make the file ambiguous."""
    rows = [(*row[:2], row[2] + ".5", *row[3:]) for row in ROWS]
    text = _text(";", False, rows=rows)
    text = text.replace(".", ",").replace("CK,5", "CK.5").replace("N1,5", "N1.5")
    text = text.replace("N2,5", "N2.5")
    plots = read_plots(_write(tmp_path, "eu.csv", text))
    assert plots["treatment"].iloc[0] == "CK.5"
    assert plots["fresh_mass_kg"].iloc[0] == 12.5


def test_a_thousands_dot_is_refused(tmp_path: Path) -> None:
    rows = [("101", "1", "CK", "20", "1.234.5", "13.7", "1.2"), *ROWS[1:]]
    text = _text(";", True, rows=rows).replace("1,234,5", "1.234,5")
    with pytest.raises(
        DataValidationError,
        match=r"eu.csv: the file is separated by semicolons and writes decimals with a comma "
        r"\('13,25'.*1 number in numeric columns holds a dot: fresh_mass_kg row 2 \(plot "
        r"'101'\): '1.234,5'\. .*with a decimal comma \('1234,5'\)",
    ):
        read_plots(_write(tmp_path, "eu.csv", text))


def test_a_decimal_point_among_decimal_commas_is_refused(tmp_path: Path) -> None:
    """'13.25' beside '12,5': the dot could be a thousands separator; the cell is named."""
    text = _text(";", True).replace("13,25", "13.25")
    with pytest.raises(DataValidationError, match=r"fresh_mass_kg row 3 \(plot '102'\): '13.25'"):
        read_plots(_write(tmp_path, "eu.csv", text))


def test_fieldtrial_from_csv_equals_the_dot_file(tmp_path: Path) -> None:
    eu = FieldTrial.from_csv(_write(tmp_path, "eu.csv", _text(";", True)), crop="wheat")
    en = FieldTrial.from_csv(_write(tmp_path, "en.csv", _text(",", False)), crop="wheat")
    pd.testing.assert_frame_equal(eu.yields(), en.yields())


@pytest.mark.parametrize("streamed", [False, True])
def test_standardize_output_equals_the_dot_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """Byte for byte; a semicolon file is never streamed (its decimal mark needs all rows)."""
    monkeypatch.setattr(standardize_command, "STREAM_MIN_BYTES", 0 if streamed else 1 << 40)
    outputs = []
    for name, sep, comma in (("eu.csv", ";", True), ("en.csv", ",", False)):
        path = _write(tmp_path, name, _text(sep, comma), bom=comma)
        out = tmp_path / f"out-{name}"
        assert run_cli_text(["standardize", str(path), "--crop", "wheat", "-o", str(out)])[0] == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_report_reads_decimal_commas(tmp_path: Path) -> None:
    reports = []
    for name, sep, comma in (("eu.csv", ";", True), ("en.csv", ",", False)):
        path = _write(tmp_path, name, _text(sep, comma, newline="\r\n"))
        out = tmp_path / f"{name}.json"
        argv = ["report", str(path), "--crop", "wheat", "--control", "CK", "--format", "json",
                "-o", str(out)]  # fmt: skip
        assert run_cli_text(argv)[0] == 0
        reports.append(out.read_text(encoding="utf-8"))
    strip = [r.replace("eu.csv", "X").replace("en.csv", "X") for r in reports]
    eu_means = [line for line in strip[0].splitlines() if "mean" in line]
    en_means = [line for line in strip[1].splitlines() if "mean" in line]
    assert eu_means == en_means and eu_means


def test_report_refuses_an_ambiguous_file_in_one_line(tmp_path: Path) -> None:
    text = _text(";", True).replace("13,25", "13.25")
    out = tmp_path / "r.md"
    code, err = run_cli_text(["report", str(_write(tmp_path, "eu.csv", text)), "--crop", "wheat",
                              "-o", str(out)])  # fmt: skip
    assert code == 1 and err.count("\n") == 1 and "holds a dot" in err
    assert not out.exists()


@pytest.mark.parametrize("kind", ["harvest", "yield"])
def test_network_reads_decimal_commas(tmp_path: Path, kind: str) -> None:
    """Both network paths: harvest records (validated per site) and a yield column."""
    rows = [("A", *row) for row in ROWS] + [("B", *row) for row in ROWS]
    header = ("site", *HEADER)
    if kind == "yield":
        rows = [(*row[:4], f"{float(row[5]) * 400:.1f}") for row in rows]
        header = ("site", "plot", "block", "treatment", "yield_kg_ha")
    outputs = []
    for name, sep, comma in (("eu.csv", ";", True), ("en.csv", ",", False)):
        path = _write(tmp_path, name, _text(sep, comma, rows=rows, header=header))
        out = tmp_path / f"net-{name}.csv"
        argv = ["network", str(path), "--crop", "wheat", "--by", "site", "--control", "CK",
                "-o", str(out)]  # fmt: skip
        code, err = run_cli_text(argv)
        assert code == 0, err
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    assert "failed" not in outputs[0]


def test_network_refuses_an_ambiguous_file_in_one_line(tmp_path: Path) -> None:
    """The whole file is ambiguous (not one site): the command stops, naming the cell."""
    rows = [("A", *row) for row in ROWS] + [("B", *row) for row in ROWS]
    text = _text(";", True, rows=rows, header=("site", *HEADER)).replace("13,25", "13.25", 1)
    out = tmp_path / "net.md"
    code, err = run_cli_text(["network", str(_write(tmp_path, "eu.csv", text)), "--crop", "wheat",
                              "--by", "site", "-o", str(out)])  # fmt: skip
    assert code == 1 and err.count("\n") == 1
    assert "fresh_mass_kg row 3 (plot '102'): '13.25'" in err
    assert not out.exists()


def test_many_dots_are_counted_and_the_first_named(tmp_path: Path) -> None:
    """A whole file of dots beside one decimal comma: five cells named, the rest counted."""
    text = _text(";", False).replace("12.5", "12,5", 1)
    with pytest.raises(
        DataValidationError,
        match=r"but 15 numbers in numeric columns hold a dot"
        r": fresh_mass_kg row 3 \(plot '102'\): '13.25', .* and 10 more\.",
    ):
        read_plots(_write(tmp_path, "eu.csv", text))
