"""The real process and file system against the command line (issue 13, stop 41).

The cases about the process run ``python -m yieldtrial`` in a subprocess (the console
script's code: ``yieldtrial.__main__:run``) and attack what the in-process tests cannot: closed
pipes and closed standard streams, encodings and locales of the environment, a
pseudo-terminal, unwritable configuration and temporary folders, signals mid-run, argv
bytes that are not UTF-8.  The cases about files alone (real full and read-only file
systems: tmpfs and bind mounts, as root; hostile output paths) call ``main`` in-process
(:func:`run_in_process`, stop 46): the same status, line and files, without a second of
interpreter start-up and imports per run.  A failing
case must exit 1 (2 for usage, 128 + the signal for a signal) with one line on
stderr, no traceback, its inputs unchanged and no output under the final name.

Slow cases (a report, a large table, a signal, a mount) are marked ``slow``; the rest
keep the module short.  Mount cases are skipped when not root or when mounting fails.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import yieldtrial
from yieldtrial.cli import main

#: The source folder of the yieldtrial under test (the worktree, not an installed copy).
SRC = Path(yieldtrial.__file__).resolve().parents[1]
#: The example whose plot table (Chinese headers) and trial.toml the reports are run on.
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "doubled-weight"
#: Blocks of the large table (40 treatments each): 590,000 plots, about 20 MB, the
#: "slow" input of the signal cases (the size of the first 20 MB of the benchmark table).
LARGE_TABLE_BLOCKS = 14_750
#: Seconds any single run may take before the test fails instead of hanging.
TIMEOUT_S = 240


# ------------------------------------------------------------------------------- helpers
def environment(**changes: str | None) -> dict[str, str]:
    """Return the child's environment: this one, yieldtrial from SRC, one BLAS thread."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), *filter(None, [env.get("PYTHONPATH")])])
    env["OPENBLAS_NUM_THREADS"] = "1"
    env.pop("YIELDTRIAL_DEBUG", None)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def command(*argv: str | bytes) -> list[str | bytes]:
    """``python -m yieldtrial argv...``."""
    return [sys.executable, "-m", "yieldtrial", *argv]


def _close(*descriptors: int) -> object:
    """Return a ``preexec_fn`` closing ``descriptors`` in the child (``>&-``, ``2>&-``)."""

    def close() -> None:
        for descriptor in descriptors:
            os.close(descriptor)

    return close


def run(
    argv: Sequence[str | bytes],
    cwd: Path,
    *,
    env: dict[str, str] | None = None,
    closed: Sequence[int] = (),
) -> subprocess.CompletedProcess[bytes]:
    """Run ``yieldtrial argv`` in ``cwd``; stdout and stderr captured unless ``closed``."""
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command(*argv),
        cwd=cwd,
        env=env or environment(),
        stdin=subprocess.DEVNULL,
        stdout=None if 1 in closed else subprocess.PIPE,
        stderr=None if 2 in closed else subprocess.PIPE,
        preexec_fn=_close(*closed) if closed else None,  # noqa: PLW1509 - single-threaded
        timeout=TIMEOUT_S,
        check=False,
    )


def run_in_process(argv: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run ``yieldtrial.cli.main(argv)`` in this process, in ``cwd``; stdout, stderr captured.

    For the cases about files and folders only (full and read-only disks, hostile output
    paths): what they check (exit status, one line on stderr, files left) is the same in a
    real process, which costs a second of start-up and imports each (stop 46).  The cases
    about the process itself (streams, environment, signals, argv bytes) use :func:`run`.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return subprocess.CompletedProcess(
        list(argv), status, out.getvalue().encode(), err.getvalue().encode()
    )


def _default_sigint() -> None:
    """``preexec_fn``: give the child Ctrl-C back.

    A shell without job control starts background jobs with SIGINT ignored, and Python
    (rightly) keeps it ignored in the child.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def started(
    argv: Sequence[str | bytes],
    cwd: Path,
    *,
    env: dict[str, str] | None = None,
    stdin: Any = subprocess.DEVNULL,
    stdout: Any = subprocess.PIPE,
    stderr: Any = subprocess.PIPE,
    ctrl_c: bool = False,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``yieldtrial argv`` in ``cwd``; on leaving, however, end it and close its pipes.

    Leaving the block (a return, a failed assertion, a ``pytest.skip``, a timeout) kills
    the child if it still runs, closes every pipe of it and reaps it: a pipe left open
    warns (ResourceWarning) in whichever later test the collector runs, and a child left
    running outlives the test.  ``ctrl_c``: the child gets SIGINT's default action back.
    """
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command(*argv),
        cwd=cwd,
        env=env or environment(),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        preexec_fn=_default_sigint if ctrl_c else None,  # noqa: PLW1509 - single-threaded
    )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        for stream in (child.stdin, child.stdout, child.stderr):
            if stream is not None:
                stream.close()
        child.wait()


def lines_of(data: bytes | None) -> list[str]:
    """Return the non-empty lines of a captured stream."""
    text = (data or b"").decode("utf-8", "backslashreplace")
    return [line for line in text.splitlines() if line.strip()]


def assert_one_line(
    result: subprocess.CompletedProcess[bytes], code: int = 1, match: str = ""
) -> str:
    """Exit status ``code``, one line on stderr (containing ``match``), no traceback."""
    lines = lines_of(result.stderr)
    assert result.returncode == code, lines
    assert len(lines) == 1, lines
    assert lines[0].startswith("yieldtrial"), lines
    assert "Traceback" not in lines[0]
    assert match in lines[0], lines[0]
    return lines[0]


def digest(path: Path) -> str:
    """SHA-256 of a file (to show an input unchanged)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def temporaries(folder: Path) -> list[str]:
    """Temporary files of yieldtrial's atomic writes left in ``folder``."""
    return [name for name in os.listdir(folder) if ".yieldtrial-" in name and name.endswith(".tmp")]


@pytest.fixture
def trial(tmp_path: Path) -> Path:
    """Return a folder with the example's ``plots.csv`` (Chinese headers) and trial.toml."""
    for name in ("plots.csv", "trial.toml"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path


def many_plots(folder: Path, plots: int = 20_000) -> Path:
    """Write a plot table of ``plots`` rows (more output than a pipe holds); return it."""
    path = folder / "many.csv"
    rows = ["plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct"]
    rows += [
        f"{i},{i % 4 + 1},T{i % 5},20,{14 + (i % 7) * 0.1:.2f},13.{i % 9}" for i in range(plots)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_large_table(path: Path, blocks: int = LARGE_TABLE_BLOCKS) -> Path:
    """Write an RCBD plot table of ``blocks`` blocks of 40 treatments (seeded); return it.

    Built here rather than read from the benchmark table in /tmp: a clean clone on a fresh
    machine (CI) has no such file, and the signal cases were then skipped there.
    """
    rng = np.random.default_rng(43)
    plots = blocks * 40
    mass = np.round(rng.normal(15.2, 1.0, plots), 2)
    moisture = np.round(rng.uniform(8.3, 17.8, plots), 1)
    impurity = np.round(rng.uniform(0.0, 2.0, plots), 1)
    rows = ["plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct,impurity_pct"]
    columns = zip(mass.tolist(), moisture.tolist(), impurity.tolist(), strict=True)
    rows += [
        f"{100_001 + i},{i // 40 + 1},T{i % 40},20,{m},{w},{q}"
        for i, (m, w, q) in enumerate(columns)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def large_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a plot table of about 20 MB (590,000 plots): a run of seconds."""
    return write_large_table(tmp_path_factory.mktemp("large") / "plots-20mb.csv")


@contextlib.contextmanager
def mounted(folder: Path, *options: str) -> Iterator[Path]:
    """Mount a tmpfs (``-o options``) or a read-only bind on ``folder``; skip if impossible."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting needs root")
    folder.mkdir(exist_ok=True)
    if options[:1] == ("bind",):  # a read-only bind mount of folder onto itself
        steps = [["mount", "--bind", str(folder), str(folder)]]
        steps.append(["mount", "-o", "remount,ro,bind", str(folder)])
    else:
        steps = [["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)]]
    done = 0
    try:
        for step in steps:
            if subprocess.run(step, capture_output=True, check=False).returncode != 0:  # noqa: S603
                pytest.skip(f"cannot {' '.join(step)}")
            done += 1
        yield folder
    finally:
        if done:
            subprocess.run(["umount", str(folder)], capture_output=True, check=False)  # noqa: S603,S607


def listing(folder: Path) -> list[str]:
    """Everything under ``folder`` (relative paths), to show nothing was left."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_started_child_left_early_is_killed_reaped_and_its_pipes_closed(tmp_path: Path) -> None:
    # the helper every Popen of this module goes through: a skip (or a failed assertion)
    # inside it used to leave pipes open (a ResourceWarning in a later test)
    many_plots(tmp_path)  # more output than a pipe holds: the child cannot end by itself
    argv = ["standardize", "many.csv", "--crop", "wheat"]
    with pytest.raises(pytest.skip.Exception), started(argv, tmp_path) as child:
        pytest.skip("left before the child ended")
    assert child.returncode == -signal.SIGKILL
    assert child.stdout is not None and child.stdout.closed
    assert child.stderr is not None and child.stderr.closed


# ------------------------------------------------------------------ closed pipes, streams
@pytest.mark.parametrize(
    "argv",
    [
        ("standardize", "many.csv", "--crop", "wheat"),
        ("design", "rcbd", "--treatments", *[f"T{i}" for i in range(50)], "--blocks", "200"),
    ],
    ids=["standardize", "design"],
)
def test_standard_output_into_a_pipe_closed_early_is_quiet(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    # `yieldtrial ... | head -c1`: the reader has gone; decided: exit 1 and no line (a
    # message on the terminal for a `| head` the user meant would be noise), no traceback.
    # design wrote its 230 kB book in one write and exited 0: the broken pipe was lost
    table = many_plots(tmp_path)
    before = digest(table)
    with started(argv, tmp_path) as child:
        assert child.stdout is not None and child.stderr is not None
        assert len(os.read(child.stdout.fileno(), 1)) == 1  # one byte, as `head -c1` reads
        child.stdout.close()
        err = child.stderr.read()
        assert child.wait(timeout=TIMEOUT_S) == 1
    assert err == b""
    assert digest(table) == before


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (("plan", "--cv", "8", "--difference", "5", "--treatments", "3"), "redirect it"),
        (("design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "-o", "-"), "-o/--output"),
        (("audit", "1000", "985", "--moisture", "15", "--crop", "wheat"), "-o/--output"),
    ],
    ids=["plan", "design", "audit"],
)
def test_closed_standard_output_is_one_line(
    tmp_path: Path, argv: tuple[str, ...], hint: str
) -> None:
    assert_one_line(run(argv, tmp_path, closed=[1]), 1, hint)


@pytest.mark.slow
def test_closed_standard_output_of_standardize_and_network(trial: Path) -> None:
    sites = trial / "sites.csv"
    table = (trial / "plots.csv").read_text(encoding="utf-8").splitlines()
    rows = [f"site,{table[0]}"] + [f"S{s},{row}" for s in (1, 2, 3) for row in table[1:]]
    sites.write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = ["--config", "trial.toml"]
    assert_one_line(run(["standardize", "plots.csv", *config], trial, closed=[1]), 1, "closed")
    assert_one_line(run(["network", "sites.csv", *config], trial, closed=[1]), 1, "closed")
    assert sorted(os.listdir(trial)) == ["plots.csv", "sites.csv", "trial.toml"]


def test_closed_standard_error_never_puts_the_error_into_standard_output(trial: Path) -> None:
    # was: print(file=sys.stderr) with sys.stderr None writes to stdout, so
    # `standardize plots.csv 2>&- > yields.csv` put the error line into yields.csv
    argv = ["standardize", "plots.csv", "--config", "trial.toml", "--method", "shrink"]
    result = run(argv, trial, closed=[2])
    assert result.returncode == 1
    assert result.stdout == b""


def test_closed_standard_error_keeps_the_wrote_line_out_of_standard_output(trial: Path) -> None:
    argv = ["standardize", "plots.csv", "--config", "trial.toml", "-o", "out.csv"]
    result = run(argv, trial, closed=[2])
    assert result.returncode == 0
    assert result.stdout == b""
    assert (trial / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfplot_id,")


def test_both_standard_streams_closed_still_write_the_file(trial: Path) -> None:
    argv = ["standardize", "plots.csv", "--config", "trial.toml", "-o", "out.csv"]
    result = run(argv, trial, closed=[1, 2])
    assert result.returncode == 0
    assert (trial / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfplot_id,")


def test_a_closed_standard_descriptor_is_never_given_to_a_file(tmp_path: Path) -> None:
    # with 2 closed, the run's first file (an output's temporary file) got descriptor 2
    # and whatever wrote to "standard error" below Python wrote into the user's file
    script = (
        "import os, sys\n"
        "from yieldtrial.cli import main\n"
        "main(['plan', '--cv', '8', '--difference', '5', '--treatments', '3', "
        "'--format', 'json'])\n"
        "print(os.readlink('/proc/self/fd/2'))\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=environment(),
        stdout=subprocess.PIPE,
        preexec_fn=_close(2),  # noqa: PLW1509
        timeout=TIMEOUT_S,
        check=False,
    )
    assert result.stdout.decode().splitlines()[-1] == os.devnull


def _run_with_unread_stderr(
    argv: Sequence[str], cwd: Path, sent: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run with standard error a pipe whose reader has gone (``2>&1 | head -c1``)."""
    reader, writer = os.pipe()
    os.close(reader)
    with os.fdopen(writer, "wb") as unread, started(argv, cwd, stderr=unread, ctrl_c=True) as child:
        if sent is not None:
            _send_mid_run(child, sent, wait_for=cwd)
        out, _ = child.communicate(timeout=TIMEOUT_S)
    return subprocess.CompletedProcess(child.args, child.returncode, out, b"")


def test_success_with_an_unread_standard_error_is_a_success(trial: Path) -> None:
    # was exit 1 with the output written: the `wrote` line hit the broken pipe
    argv = ["standardize", "plots.csv", "--config", "trial.toml", "-o", "out.csv"]
    assert _run_with_unread_stderr(argv, trial).returncode == 0
    assert (trial / "out.csv").read_bytes().startswith(b"\xef\xbb\xbfplot_id,")


def test_failure_with_an_unread_standard_error_keeps_its_status(trial: Path) -> None:
    argv = ["standardize", "plots.csv", "--config", "trial.toml", "--method", "shrink"]
    assert _run_with_unread_stderr(argv, trial).returncode == 1


@pytest.mark.slow
def test_interrupt_with_an_unread_standard_error_keeps_its_status(
    large_table: Path, tmp_path: Path
) -> None:
    # was 1: printing the "interrupted" line raised BrokenPipeError out of main
    argv = ["standardize", str(large_table), "--crop", "wheat", "-o", "yields.csv"]
    assert _run_with_unread_stderr(argv, tmp_path, signal.SIGINT).returncode == 130
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------ encodings and locales
def test_chinese_text_on_an_ascii_standard_output_is_one_english_line(tmp_path: Path) -> None:
    # --lang zh on an ASCII stderr: the line was printed as \u9519\u8bef escapes
    argv = ["plan", "--cv", "8", "--difference", "5", "--treatments", "3", "--lang", "zh"]
    result = run(argv, tmp_path, env=environment(PYTHONIOENCODING="ascii"))
    line = assert_one_line(result, 1, "cannot show")
    assert "\\u" not in line
    assert result.stdout == b""


def test_chinese_label_far_down_a_table_on_ascii_output_prints_nothing(tmp_path: Path) -> None:
    # was: the header (and every block before the label) printed, then "nothing was written"
    table = many_plots(tmp_path)
    with table.open("a", encoding="utf-8") as handle:
        handle.write("99999,1,对照,20,14.1,13.2\n")
    result = run(
        ["standardize", table.name, "--crop", "wheat"],
        tmp_path,
        env=environment(PYTHONIOENCODING="ascii"),
    )
    assert_one_line(result, 1, "nothing was written")
    assert result.stdout == b""


def test_usage_error_under_zh_on_an_ascii_terminal_is_english(tmp_path: Path) -> None:
    argv = ["plan", "--cv", "8", "--difference", "5", "--treatments", "3", "--lang", "zh"]
    argv += ["--format", "bogus"]  # a usage line catalogued in Chinese (参数 --format：...)
    result = run(argv, tmp_path, env=environment(PYTHONIOENCODING="ascii"))
    line = assert_one_line(result, 2, "invalid choice: 'bogus'")
    assert line.isascii() and "\\u" not in line


def test_missing_chinese_input_name_under_the_c_locale_is_one_line(tmp_path: Path) -> None:
    env = environment(LANG="C", LC_ALL="C", PYTHONIOENCODING="ascii")
    result = run(["report", "不存在.csv", "-o", "r.html", "--lang", "zh"], tmp_path, env=env)
    assert_one_line(result, 1, "cannot read")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("locale", ["C", pytest.param("POSIX", marks=pytest.mark.slow)])
def test_chinese_labels_and_paths_under_a_posix_locale(trial: Path, locale: str) -> None:
    folder = trial / "产量"
    folder.mkdir()
    shutil.copy(trial / "plots.csv", folder / "小区.csv")
    env = environment(LANG=locale, LC_ALL=locale, PYTHONIOENCODING=None)
    argv = ["standardize", "产量/小区.csv", "--crop", "小麦", "-o", "产量/结果.csv", "--lang", "zh"]
    result = run(argv, trial, env=env)
    assert result.returncode == 0, lines_of(result.stderr)
    assert lines_of(result.stderr)[-1].startswith("已写入 产量/结果.csv")
    assert (folder / "结果.csv").is_file()


@pytest.mark.parametrize("columns", ["0", "1", "100000"])
def test_terminal_variables_do_not_break_help_or_usage_lines(tmp_path: Path, columns: str) -> None:
    env = environment(COLUMNS=columns, TERM="dumb", NO_COLOR="1")
    shown = run(["plan", "--help"], tmp_path, env=env)
    assert shown.returncode == 0 and b"--cv" in shown.stdout and shown.stderr == b""
    argv = ["plan", "--cv", "8", "--difference", "5", "--treatments", "3", "--bogus"]
    assert_one_line(run(argv, tmp_path, env=env), 2, "--bogus")


@pytest.mark.slow
def test_progress_on_a_narrow_pseudo_terminal(tmp_path: Path) -> None:
    table = many_plots(tmp_path, 200_000)
    primary, secondary = pty.openpty()
    argv = ["standardize", table.name, "--crop", "wheat", "-o", "out.csv"]
    env = environment(COLUMNS="1", TERM="dumb")
    with (
        os.fdopen(primary, "rb", buffering=0) as screen,
        os.fdopen(secondary, "wb", buffering=0) as terminal,
        started(argv, tmp_path, env=env, stdin=terminal, stdout=terminal, stderr=terminal) as child,
    ):
        terminal.close()  # ours: reading ends (EIO) once the child's copies close too
        shown = b""
        with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
            while chunk := os.read(screen.fileno(), 65536):
                shown += chunk
        assert child.wait(timeout=TIMEOUT_S) == 0
    text = shown.decode("utf-8")
    assert "Traceback" not in text
    assert text.rstrip().splitlines()[-1].startswith("wrote out.csv (200000 plots")
    assert len((tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()) == 200_001


@pytest.mark.slow
def test_unwritable_matplotlib_folder_no_home_no_tmpdir_still_one_report(trial: Path) -> None:
    # MPLCONFIGDIR below a file: matplotlib logged two lines ("mkdir -p failed ...",
    # "Matplotlib created a temporary cache directory ...") among the run's own
    (trial / "a-file").write_text("x", encoding="utf-8")
    env = environment(
        MPLCONFIGDIR=str(trial / "a-file" / "mpl"), HOME=None, TMPDIR=str(trial / "missing")
    )
    result = run(["report", "plots.csv", "--config", "trial.toml", "-o", "r.md"], trial, env=env)
    assert result.returncode == 0
    shown = lines_of(result.stderr)
    assert shown[0] == "wrote r.md"
    assert all(line.startswith(("wrote", "note:", "yieldtrial:")) for line in shown), shown
    assert sorted(os.listdir(trial / "r_files"))[-2:] == ["fig1.svg", "fig2.svg"]


def test_matplotlib_imported_mid_command_logs_nothing(tmp_path: Path) -> None:
    # the CLI does not import logging up front (4 ms on every command): a command that
    # draws sets matplotlib's level before its first import of matplotlib (use_file_backend)
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    script = (
        "import sys\n"
        "from yieldtrial.cli import _quiet_library_logs\n"
        "from yieldtrial.commands._figures import use_file_backend\n"
        "assert 'logging' not in sys.modules\n"
        "with _quiet_library_logs():\n"
        "    use_file_backend()\n"
        "    import matplotlib.pyplot\n"
        "import logging\n"
        "print(logging.getLogger('matplotlib').level)\n"  # restored afterwards: NOTSET, 0
    )
    env = environment(MPLCONFIGDIR=str(tmp_path / "a-file" / "mpl"), HOME=None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, lines_of(result.stderr)
    assert lines_of(result.stderr) == []
    assert result.stdout == b"0\n"


def test_unwritable_matplotlib_folder_field_map_logs_nothing(tmp_path: Path) -> None:
    # design --map draws without the report's set-up: it quiets matplotlib's notes too
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    env = environment(MPLCONFIGDIR=str(tmp_path / "a-file" / "mpl"), HOME=None)
    argv = ["design", "latin", "--treatments", "A", "B", "C", "--seed", "2", "--map", "m.png"]
    result = run([*argv, "-o", "book.csv"], tmp_path, env=env)
    assert result.returncode == 0, lines_of(result.stderr)
    shown = lines_of(result.stderr)
    assert not any("atplotlib" in line or "mkdir" in line for line in shown), shown
    assert (tmp_path / "m.png").stat().st_size > 0


@pytest.mark.slow
def test_read_only_current_folder(trial: Path) -> None:
    folder = trial / "ro"
    folder.mkdir()
    with mounted(folder, "bind"):
        assert_one_line(run_in_process(["demo"], folder), 1, "read-only")
        argv = ["report", "../plots.csv", "--config", "../trial.toml", "-o", "r.html"]
        assert_one_line(run_in_process(argv, folder), 1, "read-only")
        assert listing(folder) == []


# ------------------------------------------------------------------------------- signals
def _catches_sigterm(pid: int) -> bool | None:
    """Whether process ``pid`` has a handler for SIGTERM (``SigCgt``); None without /proc."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signal.SIGTERM - 1) & 1)
    return None


def _send_mid_run(child: subprocess.Popen[bytes], sent: int, wait_for: Path | None) -> None:
    """Send ``sent`` to the running ``child`` once its command runs, or skip the test.

    The wait is for the command line's signal handlers (SIGTERM caught, so ``main`` runs),
    then for a temporary file in ``wait_for`` (or 3 s more).  A fixed wait from the start
    could land, on a loaded machine, in the interpreter's start and the imports: SIGTERM
    then ended the process by its default action (-15, no line) and Ctrl-C printed the
    import's traceback, neither of them the case under test.
    """
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline and child.poll() is None:
        if _catches_sigterm(child.pid) is not False:  # None: no /proc, the 3 s below only
            break
        time.sleep(0.01)
    begun = time.monotonic()
    while time.monotonic() < deadline and child.poll() is None:
        if wait_for is not None and temporaries(wait_for):
            break
        if wait_for is None and time.monotonic() - begun > 3.0:
            break
        time.sleep(0.02)
    if child.poll() is not None:
        pytest.skip("the run ended before the signal (a machine faster than expected)")
    child.send_signal(sent)


def _signal_mid_run(
    argv: Sequence[str], cwd: Path, sent: int, *, wait_for: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Start ``argv``; send ``sent`` mid-run (see :func:`_send_mid_run`)."""
    with started(argv, cwd, ctrl_c=True) as child:
        _send_mid_run(child, sent, wait_for)
        out, err = child.communicate(timeout=TIMEOUT_S)
    if b"wrote " in err:
        # the signal came after the output was in place (a fast machine, no wait_for):
        # what the run does then is the interpreter's exit, not this test's subject
        pytest.skip("the run had written its output before the signal arrived")
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


def test_child_catches_sigterm_once_its_command_runs(tmp_path: Path) -> None:
    # what _send_mid_run waits for: the handler main() installs, seen from outside
    if _catches_sigterm(os.getpid()) is None:
        pytest.skip("no /proc/PID/status SigCgt line on this system")
    many_plots(tmp_path)  # more output than a pipe holds: the child waits for the reader
    with started(["standardize", "many.csv", "--crop", "wheat"], tmp_path) as child:
        assert child.stdout is not None
        assert len(os.read(child.stdout.fileno(), 1)) == 1  # the command is writing
        assert _catches_sigterm(child.pid) is True
    bare = subprocess.Popen(  # noqa: S603 - an interpreter that never handles SIGTERM
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:  # Popen returns once the child has exec'd: the parent's actions are gone
        assert _catches_sigterm(bare.pid) is False
    finally:
        bare.communicate(b"")


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stop_after_the_program_decided_its_status_is_ignored(tmp_path: Path, sent: int) -> None:
    # the demo's shutdown (a tenth of a second and more) after its folder was complete:
    # a SIGTERM ended the process by the signal (-15) with every output in place (1 of 30)
    script = (
        "import os, sys\n"
        "from yieldtrial.cli import main\n"
        "sys.argv = ['yieldtrial', 'plan', '--cv', '8', '--difference', '5', '--treatments', '3']\n"
        "status = main()\n"  # as the console script and python -m yieldtrial call it
        f"os.kill(os.getpid(), {int(sent)})\n"
        "print('status', status)\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        preexec_fn=_default_sigint,  # noqa: PLW1509
        timeout=TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, lines_of(result.stderr)
    assert result.stdout.decode().splitlines()[-1] == "status 0"
    assert lines_of(result.stderr) == []


def test_stop_while_the_program_prints_its_wrote_lines_is_ignored(trial: Path) -> None:
    # the outputs are in place when the held lines are printed: a SIGTERM there said
    # "stopped by SIGTERM; no output was written" and exited 143 over a complete output
    script = (
        "import signal, sys\n"
        "from yieldtrial import cli\n"
        "release = cli._HeldLines.release\n"
        "def stopped_first(self, **kwargs):\n"
        "    signal.raise_signal(signal.SIGTERM)\n"
        "    return release(self, **kwargs)\n"
        "cli._HeldLines.release = stopped_first\n"
        "sys.argv = ['yieldtrial', 'standardize', 'plots.csv', '--config', 'trial.toml',\n"
        "            '-o', 'out.csv']\n"
        "raise SystemExit(cli.main())\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=trial,
        env=environment(),
        capture_output=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, lines_of(result.stderr)
    assert lines_of(result.stderr)[-1].startswith("wrote out.csv")
    assert (trial / "out.csv").is_file()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sent", "code", "words"),
    [
        (signal.SIGINT, 130, "interrupted"),
        (signal.SIGTERM, 143, "stopped by SIGTERM"),
        (signal.SIGHUP, 129, "stopped by SIGHUP"),
    ],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_signal_while_writing_a_large_table_leaves_nothing(
    large_table: Path, tmp_path: Path, sent: int, code: int, words: str
) -> None:
    before = digest(large_table)
    argv = ["standardize", str(large_table), "--crop", "wheat", "-o", "yields.csv"]
    result = _signal_mid_run(argv, tmp_path, sent, wait_for=tmp_path)
    assert_one_line(result, code, words)
    assert os.listdir(tmp_path) == []
    assert digest(large_table) == before


@pytest.mark.slow
@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_during_a_report_leaves_no_report_and_no_figures(
    large_table: Path, tmp_path: Path, sent: int
) -> None:
    argv = ["report", str(large_table), "--crop", "wheat", "-o", "r.md"]
    result = _signal_mid_run(argv, tmp_path, sent)
    assert_one_line(result, 128 + sent, "no output was written")
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_sigterm_during_the_demo_leaves_no_folder(tmp_path: Path) -> None:
    result = _signal_mid_run(["demo", "-o", "demo"], tmp_path, signal.SIGTERM)
    assert_one_line(result, 143, "stopped by SIGTERM")
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_temporary_file_of_a_killed_run_is_removed_by_the_next(
    large_table: Path, trial: Path
) -> None:
    argv = ["standardize", str(large_table), "--crop", "wheat", "-o", "yields.csv"]
    killed = _signal_mid_run(argv, trial, signal.SIGKILL, wait_for=trial)
    assert killed.returncode == -signal.SIGKILL
    assert temporaries(trial)  # SIGKILL cannot be cleaned up after...
    again = ["standardize", "plots.csv", "--config", "trial.toml", "-o", "yields.csv"]
    assert run(again, trial).returncode == 0
    assert temporaries(trial) == []  # ...but the next write into the folder removes it


# -------------------------------------------------------------- full and read-only disks
_REPORT_FORMATS = ["html", "markdown", "json", "docx", "xlsx"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", _REPORT_FORMATS)
def test_report_onto_a_full_disk_leaves_nothing(trial: Path, fmt: str) -> None:
    with mounted(trial / "full", "size=12k") as full:
        argv = ["report", "plots.csv", "--config", "trial.toml", "--format", fmt]
        assert_one_line(run_in_process([*argv, "-o", "full/r.out"], trial), 1, "the disk is full")
        assert listing(full) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv",
    [
        ("standardize", "many.csv", "--crop", "wheat", "-o", "full/yields.csv"),
        ("design", "rcbd", "--treatments", "A", "B", "C", "--blocks", "300", "-o", "full/b.csv"),
        ("design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "-o", "full/b.csv")
        + ("--map", "full/map.png"),
        ("demo", "-o", "full/demo"),
    ],
    ids=["standardize", "design", "design-map", "demo"],
)
def test_other_commands_onto_a_full_disk_leave_nothing(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    many_plots(tmp_path)
    with mounted(tmp_path / "full", "size=12k") as full:
        (full / "filler").write_bytes(b"\0" * 4096)  # the field book and map do not fit
        assert_one_line(run_in_process(argv, tmp_path), 1, "the disk is full")
        assert listing(full) == ["filler"]


@pytest.mark.slow
def test_disk_without_free_inodes_says_so(trial: Path) -> None:
    # ENOSPC with space left: "the disk is full" was misleading
    with mounted(trial / "few", "size=1m", "nr_inodes=3") as few:
        argv = ["report", "plots.csv", "--config", "trial.toml", "-o", "few/r.md"]
        assert_one_line(run_in_process(argv, trial), 1, "all its inodes are used")
        assert listing(few) == []
        zh = assert_one_line(run_in_process([*argv, "--lang", "zh"], trial), 1, "索引节点")
        assert zh.startswith("yieldtrial: 错误：")


@pytest.mark.slow
def test_read_only_output_folder(trial: Path) -> None:
    (trial / "ro").mkdir()
    with mounted(trial / "ro", "bind") as folder:
        argv = ["report", "plots.csv", "--config", "trial.toml", "-o", "ro/r.html"]
        assert_one_line(run_in_process(argv, trial), 1, "read-only")
        book = ["design", "crd", "--treatments", "A", "B", "--replicates", "2", "-o", "ro/b.csv"]
        assert_one_line(run_in_process(book, trial), 1, "read-only")
        assert listing(folder) == []


# -------------------------------------------------------------------------------- paths
@pytest.mark.parametrize(
    "output", ["./plots.csv", "{abs}", "sub/../plots.csv", "link.csv", "hard.csv"]
)
def test_output_that_is_the_input_under_another_name(trial: Path, output: str) -> None:
    (trial / "sub").mkdir()
    (trial / "link.csv").symlink_to("plots.csv")
    os.link(trial / "plots.csv", trial / "hard.csv")
    before = digest(trial / "plots.csv")
    output = output.format(abs=trial / "plots.csv")
    argv = ["standardize", "plots.csv", "--config", "trial.toml", "-o", output, "--force"]
    assert_one_line(run_in_process(argv, trial), 1, "input")
    assert digest(trial / "plots.csv") == before
    assert (trial / "link.csv").is_symlink()


@pytest.mark.slow
def test_dangling_symlink_as_output_needs_force(trial: Path) -> None:
    # was: replaced by the output without --force (the user's link was lost)
    (trial / "out.csv").symlink_to("nowhere.csv")
    argv = ["standardize", "plots.csv", "--config", "trial.toml", "-o", "out.csv"]
    assert_one_line(run_in_process(argv, trial), 1, "symbolic link to 'nowhere.csv'")
    assert os.readlink(trial / "out.csv") == "nowhere.csv"
    assert run_in_process([*argv, "--force"], trial).returncode == 0
    assert not (trial / "out.csv").is_symlink() and not (trial / "nowhere.csv").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ("standardize", "plots.csv", "--config", "trial.toml", "-o", "gone/y.csv"),
        pytest.param(
            ("report", "plots.csv", "--config", "trial.toml", "-o", "gone/r.md"),
            marks=pytest.mark.slow,
        ),
        pytest.param(("demo", "-o", "gone/demo"), marks=pytest.mark.slow),
        pytest.param(("demo", "-o", "gone"), marks=pytest.mark.slow),
    ],
    ids=["standardize", "report", "demo-below", "demo"],
)
def test_output_folder_that_is_a_dangling_symlink(trial: Path, argv: tuple[str, ...]) -> None:
    # was "cannot create the folder 'gone': File exists" (or 'gone/r_files', or "it is a
    # file, not a folder"): the link to a missing folder was never named as such
    (trial / "gone").symlink_to("missing-folder")
    assert_one_line(
        run_in_process(argv, trial), 1, "'gone': it is a symbolic link to 'missing-folder'"
    )
    assert not (trial / "missing-folder").exists()


@pytest.mark.parametrize("kind", ["dir-link", "fifo", "devnull", "file-as-folder"])
def test_output_that_cannot_be_a_file(trial: Path, kind: str) -> None:
    (trial / "folder").mkdir()
    (trial / "dir-link").symlink_to("folder")
    os.mkfifo(trial / "fifo")
    output = {
        "dir-link": "dir-link",
        "fifo": "fifo",
        "devnull": os.devnull,
        "file-as-folder": "plots.csv/out.csv",
    }[kind]
    before = digest(trial / "plots.csv")
    argv = ["standardize", "plots.csv", "--config", "trial.toml", "-o", output, "--force"]
    assert_one_line(run_in_process(argv, trial), 1)
    assert digest(trial / "plots.csv") == before
    assert os.listdir(trial / "folder") == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv",
    [
        ("report", "plots.csv", "--config", "trial.toml", "-o", "a-file/r.html"),
        ("demo", "-o", "a-file"),
        ("design", "crd", "--treatments", "A", "B", "--replicates", "2", "-o", "a-file/b.csv"),
    ],
    ids=["report", "demo", "design"],
)
def test_output_folder_that_is_a_file(trial: Path, argv: tuple[str, ...]) -> None:
    (trial / "a-file").write_text("mine\n", encoding="utf-8")
    assert_one_line(run_in_process(argv, trial), 1, "a-file")
    assert (trial / "a-file").read_text(encoding="utf-8") == "mine\n"


def test_output_name_with_a_newline_is_written_and_shown_on_one_line(trial: Path) -> None:
    argv = ["standardize", "plots.csv", "--config", "trial.toml", "-o", "two\nlines.csv"]
    result = run_in_process(argv, trial)
    assert result.returncode == 0
    assert lines_of(result.stderr) == [
        "wrote 'two\\nlines.csv' (12 plots, yields in kg/mu at 13 % moisture)"
    ]


def test_missing_input_with_a_newline_in_its_name_is_one_line(tmp_path: Path) -> None:
    result = run_in_process(["standardize", "in\nput.csv", "--crop", "wheat"], tmp_path)
    assert_one_line(result, 1, "'in\\nput.csv'")


@pytest.mark.parametrize(
    "where", ["name", "folders", pytest.param("companion", marks=pytest.mark.slow)]
)
def test_very_long_output_names(trial: Path, where: str) -> None:
    output = {
        "name": "a" * 300 + ".csv",
        "folders": "/".join(["d" * 200] * 25) + "/y.csv",
        "companion": "m" * 250 + ".md",  # fits, but its figure folder's name does not
    }[where]
    command_ = "report" if where == "companion" else "standardize"
    argv = [command_, "plots.csv", "--config", "trial.toml", "-o", output]
    if where == "companion":
        argv.append("--force")
    # the companion's message names its figures folder (stop 51, loose56)
    expected = "the file system allows" if where == "companion" else "too long"
    assert_one_line(run_in_process(argv, trial), 1, expected)
    assert sorted(os.listdir(trial)) == ["plots.csv", "trial.toml"]


def test_output_name_that_is_not_utf8_is_refused(trial: Path) -> None:
    argv = [b"standardize", b"plots.csv", b"--config", b"trial.toml", b"-o", b"y\xff\xfe.csv"]
    assert_one_line(run(argv, trial), 1, "not UTF-8")
    assert sorted(os.listdir(trial)) == ["plots.csv", "trial.toml"]


def test_input_name_that_is_not_utf8_is_read(trial: Path) -> None:
    os.rename(trial / "plots.csv", os.fsencode(trial) + b"/p\xff.csv")
    argv = [b"standardize", b"p\xff.csv", b"--config", b"trial.toml", b"-o", b"out.csv"]
    result = run(argv, trial)
    assert result.returncode == 0, lines_of(result.stderr)
    assert len(lines_of(result.stderr)) == 1


@pytest.mark.slow
def test_concurrent_runs_writing_the_same_output(trial: Path) -> None:
    many_plots(trial, 100_000)
    argv = ["standardize", "many.csv", "--crop", "wheat", "-o", "out/y.csv"]
    with contextlib.ExitStack() as stack:
        children = [stack.enter_context(started(argv, trial)) for _ in range(3)]
        results = [child.communicate(timeout=TIMEOUT_S) for child in children]
    for child, (_, err) in zip(children, results, strict=True):
        assert child.returncode in (0, 1), err
        if child.returncode == 1:  # the loser of a race: one clean line, never a traceback
            assert len(lines_of(err)) == 1 and b"Traceback" not in err
    assert any(child.returncode == 0 for child in children)
    table = (trial / "out" / "y.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(table) == 100_001
    assert temporaries(trial / "out") == []
    again = run(["standardize", "many.csv", "--crop", "wheat", "-o", "out/y.csv"], trial)
    assert again.returncode == 0, lines_of(again.stderr)  # the manifest still knows the file


def test_errno_of_a_full_disk_is_said_for_free_inodes_only_when_none_are_left(
    tmp_path: Path,
) -> None:
    from yieldtrial.io.oserrors import describe_os_error

    message = describe_os_error(OSError(errno.ENOSPC, "No space left on device"), tmp_path, "write")
    assert message.endswith("(the disk is full; free some space or write to another disk)")


@pytest.mark.slow
def test_output_that_fits_when_its_manifest_does_not_warns(tmp_path: Path) -> None:
    # one free page: the field book fits, the manifest does not; the run used to say
    # nothing, and the next run refused to replace "a file yieldtrial did not write"
    with mounted(tmp_path / "full", "size=12k") as full:
        (full / "filler").write_bytes(b"\0" * 8192)
        argv = ["design", "crd", "--treatments", "A", "B", "--replicates", "2"]
        result = run_in_process([*argv, "-o", "full/b.csv"], tmp_path)
        assert result.returncode == 0
        warning = lines_of(result.stderr)[0]
        assert warning.startswith("yieldtrial: warning: full/b.csv was written, but it could")
        assert "needs --force" in warning
        assert listing(full) == ["b.csv", "filler"]


@pytest.mark.slow
def test_output_known_by_its_entry_before_the_rename_does_not_warn(trial: Path) -> None:
    # room for the manifest's entry written before the rename, not for the final one:
    # the file is recognised as yieldtrial's own, so no warning and no --force later
    sites = trial / "sites.csv"
    table = (trial / "plots.csv").read_text(encoding="utf-8").splitlines()
    rows = [f"site,{table[0]}"] + [f"S{s},{row}" for s in (1, 2, 3) for row in table[1:]]
    sites.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with mounted(trial / "full", "size=12k") as full:
        argv = ["network", "sites.csv", "--config", "trial.toml", "-o", "full/n.md"]
        result = run_in_process(argv, trial)
        assert result.returncode == 0
        assert "could not be recorded" not in result.stderr.decode()
        assert listing(full) == [".yieldtrial-outputs", "n.md"]


@pytest.mark.slow
def test_full_disk_keeps_the_previous_output_whole(trial: Path) -> None:
    with mounted(trial / "full", "size=80k") as full:
        argv = ["report", "plots.csv", "--config", "trial.toml", "-o", "full/r.html"]
        assert run_in_process(argv, trial).returncode == 0
        before = digest(full / "r.html")
        (full / "filler").write_bytes(b"\0" * (8 << 10))  # no room for a second copy
        assert_one_line(run_in_process([*argv, "--lang", "zh"], trial), 1, "磁盘已满")
        assert digest(full / "r.html") == before
        assert temporaries(full) == []
