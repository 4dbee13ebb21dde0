"""Loose ends stop 52 noticed, fixed in stop 53 (loose58): one behaviour per test.

Every table here is SYNTHETIC (a few plots typed for the behaviour); no expected value is a
statistic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import yieldtrial as yt
from yieldtrial.cli import main
from yieldtrial.commands._zh_messages import translate
from yieldtrial.errors import DataValidationError

_HEADER = "plot_id,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"


def _write(tmp_path: Path, text: str, name: str = "plots.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# 3. a required cell typed 'n/a' in a file: the message shows what was typed -----------------


def test_typed_missing_text_of_a_csv_cell_is_shown(tmp_path: Path) -> None:
    """The CSV readers read 'n/a' and '—' as empty cells; the message said only "empty".

    Rows 3 and 5 (header row 1) have a mass and a moisture typed as missing.
    """
    path = _write(tmp_path, _HEADER + "101,CK,20,10.2,20.5\n102,T,20,10.9, n/a \n"
                  "201,CK,20,10.4,20.1\n202,T,20,11.0,—\n")  # fmt: skip
    with pytest.raises(DataValidationError) as raised:
        yt.read_plots(path)
    message = str(raised.value)
    assert (
        "moisture_pct is empty for row 3 (plot '102'): 'n/a', row 5 (plot '202'): '—', "
        "which have a fresh mass"
    ) in message
    assert "第 3 行（小区 '102'）：'n/a'" in (translate(message) or "")


def test_typed_missing_text_of_a_converted_column_is_shown(tmp_path: Path) -> None:
    """An area in mu (converted to harvested_area_m2) shows its typed '-' too."""
    path = _write(tmp_path, "plot_id,treatment,area_mu,fresh_mass_kg,moisture_pct\n"
                  "101,CK,0.03,10.2,20.5\n102,T,-,10.9,20.0\n")  # fmt: skip
    with pytest.raises(DataValidationError, match=r"for row 3 \(plot '102'\): '-', which has"):
        yt.read_plots(path)


def test_truly_empty_csv_cell_shows_no_text(tmp_path: Path) -> None:
    """An empty cell is still "empty for row 3 (plot '102'), which has", no quoted text."""
    path = _write(tmp_path, _HEADER + "101,CK,20,10.2,20.5\n102,T,20,10.9,\n")
    with pytest.raises(DataValidationError) as raised:
        yt.read_plots(path)
    assert "moisture_pct is empty for row 3 (plot '102'), which has a fresh mass" in str(
        raised.value
    )


def test_typed_missing_mass_is_still_a_missing_plot(tmp_path: Path) -> None:
    """A mass typed 'n/a' (no moisture either) is a missing plot, read without an error."""
    path = _write(tmp_path, _HEADER + "101,CK,20,10.2,20.5\n102,T,20,n/a,n/a\n")
    plots = yt.read_plots(path)
    assert plots["fresh_mass_kg"].isna().tolist() == [False, True]


def test_typed_missing_text_in_the_cli_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line prints the typed text in its one error line, exit 1, no output."""
    path = _write(tmp_path, _HEADER + "101,CK,20,10.2,20.5\n102,T,20,10.9,NA\n")
    out = tmp_path / "yields.csv"
    assert main(["standardize", str(path), "--crop", "wheat", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "row 3 (plot '102'): 'NA'" in err
    assert not out.exists()
