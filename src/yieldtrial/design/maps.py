"""Field-map figure of a field book (see :func:`yieldtrial.design.maps`).

Private: :func:`field_map` is re-exported by :mod:`yieldtrial.design`; matplotlib
is imported only when a map is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, WrongTypeError
from yieldtrial.io.checks import message_number
from yieldtrial.io.entry_types import marked_checks

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["MAP_MAX_COLOURS", "MAP_MAX_PLOTS", "field_map", "map_figsize"]

#: Most plots one field map draws.  Each plot is a labelled cell of about 1.3 x 0.9 inches:
#: a 5,000-plot map took 80 s and 1.5 GB to draw (a PNG 346,663 pixels tall), and the
#: 100,000-plot RCBD that ``yieldtrial design`` lays out drew for more than ten minutes
#: and 7 GB without finishing.  A larger field is drawn a part at a time (one block).
MAP_MAX_PLOTS = 5_000

#: Most treatments a map gives one colour each (matplotlib's ``tab20``).  Beyond it the
#: colours would repeat (two treatments of a 24-entry trial looked the same), and more
#: colours still could not be told apart in print; so a map of more treatments colours
#: only the controls (checks) and leaves the entries light grey: the label in each cell
#: names its treatment, as in every map.
MAP_MAX_COLOURS = 20

#: Axis labels and default title of a map, per language.
_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "column": "field column",
        "row": "field row",
        "row_block": "field row (block)",
        "title": "{design} layout",
        "seed": ", seed {seed}",
    },
    "zh": {
        "column": "田间列",
        "row": "田间行",
        "row_block": "田间行\n（区组）",
        "title": "{design}田间排列",
        "seed": "（随机种子 {seed}）",
    },
}

#: Names of the layouts in a map's default title (the layout key where none is given).
_DESIGN_NAMES: dict[str, dict[str, str]] = {
    "en": {},
    "zh": {
        "crd": "完全随机设计",
        "rcbd": "随机区组设计",
        "latin": "拉丁方设计",
        "split_plot": "裂区设计",
        "alpha": "α 格子设计",
        "augmented": "增广设计",
        "field": "",
    },
}


def layout_name(layout: str, lang: str = "en") -> str:
    """Return the name of a layout in ``lang`` (the layout key itself in English).

    Parameters
    ----------
    layout : str
        A layout key of :data:`yieldtrial.design.layouts.LAYOUTS` (``"rcbd"``, ...).
    lang : {"en", "zh"}
        Language of the name.

    Returns
    -------
    str
        The name (the key where the language has none).

    Examples
    --------
    >>> layout_name("split_plot", "zh")
    '裂区设计'
    >>> layout_name("split_plot")
    'split_plot'
    """
    return _DESIGN_NAMES.get(lang, {}).get(layout) or layout


#: Fill of an entry's plot on a map of more than :data:`MAP_MAX_COLOURS` treatments.
_ENTRY_GREY = "0.82"

#: Side of one plot's square cell on a new map [in]: room for the plot number and a
#: treatment label of about 8 characters at 8 pt.
CELL_IN = 0.9

#: Margins of a new map around its grid [in]: left (row ticks and label), right, bottom
#: (column ticks and label), top (title).
MARGINS_IN = (0.75, 0.15, 0.65, 0.45)

#: Width of the line where plots of different blocks (replicates) meet [pt] ...
_BLOCK_LINE = 2.5
#: ... and of the line between incomplete blocks within a replicate (alpha lattice) [pt];
#: the plots' own outlines are 1 pt.
_INCOMPLETE_BLOCK_LINE = 1.6
#: ... and of the outline of a split plot's whole plot (main plot) [pt]: thicker than a
#: plot's own outline, thinner than a block boundary, so that the sub-plots of one whole
#: plot are seen together.
_WHOLE_PLOT_LINE = 1.8
#: Matplotlib ``gid`` of a whole plot's outline (a rectangle), for tests and SVG readers.
_WHOLE_PLOT_GID = "whole_plot"


#: A treatment label longer than this [characters] overflows its cell at 8 pt.
_CELL_CHARS = 12


#: Most characters a line of a cell label has to stay inside the axes when its cell has
#: a cell on each side: 3 cells of 0.9 in hold 24 glyphs of 1 em at 8 pt.
_INSIDE_CHARS = 20


def _stays_inside(label: str) -> bool:
    """Whether every line of a cell label is short enough to stay on the axes (inner cell)."""
    return max(map(len, label.split("\n"))) <= _INSIDE_CHARS


def _cell_label(treatment: str) -> str:
    r"""Return a plot's treatment label as written in its map cell.

    A split plot's combination ("N-high:Zhengmai-366", 19 characters) ran over the
    neighbouring cells; a combination longer than :data:`_CELL_CHARS` is written one
    factor level a line.

    Examples
    --------
    >>> _cell_label("N-high:Zhengmai-366"), _cell_label("N0:V1"), _cell_label("Zhengmai-366")
    ('N-high:\nZhengmai-366', 'N0:V1', 'Zhengmai-366')
    """
    if len(treatment) <= _CELL_CHARS:
        return treatment
    return treatment.replace(":", ":\n")


def set_row_label(ax: Axes, label: str, lang: str) -> None:
    """Label the vertical axis of a field map.

    Chinese is written upright (a short label such as 行 turned on its side reads as a
    different glyph); other languages keep matplotlib's label along the axis.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map.
    label : str
        The translated label.
    lang : str
        Language of ``label`` (``"en"`` or ``"zh"``).
    """
    if lang == "zh":
        ax.set_ylabel(label, rotation=0, ha="right", va="center")
    else:
        ax.set_ylabel(label)


def map_figsize(n_rows: int, n_cols: int) -> tuple[float, float]:
    """Size of a new field map's figure: the grid of square cells plus fixed margins.

    Parameters
    ----------
    n_rows, n_cols : int
        Field rows and columns drawn.

    Returns
    -------
    tuple of float
        Width and height [in].  The grid fills the figure between the margins, so a map
        has no empty band beside it (the RCBD map of 3 columns had one on its right).

    Examples
    --------
    >>> map_figsize(4, 3)
    (3.6, 4.7)
    """
    left, right, bottom, top = MARGINS_IN
    return (
        round(n_cols * CELL_IN + left + right, 6),
        round(n_rows * CELL_IN + bottom + top, 6),
    )


def field_map(
    fieldbook: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    missing: Sequence[str] = (),
    treatments: Sequence[str] | None = None,
    controls: Sequence[str] | None = None,
    lang: str = "en",
) -> Axes:
    """Draw the field map of a field book: one labelled, coloured cell per plot.

    Parameters
    ----------
    fieldbook : DataFrame
        A field book with ``plot_id``, ``treatment``, ``row`` and ``column``.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made when omitted.
    title : str, optional
        Figure title; by default the design and seed from ``attrs["design"]``.
    missing : sequence of str, optional
        Plot ids drawn white and hatched (plots without a harvest); each must be a
        ``plot_id`` of ``fieldbook`` (compared as text).  A position of the
        grid that no plot of ``fieldbook`` holds (a row deleted from the table) is grey and
        cross-hatched, without a label.
    treatments : sequence of str, optional
        Treatments in the order their colours are given (default: the order in which they
        first appear in ``fieldbook``).  Give the whole trial's treatments when drawing a
        part of it (one block), so that a treatment has the same colour in every part.
    controls : sequence of str, optional
        Control (check) treatments.  With at most :data:`MAP_MAX_COLOURS` treatments every
        treatment has its own colour and this only sets the labels of the controls in
        bold; with more, only the controls are coloured (entries light grey), so no two
        treatments share a colour.  Default: the treatments marked ``"check"`` in an
        ``entry_type`` column (augmented designs), else none.  The checks of an
        ``entry_type`` column are coloured whatever ``controls`` names (the one control
        given to the analysis among three checks left the other two as grey as the
        entries, so the map no longer showed where they are planted); the labels of
        ``controls`` alone are bold.
    lang : {"en", "zh"}, default "en"
        Language of the axis labels and of the default title.

    Returns
    -------
    matplotlib.axes.Axes
        The axes, row 1 at the top, with plot number and treatment in each cell.  A thick
        line marks where plots of different ``block``s (replicates) meet; a thinner one
        where plots of different ``incomplete_block``s of the same replicate meet (alpha
        lattice).  The whole plots (main plots) of a split plot, given in a ``main_plot``
        column, are outlined by a line between the two.  A new figure is sized to the grid
        (:func:`map_figsize`).

    Raises
    ------
    DataValidationError
        If a position column is missing, two plots share a row and column position,
        ``fieldbook`` has more than :data:`MAP_MAX_PLOTS` plots, or ``missing`` names a
        plot id that ``fieldbook`` does not hold (or is a single string).

    Examples
    --------
    >>> from yieldtrial.design import rcbd
    >>> ax = field_map(rcbd(["CK1", "CK2", "T"], blocks=2, seed=1))
    >>> len(ax.patches)
    6
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    from yieldtrial.plotting import rc_fonts

    if not isinstance(fieldbook, pd.DataFrame):  # "argument of type 'FieldTrial' is not iterable"
        raise WrongTypeError(
            "field_map takes a field book or plot table (a DataFrame: design.layout(...), or "
            f"FieldTrial.plots); got {type(fieldbook).__name__}"
        )
    if lang not in _LABELS:
        raise DataValidationError(f"lang={lang!r}: use 'en' or 'zh'")
    lost_plots = _lost_plots(fieldbook, missing)
    with rc_fonts():  # the fonts of every yieldtrial figure (Chinese labels included)
        return _draw(
            fieldbook,
            ax=ax,
            title=title,
            lang=lang,
            lost_plots=lost_plots,
            treatments=None if treatments is None else [str(t) for t in treatments],
            controls=_controls(fieldbook) if controls is None else [str(c) for c in controls],
        )


def _lost_plots(fieldbook: pd.DataFrame, missing: Sequence[str]) -> frozenset[str]:
    """Return the plot ids of ``missing`` as text; refuse one the field book does not hold.

    An unknown id (a typing error, or a plot of another block) was silently not drawn,
    so the map showed the plot as harvested; a single string (``missing="101"``) was
    read as the ids ``"1"`` and ``"0"``.
    """
    if isinstance(missing, (str, bytes)):
        raise DataValidationError(
            f"missing={missing!r} is one string; give a list of plot ids, e.g. "
            f"missing=[{missing!r}]"
        )
    lost = [str(plot) for plot in missing]
    if not lost or "plot_id" not in fieldbook:  # a missing plot_id column is refused later
        return frozenset(lost)
    known = set(fieldbook["plot_id"].astype(str))
    unknown = [plot for plot in dict.fromkeys(lost) if plot not in known]
    if unknown:
        shown = ", ".join(repr(plot) for plot in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise DataValidationError(
            f"missing= names plot id(s) {shown}{more} that the field book does not hold "
            "(ids are compared as text); give plot ids of its plot_id column"
        )
    return frozenset(lost)


def check_map_size(plots: int) -> None:
    """Refuse a field map of more than :data:`MAP_MAX_PLOTS` plots.

    Parameters
    ----------
    plots : int
        Number of plots the map would draw.

    Raises
    ------
    DataValidationError
        If ``plots`` is more than :data:`MAP_MAX_PLOTS`.
    """
    if plots > MAP_MAX_PLOTS:
        raise DataValidationError(
            f"a field map of {plots:,} plots is too large to draw (at most {MAP_MAX_PLOTS:,}: "
            "each plot is a labelled cell); leave out --map, or draw a part of the field "
            "(one block) with yieldtrial.design.field_map in Python."
        )


def _check_positions(fieldbook: pd.DataFrame) -> None:
    """Refuse a field book without plots, or whose rows and columns are no field positions.

    An empty book, a row ``"x"`` or an empty row raised numpy's ValueError ("cannot convert
    float NaN to integer"); a row of 1e9 (a typing error) drew a map a billion rows tall.
    """
    if len(fieldbook) == 0:
        raise DataValidationError("the field book has no plots; a field map needs at least one.")
    extent = 1
    for name in ("row", "column"):
        values = pd.to_numeric(fieldbook[name], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values) | (values != np.round(values))
        if bad.any():
            from yieldtrial.io.validation import column_in_message

            value = fieldbook[name].tolist()[int(np.flatnonzero(bad)[0])]
            raise DataValidationError(
                f"{column_in_message(name)} must hold whole field positions (1, 2, ...) for "
                f"every plot; got {value!r}. Fill in the {name} of each plot."
            )
        extent *= int(values.max() - values.min()) + 1
        if extent > 4 * MAP_MAX_PLOTS:
            raise DataValidationError(
                f"the field book's rows and columns span more than {4 * MAP_MAX_PLOTS:,} "
                f"field positions ({name} from {message_number(values.min())} to "
                f"{message_number(values.max())}); check "
                "for a typing error, or draw a part of the field."
            )


def _block_borders(
    ax: Axes, fieldbook: pd.DataFrame, offset: tuple[float, float] = (0.0, 0.0)
) -> None:
    """Draw the block (replicate) and incomplete-block boundaries of a field map.

    A thick line where two neighbouring plots lie in different blocks (replicates); a
    thinner one where they lie in the same replicate but different incomplete blocks (alpha
    lattice).  On a map of more than :data:`MAP_MAX_COLOURS` treatments the cells are
    mostly grey: the borders still show where each replicate and incomplete block begins.
    """
    if "block" not in fieldbook:
        return
    rows = fieldbook["row"].astype(int).tolist()
    cols = fieldbook["column"].astype(int).tolist()
    blocks = fieldbook["block"].astype(str).tolist()
    inner = (
        fieldbook["incomplete_block"].astype(str).tolist()
        if "incomplete_block" in fieldbook
        else [""] * len(blocks)
    )
    where = dict(zip(zip(rows, cols, strict=True), zip(blocks, inner, strict=True), strict=True))
    outer_edges: dict[tuple[str, int], list[int]] = {}
    inner_edges: dict[tuple[str, int], list[int]] = {}
    for (row, col), (block, incomplete) in where.items():
        for kind, other, at, start in (
            ("h", where.get((row + 1, col)), row, col - 1),
            ("v", where.get((row, col + 1)), col, row - 1),
        ):
            if other is None:
                continue
            if other[0] != block:
                outer_edges.setdefault((kind, at), []).append(start)
            elif other[1] != incomplete:
                inner_edges.setdefault((kind, at), []).append(start)
    _draw_runs(ax, inner_edges, _INCOMPLETE_BLOCK_LINE, offset)
    _draw_runs(ax, outer_edges, _BLOCK_LINE, offset)


def _whole_plot_outlines(
    ax: Axes, fieldbook: pd.DataFrame, offset: tuple[float, float] = (0.0, 0.0)
) -> None:
    """Outline each whole plot (main plot) of a split-plot field book.

    A ``main_plot`` column names the whole plot of each plot (``yieldtrial design
    split_plot`` writes it); without it nothing is drawn, so the maps of other designs
    are unchanged.  A whole plot whose sub-plots fill a rectangle gets one rectangle
    (:data:`_WHOLE_PLOT_GID`); one of another shape gets its edges where it meets another
    whole plot.  ``offset`` (x, y) is added to the map's coordinates (a heat map drawn
    with ``imshow`` has its first cell centred on 0: offset ``(0.5 - c0, 0.5 - r0)``).
    """
    if "main_plot" not in fieldbook or fieldbook["main_plot"].isna().any():
        return
    from matplotlib.patches import Rectangle

    rows = fieldbook["row"].astype(int).tolist()
    cols = fieldbook["column"].astype(int).tolist()
    keys = fieldbook["main_plot"].astype(str).tolist()
    cells: dict[str, list[tuple[int, int]]] = {}
    for key, row, col in zip(keys, rows, cols, strict=True):
        cells.setdefault(key, []).append((row, col))
    where = dict(zip(zip(rows, cols, strict=True), keys, strict=True))
    edges: dict[tuple[str, int], list[int]] = {}
    for key, own in cells.items():
        r = [c[0] for c in own]
        c = [c[1] for c in own]
        height, width = max(r) - min(r) + 1, max(c) - min(c) + 1
        if height * width == len(set(own)):  # a full rectangle of cells
            ax.add_patch(
                Rectangle((min(c) - 1.0 + offset[0], min(r) - 1.0 + offset[1]), width, height,
                          fill=False,
                          edgecolor="black", linewidth=_WHOLE_PLOT_LINE, zorder=2.5,
                          gid=_WHOLE_PLOT_GID)
            )  # fmt: skip
            continue
        for row, col in own:
            for kind, other, at, start in (
                ("h", (row + 1, col), row, col - 1),
                ("h", (row - 1, col), row - 1, col - 1),
                ("v", (row, col + 1), col, row - 1),
                ("v", (row, col - 1), col - 1, row - 1),
            ):
                if where.get(other, key) != key:
                    edges.setdefault((kind, at), []).append(start)
    for runs in edges.values():
        runs[:] = sorted(set(runs))
    _draw_runs(ax, edges, _WHOLE_PLOT_LINE, offset)


def _draw_runs(
    ax: Axes,
    edges: dict[tuple[str, int], list[int]],
    width: float,
    offset: tuple[float, float] = (0.0, 0.0),
) -> None:
    """Draw unit cell edges joined into runs, so that a border has no gaps.

    ``edges`` maps ``("h", y)`` (horizontal edges at y = row, between row and row + 1,
    from x = col - 1) and ``("v", x)`` (vertical edges at x = col from y = row - 1) to the
    start of each unit edge; ``offset`` (x, y) is added to every point.
    """
    for (kind, at), starts in sorted(edges.items()):  # sorted: the same SVG for the same layout
        runs: list[list[int]] = []
        for start in sorted(starts):
            if runs and runs[-1][1] == start:
                runs[-1][1] = start + 1
            else:
                runs.append([start, start + 1])
        for lo, hi in runs:
            xs, ys = ((lo, hi), (at, at)) if kind == "h" else ((at, at), (lo, hi))
            ax.plot(
                [x + offset[0] for x in xs],
                [y + offset[1] for y in ys],
                color="black",
                linewidth=width,
                solid_capstyle="butt",
                zorder=3,
            )


def outline_whole_plots(ax: Axes, plots: pd.DataFrame) -> None:
    """Outline the whole plots and blocks of a split plot on a field heat map.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        A map drawn by :func:`yieldtrial.plotting.plot_field` (``imshow``: the cell of the
        first row and column centred on 0).
    plots : DataFrame
        The plots drawn, with ``row``, ``column``, ``main_plot`` and optionally ``block``.
    """
    rows = pd.to_numeric(plots["row"]).astype(int)
    cols = pd.to_numeric(plots["column"]).astype(int)
    book = plots.assign(row=rows, column=cols)
    offset = (0.5 - int(cols.min()), 0.5 - int(rows.min()))
    _whole_plot_outlines(ax, book, offset)
    _block_borders(ax, book, offset)


def _controls(fieldbook: pd.DataFrame) -> list[str]:
    """Return the controls recorded with a field book, else its ``entry_type`` checks."""
    if "treatment" not in fieldbook:
        return []
    info = fieldbook.attrs.get("design")
    info = info if isinstance(info, dict) else {}
    named = [str(c) for c in info.get("controls", ())]
    if named:
        levels = list(dict.fromkeys(fieldbook["treatment"].astype(str)))
        split = info.get("design") == "split_plot"
        return [
            t for t in levels if t in named or (split and any(p in named for p in t.split(":")))
        ]
    return marked_checks(fieldbook) or []


def _colours(levels: list[str], controls: list[str]) -> dict[str, object]:
    """Fill colour of each treatment (see :data:`MAP_MAX_COLOURS`)."""
    import matplotlib.pyplot as plt

    if len(levels) <= MAP_MAX_COLOURS:
        cmap = plt.get_cmap("tab20" if len(levels) > 10 else "tab10")
        return {level: cmap(i) for i, level in enumerate(levels)}
    present = [c for c in controls if c in set(levels)]
    # the controls in tab10's distinct colours, after its grey (index 7) is left out
    palette = [plt.get_cmap("tab10")(i) for i in (0, 1, 2, 3, 4, 5, 6, 8, 9)]
    colour: dict[str, object] = dict.fromkeys(levels, _ENTRY_GREY)
    colour.update({c: palette[i % len(palette)] for i, c in enumerate(present)})
    return colour


def _draw(
    fieldbook: pd.DataFrame,
    *,
    ax: Axes | None,
    title: str | None,
    lang: str = "en",
    lost_plots: frozenset[str],
    treatments: list[str] | None = None,
    controls: list[str] | None = None,
) -> Axes:
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    missing = [c for c in ("plot_id", "treatment", "row", "column") if c not in fieldbook]
    if missing:
        raise DataValidationError(
            f"the field book lacks column(s) {', '.join(missing)}; a field map needs plot_id, "
            "treatment, row and column."
        )
    check_map_size(len(fieldbook))
    _check_positions(fieldbook)
    from yieldtrial.plotting import check_own_positions

    check_own_positions(fieldbook)  # plots at one position would be drawn over one another
    # numbers, not text: the rows "9" and "10" of a table read as text sorted "10" first
    attrs = dict(fieldbook.attrs)
    fieldbook = fieldbook.assign(
        row=pd.to_numeric(fieldbook["row"]), column=pd.to_numeric(fieldbook["column"])
    )
    fieldbook.attrs = attrs
    # a part of a field (one block of a large trial) is drawn from its first row and column
    row_lo, row_hi = int(fieldbook["row"].min()), int(fieldbook["row"].max())
    col_lo, col_hi = int(fieldbook["column"].min()), int(fieldbook["column"].max())
    if ax is None:  # the grid fills the figure between fixed margins (no empty band)
        n_rows, n_cols = row_hi - row_lo + 1, col_hi - col_lo + 1
        width, height = map_figsize(n_rows, n_cols)
        left, _, bottom, _ = MARGINS_IN
        fig = plt.figure(figsize=(width, height))
        ax = fig.add_axes(
            (left / width, bottom / height, n_cols * CELL_IN / width, n_rows * CELL_IN / height)
        )
    levels = list(dict.fromkeys([*(treatments or []), *fieldbook["treatment"].astype(str)]))
    bold = set(controls or ())
    # an augmented field book's checks are coloured too, in the order of ``levels`` (the
    # same colour in the map of every block when ``treatments`` is given)
    checks = set(marked_checks(fieldbook) or ()) - bold
    colour = _colours(levels, [*(controls or ()), *(lv for lv in levels if lv in checks)])
    cells = zip(
        fieldbook["plot_id"].astype(str),
        fieldbook["treatment"].astype(str),
        fieldbook["row"].to_numpy(dtype=float),
        fieldbook["column"].to_numpy(dtype=float),
        strict=True,
    )
    # add_artist, not add_patch: the limits are set below, and add_patch's update of the
    # data limits from each cell's path took 1 s of a 1,800-plot map (same picture)
    for plot_id, treatment, row, col in cells:
        x, y = col - 1.0, row - 1.0
        lost = plot_id in lost_plots
        ax.add_artist(
            Rectangle(
                (x, y),
                1.0,
                1.0,
                facecolor="white" if lost else colour[treatment],
                edgecolor="0.6" if lost else "black",
                linewidth=1.0,
                alpha=1.0 if lost else 0.55,
                hatch="//" if lost else None,
            )
        )
        if lost:  # the hatch in grey, the outline black like the others
            ax.add_artist(Rectangle((x, y), 1.0, 1.0, fill=False, edgecolor="black"))
        box = {"facecolor": "white", "edgecolor": "none", "pad": 1.0} if lost else None
        weight = "bold" if treatment in bold else "normal"
        label = f"{plot_id}\n{_cell_label(treatment)}"
        text = ax.text(x + 0.5, y + 0.5, label, ha="center", va="center",
                       fontsize=8, fontweight=weight, bbox=box)  # fmt: skip
        if row_lo < row < row_hi and col_lo < col < col_hi and _stays_inside(label):
            text.set_in_layout(False)  # inside the axes: measuring it cannot move a tight box
    # a position no plot holds (a row deleted from the plot table) showed white, like a
    # plot: the residual map's grey, cross-hatched (the entries of a large trial are light
    # grey too) and unlabelled
    from yieldtrial.plotting import EMPTY_POSITION_COLOUR, empty_positions

    for row, col in empty_positions(fieldbook["row"], fieldbook["column"]):
        ax.add_patch(Rectangle((col - 1.0, row - 1.0), 1.0, 1.0, facecolor=EMPTY_POSITION_COLOUR,
                               edgecolor="#808080", hatch="xx", linewidth=0.0))  # fmt: skip
        ax.add_patch(Rectangle((col - 1.0, row - 1.0), 1.0, 1.0, fill=False, edgecolor="black"))
    _whole_plot_outlines(ax, fieldbook)
    _block_borders(ax, fieldbook)
    ax.set_xlim(col_lo - 1.0, float(col_hi))
    ax.set_ylim(float(row_hi), row_lo - 1.0)
    ax.set_xticks([c - 0.5 for c in range(col_lo, col_hi + 1)])
    ax.set_xticklabels([str(c) for c in range(col_lo, col_hi + 1)])
    ax.set_yticks([r - 0.5 for r in range(row_lo, row_hi + 1)])
    ax.set_yticklabels([str(r) for r in range(row_lo, row_hi + 1)])
    words = _LABELS[lang]
    ax.set_xlabel(words["column"])
    set_row_label(ax, words["row_block" if "block" in fieldbook else "row"], lang)
    ax.set_aspect("equal")
    if title is None:
        info = fieldbook.attrs.get("design", {})
        design = str(info.get("design", "field"))
        title = words["title"].format(design=_DESIGN_NAMES[lang].get(design, design))
        if "seed" in info:
            title += words["seed"].format(seed=info["seed"])
    ax.set_title(title)
    return ax
