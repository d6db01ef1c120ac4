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

The walks come in two implementations with the same verdicts: ``audit.fast`` (the default:
the driver's cursor, one hash call a row) and ``audit.reference`` (plain SQLAlchemy and
``store.chain.row_hash``), which the tests hold the fast one to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from creditwatch.audit import fast, reference
from creditwatch.audit.result import MAX_BREAKS, TABLES, Break, Verification
from creditwatch.store.chain import GENESIS, KINDS, PREDICTION
from creditwatch.store.types import sqlite_time

Progress = Callable[[int], None]
WALKS = {"fast": fast, "reference": reference}


def verify(conn: Connection, *, since: datetime | None = None, inputs: bool = False,
           progress: Progress | None = None, walks: str = "fast") -> Verification:
    """Verify the chain and the rows it covers on ``conn``; ``progress`` is called with the
    number of entries and rows walked so far; ``walks``: ``fast`` or ``reference``."""
    walk = WALKS[walks]
    result = Verification()
    pg = conn.dialect.name == "postgresql"
    bound = None if since is None else (since if pg else sqlite_time(since))
    walked = [0]

    def tick(n: int) -> None:
        walked[0] += n
        if progress is not None:
            progress(walked[0])

    first = _first_entry(conn, bound)
    top = conn.execute(text("SELECT max(seq) FROM audit_log")).scalar()
    if first is not None and top is not None:
        before = conn.execute(text("SELECT chain_hash FROM audit_log WHERE seq = :s"),
                              {"s": first - 1}).scalar()
        previous = GENESIS if first == 1 else str(before or "")
        result.head = walk.walk_chain(conn, (first - 1, int(top)), first, previous, result,
                                      tick)
    for kind in KINDS:
        low, high = conn.execute(text(f"SELECT min(id), max(id) FROM {TABLES[kind]}")).one()
        ids = (-1, -1) if low is None else (int(low) - 1, int(high))
        walk.walk_rows(conn, kind, bound, inputs and kind == PREDICTION, result, tick, ids)
        _find_deleted(conn, kind, bound, result)
    return result


def _first_entry(conn: Connection, bound: Any) -> int | None:
    """The first entry to check: 1, or the first written from ``bound`` on (None: none)."""
    if bound is None:
        return 1
    first = conn.execute(text("SELECT min(seq) FROM audit_log WHERE written_at >= :b"),
                         {"b": bound}).scalar()
    return None if first is None else int(first)


def _find_deleted(conn: Connection, kind: str, bound: Any, result: Verification) -> None:
    since = " AND a.written_at >= :b" if bound is not None else ""
    rows = conn.execute(text(
        f"SELECT a.seq, a.row_id FROM audit_log a LEFT JOIN {TABLES[kind]} t ON t.id = a.row_id "
        f"WHERE a.kind = :k AND t.id IS NULL{since} ORDER BY a.seq LIMIT {MAX_BREAKS + 1}"),
        {"k": kind, "b": bound}).all()
    for seq, row_id in rows:
        result.add(Break("deleted", kind, int(seq), int(row_id)))
