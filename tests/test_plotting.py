"""Tests of yieldtrial.plotting."""

from __future__ import annotations

import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from yieldtrial.errors import DataValidationError
from yieldtrial.plotting import figure_to_png, figure_to_svg, plot_field, plot_means, plot_yields

pytestmark = pytest.mark.usefixtures("close_figures")


MEANS = pd.DataFrame(
    {
        "treatment": ["CK", "A", "B"],
        "mean": [440.0, 470.0, 455.0],
        "ci_low": [420.0, 450.0, 435.0],
        "ci_high": [460.0, 490.0, 475.0],
        "letters": ["b", "a", "ab"],
    }
)

PLOTS = pd.DataFrame(
    {
        "plot_id": [f"p{i}" for i in range(6)],
        "treatment": ["CK", "A", "B", "A", "B", "CK"],
        "block": ["1", "1", "1", "2", "2", "2"],
        "row": [1, 1, 1, 2, 2, 2],
        "column": [1, 2, 3, 1, 2, 3],
        "yield_kg_ha": [6600.0, 7000.0, 6800.0, 7100.0, 6900.0, 6500.0],
    }
)


def test_plot_means_returns_the_axes_it_was_given() -> None:
    """With ax given, the figure is drawn there and that Axes is returned."""
    fig, ax = plt.subplots()
    assert plot_means(MEANS, ax=ax) is ax


def test_plot_means_writes_letters_above_bars() -> None:
    """Each letter of the display appears as a text on the Axes."""
    ax = plot_means(MEANS)
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["b", "a", "ab"]


def test_plot_means_draws_control_line_at_control_mean() -> None:
    """A horizontal line is drawn at the control's mean (440 in MEANS)."""
    ax = plot_means(MEANS, control="CK")
    ys = [float(np.asarray(line.get_ydata())[0]) for line in ax.get_lines()]
    assert 440.0 in ys


def test_plot_means_bars_start_at_zero() -> None:
    """Bars are drawn from 0 so their heights compare honestly (no cut value axis)."""
    ax = plot_means(MEANS)
    low, high = ax.get_ylim()
    assert low == 0.0
    assert high >= 490.0  # highest upper CI limit in MEANS


def test_plot_means_without_intervals() -> None:
    """NaN confidence limits (unreplicated trials) draw bars without error bars."""
    means = MEANS.assign(ci_low=np.nan, ci_high=np.nan)
    ax = plot_means(means)
    assert len(ax.patches) == 3
    assert not ax.collections  # no error bars


def test_plot_means_missing_mean_column_raises() -> None:
    """A table without a mean column is refused with the columns it has."""
    with pytest.raises(DataValidationError, match="no mean column"):
        plot_means(MEANS.drop(columns="mean"))


def test_plot_yields_one_line_per_block() -> None:
    """Plots of one block are joined: two blocks give two lines and a legend."""
    ax = plot_yields(PLOTS, order=["CK", "A", "B"])
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["CK", "A", "B"]
    assert ax.get_legend() is not None


def test_plot_field_places_values_at_row_and_column() -> None:
    """The heat map's cell (row 2, column 3) holds plot p5's yield (6500)."""
    ax = plot_field(PLOTS)
    grid = np.asarray(ax.images[0].get_array())
    assert grid[1, 2] == 6500.0  # PLOTS row 6: row 2, column 3


def test_plot_field_residuals_use_a_diverging_scale() -> None:
    """Values of both signs are centred on zero."""
    data = PLOTS.assign(residual=[-50.0, 20.0, 30.0, -10.0, 40.0, -30.0])
    ax = plot_field(data, value="residual")
    low, high = ax.images[0].get_clim()
    assert low == -high == -50.0  # largest |residual| is 50


def test_plot_field_needs_positions() -> None:
    """Without row/column the field map is refused."""
    with pytest.raises(DataValidationError, match="row"):
        plot_field(PLOTS.drop(columns="row"))


def test_plot_field_refuses_plots_sharing_a_position() -> None:
    """Two plots at row 1, column 1 are refused, naming them (they were drawn one over another)."""
    shared = PLOTS.assign(row=[1, 1, 1, 1, 2, 2], column=[1, 2, 3, 1, 2, 3])  # p3 on p0
    with pytest.raises(
        DataValidationError,
        match=r"field map: 2 plots share a row and column position \(1 position; row 1, "
        r"column 1: plots 'p0', 'p3'\), so one would be drawn over another",
    ):
        plot_field(shared)


def test_plot_field_refuses_positions_numbered_within_each_block() -> None:
    """Rows restarting at 1 in block 2 (a row-column layout) name the fix: one block at a time."""
    within = PLOTS.assign(row=1)  # blocks 1 and 2 both on row 1, columns 1-3
    with pytest.raises(DataValidationError, match=r"6 plots share .* \(3 positions;") as error:
        plot_field(within)
    assert "plots[plots['block'] == 1]" in str(error.value)
    plot_field(within[within["block"] == "1"])  # one block: its own positions, drawn


def test_svg_keeps_chinese_text_as_text() -> None:
    """Chinese labels stay text in the SVG (svg.fonttype none), not glyph paths."""
    ax = plot_means(MEANS, ylabel="产量（kg/mu）")
    svg = figure_to_svg(ax.figure)
    assert svg.startswith("<svg")
    assert "产量（kg/mu）" in svg


def test_png_rendering() -> None:
    """PNG output is a PNG file."""
    ax = plot_yields(PLOTS)
    assert figure_to_png(ax.figure, dpi=50)[:8] == b"\x89PNG\r\n\x1a\n"


def test_import_does_not_import_matplotlib() -> None:
    """Importing yieldtrial.plotting (and the report package) leaves matplotlib unimported."""
    code = (
        "import sys, yieldtrial.plotting, yieldtrial.report, yieldtrial.config; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_plot_means_hatches_named_bars() -> None:
    """Bars named in ``hatched`` (illustrative values) are hatched; the others are not."""
    ax = plot_means(MEANS, hatched=["CK"])
    assert [bar.get_hatch() for bar in ax.patches] == ["//", None, None]


def test_plot_mean_histogram_finds_the_yield_column_of_fieldtrial_means() -> None:
    """A FieldTrial.means() table (mean in yield_kg_ha) is drawn as is, labelled with its unit."""
    from yieldtrial.plotting import plot_mean_histogram

    means = pd.DataFrame(
        {"treatment": ["CK", "A", "B", "C"], "yield_kg_ha": [6600.0, 7000.0, 6800.0, 7100.0]}
    )
    ax = plot_mean_histogram(means, control="CK")
    # the three non-control entries are the bars; the control is the dashed line at 6600
    assert sum(p.get_height() for p in ax.patches) == 3
    assert ax.lines[0].get_xdata()[0] == 6600.0
    assert ax.get_xlabel() == "Yield (kg/ha)"


def test_plot_yields_labels_a_yield_column_with_its_unit() -> None:
    """The default y label of a yield column is "Yield (kg/ha)", as in plot_means."""
    assert plot_yields(PLOTS).get_ylabel() == "Yield (kg/ha)"


def test_plot_field_small_trial_writes_every_cell() -> None:
    """6 plots in 2 x 3 cells of a 6 x 4 inch figure: each cell shows treatment and value."""
    ax = plot_field(PLOTS)
    assert len(ax.texts) == 6
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2"]


def test_plot_field_many_rows_stays_readable() -> None:
    """1,200 plots in 120 rows x 10 columns (the 400-entry alpha lattice of the benchmarks).

    At 4 inches for 120 rows a cell is about 2 pt high, far below the two 8 pt lines of its
    text: no cell text, and only every k-th row is numbered (at least 12 pt apart).
    """
    n_rows, n_cols = 120, 10
    data = pd.DataFrame(
        {
            "treatment": [f"G{i % 400:04d}" for i in range(n_rows * n_cols)],
            "row": np.repeat(np.arange(1, n_rows + 1), n_cols),
            "column": np.tile(np.arange(1, n_cols + 1), n_rows),
            "residual": np.linspace(-300.0, 300.0, n_rows * n_cols),
        }
    )
    ax = plot_field(data, value="residual")
    assert len(ax.texts) == 0
    box = ax.get_position()
    height_pt = box.height * ax.figure.get_figheight() * 72
    ticks = ax.get_yticks()
    assert 1 < len(ticks) <= height_pt / 12 + 1
    assert ax.get_yticklabels()[0].get_text() == "1"
    assert len(ax.get_xticks()) == n_cols  # 10 columns fit: every one is numbered


def test_plot_field_never_writes_minus_zero() -> None:
    """An unreplicated entry's residual (-1e-12) is written "0", not "-0"."""
    data = pd.DataFrame(
        {
            "row": [1, 1, 2],
            "column": [1, 2, 1],
            "treatment": ["E1", "CK", "E2"],
            "residual": [-1e-12, -3.4, -0.4],
        }  # fmt: skip
    )
    ax = plot_field(data, value="residual")
    texts = [t.get_text() for t in ax.texts]
    assert "E1\n0" in texts and "CK\n-3" in texts and "E2\n0" in texts
    assert not any(t.endswith("-0") for t in texts)


def test_plot_means_refuses_a_treatment_on_several_rows() -> None:
    """A site x treatment table (analyze_many's per_treatment) is not one bar per treatment."""
    per_site = pd.concat([MEANS.assign(site="A"), MEANS.assign(site="B")], ignore_index=True)
    with pytest.raises(DataValidationError, match="'CK' is on 2 rows"):
        plot_means(per_site)


def test_plot_means_refuses_limits_that_do_not_contain_the_mean() -> None:
    """ci_low/ci_high of a difference (here 10-50 beside means of 440-470) are not drawn.

    The values are like those of the across-site table of analyze_many, whose
    ``ci_low``/``ci_high`` bound the difference from the check; that table itself is drawn
    without intervals (tests/test_user_stop52.py), limits named explicitly are refused.
    """
    table = MEANS.assign(ci_low=[np.nan, 10.0, -5.0], ci_high=[np.nan, 50.0, 35.0])
    with pytest.raises(DataValidationError, match="not confidence limits of mean"):
        plot_means(table)
    across = table.rename(columns={"mean": "across_site_mean"})
    with pytest.raises(DataValidationError, match="not confidence limits of across_site_mean"):
        plot_means(across, ci_low="ci_low", ci_high="ci_high")


def test_plot_field_hatches_a_plot_without_a_value() -> None:
    """A lost plot is drawn hatched at its cell, not left as background (= the lowest colour)."""
    data = PLOTS.copy()
    data.loc[5, "yield_kg_ha"] = np.nan  # PLOTS row 6: row 2, column 3
    ax = plot_field(data)
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 1
    assert hatched[0].get_xy() == (1.5, 0.5)  # the cell centred on (column 3, row 2) - origin
    assert not [p for p in plot_field(PLOTS).patches if p.get_hatch()]


def test_plot_yields_join_blocks_false_draws_markers_only() -> None:
    plots = pd.DataFrame(
        {
            "treatment": ["A", "B", "C", "A", "B", "C"],
            "block": ["1", "1", "1", "2", "2", "2"],
            "yield_kg_ha": [7000.0, 7200.0, 6900.0, 7100.0, 7300.0, 6800.0],
        }
    )
    ax = plot_yields(plots, join_blocks=False)
    assert [line.get_linestyle() for line in ax.lines] == ["None", "None"]  # one per block
    assert [len(line.get_xdata()) for line in ax.lines] == [3, 3]
    assert plot_yields(plots).lines[0].get_linestyle() == "-"  # the default joins a block


def test_plot_field_draws_a_position_without_plot_grey_not_hatched() -> None:
    from matplotlib.colors import to_hex

    # a 2 x 2 grid whose plot at row 2, column 1 has no row; row 1, column 2 has no value
    plots = pd.DataFrame({"row": [1, 1, 2], "column": [1, 2, 2], "residual": [-10.0, np.nan, 10.0]})
    ax = plot_field(plots, value="residual", label=None)
    cells = {(p.get_x() + 0.5, p.get_y() + 0.5): p for p in ax.patches}
    assert set(cells) == {(0.0, 1.0), (1.0, 0.0)}  # (x = column - 1, y = row - 1)
    empty, lost = cells[(0.0, 1.0)], cells[(1.0, 0.0)]
    assert to_hex(empty.get_facecolor()) == "#bdbdbd" and not empty.get_hatch()
    assert lost.get_hatch() == "///"


def test_empty_positions_lists_the_grid_positions_no_plot_holds() -> None:
    from yieldtrial.plotting import empty_positions

    # a 2 x 3 grid from row 2, column 5, with (2, 6) and (3, 7) not held
    assert empty_positions([2, 2, 3, 3], [5, 7, 5, 6]) == [(2, 6), (3, 7)]
    assert empty_positions([], []) == []


def test_plot_field_writes_no_nan_for_a_plot_without_a_label() -> None:
    """A lost plot whose label is missing too gets an empty label, not the text "nan"."""
    data = PLOTS.copy()
    data.loc[5, ["yield_kg_ha", "treatment"]] = [np.nan, None]
    texts = [t.get_text() for t in plot_field(data).texts]
    assert len(texts) == 6 and not [t for t in texts if "nan" in t]


def test_plot_field_keeps_chinese_labels_inside_their_cells() -> None:
    """Chinese treatment names (a CJK character is a full em) are written small enough to fit.

    4 rows x 6 columns in a 6 x 4 inch figure, as in the report's residual map of a 6-treatment
    RCBD: "减量20%+增效剂" at 8 pt (about 60 pt wide) ran over cells about 45 pt wide.
    """
    names = ["CK", "常规施肥", "减量20%+增效剂", "T3", "T4", "T5"]
    rng = np.random.default_rng(1)
    data = pd.DataFrame(
        {
            "treatment": [names[(r + c) % 6] for r in range(4) for c in range(6)],
            "row": np.repeat(np.arange(1, 5), 6),
            "column": np.tile(np.arange(1, 7), 4),
            "residual": rng.normal(0, 200, 24),
        }
    )
    ax = plot_field(data, value="residual")
    assert len(ax.texts) == 24
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    cell_px = ax.get_window_extent().width / 6
    widest = max(t.get_window_extent(renderer).width for t in ax.texts)
    assert widest <= cell_px


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_mean_histogram_leaves_out_the_controls_without_a_pandas_warning() -> None:
    """The controls were found with Series.isin (pandas 2.0 + NumPy 1.25 warned) (stop 39)."""
    means = pd.DataFrame({"treatment": ["CK", "E1", "E2", "E3"], "mean": [5.0, 6.0, 7.0, 8.0]})
    from yieldtrial.plotting import plot_mean_histogram

    ax = plot_mean_histogram(means, control="CK", mean="mean")
    assert sum(patch.get_height() for patch in ax.patches) == 3  # E1-E3, not CK


def test_plot_means_refuses_a_control_not_in_the_table() -> None:
    """``control="ck"`` (the table's label is "CK") drew no line and said nothing."""
    with pytest.raises(DataValidationError, match="control 'ck' is not a treatment"):
        plot_means(MEANS, control="ck")


def test_plot_means_refuses_a_hatched_label_not_in_the_table() -> None:
    """user45: ``hatched=["t9"]`` hatched no bar and said nothing (as control= did)."""
    with pytest.raises(DataValidationError, match="hatched label 't9' is not a treatment"):
        plot_means(MEANS, hatched=["t9"])


def test_plot_means_takes_one_hatched_label_as_a_string() -> None:
    """``hatched="CK"`` is one label, not the characters "C" and "K"."""
    ax = plot_means(MEANS, hatched="CK")
    labels = [str(v) for v in MEANS["treatment"]]
    hatches = [bar.get_hatch() for bar in ax.patches[: len(labels)]]
    assert hatches == ["//" if lab == "CK" else None for lab in labels]


def test_mean_histogram_refuses_a_control_not_in_the_table() -> None:
    """A control absent from the means drew no dashed line and said nothing."""
    from yieldtrial.plotting import plot_mean_histogram

    means = pd.DataFrame({"treatment": ["CK", "E1", "E2", "E3"], "mean": [5.0, 6.0, 7.0, 8.0]})
    with pytest.raises(DataValidationError, match="control 'CK9' is not a treatment"):
        plot_mean_histogram(means, control=["CK", "CK9"], mean="mean")


# ----------------------------------------------------- the default yield column (stop 40)
def _drawn_y(ax) -> list[float]:
    return sorted(float(v) for line in ax.get_lines() for v in line.get_ydata())


def test_plot_yields_default_draws_a_kg_mu_table_in_kg_mu() -> None:
    # before stop 40 the default response="yield_kg_ha" was not in such a table: an error
    plots = PLOTS.drop(columns="yield_kg_ha").assign(yield_kg_mu=[440.0, 466.7, 453.3] * 2)
    ax = plot_yields(plots)
    assert ax.get_ylabel() == "Yield (kg/mu)"
    assert _drawn_y(ax) == sorted(plots["yield_kg_mu"].tolist())


def test_plot_yields_default_follows_the_trials_unit() -> None:
    import yieldtrial as yt

    # kg/mu trial: yields() holds yield_kg_ha (analysed) and yield_kg_mu (the trial's unit);
    # the figure shows kg/mu, as the trial's means do (it drew kg/ha before stop 40)
    table = PLOTS.drop(columns=["row", "column"])
    trial = yt.FieldTrial(table, crop="wheat", unit="kg/mu")
    yields = trial.yields()
    ax = plot_yields(yields)
    assert ax.get_ylabel() == "Yield (kg/mu)"
    assert _drawn_y(ax) == pytest.approx(sorted(yields["yield_kg_mu"].tolist()))


def test_plot_yields_default_of_a_kg_ha_table_is_kg_ha() -> None:
    assert plot_yields(PLOTS).get_ylabel() == "Yield (kg/ha)"


def test_plot_yields_default_refuses_several_other_units() -> None:
    plots = PLOTS.assign(yield_kg_mu=1.0, yield_t_ha=1.0)
    with pytest.raises(DataValidationError, match="several units.*response="):
        plot_yields(plots)


def test_plot_yield_boxes_default_follows_the_table_unit() -> None:
    from yieldtrial.plotting import plot_yield_boxes

    plots = PLOTS.assign(yield_jin_mu=PLOTS["yield_kg_ha"] / 7.5)
    assert plot_yield_boxes(plots).get_ylabel() == "Yield (jin/mu)"


def test_font_families_take_a_cjk_collection_known_by_its_first_face(monkeypatch):
    """Matplotlib 3.7 knows Noto's CJK collection as "Noto Sans CJK JP" alone (stop 53).

    No family of FONT_FAMILIES is known and registering the system's CJK files adds no new
    name (the cache already holds them): the known CJK family is used, sans-serif first,
    not DejaVu Sans alone (the oldest-pins CI drew Chinese labels as missing glyphs).
    """
    from types import SimpleNamespace

    from matplotlib import font_manager

    from yieldtrial.plotting import font_families

    names = ["DejaVu Sans", "Noto Serif CJK JP", "Noto Sans Mono CJK JP", "Noto Sans CJK JP"]
    fake = SimpleNamespace(ttflist=[SimpleNamespace(name=n) for n in names], addfont=print)
    monkeypatch.setattr(font_manager, "fontManager", fake)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda: [])
    assert font_families.__wrapped__() == ("Noto Sans CJK JP", "Noto Serif CJK JP", "DejaVu Sans")
