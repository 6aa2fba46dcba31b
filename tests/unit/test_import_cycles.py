"""No import cycle in ``server/``: the module-level import graph, built with ``ast``, has none.

Decisions — what is an edge ``a -> b`` ("importing ``a`` runs ``b`` first"):

* Imports in a module's top-level code are edges, including those in top-level ``if``,
  ``try``, ``with`` and class bodies (they run when the module is imported), ``import x.y``,
  ``from x import y`` (to the submodule ``x.y`` when it is one, else to ``x``), ``from . import
  y`` and every relative form, resolved against the importing module's package.
* Imports inside functions and methods are **not** edges: they run when the function is
  called, after every module is loaded. They are the project's way to keep Flask out of
  ``server.core`` (``create_app`` imports the blueprints inside the factory), to load a heavy
  dependency late, or to reach back up the layers (the CLI commands import the store inside
  each command). Those that would close a cycle if they moved to the top are listed below,
  for information only.
* ``if TYPE_CHECKING:`` blocks are not edges: they never run. A cycle that exists only for the
  type checker costs nothing at run time (but the store has none; see its modules).
* A package's ``__init__`` is not an edge of its submodules: Python runs it before them, but it
  is already initialising when a submodule it imports runs (``from .base import X`` inside
  ``server.store`` does not re-run ``server/store/__init__.py``). ``from . import name`` where
  ``name`` is defined in ``__init__`` (not a submodule) *is* an edge to the package.
* Only modules importable by name count: the Alembic scripts in
  ``server/store/migrations/`` (no ``__init__.py``; Alembic loads them by path) are left out.
  Imports of anything outside ``server`` are not edges.

Function-level imports that would close a cycle if they were at the top, when this test was
written (``_cycles(_graph(deferred=True))`` less the top-level ones):

* ``server.cli -> server.ops.cli -> server.cli`` (``register_cli`` imports
  ``register_ops_cli`` inside the function);
* ``server.ops -> server.ops.health -> server.ops``.

The store's ``sql.py`` used to import ``importer.py`` inside its methods to dodge a cycle
(``importer`` needed ``SQLStore``); ``run_import`` now takes the engine and ``sql`` imports it
at the top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "server"


def _modules() -> dict[str, Path]:
    """Every importable module under ``server/``: dotted name -> file."""
    found: dict[str, Path] = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        packages = [ROOT.joinpath(*parts[:i]) for i in range(1, len(parts))]
        if not all((p / "__init__.py").is_file() for p in packages):
            continue  # e.g. the Alembic scripts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements that run when the module is imported."""
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                todo.extend(node.body)
            todo.extend(node.orelse)
        elif isinstance(node, ast.Try | ast.TryStar):
            todo.extend([*node.body, *node.orelse, *node.finalbody])
            for handler in node.handlers:
                todo.extend(handler.body)
        elif isinstance(node, ast.With | ast.AsyncWith | ast.For | ast.While | ast.ClassDef):
            todo.extend(node.body)
            if isinstance(node, ast.For | ast.While):
                todo.extend(node.orelse)


def _function_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements inside functions (anywhere below a ``def``)."""
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    yield node


def _targets(
    node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: dict[str, Path]
) -> set[str]:
    """The server modules one import statement runs."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in known}
    if node.level:
        package = module if is_package else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    targets = set()
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        if sub in known:
            targets.add(sub)
        elif base in known:
            targets.add(base)
    return targets


def _graph(*, deferred: bool = False) -> dict[str, set[str]]:
    """``module -> modules it imports`` (with ``deferred``: function-level imports too)."""
    known = _modules()
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        nodes = list(_top_level_imports(tree))
        if deferred:
            nodes += list(_function_imports(tree))
        edges: set[str] = set()
        for node in nodes:
            edges |= _targets(node, module, is_package, known)
        graph[module] = edges - {module}
    return graph


def _components(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

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
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return components


def _cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """One cycle per strongly connected component, as the path ``a -> b -> … -> a`` through
    its smallest module."""
    return sorted(_path(graph, c) for c in _components(graph))


def _path(graph: dict[str, set[str]], component: set[str]) -> tuple[str, ...]:
    """A shortest cycle through the component's smallest module (breadth-first)."""
    start = min(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & component):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return (start, *reversed(path[:-1]), start)
                if w not in previous:
                    previous[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no cycle in {component}")  # pragma: no cover


def test_the_graph_sees_the_modules_and_their_imports():
    graph = _graph()
    assert "server.store.sql" in graph and "server.core.rules" in graph
    assert "server.store.migrations.env" not in graph
    assert "server.store.importer" in graph["server.store.sql"]  # from .importer import …
    assert "server.core.rules" in graph["server.store.fields"]  # from ..core.rules import …
    assert "server.api.blueprint" in graph["server.api.openapi"]  # from .blueprint import bp
    assert "server.api.check" in graph["server.api"]  # from . import (check, …)
    assert "server.store.sql" not in graph["server.store.importer"]


def test_cycles_are_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert _cycles(graph) == [("a", "b", "c", "a")]


def test_function_level_and_type_checking_imports_are_not_edges():
    top, deferred = _graph(), _graph(deferred=True)
    assert "server.store" not in top["server"]  # create_app imports the store inside
    assert "server.store" in deferred["server"]
    assert top["server"] <= deferred["server"]
    source = "import typing\nif typing.TYPE_CHECKING:\n    import a\nelse:\n    import b\n"
    names = [n.names[0].name for n in _top_level_imports(ast.parse(source))]
    assert names == ["typing", "b"]


def test_no_import_cycle_in_server():
    graph = _graph()
    found = [
        " -> ".join(_path(graph, c)) + f"   (all {len(c)} in the cycle: {', '.join(sorted(c))})"
        for c in sorted(_components(graph), key=min)
    ]
    assert not found, "import cycles in server/:\n" + "\n".join(found)
