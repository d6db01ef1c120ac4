"""Reasons benchmark: what answering (and storing) the reasons of refusals costs the API.

    .venv/bin/python benchmarks/bench_reasons.py [--runs 3] [--duration 3] [--bundle DIR]

Two uvicorn servers on the same bundle (the production app, persistence on, embedded SQLite
store each): one with reasons (the default, 4 per refused application), one with
CREDITWATCH_REASONS_MAX=0. The traffic is synthetic applications mixed so that its refusal
rate is the bundle's holdout refusal rate. Each run measures, interleaved: /predict at
concurrency 16 on both servers; /predict at concurrency 1 with refused applications only on
both. Reported: medians over the runs of req/s and p50, the with/without throughput ratio,
and the servers' CPU per answered request (event loop and writer threads, from /proc).
Then the servers are stopped (SIGTERM: the spool is flushed) and the reasons' store must hold
one prediction per answer and one reason row per answered reason. Last, the store's own
write rate: batches of 1,000 predictions written with and without their reasons.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from bench_api import _bundle, _cpu_seconds, _drain, _free_port, _start

from creditwatch.config import Settings
from creditwatch.model.bundle import load_bundle
from creditwatch.schema import FIELD_NAMES, ID_COLUMN
from creditwatch.scoring import Scorer
from creditwatch.store import Store
from creditwatch.synthetic.generator import generate

from _common import interleaved_times, load_note, write_section
from _load import LoadResult, post, run_load
from tests.support.seed import scored_records

GOALS = {"p50_c1_ms": 2.0, "ratio": 0.75}
POOL = 3000


def _traffic(scorer: Scorer, refusal_rate: float, n: int = 400) -> tuple[list[bytes], list[bytes]]:
    """``n`` /predict requests whose refused share is ``refusal_rate``, and 200 refused ones."""
    keep = {*FIELD_NAMES, ID_COLUMN}
    frame = generate(POOL, 17, id_start=600_000)
    rows = [{k: v for k, v in r.items() if k in keep and v == v}
            for r in frame.to_dict("records")]
    refused = scorer.score(frame).refused
    bad = [r for r, x in zip(rows, refused, strict=True) if x]
    good = [r for r, x in zip(rows, refused, strict=True) if not x]
    k = round(n * refusal_rate)
    mixed = bad[:k] + good[: n - k]
    mixed = [mixed[(i * 7919) % n] for i in range(n)]  # interleave (7919 is prime)
    body = [post("/predict", orjson.dumps(r)) for r in mixed]
    return body, [post("/predict", orjson.dumps(r)) for r in bad[:200]]


def _store_rates(scorer: Scorer, tmp: Path) -> tuple[float, float, float]:
    """(predictions/s without reasons, predictions/s with, reason rows/s) of write_batch."""
    frame = generate(1000, 23, id_start=700_000)
    now = datetime.now(UTC)
    rng = np.random.default_rng(0)
    base = scored_records(scorer, frame, [now] * len(frame), rng=rng, prefix="w")
    n_reasons = sum(len(r.get("reasons") or []) for r in base)
    plain = [{k: v for k, v in r.items() if k != "reasons"} for r in base]
    stores = {name: Store(f"sqlite:///{tmp / f'{name}.db'}") for name in ("plain", "reasons")}
    counter = {"n": 0}

    def batch(name: str, records: list[dict]) -> None:
        counter["n"] += 1
        tag = counter["n"]
        stores[name].write_batch(predictions=[{**r, "request_id": f"{r['request_id']}-{tag}"}
                                              for r in records])

    times = interleaved_times({"plain": lambda: batch("plain", plain),
                               "reasons": lambda: batch("reasons", base)}, repeat=5)
    for store in stores.values():
        store.close()
    return 1000 / times["plain"], 1000 / times["reasons"], n_reasons / times["reasons"]


def _med(results: list[LoadResult], what: str) -> float:
    if what == "rps":
        return statistics.median(r.rps for r in results)
    return statistics.median(r.percentile_ms(50) for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--bundle", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    tmp = Path(tempfile.mkdtemp(prefix="bench_reasons_"))
    bundle_dir = _bundle(args.bundle, settings, tmp)
    bundle = load_bundle(bundle_dir)
    scorer = Scorer(bundle, settings)
    refusal_rate = 1.0 - bundle.metrics["holdout_approval_rate"]
    mixed, refused = _traffic(scorer, refusal_rate)
    roots = {name: tmp / name for name in ("on", "off")}
    for root in roots.values():
        shutil.copytree(bundle_dir, root / "artifacts" / "model")
    ports = {name: _free_port() for name in roots}
    procs = {"on": _start(roots["on"], None, ports["on"]),
             "off": _start(roots["off"], None, ports["off"], reasons_max="0")}
    table: dict[str, list[LoadResult]] = {k: [] for k in ("on16", "off16", "on1", "off1")}
    cpu: dict[str, list[float]] = {k: [] for k in table}  # server CPU µs per answered request

    def measured(name: str, key: str, body: list[bytes], **load: Any) -> None:
        _drain(ports[name])
        before = sum(_cpu_seconds(procs[name].pid))
        table[key].append(run_load(ports[name], body, **load))
        _drain(ports[name])  # the writer's work for these requests counts too
        cpu[key].append((sum(_cpu_seconds(procs[name].pid)) - before) * 1e6
                        / max(table[key][-1].ok, 1))
    answered = 0
    try:
        for name in ("on", "off"):  # warm-up
            answered += run_load(ports[name], mixed, concurrency=16, duration=1.0).ok * (
                name == "on")
        for run in range(args.runs):
            for name in ("off", "on"):
                measured(name, f"{name}16", mixed, concurrency=16, duration=args.duration)
                measured(name, f"{name}1", refused, concurrency=1, per_worker=1000)
            answered += table["on16"][-1].ok + table["on1"][-1].ok
            print(f"run {run + 1}/{args.runs}: on {table['on16'][-1].rps:,.0f} req/s, "
                  f"off {table['off16'][-1].rps:,.0f} req/s", flush=True)
        errors = sum(c for v in table.values() for r in v for s, c in r.statuses.items()
                     if s != 200)
    finally:
        for proc in procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            proc.wait(120)
    with Store(f"sqlite:///{roots['on'] / 'data' / 'creditwatch.db'}") as store:
        stored = store.count_predictions()
        frame = store.read_predictions(columns=["decision"])
        reasons = len(store.read_reasons())
    refused_stored = int((frame["decision"] == "REFUSED").sum())
    plain_rate, reasons_rate, reason_rows_rate = _store_rates(scorer, tmp)

    ratios = sorted(on.rps / off.rps for on, off in zip(table["on16"], table["off16"],
                                                          strict=True))
    ratio = statistics.median(ratios)
    p50 = _med(table["on1"], "p50")
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    cpu_ratio = cpu_med["off16"] / cpu_med["on16"]
    verdict = {True: "met", False: "NOT met"}
    lines = [
        f"One uvicorn worker per server, persistence on (embedded SQLite); model "
        f"{bundle.booster.num_trees()} trees; traffic refusal rate {refusal_rate:.1%} (the "
        f"bundle's holdout); medians of {args.runs} runs ({args.duration:g} s per concurrency-16 "
        "point, 1000 requests per concurrency-1 point; servers measured back to back).", "",
        "| load | reasons on: req/s | p50 ms | reasons off: req/s | p50 ms |",
        "|---|---:|---:|---:|---:|",
        f"| /predict, concurrency 16, mixed traffic | {_med(table['on16'], 'rps'):,.0f} | "
        f"{_med(table['on16'], 'p50'):.2f} | {_med(table['off16'], 'rps'):,.0f} | "
        f"{_med(table['off16'], 'p50'):.2f} |",
        f"| /predict, concurrency 1, refused applications | {_med(table['on1'], 'rps'):,.0f} | "
        f"{p50:.2f} | {_med(table['off1'], 'rps'):,.0f} | {_med(table['off1'], 'p50'):.2f} |",
        "",
        f"- Throughput with reasons at concurrency 16: {ratio:.0%} of the same server's without "
        f"(goal ≥ {GOALS['ratio']:.0%}): {verdict[ratio >= GOALS['ratio']]} (runs: "
        f"{', '.join(f'{r:.0%}' for r in ratios)}).",
        f"- Server CPU per answered request (event loop + writer, from /proc, until the "
        f"write queue is empty; much less sensitive than req/s to the rest of the machine): "
        f"mixed traffic {cpu_med['on16']:,.0f} µs with reasons, {cpu_med['off16']:,.0f} µs "
        f"without, i.e. a CPU-bound throughput with reasons of {cpu_ratio:.0%} of without "
        f"(goal ≥ {GOALS['ratio']:.0%}): {verdict[cpu_ratio >= GOALS['ratio']]}; refused "
        f"applications one at a time {cpu_med['on1']:,.0f} µs with reasons, "
        f"{cpu_med['off1']:,.0f} µs without.",
        f"- /predict p50 at concurrency 1 for a refused application with reasons: {p50:.2f} ms "
        f"(goal ≤ {GOALS['p50_c1_ms']:g} ms): {verdict[p50 <= GOALS['p50_c1_ms']]}.",
        f"- Stored: {answered:,} answered, {stored:,} predictions stored after shutdown "
        f"({'none lost' if stored == answered else 'MISMATCH'}), {refused_stored:,} refused "
        f"with {reasons:,} reason rows; non-200 answers: {errors}.",
        f"- Store write rate (write_batch of 1,000 predictions, SQLite, interleaved): "
        f"{plain_rate:,.0f} predictions/s without reasons, {reasons_rate:,.0f} predictions/s "
        f"with their reasons, i.e. {reason_rows_rate:,.0f} stored reasons/s.",
        f"- {load_note()}",
    ]
    text = "\n".join(lines)
    print(text)
    options = [f"--{k} {v}" for k, v in (("runs", args.runs), ("duration", args.duration),
                                          ("bundle", args.bundle)) if v is not None]
    write_section("bench_reasons", " ".join([".venv/bin/python benchmarks/bench_reasons.py",
                                             *options]), text)
    shutil.rmtree(tmp, ignore_errors=True)
    if stored != answered:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
