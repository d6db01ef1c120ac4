"""The package map: what each part of ``creditwatch`` owns and which parts it imports.

"Owns" is the first sentence of the package's (or top-level module's) docstring; the
imports come from the module import graph that ``tests/test_architecture.py`` checks for
cycles, folded to the top level (``creditwatch.store.writes`` counts as ``store``). The
graph is passed in, so the table is drawn from the very graph the test holds.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Mapping, Set
from pathlib import Path

from creditwatch.docgen.markdown import from_docstring, table, text

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def top_level(module: str) -> str:
    """``creditwatch.store.writes`` -> ``store``; ``creditwatch`` itself stays."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def package_dependencies(graph: Mapping[str, Set[str]], root: str) -> dict[str, set[str]]:
    """Top-level part -> the other top-level parts its modules import (the ``root``
    package's own ``__init__`` is neither a part nor counted as a dependency)."""
    out: dict[str, set[str]] = defaultdict(set)
    for module, imported in graph.items():
        part = top_level(module)
        if part == root:
            continue
        out[part].update(t for t in map(top_level, imported) if t not in (part, root))
    return dict(out)


def owns(package_dir: Path, name: str) -> str:
    """The first sentence of the part's docstring, as Markdown."""
    path = package_dir / name / "__init__.py"
    if not path.exists():
        path = package_dir / f"{name}.py"
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    first = _SENTENCE_END.split(paragraph, maxsplit=1)[0]
    return text(from_docstring(first, package=name))


def package_table(graph: Mapping[str, Set[str]], package_dir: Path) -> str:
    """One row per top-level package or module of ``package_dir`` (``lib/creditwatch``)."""
    deps = package_dependencies(graph, package_dir.name)
    users: dict[str, set[str]] = defaultdict(set)
    for part, imported in deps.items():
        for target in imported:
            users[target].add(part)
    rows = [[f"`{part}`", owns(package_dir, part),
             ", ".join(f"`{d}`" for d in sorted(deps[part])) or "–",
             ", ".join(f"`{u}`" for u in sorted(users[part])) or "–"]
            for part in sorted(deps)]
    return table(["part", "what it owns", "imports", "imported by"], rows)
