"""Word renderer (python-docx, from the ``docx`` extra), laid out as a printed trial report.

- A4 portrait; a section whose table is too wide for a portrait page goes on a
  landscape page, and a table too wide even for that is split into parts that
  repeat its key columns (:func:`yieldtrial.report._widths.plan_table`).  A portrait
  page that holds little (a short table moved to it) goes along into the landscape section
  after it rather than print near-empty (:meth:`_Writer.orient`).
- Three-line tables (三线表): a thick rule above and below, a thin rule under the
  header, no vertical rules; a column group gets a short rule under its label.
- Column widths from the content: no number and no header word is broken.
- Header rows repeat on every page (``w:tblHeader``); rows never split
  (``w:cantSplit``); captions stay with their table or figure (``keepNext``).
- A table stays on one page (its rows ``keepNext``), its column parts one under the other
  under one caption; one of more than ``KEEP_ROWS`` rows that does not fit in the rest of
  the page, and a table longer than a page, start where they are when a few rows fit
  there (else on the next page with the heading and paragraph before it) and go on in
  page-sized chunks, each after the first under "Table n (continued)." / "表 n（续）".
- Every caption ends in a full stop ("." / "。", :func:`caption_sentence`).
- Numbers right-aligned (each column has one number of decimals, so the
  decimal points line up).
- Report title in the page header, "Page x of y" in the footer (PAGE and
  NUMPAGES fields).
- Latin text in Times New Roman (headings Arial); Chinese in SimSun (宋体; headings
  SimHei 黑体) through ``w:eastAsia``, with the Chinese names as fallbacks in the
  font table; Chinese is never set in italics.
- A minus sign that starts a number ("-5.8", "[-16.6, -6.8]", "（-2.6%") is Word's
  non-breaking hyphen (``w:noBreakHyphen``): LibreOffice broke a line after such a
  minus, leaving "（-" at a line end and "5.8%" on the next.  It looks like the hyphen
  it replaces, python-docx reads it back as "-", and LibreOffice's PDF text layer
  writes "-": the number stays searchable.  JSON, CSV, HTML and Markdown keep "-".
- Deterministic file: fixed zip timestamps, the report date as document dates.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from yieldtrial.errors import MissingExtraError
from yieldtrial.report._ooxml import deterministic_package, package_datetime
from yieldtrial.report._widths import (
    MM_PER_PT,
    TablePlan,
    column_extent_mm,
    glue_difference,
    glue_unit,
    glue_values,
    narrowest_mm,
    plan_table,
    text_em,
    wrap_lines,
)
from yieldtrial.report.model import (
    Bullets,
    Figure,
    KeyValues,
    Paragraph,
    Table,
    caption_sentence,
)

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.report.model import Report

__all__ = [
    "BODY_PT",
    "FONTS",
    "LANDSCAPE_TEXT_MM",
    "PORTRAIT_TEXT_MM",
    "TABLE_PT",
    "render_docx",
]

#: A header's leading nutrient symbol and the word after it ("N rate", "K dose"): one word.
_SYMBOL_WORD = re.compile(r"^([A-Z]) (?=[a-z])")


def _glued_header(label: str) -> str:
    r"""Return a header as the table sets it: its unit whole, a leading symbol with its word.

    The N rate column of a Chinese two-factor report (a narrow table of 9 columns) broke
    its header as "N" / "rate" (stop 50 noticed, tidy56): a one-letter symbol starting a
    header is glued to the next word by a no-break space, so the column takes the width of
    "N rate" instead.

    Examples
    --------
    >>> _glued_header("N rate (kg N/ha)")
    'N rate (kg N/ha)'
    >>> _glued_header("Dunnett P (vs CK)"), _glued_header("V1")
    ('Dunnett P (vs CK)', 'V1')
    """
    return _SYMBOL_WORD.sub("\\1\u00a0", glue_unit(label))


#: Page size (A4) and margins [mm].
PAGE_MM = (210.0, 297.0)
MARGINS_MM = {"top": 25.0, "bottom": 20.0, "left": 20.0, "right": 20.0}
#: Text width of a portrait and of a landscape page [mm].
PORTRAIT_TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
LANDSCAPE_TEXT_MM = PAGE_MM[1] - MARGINS_MM["left"] - MARGINS_MM["right"]

#: Fonts: (Latin, East Asian) for body text and headings.
FONTS = {"body": ("Times New Roman", "SimSun"), "heading": ("Arial", "SimHei")}
#: Fallback names written to the font table (Word looks them up when a font is missing).
FONT_FALLBACKS = {"SimSun": "宋体", "SimHei": "黑体"}

#: Font sizes [pt]: body (五号), table (小五), notes, title, section headings.
BODY_PT = 10.5
TABLE_PT = 9.0
SMALL_TABLE_PT = 8.0
NOTE_PT = 9.0
TITLE_PT = 16.0
HEADING_PT = 14.0

#: Height of a table line as a multiple of the font size, on the safe side: LibreOffice set
#: a row of Times New Roman at 1.17 times the size (52 rows of 9 pt in 193 mm), and a line
#: holding Chinese is taller (its fonts' line gap).
LINE_HEIGHT = 1.22
LINE_HEIGHT_CJK = 1.5

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
#: A hyphen-minus that starts a number: not after a letter or digit ("T-2", "1-2" stay).
_LEADING_MINUS = re.compile(r"(?<![0-9A-Za-z])-(?=\.?[0-9])")
#: A hyphen between two letters or digits ("Main-plot", "Line-25", "2024-06-01"): LibreOffice
#: breaks "Line-25" as "Line-" / "25" in a narrow column, as it breaks "Main-" / "plot".
_WORD_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")
_NO_BREAK_HYPHEN = '</w:t><w:noBreakHyphen/><w:t xml:space="preserve">'
#: The space before a note mark that ends a word ("专家甲 †"): LibreOffice broke the line
#: there in the expert panel's narrow name column, leaving "†" alone on a line.
_SPACE_BEFORE_MARK = re.compile(r" (?=[†‡](?!\w))")
#: An ideographic comma before a Latin word ("title、site、notes"): LibreOffice found no place
#: to break a run of field names joined so (it broke inside them, "titl" / "e、site", on
#: page 1 of a Chinese report without Chinese versions); a zero-width space after the
#: comma is the break Chromium takes there.
_COMMA_BEFORE_LATIN = re.compile(r"、(?=[A-Za-z0-9_])")
_TWIPS_PER_MM = 1440 / 25.4
_GREY = "595959"
_WARN = "9A6700"


def _import_docx() -> Any:
    try:
        import docx
    except ImportError:
        raise MissingExtraError("python-docx", "docx", "the Word (.docx) report") from None
    return docx


def _clean(text: Any) -> str:
    """Text safe for XML: control characters (never visible) removed."""
    return _CONTROL.sub("", "" if text is None else str(text))


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese (CJK) characters or full-width punctuation."""
    return _CJK.search(text) is not None


def _twips(mm: float) -> int:
    """Millimetres to twips, rounded down (a table never outgrows the sum of its columns)."""
    return int(mm * _TWIPS_PER_MM)


def _run_xml(
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    heading: bool = False,
    color: str | None = None,
    glue_words: bool = False,
) -> str:
    """Return a ``w:r`` run; ``glue_words``: no line break after a hyphen inside a word."""
    latin, east = FONTS["heading" if heading else "body"]
    props = [
        f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}"'
        + (' w:hint="eastAsia"/>' if has_cjk(text) else "/>")
    ]
    if bold:
        props.append("<w:b/><w:bCs/>")
    if italic and not has_cjk(text):
        props.append("<w:i/><w:iCs/>")
    if color:
        props.append(f'<w:color w:val="{color}"/>')
    half = round(size * 2)
    props.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    lines = _clean(text).split("\n")
    body = "<w:br/>".join(_text_xml(line, glue_words=glue_words) for line in lines)
    return f"<w:r><w:rPr>{''.join(props)}</w:rPr>{body}</w:r>"


def _text_xml(line: str, *, glue_words: bool = False) -> str:
    """Return one line of a run as ``w:t``, a number's leading minus unbreakable.

    ``glue_words`` (table body cells): a hyphen between two letters or digits is unbreakable
    too, so "Main-plot factor" never wraps as "Main-" / "plot factor" (it wraps at its space)
    nor a variety "Line-25" as "Line-" / "25".

    Examples
    --------
    >>> _text_xml("CI [-16.6, T-2]")
    '<w:t xml:space="preserve">CI [</w:t><w:noBreakHyphen/><w:t xml:space="preserve">16.6, T-2]</w:t>'
    >>> _text_xml("Sub-plots", glue_words=True)
    '<w:t xml:space="preserve">Sub</w:t><w:noBreakHyphen/><w:t xml:space="preserve">plots</w:t>'
    >>> _text_xml("Line-25", glue_words=True)
    '<w:t xml:space="preserve">Line</w:t><w:noBreakHyphen/><w:t xml:space="preserve">25</w:t>'
    """  # noqa: E501
    # here, not at the top: xml.sax.saxutils imports urllib.request (0.015 s), which only a
    # Word report needs, and every report format loads this module (report/renderers.py)
    from xml.sax.saxutils import escape

    text = _LEADING_MINUS.sub(_NO_BREAK_HYPHEN, escape(_SPACE_BEFORE_MARK.sub("\u00a0", line)))
    if glue_words:
        text = _WORD_HYPHEN.sub(_NO_BREAK_HYPHEN, text)
    text = _COMMA_BEFORE_LATIN.sub("、\u200b", text)
    return f'<w:t xml:space="preserve">{text}</w:t>'


#: Compact letter columns are centred: left-aligned after a right-aligned P column they
#: read as one cell ("1.000 a"); so are the non-inferiority verdicts after their one-sided
#: P ("0.008 non-inferior", "<0.001 非劣") and the network's after a right-aligned interval;
#: so is the rank, whose right-aligned "2" read as one with the treatment's "CK1" ("2 CK1").
_CENTRED_KEYS = frozenset({"rank", "letters", "letters_upper", "verdict", "noninferior"})


def _cell_align(column: Any) -> str:
    """Return the alignment of a body cell: numbers right, letters and verdicts centred."""
    if column.key in _CENTRED_KEYS:
        return "center"
    return "left" if column.kind == "text" else "right"


#: Columns of verdicts widened by this much [mm] when the page has room: centred in a column
#: as wide as the word they still touched the right-aligned P before them ("0.008 非劣").
VERDICT_PAD_MM = 6.0
_PADDED_KEYS = frozenset({"verdict", "noninferior"})


def _pad_verdicts(block: Table, plan: TablePlan) -> TablePlan:
    """Widen the verdict columns of ``plan`` by up to :data:`VERDICT_PAD_MM` each (page room)."""
    page = LANDSCAPE_TEXT_MM if plan.landscape else PORTRAIT_TEXT_MM
    widths_mm = []
    for part, widths in zip(plan.parts, plan.widths_mm, strict=True):
        widths = list(widths)
        for position, index in enumerate(part):
            if block.columns[index].key in _PADDED_KEYS:
                widths[position] += max(min(VERDICT_PAD_MM, page - sum(widths)), 0.0)
        widths_mm.append(widths)
    return TablePlan(plan.parts, widths_mm, plan.font_pt, plan.landscape)


#: Share of the text width the panel's signature column gets at least (report.css gives the
#: HTML's 28 %): the rest of the line was 22 mm beside an affiliation on one line (88 mm).
SIGNATURE_SHARE = 0.28


def _signature_room(plan: TablePlan) -> TablePlan:
    """Give the panel's empty signature column (the last) room to sign on.

    It takes the rest of the line, and at least :data:`SIGNATURE_SHARE` of it: what it
    lacks comes from the widest other column (an affiliation, which wraps), never below
    half of that column's width.
    """
    widths = list(plan.widths_mm[0])
    widths[-1] += max(PORTRAIT_TEXT_MM - sum(widths), 0.0)
    lacking = SIGNATURE_SHARE * PORTRAIT_TEXT_MM - widths[-1]
    if lacking > 0 and len(widths) > 1:
        widest = max(range(len(widths) - 1), key=widths.__getitem__)
        taken = min(lacking, widths[widest] / 2)
        widths[widest] -= taken
        widths[-1] += taken
    return TablePlan(plan.parts, [widths], plan.font_pt, plan.landscape)


def _paragraph_xml(
    runs: str, *, align: str = "left", keep_next: bool = False, mark_pt: float | None = None
) -> str:
    keep = "<w:keepNext/>" if keep_next else ""
    # ``mark_pt``: the size of the paragraph mark.  An empty table cell holds only its mark,
    # which is otherwise of the Normal style (10.5 pt): a row with an empty cell stood
    # 12.1 pt high instead of 10.4 pt, so a page-sized chunk of the network's site table
    # did not fit under its heading (the heading stood alone on a page)
    mark = ""
    if mark_pt is not None:
        half = round(mark_pt * 2)
        mark = f'<w:rPr><w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>'
    return (
        f"<w:p><w:pPr>{keep}"
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:jc w:val="{align}"/>{mark}</w:pPr>'
        f"{runs}</w:p>"
    )


def _widen_calculation(block: Table, columns: list[list[str]], plan: TablePlan) -> TablePlan:
    """Give the moisture audit's calculation the width the other columns do not need.

    The calculation (the formula with the trial's numbers, the table's widest text) was a
    strip beside a method column as wide as its longest name ("粮食收购水分增量规则" on one
    line): every other column now takes its narrowest width (the method names wrap at a
    space, a long Chinese one into halves; numbers and header words stay whole) and the
    calculation the rest of the table's width.
    """
    keys = [column.key for column in block.columns]
    if "method" not in keys or "formula" not in keys:
        return plan
    formula = keys.index("formula")
    size = plan.font_pt
    widths = []
    for index, column in enumerate(block.columns):
        label = _glued_header(column.label)
        if column.key == "method":
            widths.append(narrowest_mm(label, columns[index], font_pt=size))
        else:
            numeric = column.kind != "text"
            widths.append(column_extent_mm(label, columns[index], numeric=numeric, font_pt=size)[0])
    room = sum(plan.widths_mm[0]) - sum(widths) + widths[formula]
    if room <= plan.widths_mm[0][formula]:
        return plan
    widths[formula] = room
    return TablePlan(plan.parts, [widths], plan.font_pt, plan.landscape)


def _border(side: str, size: int) -> str:
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="000000"/>'


class _Writer:
    """State of one document being written (orientation, table and figure numbers)."""

    def __init__(self, report: Report) -> None:
        self.docx = _import_docx()
        from docx.oxml import parse_xml

        self.parse_xml = parse_xml
        self.report = report
        self.lang = report.lang
        self.document = self.docx.Document()
        self.landscape = False
        self.table_no = 0
        #: Estimated height used on the current page [mm] (see :meth:`advance`).
        self.y_mm = 0.0
        #: The heading written last and the paragraphs after it, with their height [mm],
        #: while nothing else followed them (a table after them keeps them on its page).
        self.lead: list[Any] = []
        self.lead_mm = 0.0
        self.figure_no = 0
        #: Index (among the body's paragraphs and tables) of the first block of the page
        #: section begun last by :meth:`orient` (-1: none begun).
        self.section_start = -1
        #: The first element (paragraph or table) of the current page when the page began
        #: with a whole block (a table or figure moved to it, a page break), else None.
        self.page_start: Any = None
        self._setup()

    # ------------------------------------------------------------------ setup
    def _setup(self) -> None:
        from docx.shared import Mm

        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        for side, value in MARGINS_MM.items():
            setattr(section, f"{side}_margin", Mm(value))
        section.header_distance, section.footer_distance = Mm(12), Mm(10)
        self._styles()
        self._font_table()
        self._drop_thumbnail()
        self._header_footer(section)
        props = self.document.core_properties
        title = _clean(self.report.title)
        # the document properties hold at most 255 characters (python-docx raises above);
        # the full title is in the report itself
        props.title = title if len(title) <= 255 else title[:254] + "…"
        props.author = "yieldtrial"
        props.last_modified_by = "yieldtrial"
        props.revision = 1
        props.comments = ""
        props.language = "zh-CN" if self.lang == "zh" else "en"

    def _set_style_fonts(self, style: Any, kind: str, size: float, *, bold: bool) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        latin, east = FONTS[kind]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        for attr, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east), ("cs", latin)):
            fonts.set(qn(f"w:{attr}"), value)
        color = rpr.find(qn("w:color"))
        if color is not None:
            for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
                color.attrib.pop(qn(attr), None)

    def _styles(self) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt

        styles = self.document.styles
        # document defaults: explicit fonts instead of theme fonts, Chinese language tag
        defaults = styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            for fonts in defaults.iter(qn("w:rFonts")):
                for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                    fonts.attrib.pop(qn(attr), None)
                latin, east = FONTS["body"]
                for attr, value in (
                    ("ascii", latin),
                    ("hAnsi", latin),
                    ("eastAsia", east),
                    ("cs", latin),
                ):
                    fonts.set(qn(f"w:{attr}"), value)
            for lang in defaults.iter(qn("w:lang")):
                lang.set(qn("w:eastAsia"), "zh-CN")
        normal = styles["Normal"]
        self._set_style_fonts(normal, "body", BODY_PT, bold=False)
        normal.paragraph_format.space_after = Pt(4)
        normal.paragraph_format.line_spacing = 1.2
        for name, size in (("Title", TITLE_PT), ("Heading 1", HEADING_PT)):
            style = styles[name]
            self._set_style_fonts(style, "heading", size, bold=True)
            ppr = style.element.get_or_add_pPr()
            border = ppr.find(qn("w:pBdr"))
            if border is not None:
                ppr.remove(border)
            style.paragraph_format.keep_with_next = True
            style.paragraph_format.space_before = Pt(14 if name == "Heading 1" else 0)
            style.paragraph_format.space_after = Pt(6)
        styles["Title"].paragraph_format.alignment = 1  # centred
        self._set_style_fonts(styles["List Bullet"], "body", BODY_PT, bold=False)

    def _font_table(self) -> None:
        """Add the Chinese fonts to the font table with their Chinese names as fallbacks."""
        for part in self.document.part.package.iter_parts():
            if str(part.partname) != "/word/fontTable.xml":
                continue
            text = part.blob.decode("utf-8")
            extra = "".join(
                f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
                for name, alt in FONT_FALLBACKS.items()
                if f'w:name="{name}"' not in text
            )
            part._blob = text.replace("</w:fonts>", extra + "</w:fonts>").encode("utf-8")

    def _drop_thumbnail(self) -> None:
        """Remove python-docx's template thumbnail (a picture of another document)."""
        rels = self.document.part.package.rels
        for key, rel in list(rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                del rels[key]

    def _header_footer(self, section: Any) -> None:
        header = section.header.paragraphs[0]._p
        header.getparent().replace(
            header,
            self.parse_xml(
                f'<w:p xmlns:w="{_W}"><w:pPr><w:pBdr>{_border("bottom", 4)}</w:pBdr>'
                '<w:spacing w:before="0" w:after="0"/><w:jc w:val="center"/></w:pPr>'
                + _run_xml(self.report.title, size=NOTE_PT, color=_GREY)
                + "</w:p>"
            ),
        )
        footer = section.footer.paragraphs[0]._p
        footer.getparent().replace(footer, self.parse_xml(self._page_number_xml()))

    def _page_number_xml(self) -> str:
        from string import Formatter

        from yieldtrial.report.i18n import STRINGS

        runs = []
        for literal, field, _, _ in Formatter().parse(STRINGS["label.page"][self.lang]):
            if literal:
                runs.append(_run_xml(literal, size=NOTE_PT, color=_GREY))
            if field:
                instr = "PAGE" if field == "page" else "NUMPAGES"
                rpr = _run_xml("1", size=NOTE_PT, color=_GREY).split("<w:t ")[0]
                runs.append(
                    f'{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
                    f'{rpr}<w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
                    f'{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
                    f'{rpr}<w:t>1</w:t></w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
                )
        return (
            f'<w:p xmlns:w="{_W}"><w:pPr><w:spacing w:before="0" w:after="0"/>'
            f'<w:jc w:val="center"/></w:pPr>{"".join(runs)}</w:p>'
        )

    # -------------------------------------------------------------- structure
    def orient(self, landscape: bool) -> None:
        """Start a new page section in the wanted orientation (when it changes).

        A landscape section takes along the blocks of a portrait page that holds little
        (at most :data:`CARRIED_SHARE` of a landscape page, begun with a whole block): the
        augmented report's 4-row SED table stood alone on a portrait page before the
        landscape means table.
        """
        if landscape == self.landscape:
            return
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.oxml.ns import qn
        from docx.shared import Mm

        body = self.document.element.body
        landscape_mm = PAGE_MM[0] - MARGINS_MM["top"] - MARGINS_MM["bottom"]
        carried = (
            landscape
            and self.page_start is not None
            and self.page_start.getparent() is body
            and 0.0 < self.y_mm <= CARRIED_SHARE * landscape_mm
        )
        start = self.page_start
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        width, height = (PAGE_MM[1], PAGE_MM[0]) if landscape else PAGE_MM
        section.page_width, section.page_height = Mm(width), Mm(height)
        self.landscape = landscape
        self.page_start = None
        if carried:
            # the portrait section ends before the page's first block: its properties go
            # to the paragraph before that block (the page is full: a paragraph of its own
            # might start a page of its own), the section break starts the new page
            blocks = [e for e in body if e.tag in (qn("w:p"), qn("w:tbl"))]
            holder, before = blocks[-1], start.getprevious()
            if before is not None and before.tag == qn("w:p"):
                ppr = before.find(qn("w:pPr"))
                if ppr is None:
                    ppr = before.makeelement(qn("w:pPr"), {})
                    before.insert(0, ppr)
                ppr.append(holder.find(f"{qn('w:pPr')}/{qn('w:sectPr')}"))
                body.remove(holder)
            else:
                start.addprevious(holder)
            ppr = start.find(qn("w:pPr"))
            brk = ppr.find(qn("w:pageBreakBefore")) if ppr is not None else None
            if brk is not None:
                ppr.remove(brk)
            blocks = [e for e in body if e.tag in (qn("w:p"), qn("w:tbl"))]
            self.section_start = blocks.index(start)
            return
        self.section_start = sum(e.tag in (qn("w:p"), qn("w:tbl")) for e in body)
        self.y_mm = 0.0

    def text_width_mm(self) -> float:
        return LANDSCAPE_TEXT_MM if self.landscape else PORTRAIT_TEXT_MM

    def text_height_mm(self) -> float:
        """Return the height of the text area of the current page orientation [mm]."""
        page = PAGE_MM[0] if self.landscape else PAGE_MM[1]
        return page - MARGINS_MM["top"] - MARGINS_MM["bottom"]

    # ------------------------------------------------------- page position
    def advance(self, height_mm: float, *, whole: bool = False, start: Any = None) -> None:
        """Move the estimated page position down by a block ``height_mm`` high.

        ``whole``: the block does not break across pages (a table kept together), so when
        it does not fit it starts the next page.  Estimates are on the safe side (line
        heights as :meth:`row_chunks`'); they only choose where a long table starts.
        ``start``: the block's first element (the page begins with it when it moves).
        """
        room = self.text_height_mm()
        if whole and self.y_mm + height_mm > room:
            self.y_mm = min(height_mm, room)
            self.page_start = start
            return
        self.y_mm += height_mm
        while self.y_mm > room:
            self.y_mm -= room
            self.page_start = None

    def text_mm(self, text: str, size: float, *, width_mm: float | None = None) -> float:
        """Estimated height of a paragraph of ``text`` at ``size`` pt [mm] (no spacing)."""
        em_mm = size * MM_PER_PT
        width = (width_mm or self.text_width_mm()) / em_mm
        if text:
            # the width estimates are a table column's, on the wide side for prose (Times
            # New Roman's lowercase letters average about 0.45 em, not 0.55): a paragraph
            # of 5 lines was counted as 7 and the page position ran 30 mm ahead of
            # LibreOffice's on a page of text, so a table that fitted the rest of the page
            # moved to the next one.  A line holds more the more of it is lowercase.
            lower = sum(text_em(ch) for ch in text if "a" <= ch <= "z") / text_em(text)
            width /= 1.0 - _PROSE_LOWERCASE_SHRINK * lower
        lines = max(len(wrap_lines(text, width)), 1) if text else 1
        # Normal's line spacing is 1.2 lines of a font's own height (LibreOffice: Times New
        # Roman 1.15 times its size, SimSun (its Noto CJK substitute) 1.44: lines 18.1 pt
        # apart at 10.5 pt; with 1.35 a page of Chinese text ran 12 mm behind LibreOffice's
        # and a long table's first chunk did not fit where it was sized for)
        factor = 1.2 * (1.44 if has_cjk(text) else 1.15)
        return lines * size * factor * MM_PER_PT

    def heading(self, text: str, level: int) -> None:
        paragraph = self.document.add_heading(level=level)
        paragraph.add_run(_clean(text))
        for run in paragraph.runs:
            self._run_fonts(run, heading=True)
        size = TITLE_PT if level == 0 else HEADING_PT
        height = self.text_mm(text, size) + (20 if level else 6) * MM_PER_PT
        self.advance(height)
        self.lead, self.lead_mm = [paragraph._p], height

    def _run_fonts(self, run: Any, *, heading: bool = False) -> None:
        from docx.oxml.ns import qn

        latin, east = FONTS["heading" if heading else "body"]
        rpr = run._r.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.insert(0, fonts)
        for attr, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east), ("cs", latin)):
            fonts.set(qn(f"w:{attr}"), value)
        if has_cjk(run.text):
            fonts.set(qn("w:hint"), "eastAsia")

    def paragraph(
        self,
        text: str,
        *,
        size: float = BODY_PT,
        bold: bool = False,
        italic: bool = False,
        color: str | None = None,
        align: str = "left",
        keep_next: bool = False,
        indent: bool = False,
        space_after: float = 4.0,
        label: str | None = None,
        page_break: bool = False,
        with_next_mm: float = 0.0,
    ) -> None:
        """Append a paragraph (optional bold ``label`` run before the text).

        ``page_break``: the paragraph starts a new page (``w:pageBreakBefore``).
        ``with_next_mm``: the height of what the paragraph keeps with (``keep_next``): when
        both do not fit the rest of the page, the page position moves to the next page as
        Word and LibreOffice move the paragraph.
        """
        runs = ""
        if label:
            runs += _run_xml(label, size=size, bold=True, color=color)
        # a number stays with its unit and a symbol with its value ("13 %", "P = 0.035")
        runs += _run_xml(glue_values(text), size=size, bold=bold, italic=italic, color=color)
        keep = "<w:keepNext/>" if keep_next else ""
        if page_break:
            keep += "<w:pageBreakBefore/>"
        first = round(2 * size * 20) if indent and self.lang == "zh" else 0
        xml = (
            f'<w:p xmlns:w="{_W}"><w:pPr>{keep}'
            f'<w:spacing w:before="0" w:after="{round(space_after * 20)}"/>'
            f'<w:ind w:firstLine="{first}"/><w:jc w:val="{align}"/></w:pPr>{runs}</w:p>'
        )
        element = self.parse_xml(xml)
        self.document.element.body._insert_p(element)
        if page_break:
            self.y_mm, self.page_start = 0.0, element
        height = self.text_mm((label or "") + text, size) + space_after * MM_PER_PT
        if with_next_mm and self.y_mm + height + with_next_mm > self.text_height_mm():
            self.y_mm, self.page_start = 0.0, element
        self.advance(height)
        if self.lead:
            self.lead.append(element)
            self.lead_mm += height

    def item_mm(self, item: str) -> float:
        """Estimated height of a list item (indented 10 mm) [mm], no space after."""
        return self.text_mm(item, BODY_PT, width_mm=self.text_width_mm() - 10)

    def bullets(self, items: list[str], *, color: str | None = None) -> None:
        for position, item in enumerate(items):
            paragraph = self.document.add_paragraph(style="List Bullet")
            run = _run_xml(glue_values(item), size=BODY_PT, color=color)
            paragraph._p.append(self.parse_xml(_ns(run)))
            # the list's items stand without space between them (List Bullet's contextual
            # spacing), its last keeps Normal's 4 pt after
            after = 4 * MM_PER_PT if position == len(items) - 1 else 0.0
            self.advance(self.item_mm(item) + after)
        self.lead = []

    # ----------------------------------------------------------------- tables
    def plan(self, block: Table) -> TablePlan:
        cells = block.formatted(self.report.number_style)
        # a text cell's "T − CK1" is one unbreakable piece (see table()): its column holds it
        columns = [
            [glue_difference(row[i]) if column.kind == "text" else row[i] for row in cells]
            for i, column in enumerate(block.columns)
        ]
        groups = []
        start = 0
        for group, cols in block.column_groups():
            if group is not None:
                groups.append((start, start + len(cols), group))
            start += len(cols)
        first_text = next((i for i, c in enumerate(block.columns) if c.kind == "text"), 0)
        plan = plan_table(
            [_glued_header(c.label) for c in block.columns],
            columns,
            [c.kind != "text" for c in block.columns],
            portrait_mm=PORTRAIT_TEXT_MM,
            landscape_mm=LANDSCAPE_TEXT_MM,
            font_pt=TABLE_PT,
            small_font_pt=SMALL_TABLE_PT,
            key_columns=first_text + 1,
            groups=groups,
        )
        if block.key == "moisture_audit" and len(plan.parts) == 1:
            plan = _widen_calculation(block, columns, plan)
        plan = _pad_verdicts(block, plan)
        if block.key == "panel" and len(plan.parts) == 1:
            plan = _signature_room(plan)
        return plan

    def table(self, block: Table, plan: TablePlan) -> None:
        """Append a table: its caption, its parts (column splits) and page-sized row chunks.

        A table that fits a page stays on one page (its rows ``keepNext``), its column parts
        one under the other under the one caption; when it does not fit in the rest of the
        page, one of more than :data:`KEEP_ROWS` rows is split as a long table is
        (:meth:`splits_here`).  A longer table starts where it is when
        at least :data:`FIRST_ROWS` rows fit under its caption on the current page (else on
        the next page, with the heading and paragraph before it), and goes on in page-sized
        chunks (:meth:`chunk_rows`), each on a new page under "Table n (continued)." /
        "表 n（续）" and the repeated header rows.  Word and LibreOffice repeat a header row
        (``w:tblHeader``) at a page break but have no continued caption; the chunks give one.
        """
        from yieldtrial.report.i18n import t

        cells = block.formatted(self.report.number_style)
        number = None
        if block.caption:
            self.table_no += 1
            number = t("label.table", self.lang, n=self.table_no)
        sep = "\u3000" if self.lang == "zh" else " "
        caption = caption_sentence(str(block.caption or ""), self.lang)
        room = self.text_height_mm()
        gap = self.caption_mm((number or "") + sep + caption if number else None)
        measured = [
            self.row_heights(block, cells, part, widths, plan.font_pt)
            for part, widths in zip(plan.parts, plan.widths_mm, strict=True)
        ]
        # the summary lines and notes under the table stay with it; of a long list of notes
        # (over a quarter page) the first HELD_NOTES only, the rest may go on on the next
        # page: the jinzhong demo's fertilizer efficiency table (3 rows, 25 lines of notes)
        # moved whole to page 4 and left 40 % of page 3 empty
        held = len(block.notes)
        if self.under_mm(block) > room / 4 and held > HELD_NOTES:
            held = HELD_NOTES
        under = self.under_mm(block, notes=held)
        total = sum(gap + header + sum(heights) for header, heights in measured) + under
        # the heading and the paragraph(s) right before the table stay on its page
        lead = self.lead if self.lead and self.lead_mm <= room / 3 else []
        lead_mm = self.lead_mm if lead else 0.0
        self.lead = []
        for element in lead[1:]:
            self._keep_next(element)

        def emit(index: int, rows: range, label: str | None, brk: bool, keep_last: bool) -> None:
            part, widths = plan.parts[index], plan.widths_mm[index]
            if label is None and (index > 0 or brk or rows.start > 0):
                # two adjacent <w:tbl> are merged into one table by Word and LibreOffice:
                # a paragraph keeps the parts apart
                self.paragraph("", size=4, space_after=4, page_break=brk, keep_next=True)
            elif label is not None:
                self.paragraph(
                    caption,
                    label=label + sep,
                    size=BODY_PT - 0.5,
                    align="center",
                    keep_next=True,
                    space_after=3,
                    page_break=brk,
                )
            xml = self._table_xml(
                block, cells, part, widths, plan.font_pt, body_rows=rows, keep_last=keep_last
            )
            self.document.element.body._insert_tbl(self.parse_xml(xml))

        body = self.document.element.body
        first_element = len(body) - 1  # the body's last child is its section properties
        if total <= room and not self.splits_here(plan, measured, gap, total):
            # one page: the column parts one under the other, kept together, one caption
            moves = self.y_mm + total > room
            top = lead_mm if moves else self.y_mm
            for index in range(len(plan.parts)):
                label = number if index == 0 else None
                emit(index, range(len(cells)), label, False, index < len(plan.parts) - 1)
            if moves:
                # the table moves whole to the next page (its caption first, after its lead)
                self.page_start = lead[0] if lead else body[first_element]
            self.y_mm = top + total - under
        else:
            for index, (header, heights) in enumerate(measured):
                full = room - gap - header - _PAGE_MARGIN_MM
                brk = False
                top = 0.0
                free = room - self.y_mm - gap - header - _FOOT_MARGIN_MM
                if sum(heights[:FIRST_ROWS]) <= free:
                    # a column part that starts on the page of the part before stands under
                    # it without a caption of its own (it is not "continued"), kept with it
                    first_room, top = free, self.y_mm
                    if index > 0:
                        self._keep_last_row()
                elif index == 0:
                    if lead:
                        # the break goes before the heading: heading, paragraph, caption and
                        # the first rows start the next page together
                        self._page_break_before(lead[0])
                        first_room, top = full - lead_mm, lead_mm
                        self.page_start = lead[0]
                    else:
                        first_room, brk = full, True
                else:
                    first_room, brk = full, True
                last_part = index == len(measured) - 1
                chunks = self.chunk_rows(heights, first_room, full, under if last_part else 0.0)
                if total <= room and len(chunks) > 1 and len(chunks[-1]) < FIRST_ROWS:
                    # a table that fits a page, split where it is: at least FIRST_ROWS rows
                    # go on under "(continued)", never a row or two alone on the next page
                    cut = len(heights) - FIRST_ROWS
                    chunks = [range(cut), range(cut, len(heights))]
                elif len(chunks) > 1 and len(chunks[-1]) < FIRST_ROWS:
                    # a table longer than a page: its last page too gets FIRST_ROWS rows
                    # from the page before (37 landscape rows went on as 35 + 2, the two
                    # alone under "(continued)" on a page of their own)
                    chunks = _balanced_tail(chunks, FIRST_ROWS)
                for step, rows in enumerate(chunks):
                    first = index == 0 and step == 0
                    label = number if first else None
                    if number and not first and (brk or step > 0):
                        label = t("label.continued", self.lang, n=self.table_no)
                    emit(index, rows, label, brk or step > 0, False)
                    if brk or step > 0:
                        top = 0.0
                    if step > 0 or (brk and index > 0):
                        # the page begins with a table's continuation: it stays where it is
                        self.page_start = None
                    self.y_mm = top + gap + header + sum(heights[r] for r in rows)
        colon = "：" if self.lang == "zh" else ": "
        after = [(label + colon, value) for label, value in block.footer]
        for position, (label, value) in enumerate(after):
            last = position == len(after) - 1 and not block.notes
            # the summary lines stay together (and with the table: see _table_xml)
            self.paragraph(
                value,
                label=label,
                size=NOTE_PT,
                space_after=6 if last else 0,
                keep_next=not last,
            )
        for position, note in enumerate(block.notes):
            last = position == len(block.notes) - 1
            # the notes stay together and with the table's last rows: alone at the top of a
            # page (a landscape one after a long means table) they explained nothing there
            keep = position < held - 1
            self.paragraph(
                note, size=NOTE_PT, color=_GREY, space_after=6 if last else 1, keep_next=keep
            )
        if not after and not block.notes:
            self.paragraph("", size=4, space_after=2)
        self.lead = []

    def splits_here(
        self,
        plan: TablePlan,
        measured: list[tuple[float, list[float]]],
        gap: float,
        total: float,
    ) -> bool:
        """Whether a table that fits a page, but not the rest of this one, starts here.

        A table of at most :data:`KEEP_ROWS` body rows (or of several column parts) moves
        whole to the next page, with the heading and paragraph before it.  A longer one
        left up to half a page empty before it (the network's 60 treatment rows under page
        1's facts, an augmented trial's 42 means): it starts here when :data:`FIRST_ROWS`
        rows fit, and goes on under "Table n (continued)." with its header rows repeated.
        """
        room = self.text_height_mm()
        if self.y_mm + total <= room or len(plan.parts) > 1:
            return False
        header, heights = measured[0]
        if len(heights) <= KEEP_ROWS:
            return False
        free = room - self.y_mm - gap - header - _FOOT_MARGIN_MM
        return sum(heights[:FIRST_ROWS]) <= free

    def caption_mm(self, caption: str | None) -> float:
        """Height of a table caption (or of the spacer paragraph of an uncaptioned part) [mm]."""
        if caption is None:
            return 8 * MM_PER_PT
        return self.text_mm(caption, BODY_PT - 0.5) + 3 * MM_PER_PT

    def under_mm(self, block: Table, *, notes: int | None = None) -> float:
        """Height of the summary lines and notes (the first ``notes``) under a table [mm]."""
        kept = block.notes if notes is None else block.notes[:notes]
        lines = [f"{label}: {value}" for label, value in block.footer] + list(kept)
        return sum(self.text_mm(line, NOTE_PT) for line in lines) + 6 * MM_PER_PT

    def _keep_next(self, element: Any) -> None:
        from docx.oxml.ns import qn

        ppr = element.find(qn("w:pPr"))
        if ppr is None:
            ppr = element.makeelement(qn("w:pPr"), {})
            element.insert(0, ppr)
        if ppr.find(qn("w:keepNext")) is None:
            ppr.insert(0, ppr.makeelement(qn("w:keepNext"), {}))

    def _keep_last_row(self) -> None:
        """Keep the last row of the body's last table with what follows."""
        from docx.oxml.ns import qn

        tables = self.document.element.body.findall(qn("w:tbl"))
        if tables:
            rows = tables[-1].findall(qn("w:tr"))
            for paragraph in rows[-1].iter(qn("w:p")) if rows else []:
                self._keep_next(paragraph)

    def _page_break_before(self, element: Any) -> None:
        from docx.oxml.ns import qn

        ppr = element.find(qn("w:pPr"))
        if ppr is None:
            ppr = element.makeelement(qn("w:pPr"), {})
            element.insert(0, ppr)
        ppr.insert(0, ppr.makeelement(qn("w:pageBreakBefore"), {}))

    def row_heights(
        self,
        block: Table,
        cells: list[list[str]],
        part: list[int],
        widths: list[float],
        font_pt: float,
    ) -> tuple[float, list[float]]:
        """Estimated height of the header rows and of each body row of a column part [mm].

        Row heights are estimated from the wrapped cell text (:func:`wrap_lines`) at
        :data:`LINE_HEIGHT` (a row with Chinese :data:`LINE_HEIGHT_CJK`) times the font
        size, on the safe side: a chunk that overflows all the same continues on the next
        page with its repeated header rows.
        """
        line_mm = font_pt * MM_PER_PT * LINE_HEIGHT
        em_mm = font_pt * MM_PER_PT
        columns = [block.columns[i] for i in part]

        def lines(text: str, width_mm: float, *, bold: bool = False) -> int:
            if not text:
                return 1
            room = max((width_mm - 2.2) / em_mm, 1.0)
            return max(len(wrap_lines(_glued_header(text) if bold else text, room, bold=bold)), 1)

        header = max(lines(c.label, w, bold=True) for c, w in zip(columns, widths, strict=True))
        if any(c.group is not None for c in columns):
            header += 1
        cjk_mm = line_mm * LINE_HEIGHT_CJK / LINE_HEIGHT
        heights = [
            max(
                lines(glue_difference(row[j]), w) if col.kind == "text" else 1
                for j, col, w in zip(part, columns, widths, strict=True)
            )
            * (cjk_mm if any(has_cjk(row[j]) for j in part) else line_mm)
            for row in cells
        ]
        cjk = any(has_cjk(c.label) for c in columns)
        return header * (cjk_mm if cjk else line_mm) + 1.0, heights

    def row_chunks(
        self,
        block: Table,
        cells: list[list[str]],
        part: list[int],
        widths: list[float],
        font_pt: float,
    ) -> list[range]:
        """Cut the body rows into chunks that each fit a whole page under caption and header."""
        header, heights = self.row_heights(block, cells, part, widths, font_pt)
        full = self.text_height_mm() - self.caption_mm("Table 1.") - header - _PAGE_MARGIN_MM
        return self.chunk_rows(heights, full, full, self.under_mm(block))

    @staticmethod
    def chunk_rows(
        heights: list[float], first_mm: float, page_mm: float, under_mm: float
    ) -> list[range]:
        """Cut rows of ``heights`` [mm] into a first chunk of ``first_mm`` and pages of ``page_mm``.

        The last chunk keeps ``under_mm`` for the summary lines and notes under the table:
        when they do not fit, its last two rows go on with them (never one row alone).

        Examples
        --------
        >>> _Writer.chunk_rows([10.0] * 7, 25.0, 40.0, 0.0)
        [range(0, 2), range(2, 6), range(6, 7)]
        >>> _Writer.chunk_rows([], 25.0, 40.0, 0.0)
        [range(0, 0)]
        """
        if not heights:
            return [range(0)]
        chunks: list[range] = []
        start, used, cap = 0, 0.0, first_mm
        for r, height in enumerate(heights):
            if used + height > cap and r > start:
                chunks.append(range(start, r))
                start, used, cap = r, 0.0, page_mm
            used += height
        if used + under_mm > cap and len(heights) - start > 2:
            chunks.append(range(start, len(heights) - 2))
            start = len(heights) - 2
        chunks.append(range(start, len(heights)))
        return chunks

    def _table_xml(
        self,
        block: Table,
        cells: list[list[str]],
        part: list[int],
        widths: list[float],
        font_pt: float,
        *,
        body_rows: range | None = None,
        keep_last: bool = False,
    ) -> str:
        """Return the ``w:tbl`` of one column part, for ``body_rows`` (default: every row).

        ``keep_last``: the last row stays with what follows (the next column part).
        """
        columns = [block.columns[i] for i in part]
        chosen = range(len(cells)) if body_rows is None else body_rows
        last_row = len(cells) - 1
        twips = [_twips(w) for w in widths]
        spans: list[tuple[str | None, list[int]]] = []
        for position, col in enumerate(columns):
            if spans and col.group is not None and spans[-1][0] == col.group:
                spans[-1][1].append(position)
            else:
                spans.append((col.group, [position]))
        two_rows = any(group is not None for group, _ in spans)
        rows: list[str] = []

        def cell(
            text: str,
            width: int,
            *,
            align: str,
            bold: bool = False,
            span: int = 1,
            merge: str | None = None,
            bottom: int = 0,
            shade: bool = False,
            keep: bool | None = None,
        ) -> str:
            props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if span > 1:
                props += f'<w:gridSpan w:val="{span}"/>'
            if merge:
                props += f'<w:vMerge w:val="{merge}"/>' if merge == "restart" else "<w:vMerge/>"
            if bottom:
                props += f"<w:tcBorders>{_border('bottom', bottom)}</w:tcBorders>"
            if shade:
                props += '<w:shd w:val="clear" w:color="auto" w:fill="EDEDED"/>'
            props += '<w:vAlign w:val="bottom"/>' if bold else '<w:vAlign w:val="center"/>'
            if bold and text:  # header: wrapped here, at word boundaries only
                room_mm = width / _TWIPS_PER_MM - 2.2  # cell margins 1 mm each side
                text = _glued_header(text)  # never inside its unit: "(kg N/ha)" stays whole
                lines = wrap_lines(text, room_mm / (font_pt * MM_PER_PT), bold=True)
                text = "\n".join(lines)
            # a body cell of a text column never wraps after a word's hyphen ("Sub-/plots")
            # nor inside a difference of two labels ("T − CK1", no-break spaces)
            glue = not bold and align == "left"
            if glue:
                text = glue_difference(text)
            run = _run_xml(text, size=font_pt, bold=bold, glue_words=glue) if text else ""
            keep_next = bold if keep is None else keep  # header cells stay with the first row
            paragraph = _paragraph_xml(run, align=align, keep_next=keep_next, mark_pt=font_pt)
            return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraph}</w:tc>"

        header_row = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
        if two_rows:
            first, second = [], []
            for group, members in spans:
                if group is None:
                    i = members[0]
                    first.append(
                        cell(columns[i].label, twips[i], align="center", bold=True, merge="restart")
                    )
                    second.append(cell("", twips[i], align="center", merge="continue", bottom=6))
                else:
                    width = sum(twips[i] for i in members)
                    first.append(
                        cell(group, width, align="center", bold=True, span=len(members), bottom=4)
                    )
                    for i in members:
                        second.append(
                            cell(columns[i].label, twips[i], align="center", bold=True, bottom=6)
                        )
            rows.append(f"<w:tr>{header_row}{''.join(first)}</w:tr>")
            rows.append(f"<w:tr>{header_row}{''.join(second)}</w:tr>")
        else:
            rows.append(
                f"<w:tr>{header_row}"
                + "".join(
                    cell(col.label, twips[i], align="center", bold=True, bottom=6)
                    for i, col in enumerate(columns)
                )
                + "</w:tr>"
            )
        for r in chosen:
            row = cells[r]
            shade = bool(block.row_style(r))
            last = r == chosen[-1]
            # a table (or chunk: at most a page, see row_chunks) stays on one page: a table of
            # 27 rows begun at a page foot broke onto the next page under no caption; the
            # table's last row stays with the summary lines and notes under it
            under = bool(block.footer or block.notes) and r == last_row
            keep = not last or under or keep_last
            # the panel's rows are signed by hand: 1 cm high
            height = '<w:trHeight w:val="567"/>' if block.key == "panel" else ""
            rows.append(
                f"<w:tr><w:trPr><w:cantSplit/>{height}</w:trPr>"
                + "".join(
                    cell(
                        row[j],
                        twips[i],
                        align=_cell_align(col),
                        shade=shade,
                        keep=keep,
                    )
                    for i, (j, col) in enumerate(zip(part, columns, strict=True))
                )
                + "</w:tr>"
            )
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
        borders = (
            f"<w:tblBorders>{_border('top', 12)}<w:left w:val='nil'/>{_border('bottom', 12)}"
            "<w:right w:val='nil'/><w:insideH w:val='nil'/><w:insideV w:val='nil'/></w:tblBorders>"
        )
        return (
            f'<w:tbl xmlns:w="{_W}"><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/>'
            f'<w:jc w:val="center"/>{borders}<w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
            '</w:tblCellMar><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
            'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )

    def key_values(self, block: KeyValues, *, keep_with_next: bool = False) -> None:
        """Append a borderless two-column facts table.

        ``keep_with_next``: every row stays on the page of what follows (the expert
        panel's facts stay with the signature table).
        """
        size = BODY_PT - 0.5
        em = size * MM_PER_PT
        label_mm = min(max((text_em(k, bold=True) for k, _ in block.items), default=4) * em, 55)
        label_mm += 4
        value_mm = PORTRAIT_TEXT_MM - label_mm
        rows = "".join(
            "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
            f'<w:tc><w:tcPr><w:tcW w:w="{_twips(label_mm)}" w:type="dxa"/></w:tcPr>'
            + _paragraph_xml(_run_xml(key, size=size, bold=True), keep_next=keep_with_next)
            + f'</w:tc><w:tc><w:tcPr><w:tcW w:w="{_twips(value_mm)}" w:type="dxa"/></w:tcPr>'
            + _paragraph_xml(_run_xml(value, size=size), keep_next=keep_with_next)
            + "</w:tc></w:tr>"
            for key, value in block.items
        )
        xml = (
            f'<w:tbl xmlns:w="{_W}"><w:tblPr>'
            f'<w:tblW w:w="{_twips(label_mm + value_mm)}" w:type="dxa"/>'
            "<w:tblBorders><w:top w:val='nil'/><w:left w:val='nil'/><w:bottom w:val='nil'/>"
            "<w:right w:val='nil'/><w:insideH w:val='nil'/><w:insideV w:val='nil'/></w:tblBorders>"
            '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="10" w:type="dxa"/>'
            '<w:left w:w="57" w:type="dxa"/><w:bottom w:w="10" w:type="dxa"/>'
            '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr>'
            f'<w:tblGrid><w:gridCol w:w="{_twips(label_mm)}"/><w:gridCol w:w="{_twips(value_mm)}"/>'
            f"</w:tblGrid>{rows}</w:tbl>"
        )
        element = self.parse_xml(xml)
        self.document.element.body._insert_tbl(element)
        # the rows are single-spaced (text_mm counts Normal's 1.2 lines) with 1 pt of cell
        # margins: the trial facts were counted 11 mm higher than LibreOffice set them
        self.advance(
            sum(
                max(
                    self.text_mm(k, size, width_mm=label_mm),
                    self.text_mm(v, size, width_mm=value_mm),
                )
                / 1.2
                + 1.0 * MM_PER_PT
                for k, v in block.items
            ),
            whole=keep_with_next,
            start=element,
        )
        self.lead = []
        self.paragraph("", size=4, space_after=2, keep_next=keep_with_next)

    def keep_last_with_next(self) -> None:
        """Keep the body's last paragraph (or last table row) on the page of what follows.

        Called before the closing "generated by" line, so that line never stands alone on
        the last page.
        """
        from docx.oxml.ns import qn

        body = self.document.element.body
        blocks = [e for e in body if e.tag in (qn("w:p"), qn("w:tbl"))]
        if not blocks:
            return
        last = blocks[-1]
        if last.tag == qn("w:tbl"):
            rows = last.findall(qn("w:tr"))
            paragraphs = list(rows[-1].iter(qn("w:p"))) if rows else []
        else:
            paragraphs = [last]
        for paragraph in paragraphs:
            self._keep_next(paragraph)

    # ---------------------------------------------------------------- figures
    def figure(self, block: Figure) -> None:
        from docx.shared import Mm

        from yieldtrial.report.i18n import t

        self.figure_no += 1
        paragraph = self.document.add_paragraph()
        paragraph.alignment = 1
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.first_line_indent = 0
        png = block.png(dpi=150)
        # a tall figure (a field map of many rows) is scaled to fit the page with its caption:
        # Word and LibreOffice clip a picture taller than the page
        aspect = _png_aspect(png)
        # at most a little over the size it was drawn at (150 dpi): a narrow field map (4 x 3
        # plots, drawn 83 mm wide) was blown up to the page's height, its labels to 1.8
        # times their size, and took a page of its own
        natural = _png_width_mm(png, dpi=150)
        width = min(150.0, self.text_width_mm(), natural * _FIGURE_MAX_SCALE or 150.0)
        if aspect > 0:
            # 0.01 mm to spare: python-docx rounds the height it derives from the width
            # (in EMU, 1/36,000 mm) and was a few EMU over the limit for some aspect ratios
            width = min(width, (self.text_height_mm() * _FIGURE_PAGE_SHARE - 0.01) / aspect)
        caption_mm = self.text_mm(block.caption, BODY_PT - 0.5) + 8 * MM_PER_PT
        if aspect > 0:
            # a figure that does not fit the rest of the page but would at a little less
            # than its size is set at the size that fits: the rcbd demo's field layout went
            # on page 3 and left 70 % of page 2 empty under a short table
            free = self.text_height_mm() - self.y_mm - caption_mm - 4 - _FOOT_MARGIN_MM
            smaller = free / aspect
            if smaller < width and smaller >= natural * _FIGURE_MIN_SCALE:
                width = smaller
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width))
        # the picture keeps with its caption: both start the next page when they do not fit
        self.advance(width * aspect + 4 + caption_mm, whole=True, start=paragraph._p)
        self.y_mm -= caption_mm
        self.lead = []
        label = t("label.figure", self.lang, n=self.figure_no)
        self.paragraph(
            caption_sentence(block.caption, self.lang),
            label=label + ("　" if self.lang == "zh" else " "),
            size=BODY_PT - 0.5,
            align="center",
            space_after=8,
        )

    # ----------------------------------------------------------------- output
    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        created = package_datetime(self.report.metadata.get("report_date"))
        return deterministic_package(buffer.getvalue(), created=created)


#: Largest share of a landscape page's text height that the blocks of a portrait page
#: holding little take along into a landscape section after it (:meth:`_Writer.orient`).
CARRIED_SHARE = 1 / 3
#: Fewest body rows a long table starts with on the current page (else on the next page).
FIRST_ROWS = 5
#: Notes kept with their table when its notes take more than a quarter page (the rest may
#: go on on the next page).
HELD_NOTES = 2
#: Most body rows of a table that moves whole to the next page when it does not fit in
#: the rest of the current one (a longer table that fits a page starts where it is and
#: goes on under "(continued)", see :meth:`_Writer.splits_here`).
KEEP_ROWS = 15
#: Room left free at the foot of a page under a long table's first chunk [mm] (the page
#: position is an estimate).
_FOOT_MARGIN_MM = 6.0
#: Room left free at the foot of a page-sized chunk [mm]: a chunk a few points too long for
#: its page would leave its last rows alone on the next.
_PAGE_MARGIN_MM = 8.0

#: How much narrower lowercase Latin letters set in prose than the column width estimates
#: (:func:`text_em`).  Stop 39, the 26 body paragraphs of over 60 characters of the English
#: augmented, replicated-rcbd and jinzhong reports against LibreOffice 7.4's lines: with 0.2
#: 95 lines counted for 87 set (10 paragraphs a line over, about 5 mm each, none under);
#: with 0.25 91 (6 over, none under); with 0.3 the first under-count.
_PROSE_LOWERCASE_SHRINK = 0.25

#: Largest share of the text height a figure takes (the rest: its caption and heading).
_FIGURE_PAGE_SHARE = 0.8
#: Largest and smallest scale of a figure against the size it was drawn at: at most 1.1
#: (text 10 % over its drawn size); to fit the rest of a page at least 0.85 (else it goes
#: on the next page at its full size).
_FIGURE_MAX_SCALE = 1.1
_FIGURE_MIN_SCALE = 0.85


def _png_aspect(png: bytes) -> float:
    """Height over width of a PNG image from its IHDR chunk (0 when it is not a PNG)."""
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n":
        return 0.0
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    return height / width if width else 0.0


def _png_width_mm(png: bytes, *, dpi: int) -> float:
    """Width of a PNG image drawn at ``dpi`` [mm] (0 when it is not a PNG)."""
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n":
        return 0.0
    return int.from_bytes(png[16:20], "big") / dpi * 25.4


def _balanced_tail(chunks: list[range], least: int) -> list[range]:
    """Move rows from the second-last chunk so the last has ``least`` rows (if it can spare).

    The chunk before keeps at least ``least`` rows itself.

    Examples
    --------
    >>> _balanced_tail([range(0, 35), range(35, 37)], 5)
    [range(0, 32), range(32, 37)]
    >>> _balanced_tail([range(0, 6), range(6, 8)], 5)
    [range(0, 5), range(5, 8)]
    """
    before, last = chunks[-2], chunks[-1]
    move = min(least - len(last), len(before) - least)
    if move <= 0:
        return chunks
    cut = before.stop - move
    return [*chunks[:-2], range(before.start, cut), range(cut, last.stop)]


def _ns(xml: str) -> str:
    """Declare the w: namespace on the first element of an XML fragment."""
    return re.sub(r"^<w:(\w+)", lambda m: f'<w:{m.group(1)} xmlns:w="{_W}"', xml, count=1)


def render_docx(report: Report) -> bytes:
    """Render ``report`` as a .docx document.

    Parameters
    ----------
    report : Report
        The report model.

    Returns
    -------
    bytes
        The document (identical bytes for identical reports).

    Raises
    ------
    MissingExtraError
        If python-docx is not installed (``pip install 'yieldtrial[docx]'``).
    """
    from yieldtrial.report.i18n import t

    report = report.shown()  # no column empty in every row
    writer = _Writer(report)
    writer.heading(report.title, 0)
    for part in report.sections:
        plans = {id(b): writer.plan(b) for b in part.blocks if isinstance(b, Table)}
        writer.orient(any(plan.landscape for plan in plans.values()))
        writer.heading(part.title, 1)
        for position, block in enumerate(part.blocks):
            if isinstance(block, Paragraph):
                color = {"note": _GREY, "warning": _WARN}.get(block.style)
                size = NOTE_PT if block.style == "note" else BODY_PT
                following = part.blocks[position + 1] if position + 1 < len(part.blocks) else None
                # a paragraph that introduces a list ("Warnings:") stays with its first
                # item: "警告：" stood alone at a page foot, its warning on the next page
                first = (
                    following.items[0]
                    if isinstance(following, Bullets) and following.items
                    else None
                )
                writer.paragraph(
                    block.text,
                    size=size,
                    bold=block.style == "claim",
                    color=color,
                    indent=block.style == "normal",
                    keep_next=first is not None,
                    with_next_mm=writer.item_mm(first) if first is not None else 0.0,
                )
            elif isinstance(block, Bullets):
                writer.bullets(block.items, color=_WARN if block.style == "warning" else None)
            elif isinstance(block, KeyValues):
                writer.key_values(block, keep_with_next=part.key == "panel")
            elif isinstance(block, Table):
                writer.table(block, plans[id(block)])
            elif isinstance(block, Figure):
                writer.figure(block)
    meta = report.metadata
    writer.keep_last_with_next()
    writer.paragraph(
        t(
            "footer.generated",
            report.lang,
            version=meta.get("yieldtrial_version", ""),
            date=meta.get("report_date", ""),
        ),
        size=NOTE_PT,
        color=_GREY,
    )
    return writer.save()
