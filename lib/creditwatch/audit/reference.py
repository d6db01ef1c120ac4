"""The reference walks of ``audit verify``: rows through SQLAlchemy, every value hashed by
``store.chain.row_hash`` (times normalised as read). Plain and slow; the fast walks
(``audit.fast``) are held to the same verdicts in tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from creditwatch.audit.result import TABLES, Break, Verification
from creditwatch.store.chain import FIELDS, inputs_match, keyset_pages, link, row_hash

CHUNK = 50_000
Tick = Callable[[int], None]
Range = tuple[int, int]  # (lo, hi]: lo excluded, hi included


def walk_chain(conn: Connection, seqs: Range, expected: int, previous: str,
               result: Verification, tick: Tick) -> str:
    """Check the numbering and links of the entries with ``seq`` in ``seqs`` = (lo, hi],
    the first expected to be number ``expected`` and to follow ``previous``; returns the
    last chain hash."""
    for rows in keyset_pages(conn, "SELECT seq, kind, row_id, row_hash, chain_hash FROM "
                             "audit_log WHERE seq > :last AND seq > :lo AND seq <= :hi "
                             f"ORDER BY seq LIMIT {CHUNK}", {"lo": seqs[0], "hi": seqs[1]}):
        for seq, kind, row_id, digest, chained in rows:
            if seq != expected:
                result.add(Break("gap", str(kind), int(seq), int(row_id)))
            if chained != link(previous, digest):
                result.add(Break("chain", str(kind), int(seq), int(row_id)))
            expected, previous = int(seq) + 1, str(chained)
        result.entries += len(rows)
        tick(len(rows))
    return previous


def walk_rows(conn: Connection, kind: str, bound: Any, inputs: bool, result: Verification,
              tick: Tick, ids: Range) -> None:
    """Hash each row of ``kind``'s table with an id in ``ids`` = (lo, hi] against its entry
    (and, with ``inputs``, its stored inputs against their digest)."""
    pg = conn.dialect.name == "postgresql"
    table, fields = TABLES[kind], FIELDS[kind]
    columns = ", ".join(f"t.{c}" for c in fields)
    extra = (", t.inputs_purged_at" + (", t.inputs::text" if pg else ", t.inputs")
             if inputs else "")
    since = " AND t.received_at >= :b" if bound is not None else ""
    since += f" AND t.id > {int(ids[0])} AND t.id <= {int(ids[1])}"
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
    result.rows[table] = result.rows.get(table, 0) + count
