"""The options every command that reads plot tables shares, and the one way they are read.

``report``, ``standardize``, ``network`` and ``audit`` (file mode) add the same options with
:func:`add_table_options` (``--config``, ``--column``, ``--sheet``, ``--encoding``) and
:func:`add_moisture_options` (``--crop``, ``--protocol``, ``--standard-moisture-pct``,
``--moisture-method``, ``--shrink-pct-per-point``), and turn them into a
:class:`~yieldtrial.config.TrialConfig` with :func:`settings_from_args`: the trial.toml
given by ``--config``, overridden by the flags.  The plot table is then read by
:func:`yieldtrial.report.files.load_trial` (one trial) or
:func:`yieldtrial.io.read_plot_sources` (many files), both on
:func:`yieldtrial.read_plots`.  The flags carry the names of the trial.toml keys and the
Python parameters (``--standard-moisture-pct`` = ``standard_moisture_pct``); the short
historical spellings (``--standard``, ``--method``, ``--shrink-per-point``) stay accepted.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yieldtrial.errors import DataValidationError, YieldTrialError
from yieldtrial.io._guard import held_warnings

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.config import TrialConfig

__all__ = [
    "UsageError",
    "print_usage_error",
    "stdout_is_utf8",
    "write_stdout",
    "check_file_options",
    "check_shrink_flag",
    "add_control_option",
    "add_moisture_options",
    "add_table_options",
    "parse_columns",
    "require_crop",
    "require_control_for_margin",
    "settings_from_args",
    "fill_from_config",
    "table_only_flags",
    "number_option",
    "whole_number_option",
    "ascii_number_problem",
    "option_number_text",
]


#: Warning lines this run printed (``yieldtrial.cli.main`` empties it): each is shown once.
PRINTED_WARNINGS: set[str] = set()


#: A word (a run without spaces) longer than this in a message is shortened.
LONG_WORD = 200
#: A message still longer than this has its long quoted values shortened too.
LONG_MESSAGE = 4000
_LONG_WORD = re.compile(rf"\S{{{LONG_WORD},}}")
#: The punctuation after a long word's closing quote (``'...md':``), kept after its length.
_QUOTE_THEN_PUNCTUATION = re.compile(r"(?<=['\"])[:;,.)]+$")
#: A file extension (and its closing quote) ending a long word: the tail it is shown with.
_EXTENSION_AT_END = re.compile(r"\.[^\W_]{1,5}['\"]?$")
_LONG_QUOTED = re.compile(rf"'([^'\n]{{{LONG_WORD},}})'|\"([^\"\n]{{{LONG_WORD},}})\"")
#: Characters a terminal acts on instead of showing (escape sequences, bell, backspace) and
#: the bidirectional controls that reorder what follows; shown as escapes (``\x1b``) in a
#: line.  A file named with an ANSI escape coloured or cleared the terminal (stop 45).
_TERMINAL_CONTROLS = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _visible(match: re.Match[str]) -> str:
    r"""Return a terminal control character as its escape (``\x1b``, ``\u202e``)."""
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    r"""Return a message on one line, a hostile 200,000-character value in it shortened.

    A run of over 200 characters without a space (a trial.toml value, a label, a unit
    typed or pasted wrongly) is named by its start and its length instead of filling the
    terminal; a message still over 4,000 characters also has each quoted value over 200
    characters shortened (a long title with spaces).  Characters a terminal acts on (an
    ANSI escape in a file name, a bell, a right-to-left override) are shown as escapes
    (``\x1b``).

    Examples
    --------
    >>> one_line("bad  unit 'x'")
    "bad unit 'x'"
    >>> one_line("unit '" + "x" * 300 + "' is unknown")
    "unit 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... xxx' (302 characters) is unknown"
    """
    line = _TERMINAL_CONTROLS.sub(_visible, " ".join(str(text).split()))
    if len(line) <= LONG_WORD:
        return line

    def word(match: re.Match[str]) -> str:
        run = match.group(0)
        # a quoted path's punctuation stays after its length: "'a...md' (306 characters):",
        # not "'a...md': (306 characters)", which no Chinese line read (loose57)
        punctuation = _QUOTE_THEN_PUNCTUATION.search(run)
        end = punctuation.start() if punctuation else len(run)
        run, after = run[:end], run[end:]
        # the tail stands apart from the ellipsis, a file's extension whole: "'yyy... .md'",
        # not "'yyy....md'" (tidy57)
        extension = _EXTENSION_AT_END.search(run[44:])
        tail = extension.group(0) if extension else run[-4:]
        return f"{run[:44]}... {tail} ({len(run):,} characters){after}"

    line = _LONG_WORD.sub(word, line)
    if len(line) <= LONG_MESSAGE:
        return line

    def quoted(match: re.Match[str]) -> str:
        quote = match.group(0)[0]
        inner = match.group(1) if match.group(1) is not None else match.group(2)
        return f"{quote}{inner[:44]}...{quote} ({len(inner):,} characters)"

    return _LONG_QUOTED.sub(quoted, line)


def print_warning(text: str) -> None:
    """Print ``yieldtrial: warning: TEXT`` on one line, once per run.

    Under ``--lang zh`` a catalogued warning is printed in Chinese
    (``yieldtrial: 警告：...``, see :mod:`yieldtrial.commands._zh_messages`).
    """
    from yieldtrial.commands._zh_messages import warning_line
    from yieldtrial.io.progress import print_message

    line = one_line(text)
    if line not in PRINTED_WARNINGS:
        PRINTED_WARNINGS.add(line)
        # over a progress line: erased first; Chinese under --lang zh when catalogued
        print_message(warning_line(line))


class UsageError(YieldTrialError):
    """A command-line usage error (exit status 2), raised before any data is read."""


def print_usage_error(message: str, prog: str) -> int:
    """Print a usage error as argparse does, in Chinese under ``--lang zh``; return 2.

    For the checks a command makes after parsing (``audit``, ``standardize``): one line
    ``PROG: error: MESSAGE`` on stderr, or its Chinese form when the language is Chinese
    and the catalogue holds the message (:func:`yieldtrial.commands._zh_messages.usage_line`,
    without argparse's ``see --help`` hint).

    Parameters
    ----------
    message : str
        What is wrong with the options (one line).
    prog : str
        The program and command (``yieldtrial audit``).

    Returns
    -------
    int
        2, the exit status of a usage error.
    """
    from yieldtrial.commands._zh_messages import usage_line

    chinese = usage_line(message, prog, help_hint=False)
    print(chinese or f"{prog}: error: {message}", file=sys.stderr)
    return 2


class _OneConfig(argparse.Action):
    """Store ``--config``; a second ``--config`` is a usage error (the files are not merged)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if getattr(namespace, self.dest, None) is not None:
            parser.error(
                f"--config given twice ({getattr(namespace, self.dest)!r} and {values!r}); "
                "give one trial.toml (several files are not merged)"
            )
        if values == "":
            parser.error("--config is empty; give the trial description file, e.g. trial.toml")
        setattr(namespace, self.dest, values)


#: The end of the message for a number float() or int() reads but yieldtrial does not.
ASCII_HINT = "write it with ASCII digits, e.g. 13.5"


def ascii_number_problem(text: str) -> str:
    """Return why ``text`` is refused as a number ('' for a plain number or no number at all).

    ``"1_3"`` and Arabic-Indic ``"١٣"`` are numbers to float() but not to yieldtrial: a table
    cell ``1_4.98`` is refused, so the command line refuses them too.  Full-width digits
    (``"１３"``, ``"１２．５"``, typed by Chinese input methods) are read as ASCII in both,
    through :func:`yieldtrial.io.checks.number_text`.
    """
    from yieldtrial.io.checks import number_text, plain_number

    normal = number_text(text)
    if plain_number(normal) is not None:
        return ""
    try:
        float(normal)
    except ValueError:
        return ""  # not a number at all: the caller's own message
    return f"{text!r} is not a plain number; {ASCII_HINT}"


def option_number_text(text: str) -> str:
    """Return a number option's text as it is read (full-width digits as ASCII)."""
    from yieldtrial.io.checks import number_text

    return number_text(text)


#: Largest ``--seed``: NumPy's fresh seeds (SeedSequence entropy) are 128-bit numbers.
MAX_SEED = 2**128 - 1


def shown_number_text(text: str) -> str:
    """Return a number's text as a message shows it: a long integer shortened, else its repr.

    ``shown_count`` needs the integer, which Python refuses to make of more than 4,300
    digits; the digits themselves give the same ``1.000e+5000 (a 5,001-digit integer)``.

    Examples
    --------
    >>> shown_number_text("1" + "0" * 5000), shown_number_text("-" + "9" * 25)
    ('1.000e+5000 (a 5,001-digit integer)', '-9.999e+24 (a 25-digit integer)')
    >>> shown_number_text("1e400")
    "'1e400'"
    """
    match = re.fullmatch(r"\s*([+-]?)0*([0-9]+)\s*", option_number_text(text))
    if match is None or len(match[2]) <= 20:
        return repr(text)
    sign, digits = ("-" if match[1] == "-" else ""), match[2]
    return f"{sign}{digits[0]}.{digits[1:4]}e+{len(digits) - 1} (a {len(digits):,}-digit integer)"


def huge_number_problem(text: str, *, whole: bool, example: str = "") -> str:
    """Return why a number's text is out of range ('' when it is not, or is no number).

    A whole number of more than 4,300 digits (Python's int() refuses it: argparse said
    "invalid int value"), a number float() reads as infinite (``1e400``: the user typed no
    ``inf``) and, unless ``whole`` (the library says what a whole number allows), one of
    over 308 digits are far beyond any value an option takes.  ``example`` ends the message
    (default: ``a whole number such as 4`` when ``whole``, else ``a number such as 13 or
    0.05``).
    """
    import math

    normal = option_number_text(text).strip()
    if re.fullmatch(r"[+-]?[0-9]+", normal):
        try:
            int(normal)
        except ValueError:
            pass  # beyond the int-string limit
        else:
            if whole or math.isfinite(float(normal)):
                return ""
    else:  # 1e400 is no whole number either, but the message says what is wrong with it
        try:
            value = float(normal)
        except ValueError:
            return ""
        if not math.isinf(value) or normal.lstrip("+-").lower() in ("inf", "infinity"):
            return ""
    side = "below" if normal.startswith("-") else "above"
    example = example or ("a whole number such as 4" if whole else "a number such as 13 or 0.05")
    return (
        f"{shown_number_text(text)} is out of range (far {side} any value yieldtrial takes); "
        f"give {example}"
    )


class TypedNumber(float):
    """A number option's value, whose repr is the text typed (``--alpha 5`` echoes ``5``).

    Messages show a refused value by its repr (:func:`yieldtrial.io.checks.shown`), so
    ``--alpha 5`` was echoed as ``5.0`` and ``--cv 1e3`` as ``1000.0`` (stop 49).  Any
    arithmetic on it gives a plain float; the checks return plain floats.
    """

    typed: str

    def __new__(cls, value: float, typed: str) -> TypedNumber:
        """Make the number ``value``, typed as ``typed``."""
        number = super().__new__(cls, value)
        number.typed = typed
        return number

    def __repr__(self) -> str:
        """Return the text typed (full-width digits as ASCII, surrounding spaces dropped)."""
        return self.typed

    def __reduce__(self) -> tuple[type[TypedNumber], tuple[float, str]]:
        """Pickle as the number and its text."""
        return TypedNumber, (float(self), self.typed)


def number_option(text: str) -> float:
    """Argparse type of a numeric option: a plain decimal number (see :data:`PLAIN_NUMBER`).

    Full-width digits are read as ASCII, as in a table cell (``１２．５`` is 12.5); a value
    float() reads otherwise (``1_3``, ``١٣``) is a usage error naming the option and the
    value; ``nan`` and ``inf`` pass to the finite-number check of ``main``.  The value is a
    :class:`TypedNumber`: a message echoes it as typed.
    """
    problem = ascii_number_problem(text) or huge_number_problem(text, whole=False)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    # ValueError: argparse's "invalid float value"; + 0.0 makes -0 a 0 ("at -0 %", "100 - -0")
    normal = option_number_text(text)
    return TypedNumber(float(normal) + 0.0, normal.strip())


number_option.__name__ = "float"  # argparse names the type in "invalid float value"


def whole_number_option(text: str) -> int:
    """Argparse type of a whole-number option: ASCII digits (``"4"``, ``"-1"``; full-width too)."""
    if problem := huge_number_problem(text, whole=True):
        raise argparse.ArgumentTypeError(problem)
    normal = option_number_text(text)
    value = int(normal)  # ValueError: argparse's "invalid int value: 'x'"
    if not re.fullmatch(r"[+-]?[0-9]+", normal):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a plain whole number; write it with ASCII digits, e.g. 4"
        )
    return value


whole_number_option.__name__ = "int"


def seed_option(text: str) -> int:
    """Argparse type of ``--seed``: a whole number, at most :data:`MAX_SEED` (39 digits).

    A seed of 10**400 reached NumPy (which takes any size) and was printed whole on the
    field book's line; no fresh seed has more than 39 digits.
    """
    value = whole_number_option(text)
    if value > MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"{shown_number_text(text)} is out of range (a seed is at most 2**128 - 1); "
            "give a whole number such as 4"
        )
    return value


seed_option.__name__ = "int"


def add_table_options(parser: argparse.ArgumentParser, *, config: bool = True) -> None:
    """Add ``--config``, ``--column``, ``--sheet`` and ``--encoding``."""
    if config:
        parser.add_argument(
            "--config",
            action=_OneConfig,
            metavar="TOML",
            help="trial description (trial.toml): crop, control, moisture settings, [columns]; "
            "flags override it",
        )
    parser.add_argument(
        "--column",
        action="append",
        metavar="HEADER=NAME",
        help="map a header of the file to a canonical column, e.g. "
        "--column 'Netto kg=fresh_mass_kg' (repeatable; see docs/data-format.md)",
    )
    parser.add_argument(
        "--sheet", help="worksheet name of an .xlsx file (default: the first one not hidden)"
    )
    parser.add_argument("--encoding", help="encoding of a CSV file (default: UTF-8, then GB18030)")


def add_moisture_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--crop``, ``--protocol`` and the moisture settings (trial.toml key names)."""
    parser.add_argument(
        "--crop", help="crop (wheat, maize, rice, 小麦, ...); sets the standard moisture"
    )
    parser.add_argument(
        "--protocol", help="moisture protocol: cn-yield-test (default), usda or dry-matter"
    )
    parser.add_argument(
        "--standard-moisture-pct",
        "--standard",
        dest="standard",
        type=number_option,
        metavar="PCT",
        help="standard moisture [%%]; default: the protocol's value for --crop",
    )
    parser.add_argument(
        "--moisture-method",
        "--method",
        dest="method",
        metavar="METHOD",
        help="moisture method: dry_matter (default, the standard), percentage_point or shrink "
        "(needs --shrink-pct-per-point)",
    )
    parser.add_argument(
        "--shrink-pct-per-point",
        "--shrink-per-point",
        dest="shrink_per_point",
        type=number_option,
        metavar="PCT",
        help="constant shrink per moisture point above standard, for the shrink method [%%]",
    )


def add_control_option(parser: argparse.ArgumentParser, *, repeat: bool = True) -> None:
    """Add ``--control`` (repeatable, or a comma list)."""
    parser.add_argument(
        "--control",
        action="append" if repeat else "store",
        metavar="LABEL",
        help="control treatment; repeat or give a comma list (CK1,CK2)"
        if repeat
        else "control (check) treatment label",
    )


def parse_columns(items: Sequence[str] | None) -> dict[str, str]:
    """Parse ``--column HEADER=NAME`` items.

    Raises
    ------
    UsageError
        An item without ``=`` or with an empty side; a header mapped to two names.
    """
    columns: dict[str, str] = {}
    for item in items or []:
        header, sep, name = item.rpartition("=")
        if not sep or not header.strip() or not name.strip():
            raise UsageError(
                f"--column needs HEADER=NAME (e.g. 'Netto kg=fresh_mass_kg'); got {item!r}"
            )
        header, name = header.strip(), name.strip()
        if header in columns and columns[header] != name:  # the last would win silently
            raise UsageError(
                f"--column maps the header {header!r} twice ({header}={columns[header]} and "
                f"{header}={name}); a column has one name: give one --column for it"
            )
        columns[header] = name
    return columns


def check_shrink_flag(shrink_flag: float | None, method: str | None) -> None:
    """Refuse ``--shrink-pct-per-point`` with a moisture method that does not use it.

    The shrink per point only enters the ``shrink`` method; given with another method it
    would be ignored and the yields standardized some other way than the user asked.

    Parameters
    ----------
    shrink_flag : float or None
        The value of the flag (``None``: not given on the command line).
    method : str or None
        The moisture method in effect (flag, else trial.toml; ``None``: the default,
        ``dry_matter``).

    Raises
    ------
    UsageError
        The flag was given and the method is not ``shrink``.
    """
    if shrink_flag is None or str(method or "dry_matter").lower() == "shrink":
        return
    from yieldtrial.io.checks import message_number

    raise UsageError(
        f"--shrink-pct-per-point {message_number(shrink_flag)} applies to the shrink method "
        f"only, but the moisture method is {method or 'dry_matter'}; add --moisture-method "
        'shrink (or moisture_method = "shrink" in trial.toml), or leave --shrink-pct-per-point out'
    )


def settings_from_args(
    args: argparse.Namespace, *, shrink_any_method: bool = False, **overrides: Any
) -> TrialConfig:
    """Build the trial description of a command: ``--config`` overridden by the flags given.

    Parameters
    ----------
    args : Namespace
        Parsed arguments; the options of :func:`add_table_options` and
        :func:`add_moisture_options` (and ``--control``, ``--unit``) are used when present.
    shrink_any_method : bool
        Accept ``--shrink-pct-per-point`` whatever the moisture method (``audit``, whose
        table has a row per method); otherwise it needs the ``shrink`` method
        (:func:`check_shrink_flag`).
    **overrides
        Further :class:`~yieldtrial.config.TrialConfig` fields set by the command
        (``None`` keeps the file's value).

    Returns
    -------
    TrialConfig
        The description; ``columns`` holds the file's ``[columns]`` and the ``--column``
        maps (the flags win).

    Raises
    ------
    UsageError
        A ``--column`` item without ``=``; ``--shrink-pct-per-point`` with another method
        than ``shrink`` (unless ``shrink_any_method``).
    """
    import warnings

    from yieldtrial.errors import YieldTrialWarning

    with held_warnings(record=True) as caught:
        warnings.simplefilter("always", YieldTrialWarning)
        config = _settings(args, overrides)
    if not shrink_any_method:
        check_shrink_flag(getattr(args, "shrink_per_point", None), config.moisture_method)
    shown: list[str] = []
    for item in caught:
        if not issubclass(item.category, YieldTrialWarning):  # pragma: no cover - not ours
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
            continue
        flag = getattr(args, "option_spellings", {}).get("margin", "--margin-pct")
        message = _margin_flag_words(" ".join(str(item.message).split()), overrides, flag)
        if message not in shown:  # the file's value and the final settings warn alike
            shown.append(message)
            print_warning(message)
    return config


def _margin_flag_words(message: str, overrides: dict[str, Any], flag: str = "--margin-pct") -> str:
    """Word the fractional-margin warning as the flag when the value came from the flag.

    ``--margin 0.05`` warned "margin_pct = 0.05 is read as 0.05 %; ... write margin_pct = 5",
    the trial.toml wording; it now says "--margin 0.05 ... give --margin 5" (``flag``: the
    spelling typed).
    """
    value = overrides.get("margin_pct")
    if value is None or not 0 < float(value) < 1:
        return message
    from yieldtrial.io.checks import message_number

    typed, percent = message_number(value), message_number(value, scale=100)
    given = f"margin_pct = {typed} is read as "
    if not message.startswith(given):
        return message
    meant = f"write margin_pct = {percent} "
    return message.replace(given, f"{flag} {typed} is read as ", 1).replace(
        meant, f"give {flag} {percent} ", 1
    )


def _settings(args: argparse.Namespace, overrides: dict[str, Any]) -> TrialConfig:
    from yieldtrial.config import load_config

    config = load_config(getattr(args, "config", None))
    columns = parse_columns(getattr(args, "column", None))
    flags = {
        "crop": getattr(args, "crop", None),
        "protocol": getattr(args, "protocol", None),
        "standard_moisture_pct": getattr(args, "standard", None),
        "moisture_method": getattr(args, "method", None),
        "shrink_pct_per_point": getattr(args, "shrink_per_point", None),
        "control": getattr(args, "control", None),
        "unit": getattr(args, "unit", None),
        "columns": {**config.columns, **columns} if columns else None,
    }
    try:
        return config.override("the command line", **{**flags, **overrides})
    except DataValidationError as exc:
        worded = _flag_setting_words(str(exc), args)
        if worded == str(exc):
            raise
        raise DataValidationError(worded) from None


#: Flags named in a refused setting: the trial.toml setting each overrides, its ``dest``
#: and its first spelling (named when the typed one is not known).  ``--alpha 5`` and
#: ``--design rbcd`` said "alpha = 5.0", "design = 'rbcd'" (stop 45): the flag now.
_SETTING_FLAGS: dict[str, tuple[str, str]] = {
    "standard_moisture_pct": ("standard", "--standard-moisture-pct"),
    "shrink_pct_per_point": ("shrink_per_point", "--shrink-pct-per-point"),
    "margin_pct": ("margin", "--margin-pct"),
    "alpha": ("alpha", "--alpha"),
    "design": ("design", "--design"),
}


def _flag_setting_words(message: str, args: argparse.Namespace) -> str:
    """Name the flag as typed in a refused setting given on the command line.

    ``--margin 200`` said "the command line: margin_pct = 200.0; margin_pct must be in
    [0, 100)", the trial.toml key; it now says "--margin = 200.0; --margin must be ...".
    """
    match = re.match(r"the command line: (\w+) = ", message)
    if match is None or match.group(1) not in _SETTING_FLAGS:
        return message
    key = match.group(1)
    dest, first = _SETTING_FLAGS[key]
    if getattr(args, dest, None) is None:  # network's --margin-pct is stored as margin_pct
        dest = key
    if getattr(args, dest, None) is None:  # not given as a flag
        return message
    flag = getattr(args, "option_spellings", {}).get(dest, first)
    return re.sub(rf"(?<![\w-]){key}(?= = |; | must )", flag, message)


def flag_warning_words(message: str, args: argparse.Namespace) -> str:
    """Name the flag typed in the implausible-standard warning of a command-line value.

    ``--standard 95`` warned "standard_moisture_pct = 95 % is above any moisture
    standard", the trial.toml key; it now names ``--standard`` (or the spelling typed).
    A standard read from trial.toml keeps the key.
    """
    typed = getattr(args, "standard_typed", getattr(args, "standard", None) is not None)
    if not typed or not message.startswith("standard_moisture_pct = "):
        return message
    flag = getattr(args, "option_spellings", {}).get("standard", "--standard")
    return flag + message[len("standard_moisture_pct") :]


#: Moisture flags (``args`` attribute) and the trial.toml setting each one overrides.
MOISTURE_FLAGS: tuple[tuple[str, str], ...] = (
    ("crop", "crop"),
    ("protocol", "protocol"),
    ("standard", "standard_moisture_pct"),
    ("method", "moisture_method"),
    ("shrink_per_point", "shrink_pct_per_point"),
)


def fill_from_config(args: argparse.Namespace) -> None:
    """Set the moisture flags not given from ``--config`` (a single MASS reads the file too).

    The flags given keep their values (flags override the file); ``args`` is changed in
    place.
    """
    if getattr(args, "config", None) is None:
        return
    from yieldtrial.config import load_config

    config = load_config(args.config)
    for attr, setting in MOISTURE_FLAGS:
        if hasattr(args, attr) and getattr(args, attr) is None:
            setattr(args, attr, getattr(config, setting))


def table_only_flags(args: argparse.Namespace, flags: Sequence[tuple[str, str]]) -> str:
    """Name the plot-table options given with a single MASS ('' when none was given).

    ``flags`` holds (``args`` attribute, flag) pairs; an attribute that is not ``None``
    (or, for ``format``, not the default ``csv``) was given.
    """
    given = [
        flag
        for attr, flag in flags
        if getattr(args, attr, None) is not None
        and not (attr == "format" and getattr(args, attr) == "csv")
    ]
    if not given:
        return ""
    verb, pronoun = ("applies", "it") if len(given) == 1 else ("apply", "them")
    return f"{', '.join(given)} {verb} to a plot table only; leave {pronoun} out for a single MASS"


def check_file_options(
    sheet: str | None, encoding: str | None, files: Sequence[str | os.PathLike[str]]
) -> None:
    """Refuse ``--sheet`` when no input is a workbook, ``--encoding`` when every one is.

    A CSV file has no worksheets and a workbook's text is Unicode: either option would
    be ignored, and a user who typed ``--sheet 2024`` would get the CSV's table without
    being told.

    Parameters
    ----------
    sheet : str or None
        The value of ``--sheet`` (``None``: not given).
    encoding : str or None
        The value of ``--encoding`` (``None``: not given).
    files : sequence of path
        The plot tables read (a folder given on the command line already expanded).

    Raises
    ------
    UsageError
        The option cannot apply to any of the files.
    """
    names = [Path(file) for file in files]
    if not names:
        return
    from yieldtrial.io.table_files import is_workbook

    books = [name for name in names if is_workbook(name)]
    shown = repr(names[0].name) + ("" if len(names) == 1 else f" and {len(names) - 1} more")
    if sheet is not None and not books:
        kind = "a CSV file" if len(names) == 1 else "CSV files"
        raise UsageError(
            f"--sheet {sheet!r} applies to an .xlsx workbook, but {shown} "
            f"{'is' if len(names) == 1 else 'are'} {kind} (no worksheets); leave --sheet out"
        )
    if encoding is not None and len(books) == len(names):
        kind = "an .xlsx workbook" if len(names) == 1 else ".xlsx workbooks"
        raise UsageError(
            f"--encoding {encoding!r} applies to CSV files, but {shown} "
            f"{'is' if len(names) == 1 else 'are'} {kind} ({'its' if len(names) == 1 else 'their'} "
            "text is Unicode); leave --encoding out"
        )


def require_crop(config: TrialConfig) -> None:
    """Refuse a description without a crop, in command-line words.

    Raises
    ------
    DataValidationError
        No crop in ``--crop`` or trial.toml.
    """
    if not config.crop:
        from yieldtrial.errors import DataValidationError

        raise DataValidationError(
            'the crop is not known: give --crop (e.g. --crop wheat) or crop = "wheat" in the '
            "[trial] table of trial.toml (--config); it sets the standard moisture."
        )


#: Characters handed to standard output at a time by :func:`write_stdout`.
_STDOUT_PIECE = 1 << 15


def write_stdout(text: str) -> None:
    """Write a command's result to standard output in pieces, then flush it.

    One ``sys.stdout.write`` of a text larger than a pipe holds (a field book of 10,000
    plots) reported success when the reader had gone (``yieldtrial design ... | head
    -c1``): the buffered writer kept the short first write and dropped the broken pipe of
    the rest, so the command exited 0 with its output cut.  In pieces, the broken pipe is
    raised here, and :func:`yieldtrial.cli.main` exits 1 as for every other command.

    Parameters
    ----------
    text : str
        The whole result.
    """
    if not stdout_is_utf8():  # all or nothing: a label it cannot show fails before a byte
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
        text.encode(encoding, getattr(sys.stdout, "errors", None) or "strict")
    for start in range(0, len(text), _STDOUT_PIECE):
        sys.stdout.write(text[start : start + _STDOUT_PIECE])
    sys.stdout.flush()


def stdout_is_utf8() -> bool:
    """Whether standard output encodes UTF-8 (any text can be written to it piece by piece).

    Under ``PYTHONIOENCODING=ascii`` (or a legacy locale) a Chinese label far down a
    table failed after the rows above it were printed; such a result is checked whole
    first (:func:`write_stdout`).
    """
    import codecs

    encoding = getattr(sys.stdout, "encoding", None)
    if not encoding:
        return True
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False


def require_control_for_margin(config: TrialConfig) -> None:
    """Refuse a margin without a control, naming ``--control`` (the library says ``control=``).

    The command's controls are the description's (``--control`` or trial.toml), so the
    library's check (:func:`~yieldtrial.io.checks.margin_without_control`) is made here
    first, in the flag's words.

    Raises
    ------
    DataValidationError
        ``--margin-pct`` or trial.toml ``margin_pct`` given, and no control.
    """
    if config.margin_pct is not None and not config.control:
        from yieldtrial.io.checks import CONTROL_FLAG, margin_without_control

        raise margin_without_control(config.margin_pct, give=CONTROL_FLAG)
