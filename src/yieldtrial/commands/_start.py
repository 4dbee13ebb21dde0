"""The program's first step: a Ctrl-C while it starts is one line and exit status 130.

``python -m yieldtrial`` and the ``yieldtrial`` console script (``yieldtrial.__main__.run``)
install :func:`interrupted_at_start` before anything else is imported: a Ctrl-C while
the command line's modules import (a few tenths of a second on a loaded machine) ended
the process by the signal with a ``KeyboardInterrupt`` traceback, since
:func:`yieldtrial.cli.main` installs its own handling only once they are imported
(stop 52).  :func:`yieldtrial.cli.main` takes Ctrl-C over from this handler as from
Python's own.  Only :mod:`os`, :mod:`sys` and ``_signal`` (loaded by Python's start-up
already) are used here.
"""

from __future__ import annotations

import os
import sys

#: The signal module's C core: ``signal`` itself imports :mod:`enum` and :mod:`functools`
#: (5 ms, a fifth of the start-up before the command line's imports), this one nothing.
_signal = __import__("_signal")

__all__ = ["install", "interrupted_at_start", "interrupted_line", "requested_language"]

#: The line of a run interrupted before it started its command (the line of
#: :func:`yieldtrial.cli.main`'s exit 130, in English and Chinese).
_LINES = {
    "en": "yieldtrial: interrupted; no output was written",
    "zh": "yieldtrial: 已中断；没有写出任何输出",
}


def requested_language(arguments: list[str]) -> str:
    """Return the ``--lang`` value among command-line ``arguments`` ("en" when not given).

    Read before argparse parses them, so that a usage error is in the language asked for.
    The last value wins, as in argparse; its prefixes (``--l``, ``--la``, ``--lan``; argparse
    takes ``--l`` where no other option starts so: not in report) and the
    ``--lang=zh`` form count; nothing after ``--`` (the end of the options).

    Examples
    --------
    >>> requested_language(["report", "p.csv", "--lang", "zh", "--alpha"])
    'zh'
    >>> requested_language(["report", "--lang=zh", "--", "--lang", "en"])
    'zh'
    """
    lang = "en"
    names: tuple[str, ...] = ("--l", "--la", "--lan", "--lang")
    if arguments[:1] == ["report"]:  # report's --letters: there --l is ambiguous, no --lang
        names = names[1:]
    for index, argument in enumerate(arguments):
        if argument == "--":
            break
        name, equals, value = argument.partition("=")
        if name not in names:
            continue
        if equals:
            lang = value
        elif index + 1 < len(arguments):
            lang = arguments[index + 1]
    return lang


def interrupted_line(arguments: list[str], encoding: str | None) -> bytes:
    r"""Return the interrupted line, Chinese under ``--lang zh`` when ``encoding`` holds it.

    Examples
    --------
    >>> interrupted_line(["report", "--lang", "zh"], "ascii")
    b'yieldtrial: interrupted; no output was written\n'
    """
    text = _LINES["zh" if requested_language(arguments) == "zh" else "en"] + "\n"
    try:
        return text.encode(encoding or "utf-8")
    except (LookupError, UnicodeEncodeError):
        return (_LINES["en"] + "\n").encode("ascii")


def interrupted_at_start(signum: int, frame: object) -> None:
    """Handle SIGINT until the command line's own handler: print one line, exit with 130.

    The process ends at once (:func:`os._exit`): nothing was written yet, and an exception
    raised in the middle of an import could be caught or reported as a traceback.
    """
    encoding = getattr(sys.stderr, "encoding", None)
    try:
        os.write(2, interrupted_line([str(a) for a in sys.argv[1:]], encoding))
    except OSError:  # a closed or full standard error: the status still says it
        pass
    os._exit(130)


def install() -> None:
    """Let Ctrl-C end the start-up with one line, where Python's own handler has it.

    A handler the calling program installed, or Ctrl-C ignored (a background job), is
    left alone.
    """
    try:
        if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
            _signal.signal(_signal.SIGINT, interrupted_at_start)
    except ValueError:  # pragma: no cover - not the main thread
        pass
