"""English split-plot reports name the generated factor columns ``main`` and ``sub`` in words.

``yieldtrial design split_plot`` writes its factors into columns named ``main`` and ``sub``;
Chinese reports read them 主区因素 and 副区因素, English reports showed the bare words
("main: significant", "| main | n |", "two sub means at the same main level").
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from fieldbook_data import with_harvest
from yieldtrial import design
from yieldtrial.report.files import report_from_files

pytestmark = pytest.mark.usefixtures("close_figures")


def _report(tmp_path: Path, *, rename: dict[str, str] | None = None, lang: str = "en") -> Any:
    """Report of a complete 2 x 3 split plot in 3 blocks (the generated field book)."""
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book = with_harvest(book)
    factors = '["main", "sub"]'
    if rename:
        book = book.rename(columns=rename)
        factors = f'["{rename["main"]}", "{rename["sub"]}"]'
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "split_plot"\n'
        f'factors = {factors}\ncontrol = "N0"\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(
        tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False, lang=lang
    )
    return report


def _without_formula(md: str) -> str:
    """Drop the model formula from the Markdown: it names the columns as in the data."""
    return md.replace(r"\~ main \* sub + Error(block/main)", "")


def test_no_bare_main_or_sub_outside_the_formula(tmp_path: Path) -> None:
    md = _without_formula(_report(tmp_path).to_markdown())
    assert re.findall(r"(?<![-\w])(?:main|sub)(?![-\w])", md) == [
        "main",  # the methods' gloss: "In the formula, main is the main-plot factor
        "sub",  # and sub the sub-plot factor."
    ]


def test_anova_sources_read_main_plot_and_sub_plot_factor(tmp_path: Path) -> None:
    md = _report(tmp_path).to_markdown()
    assert "| Whole plots | Main-plot factor | 1 |" in md  # 2 levels -> 1 df
    assert "| Sub-plots | Sub-plot factor | 2 |" in md  # 3 levels -> 2 df
    assert "| Sub-plots | Main-plot factor x sub-plot factor | 2 |" in md  # 1 x 2 df


def test_verdicts_start_with_the_factor_in_words(tmp_path: Path) -> None:
    md = _report(tmp_path).to_markdown()
    assert "- Main-plot factor: " in md and "- Sub-plot factor: " in md
    assert "- Main-plot factor x sub-plot factor: " in md


def test_sed_rows_name_the_kinds_of_plot(tmp_path: Path) -> None:
    md = _report(tmp_path).to_markdown()
    assert "| two sub-plot means at the same whole-plot level |" in md
    assert "| two whole-plot means at the same or different sub-plot level |" in md


def test_factor_means_headers_and_captions(tmp_path: Path) -> None:
    md = _report(tmp_path).to_markdown()
    # captions are numbered since stop 32 ("Table 6. Means of ...")
    assert ". Means of the main-plot factor (LS-means); SE and letters on Error a" in md
    assert "| Main-plot factor | n |" in md and "| Sub-plot factor | n |" in md
    assert "| Main-plot factor \\\\ sub-plot factor | N0 |" in md


def test_methods_say_what_main_and_sub_are(tmp_path: Path) -> None:
    md = _report(tmp_path).to_markdown()
    assert "In the formula, main is the main-plot factor and sub the sub-plot factor." in md


def test_strata_warnings_name_the_main_plot_factor(tmp_path: Path) -> None:
    md = _report(tmp_path).to_markdown()
    assert "(whole plots, block x main-plot factor, 2 df)" in md  # (3 - 1) x (2 - 1) = 2 df
    assert "Look at the main-plot factor means per block" in md


def test_docx_and_xlsx_headers_read_the_same(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    report = _report(tmp_path)
    with zipfile.ZipFile(io.BytesIO(report.to_docx())) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    # a text cell's word hyphen is Word's non-breaking hyphen, read as "-"
    body = body.replace('</w:t><w:noBreakHyphen/><w:t xml:space="preserve">', "-")
    book = openpyxl.load_workbook(io.BytesIO(report.render("xlsx")))
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row}
    for text in ("Main-plot factor x sub-plot factor", "two sub-plot factor means"):
        assert text in body and text in cells


def test_factor_names_a_user_chose_stay_as_typed(tmp_path: Path) -> None:
    md = _report(tmp_path, rename={"main": "irrigation", "sub": "nitrogen"}).to_markdown()
    assert "| Whole plots | irrigation | 1 |" in md
    assert "| two nitrogen means at the same irrigation level |" in md
    assert "main-plot factor" not in md.lower() and "In the formula" not in md


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "compared 2 main-plot factor levels × 3 sub-plot factor levels (6 combinations) "
               "on 18 plots; the sub-plot factor means at 13 % moisture ranged from "),
        ("zh", "主区因素 2 个水平 × 副区因素 3 个水平（共 6 个组合）、18 个小区；按 13% 标准含水量"
               "折算，副区因素各水平平均产量为 "),
    ],
)  # fmt: skip
def test_summary_counts_both_factors_and_names_the_ranked_one(
    tmp_path: Path, lang: str, expected: str
) -> None:
    """User pass: the summary said "compared 12 treatments" (the cells), then "highest in V4".

    2 x 3 split plot in 3 blocks: 6 main x sub combinations on 18 plots; the control N0 is
    a sub-plot level, so the summary ranks the sub-plot factor's means.
    """
    md = _report(tmp_path, lang=lang).to_markdown()
    summary = md.split("\n\n")[2]  # title, heading, then the summary's paragraph
    assert expected in summary
    assert ("treatments" if lang == "en" else "个处理") not in summary.split(";")[0]


@pytest.mark.parametrize(
    ("lang", "caption"),
    [
        ("en", "Sub-plot factor means (LS-means) of yield in kg/ha at 13 % moisture."),
        ("zh", "副区因素各水平产量（kg/亩，标准含水量 13%）及差异显著性。"),
    ],
)
def test_means_table_caption_names_the_ranked_factor(
    tmp_path: Path, lang: str, caption: str
) -> None:
    """User pass: the table of the sub-plot factor's levels was captioned "Treatment means".

    The table ranks the sub-plot factor's levels (its first column says so), as the figure does.
    """
    md = _report(tmp_path, lang=lang).to_markdown()
    assert caption in md
    assert ("Treatment means (LS-means)" if lang == "en" else "各处理产量（") not in md


@pytest.mark.parametrize(
    ("lang", "expected", "wrong"),
    [
        ("en", "Design: split-plot design; 6 combinations of the two factors (2 main-plot factor "
               "levels × 3 sub-plot factor levels), 18 harvested plots.", "6 treatments"),
        ("zh", "试验设计：裂区设计；两因素共 6 个组合（主区因素 2 个水平 × 副区因素 3 个水平）、"
               "18 个收获小区。", "6 个处理"),
    ],
)  # fmt: skip
def test_methods_design_sentence_counts_the_combinations_of_the_two_factors(
    tmp_path: Path, lang: str, expected: str, wrong: str
) -> None:
    """Review: the methods said "12 treatments" of a 3 x 4 split plot (its cells).

    2 x 3 split plot in 3 blocks: 2 x 3 = 6 combinations of the two factors on 18 plots.
    """
    md = _report(tmp_path, lang=lang).to_markdown()
    assert expected in md
    assert wrong not in md
