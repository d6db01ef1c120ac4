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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Connection

from creditwatch.schema import ID_COLUMN
from creditwatch.store import bulk_pg, bulk_sqlite
from creditwatch.store.chain import OUTCOME, row_hash
from creditwatch.store.models import OUTCOMES
from creditwatch.store.outcome_match import Lookup
from creditwatch.store.records import Link, Stamp, json_text

STORED, DUPLICATE, CORRECTED = "stored", "duplicate", "corrected"
UNKNOWN, INVALID, QUEUED = "unknown_prediction", "invalid", "queued"
OUTCOME_KEYS = ("request_id", "prediction_id", ID_COLUMN)
OUTCOME_COLUMNS = ("event_id", "prediction_id", "application_time", "defaulted", "observed_at",
                   "source", "received_at")


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
    chained: list[Link] = field(default_factory=list)  # chain links of the new rows


def check_outcomes(records: Sequence[Mapping[str, Any]]) -> None:
    """ValueError (a data error: the writer sets the record aside) for a malformed record."""
    for r in records:
        missing = OutcomeRecord.__required_keys__ - r.keys()
        if missing or r["key"] not in OUTCOME_KEYS or r["defaulted"] not in (0, 1):
            raise ValueError(f"invalid outcome record {r.get('event_id')!r}")


def insert_outcomes(conn: Connection, dialect: str, records: Sequence[Mapping[str, Any]],
                    stamp: Stamp, *, reference: bool = False) -> OutcomeWrite:
    """Match, classify and insert ``records`` (checked by ``check_outcomes``) on ``conn``,
    inside the caller's transaction. ``reference``: look up through the reference path
    (``store.outcome_match``), which the tests compare the default bulk path against."""
    result = OutcomeWrite()
    if not records:
        return result
    lookup = Lookup(conn, dialect, stamp, reference=reference)
    observed = [lookup.row_time(r["observed_at"]) for r in records]
    matches = lookup.resolve(records, observed)
    known = sorted({m[0] for m in matches if m is not None})
    current = lookup.current(known)
    already = lookup.received(sorted({str(r["event_id"]) for r in records}))
    received_at: dict[int, Any] = {}  # usually one object for the whole batch: stamped once
    rows: list[tuple[Any, ...]] = []
    for r, match, observed_at in zip(records, matches, observed, strict=True):
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
        received = r["received_at"]
        if id(received) not in received_at:
            received_at[id(received)] = lookup.row_time(received)
        rows.append((event, pid, application_time, value, observed_at,
                     str(r["source"])[:64], received_at[id(received)]))
    if rows:
        if dialect == "postgresql":
            new = bulk_pg.insert_ignore(conn, OUTCOMES, OUTCOME_COLUMNS, rows, "event_id",
                                        ("id", "event_id"))
        else:
            new = bulk_sqlite.insert_returning(conn, "outcomes", OUTCOME_COLUMNS, rows,
                                               "event_id")
        result.inserted = len(new)
        by_event = {row[0]: row for row in rows}
        result.chained = [(OUTCOME, int(oid), row_hash(OUTCOME, (int(oid), *by_event[event])))
                          for oid, event in new]
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
