"""Retrain from the store: train the challenger on a training set (``dataset.training_set``,
built and checked first, so bad data is refused before any training), judge it against the
champion on the hold-out (``retrain``). Saving the bundle and writing the report are the
caller's (the ``train --from-store`` command), so a failure here leaves nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from creditwatch.config import Settings
from creditwatch.fairness import protected_attributes
from creditwatch.model.bundle import ModelBundle
from creditwatch.model.train import TrainConfig, train_model
from creditwatch.performance.settings import PerformanceSettings
from creditwatch.registry import CHALLENGER, CHAMPION
from creditwatch.retrain.compare import HoldoutComparison, compare
from creditwatch.retrain.dataset import StoreTrainingSet, training_set
from creditwatch.store import Store
from creditwatch.windows import Window

HOLDOUT_KEYS = ("holdout_since", "until")  # of the training description, copied to the report


@dataclass(frozen=True)
class Retrained:
    bundle: ModelBundle  # the challenger, with extra["training_data"]
    data: StoreTrainingSet
    comparison: HoldoutComparison


def store_training_set(store: Store, window: Window, settings: Settings) -> StoreTrainingSet:
    """The window's usable rows, with the configured maturity (``performance.maturity_share``)."""
    return training_set(store, window, maturity_share=settings.performance.maturity_share)


def retrain(data: StoreTrainingSet, cfg: TrainConfig, settings: Settings, *,
            champion: ModelBundle | None,
            on_round: Callable[[int, int], None] | None = None) -> Retrained:
    """Train on the usable rows but the hold-out, then compare on the hold-out (the
    challenger alone when there is no champion)."""
    bundle = train_model(data.train, cfg, on_round=on_round)
    description = data.describe()
    bundle.extra["training_data"] = description  # extra is outside the version hash
    bundles = {CHALLENGER: bundle} if champion is None else {CHAMPION: champion,
                                                              CHALLENGER: bundle}
    comparison = compare(
        bundles, data.holdout,
        attributes=protected_attributes(settings.fairness.attributes,
                                        settings.fairness.age_bands),
        settings=PerformanceSettings.of(settings.performance),
        min_group_size=settings.fairness.min_group_size,
        description={k: description[k] for k in HOLDOUT_KEYS})
    return Retrained(bundle, data, comparison)
