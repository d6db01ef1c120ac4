"""The rule kernel: what each value of an application must be, compiled once from ``fields``.

Three adapters apply these rules, each to its own medium, and only map that medium's types
onto them: ``rows`` (JSON objects, the API: whole encoded batches at once), ``frames``
(DataFrames, files: column by column) and ``jsonschema`` (the published OpenAPI contract).

* A number lies within its field's ``valid`` bounds or equals the field's sentinel
  (DAYS_EMPLOYED's 365243 lies outside its bounds on purpose); an integer field holds whole
  numbers; an integer-coded closed set (the 0/1 flags, the 1-3 ratings) holds only its levels.
* A text value of a closed set is one of its levels; an open set takes any text (a new level
  is drift: scored as missing and counted). "XNA" (Home Credit's "not available") is a
  missing value, except in a closed set that does not list it, where it is an error.
* A required field is present. Missing values (null, NaN, an absent key) break no other rule.
* Beyond the fields: SK_ID_CURR is an integer in [0, MAX_SK_ID_CURR]; application_time an
  ISO 8601 date-time written with a year in APPLICATION_YEARS; in files, TARGET is 0 or 1
  and TRUE_PD a probability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from creditwatch.schema.fields import (
    APPLICATION_TIME,
    FIELD_NAMES,
    FIELDS,
    ID_COLUMN,
    TARGET_COLUMN,
    TRUE_PD_COLUMN,
    XNA,
    Field,
)
from creditwatch.windows import parse_time

# Inclusive; fits the store's BIGINT with room to spare, and is exact as a float64, which
# JSON tools (and FastAPI's OpenAPI model, which holds every bound as a float) read it as.
MAX_SK_ID_CURR = 2**62
APPLICATION_YEARS = (1990, 2099)  # plausible application times (replayed history to simulated future)
TARGET_VALUES = (0, 1)
TRUE_PD_BOUNDS = (0.0, 1.0)
APPLICATION_KEYS = frozenset({*FIELD_NAMES, ID_COLUMN, APPLICATION_TIME})  # an API application's
FILE_COLUMNS = frozenset({*FIELD_NAMES, ID_COLUMN, TARGET_COLUMN, TRUE_PD_COLUMN})  # a file's


@dataclass(frozen=True, slots=True)
class FieldRule:
    """What one field accepts (see the module docstring)."""

    field: Field
    low: float = -math.inf  # the valid bounds (infinite for text)
    high: float = math.inf
    sentinel: float = math.nan  # accepted outside the bounds; NaN (equal to nothing) when none
    integer: bool = False
    levels: tuple[str | int, ...] | None = None  # a closed set's levels; None: any value
    number_set: bool = False  # integer levels that the bounds and integer-ness do not imply
    xna_missing: bool = False  # text: "XNA" is a missing value here, not an error

    @property
    def name(self) -> str:
        return self.field.name


def field_rule(f: Field) -> FieldRule:
    """The rule of one field (FIELD_RULES holds them all, in schema order)."""
    levels = f.categories if f.closed else None
    if f.dtype == "str":
        return FieldRule(f, levels=levels, xna_missing=levels is None or XNA in levels)
    low, high = (float(f.valid[0]), float(f.valid[1])) if f.valid else (-math.inf, math.inf)
    integer = f.dtype == "int"
    implied = integer and f.valid is not None and levels is not None and (
        set(levels) == set(range(int(low), int(high) + 1)))
    sentinel = math.nan if f.sentinel is None else float(f.sentinel)
    return FieldRule(f, low, high, sentinel, integer, levels, levels is not None and not implied)


FIELD_RULES: tuple[FieldRule, ...] = tuple(field_rule(f) for f in FIELDS)
RULE_BY_NAME: dict[str, FieldRule] = {r.name: r for r in FIELD_RULES}

# The same rules as arrays in schema order, for whole (rows, 120) matrices.
LOW = np.array([r.low for r in FIELD_RULES])
HIGH = np.array([r.high for r in FIELD_RULES])
SENTINEL = np.array([r.sentinel for r in FIELD_RULES])
INTEGER = np.array([r.integer for r in FIELD_RULES])
CLOSED_TEXT = np.array([r.field.dtype == "str" and r.levels is not None for r in FIELD_RULES])
# Few fields need a set check (none today): one np.isin per field would cost more than the rest.
NUMBER_SETS: dict[int, np.ndarray] = {
    i: np.array([*(r.levels or ()), *([] if math.isnan(r.sentinel) else [r.sentinel])], dtype=float)
    for i, r in enumerate(FIELD_RULES) if r.number_set}


def numeric_violations(values: np.ndarray, low: Any = LOW, high: Any = HIGH, sentinel: Any = SENTINEL,
                       integer: Any = INTEGER) -> tuple[np.ndarray, np.ndarray]:
    """Masks ``(outside, not_integer)`` of float ``values`` against the bounds: arrays in
    schema order for a (rows, 120) matrix (the defaults), or one field's scalars for a column.

    NaN (missing) is neither; the sentinel is never outside. A non-integer may be outside as
    well: report it as a non-integer only. Infinities must be NaN already (or warnings
    suppressed). Few whole-array operations, because one application pays each call's fixed
    cost too."""
    outside = (values < low) | (values > high)
    outside &= values != sentinel
    # 2.5 % 1 = 0.5 and -2.5 % 1 = 0.5; NaN % 1 is NaN without a warning
    not_integer = np.remainder(values, 1.0) > 0.0
    not_integer &= integer
    return outside, not_integer


def outside_set(values: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Values (NaN: missing) not among ``levels`` (a ``NUMBER_SETS`` entry, sentinel included)."""
    return ~np.isnan(values) & ~np.isin(values, levels)


assert float(MAX_SK_ID_CURR) == MAX_SK_ID_CURR  # the same bound for ints and floats
CLIENT_ID_RULE = f"an integer in [0, {MAX_SK_ID_CURR}]"


def client_id(value: Any) -> int:
    """A JSON value as SK_ID_CURR; ValueError says what it must be. JSON Schema's "integer"
    includes 100002.0, so an integral float is accepted too."""
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int or not 0 <= value <= MAX_SK_ID_CURR:
        raise ValueError(f"must be {CLIENT_ID_RULE}")
    return value


def client_id_violations(ids: np.ndarray) -> np.ndarray:
    """Which values of an id column are not an SK_ID_CURR (NaN: missing, not an id). Keep
    integer columns integer: 2**62 + 1 is exact in int64, but 2**62 as a float."""
    with np.errstate(invalid="ignore"):  # NaN and infinities
        return ~((ids >= 0) & (ids <= MAX_SK_ID_CURR) & (np.remainder(ids, 1) == 0))


def year_pattern(first: int, last: int) -> str:
    """A regular expression for the four-digit years ``first``..``last``, whole centuries and
    decades as digit ranges: (1990, 2099) gives ``199[0-9]|20[0-9]{2}``."""
    assert 1000 <= first <= last <= 9999, (first, last)
    parts: list[str] = []
    year = first
    while year <= last:
        digits = next(d for d in (3, 2, 1, 0) if year % 10**d == 0 and year + 10**d - 1 <= last)
        tail = "" if not digits else "[0-9]" if digits == 1 else f"[0-9]{{{digits}}}"
        parts.append(str(year)[: 4 - digits] + tail)
        year += 10**digits
    return "|".join(parts)


# JSON Schema cannot bound a date-time; its year can be, as text (the published pattern).
APPLICATION_TIME_PATTERN = f"^({year_pattern(*APPLICATION_YEARS)})-"
_FIRST_YEAR, _LAST_YEAR = APPLICATION_YEARS


def application_time(value: Any) -> datetime:
    """A JSON value as an application time in UTC (UTC when it has no offset); ValueError says
    why not. The year is checked as written, before the offset: text that ``fromisoformat``
    reads starts with the year's four digits, so "a year in APPLICATION_YEARS, then a dash" is
    ``APPLICATION_TIME_PATTERN`` without a regular expression's cost (per request)."""
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string")
    parsed = parse_time(value, years=(_FIRST_YEAR, _LAST_YEAR))  # a WindowError is a ValueError
    if value[4] != "-":  # the basic format (20240131T...), which the pattern refuses
        raise ValueError("must be written YYYY-MM-DDTHH:MM:SS (ISO 8601 extended format)")
    return parsed
