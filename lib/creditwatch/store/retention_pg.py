"""The PostgreSQL purge of whole months (``store.retention`` purges the rest in batches).

A month entirely older than the cutoff loses its feature values at once: its partition of
``feature_values`` is detached ``CONCURRENTLY`` (no lock that blocks the API's readers or
writers: it waits for the transactions already using the table instead of queueing new ones
behind it), counted, dropped, and an empty partition attached for the month again
(``partitions.create_month``: SHARE UPDATE EXCLUSIVE on the parent, which writers do not
conflict with). The month's predictions keep their rows: one UPDATE on that month's
partition empties their inputs and stamps ``inputs_purged_at`` (one before it empties the
applicant's values of their reasons, as the batch path does); they lock only those old
rows, which the API never writes. Deleting twenty feature values per prediction one by one
was most of the batch path's time; dropping the partition costs the same whatever its size.

The swap runs under the session advisory lock that month creation takes
(``partitions.ensure_months``), so a writer that meets the month between detach and attach
waits for the swap and finds the new partition (``writes.write_batch`` retries once).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, text

from creditwatch.store import partitions
from creditwatch.store._base import StoreBase
from creditwatch.store.partitions import Month, partition_name


def whole_months(conn: Connection, cutoff: datetime) -> list[Month]:
    """The months with a partition that end at or before ``cutoff``, oldest first."""
    ends = {m: partitions.end_of(m) for m in partitions.existing_months(conn)}
    return sorted(m for m, end in ends.items() if end is not None and end <= cutoff)


def purge_months(store: StoreBase, cutoff: datetime,
                 progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Purge every whole month before ``cutoff`` that still has inputs; returns (predictions,
    feature values) removed."""
    done = features = 0
    with store.engine.connect() as conn:
        months = whole_months(conn, cutoff)
    for month in months:
        with store.engine.connect() as conn:
            pending = conn.execute(text(
                f"SELECT count(*) FROM {partition_name('predictions', month)} "
                "WHERE inputs_purged_at IS NULL")).scalar_one()
        if not pending:
            continue
        features += _drop_feature_values(store, month)
        with store.engine.begin() as conn:
            conn.execute(text(  # the reasons' applicant values, as the batch path does
                f"UPDATE {partition_name('prediction_reasons', month)} SET field_values = '[]' "
                f"WHERE prediction_id IN (SELECT id FROM {partition_name('predictions', month)} "
                "WHERE inputs_purged_at IS NULL)"))
            done += conn.execute(text(
                f"UPDATE {partition_name('predictions', month)} "
                "SET inputs = '{}', inputs_purged_at = :now WHERE inputs_purged_at IS NULL"),
                {"now": datetime.now(UTC)}).rowcount or 0
        if progress is not None:
            progress(done)
    return done, features


def _drop_feature_values(store: StoreBase, month: Month) -> int:
    """Swap ``month``'s feature values partition for an empty one; returns its row count."""
    name = partition_name("feature_values", month)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({partitions.LOCK_KEY})")
        try:
            # made first if a purge stopped between drop and attach
            partitions.create_month(conn, month, ("feature_values",))
            conn.exec_driver_sql(f"ALTER TABLE feature_values DETACH PARTITION {name} "
                                 "CONCURRENTLY")
            rows = conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one()
            conn.exec_driver_sql(f"DROP TABLE {name}")
            partitions.create_month(conn, month, ("feature_values",))
        finally:
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({partitions.LOCK_KEY})")
    return int(rows)


def finish_detaches(store: StoreBase) -> int:
    """Finish a swap a purge left half done: a detach interrupted (``DETACH ...
    CONCURRENTLY`` pending: finalised), or a partition detached but not dropped. The
    partition is dropped (it was being purged) and an empty one attached for its month;
    returns the feature values dropped so."""
    dropped = 0
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        left = conn.exec_driver_sql(
            "SELECT c.oid::regclass::text, i.inhdetachpending FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
            "WHERE n.nspname = %s AND c.relkind = 'r' AND c.relname LIKE 'feature\\_values\\_%%' "
            "AND (i.inhrelid IS NULL OR i.inhdetachpending)", (partitions.SCHEMA,)).all()
        for name, pending in left:
            if pending:
                conn.exec_driver_sql(f"ALTER TABLE feature_values DETACH PARTITION {name} "
                                     "FINALIZE")
            dropped += int(conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one())
            conn.exec_driver_sql(f"DROP TABLE {name}")
            month = partitions.month_of_name("feature_values", name)
            partitions.create_month(conn, month, ("feature_values",))
    return dropped
