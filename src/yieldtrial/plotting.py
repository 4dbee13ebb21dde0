"""Figures for yield tests: treatment means, plot yields, field maps.

Every figure function takes ``ax=None`` (a new figure is made when omitted) and
returns the :class:`matplotlib.axes.Axes` it drew on, so figures compose in a
notebook.  matplotlib is imported inside the functions: ``import yieldtrial``
never imports it.

:func:`figure_to_svg` keeps text as text (``svg.fonttype: none``) so Chinese
labels are drawn by the reader's browser fonts; :func:`figure_to_png` renders
a bitmap (for DOCX).

Examples
--------
>>> import pandas as pd
>>> means = pd.DataFrame({"treatment": ["CK", "T"], "mean": [440.0, 470.0],
...                       "ci_low": [420.0, 450.0], "ci_high": [460.0, 490.0],
...                       "letters": ["b", "a"]})
>>> ax = plot_means(means, control="CK")
>>> [t.get_text() for t in ax.get_xticklabels()]
['CK', 'T']
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, WrongTypeError
from yieldtrial.io._compat import isin
from yieldtrial.io._guard import held_warnings

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_means",
    "plot_mean_histogram",
    "plot_yields",
    "plot_yield_boxes",
    "plot_field",
    "figure_to_svg",
    "figure_to_png",
    "FONT_FAMILIES",
    "font_families",
    "rc_fonts",
]

#: Font families tried in order; the CJK ones let Chinese labels render.  In SVG
#: output the whole list is written, so the reader's browser picks what it has.
FONT_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "WenQuanYi Micro Hei",
    "DejaVu Sans",
    "sans-serif",
)

_MEAN_COLUMNS = ("mean", "lsmean", "estimate", "yield", "yield_mean", "across_site_mean")
#: Mean columns whose table's ``ci_low``/``ci_high`` bound something else: the across-site
#: table of ``analyze_many`` (``res.summary.treatments``) gives the limits of the difference
#: from the check beside ``across_site_mean``, so its bars are drawn without intervals.
_MEANS_WITHOUT_LIMITS = ("across_site_mean",)
_LOW_COLUMNS = ("ci_low", "lower", "ci_lower", "lcl")
_HIGH_COLUMNS = ("ci_high", "upper", "ci_upper", "ucl")


def _pick(
    frame: pd.DataFrame,
    given: str | None,
    candidates: Sequence[str],
    what: str,
    required: bool = True,
) -> str | None:
    if given is not None:
        if given not in frame.columns:
            raise DataValidationError(
                f"column {given!r} ({what}) is not in the table; columns: "
                f"{', '.join(map(str, frame.columns))}."
            )
        return given
    for name in candidates:
        if name in frame.columns:
            return name
    if required:
        raise DataValidationError(
            f"no {what} column in the table (looked for {', '.join(candidates)}); columns: "
            f"{', '.join(map(str, frame.columns))}. Pass the column name explicitly."
        )
    return None


def _mean_column(means: pd.DataFrame, given: str | None) -> str:
    """Return the mean column of a means table: ``given``, a generic name or a yield column.

    Raises a TypeError naming the fix when ``means`` is not a table (a design fit or a
    MeansModel, the object a notebook holds the step before ``FieldTrial.means()``).
    """
    from yieldtrial.units import unit_from_yield_column

    if not isinstance(means, pd.DataFrame):
        raise WrongTypeError(
            "the means figures take a means table (a DataFrame: FieldTrial.means(), or "
            "yieldtrial.stats.means_table(fit.means_model())); got "
            f"{type(means).__name__}"
        )

    yield_columns = [c for c in map(str, means.columns) if unit_from_yield_column(c)]
    column = _pick(means, given, (*_MEAN_COLUMNS, *yield_columns[:1]), "mean")
    assert column is not None  # noqa: S101 - required=True
    return column


def _plot_yield_column(plots: pd.DataFrame, given: str | None) -> str:
    """Return the yield column a plot-yield figure draws: ``given``, else the table's own unit.

    A table of one yield column (``yield_kg_mu``) is drawn in it.  ``FieldTrial.yields()``
    of a trial in another unit holds ``yield_kg_ha`` (the analysed response) and
    ``yield_<unit>`` (the display unit asked for): the display unit is drawn, as the
    trial's means and report show it.  Several other units are ambiguous: an error names
    them.
    """
    from yieldtrial.units import unit_from_yield_column

    if given is not None or not isinstance(plots, pd.DataFrame):
        return "yield_kg_ha" if given is None else given
    columns = [c for c in map(str, plots.columns) if unit_from_yield_column(c)]
    others = [c for c in columns if c != "yield_kg_ha"]
    if len(others) > 1:
        raise DataValidationError(
            f"the plot table has yields in several units ({', '.join(others)}); pass "
            f"response= the column to draw, e.g. response={others[0]!r}"
        )
    column = _pick(plots, None, (*others, "yield_kg_ha"), "yield (yield_<mass>_<area>)")
    assert column is not None  # noqa: S101 - required=True
    return column


def _check_one_row_per_treatment(means: pd.DataFrame, treatment: str) -> None:
    """Refuse a table with a treatment on several rows (e.g. one row per site and treatment).

    Bars of the same label side by side would read as one treatment's mean drawn twice.
    """
    if treatment not in means.columns:
        raise DataValidationError(
            f"column {treatment!r} (treatment) is not in the table; columns: "
            f"{', '.join(map(str, means.columns))}."
        )
    labels = means[treatment].astype(str)
    repeated = labels[labels.duplicated()].unique()
    if len(repeated):
        raise DataValidationError(
            f"plot_means draws one bar per treatment, but {repeated[0]!r} is on "
            f"{int((labels == repeated[0]).sum())} rows of the table (a table of several "
            "sites or trials?). Pass one row per treatment: the means of one trial, or the "
            "across-site means of analyze_many (result.summary.treatments, "
            "mean='across_site_mean')."
        )


def _controls_in(
    labels: Sequence[str], control: str | Sequence[str] | None, argument: str = "control"
) -> list[str]:
    """Return the control label(s) as a list; refuse one that is not a treatment of the table.

    A control the table does not hold (a typing error, ``"ck1"`` for ``"CK1"``, or the
    control of another trial) drew no line and no message: the figure looked like one of
    a trial without a control.  ``argument`` names the keyword in the message (``hatched``
    of :func:`plot_means` is checked the same way); one string is one label.
    """
    controls = [control] if isinstance(control, str) else [str(c) for c in control or ()]
    present = set(labels)
    absent = [c for c in controls if c not in present]
    if absent:
        listed = sorted(present)
        shown = ", ".join(map(repr, listed[:10])) + (" ..." if len(listed) > 10 else "")
        what = "control" if argument == "control" else f"{argument} label"
        raise DataValidationError(
            f"{what} {absent[0]!r} is not a treatment of the means table; treatments: "
            f"{shown}. Labels are case-sensitive: pass {argument}= one of them"
        )
    return controls


def _check_limits_contain_means(
    means: pd.DataFrame, treatment: str, mean_col: str, low_col: str, high_col: str
) -> None:
    """Refuse confidence limits that do not contain their mean (not the mean's interval).

    The across-site table of ``analyze_many`` has ``ci_low``/``ci_high`` of the difference
    from the check beside ``across_site_mean``; drawn around the means they would be wrong.
    """
    values = pd.to_numeric(means[mean_col], errors="coerce").to_numpy(dtype=float)
    low = pd.to_numeric(means[low_col], errors="coerce").to_numpy(dtype=float)
    high = pd.to_numeric(means[high_col], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(values) & np.isfinite(low) & np.isfinite(high)
    tolerance = 1e-9 * np.maximum(1.0, np.abs(values))
    outside = ok & ((low > values + tolerance) | (high < values - tolerance))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise DataValidationError(
            f"{low_col}/{high_col} are not confidence limits of {mean_col}: treatment "
            f"{str(means[treatment].iloc[i])!r} has {mean_col} {values[i]:g} outside "
            f"[{low[i]:g}, {high[i]:g}] (limits of a difference?). Pass the columns of the "
            f"means' limits as ci_low= and ci_high=, or drop {low_col} and {high_col} to draw "
            "the bars without intervals."
        )


#: The words a figure writes itself, per ``lang=`` (the report's figures set their own
#: labels from its catalogue; a notebook user drawing a Chinese figure had English axes).
AXIS_WORDS: dict[str, dict[str, str]] = {
    "en": {"yield": "Yield ({unit})", "row": "row", "column": "column", "block": "block"},
    "zh": {"yield": "产量（{unit}）", "row": "行", "column": "列", "block": "区组"},
}
#: Area units as a Chinese figure writes them (kg/mu -> kg/亩).
_ZH_AREAS: dict[str, str] = {"mu": "亩", "ha": "公顷", "ac": "英亩", "m2": "m²"}


def _check_lang(lang: str) -> None:
    """Refuse a language the figures have no words for (the choices named)."""
    from yieldtrial.io.checks import check_option

    check_option("lang", lang, tuple(AXIS_WORDS))


def _yield_label(unit: str, lang: str) -> str:
    """Axis label of a yield in ``unit`` ("Yield (kg/ha)"; 产量（kg/公顷） in Chinese).

    Examples
    --------
    >>> _yield_label("kg/ha", "en"), _yield_label("kg/mu", "zh")
    ('Yield (kg/ha)', '产量（kg/亩）')
    """
    if lang == "zh":
        mass, _, area = unit.partition("/")
        unit = f"{mass}/{_ZH_AREAS.get(area, area)}" if area else unit
    return AXIS_WORDS[lang]["yield"].format(unit=unit)


def _name_label(name: str, lang: str) -> str:
    """Return a column name as an axis or legend label: the canonical names in ``lang``'s words.

    ``row``, ``column`` and ``block`` read 行, 列 and 区组 in Chinese; any other name (and
    every name in English) as typed.
    """
    return AXIS_WORDS[lang].get(name, name) if lang == "zh" else name


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """Return ``ax``, or the axes of a new figure of ``figsize`` [in] when it is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize)
    return fig.add_subplot(1, 1, 1)


#: File-name fragments of CJK-capable system fonts, registered when matplotlib's font cache
#: predates their installation (then no family of :data:`FONT_FAMILIES` is known to it).
_CJK_FONT_FILES: tuple[str, ...] = (
    "notosanscjk",
    "notoserifcjk",
    "sourcehansans",
    "wqy",
    "simhei",
    "msyh",
    "pingfang",
    "droidsansfallback",
)


@cache
def font_families() -> tuple[str, ...]:
    """Installed font families every figure uses, CJK-capable first, then DejaVu Sans.

    The families of :data:`FONT_FAMILIES` that matplotlib knows, in that order; when it
    knows none (its font cache was built before a CJK font was installed), the system's
    CJK fonts are registered for this process (the cache on disk is left alone).  Only
    installed names are returned, so matplotlib never logs "findfont: Font family ... not
    found", and each text keeps the whole list: a glyph missing from the first family
    (Chinese in DejaVu Sans) is taken from the next one.

    Returns
    -------
    tuple of str
        Family names, ending with ``"DejaVu Sans"`` (matplotlib's own font).
    """
    from matplotlib import font_manager

    def known() -> set[str]:
        return {entry.name for entry in font_manager.fontManager.ttflist}

    wanted = [name for name in FONT_FAMILIES if name not in ("DejaVu Sans", "sans-serif")]
    found = [name for name in wanted if name in known()]
    if not found:
        before = known()
        for path in font_manager.findSystemFonts():
            stem = Path(path).name.lower().replace("-", "").replace("_", "")
            if any(part in stem for part in _CJK_FONT_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # pragma: no cover - unreadable
                    continue
        added = sorted(known() - before, key=_cjk_preference)
        found = [name for name in wanted if name in known()] or added[:2]
    if not found:  # a font collection known under its first face only (matplotlib < 3.8)
        found = sorted(
            (n for n in known() if any(w in n.lower() for w in _CJK_FAMILY_WORDS)),
            key=_cjk_preference,
        )[:2]
    return (*found, "DejaVu Sans")


#: Words of CJK-capable family names: matplotlib 3.7 knows Debian's NotoSansCJK-Regular.ttc
#: as "Noto Sans CJK JP" alone (its first face; every face holds the Chinese glyphs), a
#: family :data:`FONT_FAMILIES` does not name, so Chinese figures fell back to DejaVu Sans.
_CJK_FAMILY_WORDS: tuple[str, ...] = (
    "cjk",
    "source han sans",
    "wenquanyi",
    "droid sans fallback",
    "simhei",
    "yahei",
    "pingfang",
)


def _cjk_preference(name: str) -> tuple[bool, bool, bool, str]:
    """Sort key of CJK families: not monospaced first, then sans-serif, then Simplified."""
    return ("Mono" in name, "Sans" not in name, "SC" not in name, name)


@contextmanager
def rc_fonts() -> Iterator[None]:
    """Temporarily use :func:`font_families` (CJK fallback) and keep SVG text as text.

    The lock of :func:`~yieldtrial.io._guard.held_warnings` is taken first: Matplotlib's
    ``rc_context`` saves and restores the process-wide ``rcParams`` as ``catch_warnings``
    does the filters, so two reports drawn in threads drew a figure with the other
    thread's settings (a figure 381.1 pt wide instead of 379.0, stop 48).
    """
    import matplotlib as mpl

    with (
        held_warnings(),
        mpl.rc_context(
            {
                "font.family": list(font_families()),
                "font.sans-serif": list(FONT_FAMILIES),
                "svg.fonttype": "none",
                "svg.hashsalt": "yieldtrial",
                "axes.unicode_minus": False,
            }
        ),
    ):
        warnings.filterwarnings("ignore", message=r".*[Gg]lyph .* missing from.*")
        warnings.filterwarnings("ignore", message=r".*findfont.*")
        yield


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _with_fonts(func: Callable[_P, _R]) -> Callable[_P, _R]:
    @wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with rc_fonts():
            return func(*args, **kwargs)

    return wrapper


@_with_fonts
def plot_means(
    means: pd.DataFrame,
    *,
    treatment: str = "treatment",
    mean: str | None = None,
    ci_low: str | None = None,
    ci_high: str | None = None,
    letters: str | None = "letters",
    control: str | Sequence[str] | None = None,
    hatched: str | Sequence[str] | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Bar chart of treatment means with confidence intervals, letters and control line(s).

    Parameters
    ----------
    means : DataFrame
        One row per treatment, in the order to draw.
    treatment : str, default "treatment"
        Column with the treatment labels.
    mean, ci_low, ci_high : str, optional
        Columns with the mean and the confidence limits; found by name
        (``mean``/``estimate``, ``ci_low``/``lower``, ``ci_high``/``upper``, or a
        yield column such as ``yield_kg_ha`` with ``ci_low_kg_ha``/``ci_high_kg_ha`` as
        in :meth:`FieldTrial.means <yieldtrial.trial.FieldTrial.means>`) when omitted.
        The across-site table of :func:`~yieldtrial.analyze_many`
        (``res.summary.treatments``) is drawn from ``across_site_mean``, without
        intervals: its ``ci_low``/``ci_high`` bound the difference from the check.
        Limits may be missing or NaN (unreplicated trials): no error bar is drawn then.
    letters : str or None, default "letters"
        Column with the letter display, written above the bars (skipped when
        absent).
    control : str or sequence of str, optional
        Control label(s); a dashed horizontal line marks each control's mean.  A label
        that is not a treatment of ``means`` is an error.
    hatched : str or sequence of str, optional
        Treatments whose bars are hatched (e.g. illustrative, unpublished values).  A
        label that is not a treatment of ``means`` is an error.
    ylabel, title : str, optional
        Axis label (default ``"Yield (<unit>)"`` for a yield column) and title.
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    lang : {"en", "zh"}, default "en"
        Language of the default axis label (``"zh"``: 产量（kg/亩）, as the Chinese
        report's figures).

    Returns
    -------
    Axes
        The axes drawn on.
    """
    from yieldtrial.units import unit_from_yield_column

    _check_lang(lang)
    mean_col = _mean_column(means, mean)
    _check_one_row_per_treatment(means, treatment)
    unit = unit_from_yield_column(mean_col)
    suffix = mean_col.removeprefix("yield") if unit else ""  # "_kg_ha": ci_low_kg_ha
    low_names = (*_LOW_COLUMNS, *((f"ci_low{suffix}",) if suffix else ()))
    high_names = (*_HIGH_COLUMNS, *((f"ci_high{suffix}",) if suffix else ()))
    if mean_col in _MEANS_WITHOUT_LIMITS:
        low_names, high_names = (), ()
    low_col = _pick(means, ci_low, low_names, "lower confidence limit", required=False)
    high_col = _pick(means, ci_high, high_names, "upper confidence limit", required=False)
    if low_col is not None and high_col is not None:
        _check_limits_contain_means(means, treatment, mean_col, low_col, high_col)
    if ylabel is None and unit:
        ylabel = _yield_label(unit, lang)
    ax = new_axes(ax, (6.0, 4.0))
    labels = [str(v) for v in means[treatment]]
    values = means[mean_col].to_numpy(dtype=float)
    x = np.arange(len(labels))
    controls = _controls_in(labels, control)
    hatched_labels = _controls_in(labels, hatched, "hatched")
    colors = ["#9e9e9e" if lab in controls else "#2e7d32" for lab in labels]
    bars = ax.bar(x, values, color=colors, width=0.6, zorder=2)
    for bar, lab in zip(bars, labels, strict=True):
        if lab in hatched_labels:
            bar.set_hatch("//")
            bar.set_edgecolor("white")
    top = values.copy()
    if low_col is not None and high_col is not None:
        low = means[low_col].to_numpy(dtype=float)
        high = means[high_col].to_numpy(dtype=float)
        ok = np.isfinite(low) & np.isfinite(high)
        if ok.any():
            yerr = np.vstack([values[ok] - low[ok], high[ok] - values[ok]])
            ax.errorbar(
                x[ok], values[ok], yerr=yerr, fmt="none", ecolor="black", capsize=4, zorder=3
            )
            top = np.where(ok, np.fmax(high, values), values)
    finite = top[np.isfinite(top)]
    span = float(np.nanmax(finite)) if finite.size else 1.0
    if letters is not None and letters in means.columns:
        for xi, yi, text in zip(x, top, means[letters], strict=True):
            if isinstance(text, str) and text and np.isfinite(yi):
                ax.text(
                    float(xi), float(yi) + 0.02 * span, text, ha="center", va="bottom", fontsize=10
                )
    for lab in controls:
        if lab in labels:
            ax.axhline(
                values[labels.index(lab)], color="#616161", linestyle="--", linewidth=1, zorder=1
            )
    ax.set_xticks(x)
    ax.set_xticklabels(labels)
    if finite.size:
        # bars start at zero: a cut axis would exaggerate the differences between bars
        ax.set_ylim(min(0.0, float(np.nanmin(values)) * 1.1), span * 1.12)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(axis="y", alpha=0.3, zorder=0)
    return ax


#: Blocks drawn as separate, joined series with a legend by :func:`plot_yields`; more are
#: drawn as plain points (a legend of hundreds of blocks is unreadable and slow to draw).
MAX_BLOCK_SERIES = 12
#: Blocks whose legend :func:`plot_yields` keeps inside the axes when their plots are not
#: joined; more (or joined plots) go to its right.
LEGEND_INSIDE_BLOCKS = 6


@_with_fonts
def plot_mean_histogram(
    means: pd.DataFrame,
    *,
    treatment: str = "treatment",
    mean: str | None = None,
    control: str | Sequence[str] | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    bins: int | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Histogram of the means of many entries, with the control(s) marked.

    For trials with hundreds to thousands of entries, where one bar per entry
    (:func:`plot_means`) cannot be read.

    Parameters
    ----------
    means : DataFrame
        One row per entry.
    treatment : str, default "treatment"
        Column with the entry labels.
    mean : str, optional
        Column with the means (found by name when omitted, as in :func:`plot_means`).
    control : str or sequence of str, optional
        Entries drawn as labelled dashed vertical lines (and left out of the bars); each
        must be a treatment of ``means``.
    xlabel, ylabel : str, optional
        Axis labels.
    bins : int, optional
        Number of bars (default: about the square root of the number of entries,
        between 10 and 60).
    ax : Axes, optional
        Axes to draw on (a new figure when omitted).
    lang : {"en", "zh"}, default "en"
        Language of the default labels (``"zh"``: 产量（kg/亩）, 区组, as the Chinese
        report's figures).

    Returns
    -------
    Axes
        The axes drawn on.
    """
    import numpy as np

    from yieldtrial.units import unit_from_yield_column

    _check_lang(lang)
    col = _mean_column(means, mean)
    unit = unit_from_yield_column(col)
    if xlabel is None and unit:
        xlabel = _yield_label(unit, lang)
    labels = means[treatment].astype(str)
    controls = _controls_in(labels.tolist(), control)
    values = means[col].to_numpy(dtype=float)
    entries = values[(~isin(labels, controls)).to_numpy() & np.isfinite(values)]
    if bins is not None:  # a Series was "truth value ... ambiguous", -1 NumPy's ValueError
        from yieldtrial.io.checks import check_whole_number

        bins = check_whole_number("bins", bins, "plot_mean_histogram", low=1, high=1000)
    ax = new_axes(ax, (7.0, 3.6))
    count = bins or int(min(max(round(np.sqrt(max(len(entries), 1))), 10), 60))
    ax.hist(entries, bins=count, color="#9ecae1", edgecolor="#4a7fa8", linewidth=0.5)
    top = ax.get_ylim()[1]
    for label in controls:
        found = values[(labels == label).to_numpy()]
        if found.size and np.isfinite(found[0]):
            ax.axvline(float(found[0]), color="black", linestyle="--", linewidth=1.2)
            ax.text(float(found[0]), top * 0.97, f" {label}", va="top", ha="left", fontsize=9)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def _check_plot_table(plots: Any) -> None:
    """Refuse what is not a plot table with one header row, naming what to pass instead.

    A TypeError for another object, as the means figures give (:func:`_mean_column`): a
    notebook holds a FieldTrial or a fit the step before ``FieldTrial.yields()``.
    """
    if not isinstance(plots, pd.DataFrame):
        raise WrongTypeError(
            "the plot figures take a plot table (a DataFrame: FieldTrial.yields(), or the "
            f"table read with yieldtrial.read_plots); got {type(plots).__name__}"
        )
    if isinstance(plots.columns, pd.MultiIndex):
        raise DataValidationError(
            f"the plot table's columns have {plots.columns.nlevels} header levels (a "
            f"MultiIndex, e.g. {plots.columns[0]!r}); give one name per column, e.g. "
            "frame.columns = frame.columns.get_level_values(0)"
        )


def _yield_axes(plots: pd.DataFrame, response: str, treatment: str, ax: Axes | None) -> Axes:
    """Check a plot-yield figure's columns (before any figure is made), then make its axes."""
    _check_plot_table(plots)
    for col in (response, treatment):
        _pick(plots, col, (), "plot table")
    return new_axes(ax, (6.0, 4.0))


def _treatment_positions(
    order: Sequence[str] | None, seen: Iterable[str]
) -> tuple[list[str], dict[str, int]]:
    """Treatments along a plot-yield figure's x axis and the position of each.

    ``order`` when given, else the labels of ``seen`` (the plots' treatment labels as text)
    in order of first appearance.
    """
    labels = list(order) if order is not None else list(dict.fromkeys(seen))
    return labels, {lab: i for i, lab in enumerate(labels)}


def _finish_treatment_axes(
    ax: Axes,
    labels: list[str],
    response: str,
    ylabel: str | None,
    title: str | None,
    lang: str = "en",
) -> Axes:
    """Label a plot-yield figure's treatment axis and yield axis, add the title and grid."""
    ax.set_xticks(np.arange(len(labels)))
    ax.set_xticklabels(labels)
    ax.set_xlim(-0.5, len(labels) - 0.5)
    if ylabel is None:
        from yieldtrial.units import unit_from_yield_column

        unit = unit_from_yield_column(response)
        ylabel = _yield_label(unit, lang) if unit else response  # as plot_means labels it
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    return ax


@_with_fonts
def plot_yields(
    plots: pd.DataFrame,
    *,
    response: str | None = None,
    treatment: str = "treatment",
    block: str | None = "block",
    order: Sequence[str] | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    join_blocks: bool = True,
    lang: str = "en",
) -> Axes:
    """Plot yields by treatment, one marker per plot, marker style by block.

    Parameters
    ----------
    plots : DataFrame
        One row per plot.
    response : str, optional
        Column with the yields.  Default: the table's yield column in its own unit
        (``yield_kg_mu`` for a table in kg/mu; for ``FieldTrial.yields()`` of a trial in
        kg/mu, which also holds ``yield_kg_ha``, the trial's unit kg/mu), else
        ``yield_kg_ha``; a table with yields in several other units needs it.
    treatment : str, default "treatment"
        Column with the treatment labels.
    block : str or None, default "block"
        Column with the block labels (ignored when absent); points of one block
        are joined by a thin line so block effects are visible (the legend of the blocks
        then stands right of the axes).  With more than
        :data:`MAX_BLOCK_SERIES` blocks the points are drawn plain (no lines, no
        legend), semi-transparent.
    order : sequence of str, optional
        Treatment order along the x axis (order of appearance when omitted).
    ylabel, title : str, optional
        Axis label (default ``"Yield (<unit>)"`` for a yield column such as
        ``yield_kg_mu``, else the column name) and title.
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    join_blocks : bool, default True
        Join the points of one block by a line.  False draws the markers alone (an
        augmented design, whose entries have one plot each: a block's line would zigzag
        across entries of other blocks and show nothing).
    lang : {"en", "zh"}, default "en"
        Language of the default labels (``"zh"``: 产量（kg/亩）, 区组, as the Chinese
        report's figures).

    Returns
    -------
    Axes
        The axes drawn on.

    Examples
    --------
    >>> import pandas as pd
    >>> plots = pd.DataFrame({"treatment": ["CK", "T"], "block": [1, 1],
    ...                       "yield_kg_ha": [6000.0, 6300.0], "yield_kg_mu": [400.0, 420.0]})
    >>> plot_yields(plots).get_ylabel()
    'Yield (kg/mu)'
    >>> plot_yields(plots, lang="zh").get_ylabel()
    '产量（kg/亩）'
    >>> import matplotlib.pyplot as plt
    >>> plt.close("all")
    """
    _check_lang(lang)
    response = _plot_yield_column(plots, response)
    ax = _yield_axes(plots, response, treatment, ax)
    labels, pos = _treatment_positions(order, map(str, plots[treatment]))
    data = plots.assign(_x=plots[treatment].astype(str).map(pos)).dropna(subset=["_x"])
    markers = "osD^v<>pX*"
    many = block is not None and block in data.columns and data[block].nunique() > MAX_BLOCK_SERIES
    if many:
        # hundreds of blocks: one legend entry and one line per block would be unreadable
        # (and take minutes to draw); plain points, more transparent the more there are
        alpha = float(min(0.8, max(0.05, 200.0 / max(len(data), 1))))
        ax.plot(
            data["_x"].to_numpy(dtype=float), data[response].to_numpy(dtype=float), "o",
            markersize=2.5, alpha=alpha, rasterized=len(data) > 20_000,
        )  # fmt: skip
    elif block is not None and block in data.columns:
        from yieldtrial.io.levels import natural_key

        groups = dict(list(data.groupby(block, sort=False)))
        # the legend lists blocks 1 to 12 in their order (not "1, 10, 11, 12, 2, ...")
        for i, name in enumerate(sorted(groups, key=lambda label: natural_key(str(label)))):
            group = groups[name].sort_values("_x")
            ax.plot(
                group["_x"].to_numpy(dtype=float),
                group[response].to_numpy(dtype=float),
                marker=markers[i % len(markers)],
                linestyle="-" if join_blocks else "none",
                linewidth=0.6,
                alpha=0.8,
                label=str(name),
            )
        if len(groups) > LEGEND_INSIDE_BLOCKS or join_blocks:
            # a legend of many blocks inside the axes covered the last treatments' points;
            # lines joining a block's plots cross the whole width, and a legend inside (the
            # replicated example's, beside T's points) read as more joined points
            ax.legend(
                title=_name_label(block, lang), fontsize=8, title_fontsize=8, frameon=False,
                loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
            )  # fmt: skip
        else:
            ax.legend(title=_name_label(block, lang), fontsize=8, title_fontsize=8, frameon=False)
    else:
        ax.plot(data["_x"].to_numpy(dtype=float), data[response].to_numpy(dtype=float), "o")
    return _finish_treatment_axes(ax, labels, response, ylabel, title, lang)


@_with_fonts
def plot_yield_boxes(
    plots: pd.DataFrame,
    *,
    response: str | None = None,
    treatment: str = "treatment",
    order: Sequence[str] | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Plot yields by treatment as one box per treatment, for tables too large to draw plot by plot.

    Each box is :func:`matplotlib.cbook.boxplot_stats` of the treatment's observed plots
    (median and quartiles, whiskers to the most extreme plot within 1.5 times the
    interquartile range); the plots beyond the whiskers are not drawn.  Matplotlib only
    receives these few numbers per treatment, so a table of millions of plots draws as
    fast as a small one (:func:`plot_yields` draws one marker per plot).

    Parameters
    ----------
    plots : DataFrame
        One row per plot.
    response : str, optional
        Column with the yields; missing yields are left out.  Default as
        :func:`plot_yields`: the table's yield column in its own unit.
    treatment : str, default "treatment"
        Column with the treatment labels (compared as text).
    order : sequence of str, optional
        Treatment order along the x axis (order of appearance when omitted); a treatment
        not listed is not drawn.
    ylabel, title : str, optional
        Axis label (as :func:`plot_yields`) and title.
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    lang : {"en", "zh"}, default "en"
        Language of the default labels (``"zh"``: 产量（kg/亩）, 区组, as the Chinese
        report's figures).

    Returns
    -------
    Axes
        The axes drawn on.
    """
    from matplotlib import cbook

    _check_lang(lang)
    response = _plot_yield_column(plots, response)
    ax = _yield_axes(plots, response, treatment, ax)
    codes, uniques = pd.factorize(plots[treatment], sort=False)
    names = [str(u) for u in uniques]
    labels, pos = _treatment_positions(order, names)
    remap = np.array([pos.get(name, -1) for name in names] + [-1], dtype=np.int64)
    x = remap[codes]  # code -1 (a missing label) takes the last entry: not drawn
    y = plots[response].to_numpy(dtype=float)
    keep = (x >= 0) & np.isfinite(y)
    x, y = x[keep], y[keep]
    by = np.argsort(x, kind="stable")
    bounds = np.searchsorted(x[by], np.arange(len(labels) + 1))
    stats, positions = [], []
    for i in range(len(labels)):
        values = y[by[bounds[i] : bounds[i + 1]]]
        if values.size:
            (box,) = cbook.boxplot_stats(values, whis=1.5)
            box["fliers"] = np.empty(0)
            stats.append(box)
            positions.append(i)
    if stats:
        ax.bxp(stats, positions=positions, widths=0.6, showfliers=False, manage_ticks=False)
    return _finish_treatment_axes(ax, labels, response, ylabel, title, lang)


#: Font size of the text in the cells of a field map [pt] ...
_FIELD_FONT = 8.0
#: ... and the smallest it is shrunk to so that a long label stays inside its cell [pt];
#: a cell too small for that gets no text.
_FIELD_FONT_MIN = 5.0


def _text_width_em(text: str) -> float:
    """Width of one line of text in ems: 1 for a CJK (wide) character, 0.6 for others.

    Counting every character at 0.6 em let Chinese labels ("减量20%+增效剂") run over the
    neighbouring cells of a field map: a Chinese character is a full em wide.

    Examples
    --------
    >>> _text_width_em("T3"), _text_width_em("常规施肥")
    (1.2, 4.0)
    """
    import unicodedata

    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


#: Face colour of a grid position that no plot holds (a row deleted from the plot table, a
#: gap in the layout): the residual map (:func:`plot_field`) and the design map
#: (:func:`yieldtrial.design.maps.field_map`) draw it alike.
EMPTY_POSITION_COLOUR = "#bdbdbd"


def empty_positions(rows: Any, columns: Any) -> list[tuple[int, int]]:
    """Return the positions of the plots' bounding grid that no plot holds, row by row.

    Parameters
    ----------
    rows, columns : array-like of numbers
        The row and column of each plot (whole numbers, as floats or ints).

    Returns
    -------
    list of (int, int)
        ``(row, column)`` of each position between the first and last row and column
        that no plot holds; empty for a full rectangle.

    Examples
    --------
    >>> empty_positions([1, 1, 2], [1, 2, 1])
    [(2, 2)]
    >>> empty_positions([1.0, 2.0], [1.0, 1.0])
    []
    """
    r = np.rint(np.asarray(rows, dtype=float)).astype(int)
    c = np.rint(np.asarray(columns, dtype=float)).astype(int)
    if r.size == 0:
        return []
    r0, c0 = int(r.min()), int(c.min())
    held = np.zeros((int(r.max()) - r0 + 1, int(c.max()) - c0 + 1), dtype=bool)
    held[r - r0, c - c0] = True
    return [(int(i) + r0, int(j) + c0) for i, j in zip(*np.nonzero(~held), strict=True)]


def check_own_positions(
    plots: pd.DataFrame, *, row: str = "row", column: str = "column", what: str = "field map"
) -> None:
    """Refuse plots that share a row and column position: a map would draw one over another.

    The report's field-layout section gives a note instead of a map for such a table
    (``map.positions_repeat``); :func:`plot_field` and
    :func:`yieldtrial.design.field_map` refuse it with the plots named.

    Parameters
    ----------
    plots : DataFrame
        One row per plot, with numeric ``row`` and ``column`` positions.
    row, column : str
        Position columns.
    what : str
        The figure, for the message.

    Raises
    ------
    DataValidationError
        If two plots have the same row and column, naming the first shared position
        and its plots.

    Examples
    --------
    >>> check_own_positions(pd.DataFrame({"row": [1, 1], "column": [1, 2]}))
    >>> check_own_positions(pd.DataFrame({"plot_id": ["101", "201"], "row": [1, 1],
    ...                                   "column": [2, 2]}))
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: field map: 2 plots share a row and column position ...
    """
    position = pd.DataFrame(
        {"row": pd.to_numeric(plots[row]), "column": pd.to_numeric(plots[column])}
    )
    shared = position.duplicated(keep=False).to_numpy()
    if not shared.any():
        return
    from yieldtrial.io.validation import list_items

    first = position[shared].iloc[0]
    same = ((position["row"] == first["row"]) & (position["column"] == first["column"])).to_numpy()
    ids = plots["plot_id"] if "plot_id" in plots.columns else pd.Series(plots.index)
    cells = len(position[shared].drop_duplicates())
    raise DataValidationError(
        f"{what}: {int(shared.sum()):,} plots share a row and column position ({cells:,} "
        f"position{'s' if cells > 1 else ''}; {row} {first['row']:g}, {column} "
        f"{first['column']:g}: plots {list_items(repr(str(p)) for p in ids[same])}), so one "
        "would be drawn over another and no map is drawn. Check the row and column of each "
        "plot; a layout numbered within each block (a row-column design) is drawn one block "
        "at a time (plots[plots['block'] == 1])"
    )


@_with_fonts
def plot_field(
    plots: pd.DataFrame,
    *,
    value: str = "yield_kg_ha",
    row: str = "row",
    column: str = "column",
    label: str | None = "treatment",
    cmap: str | None = None,
    colorbar_label: str | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Field heat map of plot yields (or residuals) at their row/column positions.

    Parameters
    ----------
    plots : DataFrame
        One row per plot with integer-like ``row`` and ``column`` positions.
    value : str, default "yield_kg_ha"
        Column to colour by (yields, residuals, ...).  Residual-like columns
        (containing negative values) get a diverging colour map centred on 0.  A plot
        whose value is missing (NaN: a lost or excluded plot) is drawn hatched grey; a
        position of the grid that no plot holds (a row deleted from the table, a gap in
        the layout) plain grey, never the colour of a zero residual or the lowest yield.
    row, column : str
        Position columns.
    label : str or None, default "treatment"
        Column written in each cell (with the value) when present.
    cmap : str, optional
        Colour map name.
    colorbar_label, title : str, optional
        Labels.
    ax : Axes, optional
        Where to draw; a new figure when omitted.
    lang : {"en", "zh"}, default "en"
        Language of the default labels: in Chinese the canonical ``row`` and ``column``
        read 行 and 列, a yield column's colour bar 产量（kg/亩） (the column names as
        typed in English, as before).

    Returns
    -------
    Axes
        The axes drawn on.

    Raises
    ------
    DataValidationError
        If the table has no ``row``/``column`` positions, or two plots share a position
        (:func:`check_own_positions`).
    """
    _check_lang(lang)
    _check_plot_table(plots)
    for col in (value, row, column):
        _pick(plots, col, (), "field map")
    pos = plots[[row, column]].apply(pd.to_numeric, errors="coerce")
    if pos.isna().any().any():
        raise DataValidationError(
            f"field map needs numeric {row!r} and {column!r} positions for every plot; some are "
            "missing or not numbers."
        )
    check_own_positions(plots, row=row, column=column)
    rows = pos[row].to_numpy(dtype=int)
    cols = pos[column].to_numpy(dtype=int)
    r0, c0 = rows.min(), cols.min()
    grid = np.full((rows.max() - r0 + 1, cols.max() - c0 + 1), np.nan)
    values = plots[value].to_numpy(dtype=float)
    grid[rows - r0, cols - c0] = values
    ax = new_axes(ax, (6.0, 4.0))
    finite = values[np.isfinite(values)]
    diverging = finite.size > 0 and finite.min() < 0 < finite.max()
    if diverging:
        bound = float(np.abs(finite).max())
        image = ax.imshow(
            grid,
            cmap=cmap or "RdBu",
            vmin=-bound,
            vmax=bound,
            aspect="auto",
            interpolation="nearest",
        )
    else:
        image = ax.imshow(grid, cmap=cmap or "YlGn", aspect="auto", interpolation="nearest")
    if colorbar_label is None and lang == "zh":
        from yieldtrial.units import unit_from_yield_column

        unit = unit_from_yield_column(value)
        colorbar_label = _yield_label(unit, lang) if unit else None
    ax.figure.colorbar(image, ax=ax, label=colorbar_label or value)
    from matplotlib.patches import Rectangle

    # a plot without a value (lost, excluded) would show the background, the colour of
    # the lowest yields (or of a zero residual): hatch it
    for r, c in zip(rows[~np.isfinite(values)], cols[~np.isfinite(values)], strict=True):
        ax.add_patch(
            Rectangle((c - c0 - 0.5, r - r0 - 0.5), 1.0, 1.0, facecolor="#e6e6e6",
                      edgecolor="#808080", hatch="///", linewidth=0.0)
        )  # fmt: skip
    # a position no plot holds would show the background too (white: a zero residual on
    # the diverging map): grey, without the hatching of a plot that has no value
    for r, c in empty_positions(rows, cols):
        ax.add_patch(
            Rectangle((c - c0 - 0.5, r - r0 - 0.5), 1.0, 1.0,
                      facecolor=EMPTY_POSITION_COLOUR, linewidth=0.0)
        )  # fmt: skip
    labels = None
    if label and label in plots.columns:
        # a plot the table lost (no treatment on its row) is labelled by its hatching, not "nan"
        labels = np.array(["" if pd.isna(v) else str(v) for v in plots[label]], dtype=object)
    texts = []
    for i, v in enumerate(values):
        # a residual of -0.3 rounds to "-0", which reads as a defect (the unreplicated
        # entries of an augmented design have residuals of about +-1e-12)
        text = "" if not np.isfinite(v) else f"{0.0 if -0.5 <= v < 0 else v:.0f}"
        texts.append(f"{labels[i]}\n{text}" if labels is not None else text)
    # the axes' size in points: a long label (a Chinese treatment name) is written smaller,
    # cells too small for their text even then (a 1,200-plot trial has 120 rows in 4 inches)
    # get none, and every k-th row / column is numbered, so nothing overlaps
    box, figure = ax.get_position(), cast("Figure", ax.figure)
    height_pt = box.height * figure.get_figheight() * 72
    width_pt = box.width * figure.get_figwidth() * 72
    lines = 2 if labels is not None else 1
    widest = max((_text_width_em(part) for text in texts for part in text.split("\n")), default=0)
    font = min(
        _FIELD_FONT,
        height_pt / grid.shape[0] / (lines * 1.2),
        # 0.9 of the cell: a label as wide as its cell touches the neighbour's
        0.9 * width_pt / grid.shape[1] / widest if widest else _FIELD_FONT,
    )
    fits = font >= _FIELD_FONT_MIN
    for text, r, c, v in zip(texts, rows, cols, values, strict=True) if fits else ():
        color = "black"
        if np.isfinite(v):
            red, green, blue, _ = image.cmap(image.norm(v))
            if 0.299 * red + 0.587 * green + 0.114 * blue < 0.5:  # dark cell: white text
                color = "white"
        ax.text(c - c0, r - r0, text, ha="center", va="center", fontsize=font, color=color)
    digits = len(str(max(rows.max(), cols.max())))
    for axis, n, start, room in (
        (ax.xaxis, grid.shape[1], c0, width_pt / (digits * 6.0 + 4.0)),
        (ax.yaxis, grid.shape[0], r0, height_pt / 12.0),
    ):
        step = max(1, math.ceil(n / max(room, 1.0)))
        ticks = np.arange(0, n, step)
        axis.set_ticks(ticks)
        axis.set_ticklabels([str(start + int(i)) for i in ticks])
    ax.set_xlabel(_name_label(column, lang))
    ax.set_ylabel(_name_label(row, lang))
    if title:
        ax.set_title(title)
    return ax


def figure_to_svg(figure: Figure | Any) -> str:
    """Render a figure (or the figure of an Axes) as SVG text, text kept as text.

    Parameters
    ----------
    figure : Figure or Axes
        What to render.

    Returns
    -------
    str
        An ``<svg>`` element (no XML prolog), ready to inline in HTML.
    """
    fig = getattr(figure, "figure", figure) if not hasattr(figure, "savefig") else figure
    buffer = io.StringIO()
    with rc_fonts():
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def figure_to_png(figure: Figure | Any, *, dpi: int = 150) -> bytes:
    """Render a figure (or the figure of an Axes) as PNG bytes.

    Parameters
    ----------
    figure : Figure or Axes
        What to render.
    dpi : int, default 150
        Resolution.

    Returns
    -------
    bytes
        The PNG image.
    """
    from yieldtrial.io.checks import check_number

    # NaN was "cannot convert float NaN to integer", True a FreeType RuntimeError
    dots = check_number("dpi", dpi, "figure_to_png", low=1.0, high=2400.0, high_inclusive=True)
    fig = getattr(figure, "figure", figure) if not hasattr(figure, "savefig") else figure
    buffer = io.BytesIO()
    with rc_fonts():
        fig.savefig(buffer, format="png", dpi=dots, bbox_inches="tight")
    return buffer.getvalue()


def close(figure: Figure | Any) -> None:
    """Close a figure (or an Axes' figure) to free its memory."""
    import matplotlib.pyplot as plt

    fig = getattr(figure, "figure", figure) if not hasattr(figure, "savefig") else figure
    plt.close(fig)
