"""What every part of the repository shares: the engine, dialect-aware inserts, time windows
and result-to-DataFrame conversion."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Engine,
    Float,
    Integer,
    Select,
    String,
    Table,
    type_coerce,
)
from sqlalchemy.dialects import postgresql, sqlite

from creditwatch.store.engine import WRITE
from creditwatch.store.types import UTCDateTime, to_utc

TIME_COLUMNS = ("application_time", "received_at")


class StoreBase:
    """Holds the engine; the table-specific parts of ``Store`` are mixins on top of it."""

    engine: Engine

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite), committed on success."""
        with self.engine.execution_options(**WRITE).begin() as conn:
            yield conn

    def _insert(self, table: Table) -> Any:
        """``INSERT`` supporting ``on_conflict_do_nothing`` on the store's dialect."""
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    def _frame(self, stmt: Select[Any], conn: Connection | None = None) -> pd.DataFrame:
        """Run ``stmt`` into a DataFrame; timestamp columns come back as ``datetime64[ns, UTC]``.

        On SQLite the stored UTC text is fetched raw and parsed by pandas in one vectorised
        call, instead of one Python ``datetime`` per cell.
        """
        columns = list(stmt.selected_columns)
        times = [c.key for c in columns if isinstance(c.type, UTCDateTime)]
        if self.dialect == "sqlite" and times:
            stmt = stmt.with_only_columns(
                *(type_coerce(c, String).label(c.key) if c.key in times else c for c in columns),
                maintain_column_froms=True,
            )
        if conn is None:
            with self.engine.connect() as own:
                result = own.execute(stmt)
                keys, rows = list(result.keys()), result.all()
        else:
            result = conn.execute(stmt)
            keys, rows = list(result.keys()), result.all()
        frame = pd.DataFrame.from_records(rows, columns=keys)
        for column in columns:
            key = column.key
            if key in times:
                frame[key] = parse_times(frame[key])
            elif isinstance(column.type, Float):
                # A column of only NULLs would otherwise come back as object.
                frame[key] = frame[key].astype("float64")
            elif isinstance(column.type, Integer):
                nullable = getattr(column, "nullable", True)
                frame[key] = frame[key].astype("Int64" if nullable else "int64")
        return frame


def parse_times(values: pd.Series | Sequence[Any]) -> pd.Series:
    """Stored timestamps (UTC text on SQLite, aware datetimes on PostgreSQL) as UTC."""
    return pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601")


def window(
    column: Column[Any] | ColumnElement[Any], start: datetime | None, end: datetime | None
) -> list[ColumnElement[bool]]:
    """Conditions for ``start <= column < end``; a missing bound leaves that side open."""
    conditions: list[ColumnElement[bool]] = []
    if start is not None:
        conditions.append(column >= to_utc(start))
    if end is not None:
        conditions.append(column < to_utc(end))
    return conditions


def time_column(table: Table, name: str) -> Column[Any]:
    if name not in TIME_COLUMNS:
        raise ValueError(f"time_column must be one of {TIME_COLUMNS}, not {name!r}")
    return table.c[name]
