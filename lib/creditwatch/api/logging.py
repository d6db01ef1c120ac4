"""structlog JSON logs with the request id on every line, also shipped to ``api_logs``.

What the seeds collected with Fluentd is written by the API itself: each log event is put
in the spool as a ``log`` record (with a unique event id, so a replay cannot duplicate it) and
reaches the store in the writer's next batch.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any

import orjson
import structlog

from creditwatch.api.ids import new_id

_sink: Callable[[dict[str, Any]], None] | None = None
_RESERVED = {"event", "level", "timestamp", "request_id"}


def set_sink(sink: Callable[[dict[str, Any]], None] | None) -> None:
    """Where log records go besides stdout (the spool); None to stop shipping."""
    global _sink
    _sink = sink


def _ship(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    sink = _sink
    if sink is None:
        return event
    data = {k: v for k, v in event.items() if k not in _RESERVED}
    # A log line that cannot be spooled (full disk, spool closed at shutdown) must not fail
    # the request that logs it; the line still goes to stdout.
    with contextlib.suppress(OSError, TypeError, ValueError):
        sink({
            "ts": datetime.now(UTC),
            "level": str(event.get("level", "info")),
            "event": str(event.get("event", "")),
            "request_id": event.get("request_id"),
            "event_id": new_id(),
            "data": {k: v if isinstance(v, (int, float, str, bool, type(None))) else str(v)
                     for k, v in data.items()},
        })
    return event


def _dumps(event: Any, **_: Any) -> str:
    # orjson: a log line per request, the stdlib encoder was a visible part of the cost
    return orjson.dumps(event, default=str).decode()


class LineLogger:
    """Writes each rendered line with ONE ``write`` call on the current ``sys.stdout``.

    structlog's PrintLogger calls ``print``, which writes the line and its newline in two
    calls: with ``PYTHONUNBUFFERED=1`` (the image and ``creditwatch serve`` set it) each is its
    own system call, so two uvicorn workers sharing one stdout could interleave them and glue
    two JSON lines together. One write per line keeps each line whole (an ``O_APPEND`` file
    or a pipe takes a small write in one piece). ``sys.stdout`` is looked up at each call, as
    PrintLogger does, so a replaced stdout (test capture) is followed."""

    _lock = threading.Lock()

    def msg(self, message: str) -> None:
        out = sys.stdout
        with self._lock:
            out.write(message + "\n")
            out.flush()

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


def _line_logger(*_: Any) -> LineLogger:
    return LineLogger()


def configure(level: str = "INFO") -> None:
    """JSON lines on stdout, level-filtered, request id merged from context."""
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _ship,
            structlog.processors.JSONRenderer(serializer=_dumps),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)),
        logger_factory=_line_logger,
        cache_logger_on_first_use=True,
    )
