"""Hostile pass of stop 51: the environment around the command line.

The pass (CHANGELOG.md, stop 51) ran every command in real processes under other standard
stream encodings and locales, closed and broken streams, unwritable home, cache and
temporary folders, umasks, a deleted current folder, hostile output paths and signals.
What it found is checked here in-process where the behaviour does not need a process:
a standard output in a given encoding is a ``TextIOWrapper`` over bytes.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from hostile import assert_one_line_error, plot_table
from yieldtrial.cli import main

#: A field book with Chinese labels printed to standard output (no -o).
CHINESE_FIELD_BOOK = [
    "design",
    "rcbd",
    "--treatments",
    "对照",
    "甲",
    "--blocks",
    "2",
    "--seed",
    "1",
]


@pytest.mark.parametrize("encoding", ["cp1252", "cp437", "koi8-r"])
def test_chinese_result_on_a_code_page_standard_output_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, encoding: str
) -> None:
    """A code page's standard output (a Windows console's cp1252) was an internal error.

    The single-byte code pages raise their UnicodeEncodeError as the ``'charmap'`` codec's,
    not under their own name, and the check for "standard output cannot show this" compared
    the names: exit 3 and a bug-report file.  Now exit 1, the line naming the encoding and
    the two ways out, and nothing written (the result is checked whole before a byte).
    """
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding=encoding))
    assert_one_line_error(
        CHINESE_FIELD_BOOK,
        capsys,
        match=rf"standard output's encoding '{encoding}' cannot show.*-o/--output.*"
        "PYTHONIOENCODING=utf-8",
    )
    sys.stdout.flush()
    assert raw.getvalue() == b""


@pytest.mark.parametrize(
    ("argv", "fix"),
    [
        (["standardize", "442", "--moisture", "18", "--crop", "wheat", "--lang", "zh"], "-o"),
        (["plan", "--cv", "8", "--difference", "5", "--treatments", "3", "--lang", "zh"], "set"),
    ],
    ids=["standardize-one-mass", "plan"],
)
def test_chinese_text_of_other_commands_on_cp1252_is_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    fix: str,
) -> None:
    """``--lang zh`` results on cp1252 were exit 3 too; plan, which has no -o, says to set.

    The error line itself is English: standard error has the same code page, which cannot
    show the Chinese line (stop 41's rule).
    """
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="cp1252"))
    raw_err = io.BytesIO()
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(raw_err, encoding="cp1252"))
    status = main(argv)
    sys.stderr.flush()
    lines = raw_err.getvalue().decode("cp1252").splitlines()
    assert status == 1, lines
    assert len(lines) == 1, lines
    expected = "write it to a file with -o/--output" if fix == "-o" else "; set PYTHONIOENCODING"
    assert "standard output's encoding 'cp1252' cannot show" in lines[0]
    assert expected in lines[0]
    sys.stdout.flush()
    assert raw.getvalue() == b""


def test_table_named_in_a_gb18030_locale_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``LC_ALL=zh_CN.GB18030``: ``standardize 小区.csv`` said "Failed to open local file".

    pyarrow's reader opens a path by its UTF-8 bytes; in a GB18030 locale the name's bytes
    on disk are GB18030 (小区 is D0 A1 C7 F8), so the file was "no such file" (exit 1, a
    mangled name).  The locale is simulated: ``os.fsencode`` gives the GB18030 bytes, and
    pyarrow's opening of the path fails as it did.  The table is now read through Python
    (pandas), and the yields are those of the same table under a plain name.
    """
    pytest.importorskip("pyarrow")
    import pyarrow.csv as pcsv

    chinese = plot_table(tmp_path, "小区.csv")
    plain = plot_table(tmp_path, "plots.csv")
    argv = ["standardize", "--crop", "wheat", "--format", "csv"]
    assert main([*argv, str(plain)]) == 0
    expected = capsys.readouterr().out

    utf8_fsencode = os.fsencode

    def gb18030_fsencode(name: str | os.PathLike[str]) -> bytes:
        text = os.fspath(name)
        return text.encode("gb18030") if isinstance(text, str) else utf8_fsencode(text)

    def open_by_utf8_bytes(source: object, *args: object, **kwargs: object) -> object:
        if isinstance(source, (str, os.PathLike)) and "小区" in os.fspath(source):
            raise FileNotFoundError(2, f"Failed to open local file '{os.fspath(source)}'")
        return opened(source, *args, **kwargs)

    opened = pcsv.open_csv
    monkeypatch.setattr(os, "fsencode", gb18030_fsencode)
    monkeypatch.setattr(pcsv, "open_csv", open_by_utf8_bytes)
    code = main([*argv, str(chinese)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out == expected
