"""What the API holds for its lifetime: scorer, store, spool, writer, metrics, coalescer."""

from __future__ import annotations

from dataclasses import dataclass, field

from creditwatch.api import multiproc
from creditwatch.api.coalesce import Coalescer
from creditwatch.api.metrics import ApiMetrics
from creditwatch.api.monitor import Monitor
from creditwatch.api.outcomes import OutcomeWaiters
from creditwatch.config import Settings
from creditwatch.explain import Explainer
from creditwatch.scoring import Scorer
from creditwatch.shadow import Shadow
from creditwatch.spool import LogBuffer, Spool
from creditwatch.store import Store
from creditwatch.writer import BackgroundWriter

TOP_FEATURES = 20


@dataclass
class ApiState:
    settings: Settings
    scorer: Scorer
    store: Store
    spool: Spool
    writer: BackgroundWriter
    logs: LogBuffer  # the API's log records, spooled by the writer thread
    metrics: ApiMetrics
    top_names: list[str]  # the model's 20 most important features (feature_values rows)
    top_idx: list[int]  # their columns in the feature matrix
    outcome_waiters: OutcomeWaiters  # POST /outcomes requests awaiting the writer's verdict
    monitor: Monitor  # the background thread that sets the gauges
    explainer: Explainer | None  # the reasons engine, built at load (None: reasons off)
    shadow: Shadow  # the challenger in shadow (idle while no challenger pointer is set)
    # /predict requests ready together, scored at once; set by the app, which wires it to
    # api.service (the service reads this state: building it here would import in a circle)
    coalescer: Coalescer = field(init=False)

    @classmethod
    def build(cls, settings: Settings, scorer: Scorer | None = None) -> ApiState:
        scorer = scorer or Scorer.load(settings.paths.bundle_dir, settings)
        store = Store.from_settings(settings)
        spool = Spool(settings.spool_dir)
        logs = LogBuffer(spool)
        waiters = OutcomeWaiters()
        writer = BackgroundWriter(spool, store, interval=settings.api.writer_interval_s,
                                  logs=logs, on_outcomes=waiters.resolve)
        names = scorer.bundle.feature_names
        top = scorer.bundle.top_features(TOP_FEATURES)
        metrics_dir = None
        if multiproc.enabled():  # several workers: PROMETHEUS_MULTIPROC_DIR set at start
            metrics_dir = settings.metrics_dir
            metrics_dir.mkdir(parents=True, exist_ok=True)
        metrics = ApiMetrics(writer, metrics_dir)
        reference = scorer.bundle.performance_reference or {}
        monitor = Monitor(metrics, store, settings, reference_auc=reference.get("auc"))
        # Built (per-tree tables, compiled kernels warmed up) before the first request.
        explainer = Explainer.from_bundle(scorer.bundle) if settings.api.reasons_max else None
        shadow = Shadow(settings, spool, count=metrics.count_shadow)
        return cls(settings, scorer, store, spool, writer, logs, metrics, top,
                   [names.index(name) for name in top], waiters, monitor, explainer, shadow)
