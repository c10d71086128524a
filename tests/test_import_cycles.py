"""The import graph of flashcards/ and tui/: no cycle, and the core never imports a shell above it.

Imports are read with `ast` from every module, without importing anything:

- module level: the statements run at import, `if` and `try` blocks included, but not
  `if TYPE_CHECKING:` (annotations only, never run);
- lazy: imports inside functions and methods, run on the first call.

A cycle among module-level imports can break at import time; a cycle through lazy or
`TYPE_CHECKING` imports runs, but still means two modules each need the other, so every kind
fails the test (each kind has its own test, to say which). The layering rules (the core never
imports `tui` nor `flashcards.commands`; `tui` never imports `flashcards.commands`) take
every import, lazy and `TYPE_CHECKING` ones too. `from package import name` counts as importing
`package.name` when that is a module; importing `a.b` is not counted as importing the
package `a` (Python has `a` loaded first either way).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("flashcards", "tui")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


MODULES = all_modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, importer: str) -> list[str]:
    """The project modules an import statement names."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from the importer's package
            package = importer.split(".")
            if MODULES[importer].name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
            for alias in node.names
        ]
    return sorted({n for n in names if n in MODULES})


def imports(name: str) -> dict[str, set[str]]:
    """A module's imports of project modules: "module" (run at import), "lazy" (inside
    functions) and "typing" (under TYPE_CHECKING)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {"module": set(), "lazy": set(), "typing": set()}

    def visit(node: ast.AST, kind: str) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found[kind].update(_targets(node, name))
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, "typing")
            for child in node.orelse:
                visit(child, kind)
            return
        inner = "lazy" if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else kind
        for child in ast.iter_child_nodes(node):
            visit(child, inner if kind != "typing" else "typing")

    visit(tree, "module")
    found["lazy"] -= found["module"]
    return found


GRAPH = {name: imports(name) for name in MODULES}


def cycles(edges: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Every strongly connected set of modules larger than one (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[tuple[str, ...]] = set()

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
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
            if len(component) > 1 or v in edges.get(v, ()):
                found.add(tuple(sorted(component)))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def is_core(name: str) -> bool:
    return name.split(".")[0] == "flashcards" and not (
        name == "flashcards.cli" or name.startswith("flashcards.commands")
    )


def is_shell(name: str) -> bool:
    return name.split(".")[0] == "tui" or name.startswith("flashcards.commands")


def test_the_walk_finds_module_level_lazy_and_typing_imports():
    """The walker itself: it sees each kind of import where this project writes them."""
    assert "flashcards.store.tables" in GRAPH["flashcards.store.queue"]["module"]
    assert "flashcards.syncplan" in GRAPH["flashcards.store.notes"]["lazy"]
    assert "flashcards.store" in GRAPH["flashcards.sync"]["typing"]
    assert (
        "flashcards.store"
        not in GRAPH["flashcards.sync"]["module"] | GRAPH["flashcards.sync"]["lazy"]
    )
    # `from flashcards.store import notes` names the module flashcards.store.notes
    assert "flashcards.store.notes" in GRAPH["flashcards.store"]["module"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {("a", "b", "c")}


def test_no_import_cycle_at_module_level():
    graph = {name: found["module"] for name, found in GRAPH.items()}
    assert cycles(graph) == set()


def test_no_import_cycle_counting_lazy_imports():
    graph = {name: found["module"] | found["lazy"] for name, found in GRAPH.items()}
    assert cycles(graph) == set()


def test_no_import_cycle_counting_type_checking_imports():
    graph = {name: set().union(*found.values()) for name, found in GRAPH.items()}
    assert cycles(graph) == set()


def layering_breaks() -> set[tuple[str, str]]:
    """(importer, imported) pairs where the core imports a shell or tui imports a command."""
    return {
        (name, target)
        for name, found in GRAPH.items()
        for target in set().union(*found.values())
        if (is_core(name) and is_shell(target))
        or (name.split(".")[0] == "tui" and target.startswith("flashcards.commands"))
    }


def test_the_core_never_imports_the_study_app_nor_the_commands_and_tui_no_command():
    wrong = layering_breaks()
    assert wrong == set()


def test_the_store_never_imports_the_sync_shell():
    """The sync's shell (scanning files) imports the store, never the reverse."""
    store = [n for n in GRAPH if n == "flashcards.store" or n.startswith("flashcards.store.")]
    for name in store:
        found = GRAPH[name]
        assert "flashcards.sync" not in found["module"] | found["lazy"] | found["typing"], name
