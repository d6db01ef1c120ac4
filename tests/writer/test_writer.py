"""BackgroundWriter on real stores: outages, orphans of killed processes, poison records,
flush on stop."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from sqlalchemy.engine import make_url

from creditwatch.spool import LogBuffer, Spool
from creditwatch.store import Store, pgadmin
from creditwatch.writer import BackgroundWriter

from tests.plugins.api_server import CHECKOUT
from tests.store.records import T0, prediction


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def dead_owner(spool_dir: Path, n: int, *args: str) -> None:
    """Run tests.writer.dead_owner: it spools n records and dies by SIGKILL."""
    proc = subprocess.run([sys.executable, "-m", "tests.writer.dead_owner", str(spool_dir),
                           str(n), *args], cwd=CHECKOUT, capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()


def stored_ids(store: Store) -> list[str]:
    """Request ids in insertion (id) order."""
    frame = store.read_predictions(columns=["id", "request_id"])
    return frame.sort_values("id")["request_id"].tolist()


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[Spool]:
    opened = Spool(tmp_path / "spool")
    yield opened


@pytest.mark.postgres
def test_records_survive_an_outage_and_ship_in_order(spool: Spool, pg_admin_url: str,
                                                     pg_fresh_url: str) -> None:
    """While the PostgreSQL database refuses connections, appended records stay in the spool
    (counted as pending, the store marked down); when it reopens they are all stored once,
    in the order they were appended."""
    Store(pg_fresh_url).upgrade()
    name = make_url(pg_fresh_url).database
    assert name is not None
    store = Store(pg_fresh_url, connect_timeout=2)
    writer = BackgroundWriter(spool, store, interval=0.01, max_backoff=0.2)
    writer.start()
    first = [prediction(T0, request_id=f"before-{i}") for i in range(5)]
    spool.append_many("prediction", first)
    wait_for(lambda: writer.pending_records() == 0)
    pgadmin.set_allow_connections(pg_admin_url, name, False)
    try:
        during = [prediction(T0 + timedelta(seconds=i), request_id=f"during-{i}")
                  for i in range(40)]
        for record in during:
            spool.append("prediction", record)
        wait_for(lambda: writer.failures > 0)
        time.sleep(0.5)
        assert writer.store_ok is False
        assert writer.pending_records() == 40
    finally:
        pgadmin.set_allow_connections(pg_admin_url, name, True)
    wait_for(lambda: writer.pending_records() == 0)
    assert writer.store_ok is True
    assert writer.stop()
    assert stored_ids(store) == [r["request_id"] for r in first + during]
    store.close()


def test_orphan_segment_is_replayed_exactly_once(tmp_path: Path) -> None:
    """A process killed after storing 30 of its 50 spooled records but saving the offset of
    only 20: the next two writers starting on the same spool replay it once between them;
    the store holds each of the 50 records once (with one set of feature values each) and
    the orphan's files are gone."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    spool_dir = tmp_path / "spool"
    dead_owner(spool_dir, 50, "--store", url, "--shipped", "30", "--commit", "20")
    orphan = list(spool_dir.glob("spool-*.jsonl"))
    assert len(orphan) == 1 and orphan[0].with_suffix(".jsonl.offset").exists()
    store = Store(url)
    assert len(stored_ids(store)) == 30
    writers = [BackgroundWriter(Spool(spool_dir), store, interval=0.01) for _ in range(2)]
    for writer in writers:
        writer.start()
    wait_for(lambda: not orphan[0].exists())
    for writer in writers:
        assert writer.stop()
    assert stored_ids(store) == [f"dead-{i}" for i in range(50)]
    assert len(store.read_feature_values()) == 50 * 3
    assert sum(w.shipped for w in writers) == 30  # from the committed offset on, once
    assert list(spool_dir.iterdir()) == []


def test_orphans_are_replayed_oldest_first(tmp_path: Path) -> None:
    """Two dead processes' segments are replayed in the order they were created."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    spool_dir = tmp_path / "spool"
    dead_owner(spool_dir, 5, "--id-prefix", "first")
    dead_owner(spool_dir, 5, "--id-prefix", "second")
    store = Store(url)
    writer = BackgroundWriter(Spool(spool_dir), store, interval=0.01)
    writer.start()
    wait_for(lambda: not list(spool_dir.glob("spool-*.jsonl"))[1:])
    assert writer.stop()
    assert stored_ids(store) == [f"first-{i}" for i in range(5)] + [
        f"second-{i}" for i in range(5)]


def test_unterminated_last_line_of_a_dead_process_is_set_aside(tmp_path: Path) -> None:
    """A line cut short when its process died (never answered) is moved to rejected-*.jsonl;
    the complete records before it are stored and the segment is removed."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    spool_dir = tmp_path / "spool"
    dead_owner(spool_dir, 10, "--tail", '{"k":"prediction","r":{"request_id":"cut')
    store = Store(url)
    writer = BackgroundWriter(Spool(spool_dir), store, interval=0.01)
    writer.start()
    wait_for(lambda: len(list(spool_dir.glob("spool-*.jsonl"))) == 1)  # only the new one
    assert writer.stop()
    assert stored_ids(store) == [f"dead-{i}" for i in range(10)]
    rejected = [orjson.loads(line) for p in spool_dir.glob("rejected-*.jsonl")
                for line in p.read_bytes().splitlines()]
    assert [r["line"] for r in rejected] == ['{"k":"prediction","r":{"request_id":"cut']
    assert writer.rejected == 1


def test_corrupt_line_is_set_aside_and_the_rest_shipped(spool: Spool, tmp_path: Path) -> None:
    """A line that is not a spool record (half of a failed write joined to the next one) is
    moved aside; the records around it are stored in order."""
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    writer = BackgroundWriter(spool, store, interval=0.01)
    spool.append("prediction", prediction(T0, request_id="a"))
    spool.segment.append(b'{"k":"prediction","r":{"requ\n')
    spool.segment.append(b"[1, 2]\n")
    spool.append("prediction", prediction(T0, request_id="b"))
    assert writer.flush()
    assert stored_ids(store) == ["a", "b"]
    assert writer.rejected == 2
    assert writer.pending_records() == 0


def _poisoned_batch_is_split(spool: Spool, store: Store, bad: dict) -> None:
    records = [prediction(T0 + timedelta(seconds=i), request_id=f"r-{i}") for i in range(100)]
    records[37] = bad
    spool.append_many("prediction", records)
    writer = BackgroundWriter(spool, store, interval=0.01)
    assert writer.flush()
    expected = [r["request_id"] for i, r in enumerate(records) if i != 37]
    assert stored_ids(store) == expected
    assert writer.rejected == 1
    spool.append("prediction", prediction(T0, request_id="after"))
    assert writer.flush()
    assert stored_ids(store)[-1] == "after"


def test_a_record_the_store_refuses_does_not_block_the_others(spool: Spool,
                                                              store: Store) -> None:
    """A record the store refuses (a required key missing) is moved aside; the 99 records
    around it are stored in order, and the writer keeps shipping what comes next."""
    bad = prediction(T0, request_id="bad")
    del bad["probability"]
    _poisoned_batch_is_split(spool, store, bad)


@pytest.mark.parametrize("field, value", [("inputs", [1, 2]), ("inputs", "text"),
                                          ("features", [0.1, 0.2])])
def test_a_record_with_a_non_object_part_is_set_aside(spool: Spool, store: Store, field: str,
                                                      value: object) -> None:
    """A record whose inputs or features are not a JSON object is a data error: moved aside
    at once (not retried forever), and the records around it are stored in order."""
    bad = prediction(T0, request_id="bad")
    bad[field] = value
    _poisoned_batch_is_split(spool, store, bad)


@pytest.mark.postgres
def test_a_row_postgresql_refuses_does_not_block_the_others(spool: Spool,
                                                            pg_fresh_url: str) -> None:
    """A record PostgreSQL itself refuses (a DataError: request id longer than its column)
    is isolated the same way."""
    store = Store(pg_fresh_url)
    store.upgrade()
    _poisoned_batch_is_split(spool, store, prediction(T0, request_id="x" * 65))
    store.close()


def test_stop_flushes_everything_and_removes_the_segment(spool: Spool, tmp_path: Path) -> None:
    """With a writer that would not ship for a minute, stop() still stores every pending
    record before returning and removes this process's segment."""
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    writer = BackgroundWriter(spool, store, interval=60)
    writer.start()
    records = [prediction(T0, request_id=f"s-{i}") for i in range(25)]
    spool.append_many("prediction", records[:20])
    for record in records[20:]:
        spool.append("prediction", record)
    assert writer.pending_records() == 25
    assert writer.stop()
    assert sorted(stored_ids(store)) == sorted(r["request_id"] for r in records)
    assert not spool.segment.path.exists()


def _log(i: int) -> dict[str, object]:
    return {"ts": T0 + timedelta(seconds=i), "level": "info", "event": "request",
            "request_id": f"r-{i}", "event_id": f"e-{i}", "data": {"n": i}}


def test_buffered_log_lines_are_spooled_by_the_writer_in_one_write(spool: Spool,
                                                                    tmp_path: Path) -> None:
    """Log records put in the LogBuffer stay off the spool until the writer's next tick, which
    spools them all in one write and stores them in api_logs."""
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    logs = LogBuffer(spool)
    writer = BackgroundWriter(spool, store, interval=0.05, logs=logs)
    for i in range(30):
        logs.append(_log(i))
    assert spool.segment.size() == 0 and len(logs) == 30
    writer.start()
    wait_for(lambda: len(store.read_logs()) == 30)
    assert len(logs) == 0
    assert sorted(store.read_logs()["event_id"]) == sorted(f"e-{i}" for i in range(30))
    assert writer.stop()


def test_stop_spools_and_stores_the_last_buffered_log_lines(spool: Spool, tmp_path: Path) -> None:
    """Log lines buffered after the writer's last tick are stored by stop()."""
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    logs = LogBuffer(spool)
    writer = BackgroundWriter(spool, store, interval=60, logs=logs)
    writer.start()
    for i in range(5):
        logs.append(_log(i))
    assert writer.stop()
    assert len(store.read_logs()) == 5


def test_stop_keeps_the_segment_when_the_store_is_down(tmp_path: Path) -> None:
    """When the store cannot be reached at shutdown, stop() says so and leaves the segment
    for the next start, which ships it."""
    spool_dir = tmp_path / "spool"
    down = Store("postgresql+psycopg://postgres@127.0.0.1:1/none", connect_timeout=1)
    first = Spool(spool_dir)
    first.append("prediction", prediction(T0, request_id="kept"))
    writer = BackgroundWriter(first, down, interval=0.01)
    assert writer.stop(timeout=1) is False
    assert first.segment.path.exists()
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    second = BackgroundWriter(Spool(spool_dir), store, interval=0.01)
    second.start()
    wait_for(lambda: stored_ids(store) == ["kept"])
    assert second.stop()
