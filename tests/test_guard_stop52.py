"""Regression tests of stop 52's guards (guard57): what the fuzzer found silent or noisy.

A plural or misspelled block header (``blocks``, ``bloc``, ``blcok``) was kept as an extra
column, so an RCBD was analysed as a CRD without a word; a Ctrl-C while the program was
still importing its modules ended it by the signal with a ``KeyboardInterrupt`` traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pandas as pd
import pytest

from yieldtrial.cli import _termination_as_interrupt
from yieldtrial.commands import _start
from yieldtrial.datasets import example_path
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.io import read_plots


@pytest.fixture(scope="module")
def rcbd() -> pd.DataFrame:
    """Return the shipped replicated-rcbd plot table (4 blocks B1-B4 of 3 treatments)."""
    return pd.read_csv(example_path("replicated-rcbd"))


@pytest.mark.parametrize("header", ["blocks", "Blocks", "bloc", "blok", "区组编号"])
def test_block_aliases_are_read_as_the_block(rcbd: pd.DataFrame, header: str) -> None:
    # docs/data-format.md lists them; the dataset's own block labels come through
    plots = read_plots(rcbd.rename(columns={"block": header}))
    assert sorted(plots["block"].astype(str).unique()) == ["B1", "B2", "B3", "B4"]


def test_a_typo_of_block_warns(rcbd: pd.DataFrame) -> None:
    # 'blcok': 'block' with two neighbours swapped (one typo), no block column in the table
    with pytest.warns(YieldTrialWarning, match="column 'blcok' .* not read as 'block'"):
        plots = read_plots(rcbd.rename(columns={"block": "blcok"}))
    assert "block" not in plots.columns


@pytest.mark.parametrize("header", ["iblock", "p_block", "sub_block", "black"])
def test_names_holding_block_do_not_warn(rcbd: pd.DataFrame, header: str) -> None:
    # pytest turns warnings into errors (pyproject's filterwarnings): none may be raised
    plots = read_plots(rcbd.rename(columns={"block": header}))
    assert header in plots.columns and "block" not in plots.columns


def test_start_up_interrupt_line_is_in_the_language_asked_for() -> None:
    # the two lines of cli.main's exit 130 ("yieldtrial: interrupted; ...", its zh form)
    assert _start.interrupted_line(["report", "--lang", "zh"], "utf-8").decode() == (
        "yieldtrial: 已中断；没有写出任何输出\n"
    )
    assert _start.interrupted_line(["report", "--lang", "zh"], "ascii") == (
        b"yieldtrial: interrupted; no output was written\n"
    )


def test_command_line_takes_ctrl_c_over_from_the_start_up_handler() -> None:
    previous = signal.signal(signal.SIGINT, _start.interrupted_at_start)
    try:
        with _termination_as_interrupt():
            # cli.main's own handler: a KeyboardInterrupt, whose clean-up removes the outputs
            assert signal.getsignal(signal.SIGINT) is not _start.interrupted_at_start
        assert signal.getsignal(signal.SIGINT) is _start.interrupted_at_start  # restored
    finally:
        signal.signal(signal.SIGINT, previous)


_CHILD = """
import os, signal, sys
import yieldtrial
print("importlib.metadata" in sys.modules, flush=True)  # read lazily: not yet imported
from yieldtrial.commands._start import install
install()
os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C before the command line's modules import
import yieldtrial.cli
print("not stopped", flush=True)
"""


def test_ctrl_c_while_the_program_starts_is_one_line_and_exit_130() -> None:
    # a real process: the signal's handler ends it (before: a traceback, killed by SIGINT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", _CHILD],
        capture_output=True,
        env=env,
        timeout=60,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
        check=False,
    )
    assert result.returncode == 130, result.stderr
    assert result.stdout == b"False\n"
    assert result.stderr == b"yieldtrial: interrupted; no output was written\n"
