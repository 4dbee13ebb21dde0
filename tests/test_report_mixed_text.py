"""Text of mixed-model (REML) reports: verdicts, methods and variance-component names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fieldbook_data import with_harvest
from yieldtrial import design
from yieldtrial.report.files import report_from_files

pytestmark = pytest.mark.usefixtures("close_figures")


def _split_plot_with_missing_plot(
    tmp_path: Path, ddf: str = "satterthwaite", *, whole_plot_effects: bool = False
) -> Path:
    """Write a 3-block split plot (I0/I1 x N0-N2) with plot 4's mass empty, and its toml.

    Without ``whole_plot_effects`` the REML estimate of the block:main variance is zero
    (the boundary); with them (block and whole-plot offsets to the mass) every variance
    component is positive (block 899, block:main 139,917, residual 39,163 (kg/ha)^2).
    """
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book = with_harvest(book)
    if whole_plot_effects:
        whole = dict(zip([(b, m) for b in "123" for m in ("I0", "I1")],
                         [0.0, 0.6, -0.4, 0.3, 0.5, -0.7], strict=True))  # fmt: skip
        block = {"1": 0.8, "2": -0.6, "3": 0.1}
        pairs = zip(book["block"], book["main"], strict=True)
        book["fresh_mass_kg"] += [0.8 * (whole[(b, m)] + block[b]) for b, m in pairs]
    book.loc[4, "fresh_mass_kg"] = np.nan  # a missing sub-plot: the report fits REML
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\n'
        f'factors = ["main", "sub"]\nddf = "{ddf}"\n',
        encoding="utf-8",
    )
    return tmp_path


def _markdown(folder: Path, lang: str) -> str:
    report, _ = report_from_files(
        folder / "plots.csv", folder / "trial.toml", figures=False, lang=lang
    )
    return str(report.to_markdown())


def test_reml_verdict_names_satterthwaite(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path), "en")
    assert "Main-plot factor: " in md and "(mixed-model F test, Satterthwaite df, P = " in md
    assert "satterthwaite df" not in md  # the library's error-term key, lowercase
    assert "F test against REML" not in md


def test_reml_verdict_names_kenward_roger(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path, "kenward-roger"), "en")
    assert "(mixed-model F test, Kenward-Roger df, P = " in md
    assert "kenward-roger df" not in md


def test_reml_verdict_in_chinese(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path), "zh")
    assert "（混合模型 F 检验，Satterthwaite 自由度，P = " in md
    assert "satterthwaite df" not in md


def _alpha(tmp_path: Path, lang: str = "en") -> str:
    """Report of a complete 6-entry alpha design (blocks of 3, 2 replicates)."""
    book = design.alpha_design([f"G{i}" for i in range(1, 7)], block_size=3, replicates=2, seed=1)
    book = with_harvest(book)
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "alpha"\n', encoding="utf-8"
    )
    return _markdown(tmp_path, lang)


def test_alpha_methods_say_df_are_approximate(tmp_path: Path) -> None:
    md = _alpha(tmp_path)
    assert "so these df are approximations even with no plot missing" in md
    # an alpha design has no stratum ANOVA whose df the REML df could equal
    assert "stratum df of the ANOVA" not in md


def test_split_plot_methods_keep_stratum_df_sentence(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path, whole_plot_effects=True), "en")
    assert "with no plot missing both give the exact stratum df of the ANOVA" in md
    assert "approximations even with no plot missing" not in md
    assert "(the boundary)" not in md


def test_split_plot_methods_say_df_approximate_with_missing_plots(tmp_path: Path) -> None:
    """One sentence: exact with no plot missing, approximate here (the fixture's 1 plot)."""
    md = _markdown(_split_plot_with_missing_plot(tmp_path, whole_plot_effects=True), "en")
    assert (
        "Satterthwaite rather than Kenward-Roger because with no plot missing both give the "
        "exact stratum df of the ANOVA and Satterthwaite keeps the REML standard errors "
        "unadjusted; with 1 of the plots missing, as here, the df are approximate."
    ) in md
    assert "With plots missing, as here, they are approximations." not in md
    assert "both then give the exact" not in md


def test_split_plot_methods_zh_say_df_approximate_with_missing_plots(tmp_path: Path) -> None:
    """The zh sentence no longer calls the df exact, then approximate, of the same trial."""
    md = _markdown(_split_plot_with_missing_plot(tmp_path, whole_plot_effects=True), "zh")
    assert (
        "选用 Satterthwaite 而非 Kenward-Roger，是因为无缺区时两者都给出方差分析各误差层的"
        "精确自由度，且 Satterthwaite 不调整 REML 标准误；本试验有 1 个缺区，故这些自由度为近似值。"
    ) in md
    assert "两者此时都给出精确的误差层自由度" not in md
    assert md.count("近似值") == 1


def test_split_plot_methods_say_df_approximate_with_missing_row(tmp_path: Path) -> None:
    """A lost sub-plot deleted from the field book (no row, no empty cell) is missing too."""
    folder = _split_plot_with_missing_plot(tmp_path, whole_plot_effects=True)
    book = pd.read_csv(folder / "plots.csv")
    book.dropna(subset=["fresh_mass_kg"]).to_csv(folder / "plots.csv", index=False)
    md = _markdown(folder, "en")
    assert "with 1 of the plots missing, as here, the df are approximate." in md


def test_boundary_component_methods_say_satterthwaite_pools(tmp_path: Path) -> None:
    """block:main estimated at zero: the stratum-df sentence would be false; say what happens.

    lmerTest's Satterthwaite df pool the stratum, pbkrtest's Kenward-Roger df do not (a
    complete split plot with the whole-plot variance at zero: 33 against 6 whole-plot df,
    tests/data/r_reference/, case ``sp_boundary_complete``).
    """
    md = _markdown(_split_plot_with_missing_plot(tmp_path), "en")
    assert (
        "The REML estimate of Blocks x main-plot factor is zero (the boundary): Satterthwaite's df"
    ) in md
    assert "pool its stratum with the one below (as lmerTest)" in md
    assert "Even with no plot missing these df are then not the stratum df" in md
    assert "With no plot missing these equal the stratum df" not in md


def test_boundary_component_methods_kenward_roger(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path, "kenward-roger"), "en")
    assert (
        "The REML estimate of Blocks x main-plot factor is zero (the boundary): Kenward-Roger's df"
    ) in md
    # Kenward-Roger keeps the stratum df at the boundary (R: case sp_boundary_complete)
    assert "With no plot missing these equal the stratum df of the ANOVA." in md


def test_boundary_component_methods_in_chinese(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path), "zh")
    # the factor column `main` of `yieldtrial design split_plot` reads 主区因素 in Chinese
    assert "区组 × 主区因素的 REML 估计值为零（边界）" in md
    assert "因此即使无缺区，这些自由度也不等于方差分析各误差层的自由度" in md
    assert "无缺区时这些自由度等于方差分析各误差层的自由度" not in md


def test_variance_components_are_named(tmp_path: Path) -> None:
    md = _alpha(tmp_path)
    assert "| Incomplete blocks (within replicates) |" in md
    assert "| block:incomplete_block |" not in md  # the model formula keeps its term


def test_split_plot_whole_plot_component_is_named(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path), "zh")
    assert "方差组分（区组、区组 × 主区因素、误差）" in md
    assert "| block:main |" not in md


def test_mixed_model_cv_has_the_report_digits(tmp_path: Path) -> None:
    """The REML footer's CV has one decimal, like every other CV of the report."""
    md = _alpha(tmp_path)
    footer = next(line for line in md.splitlines() if line.startswith("- CV (%): "))
    assert len(footer.removeprefix("- CV (%): ").split(".")[1]) == 1


def test_alpha_methods_in_chinese_name_no_setting(tmp_path: Path) -> None:
    """The Chinese methods sentence names Kenward-Roger without the English setting syntax."""
    md = _alpha(tmp_path, "zh")
    assert "不完全区组与处理不正交，即使无缺区这些自由度也只是近似值" in md
    assert "kenward-roger" not in md


def test_methods_say_adjusted_p_use_exact_df(tmp_path: Path) -> None:
    """The report states the one convention that differs from emmeans: no df rounding.

    Said of the Dunnett P values (a control N0) and, since stop 40, of Tukey's: the letters
    are the Tukey pairs at each pair's own df (stop 39: one df for the whole ranking).
    """
    folder = _split_plot_with_missing_plot(tmp_path, whole_plot_effects=True)
    toml = folder / "trial.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'control = "N0"\n', encoding="utf-8")
    md = _markdown(folder, "en")
    assert (
        "Dunnett and Tukey adjusted P values are integrated at each comparison's own, "
        "non-integer df" in md
    )
    assert "rounds the df to an integer first" in md


def test_methods_without_control_name_tukey_alone(tmp_path: Path) -> None:
    """No control: the adjusted-P sentence is Tukey's alone, and no one-df letters."""
    md = _markdown(_split_plot_with_missing_plot(tmp_path, whole_plot_effects=True), "en")
    assert " Tukey adjusted P values are integrated at each comparison's own" in md
    assert "Dunnett" not in md
    assert "The letters compare every pair on one df" not in md


def _variance_table(folder: Path, lang: str, unit: str) -> Any:
    report, _ = report_from_files(
        folder / "plots.csv", folder / "trial.toml", figures=False, lang=lang, unit=unit
    )
    section = report.section("anova")
    return next(b for b in section.blocks if getattr(b, "key", "") == "variance_components")


@pytest.mark.parametrize(
    ("lang", "unit", "label"),
    [("en", "kg/ha", "(kg/ha)²"), ("en", "kg/mu", "(kg/mu)²"), ("zh", "kg/mu", "(kg/亩)²")],
)
def test_variance_components_state_their_unit(
    tmp_path: Path, lang: str, unit: str, label: str
) -> None:
    """The variance and its SE are in the report's yield unit squared, and say so."""
    folder = _split_plot_with_missing_plot(tmp_path, whole_plot_effects=True)
    table = _variance_table(folder, lang, unit)
    headers = [col.label for col in table.columns]
    assert f"Variance ({label})" in headers or f"方差（{label}）" in headers
    assert f"SE ({label})" in headers or f"标准误（{label}）" in headers
    assert {col.unit for col in table.columns if col.key in ("variance", "se")} == {
        unit.join("()") + "²"
    }


def test_variance_components_follow_the_report_unit(tmp_path: Path) -> None:
    """kg/mu variances are the kg/ha ones / 15² (1 ha = 15 mu exactly); shares unchanged."""
    folder = _split_plot_with_missing_plot(tmp_path, whole_plot_effects=True)
    per_ha = _variance_table(folder, "en", "kg/ha").rows
    per_mu = _variance_table(folder, "zh", "kg/mu").rows
    for ha, mu in zip(per_ha, per_mu, strict=True):
        assert mu["variance"] == pytest.approx(ha["variance"] / 225, rel=1e-12)
        assert mu["se"] == pytest.approx(ha["se"] / 225, rel=1e-12)
        assert mu["pct_of_total"] == pytest.approx(ha["pct_of_total"], rel=1e-12)
    # the residual 39,163 (kg/ha)² of the fixture's docstring, in both units
    assert per_ha[-1]["variance"] == pytest.approx(39163, abs=1)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_residual_variance_footer_states_its_unit(tmp_path: Path, lang: str) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path, whole_plot_effects=True), lang)
    residual = "- Residual variance: " if lang == "en" else "- 残差方差："
    line = next(line for line in md.splitlines() if line.startswith(residual))
    assert line.endswith("(kg/ha)²" if lang == "en" else "(kg/亩)²")


def test_mixed_grand_mean_is_in_the_report_unit_first(tmp_path: Path) -> None:
    """The REML grand mean is written in the report's unit first, as the other ANOVAs do.

    It read "6717.4 kg/公顷 (447.83 kg/亩)"; now "<kg/mu> kg/亩（<kg/ha> kg/公顷）", the
    kg/mu value the kg/ha one / 15 (1 ha = 15 mu exactly), to the 2 decimals shown.
    """
    md = _markdown(_split_plot_with_missing_plot(tmp_path, whole_plot_effects=True), "zh")
    line = next(line for line in md.splitlines() if line.startswith("- 总平均："))
    per_mu, per_ha = line.removeprefix("- 总平均：").removesuffix(" kg/公顷）").split(" kg/亩（")
    # the footer groups thousands as the tables ("6,717.4", stop 46)
    per_mu, per_ha = per_mu.replace(",", ""), per_ha.replace(",", "")
    assert float(per_mu) == pytest.approx(float(per_ha) / 15, abs=0.006)


@pytest.mark.parametrize(("lang", "unit"), [("en", "kg/mu"), ("zh", "kg/mu")])
def test_grand_mean_brackets_its_kg_per_ha_value_in_the_reports_brackets(
    tmp_path: Path, lang: str, unit: str
) -> None:
    """Stop 32: "616.72 kg/亩 (9250.7 kg/公顷)" had half-width brackets in Chinese text."""
    folder = _split_plot_with_missing_plot(tmp_path, whole_plot_effects=True)
    report, _ = report_from_files(
        folder / "plots.csv", folder / "trial.toml", figures=False, lang=lang, unit=unit
    )
    footer = dict(next(b for b in report.section("anova").blocks if b.footer).footer)
    grand = footer["总平均" if lang == "zh" else "Grand mean"]
    if lang == "zh":
        assert grand.endswith(" kg/公顷）") and "（" in grand and "(" not in grand
    else:
        assert grand.endswith(" kg/ha)") and " (" in grand


def _sed_tables(folder: Path) -> tuple[Any, Any]:
    """Return the SED tables of the kg/ha (en) and kg/mu (zh) reports of one trial."""
    tables = []
    for lang, unit in (("en", "kg/ha"), ("zh", "kg/mu")):
        report, _ = report_from_files(
            folder / "plots.csv", folder / "trial.toml", figures=False, lang=lang, unit=unit
        )
        blocks = report.section("anova").blocks
        tables.append(next(b for b in blocks if getattr(b, "key", "") == "sed"))
    return tables[0], tables[1]


@pytest.mark.parametrize("complete", [False, True], ids=["reml", "strata"])
def test_sed_table_follows_the_report_unit(tmp_path: Path, complete: bool) -> None:
    """SED and LSD were in kg/ha in a kg/mu report (next to variances in (kg/mu)²).

    REML (a plot missing) and the stratum ANOVA (complete): the kg/mu values are the kg/ha
    ones / 15 (1 ha = 15 mu exactly); df unchanged; the headers name the unit.
    """
    folder = _split_plot_with_missing_plot(tmp_path, whole_plot_effects=True)
    if complete:
        book = pd.read_csv(folder / "plots.csv")
        book["fresh_mass_kg"] = book["fresh_mass_kg"].fillna(9.4)
        book.to_csv(folder / "plots.csv", index=False)
    per_ha, per_mu = _sed_tables(folder)
    for ha, mu in zip(per_ha.rows, per_mu.rows, strict=True):
        assert mu["sed"] == pytest.approx(ha["sed"] / 15, rel=1e-12)
        assert mu["lsd"] == pytest.approx(ha["lsd"] / 15, rel=1e-12)
        assert mu["df"] == ha["df"]
    assert [c.label for c in per_ha.columns][1:4:2] == ["SED (kg/ha)", "LSD (kg/ha)"]
    assert [c.label for c in per_mu.columns][1:4:2] == ["差数标准误（kg/亩）", "LSD（kg/亩）"]


@pytest.mark.parametrize("complete", [False, True], ids=["reml", "strata"])
def test_chinese_error_labels_are_spaced_from_chinese_text(tmp_path: Path, complete: bool) -> None:
    """A label's Latin end is spaced from the Chinese after it, as elsewhere ("REML 估计").

    The footers read "误差 a变异系数", the captions "基于REML", the conclusions "以误差 a作".
    """
    folder = _split_plot_with_missing_plot(tmp_path, whole_plot_effects=True)
    if complete:
        book = pd.read_csv(folder / "plots.csv")
        book["fresh_mass_kg"] = book["fresh_mass_kg"].fillna(9.4)
        book.to_csv(folder / "plots.csv", index=False)
    md = _markdown(folder, "zh")
    assert "- 误差 a 变异系数（%）：" in md and "- 误差 b 变异系数（%）：" in md
    assert not re.search(r"[A-Za-z][\u4e00-\u9fff]", md.split("## 方差分析")[1])
    if complete:
        assert "- 误差 a 均方：" in md and "- 误差 a 自由度：" in md
    else:
        # stop 49: the caption names the mixed model and its df method (was "基于 REML（自由度")
        assert "标准误与字母标记基于 REML 拟合的混合模型（Satterthwaite 自由度" in md


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_kenward_roger_sed_caption_names_kenward_roger(tmp_path: Path, lang: str) -> None:
    """With ddf = "kenward-roger" the SED table holds KR SEs and df; its caption says so.

    The df column is ``MixedModelFit.sed``'s, which takes each pair's Kenward-Roger df
    (``MeansModel.pairwise_df``) under that method; the caption said "Satterthwaite".
    """
    md = _markdown(_split_plot_with_missing_plot(tmp_path, "kenward-roger"), lang)
    if lang == "en":
        assert "df are the smallest Kenward-Roger df of the pairs" in md
        assert "smallest Satterthwaite df" not in md
    else:
        assert "自由度取各对比较 Kenward-Roger 自由度的最小值" in md
        assert "Satterthwaite 自由度的最小值" not in md


def test_satterthwaite_sed_caption_names_satterthwaite(tmp_path: Path) -> None:
    md = _markdown(_split_plot_with_missing_plot(tmp_path), "en")
    assert "df are the smallest Satterthwaite df of the pairs" in md


def test_split_plot_residual_note_names_error_b_as_the_anova_does(tmp_path: Path) -> None:
    """User pass: the note said "(error b)" where the ANOVA and warnings say "Error b"."""
    md = _markdown(_split_plot_with_missing_plot(tmp_path), "en")
    assert "these are the sub-plot stratum residuals (Error b)." in md
    assert "(error b)" not in md


@pytest.mark.parametrize(
    ("lang", "text", "check"),
    [
        (
            "en",
            "Plots are missing, so the checks below use the sub-plot residuals of the "
            "least-squares fit of Blocks + Main-plot factor + Blocks x main-plot factor + "
            "Sub-plot factor + Main-plot factor x sub-plot factor to the harvested plots",
            "- Normality of residuals (Shapiro-Wilk): W = ",
        ),
        (
            "zh",
            "本试验有缺区，以下检验采用对收获小区最小二乘拟合 区组 + 主区因素 + 区组 × 主区因素 + "
            "副区因素 + 主区因素 × 副区因素（主区误差 区组 × 主区因素 作为固定项）所得的副区残差",
            "- 残差正态性（Shapiro-Wilk 检验）：W = ",
        ),
    ],
)
def test_split_plot_with_missing_plot_checks_least_squares_residuals(
    tmp_path: Path, lang: str, text: str, check: str
) -> None:
    """A split plot with a plot missing gets its residual checks, and says on which residuals.

    Before, the data-quality section said the checks were not run (no stratum ANOVA).
    """
    md = _markdown(_split_plot_with_missing_plot(tmp_path), lang)
    assert text in md and check in md
    assert "were not run" not in md and "未进行残差检验" not in md


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Residual checks (normality, equal variances) were not run: with the plots"),
        ("zh", "未进行残差检验（正态性、方差齐性）：本试验有缺区"),
    ],
)
def test_split_plot_with_too_few_residuals_says_checks_not_run(
    tmp_path: Path, lang: str, text: str
) -> None:
    """Seven of 18 plots missing: the least-squares fit keeps 1 residual df (11 plots, rank 10).

    Fewer than 3 residual df: no checks, and the section says why (no check bullets).
    """
    folder = _split_plot_with_missing_plot(tmp_path, whole_plot_effects=True)
    book = pd.read_csv(folder / "plots.csv")
    kept = [101, 102, 103, 104, 106, 202, 203, 205, 302, 305, 306]
    book.loc[~book["plot_id"].isin(kept), "fresh_mass_kg"] = np.nan
    book.to_csv(folder / "plots.csv", index=False)
    md = _markdown(folder, lang)
    assert text in md
    assert "Shapiro-Wilk): W" not in md and "Shapiro-Wilk 检验）：W" not in md


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Hatched: plots without a yield (missing or excluded: 105)."),
        ("zh", "斜线格为无产量的小区（缺失或剔除：105）。"),
    ],
)
def test_field_map_caption_names_the_missing_plot(tmp_path: Path, lang: str, text: str) -> None:
    """The field map draws the lost plot hatched, and its caption says which plot it is.

    Plot 105 is the field book row whose mass is empty (``book.loc[4]``).
    """
    folder = _split_plot_with_missing_plot(tmp_path)
    report, _ = report_from_files(folder / "plots.csv", folder / "trial.toml", lang=lang)
    assert text in str(report.to_markdown())


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "- Error a: mean square: "), ("zh", "- 误差 a 均方：")]
)
def test_stratum_error_mean_squares_state_their_squared_unit(
    tmp_path: Path, lang: str, label: str
) -> None:
    """A split plot's error mean squares (complete data, stratum ANOVA) carry the unit squared."""
    folder = _split_plot_with_missing_plot(tmp_path, whole_plot_effects=True)
    book = pd.read_csv(folder / "plots.csv")
    book["fresh_mass_kg"] = book["fresh_mass_kg"].fillna(9.4)
    book.to_csv(folder / "plots.csv", index=False)
    md = _markdown(folder, lang)
    line = next(line for line in md.splitlines() if line.startswith(label))
    assert line.endswith(" (kg/ha)²" if lang == "en" else " (kg/亩)²")


# ------------------------------------------ augmented design with random blocks (stop 35)

#: An augmented RCBD (3 checks in each of 3 blocks, 22 entries) whose Kenward-Roger
#: treatment F test has no positive denominator df (tests/test_stats_mixed_unbalanced.py).
AUGMENTED_KR = Path(__file__).parent / "data" / "mixed" / "augmented_kr_no_df.csv"


def _augmented_random(tmp_path: Path, lang: str, ddf: str, letters: str = "tukey") -> str:
    toml = tmp_path / "trial.toml"
    toml.write_text(
        '[trial]\ncrop = "maize"\n[analysis]\ncontrol = "CK1"\nblock_effects = "random"\n'
        f'ddf = "{ddf}"\nletters = "{letters}"\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(AUGMENTED_KR, toml, figures=False, lang=lang)
    return str(report.to_markdown())


@pytest.mark.parametrize(
    ("lang", "ddf", "needle"),
    [
        (
            "en",
            "satterthwaite",
            "Each entry is in one block only (the checks repeated in the blocks)",
        ),
        (
            "en",
            "kenward-roger",
            "Each entry is in one block only (the checks repeated in the blocks)",
        ),
        ("zh", "satterthwaite", "每个参试材料只种于一个区组（对照在各区组重复种植）"),
        ("zh", "kenward-roger", "每个参试材料只种于一个区组（对照在各区组重复种植）"),
    ],
)
def test_augmented_random_blocks_have_their_own_sentence(
    tmp_path: Path, lang: str, ddf: str, needle: str
) -> None:
    """Its methods describe its blocks, not the alpha-lattice's incomplete blocks."""
    md = _augmented_random(tmp_path, lang, ddf)
    assert needle in md
    assert "Incomplete blocks are not orthogonal" not in md
    assert "不完全区组与处理不正交" not in md


@pytest.mark.parametrize(
    ("lang", "needle"),
    [
        ("en", "no treatment F test was available here, so no two treatments are declared "
               "different"),
        ("zh", "本试验无法进行处理 F 检验，故不判定任何两个处理间差异显著"),
    ],
)  # fmt: skip
def test_protected_lsd_without_an_f_test_says_why_nothing_differs(
    tmp_path: Path, lang: str, needle: str
) -> None:
    """Kenward-Roger gives no treatment F test: every entry shares a letter, and it is said."""
    md = _augmented_random(tmp_path, lang, "kenward-roger", letters="lsd")
    assert needle in md


def test_protected_lsd_with_an_f_test_adds_no_sentence(tmp_path: Path) -> None:
    """Satterthwaite's F test of the same trial exists: the gate is an ordinary gate."""
    md = _augmented_random(tmp_path, "en", "satterthwaite", letters="lsd")
    assert "no treatment F test was available" not in md
