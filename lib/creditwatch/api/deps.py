"""What routes need from the app: its state, and the API key check.

The scoring routes call ``state_of`` and ``check_api_key`` directly instead of declaring
them as FastAPI dependencies: resolving dependencies cost about a fifth of a /predict call
(more than validation). The operations routes keep ``StateDep``.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from creditwatch.api.errors import ApiError
from creditwatch.api.state import ApiState


def state_of(request: Request) -> ApiState:
    state: ApiState = request.app.state.creditwatch
    return state


# ``async def``: FastAPI runs a plain ``def`` dependency in its thread pool, a thread hop
# per request for one attribute read.
async def get_state(request: Request) -> ApiState:
    return state_of(request)


StateDep = Annotated[ApiState, Depends(get_state)]


def check_api_key(request: Request, state: ApiState) -> None:
    """When CREDITWATCH_API_KEY is set, scoring needs the same X-API-Key header (401)."""
    expected = state.settings.api.required_key
    if expected is None:
        return
    given = request.headers.get("x-api-key")
    if given is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "missing or invalid API key", kind="unauthorized")
