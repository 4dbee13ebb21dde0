"""Output faults and data-loss guards: every case exits 1 with one line and loses nothing."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from hostile import assert_one_line_error, digests, plot_table, run_cli
from yieldtrial.errors import DataValidationError, FileAccessError, YieldTrialWarning
from yieldtrial.io import output
from yieldtrial.io.output import (
    MANIFEST_NAME,
    atomic_write_text,
    check_folder,
    check_output,
    is_own_output,
    write_output,
)

DESIGN = ["design", "rcbd", "--treatments", "CK", "T1", "T2", "--blocks", "3", "--seed", "1"]


def _fill_in(book: Path) -> None:
    """Type harvest data into a field book, as a technician would."""
    lines = book.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    mass, moisture = header.index("fresh_mass_kg"), header.index("moisture_pct")
    filled = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[mass], cells[moisture] = "12.5", "13.1"
        filled.append(",".join(cells))
    book.write_text("\n".join(filled) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- replace policy
def test_design_never_replaces_a_filled_in_field_book(tmp_path, capsys):
    """`design -o F` over a field book with harvest data exits 1 and leaves it unchanged."""
    book = tmp_path / "fieldbook.csv"
    assert main_ok([*DESIGN, "-o", str(book)], capsys)
    _fill_in(book)
    assert_one_line_error(
        [*DESIGN, "-o", str(book)],
        capsys,
        match=r"already holds harvest data \(fresh_mass_kg in 9 rows",
        untouched=[book],
    )


def test_design_refuses_a_filled_in_field_book_even_with_force(tmp_path, capsys):
    """--force does not allow replacing harvest data (decided: refusing is safer)."""
    book = tmp_path / "fieldbook.csv"
    assert main_ok([*DESIGN, "-o", str(book)], capsys)
    _fill_in(book)
    assert_one_line_error(
        [*DESIGN, "--force", "-o", str(book)],
        capsys,
        match="not even with --force",
        untouched=[book],
    )


def test_design_replaces_its_own_unchanged_field_book(tmp_path, capsys):
    """Running design again over its own untouched output is allowed (new seed, new layout)."""
    book = tmp_path / "fieldbook.csv"
    assert main_ok([*DESIGN, "-o", str(book)], capsys)
    first = book.read_bytes()
    assert main_ok([*DESIGN[:-1], "2", "-o", str(book)], capsys)
    assert book.read_bytes() != first


def test_standardize_refuses_a_foreign_file_without_force(tmp_path, capsys):
    """A file yieldtrial did not write is never replaced silently (exit 1, unchanged)."""
    plots = plot_table(tmp_path)
    mine = tmp_path / "notes.csv"
    mine.write_text("my,own\nnotes,here\n", encoding="utf-8")
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(mine)],
        capsys,
        match=r"not an unchanged output of yieldtrial; refusing to replace it.*--force",
        untouched=[mine, plots],
    )


def test_standardize_replaces_a_foreign_file_with_force(tmp_path, capsys):
    """--force replaces an existing file that yieldtrial did not write."""
    plots = plot_table(tmp_path)
    mine = tmp_path / "notes.csv"
    mine.write_text("my,own\n", encoding="utf-8")
    assert main_ok(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(mine), "--force"], capsys
    )
    assert "yield_kg_ha" in mine.read_text(encoding="utf-8-sig")


def test_edited_output_is_user_data_again(tmp_path, capsys):
    """An output changed after yieldtrial wrote it no longer counts as its own."""
    plots = plot_table(tmp_path)
    out = tmp_path / "yields.csv"
    assert main_ok(["standardize", str(plots), "--crop", "wheat", "-o", str(out)], capsys)
    assert is_own_output(out)
    out.write_text(out.read_text(encoding="utf-8-sig") + "# my note\n", encoding="utf-8")
    assert not is_own_output(out)
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(out)],
        capsys,
        untouched=[out],
    )


def test_output_equal_to_input_is_refused_even_with_force(tmp_path, capsys):
    """`-o plots.csv` over the input itself exits 1 and keeps the input."""
    plots = plot_table(tmp_path)
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(plots), "--force"],
        capsys,
        match="is also an input file",
        untouched=[plots],
    )


def test_demo_refuses_a_folder_with_other_files(tmp_path, capsys):
    """`demo -o DIR` does not write into a folder holding the user's files."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "index.html").write_text("<p>my page</p>", encoding="utf-8")
    assert_one_line_error(
        ["demo", "-o", str(folder)],
        capsys,
        match=r"holds files that yieldtrial did not write.*'index.html'",
        untouched=[folder / "index.html"],
    )
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]


def test_check_folder_accepts_new_empty_and_own_folders(tmp_path):
    """A new folder, an empty one and one holding only own outputs are fine."""
    assert check_folder(tmp_path / "new") == tmp_path / "new"
    assert check_folder(tmp_path) == tmp_path
    write_output(tmp_path / "a.html", "<p>a</p>")
    assert check_folder(tmp_path) == tmp_path
    (tmp_path / "b.txt").write_text("b", encoding="utf-8")
    with pytest.raises(DataValidationError, match="'b.txt'"):
        check_folder(tmp_path)
    assert check_folder(tmp_path, force=True) == tmp_path


def test_manifest_records_hash_and_size(tmp_path):
    """The manifest names each output with the SHA-256 and size of what was written."""
    write_output(tmp_path / "r.md", "# report\n")
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text(encoding="utf-8"))
    entry = manifest["files"]["r.md"]
    # sha256 of b"# report\n", computed independently with hashlib
    import hashlib

    assert entry == {"sha256": hashlib.sha256(b"# report\n").hexdigest(), "size": 9}


# --------------------------------------------------------------------------- file mode, fsync
def test_replace_keeps_the_file_mode(tmp_path):
    """Writing over an own output keeps its permission bits (0600 stays 0600)."""
    target = write_output(tmp_path / "r.md", "one\n")
    os.chmod(target, 0o600)
    write_output(target, "two\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8") == "two\n"


def test_write_fsyncs_file_and_folder(tmp_path, monkeypatch):
    """The temporary file and then its folder are fsync'ed around the rename."""
    synced: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    atomic_write_text(tmp_path / "x.txt", "x")
    assert synced == ["file", "dir"]


def test_stale_temporary_file_of_a_dead_process_is_removed(tmp_path):
    """A temp file left by a killed run (its pid is gone) disappears on the next write."""
    dead = 2**22 + 12345  # above the default pid_max (4194304): no such process
    stale = tmp_path / f".r.md.yieldtrial-{dead}-0123abcd.tmp"
    stale.write_text("half", encoding="utf-8")
    alive = tmp_path / f".r.md.yieldtrial-{os.getpid()}-0123abcd.tmp"
    alive.write_text("mine", encoding="utf-8")
    atomic_write_text(tmp_path / "r.md", "done")
    assert not stale.exists()
    assert alive.exists()  # a running process's temporary file is left alone


def test_temporary_name_fits_a_long_target_name(tmp_path):
    """A 250-character file name is written (the temp name is shortened, not the target)."""
    target = tmp_path / ("n" * 246 + ".txt")
    atomic_write_text(target, "ok")
    assert target.read_text(encoding="utf-8") == "ok"


# --------------------------------------------------------------------------- OS errors
@pytest.mark.parametrize(
    ("code", "hint"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EFBIG, "larger than this file system allows"),
        (errno.EACCES, "permission denied"),
        (errno.EDQUOT, "quota"),
        (errno.EIO, "input/output error"),
    ],
    ids=["ENOSPC", "EROFS", "EFBIG", "EACCES", "EDQUOT", "EIO"],
)
def test_write_fault_is_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch, code, hint):
    """Disk full, read-only, too large...: exit 1, the path and a hint, no partial output."""
    plots = plot_table(tmp_path)
    out = tmp_path / "yields.csv"

    def fail(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", fail)
    line = assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(out)],
        capsys,
        match=rf"cannot write '.*yields\.csv': .*\(.*{hint}",
        untouched=[plots],
        absent=[out],
    )
    assert ".tmp" not in line
    assert [p.name for p in tmp_path.iterdir()] == ["plots.csv"]


def test_read_only_folder_gives_a_clean_error(tmp_path, capsys, monkeypatch):
    """EROFS when creating the temporary file: one line naming the output, not the temp."""
    plots = plot_table(tmp_path)
    out = tmp_path / "yields.csv"
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if str(path).endswith(".tmp"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(out)],
        capsys,
        match=r"cannot write '.*yields\.csv': Read-only file system",
        untouched=[plots],
        absent=[out],
    )


def test_folder_as_output_names_the_folder(tmp_path, capsys):
    """A folder given as -o is named as such (not an internal temporary name)."""
    plots = plot_table(tmp_path)
    folder = tmp_path / "out"
    folder.mkdir()
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(folder)],
        capsys,
        match=r"cannot write '.*out': it is a folder; give a file name",
        untouched=[plots],
    )


def test_file_as_folder_in_output_path(tmp_path, capsys):
    """`-o plots.csv/out.csv` says that plots.csv is a file."""
    plots = plot_table(tmp_path)
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(plots / "out.csv")],
        capsys,
        match=r"'.*plots\.csv' is a file, not a folder",
        untouched=[plots],
    )


def test_name_too_long(tmp_path, capsys):
    """ENAMETOOLONG gives the path and 'choose a shorter name'."""
    plots = plot_table(tmp_path)
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(tmp_path / ("x" * 300))],
        capsys,
        match="the file name is too long; choose a shorter name",
        untouched=[plots],
    )


def test_device_as_output_is_refused(tmp_path, capsys):
    """/dev/null (a device) is not replaced, whatever the permissions."""
    plots = plot_table(tmp_path)
    assert_one_line_error(
        ["standardize", str(plots), "--crop", "wheat", "-o", os.devnull, "--force"],
        capsys,
        match="it is not a regular file",
        untouched=[plots],
    )


def test_check_output_error_types(tmp_path):
    """Refusals are DataValidationError (data) or FileAccessError (an OSError too)."""
    (tmp_path / "x.csv").write_text("x", encoding="utf-8")
    with pytest.raises(DataValidationError):
        check_output(tmp_path / "x.csv")
    with pytest.raises(FileAccessError) as caught:
        check_output(tmp_path)
    assert isinstance(caught.value, OSError)


def test_manifest_write_failure_does_not_fail_the_command(tmp_path, monkeypatch):
    """The output is written even when its manifest cannot be (only --force is needed later)."""
    real = output.atomic_write_text

    def no_manifest(path, text, **kwargs):
        if Path(path).name == MANIFEST_NAME:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, text, **kwargs)

    monkeypatch.setattr(output, "atomic_write_text", no_manifest)
    # stop 41: said as a warning (a later run's refusal to replace it was a surprise)
    with pytest.warns(YieldTrialWarning, match="could not be recorded.*needs --force"):
        target = write_output(tmp_path / "r.md", "x")
    assert target.read_text(encoding="utf-8") == "x"
    assert not is_own_output(target)


def main_ok(argv: list[str], capsys: pytest.CaptureFixture[str]) -> bool:
    """Run a command that must succeed; True when it exits 0."""
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    return True


def test_inputs_never_change_on_success(tmp_path, capsys):
    """A successful standardize leaves its input byte for byte."""
    plots = plot_table(tmp_path)
    before = digests([plots])
    assert main_ok(
        ["standardize", str(plots), "--crop", "wheat", "-o", str(tmp_path / "o.csv")], capsys
    )
    assert digests([plots]) == before


@pytest.mark.parametrize(
    ("header", "shown"),
    [("yield", "yield"), ("Netto kg", "Netto kg"), ("产量", "产量")],
    ids=["yield", "netto-kg", "chanliang"],
)
def test_design_never_replaces_a_book_with_harvest_in_other_words(tmp_path, capsys, header, shown):
    """A column yieldtrial does not read ('yield', 'Netto kg') is harvest data too: kept."""
    book = tmp_path / "fieldbook.csv"
    book.write_text(f"plot_id,block,treatment,{header}\n1,1,CK,500\n2,1,T1,510\n", "utf-8")
    assert_one_line_error(
        [*DESIGN, "-o", str(book), "--force"],
        capsys,
        match=rf"already holds harvest data \({shown} in 2 rows",
        untouched=[book],
    )
