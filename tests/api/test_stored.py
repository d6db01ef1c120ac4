"""What the real API process stores: every answered prediction, its features, its logs."""

from __future__ import annotations

import json
from datetime import datetime

import httpx
import numpy as np
import pandas as pd
import pytest

from creditwatch import schema
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer

from tests.api.applications import applications
from tests.plugins.api_server import ApiServerFactory

pytestmark = pytest.mark.slow


def _send(server_client: httpx.Client, apps: list[dict]) -> dict[str, tuple[dict, dict]]:
    """Send 30 single predictions (a third with their own time, a quarter without client
    id) and one batch of the rest; the answers by prediction id."""
    sent: dict[str, tuple[dict, dict]] = {}
    for i, app in enumerate(apps[:30]):
        body = dict(app)
        if i % 3 == 0:
            body["application_time"] = f"2026-0{1 + i % 9}-15T10:{i:02d}:00+02:00"
        if i % 4 == 0:
            body.pop(schema.ID_COLUMN)
        response = server_client.post("/predict", json=body)
        assert response.status_code == 200, response.text
        sent[response.json()["prediction_id"]] = (body, response.json())
    response = server_client.post("/predict-batch", json={"applications": apps[30:]})
    assert response.status_code == 200, response.text
    for app, result in zip(apps[30:], response.json()["results"], strict=True):
        sent[result["prediction_id"]] = (app, result)
    return sent


def test_every_answered_prediction_is_stored_with_inputs_time_client_and_features(
        api_server_factory: ApiServerFactory, server_database_url: str | None,
        bundle: ModelBundle) -> None:
    """After a graceful stop, the store holds exactly the answered predictions: the raw
    inputs as sent, the answer's probability and decision, the client's application time
    when it gave one (else the time received), SK_ID_CURR as client id, and the values of the
    model's 20 most important features; the spool is empty and removed."""
    server = api_server_factory(database_url=server_database_url)
    apps = applications(45, seed=41)
    with server.client() as client:
        sent = _send(client, apps)
    assert server.stop()
    assert [p.name for p in server.spool_files() if p.name.startswith("spool-")] == []
    store = server.store()
    frame = store.read_predictions(columns=[
        "id", "request_id", "received_at", "application_time", "endpoint", "model_version",
        "probability", "decision", "threshold", "client_id", "amt_credit", "inputs"])
    assert sorted(frame["request_id"]) == sorted(sent)
    for row in frame.itertuples():
        body, answer = sent[row.request_id]
        assert row.inputs == body
        assert row.probability == answer["probability"]
        assert row.decision == answer["decision"]
        assert row.threshold == bundle.threshold
        assert row.model_version == bundle.version
        assert row.endpoint == ("/predict-batch" if "-" in row.request_id else "/predict")
        client_id = body.get(schema.ID_COLUMN)
        assert (pd.isna(row.client_id) if client_id is None else row.client_id == client_id)
        assert row.amt_credit == body["AMT_CREDIT"]
        given = body.get("application_time")
        if given is None:
            assert row.application_time == row.received_at
        else:
            assert row.application_time == pd.Timestamp(datetime.fromisoformat(given))

    # feature_values: 20 rows per prediction, the top features' values
    top = bundle.top_features(20)
    long = store.read_feature_values()
    assert len(long) == 20 * len(frame)
    wide = store.read_feature_values(wide=True)
    assert sorted(wide.columns) == sorted(top)
    ids = frame.set_index("id")["request_id"]
    bodies = [sent[ids[pid]][0] for pid in wide.index]
    features = Scorer(bundle).score(bodies).features
    columns = [bundle.feature_names.index(name) for name in wide.columns]
    np.testing.assert_allclose(wide.to_numpy(dtype=float), features[:, columns], rtol=1e-12)
    assert (long.groupby("prediction_id")["application_time"].nunique() == 1).all()


def test_log_lines_carry_the_request_id_and_reach_api_logs(
        api_server_factory: ApiServerFactory) -> None:
    """Every JSON log line the API prints about a request names its request id (the
    client's X-Request-ID when it sent a usable one), and the same events are in the
    api_logs table after a graceful stop."""
    server = api_server_factory()
    with server.client() as client:
        ok = client.post("/predict", json=applications(1, seed=42)[0],
                         headers={"X-Request-ID": "client-trace-1"})
        bad = client.post("/predict", json={"AMT_CREDIT": "a lot"})
    assert ok.json()["prediction_id"] == "client-trace-1"
    ids = {"client-trace-1", bad.json()["request_id"]}
    assert server.stop()
    events = [json.loads(line) for line in server.log_lines() if line.startswith("{")]
    requests = [e for e in events if e["event"] == "request"]
    assert {e["request_id"] for e in requests} == ids
    assert {e["status"] for e in requests} == {200, 422}
    logs = server.store().read_logs()
    stored = logs[logs["event"] == "request"]
    assert set(stored["request_id"]) == ids
    assert {"api_started", "api_stopping"} <= set(logs["event"])
