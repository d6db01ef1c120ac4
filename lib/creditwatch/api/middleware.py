"""Pure ASGI middleware: request id, one access-log line, request metrics.

The request id is the prediction id in the store. A client's ``X-Request-ID`` is used as is
when it is short and plain (an idempotency key: a retry with the same id is stored once, see
the simulator); otherwise a unique id is made here. The length limit leaves room in the
store's 64-character column for a batch row's ``-<index>`` suffix.
"""

from __future__ import annotations

import re
import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creditwatch.api.ids import new_id
from creditwatch.api.metrics import ApiMetrics

log = structlog.get_logger("creditwatch.api")
MAX_REQUEST_ID_LENGTH = 40
_VALID_ID = re.compile(rf"^[A-Za-z0-9._-]{{1,{MAX_REQUEST_ID_LENGTH}}}$")
_ENDPOINTS = {"/predict", "/predict-batch", "/outcomes", "/health", "/model", "/metrics"}


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
        request_id = given if _VALID_ID.match(given) else new_id()
        scope.setdefault("state", {})["request_id"] = request_id
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
            metrics = self.metrics
            metrics.child(metrics.requests, endpoint, str(status)).inc()
            metrics.child(metrics.latency, endpoint).observe(elapsed)
            if endpoint not in ("/metrics", "/health"):
                fields: dict[str, Any] = {"method": scope.get("method"), "path": path,
                                          "status": status, "ms": round(elapsed * 1e3, 3)}
                log.info("request", **fields)
            structlog.contextvars.unbind_contextvars("request_id")
