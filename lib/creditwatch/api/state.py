"""What the API holds for its lifetime: scorer, store, spool, writer, metrics, coalescer."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from creditwatch.api.coalesce import Coalescer
from creditwatch.api.metrics import ApiMetrics
from creditwatch.api.service import score_singles
from creditwatch.config import Settings
from creditwatch.persistence import BackgroundWriter, LogBuffer, Spool
from creditwatch.scoring import Scorer
from creditwatch.store import Store

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
    coalescer: Coalescer = field(init=False)  # /predict requests ready together, scored at once

    def __post_init__(self) -> None:
        self.coalescer = Coalescer(partial(score_singles, self), self.settings.coalesce_max)

    @classmethod
    def build(cls, settings: Settings, scorer: Scorer | None = None) -> ApiState:
        scorer = scorer or Scorer.load(settings.bundle_dir, settings)
        store = Store.from_settings(settings)
        spool = Spool(settings.spool_dir)
        logs = LogBuffer(spool)
        writer = BackgroundWriter(spool, store, interval=settings.writer_interval_s, logs=logs)
        names = scorer.bundle.feature_names
        top = scorer.bundle.top_features(TOP_FEATURES)
        return cls(settings, scorer, store, spool, writer, logs, ApiMetrics(writer), top,
                   [names.index(name) for name in top])
