"""More output faults: several files written as one, figures, interrupts, aliases of inputs."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from pathlib import Path

import pytest

from hostile import assert_one_line_error, plot_table, run_cli
from yieldtrial.io import output
from yieldtrial.io.output import atomic_write_text, is_own_output, output_group, write_output

DESIGN = ["design", "rcbd", "--treatments", "CK", "T1", "T2", "--blocks", "3", "--seed", "1"]


def _replace_fails_for(monkeypatch: pytest.MonkeyPatch, suffix: str, code: int) -> None:
    """Make the rename onto any file whose name ends with ``suffix`` fail with ``code``."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith(suffix):
            raise OSError(code, os.strerror(code))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def _report_args(tmp_path: Path, out: Path) -> list[str]:
    plots = plot_table(tmp_path)
    return ["report", str(plots), "--crop", "wheat", "-o", str(out)]


# --------------------------------------------------------------------------- output_group
def test_output_group_removes_created_files_and_folders(tmp_path):
    """A failing group removes the files and the folders it created."""
    with pytest.raises(RuntimeError), output_group():
        atomic_write_text(tmp_path / "new" / "deep" / "a.txt", "a")
        raise RuntimeError("later failure")
    assert list(tmp_path.iterdir()) == []


def test_output_group_keeps_files_it_replaced(tmp_path):
    """A file that existed before is not removed (its new content is whole)."""
    kept = tmp_path / "a.txt"
    kept.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), output_group():
        atomic_write_text(kept, "new")
        raise RuntimeError("later failure")
    assert kept.read_text(encoding="utf-8") == "new"


def test_nested_output_group_hands_its_files_to_the_outer_one(tmp_path):
    """A file of a finished inner group is removed when the outer group fails."""
    with pytest.raises(RuntimeError), output_group():
        with output_group():
            atomic_write_text(tmp_path / "inner.txt", "x")
        assert (tmp_path / "inner.txt").exists()
        raise RuntimeError("later failure")
    assert not (tmp_path / "inner.txt").exists()


def test_output_group_leaves_a_file_another_run_put_there(tmp_path):
    """A created file replaced by another run before the failure is that run's: kept."""
    target = tmp_path / "a.txt"
    with pytest.raises(RuntimeError), output_group():
        atomic_write_text(target, "mine")
        atomic_write_text(tmp_path / ".other", "theirs")
        os.replace(tmp_path / ".other", target)  # another run's atomic write, meanwhile
        raise RuntimeError("later failure")
    assert target.read_text(encoding="utf-8") == "theirs"


def test_output_group_keeps_files_on_success(tmp_path):
    """A group that finishes leaves everything it wrote."""
    with output_group() as created:
        write_output(tmp_path / "a.txt", "a")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "a"
    assert tmp_path / "a.txt" in created


# --------------------------------------------------------------------------- several files
def test_markdown_report_failure_leaves_no_figures(tmp_path, capsys, monkeypatch):
    """Disk full at the .md: its figure folder, written first, is removed again."""
    out = tmp_path / "r.md"
    args = _report_args(tmp_path, out)
    _replace_fails_for(monkeypatch, "r.md", errno.ENOSPC)
    assert_one_line_error(args, capsys, match="the disk is full", absent=[out])
    assert not (tmp_path / "r_files").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plots.csv"]


def test_interrupt_while_writing_leaves_nothing(tmp_path, capsys, monkeypatch):
    """Ctrl-C in the middle of writing a figure: exit 130, no file, no temporary file."""
    out = tmp_path / "r.md"
    args = _report_args(tmp_path, out)
    real = output._HashingWriter.write
    calls = {"n": 0}

    def interrupted(self, data):
        calls["n"] += 1
        if calls["n"] == 2:  # the second figure
            raise KeyboardInterrupt
        return real(self, data)

    monkeypatch.setattr(output._HashingWriter, "write", interrupted)
    code, lines = run_cli(args, capsys)
    assert code == 130, lines
    assert len(lines) == 1, lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plots.csv"]


def test_design_map_failure_leaves_no_field_book(tmp_path, capsys, monkeypatch):
    """`design -o F --map M`: when M cannot be written, F (created by the run) is removed."""
    book, fmap = tmp_path / "fieldbook.csv", tmp_path / "map.svg"
    _replace_fails_for(monkeypatch, "map.svg", errno.EROFS)
    assert_one_line_error(
        [*DESIGN, "-o", str(book), "--map", str(fmap)],
        capsys,
        match=r"cannot write '.*map\.svg'",
        absent=[book, fmap],
    )
    assert list(tmp_path.iterdir()) == []


def test_design_map_is_drawn_before_the_field_book_is_written(tmp_path, capsys, monkeypatch):
    """A map that cannot be drawn stops the run before any file is written."""
    from yieldtrial.commands import design

    def broken(book, path, lang="en"):
        raise OSError(errno.ENOMEM, "Cannot allocate memory")

    monkeypatch.setattr(design, "_field_map", broken)
    book = tmp_path / "fieldbook.csv"
    code, lines = run_cli([*DESIGN, "-o", str(book), "--map", str(tmp_path / "m.png")], capsys)
    assert code == 1, lines
    assert not any("field book:" in line for line in lines), lines
    assert list(tmp_path.iterdir()) == []


def test_demo_failure_leaves_no_partial_folder(tmp_path, capsys, monkeypatch):
    """`demo -o DIR` that fails at its last file (the index) leaves no report behind."""
    folder = tmp_path / "demo"
    _replace_fails_for(monkeypatch, "index.html", errno.ENOSPC)
    assert_one_line_error(["demo", "-o", str(folder)], capsys, match="the disk is full")
    assert not folder.exists()


# --------------------------------------------------------------------------- Markdown figures
def test_edited_markdown_figure_is_not_replaced(tmp_path, capsys):
    """A figure edited by hand (yieldtrial's mark kept) is user data: refused, unchanged."""
    out = tmp_path / "r.md"
    args = _report_args(tmp_path, out)
    assert run_cli(args, capsys)[0] == 0
    figure = tmp_path / "r_files" / "fig1.svg"
    figure.write_bytes(figure.read_bytes().replace(b"<svg ", b'<svg data-edited="1" ', 1))
    assert_one_line_error(
        args,
        capsys,
        match=r"fig1\.svg' already exists and is not an unchanged output of yieldtrial",
        untouched=[figure, out],
    )


def test_force_replaces_a_foreign_markdown_figure(tmp_path, capsys):
    """--force replaces a figure file yieldtrial did not write, as for every output."""
    out = tmp_path / "r.md"
    figure = tmp_path / "r_files" / "fig1.svg"
    figure.parent.mkdir()
    figure.write_text("<svg>mine</svg>", encoding="utf-8")
    code, lines = run_cli([*_report_args(tmp_path, out), "--force"], capsys)
    assert code == 0, lines
    assert b"yieldtrial report figure" in figure.read_bytes()
    assert is_own_output(figure)


def test_own_markdown_figures_are_replaced_without_force(tmp_path, capsys):
    """A second run replaces its own unchanged figures."""
    args = _report_args(tmp_path, tmp_path / "r.md")
    assert run_cli(args, capsys)[0] == 0
    assert run_cli(args, capsys)[0] == 0
    assert is_own_output(tmp_path / "r_files" / "fig1.svg")


# --------------------------------------------------------------------------- inputs by another name
def test_hard_link_to_the_input_is_refused_even_with_force(tmp_path, capsys):
    """`-o` naming a hard link of the input (same file, other name) is the input."""
    plots = plot_table(tmp_path)
    alias = tmp_path / "alias.csv"
    os.link(plots, alias)
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(alias), "--force"],
        capsys,
        match=r"'.*alias\.csv' is the same file as the input '.*plots\.csv'",
        untouched=[plots, alias],
    )
    assert os.path.samefile(plots, alias)


def test_report_config_by_hard_link_is_refused(tmp_path, capsys):
    """The trial.toml read by `report` is an input too, under any of its names."""
    plots = plot_table(tmp_path)
    config = tmp_path / "trial.toml"
    config.write_text('[trial]\ncrop = "wheat"\n', encoding="utf-8")
    alias = tmp_path / "alias.html"
    os.link(config, alias)
    assert_one_line_error(
        ["report", str(plots), "--config", str(config), "-o", str(alias), "--force"],
        capsys,
        match="is the same file as the input",
        untouched=[config],
    )


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_standardize_never_replaces_its_config(tmp_path, capsys, fmt):
    """`standardize --config T -o T --force`: the trial.toml read is an input, never replaced."""
    plots = plot_table(tmp_path)
    config = tmp_path / "trial.toml"
    config.write_text('[trial]\ncrop = "wheat"\n', encoding="utf-8")
    assert_one_line_error(
        ["standardize", str(plots), "--config", str(config), "--format", fmt]
        + ["-o", str(config), "--force"],
        capsys,
        match=r"'.*trial\.toml' is also an input file",
        untouched=[config, plots],
    )


# --------------------------------------------------------------------------- filled-in field books
def test_workbook_with_harvest_data_on_its_second_sheet_is_protected(tmp_path):
    """A field book saved as .xlsx behind a cover sheet still holds harvest data: never replaced.

    (``design`` itself writes CSV and refuses an .xlsx name; the guard is in check_output.)
    """
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "fieldbook.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "read me"
    workbook.active["A1"] = "Field book of the 2025 trial"
    sheet = workbook.create_sheet("plots")
    sheet.append(["plot_id", "treatment", "block", "fresh_mass_kg", "moisture_pct"])
    for plot in range(1, 10):
        sheet.append([100 + plot, "CK", 1, 12.5, 13.1])
    workbook.save(book)
    pattern = r"already holds harvest data \(fresh_mass_kg in 9 rows, moisture_pct in 9 rows\)"
    with pytest.raises(output.DataValidationError, match=pattern):
        output.check_output(book, force=True, protect_harvest=True)


# --------------------------------------------------------------------------- names
@pytest.mark.parametrize("suffix", ["/", "/.", "/.."])
def test_output_name_that_names_a_folder_is_refused(tmp_path, capsys, suffix):
    """`-o out/` once wrote a file named `out` (pathlib drops the slash); now refused."""
    plots = plot_table(tmp_path)
    out = f"{tmp_path / 'out'}{suffix}"
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", out],
        capsys,
        match="it names a folder, not a file; give a file name",
        absent=[tmp_path / "out"],
    )


@pytest.mark.parametrize("command", ["standardize", "demo"])
def test_empty_output_name_is_refused(tmp_path, capsys, monkeypatch, command):
    """`-o ""` (an empty shell variable) does not write into the current folder."""
    monkeypatch.chdir(tmp_path)
    plots = plot_table(tmp_path)
    argv = ["standardize", str(plots), "--crop", "wheat"] if command == "standardize" else ["demo"]
    assert_one_line_error([*argv, "-o", ""], capsys, match="name is empty")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plots.csv"]


def test_report_with_a_name_too_long_for_its_companion_leaves_nothing(tmp_path, capsys):
    """A Markdown name whose figure folder name is too long: one line, no file at all."""
    out = tmp_path / ("x" * 252 + ".md")  # fits; "xxx..._files" (258 bytes) does not
    assert_one_line_error(
        _report_args(tmp_path, out),
        capsys,
        match="into the folder .* because that folder's name is 258 bytes long",  # loose56
        absent=[out],
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plots.csv"]


# --------------------------------------------------------------------------- hostile manifests
def _finishes(tmp_path: Path, work) -> bool:
    """Run ``work`` in a thread; True when it ends within 20 s (a FIFO read would block)."""
    import threading

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(20)
    if thread.is_alive():  # release a reader blocked on a FIFO so the test run can go on
        for fifo in tmp_path.rglob("*"):
            if fifo.is_fifo():
                with contextlib.suppress(OSError):
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        return False
    return True


def test_manifest_that_is_a_fifo_does_not_hang(tmp_path):
    """A named pipe in the place of `.yieldtrial-outputs` is refused at once, never read."""
    os.mkfifo(tmp_path / output.MANIFEST_NAME)
    raised: list[BaseException] = []

    def work() -> None:
        try:
            write_output(tmp_path / "a.txt", "a")
        except output.FileAccessError as exc:
            raised.append(exc)

    assert _finishes(tmp_path, work)
    assert len(raised) == 1 and "named pipe" in str(raised[0])


def _special_manifest(folder: Path, kind: str) -> Path:
    """Put a FIFO, a folder, a symbolic link or a user's file under the manifest's name."""
    path = folder / output.MANIFEST_NAME
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "symlink":
        (folder.parent / "elsewhere.json").write_text('{"mine": 1}', encoding="utf-8")
        path.symlink_to(folder.parent / "elsewhere.json")
    else:
        path.write_text("my notes\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["fifo", "folder", "symlink", "user-file"])
def test_manifest_name_holding_something_else_is_refused_and_kept(tmp_path, capsys, kind):
    """Stop 38: the manifest replaced a FIFO or symlink there; now one line, exit 1, untouched."""
    folder = tmp_path / "out"
    folder.mkdir()
    path = _special_manifest(folder, kind)
    before = os.lstat(path)
    plots = plot_table(tmp_path)
    argv = ["standardize", str(plots), "--crop", "wheat", "-o", str(folder / "y.csv"), "--force"]
    assert_one_line_error(
        argv, capsys, match=r"'\.yieldtrial-outputs' there is a", absent=[folder / "y.csv"]
    )
    after = os.lstat(path)
    assert (after.st_ino, after.st_mode, after.st_mtime_ns) == (
        before.st_ino,
        before.st_mode,
        before.st_mtime_ns,
    )
    if kind == "symlink":
        assert (tmp_path / "elsewhere.json").read_text(encoding="utf-8") == '{"mine": 1}'


def test_demo_folder_with_a_special_manifest_is_refused(tmp_path, capsys):
    """`demo -o DIR`: the folder check refuses a FIFO named like the manifest (no hang)."""
    folder = tmp_path / "demo"
    folder.mkdir()
    _special_manifest(folder, "fifo")
    assert_one_line_error(["demo", "-o", str(folder)], capsys, match="a named pipe")
    assert [p.name for p in folder.iterdir()] == [output.MANIFEST_NAME]


def test_manifest_put_in_place_after_the_check_is_not_replaced(tmp_path, monkeypatch):
    """A FIFO that appears between the check and the record is left; only the record is lost.

    Since stop 40 the manifest is written before the rename too (the output's ``next``
    content): the FIFO takes its place after the rename, before the record.
    """
    real = output._write_atomically

    def write_then_fifo(*args, **kwargs):
        done = real(*args, **kwargs)
        (tmp_path / output.MANIFEST_NAME).unlink(missing_ok=True)
        os.mkfifo(tmp_path / output.MANIFEST_NAME)
        return done

    monkeypatch.setattr(output, "_write_atomically", write_then_fifo)
    write_output(tmp_path / "a.txt", "a")
    assert stat.S_ISFIFO(os.lstat(tmp_path / output.MANIFEST_NAME).st_mode)
    assert not is_own_output(tmp_path / "a.txt")


def test_own_manifest_is_still_replaced(tmp_path):
    """The manifest yieldtrial wrote is updated as before (a second output is recorded)."""
    write_output(tmp_path / "a.txt", "a")
    write_output(tmp_path / "b.txt", "b")
    assert is_own_output(tmp_path / "a.txt") and is_own_output(tmp_path / "b.txt")


def test_fifo_listed_in_the_manifest_does_not_hang_demo(tmp_path):
    """A pipe the manifest names is not hashed: the demo folder check refuses it at once."""
    folder = tmp_path / "demo"
    folder.mkdir()
    os.mkfifo(folder / "fig.svg")
    manifest = {"files": {"fig.svg": {"sha256": "0" * 64}}}
    (folder / output.MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    outcome: list[bool] = []
    assert _finishes(tmp_path, lambda: outcome.append(output._own_entry(folder / "fig.svg")))
    assert outcome == [False]


# --------------------------------------------------------------------------- -o -
def test_dash_output_is_standard_output(tmp_path, capsys, monkeypatch):
    """`standardize ... -o -` prints the table and writes no file named '-'."""
    monkeypatch.chdir(tmp_path)
    plots = plot_table(tmp_path)
    assert main_ok(["standardize", str(plots), "--crop", "wheat", "-o", "-"])
    assert capsys.readouterr().out.startswith("plot_id,")
    assert not (tmp_path / "-").exists()


def test_dash_output_of_design_is_standard_output(tmp_path, capsys, monkeypatch):
    """`design ... -o -` prints the field book."""
    monkeypatch.chdir(tmp_path)
    assert main_ok([*DESIGN, "-o", "-"])
    assert capsys.readouterr().out.startswith("plot_id,")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["report", "demo"])
def test_dash_output_is_a_usage_error_where_a_file_is_written(tmp_path, capsys, command):
    """`report -o -` / `demo -o -`: exit 2, one line, no file named '-'."""
    plots = plot_table(tmp_path)
    argv = ["report", str(plots), "--crop", "wheat"] if command == "report" else ["demo"]
    assert_one_line_error(
        [*argv, "-o", "-"], capsys, code=2, match="'-' \\(standard output\\) is not possible"
    )


def main_ok(argv: list[str]) -> bool:
    """Run the CLI in-process; True when it exits 0."""
    from yieldtrial.cli import main

    return main(argv) == 0


# --------------------------------------------------------------------------- messages
def test_wrote_line_quotes_a_name_with_a_line_break(tmp_path, capsys):
    """A line break in an output name does not split the one-line `wrote ...` message."""
    plots = plot_table(tmp_path)
    out = tmp_path / "a\nb.csv"
    code, lines = run_cli(["standardize", str(plots), "--crop", "wheat", "-o", str(out)], capsys)
    assert code == 0
    assert len(lines) == 1, lines
    assert lines[0].startswith("wrote '") and "a\\nb.csv'" in lines[0]
    assert out.exists()


def test_wrote_line_shows_a_chinese_name_as_typed(tmp_path, capsys):
    """Printable names (Chinese, spaces) are shown unquoted."""
    plots = plot_table(tmp_path)
    out = tmp_path / "产量 结果.csv"
    code, lines = run_cli(["standardize", str(plots), "--crop", "wheat", "-o", str(out)], capsys)
    assert code == 0
    assert lines[0].startswith(f"wrote {out} (")


def test_name_of_four_byte_characters_fits_its_temporary_name(tmp_path):
    """60 emoji + .csv is 244 bytes (fits); the temporary name is cut by bytes, so it fits too."""
    target = tmp_path / ("\N{GRINNING FACE}" * 60 + ".csv")
    write_output(target, "ok")
    assert target.read_text(encoding="utf-8") == "ok"
    assert sorted(p.name for p in tmp_path.iterdir()) == [output.MANIFEST_NAME, target.name]


def test_stale_temporary_of_a_name_with_a_line_break_is_removed(tmp_path):
    """A killed run's temporary file is found even when the output name holds a line break."""
    stale = tmp_path / ".a\nb.csv.yieldtrial-99999999-0123abcd.tmp"  # no such process
    stale.write_text("half", encoding="utf-8")
    atomic_write_text(tmp_path / "a\nb.csv", "whole")
    assert not stale.exists()


# --------------------------------------------------------------------------- streams
@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="needs /dev/stdout")
def test_dev_stdout_is_never_replaced_even_with_force(tmp_path):
    """/dev/stdout redirected to a file is a regular file, but the link in /dev is not replaced."""
    with open(tmp_path / "redirected.txt", "wb") as sink:
        saved = os.dup(1)
        os.dup2(sink.fileno(), 1)  # stdout redirected to a regular file, as `> file` does
        try:
            with pytest.raises(output.FileAccessError, match="not a regular file"):
                output.check_output("/dev/stdout", force=True)
        finally:
            os.dup2(saved, 1)
            os.close(saved)
    assert os.path.islink("/dev/stdout")


def test_file_under_dev_shm_is_an_ordinary_output(tmp_path):
    """The RAM disk folder in /dev holds ordinary files: not taken for a stream."""
    assert not output._is_stream_alias(Path("/dev/shm/yields.csv"))  # noqa: S108
    assert output._is_stream_alias(Path("/proc/self/fd/1"))


# --------------------------------------------------------------------------- file mode
def test_replace_drops_set_id_bits(tmp_path):
    """--force over a set-user-ID file keeps rwx bits (0755) but not the set-ID bits."""
    target = tmp_path / "tool"
    target.write_text("#!/bin/sh\n", encoding="utf-8")
    os.chmod(target, 0o6755)  # noqa: S103 - the hazard under test
    write_output(target, "plot_id\n", force=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


# --------------------------------------------------------------- text under a binary name
@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["design", "rcbd", "--treatments", "A", "B", "--blocks", "2"], "CSV text.*fb.csv"),
        (["audit", "12.5", "477", "--moisture", "15", "--crop", "wheat"], "plain text.*fb.txt"),
    ],
    ids=["design", "audit"],
)
def test_text_output_with_an_excel_name_is_a_usage_error(tmp_path, capsys, argv, hint):
    """`-o fb.xlsx` would hold CSV text that Excel refuses: exit 2, the suffix to use."""
    out = tmp_path / "fb.xlsx"
    assert_one_line_error([*argv, "-o", str(out)], capsys, code=2, match=hint, absent=[out])


def test_standardize_json_with_a_word_name_is_a_usage_error(tmp_path, capsys):
    """--format json -o y.docx: the message suggests y.json."""
    plots = plot_table(tmp_path)
    out = tmp_path / "y.docx"
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "--format", "json", "-o", str(out)],
        capsys,
        code=2,
        match=r"writes JSON text, not a \.docx file .*name it y\.json",
        absent=[out],
    )


def test_folder_in_the_place_of_a_figure_names_the_report(tmp_path, capsys):
    """A folder named like a figure file: the message names the report, not 'give a file name'."""
    out = tmp_path / "r.md"
    (tmp_path / "r_files" / "fig1.svg").mkdir(parents=True)
    line = assert_one_line_error(
        _report_args(tmp_path, out),
        capsys,
        match=r"'.*fig1\.svg', which goes with the report '.*r\.md': a folder has that name",
        absent=[out],
    )
    assert "e.g." not in line


@pytest.mark.parametrize("name", [output.MANIFEST_NAME, ".y.csv.yieldtrial-1-0123abcd.tmp"])
def test_output_named_like_yieldtrials_bookkeeping_is_refused(tmp_path, capsys, name):
    """`-o .yieldtrial-outputs` would be overwritten by the manifest at once: refused."""
    plots = plot_table(tmp_path)
    out = tmp_path / name
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(out), "--force"],
        capsys,
        match="yieldtrial keeps its own bookkeeping under that name",
        absent=[out],
    )


def test_figures_of_a_killed_run_are_own_outputs(tmp_path, capsys, monkeypatch):
    """A run killed after its figures (no clean-up) leaves figures the next run may replace."""
    from yieldtrial.report.files import report_from_files
    from yieldtrial.report.render_markdown import figure_paths, write_markdown

    out = tmp_path / "r.md"
    args = _report_args(tmp_path, out)
    report, _ = report_from_files(tmp_path / "plots.csv", crop="wheat")
    real = output.atomic_write_bytes

    def killed(path, data, **kwargs):
        if Path(path).name == "r.md":
            raise SystemExit(137)  # stands for SIGKILL at the .md ...
        return real(path, data, **kwargs)

    monkeypatch.setattr(output, "atomic_write_bytes", killed)
    monkeypatch.setattr(output, "_remove_created", lambda *args: None)  # ... no clean-up
    with pytest.raises(SystemExit):
        write_markdown(report, out, checked=True)
    figures = figure_paths(report, out)
    assert figures and all(is_own_output(f) for f in figures)
    monkeypatch.undo()
    assert run_cli(args, capsys)[0] == 0  # the next run replaces them without --force


# --------------------------------------------------------------------------- concurrent runs
def test_two_runs_writing_one_output_leave_a_whole_recorded_file(tmp_path):
    """Threads writing different content to one name: one whole version, recorded, no temps."""
    import threading

    target = tmp_path / "r.csv"
    contents = [(f"run {n}\n" * 20000).encode() for n in range(6)]
    barrier = threading.Barrier(len(contents))

    def run(data: bytes) -> None:
        barrier.wait()
        write_output(target, data, force=True)

    threads = [threading.Thread(target=run, args=(data,)) for data in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_bytes() in contents
    assert is_own_output(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [output.MANIFEST_NAME, "r.csv"]


def test_run_overtaken_between_rename_and_record_does_not_record_its_hash(tmp_path, monkeypatch):
    """Run A renames, run B writes and records, then A records: B's file stays B's own."""
    target = tmp_path / "r.csv"
    real = output._note_created  # called right after the rename (and out of the folder lock)
    overtaken = []

    def renamed(path, *args, **kwargs):
        real(path, *args, **kwargs)
        if Path(path) == target and not overtaken:
            overtaken.append(True)
            write_output(target, "run B\n", force=True)  # B, between A's rename and record

    monkeypatch.setattr(output, "_note_created", renamed)
    write_output(target, "run A\n")
    assert target.read_text(encoding="utf-8") == "run B\n"
    assert is_own_output(target)  # was False: A recorded its hash over B's


# --------------------------------------------------------------------------- non-UTF-8 names
NOT_UTF8 = os.fsdecode(b"\xfeplots.csv")  # a Latin-1 name on a UTF-8 system


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_output_name_that_is_not_utf8_is_refused(tmp_path, capsys):
    """-o with bytes that are not UTF-8: one line (was an internal error, exit 3)."""
    plots = plot_table(tmp_path)
    out = tmp_path / os.fsdecode(b"\xffyields.csv")
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(out)],
        capsys,
        match="the file name holds bytes that are not UTF-8 text",
        absent=[out],
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
@pytest.mark.parametrize("suffix", [".html", ".json", ".md"])
def test_report_of_an_input_whose_name_is_not_utf8(tmp_path, capsys, suffix):
    """The report shows the input's name with U+FFFD for the foreign byte (was exit 3)."""
    plots = plot_table(tmp_path, NOT_UTF8)
    out = tmp_path / f"r{suffix}"
    code, lines = run_cli(["report", str(plots), "--crop", "wheat", "-o", str(out)], capsys)
    assert code == 0, lines
    assert "\ufffdplots.csv" in out.read_text(encoding="utf-8")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_manifest_records_a_name_that_is_not_utf8(tmp_path):
    """record_output of such a file (written by another writer) escapes it in the JSON."""
    target = atomic_write_text(tmp_path / NOT_UTF8, "x")
    output.record_output(target)
    assert is_own_output(target)


@pytest.mark.parametrize(
    "argv",
    [
        ["standardize", "442", "--moisture", "5", "--standard", "13"],
        ["design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "--seed", "1"],
    ],
    ids=["standardize", "design"],
)
def test_closed_standard_output_is_one_line(capsys, monkeypatch, argv):
    """`yieldtrial ... >&-` (sys.stdout is None) was AttributeError, exit 3."""
    import sys

    monkeypatch.setattr(sys, "stdout", None)
    assert_one_line_error(
        argv, capsys, match=r"standard output is closed .*write it to a file with -o/--output"
    )
    assert sys.stdout is None  # restored for the caller


def test_closed_standard_output_of_plan_says_to_redirect(capsys, monkeypatch):
    """`plan` has no -o: the line suggested "-o/--output", which plan refuses (exit 2)."""
    import sys

    monkeypatch.setattr(sys, "stdout", None)
    line = assert_one_line_error(
        ["plan", "--cv", "8", "--difference", "5", "--treatments", "3"],
        capsys,
        match=r"standard output is closed .*redirect it to a file \(yieldtrial plan \.\.\. > ",
    )
    assert "-o" not in line
    assert sys.stdout is None


def test_closed_standard_output_does_not_matter_with_an_output_file(tmp_path, capsys, monkeypatch):
    """A command writing -o FILE never touches standard output."""
    import sys

    plots = plot_table(tmp_path)
    monkeypatch.setattr(sys, "stdout", None)
    out = tmp_path / "o.csv"
    code, lines = run_cli(["standardize", str(plots), "--crop", "wheat", "-o", str(out)], capsys)
    assert code == 0, lines
    assert out.is_file()


def test_deleted_current_folder_is_named(tmp_path, capsys, monkeypatch):
    """Run from a folder deleted meanwhile: 'cannot read or write: No such file' said nothing."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert_one_line_error(
        ["demo"], capsys, match=r"the current folder no longer exists .*cd to an existing folder"
    )


@pytest.mark.parametrize(
    "content",
    [b"", b"  \r\n", b"\x00" * 4096, b'{"gener', b'\xef\xbb\xbf{\r\n "generator": "yiel'],
    ids=["empty", "blank", "zero-filled", "cut-short", "bom-cut-short"],
)
def test_manifest_that_holds_nothing_is_written_over(tmp_path, content):
    """Stop 38 attacked: an empty or cut-short manifest locked the folder even with --force."""
    (tmp_path / output.MANIFEST_NAME).write_bytes(content)
    write_output(tmp_path / "a.txt", "a")
    assert is_own_output(tmp_path / "a.txt")


def test_manifest_with_bom_and_crlf_is_still_recognised(tmp_path):
    """A manifest an editor saved with a UTF-8 BOM and CRLF line ends is the manifest."""
    write_output(tmp_path / "a.txt", "a")
    path = tmp_path / output.MANIFEST_NAME
    text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert is_own_output(tmp_path / "a.txt")
    write_output(tmp_path / "a.txt", "b")  # own output: replaced without force
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "b"


def test_manifest_nested_too_deeply_is_no_record(tmp_path):
    """A manifest nested past the recursion limit is a broken record, not a lock-out."""
    path = tmp_path / output.MANIFEST_NAME
    path.write_bytes(
        b'{"generator": "yieldtrial", "files": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    )
    write_output(tmp_path / "a.txt", "a")
    assert is_own_output(tmp_path / "a.txt")


def test_manifest_that_turns_special_after_the_lstat_is_refused(tmp_path, monkeypatch):
    """An empty manifest is written over, but not when a pipe took its place meanwhile."""
    (tmp_path / output.MANIFEST_NAME).write_bytes(b"")

    @contextlib.contextmanager
    def now_a_pipe(path):
        yield None

    monkeypatch.setattr(output, "_open_regular", now_a_pipe)
    with pytest.raises(output.FileAccessError, match="a socket or another special file"):
        write_output(tmp_path / "a.txt", "a")
    assert not (tmp_path / "a.txt").exists()
