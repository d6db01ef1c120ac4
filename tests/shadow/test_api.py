"""The shadow in the real API process: same answers, its own table, failures counted."""

from __future__ import annotations

import json
import re
import time

import httpx
import numpy as np
import pandas as pd
import pytest

from creditwatch.model.bundle import ModelBundle
from creditwatch.registry.pointers import CHALLENGER, set_pointer
from creditwatch.scoring import Scorer

from tests.api.applications import applications
from tests.plugins.api_server import ApiServer, ApiServerFactory
from tests.shadow.bundles import corrupt, install, raising

pytestmark = pytest.mark.slow
_TIMINGS = re.compile(rb'"(preprocessing_ms|inference_ms|reasons_ms|total_ms)":[-+0-9.eE]+')


def _events(server: ApiServer, event: str) -> list[dict]:
    lines = (json.loads(line) for line in server.log_lines() if line.startswith("{"))
    return [e for e in lines if e.get("event") == event]


def _wait_log(server: ApiServer, event: str, count: int = 1, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while len(_events(server, event)) < count:
        assert time.monotonic() < deadline, f"no {event} in the log:\n{server.log_tail()}"
        time.sleep(0.1)


def _exchange(client: httpx.Client, apps: list[dict], tag: str) -> list[bytes]:
    """20 /predict (explained every fourth) and one /predict-batch, with fixed request ids:
    the answer bodies with their timings blanked."""
    bodies = []
    for i, app in enumerate(apps[:20]):
        r = client.post("/predict" + ("?explain=true" if i % 4 == 0 else ""), json=app,
                        headers={"X-Request-ID": f"{tag}-{i:03d}"})
        assert r.status_code == 200, r.text
        bodies.append(r.content)
    r = client.post("/predict-batch", json={"applications": apps[20:]},
                    headers={"X-Request-ID": f"{tag}-batch"})
    assert r.status_code == 200, r.text
    bodies.append(r.content)
    return [_TIMINGS.sub(rb'"\1":0', body) for body in bodies]


def _metric(server: ApiServer, name: str) -> float:
    text = httpx.get(f"{server.url}/metrics").text
    found = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def test_answers_are_the_same_with_the_shadow_on_or_off_and_its_scores_are_stored(
        api_server_factory: ApiServerFactory, server_database_url: str | None,
        bundle: ModelBundle, challenger_bundle: ModelBundle) -> None:
    """The same requests (same ids) get byte-for-byte the same answers, timings aside, from
    an API without a challenger and from one with a challenger in shadow; the latter's
    store holds one shadow row per answered prediction, linked by request id, with the
    probability the challenger gives that application."""
    off = api_server_factory()
    on = api_server_factory(database_url=server_database_url)
    install(on.root / "artifacts", challenger_bundle)
    _wait_log(on, "shadow_started")
    apps = applications(35, seed=51)
    with off.client() as a, on.client() as b:
        assert _exchange(a, apps, "same") == _exchange(b, apps, "same")
    assert on.stop()
    store = on.store()
    predictions = store.read_predictions(columns=["request_id", "inputs", "probability"])
    shadow = store.read_shadow().set_index("request_id")
    assert len(predictions) == 35
    assert sorted(shadow.index) == sorted(predictions["request_id"])
    assert set(shadow["model_version"]) == {challenger_bundle.version}
    challenger = Scorer(challenger_bundle)
    expected = challenger.score(pd.DataFrame(list(predictions["inputs"]))).probability
    np.testing.assert_allclose(shadow.loc[predictions["request_id"], "probability"],
                               expected, rtol=1e-12)
    champion = Scorer(bundle).score(pd.DataFrame(list(predictions["inputs"]))).probability
    np.testing.assert_allclose(predictions["probability"], champion, rtol=1e-12)


def test_a_failing_challenger_is_counted_and_the_answers_are_unaffected(
        api_server_factory: ApiServerFactory, bundle: ModelBundle,
        challenger_bundle: ModelBundle) -> None:
    """A challenger whose model.txt is corrupted (load failure), then one whose scoring
    raises (score failures): every request is answered 200 with the champion's probability,
    the failures are counted in /metrics and logged, and no shadow row is stored; removing
    the pointer stops the shadow."""
    server = api_server_factory()
    artifacts = server.root / "artifacts"
    champion = Scorer(bundle)
    corrupt(artifacts, challenger_bundle)
    _wait_log(server, "shadow_failed")
    apps = applications(30, seed=52)
    with server.client() as client:
        for app in apps[:10]:
            r = client.post("/predict", json=app)
            assert r.status_code == 200
            assert r.json()["probability"] == champion.score_one(app)["probability"]
        assert _metric(server, 'creditwatch_shadow_failures_total{stage="load"}') == 1
        install(artifacts, raising(bundle))
        _wait_log(server, "shadow_started")
        for app in apps[10:20]:
            r = client.post("/predict", json=app)
            assert r.status_code == 200
            assert r.json()["probability"] == champion.score_one(app)["probability"]
        r = client.post("/predict-batch", json={"applications": apps[20:]})
        assert r.status_code == 200
        _wait_log(server, "shadow_failed", 2)
        assert _metric(server, 'creditwatch_shadow_failures_total{stage="score"}') >= 1
        assert _metric(server, "creditwatch_shadow_scored_total") == 0
        set_pointer(artifacts, CHALLENGER, None)
        _wait_log(server, "shadow_stopped")
    assert server.stop()
    store = server.store()
    assert store.count_predictions() == 30
    assert store.read_shadow().empty
    failed = _events(server, "shadow_failed")
    assert {e["stage"] for e in failed} == {"load", "score"}
