"""The package map: nothing in lib/creditwatch imports in a circle, neither modules nor the
first-level packages (schema, features, api, ...) they belong to."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "lib"


def _modules() -> dict[str, Path]:
    out = {}
    for path in (LIB / "creditwatch").rglob("*.py"):
        parts = list(path.relative_to(LIB).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the creditwatch modules it imports (``from pkg import submodule`` is an import
    of the submodule; imports under ``if TYPE_CHECKING`` count too: they are dependencies)."""
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    head = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*head, base] if base else head)
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
                targets = subs if len(subs) == len(node.names) else [base, *subs]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The module graph lifted to first-level packages (``creditwatch.schema.rows`` is
    ``schema``; a top-level module such as ``creditwatch.config`` is its own package)."""

    def package(module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else parts[0]

    lifted: dict[str, set[str]] = defaultdict(set)
    for source, targets in graph.items():
        for target in targets:
            if package(source) != package(target):
                lifted[package(source)].add(package(target))
    return lifted


def test_no_module_imports_in_a_circle() -> None:
    """No chain of imports between creditwatch modules leads back to where it started."""
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The checker itself reports a two-module loop (so the test above can fail)."""
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_package_imports_in_a_circle() -> None:
    """No chain of imports between creditwatch's first-level packages leads back to the
    package it started from. The two foundations sit at the bottom, beside the exceptions
    module: windows (the one time grammar) imports nothing else, and schema only windows
    (application times are parsed by the one ISO-time parser)."""
    packages = package_graph(import_graph())
    assert cycles(packages) == []
    assert packages["windows"] <= {"errors"}
    assert packages["schema"] <= {"windows", "errors"}
    assert {"schema", "features"} <= packages["scoring"]


def test_the_package_graph_sees_a_cycle_between_sibling_modules() -> None:
    """Two packages whose different modules import each other are a package cycle even when
    no module cycle exists (so the test above can fail)."""
    graph = {"creditwatch.a.x": {"creditwatch.b.y"}, "creditwatch.b.z": {"creditwatch.a.w"},
             "creditwatch.c": {"creditwatch.a.x"}}
    assert cycles(graph) == []
    assert cycles(package_graph(graph)) == [["a", "b"]]
