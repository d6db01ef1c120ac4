"""Challenger in shadow: the scoring API with the shadow off against on, in one run.

    .venv/bin/python benchmarks/bench_shadow.py [--runs 5] [--duration 3] [--bundle DIR]

Two uvicorn servers (one worker each, persistence on, embedded SQLite store), the same
bundle as champion (artifacts/model when present, else one trained on 100k synthetic rows):
"off" has no challenger; "on" has a challenger in shadow scoring all of the traffic
(``model.shadow_share`` 1, the default): a bundle of the same trees with another threshold,
so the shadow does the work a same-sized challenger does (the encoded matrix reused). Each
run measures, interleaved: /predict at concurrency 1 (2000 requests) on off then on, and
/predict at concurrency 16 for ``--duration`` s on off then on; before each point the
servers' write queue and the shadow have caught up. Reported: medians of p50, p99 and req/s,
and the medians of the paired per-run ratios on/off. Goals (issue #18): p50 at concurrency
1 rises by ≤ 20 %, throughput at concurrency 16 stays ≥ 70 % of off. Then both servers are
stopped (SIGTERM: spool flushed) and the "on" store must hold one shadow row per shadowed
prediction (scored + dropped = answered).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import shutil
import signal
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from bench_api import _bodies, _bundle, _cpu_seconds, _drain, _free_port, _start

from creditwatch.config import Settings
from creditwatch.model.bundle import load_bundle, save_bundle
from creditwatch.registry.pointers import CHALLENGER, set_pointer, version_dir
from creditwatch.store import Store

from _common import load_note, write_section
from _load import LoadResult, run_load

GOALS = {"p50_rise": 0.20, "c16_share": 0.70}


def _shadow_counts(port: int) -> tuple[float, float, float]:
    """(scored, dropped, failures) so far, from the server's /metrics."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text

    def total(name: str) -> float:
        return sum(float(v) for v in re.findall(rf"^{name}(?:{{[^}}]*}})? ([0-9.e+]+)$", text,
                                                 re.M))
    return (total("creditwatch_shadow_scored_total"), total("creditwatch_shadow_dropped_total"),
            total("creditwatch_shadow_failures_total"))


def _settle(port: int, timeout: float = 60.0) -> None:
    """Wait until the shadow has caught up (its counts stop moving) and the queue is empty."""
    deadline = time.monotonic() + timeout
    last = _shadow_counts(port)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = _shadow_counts(port)
        if now == last:
            break
        last = now
    _drain(port)


def _row(name: str, results: list[LoadResult]) -> str:
    rps = statistics.median(r.rps for r in results)
    p50 = statistics.median(r.percentile_ms(50) for r in results)
    p99 = statistics.median(r.percentile_ms(99) for r in results)
    cpu = statistics.median(r.cpu_us for r in results)
    return f"| {name} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {cpu:,.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--bundle", type=Path, default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_shadow_"))
    bundle_dir = _bundle(args.bundle, Settings(), tmp)
    champion = load_bundle(bundle_dir)
    challenger = dataclasses.replace(champion, threshold=min(champion.threshold * 1.1, 0.99),
                                     version="")
    roots = {name: tmp / name for name in ("off", "on")}
    for root in roots.values():
        shutil.copytree(bundle_dir, root / "artifacts" / "model")
    artifacts = roots["on"] / "artifacts"
    save_bundle(challenger, version_dir(artifacts, challenger.version))
    set_pointer(artifacts, CHALLENGER, challenger.version)
    singles, _ = _bodies()
    ports = {name: _free_port() for name in roots}
    procs = {name: _start(root, None, ports[name]) for name, root in roots.items()}
    table: dict[str, list[LoadResult]] = {f"{k}{c}": [] for k in roots for c in (1, 16)}
    answered = dict.fromkeys(roots, 0)

    def point(name: str, concurrency: int, **kw: float) -> LoadResult:
        """One load point, with the server's CPU time per request (every thread: event
        loop, writer, shadow; counted until the shadow and the writer have caught up), which
        other processes on the machine disturb far less than req/s."""
        _settle(ports[name])
        before = sum(_cpu_seconds(procs[name].pid))
        result = run_load(ports[name], singles, concurrency=concurrency, **kw)
        _settle(ports[name])
        result.cpu_us = (sum(_cpu_seconds(procs[name].pid)) - before) / max(result.n, 1) * 1e6
        answered[name] += result.ok
        return result

    try:
        for name in roots:  # warm-up
            point(name, 16, duration=1.0)
            point(name, 1, per_worker=300)
        for run in range(args.runs):
            for c, kw in ((1, {"per_worker": 2000, "duration": 60.0}),
                          (16, {"duration": args.duration})):
                for name in roots:
                    table[f"{name}{c}"].append(point(name, c, **kw))
            print(f"run {run + 1}/{args.runs}: c1 p50 off {table['off1'][-1].percentile_ms(50):.2f}"
                  f" / on {table['on1'][-1].percentile_ms(50):.2f} ms; c16 off "
                  f"{table['off16'][-1].rps:,.0f} / on {table['on16'][-1].rps:,.0f} req/s",
                  flush=True)
        _settle(ports["on"])
        scored, dropped, failures = _shadow_counts(ports["on"])
        errors = sum(c for v in table.values() for r in v for s, c in r.statuses.items()
                     if s != 200)
    finally:
        for proc in procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            proc.wait(120)
    with Store(f"sqlite:///{roots['on'] / 'data' / 'creditwatch.db'}") as store:
        shadow_rows = len(store.read_shadow())
    rise = statistics.median(on.percentile_ms(50) / off.percentile_ms(50) - 1
                             for on, off in zip(table["on1"], table["off1"], strict=True))
    share = statistics.median(on.rps / off.rps
                              for on, off in zip(table["on16"], table["off16"], strict=True))
    cpu_share = statistics.median(off.cpu_us / on.cpu_us
                                  for on, off in zip(table["on16"], table["off16"], strict=True))
    verdict = {True: "met", False: "NOT met"}
    lines = [
        f"Two uvicorn servers (one worker each, embedded SQLite store), champion "
        f"{champion.booster.num_trees()} trees; \"on\" has a challenger of the same trees in "
        f"shadow scoring all the traffic (model.shadow_share 1). Load: benchmarks/_load.py, "
        f"2000 requests per concurrency-1 point, {args.duration:g} s per concurrency-16 point, "
        f"off and on interleaved; medians of {args.runs} runs.", "",
        "| POST /predict | req/s | p50 ms | p99 ms | server CPU µs / request |",
        "|---|---:|---:|---:|---:|",
        _row("shadow off, concurrency 1", table["off1"]),
        _row("shadow on, concurrency 1", table["on1"]),
        _row("shadow off, concurrency 16", table["off16"]),
        _row("shadow on, concurrency 16", table["on16"]), "",
        f"- p50 at concurrency 1 rises by {rise:+.1%} with the shadow on (median of the "
        f"paired per-run ratios; goal ≤ +{GOALS['p50_rise']:.0%}): "
        f"{verdict[rise <= GOALS['p50_rise']]}.",
        f"- Throughput at concurrency 16 with the shadow on: {share:.0%} of off (goal ≥ "
        f"{GOALS['c16_share']:.0%}): {verdict[share >= GOALS['c16_share']]}.",
        f"- By server CPU per request at concurrency 16 (all threads, the shadow's work "
        f"included): off / on = {cpu_share:.0%}, the throughput share a CPU-bound server "
        "keeps with the shadow on; steadier than req/s on a loaded machine.",
        f"- Shadow: {scored:,.0f} predictions scored, {dropped:,.0f} dropped (queue full), "
        f"{failures:,.0f} failures, of {answered['on']:,} answered; {shadow_rows:,} shadow "
        f"rows stored after shutdown ({'all' if shadow_rows == scored else 'MISMATCH'}); "
        f"non-200 answers: {errors}.",
        f"- {load_note()}",
    ]
    text = "\n".join(lines)
    print(text)
    write_section("bench_shadow", ".venv/bin/python benchmarks/bench_shadow.py", text)
    shutil.rmtree(tmp, ignore_errors=True)
    if shadow_rows != scored or scored + dropped != answered["on"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
