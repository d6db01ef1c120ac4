"""The application schema as a table: every input field with its type and rules.

Read from :data:`creditwatch.schema.FIELDS`, the one definition the validator, the loader,
the generator, the features and the drift engine use.
"""

from __future__ import annotations

from creditwatch.docgen.markdown import table, text
from creditwatch.schema import FIELDS, Field

_LISTED = 8  # category sets longer than this are summarised by their size


def fields_markdown() -> str:
    """One row per schema field, in file order."""
    rows = [[f"`{f.name}`" + (" (required)" if f.required else ""), f.group, _kind(f),
             _range(f.valid), _range(f.typical), text(f.description) or "–"]
            for f in FIELDS]
    return table(["field", "group", "type", "valid", "typical", "meaning"], rows)


def _kind(f: Field) -> str:
    if f.categories is None:
        kind = {"int": "integer", "float": "number", "str": "text"}[f.dtype]
    else:
        shown = (", ".join(f"`{c}`" for c in f.categories) if len(f.categories) <= _LISTED
                 else f"{len(f.categories)} levels")
        kind = f"{'closed' if f.closed else 'open'} set: {shown}"
    if f.sentinel is not None:
        kind += f"; sentinel `{f.sentinel:g}`"
    return kind


def _range(bounds: tuple[float, float] | None) -> str:
    return "–" if bounds is None else f"{bounds[0]:g} … {bounds[1]:g}"
