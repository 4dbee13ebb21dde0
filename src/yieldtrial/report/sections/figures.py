"""Figures section: LS-means with intervals, plot yields, field map."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from yieldtrial.io._compat import isin
from yieldtrial.report._format import factor_label, join_list, spaced
from yieldtrial.report.context import MAX_PLOT_MARKERS as _CONTEXT_MAX_PLOT_MARKERS
from yieldtrial.report.context import ReportContext
from yieldtrial.report.entries import EntrySelection, population, shown_parts
from yieldtrial.report.i18n import t, unit_label
from yieldtrial.report.model import Figure, Paragraph, Section
from yieldtrial.report.sections.marks import FigureMarks, figure_marks

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["MAX_BARS", "MAX_PLOT_MARKERS", "figures_section"]

#: Most treatments a means or plot-yield figure draws; beyond it the figure shows the
#: highest and lowest ``MAX_BARS // 2`` means and the control(s), and the caption says so.
MAX_BARS = 40


#: Most plots the plot-yield figure draws one marker each; above it each treatment is
#: summarised as a box (quartiles and whiskers, :func:`yieldtrial.plotting.plot_yield_boxes`)
#: and the caption says so, and the field map of yields or residuals is left out with a
#: note (a 200 MB table has millions of plots: no figure draws them one by one).  The value
#: is :data:`yieldtrial.report.context.MAX_PLOT_MARKERS` (the report keeps no residuals of
#: more plots than that; stop 53).
MAX_PLOT_MARKERS = _CONTEXT_MAX_PLOT_MARKERS

#: Characters of x-axis labels (one gap each) that fit side by side under a 6-inch figure
#: at 10 pt; beyond it the labels overlap (24 entries "G01".."G24": 96), so they are
#: turned upright.
CROWDED_LABEL_CHARS = 60


def _label_chars(label: object) -> int:
    """Width of an axis label in Latin characters: a Chinese (wide) character counts two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(label))


def _crowded(labels: Any) -> bool:
    """Whether treatment labels written side by side would overlap on the x axis.

    Each label is centred under its bar, 1 / n of the axis apart: two neighbours overlap
    when half of each (and a one-character gap) is wider than that.  The widths count a
    Chinese character as two Latin ones ("减量20%+增效剂" beside "常规施肥": 27 characters,
    far below :data:`CROWDED_LABEL_CHARS`, ran into each other).
    """
    widths = [_label_chars(v) for v in labels]
    if not widths:
        return False
    pitch = CROWDED_LABEL_CHARS / len(widths)
    return _labels_chars(labels) > CROWDED_LABEL_CHARS or any(
        (a + b) / 2 + 1 > pitch for a, b in zip(widths, widths[1:], strict=False)
    )


def _labels_chars(labels: Any) -> int:
    """Width of labels written side by side, one gap each, in Latin characters."""
    return sum(_label_chars(v) + 1 for v in labels)


def _upright_letters(ax: Axes) -> None:
    """Turn the letters above crowded bars upright, at 7 pt, and make room for them.

    Side by side, the letters of neighbouring bars overlapped even at 7 pt (30 bars of
    "abcdef"); upright, each is one line wide (narrower than a bar's pitch).  The y axis
    is raised so that the tallest stays inside the axes.
    """
    texts = list(ax.texts)  # plot_means writes only the letters as texts
    if not texts:
        return
    for text in texts:
        text.set_fontsize(7)
        text.set_rotation(90)
        text.set_rotation_mode("anchor")
        text.set_horizontalalignment("left")
        text.set_verticalalignment("center")
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    axes_height = ax.get_window_extent(renderer).height
    low, high = ax.get_ylim()
    # a text h pixels tall starting at y fits below a top T when T - low >= (y - low) /
    # (1 - h / axes height): raising T shrinks the data per pixel, not the text
    need = high
    for text in texts:
        share = text.get_window_extent(renderer).height / axes_height
        if share < 0.9:
            need = max(need, low + (float(text.get_position()[1]) - low) / (1.0 - share) * 1.02)
    if need > high:
        ax.set_ylim(low, need)


def _shown(means: pd.DataFrame, controls: list[str]) -> pd.DataFrame:
    """Pick the rows a figure draws: all, or the extremes and controls of a large trial.

    A subset is drawn highest mean first (the control(s) at their rank): in the order of
    the labels the highest and lowest means alternated along the axis (stop 48).
    """
    if len(means) <= MAX_BARS:
        return means
    ranked = means["mean"].astype(float).rank(ascending=False, method="first")
    half = MAX_BARS // 2
    keep = (ranked <= half) | (ranked > len(means) - half)
    keep |= isin(means["treatment"].astype(str), controls)
    return means.loc[keep].iloc[ranked[keep].to_numpy().argsort(kind="stable")]


def _table_entries(
    selection: EntrySelection, means: pd.DataFrame, lang: str
) -> tuple[pd.DataFrame, str]:
    """Return the rows a figure of a summarised report draws, and the sentence saying which.

    The figure beside the summarised means table draws the entries that table lists (the
    highest LS-means, those significantly better than a control, the control(s), the
    lowest), so that the two agree.  When the table lists more than :data:`MAX_BARS`
    entries (many significantly better ones), the figure draws its highest LS-means, the
    control(s) and its lowest, and says that the table lists more.
    """
    picked = selection
    if len(selection.shown) > MAX_BARS:
        keep = set(selection.top) | set(selection.controls) | set(selection.bottom)
        picked = dataclasses.replace(
            selection,
            shown=tuple(v for v in selection.shown if v in keep),
            better={c: () for c in selection.better},
            n_better={},
            checks_better={},
        )
    rank = picked.rank_of()
    labels = means["treatment"].astype(str)
    rows = means.loc[isin(labels, rank.keys())]
    rows = rows.iloc[sorted(range(len(rows)), key=lambda i: rank[str(rows["treatment"].iat[i])])]
    suffix = "_augmented" if selection.checks else ""
    if len(picked.shown) == len(selection.shown):
        note = t(
            f"entries.fig_subset{suffix}",
            lang,
            shown=len(picked.shown),
            parts=shown_parts(picked, lang),
        )
    else:
        note = t(
            f"entries.fig_subset_part{suffix}",
            lang,
            shown=len(picked.shown),
            listed=len(selection.shown),
            parts=shown_parts(picked, lang),
        )
    return rows, (" " if lang == "en" else "") + note


def figures_section(ctx: ReportContext) -> Section:
    """Figures: LS-means with intervals, plot yields, field map (drawn lazily)."""
    s, lang = ctx.s, ctx.s.lang
    blocks: list[Any] = []
    assert ctx.means is not None  # noqa: S101
    means = ctx.means.copy()
    for key in ("mean", "se", "ci_low", "ci_high"):
        if key in means.columns:
            means[key] = means[key].astype(float) * s.factor
    conf = f"{100 * (1 - s.alpha):g}"
    ylabel = t("axis.yield", lang, unit=unit_label(s.unit, lang))
    hatched: list[str] = []
    marks = figure_marks(ctx)
    if "data_status" in ctx.plots.columns:
        status = ctx.plots["data_status"].astype(str).str.lower()
        hatched = sorted(set(ctx.plots.loc[status == "illustrative", "treatment"].astype(str)))

    if ctx.entries is None:
        shown = _shown(means, list(s.controls))
        subset_note = (
            (" " if lang == "en" else "")
            + t("fig.subset", lang, shown=len(shown), total=len(means), half=MAX_BARS // 2)
            if len(shown) < len(means)
            else ""
        )
    else:  # the tables are summarised: the figure draws the entries the means table lists
        shown, subset_note = _table_entries(ctx.entries, means, lang)
    # the caption names only the hatched bars drawn (a subset of bars leaves some out)
    hatched = [h for h in hatched if h in set(shown["treatment"].astype(str))]

    key = "fig.means" if s.replicated else "fig.means_unreplicated"
    if not (s.replicated or s.one_plot_each):  # missing plots used up the error df
        key = "fig.means_no_error_df"
    if s.kind and s.kind != "treatment":  # the bars are one factor's means, not treatments'
        key = "fig.means_factor" if s.replicated else "fig.means_factor_no_error_df"
    factor = factor_label(s.kind or "treatment", lang, capital=True)
    # plot_means draws a dashed line only for a control among the bars: none without a control,
    # nor when the bars are one factor's levels and the controls are combinations of both
    drawn = isin(shown["treatment"].astype(str), [str(c) for c in s.controls]).any()
    line_key = (
        "fig.control_means" if key in ("fig.means", "fig.means_factor") else "fig.control_yields"
    )
    controls = t(line_key, lang) if drawn else ""
    caption = t(key, lang, conf=conf, factor=spaced(factor, lang, after=True), controls=controls)
    if hatched:
        space = "" if lang == "zh" else " "  # a Chinese sentence ends with 。, no space
        caption += space + t("fig.hatched", lang, items=join_list(hatched, lang))
    if ctx.entries is not None:  # thousands of entries: their distribution, controls marked
        blocks.append(_histogram(ctx, means, ylabel))
    else:
        draw_means = partial(
            _draw_means, shown, list(means.columns), list(s.controls), s.kind, lang, hatched,
            ylabel, marks,
        )  # fmt: skip
        blocks.append(Figure("means", marks.caption(caption + subset_note), draw_means))
    if s.replicated:
        used = ctx.used
        order = list(s.treatments)
        if subset_note:
            names = set(shown["treatment"].astype(str))
            used = used.loc[isin(used["treatment"].astype(str), names)]
            # the bars' order: highest mean first (many entries: the means table's order)
            order = [str(v) for v in shown["treatment"]]

        # an augmented design's entries sit in one block each: a block's line would zigzag
        # between entries of other blocks (stop 31), so its plots are markers only
        augmented = str(s.design) == "augmented"
        # a block holding several plots of one treatment (a split plot's sub-plot level once
        # in each whole plot: 6 plots a block and variety in Gomez's rice) drew its line up
        # and down through them, though the caption said it joined "the plots of one block":
        # markers only then too (checked only for a table drawn plot by plot)
        several = (
            "block" in used.columns
            and len(used) <= MAX_PLOT_MARKERS
            and bool(used.duplicated(["block", "treatment"]).any())
        )
        joined = not (augmented or several)

        # the block column of a resolvable design holds its replicates (as the field maps say)
        replicates = str(s.design) in ("alpha", "row_column")
        key = "fig.yields_replicate" if replicates else "fig.yields"
        if augmented:  # entries have one plot each: markers by block, no lines
            from yieldtrial.report.sections.data import prep_entries

            key = "fig.yields_augmented_prep" if prep_entries(ctx) else "fig.yields_augmented"
        elif several:
            key = "fig.yields_markers_replicate" if replicates else "fig.yields_markers"
        from yieldtrial.plotting import MAX_BLOCK_SERIES

        if "block" in used.columns and used["block"].nunique() > MAX_BLOCK_SERIES:
            # plot_yields draws plain points then: no lines, no markers by block
            key = "fig.yields_points_replicate" if replicates else "fig.yields_points"
        many = ctx.entries is not None  # 40 and more labels: upright, so they do not overlap
        if len(used) > MAX_PLOT_MARKERS:  # millions of plots: a box per treatment
            text = t("fig.yields_boxes", lang, n=f"{len(used):,}", limit=f"{MAX_PLOT_MARKERS:,}")
            draw_boxes = partial(_draw_boxes, used, s.dcol, order, ylabel, many, lang, marks)
            blocks.append(Figure("yields", marks.caption(text + subset_note), draw_boxes))
        else:
            caption = marks.caption(t(key, lang) + subset_note)
            draw_yields = partial(
                _draw_yields, used, s.dcol, order, ylabel, joined, many, replicates, lang, marks
            )
            blocks.append(Figure("yields", caption, draw_yields))
    mapped = {"row", "column"} <= set(ctx.used.columns)
    if mapped and len(ctx.used) > MAX_PLOT_MARKERS:
        blocks.append(
            Paragraph(
                t(
                    "fig.field_skipped",
                    lang,
                    n=f"{len(ctx.used):,}",
                    limit=f"{MAX_PLOT_MARKERS:,}",
                ),
                "note",
            )
        )
    elif (
        mapped
        and ctx.used[["row", "column"]].notna().all().all()
        # rows and columns numbered within each replicate (row-column designs) would be
        # drawn over one another: one cell's colour and overprinted labels for 3 plots
        and not ctx.used.duplicated(["row", "column"]).any()
    ):
        field_data = ctx.used
        what = t("fig.field_yields", lang)
        value = s.dcol
        label = ylabel
        if ctx.diag is not None and "residual" in ctx.diag.residuals.columns:
            res = ctx.diag.residuals[["plot_id", "residual"]].copy()
            res["residual"] = res["residual"].astype(float) * s.factor
            field_data = ctx.used.merge(res, on="plot_id", how="left")
            value = "residual"
            what = t("fig.field_residuals", lang)
            label = t("axis.residual", lang, unit=unit_label(s.unit, lang))
        # the plots without a yield (lost, excluded) at their positions, drawn hatched and
        # labelled with their treatment like the others (without it the cell read "nan")
        lost = ctx.plots.loc[
            ~isin(ctx.plots["plot_id"].astype(str), set(field_data["plot_id"].astype(str)))
            & ctx.plots[["row", "column"]].notna().all(axis=1),
            [c for c in ("plot_id", "treatment", "row", "column") if c in ctx.plots.columns],
        ]
        data = pd.concat([field_data, lost.assign(**{value: float("nan")})], ignore_index=True)
        flagged = list(
            dict.fromkeys(str(r["plot_id"]) for r in ctx.results.get("suspect_plots") or [])
        )

        from yieldtrial.report.sections.extra import whole_plot_keys

        whole_plots = whole_plot_keys(ctx)
        if whole_plots is not None:  # split plot: its whole plots (and blocks) outlined
            keys = dict(zip(ctx.plots["plot_id"].astype(str), whole_plots, strict=True))
            data["main_plot"] = data["plot_id"].astype(str).map(keys)
            if "block" in ctx.plots.columns:
                ids = ctx.plots["plot_id"].astype(str)
                block_of = dict(zip(ids, ctx.plots["block"], strict=True))
                data["block"] = data["plot_id"].astype(str).map(block_of)
            if data["main_plot"].isna().any():
                whole_plots = None

        caption = t("fig.field", lang, what=what)
        if len(lost):
            space = "" if lang == "zh" else " "
            items = join_list([str(p) for p in lost["plot_id"]], lang)
            caption += space + t("fig.field_missing", lang, items=items)
        if value == "residual" and str(s.design) == "augmented":
            # the entries' cells read "0" in white, like a plot the model fits perfectly
            from yieldtrial.report.sections.data import prep_entries

            space = "" if lang == "zh" else " "
            zero = (
                "fig.field_augmented_zero_prep" if prep_entries(ctx) else "fig.field_augmented_zero"
            )
            caption += space + t(zero, lang)
        from yieldtrial.plotting import empty_positions

        spots = data[["row", "column"]].apply(pd.to_numeric, errors="coerce").dropna()
        empty = len(empty_positions(spots["row"], spots["column"]))
        if empty > 0:  # positions without any plot (a row deleted from the table): grey
            space = "" if lang == "zh" else " "
            caption += space + t("fig.field_empty", lang, n=empty)
        if whole_plots is not None:
            space = "" if lang == "zh" else " "
            caption += space + t("fig.field_whole_plots", lang)
        marked = [p for p in flagged if "plot_id" in data and p in set(data["plot_id"].astype(str))]
        if marked:
            space = "" if lang == "zh" else " "  # a Chinese sentence ends with 。, no space
            caption += space + t("fig.flagged", lang, items=join_list(marked, lang))
        caption = marks.caption(caption)
        draw_field = partial(
            _draw_field, data, value, label, whole_plots is not None, flagged, lang, marks
        )
        blocks.append(Figure("field", caption, draw_field))
    interaction = _interaction_figure(ctx, ylabel, marks)
    if interaction is not None:
        blocks.append(interaction)
    return Section("figures", t("section.figures", lang), blocks)


def _interaction_figure(ctx: ReportContext, ylabel: str, marks: FigureMarks) -> Figure | None:
    """Return the two factors' cell means as lines (a rate response per variety), or None.

    A fertilizer trial of N rates x varieties showed its interaction only as a table of
    cell means (and a note to compare simple effects): the first factor's levels go along
    the axis, one line per level of the second, in the display unit.
    """
    s, lang = ctx.s, ctx.s.lang
    factors = tuple(s.factors or ())
    if len(factors) != 2 or not s.replicated or not hasattr(ctx.anova, "means_table"):
        return None
    wide = ctx.anova.means_table()
    wide = wide.drop(index="mean", columns="mean", errors="ignore").astype(float) * s.factor
    if wide.shape[0] < 2 or wide.shape[1] < 2:
        return None
    first, second = (factor_label(f, lang, capital=True) for f in factors)
    caption = t(
        "fig.interaction",
        lang,
        first=spaced(factor_label(factors[0], lang), lang, before=True),
        second=spaced(factor_label(factors[1], lang), lang, before=True, after=True),
    )
    draw = partial(_draw_interaction, wide, first, second, ylabel, marks)
    return Figure("interaction", marks.caption(caption), draw)


def _draw_interaction(
    wide: pd.DataFrame, first: str, second: str, ylabel: str, marks: FigureMarks
) -> Axes:
    """Draw one line per column of ``wide`` across its rows (the cell means)."""
    from yieldtrial.plotting import new_axes, rc_fonts

    with rc_fonts():
        ax = new_axes(None, (6.0, 3.6))
        x = list(range(len(wide.index)))
        for j, level in enumerate(wide.columns):
            ax.plot(x, wide[level].to_numpy(), marker="osD^v<>"[j % 7], label=str(level))
        ax.set_xticks(x, [str(v) for v in wide.index])
        ax.set_xlabel(first)
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", alpha=0.3)
        # beside the axes, not on them: the lines cross the whole width, so "best" put the
        # legend on a line's first point (Yates' oats: the 0 N line under the legend)
        ax.legend(
            title=second,
            fontsize=8,
            title_fontsize=8,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0,
        )
    return marks.apply(ax)


def _histogram(ctx: ReportContext, means: pd.DataFrame, xlabel: str) -> Figure:
    """Histogram of the entry means (display unit) with the control(s) marked."""
    s, lang = ctx.s, ctx.s.lang
    marks = figure_marks(ctx)
    data = means[["treatment", "mean"]].copy()
    selection = ctx.entries
    augmented = selection is not None and bool(selection.checks)  # entries and checks apart
    ylabel = "axis.n_entries_augmented" if augmented else "axis.n_entries"

    controls = join_list(list(s.controls), lang)
    # no control: no dashed line is drawn, and the caption does not name one ("the control(s) -")
    suffix = "" if s.controls else "_no_control"
    if selection is not None and augmented:
        caption = t(
            f"entries.fig_histogram_augmented{suffix}",
            lang,
            population=population(selection, lang),
            controls=controls,
        )
    else:
        caption = t(f"entries.fig_histogram{suffix}", lang, n=f"{len(means):,}", controls=controls)
    draw = partial(_draw_histogram, data, list(s.controls), xlabel, t(ylabel, lang), marks)
    return Figure("means", marks.caption(caption), draw)


def _outline(ax: Axes, data: Any, flagged: list[str]) -> None:
    """Draw a thick frame around the field-map cells of the flagged plots."""
    import pandas as pd
    from matplotlib.patches import Rectangle

    pos = data[["row", "column"]].apply(pd.to_numeric, errors="coerce")
    r0, c0 = int(pos["row"].min()), int(pos["column"].min())
    for pid, r, c in zip(data["plot_id"].astype(str), pos["row"], pos["column"], strict=True):
        if pid in flagged:
            ax.add_patch(
                Rectangle((int(c) - c0 - 0.5, int(r) - r0 - 0.5), 1.0, 1.0, fill=False,
                          edgecolor="black", linewidth=3.0, zorder=5)
            )  # fmt: skip


# The figures' draw functions: module-level functions given their data by
# ``functools.partial`` (not closures), so that a report can be pickled and copied.
def _draw_means(
    shown: pd.DataFrame,
    columns: list[str],
    controls: list[str],
    kind: str | None,
    lang: str,
    hatched: list[str],
    ylabel: str,
    marks: FigureMarks,
) -> Axes:
    """Draw the means figure: a bar per treatment (or factor level) with its interval."""
    from yieldtrial.plotting import plot_means

    ax = plot_means(
        shown,
        treatment="treatment",
        mean="mean",
        ci_low="ci_low" if "ci_low" in columns else None,
        ci_high="ci_high" if "ci_high" in columns else None,
        letters="letters" if "letters" in columns else None,
        # plot_means refuses a control it does not draw: those of the bars shown
        control=[c for c in controls if c in set(shown["treatment"].astype(str))],
        hatched=hatched,
        ylabel=ylabel,
    )
    # a two-factor design's bars are the means of one factor (the sub-plots' varieties)
    ax.set_xlabel(factor_label(kind, lang, capital=True) if kind else t("axis.treatment", lang))
    if _crowded(shown["treatment"]):
        ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    # the letters go upright when they would touch: many bars, or long letter groups;
    # two long neighbouring labels alone leave the 6 bars' single letters room
    letters: list[str] = (
        [str(v) for v in shown["letters"].dropna()] if "letters" in shown.columns else []
    )
    if _labels_chars(shown["treatment"]) > CROWDED_LABEL_CHARS or _crowded(letters):
        _upright_letters(ax)
    return marks.apply(ax)


def _draw_yields(
    used: pd.DataFrame,
    response: str,
    order: list[str],
    ylabel: str,
    joined: bool,
    many: bool,
    replicates: bool,
    lang: str,
    marks: FigureMarks,
) -> Axes:
    """Draw the plot yields per treatment, a block's plots joined (``joined``)."""
    from yieldtrial.plotting import plot_yields

    ax = plot_yields(
        used,
        response=response,
        treatment="treatment",
        block="block" if "block" in used.columns else None,
        order=order,
        ylabel=ylabel,
        join_blocks=joined,
    )
    ax.set_xlabel(t("axis.treatment", lang))
    if many:  # 40 and more labels: upright, so they do not overlap
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    elif _crowded(order):
        ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    legend = ax.get_legend()
    if legend is not None:
        legend.set_title(t("axis.replicate" if replicates else "axis.block", lang))
    return marks.apply(ax)


def _draw_boxes(
    used: pd.DataFrame,
    response: str,
    order: list[str],
    ylabel: str,
    many: bool,
    lang: str,
    marks: FigureMarks,
) -> Axes:
    """Draw a box of the plot yields per treatment (too many plots for markers)."""
    from yieldtrial.plotting import plot_yield_boxes

    ax = plot_yield_boxes(
        used, response=response, treatment="treatment", order=order, ylabel=ylabel
    )
    ax.set_xlabel(t("axis.treatment", lang))
    if many or _crowded(order):
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    return marks.apply(ax)


def _draw_field(
    data: pd.DataFrame,
    value: str,
    label: str,
    whole_plots: bool,
    flagged: list[str],
    lang: str,
    marks: FigureMarks,
) -> Axes:
    """Draw the yields (or residuals) at the plots' field positions."""
    from yieldtrial.design.maps import set_row_label
    from yieldtrial.plotting import plot_field

    ax = plot_field(data, value=value, colorbar_label=label)
    ax.set_xlabel(t("axis.column", lang))
    set_row_label(ax, t("axis.row", lang), lang)
    if whole_plots:
        from yieldtrial.design.maps import outline_whole_plots

        outline_whole_plots(ax, data)
    if flagged and "plot_id" in data.columns:
        _outline(ax, data, flagged)
    return marks.apply(ax, ticks=False)


def _draw_histogram(
    data: pd.DataFrame, controls: list[str], xlabel: str, ylabel: str, marks: FigureMarks
) -> Axes:
    """Draw the histogram of the entry means with the control(s) marked."""
    from yieldtrial.plotting import plot_mean_histogram

    ax = plot_mean_histogram(
        data,
        mean="mean",
        control=[c for c in controls if c in set(data["treatment"].astype(str))],
        xlabel=xlabel,
        ylabel=ylabel,
    )
    return marks.apply(ax, ticks=False)
