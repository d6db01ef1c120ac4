"""The rule kernel as JSON Schema: the application object the API publishes (OpenAPI).

What JSON Schema can say, it says from ``creditwatch.schema.rules``: types, bounds and the
sentinel, closed sets, required fields, no other keys, the SK_ID_CURR bound and the years of
application_time (as a pattern: JSON Schema cannot bound a date-time).
"""

from __future__ import annotations

import math
from typing import Any

from creditwatch.schema import rules
from creditwatch.schema.fields import APPLICATION_TIME, ID_COLUMN, REQUIRED_FIELDS
from creditwatch.schema.rules import FIELD_RULES, FieldRule


def _bound(value: float, integer: bool) -> float | int:
    return int(value) if integer else value


def _nullable(schema: dict[str, Any], required: bool) -> dict[str, Any]:
    """An optional value may be null (the API reads null as absent)."""
    return schema if required else {"anyOf": [schema, {"type": "null"}]}


def field_schema(r: FieldRule) -> dict[str, Any]:
    """One field's JSON Schema."""
    out: dict[str, Any]
    if r.field.dtype == "str":
        out = {"type": "string"}
    else:
        out = {"type": "integer" if r.integer else "number"}
        if r.levels is None:
            if math.isfinite(r.low):
                out["minimum"] = _bound(r.low, r.integer)
            if math.isfinite(r.high):
                out["maximum"] = _bound(r.high, r.integer)
    if r.levels is not None:
        out["enum"] = list(r.levels)
    elif not math.isnan(r.sentinel):  # the sentinel lies outside the valid bounds on purpose
        out = {"anyOf": [out, {"const": _bound(r.sentinel, r.integer)}]}
    if r.field.description:
        out["description"] = r.field.description
    return _nullable(out, r.field.required)


def application_schema() -> dict[str, Any]:
    """The JSON Schema of one application."""
    properties = {r.name: field_schema(r) for r in FIELD_RULES}
    properties[ID_COLUMN] = _nullable({
        "type": "integer", "minimum": 0, "maximum": rules.MAX_SK_ID_CURR,
        "description": "Client id (SK_ID_CURR), optional"}, required=False)
    first, last = rules.APPLICATION_YEARS
    properties[APPLICATION_TIME] = _nullable({
        "type": "string", "format": "date-time", "pattern": rules.APPLICATION_TIME_PATTERN,
        "description": f"The application's own time (UTC if no offset), years "
                       f"{first}-{last}, optional (the time received otherwise); drift "
                       f"windows use it",
    }, required=False)
    assert properties.keys() == rules.APPLICATION_KEYS
    return {
        "type": "object",
        "title": "Application",
        "properties": properties,
        "required": list(REQUIRED_FIELDS),
        "additionalProperties": False,
    }
