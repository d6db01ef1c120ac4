"""Property-based run over the API's own OpenAPI schema (schemathesis): valid and invalid
requests generated from the published contract never get a 5xx, and every refusal of a
scoring request is stored as an anomaly (and never as a prediction).

``schemathesis.pytest.from_fixture`` + ``@schema.parametrize()`` breaks on pytest 9 (it reads
the removed ``Item._nodeid``), and ``from_asgi``/``case.call()`` run the app's lifespan on
their own (starting and stopping its writer around the schema download). So the schema is
read from the running app, each operation's cases are drawn with plain Hypothesis, and each
case is sent through the app's TestClient, whose lifespan this module controls.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from creditwatch.schema.jsonschema import application_schema

from tests.plugins.api_server import InProcessApi, InProcessApiFactory

pytestmark = pytest.mark.slow
SCORING = {"/predict", "/predict-batch"}
RECORDED = {*SCORING, "/outcomes"}  # their refused requests are anomaly rows
EXAMPLES = 60  # per operation and generation mode
OPERATIONS = [("POST", "/predict"), ("POST", "/predict-batch"), ("POST", "/outcomes"),
              ("GET", "/health"), ("GET", "/model"), ("GET", "/metrics"),
              ("GET", "/predictions/{prediction_id}")]


@pytest.fixture(scope="module")
def fuzzed(inproc_api_factory: InProcessApiFactory) -> InProcessApi:
    # A small batch limit and body limit, so generated requests also cross them.
    return inproc_api_factory(api={"batch_max_size": 20, "max_body_bytes": 256 * 1024})


@pytest.fixture(scope="module")
def api_schema(fuzzed: InProcessApi) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_dict(fuzzed.client.get("/openapi.json").json())


def _send(api: InProcessApi, case: schemathesis.Case) -> Any:
    """Send ``case`` as schemathesis would (its requests-style arguments) via the TestClient."""
    kw = case.as_transport_kwargs(base_url="http://testserver")
    content = kw.get("data")
    if "json" in kw:  # serialised like requests does (NaN allowed), not refused client-side
        content = json.dumps(kw["json"]).encode()
    if isinstance(content, str):
        content = content.encode()
    return api.client.request(kw["method"], kw["url"], headers=kw.get("headers"),
                              params=kw.get("params"), content=content)


def test_the_schema_publishes_every_operation(api_schema: schemathesis.BaseSchema) -> None:
    """The OpenAPI document lists exactly the API's seven operations, so the run below
    covers all of them."""
    published = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert published == set(OPERATIONS)


def test_the_published_request_bodies_are_the_rule_kernels(fuzzed: InProcessApi) -> None:
    """The served document's /predict body and /predict-batch items are the JSON Schema
    generated from the rule kernel, unchanged by FastAPI (whose OpenAPI model turns every
    bound into a float: a bound that is not exact in float64 would change here)."""
    paths = fuzzed.client.get("/openapi.json").json()["paths"]

    def body(path: str) -> Any:
        return paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]

    assert body("/predict") == application_schema()
    assert body("/predict-batch")["properties"]["applications"]["items"] == application_schema()


# Negative cases need something to break: the GET operations take no parameters but a
# prediction id, which any string can be (unknown ones are a 404).
@pytest.mark.parametrize(("method", "path", "mode"), [
    *((m, p, GenerationMode.POSITIVE) for m, p in OPERATIONS),
    *((m, p, GenerationMode.NEGATIVE) for m, p in OPERATIONS if p in RECORDED)])
def test_no_server_error_and_every_refusal_is_an_anomaly(
        api_schema: schemathesis.BaseSchema, fuzzed: InProcessApi, method: str, path: str,
        mode: GenerationMode) -> None:
    """No generated request gets a 5xx; every request valid per the published schema is
    answered 200; each 4xx of /predict, /predict-batch or /outcomes has exactly one anomaly
    row with its status, and no prediction row."""
    strategy = api_schema[path][method].as_strategy(generation_mode=mode)
    statuses: list[int] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        response = _send(fuzzed, case)
        statuses.append(response.status_code)
        case.validate_response(response, checks=[not_a_server_error])
        assert response.status_code < 500, response.text
        if path in RECORDED and 400 <= response.status_code < 500:
            rid = response.headers["x-request-id"]
            assert fuzzed.anomalies(rid)["http_status"].tolist() == [response.status_code]
            assert fuzzed.predictions(rid).empty

    run()
    assert statuses, "no case generated"
    if mode == GenerationMode.POSITIVE:
        # The published schema is the real contract: what it allows is scored (only the
        # body size limit, which JSON Schema cannot express, may still refuse one).
        allowed = {200, 404} if path.startswith("/predictions/") else {200, 413}
        assert set(statuses) <= allowed, sorted(set(statuses))
    else:
        assert any(400 <= s < 500 for s in statuses), "no invalid request reached the API"
