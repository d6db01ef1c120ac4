"""The PostgreSQL purge by whole months (``store.retention_pg``) against the batch path, the
reference: same predictions purged, same feature values removed, same rows kept, the chain
intact; the age is the application time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from creditwatch.audit import verify
from creditwatch.store import Store, upgrade

from tests.store.records import prediction

CUTOFF = datetime(2024, 4, 15, tzinfo=UTC)


def _records() -> list[dict[str, object]]:
    """Five predictions a week apart from January to June 2024 (whole months before the
    cutoff, the cutoff's own month on both sides of it, months after), and one received in
    2026 about an application of February 2024: its age is its application time."""
    start = datetime(2024, 1, 3, 8, tzinfo=UTC)
    rows = [prediction(start + timedelta(days=7 * i), request_id=f"p{i:02d}")
            for i in range(26)]
    late = prediction(datetime(2024, 2, 20, tzinfo=UTC), request_id="late")
    late["received_at"] = datetime(2026, 11, 1, tzinfo=UTC)
    return [*rows, late]


def _state(store: Store) -> tuple[dict[str, object], dict[str, int]]:
    """Each request's inputs (as JSON text) and number of feature values."""
    with store.engine.connect() as conn:
        inputs = dict(conn.execute(text(
            "SELECT request_id, CAST(inputs AS TEXT) FROM predictions")).all())
        features = dict(conn.execute(text(
            "SELECT p.request_id, count(f.feature) FROM predictions p LEFT JOIN feature_values f "
            "ON f.prediction_id = p.id GROUP BY p.request_id")).all())
    return {k: json.loads(v) for k, v in inputs.items()}, features


@pytest.fixture
def stores(pg_fresh_url: str, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """The same predictions in a new PostgreSQL store and a SQLite one."""
    upgrade(pg_fresh_url)
    with Store(pg_fresh_url) as pg, Store(f"sqlite:///{tmp_path / 'ref.db'}") as ref:
        for store in (pg, ref):
            store.write_predictions(_records())
        yield pg, ref


@pytest.mark.postgres
def test_month_purge_matches_the_batch_path(stores: tuple[Store, Store]) -> None:
    """Purging at 2024-04-15 on PostgreSQL (January to March whole, April by batch) removes
    the inputs and feature values of exactly the predictions the SQLite batch path removes:
    the 15 applications before the cutoff, the late-received February one included; the dry
    run counts the same; the month partitions of January to March end empty of feature
    values; a second purge finds nothing; the chain verifies with its inputs."""
    pg, ref = stores
    dry = pg.purge_inputs(CUTOFF, dry_run=True)
    done, expected = pg.purge_inputs(CUTOFF, batch=2), ref.purge_inputs(CUTOFF, batch=2)
    assert (done.predictions, done.feature_values) == (expected.predictions,
                                                       expected.feature_values) == (16, 48)
    assert (dry.predictions, dry.feature_values) == (16, 48)
    pg_inputs, pg_features = _state(pg)
    ref_inputs, ref_features = _state(ref)
    assert pg_features == ref_features and pg_inputs == ref_inputs
    assert pg_inputs["late"] == {} and pg_inputs["p15"] != {}
    with pg.engine.connect() as conn:
        for month in (1, 2, 3):
            assert conn.exec_driver_sql(
                f"SELECT count(*) FROM partitions.feature_values_2024_{month:02d}").scalar() == 0
        assert verify(conn, inputs=True).intact
    again = pg.purge_inputs(CUTOFF)
    assert (again.predictions, again.feature_values) == (0, 0)


@pytest.mark.postgres
def test_batch_path_alone_matches_on_postgresql(stores: tuple[Store, Store]) -> None:
    """The batch path run alone on PostgreSQL (``by_month=False``, the benchmark's
    contender) removes the same as the month path's reference."""
    pg, ref = stores
    done = pg.purge_inputs(CUTOFF, batch=3, by_month=False)
    expected = ref.purge_inputs(CUTOFF, batch=3)
    assert (done.predictions, done.feature_values) == (expected.predictions,
                                                       expected.feature_values)
    assert _state(pg) == _state(ref)


@pytest.mark.postgres
def test_a_detach_left_half_done_is_finished_by_the_next_purge(
        stores: tuple[Store, Store]) -> None:
    """A ``DETACH ... CONCURRENTLY`` cancelled while it waits (a purge interrupted) leaves
    January's feature values partition pending detach; the next purge finalises and drops
    it, attaches an empty one again, and purges as the batch path does."""
    pg, ref = stores
    name = "partitions.feature_values_2024_01"
    blocker = pg.engine.connect()
    blocker.execute(text("SELECT count(*) FROM feature_values"))  # holds its transaction open
    detacher = pg.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    pid = detacher.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    failed: list[BaseException] = []

    def detach() -> None:
        try:
            detacher.exec_driver_sql(
                f"ALTER TABLE feature_values DETACH PARTITION {name} CONCURRENTLY")
        except Exception as exc:  # noqa: BLE001 - the cancellation this test causes
            failed.append(exc)

    thread = threading.Thread(target=detach)
    thread.start()
    with pg.engine.connect() as conn:
        while not conn.exec_driver_sql(  # the detach waits for the blocker's transaction
                "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s",
                (pid,)).scalar():
            time.sleep(0.05)
        conn.exec_driver_sql("SELECT pg_cancel_backend(%s)", (pid,))
    thread.join()
    blocker.rollback()
    blocker.close()
    detacher.close()
    assert failed, "the detach was not cancelled"
    with pg.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = %s::regclass",
            (name,)).scalar() is True
    done, expected = pg.purge_inputs(CUTOFF), ref.purge_inputs(CUTOFF)
    assert (done.predictions, done.feature_values) == (expected.predictions,
                                                       expected.feature_values) == (16, 48)
    assert _state(pg) == _state(ref)
    with pg.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = %s::regclass",
            (name,)).scalar() is False


@pytest.mark.postgres
def test_a_partition_detached_but_not_dropped_is_dropped_by_the_next_purge(
        stores: tuple[Store, Store]) -> None:
    """February's feature values partition detached and left standing (a purge stopped
    before its drop): the next purge counts and drops it, attaches an empty one, and
    purges as the batch path does."""
    pg, ref = stores
    with pg.engine.begin() as conn:
        conn.exec_driver_sql(
            "ALTER TABLE feature_values DETACH PARTITION partitions.feature_values_2024_02")
    done, expected = pg.purge_inputs(CUTOFF), ref.purge_inputs(CUTOFF)
    assert (done.predictions, done.feature_values) == (expected.predictions,
                                                       expected.feature_values) == (16, 48)
    assert _state(pg) == _state(ref)
    with pg.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM pg_inherits WHERE inhrelid = "
            "'partitions.feature_values_2024_02'::regclass").scalar() == 1
