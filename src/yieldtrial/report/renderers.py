"""Register the built-in renderers (HTML, Markdown, JSON, DOCX, XLSX) with the report formats.

This module imports every renderer and the format registry; the report model
imports neither it nor any renderer.  :func:`yieldtrial.report.formats.renderer`
loads it by name on the first look-up, so ``Report.to_html()`` and friends work
without an import by the caller.
"""

from __future__ import annotations

from yieldtrial.report.formats import register_renderer, register_writer
from yieldtrial.report.render_docx import render_docx
from yieldtrial.report.render_html import render_html
from yieldtrial.report.render_json import render_json
from yieldtrial.report.render_markdown import render_markdown, write_markdown
from yieldtrial.report.render_xlsx import render_xlsx

__all__: list[str] = []

register_renderer("html", (".html", ".htm"), render_html)
register_renderer("markdown", (".md", ".markdown"), render_markdown)
register_renderer("json", (".json",), render_json)
register_renderer("docx", (".docx",), render_docx)
register_renderer("xlsx", (".xlsx",), render_xlsx)
register_writer("markdown", write_markdown)
