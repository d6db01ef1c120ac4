"""Engine factory: one URL in, an engine tuned for its database out.

SQLite (the embedded store) is shared by the API process writing and the dashboard and
notebooks reading, so every connection runs in WAL mode (readers never block the writer nor
the writer the readers), waits on a lock instead of failing at once (busy_timeout), and
enforces foreign keys. SQLAlchemy emits BEGIN itself (sqlite3's legacy mode skips it before
SELECTs, so reads would not be consistent snapshots), and write transactions start with
``BEGIN IMMEDIATE``: taking the write lock up front means two writers queue on busy_timeout
instead of one failing with SQLITE_BUSY when upgrading a read lock.

PostgreSQL goes through a bounded pool with pre-ping, so a connection dropped while the
server restarted is replaced instead of failing a request; sessions run in UTC.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url

from creditwatch.store.types import dumps, loads

WRITE = {"creditwatch_write": True}  # execution option: this transaction will write
SQLITE_BUSY_TIMEOUT_MS = 30_000
POOL_SIZE = 5
MAX_OVERFLOW = 10


def make_engine(url: str, *, connect_timeout: int = 5, echo: bool = False) -> Engine:
    """An engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://...``)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, echo=echo)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(
            parsed,
            echo=echo,
            pool_size=POOL_SIZE,
            max_overflow=MAX_OVERFLOW,
            pool_pre_ping=True,
            json_serializer=dumps,
            json_deserializer=loads,
            connect_args={
                "connect_timeout": connect_timeout,
                "application_name": "creditwatch",
                "options": "-c timezone=UTC",
            },
        )
    raise ValueError(f"unsupported store URL {parsed.render_as_string()!r}: sqlite or postgresql")


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (``None`` for in-memory or other databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _enter_wal(cursor: sqlite3.Cursor) -> None:
    """Put the database in WAL mode (once per file: the mode is stored in the file).

    Switching needs an exclusive lock, and SQLite answers SQLITE_BUSY at once rather than
    through busy_timeout when another connection holds any lock, which is what happens when
    several processes open a brand-new file together. So a busy answer is retried until the
    busy timeout runs out; once one connection has switched, the others read "wal" and go on.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.001
    while True:
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        json_serializer=dumps,
        json_deserializer=loads,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see docstring)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            _enter_wal(cursor)
            # In WAL mode NORMAL stays consistent and survives a killed process; only an OS
            # crash or power cut can lose the last commits, for far fewer fsyncs per batch.
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("creditwatch_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
