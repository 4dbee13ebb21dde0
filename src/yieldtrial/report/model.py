"""The report model: a yield-test report as data (sections of blocks).

A :class:`Report` is a list of :class:`Section`, each a list of blocks:
:class:`Paragraph`, :class:`Bullets`, :class:`KeyValues`, :class:`Table` and
:class:`Figure`.  Tables hold the raw numbers (not strings); renderers format
them with the column's :class:`Column` kind and digits, so the JSON renderer
writes exactly the library's numbers while HTML, Markdown and DOCX show them
rounded.  Figures hold a drawing function, called only by renderers that need
the picture.

Renderers: :meth:`Report.to_html`, :meth:`Report.to_markdown`,
:meth:`Report.to_json`, :meth:`Report.to_docx`, or :meth:`Report.write` with
the format inferred from the file suffix.  The model imports no renderer: the
renderers register with :mod:`yieldtrial.report.formats`, where
:meth:`Report.render` looks them up.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from yieldtrial.errors import UnknownNameError, WrongTypeError
from yieldtrial.io._rounding import fixed
from yieldtrial.report.formats import FORMATS, check_format, format_for_path, renderer, writer

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "Bullets",
    "Column",
    "caption_sentence",
    "Companion",
    "Figure",
    "KeyValues",
    "NumberStyle",
    "Paragraph",
    "Report",
    "Section",
    "Table",
    "format_for_path",
    "format_value",
]

#: Version of the JSON report schema (``docs/report-json-schema.md``).
SCHEMA_VERSION = "1.5"


@dataclass(frozen=True)
class NumberStyle:
    """How a report writes numbers; one style per report, used by every renderer.

    Attributes
    ----------
    group_from : float
        Numbers whose magnitude is at least this get thousands separators
        (default 10000: four-digit numbers stay ungrouped, as GB/T 15835-2011
        and most journals allow).
    separator : str
        Thousands separator.

    Examples
    --------
    >>> NumberStyle().number(12345.678, 1), NumberStyle(group_from=1000).number(6123.44, 1)
    ('12,345.7', '6,123.4')
    """

    group_from: float = 10000.0
    separator: str = ","

    def number(self, value: float, digits: int) -> str:
        """Format ``value`` with ``digits`` decimals and this style's grouping.

        The grouping follows the number shown: 9999.96 to one decimal is "10,000.0" (it
        read "10000.0", five digits ungrouped beside "10,234.5").
        """
        text = fixed(value, digits)  # the one rounding rule, as the Excel cells show it
        if abs(float(text)) >= self.group_from:
            return fixed(value, digits, group=self.separator)
        return text


#: The default number style (a table built alone: grouped from 10,000).
DEFAULT_NUMBER_STYLE = NumberStyle()

#: The style of every report's tables, single-trial and network alike: thousands grouped
#: from 1,000 ("7,234.5 kg/ha"; a single-trial table printed "7234.5" where the network's
#: printed "7,234.5", stop 46), in English and Chinese (GB/T 15835-2011 allows the comma
#: grouping).  The report's sentences group their quantities alike (``fmt_number``; they
#: grouped from 10,000, "6719.5" above a table's "7,134.0", stop 46).  CSV and JSON keep
#: plain numbers; Excel cells stay numbers (only their display format groups).
REPORT_NUMBER_STYLE = NumberStyle(group_from=1000.0)

ColumnKind = Literal["text", "number", "int", "pvalue", "pct", "signed", "signed_pct"]


@dataclass(frozen=True)
class Column:
    """A table column: key into the row dicts, header label and number format.

    Attributes
    ----------
    key : str
        Key of the value in each row.
    label : str
        Header shown to the reader (translated).
    kind : str
        ``"text"``, ``"number"``, ``"int"``, ``"pvalue"``, ``"pct"``,
        ``"signed"`` (number with a + sign) or ``"signed_pct"``.
    digits : int
        Decimals shown for numbers.
    unit : str or None
        Unit of the values (recorded in JSON).
    group : str or None
        Label of a column group: adjacent columns with the same group share a
        spanning header above their own labels (e.g. "Significance" over the
        0.05 and 0.01 letter columns).
    fill_in : bool
        A column left blank to be filled in by hand (the panel's signatures): shown even
        when every cell is empty (:meth:`Table.shown`).  Not in the JSON report.
    """

    key: str
    label: str
    kind: ColumnKind = "number"
    digits: int = 2
    unit: str | None = None
    group: str | None = None
    fill_in: bool = False


@dataclass
class Paragraph:
    """A paragraph of text; ``style`` is ``"normal"``, ``"note"``, ``"warning"`` or ``"claim"``."""

    text: str
    style: str = "normal"
    type: str = field(default="paragraph", init=False)


@dataclass
class Bullets:
    """A bulleted list."""

    items: list[str]
    style: str = "normal"
    type: str = field(default="bullets", init=False)


@dataclass
class KeyValues:
    """A two-column list of labelled values (e.g. the report header)."""

    items: list[tuple[str, str]]
    type: str = field(default="keyvalues", init=False)


#: Rows of a :class:`Table` a notebook shows (``_repr_html_``).
REPR_ROWS = 20


@dataclass
class Table:
    """A table of raw values.

    Attributes
    ----------
    key : str
        Identifier (stable across languages; used in JSON).
    columns : list of Column
        Columns in display order.
    rows : list of dict
        One dict per row, keyed by :attr:`Column.key`; values are raw numbers,
        text or ``None``.
    caption : str or None
        Caption above the table.
    notes : list of str
        Footnotes below the table.
    footer : list of (str, str)
        Summary lines under the table (label, formatted value), e.g. CV, LSD.
    row_styles : list of str
        Optional style name per row (e.g. ``"excluded"``), used by HTML as a
        row class and by DOCX as shading; empty or ``""`` for none.
    """

    key: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    caption: str | None = None
    notes: list[str] = field(default_factory=list)
    footer: list[tuple[str, str]] = field(default_factory=list)
    row_styles: list[str] = field(default_factory=list)
    type: str = field(default="table", init=False)

    def formatted(self, style: NumberStyle | None = None) -> list[list[str]]:
        """Return the rows as display strings, column by column (numbers in ``style``).

        A table groups all its thousands or none: when one value of a number column
        reaches :attr:`NumberStyle.group_from`, every value from 1,000 on of its number
        columns is grouped too, so "9,896.9" stands over "10,434.7" and beside it (not
        "9896.9", a table of two styles).

        Examples
        --------
        >>> table = Table("t", [Column("y", "Y", digits=1)], [{"y": 9896.9}, {"y": 10434.7}])
        >>> table.formatted()
        [['9,896.9'], ['10,434.7']]
        """
        grouped = self._number_style(style or DEFAULT_NUMBER_STYLE)
        styles = [grouped if col.kind == "number" else style for col in self.columns]
        return [
            [format_value(row.get(col.key), col, styles[j]) for j, col in enumerate(self.columns)]
            for row in self.rows
        ]

    def shown(self) -> Table:
        """Return the table as the rendered reports show it: no column empty in every row.

        A text column whose every cell is empty (the Product and Rate of a trial without
        products) printed an empty column; the HTML, Markdown, Word and Excel reports leave
        it out.  A number column is kept (its missing values read "–", not blank), and so
        are the columns of a table without rows and a column to fill in by hand
        (:attr:`Column.fill_in`, the panel's signatures).  The JSON report keeps every
        column (its schema does not depend on the data).

        Returns
        -------
        Table
            ``self`` when no column is empty, else a copy with fewer columns (same rows).

        Examples
        --------
        >>> table = Table("t", [Column("a", "A", "text"), Column("b", "B", "text")],
        ...               [{"a": "CK", "b": ""}, {"a": "T", "b": None}])
        >>> [c.key for c in table.shown().columns]
        ['a']
        """
        if not self.rows:
            return self
        keep = [
            c
            for c in self.columns
            if c.fill_in or not all(_blank(row.get(c.key), c) for row in self.rows)
        ]
        if len(keep) == len(self.columns) or not keep:
            return self
        return replace(self, columns=keep)

    def _number_style(self, style: NumberStyle) -> NumberStyle:
        """Return the style of the number columns: from 1,000 on when any value is grouped."""
        if style.group_from <= 1000:
            return style
        for column in self.columns:
            if column.kind != "number":
                continue
            for row in self.rows:
                number = _finite(row.get(column.key))
                if number is None:
                    continue
                if abs(float(fixed(number, column.digits))) >= style.group_from:  # as shown
                    return NumberStyle(group_from=1000.0, separator=style.separator)
        return style

    def number_style(self, style: NumberStyle | None = None) -> NumberStyle:
        """Return the style of the table's number columns (see :meth:`formatted`).

        Examples
        --------
        >>> table = Table("t", [Column("y", "Y", digits=1)], [{"y": 9896.9}, {"y": 10434.7}])
        >>> table.number_style().group_from
        1000.0
        """
        return self._number_style(style or DEFAULT_NUMBER_STYLE)

    def column_groups(self) -> list[tuple[str | None, list[Column]]]:
        """Adjacent columns grouped by :attr:`Column.group` (``None`` for ungrouped runs)."""
        spans: list[tuple[str | None, list[Column]]] = []
        for col in self.columns:
            if spans and col.group is not None and spans[-1][0] == col.group:
                spans[-1][1].append(col)
            else:
                spans.append((col.group, [col]))
        return spans

    @property
    def has_groups(self) -> bool:
        """Whether any column belongs to a group (the header has two rows)."""
        return any(col.group is not None for col in self.columns)

    def row_style(self, index: int) -> str:
        """Style name of row ``index`` (``""`` when none)."""
        return self.row_styles[index] if index < len(self.row_styles) else ""

    def _repr_html_(self) -> str:
        """Show the table in a notebook: caption, header, the first rows as printed.

        Up to :data:`REPR_ROWS` rows, numbers formatted as in the report; a longer table
        says how many rows are left out (all are in :attr:`rows`).
        """
        from html import escape

        style = self.number_style(REPORT_NUMBER_STYLE)
        head = "".join(f"<th>{escape(c.label)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
            for row in replace(self, rows=self.rows[:REPR_ROWS]).formatted(style)
        )
        caption = f"<caption>{escape(self.caption)}</caption>" if self.caption else ""
        more = len(self.rows) - REPR_ROWS
        tail = f"<p>... {more:,} more rows (Table.rows holds all {len(self.rows):,})</p>"
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" + (
            tail if more > 0 else ""
        )


@dataclass
class Figure:
    """A figure drawn on demand.

    Attributes
    ----------
    key : str
        Identifier.
    caption : str
        Caption under the figure.
    draw : callable
        ``draw() -> Axes``; called by the renderers that need the picture.
    """

    key: str
    caption: str
    draw: Callable[[], Axes]
    type: str = field(default="figure", init=False)

    def svg(self) -> str:
        """Render as inline SVG (text kept as text)."""
        from yieldtrial.plotting import close, figure_to_svg

        ax = self.draw()
        try:
            return figure_to_svg(ax.figure)
        finally:
            close(ax)

    def png(self, *, dpi: int = 150) -> bytes:
        """Render as PNG bytes."""
        from yieldtrial.plotting import close, figure_to_png

        ax = self.draw()
        try:
            return figure_to_png(ax.figure, dpi=dpi)
        finally:
            close(ax)


Block = Paragraph | Bullets | KeyValues | Table | Figure


@dataclass
class Companion:
    """The complete version of a table that the report shows summarised.

    Above :data:`yieldtrial.report.entries.ENTRY_TABLE_LIMIT` entries the report's
    sections show a summary of the per-entry tables; the complete table goes to the JSON
    report (``results``), to the Excel report (which writes it instead of the summary)
    and, when an HTML, Markdown or Word report is written to a file, to
    ``<report stem>_<key>.csv`` next to it (:mod:`yieldtrial.report.companions`).

    Attributes
    ----------
    key : str
        The :attr:`Table.key` of the summarised table (also the file-name suffix).
    table : Table
        The complete table (every row).
    note : Paragraph
        The paragraph of the report that says where the complete table is.
    note_text : callable
        ``note_text(file_name)`` -> the paragraph's text once the companion file is
        written (``None``: no file).
    """

    key: str
    table: Table
    note: Paragraph
    note_text: Callable[[str | None], str]


@dataclass
class Section:
    """A titled part of the report."""

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def _repr_html_(self) -> str:
        """Show the section in a notebook: title, text, tables (first rows), captions.

        Without it a notebook printed the dataclass repr: every column object and every
        row of its tables (``report.section("means")``, as the user guide shows it).
        """
        from html import escape

        parts = [f"<h3>{escape(self.title)}</h3>"]
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(f"<p>{escape(block.text)}</p>")
            elif isinstance(block, Bullets):
                items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
                parts.append(f"<ul>{items}</ul>")
            elif isinstance(block, KeyValues):
                rows = "".join(
                    f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in block.items
                )
                parts.append(f"<table>{rows}</table>")
            elif isinstance(block, Table):
                parts.append(block._repr_html_())
            elif isinstance(block, Figure):
                parts.append(f"<p><i>Figure: {escape(block.caption)}</i></p>")
        return "".join(parts)


@dataclass
class Report:
    """A yield-test report as data.

    Attributes
    ----------
    title : str
        Report title.
    lang : str
        ``"en"`` or ``"zh"``.
    sections : list of Section
        The report body, in order.
    metadata : dict
        Header information and provenance (JSON-ready).
    results : dict
        The library's results as JSON-ready records (``means``,
        ``control_comparisons``, ``pairwise``, ``anova``, ...), written to
        the JSON report unchanged.
    number_style : NumberStyle
        How every renderer writes the numbers of this report's tables (default
        :data:`REPORT_NUMBER_STYLE`).
    """

    title: str
    lang: str
    sections: list[Section]
    metadata: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    number_style: NumberStyle = field(default_factory=lambda: REPORT_NUMBER_STYLE)
    #: Complete versions of the tables shown summarised (see :class:`Companion`).
    companions: list[Companion] = field(default_factory=list)

    def section(self, key: str) -> Section:
        """Return the section with ``key``.

        An absent key is a :class:`~yieldtrial.errors.UnknownNameError` (a KeyError) naming
        the sections there are.
        """
        for item in self.sections:
            if item.key == key:
                return item
        keys = ", ".join(s.key for s in self.sections)
        raise UnknownNameError(f"no section {key!r}; sections: {keys}")

    def numbers(self) -> dict[int, int]:
        """Return the number of each captioned table and each figure, keyed by ``id(block)``.

        Tables with a caption count "Table 1, 2, ..." and figures "Figure 1, 2, ..." in
        reading order; every renderer labels its captions with these numbers, so "Table 3"
        is the same table in the HTML, Markdown and Word reports.

        Examples
        --------
        >>> t1 = Table("a", [], [], caption="A")
        >>> t2 = Table("b", [], [])
        >>> report = Report("T", "en", [Section("s", "S", [t1, t2])])
        >>> report.numbers() == {id(t1): 1}
        True
        """
        numbers: dict[int, int] = {}
        tables = figures = 0
        for item in self.sections:
            for block in item.blocks:
                if isinstance(block, Table) and block.caption:
                    tables += 1
                    numbers[id(block)] = tables
                elif isinstance(block, Figure):
                    figures += 1
                    numbers[id(block)] = figures
        return numbers

    def shown(self) -> Report:
        """Return the report as the rendered formats show it (see :meth:`Table.shown`).

        Tables (and the complete tables of the companions) lose the columns that are empty
        in every row; every other block is the same object.  ``self`` when nothing changes.
        """
        changed = False
        sections = []
        for section in self.sections:
            blocks: list[Block] = []
            for block in section.blocks:
                shown = block.shown() if isinstance(block, Table) else block
                changed = changed or shown is not block
                blocks.append(shown)
            sections.append(replace(section, blocks=blocks))
        companions = []
        for companion in self.companions:
            table = companion.table.shown()
            changed = changed or table is not companion.table
            companions.append(replace(companion, table=table))
        if not changed:
            return self
        return replace(self, sections=sections, companions=companions)

    def has_section(self, key: str) -> bool:
        """Whether the report has a section ``key``."""
        return any(item.key == key for item in self.sections)

    # ----------------------------------------------------------------- renderers
    def render_as(self, fmt: str) -> str | bytes:
        """Render with the renderer registered for ``fmt`` (text or bytes, as it returns)."""
        return renderer(fmt)(self)

    def to_html(self) -> str:
        """Render as one self-contained HTML file (inline CSS and SVG figures)."""
        return str(self.render_as("html"))

    def to_markdown(self) -> str:
        """Render as Markdown (figures are listed by caption)."""
        return str(self.render_as("markdown"))

    def to_json(self) -> str:
        """Render as JSON following ``docs/report-json-schema.md``."""
        return str(self.render_as("json"))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON document as a dict."""
        document: dict[str, Any] = json.loads(self.to_json())
        return document

    def to_docx(self) -> bytes:
        """Render as a Word document (needs the ``docx`` extra)."""
        data = self.render_as("docx")
        return data if isinstance(data, bytes) else data.encode("utf-8")

    def render(self, fmt: str) -> bytes:
        """Render in format ``fmt`` (a key of :data:`FORMATS`) as bytes."""
        data = self.render_as(fmt)
        return data.encode("utf-8") if isinstance(data, str) else data

    def write(
        self,
        path: str | os.PathLike[str],
        *,
        format: str | None = None,
        force: bool = False,
    ) -> Path:
        """Render and write atomically (format from ``format`` or the suffix).

        Markdown reports also write their figures as SVG files into a folder
        next to the ``.md`` (``report_files/fig1.svg``), linked from the text.
        HTML, Markdown and Word reports of a trial with more entries than the report
        lists also write the complete tables as ``report_means.csv`` (and so on) next
        to the report (:class:`Companion`).

        As ``yieldtrial report`` does, an existing file is replaced only when it is
        yieldtrial's own unchanged output (recorded in the folder's manifest
        ``.yieldtrial-outputs``) or with ``force=True``; the written files are
        recorded there, so the next call may replace them.

        Parameters
        ----------
        path : path
            Output file.
        format : str, optional
            One of :data:`FORMATS`; inferred from the suffix when omitted.
        force : bool, default False
            Replace an existing file that yieldtrial did not write.

        Returns
        -------
        Path
            The written file.

        Raises
        ------
        DataValidationError
            ``path`` (or a figure or table file that goes with it) exists and is not
            yieldtrial's own output, and ``force`` is false.
        """
        from yieldtrial.io.output import check_output, output_group, record_output, write_output

        if not isinstance(path, str | os.PathLike):  # None or bytes failed inside pathlib
            raise WrongTypeError(
                "Report.write takes a file path (text or a pathlib.Path), e.g. 'report.html'; "
                f"got {type(path).__name__}"
            )
        fmt = check_format(format) if format else format_for_path(path)
        target = check_output(path, force=force)  # never over a file of the user's
        report = self
        with output_group():  # a failure removes the files this call created
            if self.companions:
                from yieldtrial.report.companions import write_companions

                report, _ = write_companions(self, target, fmt=fmt, force=force)
            write_file = writer(fmt)  # Markdown: checks its figure files the same way
            if write_file is not None:
                return record_output(write_file(report, target))
            return write_output(target, report.render(fmt), force=force)

    def __repr__(self) -> str:
        """Title, language and sections with their sizes (the text is in ``_repr_html_``)."""
        parts = []
        for section in self.sections:
            rows = sum(len(b.rows) for b in section.blocks if isinstance(b, Table))
            figures = sum(isinstance(b, Figure) for b in section.blocks)
            size = f"{len(section.blocks)} block{'s' if len(section.blocks) != 1 else ''}"
            if rows:
                size += f", {rows} table row{'s' if rows != 1 else ''}"
            if figures:
                size += f", {figures} figure{'s' if figures != 1 else ''}"
            parts.append(f"{section.key} ({size})")
        return (
            f"Report(title={self.title!r}, lang={self.lang!r}, {len(self.sections)} sections: "
            f"{', '.join(parts)})"
        )

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        return self.to_html()


#: Characters that end a caption as a sentence ends.
_CAPTION_ENDS = (".", "。", "?", "？", "!", "！")


def caption_sentence(caption: str, lang: str) -> str:
    """Return a table or figure caption ending in a full stop ("." / "。").

    Every renderer that prints a numbered caption ("Table 3. ...", "表 3　...") ends it
    with this stop, so that no caption reads as a sentence and the next without (the
    JSON report keeps the caption as built).

    Parameters
    ----------
    caption : str
        The caption text.
    lang : str
        Report language: ``"zh"`` ends with "。", any other with ".".

    Returns
    -------
    str
        ``caption`` without trailing spaces, with the stop added unless it ends in one.

    Examples
    --------
    >>> caption_sentence("Named contrasts (trial.toml), each a planned comparison", "en")
    'Named contrasts (trial.toml), each a planned comparison.'
    >>> caption_sentence("施肥方案 †", "zh"), caption_sentence("LS-means.", "en")
    ('施肥方案 †。', 'LS-means.')
    """
    text = caption.rstrip()
    if not text or text.endswith(_CAPTION_ENDS):
        return text
    return text + ("。" if lang == "zh" else ".")


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool | str):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _blank(value: Any, column: Column) -> bool:
    """Whether ``value`` shows as an empty cell in ``column`` (see :func:`format_value`)."""
    if column.kind == "text" and value is None:
        return True
    return isinstance(value, str) and not value.strip()


def format_value(value: Any, column: Column, style: NumberStyle | None = None) -> str:
    """Format one table value for display.

    Examples
    --------
    >>> format_value(0.00001, Column("p", "P", "pvalue"))
    '<0.001'
    >>> format_value(5.28, Column("d", "D", "signed", 2))
    '+5.28'
    >>> format_value(2039, Column("df", "df", "int"))
    '2,039'
    >>> format_value(float("nan"), Column("x", "X"))
    '–'
    """
    if column.kind == "text":
        return "" if value is None else str(value)
    number = _finite(value)
    if number is None:
        return "–" if not isinstance(value, str) else value
    if column.kind == "int":  # a count (df, n, sites): grouped from 1,000 on, as in the text
        return fixed(number, 0, group=",")
    if column.kind == "pvalue":
        return "<0.001" if number < 0.001 else fixed(number, 3)
    if column.kind == "pct":
        return fixed(number, column.digits)
    if column.kind in ("signed", "signed_pct"):
        style = style or DEFAULT_NUMBER_STYLE
        if column.kind == "signed" and style.group_from <= 1000:
            # grouped as the number columns beside it ("+1,225.8" next to "1,125.4", stop
            # 41); the Excel format groups alike (render_xlsx._number_format)
            return fixed(number, column.digits, sign=True, group=style.separator)
        return fixed(number, column.digits, sign=True)
    return (style or DEFAULT_NUMBER_STYLE).number(number, column.digits)


def records(frame: Any, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Turn a DataFrame into JSON-ready records (NaN -> None, NumPy -> Python)."""
    if columns is not None:
        frame = frame[[c for c in columns if c in frame.columns]]
    import numpy as np

    names = [str(k) for k in frame.columns]
    if not names:
        return [{} for _ in range(len(frame))]
    if frame.attrs:  # pandas deep-copies attrs into every column taken: O(columns^2) when wide
        frame = frame.copy(deep=False)
        frame.attrs = {}
    values = []
    for position in range(len(names)):  # column by column: 10,000-row tables in a blink
        series = frame.iloc[:, position]
        kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else "O"
        if kind in "iub":  # NumPy integers and booleans: Python ints and bools
            values.append(series.to_numpy().tolist())
        elif kind == "f":  # NumPy floats: NaN and infinities -> None, as json_value
            values.append([v if math.isfinite(v) else None for v in series.to_numpy().tolist()])
        else:
            values.append([json_value(v) for v in series.tolist()])
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def json_value(value: Any) -> Any:
    """Convert a value to a JSON-ready Python value (NaN and NA -> None)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, str):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)
