"""Hostile pass of stop 48: output manifest, environment, containers, argparse.

The output manifest, the process's environment, the containers and encodings of the plot
table, and argparse's own behaviour.

Each case asserts the exit status, one line on stderr, and the files left as they were.
The generator of the pass is described in CHANGELOG.md (stop 48).
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import hashlib
import json
import lzma
import zipfile

import pytest

from hostile import (
    HEADER,
    RCBD_ROWS,
    assert_one_line_error,
    plot_table,
    run_cli,
    standardize_argv,
)

TABLE = HEADER + "".join(RCBD_ROWS)


def _standardized(tmp_path, capsys, path):
    """Standardize ``path`` into out.csv; return the exit status and the file's text."""
    code, lines = run_cli(standardize_argv(path, tmp_path), capsys)
    assert code == 0, lines
    return (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


# --------------------------------------------------------------------------- argparse
@pytest.mark.parametrize("typed", ["--forc", "--for", "--f"])
def test_force_abbreviation_is_a_usage_error(tmp_path, capsys, typed):
    """``design ... --f`` was ``--force`` (design has no --format) and replaced the file."""
    book = tmp_path / "fb.csv"
    book.write_text("my own notes\n", encoding="utf-8")
    argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "-o", str(book)]
    assert_one_line_error(
        [*argv, typed],
        capsys,
        code=2,
        match=rf"^yieldtrial design: error: {typed}: give --force in full; an option that "
        "replaces files is never taken from an abbreviation$",
        untouched=[book],
    )


def test_force_in_full_still_replaces(tmp_path, capsys):
    """The full spelling keeps its meaning: a foreign file is replaced."""
    out = tmp_path / "out.csv"
    out.write_text("my own notes\n", encoding="utf-8")
    code, lines = run_cli([*standardize_argv(plot_table(tmp_path), tmp_path), "--force"], capsys)
    assert code == 0, lines
    assert out.read_text(encoding="utf-8-sig").startswith("plot_id")


def test_other_abbreviations_are_still_read(tmp_path, capsys):
    """Only --force must be typed in full (``--standard-m`` stays ``--standard-moisture-pct``)."""
    code, lines = run_cli(
        ["standardize", "442", "--moisture", "5", "--standard-m", "13", "--met", "dry_matter"],
        capsys,
    )
    assert code == 0, lines


def test_value_given_to_a_flag_says_what_it_means(tmp_path, capsys):
    """``--force=yes`` said argparse's "ignored explicit argument 'yes'"."""
    out = tmp_path / "out.csv"
    out.write_text("my own notes\n", encoding="utf-8")
    assert_one_line_error(
        [*standardize_argv(plot_table(tmp_path), tmp_path), "--force=yes"],
        capsys,
        code=2,
        match=r"argument --force: takes no value, got 'yes'; write --force alone",
        untouched=[out],
    )


@pytest.mark.parametrize(
    "given", ["--output=--force", "-o=--crop", "--output=--force=x"], ids=["force", "crop", "eq"]
)
def test_option_given_as_the_output_name_is_a_usage_error(tmp_path, capsys, monkeypatch, given):
    """``--output=--force`` wrote a file named '--force' (exit 0)."""
    monkeypatch.chdir(tmp_path)
    name = given.partition("=")[2]
    assert_one_line_error(
        ["standardize", "442", "--moisture", "5", "--crop", "wheat", given],
        capsys,
        code=2,
        match=rf"argument -o: '{name}' is an option of standardize, not a file name; give the "
        rf"file name after -o \(a file so named can be given as \./{name}\)",
        absent=[tmp_path / name],
    )


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["standardize", "", "--crop", "wheat"], "MASS_OR_FILE"),
        (["report", "", "-o", "r.html"], "PLOTS"),
        (["network", "a.csv", ""], "PLOTS"),
    ],
    ids=["standardize", "report", "network"],
)
def test_empty_input_name_is_named(tmp_path, capsys, monkeypatch, argv, name):
    """``report "$PLOTS"`` with the variable unset said "cannot read '.': it is a folder"."""
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(
        argv,
        capsys,
        code=2,
        match=rf"argument {name}: the value is empty \(''\); give the plot table's file name",
        absent=[tmp_path / "r.html"],
    )


# --------------------------------------------------------------------------- containers
@pytest.mark.parametrize(
    ("compress", "kind"),
    [
        (gzip.compress, r"a gzip-compressed \(\.gz\) file"),
        (bz2.compress, r"a bzip2-compressed \(\.bz2\) file"),
        (lzma.compress, r"an xz-compressed \(\.xz\) file"),
    ],
    ids=["gzip", "bzip2", "xz"],
)
@pytest.mark.parametrize("name", ["plots.csv", "plots.csv.gz", "plots.xlsx"])
def test_compressed_table_is_named_as_such(tmp_path, capsys, compress, kind, name):
    """A compressed table was 'binary (it holds NUL bytes)', which did not say to decompress."""
    path = tmp_path / name
    path.write_bytes(compress(TABLE.encode()))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=rf"{name}: this is {kind}, not CSV text or an Excel workbook; decompress it first",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )


def test_header_starting_bzh_is_no_bzip2_file(tmp_path, capsys):
    """``BZh`` alone (a column named so) is read as text, not called compressed."""
    path = tmp_path / "plots.csv"
    path.write_text("".join(f"BZh,{line}\n" for line in TABLE.splitlines()), encoding="utf-8")
    code, lines = run_cli(standardize_argv(path, tmp_path), capsys)
    assert code == 0, lines


@pytest.mark.parametrize("name", ["plots.zip", "plots.csv", "plots.xlsx"])
def test_zip_archive_of_a_csv_is_not_called_a_workbook(tmp_path, capsys, name):
    """A ZIP holding a CSV was 'an Excel .xlsx workbook?': renaming it .xlsx cannot help."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("plots.csv", TABLE)
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=rf"{name}: this is a ZIP archive \(holding 'plots\.csv'\), not an Excel workbook "
        r"or CSV text; extract the plot table from it \(unzip\) and give that file",
        untouched=[path],
    )


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be-bom"])
def test_utf32_with_bom_is_read(tmp_path, capsys, codec):
    """UTF-32 with its byte-order mark is as unambiguous as UTF-16's (was 'binary')."""
    utf8 = plot_table(tmp_path, "u8.csv", rows=RCBD_ROWS)
    expected = _standardized(tmp_path, capsys, utf8)
    path = tmp_path / "u32.csv"
    text = TABLE
    data = (
        text.encode("utf-32")
        if codec == "utf-32"
        else codecs.BOM_UTF32_BE + text.encode("utf-32-be")
    )
    path.write_bytes(data)
    code, lines = run_cli([*standardize_argv(path, tmp_path), "--force"], capsys)
    assert code == 0, lines
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig") == expected


@pytest.mark.parametrize("order", ["le", "be"])
def test_utf32_without_bom_is_named(tmp_path, capsys, order):
    """Three NULs in four bytes were 'binary'; the message names --encoding utf-32-xx."""
    path = tmp_path / "u32.csv"
    path.write_bytes(TABLE.encode(f"utf-32-{order}"))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=rf"u32\.csv: the file looks like UTF-32 text \(four bytes per character\); pass "
        rf"--encoding utf-32-{order}",
        untouched=[path],
    )


@pytest.mark.parametrize("order", ["le", "be"])
def test_utf16_without_bom_holding_chinese_is_named(tmp_path, capsys, order):
    """Chinese labels broke the every-other-byte-NUL test: 'binary' instead of UTF-16."""
    path = tmp_path / "u16.csv"
    path.write_bytes(TABLE.replace(",CK,", ",对照,").encode(f"utf-16-{order}"))
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=rf"UTF-16-{order.upper()} text without a byte-order mark.*--encoding utf-16-{order}",
        untouched=[path],
    )


def test_comma_separated_file_named_tsv_is_read(tmp_path, capsys):
    """A .tsv without a tab in its header was one column: 'missing required columns'."""
    expected = _standardized(tmp_path, capsys, plot_table(tmp_path, rows=RCBD_ROWS))
    path = plot_table(tmp_path, "plots.tsv", rows=RCBD_ROWS)
    code, lines = run_cli([*standardize_argv(path, tmp_path), "--force"], capsys)
    assert code == 0, lines
    assert (tmp_path / "out.csv").read_text(encoding="utf-8-sig") == expected


def test_excel_separator_line_before_commas_is_named(tmp_path, capsys):
    """``sep=;`` above a comma table blamed every row for having too few fields."""
    path = tmp_path / "plots.csv"
    path.write_text("sep=;\n" + TABLE, encoding="utf-8")
    assert_one_line_error(
        standardize_argv(path, tmp_path),
        capsys,
        match=r"row 1 is Excel's separator line \('sep=\.\.\.'\), not the header",
        untouched=[path],
    )


# --------------------------------------------------------------------------- manifest
def _manifest(folder, files):
    (folder / ".yieldtrial-outputs").write_text(
        json.dumps({"generator": "yieldtrial", "format": 1, "files": files}), encoding="utf-8"
    )


@pytest.mark.parametrize(
    "entry",
    [
        lambda out: {f"../{out.parent.name}/{out.name}": {"sha256": _sha(out)}},
        lambda out: {str(out): {"sha256": _sha(out)}},
        lambda out: {out.name.upper(): {"sha256": _sha(out)}},
        lambda out: {out.name: {"sha256": _sha(out).upper()}},
        lambda out: {out.name: {"sha256": "0" * 64, "next": {"sha256": "1" * 64}}},
        lambda out: {out.name: {"sha256": "0" * 64, "identity": [True] * 5}},
        lambda out: {out.name: {"sha256": [_sha(out)]}},
    ],
    ids=["dotdot-key", "absolute-key", "other-case", "upper-hash", "stale-next", "bool-identity",
         "hash-in-list"],
)  # fmt: skip
def test_hand_edited_manifest_never_unlocks_a_users_file(tmp_path, capsys, entry):
    """Entries that do not record the file's exact content leave a user's file protected."""
    plots = plot_table(tmp_path, rows=RCBD_ROWS)
    out = tmp_path / "out.csv"
    out.write_text("my own notes\n", encoding="utf-8")
    _manifest(tmp_path, entry(out))
    assert_one_line_error(
        standardize_argv(plots, tmp_path),
        capsys,
        match="already exists and is not an unchanged output of yieldtrial",
        untouched=[plots, out],
    )


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- environment
@pytest.fixture
def umask_777():
    """Run with ``umask 777`` (every permission bit masked), then put the mask back."""
    import os

    old = os.umask(0o777)
    yield
    os.umask(old)


def test_umask_777_leaves_outputs_and_their_record_usable(tmp_path, capsys, umask_777):
    """Mode 000 outputs, manifest and folders: the next run refused yieldtrial's own output."""
    import stat

    plots = plot_table(tmp_path, rows=RCBD_ROWS)
    out = tmp_path / "new" / "deeper" / "out.csv"
    argv = ["standardize", str(plots), "--crop", "wheat", "-o", str(out)]
    assert run_cli(argv, capsys)[0] == 0
    for folder in (tmp_path / "new", out.parent):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o700 == 0o700, folder
    for path in (out, out.parent / ".yieldtrial-outputs"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o600 == 0o600, path
    code, lines = run_cli(argv, capsys)  # its own output, recognised
    assert code == 0, lines


def test_output_that_cannot_be_read_is_named_as_such(tmp_path, capsys, monkeypatch):
    """A foreign file yieldtrial may not read was 'not an unchanged output': unreadable now."""
    from yieldtrial.io import output

    plots = plot_table(tmp_path, rows=RCBD_ROWS)
    out = tmp_path / "out.csv"
    out.write_text("my own notes\n", encoding="utf-8")

    def no_read(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(output, "open", no_read, raising=False)
    assert_one_line_error(
        standardize_argv(plots, tmp_path),
        capsys,
        match=r"out\.csv' already exists and yieldtrial may not read it \(no read permission\), "
        r"so it cannot tell whether it is its own unchanged output; refusing to replace it\. "
        r"Make it readable \(chmod u\+r\)",
        untouched=[plots, out],
    )


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["design", "rcbd", "--treatments", "\udce5\udcaf", "B", "--blocks", "2"],
         "--treatments"),
        (["standardize", "442", "--moisture", "5", "--crop", "wh\udce9at"], "--crop"),
    ],
    ids=["design-treatments", "standardize-crop"],
)  # fmt: skip
def test_option_bytes_the_locale_cannot_decode_are_named(tmp_path, capsys, argv, option):
    """``LC_ALL=C`` turns 对照 into lone surrogates: was "the label is blank" / "empty label"."""
    assert_one_line_error(
        argv,
        capsys,
        code=2,
        match=rf"argument {option}: '.*' holds bytes that are not text in this system's "
        r"encoding \(.+\); run yieldtrial in a UTF-8 locale \(e\.g\. LC_ALL=C\.UTF-8\)",
    )


def test_plan_on_an_ascii_stdout_does_not_suggest_an_output_option(capsys, monkeypatch):
    """``plan --lang zh`` said "write it to a file with -o/--output"; plan has no -o."""
    import io
    import sys

    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    code, lines = run_cli(
        ["plan", "--cv", "10", "--difference", "5", "--treatments", "3", "--lang", "zh"], capsys
    )
    assert code == 1 and len(lines) == 1, lines
    line = lines[0]
    assert line.endswith(
        "因此没有写出任何内容；请设置 PYTHONIOENCODING=utf-8（或使用 UTF-8 区域设置）"
    )
    assert "-o" not in line
    sys.stdout.flush()
    assert raw.getvalue() == b""


def test_undecodable_output_name_is_left_to_the_output_check(tmp_path, capsys):
    """File names may hold any bytes: ``-o`` is not refused by the option check."""
    plots = plot_table(tmp_path, rows=RCBD_ROWS)
    code, lines = run_cli(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(tmp_path / "y\udce9.csv")],
        capsys,
    )
    assert code == 1 and "holds bytes that are not text in this system" not in lines[0]
