"""Column types that behave the same on PostgreSQL and SQLite.

* ``UTCDateTime``: timestamps go in and come out timezone-aware UTC on both databases.
  PostgreSQL keeps them as ``timestamptz``; SQLite has no time type, so they are stored as
  fixed-width UTC text (``YYYY-MM-DD HH:MM:SS.ffffff``), whose text order is time order, and
  tagged UTC again on the way out.
* ``JSONB_OR_JSON``: JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
* ``dumps``/``loads``: orjson, because the inputs of every prediction go through them; numpy
  scalars and arrays are accepted and NaN/Infinity become ``null`` (JSON has no NaN, and
  PostgreSQL rejects it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
import pandas as pd
from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

from creditwatch.windows.parse import to_utc

_STR_KEYS = orjson.OPT_SERIALIZE_NUMPY
_OPTIONS = _STR_KEYS | orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    """Values orjson does not know natively: pandas missing markers and scalars."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    """JSON text for the store (str, because sqlite3 would store bytes as a BLOB).

    Client strings can hold what a database refuses: NUL (PostgreSQL rejects ``\\u0000`` in
    JSONB) and lone surrogates (not encodable in UTF-8); integers can exceed 64 bits. Such
    values are rewritten (U+FFFD, decimal text) instead of failing the whole batch forever.
    """
    text = None
    # String keys first (all that decoded JSON, the spool's records, can hold): the
    # non-string-keys option makes every dump ≈15% slower, and few values need it.
    for option in (_STR_KEYS, _OPTIONS):
        try:
            text = orjson.dumps(value, default=_default, option=option).decode()
            break
        except orjson.JSONEncodeError:
            continue
    if text is None or "\\u0000" in text:
        text = orjson.dumps(_sanitize(value), default=_default, option=_OPTIONS).decode()
    return text


_INT64 = (-(2**63), 2**63 - 1)


def clean_text(text: str) -> str:
    """``text`` without NUL characters and lone surrogates (each becomes U+FFFD)."""
    text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _sanitize(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {_sanitize(k) if isinstance(k, str) else k: _sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_sanitize(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return value if _INT64[0] <= value <= _INT64[1] else str(value)
    return value


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


def clean_float(value: Any) -> float | None:
    """A float for a nullable REAL column: missing and non-finite values become NULL."""
    if value is None or value is pd.NA:
        return None
    out = float(value)
    return out if math.isfinite(out) else None


def sqlite_time(utc: datetime) -> str:
    """The SQLite storage text of an aware UTC ``datetime``: ``YYYY-MM-DD HH:MM:SS.ffffff``.

    The same fixed-width text as the dialect's DATETIME processor (text order is time order;
    whole seconds keep their ".000000"), built by one C call instead of a ``%`` format of
    seven fields; the ``+00:00`` suffix of the aware value is cut off.
    """
    return utc.isoformat(" ", "microseconds")[:26]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every dialect (see the module docstring)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = to_utc(value)
        # SQLite's DATETIME storage drops the offset anyway; store the UTC wall time.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BIGINT_PK = BigInteger().with_variant(Integer(), "sqlite")

# none_as_null: a Python None is SQL NULL (absent), not the JSON literal 'null'.
JSONB_OR_JSON = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")
