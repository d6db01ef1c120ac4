"""GET /health, /model, /metrics and the optional API key."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle

from tests.api.applications import applications
from tests.plugins.api_server import InProcessApi, InProcessApiFactory


def test_health_reports_model_store_and_queue(inproc_api: InProcessApi,
                                              bundle: ModelBundle) -> None:
    """/health says the model is loaded (with its version), the store is reachable and how
    many records wait in the spool."""
    response = inproc_api.client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["model_loaded"] is True
    assert body["model_version"] == bundle.version
    assert body["store"]["reachable"] is True
    assert body["store"]["kind"] == "sqlite"
    assert isinstance(body["queue_depth"], int) and body["queue_depth"] >= 0


def test_model_card_is_the_bundle(inproc_api: InProcessApi, bundle: ModelBundle) -> None:
    """/model returns the serving bundle's version, threshold, costs, metrics, features,
    importances (most important first) and which protected attributes the model reads."""
    body = inproc_api.client.get("/model").json()
    assert body["version"] == bundle.version
    assert body["threshold"] == bundle.threshold
    assert body["costs"] == {"false_negative": bundle.cost_fn, "false_positive": bundle.cost_fp}
    assert body["metrics"] == bundle.metrics
    assert body["features"] == bundle.feature_names
    assert body["importances"] == bundle.importances
    assert body["fairness"]["protected"] == bundle.extra["fairness"]["protected"]
    assert set(body["fairness"]["protected"]) == {"CODE_GENDER", "DAYS_BIRTH"}
    values = list(body["importances"].values())
    assert values == sorted(values, reverse=True)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_count_requests_decisions_and_probabilities(
        inproc_api_factory: InProcessApiFactory) -> None:
    """After 5 single predictions, one batch of 7, 2 rejections and a health check, /metrics
    counts requests by endpoint and status, latencies, 12 decisions split as answered, 12
    probabilities, 14 spooled records (12 predictions, 2 anomalies) and the queue depth."""
    api = inproc_api_factory()  # fresh counters
    client = api.client
    apps = applications(12, seed=31)
    decisions = [client.post("/predict", json=a).json()["decision"] for a in apps[:5]]
    batch = client.post("/predict-batch", json={"applications": apps[5:]}).json()
    decisions += [r["decision"] for r in batch["results"]]
    assert client.post("/predict", json={"AMT_CREDIT": -5}).status_code == 422
    assert client.post("/predict-batch", json={"applications": []}).status_code == 422
    client.get("/health")
    m = _samples(client.get("/metrics").text)

    def requests(endpoint: str, status: str) -> float:
        key = ("creditwatch_requests_total", (("endpoint", endpoint), ("status", status)))
        return m.get(key, 0.0)

    assert requests("/predict", "200") == 5
    assert requests("/predict-batch", "200") == 1
    assert requests("/predict", "422") == 1
    assert requests("/predict-batch", "422") == 1
    assert requests("/health", "200") == 1
    latency = "creditwatch_request_latency_seconds_count"
    assert m[(latency, (("endpoint", "/predict"),))] == 6
    assert m[(latency, (("endpoint", "/predict-batch"),))] == 2
    for decision in ("APPROVED", "REFUSED"):
        key = ("creditwatch_decisions_total", (("decision", decision),))
        assert m.get(key, 0.0) == decisions.count(decision)
    assert m[("creditwatch_probability_count", ())] == 12
    assert m[("creditwatch_probability_bucket", (("le", "+Inf"),))] == 12
    spooled = "creditwatch_spooled_records_total"
    assert m[(spooled, (("kind", "prediction"),))] == 12
    assert m[(spooled, (("kind", "anomaly"),))] == 2
    assert ("creditwatch_write_queue_depth", ()) in m
    assert ("creditwatch_rejected_records", ()) in m
    api.flush()
    after = _samples(client.get("/metrics").text)
    assert after[("creditwatch_write_queue_depth", ())] == 0
    assert after[("creditwatch_stored_records", ())] >= 14


def test_api_key_guards_scoring_but_not_health(inproc_api_factory: InProcessApiFactory) -> None:
    """With CREDITWATCH_API_KEY set, both scoring endpoints answer 401 without the X-API-Key
    header or with a wrong one (and store each refusal as an anomaly), 200 with the right
    one; /health stays open."""
    api = inproc_api_factory(api={"key": "s3cret-key"})
    client = api.client
    app = applications(1, seed=32)[0]
    refused = []
    for headers in ({}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}):
        for path, body in (("/predict", app), ("/predict-batch", {"applications": [app]})):
            response = client.post(path, json=body, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert response.json()["error"] == "missing or invalid API key"
            refused.append(response.headers["x-request-id"])
    ok = client.post("/predict", json=app, headers={"X-API-Key": "s3cret-key"})
    assert ok.status_code == 200
    ok_batch = client.post("/predict-batch", json={"applications": [app]},
                           headers={"X-API-Key": "s3cret-key"})
    assert ok_batch.status_code == 200
    assert client.get("/health").status_code == 200
    store = api.flush()
    anomalies = store.read_anomalies()
    assert set(anomalies["request_id"]) == set(refused)
    assert set(anomalies["http_status"]) == {401}
    assert set(store.read_predictions()["request_id"]) == {
        ok.json()["prediction_id"], ok_batch.json()["request_id"]}


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_api_key_counts_as_unset_with_a_startup_warning(
        inproc_api_factory: InProcessApiFactory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], blank: str) -> None:
    """CREDITWATCH_API_KEY= (empty or blank, as written in .env or compose files) leaves the
    scoring routes open instead of locking them behind a key no one can send, and the API
    says so in a warning when it starts."""
    monkeypatch.setenv("CREDITWATCH_API_KEY", blank)
    assert Settings().api.required_key is None
    assert Settings().api.blank_key
    capsys.readouterr()
    api = inproc_api_factory(api={"key": blank})
    started = capsys.readouterr().out
    assert "api_key_blank" in started and '"level":"warning"' in started
    response = api.client.post("/predict", json=applications(1, seed=33)[0])
    assert response.status_code == 200, response.text
