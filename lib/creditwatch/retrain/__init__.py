"""Retraining from production: the stored applications with mature outcomes become a training
set (``dataset``), a new model is trained on all of it but the most recent labelled rows, and
champion and challenger are compared on those (``compare``: AUC, cost at each model's own
threshold, calibration by PD band, approval rate and TPR by protected group), written to
``reports/retrain/`` (``report``). ``run.store_training_set`` and ``run.retrain`` tie them together for
``creditwatch train --from-store``. See docs/retraining.md."""

from __future__ import annotations

from creditwatch.retrain.compare import HoldoutComparison, compare
from creditwatch.retrain.dataset import HOLDOUT_SHARE, StoreTrainingSet, training_set
from creditwatch.retrain.report import write_report
from creditwatch.retrain.run import Retrained, retrain, store_training_set

__all__ = ["HOLDOUT_SHARE", "HoldoutComparison", "Retrained",
           "StoreTrainingSet", "compare", "retrain", "store_training_set", "training_set",
           "write_report"]
