"""HTML renderer: one self-contained file (inline CSS, inline SVG figures, A4 print)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from yieldtrial.report.model import Bullets, Figure, NumberStyle, Paragraph, Table

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.report.model import Report

__all__ = ["render_html"]


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("yieldtrial.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _block_context(block: Any, style: NumberStyle) -> dict[str, Any]:
    if isinstance(block, Table):
        return {
            "type": block.type,
            "key": block.key,
            "caption": block.caption,
            "columns": block.columns,
            "cells": block.formatted(style),
            "row_styles": [block.row_style(i) for i in range(len(block.rows))],
            "notes": block.notes,
            "footer": block.footer,
        }
    if isinstance(block, Figure):
        return {"type": block.type, "key": block.key, "caption": block.caption, "svg": block.svg()}
    if isinstance(block, Paragraph):
        return {"type": block.type, "text": block.text, "style": block.style}
    if isinstance(block, Bullets):
        return {"type": block.type, "items": block.items, "style": block.style}
    return {"type": block.type, "items": block.items}


def render_html(report: Report) -> str:
    """Render ``report`` as a self-contained HTML document.

    Parameters
    ----------
    report : Report
        The report model.

    Returns
    -------
    str
        The HTML text; it references no external resource.
    """
    from yieldtrial.report.i18n import t

    style = report.number_style
    sections = [
        {"key": s.key, "title": s.title, "blocks": [_block_context(b, style) for b in s.blocks]}
        for s in report.sections
    ]
    meta = report.metadata
    footer = t(
        "footer.generated",
        report.lang,
        version=meta.get("yieldtrial_version", ""),
        date=meta.get("report_date", ""),
    )
    template = _environment().get_template("report.html.j2")
    return str(
        template.render(
            title=report.title,
            html_lang="zh-CN" if report.lang == "zh" else "en",
            version=meta.get("yieldtrial_version", ""),
            sections=sections,
            footer=footer,
        )
    )
