"""The fast walks of ``audit verify``: the driver's own cursor and one hash call per row.

The reference walks (``audit.reference``) read rows through SQLAlchemy and hash each value
through ``store.chain.row_hash``, which normalises every time it reads: about 30 µs a row on
SQLite and 50 µs on PostgreSQL, most of it per-value Python. Here:

* rows come from the DBAPI cursor (sqlite3 / psycopg) in pages of key ranges: no result-row
  objects, and index range scans whatever the planner's statistics;
* PostgreSQL prints the times itself (``to_char`` in UTC: the canonical text), so no datetime
  is built and printed again; SQLite stores that very text;
* a row's hash is one join of its values' ``str`` (a float's ``str`` is its ``repr``; None is
  the empty text) and one SHA-256.

A stored time that is not in canonical form (written outside creditwatch) hashes differently
here than in the reference path, which normalises it first. So a row whose fast hash misses
its entry is hashed again by the reference ``row_hash`` before it is called edited: a match
here implies a match there (the entry was made from the canonical text), and every miss is
decided by the reference. The verdicts are the reference path's; the tests check it on
tampered stores of both kinds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from hashlib import sha256
from typing import Any

from sqlalchemy import Connection

from creditwatch.audit.reference import Range, Tick
from creditwatch.audit.result import TABLES, Break, Verification
from creditwatch.store.chain import _SEP, FIELDS, TIMES, inputs_match, link, row_hash

PAGE = 50_000


def _pages(conn: Connection, sql: str, params: dict[str, Any], span: Range,
           ) -> Iterator[list[Any]]:
    """Pages of ``sql`` (filtered ``> :lo AND <= :hi`` on its key) over ``span`` = (lo, hi],
    ``PAGE`` keys at a time, through the driver's cursor. Key ranges rather than ``ORDER BY
    ... LIMIT`` pages: a range is an index range scan whatever the planner's statistics,
    where PostgreSQL, before it has analysed a freshly filled table, may scan and sort the
    whole table for every LIMIT page."""
    if conn.dialect.name == "postgresql":  # psycopg takes %(name)s where sqlite3 takes :name
        names = "|".join(re.escape(name) for name in (*params, "lo", "hi"))
        sql = re.sub(rf"(?<!:):({names})\b", r"%(\1)s", sql)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for lo in range(span[0], span[1], PAGE):
            cursor.execute(sql, {**params, "lo": lo, "hi": min(lo + PAGE, span[1])})
            rows = cursor.fetchall()
            if rows:
                yield rows
    finally:
        cursor.close()


def row_columns(kind: str, pg: bool) -> str:
    """The select list of ``kind``'s hashed fields, times as canonical text."""
    def column(name: str) -> str:
        if pg and name in TIMES:
            return f"to_char(t.{name} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        return f"t.{name}"
    return ", ".join(column(name) for name in FIELDS[kind])


def hasher(kind: str) -> Callable[[Sequence[Any]], str]:
    """``row -> row hash`` for rows selected by ``row_columns`` (times already text)."""
    prefix = kind + _SEP
    n = len(FIELDS[kind])

    def digest(row: Sequence[Any]) -> str:
        text = _SEP.join(["" if v is None else str(v) for v in row[:n]])
        return sha256((prefix + text).encode()).hexdigest()

    return digest


def walk_chain(conn: Connection, seqs: Range, expected: int, previous: str,
               result: Verification, tick: Tick) -> str:
    """As ``reference.walk_chain``."""
    sql = ("SELECT seq, kind, row_id, row_hash, chain_hash FROM audit_log "
           "WHERE seq > :lo AND seq <= :hi ORDER BY seq")
    for rows in _pages(conn, sql, {}, seqs):
        for seq, kind, row_id, digest, chained in rows:
            if seq != expected:
                result.add(Break("gap", kind, seq, row_id))
            if chained != link(previous, digest):
                result.add(Break("chain", kind, seq, row_id))
            expected, previous = seq + 1, chained
        result.entries += len(rows)
        tick(len(rows))
    return previous


def walk_rows(conn: Connection, kind: str, bound: Any, inputs: bool, result: Verification,
              tick: Tick, ids: Range) -> None:
    """As ``reference.walk_rows``, without its join: each page of rows, then the entries of
    that page's id range by the (kind, row_id) index. A join would leave the plan to the
    database, and PostgreSQL without fresh statistics sorts the whole log for every page."""
    pg = conn.dialect.name == "postgresql"
    table, n = TABLES[kind], len(FIELDS[kind])
    extra = (", t.inputs_purged_at" + (", t.inputs::text" if pg else ", t.inputs")
             if inputs else "")
    since = " AND t.received_at >= :b" if bound is not None else ""
    sql = (f"SELECT {row_columns(kind, pg)}{extra} FROM {table} t "
           f"WHERE t.id > :lo AND t.id <= :hi{since} ORDER BY t.id")
    mark = "%s" if pg else "?"
    lookup = (f"SELECT row_id, seq, row_hash FROM audit_log WHERE kind = {mark} "
              f"AND row_id >= {mark} AND row_id <= {mark}")
    digest = hasher(kind)
    count = 0
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for rows in _pages(conn, sql, {"b": bound} if bound is not None else {}, ids):
            cursor.execute(lookup, (kind, rows[0][0], rows[-1][0]))
            entries = {rid: (seq, stored) for rid, seq, stored in cursor.fetchall()}
            for row in rows:
                entry = entries.get(row[0])
                if entry is None:
                    result.add(Break("inserted", kind, None, row[0]))
                    continue
                seq, stored = entry
                if digest(row) != stored and row_hash(kind, row[:n]) != stored:
                    result.add(Break("edited", kind, seq, row[0]))
                elif inputs and row[n] is None and not inputs_match(row[n + 1], row[n - 1]):
                    result.add(Break("inputs", kind, seq, row[0]))
            count += len(rows)
            tick(len(rows))
    finally:
        cursor.close()
    result.rows[table] = result.rows.get(table, 0) + count
