"""Walk the audit chain (``store.chain``) and the rows it covers; report what broke.

Two passes, both streamed in id order with bounded memory:

1. the chain itself, in ``seq`` order: numbers without gaps from 1, and each entry's
   ``chain_hash`` equal to SHA-256(previous chain hash + its row hash). A gap is a deleted
   entry; a wrong link an edited one.
2. each table the chain covers, joined to its entries: a row whose content no longer hashes
   to its entry's ``row_hash`` was edited; a row without an entry was inserted behind
   creditwatch's back; an entry without its row means the row was deleted. With
   ``inputs=True`` each prediction's ``inputs_digest`` is also recomputed from its stored
   inputs (slower: every inputs document is parsed), except where the retention purge
   removed them (``inputs_purged_at`` set).

``since`` limits both passes to what was written from then on (entries by ``written_at``,
rows by ``received_at``); the chain is then checked from the entry before the first one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from creditwatch.store.chain import (
    FIELDS,
    GENESIS,
    KINDS,
    PREDICTION,
    inputs_match,
    keyset_pages,
    link,
    row_hash,
)
from creditwatch.store.types import sqlite_time

CHUNK = 50_000
TABLES = {PREDICTION: "predictions", "outcome": "outcomes"}
MAX_BREAKS = 100  # kept in the result; the count goes on


@dataclass(frozen=True, slots=True)
class Break:
    """One broken place: ``problem`` is edited, deleted, inserted, chain or gap."""

    problem: str
    kind: str
    seq: int | None = None  # the chain entry, when there is one
    row_id: int | None = None

    def describe(self) -> str:
        entry = f"entry {self.seq}" if self.seq is not None else "no entry"
        row = f"{TABLES.get(self.kind, self.kind)} id {self.row_id}"
        return {
            "edited": f"{entry}: {row} was edited (its content no longer matches the chain)",
            "inputs": f"{entry}: {row}: its stored inputs no longer match their digest",
            "deleted": f"{entry}: {row} was deleted",
            "inserted": f"{row} has no chain entry: inserted outside creditwatch",
            "chain": f"{entry}: the chain entry itself was altered",
            "gap": f"{entry}: chain entries before it are missing (deleted)",
        }[self.problem]


@dataclass(slots=True)
class Verification:
    """What ``verify`` walked and found; ``head`` is the last entry's chain hash (keep it
    outside the store, e.g. in a signed report, to anchor the chain)."""

    entries: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    head: str = GENESIS
    breaks: list[Break] = field(default_factory=list)
    n_breaks: int = 0

    @property
    def intact(self) -> bool:
        return self.n_breaks == 0

    @property
    def first(self) -> Break | None:
        """The first broken entry in chain order (rows without an entry last, by id)."""
        if not self.breaks:
            return None
        return min(self.breaks, key=lambda b: (b.seq is None, b.seq or 0, b.row_id or 0))

    def add(self, found: Break) -> None:
        self.n_breaks += 1
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(found)


Progress = Callable[[int], None]


def verify(conn: Connection, *, since: datetime | None = None, inputs: bool = False,
           progress: Progress | None = None) -> Verification:
    """Verify the chain and the rows it covers on ``conn``; ``progress`` is called with the
    number of entries and rows walked so far."""
    result = Verification()
    pg = conn.dialect.name == "postgresql"
    bound = None if since is None else (since if pg else sqlite_time(since))
    walked = [0]

    def tick(n: int) -> None:
        walked[0] += n
        if progress is not None:
            progress(walked[0])

    _walk_chain(conn, bound, result, tick)
    for kind in KINDS:
        _walk_rows(conn, kind, bound, inputs and kind == PREDICTION, pg, result, tick)
        _find_deleted(conn, kind, bound, result)
    return result


def _walk_chain(conn: Connection, bound: Any, result: Verification,
                tick: Callable[[int], None]) -> None:
    where, params = "", {}
    expected, previous = 1, GENESIS
    if bound is not None:
        first = conn.execute(text("SELECT min(seq) FROM audit_log WHERE written_at >= :b"),
                             {"b": bound}).scalar()
        if first is None:
            return
        before = conn.execute(text("SELECT chain_hash FROM audit_log WHERE seq = :s"),
                              {"s": first - 1}).scalar()
        expected, previous = int(first), GENESIS if first == 1 else str(before or "")
        where, params = " AND seq >= :first", {"first": first}
    for rows in keyset_pages(conn, f"SELECT seq, kind, row_id, row_hash, chain_hash FROM audit_log "
                              f"WHERE seq > :last{where} ORDER BY seq LIMIT {CHUNK}", params):
        for seq, kind, row_id, digest, chained in rows:
            if seq != expected:
                result.add(Break("gap", str(kind), int(seq), int(row_id)))
            if chained != link(previous, digest):
                result.add(Break("chain", str(kind), int(seq), int(row_id)))
            expected, previous = int(seq) + 1, str(chained)
        result.entries += len(rows)
        tick(len(rows))
    result.head = previous


def _walk_rows(conn: Connection, kind: str, bound: Any, inputs: bool, pg: bool,
               result: Verification, tick: Callable[[int], None]) -> None:
    table, fields = TABLES[kind], FIELDS[kind]
    columns = ", ".join(f"t.{c}" for c in fields)
    extra = (", t.inputs_purged_at" + (", t.inputs::text" if pg else ", t.inputs")
             if inputs else "")
    since = " AND t.received_at >= :b" if bound is not None else ""
    sql = (f"SELECT {columns}, a.seq, a.row_hash{extra} FROM {table} t "
           f"LEFT JOIN audit_log a ON a.kind = '{kind}' AND a.row_id = t.id "
           f"WHERE t.id > :last{since} ORDER BY t.id LIMIT {CHUNK}")
    n = len(fields)
    count = 0
    for rows in keyset_pages(conn, sql, {"b": bound}):
        for row in rows:
            seq, stored = row[n], row[n + 1]
            rid = int(row[0])
            if seq is None:
                result.add(Break("inserted", kind, None, rid))
            elif row_hash(kind, row[:n]) != stored:
                result.add(Break("edited", kind, int(seq), rid))
            elif inputs and row[n + 2] is None and not inputs_match(row[n + 3], row[n - 1]):
                result.add(Break("inputs", kind, int(seq), rid))
        count += len(rows)
        tick(len(rows))
    result.rows[table] = count


def _find_deleted(conn: Connection, kind: str, bound: Any, result: Verification) -> None:
    since = " AND a.written_at >= :b" if bound is not None else ""
    rows = conn.execute(text(
        f"SELECT a.seq, a.row_id FROM audit_log a LEFT JOIN {TABLES[kind]} t ON t.id = a.row_id "
        f"WHERE a.kind = :k AND t.id IS NULL{since} ORDER BY a.seq LIMIT {MAX_BREAKS + 1}"),
        {"k": kind, "b": bound}).all()
    for seq, row_id in rows:
        result.add(Break("deleted", kind, int(seq), int(row_id)))
