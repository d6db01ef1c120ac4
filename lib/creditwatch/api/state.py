"""What the API holds for its lifetime: scorer, store, spool, writer, metrics."""

from __future__ import annotations

from dataclasses import dataclass

from creditwatch.api.metrics import ApiMetrics
from creditwatch.config import Settings
from creditwatch.persistence import BackgroundWriter, Spool
from creditwatch.scoring import Scorer
from creditwatch.store import Store


@dataclass
class ApiState:
    settings: Settings
    scorer: Scorer
    store: Store
    spool: Spool
    writer: BackgroundWriter
    metrics: ApiMetrics
    top_feature_idx: list[tuple[str, int]]

    @classmethod
    def build(cls, settings: Settings, scorer: Scorer | None = None) -> ApiState:
        scorer = scorer or Scorer.load(settings.bundle_dir, settings)
        store = Store.from_settings(settings)
        spool = Spool(settings.spool_dir)
        writer = BackgroundWriter(spool, store, interval=settings.writer_interval_s)
        names = scorer.bundle.feature_names
        top = [(name, names.index(name)) for name in scorer.bundle.top_features(20)]
        return cls(settings, scorer, store, spool, writer, ApiMetrics(writer), top)
