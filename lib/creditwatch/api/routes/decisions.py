"""GET /predictions/{prediction_id}: a stored decision with its reasons (adverse-action
letters, complaints)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from creditwatch.api.deps import check_api_key, state_of
from creditwatch.api.errors import ApiError, json_response
from creditwatch.api.openapi import ERROR_RESPONSES, ErrorOut, StoredDecisionOut
from creditwatch.errors import StoreUnavailableError

# What the API gives as prediction ids: request ids (see api.middleware), "-<row>" for a
# batch row, within the store's 64 characters. Anything else is not looked up.
_PREDICTION_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
FLUSH_WAIT_S = 2.0  # how long a read waits for the writer to ship what is still spooled

router = APIRouter(tags=["scoring"], responses=ERROR_RESPONSES)


@router.get("/predictions/{prediction_id}", response_model=StoredDecisionOut,
            responses={404: {"model": ErrorOut,
                                   "description": "No prediction with this id is stored"}})
async def stored_decision(prediction_id: str, request: Request) -> Response:
    """The stored decision ``prediction_id`` (the ``prediction_id`` of a /predict answer,
    ``<request id>-<row>`` for a batch) with the reasons it was answered with."""
    state = state_of(request)
    check_api_key(request, state)
    if not _PREDICTION_ID.match(prediction_id):
        raise ApiError(404, "unknown prediction id", "prediction ids have 1 to 64 letters, "
                       "digits, '.', '_' or '-'", kind="not_found")
    try:
        found = await run_in_threadpool(state.store.read_decision, prediction_id)
        if found is None and state.writer.pending_records():
            # answered moments ago, still in the spool: ship it now, then look again
            await run_in_threadpool(state.writer.flush, FLUSH_WAIT_S)
            found = await run_in_threadpool(state.store.read_decision, prediction_id)
    except (StoreUnavailableError, SQLAlchemyError, OSError) as exc:
        raise ApiError(503, "the store cannot be read right now", str(exc)[:200],
                       kind="store_unavailable") from None
    if found is None:
        raise ApiError(404, "unknown prediction id",
                       f"no prediction {prediction_id!r} is stored", kind="not_found")
    return json_response(200, _answer(found))


def _answer(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()
           if k not in {"id", "request_id"}}
    return {"prediction_id": row["request_id"], **out}
