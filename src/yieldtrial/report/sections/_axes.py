"""Axis labels that read the right way in every report language."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["set_row_label"]


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
        Report language (``"en"`` or ``"zh"``).
    """
    if lang == "zh":
        ax.set_ylabel(label, rotation=0, ha="right", va="center")
    else:
        ax.set_ylabel(label)
