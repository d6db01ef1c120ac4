"""Reasons benchmark: what answering (and storing) the reasons of refusals costs the API.

    .venv/bin/python benchmarks/bench_reasons.py [--runs 3] [--duration 3] [--bundle DIR]

Two uvicorn servers on the same bundle (the production app, persistence on, embedded SQLite
store each): one with reasons (the default, 4 per refused application), one with
CREDITWATCH_REASONS_MAX=0. The traffic is synthetic applications mixed so that its refusal
rate is the bundle's holdout refusal rate. Each run measures, interleaved: /predict at
concurrency 16 on both servers; /predict at concurrency 1 with refused applications only on
both. Reported: medians over the runs of req/s and p50, the with/without throughput ratio,
and the servers' CPU per answered request (event loop and the other threads apart, from
/proc), with the machine's CPU steal over the runs. Then the servers are stopped (SIGTERM:
the spool is flushed) and the reasons' store must hold one prediction per answer and one
reason row per answered reason. Last, the store's own write rate (batches of 1,000
predictions written with and without their reasons), and the CPU time in this process of
one refused application's scoring, reasons, engine and ``pred_contrib``: the machine's speed
at the time, which the servers' figures depend on (docs/reasons.md, "What it costs").
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import signal
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from bench_api import _bundle, _cpu_seconds, _drain, _free_port, _start

from creditwatch.config import Settings
from creditwatch.explain import Explainer
from creditwatch.model.bundle import load_bundle
from creditwatch.schema import FIELD_NAMES, ID_COLUMN
from creditwatch.scoring import Scorer
from creditwatch.scoring.records import refusal_reasons
from creditwatch.store import Store
from creditwatch.synthetic.generator import generate

from _common import interleaved_times, load_note, write_section
from _load import LoadResult, post, run_load
from tests.support.seed import scored_records

GOALS = {"p50_c1_ms": 2.0, "ratio": 0.75}
POOL = 3000


def _traffic(scorer: Scorer, refusal_rate: float,
             n: int = 400) -> tuple[list[bytes], list[bytes], list[dict[str, Any]]]:
    """``n`` /predict requests whose refused share is ``refusal_rate``, 200 refused ones, and
    those 200 refused applications."""
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
    return body, [post("/predict", orjson.dumps(r)) for r in bad[:200]], bad[:200]


def _cpu_per_call(calls: dict[str, Callable[[], object]], number: int,
                  repeat: int = 7) -> dict[str, float]:
    """Median CPU µs of this thread per call of each contender, interleaved: CPU time, not
    wall time, so the figures compare with the servers' CPU per request on a loaded machine."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat + 1):  # the first round warms up
        for name, call in calls.items():
            start = time.thread_time()
            for _ in range(number):
                call()
            samples[name].append((time.thread_time() - start) * 1e6 / number)
    return {name: statistics.median(values[1:]) for name, values in samples.items()}


def _in_process(scorer: Scorer, apps: list[dict[str, Any]]) -> dict[str, float]:
    """CPU µs per refused application, one at a time, in this process and now: scoring it,
    its reasons as the API computes them (engine, grouping, reason dicts) and the engine
    alone; then LightGBM's ``pred_contrib`` (last, and on one thread: its OpenMP threads keep
    spinning after a call and would slow whatever runs beside them). The machine's speed
    during the run, to read the servers' figures against (see docs/reasons.md)."""
    explainer = Explainer.from_bundle(scorer.bundle)
    encoded = [scorer.pipeline.encode(app) for app in apps]
    scores = [scorer.score_encoded(e) for e in encoded]
    rows = itertools.cycle(range(len(apps)))
    times = _cpu_per_call({
        "score": lambda: scorer.score_encoded(encoded[next(rows)]),
        "reasons": lambda: refusal_reasons(explainer, scores[i := next(rows)], encoded[i]),
        "engine": lambda: explainer.contributions(scores[next(rows)].features),
    }, number=len(apps))
    booster = scorer.bundle.booster
    times |= _cpu_per_call({"pred_contrib": lambda: booster.predict(
        scores[next(rows)].features, pred_contrib=True, num_threads=1)}, number=20, repeat=3)
    return times


def _steal() -> tuple[int, int]:
    """(steal, all) CPU jiffies of the machine so far (/proc/stat): a virtual machine's CPU
    taken by its host, invisible in the load average."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return values[7], sum(values[:8])


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
    mixed, refused, refused_apps = _traffic(scorer, refusal_rate)
    roots = {name: tmp / name for name in ("on", "off")}
    for root in roots.values():
        shutil.copytree(bundle_dir, root / "artifacts" / "model")
    ports = {name: _free_port() for name in roots}
    procs = {"on": _start(roots["on"], None, ports["on"]),
             "off": _start(roots["off"], None, ports["off"], reasons_max="0")}
    table: dict[str, list[LoadResult]] = {k: [] for k in ("on16", "off16", "on1", "off1")}
    # server CPU µs per answered request: (event loop, other threads: writer...)
    cpu: dict[str, list[tuple[float, float]]] = {k: [] for k in table}

    def measured(name: str, key: str, body: list[bytes], **load: Any) -> None:
        _drain(ports[name])
        before = _cpu_seconds(procs[name].pid)
        table[key].append(run_load(ports[name], body, **load))
        _drain(ports[name])  # the writer's work for these requests counts too
        after, ok = _cpu_seconds(procs[name].pid), max(table[key][-1].ok, 1)
        cpu[key].append(((after[0] - before[0]) * 1e6 / ok, (after[1] - before[1]) * 1e6 / ok))
    answered = 0
    try:
        for name in ("on", "off"):  # warm-up
            answered += run_load(ports[name], mixed, concurrency=16, duration=1.0).ok * (
                name == "on")
        steal = _steal()
        for run in range(args.runs):
            for name in ("off", "on"):
                measured(name, f"{name}16", mixed, concurrency=16, duration=args.duration)
                measured(name, f"{name}1", refused, concurrency=1, per_worker=1000)
            answered += table["on16"][-1].ok + table["on1"][-1].ok
            print(f"run {run + 1}/{args.runs}: on {table['on16'][-1].rps:,.0f} req/s, "
                  f"off {table['off16'][-1].rps:,.0f} req/s", flush=True)
        steal = tuple(b - a for a, b in zip(steal, _steal(), strict=True))
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
    here = _in_process(scorer, refused_apps)

    ratios = sorted(on.rps / off.rps for on, off in zip(table["on16"], table["off16"],
                                                          strict=True))
    ratio = statistics.median(ratios)
    p50 = _med(table["on1"], "p50")
    split = {k: tuple(statistics.median(x[i] for x in v) for i in (0, 1)) for k, v in cpu.items()}
    cpu_med = {k: statistics.median(sum(x) for x in v) for k, v in cpu.items()}
    extra = (split["on1"][0] - split["off1"][0], split["on1"][1] - split["off1"][1])
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
        f"mixed traffic {cpu_med['on16']:,.0f} µs with reasons ({split['on16'][0]:,.0f} event "
        f"loop + {split['on16'][1]:,.0f} other threads), {cpu_med['off16']:,.0f} µs without "
        f"({split['off16'][0]:,.0f} + {split['off16'][1]:,.0f}), i.e. a CPU-bound throughput "
        f"with reasons of {cpu_ratio:.0%} of without "
        f"(goal ≥ {GOALS['ratio']:.0%}): {verdict[cpu_ratio >= GOALS['ratio']]}; refused "
        f"applications one at a time {cpu_med['on1']:,.0f} µs with reasons "
        f"({split['on1'][0]:,.0f} event loop + {split['on1'][1]:,.0f} other threads), "
        f"{cpu_med['off1']:,.0f} µs without ({split['off1'][0]:,.0f} + "
        f"{split['off1'][1]:,.0f}): the reasons cost {extra[0]:,.0f} µs of event loop and "
        f"{extra[1]:,.0f} µs of writer per refused request.",
        f"- In process, now, one refused application at a time: scoring {here['score']:,.0f} µs, "
        f"its reasons as the API computes them {here['reasons']:,.0f} µs (of which the engine "
        f"{here['engine']:,.0f} µs), LightGBM's pred_contrib {here['pred_contrib']:,.0f} µs "
        f"(CPU time: the machine's speed during this run; the server's extra event-loop CPU "
        f"is more, its caches being cold between requests, see docs/reasons.md).",
        f"- /predict p50 at concurrency 1 for a refused application with reasons: {p50:.2f} ms "
        f"(goal ≤ {GOALS['p50_c1_ms']:g} ms): {verdict[p50 <= GOALS['p50_c1_ms']]}; without "
        f"reasons {_med(table['off1'], 'p50'):.2f} ms.",
        f"- Stored: {answered:,} answered, {stored:,} predictions stored after shutdown "
        f"({'none lost' if stored == answered else 'MISMATCH'}), {refused_stored:,} refused "
        f"with {reasons:,} reason rows; non-200 answers: {errors}.",
        f"- Store write rate (write_batch of 1,000 predictions, SQLite, interleaved): "
        f"{plain_rate:,.0f} predictions/s without reasons, {reasons_rate:,.0f} predictions/s "
        f"with their reasons, i.e. {reason_rows_rate:,.0f} stored reasons/s.",
        f"- {load_note()} CPU steal during the server runs (the host taking this virtual "
        f"machine's CPU, not in the load average): {steal[0] / max(steal[1], 1):.1%}.",
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
