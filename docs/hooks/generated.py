"""mkdocs hooks: the generated parts of the pages, and files kept outside docs/.

A line ``<!-- generated: NAME -->`` in a page is replaced by the Markdown of ``NAME``
(:data:`GENERATORS`; an unknown name fails the build), indented as the marker is (inside an
admonition, say). The dashboard screenshots stay where
the browser tests write them (``reports/screenshots/``) and are added to the site as
``screenshots/*.png``, so pages link them without copies.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]

MARKER = re.compile(r"^( *)<!-- generated: ([a-z-]+) -->$", re.MULTILINE)
SCREENSHOTS = ROOT / "reports" / "screenshots"


def _settings() -> str:
    from creditwatch.docgen.settings import reference_markdown
    return reference_markdown()


def _commands() -> str:
    from creditwatch.docgen.commands import reference_markdown
    return reference_markdown(level=3)  # under the page's "Every command"


def _fields() -> str:
    from creditwatch.docgen.fields import fields_markdown
    return fields_markdown()


def _reasons() -> str:
    from creditwatch.docgen.reasons import codes_markdown
    return codes_markdown()


def _packages() -> str:
    """The package table, from the import graph ``tests/test_architecture.py`` checks (loaded
    by path: the tests are not an installed package)."""
    from creditwatch.docgen.packages import package_table
    spec = importlib.util.spec_from_file_location("test_architecture",
                                                  ROOT / "tests" / "test_architecture.py")
    assert spec is not None and spec.loader is not None
    architecture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(architecture)
    return package_table(architecture.import_graph(), ROOT / "lib" / "creditwatch")


def _notebooks() -> str:
    from creditwatch.docgen.notebooks import parameters_markdown
    return parameters_markdown(ROOT / "notebooks")


def _benchmarks() -> str:
    """benchmarks/RESULTS.md without its title (the page has its own)."""
    text = (ROOT / "benchmarks" / "RESULTS.md").read_text()
    return re.sub(r"\A# .*\n", "", text)


GENERATORS: dict[str, Callable[[], str]] = {
    "settings": _settings, "commands": _commands, "packages": _packages, "schema-fields": _fields,
    "notebook-parameters": _notebooks, "benchmark-results": _benchmarks,
    "reason-codes": _reasons,
}


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    def generate(match: re.Match[str]) -> str:
        indent, name = match.groups()
        if name not in GENERATORS:
            raise PluginError(f"{page.file.src_uri}: unknown generated block {name!r}; known: "
                              f"{sorted(GENERATORS)}")
        lines = GENERATORS[name]().rstrip("\n").split("\n")
        return "\n".join(indent + line if line else line for line in lines)

    return MARKER.sub(generate, markdown)


def on_files(files: Files, config: Any) -> Files:
    for image in sorted(SCREENSHOTS.glob("*.png")):
        files.append(File(f"screenshots/{image.name}", str(SCREENSHOTS.parent),
                          config["site_dir"], config["use_directory_urls"]))
    return files
