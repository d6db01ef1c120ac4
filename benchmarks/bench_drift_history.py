"""Drift history benchmark: a 30-window daily history over 1M stored predictions.

    .venv/bin/python benchmarks/bench_drift_history.py [--rows 1000000] [--store pg|sqlite]

Seeds a fresh store (PostgreSQL database made for the run and dropped after, or a SQLite file)
with scored synthetic predictions with their full inputs, over 30 days (the last 10 with
gradual drift 0.2), loads a 20k-row training reference, then times
``DriftMonitor.history`` over the 30 daily windows (each window compared on a sample of
``drift.max_rows``, the default) — medians of several runs — and, for scale, one window read
whole.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from creditwatch.config import Settings
from creditwatch.drift import Chunker
from creditwatch.drift.monitor import DriftMonitor
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.scoring import Scorer
from creditwatch.store import Store, pgadmin, upgrade
from creditwatch.synthetic.generator import generate
from creditwatch.synthetic.shift import DriftSpec

from _common import write_section
from tests.plugins.environment import admin_database_url
from tests.support.seed import seed_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--store", choices=("pg", "sqlite"), default="pg")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    settings = Settings(paths={"root": tmp})
    db_name = f"cw_bench_drift_{uuid.uuid4().hex[:8]}"
    if args.store == "pg":
        url = pgadmin.create_database(admin_database_url(), db_name)
        upgrade(url)
    else:
        url = f"sqlite:///{tmp / 'bench.db'}"
    try:
        store = Store(url)
        bundle = train_model(generate(50_000, 1), TrainConfig(cost_fn=settings.model.cost_fn,
                                                              cost_fp=settings.model.cost_fp))
        store.write_reference(bundle.version, bundle.reference, bundle.reference_stats)
        scorer = Scorer(bundle, settings)
        end = datetime(2026, 6, 1, tzinfo=UTC)
        start = end - timedelta(days=30)
        split = end - timedelta(days=10)
        clean = args.rows * 2 // 3
        t0 = time.perf_counter()
        seed_store(store, scorer, clean, start=start, end=split, seed=1, top_k=0, error_rate=0)
        seed_store(store, scorer, args.rows - clean, start=split, end=end, seed=2, top_k=0,
                   error_rate=0, drift=DriftSpec("gradual", 0.2))
        seeding = time.perf_counter() - t0
        print(f"seeded {args.rows:,} predictions in {seeding:.0f} s", file=sys.stderr)
        windows = Chunker.consecutive(timedelta(days=1), start, end)
        monitor = DriftMonitor(store, settings)
        samples = []
        runs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            runs = monitor.history(windows, save=False)
            samples.append(time.perf_counter() - t)
        history_s = statistics.median(samples)
        t = time.perf_counter()
        full = store.read_inputs(windows[-1].start, windows[-1].end)
        full_read_s = time.perf_counter() - t
        statuses = [r.result.summary["status"] for r in runs]
        body = "\n".join([
            f"{args.rows:,} predictions with full inputs in {args.store}, 30 daily windows "
            f"(last 10 with gradual drift 0.2), reference 20,000 rows, "
            f"`drift.max_rows` = {settings.drift.max_rows:,}.", "",
            "| measure | value |", "|---|---:|",
            f"| 30-window history (median of {args.repeat}) | {history_s:.2f} s |",
            f"| per window | {history_s / 30 * 1e3:.0f} ms |",
            f"| reading one whole window ({len(full):,} rows × 120 fields) | {full_read_s:.2f} s |",
            f"| seeding (generate, score, write) | {seeding:.0f} s |", "",
            f"Goal: ≤ 10 s → {'met' if history_s <= 10 else 'NOT met'}. Statuses: "
            f"{statuses.count('OK')} OK, {statuses.count('WARNING')} WARNING, "
            f"{statuses.count('ALERT')} ALERT (the 10 drifted days: {statuses[-10:]}).",
        ])
        print(body)
        write_section("bench_drift_history",
                      f".venv/bin/python benchmarks/bench_drift_history.py --rows {args.rows} "
                      f"--store {args.store}", body)
        store.close()
    finally:
        if args.store == "pg":
            pgadmin.drop_database(admin_database_url(), db_name)


if __name__ == "__main__":
    main()
