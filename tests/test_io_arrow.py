"""pyarrow installed but failing to import: the pandas fallback says so once (stop 33).

``pip install "yieldtrial[fast]"`` on NumPy 1.x may fetch pyarrow 26, which refuses NumPy
1.x at import; yieldtrial fell back to pandas silently.  The import is simulated here by
monkeypatching the import hooks of :mod:`yieldtrial.io._arrow` (no second pyarrow is needed).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import warnings
from pathlib import Path

import pytest

from yieldtrial.cli import main
from yieldtrial.io import _arrow

FAILURE = "pyarrow 26 requires NumPy >= 2.0; found 1.26.4"


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulate pyarrow 26.0.1 installed (a spec is found) failing to import, NumPy 1.26.4."""

    def fail(name: str) -> None:
        raise ImportError(FAILURE)

    monkeypatch.setattr(_arrow, "_USABLE", [])
    monkeypatch.setattr(_arrow, "_find_spec", lambda name: object())
    monkeypatch.setattr(_arrow, "_import_module", fail)
    monkeypatch.setattr(_arrow, "_installed_version", lambda: "26.0.1")
    monkeypatch.setattr(_arrow, "_numpy_version", lambda: "1.26.4")


def test_a_failing_pyarrow_warns_with_the_fix(broken: None) -> None:
    with pytest.warns(RuntimeWarning) as caught:
        assert _arrow.pyarrow_usable() is False
    assert [str(w.message) for w in caught] == [
        f"pyarrow 26.0.1 is installed but fails to import ({FAILURE}); yieldtrial reads and "
        "writes CSV with pandas instead (the same results, slower on large tables). To use "
        'pyarrow, with NumPy 1.26.4 install an older pyarrow (pip install "pyarrow<26"), or '
        'upgrade NumPy (pip install "numpy>=2")'
    ]


def test_the_warning_is_given_once(broken: None) -> None:
    with pytest.warns(RuntimeWarning):
        _arrow.pyarrow_usable()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _arrow.pyarrow_usable() is False


def test_on_numpy_2_the_fix_is_a_reinstall(broken: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_arrow, "_numpy_version", lambda: "2.4.6")
    with pytest.warns(RuntimeWarning, match=r"reinstall it \(pip install --force-reinstall"):
        _arrow.pyarrow_usable()


def test_an_absent_pyarrow_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_arrow, "_USABLE", [])
    monkeypatch.setattr(_arrow, "_find_spec", lambda name: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _arrow.pyarrow_usable() is False


def test_a_working_pyarrow_is_used_silently(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyarrow")
    monkeypatch.setattr(_arrow, "_USABLE", [])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _arrow.pyarrow_usable() is True


def _standardize(source: Path, out: Path) -> str:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["standardize", str(source), "--crop", "wheat", "-o", str(out)]) == 0
    return err.getvalue()


def test_cli_says_it_once_and_writes_the_same_output(broken: None, tmp_path: Path) -> None:
    """``standardize`` reads and writes with pandas: one warning line, the same bytes."""
    source = Path(__file__).parent / "data" / "e2e" / "wheat.csv"
    err = _standardize(source, tmp_path / "pandas.csv")
    lines = [line for line in err.splitlines() if "pyarrow" in line]
    assert lines == [
        f"yieldtrial: warning: pyarrow 26.0.1 is installed but fails to import ({FAILURE}); "
        "yieldtrial reads and writes CSV with pandas instead (the same results, slower on "
        "large tables). To use pyarrow, with NumPy 1.26.4 install an older pyarrow (pip "
        'install "pyarrow<26"), or upgrade NumPy (pip install "numpy>=2")'
    ]
    assert "pyarrow" not in _standardize(source, tmp_path / "again.csv")  # once per process
    _arrow._USABLE[:] = [importlib.util.find_spec("pyarrow") is not None]  # the real one
    _standardize(source, tmp_path / "arrow.csv")
    assert (tmp_path / "pandas.csv").read_bytes() == (tmp_path / "arrow.csv").read_bytes()


def test_standardize_tip_says_not_installed_only_when_absent(
    broken: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An installed pyarrow that fails has its warning; the 'not installed' tip would lie."""
    from yieldtrial.commands import standardize as standardize_command

    monkeypatch.setattr(standardize_command, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(standardize_command, "stderr_is_terminal", lambda: True)
    source = Path(__file__).parent / "data" / "e2e" / "wheat.csv"
    err = _standardize(source, tmp_path / "out.csv")
    assert "is installed but fails to import" in err
    assert "pyarrow is not installed" not in err
