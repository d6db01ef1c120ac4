"""POST /predict and POST /predict-batch."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from creditwatch.api.body import read_json
from creditwatch.api.deps import check_api_key, state_of
from creditwatch.api.errors import ApiError, json_response
from creditwatch.api.openapi import ERROR_RESPONSES, BatchOut, PredictionOut, request_body
from creditwatch.api.service import score_rows


def build_router(batch_max_size: int) -> APIRouter:
    """The scoring routes; the batch limit is part of the published request schema."""
    router = APIRouter(tags=["scoring"], responses=ERROR_RESPONSES)
    explain = {"parameters": [EXPLAIN_PARAMETER]}
    router.post("/predict", response_model=PredictionOut,
                openapi_extra={**request_body(batch=False, max_items=1), **explain})(predict)
    router.post("/predict-batch", response_model=BatchOut,
                openapi_extra={**request_body(batch=True, max_items=batch_max_size),
                               **explain})(predict_batch)
    return router


EXPLAIN_PARAMETER = {
    "name": "explain", "in": "query", "required": False,
    "schema": {"type": "boolean", "default": False},
    "description": "Reasons for approved applications too (refused ones always have them)"}
_FLAGS = {"true": True, "1": True, "false": False, "0": False}


def explain_flag(request: Request) -> bool:
    """``?explain=true``: reasons for approvals too (refusals always have them); 422 for a
    value that is not true/false/1/0 (checked before anything is scored)."""
    given = request.query_params.get("explain")
    if given is None:
        return False
    flag = _FLAGS.get(given.lower())
    if flag is None:
        raise ApiError(422, "invalid query", "explain must be true or false",
                       kind="validation")
    return flag


async def predict(request: Request) -> Response:
    """Score one raw application (with the other /predict requests ready at the same time,
    see ``creditwatch.api.coalesce``)."""
    started = time.perf_counter()
    state = state_of(request)
    check_api_key(request, state)
    body, _ = await read_json(request, state.settings.api.max_body_bytes)
    if not isinstance(body, dict):
        raise ApiError(422, "invalid application", "the body must be one JSON object",
                       kind="validation")
    result = await state.coalescer.score(body, request.state.request_id, started,
                                         explain_flag(request))
    result["total_ms"] = (time.perf_counter() - started) * 1e3
    return json_response(200, result)


async def predict_batch(request: Request) -> Response:
    """Score a list of raw applications; one result per application, in order."""
    started = time.perf_counter()
    state = state_of(request)
    check_api_key(request, state)
    body, _ = await read_json(request, state.settings.api.max_body_bytes)
    apps: Any = body.get("applications") if isinstance(body, dict) else None
    if not isinstance(body, dict) or set(body) != {"applications"} or not isinstance(apps, list):
        raise ApiError(422, "invalid batch", 'the body must be {"applications": [...]}',
                       kind="validation")
    limit = state.settings.api.batch_max_size
    if not apps:
        raise ApiError(422, "empty batch", "send at least one application", kind="empty_batch")
    if len(apps) > limit:
        raise ApiError(413, "batch too large", f"at most {limit} applications per request",
                       kind="batch_too_large")
    version, results = score_rows(state, apps, request_id=request.state.request_id,
                                  started=started, explain=explain_flag(request))
    return json_response(200, {
        "request_id": request.state.request_id,
        "model_version": version,  # the version that scored them, even mid-promotion
        "n": len(results),
        "results": results,
        "total_ms": (time.perf_counter() - started) * 1e3,
    })
