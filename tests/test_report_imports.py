"""The report package's import graph: renderers register with the model, no cycles (issue 10).

The graph is read from the source with :mod:`ast`; imports inside functions count,
imports under ``if TYPE_CHECKING:`` do not (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "yieldtrial"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """Modules of the package that ``path`` imports (at any level, outside TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            for alias in node.names:
                found.add(f"{base}.{alias.name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in modules and m != name}


def _graph(prefix: str) -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: {m for m in _imports(path, name, modules) if m.startswith(prefix)}
        for name, path in modules.items()
        if name.startswith(prefix)
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle of ``graph`` (as a path), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = dfs(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = dfs(node)
            if found:
                return found
    return None


def test_report_package_has_no_import_cycle() -> None:
    """No cycle among the modules of yieldtrial.report (function-level imports included)."""
    cycle = _cycle(_graph("yieldtrial.report"))
    assert cycle is None, " -> ".join(cycle or [])


def test_report_model_imports_no_renderer() -> None:
    """model.py and formats.py import no renderer; renderers are registered from renderers.py."""
    graph = _graph("yieldtrial.report")
    for name in ("yieldtrial.report.model", "yieldtrial.report.formats"):
        assert not {m for m in graph[name] if ".render" in m}, graph[name]
    assert {
        "yieldtrial.report.render_html",
        "yieldtrial.report.render_markdown",
        "yieldtrial.report.render_json",
        "yieldtrial.report.render_docx",
    } <= graph["yieldtrial.report.renderers"]


@pytest.mark.parametrize("package", ["yieldtrial.network", "yieldtrial.stats"])
def test_earlier_stages_do_not_import_the_report(package: str) -> None:
    """The network and the statistics are earlier stages: they never import yieldtrial.report."""
    modules = _modules()
    for name, path in modules.items():
        if name.startswith(package):
            reach = {m for m in _imports(path, name, modules) if m.startswith("yieldtrial.report")}
            assert not reach, f"{name} imports {sorted(reach)}"


def test_cycle_finder_finds_a_cycle() -> None:
    """The helper itself: a -> b -> a is reported."""
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
