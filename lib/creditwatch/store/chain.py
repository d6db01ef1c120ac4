"""The tamper-evident decision log: a hash chain over stored predictions and outcomes.

Every prediction and outcome row the store inserts gets one ``audit_log`` entry, in the same
transaction: the SHA-256 of the row's content (``row_hash``) and the SHA-256 of the previous
entry's ``chain_hash`` followed by this ``row_hash`` (``chain_hash``). Entries are numbered
1, 2, 3, ... with no gap (``seq``).

Sequence rule: one chain for the whole store. A write transaction appends its entries last,
after its inserts, holding the store's write lock for the chain head: SQLite's write lock
(``BEGIN IMMEDIATE``), or a transaction-scoped advisory lock on PostgreSQL, so concurrent
writers (API workers, ``outcomes load``, a spool replay) queue for a few microseconds and
never fork the chain. A replayed batch inserts nothing new, so it appends nothing.

What a row's hash covers (``prediction_content`` / ``outcome_content``): the decision as
answered (ids, times, endpoint, model version, probability, decision, threshold, client id)
and ``inputs_digest``, the SHA-256 of the application's inputs in canonical form
(``inputs_digest``). The retention purge may remove the inputs: the digest stays, and the
chain still verifies. ``audit verify --inputs`` also recomputes each digest from the stored
inputs where they are still there.

Canonical forms, the same on both stores: times as the fixed-width UTC text
``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLite's stored form, so that store hashes its text as is),
floats by ``repr`` (both stores keep 8-byte doubles exactly), and inputs as sorted-key
compact JSON (orjson's). PostgreSQL's JSONB keeps every value but writes a float of 1e16 or
more as a plain integer: ``inputs_match`` reads such integers back as floats too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any

import orjson
from sqlalchemy import Connection, text

from creditwatch.store import bulk_pg
from creditwatch.store.types import sqlite_time

GENESIS = "0" * 64  # the "previous chain hash" of entry 1
PREDICTION, OUTCOME = "prediction", "outcome"
KINDS = (PREDICTION, OUTCOME)
# PostgreSQL advisory lock key of the chain head ("cwaudit" in ASCII).
PG_LOCK_KEY = 0x63_77_61_75_64_69_74
_SEP = "\x1f"  # unit separator: cannot occur in any hashed field (ids, versions, times)


def _parse(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # an integer beyond 64 bits: the stdlib parser takes it
        return json.loads(text)


def _widen(value: Any) -> Any:
    """``value`` with every integer of 1e16 or more (in magnitude) as a float; ``value``
    itself when it has none. Inputs are flat objects: recursion only into nested ones."""
    kind = type(value)
    if kind is int:
        return float(value) if abs(value) >= _LARGE else value
    if kind is dict:
        items = {k: _widen(v) for k, v in value.items()}
        return value if all(items[k] is value[k] for k in value) else items
    if kind is list:
        out = [_widen(v) for v in value]
        return value if all(a is b for a, b in zip(out, value, strict=True)) else out
    return value


_LARGE = 1e16  # orjson writes floats from here on with an exponent; JSONB writes them plain


def _digest(value: Any) -> str:
    try:
        canonical = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits, read back by the stdlib
        canonical = orjson.dumps(_widen(value), option=orjson.OPT_SORT_KEYS)
    return sha256(canonical).hexdigest()


def inputs_digest(text: str | bytes | None) -> str:
    """SHA-256 (hex) of stored inputs JSON ``text`` in canonical form (sorted keys, compact);
    of "" for none."""
    return sha256(b"").hexdigest() if text is None else _digest(_parse(text))


def inputs_match(text: str | bytes | None, digest: str | None) -> bool:
    """Whether inputs read back from a store still have ``digest``. PostgreSQL's JSONB
    writes a float of 1e16 or more as a plain integer (``1e+20`` comes back as
    ``100000000000000000000``): such integers are also compared read as floats."""
    if text is None:
        return digest == inputs_digest(None)
    value = _parse(text)
    if _digest(value) == digest:
        return True
    widened = _widen(value)
    return widened is not value and _digest(widened) == digest


def canonical_time(value: datetime | str) -> str:
    """The fixed-width UTC text ``YYYY-MM-DD HH:MM:SS.ffffff`` of a stored time: what SQLite
    stores and binds as is (no conversion on that store), or a datetime read back from
    PostgreSQL, or the ISO stamp text a PostgreSQL write binds (``records``)."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " ":
            return value
        value = datetime.fromisoformat(value)
    return sqlite_time(value if value.tzinfo is None else value.astimezone(UTC))


# The columns each kind's row hash covers, in this order.
PREDICTION_FIELDS = ("id", "request_id", "received_at", "application_time", "endpoint",
                     "model_version", "probability", "decision", "threshold", "client_id",
                     "inputs_digest")
OUTCOME_FIELDS = ("id", "event_id", "prediction_id", "application_time", "defaulted",
                  "observed_at", "source", "received_at")
FIELDS = {PREDICTION: PREDICTION_FIELDS, OUTCOME: OUTCOME_FIELDS}
TIMES = frozenset({"received_at", "application_time", "observed_at"})
# Per kind, the positions of its time fields.
_TIME_AT = {kind: frozenset(i for i, name in enumerate(fields) if name in TIMES)
            for kind, fields in FIELDS.items()}


def row_hash(kind: str, values: Sequence[Any]) -> str:
    """SHA-256 (hex) of one row's content: ``values`` in ``FIELDS[kind]`` order, times as
    datetimes or stamp text; floats by ``repr``, NULL as an empty text."""
    times = _TIME_AT[kind]
    parts = [kind]
    append = parts.append
    for i, value in enumerate(values):
        if value is None:
            append("")
        elif i in times:
            append(canonical_time(value))
        elif type(value) is float:
            append(repr(value))
        else:
            append(str(value))
    if len(parts) != len(FIELDS[kind]) + 1:
        raise ValueError(f"a {kind} row hash needs {len(FIELDS[kind])} values")
    return sha256(_SEP.join(parts).encode()).hexdigest()


def outcome_hash(oid: int, event: str, pid: int, application_time: str, defaulted: int,
                 observed_at: str, source: str, received_at: str) -> str:
    """``row_hash(OUTCOME, ...)`` of an outcome row whose times are already canonical text
    (``canonical_time``) and whose other fields are set: the outcome write path hashes
    thousands of rows per batch, and this is one f-string instead of a loop over fields
    (``tests/store/test_chain.py`` checks the two agree)."""
    return sha256(f"{OUTCOME}{_SEP}{oid}{_SEP}{event}{_SEP}{pid}{_SEP}{application_time}{_SEP}"
                  f"{defaulted}{_SEP}{observed_at}{_SEP}{source}{_SEP}{received_at}"
                  .encode()).hexdigest()


def link(previous: str, row: str) -> str:
    """The chain hash of an entry: SHA-256 of the previous chain hash then its row hash."""
    return sha256(f"{previous}{row}".encode()).hexdigest()


def append(conn: Connection, dialect: str, rows: Sequence[tuple[str, int, str]],
           written_at: str) -> int:
    """Append (kind, row id, row hash) entries at the chain's head, inside the caller's write
    transaction; ``written_at`` is the stamp of now in the dialect's stored form. Returns how
    many entries."""
    if not rows:
        return 0
    if dialect == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")
    head = conn.exec_driver_sql(
        "SELECT seq, chain_hash FROM audit_log ORDER BY seq DESC LIMIT 1").first()
    seq, chained = (0, GENESIS) if head is None else (int(head[0]), str(head[1]))
    entries = []
    for kind, rid, digest in rows:
        seq += 1
        chained = link(chained, digest)
        entries.append((seq, kind, rid, digest, chained, written_at))
    if dialect == "postgresql":
        # One COPY text built here (ids, a kind name, hex digests, an ISO stamp: nothing to
        # escape): psycopg's per-row ``write_row`` cost more than the server's insert.
        bulk_pg.copy_text(conn, "audit_log", ENTRY_COLUMNS,
                          "".join(f"{e[0]}\t{e[1]}\t{e[2]}\t{e[3]}\t{e[4]}\t{e[5]}\n"
                                  for e in entries))
    else:
        marks = ", ".join("?" * len(ENTRY_COLUMNS))
        conn.exec_driver_sql(
            f"INSERT INTO audit_log ({', '.join(ENTRY_COLUMNS)}) VALUES ({marks})", entries)
    return len(entries)


ENTRY_COLUMNS = ("seq", "kind", "row_id", "row_hash", "chain_hash", "written_at")


def keyset_pages(conn: Connection, sql: str, params: Mapping[str, Any] | None = None,
                 ) -> Iterator[Sequence[Any]]:
    """Pages of rows of ``sql``, which orders by its first column (an integer key), filters
    on ``> :last`` and has a LIMIT: each page read from after the last key of the previous
    one, so a walk over millions of rows holds one page at a time."""
    last = -1
    while True:
        rows = conn.execute(text(sql), {**(params or {}), "last": last}).all()
        if not rows:
            return
        yield rows
        last = int(rows[-1][0])
