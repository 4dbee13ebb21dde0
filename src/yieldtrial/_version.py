"""The installed version of yieldtrial, for provenance records and report headers.

Read on first use (``yieldtrial.__version__``): :mod:`importlib.metadata` and the standard
library behind it took about two thirds of ``import yieldtrial``, time in which a Ctrl-C at
the program's start ended it with a traceback (stop 52).
"""

from __future__ import annotations

__all__ = ["__version__"]  # noqa: F822 - defined on first use, by __getattr__


def _installed_version() -> str:
    """Return the installed package's version, or ``0.0.0+unknown`` from a source tree."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("yieldtrial")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    """Return ``__version__``, read from the installed package's metadata once."""
    if name != "__version__":
        raise AttributeError(f"module 'yieldtrial._version' has no attribute {name!r}")
    value = _installed_version()
    globals()["__version__"] = value
    return value
