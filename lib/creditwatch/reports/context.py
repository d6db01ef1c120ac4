"""What a report notebook opens first: settings, store, analytics, the model bundle.

Notebook parameters are plain values (papermill writes them as literals), so everything is
optional: no database URL means the configured store, no bundle folder the configured one,
a missing bundle is tolerated (the threshold then comes from the predictions, which stored
the one they were decided with).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.errors import ModelNotFoundError
from creditwatch.model.bundle import ModelBundle, load_bundle
from creditwatch.store import Store, load_reference
from creditwatch.windows import Window, parse_time


@dataclass
class ReportContext:
    settings: Settings
    store: Store
    analytics: Analytics
    bundle: ModelBundle | None
    output_dir: Path
    period: str

    @classmethod
    def open(cls, *, database_url: str | None = None, bundle_dir: str | Path | None = None,
             output_dir: str | Path = ".", period: str = "7d", as_of: str | None = None,
             time_column: str = "received_at") -> ReportContext:
        """Open everything a report needs; ``as_of`` (ISO time) ends relative periods there."""
        settings = Settings(store={"url": database_url}) if database_url else Settings()
        store = Store.from_settings(settings)
        store.check_schema()
        now = parse_time(as_of) if as_of else None
        analytics = Analytics(store, settings=settings, time_column=time_column, now=now)
        analytics.window(period)  # an unreadable period fails here, before any chart
        try:
            bundle: ModelBundle | None = load_bundle(bundle_dir or settings.paths.bundle_dir)
        except ModelNotFoundError:
            bundle = None
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        return cls(settings, store, analytics, bundle, out, period)

    @property
    def window(self) -> Window:
        return self.analytics.window(self.period)

    @property
    def threshold(self) -> float | None:
        """The model's decision threshold: the bundle's, else the latest one stored with
        the predictions; None when there is neither."""
        if self.bundle is not None:
            return self.bundle.threshold
        stored = self.analytics.thresholds("all")
        return float(stored["threshold"].iloc[0]) if len(stored) else None

    @property
    def costs(self) -> tuple[float, float]:
        """(cost_fn, cost_fp): the bundle's, else the configured ones."""
        if self.bundle is not None:
            return self.bundle.cost_fn, self.bundle.cost_fp
        return self.settings.model.cost_fn, self.settings.model.cost_fp

    def ensure_reference(self) -> bool:
        """Load the bundle's reference sample into the store when it holds none for this
        model version (as ``creditwatch reference load`` does); True when it was loaded."""
        if self.bundle is None:
            return False
        return load_reference(self.store, self.bundle.version, self.bundle.reference)

    def describe(self) -> pd.Series:
        """What this report reads, for its first cell's output."""
        cov = self.analytics.coverage()
        return pd.Series({
            "store": self.store.url, "period": self.window.describe(),
            "predictions stored": cov["n_predictions"], "first": cov["first"],
            "last": cov["last"], "model": self.bundle.version if self.bundle else "(no bundle)",
            "threshold": self.threshold,
        })

    def close(self) -> None:
        self.analytics.close()
        self.store.close()
