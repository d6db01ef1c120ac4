"""Monthly partitions on PostgreSQL (``store.partitions``, migration 0008): the layout, months
made on demand, one stored prediction per request id whatever its times, the downgrade."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, text

from creditwatch.store import Store, upgrade
from creditwatch.store.engine import WRITE, make_engine
from creditwatch.store.migrate import alembic_config

from tests.store.records import prediction

PARTITIONED = ("predictions", "feature_values", "prediction_reasons")


@pytest.fixture
def pg_store(pg_fresh_url: str) -> Iterator[Store]:
    """A Store on a new PostgreSQL database migrated to the head."""
    upgrade(pg_fresh_url)
    with Store(pg_fresh_url) as store:
        yield store


def _months(engine: Engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return set(conn.exec_driver_sql(
            "SELECT c.oid::regclass::text FROM pg_inherits i JOIN pg_class c "
            "ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass", (table,)).scalars())


def _at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def test_request_id_is_stored_once_whatever_its_times(store: Store) -> None:
    """A request id repeated in a batch with another month's time, and again in a later
    batch, is stored once, as first sent; both stores agree (SQLite: the unique column,
    PostgreSQL: prediction_request_ids)."""
    first = store.write_predictions([
        prediction(_at(2020, 1), request_id="r1"),
        prediction(_at(2021, 6), request_id="r1", probability=0.9),
        prediction(_at(2021, 6), request_id="r2"),
    ])
    again = store.write_predictions([prediction(_at(2022, 2), request_id="r1"),
                                     prediction(_at(2020, 1), request_id="r2")])
    assert (first, again) == (2, 0)
    stored = store.read_predictions(columns=["request_id", "application_time", "probability"])
    stored = stored.sort_values("request_id").reset_index(drop=True)
    assert list(stored["request_id"]) == ["r1", "r2"]
    assert list(stored["application_time"]) == [_at(2020, 1), _at(2021, 6)]
    assert list(stored["probability"]) == [0.25, 0.25]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM feature_values").scalar() == 6


@pytest.mark.postgres
def test_the_tables_are_partitioned_by_month_with_the_key_in_every_unique_key(
        pg_store: Store) -> None:
    """After the migration each of the three tables is RANGE-partitioned on
    application_time, its primary key holds application_time, and its partitions live in
    the ``partitions`` schema with the inputs still lz4-compressed."""
    with pg_store.engine.connect() as conn:
        for table in PARTITIONED:
            strategy, key = conn.exec_driver_sql(
                "SELECT p.partstrat, pg_get_partkeydef(p.partrelid) FROM pg_partitioned_table p "
                "WHERE p.partrelid = %s::regclass", (table,)).one()
            assert (strategy, key) == ("r", "RANGE (application_time)"), table
            pk = conn.exec_driver_sql(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'p'", (table,)).scalar()
            assert pk is not None and "application_time" in pk, (table, pk)
        now = datetime.now(UTC)
        name = f"partitions.predictions_{now.year:04d}_{now.month:02d}"
        assert name in _months(pg_store.engine, "predictions")
        assert conn.exec_driver_sql(
            "SELECT attcompression FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attname = 'inputs'", (name,)).scalar() == "l"


@pytest.mark.postgres
def test_a_new_month_gets_its_partitions_on_first_write(pg_store: Store,
                                                        pg_fresh_url: str) -> None:
    """A prediction of a month that has no partition yet (2001-05) makes that month's three
    partitions and lands in them; a second Store (its own month cache) writes the same month
    again without error."""
    assert pg_store.write_predictions([prediction(_at(2001, 5), request_id="a")]) == 1
    for table in PARTITIONED:
        assert f"partitions.{table}_2001_05" in _months(pg_store.engine, table)
    with Store(pg_fresh_url) as other:
        assert other.write_predictions([prediction(_at(2001, 5, 20), request_id="b")]) == 1
    with pg_store.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM partitions.predictions_2001_05").scalar() == 2
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM partitions.feature_values_2001_05").scalar() == 6


@pytest.mark.postgres
def test_a_write_remakes_a_month_dropped_behind_its_back(pg_store: Store) -> None:
    """A month the store's cache believes exists but whose feature values partition was
    dropped by hand: the write meets the missing partition, makes it and stores the batch."""
    pg_store.write_predictions([prediction(_at(2003, 3), request_id="a")])
    with pg_store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE partitions.feature_values_2003_03")
    assert pg_store.write_predictions([prediction(_at(2003, 3, 20), request_id="b")]) == 1
    with pg_store.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM partitions.feature_values_2003_03").scalar() == 3


def _contents(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        return {table: [tuple(r) for r in conn.execute(text(
            f"SELECT * FROM {table} ORDER BY 1, 2"))] for table in (*PARTITIONED, "audit_log")}


@pytest.mark.postgres
def test_downgrade_rebuilds_plain_tables_with_every_row(pg_store: Store,
                                                        pg_fresh_url: str) -> None:
    """Downgrading 0008 keeps every row of the three tables (and the chain), restores the
    unique request id on predictions, and ids go on after upgrading again."""
    pg_store.write_predictions([prediction(_at(2024, m), request_id=f"r{m}")
                                for m in range(1, 5)])
    before = _contents(pg_store.engine)
    engine = make_engine(pg_fresh_url)
    try:
        config = alembic_config()
        with engine.execution_options(**WRITE).begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0007_shadow_predictions")
        assert _contents(engine) == before
        with engine.connect() as conn:
            kinds = set(conn.exec_driver_sql(
                "SELECT relkind FROM pg_class WHERE relname = ANY(%s)",
                (list(PARTITIONED),)).scalars())
            assert kinds == {"r"}
            unique = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_constraint WHERE conname = "
                "'uq_predictions_request_id'").scalar()
            assert unique == 1
    finally:
        engine.dispose()
    upgrade(pg_fresh_url)
    assert _contents(pg_store.engine) == before
    with Store(pg_fresh_url) as again:
        again.write_predictions([prediction(_at(2024, 6), request_id="r6")])
        with again.engine.connect() as conn:
            new_id = conn.exec_driver_sql(
                "SELECT id FROM predictions WHERE request_id = 'r6'").scalar()
    assert new_id == 5


@pytest.mark.postgres
def test_the_first_and_last_months_python_can_hold_get_partitions(pg_store: Store) -> None:
    """Application times in January of year 1 and December 9999 are stored in months of
    their own (the last one open-ended) instead of failing the batch."""
    first, last = datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, tzinfo=UTC)
    assert pg_store.write_predictions([prediction(first, request_id="first"),
                                       prediction(last, request_id="last")]) == 2
    months = _months(pg_store.engine, "predictions")
    assert {"partitions.predictions_0001_01", "partitions.predictions_9999_12"} <= months
    with pg_store.engine.connect() as conn:  # pandas' timestamps cannot hold these two
        stored = conn.execute(text(
            "SELECT application_time FROM predictions ORDER BY 1")).scalars().all()
    assert stored == [first, last]
