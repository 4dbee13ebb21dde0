"""Stop 50's user pass: stop 49's leftovers and the Chinese report (each fix has a test).

The trials here are SYNTHETIC (seeded) or the shipped examples; every expected number
says where it comes from.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from factorial_trials import n_rate_by_variety
from yieldtrial.datasets import example_path


def _example_report(lang: str, toml: Path | None = None) -> yt.Report:
    """Build the replicated example's report without figures (its own trial.toml by default)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", yt.YieldTrialWarning)
        report, _ = yt.report_from_files(
            example_path("replicated-rcbd"),
            toml or example_path("replicated-rcbd", "trial.toml"),
            lang=lang,
            figures=False,
        )
    return report


def test_economics_of_a_trial_read_with_config_are_the_reports() -> None:
    """``trial.economics()`` ignored ``[economics]``: it asked for the grain price.

    The replicated example prices grain at 2.4 CNY/kg, compound fertilizer at 3.2 and
    the synergist at 40 CNY/kg and gives T 5 CNY/mu (75 CNY/ha) of other costs; the
    report's net return changes (CNY/ha, English report) are the notebook's.
    """
    trial = yt.FieldTrial.from_csv(
        example_path("replicated-rcbd"), config=example_path("replicated-rcbd", "trial.toml")
    )
    table = trial.economics().set_index("treatment")
    rows = _example_report("en").section("economics").blocks[0].rows
    for row in (r for r in rows if r["control"] == "CK1"):
        assert table.loc[row["treatment"], "net_return_change_per_ha"] == pytest.approx(
            row["net_return_change"]
        )
    # T: 32 kg/mu x 15 x 3.2 + 0.3 x 15 x 40 + 75 = 1,536 + 180 + 75 = 1,791 CNY/ha
    assert table.loc["T", "fertilizer_cost_per_ha"] == pytest.approx(1_791.0)


def test_economics_arguments_replace_the_described_prices() -> None:
    """A grain price typed in the notebook wins over the description's 2.4 CNY/kg."""
    from yieldtrial.datasets import load_example

    trial = load_example("replicated-rcbd")
    table = trial.economics(grain_price_per_kg=3.0)
    assert set(table["grain_price_per_kg"]) == {3.0}
    assert set(table["currency"]) == {"CNY"}  # from [economics]


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "A negative fertilizer saved is more fertilizer: T uses 60.0 kg/ha more than CK1"),
        ("zh", "节肥为负值即多用肥料：T 比 CK1 多用 4.0 kg/亩"),
    ],
)
def test_negative_fertilizer_saved_is_said_as_more_fertilizer(
    tmp_path: Path, lang: str, note: str
) -> None:
    """A product that uses MORE fertilizer than its control read as a saving of -60.

    T at 44 kg/mu of compound fertilizer against CK1's 40: 4 kg/mu = 60 kg/ha more.
    """
    text = example_path("replicated-rcbd", "trial.toml").read_text(encoding="utf-8")
    t_block = text.index('label = "T"')
    text = text[:t_block] + text[t_block:].replace("rate = 32", "rate = 44", 1)
    toml = tmp_path / "trial.toml"
    toml.write_text(text, encoding="utf-8")
    table = _example_report(lang, toml).section("economics").blocks[0]
    row = next(r for r in table.rows if (r["treatment"], r["control"]) == ("T", "CK1"))
    assert row["fertilizer_saved"] == pytest.approx(-60.0 if lang == "en" else -4.0)
    assert any(n.startswith(note) for n in table.notes)


def test_other_costs_per_mu_are_shown_per_ha_in_an_english_report() -> None:
    """The English price note read "extra cost of T 5 CNY/ha" for 5 CNY/mu (75 CNY/ha)."""
    notes = _example_report("en").section("economics").blocks[0].notes
    assert any("extra cost of T 75 CNY/ha" in n for n in notes)
    assert not any("extra cost of T 5 CNY/ha" in n for n in notes)


@pytest.fixture(scope="module")
def factorial_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, yt.Report]:
    """Build the two-factor report (no figures) of one plot lost from `n_rate_by_variety`."""
    data = n_rate_by_variety(tmp_path_factory.mktemp("factorial") / "plots.csv", lost_first=True)
    overrides = {"design": "factorial", "factors": ("n_rate", "variety")}
    return {
        lang: yt.report_from_files(
            data, crop="wheat", control="N0", overrides=overrides, lang=lang, figures=False
        )[0]
        for lang in ("en", "zh")
    }


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", ["| N rate x variety | 2 |", "| N rate | n |", "- N rate: significant"]),
        ("zh", ["| N rate × variety | 2 |", "| N rate | 小区数 |", "N rate 各水平均值"]),
    ],
)
def test_factor_column_names_read_as_words(
    factorial_reports: dict[str, yt.Report], lang: str, shown: list[str]
) -> None:
    """``n_rate`` was the heading, table header and sentence subject of a two-factor report.

    The model formula keeps the column names (``yield_kg_ha ~ n_rate * variety + block``).
    """
    md = factorial_reports[lang].to_markdown()
    for text in shown:
        assert text in md
    assert md.count("n\\_rate") == 1  # the formula only


@pytest.mark.parametrize(
    ("lang", "footer", "note"),
    [
        ("en", "Grand mean (plain mean of the plots)", "kg/ha overall; with lost plots it"),
        ("zh", "总平均（各小区的算术平均）", "有缺区时与方差分析的总平均（"),
    ],
)
def test_grand_mean_and_cell_means_corner_are_told_apart(
    factorial_reports: dict[str, yt.Report], lang: str, footer: str, note: str
) -> None:
    """With a lost plot the ANOVA's grand mean and the cell-means corner are told apart.

    The grand mean is the plain mean of the 17 plots, the corner the mean of the 6
    LS-means; they differ, and both were printed unexplained.
    """
    report = factorial_reports[lang]
    anova = report.section("anova").blocks[0]
    labels = [row[0] for row in anova.footer] if anova.footer else []
    assert any(str(label).startswith(footer) for label in labels), labels
    cells = next(b for b in report.section("design_means").blocks if b.key == "means_cells")
    assert any(note in n for n in cells.notes)
    corner = cells.rows[-1][cells.columns[-1].key]  # mean of the LS-means, in the unit
    means = [r[c.key] for r in cells.rows[:-1] for c in cells.columns[1:-1]]
    assert corner == pytest.approx(sum(means) / len(means))  # 6 cells weighted alike


@pytest.mark.parametrize(
    ("lang", "ranking", "summary"),
    [
        ("en", "The 10 highest of the 42 LS-means (letters, ", "the full ranking is in the means"),
        ("zh", "42 个处理中平均产量最高的 10 个（", "完整排序见均值表"),
    ],
)
def test_ranking_of_many_treatments_names_the_top(
    tmp_path: Path, lang: str, ranking: str, summary: str
) -> None:
    """The ranking sentence listed all 45 treatments of a 45-entry trial (one 45-name line).

    Above :data:`CONCLUSIONS_LIST_MAX` (40) treatments it names the 10 highest LS-means and
    points at the means table, as the folded verdicts do; the summary, which said "the full
    ranking is under Conclusions", points at the table too.  42 treatments (CK, V001-V041)
    in 2 blocks, SYNTHETIC masses 6.5 kg/10 m² + noise of SD 0.3 kg.
    """
    from yieldtrial.report.sections.conclusions import RANKING_LIST_TOP

    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "plot_id": [f"{b}{i:03d}" for b in (1, 2) for i in range(42)],
            "block": [b for b in (1, 2) for _ in range(42)],
            "treatment": [("CK" if i == 0 else f"V{i:03d}") for _ in (1, 2) for i in range(42)],
            "harvested_area_m2": 10.0,
            "fresh_mass_kg": np.round(6.5 + rng.normal(0, 0.3, 84), 2),
            "moisture_pct": 14.0,
        }
    )
    frame.to_csv(tmp_path / "plots.csv", index=False)
    report, _ = yt.report_from_files(
        tmp_path / "plots.csv", crop="wheat", control="CK", lang=lang, figures=False
    )
    items = report.section("conclusions").blocks[0].items
    line = next(item for item in items if item.startswith(ranking))
    assert line.count(" > ") == RANKING_LIST_TOP - 1
    assert summary in report.section("summary").blocks[0].text


def test_plots_take_lang_for_their_own_words() -> None:
    """A notebook user could not draw the Chinese report's figures: no ``lang=``.

    In Chinese the yield axis reads 产量（kg/公顷） (yields in kg/ha), the canonical
    row/column/block names 行/列/区组.
    """
    import matplotlib.pyplot as plt

    from yieldtrial.plotting import plot_field, plot_means, plot_yields

    yields = pd.DataFrame(
        {
            "treatment": ["CK", "T", "T", "CK"],
            "block": [1, 1, 2, 2],
            "row": [1, 1, 2, 2],
            "column": [1, 2, 1, 2],
            "yield_kg_ha": [6000.0, 6300.0, 6250.0, 5900.0],
        }
    )
    means = pd.DataFrame({"treatment": ["CK", "T"], "yield_kg_ha": [5950.0, 6275.0]})
    assert plot_means(means, lang="zh").get_ylabel() == "产量（kg/公顷）"
    ax = plot_yields(yields, lang="zh")
    assert ax.get_legend().get_title().get_text() == "区组"
    field = plot_field(yields, lang="zh")
    assert (field.get_xlabel(), field.get_ylabel()) == ("列", "行")
    assert field.figure.axes[-1].get_ylabel() == "产量（kg/公顷）"  # the colour bar
    assert plot_field(yields).get_xlabel() == "column"  # English as before
    plt.close("all")


def test_plots_refuse_an_unknown_lang() -> None:
    """``lang="fr"`` is refused with the choices (``io.checks.check_option``'s message)."""
    from yieldtrial.plotting import plot_means

    with pytest.raises(yt.DataValidationError, match=r"unknown lang 'fr'.*expected one of: en, zh"):
        plot_means(pd.DataFrame({"treatment": ["CK"], "yield_kg_ha": [6000.0]}), lang="fr")


def test_word_report_lets_a_list_of_field_names_break_between_names(tmp_path: Path) -> None:
    """LibreOffice split "title、site、…" inside the names ("titl" / "e、site") in a zh DOCX.

    The list of fields without a Chinese version joins English names with 、, which gave
    LibreOffice no place to break; a zero-width space after each 、 before a Latin name
    is one (rendered with tools/render_report.py: the names stay whole).
    """
    import zipfile
    from io import BytesIO

    from yieldtrial.report.render_docx import render_docx

    toml = tmp_path / "trial.toml"
    toml.write_text(
        '[trial]\ntitle = "Demo"\nsite = "Somewhere"\ncrop = "wheat"\n'
        '[analysis]\ncontrol = ["CK1", "CK2"]\n',
        encoding="utf-8",
    )
    report = _example_report("zh", toml)
    xml = zipfile.ZipFile(BytesIO(render_docx(report))).read("word/document.xml").decode()
    assert "title、\u200bsite" in xml
    assert "title、site" in report.to_markdown()  # the other formats are unchanged
