"""HTML renderer: one self-contained file (inline CSS, inline SVG figures, A4 print)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from yieldtrial.report.model import (
    Bullets,
    Figure,
    NumberStyle,
    Paragraph,
    Table,
    caption_sentence,
)

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.report.model import Report

__all__ = ["render_html"]


def _environment() -> Any:
    import jinja2

    from yieldtrial.report._widths import glue_values

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("yieldtrial.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # running text (paragraphs, list items, captions, table notes): a number on one line
    # with its unit and a symbol with its value ("13 %" broke as "13" / "% moisture")
    environment.filters["glue"] = glue_values
    return environment


def header_html(label: str) -> str:
    r"""Return a header label as HTML that wraps only at word boundaries.

    Pieces a browser could break inside (Chinese runs, bracketed units such as
    "（kg/mu）", anything with a slash) become ``<span class="w">`` (``white-space:
    nowrap``) joined by a ``<wbr>`` break opportunity; plain words stay plain
    text, so lines break at their spaces.  Short headers get no break at all
    (the ``nw`` class of their cell).

    Examples
    --------
    >>> header_html("产量（kg/mu）")
    '<span class="w">产量</span><wbr><span class="w">（kg/mu）</span>'
    >>> header_html("Yield (kg/ha)")
    'Yield <span class="w">(kg/ha)</span>'

    A unit with a space stays whole (:func:`~yieldtrial.report._widths.glue_unit`), a
    hyphenated word too (a browser breaks after a hyphen), and a mark stays with the
    word before it:

    >>> header_html("N rate (kg N/ha)")
    'N rate <span class="w">(kg\xa0N/ha)</span>'
    >>> header_html("Sub-plot factor"), header_html("PFP vs CK1 (%) †")
    ('<span class="w">Sub-plot</span> factor', 'PFP vs CK1 <span class="w">(%)\xa0†</span>')
    """
    from html import escape

    from yieldtrial.report._widths import segments

    def piece_html(piece: str) -> str:
        if _UNBREAKABLE.search(piece):
            return f'<span class="w">{escape(piece)}</span>'
        return escape(piece)

    return " ".join(
        "<wbr>".join(piece_html(p) for p in segments(word)) for word in _header_words(label)
    )


def _header_words(label: str) -> list[str]:
    """Return the words a header wraps between: its unit glued, a mark joined to the word before."""
    from yieldtrial.report._widths import glue_unit

    words: list[str] = []
    for word in glue_unit(label).split(" "):
        if words and word in _MARKS:  # "(%) †": the mark never starts a line
            words[-1] += "\u00a0" + word
        elif word:
            words.append(word)
    return words


def cell_html(text: str) -> str:
    """Return a text cell as HTML that never wraps after the hyphen inside a word.

    "Main-plot factor" broke as "Main-" / "plot factor" in a narrow ANOVA column, and a
    variety "Line-25" as "Line-" / "25" (Chromium breaks after a hyphen before a digit too):
    a word with a hyphen between letters or digits becomes ``<span class="w">``
    (``white-space: nowrap``); the text itself keeps its plain hyphen (copied, searched and
    exported as typed). Lines still break at the spaces; a leading minus is left alone.
    A difference of two labels ("T − CK1", a contrast's treatments) is one nowrap span with
    its spaces: it broke as "CK2 −" / "CK1" in a narrow column.

    Examples
    --------
    >>> cell_html("Main-plot factor x sub-plot factor")
    '<span class="w">Main-plot</span> factor x <span class="w">sub-plot</span> factor'
    >>> cell_html("N-180 <b>"), cell_html("2024-06-01")
    ('<span class="w">N-180</span> &lt;b&gt;', '<span class="w">2024-06-01</span>')
    >>> cell_html("-16.6 kg")
    '-16.6 kg'
    >>> cell_html("Line 25 − CK<1>")
    'Line <span class="w">25 − CK&lt;1&gt;</span>'

    A Chinese label (a word with Chinese characters, up to :data:`CJK_LABEL_EM` wide) is
    kept whole too: a browser breaks between any two Chinese characters, and the plot
    table printed the treatment "减量20%+增效剂" as "减量20%+增效" / "剂" beside room to
    spare.  A longer run of Chinese (a sentence) still wraps.

    >>> cell_html("减量20%+增效剂"), cell_html("CK（对照）")
    ('<span class="w">减量20%+增效剂</span>', '<span class="w">CK（对照）</span>')

    A mean with its letters (a network's site column, "5,972.6 ab") is one unit: it
    printed as "5,972.6" / "a" in a column beside room to spare.

    >>> cell_html("5,972.6 ab")
    '<span class="w">5,972.6 ab</span>'
    """
    from html import escape

    from yieldtrial.report._widths import text_em

    if _MEAN_LETTERS.fullmatch(text):
        return f'<span class="w">{escape(text)}</span>'

    def whole(word: str) -> bool:
        if _WORD_HYPHEN.search(word):
            return True
        return bool(_CJK_CHAR.search(word)) and text_em(word) <= CJK_LABEL_EM

    def words_html(part: str) -> str:
        return " ".join(
            f'<span class="w">{escape(word)}</span>' if whole(word) else escape(word)
            for word in part.split(" ")
        )

    out: list[str] = []
    start = 0
    for match in _DIFFERENCE.finditer(text):
        out.append(words_html(text[start : match.start()]))
        out.append(f'<span class="w">{escape(match.group())}</span>')
        start = match.end()
    out.append(words_html(text[start:]))
    return "".join(out)


def _body_cells(block: Table, style: NumberStyle) -> list[list[Any]]:
    """Return the formatted body cells, text cells as :func:`cell_html` markup."""
    from markupsafe import Markup

    text = [c.kind == "text" for c in block.columns]
    return [
        [Markup(cell_html(cell)) if text[j] else cell for j, cell in enumerate(row)]  # noqa: S704
        for row in block.formatted(style)
    ]


#: A hyphen between two letters or digits ("Main-plot", "Line-25", "2024-06-01"): a browser
#: breaks after it (Chromium breaks "Line-25" as "Line-" / "25").
_WORD_HYPHEN = re.compile(r"[^\W_]-[^\W_]")
#: A mean and its letters ("5,972.6 ab"), as a network's site column holds them.
_MEAN_LETTERS = re.compile(r"\d[\d,.]* [A-Za-z]{1,26}")
#: A Chinese (CJK) character: a browser may break a line before or after any of them.
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: Widest Chinese word of a text cell kept on one line [em] (:func:`cell_html`): a label
#: (a treatment, a site, a variety name) up to 12 characters; a longer run is a sentence.
CJK_LABEL_EM = 12.0
#: A difference of two labels ("T − CK1", "CK2 − CK1 − CK3"): the words and minus signs.
#: It starts at a word's start only: tried at every character, a 100,000-character site
#: name took minutes (each start ran to the word's end, quadratic in its length).
_DIFFERENCE = re.compile(r"(?<![^ ])[^ ]+(?: \u2212 [^ ]+)+")
#: Characters that make a header piece need protection from a browser's line breaker
#: (a hyphen: "Sub-plot" broke after its hyphen in a narrow column).
_UNBREAKABLE = re.compile(r"[/（()）\-\u3400-\u9fff]")
#: Marks that never start a header line.
_MARKS = frozenset({"†", "‡", "*"})

#: Headers up to this width [em] are never wrapped.
NOWRAP_HEADER_EM = 7.0


def _head_rows(block: Table) -> list[list[dict[str, Any]]]:
    """Header rows of a table: one, or two when columns are grouped."""
    from markupsafe import Markup

    from yieldtrial.report._widths import text_em

    def th(label: str, **extra: Any) -> dict[str, Any]:
        kind = extra.pop("kind")
        html = header_html(label)
        if text_em(label) <= NOWRAP_HEADER_EM:
            kind += " nw"
            # Chromium breaks at a <wbr> even under white-space: nowrap: "面积（m²）" printed
            # as "面积" / "（m²）", narrower than print_width_px counts it (zh plot table
            # 493 px printed, 700 estimated)
            html = html.replace("<wbr>", "")
        html = Markup(html)  # noqa: S704 - built from escaped pieces
        return {"html": html, "colspan": 1, "rowspan": 1, "kind": kind, **extra}

    if not block.has_groups:
        return [[th(c.label, kind=c.kind) for c in block.columns]]
    first: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    for group, cols in block.column_groups():
        if group is None:
            first += [th(c.label, kind=c.kind, rowspan=2) for c in cols]
        else:
            first.append(th(group, kind="group", colspan=len(cols)))
            second += [th(c.label, kind=c.kind) for c in cols]
    return [first, second]


#: Width of the printed text column, A4 portrait less the 12 mm margins of ``@page`` [px at
#: 96 dpi] (186 mm).
PORTRAIT_TEXT_PX = 703.0

#: Ratios of a table's estimated narrowest printed width (:func:`print_width_px`) to the
#: portrait column: up to the first the table is printed as it is; up to the second its
#: print font is made smaller in proportion (a table a few pixels too wide made Chromium
#: shrink every page by as much); beyond it the section prints on a landscape page (the
#: means table with two controls).  The estimate runs -3 to +2 % of Chromium's min-content
#: width (stop 39: Noto Sans CJK SC's own widths, 75 of 76 tables of five reports, en and zh; it
#: ran 1-14 % high in English, which the first ratio, then 1.05, absorbed: the English
#: replicated-RCBD means table printed landscape at 930 px estimated, 833 measured).
PRINT_AS_IS_RATIO = 1.0
PRINT_SMALLER_RATIO = 1.25


def print_width_px(block: Table, style: NumberStyle) -> float:
    """Estimate the narrowest printed width of ``block`` [px at 96 dpi], as CSS sets it.

    Each column is as wide as its widest unbreakable piece: a header breaks only between the
    pieces of :func:`~yieldtrial.report._widths.segments` of the words :func:`header_html`
    writes (a header up to :data:`NOWRAP_HEADER_EM` never), a number never, a text at its
    spaces; plus the cell padding.  Pieces are measured in the report's sans-serif
    (:func:`~yieldtrial.report._widths.sans_text_em`).  The print font is 8.5 pt for a table
    of more than 10 columns, else 9.5 pt.

    Examples
    --------
    >>> from yieldtrial.report.model import Column
    >>> cols = [Column("a", "Yield (kg/ha)", "number", 1)]
    >>> round(print_width_px(Table("t", cols, [{"a": 7134.04}], "c"), NumberStyle()))
    91
    """
    from yieldtrial.report._widths import _words, sans_text_em, segments, text_em

    wide = len(block.columns) > 10
    font_px = (8.5 if wide else 9.5) * 96 / 72
    padding_px = 8.0 if wide else 12.0
    rows = block.formatted(style)
    total = 0.0
    for j, column in enumerate(block.columns):
        label = column.label
        if text_em(label) <= NOWRAP_HEADER_EM:  # as header_html decides
            head = sans_text_em(label, bold=True)
        else:
            # the pieces header_html writes: "(kg N/mu)" is one (it broke as "(kg" / "N/mu)"
            # here only, 51 px estimated for the 74 px column of "N rate (kg N/mu)")
            pieces = [p for word in _header_words(label) for p in segments(word)]
            head = max((sans_text_em(p, bold=True) for p in pieces), default=0.0)
        body = 0.0
        for row in rows:
            cell = str(row[j])
            words = _words(cell) if column.kind == "text" else [cell]
            body = max([body, *(sans_text_em(w) for w in words)])
        total += max(head, body) * font_px + padding_px
    return total


def _print_fit(block: Table, style: NumberStyle) -> dict[str, Any]:
    """How ``block`` fits the printed A4 column: as it is, in a smaller font, or landscape.

    A table wider than the page made Chromium shrink every page of the report to fit it
    (the Chinese replicated example printed at 76 %, stop 37).
    """
    ratio = print_width_px(block, style) / PORTRAIT_TEXT_PX
    font_pt = 8.5 if len(block.columns) > 10 else 9.5
    if ratio <= PRINT_AS_IS_RATIO:
        return {"print_pt": None, "landscape": False}
    if ratio <= PRINT_SMALLER_RATIO:
        return {"print_pt": f"{font_pt / ratio:.1f}", "landscape": False}
    return {"print_pt": None, "landscape": True}


def caption_label(kind: str, number: int | None, lang: str) -> str:
    """Return the numbered label of a caption ("Table 2." / "表 2") with its separator.

    The same label as the Word report's (``label.table`` / ``label.figure``), followed by a
    space, or by a full-width space in Chinese; ``""`` when the block has no number.

    Examples
    --------
    >>> caption_label("table", 2, "en"), caption_label("figure", 1, "zh")
    ('Table 2. ', '图 1\u3000')
    >>> caption_label("table", None, "en")
    ''
    """
    from yieldtrial.report.i18n import t

    if number is None:
        return ""
    return t(f"label.{kind}", lang, n=number) + ("\u3000" if lang == "zh" else " ")


def _block_context(
    block: Any, style: NumberStyle, numbers: dict[int, int] | None = None, lang: str = "en"
) -> dict[str, Any]:
    number = (numbers or {}).get(id(block))
    if isinstance(block, Table):
        return {
            "label": caption_label("table", number, lang),
            "head_rows": _head_rows(block),
            "type": block.type,
            "key": block.key,
            "caption": caption_sentence(block.caption, lang) if block.caption else block.caption,
            "columns": block.columns,
            # the rank is centred: right-aligned, its "2" touched the treatment's "CK1"
            "cell_classes": [c.kind + (" rank" if c.key == "rank" else "") for c in block.columns],
            "cells": _body_cells(block, style),
            "row_styles": [block.row_style(i) for i in range(len(block.rows))],
            "notes": block.notes,
            "footer": block.footer,
            **_print_fit(block, style),
        }
    if isinstance(block, Figure):
        return {
            "type": block.type,
            "key": block.key,
            "label": caption_label("figure", number, lang),
            "caption": caption_sentence(block.caption, lang),
            "svg": block.svg(),
        }
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

    report = report.shown()  # no column empty in every row
    style = report.number_style
    numbers = report.numbers()
    sections: list[dict[str, Any]] = []
    for s in report.sections:
        blocks = [_block_context(b, style, numbers, report.lang) for b in s.blocks]
        sections.append(
            {
                "key": s.key,
                "title": s.title,
                "blocks": blocks,
                # printed on a landscape page (report.css, @page wide)
                "landscape": any(b.get("landscape") for b in blocks),
            }
        )
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
