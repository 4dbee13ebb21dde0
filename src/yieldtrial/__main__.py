"""Run the command-line interface: ``python -m yieldtrial``."""

from yieldtrial._start import run  # first: a Ctrl-C from here on is one line, exit 130

raise SystemExit(run())
