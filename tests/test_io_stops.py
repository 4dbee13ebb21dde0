"""A stop that arrives inside a ``__del__`` or weakref callback (``yieldtrial.io.stops``).

Found at stop 42: a SIGTERM that reached the demo while the garbage collector ran a
weakref callback printed ``Exception ignored in ...`` with a traceback, and the demo went
on, wrote every file and exited 0 (about one run in twelve sent the signal in the last
second of the demo).

Found by CI at stop 43: a SIGTERM raised inside matplotlib while the demo drew a figure;
a ``finally`` block in matplotlib then failed on the half-drawn figure ("Invalid bounding
box") and its ``ValueError`` took the stop's place, so the demo exited 3 as a bug.

Found under load at stop 43 (1 of 30 demos sent SIGTERM at a random moment): the stop
landed while NumPy's linear-algebra extension was imported; its C code printed the stop
and raised ``ImportError: numpy._core.multiarray failed to import`` with no chain back,
so the demo exited 3 as a bug.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from hostile import run_cli
from yieldtrial import cli
from yieldtrial.commands import demo, standardize
from yieldtrial.io.output import output_group, write_output
from yieldtrial.io.stops import keeping_stops, raise_kept_stop, stop_behind, stop_requested


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


class _HalfBuilt:
    """An object whose constructor a stop interrupted: its finaliser fails (``ZipFile``)."""

    def __del__(self) -> None:
        raise AttributeError("'ZipFile' object has no attribute '_writing'")


def test_unraisable_errors_after_a_stop_are_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    # stress run at stop 43: a SIGTERM inside ZipFile() left its __del__ to print a traceback
    # under the run's one "stopped" line
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_value))
    with keeping_stops():
        with pytest.raises(KeyboardInterrupt):
            raise stop_requested(KeyboardInterrupt())
        half_built = _HalfBuilt()
        del half_built
    assert seen == []


def test_unraisable_errors_after_a_stop_reached_the_command_line_are_not_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_value))
    with keeping_stops():
        assert stop_behind(KeyboardInterrupt()) is not None  # the stop reached main
        half_built = _HalfBuilt()
        del half_built
    assert seen == []


def test_a_final_block_keeps_a_silent_hook_after_a_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)  # restored after the test
    before = sys.unraisablehook
    with keeping_stops(final=True):
        stop_requested(KeyboardInterrupt())
    assert sys.unraisablehook is not before  # the interpreter's shutdown shows no fallout


def test_a_final_block_without_a_stop_restores_the_hook() -> None:
    before = sys.unraisablehook
    with keeping_stops(final=True):
        pass
    assert sys.unraisablehook is before


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


def test_stop_behind_finds_a_stop_an_error_in_a_finally_block_replaced() -> None:
    try:
        try:
            raise KeyboardInterrupt
        finally:
            raise ValueError("Invalid bounding box")  # matplotlib's clean-up failing
    except ValueError as error:
        assert isinstance(stop_behind(error), KeyboardInterrupt)


def test_stop_behind_finds_a_stop_raised_from_an_error() -> None:
    stop = KeyboardInterrupt()
    error = RuntimeError("wrapped")
    error.__cause__ = stop
    assert stop_behind(error) is stop


def test_stop_behind_is_none_for_an_error_without_a_stop() -> None:
    first = ValueError("first")
    second = ValueError("second")
    first.__context__ = second
    second.__context__ = first  # a cycle ends the walk
    assert stop_behind(first) is None


def test_stop_behind_returns_a_kept_stop_once() -> None:
    with keeping_stops():
        _stop_where_it_cannot_be_raised()
        assert isinstance(stop_behind(ValueError("later")), KeyboardInterrupt)
        assert stop_behind(ValueError("later")) is None


def _terminated_then_broken_clean_up(*args: object, **kwargs: object) -> list[Path]:
    folder = Path(str(args[0]))
    write_output(folder / "index.html", "<p>half a demo</p>\n")
    try:
        raise cli._Terminated(15)  # SIGTERM, as the handler raises it
    finally:
        raise ValueError("Invalid bounding box; cannot be zero width")


def test_cli_sigterm_replaced_by_a_clean_up_error_exits_143_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "build_demo", _terminated_then_broken_clean_up)
    monkeypatch.setattr(demo, "_use_file_backend", lambda: None)
    code, lines = run_cli(["demo", "-o", str(tmp_path / "demo")], capsys)
    assert (code, lines) == (143, ["yieldtrial: stopped by SIGTERM; no output was written"])
    assert list(tmp_path.iterdir()) == []


def test_cli_swallowed_stop_then_an_error_exits_130_not_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def stopped_then_broken(args: object) -> int:
        _stop_where_it_cannot_be_raised()  # the stop is kept...
        raise ValueError("a library's state broken by the stop")  # ...and this follows

    monkeypatch.setattr(standardize, "_run", stopped_then_broken)
    out = tmp_path / "y.csv"
    argv = ["standardize", "442", "--moisture", "5", "--standard", "13", "-o", str(out)]
    assert run_cli(argv, capsys) == (130, ["yieldtrial: interrupted; no output was written"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_cli_run_in_process_restores_the_signal_actions(name: str) -> None:
    # only the program (main() without argv) keeps stops ignored once its status is decided
    import signal

    number = getattr(signal, name)
    before = signal.getsignal(number)
    assert cli.main(["plan", "--cv", "8", "--difference", "5", "--treatments", "3"]) == 0
    assert signal.getsignal(number) is before


def test_stop_behind_finds_a_requested_stop_an_unchained_error_replaced() -> None:
    with keeping_stops():
        try:
            raise stop_requested(KeyboardInterrupt())
        except KeyboardInterrupt:
            pass  # C code catches it (PyErr_Print)...
        replaced = ImportError("numpy._core.multiarray failed to import")  # ...no chain
        assert isinstance(stop_behind(replaced), KeyboardInterrupt)


def _signal_caught_by_c_code(number: int) -> None:
    """Deliver ``number`` to this process where C code catches it and fails without a chain."""
    try:
        signal.raise_signal(number)  # its Python handler runs before this call returns
        raise AssertionError("the CLI's handler did not raise")  # pragma: no cover
    except KeyboardInterrupt:
        pass
    raise ImportError("numpy._core.multiarray failed to import")


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [
        ("SIGTERM", 143, "yieldtrial: stopped by SIGTERM; no output was written"),
        ("SIGINT", 130, "yieldtrial: interrupted; no output was written"),
    ],
)
def test_cli_signal_replaced_by_an_unchained_import_error_exits_as_stopped(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    code: int,
    line: str,
) -> None:
    number = getattr(signal, name)
    if signal.getsignal(number) not in (signal.SIG_DFL, signal.default_int_handler):
        pytest.skip(f"{name} has a handler of the test runner's; the CLI leaves it alone")

    def stopped_in_an_import(args: object) -> int:
        write_output(tmp_path / "first.csv", "a\n")
        _signal_caught_by_c_code(number)
        return 0

    monkeypatch.setattr(standardize, "_run", stopped_in_an_import)
    argv = ["standardize", "442", "--moisture", "5", "--standard", "13"]
    assert run_cli(argv, capsys) == (code, [line])
    assert list(tmp_path.iterdir()) == []


def test_cli_signal_swallowed_by_c_code_still_stops_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        pytest.skip("SIGTERM has a handler of the test runner's; the CLI leaves it alone")
    run = standardize._run

    def swallowed(args: object) -> int:
        try:
            _signal_caught_by_c_code(signal.SIGTERM)
        except ImportError:
            pass  # a library that goes on without the optional extension
        return run(args)

    monkeypatch.setattr(standardize, "_run", swallowed)
    out = tmp_path / "y.csv"
    argv = ["standardize", "442", "--moisture", "5", "--standard", "13", "-o", str(out)]
    code, lines = run_cli(argv, capsys)
    assert (code, lines) == (143, ["yieldtrial: stopped by SIGTERM; no output was written"])
    assert list(tmp_path.iterdir()) == []
