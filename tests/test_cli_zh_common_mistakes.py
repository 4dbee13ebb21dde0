"""``--lang zh`` over the common mistakes: no English sentence left in what the CLI prints.

Each case is a mistake users make (a wrong or missing column, moisture as a fraction, a
broken or mistyped trial.toml, a percent setting written as a fraction, each command's
usage errors); the command runs in-process under ``--lang zh`` and every line it prints
to stderr must be Chinese: the Chinese prefix (``错误：``, ``警告：``, ``已写入``), and no
run of three or more English words outside quotes.  Column names, file names, flags and
typed values stay as typed (they are single words or quoted).
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile import HEADER, ROWS, plot_table
from yieldtrial.cli import main

#: Three Latin-letter words in a row, outside quotes: an English sentence (or its piece).
_ENGLISH_RUN = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z-]*(?: [A-Za-z][A-Za-z-]*){2,}")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
#: How a Chinese line starts: an error, a warning, a usage error, a written file.
_CHINESE_START = re.compile(r"^(?:yieldtrial(?: \w+)?: (?:错误|警告)：|已写入 )")


def _table(tmp: Path, name: str, header: str, rows: list[str] | tuple[str, ...]) -> str:
    path = tmp / name
    path.write_text(header + "".join(rows), encoding="utf-8")
    return str(path)


def _toml(tmp: Path, text: str) -> str:
    path = tmp / "trial.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _fractions(tmp: Path) -> str:
    rows = [f"{r.rsplit(',', 1)[0]},0.{r.rsplit(',', 1)[1].replace('.', '')}" for r in ROWS]
    return _table(tmp, "frac.csv", HEADER, rows)  # 12.7 written as 0.127


def _report(tmp: Path, plots: str, *extra: str) -> list[str]:
    return ["report", plots, "--crop", "wheat", "-o", str(tmp / "r.html"), *extra]


CASES: dict[str, Callable[[Path], list[str]]] = {
    "wrong column": lambda tmp: _report(
        tmp, _table(tmp, "w.csv", HEADER.replace("harvested_area_m2", "size"), ROWS)
    ),
    "column mapped from a header not there": lambda tmp: _report(
        tmp, str(plot_table(tmp)), "--column", "abc=moisture_pct"
    ),
    "moisture as fractions": lambda tmp: _report(tmp, _fractions(tmp)),
    "one moisture as a fraction": lambda tmp: _report(
        tmp, _table(tmp, "m.csv", HEADER, [ROWS[0].replace(",12.7", ",0.127"), *ROWS[1:]])
    ),
    "moisture flag as a fraction": lambda tmp: ["standardize", "442", "--moisture", "0.14"],
    "standard as a fraction": lambda tmp: [
        *["standardize", "442", "--moisture", "14", "--standard", "0.13"]
    ],
    "trial.toml not TOML": lambda tmp: [
        *_report(tmp, str(plot_table(tmp)), "--config", _toml(tmp, '[trial\ncrop = "wheat"\n'))
    ],
    "trial.toml text without quotes": lambda tmp: [
        *_report(tmp, str(plot_table(tmp)), "--config", _toml(tmp, "[trial]\ncrop = 小麦\n"))
    ],
    "trial.toml key mistyped": lambda tmp: [
        *_report(tmp, str(plot_table(tmp)), "--config", _toml(tmp, '[trial]\ncorp = "x"\n'))
    ],
    "trial.toml margin as a fraction": lambda tmp: [  # standardize: no report to write
        *["standardize", str(plot_table(tmp)), "-o", str(tmp / "y.csv"), "--config"],
        _toml(tmp, '[trial]\ncrop = "wheat"\n[analysis]\nmargin_pct = 0.05\n'),
    ],
    "control not a treatment": lambda tmp: _report(tmp, str(plot_table(tmp)), "--control", "X"),
    "alpha as a percent": lambda tmp: _report(tmp, str(plot_table(tmp)), "--alpha", "5"),
    "audit without published yields": lambda tmp: [
        *["audit", str(plot_table(tmp)), "--crop", "wheat"]
    ],
    "plan power as a percent": lambda tmp: [
        *["plan", "--cv", "8", "--treatments", "3", "--difference", "5", "--power", "80"]
    ],
    "plan cv as a fraction": lambda tmp: [
        *["plan", "--cv", "0.08", "--treatments", "3", "--difference", "5"]
    ],
    "design one treatment": lambda tmp: ["design", "rcbd", "--treatments", "CK", "--blocks", "2"],
    "network response not there": lambda tmp: [
        *["network", str(plot_table(tmp)), "--response", "yield_x"]
    ],
    # each command's usage errors
    "report usage": lambda tmp: ["report"],
    "standardize usage": lambda tmp: ["standardize"],
    "audit usage": lambda tmp: ["audit"],
    "design usage": lambda tmp: ["design", "rcdb", "--treatments", "CK", "T"],
    "plan usage": lambda tmp: ["plan", "--cv", "8", "--treatments", "3"],
    "network usage": lambda tmp: ["network"],
    "demo usage": lambda tmp: ["demo", "--bogus"],
    "command mistyped": lambda tmp: ["reprot"],
}


def _run_zh(argv: list[str]) -> tuple[int, list[str]]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(["--lang", "zh", *argv])
        except SystemExit as exit_:  # pragma: no cover - main returns its status
            code = int(exit_.code or 0)
    return code, [line for line in err.getvalue().splitlines() if line.strip()]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_common_mistake_reads_as_chinese(case, tmp_path):
    """Every stderr line is Chinese: its prefix, and no English sentence outside quotes."""
    code, lines = _run_zh(CASES[case](tmp_path))
    assert lines, f"{case}: nothing printed (exit {code})"
    for line in lines:
        assert _CHINESE_START.match(line), line
        english = _ENGLISH_RUN.findall(_QUOTED.sub(" ", line))
        assert not english, f"{case}: English left {english} in: {line}"


def test_the_english_run_check_sees_an_english_sentence():
    """The check is not vacuous: the English form of a message fails it."""
    line = "yieldtrial: error: control 'X' is not a treatment of this trial"
    assert _ENGLISH_RUN.findall(_QUOTED.sub(" ", line))
