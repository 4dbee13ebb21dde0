r"""Every code snippet of README.md and docs/ runs (issue 16, item 3).

Each page is run as one session, in a temporary folder, top to bottom:

* ``python`` blocks are executed in one namespace per page; a block with ``>>>`` lines is run
  as a doctest and must print what it shows.
* Shell blocks (no info string, or ``console``/``shell``/``sh``/``bash``) run their
  ``yieldtrial ...`` commands in-process (:func:`yieldtrial.cli.main`), which must exit 0;
  after a ``$ `` command the lines the page shows must be among the lines printed (``...``
  stands for lines left out).  A line ending in ``\`` continues on the next; ``$(python -c
  "CODE")`` is replaced by what CODE prints; the shell's brace range ``G{01..24}`` is
  expanded.  The other commands understood: ``head -N FILE`` and ``python examples/...py
  ARGS`` (the repository's example script, run as ``__main__`` in the page's folder).
* ``text`` and ``toml`` blocks are not run.

Markers (an HTML comment on the line before the fence, invisible on the rendered page):

* ``<!-- file: NAME -->``: the block is the content of the file ``NAME``; it is written into
  the page's folder before any block runs.
* ``<!-- doc-test: skip (reason) -->``: the block is not run (installing packages, the
  optional dask extra, minute-long benchmarks).

The files the pages name without showing them are copied here from the data shipped with
yieldtrial (see :data:`PAGE_FILES`); the pages of
:data:`SELF_CONTAINED` also run in an empty folder, with no file made for them.  The marker
convention is documented in ``docs/index.md``.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import runpy
import shlex
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from doc_files import (
    copy_example,
    expand_braces,
    script_display,
    write_doubled_weight,
)

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "examples").glob("*/README.md")),
]
SHELL = ("", "console", "shell", "sh", "bash")
MARKER = re.compile(r"<!--\s*(file|doc-test):\s*(.*?)\s*-->")
SUBSTITUTION = re.compile(r'\$\(python -c "([^"]*)"\)')


def page_key(page: Path) -> str:
    """``cli.md`` for docs/cli.md, ``README.md``, ``examples/NAME/README.md``."""
    relative = page.relative_to(ROOT).as_posix()
    return relative.removeprefix("docs/")


@dataclass
class Block:
    """One fenced block of a page."""

    line: int
    info: str
    body: str
    file: str | None = None
    skip: str | None = None


def blocks_of(page: Path) -> list[Block]:
    """Return the fenced blocks of a page with the marker on the line before each fence."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    fence: Block | None = None
    body: list[str] = []
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            if fence is None:
                fence, body = Block(number, line[3:].strip(), ""), []
                previous = lines[number - 2] if number > 1 else ""
                marker = MARKER.search(previous)
                if marker and marker.group(1) == "file":
                    fence.file = marker.group(2)
                elif marker:
                    fence.skip = marker.group(2)
            else:
                fence.body = "\n".join(body) + "\n"
                found.append(fence)
                fence = None
        elif fence is not None:
            body.append(line)
    return found


#: Files each page names without showing them, made before the page runs (every page also
#: gets the shipped replicated RCBD as plots.csv and trial.toml unless it writes its own).
#: (The design, mixed-model, network, CLI and planning pages copy their files from the shipped
#: data themselves: see :data:`SELF_CONTAINED`.)
PAGE_FILES: dict[str, tuple[Callable[[Path], None], ...]] = {
    "examples/doubled-weight/README.md": (write_doubled_weight,),
}


# --------------------------------------------------------------------------------- runners


def _run_python(block: Block, namespace: dict[str, object], name: str) -> None:
    if ">>>" in block.body:
        parser = doctest.DocTestParser()
        test = parser.get_doctest(block.body, namespace, f"{name}:{block.line}", name, block.line)
        runner = doctest.DocTestRunner(
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
        )
        output = io.StringIO()
        with script_display():
            runner.run(test, out=output.write, clear_globs=False)
        namespace.update(test.globs)  # DocTest runs in a copy of the namespace
        assert runner.failures == 0, f"{name}:{block.line}\n{output.getvalue()}"
        return
    code = compile(block.body, f"{name}:{block.line}", "exec")
    exec(code, namespace)  # noqa: S102 - the documentation's own code


def _commands(block: Block) -> list[tuple[str, list[str]]]:
    r"""(command, lines shown after it) of a shell block; a trailing ``\`` continues a line."""
    lines = block.body.replace("\\\n", " ").splitlines()
    if any(line.startswith("$ ") for line in lines):
        found: list[tuple[str, list[str]]] = []
        for line in lines:
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found and line.strip() and line.strip() != "...":
                found[-1][1].append(line)
        return found
    return [(line, []) for line in lines if line.strip()]


def _python_c(match: re.Match[str]) -> str:
    """Return what ``python -c CODE`` prints (the page's command substitution), in-process."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(match.group(1), {"__name__": "__main__"})  # noqa: S102 - the page's own code
    return shlex.quote(printed.getvalue().strip())


def _run_shell(
    block: Block,
    folder: Path,
    name: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from yieldtrial.cli import main

    for command, shown in _commands(block):
        where = f"{name}:{block.line}: {command}"
        words = expand_braces(shlex.split(SUBSTITUTION.sub(_python_c, command), comments=True))
        if words[:1] == ["python"]:
            assert words[1].startswith("examples/"), f"{where}: only example scripts run"
            capsys.readouterr()
            with monkeypatch.context() as patch:
                patch.setattr(sys, "argv", [str(ROOT / words[1]), *words[2:]])
                runpy.run_path(str(ROOT / words[1]), run_name="__main__")
            printed = capsys.readouterr().out.splitlines()
        elif words[:1] == ["head"]:
            count = int(words[1].lstrip("-")) if len(words) > 2 else 10
            text = (folder / words[-1]).read_text(encoding="utf-8")
            printed = text.splitlines()[:count]
        else:
            assert words[:1] == ["yieldtrial"], (
                f"{where}: only yieldtrial, head and example scripts run; mark the block "
                "<!-- doc-test: skip (reason) --> if it must not"
            )
            capsys.readouterr()
            code = main(words[1:])
            captured = capsys.readouterr()
            assert code == 0, f"{where}: exit {code}\n{captured.err}"
            printed = captured.out.splitlines()
        stripped = [line.rstrip() for line in printed]
        for line in shown:
            assert line.rstrip() in stripped, f"{where}: no longer prints {line!r}"


@pytest.mark.parametrize("page", PAGES, ids=[page_key(p) for p in PAGES])
def test_page_snippets_run(page, tmp_path, monkeypatch, capsys):
    """Every Python and shell snippet of the page runs and shows what the page says."""
    _run_page(page, tmp_path, monkeypatch, capsys)


#: Pages whose snippets make every file they read (or copy it from the shipped examples), so a
#: reader copying them into an empty folder gets what the page shows.  The README's and the
#: user guide's report commands failed there ("cannot read 'trial.toml'"), as did the design,
#: mixed-model, network and CLI pages ("rice.csv", "alpha.csv", "sites.csv", "plots.csv"): the
#: test above had made the files for them.
SELF_CONTAINED = (
    "README.md",
    "user-guide.md",
    "efficiency.md",
    "getting-started.md",
    "data-checks.md",
    "designs.md",
    "mixed-models.md",
    "networks.md",
    "network-json-schema.md",
    "cli.md",
    "planning.md",
)


@pytest.mark.parametrize("key", SELF_CONTAINED)
def test_page_snippets_run_in_an_empty_folder(key, tmp_path, monkeypatch, capsys):
    """The page's snippets run in an empty folder, as a reader copying them runs them."""
    page = next(p for p in PAGES if page_key(p) == key)
    _run_page(page, tmp_path, monkeypatch, capsys, make_files=False)


def _foreign(caught: warnings.WarningMessage) -> bool:
    """Tell whether a reader's notebook must not show it: a deprecation, an unclosed file.

    The pages' own data warn (``YieldTrialWarning``, as the pages say); a pandas or NumPy
    FutureWarning or DeprecationWarning (pandas 2.0 with NumPy 1.25 warned at every
    ``Series.isin``), or a ResourceWarning from a snippet's unclosed file, fails the page.
    """
    kinds = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ResourceWarning)
    return issubclass(caught.category, kinds)


def _run_page(page, tmp_path, monkeypatch, capsys, *, make_files: bool = True) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    blocks = blocks_of(page)
    if make_files:
        copy_example(tmp_path)
        for make in PAGE_FILES.get(page_key(page), ()):
            make(tmp_path)
    for block in blocks:
        if block.file:
            (tmp_path / block.file).write_text(block.body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__doc_snippets__"}
    ran = 0
    for block in blocks:
        if block.file or block.skip or block.info in ("text", "toml"):
            continue
        with warnings.catch_warnings(record=True) as caught:  # the pages' data warn as they say
            warnings.simplefilter("always")
            if block.info == "python":
                _run_python(block, namespace, page_key(page))
            elif block.info in SHELL:
                _run_shell(block, tmp_path, page_key(page), capsys, monkeypatch)
            else:
                continue
        foreign = [f"{w.category.__name__}: {w.message}" for w in caught if _foreign(w)]
        assert not foreign, f"{page_key(page)}:{block.line}: {foreign}"
        ran += 1
        plt.close("all")
    runnable = [b for b in blocks if b.info in ("python", *SHELL) and not b.file]
    assert ran == len([b for b in runnable if not b.skip])


def test_pages_have_snippets():
    """The collector finds blocks (the marker syntax did not break the parser)."""
    counted = {page_key(page): len(blocks_of(page)) for page in PAGES}
    assert counted["README.md"] >= 3 and counted["designs.md"] >= 5
    assert counted["examples/jinzhong-2024/README.md"] >= 1


def test_skipped_blocks_say_why():
    """Every skip marker says why: an install, dask, a benchmark or a shipped file rewritten."""
    for page in PAGES:
        for block in blocks_of(page):
            if block.skip:
                assert re.search(r"install|dask|benchmark|rewrites the shipped", block.skip), (
                    page_key(page),
                    block.skip,
                )
