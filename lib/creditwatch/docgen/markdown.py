"""Markdown text from code strings: escaping outside code spans, table cells, rst markup."""

from __future__ import annotations

import html
import re

_RST_ROLE = re.compile(r":(?:mod|class|func|meth|attr|data):`~?([^`]+)`")


def text(value: str | None) -> str:
    """Plain text made safe for Markdown: whitespace runs folded, ``<``, ``>``, ``&`` and
    ``*`` escaped outside code spans (a help line's ``<data>`` must not become an HTML tag)."""
    folded = " ".join((value or "").split())
    parts = folded.split("`")
    for i in range(0, len(parts), 2):  # even parts are outside code spans
        parts[i] = html.escape(parts[i], quote=False).replace("*", r"\*")
    return "`".join(parts)


def cell(value: str) -> str:
    """Text for a table cell: a ``|`` would end the cell."""
    return value.replace("|", r"\|")


def from_docstring(value: str, package: str = "") -> str:
    """reStructuredText inline markup of a docstring as Markdown: ````x```` and ``:mod:`x```
    become code spans; a relative target (``:mod:`.codes```) is read from ``package``."""
    def role(match: re.Match[str]) -> str:
        target = match.group(1)
        return f"`{package}{target}`" if target.startswith(".") else f"`{target}`"

    return _RST_ROLE.sub(role, value).replace("``", "`")


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; cells are used as given (escape them first)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
