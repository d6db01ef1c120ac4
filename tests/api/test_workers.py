"""Several uvicorn workers: one /metrics for the whole server, no prediction lost or doubled.

Real ``creditwatch serve --workers 2`` processes on a real PostgreSQL store, loaded by 16
concurrent clients.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from creditwatch.store import upgrade

from tests.api.applications import applications
from tests.plugins.api_server import START_TIMEOUT_S, ApiServer, ApiServerFactory

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
CONCURRENCY = 16
PREDICT_OK = ("creditwatch_requests_total", (("endpoint", "/predict"), ("status", "200")))


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def send(server: ApiServer, bodies: list[tuple[str, dict[str, Any]]]) -> list[int]:
    """POST every (request id, application) to /predict from 16 threads; the statuses."""
    def post(item: tuple[str, dict[str, Any]]) -> int:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            return client.post("/predict", json=item[1],
                               headers={"X-Request-ID": item[0]}).status_code

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        return list(pool.map(post, bodies))


def per_worker(directory: Path) -> dict[int, float]:
    """/predict 200 answers counted in each worker's own counter file, by pid."""
    out: dict[int, float] = {}
    for path in directory.glob("counter_*.db"):
        pid = int(path.stem.split("_")[1])
        for metric in MultiProcessCollector.merge([str(path)]):
            for s in metric.samples:
                if s.name == PREDICT_OK[0] and tuple(sorted(s.labels.items())) == PREDICT_OK[1]:
                    out[pid] = out.get(pid, 0.0) + s.value
    return out


def stored_ids(server: ApiServer) -> list[str]:
    frame = server.store().read_predictions(columns=["request_id"])
    return list(frame["request_id"])


def wait_for(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)


def _live_gauge_pids(directory: Path) -> set[int]:
    return {int(p.stem.rsplit("_", 1)[1]) for p in directory.glob("gauge_live*_*.db")}


def _ids(prefix: str, n: int) -> Iterable[str]:
    return (f"{prefix}-{i}" for i in range(n))


@pytest.fixture
def two_workers(api_server_factory: ApiServerFactory, pg_fresh_url: str) -> ApiServer:
    upgrade(pg_fresh_url)
    return api_server_factory(database_url=pg_fresh_url, workers=2,
                              CREDITWATCH_MONITOR_REFRESH_S="0.5")


def test_two_workers_report_the_whole_server_and_store_each_prediction_once(
        two_workers: ApiServer) -> None:
    """600 /predict requests from 16 concurrent clients, then 60 of them again (same request
    id: a client's retry): both workers serve some, every /metrics scrape (whichever worker
    answers it) counts all 660 answers, the workers' own counter files add up to the same,
    and after a graceful stop the store holds each of the 600 predictions exactly once; the
    stopped workers' live gauges are gone from the metrics folder."""
    server = two_workers
    apps = applications(600, seed=61)
    bodies = list(zip(_ids("mw", 600), apps, strict=True))
    assert set(send(server, bodies)) == {200}
    assert set(send(server, bodies[:60])) == {200}  # retries: answered, stored once
    directory = server.root / "data" / "metrics"
    workers = per_worker(directory)
    assert len(workers) == 2 and all(n > 0 for n in workers.values()), workers
    assert sum(workers.values()) == 660
    with server.client() as client:
        for _ in range(6):  # a scrape lands on either worker: each reports the whole server
            assert samples(client.get("/metrics").text)[PREDICT_OK] == 660
        wait_for(lambda: samples(client.get("/metrics").text)[
            ("creditwatch_write_queue_depth", ())] == 0)
    assert _live_gauge_pids(directory) == set(workers)
    assert server.stop()
    ids = stored_ids(server)
    assert len(ids) == 600 and set(ids) == set(_ids("mw", 600))
    assert _live_gauge_pids(directory) == set()  # mark_process_dead on each worker's exit


def test_a_killed_worker_loses_no_count_and_no_prediction(two_workers: ApiServer) -> None:
    """A worker killed with SIGKILL after serving: uvicorn starts a replacement, the survivors
    remove the dead worker's live gauges, its counts stay in /metrics (counters never go
    down), and the predictions it answered but had not shipped reach the store (the
    replacement replays its spool)."""
    server = two_workers
    directory = server.root / "data" / "metrics"
    bodies = list(zip(_ids("kw", 300), applications(300, seed=62), strict=True))
    assert set(send(server, bodies)) == {200}
    before = per_worker(directory)
    victim = max(before, key=before.__getitem__)
    os.kill(victim, signal.SIGKILL)
    # The replacement starts like any worker (imports, model, reasons engine): give it the
    # same time as a server's start, not the 30 s meant for a running server's reactions.
    wait_for(lambda: victim not in _live_gauge_pids(directory)
             and len(_live_gauge_pids(directory)) == 2, timeout=START_TIMEOUT_S)
    more = list(zip(_ids("kw2", 100), applications(100, seed=63), strict=True))
    assert set(send(server, more)) == {200}
    with server.client() as client:
        assert samples(client.get("/metrics").text)[PREDICT_OK] == 400
    assert server.stop()
    ids = stored_ids(server)
    assert len(ids) == 400 and set(ids) == {*_ids("kw", 300), *_ids("kw2", 100)}
