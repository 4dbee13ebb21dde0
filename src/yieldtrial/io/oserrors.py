"""One-line messages for operating-system errors: the path the user gave, why, and what to do.

Used by reading (:mod:`yieldtrial.io.table_files`) and writing (:mod:`yieldtrial.io.output`)
and by the command line's last-resort handler, so every OSError reads the same way.
"""

from __future__ import annotations

import errno
import os

from yieldtrial.errors import FileAccessError

__all__ = ["describe_os_error", "file_error"]

_HINTS: dict[int, str] = {
    errno.ENOSPC: "the disk is full; free some space or write to another disk",
    errno.EDQUOT: "your disk quota is exceeded; free some space or write to another disk",
    errno.EROFS: "the file system is read-only; write to another folder (e.g. in your home folder)",
    errno.EFBIG: "the file is larger than this file system allows; write to another disk",
    errno.ENAMETOOLONG: "the file name is too long; choose a shorter name",
    errno.EACCES: "permission denied; choose a file and folder you may use, or change their "
    "permissions",
    errno.EPERM: "the operation is not permitted; choose another file or folder",
    errno.EISDIR: "it is a folder; give a file name",
    errno.ENOTDIR: "a part of the path is a file, not a folder; check the path",
    errno.ENOENT: "no such file or folder; check the path",
    errno.ELOOP: "too many symbolic links; check the path",
    errno.EIO: "an input/output error (failing disk, or a network drive that went away); "
    "try another disk",
    errno.EMFILE: "too many open files; close some programs and try again",
    errno.ENFILE: "too many open files on the system; try again later",
    errno.EXDEV: "cannot move the file across disks",
    errno.EBUSY: "the file is in use by another program; close it and try again",
    errno.ETXTBSY: "the file is in use by another program; close it and try again",
    errno.EEXIST: "a file of that name already exists",
    errno.EINVAL: "the name is not valid on this file system; choose another name",
}
#: ENOSPC on a disk with free bytes but no free file entries (inodes): "full" would mislead.
_NO_INODES_HINT = (
    "the disk can hold no more files: all its inodes are used, even if space is left; delete "
    "some files or write to another disk"
)


# ------------------------------------------------------------------------- error messages
def describe_os_error(exc: OSError, path: str | os.PathLike[str] | None, action: str) -> str:
    """One line saying what failed on which path, why, and what to do.

    Parameters
    ----------
    exc : OSError
        The error.
    path : path, optional
        The path the user gave (rather than an internal temporary name); ``exc.filename``
        when omitted.
    action : str
        ``"read"``, ``"write"``, ...

    Returns
    -------
    str
        E.g. ``cannot write 'out/report.html': No space left on device (the disk is
        full; free some space or write to another disk)``.

    Examples
    --------
    >>> import errno
    >>> describe_os_error(OSError(errno.EROFS, "Read-only file system"), "r.html", "write")
    "cannot write 'r.html': Read-only file system (the file system is read-only; write to \
another folder (e.g. in your home folder))"
    """
    where = path if path is not None else exc.filename
    shown = f" {str(os.fspath(where))!r}" if where is not None else ""
    reason = exc.strerror or str(exc) or type(exc).__name__
    hint = _HINTS.get(exc.errno) if exc.errno is not None else None
    if exc.errno == errno.ENOSPC and where is not None and _no_free_inodes(where):
        hint = _NO_INODES_HINT
    return f"cannot {action}{shown}: {reason}" + (f" ({hint})" if hint else "")


def _no_free_inodes(path: str | os.PathLike[str]) -> bool:
    """Whether the file system of ``path`` (or of its nearest existing folder) has no free inode."""
    statvfs = getattr(os, "statvfs", None)
    if statvfs is None:  # pragma: no cover - Windows
        return False
    place = os.path.abspath(os.fspath(path))
    while True:
        try:
            info = statvfs(place)
        except OSError:
            parent = os.path.dirname(place)
            if parent == place:
                return False
            place = parent
            continue
        # f_files == 0: a file system without an inode count (btrfs, some network drives)
        return bool(info.f_files > 0 and info.f_ffree == 0)


def file_error(exc: OSError, path: str | os.PathLike[str] | None, action: str) -> FileAccessError:
    """Turn an :class:`OSError` into a :class:`FileAccessError` naming ``path``.

    Parameters
    ----------
    exc : OSError
        The error.
    path : path, optional
        The path the user gave.
    action : str
        ``"read"`` or ``"write"``.

    Returns
    -------
    FileAccessError
        With the message of :func:`describe_os_error`, ``errno`` and ``filename`` set.
    """
    error = FileAccessError(describe_os_error(exc, path, action))
    error.errno = exc.errno
    error.strerror = exc.strerror
    error.filename = os.fspath(path) if path is not None else exc.filename
    return error
