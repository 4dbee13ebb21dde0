"""The oldest-versions CI run tests the lower bounds pyproject.toml declares."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / ".ci" / "oldest-constraints.txt"
RUNTIME = ("numpy", "scipy", "pandas", "statsmodels", "matplotlib", "jinja2")

pytestmark = pytest.mark.skipif(not CONSTRAINTS.exists(), reason="not a source checkout")


def _lower_bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds = {}
    for requirement in project["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement.replace(" ", ""))
        assert match, f"runtime dependency without a plain lower bound: {requirement}"
        bounds[match.group(1).lower()] = match.group(2)
    return bounds


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9.]+)", line.split("#")[0].strip())
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_every_runtime_dependency_is_pinned_at_its_lower_bound():
    """Each runtime lower bound is pinned, to the bound itself or its first PyPI release.

    scipy 1.11.0 was never uploaded to PyPI, so scipy>=1.11 is tested with 1.11.1; every other
    pin must equal the bound (padded with zeros: numpy>=1.25 -> 1.25.0).
    """
    bounds, pins = _lower_bounds(), _pins()
    assert set(bounds) == set(RUNTIME)
    for name, bound in bounds.items():
        pinned = _release(pins[name])
        floor = _release(bound) + (0,) * (len(pinned) - len(_release(bound)))
        allowed = {floor, (1, 11, 1)} if name == "scipy" else {floor}
        assert pinned in allowed, (name, bound, pins[name])


def test_ci_runs_the_oldest_versions_before_the_main_test_run():
    """.ci/run installs with the constraints and ends with the README's test command."""
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    oldest = next(i for i, c in enumerate(commands) if "oldest-constraints.txt" in c)
    oldest_tests = next(i for i, c in enumerate(commands) if "-m pytest" in c)
    assert oldest < oldest_tests
    assert commands[-1] == "python -m pytest -q"
    assert commands[0] == "set -euo pipefail"


def test_ci_removes_its_work_folder_however_it_ends():
    """.ci/run deletes its two virtual environments on exit (stop 43's CI ran out of disk).

    Each run leaves about 1.8 GB otherwise; the machine that runs CI had filled up and the
    newest-version install failed half way through a 55 MB wheel.
    """
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "work=$(mktemp -d)\n" in text
    assert "trap 'rm -rf \"$work\"' EXIT\n" in text
    assert text.index("trap 'rm -rf") < text.index("python3 -m venv")


def test_ci_retries_every_install():
    """Every pip install in .ci/run goes through `retry` (a dropped download is not a failure)."""
    installs = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if "pip install" in line and not line.strip().startswith("#")
    ]
    assert installs and all(line.startswith("retry ") for line in installs), installs
