"""Every migration keeps the data of a populated store, on SQLite and PostgreSQL.

For each revision after the first: the store is migrated to the revision before it, every
table that exists then gets rows (values made from each column's type, so a new revision
needs no new test code), and the upgrade to the revision must keep every row of every
table, values included.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from creditwatch.store import upgrade
from creditwatch.store.engine import make_engine
from creditwatch.store.migrate import alembic_config

ROWS = 3
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def revisions() -> list[tuple[str, str]]:
    """(previous, revision) pairs, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    return list(itertools.pairwise(chain))


def _value(column: sa.Column[Any], row: int) -> Any:
    """A value of ``column``'s type for row ``row``, unique per row where it matters."""
    kind = column.type
    name = column.name
    if isinstance(kind, sa.JSON) or "JSON" in type(kind).__name__.upper():
        return json.dumps({"row": row, "name": name})
    if isinstance(kind, sa.DateTime):
        return T0 + timedelta(hours=row)
    if isinstance(kind, sa.Boolean):
        return row % 2 == 0
    if isinstance(kind, sa.Integer):
        return row + 1 if name in ("id", "reference_id", "prediction_id", "seq") else row % 2
    if isinstance(kind, sa.Float | sa.Numeric):
        return row / 10
    if isinstance(kind, sa.String | sa.Text):
        length = getattr(kind, "length", None) or 32
        return f"{name[:8]}-{row}"[:length]
    if isinstance(kind, sa.LargeBinary):
        return bytes([row]) * 8
    raise AssertionError(f"no test value for {name} of type {kind!r}: extend _value")


def populate(engine: sa.Engine) -> dict[str, list[dict[str, Any]]]:
    """ROWS rows in every creditwatch table; returns each table's rows as stored."""
    metadata = sa.MetaData()
    metadata.reflect(engine)
    stored: dict[str, list[dict[str, Any]]] = {}
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [{c.name: _value(c, r) for c in table.columns} for r in range(ROWS)]
            conn.execute(table.insert(), rows)
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name != "alembic_version":
                stored[table.name] = _rows(conn, table)
    return stored


def _rows(conn: sa.Connection, table: sa.Table) -> list[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    return [dict(r._mapping) for r in conn.execute(sa.select(table).order_by(*order))]


@pytest.mark.parametrize(("previous", "revision"), revisions())
def test_upgrading_a_populated_store_keeps_every_row(empty_store_url: str, previous: str,
                                                     revision: str) -> None:
    """Upgrading from the previous revision keeps every row of every table, values and all."""
    upgrade(empty_store_url, previous)
    engine = make_engine(empty_store_url)
    try:
        before = populate(engine)
        assert upgrade(empty_store_url, revision) == revision
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            for name, rows in before.items():
                now = _rows(conn, metadata.tables[name])
                assert len(now) == len(rows), name
                # A revision may add columns: the old ones keep their values.
                assert [{k: r[k] for k in rows[0]} for r in now] == rows, name
    finally:
        engine.dispose()
