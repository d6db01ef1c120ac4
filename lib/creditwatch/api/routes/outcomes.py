"""POST /outcomes: what became of predicted loans (see ``creditwatch.api.outcomes``)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from creditwatch.api.body import read_json
from creditwatch.api.deps import check_api_key, state_of
from creditwatch.api.errors import ApiError, json_response
from creditwatch.api.openapi import ERROR_RESPONSES
from creditwatch.api.outcomes import await_statuses
from creditwatch.api.service import spool_records
from creditwatch.outcomes import invalid_anomaly, parse_item
from creditwatch.schema.rules import MAX_SK_ID_CURR
from creditwatch.store.outcomes import INVALID, QUEUED

_ITEM = {
    "type": "object",
    "description": "Exactly one of request_id, prediction_id or SK_ID_CURR (then the client's "
                   "latest prediction at or before observed_at).",
    "properties": {
        "request_id": {"type": "string", "minLength": 1, "maxLength": 64},
        "prediction_id": {"type": "integer", "minimum": 1},
        "SK_ID_CURR": {"type": "integer", "minimum": 0, "maximum": MAX_SK_ID_CURR},
        "defaulted": {"enum": [0, 1, True, False]},
        "observed_at": {"type": "string", "format": "date-time"},
    },
    "required": ["defaulted", "observed_at"],
    "oneOf": [{"required": [key]} for key in ("request_id", "prediction_id", "SK_ID_CURR")],
    "additionalProperties": False,
}


class OutcomeResult(BaseModel):
    index: int
    status: str = Field(description="stored, duplicate, corrected, unknown_prediction, invalid "
                                    "or queued (the store did not take it in time; it will)")
    reason: str | None = None


class OutcomesOut(BaseModel):
    request_id: str
    n: int
    counts: dict[str, int]
    results: list[OutcomeResult]


def build_router(max_items: int) -> APIRouter:
    router = APIRouter(tags=["outcomes"], responses=ERROR_RESPONSES)
    body = {"type": "object", "required": ["outcomes"], "additionalProperties": False,
            "properties": {"outcomes": {"type": "array", "items": _ITEM, "minItems": 1,
                                        "maxItems": max_items},
                           "source": {"type": "string", "minLength": 1, "maxLength": 64}}}
    extra = {"requestBody": {"required": True,
                             "content": {"application/json": {"schema": body}}}}
    router.post("/outcomes", response_model=OutcomesOut, openapi_extra=extra,
                responses={202: {"model": OutcomesOut,
                                 "description": "The store did not take them in time: queued"}},
                )(post_outcomes)
    return router


async def post_outcomes(request: Request) -> Response:
    """Record whether scored clients defaulted; one status per item, in order."""
    state = state_of(request)
    check_api_key(request, state)
    body, _ = await read_json(request, state.settings.api.max_body_bytes)
    items: Any = body.get("outcomes") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not set(body) <= {"outcomes", "source"} \
            or not isinstance(items, list):
        raise ApiError(422, "invalid outcomes", 'the body must be {"outcomes": [...]}',
                       kind="validation")
    source = body.get("source", "api")
    if not isinstance(source, str) or not 0 < len(source) <= 64:
        raise ApiError(422, "invalid outcomes", "source must be a string of 1 to 64 characters",
                       kind="validation")
    if not items:
        raise ApiError(422, "empty batch", "send at least one outcome", kind="empty_batch")
    limit = state.settings.api.outcomes_max_items
    if len(items) > limit:
        raise ApiError(413, "batch too large", f"at most {limit} outcomes per request",
                       kind="batch_too_large")
    request_id: str = request.state.request_id
    received = datetime.now(UTC)
    results: list[dict[str, Any]] = [{"index": i} for i in range(len(items))]
    records, anomalies, positions = [], [], []
    for i, item in enumerate(items):
        try:
            records.append(parse_item(item, event_id=f"{request_id}-{i}", source=source,
                                      received_at=received))
            positions.append(i)
        except ValueError as exc:
            results[i].update(status=INVALID, reason=str(exc))
            anomalies.append(invalid_anomaly(f"{request_id}-{i}", f"outcomes[{i}]", str(exc),
                                             item, received))
    if anomalies:
        spool_records(state, "anomaly", anomalies)
    events = [r["event_id"] for r in records]
    pending = state.outcome_waiters.expect(events)
    try:
        spool_records(state, "outcome", records)
    except ApiError:
        state.outcome_waiters.finish(pending)  # nothing will come: stop waiting
        raise
    state.writer.notify()
    statuses = await await_statuses(state.outcome_waiters, pending,
                                    state.settings.api.outcomes_wait_s)
    for i, status in zip(positions, statuses, strict=True):
        results[i]["status"] = status
    counts = Counter(r["status"] for r in results)
    status_code = 202 if counts.get(QUEUED) else 200
    return json_response(status_code, {"request_id": request_id, "n": len(items),
                                       "counts": dict(counts), "results": results})
