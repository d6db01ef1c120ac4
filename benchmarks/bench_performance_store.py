"""Model performance over the store: realized + estimated performance of 30 daily windows of
1M predictions, each with its outcome, in PostgreSQL, through ``PerformanceMonitor``; next to
NannyML 0.13's CBPE + PerformanceCalculator on the same 30 windows.

    .venv/bin/python benchmarks/bench_performance_store.py [--rows 1000000] [--repeat 3]
        [--reseed] [--drop] [--no-nannyml]

Data (``_perf_store_seed``, seeded once and kept by name between runs): scored synthetic
predictions (a real LightGBM bundle trained here on 100k rows) written through the store's
own write path, spread over 30 days ending at a fixed time, compact inputs, every prediction
with an outcome drawn from its application's ``TRUE_PD``; then ANALYZE.

Timed: ``PerformanceMonitor.history`` over the 30 daily windows, storing the 30 reports
(each window: its labelled rows read through the analytics copy, the estimate with its band,
the realized figures, calibration, decisions, the concept-drift signal, prediction drift).
*Cold*: a new monitor, so the first read pulls the predictions and outcomes into a new
DuckDB copy (the pull is also reported alone); *warm*: the same monitor again (one "anything
new?" refresh, then the windows). With ``performance.check_coverage`` on (the default), each
window also reads the inputs of the coverage check's fields from PostgreSQL. Each run's CPU
seconds: this process (every thread) and the PostgreSQL backends of the benchmark's database.

NannyML (``benchmarks/.venv-nannyml``, as in ``bench_performance``; usage analytics off) gets
the same 30 windows as frames already in memory (the labelled rows as the analytics copy
holds them, one chunk per calendar day), and a labelled reference of 20k fresh synthetic
applications scored by the same bundle; its time is CBPE's fit + estimate plus the
PerformanceCalculator's fit + calculate, in its own process (no store read). Estimate error:
mean and largest |estimated − realized AUC| over the 30 windows, and how many windows the
band covers. Goals: warm ≤ 5 s, cold ≤ 15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from _perf_store_seed import DAY, NOW, WINDOWS, cached_bundle, database_name, seeded_database
from bench_performance import ensure_nannyml_venv

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.performance.monitor import PerformanceMonitor, PerformanceRun
from creditwatch.store import Store, pgadmin
from creditwatch.synthetic.generator import generate
from creditwatch.windows import Chunker, Window

from _common import ROOT, load_note, write_section
from tests.plugins.environment import admin_database_url

NML_TIMEOUT_S = 1800


@dataclass
class Sample:
    """One timed run: wall seconds, this process's and the PG backends' CPU seconds."""

    wall: float
    cpu: float
    pg_cpu: float
    pull: float | None = None


@dataclass
class Samples:
    runs: list[Sample] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(getattr(s, name) for s in self.runs)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, every thread) process ``pid`` has used so far (as
    ``bench_outcomes`` reads it; importing that module would pull in its server helpers)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Meter:
    """Wall, process and PostgreSQL backend CPU of a block (backends of one database, read
    from /proc: the server is local; a backend that ends inside the block is not counted)."""

    def __init__(self, admin: str, database: str) -> None:
        self.admin, self.database = admin, database

    def _backends(self) -> dict[int, float]:
        with pgadmin.connect(self.admin) as conn:
            pids = [r[0] for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,))]
        out = {}
        for pid in pids:
            try:
                out[pid] = process_cpu(pid)
            except OSError:  # ended meanwhile
                continue
        return out

    def run(self, func: Callable[[], float | None]) -> Sample:
        before = self._backends()
        cpu, start = time.process_time(), time.perf_counter()
        pull = func()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        after = self._backends()
        pg = sum(v - before.get(pid, 0.0) for pid, v in after.items())
        return Sample(wall, cpu, pg, pull)


def measure(url: str, meter: Meter, bundle: ModelBundle, coverage: bool, repeat: int
            ) -> tuple[Samples, Samples, list[PerformanceRun], pd.DataFrame]:
    """Cold and warm runs of the 30-window history; the last runs and the labelled rows."""
    settings = Settings(store={"url": url}, performance={"check_coverage": coverage})
    windows = Chunker.consecutive(DAY, NOW - WINDOWS * DAY, NOW)
    cold, warm = Samples(), Samples()
    with Store(url) as store:
        def cold_run() -> float:
            with PerformanceMonitor(store, settings, bundle=bundle) as monitor:
                pull = monitor.analytics.refresh().seconds
                runs = monitor.history(windows)
                assert len(runs) == WINDOWS and all(r.report_id for r in runs)
            return pull

        for _ in range(repeat):
            cold.runs.append(meter.run(cold_run))
        with PerformanceMonitor(store, settings, bundle=bundle) as monitor:
            runs = monitor.history(windows)  # the copy, once
            for _ in range(repeat + 2):
                warm.runs.append(meter.run(lambda: (monitor.history(windows), None)[1]))
            assert len(store.read_performance_reports()) == WINDOWS
            labelled = monitor.analytics.labelled(
                Window(NOW - WINDOWS * DAY, NOW), model_version=monitor.model_version,
                columns=("id", "application_time", "probability"))
    return cold, warm, runs, labelled


def run_nannyml(bundle: ModelBundle, labelled: pd.DataFrame, repeat: int) -> dict | None:
    python = ensure_nannyml_venv()
    if python is None:
        return None
    ref_frame = generate(20_000, 4242)
    p_ref = np.asarray(bundle.booster.predict(bundle.pipeline.transform(ref_frame)), dtype=float)
    p = labelled["probability"].to_numpy(dtype=float)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        pd.DataFrame({"p": p_ref, "pred": (p_ref >= bundle.threshold).astype(int),
                      "y": ref_frame["TARGET"].to_numpy()}).to_parquet(directory / "reference.parquet")
        pd.DataFrame({"t": labelled["application_time"].dt.tz_convert("UTC").dt.tz_localize(None),
                      "p": p, "pred": (p >= bundle.threshold).astype(int),
                      "y": labelled["defaulted"].to_numpy(dtype=int)}
                     ).to_parquet(directory / "analysis.parquet")
        env = {**os.environ, "NML_DISABLE_USAGE_LOGGING": "1"}
        done = subprocess.run([str(python), str(ROOT / "benchmarks" / "_nannyml_cbpe.py"),
                               str(directory), "D", str(repeat)], env=env, capture_output=True,
                              text=True, timeout=NML_TIMEOUT_S)
        if done.returncode:
            print(done.stderr[-2000:], file=sys.stderr)
            return None
        result: dict = json.loads((directory / "nannyml.json").read_text())
    result["time"] = statistics.median(sum(run.values()) for run in result["runs"])
    return result


def errors(estimate: np.ndarray, low: np.ndarray, high: np.ndarray, realized: np.ndarray
           ) -> tuple[float, float, int]:
    """Mean and largest |estimate − realized|, and windows whose band covers the realized."""
    gap = np.abs(estimate - realized)
    return float(gap.mean()), float(gap.max()), int(((low <= realized) & (realized <= high)).sum())


def ours(runs: list[PerformanceRun]) -> tuple[tuple[float, float, int], np.ndarray]:
    rec = pd.DataFrame([r.record() for r in runs])
    col = {k: rec[k].to_numpy(dtype=float) for k in
           ("auc_estimated", "auc_estimated_low", "auc_estimated_high", "auc_realized")}
    return errors(col["auc_estimated"], col["auc_estimated_low"], col["auc_estimated_high"],
                  col["auc_realized"]), col["auc_realized"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reseed", action="store_true", help="seed the database again")
    parser.add_argument("--drop", action="store_true", help="drop the seeded database after")
    parser.add_argument("--no-nannyml", action="store_true")
    args = parser.parse_args()
    admin = admin_database_url()
    bundle = cached_bundle()
    url, seeded_s = seeded_database(admin, bundle, args.rows, reseed=args.reseed)
    meter = Meter(admin, database_name(args.rows))
    try:
        results = {cov: measure(url, meter, bundle, cov, args.repeat) for cov in (True, False)}
    finally:
        if args.drop:
            pgadmin.drop_database(admin, database_name(args.rows))
    _, _, runs, labelled = results[True]
    (mean_e, max_e, covered), realized = ours(runs)
    theirs = None if args.no_nannyml else run_nannyml(bundle, labelled, args.repeat)
    body = report(args, seeded_s, results, (mean_e, max_e, covered), realized, theirs)
    command = "python benchmarks/bench_performance_store.py" + (
        f" --rows {args.rows}" if args.rows != 1_000_000 else "")
    write_section("bench_performance_store", command, body)
    print(body)
    return 0


def report(args: argparse.Namespace, seeded_s: float | None,
           results: dict[bool, tuple[Samples, Samples, list[PerformanceRun], pd.DataFrame]],
           err: tuple[float, float, int], realized: np.ndarray, theirs: dict | None) -> str:
    lines = []
    for cov, (cold, warm, _, _) in results.items():
        lines.append(
            f"| creditwatch, coverage check {'on' if cov else 'off'} | {cold.median('wall'):.2f} s"
            f" ({cold.median('pull'):.2f} s pull) | {cold.median('cpu'):.1f} + "
            f"{cold.median('pg_cpu'):.1f} s | {warm.median('wall'):.2f} s | "
            f"{warm.median('cpu'):.1f} + {warm.median('pg_cpu'):.1f} s |")
    nml_row, nml_err, same = "", "", ""
    if theirs is not None:
        nml_row = (f"| NannyML {theirs['version']} CBPE + PerformanceCalculator (frames in "
                   f"memory) | – | – | {theirs['time']:.2f} s | (its own process) |")
        t_err = errors(*(np.asarray(theirs[k], dtype=float)
                         for k in ("estimate", "lower", "upper", "realized")))
        nml_err = (f"| NannyML CBPE | {t_err[0]:.4f} | {t_err[1]:.4f} | "
                   f"{t_err[2]}/{len(theirs['estimate'])} |")
        gap = np.max(np.abs(np.asarray(theirs["realized"], dtype=float) - realized)) \
            if len(theirs["realized"]) == len(realized) else float("nan")
        same = f"Largest |realized AUC ours − NannyML's| over the windows: {gap:.1e}."
    warm_on, cold_on = results[True][1].median("wall"), results[True][0].median("wall")
    seeded = ("reused from an earlier run" if seeded_s is None
              else f"seeded in {seeded_s:.0f} s through the store's write path")
    return f"""
{args.rows:,} predictions with {args.rows:,} outcomes (from `TRUE_PD`) in PostgreSQL, 30
daily windows of application time (database `{database_name(args.rows)}`, {seeded}).
`PerformanceMonitor.history` over the 30 windows, storing 30 reports: realized figures (AUC,
KS, Brier, log loss, calibration by PD band, decisions and the hindsight-optimal threshold),
the label-free estimate with its bands, prediction drift and the concept-drift signal. Cold:
a new monitor, whose analytics copy is pulled first; warm: the same monitor again. Medians of
{args.repeat} cold and {args.repeat + 2} warm runs; CPU is this process (every thread) + the
PostgreSQL backends.

| contender | cold (of which the pull) | cold CPU | warm | warm CPU |
|---|---:|---:|---:|---:|
{chr(10).join(lines)}
{nml_row}

Estimated vs realized AUC over the 30 windows (no drift: the estimate should sit on the
realized figure):

| estimator | mean abs. error | largest | band covers realized |
|---|---:|---:|---:|
| creditwatch | {err[0]:.4f} | {err[1]:.4f} | {err[2]}/{WINDOWS} |
{nml_err}
{same}

Notes. The monitor's analytics copy holds only the columns it reads (time, model version,
probability; the outcome), so the cold pull is a third of the full copy's server work; the
coverage check's flags are kept per prediction, so a warm run reads no inputs (cold runs read
every window's inputs of the 12 coverage fields, which the seed stores besides the compact
inputs). NannyML's time is its computation on frames already in memory (no store read, no
pull), closest to our warm run. Wall times on a loaded machine stretch by whatever else runs;
the CPU columns do much less.

Goals (coverage check on, the default): warm ≤ 5 s → {'met' if warm_on <= 5 else 'missed'}
({warm_on:.2f} s); cold ≤ 15 s → {'met' if cold_on <= 15 else 'missed'} ({cold_on:.2f} s).
{load_note()}
"""


if __name__ == "__main__":
    sys.exit(main())
