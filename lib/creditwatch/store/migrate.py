"""Schema migrations, run from code: the Alembic scripts ship inside the package.

No ``alembic.ini`` is read; the configuration is built here, and the connection is handed to
``migrations/env.py`` through ``Config.attributes`` (a URL never goes through ConfigParser,
where a ``%`` in a password would break interpolation).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from creditwatch.store.engine import WRITE, make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of creditwatch."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration scripts found"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None``: never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_empty(engine: Engine) -> bool:
    """True when the database holds no table at all (a brand-new store)."""
    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` to ``revision``, in one transaction."""
    config = alembic_config()
    # WRITE: on SQLite this takes the write lock first, so two processes migrating the same
    # new file at once run one after the other and the second finds nothing to do.
    with engine.execution_options(**WRITE).begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def upgrade(url: str, revision: str = "head") -> str:
    """Migrate the store at ``url`` to ``revision`` and return the revision it is now at."""
    engine = make_engine(url)
    try:
        upgrade_engine(engine, revision)
        current = current_revision(engine)
    finally:
        engine.dispose()
    assert current is not None
    return current
