"""``standardize --format table`` on a terminal: the table fits its width (stop 35 user pass)."""

from __future__ import annotations

import io
import json
import os
import unicodedata

import pandas as pd
import pytest

from yieldtrial.cli import main

#: The shipped example's longest description (57 characters), which made the table 241 wide.
LONG = "compound fertilizer reduced by 20 % + nitrogen synergist"
EXAMPLE = ["standardize", "--example", "jinzhong-2024", "--unit", "kg/mu"]


def _cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.fixture
def no_terminal(monkeypatch):
    """Make standard output a pipe: not a terminal, COLUMNS not set."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(
        "shutil.get_terminal_size", lambda fallback=(0, 0): os.terminal_size(fallback)
    )


def test_table_fits_an_80_column_terminal(monkeypatch, capsys):
    """Every line is at most 80 cells; the long description is cut with "…" and a note says so."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main([*EXAMPLE, "--format", "table"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert max(_cells(line) for line in lines) <= 80
    assert LONG not in captured.out and LONG[:39] + "…" in captured.out  # 40 cells: half of 80
    assert "cut (…) to fit the terminal (80 columns)" in captured.err


def test_table_keeps_every_column_on_a_terminal(monkeypatch, capsys):
    """The columns wrap in blocks: none is left out."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main([*EXAMPLE, "--format", "table"]) == 0
    out = capsys.readouterr().out
    for name in ("plot_id", "description", "yield_kg_ha", "yield_kg_mu"):
        assert name in out


def test_chinese_text_fits_by_its_width(tmp_path, monkeypatch, capsys):
    """A Chinese character takes two cells: lines still fit 60 columns."""
    source = tmp_path / "plots.csv"
    pd.DataFrame(
        {
            "plot_id": ["1", "2"],
            "treatment": ["对照", "处理"],
            "description": ["常规复合肥全量施用，按当地农民习惯于播种前一次性基施" * 2] * 2,
            "harvested_area_m2": [20.0, 20.0],
            "fresh_mass_kg": [14.0, 15.1],
            "moisture_pct": [15.0, 15.2],
        }
    ).to_csv(source, index=False)
    monkeypatch.setenv("COLUMNS", "60")
    assert main(["standardize", str(source), "--crop", "wheat", "--format", "table"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(_cells(line) for line in lines) <= 60


def test_pipe_gets_the_whole_table(no_terminal, capsys):
    """Not a terminal: the full text, as before (pandas' to_string)."""
    assert main([*EXAMPLE, "--format", "table"]) == 0
    captured = capsys.readouterr()
    assert LONG in captured.out and "cut" not in captured.err


def test_csv_unchanged_on_a_terminal(monkeypatch, capsys):
    """The CSV on a narrow terminal keeps the whole description."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main(EXAMPLE) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert LONG in table["description"].tolist()


def test_json_unchanged_on_a_terminal(monkeypatch, capsys):
    """The JSON on a narrow terminal keeps the whole description."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main([*EXAMPLE, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert LONG in [r["description"] for r in records]


def test_table_file_keeps_the_whole_text(tmp_path, monkeypatch, capsys):
    """-o yields.txt is a file, not the terminal: nothing is cut."""
    monkeypatch.setenv("COLUMNS", "80")
    out = tmp_path / "yields.txt"
    assert main([*EXAMPLE, "--format", "table", "-o", str(out)]) == 0
    assert LONG in out.read_text(encoding="utf-8")
