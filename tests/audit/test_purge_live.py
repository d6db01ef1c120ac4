"""The month purge on PostgreSQL with a real ``creditwatch serve`` taking /predict traffic:
no request refused, no record lost, writes stored while the purge runs, the chain intact."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from creditwatch.audit import verify
from creditwatch.store import Store, upgrade

from tests.api.applications import applications
from tests.plugins.api_server import ApiServerFactory
from tests.store.records import prediction

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

MONTHS = 6  # of old data, January to June 2024
PER_MONTH = 400
WAIT_S = 60.0  # at most, for the API's writer to store one more request between two months


def _seed(store: Store) -> None:
    """PER_MONTH predictions with 20 feature values each in every old month."""
    for month in range(1, MONTHS + 1):
        start = datetime(2024, month, 1, tzinfo=UTC)
        store.write_predictions([
            prediction(start + timedelta(hours=i), request_id=f"old-{month}-{i}",
                       n_features=20) for i in range(PER_MONTH)])


def _live(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM predictions WHERE request_id LIKE 'live-%'")).scalar_one())


def test_month_purge_with_traffic_running(api_server_factory: ApiServerFactory,
                                          pg_fresh_url: str) -> None:
    """Six old months are purged while a client thread sends /predict requests to a live
    server on the same store. At each month the purge finishes, it waits until the API has
    stored a request it had not stored before (so the API's writes commit between the
    purge's steps, not after it). Every request is answered 200; after a graceful stop the
    store holds exactly the answered ones, some received while the purge ran; the six months
    lost their inputs and feature values and kept their rows; ``audit verify`` (inputs
    included) is intact."""
    upgrade(pg_fresh_url)
    with Store(pg_fresh_url) as store:
        _seed(store)
    server = api_server_factory(database_url=pg_fresh_url)
    bodies = applications(200, seed=19)
    stop, statuses, errors = threading.Event(), [], []

    def traffic() -> None:
        try:
            with server.client() as client:
                i = 0
                while not stop.is_set():
                    response = client.post("/predict", json=bodies[i % len(bodies)],
                                           headers={"X-Request-ID": f"live-{i}"})
                    statuses.append(response.status_code)
                    i += 1
        except httpx.HTTPError as exc:  # reported by the main thread
            errors.append(exc)

    thread = threading.Thread(target=traffic)
    with Store(pg_fresh_url) as store:
        seen = [0]

        def between_months(_done: int) -> None:
            deadline = time.monotonic() + WAIT_S  # a guard against hanging, not a timing
            while _live(store) <= seen[0] and time.monotonic() < deadline:
                time.sleep(0.05)
            now = _live(store)
            assert now > seen[0], "no API write stored while the purge ran"
            seen[0] = now

        thread.start()
        try:
            while not statuses:  # traffic flowing before the purge starts
                stop.wait(0.05)
            started = datetime.now(UTC)
            result = store.purge_inputs(datetime(2025, 1, 1, tzinfo=UTC),
                                        progress=between_months)
            ended = datetime.now(UTC)
        finally:
            stop.set()
            thread.join()
    assert errors == [] and statuses and set(statuses) == {200}
    assert server.stop()  # graceful: the spool is flushed into the store
    with Store(pg_fresh_url) as store:
        assert _live(store) == len(statuses)
        during = store.read_predictions(started, ended, columns=["request_id"],
                                        time_column="received_at")
        assert during["request_id"].str.startswith("live-").sum() > 0
        assert (result.predictions, result.feature_values) == (
            MONTHS * PER_MONTH, MONTHS * PER_MONTH * 20)
        with store.engine.connect() as conn:
            old: Any = conn.execute(text(
                "SELECT count(*), count(*) FILTER (WHERE inputs = '{}'::jsonb) FROM predictions "
                "WHERE request_id LIKE 'old-%'")).one()
            assert tuple(old) == (MONTHS * PER_MONTH, MONTHS * PER_MONTH)
            assert conn.execute(text(
                "SELECT count(*) FROM feature_values WHERE application_time < '2025-01-01'"
            )).scalar_one() == 0
            checked = verify(conn, inputs=True)
        assert checked.intact, [b.describe() for b in checked.breaks]
