"""Shared fixtures."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")

# Property tests behave the same on every machine and every run (CI: a clean clone on a
# busy machine, the suite run twice in one tree).  No per-example deadline and no "too
# slow" health check: both time each example by the wall clock, which a loaded machine
# stretches tenfold.  Derandomized: the examples follow from each test's name (a seed),
# so a failure is the code's, found again by the next run.  No example database: a
# .hypothesis folder left by one run changed which examples the next run tried.
# Explore with fresh random examples: ``pytest --hypothesis-profile=explore``.
settings.register_profile(
    "yieldtrial",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
settings.register_profile("explore", settings.get_profile("yieldtrial"), derandomize=False)
settings.load_profile("yieldtrial")

DATA_DIR = Path(__file__).parent / "data"


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Run the whole suite on every CPU when pytest-xdist is installed (the ``test`` extra).

    Only a run of the whole suite (``python -m pytest``, no paths: the ``testpaths``) is
    spread over one worker process per usable CPU (``-n <CPUs> --dist loadfile``, see
    :func:`_usable_cpus`; nothing changes on one CPU), each with one BLAS thread
    (:func:`_one_blas_thread_per_worker`); a run of named
    files or tests, a run given ``-n``/``--dist``/``-p no:xdist``, and ``--pdb`` or
    ``--collect-only`` runs stay in one process as before.  ``-n0`` forces one process.
    Runs before pytest-xdist's own hook (``tryfirst``), which turns ``-n`` into workers.

    Each test file runs whole in one worker (``loadfile``), as in a serial run: what a
    module builds once (a ``scope="module"`` fixture, a ``functools.cache`` helper) is
    built once.  Handed out one test at a time (``loadgroup`` without groups, stop 44),
    both workers ran tests of every file and built those things twice: the two workers
    used about twice the CPU of one serial run (stop 45, docs/performance.md).  xdist
    hands out the files with the most tests first, so the last ones are short.
    """
    option = config.option
    if (
        not config.pluginmanager.hasplugin("xdist")
        or hasattr(config, "workerinput")  # an xdist worker: never spread again
        or config.args_source is not pytest.Config.ArgsSource.TESTPATHS
        or getattr(option, "numprocesses", None) is not None
        or getattr(option, "dist", "no") != "no"
        or getattr(option, "tx", None)
        or option.usepdb
        or option.collectonly
    ):
        return
    workers = _usable_cpus()
    if workers > 1:
        option.numprocesses = workers
        option.dist = "loadfile"
        _one_blas_thread_per_worker()


#: The thread-count variables of the BLAS and OpenMP libraries numpy and scipy may load.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _one_blas_thread_per_worker() -> None:
    """Give each worker of a spread run one BLAS thread (unless the caller chose a count).

    One worker per CPU, each with OpenBLAS's default of one thread per CPU, is CPUs^2
    threads on CPUs cores: the threads of a matrix decomposition wait for cores the other
    worker holds and spin meanwhile.  At load 7 on 2 CPUs,
    ``tests/test_stats_augmented_prep.py`` took 41.8 CPU s (147 s) with 2 threads and
    4.7 CPU s (28 s) with one (stop 50, docs/performance.md).  Set in the environment the
    workers inherit, before they start and load numpy; the benchmarks and the subprocess
    tests already run with ``OPENBLAS_NUM_THREADS=1``.  ``OMP_NUM_THREADS`` also gives
    pyarrow's CPU pool one thread (``pyarrow.cpu_count()``), as on a one-CPU machine: a
    streamed read stopped early then waited 30 s for pyarrow's read-ahead until stop 51
    (``test_io_streaming.py``, 489 s of one worker; ``yieldtrial.io.streaming``).
    """
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


def _usable_cpus() -> int:
    """Count the CPUs this process may run on (``PYTEST_XDIST_AUTO_NUM_WORKERS`` overrides).

    Not xdist's ``-n auto``: with psutil installed (ipykernel needs it) that counts physical
    cores, one on a 2-vCPU machine with hyper-threading; nor psutil's logical count, which
    ignores a CPU set the process is pinned to.
    """
    override = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "")
    if override.strip().isdigit():
        return int(override)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


@pytest.fixture
def data_dir() -> Path:
    """Folder of the reference cases and sample files used by the tests."""
    return DATA_DIR


@pytest.fixture
def close_figures() -> Iterator[None]:
    """Close every matplotlib figure a test drew.

    The modules that draw use it for all their tests:
    ``pytestmark = pytest.mark.usefixtures("close_figures")``.
    """
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")  # no pyplot imported: no figure open
    if pyplot is not None:
        pyplot.close("all")


@pytest.fixture(params=["float", "ndarray", "series"])
def numeric_kind(request: pytest.FixtureRequest) -> Callable[[object], object]:
    """Convert a scalar or list to one of the three numeric kinds the formulas accept."""
    kind = request.param

    def convert(values: object) -> object:
        if kind == "float":
            return float(np.asarray(values, dtype=float).reshape(-1)[0])
        if kind == "ndarray":
            return np.atleast_1d(np.asarray(values, dtype=float))
        array = np.atleast_1d(np.asarray(values, dtype=float))
        return pd.Series(array, index=[f"p{i}" for i in range(array.size)])

    convert.kind = kind  # type: ignore[attr-defined]
    return convert
