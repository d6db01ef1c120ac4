"""Reasons through the API: who gets them, exactness against LightGBM's own TreeSHAP,
determinism, awkward applications, and the query flag."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from creditwatch import schema
from creditwatch.explain import DEFAULT_REASONS, Explainer
from creditwatch.model.bundle import ModelBundle

from tests.api.applications import applications
from tests.plugins.api_server import InProcessApi

TOL = 1e-9


@pytest.fixture(scope="module")
def oracle(bundle: ModelBundle) -> Explainer:
    """Reasons from LightGBM's ``pred_contrib`` (not the engine): the reference."""
    return Explainer.from_bundle(bundle, reference=True)


def _matrices(bundle: ModelBundle, apps: list[dict[str, Any]]) -> tuple[np.ndarray, Any]:
    encoded = bundle.pipeline.encode(apps)
    return bundle.pipeline.transform_encoded(encoded), encoded


def _check_exact(bundle: ModelBundle, oracle: Explainer, apps: list[dict[str, Any]],
                 answers: list[dict[str, Any]]) -> None:
    """Each answered reason list equals the one built from ``pred_contrib`` (codes, order,
    fields, values; contributions to 1e-9), and the per-reason sums of ``pred_contrib``
    plus the base value give the raw margin."""
    x, encoded = _matrices(bundle, apps)
    phi = np.asarray(bundle.booster.predict(x, pred_contrib=True))
    margin = bundle.booster.predict(x, raw_score=True)
    sums = oracle.grouper.group(phi, x, encoded.values)
    np.testing.assert_allclose(sums.sum(axis=1) + phi[:, -1], margin, rtol=0, atol=TOL)
    expected = oracle.reasons(x, encoded, DEFAULT_REASONS, contributions=phi)
    for answer, want in zip(answers, expected, strict=True):
        got = answer["reasons"]
        assert [r["code"] for r in got] == [r.code for r in want]
        for g, w in zip(got, want, strict=True):
            assert (g["text"], g["fields"], g["values"]) == (w.text, list(w.fields), w.values)
            assert abs(g["contribution"] - w.contribution) <= TOL
            assert g["contribution"] > 0


def test_refused_applications_get_exact_reasons_and_approvals_none(
        inproc_api: InProcessApi, bundle: ModelBundle, oracle: Explainer) -> None:
    """Over 60 single requests, every REFUSED answer carries at most four reasons equal to
    those computed from LightGBM's pred_contrib (contributions to 1e-9), largest first;
    every APPROVED answer has ``reasons: null``."""
    apps = applications(60, seed=71)
    answers = [inproc_api.client.post("/predict", json=a).json() for a in apps]
    refused = [i for i, a in enumerate(answers) if a["decision"] == "REFUSED"]
    assert 0 < len(refused) < len(apps)
    for i, answer in enumerate(answers):
        if i not in refused:
            assert answer["reasons"] is None
            continue
        reasons = answer["reasons"]
        assert 1 <= len(reasons) <= DEFAULT_REASONS
        contributions = [r["contribution"] for r in reasons]
        assert contributions == sorted(contributions, reverse=True)
    _check_exact(bundle, oracle, [apps[i] for i in refused], [answers[i] for i in refused])


def test_explain_true_gives_approvals_their_reasons_in_a_batch(
        inproc_api: InProcessApi, bundle: ModelBundle, oracle: Explainer) -> None:
    """/predict-batch answers reasons for its refused rows only, and with ?explain=true for
    every row, the same for the refused rows either way, each exact."""
    apps = applications(40, seed=72)
    plain = inproc_api.client.post("/predict-batch", json={"applications": apps}).json()
    explained = inproc_api.client.post("/predict-batch?explain=true",
                                       json={"applications": apps}).json()
    for p, e in zip(plain["results"], explained["results"], strict=True):
        assert (p["reasons"] is not None) == (p["decision"] == "REFUSED")
        assert isinstance(e["reasons"], list)
        if p["decision"] == "REFUSED":
            assert e["reasons"] == p["reasons"]
    _check_exact(bundle, oracle, apps, explained["results"])


def test_the_same_input_gives_the_same_reasons_in_the_same_order(
        inproc_api: InProcessApi) -> None:
    """Sending the same application five times, alone and within a batch, answers the very
    same reasons (codes, values and contributions bit for bit) in the same order."""
    app = applications(1, seed=73)[0]
    singles = [inproc_api.client.post("/predict?explain=1", json=app).json()["reasons"]
               for _ in range(5)]
    batch = inproc_api.client.post("/predict-batch?explain=true",
                                   json={"applications": [app, app]}).json()
    assert all(s == singles[0] for s in singles)
    assert [r["reasons"] for r in batch["results"]] == [singles[0], singles[0]]


def test_sparse_sentinel_unknown_and_out_of_range_applications_get_reasons(
        inproc_api: InProcessApi, bundle: ModelBundle, oracle: Explainer) -> None:
    """An application with only the required fields, one with the DAYS_EMPLOYED sentinel,
    one with an unknown category and one with an out-of-range value are all explained
    exactly; their quality flags are answered as before; a missing field is a reason said
    plainly (a missing-field code, its value null)."""
    base = applications(1, seed=74)[0]
    sparse = {k: v for k, v in base.items() if k in schema.REQUIRED_FIELDS}
    sentinel = {**base, "DAYS_EMPLOYED": 365243}
    unknown = {**base, "NAME_HOUSING_TYPE": "Space station"}
    outside = {**base, "CNT_CHILDREN": 25}
    apps = [sparse, sentinel, unknown, outside]
    answers = [inproc_api.client.post("/predict?explain=true", json=a).json() for a in apps]
    _check_exact(bundle, oracle, apps, answers)
    assert "NAME_HOUSING_TYPE" in answers[2]["unknown_category_fields"]
    assert "CNT_CHILDREN" in answers[3]["out_of_range_fields"]
    assert answers[0]["missing_fields"]
    missing = [r for r in answers[0]["reasons"] if r["code"] >= "R30"]
    assert missing, answers[0]["reasons"]
    assert all(r["text"].startswith("No ") and None in r["values"].values() for r in missing)


@pytest.mark.parametrize("value", ["yes", "2", ""])
def test_a_bad_explain_flag_is_a_422_and_scores_nothing(inproc_api: InProcessApi,
                                                        value: str) -> None:
    """?explain= with anything but true/false/1/0 is refused with a clear 422 naming the
    parameter, on both routes, and no prediction is stored."""
    app = applications(1, seed=75)[0]
    for path, body in (("/predict", app), ("/predict-batch", {"applications": [app]})):
        response = inproc_api.client.post(f"{path}?explain={value}", json=body)
        assert response.status_code == 422, response.text
        assert "explain" in response.text
        rid = response.headers["x-request-id"]
        assert inproc_api.predictions(rid).empty
