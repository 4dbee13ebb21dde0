"""The test suite's own settings: the same outcome on a busy machine and on every run.

CI runs the suite twice in one clean clone on a fresh, loaded machine; a setting that
depends on the wall clock, on chance or on files left by an earlier run fails there
first (stop 43).
"""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conftest


def test_property_tests_have_no_wall_clock_deadline() -> None:
    assert settings.default.deadline is None


def test_property_tests_skip_the_too_slow_health_check() -> None:
    assert HealthCheck.too_slow in settings.default.suppress_health_check


def test_property_tests_draw_the_same_examples_every_run() -> None:
    assert settings.default.derandomize


def test_property_tests_keep_no_example_database() -> None:
    assert settings.default.database is None


_drawn: list[list[int]] = []


@settings(max_examples=5)  # a test's own settings keep the profile's other choices
@given(st.integers(0, 10**9))
def _draw(value: int) -> None:
    _drawn[-1].append(value)


def test_a_property_test_draws_the_same_examples_twice() -> None:
    for _ in range(2):
        _drawn.append([])
        _draw()
    assert _drawn[0] == _drawn[1]


def _config(*, source: str = "TESTPATHS", xdist: bool = True, **option: object) -> Any:
    """Make a stand-in for the pytest config the conftest hook reads (options as parsed)."""
    options = {"numprocesses": None, "dist": "no", "tx": [], "usepdb": False, "collectonly": False}
    return SimpleNamespace(
        option=SimpleNamespace(**{**options, **option}),
        args_source=getattr(pytest.Config.ArgsSource, source),
        pluginmanager=SimpleNamespace(hasplugin=lambda name: xdist and name == "xdist"),
    )


def _without_blas_thread_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset the BLAS thread counts for one test (monkeypatch restores them after it)."""
    for name in conftest.BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_the_whole_suite_runs_on_every_cpu_with_xdist(monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m pytest` (no paths) becomes `-n <CPUs> --dist loadfile` (README, Quick start).

    Whole files per worker: a module's fixtures and caches are built once (stop 45).
    """
    _without_blas_thread_variables(monkeypatch)
    monkeypatch.setattr(conftest, "_usable_cpus", lambda: 2)
    config = _config()
    conftest.pytest_cmdline_main(config)
    assert (config.option.numprocesses, config.option.dist) == (2, "loadfile")


def test_spread_workers_get_one_blas_thread_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """2 workers on 2 CPUs: 1 BLAS thread each, not 2 (no threads spinning for a core)."""
    _without_blas_thread_variables(monkeypatch)
    monkeypatch.setattr(conftest, "_usable_cpus", lambda: 2)
    conftest.pytest_cmdline_main(_config())
    assert {name: os.environ.get(name) for name in conftest.BLAS_THREAD_VARIABLES} == {
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def test_a_chosen_blas_thread_count_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_blas_thread_variables(monkeypatch)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    monkeypatch.setattr(conftest, "_usable_cpus", lambda: 2)
    conftest.pytest_cmdline_main(_config())
    assert os.environ["OPENBLAS_NUM_THREADS"] == "2"


def test_one_cpu_keeps_the_whole_suite_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_blas_thread_variables(monkeypatch)
    monkeypatch.setattr(conftest, "_usable_cpus", lambda: 1)
    config = _config()
    conftest.pytest_cmdline_main(config)
    assert (config.option.numprocesses, config.option.dist) == (None, "no")
    assert "OPENBLAS_NUM_THREADS" not in os.environ  # one process: BLAS keeps its threads


def test_workers_are_the_cpus_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process pinned to 3 of 64 CPUs runs 3 workers (os.sched_getaffinity, not psutil)."""
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    monkeypatch.setattr(conftest.os, "sched_getaffinity", lambda pid: {0, 5, 9}, raising=False)
    assert conftest._usable_cpus() == 3


def test_the_xdist_worker_count_variable_overrides_the_cpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "4")
    assert conftest._usable_cpus() == 4


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(_config(source="ARGS"), id="named-files"),
        pytest.param(_config(xdist=False), id="xdist-not-installed-or-p-no-xdist"),
        pytest.param(_config(numprocesses=0), id="n0"),
        pytest.param(_config(numprocesses=3, dist="load"), id="own-n"),
        pytest.param(_config(dist="loadfile"), id="own-dist"),
        pytest.param(_config(usepdb=True), id="pdb"),
        pytest.param(_config(collectonly=True), id="collect-only"),
    ],
)
def test_other_runs_keep_their_own_process_choice(config: Any) -> None:
    before = dict(vars(config.option))
    conftest.pytest_cmdline_main(config)
    assert vars(config.option) == before


def test_an_xdist_worker_does_not_spread_again() -> None:
    """A worker of pytest-xdist (-n reset to None) does not start workers of its own."""
    config = _config()
    config.workerinput = {"workerid": "gw0"}
    conftest.pytest_cmdline_main(config)
    assert config.option.numprocesses is None
