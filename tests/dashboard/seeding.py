"""Seeding a project folder the way production fills it.

* Today's traffic: the simulator sends applications (some deliberately broken) to the real
  scoring API (in-process ASGI, or a running server over HTTP); the API's writer stores the
  predictions and the rejected requests.
* A backfill of the previous weeks: the real scorer scores synthetic applications one by
  one (the seeds' gradual-then-sudden drift schedule) and the records, stamped back in time
  (received_at = application_time, spread over the last ~40 days), are written with
  ``Store.write_predictions``: the server clock of a live API cannot be backdated, and the
  dashboard's periods are on that clock. So 24h, 7d, 30d and all each hold a different set.
"""

from __future__ import annotations

import shutil
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from creditwatch.config import Settings
from creditwatch.model.bundle import ModelBundle
from creditwatch.schema import FIELD_BY_NAME
from creditwatch.scoring import Scorer
from creditwatch.scoring.records import prediction_records, refusal_reasons
from creditwatch.simulate import Schedule, SimulationConfig, SimulationResult
from creditwatch.simulate.runner import simulate, simulate_in_process
from creditwatch.store import Store
from creditwatch.synthetic.generator import generate
from creditwatch.synthetic.shift import DriftSpec

from tests.support.seed import explainer_for

BACKFILL_DRIFT = ("none", "none", "none", "gradual:0.1", "gradual:0.2", "gradual:0.3",
                  "sudden:0.5", "sudden:0.7")
BACKFILL_DAYS = (40, 35, 30, 25, 20, 15, 6, 3)  # batch starts, days before now; 2.5 days each
BATCH_SIZE = 40  # today's batches
BACKFILL_SIZE = 60  # per backfill batch: above the drift engine's 50-row minimum
ERROR_RATE = 0.1  # deliberately broken payloads, so anomalies and 4xx exist


def project_root(root: Path, bundle_dir: Path) -> Settings:
    """A project folder holding a copy of the model bundle; its settings (embedded store)."""
    target = root / "artifacts" / "model"
    if not target.exists():
        shutil.copytree(bundle_dir, target)
    return Settings(paths={"root": root}, store={"url": None})


def configs(api_url: str) -> list[SimulationConfig]:
    """Today's traffic: a clean batch, then a drifted one (sent now, server-stamped now)."""
    return [SimulationConfig(api_url=api_url, schedule=Schedule.parse(
        "clean,sudden:0.5", batch_size=BATCH_SIZE), error_rate=ERROR_RATE, seed=8,
        concurrency=4)]


def backfill(store: Store, bundle: ModelBundle, settings: Settings,
             now: datetime | None = None) -> int:
    """Score the backfill batches one application at a time (real per-request timings) and
    store them stamped in the past, an hour apart; returns how many were written."""
    now = now or datetime.now(UTC)
    scorer = Scorer(bundle, settings)
    records = []
    for b, (drift, days) in enumerate(zip(BACKFILL_DRIFT, BACKFILL_DAYS, strict=True)):
        frame = generate(BACKFILL_SIZE, 100 + b, DriftSpec.parse(drift),
                         id_start=900_000 + b * 1000)
        start = now - timedelta(days=days)
        records += scored_records(scorer, frame, f"backfill-{b}",
                                  [start + timedelta(hours=i) for i in range(len(frame))])
    return store.write_predictions(records)


def scored_records(scorer: Scorer, frame: pd.DataFrame, prefix: str,
                   times: list[datetime]) -> list[dict[str, Any]]:
    """Prediction records as the API writes them, one scoring call per application."""
    bundle = scorer.bundle
    top = bundle.top_features()
    frame = frame[[c for c in frame.columns if c == "SK_ID_CURR" or c in FIELD_BY_NAME]]
    index = [bundle.feature_names.index(name) for name in top]
    records = []
    for i, (row, when) in enumerate(zip(frame.to_dict("records"), times, strict=True)):
        inputs = {k: _plain(v) for k, v in row.items() if v is not None and v == v}
        encoded = scorer.pipeline.encode(inputs)
        scores = scorer.score_encoded(encoded)
        records += prediction_records(
            scores, scores.records(), [inputs], request_ids=[f"{prefix}-{i}"],
            received_at=when, application_times=[when], endpoint="/predict",
            top_names=top, top_index=index, preprocessing_ms=scores.preprocessing_ms,
            inference_ms=scores.inference_ms,
            total_ms=scores.preprocessing_ms + scores.inference_ms,
            reasons=refusal_reasons(explainer_for(scorer), scores, encoded))
    return records


def new_traffic(store: Store, bundle: ModelBundle, settings: Settings, n: int,
                prefix: str) -> int:
    """``n`` more predictions received now (as if the API had just answered them)."""
    frame = generate(n, zlib.crc32(prefix.encode()) % 10_000, id_start=700_000)
    now = datetime.now(UTC)
    return store.write_predictions(scored_records(Scorer(bundle, settings), frame, prefix,
                                                  [now] * n))


def _plain(value: object) -> object:
    return value.item() if hasattr(value, "item") else value


@dataclass(frozen=True)
class Sent:
    accepted: int  # scored (stored as predictions)
    rejected: int  # answered 4xx/5xx (stored as anomalies)


def _sent(results: list[SimulationResult]) -> Sent:
    batches = [b for r in results for b in r.batches]
    assert not any(r.unreachable for r in results), "the API stopped answering"
    return Sent(sum(b.accepted for b in batches),
                sum(b.rejected + b.server_errors for b in batches))


def seed_in_process(settings: Settings) -> Sent:
    """Today's traffic through the API app in this process (its writer flushes on exit)."""
    from creditwatch.api import create_app

    return _sent([simulate_in_process(cfg, create_app(settings))
                  for cfg in configs("http://in-process")])


def seed_over_http(api_url: str) -> Sent:
    """Today's traffic through a running API."""
    return _sent([simulate(cfg) for cfg in configs(api_url)])


def drift_and_alerts(store: Store, bundle: ModelBundle, settings: Settings,
                     now: datetime | None = None) -> list[int]:
    """Load the training reference, check today's window and
    each backfill batch's window with the drift engine, then run the alert check (which
    fires on the latest drift share); returns the report ids."""
    from creditwatch.alerts.check import run_check
    from creditwatch.drift import Window
    from creditwatch.drift.monitor import DriftMonitor
    from creditwatch.store import load_reference

    now = now or datetime.now(UTC)
    load_reference(store, bundle.version, bundle.reference, bundle.reference_stats)
    monitor = DriftMonitor(store, settings)
    # Today's window first: the last check made is then a backfill window with strong drift,
    # on which the alert check fires (it reads the latest report).
    today = monitor.run(Window(now - timedelta(hours=6), now + timedelta(minutes=1)))
    ids = [today.report_id]
    for days in BACKFILL_DAYS:
        start = now - timedelta(days=days)
        ids.append(monitor.run(Window(start, start + timedelta(days=2.5))).report_id)
    run_check(store, settings, now=now)
    return [i for i in ids if i is not None]


LABELLED = (1.0, 1.0, 1.0, 1.0, 0.95, 0.9, 0.5, 0.0)  # outcome share per backfill batch


def model_performance(store: Store, bundle: ModelBundle, settings: Settings) -> list[int]:
    """Outcomes for the backfill (each drawn from its application's TRUE_PD, the generator
    regenerating the same batches; older batches fully labelled, the newest not at all),
    then one performance report per backfill batch's window; returns the report ids."""
    import numpy as np

    from creditwatch.performance.monitor import PerformanceMonitor
    from creditwatch.windows import Window

    rng = np.random.default_rng(21)
    stored = store.read_predictions(columns=["request_id", "application_time"])
    outcomes, windows = [], []
    for b, (drift, share) in enumerate(zip(BACKFILL_DRIFT, LABELLED, strict=True)):
        frame = generate(BACKFILL_SIZE, 100 + b, DriftSpec.parse(drift),
                         id_start=900_000 + b * 1000)
        batch = stored[stored["request_id"].str.startswith(f"backfill-{b}-")]
        start = batch["application_time"].min().to_pydatetime()
        windows.append(Window(start, start + timedelta(days=2.5)))
        defaulted = rng.random(len(frame)) < frame["TRUE_PD"].to_numpy()
        for i in np.flatnonzero(rng.random(len(frame)) < share):
            when = start + timedelta(hours=int(i) + 24)
            outcomes.append({"event_id": f"seed-outcome-{b}-{i}", "key": "request_id",
                             "value": f"backfill-{b}-{i}", "defaulted": int(defaulted[i]),
                             "observed_at": when, "received_at": when, "source": "seed"})
    store.write_outcomes(outcomes)
    with PerformanceMonitor(store, settings, bundle=bundle) as monitor:
        runs = monitor.history(sorted(windows, key=lambda w: w.bounds))
    return [r.report_id for r in runs if r.report_id is not None]


def shadow_scores(store: Store, challenger: ModelBundle, settings: Settings,
                  share: float = 0.8) -> int:
    """Install ``challenger`` in the registry as the challenger, and store its shadow scores
    of a ``share`` of the stored predictions (scored from their stored inputs, as the API's
    shadow would have); returns how many."""
    from creditwatch.model.bundle import save_bundle
    from creditwatch.registry.pointers import CHALLENGER, set_pointer, version_dir
    from creditwatch.shadow import sampled

    save_bundle(challenger, version_dir(settings.paths.artifacts, challenger.version))
    set_pointer(settings.paths.artifacts, CHALLENGER, challenger.version)
    stored = store.read_predictions(columns=["request_id", "received_at", "application_time",
                                             "inputs"])
    stored = stored[[sampled(r, share) for r in stored["request_id"]]]
    scores = Scorer(challenger, settings).score(pd.DataFrame(list(stored["inputs"])))
    now = datetime.now(UTC)
    return store.write_shadow([
        {"request_id": rid, "model_version": challenger.version,
         "received_at": received.to_pydatetime(), "application_time": applied.to_pydatetime(),
         "probability": p, "decision": decision, "threshold": challenger.threshold,
         "scored_at": now}
        for rid, received, applied, p, decision in zip(
            stored["request_id"], stored["received_at"], stored["application_time"],
            scores.probability.tolist(), scores.decisions.tolist(), strict=True)])
