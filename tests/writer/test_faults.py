"""Fault drills on the real API process under steady /predict traffic: the database refusing
connections, and the API killed with SIGKILL. After each, the store holds exactly the answered
predictions, once each."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from sqlalchemy.engine import make_url

from creditwatch.store import Store, pgadmin, upgrade

from tests.plugins.api_server import ApiServer, ApiServerFactory
from tests.writer.traffic import Traffic

pytestmark = pytest.mark.slow
SLOW_WRITER = {"CREDITWATCH_WRITER_INTERVAL_S": "0.5"}  # records wait in the spool longer


def check_store_equals_answers(store: Store, traffic: Traffic, *, exact: bool) -> int:
    """Every answered prediction is stored under its prediction id, nothing is stored twice,
    and anything else stored came from a request cut off while in flight (``exact``: there
    is nothing else). Returns how many in-flight requests turned out stored."""
    frame = store.read_predictions(columns=["request_id", "client_id"])
    assert frame["request_id"].is_unique, "a prediction stored twice"
    assert frame["client_id"].is_unique, "a request stored twice"
    stored = dict(zip(frame["client_id"].astype(int), frame["request_id"], strict=True))
    assert all(stored[c] == f"traffic-{c}" for c in stored)
    missing = {c: p for c, p in traffic.answered.items() if stored.get(c) != p}
    assert not missing, f"{len(missing)} answered predictions not stored: {list(missing)[:5]}"
    extra = set(stored) - set(traffic.answered)
    assert extra <= traffic.in_flight, f"stored but never sent: {sorted(extra)[:5]}"
    if exact:
        assert set(frame["request_id"]) == set(traffic.answered.values())
    return len(extra)


def _health(server: ApiServer) -> dict:
    return httpx.get(f"{server.url}/health", timeout=10).json()


def _pending_orphan_bytes(server: ApiServer) -> int:
    """Bytes of the dead process's spool segment not yet committed to the store."""
    total = 0
    for segment in server.settings().spool_dir.glob("spool-*.jsonl"):
        offset_file = segment.with_suffix(".jsonl.offset")
        committed = int(offset_file.read_text() or 0) if offset_file.exists() else 0
        total += segment.stat().st_size - committed
    return total


@pytest.fixture
def pg_server_url(pg_fresh_url: str) -> str:
    upgrade(pg_fresh_url)
    return pg_fresh_url


@pytest.mark.postgres
def test_database_refusing_connections_loses_nothing(
        api_server_factory: ApiServerFactory, pg_server_url: str, pg_admin_url: str) -> None:
    """The database closes to connections (and its sessions are terminated) for 4 s under
    traffic: every request is still answered, /health reports the store unreachable and a
    growing queue, the queue drains once it reopens, and the store then equals the answers."""
    name = make_url(pg_server_url).database
    assert name is not None
    server = api_server_factory(database_url=pg_server_url)
    with Traffic(server.url) as traffic:
        traffic.wait_answered(200)
        pgadmin.set_allow_connections(pg_admin_url, name, False)
        try:
            before = len(traffic.answered)
            time.sleep(4)
            health = _health(server)
            assert health["store"]["reachable"] is False
            assert health["status"] == "degraded"
            assert health["queue_depth"] > 0
            assert len(traffic.answered) > before + 100  # answering all along
        finally:
            pgadmin.set_allow_connections(pg_admin_url, name, True)
        traffic.wait_answered(200)
        deadline = time.monotonic() + 30
        while _health(server)["queue_depth"] > 50 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _health(server)["store"]["reachable"] is True
    assert server.stop()
    assert traffic.other == [] and traffic.refused == 0 and not traffic.in_flight
    with server.store() as store:
        check_store_equals_answers(store, traffic, exact=True)
    events = [json.loads(line)["event"] for line in server.log_lines() if line.startswith("{")]
    assert "store_unreachable" in events and "store_back" in events


def _kill_and_restart(server: ApiServer) -> Traffic:
    with Traffic(server.url) as traffic:
        traffic.wait_answered(300)
        server.kill()
        assert _pending_orphan_bytes(server) > 0, "nothing left to replay: drill is void"
        time.sleep(0.5)
        server.start()
        traffic.wait_answered(300)
    assert server.stop()
    assert traffic.other == []
    return traffic


@pytest.mark.postgres
def test_sigkill_mid_traffic_loses_nothing_on_postgres(
        api_server_factory: ApiServerFactory, pg_server_url: str) -> None:
    """The API is SIGKILLed mid-traffic with records still in its spool and restarted: the
    new process replays the dead one's spool, and the store equals the answers, each once."""
    server = api_server_factory(database_url=pg_server_url, **SLOW_WRITER)
    traffic = _kill_and_restart(server)
    with server.store() as store:
        check_store_equals_answers(store, traffic, exact=False)
    assert server.spool_files() == []


def test_sigkill_mid_traffic_loses_nothing_on_sqlite(api_server_factory: ApiServerFactory) -> None:
    """The same SIGKILL drill on the embedded SQLite store."""
    server = api_server_factory(**SLOW_WRITER)
    traffic = _kill_and_restart(server)
    with server.store() as store:
        check_store_equals_answers(store, traffic, exact=False)
    assert server.spool_files() == []
