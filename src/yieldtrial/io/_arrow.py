"""pyarrow, the ``fast`` extra: imported once, and a failed import said once.

yieldtrial reads and writes large CSV tables with pyarrow when it is installed and with
pandas otherwise (the same result, slower).  An installation without pyarrow is silent.
A pyarrow that is installed but fails to import is not: ``pip install "yieldtrial[fast]"``
on NumPy 1.x may fetch pyarrow 26, which refuses NumPy 1.x at import, and the fallback
would otherwise hide it.  :func:`pyarrow_usable` then warns once (a ``RuntimeWarning``,
about the installation rather than the data, so it never reaches a report's data
warnings) naming the fix: ``pip install "pyarrow<26"`` or NumPy 2.
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings

__all__ = ["ARROW_NUMPY_1_BELOW", "pyarrow_installed", "pyarrow_usable"]

#: First pyarrow release that refuses NumPy 1.x at import (25.0.1 imports with NumPy 1.25).
ARROW_NUMPY_1_BELOW = 26

#: The outcome of the first check (empty: not checked yet).
_USABLE: list[bool] = []
#: How pyarrow is looked for and imported (replaced in the tests to simulate a failure).
_find_spec = importlib.util.find_spec
_import_module = importlib.import_module


def _installed_version() -> str | None:
    """Return the installed pyarrow version from its metadata, without importing it."""
    from importlib import metadata

    try:
        return metadata.version("pyarrow")
    except metadata.PackageNotFoundError:
        return None


def _numpy_version() -> str:
    """Return NumPy's version."""
    import numpy as np

    return str(np.__version__)


def _fix() -> str:
    """Return the fix the warning names: an older pyarrow on NumPy 1.x, else a reinstall."""
    numpy = _numpy_version()
    if int(numpy.split(".")[0]) < 2:
        return (
            f'with NumPy {numpy} install an older pyarrow (pip install "pyarrow<'
            f'{ARROW_NUMPY_1_BELOW}"), or upgrade NumPy (pip install "numpy>=2")'
        )
    return "reinstall it (pip install --force-reinstall pyarrow), or uninstall it"


def pyarrow_installed() -> bool:
    """Tell whether pyarrow is installed (found, not imported: it may still fail to import).

    Returns
    -------
    bool
    """
    return _find_spec("pyarrow") is not None


def pyarrow_usable() -> bool:
    """Tell whether pyarrow imports (with its CSV and compute modules); warn once if it fails.

    Returns
    -------
    bool
        True when ``pyarrow``, ``pyarrow.csv`` and ``pyarrow.compute`` import; False when
        pyarrow is absent (silently) or installed but failing to import.

    Warns
    -----
    RuntimeWarning
        Once per process, when pyarrow is installed but its import fails: the version, the
        error and the fix (``pip install "pyarrow<26"`` on NumPy 1.x, or NumPy 2).
    """
    if _USABLE:
        return _USABLE[0]
    if not pyarrow_installed():
        _USABLE.append(False)
        return False
    try:
        for name in ("pyarrow", "pyarrow.csv", "pyarrow.compute"):
            _import_module(name)
    except Exception as error:  # noqa: BLE001 - any failure of an installed pyarrow
        _USABLE.append(False)
        version = _installed_version() or "(version unknown)"
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        warnings.warn(
            f"pyarrow {version} is installed but fails to import ({reason}); yieldtrial reads "
            f"and writes CSV with pandas instead (the same results, slower on large tables). "
            f"To use pyarrow, {_fix()}",
            RuntimeWarning,
            stacklevel=3,
        )
        return False
    _USABLE.append(True)
    return True
