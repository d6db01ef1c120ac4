"""Engine settings per database, store reachability, and the Store's construction."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from creditwatch.config import Settings
from creditwatch.store import Store, is_transient, pgadmin
from creditwatch.store.engine import SQLITE_BUSY_TIMEOUT_MS, make_engine

from tests.store.records import T0, prediction


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    """Every SQLite connection runs in WAL mode, waits on locks, and enforces foreign keys."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_engine_pools_and_runs_in_utc(pg_url: str) -> None:
    """PostgreSQL goes through a 5 + 10 pre-pinged pool, and sessions use UTC."""
    engine = make_engine(pg_url)
    try:
        pool = engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.size() == 5 and pool._max_overflow == 10
        assert pool._pre_ping
        with engine.connect() as conn:
            assert conn.execute(text("SHOW timezone")).scalar() == "UTC"
    finally:
        engine.dispose()


def test_from_settings_uses_the_embedded_store_by_default(settings: Settings) -> None:
    """Without DATABASE_URL the store is the SQLite file under the project's data folder."""
    with Store.from_settings(settings) as store:
        assert store.dialect == "sqlite"
        assert (settings.paths.data / "creditwatch.db").exists()
        assert store.ping()


def test_other_databases_are_refused() -> None:
    """Only SQLite and PostgreSQL URLs are accepted."""
    with pytest.raises(ValueError, match="unsupported"):
        make_engine("mysql://u@localhost/db")


@pytest.mark.timeout(60)  # the connect timeout must end the attempt; a hang fails here
def test_unreachable_server_store_opens_and_pings_false() -> None:
    """A Store on an unreachable PostgreSQL server can be created (the API starts and spools
    anyway); its health check answers False instead of hanging or raising, and a write fails
    with an error classed as transient."""
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = Store(f"postgresql+psycopg://postgres@127.0.0.1:{port}/none", connect_timeout=2)
    try:
        assert store.ping() is False
        with pytest.raises(OperationalError) as failure:
            store.write_predictions([prediction(T0)])
        assert is_transient(failure.value)  # the writer keeps the records and retries
    finally:
        store.close()


def test_url_hides_the_password() -> None:
    """The printable URL masks credentials."""
    store = Store("postgresql+psycopg://user:s3cret@127.0.0.1:1/db")
    try:
        assert "s3cret" not in store.url and "s3cret" not in repr(store)
    finally:
        store.close()


@pytest.mark.postgres
def test_pool_recovers_after_the_server_drops_every_session(
    pg_fresh_url: str, pg_admin_url: str
) -> None:
    """When every session of the database is killed (as in a server restart), the next
    write and read succeed: pre-ping replaces the dead pooled connections."""
    with Store(pg_fresh_url) as store:
        store.upgrade()
        store.write_predictions([prediction(T0)])
        database = store.engine.url.database
        assert database is not None
        assert pgadmin.terminate_backends(pg_admin_url, database) >= 1
        assert store.write_predictions([prediction(T0)]) == 1
        assert store.count_predictions() == 2
