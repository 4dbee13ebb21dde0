"""A stop that arrives inside a ``__del__`` or weakref callback (``yieldtrial.io.stops``).

Found at stop 42: a SIGTERM that reached the demo while the garbage collector ran a
weakref callback printed ``Exception ignored in ...`` with a traceback, and the demo went
on, wrote every file and exited 0 (about one run in twelve sent the signal in the last
second of the demo).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hostile import run_cli
from yieldtrial.commands import standardize
from yieldtrial.io.output import output_group, write_output
from yieldtrial.io.stops import keeping_stops, raise_kept_stop


class _StoppedInDel:
    """An object whose finaliser is where the stop arrives (as in a gc weakref callback)."""

    def __del__(self) -> None:
        raise KeyboardInterrupt


def _stop_where_it_cannot_be_raised() -> None:
    finalised = _StoppedInDel()
    del finalised  # Python cannot pass the KeyboardInterrupt on from here


def test_a_stop_in_a_finaliser_is_kept_silently(capsys: pytest.CaptureFixture[str]) -> None:
    with keeping_stops():
        _stop_where_it_cannot_be_raised()
        with pytest.raises(KeyboardInterrupt):
            raise_kept_stop()
    assert capsys.readouterr().err == ""


def test_a_kept_stop_is_raised_once() -> None:
    with keeping_stops():
        _stop_where_it_cannot_be_raised()
        with pytest.raises(KeyboardInterrupt):
            raise_kept_stop()
        raise_kept_stop()  # nothing left


def test_other_unraisable_errors_reach_the_previous_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_value))

    class Failing:
        def __del__(self) -> None:
            raise ValueError("not a stop")

    with keeping_stops():
        failing = Failing()
        del failing
        raise_kept_stop()  # a ValueError is not kept
    assert [type(e) for e in seen] == [ValueError]


def test_the_hook_is_restored_and_the_stop_forgotten_after_the_block() -> None:
    before = sys.unraisablehook
    with keeping_stops():
        _stop_where_it_cannot_be_raised()
    assert sys.unraisablehook is before
    raise_kept_stop()  # forgotten with the block: nothing raised


def test_an_output_group_removes_its_files_after_a_kept_stop(tmp_path: Path) -> None:
    with keeping_stops(), pytest.raises(KeyboardInterrupt), output_group():
        write_output(tmp_path / "out" / "a.txt", "first\n")
        _stop_where_it_cannot_be_raised()
    assert list(tmp_path.iterdir()) == []  # the file, the manifest and the folder removed


def test_an_output_is_not_put_in_place_after_a_kept_stop(tmp_path: Path) -> None:
    with keeping_stops():
        _stop_where_it_cannot_be_raised()
        with pytest.raises(KeyboardInterrupt):
            write_output(tmp_path / "a.txt", "text\n")
    assert list(tmp_path.iterdir()) == []  # neither the file nor its temporary file


def test_cli_run_with_a_swallowed_stop_exits_130_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = standardize._run

    def stopped_in_a_finaliser(args):  # the stop arrives in gc, then the run goes on
        _stop_where_it_cannot_be_raised()
        return run(args)

    monkeypatch.setattr(standardize, "_run", stopped_in_a_finaliser)
    out = tmp_path / "y.csv"
    argv = ["standardize", "442", "--moisture", "5", "--standard", "13", "-o", str(out)]
    assert run_cli(argv, capsys) == (130, ["yieldtrial: interrupted; no output was written"])
    assert list(tmp_path.iterdir()) == []
