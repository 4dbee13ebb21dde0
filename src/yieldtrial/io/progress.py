"""Progress of long steps on a terminal's standard error (nothing in pipes, files or tests)."""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import Any

__all__ = [
    "HEARTBEAT_DELAY_S",
    "PROGRESS_MIN_ROWS",
    "draw_status",
    "end_status",
    "heartbeat",
    "print_message",
    "set_status_words",
    "stage",
    "stderr_is_terminal",
    "terminal_progress",
]


#: The words of the status lines in the language of the run (None: English); set by the
#: command line (``commands._zh_messages.set_language``), so this module imports nothing above it.
_WORDS: dict[str, str] | None = None


def set_status_words(words: Mapping[str, str] | None) -> None:
    """Show the status lines in another language: English step name -> its translation.

    Parameters
    ----------
    words : mapping of str to str, or None
        The steps (``"fitting the design model"``), the things counted (``"rows"``) and
        the line's own words (``"{command}: {stage} ... {seconds} s"``, ``"{what}:
        {percent} % of {total} {unit}"``, ``"reading {name}"``, ``"writing {name}"``)
        in the language asked for; a step not in it keeps its English name.  None:
        English.
    """
    global _WORDS
    _WORDS = None if words is None else dict(words)


def _say(english: str) -> str:
    """Return a step's name in the language of the run (``reading plots.csv`` too)."""
    if _WORDS is None:
        return english
    if english in _WORDS:
        return _WORDS[english]
    named = re.fullmatch(r"(reading|writing) (.+)", english)
    if named and f"{named[1]} {{name}}" in _WORDS:
        return _WORDS[f"{named[1]} {{name}}"].format(name=named[2])
    return english


def _cells(text: str) -> int:
    """Return the terminal cells ``text`` takes (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit_to_width(text: str, columns: int) -> str:
    """Return ``text`` cut in the middle to at most ``columns`` terminal cells (at least 20).

    The start (the command and the step) and the end (the percentage) are kept.

    Examples
    --------
    >>> fit_to_width("yieldtrial: reading /a/very/long/folder/plots.csv: 45 % of 100 rows", 40)
    'yieldtrial: ...ots.csv: 45 % of 100 rows'
    >>> fit_to_width("short", 40)
    'short'
    """
    columns = max(columns, 20)
    if _cells(text) <= columns:
        return text
    room = columns - 3  # the "..."
    head_room = room // 3  # the end (the percentage and the total) gets the rest
    head = ""
    for char in text:
        if _cells(head + char) > head_room:
            break
        head += char
    tail = ""
    for char in reversed(text):
        if _cells(tail + char) > room - _cells(head):
            break
        tail = char + tail
    return head + "..." + tail


class _Line:
    """The status line on standard error, shared by the heartbeat and the percentages."""

    lock = threading.Lock()
    #: Characters of the status line drawn last (0: none is on screen).
    width = 0
    #: The step under way (:func:`stage`).
    stage = ""
    #: A percentage is being drawn (:func:`terminal_progress`): the heartbeat waits.
    busy = 0
    #: :func:`draw_status` holds the line.
    busy_own = False

    @classmethod
    def draw(cls, text: str) -> None:
        with cls.lock:
            cls._write(text)

    @classmethod
    def _write(cls, text: str) -> None:
        """Draw ``text`` over the last line, padded to its width in cells (CJK: two).

        A line wider than the terminal would wrap, and a carriage return would redraw only its
        last row: it is cut to the terminal's width (:func:`fit_to_width`).
        """
        text = fit_to_width(text, shutil.get_terminal_size((80, 24)).columns - 1)
        cells = _cells(text)
        sys.stderr.write("\r" + text + " " * max(0, cls.width - cells))
        sys.stderr.flush()
        cls.width = cells

    @classmethod
    def clear(cls) -> None:
        with cls.lock:
            cls._erase()

    @classmethod
    def _erase(cls) -> None:
        if cls.width:
            sys.stderr.write("\r" + " " * cls.width + "\r")
            sys.stderr.flush()
            cls.width = 0

    @classmethod
    def beat(cls, command: str, seconds: float) -> None:
        """Draw the heartbeat, only inside a stage and while no percentage is drawn."""
        with cls.lock:
            if cls.busy or not cls.stage:
                return
            line = (_WORDS or {}).get("heartbeat", "{command}: {stage} ... {seconds} s")
            shown = line.format(command=command, stage=_say(cls.stage), seconds=f"{seconds:.0f}")
            cls._write(f"yieldtrial: {shown}")

    @classmethod
    def leave(cls, previous: str) -> None:
        """End a stage; the line is erased when no stage is left (the command may print)."""
        with cls.lock:
            cls.stage = previous
            if not previous:
                cls._erase()


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
            line = (_WORDS or {}).get("progress", "{what}: {percent} % of {total} {unit}")
            text = line.format(what=_say(what), percent=percent, total=f"{total:,}",
                               unit=_say(unit))  # fmt: skip
            _Line.draw(f"yieldtrial: {text}")

    _Line.busy += 1
    try:
        yield update
    finally:
        _Line.busy -= 1
        if shown[0] >= 0:
            with _Line.lock:
                sys.stderr.write("\n")
                sys.stderr.flush()
                _Line.width = 0


def print_message(line: str) -> None:
    """Print one line on standard error, erasing the status line first (atomically).

    Parameters
    ----------
    line : str
        The message, without its line break.
    """
    with _Line.lock:
        _Line._erase()
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def draw_status(text: str) -> None:
    """Draw ``text`` as the status line of standard error (the heartbeat waits meanwhile).

    For a percentage drawn by a command itself; :func:`end_status` ends it.

    Parameters
    ----------
    text : str
        The line, e.g. ``"yieldtrial: standardizing 1,000/6,000 rows (16 %)"``.
    """
    if not _Line.busy_own:
        _Line.busy_own = True
        _Line.busy += 1
    _Line.draw(text)


def end_status() -> None:
    """End a status line of :func:`draw_status` with a line break."""
    if _Line.busy_own:
        _Line.busy_own = False
        _Line.busy -= 1
    with _Line.lock:
        if _Line.width:
            sys.stderr.write("\n")
            sys.stderr.flush()
            _Line.width = 0


@contextlib.contextmanager
def stage(what: str) -> Iterator[None]:
    """Name the step under way for :func:`heartbeat` (e.g. ``"fitting the model"``).

    Parameters
    ----------
    what : str
        The step, as the status line shows it.

    Yields
    ------
    None
    """
    previous = _Line.stage
    _Line.stage = what
    try:
        yield
    finally:
        _Line.leave(previous)


#: A command running longer than this shows its step and elapsed time on a terminal. [s]
HEARTBEAT_DELAY_S = 2.0


@contextlib.contextmanager
def heartbeat(command: str, *, delay: float | None = None) -> Iterator[None]:
    """Show ``yieldtrial: report: fitting the model ... 12 s`` while a long command runs.

    On a terminal only (nothing in pipes, files or tests): once the command has run for
    :data:`HEARTBEAT_DELAY_S` seconds a status line names the step under way
    (:func:`stage`) and the seconds elapsed, redrawn every second on a background thread.
    It is drawn only inside a stage and erased when the outermost stage ends (a command
    prints its messages outside its stages, so they start on a clean line), and it steps
    aside while a percentage (:func:`terminal_progress`) is drawn.

    Parameters
    ----------
    command : str
        The subcommand, e.g. ``"report"``.
    delay : float, optional
        Seconds before the first line (default :data:`HEARTBEAT_DELAY_S`). [s]

    Yields
    ------
    None
    """
    if not stderr_is_terminal():
        yield
        return
    wait = HEARTBEAT_DELAY_S if delay is None else float(delay)
    stop = threading.Event()
    start = time.monotonic()

    def beat() -> None:
        if stop.wait(wait):
            return
        while not stop.is_set():
            _Line.beat(command, time.monotonic() - start)
            stop.wait(1.0)

    thread = threading.Thread(target=beat, name="yieldtrial-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        _Line.clear()


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
