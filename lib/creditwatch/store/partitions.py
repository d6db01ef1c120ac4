"""Monthly partitions of the prediction tables on PostgreSQL.

``predictions``, ``feature_values`` and ``prediction_reasons`` are partitioned by RANGE of
``application_time``, one partition per calendar month (UTC), so a window read prunes to its
months and the retention purge drops a whole month of feature values at once
(``store.retention_pg``). The partitions live in their own schema, ``partitions``
(``partitions.predictions_2026_01``, ...): the store's own schema keeps exactly the tables of
the models, which is what the schema checks and Alembic's comparison see.

There is no DEFAULT partition: a month's three partitions are made before the first row of
that month is written (``ensure_months``, called by the write path for the months of each
batch and cached per engine). A DEFAULT partition would collect the rows of months not made
yet, and making such a month later would then have to scan it and move its rows under a
lock; making the month first keeps every row in its month from the start.

A month is made lock-light: a plain table ``LIKE`` the parent, then ``ATTACH PARTITION``,
which takes only a SHARE UPDATE EXCLUSIVE lock on the parent (``CREATE TABLE ... PARTITION
OF`` would take an ACCESS EXCLUSIVE one and queue every reader and writer behind it). It runs
in its own short transaction, serialised by an advisory lock, with a short ``lock_timeout``
and a few retries.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

SCHEMA = "partitions"
PARTITIONED = ("predictions", "feature_values", "prediction_reasons")
KEY = "application_time"
Month = tuple[int, int]  # (year, month)

_Ddl = TypeVar("_Ddl", bound=Any)

LOCK_KEY = 0x63776D6F6E  # "cwmon": serialises month creation across processes
_LOCK_TIMEOUT = "2s"
_RETRIES = 5
# months known to exist, per engine (weak: a disposed engine takes its entry with it)
_known: weakref.WeakKeyDictionary[Engine, set[Month]] = weakref.WeakKeyDictionary()


def month_of(value: datetime | str) -> Month:
    """The (year, month) of a UTC time, or of its ISO text as the write path stamps it."""
    if isinstance(value, str):
        return int(value[:4]), int(value[5:7])
    utc = value.astimezone(UTC)
    return utc.year, utc.month


def next_month(month: Month) -> Month:
    year, number = month
    return (year + 1, 1) if number == 12 else (year, number + 1)


def start_of(month: Month) -> datetime:
    """The first instant of ``month``, UTC."""
    return datetime(month[0], month[1], 1, tzinfo=UTC)


def end_of(month: Month) -> datetime | None:
    """The first instant after ``month``, UTC (``None`` after December 9999, which Python's
    datetime cannot hold: that partition is open-ended)."""
    return None if month >= (9999, 12) else start_of(next_month(month))


def partition_name(table: str, month: Month) -> str:
    """The qualified name of ``table``'s partition for ``month``."""
    return f"{SCHEMA}.{table}_{month[0]:04d}_{month[1]:02d}"


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last``, both included."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def existing_months(conn: Connection, table: str = "predictions") -> set[Month]:
    """The months that have a partition of ``table``."""
    rows = conn.exec_driver_sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass", (table,)).scalars()
    return {month_of_name(table, name) for name in rows}


def month_of_name(table: str, name: str) -> Month:
    """The month of ``table``'s partition called ``name`` (``table_YYYY_MM``, schema or not)."""
    tail = name.rsplit(".", 1)[-1][len(table) + 1:]
    return int(tail[:4]), int(tail[5:7])


def create_month(conn: Connection, month: Month, tables: Iterable[str] = PARTITIONED) -> None:
    """Make ``month``'s partition of each of ``tables`` unless it exists (in ``conn``'s
    transaction; see the module docstring for the locks)."""
    end = end_of(month)
    low, high = start_of(month).isoformat(), "infinity" if end is None else end.isoformat()
    for table in tables:
        if month in existing_months(conn, table):
            continue
        name = partition_name(table, month)
        conn.exec_driver_sql(
            f"CREATE TABLE IF NOT EXISTS {name} "
            f"(LIKE {table} INCLUDING STORAGE INCLUDING COMPRESSION)")
        conn.exec_driver_sql(
            f"ALTER TABLE {table} ATTACH PARTITION {name} "
            f"FOR VALUES FROM ('{low}') TO ('{high}')")


def ensure_months(engine: Engine, months: Iterable[Month]) -> None:
    """Make sure every month of ``months`` has its partitions, each missing one made in a
    short transaction of its own (retried when the lock is not granted in time)."""
    known = _known.setdefault(engine, set())
    missing = sorted(set(months) - known)
    if not missing:
        return
    for attempt in range(_RETRIES):
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT}'")
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
                for month in missing:
                    create_month(conn, month)
            break
        except OperationalError:  # lock_timeout: a long transaction holds the parent
            if attempt == _RETRIES - 1:
                raise
            time.sleep(0.1 * 2**attempt)
    known.update(missing)


def is_missing_partition(exc: DBAPIError) -> bool:
    """True when ``exc`` is PostgreSQL's refusal of a row whose month has no partition."""
    return getattr(exc.orig, "sqlstate", None) == "23514" and "no partition" in str(exc.orig)


def forget(engine: Engine) -> None:
    """Forget the months known to exist for ``engine`` (a write found one missing)."""
    _known.pop(engine, None)


def only_on(dialect: str, item: _Ddl) -> _Ddl:
    """Mark a model's index or constraint as existing on ``dialect`` only: created there
    only (``ddl_if``), and compared there only (``include_object_for``)."""
    item.info["dialect"] = dialect
    return item.ddl_if(dialect=dialect)


def include_object_for(dialect: str) -> Callable[..., bool]:
    """Alembic's ``include_object`` hook for a database of ``dialect``: the models' objects
    marked for another dialect (``only_on``, a table's ``info``) are not expected there.
    Everything reflected from the database is still compared."""

    def include(item: Any, _name: Any, _type: str, reflected: bool, _compare_to: Any) -> bool:
        if reflected:
            return True
        return item.info.get("dialect", dialect) == dialect

    return include
