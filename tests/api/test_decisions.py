"""GET /predictions/{id} on a real API process, on SQLite and PostgreSQL: the stored
decision with the reasons it was answered with."""

from __future__ import annotations

import httpx
import pytest

from tests.api.applications import applications
from tests.plugins.api_server import ApiServerFactory

pytestmark = pytest.mark.slow
KEY = "k-123"


def test_stored_decisions_come_back_with_their_reasons(
        api_server_factory: ApiServerFactory, server_database_url: str | None) -> None:
    """Each answered prediction (single, explained single, batch rows), read back at once
    by its prediction id, has the answered decision, probability and reasons (exactly, in
    order; an approval answered without reasons has none); an unknown id is a 404 naming
    it; the route needs the API key like the scoring routes; after a graceful stop the
    store holds one reason row per answered reason."""
    server = api_server_factory(database_url=server_database_url, api_key=KEY)
    apps = applications(36, seed=81)
    answers = []
    with server.client(headers={"X-API-Key": KEY}) as client:
        for i, app in enumerate(apps[:16]):
            path = "/predict?explain=true" if i % 2 else "/predict"
            response = client.post(path, json=app)
            assert response.status_code == 200, response.text
            answers.append(response.json())
        response = client.post("/predict-batch", json={"applications": apps[16:]})
        assert response.status_code == 200, response.text
        answers += response.json()["results"]
        assert any(a["decision"] == "REFUSED" for a in answers)
        assert any(a["decision"] == "APPROVED" and a["reasons"] is None for a in answers)
        for answer in answers:
            got = client.get(f"/predictions/{answer['prediction_id']}")
            assert got.status_code == 200, got.text
            stored = got.json()
            assert stored["prediction_id"] == answer["prediction_id"]
            for key in ("decision", "probability", "threshold", "model_version",
                        "confidence"):
                assert stored[key] == answer[key], key
            assert stored["reasons"] == (answer["reasons"] or [])
        missing = client.get("/predictions/no-such-prediction")
        assert missing.status_code == 404
        body = missing.json()
        assert body["error"] == "unknown prediction id"
        assert "no-such-prediction" in str(body["detail"])
        assert client.get("/predictions/" + "x" * 65).status_code == 404
    anonymous = httpx.get(f"{server.url}/predictions/{answers[0]['prediction_id']}")
    assert anonymous.status_code == 401
    assert server.stop()
    frame = server.store().read_reasons()
    assert len(frame) == sum(len(a["reasons"] or []) for a in answers)
