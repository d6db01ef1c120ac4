"""Champion against challenger on the same labelled hold-out.

Both bundles score the hold-out's raw inputs afresh (``pipeline.transform`` then the booster:
the raw probability the scorer decides on), whatever model scored them when they were stored.
Each model is then judged with its own decision threshold and its own costs, through the
figures the monitoring already computes (no second implementation):

* ``performance.realized``: AUC, default rate, Brier score, the confusion matrix and cost at
  the threshold (``cost_fn`` × defaulters approved + ``cost_fp`` × good clients refused), and
  the calibration table by PD band (expected against observed defaults, binomial test);
* ``fairness.evaluate``: per protected group (``fairness.attributes``, age in bands) the
  approval rate, the TPR (share of the group's defaulters refused), FPR and cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from creditwatch.fairness import AttributeFairness, ProtectedAttribute, evaluate
from creditwatch.model.bundle import ModelBundle
from creditwatch.performance.realized import RealizedPerformance, _plain, realized
from creditwatch.performance.settings import PerformanceSettings
from creditwatch.schema import TARGET_COLUMN

GROUP_COLUMNS = ("group", "n", "approval_rate", "tpr", "fpr", "default_rate", "cost")


@dataclass(frozen=True)
class ModelOnHoldout:
    """One model's figures on the hold-out."""

    role: str
    bundle: ModelBundle
    probability: np.ndarray
    performance: RealizedPerformance
    groups: tuple[AttributeFairness, ...]

    def summary(self) -> dict[str, Any]:
        """The headline figures (one row of the printed table)."""
        r, d = self.performance, self.performance.decisions
        return {
            "role": self.role, "version": self.bundle.version,
            "threshold": float(self.bundle.threshold), "auc": r.auc,
            "cost": d.cost, "cost_per_application": d.cost_per_application,
            "approval_rate": float(np.mean(self.probability < self.bundle.threshold)),
            "brier": r.brier, "miscalibrated_bands": int(r.calibration["miscalibrated"].sum()),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "costs": {"false_negative": self.bundle.cost_fn, "false_positive": self.bundle.cost_fp},
            "realized": self.performance.to_dict(),
            "groups": {g.attribute: g.table[list(GROUP_COLUMNS)].to_dict("records")
                       for g in self.groups},
        }


@dataclass(frozen=True)
class HoldoutComparison:
    """Every model's figures on one hold-out (``models[0]`` is the champion when there is
    one), and the hold-out's description."""

    holdout: dict[str, Any]
    models: tuple[ModelOnHoldout, ...]

    def by_role(self, role: str) -> ModelOnHoldout | None:
        return next((m for m in self.models if m.role == role), None)

    def to_dict(self) -> dict[str, Any]:
        return _plain({"holdout": self.holdout, "models": [m.to_dict() for m in self.models]})


def compare(bundles: dict[str, ModelBundle], holdout: pd.DataFrame, *,
            attributes: Sequence[ProtectedAttribute], settings: PerformanceSettings,
            min_group_size: int, description: dict[str, Any] | None = None) -> HoldoutComparison:
    """Score ``holdout`` (raw inputs with ``TARGET``) with every bundle, by role."""
    y = holdout[TARGET_COLUMN].to_numpy(dtype=np.int64)
    models = []
    for role, bundle in bundles.items():
        p = np.asarray(bundle.booster.predict(bundle.pipeline.transform(holdout)), dtype=float)
        perf = realized(p, y.astype(float), threshold=bundle.threshold, cost_fn=bundle.cost_fn,
                        cost_fp=bundle.cost_fp, settings=settings)
        groups = tuple(
            evaluate(a.groups(holdout[a.field]), p, bundle.threshold, y.astype(float),
                     attribute=a.name, cost_fn=bundle.cost_fn, cost_fp=bundle.cost_fp,
                     maturity_share=settings.maturity_share, min_group_size=min_group_size)
            for a in attributes if a.field in holdout.columns)
        models.append(ModelOnHoldout(role, bundle, p, perf, groups))
    return HoldoutComparison(
        {"rows": len(y), "defaults": int(y.sum()), **(description or {})}, tuple(models))

