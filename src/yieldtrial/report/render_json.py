"""JSON renderer: the versioned report schema (``docs/report-json-schema.md``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from yieldtrial.report.model import (
    SCHEMA_VERSION,
    Bullets,
    Figure,
    Paragraph,
    Table,
    json_value,
)

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.report.model import Report

__all__ = ["render_json", "report_dict"]


def _block(block: Any) -> dict[str, Any]:
    if isinstance(block, Table):
        return {
            "type": "table",
            "key": block.key,
            "caption": block.caption,
            "columns": [
                {
                    "key": c.key,
                    "label": c.label,
                    "kind": c.kind,
                    "digits": c.digits,
                    "unit": c.unit,
                    "group": c.group,
                }
                for c in block.columns
            ],
            "rows": [
                {c.key: json_value(row.get(c.key)) for c in block.columns} for row in block.rows
            ],
            "footer": [{"label": label, "value": value} for label, value in block.footer],
            "notes": list(block.notes),
        }
    if isinstance(block, Figure):
        return {"type": "figure", "key": block.key, "caption": block.caption}
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "style": block.style, "text": block.text}
    if isinstance(block, Bullets):
        return {"type": "bullets", "style": block.style, "items": list(block.items)}
    return {"type": "keyvalues", "items": [{"label": k, "value": v} for k, v in block.items]}


def report_dict(report: Report) -> dict[str, Any]:
    """Return the JSON document of ``report`` as a dict.

    Parameters
    ----------
    report : Report
        The report model.

    Returns
    -------
    dict
        ``schema_version``, ``generator``, ``lang``, ``title``, ``metadata``,
        ``results`` (the library's numbers, unrounded) and ``sections``.
    """
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "yieldtrial", "version": report.metadata.get("yieldtrial_version")},
        "lang": report.lang,
        "title": report.title,
        "metadata": json_value(report.metadata),
        "results": json_value(report.results),
        "sections": [
            {"key": s.key, "title": s.title, "blocks": [_block(b) for b in s.blocks]}
            for s in report.sections
        ],
    }


def render_json(report: Report) -> str:
    """Render ``report`` as JSON text (UTF-8, indented, no NaN: missing values are null)."""
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
