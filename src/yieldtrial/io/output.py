"""Safe output files: written whole or not at all, never over an input file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from yieldtrial.errors import DataValidationError

__all__ = ["atomic_write_bytes", "atomic_write_text", "check_not_input"]


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
        If ``output`` resolves to one of ``inputs``.
    """
    out = Path(output).resolve()
    for item in inputs:
        if Path(item).resolve() == out:
            raise DataValidationError(
                f"output file {str(output)!r} is also an input file; refusing to overwrite it. "
                "Choose another name with -o/--output."
            )


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Parameters
    ----------
    path : path
        Destination file; its folder is created when missing.
    data : bytes
        The complete content.

    Returns
    -------
    Path
        The written path.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
