"""Scoring API benchmark: the real server under load, against a constant endpoint as floor.

    .venv/bin/python benchmarks/bench_api.py [--pg] [--runs 5] [--duration 3] [--bundle DIR]

Starts uvicorn (one worker, persistence on: spool + background writer into the embedded
SQLite store, or with ``--pg`` a throw-away PostgreSQL database at TEST_DATABASE_URL) serving
``benchmarks/api_floor.py`` (the production app plus a constant POST /floor). The bundle is
artifacts/model when present, else one trained on 100k synthetic rows. Each run measures, in
this order: /floor and /predict at concurrency 16 for ``--duration`` seconds; /floor and
/predict at concurrency 1; /predict-batch with 1000 applications at concurrency 1; and, as
the contender showing what coalescing concurrent requests (``creditwatch.api.coalesce``)
brings, /predict at concurrency 16 on a second, identical server started with
CREDITWATCH_COALESCE_MAX=1 (each request scored in its own pass; its own store). Reported:
medians over the runs of req/s, p50 and p99, and of each run's /predict-to-floor ratio. Then the servers
are stopped (SIGTERM: the spool is flushed) and each store must hold exactly one prediction
per application it answered.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

from creditwatch.config import Settings
from creditwatch.model.bundle import load_bundle, save_bundle
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.schema import FIELD_NAMES, ID_COLUMN
from creditwatch.store import Store, pgadmin, upgrade
from creditwatch.synthetic.generator import generate

from _common import write_section
from _load import LoadResult, post, run_load
from tests.plugins.environment import admin_database_url

HERE = Path(__file__).resolve().parent
GOALS = {"ratio": 0.40, "p50_c1_ms": 2.0, "batch_p50_ms": 150.0}
BATCH = 1000


def _bundle(path: Path | None, settings: Settings, tmp: Path) -> Path:
    if path is not None:
        return path
    if (settings.paths.bundle_dir / "bundle.json").exists():
        return settings.paths.bundle_dir
    print("no artifacts/model: training one on 100k synthetic rows", flush=True)
    cfg = TrainConfig(cost_fn=settings.model.cost_fn, cost_fp=settings.model.cost_fp)
    return save_bundle(train_model(generate(100_000, 42), cfg), tmp / "trained")


def _bodies() -> tuple[list[bytes], bytes]:
    keep = {*FIELD_NAMES, ID_COLUMN}
    frame = generate(BATCH, 7, id_start=600_000)
    rows = [{k: v for k, v in r.items() if k in keep and v == v}
            for r in frame.to_dict("records")]
    singles = [post("/predict", orjson.dumps(r)) for r in rows[:200]]
    return singles, post("/predict-batch", orjson.dumps({"applications": rows}))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(root: Path, database_url: str | None, port: int,
           **settings: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CREDITWATCH_") and k != "DATABASE_URL"}
    env["CREDITWATCH_ROOT"] = str(root)
    env.update({f"CREDITWATCH_{k.upper()}": v for k, v in settings.items()})
    if database_url:
        env["DATABASE_URL"] = database_url
    cmd = [sys.executable, "-m", "uvicorn", "api_floor:app", "--app-dir", str(HERE),
           "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
           "--log-level", "warning", "--no-access-log"]
    with open(root / "server.log", "ab") as log:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: see {root / 'server.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not become healthy")


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU time (user + system) the server has used so far: its main thread (event loop),
    and its other threads (the background writer; the thread pool serving /health)."""
    main = other = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a pool thread that just ended
            continue
        seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        if task.name == str(pid):
            main += seconds
        else:
            other += seconds
    return main, other


def _drain(port: int, timeout: float = 60.0) -> None:
    """Wait until the server's write queue is empty."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).json()["queue_depth"] <= 1:
            return
        time.sleep(0.05)


def _coalesced(port: int) -> tuple[float, float]:
    """(scoring passes, /predict requests they scored) so far, from the server's /metrics."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    values = dict(line.rsplit(" ", 1) for line in text.splitlines()
                  if line.startswith("creditwatch_predict_coalesced_"))
    return (float(values["creditwatch_predict_coalesced_count"]),
            float(values["creditwatch_predict_coalesced_sum"]))


def _count(url: str) -> int:
    with Store(url) as store:
        return store.count_predictions()


def _row(name: str, results: list[LoadResult]) -> tuple[str, float, float, float, float, float]:
    rps = statistics.median(r.rps for r in results)
    p50 = statistics.median(r.percentile_ms(50) for r in results)
    p99 = statistics.median(r.percentile_ms(99) for r in results)
    cpu = statistics.median(r.cpu_us for r in results)
    writer = statistics.median(r.writer_cpu_us for r in results)
    return name, rps, p50, p99, cpu, writer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", action="store_true", help="store in PostgreSQL")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--bundle", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    tmp = Path(tempfile.mkdtemp(prefix="bench_api_"))
    bundle_dir = _bundle(args.bundle, settings, tmp)
    booster = load_bundle(bundle_dir).booster
    root = tmp / "root"
    shutil.copytree(bundle_dir, root / "artifacts" / "model")
    alone_root = tmp / "alone"
    shutil.copytree(bundle_dir, alone_root / "artifacts" / "model")
    database_url = alone_url = None
    db_names: list[str] = []
    if args.pg:
        db_names = [pgadmin.unique_name("creditwatch_bench") for _ in range(2)]
        database_url, alone_url = (pgadmin.create_database(admin_database_url(), name)
                                   for name in db_names)
        upgrade(database_url)
        upgrade(alone_url)
    singles, batch = _bodies()
    floors = [post("/floor", r[r.index(b"\r\n\r\n") + 4 :]) for r in singles]
    port, alone_port = _free_port(), _free_port()
    proc = _start(root, database_url, port)
    alone = _start(alone_root, alone_url, alone_port, coalesce_max="1")

    def measure(requests: list[bytes], apps_per_request: int = 1, server: int = 0,
                **kw: Any) -> LoadResult:
        """One load point, with the server's CPU time per application scored attached
        (robust to other processes on the machine, unlike req/s). The writer first ships
        what the previous point left, so its work is counted where it was caused."""
        on, at = (proc, port) if server == 0 else (alone, alone_port)
        _drain(at)
        main0, other0 = _cpu_seconds(on.pid)
        result = run_load(at, requests, **kw)
        _drain(at)  # what this point spooled is shipped, and counted here
        main1, other1 = _cpu_seconds(on.pid)
        apps = max(result.n * apps_per_request, 1)
        result.cpu_us = (main1 - main0) / apps * 1e6
        result.writer_cpu_us = (other1 - other0) / apps * 1e6
        return result

    answered = alone_answered = 0  # applications answered with a 200: what each store holds
    per_pass: list[float] = []  # /predict requests per scoring pass at concurrency 16
    table: dict[str, list[LoadResult]] = {k: [] for k in (
        "floor16", "predict16", "floor1", "predict1", "batch", "alone16")}
    try:
        # warm-up: code paths, connections, allocator
        answered += measure(singles, concurrency=16, duration=1.0).ok
        alone_answered += measure(singles, server=1, concurrency=16, duration=1.0).ok
        measure(floors, concurrency=16, duration=1.0)
        answered += measure([batch], BATCH, concurrency=1, per_worker=3).ok * BATCH
        for run in range(args.runs):
            table["floor16"].append(measure(floors, concurrency=16, duration=args.duration))
            passes0, scored0 = _coalesced(port)
            table["predict16"].append(measure(singles, concurrency=16, duration=args.duration))
            passes1, scored1 = _coalesced(port)
            per_pass.append((scored1 - scored0) / max(passes1 - passes0, 1))
            table["alone16"].append(measure(singles, server=1, concurrency=16,
                                            duration=args.duration))
            alone_answered += table["alone16"][-1].ok
            table["floor1"].append(measure(floors, concurrency=1, per_worker=2000))
            table["predict1"].append(measure(singles, concurrency=1, per_worker=2000))
            table["batch"].append(measure([batch], BATCH, concurrency=1, per_worker=10,
                                          duration=60))
            answered += (table["predict16"][-1].ok + table["predict1"][-1].ok
                         + table["batch"][-1].ok * BATCH)
            print(f"run {run + 1}/{args.runs}: predict16 {table['predict16'][-1].rps:,.0f} "
                  f"req/s, floor16 {table['floor16'][-1].rps:,.0f} req/s", flush=True)
        errors = sum(c for v in table.values() for r in v for s, c in r.statuses.items()
                     if s != 200)
    finally:
        for server in (proc, alone):
            server.send_signal(signal.SIGTERM)
        for server in (proc, alone):
            server.wait(120)
    stored, alone_stored = (
        _count(url or f"sqlite:///{where / 'data' / 'creditwatch.db'}")
        for url, where in ((database_url, root), (alone_url, alone_root)))
    for name in db_names:
        pgadmin.drop_database(admin_database_url(), name)

    rows = [_row("constant POST /floor, concurrency 16", table["floor16"]),
            _row("POST /predict, concurrency 16", table["predict16"]),
            _row("constant POST /floor, concurrency 1", table["floor1"]),
            _row("POST /predict, concurrency 1", table["predict1"]),
            _row(f"POST /predict-batch ({BATCH:,} applications), concurrency 1", table["batch"]),
            _row("contender: POST /predict, concurrency 16, passes of one request",
                 table["alone16"])]
    # Paired: each run measures the floor and /predict back to back, under the same
    # conditions, so the median of the per-run ratios is steadier than a ratio of medians.
    ratios = sorted(p.rps / f.rps for p, f in zip(table["predict16"], table["floor16"],
                                                   strict=True))
    ratio = statistics.median(ratios)
    alone_ratio = statistics.median(a.rps / f.rps for a, f in zip(
        table["alone16"], table["floor16"], strict=True))
    gain = statistics.median(p.rps / a.rps for p, a in zip(
        table["predict16"], table["alone16"], strict=True))
    cpu_ratio = (rows[0][4] + rows[0][5]) / (rows[1][4] + rows[1][5])
    p50_c1, batch_p50 = rows[3][2], rows[4][2]
    verdict = {True: "met", False: "NOT met"}
    lines = [
        f"One uvicorn worker, persistence on ({'PostgreSQL' if args.pg else 'embedded SQLite'}"
        f" store); model {booster.num_trees()} trees. Load: benchmarks/_load.py (closed loop, "
        f"keep-alive, {args.duration:g} s per concurrency-16 point, 2000 requests per "
        f"concurrency-1 point, 10 batches); medians of {args.runs} runs.", "",
        "Server CPU per application (µs, from /proc): the event loop thread, and the writer "
        "thread shipping the records to the store (counted until the queue is empty again). "
        "It is much less sensitive than req/s to what else runs on the machine.", "",
        "| endpoint | req/s | p50 ms | p99 ms | CPU: event loop | CPU: writer |",
        "|---|---:|---:|---:|---:|---:|",
        *(f"| {n} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {cpu:,.0f} | {w:,.0f} |"
          for n, rps, p50, p99, cpu, w in rows), "",
        f"- /predict at concurrency 16: {ratio:.0%} of the floor's throughput (goal ≥ "
        f"{GOALS['ratio']:.0%}): {verdict[ratio >= GOALS['ratio']]}. Median of the per-run "
        f"ratios (runs: {', '.join(f'{r:.0%}' for r in ratios)}; ratio of the medians "
        f"above: {rows[1][1] / rows[0][1]:.0%}). By server CPU per "
        f"request (floor / predict, both threads): {cpu_ratio:.0%}.",
        f"- Concurrent /predict requests scored together (api.coalesce): "
        f"{statistics.median(per_pass):.1f} requests per scoring pass at concurrency 16 "
        f"(median of the runs). The contender (same run, CREDITWATCH_COALESCE_MAX=1: the "
        f"requests ready together are still scored back to back, but each in its own pass) "
        f"does {alone_ratio:.0%} of the floor: scoring them together gives {gain:.2f}× its "
        "throughput.",
        f"- /predict p50 at concurrency 1: {p50_c1:.2f} ms (goal ≤ {GOALS['p50_c1_ms']:g} ms): "
        f"{verdict[p50_c1 <= GOALS['p50_c1_ms']]}.",
        f"- /predict-batch of {BATCH:,} p50: {batch_p50:.1f} ms (goal ≤ "
        f"{GOALS['batch_p50_ms']:g} ms): {verdict[batch_p50 <= GOALS['batch_p50_ms']]}.",
        f"- Records: {answered:,} predictions answered, {stored:,} stored after shutdown "
        f"({'none lost' if stored == answered else 'MISMATCH'}); contender "
        f"{alone_answered:,} answered, {alone_stored:,} stored; non-200 answers: {errors}.",
        f"- Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (above "
        "~1, other processes competed with the server and the load generator).",
    ]
    text = "\n".join(lines)
    print(text)
    command = ".venv/bin/python benchmarks/bench_api.py" + (" --pg" if args.pg else "")
    write_section("bench_api" + ("_pg" if args.pg else ""), command, text)
    shutil.rmtree(tmp, ignore_errors=True)
    if stored != answered or alone_stored != alone_answered:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
