"""Excel renderer (openpyxl, from the ``xlsx`` extra): every table of the report, one sheet each.

Each sheet holds the table's caption, its header (a group row above when columns
are grouped; units in the headers), the rows with numbers stored as numbers
(shown with the report's decimals and thousands separators), then the summary
lines and notes under the table, so a user can paste the table into their own
document.  The report header (trial and provenance) is the first sheet.  The
methods (design, model, error term and df, test, alpha, adjustment, moisture
method) have a sheet of their own where the methods section stands (after the
header; in a network report after its tables), with the data-quality notes
and warnings (a network report: its notes), one paragraph a row, as the other
formats print them.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) are neutralised with a leading
apostrophe, as OWASP recommends for CSV/spreadsheet injection.  The file is
deterministic: fixed zip timestamps and the report date as document dates.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from yieldtrial.errors import MissingExtraError
from yieldtrial.report._ooxml import deterministic_package, package_datetime
from yieldtrial.report._widths import excel_digits, fill_lines, segments, text_em, wrap_lines
from yieldtrial.report.model import (
    Bullets,
    Column,
    KeyValues,
    NumberStyle,
    Paragraph,
    Table,
    caption_sentence,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from yieldtrial.report.model import Report, Section

__all__ = ["neutralise", "render_xlsx", "sheet_name", "table_xlsx"]

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def import_openpyxl(feature: str = "the Excel (.xlsx) report") -> Any:
    """Import openpyxl, or raise the install hint of the ``xlsx`` extra naming ``feature``."""
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError("openpyxl", "xlsx", feature) from None
    return openpyxl


def neutralise(text: str) -> str:
    """Make a text cell inert in a spreadsheet (OWASP: prefix a formula-like text with ').

    Examples
    --------
    >>> neutralise("=1+2"), neutralise("-5 % vs CK"), neutralise("CK1")
    ("'=1+2", "'-5 % vs CK", 'CK1')
    """
    text = _CONTROL.sub("", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def sheet_name(title: str, used: set[str]) -> str:
    """Return a valid, unique sheet name: at most 31 characters, none of ``[]:*?/`` or backslash.

    Examples
    --------
    >>> used = set()
    >>> sheet_name("Treatment means and comparisons (kg/ha)", used)
    'Treatment means and comparisons'
    >>> sheet_name("Treatment means and comparisons", used)
    'Treatment means and 2'
    >>> sheet_name("Treatments against the check across sites", used)
    'Treatments against the check'
    """
    base = _FORBIDDEN.sub(" ", _CONTROL.sub("", title)).strip().strip("'") or "Table"
    base = " ".join(base.split())
    candidate = _cut(base, 31)
    number = 1
    while candidate.lower() in used:
        number += 1
        suffix = f" {number}"
        candidate = _cut(base, 31 - len(suffix)) + suffix
    used.add(candidate.lower())
    return candidate


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, at a space when the cut would split a word.

    A network report's sheets read "Treatments against the check ac" and "Response to the
    site's yield le"; a title without a space in its first half (Chinese) is cut as it is.
    """
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if text[limit] != " " and " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip()


#: Sections whose text (paragraphs and lists, no tables) the methods sheet holds, in
#: this order: the methods, the data quality with its warnings, a network's notes.
METHODS_SHEET_SECTIONS = ("methods", "quality", "notes")

#: Width of the methods sheet's text column, in characters of the default font (wrapped
#: text; about 40 Chinese characters a line, and the column fits a portrait A4 page).
METHODS_WIDTH = 80

#: Height of one wrapped line of the methods sheet [pt] (11 pt text).
_LINE_PT = 15.0


def methods_lines(report: Report) -> list[tuple[str, str]]:
    """Return the rows of the methods sheet: (kind, text), kind ``"heading"`` or a paragraph style.

    Each section of :data:`METHODS_SHEET_SECTIONS` the report has gives its title, then
    its paragraphs and list items (``"• "`` before an item) as the HTML prints them.

    Parameters
    ----------
    report : Report
        The report model.

    Returns
    -------
    list of (str, str)
        The rows, empty when the report has none of these sections.
    """
    by_key: dict[str, Section] = {s.key: s for s in report.sections}
    lines: list[tuple[str, str]] = []
    for key in METHODS_SHEET_SECTIONS:
        section = by_key.get(key)
        texts: list[tuple[str, str]] = []
        for block in section.blocks if section is not None else []:
            if isinstance(block, Paragraph):
                texts.append((block.style, block.text))
            elif isinstance(block, Bullets):
                texts += [(block.style, f"• {item}") for item in block.items]
        if section is not None and texts:
            lines += [("heading", section.title), *texts]
    return lines


def _methods_sheet(workbook: Any, report: Report, used: set[str]) -> None:
    """Add the methods sheet (see :func:`methods_lines`) when the report has methods text."""
    from openpyxl.styles import Alignment, Font

    lines = methods_lines(report)
    if not lines:
        return
    title = next(text for kind, text in lines if kind == "heading")
    sheet = workbook.create_sheet(sheet_name(title, used))
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 0
    for kind, text in lines:
        row += 2 if kind == "heading" and row else 1  # an empty row before each section
        cell = sheet.cell(row, 1, neutralise(text))
        cell.alignment = wrap
        # spreadsheets do not grow a row for wrapped text written by a program: set its
        # height from the text's estimated width (a digit is about half an em; 10 % slack
        # for the words a line break moves down)
        wrapped = math.ceil(text_em(text, bold=kind == "heading") / (METHODS_WIDTH / 2 * 0.9))
        sheet.row_dimensions[row].height = _LINE_PT * max(wrapped, 1) + 2
        if kind == "heading":
            cell.font = Font(name="Calibri", bold=True)
        elif kind == "warning":
            cell.font = Font(name="Calibri", color="9C2A00")
        elif kind == "note":
            cell.font = Font(name="Calibri", italic=True)
    sheet.column_dimensions["A"].width = METHODS_WIDTH
    # printed: the text column on the page's width, as many pages down as it needs
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


#: Widest sheet [characters] printed on a portrait page; a wider one prints landscape.
PORTRAIT_PRINT_CHARS = 100

#: The widest table column [Excel digit units]; a longer cell text wraps.
XLSX_MAX_WIDTH = 60.0

#: Excel's tallest row [pt] (its limit: a taller one is not a valid row height).
XLSX_MAX_ROW_HEIGHT = 409.0

#: Excel's widest column [digit units] (its limit: 255 characters).
XLSX_MAX_COLUMN = 255.0

#: A Chinese header up to this wide [Excel digit units] is set on one line ("产量（kg/公顷）").
_ONE_LINE_HEADER = 17.0


def _print_setup(sheet: Any, width_chars: float, *, header_rows: str | None = None) -> None:
    """Print a sheet on the page's width, as many pages down as it needs.

    A sheet wider than :data:`PORTRAIT_PRINT_CHARS` prints landscape; ``header_rows``
    (``"1:3"``: the caption and header rows) repeat on every printed page.  Without this a
    table sheet printed its key column on one page and its values on the next.
    """
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    if width_chars > PORTRAIT_PRINT_CHARS:
        sheet.page_setup.orientation = "landscape"
    if header_rows:
        sheet.print_title_rows = header_rows


def _wrap_under(sheet: Any, lines: list[tuple[int, str]], columns: int, width: float) -> None:
    """Wrap the lines under a table on the table's width (merged cells, grown rows).

    A note written in one cell runs on to the right of the table; fitted to the page's width
    (:func:`_print_setup`) the printed sheet took the note's length as its width, and the
    network's site table printed at a third of its size.
    """
    from openpyxl.styles import Alignment

    if columns < 2:
        return
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, text in lines:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        sheet.cell(row, 1).alignment = wrap
        # as on the Methods sheet: a digit is about half an em, 10 % slack for the words a
        # line break moves down
        wrapped = math.ceil(text_em(text) / (width / 2 * 0.9))
        sheet.row_dimensions[row].height = _LINE_PT * max(wrapped, 1) + 2


def _header_lines(text: str, width: float) -> int:
    """Estimated number of lines of a wrapped bold header cell ``width`` digits wide."""
    # a digit is about half an em; less the cell's padding, 10 % slack as in _wrap_under
    room = max((width - 1.0) / 2 * 0.9, 1.0)
    by_words = len(wrap_lines(text, room, bold=True))
    return max(by_words, math.ceil(text_em(text, bold=True) / room), 1)


#: Height [pt] of a bold line of Chinese at 11 pt: LibreOffice's CJK face (Noto Sans CJK,
#: 1.45 em a line) printed four such lines over 62 pt into the caption above.
_CJK_LINE_PT = 17.0
#: The width one indent level (Alignment(indent=1)) takes from a cell: Excel's indent step is
#: about 10 px of Calibri 11's 7 px digit, LibreOffice's about the same. [Excel digit widths]
_INDENT_DIGITS = 1.5

#: A bracket in a header up to this wide [Excel digit units] is a unit and never breaks
#: ("（kg N/亩）"); a wider one is a phrase and breaks at its spaces ("（原假设：处理 ≤ ...）").
_WHOLE_BRACKET = 20.0


def _header_pieces(label: str) -> list[tuple[str, bool]]:
    """Split a Chinese header into the pieces a line may not break inside.

    A header breaks at its spaces and before a bracket only: a Chinese word, a Latin word
    and a bracket stay whole (a bracket wider than ``_WHOLE_BRACKET`` breaks at its own
    spaces). Each piece comes with whether a space stands before it.

    Examples
    --------
    >>> _header_pieces("95% 置信下限（kg/亩）")
    [('95%', False), ('置信下限', True), ('（kg/亩）', False)]
    """
    raw: list[tuple[str, bool]] = []
    current, space, depth = "", False, 0
    for char in label:
        if char == " " and depth == 0:
            if current:
                raw.append((current, space))
                current = ""
            space = bool(raw)
            continue
        if char in "（(":
            if depth == 0 and current:
                raw.append((current, space))
                current, space = "", False
            depth += 1
        elif char in "）)" and depth:
            depth -= 1
        current += char
    if current:
        raw.append((current, space))
    pieces: list[tuple[str, bool]] = []
    for piece, space in raw:
        if excel_digits(piece) > _WHOLE_BRACKET and " " in piece:
            words = [w for w in piece.split(" ") if w]
            pieces += [(w, space if i == 0 else True) for i, w in enumerate(words)]
        else:
            pieces.append((piece, space))
    return pieces


def _wide(text: str) -> bool:
    """Whether ``text`` holds a full-width (Chinese) character."""
    return any(unicodedata.east_asian_width(char) in ("W", "F") for char in text)


def _header_break(label: str, width: float) -> list[str]:
    """Choose the lines of a Chinese header ``label`` in a column ``width`` digits wide.

    LibreOffice fills a wrapped line with as many Chinese characters as fit and broke
    "95% 置信下限（kg/亩）" as "95% 置信下" / "限（kg/亩）" and "Dunnett P（对CK1）" as
    "Dunnett P（" / "对CK1）": the lines are chosen here, at a space or before a bracket
    only (:func:`_header_pieces`), and written with explicit line breaks. A piece wider
    than the column has a line of its own.

    Examples
    --------
    >>> _header_break("95% 置信下限（kg/亩）", 16.5)
    ['95% 置信下限', '（kg/亩）']
    >>> _header_break("Dunnett P（对CK1）", 12.7)
    ['Dunnett P', '（对CK1）']
    """
    return fill_lines(_header_pieces(label), width, excel_digits)


def _header_heights(sheet: Any, block: Table, header_row: int, lang: str) -> None:
    """Set the height of the header rows to their wrapped labels.

    LibreOffice (and Excel) print a row at its stored height: a wrapped header cell written
    by a program stood one line high, and "Difference from check (kg/ha)" printed as
    "Difference from" on every page that repeats the header.
    """
    from openpyxl.utils import get_column_letter

    def width(col: int) -> float:
        return float(sheet.column_dimensions[get_column_letter(col)].width or 8.43)

    heights = [  # a Chinese header set on chosen lines: a line wraps only if a piece is wider
        sum(
            (_CJK_LINE_PT if _wide(line) else _LINE_PT)
            * (1 if excel_digits(line) <= width(col) else _header_lines(line, width(col)))
            for line in text.split("\n")
        )
        if "\n" in (text := str(sheet.cell(header_row, col).value or ""))
        else _LINE_PT * _header_lines(_header_label(column, lang), width(col))
        for col, column in enumerate(block.columns, start=1)
    ]
    sheet.row_dimensions[header_row].height = max(heights, default=_LINE_PT) + 2
    if block.has_groups:
        group_lines = [1]
        col = 1
        for group, cols in block.column_groups():
            if group is not None:
                span = sum(width(c) for c in range(col, col + len(cols)))
                group_lines.append(_header_lines(group, span))
            col += len(cols)
        sheet.row_dimensions[header_row - 1].height = _LINE_PT * max(group_lines) + 2


def _number_format(column: Column, style: NumberStyle) -> str:
    digits = 0 if column.kind == "int" else (3 if column.kind == "pvalue" else column.digits)
    decimals = "0" + ("." + "0" * digits if digits else "")
    grouped = "#,##" + decimals
    if column.kind == "signed" and style.group_from <= 1000:  # as format_value groups it
        return f"+{grouped};-{grouped};{decimals}"
    if column.kind in ("signed", "signed_pct"):
        return f"+{decimals};-{decimals};{decimals}"
    if column.kind == "pvalue":
        # "<0.001" as the other files print it (format_value); "0.000" read as P = 0 (stop 41).
        # A P value is never negative, so the last section's lost minus (below) cannot bite
        return f'[<0.001]"<0.001";{decimals}'
    # no condition where none is needed: LibreOffice shows a negative number of a conditional
    # format's last section without its minus ("-50.75" of a contrast's CI as "50.75", t
    # "-2.93" as "2.93", stop 37). A number column's style groups from 1,000 (what "#,##"
    # does) or, ungrouped, holds no value of 10,000 or more as shown (Table.number_style)
    if style.group_from <= 1000:
        return grouped
    if column.kind == "number":
        return decimals
    limit = f"{style.group_from:g}"  # counts and percentages (not negative)
    return f"[>={limit}]{grouped};[<=-{limit}]-{grouped};{decimals}"


#: A bracketed unit in a header ("（kg/亩）", "（(kg/亩)²）", "(kg/ha)"): one unbreakable word.
_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)")


#: Area units given alone (the unit of an area column), the Chinese way ("面积（亩）", not
#: "面积（亩） (mu)": zh_units spells a unit after a number or a slash only).
_BARE_UNITS_ZH = {"mu": "亩", "ha": "公顷", "ac": "英亩"}


def _header_label(column: Column, lang: str = "en") -> str:
    """Column label with its unit when the label does not show it yet.

    The label may spell the unit as the report shows it (``m²`` for ``m2``, ``kg/亩`` for
    ``kg/mu`` in Chinese); a unit added is spelled that way too.
    """
    from yieldtrial.report.i18n import zh_units

    unit = column.unit
    if not unit or column.kind == "text":
        return column.label
    shown = unit.replace("m2", "m²")
    bare = _BARE_UNITS_ZH.get(unit, zh_units(shown))  # "mu" alone: no number before it
    spellings = {unit, shown, zh_units(unit), zh_units(shown), bare}
    if any(spelling in column.label for spelling in spellings):
        return column.label
    if unit == "%" and "%" in column.label:
        return column.label
    if lang == "zh":
        return f"{column.label}（{bare}）"
    return f"{column.label} ({shown})"


def _value(value: Any, column: Column) -> Any:
    if column.kind == "text":
        return None if value is None else neutralise(str(value))
    if isinstance(value, bool) or value is None:
        return None if value is None else str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return neutralise(str(value))
    return number if math.isfinite(number) else None


def render_xlsx(report: Report) -> bytes:
    """Render the tables of ``report`` as an Excel workbook, one sheet per table.

    Parameters
    ----------
    report : Report
        The report model.

    Returns
    -------
    bytes
        The workbook (identical bytes for identical reports).

    Raises
    ------
    MissingExtraError
        If openpyxl is not installed (``pip install 'yieldtrial[xlsx]'``).
    """
    openpyxl = import_openpyxl()
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    report = report.shown()  # no column empty in every row
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(name="Calibri", bold=True)  # unnamed, LibreOffice set it in a wide serif
    rule = Side(style="thin")
    wrap = Alignment(wrap_text=True, vertical="bottom", horizontal="center")
    style = report.number_style
    # a summarised per-entry table (hundreds to thousands of entries): every row here
    complete = {c.key: c.table for c in report.companions}
    # a summary of no rows is left out of the sections (a network whose sites all passed):
    # its complete table goes where its note is
    noted = {id(c.note): c.table for c in report.companions}
    methods_done = False
    colon = "：" if report.lang == "zh" else ": "
    for section in report.sections:
        if section.key in METHODS_SHEET_SECTIONS and not methods_done:
            _methods_sheet(workbook, report, used)
            methods_done = True
        tables = [
            complete.get(b.key, b) if isinstance(b, Table) else b
            for b in section.blocks
            if isinstance(b, Table | KeyValues)
        ]
        keys = {b.key for b in tables if isinstance(b, Table)}
        tables += [
            noted[id(b)] for b in section.blocks if id(b) in noted and noted[id(b)].key not in keys
        ]
        for number, block in enumerate(tables, start=1):
            title = section.title if len(tables) == 1 else f"{section.title} {number}"
            sheet = workbook.create_sheet(sheet_name(title, used))
            if isinstance(block, KeyValues):
                sheet.append([neutralise(section.title)])
                sheet["A1"].font = bold
                for key, value in block.items:
                    sheet.append([neutralise(key), neutralise(value)])
                sheet.column_dimensions["A"].width = 24
                sheet.column_dimensions["B"].width = 80
                _print_setup(sheet, 24 + 80)
                continue
            row = 1
            caption = (
                caption_sentence(block.caption, report.lang) if block.caption else section.title
            )
            sheet.cell(row, 1, neutralise(caption)).font = bold
            row += 1
            if block.has_groups:
                col = 1
                for group, cols in block.column_groups():
                    if group is not None:
                        sheet.cell(row, col, neutralise(group)).font = bold
                        sheet.cell(row, col).alignment = wrap
                        if len(cols) > 1:
                            sheet.merge_cells(
                                start_row=row,
                                start_column=col,
                                end_row=row,
                                end_column=col + len(cols) - 1,
                            )
                    col += len(cols)
                row += 1
            for col, column in enumerate(block.columns, start=1):
                cell = sheet.cell(row, col, neutralise(_header_label(column, report.lang)))
                cell.font = bold
                cell.alignment = wrap
                cell.border = Border(top=rule, bottom=rule)
            header_row = row
            # the number columns group their thousands as the table's text does (all from
            # 1,000 on when one value is grouped): Excel showed "9793.1" over "10,227.7"
            grouped = block.number_style(style)
            for record in block.rows:
                row += 1
                for col, column in enumerate(block.columns, start=1):
                    cell = sheet.cell(row, col, _value(record.get(column.key), column))
                    if column.kind != "text":
                        cell.number_format = _number_format(
                            column, grouped if column.kind == "number" else style
                        )
                    if column.key == "rank":  # right-aligned, "2" read as one with "CK1"
                        cell.alignment = Alignment(horizontal="center")
            for col in range(1, len(block.columns) + 1):
                sheet.cell(row, col).border = Border(bottom=rule)
            row += 1
            under: list[tuple[int, str]] = []  # the summary lines and notes under the table
            for label, value in block.footer:
                row += 1
                under.append((row, f"{label}{colon}{value}"))
                sheet.cell(row, 1, neutralise(under[-1][1]))
            for note in block.notes:
                row += 1
                under.append((row, note))
                sheet.cell(row, 1, neutralise(note))
            sheet.freeze_panes = sheet.cell(header_row + 1, 1)
            cells = block.formatted(style)
            grown: set[int] = set()  # rows made taller for a wrapped cell
            for col, column in enumerate(block.columns, start=1):
                # the header on two lines; each cell on one, in Excel's digit units (a text
                # column sized from em showed "2023-10-0", "nitrogen synergist (assum")
                header = (max(text_em(_header_label(column, report.lang)) / 2 + 1, 4.0)) * 1.15
                needed = max([header + 2] + [excel_digits(r[col - 1]) for r in cells])
                width = min(needed, XLSX_MAX_WIDTH)
                if needed > XLSX_MAX_WIDTH:  # a longer text wraps in its cells, rows grown
                    for r, texts in enumerate(cells, start=header_row + 1):
                        sheet.cell(r, col).alignment = Alignment(wrap_text=True, vertical="top")
                        lines = math.ceil(
                            (excel_digits(texts[col - 1]) - 1.5) / (XLSX_MAX_WIDTH - 1.5)
                        )
                        # Calibri 11's row: 15 pt a line; a Chinese line 17 pt (LibreOffice's
                        # CJK face): at 15 pt the zh suspect-plot evidence's second line sat
                        # on the table's bottom rule (stop 37)
                        line_pt = _CJK_LINE_PT if _wide(texts[col - 1]) else 15.0
                        height = line_pt * lines
                        if height > (sheet.row_dimensions[r].height or 15.0):
                            sheet.row_dimensions[r].height = height
                            grown.add(r)
                # a header wraps at its spaces only: its longest word fits (LibreOffice
                # printed "Missin" / "g plots", "Includ" / "ed" in a column 6.6 digits wide)
                # (Chinese breaks between any two characters: its words do not count)
                label = _header_label(column, report.lang)
                words = [w for w in label.split() if w.isascii()]
                # nor inside a bracketed unit: LibreOffice set "1（kg/亩" / "）" and
                # "产量（kg/公" / "顷）" in the zh plot sheets (a closing bracket never
                # starts a line, so the unit is one word)
                words += _BRACKETED.findall(label)
                # (a header word wider than the widest column breaks inside: a label of
                # 1,000 letters asked 1,557 digits, beyond Excel's 255)
                longest = max((text_em(w, bold=True) for w in words), default=0) * 2 + 2
                width = max(width, min(longest, XLSX_MAX_WIDTH))
                # a Chinese word of up to eight characters stays on one line, as in the Word
                # report (LibreOffice set "施肥时" / "期", "用量单" / "位", "数据性" / "质")
                chinese = [w for w in segments(label) if not w.isascii()]
                longest = max((excel_digits(w) for w in chinese), default=0)
                width = max(width, min(longest, XLSX_MAX_WIDTH))
                if chinese and excel_digits(label) <= _ONE_LINE_HEADER:
                    # a short one on one line: LibreOffice filled the first line greedily and
                    # broke inside the unit ("产量（kg/公" / "顷）")
                    width = max(width, excel_digits(label))
                if column.kind != "text":
                    # Excel's width unit is a digit's width: a number wider than its column
                    # prints as "###" (a plot table's "10,227.7" in a 6.9-digit column)
                    width = max(width, max((len(r[col - 1]) for r in cells), default=0) + 1.5)
                if report.lang == "zh" and _wide(label) and excel_digits(label) > width:
                    # a Chinese header breaks where it is chosen to (a space, before its
                    # unit), not where LibreOffice's line fills ("95% 置信下" / "限（kg/亩）");
                    # its column as wide as its widest line (60 digit widths at most)
                    chosen = _header_break(label, width)
                    widest = max(excel_digits(line) for line in chosen)
                    width = max(width, min(widest, XLSX_MAX_WIDTH))
                    sheet.cell(header_row, col).value = neutralise("\n".join(chosen))
                sheet.column_dimensions[get_column_letter(col)].width = min(width, XLSX_MAX_COLUMN)
            for r in grown:  # the row's other cells at the top too, beside the wrapped one
                for col in range(1, len(block.columns) + 1):
                    cell = sheet.cell(r, col)
                    cell.alignment = Alignment(
                        horizontal=cell.alignment.horizontal,
                        wrap_text=cell.alignment.wrap_text,
                        vertical="top",
                    )
            for col in range(2, len(block.columns) + 1):
                if block.columns[col - 1].kind != "text" or block.columns[col - 2].kind == "text":
                    continue
                # a text column right of a number column starts one indent in: the rank's
                # right-aligned "2" touched the treatment's left-aligned "CK1" ("2 CK1"), a
                # P-value its letters ("0.011 a"), read as one column (stop 37)
                for r in range(header_row + 1, header_row + len(block.rows) + 1):
                    cell = sheet.cell(r, col)
                    cell.alignment = Alignment(
                        horizontal="left",
                        indent=1,
                        vertical=cell.alignment.vertical,
                        wrap_text=cell.alignment.wrap_text,
                    )
                letter = get_column_letter(col)
                indented = sheet.column_dimensions[letter].width + _INDENT_DIGITS
                sheet.column_dimensions[letter].width = min(indented, XLSX_MAX_COLUMN)
            total = sum(
                sheet.column_dimensions[get_column_letter(col)].width
                for col in range(1, len(block.columns) + 1)
            )
            _wrap_under(sheet, under, len(block.columns), total)
            _header_heights(sheet, block, header_row, report.lang)
            _print_setup(sheet, total, header_rows=f"{header_row - block.has_groups}:{header_row}")
    if not workbook.sheetnames:
        workbook.create_sheet("Report")
    props = workbook.properties
    props.title = report.title
    props.creator = "yieldtrial"
    props.lastModifiedBy = "yieldtrial"
    props.language = "zh-CN" if report.lang == "zh" else "en"
    for worksheet in workbook.worksheets:  # a 10,000-character text or header asked more
        for dimension in worksheet.row_dimensions.values():
            if dimension.height and dimension.height > XLSX_MAX_ROW_HEIGHT:
                dimension.height = XLSX_MAX_ROW_HEIGHT
    buffer = io.BytesIO()
    workbook.save(buffer)
    created = package_datetime(report.metadata.get("report_date"))
    return deterministic_package(buffer.getvalue(), created=created)


#: Most rows of an Excel worksheet, its header row included.
EXCEL_MAX_ROWS = 1_048_576

#: Most characters of an Excel cell (a longer text makes Excel repair the file).
EXCEL_MAX_TEXT = 32_767


#: Column widths of a plain table (Excel's units, digits): Excel's default at least, so a
#: number shows its digits; as wide as the header or the longest text, up to 60.
TABLE_MIN_WIDTH = 8.43
TABLE_MAX_WIDTH = 60.0


def table_xlsx(frame: pd.DataFrame, *, sheet: str = "yields") -> bytes:
    """Write a plain table (``yieldtrial standardize -o yields.xlsx``) as an Excel workbook.

    One sheet holds the header (the column names, in order) and one row per table row,
    each column as wide as its name or its longest text (so ``standardized_mass_kg`` is
    not cut to ``standardiz`` when the workbook is opened), the same cells as the CSV
    writer's: text passed through
    :func:`yieldtrial.io.output.csv_safe_text` (a formula-like text gets a leading
    apostrophe; control characters, which a workbook cannot hold, are dropped), numbers
    stored as numbers, a missing or non-finite value as an empty cell.  The bytes are
    deterministic (fixed zip timestamps and document dates).

    Parameters
    ----------
    frame : DataFrame
        The table; its index is not written.
    sheet : str, default "yields"
        Name of the worksheet.

    Returns
    -------
    bytes
        The workbook.

    Raises
    ------
    MissingExtraError
        If openpyxl is not installed (``pip install 'yieldtrial[xlsx]'``).
    DataValidationError
        If the table has more rows than a worksheet holds.
    """
    import pandas as pd

    from yieldtrial.errors import DataValidationError

    openpyxl = import_openpyxl("writing a .xlsx file")
    if len(frame) + 1 > EXCEL_MAX_ROWS:
        raise DataValidationError(
            f"the table has {len(frame):,} rows; an Excel worksheet holds at most "
            f"{EXCEL_MAX_ROWS - 1:,} below its header; write a .csv file instead"
        )
    safe = frame
    longest: list[str] = [str(name) for name in safe.columns]  # what each column must show
    numeric = [
        pd.api.types.is_numeric_dtype(safe.iloc[:, i])
        and not pd.api.types.is_bool_dtype(safe.iloc[:, i])
        for i in range(safe.shape[1])
    ]
    for position, num in enumerate(numeric):  # checked before the workbook is begun
        if num:
            continue
        lengths = safe.iloc[:, position].map(
            lambda v: len(_table_cell(v)) if isinstance(v, str) else 0
        )
        if len(lengths) and int(lengths.max()) > EXCEL_MAX_TEXT:
            at = int(lengths.to_numpy().argmax())
            raise DataValidationError(
                f"column {safe.columns[position]!r}, row {at + 1} holds "
                f"{int(lengths.iloc[at]):,} characters; an Excel cell holds at most "
                f"{EXCEL_MAX_TEXT:,}; shorten it, or write a .csv file instead"
            )
        if len(lengths) and int(lengths.max()) > len(longest[position]):
            longest[position] = str(
                _table_cell(safe.iloc[int(lengths.to_numpy().argmax()), position])
            )
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    from openpyxl.utils import get_column_letter

    for position, text in enumerate(longest, 1):  # a default 8.43 column cut the headers
        worksheet.column_dimensions[get_column_letter(position)].width = round(
            min(max(excel_digits(text), TABLE_MIN_WIDTH), TABLE_MAX_WIDTH), 2
        )
    worksheet.append([_table_cell(name) for name in safe.columns])
    for row in safe.itertuples(index=False, name=None):
        worksheet.append(
            [
                _table_number(v) if num else _table_cell(v)
                for v, num in zip(row, numeric, strict=True)
            ]
        )
    from yieldtrial.io.table_files import TABLE_WORKBOOK_CATEGORY

    props = workbook.properties
    props.creator = "yieldtrial"
    props.lastModifiedBy = "yieldtrial"
    props.category = TABLE_WORKBOOK_CATEGORY  # read back as a plot table, not a report
    buffer = io.BytesIO()
    workbook.save(buffer)
    return deterministic_package(buffer.getvalue(), created=package_datetime(None))


def _table_number(value: Any) -> Any:
    """Return a number cell: a float (an int stays an int), empty when missing or not finite."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _table_cell(value)
    if not math.isfinite(number):
        return None
    return (
        int(value) if isinstance(value, int) or type(value).__name__.startswith("int") else number
    )


def _table_cell(value: Any) -> Any:
    """Return a text cell, neutralised as the CSV writer does; empty when missing."""
    import pandas as pd

    from yieldtrial.io.output import csv_safe_text

    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    return csv_safe_text(_CONTROL.sub("", str(value)))
