"""A small closed-loop HTTP/1.1 load generator (asyncio, keep-alive), kept in the repository
so any machine with the venv can run the API benchmark without wrk.

``concurrency`` connections each send a request, read the whole response, and send the next:
throughput is completed requests per second over the run, latency is measured per request
from the first byte sent to the last byte read. Requests are pre-encoded bytes and responses
are parsed only as far as the status line and Content-Length, so the client spends as little
CPU as possible (on a 2-core machine it shares the cores with the server it measures).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np


def post(path: str, body: bytes, host: str = "127.0.0.1") -> bytes:
    """A complete keep-alive POST request with a JSON body."""
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


@dataclass
class LoadResult:
    seconds: float
    latencies_ns: list[int] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    cpu_us: float = 0.0  # filled by the caller: server CPU time per application
    writer_cpu_us: float = 0.0

    @property
    def n(self) -> int:
        return len(self.latencies_ns)

    @property
    def rps(self) -> float:
        return self.n / self.seconds if self.seconds else 0.0

    def percentile_ms(self, q: float) -> float:
        return float(np.percentile(np.asarray(self.latencies_ns), q)) / 1e6

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    at = lower.find(b"\r\ncontent-length:")
    if at < 0:
        raise RuntimeError(f"response without Content-Length: {head[:200]!r}")
    end = lower.find(b"\r\n", at + 2)
    await reader.readexactly(int(lower[at + 17 : end]))
    return status


async def _worker(host: str, port: int, requests: list[bytes], offset: int, deadline: float,
                  limit: int | None, result: LoadResult) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    sent = 0
    try:
        while time.perf_counter() < deadline and (limit is None or sent < limit):
            request = requests[i % len(requests)]
            i += 1
            start = time.perf_counter_ns()
            writer.write(request)
            status = await _read_response(reader)
            result.latencies_ns.append(time.perf_counter_ns() - start)
            result.statuses[status] += 1
            sent += 1
    finally:
        writer.close()


async def _run(host: str, port: int, requests: list[bytes], concurrency: int,
               duration: float, per_worker: int | None) -> LoadResult:
    result = LoadResult(0.0)
    start = time.perf_counter()
    deadline = start + duration
    await asyncio.gather(*(
        _worker(host, port, requests, k * 7919, deadline, per_worker, result)
        for k in range(concurrency)))
    result.seconds = time.perf_counter() - start
    return result


def run_load(port: int, requests: list[bytes], *, concurrency: int, duration: float = 3.0,
             per_worker: int | None = None, host: str = "127.0.0.1") -> LoadResult:
    """Closed-loop load for ``duration`` seconds (or ``per_worker`` requests per connection,
    whichever comes first)."""
    try:
        import uvloop
    except ImportError:  # uvloop is optional: plain asyncio measures the same, a bit slower
        return asyncio.run(_run(host, port, requests, concurrency, duration, per_worker))
    return uvloop.run(_run(host, port, requests, concurrency, duration, per_worker))
