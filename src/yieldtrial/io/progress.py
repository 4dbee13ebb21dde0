"""Progress of long steps on a terminal's standard error (nothing in pipes, files or tests)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["PROGRESS_MIN_ROWS", "stderr_is_terminal", "terminal_progress"]


@contextlib.contextmanager
def terminal_progress(
    what: str, total: int, *, unit: str = "rows", minimum: int | None = None
) -> Iterator[Callable[[int], None]]:
    """Show ``what 45 %`` on standard error while a long step runs, on a terminal only.

    Nothing is drawn when standard error is not a terminal (pipes, files, tests) or
    when the step is small (under :data:`PROGRESS_MIN_ROWS` rows).

    Parameters
    ----------
    what : str
        What is being done, e.g. ``"reading plots.csv"``.
    total : int
        Rows (or other units) to do.
    unit : str, default "rows"
        What ``total`` counts, as printed (``"pairs"``, ``"comparisons"``).
    minimum : int, optional
        Smallest ``total`` that shows progress (default :data:`PROGRESS_MIN_ROWS`).

    Yields
    ------
    callable
        Call it with the rows done so far.
    """
    if total < (PROGRESS_MIN_ROWS if minimum is None else minimum) or not stderr_is_terminal():
        yield lambda done: None
        return
    shown = [-1]

    def update(done: int) -> None:
        percent = int(100 * done / max(total, 1))
        if percent != shown[0]:
            shown[0] = percent
            sys.stderr.write(f"\ryieldtrial: {what}: {percent} % of {total:,} {unit}")
            sys.stderr.flush()

    try:
        yield update
    finally:
        if shown[0] >= 0:
            sys.stderr.write("\n")
            sys.stderr.flush()


#: Steps with fewer rows than this finish in well under a second: no progress is shown.
PROGRESS_MIN_ROWS = 200_000


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def stderr_is_terminal() -> bool:
    """Whether standard error is a terminal (progress is drawn only then)."""
    return _is_tty(sys.stderr)
