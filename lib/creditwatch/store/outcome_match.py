"""The lookups behind outcome matching: each outcome's prediction, the predictions' current
values, the events already received. Two paths give the same answers:

* the bulk path (default): one statement per lookup whatever the batch size, its keys in a
  single JSON text parameter (PostgreSQL: ``= ANY(ARRAY(SELECT json_array_elements_text(%s
  ::json))::bigint[])``; SQLite: ``IN (SELECT value FROM json_each(?))``), sent as driver
  SQL (psycopg's own dump of a 10,000-string list array took ~0.15 s). Every time is the
  fixed-width UTC text ``YYYY-MM-DD HH:MM:SS.ffffff`` (``chain.canonical_time``), whose order
  is time order: SQLite stores it so, PostgreSQL formats it server-side (``to_char``), and
  each observation time is converted once (``row_time``). The text is what the row hash
  covers and what the outcome rows are written with (PostgreSQL: one COPY text), so no time
  is decoded or re-encoded in Python (that was ~1.5 s per 100,000 outcomes on PostgreSQL);
* the reference path: SQLAlchemy ``IN (...)`` lists of at most 5,000 keys, times decoded to
  aware UTC datetimes; what the tests compare the bulk path against.

Measured on 10,000 outcomes (cProfile, ``benchmarks/bench_outcomes.py``), the reference path
spent most of its time client-side on the IN lists: SQLAlchemy naming and rendering one bind
parameter per key (~0.8 s per 20,000 keys), then psycopg parsing the 5,000-placeholder
statements (~2.2 s), and decoding then re-encoding every matched time (~0.5 s on SQLite).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, select

from creditwatch.schema import ID_COLUMN
from creditwatch.store.models import OUTCOMES, PREDICTIONS
from creditwatch.store.records import Stamp
from creditwatch.store.types import sqlite_time, to_utc

# PostgreSQL bulk path: a stored time as its canonical UTC text, formatted by the server.
_PG_TEXT = "to_char(application_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
_CHUNK = 5_000  # reference path: keys per IN (...) list, well under SQLite's 32,766 parameters
_TABLES = {"predictions": PREDICTIONS, "outcomes": OUTCOMES}
_CASTS = {"request_id": "text", "event_id": "text", "id": "bigint", "client_id": "bigint",
          "prediction_id": "bigint"}
Match = tuple[int, Any]  # (prediction id, its application time stamped for the outcome row)


class Lookup:
    """The lookups of one write transaction, on one path."""

    def __init__(self, conn: Connection, dialect: str, stamp: Stamp, *, reference: bool) -> None:
        self.conn, self.dialect, self.stamp, self.reference = conn, dialect, stamp, reference

    def rows(self, table: str, columns: Sequence[str], key: str,
             keys: Iterable[Any]) -> list[Any]:
        """``columns`` of the rows of ``table`` whose ``key`` is one of ``keys``."""
        values = list(keys)
        if not values:
            return []
        if self.reference:
            t = _TABLES[table]
            stmt = select(*(t.c[c] for c in columns)).where(
                t.c[key].in_(bindparam("keys", expanding=True)))
            out: list[Any] = []
            for first in range(0, len(values), _CHUNK):
                out.extend(self.conn.execute(stmt, {"keys": values[first:first + _CHUNK]}).all())
            return out
        names = ", ".join(_PG_TEXT if c == "application_time" and self.dialect == "postgresql"
                          else c for c in columns)
        keys_json = orjson.dumps(values).decode()
        if self.dialect == "postgresql":
            # ANY(ARRAY(...)): one array, so the key's index is probed once per key
            array = f"ARRAY(SELECT json_array_elements_text(%s::json))::{_CASTS[key]}[]"
            sql = f"SELECT {names} FROM {table} WHERE {key} = ANY({array})"
        else:
            sql = f"SELECT {names} FROM {table} WHERE {key} IN (SELECT value FROM json_each(?))"
        return list(self.conn.exec_driver_sql(sql, (keys_json,)).all())

    # --- times: compared in the form the bulk path reads them, stamped once matched
    @property
    def _bulk(self) -> bool:
        return not self.reference

    def row_time(self, when: datetime) -> Any:
        """``when`` as an outcome row takes it: the bulk path's canonical UTC text on both
        dialects; the reference path's dialect stamp."""
        utc = to_utc(when)
        return sqlite_time(utc) if self._bulk else self.stamp(utc)

    def _time_key(self) -> Callable[[Any], Any]:
        """Stored application time → a value ordered as time, comparable to the observation
        time (``row_time``'s text on the bulk path, an aware datetime on the reference's)."""
        return (lambda text: text) if self._bulk else to_utc

    def _stamped(self, at: Any) -> Any:
        """A stored application time as the outcome row takes it."""
        if self._bulk:
            return at  # already the canonical text
        return self.stamp(to_utc(at))

    def resolve(self, records: Sequence[Mapping[str, Any]],
                observed: Sequence[Any]) -> list[Match | None]:
        """Each record's prediction (id, application time as its row takes it), or None;
        ``observed``: each record's ``row_time(observed_at)``."""
        by_key: dict[str, set[Any]] = defaultdict(set)
        for r in records:
            by_key[r["key"]].add(r["value"])
        found: dict[tuple[str, Any], Match] = {}
        for rid, pid, at in self.rows("predictions", ("request_id", "id", "application_time"),
                                      "request_id", by_key["request_id"]):
            found["request_id", rid] = (int(pid), at)
        for pid, at in self.rows("predictions", ("id", "application_time"), "id",
                                 by_key["prediction_id"]):
            found["prediction_id", int(pid)] = (int(pid), at)
        time_key = self._time_key()
        clients: dict[int, list[tuple[Any, int, Any]]] = defaultdict(list)
        for client, at, pid in self.rows("predictions", ("client_id", "application_time", "id"),
                                         "client_id", by_key[ID_COLUMN]):
            clients[int(client)].append((time_key(at), int(pid), at))
        for candidates in clients.values():
            candidates.sort(key=lambda c: (c[0], c[1]))
        # Per record: plain locals, no method call (10,000 records per batch); on the bulk
        # path a match is already the row's form (canonical text), shared as is.
        bulk, stamped = self._bulk, self._stamped
        out: list[Match | None] = []
        append = out.append
        for r, row_observed in zip(records, observed, strict=True):
            key = r["key"]
            if key != ID_COLUMN:
                match = found.get((key, r["value"]))
            else:
                # The latest prediction at or before the observation (ties: the later id).
                match = None
                until = row_observed if bulk else to_utc(r["observed_at"])
                for when, pid, at in clients.get(int(r["value"]), ()):
                    if when > until:
                        break
                    match = (pid, at)
            append(match if match is None or bulk else (match[0], stamped(match[1])))
        return out

    def current(self, prediction_ids: Sequence[int]) -> dict[int, int]:
        """The latest stored value of each prediction that has an outcome."""
        latest: dict[int, tuple[int, int]] = {}
        for pid, oid, value in self.rows("outcomes", ("prediction_id", "id", "defaulted"),
                                         "prediction_id", prediction_ids):
            if pid not in latest or oid > latest[pid][0]:
                latest[pid] = (oid, value)
        return {pid: value for pid, (_, value) in latest.items()}

    def received(self, event_ids: Sequence[str]) -> set[str]:
        return {row[0] for row in self.rows("outcomes", ("event_id",), "event_id", event_ids)}
