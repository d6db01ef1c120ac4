"""The configuration reference, generated from ``Settings``.

:func:`reference_markdown` renders every group of :mod:`creditwatch.config` as a table: each
field's type, default, the environment variables that set it (in precedence order, from
:func:`creditwatch.config.env_names`) and its description. A group or field without a
description raises :class:`UndocumentedSetting`, so a new setting cannot reach the
documentation, whose build runs this, unexplained.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from creditwatch.config import Settings, env_names, groups
from creditwatch.docgen.markdown import from_docstring, table, text

_TYPES: dict[Any, str] = {str: "text", int: "integer", float: "number", bool: "boolean",
                          Path: "path", SecretStr: "secret text"}
_LOWER = ((annotated_types.Ge, "ge", "≥", "["), (annotated_types.Gt, "gt", ">", "("))
_UPPER = ((annotated_types.Le, "le", "≤", "]"), (annotated_types.Lt, "lt", "<", ")"))


class UndocumentedSetting(ValueError):
    """A settings group or field has no description."""


def reference_markdown() -> str:
    """Every settings group as a section (``## `drift` ``) with one table row per field: its
    name, type and default, then its description and the variables that set it."""
    parts = []
    for group, model in groups().items():
        summary = described(f"settings group {group!r}", Settings.model_fields[group])
        parts.append(f"## `{group}`\n\n{summary}")
        own_doc = model.__dict__.get("__doc__")
        if own_doc:
            parts.append(text(from_docstring(own_doc)))
        rows = [[f"`{group}.{name}`<br>{type_text(field)}<br>default {default_text(field)}",
                 described(f"setting {group}.{name}", field) + "<br>"
                 + ", ".join(f"`{v}`" for v in env_names(group, name))]
                for name, field in model.model_fields.items()]
        parts.append(table(["setting", "description and environment variables"], rows))
    return "\n\n".join(parts) + "\n"


def described(what: str, field: FieldInfo) -> str:
    """The field's description as Markdown text; none is an :class:`UndocumentedSetting`."""
    if not (field.description or "").strip():
        raise UndocumentedSetting(f"{what} has no description: give its Field a description= "
                                  "(the configuration reference is generated from it)")
    return text(field.description)


def type_text(field: FieldInfo) -> str:
    """The field's type in words, with its bounds (``integer ≥ 1``, ``number in [0, 1]``)."""
    annotation = field.annotation
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        kind = f"JSON list of {_TYPES[item]}"
    elif get_origin(annotation) is Literal:
        kind = "one of " + ", ".join(f"`{v}`" for v in get_args(annotation))
    else:
        kind = _TYPES[annotation]
    lower, upper = _bound(field, _LOWER), _bound(field, _UPPER)
    if lower and upper:
        return f"{kind} in {lower[2]}{lower[0]}, {upper[0]}{upper[2]}"
    for found in (lower, upper):
        if found:
            kind += f" {found[1]} {found[0]}"
    return kind


def default_text(field: FieldInfo) -> str:
    """The default as it would be written in the environment (``unset`` for none)."""
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]  # no factory here takes data
        if isinstance(value, Path):  # the checkout's own path: different on every machine
            return "derived (see description)"
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):
        return f"`{value!r}`".replace("'", '"')
    return f"`{value}`"


def _bound(field: FieldInfo, kinds: tuple[tuple[type, str, str, str], ...]
           ) -> tuple[Any, str, str] | None:
    """(value, sign, bracket) of the field's lower or upper bound, if it has one."""
    for kind, attribute, sign, bracket in kinds:
        for constraint in field.metadata:
            if isinstance(constraint, kind):
                return getattr(constraint, attribute), sign, bracket
    return None
