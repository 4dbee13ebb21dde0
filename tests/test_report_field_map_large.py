"""The field-layout map labels every plot only while a page can show them."""

from __future__ import annotations

from typing import Any

import pytest

from fieldbook_data import with_harvest
from shipped import example_report
from yieldtrial.datasets import example_path
from yieldtrial.report.files import report_from_files
from yieldtrial.report.sections import extra

pytestmark = pytest.mark.usefixtures("close_figures")


def _field_map(lang: str = "en") -> Any:
    # the shipped replicated RCBD has row and column for its 12 plots (3 rows x 4 columns)
    report = example_report(report_date="2026-01-01", lang=lang)
    return next(s for s in report.sections if s.key == "field_map")


def test_small_trial_gets_the_labelled_map() -> None:
    section = _field_map()
    assert type(section.blocks[0]).__name__ == "Figure"


def test_above_the_limit_the_map_becomes_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    # more plots than one map labels, and no block maps allowed: the note
    monkeypatch.setattr(extra, "MAP_LABEL_MAX_PLOTS", 11)
    monkeypatch.setattr(extra, "MAP_MAX_BLOCK_FIGURES", 1)
    (block,) = _field_map().blocks
    assert type(block).__name__ == "Paragraph"
    assert "12 plots" in block.text and "at most 11" in block.text


def test_zh_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extra, "MAP_LABEL_MAX_PLOTS", 11)
    monkeypatch.setattr(extra, "MAP_MAX_BLOCK_FIGURES", 1)
    (block,) = _field_map("zh").blocks
    assert "共 12 个小区" in block.text


def test_tall_field_is_drawn_block_by_block(monkeypatch: pytest.MonkeyPatch) -> None:
    # 4 blocks, each in its own field row (rows 1-4): with at most 2 rows per map, one map
    # per block
    monkeypatch.setattr(extra, "MAP_LABEL_MAX_ROWS", 2)
    section = _field_map()
    assert [type(b).__name__ for b in section.blocks] == ["Figure"] * 4
    assert "Field layout, block B2: 3 plots in row 2" in section.blocks[1].caption


def test_block_maps_in_zh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extra, "MAP_LABEL_MAX_ROWS", 2)
    section = _field_map("zh")
    assert "田间排列，区组 B3：3 个小区（第 3 行）" in section.blocks[2].caption


def test_too_many_blocks_give_the_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extra, "MAP_LABEL_MAX_ROWS", 2)
    monkeypatch.setattr(extra, "MAP_MAX_BLOCK_FIGURES", 3)
    (block,) = _field_map().blocks
    assert type(block).__name__ == "Paragraph"
    assert "4 rows × 3 columns" in block.text


def test_block_map_draws_only_its_rows() -> None:
    import pandas as pd

    from yieldtrial.design import field_map

    book = pd.read_csv(example_path("replicated-rcbd"), dtype={"plot_id": str})
    ax = field_map(book[book["block"] == "B3"])
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["3"]
    assert len(ax.patches) == 3


def test_methods_name_family_members_only_for_small_families(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the shipped trial has families of 1 member each (T vs CK1, T vs CK2): named; with a
    # limit of 0 the methods give the count instead
    from yieldtrial.report.sections import header

    report = example_report(figures=False, report_date="2026-01-01")
    assert "treatments vs CK1: T" in report.to_markdown()
    monkeypatch.setattr(header, "FAMILY_LIST_MAX", 0)
    report = example_report(figures=False, report_date="2026-01-01")
    assert "treatments vs CK1: 1 treatment" in report.to_markdown()  # stop 39 wording


def test_narrow_alpha_field_is_drawn_replicate_by_replicate(tmp_path: Any) -> None:
    """``yieldtrial design alpha`` with 24 entries in blocks of 4: 18 rows x 4 columns.

    One map would be 17.2 x 6.2 inches, printed at most 95 mm tall (labels of about 2 pt);
    its replicates hold rows 1-6, 7-12 and 13-18, so it is drawn as three maps.
    """
    import pandas as pd

    from yieldtrial.design import alpha_design

    book = alpha_design([f"G{i:02d}" for i in range(1, 25)], block_size=4, replicates=3, seed=1)
    assert (int(book["row"].max()), int(book["column"].max())) == (18, 4)
    plots = book[["plot_id", "treatment", "block", "incomplete_block", "row", "column"]].copy()
    plots["yield_kg_ha"] = 6000.0 + pd.Series(range(len(plots))).mod(7).to_numpy() * 50.0
    plots.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "alpha"\n', encoding="utf-8"
    )
    # LSD letters: the maps and their captions are the default Tukey report's (compared at
    # stop 47), without the Tukey integration of the alpha design's 276 pairs
    report, _ = report_from_files(
        tmp_path / "plots.csv", tmp_path / "trial.toml", figures=True, letters="lsd"
    )
    section = next(s for s in report.sections if s.key == "field_map")
    assert [type(b).__name__ for b in section.blocks] == ["Figure"] * 3
    assert "replicate 2: 24 plots in rows 7-12" in section.blocks[1].caption
    assert not extra._too_tall(plots[plots["block"] == "1"].astype({"row": float, "column": float}))


def _alpha24_map(tmp_path: Any, lang: str, control: str | None) -> Any:
    """Build the field-map section of a 24-entry alpha lattice (3 replicates of 6 x 4 plots)."""
    from yieldtrial.design import alpha_design

    book = alpha_design([f"G{i:02d}" for i in range(1, 25)], block_size=4, replicates=3, seed=27)
    book = with_harvest(book, area_m2=12.0, varied_moisture=True)
    plots = tmp_path / "plots.csv"
    book.to_csv(plots, index=False)
    toml = tmp_path / "trial.toml"
    analysis = 'design = "alpha"\n' + (f'control = "{control}"\n' if control else "")
    toml.write_text(f'[trial]\ncrop = "wheat"\n\n[analysis]\n{analysis}', encoding="utf-8")
    report, _ = report_from_files(plots, toml, report_date="2026-01-01", lang=lang)
    return next(s for s in report.sections if s.key == "field_map")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "; the 24 treatments are more than the 20 colours that can be told apart, so only "
               "the control G01 is coloured (its label in bold) and the other plots are grey"),
        ("zh", "；处理共 24 个，超过颜色可区分的 20 个，因此仅对照（G01）着色并加粗标注，"
               "其余小区为灰色"),
    ],
)  # fmt: skip
def test_map_of_24_entries_says_only_the_control_is_coloured(
    tmp_path: Any, lang: str, expected: str
) -> None:
    section = _alpha24_map(tmp_path, lang, "G01")
    assert len(section.blocks) == 3  # one map per replicate
    assert all(expected in b.caption for b in section.blocks)
    ax = section.blocks[0].draw()  # the map agrees: one bold, coloured control, grey entries
    cells = zip(ax.texts, ax.patches, strict=True)
    fills = {t.get_text().split("\n")[1]: p.get_facecolor() for t, p in cells}
    entries = {fill for label, fill in fills.items() if label != "G01"}
    assert len(entries) == 1 and fills["G01"] not in entries
    assert {t.get_text().split("\n")[1] for t in ax.texts if t.get_fontweight() == "bold"} == {
        "G01"
    }


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "; the 24 treatments are more than the 20 colours that can be told apart, so all "
               "plots are grey"),
        ("zh", "；处理共 24 个，超过颜色可区分的 20 个，因此各小区均为灰色"),
    ],
)  # fmt: skip
def test_map_caption_without_a_control_says_the_plots_are_grey(
    tmp_path: Any, lang: str, expected: str
) -> None:
    section = _alpha24_map(tmp_path, lang, None)
    assert expected in section.blocks[0].caption


def test_map_caption_names_two_controls_in_the_plural() -> None:
    """User pass: the clause read "with 24 treatments, more than 20 colours can tell apart"."""
    from yieldtrial.report.sections.extra import _colour_note

    assert _colour_note(24, ["G01", "G02"], "en") == (
        "; the 24 treatments are more than the 20 colours that can be told apart, so only the "
        "controls G01, G02 are coloured (their labels in bold) and the other plots are grey"
    )
    assert _colour_note(20, ["G01"], "en") == ""  # 20 colours: every treatment has its own


def test_report_alpha_map_outlines_the_incomplete_blocks(tmp_path: Any) -> None:
    """The report passes incomplete_block to the map: thin lines between the rows of a replicate.

    Hand count: replicate 1 is rows 1-6, one incomplete block (4 plots) per row, so its map
    has 5 thin lines (between rows 1|2, ..., 5|6), each 4 cells long.
    """
    from yieldtrial.design.maps import _INCOMPLETE_BLOCK_LINE

    section = _alpha24_map(tmp_path, "en", "G01")
    ax = section.blocks[0].draw()
    thin = [line for line in ax.lines if line.get_linewidth() == _INCOMPLETE_BLOCK_LINE]
    assert sorted(line.get_ydata()[0] for line in thin) == [1, 2, 3, 4, 5]
    assert all(list(line.get_xdata()) == [0, 4] for line in thin)


def test_map_caption_says_what_the_thick_lines_separate() -> None:
    # the shipped RCBD map draws its block boundaries as thick lines; the caption says so
    caption = _field_map().blocks[0].caption
    assert "thick lines separate the blocks" in caption
    assert caption.endswith(".")


def test_zh_map_caption_says_what_the_thick_lines_separate() -> None:
    caption = _field_map("zh").blocks[0].caption
    assert "粗线为区组分界" in caption
    assert caption.endswith("。")


def _alpha_book() -> Any:
    import pandas as pd

    # 2 replicates x 2 incomplete blocks of 2 plots: both kinds of boundary are drawn
    return pd.DataFrame(
        {"block": ["1"] * 4 + ["2"] * 4, "incomplete_block": ["1", "1", "2", "2"] * 2}
    )


def test_alpha_whole_map_caption_names_both_kinds_of_line() -> None:
    note = extra._lines_note(_alpha_book(), True, whole=True, lang="en")
    assert note == "; thick lines separate the replicates, thin lines the incomplete blocks"


def test_alpha_replicate_map_caption_names_only_the_thin_lines() -> None:
    # a map of one replicate has no replicate boundary in it
    part = _alpha_book().iloc[:4]
    note = extra._lines_note(part, True, whole=False, lang="zh")
    assert note == "；细线为不完全区组分界"


def test_augmented_checks_are_coloured_without_a_control(tmp_path: Any) -> None:
    """An augmented field book's checks (entry_type == "check") are the coloured plots.

    33 treatments (3 checks + 30 entries) exceed the 20 map colours; no control is given, so
    the checks named by the field book itself are the ones told apart (as ``field_map``'s
    default ``controls`` does).
    """
    from yieldtrial.design import augmented_design

    entries = [f"E{i:02d}" for i in range(1, 31)]
    book = augmented_design(["CK1", "CK2", "CK3"], entries, blocks=5, seed=3)
    book = with_harvest(book, mass_kg=14.0, moisture_pct=13.0, impurity_pct=1.0)
    plots = tmp_path / "plots.csv"
    book.to_csv(plots, index=False)
    toml = tmp_path / "trial.toml"
    toml.write_text('[trial]\ncrop = "wheat"\n', encoding="utf-8")
    # LSD letters: the same map caption as the default Tukey report's (compared at stop 47)
    report, _ = report_from_files(plots, toml, report_date="2026-01-01", lang="en", letters="lsd")
    section = next(s for s in report.sections if s.key == "field_map")
    assert "only the controls CK1, CK2, CK3 are coloured" in section.blocks[0].caption


def _row_column_plots(tmp_path: Any, *, within_replicate: bool) -> Any:
    """Write a row-column trial: 12 entries, 3 replicates of 3 rows x 4 columns.

    With ``within_replicate`` rows and columns are numbered within each replicate (1-3,
    1-4 in every replicate, as mixed-models.md describes them), else one replicate's
    rows are all 1 (its plots share four positions).
    """
    import pandas as pd

    rows = []
    for rep in (1, 2, 3):
        for k in range(12):
            r, c = k // 4 + 1, k % 4 + 1
            t = f"G{(k + 4 * rep) % 12 + 1:02d}"
            rows.append((f"{rep}{k + 1:02d}", t, str(rep), r, c, 6000.0 + 37.0 * ((k * rep) % 9)))
    plots = pd.DataFrame(rows, columns=["plot_id", "treatment", "block", "row", "column", "y"])
    plots = plots.rename(columns={"y": "yield_kg_ha"})
    if not within_replicate:
        plots.loc[plots["block"] == "1", "row"] = 1
        plots.loc[plots["block"] != "1", "row"] += 3
    path = tmp_path / "plots.csv"
    plots.to_csv(path, index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "row_column"\n', encoding="utf-8"
    )
    return path


def test_rows_numbered_within_replicates_give_one_map_per_replicate(tmp_path: Any) -> None:
    """One map drew the 3 replicates over one another (36 plots in 3 x 4 cells)."""
    path = _row_column_plots(tmp_path, within_replicate=True)
    # LSD letters: the same sections, maps and captions as the default Tukey report's
    # (compared at stop 47), without the Tukey integration of the row-column design
    report, _ = report_from_files(path, tmp_path / "trial.toml", figures=True, letters="lsd")
    section = next(s for s in report.sections if s.key == "field_map")
    assert [type(b).__name__ for b in section.blocks] == ["Figure"] * 3
    assert "replicate 3: 12 plots in rows 1-3" in section.blocks[2].caption
    assert not any(
        getattr(b, "key", "") == "field" for s in report.sections for b in s.blocks
    )  # the residual map by row and column would overlay them too


def test_plots_sharing_positions_give_a_note_not_a_map(tmp_path: Any) -> None:
    """Replicate 1's 12 plots all in row 1 (4 positions), replicates 2 and 3 in rows 4-6 (12).

    Replicate 1's plots share positions within it, so no map per replicate either. An RCBD
    (rows and columns only place the plots on the map): a row-column design with plots
    sharing a position is refused since stop 40 (the next test).
    """
    path = _row_column_plots(tmp_path, within_replicate=False)
    toml = tmp_path / "trial.toml"
    toml.write_text('[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "rcbd"\n', encoding="utf-8")
    report, _ = report_from_files(path, toml, figures=True)
    (block,) = next(s for s in report.sections if s.key == "field_map").blocks
    assert type(block).__name__ == "Paragraph"
    assert "places its 36 plots in 16 row and column positions" in block.text


def test_row_column_plots_sharing_positions_are_refused(tmp_path: Any) -> None:
    """The same plots analysed as a row-column design: each plot needs a position of its own."""
    from yieldtrial.errors import DataValidationError

    path = _row_column_plots(tmp_path, within_replicate=False)
    with pytest.raises(DataValidationError, match="plots share a row and column position"):
        report_from_files(path, tmp_path / "trial.toml", figures=True)


def test_augmented_caption_names_every_check_when_one_is_the_control(tmp_path: Any) -> None:
    """With ``control = "CK1"`` of 3 checks, the map colours all three; the caption says so.

    The caption said "only the control CK1 is coloured ... the other plots are grey" while
    CK2 and CK3, planted in every block, were the plots a reader of the map looks for.
    """
    import numpy as np

    from yieldtrial.design import augmented_design

    entries = [f"E{i:02d}" for i in range(1, 31)]
    book = augmented_design(["CK1", "CK2", "CK3"], entries, blocks=5, seed=3)
    n = len(book)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 14.0 + (np.arange(n) * 7 % 16) / 10
    book["moisture_pct"] = 13.0
    book["impurity_pct"] = 1.0
    plots = tmp_path / "plots.csv"
    book.to_csv(plots, index=False)
    toml = tmp_path / "trial.toml"
    toml.write_text('[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK1"\n', encoding="utf-8")
    # LSD letters: the same map caption as the default Tukey report's (compared at stop 47)
    report, _ = report_from_files(plots, toml, report_date="2026-01-01", lang="en", letters="lsd")
    section = next(s for s in report.sections if s.key == "field_map")
    caption = section.blocks[0].caption
    expected = "only the checks CK1, CK2, CK3 are coloured (the control CK1 with its label in bold)"
    assert expected in caption
