"""Pure ASGI middleware: request id, one access-log line, request metrics.

The request id is always made here: it is the prediction id, unique in the store, so a
client's ``X-Request-ID`` (which a client may reuse, or make too long for the store) is only
logged beside it as ``client_request_id``.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creditwatch.api.metrics import ApiMetrics

log = structlog.get_logger("creditwatch.api")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_ENDPOINTS = {"/predict", "/predict-batch", "/health", "/model", "/metrics"}


class RequestContext:
    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        if _VALID_ID.match(given):
            structlog.contextvars.bind_contextvars(request_id=request_id, client_request_id=given)
        else:
            structlog.contextvars.bind_contextvars(request_id=request_id)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - start
            path: str = scope.get("path", "")
            endpoint = path if path in _ENDPOINTS else "other"
            self.metrics.requests.labels(endpoint, str(status)).inc()
            self.metrics.latency.labels(endpoint).observe(elapsed)
            if endpoint not in ("/metrics", "/health"):
                fields: dict[str, Any] = {"method": scope.get("method"), "path": path,
                                          "status": status, "ms": round(elapsed * 1e3, 3)}
                log.info("request", **fields)
            structlog.contextvars.unbind_contextvars("request_id", "client_request_id")
