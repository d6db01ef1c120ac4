"""Schema migrations from empty, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from creditwatch.store import Store, StoreSchemaError, head_revision, upgrade
from creditwatch.store.engine import make_engine
from creditwatch.store.models import Base
from creditwatch.store.partitions import include_object_for

from tests.store.records import T0
from tests.store.test_upgrade_populated import ROWS, populate

TABLES = {
    "predictions", "feature_values", "anomalies", "api_logs", "training_reference",
    "training_reference_columns", "drift_reports", "alerts", "alembic_version", "outcomes",
    "performance_reports",
    "prediction_reasons", "audit_log", "fairness_reports", "shadow_predictions",
}
PG_TABLES = {"prediction_request_ids"}  # the request ids' uniqueness (predictions partitioned)
WINDOW_INDEXES = {
    "predictions": {("application_time",), ("received_at",), ("model_version", "application_time")},
    "feature_values": {("feature", "application_time", "value")},
    "prediction_reasons": {("application_time", "code")},
    "anomalies": {("occurred_at",)},
    "api_logs": {("ts",)},
    "alerts": {("fired_at",)},
    "audit_log": {("written_at",)},
    "shadow_predictions": {("received_at",)},
}


def test_upgrade_from_empty_creates_every_table_and_window_index(empty_store_url: str) -> None:
    """Upgrading an empty database creates all tables, their time-window indexes and the
    unique request id, and leaves the database at the head revision."""
    assert upgrade(empty_store_url) == head_revision()
    engine = make_engine(empty_store_url)
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            pg = conn.dialect.name == "postgresql"
            assert set(inspector.get_table_names()) == TABLES | (PG_TABLES if pg else set())
            for table, expected in WINDOW_INDEXES.items():
                found = {tuple(ix["column_names"]) for ix in inspector.get_indexes(table)}
                assert expected <= found, (table, found)
            if pg:
                key = inspector.get_pk_constraint("prediction_request_ids")
                assert key["constrained_columns"] == ["request_id"]
            else:
                uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints(
                    "predictions")}
                assert ("request_id",) in uniques
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    finally:
        engine.dispose()


def test_second_upgrade_is_a_no_op(empty_store_url: str) -> None:
    """Running the upgrade again on a current store changes nothing and keeps the data."""
    upgrade(empty_store_url)
    with Store(empty_store_url) as store:
        store.write_predictions([{
            "request_id": "r1", "received_at": T0, "endpoint": "/predict",
            "model_version": "m", "probability": 0.1, "decision": "approve",
            "threshold": 0.5, "inputs": {},
        }])
    assert upgrade(empty_store_url) == head_revision()
    with Store(empty_store_url) as store:
        assert store.count_predictions() == 1
        assert store.revision() == head_revision()


def test_upgrade_to_fairness_reports_keeps_the_rows(empty_store_url: str) -> None:
    """Upgrading a store at 0005_audit_log (the revision before it) to the head keeps its
    predictions and outcomes and adds an empty, writable fairness_reports table."""
    assert upgrade(empty_store_url, "0005_audit_log") == "0005_audit_log"
    engine = make_engine(empty_store_url)
    try:
        with engine.connect() as conn:
            assert "fairness_reports" not in inspect(conn).get_table_names()
        # rows written in that revision's schema (today's write path targets the head's)
        populate(engine)
    finally:
        engine.dispose()
    assert upgrade(empty_store_url) == head_revision()
    with Store(empty_store_url) as store:
        assert store.count_predictions() == ROWS
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM outcomes").scalar() == ROWS
        assert store.read_fairness_reports().empty
        store.write_fairness_reports([{
            "window_start": T0, "window_end": T0, "attribute": "CODE_GENDER",
            "n_predictions": 1, "n_labelled": 1, "mature": True}])
        assert len(store.read_fairness_reports()) == 1


def test_models_and_migrations_agree(empty_store_url: str) -> None:
    """The migrated schema matches the declarative models exactly (Alembic finds nothing to
    autogenerate), so the code and the database cannot drift apart."""
    upgrade(empty_store_url)
    engine = make_engine(empty_store_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True,
                "include_object": include_object_for(conn.dialect.name)})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_empty_embedded_store_migrates_itself_on_first_use(tmp_path: Path) -> None:
    """A Store on a SQLite file that does not exist yet creates it (and its folder) at the
    head revision, ready to write."""
    path = tmp_path / "data" / "creditwatch.db"
    with Store(f"sqlite:///{path}") as store:
        assert path.exists()
        assert store.revision() == head_revision()
        store.check_schema()


def test_non_empty_unmigrated_store_is_left_alone(tmp_path: Path) -> None:
    """A SQLite file holding other tables is not migrated behind the user's back: the schema
    check names the command to run."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE something (x INTEGER)")
    with Store(f"sqlite:///{path}") as store:
        assert store.revision() is None
        with pytest.raises(StoreSchemaError, match="creditwatch db upgrade"):
            store.check_schema()


@pytest.mark.postgres
def test_postgres_store_is_never_auto_migrated(pg_fresh_url: str) -> None:
    """Opening a Store on an empty PostgreSQL database creates nothing: only
    `creditwatch db upgrade` migrates a server store."""
    with Store(pg_fresh_url) as store:
        assert store.revision() is None
        with pytest.raises(StoreSchemaError):
            store.check_schema()


def test_concurrent_first_use_of_a_new_embedded_store(tmp_path: Path) -> None:
    """Several processes' worth of Stores opening the same new SQLite file at once all end up
    on one correctly migrated schema (the migration takes the write lock first)."""
    url = f"sqlite:///{tmp_path / 'race.db'}"
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            Store(url).close()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(url) as store:
        assert store.revision() == head_revision()


@pytest.mark.postgres
def test_postgres_inputs_are_lz4_compressed(pg_fresh_url: str) -> None:
    """On PostgreSQL the raw inputs column uses lz4 TOAST compression (faster writes)."""
    upgrade(pg_fresh_url)
    engine = make_engine(pg_fresh_url)
    try:
        with engine.connect() as conn:
            method = conn.exec_driver_sql(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = 'predictions'::regclass AND attname = 'inputs'"
            ).scalar()
    finally:
        engine.dispose()
    assert method == "l"
