"""Retention: remove the raw inputs and feature values of old predictions, keep the decision.

An application's age is its application time (``application_time``: the client's own time
when it sent one, else the time it was received): the time the data is about, and the key
the PostgreSQL tables are partitioned by, so a purge there can take whole months.

On PostgreSQL, every calendar month entirely older than the cutoff is purged at once
(``store.retention_pg``: its feature values partition dropped, its predictions' inputs
emptied in one statement); the rest, the month the cutoff falls in, and all of it on SQLite,
goes through the batch path, which is also the reference the month path is tested against.
The batch path takes the predictions older than the cutoff whose inputs are still there, in
batches of ``batch`` ids, each batch its own short write transaction (the API's writer
interleaves between them: SQLite's write lock is held for one batch, PostgreSQL locks only
the batch's rows). In each batch it replaces the inputs by ``{}``, stamps
``inputs_purged_at``, deletes the feature values, and empties the applicant's values behind
each stored reason (``prediction_reasons.field_values``: raw inputs too). Decision,
probability, model version, times, outcomes, the reasons' codes, texts, fields and
contributions, and the audit chain stay: the chain covers the inputs' digest, not
the inputs (``store.chain``), so ``audit verify`` still holds, and every aggregate that does
not read raw inputs (KPIs, performance, fairness by decision) is unchanged.

What cannot be recomputed afterwards for the purged period: drift (it compares the inputs);
the drift reports already stored stay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, text

from creditwatch.errors import CreditwatchError
from creditwatch.store import retention_pg
from creditwatch.store._base import StoreBase
from creditwatch.store.engine import WRITE
from creditwatch.store.partitions import month_of, start_of
from creditwatch.store.types import sqlite_time

BATCH = 5_000


class RetentionError(CreditwatchError):
    """A purge the retention rules do not allow."""


def check_age(age: timedelta, min_days: int) -> None:
    """RetentionError unless ``age`` is at least ``min_days`` days (the legal minimum for
    keeping the logs, ``store.retention_min_days``)."""
    if age < timedelta(days=min_days):
        raise RetentionError(
            f"{age.total_seconds() / 86_400:g} days is below the retention minimum of "
            f"{min_days} days (CREDITWATCH_RETENTION_MIN_DAYS): nothing purged")


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """Predictions whose inputs were (or, on a dry run, would be) removed, and their
    feature values deleted."""

    cutoff: datetime
    predictions: int
    feature_values: int
    dry_run: bool


class RetentionMixin(StoreBase):
    def purge_inputs(self, cutoff: datetime, *, dry_run: bool = False, batch: int = BATCH,
                     progress: Callable[[int], None] | None = None,
                     by_month: bool = True) -> PurgeResult:
        """Remove the inputs and feature values of predictions whose application time is
        before ``cutoff`` (see the module docstring); ``progress`` gets the number of
        predictions done. ``by_month=False``: the batch path only, on PostgreSQL too (the
        reference, and the benchmark's contender)."""
        if dry_run:
            return _count(self, cutoff)
        done = features = 0
        floor = None
        if by_month and self.dialect == "postgresql":
            features = retention_pg.finish_detaches(self)
            done, month_features = retention_pg.purge_months(self, cutoff, progress)
            features += month_features
            floor = start_of(month_of(cutoff))  # older months are done
        more, more_features = _purge(self, cutoff, batch, floor, done, progress)
        return PurgeResult(cutoff, done + more, features + more_features, dry_run=False)


def _old(store: StoreBase, cutoff: datetime,
         floor: datetime | None = None) -> tuple[str, dict[str, object]]:
    """The WHERE clause of the predictions to purge (application time before ``cutoff``,
    and from ``floor`` on when given), and its parameters."""
    bound = cutoff if store.dialect == "postgresql" else sqlite_time(cutoff.astimezone(UTC))
    where = "application_time < :cutoff AND inputs_purged_at IS NULL"
    if floor is None:
        return where, {"cutoff": bound}
    return f"{where} AND application_time >= :floor", {"cutoff": bound, "floor": floor}


def _count(store: StoreBase, cutoff: datetime) -> PurgeResult:
    old, params = _old(store, cutoff)
    with store.engine.connect() as conn:
        n = conn.execute(text(f"SELECT count(*) FROM predictions WHERE {old}"),
                         params).scalar_one()
        features = conn.execute(text(
            f"SELECT count(*) FROM feature_values WHERE prediction_id IN "
            f"(SELECT id FROM predictions WHERE {old})"), params).scalar_one()
    return PurgeResult(cutoff, int(n), int(features), dry_run=True)


def _purge(store: StoreBase, cutoff: datetime, batch: int, floor: datetime | None,
           done: int, progress: Callable[[int], None] | None) -> tuple[int, int]:
    """The batch path; returns (predictions, feature values) removed. ``done``: how many
    predictions were purged before, for ``progress``."""
    pg = store.dialect == "postgresql"
    old, params = _old(store, cutoff, floor)
    # the time bounds repeated: PostgreSQL then touches only the months concerned
    times = old.replace(" AND inputs_purged_at IS NULL", "")
    update = text("UPDATE predictions SET inputs = '{}', inputs_purged_at = :now "
                  f"WHERE id IN :ids AND {times}").bindparams(bindparam("ids", expanding=True))
    delete = text(f"DELETE FROM feature_values WHERE prediction_id IN :ids AND {times}"
                  ).bindparams(bindparam("ids", expanding=True))
    # the applicant's values behind each reason are raw inputs too; code, text, fields and
    # contribution stay (what an adverse-action letter names)
    values = text(f"UPDATE prediction_reasons SET field_values = '[]' "
                  f"WHERE prediction_id IN :ids AND {times}").bindparams(
                      bindparam("ids", expanding=True))
    start, features = done, 0
    last = 0
    while True:
        # one short write transaction per batch: the API's writer goes in between
        with store.engine.execution_options(**WRITE).begin() as conn:
            ids = list(conn.execute(text(
                f"SELECT id FROM predictions WHERE {old} AND id > :last ORDER BY id "
                f"LIMIT {int(batch)}"), {**params, "last": last}).scalars())
            if not ids:
                break
            now = datetime.now(UTC)
            conn.execute(update, {**params, "now": now if pg else sqlite_time(now), "ids": ids})
            features += conn.execute(delete, {**params, "ids": ids}).rowcount or 0
            conn.execute(values, {**params, "ids": ids})
        done += len(ids)
        last = ids[-1]
        if progress is not None:
            progress(done)
    return done - start, features
