"""The shipped examples on disk: their names, which are trial plot tables, default settings.

Package-private: :mod:`yieldtrial.datasets` and ``yieldtrial standardize --example`` share
it (one list of the examples that load as a trial).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

# Settings used when an example has no trial.toml (and defaults under one).
_SETTINGS: dict[str, dict[str, Any]] = {
    "jinzhong-2024": {
        "crop": "wheat",
        "control": ("CK1", "CK2"),
        "protocol": "cn-yield-test",
        "unit": "kg/mu",
        "metadata": {
            "title": "Wheat fertilizer-synergist demonstration, Jinzhong 2024",
            "site": "Jinzhong national agricultural hi-tech zone, Shanxi",
            "season": "2024",
            "note": "only T's 442 kg/mu at 5 % moisture is published; CK1 and CK2 are "
            "illustrative (see data_status)",
        },
    },
    "replicated-rcbd": {
        "crop": "wheat",
        "control": ("CK1", "CK2"),
        "protocol": "cn-yield-test",
        "metadata": {"title": "Synthetic replicated RCBD (illustration only)"},
    },
}


def _root() -> Path:
    return Path(str(resources.files("yieldtrial.datasets")))


def _example_names() -> list[str]:
    """Names of the example folders that hold a ``plots.csv``, sorted."""
    return sorted(p.parent.name for p in _root().glob("*/plots.csv"))


def _trial_examples() -> list[str]:
    """Names of the examples that are plot tables of a trial (a crop, in code or trial.toml)."""
    return [
        name
        for name in _example_names()
        if name in _SETTINGS or (_root() / name / "trial.toml").is_file()
    ]
