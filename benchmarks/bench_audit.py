"""Audit chain benchmark: the cost of writing the chain, and `audit verify` over 1M entries.

    .venv/bin/python benchmarks/bench_audit.py [--entries 1000000] [--runs 3] [--batches 10]
        [--no-postgres]

1. Writing: batches of 1,000 realistic predictions (the generator's full application
   inputs, twenty feature values each), as the API's background writer writes them, into
   a fresh store of each kind; contenders interleaved batch by batch: the store as shipped
   (inputs digest, row hashes, chain append under the head lock) and the same store with
   those three steps switched off in this process. Reported: median ms per batch, the
   chain's share, and the CPU microseconds per prediction the chain adds in the writer,
   against the API's CPU per /predict request at concurrency 16 (from RESULTS.md's
   bench_api section: 1 / requests per second on 2 cores x 2). Goal: the chain lowers
   /predict throughput by at most 5 %.
2. Verifying: a store filled with ``--entries`` predictions (small inputs; written through
   ``write_predictions`` in batches of 5,000, so each has its chain entry), then
   ``audit.verify`` over all of it, median of ``--runs``, the reference walk and the fast
   walk interleaved; with ``--inputs`` once (fast walk). Goal: 1M
   entries in <= 10 s. Then ``retention purge`` of all of them (batches of 5,000), and
   ``verify --inputs`` again (it must still hold).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_store import _records

from creditwatch.audit import verify
from creditwatch.schema import FIELD_NAMES, NUMERIC_FIELDS
from creditwatch.store import Store, pgadmin, upgrade
from creditwatch.store import records as records_mod
from creditwatch.store import writes as writes_mod
from creditwatch.synthetic.generator import generate

from _common import load_note, write_section
from tests.plugins.environment import admin_database_url

START = datetime(2026, 1, 1, tzinfo=UTC)
SEED_BATCH = 5000


class ChainOff:
    """Switch the chain's three steps off in this process (the contender without it)."""

    def __enter__(self) -> None:
        self.saved = (writes_mod.chain.append, writes_mod.prediction_links,
                      records_mod.inputs_digest)
        writes_mod.chain.append = lambda *a, **k: 0  # type: ignore[assignment]
        writes_mod.prediction_links = lambda *a, **k: []  # type: ignore[assignment]
        records_mod.inputs_digest = lambda text: None  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        (writes_mod.chain.append, writes_mod.prediction_links,
         records_mod.inputs_digest) = self.saved


def _write_cost(url: str, batches: int) -> dict[str, float]:
    frame = generate(1000 * batches * 2, 7).drop(columns=["TARGET", "TRUE_PD"],
                                                 errors="ignore")
    top = [f for f in FIELD_NAMES if f in NUMERIC_FIELDS][:20]
    records = _records(frame, START, top)
    times: dict[str, list[float]] = {"chain": [], "off": []}
    cpu: dict[str, list[float]] = {"chain": [], "off": []}
    with Store(url) as store:
        store.write_predictions(records[:1000])  # warm-up
        for b in range(1, 2 * batches, 2):
            for name, first in (("chain", b), ("off", b + 1)):
                batch = records[1000 * (first % (2 * batches)):][:1000]
                for r in batch:
                    r["request_id"] = uuid.uuid4().hex
                with ExitStack() as stack:
                    if name == "off":
                        stack.enter_context(ChainOff())
                    c0, t0 = time.process_time(), time.perf_counter()
                    store.write_predictions(batch)
                    times[name].append(time.perf_counter() - t0)
                    cpu[name].append(time.process_time() - c0)
    out = {f"{k}_ms": statistics.median(v) * 1000 for k, v in times.items()}
    out.update({f"{k}_cpu_ms": statistics.median(v) * 1000 for k, v in cpu.items()})
    return out


def _fill(url: str, n: int) -> None:
    with Store(url) as store:
        for first in range(0, n, SEED_BATCH):
            store.write_predictions([{
                "request_id": f"p-{i}", "received_at": START + timedelta(seconds=i),
                "endpoint": "/predict", "model_version": "bench", "probability": i / n,
                "decision": "APPROVED", "threshold": 0.4,
                "inputs": {"SK_ID_CURR": 100_000 + i, "AMT_CREDIT": 250_000.0 + i,
                           "CODE_GENDER": "F", "EXT_SOURCE_1": None},
            } for i in range(first, min(first + SEED_BATCH, n))])


WALKS = ("reference", "fast")


def _verify_time(url: str, runs: int, inputs: bool,
                 contenders: tuple[str, ...] = ("fast",)) -> tuple[dict[str, float], int]:
    """Median seconds of ``verify`` per contender (interleaved run by run) and the entries."""
    with Store(url) as store:
        samples: dict[str, list[float]] = {name: [] for name in contenders}
        entries = 0
        for _ in range(runs):
            for name in contenders:
                with store.engine.connect() as conn:
                    t0 = time.perf_counter()
                    result = verify(conn, inputs=inputs, walks=name)
                    samples[name].append(time.perf_counter() - t0)
                assert result.intact
                entries = result.entries
    return {name: statistics.median(v) for name, v in samples.items()}, entries


def _purge_time(url: str) -> float:
    """``retention purge`` of every filled row (all older than the 183-day minimum)."""
    with Store(url) as store:
        t0 = time.perf_counter()
        result = store.purge_inputs(datetime.now(UTC) - timedelta(days=183))
        elapsed = time.perf_counter() - t0
    assert result.predictions > 0
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        stores = {"SQLite": (lambda name: f"sqlite:///{Path(tmp) / name}.db", None)}
        names: list[str] = []
        if not args.no_postgres:
            def pg(name: str) -> str:
                names.append(pgadmin.unique_name("creditwatch_bench"))
                url = pgadmin.create_database(admin_database_url(), names[-1])
                upgrade(url)
                return url
            stores["PostgreSQL"] = (pg, None)
        try:
            for kind, (make, _) in stores.items():
                cost = _write_cost(make("write"), args.batches)
                url = make("verify")
                t0 = time.perf_counter()
                _fill(url, args.entries)
                fill_s = time.perf_counter() - t0
                walk, entries = _verify_time(url, args.runs, inputs=False, contenders=WALKS)
                deep = _verify_time(url, 1, inputs=True)[0]["fast"]
                purge_s = _purge_time(url)
                after = _verify_time(url, 1, inputs=True)[0]["fast"]
                rows.append((kind, cost, entries, walk, deep, purge_s))
                print(kind, cost, entries, f"verify {walk}, --inputs {deep:.2f} s, "
                      f"purge {purge_s:.1f} s, verify --inputs after {after:.2f} s",
                      f"(fill {fill_s:.0f} s)", flush=True)
        finally:
            for name in names:
                pgadmin.drop_database(admin_database_url(), name)
    body = ["| store | batch of 1,000, chain on | chain off | chain share of the batch | "
            "writer CPU added per prediction | verify, entries | verify: reference walk | "
            "fast walk | fast / reference | verify --inputs (fast) | "
            "retention purge of them all |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for kind, cost, entries, walk, deep, purge_s in rows:
        share = (cost["chain_ms"] - cost["off_ms"]) / cost["chain_ms"]
        added = (cost["chain_cpu_ms"] - cost["off_cpu_ms"])  # ms per 1,000 = µs per prediction
        body.append(f"| {kind} | {cost['chain_ms']:.0f} ms | {cost['off_ms']:.0f} ms | "
                    f"{share:.0%} | {added:.0f} µs | {entries:,} | "
                    f"{walk['reference']:.2f} s | {walk['fast']:.2f} s | "
                    f"{walk['fast'] / walk['reference']:.2f} | {deep:.2f} s | {purge_s:.1f} s |")
    body.append("")
    body.append("Goals: verify 1M entries in <= 10 s; the chain lowers /predict throughput by at "
                "most 5 %: the writer CPU it adds per prediction, against the API's CPU per "
                "request at concurrency 16 (bench_api: 2 cores / requests per second).")
    body.append("")
    body.append(load_note())
    write_section("bench_audit", "python benchmarks/bench_audit.py", "\n".join(body))


if __name__ == "__main__":
    main()
