"""POST /predict and /predict-batch: what a client gets back, checked against the Scorer."""

from __future__ import annotations

import numpy as np
import pytest

from creditwatch import schema
from creditwatch.model.bundle import ModelBundle
from creditwatch.scoring import Scorer

from tests.api.applications import applications, complete_application
from tests.plugins.api_server import InProcessApi

RESULT_KEYS = {
    "prediction_id", "probability", "decision", "threshold", "confidence",
    "data_quality_score", "missing_fields", "out_of_range_fields", "unknown_category_fields",
    "model_version", "preprocessing_ms", "inference_ms", "total_ms", "reasons", "reasons_ms",
}


@pytest.fixture(scope="module")
def scorer(inproc_api: InProcessApi) -> Scorer:
    return inproc_api.state.scorer


def test_predict_answers_what_the_scorer_computes(inproc_api: InProcessApi, scorer: Scorer,
                                                  bundle: ModelBundle) -> None:
    """/predict returns the Scorer's probability, decision, confidence and quality for the
    application, the bundle's threshold and version, the request id as prediction id, and
    timings in which the total covers preprocessing plus inference."""
    app = complete_application(bundle.expected_fields)
    response = inproc_api.client.post("/predict", json=app)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == RESULT_KEYS
    expected = scorer.score_one(app)
    assert body["probability"] == pytest.approx(expected["probability"], abs=1e-12)
    assert body["threshold"] == bundle.threshold
    assert body["decision"] == ("REFUSED" if body["probability"] >= bundle.threshold
                                else "APPROVED")
    for key in ("decision", "confidence", "data_quality_score", "missing_fields",
                "out_of_range_fields", "unknown_category_fields"):
        assert body[key] == expected[key], key
    assert body["model_version"] == bundle.version
    assert body["prediction_id"] == response.headers["x-request-id"]
    assert len(body["prediction_id"]) == 32
    assert body["preprocessing_ms"] > 0 and body["inference_ms"] > 0
    assert body["total_ms"] >= body["preprocessing_ms"] + body["inference_ms"]


def test_missing_and_out_of_range_fields_are_named_and_lower_quality(
        inproc_api: InProcessApi, bundle: ModelBundle) -> None:
    """An expected field left out is listed as missing and a valid but atypical value (25
    children: possible, but more than the real data holds) as out of range; both lower the
    quality score, and neither is a rejection."""
    app = complete_application(bundle.expected_fields)
    expected_present = [f for f in bundle.expected_fields if f in app
                        and f not in schema.REQUIRED_FIELDS]
    dropped = expected_present[0]
    clean = inproc_api.client.post("/predict", json=app).json()
    worse = {k: v for k, v in app.items() if k != dropped} | {"CNT_CHILDREN": 25}
    response = inproc_api.client.post("/predict", json=worse)
    assert response.status_code == 200, response.text
    body = response.json()
    assert dropped in body["missing_fields"]
    assert "CNT_CHILDREN" in body["out_of_range_fields"]
    assert clean["missing_fields"] == [] and clean["out_of_range_fields"] == []
    assert clean["data_quality_score"] == 1.0
    assert body["data_quality_score"] < clean["data_quality_score"]


def test_batch_answers_one_result_per_application_in_order(inproc_api: InProcessApi,
                                                           scorer: Scorer) -> None:
    """/predict-batch returns one result per application, in the order sent, each equal to
    the Scorer's result on the same rows, with distinct prediction ids."""
    apps = applications(300, seed=21)
    response = inproc_api.client.post("/predict-batch", json={"applications": apps})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["n"] == len(body["results"]) == 300
    assert body["request_id"] == response.headers["x-request-id"]
    expected = scorer.score(apps)
    got = np.array([r["probability"] for r in body["results"]])
    np.testing.assert_allclose(got, expected.probability, rtol=0, atol=1e-12)
    assert [r["decision"] for r in body["results"]] == expected.decisions.tolist()
    assert [r["prediction_id"] for r in body["results"]] == [
        f"{body['request_id']}-{i}" for i in range(300)]
    for i in (0, 150, 299):
        assert set(body["results"][i]) == RESULT_KEYS
        assert body["results"][i]["data_quality_score"] == pytest.approx(
            float(expected.quality.score[i]))


def test_single_and_batch_scoring_agree(inproc_api: InProcessApi) -> None:
    """An application scored alone and inside a batch gets the same probability."""
    apps = applications(20, seed=22)
    batch = inproc_api.client.post("/predict-batch", json={"applications": apps}).json()
    for i in (0, 7, 19):
        single = inproc_api.client.post("/predict", json=apps[i]).json()
        assert single["probability"] == pytest.approx(batch["results"][i]["probability"],
                                                      abs=1e-12)


def test_open_category_values_never_seen_are_scored_and_flagged(
        inproc_api: InProcessApi, scorer: Scorer, bundle: ModelBundle) -> None:
    """A new ORGANIZATION_TYPE or OCCUPATION_TYPE is accepted, scored as missing, listed in
    unknown_category_fields and lowers the quality score."""
    app = complete_application(bundle.expected_fields)
    clean = inproc_api.client.post("/predict", json=app).json()
    new = app | {"ORGANIZATION_TYPE": "Space agency", "OCCUPATION_TYPE": "Astronaut"}
    response = inproc_api.client.post("/predict", json=new)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body["unknown_category_fields"]) == {"ORGANIZATION_TYPE", "OCCUPATION_TYPE"}
    assert body["data_quality_score"] < clean["data_quality_score"]
    as_missing = {k: v for k, v in app.items()
                  if k not in ("ORGANIZATION_TYPE", "OCCUPATION_TYPE")}
    assert body["probability"] == pytest.approx(scorer.score_one(as_missing)["probability"],
                                                abs=1e-12)


def test_client_request_id_is_an_idempotency_key(inproc_api: InProcessApi) -> None:
    """A short plain X-Request-ID becomes the prediction id (batch rows get -<index>), and a
    retry with the same id is answered again but stored once."""
    app = applications(1, seed=23)[0]
    headers = {"X-Request-ID": "retry.me-42"}
    first = inproc_api.client.post("/predict", json=app, headers=headers)
    again = inproc_api.client.post("/predict", json=app, headers=headers)
    assert first.json()["prediction_id"] == again.json()["prediction_id"] == "retry.me-42"
    assert first.headers["x-request-id"] == "retry.me-42"
    assert len(inproc_api.predictions("retry.me-42")) == 1
    batch = inproc_api.client.post("/predict-batch", json={"applications": [app, app]},
                                   headers={"X-Request-ID": "batch.7"}).json()
    assert [r["prediction_id"] for r in batch["results"]] == ["batch.7-0", "batch.7-1"]


@pytest.mark.parametrize("given", ["x" * 41, "has space", "semi;colon", "é"])
def test_unusable_client_request_ids_are_replaced(inproc_api: InProcessApi, given: str) -> None:
    """An X-Request-ID that is too long for the store (with a batch suffix) or holds other
    characters than letters, digits, '.', '_' and '-' is replaced by a server-made id."""
    app = applications(1, seed=24)[0]
    response = inproc_api.client.post("/predict", json=app,
                                      headers={"X-Request-ID": given.encode()})
    pid = response.json()["prediction_id"]
    assert pid != given and len(pid) == 32
    assert len(inproc_api.predictions(pid)) == 1
