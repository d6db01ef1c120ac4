"""What the API holds for its lifetime: the served model, store, spool, writer, metrics,
the challenger in shadow, coalescer."""

from __future__ import annotations

from dataclasses import dataclass, field

from creditwatch.api import multiproc
from creditwatch.api.coalesce import Coalescer
from creditwatch.api.metrics import ApiMetrics
from creditwatch.api.monitor import Monitor
from creditwatch.api.outcomes import OutcomeWaiters
from creditwatch.api.served import ModelWatcher, ServedModel
from creditwatch.config import Settings
from creditwatch.explain import Explainer
from creditwatch.scoring import Scorer
from creditwatch.shadow import Shadow
from creditwatch.spool import LogBuffer, Spool
from creditwatch.store import Store
from creditwatch.writer import BackgroundWriter


@dataclass
class ApiState:
    settings: Settings
    # The champion and what is built from it, replaced whole by the watcher on a promotion:
    # read it once per request (see ``api.served``).
    model: ServedModel
    store: Store
    spool: Spool
    writer: BackgroundWriter
    logs: LogBuffer  # the API's log records, spooled by the writer thread
    metrics: ApiMetrics
    outcome_waiters: OutcomeWaiters  # POST /outcomes requests awaiting the writer's verdict
    monitor: Monitor  # the background thread that sets the gauges
    shadow: Shadow  # the challenger in shadow (idle while no challenger pointer is set)
    watcher: ModelWatcher = field(init=False)  # follows the champion pointer
    # /predict requests ready together, scored at once; set by the app, which wires it to
    # api.service (the service reads this state: building it here would import in a circle)
    coalescer: Coalescer = field(init=False)

    def __post_init__(self) -> None:
        self.watcher = ModelWatcher(self.settings, lambda: self.model, self._swap)
        self.monitor.reference_auc = lambda: self.model.reference_auc  # the current model's

    def _swap(self, model: ServedModel) -> None:
        self.model = model  # one assignment: every reader sees the old model or the new one

    # The current model's parts, for code that does one thing with them; a request that
    # scores takes ``model`` once instead, so it is served wholly by one version.
    @property
    def scorer(self) -> Scorer:
        return self.model.scorer

    @property
    def explainer(self) -> Explainer | None:
        return self.model.explainer

    @property
    def top_names(self) -> list[str]:
        return self.model.top_names

    @property
    def top_idx(self) -> list[int]:
        return self.model.top_idx

    @classmethod
    def build(cls, settings: Settings, scorer: Scorer | None = None) -> ApiState:
        scorer = scorer or Scorer.load(settings.paths.bundle_dir, settings)
        model = ServedModel.build(scorer, settings)
        store = Store.from_settings(settings)
        spool = Spool(settings.spool_dir)
        logs = LogBuffer(spool)
        waiters = OutcomeWaiters()
        writer = BackgroundWriter(spool, store, interval=settings.api.writer_interval_s,
                                  logs=logs, on_outcomes=waiters.resolve)
        metrics_dir = None
        if multiproc.enabled():  # several workers: PROMETHEUS_MULTIPROC_DIR set at start
            metrics_dir = settings.metrics_dir
            metrics_dir.mkdir(parents=True, exist_ok=True)
        metrics = ApiMetrics(writer, metrics_dir)
        monitor = Monitor(metrics, store, settings)
        shadow = Shadow(settings, spool, count=metrics.count_shadow)
        return cls(settings, model, store, spool, writer, logs, metrics, waiters, monitor,
                   shadow)
