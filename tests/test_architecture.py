"""The package layout of docs/architecture.md: stages, import directions, no import cycles.

The import graph is read from the source with :mod:`ast`, every ``import`` statement
included (module level, function level and ``TYPE_CHECKING`` blocks), so a cycle that
only closes at run time inside a function is caught too.  The one allowed exception is
the list :data:`yieldtrial.trial.FORWARD_METHODS`: convenience methods of ``FieldTrial``
that reach forward to the report and the network.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from yieldtrial.trial import FORWARD_METHODS

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "yieldtrial"

#: Stage of each top-level module or subpackage; a module may import only its own stage
#: or an earlier one (docs/architecture.md).
STAGES: dict[str, int] = {
    "errors": 0,
    "_typing": 0,
    "_version": 0,
    "units": 1,
    "protocols": 1,
    "moisture": 1,
    "harvest": 1,
    "io": 1,
    "plotting": 1,
    "stats": 2,
    "design": 3,
    "config": 4,
    "efficiency": 5,
    "economics": 5,
    "nutrients": 5,
    "network": 5,
    "trial": 6,
    "report": 7,
    "datasets": 8,
    "commands": 9,
    "cli": 9,
    "__main__": 9,
    "": 10,  # the package itself: lazily re-exports everything
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _import_target(node: ast.ImportFrom, package: str) -> str:
    """Return the module a ``from ... import`` reads, a relative import resolved in ``package``."""
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _exempt_nodes(tree: ast.Module, module: str) -> set[int]:
    """Ids of the import nodes inside the FORWARD_METHODS of FieldTrial."""
    if module != "yieldtrial.trial":
        return set()
    exempt: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "FieldTrial":
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name in FORWARD_METHODS:
                    exempt |= {id(n) for n in ast.walk(item)}
    return exempt


def _type_only_nodes(nodes: list[ast.AST]) -> set[int]:
    """Ids of the nodes inside ``if TYPE_CHECKING:`` blocks (annotations only).

    ``nodes``: every node of a module's tree (``list(ast.walk(tree))``).
    """
    inside: set[int] = set()
    for node in nodes:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return inside


def _imports_of(imports: list[ast.AST], module: str, path: Path, exempt: set[int]) -> set[str]:
    """Return the yieldtrial modules ``module``'s import statements name (``exempt`` left out)."""
    modules = _modules()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    deps: set[str] = set()
    for node in imports:
        if id(node) in exempt:
            continue
        if isinstance(node, ast.Import):
            deps |= {d for a in node.names if (d := _resolve(a.name, modules))}
        elif isinstance(node, ast.ImportFrom):
            target = _import_target(node, package)
            for alias in node.names:
                full = f"{target}.{alias.name}"
                dep = full if full in modules else _resolve(target, modules)
                if dep:
                    deps.add(dep)
    deps.discard(module)
    return deps


@dataclass(frozen=True)
class _Facts:
    """What the checks of this file read from one module's syntax tree."""

    imports: frozenset[str]  # every import statement
    run_imports: frozenset[str]  # without the annotation-only ones (TYPE_CHECKING)
    studentized_range: bool  # the code reaches scipy's studentized_range
    private_names: tuple[str, ...]  # private_name_imports
    private_attributes: tuple[str, ...]  # private_attribute_uses
    unused_private: tuple[str, ...]  # a package's private names imported and not used


@cache
def _package_facts() -> dict[str, _Facts]:
    """Parse every module of the package once and keep what the checks need, not the trees.

    The package was parsed three times (the import graph with and without annotation-only
    imports, the studentized-range check), some 4 CPU s of this file; kept, its syntax
    trees would slow every later garbage collection of the test process (stop 52).
    """
    modules = _modules()
    names = set(modules)
    facts: dict[str, _Facts] = {}
    for module, path in modules.items():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        nodes = list(ast.walk(tree))  # walked once: every check reads this list
        imports = [n for n in nodes if isinstance(n, (ast.Import, ast.ImportFrom))]
        exempt = _exempt_nodes(tree, module)
        is_package = path.name == "__init__.py"
        facts[module] = _Facts(
            imports=frozenset(_imports_of(imports, module, path, exempt)),
            run_imports=frozenset(
                _imports_of(imports, module, path, exempt | _type_only_nodes(nodes))
            ),
            studentized_range=_uses_scipy_studentized_range(nodes),
            private_names=tuple(
                private_name_imports(module, source, names, is_package=is_package, tree=tree)
            ),
            private_attributes=tuple(
                private_attribute_uses(module, source, names, is_package=is_package, tree=tree)
            ),
            unused_private=tuple(_unused_private_names(nodes, module)) if is_package else (),
        )
    return facts


def import_graph(*, type_only: bool = True) -> dict[str, set[str]]:
    """Map each module to the yieldtrial modules it imports.

    Every import statement counts; ``type_only=False`` leaves out the imports made for
    annotations only (``if TYPE_CHECKING:``), which never run.
    """
    return {
        module: set(fact.imports if type_only else fact.run_imports)
        for module, fact in _package_facts().items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _stage(module: str) -> int:
    top = module.split(".")[1] if "." in module else ""
    return STAGES[top]


def test_import_graph_has_no_cycle():
    """No import cycle among yieldtrial's modules, function-level imports included."""
    assert _cycles(import_graph()) == []


def test_a_cycle_would_be_found():
    """The cycle finder reports a planted two-module cycle (guards the test above)."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_every_module_has_a_stage():
    """Each top-level module and subpackage is placed in docs/architecture.md's stages."""
    unplaced = sorted(m for m in import_graph() if ("." in m and m.split(".")[1] not in STAGES))
    assert unplaced == []


def test_imports_never_reach_a_later_stage():
    """A module imports only its own stage or earlier ones (FORWARD_METHODS excepted).

    Imports for annotations only (``TYPE_CHECKING``) may name a later stage's types.
    """
    graph = import_graph(type_only=False)
    forward = sorted(
        f"{m} -> {d}" for m, deps in graph.items() for d in deps if _stage(d) > _stage(m)
    )
    assert forward == []


def test_no_module_imports_the_root_package():
    """Only the root ``__init__`` re-exports; no module imports ``yieldtrial`` itself."""
    graph = import_graph()
    assert sorted(m for m, deps in graph.items() if "yieldtrial" in deps) == []


def test_forward_methods_exist():
    """Each listed exception is a real FieldTrial method."""
    from yieldtrial.trial import FieldTrial

    assert all(callable(getattr(FieldTrial, name)) for name in FORWARD_METHODS)


def test_top_level_holds_at_most_fifteen_modules():
    """Stages are folders: the top level keeps the public formula modules and a few more."""
    assert len(list(PACKAGE.glob("*.py"))) <= 15


@pytest.mark.parametrize("package", ["io", "design", "efficiency", "stats", "network", "report"])
def test_stage_packages_document_what_they_may_import(package):
    """Each stage package says in its docstring what it holds and what it may import."""
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text("utf-8")))
    assert doc and "import" in doc.lower()


def _uses_scipy_studentized_range(nodes: list[ast.AST]) -> bool:
    """Tell whether the module's code (not its docstrings) reaches scipy's studentized_range."""
    for node in nodes:
        if isinstance(node, ast.Attribute) and node.attr == "studentized_range":
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scipy"):
            if any(alias.name == "studentized_range" for alias in node.names):
                return True
    return False


def test_one_studentized_range_implementation():
    """Only yieldtrial.stats.distributions evaluates the studentized range (Tukey, HSD)."""
    users = sorted(name for name, fact in _package_facts().items() if fact.studentized_range)
    assert users in ([], ["yieldtrial.stats.distributions"])


#: Private names a module may import from another yieldtrial module that is not itself
#: private, and why each stays (stop 50: none).
PRIVATE_IMPORTS_ALLOWED: dict[str, str] = {}


#: A superset of the modules worth parsing: ``import`` followed on its line (or inside its
#: parentheses) by a name that starts with one underscore.
_MAY_IMPORT_A_PRIVATE_NAME = re.compile(r"\bimport\s+(?:\([^)]*|(?:[^\n]|\\\n)*)\b_[A-Za-z]")


def _is_private(dotted: str) -> bool:
    """Tell whether a dotted module path runs through a package-private module (``_x``)."""
    return any(part.startswith("_") for part in dotted.split("."))


def private_name_imports(
    module: str,
    source: str,
    modules: set[str],
    *,
    is_package: bool = False,
    tree: ast.Module | None = None,
) -> list[str]:
    """Return ``module: source -> _name`` for each private name ``module`` imports.

    Not counted: a private *module* (``from yieldtrial.stats import _mvt_sov``), any name of
    a module whose path holds a private part (``yieldtrial.network._summary``: private to
    its package by convention), dunder names (``__version__``), and modules outside
    yieldtrial.  Read with :mod:`ast`: function-level and multi-line imports count;
    ``is_package`` says ``module`` is a package's ``__init__`` (for relative imports);
    ``tree``: the source already parsed.
    """
    package = module if is_package else module.rpartition(".")[0]
    found: list[str] = []
    if not _MAY_IMPORT_A_PRIVATE_NAME.search(source):
        return found  # not parsed: most modules import no name that starts with "_"
    for node in ast.walk(tree or ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        target = _import_target(node, package)
        if not target.startswith("yieldtrial") or _is_private(target):
            continue
        for alias in node.names:
            name = alias.name
            if name.startswith("__") or not name.startswith("_"):
                continue
            if f"{target}.{name}" not in modules:
                found.append(f"{module}: {target} -> {name}")
    return found


def test_no_module_imports_a_private_name_of_another():
    """A private name stays in its module: shared helpers are public or package-private.

    ``report.sections.checks`` imported ``report.sections.data._outlier_items`` (stop 49),
    and some 65 more such imports reached into another module's private functions and
    constants; the helpers became public names of their module (not of the package) or
    moved to a package-private ``_module`` (stop 50).
    """
    found = {line for fact in _package_facts().values() for line in fact.private_names}
    assert sorted(found - set(PRIVATE_IMPORTS_ALLOWED)) == []


def test_a_private_name_import_would_be_found():
    """The finder reports a planted import and leaves the allowed forms alone."""
    modules = {"yieldtrial.a", "yieldtrial.b", "yieldtrial.p", "yieldtrial.p._m"}
    source = (
        "from yieldtrial.b import _helper, public\n"
        "from yieldtrial.p import _m\n"
        "from yieldtrial.p._m import _shared\n"
        "from yieldtrial._version import __version__\n"
        "def f():\n    from yieldtrial.b import (\n        _CONSTANT,\n    )\n"
    )
    assert private_name_imports("yieldtrial.a", source, modules) == [
        "yieldtrial.a: yieldtrial.b -> _helper",
        "yieldtrial.a: yieldtrial.b -> _CONSTANT",
    ]


#: Private attributes a module may read from another yieldtrial module that is not itself
#: private (``tf._read_head(path)``), and why each stays (stop 51: none).
PRIVATE_ATTRIBUTES_ALLOWED: dict[str, str] = {}

#: A superset of the modules worth parsing for attribute uses: a dotted name whose last
#: attribute starts with one underscore (``tf._read_head``, ``yieldtrial.io.validation._x``;
#: group 1 is its first name) ...
_MAY_USE_A_PRIVATE_ATTRIBUTE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(?:\.\w+)*\._[A-Za-z]")
#: ... where that first name is a word of an import of yieldtrial (relative ones included).
_YIELDTRIAL_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?:yieldtrial\b|\.)\S*[ \t]+import|import(?=[^\n]*\byieldtrial\b))"
    r"[ \t]+(\([^)]*\)|(?:[^\n]|\\\n)*)",
    re.MULTILINE,
)


def _bound_modules(tree: ast.Module, package: str, modules: set[str]) -> dict[str, str]:
    """Map each name that an import binds to a yieldtrial module (any scope) to the module."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.partition(".")[0] == "yieldtrial":  # binds yieldtrial, or the alias
                    bound[alias.asname or "yieldtrial"] = (
                        alias.name if alias.asname else "yieldtrial"
                    )
        elif isinstance(node, ast.ImportFrom):
            target = _import_target(node, package)
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    bound[alias.asname or alias.name] = f"{target}.{alias.name}"
    return bound


def _named_module(node: ast.expr, bound: dict[str, str], modules: set[str]) -> str | None:
    """Return the yieldtrial module an expression (``tf``, ``yieldtrial.io.validation``) names."""
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _named_module(node.value, bound, modules)
        if base is not None and f"{base}.{node.attr}" in modules:
            return f"{base}.{node.attr}"
    return None


def private_attribute_uses(
    module: str,
    source: str,
    modules: set[str],
    *,
    is_package: bool = False,
    tree: ast.Module | None = None,
) -> list[str]:
    """Return ``module: target -> _name`` for each private attribute of another module read.

    Counted: ``tf._read_head`` after ``from yieldtrial.io import table_files as tf`` or
    ``import yieldtrial.io.table_files as tf``, ``yieldtrial.io.validation._x`` after
    ``import yieldtrial.io.validation``, in any scope.  Not counted, as for
    :func:`private_name_imports`: a private module (``network._engine``), any attribute of
    a module whose path holds a private part, dunders, the module's own names, attributes
    of objects that are not modules (``result._reml``); ``tree``: the source already parsed.
    """
    imported = {w for m in _YIELDTRIAL_IMPORT.finditer(source) for w in re.findall(r"\w+", m[1])}
    if not imported & set(_MAY_USE_A_PRIVATE_ATTRIBUTE.findall(source)):
        return []  # not parsed: most modules read no "_x" of a name an import binds
    tree = tree or ast.parse(source)
    bound = _bound_modules(tree, module if is_package else module.rpartition(".")[0], modules)
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not node.attr.startswith("_"):
            continue
        if node.attr.startswith("__"):
            continue
        target = _named_module(node.value, bound, modules)
        if target is None or target == module or _is_private(target):
            continue
        if f"{target}.{node.attr}" not in modules:
            found.append(f"{module}: {target} -> {node.attr}")
    return found


def test_no_module_reads_a_private_attribute_of_another():
    """What no module imports, none reads as an attribute of the module either.

    ``io.streaming`` ran the CSV reader's checks as ``tf._read_head``, ``tf._separator``,
    ``tf._HEAD`` (9 names of ``io.table_files``), ``io.plots`` and ``network._columns``
    read 3 private functions of ``io.validation``: 14 reads, which the import check of
    stop 50 did not see; the names became public in their own module (stop 51).
    """
    found = {line for fact in _package_facts().values() for line in fact.private_attributes}
    assert sorted(found - set(PRIVATE_ATTRIBUTES_ALLOWED)) == []


def test_a_private_attribute_use_would_be_found():
    """The finder reports planted reads in every binding form and leaves the allowed ones."""
    modules = {"yieldtrial", "yieldtrial.a", "yieldtrial.b", "yieldtrial.p", "yieldtrial.p._m"}
    source = (
        "import yieldtrial.b\n"
        "import yieldtrial.b as bee\n"
        "from yieldtrial.p import _m\n"
        "from . import b as relative\n"
        "def f(frame):\n"
        "    from yieldtrial import (\n        b,\n    )\n"
        "    b._helper(yieldtrial.b._CONSTANT, bee._other, relative._again)\n"
        "    return _m._shared, yieldtrial.p._m, b.__doc__, frame._private, b.public\n"
    )
    assert sorted(private_attribute_uses("yieldtrial.a", source, modules)) == [
        "yieldtrial.a: yieldtrial.b -> _CONSTANT",
        "yieldtrial.a: yieldtrial.b -> _again",
        "yieldtrial.a: yieldtrial.b -> _helper",
        "yieldtrial.a: yieldtrial.b -> _other",
    ]
    dotted_only = "import yieldtrial.b\nyieldtrial.b._x(self._y)\n"  # parsed too
    assert private_attribute_uses("yieldtrial.a", dotted_only, modules) == [
        "yieldtrial.a: yieldtrial.b -> _x"
    ]


def test_no_package_re_exports_a_private_name():
    """A package's ``__init__`` imports a private name only to use it itself.

    ``yieldtrial.network`` bound ``_in_given_order`` (used by the report and the figures,
    from ``network._summary``) without using it, and ``_normalised_labels`` and
    ``_site_label``, shared with ``yieldtrial network`` and ``network.stability``: the
    three are public names of their package-private modules (stop 51).
    """
    unused = [line for fact in _package_facts().values() for line in fact.unused_private]
    assert unused == []


def _unused_private_names(nodes: list[ast.AST], module: str) -> list[str]:
    """Return ``module: _name`` for each private name a package's ``__init__`` binds unused."""
    used = {n.id for n in nodes if isinstance(n, ast.Name)}
    unused = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            names = [alias.asname or alias.name for alias in node.names]
            unused += [
                f"{module}: {name}"
                for name in names
                if name.startswith("_") and not name.startswith("__") and name not in used
            ]
    return unused


#: A superset of the test modules worth parsing: an ``import`` or ``from`` statement (also
#: after ``;`` or continued with a backslash) that names ``test_...`` or ``tests.``.
_MAY_IMPORT_A_TEST_MODULE = re.compile(
    r"(?:^|;)[ \t]*(?:import|from)[ \t]+(?:[^\n;]|\\\n)*\btest(?:_|s\.)", re.MULTILINE
)


def test_no_test_module_imports_another_test_module():
    """Shared helpers live in helper modules under tests/ (``mvt_cases.py``, ...) (stop 36).

    A test module importing another (``from test_trial import _alpha_sites``) ran that
    module's imports and fixtures again and tied the two modules' private helpers together.
    """
    tests = Path(__file__).resolve().parent
    found = []
    for path in sorted(tests.glob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        if not _MAY_IMPORT_A_TEST_MODULE.search(source):
            continue  # not parsed: no import statement names a test module (stop 52)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[-1].startswith("test_") or name.startswith("tests."):
                    found.append(f"{path.name}:{node.lineno}: {name}")
    assert found == []


def test_a_test_module_import_would_be_parsed():
    """The pre-filter keeps every form of import the check above reads (guards it)."""
    kept = [
        "from test_trial import _alpha_sites\n",
        "import os, test_trial\n",
        "x = 1; import tests.helpers\n",
        "def f():\n    from .test_trial import g\n",
        "import os, \\\n    test_trial\n",
    ]
    assert all(_MAY_IMPORT_A_TEST_MODULE.search(text) for text in kept)
    assert not _MAY_IMPORT_A_TEST_MODULE.search("import mvt_cases\nfrom doc_files import x\n")
