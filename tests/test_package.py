"""Package-level behaviour: public API, lazy imports, version, entry points."""

from __future__ import annotations

import subprocess
import sys

import pytest

import yieldtrial
from yieldtrial.cli import main


def test_import_does_not_load_heavy_modules():
    """`import yieldtrial` imports neither matplotlib nor statsmodels (fresh interpreter)."""
    code = (
        "import sys, yieldtrial; "
        "heavy = [m for m in ('matplotlib', 'statsmodels', 'jinja2') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_names_resolve():
    """Every name in ``yieldtrial.__all__`` can be imported."""
    for name in yieldtrial.__all__:
        assert getattr(yieldtrial, name) is not None, name


def test_unknown_attribute_raises_attribute_error():
    """A misspelt public name is an AttributeError, as for any module."""
    with pytest.raises(AttributeError, match="no_such_name"):
        yieldtrial.no_such_name  # noqa: B018


def test_version_is_a_string():
    """The installed version is exposed as ``__version__``."""
    assert isinstance(yieldtrial.__version__, str) and yieldtrial.__version__


def test_python_dash_m_runs_cli():
    """``python -m yieldtrial --version`` works."""
    out = subprocess.run(
        [sys.executable, "-m", "yieldtrial", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("yieldtrial ")


def test_cli_without_command_is_usage_error(capsys):
    """No subcommand is one usage line on stderr (not the whole help) and exit 2."""
    assert main([]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert "usage: yieldtrial [--debug] COMMAND" in lines[0] and "--help" in lines[0]


def test_cli_unknown_option_is_usage_error(capsys):
    """An unknown option exits 2 without a traceback."""
    assert main(["--no-such-option"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_every_subcommand_has_help(capsys):
    """Each subcommand and each of its options carries help text."""
    from yieldtrial.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices, "no subcommands registered"
    for name, subparser in sub.choices.items():
        assert subparser.description or subparser.format_help(), name
        for action in subparser._actions:
            if action.dest in ("help",):
                continue
            assert action.help, f"{name}: option {action.option_strings or action.dest} has no help"
