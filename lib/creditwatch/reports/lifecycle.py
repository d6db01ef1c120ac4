"""The lifecycle notebook's steps (``notebooks/05_model_lifecycle.ipynb``), on a sandbox project
of its own: a champion trained on clean synthetic applications, drifting traffic with its
outcomes sent back through the in-process API, the drift and performance histories, a
challenger retrained from the store and compared on the recent hold-out, scored in shadow,
then promoted. Every step is a call of the library the commands use; this module only
chains them (the notebook holds no statistics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from creditwatch.analytics import Analytics
from creditwatch.config import Settings
from creditwatch.drift.monitor import DriftMonitor
from creditwatch.drift.monitor import history_frame as drift_frame
from creditwatch.model.bundle import ModelBundle, load_bundle
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.performance.monitor import PerformanceMonitor
from creditwatch.performance.monitor import history_frame as performance_frame
from creditwatch.registry import CHALLENGER, CHAMPION, pointed, version_dir
from creditwatch.registry.promote import challenge
from creditwatch.registry.promote import promote as registry_promote
from creditwatch.registry.versions import Added, add_version
from creditwatch.reports import simulation
from creditwatch.retrain import (
    HoldoutComparison,
    Retrained,
    retrain,
    store_training_set,
    write_report,
)
from creditwatch.shadow.compare import compare
from creditwatch.simulate.outcomes import OutcomeOptions
from creditwatch.store import Store, load_reference, upgrade
from creditwatch.synthetic.generator import generate
from creditwatch.windows import Chunker, Window

DAY = timedelta(days=1)


@dataclass
class Sandbox:
    """The project the notebook works in: its settings (root folder, store) and store."""

    settings: Settings
    store: Store

    @classmethod
    def open(cls, folder: str | Path, database_url: str | None = None) -> Sandbox:
        """A project rooted at ``folder`` (its own SQLite store unless ``database_url``),
        migrated."""
        settings = Settings(paths={"root": Path(folder)}, store={"url": database_url})
        Path(folder, "data").mkdir(parents=True, exist_ok=True)
        upgrade(settings.store_url)
        return cls(settings, Store.from_settings(settings))

    @property
    def artifacts(self) -> Path:
        return self.settings.paths.artifacts

    def version(self, role: str) -> str | None:
        """The version ``role`` points to (None: none)."""
        return pointed(self.artifacts, role)

    def model(self, role: str) -> ModelBundle | None:
        version = pointed(self.artifacts, role)
        return None if version is None else load_bundle(version_dir(self.artifacts, version))

    def register(self, bundle: ModelBundle) -> Added:
        """Add ``bundle`` to the registry as ``train`` does (the first version is the
        champion); its reference sample goes into the store for the drift checks."""
        added = add_version(self.artifacts, bundle)
        load_reference(self.store, bundle.version, bundle.reference)
        return added

    def close(self) -> None:
        self.store.close()


def train_champion(box: Sandbox, rows: int, seed: int) -> ModelBundle:
    """A model trained on ``rows`` clean synthetic applications, made the champion."""
    s = box.settings
    cfg = TrainConfig(cost_fn=s.model.cost_fn, cost_fp=s.model.cost_fp, seed=seed,
                      protected=tuple(s.fairness.attributes),
                      age_bands=tuple(s.fairness.age_bands))
    bundle = train_model(generate(rows, seed), cfg)
    bundle.extra["training_data"] = {"source": "synthetic", "rows": rows, "seed": seed}
    if not box.register(bundle).champion:
        promote(box, bundle.version)
    return bundle


def send_traffic(box: Sandbox, *, schedule: str, batch_size: int, batch_interval: str | None,
                 seed: int, end: datetime, outcomes_share: float, outcomes_delay: str,
                 output_dir: Path) -> simulation.Simulation:
    """The schedule through an in-process API serving the champion (with the challenger in
    shadow when one is set), the outcomes of ``outcomes_share`` of the answered applications
    sent back ``outcomes_delay`` after each."""
    champion = version_dir(box.artifacts, str(pointed(box.artifacts, CHAMPION)))
    return simulation.run(
        box.settings, api_url=None, schedule=schedule, batch_size=batch_size, n_batches=None,
        batch_interval=batch_interval, error_rate=0.0, endpoint="batch", concurrency=4,
        seed=seed, bundle_dir=champion, spool_dir=output_dir / "spool", end=end,
        outcomes=OutcomeOptions.parse(outcomes_share, outcomes_delay))


def daily_windows(end: datetime, days: int) -> list[Window]:
    """The ``days`` aligned UTC days ending with the one holding ``end``."""
    return Chunker.consecutive(DAY, end - days * DAY, end)


def drift_history(box: Sandbox, windows: list[Window]) -> pd.DataFrame:
    """The champion's drift check of each window, stored as ``drift history`` stores it."""
    champion = pointed(box.artifacts, CHAMPION)
    return drift_frame(DriftMonitor(box.store, box.settings, model_version=champion)
                       .history(windows))


def performance_history(box: Sandbox, windows: list[Window]) -> pd.DataFrame:
    """The champion's realized and estimated performance per window, stored."""
    with PerformanceMonitor(box.store, box.settings, bundle=box.model(CHAMPION)) as monitor:
        return performance_frame(monitor.history(windows))


def retrain_challenger(box: Sandbox, window: Window, output_dir: Path,
                       seed: int) -> tuple[Retrained, Path]:
    """``train --from-store`` over ``window``: the challenger, registered and set as the
    challenger, and the comparison report (its Markdown path)."""
    s = box.settings
    cfg = TrainConfig(cost_fn=s.model.cost_fn, cost_fp=s.model.cost_fp, seed=seed,
                      protected=tuple(s.fairness.attributes),
                      age_bands=tuple(s.fairness.age_bands))
    data = store_training_set(box.store, window, s)
    done = retrain(data, cfg, s, champion=box.model(CHAMPION))
    box.register(done.bundle)
    challenge(box.artifacts, done.bundle.version)  # the registry's checks, then the pointer
    _, markdown = write_report(done.comparison, data.describe(), output_dir)
    return done, markdown



def shadow_traffic(box: Sandbox, *, batches: int, batch_size: int, seed: int,
                   output_dir: Path) -> pd.DataFrame:
    """``batches`` more batches of the last drift, sent now, through the API with the
    challenger in shadow; the shadow comparison of that traffic (``creditwatch model
    compare``'s figures, windows of the time received: agreement, flips, correlations,
    approval rates), one row per challenger version."""
    started = datetime.now(UTC)
    send_traffic(box, schedule=f"sudden:0.7*{batches}", batch_size=batch_size,
                 batch_interval=None, seed=seed, end=started, outcomes_share=0.0,
                 outcomes_delay="0", output_dir=output_dir / "shadow")
    window = Window(started - timedelta(minutes=1), datetime.now(UTC) + timedelta(minutes=1))
    with Analytics(box.store, settings=box.settings, refresh_s=0) as analytics:
        results = compare(analytics, [window], box.settings)
    return pd.DataFrame([{k: v for k, v in r.to_dict().items() if not isinstance(v, dict | list)}
                         for r in results])


def verdict(comparison: HoldoutComparison) -> tuple[bool, str]:
    """Promote the challenger when its hold-out cost per application is below the
    champion's; the reason, in words."""
    champion, challenger = comparison.by_role(CHAMPION), comparison.by_role(CHALLENGER)
    if challenger is None or champion is None:
        return challenger is not None, "no champion to compare with"
    a, b = (m.summary() for m in (champion, challenger))
    better = b["cost_per_application"] < a["cost_per_application"]
    return better, (f"hold-out cost per application {b['cost_per_application']:.4f} against "
                    f"the champion's {a['cost_per_application']:.4f}; AUC {b['auc']:.4f} "
                    f"against {a['auc']:.4f}")


def promote(box: Sandbox, version: str) -> None:
    """Make ``version`` the champion as ``creditwatch model promote`` does (it must load and
    read the champion's input; the challenger pointer that named it is cleared)."""
    registry_promote(box.artifacts, version)
