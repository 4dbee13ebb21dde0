"""Safe output files: atomic writes, usual file mode, never over an input."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from yieldtrial.errors import DataValidationError
from yieldtrial.io.output import atomic_write_bytes, atomic_write_text, check_not_input


def test_atomic_write_text_writes_whole_file(tmp_path):
    """The text arrives complete and no temporary file is left behind."""
    target = tmp_path / "sub" / "out.csv"
    atomic_write_text(target, "a,b\n1,2\n")
    assert target.read_text(encoding="utf-8") == "a,b\n1,2\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.csv"]


def test_atomic_write_uses_umask_file_mode(tmp_path):
    """Output files get the mode an ordinary open() would give (0666 minus the umask)."""
    mask = os.umask(0o022)
    try:
        path = atomic_write_bytes(tmp_path / "x.bin", b"1")
    finally:
        os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_atomic_write_leaves_old_file_on_failure(tmp_path, monkeypatch):
    """A failing write keeps the previous content and removes its temporary file."""
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match=r"cannot write '.*out\.txt': disk full"):
        atomic_write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_check_not_input_refuses_overwriting_an_input(tmp_path):
    """Writing over a file that was read is refused with a hint."""
    source = tmp_path / "plots.csv"
    source.write_text("x", encoding="utf-8")
    with pytest.raises(DataValidationError, match="refusing to overwrite"):
        check_not_input(tmp_path / "." / "plots.csv", [source])
    check_not_input(tmp_path / "other.csv", [source])


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise here")
def test_atomic_write_stream_starts_writeback_in_steps(tmp_path, monkeypatch):
    """A streamed output asks for write-back every _WRITEBACK_BYTES; content and hash intact."""
    import hashlib

    from yieldtrial.io import output

    calls = []
    real = os.posix_fadvise

    def advise(fd, offset, length, advice):
        calls.append((offset, length, advice))
        real(fd, offset, length, advice)

    monkeypatch.setattr(output, "_WRITEBACK_BYTES", 10)
    monkeypatch.setattr(os, "posix_fadvise", advise)
    pieces = [b"0123456", memoryview(b"789abcdef"), b"g" * 25]

    def write(handle):
        for piece in pieces:
            handle.write(piece)

    path, digest = output.atomic_write_stream(tmp_path / "out.csv", write)
    content = b"".join(bytes(p) for p in pieces)
    assert path.read_bytes() == content
    assert digest == hashlib.sha256(content).hexdigest()
    # 7 bytes: below 10; 16: [0, 16); 41: [16, 41)
    assert calls == [(0, 16, os.POSIX_FADV_DONTNEED), (16, 25, os.POSIX_FADV_DONTNEED)]


def _past_the_change_time_of(path: Path) -> None:
    """Return once a file written next to ``path`` gets a later change time than it has.

    Before Linux 6.13 file times come from a clock that moves once a tick (up to 10 ms):
    a change within the tick of the last one keeps the change time, so a test that says
    "the change time moved" failed on a fast machine and passed on a slow one (was: no
    wait, or a fixed 50 ms sleep).  Polled, so it waits no longer than the tick.
    """
    probe = path.with_name(path.name + ".tick")
    before = os.stat(path).st_ctime_ns
    try:
        while True:
            probe.write_bytes(b"")
            if os.stat(probe).st_ctime_ns > before:
                return
            time.sleep(0.001)
    finally:
        probe.unlink()


def test_past_the_change_time_of_a_file_a_new_write_changes_it(tmp_path):
    path = tmp_path / "a.bin"
    path.write_bytes(b"a")
    before = os.stat(path).st_ctime_ns
    _past_the_change_time_of(path)
    path.write_bytes(b"b")
    assert os.stat(path).st_ctime_ns > before
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]  # the probe is gone


def test_large_file_hash_is_computed_once_per_content(tmp_path, monkeypatch):
    # check_output hashes an existing output before the work and again at the write; a
    # large file is read once while its identity and change times stay the same
    import hashlib

    from yieldtrial.io import output

    monkeypatch.setattr(output, "_MEMO_BYTES", 10)
    monkeypatch.setattr(output, "_HASHES", {})
    updates = []
    real_sha256 = hashlib.sha256

    class CountingHash:
        def __init__(self):
            self._inner = real_sha256()

        def update(self, data):
            updates.append(len(data))
            self._inner.update(data)

        def hexdigest(self):
            return self._inner.hexdigest()

    monkeypatch.setattr(output.hashlib, "sha256", CountingHash)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a" * 100)
    first = output._file_sha256(path)
    assert output._file_sha256(path) == first
    assert updates == [100]  # read once
    _past_the_change_time_of(path)
    path.write_bytes(b"b" * 100)  # same size, new content
    os.utime(path, ns=(1, 1))  # even with the modification time put back, ctime moved
    assert output._file_sha256(path) == real_sha256(b"b" * 100).hexdigest()
    assert updates == [100, 100]


def test_small_file_hash_is_never_remembered(tmp_path, monkeypatch):
    from yieldtrial.io import output

    monkeypatch.setattr(output, "_HASHES", {})
    path = tmp_path / "small.csv"
    path.write_bytes(b"x,y\n1,2\n")
    output._file_sha256(path)
    assert output._HASHES == {}


def test_umask_is_read_without_changing_it(monkeypatch) -> None:
    """Where /proc/self/status has the mask, os.umask is never called (no window at 0)."""
    from yieldtrial.io import output

    expected = os.umask(0o022)
    os.umask(expected)
    if not Path("/proc/self/status").exists() or "Umask:" not in Path(
        "/proc/self/status"
    ).read_text(encoding="ascii", errors="replace"):
        pytest.skip("no Umask line in /proc/self/status on this system")

    def forbidden(mask: int) -> int:
        raise AssertionError("os.umask called")

    monkeypatch.setattr(output.os, "umask", forbidden)
    assert output._umask() == expected


def test_umask_fallback_restores_the_mask(monkeypatch) -> None:
    """Without /proc the mask is set and restored (never to 0), under a lock."""
    import builtins

    from yieldtrial.io import output

    real_open = builtins.open

    def no_proc(path, *args, **kwargs):
        if str(path) == "/proc/self/status":
            raise OSError("no /proc here")
        return real_open(path, *args, **kwargs)

    seen = []
    real_umask = os.umask

    def spy(mask: int) -> int:
        seen.append(mask)
        return real_umask(mask)

    before = real_umask(0o027)
    try:
        monkeypatch.setattr(builtins, "open", no_proc)
        monkeypatch.setattr(output.os, "umask", spy)
        assert output._umask() == 0o027
        assert 0 not in seen
        assert real_umask(0o027) == 0o027  # restored
    finally:
        real_umask(before)


# ------------------------------------------------------------------- large outputs' identity
def _large_output(tmp_path, monkeypatch, content=b"a" * 100):
    """Write ``content`` as a "large" output (the threshold lowered to 10 bytes)."""
    from yieldtrial.io import output

    monkeypatch.setattr(output, "_MEMO_BYTES", 10)
    monkeypatch.setattr(output, "_HASHES", {})
    target = tmp_path / "yields.csv"
    output.write_output(target, content)
    if not output._fine_times(os.stat(target)):  # pragma: no cover - a coarse file system
        pytest.skip("the temporary folder's file system keeps whole-millisecond times")
    return target


def _manifest_entry(target):
    import json

    from yieldtrial.io.output import MANIFEST_NAME

    manifest = json.loads((target.parent / MANIFEST_NAME).read_text(encoding="utf-8"))
    return manifest["files"][target.name]


def _no_hashing(monkeypatch):
    from yieldtrial.io import output

    def refuse(path):
        raise AssertionError(f"{path} was read to be hashed")

    monkeypatch.setattr(output, "_file_sha256", refuse)


def test_large_output_is_recorded_with_its_identity(tmp_path, monkeypatch):
    """Hash, size, and device, inode, size, mtime and ctime in ns of the renamed file."""
    target = _large_output(tmp_path, monkeypatch)
    info = os.stat(target)
    entry = _manifest_entry(target)
    assert entry["size"] == 100
    assert entry["identity"] == [info.st_dev, info.st_ino, 100, info.st_mtime_ns, info.st_ctime_ns]


def test_unchanged_large_output_is_recognised_without_reading_it(tmp_path, monkeypatch):
    from yieldtrial.io.output import is_own_output

    target = _large_output(tmp_path, monkeypatch)
    _no_hashing(monkeypatch)
    assert is_own_output(target)


def test_large_output_edited_in_place_is_refused(tmp_path, monkeypatch):
    """Same size, modification time put back: the change time moved, so it is hashed."""
    from yieldtrial.io.output import is_own_output

    target = _large_output(tmp_path, monkeypatch)
    before = os.stat(target)
    _past_the_change_time_of(target)
    with target.open("r+b") as handle:
        handle.write(b"b")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(target).st_size == before.st_size
    assert not is_own_output(target)


def test_large_output_touched_is_still_recognised_by_its_hash(tmp_path, monkeypatch):
    from yieldtrial.io.output import is_own_output

    target = _large_output(tmp_path, monkeypatch)
    os.utime(target, ns=(1, 1))
    assert is_own_output(target)


def test_large_output_copied_with_its_manifest_is_recognised_by_its_hash(tmp_path, monkeypatch):
    """Another folder: another inode, so the identity does not match and the hash decides."""
    import shutil

    from yieldtrial.io.output import MANIFEST_NAME, is_own_output

    target = _large_output(tmp_path, monkeypatch)
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy2(target, copy / target.name)
    shutil.copy2(target.parent / MANIFEST_NAME, copy / MANIFEST_NAME)
    assert is_own_output(copy / target.name)


def test_large_output_written_to_before_it_is_recorded_gets_no_identity(tmp_path, monkeypatch):
    """A write between the rename and the record (a new mtime): recorded by hash only."""
    from yieldtrial.io import output

    monkeypatch.setattr(output, "_MEMO_BYTES", 10)
    target = tmp_path / "yields.csv"
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        real(src, dst, *args, **kwargs)
        if Path(dst) == target:
            with open(dst, "r+b") as handle:
                handle.write(b"b")
            os.utime(dst, ns=(1, 1))

    monkeypatch.setattr(os, "replace", replace)
    output.write_output(target, b"a" * 100)
    monkeypatch.undo()
    assert "identity" not in _manifest_entry(target)
    assert not output.is_own_output(target)


def test_small_output_is_recorded_without_identity(tmp_path):
    from yieldtrial.io.output import write_output

    target = tmp_path / "yields.csv"
    write_output(target, b"a" * 100)
    assert set(_manifest_entry(target)) == {"sha256", "size"}


@pytest.mark.parametrize(
    ("mtime_ns", "ctime_ns", "fine"),
    [
        (1_733_400_000_123_456_789, 1_733_400_000_123_456_790, True),
        (1_733_400_000_000_000_000, 1_733_400_000_123_456_790, False),  # FAT: 2 s steps
        (1_733_400_000_123_456_789, 1_733_400_001_000_000_000, False),
    ],
)
def test_identity_needs_sub_millisecond_times(mtime_ns, ctime_ns, fine):
    from types import SimpleNamespace

    from yieldtrial.io.output import _fine_times

    assert _fine_times(SimpleNamespace(st_mtime_ns=mtime_ns, st_ctime_ns=ctime_ns)) is fine


def test_identity_of_another_type_is_ignored(tmp_path, monkeypatch):
    """A hand-edited manifest (identity as text): the hash decides."""
    import json

    from yieldtrial.io.output import MANIFEST_NAME, is_own_output

    target = _large_output(tmp_path, monkeypatch)
    path = tmp_path / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["files"][target.name]["identity"] = [str(v) for v in os.stat(target)[:5]]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert is_own_output(target)
    target.write_bytes(b"c" * 100)
    assert not is_own_output(target)


def test_identity_is_neither_recorded_nor_trusted_without_change_times(tmp_path, monkeypatch):
    """Windows: st_ctime is the creation time, which a write does not move; only the hash."""
    from yieldtrial.io import output

    target = _large_output(tmp_path, monkeypatch)
    monkeypatch.setattr(output, "_CHANGE_TIMES", False)
    calls = []
    real = output._file_sha256
    monkeypatch.setattr(output, "_file_sha256", lambda path: calls.append(path) or real(path))
    assert output.is_own_output(target)
    assert calls == [target]  # hashed although the recorded identity matches
    output.write_output(target, b"d" * 100)
    assert "identity" not in _manifest_entry(target)


class _Killed(BaseException):
    """Stands for SIGKILL between the rename of an output and its manifest entry."""


def _killed_after_rename(monkeypatch, write) -> None:
    from yieldtrial.io import output

    def killed(*args, **kwargs):
        raise _Killed

    with monkeypatch.context() as patch:
        patch.setattr(output, "_record", killed)
        with pytest.raises(_Killed):
            write()


def test_output_killed_before_its_record_is_still_own(tmp_path, monkeypatch):
    from yieldtrial.io.output import is_own_output, write_output

    target = tmp_path / "report.html"
    _killed_after_rename(monkeypatch, lambda: write_output(target, "<p>new</p>"))
    assert target.read_text(encoding="utf-8") == "<p>new</p>"
    assert is_own_output(target)


def test_replaced_output_killed_before_its_record_is_still_own(tmp_path, monkeypatch):
    from yieldtrial.io.output import is_own_output, write_output

    target = tmp_path / "report.html"
    write_output(target, "<p>old</p>")
    _killed_after_rename(monkeypatch, lambda: write_output(target, "<p>new, longer</p>"))
    assert is_own_output(target)


def test_output_killed_before_its_rename_leaves_the_old_file_own(tmp_path, monkeypatch):
    from yieldtrial.io import output

    target = tmp_path / "report.html"
    output.write_output(target, "<p>old</p>")
    with monkeypatch.context() as patch:
        patch.setattr(output.os, "replace", lambda *a: (_ for _ in ()).throw(_Killed()))
        with pytest.raises(_Killed):
            output.write_output(target, "<p>new</p>")
    assert target.read_text(encoding="utf-8") == "<p>old</p>"
    assert output.is_own_output(target)


def test_file_with_other_content_than_the_next_one_is_not_own(tmp_path, monkeypatch):
    from yieldtrial.io.output import is_own_output, write_output

    target = tmp_path / "report.html"
    _killed_after_rename(monkeypatch, lambda: write_output(target, "<p>new</p>"))
    target.write_text("<p>edited by the user</p>", encoding="utf-8")
    assert not is_own_output(target)


def test_atomic_write_bytes_with_record_is_own(tmp_path):
    from yieldtrial.io.output import is_own_output

    target = atomic_write_bytes(tmp_path / "fig1.svg", b"<svg/>", record=True)
    assert is_own_output(target)


def test_stop_the_moment_the_temporary_file_exists_leaves_nothing(tmp_path, monkeypatch):
    # A SIGTERM turned into an exception can land right after os.open returns, before any
    # later statement: the hostile test that waits for the temporary file and then signals
    # hit exactly that moment once (stop 46). The temporary file must go all the same.
    real_open = os.open

    def open_then_stop(*args, **kwargs):
        real_open(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "open", open_then_stop)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(tmp_path / "yields.csv", b"a,b\n")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_a_temporary_name_taken_by_another_file_is_not_removed(tmp_path, monkeypatch):
    # O_EXCL refuses a name that exists: that file belongs to someone else and stays.
    def taken(path, *args, **kwargs):
        Path(path).write_bytes(b"not ours")
        raise FileExistsError(17, "File exists", str(path))

    monkeypatch.setattr(os, "open", taken)
    with pytest.raises(Exception, match="yields.csv"):
        atomic_write_bytes(tmp_path / "yields.csv", b"a,b\n")
    monkeypatch.undo()
    assert [p.read_bytes() for p in tmp_path.iterdir()] == [b"not ours"]


def test_new_output_another_run_created_since_the_check_is_not_replaced(tmp_path):
    # Two runs on one new name: both checked it while it was free; the one that writes
    # second must not replace the first's output (stop 47: one field book was lost).
    import contextvars

    from yieldtrial.io import output

    target = tmp_path / "fb.csv"
    with output.output_group(), pytest.raises(DataValidationError) as caught:
        output.check_output(target)  # the command's early check: the name is free
        # the other run, in its own context (another process): no group, no claim
        contextvars.Context().run(output.write_output, target, "other run\n")
        output.write_output(target, "this run\n")
    assert "'fb.csv' was created by another run while this one was writing it" in str(
        caught.value
    ).replace(str(tmp_path) + os.sep, "")
    assert "add --force" in str(caught.value)
    assert target.read_text(encoding="utf-8") == "other run\n"
    assert output.is_own_output(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".yieldtrial-outputs", "fb.csv"]
    assert "next" not in output._read_manifest(tmp_path)["fb.csv"]


def test_new_output_taken_between_the_check_and_the_rename_is_not_replaced(tmp_path, monkeypatch):
    # One call: the name is free when write_output checks it and taken (by another run)
    # when the file is to be put in place; the look and the rename are under one lock.
    from yieldtrial.io import output

    target = tmp_path / "fb.csv"
    real_record_next = output._record_next

    def taken_meanwhile(*args):
        real_record_next(*args)
        Path(target).write_text("other run\n", encoding="utf-8")

    monkeypatch.setattr(output, "_record_next", taken_meanwhile)
    with pytest.raises(DataValidationError, match="was created by another run"):
        output.write_output(target, "this run\n")
    assert target.read_text(encoding="utf-8") == "other run\n"
    assert "fb.csv" not in output._read_manifest(tmp_path)  # this run's content not noted
    assert sorted(p.name for p in tmp_path.iterdir()) == [".yieldtrial-outputs", "fb.csv"]


def test_a_run_may_rewrite_the_new_output_it_wrote(tmp_path):
    # the claim of a new name ends with this run's write: writing it again replaces it
    from yieldtrial.io import output

    target = tmp_path / "r.html"
    with output.output_group():
        output.check_output(target)
        output.write_output(target, "<p>first</p>")
        output.write_output(target, "<p>second</p>")
    assert target.read_text(encoding="utf-8") == "<p>second</p>"


def _recorded_names(folder: Path) -> list[str]:
    import json

    from yieldtrial.io import output

    return sorted(json.loads((folder / output.MANIFEST_NAME).read_text("utf-8"))["files"])


def test_interrupted_group_leaves_no_record_of_its_removed_outputs(tmp_path):
    """A report stopped after some files were recorded left their entries (stop 48).

    The folder's manifest was an earlier run's, so the group replaced it rather than
    created it, and removing the group's files left its entries behind.
    """
    from yieldtrial.io import output

    output.write_output(tmp_path / "old.md", "earlier run")
    with pytest.raises(KeyboardInterrupt), output.output_group():
        output.write_output(tmp_path / "r.html", "report")
        output.write_output(tmp_path / "r_files" / "f.svg", "<svg/>")
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == [output.MANIFEST_NAME, "old.md"]
    assert _recorded_names(tmp_path) == ["old.md"]


def test_next_run_drops_the_entry_of_an_output_removed_since(tmp_path):
    """An entry left by a killed run (no cleanup ran) is dropped by the next run's write."""
    from yieldtrial.io import output

    output.write_output(tmp_path / "r.html", "report")
    (tmp_path / "r.html").unlink()  # as a run killed after recording it, then cleaned up
    assert _recorded_names(tmp_path) == ["r.html"]
    output.write_output(tmp_path / "s.md", "next run")
    assert _recorded_names(tmp_path) == ["s.md"]
