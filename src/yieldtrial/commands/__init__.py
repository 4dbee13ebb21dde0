"""Subcommands of the ``yieldtrial`` CLI, one module each (see :mod:`yieldtrial.cli`)."""
