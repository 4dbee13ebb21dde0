"""The ``yieldtrial`` command line: a thin argparse layer over the library.

Each subcommand lives in :mod:`yieldtrial.commands` as a module with a
``register(subparsers)`` function that adds its parser and sets ``handler``.
Handlers parse, call the library and write output; they hold no formulas.

Exit status: 0 success; 1 bad data or a file that cannot be read or written (one
line on stderr saying what to fix, no traceback); 2 usage error; 3 an internal error
(a bug: one line naming the bug-report file; the traceback only with ``--debug``);
130 interrupted (Ctrl-C); 143 stopped by SIGTERM and 129 by SIGHUP (``kill``, a closed
terminal): like Ctrl-C, one line, and the files of the run are removed (128 + the signal's
number, as a shell reports a process the signal killed).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import math
import os
import platform
import re
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from yieldtrial.commands._input import (
    PRINTED_WARNINGS,
    UsageError,
    number_option,
    one_line,
    print_warning,
)
from yieldtrial.commands._start import interrupted_at_start
from yieldtrial.errors import YieldTrialError
from yieldtrial.io._guard import held_warnings

__all__ = ["main", "build_parser"]

# subcommand modules under yieldtrial.commands, in the order --help lists them
COMMANDS: tuple[str, ...] = (
    "standardize",
    "audit",
    "report",
    "demo",
    "network",
    "plan",
    "design",
)


def _version() -> str:
    from yieldtrial._version import __version__

    return __version__


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (exit 2), pointing to --help."""

    def error(self, message: str) -> NoReturn:
        """Print ``prog: error: message`` on one line and exit with status 2.

        Under ``--lang zh`` (read by :func:`main` before parsing) the line is Chinese when
        the message is one of argparse's known ones (``_zh_messages.USAGE_TEMPLATES``).
        """
        message = _suggest_choice(_flag_value(_one_line(message)))
        chinese = _chinese_usage(message, self.prog)
        english = f"{self.prog}: error: {message} (see '{self.prog} --help')"
        self.exit(2, (chinese or english) + "\n")


def _chinese_usage(message: str, prog: str, *, help_hint: bool = True) -> str | None:
    """Return the Chinese line of a usage error when this run asked for ``--lang zh``."""
    zh = sys.modules.get("yieldtrial.commands._zh_messages")
    if zh is None:  # never imported: no run asked for Chinese
        return None
    line: str | None = zh.usage_line(message, prog, help_hint=help_hint)
    return line


_IGNORED_VALUE = re.compile(r"argument (?P<flag>--[\w-]+): ignored explicit argument (?P<given>.+)")


def _flag_value(message: str) -> str:
    """Say what argparse's "ignored explicit argument" means (``--force=yes``).

    Examples
    --------
    >>> _flag_value("argument --force: ignored explicit argument 'yes'")
    "argument --force: takes no value, got 'yes'; write --force alone"
    """
    found = _IGNORED_VALUE.fullmatch(message)
    if found is None:
        return message
    flag = found["flag"]
    return f"argument {flag}: takes no value, got {found['given']}; write {flag} alone"


#: The letter tests of ``FieldTrial.means(letters=...)`` that the report's ``--letters`` (and
#: ``[analysis] letters``) does not run: its usage error says where they are (stop 48).
PYTHON_LETTERS: tuple[str, ...] = ("bonferroni", "holm")

_INVALID_CHOICE = re.compile(r"invalid choice: '(?P<given>[^']*)' \(choose from (?P<choices>.*)\)$")


#: Other names of the report languages (``--lang cn``, ``zh-CN``): the code ``--lang`` takes.
_LANGUAGE_SPELLINGS: dict[str, str] = {
    **dict.fromkeys(
        ("cn", "ch", "chn", "chi", "zho", "chinese", "zh-cn", "zh-hans", "zh-sg", "zh-tw",
         "zh-hant", "zh-hk", "中文", "汉语", "汉字", "简体中文", "简体"),
        "zh",
    ),
    **dict.fromkeys(("eng", "english", "en-us", "en-gb", "英文", "英语"), "en"),
}  # fmt: skip


def _suggest_choice(message: str) -> str:
    """Add the nearest valid choice to argparse's "invalid choice" message (a typing slip).

    Examples
    --------
    >>> _suggest_choice("invalid choice: 'repor' (choose from 'report', 'plan')")
    "invalid choice: 'repor' (choose from 'report', 'plan'); did you mean 'report'?"
    >>> _suggest_choice("invalid choice: 'fr' (choose from 'en', 'zh')")
    "invalid choice: 'fr' (choose from 'en', 'zh')"
    >>> _suggest_choice("invalid choice: 'zh_CN' (choose from 'en', 'zh')")
    "invalid choice: 'zh_CN' (choose from 'en', 'zh'); did you mean 'zh'?"
    >>> _suggest_choice("argument --letters: invalid choice: 'holm' (choose from 'tukey', 'lsd')")
    "argument --letters: invalid choice: 'holm' (choose from 'tukey', 'lsd'); holm letters are \
made in Python, not in the report: trial.means(letters='holm')"
    """
    import difflib

    found = _INVALID_CHOICE.search(message)
    if found is None:
        return message
    choices = [c.strip().strip("'\"") for c in found["choices"].split(",")]
    given = found["given"]
    if message.startswith("argument --letters:") and given.strip().lower() in PYTHON_LETTERS:
        test = given.strip().lower()
        return (
            f"{message}; {test} letters are made in Python, not in the report: "
            f"trial.means(letters={test!r})"
        )
    spelled = _LANGUAGE_SPELLINGS.get(given.strip().lower().replace("_", "-"))
    if spelled in choices:  # --lang cn, zh-CN, chinese, 中文: the language's code
        return f"{message}; did you mean {spelled!r}?"
    close = difflib.get_close_matches(given.lower(), choices, n=1, cutoff=0.6)
    return f"{message}; did you mean {close[0]!r}?" if close else message


def build_parser(commands: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """Build the top-level parser with every available subcommand.

    Parameters
    ----------
    commands : sequence of str, default COMMANDS
        The subcommands to register.  :func:`main` registers only the one it
        runs, so a light command does not import the heavy modules that other
        commands need just to build their parsers.

    Returns
    -------
    argparse.ArgumentParser
        The parser; each subcommand sets ``handler`` in its namespace.
    """
    parser = _Parser(
        prog="yieldtrial",
        description="Crop yield tests and field trials: standardize plot yields to a standard "
        "moisture, compare treatments with design-aware statistics, write yield-test reports.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the full traceback of an error (also accepted after the command)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in commands:
        try:
            module = importlib.import_module(f"yieldtrial.commands.{name}")
        except ModuleNotFoundError as exc:  # a command not built yet
            if exc.name == f"yieldtrial.commands.{name}":
                continue
            raise
        module.register(subparsers)
        command = subparsers.choices.get(name)
        if command is not None and "--output" in command._option_string_actions:
            command.add_argument(
                "--force",
                action="store_true",
                help="replace an existing output file (or write into a non-empty folder) that "
                "yieldtrial did not write; never an input file, never a filled-in field book",
            )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 on success, 1 on bad input data or a file problem, 2 on a usage error,
        3 on an internal error (a bug), 130 when interrupted, 143 (129) when stopped by
        SIGTERM (SIGHUP).

    Notes
    -----
    Called without ``argv``, as the program (the ``yieldtrial`` console script and
    ``python -m yieldtrial``, whose process ends when it returns), a stop (Ctrl-C, SIGTERM,
    SIGHUP) that arrives once the command's outputs are in place is ignored: while the
    held lines are printed it said "no output was written" with exit 143 over a complete
    folder, and in the interpreter's shutdown (a tenth of a second or more after a report)
    a SIGTERM ended the process by the signal (a shell's 143, "stopped") with every
    output in place, or a Ctrl-C printed a traceback from an exit handler.  Called with
    ``argv`` (in-process), the signal actions in place before are restored.
    """
    _reserve_standard_descriptors()
    from yieldtrial.io.stops import keeping_stops

    with (
        _termination_as_interrupt(final=argv is None),
        _standard_error_sink(),
        keeping_stops(final=argv is None),
    ):
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    """:func:`main` once the standard streams and the signals are in place."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    arguments, debug = _take_debug(arguments)
    typed = arguments
    arguments = _lang_after_command(arguments)
    dropped = len(arguments) < len(typed)  # `yieldtrial --lang zh --help`: no command for it
    if dropped or any(argument.startswith("--l") for argument in arguments):
        from yieldtrial.commands._zh_messages import requested_language, set_language

        # usage errors in the language asked for: argparse reports them before --lang is read
        set_language(requested_language(typed if dropped else arguments), None)
    # a known subcommand first: build only its parser (fast start for light commands)
    selected: Sequence[str] = COMMANDS
    if arguments and arguments[0] in COMMANDS:
        selected = arguments[:1]
    elif arguments[:1] == ["--version"]:
        selected = ()
    args: argparse.Namespace | None = None
    held: _HeldLines | None = None
    closed = sys.stdout is None  # run with standard output closed (`yieldtrial ... >&-`)
    stand_in = _ClosedOutput()
    if closed:
        sys.stdout = stand_in
    try:
        parser = build_parser(selected)
        try:
            args, extra = parser.parse_known_args(arguments)
            if extra:  # name the command whose usage it breaks, not the top level
                command = getattr(args, "command", None)
                sub = _subparser(parser, command) or parser
                close = _close_option(_command_actions(parser, command), extra)
                hint = f"; did you mean {close}?" if close else ""
                sub.error(f"unrecognized arguments: {' '.join(extra)}{hint}")
        except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
            return int(exc.code or 0)
        if getattr(args, "handler", None) is None:  # no command: one usage line, not the help
            english = (
                "yieldtrial: error: give a command (usage: yieldtrial [--debug] COMMAND ...; "
                f"commands: {', '.join(COMMANDS)}; see 'yieldtrial --help')"
            )
            zh_line = (
                "yieldtrial: 错误：请给出命令（用法：yieldtrial [--debug] 命令 ...；"
                f"命令：{'、'.join(COMMANDS)}；参见 'yieldtrial --help'）"
            )
            print(_in_language(english, zh_line), file=sys.stderr)
            return 2
        if closed and not hasattr(args, "output"):  # plan has no -o: redirect instead
            stand_in.hint = f"redirect it to a file (yieldtrial {args.command} ... > out.txt)"
        owner = {
            spelling: action
            for action in _command_actions(parser, args.command)
            for spelling in action.option_strings
        }
        typed = _typed_options(owner, arguments)  # once: the spellings and --format read it
        args.option_spellings = _typed_spellings(owner, typed)
        args.format_typed = "--format" in typed
        problem = (
            _abbreviated_force(args, arguments)
            or _undecodable_argument(parser, args)
            or _option_as_file_name(parser, args)
            or _non_finite_argument(parser, args)
            or _standard_output(args)
            or _standard_input(args)
            or _text_output_name(args)
        )
        if problem:
            prog = f"yieldtrial {args.command}"
            chinese = _chinese_usage(problem, prog, help_hint=False)
            print(chinese or f"{prog}: error: {problem}", file=sys.stderr)
            return 2
        from yieldtrial.commands._environment import check_environment
        from yieldtrial.commands._zh_messages import set_language
        from yieldtrial.io.output import output_group
        from yieldtrial.io.progress import heartbeat

        # --lang zh: the common error and warning lines in Chinese (see _zh_messages)
        set_language(getattr(args, "lang", None), str(args.command))

        # a failure leaves none of its files; a long run shows its step on a terminal;
        # a failure prints one line: the warnings and notes of the run are held until it ends
        held = _HeldLines.install()
        try:
            with (
                output_group(str(args.command)),
                _one_line_warnings(),
                _quiet_library_logs(),
                heartbeat(str(args.command)),
            ):
                check_environment()  # SOURCE_DATE_EPOCH=abc failed inside NumPy's import
                status = int(args.handler(args) or 0)
        finally:
            _HeldLines.uninstall(held)
        if argv is None:  # the program: its outputs are in place, a stop now would lie
            _ignore_stops()
        if held is not None:
            held.release(failed=status != 0)
        return status
    except BaseException as exc:  # noqa: BLE001 - the one place every error is turned into a line
        from yieldtrial.io.stops import stop_behind

        exc = stop_behind(exc) or exc  # a stop a library's failing clean-up replaced
        if held is not None and debug:  # --debug: everything the run said, then the traceback
            held.release(failed=False)
        command = getattr(args, "command", None)
        real = sys.stderr
        sys.stderr = _TolerantStream(real)  # type: ignore[assignment]
        try:  # the status stands when the line cannot be shown (a pipe nobody reads)
            return _report_error(exc, debug=debug, argv=argv, command=command)
        finally:
            sys.stderr = real
    finally:
        if closed:
            sys.stdout = None  # type: ignore[assignment]
        if "yieldtrial.commands._zh_messages" in sys.modules:  # the next run starts in English
            sys.modules["yieldtrial.commands._zh_messages"].set_language(None, None)


class _Terminated(KeyboardInterrupt):
    """A termination signal (SIGTERM, SIGHUP) raised as an exception in the main thread.

    A subclass of :class:`KeyboardInterrupt`, so a run stopped by ``kill`` (or by a
    closed terminal) cleans up as after Ctrl-C: :func:`~yieldtrial.io.output.output_group`
    removes the files it created and a temporary file is deleted, where the signal's
    default action ended the process at once, silently, leaving them behind.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


#: Signals that stop a run as Ctrl-C does (present on POSIX only).
_TERMINATING: tuple[str, ...] = ("SIGTERM", "SIGHUP")


@contextlib.contextmanager
def _termination_as_interrupt(*, final: bool = False) -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`_Terminated` while the command runs.

    Only a signal whose action is the default is taken over: a handler the calling
    program installed, or SIGHUP ignored under ``nohup``, is left alone; the previous
    actions are restored at the end.  A second signal while the first one's clean-up runs
    is ignored (SIGKILL still ends the process).  Ctrl-C, when Python's own handler has
    it (or :func:`yieldtrial.commands._start.interrupted_at_start`, the program's start-up handler),
    raises :class:`KeyboardInterrupt` as that handler does.  Every stop raised is kept
    (:func:`yieldtrial.io.stops.stop_requested`), so C code that replaces or swallows it
    cannot turn it into an internal error or a finished run.

    ``final``: the process ends after the command (:func:`main` run as the program), so at
    the end the signals taken over, and Ctrl-C when Python's own handler has it, are
    ignored instead: the command's status is decided and stands.
    """
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set in the main thread
        return

    from yieldtrial.io.stops import stop_requested

    def stop(signum: int, frame: object) -> None:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signum, signal.SIG_IGN)  # the clean-up runs to its end
        raise stop_requested(_Terminated(signum))

    def interrupt(signum: int, frame: object) -> None:
        raise stop_requested(KeyboardInterrupt())  # as Python's own handler, but kept

    previous: dict[int, Any] = {}
    with contextlib.suppress(ValueError, OSError):
        if signal.getsignal(signal.SIGINT) in (signal.default_int_handler, interrupted_at_start):
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, interrupt)
    for name in _TERMINATING:
        number = getattr(signal, name, None)
        if number is None:  # pragma: no cover - Windows has no SIGHUP
            continue
        with contextlib.suppress(ValueError, OSError):
            if signal.getsignal(number) is signal.SIG_DFL:
                previous[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        if final:
            _ignore_stops()
        else:
            for number, action in previous.items():
                with contextlib.suppress(ValueError, OSError):
                    signal.signal(number, action)


def _ignore_stops() -> None:
    """Ignore Ctrl-C, SIGTERM and SIGHUP where a Python handler (ours, Python's) has them."""
    import signal

    for name in ("SIGINT", *_TERMINATING):
        number = getattr(signal, name, None)
        if number is None:  # pragma: no cover - Windows has no SIGHUP
            continue
        with contextlib.suppress(ValueError, OSError):
            if callable(signal.getsignal(number)):
                signal.signal(number, signal.SIG_IGN)


def _reserve_standard_descriptors() -> None:
    """Open the null device on a closed standard descriptor (``yieldtrial ... >&- 2>&-``).

    With descriptor 1 or 2 closed, the next file the run opens (the temporary file of an
    output) would get that number, and anything written to standard output or error below
    Python (a C library, :mod:`faulthandler`) would land in the user's file.
    """
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError as exc:
            if exc.errno != errno.EBADF:
                continue
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if null != descriptor:
                os.dup2(null, descriptor)
                os.close(null)


@contextlib.contextmanager
def _standard_error_sink() -> Iterator[None]:
    """Give a run whose standard error is closed (``2>&-``) a null stream as ``sys.stderr``.

    Python sets ``sys.stderr`` to None then, and ``print(..., file=None)`` writes to
    standard *output*: the error and warning lines went into the result (``yieldtrial
    standardize plots.csv 2>&- > yields.csv`` put an error line in yields.csv).
    """
    if sys.stderr is not None:
        yield
        return
    with open(os.devnull, "w", encoding="utf-8") as sink:
        sys.stderr = sink
        try:
            yield
        finally:
            if sys.stderr is sink:
                sys.stderr = None  # type: ignore[assignment]


@contextlib.contextmanager
def _quiet_library_logs() -> Iterator[None]:
    """Keep library log records below ERROR off standard error while a command runs.

    With :mod:`logging` already loaded (``main`` called from Python) the levels are set
    now, whatever imports matplotlib later; else the commands that draw set them before
    they import matplotlib (:func:`yieldtrial.commands._figures.use_file_backend`), so a
    command that draws nothing never imports :mod:`logging` (about 4 ms).  The levels are
    put back when the command ends.
    """
    from yieldtrial.commands import _figures

    if "logging" in sys.modules:
        _figures.quiet_library_logs()
    try:
        yield
    finally:
        _figures.restore_library_logs()


#: An error line of the command line (``yieldtrial: error: ...``, ``yieldtrial report: error:
#: ...``, ``yieldtrial: 错误：...``): the one line a failed run keeps.
_ERROR_LINE = re.compile(r"^yieldtrial(?: [a-z_]+)?: (?:error:|错误：)")


class _HeldLines:
    r"""Standard error while a command runs: its lines are shown when it ends.

    A run that succeeds shows every line in order (warnings, notes, ``wrote ...``); a
    run that fails shows only its error line, so a data error is one line also when the
    table's warnings came first (they were printed before the error: two, three lines).
    The status line of a terminal (:mod:`yieldtrial.io.progress`, written with ``\r``)
    is drawn at once.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.lines: list[str] = []
        self._part = ""

    @classmethod
    def install(cls) -> _HeldLines | None:
        """Put a holder in place of ``sys.stderr`` (None when standard error is closed)."""
        if sys.stderr is None:
            return None
        held = cls(sys.stderr)
        sys.stderr = held  # type: ignore[assignment]
        return held

    @staticmethod
    def uninstall(held: _HeldLines | None) -> None:
        """Put the real standard error back."""
        if held is not None and sys.stderr is held:
            sys.stderr = held.stream

    def write(self, text: str) -> int:
        r"""Hold whole lines; pass the terminal's status line (``\r``) through."""
        if "\r" in text or (text == "\n" and not self._part):  # a status line, or its end
            written = self.stream.write(text)
            return len(text) if written is None else int(written)
        self._part += text
        *done, self._part = self._part.split("\n")
        self.lines.extend(done)
        return len(text)

    def flush(self) -> None:
        """Nothing to flush: the lines are written by :meth:`release`."""

    def isatty(self) -> bool:
        """Whether the real standard error is a terminal."""
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def __getattr__(self, name: str) -> Any:  # encoding, errors, fileno, buffer
        return getattr(self.stream, name)

    def release(self, *, failed: bool) -> None:
        """Write the held lines: all of them, or after a failure only its error line(s)."""
        lines = [*self.lines, *([self._part] if self._part else [])]
        self.lines, self._part = [], ""
        if failed:  # the error line the command printed itself (a usage error, exit 2)
            lines = [line for line in lines if _ERROR_LINE.match(line)] or lines
        try:
            for line in lines:
                self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            # standard error is a pipe nobody reads (`2>&1 | head -c1`, a closed log
            # reader): the lines cannot be shown, but a run that succeeded succeeded (it
            # exited 1 with its output written); what is still buffered goes nowhere
            _silence(self.stream)


class _TolerantStream:
    """Standard error for the error line: a pipe nobody reads does not change the status.

    Printing the line of Ctrl-C (130) or of a data error (1) into a broken pipe raised
    BrokenPipeError out of :func:`main`: Python's traceback went nowhere, and the status
    was 1 whatever the cause.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.broken = stream is None

    def write(self, text: str) -> int:
        """Write ``text``; after the first failure, nothing."""
        if not self.broken:
            try:
                self.stream.write(text)
            except (OSError, ValueError):
                self.broken = True
                _silence(self.stream)
        return len(text)

    def flush(self) -> None:
        """Flush; a failure silences the stream."""
        if not self.broken:
            try:
                self.stream.flush()
            except (OSError, ValueError):
                self.broken = True
                _silence(self.stream)

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno
        return getattr(self.stream, name)


class _ClosedOutput:
    """Stand-in for a closed standard output: writing to it is one clean error line.

    Python sets ``sys.stdout`` to None when file descriptor 1 is closed; a command
    printing its result then failed with ``'NoneType' object has no attribute 'write'``
    (exit 3). Commands that write files (``-o``) never touch it.
    """

    encoding = "utf-8"
    #: What to do instead; a command without ``-o`` (``plan``) says to redirect.
    hint = "write it to a file with -o/--output"

    def write(self, text: str) -> int:
        from yieldtrial.errors import FileAccessError

        raise FileAccessError(
            "standard output is closed (the command was run with >&-), so the result cannot "
            f"be shown; {self.hint}"
        )

    def flush(self) -> None:
        """Nothing to flush."""

    def isatty(self) -> bool:
        """Never a terminal."""
        return False


@contextlib.contextmanager
def _one_line_warnings() -> Iterator[None]:
    """Show a warning no command printed itself as one ``yieldtrial: warning:`` line.

    The commands print the warnings they expect; this catches the rest (a library
    warning such as an implausible standard moisture, a NumPy RuntimeWarning), which
    Python would show as two lines naming a source file.
    """
    PRINTED_WARNINGS.clear()

    def show(message: Any, category: Any, *_: Any, **__: Any) -> None:
        print_warning(str(message))

    with held_warnings():
        # a warning is a line, never an error (PYTHONWARNINGS=error would make it exit 3);
        # library deprecations and interpreter housekeeping (Python's defaults ignore
        # ResourceWarning and ImportWarning) are no news for the user
        warnings.simplefilter("default")
        for category in (
            DeprecationWarning,
            PendingDeprecationWarning,
            FutureWarning,
            ResourceWarning,
            ImportWarning,
        ):
            warnings.filterwarnings("ignore", category=category)
        warnings.showwarning = show
        yield


def _lang_after_command(arguments: list[str]) -> list[str]:
    """Move ``--lang X`` typed before the command to after it (``yieldtrial --lang zh demo``).

    The main parser has no ``--lang``: it read ``zh`` as the command ("invalid choice:
    'zh'").  A command that takes no ``--lang`` refuses it as usual, after the move.
    """
    name, equals, _ = arguments[0].partition("=") if arguments else ("", "", "")
    if name not in ("--l", "--la", "--lan", "--lang"):
        return arguments
    taken = 1 if equals else 2
    if len(arguments) > taken and arguments[taken] in COMMANDS:
        return [arguments[taken], *arguments[:taken], *arguments[taken + 1 :]]
    if not any(argument in COMMANDS for argument in arguments[taken:]):
        # `yieldtrial --lang zh --help` (or no command at all): the main parser's help or its
        # "give a command" line, not "invalid choice: 'zh'" (the language is read by _main)
        return arguments[taken:]
    return arguments


def _take_debug(arguments: list[str]) -> tuple[list[str], bool]:
    """Remove ``--debug`` wherever it stands (before a ``--`` that ends the options)."""
    end = arguments.index("--") if "--" in arguments else len(arguments)
    debug = "--debug" in arguments[:end] or os.environ.get("YIELDTRIAL_DEBUG", "") not in ("", "0")
    kept = [a for i, a in enumerate(arguments) if not (i < end and a == "--debug")]
    return kept, debug


def _typed_spellings(owner: dict[str, argparse.Action], typed: list[str]) -> dict[str, str]:
    """Return the spelling the user typed of each option with several (``dest`` -> spelling).

    ``--margin-pct`` and ``--margin`` are one option: its messages name the one typed (the
    last, as argparse keeps the last value; an abbreviation counts as the spelling it stands
    for), not the last of its option strings.  ``owner`` maps the command's option strings
    to their actions, ``typed`` is :func:`_typed_options` of the command line.
    """
    spellings: dict[str, str] = {}
    for spelling in typed:
        if len(owner[spelling].option_strings) > 1:
            spellings[owner[spelling].dest] = spelling
    return spellings


def _typed_options(owner: dict[str, argparse.Action], arguments: list[str]) -> list[str]:
    """Return the long options typed, in order, each as the option string it stands for."""
    typed: list[str] = []
    end = arguments.index("--") if "--" in arguments else len(arguments)
    for token in arguments[1:end]:
        name = token.partition("=")[0]
        if not name.startswith("--"):
            continue
        matches = [s for s in owner if s == name] or [s for s in owner if s.startswith(name)]
        if len(matches) == 1:
            typed.append(matches[0])
    return typed


def _non_finite_argument(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """Refuse a float option given as nan or inf, like a value that is not a number."""
    for action in _command_actions(parser, getattr(args, "command", None)):
        if action.type is not number_option:
            continue
        value = getattr(args, action.dest, None)
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, float) and not math.isfinite(item):
                spellings = getattr(args, "option_spellings", {})
                name = spellings.get(action.dest) or (
                    action.option_strings[0] if action.option_strings else action.metavar
                )
                return (
                    f"argument {name or action.dest}: expected a finite number, got {item!r}; "
                    "give a number such as 13 or 0.05"
                )
    return ""


#: Commands that print their result on standard output when ``-o`` is not given.
STDOUT_COMMANDS = ("standardize", "audit", "design", "network")


def _abbreviated_force(args: argparse.Namespace, arguments: list[str]) -> str:
    """Refuse ``--force`` given as an abbreviation (``--forc``, ``design ... --f``).

    Decided (stop 48): argparse takes any unambiguous prefix of an option, and yieldtrial
    keeps that for every other option (``--moisture-m``, ``--lan zh``); ``--force`` is
    the one option that replaces a file yieldtrial did not write, so it counts only typed
    in full.  An abbreviation would also change meaning silently when a new option shares
    its prefix (``--fo`` was ``--force`` for ``design``, which has no ``--format``).

    Examples
    --------
    >>> import argparse
    >>> _abbreviated_force(argparse.Namespace(force=True), ["design", "rcbd", "--forc"])[:34]
    '--forc: give --force in full; an o'
    >>> _abbreviated_force(argparse.Namespace(force=True), ["design", "rcbd", "--force"])
    ''
    """
    if not getattr(args, "force", False):
        return ""
    end = arguments.index("--") if "--" in arguments else len(arguments)
    for token in arguments[1:end]:
        name = token.partition("=")[0]
        if len(name) > 2 and name != "--force" and "--force".startswith(name):
            return (
                f"{name}: give --force in full; an option that replaces files is never taken "
                "from an abbreviation"
            )
    return ""


#: Options that name files: their values may hold any bytes of a file name.
_PATH_OPTIONS = frozenset({"output", "config", "map"})
_UNDECODED = re.compile("[\udc80-\udcff]")


def _undecodable_argument(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    r"""Refuse a text option holding bytes the locale could not decode (``LC_ALL=C``).

    Python keeps such bytes as lone surrogates (``'\udce5'``): ``--control 对照`` typed
    in a C/POSIX locale was "names no treatment (the label is blank)", and ``design
    --treatments 对照 B`` "contains an empty label", once the surrogates were cleaned
    away.  File names (inputs, ``-o``, ``--config``, ``--map``) may hold any bytes and
    are left to the file checks.
    """
    for action in _command_actions(parser, getattr(args, "command", None)):
        if not action.option_strings or action.dest in _PATH_OPTIONS:
            continue
        value = getattr(args, action.dest, None)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and _UNDECODED.search(item):
                option = max(action.option_strings, key=len)
                return (
                    f"argument {option}: {item!r} holds bytes that are not text in this "
                    f"system's encoding ({sys.getfilesystemencoding()}); run yieldtrial in a "
                    "UTF-8 locale (e.g. LC_ALL=C.UTF-8) or set PYTHONUTF8=1"
                )
    return ""


def _option_as_file_name(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """Refuse ``-o`` (or ``--map``) given one of the command's options as its file name.

    ``--output=--force`` (or ``-o=--force``) wrote a file named ``--force``: an option
    typed where the file name belongs, not a name anyone chooses.  ``./--force`` still
    names such a file.
    """
    spellings = {
        spelling
        for action in _command_actions(parser, getattr(args, "command", None))
        for spelling in action.option_strings
    }
    for dest, flag in (("output", "-o"), ("map", "--map")):
        given = getattr(args, dest, None)
        if isinstance(given, str) and given.partition("=")[0] in spellings:
            return (
                f"argument {flag}: {given!r} is an option of {args.command}, not a file name; "
                f"give the file name after {flag} (a file so named can be given as ./{given})"
            )
    return ""


def _standard_output(args: argparse.Namespace) -> str:
    """``-o -`` means standard output where a command can print its result; else refused."""
    if getattr(args, "output", None) != "-":
        return ""
    if args.command in STDOUT_COMMANDS:
        args.output = None
        return ""
    what = "folder" if args.command == "demo" else "file"
    return (
        f"argument -o: '-' (standard output) is not possible here: {args.command} writes "
        f"a {what}; give a {what} name (one named '-' can be given as ./-)"
    )


#: The arguments of each command that name an input file: (destination, name, what it holds);
#: every command with --config also reads the trial description.
_INPUT_ARGUMENTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "standardize": (("source", "MASS_OR_FILE", "plot table"),),
    "audit": (("mass", "MASS_OR_FILE", "plot table"),),
    "report": (("plots", "PLOTS", "plot table"),),
    "network": (("plots", "PLOTS", "plot table"),),
}


def _standard_input(args: argparse.Namespace) -> str:
    """Refuse ``-`` (or an empty name) as an input file: yieldtrial does not read standard input.

    Decided (stop 42): ``-`` was read as a file named ``-`` ("no such file").  Reading
    standard input would give up what a file allows: the reader stats the input (inputs
    that are not regular files are refused: a pipe never ends, a device neither), sniffs
    its head for a workbook or an encoding, reads it again as GB18030 when it is not
    UTF-8, streams a large table in two passes, and refuses an output that is the input.
    A file named ``-`` can still be given as ``./-``.
    """
    for dest, name, _ in _INPUT_ARGUMENTS.get(str(args.command), ()):
        given = getattr(args, dest, None)
        if getattr(args, "moisture", None) is not None:
            continue  # a MASS: "MASS '' is not a number" (the command's own check)
        if given == "" or (isinstance(given, list) and "" in given):  # an unset shell variable
            return (
                f"argument {name}: the value is empty (''); give the plot table's file name "
                "(an empty name reads as the current folder)"
            )
    inputs = (*_INPUT_ARGUMENTS.get(str(args.command), ()), ("config", "--config", ""))
    for dest, name, what in inputs:
        given = getattr(args, dest, None)
        if given == "-" or (isinstance(given, list) and "-" in given):
            held = what or "trial description"
            return (
                f"argument {name}: '-' (standard input) is not supported: yieldtrial reads the "
                f"{held} from a file; save the {held} to a file and give its name (one named "
                "'-' can be given as ./-)"
            )
    return ""


#: Suffixes of files that are not text (workbooks, documents, images, archives).
BINARY_SUFFIXES: tuple[str, ...] = (
    *(".xlsx", ".xlsm", ".xls", ".ods", ".docx", ".doc", ".odt"),
    *(".pdf", ".png", ".jpg", ".jpeg", ".zip"),
)
#: Commands whose ``-o`` file is text (CSV, JSON or a table).
_TEXT_OUTPUTS = ("standardize", "audit", "design")


def _text_output_name(args: argparse.Namespace) -> str:
    """Refuse a text output named like a workbook or a document (``-o yields.xlsx``).

    The file would hold CSV text under a name that Excel (or Word, or an image viewer)
    refuses to open, and that yieldtrial itself refuses to read back.
    """
    output = getattr(args, "output", None)
    if args.command not in _TEXT_OUTPUTS or not output:
        return ""
    suffix = Path(output).suffix.lower()
    if suffix not in BINARY_SUFFIXES:
        return _contradicted_format(args, output, suffix)
    fmt = "csv" if args.command == "design" else getattr(args, "format", None) or "csv"
    if args.command == "standardize" and suffix == ".xlsx" and fmt == "csv":
        return ""  # the plot table as a workbook (the xlsx extra); a single MASS refuses it
    kind, good = {"json": ("JSON text", "json"), "table": ("plain text", "txt")}.get(
        fmt, ("CSV text", "csv")
    )
    return (
        f"argument -o: {output!r}: {args.command} writes {kind}, not a {suffix} file (it "
        f"could not be opened as one); name it {Path(output).stem}.{good}"
        + (" (Excel opens CSV files)" if good == "csv" else "")
    )


#: The text suffix each ``--format`` of standardize and audit writes.
_FORMAT_SUFFIXES = {"csv": ".csv", "json": ".json", "table": ".txt"}


def _contradicted_format(args: argparse.Namespace, output: str, suffix: str) -> str:
    """Refuse a typed ``--format`` that another text suffix of ``-o`` contradicts.

    ``standardize plots.csv --format json -o s.csv`` wrote JSON under a ``.csv`` name,
    which a later ``network dir/*.csv`` read as a failed site.  A single MASS (no
    ``--format``) and a format left to its default keep the name given.
    """
    fmt = getattr(args, "format", None)
    if not getattr(args, "format_typed", False) or fmt not in _FORMAT_SUFFIXES:
        return ""
    named = next((f for f, s in _FORMAT_SUFFIXES.items() if s == suffix), None)
    if named is None or named == fmt:
        return ""
    return (
        f"argument -o: {output!r} names a {named} file but --format is {fmt}; name it "
        f"{Path(output).stem}{_FORMAT_SUFFIXES[fmt]}, or give --format {named}"
    )


def _close_option(actions: Sequence[argparse.Action], extra: Sequence[str]) -> str:
    """Return the option the first mistyped ``--option`` in ``extra`` is close to.

    ``report plots.csv --contrl CK1`` said only "unrecognized arguments: --contrl CK1"; the
    option meant (``--control``) is named as for a mistyped command ('' when none is close).
    ``actions`` are the command's own (:func:`_command_actions`): another command's flag is
    never suggested.
    """
    import difflib

    known = [s for a in actions for s in a.option_strings if s.startswith("--")]
    for token in extra:
        name = token.partition("=")[0]
        if name.startswith("--") and name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            return close[0] if close else ""
    return ""


def _subparser(
    parser: argparse.ArgumentParser, command: str | None
) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]
    return None


def _command_actions(parser: argparse.ArgumentParser, command: str | None) -> list[argparse.Action]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return list(action.choices[command]._actions)
    return []


#: Commands without -o/--output: their result goes to standard output only.
_NO_OUTPUT_OPTION = ("plan",)


def _report_error(
    exc: BaseException, *, debug: bool, argv: Sequence[str] | None, command: str | None = None
) -> int:
    """Print one line for ``exc`` and return the exit status (see the module docstring)."""
    if isinstance(exc, SystemExit):
        return int(exc.code) if isinstance(exc.code, int) else 1
    if isinstance(exc, _Terminated):
        import signal

        name = signal.Signals(exc.signum).name
        print(
            _in_language(
                f"yieldtrial: stopped by {name}; no output was written",
                f"yieldtrial: 已被 {name} 终止；没有写出任何输出",
            ),
            file=sys.stderr,
        )
        return 128 + exc.signum
    if isinstance(exc, KeyboardInterrupt):
        print(
            _in_language(
                "yieldtrial: interrupted; no output was written",
                "yieldtrial: 已中断；没有写出任何输出",
            ),
            file=sys.stderr,
        )
        return 130
    if isinstance(exc, BrokenPipeError):  # e.g. `yieldtrial standardize ... | head`
        _silence_stdout()
        return 1
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if _stdout_cannot_encode(exc):
        encoding = getattr(sys.stdout, "encoding", None)
        # plan has no -o: a redirect keeps the encoding, so only the setting helps
        to_file = command not in _NO_OUTPUT_OPTION
        english = (
            "yieldtrial: error: the output holds characters (e.g. Chinese labels) that standard "
            f"output's encoding {encoding!r} cannot show, so nothing was written; "
            + ("write it to a file with -o/--output, or set " if to_file else "set ")
            + "PYTHONIOENCODING=utf-8 (or a UTF-8 locale)"
        )
        zh_line = (
            f"yieldtrial: 错误：输出中有标准输出的编码 {encoding!r} 无法显示的字符（如中文标签），"
            "因此没有写出任何内容；"
            + ("请用 -o/--output 写入文件，或设置 " if to_file else "请设置 ")
            + "PYTHONIOENCODING=utf-8（或使用 UTF-8 区域设置）"
        )
        print(_in_language(english, zh_line), file=sys.stderr)
        return 1
    if isinstance(exc, UsageError):
        message = _one_line(str(exc))
        prog = f"yieldtrial {command}"
        chinese = _chinese_usage(message, prog, help_hint=False)
        print(chinese or f"{prog}: error: {message}", file=sys.stderr)
        return 2
    if isinstance(exc, YieldTrialError):
        message = _command_line_words(_one_line(str(exc)))
        print(_chinese_line(message) or f"yieldtrial: error: {message}", file=sys.stderr)
        return 1
    if isinstance(exc, OSError):
        from yieldtrial.io.oserrors import describe_os_error

        if exc.filename is None and not _cwd_exists():
            english = (
                "yieldtrial: error: the current folder no longer exists (deleted or moved "
                "while the shell was in it); cd to an existing folder and run again"
            )
            zh_line = (
                "yieldtrial: 错误：当前文件夹已不存在（在终端位于其中时被删除或移走）；"
                "请 cd 到一个存在的文件夹后再运行"
            )
            print(_in_language(english, zh_line), file=sys.stderr)
            return 1
        message = _one_line(describe_os_error(exc, None, "read or write"))
        print(_chinese_line(message) or f"yieldtrial: error: {message}", file=sys.stderr)
        return 1
    if isinstance(exc, MemoryError):
        english = (
            "yieldtrial: error: out of memory; the input is too large for this computer (or is "
            "not a plot table); split it, or use a computer with more memory"
        )
        zh_line = (
            "yieldtrial: 错误：内存不足；输入对这台计算机来说太大（或者不是小区数据表）；"
            "请把它拆分，或换一台内存更大的计算机"
        )
        print(_in_language(english, zh_line), file=sys.stderr)
        return 1
    if isinstance(exc, RecursionError):
        english = (
            "yieldtrial: error: the input is nested too deeply to be read (a hostile or broken "
            "file?); check the plot table and trial.toml"
        )
        zh_line = (
            "yieldtrial: 错误：输入嵌套过深，无法读取（文件是否损坏或被恶意构造？）；"
            "请检查小区数据表和 trial.toml"
        )
        print(_in_language(english, zh_line), file=sys.stderr)
        return 1
    report = _write_bug_report(exc, argv)
    where = (
        f"details are in {report}: please send that file with your bug report"
        if report
        else "run again with --debug and send the traceback with your bug report"
    )
    print(
        f"yieldtrial: internal error (a bug in yieldtrial, not a problem with your data): "
        f"{type(exc).__name__}: {_one_line(str(exc))[:300]}; {where}"
        + ("" if debug else " (--debug shows the traceback)"),
        file=sys.stderr,
    )
    return 3


def _in_language(english: str, chinese: str) -> str:
    """Return the Chinese form of one of the command line's own lines under ``--lang zh``."""
    zh = sys.modules.get("yieldtrial.commands._zh_messages")
    if zh is None:  # never imported: no run asked for Chinese
        return english
    line: str = zh.status_line(english, chinese)
    return line


def _chinese_line(message: str) -> str | None:
    """Return the error line in Chinese under ``--lang zh`` when the message is catalogued."""
    from yieldtrial.commands._zh_messages import error_line

    return error_line(message)


def _write_bug_report(exc: BaseException, argv: Sequence[str] | None) -> str | None:
    """Write the traceback and versions to a file in the temporary folder; return its path."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = os.path.join(tempfile.gettempdir(), f"yieldtrial-bug-{stamp}-{os.getpid()}.txt")
    lines: list[str] = [
        f"yieldtrial {_safe_version()}, Python {platform.python_version()}, {platform.platform()}",
        f"arguments: {arguments!r}",
        *(_versions()),
        "",
        *traceback.format_exception(exc),
    ]
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
            handle.write("\n".join(line.rstrip("\n") for line in lines) + "\n")
    except OSError:
        return None
    return path


def _safe_version() -> str:
    try:
        return _version()
    except Exception:  # noqa: BLE001 - a bug report must never fail
        return "?"


def _versions() -> list[str]:
    out = []
    for name in ("numpy", "scipy", "pandas", "statsmodels", "matplotlib"):
        module: Any = sys.modules.get(name)
        if module is not None:
            out.append(f"{name} {getattr(module, '__version__', '?')}")
    return out


def _stdout_cannot_encode(exc: BaseException) -> bool:
    """Whether ``exc`` is text that standard output's encoding (e.g. ``ascii``) cannot hold.

    The single-byte code pages (``cp1252``, ``cp437``, ``koi8-r``, ...) report their error
    as the ``'charmap'`` codec's, not under their own name: ``PYTHONIOENCODING=cp1252`` (a
    Windows console's) made ``design --treatments 对照`` an internal error (exit 3).
    """
    if not isinstance(exc, UnicodeEncodeError):
        return False
    encoding = getattr(sys.stdout, "encoding", None)
    if not encoding:
        return False
    import codecs

    try:
        if codecs.lookup(exc.encoding).name == codecs.lookup(encoding).name:
            return True
        if exc.encoding != "charmap":
            return False
        exc.object[exc.start : exc.end].encode(encoding)
    except UnicodeEncodeError:  # the characters standard output's code page cannot show
        return True
    except LookupError:
        return False
    return False


def _cwd_exists() -> bool:
    """Whether the current working folder still exists (``os.getcwd()`` fails otherwise)."""
    try:
        os.getcwd()
    except OSError:
        return False
    return True


def _silence_stdout() -> None:
    _silence(sys.stdout)


def _silence(stream: Any) -> None:
    """Point ``stream``'s descriptor at the null device (its reader has gone)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _one_line(message: str) -> str:
    return one_line(message)


#: Python keyword hints in library messages and the flag that does the same on the command line.
_FLAG_WORDS: tuple[tuple[str, str], ...] = (
    ("pass control= one of them", "pass --control one of them"),
    ("pass control='<label>'", "pass --control LABEL"),
    ("pass control= levels of one factor", "pass --control levels of one factor"),
    (
        "give crop='rice_indica' or crop='rice_japonica'",
        'give --crop rice_indica or --crop rice_japonica (or crop = "rice_indica" in trial.toml)',
    ),
    ("give standard_moisture_pct explicitly", "give --standard-moisture-pct"),
    (": columns= renames ", ": the column mapping renames "),
    ("name that sheet with --sheet, sheet=)", "name that sheet with --sheet)"),
    (  # the option and the trial.toml key, not the Python keywords
        "method='shrink' needs shrink_pct_per_point,",
        "--method shrink needs --shrink-pct-per-point (shrink_pct_per_point in trial.toml),",
    ),
    (  # "None" is the Python API's word; on the command line the option is left out
        "exclude_cv_above must be a CV in % above 0 (e.g. 15.0) or None; got",
        "--exclude-cv-above must be a CV in % above 0 (e.g. 15.0), or left out; got",
    ),
)


def _factors_flag(match: re.Match[str]) -> str:
    """``factors=('a', 'b')`` -> ``--factors a,b``; ``factors=()`` -> ``no --factors``."""
    names = re.findall(r"'([^']*)'", match.group(2))
    return match.group(1) + (f"--factors {','.join(names)}" if names else "no --factors")


def _role_flags(match: re.Match[str]) -> str:
    """``treatment='variety'`` -> ``--treatment 'variety'`` in a network's column error."""
    names = re.sub(r"\b(treatment|block|response|by)=(?=')", r"--\1 ", match.group(1))
    return f"column(s) not found: {names};"


#: Python keyword phrases of library messages (patterns) and their command-line words.
_FLAG_PATTERNS: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"\buse design='(\w+)'"), r"use --design \1"),
    (
        re.compile(r"Pass design='split_plot', 'strip_plot' or 'factorial', or drop factors"),
        "Give --design split_plot, strip_plot or factorial, or leave out --factors",
    ),
    (
        re.compile(
            r"needs factors=\(<([^>]+) column>, <([^>]+) column>\), or factors=\(<[^>]+ column>,\) "
            r"with the treatment column as the ([\w-]+) factor"
        ),
        r"needs --factors with the \1 and \2 columns (comma-separated), or --factors with the \1 "
        r"column alone "
        r"and the treatment column as the \3 factor",
    ),
    # the factors the user gave (a hint naming both spellings, "--factors a,b or
    # factors=('a', 'b')", is left as it is)
    (re.compile(r"(^|got )factors=(\([^)]*\))"), _factors_flag),
    (re.compile(r"column\(s\) not found: ([^;]*);"), _role_flags),
    (  # two headers that would get one name: the CLI's --column, not the Python keyword
        re.compile(r"rename one with columns=, e\.g\. columns=\{('[^']*'): '([^']*)'\}$"),
        lambda m: f"rename one with the column mapping, e.g. --column '{m[1][1:-1]}={m[2]}'",
    ),
)


def _command_line_words(message: str) -> str:
    """Say ``--control`` where a library message says ``control=`` (the CLI has no keywords)."""
    for library, flag in _FLAG_WORDS:
        message = message.replace(library, flag)
    for pattern, words in _FLAG_PATTERNS:
        message = pattern.sub(words, message)
    return message
