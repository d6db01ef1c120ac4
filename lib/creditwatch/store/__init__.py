"""The prediction store: tables, migrations and the ``Store`` repository.

``Store.from_settings(settings)`` picks the database from ``DATABASE_URL`` (PostgreSQL) or
uses the embedded SQLite file under ``data/``; see ``repository`` for the API.
"""

from __future__ import annotations

from creditwatch.store.migrate import head_revision, upgrade
from creditwatch.store.records import AnomalyRecord, LogRecord, PredictionRecord
from creditwatch.store.reference import StoredReference, load_reference
from creditwatch.store.repository import Store, StoreSchemaError, is_transient
from creditwatch.store.writes import WriteCounts

__all__ = [
    "AnomalyRecord",
    "LogRecord",
    "PredictionRecord",
    "Store",
    "StoreSchemaError",
    "StoredReference",
    "WriteCounts",
    "head_revision",
    "is_transient",
    "load_reference",
    "upgrade",
]
