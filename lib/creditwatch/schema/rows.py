"""Validate raw JSON applications (the API) against the rule kernel, without a Python object
per field.

Rows are encoded once (by the encoder the caller hands in: the Scorer's own
:class:`~creditwatch.features.Encoder`) and the kernel's checks run as numpy masks over the
whole batch: wrong JSON types, values outside the *valid* bounds (the DAYS_EMPLOYED sentinel
allowed), non-integers in integer fields, values outside closed category sets, unknown keys
and missing required fields. Values outside an open category set are not errors: they are
scored as missing and flagged, since new categories are drift to watch. What passes is ready
to score: the Scorer reuses the encoded matrix.

Text sets are checked through the encoding: the encoder's maps hold exactly a closed set's
levels (training never extends a closed set) and it maps "XNA" to a missing value only
where the kernel says so, otherwise to an unknown level. The encoder is typed structurally
(:class:`RowEncoder`), so this package needs nothing from ``creditwatch.features``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

from creditwatch.schema import rules
from creditwatch.schema.fields import APPLICATION_TIME, ID_COLUMN, REQUIRED_FIELDS
from creditwatch.schema.rules import (
    FIELD_RULES,
    FieldRule,
    application_time,
    client_id,
    numeric_violations,
    outside_set,
)


class EncodedRows(Protocol):
    """What validation reads of an encoded batch (``creditwatch.features.Encoded``)."""

    @property
    def values(self) -> np.ndarray: ...  # (n, 120) float64 in schema order, NaN missing
    @property
    def unknown(self) -> np.ndarray: ...  # (n, 120) bool: a level outside the category map
    @property
    def wrong_type(self) -> np.ndarray: ...  # (n, 120) bool: not a value of the field's type


E = TypeVar("E", bound=EncodedRows)
E_co = TypeVar("E_co", bound=EncodedRows, covariant=True)


class RowEncoder(Protocol[E_co]):
    """Encodes JSON objects into an :class:`EncodedRows` (``creditwatch.features.Encoder``)."""

    def encode_records(self, rows: Sequence[Mapping[str, Any]]) -> E_co: ...


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
class Validated(Generic[E]):
    """The encoded batch, per-row errors, and each row's extras (client id, time)."""

    encoded: E
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


def _describe(r: FieldRule) -> str:
    if r.field.dtype == "str":
        return "a string" + (f" in {list(r.levels)}" if r.levels is not None else "")
    kind = "an integer" if r.integer else "a number"
    if r.low > -np.inf or r.high < np.inf:
        kind += f" in [{r.low:g}, {r.high:g}]"
    if r.sentinel == r.sentinel:  # not NaN
        kind += f" or {r.sentinel:g}"
    return kind


_KEYS = rules.APPLICATION_KEYS
_CLOSED_TEXT = rules.CLOSED_TEXT
_NUMBER_SETS = tuple(rules.NUMBER_SETS.items())
_MESSAGES = tuple(f"must be {_describe(r)}" for r in FIELD_RULES)


def _extras(row: Mapping[str, Any], errs: list[FieldError]) -> tuple[int | None, datetime | None]:
    client = row.get(ID_COLUMN)
    if client is not None:
        try:
            client = client_id(client)
        except ValueError as exc:
            errs.append(FieldError(ID_COLUMN, "wrong_type", str(exc)))
            client = None
    when = row.get(APPLICATION_TIME)
    if when is not None:
        try:
            when = application_time(when)
        except ValueError as exc:
            errs.append(FieldError(APPLICATION_TIME, "invalid_time", str(exc)))
            when = None
    return client, when


def validate(rows: Sequence[Any], encoder: RowEncoder[E]) -> Validated[E]:
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
        extra = row.keys() - _KEYS
        errors[r].extend(FieldError(str(k), "unknown_field", "not an application field")
                         for k in sorted(map(str, extra)))
        errors[r].extend(FieldError(k, "missing_required", "is required")
                         for k in REQUIRED_FIELDS if row.get(k) is None)
        client, when = _extras(row, errors[r])
        clients.append(client)
        times.append(when)
    encoded = encoder.encode_records(dicts)
    values = encoded.values
    # Comparisons with NaN (a missing value) are False; the encoder has already turned every
    # infinity (which would warn) into NaN and flagged it.
    outside, not_int = numeric_violations(values)
    for i, levels in _NUMBER_SETS:
        outside[:, i] |= outside_set(values[:, i], levels)
    closed_unknown = encoded.unknown & _CLOSED_TEXT
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
            errors[r].append(FieldError(FIELD_RULES[i].name, kind, _MESSAGES[i]))
    return Validated(encoded, errors, clients, times)
