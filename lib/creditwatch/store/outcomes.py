"""Outcomes: each received outcome matched to its prediction, idempotently, corrections kept.

An outcome names its prediction by exactly one key (``OUTCOME_KEYS``): the prediction's
``request_id``, its store id (``prediction_id``), or the client's ``SK_ID_CURR``, which takes
that client's latest prediction whose application time is not after ``observed_at``.

What the store does with each one, in arrival order (the ``status`` the API answers):

* ``stored``: the prediction had no outcome yet;
* ``duplicate``: the same value as the prediction's current outcome, or an item already
  received (a replayed spool, a retried request): nothing is written;
* ``corrected``: a different value: a new row; the history stays, the latest counts;
* ``unknown_prediction``: nothing matches the key: an ``anomalies`` row, nothing else.

Matching runs inside the write transaction, after the predictions of the same batch are
inserted, so an outcome sent right after its prediction finds it even before it was
committed on its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Connection, bindparam, select

from creditwatch.schema import ID_COLUMN
from creditwatch.store import bulk_pg, bulk_sqlite
from creditwatch.store.models import OUTCOMES, PREDICTIONS
from creditwatch.store.records import Stamp, json_text
from creditwatch.store.types import to_utc

STORED, DUPLICATE, CORRECTED = "stored", "duplicate", "corrected"
UNKNOWN, INVALID, QUEUED = "unknown_prediction", "invalid", "queued"
OUTCOME_KEYS = ("request_id", "prediction_id", ID_COLUMN)
OUTCOME_COLUMNS = ("event_id", "prediction_id", "application_time", "defaulted", "observed_at",
                   "source", "received_at")
_CHUNK = 5_000  # keys per IN (...) list: well under SQLite's 32,766 bound parameters


class OutcomeRecord(TypedDict):
    """One outcome to store, already validated (the API and ``outcomes load`` check them)."""

    event_id: str  # unique per received item, e.g. "<request id>-<position>"
    key: str  # one of OUTCOME_KEYS
    value: str | int
    defaulted: int  # 0 or 1
    observed_at: datetime
    received_at: datetime
    source: str


@dataclass(slots=True)
class OutcomeWrite:
    """Status of each record by event id, and the anomaly records of the unknown ones."""

    statuses: dict[str, str] = field(default_factory=dict)
    anomalies: list[dict[str, Any]] = field(default_factory=list)
    inserted: int = 0


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def _rows(conn: Connection, stmt: Any, values: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for part in _chunks(values):
        out.extend(conn.execute(stmt, {"keys": list(part)}).all())
    return out


def _resolve(conn: Connection, records: Sequence[Mapping[str, Any]]
             ) -> list[tuple[int, datetime] | None]:
    """Each record's prediction (id, application time), or None."""
    p = PREDICTIONS.c
    by_key: dict[str, set[Any]] = defaultdict(set)
    for r in records:
        by_key[r["key"]].add(r["value"])
    found: dict[tuple[str, Any], tuple[int, datetime]] = {}
    if by_key["request_id"]:
        stmt = select(p.request_id, p.id, p.application_time).where(
            p.request_id.in_(bindparam("keys", expanding=True)))
        for rid, pid, at in _rows(conn, stmt, sorted(by_key["request_id"])):
            found["request_id", rid] = (int(pid), to_utc(at))
    if by_key["prediction_id"]:
        stmt = select(p.id, p.id, p.application_time).where(
            p.id.in_(bindparam("keys", expanding=True)))
        for key, pid, at in _rows(conn, stmt, sorted(by_key["prediction_id"])):
            found["prediction_id", int(key)] = (int(pid), to_utc(at))
    clients: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    if by_key[ID_COLUMN]:
        stmt = select(p.client_id, p.application_time, p.id).where(
            p.client_id.in_(bindparam("keys", expanding=True)))
        for client, at, pid in _rows(conn, stmt, sorted(by_key[ID_COLUMN])):
            clients[int(client)].append((to_utc(at), int(pid)))
        for candidates in clients.values():
            candidates.sort()
    out: list[tuple[int, datetime] | None] = []
    for r in records:
        if r["key"] != ID_COLUMN:
            out.append(found.get((r["key"], r["value"])))
            continue
        # The latest prediction at or before the observation (ties: the later id).
        best = None
        observed = to_utc(r["observed_at"])
        for at, pid in clients.get(int(r["value"]), ()):
            if at > observed:
                break
            best = (pid, at)
        out.append(best)
    return out


def _current(conn: Connection, prediction_ids: Sequence[int]) -> dict[int, int]:
    """The latest stored value of each prediction that has an outcome."""
    o = OUTCOMES.c
    stmt = select(o.prediction_id, o.id, o.defaulted).where(
        o.prediction_id.in_(bindparam("keys", expanding=True)))
    latest: dict[int, tuple[int, int]] = {}
    for pid, oid, value in _rows(conn, stmt, prediction_ids):
        if pid not in latest or oid > latest[pid][0]:
            latest[pid] = (oid, value)
    return {pid: value for pid, (_, value) in latest.items()}


def _received(conn: Connection, event_ids: Sequence[str]) -> set[str]:
    stmt = select(OUTCOMES.c.event_id).where(
        OUTCOMES.c.event_id.in_(bindparam("keys", expanding=True)))
    return {row[0] for row in _rows(conn, stmt, event_ids)}


def check_outcomes(records: Sequence[Mapping[str, Any]]) -> None:
    """ValueError (a data error: the writer sets the record aside) for a malformed record."""
    for r in records:
        missing = OutcomeRecord.__required_keys__ - r.keys()
        if missing or r["key"] not in OUTCOME_KEYS or r["defaulted"] not in (0, 1):
            raise ValueError(f"invalid outcome record {r.get('event_id')!r}")


def insert_outcomes(conn: Connection, dialect: str, records: Sequence[Mapping[str, Any]],
                    stamp: Stamp) -> OutcomeWrite:
    """Match, classify and insert ``records`` (checked by ``check_outcomes``) on ``conn``,
    inside the caller's transaction."""
    result = OutcomeWrite()
    if not records:
        return result
    matches = _resolve(conn, records)
    known = sorted({m[0] for m in matches if m is not None})
    current = _current(conn, known)
    already = _received(conn, sorted({str(r["event_id"]) for r in records}))
    rows: list[tuple[Any, ...]] = []
    for r, match in zip(records, matches, strict=True):
        event = str(r["event_id"])
        if match is None:
            result.statuses[event] = UNKNOWN
            result.anomalies.append(_unknown(r))
            continue
        pid, application_time = match
        value = int(r["defaulted"])
        if event in already or current.get(pid) == value:
            result.statuses[event] = DUPLICATE
            continue
        result.statuses[event] = STORED if pid not in current else CORRECTED
        current[pid] = value
        already.add(event)
        rows.append((event, pid, stamp(application_time), value,
                     stamp(to_utc(r["observed_at"])), str(r["source"])[:64],
                     stamp(to_utc(r["received_at"]))))
    if rows:
        if dialect == "postgresql":
            result.inserted = len(bulk_pg.insert_ignore(conn, OUTCOMES, OUTCOME_COLUMNS, rows,
                                                        "event_id"))
        else:
            result.inserted = bulk_sqlite.insert_ignore(conn, "outcomes", OUTCOME_COLUMNS, rows,
                                                        "event_id")
    return result


def _unknown(record: Mapping[str, Any]) -> dict[str, Any]:
    """The anomaly record of an outcome whose prediction is not in the store."""
    key, value = record["key"], record["value"]
    return {
        "occurred_at": record["received_at"], "request_id": str(record["event_id"])[:64],
        "endpoint": "/outcomes", "kind": UNKNOWN, "http_status": 404,
        "errors": [{"field": key, "kind": UNKNOWN,
                    "message": f"no prediction with {key} = {value!r}"
                               + (" before the observation time" if key == ID_COLUMN else "")}],
        "payload_excerpt": json_text({"key": key, "value": value,
                                      "defaulted": record["defaulted"],
                                      "source": record["source"]}),
    }
