"""Stop 51's look at what a user gets: every shipped dataset's report, en and zh, HTML and DOCX.

Each fix has a function-level check here (no rendering): the reports were rendered with
``tools/render_report.py`` and read page by page; these tests look at the generated text,
markup and figure objects that gave what a reader stumbled on.  The trial is Yates' oats
split plot as shipped (``yates-oats-split-plot``: published values, Yates 1935).
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import yieldtrial as yt
from yieldtrial.datasets import example_path
from yieldtrial.report.i18n import factor_label, source_label


@pytest.fixture(scope="module")
def oats_report() -> Any:
    """Build the English report of Yates' oats as the command line does.

    ``yieldtrial report oats.csv --crop oats --protocol usda --design split_plot --factors
    variety``; its figures are drawn only when asked.
    """
    from yieldtrial.report.files import report_from_files

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", yt.YieldTrialWarning)
        report, _ = report_from_files(
            example_path("yates-oats-split-plot"),
            crop="oats",
            overrides={"protocol": "usda", "design": "split_plot", "factors": ("variety",)},
            lang="en",
        )
    return report


def test_english_interaction_reads_factor_x_factor() -> None:
    """Every English interaction reads "A x B".

    ``variety:treatment`` was printed as the formula writes it in the English ANOVA, summary
    and conclusions (the Chinese report said ``variety × 处理``, and ``n_rate:variety``
    already read ``N rate x variety``).
    """
    assert source_label("variety:treatment", "en") == "variety x treatment"
    assert source_label("nitrogen:treatment", "en") == "nitrogen x treatment"
    assert source_label("variety:treatment", "zh") == "variety × 处理"  # unchanged
    assert source_label("main:sub", "en") == "Main-plot factor x sub-plot factor"  # unchanged


def test_oats_report_names_the_interaction_in_words(oats_report: Any) -> None:
    """Name the interaction in words in the oats report's ANOVA, summary and conclusions.

    The variety x nitrogen sub-plot interaction (F 0.30, P 0.932; Venables & Ripley sec. 6.7).
    """
    md = oats_report.to_markdown()
    assert "variety x treatment" in md
    assert "variety:treatment" not in md.replace("variety * treatment", "")


def test_treatment_is_capitalized_where_the_report_starts_a_label() -> None:
    """Capitalize the report's own word "treatment" where a label starts.

    The canonical ``treatment`` column read "treatment" as a table header (means of the
    sub-plot factor), an axis label and a legend title beside "Treatment" in every other
    table; a column name the user typed keeps its case.
    """
    assert factor_label("treatment", "en", capital=True) == "Treatment"
    assert factor_label("treatment", "en") == "treatment"  # inside a sentence
    assert factor_label("variety", "en", capital=True) == "variety"  # as typed
    assert factor_label("treatment", "zh", capital=True) == "处理"


def test_oats_sub_plot_means_table_and_means_figure_say_treatment(oats_report: Any) -> None:
    """Say "Treatment" in Table 6 (sub-plot means, Error b) and on the means figure's axis."""
    import matplotlib.pyplot as plt

    tables = [b for b in oats_report.section("design_means").blocks if hasattr(b, "columns")]
    first_headers = [table.columns[0].label for table in tables]
    assert "Treatment" in first_headers and "treatment" not in first_headers
    figure = next(b for b in oats_report.section("figures").blocks if b.key == "means")
    ax = figure.draw()
    assert ax.get_xlabel() == "Treatment"
    plt.close(ax.figure)


def test_interaction_legend_is_beside_the_lines_not_on_them(oats_report: Any) -> None:
    """Keep the cell-means figure's legend off its lines.

    It sat on the 0 N line's first point (Golden Rain, 1,793.4 kg/ha: the mean of its six
    plots in the report's cell-means table; the lowest value at the left edge, where
    matplotlib's "best" put it).  No drawn point lies inside the legend's box, and the
    legend is right of the axes.
    """
    import matplotlib.pyplot as plt

    figure = next(b for b in oats_report.section("figures").blocks if b.key == "interaction")
    ax = figure.draw()
    ax.figure.canvas.draw()
    legend = ax.get_legend()
    box = legend.get_window_extent()
    for line in ax.get_lines():
        for x, y in line.get_xydata():
            px, py = ax.transData.transform((x, y))
            assert not box.contains(px, py), (line.get_label(), x, y)
    assert box.x0 >= ax.get_window_extent().x1  # beside the plotting area
    assert legend.get_title().get_text() == "Treatment"
    plt.close(ax.figure)


@pytest.fixture(scope="module")
def rcbd_report() -> Any:
    """Build the replicated example's English report with its trial.toml (its expert panel)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", yt.YieldTrialWarning)
        report, _ = yt.report_from_files(
            example_path("replicated-rcbd"),
            example_path("replicated-rcbd", "trial.toml"),
            lang="en",
            figures=False,
        )
    return report


def test_word_panel_leaves_room_to_sign(rcbd_report: Any) -> None:
    """Leave room to sign in the Word report's panel.

    The signature column got the rest of the line, 21.7 mm (1,231 twips), beside the one-line
    affiliation "Example provincial academy of agricultural sciences †" (88 mm); it gets at
    least 28 % of the 170 mm text width, as the HTML's column.
    """
    from yieldtrial.report.render_docx import PORTRAIT_TEXT_MM, _Writer

    table = next(b for b in rcbd_report.section("panel").blocks if getattr(b, "key", "") == "panel")
    plan = _Writer(rcbd_report).plan(table)
    widths = plan.widths_mm[0]
    assert [c.key for c in table.columns][-1] == "signature"
    assert widths[-1] >= 0.28 * PORTRAIT_TEXT_MM - 1e-9
    assert sum(widths) == pytest.approx(PORTRAIT_TEXT_MM)  # still the text width


def test_html_panel_keeps_a_name_on_one_line(rcbd_report: Any) -> None:
    """Keep a member's name on one line: "Expert A †" broke after "Expert" in HTML."""
    html = rcbd_report.to_html()
    assert "#table-panel td.text:first-child { white-space: nowrap; }" in html
    assert 'id="table-panel"' in html


def test_joined_block_legend_stands_beside_the_plot_yields_figure() -> None:
    """Put the legend of joined blocks right of the plot-yields figure's axes.

    The replicated example (4 blocks joined by lines): the legend sat inside the axes beside
    T's points (B1 7,393.6, B4 7,331.1 kg/ha, the report's Table 2), its line-and-marker keys
    reading as more joined points.  Plain points (``join_blocks=False``) keep it inside.
    """
    import matplotlib.pyplot as plt

    from yieldtrial.datasets import load_example
    from yieldtrial.plotting import plot_yields

    plots = load_example("replicated-rcbd").yields()
    ax = plot_yields(plots)
    ax.figure.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1
    plt.close(ax.figure)
    ax = plot_yields(plots, join_blocks=False)
    ax.figure.canvas.draw()
    assert ax.get_legend().get_window_extent().x0 < ax.get_window_extent().x1
    plt.close(ax.figure)
