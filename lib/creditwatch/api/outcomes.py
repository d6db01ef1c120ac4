"""POST /outcomes: check each item, spool the valid ones, answer with the store's verdict.

Outcomes take the predictions' path (spool, then the background writer), so none is lost
while the store is down. The writer matches each one to its prediction inside its write
transaction (``store.outcomes``) and reports the status of each (stored, duplicate,
corrected, unknown_prediction); the request waits for that report up to
``outcomes_wait_s`` and answers 200 with it. When the store does not take them in time (it
is down, or busy), the answer is 202 and the valid items say ``queued``: they are in the
spool and will be matched when the store is back (an unknown one then becomes an anomaly).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping

from creditwatch.store.outcomes import QUEUED


class OutcomeWaiters:
    """Futures of the outcome items awaiting the writer's verdict, by event id.

    ``resolve`` is called from the writer thread; it hands each status to the waiting
    request's event loop. Items nobody waits for (a replayed spool, a request that timed
    out) are ignored.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Future[str]]] = {}

    def expect(self, event_ids: list[str]) -> list[asyncio.Future[str]]:
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in event_ids]
        with self._lock:
            for event, future in zip(event_ids, futures, strict=True):
                self._waiting[event] = (loop, future)
        return futures

    def forget(self, event_ids: list[str]) -> None:
        with self._lock:
            for event in event_ids:
                self._waiting.pop(event, None)

    def resolve(self, statuses: Mapping[str, str]) -> None:
        with self._lock:
            found = [(self._waiting.pop(e), s) for e, s in statuses.items() if e in self._waiting]
        for (loop, future), status in found:
            loop.call_soon_threadsafe(_settle, future, status)


def _settle(future: asyncio.Future[str], status: str) -> None:
    if not future.done():
        future.set_result(status)


async def await_statuses(waiters: OutcomeWaiters, event_ids: list[str],
                         futures: list[asyncio.Future[str]], timeout: float) -> list[str]:
    """The writer's status of each event, or ``queued`` for those not stored in time."""
    done, _ = await asyncio.wait(futures, timeout=timeout) if futures else (set(), set())
    waiters.forget(event_ids)
    return [f.result() if f in done else QUEUED for f in futures]
