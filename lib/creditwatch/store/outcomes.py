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
from creditwatch.store.chain import OUTCOME, outcome_hash, row_hash
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
    stamped: dict[int, Any] = {}  # times shared by many records (a file without dates, the
    # batch's received_at) are converted once, by object
    observed = [_stamp_once(lookup, stamped, r["observed_at"]) for r in records]
    matches = lookup.resolve(records, observed)
    known = sorted({m[0] for m in matches if m is not None})
    current = lookup.current(known)
    already = lookup.received(sorted({str(r["event_id"]) for r in records}))
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
        rows.append((event, pid, application_time, value, observed_at,
                     str(r["source"])[:64], _stamp_once(lookup, stamped, r["received_at"])))
    if rows:
        new = _insert(conn, dialect, rows, reference=reference)
        result.inserted = len(new)
        by_event = {row[0]: row for row in rows}
        if reference:
            result.chained = [(OUTCOME, int(oid), row_hash(OUTCOME, (int(oid), *by_event[e])))
                              for oid, e in new]
        else:  # every time is canonical text already (``outcome_match``)
            result.chained = [(OUTCOME, int(oid), outcome_hash(int(oid), *by_event[e]))
                              for oid, e in new]
    return result


def _stamp_once(lookup: Lookup, stamped: dict[int, Any], when: datetime) -> Any:
    """``lookup.row_time(when)``, computed once per object ``when``."""
    key = id(when)
    if key not in stamped:
        stamped[key] = lookup.row_time(when)
    return stamped[key]


def _insert(conn: Connection, dialect: str, rows: list[tuple[Any, ...]], *,
            reference: bool) -> list[tuple[Any, ...]]:
    """Insert the outcome ``rows`` (``OUTCOME_COLUMNS`` order) unless their event id is
    stored; (id, event id) of the new ones. PostgreSQL's bulk path sends one COPY text: its
    times are canonical UTC text already, so the rows need no per-value dump."""
    if dialect != "postgresql":
        return bulk_sqlite.insert_returning(conn, "outcomes", OUTCOME_COLUMNS, rows, "event_id")
    if reference:
        return bulk_pg.insert_ignore(conn, OUTCOMES, OUTCOME_COLUMNS, rows, "event_id",
                                     ("id", "event_id"))
    escape = bulk_pg.escape
    sources = {s: escape(s) for s in {row[5] for row in rows}}  # usually one per batch
    text = "".join(f"{escape(e)}\t{p}\t{a}+00\t{d}\t{o}+00\t{sources[s]}\t{r}+00\t{seq}\n"
                   for seq, (e, p, a, d, o, s, r) in enumerate(rows))
    return bulk_pg.insert_ignore(conn, OUTCOMES, OUTCOME_COLUMNS, text, "event_id",
                                 ("id", "event_id"))


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
