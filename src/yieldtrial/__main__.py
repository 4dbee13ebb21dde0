"""Run the command-line interface: ``python -m yieldtrial`` and the console script."""

from yieldtrial.commands._start import install  # first: a Ctrl-C from here on is one line


def run() -> int:
    """Run the command line as the program (the ``yieldtrial`` console script's entry point).

    Ctrl-C is taken by :func:`yieldtrial.commands._start.interrupted_at_start` (one line,
    exit 130) until :func:`yieldtrial.cli.main` installs its own handling.
    """
    install()
    from yieldtrial.cli import main

    return main()


if __name__ == "__main__":
    raise SystemExit(run())
