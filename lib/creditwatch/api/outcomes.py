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


class Pending:
    """One request's items awaiting the writer: their statuses so far, and one future set
    when the last of them has one (one wake-up of the event loop per request, not one per
    item: 1,000 ``call_soon_threadsafe`` calls and futures cost the writer and the loop
    milliseconds per request)."""

    __slots__ = ("event_ids", "future", "loop", "remaining", "statuses")

    def __init__(self, event_ids: list[str]) -> None:
        self.event_ids = event_ids
        self.loop = asyncio.get_running_loop()
        self.future: asyncio.Future[None] = self.loop.create_future()
        self.statuses: dict[str, str] = {}
        self.remaining = len(set(event_ids))
        if not self.remaining:
            self.future.set_result(None)


class OutcomeWaiters:
    """The requests whose outcome items await the writer's verdict, by event id.

    ``resolve`` is called from the writer thread; it records each status and wakes a
    request's event loop once all of its items have one. Items nobody waits for (a replayed
    spool, a request that timed out) are ignored.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, Pending] = {}

    def expect(self, event_ids: list[str]) -> Pending:
        pending = Pending(event_ids)
        with self._lock:
            for event in event_ids:
                self._waiting[event] = pending
        return pending

    def finish(self, pending: Pending) -> list[str]:
        """Stop waiting for ``pending``: each item's status, ``queued`` for those without
        one yet (under the lock: none is recorded after this)."""
        with self._lock:
            for event in pending.event_ids:
                self._waiting.pop(event, None)
            return [pending.statuses.get(e, QUEUED) for e in pending.event_ids]

    def resolve(self, statuses: Mapping[str, str]) -> None:
        done = []
        with self._lock:
            for event, status in statuses.items():
                pending = self._waiting.pop(event, None)
                if pending is None:
                    continue
                pending.statuses[event] = status
                pending.remaining -= 1
                if not pending.remaining:
                    done.append(pending)
        for pending in done:
            pending.loop.call_soon_threadsafe(_settle, pending.future)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def await_statuses(waiters: OutcomeWaiters, pending: Pending,
                         timeout: float) -> list[str]:
    """The writer's status of each event, or ``queued`` for those not stored in time."""
    await asyncio.wait({pending.future}, timeout=timeout)
    return waiters.finish(pending)
