"""Helpers shared by the hostile-input and output-fault tests (``test_*_hostile*.py``).

Every hostile case is checked the same way: the exit status, exactly one line on
stderr (``yieldtrial: error: ...``), no traceback, the input files unchanged and no
output file under its final name.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from yieldtrial.cli import main

#: A small valid plot table (two treatments, two blocks).
HEADER = "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
ROWS = (
    "101,1,CK,20,14.98,12.7\n",
    "102,1,T,20,13.77,13.7\n",
    "201,2,CK,20,14.97,13.4\n",
    "202,2,T,20,13.89,13.8\n",
)


def plot_table(folder: Path, name: str = "plots.csv", *, rows: Sequence[str] = ROWS) -> Path:
    """Write the small plot table (UTF-8) and return its path."""
    path = folder / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def standardize_argv(
    path: Path, folder: Path, *, crop: str = "wheat", out: str = "out.csv"
) -> list[str]:
    """``yieldtrial standardize`` of ``path`` for ``crop``, written to ``folder / out``."""
    return ["standardize", str(path), "--crop", crop, "-o", str(folder / out)]


def digests(paths: Iterable[Path]) -> dict[Path, str]:
    """SHA-256 of each existing file (to prove inputs stay unchanged)."""
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def run_cli(
    argv: Sequence[str],
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, list[str]]:
    """Run the CLI in-process; return the exit status and the stderr lines."""
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.strip()]


def run_cli_text(argv: Sequence[str]) -> tuple[int, str]:
    """Run the CLI in-process without ``capsys``; return the exit status and the stderr text.

    For tests that cannot take the fixture (hypothesis) or that run the CLI in a loop;
    the standard output is dropped.
    """
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue()


def assert_one_line_error(
    argv: Sequence[str],
    capsys: pytest.CaptureFixture[str],
    *,
    code: int = 1,
    match: str = "",
    untouched: Iterable[Path] = (),
    absent: Iterable[Path] = (),
) -> str:
    """Run ``argv``; assert the exit status, one error line, unchanged and absent files."""
    kept = list(untouched)
    before = digests(kept)
    status, lines = run_cli(argv, capsys)
    assert status == code, lines
    assert len(lines) == 1, lines
    prefix = "yieldtrial: error:" if code == 1 else "yieldtrial"
    assert lines[0].startswith(prefix), lines
    assert "Traceback" not in lines[0]
    if match:
        import re

        assert re.search(match, lines[0]), lines[0]
    assert digests(kept) == before
    for path in absent:
        assert not path.exists(), path
    return lines[0]
