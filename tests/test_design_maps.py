"""Field maps mark the plots without a harvest."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pytest

from yieldtrial.design import field_map, rcbd
from yieldtrial.errors import DataValidationError

pytestmark = pytest.mark.usefixtures("close_figures")


def test_field_map_hatches_missing_plots() -> None:
    book = rcbd(["CK", "T1", "T2"], blocks=2, seed=1)
    ax = field_map(book, missing=["102"])
    hatched = [p for p in ax.patches if p.get_hatch()]
    # one hatched cell for plot 102 (its grey hatch) plus its black outline drawn on top
    assert len(hatched) == 1
    assert len(ax.patches) == 6 + 1


def test_field_map_without_missing_is_unchanged() -> None:
    ax = field_map(rcbd(["CK", "T1", "T2"], blocks=2, seed=1))
    assert len(ax.patches) == 6
    assert not any(p.get_hatch() for p in ax.patches)


def _colours(ax: Any) -> dict[str, tuple[float, ...]]:
    """Treatment -> face colour of its cells (the second line of each cell's label)."""
    labels = [text.get_text().split("\n")[1] for text in ax.texts]
    return {
        label: tuple(patch.get_facecolor()) for label, patch in zip(labels, ax.patches, strict=True)
    }


def test_treatments_fix_the_colours_across_parts() -> None:
    """A treatment keeps its colour in the map of each block when the treatments are given.

    Seen in the report of an alpha lattice drawn replicate by replicate: each map gave the
    colours in its own plot order, so G06 was light blue in one replicate, peach in another.
    """
    from yieldtrial.design import alpha_design

    book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=4, replicates=2, seed=1)
    order = list(dict.fromkeys(book["treatment"]))
    first, second = (part for _, part in book.groupby("block", sort=True))
    assert list(dict.fromkeys(first["treatment"])) != list(dict.fromkeys(second["treatment"]))
    one = _colours(field_map(first, treatments=order))
    two = _colours(field_map(second, treatments=order))
    assert set(one) == set(two) == set(order)
    assert all(one[label] == two[label] for label in order)
    whole = _colours(field_map(book))  # the whole field: first-appearance order, as before
    assert all(whole[label] == one[label] for label in order)


def _treatment_colours(ax: Any) -> dict[str, tuple[float, ...]]:
    return _colours(ax)


def test_twenty_treatments_keep_one_colour_each() -> None:
    """Up to 20 treatments (tab20) every treatment has its own colour, as before."""
    from yieldtrial.design import alpha_design

    book = alpha_design([f"G{i:02d}" for i in range(1, 21)], block_size=4, replicates=2, seed=3)
    colours = _treatment_colours(field_map(book))
    assert len(set(colours.values())) == 20


def test_beyond_the_palette_no_two_treatments_share_a_colour() -> None:
    """24 entries: tab20 gave 4 pairs of entries the same colour; now only the control is coloured.

    Seen in the report of a 24-entry alpha lattice: G21-G24 repeated the colours of G01-G04.
    """
    from yieldtrial.design import alpha_design

    labels = [f"G{i:02d}" for i in range(1, 25)]
    book = alpha_design(labels, block_size=4, replicates=2, seed=3)
    ax = field_map(book, controls=["G01"])
    colours = _treatment_colours(ax)
    grey = {label: c for label, c in colours.items() if label != "G01"}
    assert len(set(grey.values())) == 1  # every entry the same light grey ...
    assert colours["G01"] not in set(grey.values())  # ... and the control stands out
    bold = {t.get_text().split("\n")[1] for t in ax.texts if t.get_fontweight() == "bold"}
    assert bold == {"G01"}


def test_augmented_checks_are_the_coloured_treatments_by_default() -> None:
    """An augmented field book marks its checks (entry_type): they keep colours, entries grey."""
    from yieldtrial.design import augmented_design

    entries = [f"E{i:02d}" for i in range(1, 25)]
    book = augmented_design(["CK1", "CK2"], entries, blocks=4, seed=3)
    colours = _treatment_colours(field_map(book))
    assert colours["CK1"] != colours["CK2"]
    assert len({colours[e] for e in entries}) == 1
    assert colours["CK1"] != colours["E01"]


def test_augmented_checks_stay_coloured_when_one_is_the_control() -> None:
    """``controls=["CK1"]`` (what ``yieldtrial design --control CK1`` passes) colours CK2 too.

    Seen drawing a 3-check, 30-entry augmented layout: the two checks that were not the
    analysis control were as grey as the entries, so the map hid where they are planted
    in every block. The control's labels alone are bold.
    """
    from yieldtrial.design import augmented_design

    entries = [f"E{i:02d}" for i in range(1, 25)]
    book = augmented_design(["CK1", "CK2"], entries, blocks=4, seed=3)
    ax = field_map(book, controls=["CK1"])
    colours = _treatment_colours(ax)
    grey = {colours[e] for e in entries}
    assert len(grey) == 1  # the entries share the light grey ...
    assert colours["CK2"] not in grey  # ... the second check is coloured ...
    assert colours["CK1"] not in grey | {colours["CK2"]}  # ... apart from the control
    bold = {t.get_text().split("\n")[1] for t in ax.texts if t.get_fontweight() == "bold"}
    assert bold == {"CK1"}


def test_wide_map_svg_is_deterministic() -> None:
    """Two drawings of the same 24-treatment map give the same SVG bytes (no date in it)."""
    import io

    from yieldtrial.design import alpha_design
    from yieldtrial.plotting import rc_fonts

    book = alpha_design([f"G{i:02d}" for i in range(1, 25)], block_size=4, replicates=2, seed=3)

    def svg() -> bytes:
        ax = field_map(book, controls=["G01"])
        out = io.BytesIO()
        with rc_fonts():  # as the report and `yieldtrial design --map` save their figures
            ax.figure.savefig(out, format="svg", metadata={"Date": None})
        plt.close(ax.figure)
        return out.getvalue()

    first = svg()
    assert first == svg()
    assert b"<dc:date>" not in first


def test_thick_lines_mark_where_the_blocks_meet() -> None:
    """An alpha lattice of 2 replicates (rows 1-3 and 4-6, 4 columns): one border, 4 cells long.

    Hand count: the replicates meet between field rows 3 and 4, along the 4 columns; the
    incomplete blocks (rows) within a replicate are not blocks of the ``block`` column.
    """
    from yieldtrial.design import alpha_design

    book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=4, replicates=2, seed=1)
    ax = field_map(book)
    thick = [line for line in ax.lines if line.get_linewidth() > 2]
    assert len(thick) == 1  # the 4 cell edges joined into one line
    assert list(thick[0].get_xdata()) == [0, 4]  # columns 1-4 (cells x = 0..4)
    assert list(thick[0].get_ydata()) == [3, 3]  # y = 3: between rows 3 and 4


def test_thinner_lines_mark_the_incomplete_blocks_of_a_replicate() -> None:
    """An alpha lattice of 12 entries in blocks of 4, 2 replicates: 6 rows x 4 columns.

    Hand count: each incomplete block is one field row of 4 plots (rows 1-3 replicate 1,
    rows 4-6 replicate 2), so incomplete blocks of the same replicate meet between rows
    1|2, 2|3, 4|5 and 5|6: four lines, each the 4 cell edges joined (x = 0..4), at y = 1, 2,
    4, 5; the replicates meet at y = 3 (the thick line), which gets no thin line.
    """
    from yieldtrial.design import alpha_design
    from yieldtrial.design.maps import _BLOCK_LINE, _INCOMPLETE_BLOCK_LINE

    book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=4, replicates=2, seed=1)
    ax = field_map(book)
    thin = [line for line in ax.lines if line.get_linewidth() == _INCOMPLETE_BLOCK_LINE]
    assert 1.0 < _INCOMPLETE_BLOCK_LINE < _BLOCK_LINE  # thicker than a plot, thinner than a rep
    assert sorted(line.get_ydata()[0] for line in thin) == [1, 2, 4, 5]
    assert all(list(line.get_xdata()) == [0, 4] for line in thin)
    assert all(list(line.get_ydata())[0] == list(line.get_ydata())[1] for line in thin)


def test_incomplete_block_lines_are_joined_runs_in_a_column_layout() -> None:
    """Incomplete blocks side by side: vertical lines, one run per replicate band.

    A hand-made replicate of 2 rows x 4 columns whose incomplete blocks are the column
    pairs 1-2 and 3-4: they meet at x = 2, over rows 1-2 (y = 0..2), drawn as one line.
    """
    import pandas as pd

    book = pd.DataFrame(
        {
            "plot_id": [str(101 + i) for i in range(8)],
            "treatment": [f"G{i}" for i in range(8)],
            "block": ["1"] * 8,
            "incomplete_block": ["1", "1", "2", "2", "1", "1", "2", "2"],
            "row": [1, 1, 1, 1, 2, 2, 2, 2],
            "column": [1, 2, 3, 4, 1, 2, 3, 4],
        }
    )
    thin = [line for line in field_map(book).lines if line.get_linewidth() > 1]
    assert len(thin) == 1
    assert list(thin[0].get_xdata()) == [2, 2] and list(thin[0].get_ydata()) == [0, 2]


def test_rcbd_figure_fits_its_grid() -> None:
    """The RCBD map (3 columns x 4 rows) has no empty band beside its grid.

    The old size (4.9 x 4.6 in for 3 x 4 square cells) left the equal-aspect grid 2.7 in
    wide in a 3.8 in axes; now the axes box is the grid: its width / height is 3 / 4 before
    and after the aspect is applied, and the margins are the fixed ones of map_figsize.
    """
    from yieldtrial.design.maps import map_figsize

    ax = field_map(rcbd(["CK1", "CK2", "T"], blocks=4, seed=1))
    fig = ax.figure
    assert tuple(fig.get_size_inches()) == pytest.approx(map_figsize(4, 3)) == (3.6, 4.7)
    before = ax.get_position(original=True)
    fig.canvas.draw()  # applies the equal aspect
    after = ax.get_position()
    assert after.width == pytest.approx(before.width)
    assert after.height == pytest.approx(before.height)
    width, height = fig.get_size_inches()
    assert after.width * width / (after.height * height) == pytest.approx(3 / 4)
    assert (1 - after.x1) * width == pytest.approx(0.15)  # the right margin: 0.15 in


@pytest.mark.parametrize(
    ("design", "shape"),
    [("crd", (4, 3)), ("latin", (4, 4)), ("split_plot", (3, 6)), ("alpha", (6, 4)),
     ("augmented", (4, 5))],
)  # fmt: skip
def test_every_layout_figure_fits_its_grid(design: str, shape: tuple[int, int]) -> None:
    """CRD, Latin square, split-plot, alpha and augmented maps: the axes box is the grid."""
    from yieldtrial.design import layout

    options: dict[str, Any] = {
        "crd": {"treatments": ["A", "B", "C"], "replicates": 4},
        "latin": {"treatments": ["A", "B", "C", "D"]},
        "split_plot": {"treatments": ["I0", "I1"], "sub_treatments": ["N0", "N1", "N2"],
                       "blocks": 3},
        "alpha": {"treatments": [f"G{i:02d}" for i in range(12)], "replicates": 2,
                  "block_size": 4},
        "augmented": {"treatments": [f"E{i}" for i in range(12)], "checks": ["CK1", "CK2"],
                      "blocks": 4},
    }[design]  # fmt: skip
    book = layout(design, seed=1, **options)
    assert (int(book["row"].max()), int(book["column"].max())) == shape
    ax = field_map(book)
    before = ax.get_position(original=True)
    ax.figure.canvas.draw()
    after = ax.get_position()
    assert (after.width, after.height) == pytest.approx((before.width, before.height))


def test_controls_recorded_with_the_layout_are_bold_by_default() -> None:
    """``layout(..., controls=)`` is what the map marks when drawn without ``controls=``."""
    from yieldtrial.design import layout

    book = layout("rcbd", ["CK1", "CK2", "T"], blocks=2, seed=1, controls="CK2")
    ax = field_map(book)
    bold = {t.get_text().split("\n")[1] for t in ax.texts if t.get_fontweight() == "bold"}
    assert bold == {"CK2"}


def test_split_plot_control_level_marks_each_treatment_holding_it() -> None:
    """A sub-plot level as the control: I0:N0 and I1:N0 are the map's controls."""
    from yieldtrial.design import layout

    book = layout(
        "split_plot", ["I0", "I1"], sub_treatments=["N0", "N1"], blocks=2, seed=5, controls="N0"
    )
    ax = field_map(book)
    bold = {t.get_text().split("\n")[1] for t in ax.texts if t.get_fontweight() == "bold"}
    assert bold == {"I0:N0", "I1:N0"}


def test_alpha_map_svg_with_incomplete_blocks_is_deterministic() -> None:
    """Two drawings of an alpha map with its incomplete-block lines give the same SVG."""
    import io

    from yieldtrial.design import alpha_design
    from yieldtrial.plotting import rc_fonts

    book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=4, replicates=2, seed=1)

    def svg() -> bytes:
        ax = field_map(book)
        out = io.BytesIO()
        with rc_fonts():
            ax.figure.savefig(out, format="svg", metadata={"Date": None})
        plt.close(ax.figure)
        return out.getvalue()

    assert svg() == svg()


def test_field_map_refuses_more_than_map_max_plots() -> None:
    """field_map of 5,002 plots (MAP_MAX_PLOTS = 5,000) raises before drawing a cell."""
    from yieldtrial.design import crd
    from yieldtrial.design.maps import MAP_MAX_PLOTS
    from yieldtrial.errors import DataValidationError

    assert MAP_MAX_PLOTS == 5_000
    book = crd(["A", "B"], replicates=2501, seed=1)
    _, ax = plt.subplots()
    with pytest.raises(DataValidationError, match="field map of 5,002 plots is too large"):
        field_map(book, ax=ax)
    assert len(ax.patches) == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (float("nan"), r"'row' must hold whole field positions .* got nan"),
        ("x", r"'row' must hold whole field positions .* got 'x'"),
        (1.5, r"'row' must hold whole field positions .* got 1.5"),
        (10**9, r"span more than 20,000 field positions \(row from 1 to 1000000000\)"),
    ],
)
def test_field_map_refuses_rows_that_are_no_field_positions(row: object, message: str) -> None:
    """An empty or text row raised numpy's ValueError; a row of 1e9 drew for ever."""
    import pandas as pd

    from yieldtrial.errors import DataValidationError

    book = pd.DataFrame(
        {"plot_id": ["1", "2"], "treatment": ["A", "B"], "row": [1, row], "column": [1, 1]}
    )
    with pytest.raises(DataValidationError, match=message):
        field_map(book)


def test_field_map_of_an_empty_book_is_refused() -> None:
    import pandas as pd

    from yieldtrial.errors import DataValidationError

    empty = pd.DataFrame({"plot_id": [], "treatment": [], "row": [], "column": []})
    with pytest.raises(DataValidationError, match="has no plots"):
        field_map(empty)


def test_field_map_reads_rows_given_as_text_as_numbers() -> None:
    """Rows "9" and "10" as text: the map spans rows 9-10 (text sorts "10" before "9")."""
    import pandas as pd

    book = pd.DataFrame(
        {"plot_id": ["1", "2"], "treatment": ["A", "B"], "row": ["9", "10"], "column": ["1", "1"]}
    )
    ax = field_map(book)
    assert ax.get_ylim() == (10.0, 8.0)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["9", "10"]


def test_chinese_map_labels_and_title() -> None:
    # the title names the layout as the zh report does (随机区组设计) and its seed
    ax = field_map(rcbd(["CK", "T1", "T2"], blocks=2, seed=1), lang="zh")
    assert ax.get_title() == "随机区组设计田间排列（随机种子 1）"
    assert ax.get_xlabel() == "田间列"
    assert ax.yaxis.label.get_text() == "田间行\n（区组）"
    assert ax.yaxis.label.get_rotation() == 0.0  # upright, not turned on its side


def test_english_map_labels_are_unchanged() -> None:
    ax = field_map(rcbd(["CK", "T1", "T2"], blocks=2, seed=1))
    assert ax.get_title() == "rcbd layout, seed 1"
    assert ax.get_ylabel() == "field row (block)"


def test_unknown_map_language_is_refused() -> None:
    from yieldtrial.errors import DataValidationError

    with pytest.raises(DataValidationError, match="lang='fr': use 'en' or 'zh'"):
        field_map(rcbd(["CK", "T1"], blocks=2, seed=1), lang="fr")


def test_field_map_refuses_plots_sharing_a_position() -> None:
    """A field book with two plots at one position is refused, as plot_field refuses it."""
    book = rcbd(["CK", "T1", "T2"], blocks=2, seed=1)
    book.loc[1, ["row", "column"]] = book.loc[0, ["row", "column"]].to_numpy()
    with pytest.raises(DataValidationError, match=r"field map: 2 plots share a row and column"):
        field_map(book)


def test_long_split_plot_combination_is_one_level_a_line() -> None:
    """User pass: "N-high:Zhengmai-366" (19 characters) ran over the neighbouring cells.

    A cell holds about 12 characters at 8 pt (0.9 in); a longer combination is written one
    factor level a line, a short one ("N0:V1") stays on one line.
    """
    from yieldtrial.design import split_plot

    book = split_plot(["N0", "N-high"], ["V1", "Zhengmai-366"], blocks=1, seed=3)
    texts = {text.get_text() for text in field_map(book).texts}
    plots = dict(zip(book["treatment"], book["plot_id"].astype(str), strict=True))
    assert f"{plots['N-high:Zhengmai-366']}\nN-high:\nZhengmai-366" in texts
    assert f"{plots['N0:V1']}\nN0:V1" in texts
    assert f"{plots['N0:Zhengmai-366']}\nN0:\nZhengmai-366" in texts  # 15 characters


def test_position_without_a_plot_is_grey_and_cross_hatched() -> None:
    """A plot deleted from the field book leaves a grey, hatched cell (it was white)."""
    from matplotlib.colors import to_hex

    from yieldtrial.plotting import EMPTY_POSITION_COLOUR

    book = rcbd(["CK1", "CK2", "T"], blocks=2, seed=1)
    ax = field_map(book.drop(index=[1]).reset_index(drop=True))
    grey = [p for p in ax.patches if to_hex(p.get_facecolor()) == EMPTY_POSITION_COLOUR]
    assert len(grey) == 1 and grey[0].get_hatch() == "xx"
    assert len(ax.texts) == 5  # the 5 plots labelled, the empty position not
    plt.close(ax.figure)


def test_only_labels_that_may_leave_the_axes_are_in_the_layout() -> None:
    """Labels of inner cells cannot move a tight bounding box, so it skips measuring them.

    A 4 x 4 RCBD (4 treatments, 4 blocks as rows): the 4 inner cells are out of the
    layout, the 12 cells on the edge of the grid stay in it.
    """
    ax = field_map(rcbd(["A", "B", "C", "D"], blocks=4, seed=1))
    inner = [t for t in ax.texts if not t.get_in_layout()]
    assert len(ax.texts) == 16
    assert len(inner) == 4
    assert all(1 < t.get_position()[0] < 3 and 1 < t.get_position()[1] < 3 for t in inner)


def test_long_label_of_an_inner_cell_stays_in_the_layout() -> None:
    """A 21-character label can reach past the cells beside it, so it is measured."""
    name = "A" * 21
    ax = field_map(rcbd([name, "B", "C", "D"], blocks=4, seed=1))
    assert all(t.get_in_layout() for t in ax.texts if name in t.get_text())


def test_design_map_file_is_the_tight_savefig(tmp_path) -> None:
    """The box found without the layout draw gives the PNG bbox_inches="tight" gives.

    (PDF and SVG differ at most in float rounding: a "-0" for "0" in a PDF path with
    matplotlib 3.7, the hash of a clip rectangle naming its SVG id.)
    """
    kind = "png"
    import io

    from yieldtrial.commands.design import _NO_DATE, _field_map
    from yieldtrial.plotting import rc_fonts

    book = rcbd(["CK", "T1", "T2", "T3"], blocks=4, seed=3)
    ours = _field_map(book, str(tmp_path / f"map.{kind}"))
    fig = field_map(book).figure
    buffer = io.BytesIO()
    with rc_fonts():
        fig.savefig(buffer, format=kind, bbox_inches="tight", metadata=_NO_DATE.get(kind))
    assert ours == buffer.getvalue()


def test_design_map_without_the_private_renderer_falls_back_to_tight(tmp_path, monkeypatch):
    """A failure finding the box (a matplotlib that changed) still draws the map ("tight")."""
    from matplotlib import backend_bases

    from yieldtrial.commands.design import _field_map

    book = rcbd(["CK", "T1"], blocks=2, seed=3)
    expected = _field_map(book, str(tmp_path / "a.png"))
    original = backend_bases._get_renderer
    calls = []

    def changed(*args, **kwargs):  # the first call is yieldtrial's, later ones savefig's
        calls.append(args)
        if len(calls) == 1:
            raise TypeError("changed signature")
        return original(*args, **kwargs)

    monkeypatch.setattr(backend_bases, "_get_renderer", changed)
    assert _field_map(book, str(tmp_path / "b.png")) == expected
    assert len(calls) == 2  # the failed one, then savefig's "tight"


def _whole_plot_outlines(ax: Any) -> list[Any]:
    from yieldtrial.design.maps import _WHOLE_PLOT_GID

    return [p for p in ax.patches if p.get_gid() == _WHOLE_PLOT_GID]


def test_split_plot_map_outlines_each_whole_plot() -> None:
    """3 main-plot levels x 4 blocks = 12 whole plots, each one thick rectangle of 4 cells."""
    from yieldtrial.design import split_plot
    from yieldtrial.design.maps import _WHOLE_PLOT_LINE

    book = split_plot(["N0", "N1", "N2"], ["V1", "V2", "V3", "V4"], blocks=4, seed=1)
    outlines = _whole_plot_outlines(field_map(book))
    assert len(outlines) == 12
    # each whole plot holds its 4 sub-plots in one row: 4 cells wide, 1 high
    assert {(p.get_width(), p.get_height()) for p in outlines} == {(4.0, 1.0)}
    assert {p.get_linewidth() for p in outlines} == {_WHOLE_PLOT_LINE}


def test_rcbd_map_has_no_whole_plot_outlines() -> None:
    ax = field_map(rcbd(["CK1", "CK2", "T"], blocks=2, seed=1))
    assert _whole_plot_outlines(ax) == []


def test_whole_plot_line_is_between_plot_and_block_lines() -> None:
    from yieldtrial.design.maps import _BLOCK_LINE, _WHOLE_PLOT_LINE

    # a plot's own outline is 1 pt: the whole plot reads thicker, the block thicker still
    assert 1.0 < _WHOLE_PLOT_LINE < _BLOCK_LINE


def test_field_map_refuses_an_unknown_missing_plot_id() -> None:
    # plots 101-103 and 201-203: '999' is no plot of the book (it was silently not drawn)
    book = rcbd(["CK", "T1", "T2"], blocks=2, seed=1)
    with pytest.raises(DataValidationError, match=r"missing= names plot id\(s\) '999' that"):
        field_map(book, missing=["102", "999"])


def test_field_map_refuses_missing_given_as_one_string() -> None:
    # "102" would be read as the ids '1', '0' and '2'
    book = rcbd(["CK", "T1", "T2"], blocks=2, seed=1)
    with pytest.raises(DataValidationError, match=r"missing='102' is one string"):
        field_map(book, missing="102")
