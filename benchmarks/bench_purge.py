"""Retention purge benchmark: whole months on PostgreSQL against the batch path.

    .venv/bin/python benchmarks/bench_purge.py [--entries 1000000] [--months 6]
        [--features 0] [--no-sqlite]

Each contender gets its own store, filled the same way: ``--entries`` predictions (the small
inputs of bench_audit, ``--features`` feature values each) spread evenly over ``--months``
calendar months of 2025, written through ``write_predictions`` in batches of 5,000 (so each
has its chain entry). Then ``purge_inputs`` at 2026-01-01 (every month whole) once:

* PostgreSQL, by month (``store.retention_pg``, as shipped);
* PostgreSQL, batch path only (``by_month=False``: batches of 5,000 ids, the reference);
* SQLite, batch path (its only path).

Reported: wall seconds, the benchmark process's CPU seconds (the database server's work is
not in it on PostgreSQL), rows purged, and ``audit verify --inputs`` still intact after.
One purge per store (a purge cannot be repeated on the same rows; each fill costs minutes).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from creditwatch.audit import verify
from creditwatch.store import Store, pgadmin, upgrade

from _common import load_note, write_section
from tests.plugins.environment import admin_database_url

YEAR = 2025
CUTOFF = datetime(YEAR + 1, 1, 1, tzinfo=UTC)
SEED_BATCH = 5000


def _fill(url: str, n: int, months: int, features: int) -> float:
    """``n`` predictions spread over ``months`` months; returns the seconds it took."""
    t0 = time.perf_counter()
    per_month = -(-n // months)
    step = timedelta(days=27) / per_month
    with Store(url) as store:
        for first in range(0, n, SEED_BATCH):
            batch = []
            for i in range(first, min(first + SEED_BATCH, n)):
                at = datetime(YEAR, 1 + i // per_month, 1, tzinfo=UTC) + (i % per_month) * step
                batch.append({
                    "request_id": f"p-{i}", "received_at": at, "endpoint": "/predict",
                    "model_version": "bench", "probability": i / n, "decision": "APPROVED",
                    "threshold": 0.4,
                    "inputs": {"SK_ID_CURR": 100_000 + i, "AMT_CREDIT": 250_000.0 + i,
                               "CODE_GENDER": "F", "EXT_SOURCE_1": None},
                    "features": {f"f{k}": float(k) for k in range(features)},
                })
            store.write_predictions(batch)
    return time.perf_counter() - t0


def _purge(url: str, by_month: bool) -> tuple[float, float, int, int, bool]:
    """(wall s, process CPU s, predictions, feature values, chain intact after)."""
    with Store(url) as store:
        t0, c0 = time.perf_counter(), time.process_time()
        result = store.purge_inputs(CUTOFF, by_month=by_month)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        with store.engine.connect() as conn:
            intact = verify(conn, inputs=True).intact
    return wall, cpu, result.predictions, result.feature_values, intact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--features", type=int, default=0)
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    contenders = [("PostgreSQL, by month", "pg", True), ("PostgreSQL, batch path", "pg", False)]
    if not args.no_sqlite:
        contenders.append(("SQLite, batch path", "sqlite", False))
    rows, names = [], []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for label, kind, by_month in contenders:
                if kind == "pg":
                    names.append(pgadmin.unique_name("creditwatch_bench"))
                    url = pgadmin.create_database(admin_database_url(), names[-1])
                    upgrade(url)
                else:
                    url = f"sqlite:///{Path(tmp) / 'purge.db'}"
                fill_s = _fill(url, args.entries, args.months, args.features)
                measured = _purge(url, by_month)
                rows.append((label, *measured))
                print(label, f"fill {fill_s:.0f} s", measured, flush=True)
                if kind == "pg":
                    pgadmin.drop_database(admin_database_url(), names.pop())
        finally:
            for name in names:
                pgadmin.drop_database(admin_database_url(), name)
    body = [f"{args.entries:,} predictions over {args.months} months, {args.features} feature "
            "values each; one purge of them all per freshly filled store.", "",
            "| contender | wall | benchmark process CPU | predictions | feature values | "
            "verify --inputs after |", "|---|---:|---:|---:|---:|---|"]
    for label, wall, cpu, n, features, intact in rows:
        body.append(f"| {label} | {wall:.1f} s | {cpu:.1f} s | {n:,} | {features:,} | "
                    f"{'intact' if intact else 'BROKEN'} |")
    body += ["", load_note()]
    command = (f"python benchmarks/bench_purge.py --entries {args.entries} --months "
               f"{args.months} --features {args.features}"
               + (" --no-sqlite" if args.no_sqlite else ""))
    write_section(f"bench_purge_{args.features}f", command, "\n".join(body))


if __name__ == "__main__":
    main()
