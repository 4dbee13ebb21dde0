"""Reports as a reader sees them (stop 39): printed HTML pages, Word paragraphs, a figure.

Found by printing the reports of the shipped examples and of split-plot (missing plots),
alpha-lattice and augmented field books with Chromium and LibreOffice (en and zh):

- a two-line Chinese table caption broke between its lines, its first line and the section
  heading alone at a page foot (augmented means table);
- a 5-row table printed 1 row on one page and 4 on the next (the network's combined ANOVA,
  zh); a table note began the next page without its table;
- "13" / "% moisture" and "P =" / "0.035" broke at line ends;
- the split plot's plot-yield figure joined the plots of one block by a line that ran up and
  down through the six nitrogen levels of each variety.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yieldtrial.datasets import example_path

CSS = Path(__file__).parents[1] / "src" / "yieldtrial" / "report" / "templates" / "report.css"


def _print_rules() -> dict[str, str]:
    """Return the print stylesheet's rules: each selector -> its declarations."""
    css = CSS.read_text(encoding="utf-8")
    print_css = css.split("@media print", 1)[1]
    print_css = re.sub(r"/\*.*?\*/", "", print_css, flags=re.S)
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", print_css):
        for selector in selectors.split(","):
            rules[selector.strip()] = rules.get(selector.strip(), "") + body
    return rules


# ------------------------------------------------------------ printed HTML: page breaks
def test_print_css_keeps_a_table_caption_whole() -> None:
    rules = _print_rules()
    assert "break-inside: avoid" in rules["figure.table > figcaption"]
    assert "break-after: avoid" in rules["figcaption"]  # and with its table (stop 33)


def test_print_css_keeps_a_short_table_whole() -> None:
    # up to 12 body rows: no 13th row in its body (Chromium's :has, as p:has(+ ul) above)
    rules = _print_rules()
    assert "break-inside: avoid" in rules["figure.table:not(:has(tbody > tr:nth-child(13)))"]


def test_print_css_never_leaves_one_row_of_a_long_table_alone() -> None:
    rules = _print_rules()
    assert "break-after: avoid" in rules["table.data > tbody > tr:first-child"]
    assert "break-after: avoid" in rules["table.data > tbody > tr:nth-last-child(2)"]


def test_print_css_keeps_table_notes_with_the_table() -> None:
    rules = _print_rules()
    assert "break-after: avoid" in rules["figure.table div.table-wrap:has(+ p.tnote)"]
    assert "break-after: avoid" in rules["figure.table p.tnote:has(+ p.tnote)"]


# ------------------------------------------------------------ numbers with their units
def test_glue_values_joins_numbers_to_units_and_symbols() -> None:
    from yieldtrial.report._widths import glue_values

    assert glue_values("at 13 % moisture") == "at 13\u00a0% moisture"
    assert glue_values("5310.0 to 6493.8 kg/ha") == "5310.0 to 6493.8\u00a0kg/ha"
    assert glue_values("433.5 kg/亩, 20 m²") == "433.5\u00a0kg/亩, 20\u00a0m²"
    assert glue_values("df, P = 0.035; P < 0.001") == "df, P\u00a0=\u00a00.035; P\u00a0<\u00a00.001"
    assert glue_values("alpha = 0.05") == "alpha\u00a0=\u00a00.05"


def test_glue_values_leaves_other_spaces() -> None:
    from yieldtrial.report._widths import glue_values

    text = 'in 3 blocks, ddf = "kenward-roger", CK1 > T, 2024 season'
    assert glue_values(text) == text


def _paragraph_report():  # type: ignore[no-untyped-def]
    from yieldtrial.report.model import Bullets, Paragraph, Report, Section

    text = "Yields at 13 % moisture (P = 0.035)."
    return Report("T", "en", [Section("s", "S", [Paragraph(text), Bullets([text])])])


def test_html_paragraphs_keep_a_number_with_its_unit() -> None:
    from yieldtrial.report.render_html import render_html

    html = render_html(_paragraph_report())
    glued = "Yields at 13\u00a0% moisture (P\u00a0=\u00a00.035)."
    assert html.count(glued) == 2  # the paragraph and the list item
    assert "13 % moisture" not in html


def test_docx_paragraphs_keep_a_number_with_its_unit() -> None:
    pytest.importorskip("docx")
    import io
    import zipfile

    from yieldtrial.report.render_docx import render_docx

    data = render_docx(_paragraph_report())
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert xml.count("Yields at 13\u00a0% moisture (P\u00a0=\u00a00.035).") == 2
    assert "13 % moisture" not in xml


# ------------------------------------------------------------ split plot: plot yields
@pytest.fixture(scope="module")
def gomez_report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Gomez & Gomez's rice split plot (Table 3.7) as a plot table: 6 N levels x 4 varieties."""
    import pandas as pd

    from yieldtrial.report.files import report_from_files

    folder = tmp_path_factory.mktemp("gomez")
    plots = pd.read_csv(example_path("gomez-rice-split-plot"))  # plot ids 1-72 (stop 48)
    plots.to_csv(folder / "plots.csv", index=False)
    (folder / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ndesign = "split_plot"\n'
        'whole_plot = "nitrogen"\ncontrol = "V1"\n',  # variety: the treatment column
        encoding="utf-8",
    )
    report, _ = report_from_files(folder / "plots.csv", folder / "trial.toml")
    return report


def test_split_plot_yields_figure_draws_no_block_lines(gomez_report) -> None:  # type: ignore[no-untyped-def]
    import matplotlib.pyplot as plt

    figure = next(
        b for s in gomez_report.sections for b in s.blocks if getattr(b, "key", "") == "yields"
    )
    # each block holds 6 plots of each variety (one per nitrogen level): no line joins them
    assert "lines join" not in figure.caption
    assert figure.caption.startswith("Plot yields by treatment; the marker shows the block.")
    ax = figure.draw()
    try:
        drawn = [line for line in ax.get_lines() if len(line.get_xdata()) > 1]
        assert drawn and all(line.get_linestyle() == "None" for line in drawn)
    finally:
        plt.close("all")


def test_rcbd_yields_figure_still_joins_the_blocks() -> None:
    import matplotlib.pyplot as plt

    from yieldtrial.report.files import report_from_files

    folder = example_path("replicated-rcbd").parent
    report, _ = report_from_files(folder / "plots.csv", folder / "trial.toml")
    figure = next(b for s in report.sections for b in s.blocks if getattr(b, "key", "") == "yields")
    assert "lines join the plots of one block" in figure.caption
    ax = figure.draw()
    try:
        assert any(line.get_linestyle() == "-" for line in ax.get_lines())
    finally:
        plt.close("all")


# ------------------------------------------------------------ augmented: the family's size
def test_comparison_family_counts_treatments_not_entries(tmp_path: Path) -> None:
    # 32 members (CK2, CK3 and 30 entries) against CK1, more than the methods list by name:
    # "treatments vs CK1: 32 entries" counted the two other checks among the entries
    import numpy as np

    from yieldtrial import design
    from yieldtrial.report.files import report_from_files

    entries = [f"E{i:02d}" for i in range(1, 31)]
    book = design.augmented_design(["CK1", "CK2", "CK3"], entries, blocks=5, seed=3)
    rng = np.random.default_rng(44)
    book["harvested_area_m2"] = 10.0
    book["fresh_mass_kg"] = np.round(6.5 + rng.normal(0, 0.4, len(book)), 2)
    book["moisture_pct"] = 13.0
    book["impurity_pct"] = 0.0
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ndesign = "augmented"\ncontrol = "CK1"\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(tmp_path / "plots.csv", tmp_path / "trial.toml")
    methods = " ".join(str(b.text) for b in report.section("methods").blocks if hasattr(b, "text"))
    assert "(treatments vs CK1: 32 treatments)" in methods
    assert "32 entries" not in methods


# ------------------------------------------------------------ HTML print widths, measured
#: Chromium's min-content width [px] of report tables (Chromium 156 headless, fonts-noto-cjk:
#: each table.data set to ``width: min-content`` in the rendered report, its
#: getBoundingClientRect().width read back; stop 39).  The estimate ran 1-14 % high in
#: English (rcbd means 930 px: printed landscape; economics 808: at 8.3 pt).  Stop 45: the
#: zh efficiency table's headers in full-width brackets ("产量（kg/亩）"), measured again the
#: same way (Chromium 156 headless): 634 -> 667 px, the seven other zh tables as before.
MEASURED_PX = {
    ("replicated-rcbd", "en"): {
        "plots": 633, "anova": 344, "means": 833, "contrasts": 593, "noninferiority": 492,
        "efficiency": 549, "economics": 738, "panel": 303,
    },
    ("replicated-rcbd", "zh"): {
        "plots": 686, "anova": 386, "means": 943, "contrasts": 638, "noninferiority": 396,
        "efficiency": 667, "economics": 674, "panel": 322,
    },
    ("jinzhong-2024", "en"): {
        "moisture_audit": 526, "plots": 668, "means": 719, "contrasts": 293, "efficiency": 564,
        "economics": 551,
    },
}  # fmt: skip


@pytest.mark.parametrize(("example", "lang"), sorted(MEASURED_PX))
def test_print_width_estimate_is_close_to_chromiums(example: str, lang: str) -> None:
    from yieldtrial.report.files import report_from_files
    from yieldtrial.report.model import Table
    from yieldtrial.report.render_html import print_width_px

    folder = example_path(example).parent
    report, _ = report_from_files(
        folder / "plots.csv", folder / "trial.toml", lang=lang, figures=False
    )
    report = report.shown()
    tables = {b.key: b for s in report.sections for b in s.blocks if isinstance(b, Table)}
    for key, measured in MEASURED_PX[example, lang].items():
        ratio = print_width_px(tables[key], report.number_style) / measured
        # within 3 % below (a table that much too wide: the pages print at 97 %) and 2 %
        # above (a print font 2 % smaller than needed)
        assert 0.97 <= ratio <= 1.02, (key, ratio)


def test_a_header_unit_is_one_piece_of_the_estimate() -> None:
    # "N rate (kg N/mu)": header_html writes "(kg N/mu)" unbroken; the estimate took the
    # widest of "(kg" and "N/mu)" (51 px for a column Chromium drew 74 px wide)
    from yieldtrial.report._widths import sans_text_em
    from yieldtrial.report.model import Column, NumberStyle, Table
    from yieldtrial.report.render_html import print_width_px

    table = Table("t", [Column("n", "N rate (kg N/mu)", "number", 2)], [{"n": 6.0}], "c")
    font_px = 9.5 * 96 / 72
    expected = sans_text_em("(kg\u00a0N/mu)", bold=True) * font_px + 12.0
    assert print_width_px(table, NumberStyle()) == pytest.approx(expected)
