"""Replay a file's applications through the API as production traffic (``simulate --from-file``).

The file's rows are sent as they are, ``SK_ID_CURR`` included and ``TARGET`` left out, in
file order or shuffled with a seed (``creditwatch.simulate.shuffle``), ``batch_size`` rows per
batch, through ``/predict`` (one request per row, ``concurrency`` at a time) or
``/predict-batch``. With a batch interval the
batches are stamped one interval apart, ending now (``realtime``: paced over wall-clock time
instead), exactly as the synthetic run (``creditwatch.simulate.runner``), whose sender,
retries and summary this shares.

Rows the API refuses are recorded with the fields it named (``SimulationResult.refusals``);
on ``/predict-batch`` a refused request is sent again without its refused rows, so one bad
row does not keep the others out. With ``outcomes`` enabled, once the rows are sent, each
accepted row's ``TARGET`` is posted to ``/outcomes`` (by its request id, observed
``outcomes.delay`` after its application time, if that is not after the run's end).

The rows arrive as frames indexed by file row (``files.iter_application_chunks``) and are
replayed as they arrive: memory holds a chunk and a batch (a shuffle window when shuffled),
whatever the file's size. Progress is kept in a ledger (``creditwatch.simulate.ledger``), so
an interrupted replay can be resumed without sending anything twice.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd

from creditwatch.schema import APPLICATION_TIME, TARGET_COLUMN
from creditwatch.simulate.ledger import Ledger
from creditwatch.simulate.outcomes import SOURCE, OutcomeOptions, PendingOutcome, chunks
from creditwatch.simulate.payloads import LazyRows
from creditwatch.simulate.result import BatchResult, SimulationResult
from creditwatch.simulate.runner import Progress, Sender, Unreachable
from creditwatch.simulate.schedule import BatchPlan
from creditwatch.simulate.shuffle import shuffled, shuffled_order
from creditwatch.synthetic.shift import DriftSpec
from creditwatch.windows import Chunker, Window, parse_time


@dataclass
class ReplayConfig:
    api_url: str
    key: str  # the file's key (``ledger.file_key``): request ids and the ledger's name
    ledger_dir: Path
    rows: int  # rows in the file
    batch_size: int = 50
    endpoint: str = "predict"  # or "batch"
    concurrency: int = 8
    batch_interval: timedelta | None = None
    realtime: bool = False
    shuffle: bool = False
    seed: int = 42
    resume: bool = False
    api_key: str | None = None
    timeout_s: float = 10.0
    retries: int = 3
    backoff_s: float = 0.2
    batch_max: int = 1000
    max_consecutive_failures: int = 10
    end: datetime | None = None  # last window ends here (default: now; kept on resume)
    outcomes: OutcomeOptions = field(default_factory=OutcomeOptions)  # share 1: TARGET back
    window: int = 50_000  # shuffle: rows held at a time (``simulate.shuffle``)

    def plan(self) -> dict[str, Any]:
        """What a resumed run must share with the first (see ``Ledger.open``)."""
        return {"order": "shuffle" if self.shuffle else "file", "seed": self.seed if self.shuffle
                else None, "batch_size": self.batch_size, "endpoint": self.endpoint,
                "interval_s": self.batch_interval.total_seconds() if self.batch_interval else None,
                "realtime": self.realtime, "rows": self.rows}


def _batches(chunks_: Iterable[pd.DataFrame], size: int) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
    """(file rows, frame) of ``size`` rows each, in the order the chunks give them (indexed
    by file row), holding at most one chunk and one batch."""
    carry: pd.DataFrame | None = None
    for chunk in chunks_:
        start = 0
        if carry is not None:  # complete the carried rows (not a copy of the whole chunk)
            start = min(size - len(carry), len(chunk))
            carry = pd.concat([carry, chunk.iloc[:start]])
            if len(carry) < size:
                continue
            yield carry.index.to_numpy(), carry
        while len(chunk) - start >= size:
            part = chunk.iloc[start:start + size]
            yield part.index.to_numpy(), part
            start += size
        carry = chunk.iloc[start:].copy() if start < len(chunk) else None  # the chunk can go
    if carry is not None:
        yield carry.index.to_numpy(), carry


def refused_fields(data: Any) -> list[str]:
    """The fields a 4xx answer to one application names (``detail`` of /predict)."""
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, list):
        return [str(e["field"]) for e in detail if isinstance(e, dict) and "field" in e]
    return []


def _stamp(row: dict[str, Any], answered: datetime) -> datetime:
    stamped = row.get(APPLICATION_TIME)
    return parse_time(stamped) if stamped else answered


class _Replay:
    def __init__(self, cfg: ReplayConfig, sender: Sender, ledger: Ledger,
                 result: SimulationResult) -> None:
        self.cfg, self.sender, self.ledger, self.result = cfg, sender, ledger, result

    def accept(self, rows: list[int], ids: list[str], times: list[datetime]) -> None:
        self.ledger.accepted_rows(rows, ids, times)

    def refuse(self, row: int, fields: list[str]) -> None:
        self.result.refusals.add(row, fields)
        self.ledger.refused_rows([row], [fields])

    async def predict(self, batch: BatchResult, file_rows: np.ndarray,
                      rows: LazyRows, todo: list[int], pace: float) -> None:
        sem = asyncio.Semaphore(self.cfg.concurrency)
        start = time.monotonic()

        async def one(k: int, i: int) -> None:
            async with sem:
                if pace:
                    await asyncio.sleep(max(0.0, start + k * pace - time.monotonic()))
                row = int(file_rows[i])
                rid = f"rp-{self.cfg.key}-{row}"
                status, data, latency = await self.sender.post("/predict", rows[i], rid)
                batch.record(status, latency, data if status == 200 else None, deliberate=False)
                if status == 200:
                    self.accept([row], [rid], [_stamp(rows[i], datetime.now(UTC))])
                elif status is not None and status < 500:
                    self.refuse(row, refused_fields(data))
                if self.sender.progress:
                    self.sender.progress(1)

        await asyncio.gather(*(one(k, i) for k, i in enumerate(todo)))

    async def batch(self, batch: BatchResult, file_rows: np.ndarray, rows: LazyRows,
                    todo: set[int], position: int) -> None:
        """/predict-batch over the batch's rows in fixed pieces of ``batch_max`` (the same
        on resume); a piece some of whose rows were refused goes again without them, as
        ``<id>r`` (what a resumed run sends too when those rows were recorded refused)."""
        for k in range(0, len(rows), self.cfg.batch_max):
            piece = [i for i in range(k, min(k + self.cfg.batch_max, len(rows))) if i in todo]
            if not piece:
                continue
            whole = len(piece) == min(self.cfg.batch_max, len(rows) - k)
            rid = f"rp-{self.cfg.key}-b{position + k}"
            await self._piece(batch, file_rows, rows, piece, rid if whole else f"{rid}r", whole)

    async def _piece(self, batch: BatchResult, file_rows: np.ndarray,
                     rows: LazyRows, piece: list[int], rid: str, retry: bool) -> None:
        status, data, latency = await self.sender.post(
            "/predict-batch", {"applications": [rows[i] for i in piece]}, rid)
        results = data.get("results") if status == 200 and isinstance(data, dict) else None
        if status == 422 and retry:
            bad = self._refused_rows(data, piece, file_rows)
            if bad:
                batch.record_many(status, latency, None, len(bad))
                if self.sender.progress:
                    self.sender.progress(len(bad))
                rest = [i for i in piece if i not in bad]
                if rest:
                    await self._piece(batch, file_rows, rows, rest, f"{rid}r", False)
                return
        batch.record_many(status, latency, results, len(piece))
        if results is not None:
            now = datetime.now(UTC)
            ids = [rid] if len(piece) == 1 else [f"{rid}-{r}" for r in range(len(piece))]
            self.accept([int(file_rows[i]) for i in piece], ids,
                        [_stamp(rows[i], now) for i in piece])
        elif status is not None and status < 500:
            for i in piece:
                self.refuse(int(file_rows[i]), [])
        if self.sender.progress:
            self.sender.progress(len(piece))

    def _refused_rows(self, data: Any, piece: list[int], file_rows: np.ndarray) -> set[int]:
        """Record the rows a refused /predict-batch names; their batch positions."""
        detail = data.get("detail") if isinstance(data, dict) else None
        bad: set[int] = set()
        for entry in detail if isinstance(detail, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("index"), int) \
                    and 0 <= entry["index"] < len(piece):
                bad.add(piece[entry["index"]])
                self.refuse(int(file_rows[piece[entry["index"]]]),
                            refused_fields({"detail": entry.get("errors")}))
        return bad

    async def outcomes(self, truth: np.ndarray, clock: datetime) -> None:
        """POST the TARGET of every accepted row not yet taken, if observed by ``clock``."""
        opts, tally = self.cfg.outcomes, self.result.outcomes
        due: list[PendingOutcome] = []
        for row, (rid, at) in sorted(self.ledger.accepted.items()):
            if rid in self.ledger.outcomes:
                continue
            tally.labelled += 1
            if at + opts.delay > clock:
                tally.not_due += 1
            else:
                due.append(PendingOutcome(at + opts.delay, rid, int(truth[row])))
        for n, piece in enumerate(chunks(due, opts.max_items)):
            status, data, _ = await self.sender.post(
                "/outcomes", {"outcomes": [o.item() for o in piece], "source": SOURCE},
                f"rp-{self.cfg.key}-o{len(self.ledger.outcomes)}-{n}")
            tally.record(status, data, len(piece))
            if status in (200, 202):
                self.ledger.outcomes_taken([o.request_id for o in piece])


async def run_async(cfg: ReplayConfig, frames: Iterable[pd.DataFrame], ledger: Ledger,
                    result: SimulationResult, *, progress: Progress | None = None) -> None:
    """Fill ``result`` batch by batch (it stays valid if the run is interrupted)."""
    end = datetime.fromisoformat(ledger.plan["end"])
    n_batches = math.ceil(cfg.rows / cfg.batch_size)
    windows: list[Window] | None = None
    if cfg.batch_interval is not None and not cfg.realtime and n_batches:
        windows = Chunker.latest(n_batches, cfg.batch_interval, end)
    if cfg.shuffle:
        frames = shuffled(frames, shuffled_order(cfg.rows, cfg.seed), cfg.window)
    truth = np.zeros(cfg.rows, dtype=np.int8)
    limits = httpx.Limits(max_connections=cfg.concurrency, max_keepalive_connections=cfg.concurrency)
    async with httpx.AsyncClient(base_url=cfg.api_url, timeout=cfg.timeout_s,
                                 limits=limits) as client:
        replay = _Replay(cfg, Sender(cfg, client, result, progress), ledger, result)
        try:
            for b, (file_rows, frame) in enumerate(_batches(frames, cfg.batch_size)):
                if cfg.outcomes.enabled:
                    truth[file_rows] = frame[TARGET_COLUMN].to_numpy()
                todo = [i for i, row in enumerate(file_rows) if int(row) not in ledger.done]
                if not todo:
                    continue
                window = windows[b] if windows else None
                first, last = int(file_rows.min()) + 1, int(file_rows.max()) + 1
                name = "shuffled" if cfg.shuffle else f"rows {first:,}-{last:,}"
                batch = BatchResult(BatchPlan(b + 1, len(frame), DriftSpec(), name), window)
                batch.planned = len(todo)
                result.batches.append(batch)
                rows = LazyRows(frame, window, block=cfg.batch_max)
                pace = 0.0
                if cfg.realtime and cfg.batch_interval is not None:
                    pace = cfg.batch_interval.total_seconds() / max(len(rows), 1)
                if cfg.endpoint == "batch":
                    await replay.batch(batch, file_rows, rows, set(todo), b * cfg.batch_size)
                else:
                    await replay.predict(batch, file_rows, rows, todo, pace)
            if cfg.outcomes.enabled:
                clock = end if windows else datetime.now(UTC)
                await replay.outcomes(truth, clock)
        except Unreachable:
            result.unreachable = True


def open_ledger(cfg: ReplayConfig) -> Ledger:
    """The replay's ledger: new, or with ``cfg.resume`` the earlier run's (``ResumeError``
    when there is none or its options differ)."""
    plan = {**cfg.plan(), "end": (cfg.end or datetime.now(UTC)).isoformat()}
    return Ledger.open(cfg.ledger_dir, cfg.key, plan, resume=cfg.resume,
                       keep_accepted=cfg.outcomes.enabled)


def replay(cfg: ReplayConfig, frames: Iterable[pd.DataFrame], *, ledger: Ledger | None = None,
           progress: Progress | None = None) -> SimulationResult:
    """Replay ``frames`` (the file's rows, chunk by chunk, schema-typed as the loader gives
    them); with ``cfg.resume`` only the rows the earlier run did not get answered. Ctrl-C
    returns the partial result marked interrupted. The ledger is closed at the end."""
    ledger = ledger or open_ledger(cfg)
    result = SimulationResult(planned=cfg.rows - len(ledger.done), already_sent=len(ledger.done))
    try:
        asyncio.run(run_async(cfg, frames, ledger, result, progress=progress))
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        ledger.close()
    return result
