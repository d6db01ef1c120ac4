"""Log records waiting for the writer thread, which spools them once per tick.

A prediction's record is appended to the spool before its answer leaves, because an answered
prediction must never be lost. A log line has no such promise, so the event loop only puts it
in memory and the writer thread spools everything gathered since its last tick in one write:
one system call less per request on the event loop (each is a chance for another thread to
take the GIL while the loop waits). A SIGKILL loses at most one tick of log lines; a store
outage loses none, since they reach the spool like any record.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from creditwatch.spool.spool import Spool

MAX_PENDING = 100_000  # bounded memory if the writer thread stalls: the oldest lines go first


class LogBuffer:
    """Thread-safe (``deque`` appends and pops are atomic) queue of log records."""

    def __init__(self, spool: Spool, max_pending: int = MAX_PENDING) -> None:
        self.spool = spool
        self._pending: deque[dict[str, Any]] = deque(maxlen=max_pending)

    def __len__(self) -> int:
        return len(self._pending)

    def append(self, record: dict[str, Any]) -> None:
        self._pending.append(record)

    def flush(self) -> int:
        """Spool every pending record in one write; returns how many."""
        records = []
        pending = self._pending
        while pending:
            records.append(pending.popleft())
        if records:
            self.spool.append_many("log", records)
        return len(records)
