"""Model performance over the store: realized + estimated performance of 30 daily windows of
1M predictions, each with its outcome, in PostgreSQL, through ``PerformanceMonitor``.

    .venv/bin/python benchmarks/bench_performance_store.py [--rows 1000000] [--repeat 3]

Data: scored synthetic predictions written by ``tests.support.seed`` (a real LightGBM
bundle trained here on 20k rows; the store's COPY path), spread over 30 days ending at a
fixed time, compact inputs (the fields the analytics read), every prediction with an
outcome drawn from its application's ``TRUE_PD``; then ANALYZE (the test server runs
without autovacuum). The database is a throw-away one on TEST_DATABASE_URL, dropped at the
end.

Timed: ``PerformanceMonitor.history`` over the 30 daily windows, storing the 30 reports
(each window: its labelled rows read through the analytics copy, the estimate with its band,
the realized figures, calibration, decisions, the concept-drift signal, prediction drift).
*Cold*: a new monitor, so the first read pulls the predictions and outcomes into a new
DuckDB copy; *warm*: the same monitor again (one "anything new?" refresh, then the windows).
With ``performance.check_coverage`` on, each window also reads its inputs from PostgreSQL
for the coverage check (compact inputs hold two of its fields: the timing is the point).
Goals: warm ≤ 5 s, cold ≤ 15 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle, load_bundle, save_bundle
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.performance.monitor import PerformanceMonitor
from creditwatch.scoring import Scorer
from creditwatch.store import Store, pgadmin
from creditwatch.synthetic.generator import generate
from creditwatch.windows import Chunker

from _common import load_note, write_section
from tests.plugins.environment import admin_database_url
from tests.support.seed import seed_store

NOW = datetime(2026, 11, 1, tzinfo=UTC)
DAY = timedelta(days=1)
WINDOWS = 30


def train_bundle(folder: Path) -> ModelBundle:
    settings = Settings(store={"url": None})
    bundle = train_model(generate(20_000, 11), TrainConfig(
        cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp, seed=3,
        reference_rows=5_000))
    return load_bundle(save_bundle(bundle, folder))


def seed(url: str, bundle: ModelBundle, rows: int) -> float:
    start = time.perf_counter()
    with Store(url) as store:
        store.upgrade()
        scorer = Scorer(bundle, Settings(store={"url": None}))
        seed_store(store, scorer, rows, start=NOW - WINDOWS * DAY, end=NOW, seed=3,
                   error_rate=0.0, batch=20_000, top_k=0, compact=True, labelled=1.0)
        with store.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - start


def timed(func: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), samples


def measure(url: str, bundle: ModelBundle, coverage: bool, repeat: int
            ) -> tuple[float, float, float]:
    """(cold, warm, copy) medians in seconds: a new monitor's history, the same monitor's
    history again, and the cold copy's pull alone."""
    settings = Settings(store={"url": url}, performance={"check_coverage": coverage})
    windows = Chunker.consecutive(DAY, NOW - WINDOWS * DAY, NOW)
    with Store(url) as store:
        copies: list[float] = []

        def cold() -> None:
            with PerformanceMonitor(store, settings, bundle=bundle) as monitor:
                start = time.perf_counter()
                monitor.analytics.refresh()
                copies.append(time.perf_counter() - start)
                runs = monitor.history(windows)
                assert len(runs) == WINDOWS and all(r.report_id for r in runs)

        cold_s, _ = timed(cold, repeat)
        with PerformanceMonitor(store, settings, bundle=bundle) as monitor:
            monitor.history(windows)  # the copy, once
            warm_s, _ = timed(lambda: monitor.history(windows), repeat + 2)
            assert len(store.read_performance_reports()) == WINDOWS
    # a cold run is the copy's pull then the history; its pull is also reported alone
    return cold_s, warm_s, statistics.median(copies)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    admin = admin_database_url()
    name = pgadmin.unique_name("creditwatch_bench_perf")
    with tempfile.TemporaryDirectory() as tmp:
        bundle = train_bundle(Path(tmp) / "bundle")
        url = pgadmin.create_database(admin, name)
        try:
            seeded_s = seed(url, bundle, args.rows)
            results = {cov: measure(url, bundle, cov, args.repeat) for cov in (False, True)}
        finally:
            pgadmin.drop_database(admin, name)
    rows = "\n".join(
        f"| {'on' if cov else 'off'} | {cold:.2f} s | {copy:.2f} s | {warm:.2f} s |"
        for cov, (cold, warm, copy) in results.items())
    warm_off, cold_off = results[False][1], results[False][0]
    warm_on, cold_on = results[True][1], results[True][0]
    command = "python benchmarks/bench_performance_store.py" + (
        f" --rows {args.rows}" if args.rows != 1_000_000 else "")
    body = f"""
{args.rows:,} predictions with {args.rows:,} outcomes (from `TRUE_PD`) in PostgreSQL, 30
daily windows of application time (seeded in {seeded_s:.0f} s through the store's COPY path,
then ANALYZEd). `PerformanceMonitor.history` over the 30 windows, storing 30 reports:
realized figures (AUC, KS, Brier, log loss, calibration by PD band, decisions and the
hindsight-optimal threshold), the label-free estimate with its bands, prediction drift and
the concept-drift signal. Cold: a new monitor, whose analytics copy is pulled first (the
pull alone in its own column); warm: the same monitor again. Medians of {args.repeat} cold
and {args.repeat + 2} warm runs.

| coverage check (inputs read per window) | cold | of which the copy's pull | warm |
|---|---:|---:|---:|
{rows}

Goals: warm ≤ 5 s → {'met' if warm_off <= 5 else 'missed'} without the coverage check
({warm_off:.2f} s), {'met' if warm_on <= 5 else 'missed'} with it ({warm_on:.2f} s); cold ≤ 15 s
→ {'met' if cold_off <= 15 else 'missed'} without ({cold_off:.2f} s),
{'met' if cold_on <= 15 else 'missed'} with ({cold_on:.2f} s). {load_note()}
"""
    write_section("bench_performance_store", command, body)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
