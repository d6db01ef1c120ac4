"""The local DuckDB copy of the store, refreshed incrementally.

Why a copy, and not DuckDB attached to the store: DuckDB's postgres and sqlite scanners are
extensions downloaded at run time (``INSTALL postgres``), which this project cannot rely on
(no network but package registries; the pip-packaged extensions are built for DuckDB 1.x and
DuckDB 2.0 refuses to load them). So each refresh pulls only the needed columns of the rows
added since the last one (``id > last id``) into Arrow and appends them to an in-memory
DuckDB database; every aggregate then runs in DuckDB, never over the store's tables.

Consistency: ids grow with insertion, and the store has one writer (the API's background
writer, one transaction per batch), so "new rows" are the rows above the last id seen. A
periodic check (``Settings.analytics.full_check_s``) compares row counts and the highest id
with the store and reloads a table whole when they differ: rows deleted (a purge, a test
emptying the store) or a transaction that committed late with lower ids.

``since``: a copy of recent rows only. Predictions and anomalies older than ``since`` (by
their server clock, ``tables.CLOCKS``) are left in the store, so the pull costs what the
recent rows cost (the clocks are indexed), whatever the size of the history: what a one-off
reader of recent windows (the alert check) needs. Drift reports and alerts are copied whole.

``tables``: a copy of some tables and columns only (``{"predictions": ("id", ...), ...}``;
the id is always kept). A reader that knows what it queries (the performance monitor reads
a prediction's time, version and probability and its outcome) pulls a fraction of the
columns: on PostgreSQL the segment columns alone cost the server five JSON extractions per
prediction. Queries naming another table or column fail on such a copy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa
from sqlalchemy import ColumnElement, Select, bindparam, func, select

from creditwatch.analytics.fetch import build_select, empty_table, fetch_arrow
from creditwatch.analytics.tables import MIRRORS, Mirror
from creditwatch.store import Store
from creditwatch.store.types import to_utc


@dataclass
class RefreshStats:
    """What one refresh did: new rows per table, tables reloaded whole, seconds spent."""

    added: dict[str, int] = field(default_factory=dict)
    reloaded: list[str] = field(default_factory=list)
    seconds: float = 0.0


def restrict(tables: Mapping[str, Sequence[str]]) -> tuple[Mirror, ...]:
    """The mirrors of ``tables`` with only the columns named (and the id), in table order."""
    by_name = {m.name: m for m in MIRRORS}
    unknown = set(tables) - set(by_name)
    if unknown:
        raise ValueError(f"unknown tables for the analytics copy: {sorted(unknown)}")
    out = []
    for mirror in MIRRORS:
        if mirror.name not in tables:
            continue
        wanted = {"id", *tables[mirror.name]}
        missing = wanted - {c.name for c in mirror.columns}
        if missing:
            raise ValueError(f"unknown {mirror.name} columns: {sorted(missing)}")
        out.append(replace(mirror, columns=tuple(c for c in mirror.columns
                                                 if c.name in wanted)))
    return tuple(out)


class LocalCopy:
    """An in-memory DuckDB database mirroring the store's monitoring columns."""

    def __init__(self, store: Store, *, full_check_s: float = 60.0, threads: int | None = None,
                 since: datetime | None = None,
                 tables: Mapping[str, Sequence[str]] | None = None) -> None:
        self.store = store
        self.mirrors = MIRRORS if tables is None else restrict(tables)
        self.since = to_utc(since) if since is not None else None
        self.full_check_s = full_check_s
        config: dict[str, str | bool | int | float | list[str]] = (
            {"threads": threads} if threads else {})
        self.con = duckdb.connect(":memory:", config=config)
        self.con.execute("SET TimeZone = 'UTC'").fetchall()
        self.lock = threading.RLock()  # one DuckDB connection, shared by the caller's threads
        self.last_id: dict[str, int] = {}
        self.last_check = float("-inf")
        self.last_refresh = float("-inf")
        self.generation = 0  # bumped when predictions are reloaded whole (caches built on them)
        # Each table's two statements, built once (their compiled SQL is cached).
        self._new_rows: dict[str, Select[Any]] = {}
        self._all_rows: dict[str, Select[Any]] = {}
        for mirror in self.mirrors:
            self._create(mirror)
            base = build_select(store, mirror.columns).where(*self._scope(mirror))
            id_col = mirror.table.c.id
            self._all_rows[mirror.name] = base.order_by(id_col)
            self._new_rows[mirror.name] = base.where(id_col > bindparam("last_id")).order_by(id_col)

    def _scope(self, mirror: Mirror) -> list[ColumnElement[bool]]:
        """The condition on the rows the copy keeps of ``mirror`` (none: every row)."""
        if self.since is None or mirror.clock is None:
            return []
        return [mirror.table.c[mirror.clock] >= self.since]

    def _create(self, mirror: Mirror) -> None:
        self.con.register("_batch", empty_table(mirror.columns))
        try:
            self.con.execute(f"CREATE OR REPLACE TABLE {mirror.name} AS SELECT * FROM _batch")
        finally:
            self.con.unregister("_batch")
        self.last_id[mirror.name] = 0

    def refresh(self, *, full: bool = False) -> RefreshStats:
        """Bring the copy up to date with the store (``full``: reload every table)."""
        started = time.perf_counter()
        stats = RefreshStats()
        with self.lock:
            check = full or time.monotonic() - self.last_check >= self.full_check_s
            for mirror in self.mirrors:
                if not mirror.incremental or full:
                    stats.added[mirror.name] = self._reload(mirror)
                    if mirror.incremental:
                        stats.reloaded.append(mirror.name)
                    continue
                stats.added[mirror.name] = self._append(mirror)
                if check and not self._consistent(mirror):
                    stats.added[mirror.name] = self._reload(mirror)
                    stats.reloaded.append(mirror.name)
            if check:
                self.last_check = time.monotonic()
            self.last_refresh = time.monotonic()
        stats.seconds = time.perf_counter() - started
        return stats

    def _append(self, mirror: Mirror) -> int:
        """Copy the rows above the last id seen; returns how many.

        ``max(id)`` first: answered from the primary key's index whatever the planner's
        statistics, so "nothing new" (the common case) never costs a scan, even on a table
        whose statistics are stale after a bulk load."""
        with self.store.engine.connect() as conn:
            top = conn.execute(select(func.max(mirror.table.c.id))).scalar_one()
        if top is None or int(top) <= self.last_id[mirror.name]:
            return 0
        table = fetch_arrow(self.store, self._new_rows[mirror.name], mirror.columns,
                            {"last_id": self.last_id[mirror.name]})
        self._insert(mirror, table)
        return table.num_rows

    def _reload(self, mirror: Mirror) -> int:
        table = fetch_arrow(self.store, self._all_rows[mirror.name], mirror.columns)
        self.con.execute("BEGIN TRANSACTION").fetchall()
        try:
            self.con.execute(f"DELETE FROM {mirror.name}").fetchall()
            self.last_id[mirror.name] = 0
            self._insert(mirror, table)
            self.con.execute("COMMIT").fetchall()
        except BaseException:
            self.con.execute("ROLLBACK").fetchall()
            raise
        if mirror.name == "predictions":
            self.generation += 1
        return table.num_rows

    def _insert(self, mirror: Mirror, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self.con.register("_batch", table)
        try:
            self.con.execute(f"INSERT INTO {mirror.name} SELECT * FROM _batch").fetchall()
        finally:
            self.con.unregister("_batch")
        top = self.con.execute(f"SELECT max(id) FROM {mirror.name}").fetchall()[0][0]
        self.last_id[mirror.name] = int(top or 0)

    def _consistent(self, mirror: Mirror) -> bool:
        """The store holds as many rows up to the last id copied (within the scope) as the
        copy does (fewer: rows were deleted; more: a transaction committed late with lower ids)."""
        id_col = mirror.table.c.id
        stmt = select(func.count()).select_from(mirror.table).where(
            id_col <= self.last_id[mirror.name], *self._scope(mirror))
        with self.store.engine.connect() as conn:
            stored = int(conn.execute(stmt).scalar_one())
        local = self.con.execute(f"SELECT count(*) FROM {mirror.name}").fetchall()[0][0]
        return stored == int(local)

    def close(self) -> None:
        with self.lock:
            self.con.close()
