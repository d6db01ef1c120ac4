"""``Shadow``: the bounded queue the request path feeds and the thread that drains it.

Request path (``offer``): when a challenger is loaded and the request is sampled, one
``Work`` (references only) is put on a bounded queue, without waiting; when the queue is
full the work is **dropped** and counted (``dropped``, the ``creditwatch_shadow_dropped``
counter): the champion's answer never waits for the challenger, so under a burst the
shadow scores fewer predictions, never slows the answers.

Background thread: every ``poll_s`` it re-reads the challenger pointer
(``registry.pointers``) and loads the version it names (a pointer removed stops the shadow,
a changed one switches to the new version); it drains the queue in batches of up to
``BATCH_MAX`` predictions (waiting ``LINGER_S`` after the first for more to gather),
scores each batch in one pass (``work.score_batch``) and spools the scores as ``shadow``
records, which the background writer stores in
``shadow_predictions`` like everything else. A challenger that cannot be loaded, or whose
scoring raises, is counted (``failures[stage]``, the ``creditwatch_shadow_failures``
counter) and logged; the champion's answers are unaffected: they left before.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import structlog

from creditwatch.config import Settings
from creditwatch.features import Encoded
from creditwatch.model.bundle import load_bundle
from creditwatch.registry.pointers import CHALLENGER, pointed, version_dir
from creditwatch.scoring.scorer import Scorer
from creditwatch.shadow.sampling import sampled_rows
from creditwatch.shadow.work import Work, score_batch
from creditwatch.spool import Spool

log = structlog.get_logger("creditwatch.shadow")
QUEUE_MAX = 2048  # requests waiting for the shadow; beyond, new ones are dropped
BATCH_MAX = 1024  # predictions scored by the challenger in one pass
LINGER_S = 0.05  # after the first queued request, wait this long for more before scoring
LOAD, SCORE = "load", "score"  # failure stages
Count = Callable[[str, int], None]  # (event: scored|dropped|load|score, how many)


class Shadow:
    """The challenger in shadow of one API process (see the module docstring)."""

    def __init__(self, settings: Settings, spool: Spool, *, count: Count | None = None,
                 poll_s: float | None = None, queue_max: int = QUEUE_MAX) -> None:
        self.settings = settings
        self.artifacts = settings.paths.artifacts
        self.share = settings.model.shadow_share
        self.spool = spool
        # the registry's pointers are polled at one period (api.model_poll_s), champion and
        # challenger alike
        self.poll_s = settings.api.model_poll_s if poll_s is None else poll_s
        self._count = count
        self._queue: queue.Queue[Work] = queue.Queue(queue_max)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.challenger: Scorer | None = None  # read by the request path: set atomically
        # what GET /model shows of the challenger: its card, or its version and why it could
        # not be loaded; None without a challenger pointer
        self.card: dict[str, Any] | None = None
        self.pointer: str | None = None  # the version the pointer named at the last poll
        self._same: tuple[Any, bool] = (None, False)  # (champion maps, equal to ours)
        self.scored = self.dropped = 0
        self.failures = {LOAD: 0, SCORE: 0}

    # --- the request path --------------------------------------------------------------
    def offer(self, ids: Sequence[str], rows: Sequence[Any], encoded: Encoded, maps: Any,
              received_at: datetime, application_times: Sequence[datetime | None]) -> None:
        """Hand one request's scored predictions over; never blocks, never raises."""
        if self.challenger is None or self.share <= 0:
            return
        keep = sampled_rows(ids, self.share)
        if keep is not None and not keep:
            return
        work = Work(ids, rows, encoded, maps, received_at,
                    application_times or [None] * len(ids), keep)
        try:
            self._queue.put_nowait(work)
        except queue.Full:
            self.dropped += len(work)
            self._event("dropped", len(work))

    # --- the thread ----------------------------------------------------------------------
    def start(self) -> None:
        self._follow()
        self._thread = threading.Thread(target=self._run, name="creditwatch-shadow",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after scoring what is queued (within ``timeout``), before the writer's flush."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        next_poll = time.monotonic() + self.poll_s
        while True:
            if time.monotonic() >= next_poll:
                self._follow()
                next_poll = time.monotonic() + self.poll_s
            try:
                first = self._queue.get(timeout=min(self.poll_s, 0.2))
            except queue.Empty:
                if self._stop.is_set():
                    return
                continue
            # Let a batch gather: one pass over many predictions costs the request path far
            # less (GIL time) than a wake-up and a pass per request.
            self._stop.wait(LINGER_S)
            batch, n = [first], len(first)
            while n < BATCH_MAX:
                try:
                    work = self._queue.get_nowait()
                except queue.Empty:
                    break
                batch.append(work)
                n += len(work)
            self._score(batch)
            for _ in batch:
                self._queue.task_done()

    def _follow(self) -> None:
        """Re-read the challenger pointer; load the version it names when it changed."""
        version = pointed(self.artifacts, CHALLENGER)
        if version == self.pointer:
            return
        self.pointer = version
        if version is None:
            self.challenger = self.card = None
            log.info("shadow_stopped")
            return
        try:
            scorer = Scorer(load_bundle(version_dir(self.artifacts, version)), self.settings)
        except Exception as exc:  # noqa: BLE001 - any load failure: counted, shadow off
            self.challenger = None
            self.card = {"version": version, "error": str(exc)[:200]}
            self._failed(LOAD, version, exc, 0)
            return
        self.challenger = scorer
        self.card = scorer.bundle.describe()
        self._same = (None, False)
        log.info("shadow_started", challenger=version, share=self.share)

    def _score(self, batch: list[Work]) -> None:
        challenger = self.challenger
        if challenger is None:  # the pointer was removed (or failed) since: not scored
            return
        try:
            records = score_batch(challenger, batch, [self._same_maps(challenger, w.maps)
                                                      for w in batch])
            self.spool.append_many("shadow", records)
        except Exception as exc:  # noqa: BLE001 - the challenger's failure, never the API's
            self._failed(SCORE, challenger.version, exc, sum(len(w) for w in batch))
            return
        self.scored += len(records)
        self._event("scored", len(records))

    def _same_maps(self, challenger: Scorer, maps: Any) -> bool:
        """True when ``maps`` (a champion's) equal the challenger's: compared once per
        champion maps object, not per batch."""
        if self._same[0] is not maps:
            self._same = (maps, maps == challenger.pipeline.category_maps)
        return self._same[1]

    def _failed(self, stage: str, version: str, exc: Exception, n: int) -> None:
        self.failures[stage] += 1
        self._event(stage, 1)
        log.warning("shadow_failed", stage=stage, challenger=version, predictions=n,
                    error=f"{type(exc).__name__}: {str(exc)[:300]}")

    def _event(self, event: str, n: int) -> None:
        if self._count is not None:
            self._count(event, n)

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until the queue is empty (for tests and the benchmark); True when it is."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks
