"""The ``yieldtrial`` command line: a thin argparse layer over the library.

Each subcommand lives in :mod:`yieldtrial.commands` as a module with a
``register(subparsers)`` function that adds its parser and sets ``handler``.
Handlers parse, call the library and write output; they hold no formulas.

Exit status: 0 success, 1 bad data (one line on stderr, no traceback), 2 usage
error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from yieldtrial.commands._input import UsageError
from yieldtrial.errors import YieldTrialError

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
    parser = argparse.ArgumentParser(
        prog="yieldtrial",
        description="Crop yield tests and field trials: standardize plot yields to a standard "
        "moisture, compare treatments with design-aware statistics, write yield-test reports.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in commands:
        try:
            module = importlib.import_module(f"yieldtrial.commands.{name}")
        except ModuleNotFoundError as exc:  # a command not built yet
            if exc.name == f"yieldtrial.commands.{name}":
                continue
            raise
        module.register(subparsers)
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
        0 on success, 1 on bad input data, 2 on a usage error.
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    # a known subcommand first: build only its parser (fast start for light commands)
    selected: Sequence[str] = COMMANDS
    if arguments and arguments[0] in COMMANDS:
        selected = arguments[:1]
    elif arguments[:1] == ["--version"]:
        selected = ()
    parser = build_parser(selected)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    if getattr(args, "handler", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args) or 0)
    except UsageError as exc:
        print(f"yieldtrial {args.command}: error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except YieldTrialError as exc:
        print(f"yieldtrial: error: {_command_line_words(_one_line(str(exc)))}", file=sys.stderr)
        return 1
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(
            f"yieldtrial: error: cannot read or write {exc.filename!r}: {exc.strerror}",
            file=sys.stderr,
        )
        return 1


def _one_line(message: str) -> str:
    return " ".join(message.split())


#: Python keyword hints in library messages and the flag that does the same on the command line.
_FLAG_WORDS: tuple[tuple[str, str], ...] = (
    ("pass control= one of them", "pass --control one of them"),
    ("pass control='<label>'", "pass --control LABEL"),
)


def _command_line_words(message: str) -> str:
    """Say ``--control`` where a library message says ``control=`` (the CLI has no keywords)."""
    for library, flag in _FLAG_WORDS:
        message = message.replace(library, flag)
    return message
