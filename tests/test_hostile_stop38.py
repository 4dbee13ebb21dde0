"""Hostile pass of stop 38: field books the table reader refuses, and other new angles.

Each case asserts the exit status, one line on stderr, and the files left as they were.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile import assert_one_line_error, plot_table, run_cli

DESIGN = ["design", "rcbd", "--treatments", "CK", "T1", "--blocks", "2", "--seed", "1"]

#: A filled-in field book (plot ids, treatments, a fresh mass) as each dialect saves it.
_BOOK = "plot_id,treatment,block,fresh_mass_kg\n1,{label},1,14.2\n2,T1,1,13.9\n"
FILLED_BOOKS: dict[str, bytes] = {
    # Excel's "CSV" on a Western European Windows: not UTF-8, not GBK
    "windows-1252": _BOOK.format(label="Témoin").encode("cp1252"),
    "latin-1": _BOOK.format(label="Kontrollü").encode("latin-1"),
    # Excel's separator line above the header
    "sep-line": ("sep=,\n" + _BOOK.format(label="CK")).encode(),
    # a title row above the header
    "title-row": ("Field book 2024,,,\n" + _BOOK.format(label="CK")).encode(),
    # a NUL byte typed into a cell
    "nul-byte": _BOOK.format(label="C\x00K").encode(),
    # UTF-16 without a BOM (the reader recognises UTF-16 only by its BOM)
    "utf-16-no-bom": _BOOK.format(label="CK").encode("utf-16-le"),
}


@pytest.mark.parametrize("content", FILLED_BOOKS.values(), ids=FILLED_BOOKS.keys())
def test_design_never_replaces_a_field_book_the_reader_refuses(tmp_path, capsys, content):
    """A filled-in book the table reader cannot read is kept, even with --force."""
    book = tmp_path / "fieldbook.csv"
    book.write_bytes(content)
    assert_one_line_error(
        [*DESIGN, "-o", str(book), "--force"],
        capsys,
        match=r"does not read as a plot table \(.+\), so yieldtrial cannot tell whether it is "
        r"a filled-in field book; it never replaces one, not even with --force",
        untouched=[book],
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fieldbook.csv"]


def test_design_never_replaces_a_field_book_it_may_not_read(tmp_path, capsys, monkeypatch):
    """Stop 38 attacked: a book without read permission counted as blank; --force replaced it.

    Root reads every file, so the permission error is raised by a stand-in ``open``.
    """
    from yieldtrial.io import output

    book = tmp_path / "fieldbook.csv"
    book.write_bytes(FILLED_BOOKS["sep-line"].replace(b"sep=,\n", b""))
    real = open

    def no_read(file, *args, **kwargs):
        if Path(str(file)) == book:
            raise PermissionError(13, "Permission denied", str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(output, "open", no_read, raising=False)
    assert_one_line_error(
        [*DESIGN, "-o", str(book), "--force"],
        capsys,
        match=r"does not read as a plot table \(no permission to read it\)",
        untouched=[book],
    )


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b"\xef\xbb\xbf \r\n", b"\x00\x00"],
    ids=["empty", "newlines", "bom", "nul"],
)
def test_design_replaces_a_blank_file_with_force(tmp_path, capsys, content):
    """A file of nothing but white space has nothing to lose: --force writes the layout."""
    book = tmp_path / "fieldbook.csv"
    book.write_bytes(content)
    code, lines = run_cli([*DESIGN, "-o", str(book), "--force"], capsys)
    assert code == 0, lines
    assert book.read_text(encoding="utf-8-sig").startswith("plot_id,")


def test_design_reason_is_the_readers_first_clause(tmp_path, capsys):
    """The message says why the file does not read (here: Excel's separator line)."""
    book = tmp_path / "fieldbook.csv"
    book.write_bytes(FILLED_BOOKS["sep-line"])
    line = assert_one_line_error([*DESIGN, "-o", str(book), "--force"], capsys, untouched=[book])
    assert "(row 1 is Excel's separator line ('sep=...'), not the header)" in line


def test_design_zh_line_for_a_field_book_the_reader_refuses(tmp_path, capsys):
    """Under --lang zh the refusal is one Chinese line; the book is kept."""
    book = tmp_path / "fieldbook.csv"
    book.write_bytes(FILLED_BOOKS["windows-1252"])
    code, lines = run_cli([*DESIGN, "-o", str(book), "--force", "--lang", "zh"], capsys)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("yieldtrial: 错误：'"), lines
    assert "无法作为小区数据表读取" in lines[0]
    assert book.read_bytes() == FILLED_BOOKS["windows-1252"]


def test_own_field_book_is_still_replaced(tmp_path: Path, capsys) -> None:
    """An unchanged field book yieldtrial wrote is replaced by a rerun (no --force needed)."""
    book = tmp_path / "fieldbook.csv"
    assert run_cli([*DESIGN, "-o", str(book)], capsys)[0] == 0
    assert run_cli([*DESIGN[:-1], "2", "-o", str(book)], capsys)[0] == 0


@pytest.mark.parametrize(
    "value",
    ["9" * 5000, "-" + "9" * 5000, "0x" + "f" * 5000, "[1, " + "9" * 4000 + "]"],
    ids=["decimal", "negative", "hexadecimal", "in-a-list"],
)
def test_trial_toml_number_of_thousands_of_digits_is_a_clean_error(tmp_path, capsys, value):
    """An integer beyond Python's 4,300-digit conversion limit was an internal error (exit 3)."""
    plots = plot_table(tmp_path)
    config = tmp_path / "trial.toml"
    config.write_text(f"[analysis]\nalpha = {value}\n", encoding="utf-8")
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "--config", str(config)],
        capsys,
        match=r"trial\.toml' holds a number of thousands of digits at line 2, more than Python "
        r"reads or shows",
        untouched=[plots, config],
    )
