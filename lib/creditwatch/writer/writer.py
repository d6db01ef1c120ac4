"""The background writer: ships spooled records to the store in batches, in order.

It tails this process's spool segment (the spool is the queue, so memory stays bounded
however long the store is down), inserts each batch with one atomic ``write_batch`` and then
advances the segment's committed offset. On store errors it keeps the records and retries with
exponential backoff. At start it first replays orphaned segments left by dead processes; at
shutdown it flushes what it can within a deadline.

A record the store refuses for its content (a data error, not an outage) would otherwise fail
every retry and block every record behind it: such a batch is split in halves until the
refused records are isolated; they go to the spool's ``rejected-*.jsonl`` and the rest is
stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy import exc as sa_exc

from creditwatch.spool.logbuffer import LogBuffer
from creditwatch.spool.spool import Spool, SpoolSegment, decode_record
from creditwatch.store.outcomes import INVALID

log = structlog.get_logger("creditwatch.writer")
BATCH_BYTES = 4 * 1024 * 1024
# Spool record kind -> ``Store.write_batch`` argument.
KINDS = {"prediction": "predictions", "anomaly": "anomalies", "log": "logs",
         "outcome": "outcomes", "shadow": "shadow"}
Item = tuple[str, dict[str, Any], bytes]  # (store argument, record, spool line)


def is_data_error(exc: BaseException) -> bool:
    """True when ``exc`` is about a record's content (retrying cannot help), not an outage."""
    if isinstance(exc, (sa_exc.DataError, sa_exc.IntegrityError)):
        return True
    if isinstance(exc, sa_exc.StatementError) and not isinstance(exc, sa_exc.DBAPIError):
        return isinstance(exc.orig, (ValueError, TypeError, KeyError))  # a bind processor
    return isinstance(exc, (ValueError, TypeError, KeyError))  # record conversion


class BackgroundWriter:
    """Drains a :class:`Spool` into a store (anything with ``write_batch``)."""

    def __init__(self, spool: Spool, store: Any, *, interval: float = 0.05,
                 max_backoff: float = 2.0, on_error: Callable[[Exception], None] | None = None,
                 logs: LogBuffer | None = None,
                 on_outcomes: Callable[[dict[str, str]], None] | None = None) -> None:
        self.spool = spool
        # Told what became of each outcome record shipped (event id -> status), so the API
        # can answer POST /outcomes with the store's verdict (see api.outcomes).
        self.on_outcomes = on_outcomes
        self.logs = logs  # log records to spool on each tick (see LogBuffer)
        self.store = store
        self.interval = interval
        self.max_backoff = max_backoff
        self.on_error = on_error
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # one shipper at a time (thread, flush, replay)
        self._offset = spool.segment.committed()
        self._own_done = 0  # lines of this process's segment shipped or rejected
        self.shipped = 0
        self.failures = 0
        self.store_ok = True

    # --- queue depth: what this process appended but has not committed yet. Counted, not
    # read from the spool: /health and /metrics must stay cheap during a long outage.
    def pending_bytes(self) -> int:
        return self.spool.segment.size() - self._offset

    def pending_records(self) -> int:
        # Lines, in fact: a write cut short leaves a line that was never counted as appended.
        return max(self.spool.appended - self._own_done, 0)

    @property
    def rejected(self) -> int:
        return self.spool.rejected

    def notify(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="creditwatch-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self._replay_orphans()
        backoff = self.interval
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self._spool_logs()
                while self._ship(self.spool.segment, own=True):
                    pass
                backoff = self.interval
            except Exception as exc:  # noqa: BLE001 - any store failure: keep records, retry
                self._failed(exc)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    def _failed(self, exc: Exception) -> None:
        self.failures += 1
        if self.store_ok:
            log.warning("store_unreachable", error=str(exc)[:300], pending=self.pending_records())
        self.store_ok = False
        if self.on_error is not None:
            self.on_error(exc)

    def _ship(self, segment: SpoolSegment, *, own: bool) -> bool:
        """Ship one batch from ``segment``; False when there was nothing to ship."""
        with self._lock:
            return self._ship_locked(segment, own=own)

    def _ship_locked(self, segment: SpoolSegment, *, own: bool) -> bool:
        start = self._offset if own else segment.committed()
        lines, end = segment.read_from(start, BATCH_BYTES)
        if not lines:
            return False
        items: list[Item] = []
        corrupt: list[bytes] = []
        for line in lines:
            try:
                kind, record = decode_record(line)
                items.append((KINDS[kind], record, line))
            except (ValueError, KeyError, TypeError):
                corrupt.append(line)
        if corrupt:
            self.spool.reject(corrupt, "corrupt spool line")
            log.error("spool_line_rejected", count=len(corrupt), segment=segment.path.name)
        try:
            self._write(items)
        except Exception as exc:
            if not is_data_error(exc):
                raise
            self._write_apart(items)
        segment.commit(end)
        if own:
            self._offset = end
            self._own_done += len(lines)
        self.shipped += len(items)
        if not self.store_ok:
            log.info("store_back", pending=self.pending_records())
        self.store_ok = True
        return True

    def _write(self, items: list[Item]) -> None:
        batch: dict[str, list[dict[str, Any]]] = {v: [] for v in KINDS.values()}
        for table, record, _ in items:
            batch[table].append(record)
        counts = self.store.write_batch(**batch)
        if batch["outcomes"] and self.on_outcomes is not None:
            self.on_outcomes(dict(counts.outcome_statuses))

    def _write_apart(self, items: list[Item]) -> None:
        """Store what the store accepts of a batch it refused; reject the rest."""
        if len(items) == 1:
            table, _, line = items[0]
            try:
                self._write(items)
            except Exception as exc:
                if not is_data_error(exc):
                    raise
                self.spool.reject([line], f"{type(exc).__name__}: {str(exc)[:500]}")
                log.error("record_rejected", table=table, error=str(exc)[:300])
                if table == "outcomes" and self.on_outcomes is not None:
                    self.on_outcomes({str(items[0][1].get("event_id")): INVALID})
            return
        mid = len(items) // 2
        for half in (items[:mid], items[mid:]):
            try:
                self._write(half)
            except Exception as exc:
                if not is_data_error(exc):
                    raise
                self._write_apart(half)

    def _replay_orphans(self) -> None:
        for segment in self.spool.orphans():
            while not self._stop.is_set():
                try:
                    if not self._ship(segment, own=False):
                        break
                except Exception as exc:  # noqa: BLE001 - retried like any store failure
                    self._failed(exc)
                    self._stop.wait(self.max_backoff)
            if self._stop.is_set():
                segment.close()  # kept for the next start
                return
            # Everything complete is stored. Bytes left after the last newline were being
            # written when the owner died: that request was never answered.
            rest = segment.tail(segment.committed())
            if rest:
                self.spool.reject([rest], "unterminated last line of a dead process")
                log.warning("spool_tail_rejected", segment=segment.path.name, bytes=len(rest))
            log.info("spool_replayed", segment=segment.path.name)
            segment.remove()

    def _spool_logs(self) -> None:
        if self.logs is not None:
            self.logs.flush()

    def flush(self, timeout: float = 10.0) -> bool:
        """Ship everything pending now (from the caller's thread); True when all is stored."""
        deadline = time.monotonic() + timeout
        self._spool_logs()
        while self.pending_bytes() > 0 and time.monotonic() < deadline:
            try:
                if not self._ship(self.spool.segment, own=True):
                    break  # only an unterminated line is left (a failed write)
            except Exception as exc:  # noqa: BLE001 - reported; the spool keeps the records
                self._failed(exc)
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        return self.pending_bytes() == 0

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop the thread, flush, and drop the segment when everything is stored."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        done = self.flush(timeout)
        if done:
            self.spool.segment.remove()
        else:
            log.warning("spool_kept", segment=str(self.spool.segment.path),
                        pending=self.pending_records())
            self.spool.segment.close()
        return done
