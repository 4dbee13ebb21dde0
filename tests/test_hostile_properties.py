"""Properties over generated hostile tables: no traceback, inputs unchanged, no partial output.

Example counts are small so the suite stays fast; each example runs the real command
in-process.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from hostile import run_cli_text  # noqa: E402
from yieldtrial.errors import YieldTrialError, YieldTrialWarning  # noqa: E402
from yieldtrial.io import read_plots  # noqa: E402

HEADERS = [
    "plot_id",
    "block",
    "treatment",
    "harvested_area_m2",
    "fresh_mass_kg",
    "moisture_pct",
    "impurity_pct",
    "小区号",
    "处理",
    "notes",
    "",
    "plot_id",  # a duplicate header now and then
]
VALID = [
    "plot_id",
    "block",
    "treatment",
    "harvested_area_m2",
    "fresh_mass_kg",
    "moisture_pct",
    "impurity_pct",
    "notes",
]
HOSTILE_TEXT = [
    "",
    "NA",
    "-",
    "1",
    "1.0",
    "101",
    "101.0",
    "CK",
    "ＣＫ",
    "C\u200bK",
    "\u0421K",
    "=1+2",
    "-N",
    "@x",
    '"',
    'a"b',
    '"quoted, cell"',
    "a,b",
    "14,9",
    "13%",
    "1e308",
    "-1",
    "inf",
    "nan",
    "TRUE",
    "\x01",
    "\t",
    "对照",
    "x" * 300,
    "12.5",
    "20",
    "0.13",
]
cells = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=8),
)


@st.composite
def tables(draw: st.DrawFn) -> bytes:
    """Draw a small CSV-like file: headers, rows of varying length, one of three encodings."""
    if draw(st.booleans()):  # a valid header, so the checks behind the header are reached
        header = VALID[: draw(st.integers(min_value=5, max_value=len(VALID)))]
        plausible = st.one_of(
            st.sampled_from(["1", "2", "3", "CK", "T", "20", "14.5", "13.2", "0.8", ""]), cells
        )
        row = st.lists(plausible, min_size=len(header), max_size=len(header))
        rows = draw(st.lists(st.one_of(row, row, row, st.lists(cells, max_size=9)), max_size=8))
    else:
        header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8))
        width = len(header)
        rows = draw(
            st.lists(
                st.lists(cells, min_size=max(0, width - 2), max_size=width + 1),
                min_size=0,
                max_size=6,
            )
        )
    separator = draw(st.sampled_from([",", ";", "\t"]))
    lines = [separator.join(header)] + [separator.join(row) for row in rows]
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines) + draw(st.sampled_from(["", "\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # now and then a stray byte from another encoding
        position = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:position] + "对".encode("gbk") + data[position:]
    return data


def _check_run(data: bytes, suffix: str, argv_tail: list[str], out_name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"plots{suffix}"
        source.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        out = Path(folder) / out_name
        code, err = run_cli_text([*argv_tail[:1], str(source), *argv_tail[1:], "-o", str(out)])
        assert "Traceback" not in err
        assert code in (0, 1), err
        assert hashlib.sha256(source.read_bytes()).hexdigest() == digest  # input unchanged
        if code == 1:
            lines = [line for line in err.splitlines() if line.strip()]
            assert len(lines) == 1 and lines[0].startswith("yieldtrial: error:"), lines
            assert not out.exists()  # nothing under the final name after a failure
        names = [p.name for p in Path(folder).iterdir()]
        assert not any(name.endswith(".tmp") for name in names), names


@settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=tables())
def test_standardize_never_tracebacks_or_changes_input(data: bytes) -> None:
    """Standardize on any generated table: exit 0 or 1, one line, input kept, no partial file."""
    _check_run(data, ".csv", ["standardize", "--crop", "wheat"], "out.csv")


@settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", 15)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=tables())
def test_report_never_tracebacks_or_changes_input(data: bytes) -> None:
    """Report on any generated table: exit 0 or 1, one line, input kept, no partial file."""
    _check_run(data, ".csv", ["report", "--crop", "wheat", "--no-figures"], "r.md")


@settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=tables())
def test_read_plots_raises_only_yieldtrial_errors(data: bytes) -> None:
    """The reader returns a table or raises a YieldTrialError: nothing else escapes."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "plots.csv"
        source.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", YieldTrialWarning)
                plots = read_plots(source)
        except YieldTrialError:
            return
        assert len(plots) >= 1
