"""Prediction store benchmark: batched writes and window reads, embedded SQLite vs PostgreSQL.

    .venv/bin/python benchmarks/bench_store.py [--batches 10] [--no-postgres]

Each store starts empty (a temporary SQLite file; a throw-away database on the server at
TEST_DATABASE_URL). Batches of 1000 synthetic applications (all 120 schema fields as raw
inputs, ≈3.5 KB of JSON each) are written as the API's background writer will write them:
one ``write_predictions`` call per batch, with the 20 top feature values per prediction,
then the same batch again (a spool replay, which must insert nothing); the CPU time the
writing thread spent is shown beside the wall time. Reads: one window of
``read_predictions`` and ``read_inputs`` over everything written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from creditwatch.schema import FIELD_NAMES, NUMERIC_FIELDS
from creditwatch.store import Store, pgadmin
from creditwatch.synthetic.generator import generate

from _common import write_section
from tests.plugins.environment import admin_database_url

BATCH = 1000


def _records(frame: Any, start: datetime, top: list[str]) -> list[dict[str, Any]]:
    raw = frame.astype(object).where(frame.notna(), None).to_dict("records")
    out = []
    for i, inputs in enumerate(raw):
        at = start + timedelta(seconds=i)
        out.append({
            "request_id": uuid.uuid4().hex, "received_at": at, "application_time": at,
            "endpoint": "/predict", "model_version": "bench", "probability": 0.2,
            "decision": "approve", "threshold": 0.4, "confidence": "HIGH",
            "data_quality_score": 0.98, "preprocessing_ms": 0.3, "inference_ms": 0.4,
            "total_ms": 0.9, "inputs": inputs,
            "features": {name: inputs.get(name) for name in top},
        })
    return out


def _ms(samples: list[float]) -> str:
    median, p90 = statistics.median(samples), float(np.quantile(samples, 0.9))
    return f"{median * 1000:.0f} ms (p90 {p90 * 1000:.0f})"


def run(store: Store, batches: list[list[dict[str, Any]]]) -> dict[str, str]:
    full, cpu, bare, replay = [], [], [], []
    for records in batches:
        start, start_cpu = time.perf_counter(), time.thread_time()
        assert store.write_predictions(records) == len(records)
        full.append(time.perf_counter() - start)
        # What the API's writer thread takes from the event loop's CPU (less load-sensitive
        # than wall time; a database server's own work is not counted).
        cpu.append(time.thread_time() - start_cpu)
        start = time.perf_counter()
        assert store.write_predictions(records) == 0
        replay.append(time.perf_counter() - start)
    for records in batches[:3]:  # predictions alone, to show what the feature rows cost
        fresh = [{**r, "request_id": uuid.uuid4().hex, "features": None} for r in records]
        start = time.perf_counter()
        store.write_predictions(fresh)
        bare.append(time.perf_counter() - start)
    n = store.count_predictions()
    start = time.perf_counter()
    store.read_predictions()
    t_pred = time.perf_counter() - start
    start = time.perf_counter()
    inputs = store.read_inputs()
    t_inputs = time.perf_counter() - start
    assert len(inputs) == n
    return {
        "write 1000 + 20k feature values": _ms(full),
        "CPU of the writing thread for that write": _ms(cpu),
        "write 1000, no feature values": _ms(bare),
        "replay of a stored batch (0 new)": _ms(replay),
        f"read_predictions, {n:,} rows": f"{t_pred * 1000:.0f} ms",
        f"read_inputs, {n:,} rows × 120 fields": f"{t_inputs * 1000:.0f} ms",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    admin = admin_database_url()
    top = [f for f in FIELD_NAMES if f in NUMERIC_FIELDS][:20]
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    frame = generate(BATCH * args.batches, 7).drop(columns=["TARGET", "TRUE_PD"], errors="ignore")
    batches = [
        _records(frame.iloc[i * BATCH:(i + 1) * BATCH], t0 + timedelta(hours=i), top)
        for i in range(args.batches)
    ]
    results: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{Path(tmp) / 'bench.db'}") as s:
        results["SQLite (WAL)"] = run(s, batches)
    if not args.no_postgres:
        name = pgadmin.unique_name("creditwatch_bench")
        try:
            url = pgadmin.create_database(admin, name)
        except Exception as exc:  # noqa: BLE001 - any failure to reach PostgreSQL skips that store
            print(f"PostgreSQL unavailable, skipped: {exc}", file=sys.stderr)
        else:
            try:
                with Store(url) as s:
                    s.upgrade()
                    results["PostgreSQL"] = run(s, batches)
            finally:
                pgadmin.drop_database(admin, name)
    stores = list(results)
    load = os.getloadavg()[0]
    lines = [
        f"{args.batches} batches of {BATCH} synthetic applications; median per batch "
        f"(p90), one transaction each. Load average at the end: {load:.1f} (2 cores; above "
        "~1 other processes were competing and the times are inflated).", "",
        "| operation | " + " | ".join(stores) + " |",
        "|---|" + "---:|" * len(stores),
    ]
    for key in results[stores[0]]:
        label = key
        cells = []
        for store in stores:
            match = next(k for k in results[store] if k.split(",")[0] == key.split(",")[0])
            cells.append(results[store][match])
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print(text)
    write_section("bench_store", ".venv/bin/python benchmarks/bench_store.py", text)


if __name__ == "__main__":
    main()
