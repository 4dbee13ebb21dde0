"""Keep freed memory in the process while a command works on millions of plots.

glibc's ``malloc`` serves every block above its mmap threshold (at most 32 MiB) with a
fresh ``mmap`` and gives it back with ``munmap`` when freed, so each array of a column of
5.9 million plots (47 MB) is new memory that the kernel zeroes page by page on first touch.
``yieldtrial report`` creates and frees hundreds of such arrays: on the 200 MB plot table
the zeroing was about a quarter of the report's CPU time (``perf``: ``clear_page_erms``
27.7 %; 6-7 s of system time). :func:`reuse_freed_memory` turns those ``mmap`` calls off
(``M_MMAP_MAX`` 0) and keeps the freed top of the heap (``M_TRIM_THRESHOLD``), so a freed
array's pages serve the next one; the options are set back to glibc's defaults, and the
kept memory returned (``malloc_trim``), when the command ends.

Process-wide, so only the CLI's commands use it, never the library. A no-op on a system
without glibc (macOS, Windows, musl).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["reuse_freed_memory"]

#: ``mallopt`` parameters (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_MAX = -4

#: glibc's defaults, set back when the command ends (mallopt(3)).
DEFAULT_MMAP_MAX = 65536
DEFAULT_TRIM_THRESHOLD = 128 * 1024
DEFAULT_TOP_PAD = 128 * 1024

#: While a command runs: no trimming below 2 GiB of free heap top, and the heap grown
#: 64 MiB at a time (address space, not memory: pages count once touched).
KEEP_TRIM_THRESHOLD = 2**31 - 1
KEEP_TOP_PAD = 64 * 1024 * 1024


def _glibc() -> Any | None:
    """Return the C library when it is glibc (with ``mallopt``), else None."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import platform

    if platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # pragma: no cover - glibc always ships libc.so.6
        return None
    if not hasattr(libc, "mallopt") or not hasattr(libc, "malloc_trim"):
        return None  # pragma: no cover - glibc has both
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.mallopt.restype = ctypes.c_int
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    libc.malloc_trim.restype = ctypes.c_int
    return libc


@contextmanager
def reuse_freed_memory() -> Iterator[bool]:
    """Keep freed memory for reuse inside the block (glibc only); yield whether it does.

    Large arrays come from the heap instead of fresh ``mmap`` regions and the heap is not
    trimmed while the block runs; afterwards glibc's default options are set back and the
    free memory handed back to the system. The numbers computed do not change: only where
    the arrays live.
    """
    libc = _glibc()
    if libc is None:
        yield False
        return
    libc.mallopt(M_MMAP_MAX, 0)
    libc.mallopt(M_TRIM_THRESHOLD, KEEP_TRIM_THRESHOLD)
    libc.mallopt(M_TOP_PAD, KEEP_TOP_PAD)
    try:
        yield True
    finally:
        libc.mallopt(M_MMAP_MAX, DEFAULT_MMAP_MAX)
        libc.mallopt(M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD)
        libc.mallopt(M_TOP_PAD, DEFAULT_TOP_PAD)
        libc.malloc_trim(0)
