"""Complete per-entry tables written next to a summarised report (report.companions)."""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from entry_cases import EFFECTS, plots
from yieldtrial.errors import DataValidationError
from yieldtrial.io.output import is_own_output
from yieldtrial.report import entries
from yieldtrial.report.build import build_report
from yieldtrial.report.companions import companion_path
from yieldtrial.report.files import write_report_file
from yieldtrial.trial import FieldTrial

DATE = "2026-01-01"


@pytest.fixture(autouse=True)
def _small_limit(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Summarise above 10 entries (top 3, bottom 2); close figures afterwards."""
    monkeypatch.setattr(entries, "ENTRY_TABLE_LIMIT", 10)
    monkeypatch.setattr(entries, "ENTRY_TABLE_TOP", 3)
    monkeypatch.setattr(entries, "ENTRY_TABLE_BOTTOM", 2)
    yield
    plt.close("all")


def _report(data: pd.DataFrame | None = None, **options: Any) -> Any:
    data = plots(EFFECTS) if data is None else data
    trial = FieldTrial.from_dataframe(data, crop="wheat", control="CK", design="rcbd")
    return build_report(trial, report_date=DATE, figures=False, **options)


@functools.cache
def _default_report() -> Any:
    """Return ``_report()`` built once (about 1.7 s of CPU; stop 45).

    For the tests that render or write that report without changing it: rendering reads
    the report, and the autouse limits are the same in every test of this module.
    """
    return _report()


def _csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False)


def test_html_report_writes_the_complete_means_table(tmp_path: Path) -> None:
    """``write`` of an HTML report writes report_means.csv: every entry, as the JSON has it."""
    report = _default_report()
    report.write(tmp_path / "r.html")
    frame = _csv(tmp_path / "r_means.csv")
    display = report.results["means_display"]  # every entry, display unit, unrounded
    assert len(frame) == len(display) == 30
    assert list(frame["Treatment"]) == [row["treatment"] for row in display]
    assert np.allclose(frame["Yield (kg/ha)"], [round(row["mean"], 1) for row in display])
    ps = [row["dunnett_p"] for row in display if row["treatment"] != "CK"]
    assert np.allclose(frame.loc[frame["Treatment"] != "CK", "Dunnett P vs CK"].astype(float), ps)


def test_report_names_its_companion_file(tmp_path: Path) -> None:
    """The written report says where the complete table is: the companion's file name."""
    _default_report().write(tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "The complete table of all 30 entries is in r_means.csv" in html


def test_companion_is_recorded_as_own_output(tmp_path: Path) -> None:
    """The CSV is in the folder's manifest, so the next run may replace it."""
    report = _default_report()
    write_report_file(report, tmp_path / "r.html", fmt="html")
    assert is_own_output(tmp_path / "r_means.csv")
    write_report_file(report, tmp_path / "r.html", fmt="html")  # replaced without --force
    assert is_own_output(tmp_path / "r_means.csv")


def test_foreign_file_is_not_replaced(tmp_path: Path) -> None:
    """A r_means.csv the user wrote stops the run before anything is written."""
    foreign = tmp_path / "r_means.csv"
    foreign.write_text("my own notes\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="r_means.csv"):
        write_report_file(_default_report(), tmp_path / "r.html", fmt="html")
    assert foreign.read_text(encoding="utf-8") == "my own notes\n"
    assert not (tmp_path / "r.html").exists()


def test_force_replaces_a_foreign_file(tmp_path: Path) -> None:
    """With force the foreign file is replaced by the complete table."""
    foreign = tmp_path / "r_means.csv"
    foreign.write_text("my own notes\n", encoding="utf-8")
    write_report_file(_default_report(), tmp_path / "r.html", fmt="html", force=True)
    assert len(_csv(foreign)) == 30


def test_noninferiority_companion(tmp_path: Path) -> None:
    """With a margin the non-inferiority table gets its complete file too (29 comparisons)."""
    _report(margin_pct=5.0).write(tmp_path / "r.md")
    frame = _csv(companion_path(tmp_path / "r.md", "noninferiority"))
    assert len(frame) == 29


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_json_and_excel_write_no_companion(tmp_path: Path, suffix: str) -> None:
    """JSON and Excel reports hold the complete tables themselves: no CSV next to them."""
    if suffix == ".xlsx":
        pytest.importorskip("openpyxl")
    _default_report().write(tmp_path / f"r{suffix}")
    assert not (tmp_path / "r_means.csv").exists()


def test_excel_means_sheet_is_complete(tmp_path: Path) -> None:
    """The Excel report writes the complete means table (30 rows), not the summary."""
    openpyxl = pytest.importorskip("openpyxl")
    report = _default_report()
    report.write(tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    labels = [
        cell.value
        for sheet in book.worksheets
        for (cell,) in sheet.iter_rows(min_col=2, max_col=2)
        if isinstance(cell.value, str) and (cell.value == "CK" or cell.value.startswith("E"))
    ]
    assert len(set(labels)) == 30


def test_companion_neutralises_formulas(tmp_path: Path) -> None:
    """A label that a spreadsheet would run as a formula is written with a leading quote."""
    data = plots(EFFECTS)
    data["treatment"] = data["treatment"].replace({"E01": "=E01"})
    _report(data).write(tmp_path / "r.html")
    text = (tmp_path / "r_means.csv").read_text(encoding="utf-8-sig")
    assert "'=E01" in text
    assert "\n=E01" not in text and ",=E01" not in text


def test_json_note_without_file_points_to_json_and_excel() -> None:
    """Rendered without a file (JSON, notebooks), the note names the JSON and Excel reports."""
    doc = json.loads(_default_report().to_json())
    means = next(s for s in doc["sections"] if s["key"] == "means")
    note = means["blocks"][0]
    assert note["type"] == "paragraph" and note["style"] == "note"
    assert "in the JSON report (results.means, results.control_comparisons)" in note["text"]


def test_cli_report_writes_and_names_the_companion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``yieldtrial report`` writes r_means.csv next to r.html and says so on stderr."""
    from yieldtrial.cli import main

    table = tmp_path / "plots.csv"
    plots(EFFECTS).to_csv(table, index=False)
    args = ["report", str(table), "-o", str(tmp_path / "r.html"), "--control", "CK",
            "--design", "rcbd", "--crop", "wheat", "--no-figures"]  # fmt: skip
    assert main(args) == 0
    assert f"wrote {tmp_path / 'r_means.csv'}" in capsys.readouterr().err
    assert is_own_output(tmp_path / "r_means.csv")


def test_chinese_companion_has_the_reports_headers(tmp_path: Path) -> None:
    """A Chinese report's complete table has the summary's headers, units spelled kg/亩."""
    report = _report(lang="zh")
    report.write(tmp_path / "r.html")
    header = (tmp_path / "r_means.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    summary = next(b for b in report.section("means").blocks if getattr(b, "key", "") == "means")
    assert header.split(",")[:4] == [c.label for c in summary.columns][:4]
    assert "kg/亩" in header and "kg/mu" not in header
