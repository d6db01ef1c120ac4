"""Dependency aliases (FastAPI full-stack template style)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from creditwatch.api.errors import ApiError
from creditwatch.api.state import ApiState


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.creditwatch
    return state


StateDep = Annotated[ApiState, Depends(get_state)]


def require_api_key(state: StateDep,
                    x_api_key: Annotated[str | None, Header(include_in_schema=False)] = None) -> None:
    """When CREDITWATCH_API_KEY is set, scoring needs the same X-API-Key header."""
    expected = state.settings.api_key
    if expected is None:
        return
    if x_api_key is None or not hmac.compare_digest(x_api_key.encode(),
                                                    expected.get_secret_value().encode()):
        raise ApiError(401, "missing or invalid API key", kind="unauthorized")


ApiKeyDep = Depends(require_api_key)
