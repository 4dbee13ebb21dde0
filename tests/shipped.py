"""The shipped example trials as the tests use them: one report or trial per call.

About a dozen test modules analyse the shipped ``replicated-rcbd`` example (3 treatments x 4
blocks) with its own ``trial.toml``; they build it here so the setup is written once.
"""

from __future__ import annotations

from typing import Any

from yieldtrial.config import TrialConfig
from yieldtrial.datasets import example_path
from yieldtrial.report.files import load_trial, report_from_files

RCBD = "replicated-rcbd"


def example_report(name: str = RCBD, **options: Any) -> Any:
    """``report_from_files`` of a shipped example with its ``trial.toml``; the report only.

    ``options`` go to :func:`yieldtrial.report.files.report_from_files` unchanged
    (``lang``, ``report_date``, ``figures``, ``overrides``, ...).
    """
    report, _ = report_from_files(example_path(name), example_path(name, "trial.toml"), **options)
    return report


def example_config(name: str = RCBD) -> TrialConfig:
    """Return the ``trial.toml`` of a shipped example."""
    return TrialConfig.from_file(example_path(name, "trial.toml"))


def example_trial(name: str = RCBD) -> Any:
    """Return the shipped example read with its own ``trial.toml`` (a :class:`FieldTrial`)."""
    return load_trial(example_path(name), example_config(name))
