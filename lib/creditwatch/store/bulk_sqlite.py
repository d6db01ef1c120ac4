"""SQLite bulk path: the driver's ``executemany`` over prepared tuples.

SQLAlchemy's insertmanyvalues (what ``RETURNING`` over many rows needs) spent about 40% of
the CPU of a 1000-prediction + 1000-log batch in Python holding the GIL (cProfile): building
parameter dicts, a bind-processor call per timestamp and JSON value, flattening pages of
placeholders. The rows come here already converted (``records``: UTC text stamps, JSON
text), so each statement is one ``executemany`` whose per-row work is sqlite3's C binding.

``executemany`` cannot return rows, so the new predictions' ids are read back: the write
transaction holds SQLite's write lock (``BEGIN IMMEDIATE``), and a new rowid is always
``max(rowid) + 1`` (the table is not AUTOINCREMENT and will never reach 2**63 - 1, where
SQLite starts picking random free rowids), so the rows inserted are exactly those above the
maximum read before inserting, in insertion order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from math import isfinite
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from creditwatch.store.types import clean_float


def _insert_sql(table: str, columns: Sequence[str], key: str) -> str:
    marks = ", ".join("?" * len(columns))
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "
            f"ON CONFLICT ({key}) DO NOTHING")


def insert_ignore(
    conn: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], key: str
) -> int:
    """Insert ``rows`` skipping those whose ``key`` is already stored (or repeated earlier
    in ``rows``); returns how many were inserted."""
    result = conn.exec_driver_sql(_insert_sql(table, columns, key), rows)
    # sqlite3 sums the changes of every execution; a skipped conflict changes nothing.
    return int(result.rowcount)


def insert_returning(
    conn: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], key: str
) -> list[tuple[int, str]]:
    """Insert ``rows`` idempotently on ``key``; (id, key) of those actually new, in id order
    (read back above the maximum id, see the module docstring)."""
    last = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one()
    if insert_ignore(conn, table, columns, rows, key) == 0:
        return []
    new = conn.exec_driver_sql(
        f"SELECT id, {key} FROM {table} WHERE id > ? ORDER BY id", (last,)
    )
    return [(int(pid), str(rid)) for pid, rid in new]


def insert_feature_values(
    conn: Connection,
    inserted: Sequence[tuple[int, str]],
    features: Mapping[str, tuple[Any, Mapping[str, Any]]],
) -> int:
    """Append the feature values of the new predictions ``inserted`` (id, request id), with
    their stamped application time; returns how many rows.

    The rows are generated while sqlite3 binds them, on the driver's cursor: a list of twenty
    thousand tuples (what SQLAlchemy's ``exec_driver_sql`` requires) set off dozens of
    garbage collections per batch, and those promoted the batch's decoded records to the
    oldest generation, whose full collections then cost more than these inserts.
    """
    count = 0

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal count
        for pid, rid in inserted:
            entry = features.get(rid)
            if entry is None:
                continue
            when, values = entry
            count += len(values)
            for name, value in values.items():
                # clean_float inlined for the common case: twenty values per prediction.
                if value.__class__ is float:
                    yield pid, name, value if isfinite(value) else None, when
                else:
                    yield pid, name, clean_float(value), when

    statement = ("INSERT INTO feature_values (prediction_id, feature, value, application_time) "
                 "VALUES (?, ?, ?, ?)")
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        driver.executemany(statement, rows())
    except sqlite3.Error as exc:
        # Raised as SQLAlchemy would have (IntegrityError, OperationalError, ...), so the
        # writer tells a refused record from an outage the same way on every statement.
        raise DBAPIError.instance(statement, None, exc, sqlite3.Error,
                                  dialect=conn.dialect) from exc
    return count


def insert_reasons(
    conn: Connection,
    inserted: Sequence[tuple[int, str]],
    reasons: Mapping[str, tuple[Any, Sequence[tuple[Any, ...]]]],
) -> int:
    """Append the reasons of the new predictions ``inserted`` (id, request id), see
    ``bulk_pg.copy_reasons``; returns how many rows."""
    rows: list[tuple[Any, ...]] = []
    for pid, rid in inserted:
        entry = reasons.get(rid)
        if entry is not None:
            when, reason_rows = entry
            rows.extend((pid, *row, when) for row in reason_rows)
    if rows:
        statement = ("INSERT INTO prediction_reasons (prediction_id, rank, code, text, "
                     "contribution, fields, field_values, application_time) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        conn.exec_driver_sql(statement, rows)
    return len(rows)
