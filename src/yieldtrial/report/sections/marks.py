"""The mark of values that are not published results, and how figures carry it.

:data:`ILLUSTRATIVE_MARK` (†) follows every value the report prints that is
illustrative (unpublished, a placeholder) or computed from one; tables mark cells,
column labels and sentences (:mod:`.extra`), figures their caption, a note drawn in
the figure and the tick labels of illustrative treatments (:func:`figure_marks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from yieldtrial.report.context import ReportContext
from yieldtrial.report.i18n import t

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["ILLUSTRATIVE_MARK", "FigureMarks", "figure_marks"]

#: Mark printed next to every number computed from an illustrative (unpublished) value.
ILLUSTRATIVE_MARK = "†"


@dataclass(frozen=True)
class FigureMarks:
    """How the figures of a report show values that are not published results.

    Attributes
    ----------
    legend : str
        Sentence added to the caption of every marked figure ("" when nothing is marked).
    note : str
        Short note drawn inside the figure (top right), so that a figure copied out of
        the report keeps its mark.
    treatments : frozenset of str
        Treatments whose tick labels get the mark (illustrative values).
    """

    legend: str = ""
    note: str = ""
    treatments: frozenset[str] = frozenset()
    lang: str = "en"

    def caption(self, caption: str) -> str:
        """``caption`` with the legend appended (as a sentence of its own)."""
        if not self.legend:
            return caption
        zh = self.lang == "zh"
        if not caption.endswith(("。", ".", "；", ";")):
            caption += "。" if zh else "."
        return caption + ("" if zh else " ") + self.legend

    def apply(self, ax: Axes, *, ticks: bool = True) -> Axes:
        """Draw the note in ``ax`` and mark the tick labels of the marked treatments."""
        if not self.note:
            return ax
        ax.set_title(self.note, loc="right", fontsize=8, color="#9a6700")
        if ticks and self.treatments:
            labels = [tick.get_text() for tick in ax.get_xticklabels()]
            if any(label in self.treatments for label in labels):
                ax.set_xticks(
                    ax.get_xticks(),
                    [f"{x} {ILLUSTRATIVE_MARK}" if x in self.treatments else x for x in labels],
                )
        return ax


def figure_marks(ctx: ReportContext) -> FigureMarks:
    """Return the mark of the report's figures: synthetic plots or illustrative treatments.

    Every figure of a trial whose plots are all ``data_status = synthetic`` carries
    :data:`ILLUSTRATIVE_MARK` with "synthetic data";
    a figure showing treatments whose values are illustrative (``data_status =
    illustrative``) marks their tick labels.  Captions get the legend, in the report's
    language.
    """
    lang = ctx.s.lang
    if "data_status" not in ctx.plots.columns or not len(ctx.plots):
        return FigureMarks()
    status = ctx.plots["data_status"].astype(str).str.strip().str.lower()
    if (status == "synthetic").all():
        return FigureMarks(
            t("fig.synthetic", lang, mark=ILLUSTRATIVE_MARK),
            t("fig.synthetic_note", lang, mark=ILLUSTRATIVE_MARK),
            lang=lang,
        )
    marked = frozenset(ctx.plots.loc[status == "illustrative", "treatment"].astype(str))
    if not marked:
        return FigureMarks()
    return FigureMarks(
        t("mark.legend", lang, mark=ILLUSTRATIVE_MARK),
        t("fig.illustrative_note", lang, mark=ILLUSTRATIVE_MARK),
        marked,
        lang,
    )
