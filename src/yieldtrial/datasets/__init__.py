"""Example trials shipped with yieldtrial, honestly labelled.

Each example is a folder holding ``plots.csv`` (one row per plot, with a
``data_status`` column saying which values are published, illustrative or
synthetic), a ``README.md`` explaining where the numbers come from and, when
present, a ``trial.toml`` describing the trial (crop, controls, protocol, ...).

Examples
--------
>>> from yieldtrial import datasets
>>> "jinzhong-2024" in datasets.list_examples()
True
>>> datasets.example_path("jinzhong-2024").name
'plots.csv'
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from yieldtrial.datasets._catalogue import _SETTINGS, _example_names, _root, _trial_examples
from yieldtrial.errors import DataValidationError, WrongTypeError

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.trial import FieldTrial

__all__ = ["example_path", "list_examples", "load_example"]


def list_examples() -> list[str]:
    """Return the names of the example trials shipped with yieldtrial.

    Returns
    -------
    list of str
        Folder names under ``yieldtrial/datasets`` that hold a ``plots.csv``, sorted.
    """
    return _example_names()


def example_path(name: str, filename: str = "plots.csv") -> Path:
    """Return the path of a file (or folder) of a shipped example.

    Parameters
    ----------
    name : str
        Example name, see :func:`list_examples`.
    filename : str, default "plots.csv"
        File inside the example folder (``plots.csv``, ``README.md``, ``trial.toml``), or a
        folder of files in it (``"sites"`` of ``"site-network"``).

    Returns
    -------
    pathlib.Path
        The file's (or folder's) path.

    Raises
    ------
    DataValidationError
        If the example or the file does not exist (the message lists what does), or
        ``filename`` leads out of the example's folder (``..``, an absolute path).

    Examples
    --------
    >>> sorted(p.name for p in example_path("site-network", "sites").iterdir())
    ['太谷.csv', '榆次.csv', '祁县.csv']
    """
    names = list_examples()
    if name not in names:
        raise DataValidationError(
            f"no example named {name!r}; examples shipped: {', '.join(names)}"
        )
    inside = PurePath(filename)
    if inside.is_absolute() or ".." in inside.parts or inside.drive:
        raise DataValidationError(
            f"example file {filename!r}: give a name inside the example's folder (e.g. "
            "'plots.csv' or 'README.md'), not a path that leads out of it"
        )
    path = _root() / name / filename
    if not path.exists():
        present = sorted(p.name for p in (_root() / name).iterdir())
        raise DataValidationError(
            f"example {name!r} has no file {filename!r}; files: {', '.join(present)}"
        )
    return path


def _settings_from_toml(path: Path) -> dict[str, Any]:
    from yieldtrial.config import load_config

    config = load_config(path)
    settings: dict[str, Any] = {}
    for key in ("crop", "protocol", "standard_moisture_pct", "moisture_method", "unit", "design"):
        value = getattr(config, key, None)
        if value is not None:
            settings[key] = value
    if getattr(config, "control", ()):
        settings["control"] = tuple(config.control)
    if getattr(config, "columns", None):
        settings["columns"] = dict(config.columns)
    metadata = {
        key: getattr(config, key)
        for key in ("trial_id", "title", "site", "season", "variety", "notes")
        if getattr(config, key, None) is not None
    }
    if getattr(config, "treatments", ()):
        # the [[treatments]] tables (products, rates) let FieldTrial.efficiency() work
        metadata["treatments"] = [t.to_dict() for t in config.treatments]
    if getattr(config, "economics", None):
        # the [economics] prices: FieldTrial.economics() gives the report's numbers
        metadata["economics"] = dict(config.economics)
    if metadata:
        settings["metadata"] = metadata
    return settings


def load_example(name: str, **overrides: Any) -> FieldTrial:
    """Load a shipped example as a :class:`~yieldtrial.FieldTrial`.

    Parameters
    ----------
    name : str
        Example name, see :func:`list_examples`.
    **overrides
        Settings passed on to :meth:`FieldTrial.from_csv`, replacing the example's
        own (e.g. ``moisture_method="percentage_point"``, ``unit="kg/ha"``).

    Returns
    -------
    FieldTrial
        The trial, with the example's crop, control(s) and protocol (from its
        ``trial.toml`` when it has one).

    Raises
    ------
    DataValidationError
        For an example that is a table of the documentation (a design or network page's
        yields, no trial's plot table); read those with ``pandas.read_csv(example_path(name))``.
    WrongTypeError
        A setting :meth:`FieldTrial.from_csv` does not take (the message lists those it
        does); a :class:`TypeError` too.

    Warns
    -----
    YieldTrialWarning
        For ``"jinzhong-2024"``: 5 % moisture is implausible for harvested wheat;
        the published figure is used as printed.
    """
    from yieldtrial.trial import FieldTrial, option_names, read_deferring_warnings, reemit_warnings

    path = example_path(name)
    allowed = option_names((FieldTrial.from_csv,), ("path",)) or ()
    unknown = [option for option in overrides if option not in allowed]
    if unknown:
        # Python's TypeError named FieldTrial.from_csv(), which the caller never called
        from yieldtrial.io.checks import did_you_mean

        raise WrongTypeError(
            f"load_example() got an unknown setting {unknown[0]!r}"
            f"{did_you_mean(unknown[0], allowed)}; its settings: {', '.join(allowed)}"
        )
    trials = _trial_examples()
    if name not in trials:
        raise DataValidationError(
            f"example {name!r} is a table of the documentation (see its README.md), not a "
            f"plot table load_example reads; read it with pandas.read_csv(example_path("
            f"{name!r})); examples that load as a trial: {', '.join(trials)}"
        )
    settings: dict[str, Any] = dict(_SETTINGS.get(name, {}))
    toml = path.with_name("trial.toml")
    if toml.is_file():
        settings.update(_settings_from_toml(toml))
    settings.update(overrides)
    if "crop" not in settings:
        raise DataValidationError(f"example {name!r} does not say its crop; pass crop=")
    # from_csv counts its warnings' stack levels from its own caller (this function):
    # shown again one frame further up, they point at the user's line
    trial, caught = read_deferring_warnings(lambda: FieldTrial.from_csv(path, **settings))
    reemit_warnings(caught, stacklevel=3)  # reemit_warnings <- load_example <- the caller
    return trial
