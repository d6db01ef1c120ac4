"""``Store``: the one object every part of creditwatch uses to reach the prediction store.

    store = Store.from_settings(get_settings())     # DATABASE_URL, else data/creditwatch.db
    store.write_predictions(records)                 # batched, idempotent on request_id
    store.read_predictions(start, end)               # DataFrame, [start, end)

Creating a ``Store`` never needs a reachable PostgreSQL server (the engine connects lazily),
so the API can start, answer and spool while the database is down. The embedded SQLite store
is created and migrated on first use when its file is new or empty.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from creditwatch.errors import StoreUnavailableError
from creditwatch.store import migrate
from creditwatch.store.engine import make_engine
from creditwatch.store.fairness_reports import FairnessReportsMixin
from creditwatch.store.monitoring import MonitoringMixin
from creditwatch.store.performance_reports import PerformanceReportsMixin
from creditwatch.store.reads import ReadsMixin
from creditwatch.store.reasons import ReasonsMixin
from creditwatch.store.reference import ReferenceMixin
from creditwatch.store.retention import RetentionMixin
from creditwatch.store.shadow import ShadowMixin
from creditwatch.store.writes import WritesMixin

if TYPE_CHECKING:
    from creditwatch.config import Settings


def is_transient(exc: BaseException) -> bool:
    """True when a failed write may succeed later unchanged: the database is down, the
    connection dropped, a lock or statement timed out. The writer keeps such records and
    retries; any other error means the records themselves were refused."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError | StoreUnavailableError)


class StoreSchemaError(StoreUnavailableError):
    """The database is not at the schema revision this code expects."""


class Store(WritesMixin, ReadsMixin, ReasonsMixin, ReferenceMixin, MonitoringMixin,
            PerformanceReportsMixin, RetentionMixin, FairnessReportsMixin, ShadowMixin):
    """Repository over the prediction store (PostgreSQL or embedded SQLite)."""

    def __init__(
        self,
        url: str,
        *,
        connect_timeout: int = 5,
        auto_migrate: bool = True,
        echo: bool = False,
    ) -> None:
        self.engine = make_engine(url, connect_timeout=connect_timeout, echo=echo)
        if auto_migrate and self.dialect == "sqlite" and migrate.is_empty(self.engine):
            migrate.upgrade_engine(self.engine)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **kwargs: bool) -> Store:
        """The store configured by ``settings`` (default: the process settings)."""
        if settings is None:
            from creditwatch.config import get_settings

            settings = get_settings()
        return cls(settings.store_url, connect_timeout=settings.store.connect_timeout, **kwargs)

    @property
    def url(self) -> str:
        """The store URL with any password masked, safe to print or log."""
        return make_url(self.engine.url).render_as_string(hide_password=True)

    def ping(self) -> bool:
        """True when the database answers a trivial query (for health checks; never raises)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def revision(self) -> str | None:
        """The schema revision the database is at (None: not migrated)."""
        return migrate.current_revision(self.engine)

    def upgrade(self) -> str:
        """Migrate the database to the newest schema; returns the revision."""
        migrate.upgrade_engine(self.engine)
        current = self.revision()
        assert current is not None
        return current

    def check_schema(self) -> None:
        """Raise ``StoreSchemaError`` unless the database is at the head revision."""
        current, head = self.revision(), migrate.head_revision()
        if current != head:
            raise StoreSchemaError(
                f"store {self.url} is at schema revision {current or 'none'}, expected {head}: "
                "run `creditwatch db upgrade`"
            )

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"
