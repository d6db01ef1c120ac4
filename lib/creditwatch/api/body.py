"""Reading a JSON body: size limit, content type, and field-precise NaN/Infinity errors."""

from __future__ import annotations

import json
import math
from typing import Any

import orjson
from fastapi import Request

from creditwatch.api.errors import ApiError


class _NotFinite:
    """Marks a NaN/Infinity literal so validation can name the field holding it."""

    def __init__(self, text: str) -> None:
        self.text = text


def _locate_not_finite(value: Any, path: str = "") -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    if isinstance(value, _NotFinite):
        found.append({"field": path, "kind": "not_finite",
                      "message": f"{value.text} is not a JSON number"})
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _locate_not_finite(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _locate_not_finite(item, f"{path}[{i}]")
    return found


def _parse_float(text: str) -> float | _NotFinite:
    value = float(text)
    return value if math.isfinite(value) else _NotFinite(text)


async def read_json(request: Request, max_bytes: int) -> tuple[Any, bytes]:
    """The decoded body and its raw bytes; ApiError 413/415/400/422 on bad input."""
    ctype = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if ctype not in ("application/json", "") and not ctype.endswith("+json"):
        raise ApiError(415, "unsupported media type", f"expected application/json, got {ctype}")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ApiError(413, "body too large", f"limit is {max_bytes} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise ApiError(413, "body too large", f"limit is {max_bytes} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    request.state.raw_body = raw  # the anomaly row keeps an excerpt of what was refused
    try:
        return orjson.loads(raw), raw
    except orjson.JSONDecodeError as exc:
        # orjson refuses NaN/Infinity (like the JSON spec) and numbers that overflow a
        # double (1e400); say which field held one.
        try:
            loose = json.loads(raw, parse_constant=_NotFinite, parse_float=_parse_float)
        except (ValueError, RecursionError):
            raise ApiError(400, "malformed JSON", str(exc), kind="malformed_json") from None
        errors = _locate_not_finite(loose)
        if errors:
            raise ApiError(422, "invalid application", errors, kind="not_finite") from None
        raise ApiError(400, "malformed JSON", str(exc), kind="malformed_json") from None
