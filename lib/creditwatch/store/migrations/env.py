"""Alembic environment: always called from creditwatch.store.migrate with a live connection."""

from __future__ import annotations

from alembic import context

from creditwatch.store.models import Base
from creditwatch.store.partitions import include_object_for

# Any constant shared by every creditwatch process: serialises concurrent upgrades on PostgreSQL.
_PG_LOCK_KEY = 0x63776D6967  # "cwmig"

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through creditwatch.store.migrate (creditwatch db upgrade)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    compare_type=True,
    include_object=include_object_for(connection.dialect.name),
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
    context.run_migrations()
