"""Documentation that must stay true: Markdown examples, numpydoc sections, CLI help."""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from doc_files import script_display
from yieldtrial.cli import COMMANDS, main

DOCS = Path(__file__).resolve().parents[1] / "docs"

# modules whose public functions are the documented domain API
DOCUMENTED_MODULES = ("units", "protocols", "moisture", "harvest", "io")

# parameter-name suffixes that carry a unit and so need "[unit]" in their description
UNIT_SUFFIXES = ("_pct", "_kg", "_g", "_m2", "_mu", "_ha", "_kg_ha", "_kg_mu")


def _public_functions() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for name in DOCUMENTED_MODULES:
        module = importlib.import_module(f"yieldtrial.{name}")
        for attribute in module.__all__:
            value = getattr(module, attribute)
            if inspect.isfunction(value):
                found.append((f"{name}.{attribute}", value))
    return found


def _section(doc: str, title: str) -> str | None:
    """Return the body of a numpydoc section, or None when it is absent."""
    match = re.search(rf"^{title}\n-+\n(.*?)(?=^\S[^\n]*\n-+\n|\Z)", doc, re.M | re.S)
    return match.group(1) if match else None


def _parameter_descriptions(section: str) -> dict[str, str]:
    """Map each documented parameter name to its description text."""
    described: dict[str, str] = {}
    names: list[str] = []
    for line in section.splitlines():
        if line and not line[0].isspace():
            names = [n.strip().lstrip("*") for n in line.split(":")[0].split(",")]
            for name in names:
                described[name] = ""
        else:
            for name in names:
                described[name] += line.strip() + " "
    return described


PUBLIC_FUNCTIONS = _public_functions()


@pytest.mark.parametrize(
    ("name", "function"), PUBLIC_FUNCTIONS, ids=[n for n, _ in PUBLIC_FUNCTIONS]
)
def test_public_function_has_numpydoc_sections(name, function):
    """Each public function documents Parameters (if any), Returns and a doctested Example."""
    doc = inspect.getdoc(function) or ""
    takes_arguments = bool(inspect.signature(function).parameters)
    for title in ("Parameters", "Returns", "Examples") if takes_arguments else ("Returns",):
        assert _section(doc, title) is not None, f"{name}: no {title} section"
    assert ">>>" in (_section(doc, "Examples") or ""), f"{name}: Examples without >>> lines"


@pytest.mark.parametrize(
    ("name", "function"), PUBLIC_FUNCTIONS, ids=[n for n, _ in PUBLIC_FUNCTIONS]
)
def test_public_function_documents_every_parameter_with_units(name, function):
    """Every parameter is documented; a name with a unit suffix states its unit in brackets."""
    doc = inspect.getdoc(function) or ""
    described = _parameter_descriptions(_section(doc, "Parameters") or "")
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        assert parameter.name in described, f"{name}: parameter {parameter.name} undocumented"
        if parameter.name.endswith(UNIT_SUFFIXES):
            assert "[" in described[parameter.name], (
                f"{name}: parameter {parameter.name} gives no [unit]"
            )


def test_published_formulas_cite_references():
    """The functions that implement published formulas carry a References section."""
    from yieldtrial import harvest, moisture, units

    for function in (
        moisture.standardize_moisture,
        moisture.dry_basis_from_wet_basis_pct,
        moisture.wet_basis_from_dry_basis_pct,
        moisture.grain_trade_adjusted_mass,
        harvest.plot_yield,
        harvest.standardized_mass_kg,
        harvest.theoretical_yield,
        units.convert_yield,
        units.bushel_weight_kg,
    ):
        doc = inspect.getdoc(function) or ""
        assert _section(doc, "References"), f"{function.__name__}: no References section"


def _fenced_block_after(text: str, marker: str) -> str:
    """Return the first fenced code block that follows ``marker`` in ``text``."""
    blocks = _fenced_blocks(text[text.index(marker) :])
    assert blocks, f"no code block after {marker!r}"
    return blocks[0][1] + "\n"


@pytest.mark.parametrize("page", ["moisture-methods.md", "getting-started.md"])
def test_markdown_examples_run(page, tmp_path, monkeypatch):
    """The ``>>>`` examples of the page run and print what the page shows."""
    text = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    # getting-started reads the plot table it shows just before its Python example
    (tmp_path / "plots.csv").write_text(
        _fenced_block_after(text, "Write one row per plot"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    with script_display():
        result = doctest.testfile(
            str(DOCS / page),
            module_relative=False,
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
            raise_on_error=False,
            verbose=False,
        )
    assert result.attempted > 0, f"{page}: no examples found"
    assert result.failed == 0, f"{page}: {result.failed} example(s) failed (see output above)"


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    """Return (info string, body) of every fenced code block, fences paired line by line."""
    blocks: list[tuple[str, str]] = []
    info: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("```"):
            if info is None:
                info, body = line[3:].strip(), []
            else:
                blocks.append((info, "\n".join(body)))
                info = None
        elif info is not None:
            body.append(line)
    return blocks


def _shell_examples(page: str) -> list[tuple[str, list[str]]]:
    """Return each ``$ yieldtrial ...`` command of a page with the output lines it shows."""
    text = (DOCS / page).read_text(encoding="utf-8")
    examples: list[tuple[str, list[str]]] = []
    for info, block in _fenced_blocks(text):
        if info:  # python blocks are doctested separately
            continue
        for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
            if chunk.startswith("$ yieldtrial "):
                command, *shown = chunk.strip().splitlines()
                examples.append((command[2:], [line for line in shown if line != "..."]))
    return examples


SHELL_EXAMPLES = _shell_examples("getting-started.md") + _shell_examples("moisture-methods.md")


@pytest.mark.parametrize(("command", "shown"), SHELL_EXAMPLES, ids=[c for c, _ in SHELL_EXAMPLES])
def test_documented_commands_print_what_the_page_shows(command, shown, capsys):
    """Each ``$ yieldtrial`` command of the pages succeeds and prints the lines shown."""
    assert main(shlex.split(command)[1:]) == 0
    out = capsys.readouterr().out.splitlines()
    for line in shown:
        assert line in out, f"{command!r} no longer prints {line!r}"


def test_pages_show_shell_examples():
    """The pages still have the standardize and audit commands (the parser above found them)."""
    commands = [c.split()[1] for c, _ in SHELL_EXAMPLES]
    assert {"standardize", "audit"} <= set(commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_help_has_examples(command, capsys):
    """``yieldtrial COMMAND --help`` exits 0 and ends with runnable examples."""
    assert main([command, "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "examples:" in help_text
    assert f"yieldtrial {command}" in help_text.split("examples:")[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_help_is_a_phrase(command):
    """Every option of every subcommand has a help text of at least a few words."""
    from yieldtrial.cli import build_parser

    parser = build_parser((command,))
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for action in subparsers.choices[command]._actions:
        if action.dest == "help":
            continue
        assert action.help and len(action.help.split()) >= 2, (
            f"{command}: option {action.option_strings or action.dest} has no real help"
        )


#: Options without choices whose default a new user needs in ``--help`` (cli.md's tables).
DEFAULTS_SHOWN = {"report": ("--design", "--unit", "--margin-pct")}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_with_choices_states_its_default(command):
    """An option with choices (and report's design, unit, margin) says its default in --help.

    ``audit --format``, ``demo/network/report --lang``, ``plan --alternative`` and
    ``report --block-effects`` did not; cli.md's tables did.
    """
    from yieldtrial.cli import build_parser

    parser = build_parser((command,))
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for action in subparsers.choices[command]._actions:
        named = action.choices is not None or any(
            o in DEFAULTS_SHOWN.get(command, ()) for o in action.option_strings
        )
        if not named or not action.option_strings or action.required:
            continue
        assert "default" in (action.help or ""), f"{command} {action.option_strings}: no default"


def test_data_format_header_table_matches_the_reader():
    """Every English and Chinese header listed in data-format.md is recognised by read_plots."""
    from yieldtrial.io import recognised_headers

    known = {alias for aliases in recognised_headers().values() for alias in aliases}
    text = (DOCS / "data-format.md").read_text(encoding="utf-8")
    section = text.split("## Recognised headers", 1)[1].split("\n## ", 1)[0]
    listed = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("Column", "yield") or set(cells[0]) <= {"-"}:
            continue
        for cell in cells[1:]:
            listed += [name.strip() for part in cell.split(" / ") for name in part.split(",")]
    assert len(listed) > 50, "the header table was not found"
    assert sorted(set(listed) - known) == []


def test_glossary_crop_aliases_are_accepted():
    """Every crop alias listed in glossary.md resolves to its canonical key."""
    from yieldtrial.protocols import canonical_crop

    text = (DOCS / "glossary.md").read_text(encoding="utf-8")
    section = text.split("## Crops", 1)[1]
    checked = 0
    for line in section.splitlines():
        match = re.fullmatch(r"\| `(\w+)` \| (.*) \|", line.strip())
        if not match:
            continue
        key, aliases = match.groups()
        for alias in re.sub(r"\(.*?\)", "", aliases).split(","):
            assert canonical_crop(alias.strip()) == key, alias
            checked += 1
        assert canonical_crop(key) == key
    assert checked > 30, "the crop table was not found"


def test_cli_reference_has_a_section_for_every_command():
    """docs/cli.md documents every subcommand the CLI registers."""
    from pathlib import Path

    from yieldtrial.cli import COMMANDS

    text = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"## `yieldtrial {name}`" not in text]
    assert missing == []


# ------------------------------------------------------------------ --help examples run as typed


def _help_examples() -> list[tuple[str, str]]:
    """(command, example line) of every ``yieldtrial COMMAND --help`` examples section."""
    from yieldtrial.cli import build_parser

    found = []
    for command in COMMANDS:
        parser = build_parser((command,))
        subparsers = next(a for a in parser._actions if a.dest == "command")
        epilog = subparsers.choices[command].epilog or ""
        section = epilog.split("examples:", 1)[1].split("\n\n", 1)[0].replace("\\\n", " ")
        found += [(command, line.strip()) for line in section.splitlines() if line.strip()]
    return found


HELP_EXAMPLES = _help_examples()


def _help_example_files(command: str, folder: Path) -> None:
    """Write the files the examples of ``command`` name, as a user's would be.

    Every command gets the shipped replicated RCBD (``plots.csv``, ``trial.toml``) and Yates'
    oats (``oats.csv``); ``audit`` a plot table with its published ``折标产量(kg/亩)`` column;
    ``network`` a four-site table with year and yield_kg_mu columns, the same as
    ``plots.xlsx`` with ``rep`` and ``variety`` headers, the shipped farm network as
    ``farms.csv`` and a folder ``sites/`` of raw Chinese site files.
    """
    import pandas as pd

    from doc_files import copy_example, write_oats, write_sites
    from yieldtrial import FieldTrial

    copy_example(folder)
    write_oats(folder)
    if command == "audit":
        plots = pd.read_csv(folder / "plots.csv")
        published = FieldTrial.from_csv(folder / "plots.csv", crop="wheat").yields(unit="kg/mu")
        plots["折标产量(kg/亩)"] = published["yield_kg_mu"].round(2).to_numpy()
        plots.to_csv(folder / "plots.csv", index=False)
    if command == "network":
        from yieldtrial.datasets import example_path

        write_sites(folder)
        sites = pd.read_csv(folder / "sites.csv")
        sites.insert(0, "year", 2024)
        sites["yield_kg_mu"] = (sites.pop("yield_kg_ha") / 15).round(2)
        sites.to_csv(folder / "plots.csv", index=False)
        renamed = sites.drop(columns="year")
        renamed = renamed.rename(columns={"block": "rep", "treatment": "variety"})
        if importlib.util.find_spec("openpyxl") is not None:
            renamed.to_excel(folder / "plots.xlsx", index=False)
        (folder / "trial.toml").write_text(
            '[trial]\ncrop = "wheat"\n\n[analysis]\ncontrol = "CK"\n', encoding="utf-8"
        )
        shutil.copy(example_path("farm-network"), folder / "farms.csv")


@pytest.mark.parametrize(("command", "example"), HELP_EXAMPLES, ids=[e for _, e in HELP_EXAMPLES])
def test_every_help_example_runs_as_typed(command, example, tmp_path, monkeypatch, capsys):
    """Each example of ``yieldtrial COMMAND --help`` exits 0 on the files it names."""
    from doc_files import expand_braces

    words = expand_braces(shlex.split(example, comments=True))
    if any(word.endswith(".xlsx") for word in words):
        pytest.importorskip("openpyxl")
    _help_example_files(command, tmp_path)
    monkeypatch.chdir(tmp_path)
    code = main(words[1:])
    assert code == 0, f"{example}: exit {code}\n{capsys.readouterr().err}"


def test_help_examples_are_found():
    """The parser above finds the examples of every subcommand."""
    assert {command for command, _ in HELP_EXAMPLES} == set(COMMANDS)
    assert len(HELP_EXAMPLES) > 25


def test_getting_started_error_is_what_the_command_prints(tmp_path, monkeypatch, capsys):
    """The error message getting-started.md shows is the one line the CLI prints."""
    text = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    table = _fenced_block_after(text, "Write one row per plot")
    shown = _fenced_block_after(text, "## When something is wrong")
    fractions = {"12.7": "0.127", "13.7": "0.137", "13.4": "0.134", "13.8": "0.138"}
    lines = table.splitlines()
    for number, line in enumerate(lines[1:], 1):
        cells = line.split(",")
        cells[5] = fractions[cells[5]]
        lines[number] = ",".join(cells)
    (tmp_path / "plots.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["standardize", "plots.csv", "--crop", "wheat", "-o", "yields.csv"]) == 1
    assert capsys.readouterr().err.strip() == " ".join(shown.split())
