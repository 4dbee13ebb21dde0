"""Markdown figures as files, HTML tables and print CSS, one number style (issue 11 items 3, 7)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from shipped import example_report
from yieldtrial.errors import DataValidationError
from yieldtrial.report.model import Column, NumberStyle, format_value
from yieldtrial.report.render_markdown import FIGURE_MARK

CSS = Path(__file__).parents[1] / "src" / "yieldtrial" / "report" / "templates" / "report.css"


def _report(lang: str = "en", *, figures: bool = False) -> Any:
    return example_report(lang=lang, report_date="2024-06-01", figures=figures)


@pytest.fixture(scope="module")
def with_figures() -> Any:
    return _report(figures=True)


def test_markdown_writes_figures_next_to_it(with_figures: Any, tmp_path: Path) -> None:
    """report.md links report_files/fig<n>.svg, written by yieldtrial (marked)."""
    out = with_figures.write(tmp_path / "report.md")
    text = out.read_text(encoding="utf-8")
    figures = sorted((tmp_path / "report_files").glob("*.svg"))
    assert [f.name for f in figures] == ["fig1.svg", "fig2.svg", "fig3.svg", "fig4.svg"]
    for figure in figures:
        assert f"](report_files/{figure.name})" in text
        assert FIGURE_MARK in figure.read_text(encoding="utf-8")[:200]
    # written again over its own earlier output: fine
    with_figures.write(tmp_path / "report.md")


def test_markdown_never_replaces_a_users_file(with_figures: Any, tmp_path: Path) -> None:
    """A file of the user's in the figure folder is left alone and the write is refused."""
    folder = tmp_path / "report_files"
    folder.mkdir()
    mine = folder / "fig2.svg"
    mine.write_text("<svg>my drawing</svg>", encoding="utf-8")
    with pytest.raises(DataValidationError, match="not written by yieldtrial"):
        with_figures.write(tmp_path / "report.md")
    assert mine.read_text(encoding="utf-8") == "<svg>my drawing</svg>"
    assert not (tmp_path / "report.md").exists() and not (folder / "fig1.svg").exists()


def test_markdown_group_header_and_no_italic_chinese() -> None:
    """Markdown prefixes grouped headers with the group; Chinese captions are not italic."""
    assert "Significance: Letters (0.05)" in _report().to_markdown()
    zh = _report("zh").to_markdown()
    assert "差异显著性：0.05" in zh
    assert not re.search(r"^\*[^*\n]*[\u4e00-\u9fff][^*\n]*\*$", zh, flags=re.MULTILINE)
    assert not re.search(r"^_[^_\n]*[\u4e00-\u9fff][^_\n]*_$", zh, flags=re.MULTILINE)


def test_html_tables_scroll_and_group_header() -> None:
    """Tables sit in a scrolling wrapper; 差异显著性 spans the two letter columns."""
    html = _report("zh").to_html()
    assert html.count('<div class="table-wrap') == html.count('<table class="data')
    assert re.search(r'<th class="group[^"]*" colspan="2">(<span class="w">)?差异显著性', html)
    # a Chinese header with a unit wraps between the word and the unit only; a short one
    # (the "nw" class) not at all: Chromium broke it at the <wbr> despite white-space: nowrap
    assert '<span class="w">产量</span><wbr><span class="w">（kg/公顷）</span>' in html
    assert '"number nw"><span class="w">产量</span><span class="w">（kg/亩）</span>' in html


def test_css_has_no_mid_word_breaks_and_prints_long_tables() -> None:
    """No break-all; the header repeats on printed pages; whole tables are not kept together."""
    css = CSS.read_text(encoding="utf-8")
    assert "break-all" not in css
    assert "overflow-x: auto" in css
    print_css = css.split("@media print")[1]
    assert "thead { display: table-header-group; }" in print_css
    avoid = re.findall(r"([^{}]+)\{[^}]*break-inside: avoid", print_css)
    selectors = {s.strip() for group in avoid for s in group.split(",")}
    assert not selectors & {"table", "section", "figure", "figure.table", "table.data"}


def test_one_number_style_for_text_and_tables() -> None:
    """A number is grouped the same way in the report's tables and its sentences.

    Sentences grouped from 10,000 while the tables grouped from 1,000 ("6719.5" above
    "7,134.0", stop 46): both use the report's style now, four-digit numbers included.
    """
    from yieldtrial.report._format import fmt_number
    from yieldtrial.report.model import REPORT_NUMBER_STYLE

    column = Column("x", "X", "number", 1)
    for value in (999.94, 6719.5, 9999.94, 12345.67, 40149.94, -25000.0):
        assert fmt_number(value, 1) == format_value(value, column, REPORT_NUMBER_STYLE)
    assert fmt_number(6719.5, 1) == "6,719.5"
    assert NumberStyle(group_from=1000).number(6123.44, 1) == "6,123.4"


def test_cv_has_the_same_decimals_everywhere() -> None:
    """The CV reads the same in the ANOVA footer and the data-quality list."""
    report = _report()
    footer = dict(report.section("anova").blocks[0].footer)
    cv = footer["CV (%)"]
    quality = report.to_markdown().split("## Data quality")[1].split("##")[0]
    assert f"Coefficient of variation: {cv} %" in quality


def test_wide_tables_use_the_window_width_on_a_wide_screen() -> None:
    """The 14-column means table hid its P values and letters behind a scroll bar at 1280 px.

    Seen in headless Chromium (alpha lattice, 24 entries, en and zh): the wrapper was as wide
    as the 190 mm text column.  On a screen wider than the column it now takes the width it
    needs up to the window's, centred on the column; print and narrow screens keep the column.
    """
    css = CSS.read_text(encoding="utf-8")
    screen = css.split("@media screen and (min-width: 200mm)")[1].split("}")[0]
    assert "div.table-wrap.wide" in screen
    assert "width: max-content" in screen and "min-width: 100%" in screen
    assert "max-width: calc(100vw - 32px)" in screen
    assert "translateX(-50%)" in screen
    assert "max-content" not in css.split("@media print")[1]
    html = _report("zh").to_html()
    assert "@media screen and (min-width: 200mm)" in html  # the stylesheet is inlined


def test_a_table_far_wider_than_the_a4_column_prints_on_a_landscape_page() -> None:
    """The zh means table with two controls prints in a landscape section of its own.

    921 px at its narrowest (Chromium) in a 703 px A4 column made Chromium print every page
    at 76 %. The estimate is 957 px (ratio 1.36 > PRINT_SMALLER_RATIO 1.25); the other tables of the
    report print as they are.
    """
    from yieldtrial.report.render_html import PORTRAIT_TEXT_PX, print_width_px

    report = _report("zh")
    html = report.to_html()
    assert re.findall(r'<section id="(\w+)" class="landscape">', html) == ["means"]
    means = report.shown().section("means").blocks[0]
    assert print_width_px(means, report.number_style) / PORTRAIT_TEXT_PX > 1.25
    css = CSS.read_text(encoding="utf-8")
    assert "@page wide { size: A4 landscape;" in css
    assert "section.landscape { page: wide; }" in css.split("@media print")[1]


def test_a_table_a_little_too_wide_gets_a_smaller_print_font() -> None:
    """A table 5-25 % wider than the column keeps the page, in a print font in proportion."""
    from yieldtrial.report.model import Report, Section, Table
    from yieldtrial.report.render_html import PORTRAIT_TEXT_PX, print_width_px

    # 10 number columns of "1,234,567.8" (5.85 em at 9.5 pt + 12 px padding, 86 px each):
    # 860 px estimated, 1.22 x the 703 px column
    cols = [Column(f"c{i}", f"Value {i} (kg/ha)", "number", 1) for i in range(10)]
    table = Table("t", cols, [{f"c{i}": 1234567.8 for i in range(10)}], "Cap")
    ratio = print_width_px(table, NumberStyle()) / PORTRAIT_TEXT_PX
    assert 1.05 < ratio <= 1.25
    html = Report("T", "en", [Section("s", "S", [table])]).to_html()
    assert f'style="--print-pt: {9.5 / ratio:.1f}pt"' in html
    assert 'class="landscape"' not in html
    assert "table.data[style] { font-size: var(--print-pt); }" in CSS.read_text(encoding="utf-8")


def test_a_table_of_ten_columns_or_fewer_stays_in_the_text_column() -> None:
    """Only a wide table (more than 10 columns) leaves the text column on a wide screen.

    Headless Chromium at 1280 px (stop 37): the 8-column suspect-plot table of the Chinese
    doubled-weight example took the width of its evidence sentences on one line, 1163 px,
    past the 658 px text column; now it wraps in the column (658 px) and the 17-column means
    table alone is wider (1017 px).
    """
    html = _report("zh").to_html()
    wraps = re.findall(r'<div class="(table-wrap[^"]*)">\n<table class="data( wide)?"', html)
    assert len(wraps) == html.count('<table class="data')
    assert all((cls == "table-wrap wide") == bool(wide) for cls, wide in wraps)
    assert ("table-wrap wide", " wide") in wraps and ("table-wrap", "") in wraps


@pytest.mark.parametrize(
    ("label", "html"),
    [
        ("N rate (kg N/ha)", 'N rate <span class="w">(kg\u00a0N/ha)</span>'),
        ("PFP (kg/kg N)", 'PFP <span class="w">(kg/kg\u00a0N)</span>'),
        ("Sub-plot factor", '<span class="w">Sub-plot</span> factor'),
        ("PFP vs CK1 (%) †", 'PFP vs CK1 <span class="w">(%)\u00a0†</span>'),
    ],
    ids=["unit-space", "unit-end", "hyphen", "mark"],
)
def test_html_header_breaks_neither_in_a_unit_nor_at_a_hyphen(label: str, html: str) -> None:
    """Narrow columns broke "(kg" / "N/ha)", "Sub-" / "plot" and put "†" on its own line."""
    from yieldtrial.report.render_html import header_html

    assert header_html(label) == html


@pytest.fixture(scope="module")
def split_plot() -> Any:
    """Return the report of a 2 x 3 split plot (``design.split_plot``: ``main``, ``sub``)."""
    import numpy as np

    from yieldtrial import FieldTrial, design

    book = design.split_plot(["N0", "N1"], ["V1", "V2", "V3"], blocks=3, seed=5)
    book = book.drop(columns=["fresh_mass_kg", "moisture_pct", "impurity_pct"], errors="ignore")
    book["yield_kg_ha"] = 7000.0 + np.random.default_rng(2).normal(0.0, 250.0, len(book))
    trial = FieldTrial.from_dataframe(
        book, crop="wheat", control="V1", design="split_plot", factors=("main", "sub")
    )
    return trial.report(figures=False)


def test_html_body_cells_never_break_after_a_words_hyphen(split_plot: Any) -> None:
    """User pass: at 560 px the ANOVA cells read "Sub- / plots" and "Main- / plot factor"."""
    html = split_plot.to_html()
    assert '<td class="text"><span class="w">Sub-plots</span></td>' in html
    assert '<td class="text"><span class="w">Main-plot</span> factor</td>' in html
    assert "\u2011" not in html  # the text keeps its plain hyphen (copied, searched)


def test_other_formats_keep_the_plain_hyphen(split_plot: Any) -> None:
    """Markdown, JSON and XLSX hold "Main-plot factor" as written: no U+2011, no markup."""
    import io
    import zipfile

    xlsx = zipfile.ZipFile(io.BytesIO(split_plot.render("xlsx")))
    sheets = "".join(xlsx.read(n).decode("utf-8") for n in xlsx.namelist() if "worksheets/" in n)
    for text in (split_plot.to_markdown(), split_plot.to_json(), sheets):
        assert "Main-plot factor" in text and "\u2011" not in text and 'class="w"' not in text


def test_html_body_cells_never_break_a_variety_after_its_hyphen() -> None:
    """User pass: at 600 px the zh means table broke "Line-25" as "Line-" / "25".

    Chromium breaks after a hyphen before a digit as well as between letters.
    """
    import numpy as np
    import pandas as pd

    from yieldtrial import FieldTrial

    labels = ["CK", "Line-02", "Line-25"]
    plots = pd.DataFrame(
        {
            "plot": np.arange(1, 10),
            "block": np.repeat([1, 2, 3], 3),
            "treatment": labels * 3,
            "yield_kg_ha": 7000.0 + np.random.default_rng(4).normal(0.0, 250.0, 9),
        }
    )
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK", design="rcbd")
    html = trial.report(figures=False, lang="zh").to_html()
    assert '<td class="text"><span class="w">Line-25</span></td>' in html
    assert '<td class="text">Line-25</td>' not in html


@pytest.mark.parametrize(("lang", "unit"), [("en", "(kg/ha)²"), ("zh", "(kg/亩)²")])
def test_error_mean_square_states_its_squared_unit(lang: str, unit: str) -> None:
    """The fixed-model "Error mean square" has the unit squared, as "Residual variance" does.

    It read a bare number beside "Residual variance ... (kg/ha)²" of the mixed model; the
    value is the same string in the footer of every format (Markdown, HTML, DOCX, XLSX).
    """
    report = _report(lang)
    label = "Error mean square" if lang == "en" else "误差均方"
    value = dict(report.section("anova").blocks[0].footer)[label]
    number, _, tail = value.partition(" ")
    assert tail == unit
    float(number.replace(",", ""))  # the number as before, unit after one space
    colon = ": " if lang == "en" else "："
    assert f"- {label}{colon}{value}\n" in report.to_markdown()


def test_markdown_warning_list_stays_inside_its_quote() -> None:
    """The data-quality warnings: the list under "> **!** Warnings:" is quoted too.

    It was a plain list after the quote, so the warning box held the word "Warnings:" only.
    """
    from yieldtrial.report.model import Bullets, Paragraph, Report, Section
    from yieldtrial.report.render_markdown import render_markdown

    section = Section(
        "quality",
        "Data quality",
        [Paragraph("Warnings:", "warning"), Bullets(["Only 1 error df."], "warning")],
    )
    lines = render_markdown(Report("Yield test report", "en", [section])).splitlines()
    at = lines.index("> **!** Warnings:")
    assert lines[at + 1 : at + 3] == [">", "> - Only 1 error df."]


def _rcbd_report(yields: dict[str, list[float]], lang: str) -> Any:
    """Return the report of an RCBD of three blocks in kg/ha (no figures)."""
    import pandas as pd

    from yieldtrial import FieldTrial

    rows = [(t, b + 1, y) for t, ys in yields.items() for b, y in enumerate(ys)]
    plots = pd.DataFrame(rows, columns=["treatment", "block", "yield_kg_ha"])
    plots.insert(0, "plot_id", range(1, len(plots) + 1))
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK", design="rcbd")
    return trial.report(figures=False, lang=lang, unit="kg/ha")


@pytest.mark.parametrize(
    ("lang", "label"), [("en", "Grand mean"), ("zh", "总平均")]
)  # fmt: skip
def test_anova_footer_groups_its_thousands_as_its_table(lang: str, label: str) -> None:
    """Sums of squares of 10,000 or more group the table from 1,000: its footer too (stop 36).

    The footer read "Grand mean: 5000.0 kg/ha" and "Error mean square: 4583.3" under the
    table's "4,583.3". Grand mean = 45,000 / 9 = 5000.0 kg/ha (the yields below sum to
    45,000); the treatment sum of squares is 3 x (150² + 166.7² + 16.7²) = 151,666.7 and
    the error mean square 18,333.3 / 4 = 4,583.3 (the residuals of the two-way table).
    """
    yields = {"CK": [4900.0, 4800.0, 4850.0], "A": [5100.0, 5250.0, 5150.0]}
    yields["B"] = [5000.0, 4950.0, 5000.0]
    anova = _rcbd_report(yields, lang).section("anova").blocks[0]
    footer = dict(anova.footer)
    assert footer[label].startswith("5,000.0 ")
    error_ms = anova.formatted()[-1][
        anova.columns.index(next(c for c in anova.columns if c.key == "mean_sq"))
    ]
    assert "," in error_ms  # a mean square of 1,000 or more, grouped in the table
    mse = next(v for k, v in footer.items() if k in ("Error mean square", "误差均方"))
    assert mse.partition(" ")[0] == error_ms == "4,583.3"


def test_anova_footer_groups_as_every_report_table() -> None:
    """Every ANOVA number below 10,000: the footer groups its thousands all the same.

    The single-trial tables grouped from 10,000 and the network's from 1,000; every report
    table groups from 1,000 now (stop 46), and the footer with its table.  Grand mean =
    45,000 / 9 = 5000.0 kg/ha; the sums of squares are below 1,000 (yields within 20 kg/ha
    of 5000).
    """
    yields = {"CK": [4990.0, 4985.0, 4995.0], "A": [5010.0, 5015.0, 5005.0]}
    yields["B"] = [5000.0, 5000.0, 5000.0]
    anova = _rcbd_report(yields, "en").section("anova").blocks[0]
    assert dict(anova.footer)["Grand mean"] == "5,000.0 kg/ha"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_single_trial_tables_group_thousands_as_the_network(lang: str) -> None:
    """The means table printed "5000.0" where the network report printed "5,000.0" (stop 46).

    B's three plots yield 5000 kg/ha each: its mean is 5000.0 kg/ha (hand), shown with a
    thousands separator in English and Chinese alike (GB/T 15835-2011 allows the comma).
    """
    from yieldtrial.report.model import REPORT_NUMBER_STYLE, Table

    yields = {"CK": [4990.0, 4985.0, 4995.0], "A": [5010.0, 5015.0, 5005.0]}
    yields["B"] = [5000.0, 5000.0, 5000.0]
    report = _rcbd_report(yields, lang)
    assert report.number_style == REPORT_NUMBER_STYLE
    means = next(b for b in report.section("means").blocks if isinstance(b, Table))
    cells = {cell for row in means.formatted(report.number_style) for cell in row}
    assert "5,000.0" in cells and "5000.0" not in cells
    markdown_means = report.to_markdown().split("\n## ")
    assert any("5,000.0" in part for part in markdown_means)


def test_footer_as_table_groups_from_one_thousand() -> None:
    """A footer groups its thousands as the report's tables, whatever its table holds."""
    from yieldtrial.report.model import Table
    from yieldtrial.report.sections.models import fmt_number, footer_as_table

    table = Table("t", [Column("y", "Y", digits=1)], [{"y": 12.5}])
    footer = footer_as_table(
        table,
        lambda style: [("a", fmt_number(12000.0, 1, style)), ("b", fmt_number(1500.0, 1, style))],
    )
    assert footer == [("a", "12,000.0"), ("b", "1,500.0")]
    small = footer_as_table(table, lambda style: [("b", fmt_number(1500.0, 1, style))])
    assert small == [("b", "1,500.0")]


def test_rank_cells_are_centred_in_html() -> None:
    """The means table's rank cells carry the class ``rank``, which the CSS centres.

    Right-aligned beside the left-aligned treatment, "2" and "CK1" printed 12 px apart and
    read as one cell ("2 CK1"), as in the Word and Excel reports.
    """
    html = _report().to_html()
    body = html.split('id="table-means"', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1])
    assert len(rows) == 3  # CK1, CK2, T
    for row in rows:
        assert re.match(r'<td class="int rank">\d+</td><td class="text">', row), row
    assert "table.data td.rank { text-align: center; }" in CSS.read_text(encoding="utf-8")


def test_chinese_treatment_is_not_broken_between_characters() -> None:
    """A Chinese treatment name is one nowrap span in every table of the zh report.

    Chromium broke "减量20%+增效剂" as "减量20%+增效" / "剂" in the plot table (its third
    column, where the first column's keep-all does not reach), beside columns with room
    to spare; print_width_px already counts the name as one unbreakable word.
    """
    import numpy as np
    import pandas as pd

    from yieldtrial.trial import FieldTrial

    labels = ["CK", "减量20%+增效剂", "常规施肥"]
    rng = np.random.default_rng(2)
    plots = pd.DataFrame(
        {
            "plot": [f"{b}-{i}" for b in range(3) for i in range(3)],
            "block": [f"B{b}" for b in range(3) for _ in range(3)],
            "treatment": labels * 3,
            "yield_kg_ha": 7000.0 + rng.normal(0.0, 300.0, 9),
        }
    )
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK", design="rcbd")
    html = trial.report(lang="zh", figures=False).to_html()
    body = html.split('id="table-plots"', 1)[1].split("</table>", 1)[0]
    assert body.count('<span class="w">减量20%+增效剂</span>') == 3
    assert ">减量20%+增效剂<" not in body.replace('<span class="w">减量20%+增效剂</span>', "")


def test_short_header_has_no_break_opportunity() -> None:
    """A header the estimate keeps on one line ("nw") has no <wbr>: Chromium broke there.

    "面积（m²）" printed as "面积" / "（m²）" under white-space: nowrap, so the zh plot table
    printed 493 px wide where print_width_px estimated 700 (42 % high; 1 % after).  A long
    header still breaks between its pieces.
    """
    from yieldtrial.report.model import Table
    from yieldtrial.report.render_html import _head_rows

    columns = [
        Column("area", "面积（m²）", digits=1),
        Column("ci", "95% 置信下限（kg/亩，标准含水量 13%）", digits=1),
    ]
    short, long = _head_rows(Table("t", columns, [{"area": 20.0, "ci": 1.0}], "c"))[0]
    assert "nw" in short["kind"] and "<wbr>" not in short["html"]
    assert "nw" not in long["kind"] and "<wbr>" in long["html"]


def test_printed_footer_is_set_tight_after_the_last_list() -> None:
    """The footer line follows the conclusions without the list's and its own margins.

    A Chinese RCBD report whose conclusions ended 4 mm above the bottom margin printed the
    footer alone on a sixth page (Chromium: 6 pages; with these rules 5).
    """
    print_css = CSS.read_text(encoding="utf-8").split("@media print")[1]
    assert "main > section:last-child > :last-child { margin-bottom: 0; }" in print_css
    assert "footer p { margin: 0.2em 0 0; line-height: 1.2; }" in print_css
    html = _report("zh").to_html()
    assert re.search(r"</section>\s*</main>\s*<footer><p>", html)  # what they select
