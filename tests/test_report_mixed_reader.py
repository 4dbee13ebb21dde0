"""Mixed-design reports as a reader sees them (stop 31): captions and tables, en and zh.

The trials are field books written by `yieldtrial.design` (augmented, split plot) with seeded
masses; the tests assert text and table structure, never a statistical value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from yieldtrial import design
from yieldtrial.report.files import report_from_files

pytestmark = pytest.mark.usefixtures("close_figures")


def _fill(book: Any, seed: int) -> Any:
    """Give a field book plausible wheat harvest columns (seeded)."""
    rng = np.random.default_rng(seed)
    n = len(book)
    book["harvested_area_m2"] = 12.0
    book["fresh_mass_kg"] = np.round(9.0 + rng.normal(0, 0.8, n), 2)
    book["moisture_pct"] = np.round(rng.uniform(14.5, 22.0, n), 1)
    book["impurity_pct"] = np.round(rng.uniform(0.3, 2.0, n), 1)
    return book


def _augmented(tmp_path: Path) -> Path:
    """4 checks in each of 5 blocks, 30 entries, control CK1."""
    entries = [f"E{i:02d}" for i in range(1, 31)]
    book = design.augmented_design(["CK1", "CK2", "CK3", "CK4"], entries, blocks=5, seed=11)
    _fill(book, 3).to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "augmented"\ncontrol = "CK1"\n',
        encoding="utf-8",
    )
    return tmp_path


def _split_plot_missing(tmp_path: Path) -> Path:
    """N0-N2 x V1-V4 in 4 blocks with 3 sub-plots' masses empty (analysed by REML)."""
    book = design.split_plot(["N0", "N1", "N2"], ["V1", "V2", "V3", "V4"], blocks=4, seed=5)
    book = _fill(book, 4)
    # whole-plot offsets, so the REML estimate of block:main is positive (not the boundary,
    # where Satterthwaite pools the strata into whole-number df)
    offsets = np.random.default_rng(6).normal(0, 1.0, 12)
    whole = book["block"].astype(int).to_numpy() * 3 + book["main"].str[1].astype(int).to_numpy()
    book["fresh_mass_kg"] = np.round(book["fresh_mass_kg"] + offsets[whole - 3], 2)
    book.loc[[4, 22, 32], "fresh_mass_kg"] = np.nan
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\n'
        'whole_plot = "main"\nsub_plot = "sub"\ncontrol = "V1"\n',
        encoding="utf-8",
    )
    return tmp_path


def _alpha(tmp_path: Path) -> Path:
    """25 treatments in blocks of 5, 3 replicates, control CK; two plots without a row."""
    treatments = ["CK", *[f"G{i:02d}" for i in range(1, 25)]]
    book = design.alpha_design(treatments, block_size=5, replicates=3, seed=7)
    book = _fill(book, 5).drop(index=[31, 67])
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "alpha"\ncontrol = "CK"\n',
        encoding="utf-8",
    )
    return tmp_path


def _report(folder: Path, lang: str, *, figures: bool = False) -> Any:
    """Build the report of ``folder`` with LSD letters.

    No test here reads a letter: with the default letters (Tukey's single-step curve of
    correlated means) the first augmented and alpha reports took 7-8 CPU s each, with LSD
    letters 0.3-1.5 s, and every caption, table and figure the tests read is the same;
    only the sentences naming the letter test differ (stop 50).
    """
    report, _ = report_from_files(
        folder / "plots.csv", folder / "trial.toml", figures=figures, lang=lang, letters="lsd"
    )
    return report


#: The unchanged trials the tests read, by name (each written into its own folder).
_TRIALS: dict[str, Callable[[Path], Path]] = {
    "augmented": _augmented,
    "alpha": _alpha,
    "split_plot_missing": _split_plot_missing,
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """Return ``(trial, lang, figures=False) -> report``, each built once per module.

    ``trial`` names a writer of :data:`_TRIALS` (``"augmented"``, ``"alpha"``,
    ``"split_plot_missing"``), written once into a folder of its own.  The caption, table,
    figure and methods tests of one trial and language read the same report (stop 45: the
    augmented one; stop 50: all three, with and without figures: 11 builds instead of 27).
    Tests that change a table build their own.
    """
    folders = functools.cache(lambda trial: _TRIALS[trial](tmp_path_factory.mktemp(trial)))

    @functools.cache
    def build(trial: str, lang: str, figures: bool = False) -> Any:
        return _report(folders(trial), lang, figures=figures)

    return build


def _table(report: Any, key: str) -> Any:
    tables = [b for s in report.sections for b in s.blocks if getattr(b, "key", None) == key]
    assert len(tables) == 1, key
    return tables[0]


# --- the factor-means captions print df as the SED and F tables do ---------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_factor_means_caption_df_has_one_decimal(reports: Callable[..., Any], lang: str) -> None:
    report = reports("split_plot_missing", lang)
    for key in ("means_main", "means_sub"):
        caption = _table(report, key).caption
        # "(Satterthwaite df, smallest 8.9)" / "（Satterthwaite 自由度，最小为 8.9）" (stop 49)
        df = re.search(r"(?:smallest |最小为 )(\d+(?:\.\d+)?)(?:\)|）)", caption)
        assert df is not None, caption
        # approximate (Satterthwaite) df: one decimal, as the SED table's df column
        assert re.fullmatch(r"\d+\.\d", df.group(1)), caption


def test_factor_means_caption_df_whole_number_when_complete(tmp_path: Path) -> None:
    folder = _split_plot_missing(tmp_path)
    book = design.split_plot(["N0", "N1", "N2"], ["V1", "V2", "V3", "V4"], blocks=4, seed=5)
    _fill(book, 4).to_csv(folder / "plots.csv", index=False)  # no plot missing: ANOVA strata
    report = _report(folder, "en")
    # error a of 3 levels in 4 blocks: (4 - 1) x (3 - 1) = 6 df; error b: 3 x 4 x (4 - 1) - ... = 27
    assert "(6 df)" in _table(report, "means_main").caption
    assert "(27 df)" in _table(report, "means_sub").caption


# --- augmented: the means are Federer's adjusted means ----------------------------------


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Adjusted treatment means of yield in kg/ha at 13 % moisture: the entries "
               "(one plot each) adjusted for the block effects estimated from the checks"),
        ("zh", "各处理校正产量（kg/亩，标准含水量 13%）及差异显著性：参试材料（每个一个小区）"
               "按对照估计的区组效应校正（增广设计）。"),
    ],
)  # fmt: skip
def test_augmented_means_caption_names_adjusted_means(
    reports: Callable[..., Any], lang: str, words: str
) -> None:
    caption = _table(reports("augmented", lang), "means").caption
    assert words in caption
    assert "LS-means" not in caption


# --- augmented: the treatment x block table holds the checks only -----------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_augmented_block_table_lists_checks_only(reports: Callable[..., Any], lang: str) -> None:
    table = _table(reports("augmented", lang), "plots_by_block")
    assert [row["treatment"] for row in table.rows] == ["CK1", "CK2", "CK3", "CK4"]
    # every check is in every block: no dash (which marks a missing plot) in the table
    assert all(v is not None for row in table.rows for v in row.values())
    assert table.notes == []  # complete checks: raw plot mean = adjusted mean
    expected = {
        "en": "Plot yields (kg/ha) of the checks by block (each entry has one plot, listed above).",
        "zh": "各对照各区组小区产量（kg/亩）；参试材料每个仅一个小区，见上表。",
    }
    assert table.caption == expected[lang]


def test_augmented_block_table_notes_a_missing_check_plot(tmp_path: Path) -> None:
    folder = _augmented(tmp_path)
    text = (folder / "plots.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(text) if ",CK2," in line)
    cells = text[row].split(",")
    header = text[0].split(",")
    cells[header.index("fresh_mass_kg")] = ""
    text[row] = ",".join(cells)
    (folder / "plots.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    table = _table(_report(folder, "en"), "plots_by_block")
    assert sum(v is None for r in table.rows for v in r.values()) == 1
    # the note of a complete-block table with a missing plot, not the incomplete-block one
    assert table.notes == [
        "Raw plot mean: the plain average of the observed plots of a treatment. With a missing "
        "plot it differs from the LS-mean in the means table (Table 6), which adjusts for blocks."
    ]


# --- alpha-lattice: the data-quality CV says which model it comes from -------------------


def _quality_texts(report: Any) -> list[str]:
    section = next(s for s in report.sections if s.key == "quality")
    return [b.text for b in section.blocks if hasattr(b, "text")]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "The residual checks below use the intra-block model (replicates, incomplete "
               "blocks within replicates and treatments, all fixed) fitted by least squares "
               "(34 residual df); their coefficient of variation comes from its residual mean "
               "square, the one in the analysis of variance from the REML residual variance."),
        ("zh", "以下残差检验采用区组内模型（重复、重复内不完全区组和处理均作为固定效应）的最小二乘"
               "拟合（残差自由度 34）；此处的变异系数按该模型的残差均方计算，方差分析中的变异系数"
               "则按 REML 残差方差计算。"),
    ],
)  # fmt: skip
def test_alpha_quality_names_the_model_of_its_cv(
    reports: Callable[..., Any], lang: str, words: str
) -> None:
    # 73 plots - 1 - (3 - 1) - 3 x (5 - 1) - (25 - 1) = 34 residual df of the intra-block model
    assert words in _quality_texts(reports("alpha", lang))


def test_fixed_model_quality_has_no_intra_block_note(reports: Callable[..., Any]) -> None:
    texts = _quality_texts(reports("augmented", "en"))  # Federer's fixed model: one CV, no REML
    assert not any("intra-block model" in text or "REML" in text for text in texts)


# --- augmented: the plot-yields figure draws no block lines ------------------------------


def _figure(report: Any, key: str) -> Any:
    figures = [b for s in report.sections for b in s.blocks if getattr(b, "key", None) == key]
    assert len(figures) == 1, key
    return figures[0]


@pytest.mark.parametrize(
    ("lang", "caption"),
    [
        ("en", "Plot yields by treatment; the marker shows the block (each entry has one plot)."),
        ("zh", "各处理小区产量；标记形状表示区组（参试材料每个仅一个小区）。"),
    ],
)
def test_augmented_yields_figure_has_markers_only(
    reports: Callable[..., Any], lang: str, caption: str
) -> None:
    figure = _figure(reports("augmented", lang, figures=True), "yields")
    assert figure.caption == caption
    ax = figure.draw()
    assert len(ax.lines) == 5  # one series per block (the legend names the blocks)
    assert {line.get_linestyle() for line in ax.lines} == {"None"}


def test_split_plot_yields_figure_keeps_block_lines(reports: Callable[..., Any]) -> None:
    figure = _figure(reports("split_plot_missing", "en", figures=True), "yields")
    assert figure.caption == "Plot yields by treatment; lines join the plots of one block."
    assert {line.get_linestyle() for line in figure.draw().lines} == {"-"}


# --- alpha-lattice: the residual map marks the positions of deleted rows -----------------


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Field map of residuals at the plots' row and column positions. Grey: positions "
               "without a plot in the table (2)."),
        ("zh", "田间小区残差分布图（按行列位置）。灰色格为小区表中无记录的位置（2 个）。"),
    ],
)  # fmt: skip
def test_alpha_residual_map_caption_names_positions_without_plot(
    reports: Callable[..., Any], lang: str, words: str
) -> None:
    assert _figure(reports("alpha", lang, figures=True), "field").caption == words


def test_complete_residual_map_caption_has_no_grey_note(reports: Callable[..., Any]) -> None:
    caption = _figure(reports("augmented", "en", figures=True), "field").caption
    assert "Grey" not in caption


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Field map of residuals at the plots' row and column positions. The entries' "
               "residuals are 0 by construction: each entry has one plot, which its adjusted "
               "mean fits exactly."),
        ("zh", "田间小区残差分布图（按行列位置）。参试材料每个仅一个小区，其校正均值恰好等于该"
               "小区产量，残差必为 0。"),
    ],
)  # fmt: skip
def test_augmented_residual_map_says_entries_residuals_are_zero(
    reports: Callable[..., Any], lang: str, expected: str
) -> None:
    assert _figure(reports("augmented", lang, figures=True), "field").caption == expected


def test_alpha_residual_map_has_no_entries_note(reports: Callable[..., Any]) -> None:
    assert "by construction" not in _figure(reports("alpha", "en", figures=True), "field").caption


# --- ranges and areas print every value with the same decimals ---------------------------


def _ranges(tmp_path: Path) -> Path:
    """Write an RCBD with moisture 14.6-22.0 % and areas 11.8, 12.0 and 12.2 m², and its toml."""
    book = _fill(design.rcbd(["CK", "T1", "T2"], blocks=3, seed=2), 8)
    book["moisture_pct"] = [14.6, 22.0, 18.3, 15.0, 16.2, 17.0, 19.9, 20.4, 21.1]
    book["harvested_area_m2"] = [11.8, 12.0, 12.2] * 3
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ncontrol = "CK"\n', encoding="utf-8"
    )
    return tmp_path


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Harvest moisture ranged from 14.6 % to 22.0 %.", "(here M = 14.6–22.0 %)",
                "11.8 m², 12.0 m², 12.2 m²"]),
        ("zh", ["收获时籽粒含水量 14.6%～22.0%。", "（本试验 M = 14.6–22.0%）",
                "11.8 m²、12.0 m²、12.2 m²"]),
    ],
)  # fmt: skip
def test_moisture_range_and_areas_keep_their_decimals(
    tmp_path: Path, lang: str, expected: list[str]
) -> None:
    md = str(_report(_ranges(tmp_path), lang).to_markdown())
    for text in expected:
        assert text in md, text
    assert "–22 %" not in md and "～22%" not in md and " 12 m²" not in md


# --- augmented: the conclusions and summary state the F tests of Federer's ANOVA ---------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Treatments (eliminating blocks): ", "Entries: ", "Entries vs checks: "]),
        ("zh", ["处理（校正区组）：", "材料间：", "材料与对照间："]),
    ],
)
def test_augmented_conclusions_state_the_f_tests(
    reports: Callable[..., Any], lang: str, expected: list[str]
) -> None:
    report = reports("augmented", lang)
    section = next(s for s in report.sections if s.key == "conclusions")
    items = [item for b in section.blocks for item in getattr(b, "items", [])]
    test = {"en": "(F test against error, P = ", "zh": "（以误差作 F 检验，P = "}[lang]
    verdicts = [item for item in items if test in item]
    assert len(verdicts) == 3
    assert all(v.startswith(e) for v, e in zip(verdicts, expected, strict=True)), verdicts
    summary = next(s for s in report.sections if s.key == "summary").blocks[0].text
    assert all(v in summary for v in verdicts)  # the summary repeats them, in order
    assert summary.index(verdicts[-1]) < summary.index("Dunnett")


# --- warnings shown as bullets read as sentences -----------------------------------------


def test_split_plot_warning_bullet_starts_with_a_capital(reports: Callable[..., Any]) -> None:
    report = reports("split_plot_missing", "en")
    section = next(s for s in report.sections if s.key == "quality")
    bullets = [item for b in section.blocks if b.type == "bullets" for item in b.items]
    (warning,) = [item for item in bullets if "stratum" in item]
    assert warning.startswith("Not checked: the Error a stratum (whole plots, ")


# --- alpha-lattice: the English formula's block is the replicate -------------------------


def test_alpha_methods_gloss_block_as_replicate(reports: Callable[..., Any]) -> None:
    en = str(reports("alpha", "en").to_markdown())
    assert "(1 | block:incomplete\\_block)" in en
    assert (
        "In the formula, block is the replicate and incomplete\\_block the incomplete block "
        "within it." in en
    )
    zh = str(reports("alpha", "zh").to_markdown())
    assert "产量 \\~ 重复 + 处理 + (1 | 重复:不完全区组)" in zh  # translated: no gloss needed
    assert "block" not in zh.split("## 方法")[1].split("## 数据质量")[0]


def test_split_plot_methods_have_no_replicate_gloss(reports: Callable[..., Any]) -> None:
    en = str(reports("split_plot_missing", "en").to_markdown())
    assert "block is the replicate" not in en


# --- split plot analysed by REML: the SED table has no constant "tested against" column --


@pytest.mark.parametrize(
    ("lang", "caption"),
    [
        ("en", "Standard errors of a difference (SED from the REML fit, root mean square over "
               "the pairs) and LSD for each kind of comparison; df are the smallest Satterthwaite "
               "df of the pairs."),
        ("zh", "各类比较的差数标准误（SED，REML 估计，各对比较的均方根）与 LSD；自由度取各对比较 "
               "Satterthwaite 自由度的最小值。"),
    ],
)  # fmt: skip
def test_reml_sed_table_names_its_fit_in_the_caption(
    reports: Callable[..., Any], lang: str, caption: str
) -> None:
    table = _table(reports("split_plot_missing", lang), "sed")
    assert table.caption == caption
    assert [c.key for c in table.columns] == ["comparison", "sed", "df", "lsd"]


# --- alpha-lattice: the design map marks the positions of deleted rows too ---------------


def _design_maps(report: Any) -> list[Any]:
    return [b for s in report.sections if s.key == "field_map" for b in s.blocks]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "; dark grey, cross-hatched: positions without a plot in the table (1)."),
        ("zh", "；深灰色交叉线格为小区表中无记录的位置（1 个）。"),
    ],
)
def test_alpha_design_map_captions_name_positions_without_plot(
    reports: Callable[..., Any], lang: str, words: str
) -> None:
    """Plots 207 and 318 deleted: replicates 2 and 3 each say so; replicate 1 does not."""
    captions = [figure.caption for figure in _design_maps(reports("alpha", lang, figures=True))]
    assert [caption.endswith(words) for caption in captions] == [False, True, True]
    assert "24 plots" in captions[1] if lang == "en" else "24 个小区" in captions[1]


def test_alpha_design_map_draws_positions_without_plot_grey(reports: Callable[..., Any]) -> None:
    """The empty position is the residual map's grey, cross-hatched, not white."""
    from matplotlib.colors import to_hex

    from yieldtrial.plotting import EMPTY_POSITION_COLOUR

    grey = [
        sum(to_hex(p.get_facecolor()) == EMPTY_POSITION_COLOUR for p in figure.draw().patches)
        for figure in _design_maps(reports("alpha", "en", figures=True))
    ]
    assert grey == [0, 1, 1]
