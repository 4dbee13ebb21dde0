"""The test suite's own settings: the same outcome on a busy machine and on every run.

CI runs the suite twice in one clean clone on a fresh, loaded machine; a setting that
depends on the wall clock, on chance or on files left by an earlier run fails there
first (stop 43).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


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
