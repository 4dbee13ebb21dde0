"""Markdown renderer (GitHub-flavoured tables; figures listed by caption)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from yieldtrial.report.model import Bullets, Figure, KeyValues, Paragraph, Table

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.report.model import Report

__all__ = ["render_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """Render ``report`` as Markdown.

    Parameters
    ----------
    report : Report
        The report model.

    Returns
    -------
    str
        Markdown text.  Figures are not embedded; their captions are listed
        (the HTML and DOCX reports carry the pictures).
    """
    from yieldtrial.report.i18n import t

    out: list[str] = [f"# {report.title}", ""]
    figure_no = 0
    for section in report.sections:
        out += [f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                prefix = "> **!** " if block.style == "warning" else ""
                text = f"**{block.text}**" if block.style == "claim" else block.text
                out += [prefix + text, ""]
            elif isinstance(block, Bullets):
                out += [f"- {item}" for item in block.items] + [""]
            elif isinstance(block, KeyValues):
                colon = "：" if report.lang == "zh" else ":"
                out += [f"- **{key}{colon}** {value}" for key, value in block.items] + [""]
            elif isinstance(block, Table):
                if block.caption:
                    out += [f"*{block.caption}*", ""]
                header = [_cell(c.label) for c in block.columns]
                align = ["---" if c.kind == "text" else "---:" for c in block.columns]
                out.append("| " + " | ".join(header) + " |")
                out.append("| " + " | ".join(align) + " |")
                for row in block.formatted(report.number_style):
                    out.append("| " + " | ".join(_cell(v) for v in row) + " |")
                out.append("")
                for label, value in block.footer:
                    out.append(f"- {label}: {value}")
                if block.footer:
                    out.append("")
                for note in block.notes:
                    out += [f"_{note}_", ""]
            elif isinstance(block, Figure):
                figure_no += 1
                out += [
                    f"*Figure {figure_no}. {block.caption}*"
                    if report.lang == "en"
                    else f"*图 {figure_no}　{block.caption}*",
                    "",
                ]
    meta = report.metadata
    out += [
        "---",
        "",
        t(
            "footer.generated",
            report.lang,
            version=meta.get("yieldtrial_version", ""),
            date=meta.get("report_date", ""),
        ),
        "",
    ]
    return "\n".join(out)
