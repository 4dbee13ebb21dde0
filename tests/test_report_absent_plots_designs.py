"""A plot with no row in the table is a missing plot in every design that fixes the layout.

Split plot, strip plot and factorial RCBD (block x both factors), alpha and row-column
(replicate x treatment), augmented (block x check) and the Latin square (row x column);
the CRD and the augmented design's entries do not fix the count, so nothing is added.
The field books come from ``yieldtrial.design``; masses follow a fixed pattern.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fieldbook_data import with_harvest
from yieldtrial import design
from yieldtrial.report.files import report_from_files

DATE = "2026-01-01"


pytestmark = pytest.mark.usefixtures("close_figures")


def _report(
    tmp_path: Path, book: pd.DataFrame, analysis: str, *, drop: list[int], lang: str = "en"
) -> Any:
    plots = tmp_path / "plots.csv"
    with_harvest(book, varied_moisture=True).drop(index=drop).to_csv(plots, index=False)
    toml = tmp_path / "trial.toml"
    toml.write_text(f'[trial]\ncrop = "wheat"\n\n[analysis]\n{analysis}\n', encoding="utf-8")
    report, _ = report_from_files(plots, toml, figures=False, report_date=DATE, lang=lang)
    return report


def _split_plot() -> pd.DataFrame:
    return design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)


def test_split_plot_absent_row_is_expected(tmp_path: Path) -> None:
    book = _split_plot()
    gone = book.iloc[4]
    report = _report(tmp_path, book, 'design = "split_plot"\nfactors = ["main", "sub"]', drop=[4])
    md = report.to_markdown()
    # 3 blocks x 2 main x 3 sub = 18 expected; one row dropped: 17 observed
    assert "Plots expected / observed: 18 / 17." in md
    assert (
        f"{gone['main']}:{gone['sub']} in block {gone['block']}: no row in the plot table "
        "(each block holds every combination of main and sub once)" in md
    )
    assert report.results["missing_plots"][0]["treatment"] == f"{gone['main']}:{gone['sub']}"


def test_split_plot_absent_row_in_chinese(tmp_path: Path) -> None:
    book = _split_plot()
    gone = book.iloc[4]
    md = _report(
        tmp_path, book, 'design = "split_plot"\nfactors = ["main", "sub"]', drop=[4], lang="zh"
    ).to_markdown()
    assert "应有小区 / 实有小区：18 / 17。" in md
    assert f"区组 {gone['block']} 的 {gone['main']}:{gone['sub']}：小区表中无此小区" in md


def test_alpha_absent_row_is_expected(tmp_path: Path) -> None:
    labels = [f"G{i:02d}" for i in range(1, 7)]
    book = design.alpha_design(labels, block_size=3, replicates=2, seed=1)
    gone = book.iloc[7]
    md = _report(tmp_path, book, 'design = "alpha"', drop=[7]).to_markdown()
    # 2 replicates x 6 entries = 12 expected, 11 observed
    assert "Plots expected / observed: 12 / 11." in md
    assert (
        f"{gone['treatment']} in replicate {gone['block']}: no row in the plot table "
        "(each replicate holds every treatment once)" in md
    )


def test_augmented_absent_check_is_expected(tmp_path: Path) -> None:
    book = design.augmented_design(
        ["CK1", "CK2"], ["E1", "E2", "E3", "E4", "E5", "E6"], blocks=3, seed=3
    )
    check = int(np.flatnonzero(book["entry_type"] == "check")[2])
    gone = book.iloc[check]
    md = _report(tmp_path, book, 'design = "augmented"', drop=[check]).to_markdown()
    # 3 blocks x 2 checks + 6 entries = 12 expected, 11 observed
    assert "Plots expected / observed: 12 / 11." in md
    assert f"{gone['treatment']} in block {gone['block']}: no row in the plot table" in md


def test_augmented_absent_entry_is_not_counted(tmp_path: Path) -> None:
    book = design.augmented_design(
        ["CK1", "CK2"], ["E1", "E2", "E3", "E4", "E5", "E6", "E7"], blocks=3, seed=3
    )
    entry = int(np.flatnonzero(book["entry_type"] == "entry")[0])
    md = _report(tmp_path, book, 'design = "augmented"', drop=[entry]).to_markdown()
    # an entry is planted once: a lost row leaves no trace, so 12 expected = 12 observed
    assert "Plots expected / observed: 12 / 12." in md


def test_latin_absent_cell_names_row_column_and_treatment(tmp_path: Path) -> None:
    book = design.latin_square(["A", "B", "C", "D"], seed=2)
    gone = book.iloc[9]
    md = _report(tmp_path, book, 'design = "latin"', drop=[9]).to_markdown()
    # 4 x 4 = 16 expected; the treatment absent from both its row and column is the lost one
    assert "Plots expected / observed: 16 / 15." in md
    assert (
        f"row {gone['row']}, column {gone['column']} ({gone['treatment']}): no row in the "
        "plot table (each row and column of the Latin square holds every treatment once)" in md
    )


def test_crd_absent_row_is_not_counted(tmp_path: Path) -> None:
    book = design.crd(["A", "B", "C"], replicates=4, seed=7)
    md = _report(tmp_path, book, 'design = "crd"', drop=[3]).to_markdown()
    # a CRD fixes no cell: 11 rows, 11 expected
    assert "Plots expected / observed: 11 / 11." in md


def test_latin_plot_table_shows_row_and_column(tmp_path: Path) -> None:
    """The plot table of a Latin square shows each plot's row and column (its blocking)."""
    book = design.latin_square(["A", "B", "C", "D"], seed=2)
    md = _report(tmp_path, book, 'design = "latin"', drop=[]).to_markdown()
    assert "| Plot | Row | Column | Treatment |" in md


def test_alpha_plot_table_shows_incomplete_block(tmp_path: Path) -> None:
    labels = [f"G{i:02d}" for i in range(1, 7)]
    book = design.alpha_design(labels, block_size=3, replicates=2, seed=1)
    md = _report(tmp_path, book, 'design = "alpha"', drop=[]).to_markdown()
    assert "| Plot | Replicate | Incomplete block | Treatment |" in md


def test_field_map_caption_lists_missing_plots(tmp_path: Path) -> None:
    book = design.rcbd(["A", "B", "C"], blocks=2, seed=1)
    plots = tmp_path / "plots.csv"
    filled = with_harvest(book, varied_moisture=True)
    filled.loc[1, "fresh_mass_kg"] = np.nan
    filled.to_csv(plots, index=False)
    toml = tmp_path / "trial.toml"
    toml.write_text('[trial]\ncrop = "wheat"\n', encoding="utf-8")
    report, _ = report_from_files(plots, toml, report_date=DATE)
    assert f"; hatched: no harvest ({book.loc[1, 'plot_id']})" in report.to_markdown()


def test_augmented_entry_with_a_blank_harvest_is_left_out(tmp_path: Path) -> None:
    """An entry row with an empty mass (a lost plot) no longer stops the report: it warns."""
    book = design.augmented_design(
        ["CK1", "CK2"], ["E1", "E2", "E3", "E4", "E5", "E6", "E7"], blocks=3, seed=3
    )
    entry = int(np.flatnonzero(book["entry_type"] == "entry")[0])
    lost = str(book.iloc[entry]["treatment"])
    plots = tmp_path / "plots.csv"
    filled = with_harvest(book, varied_moisture=True)
    filled.loc[entry, ["fresh_mass_kg", "moisture_pct"]] = np.nan
    filled.to_csv(plots, index=False)
    toml = tmp_path / "trial.toml"
    toml.write_text('[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "augmented"\n')
    report, warnings = report_from_files(plots, toml, figures=False, report_date=DATE)
    assert any(f"entry without a yield (lost plot): '{lost}'" in w for w in warnings)
    md = report.to_markdown()
    assert f"| {lost} |" not in md  # no row for the entry in any table
