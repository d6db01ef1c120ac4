"""POST /outcomes: one status per item, the store's verdict, nothing lost when it is down."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer
from creditwatch.store import Store, pgadmin, upgrade

from tests.api.applications import complete_application
from tests.plugins.api_server import ApiServerFactory, InProcessApi, InProcessApiFactory

OBSERVED = "2027-06-01T00:00:00Z"


def _scored(api: InProcessApi, bundle: ModelBundle, n: int, client0: int,
            prefix: str) -> list[str]:
    ids = []
    for i in range(n):
        app = {**complete_application(bundle.expected_fields), "SK_ID_CURR": client0 + i}
        response = api.client.post("/predict", json=app, headers={"X-Request-ID": f"{prefix}{i}"})
        assert response.status_code == 200, response.text
        ids.append(response.json()["prediction_id"])
    return ids


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def either_store_api(request: pytest.FixtureRequest, inproc_api: InProcessApi,
                     tmp_path: Path, bundle: ModelBundle) -> Iterator[InProcessApi]:
    """The in-process API on the embedded SQLite store, or on a new migrated PostgreSQL
    database (closed, its writer flushed, before the database is dropped)."""
    if request.param == "sqlite":
        yield inproc_api
        return
    url = str(request.getfixturevalue("pg_fresh_url"))
    upgrade(url)
    settings = Settings(paths={"root": tmp_path}, store={"url": url})
    api = InProcessApi(settings, Scorer(bundle, settings))
    with api.client:
        yield api


def test_each_item_gets_the_stores_status_in_order(either_store_api: InProcessApi,
                                                   bundle: ModelBundle) -> None:
    """Items are answered in order with stored, duplicate, corrected, unknown_prediction or
    invalid (with the reason), matched by request id, store id or SK_ID_CURR; on either
    store."""
    inproc_api = either_store_api
    rids = _scored(inproc_api, bundle, 3, 500_000, "out-a")
    store = inproc_api.flush()
    pid = int(store.read_predictions(columns=["request_id", "id"])
              .set_index("request_id").loc[rids[1], "id"])
    items: list[dict[str, Any]] = [
        {"request_id": rids[0], "defaulted": 1, "observed_at": OBSERVED},
        {"request_id": rids[0], "defaulted": 1, "observed_at": OBSERVED},
        {"prediction_id": pid, "defaulted": 0, "observed_at": OBSERVED},
        {"SK_ID_CURR": 500_002, "defaulted": True, "observed_at": OBSERVED},
        {"request_id": rids[0], "defaulted": 0, "observed_at": OBSERVED},
        {"request_id": "never-scored", "defaulted": 0, "observed_at": OBSERVED},
        {"request_id": rids[2], "defaulted": 2, "observed_at": OBSERVED},
        {"request_id": rids[2], "SK_ID_CURR": 1, "defaulted": 0, "observed_at": OBSERVED},
        {"request_id": rids[2], "defaulted": 0},
        "not an object",
    ]
    response = inproc_api.client.post("/outcomes", json={"outcomes": items})
    assert response.status_code == 200, response.text
    body = response.json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["stored", "duplicate", "stored", "stored", "corrected",
                        "unknown_prediction", "invalid", "invalid", "invalid", "invalid"]
    reasons = [r.get("reason") or "" for r in body["results"]]
    assert "defaulted must be 0 or 1" in reasons[6]
    assert "exactly one of" in reasons[7]
    assert "observed_at is required" in reasons[8]
    assert body["counts"] == {"stored": 3, "duplicate": 1, "corrected": 1,
                              "unknown_prediction": 1, "invalid": 4}
    outcomes = inproc_api.flush().read_outcomes()
    assert len(outcomes) == 3


def test_unknown_and_invalid_items_are_recorded_as_anomalies(inproc_api: InProcessApi) -> None:
    """An unknown id and an invalid item are each an anomaly row of /outcomes."""
    response = inproc_api.client.post(
        "/outcomes", json={"outcomes": [
            {"request_id": "ghost", "defaulted": 1, "observed_at": OBSERVED},
            {"request_id": "ghost", "defaulted": "yes", "observed_at": OBSERVED}]},
        headers={"X-Request-ID": "anomalous-outcomes"})
    assert response.status_code == 200
    anomalies = inproc_api.flush().read_anomalies()
    mine = anomalies[anomalies["request_id"].str.startswith("anomalous-outcomes")]
    assert sorted(mine["kind"]) == ["invalid_outcome", "unknown_prediction"]
    assert set(mine["endpoint"]) == {"/outcomes"}


@pytest.mark.parametrize(("body", "status"), [
    ({"outcomes": []}, 422),
    ({"items": []}, 422),
    ([{"request_id": "x", "defaulted": 1, "observed_at": OBSERVED}], 422),
    ({"outcomes": [{}], "source": ""}, 422),
    ({"outcomes": [{"request_id": "x", "defaulted": 1, "observed_at": OBSERVED}] * 6}, 413),
])
def test_a_malformed_body_is_refused_whole(inproc_api_factory: InProcessApiFactory,
                                           body: Any, status: int) -> None:
    """A body that is not {"outcomes": [...]}, an empty list or one over the limit is
    refused with a 4xx and nothing is stored."""
    api = inproc_api_factory(api={"outcomes_max_items": 5})
    response = api.client.post("/outcomes", json=body)
    assert response.status_code == status, response.text
    assert api.flush().read_outcomes(latest=False).empty


def test_the_api_key_guards_outcomes(inproc_api_factory: InProcessApiFactory) -> None:
    """With an API key set, /outcomes needs it like the scoring routes."""
    api = inproc_api_factory(api={"key": "s3cret"})
    item = {"request_id": "x", "defaulted": 1, "observed_at": OBSERVED}
    assert api.client.post("/outcomes", json={"outcomes": [item]}).status_code == 401
    ok = api.client.post("/outcomes", json={"outcomes": [item]}, headers={"X-API-Key": "s3cret"})
    assert ok.status_code == 200
    assert ok.json()["results"][0]["status"] == "unknown_prediction"


@pytest.mark.slow
@pytest.mark.postgres
def test_outcomes_sent_while_the_store_is_down_are_stored_when_it_is_back(
        api_server_factory: ApiServerFactory, pg_fresh_url: str, pg_admin_url: str,
        bundle: ModelBundle) -> None:
    """With PostgreSQL refusing connections, /outcomes answers 202 "queued"; once the
    database is back, every queued outcome is matched and stored, none twice."""
    upgrade(pg_fresh_url)
    server = api_server_factory(database_url=pg_fresh_url, CREDITWATCH_OUTCOMES_WAIT_S="1")
    with server.client() as client:
        for i in range(4):
            app = {**complete_application(bundle.expected_fields), "SK_ID_CURR": 900 + i}
            assert client.post("/predict", json=app,
                               headers={"X-Request-ID": f"down-{i}"}).status_code == 200
        name = make_url(pg_fresh_url).database
        assert name is not None
        pgadmin.set_allow_connections(pg_admin_url, name, False)
        try:
            items = [{"request_id": f"down-{i}", "defaulted": i % 2, "observed_at": OBSERVED}
                     for i in range(4)]
            response = client.post("/outcomes", json={"outcomes": items})
            assert response.status_code == 202, response.text
            assert {r["status"] for r in response.json()["results"]} == {"queued"}
        finally:
            pgadmin.set_allow_connections(pg_admin_url, name, True)
        deadline = time.monotonic() + 60
        with Store(pg_fresh_url) as store:
            while time.monotonic() < deadline and len(store.read_outcomes(latest=False)) < 4:
                time.sleep(0.3)
            outcomes = store.read_outcomes(latest=False)
        assert sorted(outcomes["defaulted"]) == [0, 0, 1, 1]
        again = client.post("/outcomes", json={"outcomes": items})
        assert again.status_code == 200
        assert {r["status"] for r in again.json()["results"]} == {"duplicate"}
