"""Concurrent /predict requests scored together: each keeps its own answer, error and record.

The API tests drive the app through httpx's ASGI transport inside one event loop, so that
requests sent together with ``asyncio.gather`` are ready in the same loop iteration, as
requests whose bytes arrive together are in the real server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from creditwatch.api.coalesce import Coalescer
from creditwatch.api.errors import ApiError
from creditwatch.scoring import Scorer

from tests.api.applications import applications
from tests.plugins.api_server import InProcessApi


def _send_together(api: InProcessApi, bodies: Sequence[dict[str, Any]],
                   ids: Sequence[str]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=api.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            return list(await asyncio.gather(*(
                client.post("/predict", json=body, headers={"X-Request-ID": rid})
                for body, rid in zip(bodies, ids, strict=True))))
    return asyncio.run(run())


def _passes(api: InProcessApi) -> tuple[float, float]:
    """(scoring passes, requests they scored) so far, from the coalescing histogram."""
    metric = api.state.metrics.coalesced
    samples = {s.name: s.value for s in metric.collect()[0].samples if not s.labels}
    return samples["creditwatch_predict_coalesced_count"], samples["creditwatch_predict_coalesced_sum"]


def test_requests_sent_together_are_scored_in_one_pass_each_with_its_own_answer(
        inproc_api: InProcessApi) -> None:
    """Twelve /predict requests in flight together are scored in one pass; each answer is
    the Scorer's own result for its application under its own request id, and the store
    holds exactly those twelve predictions with the answered probabilities."""
    bodies = applications(12, seed=11)
    ids = [f"coalesce-together-{i}" for i in range(12)]
    scorer: Scorer = inproc_api.state.scorer
    passes0, requests0 = _passes(inproc_api)
    responses = _send_together(inproc_api, bodies, ids)
    assert [r.status_code for r in responses] == [200] * 12
    passes1, requests1 = _passes(inproc_api)
    assert (passes1 - passes0, requests1 - requests0) == (1, 12)
    for body, rid, response in zip(bodies, ids, responses, strict=True):
        answer = response.json()
        expected = scorer.score_one(body)
        assert answer["prediction_id"] == rid
        assert answer["probability"] == pytest.approx(expected["probability"], abs=1e-12)
        for key in ("decision", "confidence", "data_quality_score", "missing_fields"):
            assert answer[key] == expected[key], key
        assert answer["total_ms"] >= answer["preprocessing_ms"] + answer["inference_ms"]
    stored = inproc_api.predictions("coalesce-together-").set_index("request_id")
    assert sorted(stored.index) == sorted(ids)
    for rid, response in zip(ids, responses, strict=True):
        assert stored.loc[rid, "probability"] == pytest.approx(response.json()["probability"],
                                                               abs=1e-12)
        assert stored.loc[rid, "endpoint"] == "/predict"


def test_an_invalid_application_fails_alone_in_its_pass(inproc_api: InProcessApi) -> None:
    """In a pass holding one invalid application, that request alone gets a 422 naming its
    field (and an anomaly row); the others in the same pass are answered and stored."""
    bodies = applications(6, seed=12)
    bodies[2] = {**bodies[2], "AMT_CREDIT": -5.0}
    ids = [f"coalesce-mixed-{i}" for i in range(6)]
    passes0, _ = _passes(inproc_api)
    responses = _send_together(inproc_api, bodies, ids)
    assert _passes(inproc_api)[0] - passes0 == 1
    assert [r.status_code for r in responses] == [200, 200, 422, 200, 200, 200]
    detail = responses[2].json()["detail"]
    assert [(e["field"], e["kind"]) for e in detail] == [("AMT_CREDIT", "out_of_bounds")]
    stored = inproc_api.predictions("coalesce-mixed-")
    assert sorted(stored["request_id"]) == sorted(ids[:2] + ids[3:])
    anomalies = inproc_api.anomalies(ids[2])
    assert list(anomalies["kind"]) == ["validation"]
    for rid in ids[:2] + ids[3:]:
        assert inproc_api.anomalies(rid).empty


class _Recorder:
    """A ``score_many`` that records each pass and answers with the request ids."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.passes: list[list[str]] = []
        self.fail_on = fail_on

    def __call__(self, requests: Sequence[tuple[Any, str, float, bool]]) -> list[Any]:
        ids = [rid for _, rid, _, _ in requests]
        self.passes.append(ids)
        if self.fail_on in ids:
            raise ApiError(503, "cannot persist the prediction right now", kind="spool")
        return [{"id": rid} if app != "bad" else ApiError(422, "invalid", kind="validation")
                for app, rid, _, _ in requests]


def test_a_flush_splits_into_passes_of_at_most_max_size_in_arrival_order() -> None:
    """Ten requests ready together with max_size 4 are scored as passes of 4, 4 and 2, in
    the order they arrived, and each gets the result of its own application."""
    recorder = _Recorder()
    coalescer = Coalescer(recorder, max_size=4)

    async def run() -> list[Any]:
        return list(await asyncio.gather(*(coalescer.score(None, f"r{i}", 0.0)
                                           for i in range(10))))

    results = asyncio.run(run())
    assert results == [{"id": f"r{i}"} for i in range(10)]
    assert recorder.passes == [["r0", "r1", "r2", "r3"], ["r4", "r5", "r6", "r7"], ["r8", "r9"]]


def test_requests_one_after_another_are_scored_alone_without_waiting() -> None:
    """A request never waits for company: sequential requests each make their own pass."""
    recorder = _Recorder()
    coalescer = Coalescer(recorder, max_size=32)

    async def run() -> list[Any]:
        return [await coalescer.score(None, f"s{i}", 0.0) for i in range(3)]

    assert asyncio.run(run()) == [{"id": "s0"}, {"id": "s1"}, {"id": "s2"}]
    assert recorder.passes == [["s0"], ["s1"], ["s2"]]


def test_errors_reach_their_own_requests_and_a_failed_pass_fails_only_its_requests() -> None:
    """An application-level error fails only its request; a pass that raises (the spool
    refusing its records) fails every request of that pass and none of the next pass."""
    recorder = _Recorder(fail_on="b1")
    coalescer = Coalescer(recorder, max_size=2)

    async def run() -> list[Any]:
        calls = [coalescer.score(app, rid, 0.0)
                 for app, rid in (("bad", "a0"), (None, "a1"), (None, "b0"), (None, "b1"),
                                  (None, "c0"))]
        return list(await asyncio.gather(*calls, return_exceptions=True))

    a0, a1, b0, b1, c0 = asyncio.run(run())
    assert isinstance(a0, ApiError) and a0.status == 422
    assert a1 == {"id": "a1"} and c0 == {"id": "c0"}
    assert isinstance(b0, ApiError) and isinstance(b1, ApiError) and b0.status == b1.status == 503


def test_a_cancelled_request_is_skipped_and_the_others_are_answered() -> None:
    """A request cancelled while waiting (its client went away) does not break the pass:
    the others of the pass get their results."""
    recorder = _Recorder()
    coalescer = Coalescer(recorder, max_size=32)

    async def run() -> tuple[Any, Any]:
        first = asyncio.ensure_future(coalescer.score(None, "x0", 0.0))
        second = asyncio.ensure_future(coalescer.score(None, "x1", 0.0))
        await asyncio.sleep(0)  # both are queued; the flush runs on the next iteration
        first.cancel()
        return await asyncio.gather(first, second, return_exceptions=True)

    first, second = asyncio.run(run())
    assert isinstance(first, asyncio.CancelledError)
    assert second == {"id": "x1"}
    assert recorder.passes == [["x0", "x1"]]
