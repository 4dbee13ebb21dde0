"""Column widths of report tables from their content (used by the DOCX and XLSX renderers).

Text width is estimated per character in em (the font size): CJK ideographs and
full-width forms 1 em, digits 0.55 em (Times New Roman's and Arial's digits are
0.50 and 0.556 em), capitals 0.72 em (M and W 0.95), "%" 0.9 em, narrow
punctuation 0.3 em, other Latin 0.55 em (m 0.8); bold adds 8 % to all but the
full-width characters (a bold ideograph is as wide as a regular one: 1 em).  A column is
never narrower than its longest number (numbers never wrap), its longest header
word (headers wrap at word boundaries only: between Latin words, before an
opening bracket, between a Chinese word and a Latin one; a Chinese run of up to
eight characters stays on one line) or its longest text word.

:func:`plan_table` chooses the layout of a table: portrait when it fits; a short
table too wide for portrait is split into two portrait tables that repeat its key
columns; a long one goes on a landscape page (at 8 pt if needed) and is split
only when even that is too narrow.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "MM_PER_PT",
    "TablePlan",
    "column_extent_mm",
    "excel_digits",
    "glue_difference",
    "glue_unit",
    "narrowest_mm",
    "plan_table",
    "segments",
    "document_em",
    "text_em",
    "wrap_lines",
]

#: Millimetres per typographic point.
MM_PER_PT = 25.4 / 72

#: Space added to each column: cell margins (1 mm each side) and 1.2 mm of slack [mm].
COLUMN_PADDING_MM = 3.2

_NARROW = set(".,:;'|!il ·\u00a0")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
#: Characters that never start a line: closing brackets, punctuation, the illustrative-value
#: mark and superscripts (the "²" of "(kg/mu)²" stays with its unit).
_ATTACH_LEFT = set("）)]】%％，、：；。,.:;!?！？†²³")
#: Marks that never start a line of their own (the illustrative-value mark).
_MARKS = frozenset({"†", "‡", "*"})
#: Chinese runs up to this many characters are never broken.
_WHOLE_CJK_RUN = 8

#: Words (no spaces) up to this width are never broken [em].
_SHORT_WORD_EM = 6.0
_OPENING_CHARS = set("（([【")

#: A bracketed expression, a Chinese run, or a run of other characters.
_PIECE = re.compile(
    r"[（(\[【][^（()）\]【】]*[）)\]】]"
    r"|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
    r"|[^（(\[【\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
    r"|."
)


#: A header's unit: an innermost bracketed group with a "/" or "%" ("(kg N/ha)", "（kg/亩）").
_UNIT = re.compile(r"[（(][^（()）]{0,16}[/%][^（()）]{0,16}[）)]")
#: Line breaks between the words of a header: ordinary spaces only (a no-break space glues).
_SPACES = re.compile(r"[ \t\r\n]+")


def glue_unit(label: str) -> str:
    r"""Return a header with its unit unbreakable: no-break spaces and hyphens inside it.

    A header wraps at its spaces; "N rate (kg N/ha)" broke between "(kg" and "N/ha)".
    Inside the bracketed unit a space becomes U+00A0 (no-break space) and a hyphen U+2011
    (no-break hyphen); the rest of the header is unchanged.  The DOCX and HTML renderers
    apply it to every header (Markdown, XLSX and JSON keep the text as written).

    Examples
    --------
    >>> glue_unit("N rate (kg N/ha)")
    'N rate (kg\xa0N/ha)'
    >>> glue_unit("PFP (kg/kg N) †"), glue_unit("Sub-plot factor")
    ('PFP (kg/kg\xa0N) †', 'Sub-plot factor')
    >>> glue_unit("One-sided P (H0: T <= (1 - margin) x CK, adjusted)")  # no unit: as written
    'One-sided P (H0: T <= (1 - margin) x CK, adjusted)'
    """
    return _UNIT.sub(lambda m: m.group().replace(" ", "\u00a0").replace("-", "\u2011"), label)


#: A difference of two labels, "T − CK1": a minus sign (U+2212) with a space either side.
DIFFERENCE = re.compile(r"(?<=\S) − (?=\S)")


def glue_difference(text: str) -> str:
    r"""Return a text cell with each difference of two labels ("T − CK1") unbreakable.

    A comparison label broke at its spaces in a narrow column ("CK2 −" / "CK1"); the spaces
    around a minus sign between two words become U+00A0 (no-break space).  The DOCX
    renderer applies it to the body cells of text columns (the HTML renderer keeps the
    spaces and puts the label in a nowrap span, :func:`~yieldtrial.report.render_html.cell_html`).

    Examples
    --------
    >>> glue_difference("CK2 − CK1"), glue_difference("-5 − 3 %"), glue_difference("− 4")
    ('CK2\xa0−\xa0CK1', '-5\xa0−\xa03 %', '− 4')
    """
    return DIFFERENCE.sub("\u00a0\u2212\u00a0", text)


#: The space between a number and its percent sign or unit ("13 %", "6493.8 kg/ha", "20 m²").
_VALUE_UNIT = re.compile(r"(?<=\d) (?=[%‰]|(?:kg|g|t|lb|bu|jin)/|m²)")
#: The spaces around a relation between a symbol and a number ("P = 0.035", "P < 0.001",
#: "alpha = 0.05"): the symbol and its value on one line.
_SYMBOL_RELATION = re.compile(r"(?<=[A-Za-zα²]) ([=<>≤≥]) (?=[-−+]?\.?\d)")


def glue_values(text: str) -> str:
    r"""Return running text with each number kept on one line with its unit or its symbol.

    A printed paragraph broke "13" / "% moisture" and "P =" / "0.035" at a line end (the
    alpha-lattice summary, Chromium; LibreOffice alike).  The space between a number and a
    following "%", "‰", "m²" or a unit with a slash ("kg/ha", "t/ha", "kg/亩" after a
    number), and the spaces around "=", "<", ">" between a symbol and a number, become
    U+00A0 (no-break space).  The DOCX and HTML renderers apply it to their text (Markdown,
    XLSX and JSON keep the text as written).

    Examples
    --------
    >>> glue_values("yields at 13 % moisture; P = 0.035, P < 0.001; 6493.8 kg/ha")
    'yields at 13\xa0% moisture; P\xa0=\xa00.035, P\xa0<\xa00.001; 6493.8\xa0kg/ha'
    >>> glue_values("alpha = 0.05 (3 blocks, ddf = \"kenward-roger\")")
    'alpha\xa0=\xa00.05 (3 blocks, ddf = "kenward-roger")'
    """
    return _SYMBOL_RELATION.sub("\u00a0\\1\u00a0", _VALUE_UNIT.sub("\u00a0", text))


def _words(text: str) -> list[str]:
    """Split ``text`` at its ordinary spaces (not at a no-break space, as ``str.split``)."""
    return [word for word in _SPACES.split(text) if word]


_WIDE = {"%": 0.9, "@": 0.92, "&": 0.8, "M": 0.95, "W": 0.95, "m": 0.8, "w": 0.75, "—": 1.0}

#: The note marks "†", "‡" are East Asian ambiguous: next to Chinese text (a run with the
#: eastAsia hint) the Word report sets them in its CJK font, 1 em wide.  Counted 0.55 em,
#: the panel's name column broke "专家甲 †" into "专家甲" / "†" (stop 45, LibreOffice with
#: Liberation Serif and Noto CJK).  Only the Word column widths count them so
#: (:func:`document_em`); the HTML report's sans-serif widths are measured (:data:`_SANS_OTHER`).
_FULL_IN_DOCUMENT = frozenset({"†", "‡"})


def _char_em(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in _WIDE:
        return _WIDE[char]
    if char.isdigit():
        return 0.55
    if char in _NARROW:
        return 0.3
    if char.isupper():
        return 0.72
    return 0.55


def text_em(text: str, *, bold: bool = False) -> float:
    """Estimated width of ``text`` on one line [em].

    Examples
    --------
    >>> round(text_em("475.60"), 2), text_em("产量")
    (3.05, 2.0)
    """
    if not bold:
        return sum(_char_em(char) for char in text)
    # bold widens Latin letters and digits; a full-width character keeps its 1 em
    return sum(
        1.0 if unicodedata.east_asian_width(char) in ("W", "F") else _char_em(char) * 1.08
        for char in text
    )


def document_em(text: str, *, bold: bool = False) -> float:
    """Estimated width of ``text`` in a Word report's table cell [em].

    As :func:`text_em`, with the East Asian ambiguous marks of :data:`_FULL_IN_DOCUMENT`
    1 em wide, as a CJK font sets them.

    Examples
    --------
    >>> text_em("专家甲\u00a0†"), document_em("专家甲\u00a0†")
    (3.85, 4.3)
    """
    extra = sum(1.0 - text_em(char, bold=bold) for char in text if char in _FULL_IN_DOCUMENT)
    return text_em(text, bold=bold) + extra


#: Advance widths of the printable ASCII characters (space to "~", in code order) in Noto
#: Sans CJK SC, the first font of the HTML report's font stack [1/1000 em], read from
#: NotoSansCJK-Regular.ttc and NotoSansCJK-Bold.ttc (fontTools, ``hmtx``).  :func:`text_em`
#: counts a capital 0.72 em and a bracket, slash or hyphen 0.55 (for Word's Times and the
#: XLSX's Calibri too); in this sans-serif they are 0.59-0.81 and 0.35-0.39, and the HTML
#: print-width estimate of English tables ran 1-14 % above Chromium's (stop 39).
_SANS_ASCII = (
    224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392,
    555, 555, 555, 555, 555, 555, 555, 555, 555, 555, 278, 278, 555, 555, 555, 474,
    946, 608, 657, 638, 688, 589, 552, 689, 728, 293, 535, 646, 543, 812, 723, 742,
    633, 742, 635, 596, 599, 721, 575, 878, 573, 531, 603, 338, 392, 338, 555, 559,
    606, 563, 618, 510, 620, 554, 325, 564, 607, 275, 275, 552, 284, 926, 610, 606,
    620, 620, 388, 468, 377, 607, 521, 802, 498, 521, 475, 338, 270, 338, 555,
)  # fmt: skip
_SANS_ASCII_BOLD = (
    227, 370, 574, 590, 590, 963, 740, 325, 378, 378, 507, 590, 325, 370, 325, 387,
    590, 590, 590, 590, 590, 590, 590, 590, 590, 590, 325, 325, 590, 590, 590, 514,
    1007, 641, 681, 656, 714, 615, 585, 717, 757, 330, 568, 686, 578, 853, 749, 770,
    667, 770, 682, 624, 625, 748, 619, 915, 627, 580, 613, 378, 387, 378, 590, 567,
    626, 591, 644, 527, 644, 581, 372, 597, 640, 304, 306, 604, 315, 964, 641, 626,
    644, 644, 436, 495, 421, 637, 576, 863, 562, 574, 511, 378, 296, 378, 590,
)  # fmt: skip
#: The same for the other characters of the reports that this font draws at other widths
#: than :func:`text_em` counts: its note marks, "±", "×", "·", "‰", "≤" and "≥" are a full
#: em wide (East Asian ambiguous width, drawn full width by a CJK font; "VCR †" measured
#: 52 px against 47 estimated) [1/1000 em, the wider of regular and bold].
_SANS_OTHER = {
    "†": 1000, "‡": 1000, "±": 1000, "×": 1000, "·": 1000, "‰": 1000, "≤": 1000, "≥": 1000,
    "÷": 1000, "√": 1000, "−": 590, "–": 544, "—": 908, "²": 424, "³": 424, "°": 404,
    "µ": 664, "α": 663, "χ": 583, "\u2011": 370,
}  # fmt: skip
#: Factor on those widths: none, since Chromium's widths of 75 of 76 report tables (en and
#: zh) came out within -3 to +2 % of the estimate (the zh moisture audit 20 % below it); the
#: fonts after Noto Sans CJK SC in the stack (Microsoft YaHei, PingFang SC) draw their Latin
#: at about the same widths.
SANS_HEADROOM = 1.0


def sans_text_em(text: str, *, bold: bool = False) -> float:
    """Estimated width of ``text`` on one line in the HTML report's sans-serif font [em].

    ASCII from :data:`_SANS_ASCII`, marks and symbols from :data:`_SANS_OTHER` (with
    :data:`SANS_HEADROOM`); a no-break space as a space; anything else (Chinese) as
    :func:`text_em`.

    Examples
    --------
    >>> round(sans_text_em("475.60"), 2), sans_text_em("产量")
    (3.05, 2.0)
    >>> header = "Yield (kg/ha)"
    >>> round(sans_text_em(header, bold=True), 2), round(text_em(header, bold=True), 2)
    (6.23, 7.1)
    >>> round(sans_text_em("VCR †"), 2), round(text_em("VCR †"), 2)  # the mark a full em
    (3.07, 3.01)
    """
    widths = _SANS_ASCII_BOLD if bold else _SANS_ASCII
    total = 0.0
    for char in text:
        code = ord(" ") if char == "\u00a0" else ord(char)
        if 32 <= code < 127:
            total += widths[code - 32] / 1000 * SANS_HEADROOM
        elif char in _SANS_OTHER:
            total += _SANS_OTHER[char] / 1000 * SANS_HEADROOM
        else:
            total += text_em(char, bold=bold)
    return total


#: Excel column-width units (the width of a digit of Calibri 11) per em of Latin text: the
#: Carlito (Calibri's metrics) width of cell texts over their :func:`text_em` is 1.52-1.76
#: ("synthetic (no real site)" 1.52, "2023-10-07" 1.67, "kg/mu" 1.76); 1.8 covers them.
EXCEL_DIGITS_PER_EM = 1.8

#: Excel width units of a full-width character (1 em of 11 pt over a Calibri digit, 0.507 em).
EXCEL_DIGITS_PER_WIDE = 2.0

#: Excel width units a cell adds around its text (padding at both sides).
EXCEL_CELL_PADDING = 1.5


def excel_digits(text: str) -> float:
    """Estimated width of ``text`` in a cell of Calibri 11, in Excel's column-width units.

    Excel's unit is the width of a digit ("0"): a text column sized as ``text_em * 1.15 +
    2`` (em taken for digits) showed "2023-10-0" of "2023-10-07" and "nitrogen synergist
    (assum" in Excel and LibreOffice (stop 36).

    Examples
    --------
    >>> round(excel_digits("2023-10-07"), 1), excel_digits("产量")
    (11.4, 5.5)
    """
    return (
        sum(
            EXCEL_DIGITS_PER_WIDE
            if unicodedata.east_asian_width(char) in ("W", "F")
            else _char_em(char) * EXCEL_DIGITS_PER_EM
            for char in text
        )
        + EXCEL_CELL_PADDING
    )


def segments(text: str) -> list[str]:
    r"""Split ``text`` into the pieces a line may not break inside.

    Breaks are allowed at spaces, before an opening bracket and between a
    Chinese run and Latin text; a bracketed expression and a short word
    (up to 6 em, no bracket inside) stay whole, and closing brackets and punctuation stay with the
    piece before them.

    Examples
    --------
    >>> segments("Dunnett P vs CK1")
    ['Dunnett', 'P', 'vs', 'CK1']
    >>> segments("比CK1±%"), segments("比CK1±（kg/亩）")
    (['比CK1±%'], ['比', 'CK1±', '（kg/亩）'])
    >>> segments("PFP (kg/kg N)"), segments(glue_unit("PFP (kg/kg N)"))
    (['PFP', '(kg/kg', 'N)'], ['PFP', '(kg/kg\xa0N)'])
    >>> segments("方差（(kg/亩)²）")
    ['方差', '（(kg/亩)²）']
    """
    pieces: list[str] = []
    for word in _words(text):
        short = text_em(word) <= _SHORT_WORD_EM
        if short and not any(ch in _OPENING_CHARS for ch in word[1:]):  # "比CK1±%", "(kg/mu)"
            pieces.append(word)
            continue
        found = [match.group() for match in _PIECE.finditer(word)]
        for index, piece in enumerate(found):
            if index and found[index - 1] in _OPENING_CHARS:  # "(" goes with what follows
                pieces[-1] += piece
            else:
                pieces.append(piece)
    out: list[str] = []
    for piece in pieces:
        while piece and piece[0] in _ATTACH_LEFT and out:
            out[-1] += piece[0]
            piece = piece[1:]
        if piece:
            out.append(piece)
    return out


def wrap_lines(text: str, width_em: float, *, bold: bool = False) -> list[str]:
    """Break ``text`` into lines of at most ``width_em`` at the allowed places only.

    A piece wider than the line (see :func:`segments`) gets a line of its own.

    Examples
    --------
    >>> wrap_lines("产量（kg/mu）", 5.5)
    ['产量', '（kg/mu）']
    >>> wrap_lines("Dunnett P vs CK1", 20)
    ['Dunnett P vs CK1']
    >>> wrap_lines("非劣效置信下限（%）", 4.5)
    ['非劣效置', '信下限', '（%）']
    >>> wrap_lines("Value gain (CNY/mu) †", 7)
    ['Value gain', '(CNY/mu) †']
    """
    pieces: list[tuple[str, bool | str]] = []
    for word in _words(text):
        if pieces and word in _MARKS:  # "... (CNY/mu) †": the mark ends the line
            pieces.append((word, GLUE))
            continue
        split: list[str] = []
        for piece in segments(word):
            split += _split_run(piece, width_em, bold=bold)
        pieces += [(piece, index == 0) for index, piece in enumerate(split)]
    return fill_lines(pieces, width_em, lambda line: text_em(line, bold=bold))


#: The joiner of a piece that stays on the line before it, after a space, whatever its width
#: (a mark "†" after a unit), in :func:`fill_lines`.
GLUE = "glue"


def fill_lines(
    pieces: Iterable[tuple[str, bool | str]], width: float, measure: Callable[[str], float]
) -> list[str]:
    """Fill lines greedily with ``pieces``, each line at most ``width`` by ``measure``.

    The one line filler of the renderers: :func:`wrap_lines` (HTML and DOCX headers, in
    em) and the XLSX header lines of ``render_xlsx`` (in Excel digit widths) differ only in
    their pieces and their measure. A piece that does not fit on the current line starts a
    new one; a piece wider than ``width`` has a line of its own.

    Parameters
    ----------
    pieces : iterable of (str, bool or str)
        The unbreakable pieces in order, each with its joiner: ``True`` a space stands
        before it, ``False`` it follows the line directly, :data:`GLUE` it follows after a
        space and never starts a line (unless it is the first piece).
    width : float
        Widest line, in the unit of ``measure``.
    measure : callable
        Width of a line of text.

    Returns
    -------
    list of str
        The lines.

    Examples
    --------
    >>> fill_lines([("Value", False), ("gain", True), ("(CNY/mu)", True), ("†", GLUE)], 7, len)
    ['Value', 'gain', '(CNY/mu) †']
    """
    lines: list[str] = []
    current = ""
    for piece, joiner in pieces:
        joined = current + (" " if current and joiner else "") + piece
        if current and joiner is not GLUE and measure(joined) > width:
            lines.append(current)
            current = piece
        else:
            current = joined
    if current:
        lines.append(current)
    return lines


def _split_run(piece: str, width_em: float, *, bold: bool) -> list[str]:
    """Cut a Chinese run wider than the line into equal chunks that fit (else keep it)."""
    if not _CJK_RUN.fullmatch(piece) or text_em(piece, bold=bold) <= width_em:
        return [piece]
    for count in range(2, len(piece) + 1):
        size = math.ceil(len(piece) / count)
        chunks = [piece[i : i + size] for i in range(0, len(piece), size)]
        if all(text_em(c, bold=bold) <= width_em for c in chunks):
            return chunks
    return [piece]


def _min_piece_em(piece: str, *, bold: bool) -> float:
    """Narrowest width a piece may take: a long Chinese run may wrap into halves."""
    if _CJK_RUN.fullmatch(piece) and len(piece) > _WHOLE_CJK_RUN:
        return document_em(piece[: math.ceil(len(piece) / 2)], bold=bold)
    return document_em(piece, bold=bold)


def column_extent_mm(
    header: str,
    cells: Sequence[str],
    *,
    numeric: bool,
    font_pt: float,
) -> tuple[float, float]:
    """Minimum and preferred width of a column [mm], padding included.

    Parameters
    ----------
    header : str
        Column label (bold; wraps at word boundaries).
    cells : sequence of str
        Displayed cell texts.
    numeric : bool
        Whether the cells are numbers (never wrapped).
    font_pt : float
        Table font size [pt].

    Returns
    -------
    (float, float)
        Minimum width (no number, header word or text word broken) and
        preferred width (cells on one line, header on at most two lines).
    """
    em = font_pt * MM_PER_PT
    head_pieces = segments(header) or [""]
    head_min = max(_min_piece_em(p, bold=True) for p in head_pieces)
    head_full = document_em(header, bold=True)
    head_pref = max(head_min, head_full / 2 + 0.5) if head_full > head_min else head_full
    cell_min = 0.0
    cell_pref = 0.0
    for text in cells:
        full = document_em(text)
        if numeric or full <= 10:
            low = full
        else:
            low = max((_min_piece_em(p, bold=False) for p in segments(text)), default=0.0)
        cell_min = max(cell_min, low)
        cell_pref = max(cell_pref, min(full, 30.0) if not numeric else full)
    low_mm = max(head_min, cell_min) * em + COLUMN_PADDING_MM
    pref_mm = max(head_pref, cell_pref, cell_min) * em + COLUMN_PADDING_MM
    return low_mm, max(low_mm, pref_mm)


def narrowest_mm(header: str, cells: Sequence[str], *, font_pt: float) -> float:
    """Narrowest width of a text column that breaks no word [mm], padding included.

    Unlike the minimum of :func:`column_extent_mm`, a short cell (up to 10 em) may wrap
    too: at its spaces, and a Chinese run of more than eight characters into halves
    ("粮食收购水分增量规则"); the renderer gives what this saves to a wider column.

    Examples
    --------
    >>> round(narrowest_mm("方法", ["干物质守恒法", "粮食收购水分增量规则"], font_pt=9), 1)
    22.2
    """
    widest = max(
        [_min_piece_em(piece, bold=True) for piece in segments(header)]
        + [_min_piece_em(piece, bold=False) for cell in cells for piece in segments(cell)]
        + [0.0]
    )
    return widest * font_pt * MM_PER_PT + COLUMN_PADDING_MM


@dataclass(frozen=True)
class TablePlan:
    """How a table is laid out on the page.

    Attributes
    ----------
    parts : list of list of int
        Column indices of each part (one part unless the table is split; key
        columns are repeated in every part).
    widths_mm : list of list of float
        Column widths of each part [mm].
    font_pt : float
        Table font size [pt].
    landscape : bool
        Whether the table needs a landscape page.
    """

    parts: list[list[int]]
    widths_mm: list[list[float]]
    font_pt: float
    landscape: bool


def _fit(low: list[float], pref: list[float], width: float) -> list[float]:
    """Widths between ``low`` and ``pref`` that fill at most ``width``."""
    if sum(pref) <= width:
        return list(pref)
    slack = sum(pref) - sum(low)
    room = max(width - sum(low), 0.0)
    share = room / slack if slack > 0 else 0.0
    return [lo + (pr - lo) * share for lo, pr in zip(low, pref, strict=True)]


def _spread_groups(low: list[float], groups: Sequence[tuple[int, int, float]]) -> list[float]:
    """Widen the columns under a group label that is wider than the columns together."""
    out = list(low)
    for start, stop, need in groups:
        have = sum(out[start:stop])
        if need > have:
            extra = (need - have) / (stop - start)
            for i in range(start, stop):
                out[i] += extra
    return out


def plan_table(
    headers: Sequence[str],
    columns: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    *,
    portrait_mm: float,
    landscape_mm: float,
    font_pt: float = 9.0,
    small_font_pt: float = 8.0,
    key_columns: int = 1,
    groups: Sequence[tuple[int, int, str]] = (),
    max_portrait_columns: int = 12,
    split_rows: int = 30,
) -> TablePlan:
    """Choose orientation, font size, column widths and (if needed) a split of a table.

    Parameters
    ----------
    headers : sequence of str
        Column labels.
    columns : sequence of sequence of str
        Displayed cells, column by column.
    numeric : sequence of bool
        Whether each column holds numbers.
    portrait_mm, landscape_mm : float
        Text width of a portrait and of a landscape page [mm].
    font_pt, small_font_pt : float
        Table font size, and the smaller size tried before splitting [pt].
    key_columns : int
        Leading columns repeated in each part when the table is split.
    groups : sequence of (start, stop, label)
        Column groups (``columns[start:stop]`` under ``label``).
    max_portrait_columns : int
        Tables with more columns are split or go on a landscape page even when
        they would fit a portrait one with every header wrapped.
    split_rows : int
        A table too wide for a portrait page with at most this many rows is
        split into two portrait tables (repeating the key columns) rather than
        put on a landscape page of its own.

    Returns
    -------
    TablePlan
        The layout.
    """

    def extents(size: float) -> tuple[list[float], list[float]]:
        pairs = [
            column_extent_mm(h, c, numeric=n, font_pt=size)
            for h, c, n in zip(headers, columns, numeric, strict=True)
        ]
        spans = [
            (start, stop, text_em(label, bold=True) * size * MM_PER_PT + COLUMN_PADDING_MM)
            for start, stop, label in groups
        ]
        low = _spread_groups([p[0] for p in pairs], spans)
        pref = [max(lo, p[1]) for lo, p in zip(low, pairs, strict=True)]
        return low, pref

    everything = list(range(len(headers)))
    low, pref = extents(font_pt)
    if sum(low) <= portrait_mm and (
        len(headers) <= max_portrait_columns or sum(pref) <= portrait_mm
    ):
        return TablePlan([everything], [_fit(low, pref, portrait_mm)], font_pt, False)
    if len(headers) <= max_portrait_columns:
        # a few millimetres too wide: the smaller font keeps the table whole on its page
        # (the network's stability table had split off its last column alone)
        small_low, small_pref = extents(small_font_pt)
        if sum(small_low) <= portrait_mm:
            widths = _fit(small_low, small_pref, portrait_mm)
            return TablePlan([everything], [widths], small_font_pt, False)
    n_rows = max((len(c) for c in columns), default=0)
    if n_rows <= split_rows:
        halves = _split(low, pref, portrait_mm, font_pt, key_columns, groups, landscape=False)
        if len(halves.parts) <= 2 and all(sum(w) <= portrait_mm + 1e-9 for w in halves.widths_mm):
            return halves
    if sum(low) <= landscape_mm:
        return TablePlan([everything], [_fit(low, pref, landscape_mm)], font_pt, True)
    low, pref = extents(small_font_pt)
    if sum(low) <= landscape_mm:
        return TablePlan([everything], [_fit(low, pref, landscape_mm)], small_font_pt, True)
    return _split(low, pref, landscape_mm, small_font_pt, key_columns, groups, landscape=True)


def _split(
    low: list[float],
    pref: list[float],
    width: float,
    font_pt: float,
    key_columns: int,
    groups: Sequence[tuple[int, int, str]],
    *,
    landscape: bool,
) -> TablePlan:
    """Split the columns after the key columns into parts that each fit ``width``."""
    keys = list(range(min(key_columns, len(low))))
    key_width = sum(low[i] for i in keys)
    # columns of one group stay together
    units: list[list[int]] = []
    grouped = {i: (start, stop) for start, stop, _ in groups for i in range(start, stop)}
    i = len(keys)
    while i < len(low):
        start, stop = grouped.get(i, (i, i + 1))
        units.append(list(range(max(start, i), stop)))
        i = stop

    def fill(capacity: float) -> list[list[int]]:
        parts: list[list[int]] = []
        current: list[int] = []
        for unit in units:
            need = sum(low[j] for j in unit)
            if current and key_width + sum(low[j] for j in current) + need > capacity:
                parts.append(keys + current)
                current = []
            current += unit
        if current or not parts:
            parts.append(keys + current)
        return parts

    parts = fill(width)
    # balance the parts: the same number of parts, each about as wide as the others (the
    # Chinese stability table split off its last column alone: 10 columns and 1); the
    # narrowest capacity that needs no more parts than the greedy fill
    rest = sum(low[j] for unit in units for j in unit)
    share = key_width + rest / len(parts)
    for step in range(21):
        balanced = fill(min(width, share * (1.0 + 0.025 * step)))
        if len(balanced) <= len(parts):
            parts = balanced
            break
    widths = [_fit([low[j] for j in part], [pref[j] for j in part], width) for part in parts]
    return TablePlan(parts, widths, font_pt, landscape)
