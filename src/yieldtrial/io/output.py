"""Safe output files: written whole or not at all, never over user data.

Three layers, each usable on its own:

* :func:`atomic_write_bytes` / :func:`atomic_write_text` / :func:`atomic_write_stream`
  write through a temporary file in the destination folder, ``fsync`` it, rename it
  over the destination and ``fsync`` the folder: a reader sees the old file or the
  new one, never a half-written one, even after a power cut.  A replaced file keeps
  its permission bits.  Temporary files are named
  ``.<name>.yieldtrial-<pid>-<random>.tmp``; one left behind by a run that was killed
  is removed by the next write into the same folder once its process is gone.
  Every :class:`OSError` becomes a :class:`~yieldtrial.errors.FileAccessError` naming
  the destination (never the temporary name) and what to do.
* :func:`output_group` makes a command that writes several files write all of them or
  none: when it fails (an error, Ctrl-C) the files and folders it created are removed.
* :func:`check_output` decides whether a command may write a path: never over an
  input file, never over a folder or a device, and never over an existing file that
  is not one of yieldtrial's own earlier outputs unless ``force`` is given.
* :func:`write_output` does both and records what it wrote in a small manifest,
  ``.yieldtrial-outputs``, in the output folder: file name -> SHA-256 of the content
  written.  An existing file counts as yieldtrial's own output only while its
  content still has the recorded hash, so a field book that was filled in after
  ``yieldtrial design`` wrote it is user data again.  A large output (32 MiB or more)
  is also recorded with its file identity (device, inode, size, modification and
  change times in ns); while the file still has exactly that identity it is not read
  again to be recognised (see :func:`is_own_output`).

:func:`csv_safe_frame` neutralises spreadsheet formulas in text cells (CSV injection).
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import hashlib
import json
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from yieldtrial.errors import DataValidationError, FileAccessError
from yieldtrial.io.oserrors import describe_os_error, file_error
from yieldtrial.io.progress import stderr_is_terminal, terminal_progress
from yieldtrial.io.stops import raise_kept_stop

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "MANIFEST_NAME",
    "atomic_write_bytes",
    "atomic_write_stream",
    "atomic_write_text",
    "check_folder",
    "check_manifest_slot",
    "check_not_input",
    "check_output",
    "csv_safe_frame",
    "csv_safe_text",
    "describe_os_error",
    "file_error",
    "is_own_output",
    "markdown_text",
    "output_group",
    "record_output",
    "shown_path",
    "stderr_is_terminal",
    "terminal_progress",
    "write_output",
]

#: Name of the manifest of yieldtrial's outputs kept in each output folder.
MANIFEST_NAME = ".yieldtrial-outputs"
#: A temporary file of :func:`atomic_write_stream`: ``.<name>.yieldtrial-<pid>-<hex>.tmp``.
_TEMP = re.compile(r"^\..*\.yieldtrial-(?P<pid>\d+)-[0-9a-f]{8}\.tmp$", re.DOTALL)
#: Temporary files of earlier yieldtrial versions (``mkstemp``) older than this are stale. [s]
_LEGACY_TEMP_AGE_S = 3600.0
_CHUNK = 1 << 20


# ------------------------------------------------------------------------- atomic writing
def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, record: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Parameters
    ----------
    path : path
        Destination file; its folder is created when missing.
    data : bytes
        The complete content.
    record : bool, default False
        Record the file as one of yieldtrial's own outputs (as :func:`write_output`
        does; the caller has checked the path with :func:`check_output`), with no moment
        between the rename and the record at which a killed run leaves a file the
        manifest does not know.

    Returns
    -------
    Path
        The written path.

    Raises
    ------
    FileAccessError
        When the file cannot be written (the message names ``path``); the previous
        file, if any, is left unchanged and no temporary file remains.
    """
    if not record:
        target, _ = atomic_write_stream(path, lambda handle: handle.write(data))
        return target
    target, digest, written = _write_atomically(
        path, lambda handle: handle.write(data), before_rename=_record_next
    )
    _record(target, digest, written)
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; see :func:`atomic_write_bytes`.

    Parameters
    ----------
    path : path
        Destination file.
    text : str
        The complete content.
    encoding : str, default "utf-8"
        Text encoding.

    Returns
    -------
    Path
        The written path.
    """
    return atomic_write_bytes(path, text.encode(encoding))


#: Bytes written between two requests to start writing the file to disk. [bytes]
_WRITEBACK_BYTES = 32 << 20


class _HashingWriter:
    """A binary file wrapper that hashes what passes through it.

    Every :data:`_WRITEBACK_BYTES` it asks the system to start writing the file to disk
    (``posix_fadvise(..., POSIX_FADV_DONTNEED)``, which starts the write-back without
    waiting for it), so the ``fsync`` at the end waits for the last part only and a large
    output's disk writes overlap its computation.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.hash = hashlib.sha256()
        self.written = 0
        self.flushed = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self.hash.update(data)
        count = self.handle.write(data)
        self.written += len(data) if not isinstance(data, memoryview) else data.nbytes
        if self.written - self.flushed >= _WRITEBACK_BYTES:
            self._start_writeback()
        return count

    def _start_writeback(self) -> None:
        advise = getattr(os, "posix_fadvise", None)
        if advise is None:  # pragma: no cover - Windows, macOS
            return
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self.handle.flush()
            advise(
                self.handle.fileno(),
                self.flushed,
                self.written - self.flushed,
                os.POSIX_FADV_DONTNEED,
            )
        self.flushed = self.written

    def flush(self) -> None:
        self.handle.flush()


def atomic_write_stream(
    path: str | os.PathLike[str], write: Callable[[Any], object]
) -> tuple[Path, str]:
    """Write a file atomically by streaming into it; see :func:`atomic_write_bytes`.

    Parameters
    ----------
    path : path
        Destination file; its folder is created when missing.
    write : callable
        Called with a binary file-like object (``write(bytes)``); writes the content in
        as many pieces as it likes, so a large table never needs to exist as one string.

    Returns
    -------
    path : Path
        The written path.
    sha256 : str
        Hex digest of the content written.

    Raises
    ------
    FileAccessError
        When the file cannot be written.
    """
    target, digest, _ = _write_atomically(path, write)
    return target, digest


def _write_atomically(
    path: str | os.PathLike[str],
    write: Callable[[Any], object],
    before_rename: Callable[[Path, str, int], None] | None = None,
    *,
    exclusive: bool = False,
) -> tuple[Path, str, tuple[int, int, int, int]]:
    """:func:`atomic_write_stream`, also returning what the new file was when written.

    The last item is (device, inode, size, modification time in ns) of the temporary
    file after its ``fsync``: the rename and the mode change keep all four.
    ``before_rename(target, sha256, size)`` is called once the content is on disk, just
    before the rename (:func:`_record_next`: a run killed at the rename leaves an output
    the manifest already knows).  ``exclusive`` puts the file in place only while no
    file has the name (:func:`_claim_new`): a new output another run created meanwhile
    is refused, never replaced.
    """
    target = _file_path(path)
    _check_parent(target)
    _refuse_folder(target)
    folder = target.parent
    missing = [f for f in (folder, *folder.parents) if not os.path.lexists(f)]
    for created in reversed(missing):  # one by one: a umask of 777 made each one 000
        try:
            created.mkdir(exist_ok=True)
        except OSError as exc:
            raise file_error(exc, created, "create the folder") from None
        _note_created(created)
        _owner_may_use(created, 0o700)
    _remove_stale_temporaries(folder, target.name)
    mode = _mode_for(target)
    if target.name == MANIFEST_NAME:  # the record is read back: never unreadable to its owner
        mode |= 0o600
    tmp = (
        folder / f".{_short_name(target.name)}.yieldtrial-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    )
    # The open is inside the cleanup's ``try``: a stop (SIGTERM, Ctrl-C) raised the moment
    # the temporary file exists, before any later statement, removes it too.
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            writer = _HashingWriter(handle)
            write(writer)
            handle.flush()
            os.fsync(handle.fileno())
            info = os.fstat(handle.fileno())
        os.chmod(tmp, mode)
        if before_rename is not None:
            before_rename(target, writer.hash.hexdigest(), info.st_size)
        raise_kept_stop()  # a stop that came where it could not be raised: not put in place
        if exclusive:
            _claim_new(tmp, target, writer.hash.hexdigest())
            _note_created(target)
        else:
            existed = os.path.lexists(target)
            os.replace(tmp, target)
            _note_created(target, replaced=existed)
    except BaseException as exc:
        if not isinstance(exc, FileExistsError):  # O_EXCL refused: that file is not ours
            with contextlib.suppress(OSError):
                tmp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, FileAccessError):
            raise file_error(exc, target, "write") from None
        raise
    _fsync_folder(folder)
    written = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    return target, writer.hash.hexdigest(), written


def _claim_new(tmp: Path, target: Path, digest: str) -> None:
    """Put ``tmp`` in place as ``target`` only while no file has that name.

    The look at the name and the rename happen under the folder's lock
    (:func:`_folder_lock`), which every run that creates an output there takes: of two
    runs started together on one new name, the second finds the first's file and is
    refused, where its rename silently replaced that output.
    """
    with _folder_lock(target.parent):
        taken = os.path.lexists(target)
        if not taken:
            os.replace(tmp, target)
    if taken:
        _forget_next(target, digest)
        raise _created_meanwhile(target)


def _created_meanwhile(target: Path) -> DataValidationError:
    """Return the error of a new output whose name another run (or program) took meanwhile."""
    return DataValidationError(
        f"{str(target)!r} was created by another run while this one was writing it; "
        "refusing to replace it. Choose another output name, or add --force (force=True in "
        "Python) to replace it"
    )


def _forget_next(target: Path, digest: str) -> None:
    """Drop the ``next`` content :func:`_record_next` noted for an output not put in place."""
    folder = target.parent
    with contextlib.suppress(OSError), _folder_lock(folder):
        files = _read_manifest(folder)
        entry = files.get(target.name)
        upcoming = entry.get("next") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(upcoming, dict):
            return
        if upcoming.get("sha256") != digest:
            return
        entry = {key: value for key, value in entry.items() if key != "next"}
        if entry:
            files[target.name] = entry
        else:
            del files[target.name]
        _write_manifest(folder, files)


def _short_name(name: str) -> str:
    """Return the start of ``name`` that fits in 64 bytes (a temporary name must fit in 255).

    Cut by bytes, not characters: 64 emoji are 256 bytes.
    """
    return os.fsencode(name)[:64].decode("utf-8", "ignore")


#: The open :func:`output_group` blocks, innermost last: the paths each created, in order,
#: and their device and inode (what may be removed again).
_GROUPS: contextvars.ContextVar[tuple[tuple[list[Path], dict[Path, tuple[int, int]]], ...]] = (
    contextvars.ContextVar("yieldtrial_output_groups", default=())
)


def _note_created(path: Path, *, replaced: bool = False) -> None:
    """Note a path a group created, or replaced again (the manifest after each file)."""
    groups = _GROUPS.get()
    if not groups:
        return
    try:
        info = os.lstat(path)
    except OSError:  # pragma: no cover - removed at once by someone else
        return
    if not replaced:
        created, identity = groups[-1]
        created.append(path)
        identity[path] = (info.st_dev, info.st_ino)
        return
    for _, identity in groups:  # created by this run earlier: its new identity
        if path in identity:
            identity[path] = (info.st_dev, info.st_ino)


#: Outputs that :func:`check_output` found new inside the open :func:`output_group`
#: blocks (absolute paths, shared by nested groups): :func:`write_output` creates them
#: only while no file has the name, so a second run started together is refused.
_NEW_OUTPUTS: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "yieldtrial_new_outputs", default=None
)


def _claim_key(target: Path) -> str:
    """Return the key of ``target`` in :data:`_NEW_OUTPUTS` (``fb.csv``, ``./fb.csv`` alike)."""
    return os.path.abspath(target)


#: The command writing (``"design"``, ``"report"``; None from Python): recorded with each
#: output, whose unchanged file another command does not replace without --force (stop 49).
_WRITER: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "yieldtrial_writer", default=None
)


@contextlib.contextmanager
def output_group(command: str | None = None) -> Iterator[list[Path]]:
    """Write several files as one output: when the block fails, remove what it created.

    A report with its figures and complete tables, a field book with its map, the
    reports of ``yieldtrial demo``: when a later file cannot be written (disk full,
    a name too long, Ctrl-C), the files and folders the block created are removed
    again, so a failed command leaves no partial output.  Files it replaced keep their
    new, complete content (the old one is gone with the rename), and a file that
    another run has put under a created name since is left alone.  Groups nest: an
    inner group that succeeds hands its files to the enclosing one.

    Parameters
    ----------
    command : str, optional
        The command writing (``"design"``): each output is recorded with it, and an
        unchanged output another command wrote is not replaced without ``force``
        (:func:`check_output`).  Inner groups keep the outer group's command.

    Yields
    ------
    list of Path
        The files and folders created so far, in order.
    """
    created: list[Path] = []
    identity: dict[Path, tuple[int, int]] = {}
    token = _GROUPS.set((*_GROUPS.get(), (created, identity)))
    claims = _NEW_OUTPUTS.set(_NEW_OUTPUTS.get() if _NEW_OUTPUTS.get() is not None else set())
    writer = _WRITER.set(command or _WRITER.get())
    try:
        yield created
        raise_kept_stop()  # a stop swallowed by a __del__ inside the block: undo it too
    except BaseException:
        _remove_created(created, identity)
        _forget_removed({path.parent for path in created})  # a manifest replaced, not created
        raise
    finally:
        _WRITER.reset(writer)
        _NEW_OUTPUTS.reset(claims)
        _GROUPS.reset(token)
    outer = _GROUPS.get()
    if outer:
        outer[-1][0].extend(created)
        outer[-1][1].update(identity)


def _forget_removed(folders: set[Path]) -> None:
    """Drop the manifest entries of the outputs a failed group removed (stop 48).

    A report interrupted after some of its files were recorded left their entries in a
    manifest that was already there (an earlier run's): harmless, but a stale record.
    A folder whose manifest the group created lost it with the group; the next run that
    writes into the folder drops any other missing file's entry (:func:`_write_manifest`).
    """
    for folder in sorted(folders):
        with contextlib.suppress(OSError), _folder_lock(folder):
            if not (folder / MANIFEST_NAME).is_file():
                continue
            files = _read_manifest(folder)
            if any(not (folder / name).exists() for name in files):
                _write_manifest(folder, files)


def _remove_created(created: list[Path], identity: dict[Path, tuple[int, int]]) -> None:
    """Remove files, then folders (only when empty), newest first; only what was created."""
    for path in reversed(created):
        with contextlib.suppress(OSError):
            info = os.lstat(path)
            if identity.get(path, (info.st_dev, info.st_ino)) != (info.st_dev, info.st_ino):
                continue  # replaced by another run since: not ours to remove
            if stat.S_ISDIR(info.st_mode):
                os.rmdir(path)
            else:
                os.unlink(path)


def _file_path(path: str | os.PathLike[str], example: str = "report.html") -> Path:
    """``path`` as a Path; refuse one that names a folder (``out/``, ``out/.``, ``..``).

    ``Path("out/")`` is ``Path("out")``: without this check ``-o out/`` would write a
    file named ``out``.  ``example`` is the file name the message suggests inside it.
    """
    raw = os.fspath(path)
    if not raw:
        raise FileAccessError("the output file name is empty; give a file name")
    if "\0" in raw:  # the operating system cannot take it (os.stat raises ValueError)
        raise FileAccessError(
            f"cannot write {raw!r}: the file name holds a NUL character (\\0), which no file "
            "name can hold; give a name in plain characters"
        )
    if os.path.basename(raw) in ("", ".", "..") or (os.altsep and raw.endswith(os.altsep)):
        raise FileAccessError(
            f"cannot write {raw!r}: it names a folder, not a file; give a file name (e.g. "
            f"{os.path.join(raw.rstrip('/' + (os.altsep or '')) or raw, example)!r})"
        )
    return Path(raw)


def shown_path(path: str | os.PathLike[str]) -> str:
    r"""Return a path as a message shows it: as typed, or quoted when it holds control characters.

    A line break or a terminal escape sequence in a file name would split the one-line
    ``wrote ...`` message or act on the terminal; such a name is shown as Python's
    ``repr``.

    Examples
    --------
    >>> shown_path("产量 2025.csv"), shown_path("a\nb.csv")
    ('产量 2025.csv', "'a\\nb.csv'")
    """
    text = os.fspath(path)
    return text if text.isprintable() else repr(text)


#: Folders of device and process files: a name there is a stream, not a file to replace
#: (``/dev/stdout`` is a link to ``/proc/self/fd/1``, a regular file when stdout is redirected).
_STREAM_FOLDERS = ("/dev/", "/proc/")


def _is_stream_alias(target: Path) -> bool:
    """Tell whether ``target`` is ``/dev/stdout``, ``/dev/fd/N``, ``/proc/...`` (not /dev/shm)."""
    if os.name != "posix":  # pragma: no cover - Windows
        return False
    for place in (os.path.abspath(target), str(_resolved(target))):
        ram_disk = place.startswith("/dev/shm/")  # noqa: S108 - a name compared, nothing made
        if place.startswith(_STREAM_FOLDERS) and not ram_disk:
            return True
    return False


def _probe(target: Path) -> os.stat_result | None:
    """``os.stat`` of ``target`` (None when it does not exist); other errors are clean."""
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            _check_parent(target)
        raise file_error(exc, target, "write") from None


def _check_parent(target: Path) -> None:
    """Refuse a path whose folder part is an existing file (``-o plots.csv/out.csv``)."""
    for folder in target.parents:
        try:
            info = os.stat(folder)
        except (FileNotFoundError, NotADirectoryError):
            if os.path.islink(folder):  # mkdir would say "File exists"
                raise _dangling_folder(folder) from None
            continue
        except OSError as exc:
            raise file_error(exc, folder, "write into") from None
        if not stat.S_ISDIR(info.st_mode):
            raise FileAccessError(
                f"cannot write {str(target)!r}: {str(folder)!r} is a file, not a folder; check "
                "the path"
            )
        return


def _dangling_folder(folder: Path) -> FileAccessError:
    """Return the error of an output folder that is a symbolic link to nothing."""
    try:
        pointed = f" to {os.readlink(folder)!r}"
    except OSError:  # pragma: no cover - removed meanwhile
        pointed = ""
    return FileAccessError(
        f"cannot write into {str(folder)!r}: it is a symbolic link{pointed}, which does not "
        "exist; create that folder, or give another output folder"
    )


#: The start of every manifest yieldtrial writes (``json.dumps`` keeps the key order); a
#: UTF-8 BOM and CRLF line ends, which an editor may have added, are allowed.
_MANIFEST_START = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"generator"\s*:\s*"yieldtrial"')

#: That start without its white space: a file that holds no more than a part of it (an
#: empty file, a write cut short by a crash, the NUL bytes a file system leaves after one)
#: holds nothing, and yieldtrial writes its manifest over it.
_MANIFEST_HEAD = b'{"generator":"yieldtrial"'


def _manifest_slot_problem(folder: Path) -> str:
    """Say what stands under the manifest's name in ``folder`` if it is not one ('' if fine).

    The manifest is replaced by renaming a new file over it, which would also replace a
    named pipe, a folder, a symbolic link (not the file it points to), a device node or a
    user's own file of that name; none of them is ever replaced.
    """
    path = folder / MANIFEST_NAME
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return ""  # no manifest yet (or no folder yet): one is created
    except OSError:
        return ""  # cannot tell: the record is skipped (a later --force at worst)
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if not stat.S_ISREG(mode):
        return "a socket or another special file"
    try:
        with _open_regular(path) as handle:
            if handle is None:  # replaced by a pipe or a device since the lstat above
                return "a socket or another special file"
            head = handle.read(1 << 16)
    except OSError:
        return ""
    if _MANIFEST_START.match(head):
        return ""
    if len(head) < 1 << 16:  # the whole file: nothing but a cut-short start of a manifest?
        bare = re.sub(rb"[\s\x00]", b"", head.removeprefix(b"\xef\xbb\xbf"))
        if _MANIFEST_HEAD.startswith(bare):
            return ""
    return "a file yieldtrial did not write"


def check_manifest_slot(folder: str | os.PathLike[str]) -> None:
    """Refuse to write into ``folder`` when its manifest's name holds something else.

    Parameters
    ----------
    folder : path
        The output folder.

    Raises
    ------
    FileAccessError
        :data:`MANIFEST_NAME` in ``folder`` is a folder, a symbolic link, a pipe, a device,
        a socket, or a file that is not a manifest yieldtrial wrote (not even ``--force``
        replaces it: it is not the output).  An empty, zero-filled or cut-short manifest
        holds nothing and is written over.
    """
    kind = _manifest_slot_problem(Path(folder))
    if kind:
        raise FileAccessError(
            f"cannot write into {str(folder)!r}: {MANIFEST_NAME!r} there is {kind}, not the "
            "list of its outputs that yieldtrial keeps under that name, and yieldtrial never "
            "replaces it; move or rename it, or write to another folder"
        )


def _refuse_folder(target: Path, example: str = "report.html") -> None:
    info = _probe(target)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise FileAccessError(
            f"cannot write {str(target)!r}: it is a folder; give a file name (e.g. "
            f"{str(target / example)!r})"
        )


def _mode_for(target: Path) -> int:
    """Permission bits for the new file: those of the file it replaces, else 0666 - umask.

    The set-user-ID and set-group-ID bits are not carried over: the new file belongs to
    whoever runs yieldtrial (root, perhaps), and holds text, not a program.  A new file
    is always readable and writable by its owner (``umask 777`` made outputs and the
    manifest mode 000: the next run could not tell its own output and refused it).
    """
    with contextlib.suppress(OSError):
        info = target.stat()
        if stat.S_ISREG(info.st_mode):
            return stat.S_IMODE(info.st_mode) & ~(stat.S_ISUID | stat.S_ISGID)
    return (0o666 & ~_umask()) | 0o600


def _owner_may_use(folder: Path, bits: int) -> None:
    """Give the owner ``bits`` on a folder yieldtrial created (a umask of 777 left it 000)."""
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(os.stat(folder).st_mode)
        if mode & bits != bits:
            os.chmod(folder, mode | bits)


def _umask() -> int:
    """Return the file-mode creation mask, read without changing it where possible.

    ``os.umask`` can only be read by setting it: for that instant the mask is 0, and a file
    another thread creates then would be world-writable.  Linux publishes the mask in
    ``/proc/self/status`` (``Umask:``, since 4.7), read first; elsewhere the set-and-restore
    runs under a lock (which orders yieldtrial's own calls, not other code's).
    """
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    with _UMASK_LOCK:
        mask = os.umask(0o077)  # never 0, even for that instant
        os.umask(mask)
    return mask


_UMASK_LOCK = threading.Lock()


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; some systems cannot fsync a folder (then nothing to do)."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # pragma: no cover - folder unreadable but writable
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # pragma: no cover - EINVAL on file systems without dir fsync
        if exc.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP):
            raise file_error(exc, folder, "write") from None
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # exists (another user's), or cannot tell
        return True
    return True


def _remove_stale_temporaries(folder: Path, name: str) -> None:
    """Remove temporary files left by killed runs (their process is gone)."""
    legacy = re.compile(rf"^\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp$")
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        match = _TEMP.match(entry.name)
        stale = False
        if match is not None:
            stale = not _pid_alive(int(match.group("pid")))
        elif legacy.match(entry.name):
            with contextlib.suppress(OSError):
                stale = now - entry.stat().st_mtime > _LEGACY_TEMP_AGE_S
        if stale:
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)


# ------------------------------------------------------------------------- replace policy
def check_not_input(
    output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]
) -> None:
    """Refuse an output path that is one of the input files.

    Parameters
    ----------
    output : path
        The file about to be written.
    inputs : iterable of paths
        Files that were read to produce it.

    Raises
    ------
    DataValidationError
        If ``output`` resolves to one of ``inputs``, or is the same file under another
        name (a hard link, or another spelling on a case-insensitive file system).
    """
    out = _resolved(output)
    identity = _identity(output)
    for item in inputs:
        if item is None:
            continue
        if _resolved(item) == out:
            raise DataValidationError(
                f"output file {str(output)!r} is also an input file; refusing to overwrite it. "
                "Choose another name with -o/--output."
            )
        if identity is not None and _identity(item) == identity:
            raise DataValidationError(
                f"output file {str(output)!r} is the same file as the input {str(item)!r} "
                "(a hard link or another spelling of its name); refusing to overwrite it. "
                "Choose another name with -o/--output."
            )


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """Device and inode of an existing file (None when it cannot be examined)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino)


def _resolved(path: str | os.PathLike[str]) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError):  # symlink loop, NUL in the name: as given
        return Path(os.path.abspath(path))


#: SHA-256 of large files (:data:`_MEMO_BYTES` or more) already hashed in this process,
#: keyed by what changes with their content (device, inode, size, modification and change
#: times in ns): a command checks its output before the work and again at the write, and a
#: 500 MB output hashes in about a second. Small files are always read again.
_MEMO_BYTES = 32 << 20
_HASHES: dict[tuple[int, int, int, int, int], str] = {}


def _file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with _open_regular(path) as handle:
            if handle is None:
                return None
            info = os.fstat(handle.fileno())
            key = None
            if info.st_size >= _MEMO_BYTES:
                key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
                if key in _HASHES:
                    return _HASHES[key]
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
            if os.fstat(handle.fileno()).st_mtime_ns != info.st_mtime_ns:
                key = None  # written to while read: not remembered
    except OSError:
        return None
    value = digest.hexdigest()
    if key is not None:
        if len(_HASHES) >= 64:
            _HASHES.clear()
        _HASHES[key] = value
    return value


@contextlib.contextmanager
def _open_regular(path: Path) -> Iterator[IO[bytes] | None]:
    """Open ``path`` for reading when it is a regular file (None for a pipe, a device...).

    Opened without blocking, so a FIFO put in the place of a manifest or an output never
    makes a command wait forever for a writer.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            yield None
            return
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        yield handle


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        with _open_regular(folder / MANIFEST_NAME) as handle:
            if handle is None:
                return {}
            raw = json.loads(handle.read(4 << 20))
    except (OSError, ValueError, RecursionError):  # no record (a broken or hostile file)
        return {}
    files = raw.get("files") if isinstance(raw, dict) else None
    return files if isinstance(files, dict) else {}


def is_own_output(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an output yieldtrial wrote and nobody changed since.

    Parameters
    ----------
    path : path
        An existing file.

    Returns
    -------
    bool
        True when the folder's manifest (:data:`MANIFEST_NAME`) records the file with
        the SHA-256 of its present content (or as the content a run was renaming over
        it when it was killed: the entry's ``next``), or (large outputs) with the identity the
        file still has: the same device, inode and size, and the same modification and
        change times to the nanosecond.  Every write into a file moves its change time,
        which no user tool can set back, so a file edited in place, replaced, restored
        or copied has another identity and is hashed; the identity is recorded only on
        POSIX systems (on Windows ``st_ctime`` is the creation time) and on file systems
        whose times show sub-millisecond digits (not FAT's two seconds).
    """
    target = Path(path)
    entry = _read_manifest(target.parent).get(target.name)
    if not isinstance(entry, dict):
        return False
    if _recorded_content(target, entry):
        return True
    following = entry.get("next")  # a run killed between the rename and the record
    return isinstance(following, dict) and _recorded_content(target, following)


def _recorded_command(target: Path) -> str | None:
    """Return the command whose output ``target`` is (None: not recorded, or from Python)."""
    entry = _read_manifest(target.parent).get(target.name)
    if not isinstance(entry, dict):
        return None
    following = entry.get("next")
    if isinstance(following, dict) and not _recorded_content(target, entry):
        entry = following  # the content a killed run was renaming into place
    command = entry.get("command")
    return command if isinstance(command, str) and command else None


def _recorded_content(target: Path, entry: dict[str, Any]) -> bool:
    """Whether ``target`` has the content a manifest entry records (hash, size, identity)."""
    if not isinstance(entry.get("sha256"), str):
        return False
    info = None
    with contextlib.suppress(OSError, ValueError):
        info = os.stat(target)
        if entry.get("size") is not None and info.st_size != entry["size"]:
            return False
    if info is not None and stat.S_ISREG(info.st_mode):
        recorded = entry.get("identity")
        if _CHANGE_TIMES and isinstance(recorded, list) and all(type(v) is int for v in recorded):
            if recorded == _identity_key(info):
                return True
    return _file_sha256(target) == entry["sha256"]


#: Whether ``st_ctime`` is the time of the file's last change (POSIX), which every write
#: moves; on Windows it is the creation time, so there outputs are only hashed.
_CHANGE_TIMES = os.name == "posix"


def _identity_key(info: os.stat_result) -> list[int]:
    """Return the identity a large output is recorded with (see :func:`is_own_output`)."""
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _fine_times(info: os.stat_result) -> bool:
    """Whether the file system keeps times finer than a millisecond (the identity's premise).

    A time that is a whole number of milliseconds (FAT's two seconds, one second on
    older systems) is taken for a coarse clock, and the output is only hashed; on a fine
    clock that happens once in a million files and costs only the shortcut.
    """
    return bool(info.st_mtime_ns % 1_000_000 and info.st_ctime_ns % 1_000_000)


def check_output(
    path: str | os.PathLike[str],
    *,
    force: bool = False,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    protect_harvest: bool = False,
    example: str = "report.html",
) -> Path:
    """Check that a command may write ``path``; raise saying why not.

    Parameters
    ----------
    path : path
        The output file.
    force : bool, default False
        Allow replacing an existing file that is not one of yieldtrial's own outputs
        (``--force``).
    inputs : iterable of paths
        Files the command reads; never replaced, even with ``force``.
    protect_harvest : bool, default False
        Also refuse, even with ``force``, to replace a plot table that holds harvest
        data (``yieldtrial design`` over a filled-in field book).
    example : str, default "report.html"
        File name the message suggests when ``path`` is a folder (the command's kind of
        output: ``yields.csv``, ``fieldbook.csv``, ...).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    DataValidationError
        An input file, an existing file that is not yieldtrial's unchanged output
        (without ``force``), or a field book with harvest data.
    FileAccessError
        A folder, a device or another special file.

    Notes
    -----
    Inside an :func:`output_group`, a path found new (without ``force``) is written
    later by :func:`write_output` only while it is still new: of two runs started
    together on one new name, the second is refused instead of replacing the first's
    output.
    """
    target, new = _check_output(
        path, force=force, inputs=inputs, protect_harvest=protect_harvest, example=example
    )
    claims = _NEW_OUTPUTS.get()
    if new and claims is not None:
        claims.add(_claim_key(target))
    return target


def _check_output(
    path: str | os.PathLike[str],
    *,
    force: bool,
    inputs: Iterable[str | os.PathLike[str] | None],
    protect_harvest: bool,
    example: str,
) -> tuple[Path, bool]:
    """:func:`check_output`, also telling whether the path is new (to be created, not replaced)."""
    target = _file_path(path, example)
    try:
        target.name.encode("utf-8")
    except UnicodeEncodeError:
        raise FileAccessError(
            f"cannot write {str(target)!r}: the file name holds bytes that are not UTF-8 text "
            "(a name from another system's encoding); choose a name in plain characters"
        ) from None
    if target.name == MANIFEST_NAME or _TEMP.match(target.name):
        raise FileAccessError(
            f"cannot write {str(target)!r}: yieldtrial keeps its own bookkeeping under that "
            "name (the manifest of its outputs, or a temporary file); choose another name"
        )
    check_not_input(target, [item for item in inputs if item is not None])
    _check_parent(target)
    check_manifest_slot(target.parent)
    info = _probe(target)
    if info is None:
        if not os.path.islink(target):
            return target, not force  # a new file
        if force:
            return target, False  # --force: a dangling link is replaced by the file
        raise DataValidationError(
            f"{str(target)!r} is a symbolic link to {os.readlink(target)!r}, which does not "
            "exist; yieldtrial writes a file in place of the link, never through it. Choose "
            "another output name, or add --force (force=True in Python) to replace the link"
        )
    _refuse_folder(target, example)
    if not stat.S_ISREG(info.st_mode) or _is_stream_alias(target):
        raise FileAccessError(
            f"cannot write {str(target)!r}: it is not a regular file (a device, pipe, "
            "socket or standard stream); give the name of a file to create"
        )
    if protect_harvest:
        filled, unread = _harvest_check(target)
        if filled:
            raise DataValidationError(
                f"{str(target)!r} already holds harvest data ({filled}); yieldtrial never "
                "replaces a filled-in field book, not even with --force. Write the new layout "
                "to another file (e.g. -o fieldbook-2.csv), or move the old one away first"
            )
        opaque = _opaque_workbook(target)
        if opaque:
            raise DataValidationError(
                f"{str(target)!r} is {opaque}, whose cells yieldtrial cannot read, so it cannot "
                "tell whether it is a filled-in field book; it never replaces one, not even "
                "with --force. Write the new layout to another file (e.g. -o fieldbook-2.csv), "
                "or move the old one away first"
            )
        if unread:
            raise DataValidationError(
                f"{str(target)!r} does not read as a plot table ({unread}), so yieldtrial "
                "cannot tell whether it is a filled-in field book; it never replaces one, not "
                "even with --force. Write the new layout to another file (e.g. -o "
                "fieldbook-2.csv), or move the old one away first"
            )
    if force:
        return target, False
    if is_own_output(target):
        other = _recorded_command(target)
        if other is None or _WRITER.get() in (None, other):
            return target, False
        raise DataValidationError(
            f"{str(target)!r} is an unchanged output of 'yieldtrial {other}', not of "
            f"'yieldtrial {_WRITER.get()}'; refusing to replace it (another command's output "
            "is kept as the user's file, e.g. a field book not yet filled in). Choose another "
            "output name, or add --force to replace it"
        )
    if not _readable(target):
        raise DataValidationError(
            f"{str(target)!r} already exists and yieldtrial may not read it (no read "
            "permission), so it cannot tell whether it is its own unchanged output; refusing "
            "to replace it. Make it readable (chmod u+r), choose another output name, or add "
            "--force (force=True in Python) to replace it"
        )
    raise DataValidationError(
        f"{str(target)!r} already exists and is not an unchanged output of yieldtrial; "
        "refusing to replace it. Choose another output name, or add --force (force=True in "
        "Python) to replace it"
    )


def _readable(path: Path) -> bool:
    """Whether ``path`` (a regular file) opens for reading (no read permission: False)."""
    try:
        with open(path, "rb"):
            return True
    except OSError:
        return False


def check_folder(folder: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Check that a command may write its files into ``folder`` (``yieldtrial demo``).

    The folder must be new, empty, or hold only yieldtrial's own unchanged outputs
    (an earlier run of the same command); ``force`` allows other files to be there
    (files of the same names are then replaced, the others left alone).

    Parameters
    ----------
    folder : path
        The output folder.
    force : bool, default False
        Allow a folder holding other files.

    Returns
    -------
    Path
        ``folder``.

    Raises
    ------
    DataValidationError
        The folder holds files that are not yieldtrial's unchanged outputs.
    FileAccessError
        ``folder`` is a file, or cannot be listed.
    """
    if not os.fspath(folder):
        raise FileAccessError("the output folder name is empty; give a folder name")
    target = Path(folder)
    if not os.path.lexists(target):
        for above in target.parents:  # mkdir would say "File exists"
            if os.path.islink(above) and not os.path.exists(above):
                raise _dangling_folder(above)
        return target
    if os.path.islink(target) and not os.path.exists(target):
        raise _dangling_folder(target)
    if not target.is_dir():
        raise FileAccessError(
            f"cannot write into {str(target)!r}: it is a file, not a folder; give a folder name"
        )
    check_manifest_slot(target)
    try:
        names = sorted(entry.name for entry in os.scandir(target))
    except OSError as exc:
        raise file_error(exc, target, "list") from None
    foreign = [
        name
        for name in names
        if name != MANIFEST_NAME and not _TEMP.match(name) and not _own_entry(target / name)
    ]
    if foreign and not force:
        shown = ", ".join(repr(n) for n in foreign[:5])
        more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        raise DataValidationError(
            f"folder {str(target)!r} holds files that yieldtrial did not write (or that were "
            f"changed since): {shown}{more}; refusing to write into it. Give a new or empty "
            "folder, or add --force to write there anyway (files of the same names are replaced)"
        )
    return target


def _own_entry(path: Path, depth: int = 0) -> bool:
    """Tell whether a file is an own output, or a folder holds only own outputs (figures)."""
    if path.is_dir() and not path.is_symlink():
        if depth > 2:
            return False
        try:
            entries = list(os.scandir(path))
        except OSError:
            return False
        return all(
            entry.name == MANIFEST_NAME
            or _TEMP.match(entry.name) is not None
            or _own_entry(Path(entry.path), depth + 1)
            for entry in entries
        )
    return is_own_output(path)


def write_output(
    path: str | os.PathLike[str],
    content: bytes | str | Callable[[Any], object],
    *,
    force: bool = False,
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    encoding: str = "utf-8",
    protect_harvest: bool = False,
    example: str = "report.html",
) -> Path:
    """Write a command's output file safely and record it as yieldtrial's own.

    Checks ``path`` with :func:`check_output`, writes it atomically and records its
    hash in the folder's manifest (:data:`MANIFEST_NAME`), so the next run may
    replace it while it is unchanged.

    Parameters
    ----------
    path : path
        Output file.
    content : bytes, str or callable
        The content; text is encoded with ``encoding``; a callable is given a binary
        file object to write into (see :func:`atomic_write_stream`).
    force, inputs, protect_harvest, example
        See :func:`check_output`.
    encoding : str, default "utf-8"
        Encoding of text ``content``.

    Returns
    -------
    Path
        The written path.
    """
    claims = _NEW_OUTPUTS.get()
    target, new = _check_output(
        path, force=force, inputs=inputs, protect_harvest=protect_harvest, example=example
    )
    # new now, or new when the command checked it first: never replace another run's output
    new = new or (not force and claims is not None and _claim_key(target) in claims)
    write: Callable[[Any], object]
    if isinstance(content, str):
        data = content.encode(encoding)
        write = lambda handle: handle.write(data)  # noqa: E731
    elif isinstance(content, bytes | bytearray | memoryview):
        blob = bytes(content)
        write = lambda handle: handle.write(blob)  # noqa: E731
    else:
        write = content
    # known to the manifest before the rename: a run killed between the two leaves a file
    # the next run recognises as its own (the content it was about to record)
    target, digest, written = _write_atomically(
        target, write, before_rename=_record_next, exclusive=new
    )
    if claims is not None:  # the name now holds this run's output: a rewrite replaces it
        claims.discard(_claim_key(target))
    _record(target, digest, written)
    return target


def record_output(path: str | os.PathLike[str]) -> Path:
    """Record an existing file as one of yieldtrial's own outputs (see :func:`write_output`).

    For outputs written by another writer (a Markdown report and its figure files).

    Parameters
    ----------
    path : path
        The file just written.

    Returns
    -------
    Path
        ``path``.
    """
    target = Path(path)
    digest = _file_sha256(target)
    if digest is not None:
        _record(target, digest)
    return target


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Serialise manifest updates of concurrent runs (POSIX ``flock`` on the folder)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _record_next(target: Path, digest: str, size: int) -> None:
    """Record the content about to be renamed over ``target`` as its ``next`` content.

    Called between the ``fsync`` of the temporary file and the rename: the entry keeps
    what it recorded of the present file and adds ``next`` (``sha256``, ``size``) of the
    new one, so a run killed (SIGKILL, a power cut) between the rename and
    :func:`_record` leaves either file recognised as yieldtrial's own by
    :func:`is_own_output`.  :func:`_record` then writes the entry afresh, without it.
    """
    folder = target.parent
    with contextlib.suppress(OSError), _folder_lock(folder):
        files = _read_manifest(folder)
        entry = files.get(target.name)
        entry = dict(entry) if isinstance(entry, dict) else {}
        entry["next"] = {"sha256": digest, "size": size}
        if _WRITER.get():
            entry["next"]["command"] = _WRITER.get()
        files[target.name] = entry
        _write_manifest(folder, files, keep=target.name)


def _record(target: Path, digest: str, written: tuple[int, int, int, int] | None = None) -> None:
    """Add ``target`` to its folder's manifest; a failure only costs a later --force.

    That failure (a disk with room for the output but not for the manifest) is a
    :class:`~yieldtrial.errors.YieldTrialWarning`: the run succeeded, and a later run's
    refusal to replace the file would otherwise come as a surprise.

    ``written`` (device, inode, size, modification time in ns) is the file this run
    wrote, as it was after its ``fsync``: when another run has replaced it since, its
    hash is not recorded (that run records its own).  A large output that is still
    as written is recorded with its identity too (:func:`is_own_output`); one that
    was written to since (another size or modification time) only with its hash.
    """
    folder = target.parent
    try:
        _record_entry(target, digest, written)
    except OSError as exc:  # the file is whole; only its record is missing: say so
        with contextlib.suppress(OSError):
            if is_own_output(target):  # known by the entry written before the rename
                return
        import warnings

        from yieldtrial.errors import YieldTrialWarning

        reason = describe_os_error(exc, folder / MANIFEST_NAME, "write")
        warnings.warn(
            f"{shown_path(target)} was written, but it could not be recorded as yieldtrial's "
            f"output ({reason}); replacing it later needs --force (force=True in Python)",
            YieldTrialWarning,
            stacklevel=3,
        )


def _record_entry(
    target: Path, digest: str, written: tuple[int, int, int, int] | None = None
) -> None:
    """Write the manifest entry of :func:`_record` (an OSError is the caller's to report)."""
    folder = target.parent
    with _folder_lock(folder):
        entry: dict[str, Any] = {"sha256": digest}
        if _WRITER.get():  # another command's unchanged output is not replaced (stop 49)
            entry["command"] = _WRITER.get()
        if written is not None:
            info = os.lstat(target)
            if (info.st_dev, info.st_ino) != written[:2]:
                return
            entry["size"] = info.st_size
            if (
                (info.st_size, info.st_mtime_ns) == written[2:]
                and info.st_size >= _MEMO_BYTES
                and stat.S_ISREG(info.st_mode)
                and _CHANGE_TIMES
                and _fine_times(info)
            ):
                entry["identity"] = _identity_key(info)
        else:
            entry["size"] = target.stat().st_size
        files = _read_manifest(folder)
        files[target.name] = entry
        _write_manifest(folder, files)


def _write_manifest(folder: Path, files: dict[str, Any], keep: str | None = None) -> None:
    """Write the manifest of ``folder`` (under its lock): ``files``, less deleted outputs.

    ``keep`` is a name kept although no file has it yet (the output about to be renamed).
    """
    for name in [n for n in files if n != keep and not (folder / n).exists()]:
        del files[name]  # forget outputs that were deleted since
    if _manifest_slot_problem(folder):  # put there since the check: never replaced
        return
    manifest = {"generator": "yieldtrial", "format": 1, "files": dict(sorted(files.items()))}
    text = json.dumps(manifest, indent=1, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a name that is not UTF-8 (from the API): \udcxx escapes
        text = json.dumps(manifest, indent=1)
    atomic_write_text(folder / MANIFEST_NAME, text + "\n")


# ------------------------------------------------------------------------- CSV injection
#: Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_safe_text(value: str) -> str:
    r"""Neutralise a text cell that a spreadsheet would run as a formula.

    Following the OWASP recommendation, a cell starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return gets a leading single quote, which spreadsheets
    show as text.  Plain numbers (``-5``, ``+1.5e3``) are left alone: they cannot be
    formulas.  :func:`yieldtrial.read_plots` removes such a quote again when it reads
    the file back.

    Parameters
    ----------
    value : str
        The cell text.

    Returns
    -------
    str
        The safe text.

    Examples
    --------
    >>> csv_safe_text("=1+2"), csv_safe_text("@SUM(A1)"), csv_safe_text("-N"), csv_safe_text("-5")
    ("'=1+2", "'@SUM(A1)", "'-N", '-5')
    """
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _may_start_formula(series: Any) -> bool:
    """Tell whether a cell of a text column may start a formula (False only when none can).

    Looks at the first byte of every cell in the column's bytes
    (:func:`yieldtrial.io.validation.text_buffers`: pyarrow's buffers, or the ASCII cells
    joined); True whenever that is not possible, so the caller checks the cells.
    """
    import numpy as np

    from yieldtrial.io.validation import text_buffers

    pieces = text_buffers(series)
    if pieces is None:
        return True
    starts = _formula_start_table()
    for data, offsets, _ in pieces:
        if not len(data):
            continue
        # the byte at each cell's start offset: an empty cell shows its neighbour's first
        # byte (or the last byte), which can only say True, and the caller then checks
        first = np.take(data, offsets[:-1], mode="clip")
        if starts[first].any():  # a table lookup per byte (np.isin sorted them)
            return True
    return False


_FORMULA_START_BYTES = "".join(_FORMULA_START).encode("ascii")


def _formula_start_table() -> Any:
    """Return a 256-entry boolean table: True at the bytes that may start a formula."""
    import numpy as np

    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(_FORMULA_START_BYTES, dtype=np.uint8)] = True
    return table


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every text cell and column name passed through :func:`csv_safe_text`.

    Numeric columns are not touched, and text columns are copied only when one of
    their cells needs the quote.

    Parameters
    ----------
    frame : DataFrame
        A table about to be written as CSV.

    Returns
    -------
    DataFrame
        The same table (not a copy when nothing needed neutralising).
    """
    import pandas as pd

    out = frame
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        if not _may_start_formula(series):
            continue
        if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
            starts = series.str.startswith(_FORMULA_START, na=False)  # vectorized (pyarrow)
        else:
            # (bool: a categorical maps its categories, and may give a categorical of them)
            starts = series.map(
                lambda v: isinstance(v, str) and v.startswith(_FORMULA_START)
            ).astype(bool)
        if not bool(starts.any()):
            continue
        text = series.astype(object)
        if out is frame:
            out = frame.copy(deep=False)
        safe = text.where(~starts, text[starts].map(csv_safe_text))
        kind = series.dtype
        if isinstance(kind, pd.CategoricalDtype):  # a large table's labels (stop 52): the
            kind = kind.categories.dtype  # quoted cells are no category: written as text
        fixed = safe if pd.api.types.is_object_dtype(kind) else safe.astype(kind)
        out.isetitem(position, fixed.array)
    names = [csv_safe_text(c) if isinstance(c, str) else c for c in out.columns]
    if names != list(out.columns):
        if out is frame:
            out = frame.copy()
        out.columns = names
    return out


# ------------------------------------------------------------------------- Markdown text
_MD_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")
_MD_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_BLOCK_START = re.compile(r"^(\s*)([#>=+*-]|\d+[.)])")
#: Inline Markdown syntax: emphasis, code, links and images (``[``/``]``), escapes.
_MD_INLINE = re.compile(r"([\\`*_\[\]~])")


def markdown_text(text: object, *, cell: bool = False, line_start: bool = False) -> str:
    r"""Make user text safe to place in a Markdown document.

    Markdown passes HTML through, so ``<script>`` or ``<img onerror=...>`` in a
    treatment label or a title would reach a reader's browser, and a line break in a
    title would start a new block (``# injected heading``).  Here a ``<`` that could
    open a tag becomes ``&lt;``, an ``&`` that could start an entity ``&amp;``, line
    breaks become spaces and control characters are removed.  Inline syntax is
    escaped with a backslash (``*``, ``_``, ``~``, backquote, ``[``, ``]`` and the
    backslash itself), so ``![](http://x/p.png)`` in a title shows as text instead
    of loading an image and ``[x](javascript:...)`` is no link; in a table cell
    ``|`` is escaped; at the start of a line a block marker (``#``, ``>``, ``-``,
    ``1.``) is escaped too.  Ordinary text (``p < 0.05``, ``R&D``) is unchanged.

    Parameters
    ----------
    text : object
        The text (converted with ``str``).
    cell : bool, default False
        The text goes into a table cell.
    line_start : bool, default False
        The text starts a line (a paragraph).

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> markdown_text("<script>alert(1)</script>")
    '&lt;script>alert(1)&lt;/script>'
    >>> markdown_text("Trial\n# injected", line_start=True), markdown_text("p < 0.05")
    ('Trial # injected', 'p < 0.05')
    >>> print(markdown_text("a|b", cell=True))
    a\|b
    >>> print(markdown_text("![](http://x/p.png) *bold*"))
    !\[\](http://x/p.png) \*bold\*
    """
    from yieldtrial.io.validation import clean_text

    out = _MD_LINE_BREAK.sub(" ", clean_text(str(text)))
    out = _MD_ENTITY.sub("&amp;", out)
    out = _MD_TAG.sub("&lt;", out)
    out = _MD_INLINE.sub(r"\\\1", out)
    if cell:
        out = out.replace("|", "\\|")
    if line_start:
        out = _MD_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), out, count=1)
    return out


# ------------------------------------------------------------------------- harvest data
def _opaque_workbook(path: Path) -> str:
    """Name a workbook whose cells :func:`harvest_data_columns` cannot read ('' if none).

    A field book saved from Excel under another name (``fieldbook.csv`` holding an
    .xlsx workbook), as an old ``.xls`` or with a password, held "no harvest data" for the
    check and was replaced with ``--force``.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return ""
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old .xls or a password-protected Excel workbook (an OLE2 file)"
    if head.startswith(b"PK\x03\x04") and path.suffix.lower() not in (".xlsx", ".xlsm"):
        return f"a ZIP archive (an Excel workbook?) named {path.suffix or 'without a suffix'}"
    return ""


def harvest_data_columns(path: Path) -> str:
    """Describe the harvest columns of a plot table file that hold values ('' if none).

    Used to refuse replacing a filled-in field book.  A file that cannot be read as a
    plot table holds no harvest data here (:func:`check_output` refuses such a file
    itself, unless it holds nothing but white space).

    Parameters
    ----------
    path : Path
        An existing CSV, TSV or ``.xlsx`` file.

    Returns
    -------
    str
        E.g. ``"fresh_mass_kg in 12 rows, moisture_pct in 12 rows"``, or ``""``.
    """
    return _harvest_check(path)[0]


def _harvest_check(path: Path) -> tuple[str, str]:
    """Return the filled harvest columns of ``path`` and why it does not read ('' if it does).

    The second item is the reader's refusal, shortened to its first clause, for a file
    that holds more than white space (and a BOM): a filled-in field book saved in
    Windows-1252, with Excel's ``sep=`` line or a title row above the header, or with a
    NUL byte in a cell, held "no harvest data" and was replaced with ``--force``.
    """
    from yieldtrial.io.table_files import harvest_columns_filled

    try:
        with open(path, "rb"):
            pass
    except PermissionError:
        return "", "no permission to read it"
    except OSError:
        pass  # the reader says what is wrong
    try:
        filled = harvest_columns_filled(path)
    except Exception as error:  # noqa: BLE001 - unreadable: the content is unknown
        if _blank_file(path):
            return "", ""
        reason = str(error)
        for prefix in (f"{path}: ", f"{path.name}: "):
            reason = reason.removeprefix(prefix)
        return "", re.split(r";|\. ", reason)[0].strip().rstrip(".")
    described = ", ".join(
        f"{name} in {count} row{'s' if count > 1 else ''}" for name, count in filled
    )
    return described, ""


def _blank_file(path: Path) -> bool:
    """Whether ``path`` holds nothing but white space, NUL bytes and a BOM.

    A file that cannot be read (no read permission) is not blank: its content is unknown,
    and a field book another user keeps unreadable was replaced with ``--force``.
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
            more = handle.read(1)
    except OSError:
        return False
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    return not more and not head.replace(b"\x00", b"").strip()
