"""Outcome intake benchmark: POST /outcomes latency and `outcomes load` ingest, SQLite vs PostgreSQL.

    .venv/bin/python benchmarks/bench_outcomes.py [--predictions 200000] [--runs 5]
        [--load-runs 3] [--no-postgres] [--bundle DIR]

A few minutes on 2 cores: ``--predictions 100000 --runs 7 --load-runs 3``.

Each store (a temporary SQLite file; a throw-away database on the server at TEST_DATABASE_URL)
is first filled with ``--predictions`` predictions (request ids, client ids, one application
a minute), written in batches of 5,000 as the API's writer writes them.

1. POST /outcomes: a real uvicorn server (one worker, persistence on: spool, background
   writer, the store) answers requests of 1,000 outcomes keyed by ``request_id``, then by
   ``SK_ID_CURR``, interleaved; every request labels 1,000 predictions not labelled before, so
   every item is ``stored`` and the answer (200) waits for the writer's transaction. After one
   warm-up per key: the median (p50) and the worst of ``--runs`` requests, and the CPU time
   per request (mean over the runs) of the server process (every thread: the event loop and
   the writer) and, on PostgreSQL, of the server's backends (``pg_stat_activity`` pids,
   ``/proc/<pid>/stat``), which other load on the machine does not inflate. Target: p50 <=
   100 ms.
2. ``outcomes load``: CSV files of one outcome for every prediction, keyed by ``SK_ID_CURR``
   (with ``observed_at``) and by ``request_id``, loaded as ``creditwatch outcomes load`` does
   (``read_outcome_file`` then ``load_outcomes``, batches of 10,000, one transaction each); the
   outcomes table is emptied before each run, runs interleaved across keys. Reported: rows/s
   of the whole command (reading and checking the file included) and of the store writes
   alone, medians of ``--load-runs``; and rows per CPU second of the loading process plus,
   on PostgreSQL, its server backends (what an idle machine would approach: the load runs
   on one core at a time). Target: >= 20k rows/s. Contender, ``--reference-runs`` times per key: the same
   load with the reference matching path (``insert_outcomes(..., reference=True)``: SQLAlchemy
   IN lists, times decoded), the path the bulk lookups replaced.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from bench_api import _bundle, _free_port, _start
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from creditwatch.config import Settings
from creditwatch.outcomes import load_outcomes, read_outcome_file
from creditwatch.outcomes.load import BATCH
from creditwatch.store import Store, pgadmin, upgrade
from creditwatch.store.outcomes import insert_outcomes
from creditwatch.store.types import sqlite_time

from _common import load_note, write_section
from tests.plugins.environment import admin_database_url

ITEMS = 1000
SEED_BATCH = 5000
TARGET_P50_MS, TARGET_RATE = 100.0, 20_000.0
FIRST_CLIENT = 100_000
START = datetime(2026, 1, 1, tzinfo=UTC)


def _seed(url: str, n: int) -> None:
    """``n`` predictions: request id ``p-<i>``, client ``FIRST_CLIENT + i``, minute ``i``."""
    with Store(url) as store:
        for first in range(0, n, SEED_BATCH):
            records = []
            for i in range(first, min(first + SEED_BATCH, n)):
                at = START + timedelta(minutes=i)
                records.append({
                    "request_id": f"p-{i}", "received_at": at, "application_time": at,
                    "endpoint": "/predict", "model_version": "bench", "probability": 0.1,
                    "decision": "APPROVED", "threshold": 0.4,
                    "inputs": {"SK_ID_CURR": FIRST_CLIENT + i, "AMT_CREDIT": 250_000.0},
                })
            store.write_predictions(records)


def _item(i: int, key: str) -> dict[str, Any]:
    observed = (START + timedelta(minutes=i, days=30)).isoformat()
    value: Any = f"p-{i}" if key == "request_id" else FIRST_CLIENT + i
    return {key: value, "defaulted": i % 11 == 0, "observed_at": observed}


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system, every thread) process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _backends_cpu(url: str | None) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving ``url``'s database, other
    than this query's own (0 without a server): the server's share of the work, which the
    client process's CPU does not include."""
    if url is None:
        return 0.0
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            pids = conn.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()").scalars().all()
    finally:
        engine.dispose()
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):  # a backend that ended meanwhile
            total += _process_cpu(int(pid))
    return total


def bench_api(root: Path, url: str | None, runs: int) -> dict[str, list[float]]:
    """Latencies (ms) of POST /outcomes with ITEMS items, per key, and the CPU ms per
    request of the server process (``<key> cpu``) and of its PostgreSQL backends
    (``<key> pg cpu``), each the total over the runs ÷ runs (the kernel counts CPU in 10 ms
    ticks: one request's own figure is too coarse); the server stopped after."""
    port = _free_port()
    proc = _start(root, url, port)
    times: dict[str, list[float]] = {"request_id": [], "SK_ID_CURR": [],
                                     "request_id cpu": [], "SK_ID_CURR cpu": [],
                                     "request_id pg cpu": [], "SK_ID_CURR pg cpu": []}
    next_row = 0
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for run in range(runs + 1):  # the first: warm-up
                for key in ("request_id", "SK_ID_CURR"):
                    body = {"outcomes": [_item(next_row + j, key) for j in range(ITEMS)]}
                    next_row += ITEMS
                    cpu, pg_cpu = _process_cpu(proc.pid), _backends_cpu(url)
                    start = time.perf_counter()
                    response = client.post("/outcomes", json=body)
                    elapsed = (time.perf_counter() - start) * 1e3
                    cpu = (_process_cpu(proc.pid) - cpu) * 1e3
                    pg_cpu = (_backends_cpu(url) - pg_cpu) * 1e3
                    counts = response.json().get("counts")
                    if response.status_code != 200 or counts != {"stored": ITEMS}:
                        raise SystemExit(f"POST /outcomes: {response.status_code} {counts}")
                    if run:
                        times[key].append(elapsed)
                        times[f"{key} cpu"].append(cpu)
                        times[f"{key} pg cpu"].append(pg_cpu)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
    return times


def _files(folder: Path, n: int) -> dict[str, Path]:
    rows = pd.RangeIndex(n)
    observed = [(START + timedelta(minutes=i, days=30)).isoformat() for i in range(n)]
    by_client = folder / "by_client.csv"
    pd.DataFrame({"SK_ID_CURR": FIRST_CLIENT + rows, "TARGET": (rows % 11 == 0).astype(int),
                  "observed_at": observed}).to_csv(by_client, index=False)
    by_request = folder / "by_request.csv"
    pd.DataFrame({"request_id": [f"p-{i}" for i in rows],
                  "defaulted": (rows % 11 == 0).astype(int)}).to_csv(by_request, index=False)
    return {"SK_ID_CURR": by_client, "request_id": by_request}


def _empty_outcomes(store: Store) -> None:
    """Delete the outcomes and their audit-chain entries (SQLite reuses the deleted rows'
    ids, which the chain's unique (kind, row id) would then refuse): the next run stores
    every row again, appending to the chain from the last remaining entry."""
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM outcomes"))
        conn.execute(text("DELETE FROM audit_log WHERE kind = 'outcome'"))


def _load_reference(store: Store, records: list[Any]) -> Counter[str]:
    """``load_outcomes`` through the reference matching path: the same batches, each in the
    write transaction ``write_outcomes`` opens (no anomaly here: every key is known)."""
    stamp = sqlite_time if store.dialect == "sqlite" else datetime.isoformat
    counts: Counter[str] = Counter()
    for first in range(0, len(records), BATCH):
        with store._write() as conn:  # the transaction write_outcomes opens
            written = insert_outcomes(conn, store.dialect, records[first:first + BATCH], stamp,
                                      reference=True)
        counts.update(written.statuses.values())
    return counts


def bench_load(url: str, files: dict[str, Path], runs: int, n: int, reference_runs: int
               ) -> dict[str, dict[str, list[float]]]:
    """Rows/s of the whole load and of the store writes alone, per key, over ``runs``; and
    rows per CPU second (``cpu``: this process, plus its PostgreSQL backends)."""
    rates: dict[str, dict[str, list[float]]] = {
        k: {"command": [], "store": [], "cpu": [], "reference": []} for k in files}
    server = url if url.startswith("postgresql") else None
    with Store(url) as store:
        for _ in range(runs):
            for key, path in files.items():
                _empty_outcomes(store)
                server_cpu = _backends_cpu(server)
                cpu, start = time.process_time(), time.perf_counter()
                outcomes = read_outcome_file(path, source="bench", received_at=datetime.now(UTC))
                summary = load_outcomes(store, outcomes)
                elapsed = time.perf_counter() - start
                cpu = time.process_time() - cpu
                cpu += _backends_cpu(server) - server_cpu
                if summary.counts != {"stored": n}:
                    raise SystemExit(f"outcomes load {key}: {dict(summary.counts)}")
                rates[key]["command"].append(n / elapsed)
                rates[key]["store"].append(summary.rate)
                rates[key]["cpu"].append(n / cpu)
                print(f"  load by {key}: {n / elapsed:,.0f} rows/s "
                      f"(store {summary.rate:,.0f})", flush=True)
        for _ in range(reference_runs):
            for key, path in files.items():
                _empty_outcomes(store)
                start = time.perf_counter()
                outcomes = read_outcome_file(path, source="bench", received_at=datetime.now(UTC))
                statuses = _load_reference(store, outcomes.records)
                if statuses != {"stored": n}:
                    raise SystemExit(f"reference load {key}: {statuses}")
                rates[key]["reference"].append(n / (time.perf_counter() - start))
                print(f"  reference load by {key}: {rates[key]['reference'][-1]:,.0f} rows/s",
                      flush=True)
    return rates


def _cpu_per_request(times: dict[str, list[float]], key: str) -> str:
    server = statistics.fmean(times[f"{key} cpu"])
    backend = statistics.fmean(times[f"{key} pg cpu"])
    return f"{server:.1f}" + (f" + {backend:.1f}" if backend else "")


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--predictions", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--reference-runs", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--bundle", type=Path, default=None)
    args = parser.parse_args()
    n = args.predictions
    if n < ITEMS * 2 * (args.runs + 1):
        raise SystemExit(f"--predictions must be at least {ITEMS * 2 * (args.runs + 1):,}")
    load_at_start = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="bench_outcomes_"))
    bundle_dir = _bundle(args.bundle, Settings(), tmp)
    files = _files(tmp, n)
    stores: dict[str, tuple[Path, str | None, str]] = {}
    names: list[str] = []
    for kind in ["SQLite", *([] if args.no_postgres else ["PostgreSQL"])]:
        root = tmp / kind
        shutil.copytree(bundle_dir, root / "artifacts" / "model")
        if kind == "SQLite":
            url = f"sqlite:///{root / 'data' / 'creditwatch.db'}"
            (root / "data").mkdir(parents=True)
            server_url = None
        else:
            names.append(pgadmin.unique_name("creditwatch_bench"))
            url = server_url = pgadmin.create_database(admin_database_url(), names[-1])
        upgrade(url)
        stores[kind] = (root, server_url, url)
    api: dict[str, dict[str, list[float]]] = {}
    load: dict[str, dict[str, dict[str, list[float]]]] = {}
    try:
        for kind, (root, server_url, url) in stores.items():
            start = time.perf_counter()
            _seed(url, n)
            print(f"{kind}: {n:,} predictions in {time.perf_counter() - start:.0f} s", flush=True)
            api[kind] = bench_api(root, server_url, args.runs)
            print(f"{kind}: POST /outcomes p50 "
                  f"{ {k: round(statistics.median(v)) for k, v in api[kind].items()} } ms",
                  flush=True)
            load[kind] = bench_load(url, files, args.load_runs, n, args.reference_runs)
    finally:
        for name in names:
            pgadmin.drop_database(admin_database_url(), name)
        shutil.rmtree(tmp, ignore_errors=True)
    _report(args, n, api, load, load_at_start)


def _report(args: argparse.Namespace, n: int, api: dict[str, dict[str, list[float]]],
            load: dict[str, dict[str, dict[str, list[float]]]], load_at_start: float) -> None:
    kinds = list(api)
    med: Callable[[list[float]], float] = statistics.median
    lines = [
        f"Stores holding {n:,} predictions. POST /outcomes: {ITEMS:,} items per request, every "
        f"item `stored` (the answer waits for the writer's transaction), one uvicorn worker; "
        f"{args.runs} requests per key after a warm-up. `outcomes load`: {n:,} rows per file, "
        f"batches of 10,000; median of {args.load_runs} runs per key, runs interleaved.",
        "",
        "| measure | key | " + " | ".join(kinds) + " |",
        "|---|---|" + "---:|" * len(kinds),
    ]
    for key in ("request_id", "SK_ID_CURR"):
        lines.append(f"| POST /outcomes p50 (max), ms | {key} | " + " | ".join(
            f"{med(api[k][key]):.0f} ({max(api[k][key]):.0f})" for k in kinds) + " |")
        lines.append(f"| CPU per request, ms: server process + PostgreSQL backends | {key} | "
                     + " | ".join(_cpu_per_request(api[k], key) for k in kinds) + " |")
    for key in ("request_id", "SK_ID_CURR"):
        lines.append(f"| `outcomes load`, rows/s | {key} | " + " | ".join(
            f"{med(load[k][key]['command']):,.0f}" for k in kinds) + " |")
        lines.append(f"| store writes alone, rows/s | {key} | " + " | ".join(
            f"{med(load[k][key]['store']):,.0f}" for k in kinds) + " |")
        lines.append(f"| `outcomes load`, rows per CPU second | {key} | " + " | ".join(
            f"{med(load[k][key]['cpu']):,.0f}" for k in kinds) + " |")
        if all(load[k][key]["reference"] for k in kinds):
            lines.append(f"| contender: reference matching path, rows/s (bulk ÷ it) | {key} | "
                         + " | ".join(
                f"{med(load[k][key]['reference']):,.0f} "
                f"({med(load[k][key]['command']) / med(load[k][key]['reference']):.1f}x)"
                for k in kinds) + " |")
    worst_p50 = max(med(api[k][key]) for k in kinds for key in ("request_id", "SK_ID_CURR"))
    worst_rate = min(med(load[k][key]["command"]) for k in kinds for key in load[k])
    lines += ["",
              f"Targets: POST /outcomes p50 <= {TARGET_P50_MS:.0f} ms: "
              f"{_verdict(worst_p50 <= TARGET_P50_MS)} (worst {worst_p50:.0f} ms); ingest >= "
              f"{TARGET_RATE:,.0f} rows/s: {_verdict(worst_rate >= TARGET_RATE)} "
              f"(worst {worst_rate:,.0f} rows/s).", "",
              f"Load average at the start: {load_at_start:.1f}.", load_note()]
    command = ".venv/bin/python benchmarks/bench_outcomes.py " + " ".join(
        f"--{k.replace('_', '-')} {v}" if not isinstance(v, bool) else f"--{k.replace('_', '-')}"
        for k, v in vars(args).items() if v not in (None, False))
    write_section("bench_outcomes", command.strip(), "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    os.environ.setdefault("CREDITWATCH_LOG_LEVEL", "WARNING")
    main()
