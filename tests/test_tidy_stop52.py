"""Loose ends stop 52's helpers noticed, fixed in stop 52 (tidy57): one behaviour per test."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.commands._zh_messages import translate
from yieldtrial.errors import DataValidationError

# 1. network on yields cites the protocol's own source --------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_network_of_yields_cites_the_protocol_s_own_source(lang: str) -> None:
    """--protocol usda --crop rice cited the Ministry of Agriculture of China (2008).

    The expected source is usda's own row of the standards table
    (protocols.moisture_standard('rice', protocol='usda'): 12 %, its English and Chinese
    source), as the single-trial report's methods cite it.
    """
    from yieldtrial.protocols import moisture_standard
    from yieldtrial.report.network import _yields_moisture_methods

    usda = moisture_standard("rice", protocol="usda")
    info = {"table_pct": [], "standard_pct": 12.0, "standard_given": False, "crop": "rice",
            "protocol": "usda", "method": None}  # fmt: skip
    (paragraph,) = _yields_moisture_methods(info, lang)
    assert (usda.source if lang == "en" else usda.source_zh) in paragraph.text
    assert "Ministry of Agriculture" not in paragraph.text and "农业部" not in paragraph.text


# 2. network sites of different moisture methods are refused --------------------------------


def _two_sites(methods: tuple[str, str]) -> pd.DataFrame:
    """Two sites of a 2 x 2 RCBD yields table, each with its moisture method (SYNTHETIC)."""
    return pd.DataFrame(
        [
            {"site": site, "plot_id": f"{site}{b}{k}", "block": str(b), "treatment": t,
             "yield_kg_ha": 7000.0 + 100 * k + b, "moisture_method": method}
            for site, method in zip("AB", methods, strict=True)
            for b in (1, 2)
            for k, t in ((1, "CK"), (2, "T"))
        ]
    )  # fmt: skip


def test_network_refuses_sites_of_different_moisture_methods() -> None:
    """Dry-matter yields at A and percentage-point yields at B were pooled, no method said.

    Expected: the sites of each method named (A: dry_matter, B: percentage_point), as
    for sites at different standard moistures (tidy56b).
    """
    from yieldtrial.commands.network import _yields_moisture

    plots = _two_sites(("dry_matter", "percentage_point"))
    with pytest.raises(DataValidationError) as raised:
        _yields_moisture(plots, yt.TrialConfig(), ["site"])
    message = str(raised.value)
    assert "site 'A' with dry_matter; site 'B' with percentage_point" in message
    assert "yieldtrial standardize --moisture-method dry_matter" in message
    assert "site 'A' 为 dry_matter；site 'B' 为 percentage_point" in (translate(message) or "")


def test_network_takes_sites_of_one_moisture_method() -> None:
    """The same method at every site is stated (io.yields.table_moisture_method's reading)."""
    from yieldtrial.commands.network import _yields_moisture

    info = _yields_moisture(_two_sites(("dry_matter", "dry_matter")), yt.TrialConfig(), ["site"])
    assert info["method"] == "dry_matter"


# 3. an empty harvest cell: its row, plot and text -------------------------------------------


def test_empty_moisture_cell_names_its_row_plot_and_text() -> None:
    """It said "moisture_pct is empty for plot '101'": no row, not the 'n/a' typed.

    The table's plots 101 (index 0, 'n/a') and 202 (index 3, '-') have a mass and no
    moisture (SYNTHETIC 2 x 2).
    """
    plots = pd.DataFrame({"plot_id": ["101", "102", "201", "202"],
                          "treatment": ["CK", "T", "CK", "T"],
                          "harvested_area_m2": 20.0, "fresh_mass_kg": [10.2, 10.9, 10.4, 11.0],
                          "moisture_pct": ["n/a", "21", "20.5", "-"]})  # fmt: skip
    with pytest.raises(DataValidationError) as raised:
        yt.read_plots(plots)
    assert (
        "moisture_pct is empty for index 0 (plot '101'): 'n/a', index 3 (plot '202'): '-', "
        "which have a fresh mass; fill it in, or leave the mass empty too"
    ) in str(raised.value)


def test_empty_moisture_cell_of_a_file_names_its_row(tmp_path: Path) -> None:
    """A file's row as the spreadsheet numbers it (header row 1: plot '202' is row 3).

    The zh line keeps the row and the plot (第 3 行（小区 '202'）).
    """
    path = tmp_path / "plots.csv"
    path.write_text("plot_id,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
                    "101,CK,20,10.2,20.5\n202,T,20,10.9,\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(DataValidationError) as raised:
        yt.read_plots(path)
    message = str(raised.value)
    assert "moisture_pct is empty for row 3 (plot '202'), which has a fresh mass" in message
    assert "第 3 行（小区 '202'）有鲜重" in (translate(message) or "")


# 4. a shortened name: the ellipsis stands apart from its extension -------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("y" * 300 + ".md", "yyyy... .md' (305 characters): File name too long"),
        ("y" * 300 + ".csv", "yyyy... .csv' (306 characters): File name too long"),
        ("y" * 300, "yyyy... yyy' (302 characters): File name too long"),  # no extension
    ],
    ids=["md", "csv", "none"],
)
def test_shortened_name_keeps_the_ellipsis_apart(name: str, shown: str) -> None:
    """It read "'yyy....md'": the ellipsis ran into the extension.

    Lengths: the name and its two quotes (300 + 3 + 2 = 305).
    """
    from yieldtrial.commands._input import one_line

    assert shown in one_line(f"cannot write '{name}': File name too long")


# 5. a dask network warns of a treatment twice in a block -----------------------------------


def test_dask_network_warns_of_a_treatment_twice_in_a_block() -> None:
    """The pandas path's warning (fuzz57), word for word, from a dask frame's partitions.

    The shipped site network with site C's first row pasted twice (block 1, CK x2).
    """
    dd = pytest.importorskip("dask.dataframe")
    from yieldtrial.datasets import example_path

    data = pd.read_csv(example_path("site-network"), dtype={"block": str})
    first_c = int(data.index[data["site"] == "C"][0])
    data = pd.concat([data.iloc[: first_c + 1], data.iloc[first_c:]], ignore_index=True)
    said = []
    for frame in (data, dd.from_pandas(data, npartitions=2)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yt.analyze_many(frame, by="site", treatment="treatment", block="block",
                            response="yield_kg_ha", control="CK", summary=False)  # fmt: skip
        said.append([str(w.message) for w in caught if "more than once" in str(w.message)])
    assert len(said[0]) == 1 and said[1] == said[0]
    assert "site/block/treatment: 'C'/'1'/'CK' x2" in said[1][0]


# 6. plot notes in the plot table ------------------------------------------------------------


def _plots_context(plots: pd.DataFrame) -> Any:
    """Return the few settings plots_section reads, for a one-factor listing."""
    s = SimpleNamespace(lang="en", resolvable=False, design="rcbd", factors=("treatment",),
                        dcol="yield_kg_ha", unit="kg/ha", standard_pct=14.0, replicated=False,
                        block="block", kind=None)  # fmt: skip
    return SimpleNamespace(s=s, plots=plots, used=plots, entries=None)


def test_plot_table_shows_plot_notes() -> None:
    """A harvested plot's note ("bird damage at the edge") was in no table of the report."""
    from yieldtrial.report.sections.data import plots_section

    plots = pd.DataFrame({"plot_id": ["101", "102"], "block": ["1", "1"],
                          "treatment": ["CK", "T"], "yield_kg_ha": [7000.0, 7100.0],
                          "notes": ["bird damage at the edge", float("nan")]})  # fmt: skip
    (table,) = plots_section(_plots_context(plots)).blocks
    assert table.columns[-1].label == "Notes" and table.columns[-1].kind == "text"
    assert [row["notes"] for row in table.rows] == ["bird damage at the edge", ""]


def test_plot_table_has_no_notes_column_without_a_note() -> None:
    """A notes column with no text adds no empty column."""
    from yieldtrial.report.sections.data import plots_section

    plots = pd.DataFrame({"plot_id": ["101"], "block": ["1"], "treatment": ["CK"],
                          "yield_kg_ha": [7000.0], "notes": [" "]})  # fmt: skip
    (table,) = plots_section(_plots_context(plots)).blocks
    assert "notes" not in [c.key for c in table.columns]
