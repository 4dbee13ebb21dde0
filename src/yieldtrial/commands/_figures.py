"""The one set-up of the commands that draw (``report``, ``demo``, ``design --map``).

A command that draws calls :func:`use_file_backend` before it first imports matplotlib:
figures go to files (the Agg backend, no display needed) and matplotlib's log records
below ERROR stay off standard error.  The command line speaks in its own one-line
messages; matplotlib's note about its cache folder (``mkdir -p failed ...``,
``Matplotlib created a temporary cache directory ...``, when MPLCONFIGDIR or HOME is not
writable) comes while matplotlib is imported, so the level is set before that import.
:mod:`logging` (about 4 ms) is imported here, so a command that draws nothing (``audit``,
``--help``) never imports it.  :func:`yieldtrial.cli.main` puts the levels back when the
command ends (:func:`restore_library_logs`).
"""

from __future__ import annotations

import os
import sys

__all__ = ["quiet_library_logs", "restore_library_logs", "use_file_backend"]

#: Loggers of libraries that would print on standard error: matplotlib says, on two lines,
#: that it made a temporary cache folder when MPLCONFIGDIR (or HOME) is not writable.
QUIET_LOGGERS = ("matplotlib",)

#: Logger name -> its level before :func:`quiet_library_logs` (empty: nothing to restore).
_saved_levels: dict[str, int] = {}


def quiet_library_logs() -> None:
    """Keep the records below ERROR of :data:`QUIET_LOGGERS` off standard error."""
    import logging

    for name in QUIET_LOGGERS:
        if name not in _saved_levels:
            _saved_levels[name] = logging.getLogger(name).level
            logging.getLogger(name).setLevel(logging.ERROR)


def restore_library_logs() -> None:
    """Put back the levels :func:`quiet_library_logs` changed (no-op when it did nothing)."""
    if not _saved_levels:
        return
    logging = sys.modules["logging"]  # loaded by quiet_library_logs
    for name, level in _saved_levels.items():
        logging.getLogger(name).setLevel(level)
    _saved_levels.clear()


def use_file_backend() -> None:
    """Draw figures off-screen, matplotlib's log notes quiet: the command only writes files.

    Under a umask that takes the owner's own bits (``umask 777``), matplotlib's
    temporary configuration folder (made at its import when HOME is not writable) was
    mode 000: the import failed, and matplotlib's clean-up at exit printed two tracebacks
    and left the folder behind.  The import runs with the owner's bits allowed.
    """
    quiet_library_logs()
    mask = os.umask(0o077)  # read by setting: 077 for the instant, never 0
    os.umask(mask & 0o077)
    try:
        import matplotlib
    finally:
        os.umask(mask)

    matplotlib.use("Agg")
