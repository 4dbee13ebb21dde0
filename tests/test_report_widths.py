"""Tests of yieldtrial.report._widths: the one greedy line filler of the renderers."""

from __future__ import annotations

from yieldtrial.report._widths import GLUE, excel_digits, fill_lines, wrap_lines


def test_fill_lines_puts_a_piece_wider_than_the_line_on_a_line_of_its_own() -> None:
    # measure = len: "abcdefgh" (8) > 5 cannot share a line; "ab cd" is 5, which fits
    pieces = [("ab", False), ("cd", True), ("abcdefgh", True), ("x", True)]
    assert fill_lines(pieces, 5, len) == ["ab cd", "abcdefgh", "x"]


def test_fill_lines_keeps_a_glued_mark_on_a_full_line() -> None:
    # "(CNY/mu) †" is 10 > 8 by len, but the mark never starts a line
    pieces = [("(CNY/mu)", False), ("†", GLUE)]
    assert fill_lines(pieces, 8, len) == ["(CNY/mu) †"]


def test_fill_lines_joins_without_a_space_when_the_piece_follows_directly() -> None:
    # a Chinese header breaks before its bracket, and no space is added when it stays
    assert fill_lines([("产量", False), ("（kg/亩）", False)], 40, excel_digits) == [
        "产量（kg/亩）"
    ]


def test_wrap_lines_and_the_xlsx_header_break_share_the_filler() -> None:
    from yieldtrial.report.render_xlsx import _header_break, _header_pieces

    label = "95% 置信下限（kg/亩）"
    # 16.5 digit widths: excel_digits("95% 置信下限") = 13.6 fits, the whole label (22.6)
    # does not, so the bracket goes to the next line
    assert _header_break(label, 16.5) == fill_lines(_header_pieces(label), 16.5, excel_digits)
    assert wrap_lines("Value gain (CNY/mu) †", 7) == ["Value gain", "(CNY/mu) †"]
