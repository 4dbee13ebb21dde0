"""A moisture cell typed as a fraction among percentages is an error everywhere (stop 33).

0.127 among 13.7 and 12.9 is 12.7 % typed as a fraction: no grain is harvested below 1 %
moisture (the lowest plausible harvest moisture of any crop yieldtrial knows is 8 %).
Before, such a column only warned (the crop's implausible-moisture warning) and the plot
was standardized from 0.127 %.  Now every entry point refuses it in the reader
(``io.validation.mixed_fraction_problem``): ``report``, ``standardize`` (in memory and
streamed), ``FieldTrial.from_csv`` and ``FieldTrial.from_dataframe`` stop with the message;
``network`` leaves the site out with it, as any invalid harvest record of a site.  Wheat
at 5 % stays a warning.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from hostile import run_cli_text
from yieldtrial import FieldTrial
from yieldtrial.commands import standardize as standardize_command
from yieldtrial.errors import DataValidationError, YieldTrialWarning

MESSAGE = (
    "moisture_pct of plot '202' = 0.127, plot '303' = 0.131 look like fractions among "
    "percentages (other plots have 13.7; yieldtrial expects percent, 0-100, and no grain "
    "is harvested below 1 % moisture): enter each in percent (12.7 for 0.127), or "
    "correct the value"
)


def _table(sites: bool = False) -> pd.DataFrame:
    """Three blocks x (CK, T1, T2), wheat; plots 202 and 303 moisture typed as fractions."""
    rows = []
    for block in (1, 2, 3):
        for i, treatment in enumerate(("CK", "T1", "T2")):
            rows.append({"plot_id": f"{block}0{i + 1}", "block": block, "treatment": treatment,
                         "harvested_area_m2": 20.0, "fresh_mass_kg": 14.0 + i + 0.1 * block,
                         "moisture_pct": 13.7 - 0.4 * i, "impurity_pct": 1.0})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame.loc[frame["plot_id"] == "202", "moisture_pct"] = 0.127
    frame.loc[frame["plot_id"] == "303", "moisture_pct"] = 0.131
    if sites:
        other = frame.copy()
        other["moisture_pct"] = 14.0
        # one plot off the additive pattern: exactly additive yields are an exact fit,
        # a site the network refuses (stop 33)
        other.loc[other["plot_id"] == "202", "fresh_mass_kg"] += 0.3
        frame = pd.concat([frame.assign(site="A"), other.assign(site="B")], ignore_index=True)
    return frame


def _csv(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "plots.csv"
    frame.to_csv(path, index=False)
    return path


def test_from_dataframe_refuses_fraction_cells() -> None:
    with pytest.raises(DataValidationError, match=MESSAGE.replace("(", r"\(").replace(")", r"\)")):
        FieldTrial.from_dataframe(_table(), crop="wheat", control="CK")


def test_from_csv_refuses_fraction_cells(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="plot '202' = 0.127, plot '303' = 0.131"):
        FieldTrial.from_csv(_csv(tmp_path, _table()), crop="wheat", control="CK")


def test_report_refuses_fraction_cells_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    code, err = run_cli_text(
        ["report", str(_csv(tmp_path, _table())), "--crop", "wheat", "-o", str(out)]
    )
    assert code == 1 and err.count("\n") == 1 and MESSAGE in err
    assert not out.exists()


@pytest.mark.parametrize("streamed", [False, True])
def test_standardize_refuses_fraction_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """In memory and through the streamed reader (which falls back to the same message)."""
    monkeypatch.setattr(standardize_command, "STREAM_MIN_BYTES", 0 if streamed else 1 << 40)
    out = tmp_path / "out.csv"
    path = _csv(tmp_path, _table())
    code, err = run_cli_text(["standardize", str(path), "--crop", "wheat", "-o", str(out)])
    assert code == 1 and err.count("\n") == 1 and MESSAGE in err
    assert not out.exists()


def test_network_leaves_out_the_site_with_fraction_cells(tmp_path: Path) -> None:
    """The site is left out with the reader's message, as for any invalid harvest record.

    The warning and the Sites table's reason name it; the other site is analysed.
    """
    out = tmp_path / "network.md"
    path = _csv(tmp_path, _table(sites=True))
    code, err = run_cli_text(
        ["network", str(path), "--crop", "wheat", "--by", "site", "-o", str(out)]
    )
    assert code == 0
    assert f"yieldtrial: warning: left out site 'A': plots.csv: {MESSAGE}" in err
    text = out.read_text(encoding="utf-8")
    assert "| A | failed |" in text and "| B | ok |" in text


def test_a_low_but_possible_moisture_only_warns() -> None:
    """Wheat at 5 % is suspicious (plausible 8-25 %) but possible: a warning, no error."""
    frame = _table()
    frame.loc[frame["plot_id"] == "202", "moisture_pct"] = 5.0
    frame.loc[frame["plot_id"] == "303", "moisture_pct"] = 13.1
    with pytest.warns(YieldTrialWarning, match="plot '202' = 5 %"):
        FieldTrial.from_dataframe(frame, crop="wheat", control="CK")


def test_a_column_of_percentages_at_one_or_more_passes() -> None:
    """1 % is the threshold: a cell of exactly 1 is not refused by this rule."""
    frame = _table()
    frame.loc[frame["plot_id"] == "202", "moisture_pct"] = 1.0
    frame.loc[frame["plot_id"] == "303", "moisture_pct"] = 13.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        FieldTrial.from_dataframe(frame, crop="wheat", control="CK")
