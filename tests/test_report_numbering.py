"""Numbered captions and the continued Word table (stop 32).

Captions read "Table 2." / "表 2" and "Figure 1." / "图 1" in every format; a Word table
longer than a page continues under "Table n (continued)." / "表 n（续）" with its header.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from yieldtrial.report.model import Column, Figure, Paragraph, Report, Section, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _draw() -> Any:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    return ax


def _report(lang: str, *, rows: int = 3) -> Report:
    """Two captioned tables around a figure, and a table without a caption (not numbered)."""
    columns = [Column("plot", "Plot" if lang == "en" else "小区", kind="text"), Column("y", "Y")]
    body = [{"plot": f"P{i}", "y": float(i)} for i in range(rows)]
    first = Table("first", columns, body, caption="First" if lang == "en" else "第一")
    plain = Table("plain", columns, body[:1])
    figure = Figure("fig", "A line" if lang == "en" else "一条线", _draw)
    second = Table("second", columns, body[:2], caption="Second" if lang == "en" else "第二")
    blocks = [Paragraph("intro"), first, plain, figure, second]
    return Report("T", lang, [Section("s", "Section", blocks)])


def test_numbers_count_captioned_tables_and_figures_apart() -> None:
    report = _report("en")
    first, plain, figure, second = report.sections[0].blocks[1:]
    assert report.numbers() == {id(first): 1, id(figure): 1, id(second): 2}
    assert id(plain) not in report.numbers()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["Table 1. First.", "Figure 1. A line.", "Table 2. Second."]),
        ("zh", ["表 1\u3000第一。", "图 1\u3000一条线。", "表 2\u3000第二。"]),
    ],
)
def test_html_captions_are_numbered(lang: str, expected: list[str]) -> None:
    html = _report(lang).to_html()
    captions = [
        re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<figcaption>(.*?)</figcaption>", html)
    ]
    assert captions == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["*Table 1. First.*", "*Figure 1. A line.*", "*Table 2. Second.*"]),
        ("zh", ["表 1\u3000第一。", "图 1\u3000一条线。", "表 2\u3000第二。"]),
    ],
)
def test_markdown_captions_are_numbered(lang: str, expected: list[str]) -> None:
    lines = _report(lang).to_markdown().splitlines()
    starts = ("*Table", "*Figure", "表 ", "图 ")
    assert [line for line in lines if line.startswith(starts)] == expected


# ---------------------------------------------------------------- Word: long tables
docx = pytest.importorskip("docx")


def _document(lang: str, rows: int) -> Any:
    return docx.Document(io.BytesIO(_report(lang, rows=rows).to_docx()))


def _paragraph_text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _captions_and_tables(document: Any) -> list[tuple[str, Any]]:
    """(caption text or "" for a table, element) of the body, in order."""
    out = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{W}tbl":
            out.append(("", child))
        elif child.tag == f"{W}p" and _paragraph_text(child).startswith(("Table", "表")):
            out.append((_paragraph_text(child), child))
    return out


@pytest.mark.parametrize(
    ("lang", "continued"), [("en", "Table 1 (continued). First."), ("zh", "表 1（续）\u3000第一。")]
)
def test_docx_long_table_continues_under_a_continued_caption(lang: str, continued: str) -> None:
    # 200 one-line rows at 9 pt need about 700 mm: three A4 pages (252 mm of text each)
    items = _captions_and_tables(_document(lang, 200))
    captions = [text for text, _ in items if text]
    assert captions.count(continued) >= 2
    # every continued caption starts its page and is followed by a table
    for position, (text, element) in enumerate(items):
        if text == continued:
            assert element.find(f"{W}pPr/{W}pageBreakBefore") is not None
            assert items[position + 1][0] == ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_docx_each_chunk_of_a_long_table_repeats_its_header_row(lang: str) -> None:
    tables = [el for text, el in _captions_and_tables(_document(lang, 200)) if not text]
    header = "Plot" if lang == "en" else "小区"
    chunks = tables[:-2]  # the last two are "plain" and "Second"
    assert len(chunks) >= 3
    for table in chunks:
        first_row = table.find(f"{W}tr")
        assert first_row.find(f"{W}trPr/{W}tblHeader") is not None
        assert _paragraph_text(first_row).startswith(header)
    body_rows = sum(len(t.findall(f"{W}tr")) - 1 for t in chunks)
    assert body_rows == 200  # every row once


def test_docx_table_that_fits_a_page_is_one_table_without_continued_caption() -> None:
    document = _document("en", 30)
    texts = [text for text, _ in _captions_and_tables(document)]
    assert not any("continued" in text for text in texts)
    assert texts.count("") == 3  # first, plain and second: one table each


# ---------------------------------------------------------------- in-text references
def _with_means(lang: str, note: str) -> Report:
    from yieldtrial.report.model import Bullets

    columns = [Column("treatment", "T", kind="text")]
    plots = Table("plots", columns, [], caption="Plots")
    means = Table("means", columns, [], caption="Means")
    return Report("T", lang, [Section("s", "S", [plots, means, Paragraph(note), Bullets([note])])])


@pytest.mark.parametrize(
    ("lang", "note", "expected"),
    [
        (
            "en",
            "it differs from the LS-mean in the means table, which adjusts for blocks.",
            "it differs from the LS-mean in the means table (Table 2), which adjusts for blocks.",
        ),
        ("zh", "有缺区时与产量结果表中的均值不同。", "有缺区时与产量结果表（表 2）中的均值不同。"),
    ],
)
def test_text_names_the_means_table_with_its_number(lang: str, note: str, expected: str) -> None:
    from yieldtrial.report.build import refer_to_numbers

    report = _with_means(lang, note)
    refer_to_numbers(report)
    paragraph, bullets = report.sections[0].blocks[2:]
    assert (paragraph.text, bullets.items) == (expected, [expected])


def test_the_complete_means_table_of_the_companion_keeps_its_name() -> None:
    from yieldtrial.report.build import refer_to_numbers

    note = "全部 300 个处理的排序见完整均值表。"
    report = _with_means("zh", note)
    refer_to_numbers(report)
    assert report.sections[0].blocks[2].text == note


def test_docx_table_of_a_page_or_less_keeps_its_rows_together() -> None:
    # 30 rows begun at a page foot broke onto the next page with no caption: every row
    # but the last keeps with the next, so the table moves whole
    document = _document("en", 30)
    first = [el for text, el in _captions_and_tables(document) if not text][0]
    rows = first.findall(f"{W}tr")[1:]
    keeps = [all(p.find(f"{W}pPr/{W}keepNext") is not None for p in r.iter(f"{W}p")) for r in rows]
    assert keeps == [True] * 29 + [False]
