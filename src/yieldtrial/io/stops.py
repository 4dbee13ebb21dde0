"""A stop (Ctrl-C, SIGTERM, SIGHUP) that Python could not raise where it arrived.

A signal's exception (:class:`KeyboardInterrupt`, or the command line's exception for
SIGTERM and SIGHUP, a subclass of it) is raised in whatever Python code runs at that
moment.  When that code is a weakref callback or a ``__del__`` method (the garbage
collector running matplotlib's clean-up while a report is drawn, say), Python cannot pass
it on: it prints ``Exception ignored in ...`` with a traceback and goes on, and the run
would finish and exit 0 as if nobody had asked it to stop.

:func:`keeping_stops` catches such a stop (through :data:`sys.unraisablehook`, printing
nothing) and :func:`raise_kept_stop` raises it again where it can be handled: before an
output is renamed into place and when a group of outputs completes
(:func:`yieldtrial.io.output.output_group`), so the run stops and removes its files as
after any other stop.

A stop can also be raised where a library's clean-up then fails: a ``finally`` block in
matplotlib, run while the stop passes through, meets the half-drawn figure and raises a
``ValueError`` that takes the stop's place.  :func:`stop_behind` finds the stop behind
such an error, so the run still ends as stopped rather than as an internal error.

A stop can also land in C code that replaces it by an error of its own with no chain back
(NumPy's extension modules, imported while the stop arrives, print it and raise
``ImportError: numpy._core.multiarray failed to import``), or that swallows it.  The
command line's signal handlers therefore keep each stop they raise
(:func:`stop_requested`): :func:`stop_behind` finds it behind any error, and
:func:`raise_kept_stop` raises it again if the run went on as if nothing had happened.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["keeping_stops", "raise_kept_stop", "stop_behind", "stop_requested"]

#: The stop caught by :func:`keeping_stops` and not raised again yet (one per process).
_kept: list[BaseException] = []

#: Non-empty once a stop arrived in the current :func:`keeping_stops` block.
_stopping: list[bool] = []


def _note_stop() -> None:
    if not _stopping:
        _stopping.append(True)


def _silent(unraisable: Any) -> None:
    """Show nothing: the unraisable hook for the fallout of a stop (see keeping_stops)."""


@contextlib.contextmanager
def keeping_stops(*, final: bool = False) -> Iterator[None]:
    """Keep a stop that arrives where it cannot be raised, for :func:`raise_kept_stop`.

    Other unraisable exceptions go to the hook that was in place before, until a stop has
    arrived: from then on they are its fallout and are not shown (a ``ZipFile`` whose
    constructor the stop interrupted fails in its ``__del__`` with ``AttributeError: ...
    '_writing'``, and Python would print that traceback under the run's one line).  A
    stop still kept when the block ends is forgotten: the command line's block holds the
    whole command, whose outputs are written in an
    :func:`~yieldtrial.io.output.output_group` that raises it at its end.

    ``final``: the process ends after the block (the command line run as the program);
    after a stop the silent hook then stays, for the objects the interpreter's shutdown
    finalises.

    Examples
    --------
    >>> class Finalised:
    ...     def __del__(self):
    ...         raise KeyboardInterrupt
    >>> try:
    ...     with keeping_stops():
    ...         finalised = Finalised()
    ...         del finalised  # the stop arrives in __del__; nothing is printed
    ...         raise_kept_stop()
    ... except KeyboardInterrupt:
    ...     print("stopped")
    stopped
    """
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            if not _kept:
                _kept.append(unraisable.exc_value)
            _note_stop()
            return
        if _stopping:
            return  # the fallout of the stop (see above)
        previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = _silent if final and _stopping else previous
        _kept.clear()
        _stopping.clear()


def stop_requested(stop: KeyboardInterrupt) -> KeyboardInterrupt:
    """Keep ``stop``, the exception a signal handler is about to raise; return it.

    Where the stop then lands cannot be known (a C extension may replace or swallow it):
    kept, it is found by :func:`stop_behind` behind whatever error reaches the command
    line, or raised again by :func:`raise_kept_stop` before an output is put in place.
    A stop that reaches the command line itself is forgotten there.

    Parameters
    ----------
    stop : KeyboardInterrupt
        The exception the handler raises (a subclass for SIGTERM and SIGHUP).

    Returns
    -------
    KeyboardInterrupt
        ``stop``, for ``raise stop_requested(...)``.

    Examples
    --------
    >>> with keeping_stops():
    ...     try:
    ...         raise stop_requested(KeyboardInterrupt())
    ...     except KeyboardInterrupt:
    ...         pass  # swallowed by C code, which then fails with an error of its own
    ...     type(stop_behind(ImportError("failed to import"))).__name__
    'KeyboardInterrupt'
    """
    if not _kept:
        _kept.append(stop)
    _note_stop()
    return stop


def raise_kept_stop() -> None:
    """Raise the stop :func:`keeping_stops` caught, if any (and forget it).

    Raises
    ------
    KeyboardInterrupt
        The kept stop.
    """
    if _kept:
        stop = _kept.pop()
        raise stop.with_traceback(None)


def stop_behind(exc: BaseException) -> BaseException | None:
    """Find the stop that ``exc`` replaced, or a stop kept and not raised yet.

    Follows ``exc``'s ``__context__`` and ``__cause__`` chain (an error raised while a
    stop was being handled, or in a ``finally`` block it passed through), then looks at
    the stop :func:`keeping_stops` caught.  A stop found is forgotten.

    Parameters
    ----------
    exc : BaseException
        The exception that reached the command line.

    Returns
    -------
    BaseException or None
        The stop (:class:`KeyboardInterrupt` or a subclass; ``exc`` itself when it is
        one), or ``None`` when there is none.

    Examples
    --------
    >>> try:
    ...     try:
    ...         raise KeyboardInterrupt
    ...     finally:
    ...         raise ValueError("Invalid bounding box")  # a library's clean-up failing
    ... except ValueError as error:
    ...     type(stop_behind(error)).__name__
    'KeyboardInterrupt'
    """
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, KeyboardInterrupt):
            _kept.clear()
            _note_stop()
            return current
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    if _kept:
        return _kept.pop()
    return None
