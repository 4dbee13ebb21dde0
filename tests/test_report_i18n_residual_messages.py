"""The residual checks' English findings are translated in Chinese reports.

Each message below is the exact text :mod:`yieldtrial.stats.residual_checks` writes
(same f-strings, values filled in by hand).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldbook_data import with_harvest
from yieldtrial import design
from yieldtrial.report.files import report_from_files
from yieldtrial.report.i18n import translate_message

pytestmark = pytest.mark.usefixtures("close_figures")


def test_normality_finding_in_chinese() -> None:
    text = (
        "residuals depart from normality (Shapiro-Wilk W = 0.821, p = 0.00301); "
        "look for outliers or consider a transformation."
    )
    assert translate_message(text, "zh") == (
        "残差偏离正态分布（Shapiro-Wilk W = 0.821，P = 0.00301）；请检查异常值或考虑数据转换。"
    )


def test_too_few_stratum_fit_df_finding_in_chinese() -> None:
    """A split/strip plot with missing plots whose least-squares fit keeps 1 residual df."""
    text = (
        "the least-squares fit of the observed plots leaves 1 residual degrees of freedom in "
        "the innermost stratum (fewer than 3): too few to check the residuals."
    )
    assert translate_message(text, "zh") == (
        "对观测小区的最小二乘拟合在最内误差层仅剩 1 个残差自由度（少于 3）：不足以检验残差。"
    )


def test_unequal_variance_finding_in_chinese() -> None:
    text = (
        "residual variances differ between treatments (Brown-Forsythe F = 13.16, p = 0.00122); "
        "comparisons that assume a common variance may mislead."
    )
    assert translate_message(text, "zh") == (
        "各处理残差方差不齐（Brown-Forsythe F = 13.16，P = 0.00122）；"
        "基于方差齐性假定的比较可能失真。"
    )


def test_outer_stratum_not_checked_in_chinese() -> None:
    text = (
        "not checked: the error_a stratum (whole plots, block x tillage, 2 df) has no "
        "plot-level residuals of its own; normality, equal variances and outliers are tested "
        "on the sub-plot residuals (error_b, 8 df) only. Look at the tillage means per block "
        "for a suspicious whole plot."
    )
    assert translate_message(text, "zh") == (
        "未检验：误差 a 层（主区，区组 × tillage，2 自由度）没有自身的小区残差；"
        "正态性、方差齐性和异常值仅按副区残差（误差 b，8 自由度）检验。"
        "请按区组查看 tillage 的均值，找出可疑的主区。"
    )


def test_outer_stratum_of_a_reml_fit_not_checked_in_chinese() -> None:
    """Plots missing (REML): the outer stratum is named without df, in Chinese too."""
    text = (
        "not checked: the error_a stratum (whole plots, block x nitrogen) has no "
        "plot-level residuals of its own; normality, equal variances and outliers are tested "
        "on the sub-plot residuals (error_b, 35 df) only. Look at the nitrogen means per block "
        "for a suspicious whole plot."
    )
    assert translate_message(text, "zh") == (
        "未检验：误差 a 层（主区，区组 × nitrogen）没有自身的小区残差；"
        "正态性、方差齐性和异常值仅按副区残差（误差 b，35 自由度）检验。"
        "请按区组查看 nitrogen 的均值，找出可疑的主区。"
    )


def test_outer_stratum_low_df_in_chinese() -> None:
    text = (
        "error_b (vertical strips, block x nitrogen) has only 6 df (fewer than 10): tests "
        "against it have little power."
    )
    assert translate_message(text, "zh") == (
        "误差 b（纵向条区，区组 × nitrogen）自由度仅 6（少于 10）：以其所作的检验功效低。"
    )


def test_outer_stratum_high_cv_in_chinese() -> None:
    text = (
        "CV of error_a (horizontal strips, block x irrigation) = 17.2 % is above 15 %: tests "
        "against that error are imprecise."
    )
    assert translate_message(text, "zh") == (
        "误差 a（横向条区，区组 × irrigation）的变异系数 17.2% 超过 15%：以该误差所作的检验不精确。"
    )


def test_split_plot_report_in_chinese_has_no_english_finding(tmp_path: Path) -> None:
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book = with_harvest(book)
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\nfactors = ["main", "sub"]\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(
        tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False, lang="zh"
    )
    md = report.to_markdown()
    # 3 blocks x 2 whole plots: error a has (3 - 1)(2 - 1) = 2 df, so both findings appear
    assert "未检验：误差 a 层（主区" in md
    assert "not checked" not in md and "little power" not in md


def test_normality_finding_is_not_repeated_as_warning(tmp_path: Path) -> None:
    """A non-normal residual finding is stated once, in the check bullets."""
    book = design.rcbd(["A", "B", "C", "D"], blocks=4, seed=1)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 9.0
    # one wild plot among equal ones: Shapiro-Wilk W = 0.715, P < 0.001 (the report says so)
    book.loc[0, "fresh_mass_kg"] = 11.0
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "rcbd"\n', encoding="utf-8"
    )
    report, _ = report_from_files(tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False)
    md = report.to_markdown()
    assert "residuals look non-normal" in md
    assert "residuals depart from normality" not in md


def test_stratum_keys_read_as_table_names_in_english() -> None:
    """English reports name the strata as their tables do ("Error a", not "error_a")."""
    text = (
        "error_b (vertical strips, block x nitrogen) has only 6 df (fewer than 10): tests "
        "against it have little power."
    )
    assert translate_message(text, "en").startswith("Error b (vertical strips, ")


@pytest.mark.parametrize(
    ("copies", "shown"),
    [
        ("'S2'", "'S2' 与"),  # a space between a quoted name and 与
        ("'S2', 'S3', 'S4', 'S5', 'S6' and 2 more", "等（另有 2 个）与"),  # none after ）
    ],
)
def test_copied_sites_note_spaces_before_yu(copies: str, shown: str) -> None:
    """The report's note on copied sites meets 与 with a space only after a quoted name."""
    text = (
        f"site {copies} have the same plot data as site 'S1' (treatment and yield_kg_ha of all "
        "6 plots): copied data count one trial twice in the summary across sites; check the "
        "data of these trials."
    )
    assert f"{shown}试点 'S1' 的小区数据完全相同" in translate_message(text, "zh")


def test_few_df_finding_of_an_augmented_design_in_chinese() -> None:
    """The augmented design's advice (more checks per block or more blocks) in Chinese."""
    text = (
        "only 2 error degrees of freedom (fewer than 10): the error variance is poorly "
        "estimated and tests have little power; add checks to each block or add blocks (the "
        "error df of an augmented design come from its checks)."
    )
    assert translate_message(text, "zh") == (
        "误差自由度仅 2（少于 10）：误差方差估计不准，检验功效低；"
        "应增加每个区组的对照数或增加区组数（增广设计的误差自由度来自对照）。"
    )


def test_message_patterns_are_compiled_on_the_first_chinese_message() -> None:
    """The report's message patterns are plain strings at import, compiled once when needed.

    An English report never matches them; compiling them at import cost 0.006 s (stop 42).
    """
    from yieldtrial.report import i18n

    assert all(isinstance(pattern, str) for pattern, _ in i18n._MESSAGES_ZH)
    compiled = i18n._messages_zh()
    assert [p.pattern for p, _ in compiled] == [p for p, _ in i18n._MESSAGES_ZH]
    assert i18n._messages_zh() is compiled


def test_inner_stratum_high_cv_in_chinese() -> None:
    """A split plot's CV warning names Error b (stop 44: it said "CV = ..." alone)."""
    text = (
        "CV of error_b (sub-plot error) = 10.8 % is above 10 %: plot-to-plot variation is "
        "high; only large differences will be detectable."
    )
    assert translate_message(text, "zh") == (
        "误差 b（副区误差）的变异系数 10.8% 超过 10%：小区间变异较大，只有较大的差异才能检出。"
    )


def _split_plot_report(tmp_path: Path, lang: str) -> str:
    """Return the Markdown report of a split plot whose sub-plot CV is above 15 %."""
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book = with_harvest(book)
    # every other plot 40 % heavier: error b's CV far above 15 %
    book.loc[book.index[::2], "fresh_mass_kg"] *= 1.4
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\nfactors = ["main", "sub"]\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(
        tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False, lang=lang
    )
    return str(report.to_markdown())


def test_split_plot_cv_lines_name_error_b_in_english(tmp_path: Path) -> None:
    md = _split_plot_report(tmp_path, "en")
    assert "Coefficient of variation CV(b), of the sub-plot error (Error b):" in md
    assert "CV of Error b (sub-plot error) = " in md  # the warning above 15 %
    assert "The CV(b) of the sub-plot error (Error b), " in md  # the conclusion


def test_split_plot_cv_lines_name_error_b_in_chinese(tmp_path: Path) -> None:
    md = _split_plot_report(tmp_path, "zh")
    assert "变异系数 CV(b)（副区误差，误差 b）：" in md
    assert "误差 b（副区误差）的变异系数 " in md
    assert "副区误差（误差 b）的变异系数 CV(b) 为 " in md
