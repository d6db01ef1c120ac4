"""API errors: one exception type carrying status and body, mapped to JSON in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

log = structlog.get_logger("creditwatch.api")


class ApiError(Exception):
    """A client or availability error with the JSON body to send."""

    def __init__(self, status: int, error: str, detail: Any = None, kind: str | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.detail = detail
        self.kind = kind or error


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json",
                    headers=headers)


def _request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


def install(app: FastAPI, on_error: Callable[[Request, ApiError], None]) -> None:
    """Map every error to a JSON body with the request id; ``on_error`` sees each one (the
    app stores those of the scoring endpoints as anomalies), whichever layer raised it."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        on_error(request, exc)
        body = {"request_id": _request_id(request), "error": exc.error, "detail": exc.detail}
        headers = {"WWW-Authenticate": "APIKey"} if exc.status == 401 else None
        return json_response(exc.status, body, headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        on_error(request, ApiError(exc.status_code, str(exc.detail), kind="http_error"))
        body = {"request_id": _request_id(request), "error": str(exc.detail), "detail": None}
        return json_response(exc.status_code, body, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        detail = [{"field": ".".join(map(str, e.get("loc", ()))), "message": e.get("msg", "")}
                  for e in exc.errors()]
        on_error(request, ApiError(422, "invalid request", detail, kind="validation"))
        body = {"request_id": _request_id(request), "error": "invalid request", "detail": detail}
        return json_response(422, body)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # A bug, never an input: logged with its traceback, answered without details.
        log.exception("unhandled_error", path=request.url.path)
        on_error(request, ApiError(500, "internal error", type(exc).__name__, kind="internal_error"))
        body = {"request_id": _request_id(request), "error": "internal error", "detail": None}
        return json_response(500, body)
