"""Send a schedule of batches to a running API over real HTTP, robustly.

Every request carries an ``X-Request-ID`` made from the run, batch and row, so a retry after a
connection error cannot create a second prediction (the store is idempotent on request id).
Connection errors are retried with exponential backoff; after ``max_consecutive_failures`` in a
row the API is declared unreachable and the rest is reported as not sent. Every request has a
timeout, so nothing hangs; Ctrl-C stops cleanly with the summary of what was sent. With
``outcomes`` enabled, the outcomes of a share of the accepted applications are sent back as
the simulated clock reaches them (``creditwatch.simulate.outcomes``).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
import numpy as np
import pandas as pd

from creditwatch.schema import APPLICATION_TIME, TARGET_COLUMN
from creditwatch.simulate.outcomes import SOURCE, OutcomeOptions, OutcomeQueue, chunks
from creditwatch.simulate.payloads import CORRUPTIONS, batch_frame, corrupt, request_rows
from creditwatch.simulate.result import BatchResult, SimulationResult
from creditwatch.simulate.schedule import Schedule
from creditwatch.windows import Chunker, Window, parse_time

Progress = Callable[[int], None]
Accepted = list[tuple[int, str, datetime]]  # (row, request id, when answered)


@dataclass
class SimulationConfig:
    api_url: str
    schedule: Schedule
    endpoint: str = "predict"  # or "batch"
    concurrency: int = 8
    batch_interval: timedelta | None = None
    realtime: bool = False
    error_rate: float = 0.0
    seed: int = 42
    api_key: str | None = None
    timeout_s: float = 10.0
    retries: int = 3
    backoff_s: float = 0.2
    batch_max: int = 1000
    max_consecutive_failures: int = 10
    end: datetime | None = None  # last window ends here (default: now)
    outcomes: OutcomeOptions = field(default_factory=OutcomeOptions)  # none sent by default


class HttpOptions(Protocol):
    """What the sender needs of a run's configuration (a simulation or a file replay)."""

    api_key: str | None
    retries: int
    backoff_s: float
    max_consecutive_failures: int
    concurrency: int
    batch_max: int
    outcomes: OutcomeOptions


class Unreachable(Exception):
    """Too many requests in a row were never answered: the API is taken as gone."""


class Sender:
    """POSTs with retries and a failure count, shared by the synthetic run and the replay."""

    def __init__(self, cfg: HttpOptions, client: httpx.AsyncClient, result: SimulationResult,
                 progress: Progress | None) -> None:
        self.cfg, self.client, self.result, self.progress = cfg, client, result, progress
        self.run_id = uuid.uuid4().hex[:8]
        self.consecutive_failures = 0
        self.headers = {"X-API-Key": cfg.api_key} if cfg.api_key else {}
        self.outcome_requests = 0

    async def post(self, path: str, body: Any, request_id: str) -> tuple[int | None, Any, float]:
        """POST with retries; (status, json, latency ms); status None when never answered."""
        if self.consecutive_failures >= self.cfg.max_consecutive_failures:
            raise Unreachable
        headers = {**self.headers, "X-Request-ID": request_id}
        for attempt in range(self.cfg.retries + 1):
            start = time.perf_counter()
            try:
                response = await self.client.post(path, json=body, headers=headers)
            except httpx.TransportError:
                if attempt == self.cfg.retries:
                    self.consecutive_failures += 1
                    return None, None, 0.0
                await asyncio.sleep(self.cfg.backoff_s * 2**attempt)
                continue
            self.consecutive_failures = 0
            latency = (time.perf_counter() - start) * 1e3
            try:
                data = response.json()
            except ValueError:
                data = None
            return response.status_code, data, latency
        return None, None, 0.0  # pragma: no cover - the loop always returns


async def _send_predict(sender: Sender, batch: BatchResult, rows: list[dict[str, Any]],
                        bad: set[int], pace: float) -> Accepted:
    sem = asyncio.Semaphore(sender.cfg.concurrency)
    start = time.monotonic()
    accepted: Accepted = []

    async def one(i: int, row: dict[str, Any]) -> None:
        async with sem:
            if pace:
                await asyncio.sleep(max(0.0, start + i * pace - time.monotonic()))
            rid = f"sim-{sender.run_id}-{batch.plan.index}-{i}"
            status, data, latency = await sender.post("/predict", row, rid)
            batch.record(status, latency, data if status == 200 else None, deliberate=i in bad)
            if status == 200:
                accepted.append((i, rid, datetime.now(UTC)))
            if sender.progress:
                sender.progress(1)

    await asyncio.gather(*(one(i, r) for i, r in enumerate(rows)))
    return accepted


async def _send_batch(sender: Sender, batch: BatchResult, rows: list[dict[str, Any]],
                      bad: set[int]) -> Accepted:
    good = [i for i in range(len(rows)) if i not in bad]
    step = sender.cfg.batch_max
    accepted: Accepted = []
    for k in range(0, len(good), step):
        chunk = good[k : k + step]
        rid = f"sim-{sender.run_id}-{batch.plan.index}-b{k}"
        status, data, latency = await sender.post(
            "/predict-batch", {"applications": [rows[i] for i in chunk]}, rid)
        results = data.get("results", []) if status == 200 and isinstance(data, dict) else None
        batch.record_many(status, latency, results, len(chunk))
        if results is not None:  # row r of the request is stored as "<rid>-<r>" (one: "<rid>")
            now = datetime.now(UTC)
            accepted += [(i, rid if len(chunk) == 1 else f"{rid}-{r}", now)
                         for r, i in enumerate(chunk)]
        if sender.progress:
            sender.progress(len(chunk))
    for i in sorted(bad):  # deliberately bad rows: one request each, so the rest is scored
        status, data, latency = await sender.post(
            "/predict-batch", {"applications": [rows[i]]}, f"sim-{sender.run_id}-{batch.plan.index}-{i}")
        batch.record(status, latency, None, deliberate=True)
        if sender.progress:
            sender.progress(1)
    return accepted


async def _send_outcomes(sender: Sender, queue: OutcomeQueue, clock: datetime,
                         result: SimulationResult) -> None:
    """POST every outcome due at ``clock``, at most ``max_items`` per request."""
    due = queue.due(clock)
    done = 0
    try:
        for chunk in chunks(due, sender.cfg.outcomes.max_items):
            sender.outcome_requests += 1
            rid = f"sim-{sender.run_id}-o{sender.outcome_requests}"
            status, data, _ = await sender.post(
                "/outcomes", {"outcomes": [o.item() for o in chunk], "source": SOURCE}, rid)
            result.outcomes.record(status, data, len(chunk))
            done += len(chunk)
    except Unreachable:
        result.outcomes.not_sent += len(due) - done
        raise


def _label(cfg: SimulationConfig, queue: OutcomeQueue, result: SimulationResult,
           batch: BatchResult, frame: pd.DataFrame, rows: list[dict[str, Any]], accepted: Accepted) -> None:
    """Queue the outcomes of the batch's accepted applications drawn into the labelled share."""
    chosen = cfg.outcomes.labelled(cfg.seed, batch.plan.index, len(rows))
    truth = frame[TARGET_COLUMN].to_numpy()
    for i, rid, answered in accepted:
        if chosen[i]:
            stamped = rows[i].get(APPLICATION_TIME)
            queue.add(rid, int(truth[i]), parse_time(stamped) if stamped else answered)
            result.outcomes.labelled += 1


def _clock(window: Window | None, end: datetime) -> datetime:
    """The simulated time after a batch: when stamped, its window's end, but never after
    the run's end (the last window, aligned, holds it); else now."""
    return min(window.bounds[1], end) if window is not None else datetime.now(UTC)


async def run_async(cfg: SimulationConfig, result: SimulationResult, *,
                    client: httpx.AsyncClient | None = None, progress: Progress | None = None) -> None:
    """Fill ``result`` batch by batch (it stays valid if the run is interrupted)."""
    windows, end = None, cfg.end or datetime.now(UTC)
    if cfg.batch_interval is not None and not cfg.realtime:
        windows = Chunker.latest(len(cfg.schedule), cfg.batch_interval, end)
    rng = np.random.default_rng(cfg.seed)
    own = client is None
    limits = httpx.Limits(max_connections=cfg.concurrency, max_keepalive_connections=cfg.concurrency)
    client = client or httpx.AsyncClient(base_url=cfg.api_url, timeout=cfg.timeout_s, limits=limits)
    sender = Sender(cfg, client, result, progress)
    next_id = 800_000
    queue = OutcomeQueue(cfg.outcomes.delay)
    try:
        for plan in cfg.schedule.batches:
            window = windows[plan.index - 1] if windows else None
            batch = BatchResult(plan, window)
            result.batches.append(batch)
            frame = batch_frame(plan, cfg.seed, id_start=next_id)
            rows = request_rows(frame, window=window)
            next_id += plan.size
            bad = {int(i) for i in np.flatnonzero(rng.random(len(rows)) < cfg.error_rate)}
            for i in bad:
                rows[i] = corrupt(rows[i], CORRUPTIONS[int(rng.integers(len(CORRUPTIONS)))])
            batch.planned = len(rows)
            pace = 0.0
            if cfg.realtime and cfg.batch_interval is not None:
                pace = cfg.batch_interval.total_seconds() / max(len(rows), 1)
            try:
                if cfg.endpoint == "batch":
                    accepted = await _send_batch(sender, batch, rows, bad)
                else:
                    accepted = await _send_predict(sender, batch, rows, bad, pace)
                if cfg.outcomes.enabled:
                    _label(cfg, queue, result, batch, frame, rows, accepted)
                    await _send_outcomes(sender, queue, _clock(window, end), result)
            except Unreachable:
                result.unreachable = True
                break
        result.outcomes.not_due = len(queue)
    finally:
        if own:
            await client.aclose()


def simulate(cfg: SimulationConfig, *, client: httpx.AsyncClient | None = None,
             progress: Progress | None = None) -> SimulationResult:
    """Run the schedule; Ctrl-C returns the partial result marked interrupted."""
    result = SimulationResult(planned=cfg.schedule.total)
    try:
        asyncio.run(run_async(cfg, result, client=client, progress=progress))
    except KeyboardInterrupt:
        result.interrupted = True
    return result


def simulate_in_process(cfg: SimulationConfig, app: Any, *,
                        progress: Progress | None = None) -> SimulationResult:
    """Run the schedule against an ASGI app in this process (no server, same HTTP semantics):
    the app's lifespan runs around it, so its writer starts and flushes as in production."""
    result = SimulationResult(planned=cfg.schedule.total)

    async def main() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://in-process",
                                         timeout=cfg.timeout_s) as client:
                await run_async(cfg, result, client=client, progress=progress)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        result.interrupted = True
    return result
