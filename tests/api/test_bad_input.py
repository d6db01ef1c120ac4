"""Bad input: every class the issue lists is a 4xx naming each bad field, stored as an anomaly,
never a prediction; valid real-data extremes and open-category novelties are accepted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from creditwatch import schema
from creditwatch.files.loader import load_applications
from creditwatch.model.bundle import ModelBundle

from tests.api.applications import applications, complete_application, to_json_rows
from tests.plugins.api_server import InProcessApi, InProcessApiFactory
from tests.plugins.paths import FIXTURES


@pytest.fixture(scope="module")
def good(bundle: ModelBundle) -> dict[str, Any]:
    return complete_application(bundle.expected_fields, seed=51)


def _fields(detail: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(e["field"], e["kind"]) for e in detail}


def _rejected(api: InProcessApi, response: Any, status: int, kind: str) -> dict[str, Any]:
    """Check a refusal: status, JSON body with the request id, one anomaly row of ``kind``
    holding the same errors, and no prediction stored. Returns the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    rid = response.headers["x-request-id"]
    assert body["request_id"] == rid
    anomalies = api.anomalies(rid)
    assert len(anomalies) == 1, f"no anomaly row for {rid}"
    row = anomalies.iloc[0]
    assert row["kind"] == kind
    assert row["http_status"] == status
    assert row["errors"] == body["detail"]
    assert api.predictions(rid).empty
    return body


def _post_raw(api: InProcessApi, path: str, content: bytes,
              content_type: str = "application/json") -> Any:
    return api.client.post(path, content=content, headers={"content-type": content_type})


def test_wrong_json_types_are_named(inproc_api: InProcessApi, good: dict[str, Any]) -> None:
    """A number sent as text, a category as a number, a 0/1 flag as a boolean, a list, a
    string client id and a numeric application time: each field is named as a wrong type."""
    bad = good | {"AMT_CREDIT": "250000", "CODE_GENDER": 1, "FLAG_MOBIL": True,
                  "CNT_CHILDREN": [1], "SK_ID_CURR": "abc", "application_time": 1700000000}
    body = _rejected(inproc_api, inproc_api.client.post("/predict", json=bad), 422, "validation")
    assert _fields(body["detail"]) == {
        ("AMT_CREDIT", "wrong_type"), ("CODE_GENDER", "wrong_type"), ("FLAG_MOBIL", "wrong_type"),
        ("CNT_CHILDREN", "wrong_type"), ("SK_ID_CURR", "wrong_type"),
        ("application_time", "invalid_time")}
    assert all(e["message"] for e in body["detail"])


def test_unknown_fields_are_named(inproc_api: InProcessApi, good: dict[str, Any]) -> None:
    """Keys that are not application fields (a typo, a lower-case name, TARGET) are refused."""
    bad = good | {"AMT_CREDITT": 1, "amt_credit": 2, "TARGET": 0}
    body = _rejected(inproc_api, inproc_api.client.post("/predict", json=bad), 422, "validation")
    assert _fields(body["detail"]) == {("AMT_CREDITT", "unknown_field"),
                                       ("amt_credit", "unknown_field"), ("TARGET", "unknown_field")}


def test_nan_and_infinity_are_named(inproc_api: InProcessApi, good: dict[str, Any]) -> None:
    """NaN, Infinity, -Infinity and a number overflowing a double are refused, each naming
    its field."""
    text = orjson.dumps(good).decode()[:-1]
    text += ', "EXT_SOURCE_1": NaN, "AMT_ANNUITY": Infinity, "AMT_GOODS_PRICE": -Infinity, '
    text += '"OWN_CAR_AGE": 1e400}'
    body = _rejected(inproc_api, _post_raw(inproc_api, "/predict", text.encode()), 422,
                     "not_finite")
    assert _fields(body["detail"]) == {(f, "not_finite") for f in (
        "EXT_SOURCE_1", "AMT_ANNUITY", "AMT_GOODS_PRICE", "OWN_CAR_AGE")}


def test_nan_inside_a_batch_names_row_and_field(inproc_api: InProcessApi,
                                                good: dict[str, Any]) -> None:
    """In a batch, a NaN is located by application index and field."""
    text = b'{"applications": [' + orjson.dumps(good) + b', {"AMT_CREDIT": NaN}]}'
    body = _rejected(inproc_api, _post_raw(inproc_api, "/predict-batch", text), 422, "not_finite")
    assert _fields(body["detail"]) == {("applications[1].AMT_CREDIT", "not_finite")}


def test_impossible_values_are_named(inproc_api: InProcessApi, good: dict[str, Any]) -> None:
    """Negative amounts, a birth date in the future (positive DAYS_BIRTH), EXT_SOURCE outside
    [0, 1] and a fractional child count are refused, each naming its field."""
    bad = good | {"AMT_CREDIT": -1.0, "AMT_INCOME_TOTAL": -5, "DAYS_BIRTH": 100,
                  "EXT_SOURCE_2": 1.5, "EXT_SOURCE_3": -0.1, "CNT_CHILDREN": 1.5,
                  "DAYS_EMPLOYED": 365244}
    body = _rejected(inproc_api, inproc_api.client.post("/predict", json=bad), 422, "validation")
    assert _fields(body["detail"]) == {
        ("AMT_CREDIT", "out_of_bounds"), ("AMT_INCOME_TOTAL", "out_of_bounds"),
        ("DAYS_BIRTH", "out_of_bounds"), ("EXT_SOURCE_2", "out_of_bounds"),
        ("EXT_SOURCE_3", "out_of_bounds"), ("CNT_CHILDREN", "not_an_integer"),
        ("DAYS_EMPLOYED", "out_of_bounds")}
    messages = {e["field"]: e["message"] for e in body["detail"]}
    assert "[0, 1]" in messages["EXT_SOURCE_2"]
    assert "365243" in messages["DAYS_EMPLOYED"]


def test_closed_category_violations_are_named(inproc_api: InProcessApi,
                                              good: dict[str, Any]) -> None:
    """Values outside a closed set (CODE_GENDER, the Y/N flags, NAME_CONTRACT_TYPE, a 0/1 flag
    set to 2, a 1-3 region rating set to 4, a lower-case weekday) are refused by field."""
    bad = good | {"CODE_GENDER": "X", "FLAG_OWN_CAR": "yes", "FLAG_OWN_REALTY": "1",
                  "NAME_CONTRACT_TYPE": "Mortgage", "FLAG_MOBIL": 2, "FLAG_DOCUMENT_3": 2,
                  "REGION_RATING_CLIENT": 4, "WEEKDAY_APPR_PROCESS_START": "monday",
                  "EMERGENCYSTATE_MODE": "Maybe"}
    body = _rejected(inproc_api, inproc_api.client.post("/predict", json=bad), 422, "validation")
    assert {f for f, _ in _fields(body["detail"])} == {
        "CODE_GENDER", "FLAG_OWN_CAR", "FLAG_OWN_REALTY", "NAME_CONTRACT_TYPE", "FLAG_MOBIL",
        "FLAG_DOCUMENT_3", "REGION_RATING_CLIENT", "WEEKDAY_APPR_PROCESS_START",
        "EMERGENCYSTATE_MODE"}
    messages = {e["field"]: e["message"] for e in body["detail"]}
    assert "XNA" in messages["CODE_GENDER"]


def test_xna_is_refused_where_a_closed_set_lacks_it(inproc_api: InProcessApi,
                                                   good: dict[str, Any]) -> None:
    """"XNA" in a closed set that does not list it (FLAG_OWN_CAR, NAME_CONTRACT_TYPE) is an
    unknown category, as the published schema says; CODE_GENDER lists it and takes it."""
    bad = good | {"FLAG_OWN_CAR": "XNA", "NAME_CONTRACT_TYPE": "XNA", "CODE_GENDER": "XNA"}
    body = _rejected(inproc_api, inproc_api.client.post("/predict", json=bad), 422, "validation")
    assert _fields(body["detail"]) == {("FLAG_OWN_CAR", "unknown_category"),
                                       ("NAME_CONTRACT_TYPE", "unknown_category")}


def test_required_fields_are_named(inproc_api: InProcessApi) -> None:
    """An empty application names the three required fields; null counts as absent."""
    body = _rejected(inproc_api, inproc_api.client.post("/predict", json={"AMT_CREDIT": None}),
                     422, "validation")
    assert _fields(body["detail"]) == {(f, "missing_required") for f in schema.REQUIRED_FIELDS}


def test_one_bad_application_refuses_the_whole_batch(inproc_api: InProcessApi,
                                                     good: dict[str, Any]) -> None:
    """A batch with one bad application among good ones is refused as a whole, the error
    listing the bad application's index and fields; none of it is stored."""
    apps = [good, good | {"CODE_GENDER": "?"}, good, "not an object"]
    body = _rejected(inproc_api, inproc_api.client.post("/predict-batch",
                                                        json={"applications": apps}),
                     422, "validation")
    assert [(e["index"], _fields(e["errors"])) for e in body["detail"]] == [
        (1, {("CODE_GENDER", "unknown_category")}), (3, {("", "wrong_type")})]


def test_empty_and_oversized_batches(inproc_api: InProcessApi, good: dict[str, Any]) -> None:
    """An empty batch is a 422, a batch over the default limit of 1000 a 413."""
    _rejected(inproc_api, inproc_api.client.post("/predict-batch", json={"applications": []}),
              422, "empty_batch")
    body = _rejected(inproc_api, inproc_api.client.post(
        "/predict-batch", json={"applications": [good] * 1001}), 413, "batch_too_large")
    assert "1000" in body["detail"]


def test_batch_limit_follows_the_settings(inproc_api_factory: InProcessApiFactory,
                                          good: dict[str, Any]) -> None:
    """CREDITWATCH_BATCH_MAX_SIZE=3: three applications pass, four are a 413."""
    api = inproc_api_factory(api={"batch_max_size": 3})
    assert api.client.post("/predict-batch", json={"applications": [good] * 3}).status_code == 200
    _rejected(api, api.client.post("/predict-batch", json={"applications": [good] * 4}),
              413, "batch_too_large")


@pytest.mark.parametrize("content", [
    b'{"AMT_CREDIT": 1,', b"", b"{'AMT_CREDIT': 1}", b'{"a": "\\ud800"}', b"\xff\xfe{}",
    b"[" * 5000 + b"]" * 5000,
])
def test_malformed_json_is_a_400(inproc_api: InProcessApi, content: bytes) -> None:
    """Truncated, empty, single-quoted, lone-surrogate, non-UTF-8 and too deeply nested
    JSON is a 400 (never a 500), stored with an excerpt of the payload."""
    for path in ("/predict", "/predict-batch"):
        response = _post_raw(inproc_api, path, content)
        _rejected(inproc_api, response, 400, "malformed_json")
    if content:
        excerpt = inproc_api.anomalies(response.headers["x-request-id"]).iloc[0]["payload_excerpt"]
        assert excerpt and excerpt[:5] == content[:5].decode("utf-8", "replace")[:5]


def _chunks(data: bytes, size: int = 1024) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_huge_bodies_are_a_413_with_or_without_length(
        inproc_api_factory: InProcessApiFactory, good: dict[str, Any]) -> None:
    """A body over api.max_body_bytes is refused with 413 whether it declares its length or is
    streamed in chunks without one."""
    api = inproc_api_factory(api={"max_body_bytes": 4096})
    big = orjson.dumps(good | {"ORGANIZATION_TYPE": "x" * 5000})
    _rejected(api, _post_raw(api, "/predict", big), 413, "body too large")
    streamed = api.client.post("/predict", content=_chunks(big),
                               headers={"content-type": "application/json"})
    assert "content-length" not in streamed.request.headers
    _rejected(api, streamed, 413, "body too large")
    assert api.client.post("/predict", json=good).status_code == 200


@pytest.mark.parametrize("body", [[1, 2], "text", 5, None, True])
def test_non_object_bodies_are_refused(inproc_api: InProcessApi, body: Any) -> None:
    """A JSON body that is not an object (list, string, number, null, boolean) is a 422 on
    /predict, as is a batch body that is not {"applications": [...]}."""
    raw = orjson.dumps(body)  # (httpx would send json=None as an empty body)
    _rejected(inproc_api, _post_raw(inproc_api, "/predict", raw), 422, "validation")
    _rejected(inproc_api, _post_raw(inproc_api, "/predict-batch", raw), 422, "validation")
    _rejected(inproc_api, inproc_api.client.post("/predict-batch", json={"applications": body}),
              422, "validation")


def test_batch_body_with_extra_keys_is_refused(inproc_api: InProcessApi,
                                               good: dict[str, Any]) -> None:
    """{"applications": [...], "extra": 1} is refused rather than silently ignoring a key."""
    _rejected(inproc_api, inproc_api.client.post(
        "/predict-batch", json={"applications": [good], "extra": 1}), 422, "validation")


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/xml"])
def test_wrong_content_type_is_a_415(inproc_api: InProcessApi, good: dict[str, Any],
                                     content_type: str) -> None:
    """A body declared as anything but JSON is refused with 415, even if it parses as JSON."""
    _rejected(inproc_api, _post_raw(inproc_api, "/predict", orjson.dumps(good), content_type),
              415, "unsupported media type")


def test_wrong_method_on_a_scoring_endpoint_is_an_anomaly(inproc_api: InProcessApi) -> None:
    """GET /predict is a 405 with a JSON body, stored as an anomaly like any refusal."""
    response = inproc_api.client.get("/predict")
    assert response.status_code == 405
    rid = response.headers["x-request-id"]
    assert response.json()["request_id"] == rid
    assert inproc_api.anomalies(rid)["http_status"].tolist() == [405]


# --- what must be accepted


def test_valid_real_data_extremes_are_accepted(inproc_api: InProcessApi,
                                               good: dict[str, Any]) -> None:
    """The real file's outliers (income 117,000,000, 348 social-circle observations, 261
    bureau enquiries in a quarter), the DAYS_EMPLOYED sentinel, gender XNA and the train-only
    categories are scored, and none of them is even flagged out of range."""
    extremes = good | {"AMT_INCOME_TOTAL": 117_000_000, "DAYS_EMPLOYED": 365243,
                       "ORGANIZATION_TYPE": "XNA", "NAME_INCOME_TYPE": "Maternity leave",
                       "NAME_FAMILY_STATUS": "Unknown", "OBS_30_CNT_SOCIAL_CIRCLE": 348.0,
                       "AMT_REQ_CREDIT_BUREAU_QRT": 261.0, "CODE_GENDER": "XNA"}
    response = inproc_api.client.post("/predict", json=extremes)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["out_of_range_fields"] == []
    assert body["unknown_category_fields"] == []
    stored = inproc_api.predictions(body["prediction_id"])
    assert len(stored) == 1


def test_every_synthetic_application_is_accepted(inproc_api: InProcessApi) -> None:
    """500 schema-faithful synthetic applications (missing blocks, sentinels, rare levels)
    are all scored in one batch."""
    response = inproc_api.client.post("/predict-batch",
                                      json={"applications": applications(500, seed=52)})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("name", ["application_train_sample.csv", "application_test_sample.csv"])
def test_real_format_fixture_rows_all_score(inproc_api: InProcessApi, name: str) -> None:
    """Every row of the real-format fixture files, read as the loader reads the real
    application_train.csv / application_test.csv, is scored with a 200, in one batch and
    one by one."""
    rows = to_json_rows(load_applications(FIXTURES / name).frame)
    assert rows
    response = inproc_api.client.post("/predict-batch", json={"applications": rows})
    assert response.status_code == 200, response.text
    for row in rows:
        response = inproc_api.client.post("/predict", json=row)
        assert response.status_code == 200, response.text
