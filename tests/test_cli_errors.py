"""One error path: exit 1 data/file errors, 2 usage, 3 internal (bug report), 130 interrupt."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hostile import assert_one_line_error, plot_table, run_cli
from yieldtrial.commands import standardize
from yieldtrial.errors import DataValidationError


def _raise(exc: BaseException):
    def handler(args):
        raise exc

    return handler


def test_internal_error_exits_3_with_a_bug_report(tmp_path, capsys, monkeypatch):
    """An unexpected exception: one line naming the bug-report file, exit 3, no traceback."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(standardize, "_run", _raise(KeyError("boom")))
    code, lines = run_cli(["standardize", "442", "--moisture", "5", "--standard", "13"], capsys)
    assert code == 3
    assert len(lines) == 1
    assert lines[0].startswith("yieldtrial: internal error (a bug in yieldtrial")
    report = re.search(r"details are in (\S+): please send", lines[0]).group(1)
    text = Path(report).read_text(encoding="utf-8")
    assert "Traceback" in text and "KeyError: 'boom'" in text
    assert "arguments: ['standardize', '442'" in text


def test_debug_shows_the_traceback(capsys, monkeypatch, tmp_path):
    """--debug (anywhere on the line) prints the traceback before the one-line message."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(standardize, "_run", _raise(KeyError("boom")))
    code = __import__("yieldtrial.cli", fromlist=["main"]).main(
        ["standardize", "442", "--moisture", "5", "--standard", "13", "--debug"]
    )
    err = capsys.readouterr().err
    assert code == 3
    assert "Traceback (most recent call last)" in err
    assert err.strip().splitlines()[-1].startswith("yieldtrial: internal error")


@pytest.mark.parametrize(
    ("exc", "code", "match"),
    [
        (DataValidationError("bad\ncell"), 1, r"^yieldtrial: error: bad cell$"),
        (MemoryError(), 1, "out of memory"),
        (RecursionError(), 1, "nested too deeply"),
        (OSError(5, "Input/output error", "x.csv"), 1, r"cannot read or write 'x\.csv'"),
        (KeyboardInterrupt(), 130, "interrupted"),
    ],
    ids=["data", "memory", "recursion", "oserror", "interrupt"],
)
def test_error_classes_give_one_line(capsys, monkeypatch, exc, code, match):
    """Each class of error gives its exit status and exactly one line."""
    monkeypatch.setattr(standardize, "_run", _raise(exc))
    status, lines = run_cli(["standardize", "442", "--moisture", "5", "--standard", "13"], capsys)
    assert status == code
    assert len(lines) == 1
    assert re.search(match, lines[0]), lines[0]


@pytest.mark.parametrize(
    ("exc", "code", "line"),
    [
        (MemoryError(), 1, "yieldtrial: 错误：内存不足；输入对这台计算机来说太大"
         "（或者不是小区数据表）；请把它拆分，或换一台内存更大的计算机"),
        (RecursionError(), 1, "yieldtrial: 错误：输入嵌套过深，无法读取"
         "（文件是否损坏或被恶意构造？）；请检查小区数据表和 trial.toml"),
        (KeyboardInterrupt(), 130, "yieldtrial: 已中断；没有写出任何输出"),
    ],
    ids=["memory", "recursion", "interrupt"],
)  # fmt: skip
def test_error_classes_in_chinese(capsys, monkeypatch, exc, code, line):
    """Stop 39: the command line's own lines stayed English under --lang zh."""
    monkeypatch.setattr(standardize, "_run", _raise(exc))
    argv = ["standardize", "442", "--moisture", "5", "--standard", "13", "--lang", "zh"]
    assert run_cli(argv, capsys) == (code, [line])


def test_usage_error_exits_2(capsys):
    """An unknown option is a usage error (argparse), exit 2."""
    status, lines = run_cli(["standardize", "--no-such-option"], capsys)
    assert status == 2
    assert any("unrecognized arguments" in line for line in lines)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_non_finite_number_argument_is_a_usage_error(capsys, value):
    """`--moisture nan` is refused like a value that is not a number (exit 2, one line)."""
    assert_one_line_error(
        ["standardize", "442", f"--moisture={value}", "--standard", "13"],
        capsys,
        code=2,
        match=rf"argument --moisture: expected a finite number, got -?{value.lstrip('-')};",
    )


def test_usage_error_is_one_line(capsys):
    """Argparse's usage errors are one line too, pointing to --help."""
    assert_one_line_error(
        ["standardize", "442", "--moisture", "-inf", "--standard", "13"],
        capsys,
        code=2,
        match=r"argument --moisture: expected one argument \(see 'yieldtrial standardize --help'\)",
    )


def test_missing_input_file(tmp_path, capsys):
    """A missing plot table: exit 1, the path and 'no such file'."""
    assert_one_line_error(
        ["standardize", str(tmp_path / "nope.csv"), "--crop", "wheat"],
        capsys,
        match=r"cannot read '.*nope\.csv': No such file or directory",
    )


def test_folder_as_input(tmp_path, capsys):
    """A folder given as the plot table is named as a folder."""
    assert_one_line_error(
        ["standardize", str(tmp_path), "--crop", "wheat"],
        capsys,
        match="it is a folder; give the plot table file inside it",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX named pipes")
def test_fifo_as_input_is_refused_without_blocking(tmp_path, capsys):
    """A named pipe would block forever; it is refused before it is opened."""
    fifo = tmp_path / "plots.csv"
    os.mkfifo(fifo)
    assert_one_line_error(
        ["standardize", str(fifo), "--crop", "wheat"],
        capsys,
        match="it is not a regular file",
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("command", ["standardize", "report", "network"])
def test_device_as_input_is_refused(tmp_path, capsys, command):
    """/dev/zero never ends; every reading command refuses it up front."""
    argv = {
        "standardize": ["standardize", "/dev/zero", "--crop", "wheat"],
        "report": ["report", "/dev/zero", "--crop", "wheat", "-o", str(tmp_path / "r.md")],
        "network": ["network", "/dev/zero", "--by", "site"],
    }[command]
    assert_one_line_error(argv, capsys, match="'/dev/zero': it is not a regular file")


def test_fifo_as_config_is_refused(tmp_path, capsys):
    """A trial.toml that is a pipe is refused too."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs POSIX named pipes")
    plots = plot_table(tmp_path)
    fifo = tmp_path / "trial.toml"
    os.mkfifo(fifo)
    assert_one_line_error(
        [
            "report",
            str(plots),
            "--config",
            str(fifo),
            "--crop",
            "wheat",
            "-o",
            str(tmp_path / "r.md"),
        ],
        capsys,
        match="trial.toml.*it is not a regular file",
        absent=[tmp_path / "r.md"],
    )


def test_broken_pipe_is_quiet(capsys, monkeypatch):
    """`yieldtrial ... | head` closing the pipe: no traceback, no message, exit 1."""
    monkeypatch.setattr(standardize, "_run", _raise(BrokenPipeError(32, "Broken pipe")))
    monkeypatch.setattr("yieldtrial.cli._silence_stdout", lambda: None)
    status, lines = run_cli(["standardize", "442", "--moisture", "5", "--standard", "13"], capsys)
    assert status == 1
    assert lines == []


def test_ambiguous_rice_names_the_crop_flag(capsys):
    """--crop rice under cn-yield-test: the fix is said as --crop, not as crop='...' (user pass)."""
    line = assert_one_line_error(
        ["standardize", "500", "--moisture", "20", "--crop", "rice"],
        capsys,
        match=r"give --crop rice_indica or --crop rice_japonica",
    )
    assert "crop='" not in line


def test_crop_without_protocol_standard_names_the_flag(capsys):
    """A crop the protocol has no standard for: the fix is --standard-moisture-pct (user pass)."""
    line = assert_one_line_error(
        ["standardize", "500", "--moisture", "20", "--crop", "sorghum"],
        capsys,
        match=r"has no standard moisture for 'sorghum'.*give --standard-moisture-pct$",
    )
    assert "standard_moisture_pct" not in line


def test_column_mapping_of_an_absent_header_is_said_without_keywords(tmp_path, capsys):
    """--column naming a header the file lacks: no Python ``columns=`` in the line (user pass).

    Found running the ``audit --help`` example on a table without that header.
    """
    path = plot_table(tmp_path)
    line = assert_one_line_error(
        ["audit", str(path), "--crop", "wheat", "--column", "折标产量(kg/亩)=yield_kg_mu"],
        capsys,
        match=r"the column mapping renames '折标产量\(kg/亩\)' to 'yield_kg_mu' \(\[columns\] of "
        r"trial\.toml or --column\), which is not a column of the table",
    )
    assert "columns=" not in line


def test_report_workbook_as_input_names_only_the_flag(tmp_path, capsys):
    """A yieldtrial Excel report given back: the hint says --sheet, not also sheet= (user pass)."""
    pytest.importorskip("openpyxl")
    from yieldtrial.cli import main

    plots = plot_table(tmp_path)
    book = tmp_path / "r.xlsx"
    assert main(["report", str(plots), "--crop", "wheat", "-o", str(book)]) == 0
    capsys.readouterr()
    line = assert_one_line_error(
        ["report", str(book), "--crop", "wheat", "-o", str(tmp_path / "x.md")],
        capsys,
        match=r"r\.xlsx: this is a yieldtrial report \(Excel\).*name that sheet with --sheet\)$",
    )
    assert "sheet=" not in line


@pytest.mark.parametrize(
    ("extra", "said", "keyword"),
    [
        (
            ["--design", "split_plot"],
            "needs --factors with the whole-plot and sub-plot",
            "factors=",
        ),
        (["--design", "split_plot", "--factors", "a,b,c"], "got --factors a,b,c", "factors="),
        (["--design", "rcbd", "--factors", "block"], "--factors block applies", "design='"),
        (["--design", "latin"], "or use --design rcbd", "design='"),
    ],
)
def test_design_errors_name_the_flags(tmp_path, capsys, extra, said, keyword):
    """Design errors on the command line name --design/--factors, not design=/factors= (user pass).

    The plot table has blocks but no row/column, so latin is refused; split_plot without or
    with three --factors, rcbd with --factors, each with the flag to give.
    """
    plots = plot_table(tmp_path)
    argv = ["report", str(plots), "--crop", "wheat", *extra, "-o", str(tmp_path / "r.md")]
    line = assert_one_line_error(argv, capsys, match=re.escape(said))
    assert keyword not in line


def test_network_column_error_names_the_flags(tmp_path, capsys):
    """--block/--treatment naming no column: said as the flags, not as keywords (user pass).

    Found with the ``network --help`` example ``--block rep --treatment variety``.
    """
    path = plot_table(tmp_path)
    argv = ["network", str(path), "--crop", "wheat", "--block", "rep", "--treatment", "variety"]
    line = assert_one_line_error(
        [*argv, "-o", str(tmp_path / "n.md")],
        capsys,
        match=r"column\(s\) not found: --treatment 'variety', --block 'rep'; the data have",
    )
    assert "treatment='" not in line
