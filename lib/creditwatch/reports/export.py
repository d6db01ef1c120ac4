"""Executed notebooks to self-contained HTML that opens offline.

nbconvert's lab template loads require.js, MathJax and mermaid from a CDN; the ``offline``
template here (``templates/offline``) extends it with those blocks emptied, and plotly.js
travels inline in the first figure's output (``charts.show``). ``remote_scripts`` is the
check: every ``<script src=...>`` or module import pointing at http(s).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

TEMPLATES = Path(__file__).resolve().parent / "templates"
_REMOTE = re.compile(r"""<script[^>]*\bsrc\s*=\s*["']?(https?:)?//[^"' >]+|import\(\s*["']https?://""",
                     re.IGNORECASE)


def export_html(notebook: Path, target: Path | None = None) -> Path:
    """Write ``notebook`` as HTML next to it (or to ``target``); returns the HTML path."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="offline")
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    target = target or notebook.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def remote_scripts(html: str) -> list[str]:
    """The script sources in ``html`` that would be fetched from the network."""
    return [m.group(0) for m in _REMOTE.finditer(html)]
