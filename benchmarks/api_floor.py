"""Benchmark-only ASGI app: the production scoring API plus a constant POST /floor.

    uvicorn --app-dir benchmarks api_floor:app

/floor reads the request body and returns a fixed JSON answer, through the same server,
middleware (request id, metrics, access log shipped to the spool) and event loop as /predict:
the throughput /predict could reach if validation, scoring and persistence cost nothing.
Never part of the production app.
"""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from creditwatch.api import create_app

app = create_app()
_CONSTANT = b'{"probability":0.5,"decision":"APPROVED"}'


@app.post("/floor", include_in_schema=False)
async def floor(request: Request) -> Response:
    await request.body()
    return Response(_CONSTANT, media_type="application/json")
