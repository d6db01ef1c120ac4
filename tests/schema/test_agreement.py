"""The three adapters of the rule kernel accept and refuse exactly the same values: the API's
row validator, the file validator and the published JSON Schema, checked against a hand
oracle written from ``schema.fields`` (not from the kernel) on every field's boundaries and
on values drawn by Hypothesis."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditwatch.api.openapi import request_body
from creditwatch.features import Encoder
from creditwatch.schema import APPLICATION_TIME, FIELDS, ID_COLUMN, XNA, Field
from creditwatch.schema.frames import validate_frame
from creditwatch.schema.rows import validate

BASE = {"AMT_INCOME_TOTAL": 150_000.0, "AMT_CREDIT": 500_000.0, "DAYS_BIRTH": -12_000}
ENCODER = Encoder()
PUBLISHED = request_body(batch=False, max_items=1)["requestBody"]["content"]["application/json"]
JSON_SCHEMA = jsonschema.Draft202012Validator(PUBLISHED["schema"])
MAX_ID = 2**62  # written out here: the oracle does not read the kernel
YEARS = range(1990, 2100)
# Hypothesis draws naive date-times; each gets an offset (or Z) of its own below.
FIRST_DAY = datetime(1000, 1, 1)  # noqa: DTZ001 - a wall-clock date, offset added per case
LAST_DAY = datetime(9999, 12, 30)  # noqa: DTZ001 - same


def oracle(f: Field, value: Any) -> bool:
    """Whether ``value`` is acceptable for ``f``, straight from the field's definition."""
    if value is None:
        return not f.required
    if f.dtype == "str":
        return not f.closed or value in (f.categories or ())
    if value == f.sentinel:
        return True
    assert f.valid is not None
    if not f.valid[0] <= value <= f.valid[1]:
        return False
    if f.dtype == "int" and not float(value).is_integer():
        return False
    return f.categories is None or value in f.categories


def row_accepts(name: str, value: Any) -> bool:
    return validate([{**BASE, name: value}], ENCODER).ok


def frame_accepts(name: str, value: Any) -> bool:
    """The file validator on a one-column frame (absent columns are another error)."""
    column = pd.Series([value], dtype=object if value is None or isinstance(value, str) else None)
    return name not in validate_frame(pd.DataFrame({name: column})).invalid


def schema_accepts(name: str, value: Any) -> bool:
    return JSON_SCHEMA.is_valid({**BASE, name: value})


def verdicts(f: Field, value: Any) -> dict[str, bool]:
    return {"oracle": oracle(f, value), "rows": row_accepts(f.name, value),
            "frames": frame_accepts(f.name, value), "json_schema": schema_accepts(f.name, value)}


def boundary_values(f: Field) -> list[Any]:
    """Each edge of ``f``'s rules, and just past it."""
    if f.dtype == "str":
        levels = [str(c) for c in f.categories or ()]
        return [*levels, XNA, "", "unknown level", levels[0].lower(), levels[0] + " ", None]
    assert f.valid is not None
    low, high = f.valid
    values: list[Any] = [low, high, np.nextafter(low, -math.inf), np.nextafter(high, math.inf),
                         low - 1, high + 1, (low + high) / 2, None, 1e300, -1e300]
    if f.dtype == "int":
        values += [int(low), int(high), int(low) + 0.5, int(high) - 0.5, 5e-324]
    if f.sentinel is not None:
        values += [f.sentinel, int(f.sentinel), f.sentinel + 1, f.sentinel - 0.5]
    if f.categories is not None:
        values += [*f.categories, max(map(float, f.categories)) + 1]
    return [float(v) if isinstance(v, np.floating) else v for v in values]


@pytest.mark.parametrize("f", FIELDS, ids=lambda f: f.name)
def test_adapters_agree_on_each_boundary(f: Field) -> None:
    """On every field's bounds (and the next float past them), the sentinel, non-integers,
    closed-set levels, XNA, unknown levels and null, rows, frames and JSON Schema all give the
    oracle's answer, and each field has values on both sides."""
    answers = []
    for value in boundary_values(f):
        seen = verdicts(f, value)
        assert len(set(seen.values())) == 1, (value, seen)
        answers.append(seen["oracle"])
    assert True in answers
    assert False in answers or (f.dtype == "str" and not f.closed)


def _values(f: Field) -> st.SearchStrategy[Any]:
    if f.dtype == "str":
        return st.one_of(st.sampled_from([*(f.categories or ()), XNA]), st.text(max_size=12))
    assert f.valid is not None
    low, high = f.valid
    edges = st.sampled_from([low, high, int(low), int(high), *(f.categories or ()),
                             *([f.sentinel] if f.sentinel is not None else [])])
    near = st.floats(low - 2, high + 2, allow_nan=False)
    return st.one_of(edges, near, st.integers(int(low) - 3, int(high) + 3),
                     st.floats(allow_nan=False, allow_infinity=False), st.none())


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.data(), f=st.sampled_from(FIELDS))
def test_adapters_agree_on_drawn_values(data: st.DataObject, f: Field) -> None:
    """On any drawn value of the right JSON type (edges, values near and far from the bounds,
    any text), the three adapters agree with the oracle."""
    value = data.draw(_values(f))
    seen = verdicts(f, value)
    assert len(set(seen.values())) == 1, (f.name, value, seen)


@pytest.mark.parametrize(("value", "ok"), [
    (0, True), (1, True), (100_002, True), (100_002.0, True), (MAX_ID - 1, True), (MAX_ID, True),
    (MAX_ID + 1, False), (2**63 - 1, False), (float(MAX_ID), True),
    (float(np.nextafter(MAX_ID, math.inf)), False), (-1, False), (100_002.5, False)])
def test_client_id_bound_is_the_same_everywhere(value: Any, ok: bool) -> None:
    """SK_ID_CURR is an integer in [0, 2**62] for the API, for files (2**62 + 1 refused on an
    integer column) and in the published schema."""
    frame = validate_frame(pd.DataFrame({ID_COLUMN: [value]}))
    assert row_accepts(ID_COLUMN, value) is ok
    assert (ID_COLUMN not in frame.invalid) is ok
    assert schema_accepts(ID_COLUMN, value) is ok


@pytest.mark.parametrize("key", [ID_COLUMN, APPLICATION_TIME])
def test_the_extras_are_optional_and_nullable(key: str) -> None:
    """A client may leave SK_ID_CURR and application_time out, or send them as null."""
    assert validate([BASE], ENCODER).ok and JSON_SCHEMA.is_valid(BASE)
    assert row_accepts(key, None) and schema_accepts(key, None)


def test_a_missing_id_is_refused_in_files() -> None:
    """In a file with an id column, every row needs an id (a file's id column identifies rows)."""
    assert ID_COLUMN in validate_frame(pd.DataFrame({ID_COLUMN: [1.0, None]})).invalid


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(when=st.datetimes(FIRST_DAY, LAST_DAY), offset=st.integers(-12 * 60, 14 * 60),
       zulu=st.booleans())
def test_application_time_years_agree(when: datetime, offset: int, zulu: bool) -> None:
    """A well-formed date-time is accepted by the API and the published pattern iff its year,
    as written (before the offset), is 1990-2099."""
    text = when.replace(tzinfo=timezone(timedelta(minutes=offset))).isoformat()
    if zulu:
        text = when.isoformat() + "Z"
    assert row_accepts(APPLICATION_TIME, text) is (when.year in YEARS)
    assert schema_accepts(APPLICATION_TIME, text) is (when.year in YEARS)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(text=st.one_of(st.text(max_size=30), st.from_regex(r"\A[0-9]{4}-?[0-9]{2}.*", fullmatch=True)))
def test_an_application_time_the_api_takes_is_one_the_schema_takes(text: str) -> None:
    """Any text the API accepts as application_time matches the published pattern (JSON Schema
    cannot check a date, so the converse does not hold: "2024-13-45" matches)."""
    if row_accepts(APPLICATION_TIME, text):
        assert schema_accepts(APPLICATION_TIME, text)


@pytest.mark.parametrize("key", ["TARGET", "TRUE_PD", "amt_credit", "AMT_CREDITT", "", "index"])
def test_unknown_keys_are_refused_by_rows_and_schema(key: str) -> None:
    """A key that is not a field, SK_ID_CURR or application_time (TARGET and TRUE_PD included)
    is refused by the API and the published schema; files list such columns, and keep TARGET
    and TRUE_PD as known columns."""
    row = {**BASE, key: 0}
    assert not validate([row], ENCODER).ok
    assert not JSON_SCHEMA.is_valid(row)
    report = validate_frame(pd.DataFrame({key: [0]}))
    assert (key in report.unknown_columns) is (key not in ("TARGET", "TRUE_PD"))
