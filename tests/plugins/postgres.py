"""Real PostgreSQL for the tests: throw-away databases on the server at TEST_DATABASE_URL.

Nothing existing on the server is touched: every database used here is created with a unique
name and dropped (its sessions terminated first) when done. An unreachable server skips the
PostgreSQL tests locally and fails them under CI, where a skip would hide a broken setup.

* ``pg_admin_url``: the admin URL (session), after checking the server answers;
* ``pg_url``: a fresh, empty database for the whole session;
* ``pg_fresh_url``: a fresh, empty database per test (migration tests);
* ``pg_store_url``: a database migrated once per session (behind ``store``);
* ``store`` / ``empty_store_url``: parametrised over SQLite and PostgreSQL: a migrated,
  empty Store, and the URL of an empty (unmigrated) database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from creditwatch.store import Store, pgadmin, upgrade
from creditwatch.store.models import Base

from tests.plugins.environment import admin_database_url, in_ci

STORES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """TEST_DATABASE_URL once the server has answered (skip or fail otherwise)."""
    url = admin_database_url()
    try:
        with pgadmin.connect(url) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = f"PostgreSQL unreachable at {url} (set TEST_DATABASE_URL): {exc}"
        if in_ci():
            pytest.fail(f"CI requires PostgreSQL: {reason}")
        pytest.skip(reason)
    return url


def _database(admin_url: str, *, template: str | None = None) -> Iterator[str]:
    name = pgadmin.unique_name()
    url = pgadmin.create_database(admin_url, name, template=template)
    try:
        yield url
    finally:
        pgadmin.drop_database(admin_url, name)


@pytest.fixture(scope="session")
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """SQLAlchemy URL of an empty database that lives for the whole test session."""
    yield from _database(pg_admin_url)


@pytest.fixture
def pg_fresh_url(pg_admin_url: str) -> Iterator[str]:
    """SQLAlchemy URL of an empty database made for one test."""
    yield from _database(pg_admin_url)


@pytest.fixture(scope="session")
def pg_store_url(pg_admin_url: str) -> Iterator[str]:
    """A database migrated to head once per session, emptied before each ``store`` test."""
    for url in _database(pg_admin_url):
        upgrade(url)
        yield url


@pytest.fixture(params=STORES)
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty store: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_fresh_url"))


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty ``Store`` on a fresh database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        with Store(url) as opened:  # the empty embedded store migrates itself
            yield opened
        return
    # Emptying the session's migrated database (DELETE, ids restarting at 1) takes a few ms;
    # creating a database per test, even from a template, ~0.5 s plus as much to drop it, and
    # TRUNCATE ~0.3 s (new files for every table and index).
    url = request.getfixturevalue("pg_store_url")
    with Store(url) as opened:
        with opened.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
                if "id" in table.c:
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"
                    )
        yield opened
