"""Validate raw applications against the schema, column-wise, without a Python object per field.

Rows are encoded once (the same :class:`~creditwatch.features.Encoder` the Scorer uses) and the
checks run as numpy masks over the whole batch: wrong JSON types, values outside the schema's
*valid* bounds (the DAYS_EMPLOYED sentinel allowed), non-integers in integer fields, values
outside closed category sets, unknown keys and missing required fields. Values outside an open
category set are not errors: they are scored as missing and flagged, since new categories are
drift to watch. What passes is ready to score: the Scorer reuses the encoded matrix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from creditwatch import schema
from creditwatch.features import Encoded, Encoder
from creditwatch.windows import parse_time

APPLICATION_TIME = "application_time"
EXTRA_KEYS = frozenset({schema.ID_COLUMN, APPLICATION_TIME})
ALLOWED_KEYS = frozenset(schema.FIELD_NAMES) | EXTRA_KEYS
_NAMES = np.array(schema.FIELD_NAMES)
_FIELDS = schema.FIELDS
_VALID_LO = np.array([f.valid[0] if f.valid else -np.inf for f in _FIELDS])
_VALID_HI = np.array([f.valid[1] if f.valid else np.inf for f in _FIELDS])
_SENTINEL = np.array([f.sentinel if f.sentinel is not None else np.nan for f in _FIELDS])
_IS_INT = np.array([f.dtype == "int" for f in _FIELDS])
_CLOSED_STR = np.array([f.dtype == "str" and f.closed for f in _FIELDS])


def _needs_set_check(f: schema.Field) -> bool:
    """An integer category set that "integer within the valid bounds" does not already
    enforce (the 0/1 flags and the 1-3 ratings are exactly their bounds' integers)."""
    if f.dtype != "int" or not f.categories:
        return False
    if f.valid is None:
        return True
    return set(f.categories) != set(range(int(f.valid[0]), int(f.valid[1]) + 1))


# One np.isin per such field per request would cost more than the rest of validation.
_INT_CATS = {i: np.array(f.categories, dtype=float) for i, f in enumerate(_FIELDS)
             if _needs_set_check(f)}
YEARS = (1990, 2099)  # plausible application times (replayed history to simulated future)
MAX_CLIENT_ID = 2**62 - 1  # fits the store's BIGINT with room to spare


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field of one application."""

    field: str
    # wrong_type | out_of_bounds | not_an_integer | unknown_category | unknown_field |
    # missing_required | invalid_time
    kind: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "kind": self.kind, "message": self.message}


@dataclass(slots=True)
class Validated:
    """The encoded batch, per-row errors, and each row's extras (client id, time)."""

    encoded: Encoded
    errors: list[list[FieldError]]
    client_ids: list[int | None] = field(default_factory=list)
    application_times: list[datetime | None] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(self.errors)

    def error_report(self) -> list[dict[str, Any]]:
        """Errors grouped by row index, for a 4xx body and the anomalies table."""
        return [{"index": i, "errors": [e.as_dict() for e in errs]}
                for i, errs in enumerate(self.errors) if errs]


def _describe(f: schema.Field) -> str:
    if f.dtype == "str":
        return "a string" + (f" in {list(f.categories or ())}" if f.closed else "")
    kind = "an integer" if f.dtype == "int" else "a number"
    if f.valid:
        kind += f" in [{f.valid[0]:g}, {f.valid[1]:g}]"
    if f.sentinel is not None:
        kind += f" or {f.sentinel:g}"
    return kind


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string")
    # The year is checked as written (the published schema's pattern), before the offset.
    return parse_time(value, years=YEARS)


def _client_id(value: Any) -> int:
    # JSON Schema's "integer" includes 100002.0, so an integral float is accepted too.
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int or not 0 <= value <= MAX_CLIENT_ID:
        raise ValueError(f"must be an integer in [0, {MAX_CLIENT_ID}]")
    return value


def _extras(row: Mapping[str, Any], errs: list[FieldError]) -> tuple[int | None, datetime | None]:
    client = row.get(schema.ID_COLUMN)
    if client is not None:
        try:
            client = _client_id(client)
        except ValueError as exc:
            errs.append(FieldError(schema.ID_COLUMN, "wrong_type", str(exc)))
            client = None
    when = row.get(APPLICATION_TIME)
    if when is not None:
        try:
            when = _parse_time(when)
        except ValueError as exc:
            errs.append(FieldError(APPLICATION_TIME, "invalid_time", str(exc)))
            when = None
    return client, when


def validate(rows: Sequence[Any], encoder: Encoder) -> Validated:
    """Validate a batch of JSON-decoded applications (each must be an object)."""
    errors: list[list[FieldError]] = [[] for _ in rows]
    dicts: list[Mapping[str, Any]] = []
    clients: list[int | None] = []
    times: list[datetime | None] = []
    for r, row in enumerate(rows):
        if not isinstance(row, Mapping):
            # Only this error: "AMT_CREDIT is required" would be noise about a non-object.
            errors[r].append(FieldError("", "wrong_type", "each application must be a JSON object"))
            dicts.append({})
            clients.append(None)
            times.append(None)
            continue
        dicts.append(row)
        extra = row.keys() - ALLOWED_KEYS
        errors[r].extend(FieldError(str(k), "unknown_field", "not an application field")
                         for k in sorted(map(str, extra)))
        errors[r].extend(FieldError(k, "missing_required", "is required")
                         for k in schema.REQUIRED_FIELDS if row.get(k) is None)
        client, when = _extras(row, errors[r])
        clients.append(client)
        times.append(when)
    encoded = encoder.encode_records(dicts)
    values = encoded.values
    # Comparisons with NaN (a missing value) are False, so NaN is never outside nor a
    # non-integer; few whole-batch operations, because one application pays each call's
    # fixed cost too.
    outside = (values < _VALID_LO) | (values > _VALID_HI)
    outside &= values != _SENTINEL
    # 2.5 % 1 = 0.5 and -2.5 % 1 = 0.5; NaN % 1 is NaN without a warning, and the encoder
    # has already turned every infinity (which would warn) into NaN
    not_int = np.remainder(values, 1.0) > 0.0
    not_int &= _IS_INT
    for i, cats in _INT_CATS.items():
        col = values[:, i]
        outside[:, i] |= ~np.isnan(col) & ~np.isin(col, cats)
    closed_unknown = encoded.unknown & _CLOSED_STR
    if not (outside | not_int | closed_unknown | encoded.wrong_type).any():
        return Validated(encoded, errors, clients, times)
    masks = (
        ("wrong_type", encoded.wrong_type),
        ("out_of_bounds", outside & ~not_int),
        ("not_an_integer", not_int),
        ("unknown_category", closed_unknown),
    )
    for kind, mask in masks:
        for r, i in zip(*np.nonzero(mask), strict=True):
            f = _FIELDS[i]
            errors[r].append(FieldError(f.name, kind, f"must be {_describe(f)}"))
    return Validated(encoded, errors, clients, times)
