"""The embedded store shared by processes: the API writing while dashboards and notebooks read."""

from __future__ import annotations

import multiprocessing
import time
from datetime import timedelta
from pathlib import Path

from creditwatch.store import Store

from tests.store.records import T0, prediction

BATCHES, BATCH = 10, 200


def _write_batches(url: str, writer: int) -> None:
    """Child process: write BATCHES batches, like the API's background writer."""
    with Store(url) as store:
        for b in range(BATCHES):
            records = [prediction(T0 + timedelta(seconds=b * BATCH + i), n_features=20,
                                  request_id=f"w{writer}-{b}-{i}") for i in range(BATCH)]
            store.write_predictions(records)


def test_open_read_snapshot_does_not_block_a_writer(tmp_path: Path) -> None:
    """While a reader holds a read transaction, another connection commits a batch (WAL), and
    the reader keeps its consistent snapshot until its transaction ends."""
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    with Store(url) as writer, Store(url) as reader:
        writer.write_predictions([prediction(T0)])
        with reader.engine.connect() as conn:
            before = conn.exec_driver_sql("SELECT count(*) FROM predictions").scalar()
            assert writer.write_predictions([prediction(T0) for _ in range(100)]) == 100
            during = conn.exec_driver_sql("SELECT count(*) FROM predictions").scalar()
        assert before == during == 1
        assert reader.count_predictions() == 101


def test_two_writer_processes_and_a_reader(tmp_path: Path) -> None:
    """Two processes writing batches at once and a third reading the whole time: no write is
    refused for a locked database, every read succeeds, counts only grow, nothing is lost."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    Store(url).close()  # created and migrated before the writers start
    spawn = multiprocessing.get_context("spawn")
    writers = [spawn.Process(target=_write_batches, args=(url, w)) for w in range(2)]
    for process in writers:
        process.start()
    counts: list[int] = []
    with Store(url) as reader:
        while any(p.is_alive() for p in writers):
            counts.append(reader.count_predictions())
            window = reader.read_predictions(T0, T0 + timedelta(seconds=50), columns=["id"])
            assert len(window) <= 2 * 50
            time.sleep(0.01)  # a busy dashboard, not a spin loop starving the 2 cores
        for process in writers:
            process.join()
        assert [p.exitcode for p in writers] == [0, 0]
        total = reader.count_predictions()
        features = reader.read_feature_values()
    assert counts == sorted(counts)
    assert total == 2 * BATCHES * BATCH
    assert len(features) == total * 20
