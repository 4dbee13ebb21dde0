"""Run the command-line interface: ``python -m yieldtrial``."""

from yieldtrial.cli import main

raise SystemExit(main())
