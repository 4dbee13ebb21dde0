"""The user-facing messages of ``src/yieldtrial`` and whether ``--lang zh`` has them.

Shared by ``test_zh_catalogue_coverage.py`` (and the script that rewrites its list of
known gaps).  A *message site* is a ``raise <yieldtrial error>("...")`` or a
``warnings.warn("...")`` / ``warn_at_caller("...")`` / ``print_warning("...")`` call whose
text is a string literal or f-string in the source.  Its *key* is the longest literal run
of the text (the words between two formatted values), cut to :data:`KEY_WORDS` words; a
site is *catalogued* when its key appears, word for word, in the English pattern of a
template of :mod:`yieldtrial.commands._zh_messages` (``TEMPLATES`` or
``USAGE_TEMPLATES``), the catalogue ``--lang zh`` prints from, or in one of the literal runs a
template says it covers behind its groups (``Template.covers``).

This is a source check, fast and complete over literal messages; it does not prove the
template's regular expression matches every form of the message (``test_cli_errors_zh.py``
triggers the templates for real).  Messages assembled from pieces in helpers (a ``fix=``
argument, a listing joined elsewhere) have no literal key of :data:`MIN_KEY_WORDS` words
and are not checked here.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "yieldtrial"

#: The known gaps: messages with no Chinese line yet, one ``path | key`` a line.  Shrink it:
#: a new message must never be added here to make the test pass (add its template).
KNOWN_GAPS = Path(__file__).resolve().parent / "data" / "zh_untranslated_messages.txt"

#: The yieldtrial errors the command line prints as one line (errors.py, commands/_input.py).
ERRORS = frozenset(
    {
        "YieldTrialError",
        "DataValidationError",
        "FileAccessError",
        "WrongTypeError",
        "UnknownNameError",
        "MissingExtraError",
        "UsageError",
    }
)
#: The calls that warn (the CLI prints each warning as one ``yieldtrial: warning:`` line).
WARN_CALLS = frozenset({"warn", "warn_at_caller", "print_warning", "_warn"})
#: Words of a key: enough to be unique, few enough to fall inside one literal run.
KEY_WORDS = 6
#: A literal run of fewer words is glue (``f"{where}: {text}"``), not a message.
MIN_KEY_WORDS = 3
#: Modules whose messages the CLI never prints: the Chinese catalogues themselves.
SKIPPED = ("commands/_zh_messages.py", "report/i18n.py", "report/_network_zh.py")


@dataclass(frozen=True)
class Site:
    """One message in the source: where it is and its key."""

    path: str
    line: int
    kind: str
    key: str

    @property
    def entry(self) -> str:
        """The site as a line of :data:`KNOWN_GAPS` (no line number: edits move lines)."""
        return f"{self.path} | {self.key}"


def _pieces(node: ast.expr) -> list[str] | None:
    """Return the literal runs of a message expression (None: not a literal message)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        runs, current = [], ""
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                current += value.value
            else:
                runs.append(current)
                current = ""
        return [*runs, current]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pieces(node.left), _pieces(node.right)
        if left is None and right is None:
            return None
        return [*(left or [""]), *(right or [""])]
    return None


def _words(text: str) -> list[str]:
    return " ".join(text.split()).split(" ") if text.strip() else []


def message_key(pieces: list[str]) -> str | None:
    """Return the key of a message: its longest literal run, cut to :data:`KEY_WORDS` words."""
    longest = max(pieces, key=lambda piece: len(_words(piece)))
    words = _words(longest)
    if len(words) < MIN_KEY_WORDS:
        return None
    return " ".join(words[:KEY_WORDS])


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


@functools.cache
def message_sites() -> tuple[Site, ...]:
    """Every literal error or warning message of ``src/yieldtrial`` (read once a session)."""
    sites = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if relative in SKIPPED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            kind, message = None, None
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                if _called(node.exc) in ERRORS and node.exc.args:
                    kind, message = "error", node.exc.args[0]
            elif isinstance(node, ast.Call) and _called(node) in WARN_CALLS and node.args:
                kind, message = "warning", node.args[0]
            if kind is None or message is None:
                continue
            pieces = _pieces(message)
            key = None if pieces is None else message_key(pieces)
            if key is not None:
                sites.append(Site(relative, node.lineno, kind, key))
    return tuple(sites)


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def plain_words(text: str) -> str:
    r"""Return the Latin-letter words of ``text``, one space apart (no punctuation, numbers).

    Both a message key and a template's pattern are compared in this form, so a regular
    expression's escapes and classes (``\(``, ``[\d.]+``) do not hide a phrase.
    """
    return " ".join(_WORD.findall(re.sub(r"\\[a-zA-Z]", " ", text)))


def _pattern_text(pattern: str) -> str:
    """Return a template's pattern as plain words (its groups' names left out)."""
    return plain_words(re.sub(r"\(\?P(?:<\w+>|=\w+\))|\(\?:", " ", pattern))


@functools.cache
def catalogue_text() -> tuple[str, ...]:
    """Return the English patterns of the ``--lang zh`` catalogue, as plain words."""
    from yieldtrial.commands._zh_messages import TEMPLATES, USAGE_TEMPLATES

    templates = (*TEMPLATES, *USAGE_TEMPLATES)
    covered = (plain_words(cover) for t in templates for cover in t.covers)
    return (*(_pattern_text(t.pattern) for t in templates), *covered)


def is_catalogued(site: Site, patterns: tuple[str, ...]) -> bool:
    """Whether the site's key (as plain words) appears in a template's pattern."""
    key = plain_words(site.key)
    return bool(key) and any(key in pattern for pattern in patterns)


def known_gaps() -> set[str]:
    """Return the entries of :data:`KNOWN_GAPS` (comments and blank lines left out)."""
    lines = KNOWN_GAPS.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def write_known_gaps(*, prune_only: bool = True) -> None:  # pragma: no cover - by hand
    """Rewrite :data:`KNOWN_GAPS` from the source.

    ``python tests/zh_catalogue.py`` removes the lines whose message now has its Chinese
    line (or is gone); it never adds one.  ``--all`` lists every gap afresh (how the file
    was made, stop 48).
    """
    patterns = catalogue_text()
    gaps = {s.entry for s in message_sites() if not is_catalogued(s, patterns)}
    if prune_only:
        gaps &= known_gaps()
    header = (
        "# Messages of src/yieldtrial with no Chinese line the source check can see\n"
        "# (tests/zh_catalogue.py): one 'path | key' a line, the key being the longest literal\n"
        "# run of the message.  Only ever remove lines (python tests/zh_catalogue.py does):\n"
        "# a new message gets its template in src/yieldtrial/commands/_zh_messages.py.\n"
    )
    lines = "".join(f"{entry}\n" for entry in sorted(gaps))
    KNOWN_GAPS.write_text(header + lines, encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    import sys

    write_known_gaps(prune_only="--all" not in sys.argv[1:])
